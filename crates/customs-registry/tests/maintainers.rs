//! Who maintains a package: npm's packument, PyPI's `ownership` and the crates.io API's owners,
//! with the evidence of locked packages and for named ones, through the cache, against a fake
//! registry.

mod common;

use std::time::{Duration, Instant};

use common::{FakeRegistry, Reply, config, inventory, package, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_registry::{check, maintainers};
use serde_json::json;

fn accounts(names: &[&str]) -> Option<Vec<String>> {
    Some(names.iter().map(|name| (*name).to_owned()).collect())
}

/// A packument of one version with `maintainers`.
fn packument(maintainers: &[&str]) -> serde_json::Value {
    let maintainers: Vec<serde_json::Value> = maintainers
        .iter()
        .map(|name| json!({"name": name, "email": format!("{name}@example.com")}))
        .collect();
    json!({
        "dist-tags": {"latest": "1.0.0"},
        "time": {"1.0.0": "2024-01-01T00:00:00Z"},
        "versions": {"1.0.0": {"license": "MIT"}},
        "maintainers": maintainers
    })
}

fn owners(logins: &[&str]) -> serde_json::Value {
    let users: Vec<serde_json::Value> = logins
        .iter()
        .map(|login| json!({"id": 1, "login": login, "kind": "user", "name": login}))
        .collect();
    json!({ "users": users })
}

#[test]
fn locked_packages_carry_their_maintainers_where_the_document_names_them() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/left-pad",
        [Reply::json(packument(&["Azer", "stevemao"]))],
    );
    server.route(
        "/pypi/demo/json",
        [Reply::json(json!({
            "info": {"version": "1.0", "author": "Someone Else"},
            "releases": {"1.0": [{"upload_time_iso_8601": "2021-05-01T09:30:00Z"}]},
            "ownership": {"organization": "Demo-Org", "roles": [{"role": "Owner", "user": "alice"}]}
        }))],
    );
    server.route(
        "/pypi/demo/1.0/json",
        [Reply::json(json!({"info": {"license": "MIT"}}))],
    );
    // A mirror that serves no `ownership`: unknown, whatever `info.author` says.
    server.route(
        "/pypi/older/json",
        [Reply::json(json!({
            "info": {"version": "1.0", "author": "alice", "maintainer": "alice"},
            "releases": {"1.0": [{"upload_time_iso_8601": "2021-05-01T09:30:00Z"}]}
        }))],
    );
    server.route(
        "/pypi/older/1.0/json",
        [Reply::json(json!({"info": {"license": "MIT"}}))],
    );
    server.route(
        "/index/ti/ny/tinyjson",
        [Reply::json(
            r#"{"name":"tinyjson","vers":"0.1.0","deps":[],"cksum":"00","features":{},"yanked":false}"#,
        )],
    );
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![package(Npm, "left-pad", "1.0.0")],
        ),
        (
            "uv.lock",
            PyPI,
            vec![package(PyPI, "demo", "1.0"), package(PyPI, "older", "1.0")],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![package(CratesIo, "tinyjson", "0.1.0")],
        ),
    ]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let evidence = check(&inventory, &config).unwrap();
    assert!(evidence.unchecked.is_empty(), "{:?}", evidence.unchecked);
    let found: Vec<Option<Vec<String>>> = evidence
        .packages
        .iter()
        .map(|item| item.maintainers.clone())
        .collect();
    assert_eq!(
        found,
        [
            accounts(&["azer", "stevemao"]),
            accounts(&["alice", "org:demo-org"]),
            None,
            // The index names no owners; the check never asks the API.
            None,
        ]
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.starts_with("/api/")),
        "{:?}",
        server.requests()
    );
    // A warm run reads them back from the cache.
    let warm = check(&inventory, &config).unwrap();
    assert_eq!(warm.packages, evidence.packages);
}

#[test]
fn maintainers_of_named_packages_in_each_registry_then_from_the_cache() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/lodash",
        [Reply::json(packument(&["jdalton", "mathias"]))],
    );
    server.route("/npm/@types%2fnode", [Reply::json(packument(&["types"]))]);
    server.route(
        "/pypi/python-dateutil/json",
        [Reply::json(json!({
            "info": {"version": "2.9.0"},
            "releases": {},
            "ownership": {"organization": null, "roles": [{"role": "Owner", "user": "pganssle"}]}
        }))],
    );
    server.route(
        "/api/crates/serde_json/owners",
        [Reply::json(owners(&["dtolnay", "github:serde-rs:publish"]))],
    );
    let directory = temporary();
    let config = config(&server, directory.path());
    let asked = [
        (Npm, "lodash"),
        (Npm, "@types/node"),
        // Written as the popular list may write it: the project's name normalised.
        (PyPI, "Python_Dateutil"),
        (CratesIo, "serde_json"),
        (Npm, "lodash"),
    ];
    let found = maintainers(&config, &asked).unwrap();
    assert_eq!(
        found.of(Npm, "lodash"),
        accounts(&["jdalton", "mathias"]).as_deref()
    );
    assert_eq!(
        found.of(Npm, "@types/node"),
        accounts(&["types"]).as_deref()
    );
    assert_eq!(
        found.of(PyPI, "python-dateutil"),
        accounts(&["pganssle"]).as_deref()
    );
    assert_eq!(
        found.of(CratesIo, "serde-json"),
        accounts(&["dtolnay", "github:serde-rs:publish"]).as_deref(),
        "crates.io names match whatever their case and separators"
    );
    assert_eq!(found.of(Npm, "react"), None, "not asked");
    assert_eq!(
        server.request_count(),
        4,
        "a name asked twice is asked once"
    );
    let api = server
        .requests()
        .into_iter()
        .find(|request| request.path.starts_with("/api/"))
        .unwrap();
    assert!(
        api.user_agent
            .as_deref()
            .is_some_and(|agent| agent.starts_with("customs/")),
        "crates.io's crawler policy asks for a User-Agent naming the tool: {api:?}"
    );

    // Within the TTL the cache answers; offline it answers however old.
    let again = maintainers(&config, &asked).unwrap();
    assert_eq!(again.of(Npm, "lodash"), found.of(Npm, "lodash"));
    assert_eq!(server.request_count(), 4);
    let mut offline = config.clone();
    offline.offline = true;
    offline.ttl = Duration::ZERO;
    let cached = maintainers(&offline, &asked).unwrap();
    assert_eq!(
        cached.of(CratesIo, "serde_json"),
        found.of(CratesIo, "serde_json")
    );
    assert_eq!(server.request_count(), 4);
}

#[test]
fn a_packument_the_check_fetched_is_not_asked_for_again() {
    let server = FakeRegistry::start();
    server.route("/npm/loadsh", [Reply::json(packument(&["mallory"]))]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "loadsh", "1.0.0")],
    )]);
    let directory = temporary();
    let config = config(&server, directory.path());
    check(&inventory, &config).unwrap();
    let found = maintainers(&config, &[(Npm, "loadsh")]).unwrap();
    assert_eq!(found.of(Npm, "loadsh"), accounts(&["mallory"]).as_deref());
    assert_eq!(server.request_count(), 1);
    assert_eq!(found.requests.cache_hits, 1);
}

#[test]
fn offline_without_a_cache_nothing_is_known_and_nothing_asked() {
    let server = FakeRegistry::start();
    server.route("/npm/lodash", [Reply::json(packument(&["jdalton"]))]);
    server.route(
        "/api/crates/serde/owners",
        [Reply::json(owners(&["dtolnay"]))],
    );
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.offline = true;
    let found = maintainers(&config, &[(Npm, "lodash"), (CratesIo, "serde")]).unwrap();
    assert_eq!(found.of(Npm, "lodash"), None);
    assert_eq!(found.of(CratesIo, "serde"), None);
    assert_eq!(server.request_count(), 0);
}

#[test]
fn failed_malformed_and_oversized_answers_leave_maintainers_unknown() {
    let server = FakeRegistry::start();
    server.route("/npm/fine", [Reply::json(packument(&["alice"]))]);
    // Not found, a server error after the retries, not JSON, a JSON answer without `users`.
    server.route("/api/crates/broken/owners", [Reply::status(500)]);
    server.route(
        "/api/crates/html/owners",
        [Reply::json("<html>rate limited</html>")],
    );
    server.route(
        "/api/crates/errors/owners",
        [Reply::json(
            json!({"errors": [{"detail": "crate `errors` does not exist"}]}),
        )],
    );
    let mut huge = packument(&["bob"]);
    huge["readme"] = json!("x".repeat(10_000));
    server.route("/npm/huge", [Reply::json(&huge)]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.max_body_bytes = 4096;
    let asked = [
        (Npm, "fine"),
        (Npm, "missing"),
        (Npm, "huge"),
        // Names that could reach other paths of the registry are not asked at all.
        (Npm, "../admin"),
        (CratesIo, "a/b"),
        (CratesIo, "broken"),
        (CratesIo, "html"),
        (CratesIo, "errors"),
    ];
    let found = maintainers(&config, &asked).unwrap();
    assert_eq!(found.of(Npm, "fine"), accounts(&["alice"]).as_deref());
    for (ecosystem, name) in &asked[1..] {
        assert_eq!(found.of(*ecosystem, name), None, "{name}");
    }
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("admin") && !r.path.contains("a/b")),
        "{:?}",
        server.requests()
    );
}

#[test]
fn crates_io_api_requests_go_one_at_a_time_and_paced() {
    let server = FakeRegistry::start();
    for name in ["one", "two", "three"] {
        server.route(
            &format!("/api/crates/{name}/owners"),
            [Reply::json(owners(&[name])).delay(Duration::from_millis(50))],
        );
    }
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.crates_api_pause = Duration::from_millis(150);
    let started = Instant::now();
    let found = maintainers(
        &config,
        &[(CratesIo, "one"), (CratesIo, "two"), (CratesIo, "three")],
    )
    .unwrap();
    assert_eq!(found.of(CratesIo, "two"), accounts(&["two"]).as_deref());
    assert_eq!(server.max_in_flight(), 1, "one request at a time");
    assert!(
        started.elapsed() >= Duration::from_millis(3 * 50 + 2 * 150),
        "three requests, a pause after each answer but the last: {:?}",
        started.elapsed()
    );
}
