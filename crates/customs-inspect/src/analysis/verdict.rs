//! What an analysis returns.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::rules::{Category, Severity, Signal};

/// The outcome for a package, from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Clean,
    /// Worth a look (policy: `suspicious-code`, warn).
    Suspicious,
    /// An attack (policy: `malicious-code`, deny).
    Malicious,
}

impl Level {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Clean => "clean",
            Level::Suspicious => "suspicious",
            Level::Malicious => "malicious",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// How code comes to run. Declared from the most to the least severe: a file reachable from
/// several entry points is reported with the first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    /// At install: npm `preinstall`/`install`/`postinstall`/`prepare` and what they run;
    /// `setup.py` and an in-tree build backend of an sdist.
    Install,
    /// At build: `build.rs`, a proc-macro crate's library.
    Build,
    /// At every interpreter start: the `import` lines of a `.pth` file.
    Startup,
    /// When the package is imported: npm `main`/`exports`/`module`/`browser`, a Python
    /// top-level package's `__init__.py` or top-level module, a crate's library.
    Import,
    /// When the user runs one of its commands: npm `bin`, Python console scripts, a crate's
    /// binaries.
    Command,
}

impl EntryKind {
    pub const ALL: [EntryKind; 5] = [
        EntryKind::Install,
        EntryKind::Build,
        EntryKind::Startup,
        EntryKind::Import,
        EntryKind::Command,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Install => "install",
            EntryKind::Build => "build",
            EntryKind::Startup => "startup",
            EntryKind::Import => "import",
            EntryKind::Command => "command",
        }
    }

    /// Runs without the package being imported or called: merely installing, building or
    /// starting Python runs it.
    #[must_use]
    pub fn runs_unasked(self) -> bool {
        matches!(
            self,
            EntryKind::Install | EntryKind::Build | EntryKind::Startup
        )
    }
}

impl fmt::Display for EntryKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One rule matching one file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hit {
    /// The file's path in the archive (package root stripped); `package.json` for an npm
    /// script.
    pub file: String,
    /// 1-based line of the first match; 0 for a finding about a binary file as a whole.
    pub line: u32,
    pub rule_id: String,
    pub category: Category,
    pub severity: Severity,
    pub signal: Option<Signal>,
    pub description: String,
    /// The matching line (or a window of it), at most 160 characters, control characters and
    /// invalid UTF-8 escaped. For a match in decoded data, what it decodes to.
    pub excerpt: String,
    /// The most severe entry point from which the file is reachable, `None` when no entry
    /// point reaches it (tests, examples, unreferenced files).
    pub reachable_from: Option<EntryKind>,
}

/// The verdict on one package artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub level: Level,
    /// Sorted by file, line and rule id; at most one hit per rule and file (its first match).
    pub hits: Vec<Hit>,
    /// Why the level is what it is: one line per scoring rule that fired (its code, as in the
    /// crate docs, first), then what could not be analysed. Empty for a clean package with
    /// nothing skipped.
    pub reasons: Vec<String>,
    /// What the package runs unasked, where its networking code connects, what it depends
    /// on: what [`crate::compare`] holds against the previous version.
    #[serde(default)]
    pub profile: Profile,
}

/// The parts of a package a release should not change quietly. Bounded: at most
/// [`Profile::MAX_ITEMS`] of each list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// What runs without being imported: the npm install scripts a registry install runs
    /// (`prepare` runs only for git and local installs) and the code files reached from
    /// install, build and start-up entry points. Sorted by file, then script.
    pub unasked: Vec<Unasked>,
    /// Hosts named by URLs in reachable code that uses the network (or in an install
    /// script), each with its first place. Sorted by host.
    pub endpoints: Vec<Endpoint>,
    /// The names of the declared dependencies: npm `dependencies` and
    /// `optionalDependencies`, Python `Requires-Dist` without an extra, Cargo's non-optional
    /// `[dependencies]`, `[build-dependencies]` and their per-target tables. Normalised
    /// (PyPI: PEP 503; crates: `-` for `_`), sorted, unique.
    pub dependencies: Vec<String>,
    /// The manifest the dependencies were read from (`package.json`, a wheel's `METADATA`,
    /// an sdist's `PKG-INFO`, `Cargo.toml`); empty when there is none.
    #[serde(default)]
    pub manifest: String,
}

impl Profile {
    pub const MAX_ITEMS: usize = 512;
}

/// Code that runs unasked.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Unasked {
    /// The file that runs, or `package.json` for an npm script.
    pub file: String,
    /// For an npm script, `name: command` (`postinstall: node setup.js`).
    pub script: Option<String>,
    pub kind: EntryKind,
    pub line: u32,
}

/// A host that code connects to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Endpoint {
    /// Lowercase, without port or credentials.
    pub host: String,
    pub file: String,
    pub line: u32,
    pub excerpt: String,
}
