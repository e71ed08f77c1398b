//! Every finding code customs reports, in one place. Codes are stable: renaming one breaks the
//! configurations and suppressions of users, so codes are only ever added. `docs/codes.md` is
//! generated from this table and a test keeps the two equal.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use crate::Level;

macro_rules! codes {
    ($($variant:ident => $name:literal, $level:ident, $summary:literal;)*) => {
        /// A stable, kebab-case finding code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($variant,)*
        }

        impl Code {
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $name,)*
                }
            }

            /// One sentence saying what the code means.
            pub fn summary(self) -> &'static str {
                match self {
                    $(Code::$variant => $summary,)*
                }
            }

            /// The level a finding gets unless the policy says otherwise.
            pub fn default_level(self) -> Level {
                match self {
                    $(Code::$variant => Level::$level,)*
                }
            }
        }
    };
}

codes! {
    Vulnerability => "vulnerability", Warn,
        "The locked version is affected by a published vulnerability (OSV). Fails the run when its severity is in `fail-on` (by default: critical and high).";
    Malicious => "malicious", Deny,
        "The locked version was published with malicious code (an OSV `MAL-` record, or a crate removed from crates.io for malicious code). Treat every machine that installed it as compromised.";
    Unmaintained => "unmaintained", Warn,
        "The package is no longer maintained (RustSec informational advisory).";
    Unsound => "unsound", Warn,
        "The package has an unsound API that can cause undefined behaviour (RustSec informational advisory).";
    Notice => "notice", Warn,
        "An informational advisory about the package that is neither a vulnerability nor malicious.";
    Unpinned => "unpinned", Warn,
        "The input does not pin an exact version, so version-specific advisories could not be checked (only advisories that affect every version were).";
    AdvisoriesMissing => "advisories-missing", Deny,
        "The advisory database holds no data for an ecosystem the project uses, so its packages were not checked.";
    AdvisoriesStale => "advisories-stale", Warn,
        "The advisory database is older than the configured maximum age; newer advisories are not known to this scan.";
    IgnoreExpired => "ignore-expired", Warn,
        "An `[[ignore]]` entry in customs.toml has passed its `expires` date and no longer applies.";
    IgnoreUnused => "ignore-unused", Warn,
        "An `[[ignore]]` entry in customs.toml matched no finding: remove it, or correct its id or package.";
}

impl Code {
    /// Whether the finding says a check could not run: then a run errs (exit status 2) rather
    /// than passing or failing on what it did not look at.
    pub fn means_check_not_run(self) -> bool {
        matches!(self, Code::AdvisoriesMissing)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl FromStr for Code {
    type Err = UnknownCode;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == s)
            .ok_or_else(|| UnknownCode(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("unknown finding code `{0}`")]
pub struct UnknownCode(pub String);

/// `docs/codes.md`: the reference of every code, generated from [`Code::ALL`].
pub fn codes_markdown() -> String {
    let mut out = String::from(
        "# Finding codes\n\n\
         Generated from `crates/customs-core/src/code.rs` (a test keeps this file equal to it).\n\
         Codes are stable: they are only ever added, never renamed.\n\n\
         | code | default level | meaning |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.default_level(),
            code.summary()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    && !name.starts_with('-')
                    && !name.ends_with('-'),
                "{name} is not kebab-case"
            );
            assert_eq!(name.parse::<Code>().unwrap(), *code);
            assert!(
                code.summary().ends_with('.'),
                "{name}: summary is a sentence"
            );
        }
    }

    #[test]
    fn documentation_is_generated_from_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/codes.md");
        let expected = codes_markdown();
        if std::env::var_os("CUSTOMS_UPDATE_DOCS").is_some() {
            std::fs::write(path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            actual, expected,
            "docs/codes.md is stale: rerun with CUSTOMS_UPDATE_DOCS=1"
        );
    }
}
