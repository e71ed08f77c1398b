//! Artifact downloads against the fake registry: which artifact, verification, the cache, and
//! the failures, with requests counted.

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use base64::Engine as _;
use common::{
    FakeRegistry, RawServer, Reply, config, inventory, mask_port, package, package_from, temporary,
};
use customs_core::Ecosystem::{self, CratesIo, Npm, PyPI};
use customs_core::{HashAlgorithm, Integrity, Inventory, Package, Source};
use customs_registry::RegistryConfig;
use customs_registry::artifacts::{
    ArtifactOptions, ArtifactOutcome, Artifacts, fetch_artifacts, fetch_package_artifacts,
};
use serde_json::json;
use sha2::Digest as _;

fn sha256_hex(bytes: &[u8]) -> String {
    hex(&sha2::Sha256::digest(bytes))
}

fn sha1_hex(bytes: &[u8]) -> String {
    hex(&sha1::Sha1::digest(bytes))
}

fn sha512_sri(bytes: &[u8]) -> String {
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(bytes))
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Bytes standing for an artifact (never opened here: only hashed).
fn artifact(name: &str) -> Vec<u8> {
    format!("the bytes of {name}\n").into_bytes()
}

fn sri(bytes: &[u8]) -> Vec<Integrity> {
    Integrity::from_sri(&sha512_sri(bytes)).expect("sri")
}

fn sha256(bytes: &[u8]) -> Integrity {
    Integrity::from_hex(HashAlgorithm::Sha256, &sha256_hex(bytes)).expect("sha256")
}

/// An npm package whose lockfile records `url` and the SHA-512 of `bytes`.
fn npm_locked(name: &str, version: &str, url: Option<String>, bytes: &[u8]) -> Package {
    let mut package = package(Npm, name, version);
    package.artifact_url = url;
    package.integrity.extend(sri(bytes));
    package
}

fn options(directory: &Path) -> ArtifactOptions {
    ArtifactOptions {
        cache_dir: Some(directory.join("artifacts")),
        ..ArtifactOptions::default()
    }
}

fn fetch(inventory: &Inventory, config: &RegistryConfig, options: &ArtifactOptions) -> Artifacts {
    fetch_artifacts(inventory, config, options, |_, _| true).expect("artifacts")
}

/// Outcomes as text, naming packages. Each fetched file is checked here: it is in the cache
/// under its SHA-256 and holds bytes of that digest and size.
fn render(inventory: &Inventory, artifacts: &Artifacts, cache: &Path) -> String {
    let mut out = String::new();
    for item in &artifacts.items {
        let report = &inventory.lockfiles[item.lockfile];
        let package = &report.packages[item.package];
        let version = package.version.as_ref().map_or("-", |v| v.as_str());
        let name = format!("{} {}@{version}", report.ecosystem, package.name);
        match &item.outcome {
            ArtifactOutcome::Fetched(list) => {
                let _ = writeln!(out, "{name}: fetched");
                for artifact in list {
                    let _ = writeln!(
                        out,
                        "  {} {} from {}\n    {:?}, origin {:?}, {} bytes, sha256 {}…",
                        artifact.kind.code(),
                        artifact.file_name,
                        artifact.url,
                        artifact.verified_by,
                        artifact.origin,
                        artifact.size,
                        &artifact.sha256[..12],
                    );
                    let extension = artifact
                        .path
                        .file_name()
                        .and_then(|name| name.to_str())
                        .and_then(|name| name.split_once('.'))
                        .map_or("", |(_, extension)| extension);
                    let expected_path = cache
                        .join(&artifact.sha256[..2])
                        .join(format!("{}.{extension}", artifact.sha256));
                    let bytes = std::fs::read(&artifact.path).unwrap_or_default();
                    if artifact.path != expected_path
                        || sha256_hex(&bytes) != artifact.sha256
                        || bytes.len() as u64 != artifact.size
                    {
                        let _ = writeln!(out, "    BAD CACHE FILE {}", artifact.path.display());
                    }
                }
            }
            ArtifactOutcome::IntegrityMismatch {
                url,
                expected,
                actual,
            } => {
                let _ = writeln!(
                    out,
                    "{name}: integrity mismatch at {url}\n  expected {expected}\n  actual {actual}"
                );
            }
            ArtifactOutcome::Unavailable { reason } => {
                let _ = writeln!(out, "{name}: unavailable: {reason}");
            }
        }
    }
    mask_port(&mask_localhost(&out))
}

/// `http://localhost:PORT/` (the fake registry under another host name) becomes
/// `http://elsewhere/`.
fn mask_localhost(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http://localhost:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "http://localhost:".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str("http://elsewhere");
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// Every file under `directory` but the index, relative.
fn cached_files(directory: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut pending = vec![directory.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if !entry
                .file_name()
                .to_string_lossy()
                .starts_with("index.sqlite")
            {
                files.push(
                    path.strip_prefix(directory)
                        .unwrap_or(&path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    files.sort();
    files
}

#[test]
fn npm_from_the_lockfile_url_checked_against_its_sha512() {
    let server = FakeRegistry::start();
    let bytes = artifact("a");
    server.route("/files/a-1.0.0.tgz", [Reply::bytes(bytes.clone())]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "a",
            "1.0.0",
            Some(server.url("files/a-1.0.0.tgz")),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let options = options(directory.path());
    let artifacts = fetch(&inventory, &config(&server, directory.path()), &options);
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm a@1.0.0: fetched
      npm-tarball a-1.0.0.tgz from http://registry/files/a-1.0.0.tgz
        LockfileDigest(Sha512), origin Lockfile, 15 bytes, sha256 6b50ed66b712…
    ");
    // Only the tarball: the lockfile says where it is and what it hashes to.
    assert_eq!(server.request_count(), 1);
    assert_eq!(artifacts.requests.requests, 1);
}

#[test]
fn npm_from_the_packument_when_the_lockfile_records_nothing() {
    let server = FakeRegistry::start();
    let bytes = artifact("b");
    server.route(
        "/npm/b",
        [Reply::json(json!({"versions": {"1.0.0": {"dist": {
            "tarball": server.url("npm/b/-/b-1.0.0.tgz"),
            "integrity": sha512_sri(&bytes),
            "shasum": sha1_hex(&bytes),
        }}}}))],
    );
    server.route("/npm/b/-/b-1.0.0.tgz", [Reply::bytes(bytes.clone())]);
    let inventory = inventory(vec![("yarn.lock", Npm, vec![package(Npm, "b", "1.0.0")])]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm b@1.0.0: fetched
      npm-tarball b-1.0.0.tgz from http://registry/npm/b/-/b-1.0.0.tgz
        RegistryDigest(Sha512), origin Registry, 15 bytes, sha256 509a4ccf312a…
    ");
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests
            .iter()
            .all(|request| request.user_agent.as_deref() == Some(customs_registry::USER_AGENT))
    );
}

#[test]
fn npm_digest_without_url_takes_the_url_from_the_packument_and_the_digest_from_the_lockfile() {
    // pnpm records the integrity of registry packages, not their tarball URL.
    let server = FakeRegistry::start();
    let bytes = artifact("c");
    server.route(
        "/npm/@scope%2fc",
        [Reply::json(json!({"versions": {"2.0.0": {"dist": {
            "tarball": server.url("npm/@scope/c/-/c-2.0.0.tgz"),
            // The registry's own digest is not the one checked: the lockfile's is.
            "integrity": sha512_sri(b"something else"),
        }}}}))],
    );
    server.route("/npm/@scope/c/-/c-2.0.0.tgz", [Reply::bytes(bytes.clone())]);
    let inventory = inventory(vec![(
        "pnpm-lock.yaml",
        Npm,
        vec![npm_locked("@scope/c", "2.0.0", None, &bytes)],
    )]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let options = options(directory.path());
    let artifacts = fetch(&inventory, &config, &options);
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm @scope/c@2.0.0: fetched
      npm-tarball c-2.0.0.tgz from http://registry/npm/@scope/c/-/c-2.0.0.tgz
        LockfileDigest(Sha512), origin Registry, 15 bytes, sha256 a4d7d0b4ad0d…
    ");
    assert_eq!(server.request_count(), 2);
    // Warm: the lockfile's digest finds the file; the packument is not needed.
    let warm = fetch(&inventory, &config, &options);
    assert_eq!(server.request_count(), 2);
    assert_eq!(warm.items, artifacts.items);
    assert_eq!(warm.requests.cache_hits, 1);
}

#[test]
fn npm_lockfile_urls_on_the_public_registry_are_fetched_from_the_configured_one() {
    let server = FakeRegistry::start();
    let bytes = artifact("d");
    server.route("/npm/d/-/d-1.0.0.tgz", [Reply::bytes(bytes.clone())]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "d",
            "1.0.0",
            Some("https://registry.npmjs.org/d/-/d-1.0.0.tgz".into()),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm d@1.0.0: fetched
      npm-tarball d-1.0.0.tgz from http://registry/npm/d/-/d-1.0.0.tgz
        LockfileDigest(Sha512), origin Lockfile, 15 bytes, sha256 a2f303a6bb3c…
    ");
}

#[test]
fn sha1_is_taken_only_when_it_is_all_there_is() {
    let server = FakeRegistry::start();
    let old = artifact("old");
    let both = artifact("both");
    let registry_sha1 = artifact("registry-sha1");
    server.route("/files/old-0.1.0.tgz", [Reply::bytes(old.clone())]);
    server.route("/files/both-1.0.0.tgz", [Reply::bytes(both.clone())]);
    server.route(
        "/npm/registry-sha1",
        [Reply::json(json!({"versions": {"0.2.0": {"dist": {
            "tarball": server.url("npm/registry-sha1/-/registry-sha1-0.2.0.tgz"),
            "shasum": sha1_hex(&registry_sha1),
        }}}}))],
    );
    server.route(
        "/npm/registry-sha1/-/registry-sha1-0.2.0.tgz",
        [Reply::bytes(registry_sha1.clone())],
    );
    // An old package-lock: `integrity: sha1-…`.
    let mut old_package = package(Npm, "old", "0.1.0");
    old_package.artifact_url = Some(server.url("files/old-0.1.0.tgz"));
    old_package
        .integrity
        .insert(Integrity::from_hex(HashAlgorithm::Sha1, &sha1_hex(&old)).expect("sha1"));
    // Both: the SHA-512 is checked (a wrong SHA-1 beside it is not even looked at, as npm).
    let mut both_package = npm_locked(
        "both",
        "1.0.0",
        Some(server.url("files/both-1.0.0.tgz")),
        &both,
    );
    both_package
        .integrity
        .insert(Integrity::from_hex(HashAlgorithm::Sha1, &"0".repeat(40)).expect("sha1"));
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            old_package,
            both_package,
            package(Npm, "registry-sha1", "0.2.0"),
        ],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm old@0.1.0: fetched
      npm-tarball old-0.1.0.tgz from http://registry/files/old-0.1.0.tgz
        LockfileDigest(Sha1), origin Lockfile, 17 bytes, sha256 a33d9f9d75d0…
    npm both@1.0.0: fetched
      npm-tarball both-1.0.0.tgz from http://registry/files/both-1.0.0.tgz
        LockfileDigest(Sha512), origin Lockfile, 18 bytes, sha256 1c23e950dfc6…
    npm registry-sha1@0.2.0: fetched
      npm-tarball registry-sha1-0.2.0.tgz from http://registry/npm/registry-sha1/-/registry-sha1-0.2.0.tgz
        RegistryDigest(Sha1), origin Registry, 27 bytes, sha256 8b7f6f9edce5…
    ");
}

#[test]
fn an_integrity_mismatch_keeps_nothing_and_is_asked_again() {
    let server = FakeRegistry::start();
    let locked = artifact("locked");
    server.route("/files/e-1.0.0.tgz", [Reply::bytes(artifact("tampered"))]);
    server.route("/files/f-1.0.0.crate", [Reply::bytes(artifact("tampered"))]);
    server.route(
        "/index/config.json",
        [Reply::json(
            json!({"dl": server.url("files/{crate}-{version}.crate")}),
        )],
    );
    let mut crate_package = package(CratesIo, "f", "1.0.0");
    crate_package.integrity.insert(sha256(&locked));
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![npm_locked(
                "e",
                "1.0.0",
                Some(server.url("files/e-1.0.0.tgz")),
                &locked,
            )],
        ),
        ("Cargo.lock", CratesIo, vec![crate_package]),
    ]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let options = options(directory.path());
    let artifacts = fetch(&inventory, &config, &options);
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm e@1.0.0: integrity mismatch at http://registry/files/e-1.0.0.tgz
      expected sha512:3525a7d0d5877b733c5f5b47022c7e31ed1f71b5966c5dbc7d97bd557207bd69e50558bd0d7b3850063d39f57f82ea00cea68a8432b505135ca6caeca2c24755
      actual sha512:41c30aee44ea83f4feebb7e00f4992e34482c465d830ae11eaa0ff865fcf56ee9d1163488d9f30432ceb5efb547c8a8c31c6fa5c22fe5695a31369227294ff89
    crates.io f@1.0.0: integrity mismatch at http://registry/files/f-1.0.0.crate
      expected sha256:102831b43c8c8a53e0d3ee84dc45b3f47c063341ac4b2fa17180940199854d67
      actual sha256:4a7b142218d1885b341e0d072809ece06c48566fb1b5a936e99f35315e2f3a89
    ");
    assert_eq!(
        cached_files(&directory.path().join("artifacts")),
        Vec::<String>::new()
    );
    let before = server.request_count();
    let again = fetch(&inventory, &config, &options);
    assert_eq!(again.items, artifacts.items);
    // Both tarballs again (the config.json of the index is kept).
    assert_eq!(server.request_count(), before + 2);
}

#[test]
fn crates_from_the_index_dl_checked_against_the_lockfile_checksum() {
    let server = FakeRegistry::start();
    let bytes = artifact("itoa");
    server.route(
        "/index/config.json",
        [Reply::json(
            json!({"dl": server.url("dl"), "api": server.url("api")}),
        )],
    );
    server.route("/dl/itoa/1.0.0/download", [Reply::bytes(bytes.clone())]);
    let mut itoa = package(CratesIo, "itoa", "1.0.0");
    itoa.integrity.insert(sha256(&bytes));
    let inventory = inventory(vec![("Cargo.lock", CratesIo, vec![itoa])]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let options = options(directory.path());
    let artifacts = fetch(&inventory, &config, &options);
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    crates.io itoa@1.0.0: fetched
      crate itoa-1.0.0.crate from http://registry/dl/itoa/1.0.0/download
        LockfileDigest(Sha256), origin Registry, 18 bytes, sha256 6f39aeaafa55…
    ");
    assert_eq!(server.request_count(), 2);
    let warm = fetch(&inventory, &config, &options);
    assert_eq!(warm.items, artifacts.items);
    assert_eq!(
        server.request_count(),
        2,
        "the checksum finds the cached crate"
    );
}

#[test]
fn a_lost_index_finds_sha256_files_by_name_and_is_rebuilt() {
    let server = FakeRegistry::start();
    let bytes = artifact("ryu");
    server.route(
        "/index/config.json",
        [Reply::json(json!({"dl": server.url("dl")}))],
    );
    server.route("/dl/ryu/1.0.0/download", [Reply::bytes(bytes.clone())]);
    let mut ryu = package(CratesIo, "ryu", "1.0.0");
    ryu.integrity.insert(sha256(&bytes));
    let inventory = inventory(vec![("Cargo.lock", CratesIo, vec![ryu])]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    let options = options(directory.path());
    let first = fetch(&inventory, &config, &options);
    assert_eq!(server.request_count(), 2);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(
            directory
                .path()
                .join(format!("artifacts/index.sqlite{suffix}")),
        );
    }
    // The crate is found by its SHA-256; only the index's config.json is asked again.
    let second = fetch(&inventory, &config, &options);
    assert_eq!(second.items, first.items);
    assert_eq!(server.request_count(), 3);
    // Rebuilt: the lockfile's checksum finds the crate again before the index is asked (which
    // a zero TTL would otherwise ask again).
    config.ttl = Duration::ZERO;
    let third = fetch(&inventory, &config, &options);
    assert_eq!(third.items, first.items);
    assert_eq!(server.request_count(), 3);
}

#[test]
fn crates_dl_templates_and_the_index_checksum() {
    let checksummed = artifact("Serde_Json");
    let unlocked = artifact("abc");
    for (dl, download_path) in [
        (
            "dl/{crate}/{version}/download",
            "/dl/Serde_Json/1.0.0/download",
        ),
        ("dl/", "/dl/Serde_Json/1.0.0/download"),
        (
            "files/{prefix}/{lowerprefix}/{crate}-{version}.crate",
            "/files/Se/rd/se/rd/Serde_Json-1.0.0.crate",
        ),
        (
            "by-hash/{sha256-checksum}",
            &format!("/by-hash/{}", sha256_hex(&checksummed)),
        ),
    ] {
        let server = FakeRegistry::start();
        server.route(
            "/index/config.json",
            [Reply::json(json!({"dl": server.url(dl)}))],
        );
        server.route(download_path, [Reply::bytes(checksummed.clone())]);
        let mut locked = package(CratesIo, "Serde_Json", "1.0.0");
        locked.integrity.insert(sha256(&checksummed));
        let inventory = inventory(vec![("Cargo.lock", CratesIo, vec![locked])]);
        let directory = temporary();
        let artifacts = fetch(
            &inventory,
            &config(&server, directory.path()),
            &options(directory.path()),
        );
        let ArtifactOutcome::Fetched(fetched) = &artifacts.items[0].outcome else {
            panic!("{dl}: {:?}", artifacts.items);
        };
        assert_eq!(
            mask_port(&fetched[0].url),
            format!("http://registry{download_path}"),
            "{dl}"
        );
    }

    // No checksum in the lockfile (an old Cargo.lock): the index entry's `cksum`.
    let server = FakeRegistry::start();
    server.route(
        "/index/config.json",
        [Reply::json(
            json!({"dl": server.url("by-hash/{sha256-checksum}")}),
        )],
    );
    server.route(
        "/index/3/a/abc",
        [Reply::bytes(
            format!(
                "{}\n{}\n",
                json!({"name": "abc", "vers": "0.9.0", "cksum": "0".repeat(64)}),
                json!({"name": "abc", "vers": "1.0.0", "cksum": sha256_hex(&unlocked)})
            )
            .into_bytes(),
        )],
    );
    server.route(
        &format!("/by-hash/{}", sha256_hex(&unlocked)),
        [Reply::bytes(unlocked.clone())],
    );
    let inventory = inventory(vec![(
        "Cargo.lock",
        CratesIo,
        vec![package(CratesIo, "abc", "1.0.0")],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    crates.io abc@1.0.0: fetched
      crate abc-1.0.0.crate from http://registry/by-hash/d62a29df235cabe77d7627d4f15f509f1ed29459fbd9069d22621979702a6d4b
        RegistryDigest(Sha256), origin Registry, 17 bytes, sha256 d62a29df235c…
    ");
}

/// A PyPI file as the JSON API lists it.
fn pypi_file(server: &FakeRegistry, filename: &str, bytes: &[u8]) -> serde_json::Value {
    let packagetype = if filename.ends_with(".whl") {
        "bdist_wheel"
    } else {
        "sdist"
    };
    json!({
        "filename": filename,
        "url": server.url(&format!("files/{filename}")),
        "packagetype": packagetype,
        "digests": {"sha256": sha256_hex(bytes), "md5": "0".repeat(32)},
    })
}

/// A release of `demo` 1.0 with an sdist and three wheels, each served.
fn demo_release(server: &FakeRegistry) -> Vec<(String, Vec<u8>)> {
    let files: Vec<(String, Vec<u8>)> = [
        "demo-1.0.tar.gz",
        "demo-1.0-cp312-cp312-win_amd64.whl",
        "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
        "demo-1.0-py3-none-any.whl",
    ]
    .into_iter()
    .map(|name| (name.to_owned(), artifact(name)))
    .collect();
    let listed: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, bytes)| pypi_file(server, name, bytes))
        .collect();
    server.route(
        "/pypi/demo/1.0/json",
        [Reply::json(json!({"urls": listed}))],
    );
    for (name, bytes) in &files {
        server.route(&format!("/files/{name}"), [Reply::bytes(bytes.clone())]);
    }
    files
}

#[test]
fn pypi_the_sdist_and_the_pure_python_wheel_from_the_registry() {
    let server = FakeRegistry::start();
    demo_release(&server);
    let inventory = inventory(vec![(
        "requirements.txt",
        PyPI,
        vec![package(PyPI, "demo", "1.0")],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    PyPI demo@1.0: fetched
      sdist demo-1.0.tar.gz from http://registry/files/demo-1.0.tar.gz
        RegistryDigest(Sha256), origin Registry, 29 bytes, sha256 fcc73f56152f…
      wheel demo-1.0-py3-none-any.whl from http://registry/files/demo-1.0-py3-none-any.whl
        RegistryDigest(Sha256), origin Registry, 39 bytes, sha256 b619fc0f6af4…
    ");
    assert_eq!(server.request_count(), 3);
}

#[test]
fn pypi_files_the_lockfile_does_not_list_are_skipped() {
    let server = FakeRegistry::start();
    let files = demo_release(&server);
    let digest_of = |name: &str| {
        files
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, bytes)| sha256(bytes))
            .expect("file")
    };
    // Compiled for Linux with hashes (pip-compile --generate-hashes, poetry): the sdist and the
    // manylinux wheel only.
    let mut linux = package(PyPI, "demo", "1.0");
    linux.integrity.insert(digest_of("demo-1.0.tar.gz"));
    linux.integrity.insert(digest_of(
        "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    ));
    // Hashes of none of the release's files.
    let mut other = package(PyPI, "demo", "1.0");
    other.integrity.insert(sha256(b"another build"));
    let inventory = inventory(vec![
        ("requirements.txt", PyPI, vec![linux]),
        ("other/requirements.txt", PyPI, vec![other]),
    ]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    PyPI demo@1.0: fetched
      sdist demo-1.0.tar.gz from http://registry/files/demo-1.0.tar.gz
        LockfileDigest(Sha256), origin Registry, 29 bytes, sha256 fcc73f56152f…
      wheel demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl from http://registry/files/demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
        LockfileDigest(Sha256), origin Registry, 81 bytes, sha256 c7e795371483…
    PyPI demo@1.0: integrity mismatch at http://registry/pypi/demo/1.0/json
      expected sha256:db45811d226b12d0521bc4af42bb9b0167446da3f240e3c704475ba1cecb3288
      actual no file of the release has one of these digests: demo-1.0.tar.gz sha256:fcc73f56152fc9934a2cdcb5b4e40e009b32d3b4d2382ce4f58948aa7a4c72b8, demo-1.0-cp312-cp312-win_amd64.whl sha256:3cc0625ce873fa0d36b1aee1d0f44acb57bf566a998a3cb93bcc1db3657d01c0, demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl sha256:c7e795371483d906d4924926b2fd409bb277bb107108d5ef04c8742252549023, demo-1.0-py3-none-any.whl sha256:b619fc0f6af41dadfef06e365c5f5499c02da5c4b5d3fdbf0dcd1feb11e9ec4f
    ");
    // One release document for both lockfiles, two files.
    assert_eq!(server.request_count(), 3);
}

#[test]
fn pypi_from_the_lockfile_url_checked_against_its_hash() {
    let server = FakeRegistry::start();
    let sdist = artifact("uv sdist");
    server.route("/files/demo-2.0.tar.gz", [Reply::bytes(sdist.clone())]);
    let mut locked = package(PyPI, "demo", "2.0");
    locked.artifact_url = Some(server.url("files/demo-2.0.tar.gz"));
    locked
        .integrity
        .insert(sha256(&sdist).with_file("demo-2.0.tar.gz"));
    locked
        .integrity
        .insert(sha256(b"a wheel").with_file("demo-2.0-py3-none-any.whl"));
    let inventory = inventory(vec![("uv.lock", PyPI, vec![locked])]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    PyPI demo@2.0: fetched
      sdist demo-2.0.tar.gz from http://registry/files/demo-2.0.tar.gz
        LockfileDigest(Sha256), origin Lockfile, 22 bytes, sha256 cf8b4955a502…
    ");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn pypi_mirrors_without_release_documents_are_read_through_the_project_document() {
    let server = FakeRegistry::start();
    let sdist = artifact("six");
    server.route("/pypi/six/1.16.0/json", [Reply::status(404)]);
    server.route(
        "/pypi/six/json",
        [Reply::json(json!({"releases": {
            "1.16.0": [pypi_file(&server, "six-1.16.0.tar.gz", &sdist)],
            "1.17.0": [],
        }}))],
    );
    server.route("/files/six-1.16.0.tar.gz", [Reply::bytes(sdist.clone())]);
    let inventory = inventory(vec![(
        "requirements.txt",
        PyPI,
        vec![package(PyPI, "six", "1.16.0")],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    PyPI six@1.16.0: fetched
      sdist six-1.16.0.tar.gz from http://registry/files/six-1.16.0.tar.gz
        RegistryDigest(Sha256), origin Registry, 17 bytes, sha256 cf94b85d871f…
    ");
}

/// One package of each ecosystem, each from its registry.
fn one_of_each(server: &FakeRegistry) -> Inventory {
    let tarball = artifact("g");
    server.route(
        "/npm/g",
        [Reply::json(json!({"versions": {"1.0.0": {"dist": {
            "tarball": server.url("npm/g/-/g-1.0.0.tgz"),
            "integrity": sha512_sri(&tarball),
        }}}}))],
    );
    server.route("/npm/g/-/g-1.0.0.tgz", [Reply::bytes(tarball)]);
    demo_release(server);
    let krate = artifact("h");
    server.route(
        "/index/config.json",
        [Reply::json(json!({"dl": server.url("dl")}))],
    );
    server.route("/dl/h/1.0.0/download", [Reply::bytes(krate.clone())]);
    let mut locked_crate = package(CratesIo, "h", "1.0.0");
    locked_crate.integrity.insert(sha256(&krate));
    inventory(vec![
        ("yarn.lock", Npm, vec![package(Npm, "g", "1.0.0")]),
        ("requirements.txt", PyPI, vec![package(PyPI, "demo", "1.0")]),
        ("Cargo.lock", CratesIo, vec![locked_crate]),
    ])
}

#[test]
fn a_warm_run_makes_no_request_and_offline_reads_the_cache() {
    let server = FakeRegistry::start();
    let inventory = one_of_each(&server);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    let options = options(directory.path());
    let cold = fetch(&inventory, &config, &options);
    let cold_requests = server.request_count();
    // npm: packument and tarball; PyPI: release and two files; crates: config and crate.
    assert_eq!(cold_requests, 7);
    assert_eq!(cold.requests.requests, 7);
    assert_eq!(cold.requests.cache_hits, 0);
    assert!(
        cold.items
            .iter()
            .all(|item| matches!(item.outcome, ArtifactOutcome::Fetched(_))),
        "{:?}",
        cold.items
    );

    let warm = fetch(&inventory, &config, &options);
    assert_eq!(server.request_count(), cold_requests);
    assert_eq!(warm.items, cold.items);
    assert_eq!(warm.requests.requests, 0);
    assert_eq!(warm.requests.cache_hits, 4);

    config.offline = true;
    let offline = fetch(&inventory, &config, &options);
    assert_eq!(server.request_count(), cold_requests);
    assert_eq!(offline.items, cold.items);

    // Offline with an empty cache: every package says why.
    let empty = temporary();
    let mut config = common::config(&server, empty.path());
    config.offline = true;
    let missing = fetch(&inventory, &config, &self::options(empty.path()));
    assert_eq!(server.request_count(), cold_requests);
    insta::assert_snapshot!(render(&inventory, &missing, &empty.path().join("artifacts")), @"
    npm g@1.0.0: unavailable: offline, not in the artifact cache
    PyPI demo@1.0: unavailable: offline, not in the artifact cache
    crates.io h@1.0.0: unavailable: offline, not in the artifact cache
    ");
}

#[test]
fn a_cached_file_changed_on_disk_is_never_returned_and_is_fetched_again() {
    let server = FakeRegistry::start();
    let bytes = artifact("i");
    server.route("/files/i-1.0.0.tgz", [Reply::bytes(bytes.clone())]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "i",
            "1.0.0",
            Some(server.url("files/i-1.0.0.tgz")),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    let options = options(directory.path());
    let first = fetch(&inventory, &config, &options);
    let ArtifactOutcome::Fetched(fetched) = &first.items[0].outcome else {
        panic!("{:?}", first.items);
    };
    std::fs::write(&fetched[0].path, b"changed on disk").expect("write");
    config.offline = true;
    let offline = fetch(&inventory, &config, &options);
    insta::assert_snapshot!(render(&inventory, &offline, &directory.path().join("artifacts")), @"npm i@1.0.0: unavailable: offline, not in the artifact cache");
    config.offline = false;
    let again = fetch(&inventory, &config, &options);
    assert_eq!(again.items, first.items);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn not_found_server_errors_oversized_bodies_and_hosts_elsewhere_are_unavailable() {
    let server = FakeRegistry::start();
    let big = vec![b'x'; 4096];
    server.route("/files/gone-1.0.0.tgz", [Reply::status(404)]);
    server.route("/files/broken-1.0.0.tgz", [Reply::status(503)]);
    server.route("/files/big-1.0.0.tgz", [Reply::bytes(big.clone())]);
    server.route(
        "/npm/elsewhere",
        [Reply::json(json!({"versions": {"1.0.0": {"dist": {
            // The fake registry is 127.0.0.1; `localhost` is another host name.
            "tarball": server.url("files/elsewhere-1.0.0.tgz").replace("127.0.0.1", "localhost"),
            "integrity": sha512_sri(b"x"),
        }}}}))],
    );
    server.route(
        "/npm/no-such-version",
        [Reply::json(json!({"versions": {}}))],
    );
    // A body without a length, cut off only by the cap while it streams.
    let mut chunked =
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n".to_vec();
    for _ in 0..8 {
        chunked.extend_from_slice(b"400\r\n");
        chunked.extend_from_slice(&[b'y'; 1024]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let raw = RawServer::start(chunked);
    let locked = |name: &str, url: String| npm_locked(name, "1.0.0", Some(url), &big);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            locked("gone", server.url("files/gone-1.0.0.tgz")),
            locked("broken", server.url("files/broken-1.0.0.tgz")),
            locked("big", server.url("files/big-1.0.0.tgz")),
            locked("streamed", raw.url("files/streamed-1.0.0.tgz")),
            package(Npm, "elsewhere", "1.0.0"),
            package(Npm, "no-such-version", "1.0.0"),
            package(Npm, "missing", "1.0.0"),
        ],
    )]);
    let directory = temporary();
    let mut options = options(directory.path());
    options.max_artifact_bytes = 2048;
    let artifacts = fetch(&inventory, &config(&server, directory.path()), &options);
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm gone@1.0.0: unavailable: GET http://registry/files/gone-1.0.0.tgz: not found
    npm broken@1.0.0: unavailable: GET http://registry/files/broken-1.0.0.tgz: HTTP 503 Service Unavailable (3 attempts)
    npm big@1.0.0: unavailable: GET http://registry/files/big-1.0.0.tgz: the response is larger than 2048 bytes
    npm streamed@1.0.0: unavailable: GET http://registry/files/streamed-1.0.0.tgz: the response is larger than 2048 bytes
    npm elsewhere@1.0.0: unavailable: the registry names `http://elsewhere/files/elsewhere-1.0.0.tgz`, on another host than the registry (127.0.0.1): only a lockfile's own URL is fetched from elsewhere
    npm no-such-version@1.0.0: unavailable: the registry lists no version `1.0.0` (http://registry/npm/no-such-version)
    npm missing@1.0.0: unavailable: GET http://registry/npm/missing: not found
    ");
    // `broken`: an attempt and two retries.
    let broken = server
        .requests()
        .iter()
        .filter(|request| request.path == "/files/broken-1.0.0.tgz")
        .count();
    assert_eq!(broken, 3);
    assert_eq!(artifacts.requests.retries, 2);
    assert_eq!(raw.connections.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Nothing was asked of another host.
    assert!(
        !server
            .requests()
            .iter()
            .any(|request| request.path.contains("elsewhere-1.0.0"))
    );
    assert_eq!(
        cached_files(&directory.path().join("artifacts")),
        Vec::<String>::new()
    );
}

#[test]
fn a_body_cut_short_is_retried_and_leaves_no_partial_file() {
    let bytes = artifact("cut");
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        bytes.len() + 100
    )
    .into_bytes();
    response.extend_from_slice(&bytes);
    let raw = RawServer::start(response);
    let server = FakeRegistry::start();
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "cut",
            "1.0.0",
            Some(raw.url("files/cut-1.0.0.tgz")),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    let ArtifactOutcome::Unavailable { reason } = &artifacts.items[0].outcome else {
        panic!("{:?}", artifacts.items);
    };
    let reason = mask_port(reason);
    assert!(
        reason.starts_with("GET http://registry/files/cut-1.0.0.tgz: ")
            && reason.ends_with("(3 attempts)"),
        "{reason}"
    );
    assert_eq!(raw.connections.load(std::sync::atomic::Ordering::SeqCst), 3);
    assert_eq!(
        cached_files(&directory.path().join("artifacts")),
        Vec::<String>::new()
    );
}

#[test]
fn a_download_that_stalls_times_out() {
    let server = FakeRegistry::start();
    let bytes = artifact("stalls");
    server.route(
        "/files/stalls-1.0.0.tgz",
        [Reply::bytes(bytes.clone()).delay(Duration::from_secs(3))],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "stalls",
            "1.0.0",
            Some(server.url("files/stalls-1.0.0.tgz")),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.timeout = Duration::from_millis(200);
    config.retries = 1;
    let started = std::time::Instant::now();
    let artifacts = fetch(&inventory, &config, &options(directory.path()));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"npm stalls@1.0.0: unavailable: GET http://registry/files/stalls-1.0.0.tgz: timed out (2 attempts)");
}

#[test]
fn a_retried_download_starts_over() {
    let server = FakeRegistry::start();
    let bytes = artifact("j");
    server.route(
        "/files/j-1.0.0.tgz",
        [
            Reply::status(429).header("retry-after", "0"),
            Reply::status(500),
            Reply::bytes(bytes.clone()),
        ],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![npm_locked(
            "j",
            "1.0.0",
            Some(server.url("files/j-1.0.0.tgz")),
            &bytes,
        )],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    assert!(
        matches!(&artifacts.items[0].outcome, ArtifactOutcome::Fetched(list) if list.len() == 1),
        "{:?}",
        artifacts.items
    );
    assert_eq!(
        (artifacts.requests.requests, artifacts.requests.retries),
        (3, 2)
    );
    assert_eq!(
        cached_files(&directory.path().join("artifacts")).len(),
        1,
        "one file, no partial left behind"
    );
}

#[test]
fn credentials_are_sent_to_their_host_only_and_never_shown() {
    let server = FakeRegistry::start();
    let tarball = artifact("k");
    let locked_bytes = artifact("l");
    server.route(
        "/npm/k",
        [Reply::json(json!({"versions": {"1.0.0": {"dist": {
            "tarball": server.url("npm/k/-/k-1.0.0.tgz"),
            "integrity": sha512_sri(&tarball),
        }}}}))],
    );
    server.route("/npm/k/-/k-1.0.0.tgz", [Reply::bytes(tarball)]);
    server.route(
        "/npm/m",
        [Reply::json(json!({"versions": {"1.0.0": {"dist": {
            "tarball": server.url("npm/m/-/m-1.0.0.tgz").replace("127.0.0.1", "localhost"),
        }}}}))],
    );
    server.route("/files/l-1.0.0.tgz", [Reply::bytes(locked_bytes.clone())]);
    server.route("/files/n-1.0.0.tgz", [Reply::bytes(artifact("not n"))]);
    let with_token = |path: &str| {
        server
            .url(path)
            .replace("http://", "http://reader:t0ken-in-lockfile@")
    };
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package(Npm, "k", "1.0.0"),
            npm_locked(
                "l",
                "1.0.0",
                Some(with_token("files/l-1.0.0.tgz")),
                &locked_bytes,
            ),
            package(Npm, "m", "1.0.0"),
            npm_locked(
                "n",
                "1.0.0",
                Some(with_token("files/n-1.0.0.tgz")),
                &locked_bytes,
            ),
            package(Npm, "missing", "1.0.0"),
        ],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.npm = server
        .url("npm/")
        .replace("http://", "http://user:s3cret@")
        .parse()
        .expect("url");
    let artifacts = fetch(&inventory, &config, &options(directory.path()));
    let shown = format!(
        "{}\n{artifacts:?}",
        render(&inventory, &artifacts, &directory.path().join("artifacts"))
    );
    assert!(!shown.contains("s3cret"), "{shown}");
    assert!(!shown.contains("t0ken"), "{shown}");
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm k@1.0.0: fetched
      npm-tarball k-1.0.0.tgz from http://registry/npm/k/-/k-1.0.0.tgz
        RegistryDigest(Sha512), origin Registry, 15 bytes, sha256 dcd5ee11cb17…
    npm l@1.0.0: fetched
      npm-tarball l-1.0.0.tgz from http://registry/files/l-1.0.0.tgz
        LockfileDigest(Sha512), origin Lockfile, 15 bytes, sha256 5298faf38132…
    npm m@1.0.0: unavailable: the registry names `http://elsewhere/npm/m/-/m-1.0.0.tgz`, on another host than the registry (127.0.0.1): only a lockfile's own URL is fetched from elsewhere
    npm n@1.0.0: integrity mismatch at http://registry/files/n-1.0.0.tgz
      expected sha512:f187c509a02627a61594a9b919e4f0bc2cfd42ded93c98c95cfc0f632f59e5e2329c80f0541780d3a4733b36381a58ceac0e6f1dcb26e068f77d71552d2cada2
      actual sha512:bb225ccb292ded640d12685e22c866a9ab2b3f70e30ae191e2c81b3a7523396fe0742cf508b6ed257b0fdbcdd8a9d9df87a30399672b282a3ba2805f06e02226
    npm missing@1.0.0: unavailable: GET http://registry/npm/missing: not found
    ");
    let basic = |credentials: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        )
    };
    let authorization = |path: &str| {
        server
            .requests()
            .iter()
            .find(|request| request.path == path)
            .and_then(|request| request.authorization.clone())
    };
    // The registry's credentials go with the packument and the tarball on its host; the
    // lockfile's own with its own URL.
    assert_eq!(authorization("/npm/k"), Some(basic("user:s3cret")));
    assert_eq!(
        authorization("/npm/k/-/k-1.0.0.tgz"),
        Some(basic("user:s3cret"))
    );
    assert_eq!(
        authorization("/files/l-1.0.0.tgz"),
        Some(basic("reader:t0ken-in-lockfile"))
    );
}

#[test]
fn requests_in_flight_stay_within_the_concurrency_limit() {
    let server = FakeRegistry::start();
    let packages: Vec<Package> = (0..8)
        .map(|index| {
            let name = format!("p{index}");
            let bytes = artifact(&name);
            let path = format!("files/{name}-1.0.0.tgz");
            server.route(
                &format!("/{path}"),
                [Reply::bytes(bytes.clone()).delay(Duration::from_millis(150))],
            );
            npm_locked(&name, "1.0.0", Some(server.url(&path)), &bytes)
        })
        .collect();
    let inventory = inventory(vec![("package-lock.json", Npm, packages)]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.concurrency = 3;
    let artifacts = fetch(&inventory, &config, &options(directory.path()));
    assert!(
        artifacts
            .items
            .iter()
            .all(|item| matches!(item.outcome, ArtifactOutcome::Fetched(_)))
    );
    assert_eq!(server.request_count(), 8);
    assert_eq!(server.max_in_flight(), 3);
}

#[test]
fn packages_without_a_fetchable_artifact_say_why() {
    let server = FakeRegistry::start();
    let url_bytes = artifact("tarball by URL");
    server.route("/files/by-url.tgz", [Reply::bytes(url_bytes.clone())]);
    let mut by_url = package_from(
        Npm,
        "by-url",
        Some("1.0.0"),
        Source::Url {
            url: server.url("files/by-url.tgz"),
        },
    );
    by_url.integrity.extend(sri(&url_bytes));
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package_from(
                Npm,
                "git-dep",
                Some("1.0.0"),
                Source::Git {
                    url: "https://token@github.com/a/b.git".into(),
                    commit: Some("0123abc".into()),
                    reference: None,
                },
            ),
            package_from(
                Npm,
                "local",
                Some("1.0.0"),
                Source::Path {
                    path: "../local".into(),
                },
            ),
            package_from(
                Npm,
                "member",
                Some("1.0.0"),
                Source::Workspace {
                    path: "packages/member".into(),
                },
            ),
            package_from(
                Npm,
                "unhashed-url",
                Some("1.0.0"),
                Source::Url {
                    url: "https://example.com/unhashed.tgz".into(),
                },
            ),
            package_from(
                Npm,
                "ftp-url",
                Some("1.0.0"),
                Source::Url {
                    url: "ftp://example.com/a.tgz".into(),
                },
            ),
            package_from(Npm, "unpinned", None, Source::registry(Npm)),
            by_url,
        ],
    )]);
    let directory = temporary();
    let artifacts = fetch(
        &inventory,
        &config(&server, directory.path()),
        &options(directory.path()),
    );
    insta::assert_snapshot!(render(&inventory, &artifacts, &directory.path().join("artifacts")), @"
    npm git-dep@1.0.0: unavailable: a git dependency (https://github.com/a/b.git at 0123abc): git checkouts are not fetched
    npm local@1.0.0: unavailable: a local path dependency (`../local`): its code is in the project, not in a registry
    npm member@1.0.0: unavailable: a workspace member: its code is the project's own
    npm unhashed-url@1.0.0: unavailable: a URL dependency without a digest in the lockfile: there is nothing to verify `https://example.com/unhashed.tgz` against
    npm ftp-url@1.0.0: unavailable: a URL dependency on `ftp://example.com/a.tgz`, which is not an http(s) URL
    npm unpinned@-: unavailable: no exact version is locked
    npm by-url@1.0.0: fetched
      npm-tarball by-url.tgz from http://registry/files/by-url.tgz
        LockfileDigest(Sha512), origin LockfileOtherHost, 28 bytes, sha256 80cae2519d20…
    ");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn one_release_by_name_without_a_lockfile() {
    let server = FakeRegistry::start();
    let tarball = artifact("left-pad");
    server.route(
        "/npm/left-pad",
        [Reply::json(json!({"versions": {"1.3.0": {"dist": {
            "tarball": server.url("npm/left-pad/-/left-pad-1.3.0.tgz"),
            "integrity": sha512_sri(&tarball),
        }}}}))],
    );
    server.route(
        "/npm/left-pad/-/left-pad-1.3.0.tgz",
        [Reply::bytes(tarball)],
    );
    let directory = temporary();
    let config = config(&server, directory.path());
    // The default cache directory: `artifacts/` beside the registry cache.
    let options = ArtifactOptions::default();
    assert_eq!(
        options.cache_dir_for(&config),
        directory.path().join("artifacts")
    );
    let outcome =
        fetch_package_artifacts(Npm, "left-pad", "1.3.0", &config, &options).expect("artifacts");
    let ArtifactOutcome::Fetched(fetched) = &outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(fetched[0].file_name, "left-pad-1.3.0.tgz");
    assert!(
        fetched[0]
            .path
            .starts_with(directory.path().join("artifacts"))
    );
    let invalid = fetch_package_artifacts(Ecosystem::Npm, "../etc", "1.0.0", &config, &options)
        .expect("artifacts");
    assert!(
        matches!(&invalid, ArtifactOutcome::Unavailable { reason } if reason.contains("../etc")),
        "{invalid:?}"
    );
}
