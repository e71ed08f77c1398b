use std::fmt;

use serde::Serialize;

use crate::Ecosystem;

/// Longest name accepted. npm caps names at 214 characters, PyPI and crates.io far lower; the
/// margin tolerates odd lockfiles while keeping hostile input bounded.
const MAX_NAME_LEN: usize = 256;

/// A package name in its ecosystem's canonical form, with the form the input used kept for display.
///
/// - npm: names are compared exactly (legacy packages such as `JSONStream` keep capitals).
/// - PyPI: PEP 503 normalisation: lowercase, and runs of `-`, `_` and `.` become one `-`.
/// - crates.io: the name as published; [`PackageName::match_key`] folds case and `_`/`-`, which
///   crates.io treats as the same name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageName {
    canonical: String,
    /// The input's spelling where it differs from `canonical` (most names are already
    /// canonical, and a second copy of each was a thousand allocations on a large lockfile).
    display: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("empty package name")]
    Empty,
    #[error("package name is longer than {MAX_NAME_LEN} bytes")]
    TooLong,
    #[error("package name `{0}` contains whitespace or control characters")]
    BadCharacter(String),
}

impl PackageName {
    pub fn new(ecosystem: Ecosystem, name: &str) -> Result<Self, NameError> {
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.len() > MAX_NAME_LEN {
            return Err(NameError::TooLong);
        }
        if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(NameError::BadCharacter(name.escape_debug().to_string()));
        }
        let canonical = match ecosystem {
            Ecosystem::PyPI => pep503_normalize(name),
            Ecosystem::Npm | Ecosystem::CratesIo => name.to_owned(),
        };
        let display = (canonical != name).then(|| name.to_owned());
        Ok(Self { canonical, display })
    }

    /// The canonical name: what advisories, purls and registries use.
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The name as the input wrote it.
    pub fn display(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.canonical)
    }

    /// The key two names are equal under in their registry: crates.io treats `Foo_bar` and
    /// `foo-bar` as one crate; the other ecosystems' canonical forms are already that key.
    pub fn match_key(&self, ecosystem: Ecosystem) -> String {
        match ecosystem {
            Ecosystem::CratesIo => self.canonical.to_ascii_lowercase().replace('_', "-"),
            Ecosystem::Npm | Ecosystem::PyPI => self.canonical.clone(),
        }
    }
}

/// PEP 503: `re.sub(r"[-_.]+", "-", name).lower()`.
pub(crate) fn pep503_normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

impl fmt::Display for PackageName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.canonical)
    }
}

impl Serialize for PackageName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.canonical)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_follow_pep_503() {
        for (input, expected) in [
            ("Django", "django"),
            ("typing_extensions", "typing-extensions"),
            ("zope.interface", "zope-interface"),
            ("a-_.b", "a-b"),
            ("Ruamel.Yaml.CLIB", "ruamel-yaml-clib"),
        ] {
            let name = PackageName::new(Ecosystem::PyPI, input).unwrap();
            assert_eq!(name.as_str(), expected);
            assert_eq!(name.display(), input);
        }
    }

    #[test]
    fn npm_names_are_kept_exactly() {
        let name = PackageName::new(Ecosystem::Npm, "JSONStream").unwrap();
        assert_eq!(name.as_str(), "JSONStream");
        let scoped = PackageName::new(Ecosystem::Npm, "@babel/core").unwrap();
        assert_eq!(scoped.as_str(), "@babel/core");
    }

    #[test]
    fn crate_names_match_across_separators_and_case() {
        let a = PackageName::new(Ecosystem::CratesIo, "serde_json").unwrap();
        let b = PackageName::new(Ecosystem::CratesIo, "Serde-Json").unwrap();
        assert_eq!(a.as_str(), "serde_json");
        assert_eq!(
            a.match_key(Ecosystem::CratesIo),
            b.match_key(Ecosystem::CratesIo)
        );
    }

    #[test]
    fn rejects_hostile_names() {
        assert_eq!(PackageName::new(Ecosystem::Npm, ""), Err(NameError::Empty));
        assert!(PackageName::new(Ecosystem::Npm, "a b").is_err());
        assert!(PackageName::new(Ecosystem::Npm, "a\u{0}").is_err());
        assert_eq!(
            PackageName::new(Ecosystem::Npm, &"a".repeat(300)),
            Err(NameError::TooLong)
        );
    }
}
