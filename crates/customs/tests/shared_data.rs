//! `customs scan` on the shared public data (`../shared/data`): advisories imported from the OSV
//! mirror, then checked against two external references.
//!
//! - cargo-audit: on every Cargo.lock of the corpus, customs reports the same vulnerability,
//!   unmaintained and unsound ids as cargo-audit on RustSec's own copy of the same data. Its
//!   results are recorded in `fixtures/cargo-audit.json` by `bench/scan_vs_peers.py --record`
//!   (which also reruns the comparison live); every difference is listed and explained here.
//! - real incidents: every package/version pair of `incidents/compromised_packages.csv` that a
//!   `MAL-` record covers is reported as malicious when it is in a lockfile.
//!
//! Skipped, loudly, when the shared data is absent; required when CUSTOMS_REQUIRE_SHARED_DATA=1.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{cargo_lock, customs_in, json, stderr, write};
use customs_core::{Ecosystem, PackageName, Version};
use serde_json::Value;

/// One database for the whole test binary, imported from the OSV mirror.
fn database() -> &'static Path {
    static DATABASE: OnceLock<PathBuf> = OnceLock::new();
    DATABASE.get_or_init(|| {
        let data = customs_testdata::shared_data("scan on the shared data").unwrap();
        let dir = tempfile::tempdir().unwrap().keep();
        let db = dir.join("advisories.sqlite");
        let output = customs_in(
            &[
                "db",
                "update",
                "--source",
                data.join("osv").to_str().unwrap(),
                "--popular-source",
                data.join("popular").to_str().unwrap(),
                "--db",
                db.to_str().unwrap(),
            ],
            &dir,
            &[],
        );
        assert!(output.status.success(), "{}", stderr(&output));
        db
    })
}

fn scan(path: &Path) -> Value {
    let output = customs_in(
        &[
            "scan",
            path.to_str().unwrap(),
            "--db",
            database().to_str().unwrap(),
            "--offline",
            "--no-registry",
            "--format",
            "json",
            "--fail-on",
            "none",
        ],
        Path::new("."),
        &[],
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    json(&output)
}

/// Files cargo-audit cannot read, and why: customs reads them and reports the gap as a warning.
const CARGO_AUDIT_CANNOT_READ: &[(&str, &str)] = &[
    (
        "crates/osv-scalibr__cargolock/one-package.lock",
        "a trimmed fixture: `addr2line` depends on `gimli`, which the file omits; cargo-audit refuses the file",
    ),
    (
        "crates/osv-scalibr__cargolock/two-packages.lock",
        "the same trimming (gimli, proc-macro2, quote, unicode-xid missing)",
    ),
    (
        "crates/osv-scalibr__cargolock/two-packages-with-local.lock",
        "the same trimming (gimli missing)",
    ),
];

#[test]
fn reports_what_cargo_audit_reports_on_every_corpus_cargo_lock() {
    let Some(data) = customs_testdata::shared_data("scan on the shared data") else {
        return;
    };
    let recorded: BTreeMap<String, Value> = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cargo-audit.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(
        recorded.len(),
        15,
        "every Cargo.lock of the corpus is recorded"
    );
    for (path, theirs) in &recorded {
        let document = scan(&data.join("lockfiles").join(path));
        assert!(
            document["errors"].as_array().unwrap().is_empty(),
            "{path}: {}",
            document["errors"]
        );
        let ids = |codes: &[&str]| -> Value {
            let set: BTreeSet<&str> = document["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| codes.contains(&f["code"].as_str().unwrap()))
                .filter_map(|f| f["advisory"]["id"].as_str())
                .collect();
            serde_json::json!(set)
        };
        let ours = serde_json::json!({
            // cargo-audit lists malicious-crate notices among its vulnerabilities.
            "vulnerabilities": ids(&["vulnerability", "malicious"]),
            "unmaintained": ids(&["unmaintained"]),
            "unsound": ids(&["unsound"]),
        });
        if theirs.get("error").is_some() {
            let reason = CARGO_AUDIT_CANNOT_READ.iter().find(|(p, _)| p == path);
            assert!(
                reason.is_some(),
                "{path}: cargo-audit failed ({}) without an explanation here",
                theirs["error"]
            );
            assert_eq!(ours["vulnerabilities"], serde_json::json!([]), "{path}");
            continue;
        }
        assert_eq!(&ours, theirs, "{path}: customs and cargo-audit disagree");
    }
}

/// A `MAL-` record's view of one package: explicit versions and ranges.
struct Covered {
    versions: Vec<String>,
    ranges: Vec<Vec<(String, String)>>,
}

fn key(ecosystem: Ecosystem, name: &str) -> Option<String> {
    Some(PackageName::new(ecosystem, name).ok()?.match_key(ecosystem))
}

/// Every non-withdrawn `MAL-` record of the mirror, by (ecosystem, name key).
fn malicious_records(data: &Path) -> BTreeMap<(Ecosystem, String), Vec<Covered>> {
    let mut records: BTreeMap<(Ecosystem, String), Vec<Covered>> = BTreeMap::new();
    for (ecosystem, dir) in [
        (Ecosystem::Npm, "npm"),
        (Ecosystem::PyPI, "PyPI"),
        (Ecosystem::CratesIo, "crates.io"),
    ] {
        let file = fs::File::open(data.join("osv").join(dir).join("all.zip")).unwrap();
        let mut archive = zip::ZipArchive::new(file).unwrap();
        for index in 0..archive.len() {
            let mut member = archive.by_index(index).unwrap();
            if !member.name().unwrap().starts_with("MAL-") {
                continue;
            }
            let mut text = String::new();
            member.read_to_string(&mut text).unwrap();
            let record: Value = serde_json::from_str(&text).unwrap();
            if record.get("withdrawn").is_some_and(|w| !w.is_null()) {
                continue;
            }
            for affected in record["affected"].as_array().into_iter().flatten() {
                if affected["package"]["ecosystem"] != ecosystem.osv_name() {
                    continue;
                }
                let Some(key) = key(
                    ecosystem,
                    affected["package"]["name"].as_str().unwrap_or_default(),
                ) else {
                    continue;
                };
                let strings = |v: &Value| {
                    v.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect::<Vec<_>>()
                };
                let ranges = affected["ranges"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|r| r["type"] != "GIT")
                    .map(|r| {
                        r["events"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|e| {
                                e.as_object()?.iter().next().map(|(k, v)| {
                                    (k.clone(), v.as_str().unwrap_or_default().to_owned())
                                })
                            })
                            .collect()
                    })
                    .collect();
                records.entry((ecosystem, key)).or_default().push(Covered {
                    versions: strings(&affected["versions"]),
                    ranges,
                });
            }
        }
    }
    records
}

/// The OSV specification's evaluation pseudocode, transcribed on its own (not customs'
/// matcher), with customs-core's version ordering.
fn osv_covers(ecosystem: Ecosystem, covered: &Covered, version: &str) -> bool {
    let v = Version::new(ecosystem, version);
    if covered
        .versions
        .iter()
        .any(|listed| Version::new(ecosystem, listed).cmp_value(&v).is_eq())
    {
        return true;
    }
    covered.ranges.iter().any(|events| {
        let limits: Vec<&String> = events
            .iter()
            .filter(|(k, _)| k == "limit")
            .map(|(_, v)| v)
            .collect();
        if !limits.is_empty()
            && !limits
                .iter()
                .any(|l| l.contains('*') || v.cmp_value(&Version::new(ecosystem, l)).is_lt())
        {
            return false;
        }
        let mut sorted: Vec<&(String, String)> =
            events.iter().filter(|(k, _)| k != "limit").collect();
        sorted.sort_by(|a, b| match (a.1.as_str(), b.1.as_str()) {
            ("0", "0") => std::cmp::Ordering::Equal,
            ("0", _) => std::cmp::Ordering::Less,
            (_, "0") => std::cmp::Ordering::Greater,
            (x, y) => Version::new(ecosystem, x).cmp_value(&Version::new(ecosystem, y)),
        });
        let mut vulnerable = false;
        for (kind, at) in sorted {
            let at_version = Version::new(ecosystem, at);
            match kind.as_str() {
                "introduced" if at == "0" || !v.cmp_value(&at_version).is_lt() => vulnerable = true,
                "fixed" if !v.cmp_value(&at_version).is_lt() => vulnerable = false,
                "last_affected" if v.cmp_value(&at_version).is_gt() => vulnerable = false,
                _ => {}
            }
        }
        vulnerable
    })
}

#[test]
fn every_compromised_package_a_mal_record_covers_is_reported_malicious() {
    let Some(data) = customs_testdata::shared_data("scan on the shared data") else {
        return;
    };
    let records = malicious_records(&data);
    let csv = fs::read_to_string(data.join("incidents/compromised_packages.csv")).unwrap();
    let mut expected: BTreeSet<(Ecosystem, String, String)> = BTreeSet::new();
    for line in csv.lines().skip(1) {
        let mut fields = line.splitn(4, ',');
        let (Some(ecosystem), Some(name), Some(version)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(ecosystem) = ecosystem.parse::<Ecosystem>() else {
            continue;
        };
        let Some(key) = key(ecosystem, name) else {
            continue;
        };
        let Some(covering) = records.get(&(ecosystem, key)) else {
            continue;
        };
        // Exact pairs as listed; `*` and range rows stand for the versions the records name.
        // A record that affects every version stands for any: `0.1.0` represents it.
        let versions: Vec<String> = if version == "*" || version.starts_with(['>', '<', '=']) {
            let mut listed: Vec<String> =
                covering.iter().flat_map(|c| c.versions.clone()).collect();
            if listed.is_empty() {
                listed.push("0.1.0".to_owned());
            }
            listed
        } else {
            vec![version.to_owned()]
        };
        for version in versions {
            if covering.iter().any(|c| osv_covers(ecosystem, c, &version)) {
                expected.insert((ecosystem, name.to_owned(), version));
            }
        }
    }
    // 21 crates, 12 npm package versions in the data of 2026-11-24 (see its README).
    assert!(
        expected.len() >= 30,
        "only {} covered pairs: the data changed?",
        expected.len()
    );

    // One project per pair, as each package manager would lock it.
    let dir = tempfile::tempdir().unwrap();
    for (index, (ecosystem, name, version)) in expected.iter().enumerate() {
        let project = format!("{ecosystem}/{index}");
        match ecosystem {
            Ecosystem::Npm => write(
                dir.path(),
                &format!("{project}/package-lock.json"),
                &format!(
                    r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
                    "": {{"name": "app", "dependencies": {{"{name}": "{version}"}}}},
                    "node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/x-{version}.tgz"}}}}}}"#
                ),
            ),
            Ecosystem::PyPI => write(
                dir.path(),
                &format!("{project}/requirements.txt"),
                &format!("{name}=={version}\n"),
            ),
            Ecosystem::CratesIo => write(
                dir.path(),
                &format!("{project}/Cargo.lock"),
                &cargo_lock(&[
                    ("app", "0.1.0", false, &[name.as_str()]),
                    (name.as_str(), version.as_str(), true, &[]),
                ]),
            ),
        }
    }
    let document = scan(dir.path());
    assert!(
        document["errors"].as_array().unwrap().is_empty(),
        "{}",
        document["errors"]
    );
    let reported: BTreeSet<(Ecosystem, String, String)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "malicious")
        .map(|f| {
            let package = &f["package"];
            (
                serde_json::from_value(package["ecosystem"].clone()).unwrap(),
                package["name"].as_str().unwrap().to_owned(),
                package["version"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let missing: Vec<_> = expected
        .iter()
        .filter(|(ecosystem, name, version)| {
            !reported.iter().any(|(e, n, v)| {
                e == ecosystem && key(*e, n) == key(*ecosystem, name) && v == version
            })
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} covered pairs not reported as malicious: {missing:?}",
        missing.len(),
        expected.len()
    );
    eprintln!(
        "{} compromised package versions covered by MAL- records: all reported malicious",
        expected.len()
    );
}
