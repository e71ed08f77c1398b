//! Reading lockfiles at a git revision: the same inventory as the working tree at that
//! revision, and clear errors for what git cannot give.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use customs_discover::{Options, RevisionError, resolve_revision, scan, scan_revision};

/// Runs git in `dir` with no user or system configuration, so the tests do not depend on the
/// machine's (a global `commit.gpgsign` would break them).
fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "customs")
        .env("GIT_AUTHOR_EMAIL", "customs@example.com")
        .env("GIT_COMMITTER_NAME", "customs")
        .env("GIT_COMMITTER_EMAIL", "customs@example.com")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn commit_all(root: &Path, message: &str) -> String {
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", message]);
    git(root, &["rev-parse", "HEAD"])
}

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

const PACKAGE_LOCK: &str = r#"{"name": "app", "lockfileVersion": 3, "packages": {
  "": {"name": "app", "version": "1.0.0", "workspaces": ["packages/*"], "dependencies": {"left-pad": "^1"}},
  "node_modules/left-pad": {"version": "1.3.0", "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"},
  "node_modules/lib": {"resolved": "packages/lib", "link": true},
  "packages/lib": {"name": "lib", "version": "0.1.0", "dependencies": {"is-odd": "^3"}},
  "node_modules/is-odd": {"version": "3.0.1", "resolved": "https://registry.npmjs.org/is-odd/-/is-odd-3.0.1.tgz"}
}}"#;

/// A tree with what a revision must read as the disk walk does: a workspace whose members
/// are found by glob, requirements includes, manifests completing a lockfile without direct
/// marks, skipped and ignored directories, a symbolic link, and a file named unusually.
fn fixture(root: &Path) {
    write(
        root,
        "package.json",
        r#"{"name": "app", "workspaces": ["packages/*"], "dependencies": {"left-pad": "^1"}}"#,
    );
    write(root, "package-lock.json", PACKAGE_LOCK);
    write(
        root,
        "packages/lib/package.json",
        r#"{"name": "lib", "devDependencies": {"is-odd": "^3"}}"#,
    );
    write(
        root,
        "py/requirements.txt",
        "-r base.txt\nrequests==2.31.0\n",
    );
    write(
        root,
        "py/base.txt",
        "urllib3==2.2.0\n-c ../constraints.txt\nidna\n",
    );
    write(root, "constraints.txt", "idna==3.6\n");
    write(
        root,
        "py/poetry/poetry.lock",
        "[[package]]\nname = \"django\"\nversion = \"5.0.1\"\n\n[[package]]\nname = \"pytest\"\nversion = \"8.0.0\"\n\n[metadata]\nlock-version = \"2.0\"\n",
    );
    write(
        root,
        "py/poetry/pyproject.toml",
        "[tool.poetry]\nname = \"svc\"\n[tool.poetry.dependencies]\nDjango = \"^5\"\n[tool.poetry.group.dev.dependencies]\npytest = \"^8\"\n",
    );
    write(root, "node_modules/dep/package-lock.json", PACKAGE_LOCK);
    write(
        root,
        "vendor/yarn.lock",
        "# yarn lockfile v1\n\n\"a@^1\":\n  version \"1.0.0\"\n",
    );
    write(root, "build/keep/Cargo.lock", "version = 4\n");
    write(root, ".gitignore", "build/\n!build/keep/\n");
    write(root, "vendor/.gitignore", "yarn.lock\n");
    write(
        root,
        "other/Cargo.lock",
        "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
    );
    std::os::unix::fs::symlink("other", root.join("linked")).unwrap();
    // A lockfile that is a link to a file outside the repository is not read, on either side.
    std::os::unix::fs::symlink("/etc/passwd", root.join("other/yarn.lock")).unwrap();
}

fn render(result: &customs_core::Inventory) -> String {
    format!("{result:#?}")
}

#[test]
fn a_revision_reads_as_the_working_tree_did() {
    let dir = repository();
    let root = dir.path();
    fixture(root);
    // Ignored files are committed anyway (forced), as happens: the revision must still skip
    // them, as the walk of a checkout would.
    git(root, &["add", "-A", "-f"]);
    git(root, &["commit", "-q", "-m", "base"]);
    let options = Options::default();
    let on_disk = scan(&[root.to_path_buf()], &options);
    assert!(on_disk.errors.is_empty(), "{:?}", on_disk.errors);
    let paths: Vec<&str> = on_disk.lockfiles.iter().map(|l| l.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "other/Cargo.lock",
            "package-lock.json",
            "py/poetry/poetry.lock",
            "py/requirements.txt"
        ],
        "the fixture covers what it should"
    );
    let at_head = scan_revision(&[root.to_path_buf()], "HEAD", &options).unwrap();
    assert_eq!(render(&at_head), render(&on_disk));

    // The same from inside the repository, with several paths, one of them a file named
    // unusually.
    write(root, "py/extra.txt", "six==1.16.0\n");
    commit_all(root, "extra");
    let paths = [
        PathBuf::from("py"),
        PathBuf::from("py/extra.txt"),
        PathBuf::from("."),
    ];
    let on_disk = scan_in(root, &paths);
    let at_head = scan_revision_in(root, &paths, "HEAD").unwrap();
    assert!(on_disk.lockfiles.iter().any(|l| l.path == "py/extra.txt"));
    assert_eq!(render(&at_head), render(&on_disk));

    // Changing the working tree does not change the revision.
    write(root, "package-lock.json", "{}");
    let again = scan_revision(&[root.join("packages/..")], "HEAD", &options).unwrap();
    let npm = again
        .lockfiles
        .iter()
        .find(|l| l.path == "package-lock.json")
        .unwrap();
    assert_eq!(npm.packages.len(), 4);

    // A file the working tree no longer has is read by name, with the manifest beside it.
    std::fs::remove_file(root.join("package-lock.json")).unwrap();
    let by_name = scan_revision(&[root.join("package-lock.json")], "HEAD", &options).unwrap();
    let npm = by_name.lockfiles.first().unwrap();
    let direct: Vec<&str> = npm
        .packages
        .iter()
        .filter(|p| p.direct)
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(
        (npm.path.as_str(), direct),
        ("package-lock.json", vec!["is-odd", "left-pad"])
    );
}

/// Runs in `root` as the current directory would, without changing the process's: the paths
/// are joined to `root` and the display paths keep the relative form.
fn scan_in(root: &Path, paths: &[PathBuf]) -> customs_core::Inventory {
    let _guard = CurrentDirectory::enter(root);
    scan(paths, &Options::default())
}

fn scan_revision_in(
    root: &Path,
    paths: &[PathBuf],
    revision: &str,
) -> Result<customs_core::Inventory, RevisionError> {
    let _guard = CurrentDirectory::enter(root);
    scan_revision(paths, revision, &Options::default())
}

/// The current directory is the process's: tests that change it hold this lock.
static CURRENT_DIRECTORY: std::sync::Mutex<()> = std::sync::Mutex::new(());

struct CurrentDirectory {
    previous: PathBuf,
    _lock: std::sync::MutexGuard<'static, ()>,
}

impl CurrentDirectory {
    fn enter(path: &Path) -> Self {
        let lock = CURRENT_DIRECTORY.lock().unwrap_or_else(|e| e.into_inner());
        let previous = std::env::current_dir().unwrap();
        std::env::set_current_dir(path).unwrap();
        Self {
            previous,
            _lock: lock,
        }
    }
}

impl Drop for CurrentDirectory {
    fn drop(&mut self) {
        let _ = std::env::set_current_dir(&self.previous);
    }
}

#[test]
fn a_file_absent_at_the_revision_holds_nothing() {
    let dir = repository();
    let root = dir.path();
    write(root, "README", "x\n");
    commit_all(root, "base");
    write(root, "web/package-lock.json", PACKAGE_LOCK);
    let inventory = scan_revision(&[root.to_path_buf()], "HEAD", &Options::default()).unwrap();
    assert!(inventory.lockfiles.is_empty() && inventory.errors.is_empty());
    for path in [root.join("web"), root.join("web/package-lock.json")] {
        let inventory = scan_revision(&[path], "HEAD", &Options::default()).unwrap();
        assert!(inventory.lockfiles.is_empty() && inventory.errors.is_empty());
    }
}

#[test]
fn a_file_too_large_at_the_revision_is_refused_unread() {
    let dir = repository();
    let root = dir.path();
    write(
        root,
        "Cargo.lock",
        &format!("version = 4\n{}", "#\n".repeat(100)),
    );
    commit_all(root, "base");
    write(root, "Cargo.lock", "version = 4\n");
    let options = Options {
        max_file_size: 100,
        ..Options::default()
    };
    let inventory = scan_revision(&[root.to_path_buf()], "HEAD", &options).unwrap();
    let errors: Vec<String> = inventory.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        ["Cargo.lock: file is 212 bytes, over the 100-byte limit for a lockfile"]
    );
    assert!(scan(&[root.to_path_buf()], &options).errors.is_empty());
}

#[test]
fn revisions_that_cannot_be_read_say_why() {
    let dir = repository();
    let root = dir.path();
    write(root, "Cargo.lock", "version = 4\n");
    let first = commit_all(root, "base");
    let options = Options::default();
    let here = [root.to_path_buf()];

    let error = scan_revision(&here, "no-such-branch", &options).unwrap_err();
    assert!(
        matches!(error, RevisionError::UnknownRevision { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "unknown revision `no-such-branch` in the git repository at `{}`",
            git(root, &["rev-parse", "--show-toplevel"])
        )
    );
    // A revision that looks like an option is never passed to git as one.
    let long = "a".repeat(1025);
    for hostile in ["--output=/tmp/x", "-h", "", "main\nHEAD", &long] {
        let error = scan_revision(&here, hostile, &options).unwrap_err();
        assert!(
            matches!(error, RevisionError::InvalidRevision { .. }),
            "{hostile:?}: {error}"
        );
    }
    assert_eq!(
        resolve_revision(&here, "main\x1b[2J")
            .unwrap_err()
            .to_string(),
        "`main?[2J` is not a revision customs accepts: it is empty, starts with `-`, holds \
         control characters or is longer than 1024 bytes"
    );
    // A tree or blob is not a commit.
    let error = resolve_revision(&here, "HEAD^{tree}").unwrap_err();
    assert!(
        matches!(error, RevisionError::UnknownRevision { .. }),
        "{error:?}"
    );
    assert_eq!(resolve_revision(&here, "main").unwrap(), first);
    assert_eq!(resolve_revision(&here, &first[..10]).unwrap(), first);

    let elsewhere = tempfile::tempdir().unwrap();
    let error = scan_revision(&[elsewhere.path().to_path_buf()], "HEAD", &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "`{}` is not inside a git repository, so it has no revision to compare with",
            elsewhere.path().display()
        )
    );

    let other = repository();
    let paths = [root.to_path_buf(), other.path().to_path_buf()];
    let error = scan_revision(&paths, "HEAD", &options).unwrap_err();
    assert!(
        matches!(error, RevisionError::OutsideRepository { .. }),
        "{error:?}"
    );

    let missing = [root.join("no/such/dir")];
    let error = scan_revision(&missing, "HEAD", &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("`{}` does not exist", root.join("no/such/dir").display())
    );
}

#[test]
fn a_shallow_clone_without_the_base_says_how_to_fetch_it() {
    let dir = repository();
    let origin = dir.path();
    write(origin, "Cargo.lock", "version = 4\n");
    commit_all(origin, "base");
    write(origin, "Cargo.lock", "version = 4\n\n");
    commit_all(origin, "head");
    let clones = tempfile::tempdir().unwrap();
    let clone = clones.path().join("clone");
    let url = format!("file://{}", origin.display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let error =
        scan_revision(std::slice::from_ref(&clone), "HEAD~1", &Options::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "revision `HEAD~1` is not in this shallow clone: fetch the history it needs \
         (`git fetch --unshallow`, or `fetch-depth: 0` for actions/checkout)"
    );
    assert!(scan_revision(&[clone], "HEAD", &Options::default()).is_ok());
}

#[test]
fn a_hostile_repository_configuration_runs_nothing() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = repository();
    let root = dir.path();
    write(root, "Cargo.lock", "version = 4\n");
    write(root, ".gitattributes", "* filter=evil diff=evil\n");
    commit_all(root, "base");
    // Programs a repository's own configuration can name, each leaving a mark if run.
    let scripts = tempfile::tempdir().unwrap();
    let marker = scripts.path().join("ran");
    let hook = scripts.path().join("hook");
    std::fs::write(
        &hook,
        format!("#!/bin/sh\ntouch '{}'\ncat\n", marker.display()),
    )
    .unwrap();
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    let hook = hook.to_str().unwrap();
    for (key, value) in [
        ("core.fsmonitor", hook),
        ("filter.evil.smudge", hook),
        ("filter.evil.clean", hook),
        ("diff.evil.textconv", hook),
        ("core.pager", hook),
    ] {
        git(root, &["config", key, value]);
    }
    let options = Options::default();
    let inventory = scan_revision(&[root.to_path_buf()], "HEAD", &options).unwrap();
    assert_eq!(inventory.lockfiles.len(), 1);
    resolve_revision(&[root.to_path_buf()], "HEAD").unwrap();
    assert!(!marker.exists(), "a configured program ran");
    // The trap works: an ordinary command that reads the index runs it.
    git(root, &["status", "--short"]);
    assert!(marker.exists(), "the test's hook never runs");
}

#[test]
fn a_revision_with_too_many_files_is_refused() {
    let dir = repository();
    let root = dir.path();
    for name in ["a", "b", "c"] {
        write(root, &format!("{name}/Cargo.lock"), "version = 4\n");
    }
    commit_all(root, "base");
    let options = Options {
        max_revision_files: 2,
        ..Options::default()
    };
    let error = scan_revision(&[root.to_path_buf()], "HEAD", &options).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`HEAD` holds more than 2 files under the paths to scan"
    );
    // Under one directory, only its files count.
    assert!(scan_revision(&[root.join("a")], "HEAD", &options).is_ok());
}

#[test]
fn a_damaged_repository_says_what_is_missing() {
    let dir = repository();
    let root = dir.path();
    write(root, "Cargo.lock", "version = 4\n");
    write(root, "web/package-lock.json", PACKAGE_LOCK);
    commit_all(root, "base");
    let object = |name: &str| {
        let id = git(root, &["rev-parse", name]);
        root.join(".git/objects").join(&id[..2]).join(&id[2..])
    };
    // A blob gone: that file is an error of the inventory, the others are read.
    std::fs::remove_file(object("HEAD:Cargo.lock")).unwrap();
    let inventory = scan_revision(&[root.to_path_buf()], "HEAD", &Options::default()).unwrap();
    let errors: Vec<String> = inventory.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "Cargo.lock: the file's contents are missing from the repository (a shallow or partial clone?)"
        ]
    );
    assert_eq!(inventory.lockfiles.len(), 1);
    // The commit's tree gone: the revision cannot be listed.
    std::fs::remove_file(object("HEAD^{tree}")).unwrap();
    let error = scan_revision(&[root.to_path_buf()], "HEAD", &Options::default()).unwrap_err();
    assert!(matches!(error, RevisionError::Git { .. }), "{error:?}");
    assert!(
        error.to_string().starts_with("`git ls-tree` failed in `"),
        "{error}"
    );
}
