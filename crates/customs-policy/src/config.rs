use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use customs_core::Severity;
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

/// What makes a run fail (exit status 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailOn {
    pub malicious: bool,
    pub severities: BTreeSet<Severity>,
    pub unmaintained: bool,
    pub unsound: bool,
    pub notice: bool,
}

impl Default for FailOn {
    /// Any malicious package, and vulnerabilities of high or critical severity.
    fn default() -> Self {
        Self {
            malicious: true,
            severities: [Severity::Critical, Severity::High].into_iter().collect(),
            unmaintained: false,
            unsound: false,
            notice: false,
        }
    }
}

impl FailOn {
    /// The accepted words: `malicious`, a severity (`critical`, `high`, `medium`, `low`,
    /// `unknown`), `unmaintained`, `unsound`, `notice`, `any` (all of them) and `none`.
    pub const WORDS: &str =
        "malicious, critical, high, medium, low, unknown, unmaintained, unsound, notice, any, none";

    pub fn parse<'a>(words: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut fail_on = FailOn {
            malicious: false,
            severities: BTreeSet::new(),
            unmaintained: false,
            unsound: false,
            notice: false,
        };
        for word in words {
            match word.trim().to_ascii_lowercase().as_str() {
                "malicious" => fail_on.malicious = true,
                "unmaintained" => fail_on.unmaintained = true,
                "unsound" => fail_on.unsound = true,
                "notice" => fail_on.notice = true,
                "none" => {}
                "any" => {
                    fail_on.malicious = true;
                    fail_on.unmaintained = true;
                    fail_on.unsound = true;
                    fail_on.notice = true;
                    fail_on.severities.extend(Severity::ALL);
                }
                "unknown" => {
                    fail_on.severities.insert(Severity::Unknown);
                }
                other => match Severity::from_label(other) {
                    Some(severity) => {
                        fail_on.severities.insert(severity);
                    }
                    None => {
                        return Err(format!(
                            "unknown value `{other}` (expected: {})",
                            FailOn::WORDS
                        ));
                    }
                },
            }
        }
        Ok(fail_on)
    }
}

/// Which packages an ignore entry covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackageSelector {
    /// Any version of the named package.
    Name(String),
    /// One version: `name@version`.
    Version(String, String),
    /// A package URL, compared without qualifiers.
    Purl(String),
}

impl PackageSelector {
    fn parse(text: &str) -> Self {
        let text = text.trim();
        if text.starts_with("pkg:") {
            return PackageSelector::Purl(text.split('?').next().unwrap_or(text).to_owned());
        }
        // `@scope/name@1.0.0`: the version separator is the last `@` after the first character.
        match text
            .get(1..)
            .and_then(|rest| rest.rfind('@'))
            .map(|at| at + 1)
        {
            Some(at) => PackageSelector::Version(text[..at].to_owned(), text[at + 1..].to_owned()),
            None => PackageSelector::Name(text.to_owned()),
        }
    }
}

/// An accepted finding: `[[ignore]]` in customs.toml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignore {
    /// An advisory id or any of its aliases.
    pub id: String,
    pub reason: String,
    pub package: Option<PackageSelector>,
    /// The last day the entry applies.
    pub expires: Option<Date>,
    pub line: u32,
}

/// The validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// The file it came from, as reports show it (`None`: built-in defaults).
    pub path: Option<String>,
    pub fail_on: FailOn,
    pub ignores: Vec<Ignore>,
    /// Warn when the advisory database is older than this.
    pub max_advisory_age: Duration,
}

/// A week: OSV gains hundreds of malicious-package records in that time.
pub const DEFAULT_MAX_ADVISORY_AGE: Duration = Duration::from_secs(7 * 86_400);

impl Default for Policy {
    fn default() -> Self {
        Self {
            path: None,
            fail_on: FailOn::default(),
            ignores: Vec::new(),
            max_advisory_age: DEFAULT_MAX_ADVISORY_AGE,
        }
    }
}

/// A configuration error, pointing at the file, line and key.
#[derive(Debug, thiserror::Error)]
#[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
pub struct ConfigError {
    pub path: String,
    pub line: Option<u32>,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Wire {
    fail_on: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<WireIgnore>>,
    advisories: Option<WireAdvisories>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WireAdvisories {
    max_age: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireIgnore {
    id: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    package: Option<Spanned<String>>,
    expires: Option<Spanned<toml::Value>>,
}

fn line_of(text: &str, offset: usize) -> u32 {
    let line = text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    u32::try_from(line).unwrap_or(u32::MAX)
}

impl Policy {
    /// Reads `customs.toml` text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Policy, ConfigError> {
        let error = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
            path: path.to_owned(),
            line: span.map(|s| line_of(text, s.start)),
            message,
        };
        let wire: Wire =
            toml::from_str(text).map_err(|e| error(e.span(), e.message().trim().to_owned()))?;
        let fail_on = match &wire.fail_on {
            Some(words) => FailOn::parse(words.get_ref().iter().map(String::as_str))
                .map_err(|message| error(Some(words.span()), format!("`fail-on`: {message}")))?,
            None => FailOn::default(),
        };
        let max_advisory_age = match wire.advisories.and_then(|a| a.max_age) {
            Some(age) => humantime::parse_duration(age.get_ref()).map_err(|_| {
                error(
                    Some(age.span()),
                    format!(
                        "`advisories.max-age`: `{}` is not a duration (e.g. `7d`, `12h`, `2w`)",
                        age.get_ref()
                    ),
                )
            })?,
            None => DEFAULT_MAX_ADVISORY_AGE,
        };
        let mut ignores = Vec::new();
        for entry in &wire.ignore {
            let at = entry.span();
            let entry = entry.get_ref();
            let id = entry
                .id
                .as_ref()
                .filter(|id| !id.get_ref().trim().is_empty())
                .ok_or_else(|| error(Some(at.clone()), "`[[ignore]]` needs an `id`".to_owned()))?;
            let reason = entry
                .reason
                .as_ref()
                .filter(|r| !r.get_ref().trim().is_empty())
                .ok_or_else(|| {
                    error(
                        Some(id.span()),
                        format!(
                            "`[[ignore]]` for `{}` needs a `reason`: say why it is safe to accept",
                            id.get_ref()
                        ),
                    )
                })?;
            let expires = match &entry.expires {
                None => None,
                Some(value) => {
                    let date = match value.get_ref() {
                        toml::Value::String(text) => text.parse::<Date>().ok(),
                        toml::Value::Datetime(datetime) => datetime.date.and_then(|d| {
                            Date::new(
                                i16::try_from(d.year).ok()?,
                                i8::try_from(d.month).ok()?,
                                i8::try_from(d.day).ok()?,
                            )
                            .ok()
                        }),
                        _ => None,
                    };
                    Some(date.ok_or_else(|| {
                        error(
                            Some(value.span()),
                            "`expires`: expected a date like 2027-01-31".to_owned(),
                        )
                    })?)
                }
            };
            ignores.push(Ignore {
                id: id.get_ref().trim().to_owned(),
                reason: reason.get_ref().trim().to_owned(),
                package: entry
                    .package
                    .as_ref()
                    .map(|p| PackageSelector::parse(p.get_ref())),
                expires,
                line: line_of(text, at.start),
            });
        }
        Ok(Policy {
            path: Some(path.to_owned()),
            fail_on,
            ignores,
            max_advisory_age,
        })
    }
}

/// `customs.toml` in `start` or the nearest directory above it.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    let mut directory = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(dir) = directory {
        let candidate = dir.join(crate::CONFIG_FILE);
        if candidate.is_file() {
            return Some(candidate);
        }
        directory = dir.parent();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_configuration() {
        let policy = Policy::parse(
            r#"
fail-on = ["malicious", "critical", "high", "medium", "unmaintained"]

[advisories]
max-age = "3d"

[[ignore]]
id = "RUSTSEC-2023-0071"
reason = "we never decrypt with RSA"
package = "rsa"
expires = 2027-01-31

[[ignore]]
id = "GHSA-xxxx"
reason = "dev-only tool"
package = "@scope/tool@1.2.3"
expires = "2027-02-01"
"#,
            "customs.toml",
        )
        .unwrap();
        assert!(policy.fail_on.unmaintained && policy.fail_on.malicious);
        assert!(policy.fail_on.severities.contains(&Severity::Medium));
        assert!(!policy.fail_on.severities.contains(&Severity::Low));
        assert_eq!(policy.max_advisory_age, Duration::from_secs(3 * 86_400));
        assert_eq!(policy.ignores.len(), 2);
        assert_eq!(policy.ignores[0].line, 7);
        assert_eq!(
            policy.ignores[0].package,
            Some(PackageSelector::Name("rsa".into()))
        );
        assert_eq!(
            policy.ignores[0].expires,
            Some(jiff::civil::date(2027, 1, 31))
        );
        assert_eq!(
            policy.ignores[1].package,
            Some(PackageSelector::Version(
                "@scope/tool".into(),
                "1.2.3".into()
            ))
        );
    }

    #[test]
    fn defaults() {
        let policy = Policy::parse("", "customs.toml").unwrap();
        assert_eq!(policy.fail_on, FailOn::default());
        assert!(policy.ignores.is_empty());
    }

    fn error(text: &str) -> String {
        Policy::parse(text, "customs.toml").unwrap_err().to_string()
    }

    #[test]
    fn errors_point_at_line_and_key() {
        assert_eq!(
            error("[[ignore]]\nid = \"GHSA-1\"\n"),
            "customs.toml:2: `[[ignore]]` for `GHSA-1` needs a `reason`: say why it is safe to accept"
        );
        assert_eq!(
            error("\n[[ignore]]\nreason = \"x\"\n"),
            "customs.toml:2: `[[ignore]]` needs an `id`"
        );
        assert_eq!(
            error("[[ignore]]\nid = \"X\"\nreason = \"y\"\nexpires = \"next year\"\n"),
            "customs.toml:4: `expires`: expected a date like 2027-01-31"
        );
        assert_eq!(
            error("fail-on = [\"malicious\", \"severe\"]\n"),
            format!(
                "customs.toml:1: `fail-on`: unknown value `severe` (expected: {})",
                FailOn::WORDS
            )
        );
        assert!(
            error("[[ignore]]\nid = \"X\"\nreson = \"typo\"\n")
                .starts_with("customs.toml:3: unknown field `reson`"),
            "{}",
            error("[[ignore]]\nid = \"X\"\nreson = \"typo\"\n")
        );
        assert_eq!(
            error("[advisories]\nmax-age = \"soon\"\n"),
            "customs.toml:2: `advisories.max-age`: `soon` is not a duration (e.g. `7d`, `12h`, `2w`)"
        );
        assert!(error("fail-on = [\n").starts_with("customs.toml:"));
    }
}
