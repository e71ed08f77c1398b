//! Against the real registries, opt-in: `CUSTOMS_LIVE_TESTS=1 cargo test -p customs-registry
//! --test live`. Checks a few facts that do not change.

mod common;

use common::{inventory, package, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_registry::{RegistryConfig, check};

#[test]
fn stable_facts_from_the_public_registries() {
    if std::env::var_os("CUSTOMS_LIVE_TESTS").is_none_or(|value| value != "1") {
        // Written to the real stderr: the test harness hides `eprintln!` of passing tests.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "\n*** SKIPPED live registry test: set CUSTOMS_LIVE_TESTS=1 to run it against npm, PyPI and crates.io ***\n"
        );
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
    assert_eq!(
        left_pad.published.map(|t| t.to_string()).as_deref(),
        Some("2018-04-09T01:10:45.796Z")
    );
    assert!(left_pad.deprecated.is_some(), "left-pad is deprecated");
    assert_eq!(left_pad.license.as_deref(), Some("WTFPL"));
    assert!(requests.yanked.is_some(), "requests 2.32.0 was yanked");
    assert!(requests.license_known);
    assert!(serde.published.is_some(), "recent crates have a pubtime");
    assert!(!serde.license_known);

    // Warm: nothing is asked again.
    let warm = check(&inventory, &config).unwrap();
    assert_eq!(warm.requests.requests, 0);
    assert_eq!(warm.packages, evidence.packages);
}
