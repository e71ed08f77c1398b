//! `customs inventory` end to end: a real binary on trees written into a temporary directory.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn customs(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_customs"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run customs")
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
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

const SUM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn cargo_lock(packages: &[(&str, &str, bool, &[&str])]) -> String {
    let mut text = String::from("version = 4\n");
    for (name, version, registry, deps) in packages {
        text.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\n"
        ));
        if *registry {
            text.push_str(&format!(
                "source = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{SUM}\"\n"
            ));
        }
        if !deps.is_empty() {
            let deps: Vec<String> = deps.iter().map(|d| format!(" \"{d}\",")).collect();
            text.push_str(&format!("dependencies = [\n{}\n]\n", deps.join("\n")));
        }
    }
    text
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
            ("helper", "0.1.0", false, &[]),
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
    assert_eq!(find("serde")["purl"], "pkg:cargo/serde@1.0.0");
    assert_eq!(
        find("serde")["locations"][0],
        serde_json::json!({"path": "Cargo.lock", "line": 25})
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
        "notes.txt: not a lockfile customs can read (by name or content)"
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
