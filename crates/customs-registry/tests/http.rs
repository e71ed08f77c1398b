//! HTTP behaviour and the cache, against a fake registry that counts requests.

mod common;

use std::time::{Duration, Instant};

use common::{
    FakeRegistry, Reply, config, inventory, mask_port, package, package_from, render, temporary,
};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_core::Source;
use customs_registry::{RegistryError, check};
use serde_json::json;

fn packument(version: &str) -> serde_json::Value {
    json!({
        "dist-tags": {"latest": version},
        "time": {version: "2024-01-01T00:00:00Z"},
        "versions": {version: {"license": "MIT"}}
    })
}

#[test]
fn rate_limited_then_success_honours_retry_after() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/busy",
        [
            Reply::status(429).header("retry-after", "1"),
            Reply::json(packument("1.0.0")),
        ],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "busy", "1.0.0")],
    )]);
    let directory = temporary();
    let started = Instant::now();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    // The backoff alone would be about 10 ms: the wait is the server's second.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(evidence.unchecked.is_empty(), "{:?}", evidence.unchecked);
    assert_eq!(evidence.packages.len(), 1);
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        (evidence.requests.requests, evidence.requests.retries),
        (2, 1)
    );
}

#[test]
fn retry_after_longer_than_the_bound_waits_the_bound() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/slow-down",
        [
            Reply::status(503).header("retry-after", "3600"),
            Reply::json(packument("1.0.0")),
        ],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "slow-down", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.max_retry_wait = Duration::from_millis(50);
    let started = Instant::now();
    let evidence = check(&inventory, &config).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(evidence.packages.len(), 1);
}

#[test]
fn server_errors_exhaust_the_retries_and_the_others_are_still_checked() {
    let server = FakeRegistry::start();
    server.route("/npm/broken", [Reply::status(500)]);
    server.route("/npm/fine", [Reply::json(packument("1.0.0"))]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package(Npm, "broken", "1.0.0"),
            package(Npm, "fine", "1.0.0"),
        ],
    )]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm fine@1.0.0
      published: 2024-01-01T00:00:00Z
      provenance: false
      license: MIT
      latest: 1.0.0
      versions_behind: 0
    unchecked npm broken@1.0.0: GET http://registry/npm/broken: HTTP 500 Internal Server Error (3 attempts)
    ");
    // One attempt and two retries for `broken`, one request for `fine`.
    assert_eq!(server.request_count(), 4);
    // A failure is not cached: the next run asks again.
    let again = check(&inventory, &config(&server, directory.path())).unwrap();
    assert_eq!(again.unchecked.len(), 1);
    assert_eq!(server.request_count(), 7);
}

#[test]
fn a_timeout_after_retries_is_unchecked() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/hangs",
        [Reply::json(packument("1.0.0")).delay(Duration::from_secs(3))],
    );
    server.route("/npm/fine", [Reply::json(packument("1.0.0"))]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package(Npm, "hangs", "1.0.0"),
            package(Npm, "fine", "1.0.0"),
        ],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.timeout = Duration::from_millis(200);
    config.retries = 1;
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.packages.len(), 1, "fine is checked");
    insta::assert_snapshot!(
        mask_port(&evidence.unchecked[0].reason),
        @"GET http://registry/npm/hangs: timed out (2 attempts)"
    );
}

#[test]
fn malformed_json_is_unchecked_without_retrying() {
    let server = FakeRegistry::start();
    server.route("/npm/garbled", [Reply::json("{\"versions\": {\"1.0.0\": ")]);
    server.route("/pypi/html/json", [Reply::json("<html>maintenance</html>")]);
    server.route("/npm/fine", [Reply::json(packument("1.0.0"))]);
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![
                package(Npm, "garbled", "1.0.0"),
                package(Npm, "fine", "1.0.0"),
            ],
        ),
        ("requirements.txt", PyPI, vec![package(PyPI, "html", "1.0")]),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    assert_eq!(evidence.packages.len(), 1);
    let reasons: Vec<String> = evidence
        .unchecked
        .iter()
        .map(|u| mask_port(&u.reason))
        .collect();
    insta::assert_snapshot!(reasons.join("\n"), @r"
    GET http://registry/npm/garbled: malformed response: EOF while parsing a value at line 1 column 23
    GET http://registry/pypi/html/json: malformed response: expected a JSON object
    ");
    // garbled, html (project and release), fine: no retries.
    assert_eq!(server.request_count(), 4);
}

#[test]
fn an_oversized_body_is_refused_with_a_clear_reason() {
    let server = FakeRegistry::start();
    let mut huge = packument("1.0.0");
    huge["readme"] = json!("x".repeat(10_000));
    server.route("/npm/huge", [Reply::json(&huge)]);
    server.route("/npm/fine", [Reply::json(packument("1.0.0"))]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "huge", "1.0.0"), package(Npm, "fine", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.max_body_bytes = 4096;
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.packages.len(), 1);
    insta::assert_snapshot!(
        mask_port(&evidence.unchecked[0].reason),
        @"GET http://registry/npm/huge: the response is larger than 4096 bytes"
    );
}

#[test]
fn etag_revalidation_within_and_after_the_ttl() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/stable",
        [Reply::json(packument("1.0.0")).header("etag", "\"v1\"")],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "stable", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    let first = check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 1);
    assert_eq!(first.requests.requests, 1);

    // Within the TTL: no request at all, the same evidence.
    let second = check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 1);
    assert_eq!(second.requests.requests, 0);
    assert_eq!(second.requests.cache_hits, 1);
    assert_eq!(second.packages, first.packages);

    // After it: a conditional request, answered 304, and still the same evidence.
    config.ttl = Duration::ZERO;
    let third = check(&inventory, &config).unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].if_none_match.as_deref(), Some("\"v1\""));
    assert_eq!(third.requests.not_modified, 1);
    assert_eq!(third.packages, first.packages);

    // A changed document replaces what was kept, and the evidence follows.
    let mut changed = packument("1.1.0");
    changed["time"]["1.0.0"] = json!("2024-01-01T00:00:00Z");
    changed["versions"]["1.0.0"] = json!({"license": "MIT", "deprecated": "use 1.1.0"});
    server.route(
        "/npm/stable",
        [Reply::json(&changed).header("etag", "\"v2\"")],
    );
    let fourth = check(&inventory, &config).unwrap();
    assert_eq!(fourth.requests.not_modified, 0);
    let package = &fourth.packages[0];
    assert_eq!(package.latest.as_deref(), Some("1.1.0"));
    assert_eq!(package.deprecated.as_deref(), Some("use 1.1.0"));
    assert_eq!(package.versions_behind, Some(1));
}

#[test]
fn a_new_locked_version_within_the_ttl_needs_no_request() {
    let server = FakeRegistry::start();
    let mut two = packument("2.0.0");
    two["time"]["1.0.0"] = json!("2023-01-01T00:00:00Z");
    two["versions"]["1.0.0"] = json!({});
    server.route("/npm/lib", [Reply::json(&two)]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let old = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "lib", "1.0.0")],
    )]);
    check(&old, &config).unwrap();
    let new = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "lib", "2.0.0")],
    )]);
    let evidence = check(&new, &config).unwrap();
    assert_eq!(server.request_count(), 1);
    assert_eq!(
        evidence.packages[0].previous_version.as_deref(),
        Some("1.0.0")
    );
}

#[test]
fn not_found_answers_are_cached_for_the_shorter_ttl() {
    let server = FakeRegistry::start();
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "ghost", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.negative_ttl = Duration::from_secs(3600);
    check(&inventory, &config).unwrap();
    check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 1);
    config.negative_ttl = Duration::ZERO;
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 2);
    assert_eq!(
        evidence.packages[0].removed,
        Some(customs_registry::Removed::PackageNotFound)
    );
}

#[test]
fn offline_without_and_with_a_cache() {
    let server = FakeRegistry::start();
    server.route("/npm/cached", [Reply::json(packument("1.0.0"))]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "cached", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.offline = true;
    let cold = check(&inventory, &config).unwrap();
    insta::assert_snapshot!(render(&inventory, &cold), @"unchecked npm cached@1.0.0: offline, not in the registry cache (http://registry/npm/cached)");
    assert_eq!(server.request_count(), 0);

    config.offline = false;
    let online = check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 1);

    // Offline, a cached answer is used however old it is.
    config.offline = true;
    config.ttl = Duration::ZERO;
    let warm = check(&inventory, &config).unwrap();
    assert_eq!(server.request_count(), 1);
    assert_eq!(warm.packages, online.packages);
    assert!(warm.unchecked.is_empty());
}

#[test]
fn the_concurrency_limit_is_respected() {
    let server = FakeRegistry::start();
    let mut packages = Vec::new();
    for index in 0..12 {
        let name = format!("pkg-{index}");
        server.route(
            &format!("/npm/{name}"),
            [Reply::json(packument("1.0.0")).delay(Duration::from_millis(100))],
        );
        packages.push(package(Npm, &name, "1.0.0"));
    }
    let inventory = inventory(vec![("package-lock.json", Npm, packages)]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.concurrency = 3;
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.packages.len(), 12);
    assert_eq!(server.request_count(), 12);
    assert!(
        server.max_in_flight() <= 3,
        "{} in flight",
        server.max_in_flight()
    );
    assert!(server.max_in_flight() >= 2, "requests ran one by one");
}

#[test]
fn private_registries_named_by_the_lockfile_are_asked_instead() {
    let server = FakeRegistry::start();
    server.route(
        "/private-npm/@corp%2futils",
        [Reply::json(packument("1.0.0"))],
    );
    server.route(
        "/mirror/pypi/internal/json",
        [Reply::json(json!({"info": {"version": "1.0"}, "releases": {"1.0": [{"upload_time_iso_8601": "2024-01-01T00:00:00Z"}]}}))],
    );
    server.route(
        "/cargo-index/3/a/abc",
        [Reply::json(
            r#"{"name":"abc","vers":"1.0.0","cksum":"00","yanked":false}"#,
        )],
    );
    let registry = |path: &str| Source::Registry {
        url: server.url(path),
    };
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![package_from(
                Npm,
                "@corp/utils",
                Some("1.0.0"),
                registry("private-npm"),
            )],
        ),
        (
            "poetry.lock",
            PyPI,
            vec![
                package_from(PyPI, "internal", Some("1.0"), registry("mirror/simple")),
                package_from(PyPI, "odd", Some("1.0"), registry("flat/packages")),
            ],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![package_from(
                CratesIo,
                "abc",
                Some("1.0.0"),
                registry("cargo-index"),
            )],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    assert_eq!(evidence.packages.len(), 3);
    insta::assert_snapshot!(
        mask_port(&evidence.unchecked[0].reason),
        @"the index `http://registry/flat/packages` has no known JSON API (expected a URL ending in /simple)"
    );
    let mut paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "/cargo-index/3/a/abc",
            "/mirror/pypi/internal/1.0/json",
            "/mirror/pypi/internal/json",
            "/private-npm/@corp%2futils",
        ]
    );
}

#[test]
fn shared_names_are_fetched_once_and_non_registry_packages_skipped() {
    let server = FakeRegistry::start();
    server.route("/npm/shared", [Reply::json(packument("1.0.0"))]);
    let local = package_from(
        Npm,
        "mine",
        Some("1.0.0"),
        Source::Workspace {
            path: "packages/mine".into(),
        },
    );
    let git = package_from(
        Npm,
        "forked",
        Some("1.0.0"),
        Source::Git {
            url: "https://github.com/a/b".into(),
            commit: Some("abc".into()),
            reference: None,
        },
    );
    let tarball = package_from(
        Npm,
        "tarball",
        Some("1.0.0"),
        Source::Url {
            url: "https://example.com/t.tgz".into(),
        },
    );
    let unpinned = package_from(Npm, "loose", None, Source::registry(Npm));
    let inventory = inventory(vec![
        (
            "a/package-lock.json",
            Npm,
            vec![package(Npm, "shared", "1.0.0"), local, git, tarball],
        ),
        (
            "b/package-lock.json",
            Npm,
            vec![package(Npm, "shared", "1.0.0"), unpinned],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    let checked: Vec<(usize, usize)> = evidence
        .packages
        .iter()
        .map(|p| (p.lockfile, p.package))
        .collect();
    assert_eq!(checked, [(0, 0), (1, 0)]);
    assert!(evidence.package(1, 0).is_some());
    assert!(
        evidence.package(0, 1).is_none(),
        "the workspace member is skipped"
    );
    insta::assert_snapshot!(
        format!("{:?}", evidence.unchecked),
        @r#"[Unchecked { lockfile: 1, package: 1, reason: "no exact version is locked" }]"#
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let user_agent = requests[0].user_agent.as_deref().unwrap_or_default();
    assert!(user_agent.starts_with("customs/0."), "{user_agent}");
}

#[test]
fn a_corrupt_cache_is_an_error_that_says_to_delete_it() {
    let server = FakeRegistry::start();
    let directory = temporary();
    let config = config(&server, directory.path());
    std::fs::write(
        &config.cache,
        b"this is not an SQLite database, just some bytes here",
    )
    .unwrap();
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "x", "1.0.0")],
    )]);
    let error = check(&inventory, &config).unwrap_err();
    assert!(
        matches!(error, RegistryError::CacheCorrupt { .. }),
        "{error:?}"
    );
    let message = error
        .to_string()
        .replace(&*directory.path().to_string_lossy(), "TMP");
    insta::assert_snapshot!(message, @"`TMP/registry.sqlite` is not a customs registry cache, or is corrupt: delete it and run again");
}

#[test]
fn another_sqlite_file_is_refused_and_an_old_cache_is_rebuilt() {
    let server = FakeRegistry::start();
    server.route("/npm/x", [Reply::json(packument("1.0.0"))]);
    let directory = temporary();
    let config = config(&server, directory.path());
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "x", "1.0.0")],
    )]);
    {
        let other = rusqlite::Connection::open(&config.cache).unwrap();
        other
            .execute_batch("CREATE TABLE unrelated (x INTEGER)")
            .unwrap();
    }
    assert!(matches!(
        check(&inventory, &config),
        Err(RegistryError::CacheCorrupt { .. })
    ));
    std::fs::remove_file(&config.cache).unwrap();

    check(&inventory, &config).unwrap();
    {
        let cache = rusqlite::Connection::open(&config.cache).unwrap();
        cache
            .execute(
                "UPDATE meta SET value = '0' WHERE key = 'schema_version'",
                [],
            )
            .unwrap();
    }
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.packages.len(), 1);
    assert_eq!(server.request_count(), 2, "the rebuilt cache was empty");
}

#[test]
fn a_cache_directory_that_cannot_be_created_is_an_error() {
    let directory = temporary();
    let file = directory.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let server = FakeRegistry::start();
    let mut config = config(&server, directory.path());
    config.cache = file.join("registry.sqlite");
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "x", "1.0.0")],
    )]);
    let error = check(&inventory, &config).unwrap_err();
    assert!(
        matches!(error, RegistryError::CacheDirectory { .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("cannot create the registry cache directory")
    );
}

#[test]
fn credentials_in_a_registry_url_are_sent_but_never_shown() {
    let server = FakeRegistry::start();
    server.route("/npm/x", [Reply::status(502)]);
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "x", "1.0.0")],
    )]);
    let directory = temporary();
    let mut config = config(&server, directory.path());
    config.npm = server
        .url("npm/")
        .replace("http://", "http://user:s3cret@")
        .parse()
        .unwrap();
    config.retries = 0;
    let evidence = check(&inventory, &config).unwrap();
    insta::assert_snapshot!(
        mask_port(&evidence.unchecked[0].reason),
        @"GET http://registry/npm/x: HTTP 502 Bad Gateway (1 attempt)"
    );
    let cache = rusqlite::Connection::open(&config.cache).unwrap();
    let secrets: i64 = cache
        .query_row(
            "SELECT count(*) FROM documents WHERE registry LIKE '%s3cret%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(secrets, 0);
}

#[test]
fn connection_errors_are_retried_then_unchecked() {
    // A port nothing listens on any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "x", "1.0.0")],
    )]);
    let directory = temporary();
    let server = FakeRegistry::start();
    let mut config = config(&server, directory.path());
    config.npm = format!("http://127.0.0.1:{port}/npm/").parse().unwrap();
    let evidence = check(&inventory, &config).unwrap();
    assert_eq!(evidence.requests.requests, 3);
    let reason = mask_port(&evidence.unchecked[0].reason);
    assert!(
        reason.starts_with("GET http://registry/npm/x: ") && reason.ends_with("(3 attempts)"),
        "{reason}"
    );
}
