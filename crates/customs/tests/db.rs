//! `customs db update` and `customs db status` end to end: a real binary on exports written into
//! a temporary directory.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{customs_in, popular_mirror, stderr, stdout, write_osv_export};
use serde_json::Value;

fn customs(args: &[&str], env: &[(&str, &str)]) -> Output {
    customs_in(args, Path::new("."), env)
}

/// An export of simple records that affect every version of `name`.
fn write_export(root: &Path, ecosystem: &str, records: &[(&str, &str)]) {
    let records: Vec<String> = records
        .iter()
        .map(|(id, name)| {
            let informational = if id.starts_with("RUSTSEC-2025-0002") {
                r#", "database_specific": {"informational": "unmaintained"}"#
            } else {
                ""
            };
            format!(
                r#"{{"id": "{id}", "modified": "2025-01-01T00:00:00Z",
                "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
                   "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}]}}]{informational}}}]}}"#
            )
        })
        .collect();
    write_osv_export(root, ecosystem, &records);
}

fn write_source(root: &Path) {
    popular_mirror(root);
    write_export(
        root,
        "npm",
        &[("MAL-2025-1", "evil-pkg"), ("MAL-2025-2", "other")],
    );
    write_export(root, "PyPI", &[("PYSEC-2025-1", "Django")]);
    write_export(
        root,
        "crates.io",
        &[
            ("RUSTSEC-2025-0001", "serde_json"),
            ("RUSTSEC-2025-0002", "old-crate"),
        ],
    );
}

/// The output with the temporary directory and the elapsed time made stable.
fn stable(text: &str, temp: &Path) -> String {
    let text = text.replace(&temp.display().to_string(), "[TEMP]");
    let mut out = String::new();
    for line in text.lines() {
        let line = match line.find(" in ").zip(line.find(" s: ")) {
            Some((start, end)) if start < end => {
                format!("{} in [TIME]{}", &line[..start], &line[end + 2..])
            }
            _ => line.to_owned(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn update_then_status() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_source(&source);
    let db = temp.path().join("advisories.sqlite");
    let (source, db) = (source.to_str().unwrap(), db.to_str().unwrap());

    let output = customs(&["db", "update", "--source", source, "--db", db], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    // No progress bar when standard error is not a terminal.
    assert_eq!(stderr(&output), "");
    insta::assert_snapshot!(stable(&stdout(&output), temp.path()), @"
    Updated the advisory database `[TEMP]/advisories.sqlite` from [TEMP]/osv in [TIME]: 5 advisories.
      npm        2 malicious  (read 1 kB)
      PyPI       1 vulnerability  (read 1 kB)
      crates.io  1 vulnerability, 1 unmaintained  (read 1 kB)
    The popular-name lists in `[TEMP]/popular`:
      npm        6 names
      PyPI       4 names
      crates.io  5 names
    ");

    let output = customs(&["db", "update", "--source", source, "--db", db], &[]);
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(stable(&stdout(&output), temp.path()), @"
    The advisory database `[TEMP]/advisories.sqlite` is up to date with [TEMP]/osv (5 advisories).
      npm        2 malicious  (unchanged)
      PyPI       1 vulnerability  (unchanged)
      crates.io  1 vulnerability, 1 unmaintained  (unchanged)
    The popular-name lists in `[TEMP]/popular`:
      npm        6 names
      PyPI       4 names
      crates.io  5 names
    ");

    let output = customs(&["db", "status", "--db", db], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let table = stdout(&output);
    let rows: Vec<&str> = table
        .lines()
        .skip(5)
        .filter(|l| !l.starts_with('─'))
        .collect();
    // The last column is the age of the fetch, which depends on the clock:
    // only its unit is fixed (the test runs in well under a minute).
    let rows: Vec<String> = rows
        .iter()
        .map(|row| {
            let words: Vec<&str> = row.split_whitespace().collect();
            match words.get(8..) {
                Some([count, "seconds" | "second", "ago"]) if count.parse::<u32>().is_ok() => {
                    format!("{} [AGE]", words[..8].join(" "))
                }
                _ => words.join(" "),
            }
        })
        .map(|row| row.replace(source, "[SOURCE]"))
        .map(|row| match row.strip_suffix(" seconds ago") {
            Some(rest) if row.contains(" fetched ") => format!(
                "{} [AGE]",
                rest.trim_end_matches(|c: char| c.is_ascii_digit())
                    .trim_end()
            ),
            _ => row,
        })
        .collect();
    assert_eq!(
        rows,
        [
            "ecosystem state vulnerabilities malicious unmaintained unsound notice withdrawn fetched",
            "npm imported 0 2 0 0 0 0 [AGE]",
            "PyPI imported 1 0 0 0 0 0 [AGE]",
            "crates.io imported 1 0 1 0 0 0 [AGE]",
            "",
            "popular-name lists (typosquat checks)",
            "npm 6 names from [SOURCE] fetched [AGE]",
            "PyPI 4 names from [SOURCE] fetched [AGE]",
            "crates.io 5 names from [SOURCE] fetched [AGE]",
        ]
    );
    assert!(table.starts_with(&format!("database  {db}\nsource    {source}\n")));

    let output = customs(&["db", "status", "--db", db, "--format", "json"], &[]);
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(
        json["database_schema_version"],
        customs_advisory::SCHEMA_VERSION
    );
    assert_eq!(json["stale"], false);
    assert_eq!(json["max_age_seconds"], 7 * 86_400);
    assert_eq!(json["source"], source);
    assert_eq!(json["ecosystems"][2]["ecosystem"], "crates.io");
    assert_eq!(json["ecosystems"][2]["counts"]["unmaintained"], 1);
    assert_eq!(json["ecosystems"][0]["counts"]["malicious"], 2);
    assert_eq!(json["popular_lists"]["crates.io"]["names"], 5);
    assert_eq!(json["popular_lists"]["npm"]["source"], source);
    assert_eq!(
        json["ecosystems"][0]["content_hash"]
            .as_str()
            .unwrap()
            .len(),
        64
    );

    // Older than the allowed age: a warning and exit 1.
    let output = customs(&["db", "status", "--db", db, "--max-age", "0s"], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).starts_with("customs: warning: the advisory database was last updated"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).ends_with("run `customs db update`\n"));
}

#[test]
fn environment_variables_name_the_database_and_the_source() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_source(&source);
    let db = temp.path().join("nested/dir/advisories.sqlite");
    let env = [
        ("CUSTOMS_DB", db.to_str().unwrap()),
        ("CUSTOMS_OSV_SOURCE", source.to_str().unwrap()),
    ];
    let output = customs(&["db", "update"], &env);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(db.is_file());
    let output = customs(&["db", "status", "--format", "json"], &env);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn a_missing_ecosystem_updates_the_rest_and_exits_2() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_source(&source);
    fs::remove_dir_all(source.join("npm")).unwrap();
    let db = temp.path().join("advisories.sqlite");
    let (source, db) = (source.to_str().unwrap(), db.to_str().unwrap());
    let output = customs(&["db", "update", "--source", source, "--db", db], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).contains("  npm        no advisories  (missing at the source)\n"));
    assert_eq!(
        stable(&stderr(&output), temp.path()),
        "customs: warning: no npm advisories at the source (`[TEMP]/osv/npm/all.zip` does not exist): npm packages cannot be checked\n"
    );
    let output = customs(&["db", "status", "--db", db], &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains(" npm         missing "));
    assert!(
        stderr(&output).contains("the advisory database has no npm advisories"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_failed_update_says_the_database_is_unchanged() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_source(&source);
    let db = temp.path().join("advisories.sqlite");
    let (source_arg, db_arg) = (source.to_str().unwrap(), db.to_str().unwrap());
    let output = customs(
        &["db", "update", "--source", source_arg, "--db", db_arg],
        &[],
    );
    assert_eq!(output.status.code(), Some(0));
    fs::write(source.join("PyPI/all.zip"), b"not a zip").unwrap();
    let output = customs(
        &["db", "update", "--source", source_arg, "--db", db_arg],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stable(&stderr(&output), temp.path()),
        "customs: error: the advisory database was not updated; `[TEMP]/advisories.sqlite` is unchanged: cannot import the PyPI advisories: `[TEMP]/osv/PyPI/all.zip` is not a readable zip archive: invalid Zip archive: Could not find EOCD\n"
    );
    let output = customs(&["db", "status", "--db", db_arg], &[]);
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn errors_say_what_to_run() {
    let temp = tempfile::tempdir().unwrap();
    let db = temp.path().join("absent.sqlite");
    let output = customs(&["db", "status", "--db", db.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stable(&stderr(&output), temp.path()),
        "customs: error: no advisory database at `[TEMP]/absent.sqlite`: run `customs db update`\n"
    );
    let output = customs(
        &[
            "db",
            "update",
            "--db",
            db.to_str().unwrap(),
            "--source",
            "ftp://mirror.example/osv",
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unsupported advisory source `ftp://mirror.example/osv`"));
    let output = customs(&["db", "status", "--db", "x", "--max-age", "soon"], &[]);
    assert_eq!(output.status.code(), Some(2), "clap's usage error");
}

#[test]
fn help_documents_the_exit_status() {
    let output = customs(&["db", "status", "--help"], &[]);
    let help = stdout(&output);
    assert!(help.contains("1 when it is older than --max-age"), "{help}");
    assert!(help.contains("[default: 7d]"));
    assert!(help.contains("[env: CUSTOMS_DB=]"));
    let output = customs(&["db", "update", "--help"], &[]);
    let help = stdout(&output);
    assert!(help.contains("2 when the update failed"), "{help}");
    assert!(help.contains("[env: CUSTOMS_OSV_SOURCE=]"));
    assert!(help.contains("https://osv-vulnerabilities.storage.googleapis.com"));
}

#[test]
fn popular_lists_from_their_origins_say_which_could_not_be_fetched() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_source(&source);
    let db = temp.path().join("advisories.sqlite");
    // Nothing listens on this port: every origin fails to connect.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/", listener.local_addr().unwrap())
    };
    let crates_api = format!("{closed}api/v1/");
    let pypi = format!("{closed}top-pypi-packages.min.json");
    let env = [
        ("npm_config_registry", closed.as_str()),
        ("CUSTOMS_POPULAR_PYPI_URL", pypi.as_str()),
        ("CUSTOMS_POPULAR_CRATES_API", crates_api.as_str()),
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "127.0.0.1"),
        ("HOME", temp.path().to_str().unwrap()),
    ];
    let args = [
        "db",
        "update",
        "--source",
        source.to_str().unwrap(),
        "--popular-source",
        "upstream",
        "--db",
        db.to_str().unwrap(),
    ];
    let output = customs(&args, &env);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let errors = stderr(&output);
    for ecosystem in ["npm", "PyPI", "crates.io"] {
        assert!(
            errors.contains(&format!("no popular {ecosystem} names (")),
            "{errors}"
        );
    }
    assert!(
        errors.contains("their public origins gave none of the popular-name lists"),
        "{errors}"
    );
    // The advisories were updated all the same.
    assert!(
        stdout(&output).contains("5 advisories"),
        "{}",
        stdout(&output)
    );
}
