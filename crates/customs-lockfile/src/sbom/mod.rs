//! SBOMs made by other tools (and by customs itself) as input: CycloneDX JSON and XML (spec 1.2
//! to 1.6) and SPDX 2.2 / 2.3 JSON.
//!
//! An SBOM lists components of any ecosystem; customs reads those whose package URL
//! (<https://github.com/package-url/purl-spec>) is of type `npm`, `pypi` or `cargo`, and counts
//! the rest in one warning. The purl is the identity: its type gives the ecosystem, its
//! (percent-decoded) namespace and name the package name (npm scopes are the namespace:
//! `pkg:npm/%40scope/name`), its version the version, and its qualifiers the source:
//! `vcs_url` (`<url>@<commit>`, a leading `git+` dropped) a git repository, `download_url` an
//! archive (`file:` a local path, `git+…` a repository), `repository_url` a mirror registry.
//! Purls lowercase npm and PyPI names; the component's own name is kept for display when it
//! names the same package, so `JSONStream` stays `JSONStream`.
//!
//! The mapping both ways is `docs/sbom.md`'s (the writers in customs-report follow it), so a
//! document customs wrote reads back into the same packages: `customs:*` properties (CycloneDX)
//! and `customs-source` external references (SPDX) restore what purls cannot say (local
//! sources, git references, direct marks, npm aliases, unpinned requirements). Locations point
//! at the component in the SBOM itself, not at the lockfile it was made from.
//!
//! Dependencies are kept when the document has them (CycloneDX `dependencies`, SPDX
//! `DEPENDS_ON` / `*_DEPENDENCY_OF` relationships), resolved from the document's own references
//! (`bom-ref`, `SPDXID`) to package ids. The document's root (CycloneDX `metadata.component`,
//! what an SPDX document `DESCRIBES`) is the project: with a purl of a known ecosystem it becomes
//! a local workspace package, and whatever it depends on is direct.
//!
//! Hostile input: nested components are read to [`MAX_NESTING`] levels, and documents with more
//! than [`MAX_COMPONENTS`] components or [`MAX_EDGES`] dependency edges are refused; the file
//! size cap of discovery bounds the rest.

mod cyclonedx;
mod cyclonedx_xml;
mod spdx;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use customs_core::{Ecosystem, Integrity, Package, PackageName, Scope, Source, Version};
use packageurl::PackageUrl;

use crate::{Builder, ParseError, Parsed};

pub(crate) use cyclonedx::{
    parse_json as parse_cyclonedx_json, sniff_json as sniff_cyclonedx_json,
};
pub(crate) use cyclonedx_xml::{parse as parse_cyclonedx_xml, sniff as sniff_cyclonedx_xml};
pub(crate) use spdx::{parse as parse_spdx_json, sniff as sniff_spdx_json};

/// Components (or SPDX packages) a document may hold, nested ones included.
pub const MAX_COMPONENTS: usize = 500_000;
/// Dependency edges a document may hold.
pub const MAX_EDGES: usize = 2_000_000;
/// Levels of nested `components` read; deeper ones are reported and skipped.
pub const MAX_NESTING: usize = 16;

/// One component as the document describes it, whatever its format.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub line: u32,
    /// The document's own reference to it (`bom-ref`, `SPDXID`).
    pub reference: Option<String>,
    pub purl: Option<String>,
    /// The name the document gives (with the CycloneDX `group` for npm scopes).
    pub name: Option<String>,
    /// CycloneDX `type`: an `application` without a purl is part of the project, not a package.
    pub kind: Option<String>,
    pub scope: Option<Scope>,
    pub integrity: Vec<Integrity>,
    pub license: Option<String>,
    pub artifact_url: Option<String>,
    /// A local source the document records beside the purl (`customs:source`).
    pub local: Option<Source>,
    pub git_reference: Option<String>,
    pub direct: bool,
    /// The package runs code at install time (`customs:install-script`).
    pub install_script: bool,
    pub aliases: Vec<String>,
    pub requirement: Option<String>,
}

/// What a purl identifies, for the three ecosystems customs reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Identity {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: Option<String>,
    pub source: Source,
}

/// A purl of an ecosystem customs reads, or the type of one it does not.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Purl {
    Ours(Identity),
    Other(String),
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum PurlError {
    #[error("invalid package URL `{purl}`")]
    Syntax {
        purl: String,
        #[source]
        source: packageurl::Error,
    },
    #[error("package URL `{0}` has a subpath: it names a file inside a package, not a package")]
    Subpath(String),
}

/// Reads a purl. `declared` is the name the document gives the component: kept when it names
/// the same package (purls fold the case of npm and PyPI names and normalise PyPI's).
pub(crate) fn identity(purl: &str, declared: Option<&str>) -> Result<Purl, PurlError> {
    let parsed: PackageUrl<'static> =
        as_the_spec_splits(purl.trim())
            .parse()
            .map_err(|source| PurlError::Syntax {
                purl: purl.to_owned(),
                source,
            })?;
    let ecosystem = match parsed.ty() {
        "npm" => Ecosystem::Npm,
        "pypi" => Ecosystem::PyPI,
        "cargo" => Ecosystem::CratesIo,
        other => return Ok(Purl::Other(other.to_owned())),
    };
    if parsed.subpath().is_some() {
        return Err(PurlError::Subpath(purl.to_owned()));
    }
    let from_purl = match parsed.namespace() {
        Some(namespace) if !namespace.is_empty() => format!("{namespace}/{}", parsed.name()),
        _ => parsed.name().to_owned(),
    };
    let name = match declared.map(str::trim) {
        Some(declared) if same_name(ecosystem, declared, &from_purl) => declared.to_owned(),
        _ => from_purl,
    };
    let qualifier = |key: &str| {
        parsed
            .qualifiers()
            .get(key)
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    };
    let source = if let Some(vcs) = qualifier("vcs_url") {
        git_source(vcs, '@')
    } else if let Some(download) = qualifier("download_url") {
        download_source(download)
    } else if let Some(repository) = qualifier("repository_url") {
        Source::registry_at(ecosystem, repository)
    } else {
        Source::registry(ecosystem)
    };
    Ok(Purl::Ours(Identity {
        ecosystem,
        name,
        version: parsed
            .version()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned),
        source,
    }))
}

/// A purl made unambiguous for `packageurl`, which parts it as the spec does except that an `@`
/// followed by a `/` is taken for part of an npm scope (trivy writes `pkg:npm/@babel/core`
/// unencoded). Writers also leave `/` unencoded in versions (syft: `pkg:npm/a@file:x/y`,
/// `pkg:npm/b@github.com/org/b/<sha>`), which the spec's parse (split at the last `@`) reads as
/// a version. So, for the types customs reads: a scope's leading `@` is encoded, and so is any
/// `/` after the last `@`.
fn as_the_spec_splits(purl: &str) -> Cow<'_, str> {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    let Some((body, rest)) = purl.split_at_checked(end) else {
        return Cow::Borrowed(purl);
    };
    let Some((scheme, path)) = body.split_once(':') else {
        return Cow::Borrowed(purl);
    };
    let path = path.trim_start_matches('/');
    let Some((kind, coordinates)) = path.split_once('/') else {
        return Cow::Borrowed(purl);
    };
    if !["npm", "pypi", "cargo"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(kind))
    {
        return Cow::Borrowed(purl);
    }
    let scoped = coordinates.strip_prefix('@');
    let unscoped = scoped.unwrap_or(coordinates);
    let (name, version) = match unscoped.rsplit_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (unscoped, None),
    };
    if scoped.is_none() && !version.is_some_and(|v| v.contains('/')) {
        return Cow::Borrowed(purl);
    }
    let mut fixed = format!("{scheme}:{kind}/");
    if scoped.is_some() {
        fixed.push_str("%40");
    }
    fixed.push_str(name);
    if let Some(version) = version {
        fixed.push('@');
        fixed.push_str(&version.replace('/', "%2F"));
    }
    fixed.push_str(rest);
    Cow::Owned(fixed)
}

/// Whether a component's declared name and its purl's name are one package's.
fn same_name(ecosystem: Ecosystem, declared: &str, from_purl: &str) -> bool {
    match (
        PackageName::new(ecosystem, declared),
        PackageName::new(ecosystem, from_purl),
    ) {
        (Ok(a), Ok(b)) => match ecosystem {
            Ecosystem::Npm => a.as_str().eq_ignore_ascii_case(b.as_str()),
            Ecosystem::PyPI | Ecosystem::CratesIo => a.as_str() == b.as_str(),
        },
        _ => false,
    }
}

/// A git source from `url@commit` (purl `vcs_url`) or `url#commit` (npm-style download URLs).
/// The commit separator is the last one that is not part of the URL's authority or path. A
/// `?branch=` / `?tag=` / `?rev=` query (cargo's source ids, which cargo-cyclonedx copies) is
/// the reference asked for.
fn git_source(text: &str, separator: char) -> Source {
    let text = strip_git_plus(text);
    let (url, commit) = match text.rsplit_once(separator) {
        Some((url, commit))
            if url.contains("://") && !commit.is_empty() && !commit.contains(['/', ':', '@']) =>
        {
            (url, Some(commit.to_owned()))
        }
        _ => (text, None),
    };
    let (url, reference) = match url.split_once('?') {
        Some((base, query)) => (
            base,
            query
                .split('&')
                .find_map(|pair| match pair.split_once('=') {
                    Some(("branch" | "tag" | "rev", value)) if !value.is_empty() => {
                        Some(value.to_owned())
                    }
                    _ => None,
                }),
        ),
        None => (url, None),
    };
    Source::Git {
        url: customs_core::redacted_url(url),
        commit,
        reference,
    }
}

/// `git+https://…` is how package managers and purls mark a git URL; customs records the URL.
fn strip_git_plus(url: &str) -> &str {
    match (url.get(..4), url.get(4..)) {
        (Some(prefix), Some(rest))
            if prefix.eq_ignore_ascii_case("git+") && rest.contains("://") =>
        {
            rest
        }
        _ => url,
    }
}

fn download_source(url: &str) -> Source {
    let lower = url.get(..6).unwrap_or(url).to_ascii_lowercase();
    if let Some(path) = url.get(5..).filter(|_| lower.starts_with("file:")) {
        let path = path.strip_prefix("//").unwrap_or(path);
        return Source::Path {
            path: path.to_owned(),
        };
    }
    if lower.starts_with("git+") || lower.starts_with("git://") {
        return git_source(url, '#');
    }
    Source::Url {
        url: customs_core::redacted_url(url),
    }
}

/// A local source as customs writes it: `workspace:<path>` or `path:<path>`.
pub(crate) fn local_source(text: &str) -> Option<Source> {
    if let Some(path) = text.strip_prefix("workspace:") {
        return Some(Source::Workspace {
            path: path.to_owned(),
        });
    }
    text.strip_prefix("path:").map(|path| Source::Path {
        path: path.to_owned(),
    })
}

/// A hash algorithm as CycloneDX (`SHA-256`) or SPDX (`SHA256`) names it; `None` for those
/// customs does not record (SHA-3, BLAKE3, larger BLAKE2b).
pub(crate) fn hash_algorithm(name: &str) -> Option<customs_core::HashAlgorithm> {
    use customs_core::HashAlgorithm;
    match name.to_ascii_uppercase().replace(['-', '_'], "").as_str() {
        "MD5" => Some(HashAlgorithm::Md5),
        "SHA1" => Some(HashAlgorithm::Sha1),
        "SHA256" => Some(HashAlgorithm::Sha256),
        "SHA384" => Some(HashAlgorithm::Sha384),
        "SHA512" => Some(HashAlgorithm::Sha512),
        "BLAKE2B256" => Some(HashAlgorithm::Blake2b256),
        _ => None,
    }
}

/// Several licences a component declares, as one expression: each one parenthesised where it
/// is compound, joined with `AND` (every licence listed applies).
pub(crate) fn join_licenses(licenses: Vec<String>) -> Option<String> {
    let mut licenses: Vec<String> = licenses
        .into_iter()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect();
    licenses.dedup();
    match licenses.len() {
        0 => None,
        1 => licenses.pop(),
        _ => Some(
            licenses
                .iter()
                .map(|l| {
                    if l.contains(' ') {
                        format!("({l})")
                    } else {
                        l.clone()
                    }
                })
                .collect::<Vec<_>>()
                .join(" AND "),
        ),
    }
}

/// How one package reaches another. SPDX relationships name the kind; CycloneDX's are all
/// plain dependencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EdgeKind {
    Prod,
    Optional,
    Dev,
}

impl EdgeKind {
    fn scope(self) -> Scope {
        match self {
            EdgeKind::Prod => Scope::Prod,
            EdgeKind::Optional => Scope::Optional,
            EdgeKind::Dev => Scope::Dev,
        }
    }
}

/// An element of the document's graph: a package customs reads, or another component (the
/// project, a package of another ecosystem), which edges may pass through.
#[derive(Clone, Copy, Debug)]
struct Node {
    package: Option<usize>,
    /// A component of the project that is not a package (trivy's per-lockfile `application`s).
    application: bool,
}

/// Builds a document's packages and graph, shared by the CycloneDX and SPDX readers.
#[derive(Debug)]
pub(crate) struct Assembly<'a> {
    builder: Builder<'a>,
    nodes: Vec<Node>,
    by_reference: HashMap<String, usize>,
    edges: Vec<(usize, usize, EdgeKind)>,
    roots: Vec<usize>,
    pub errors: Vec<ParseError>,
    pub warnings: Vec<ParseError>,
    /// Components skipped by purl type (`""` for those without a purl).
    skipped: BTreeMap<String, usize>,
    duplicates: Vec<(String, u32)>,
    unknown_references: BTreeMap<String, usize>,
    /// Whether the document said which packages are direct, and their scopes.
    records_direct: bool,
    records_scope: bool,
    components: usize,
}

impl<'a> Assembly<'a> {
    pub fn new(path: &'a str) -> Self {
        Self {
            builder: Builder::new(Ecosystem::Npm, path),
            nodes: Vec::new(),
            by_reference: HashMap::new(),
            edges: Vec::new(),
            roots: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            skipped: BTreeMap::new(),
            duplicates: Vec::new(),
            unknown_references: BTreeMap::new(),
            records_direct: false,
            records_scope: false,
            components: 0,
        }
    }

    /// Adds one component; `root` for the document's subject (the project). Returns `Err` when
    /// the document holds more than [`MAX_COMPONENTS`].
    pub fn add(&mut self, entry: Entry, root: bool) -> Result<(), ParseError> {
        self.components += 1;
        if self.components > MAX_COMPONENTS {
            return Err(ParseError::at(
                entry.line,
                format!("more than {MAX_COMPONENTS} components; customs reads at most that many"),
            ));
        }
        let line = entry.line;
        let reference = entry.reference.clone();
        let application = entry.purl.is_none()
            && entry
                .kind
                .as_deref()
                .is_some_and(|k| k.eq_ignore_ascii_case("application"));
        let package = match self.package(entry, root) {
            Ok(Some(package)) => Some(self.builder.add(package)),
            Ok(None) => None,
            Err(error) => {
                self.errors.push(error);
                None
            }
        };
        let node = self.nodes.len();
        self.nodes.push(Node {
            package,
            application,
        });
        if root {
            self.roots.push(node);
        }
        if let Some(reference) = reference.filter(|r| !r.is_empty()) {
            match self.by_reference.entry(reference) {
                std::collections::hash_map::Entry::Occupied(taken) => {
                    self.duplicates.push((taken.key().clone(), line));
                }
                std::collections::hash_map::Entry::Vacant(free) => {
                    free.insert(node);
                }
            }
        }
        Ok(())
    }

    /// The package an entry describes; `None` for components of other ecosystems and those
    /// without a purl (counted for the warning).
    fn package(&mut self, entry: Entry, root: bool) -> Result<Option<Package>, ParseError> {
        let Some(purl) = entry.purl.as_deref().filter(|p| !p.trim().is_empty()) else {
            // The project itself and the parts of it that are not packages (a scanned
            // directory, trivy's lockfile components) are expected; libraries are not.
            let kind = entry.kind.as_deref().unwrap_or("library");
            if !root && (kind == "library" || kind == "framework") {
                *self.skipped.entry(String::new()).or_default() += 1;
            }
            return Ok(None);
        };
        let identity = match identity(purl, entry.name.as_deref()) {
            Ok(Purl::Ours(identity)) => identity,
            Ok(Purl::Other(kind)) => {
                if !root {
                    *self.skipped.entry(kind).or_default() += 1;
                }
                return Ok(None);
            }
            Err(PurlError::Syntax { purl, source }) => {
                return Err(ParseError::at(
                    entry.line,
                    format!("invalid package URL `{}`", purl.escape_debug()),
                )
                .with_source(source));
            }
            Err(error) => return Err(ParseError::at(entry.line, error.to_string())),
        };
        let name = PackageName::new(identity.ecosystem, &identity.name).map_err(|error| {
            ParseError::at(entry.line, "invalid package name").with_source(error)
        })?;
        let mut source = match entry.local {
            Some(local) => local,
            // The project itself is local whatever its purl says (cargo-cyclonedx writes
            // `download_url=file://.`).
            None if root => Source::Workspace {
                path: String::new(),
            },
            None => identity.source,
        };
        if let (Source::Git { reference, .. }, Some(asked)) = (&mut source, entry.git_reference) {
            *reference = Some(asked);
        }
        let version = identity
            .version
            .as_deref()
            .map(|v| Version::new(identity.ecosystem, v));
        let mut package = Package::new(identity.ecosystem, name, version, source);
        package.locations.insert(self.builder.location(entry.line));
        package.integrity.extend(entry.integrity);
        package.license = entry.license;
        package.artifact_url = entry.artifact_url;
        package.scope = entry.scope;
        package.direct = entry.direct;
        package.install_script = entry.install_script;
        package.aliases.extend(entry.aliases);
        package.requirement = entry.requirement;
        self.records_scope |= package.scope.is_some();
        self.records_direct |= package.direct;
        Ok(Some(package))
    }

    /// Records that `from` depends on `to` (document references). Unknown references are
    /// counted for one warning; edges to components customs does not read are dropped.
    pub fn edge(&mut self, from: &str, to: &str, kind: EdgeKind) -> Result<(), ParseError> {
        if self.edges.len() >= MAX_EDGES {
            return Err(ParseError::new(format!(
                "more than {MAX_EDGES} dependency edges; customs reads at most that many"
            )));
        }
        let node = |reference: &str, unknown: &mut BTreeMap<String, usize>| {
            let found = self.by_reference.get(reference).copied();
            if found.is_none() && unknown.len() < 1000 {
                *unknown.entry(reference.to_owned()).or_default() += 1;
            }
            found
        };
        let mut unknown = std::mem::take(&mut self.unknown_references);
        let ends = (node(from, &mut unknown), node(to, &mut unknown));
        self.unknown_references = unknown;
        if let (Some(from), Some(to)) = ends {
            self.edges.push((from, to, kind));
        }
        Ok(())
    }

    /// The packages, with their graph, direct marks and (when `scopes_from_edges`, for SPDX)
    /// scopes from the kinds of edges that reach them.
    pub fn finish(mut self, format: String, scopes_from_edges: bool) -> Parsed {
        // The project: the roots, and the components of it that are not packages which a root
        // depends on (trivy lists each lockfile as an `application` between root and packages).
        let is_root = self.is_root();
        let mut project = is_root.clone();
        for &(from, to, _) in &self.edges {
            if is_root.get(from) == Some(&true)
                && self.nodes.get(to).is_some_and(|n| n.application)
                && let Some(part) = project.get_mut(to)
            {
                *part = true;
            }
        }
        for &(from, to, _) in &self.edges {
            let (Some(&from_node), Some(&to_node)) = (self.nodes.get(from), self.nodes.get(to))
            else {
                continue;
            };
            if let Some(target) = to_node.package {
                if let Some(source) = from_node.package {
                    self.builder.depend(source, target);
                }
                if project.get(from) == Some(&true)
                    && let Some(package) = self.builder.get_mut(target)
                {
                    package.direct = true;
                    self.records_direct = true;
                }
            }
        }
        if scopes_from_edges
            && self
                .edges
                .iter()
                .any(|&(_, _, kind)| kind != EdgeKind::Prod)
        {
            self.scopes_from_edges();
            self.records_scope = true;
        }
        self.report_oddities();
        let packages = self.builder.finish();
        let mut counts: BTreeMap<Ecosystem, usize> = BTreeMap::new();
        for package in &packages {
            *counts.entry(package.ecosystem).or_default() += 1;
        }
        // A report has one ecosystem; discovery splits an SBOM's packages by theirs.
        let ecosystem = counts
            .iter()
            .max_by_key(|&(ecosystem, count)| (*count, std::cmp::Reverse(*ecosystem)))
            .map_or(Ecosystem::Npm, |(ecosystem, _)| *ecosystem);
        if packages.is_empty() {
            self.warnings.push(ParseError::new(
                "no npm, PyPI or crates.io package in this SBOM; nothing to check",
            ));
        }
        let mut parsed = Parsed::new(format, ecosystem, packages);
        parsed.errors = self.errors;
        parsed.warnings = self.warnings;
        parsed.records_direct = self.records_direct;
        parsed.records_scope = self.records_scope;
        parsed
    }

    fn is_root(&self) -> Vec<bool> {
        let mut is_root = vec![false; self.nodes.len()];
        for &root in &self.roots {
            if let Some(flag) = is_root.get_mut(root) {
                *flag = true;
            }
        }
        is_root
    }

    /// Scopes as npm computes them, from the kinds of the edges: production what the project
    /// reaches through production edges alone, then optional, then development. SPDX writers
    /// differ on what an edge's kind means (npm: the kind of the dependency declaration;
    /// customs: the scope of the package depended on); reaching from the root reads both
    /// right. Packages the root does not reach take the widest kind of the edges into them.
    fn scopes_from_edges(&mut self) {
        // Node indices in edges and roots come from `add`, so they are in bounds.
        let count = self.nodes.len();
        let is_root = self.is_root();
        let mut adjacency: Vec<Vec<(usize, EdgeKind)>> = vec![Vec::new(); count];
        for &(from, to, kind) in &self.edges {
            if let Some(next) = adjacency.get_mut(from) {
                next.push((to, kind));
            }
        }
        let mut scope: Vec<Option<Scope>> = vec![None; count];
        for level in [EdgeKind::Prod, EdgeKind::Optional, EdgeKind::Dev] {
            let mut stack: Vec<usize> = self.roots.clone();
            let mut seen = vec![false; count];
            while let Some(node) = stack.pop() {
                for &(next, kind) in adjacency.get(node).into_iter().flatten() {
                    if kind > level || seen.get(next) != Some(&false) {
                        continue;
                    }
                    seen[next] = true;
                    if scope[next].is_none() && !is_root[next] {
                        scope[next] = Some(level.scope());
                    }
                    stack.push(next);
                }
            }
        }
        let reached: Vec<bool> = scope.iter().map(Option::is_some).collect();
        for &(_, to, kind) in &self.edges {
            if reached.get(to) == Some(&false) && !is_root[to] {
                scope[to] = Some(scope[to].map_or(kind.scope(), |s| s.widest(kind.scope())));
            }
        }
        for (node, scope) in self.nodes.iter().zip(scope) {
            if let (Some(index), Some(scope)) = (node.package, scope)
                && let Some(package) = self.builder.get_mut(index)
            {
                package.scope = Some(package.scope.map_or(scope, |s| s.widest(scope)));
            }
        }
    }

    fn report_oddities(&mut self) {
        if !self.skipped.is_empty() {
            let total: usize = self.skipped.values().sum();
            let kinds: Vec<String> = self
                .skipped
                .iter()
                .map(|(kind, count)| {
                    if kind.is_empty() {
                        format!("{count} without a package URL")
                    } else {
                        format!("{count} {kind}")
                    }
                })
                .collect();
            self.warnings.push(ParseError::new(format!(
                "skipped {total} component{} not from npm, PyPI or crates.io ({})",
                plural(total),
                kinds.join(", ")
            )));
        }
        for (reference, line) in std::mem::take(&mut self.duplicates).into_iter().take(20) {
            self.warnings.push(ParseError::at(
                line,
                format!(
                    "duplicate reference `{reference}`: dependencies name the first component \
                     that has it"
                ),
            ));
        }
        if !self.unknown_references.is_empty() {
            let total: usize = self.unknown_references.values().sum();
            let examples: Vec<&str> = self
                .unknown_references
                .keys()
                .take(3)
                .map(String::as_str)
                .collect();
            self.warnings.push(ParseError::new(format!(
                "{total} dependenc{} name{} components the document does not list ({}{}); \
                 ignored",
                if total == 1 { "y" } else { "ies" },
                if total == 1 { "s" } else { "" },
                examples.join(", "),
                if self.unknown_references.len() > 3 {
                    ", …"
                } else {
                    ""
                }
            )));
        }
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Decodes `%XX` sequences (SPDX locators escape spaces); anything malformed stays as written.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        match (byte, hex(at + 1), hex(at + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                at += 3;
            }
            _ => {
                out.push(byte);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}
