//! Helpers shared by the binary's end-to-end tests: run the real `customs`, write trees and OSV
//! exports into temporary directories.

#![allow(
    dead_code,
    reason = "each test binary includes this module and uses a different part of it"
)]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// Runs `customs` in `cwd` with only the given customs environment variables set.
pub fn customs_in(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_customs"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("CUSTOMS_DB")
        .env_remove("CUSTOMS_OSV_SOURCE")
        .env_remove("CUSTOMS_POPULAR_SOURCE");
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run customs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `<root>/<ecosystem>/all.zip` holding each OSV record (JSON text) as `<id>.json`, the layout
/// of OSV's bulk export.
pub fn write_osv_export(root: &Path, ecosystem: &str, records: &[String]) {
    let dir = root.join(ecosystem);
    fs::create_dir_all(&dir).unwrap();
    let mut writer = ZipWriter::new(fs::File::create(dir.join("all.zip")).unwrap());
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for record in records {
        let id: Value = serde_json::from_str(record).unwrap();
        writer
            .start_file(format!("{}.json", id["id"].as_str().unwrap()), options)
            .unwrap();
        writer.write_all(record.as_bytes()).unwrap();
    }
    writer.finish().unwrap();
}

/// The fake advisory database of the end-to-end tests: an OSV mirror with a malicious npm package, an npm vulnerability known under three ids,
/// a PyPI vulnerability without severity, and RustSec vulnerability + informational records;
/// and the mirror's popular-name lists ([`popular_mirror`]).
pub fn advisory_mirror(root: &Path) {
    popular_mirror(root);
    write_osv_export(
        root,
        "npm",
        &[
            r#"{"id": "MAL-2025-0001", "summary": "Malicious code in evil-pkg (npm)",
                "affected": [{"package": {"ecosystem": "npm", "name": "evil-pkg"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#.into(),
            r#"{"id": "GHSA-hrpp-h998-j3pp", "aliases": ["CVE-2022-24999"], "summary": "qs vulnerable to Prototype Pollution",
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"}],
                "affected": [{"package": {"ecosystem": "npm", "name": "qs"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "6.7.0"}, {"fixed": "6.7.3"}]}]}],
                "references": [{"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-hrpp-h998-j3pp"}]}"#.into(),
            r#"{"id": "OSV-2022-qs", "aliases": ["CVE-2022-24999"], "summary": "the same issue, another database",
                "affected": [{"package": {"ecosystem": "npm", "name": "qs"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "6.7.3"}]}]}]}"#.into(),
            r#"{"id": "GHSA-old", "withdrawn": "2024-01-01T00:00:00Z",
                "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#.into(),
        ],
    );
    write_osv_export(
        root,
        "PyPI",
        &[r#"{"id": "PYSEC-2024-1", "summary": "Django SQL injection",
              "affected": [{"package": {"ecosystem": "PyPI", "name": "Django"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "4.0"}, {"fixed": "4.2.1"}]}]}]}"#
            .into()],
    );
    write_osv_export(
        root,
        "crates.io",
        &[
            r#"{"id": "RUSTSEC-2023-0001", "summary": "Buffer overflow",
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                "affected": [{"package": {"ecosystem": "crates.io", "name": "smallvec"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}, {"fixed": "1.6.1"}]}],
                  "database_specific": {"informational": null}}]}"#.into(),
            r#"{"id": "RUSTSEC-2024-0436", "summary": "paste - no longer maintained",
                "affected": [{"package": {"ecosystem": "crates.io", "name": "paste"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0.0.0-0"}]}],
                  "database_specific": {"informational": "unmaintained"}}]}"#.into(),
        ],
    );
}

/// The popular-name lists of the end-to-end tests (`npm.csv`, `pypi.csv`, `crates.csv` at
/// `root`, the layout of `--popular-source`): a few real popular names per ecosystem.
pub fn popular_mirror(root: &Path) {
    fs::create_dir_all(root).unwrap();
    let lists = [
        (
            "npm.csv",
            "name,rank\nlodash,1\nreact,2\nexpress,3\nchalk,4\ncross-env,5\n@types/node,6\n",
        ),
        (
            "pypi.csv",
            "name,downloads\nrequests,900\ndjango,800\ncolorama,700\npython-dateutil,600\n",
        ),
        (
            "crates.csv",
            "name,rank\nserde,1\ntokio,2\nserde_json,3\nrand,4\nrust_decimal,5\n",
        ),
    ];
    for (file, text) in lists {
        fs::write(root.join(file), text).unwrap();
    }
}

pub const SUM: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// A Cargo.lock v4: (name, version, from the registry, dependencies).
pub fn cargo_lock(packages: &[(&str, &str, bool, &[&str])]) -> String {
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

/// Imports [`advisory_mirror`] (with its popular-name lists) into `<root>/advisories.sqlite`
/// and returns that path.
pub fn advisory_db(root: &Path) -> String {
    advisory_mirror(&root.join("osv"));
    let db = root.join("advisories.sqlite");
    let db_text = db.to_string_lossy().into_owned();
    let source = root.join("osv").to_string_lossy().into_owned();
    let output = customs_in(
        &["db", "update", "--source", &source, "--db", &db_text],
        root,
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    db_text
}

/// Runs git in `dir` without the machine's user or system configuration (a global
/// `commit.gpgsign` would break the tests), as a fixed author.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "customs")
        .env("GIT_AUTHOR_EMAIL", "customs@example.com")
        .env("GIT_COMMITTER_NAME", "customs")
        .env("GIT_COMMITTER_EMAIL", "customs@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}
