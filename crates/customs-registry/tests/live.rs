//! Against the real registries, opt-in: `CUSTOMS_LIVE_TESTS=1 cargo test -p customs-registry
//! --test live`. Checks a few facts that do not change.

mod common;

use common::{inventory, package, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_core::{HashAlgorithm, Integrity};
use customs_registry::artifacts::{
    ArtifactKind, ArtifactOptions, ArtifactOutcome, Verification, fetch_artifacts,
    fetch_package_artifacts,
};
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

#[test]
fn artifacts_from_the_public_registries() {
    if !live("artifact (left-pad 1.3.0, itoa 1.0.0, six 1.16.0)") {
        return;
    }
    // The digests their lockfiles record (package-lock `integrity`, Cargo.lock `checksum`,
    // pip's `--hash`).
    const LEFT_PAD: &str = "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQGinBN9yTQT3bFlCBy/aVx2HrNcqQGsdot8ghrjyrvMCoEA==";
    const ITOA: &str = "d2f3e61cf687687b30c9e6ddf0fc36cf15f035e66d491e6da968fa49ffa9a378";
    const SIX_SDIST: &str = "1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926";
    const SIX_WHEEL: &str = "8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254";
    let by_name = temporary();
    let config = RegistryConfig::new(by_name.path().join("registry.sqlite"));
    let options = ArtifactOptions::default();
    let say = |text: String| {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{text}");
    };

    // By name, as `customs inspect` asks: what the registries name, checked against their
    // own digests.
    for (ecosystem, name, version) in [
        (Npm, "left-pad", "1.3.0"),
        (CratesIo, "itoa", "1.0.0"),
        (PyPI, "six", "1.16.0"),
    ] {
        let outcome = fetch_package_artifacts(ecosystem, name, version, &config, &options).unwrap();
        let ArtifactOutcome::Fetched(artifacts) = outcome else {
            panic!("{ecosystem} {name}@{version}: {outcome:?}");
        };
        for artifact in &artifacts {
            say(format!(
                "{ecosystem} {name}@{version}: {} {} ({} bytes) from {}, {:?}, sha256 {}",
                artifact.kind.code(),
                artifact.file_name,
                artifact.size,
                artifact.url,
                artifact.verified_by,
                artifact.sha256
            ));
            assert!(matches!(
                artifact.verified_by,
                Verification::RegistryDigest(_)
            ));
        }
        let kinds: Vec<ArtifactKind> = artifacts.iter().map(|artifact| artifact.kind).collect();
        match ecosystem {
            Npm => assert_eq!(kinds, [ArtifactKind::NpmTarball]),
            CratesIo => {
                assert_eq!(kinds, [ArtifactKind::Crate]);
                assert_eq!(artifacts[0].sha256, ITOA);
            }
            PyPI => {
                assert_eq!(kinds, [ArtifactKind::Sdist, ArtifactKind::Wheel]);
                assert_eq!(artifacts[0].file_name, "six-1.16.0.tar.gz");
                assert_eq!(artifacts[0].sha256, SIX_SDIST);
                assert_eq!(artifacts[1].file_name, "six-1.16.0-py2.py3-none-any.whl");
                assert_eq!(artifacts[1].sha256, SIX_WHEEL);
            }
        }
    }

    // As lockfiles pin them, into another cache: checked against the lockfiles' digests.
    let locked_cache = temporary();
    let config = RegistryConfig::new(locked_cache.path().join("registry.sqlite"));
    let mut left_pad = package(Npm, "left-pad", "1.3.0");
    left_pad.artifact_url = Some("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz".into());
    left_pad
        .integrity
        .extend(Integrity::from_sri(LEFT_PAD).unwrap());
    let mut itoa = package(CratesIo, "itoa", "1.0.0");
    itoa.integrity
        .insert(Integrity::from_hex(HashAlgorithm::Sha256, ITOA).unwrap());
    let mut six = package(PyPI, "six", "1.16.0");
    for digest in [SIX_SDIST, SIX_WHEEL] {
        six.integrity
            .insert(Integrity::from_hex(HashAlgorithm::Sha256, digest).unwrap());
    }
    let inventory = inventory(vec![
        ("package-lock.json", Npm, vec![left_pad]),
        ("Cargo.lock", CratesIo, vec![itoa]),
        ("requirements.txt", PyPI, vec![six]),
    ]);
    let locked = fetch_artifacts(&inventory, &config, &options, |_, _| true).unwrap();
    for item in &locked.items {
        let ArtifactOutcome::Fetched(artifacts) = &item.outcome else {
            panic!("{item:?}");
        };
        for artifact in artifacts {
            let expected = match artifact.kind {
                ArtifactKind::NpmTarball => HashAlgorithm::Sha512,
                ArtifactKind::Crate | ArtifactKind::Sdist | ArtifactKind::Wheel => {
                    HashAlgorithm::Sha256
                }
            };
            assert_eq!(
                artifact.verified_by,
                Verification::LockfileDigest(expected),
                "{artifact:?}"
            );
        }
    }
    say(format!(
        "locked: {} requests, {} answered from the cache",
        locked.requests.requests, locked.requests.cache_hits
    ));
    assert_eq!(locked.requests.cache_hits, 0);

    // Warm and offline: nothing is asked.
    let mut offline = config.clone();
    offline.offline = true;
    let warm = fetch_artifacts(&inventory, &offline, &options, |_, _| true).unwrap();
    assert_eq!(warm.requests.requests, 0);
    assert_eq!(warm.requests.cache_hits, 4);
    assert_eq!(warm.items, locked.items);
}
