use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use customs_core::{Code, Level, Severity};
use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::rules::{Ban, Cooldown, Licenses, NamePattern, Sources, VersionRange};

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
    /// `[levels]`: a level per finding code, over the code's default (and, for advisory codes,
    /// over `fail-on`).
    pub levels: BTreeMap<Code, Level>,
    pub cooldown: Cooldown,
    pub licenses: Licenses,
    pub sources: Sources,
    pub bans: Vec<Ban>,
    /// `[inspect] rules`: the user's YARA rule files and directories for artifact inspection,
    /// as written (relative paths are relative to the policy file's directory).
    pub inspect_rules: Vec<String>,
}

/// Versions younger than this are `cooldown` findings unless customs.toml says otherwise: long
/// enough for most malicious releases of real packages to be caught and pulled.
pub const DEFAULT_MINIMUM_RELEASE_AGE: Duration = Duration::from_secs(3 * 86_400);

/// A week: OSV gains hundreds of malicious-package records in that time.
pub const DEFAULT_MAX_ADVISORY_AGE: Duration = Duration::from_secs(7 * 86_400);

impl Default for Policy {
    fn default() -> Self {
        Self {
            path: None,
            fail_on: FailOn::default(),
            ignores: Vec::new(),
            max_advisory_age: DEFAULT_MAX_ADVISORY_AGE,
            levels: BTreeMap::new(),
            cooldown: Cooldown {
                minimum_release_age: Some(DEFAULT_MINIMUM_RELEASE_AGE),
                exclude: Vec::new(),
            },
            licenses: Licenses::default(),
            sources: Sources::default(),
            inspect_rules: Vec::new(),
            bans: Vec::new(),
        }
    }
}

impl Policy {
    /// The level of a finding of `code` whose level, before `[levels]`, would be `level`.
    pub fn level(&self, code: Code, level: Level) -> Level {
        self.levels.get(&code).copied().unwrap_or(level)
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
    levels: Option<BTreeMap<String, Spanned<String>>>,
    cooldown: Option<WireCooldown>,
    licenses: Option<WireLicenses>,
    sources: Option<WireSources>,
    #[serde(default)]
    bans: Vec<Spanned<WireBan>>,
    inspect: Option<WireInspect>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WireInspect {
    #[serde(default)]
    rules: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WireCooldown {
    minimum_release_age: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WireLicenses {
    #[serde(default)]
    allow: Vec<Spanned<String>>,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    #[serde(default)]
    exceptions: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct WireSources {
    registries: Option<Vec<Spanned<String>>>,
    git: Option<bool>,
    git_hosts: Option<Vec<Spanned<String>>>,
    url: Option<bool>,
    path: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireBan {
    package: Option<Spanned<String>>,
    versions: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
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
        let mut levels = BTreeMap::new();
        for (name, level) in wire.levels.iter().flatten() {
            let code: Code = name.parse().map_err(|_| {
                error(
                    Some(level.span()),
                    format!(
                        "`levels`: unknown finding code `{name}` (`customs explain` lists them)"
                    ),
                )
            })?;
            let parsed = match level.get_ref().trim() {
                "deny" => Level::Deny,
                "warn" => Level::Warn,
                "allow" => Level::Allow,
                other => {
                    return Err(error(
                        Some(level.span()),
                        format!("`levels.{name}`: `{other}` is not a level (deny, warn or allow)"),
                    ));
                }
            };
            levels.insert(code, parsed);
        }
        let patterns = |key: &str,
                        list: &[Spanned<String>]|
         -> Result<Vec<NamePattern>, ConfigError> {
            list.iter()
                .map(|item| {
                    NamePattern::parse(item.get_ref())
                        .map_err(|message| error(Some(item.span()), format!("`{key}`: {message}")))
                })
                .collect()
        };
        let mut cooldown = Policy::default().cooldown;
        if let Some(wire) = &wire.cooldown {
            if let Some(age) = &wire.minimum_release_age {
                cooldown.minimum_release_age = match age.get_ref().trim() {
                    "0" | "none" | "off" => None,
                    text => Some(humantime::parse_duration(text).map_err(|_| {
                        error(
                            Some(age.span()),
                            format!(
                                "`cooldown.minimum-release-age`: `{text}` is not a duration (e.g. `7d`, `36h`, or `0` for none)"
                            ),
                        )
                    })?),
                };
            }
            cooldown.exclude = patterns("cooldown.exclude", &wire.exclude)?;
        }
        let mut licenses = Licenses::default();
        if let Some(wire) = &wire.licenses {
            let licensees = |key: &str,
                             list: &[Spanned<String>]|
             -> Result<Vec<spdx::Licensee>, ConfigError> {
                list.iter()
                    .map(|item| {
                        spdx::Licensee::parse(item.get_ref().trim()).map_err(|_| {
                            error(
                                Some(item.span()),
                                format!(
                                    "`{key}`: `{}` is not an SPDX licence identifier (e.g. `MIT`, `Apache-2.0`, `GPL-3.0-only`)",
                                    item.get_ref()
                                ),
                            )
                        })
                    })
                    .collect()
            };
            licenses.allow = licensees("licenses.allow", &wire.allow)?;
            licenses.deny = licensees("licenses.deny", &wire.deny)?;
            licenses.exceptions = patterns("licenses.exceptions", &wire.exceptions)?;
        }
        let mut sources = Sources::default();
        if let Some(wire) = &wire.sources {
            let strings = |list: &Option<Vec<Spanned<String>>>, fold: fn(&str) -> String| {
                list.as_ref()
                    .map(|list| list.iter().map(|item| fold(item.get_ref())).collect())
            };
            sources.registries = strings(&wire.registries, crate::rules::normalize_registry);
            sources.git_hosts = strings(&wire.git_hosts, |host| host.trim().to_ascii_lowercase());
            sources.git = wire.git.unwrap_or(true);
            sources.url = wire.url.unwrap_or(true);
            sources.path = wire.path.unwrap_or(true);
        }
        let mut bans = Vec::new();
        for entry in &wire.bans {
            let at = entry.span();
            let entry = entry.get_ref();
            let package = entry.package.as_ref().ok_or_else(|| {
                error(Some(at.clone()), "`[[bans]]` needs a `package`".to_owned())
            })?;
            let pattern = NamePattern::parse(package.get_ref()).map_err(|message| {
                error(Some(package.span()), format!("`bans.package`: {message}"))
            })?;
            let reason = entry
                .reason
                .as_ref()
                .filter(|r| !r.get_ref().trim().is_empty())
                .ok_or_else(|| {
                    error(
                        Some(package.span()),
                        format!("`[[bans]]` for `{}` needs a `reason`", package.get_ref()),
                    )
                })?;
            let versions = entry
                .versions
                .as_ref()
                .map(|v| {
                    VersionRange::parse(v.get_ref()).map_err(|message| {
                        error(Some(v.span()), format!("`bans.versions`: {message}"))
                    })
                })
                .transpose()?;
            bans.push(Ban {
                package: pattern,
                versions,
                reason: reason.get_ref().trim().to_owned(),
                line: line_of(text, at.start),
            });
        }
        let mut inspect_rules = Vec::new();
        for rule in wire.inspect.iter().flat_map(|inspect| &inspect.rules) {
            if rule.get_ref().trim().is_empty() {
                return Err(error(
                    Some(rule.span()),
                    "`inspect.rules`: an empty path".to_owned(),
                ));
            }
            inspect_rules.push(rule.get_ref().clone());
        }
        Ok(Policy {
            path: Some(path.to_owned()),
            fail_on,
            ignores,
            max_advisory_age,
            levels,
            cooldown,
            licenses,
            sources,
            bans,
            inspect_rules,
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
    fn house_rules() {
        let policy = Policy::parse(
            r#"
[levels]
install-script = "deny"
deprecated = "allow"

[cooldown]
minimum-release-age = "7d"
exclude = ["npm:@acme/*"]

[licenses]
allow = ["MIT", "Apache-2.0"]
deny = ["AGPL-3.0-or-later"]
exceptions = ["pypi:internal-tool"]

[sources]
registries = ["https://token@npm.acme.dev/", "https://registry.npmjs.org"]
git-hosts = ["GitHub.com"]
url = false

[[bans]]
package = "npm:event-stream"
versions = "=3.3.6"
reason = "flatmap-stream backdoor"
"#,
            "customs.toml",
        )
        .unwrap();
        assert_eq!(policy.level(Code::InstallScript, Level::Warn), Level::Deny);
        assert_eq!(policy.level(Code::Deprecated, Level::Warn), Level::Allow);
        assert_eq!(policy.level(Code::Yanked, Level::Warn), Level::Warn);
        assert_eq!(
            policy.cooldown.minimum_release_age,
            Some(Duration::from_secs(7 * 86_400))
        );
        assert_eq!(policy.cooldown.exclude[0].as_str(), "npm:@acme/*");
        assert_eq!(policy.licenses.allow.len(), 2);
        assert!(policy.licenses.restricts());
        assert_eq!(
            policy.sources.registries.as_deref(),
            Some(
                &[
                    "https://npm.acme.dev".to_owned(),
                    "https://registry.npmjs.org".to_owned()
                ][..]
            )
        );
        assert_eq!(
            policy.sources.git_hosts.as_deref(),
            Some(&["github.com".to_owned()][..])
        );
        assert!(policy.sources.git && !policy.sources.url && policy.sources.path);
        assert_eq!(policy.bans.len(), 1);
        assert_eq!(policy.bans[0].line, 20);
        assert_eq!(policy.bans[0].reason, "flatmap-stream backdoor");
        let off =
            Policy::parse("[cooldown]\nminimum-release-age = \"0\"\n", "customs.toml").unwrap();
        assert_eq!(off.cooldown.minimum_release_age, None);
        assert_eq!(
            Policy::default().cooldown.minimum_release_age,
            Some(DEFAULT_MINIMUM_RELEASE_AGE)
        );
    }

    #[test]
    fn house_rule_errors_point_at_line_and_key() {
        assert_eq!(
            error("[levels]\ninstall-scripts = \"deny\"\n"),
            "customs.toml:2: `levels`: unknown finding code `install-scripts` (`customs explain` lists them)"
        );
        assert_eq!(
            error("[levels]\nyanked = \"fail\"\n"),
            "customs.toml:2: `levels.yanked`: `fail` is not a level (deny, warn or allow)"
        );
        assert_eq!(
            error("[cooldown]\nminimum-release-age = \"a week\"\n"),
            "customs.toml:2: `cooldown.minimum-release-age`: `a week` is not a duration (e.g. `7d`, `36h`, or `0` for none)"
        );
        assert_eq!(
            error("[cooldown]\nexclude = [\"gems:rails\"]\n"),
            "customs.toml:2: `cooldown.exclude`: unknown ecosystem `gems` in `gems:rails` (expected npm:, pypi: or crates:)"
        );
        assert_eq!(
            error("[licenses]\nallow = [\"MIT\",\n  \"Apache 2\"]\n"),
            "customs.toml:3: `licenses.allow`: `Apache 2` is not an SPDX licence identifier (e.g. `MIT`, `Apache-2.0`, `GPL-3.0-only`)"
        );
        assert_eq!(
            error("\n[[bans]]\nreason = \"x\"\n"),
            "customs.toml:2: `[[bans]]` needs a `package`"
        );
        assert_eq!(
            error("[[bans]]\npackage = \"left-pad\"\n"),
            "customs.toml:2: `[[bans]]` for `left-pad` needs a `reason`"
        );
        assert_eq!(
            error("[[bans]]\npackage = \"a\"\nversions = \">=1 <2\"\nreason = \"r\"\n"),
            "customs.toml:3: `bans.versions`: `>=1 <2` is not a version range (e.g. `>=1.2.0, <1.4.0 || =2.0.1`)"
        );
        assert!(
            error("[sources]\ngit-host = [\"github.com\"]\n")
                .starts_with("customs.toml:2: unknown field `git-host`")
        );
    }

    #[test]
    fn the_starting_file_parses_to_what_it_says() {
        let policy = Policy::parse(crate::STARTER, "customs.toml").unwrap();
        assert_eq!(policy.fail_on, FailOn::default());
        assert_eq!(policy.max_advisory_age, DEFAULT_MAX_ADVISORY_AGE);
        assert_eq!(policy.level(Code::Cooldown, Level::Warn), Level::Deny);
        assert_eq!(
            policy.cooldown.minimum_release_age,
            Some(Duration::from_secs(7 * 86_400))
        );
        assert!(!policy.licenses.restricts());
        assert_eq!(policy.sources, Sources::default());
        assert!(policy.bans.is_empty() && policy.ignores.is_empty());
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
