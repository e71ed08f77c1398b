//! `bun.lock`, bun's text lockfile, lockfileVersion 0 and 1.
//!
//! The file is JSONC: JSON with trailing commas (and possibly comments), which are blanked with
//! spaces before parsing so that byte offsets, and so line numbers, stay those of the file.
//!
//! - `workspaces` maps each workspace path (`""` is the root) to its manifest's name, version
//!   and dependency maps: these are the direct dependencies, and their scopes.
//! - `packages` maps a key to a tuple whose first element is `name@resolution`; the rest
//!   depends on the kind: npm `[id, registry or "", INFO, integrity]`, git and github
//!   `[id, INFO, tag, integrity?]`, `file:` / `link:` folders and tarballs `[id, INFO, …]`,
//!   workspaces `[name@workspace:path]`, the root `[name@root:, …]`. INFO holds the package's
//!   dependency maps and `optionalPeers`.
//! - A key is the name a package is installed under, prefixed by the keys of the packages it is
//!   nested in when it is not hoisted (`parent/child`, `@s/parent/@t/child`). A key whose last
//!   name differs from the tuple's name is an alias.
//!
//! A dependency of the package at key K resolves to `K/dep`, else to the same under each
//! shorter prefix of K, else to the hoisted `dep`; workspace members' nested keys start with
//! the member's name. The lockfile records scopes only for direct dependencies; the others take
//! the scope of what pulls them in (production first, then optional, then development).
//!
//! The binary `bun.lockb` is not read.

use std::collections::HashMap;

use customs_core::{Ecosystem, Integrity, Scope, Source};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::npm::{
    Entries, MAX_DEPTH, MissingDeps, Names, ROOT, Str, Tree, describe, expect_object,
    from_resolved, git, is_git, nested_json_error, registry,
};
use crate::{Builder, Input, LineIndex, ParseError, Parsed};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lockfile<'a> {
    #[serde(borrow)]
    lockfile_version: Option<&'a RawValue>,
    #[serde(borrow, default)]
    workspaces: Option<Entries<'a, &'a RawValue>>,
    #[serde(borrow, default)]
    packages: Option<Entries<'a, &'a RawValue>>,
}

/// A workspace's manifest, and the INFO object of a package tuple.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Manifest<'a> {
    #[serde(borrow)]
    name: Option<Str<'a>>,
    #[serde(borrow)]
    version: Option<Str<'a>>,
    #[serde(borrow, default)]
    dependencies: Names<'a>,
    #[serde(borrow, default)]
    dev_dependencies: Names<'a>,
    #[serde(borrow, default)]
    optional_dependencies: Names<'a>,
    #[serde(borrow, default)]
    peer_dependencies: Names<'a>,
    #[serde(borrow, default)]
    optional_peers: Names<'a>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DepKind {
    Prod,
    Dev,
    Optional,
    /// A required peer: production, but bun leaves it out when nothing else provides it.
    Peer,
}

impl DepKind {
    /// The kind a dependency's scope follows (peers are production).
    fn level(self) -> Self {
        match self {
            DepKind::Peer => DepKind::Prod,
            other => other,
        }
    }

    fn scope(self) -> Scope {
        match self.level() {
            DepKind::Dev => Scope::Dev,
            DepKind::Optional => Scope::Optional,
            DepKind::Prod | DepKind::Peer => Scope::Prod,
        }
    }
}

/// A workspace or a package entry.
struct Node<'a> {
    /// The key nested dependencies are looked up under: the packages key, a member's name, `""`
    /// for the root.
    key: String,
    line: u32,
    project: bool,
    package: Option<usize>,
    deps: Vec<(Str<'a>, DepKind)>,
}

pub(crate) fn sniff(head: &str) -> bool {
    head.starts_with(BINARY_MAGIC)
        || (head.contains("\"lockfileVersion\"")
            && head.contains("\"workspaces\"")
            && !head.contains("\"requires\"")
            && !head.contains("node_modules/"))
}

const BINARY_MAGIC: &str = "#!/usr/bin/env bun";

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let file_name = input.path.rsplit(['/', '\\']).next().unwrap_or(input.path);
    if file_name == "bun.lockb" || input.text.starts_with(BINARY_MAGIC) {
        return Err(ParseError::new(
            "bun.lockb is bun's binary lockfile, which customs does not read: run \
             `bun install --save-text-lockfile` to write a text bun.lock",
        ));
    }
    let text = blank_jsonc(input.text)?;
    expect_object(&text, "bun.lock")?;
    let lockfile: Lockfile =
        serde_json::from_str(&text).map_err(|e| ParseError::json("bun.lock", e))?;
    let lines = LineIndex::new(&text);
    let format = match lockfile.lockfile_version {
        None => "bun.lock (no lockfileVersion)".to_owned(),
        Some(raw) => match raw.get().trim().parse::<u64>() {
            Ok(v @ 0..=1) => format!("bun.lock v{v}"),
            _ => {
                return Err(ParseError::at(
                    lines.line_of(raw.get()).unwrap_or(1),
                    format!(
                        "unsupported bun.lock lockfileVersion {} (customs reads versions 0 and 1)",
                        raw.get().trim()
                    ),
                ));
            }
        },
    };

    let mut builder = Builder::new(Ecosystem::Npm, input.path);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut root = None;
    // Workspace path -> node.
    let mut members: HashMap<String, usize> = HashMap::new();
    for (path, raw) in lockfile.workspaces.unwrap_or_default().0 {
        let line = lines.line_of(raw.get()).unwrap_or(1);
        let manifest: Manifest = match serde_json::from_str(raw.get()) {
            Ok(manifest) => manifest,
            Err(error) => {
                errors.push(nested_json_error(
                    line,
                    format!("invalid workspace `{}`", path.as_str()),
                    &error,
                ));
                continue;
            }
        };
        let path = path.as_str();
        let name = manifest.name.as_ref().map(|n| n.as_str().to_owned());
        let source = Source::Workspace {
            path: if path.is_empty() {
                ".".into()
            } else {
                path.into()
            },
        };
        let package = match &name {
            Some(name) => {
                match builder.package(
                    name,
                    manifest.version.as_ref().map(Str::as_str),
                    source,
                    line,
                ) {
                    Ok(mut package) => {
                        if !path.is_empty() {
                            package.scope = Some(Scope::Prod);
                        }
                        Some(builder.add(package))
                    }
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                }
            }
            None => None,
        };
        let mut deps = Vec::new();
        deps.extend(
            manifest
                .dependencies
                .0
                .into_iter()
                .map(|n| (n, DepKind::Prod)),
        );
        deps.extend(
            manifest
                .dev_dependencies
                .0
                .into_iter()
                .map(|n| (n, DepKind::Dev)),
        );
        deps.extend(
            manifest
                .optional_dependencies
                .0
                .into_iter()
                .map(|n| (n, DepKind::Optional)),
        );
        for peer in manifest.peer_dependencies.0 {
            let kind = if manifest.optional_peers.contains(peer.as_str()) {
                DepKind::Optional
            } else {
                DepKind::Peer
            };
            deps.push((peer, kind));
        }
        let key = if path.is_empty() {
            String::new()
        } else {
            name.clone()
                .unwrap_or_else(|| path.rsplit('/').next().unwrap_or(path).to_owned())
        };
        nodes.push(Node {
            key,
            line,
            project: true,
            package,
            deps,
        });
        if path.is_empty() {
            root = Some(nodes.len() - 1);
        } else {
            members.insert(path.to_owned(), nodes.len() - 1);
        }
    }

    // Packages key -> node, in file order (the first of duplicate keys wins).
    let mut by_key: Vec<(String, usize)> = Vec::new();
    for (key, raw) in lockfile.packages.unwrap_or_default().0 {
        let line = lines.line_of(raw.get()).unwrap_or(1);
        let key = key.as_str();
        match package_node(key, raw, line, &mut builder) {
            Ok(Entry::Package(node)) => {
                nodes.push(node);
                by_key.push((key.to_owned(), nodes.len() - 1));
            }
            Ok(Entry::Root) => {
                if let Some(root) = root {
                    by_key.push((key.to_owned(), root));
                }
            }
            Ok(Entry::Workspace { name, path }) => {
                let node = match members.get(&path) {
                    Some(&node) => node,
                    None => {
                        // A member the `workspaces` map does not list.
                        let package = builder
                            .package(&name, None, Source::Workspace { path: path.clone() }, line)
                            .map(|mut package| {
                                package.scope = Some(Scope::Prod);
                                builder.add(package)
                            })
                            .map_err(|error| errors.push(error))
                            .ok();
                        nodes.push(Node {
                            key: name.clone(),
                            line,
                            project: true,
                            package,
                            deps: Vec::new(),
                        });
                        members.insert(path, nodes.len() - 1);
                        nodes.len() - 1
                    }
                };
                if let Some(member) = nodes.get_mut(node)
                    && key_segments(key).len() == 1
                {
                    // Nested keys of the member start with its packages key.
                    member.key = key.to_owned();
                }
                by_key.push((key.to_owned(), node));
            }
            Err(error) => errors.push(error),
        }
    }

    // Edges, by bun's key resolution.
    let mut tree = Tree::new();
    for (key, node) in &by_key {
        let node = *node;
        match locate(&mut tree, key) {
            Some(location) => tree.set_node(location, node),
            None => errors.push(too_deep(nodes.get(node).map_or(1, |n| n.line), key)),
        }
    }
    let mut edges: Vec<(usize, usize, DepKind)> = Vec::new();
    let mut direct: Vec<(usize, DepKind)> = Vec::new();
    let mut missing = MissingDeps::default();
    for node in &nodes {
        let from_location = if node.key.is_empty() {
            Some(ROOT)
        } else {
            locate(&mut tree, &node.key)
        };
        let Some(from_location) = from_location else {
            continue;
        };
        for (dep, kind) in &node.deps {
            if *kind == DepKind::Dev && !node.project {
                continue;
            }
            let Some(target) = tree.resolve(from_location, dep.as_str()) else {
                if matches!(kind, DepKind::Prod | DepKind::Dev) {
                    missing.add(dep.as_str(), describe(&node.key), node.line);
                }
                continue;
            };
            let Some(to) = nodes.get(target).and_then(|t| t.package) else {
                continue;
            };
            if let Some(from) = node.package {
                builder.depend(from, to);
                edges.push((from, to, *kind));
            }
            if node.project {
                direct.push((to, *kind));
                if let Some(package) = builder.get_mut(to) {
                    package.direct = true;
                }
            }
        }
    }
    warnings.extend(missing.into_warnings());
    assign_scopes(&mut builder, &edges, &direct);

    let mut parsed = Parsed::new(format, Ecosystem::Npm, builder.finish());
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_direct = true;
    parsed.records_scope = true;
    Ok(parsed)
}

enum Entry<'a> {
    Package(Node<'a>),
    Root,
    Workspace { name: String, path: String },
}

/// Reads one `packages` tuple into a package (added to the builder) and its node.
fn package_node<'a>(
    key: &str,
    raw: &'a RawValue,
    line: u32,
    builder: &mut Builder<'_>,
) -> Result<Entry<'a>, ParseError> {
    let bad = |what: &str| ParseError::at(line, format!("invalid package `{key}`: {what}"));
    let tuple: Vec<&'a RawValue> =
        serde_json::from_str(raw.get()).map_err(|_| bad("expected an array"))?;
    let id = tuple
        .first()
        .and_then(|first| serde_json::from_str::<Str>(first.get()).ok())
        .ok_or_else(|| bad("the first element must be a \"name@version\" string"))?;
    let (name, resolution) = split_id(id.as_str()).ok_or_else(|| {
        bad(&format!(
            "`{}` is not of the form name@version",
            id.as_str()
        ))
    })?;
    if resolution.starts_with("root:") {
        return Ok(Entry::Root);
    }
    if let Some(path) = resolution.strip_prefix("workspace:") {
        return Ok(Entry::Workspace {
            name: name.to_owned(),
            path: path.to_owned(),
        });
    }
    let rest = tuple.get(1..).unwrap_or_default();
    let info: Manifest<'a> = match rest.iter().find(|v| v.get().trim_start().starts_with('{')) {
        Some(info) => serde_json::from_str(info.get()).map_err(|e| {
            nested_json_error(
                line,
                format!("invalid package `{key}`: unreadable dependency information"),
                &e,
            )
        })?,
        None => Manifest::default(),
    };
    let strings: Vec<Str> = rest
        .iter()
        .filter_map(|v| serde_json::from_str::<Str>(v.get()).ok())
        .collect();
    let integrity = strings.iter().map(Str::as_str).find(|s| looks_like_sri(s));

    let (version, source, artifact) = if let Some(path) = resolution
        .strip_prefix("file:")
        .or_else(|| resolution.strip_prefix("link:"))
    {
        (None, Source::Path { path: path.into() }, None)
    } else if is_git(resolution) {
        let source = git(resolution).unwrap_or_else(|| Source::Url {
            url: resolution.into(),
        });
        (None, source, None)
    } else if resolution.contains("://") {
        let (source, artifact) = from_resolved(resolution, name);
        (None, source, artifact)
    } else if resolution.starts_with('.')
        || resolution.starts_with('/')
        || resolution.ends_with(".tgz")
        || resolution.ends_with(".tar.gz")
    {
        (
            None,
            Source::Path {
                path: resolution.into(),
            },
            None,
        )
    } else {
        // npm: the second element is the registry ("" for the default) or the tarball URL.
        let registry_field = tuple
            .get(1)
            .and_then(|v| serde_json::from_str::<Str>(v.get()).ok());
        let (source, artifact) = match registry_field.as_ref().map(Str::as_str) {
            None | Some("") => (Source::registry(Ecosystem::Npm), None),
            Some(url) if url.contains("/-/") => from_resolved(url, name),
            Some(url) => (registry(url), None),
        };
        (Some(resolution), source, artifact)
    };

    let mut package = builder.package(name, version, source, line)?;
    package.artifact_url = artifact;
    let installed_as = key_segments(key).last().copied().unwrap_or(key);
    if installed_as != name {
        package.aliases.insert(installed_as.to_owned());
    }
    if let Some(integrity) = integrity {
        match Integrity::from_sri(integrity) {
            Ok(digests) => package.integrity.extend(digests),
            Err(error) => {
                return Err(
                    ParseError::at(line, format!("bad integrity for {name}")).with_source(error)
                );
            }
        }
    }
    let mut deps = Vec::new();
    deps.extend(info.dependencies.0.into_iter().map(|n| (n, DepKind::Prod)));
    deps.extend(
        info.optional_dependencies
            .0
            .into_iter()
            .map(|n| (n, DepKind::Optional)),
    );
    for peer in info.peer_dependencies.0 {
        let kind = if info.optional_peers.contains(peer.as_str()) {
            DepKind::Optional
        } else {
            DepKind::Peer
        };
        deps.push((peer, kind));
    }
    Ok(Entry::Package(Node {
        key: key.to_owned(),
        line,
        project: false,
        package: Some(builder.add(package)),
        deps,
    }))
}

fn looks_like_sri(text: &str) -> bool {
    ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|prefix| text.starts_with(prefix))
}

/// `name@resolution`, where a scoped name starts with `@`.
fn split_id(id: &str) -> Option<(&str, &str)> {
    let at = id.get(1..)?.find('@')? + 1;
    let name = id.get(..at)?;
    let resolution = id.get(at + 1..)?;
    (!name.is_empty()).then_some((name, resolution))
}

/// The location of a packages key: each name nested under the previous one.
fn locate<'k>(tree: &mut Tree<'k>, key: &'k str) -> Option<usize> {
    let mut at = ROOT;
    for name in key_segments(key) {
        at = tree.child(at, name, at)?;
    }
    Some(at)
}

fn too_deep(line: u32, key: &str) -> ParseError {
    ParseError::at(
        line,
        format!("`{key}` is nested more than {MAX_DEPTH} levels deep"),
    )
}

/// The package names a key is made of: `a/@s/b/c` → `a`, `@s/b`, `c`.
fn key_segments(key: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let end = if rest.starts_with('@') {
            match rest.find('/') {
                Some(slash) => rest
                    .get(slash + 1..)
                    .and_then(|after| after.find('/'))
                    .map_or(rest.len(), |next| slash + 1 + next),
                None => rest.len(),
            }
        } else {
            rest.find('/').unwrap_or(rest.len())
        };
        segments.push(rest.get(..end).unwrap_or(rest));
        rest = rest.get(end + 1..).unwrap_or_default();
    }
    segments
}

/// Scopes from the direct dependencies outwards: production first (through non-optional
/// edges), then optional (optional edges of production packages, and what optional packages
/// need), then development.
fn assign_scopes(
    builder: &mut Builder<'_>,
    edges: &[(usize, usize, DepKind)],
    direct: &[(usize, DepKind)],
) {
    let mut out: Vec<Vec<(usize, DepKind)>> = vec![Vec::new(); builder.len()];
    for &(from, to, kind) in edges {
        if let Some(list) = out.get_mut(from) {
            list.push((to, kind));
        }
    }
    let mut scope: Vec<Option<Scope>> = (0..builder.len())
        .map(|i| builder.get(i).and_then(|p| p.scope))
        .collect();
    let mut optional_seeds = Vec::new();
    for level in [DepKind::Prod, DepKind::Optional, DepKind::Dev] {
        let mut stack: Vec<usize> = direct
            .iter()
            .filter(|&&(_, kind)| kind.level() == level)
            .map(|&(to, _)| to)
            .collect();
        if level == DepKind::Optional {
            stack.append(&mut optional_seeds);
        }
        while let Some(index) = stack.pop() {
            match scope.get(index) {
                Some(None) => {}
                _ => continue,
            }
            if let Some(slot) = scope.get_mut(index) {
                *slot = Some(level.scope());
            }
            for &(to, kind) in out.get(index).map(Vec::as_slice).unwrap_or_default() {
                if level == DepKind::Prod && kind.level() == DepKind::Optional {
                    optional_seeds.push(to);
                } else {
                    stack.push(to);
                }
            }
        }
    }
    for (index, scope) in scope.into_iter().enumerate() {
        if let Some(package) = builder.get_mut(index)
            && package.scope.is_none()
        {
            package.scope = scope;
        }
    }
}

/// Blanks comments and trailing commas (outside strings) with spaces, keeping newlines, so the
/// result is JSON with the same byte offsets.
fn blank_jsonc(text: &str) -> Result<String, ParseError> {
    let bytes = text.as_bytes();
    let mut out = bytes.to_vec();
    let blank = |out: &mut Vec<u8>, at: usize| {
        if let Some(b) = out.get_mut(at)
            && *b != b'\n'
        {
            *b = b' ';
        }
    };
    if text.starts_with('\u{feff}') {
        for at in 0..3 {
            blank(&mut out, at);
        }
    }
    let mut i = 0;
    let mut in_string = false;
    let mut pending_comma = None;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    in_string = false;
                    i += 1;
                }
                _ => i += 1,
            }
            continue;
        }
        match (b, bytes.get(i + 1)) {
            (b'"', _) => {
                in_string = true;
                pending_comma = None;
                i += 1;
            }
            (b'/', Some(b'/')) => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    blank(&mut out, i);
                    i += 1;
                }
            }
            (b'/', Some(b'*')) => {
                blank(&mut out, i);
                blank(&mut out, i + 1);
                i += 2;
                while i < bytes.len()
                    && !(bytes.get(i) == Some(&b'*') && bytes.get(i + 1) == Some(&b'/'))
                {
                    blank(&mut out, i);
                    i += 1;
                }
                blank(&mut out, i);
                blank(&mut out, i + 1);
                i += 2;
            }
            (b',', _) => {
                pending_comma = Some(i);
                i += 1;
            }
            (b'}' | b']', _) => {
                if let Some(comma) = pending_comma.take() {
                    blank(&mut out, comma);
                }
                i += 1;
            }
            (b' ' | b'\t' | b'\n' | b'\r', _) => i += 1,
            _ => {
                pending_comma = None;
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| ParseError::new("invalid bun.lock: not UTF-8 text"))
}

#[cfg(test)]
mod tests;
