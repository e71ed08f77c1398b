//! `customs inventory` end to end: a real binary on trees written into a temporary directory.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{cargo_lock, customs_in, json, write};
use serde_json::Value;

fn customs(args: &[&str], cwd: &Path) -> Output {
    customs_in(args, cwd, &[])
}

fn names(document: &Value) -> Vec<String> {
    document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}@{}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap_or("-")
            )
        })
        .collect()
}

#[test]
fn walks_respecting_gitignore_and_skipping_dependency_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let lock = cargo_lock(&[
        ("app", "0.1.0", false, &["libc"]),
        ("libc", "0.2.0", true, &[]),
    ]);
    write(root, "Cargo.lock", &lock);
    write(root, "node_modules/dep/Cargo.lock", &lock);
    write(root, "target/package/Cargo.lock", &lock);
    write(root, ".venv/Cargo.lock", &lock);
    write(root, "ignored/Cargo.lock", &lock);
    write(root, ".gitignore", "ignored/\n");
    write(root, "nested/deeper/Cargo.lock", &lock);

    let output = customs(&["inventory", "--format", "json"], root);
    assert!(output.status.success(), "{output:?}");
    let document = json(&output);
    assert_eq!(document["schema_version"], 1);
    let lockfiles: Vec<&str> = document["lockfiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(lockfiles, ["Cargo.lock", "nested/deeper/Cargo.lock"]);
}

#[test]
fn cargo_workspace_members_and_dev_scopes_come_from_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\n",
    );
    write(
        root,
        "crates/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\nserde = \"1\"\nhelper = { path = \"../../vendor/helper\" }\n[dev-dependencies]\ninsta = \"1\"\n",
    );
    write(
        root,
        "Cargo.lock",
        &cargo_lock(&[
            ("app", "0.1.0", false, &["helper", "insta", "serde"]),
            ("helper", "0.1.0", false, &["itoa"]),
            ("itoa", "1.0.0", true, &[]),
            ("insta", "1.0.0", true, &["similar"]),
            ("serde", "1.0.0", true, &[]),
            ("similar", "2.0.0", true, &[]),
        ]),
    );
    let document = json(&customs(&["inventory", "-f", "json"], root));
    let packages = document["packages"].as_array().unwrap();
    let find = |name: &str| packages.iter().find(|p| p["name"] == name).unwrap().clone();
    assert_eq!(
        find("app")["source"],
        serde_json::json!({"type": "workspace", "path": "crates/app"})
    );
    assert_eq!(find("app")["local"], true);
    assert_eq!(
        find("helper")["source"],
        serde_json::json!({"type": "path", "path": "vendor/helper"})
    );
    assert_eq!(
        (
            find("serde")["scope"].clone(),
            find("serde")["direct"].clone()
        ),
        ("prod".into(), true.into())
    );
    assert_eq!(
        (
            find("insta")["scope"].clone(),
            find("insta")["direct"].clone()
        ),
        ("dev".into(), true.into())
    );
    // Transitive: scope flows from what pulls it in.
    assert_eq!(
        (
            find("similar")["scope"].clone(),
            find("similar")["direct"].clone()
        ),
        ("dev".into(), false.into())
    );
    // A path dependency passes its declared scope on to what it pulls in.
    assert_eq!(find("itoa")["scope"], "prod");
    assert_eq!(find("serde")["purl"], "pkg:cargo/serde@1.0.0");
    assert_eq!(
        find("serde")["locations"][0],
        serde_json::json!({"path": "Cargo.lock", "line": 34})
    );
}

#[test]
fn a_bad_file_is_reported_and_the_others_still_are() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "good/Cargo.lock",
        &cargo_lock(&[("libc", "0.2.0", true, &[])]),
    );
    write(
        root,
        "bad/Cargo.lock",
        "version = 4\n[[package]]\nname = \"x\"\nversion = \n",
    );
    write(root, "future/Cargo.lock", "version = 7\n");

    let output = customs(&["inventory", "--format", "json"], root);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    assert_eq!(names(&document), ["libc@0.2.0"]);
    let errors = document["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["path"], "bad/Cargo.lock");
    assert_eq!(errors[0]["line"], 4);
    assert_eq!(errors[1]["path"], "future/Cargo.lock");
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("unsupported Cargo.lock version 7")
    );
    // Errors also reach a person watching the terminal.
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad/Cargo.lock:4"), "{stderr}");

    // The table lists them too, and the exit code is the same.
    let table = customs(&["inventory"], root);
    assert_eq!(table.status.code(), Some(2));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("1 file read, 1 package, 2 errors"), "{text}");
    assert!(
        text.contains("error: future/Cargo.lock:1: unsupported Cargo.lock version 7"),
        "{text}"
    );
}

#[test]
fn explicit_files_missing_paths_and_output_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // An explicit file with an unusual name is recognised by content.
    write(
        root,
        "fixtures/rust.lock",
        &cargo_lock(&[("libc", "0.2.0", true, &[])]),
    );
    write(root, "notes.txt", "These are my notes, not requirements.\n");
    // A requirements file under another name is read when it parses cleanly as one.
    write(
        root,
        "requirements/prod.txt",
        "# pinned\nrequests==2.31.0\n",
    );
    let out = root.join("inventory.json");
    let output = customs(
        &[
            "inventory",
            "fixtures/rust.lock",
            "notes.txt",
            "requirements/prod.txt",
            "missing",
            "-f",
            "json",
            "-o",
            out.to_str().unwrap(),
        ],
        root,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let document: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(names(&document), ["libc@0.2.0", "requests@2.31.0"]);
    assert_eq!(document["lockfiles"][0]["path"], "fixtures/rust.lock");
    assert_eq!(document["lockfiles"][1]["path"], "requirements/prod.txt");
    let errors: Vec<String> = document["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e["path"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with("missing: cannot read"), "{errors:?}");
    assert_eq!(
        errors[1],
        "notes.txt: not a lockfile or SBOM customs can read (by name or content)"
    );
}

#[test]
fn output_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for i in 0..8 {
        write(
            root,
            &format!("p{i}/Cargo.lock"),
            &cargo_lock(&[
                ("app", "0.1.0", false, &["b", "a"]),
                ("b", "1.0.0", true, &[]),
                ("a", "1.0.0", true, &[]),
            ]),
        );
    }
    let first = customs(&["inventory", "-f", "json"], root).stdout;
    for _ in 0..3 {
        assert_eq!(customs(&["inventory", "-f", "json"], root).stdout, first);
    }
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let version = customs(&["--version"], dir.path());
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("customs "));
    let help = customs(&["inventory", "--help"], dir.path());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--format"));
}

fn find<'a>(document: &'a Value, name: &str) -> &'a Value {
    document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in inventory"))
}

#[test]
fn yarn_classic_takes_direct_and_dev_from_package_json() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "package.json",
        r#"{"name": "app", "dependencies": {"left-pad": "^1.3.0"}, "devDependencies": {"jest-ish": "^1.0.0"}}"#,
    );
    write(
        root,
        "yarn.lock",
        r#"# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


jest-ish@^1.0.0:
  version "1.0.0"
  resolved "https://registry.yarnpkg.com/jest-ish/-/jest-ish-1.0.0.tgz#0123456789abcdef0123456789abcdef01234567"
  dependencies:
    helper "^2.0.0"

helper@^2.0.0:
  version "2.1.0"
  resolved "https://registry.yarnpkg.com/helper/-/helper-2.1.0.tgz#0123456789abcdef0123456789abcdef01234567"

left-pad@^1.3.0:
  version "1.3.0"
  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz#0123456789abcdef0123456789abcdef01234567"
"#,
    );
    let document = json(&customs(&["inventory", "-f", "json"], root));
    let summary = |name: &str| {
        let p = find(&document, name);
        (
            p["scope"].as_str().map(str::to_owned),
            p["direct"].as_bool().unwrap(),
        )
    };
    assert_eq!(summary("left-pad"), (Some("prod".into()), true));
    assert_eq!(summary("jest-ish"), (Some("dev".into()), true));
    assert_eq!(summary("helper"), (Some("dev".into()), false));
    assert_eq!(
        find(&document, "helper")["integrity"][0]["algorithm"],
        "sha1"
    );
}

#[test]
fn poetry_takes_direct_from_pyproject_and_keeps_its_own_groups() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[tool.poetry]\nname = \"svc\"\nversion = \"0.1.0\"\n[tool.poetry.dependencies]\npython = \"^3.11\"\nDjango = \"^5\"\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n",
    );
    write(
        root,
        "poetry.lock",
        r#"[[package]]
name = "django"
version = "5.0.1"
description = ""
optional = false
python-versions = ">=3.10"
groups = ["main"]
files = []

[package.dependencies]
sqlparse = ">=0.3.1"

[[package]]
name = "sqlparse"
version = "0.4.4"
description = ""
optional = false
python-versions = ">=3.5"
groups = ["main"]
files = []

[[package]]
name = "pytest"
version = "8.0.0"
description = ""
optional = false
python-versions = ">=3.8"
groups = ["dev"]
files = []

[metadata]
lock-version = "2.1"
python-versions = "^3.11"
content-hash = "0"
"#,
    );
    let document = json(&customs(&["inventory", "-f", "json"], root));
    assert_eq!(document["lockfiles"][0]["format"], "poetry.lock 2.1");
    let summary = |name: &str| {
        let p = find(&document, name);
        (
            p["scope"].as_str().unwrap().to_owned(),
            p["direct"].as_bool().unwrap(),
        )
    };
    assert_eq!(summary("django"), ("prod".into(), true));
    assert_eq!(summary("sqlparse"), ("prod".into(), false));
    assert_eq!(summary("pytest"), ("dev".into(), true));
    assert_eq!(find(&document, "django")["purl"], "pkg:pypi/django@5.0.1");
}

#[test]
fn requirements_includes_cycles_constraints_and_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("project");
    write(
        &root,
        "requirements.txt",
        "-r requirements-base.txt\n-c constraints.txt\nflask\n-r ../outside.txt\n-r missing.txt\n",
    );
    write(
        &root,
        "requirements-base.txt",
        "-r requirements.txt\nrequests==2.31.0\n",
    );
    write(&root, "constraints.txt", "flask==3.0.0\nnumpy==1.26.0\n");
    write(dir.path(), "outside.txt", "secret-package==1.0\n");

    let output = customs(&["inventory", "requirements.txt", "-f", "json"], &root);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    // Included requirements join; constraints pin but add nothing; the file outside the root
    // is refused; the cycle back to requirements.txt is read once.
    assert_eq!(names(&document), ["flask@3.0.0", "requests@2.31.0"]);
    assert_eq!(
        find(&document, "requests")["locations"][0],
        serde_json::json!({"path": "requirements-base.txt", "line": 2})
    );
    let errors: Vec<String> = document["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["path"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("requirements.txt:4 included file `../outside.txt` is outside"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("requirements.txt:5 cannot read included file `missing.txt`"),
        "{errors:?}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("secret-package"));
}

#[test]
fn pnpm_workspaces_take_their_names_from_their_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pnpm-lock.yaml",
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pnpm-workspace-lock.yaml"),
        )
        .unwrap(),
    );
    write(
        root,
        "package.json",
        r#"{"name": "monorepo", "private": true}"#,
    );
    write(
        root,
        "packages/app/package.json",
        r#"{"name": "@acme/app", "version": "1.0.0"}"#,
    );
    let document = json(&customs(&["inventory", "-f", "json"], root));
    let app = find(&document, "@acme/app");
    assert_eq!(
        app["source"],
        serde_json::json!({"type": "workspace", "path": "packages/app"})
    );
    assert_eq!(
        app["dependencies"],
        serde_json::json!(["pkg:npm/%40denotest/esm-basic@1.0.0"])
    );
    let monorepo = find(&document, "monorepo");
    assert_eq!(monorepo["id"], "local:pkg:npm/monorepo#.");
    assert_eq!(
        monorepo["dependencies"],
        serde_json::json!(["pkg:npm/%40denotest/add@1.0.0"])
    );
    assert!(
        document["packages"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["name"] != ".")
    );
}

/// A CycloneDX JSON SBOM as syft writes it (compacted): npm and crates.io packages, and a graph.
const SYFT_CYCLONEDX: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "metadata": {"component": {"bom-ref": "ea77c67d616411d4", "type": "file", "name": "project"}},
  "components": [
    {"bom-ref": "pkg:npm/%40babel/code-frame@7.24.7?package-id=fa62", "type": "library", "name": "@babel/code-frame", "version": "7.24.7", "purl": "pkg:npm/%40babel/code-frame@7.24.7"},
    {"bom-ref": "pkg:npm/picocolors@1.0.1?package-id=0a11", "type": "library", "name": "picocolors", "version": "1.0.1", "purl": "pkg:npm/picocolors@1.0.1"},
    {"bom-ref": "pkg:cargo/serde_json@1.0.120?package-id=21ea", "type": "library", "name": "serde_json", "version": "1.0.120", "purl": "pkg:cargo/serde_json@1.0.120"},
    {"bom-ref": "pkg:cargo/itoa@1.0.11?package-id=0cfc", "type": "library", "name": "itoa", "version": "1.0.11", "purl": "pkg:cargo/itoa@1.0.11"}
  ],
  "dependencies": [
    {"ref": "pkg:npm/%40babel/code-frame@7.24.7?package-id=fa62", "dependsOn": ["pkg:npm/picocolors@1.0.1?package-id=0a11"]},
    {"ref": "pkg:cargo/serde_json@1.0.120?package-id=21ea", "dependsOn": ["pkg:cargo/itoa@1.0.11?package-id=0cfc"]}
  ]
}"#;

/// The same kind of document in SPDX, as `npm sbom` writes it.
const NPM_SPDX: &str = r#"{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "documentDescribes": ["SPDXRef-Package-web-1.0.0"],
  "packages": [
    {"name": "web", "SPDXID": "SPDXRef-Package-web-1.0.0", "versionInfo": "1.0.0", "downloadLocation": "NOASSERTION",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/web@1.0.0"}]},
    {"name": "left-pad", "SPDXID": "SPDXRef-Package-left-pad-1.3.0", "versionInfo": "1.3.0",
     "downloadLocation": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
     "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/left-pad@1.3.0"}]}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-DOCUMENT", "relatedSpdxElement": "SPDXRef-Package-web-1.0.0", "relationshipType": "DESCRIBES"},
    {"spdxElementId": "SPDXRef-Package-left-pad-1.3.0", "relatedSpdxElement": "SPDXRef-Package-web-1.0.0", "relationshipType": "DEV_DEPENDENCY_OF"}
  ]
}"#;

fn lockfiles(document: &Value) -> Vec<String> {
    document["lockfiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            format!(
                "{} {} {} {}",
                l["path"].as_str().unwrap(),
                l["format"].as_str().unwrap(),
                l["ecosystem"].as_str().unwrap(),
                l["packages"]
            )
        })
        .collect()
}

#[test]
fn sboms_are_found_by_name_and_read_by_content_when_named() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "dist/app.cdx.json", SYFT_CYCLONEDX);
    write(root, "dist/web.spdx.json", NPM_SPDX);
    write(
        root,
        "bom.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <components>
    <component type="library" bom-ref="requests">
      <name>requests</name>
      <version>2.31.0</version>
      <scope>required</scope>
      <purl>pkg:pypi/requests@2.31.0</purl>
    </component>
  </components>
</bom>
"#,
    );
    // Found on the walk by their conventional names.
    let output = customs(&["inventory", "--format", "json"], root);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document = json(&output);
    assert_eq!(
        lockfiles(&document),
        [
            "bom.xml CycloneDX 1.5 XML PyPI 1",
            "dist/app.cdx.json CycloneDX 1.6 JSON npm 2",
            "dist/app.cdx.json CycloneDX 1.6 JSON crates.io 2",
            "dist/web.spdx.json SPDX 2.3 JSON npm 2",
        ]
    );
    let mut found = names(&document);
    found.sort();
    assert_eq!(
        found,
        [
            "@babel/code-frame@7.24.7",
            "itoa@1.0.11",
            "left-pad@1.3.0",
            "picocolors@1.0.1",
            "requests@2.31.0",
            "serde_json@1.0.120",
            "web@1.0.0",
        ]
    );
    let frame = find(&document, "@babel/code-frame");
    assert_eq!(frame["dependencies"][0], "pkg:npm/picocolors@1.0.1");
    assert_eq!(frame["locations"][0]["path"], "dist/app.cdx.json");
    assert_eq!(frame["locations"][0]["line"], 6);
    let left_pad = find(&document, "left-pad");
    assert_eq!(left_pad["scope"], "dev");
    assert_eq!(left_pad["direct"], true);
    assert_eq!(
        left_pad["artifact_url"],
        "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"
    );
    assert_eq!(find(&document, "web")["local"], true);

    // The table says which ecosystem each part of an SBOM is, and counts the file once.
    let table = customs(&["inventory", "dist/app.cdx.json"], root);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("app.cdx.json (CycloneDX 1.6 JSON, npm, 2 packages)"),
        "{text}"
    );
    assert!(
        text.contains("app.cdx.json (CycloneDX 1.6 JSON, crates.io, 2 packages)"),
        "{text}"
    );
    assert!(text.contains("1 file read, 4 packages, 0 errors"), "{text}");

    // Named explicitly, an SBOM with any name is recognised by its content.
    write(root, "exports/inventory.json", SYFT_CYCLONEDX);
    write(root, "exports/sbom.txt", NPM_SPDX);
    let output = customs(
        &[
            "inventory",
            "exports/inventory.json",
            "exports/sbom.txt",
            "-f",
            "json",
        ],
        root,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        lockfiles(&json(&output)),
        [
            "exports/inventory.json CycloneDX 1.6 JSON npm 2",
            "exports/inventory.json CycloneDX 1.6 JSON crates.io 2",
            "exports/sbom.txt SPDX 2.3 JSON npm 2",
        ]
    );
}

#[test]
fn a_malformed_sbom_is_an_error_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "good/bom.json", SYFT_CYCLONEDX);
    write(
        root,
        "bad/bom.json",
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"components\": [\n    {\"name\": \"a\", \"purl\": \n",
    );
    write(
        root,
        "wrong/bom.json",
        "{\"bomFormat\": \"SPDX\", \"specVersion\": \"1.6\"}",
    );
    write(
        root,
        "parts/bom.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
  {"name": "ok", "purl": "pkg:npm/ok@1.0.0"},
  {"name": "broken", "purl": "pkg:npm"},
  {"name": "guava", "purl": "pkg:maven/com.google.guava/guava@33.0.0"}
]}"#,
    );
    let output = customs(&["inventory", "--format", "json"], root);
    assert_eq!(output.status.code(), Some(2));
    let document = json(&output);
    let errors: Vec<String> = document["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}:{} {}",
                e["path"].as_str().unwrap(),
                e["line"],
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "bad/bom.json:6 invalid CycloneDX JSON: EOF while parsing a value at line 6 column 0",
            "parts/bom.json:3 invalid package URL `pkg:npm`: missing type",
            "wrong/bom.json:1 not a CycloneDX BOM: bomFormat is \"SPDX\", expected \"CycloneDX\"",
        ]
    );
    let warnings: Vec<&str> = document["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        warnings,
        ["skipped 1 component not from npm, PyPI or crates.io (1 maven)"]
    );
    // What could be read still is.
    let mut found = names(&document);
    found.sort();
    assert_eq!(found.len(), 5, "{found:?}");
    assert!(found.contains(&"ok@1.0.0".to_owned()));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("customs: error: bad/bom.json:6: invalid CycloneDX JSON"),
        "{stderr}"
    );

    // Named explicitly under another name, the same error.
    write(
        root,
        "upload.json",
        "{\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"2.0\"}",
    );
    let output = customs(&["inventory", "upload.json"], root);
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "error: upload.json:2: unsupported CycloneDX specVersion `2.0` (customs reads 1.2 to 1.6)"
        ),
        "{text}"
    );
}
