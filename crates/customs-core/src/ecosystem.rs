use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A package ecosystem, named as OSV names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Ecosystem {
    #[serde(rename = "npm")]
    Npm,
    #[serde(rename = "PyPI")]
    PyPI,
    #[serde(rename = "crates.io")]
    CratesIo,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 3] = [Ecosystem::Npm, Ecosystem::PyPI, Ecosystem::CratesIo];

    /// The ecosystem's name in OSV records (`affected[].package.ecosystem`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::CratesIo => "crates.io",
        }
    }

    /// The package-url type (<https://github.com/package-url/purl-spec>).
    pub fn purl_type(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "pypi",
            Ecosystem::CratesIo => "cargo",
        }
    }

    /// The ecosystem's default public registry.
    pub fn default_registry(self) -> &'static str {
        match self {
            Ecosystem::Npm => "https://registry.npmjs.org",
            Ecosystem::PyPI => "https://pypi.org/simple",
            Ecosystem::CratesIo => "https://github.com/rust-lang/crates.io-index",
        }
    }
}

impl Ecosystem {
    /// Other addresses of the public registry that lockfiles write (without a trailing slash).
    pub fn public_registry_aliases(self) -> &'static [&'static str] {
        match self {
            Ecosystem::Npm => &[
                "https://registry.npmjs.org",
                "http://registry.npmjs.org",
                "https://registry.yarnpkg.com",
                "http://registry.yarnpkg.com",
                "https://registry.npmjs.com",
            ],
            Ecosystem::PyPI => &[
                "https://pypi.org/simple",
                "https://pypi.python.org/simple",
                "http://pypi.org/simple",
                "http://pypi.python.org/simple",
                "https://pypi.org/pypi",
                "https://pypi.python.org/pypi",
            ],
            Ecosystem::CratesIo => &[
                "https://github.com/rust-lang/crates.io-index",
                "https://index.crates.io",
            ],
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

impl FromStr for Ecosystem {
    type Err = UnknownEcosystem;

    /// Accepts the OSV name and the common short forms users type (`pypi`, `crates`, `cargo`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "npm" => Ok(Ecosystem::Npm),
            "pypi" | "python" | "pip" => Ok(Ecosystem::PyPI),
            "crates.io" | "crates" | "cargo" | "rust" => Ok(Ecosystem::CratesIo),
            _ => Err(UnknownEcosystem(s.to_owned())),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown ecosystem `{0}` (expected npm, PyPI or crates.io)")]
pub struct UnknownEcosystem(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_users_type() {
        assert_eq!("PyPI".parse::<Ecosystem>().unwrap(), Ecosystem::PyPI);
        assert_eq!("crates".parse::<Ecosystem>().unwrap(), Ecosystem::CratesIo);
        assert_eq!(
            "crates.io".parse::<Ecosystem>().unwrap(),
            Ecosystem::CratesIo
        );
        assert!("maven".parse::<Ecosystem>().is_err());
    }

    #[test]
    fn serializes_as_osv_names() {
        for ecosystem in Ecosystem::ALL {
            let json = serde_json::to_string(&ecosystem).unwrap();
            assert_eq!(json, format!("\"{}\"", ecosystem.osv_name()));
        }
    }
}
