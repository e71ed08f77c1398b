use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::Ecosystem;

/// A package version with its ecosystem's own ordering.
///
/// npm and crates.io use Semantic Versioning 2.0 (pre-releases sort before their release);
/// PyPI uses PEP 440 (epochs, pre/post/dev releases, local versions). A version that does not
/// parse under its ecosystem's rules is kept verbatim and sorts after every parsed one, so
/// nothing is lost and ordering stays total and deterministic.
#[derive(Clone, Debug)]
pub struct Version {
    raw: String,
    parsed: Parsed,
}

#[derive(Clone, Debug)]
enum Parsed {
    Semver(semver::Version),
    Pep440(pep440_rs::Version),
    Unparsed,
}

impl Version {
    /// Parses `raw` under `ecosystem`'s rules. Never fails: see [`Version::is_parsed`].
    pub fn new(ecosystem: Ecosystem, raw: &str) -> Self {
        let raw = raw.trim();
        let parsed = match ecosystem {
            Ecosystem::Npm | Ecosystem::CratesIo => {
                // node-semver accepts a leading `v` or `=`; lockfiles occasionally carry one.
                let stripped = raw.strip_prefix(['v', '=']).unwrap_or(raw);
                semver::Version::parse(stripped).map_or(Parsed::Unparsed, Parsed::Semver)
            }
            Ecosystem::PyPI => {
                pep440_rs::Version::from_str(raw).map_or(Parsed::Unparsed, Parsed::Pep440)
            }
        };
        Self {
            raw: raw.to_owned(),
            parsed,
        }
    }

    /// The version exactly as the input wrote it (trimmed).
    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Whether the version parsed under its ecosystem's rules.
    pub fn is_parsed(&self) -> bool {
        !matches!(self.parsed, Parsed::Unparsed)
    }

    pub fn semver(&self) -> Option<&semver::Version> {
        match &self.parsed {
            Parsed::Semver(version) => Some(version),
            _ => None,
        }
    }

    pub fn pep440(&self) -> Option<&pep440_rs::Version> {
        match &self.parsed {
            Parsed::Pep440(version) => Some(version),
            _ => None,
        }
    }

    /// Compares by value under the ecosystem's rules alone, the way advisories must: semver
    /// precedence (build metadata ignored), PEP 440 equality (`1.0` equals `1.0.0`). Versions
    /// that did not parse compare by their text, after every parsed one.
    pub fn cmp_value(&self, other: &Self) -> Ordering {
        match (&self.parsed, &other.parsed) {
            (Parsed::Semver(a), Parsed::Semver(b)) => a.cmp_precedence(b),
            (Parsed::Pep440(a), Parsed::Pep440(b)) => a.cmp(b),
            (Parsed::Unparsed, Parsed::Unparsed) => self.raw.cmp(&other.raw),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn rank(&self) -> u8 {
        match self.parsed {
            Parsed::Semver(_) => 0,
            Parsed::Pep440(_) => 1,
            Parsed::Unparsed => 2,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_value = match (&self.parsed, &other.parsed) {
            // `semver::Version`'s `Ord` also orders build metadata, which keeps this total.
            (Parsed::Semver(a), Parsed::Semver(b)) => a.cmp(b),
            (Parsed::Pep440(a), Parsed::Pep440(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        };
        // Versions equal under their ecosystem's rules (`1.0` and `1.0.0` in PEP 440) still
        // differ as written; the raw text breaks the tie so sorting is deterministic.
        by_value.then_with(|| self.raw.cmp(&other.raw))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted(ecosystem: Ecosystem, versions: &[&str]) -> Vec<String> {
        let mut parsed: Vec<Version> = versions
            .iter()
            .map(|v| Version::new(ecosystem, v))
            .collect();
        parsed.sort();
        parsed.iter().map(|v| v.as_str().to_owned()).collect()
    }

    #[test]
    fn semver_orders_prereleases_before_release() {
        assert_eq!(
            sorted(
                Ecosystem::Npm,
                &[
                    "1.0.0",
                    "1.0.0-rc.1",
                    "1.0.0-alpha",
                    "0.9.10",
                    "0.9.9",
                    "1.0.0-alpha.1"
                ]
            ),
            [
                "0.9.9",
                "0.9.10",
                "1.0.0-alpha",
                "1.0.0-alpha.1",
                "1.0.0-rc.1",
                "1.0.0"
            ]
        );
    }

    #[test]
    fn pep440_orders_epochs_pre_post_dev_and_local() {
        assert_eq!(
            sorted(
                Ecosystem::PyPI,
                &[
                    "1.0.post1",
                    "1!0.1",
                    "1.0",
                    "1.0rc1",
                    "1.0.dev0",
                    "1.0+local.1",
                    "0.9"
                ]
            ),
            [
                "0.9",
                "1.0.dev0",
                "1.0rc1",
                "1.0",
                "1.0+local.1",
                "1.0.post1",
                "1!0.1"
            ]
        );
    }

    #[test]
    fn pep440_equal_versions_compare_equal_by_value_first() {
        let a = Version::new(Ecosystem::PyPI, "1.0");
        let b = Version::new(Ecosystem::PyPI, "1.0.0");
        assert_eq!(a.pep440(), b.pep440());
    }

    #[test]
    fn unparsed_versions_are_kept_and_sort_last() {
        let git = Version::new(Ecosystem::Npm, "github:user/repo#abc");
        assert!(!git.is_parsed());
        assert_eq!(git.as_str(), "github:user/repo#abc");
        assert!(Version::new(Ecosystem::Npm, "99.0.0") < git);
    }

    #[test]
    fn value_comparison_ignores_spelling_and_build_metadata() {
        use std::cmp::Ordering::*;
        let v = |e, s| Version::new(e, s);
        assert_eq!(
            v(Ecosystem::PyPI, "1.0").cmp_value(&v(Ecosystem::PyPI, "1.0.0")),
            Equal
        );
        assert_eq!(
            v(Ecosystem::PyPI, "1.0.POST1").cmp_value(&v(Ecosystem::PyPI, "1.0.post1")),
            Equal
        );
        assert_eq!(
            v(Ecosystem::CratesIo, "1.0.0+a").cmp_value(&v(Ecosystem::CratesIo, "1.0.0+b")),
            Equal
        );
        assert_eq!(
            v(Ecosystem::Npm, "1.0.0-rc.1").cmp_value(&v(Ecosystem::Npm, "1.0.0")),
            Less
        );
    }

    #[test]
    fn npm_tolerates_leading_v() {
        assert!(Version::new(Ecosystem::Npm, "v1.2.3").is_parsed());
    }
}
