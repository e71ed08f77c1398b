//! Against the real registries, opt-in: `CUSTOMS_LIVE_TESTS=1 cargo test -p customs-registry
//! --test live`. Checks a few facts that do not change.

mod common;

use common::{inventory, package, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_registry::popular::{DEFAULT_NPM_REGISTRY, PopularLimits, fetch_npm_popular};
use customs_registry::{RegistryConfig, check};

/// Whether the live tests run; when not, says so where it is seen.
fn live(what: &str) -> bool {
    if std::env::var_os("CUSTOMS_LIVE_TESTS").is_some_and(|value| value == "1") {
        return true;
    }
    // Written to the real stderr: the test harness hides `eprintln!` of passing tests.
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED live {what} test: set CUSTOMS_LIVE_TESTS=1 to run it ***\n"
    );
    false
}

#[test]
fn stable_facts_from_the_public_registries() {
    if !live("registry (npm, PyPI and crates.io)") {
        return;
    }
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![package(Npm, "left-pad", "1.3.0")],
        ),
        (
            "requirements.txt",
            PyPI,
            vec![package(PyPI, "requests", "2.32.0")],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![package(CratesIo, "serde", "1.0.228")],
        ),
    ]);
    let directory = temporary();
    let config = RegistryConfig::new(directory.path().join("registry.sqlite"));
    let evidence = check(&inventory, &config).unwrap();
    assert!(evidence.unchecked.is_empty(), "{:?}", evidence.unchecked);
    let [left_pad, requests, serde] = evidence.packages.as_slice() else {
        panic!("three packages expected: {evidence:?}");
    };
    // npm rewrote the `time` entries of some old packages in 2024 (left-pad 1.3.0, first
    // published in 2018, now reads 2024-09-05T00:40:51.026Z): check the year, not the instant.
    let published = left_pad
        .published
        .map(|t| t.to_string())
        .unwrap_or_default();
    assert!(
        published.starts_with("2018-") || published.starts_with("2024-"),
        "left-pad 1.3.0 published {published}"
    );
    // Deprecation and publisher are left out: registry mirrors (and the one this project's
    // machines reach) drop `deprecated` and `_npmUser` from packuments.
    assert_eq!(left_pad.latest.as_deref(), Some("1.3.0"));
    assert_eq!(left_pad.license.as_deref(), Some("WTFPL"));
    assert!(
        requests.yanked.is_some(),
        "requests 2.32.0 was yanked: {requests:?}"
    );
    // Not asserted: `requests.license_known`. PyPI mirrors may lack the per-release document
    // (`/pypi/requests/2.32.0/json` answers 404 on the mirror this project's machines reach),
    // and then the licence is honestly unknown.
    assert!(serde.published.is_some(), "recent crates have a pubtime");
    assert!(!serde.license_known);

    // Warm: nothing is asked again.
    let warm = check(&inventory, &config).unwrap();
    assert_eq!(warm.requests.requests, 0);
    assert_eq!(warm.packages, evidence.packages);
}

#[test]
fn npm_popular_list_from_the_public_registry() {
    if !live("popular-list (npm-high-impact from registry.npmjs.org)") {
        return;
    }
    let csv = fetch_npm_popular(DEFAULT_NPM_REGISTRY, &PopularLimits::default()).unwrap();
    let corpus = customs_typosquat::Corpus::parse_csv(Npm, &csv).unwrap();
    let top: Vec<&str> = corpus
        .entries()
        .iter()
        .take(5)
        .map(|entry| entry.name.as_str())
        .collect();
    {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "npm-high-impact: {} names, top 5: {}",
            corpus.len(),
            top.join(", ")
        );
    }
    assert!(corpus.len() > 10_000, "{} names", corpus.len());
    assert!(corpus.duplicates().is_empty(), "{:?}", corpus.duplicates());
    let semver = corpus
        .entries()
        .iter()
        .position(|entry| entry.name == "semver");
    assert!(
        semver.is_some_and(|index| index < 10),
        "semver at {semver:?}"
    );
}
