//! The package model: manifests read within bounds, and the entry points they declare.
//!
//! - npm (`package.json`): the `preinstall`, `install`, `postinstall` and `prepare` scripts
//!   (and the scripts they `npm run`) are install-time code, their command lines read by
//!   [`crate::analysis::script`]; `main` (default `index.js`), `exports`, `module` and
//!   `browser` run at import; `bin` when the user runs it.
//! - PyPI: an sdist's `setup.py` and an in-tree build backend (`[build-system] backend-path`,
//!   or hatchling's `hatch_build.py`) run at install; a `.pth` file's `import` lines at every
//!   interpreter start; top-level packages' `__init__.py` and top-level modules at import;
//!   `*.dist-info/entry_points.txt` console scripts when run, other groups (plugins) when
//!   their host loads them (counted as import).
//! - crates.io (`Cargo.toml`): the build script and a proc-macro library run at build; the
//!   library at import (when called); binaries when run.

use std::collections::{BTreeSet, HashMap};

use customs_core::Ecosystem;
use serde::Deserialize;

use crate::Archive;
use crate::analysis::script::{Invocation, invocations};
use crate::analysis::text::{Lines, excerpt, extension, file_name, parent};
use crate::analysis::verdict::EntryKind;

/// Manifests larger than this are not parsed (and reported): real ones are a few KiB.
pub(crate) const MAX_MANIFEST_BYTES: usize = 1024 * 1024;
/// npm scripts followed through `npm run`, at most.
const MAX_SCRIPTS: usize = 64;

/// Where an entry point leads.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Target {
    /// A path as written in the manifest or command, relative to the package root.
    File(String),
    /// A Python module by dotted name.
    Module(String),
    /// An npm script's command line (an index into [`Model::scripts`]).
    Script(usize),
}

#[derive(Clone, Debug)]
pub(crate) struct Entry {
    pub kind: EntryKind,
    pub target: Target,
}

/// Text that is not a file but runs as code: an npm script's command line.
#[derive(Clone, Debug)]
pub(crate) struct Script {
    /// Shown as the hit's file.
    pub file: String,
    pub line: u32,
    /// The script's name in `scripts` (`postinstall`).
    pub name: String,
    pub text: String,
    pub kind: EntryKind,
    /// Runs when npm installs the package from a registry (not only through `prepare`, which
    /// runs for git and local installs).
    pub registry_install: bool,
}

/// A hit of a built-in entry-point rule.
#[derive(Clone, Debug)]
pub(crate) struct EntryHit {
    pub rule_id: &'static str,
    pub file: String,
    pub line: u32,
    pub excerpt: String,
    pub kind: Option<EntryKind>,
}

#[derive(Debug, Default)]
pub(crate) struct Model {
    pub entries: Vec<Entry>,
    pub scripts: Vec<Script>,
    pub hits: Vec<EntryHit>,
    /// Directories from which Python's absolute imports resolve (the archive's top, `src`).
    pub python_roots: Vec<String>,
    /// The manifest read and the dependencies it declares (npm and crates.io; a Python
    /// package's are in its metadata, which `profile` reads).
    pub declared: Option<(String, Vec<String>)>,
}

/// The last version of each path (tar and pip keep the last of duplicates).
pub(crate) fn file_map(archive: &Archive) -> HashMap<&str, usize> {
    archive
        .files
        .iter()
        .enumerate()
        .map(|(index, file)| (file.path.as_str(), index))
        .collect()
}

pub(crate) fn model(archive: &Archive, ecosystem: Ecosystem) -> Model {
    let files = file_map(archive);
    let mut model = Model::default();
    match ecosystem {
        Ecosystem::Npm => npm(archive, &files, &mut model),
        Ecosystem::PyPI => python(archive, &files, &mut model),
        Ecosystem::CratesIo => cargo(archive, &files, &mut model),
    }
    model
}

fn data<'a>(archive: &'a Archive, files: &HashMap<&str, usize>, path: &str) -> Option<&'a [u8]> {
    files
        .get(path)
        .and_then(|index| archive.files.get(*index))
        .map(|file| file.data.as_slice())
}

/// A manifest's text, or the hit saying why it cannot be read.
fn manifest_text<'a>(path: &str, bytes: &'a [u8], model: &mut Model) -> Option<&'a str> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        unreadable(
            path,
            format!(
                "{} bytes, over the {MAX_MANIFEST_BYTES}-byte limit",
                bytes.len()
            ),
            model,
        );
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(_) => {
            unreadable(path, "not UTF-8".to_owned(), model);
            None
        }
    }
}

fn unreadable(path: &str, why: String, model: &mut Model) {
    model.hits.push(EntryHit {
        rule_id: "manifest-unreadable",
        file: path.to_owned(),
        line: 1,
        excerpt: why,
        kind: None,
    });
}

fn line_of(text: &str, needle: &str) -> u32 {
    text.find(needle)
        .map_or(1, |offset| Lines::line_once(text.as_bytes(), offset))
}

// ---------------------------------------------------------------------------------------------
// npm

#[derive(Deserialize)]
struct PackageJson {
    #[serde(default)]
    scripts: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    main: Option<serde_json::Value>,
    #[serde(default)]
    exports: Option<serde_json::Value>,
    #[serde(default)]
    module: Option<serde_json::Value>,
    #[serde(default)]
    browser: Option<serde_json::Value>,
    #[serde(default)]
    bin: Option<serde_json::Value>,
    #[serde(flatten)]
    dependencies: crate::analysis::profile::NpmDependencies,
}

/// The lifecycle scripts npm runs when it installs a package, in the order it runs them.
const INSTALL_SCRIPTS: &[&str] = &["preinstall", "install", "postinstall", "prepare"];

fn npm(archive: &Archive, files: &HashMap<&str, usize>, model: &mut Model) {
    let Some(bytes) = data(archive, files, "package.json") else {
        return;
    };
    let Some(text) = manifest_text("package.json", bytes, model) else {
        return;
    };
    let manifest: PackageJson = match serde_json::from_str(text) {
        Ok(manifest) => manifest,
        Err(error) => {
            unreadable(
                "package.json",
                format!("not a package.json: {error}"),
                model,
            );
            return;
        }
    };
    model.declared = Some(("package.json".to_owned(), manifest.dependencies.names()));
    let scripts = manifest.scripts.unwrap_or_default();
    let script_text = |name: &str| scripts.get(name).and_then(serde_json::Value::as_str);

    // The install scripts, then the scripts they run through `npm run`, each once.
    // Each with whether it runs when the package is installed from a registry: `prepare` (and
    // what only it runs) runs for git and local installs, not for a registry's tarball.
    let mut queue: Vec<(String, bool)> = INSTALL_SCRIPTS
        .iter()
        .filter(|name| script_text(name).is_some())
        .map(|name| ((*name).to_owned(), *name != "prepare"))
        .collect();
    let mut seen: BTreeSet<String> = queue.iter().map(|(name, _)| name.clone()).collect();
    let mut index = 0;
    while let Some((name, registry_install)) = queue.get(index).cloned() {
        index += 1;
        let Some(command) = script_text(&name) else {
            continue;
        };
        let line = line_of(text, &format!("\"{name}\""));
        let script = model.scripts.len();
        model.scripts.push(Script {
            file: "package.json".to_owned(),
            line,
            name: name.clone(),
            text: command.to_owned(),
            kind: EntryKind::Install,
            registry_install,
        });
        model.entries.push(Entry {
            kind: EntryKind::Install,
            target: Target::Script(script),
        });
        if INSTALL_SCRIPTS.contains(&name.as_str()) {
            model.hits.push(EntryHit {
                rule_id: "npm-install-script",
                file: "package.json".to_owned(),
                line,
                excerpt: excerpt(
                    text.as_bytes(),
                    text.find(&format!("\"{name}\"")).unwrap_or(0),
                ),
                kind: Some(EntryKind::Install),
            });
        }
        for invocation in invocations(command) {
            if let Invocation::NpmScript(other) = invocation
                && seen.len() < MAX_SCRIPTS
                && seen.insert(other.clone())
            {
                queue.push((other, registry_install));
            }
        }
    }

    let mut import_targets = Vec::new();
    match &manifest.main {
        Some(serde_json::Value::String(main)) => import_targets.push(main.clone()),
        _ => import_targets.push("index.js".to_owned()),
    }
    if let Some(exports) = &manifest.exports {
        export_targets(exports, 0, &mut import_targets);
    }
    for field in [&manifest.module, &manifest.browser] {
        if let Some(serde_json::Value::String(path)) = field {
            import_targets.push(path.clone());
        }
    }
    for path in import_targets {
        model.entries.push(Entry {
            kind: EntryKind::Import,
            target: Target::File(path),
        });
    }
    let mut bins = Vec::new();
    match &manifest.bin {
        Some(serde_json::Value::String(path)) => bins.push(path.clone()),
        Some(serde_json::Value::Object(map)) => bins.extend(
            map.values()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned),
        ),
        _ => {}
    }
    for path in bins {
        model.entries.push(Entry {
            kind: EntryKind::Command,
            target: Target::File(path),
        });
    }
}

/// The files an `exports` map names (every condition's target, subpaths included: any of them
/// can be imported), depth-bounded.
fn export_targets(value: &serde_json::Value, depth: usize, targets: &mut Vec<String>) {
    if depth > 8 || targets.len() > 256 {
        return;
    }
    match value {
        serde_json::Value::String(path) if !path.contains('*') => targets.push(path.clone()),
        serde_json::Value::Array(values) => {
            for value in values {
                export_targets(value, depth + 1, targets);
            }
        }
        serde_json::Value::Object(map) => {
            for value in map.values() {
                export_targets(value, depth + 1, targets);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// PyPI

#[derive(Deserialize)]
struct PyProject {
    #[serde(default, rename = "build-system")]
    build_system: Option<BuildSystem>,
}

#[derive(Deserialize)]
struct BuildSystem {
    #[serde(default, rename = "build-backend")]
    build_backend: Option<String>,
    #[serde(default, rename = "backend-path")]
    backend_path: Option<Vec<String>>,
}

/// Files at the top of an sdist that are tooling, not importable modules.
const NOT_MODULES: &[&str] = &[
    "setup.py",
    "conftest.py",
    "noxfile.py",
    "fabfile.py",
    "tasks.py",
    "hatch_build.py",
];

fn python(archive: &Archive, files: &HashMap<&str, usize>, model: &mut Model) {
    let is_wheel = archive.files.iter().any(|file| {
        file.path
            .split('/')
            .next()
            .is_some_and(|top| top.ends_with(".dist-info"))
    });
    model.python_roots = vec![String::new(), "src".to_owned()];

    if !is_wheel && files.contains_key("setup.py") {
        model.entries.push(Entry {
            kind: EntryKind::Install,
            target: Target::File("setup.py".to_owned()),
        });
        model.hits.push(EntryHit {
            rule_id: "python-setup-script",
            file: "setup.py".to_owned(),
            line: 1,
            excerpt: "setup.py runs when pip builds or installs the sdist".to_owned(),
            kind: Some(EntryKind::Install),
        });
    }
    if !is_wheel && let Some(bytes) = data(archive, files, "pyproject.toml") {
        pyproject(bytes, files, model);
    }

    let mut paths: Vec<&str> = files.keys().copied().collect();
    paths.sort_unstable();
    for path in &paths {
        let depth = path.matches('/').count();
        let in_root = |root: &str| -> bool {
            if root.is_empty() {
                depth == 0
            } else {
                path.strip_prefix(root)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .is_some_and(|rest| !rest.contains('/'))
            }
        };
        let top_level = in_root("") || in_root("src") || is_purelib_top(path);
        if extension(path) == "pth" && top_level {
            startup_hook(archive, files, path, model);
        } else if file_name(path) == "__init__.py" {
            // A top-level package: `pkg/__init__.py` (or under src/).
            let package_dir = parent(path);
            if in_dir_root(package_dir) {
                model.entries.push(Entry {
                    kind: EntryKind::Import,
                    target: Target::File((*path).to_owned()),
                });
            }
        } else if extension(path) == "py" && top_level && !NOT_MODULES.contains(&file_name(path)) {
            model.entries.push(Entry {
                kind: EntryKind::Import,
                target: Target::File((*path).to_owned()),
            });
        } else if file_name(path) == "entry_points.txt"
            && parent(path).ends_with(".dist-info")
            && depth == 1
        {
            if let Some(bytes) = data(archive, files, path) {
                entry_points(bytes, model);
            }
        } else if is_data_script(path) {
            model.entries.push(Entry {
                kind: EntryKind::Command,
                target: Target::File((*path).to_owned()),
            });
        }
    }
}

/// `pkg` or `src/pkg`: a directory whose `__init__.py` makes a top-level package.
fn in_dir_root(directory: &str) -> bool {
    !directory.is_empty()
        && (!directory.contains('/')
            || directory
                .strip_prefix("src/")
                .is_some_and(|rest| !rest.contains('/')))
}

/// A wheel's `name.data/purelib/x` or `platlib/x`, installed at the top of site-packages.
fn is_purelib_top(path: &str) -> bool {
    let mut parts = path.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(top), Some("purelib" | "platlib"), Some(_), None) if top.ends_with(".data")
    )
}

fn is_data_script(path: &str) -> bool {
    let mut parts = path.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some(top), Some("scripts"), Some(_), None) if top.ends_with(".data")
    )
}

fn pyproject(bytes: &[u8], files: &HashMap<&str, usize>, model: &mut Model) {
    let Some(text) = manifest_text("pyproject.toml", bytes, model) else {
        return;
    };
    let project: PyProject = match toml::from_str(text) {
        Ok(project) => project,
        Err(error) => {
            unreadable(
                "pyproject.toml",
                format!("not a pyproject.toml: {}", error.message()),
                model,
            );
            return;
        }
    };
    let Some(build) = project.build_system else {
        return;
    };
    let backend = build.build_backend.unwrap_or_default();
    if let Some(backend_paths) = build.backend_path {
        // An in-tree backend: `backend-path = ["."]` and `build-backend = "my_backend"`.
        let module = backend.split(':').next().unwrap_or_default().to_owned();
        for directory in backend_paths.into_iter().take(16) {
            let base = directory.trim_start_matches("./").trim_end_matches('/');
            let base = if base == "." { "" } else { base };
            let relative = module.replace('.', "/");
            for candidate in [format!("{relative}.py"), format!("{relative}/__init__.py")] {
                let path = if base.is_empty() {
                    candidate
                } else {
                    format!("{base}/{candidate}")
                };
                if files.contains_key(path.as_str()) {
                    model.entries.push(Entry {
                        kind: EntryKind::Install,
                        target: Target::File(path.clone()),
                    });
                    model.hits.push(EntryHit {
                        rule_id: "python-in-tree-build-backend",
                        file: "pyproject.toml".to_owned(),
                        line: line_of(text, "backend-path"),
                        excerpt: excerpt(text.as_bytes(), text.find("backend-path").unwrap_or(0)),
                        kind: Some(EntryKind::Install),
                    });
                }
            }
        }
    }
    // Hatchling runs a custom build hook from `hatch_build.py` when the project configures one.
    if backend.starts_with("hatchling") && files.contains_key("hatch_build.py") {
        model.entries.push(Entry {
            kind: EntryKind::Install,
            target: Target::File("hatch_build.py".to_owned()),
        });
        model.hits.push(EntryHit {
            rule_id: "python-in-tree-build-backend",
            file: "hatch_build.py".to_owned(),
            line: 1,
            excerpt: "a hatchling build hook runs when pip builds the sdist".to_owned(),
            kind: Some(EntryKind::Install),
        });
    }
}

/// A `.pth` file: lines starting with `import` are executed at interpreter start.
fn startup_hook(archive: &Archive, files: &HashMap<&str, usize>, path: &str, model: &mut Model) {
    let Some(bytes) = data(archive, files, path) else {
        return;
    };
    let mut offset = 0usize;
    for line in bytes.split(|byte| *byte == b'\n') {
        if line.starts_with(b"import ") || line.starts_with(b"import\t") {
            model.entries.push(Entry {
                kind: EntryKind::Startup,
                target: Target::File(path.to_owned()),
            });
            model.hits.push(EntryHit {
                rule_id: "python-startup-hook",
                file: path.to_owned(),
                line: Lines::line_once(bytes, offset),
                excerpt: excerpt(bytes, offset),
                kind: Some(EntryKind::Startup),
            });
            return;
        }
        offset += line.len() + 1;
    }
}

/// `[console_scripts]` and `[gui_scripts]` run when called; other groups are plugins that
/// their host imports (pytest's `pytest11` at every test run).
fn entry_points(bytes: &[u8], model: &mut Model) {
    let text = String::from_utf8_lossy(bytes.get(..MAX_MANIFEST_BYTES).unwrap_or(bytes));
    let mut kind = EntryKind::Import;
    for line in text.lines().take(10_000) {
        let line = line.trim();
        if let Some(group) = line
            .strip_prefix('[')
            .and_then(|rest| rest.strip_suffix(']'))
        {
            kind = if matches!(group.trim(), "console_scripts" | "gui_scripts") {
                EntryKind::Command
            } else {
                EntryKind::Import
            };
            continue;
        }
        let Some((_, target)) = line.split_once('=') else {
            continue;
        };
        let module = target.split(':').next().unwrap_or_default().trim();
        let module = module.split_whitespace().next().unwrap_or_default();
        if !module.is_empty() {
            model.entries.push(Entry {
                kind,
                target: Target::Module(module.to_owned()),
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// crates.io

#[derive(Deserialize)]
struct CargoToml {
    #[serde(default)]
    package: Option<CargoPackage>,
    #[serde(default)]
    lib: Option<CargoTarget>,
    #[serde(default)]
    bin: Option<Vec<CargoTarget>>,
    #[serde(flatten)]
    dependencies: crate::analysis::profile::CargoManifest,
}

#[derive(Deserialize)]
struct CargoPackage {
    #[serde(default)]
    build: Option<toml::Value>,
}

#[derive(Deserialize)]
struct CargoTarget {
    #[serde(default)]
    path: Option<String>,
    #[serde(default, rename = "proc-macro")]
    proc_macro: Option<bool>,
    #[serde(default, rename = "proc_macro")]
    proc_macro_underscore: Option<bool>,
}

fn cargo(archive: &Archive, files: &HashMap<&str, usize>, model: &mut Model) {
    let Some(bytes) = data(archive, files, "Cargo.toml") else {
        return;
    };
    let Some(text) = manifest_text("Cargo.toml", bytes, model) else {
        return;
    };
    let manifest: CargoToml = match toml::from_str(text) {
        Ok(manifest) => manifest,
        Err(error) => {
            unreadable(
                "Cargo.toml",
                format!("not a Cargo.toml: {}", error.message()),
                model,
            );
            return;
        }
    };
    model.declared = Some(("Cargo.toml".to_owned(), manifest.dependencies.names()));
    let build = match manifest.package.and_then(|package| package.build) {
        Some(toml::Value::String(path)) => Some(path),
        Some(toml::Value::Boolean(false)) => None,
        _ => files
            .contains_key("build.rs")
            .then(|| "build.rs".to_owned()),
    };
    if let Some(path) = build {
        model.hits.push(EntryHit {
            rule_id: "cargo-build-script",
            file: path.clone(),
            line: 1,
            excerpt: format!("cargo runs `{path}` before compiling the crate"),
            kind: Some(EntryKind::Build),
        });
        model.entries.push(Entry {
            kind: EntryKind::Build,
            target: Target::File(path),
        });
    }
    let lib = manifest.lib;
    let proc_macro = lib
        .as_ref()
        .is_some_and(|lib| lib.proc_macro.or(lib.proc_macro_underscore) == Some(true));
    let lib_path = lib
        .and_then(|lib| lib.path)
        .unwrap_or_else(|| "src/lib.rs".to_owned());
    if files.contains_key(lib_path.as_str()) || proc_macro {
        let kind = if proc_macro {
            model.hits.push(EntryHit {
                rule_id: "cargo-proc-macro",
                file: "Cargo.toml".to_owned(),
                line: line_of(text, "proc"),
                excerpt: excerpt(text.as_bytes(), text.find("proc").unwrap_or(0)),
                kind: Some(EntryKind::Build),
            });
            EntryKind::Build
        } else {
            EntryKind::Import
        };
        model.entries.push(Entry {
            kind,
            target: Target::File(lib_path),
        });
    }
    let mut bins: Vec<String> = manifest
        .bin
        .unwrap_or_default()
        .into_iter()
        .filter_map(|bin| bin.path)
        .take(256)
        .collect();
    bins.push("src/main.rs".to_owned());
    bins.extend(
        files
            .keys()
            .filter(|path| {
                path.strip_prefix("src/bin/")
                    .is_some_and(|rest| rest.ends_with(".rs") && rest.matches('/').count() <= 1)
            })
            .map(|path| (*path).to_owned()),
    );
    bins.sort();
    bins.dedup();
    for path in bins {
        if files.contains_key(path.as_str()) {
            model.entries.push(Entry {
                kind: EntryKind::Command,
                target: Target::File(path),
            });
        }
    }
}
