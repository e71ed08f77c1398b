//! The house rules of customs.toml beyond advisories: release-age cooldown, licences, sources and
//! bans, validated into matchers the evaluation asks about one package at a time.

use std::cmp::Ordering;
use std::time::Duration;

use customs_core::{Ecosystem, Package, PackageName, Source, Version};
use globset::{Glob, GlobMatcher};

/// A name pattern: a glob over package names (`@myorg/*`, `serde*`), optionally for one
/// ecosystem (`npm:@myorg/*`, `pypi:django-*`, `crates:tokio-*`). Names compare in their
/// registry's equivalence: PEP 503 for PyPI, case and `-`/`_` folded for crates.
#[derive(Clone, Debug)]
pub struct NamePattern {
    text: String,
    /// One matcher per ecosystem's normal form of the pattern (they differ only for PyPI and
    /// crates), in [`Ecosystem::ALL`] order.
    matchers: Vec<(Ecosystem, GlobMatcher)>,
}

impl PartialEq for NamePattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for NamePattern {}

/// `npm:`, `pypi:` or `crates:` before a name or pattern, and the rest.
pub(crate) fn split_ecosystem(text: &str) -> Result<(Option<Ecosystem>, &str), String> {
    let Some((prefix, rest)) = text.split_once(':') else {
        return Ok((None, text));
    };
    // `@scope/name` never holds a colon, so a colon always separates an ecosystem.
    let ecosystem = match prefix.trim().to_ascii_lowercase().as_str() {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "crates" | "crates.io" | "cargo" => Ecosystem::CratesIo,
        other => {
            return Err(format!(
                "unknown ecosystem `{other}` in `{text}` (expected npm:, pypi: or crates:)"
            ));
        }
    };
    Ok((Some(ecosystem), rest.trim()))
}

/// The form names are compared in: what [`PackageName::match_key`] gives, applied to a
/// pattern's text without validating it as a name (it may hold `*`).
fn fold(ecosystem: Ecosystem, text: &str) -> String {
    match ecosystem {
        Ecosystem::Npm => text.to_owned(),
        Ecosystem::PyPI => {
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if matches!(c, '-' | '_' | '.') {
                    if !out.ends_with('-') {
                        out.push('-');
                    }
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            out
        }
        Ecosystem::CratesIo => text.to_ascii_lowercase().replace('_', "-"),
    }
}

impl NamePattern {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (ecosystem, pattern) = split_ecosystem(text.trim())?;
        if pattern.is_empty() {
            return Err(format!("`{text}` names no package"));
        }
        let mut matchers = Vec::new();
        for candidate in Ecosystem::ALL {
            if ecosystem.is_some_and(|e| e != candidate) {
                continue;
            }
            let glob = Glob::new(&fold(candidate, pattern))
                .map_err(|error| format!("`{text}` is not a valid pattern: {error}"))?;
            // `/` is an ordinary character of npm scopes, so `*` crosses it.
            matchers.push((candidate, glob.compile_matcher()));
        }
        Ok(Self {
            text: text.trim().to_owned(),
            matchers,
        })
    }

    pub fn matches(&self, ecosystem: Ecosystem, name: &PackageName) -> bool {
        self.matchers
            .iter()
            .any(|(e, matcher)| *e == ecosystem && matcher.is_match(name.match_key(ecosystem)))
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `[cooldown]`: versions younger than the minimum release age are findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cooldown {
    /// `None`: no cooldown.
    pub minimum_release_age: Option<Duration>,
    /// Names the cooldown does not apply to (a team's own packages).
    pub exclude: Vec<NamePattern>,
}

impl Cooldown {
    pub fn excludes(&self, package: &Package) -> bool {
        self.exclude
            .iter()
            .any(|pattern| pattern.matches(package.ecosystem, &package.name))
    }
}

/// `[licenses]`: SPDX licences allowed and denied, and packages exempted by name.
#[derive(Clone, Debug, Default)]
pub struct Licenses {
    /// When not empty, a package's licence expression must be satisfiable with these alone.
    pub allow: Vec<spdx::Licensee>,
    /// Never acceptable, even where `allow` would accept them.
    pub deny: Vec<spdx::Licensee>,
    pub exceptions: Vec<NamePattern>,
}

impl PartialEq for Licenses {
    fn eq(&self, other: &Self) -> bool {
        let text = |list: &[spdx::Licensee]| list.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        text(&self.allow) == text(&other.allow)
            && text(&self.deny) == text(&other.deny)
            && self.exceptions == other.exceptions
    }
}

impl Eq for Licenses {}

/// How a declared licence fares under [`Licenses`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LicenseVerdict {
    Accepted,
    /// The expression cannot be satisfied without a denied or unlisted licence.
    Denied,
    /// Not an SPDX expression customs can read (`SEE LICENSE IN …`, `UNLICENSED`, free text).
    Unreadable,
}

impl Licenses {
    pub fn restricts(&self) -> bool {
        !self.allow.is_empty() || !self.deny.is_empty()
    }

    pub fn judge(&self, declared: &str) -> LicenseVerdict {
        let Ok(expression) = spdx::Expression::parse_mode(declared.trim(), spdx::ParseMode::LAX)
        else {
            return LicenseVerdict::Unreadable;
        };
        let accepted = expression.evaluate(|requirement| {
            !self.deny.iter().any(|d| d.satisfies(requirement))
                && (self.allow.is_empty() || self.allow.iter().any(|a| a.satisfies(requirement)))
        });
        if accepted {
            LicenseVerdict::Accepted
        } else {
            LicenseVerdict::Denied
        }
    }

    pub fn excepts(&self, package: &Package) -> bool {
        self.exceptions
            .iter()
            .any(|pattern| pattern.matches(package.ecosystem, &package.name))
    }
}

/// `[sources]`: where packages may come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sources {
    /// Allowed registry base URLs, compared without scheme case, credentials or a trailing
    /// slash. `None`: any registry.
    pub registries: Option<Vec<String>>,
    pub git: bool,
    /// Allowed git hosts (`github.com`); `None`: any host.
    pub git_hosts: Option<Vec<String>>,
    pub url: bool,
    pub path: bool,
}

impl Default for Sources {
    fn default() -> Self {
        Self {
            registries: None,
            git: true,
            git_hosts: None,
            url: true,
            path: true,
        }
    }
}

/// A registry URL in the form `[sources] registries` compares: lowercase scheme and host, no
/// credentials, no trailing slash.
pub(crate) fn normalize_registry(url: &str) -> String {
    let url = url.trim().trim_end_matches('/');
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.as_str().trim_end_matches('/').to_owned()
        }
        Err(_) => url.to_ascii_lowercase(),
    }
}

/// The host of a git URL, including scp-like `git@host:path`.
fn git_host(url: &str) -> Option<String> {
    let url = url.trim().trim_start_matches("git+");
    if let Ok(parsed) = url::Url::parse(url)
        && let Some(host) = parsed.host_str()
    {
        return Some(host.to_ascii_lowercase());
    }
    let (user_host, _) = url.split_once(':')?;
    let host = user_host.rsplit('@').next()?;
    (!host.is_empty() && !host.contains('/')).then(|| host.to_ascii_lowercase())
}

impl Sources {
    /// Why `package`'s source is not allowed, or `None` when it is.
    pub fn refusal(&self, package: &Package) -> Option<String> {
        match &package.source {
            Source::Registry { url } => {
                let allowed = self.registries.as_ref()?;
                let url = normalize_registry(url);
                (!allowed.contains(&url))
                    .then(|| format!("registry {url} is not in `[sources] registries`"))
            }
            Source::Git { url, .. } => {
                if !self.git {
                    return Some(
                        "git dependencies are not allowed (`[sources] git = false`)".to_owned(),
                    );
                }
                let hosts = self.git_hosts.as_ref()?;
                match git_host(url) {
                    Some(host) if hosts.contains(&host) => None,
                    Some(host) => Some(format!("git host {host} is not in `[sources] git-hosts`")),
                    None => Some(format!("git URL `{url}` names no host")),
                }
            }
            Source::Url { .. } => (!self.url)
                .then(|| "URL dependencies are not allowed (`[sources] url = false`)".to_owned()),
            Source::Path { .. } => (!self.path)
                .then(|| "path dependencies are not allowed (`[sources] path = false`)".to_owned()),
            Source::Workspace { .. } => None,
        }
    }
}

/// A version constraint of a ban: comparators (`=`, `==`, `!=`, `<`, `<=`, `>`, `>=`, or a bare
/// version for equality) joined by `,` (all of them) and alternatives joined by `||`, compared
/// in the package's ecosystem's own ordering. `*` is every version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionRange {
    text: String,
    alternatives: Vec<Vec<(Comparator, String)>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparator {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl VersionRange {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut alternatives = Vec::new();
        for alternative in text.split("||") {
            let mut all = Vec::new();
            for part in alternative.split(',') {
                let part = part.trim();
                if part == "*" {
                    continue;
                }
                let (comparator, version) = [
                    ("==", Comparator::Equal),
                    ("!=", Comparator::NotEqual),
                    ("<=", Comparator::LessOrEqual),
                    (">=", Comparator::GreaterOrEqual),
                    ("<", Comparator::Less),
                    (">", Comparator::Greater),
                    ("=", Comparator::Equal),
                ]
                .iter()
                .find_map(|(prefix, comparator)| {
                    part.strip_prefix(prefix)
                        .map(|rest| (*comparator, rest.trim()))
                })
                .unwrap_or((Comparator::Equal, part));
                if version.is_empty() || version.contains(char::is_whitespace) {
                    return Err(format!(
                        "`{text}` is not a version range (e.g. `>=1.2.0, <1.4.0 || =2.0.1`)"
                    ));
                }
                all.push((comparator, version.to_owned()));
            }
            alternatives.push(all);
        }
        Ok(Self {
            text: text.trim().to_owned(),
            alternatives,
        })
    }

    pub fn contains(&self, ecosystem: Ecosystem, version: &Version) -> bool {
        self.alternatives.iter().any(|all| {
            all.iter().all(|(comparator, bound)| {
                let order = version.cmp_value(&Version::new(ecosystem, bound));
                match comparator {
                    Comparator::Equal => order == Ordering::Equal,
                    Comparator::NotEqual => order != Ordering::Equal,
                    Comparator::Less => order == Ordering::Less,
                    Comparator::LessOrEqual => order != Ordering::Greater,
                    Comparator::Greater => order == Ordering::Greater,
                    Comparator::GreaterOrEqual => order != Ordering::Less,
                }
            })
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// `[[bans]]`: a package, or some of its versions, that must not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ban {
    pub package: NamePattern,
    /// `None`: every version.
    pub versions: Option<VersionRange>,
    pub reason: String,
    pub line: u32,
}

impl Ban {
    pub fn applies(&self, package: &Package) -> bool {
        if !self.package.matches(package.ecosystem, &package.name) {
            return false;
        }
        match (&self.versions, &package.version) {
            (None, _) => true,
            (Some(range), Some(version)) => range.contains(package.ecosystem, version),
            // An unpinned package may resolve to a banned version.
            (Some(_), None) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(ecosystem: Ecosystem, name: &str, version: &str, source: Source) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, version)),
            source,
        )
    }

    fn npm(name: &str, version: &str) -> Package {
        package(
            Ecosystem::Npm,
            name,
            version,
            Source::registry(Ecosystem::Npm),
        )
    }

    #[test]
    fn name_patterns_follow_each_registry_s_equivalence() {
        let scope = NamePattern::parse("npm:@acme/*").unwrap();
        assert!(scope.matches(Ecosystem::Npm, &npm("@acme/ui", "1.0.0").name));
        assert!(!scope.matches(Ecosystem::Npm, &npm("@acme-evil/ui", "1.0.0").name));
        let any = NamePattern::parse("Django_*").unwrap();
        let django = PackageName::new(Ecosystem::PyPI, "django-rest").unwrap();
        assert!(any.matches(Ecosystem::PyPI, &django));
        let crates = NamePattern::parse("crates:serde_json").unwrap();
        let name = PackageName::new(Ecosystem::CratesIo, "serde-json").unwrap();
        assert!(crates.matches(Ecosystem::CratesIo, &name));
        assert!(!crates.matches(Ecosystem::Npm, &npm("serde_json", "1.0.0").name));
        assert!(NamePattern::parse("rubygems:rails").is_err());
        assert!(NamePattern::parse("npm:").is_err());
    }

    #[test]
    fn licences_are_judged_as_spdx_expressions() {
        let licenses = Licenses {
            allow: ["MIT", "Apache-2.0", "BSD-3-Clause"]
                .iter()
                .map(|l| spdx::Licensee::parse(l).unwrap())
                .collect(),
            deny: vec![spdx::Licensee::parse("GPL-3.0-only").unwrap()],
            exceptions: Vec::new(),
        };
        assert_eq!(licenses.judge("MIT"), LicenseVerdict::Accepted);
        assert_eq!(
            licenses.judge("MIT OR GPL-3.0-only"),
            LicenseVerdict::Accepted
        );
        assert_eq!(
            licenses.judge("(MIT AND GPL-3.0-only)"),
            LicenseVerdict::Denied
        );
        assert_eq!(licenses.judge("ISC"), LicenseVerdict::Denied);
        assert_eq!(licenses.judge("MIT/Apache-2.0"), LicenseVerdict::Accepted);
        assert_eq!(
            licenses.judge("SEE LICENSE IN LICENSE.md"),
            LicenseVerdict::Unreadable
        );
        assert_eq!(licenses.judge("UNLICENSED"), LicenseVerdict::Unreadable);
        let deny_only = Licenses {
            deny: vec![spdx::Licensee::parse("AGPL-3.0-or-later").unwrap()],
            ..Licenses::default()
        };
        assert_eq!(deny_only.judge("ISC"), LicenseVerdict::Accepted);
        assert_eq!(deny_only.judge("AGPL-3.0-or-later"), LicenseVerdict::Denied);
    }

    #[test]
    fn sources_refuse_what_is_not_listed() {
        let sources = Sources {
            registries: Some(vec![normalize_registry("https://npm.acme.dev/")]),
            git: true,
            git_hosts: Some(vec!["github.com".into()]),
            url: false,
            path: true,
        };
        let at = |url: &str| {
            package(
                Ecosystem::Npm,
                "a",
                "1.0.0",
                Source::registry_at(Ecosystem::Npm, url),
            )
        };
        assert_eq!(
            sources.refusal(&at("https://user:token@npm.acme.dev")),
            None
        );
        assert!(sources.refusal(&npm("a", "1.0.0")).is_some());
        let git = |url: &str| {
            package(
                Ecosystem::Npm,
                "a",
                "1.0.0",
                Source::Git {
                    url: url.into(),
                    commit: None,
                    reference: None,
                },
            )
        };
        assert_eq!(
            sources.refusal(&git("git+https://github.com/a/b.git")),
            None
        );
        assert_eq!(sources.refusal(&git("git@github.com:a/b.git")), None);
        assert_eq!(
            sources
                .refusal(&git("https://evil.example/a/b.git"))
                .as_deref(),
            Some("git host evil.example is not in `[sources] git-hosts`")
        );
        let url = package(
            Ecosystem::Npm,
            "a",
            "1.0.0",
            Source::Url {
                url: "https://x/a.tgz".into(),
            },
        );
        assert!(sources.refusal(&url).is_some());
        assert_eq!(Sources::default().refusal(&url), None);
    }

    #[test]
    fn version_ranges_use_the_ecosystem_s_order() {
        let range = VersionRange::parse(">=3.3.6, <3.4.0 || =4.0.0-beta.1").unwrap();
        let v = |text: &str| Version::new(Ecosystem::Npm, text);
        assert!(range.contains(Ecosystem::Npm, &v("3.3.6")));
        assert!(range.contains(Ecosystem::Npm, &v("3.3.10")));
        assert!(!range.contains(Ecosystem::Npm, &v("3.4.0")));
        assert!(range.contains(Ecosystem::Npm, &v("4.0.0-beta.1")));
        let pep440 = VersionRange::parse("<2.0").unwrap();
        assert!(pep440.contains(Ecosystem::PyPI, &Version::new(Ecosystem::PyPI, "2.0rc1")));
        assert!(!pep440.contains(Ecosystem::PyPI, &Version::new(Ecosystem::PyPI, "2.0.post1")));
        assert!(VersionRange::parse(">= ").is_err());
        assert!(
            VersionRange::parse("*")
                .unwrap()
                .contains(Ecosystem::Npm, &v("9.9.9"))
        );
    }

    #[test]
    fn bans_match_names_and_versions() {
        let ban = Ban {
            package: NamePattern::parse("event-stream").unwrap(),
            versions: Some(VersionRange::parse("=3.3.6").unwrap()),
            reason: "flatmap-stream backdoor".into(),
            line: 1,
        };
        assert!(ban.applies(&npm("event-stream", "3.3.6")));
        assert!(!ban.applies(&npm("event-stream", "3.3.5")));
        assert!(!ban.applies(&npm("event-stream-x", "3.3.6")));
    }
}
