//! The advisory database end to end: exports written in the test, imported from a directory, a
//! `file://` URL and an HTTP server on loopback; lookups, status, atomic swaps and hostile zips.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

mod common;

use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use common::{Served, Server, record, rustsec, withdrawn, write_export, write_zip, zip_bytes};
use customs_advisory::{
    AdvisoryKind, FetchOutcome, ImportError, Limits, NoProgress, Progress, ProgressEvent, Source,
    SourceError, SourceState, Store, StoreError, UpdateError, UpdateOptions, UpdateReport, update,
};
use customs_core::{Ecosystem, PackageName};

/// A record in the npm export that also names a PyPI package: OSV puts such a record in both
/// ecosystems' exports.
fn shared_record() -> String {
    r#"{"id": "GHSA-both", "modified": "2025-03-01T00:00:00Z", "summary": "Both ecosystems",
        "affected": [
          {"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.0"]},
          {"package": {"ecosystem": "PyPI", "name": "Left.Pad"}, "versions": ["1.0"]},
          {"package": {"ecosystem": "npm", "name": "left-pad"}, "versions": ["1.0.1"]}]}"#
        .to_owned()
}

/// Exports for all three ecosystems, with withdrawn, duplicate, invalid and foreign members.
fn write_fixture(root: &Path) {
    let npm = [
        record("MAL-2025-1", "npm", "evil-pkg", ""),
        record("MAL-2025-2", "npm", "JSONStream", ""),
        withdrawn("MAL-2025-3", "npm", "was-evil"),
        shared_record(),
    ];
    let mut npm_members: Vec<(String, Vec<u8>)> = npm
        .iter()
        .map(|r| {
            let id = serde_json::from_str::<serde_json::Value>(r).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned();
            (format!("{id}.json"), r.clone().into_bytes())
        })
        .collect();
    npm_members.push(("MAL-2025-4.json".into(), b"{not json".to_vec()));
    npm_members.push((
        "MAL-2025-5.json".into(),
        br#"{"summary": "no id"}"#.to_vec(),
    ));
    npm_members.push(("README.txt".into(), b"not a record".to_vec()));
    npm_members.push((
        "GO-2025-1.json".into(),
        record("GO-2025-1", "Go", "example.com/x", "").into_bytes(),
    ));
    let members: Vec<(&str, &[u8])> = npm_members
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    write_zip(root, "npm", &zip_bytes(&members));
    write_export(
        root,
        "PyPI",
        &[
            record("PYSEC-2025-1", "PyPI", "Django", ""),
            record(
                "PYSEC-2025-2",
                "PyPI",
                "django",
                r#""aliases": ["CVE-2025-2"], "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]"#,
            ),
            record("MAL-2025-9", "PyPI", "reqeusts", ""),
            withdrawn("PYSEC-2025-3", "PyPI", "django"),
            // The same record as in the npm export, once more: stored once.
            shared_record(),
        ],
    );
    write_export(
        root,
        "crates.io",
        &[
            record("RUSTSEC-2025-0001", "crates.io", "serde_json", ""),
            rustsec("RUSTSEC-2025-0002", "serde-json", "unmaintained"),
            rustsec("RUSTSEC-2025-0003", "serde_json", "unsound"),
            rustsec("RUSTSEC-2025-0004", "tokio", "notice"),
            withdrawn("RUSTSEC-2025-0005", "crates.io", "tokio"),
        ],
    );
}

fn options(db: &Path, source: &str) -> UpdateOptions {
    UpdateOptions::new(db.to_owned(), Source::parse(source).unwrap())
}

fn run(options: &UpdateOptions) -> Result<UpdateReport, UpdateError> {
    update(options, &mut NoProgress)
}

fn ids(store: &Store, ecosystem: Ecosystem, name: &str) -> Vec<String> {
    let name = PackageName::new(ecosystem, name).unwrap();
    store
        .lookup_name(ecosystem, &name)
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect()
}

/// The per-ecosystem counts as a small table.
fn counts_table(store: &Store) -> String {
    let status = store.status().unwrap();
    let mut out = String::from(
        "ecosystem  state     records vuln mal unmaint unsound notice withdrawn invalid other\n",
    );
    for e in &status.ecosystems {
        let c = e.counts;
        writeln!(
            out,
            "{:10} {:9} {:7} {:4} {:3} {:7} {:7} {:6} {:9} {:7} {:5}",
            e.ecosystem.osv_name(),
            e.state.as_str(),
            c.records,
            c.vulnerabilities,
            c.malicious,
            c.unmaintained,
            c.unsound,
            c.notice,
            c.withdrawn,
            c.invalid,
            c.other_ecosystems
        )
        .unwrap();
    }
    out
}

fn directory_entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn imports_from_a_directory() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("db").join("advisories.sqlite");
    let report = run(&options(&db, source.to_str().unwrap())).unwrap();
    assert!(!report.up_to_date);
    assert_eq!(report.advisories, 10);
    assert_eq!(report.missing().count(), 0);
    let npm = &report.ecosystems[0];
    assert_eq!(npm.invalid_examples, ["MAL-2025-4.json", "MAL-2025-5.json"]);
    assert_eq!(npm.skipped_members, 1);
    assert!(matches!(npm.outcome, FetchOutcome::Read { .. }));
    insta::assert_snapshot!(report.warnings().join("\n"), @r"
    2 npm records are not valid OSV records and were skipped (e.g. MAL-2025-4.json, MAL-2025-5.json)
    1 members of the npm export are not .json files and were skipped
    ");

    let store = Store::open(&db).unwrap();
    insta::assert_snapshot!(counts_table(&store), @r"
    ecosystem  state     records vuln mal unmaint unsound notice withdrawn invalid other
    npm        imported        7    1   2       0       0      0         1       2     1
    PyPI       imported        5    3   1       0       0      0         1       0     0
    crates.io  imported        5    1   0       1       1      1         1       0     0
    ");
    assert_eq!(store.advisory_count().unwrap(), 10);
    for ecosystem in Ecosystem::ALL {
        assert!(store.has_data(ecosystem));
    }
    let status = store.status().unwrap();
    assert_eq!(status.source, source.display().to_string());
    assert_eq!(status.created, status.updated);
    assert_eq!(
        status.ecosystems[2].url,
        source
            .join("crates.io")
            .join("all.zip")
            .display()
            .to_string()
    );
    assert_eq!(
        status.ecosystems[2].content_hash.as_ref().map(String::len),
        Some(64)
    );

    // Every temporary file is gone; the lock stays for the next update.
    assert_eq!(
        directory_entries(db.parent().unwrap()),
        ["advisories.sqlite", "advisories.sqlite.lock"]
    );
}

#[test]
fn lookups_follow_each_ecosystems_name_rules() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    run(&options(&db, source.to_str().unwrap())).unwrap();
    let store = Store::open(&db).unwrap();

    // PyPI: PEP 503 names.
    for name in ["Django", "django", "DJANGO"] {
        assert_eq!(
            ids(&store, Ecosystem::PyPI, name),
            ["PYSEC-2025-1", "PYSEC-2025-2"]
        );
    }
    // crates.io: case and `-`/`_` fold.
    for name in ["serde_json", "serde-json", "Serde_Json"] {
        assert_eq!(
            ids(&store, Ecosystem::CratesIo, name),
            [
                "RUSTSEC-2025-0001",
                "RUSTSEC-2025-0002",
                "RUSTSEC-2025-0003"
            ]
        );
    }
    // npm: exact names.
    assert_eq!(ids(&store, Ecosystem::Npm, "JSONStream"), ["MAL-2025-2"]);
    assert!(ids(&store, Ecosystem::Npm, "jsonstream").is_empty());
    // The raw key works as well, and an unknown name finds nothing.
    assert_eq!(store.lookup(Ecosystem::PyPI, "django").unwrap().len(), 2);
    assert!(store.lookup(Ecosystem::PyPI, "flask").unwrap().is_empty());
    // Withdrawn records match nothing.
    assert!(ids(&store, Ecosystem::Npm, "was-evil").is_empty());
    assert_eq!(
        ids(&store, Ecosystem::CratesIo, "tokio"),
        ["RUSTSEC-2025-0004"]
    );

    // A record in two exports is stored once, with every affected entry, and found from both
    // ecosystems once (although it lists left-pad twice).
    let from_npm = store.lookup(Ecosystem::Npm, "left-pad").unwrap();
    let from_pypi = store.lookup(Ecosystem::PyPI, "left-pad").unwrap();
    assert_eq!(from_npm, from_pypi);
    assert_eq!(from_npm.len(), 1);
    assert_eq!(from_npm[0].affected.len(), 3);

    // The stored advisory is the converted record, whole.
    let django = store.lookup(Ecosystem::PyPI, "django").unwrap();
    let scored = &django[1];
    assert_eq!(scored.aliases, ["CVE-2025-2"]);
    assert_eq!(scored.score, Some(9.8));
    assert_eq!(scored.kind, AdvisoryKind::Vulnerability);
    assert_eq!(scored.affected[0].name, "django");
    let kinds: Vec<AdvisoryKind> = store
        .lookup(Ecosystem::CratesIo, "serde-json")
        .unwrap()
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            AdvisoryKind::Vulnerability,
            AdvisoryKind::Unmaintained,
            AdvisoryKind::Unsound
        ]
    );
}

#[test]
fn the_newest_copy_of_a_duplicate_wins_and_withdrawal_anywhere_wins() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    let older = r#"{"id": "GHSA-dup", "modified": "2025-01-01T00:00:00Z", "summary": "old",
        "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "versions": ["1.0.0"]}]}"#;
    let newer = r#"{"id": "GHSA-dup", "modified": "2025-06-01T00:00:00Z", "summary": "new",
        "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "versions": ["1.0.0"]}]}"#;
    write_export(
        &source,
        "npm",
        &[
            older.to_owned(),
            record("GHSA-gone", "npm", "b", ""),
            record("GHSA-kept", "npm", "b", ""),
        ],
    );
    write_export(
        &source,
        "PyPI",
        &[newer.to_owned(), withdrawn("GHSA-gone", "npm", "b")],
    );
    write_export(&source, "crates.io", &[]);
    let db = temp.path().join("advisories.sqlite");
    run(&options(&db, source.to_str().unwrap())).unwrap();
    let store = Store::open(&db).unwrap();
    let a = store.lookup(Ecosystem::Npm, "a").unwrap();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].summary.as_deref(), Some("new"));
    assert_eq!(ids(&store, Ecosystem::Npm, "b"), ["GHSA-kept"]);
}

#[test]
fn imports_from_a_file_url_and_keeps_an_unchanged_database() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let url = format!("file://{}", source.display());
    let db = temp.path().join("advisories.sqlite");
    let first = run(&options(&db, &url)).unwrap();
    assert!(!first.up_to_date);
    let before = Store::open(&db).unwrap().status().unwrap();

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = run(&options(&db, &url)).unwrap();
    assert!(second.up_to_date);
    assert_eq!(second.advisories, first.advisories);
    assert!(second.ecosystems.iter().all(|e| !e.changed));
    let after = Store::open(&db).unwrap().status().unwrap();
    assert_eq!(after.updated, before.updated, "the data was not rebuilt");
    assert!(after.checked > before.checked, "the check is recorded");

    // A changed export rebuilds; the unchanged ones keep the time they were fetched.
    write_export(
        &source,
        "crates.io",
        &[record("RUSTSEC-2025-0009", "crates.io", "rand", "")],
    );
    let third = run(&options(&db, &url)).unwrap();
    assert!(!third.up_to_date);
    let changed: Vec<bool> = third.ecosystems.iter().map(|e| e.changed).collect();
    assert_eq!(changed, [false, false, true]);
    let store = Store::open(&db).unwrap();
    assert_eq!(
        ids(&store, Ecosystem::CratesIo, "rand"),
        ["RUSTSEC-2025-0009"]
    );
    assert!(ids(&store, Ecosystem::CratesIo, "serde_json").is_empty());
    let status = store.status().unwrap();
    assert_eq!(status.created, before.created);
    assert!(status.updated > before.updated);
    assert_eq!(status.ecosystems[0].fetched, before.ecosystems[0].fetched);
    assert!(status.ecosystems[2].fetched > before.ecosystems[2].fetched);
}

#[test]
fn downloads_over_http_only_what_changed() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("bucket");
    write_fixture(&root);
    let server = Server::start(&root);
    let db = temp.path().join("advisories.sqlite");
    let source = format!("{}/", server.base);

    let mut events = Recorder::default();
    let first = update(&options(&db, &source), &mut events).unwrap();
    assert!(!first.up_to_date);
    assert!(
        first
            .ecosystems
            .iter()
            .all(|e| matches!(e.outcome, FetchOutcome::Downloaded { .. }))
    );
    assert!(events.downloaded > 0, "download progress is reported");
    assert!(events.read > 0, "import progress is reported");
    let log = server.take_log();
    assert_eq!(statuses(&log), [200, 200, 200]);
    assert!(log.iter().all(|s| s.if_none_match.is_none()));
    let cache = temp.path().join("advisories.sqlite.cache");
    assert_eq!(
        directory_entries(&cache),
        ["PyPI.zip", "crates.io.zip", "npm.zip"]
    );
    let status = Store::open(&db).unwrap().status().unwrap();
    assert_eq!(status.source, server.base);
    assert!(status.ecosystems.iter().all(|e| e.etag.is_some()));

    // Unchanged: three conditional requests, three 304s, nothing downloaded, nothing rebuilt.
    let second = run(&options(&db, &source)).unwrap();
    assert!(second.up_to_date);
    assert!(
        second
            .ecosystems
            .iter()
            .all(|e| e.outcome == FetchOutcome::NotModified)
    );
    let log = server.take_log();
    assert_eq!(statuses(&log), [304, 304, 304]);
    assert!(
        log.iter()
            .all(|s| s.if_none_match.is_some() && s.body_bytes == 0)
    );

    // One export changed: it alone is downloaded; the others come from the cache.
    write_export(
        &root,
        "PyPI",
        &[record("PYSEC-2025-7", "PyPI", "flask", "")],
    );
    let third = run(&options(&db, &source)).unwrap();
    assert!(!third.up_to_date);
    let log = server.take_log();
    assert_eq!(
        log.iter()
            .map(|s| (s.path.as_str(), s.status))
            .collect::<Vec<_>>(),
        [
            ("/PyPI/all.zip", 200),
            ("/crates.io/all.zip", 304),
            ("/npm/all.zip", 304)
        ]
    );
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, Ecosystem::PyPI, "flask"), ["PYSEC-2025-7"]);
    assert!(ids(&store, Ecosystem::PyPI, "django").is_empty());
    assert_eq!(ids(&store, Ecosystem::Npm, "evil-pkg"), ["MAL-2025-1"]);
    assert_eq!(
        ids(&store, Ecosystem::CratesIo, "tokio"),
        ["RUSTSEC-2025-0004"]
    );

    // A cached copy that was lost is downloaded again, unconditionally.
    fs::remove_file(cache.join("npm.zip")).unwrap();
    write_export(
        &root,
        "crates.io",
        &[record("RUSTSEC-2025-0010", "crates.io", "rand", "")],
    );
    let fourth = run(&options(&db, &source)).unwrap();
    assert!(!fourth.up_to_date);
    let log = server.take_log();
    let npm = log.iter().find(|s| s.path == "/npm/all.zip").unwrap();
    assert_eq!((npm.status, npm.if_none_match.is_none()), (200, true));
    assert_eq!(
        ids(&Store::open(&db).unwrap(), Ecosystem::Npm, "evil-pkg"),
        ["MAL-2025-1"]
    );
    drop(server);
}

fn statuses(log: &[Served]) -> Vec<u16> {
    log.iter().map(|s| s.status).collect()
}

#[derive(Default)]
struct Recorder {
    downloaded: u64,
    read: u64,
}

impl Progress for Recorder {
    fn event(&mut self, event: ProgressEvent) {
        match event {
            ProgressEvent::Downloading { received, .. } => self.downloaded = received,
            ProgressEvent::Reading { done, .. } => self.read = done,
            _ => {}
        }
    }
}

#[test]
fn a_missing_export_is_recorded_and_the_rest_is_imported() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("bucket");
    write_fixture(&root);
    fs::remove_dir_all(root.join("PyPI")).unwrap();
    let db = temp.path().join("advisories.sqlite");

    // Over HTTP (404) and from a directory (no file): the same result.
    let server = Server::start(&root);
    for source in [server.base.clone(), root.display().to_string()] {
        let report = run(&options(&db, &source)).unwrap();
        let missing: Vec<Ecosystem> = report.missing().map(|e| e.ecosystem).collect();
        assert_eq!(missing, [Ecosystem::PyPI]);
        assert!(
            report
                .warnings()
                .iter()
                .any(|w| w.starts_with("no PyPI advisories at the source")
                    && w.ends_with("PyPI packages cannot be checked"))
        );
        let store = Store::open(&db).unwrap();
        assert!(!store.has_data(Ecosystem::PyPI));
        assert!(store.has_data(Ecosystem::Npm));
        let status = store.status().unwrap();
        let pypi = status.ecosystem(Ecosystem::PyPI).unwrap();
        assert_eq!(pypi.state, SourceState::Missing);
        assert!(pypi.note.as_deref().unwrap().contains("PyPI"));
        assert_eq!(ids(&store, Ecosystem::Npm, "evil-pkg"), ["MAL-2025-1"]);
        // The npm record that names a PyPI package is still found from PyPI.
        assert_eq!(ids(&store, Ecosystem::PyPI, "left-pad"), ["GHSA-both"]);
    }
    let log = server.take_log();
    assert!(
        log.iter()
            .any(|s| s.path == "/PyPI/all.zip" && s.status == 404)
    );

    // When the export comes back, the update notices.
    write_export(
        &root,
        "PyPI",
        &[record("PYSEC-2025-1", "PyPI", "Django", "")],
    );
    let report = run(&options(&db, &root.display().to_string())).unwrap();
    assert!(!report.up_to_date);
    assert!(Store::open(&db).unwrap().has_data(Ecosystem::PyPI));
}

#[test]
fn a_source_without_any_export_fails() {
    let temp = tempfile::tempdir().unwrap();
    let empty = temp.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let db = temp.path().join("advisories.sqlite");
    let error = run(&options(&db, empty.to_str().unwrap())).unwrap_err();
    assert!(matches!(error, UpdateError::NoData { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("has no export for npm, PyPI or crates.io")
    );
    assert!(!db.exists());

    let error = run(&options(&db, temp.path().join("nowhere").to_str().unwrap())).unwrap_err();
    assert!(
        matches!(error, UpdateError::Setup(SourceError::NoDirectory { .. })),
        "{error:?}"
    );

    let server = Server::start(&empty);
    let error = run(&options(&db, &server.base)).unwrap_err();
    assert!(matches!(error, UpdateError::NoData { .. }), "{error:?}");
}

/// Builds a database from the fixture, then runs `change` on the source and expects the next
/// update to fail with an error that `check` accepts, leaving the database as it was.
fn fails_and_keeps_the_database(
    change: impl FnOnce(&Path),
    limits: Limits,
    check: impl FnOnce(&UpdateError),
) {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    run(&options(&db, source.to_str().unwrap())).unwrap();
    let before = fs::read(&db).unwrap();

    change(&source);
    let mut options = options(&db, source.to_str().unwrap());
    options.limits = limits;
    let error = run(&options).unwrap_err();
    check(&error);

    assert_eq!(fs::read(&db).unwrap(), before, "the database is untouched");
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, Ecosystem::Npm, "evil-pkg"), ["MAL-2025-1"]);
    assert_eq!(store.advisory_count().unwrap(), 10);
    assert_eq!(
        directory_entries(temp.path()),
        ["advisories.sqlite", "advisories.sqlite.lock", "osv"],
        "no temporary file is left"
    );
}

fn import_error(error: &UpdateError) -> &ImportError {
    match error {
        UpdateError::Import { source, .. } => source,
        other => panic!("expected an import error, got {other:?}"),
    }
}

#[test]
fn a_corrupt_zip_fails_and_keeps_the_previous_database() {
    fails_and_keeps_the_database(
        |source| fs::write(source.join("crates.io/all.zip"), b"PK\x03\x04 not really").unwrap(),
        Limits::default(),
        |error| {
            assert!(matches!(import_error(error), ImportError::Archive { .. }));
            let message = error.to_string();
            assert_eq!(message, "cannot import the crates.io advisories");
            let cause = std::error::Error::source(error).unwrap().to_string();
            assert!(
                cause.ends_with("crates.io/all.zip` is not a readable zip archive"),
                "{cause}"
            );
        },
    );
}

#[test]
fn a_damaged_member_fails_the_update() {
    fails_and_keeps_the_database(
        |source| {
            let record = record("RUSTSEC-2025-0001", "crates.io", "serde_json", "").repeat(20);
            let mut bytes = zip_bytes(&[("RUSTSEC-2025-0001.json", record.as_bytes())]);
            // Flip bytes in the compressed data, after the 30-byte local header and the name.
            for byte in bytes.iter_mut().skip(30 + 22 + 10).take(20) {
                *byte ^= 0x55;
            }
            write_zip(source, "crates.io", &bytes);
        },
        Limits::default(),
        |error| {
            assert!(
                matches!(
                    import_error(error),
                    ImportError::Decompress { member, .. } | ImportError::SizeMismatch { member, .. }
                        if member == "RUSTSEC-2025-0001.json"
                ),
                "{error:?}"
            );
        },
    );
}

#[test]
fn a_zip_bomb_is_refused() {
    fails_and_keeps_the_database(
        |source| {
            let zeros = vec![b' '; 8 << 20];
            write_zip(source, "npm", &zip_bytes(&[("MAL-2025-1.json", &zeros)]));
        },
        Limits::default(),
        |error| {
            assert!(
                matches!(import_error(error), ImportError::Ratio { .. }),
                "{error:?}"
            );
            assert!(
                std::error::Error::source(error)
                    .unwrap()
                    .to_string()
                    .contains("refused as a decompression bomb")
            );
        },
    );
}

/// A change to the source that the limits below are then applied to.
fn add_a_record(source: &Path) {
    write_export(
        source,
        "crates.io",
        &[record("RUSTSEC-2025-0009", "crates.io", "rand", "")],
    );
}

#[test]
fn oversize_members_too_many_members_and_oversize_exports_are_refused() {
    let limits = Limits {
        max_entry_bytes: 200,
        ..Limits::default()
    };
    fails_and_keeps_the_database(add_a_record, limits, |error| {
        assert!(
            matches!(
                import_error(error),
                ImportError::EntryTooLarge { limit: 200, .. }
            ),
            "{error:?}"
        );
    });
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    fails_and_keeps_the_database(add_a_record, limits, |error| {
        assert!(
            matches!(
                import_error(error),
                ImportError::TooManyEntries {
                    count: 8,
                    limit: 3,
                    ..
                }
            ),
            "{error:?}"
        );
    });
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    fails_and_keeps_the_database(add_a_record, limits, |error| {
        assert!(
            matches!(import_error(error), ImportError::TotalTooLarge { .. }),
            "{error:?}"
        );
    });
    let limits = Limits {
        max_download_bytes: 1000,
        ..Limits::default()
    };
    fails_and_keeps_the_database(add_a_record, limits, |error| {
        assert!(
            matches!(
                error,
                UpdateError::Source {
                    source: SourceError::TooLarge { limit: 1000, .. },
                    ..
                }
            ),
            "{error:?}"
        );
    });
}

#[test]
fn a_member_larger_than_it_declares_is_refused() {
    fails_and_keeps_the_database(
        |source| {
            let record = record("MAL-2025-1", "npm", "evil-pkg", "");
            let mut bytes = zip_bytes(&[("MAL-2025-1.json", record.as_bytes())]);
            // Lower the declared size in the central directory (offset 24 of its header) and
            // in the local header (offset 22).
            let declared = u32::try_from(record.len() - 10).unwrap().to_le_bytes();
            let central = bytes.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
            bytes[central + 24..central + 28].copy_from_slice(&declared);
            bytes[22..26].copy_from_slice(&declared);
            write_zip(source, "npm", &bytes);
        },
        Limits::default(),
        |error| {
            assert!(
                matches!(
                    import_error(error),
                    ImportError::SizeMismatch { .. } | ImportError::Decompress { .. }
                ),
                "{error:?}"
            );
        },
    );
}

#[test]
fn an_interrupted_update_is_cleaned_up_by_the_next() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    // What a killed update leaves: a half-written database and a half-written download.
    fs::write(
        temp.path().join("advisories.sqlite.update-4242"),
        b"SQLite format 3\0",
    )
    .unwrap();
    fs::create_dir(temp.path().join("advisories.sqlite.cache")).unwrap();
    fs::write(
        temp.path().join("advisories.sqlite.cache/npm.zip.4242.tmp"),
        b"PK",
    )
    .unwrap();
    let unrelated = temp.path().join("advisories.sqlite.backup");
    fs::write(&unrelated, b"keep me").unwrap();

    run(&options(&db, source.to_str().unwrap())).unwrap();
    assert_eq!(
        directory_entries(temp.path()),
        [
            "advisories.sqlite",
            "advisories.sqlite.backup",
            "advisories.sqlite.cache",
            "advisories.sqlite.lock",
            "osv"
        ]
    );
    assert!(directory_entries(&temp.path().join("advisories.sqlite.cache")).is_empty());
}

#[test]
fn a_running_update_locks_out_a_second() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    let lock = File::create(temp.path().join("advisories.sqlite.lock")).unwrap();
    lock.lock().unwrap();
    let error = run(&options(&db, source.to_str().unwrap())).unwrap_err();
    assert!(matches!(error, UpdateError::Busy { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .starts_with("another `customs db update` is writing")
    );
    lock.unlock().unwrap();
    run(&options(&db, source.to_str().unwrap())).unwrap();
}

#[test]
fn an_unreadable_previous_database_is_rebuilt() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    fs::write(&db, b"garbage").unwrap();
    let report = run(&options(&db, source.to_str().unwrap())).unwrap();
    assert!(!report.up_to_date);
    assert_eq!(report.notes.len(), 1);
    assert!(report.notes[0].contains("is not a customs advisory database"));
    assert_eq!(Store::open(&db).unwrap().advisory_count().unwrap(), 10);
}

fn open_error(path: &Path) -> StoreError {
    Store::open(path).unwrap_err()
}

#[test]
fn opening_a_missing_foreign_or_outdated_file_says_what_to_run() {
    let temp = tempfile::tempdir().unwrap();
    let missing = temp.path().join("absent.sqlite");
    let error = open_error(&missing);
    assert!(matches!(error, StoreError::Missing { .. }));
    assert_eq!(
        error.to_string(),
        format!(
            "no advisory database at `{}`: run `customs db update`",
            missing.display()
        )
    );

    let garbage = temp.path().join("garbage.sqlite");
    fs::write(&garbage, vec![7u8; 8192]).unwrap();
    let error = open_error(&garbage);
    assert!(
        matches!(error, StoreError::NotADatabase { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .ends_with("run `customs db update` to rebuild it")
    );

    let empty = temp.path().join("empty.sqlite");
    File::create(&empty).unwrap();
    assert!(matches!(
        open_error(&empty),
        StoreError::NotADatabase { .. }
    ));
    assert!(matches!(
        open_error(temp.path()),
        StoreError::NotADatabase { .. }
    ));

    let foreign = temp.path().join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER);")
        .unwrap();
    assert!(matches!(
        open_error(&foreign),
        StoreError::NotADatabase { .. }
    ));

    let source = temp.path().join("osv");
    write_fixture(&source);
    let db = temp.path().join("advisories.sqlite");
    run(&options(&db, source.to_str().unwrap())).unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE meta SET value = '0' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    let error = open_error(&db);
    assert!(matches!(error, StoreError::Schema { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "the advisory database `{}` has schema version 0, this customs reads version {}: run `customs db update`",
            db.display(),
            customs_advisory::SCHEMA_VERSION
        )
    );
    // The update rebuilds it, even though the source did not change.
    let report = run(&options(&db, source.to_str().unwrap())).unwrap();
    assert!(!report.up_to_date);
    Store::open(&db).unwrap();

    // A damaged record is an error that names it, not a panic.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE advisories SET record = '{' WHERE id = 'MAL-2025-1'",
            [],
        )
        .unwrap();
    let error = Store::open(&db)
        .unwrap()
        .lookup(Ecosystem::Npm, "evil-pkg")
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Record { id, .. } if id == "MAL-2025-1"),
        "{error:?}"
    );
}

#[test]
fn the_default_database_lives_in_the_user_cache() {
    if let Some(path) = customs_advisory::default_db_path() {
        assert!(path.ends_with(PathBuf::from("customs").join("advisories.sqlite")));
    }
}

#[test]
fn credentials_in_the_source_never_reach_the_database() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("bucket");
    write_fixture(&root);
    let server = Server::start(&root);
    let db = temp.path().join("advisories.sqlite");
    let source = server.base.replace("http://", "http://user:token@");
    let report = run(&options(&db, &source)).unwrap();
    assert_eq!(report.source, server.base);
    let bytes = fs::read(&db).unwrap();
    assert!(!bytes.windows(5).any(|w| w == b"token"));
    assert!(
        report
            .ecosystems
            .iter()
            .all(|e| !e.location.contains("token"))
    );
}

#[test]
fn http_failures_fail_the_update() {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("bucket");
    write_fixture(&root);
    fs::write(root.join("PyPI/all.zip.500"), b"").unwrap();
    let server = Server::start(&root);
    let db = temp.path().join("advisories.sqlite");
    let error = run(&options(&db, &server.base)).unwrap_err();
    assert!(
        matches!(
            &error,
            UpdateError::Source {
                ecosystem: Ecosystem::PyPI,
                source: SourceError::Status { status: 500, .. }
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        std::error::Error::source(&error).unwrap().to_string(),
        format!("`{}/PyPI/all.zip` answered HTTP 500", server.base)
    );
    assert!(!db.exists());

    // Nothing listens on port 1 of the loopback address.
    let error = run(&options(&db, "http://127.0.0.1:1/osv")).unwrap_err();
    assert!(
        matches!(
            &error,
            UpdateError::Source {
                source: SourceError::Http { .. },
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        std::error::Error::source(&error)
            .unwrap()
            .to_string()
            .starts_with("cannot download `http://127.0.0.1:1/osv/")
    );

    // The download cache cannot be created where a file is.
    fs::remove_file(root.join("PyPI/all.zip.500")).unwrap();
    let cache = temp.path().join("advisories.sqlite.cache");
    fs::remove_dir_all(&cache).unwrap();
    fs::write(&cache, b"").unwrap();
    let error = run(&options(&db, &server.base)).unwrap_err();
    assert!(
        matches!(
            &error,
            UpdateError::Source {
                source: SourceError::Cache { .. },
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn database_paths_that_cannot_work_are_errors() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    write_fixture(&source);
    let source = source.to_str().unwrap();

    let error = run(&options(Path::new("/"), source)).unwrap_err();
    assert!(
        matches!(error, UpdateError::InvalidPath { .. }),
        "{error:?}"
    );

    let file = temp.path().join("file");
    fs::write(&file, b"").unwrap();
    let error = run(&options(&file.join("sub/advisories.sqlite"), source)).unwrap_err();
    assert!(
        matches!(error, UpdateError::CreateDirectory { .. }),
        "{error:?}"
    );

    // A directory where the database should be: rebuilt beside it, then the swap fails.
    let directory = temp.path().join("taken");
    fs::create_dir_all(directory.join("inside")).unwrap();
    let error = run(&options(&directory, source)).unwrap_err();
    assert!(matches!(error, UpdateError::Swap { .. }), "{error:?}");
    assert_eq!(
        directory_entries(temp.path()),
        ["file", "osv", "taken", "taken.lock"],
        "the new database was removed"
    );
}

#[test]
fn a_record_repeated_within_one_export_is_stored_once() {
    let temp = tempfile::tempdir().unwrap();
    let source = temp.path().join("osv");
    let record = record("MAL-2025-1", "npm", "evil-pkg", "");
    write_zip(
        &source,
        "npm",
        &zip_bytes(&[
            ("MAL-2025-1.json", record.as_bytes()),
            ("again/MAL-2025-1.json", record.as_bytes()),
        ]),
    );
    let db = temp.path().join("advisories.sqlite");
    let report = run(&options(&db, source.to_str().unwrap())).unwrap();
    assert_eq!(report.advisories, 1);
    assert_eq!(report.ecosystems[0].counts.records, 2);
    assert_eq!(report.ecosystems[0].counts.malicious, 1);
    assert_eq!(report.missing().count(), 2);
    let store = Store::open(&db).unwrap();
    assert_eq!(ids(&store, Ecosystem::Npm, "evil-pkg"), ["MAL-2025-1"]);
}
