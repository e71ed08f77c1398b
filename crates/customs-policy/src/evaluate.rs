//! Evidence to findings: codes, severities, levels, ignores.

use std::collections::HashSet;

use customs_advisory::{AdvisoryKind, CheckResult, Issue};
use customs_core::{
    Code, Finding, FindingAdvisory, FindingPackage, Inventory, Level, Location, LockfileReport,
    Package, PackageName, Severity,
};
use jiff::civil::Date;

use crate::{Ignore, PackageSelector, Policy};

/// What evaluation needs beyond the evidence.
#[derive(Clone, Debug)]
pub struct Context {
    /// The moment of the run: release ages are measured from it.
    pub now: jiff::Timestamp,
    /// Today in UTC: `expires` dates lapse at the same moment on every machine.
    pub today: Date,
    /// How old the advisory database is.
    pub database_age: Option<std::time::Duration>,
}

fn code(kind: AdvisoryKind) -> Code {
    match kind {
        AdvisoryKind::Vulnerability => Code::Vulnerability,
        AdvisoryKind::Malicious => Code::Malicious,
        AdvisoryKind::Unmaintained => Code::Unmaintained,
        AdvisoryKind::Unsound => Code::Unsound,
        AdvisoryKind::Notice => Code::Notice,
    }
}

fn level(policy: &Policy, kind: AdvisoryKind, severity: Severity) -> Level {
    let fail_on = &policy.fail_on;
    let fails = match kind {
        AdvisoryKind::Malicious => fail_on.malicious,
        AdvisoryKind::Vulnerability => fail_on.severities.contains(&severity),
        AdvisoryKind::Unmaintained => fail_on.unmaintained,
        AdvisoryKind::Unsound => fail_on.unsound,
        AdvisoryKind::Notice => fail_on.notice,
    };
    if fails { Level::Deny } else { Level::Warn }
}

pub(crate) fn finding_package(lockfile: &LockfileReport, package: &Package) -> FindingPackage {
    FindingPackage {
        ecosystem: package.ecosystem,
        name: package.name.as_str().to_owned(),
        version: package.version.as_ref().map(|v| v.as_str().to_owned()),
        purl: package.purl(),
        lockfile: lockfile.path.clone(),
    }
}

/// A finding about `package` of `lockfile`, located where the lockfile names it.
pub(crate) fn about(
    code: Code,
    lockfile: &LockfileReport,
    package: &Package,
    message: String,
) -> Finding {
    Finding {
        package: Some(finding_package(lockfile, package)),
        locations: package.locations.iter().cloned().collect(),
        ..Finding::new(code, message)
    }
}

pub(crate) fn label(package: &Package) -> String {
    match &package.version {
        Some(version) => format!("{}@{version}", package.name),
        None => package.name.as_str().to_owned(),
    }
}

/// The packages a grouped finding is about, as its message shows them: how many (once each),
/// and the first few in order, `…` when there are more.
pub(crate) fn examples(mut names: Vec<String>) -> (usize, String) {
    const EXAMPLES: usize = 5;
    names.sort();
    names.dedup();
    let count = names.len();
    let mut shown = names
        .into_iter()
        .take(EXAMPLES)
        .collect::<Vec<_>>()
        .join(", ");
    if count > EXAMPLES {
        shown.push_str(", …");
    }
    (count, shown)
}

fn message(package: &Package, issue: &Issue) -> String {
    let what = match issue.kind {
        AdvisoryKind::Malicious => "is malicious",
        AdvisoryKind::Vulnerability => "is vulnerable",
        AdvisoryKind::Unmaintained => "is unmaintained",
        AdvisoryKind::Unsound => "is unsound",
        AdvisoryKind::Notice => "has an advisory",
    };
    let mut message = format!("{} {what} ({})", label(package), issue.advisory.id);
    if let Some(summary) = &issue.advisory.summary {
        message.push_str(": ");
        message.push_str(summary);
    }
    message
}

/// What the enrichers found about an inventory.
#[derive(Clone, Copy, Debug)]
pub struct Evidence<'a> {
    pub advisories: &'a CheckResult,
    /// `None`: registry checks were not asked for.
    pub registry: Option<&'a customs_registry::Evidence>,
    /// Packages (lockfile, package) whose locked version fixes a known vulnerability of the
    /// versions before it: exempt from the cooldown, since waiting would keep the hole open.
    pub fixes: &'a HashSet<(usize, usize)>,
    /// Per lockfile, the shortest path from a direct dependency to each package
    /// ([`customs_core::LockfileReport::paths_from_direct`]), where the caller computed them
    /// already (alongside the checks, on another core); `None`: computed here, for the
    /// lockfiles that have findings.
    pub paths: Option<&'a [Vec<Vec<usize>>]>,
    /// `None`: the typosquat check was not asked for.
    pub typosquats: Option<&'a customs_typosquat::Evidence>,
    /// `None`: the artifacts were not inspected (no `--deep`).
    pub inspections: Option<&'a customs_inspect::Evidence>,
}

impl Context {
    /// The context of a run at `now`.
    pub fn at(now: jiff::Timestamp, database_age: Option<std::time::Duration>) -> Self {
        Self {
            now,
            today: now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
            database_age,
        }
    }
}

/// Turns evidence into findings under `policy`, sorted most severe first.
pub fn evaluate(
    inventory: &Inventory,
    evidence: &Evidence<'_>,
    policy: &Policy,
    context: &Context,
) -> Vec<Finding> {
    let result = evidence.advisories;
    let mut findings = Vec::new();
    let mut paths: Vec<Option<Vec<Vec<usize>>>> = vec![None; inventory.lockfiles.len()];
    for affected in &result.affected {
        let Some(lockfile) = inventory.lockfiles.get(affected.lockfile) else {
            continue;
        };
        let Some(package) = lockfile.packages.get(affected.package) else {
            continue;
        };
        let given = evidence
            .paths
            .and_then(|paths| paths.get(affected.lockfile));
        let chains = match given {
            Some(chains) => chains,
            None => paths[affected.lockfile].get_or_insert_with(|| lockfile.paths_from_direct()),
        };
        let dependency_path: Vec<String> = chains
            .get(affected.package)
            .map(|chain| {
                chain
                    .iter()
                    .filter_map(|&i| lockfile.packages.get(i))
                    .map(label)
                    .collect()
            })
            .unwrap_or_default();
        for issue in &affected.issues {
            findings.push(Finding {
                code: code(issue.kind),
                severity: issue.severity,
                level: level(policy, issue.kind, issue.severity),
                message: message(package, issue),
                package: Some(finding_package(lockfile, package)),
                advisory: Some(FindingAdvisory {
                    id: issue.advisory.id.clone(),
                    aliases: issue.aliases.clone(),
                    summary: issue.advisory.summary.clone(),
                    fixed_in: issue.fixed_in.clone(),
                    url: issue.advisory.url.clone(),
                    cvss: issue.advisory.cvss.clone(),
                    score: issue.advisory.score.map(|s| format!("{s:.1}")),
                }),
                package_fixed_in: affected.fixed_in.clone(),
                locations: package.locations.iter().cloned().collect(),
                dependency_path: dependency_path.clone(),
                ignored: None,
                typosquat: None,
                inspection: None,
            });
        }
    }
    for &(lockfile_index, package_index) in &result.unpinned {
        let Some(lockfile) = inventory.lockfiles.get(lockfile_index) else {
            continue;
        };
        let Some(package) = lockfile.packages.get(package_index) else {
            continue;
        };
        let requirement = package
            .requirement
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        findings.push(Finding {
            package: Some(finding_package(lockfile, package)),
            locations: package.locations.iter().cloned().collect(),
            ..Finding::new(
                Code::Unpinned,
                format!(
                    "{} is not pinned to an exact version{requirement}: only advisories that affect every version were checked",
                    package.name
                ),
            )
        });
    }
    for ecosystem in &result.missing_ecosystems {
        findings.push(Finding::new(
            Code::AdvisoriesMissing,
            format!(
                "the advisory database has no {ecosystem} data, so {ecosystem} packages were not checked: run `customs db update`"
            ),
        ));
    }
    if let Some(age) = context.database_age
        && age > policy.max_advisory_age
    {
        findings.push(Finding::new(
            Code::AdvisoriesStale,
            format!(
                "the advisory database is {} days old (the maximum is {}): run `customs db update`",
                age.as_secs() / 86_400,
                humantime::format_duration(policy.max_advisory_age)
            ),
        ));
    }
    findings.extend(crate::house::findings(inventory, policy));
    findings.extend(crate::registry::install_scripts(
        inventory,
        evidence.registry,
    ));
    if let Some(registry) = evidence.registry {
        findings.extend(crate::registry::findings(
            inventory,
            registry,
            evidence.fixes,
            policy,
            context,
        ));
    }
    if let Some(typosquats) = evidence.typosquats {
        findings.extend(crate::typosquat::findings(inventory, typosquats));
    }
    if let Some(inspections) = evidence.inspections {
        findings.extend(crate::inspection::findings(inventory, inspections));
    }
    for finding in &mut findings {
        finding.level = policy.level(finding.code, finding.level);
    }
    apply_ignores(&mut findings, policy, context.today);
    findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    findings
}

type SortKey<'a> = (
    Level,
    Severity,
    bool,
    Code,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn sort_key(finding: &Finding) -> SortKey<'_> {
    (
        finding.level,
        finding.severity,
        finding.code != Code::Malicious,
        finding.code,
        finding.package.as_ref().map(|p| p.name.as_str()),
        finding.package.as_ref().and_then(|p| p.version.as_deref()),
        finding.package.as_ref().map(|p| p.lockfile.as_str()),
        finding.advisory.as_ref().map(|a| a.id.as_str()),
    )
}

fn selects(selector: &PackageSelector, package: &FindingPackage) -> bool {
    match selector {
        PackageSelector::Name(name) => {
            let key = |text: &str| {
                PackageName::new(package.ecosystem, text).map(|n| n.match_key(package.ecosystem))
            };
            matches!((key(name), key(&package.name)), (Ok(a), Ok(b)) if a == b)
        }
        PackageSelector::Version(name, version) => {
            selects(&PackageSelector::Name(name.clone()), package)
                && package.version.as_deref() == Some(version.as_str())
        }
        PackageSelector::Purl(purl) => package.purl.split('?').next() == Some(purl.as_str()),
    }
}

/// An ignore names an advisory (by any of its ids) or a finding code (`cooldown`,
/// `install-script`, ...), usually with a package.
fn matches(ignore: &Ignore, finding: &Finding) -> bool {
    let id_matches = finding.code.as_str() == ignore.id
        || finding
            .advisory
            .as_ref()
            .is_some_and(|a| a.id == ignore.id || a.aliases.contains(&ignore.id));
    id_matches
        && match (&ignore.package, &finding.package) {
            (None, _) => true,
            (Some(selector), Some(package)) => selects(selector, package),
            (Some(_), None) => false,
        }
}

fn apply_ignores(findings: &mut Vec<Finding>, policy: &Policy, today: Date) {
    let config = policy
        .path
        .clone()
        .unwrap_or_else(|| crate::CONFIG_FILE.to_owned());
    let mut used: HashSet<usize> = HashSet::new();
    let mut expired_used: HashSet<usize> = HashSet::new();
    for finding in findings.iter_mut() {
        for (index, ignore) in policy.ignores.iter().enumerate() {
            if !matches(ignore, finding) {
                continue;
            }
            if ignore.expires.is_some_and(|expires| today > expires) {
                expired_used.insert(index);
                continue;
            }
            used.insert(index);
            finding.level = Level::Allow;
            finding.ignored = Some(ignore.reason.clone());
            break;
        }
    }
    for (index, ignore) in policy.ignores.iter().enumerate() {
        let location = vec![Location {
            path: config.clone(),
            line: ignore.line,
        }];
        let expired = ignore.expires.filter(|expires| today > *expires);
        let (code, message) = if let Some(expires) = expired {
            let matched = if expired_used.contains(&index) {
                "it no longer applies"
            } else {
                "it no longer applies (and matched nothing)"
            };
            (
                Code::IgnoreExpired,
                format!(
                    "the ignore of {} expired on {expires}: {matched}",
                    ignore.id
                ),
            )
        } else if !used.contains(&index) {
            (
                Code::IgnoreUnused,
                format!("the ignore of {} matched no finding", ignore.id),
            )
        } else {
            continue;
        };
        findings.push(Finding {
            locations: location,
            ..Finding::new(code, message)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use customs_advisory::{Advisory, PackageIssues};
    use customs_core::{Ecosystem, Source, Version};

    fn package(name: &str, version: Option<&str>, direct: bool, line: u32) -> Package {
        let eco = Ecosystem::Npm;
        let mut package = Package::new(
            eco,
            PackageName::new(eco, name).unwrap(),
            version.map(|v| Version::new(eco, v)),
            Source::registry(eco),
        );
        package.direct = direct;
        package.locations.insert(Location {
            path: "package-lock.json".into(),
            line,
        });
        package
    }

    fn issue(
        id: &str,
        aliases: &[&str],
        kind: AdvisoryKind,
        severity: Severity,
        fix: Option<&str>,
    ) -> Issue {
        Issue {
            advisory: Advisory {
                id: id.into(),
                aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
                summary: Some(format!("summary of {id}")),
                kind,
                severity,
                cvss: None,
                score: None,
                published: None,
                modified: None,
                url: None,
                affected: Vec::new(),
            },
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            kind,
            severity,
            fixed_in: fix.map(str::to_owned),
        }
    }

    fn setup() -> (Inventory, CheckResult) {
        let mut app = package("app-dep", Some("1.0.0"), true, 10);
        let evil = package("evil", Some("6.6.6"), false, 20);
        let qs = package("qs", Some("6.7.0"), false, 30);
        let loose = package("loose", None, true, 40);
        app.dependencies.insert(evil.id());
        app.dependencies.insert(qs.id());
        let inventory = Inventory {
            lockfiles: vec![LockfileReport {
                path: "package-lock.json".into(),
                format: "package-lock.json v3".into(),
                ecosystem: Ecosystem::Npm,
                packages: vec![app, evil, qs, loose],
            }],
            ..Inventory::default()
        };
        let result = CheckResult {
            affected: vec![
                PackageIssues {
                    lockfile: 0,
                    package: 1,
                    issues: vec![issue(
                        "MAL-2025-1",
                        &[],
                        AdvisoryKind::Malicious,
                        Severity::Critical,
                        None,
                    )],
                    fixed_in: None,
                },
                PackageIssues {
                    lockfile: 0,
                    package: 2,
                    issues: vec![
                        issue(
                            "GHSA-hrpp",
                            &["CVE-2022-24999"],
                            AdvisoryKind::Vulnerability,
                            Severity::High,
                            Some("6.7.3"),
                        ),
                        issue(
                            "GHSA-low",
                            &[],
                            AdvisoryKind::Vulnerability,
                            Severity::Low,
                            Some("6.7.1"),
                        ),
                        issue(
                            "GHSA-unknown",
                            &[],
                            AdvisoryKind::Vulnerability,
                            Severity::Unknown,
                            None,
                        ),
                    ],
                    fixed_in: Some("6.7.3".into()),
                },
            ],
            unpinned: vec![(0, 3)],
            missing_ecosystems: vec![Ecosystem::PyPI],
            ..CheckResult::default()
        };
        (inventory, result)
    }

    fn lines(findings: &[Finding]) -> String {
        findings
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {} path={:?} fix={:?} at={:?}{}",
                    f.level,
                    f.code,
                    f.severity,
                    f.advisory.as_ref().map_or("-", |a| a.id.as_str()),
                    f.dependency_path,
                    f.package_fixed_in,
                    f.locations
                        .iter()
                        .map(|l| format!("{}:{}", l.path, l.line))
                        .collect::<Vec<_>>(),
                    f.ignored
                        .as_deref()
                        .map(|r| format!(" ignored={r}"))
                        .unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn context() -> Context {
        Context::at(
            "2026-11-24T12:00:00Z".parse().unwrap(),
            Some(std::time::Duration::from_secs(10 * 86_400)),
        )
    }

    fn advisories_only(result: &CheckResult) -> Evidence<'_> {
        static NO_FIXES: std::sync::LazyLock<HashSet<(usize, usize)>> =
            std::sync::LazyLock::new(HashSet::new);
        Evidence {
            advisories: result,
            registry: None,
            fixes: &NO_FIXES,
            paths: None,
            typosquats: None,
            inspections: None,
        }
    }

    #[test]
    fn default_policy() {
        let (inventory, result) = setup();
        // The default maximum age is a week; the database in `context()` is 10 days old.
        let policy = Policy::default();
        insta::assert_snapshot!(lines(&evaluate(&inventory, &advisories_only(&result), &policy, &context())), @r#"
        deny malicious critical MAL-2025-1 path=["app-dep@1.0.0", "evil@6.6.6"] fix=None at=["package-lock.json:20"]
        deny vulnerability high GHSA-hrpp path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"]
        deny advisories-missing unknown - path=[] fix=None at=[]
        warn vulnerability low GHSA-low path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"]
        warn vulnerability unknown GHSA-unknown path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"]
        warn unpinned unknown - path=[] fix=None at=["package-lock.json:40"]
        warn advisories-stale unknown - path=[] fix=None at=[]
        warn missing-integrity unknown - path=[] fix=None at=["package-lock.json:1"]
        "#);
    }

    #[test]
    fn fail_on_and_ignores() {
        let (inventory, result) = setup();
        let policy = Policy::parse(
            r#"fail-on = ["malicious", "low", "unknown"]

[[ignore]]
id = "CVE-2022-24999"
reason = "qs is only used by the test server"
package = "qs@6.7.0"

[[ignore]]
id = "GHSA-low"
reason = "expired acceptance"
expires = 2026-01-01

[[ignore]]
id = "GHSA-none"
reason = "a typo"
"#,
            "customs.toml",
        )
        .unwrap();
        insta::assert_snapshot!(lines(&evaluate(&inventory, &advisories_only(&result), &policy, &context())), @r#"
        deny malicious critical MAL-2025-1 path=["app-dep@1.0.0", "evil@6.6.6"] fix=None at=["package-lock.json:20"]
        deny vulnerability low GHSA-low path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"]
        deny vulnerability unknown GHSA-unknown path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"]
        deny advisories-missing unknown - path=[] fix=None at=[]
        warn unpinned unknown - path=[] fix=None at=["package-lock.json:40"]
        warn advisories-stale unknown - path=[] fix=None at=[]
        warn ignore-expired unknown - path=[] fix=None at=["customs.toml:8"]
        warn ignore-unused unknown - path=[] fix=None at=["customs.toml:13"]
        warn missing-integrity unknown - path=[] fix=None at=["package-lock.json:1"]
        allow vulnerability high GHSA-hrpp path=["app-dep@1.0.0", "qs@6.7.0"] fix=Some("6.7.3") at=["package-lock.json:30"] ignored=qs is only used by the test server
        "#);
    }

    #[test]
    fn package_selectors() {
        let package = FindingPackage {
            ecosystem: Ecosystem::PyPI,
            name: "typing-extensions".into(),
            version: Some("4.0.0".into()),
            purl: "pkg:pypi/typing-extensions@4.0.0".into(),
            lockfile: "uv.lock".into(),
        };
        assert!(selects(
            &PackageSelector::Name("Typing_Extensions".into()),
            &package
        ));
        assert!(selects(
            &PackageSelector::Version("typing-extensions".into(), "4.0.0".into()),
            &package
        ));
        assert!(!selects(
            &PackageSelector::Version("typing-extensions".into(), "4.0.1".into()),
            &package
        ));
        assert!(selects(
            &PackageSelector::Purl("pkg:pypi/typing-extensions@4.0.0".into()),
            &package
        ));
        assert!(!selects(&PackageSelector::Name("typing".into()), &package));
    }
}
