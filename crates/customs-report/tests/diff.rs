//! Snapshots of every `customs diff` output on a realistic change, the empty change and
//! hostile input; the outcome rule; and Markdown escaping.

mod common;

use std::collections::BTreeMap;

use common::live_syntax;
use customs_core::{
    Code, DiffFindings, Ecosystem, FileError, Finding, FindingAdvisory, FindingPackage, Inventory,
    InventoryDiff, Level, Location, LockfileReport, Package, PackageName, Severity, Source,
    Version, filter_findings,
};
use customs_report::diff::{
    BaseRevision, DiffReport, outcome, write_json, write_markdown, write_sarif, write_table,
};
use customs_report::scan::{DatabaseInfo, EcosystemSummary, ScanOutcome, ScanSummary};

type Writer = fn(&DiffReport<'_>, &mut Vec<u8>) -> std::io::Result<()>;

fn render(writer: Writer, report: &DiffReport<'_>) -> String {
    let mut out = Vec::new();
    writer(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

fn package(ecosystem: Ecosystem, name: &str, version: &str, dependencies: &[&Package]) -> Package {
    let mut package = Package::new(
        ecosystem,
        PackageName::new(ecosystem, name).expect("a valid name"),
        Some(Version::new(ecosystem, version)),
        Source::registry(ecosystem),
    );
    for dependency in dependencies {
        package.dependencies.insert(dependency.id());
    }
    package
}

fn direct(mut package: Package) -> Package {
    package.direct = true;
    package
}

fn lockfile(
    path: &str,
    format: &str,
    ecosystem: Ecosystem,
    packages: Vec<Package>,
) -> LockfileReport {
    let mut report = LockfileReport {
        path: path.to_owned(),
        format: format.to_owned(),
        ecosystem,
        packages,
    };
    report.sort();
    report
}

/// The finding a check reports about `package` of `lockfile`.
fn finding(
    code: Code,
    severity: Severity,
    level: Level,
    lockfile: &LockfileReport,
    name: &str,
    advisory: &str,
) -> Finding {
    let found = lockfile
        .packages
        .iter()
        .find(|p| p.name.as_str() == name)
        .expect("the package is in the lockfile");
    Finding {
        severity,
        level,
        package: Some(FindingPackage {
            ecosystem: found.ecosystem,
            name: name.to_owned(),
            version: found.version.as_ref().map(ToString::to_string),
            purl: found.purl(),
            lockfile: lockfile.path.clone(),
        }),
        advisory: Some(FindingAdvisory {
            id: advisory.to_owned(),
            aliases: Vec::new(),
            summary: Some(format!("{name}: {code}")),
            fixed_in: None,
            url: Some(format!("https://osv.dev/vulnerability/{advisory}")),
            cvss: None,
            score: None,
        }),
        locations: vec![Location {
            path: lockfile.path.clone(),
            line: 10,
        }],
        ..Finding::new(code, format!("{name} {code} ({advisory})"))
    }
}

struct Case {
    base: BaseRevision,
    diff: InventoryDiff,
    findings: DiffFindings,
    head: Inventory,
    base_errors: Vec<FileError>,
    summary: ScanSummary,
}

impl Case {
    fn new(base: &Inventory, head: Inventory, findings: Vec<Finding>) -> Self {
        let diff = InventoryDiff::compare(base, &head);
        let findings = filter_findings(findings, &diff);
        let base_errors = base.errors.clone();
        let mut ecosystems = BTreeMap::new();
        let mut checked = 0;
        for lockfile in &head.lockfiles {
            let entry: &mut EcosystemSummary = ecosystems.entry(lockfile.ecosystem).or_default();
            entry.packages_checked += lockfile.packages.len();
            checked += lockfile.packages.len();
        }
        let summary = ScanSummary {
            packages_checked: checked,
            packages_skipped_local: 0,
            ecosystems,
            database: Some(DatabaseInfo {
                source: "https://osv-vulnerabilities.storage.googleapis.com".to_owned(),
                updated_at: "2026-11-20T06:00:00Z".to_owned(),
                age_days: 1,
            }),
            outcome: outcome(&findings, &head, &base_errors),
        };
        Self {
            base: BaseRevision {
                revision: "origin/main".to_owned(),
                commit: "0123456789abcdef0123456789abcdef01234567".to_owned(),
            },
            diff,
            findings,
            head,
            base_errors,
            summary,
        }
    }

    fn report(&self) -> DiffReport<'_> {
        DiffReport {
            base: &self.base,
            diff: &self.diff,
            findings: &self.findings,
            head: &self.head,
            base_errors: &self.base_errors,
            summary: &self.summary,
        }
    }
}

/// A change to an npm project and a Rust one: express brings in a vulnerable qs, a bump, a
/// removal, a git source; a malicious package already at the base; an unmaintained crate the
/// change did not touch (left out); a Python lockfile the base could not parse.
fn realistic() -> Case {
    let npm = Ecosystem::Npm;
    let cargo = Ecosystem::CratesIo;
    let evil = package(npm, "evil-pkg", "1.0.0", &[]);
    let base_npm = lockfile(
        "package-lock.json",
        "package-lock.json v3",
        npm,
        vec![
            direct(package(npm, "left-pad", "1.3.0", &[])),
            direct(package(npm, "lodash", "4.17.20", &[])),
            direct(evil.clone()),
        ],
    );
    let qs = package(npm, "qs", "6.7.0", &[]);
    let body_parser = package(npm, "body-parser", "1.19.0", &[&qs]);
    let mut tool = direct(package(npm, "tool", "2.0.0", &[]));
    tool.source = Source::Git {
        url: "https://github.com/acme/tool".to_owned(),
        commit: Some("89abcdef0123456789abcdef0123456789abcdef".to_owned()),
        reference: None,
    };
    let head_npm = lockfile(
        "package-lock.json",
        "package-lock.json v3",
        npm,
        vec![
            direct(package(npm, "express", "4.17.1", &[&body_parser])),
            body_parser,
            qs,
            direct(package(npm, "lodash", "4.17.21", &[])),
            direct(evil),
            tool,
        ],
    );
    let paste = package(cargo, "paste", "1.0.15", &[]);
    let cargo_lock = |serde: &str| {
        lockfile(
            "Cargo.lock",
            "Cargo.lock v4",
            cargo,
            vec![
                direct(package(cargo, "serde", serde, &[])),
                direct(paste.clone()),
            ],
        )
    };
    let base = Inventory {
        lockfiles: vec![base_npm, cargo_lock("1.0.200")],
        errors: vec![FileError {
            path: "svc/poetry.lock".to_owned(),
            line: Some(3),
            message: "expected `=`".to_owned(),
        }],
        warnings: Vec::new(),
    };
    let mut head = Inventory {
        lockfiles: vec![head_npm, cargo_lock("1.0.210")],
        errors: Vec::new(),
        warnings: vec![FileError {
            path: "package-lock.json".to_owned(),
            line: None,
            message: "`bundled` is not installed".to_owned(),
        }],
    };
    head.sort();
    let npm_lock = &head.lockfiles[1];
    let cargo_lock = &head.lockfiles[0];
    let mut qs = finding(
        Code::Vulnerability,
        Severity::High,
        Level::Deny,
        npm_lock,
        "qs",
        "GHSA-hrpp-h998-j3pp",
    );
    qs.dependency_path = ["express@4.17.1", "body-parser@1.19.0", "qs@6.7.0"]
        .map(String::from)
        .to_vec();
    let findings = vec![
        qs,
        finding(
            Code::Malicious,
            Severity::Critical,
            Level::Deny,
            npm_lock,
            "evil-pkg",
            "MAL-2025-0001",
        ),
        finding(
            Code::Unmaintained,
            Severity::Unknown,
            Level::Warn,
            cargo_lock,
            "paste",
            "RUSTSEC-2024-0436",
        ),
        finding(
            Code::Notice,
            Severity::Unknown,
            Level::Warn,
            npm_lock,
            "lodash",
            "GHSA-notice",
        ),
        Finding::new(
            Code::AdvisoriesStale,
            "the advisory database is 9 days old (the maximum is 7days): run `customs db update`",
        ),
    ];
    Case::new(&base, head, findings)
}

#[test]
fn realistic_outputs() {
    let case = realistic();
    let report = case.report();
    assert_eq!(
        case.summary.outcome,
        ScanOutcome::Error,
        "the base could not be read"
    );
    insta::assert_snapshot!("realistic_table", render(write_table, &report));
    insta::assert_snapshot!("realistic_json", render(write_json, &report));
    insta::assert_snapshot!("realistic_markdown", render(write_markdown, &report));
}

#[test]
fn no_change_passes_and_says_so() {
    let inventory = Inventory {
        lockfiles: vec![lockfile(
            "Cargo.lock",
            "Cargo.lock v4",
            Ecosystem::CratesIo,
            vec![direct(package(
                Ecosystem::CratesIo,
                "serde",
                "1.0.210",
                &[],
            ))],
        )],
        ..Inventory::default()
    };
    let case = Case::new(&inventory, inventory.clone(), Vec::new());
    let report = case.report();
    assert_eq!(case.summary.outcome, ScanOutcome::Passed);
    insta::assert_snapshot!(render(write_table, &report), @r"
    No package changes against origin/main (0123456789ab)
    No known issues brought in by the change
    Checked 1 package (crates.io 1) against the advisory database of 2026-11-20 (1 day old, from https://osv-vulnerabilities.storage.googleapis.com)

    Result: passed (exit status 0)
    ");
    insta::assert_snapshot!(render(write_markdown, &report), @r"
    **customs: passed** · No known issues brought in by the change · No package changes against `origin/main`

    <sub>Compared with `origin/main` (`0123456789ab`). Checked 1 package (crates.io 1) against the advisory database of 2026-11-20 (1 day old, from https\://osv-vulnerabilities.storage.googleapis.com). customs 0.1.0.</sub>
    ");
}

#[test]
fn the_outcome_counts_only_what_the_change_brings_in_and_malicious_packages() {
    let npm = Ecosystem::Npm;
    let vulnerable = direct(package(npm, "qs", "6.7.0", &[]));
    let evil = direct(package(npm, "evil-pkg", "1.0.0", &[]));
    let base = Inventory {
        lockfiles: vec![lockfile(
            "package-lock.json",
            "v3",
            npm,
            vec![vulnerable.clone()],
        )],
        ..Inventory::default()
    };
    let head = |packages: Vec<Package>| Inventory {
        lockfiles: vec![lockfile("package-lock.json", "v3", npm, packages)],
        ..Inventory::default()
    };
    let vulnerability = |inventory: &Inventory| {
        finding(
            Code::Vulnerability,
            Severity::High,
            Level::Deny,
            &inventory.lockfiles[0],
            "qs",
            "GHSA-1",
        )
    };
    // Already at the base: passes.
    let unchanged = head(vec![
        vulnerable.clone(),
        direct(package(npm, "left-pad", "1.3.0", &[])),
    ]);
    let findings = vec![vulnerability(&unchanged)];
    assert_eq!(
        Case::new(&base, unchanged, findings).summary.outcome,
        ScanOutcome::Passed
    );
    // A malicious package at the base fails all the same.
    let base_with_evil = Inventory {
        lockfiles: vec![lockfile(
            "package-lock.json",
            "v3",
            npm,
            vec![vulnerable.clone(), evil.clone()],
        )],
        ..Inventory::default()
    };
    let with_evil = head(vec![vulnerable, evil]);
    let findings = vec![
        vulnerability(&with_evil),
        finding(
            Code::Malicious,
            Severity::Critical,
            Level::Deny,
            &with_evil.lockfiles[0],
            "evil-pkg",
            "MAL-1",
        ),
    ];
    let case = Case::new(&base_with_evil, with_evil, findings);
    assert_eq!(case.summary.outcome, ScanOutcome::Failed);
    assert_eq!(
        (
            case.findings.introduced.len(),
            case.findings.pre_existing.len()
        ),
        (0, 1)
    );
    // Accepted by an ignore entry, it no longer fails.
    let mut accepted = case.findings.clone();
    accepted.pre_existing[0].level = Level::Allow;
    assert_eq!(outcome(&accepted, &case.head, &[]), ScanOutcome::Passed);
    // A base file that could not be read is an error, whatever else was found.
    let unreadable = [FileError {
        path: "package-lock.json".to_owned(),
        line: None,
        message: "file is too large".to_owned(),
    }];
    assert_eq!(
        outcome(&accepted, &case.head, &unreadable),
        ScanOutcome::Error
    );
}

/// A change whose every string came from a hostile lockfile.
fn hostile() -> Case {
    let npm = Ecosystem::Npm;
    let names = [
        "<img/src=x/onerror=alert(1)>",
        "[pwned](https://evil.example)",
        "@everyone",
        "`a`|b",
        "**b**#1",
        "evil\u{202e}txt",
    ];
    let mut added: Vec<Package> = names
        .iter()
        .map(|n| direct(package(npm, n, "1.0.0", &[])))
        .collect();
    let mut odd_version = direct(package(npm, "odd", "<!--|`x`-->\u{1b}[2J", &[]));
    odd_version.source = Source::Url {
        url: "https://e.example/a) [z](c \"d\"".to_owned(),
    };
    added.push(odd_version);
    let base = Inventory::default();
    let path = "dir with space/<b>|`x`.lock";
    let head = Inventory {
        lockfiles: vec![lockfile(path, "package-lock.json v3", npm, added)],
        ..Inventory::default()
    };
    let findings = vec![finding(
        Code::Malicious,
        Severity::Critical,
        Level::Deny,
        &head.lockfiles[0],
        "<img/src=x/onerror=alert(1)>",
        "MAL-<script>",
    )];
    let mut case = Case::new(&base, head, findings);
    case.base.revision = "<b>@team`#2".to_owned();
    case
}

#[test]
fn markdown_escapes_hostile_names() {
    let case = hostile();
    let markdown = render(write_markdown, &case.report());
    let prose = live_syntax(&markdown);
    for forbidden in [
        "<img",
        "<b>",
        "<!--",
        "<script",
        "[pwned](",
        "[z](",
        "@everyone",
        "@team",
        "#1",
        "#2",
        "**b**",
        "\u{1b}",
        "\u{202e}",
    ] {
        assert!(!prose.contains(forbidden), "{forbidden:?} in\n{prose}");
    }
    assert!(!markdown.contains('\u{1b}') && !markdown.contains('\u{202e}'));
    // Only the advisory is linked.
    assert_eq!(prose.matches("](").count(), 1, "{prose}");
    // One findings table and one changes table, each with a header, a separator and its rows:
    // no name forged a row of its own.
    let rows = markdown.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(rows, 3 + 2 + 7, "{markdown}");
    insta::assert_snapshot!("hostile_markdown", markdown);
}

#[test]
fn table_and_sarif_neutralise_hostile_names() {
    let case = hostile();
    let table = render(write_table, &case.report());
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{202e}'),
        "{table}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&render(write_sarif, &case.report())).expect("SARIF is JSON");
    assert_eq!(
        sarif["runs"][0]["results"].as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn long_change_lists_fold_and_stop() {
    let npm = Ecosystem::Npm;
    let many: Vec<Package> = (0..150)
        .map(|i| direct(package(npm, &format!("package-{i:03}"), "1.0.0", &[])))
        .collect();
    let head = Inventory {
        lockfiles: vec![lockfile("package-lock.json", "v3", npm, many)],
        ..Inventory::default()
    };
    let case = Case::new(&Inventory::default(), head, Vec::new());
    let markdown = render(write_markdown, &case.report());
    assert!(
        markdown
            .contains("#### Changes (150)\n\n<details><summary>150 added in 1 lockfile</summary>"),
        "{markdown}"
    );
    assert!(
        markdown.contains("… and 50 more, in the full report (`customs diff --format json`)."),
        "{markdown}"
    );
    assert!(markdown.len() < 65_536);
}
