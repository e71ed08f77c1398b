//! `customs diff --base` end to end: a git repository built in a temporary directory, a
//! change committed on a branch, an OSV mirror imported beside it, and the real binary.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a panic is the failure report"
)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{advisory_mirror, customs_in, git, json, stderr, stdout, write};
use serde_json::Value;

/// An advisory database imported from the mirror, and a git repository at `project/` with a
/// branch `main`.
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        advisory_mirror(&dir.path().join("osv"));
        let project = Project { dir };
        let output = project.customs(&[
            "db",
            "update",
            "--source",
            "osv",
            "--db",
            "advisories.sqlite",
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        std::fs::create_dir(project.path()).unwrap();
        git(&project.path(), &["init", "-q"]);
        project
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self) -> std::path::PathBuf {
        self.root().join("project")
    }

    fn write(&self, path: &str, text: &str) {
        write(&self.path(), path, text);
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.path().join(path)).unwrap();
    }

    fn commit(&self, message: &str) {
        git(&self.path(), &["add", "-A"]);
        git(
            &self.path(),
            &["commit", "-q", "--allow-empty", "-m", message],
        );
    }

    /// Commits what is written as `main`, and moves to a branch for the change.
    fn base(&self) {
        self.commit("base");
        git(&self.path(), &["checkout", "-q", "-b", "change"]);
    }

    fn customs(&self, args: &[&str]) -> Output {
        customs_in(args, self.root(), &[])
    }

    fn diff(&self, extra: &[&str]) -> Output {
        self.diff_against("main", extra)
    }

    fn diff_against(&self, base: &str, extra: &[&str]) -> Output {
        let base = format!("--base={base}");
        let mut args = vec![
            "diff",
            &base,
            "project",
            "--db",
            "advisories.sqlite",
            "--offline",
            "--no-registry",
        ];
        args.extend_from_slice(extra);
        self.customs(&args)
    }
}

/// `package-lock.json` v3: the root's dependencies, then (name, version, dependencies) of
/// packages installed at the top of `node_modules`.
fn package_lock(root: &[&str], packages: &[(&str, &str, &[&str])]) -> String {
    let map = |names: &[&str]| -> String {
        let entries: Vec<String> = names.iter().map(|n| format!(r#""{n}": "*""#)).collect();
        format!("{{{}}}", entries.join(", "))
    };
    let mut entries = vec![format!(
        r#""": {{"name": "app", "version": "1.0.0", "dependencies": {}}}"#,
        map(root)
    )];
    for (name, version, dependencies) in packages {
        entries.push(format!(
            r#""node_modules/{name}": {{"version": "{version}", "resolved": "https://registry.npmjs.org/{name}/-/{name}-{version}.tgz", "integrity": "sha512-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==", "dependencies": {}}}"#,
            map(dependencies)
        ));
    }
    format!(
        r#"{{"name": "app", "lockfileVersion": 3, "packages": {{{}}}}}"#,
        entries.join(",\n")
    )
}

fn package_json(dependencies: &[&str]) -> String {
    let entries: Vec<String> = dependencies
        .iter()
        .map(|n| format!(r#""{n}": "*""#))
        .collect();
    format!(
        r#"{{"name": "app", "version": "1.0.0", "dependencies": {{{}}}}}"#,
        entries.join(", ")
    )
}

/// A Cargo.lock v4 of a workspace member `app` (depending on `direct`) and registry packages
/// (name, version, dependencies).
fn cargo_lock(direct: &[&str], packages: &[(&str, &str, &[&str])]) -> String {
    let mut all: Vec<(&str, &str, bool, &[&str])> = vec![("app", "0.1.0", false, direct)];
    all.extend(packages.iter().map(|(n, v, d)| (*n, *v, true, *d)));
    common::cargo_lock(&all)
}

/// A poetry.lock 2.0: (name, version, dependencies); pyproject.toml says what is direct.
fn poetry_lock(packages: &[(&str, &str, &[&str])]) -> String {
    let mut text = String::new();
    for (name, version, dependencies) in packages {
        text.push_str(&format!(
            "[[package]]\nname = \"{name}\"\nversion = \"{version}\"\ndescription = \"\"\noptional = false\npython-versions = \">=3.8\"\nfiles = [{{file = \"{name}-{version}.tar.gz\", hash = \"sha256:{}\"}}]\n",
            "ab".repeat(32)
        ));
        if !dependencies.is_empty() {
            text.push_str("\n[package.dependencies]\n");
            for dependency in *dependencies {
                text.push_str(&format!("{dependency} = \"*\"\n"));
            }
        }
        text.push('\n');
    }
    text.push_str(
        "[metadata]\nlock-version = \"2.0\"\npython-versions = \"^3.11\"\ncontent-hash = \"0\"\n",
    );
    text
}

fn pyproject(dependencies: &[&str]) -> String {
    let lines: Vec<String> = dependencies
        .iter()
        .map(|d| format!("{d} = \"*\""))
        .collect();
    format!(
        "[tool.poetry]\nname = \"svc\"\nversion = \"0.1.0\"\n\n[tool.poetry.dependencies]\npython = \"^3.11\"\n{}\n",
        lines.join("\n")
    )
}

/// One line per change of the JSON document: `lockfile kind name before -> after via X`.
fn changes(document: &Value) -> Vec<String> {
    let version = |side: &Value| side["version"].as_str().unwrap_or("none").to_owned();
    document["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            let via = match &change["introduced_by"] {
                Value::Null => "-".to_owned(),
                label => format!("{}@{}", label["name"].as_str().unwrap(), version(label)),
            };
            format!(
                "{} {} {} {} -> {} via {via}",
                change["lockfile"].as_str().unwrap(),
                change["kind"].as_str().unwrap(),
                change["name"].as_str().unwrap(),
                version(&change["before"]),
                version(&change["after"]),
            )
        })
        .collect()
}

fn findings(document: &Value) -> Vec<String> {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}@{} {}{}",
                f["level"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["package"]["name"].as_str().unwrap_or("-"),
                f["package"]["version"].as_str().unwrap_or("-"),
                f["advisory"]["id"].as_str().unwrap_or("-"),
                if f["pre_existing"] == true {
                    " (pre-existing)"
                } else {
                    ""
                },
            )
        })
        .collect()
}

#[test]
fn a_change_reports_what_it_adds_changes_and_removes_in_every_ecosystem() {
    let project = Project::new();
    // npm: express with its tree, and left-pad.
    project.write("web/package.json", &package_json(&["express", "left-pad"]));
    project.write(
        "web/package-lock.json",
        &package_lock(
            &["express", "left-pad"],
            &[
                ("express", "4.17.1", &["debug"]),
                ("debug", "2.6.9", &["ms"]),
                ("ms", "2.0.0", &[]),
                ("left-pad", "1.3.0", &[]),
            ],
        ),
    );
    // Rust: serde, and rand with its core.
    project.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\nrand = \"0.8\"\n",
    );
    project.write(
        "Cargo.lock",
        &cargo_lock(
            &["rand", "serde"],
            &[
                ("rand", "0.8.5", &["rand_core"]),
                ("rand_core", "0.6.4", &[]),
                ("serde", "1.0.100", &[]),
            ],
        ),
    );
    // Python (poetry, whose lockfile says nothing of what is direct: pyproject.toml does).
    project.write("svc/pyproject.toml", &pyproject(&["django", "requests"]));
    project.write(
        "svc/poetry.lock",
        &poetry_lock(&[
            ("django", "4.2.0", &["asgiref", "sqlparse"]),
            ("asgiref", "3.7.2", &[]),
            ("sqlparse", "0.4.4", &[]),
            ("requests", "2.31.0", &["idna", "urllib3"]),
            ("idna", "3.6", &[]),
            ("urllib3", "2.1.0", &[]),
        ]),
    );
    project.base();

    // The change: a direct dependency that brings its own, a bump, a removal, in each.
    project.write("web/package.json", &package_json(&["axios", "express"]));
    project.write(
        "web/package-lock.json",
        &package_lock(
            &["axios", "express"],
            &[
                ("axios", "1.6.0", &["follow-redirects", "form-data"]),
                ("follow-redirects", "1.15.3", &[]),
                ("form-data", "4.0.0", &["asynckit"]),
                ("asynckit", "0.4.0", &[]),
                ("express", "4.18.2", &["debug"]),
                ("debug", "2.6.9", &["ms"]),
                ("ms", "2.0.0", &[]),
            ],
        ),
    );
    project.write(
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"1\"\ntokio = \"1\"\n",
    );
    project.write(
        "Cargo.lock",
        &cargo_lock(
            &["serde", "tokio"],
            &[
                ("serde", "1.0.200", &[]),
                ("tokio", "1.35.0", &["bytes", "pin-project-lite"]),
                ("bytes", "1.5.0", &[]),
                ("pin-project-lite", "0.2.13", &[]),
            ],
        ),
    );
    project.write("svc/pyproject.toml", &pyproject(&["django", "httpx"]));
    project.write(
        "svc/poetry.lock",
        &poetry_lock(&[
            ("django", "5.0.1", &["asgiref", "sqlparse"]),
            ("asgiref", "3.7.2", &[]),
            ("sqlparse", "0.4.4", &[]),
            ("httpx", "0.26.0", &["anyio", "idna"]),
            ("anyio", "4.2.0", &["idna"]),
            ("idna", "3.6", &[]),
        ]),
    );
    project.commit("change");

    let output = project.diff(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(document["schema_version"], 1);
    assert_eq!(document["base"]["revision"], "main");
    assert_eq!(
        document["base"]["commit"].as_str().unwrap(),
        git(&project.path(), &["rev-parse", "main"])
    );
    assert_eq!(
        changes(&document),
        [
            "Cargo.lock added bytes none -> 1.5.0 via tokio@1.35.0",
            "Cargo.lock added pin-project-lite none -> 0.2.13 via tokio@1.35.0",
            "Cargo.lock removed rand 0.8.5 -> none via -",
            "Cargo.lock removed rand_core 0.6.4 -> none via -",
            "Cargo.lock changed serde 1.0.100 -> 1.0.200 via serde@1.0.200",
            "Cargo.lock added tokio none -> 1.35.0 via tokio@1.35.0",
            "svc/poetry.lock added anyio none -> 4.2.0 via httpx@0.26.0",
            "svc/poetry.lock changed django 4.2.0 -> 5.0.1 via django@5.0.1",
            "svc/poetry.lock added httpx none -> 0.26.0 via httpx@0.26.0",
            "svc/poetry.lock removed requests 2.31.0 -> none via -",
            "svc/poetry.lock removed urllib3 2.1.0 -> none via -",
            "web/package-lock.json added asynckit none -> 0.4.0 via axios@1.6.0",
            "web/package-lock.json added axios none -> 1.6.0 via axios@1.6.0",
            "web/package-lock.json changed express 4.17.1 -> 4.18.2 via express@4.18.2",
            "web/package-lock.json added follow-redirects none -> 1.15.3 via axios@1.6.0",
            "web/package-lock.json added form-data none -> 4.0.0 via axios@1.6.0",
            "web/package-lock.json removed left-pad 1.3.0 -> none via -",
        ]
    );
    assert_eq!(
        document["summary"]["changes"],
        serde_json::json!({"added": 9, "changed": 3, "removed": 5})
    );
    assert!(findings(&document).is_empty());

    // The table says the same for people: each change with the direct dependency behind it.
    let output = project.diff(&[]);
    let table = stdout(&output);
    let lines: Vec<String> = table
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for expected in [
        "No known issues brought in by the change",
        "change package version via lockfile",
        "added asynckit 0.4.0 axios@1.6.0 web/package-lock.json",
        "changed express 4.17.1 -> 4.18.2 direct web/package-lock.json",
        "removed left-pad 1.3.0 web/package-lock.json",
        "Result: passed (exit status 0)",
    ] {
        assert!(
            lines.iter().any(|l| l == expected),
            "{expected:?} not in\n{table}"
        );
    }
    assert!(
        table.starts_with("9 added, 3 changed, 5 removed in 3 lockfiles against main ("),
        "{table}"
    );
}

fn npm_project(project: &Project, root: &[&str], packages: &[(&str, &str, &[&str])]) {
    project.write("package.json", &package_json(root));
    project.write("package-lock.json", &package_lock(root, packages));
}

#[test]
fn a_vulnerability_the_change_brings_in_fails_and_one_already_at_the_base_does_not() {
    // Bumped into the vulnerable range by the change: fails.
    let project = Project::new();
    npm_project(
        &project,
        &["express"],
        &[("express", "4.17.1", &["qs"]), ("qs", "6.6.0", &[])],
    );
    project.base();
    npm_project(
        &project,
        &["express"],
        &[("express", "4.17.1", &["qs"]), ("qs", "6.7.0", &[])],
    );
    let output = project.diff(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let document = json(&output);
    assert_eq!(
        findings(&document),
        ["deny vulnerability qs@6.7.0 GHSA-hrpp-h998-j3pp"]
    );
    assert_eq!(
        document["findings"][0]["dependency_path"],
        serde_json::json!(["express@4.17.1", "qs@6.7.0"])
    );
    assert_eq!(
        changes(&document),
        ["package-lock.json changed qs 6.6.0 -> 6.7.0 via express@4.17.1"]
    );
    assert_eq!(document["summary"]["outcome"], "failed");
    assert!(
        stderr(&output).contains("customs: 1 finding(s) fail the policy"),
        "{}",
        stderr(&output)
    );

    // Already at the base: the change (a new, clean package) does not fail for it, though a
    // scan of the same tree does.
    let project = Project::new();
    npm_project(
        &project,
        &["express"],
        &[("express", "4.17.1", &["qs"]), ("qs", "6.7.0", &[])],
    );
    project.base();
    npm_project(
        &project,
        &["express", "left-pad"],
        &[
            ("express", "4.17.1", &["qs"]),
            ("qs", "6.7.0", &[]),
            ("left-pad", "1.3.0", &[]),
        ],
    );
    let output = project.diff(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let document = json(&output);
    assert!(findings(&document).is_empty(), "{:?}", findings(&document));
    assert_eq!(
        changes(&document),
        ["package-lock.json added left-pad none -> 1.3.0 via left-pad@1.3.0"]
    );
    let scan = project.customs(&[
        "scan",
        "project",
        "--db",
        "advisories.sqlite",
        "--offline",
        "--no-registry",
    ]);
    assert_eq!(scan.status.code(), Some(1));
}

#[test]
fn a_malicious_package_fails_wherever_it_is() {
    let project = Project::new();
    npm_project(
        &project,
        &["evil-pkg", "express"],
        &[("evil-pkg", "1.0.0", &[]), ("express", "4.17.1", &[])],
    );
    project.base();
    npm_project(
        &project,
        &["evil-pkg", "express"],
        &[("evil-pkg", "1.0.0", &[]), ("express", "4.18.2", &[])],
    );
    let output = project.diff(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let document = json(&output);
    assert_eq!(
        findings(&document),
        ["deny malicious evil-pkg@1.0.0 MAL-2025-0001 (pre-existing)"]
    );
    assert_eq!(document["summary"]["counts"]["pre_existing"], 1);

    let table = stdout(&project.diff(&[]));
    assert!(
        table.contains("1 malicious package already at the base")
            && table.contains(
                "Already at the base (malicious packages are reported wherever they are):"
            ),
        "{table}"
    );
    let markdown = stdout(&project.diff(&["--format", "markdown"]));
    assert!(
        markdown.starts_with("**customs: failed** · No known issues brought in by the change; 1 malicious package already at the base · 1 changed in 1 lockfile against `main`"),
        "{markdown}"
    );
    assert!(
        markdown
            .contains("#### Already at the base: malicious packages fail wherever they are (1)"),
        "{markdown}"
    );
    let sarif: Value =
        serde_json::from_str(&stdout(&project.diff(&["--format", "sarif"]))).unwrap();
    let message = sarif["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("(already at the base, main ("),
        "{message}"
    );
    assert_eq!(sarif["runs"][0]["invocations"][0]["exitCode"], 1);

    // Brought in by the change, it is not pre-existing.
    let project = Project::new();
    npm_project(&project, &["express"], &[("express", "4.17.1", &[])]);
    project.base();
    npm_project(
        &project,
        &["express"],
        &[
            ("express", "4.17.1", &["evil-pkg"]),
            ("evil-pkg", "1.0.0", &[]),
        ],
    );
    let output = project.diff(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        findings(&json(&output)),
        ["deny malicious evil-pkg@1.0.0 MAL-2025-0001"]
    );
}

#[test]
fn a_base_that_cannot_be_read_is_an_error_and_says_why() {
    let project = Project::new();
    npm_project(&project, &["express"], &[("express", "4.17.1", &[])]);
    project.base();

    let output = project.diff_against("no-such-branch", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown revision `no-such-branch` in the git repository at"),
        "{}",
        stderr(&output)
    );
    let output = project.customs(&[
        "diff",
        "--base",
        "main",
        "osv",
        "--db",
        "advisories.sqlite",
        "--offline",
        "--no-registry",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output)
            .contains("customs: error: `osv` is not inside a git repository, so it has no revision to compare with"),
        "{}",
        stderr(&output)
    );
    let without_git = customs_in(
        &[
            "diff",
            "--base=main",
            "project",
            "--db",
            "advisories.sqlite",
            "--offline",
            "--no-registry",
        ],
        project.root(),
        &[("PATH", "/nonexistent")],
    );
    assert_eq!(without_git.status.code(), Some(2));
    assert!(
        stderr(&without_git)
            .contains("customs: error: cannot run `git`, which reading another revision needs: "),
        "{}",
        stderr(&without_git)
    );
    let output = project.diff_against("--output=x", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a revision customs accepts"),
        "{}",
        stderr(&output)
    );

    // A lockfile the base cannot parse: its packages all count as added, and the run errs.
    project.write("package-lock.json", "{not json");
    project.commit("broken");
    git(&project.path(), &["branch", "-q", "-f", "broken"]);
    project.remove("package-lock.json");
    npm_project(&project, &["express"], &[("express", "4.17.1", &[])]);
    let output = project.diff_against("broken", &["--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let document = json(&output);
    assert_eq!(document["base_errors"][0]["path"], "package-lock.json");
    assert_eq!(
        changes(&document),
        ["package-lock.json added express none -> 4.17.1 via express@4.17.1"]
    );
    assert!(
        stderr(&output).contains("customs: error: at broken: package-lock.json:"),
        "{}",
        stderr(&output)
    );
}
