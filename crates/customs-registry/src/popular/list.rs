//! A list being built: names checked against their registry's rules, deduplicated, capped, and
//! written as the popular-names CSV.

use std::collections::HashSet;
use std::fmt::Write as _;

use customs_core::{Ecosystem, PackageName};

use super::PopularError;

/// npm refuses new names longer than this.
const MAX_NPM_NAME_LEN: usize = 214;
/// crates.io refuses names longer than this.
const MAX_CRATE_NAME_LEN: usize = 64;

/// The CSV text of one ecosystem's list.
#[derive(Debug)]
pub(super) struct List {
    ecosystem: Ecosystem,
    csv: String,
    /// Keys (`PackageName::match_key`) of the names written.
    seen: HashSet<String>,
    rows: usize,
    max_rows: usize,
}

impl List {
    /// A list under `header` (`name,rank` or `name,downloads`).
    pub(super) fn new(ecosystem: Ecosystem, header: &str, max_rows: usize) -> List {
        List {
            ecosystem,
            csv: format!("{header}\n"),
            seen: HashSet::new(),
            rows: 0,
            max_rows,
        }
    }

    pub(super) fn is_full(&self) -> bool {
        self.rows >= self.max_rows
    }

    /// Adds `name` ranked after the names already listed (`name,rank` lists). A name that
    /// cannot be a package name, or is already listed, is skipped, and so is anything once the
    /// list is full.
    pub(super) fn push_ranked(&mut self, name: &str) {
        self.push(name, self.rows + 1);
    }

    /// Adds `name` with `value` (`name,downloads` lists), skipping as [`List::push_ranked`]
    /// does.
    pub(super) fn push(&mut self, name: &str, value: impl std::fmt::Display) {
        if self.is_full() || !is_package_name(self.ecosystem, name) {
            return;
        }
        let Ok(package) = PackageName::new(self.ecosystem, name) else {
            return;
        };
        if !self.seen.insert(package.match_key(self.ecosystem)) {
            return;
        }
        let _ = writeln!(self.csv, "{name},{value}");
        self.rows += 1;
    }

    /// The CSV text; a list without names is an error naming where it came from.
    pub(super) fn finish(self, source: String) -> Result<String, PopularError> {
        if self.rows == 0 {
            return Err(PopularError::Empty { url: source });
        }
        Ok(self.csv)
    }
}

/// Whether `name` can be a package name of `ecosystem`: what `customs-core` accepts (no
/// whitespace or control characters, at most 256 bytes), no comma (the CSV has no quoting),
/// and the registry's own rules for new names, which every name in these lists (all published)
/// follows:
/// - npm: URL-safe characters (`A-Za-z0-9-._~`), not starting with `.` or `_`, optionally
///   `@scope/` before; at most 214 characters. Capitals are allowed (legacy names keep them).
/// - PyPI: PEP 508, ASCII letters and digits with `.`, `_`, `-` inside.
/// - crates.io: an ASCII letter, then letters, digits, `-` and `_`; at most 64 characters.
pub(super) fn is_package_name(ecosystem: Ecosystem, name: &str) -> bool {
    if name.contains(',') || PackageName::new(ecosystem, name).is_err() {
        return false;
    }
    match ecosystem {
        Ecosystem::Npm => is_npm_name(name),
        Ecosystem::PyPI => is_pypi_name(name),
        Ecosystem::CratesIo => is_crate_name(name),
    }
}

fn is_npm_name(name: &str) -> bool {
    let part = |text: &str| {
        !text.is_empty()
            && !text.starts_with(['.', '_'])
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    let valid = match name.strip_prefix('@') {
        Some(scoped) => scoped
            .split_once('/')
            .is_some_and(|(scope, rest)| part(scope) && part(rest)),
        None => part(name),
    };
    valid && name.len() <= MAX_NPM_NAME_LEN
}

fn is_pypi_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        }
        _ => false,
    }
}

fn is_crate_name(name: &str) -> bool {
    name.len() <= MAX_CRATE_NAME_LEN
        && name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_their_registry_rules() {
        for (ecosystem, good, bad) in [
            (
                Ecosystem::Npm,
                &["semver", "@babel/core", "JSONStream", "lodash.merge", "a~b"][..],
                &[
                    "", "a b", "a,b", "a\u{0}", ".hidden", "_under", "a/b", "@scope", "@a/../b",
                    "@/x", "ünï", "a%2fb",
                ][..],
            ),
            (
                Ecosystem::PyPI,
                &[
                    "boto3",
                    "PyYAML",
                    "zope.interface",
                    "typing_extensions",
                    "a",
                ][..],
                &["", "-a", "a-", ".a", "a b", "a,b", "a/b", "é"][..],
            ),
            (
                Ecosystem::CratesIo,
                &["syn", "serde_json", "Inflector", "a-b"][..],
                &["", "1a", "-a", "a.b", "a b", "a,b", "é"][..],
            ),
        ] {
            for name in good {
                assert!(is_package_name(ecosystem, name), "{ecosystem:?} {name:?}");
            }
            for name in bad {
                assert!(!is_package_name(ecosystem, name), "{ecosystem:?} {name:?}");
            }
        }
        assert!(!is_package_name(Ecosystem::Npm, &"a".repeat(215)));
        assert!(!is_package_name(Ecosystem::CratesIo, &"a".repeat(65)));
    }

    #[test]
    fn duplicates_keep_the_first_rank_and_the_cap_holds() {
        let mut list = List::new(Ecosystem::PyPI, "name,rank", 3);
        for name in [
            "Django", "django", "PyYAML", "bad name", "pyyaml", "six", "extra",
        ] {
            list.push_ranked(name);
        }
        assert!(list.is_full());
        assert_eq!(
            list.finish("source".into()).ok().as_deref(),
            Some("name,rank\nDjango,1\nPyYAML,2\nsix,3\n")
        );
        let empty = List::new(Ecosystem::Npm, "name,rank", 3);
        assert!(matches!(
            empty.finish("source".into()),
            Err(PopularError::Empty { .. })
        ));
    }
}
