//! `customs explain`, `customs init`, and the house rules of customs.toml applied by `scan`.

mod common;

use common::{customs_in, json, stderr, stdout, write};
use customs_core::Code;

#[test]
fn explain_names_every_code_and_explains_one() {
    let dir = tempfile::tempdir().unwrap();
    let listing = customs_in(&["explain"], dir.path(), &[]);
    assert!(listing.status.success());
    let text = stdout(&listing);
    for code in Code::ALL {
        assert!(
            text.lines()
                .any(|line| line.starts_with(&format!("{} ", code.as_str()))),
            "{code} missing from the listing"
        );
    }
    let one = customs_in(&["explain", "cooldown"], dir.path(), &[]);
    assert!(one.status.success());
    assert!(stdout(&one).starts_with("cooldown (default level: warn)\n\n"));
    assert!(stdout(&one).contains(Code::Cooldown.explanation()));
    let unknown = customs_in(&["explain", "cool-down"], dir.path(), &[]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown finding code `cool-down`"));
}

#[test]
fn init_writes_a_starting_file_once() {
    let dir = tempfile::tempdir().unwrap();
    let first = customs_in(&["init"], dir.path(), &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let written = std::fs::read_to_string(dir.path().join("customs.toml")).unwrap();
    assert_eq!(written, customs_policy::STARTER);
    std::fs::write(dir.path().join("customs.toml"), "fail-on = [\"any\"]\n").unwrap();
    let again = customs_in(&["init"], dir.path(), &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("customs.toml")).unwrap(),
        "fail-on = [\"any\"]\n"
    );
    let forced = customs_in(&["init", "--force"], dir.path(), &[]);
    assert!(forced.status.success());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("customs.toml")).unwrap(),
        customs_policy::STARTER
    );
}

#[test]
fn scan_applies_bans_sources_and_licences_and_points_at_bad_config() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::advisory_db(dir.path());
    let root = &dir.path().join("project");
    write(
        root,
        "package-lock.json",
        r#"{
  "name": "app", "version": "1.0.0", "lockfileVersion": 3,
  "packages": {
    "": { "name": "app", "version": "1.0.0", "dependencies": { "event-stream": "3.3.6", "gpl-lib": "1.0.0", "forked": "github:x/forked" } },
    "node_modules/event-stream": { "version": "3.3.6", "resolved": "https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz", "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "license": "MIT" },
    "node_modules/gpl-lib": { "version": "1.0.0", "resolved": "https://registry.npmjs.org/gpl-lib/-/gpl-lib-1.0.0.tgz", "integrity": "sha512-AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ==", "license": "GPL-3.0-only" },
    "node_modules/forked": { "version": "1.0.0", "resolved": "git+ssh://git@gitlab.example/x/forked.git#0123456789abcdef0123456789abcdef01234567", "license": "MIT" }
  }
}"#,
    );
    write(
        root,
        "customs.toml",
        r#"
[licenses]
allow = ["MIT"]

[sources]
git-hosts = ["github.com"]

[[bans]]
package = "npm:event-stream"
versions = "=3.3.6"
reason = "flatmap-stream backdoor"
"#,
    );
    let args = [
        "scan",
        ".",
        "--db",
        db.as_str(),
        "--offline",
        "--no-registry",
        "--format",
        "json",
    ];
    let output = customs_in(&args, root, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    let mut found: Vec<String> = report["findings"]
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
    found.sort();
    assert_eq!(
        found,
        [
            "deny banned event-stream",
            "deny license-denied gpl-lib",
            "deny source-not-allowed forked",
        ]
    );

    write(
        root,
        "customs.toml",
        "[sources]\ngit-hosts = \"github.com\"\n",
    );
    let bad = customs_in(&args, root, &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("customs.toml:2:"), "{}", stderr(&bad));
}
