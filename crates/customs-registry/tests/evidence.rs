//! One test per kind of evidence, against a fake registry serving generated documents.

mod common;

use common::{FakeRegistry, Reply, config, inventory, package, render, temporary};
use customs_core::Ecosystem::{CratesIo, Npm, PyPI};
use customs_registry::check;
use serde_json::json;

#[test]
fn publish_time_of_the_locked_version_in_each_ecosystem() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/left-pad",
        [Reply::json(json!({
            "dist-tags": {"latest": "1.3.0"},
            "time": {"created": "2014-03-14T09:09:20.762Z", "1.3.0": "2018-04-09T01:10:45.796Z"},
            "versions": {"1.3.0": {"license": "WTFPL"}}
        }))],
    );
    // PyPI: the earliest file of the release, not the first listed.
    server.route(
        "/pypi/demo/json",
        [Reply::json(json!({
            "info": {"version": "1.0"},
            "releases": {"1.0": [
                {"upload_time_iso_8601": "2021-05-02T10:00:00.000000Z", "yanked": false},
                {"upload_time_iso_8601": "2021-05-01T09:30:00.250000Z", "yanked": false}
            ]}
        }))],
    );
    server.route(
        "/pypi/demo/1.0/json",
        [Reply::json(json!({"info": {"license_expression": "MIT"}}))],
    );
    server.route(
        "/index/ti/ny/tinyjson",
        [Reply::json(concat!(
            r#"{"name":"tinyjson","vers":"0.1.0","deps":[],"cksum":"00","features":{},"yanked":false}"#,
            "\n",
            r#"{"name":"tinyjson","vers":"0.2.0","deps":[],"cksum":"01","features":{},"yanked":false,"pubtime":"2025-08-01T12:00:00Z"}"#,
            "\n"
        ))],
    );
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![package(Npm, "left-pad", "1.3.0")],
        ),
        ("uv.lock", PyPI, vec![package(PyPI, "demo", "1.0")]),
        (
            "Cargo.lock",
            CratesIo,
            vec![
                package(CratesIo, "tinyjson", "0.1.0"),
                package(CratesIo, "tinyjson", "0.2.0"),
            ],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm left-pad@1.3.0
      published: 2018-04-09T01:10:45.796Z
      provenance: false
      license: WTFPL
      latest: 1.3.0
      versions_behind: 0
    PyPI demo@1.0
      published: 2021-05-01T09:30:00.25Z
      license: MIT
      latest: 1.0
      versions_behind: 0
    crates.io tinyjson@0.1.0
      license: unknown
      latest: 0.2.0
      versions_behind: 1
    crates.io tinyjson@0.2.0
      published: 2025-08-01T12:00:00Z
      previous_version: 0.1.0
      license: unknown
      latest: 0.2.0
      versions_behind: 0
    ");
    // One index file for both versions of the crate.
    assert_eq!(server.request_count(), 4);
}

#[test]
fn yanked_releases_on_pypi_and_crates_io() {
    let server = FakeRegistry::start();
    server.route(
        "/pypi/requests/json",
        [Reply::json(json!({
            "info": {"version": "2.32.3"},
            "releases": {
                "2.31.0": [{"upload_time_iso_8601": "2023-05-22T15:12:42Z", "yanked": false}],
                "2.32.0": [
                    {"upload_time_iso_8601": "2024-05-20T15:00:00Z", "yanked": true, "yanked_reason": "Yanked due to conflicts with CVE-2024-35195 mitigation"},
                    {"upload_time_iso_8601": "2024-05-20T15:00:01Z", "yanked": true, "yanked_reason": null}
                ],
                "2.32.3": [{"upload_time_iso_8601": "2024-05-29T15:37:47Z", "yanked": false}]
            }
        }))],
    );
    server.route(
        "/index/3/l/log",
        [Reply::json(concat!(
            r#"{"name":"log","vers":"0.4.0","cksum":"00","yanked":false}"#,
            "\n",
            r#"{"name":"log","vers":"0.4.1","cksum":"01","yanked":true}"#,
            "\n"
        ))],
    );
    let inventory = inventory(vec![
        (
            "requirements.txt",
            PyPI,
            vec![
                package(PyPI, "requests", "2.32.0"),
                package(PyPI, "requests", "2.31.0"),
            ],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![package(CratesIo, "log", "0.4.1")],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r#"
    PyPI requests@2.32.0
      published: 2024-05-20T15:00:00Z
      yanked: Some("Yanked due to conflicts with CVE-2024-35195 mitigation")
      previous_version: 2.31.0
      license: unknown
      latest: 2.32.3
      versions_behind: 1
    PyPI requests@2.31.0
      published: 2023-05-22T15:12:42Z
      license: unknown
      latest: 2.32.3
      versions_behind: 1
    crates.io log@0.4.1
      yanked: None
      previous_version: 0.4.0
      license: unknown
      latest: 0.4.0
      versions_behind: 0
    "#);
}

#[test]
fn deprecated_npm_versions_carry_the_message() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/request",
        [Reply::json(json!({
            "dist-tags": {"latest": "2.88.2"},
            "time": {"2.88.0": "2018-08-10T00:00:00Z", "2.88.2": "2020-02-11T00:00:00Z"},
            "versions": {
                "2.88.0": {"deprecated": ""},
                "2.88.2": {"deprecated": "request has been deprecated, see https://github.com/request/request/issues/3142"}
            }
        }))],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package(Npm, "request", "2.88.2"),
            package(Npm, "request", "2.88.0"),
        ],
    )]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm request@2.88.2
      published: 2020-02-11T00:00:00Z
      deprecated: request has been deprecated, see https://github.com/request/request/issues/3142
      previous_version: 2.88.0
      provenance: false
      previous_provenance: false
      license: none declared
      latest: 2.88.2
      versions_behind: 0
    npm request@2.88.0
      published: 2018-08-10T00:00:00Z
      provenance: false
      license: none declared
      latest: 2.88.2
      versions_behind: 1
    ");
}

#[test]
fn removed_packages_versions_and_security_placeholders() {
    let server = FakeRegistry::start();
    // /npm/gone answers 404 (no route).
    server.route(
        "/npm/unpublished",
        [Reply::json(json!({
            "time": {
                "created": "2020-01-01T00:00:00Z",
                "unpublished": {"time": "2020-01-02T00:00:00Z", "versions": ["1.0.0"]}
            }
        }))],
    );
    server.route(
        "/npm/partly",
        [Reply::json(json!({
            "dist-tags": {"latest": "1.0.1"},
            "time": {"1.0.1": "2020-01-03T00:00:00Z"},
            "versions": {"1.0.1": {}}
        }))],
    );
    server.route(
        "/npm/malware",
        [Reply::json(json!({
            "dist-tags": {"latest": "0.0.1-security"},
            "time": {"0.0.1-security": "2024-01-01T00:00:00Z"},
            "versions": {"0.0.1-security": {"description": "security holding package"}}
        }))],
    );
    server.route(
        "/index/3/o/old",
        [Reply::json(
            r#"{"name":"old","vers":"1.0.0","cksum":"00","yanked":false}"#,
        )],
    );
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![
                package(Npm, "gone", "1.0.0"),
                package(Npm, "unpublished", "1.0.0"),
                package(Npm, "partly", "1.0.0"),
                package(Npm, "malware", "1.2.3"),
            ],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![
                package(CratesIo, "old", "0.9.0"),
                package(CratesIo, "nope", "1.0.0"),
            ],
        ),
        (
            "requirements.txt",
            PyPI,
            vec![package(PyPI, "vanished", "1.0")],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm gone@1.0.0
      removed: package-not-found
      license: unknown
    npm unpublished@1.0.0
      removed: version-not-found
      license: unknown
    npm partly@1.0.0
      removed: version-not-found
      license: unknown
      latest: 1.0.1
      versions_behind: 1
    npm malware@1.2.3
      removed: security-placeholder
      license: unknown
      latest: 0.0.1-security
      versions_behind: 0
    crates.io old@0.9.0
      removed: version-not-found
      license: unknown
      latest: 1.0.0
      versions_behind: 1
    crates.io nope@1.0.0
      removed: package-not-found
      license: unknown
    PyPI vanished@1.0
      removed: package-not-found
      license: unknown
    ");
}

#[test]
fn install_scripts_and_scripts_added_since_the_previous_version() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/native",
        [Reply::json(json!({
            "dist-tags": {"latest": "1.1.0"},
            "time": {"1.0.0": "2020-01-01T00:00:00Z", "1.1.0": "2020-02-01T00:00:00Z"},
            "versions": {
                "1.0.0": {"scripts": {"test": "jest"}},
                "1.1.0": {"gypfile": true, "scripts": {"test": "jest"}}
            }
        }))],
    );
    server.route(
        "/npm/hooks",
        [Reply::json(json!({
            "dist-tags": {"latest": "2.2.0"},
            "time": {
                "2.0.0": "2021-01-01T00:00:00Z",
                "2.1.0": "2021-02-01T00:00:00Z",
                "2.2.0": "2021-03-01T00:00:00Z"
            },
            "versions": {
                "2.0.0": {"scripts": {"preinstall": "node check.js"}},
                "2.1.0": {"scripts": {"preinstall": "node check.js", "postinstall": "node steal.js"}},
                "2.2.0": {"scripts": {"preinstall": "node check.js", "install": "", "prepare": "husky"}}
            }
        }))],
    );
    let inventory = inventory(vec![(
        "pnpm-lock.yaml",
        Npm,
        vec![
            package(Npm, "native", "1.1.0"),
            package(Npm, "hooks", "2.1.0"),
            package(Npm, "hooks", "2.2.0"),
        ],
    )]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm native@1.1.0
      published: 2020-02-01T00:00:00Z
      install_scripts: install
      previous_version: 1.0.0
      install_scripts_added: true
      provenance: false
      previous_provenance: false
      license: none declared
      latest: 1.1.0
      versions_behind: 0
    npm hooks@2.1.0
      published: 2021-02-01T00:00:00Z
      install_scripts: preinstall, postinstall
      previous_version: 2.0.0
      install_scripts_added: true
      provenance: false
      previous_provenance: false
      license: none declared
      latest: 2.2.0
      versions_behind: 1
    npm hooks@2.2.0
      published: 2021-03-01T00:00:00Z
      install_scripts: preinstall
      previous_version: 2.1.0
      provenance: false
      previous_provenance: false
      license: none declared
      latest: 2.2.0
      versions_behind: 0
    ");
}

#[test]
fn publisher_changed_from_the_previous_version_published_before() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/event-stream",
        [Reply::json(json!({
            "dist-tags": {"latest": "3.3.6"},
            "time": {
                "3.3.4": "2016-01-01T00:00:00Z",
                "3.3.6": "2018-09-16T00:00:00Z",
                // A backport published after 3.3.6 is not its previous version.
                "3.3.5": "2018-10-01T00:00:00Z"
            },
            "versions": {
                "3.3.4": {"_npmUser": {"name": "dominictarr", "email": "d@example.com"}},
                "3.3.5": {"_npmUser": {"name": "dominictarr"}},
                "3.3.6": {"_npmUser": {"name": "right9ctrl", "email": "r@example.com"}}
            }
        }))],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![package(Npm, "event-stream", "3.3.6")],
    )]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm event-stream@3.3.6
      published: 2018-09-16T00:00:00Z
      previous_version: 3.3.4
      publisher: right9ctrl
      previous_publisher: dominictarr
      provenance: false
      previous_provenance: false
      license: none declared
      latest: 3.3.6
      versions_behind: 0
    ");
}

#[test]
fn provenance_present_and_lost() {
    let server = FakeRegistry::start();
    let attested = json!({
        "url": "https://registry.npmjs.org/-/npm/v1/attestations/signed@1.0.0",
        "provenance": {"predicateType": "https://slsa.dev/provenance/v1"}
    });
    server.route(
        "/npm/signed",
        [Reply::json(json!({
            "dist-tags": {"latest": "1.1.0"},
            "time": {"1.0.0": "2024-01-01T00:00:00Z", "1.1.0": "2024-02-01T00:00:00Z"},
            "versions": {
                "1.0.0": {"dist": {"integrity": "sha512-x", "attestations": attested}},
                "1.1.0": {"dist": {"integrity": "sha512-y"}}
            }
        }))],
    );
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![
            package(Npm, "signed", "1.0.0"),
            package(Npm, "signed", "1.1.0"),
        ],
    )]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    insta::assert_snapshot!(render(&inventory, &evidence), @r"
    npm signed@1.0.0
      published: 2024-01-01T00:00:00Z
      provenance: true
      license: none declared
      latest: 1.1.0
      versions_behind: 1
    npm signed@1.1.0
      published: 2024-02-01T00:00:00Z
      previous_version: 1.0.0
      provenance: false
      previous_provenance: true
      license: none declared
      latest: 1.1.0
      versions_behind: 0
    ");
}

#[test]
fn licences_as_each_registry_declares_them() {
    let server = FakeRegistry::start();
    let npm_versions = |license: serde_json::Value| {
        json!({
            "dist-tags": {"latest": "1.0.0"},
            "time": {"1.0.0": "2020-01-01T00:00:00Z"},
            "versions": {"1.0.0": license}
        })
    };
    server.route(
        "/npm/text",
        [Reply::json(npm_versions(json!({"license": "MIT"})))],
    );
    server.route(
        "/npm/object",
        [Reply::json(npm_versions(
            json!({"license": {"type": "ISC", "url": "x"}}),
        ))],
    );
    server.route(
        "/npm/legacy",
        [Reply::json(npm_versions(
            json!({"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}),
        ))],
    );
    let project = json!({
        "info": {"version": "1.0"},
        "releases": {"1.0": [{"upload_time_iso_8601": "2020-01-01T00:00:00Z"}]}
    });
    for name in ["expression", "field", "classifier"] {
        server.route(&format!("/pypi/{name}/json"), [Reply::json(&project)]);
    }
    server.route(
        "/pypi/expression/1.0/json",
        [Reply::json(
            json!({"info": {"license_expression": "Apache-2.0 OR MIT", "license": "see file"}}),
        )],
    );
    server.route(
        "/pypi/field/1.0/json",
        [Reply::json(
            json!({"info": {"license_expression": null, "license": "BSD-3-Clause"}}),
        )],
    );
    server.route(
        "/pypi/classifier/1.0/json",
        [Reply::json(json!({"info": {
            "license": "Copyright (c) 2020\n\nPermission is hereby granted, free of charge, ...",
            "classifiers": ["Development Status :: 5", "License :: OSI Approved :: MIT License"]
        }}))],
    );
    server.route(
        "/index/se/rd/serde",
        [Reply::json(
            r#"{"name":"serde","vers":"1.0.0","cksum":"00","yanked":false}"#,
        )],
    );
    let inventory = inventory(vec![
        (
            "package-lock.json",
            Npm,
            vec![
                package(Npm, "text", "1.0.0"),
                package(Npm, "object", "1.0.0"),
                package(Npm, "legacy", "1.0.0"),
            ],
        ),
        (
            "poetry.lock",
            PyPI,
            vec![
                package(PyPI, "expression", "1.0"),
                package(PyPI, "field", "1.0"),
                package(PyPI, "classifier", "1.0"),
            ],
        ),
        (
            "Cargo.lock",
            CratesIo,
            vec![package(CratesIo, "serde", "1.0.0")],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    let licences: Vec<(Option<&str>, bool)> = evidence
        .packages
        .iter()
        .map(|p| (p.license.as_deref(), p.license_known))
        .collect();
    assert_eq!(
        licences,
        [
            (Some("MIT"), true),
            (Some("ISC"), true),
            (Some("MIT OR Apache-2.0"), true),
            (Some("Apache-2.0 OR MIT"), true),
            (Some("BSD-3-Clause"), true),
            (Some("MIT License"), true),
            // The sparse index has no licence.
            (None, false),
        ]
    );
}

#[test]
fn latest_and_versions_behind_count_stable_unyanked_releases() {
    let server = FakeRegistry::start();
    server.route(
        "/npm/lib",
        [Reply::json(json!({
            "dist-tags": {"latest": "2.0.0", "next": "3.0.0-beta.1"},
            "time": {
                "1.0.0": "2020-01-01T00:00:00Z", "1.1.0": "2020-02-01T00:00:00Z",
                "1.2.0-rc.1": "2020-03-01T00:00:00Z", "2.0.0": "2020-04-01T00:00:00Z",
                "3.0.0-beta.1": "2020-05-01T00:00:00Z"
            },
            "versions": {"1.0.0": {}, "1.1.0": {}, "1.2.0-rc.1": {}, "2.0.0": {}, "3.0.0-beta.1": {}}
        }))],
    );
    let file = |time: &str, yanked: bool| json!([{"upload_time_iso_8601": time, "yanked": yanked}]);
    server.route(
        "/pypi/tool/json",
        [Reply::json(json!({
            "info": {"version": "1.3"},
            "releases": {
                "1.0": file("2020-01-01T00:00:00Z", false),
                "1.1": file("2020-02-01T00:00:00Z", true),
                "1.2.dev1": file("2020-03-01T00:00:00Z", false),
                "1.2": file("2020-04-01T00:00:00Z", false),
                "1.2.post1": file("2020-04-02T00:00:00Z", false),
                "1.3": file("2020-05-01T00:00:00Z", false),
                "2.0a1": file("2020-06-01T00:00:00Z", false)
            }
        }))],
    );
    server.route(
        "/index/3/r/rng",
        [Reply::json(concat!(
            r#"{"name":"rng","vers":"0.8.0","cksum":"0","yanked":false}"#,
            "\n",
            r#"{"name":"rng","vers":"0.8.5","cksum":"1","yanked":false}"#,
            "\n",
            r#"{"name":"rng","vers":"0.9.0","cksum":"2","yanked":true}"#,
            "\n",
            r#"{"name":"rng","vers":"0.10.0-alpha.1","cksum":"3","yanked":false}"#,
            "\n"
        ))],
    );
    let inventory = inventory(vec![
        (
            "yarn.lock",
            Npm,
            vec![
                package(Npm, "lib", "1.0.0"),
                package(Npm, "lib", "3.0.0-beta.1"),
            ],
        ),
        ("pdm.lock", PyPI, vec![package(PyPI, "tool", "1.0")]),
        (
            "Cargo.lock",
            CratesIo,
            vec![package(CratesIo, "rng", "0.8.0")],
        ),
    ]);
    let directory = temporary();
    let evidence = check(&inventory, &config(&server, directory.path())).unwrap();
    let behind: Vec<(Option<&str>, Option<u32>)> = evidence
        .packages
        .iter()
        .map(|p| (p.latest.as_deref(), p.versions_behind))
        .collect();
    assert_eq!(
        behind,
        [
            // 1.1.0 and 2.0.0; not the release candidate.
            (Some("2.0.0"), Some(2)),
            // Ahead of latest.
            (Some("2.0.0"), Some(0)),
            // 1.2, 1.2.post1 and 1.3; not the yanked 1.1 nor 1.2.dev1, nor 2.0a1 past latest.
            (Some("1.3"), Some(3)),
            // The index names no latest: the highest non-yanked stable, 0.8.5.
            (Some("0.8.5"), Some(1)),
        ]
    );
}
