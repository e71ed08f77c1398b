//! `customs sbom` end to end: the real binary on lockfiles written into a temporary directory,
//! with the fake advisory database of the scan tests for `--with-vulnerabilities`.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{
    advisory_mirror, cargo_lock, customs_in, json, stderr, stdout, write, write_osv_export,
};
use serde_json::Value;

const EPOCH: (&str, &str) = ("SOURCE_DATE_EPOCH", "1700000000");

fn customs(args: &[&str], cwd: &Path) -> Output {
    customs_in(args, cwd, &[EPOCH])
}

/// (install path, name, version) under a root `app` that depends on every top-level package.
fn package_lock(packages: &[(&str, &str, &str)]) -> String {
    named_package_lock("app", packages)
}

fn named_package_lock(project: &str, packages: &[(&str, &str, &str)]) -> String {
    let top: Vec<String> = packages
        .iter()
        .filter(|(path, _, _)| path.matches("node_modules/").count() == 1)
        .map(|(_, name, _)| format!(r#""{name}": "*""#))
        .collect();
    let mut entries = vec![format!(
        r#""": {{"name": "{project}", "version": "1.0.0", "dependencies": {{{}}}}}"#,
        top.join(", ")
    )];
    for (path, name, version) in packages {
        entries.push(format!(
            r#""{path}": {{"name": "{name}", "version": "{version}", "license": "MIT",
                "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz",
                "integrity": "sha1-2jmouXVaDmtE1QLWbqa2EgLLvVg="}}"#
        ));
    }
    format!(
        r#"{{"name": "{project}", "lockfileVersion": 3, "packages": {{{}}}}}"#,
        entries.join(",\n")
    )
}

/// A project with an npm and a Rust lockfile and a requirements file.
fn project(root: &Path) {
    write(
        root,
        "web/package-lock.json",
        &package_lock(&[
            ("node_modules/qs", "qs", "6.7.0"),
            ("node_modules/evil-pkg", "evil-pkg", "1.0.0"),
            ("node_modules/left-pad", "left-pad", "1.3.0"),
        ]),
    );
    write(
        root,
        "Cargo.lock",
        &cargo_lock(&[
            ("app", "0.1.0", false, &["smallvec", "paste"]),
            ("smallvec", "1.6.0", true, &[]),
            ("paste", "1.0.15", true, &[]),
        ]),
    );
    write(root, "requirements.txt", "django==4.1.0\n");
}

fn component_refs(document: &Value) -> Vec<String> {
    document["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["bom-ref"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn identical_bytes_across_runs_with_source_date_epoch() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    for format in ["cyclonedx-json", "cyclonedx-xml", "spdx-json"] {
        let first = customs(&["sbom", "--format", format], root);
        assert!(first.status.success(), "{format}: {}", stderr(&first));
        let second = customs(&["sbom", "--format", format], root);
        assert_eq!(first.stdout, second.stdout, "{format}: byte-identical");
        let text = stdout(&first);
        assert!(
            text.contains("2023-11-14T22:13:20Z"),
            "{format}: the time from SOURCE_DATE_EPOCH"
        );
        // Another time is another document, with another serial.
        let later = customs_in(
            &["sbom", "--format", format],
            root,
            &[("SOURCE_DATE_EPOCH", "1700000060")],
        );
        assert_ne!(first.stdout, later.stdout);
        // --timestamp wins over SOURCE_DATE_EPOCH.
        let flagged = customs(
            &[
                "sbom",
                "--format",
                format,
                "--timestamp",
                "2026-01-31T12:00:00Z",
            ],
            root,
        );
        assert!(
            stdout(&flagged).contains("2026-01-31T12:00:00Z"),
            "{format}"
        );
    }
}

#[test]
fn several_lockfiles_in_one_sbom_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    // A second npm project sharing a package with the first.
    write(
        root,
        "admin/package-lock.json",
        &named_package_lock("admin", &[("node_modules/left-pad", "left-pad", "1.3.0")]),
    );
    let output = customs(&["sbom", ".", "--output", "bom.json"], root);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(output.stdout.is_empty());
    let document: Value =
        serde_json::from_slice(&std::fs::read(root.join("bom.json")).unwrap()).unwrap();
    assert_eq!(document["specVersion"], "1.6");
    assert_eq!(document["metadata"]["component"]["bom-ref"], "root");
    insta::assert_snapshot!(component_refs(&document).join("\n"), @r"
    local:pkg:cargo/app@0.1.0
    local:pkg:npm/admin@1.0.0#admin
    local:pkg:npm/app@1.0.0#web
    pkg:cargo/paste@1.0.15
    pkg:cargo/smallvec@1.6.0
    pkg:npm/evil-pkg@1.0.0
    pkg:npm/left-pad@1.3.0
    pkg:npm/qs@6.7.0
    pkg:pypi/django@4.1.0
    ");
    let left_pad = document["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "left-pad")
        .unwrap();
    let locations: Vec<&str> = left_pad["properties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == "customs:location")
        .map(|p| p["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        locations.len(),
        2,
        "one component, both locations: {locations:?}"
    );
}

#[test]
fn the_root_package_of_a_single_lockfile_describes_the_project() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "package-lock.json",
        &package_lock(&[("node_modules/qs", "qs", "6.7.0")]),
    );
    let output = customs(
        &[
            "sbom",
            "--format",
            "cyclonedx-json",
            "--spec-version",
            "1.5",
        ],
        root,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["specVersion"], "1.5");
    let component = &document["metadata"]["component"];
    assert_eq!(component["purl"], "pkg:npm/app@1.0.0");
    assert_eq!(component["bom-ref"], "local:pkg:npm/app@1.0.0#.");
    assert_eq!(component_refs(&document), ["pkg:npm/qs@6.7.0"]);
    assert_eq!(
        document["dependencies"],
        serde_json::json!([
            {"ref": "local:pkg:npm/app@1.0.0#.", "dependsOn": ["pkg:npm/qs@6.7.0"]},
            {"ref": "pkg:npm/qs@6.7.0"},
        ])
    );
    let output = customs(
        &["sbom", "--format", "spdx-json", "--spec-version", "2.3"],
        root,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["spdxVersion"], "SPDX-2.3");
    assert_eq!(
        document["creationInfo"]["creators"][0],
        format!("Tool: customs-{}", env!("CARGO_PKG_VERSION"))
    );
    let xml = customs(&["sbom", "-f", "cyclonedx-xml"], root);
    assert!(stdout(&xml).contains(r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.6""#));
}

/// A database imported from the scan tests' mirror, beside the project.
fn database(root: &Path) {
    advisory_mirror(&root.join("osv"));
    let output = customs_in(
        &[
            "db",
            "update",
            "--source",
            "osv",
            "--db",
            "advisories.sqlite",
        ],
        root,
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn vulnerabilities_come_from_the_scan_check_with_ignores_as_analysis() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    database(root);
    project(&root.join("project"));
    write(
        root,
        "project/customs.toml",
        "[[ignore]]\nid = \"RUSTSEC-2023-0001\"\nreason = \"smallvec is only used in tests\"\n",
    );
    let args = [
        "sbom",
        "project",
        "--with-vulnerabilities",
        "--db",
        "advisories.sqlite",
        "--offline",
    ];
    let output = customs(&args, root);
    // Findings that fail the scan's policy do not fail the SBOM.
    assert!(output.status.success(), "{}", stderr(&output));
    let document = json(&output);
    let summary: Vec<String> = document["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let affects: Vec<&str> = v["affects"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["ref"].as_str().unwrap())
                .collect();
            format!(
                "{} {} {} [{}] {}",
                v["id"].as_str().unwrap(),
                v["ratings"][0]["severity"].as_str().unwrap(),
                v["properties"][0]["value"].as_str().unwrap(),
                affects.join(", "),
                v["analysis"]["detail"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    insta::assert_snapshot!(summary.join("\n"), @r"
    GHSA-hrpp-h998-j3pp high vulnerability [pkg:npm/qs@6.7.0] -
    MAL-2025-0001 critical malicious [pkg:npm/evil-pkg@1.0.0] -
    PYSEC-2024-1 unknown vulnerability [pkg:pypi/django@4.1.0] -
    RUSTSEC-2023-0001 critical vulnerability [pkg:cargo/smallvec@1.6.0] smallvec is only used in tests
    RUSTSEC-2024-0436 unknown unmaintained [pkg:cargo/paste@1.0.15] -
    ");
    let qs = &document["vulnerabilities"][0];
    assert_eq!(qs["references"][0]["id"], "CVE-2022-24999");
    assert_eq!(qs["ratings"][0]["method"], "CVSSv31");
    assert_eq!(qs["ratings"][0]["score"], 7.5);
    assert_eq!(qs["recommendation"], "Upgrade qs to 6.7.3 or later.");
    assert_eq!(
        qs["advisories"][0]["url"],
        "https://github.com/advisories/GHSA-hrpp-h998-j3pp"
    );
    assert_eq!(
        document["vulnerabilities"][3]["analysis"]["response"],
        serde_json::json!(["will_not_fix"])
    );

    let xml = customs(&[&args[..], &["--format", "cyclonedx-xml"]].concat(), root);
    assert!(xml.status.success(), "{}", stderr(&xml));
    assert!(stdout(&xml).contains("<id>MAL-2025-0001</id>"));
}

#[test]
fn vulnerabilities_without_a_database_offline_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    let output = customs(
        &[
            "sbom",
            "--with-vulnerabilities",
            "--db",
            "none.sqlite",
            "--offline",
        ],
        root,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no advisory database"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn an_ecosystem_without_advisories_fails_the_run_but_not_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A mirror with npm only: crates.io and PyPI have no data.
    write_osv_export(&root.join("osv"), "npm", &[]);
    let _ = customs_in(
        &[
            "db",
            "update",
            "--source",
            "osv",
            "--db",
            "advisories.sqlite",
        ],
        root,
        &[],
    );
    project(&root.join("project"));
    let output = customs(
        &[
            "sbom",
            "project",
            "--with-vulnerabilities",
            "--db",
            "advisories.sqlite",
            "--offline",
        ],
        root,
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("crates.io"), "{}", stderr(&output));
    assert_eq!(json(&output)["bomFormat"], "CycloneDX");
}

#[test]
fn an_unreadable_lockfile_is_reported_and_the_rest_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    write(root, "broken/package-lock.json", "{ not json");
    let output = customs(&["sbom"], root);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("broken/package-lock.json"),
        "{}",
        stderr(&output)
    );
    assert!(component_refs(&json(&output)).contains(&"pkg:npm/qs@6.7.0".to_owned()));
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root);
    for (args, env, message) in [
        (
            &["sbom", "--format", "yaml"][..],
            None,
            "invalid value 'yaml'",
        ),
        (
            &["sbom", "--spec-version", "1.4"],
            None,
            "--spec-version 1.4: CycloneDX is written in version 1.6 or 1.5",
        ),
        (
            &["sbom", "--format", "spdx-json", "--spec-version", "1.6"],
            None,
            "spdx-json is written in SPDX 2.3 only",
        ),
        (
            &["sbom", "--timestamp", "yesterday"],
            None,
            "--timestamp `yesterday`",
        ),
        (&["sbom", "--timestamp=-5"], None, "--timestamp `-5`"),
        (&["sbom"], Some("soon"), "SOURCE_DATE_EPOCH `soon`"),
        (
            &["sbom", "--format", "spdx-json", "--with-vulnerabilities"],
            None,
            "--with-vulnerabilities needs a CycloneDX format",
        ),
    ] {
        let env: Vec<(&str, &str)> = env.map(|v| ("SOURCE_DATE_EPOCH", v)).into_iter().collect();
        let output = customs_in(args, root, &env);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}: nothing written");
    }
}
