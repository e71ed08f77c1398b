//! Hostile input for every parser: truncations and byte flips of real lockfiles (from the shared
//! corpus when present, else small built-in seeds), and pathological nesting. A parser may
//! refuse any of it, but must never panic, hang or blow the stack. The cargo-fuzz targets in
//! `fuzz/` search the same space without bounds; this is the deterministic slice CI runs.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a panic is the failure report"
)]

use std::time::{Duration, Instant};

use customs_lockfile::manifest::ManifestKind;
use customs_lockfile::{Format, Input};

/// A small deterministic generator, so a failure reproduces.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }
}

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> = vec![
        "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"b\"]\n".into(),
        "{\"lockfileVersion\": 3, \"packages\": {\"\": {}, \"node_modules/a\": {\"version\": \"1.0.0\"}}}".into(),
        "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {}\npackages: {}\n".into(),
        "# yarn lockfile v1\n\na@^1.0.0:\n  version \"1.0.0\"\n".into(),
        "requests==2.0.0 --hash=sha256:00\n-r other.txt\n".into(),
    ];
    // The SBOM fixtures: CycloneDX JSON and XML, SPDX JSON.
    let sboms = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sbom");
    let mut fixtures: Vec<_> = std::fs::read_dir(sboms)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    fixtures.sort();
    for fixture in fixtures {
        seeds.push(std::fs::read_to_string(fixture).unwrap());
    }
    let dir = customs_testdata::shared_data("corpus seeds of the hostile-input test")
        .map(|d| d.join("lockfiles"));
    if let Some(dir) = dir
        && let Ok(manifest) = std::fs::read_to_string(dir.join("MANIFEST.csv"))
    {
        for line in manifest.lines().skip(1) {
            let path = line.split(',').next().unwrap_or_default();
            if let Ok(text) = std::fs::read_to_string(dir.join(path)) {
                // Large files add time, not coverage: their first 16 KiB has every shape.
                let mut end = text.len().min(16 * 1024);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                seeds.push(text[..end].to_owned());
            }
        }
    }
    seeds
}

/// Bytes that change the structure of JSON, TOML, YAML and line formats.
const NASTY: &[u8] = b"{}[]\":,\n -=#'@/\\\t\x00";

fn parse_all(text: &str) {
    let input = Input { path: "fuzz", text };
    for format in Format::ALL {
        let _ = format.parse(input);
    }
    let _ = Format::sniff(text);
    for kind in [
        ManifestKind::PackageJson,
        ManifestKind::PyProject,
        ManifestKind::CargoToml,
    ] {
        let _ = kind.parse(input);
    }
}

#[test]
fn truncated_and_corrupted_lockfiles_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let started = Instant::now();
    for seed in seeds() {
        let bytes = seed.as_bytes();
        for _ in 0..12 {
            let cut = rng.below(bytes.len() + 1);
            parse_all(&String::from_utf8_lossy(&bytes[..cut]));
            let mut corrupted = bytes.to_vec();
            for _ in 0..1 + rng.below(8) {
                let at = rng.below(corrupted.len());
                if let Some(byte) = corrupted.get_mut(at) {
                    *byte = NASTY[rng.below(NASTY.len())];
                }
            }
            parse_all(&String::from_utf8_lossy(&corrupted));
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "parsers too slow on hostile input"
    );
}

#[test]
fn pathological_nesting_is_refused_not_fatal() {
    let depth = 100_000;
    let cases = [
        "[".repeat(depth),
        "{\"a\":".repeat(depth),
        format!("a = {}", "[".repeat(depth)),
        format!("a = {}", "{b = ".repeat(depth)),
        "- ".repeat(depth),
        (0..2_000)
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect(),
        format!("packages:\n  x: &a [{}]\n", "*a,".repeat(10_000)),
        format!(
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>{}",
            "<component><components>".repeat(depth)
        ),
        format!(
            "{{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"components\": [{}",
            "{\"purl\": \"pkg:npm/a@1\", \"components\": [".repeat(depth)
        ),
        "a".repeat(1 << 20),
        "\n".repeat(1 << 20),
    ];
    for case in &cases {
        let started = Instant::now();
        parse_all(case);
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "slow on input starting {:?}",
            &case[..case.len().min(40)]
        );
    }
}
