//! `customs scan` end to end: the real binary, an OSV mirror written into a temporary
//! directory, and lockfiles written beside it.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{advisory_mirror, cargo_lock, customs_in, json, stderr, stdout, write};
use serde_json::Value;

struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    /// A database imported from the mirror, and an empty project directory.
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        advisory_mirror(&dir.path().join("osv"));
        let project = Project { dir };
        let output = project.customs(&[
            "db",
            "update",
            "--source",
            "osv",
            "--db",
            "advisories.sqlite",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        project
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, path: &str, text: &str) {
        write(&self.root().join("project"), path, text);
    }

    fn customs(&self, args: &[&str]) -> Output {
        customs_in(args, self.root(), &[])
    }

    fn scan(&self, extra: &[&str]) -> Output {
        let mut args = vec![
            "scan",
            "project",
            "--db",
            "advisories.sqlite",
            "--offline",
            "--no-registry",
        ];
        args.extend_from_slice(extra);
        self.customs(&args)
    }
}

fn package_lock(packages: &[(&str, &str, &str)]) -> String {
    // (install path, name, version); the root depends on every top-level package.
    let mut entries = vec![r#""": {"name": "app", "version": "1.0.0", "dependencies": {"express": "*", "evil-pkg": "*"}}"#.to_owned()];
    for (path, name, version) in packages {
        entries.push(format!(
            r#""{path}": {{"name": "{name}", "version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}}"#
        ));
    }
    format!(
        r#"{{"name": "app", "lockfileVersion": 3, "packages": {{{}}}}}"#,
        entries.join(",\n")
    )
}

/// `customs scan project` in `root` against the database `db`, offline, as JSON.
fn scan_offline_json(root: &Path, db: &str) -> Output {
    customs_in(
        &[
            "scan",
            "project",
            "--db",
            db,
            "--offline",
            "--no-registry",
            "--format",
            "json",
        ],
        root,
        &[],
    )
}

fn findings(document: &Value) -> Vec<String> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {} {}@{} {}",
                f["level"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["severity"].as_str().unwrap(),
                f["package"]["name"].as_str().unwrap_or("-"),
                f["package"]["version"].as_str().unwrap_or("-"),
                f["advisory"]["id"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

fn npm_project(project: &Project) {
    project.write(
        "package-lock.json",
        &package_lock(&[
            ("node_modules/express", "express", "4.17.1"),
            ("node_modules/qs", "qs", "6.7.0"),
            ("node_modules/evil-pkg", "evil-pkg", "1.0.0"),
            ("node_modules/left-pad", "left-pad", "1.3.0"),
        ])
        .replace(
            r#""name": "express", "version": "4.17.1","#,
            r#""name": "express", "version": "4.17.1", "dependencies": {"qs": "6.7.0"},"#,
        ),
    );
}

#[test]
fn malicious_and_vulnerable_packages_fail_the_run() {
    let project = Project::new();
    npm_project(&project);
    let output = project.scan(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["schema_version"], 1);
    assert_eq!(
        findings(&document),
        [
            "deny malicious critical evil-pkg@1.0.0 MAL-2025-0001",
            "deny vulnerability high qs@6.7.0 GHSA-hrpp-h998-j3pp",
        ],
        "withdrawn advisories never match; one issue under three ids is reported once"
    );
    let qs = &document["findings"][1];
    assert_eq!(
        qs["advisory"]["aliases"],
        serde_json::json!(["CVE-2022-24999", "OSV-2022-qs"])
    );
    assert_eq!(qs["advisory"]["fixed_in"], "6.7.3");
    assert_eq!(qs["package"]["purl"], "pkg:npm/qs@6.7.0");
    assert_eq!(
        qs["dependency_path"],
        serde_json::json!(["express@4.17.1", "qs@6.7.0"])
    );
    assert_eq!(qs["locations"][0]["path"], "package-lock.json");
    assert!(qs["locations"][0]["line"].as_u64().unwrap() > 1);
}

#[test]
fn local_packages_are_never_reported() {
    let project = Project::new();
    // A workspace member that happens to share a malicious package's name.
    project.write(
        "package-lock.json",
        r#"{"name": "app", "lockfileVersion": 3, "packages": {
            "": {"name": "app", "version": "1.0.0", "workspaces": ["packages/*"]},
            "packages/evil-pkg": {"name": "evil-pkg", "version": "1.0.0"},
            "node_modules/evil-pkg": {"resolved": "packages/evil-pkg", "link": true}}}"#,
    );
    let output = project.scan(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let document = json(&output);
    assert!(findings(&document).is_empty(), "{:?}", findings(&document));
}

#[test]
fn a_clean_project_passes_and_says_what_was_checked() {
    let project = Project::new();
    project.write(
        "Cargo.lock",
        &cargo_lock(&[
            ("app", "0.1.0", false, &["smallvec"]),
            ("smallvec", "1.6.1", true, &[]),
        ]),
    );
    let output = project.scan(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("No known issues"), "{text}");
    assert!(text.contains("crates.io 1"), "{text}");
}

#[test]
fn informational_advisories_warn_and_fail_on_makes_them_fail() {
    let project = Project::new();
    project.write(
        "Cargo.lock",
        &cargo_lock(&[
            ("app", "0.1.0", false, &["paste", "smallvec"]),
            ("paste", "1.0.15", true, &[]),
            ("smallvec", "1.6.0", true, &[]),
        ]),
    );
    let output = project.scan(&["--format", "json", "--fail-on", "malicious"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "critical is not in --fail-on: {}",
        stdout(&output)
    );
    assert_eq!(
        findings(&json(&output)),
        [
            "warn vulnerability critical smallvec@1.6.0 RUSTSEC-2023-0001",
            "warn unmaintained unknown paste@1.0.15 RUSTSEC-2024-0436",
        ]
    );
    let output = project.scan(&["--format", "json", "--fail-on", "unmaintained"]);
    assert_eq!(output.status.code(), Some(1));
    let output = project.scan(&["--fail-on", "seriously"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--fail-on: unknown value `seriously`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unknown_severity_is_reported_as_unknown_and_versions_compare_by_pep_440() {
    let project = Project::new();
    project.write("requirements.txt", "Django==4.2\ndjango-extensions==3.0\n");
    let output = project.scan(&["--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "unknown severity is not in the default fail-on"
    );
    let document = json(&output);
    // Pins without `--hash` are one finding about the file.
    assert_eq!(
        findings(&document),
        [
            "warn vulnerability unknown django@4.2 PYSEC-2024-1",
            "warn missing-integrity unknown -@- -"
        ]
    );
    project.write("requirements.txt", "Django==4.2.1\n");
    assert_eq!(
        findings(&json(&project.scan(&["--format", "json"]))),
        ["warn missing-integrity unknown -@- -"]
    );
}

#[test]
fn ignores_expire_and_unused_ones_are_reported() {
    let project = Project::new();
    npm_project(&project);
    project.write(
        "customs.toml",
        r#"
[[ignore]]
id = "CVE-2022-24999"
reason = "qs only parses our own query strings"
package = "qs"

[[ignore]]
id = "MAL-2025-0001"
reason = "we thought it was fine"
expires = 2020-01-01

[[ignore]]
id = "GHSA-does-not-exist"
reason = "left over"
"#,
    );
    let output = project.scan(&["--format", "json"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "the malicious package is no longer ignored"
    );
    let document = json(&output);
    assert_eq!(
        findings(&document),
        [
            "deny malicious critical evil-pkg@1.0.0 MAL-2025-0001",
            "warn ignore-expired unknown -@- -",
            "warn ignore-unused unknown -@- -",
            "allow vulnerability high qs@6.7.0 GHSA-hrpp-h998-j3pp",
        ]
    );
    let expired = &document["findings"][1];
    assert_eq!(expired["locations"][0]["line"], 7);
    assert!(
        expired["locations"][0]["path"]
            .as_str()
            .unwrap()
            .ends_with("customs.toml")
    );

    // A configuration error names the file, line and key, and stops the scan.
    project.write("customs.toml", "[[ignore]]\nid = \"GHSA-1\"\n");
    let output = project.scan(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("customs.toml:2: `[[ignore]]` for `GHSA-1` needs a `reason`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn no_database_offline_says_what_to_do_and_online_imports_one_first() {
    let project = Project::new();
    npm_project(&project);
    let output = project.customs(&[
        "scan",
        "project",
        "--db",
        "none.sqlite",
        "--offline",
        "--no-registry",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("no advisory database at `none.sqlite`"),
        "{message}"
    );
    assert!(message.contains("customs db update"), "{message}");
    assert!(!project.root().join("none.sqlite").exists());

    // Without --offline it imports from the configured source first.
    let output = customs_in(
        &[
            "scan",
            "project",
            "--db",
            "fresh.sqlite",
            "--no-registry",
            "--format",
            "json",
        ],
        project.root(),
        &[("CUSTOMS_OSV_SOURCE", "osv")],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("importing it from osv"),
        "{}",
        stderr(&output)
    );
    assert_eq!(findings(&json(&output)).len(), 2);

    // A source that cannot be read: exit 2 and say so; never a clean result.
    let output = customs_in(
        &["scan", "project", "--db", "other.sqlite", "--no-registry"],
        project.root(),
        &[("CUSTOMS_OSV_SOURCE", "missing-mirror")],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot scan without advisories"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_ecosystem_without_data_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    advisory_mirror(&root.join("osv"));
    std::fs::remove_dir_all(root.join("osv/crates.io")).unwrap();
    let update = customs_in(
        &["db", "update", "--source", "osv", "--db", "partial.sqlite"],
        root,
        &[],
    );
    assert_eq!(
        update.status.code(),
        Some(2),
        "a missing ecosystem is reported by the update too"
    );
    write(
        root,
        "project/Cargo.lock",
        &cargo_lock(&[("serde", "1.0.0", true, &[])]),
    );
    let output = scan_offline_json(root, "partial.sqlite");
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    assert_eq!(
        findings(&document),
        ["deny advisories-missing unknown -@- -"]
    );
    assert!(
        stderr(&output).contains("no crates.io data"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn unreadable_lockfiles_exit_2_but_findings_are_still_reported() {
    let project = Project::new();
    npm_project(&project);
    project.write("broken/Cargo.lock", "version = 4\n[[package]\n");
    let output = project.scan(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    assert_eq!(findings(&document).len(), 2);
    assert_eq!(document["errors"][0]["path"], "broken/Cargo.lock");
}

#[test]
fn every_format_renders() {
    let project = Project::new();
    npm_project(&project);
    let sarif = project.scan(&["--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(1));
    let sarif = json(&sarif);
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "package-lock.json"
    );
    let markdown = stdout(&project.scan(&["--format", "markdown"]));
    assert!(markdown.contains("MAL-2025-0001"), "{markdown}");
    let table = stdout(&project.scan(&[]));
    assert!(
        table.contains("express@4.17.1"),
        "the dependency path is shown: {table}"
    );
    let written = project.scan(&["--format", "json", "--output", "report.json"]);
    assert!(written.stdout.is_empty());
    assert!(stderr(&written).contains("2 finding(s) fail the policy"));
    assert!(project.root().join("report.json").exists());
}

/// A CycloneDX SBOM (as trivy or syft would write it) of packages from all three ecosystems,
/// one a workspace package named like a malicious one.
const SBOM: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "metadata": {"component": {"bom-ref": "root", "type": "application", "name": "app"}},
  "components": [
    {"bom-ref": "express", "type": "library", "name": "express", "version": "4.17.1", "purl": "pkg:npm/express@4.17.1"},
    {"bom-ref": "qs", "type": "library", "name": "qs", "version": "6.7.0", "purl": "pkg:npm/qs@6.7.0"},
    {"bom-ref": "django", "type": "library", "name": "Django", "version": "4.1", "purl": "pkg:pypi/django@4.1"},
    {"bom-ref": "smallvec", "type": "library", "name": "smallvec", "version": "1.0.0", "purl": "pkg:cargo/smallvec@1.0.0"},
    {"bom-ref": "evil", "type": "library", "name": "evil-pkg", "version": "1.0.0", "purl": "pkg:npm/evil-pkg@1.0.0",
     "properties": [{"name": "customs:source", "value": "workspace:packages/evil-pkg"}]}
  ],
  "dependencies": [
    {"ref": "root", "dependsOn": ["express", "django", "smallvec"]},
    {"ref": "express", "dependsOn": ["qs"]}
  ]
}"#;

#[test]
fn an_sbom_is_scanned_like_lockfiles() {
    let project = Project::new();
    project.write("dist/app.cdx.json", SBOM);
    let output = project.scan(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(
        findings(&document),
        [
            "deny vulnerability critical smallvec@1.0.0 RUSTSEC-2023-0001",
            "deny vulnerability high qs@6.7.0 GHSA-hrpp-h998-j3pp",
            "warn vulnerability unknown django@4.1 PYSEC-2024-1",
        ],
        "the workspace package named evil-pkg is the project's own, never a match"
    );
    let qs = &document["findings"][1];
    assert_eq!(
        qs["dependency_path"],
        serde_json::json!(["express@4.17.1", "qs@6.7.0"])
    );
    assert_eq!(qs["locations"][0]["path"], "dist/app.cdx.json");
    assert_eq!(qs["locations"][0]["line"], 7);
    assert_eq!(document["summary"]["lockfiles"], 1);

    // Named explicitly, under any name.
    project.write("upload.json", SBOM);
    let output = project.customs(&[
        "scan",
        "project/upload.json",
        "--db",
        "advisories.sqlite",
        "--offline",
        "--no-registry",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(findings(&json(&output)).len(), 3);
}

#[test]
fn a_malformed_sbom_exits_2_and_the_rest_is_still_scanned() {
    let project = Project::new();
    npm_project(&project);
    project.write(
        "sbom/bom.xml",
        "<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">\n<components>\n<component type=\"library\">\n</components>\n</bom>\n",
    );
    let output = project.scan(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(findings(&document).len(), 2);
    assert_eq!(document["errors"][0]["path"], "sbom/bom.xml");
    assert_eq!(document["errors"][0]["line"], 5);
    assert_eq!(
        document["errors"][0]["message"],
        "invalid CycloneDX XML: ill-formed document: expected `</component>`, but `</components>` was found"
    );
}

#[test]
fn names_that_imitate_popular_ones_are_reported_with_what_they_imitate() {
    let project = Project::new();
    project.write(
        "package-lock.json",
        &package_lock(&[
            ("node_modules/express", "express", "4.17.1"),
            ("node_modules/loadsh", "loadsh", "1.0.0"),
            ("node_modules/crossenv", "crossenv", "1.0.0"),
        ]),
    );
    let output = project.scan(&["--format", "json"]);
    // A typosquat warns by default; `[levels] typosquat = "deny"` makes it fail the run.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = json(&output);
    let typosquats: Vec<String> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "typosquat")
        .map(|f| {
            format!(
                "{} {} {} {}",
                f["package"]["name"].as_str().unwrap(),
                f["typosquat"]["imitates"].as_str().unwrap(),
                f["typosquat"]["technique"].as_str().unwrap(),
                f["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        typosquats,
        [
            "crossenv cross-env separator warn",
            "loadsh lodash transposition warn"
        ]
    );
    let score = document["findings"][0]["typosquat"]["score"]
        .as_f64()
        .unwrap();
    assert!((0.5..=1.0).contains(&score), "{score}");
    // The popular package itself and the other findings' packages are not flagged.
    assert!(!typosquats.iter().any(|t| t.starts_with("express")));

    // The verdicts are kept: a second scan reads them and reports the same.
    assert!(project.root().join("popular/verdicts.sqlite").is_file());
    let again = json(&project.scan(&["--format", "json"]));
    assert_eq!(again["findings"], document["findings"]);

    project.write("customs.toml", "[levels]\ntyposquat = \"deny\"\n");
    let output = project.scan(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let table = stdout(&output);
    assert!(table.contains("imitates lodash"), "{table}");

    // New lists make the kept verdicts stale: without `lodash` on the list, `loadsh` imitates
    // nothing.
    let list = project.root().join("osv/npm.csv");
    let text = std::fs::read_to_string(&list)
        .unwrap()
        .replace("lodash,1\n", "");
    std::fs::write(&list, text).unwrap();
    let update = project.customs(&[
        "db",
        "update",
        "--source",
        "osv",
        "--db",
        "advisories.sqlite",
    ]);
    assert!(update.status.success(), "{}", stderr(&update));
    let output = project.scan(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let table = stdout(&output);
    assert!(!table.contains("imitates lodash"), "{table}");
    assert!(table.contains("imitates cross-env"), "{table}");
}

#[test]
fn without_popular_names_the_typosquat_check_says_it_did_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    advisory_mirror(&root.join("osv"));
    for file in ["npm.csv", "pypi.csv", "crates.csv"] {
        std::fs::remove_file(root.join("osv").join(file)).unwrap();
    }
    let update = customs_in(
        &["db", "update", "--source", "osv", "--db", "bare.sqlite"],
        root,
        &[],
    );
    assert_eq!(update.status.code(), Some(0), "{}", stderr(&update));
    assert!(
        stderr(&update).contains("no popular-name list for npm, PyPI, crates.io"),
        "{}",
        stderr(&update)
    );
    // An explicit source without any list is an error, and changes nothing.
    let explicit = customs_in(
        &[
            "db",
            "update",
            "--source",
            "osv",
            "--popular-source",
            "osv",
            "--db",
            "bare.sqlite",
        ],
        root,
        &[],
    );
    assert_eq!(explicit.status.code(), Some(2));
    assert!(
        stderr(&explicit).contains("gave none of the popular-name lists"),
        "{}",
        stderr(&explicit)
    );
    write(
        root,
        "project/Cargo.lock",
        &cargo_lock(&[("serde", "1.0.0", true, &[])]),
    );
    let output = scan_offline_json(root, "bare.sqlite");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        findings(&json(&output)),
        ["warn typosquat-unchecked unknown -@- -"]
    );
}

#[test]
fn check_vets_names_before_they_are_installed() {
    let project = Project::new();
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--db", "advisories.sqlite", "--no-registry"];
        all.extend_from_slice(args);
        project.customs(&all)
    };
    let output = check(&["lodash", "left-pad", "--ecosystem", "npm"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output), @r"
    lodash    popular    npm rank 1
    left-pad  ok         no resemblance to a popular name, no advisory
    ");

    let output = check(&[
        "loadsh",
        "evil-pkg",
        "--ecosystem",
        "npm",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["schema_version"], 1);
    assert_eq!(document["names"][0]["verdict"], "typosquat");
    assert_eq!(document["names"][0]["typosquat"]["target"], "lodash");
    assert_eq!(
        document["names"][0]["typosquat"]["technique"],
        "transposition"
    );
    assert_eq!(document["names"][1]["verdict"], "malicious");
    assert_eq!(document["names"][1]["malicious"][0], "MAL-2025-0001");

    let output = check(&["reqeusts", "--ecosystem", "pypi"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("may imitate `requests`"),
        "{}",
        stdout(&output)
    );

    // Names are normalised by their registry's rules: `serde-json` is the crate `serde_json`.
    let output = check(&["serde-json", "--ecosystem", "crates"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    let output = check(&["bad name", "--ecosystem", "npm"]);
    assert_eq!(output.status.code(), Some(2));
    let output = check(&["lodash", "--ecosystem", "maven"]);
    assert_eq!(output.status.code(), Some(2));
    std::fs::remove_file(project.root().join("popular/npm.csv")).unwrap();
    let output = check(&["lodash", "--ecosystem", "npm"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no list of popular npm names"),
        "{}",
        stderr(&output)
    );
}
