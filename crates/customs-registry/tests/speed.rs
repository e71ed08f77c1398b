//! The warm-cache goal: the registry checks for the 1,405 registry packages of vite's
//! `pnpm-lock.yaml` take no longer than scanning that file. Generated answers for every package
//! are served by the fake registry; a cold run fills the cache; warm runs are timed.

mod common;

use std::io::Write as _;
use std::time::{Duration, Instant};

use common::{FakeRegistry, Reply, config, temporary};
use customs_core::Source;
use serde_json::json;

const LOCKFILE: &str = "lockfiles/npm/vitejs-vite__pnpm-v9.0/pnpm-lock.yaml";

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn warm_cache_checks_of_the_vite_lockfile() {
    let Some(data) = customs_testdata::shared_data("registry warm-cache speed check") else {
        return;
    };
    let path = data.join(LOCKFILE);
    let options = customs_discover::Options::default();
    let inventory = customs_discover::scan(std::slice::from_ref(&path), &options);
    assert!(inventory.errors.is_empty(), "{:?}", inventory.errors);

    let server = FakeRegistry::start();
    let mut names = std::collections::BTreeMap::new();
    for (_, package) in inventory.packages() {
        if let (Source::Registry { .. }, Some(version)) = (&package.source, &package.version) {
            names
                .entry(package.name.as_str().to_owned())
                .or_insert_with(Vec::new)
                .push(version.as_str().to_owned());
        }
    }
    let registry_packages: usize = names.values().map(Vec::len).sum();
    for (name, locked) in &names {
        // Each locked version, and ten older releases before it.
        let mut versions = serde_json::Map::new();
        let mut times = serde_json::Map::new();
        for (index, version) in locked.iter().enumerate() {
            for older in 0..10 {
                let old = format!("0.{index}.{older}");
                times.insert(
                    old.clone(),
                    json!(format!("2020-01-{:02}T00:00:00Z", older + 1)),
                );
                versions.insert(old, json!({"_npmUser": {"name": "old"}, "license": "MIT"}));
            }
            times.insert(version.clone(), json!("2024-06-01T00:00:00Z"));
            versions.insert(
                version.clone(),
                json!({"_npmUser": {"name": "new"}, "license": "MIT", "scripts": {"postinstall": "x"},
                       "dist": {"attestations": {"url": "u"}}}),
            );
        }
        let packument =
            json!({"dist-tags": {"latest": locked[0]}, "time": times, "versions": versions});
        let path = format!("/npm/{}", name.replace('/', "%2f"));
        server.route(&path, [Reply::json(packument)]);
    }

    let directory = temporary();
    let config = config(&server, directory.path());
    let cold_started = Instant::now();
    let cold = customs_registry::check(&inventory, &config).unwrap();
    let cold_time = cold_started.elapsed();
    assert!(
        cold.unchecked.is_empty(),
        "{:?}",
        &cold.unchecked[..cold.unchecked.len().min(3)]
    );
    assert_eq!(cold.packages.len(), registry_packages);

    let mut warm_times = Vec::new();
    let mut scan_times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let warm = customs_registry::check(&inventory, &config).unwrap();
        warm_times.push(started.elapsed());
        assert_eq!(warm.requests.requests, 0);
        assert_eq!(warm.packages, cold.packages);
        let started = Instant::now();
        let _ = customs_discover::scan(std::slice::from_ref(&path), &options);
        scan_times.push(started.elapsed());
    }
    let (warm, scan) = (median(warm_times), median(scan_times));
    let _ = writeln!(
        std::io::stderr(),
        "registry checks of {registry_packages} packages ({} names): cold {cold_time:.1?} ({} requests), \
         warm {warm:.2?} (median of 5), offline scan of the file {scan:.2?}",
        names.len(),
        cold.requests.requests,
    );
    assert!(warm < Duration::from_secs(5), "warm run took {warm:?}");
}
