//! The real exports: `../shared/data/osv` (about 40,000 records in 3 zips) imported whole, with
//! the counts `../shared/data/README.md` documents; and, when `CUSTOMS_LIVE_TESTS=1`, OSV's
//! public bucket itself.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

use std::time::Instant;

use customs_advisory::{
    AdvisoryKind, Counts, NoProgress, Source, SourceState, Store, UpdateOptions, update,
};
use customs_core::{Ecosystem, PackageName};

#[test]
fn imports_the_shared_exports_with_the_documented_counts() {
    let Some(osv) = customs_testdata::shared_data("shared OSV import").map(|d| d.join("osv"))
    else {
        return;
    };
    let temp = tempfile::tempdir().unwrap();
    let db = temp.path().join("advisories.sqlite");
    let options = UpdateOptions::new(db.clone(), Source::Directory(osv));
    let started = Instant::now();
    let report = update(&options, &mut NoProgress).unwrap();
    eprintln!(
        "imported {} advisories in {:.2} s (unoptimised build)",
        report.advisories,
        started.elapsed().as_secs_f64()
    );
    assert!(report.warnings().is_empty(), "{:?}", report.warnings());

    let opened = Instant::now();
    let store = Store::open(&db).unwrap();
    let opened = opened.elapsed();
    let status = store.status().unwrap();
    assert!(
        status
            .ecosystems
            .iter()
            .all(|e| e.state == SourceState::Imported)
    );
    let counts = |ecosystem| status.ecosystem(ecosystem).unwrap().counts;

    // npm: 22,304 MAL records, 55 of them withdrawn.
    assert_eq!(
        counts(Ecosystem::Npm),
        Counts {
            records: 22_304,
            malicious: 22_304 - 55,
            withdrawn: 55,
            ..Counts::default()
        }
    );
    // PyPI: 16,288 records: 7,080 PYSEC (269 withdrawn) and 9,208 MAL (1 withdrawn).
    assert_eq!(
        counts(Ecosystem::PyPI),
        Counts {
            records: 16_288,
            vulnerabilities: 7_080 - 269,
            malicious: 9_208 - 1,
            withdrawn: 270,
            ..Counts::default()
        }
    );
    // crates.io: 1,226 records: 1,206 RUSTSEC (730 with no `informational`, 3 withdrawn; 267
    // unmaintained, 9 withdrawn; 203 unsound, 1 withdrawn; 6 notices) and 20 MAL.
    //
    // The README counts 77 malicious-crate notices by title ("… was removed from crates.io for
    // malicious code"); 73 of them carry RustSec's `categories: ["malicious"]` and the other 4
    // (RUSTSEC-2026-0084 logprinter, -0259 arone, -0261 aronenao, -0263 tinymember) are
    // recognised by their title: see the test below.
    let rustsec_malicious = 77;
    assert_eq!(
        counts(Ecosystem::CratesIo),
        Counts {
            records: 1_226,
            vulnerabilities: 730 - 3 - rustsec_malicious,
            malicious: 20 + rustsec_malicious,
            unmaintained: 267 - 9,
            unsound: 203 - 1,
            notice: 6,
            withdrawn: 3 + 9 + 1,
            ..Counts::default()
        }
    );
    // No record names packages of two of these ecosystems, so nothing is shared between them.
    assert_eq!(
        report.advisories,
        (22_304 - 55) + (16_288 - 270) + (1_226 - 13)
    );
    assert_eq!(store.advisory_count().unwrap(), report.advisories);

    let lookup = |ecosystem, name: &str| {
        store
            .lookup_name(ecosystem, &PackageName::new(ecosystem, name).unwrap())
            .unwrap()
    };
    // Names under each ecosystem's rules find the same records.
    assert!(!lookup(Ecosystem::PyPI, "Django").is_empty());
    assert_eq!(
        lookup(Ecosystem::PyPI, "Django"),
        lookup(Ecosystem::PyPI, "django")
    );
    assert!(!lookup(Ecosystem::CratesIo, "tokio").is_empty());
    assert_eq!(
        lookup(Ecosystem::CratesIo, "rustdecimal")[0].kind,
        AdvisoryKind::Malicious
    );
    // A known incident: the September 2025 `chalk` compromise.
    assert!(
        lookup(Ecosystem::Npm, "chalk")
            .iter()
            .any(|a| a.kind == AdvisoryKind::Malicious)
    );

    // The hot path of `customs scan`: one lookup per package, most finding nothing.
    let started = Instant::now();
    for i in 0..2_000 {
        assert!(
            store
                .lookup(Ecosystem::Npm, &format!("package-{i}"))
                .unwrap()
                .is_empty()
        );
    }
    let misses = started.elapsed();
    let started = Instant::now();
    let django = store.lookup(Ecosystem::PyPI, "django").unwrap().len();
    eprintln!(
        "opened the store in {:.1} ms; 2,000 lookups that found nothing in {:.1} ms; django's {django} advisories in {:.1} ms (unoptimised build)",
        opened.as_secs_f64() * 1e3,
        misses.as_secs_f64() * 1e3,
        started.elapsed().as_secs_f64() * 1e3
    );

    // The 4 malicious-crate notices without the category are malicious by their title.
    for (id, name) in [
        ("RUSTSEC-2026-0084", "logprinter"),
        ("RUSTSEC-2026-0259", "arone"),
        ("RUSTSEC-2026-0261", "aronenao"),
        ("RUSTSEC-2026-0263", "tinymember"),
    ] {
        let found = lookup(Ecosystem::CratesIo, name);
        let notice = found.iter().find(|a| a.id == id).unwrap();
        assert_eq!(notice.kind, AdvisoryKind::Malicious, "{id}");
    }

    // A second update finds nothing changed.
    let again = update(&options, &mut NoProgress).unwrap();
    assert!(again.up_to_date);
}

/// OSV's public bucket, for real. Opt-in: it needs the network and downloads a few hundred MB.
#[test]
fn live_update_from_the_osv_bucket() {
    if std::env::var_os("CUSTOMS_LIVE_TESTS").is_none_or(|v| v != "1") {
        eprintln!("SKIPPED live OSV update: set CUSTOMS_LIVE_TESTS=1 to run it");
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let options = UpdateOptions::new(temp.path().join("advisories.sqlite"), Source::osv());
    let report = update(&options, &mut NoProgress).unwrap();
    eprintln!("{report:#?}");
    assert_eq!(report.missing().count(), 0);
    assert!(report.advisories > 100_000);
    // OSV regenerates its exports every few minutes, so a second update may or may not find
    // them unchanged: it must succeed either way.
    let again = update(&options, &mut NoProgress).unwrap();
    eprintln!(
        "second update: {:?}",
        again
            .ecosystems
            .iter()
            .map(|e| &e.outcome)
            .collect::<Vec<_>>()
    );
}
