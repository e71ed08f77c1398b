//! `package-lock.json` and `npm-shrinkwrap.json`, lockfileVersion 1, 2 and 3.
//!
//! - v1 (npm 5 and 6) nests installed packages: each entry of `dependencies` may hold its own
//!   `dependencies` (the copies installed under its `node_modules`). `version` is the version,
//!   or for other sources the spec: `npm:real@1.0.0` (an alias), a git URL, `file:…`, a tarball
//!   URL. `requires` names the dependencies, `dev` / `optional` the scope, `bundled` packages
//!   shipped inside their parent's tarball. v1 does not say which packages are direct.
//! - v2 (npm 7 and 8) writes both the v1 tree and a flat `packages` map keyed by install path
//!   (`node_modules/a/node_modules/@s/b`); v3 (npm 9+) only the map. The root project is the
//!   `""` entry, whose dependency maps name the direct dependencies. Folders (keys without
//!   `node_modules`) are workspace members when the root's `workspaces` globs match them, other
//!   local directories (`file:` dependencies) otherwise; `node_modules/x` entries with
//!   `link: true` point at them and are not packages themselves. `name` differs from the key's
//!   last segment for aliases. `dev` and `devOptional` make a package development-only,
//!   `optional` optional; `peer` packages are production. Some files declare version 2 but
//!   hold only the v1 tree: whichever key is present is read, `packages` first.
//! - npm 2-4 shrinkwraps have no `lockfileVersion` and the v1 layout.
//!
//! Dependencies resolve as Node does: from install path P, `P/node_modules/dep`, then each
//! ancestor's `node_modules/dep`, up to the root `node_modules/dep`; from a folder, its own
//! `node_modules` and then the root's. What the root and workspace members declare is direct
//! (their `devDependencies` included); installed packages' `devDependencies` are not installed
//! and are ignored.

mod json;
pub(crate) mod source;
mod tree;

use std::collections::HashMap;

use customs_core::{Ecosystem, Integrity, Scope, Source};
use serde::Deserialize;
use serde_json::value::RawValue;

pub(crate) use json::{Entries, MaybeStr, Names, Str};
pub(crate) use source::{from_resolved, git, git_url, is_git, registry};
pub(crate) use tree::{MAX_DEPTH, ROOT, Tree};

use crate::error::Syntax;
use crate::{Builder, Input, LineIndex, ParseError, Parsed};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockfile<'a> {
    #[serde(borrow)]
    lockfile_version: Option<&'a RawValue>,
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    packages: Option<Entries<'a, &'a RawValue>>,
    #[serde(borrow)]
    dependencies: Option<&'a RawValue>,
}

/// One entry of the v2/v3 `packages` map.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PackageEntry<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    resolved: Option<Str<'a>>,
    #[serde(borrow)]
    integrity: Option<Str<'a>>,
    /// A string in lockfiles npm writes; old manifests copied here may hold an object.
    #[serde(borrow, default)]
    license: Option<MaybeStr<'a>>,
    #[serde(default)]
    link: Option<bool>,
    #[serde(default)]
    has_install_script: Option<bool>,
    #[serde(default)]
    dev: Option<bool>,
    #[serde(default)]
    optional: Option<bool>,
    #[serde(default)]
    dev_optional: Option<bool>,
    #[serde(borrow, default)]
    dependencies: Names<'a>,
    #[serde(borrow, default)]
    dev_dependencies: Names<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Names<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Names<'a>,
    #[serde(borrow, default)]
    peer_dependencies_meta: Option<Entries<'a, PeerMeta>>,
    #[serde(borrow, default)]
    workspaces: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct PeerMeta {
    #[serde(default)]
    optional: Option<bool>,
}

/// One entry of the v1 `dependencies` tree.
#[derive(Deserialize)]
struct V1Entry<'a> {
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow)]
    resolved: Option<Str<'a>>,
    #[serde(borrow)]
    integrity: Option<Str<'a>>,
    #[serde(default)]
    dev: Option<bool>,
    #[serde(default)]
    optional: Option<bool>,
    #[serde(borrow, default)]
    requires: Names<'a>,
    #[serde(borrow, default)]
    dependencies: Option<Entries<'a, V1Entry<'a>>>,
}

/// How a package declares a dependency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DepKind {
    Prod,
    Dev,
    Optional,
    Peer,
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// The project (`""`).
    Root,
    /// A directory of the project: a workspace member or a `file:` directory dependency.
    Folder,
    /// A package under some `node_modules`.
    Installed,
    /// A `node_modules` entry pointing at a folder.
    Link(Option<String>),
}

/// One entry of the lockfile, whatever its version.
struct Node<'a> {
    key: String,
    line: u32,
    kind: Kind,
    /// The real name, where the entry records it (always for installed packages).
    name: Option<String>,
    alias: Option<String>,
    version: Option<String>,
    /// Decided later for folders and the root.
    source: Option<Source>,
    artifact: Option<String>,
    integrity: Option<Str<'a>>,
    license: Option<Str<'a>>,
    install_script: bool,
    scope: Option<Scope>,
    deps: Vec<(Str<'a>, DepKind)>,
}

impl<'a> Node<'a> {
    fn new(key: String, line: u32, kind: Kind) -> Self {
        Self {
            key,
            line,
            kind,
            name: None,
            alias: None,
            version: None,
            source: None,
            artifact: None,
            integrity: None,
            license: None,
            install_script: false,
            scope: None,
            deps: Vec::new(),
        }
    }
}

pub(crate) fn sniff(head: &str) -> bool {
    head.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
        && head.contains("\"lockfileVersion\"")
        && !crate::bun::sniff(head)
}

/// `package-lock.json` or `npm-shrinkwrap.json`, from the file name.
fn file_label(path: &str) -> &'static str {
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    if file_name == "npm-shrinkwrap.json" {
        "npm-shrinkwrap.json"
    } else {
        "package-lock.json"
    }
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let file = file_label(input.path);
    let text = input.text.strip_prefix('\u{feff}').unwrap_or(input.text);
    expect_object(text, file)?;
    let lockfile: Lockfile = serde_json::from_str(text).map_err(|e| ParseError::json(file, e))?;
    let lines = LineIndex::new(text);
    let format_version = match lockfile.lockfile_version {
        None => None,
        Some(raw) => {
            let line = lines.line_of(raw.get()).unwrap_or(1);
            match raw.get().trim().parse::<u64>() {
                Ok(v @ 1..=3) => Some(v),
                _ => {
                    return Err(ParseError::at(
                        line,
                        format!(
                            "unsupported {file} lockfileVersion {} (customs reads versions 1 to 3)",
                            raw.get().trim()
                        ),
                    ));
                }
            }
        }
    };
    let format = match format_version {
        Some(v) => format!("{file} v{v}"),
        None => format!("{file} (no lockfileVersion)"),
    };

    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let top_name = lockfile.name.as_ref().map(|n| n.as_str().to_owned());
    let top_version = lockfile.version.as_ref().map(|v| v.as_str().to_owned());
    let top_line = lockfile
        .name
        .as_ref()
        .and_then(|n| lines.line_of(n.as_str()))
        .unwrap_or(1);
    let records_direct;
    let mut workspaces = Vec::new();
    let mut nodes = Vec::new();
    if let Some(packages) = lockfile.packages {
        records_direct = true;
        for (key, raw) in packages.0 {
            let line = lines.line_of(raw.get()).unwrap_or(1);
            let entry: PackageEntry = match serde_json::from_str(raw.get()) {
                Ok(entry) => entry,
                Err(error) => {
                    errors.push(nested_json_error(
                        line,
                        format!("invalid entry `{}`", key.as_str()),
                        &error,
                    ));
                    continue;
                }
            };
            if key.as_str().is_empty()
                && let Some(raw) = entry.workspaces
            {
                workspaces = workspace_patterns(raw);
            }
            nodes.push(v2_node(key.as_str(), line, entry));
        }
    } else {
        records_direct = false;
        nodes.push(Node::new(String::new(), top_line, Kind::Root));
        if let Some(raw) = lockfile.dependencies {
            let tree: Entries<V1Entry> = serde_json::from_str(raw.get()).map_err(|e| {
                let line = lines.line_of(raw.get()).unwrap_or(1);
                nested_json_error(line, format!("invalid {file} dependencies"), &e)
            })?;
            v1_nodes(tree, &lines, top_line, &mut nodes)?;
        }
    }

    let mut builder = Builder::new(Ecosystem::Npm, input.path);
    let graph = Graph::new(&nodes, &mut errors);
    let packages = graph.add_packages(
        &nodes,
        &mut builder,
        &workspaces,
        (top_name, top_version),
        &mut errors,
        &mut warnings,
    );
    graph.connect(&nodes, &packages, &mut builder, &mut warnings);

    let mut parsed = Parsed::new(format, Ecosystem::Npm, builder.finish());
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_direct = records_direct;
    parsed.records_scope = true;
    Ok(parsed)
}

/// An error in a JSON value read on its own, starting at `line` of the file: the line is the
/// file's, and serde_json's position (relative to the value) is left out of the message.
pub(crate) fn nested_json_error(
    line: u32,
    message: String,
    error: &serde_json::Error,
) -> ParseError {
    let inner = u32::try_from(error.line()).unwrap_or(1).max(1);
    let text = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let cause = text.strip_suffix(&position).unwrap_or(&text).to_owned();
    ParseError::at(line.saturating_add(inner - 1), message).with_source(Syntax(cause))
}

/// A clear error for JSON that is not an object (`null`, a list, not JSON at all).
pub(crate) fn expect_object(text: &str, what: &str) -> Result<(), ParseError> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return Ok(());
    }
    let line = LineIndex::new(text).line(text.len() - trimmed.len());
    Err(ParseError::at(
        line,
        format!("invalid {what}: expected a JSON object"),
    ))
}

fn scope_of(dev: bool, optional: bool, dev_optional: bool) -> Scope {
    if dev || dev_optional {
        Scope::Dev
    } else if optional {
        Scope::Optional
    } else {
        Scope::Prod
    }
}

/// Whether a key names something under a `node_modules` directory.
fn is_installed(key: &str) -> bool {
    key.starts_with("node_modules/") || key.contains("/node_modules/")
}

/// The name a package is installed under: what follows the last `node_modules/`.
fn install_name(key: &str) -> &str {
    match key.rfind("/node_modules/") {
        Some(at) => key.get(at + "/node_modules/".len()..).unwrap_or_default(),
        None => key.strip_prefix("node_modules/").unwrap_or(key),
    }
}

fn v2_node<'a>(key: &str, line: u32, entry: PackageEntry<'a>) -> Node<'a> {
    let kind = if key.is_empty() {
        Kind::Root
    } else if entry.link.unwrap_or(false) {
        let target = entry
            .resolved
            .as_ref()
            .map(|r| normalize_folder(r.as_str()))
            .filter(|t| !t.is_empty());
        Kind::Link(target)
    } else if is_installed(key) {
        Kind::Installed
    } else {
        Kind::Folder
    };
    let mut node = Node::new(key.to_owned(), line, kind);
    node.name = entry.name.as_ref().map(|n| n.as_str().to_owned());
    node.version = entry.version.as_ref().map(|v| v.as_str().to_owned());
    node.integrity = entry.integrity;
    node.license = entry.license.and_then(|license| license.0);
    node.install_script = entry.has_install_script.unwrap_or(false);
    node.scope = Some(scope_of(
        entry.dev.unwrap_or(false),
        entry.optional.unwrap_or(false),
        entry.dev_optional.unwrap_or(false),
    ));
    if node.kind == Kind::Installed {
        let installed_as = install_name(key);
        let name = node.name.clone().unwrap_or_else(|| installed_as.to_owned());
        if name != installed_as {
            node.alias = Some(installed_as.to_owned());
        }
        let (source, artifact) = match entry.resolved.as_ref().map(Str::as_str) {
            Some(resolved) if !resolved.trim().is_empty() => from_resolved(resolved, &name),
            _ => (Source::registry(Ecosystem::Npm), None),
        };
        node.source = Some(source);
        node.artifact = artifact;
        node.name = Some(name);
    }
    let optional_peers: Vec<&str> = entry
        .peer_dependencies_meta
        .iter()
        .flat_map(|meta| meta.0.iter())
        .filter(|(_, meta)| meta.optional.unwrap_or(false))
        .map(|(name, _)| name.as_str())
        .collect();
    let mut deps = Vec::new();
    let optional = &entry.optional_dependencies;
    for name in entry.dependencies.0 {
        if !optional.contains(name.as_str()) {
            deps.push((name, DepKind::Prod));
        }
    }
    for name in entry.peer_dependencies.0 {
        let kind = if optional_peers.contains(&name.as_str()) {
            DepKind::Optional
        } else {
            DepKind::Peer
        };
        deps.push((name, kind));
    }
    deps.extend(
        entry
            .dev_dependencies
            .0
            .into_iter()
            .map(|n| (n, DepKind::Dev)),
    );
    deps.extend(
        entry
            .optional_dependencies
            .0
            .into_iter()
            .map(|n| (n, DepKind::Optional)),
    );
    node.deps = deps;
    node
}

/// A link's `resolved` as the key of the folder it points at.
fn normalize_folder(resolved: &str) -> String {
    let path = resolved.strip_prefix("file:").unwrap_or(resolved);
    let path = path.strip_prefix("./").unwrap_or(path);
    path.trim_end_matches('/').to_owned()
}

/// Flattens the v1 tree into nodes keyed by the install path each would have in v2.
fn v1_nodes<'a>(
    tree: Entries<'a, V1Entry<'a>>,
    lines: &LineIndex<'_>,
    top_line: u32,
    nodes: &mut Vec<Node<'a>>,
) -> Result<(), ParseError> {
    let mut stack = vec![(String::new(), top_line, 0usize, tree)];
    while let Some((parent, parent_line, depth, entries)) = stack.pop() {
        if depth >= MAX_DEPTH {
            return Err(ParseError::at(
                parent_line,
                format!("dependencies nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        for (installed_as, entry) in entries.0 {
            let key = if parent.is_empty() {
                format!("node_modules/{}", installed_as.as_str())
            } else {
                format!("{parent}/node_modules/{}", installed_as.as_str())
            };
            let line = lines.line_of(installed_as.as_str()).unwrap_or(parent_line);
            let mut node = Node::new(key.clone(), line, Kind::Installed);
            v1_identity(&mut node, installed_as.as_str(), &entry);
            node.integrity = entry.integrity;
            node.scope = Some(scope_of(
                entry.dev.unwrap_or(false),
                entry.optional.unwrap_or(false),
                false,
            ));
            node.deps = entry
                .requires
                .0
                .into_iter()
                .map(|name| (name, DepKind::Prod))
                .collect();
            nodes.push(node);
            if let Some(children) = entry.dependencies {
                stack.push((key, line, depth + 1, children));
            }
        }
    }
    Ok(())
}

/// Name, version and source of a v1 entry from its `version` spec and `resolved`.
fn v1_identity(node: &mut Node<'_>, installed_as: &str, entry: &V1Entry<'_>) {
    let spec = entry.version.as_ref().map_or("", |v| v.as_str()).trim();
    let resolved = entry
        .resolved
        .as_ref()
        .map(Str::as_str)
        .filter(|r| !r.trim().is_empty());
    let mut name = installed_as.to_owned();
    let mut version = None;
    let source_and_artifact = if let Some(aliased) = spec.strip_prefix("npm:") {
        match aliased.rfind('@').filter(|&at| at > 0) {
            Some(at) => {
                name = aliased.get(..at).unwrap_or(aliased).to_owned();
                version = aliased.get(at + 1..).map(str::to_owned);
            }
            None => name = aliased.to_owned(),
        }
        None
    } else if let Some(git) = git(spec) {
        Some((git, None))
    } else if spec.starts_with("file:") || spec.starts_with("link:") || spec.contains("://") {
        Some(from_resolved(spec, installed_as))
    } else {
        version = Some(spec.to_owned());
        None
    };
    let (source, artifact) = source_and_artifact.unwrap_or_else(|| match resolved {
        Some(resolved) => from_resolved(resolved, &name),
        None => (Source::registry(Ecosystem::Npm), None),
    });
    if name != installed_as {
        node.alias = Some(installed_as.to_owned());
    }
    node.name = Some(name);
    node.version = version;
    node.source = Some(source);
    node.artifact = artifact;
}

/// The root's `workspaces`: a list of globs, or `{"packages": [...]}`.
fn workspace_patterns(raw: &RawValue) -> Vec<String> {
    let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap_or_default();
    let list = match &value {
        serde_json::Value::Object(map) => map.get("packages"),
        other => Some(other),
    };
    list.and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(serde_json::Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a folder is matched by the workspace globs (`*`, `?` within a segment, `**` across
/// segments, `!` to exclude).
fn is_workspace(path: &str, patterns: &[String]) -> bool {
    let mut included = false;
    for pattern in patterns {
        let (negated, pattern) = match pattern.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, pattern.as_str()),
        };
        let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
        let pattern = pattern.trim_end_matches('/');
        if glob_path(pattern, path) {
            included = !negated;
        }
    }
    included
}

/// Longest pattern or path matched; longer ones (no real workspace) never match, which keeps
/// matching cheap whatever the input.
const MAX_GLOB_LEN: usize = 4096;

fn glob_path(pattern: &str, path: &str) -> bool {
    if pattern.len() > MAX_GLOB_LEN || path.len() > MAX_GLOB_LEN {
        return false;
    }
    let pattern: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
    let path: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // rest[j]: whether the pattern segments from the current one on match path[j..]; filled
    // from the last pattern segment backwards.
    let mut rest = vec![false; path.len() + 1];
    if let Some(end) = rest.last_mut() {
        *end = true;
    }
    for segment in pattern.iter().rev() {
        let mut current = vec![false; path.len() + 1];
        for j in (0..=path.len()).rev() {
            let matched = if *segment == "**" {
                rest.get(j).copied().unwrap_or(false)
                    || current.get(j + 1).copied().unwrap_or(false)
            } else {
                path.get(j).is_some_and(|part| glob_segment(segment, part))
                    && rest.get(j + 1).copied().unwrap_or(false)
            };
            if let Some(slot) = current.get_mut(j) {
                *slot = matched;
            }
        }
        rest = current;
    }
    rest.first().copied().unwrap_or(false)
}

/// `*` and `?` wildcards within one path segment.
fn glob_segment(pattern: &str, text: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(&c) = text.get(t) {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&wanted) if wanted == '?' || wanted == c => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == '*'))
}

/// What a dependency name resolves to from some install path.
enum Resolution {
    Found(usize),
    /// A link whose target the lockfile does not contain (already warned about).
    BrokenLink,
    Missing,
}

/// The entries by key, and their install locations.
struct Graph<'n> {
    by_key: HashMap<&'n str, usize>,
    tree: Tree<'n>,
    /// Each entry's location; `None` for entries nested too deep.
    location: Vec<Option<usize>>,
}

impl<'n> Graph<'n> {
    fn new(nodes: &'n [Node<'_>], errors: &mut Vec<ParseError>) -> Self {
        let mut by_key = HashMap::with_capacity(nodes.len());
        let mut tree = Tree::new();
        let folders = tree.namespace();
        let mut location = Vec::with_capacity(nodes.len());
        for (index, node) in nodes.iter().enumerate() {
            by_key.entry(node.key.as_str()).or_insert(index);
            let at = match node.kind {
                Kind::Root => Some(ROOT),
                _ => install_location(&mut tree, folders, &node.key),
            };
            match at {
                Some(at) => tree.set_node(at, index),
                None => errors.push(ParseError::at(
                    node.line,
                    format!("`{}` is nested more than {MAX_DEPTH} levels deep", node.key),
                )),
            }
            location.push(at);
        }
        Self {
            by_key,
            tree,
            location,
        }
    }

    /// Gives every entry but links its package: names of folders from the links pointing at
    /// them, sources of folders from the workspace globs, the root from the top-level fields.
    /// Returns each entry's index in the builder.
    fn add_packages(
        &self,
        nodes: &[Node<'_>],
        builder: &mut Builder<'_>,
        workspaces: &[String],
        (top_name, top_version): (Option<String>, Option<String>),
        errors: &mut Vec<ParseError>,
        warnings: &mut Vec<ParseError>,
    ) -> Vec<Option<usize>> {
        let mut link_names: HashMap<&str, &str> = HashMap::new();
        for node in nodes {
            if let Kind::Link(target) = &node.kind {
                match target
                    .as_ref()
                    .filter(|t| self.by_key.contains_key(t.as_str()))
                {
                    Some(target) => {
                        link_names
                            .entry(target.as_str())
                            .or_insert_with(|| install_name(&node.key));
                    }
                    None => warnings.push(ParseError::at(
                        node.line,
                        match target {
                            Some(target) => format!(
                                "`{}` links to `{target}`, which the lockfile does not contain",
                                node.key
                            ),
                            None => format!("`{}` is a link without a target", node.key),
                        },
                    )),
                }
            }
        }
        let mut packages = Vec::with_capacity(nodes.len());
        for (index, node) in nodes.iter().enumerate() {
            let added = match self.location.get(index) {
                Some(Some(_)) => self.add_package(
                    node,
                    builder,
                    workspaces,
                    &link_names,
                    (&top_name, &top_version),
                    errors,
                ),
                _ => None,
            };
            packages.push(added);
        }
        packages
    }

    fn add_package(
        &self,
        node: &Node<'_>,
        builder: &mut Builder<'_>,
        workspaces: &[String],
        link_names: &HashMap<&str, &str>,
        (top_name, top_version): (&Option<String>, &Option<String>),
        errors: &mut Vec<ParseError>,
    ) -> Option<usize> {
        let mut version = node.version.clone();
        let mut scope = node.scope;
        let (name, source) = match node.kind {
            Kind::Link(_) => return None,
            Kind::Root => {
                scope = None;
                let name = node.name.clone().or_else(|| top_name.clone())?;
                if version.is_none() {
                    version.clone_from(top_version);
                }
                (name, Source::Workspace { path: ".".into() })
            }
            Kind::Folder => {
                let name = node
                    .name
                    .clone()
                    .or_else(|| link_names.get(node.key.as_str()).map(|n| (*n).to_owned()))
                    .unwrap_or_else(|| node.key.rsplit('/').next().unwrap_or_default().to_owned());
                let path = node.key.clone();
                let source = if is_workspace(&path, workspaces) {
                    Source::Workspace { path }
                } else {
                    Source::Path { path }
                };
                (name, source)
            }
            Kind::Installed => (node.name.clone()?, node.source.clone()?),
        };
        let mut package = match builder.package(&name, version.as_deref(), source, node.line) {
            Ok(package) => package,
            Err(error) => {
                errors.push(error);
                return None;
            }
        };
        package.scope = scope;
        package.install_script = node.install_script;
        package.artifact_url.clone_from(&node.artifact);
        package.license = node
            .license
            .as_ref()
            .map(|license| license.as_str().trim().to_owned())
            .filter(|license| !license.is_empty());
        package.aliases.extend(node.alias.clone());
        if let Some(integrity) = node.integrity.as_ref().map(Str::as_str) {
            match Integrity::from_sri(integrity) {
                Ok(digests) => package.integrity.extend(digests),
                Err(error) => errors.push(
                    ParseError::at(node.line, format!("bad integrity for {name}"))
                        .with_source(error),
                ),
            }
        }
        Some(builder.add(package))
    }

    /// Resolves `name` the way Node does from the entry at `from`, following links.
    fn resolve(&self, nodes: &[Node<'_>], from: usize, name: &str) -> Resolution {
        let Some(found) = self.tree.resolve(from, name) else {
            return Resolution::Missing;
        };
        match nodes.get(found).map(|n| &n.kind) {
            Some(Kind::Link(target)) => {
                match target.as_ref().and_then(|t| self.by_key.get(t.as_str())) {
                    Some(&target) => Resolution::Found(target),
                    None => Resolution::BrokenLink,
                }
            }
            _ => Resolution::Found(found),
        }
    }

    /// Adds the dependency edges and marks what the root and workspace members depend on as
    /// direct.
    fn connect(
        &self,
        nodes: &[Node<'_>],
        packages: &[Option<usize>],
        builder: &mut Builder<'_>,
        warnings: &mut Vec<ParseError>,
    ) {
        let mut missing = MissingDeps::default();
        for (index, node) in nodes.iter().enumerate() {
            let Some(Some(from_location)) = self.location.get(index).copied() else {
                continue;
            };
            let package = packages.get(index).copied().flatten();
            let is_project = match node.kind {
                Kind::Root => true,
                Kind::Folder => package
                    .and_then(|p| builder.get(p))
                    .is_some_and(|p| matches!(p.source, Source::Workspace { .. })),
                Kind::Installed => false,
                Kind::Link(_) => continue,
            };
            for (dep, kind) in &node.deps {
                if *kind == DepKind::Dev && !is_project {
                    // Development dependencies of installed packages are not installed.
                    continue;
                }
                match self.resolve(nodes, from_location, dep.as_str()) {
                    Resolution::Found(target) => {
                        let Some(to) = packages.get(target).copied().flatten() else {
                            continue;
                        };
                        if let Some(from) = package {
                            builder.depend(from, to);
                        }
                        if is_project && let Some(package) = builder.get_mut(to) {
                            package.direct = true;
                        }
                    }
                    Resolution::BrokenLink => {}
                    Resolution::Missing => {
                        if matches!(kind, DepKind::Prod | DepKind::Dev) {
                            missing.add(dep.as_str(), describe(&node.key), node.line);
                        }
                    }
                }
            }
        }
        warnings.extend(missing.into_warnings());
        warnings.sort_by_key(|w| w.line);
    }
}

/// Where an entry is installed: `[folder/]node_modules/a/node_modules/b` is `b` under `a` under
/// the folder (or the root); a folder is a location of its own whose lookups continue at the
/// root. `None` when nested deeper than [`MAX_DEPTH`].
fn install_location<'k>(tree: &mut Tree<'k>, folders: usize, key: &'k str) -> Option<usize> {
    let (folder, names) = match key.strip_prefix("node_modules/") {
        Some(names) => ("", Some(names)),
        None => match key.find("/node_modules/") {
            Some(at) => (
                key.get(..at).unwrap_or_default(),
                key.get(at + "/node_modules/".len()..),
            ),
            None => (key, None),
        },
    };
    let mut at = if folder.is_empty() {
        ROOT
    } else {
        tree.child(folders, folder, ROOT)?
    };
    for name in names
        .into_iter()
        .flat_map(|names| names.split("/node_modules/"))
    {
        at = tree.child(at, name, at)?;
    }
    Some(at)
}

/// How a warning names a node: its key, or the root project.
pub(crate) fn describe(key: &str) -> String {
    if key.is_empty() {
        "the root project".to_owned()
    } else {
        format!("`{key}`")
    }
}

/// Dependencies the lockfile names but does not contain, one warning per missing name (a
/// trimmed lockfile can miss one package that hundreds require).
#[derive(Default)]
pub(crate) struct MissingDeps {
    /// Missing name -> (who first required it, its line, how many required it).
    seen: HashMap<String, usize>,
    list: Vec<(String, String, u32, usize)>,
}

impl MissingDeps {
    /// Records that `from` (already described, see [`describe`]) at `line` requires `name`.
    pub(crate) fn add(&mut self, name: &str, from: String, line: u32) {
        match self.seen.get(name) {
            Some(&index) => {
                if let Some(entry) = self.list.get_mut(index) {
                    entry.3 += 1;
                }
            }
            None => {
                self.seen.insert(name.to_owned(), self.list.len());
                self.list.push((name.to_owned(), from, line, 1));
            }
        }
    }

    pub(crate) fn into_warnings(self) -> impl Iterator<Item = ParseError> {
        self.list.into_iter().map(|(name, from, line, count)| {
            let message = match count {
                1 => format!("{from} depends on `{name}`, which the lockfile does not contain"),
                n => format!(
                    "{from} and {} other packages depend on `{name}`, which the lockfile does \
                     not contain",
                    n - 1
                ),
            };
            ParseError::at(line, message)
        })
    }
}

#[cfg(test)]
mod tests;
