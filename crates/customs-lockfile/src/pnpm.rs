//! `pnpm-lock.yaml`, lockfileVersion 5.0 to 5.4 (and 5.4-inlineSpecifiers), 6.0, 6.1 and 9.0.
//!
//! - 5.x keys packages by dependency path: `/name/1.0.0`, `/@scope/name/1.0.0`, with a peer
//!   suffix after `_` (`/name/1.0.0_peer@2.0.0+other@1.0.0`; long suffixes are hashed). Packages
//!   from another registry are keyed `registry.example.com/name/1.0.0`. The root project's
//!   `specifiers` / `dependencies` / `devDependencies` / `optionalDependencies` sit at the top
//!   level, or under `importers` in a workspace, with plain references as values
//!   (`1.0.0_peer@2.0.0`, `/real/1.0.0` for an alias, `link:../pkg`).
//! - 6.x writes `/name@1.0.0(peer@2.0.0)(other@1.0.0)` and importer entries as
//!   `{specifier, version}` (5.4-inlineSpecifiers does the same with 5.x keys).
//! - 9.0 splits `packages` (keyed `name@1.0.0`: resolution, engines, …) from `snapshots`
//!   (keyed `name@1.0.0(peer@…)`: the dependency edges and `optional`); importers are always
//!   under `importers`.
//!
//! Non-registry packages carry `name` and `version` fields and a `resolution` naming their
//! origin: `{type: git, repo, commit}` → git, `{directory}` → a local path, `{tarball: file:…}`
//! → a local path, `{tarball: https://codeload.github.com/OWNER/REPO/tar.gz/COMMIT}` → git
//! (github) at that commit, any other `{tarball}` → URL. Registry packages record only
//! `{integrity}` (and a `tarball` when it is not where the registry usually keeps it).
//!
//! Peer-suffixed copies of one `name@version` are one package: every key's line is kept as a
//! location (in 9.0 both the `packages` and the `snapshots` entries). Aliases
//! (`alias: npm:real@1.0.0`) are recorded on the real package. Each importer is a workspace
//! member (`Source::Workspace`, named after the name other importers link it by, else after its
//! path such as `.`); the packages its entries resolve to are direct dependencies. `link:`
//! entries that point outside the workspace become `Source::Path` packages.
//!
//! Scopes: 5.x and 6.x record them per package (`dev: true` → dev, `optional: true` →
//! optional, `dev: false` or no flag → production). 9.0 does not, so they are computed here the
//! way pnpm computed those flags: from the importers' `dependencies` / `optionalDependencies` /
//! `devDependencies` along the snapshot edges, production winning over optional over dev, an
//! `optionalDependencies` edge making production optional. Every version therefore sets
//! `records_scope`; only packages nothing reaches (a truncated lockfile) stay without a scope.
//!
//! pnpm 11 writes a first YAML document for the package manager's own dependencies (importers
//! holding only `packageManagerDependencies` / `configDependencies`) before the project's
//! document. Every document is read. Packages of that document are reported, as `dev` (they
//! are tooling, never shipped with the project) and never `direct`, and it has no workspace
//! member; the format version is the project document's. `packageManagerDependencies` in a
//! project document are treated the same way.
//!
//! A package key is taken for a registry package when it spells a semver version (and, in 5.x /
//! 6.x, no or a host-like prefix: `registry.example.com/…` gives that registry, the tarball URL
//! a more exact base where recorded). Entry references resolve to keys as pnpm's
//! `refToRelative` does. An entry whose key names no package and which has no `name` field is
//! skipped with an error; a reference to a key the file does not contain is a warning.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use customs_core::{Ecosystem, Integrity, Scope, Source, Version, join_path, normalize_path};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::error::Syntax;
use crate::{Builder, Input, ParseError, Parsed};

const SUPPORTED: &str = "5.0 to 5.4, 6.0, 6.1 and 9.0";

pub(crate) fn sniff(head: &str) -> bool {
    head.lines()
        .take(64)
        .any(|line| line.starts_with("lockfileVersion:"))
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let documents: Vec<Document> =
        serde_saphyr::from_multiple_with_options(input.text, options(input.text.len()))
            .map_err(yaml_error)?;

    let mut builder = Builder::new(Ecosystem::Npm, input.path);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut format: Option<String> = None;
    let tooling: Vec<bool> = documents.iter().map(Document::is_tooling).collect();
    let all_tooling = tooling.iter().all(|&t| t);
    for (document, tooling) in documents.iter().zip(tooling) {
        let version = lockfile_version(document)?;
        if format.is_none() && (!tooling || all_tooling) {
            format = Some(format!("pnpm-lock.yaml {}", version.raw));
        }
        Reader::new(
            &mut builder,
            &mut errors,
            &mut warnings,
            version.major,
            tooling,
        )
        .read(document);
    }

    let mut parsed = Parsed::new(
        format.unwrap_or_else(|| "pnpm-lock.yaml (empty)".to_owned()),
        Ecosystem::Npm,
        builder.finish(),
    );
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_direct = true;
    parsed.records_scope = true;
    Ok(parsed)
}

/// Budgets for lockfiles: pnpm writes no anchors or aliases and nests a few levels deep, so
/// those are tight; node and event counts grow with the file, which is itself size-capped.
fn options(len: usize) -> serde_saphyr::Options {
    let linear = len.saturating_add(4096);
    serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: 32,
            flow_nesting_limit: 32,
            max_documents: 16,
            max_nodes: linear,
            max_events: linear.saturating_mul(2),
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_recorded_anchor_events: 100_000,
            max_merge_keys: 100,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 100_000,
            max_replay_stack_depth: 16,
        },
    }
}

/// A YAML error as one line, with serde-saphyr's own `at line N, column M` moved into the
/// error's line.
fn yaml_error(error: serde_saphyr::Error) -> ParseError {
    let line = error
        .location()
        .map(|l| l.line())
        .filter(|&l| l > 0)
        .and_then(|l| u32::try_from(l).ok());
    let mut message = error.to_string();
    for noise in [" at line ", ", set DuplicateKeyPolicy"] {
        if let Some(at) = message.find(noise) {
            message.truncate(at);
        }
    }
    ParseError::new("invalid pnpm-lock.yaml")
        .with_source(Syntax(message.trim().to_owned()))
        .with_line(line)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Major {
    V5,
    V6,
    V9,
}

struct LockfileVersion {
    major: Major,
    raw: String,
}

fn lockfile_version(document: &Document) -> Result<LockfileVersion, ParseError> {
    let Some(version) = &document.version else {
        return Err(ParseError::at(
            document.first_line.unwrap_or(1),
            format!("missing lockfileVersion (customs reads pnpm-lock.yaml {SUPPORTED})"),
        ));
    };
    let raw = version.value.trim();
    let major = match raw {
        "5" | "5.0" | "5.1" | "5.2" | "5.3" | "5.4" | "5.4-inlineSpecifiers" => Major::V5,
        "6.0" | "6.1" => Major::V6,
        "9.0" => Major::V9,
        _ => {
            return Err(ParseError::at(
                line_of(&version.referenced),
                format!(
                    "unsupported pnpm-lock.yaml lockfileVersion `{}` (customs reads {SUPPORTED})",
                    raw.escape_debug()
                ),
            ));
        }
    };
    Ok(LockfileVersion {
        major,
        raw: raw.to_owned(),
    })
}

fn line_of(location: &serde_saphyr::Location) -> u32 {
    u32::try_from(location.line()).unwrap_or(u32::MAX).max(1)
}

// ---------------------------------------------------------------------------------------------
// Wire format
// ---------------------------------------------------------------------------------------------

/// One YAML document of the file.
#[derive(Default)]
struct Document {
    version: Option<Spanned<String>>,
    importers: Option<Entries<Option<Importer>>>,
    /// The top-level dependency sections of a 5.x / 6.x single-project lockfile.
    root: Importer,
    /// The line of the first top-level dependency section.
    root_line: Option<u32>,
    packages: Option<Entries<Option<PackageEntry>>>,
    snapshots: Option<Entries<Option<Snapshot>>>,
    first_line: Option<u32>,
}

impl Document {
    /// The package manager's own document: importers that only pin pnpm and its config
    /// dependencies.
    fn is_tooling(&self) -> bool {
        let Some(importers) = &self.importers else {
            return false;
        };
        let importers = || importers.0.iter().filter_map(|(_, i)| i.as_ref());
        self.root.is_empty()
            && importers().any(|i| {
                i.package_manager_dependencies.is_some() || i.config_dependencies.is_some()
            })
            && importers().all(|i| {
                i.dependencies.is_none()
                    && i.dev_dependencies.is_none()
                    && i.optional_dependencies.is_none()
            })
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DocumentVisitor;

        impl<'de> Visitor<'de> for DocumentVisitor {
            type Value = Document;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a pnpm lockfile mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
                let mut document = Document::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    let line = line_of(&key.referenced);
                    document.first_line.get_or_insert(line);
                    let root_section = |document: &mut Document| {
                        document.root_line.get_or_insert(line);
                    };
                    match key.value.as_str() {
                        "lockfileVersion" => document.version = map.next_value()?,
                        "importers" => document.importers = map.next_value()?,
                        "packages" => document.packages = map.next_value()?,
                        "snapshots" => document.snapshots = map.next_value()?,
                        "dependencies" => {
                            root_section(&mut document);
                            document.root.dependencies = map.next_value()?;
                        }
                        "devDependencies" => {
                            root_section(&mut document);
                            document.root.dev_dependencies = map.next_value()?;
                        }
                        "optionalDependencies" => {
                            root_section(&mut document);
                            document.root.optional_dependencies = map.next_value()?;
                        }
                        "specifiers" => {
                            root_section(&mut document);
                            map.next_value::<IgnoredAny>()?;
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(document)
            }
        }

        deserializer.deserialize_map(DocumentVisitor)
    }
}

/// A YAML mapping in file order, with each key's location.
struct Entries<V>(Vec<(Spanned<String>, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value()?));
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(EntriesVisitor(PhantomData))
    }
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Importer {
    dependencies: Option<Entries<DepRef>>,
    dev_dependencies: Option<Entries<DepRef>>,
    optional_dependencies: Option<Entries<DepRef>>,
    package_manager_dependencies: Option<Entries<DepRef>>,
    config_dependencies: Option<Entries<DepRef>>,
}

impl Importer {
    fn is_empty(&self) -> bool {
        self.dependencies.is_none()
            && self.dev_dependencies.is_none()
            && self.optional_dependencies.is_none()
            && self.package_manager_dependencies.is_none()
            && self.config_dependencies.is_none()
    }

    /// Each section with the scope it gives (`None`: the package manager's own tooling).
    fn sections(&self) -> [(Option<&Entries<DepRef>>, Option<Scope>); 5] {
        [
            (self.dependencies.as_ref(), Some(Scope::Prod)),
            (self.optional_dependencies.as_ref(), Some(Scope::Optional)),
            (self.dev_dependencies.as_ref(), Some(Scope::Dev)),
            (self.package_manager_dependencies.as_ref(), None),
            (self.config_dependencies.as_ref(), None),
        ]
    }
}

/// An importer's entry: a plain reference (5.x) or `{specifier, version}` (6.x, 9.0).
struct DepRef(String);

impl<'de> Deserialize<'de> for DepRef {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DepRefVisitor;

        #[derive(Deserialize)]
        struct Object {
            version: Option<String>,
        }

        impl<'de> Visitor<'de> for DepRefVisitor {
            type Value = DepRef;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a version or a mapping with `specifier` and `version`")
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<DepRef, E> {
                Ok(DepRef(value.to_owned()))
            }

            fn visit_string<E: de::Error>(self, value: String) -> Result<DepRef, E> {
                Ok(DepRef(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<DepRef, E> {
                Ok(DepRef(value.to_string()))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<DepRef, E> {
                Ok(DepRef(value.to_string()))
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<DepRef, E> {
                Ok(DepRef(value.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DepRef, A::Error> {
                let object = Object::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DepRef(object.version.unwrap_or_default()))
            }
        }

        deserializer.deserialize_any(DepRefVisitor)
    }
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageEntry {
    resolution: Option<Resolution>,
    name: Option<String>,
    version: Option<String>,
    dev: Option<bool>,
    optional: Option<bool>,
    /// 5.x to 8.x: the package has install scripts (or a native build).
    requires_build: Option<bool>,
    dependencies: Option<Entries<String>>,
    optional_dependencies: Option<Entries<String>>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    optional: Option<bool>,
    dependencies: Option<Entries<String>>,
    optional_dependencies: Option<Entries<String>>,
}

#[derive(Default, Deserialize)]
struct Resolution {
    integrity: Option<String>,
    tarball: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    directory: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Reading one document
// ---------------------------------------------------------------------------------------------

/// Reads one document into the shared builder.
///
/// The dependency graph is kept at the granularity of the lockfile's entries ("nodes": 5.x /
/// 6.x `packages` keys, 9.0 `snapshots` keys), since peer-suffixed copies of one package can be
/// needed by different parts of the project; each node belongs to one builder sighting.
struct Reader<'r, 'p> {
    builder: &'r mut Builder<'p>,
    errors: &'r mut Vec<ParseError>,
    warnings: &'r mut Vec<ParseError>,
    major: Major,
    /// The package manager's own document.
    tooling: bool,
    /// The builder index of each node.
    nodes: Vec<usize>,
    /// `packages` keys (9.0: without peer suffix) to nodes.
    keys: HashMap<String, usize>,
    /// 9.0 `snapshots` keys to nodes.
    snapshot_keys: HashMap<String, usize>,
    /// Importer paths to the builder indices of their workspace packages.
    importers: HashMap<String, usize>,
    importer_indices: HashSet<usize>,
    /// Dependency edges between nodes (from, to, through `optionalDependencies`).
    edges: Vec<(usize, usize, bool)>,
    /// Nodes importers declare, with the scope of the section.
    seeds: Vec<(usize, Scope)>,
    /// 9.0 snapshots marked `optional: true`.
    optional_flags: Vec<usize>,
}

impl<'r, 'p> Reader<'r, 'p> {
    fn new(
        builder: &'r mut Builder<'p>,
        errors: &'r mut Vec<ParseError>,
        warnings: &'r mut Vec<ParseError>,
        major: Major,
        tooling: bool,
    ) -> Self {
        Self {
            builder,
            errors,
            warnings,
            major,
            tooling,
            nodes: Vec::new(),
            keys: HashMap::new(),
            snapshot_keys: HashMap::new(),
            importers: HashMap::new(),
            importer_indices: HashSet::new(),
            edges: Vec::new(),
            seeds: Vec::new(),
            optional_flags: Vec::new(),
        }
    }

    fn read(mut self, document: &Document) {
        let empty = Entries::default();
        let packages = document.packages.as_ref().unwrap_or(&empty);
        for (key, entry) in &packages.0 {
            self.add_package(key, entry.as_ref());
        }
        if self.major == Major::V9 {
            if let Some(snapshots) = &document.snapshots {
                for (key, snapshot) in &snapshots.0 {
                    self.add_snapshot(key, snapshot.as_ref());
                }
                for (key, snapshot) in &snapshots.0 {
                    if let (Some(snapshot), Some(&from)) =
                        (snapshot, self.snapshot_keys.get(&key.value))
                    {
                        self.connect(
                            from,
                            key,
                            snapshot.dependencies.as_ref(),
                            snapshot.optional_dependencies.as_ref(),
                        );
                    }
                }
            }
        } else {
            for (key, entry) in &packages.0 {
                if let (Some(entry), Some(&from)) = (entry, self.keys.get(&key.value)) {
                    self.connect(
                        from,
                        key,
                        entry.dependencies.as_ref(),
                        entry.optional_dependencies.as_ref(),
                    );
                }
            }
        }
        self.read_importers(document);
        if self.major == Major::V9 && !self.tooling {
            self.propagate_scopes();
        }
    }

    fn node(&mut self, index: usize) -> usize {
        self.nodes.push(index);
        self.nodes.len() - 1
    }

    fn index(&self, node: usize) -> Option<usize> {
        self.nodes.get(node).copied()
    }

    /// Adds a `packages` entry; returns its node.
    fn add_package(
        &mut self,
        key: &Spanned<String>,
        entry: Option<&PackageEntry>,
    ) -> Option<usize> {
        let line = line_of(&key.referenced);
        let identity = match identify(&key.value, entry, self.major) {
            Ok(identity) => identity,
            Err(message) => {
                self.errors.push(ParseError::at(line, message));
                return None;
            }
        };
        let mut package = match self.builder.package(
            &identity.name,
            identity.version.as_deref(),
            identity.source,
            line,
        ) {
            Ok(package) => package,
            Err(error) => {
                self.errors.push(error.with_line(Some(line)));
                return None;
            }
        };
        package.artifact_url = identity.artifact_url;
        package.install_script = entry.and_then(|e| e.requires_build) == Some(true);
        if let Some(sri) = entry
            .and_then(|e| e.resolution.as_ref())
            .and_then(|r| r.integrity.as_deref())
        {
            match Integrity::from_sri(sri) {
                Ok(integrity) => package.integrity.extend(integrity),
                Err(error) => self.errors.push(
                    ParseError::at(line, format!("bad integrity for `{}`", key.value))
                        .with_source(error),
                ),
            }
        }
        if self.tooling {
            package.scope = Some(Scope::Dev);
        } else if self.major != Major::V9 {
            // 5.x and 6.x: no flag means production and development both need it.
            let entry = entry.unwrap_or(&PackageEntry::DEFAULT);
            package.scope = Some(if entry.dev == Some(true) {
                Scope::Dev
            } else if entry.optional == Some(true) {
                Scope::Optional
            } else {
                Scope::Prod
            });
        }
        let index = self.builder.add(package);
        let node = self.node(index);
        let key = match self.major {
            Major::V9 => strip_peers_v9(&key.value),
            Major::V5 | Major::V6 => &key.value,
        };
        self.keys.entry(key.to_owned()).or_insert(node);
        Some(node)
    }

    /// A 9.0 snapshot: one more sighting of its package, and a node of the graph.
    fn add_snapshot(&mut self, key: &Spanned<String>, snapshot: Option<&Snapshot>) {
        let line = line_of(&key.referenced);
        let node = match self.keys.get(strip_peers_v9(&key.value)).copied() {
            Some(base) => {
                let Some(index) = self.index(base) else {
                    return;
                };
                let location = self.builder.location(line);
                if let Some(package) = self.builder.get_mut(index) {
                    package.locations.insert(location);
                }
                self.node(index)
            }
            None => {
                self.warnings.push(ParseError::at(
                    line,
                    format!(
                        "snapshot `{}` has no entry in `packages`",
                        key.value.escape_debug()
                    ),
                ));
                let Some(node) = self.add_package(key, None) else {
                    return;
                };
                node
            }
        };
        if snapshot.and_then(|s| s.optional) == Some(true) {
            self.optional_flags.push(node);
        }
        self.snapshot_keys.insert(key.value.clone(), node);
    }

    /// Edges from one node to the nodes its entries resolve to.
    fn connect(
        &mut self,
        from: usize,
        from_key: &Spanned<String>,
        dependencies: Option<&Entries<String>>,
        optional: Option<&Entries<String>>,
    ) {
        let Some(from_index) = self.index(from) else {
            return;
        };
        let sections = [(dependencies, false), (optional, true)];
        for (entries, optional) in sections {
            for (name, reference) in entries.map_or(&[][..], |e| &e.0[..]) {
                let name = &name.value;
                let key = match resolve_reference(name, reference, self.major) {
                    Target::Link(_) => continue,
                    Target::Key(key) => key,
                };
                match self.lookup(&key) {
                    Some(to) => {
                        self.edges.push((from, to, optional));
                        if let Some(to_index) = self.index(to) {
                            self.builder.depend(from_index, to_index);
                            self.note_alias(to_index, name);
                        }
                    }
                    None => {
                        self.warnings.push(ParseError::at(
                            line_of(&from_key.referenced),
                            format!(
                                "`{}` depends on `{}`, which the lockfile does not contain",
                                from_key.value.escape_debug(),
                                key.escape_debug()
                            ),
                        ));
                    }
                }
            }
        }
    }

    fn read_importers(&mut self, document: &Document) {
        let mut importers: Vec<(String, u32, &Importer)> = Vec::new();
        if let Some(entries) = &document.importers {
            for (path, importer) in &entries.0 {
                let line = line_of(&path.referenced);
                let importer = importer.as_ref().unwrap_or(&Importer::DEFAULT);
                importers.push((normalize_path(&path.value), line, importer));
            }
        }
        if !document.root.is_empty() {
            importers.push((
                ".".to_owned(),
                document.root_line.unwrap_or(1),
                &document.root,
            ));
        }
        if importers.is_empty() {
            return;
        }

        // Importers do not record their names; other importers' `link:` entries do.
        let mut names: HashMap<String, &str> = HashMap::new();
        for (path, _, importer) in &importers {
            for (entries, _) in importer.sections() {
                for (name, reference) in entries.map_or(&[][..], |e| &e.0[..]) {
                    if let Some(link) = reference.0.strip_prefix("link:") {
                        names
                            .entry(join_path(path, link))
                            .or_insert(name.value.as_str());
                    }
                }
            }
        }
        if !self.tooling {
            for (path, line, _) in &importers {
                let name = names.get(path).copied().unwrap_or(path.as_str());
                let source = Source::Workspace { path: path.clone() };
                match self.builder.package(name, None, source, *line) {
                    Ok(package) => {
                        let index = self.builder.add(package);
                        self.importers.entry(path.clone()).or_insert(index);
                        self.importer_indices.insert(index);
                    }
                    Err(error) => self.errors.push(error),
                }
            }
        }

        for (path, line, importer) in &importers {
            let from = self.importers.get(path).copied();
            for (entries, scope) in importer.sections() {
                for (name, reference) in entries.map_or(&[][..], |e| &e.0[..]) {
                    if reference.0.is_empty() {
                        continue;
                    }
                    // Tooling sections of a project document count as development.
                    let scope = if self.tooling { None } else { scope };
                    match resolve_reference(&name.value, &reference.0, self.major) {
                        Target::Link(link) => {
                            if self.tooling {
                                continue;
                            }
                            let target = join_path(path, link);
                            let to = match self.importers.get(&target) {
                                Some(&to) => to,
                                None => {
                                    match self.add_linked(&name.value, target, &name.referenced) {
                                        Some(to) => to,
                                        None => continue,
                                    }
                                }
                            };
                            if let Some(from) = from {
                                self.builder.depend(from, to);
                            }
                            let is_importer = self.importer_indices.contains(&to);
                            if let Some(package) = self.builder.get_mut(to) {
                                package.direct |= scope.is_some();
                                if !is_importer {
                                    // The widest section naming the directory.
                                    let scope = scope.unwrap_or(Scope::Dev);
                                    package.scope =
                                        Some(package.scope.map_or(scope, |s| s.widest(scope)));
                                }
                            }
                        }
                        Target::Key(key) => {
                            let Some(to) = self.lookup(&key) else {
                                self.warnings.push(ParseError::at(
                                    *line,
                                    format!(
                                        "importer `{}` depends on `{}`, which the lockfile does \
                                         not contain",
                                        path.escape_debug(),
                                        key.escape_debug()
                                    ),
                                ));
                                continue;
                            };
                            self.seeds.push((to, scope.unwrap_or(Scope::Dev)));
                            let Some(to_index) = self.index(to) else {
                                continue;
                            };
                            self.note_alias(to_index, &name.value);
                            if let Some(from) = from {
                                self.builder.depend(from, to_index);
                            }
                            if let Some(package) = self.builder.get_mut(to_index) {
                                package.direct |= scope.is_some();
                            }
                        }
                    }
                }
            }
        }
    }

    /// A `link:` entry to a directory that is not an importer; returns its builder index.
    fn add_linked(
        &mut self,
        name: &str,
        path: String,
        at: &serde_saphyr::Location,
    ) -> Option<usize> {
        let line = line_of(at);
        match self
            .builder
            .package(name, None, Source::Path { path }, line)
        {
            Ok(package) => Some(self.builder.add(package)),
            Err(error) => {
                self.errors.push(error);
                None
            }
        }
    }

    /// The node a key names.
    fn lookup(&self, key: &str) -> Option<usize> {
        self.lookup_exact(key).or_else(|| {
            // Hand-edited lockfiles sometimes write `file:./dir` where the key is `file:dir`.
            let relaxed = key.replacen("file:./", "file:", 1);
            (relaxed.len() != key.len())
                .then(|| self.lookup_exact(&relaxed))
                .flatten()
        })
    }

    fn lookup_exact(&self, key: &str) -> Option<usize> {
        match self.major {
            Major::V9 => self
                .snapshot_keys
                .get(key)
                .or_else(|| self.keys.get(strip_peers_v9(key)))
                .copied(),
            Major::V5 | Major::V6 => self.keys.get(key).copied(),
        }
    }

    /// Records `name` as an alias when the package it resolved to is called something else.
    fn note_alias(&mut self, index: usize, name: &str) {
        if let Some(package) = self.builder.get_mut(index)
            && package.name.as_str() != name
            && !package.source.is_local()
        {
            package.aliases.insert(name.to_owned());
        }
    }

    /// 9.0: production along plain edges first, then optional (importer optional sections and
    /// optional edges out of production nodes), then development; the first level to reach a
    /// node is its scope, and a package takes the widest scope of its nodes.
    fn propagate_scopes(&mut self) {
        let len = self.nodes.len();
        let mut adjacency: Vec<Vec<(usize, bool)>> = vec![Vec::new(); len];
        for &(from, to, optional) in &self.edges {
            if let Some(next) = adjacency.get_mut(from) {
                next.push((to, optional));
            }
        }
        let mut scope: Vec<Option<Scope>> = vec![None; len];
        for level in [Scope::Prod, Scope::Optional, Scope::Dev] {
            let mut stack: Vec<usize> = self
                .seeds
                .iter()
                .filter(|&&(_, s)| s == level)
                .map(|&(node, _)| node)
                .collect();
            if level == Scope::Optional {
                for (from, next) in adjacency.iter().enumerate() {
                    if scope.get(from).copied().flatten() == Some(Scope::Prod) {
                        stack.extend(next.iter().filter(|(_, o)| *o).map(|&(to, _)| to));
                    }
                }
            }
            while let Some(node) = stack.pop() {
                match scope.get_mut(node) {
                    Some(slot @ None) => *slot = Some(level),
                    _ => continue,
                }
                if let Some(next) = adjacency.get(node) {
                    for &(to, optional) in next {
                        if !(level == Scope::Prod && optional) {
                            stack.push(to);
                        }
                    }
                }
            }
        }
        for &node in &self.optional_flags {
            if let Some(slot) = scope.get_mut(node)
                && matches!(slot, None | Some(Scope::Prod))
            {
                *slot = Some(Scope::Optional);
            }
        }
        for (node, scope) in scope.into_iter().enumerate() {
            let (Some(scope), Some(index)) = (scope, self.index(node)) else {
                continue;
            };
            if let Some(package) = self.builder.get_mut(index) {
                package.scope = Some(package.scope.map_or(scope, |s| s.widest(scope)));
            }
        }
    }
}

impl PackageEntry {
    const DEFAULT: PackageEntry = PackageEntry {
        resolution: None,
        name: None,
        version: None,
        dev: None,
        optional: None,
        requires_build: None,
        dependencies: None,
        optional_dependencies: None,
    };
}

impl Importer {
    const DEFAULT: Importer = Importer {
        dependencies: None,
        dev_dependencies: None,
        optional_dependencies: None,
        package_manager_dependencies: None,
        config_dependencies: None,
    };
}

// ---------------------------------------------------------------------------------------------
// Keys and references
// ---------------------------------------------------------------------------------------------

/// What an entry's dependency reference points at.
#[derive(Debug, PartialEq, Eq)]
enum Target<'a> {
    /// A `packages` (5.x, 6.x) or `snapshots` (9.0) key.
    Key(String),
    /// A `link:` to a directory, relative to the importer.
    Link(&'a str),
}

/// pnpm's `refToRelative`: a reference is a version (plus peer suffix) of the entry's name, or
/// already a full key (aliases, non-registry packages).
fn resolve_reference<'a>(name: &str, reference: &'a str, major: Major) -> Target<'a> {
    if let Some(link) = reference.strip_prefix("link:") {
        return Target::Link(link);
    }
    match major {
        Major::V5 | Major::V6 => {
            if reference.starts_with("file:") {
                return Target::Key(reference.to_owned());
            }
            let before_peers = reference.split('(').next().unwrap_or(reference);
            if before_peers.contains('/') {
                Target::Key(reference.to_owned())
            } else if major == Major::V5 {
                Target::Key(format!("/{name}/{reference}"))
            } else {
                Target::Key(format!("/{name}@{reference}"))
            }
        }
        Major::V9 => {
            if reference.starts_with('@') {
                return Target::Key(reference.to_owned());
            }
            let is_key = reference.find('@').is_some_and(|at| {
                reference.find(':').is_none_or(|colon| at < colon)
                    && reference.find('(').is_none_or(|paren| at < paren)
            });
            if is_key {
                Target::Key(reference.to_owned())
            } else {
                Target::Key(format!("{name}@{reference}"))
            }
        }
    }
}

/// `name@version(peer@…)` without its peer suffix.
fn strip_peers_v9(key: &str) -> &str {
    let start = usize::from(key.starts_with('@'));
    let version_at = key
        .get(start..)
        .and_then(|rest| rest.find('@'))
        .map_or(0, |at| at + start);
    match key.get(version_at..).and_then(|rest| rest.find('(')) {
        Some(paren) => key.get(..version_at + paren).unwrap_or(key),
        None => key,
    }
}

/// `name@version` split at the `@` that follows the (possibly scoped) name.
fn split_name_version(text: &str) -> Option<(&str, &str)> {
    let start = usize::from(text.starts_with('@'));
    let at = text.get(start..)?.find('@')? + start;
    let name = text.get(..at)?;
    let version = text.get(at + 1..)?;
    (!name.is_empty() && name != "@").then_some((name, version))
}

/// A package key taken apart.
#[derive(Debug, Default, PartialEq, Eq)]
struct KeyParts<'a> {
    /// The registry host of a 5.x / 6.x key not starting with `/`.
    host: Option<&'a str>,
    name: Option<&'a str>,
    /// Without the peer suffix.
    version: Option<&'a str>,
}

fn key_parts(key: &str, major: Major) -> KeyParts<'_> {
    if major == Major::V9 {
        return match split_name_version(strip_peers_v9(key)) {
            Some((name, version)) => KeyParts {
                host: None,
                name: Some(name),
                version: Some(version),
            },
            None => KeyParts::default(),
        };
    }
    let (host, rest) = if let Some(rest) = key.strip_prefix('/') {
        (None, rest)
    } else if key.starts_with("file:") || key.starts_with("link:") || key.starts_with('@') {
        return KeyParts::default();
    } else {
        match key.split_once('/') {
            Some((host, rest)) => (Some(host), rest),
            None => return KeyParts::default(),
        }
    };
    let (name, version) = match major {
        Major::V5 => {
            let mut parts = rest.splitn(3, '/');
            let first = parts.next().unwrap_or_default();
            let (name_len, version) = if first.starts_with('@') {
                let second = parts.next().unwrap_or_default();
                (first.len() + 1 + second.len(), parts.next())
            } else {
                (first.len(), rest.split_once('/').map(|(_, v)| v))
            };
            let version = version.map(|v| v.split('_').next().unwrap_or(v));
            (rest.get(..name_len), version)
        }
        Major::V6 | Major::V9 => {
            let rest = rest.split('(').next().unwrap_or(rest);
            match split_name_version(rest) {
                Some((name, version)) => (Some(name), Some(version)),
                None => (None, None),
            }
        }
    };
    KeyParts {
        host,
        name: name.filter(|n| !n.is_empty()),
        version: version.filter(|v| !v.is_empty()),
    }
}

fn is_semver(version: &str) -> bool {
    version.starts_with(|c: char| c.is_ascii_digit())
        && Version::new(Ecosystem::Npm, version).is_parsed()
}

fn is_host(host: &str) -> bool {
    !host.is_empty()
        && (host.contains('.') || host.contains(':') || host == "localhost")
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '_'))
}

struct Identity {
    name: String,
    version: Option<String>,
    source: Source,
    artifact_url: Option<String>,
}

/// The name, version and origin of a `packages` entry.
fn identify(key: &str, entry: Option<&PackageEntry>, major: Major) -> Result<Identity, String> {
    let parts = key_parts(key, major);
    let resolution = entry.and_then(|e| e.resolution.as_ref());
    let field_name = entry
        .and_then(|e| e.name.as_deref())
        .filter(|n| !n.is_empty());
    let field_version = entry
        .and_then(|e| e.version.as_deref())
        .filter(|v| !v.is_empty());
    let special_resolution = resolution.is_some_and(|r| r.kind.is_some());
    let registry_key = parts.version.is_some_and(is_semver)
        && parts.host.is_none_or(is_host)
        && field_name.is_none()
        && !special_resolution;

    if registry_key {
        let (Some(name), Some(version)) = (parts.name, parts.version) else {
            return Err(invalid_key(key));
        };
        let tarball = resolution.and_then(|r| r.tarball.as_deref());
        let url = tarball
            .and_then(|t| registry_from_tarball(t, name))
            .or_else(|| parts.host.map(|h| format!("https://{h}")));
        return Ok(Identity {
            name: name.to_owned(),
            version: Some(version.to_owned()),
            source: registry_source(url),
            artifact_url: tarball.map(str::to_owned),
        });
    }

    // 9.0 keys always name the package; 5.x / 6.x non-registry keys are paths or URLs that do
    // not (pnpm writes a `name` field for those).
    let key_name = if major == Major::V9 { parts.name } else { None };
    let Some(name) = field_name.or(key_name) else {
        return Err(match entry {
            Some(_) if parts.name.is_none() && !key.starts_with("file:") => invalid_key(key),
            Some(_) => format!("package `{}` records no name", key.escape_debug()),
            None => invalid_key(key),
        });
    };
    let version = field_version
        .or(parts.version.filter(|v| is_semver(v)))
        .map(str::to_owned);
    let key_reference = if major == Major::V9 {
        parts.version.unwrap_or_default()
    } else {
        key
    };
    let resolved = match resolution {
        Some(resolution) => resolution_source(resolution),
        None => reference_source(key_reference).map(|source| (source, None)),
    };
    let Some((source, artifact_url)) = resolved else {
        return Err(match resolution {
            Some(_) => format!(
                "cannot tell where package `{}` comes from: its resolution has no integrity, \
                 tarball, directory or git repository",
                key.escape_debug()
            ),
            None => invalid_key(key),
        });
    };
    Ok(Identity {
        name: name.to_owned(),
        version,
        source,
        artifact_url,
    })
}

fn invalid_key(key: &str) -> String {
    format!(
        "invalid dependency path `{}`: expected a package name and version",
        key.escape_debug()
    )
}

/// The origin a non-registry package's `resolution` records, and the artifact URL.
fn resolution_source(resolution: &Resolution) -> Option<(Source, Option<String>)> {
    match resolution.kind.as_deref() {
        Some("git") => {
            return Some((
                Source::Git {
                    // The same spelling npm-family specs get (`git+ssh://` and scp-like
                    // addresses normalised), so one repository has one id everywhere.
                    url: resolution
                        .repo
                        .as_deref()
                        .map(crate::npm::git_url)
                        .unwrap_or_default(),
                    commit: resolution.commit.clone(),
                    reference: None,
                },
                None,
            ));
        }
        Some("directory") => {
            return Some((
                Source::Path {
                    path: resolution.directory.clone().unwrap_or_default(),
                },
                None,
            ));
        }
        _ => {}
    }
    if let Some(tarball) = resolution.tarball.as_deref() {
        if let Some(path) = tarball.strip_prefix("file:") {
            return Some((
                Source::Path {
                    path: path.to_owned(),
                },
                None,
            ));
        }
        let source = codeload_source(tarball).unwrap_or_else(|| Source::Url {
            url: tarball.to_owned(),
        });
        return Some((source, Some(tarball.to_owned())));
    }
    if let Some(directory) = &resolution.directory {
        return Some((
            Source::Path {
                path: directory.clone(),
            },
            None,
        ));
    }
    // Only an integrity: a registry package under a name of its own.
    resolution
        .integrity
        .is_some()
        .then(|| (Source::registry(Ecosystem::Npm), None))
}

/// The origin a key or reference spells out when no resolution says (`file:`, `link:`, URLs).
fn reference_source(reference: &str) -> Option<Source> {
    if let Some(path) = reference
        .strip_prefix("file:")
        .or_else(|| reference.strip_prefix("link:"))
    {
        return Some(Source::Path {
            path: path.to_owned(),
        });
    }
    if reference.starts_with("https://") || reference.starts_with("http://") {
        return Some(codeload_source(reference).unwrap_or_else(|| Source::Url {
            url: reference.to_owned(),
        }));
    }
    if let Some(rest) = reference.strip_prefix("git+") {
        let (url, commit) = match rest.split_once('#') {
            Some((url, commit)) => (url, Some(commit.to_owned())),
            None => (rest, None),
        };
        return Some(Source::Git {
            url: url.to_owned(),
            commit,
            reference: None,
        });
    }
    None
}

/// `https://codeload.github.com/OWNER/REPO/tar.gz/COMMIT`, how pnpm fetches GitHub
/// dependencies: the repository at that commit.
fn codeload_source(tarball: &str) -> Option<Source> {
    let rest = tarball.strip_prefix("https://codeload.github.com/")?;
    let mut parts = rest.split('/');
    let (owner, repo, kind, commit) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if kind != "tar.gz" || parts.next().is_some() || owner.is_empty() || repo.is_empty() {
        return None;
    }
    Some(Source::Git {
        url: format!("https://github.com/{owner}/{repo}"),
        commit: Some(commit.to_owned()),
        reference: None,
    })
}

fn registry_from_tarball(tarball: &str, name: &str) -> Option<String> {
    crate::npm::source::registry_base(tarball, name)
}

fn registry_source(url: Option<String>) -> Source {
    url.map_or_else(
        || Source::registry(Ecosystem::Npm),
        |url| crate::npm::source::registry(&url),
    )
}

// ---------------------------------------------------------------------------------------------
// Importer paths
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::summary;
    use insta::assert_snapshot;

    const SRI: &str = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOSkOzEzOtkMN+9xTYKKn2Q1TNQ==";

    fn run(text: &str) -> Parsed {
        parse(Input {
            path: "pnpm-lock.yaml",
            text,
        })
        .unwrap()
    }

    fn fail(text: &str) -> ParseError {
        parse(Input {
            path: "pnpm-lock.yaml",
            text,
        })
        .unwrap_err()
    }

    fn aliases(parsed: &Parsed) -> Vec<String> {
        parsed
            .packages
            .iter()
            .filter(|p| !p.aliases.is_empty())
            .map(|p| format!("{} <- {:?}", p.name, p.aliases))
            .collect()
    }

    #[test]
    fn v5_3_single_project_with_peers_aliases_and_registries() {
        let text = format!(
            r#"lockfileVersion: 5.3

specifiers:
  react-dom: ^18.0.0
  str-cjs: npm:string-width@^4
  tool: ^1.0.0
  fsevents: ^2.0.0

dependencies:
  react-dom: 18.2.0_react@18.2.0
  str-cjs: /string-width/4.2.3

devDependencies:
  tool: registry.example.com/tool/1.0.0

optionalDependencies:
  fsevents: registry.npmjs.org/fsevents/2.3.2

packages:

  /react-dom/18.2.0_react@18.2.0:
    resolution: {{integrity: {SRI}}}
    peerDependencies:
      react: ^18.2.0
    dependencies:
      react: 18.2.0
      scheduler: 0.23.0
    dev: false

  /react-dom/18.2.0_react@18.3.0:
    resolution: {{integrity: {SRI}}}
    dependencies:
      react: 18.3.0
    dev: true

  /react/18.2.0:
    resolution: {{integrity: {SRI}}}

  /react/18.3.0:
    resolution: {{integrity: {SRI}}}
    dev: true

  /string-width/4.2.3:
    resolution: {{integrity: {SRI}, tarball: https://registry.npmjs.org/string-width/-/string-width-4.2.3.tgz}}
    dev: false

  registry.example.com/tool/1.0.0:
    resolution: {{integrity: {SRI}}}
    dependencies:
      '@scope/helper': registry.example.com/@scope/helper/2.0.0
    dev: true

  registry.example.com/@scope/helper/2.0.0:
    resolution: {{integrity: {SRI}, tarball: https://npm.example.com/repo/@scope/helper/-/helper-2.0.0.tgz}}
    dev: true

  registry.npmjs.org/fsevents/2.3.2:
    resolution: {{integrity: {SRI}}}
    dev: false
    optional: true
"#
        );
        let parsed = run(&text);
        assert_snapshot!(summary(&parsed), @r#"
        format: pnpm-lock.yaml 5.3
        pkg:npm/%40scope/helper@2.0.0?repository_url=https:%2F%2Fnpm.example.com%2Frepo scope=dev direct=false source=registry lines=[53] sha256=bf690311 deps=[]
        pkg:npm/. direct=false source=workspace lines=[3] sha256=- deps=["pkg:npm/fsevents@2.3.2", "pkg:npm/react-dom@18.2.0", "pkg:npm/string-width@4.2.3", "pkg:npm/tool@1.0.0?repository_url=https:%2F%2Fregistry.example.com"]
        pkg:npm/fsevents@2.3.2 scope=optional direct=true source=registry lines=[57] sha256=bf690311 deps=[]
        pkg:npm/react-dom@18.2.0 scope=prod direct=true source=registry lines=[21, 30] sha256=bf690311 deps=["pkg:npm/react@18.2.0", "pkg:npm/react@18.3.0"]
        pkg:npm/react@18.2.0 scope=prod direct=false source=registry lines=[36] sha256=bf690311 deps=[]
        pkg:npm/react@18.3.0 scope=dev direct=false source=registry lines=[39] sha256=bf690311 deps=[]
        pkg:npm/string-width@4.2.3 scope=prod direct=true source=registry lines=[43] sha256=bf690311 deps=[]
        pkg:npm/tool@1.0.0?repository_url=https:%2F%2Fregistry.example.com scope=dev direct=true source=registry lines=[47] sha256=bf690311 deps=["pkg:npm/%40scope/helper@2.0.0?repository_url=https:%2F%2Fnpm.example.com%2Frepo"]
        warning: Some(21) `/react-dom/18.2.0_react@18.2.0` depends on `/scheduler/0.23.0`, which the lockfile does not contain
        "#);
        assert_eq!(aliases(&parsed), ["string-width <- {\"str-cjs\"}"]);
        assert!(parsed.records_direct && parsed.records_scope);
    }

    #[test]
    fn v5_4_workspace_with_links_and_non_registry_packages() {
        let text = format!(
            r#"lockfileVersion: 5.4

importers:

  .:
    specifiers:
      '@acme/core': workspace:*
      local-tool: link:tools/local-tool
    devDependencies:
      '@acme/core': link:packages/core
      local-tool: link:tools/local-tool

  packages/core:
    specifiers:
      '@acme/shared': workspace:^1.0.0
      from-git: github:acme/from-git#main
      from-codeload: github:acme/from-codeload
      from-url: https://example.com/from-url-1.0.0.tgz
      from-file: file:../../vendor/from-file.tgz
      from-dir: file:../../vendor/from-dir
    dependencies:
      '@acme/shared': link:../shared
      from-git: github.com/acme/from-git/0123456789abcdef0123456789abcdef01234567
      from-codeload: github.com/acme/from-codeload/89abcdef0123456789abcdef0123456789abcdef
      from-url: '@example.com/from-url-1.0.0.tgz'
      from-file: file:vendor/from-file.tgz
      from-dir: file:vendor/from-dir

  packages/shared:
    specifiers: {{}}

packages:

  github.com/acme/from-git/0123456789abcdef0123456789abcdef01234567:
    resolution: {{commit: 0123456789abcdef0123456789abcdef01234567, repo: https://github.com/acme/from-git.git, type: git}}
    name: from-git
    version: 1.0.0
    dev: false

  github.com/acme/from-codeload/89abcdef0123456789abcdef0123456789abcdef:
    resolution: {{tarball: https://codeload.github.com/acme/from-codeload/tar.gz/89abcdef0123456789abcdef0123456789abcdef}}
    name: from-codeload
    version: 2.0.0
    dev: false

  '@example.com/from-url-1.0.0.tgz':
    resolution: {{tarball: https://example.com/from-url-1.0.0.tgz}}
    name: from-url
    version: 1.0.0
    dev: false

  file:vendor/from-file.tgz:
    resolution: {{integrity: {SRI}, tarball: file:vendor/from-file.tgz}}
    name: from-file
    version: 3.0.0
    dev: false

  file:vendor/from-dir:
    resolution: {{directory: vendor/from-dir, type: directory}}
    name: from-dir
    version: 4.0.0
    dependencies:
      from-url: '@example.com/from-url-1.0.0.tgz'
    dev: false
"#
        );
        let parsed = run(&text);
        assert_snapshot!(summary(&parsed), @r#"
        format: pnpm-lock.yaml 5.4
        pkg:npm/%40acme/core direct=true source=workspace lines=[13] sha256=- deps=["local:pkg:npm/%40acme/shared#packages/shared", "local:pkg:npm/from-dir@4.0.0#vendor/from-dir", "local:pkg:npm/from-file@3.0.0#vendor/from-file.tgz", "pkg:npm/from-codeload@2.0.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ffrom-codeload%4089abcdef0123456789abcdef0123456789abcdef", "pkg:npm/from-git@1.0.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ffrom-git%400123456789abcdef0123456789abcdef01234567", "pkg:npm/from-url@1.0.0?download_url=https:%2F%2Fexample.com%2Ffrom-url-1.0.0.tgz"]
        pkg:npm/%40acme/shared direct=true source=workspace lines=[29] sha256=- deps=[]
        pkg:npm/. direct=false source=workspace lines=[5] sha256=- deps=["local:pkg:npm/%40acme/core#packages/core", "local:pkg:npm/local-tool#tools/local-tool"]
        pkg:npm/from-codeload@2.0.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ffrom-codeload%4089abcdef0123456789abcdef0123456789abcdef scope=prod direct=true source=git lines=[40] sha256=- deps=[]
        pkg:npm/from-dir@4.0.0 scope=prod direct=true source=path lines=[58] sha256=- deps=["pkg:npm/from-url@1.0.0?download_url=https:%2F%2Fexample.com%2Ffrom-url-1.0.0.tgz"]
        pkg:npm/from-file@3.0.0 scope=prod direct=true source=path lines=[52] sha256=bf690311 deps=[]
        pkg:npm/from-git@1.0.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ffrom-git%400123456789abcdef0123456789abcdef01234567 scope=prod direct=true source=git lines=[34] sha256=- deps=[]
        pkg:npm/from-url@1.0.0?download_url=https:%2F%2Fexample.com%2Ffrom-url-1.0.0.tgz scope=prod direct=true source=url lines=[46] sha256=- deps=[]
        pkg:npm/local-tool scope=dev direct=true source=path lines=[11] sha256=- deps=[]
        "#);
        let sources: Vec<String> = parsed
            .packages
            .iter()
            .map(|p| format!("{}: {:?} {:?}", p.name, p.source, p.artifact_url))
            .collect();
        assert_snapshot!(sources.join("\n"), @r#"
        from-git: Git { url: "https://github.com/acme/from-git", commit: Some("0123456789abcdef0123456789abcdef01234567"), reference: None } None
        from-codeload: Git { url: "https://github.com/acme/from-codeload", commit: Some("89abcdef0123456789abcdef0123456789abcdef"), reference: None } Some("https://codeload.github.com/acme/from-codeload/tar.gz/89abcdef0123456789abcdef0123456789abcdef")
        from-url: Url { url: "https://example.com/from-url-1.0.0.tgz" } Some("https://example.com/from-url-1.0.0.tgz")
        from-file: Path { path: "vendor/from-file.tgz" } None
        from-dir: Path { path: "vendor/from-dir" } None
        .: Workspace { path: "." } None
        @acme/core: Workspace { path: "packages/core" } None
        @acme/shared: Workspace { path: "packages/shared" } None
        local-tool: Path { path: "tools/local-tool" } None
        "#);
    }

    #[test]
    fn requires_build_marks_install_scripts() {
        let text = format!(
            r#"lockfileVersion: '6.0'

dependencies:
  esbuild:
    specifier: ^0.25.0
    version: 0.25.0
  plain:
    specifier: ^1.0.0
    version: 1.0.0

packages:

  /esbuild@0.25.0:
    resolution: {{integrity: {SRI}}}
    requiresBuild: true
    dev: false

  /plain@1.0.0:
    resolution: {{integrity: {SRI}}}
    dev: false
"#
        );
        let parsed = run(&text);
        let flags: Vec<(&str, bool)> = parsed
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.install_script))
            .collect();
        assert_eq!(flags, [("esbuild", true), ("plain", false), (".", false)]);
    }

    #[test]
    fn v6_0_peers_objects_and_aliases() {
        let text = format!(
            r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@types/react-dom':
    specifier: ^18.0.0
    version: 18.2.0(@types/react@18.2.0)(react@18.2.0)
  react:
    specifier: ^18.2.0
    version: 18.2.0
  string-width-cjs:
    specifier: npm:string-width@^4.2.0
    version: /string-width@4.2.3

devDependencies:
  private-tool:
    specifier: ^1.0.0
    version: registry.example.com/private-tool@1.0.0(react@18.2.0)

packages:

  /@types/react-dom@18.2.0(@types/react@18.2.0)(react@18.2.0):
    resolution: {{integrity: {SRI}}}
    peerDependencies:
      react: '*'
    dependencies:
      '@types/react': 18.2.0
      react: 18.2.0
    dev: false

  /@types/react@18.2.0:
    resolution: {{integrity: {SRI}}}
    dev: false

  /react@18.2.0:
    resolution: {{integrity: {SRI}}}

  /string-width@4.2.3:
    resolution: {{integrity: {SRI}}}
    dev: false

  registry.example.com/private-tool@1.0.0(react@18.2.0):
    resolution: {{integrity: {SRI}}}
    dependencies:
      react: 18.2.0
    dev: true
"#
        );
        let parsed = run(&text);
        assert_snapshot!(summary(&parsed), @r#"
        format: pnpm-lock.yaml 6.0
        pkg:npm/%40types/react-dom@18.2.0 scope=prod direct=true source=registry lines=[25] sha256=bf690311 deps=["pkg:npm/%40types/react@18.2.0", "pkg:npm/react@18.2.0"]
        pkg:npm/%40types/react@18.2.0 scope=prod direct=false source=registry lines=[34] sha256=bf690311 deps=[]
        pkg:npm/. direct=false source=workspace lines=[7] sha256=- deps=["pkg:npm/%40types/react-dom@18.2.0", "pkg:npm/private-tool@1.0.0?repository_url=https:%2F%2Fregistry.example.com", "pkg:npm/react@18.2.0", "pkg:npm/string-width@4.2.3"]
        pkg:npm/private-tool@1.0.0?repository_url=https:%2F%2Fregistry.example.com scope=dev direct=true source=registry lines=[45] sha256=bf690311 deps=["pkg:npm/react@18.2.0"]
        pkg:npm/react@18.2.0 scope=prod direct=true source=registry lines=[38] sha256=bf690311 deps=[]
        pkg:npm/string-width@4.2.3 scope=prod direct=true source=registry lines=[41] sha256=bf690311 deps=[]
        "#);
        assert_eq!(aliases(&parsed), ["string-width <- {\"string-width-cjs\"}"]);
        let v61 = text.replace("'6.0'", "'6.1'");
        assert_eq!(run(&v61).format, "pnpm-lock.yaml 6.1");
    }

    #[test]
    fn v5_4_inline_specifiers() {
        let text = format!(
            "lockfileVersion: 5.4-inlineSpecifiers\n\ndependencies:\n  a:\n    specifier: ^1.0.0\n    version: 1.0.0_b@2.0.0\n\npackages:\n\n  /a/1.0.0_b@2.0.0:\n    resolution: {{integrity: {SRI}}}\n    dependencies:\n      b: 2.0.0\n    dev: false\n\n  /b/2.0.0:\n    resolution: {{integrity: {SRI}}}\n    dev: false\n"
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: pnpm-lock.yaml 5.4-inlineSpecifiers
        pkg:npm/. direct=false source=workspace lines=[3] sha256=- deps=["pkg:npm/a@1.0.0"]
        pkg:npm/a@1.0.0 scope=prod direct=true source=registry lines=[10] sha256=bf690311 deps=["pkg:npm/b@2.0.0"]
        pkg:npm/b@2.0.0 scope=prod direct=false source=registry lines=[16] sha256=bf690311 deps=[]
        "#);
    }

    #[test]
    fn v9_0_scopes_from_importers_and_snapshots() {
        let text = format!(
            r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      app-dep:
        specifier: ^1.0.0
        version: 1.0.0(peer@1.0.0)
      debug:
        specifier: npm:obug@^1.0.0
        version: obug@1.0.2
      '@acme/lib':
        specifier: workspace:*
        version: link:packages/lib
      vendored:
        specifier: file:vendor/vendored
        version: file:vendor/vendored
      from-tarball:
        specifier: https://example.com/from-tarball.tgz
        version: https://example.com/from-tarball.tgz
    optionalDependencies:
      native:
        specifier: ^3.0.0
        version: 3.0.0
    devDependencies:
      test-dep:
        specifier: ^2.0.0
        version: 2.0.0(peer@2.0.0)
      peer:
        specifier: ^2.0.0
        version: 2.0.0

  packages/lib:
    devDependencies:
      '@types/scoped':
        specifier: npm:@types/real@^1.0.0
        version: '@types/real@1.0.0'

packages:

  '@types/real@1.0.0':
    resolution: {{integrity: {SRI}}}

  app-dep@1.0.0:
    resolution: {{integrity: {SRI}}}
    peerDependencies:
      peer: '*'

  from-tarball@https://example.com/from-tarball.tgz:
    resolution: {{tarball: https://example.com/from-tarball.tgz}}
    version: 5.0.0

  native@3.0.0:
    resolution: {{integrity: {SRI}}}

  native-linux@3.0.0:
    resolution: {{integrity: {SRI}}}
    os: [linux]

  obug@1.0.2:
    resolution: {{integrity: {SRI}}}

  peer@1.0.0:
    resolution: {{integrity: {SRI}}}

  peer@2.0.0:
    resolution: {{integrity: {SRI}}}

  shared@1.0.0:
    resolution: {{integrity: {SRI}}}

  test-dep@2.0.0:
    resolution: {{integrity: {SRI}}}
    peerDependencies:
      peer: '*'

  vendored@file:vendor/vendored:
    resolution: {{directory: vendor/vendored, type: directory}}
    version: 0.1.0

snapshots:

  '@types/real@1.0.0': {{}}

  app-dep@1.0.0(peer@1.0.0):
    dependencies:
      peer: 1.0.0
      shared: 1.0.0
    optionalDependencies:
      native-linux: 3.0.0

  from-tarball@https://example.com/from-tarball.tgz: {{}}

  native@3.0.0:
    optionalDependencies:
      native-linux: 3.0.0

  native-linux@3.0.0:
    optional: true

  obug@1.0.2: {{}}

  peer@1.0.0: {{}}

  peer@2.0.0: {{}}

  shared@1.0.0: {{}}

  test-dep@2.0.0(peer@2.0.0):
    dependencies:
      peer: 2.0.0
      shared: 1.0.0
      ghost: 1.0.0

  vendored@file:vendor/vendored: {{}}

  orphan@1.0.0: {{}}
"#
        );
        let parsed = run(&text);
        assert_snapshot!(summary(&parsed), @r#"
        format: pnpm-lock.yaml 9.0
        pkg:npm/%40acme/lib direct=true source=workspace lines=[38] sha256=- deps=["pkg:npm/%40types/real@1.0.0"]
        pkg:npm/%40types/real@1.0.0 scope=dev direct=true source=registry lines=[46, 88] sha256=bf690311 deps=[]
        pkg:npm/. direct=false source=workspace lines=[9] sha256=- deps=["local:pkg:npm/%40acme/lib#packages/lib", "local:pkg:npm/vendored@0.1.0#vendor/vendored", "pkg:npm/app-dep@1.0.0", "pkg:npm/from-tarball@5.0.0?download_url=https:%2F%2Fexample.com%2Ffrom-tarball.tgz", "pkg:npm/native@3.0.0", "pkg:npm/obug@1.0.2", "pkg:npm/peer@2.0.0", "pkg:npm/test-dep@2.0.0"]
        pkg:npm/app-dep@1.0.0 scope=prod direct=true source=registry lines=[49, 90] sha256=bf690311 deps=["pkg:npm/native-linux@3.0.0", "pkg:npm/peer@1.0.0", "pkg:npm/shared@1.0.0"]
        pkg:npm/from-tarball@5.0.0?download_url=https:%2F%2Fexample.com%2Ffrom-tarball.tgz scope=prod direct=true source=url lines=[54, 97] sha256=- deps=[]
        pkg:npm/native-linux@3.0.0 scope=optional direct=false source=registry lines=[61, 103] sha256=bf690311 deps=[]
        pkg:npm/native@3.0.0 scope=optional direct=true source=registry lines=[58, 99] sha256=bf690311 deps=["pkg:npm/native-linux@3.0.0"]
        pkg:npm/obug@1.0.2 scope=prod direct=true source=registry lines=[65, 106] sha256=bf690311 deps=[]
        pkg:npm/orphan@1.0.0 direct=false source=registry lines=[122] sha256=- deps=[]
        pkg:npm/peer@1.0.0 scope=prod direct=false source=registry lines=[68, 108] sha256=bf690311 deps=[]
        pkg:npm/peer@2.0.0 scope=dev direct=true source=registry lines=[71, 110] sha256=bf690311 deps=[]
        pkg:npm/shared@1.0.0 scope=prod direct=false source=registry lines=[74, 112] sha256=bf690311 deps=[]
        pkg:npm/test-dep@2.0.0 scope=dev direct=true source=registry lines=[77, 114] sha256=bf690311 deps=["pkg:npm/peer@2.0.0", "pkg:npm/shared@1.0.0"]
        pkg:npm/vendored@0.1.0 scope=prod direct=true source=path lines=[82, 120] sha256=- deps=[]
        warning: Some(122) snapshot `orphan@1.0.0` has no entry in `packages`
        warning: Some(114) `test-dep@2.0.0(peer@2.0.0)` depends on `ghost@1.0.0`, which the lockfile does not contain
        "#);
        assert_eq!(
            aliases(&parsed),
            [
                "@types/real <- {\"@types/scoped\"}".to_owned(),
                "obug <- {\"debug\"}".to_owned()
            ]
        );
    }

    #[test]
    fn v9_0_package_manager_document_is_reported_as_tooling() {
        let text = format!(
            r#"---
lockfileVersion: '9.0'

importers:

  .:
    configDependencies: {{}}
    packageManagerDependencies:
      pnpm:
        specifier: 11.0.0
        version: 11.0.0

packages:

  pnpm@11.0.0:
    resolution: {{integrity: {SRI}}}

  shared@1.0.0:
    resolution: {{integrity: {SRI}}}

snapshots:

  pnpm@11.0.0:
    dependencies:
      shared: 1.0.0

  shared@1.0.0: {{}}

---
lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      shared:
        specifier: 1.0.0
        version: 1.0.0

packages:

  shared@1.0.0:
    resolution: {{integrity: {SRI}}}

snapshots:

  shared@1.0.0: {{}}
"#
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: pnpm-lock.yaml 9.0
        pkg:npm/. direct=false source=workspace lines=[34] sha256=- deps=["pkg:npm/shared@1.0.0"]
        pkg:npm/pnpm@11.0.0 scope=dev direct=false source=registry lines=[15, 23] sha256=bf690311 deps=["pkg:npm/shared@1.0.0"]
        pkg:npm/shared@1.0.0 scope=prod direct=true source=registry lines=[18, 27, 42, 47] sha256=bf690311 deps=[]
        "#);
    }

    #[test]
    fn long_keys_written_as_explicit_keys() {
        // YAML caps implicit keys at 1024 characters; pnpm writes longer snapshot keys as
        // `? key`.
        let peers = "(peer@1.0.0)".repeat(100);
        let text = format!(
            "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1.0.0\n        version: 1.0.0{peers}\npackages:\n  a@1.0.0:\n    resolution: {{integrity: {SRI}}}\n  peer@1.0.0:\n    resolution: {{integrity: {SRI}}}\nsnapshots:\n  ? a@1.0.0{peers}\n  : dependencies:\n      peer: 1.0.0\n  peer@1.0.0: {{}}\n"
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: pnpm-lock.yaml 9.0
        pkg:npm/. direct=false source=workspace lines=[3] sha256=- deps=["pkg:npm/a@1.0.0"]
        pkg:npm/a@1.0.0 scope=prod direct=true source=registry lines=[9, 14] sha256=bf690311 deps=["pkg:npm/peer@1.0.0"]
        pkg:npm/peer@1.0.0 scope=prod direct=false source=registry lines=[11, 17] sha256=bf690311 deps=[]
        "#);
    }

    #[test]
    fn supported_versions_name_the_format() {
        for version in [
            "5", "5.0", "5.1", "5.2", "5.3", "5.4", "'6.0'", "'6.1'", "'9.0'",
        ] {
            let parsed = run(&format!("lockfileVersion: {version}\n"));
            assert_eq!(
                parsed.format,
                format!("pnpm-lock.yaml {}", version.trim_matches('\''))
            );
        }
    }

    #[test]
    fn unsupported_versions_are_errors_with_lines() {
        for (text, version) in [
            ("# pnpm\nlockfileVersion: 4.0\n", "4.0"),
            ("lockfileVersion: '10.0'\n", "10.0"),
            ("lockfileVersion: 'next'\n", "next"),
            ("packages: {}\nlockfileVersion: 3\n", "3"),
        ] {
            let error = fail(text);
            assert_eq!(
                error.line,
                Some(u32::try_from(text.lines().count()).unwrap()),
                "{text}"
            );
            assert_eq!(
                error.message,
                format!(
                    "unsupported pnpm-lock.yaml lockfileVersion `{version}` (customs reads 5.0 to \
                     5.4, 6.0, 6.1 and 9.0)"
                )
            );
        }
        let error = fail("\n\nimporters: {}\n");
        assert_eq!(error.line, Some(3));
        assert!(
            error.message.starts_with("missing lockfileVersion"),
            "{error}"
        );
    }

    #[test]
    fn malformed_inputs_are_errors_with_lines() {
        let error = fail("lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {resolution: [\n");
        assert_eq!(error.message, "invalid pnpm-lock.yaml");
        assert!(error.line.is_some(), "{}", error.full_message());
        let error = fail("lockfileVersion: '9.0'\n\npackages:\n  - a@1.0.0\n");
        assert_eq!(error.line, Some(4), "{}", error.full_message());
        let error = fail("lockfileVersion: 5.3\npackages:\n  /a/1.0.0:\n    dev: maybe\n");
        assert_eq!(error.line, Some(4), "{}", error.full_message());
        let error = fail("this is not yaml!\n");
        assert_eq!(error.line, Some(1), "{}", error.full_message());
        let error = fail("lockfileVersion: 5.3\nlockfileVersion: 5.4\n");
        assert_eq!(error.line, Some(2), "{}", error.full_message());
    }

    #[test]
    fn bad_entries_are_skipped_with_errors() {
        let text = format!(
            "lockfileVersion: 5.3\npackages:\n  invalidpath:\n    resolution: {{integrity: {SRI}}}\n  /ok/1.0.0:\n    resolution: {{integrity: sha512-short}}\n  file:../nameless:\n    resolution: {{directory: ../nameless, type: directory}}\n  /foo/bar:\n  github.com/kevva/is-positive:\n"
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: pnpm-lock.yaml 5.3
        pkg:npm/ok@1.0.0 scope=prod direct=false source=registry lines=[5] sha256=- deps=[]
        error: Some(3) invalid dependency path `invalidpath`: expected a package name and version
        error: Some(5) bad integrity for `/ok/1.0.0`: malformed digest in `sha512-short`
        error: Some(7) package `file:../nameless` records no name
        error: Some(9) invalid dependency path `/foo/bar`: expected a package name and version
        error: Some(10) invalid dependency path `github.com/kevva/is-positive`: expected a package name and version
        "#);
    }

    #[test]
    fn hostile_yaml_is_refused_without_panicking() {
        let mut bomb =
            String::from("lockfileVersion: '9.0'\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (i, previous) in ["a", "b", "c", "d", "e", "f", "g", "h"].iter().enumerate() {
            let name = ["b", "c", "d", "e", "f", "g", "h", "i"][i];
            bomb.push_str(&format!(
                "{name}: &{name} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n"
            ));
        }
        assert!(
            parse(Input {
                path: "pnpm-lock.yaml",
                text: &bomb
            })
            .is_err()
        );
        let deep = format!(
            "lockfileVersion: '9.0'\nx: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        );
        assert!(
            parse(Input {
                path: "pnpm-lock.yaml",
                text: &deep
            })
            .is_err()
        );
        let deep_block: String = (0..2000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(
            parse(Input {
                path: "pnpm-lock.yaml",
                text: &deep_block
            })
            .is_err()
        );
    }

    #[test]
    fn empty_files_hold_nothing() {
        for text in ["", "# comment only\n", "---\n"] {
            let parsed = run(text);
            assert!(parsed.packages.is_empty());
            assert_eq!(parsed.format, "pnpm-lock.yaml (empty)");
        }
        let parsed = run("lockfileVersion: 5.3\nspecifiers:\ndependencies:\npackages:\n");
        assert!(parsed.packages.is_empty());
        assert_eq!(parsed.format, "pnpm-lock.yaml 5.3");
    }

    #[test]
    fn keys_and_references() {
        let parts = |key, major| {
            let p = key_parts(key, major);
            (p.host, p.name, p.version)
        };
        assert_eq!(
            parts("/@babel/core/7.0.0_@types+node@14.0.0", Major::V5),
            (None, Some("@babel/core"), Some("7.0.0"))
        );
        assert_eq!(
            parts("registry.npmjs.org/lodash/4.17.10", Major::V5),
            (Some("registry.npmjs.org"), Some("lodash"), Some("4.17.10"))
        );
        assert_eq!(
            parts("/@babel/helper@7.21.5(@babel/core@7.20.7)", Major::V6),
            (None, Some("@babel/helper"), Some("7.21.5"))
        );
        assert_eq!(
            parts("@scope/a@1.0.0(b@2.0.0(c@3.0.0))", Major::V9),
            (None, Some("@scope/a"), Some("1.0.0"))
        );
        assert_eq!(parts("file:../x", Major::V5), (None, None, None));
        assert_eq!(
            strip_peers_v9("@a/b@1.0.0(@c/d@2.0.0)(e@3.0.0)"),
            "@a/b@1.0.0"
        );
        assert_eq!(strip_peers_v9("a@https://x/y.tgz"), "a@https://x/y.tgz");
        for (name, reference, major, expected) in [
            ("a", "1.0.0_b@2.0.0", Major::V5, "/a/1.0.0_b@2.0.0"),
            ("a", "/real/1.0.0", Major::V5, "/real/1.0.0"),
            ("a", "1.0.0(@b/c@2.0.0)", Major::V6, "/a@1.0.0(@b/c@2.0.0)"),
            ("a", "file:../x", Major::V6, "file:../x"),
            ("a", "1.0.0(b@2.0.0)", Major::V9, "a@1.0.0(b@2.0.0)"),
            ("a", "real@1.0.0(b@2.0.0)", Major::V9, "real@1.0.0(b@2.0.0)"),
            ("a", "@s/real@1.0.0", Major::V9, "@s/real@1.0.0"),
            ("a", "https://x/y@z.tgz", Major::V9, "a@https://x/y@z.tgz"),
        ] {
            assert_eq!(
                resolve_reference(name, reference, major),
                Target::Key(expected.to_owned()),
                "{reference}"
            );
        }
        assert_eq!(
            resolve_reference("a", "link:../a", Major::V9),
            Target::Link("../a")
        );
        assert_eq!(join_path("packages/a", "../b"), "packages/b");
        assert_eq!(join_path(".", "./tools/x/"), "tools/x");
        assert_eq!(join_path("a", "../../outside"), "../outside");
        assert_eq!(normalize_path("./"), ".");
    }

    #[test]
    fn sniffs_and_names() {
        assert!(sniff("lockfileVersion: '9.0'\n\nsettings:\n"));
        assert!(sniff("---\nlockfileVersion: '9.0'\n"));
        assert!(!sniff("{\n  \"lockfileVersion\": 3,\n"));
        assert_eq!(
            crate::Format::from_file_name("pnpm-lock.yaml"),
            Some(crate::Format::PnpmLock)
        );
        assert_eq!(
            crate::Format::sniff("lockfileVersion: 5.4\n"),
            Some(crate::Format::PnpmLock)
        );
    }
}
