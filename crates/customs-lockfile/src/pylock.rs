//! `pylock.toml` and `pylock.<name>.toml` (PEP 751), `lock-version = "1.0"`.
//!
//! - Top level: `lock-version` (required; a major version other than 1 is refused, a newer
//!   minor version is read with a warning, as the PEP asks), `created-by`, `requires-python`,
//!   `environments`, `extras`, `dependency-groups`, `default-groups`, `[tool]`.
//! - `[[packages]]`: `name`, `version` (optional: source trees may have none), `marker`,
//!   `requires-python`, and where the package comes from: `vcs = { type, url | path,
//!   requested-revision, commit-id, subdirectory }` ([`Source::Git`]), `directory = { path,
//!   editable }` ([`Source::Path`]), `archive = { url | path, hashes, … }` ([`Source::Url`] or
//!   [`Source::Path`]), or `index` plus `sdist` / `wheels` (a registry; `index` is optional and
//!   PyPI is assumed where it is absent, as pip and `uv pip compile` write no `index` even for
//!   files they got from PyPI). `sdist = { name, url | path, hashes, … }` and `wheels = [{ … }]`
//!   give the digests, each naming its file (`name`, else the URL's or path's last segment);
//!   the sdist (or archive) URL is the artifact URL. `attestation-identities` and
//!   `[packages.tool.*]` are not needed and are ignored.
//! - `dependencies = [{ name, … }]` records edges for auditing; an entry holds only as many keys
//!   of the target `[[packages]]` entry as it takes to tell it apart ("key-by-key comparison"),
//!   so it resolves by name, then by every other key given (nested tables by their keys).
//!
//! Scope: PEP 751 has no per-package groups, but a multi-use lock file selects packages with
//! the `extras` and `dependency_groups` markers (`'dev' in dependency_groups`). Where any
//! package's marker uses them, each package gets the narrowest scope that installs it,
//! treating environment markers as satisfiable: production if the default install (no extras,
//! the `default-groups`) includes it, else optional if some extra does, else development. The
//! file then records scopes (`records_scope`). Direct dependencies are never recorded.
//!
//! [`Source::Git`]: customs_core::Source::Git
//! [`Source::Path`]: customs_core::Source::Path
//! [`Source::Url`]: customs_core::Source::Url

use std::collections::{BTreeMap, BTreeSet, HashMap};

use customs_core::{Ecosystem, Integrity, Package, Scope, Source};
use serde::Deserialize;
use toml::Spanned;

use crate::uv::{MAX_SAME_NAME, add_digest, file_name, index_by_name, normalize, registry_source};
use crate::{Builder, Input, LineIndex, ParseError, Parsed};

/// Deepest nesting read in a marker's parentheses or a dependency's tables.
const MAX_DEPTH: usize = 64;

#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "lock-version")]
    lock_version: Option<Spanned<String>>,
    #[serde(default)]
    extras: Vec<String>,
    #[serde(default, rename = "dependency-groups")]
    dependency_groups: Vec<String>,
    #[serde(default, rename = "default-groups")]
    default_groups: Vec<String>,
    #[serde(default)]
    packages: Vec<Spanned<toml::Table>>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: Option<String>,
    marker: Option<String>,
    index: Option<String>,
    vcs: Option<Vcs>,
    directory: Option<Directory>,
    archive: Option<Artifact>,
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
    #[serde(default)]
    dependencies: Vec<toml::Table>,
}

#[derive(Deserialize)]
struct Vcs {
    url: Option<String>,
    path: Option<String>,
    #[serde(rename = "requested-revision")]
    requested_revision: Option<String>,
    #[serde(rename = "commit-id")]
    commit_id: Option<String>,
}

#[derive(Deserialize)]
struct Directory {
    path: String,
}

/// An `sdist`, a `wheels` entry or an `archive`.
#[derive(Deserialize)]
struct Artifact {
    name: Option<String>,
    url: Option<String>,
    path: Option<String>,
    #[serde(default)]
    hashes: BTreeMap<String, String>,
}

pub(crate) fn sniff(head: &str) -> bool {
    // `lock-version` is a top-level key, so it comes before the first table header (poetry.lock
    // has a `lock-version` too, but inside `[metadata]`).
    for line in head.lines().map(str::trim) {
        if line.starts_with('[') {
            return false;
        }
        if line.starts_with("lock-version") {
            return true;
        }
    }
    false
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    if input.text.trim().is_empty() {
        return Err(ParseError::at(
            1,
            "empty pylock.toml (expected `lock-version = \"1.0\"` and `[[packages]]`)",
        ));
    }
    let lockfile: Lockfile = toml::from_str(input.text)
        .map_err(|error| ParseError::toml("pylock.toml", input.text, error))?;
    let lines = LineIndex::new(input.text);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let lock_version = lockfile.lock_version.as_ref().ok_or_else(|| {
        ParseError::at(
            1,
            "missing `lock-version` in pylock.toml (customs reads lock-version 1.x)",
        )
    })?;
    let version_line = lines.line(lock_version.span().start);
    let version = lock_version.get_ref().trim();
    let (major, minor) = version.split_once('.').unwrap_or((version, "0"));
    if major != "1" || minor.parse::<u32>().is_err() {
        return Err(ParseError::at(
            version_line,
            format!(
                "unsupported pylock.toml lock-version {version:?} (customs reads lock-version 1.x)"
            ),
        ));
    }
    if minor != "0" {
        warnings.push(ParseError::at(
            version_line,
            format!("pylock.toml lock-version {version} is newer than 1.0; read as 1.0"),
        ));
    }

    let mut builder = Builder::new(Ecosystem::PyPI, input.path);
    // (builder index, raw table, typed entry, line)
    let mut entries: Vec<(usize, &toml::Table, LockedPackage, u32)> = Vec::new();
    for spanned in &lockfile.packages {
        let line = lines.line(spanned.span().start);
        let raw = spanned.get_ref();
        let locked: LockedPackage = match toml::Value::Table(raw.clone()).try_into() {
            Ok(locked) => locked,
            Err(error) => {
                errors.push(
                    ParseError::at(line, "invalid `[[packages]]` entry")
                        .with_source(crate::error::Syntax(error.message().trim().to_owned())),
                );
                continue;
            }
        };
        let mut package = match builder.package(
            &locked.name,
            locked.version.as_deref(),
            source_of(&locked),
            line,
        ) {
            Ok(package) => package,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        for artifact in locked
            .archive
            .iter()
            .chain(&locked.sdist)
            .chain(&locked.wheels)
        {
            add_artifact(&mut package, artifact, line, &mut errors, &mut warnings);
        }
        package.artifact_url = locked
            .sdist
            .as_ref()
            .and_then(|sdist| sdist.url.clone())
            .or_else(|| locked.archive.as_ref().and_then(|a| a.url.clone()));
        entries.push((builder.add(package), raw, locked, line));
    }

    // Scopes from the `extras` / `dependency_groups` markers.
    let markers: Vec<Option<Marker>> = entries
        .iter()
        .map(|(_, _, locked, line)| {
            let text = locked.marker.as_deref()?;
            match Marker::parse(text) {
                Ok(marker) => Some(marker),
                Err(message) => {
                    warnings.push(ParseError::at(
                        *line,
                        format!("unreadable marker of {} ({message}): {text}", locked.name),
                    ));
                    None
                }
            }
        })
        .collect();
    let selects = markers.iter().flatten().any(Marker::selects);
    if selects {
        let mut all_extras: BTreeSet<&str> = lockfile.extras.iter().map(String::as_str).collect();
        let mut all_groups: BTreeSet<&str> = lockfile
            .dependency_groups
            .iter()
            .chain(&lockfile.default_groups)
            .map(String::as_str)
            .collect();
        for marker in markers.iter().flatten() {
            marker.collect_names(&mut all_extras, &mut all_groups);
        }
        let default_groups: BTreeSet<&str> =
            lockfile.default_groups.iter().map(String::as_str).collect();
        let none = BTreeSet::new();
        for ((index, _, locked, _), marker) in entries.iter().zip(&markers) {
            let scope = match marker {
                None if locked.marker.is_some() => None,
                None => Some(Scope::Prod),
                Some(marker) => {
                    if marker.eval(&none, &default_groups) {
                        Some(Scope::Prod)
                    } else if marker.eval(&all_extras, &default_groups) {
                        Some(Scope::Optional)
                    } else if marker.eval(&none, &all_groups)
                        || marker.eval(&all_extras, &all_groups)
                    {
                        Some(Scope::Dev)
                    } else {
                        None
                    }
                }
            };
            if let Some(package) = builder.get_mut(*index) {
                package.scope = scope;
            }
        }
    }

    // Dependencies name their target by a subset of its keys.
    let mut by_name: HashMap<String, Vec<(usize, &toml::Table)>> = HashMap::new();
    for (index, raw, locked, line) in &entries {
        index_by_name(
            &mut by_name,
            &locked.name,
            (*index, *raw),
            *line,
            &mut warnings,
        );
    }
    for (from, _, locked, line) in &entries {
        for dependency in &locked.dependencies {
            let Some(name) = dependency.get("name").and_then(toml::Value::as_str) else {
                errors.push(ParseError::at(
                    *line,
                    format!("a dependency of {} has no `name`", locked.name),
                ));
                continue;
            };
            let targets: Vec<usize> = by_name
                .get(&normalize(name))
                .into_iter()
                .flatten()
                .take(MAX_SAME_NAME)
                .filter(|(_, candidate)| {
                    dependency
                        .iter()
                        .filter(|(key, _)| key.as_str() != "name")
                        .all(|(key, value)| {
                            candidate
                                .get(key)
                                .is_some_and(|have| matches_keys(value, have, 0))
                        })
                })
                .map(|&(index, _)| index)
                .collect();
            if targets.is_empty() {
                warnings.push(ParseError::at(
                    *line,
                    format!(
                        "`{}` depends on `{}`, which the lockfile does not contain",
                        locked.name,
                        describe(dependency)
                    ),
                ));
            }
            for to in targets {
                builder.depend(*from, to);
            }
        }
    }

    let mut parsed = Parsed::new(
        format!("pylock.toml {version}"),
        Ecosystem::PyPI,
        builder.finish(),
    );
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_scope = selects;
    Ok(parsed)
}

fn source_of(locked: &LockedPackage) -> Source {
    if let Some(vcs) = &locked.vcs {
        return Source::Git {
            url: vcs
                .url
                .clone()
                .or_else(|| vcs.path.clone())
                .unwrap_or_default(),
            commit: vcs.commit_id.clone(),
            reference: vcs.requested_revision.clone(),
        };
    }
    if let Some(directory) = &locked.directory {
        return Source::Path {
            path: directory.path.clone(),
        };
    }
    if let Some(archive) = &locked.archive {
        return match (&archive.url, &archive.path) {
            (Some(url), _) => Source::Url { url: url.clone() },
            (None, path) => Source::Path {
                path: path.clone().unwrap_or_default(),
            },
        };
    }
    match &locked.index {
        Some(index) => registry_source(index),
        None => Source::registry(Ecosystem::PyPI),
    }
}

fn add_artifact(
    package: &mut Package,
    artifact: &Artifact,
    line: u32,
    errors: &mut Vec<ParseError>,
    warnings: &mut Vec<ParseError>,
) {
    let file = artifact.name.clone().or_else(|| {
        artifact
            .url
            .as_deref()
            .or(artifact.path.as_deref())
            .and_then(file_name)
    });
    for (algorithm, digest) in &artifact.hashes {
        let integrity = Integrity::from_prefixed_hex(&format!("{algorithm}:{digest}"));
        add_digest(package, integrity, file.clone(), line, errors, warnings);
    }
}

/// Whether a dependency's value identifies the package's value: tables by each key given,
/// anything else by equality.
fn matches_keys(wanted: &toml::Value, have: &toml::Value, depth: usize) -> bool {
    match (wanted, have) {
        (toml::Value::Table(wanted), toml::Value::Table(have)) if depth < MAX_DEPTH => {
            wanted.iter().all(|(key, value)| {
                have.get(key)
                    .is_some_and(|have| matches_keys(value, have, depth + 1))
            })
        }
        (wanted, have) => wanted == have,
    }
}

/// `name version` (or `name`) for messages.
fn describe(dependency: &toml::Table) -> String {
    let name = dependency
        .get("name")
        .and_then(toml::Value::as_str)
        .unwrap_or_default();
    match dependency.get("version").and_then(toml::Value::as_str) {
        Some(version) => format!("{name} {version}"),
        None => name.to_owned(),
    }
}

/// A PEP 508 marker expression, kept only as far as deciding which extras and dependency
/// groups install a package needs: every other comparison is an environment test, taken as
/// satisfiable (PEP 508 markers have no negation, so this over-approximates soundly).
#[derive(Debug, PartialEq, Eq)]
enum Marker {
    Or(Vec<Marker>),
    And(Vec<Marker>),
    /// `'name' in extras` (or `extra == 'name'`); `negated` for `not in`.
    Extra {
        name: String,
        negated: bool,
    },
    /// `'name' in dependency_groups`; `negated` for `not in`.
    Group {
        name: String,
        negated: bool,
    },
    Environment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Open,
    Close,
    Str(String),
    Word(String),
    Op(String),
}

impl Marker {
    fn parse(text: &str) -> Result<Self, String> {
        let tokens = tokenize(text)?;
        let mut position = 0;
        let marker = parse_or(&tokens, &mut position, 0)?;
        match tokens.get(position) {
            None => Ok(marker),
            Some(token) => Err(format!("unexpected {token:?}")),
        }
    }

    /// Whether it tests extras or dependency groups at all.
    fn selects(&self) -> bool {
        match self {
            Marker::Or(parts) | Marker::And(parts) => parts.iter().any(Marker::selects),
            Marker::Extra { .. } | Marker::Group { .. } => true,
            Marker::Environment => false,
        }
    }

    fn collect_names<'a>(&'a self, extras: &mut BTreeSet<&'a str>, groups: &mut BTreeSet<&'a str>) {
        match self {
            Marker::Or(parts) | Marker::And(parts) => {
                for part in parts {
                    part.collect_names(extras, groups);
                }
            }
            Marker::Extra { name, .. } => {
                extras.insert(name);
            }
            Marker::Group { name, .. } => {
                groups.insert(name);
            }
            Marker::Environment => {}
        }
    }

    fn eval(&self, extras: &BTreeSet<&str>, groups: &BTreeSet<&str>) -> bool {
        match self {
            Marker::Or(parts) => parts.iter().any(|p| p.eval(extras, groups)),
            Marker::And(parts) => parts.iter().all(|p| p.eval(extras, groups)),
            Marker::Extra { name, negated } => extras.contains(name.as_str()) != *negated,
            Marker::Group { name, negated } => groups.contains(name.as_str()) != *negated,
            Marker::Environment => true,
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            c if c.is_whitespace() => {}
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            '\'' | '"' => {
                let mut value = String::new();
                let mut closed = false;
                for (_, next) in chars.by_ref() {
                    if next == c {
                        closed = true;
                        break;
                    }
                    value.push(next);
                }
                if !closed {
                    return Err(format!("unterminated string at {start}"));
                }
                tokens.push(Token::Str(value));
            }
            '<' | '>' | '=' | '!' | '~' => {
                let mut op = String::from(c);
                while let Some(&(_, next)) = chars.peek() {
                    if matches!(next, '=' | '<' | '>') && op.len() < 3 {
                        op.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if !matches!(
                    op.as_str(),
                    "<" | "<=" | "==" | "!=" | ">=" | ">" | "~=" | "==="
                ) {
                    return Err(format!("unknown operator `{op}`"));
                }
                tokens.push(Token::Op(op));
            }
            c if c.is_ascii_alphanumeric() || c == '_' || c == '.' => {
                let mut word = String::from(c);
                while let Some(&(_, next)) = chars.peek() {
                    if next.is_ascii_alphanumeric() || next == '_' || next == '.' {
                        word.push(next);
                        chars.next();
                    } else {
                        break;
                    }
                }
                tokens.push(Token::Word(word));
            }
            other => return Err(format!("unexpected `{other}`")),
        }
    }
    Ok(tokens)
}

fn parse_or(tokens: &[Token], position: &mut usize, depth: usize) -> Result<Marker, String> {
    let mut parts = vec![parse_and(tokens, position, depth)?];
    while matches!(tokens.get(*position), Some(Token::Word(w)) if w == "or") {
        *position += 1;
        parts.push(parse_and(tokens, position, depth)?);
    }
    Ok(if parts.len() == 1 {
        parts.swap_remove(0)
    } else {
        Marker::Or(parts)
    })
}

fn parse_and(tokens: &[Token], position: &mut usize, depth: usize) -> Result<Marker, String> {
    let mut parts = vec![parse_atom(tokens, position, depth)?];
    while matches!(tokens.get(*position), Some(Token::Word(w)) if w == "and") {
        *position += 1;
        parts.push(parse_atom(tokens, position, depth)?);
    }
    Ok(if parts.len() == 1 {
        parts.swap_remove(0)
    } else {
        Marker::And(parts)
    })
}

fn parse_atom(tokens: &[Token], position: &mut usize, depth: usize) -> Result<Marker, String> {
    if tokens.get(*position) == Some(&Token::Open) {
        if depth >= MAX_DEPTH {
            return Err("parentheses nested too deeply".to_owned());
        }
        *position += 1;
        let inner = parse_or(tokens, position, depth + 1)?;
        if tokens.get(*position) != Some(&Token::Close) {
            return Err("missing `)`".to_owned());
        }
        *position += 1;
        return Ok(inner);
    }
    let left = value(tokens.get(*position))?;
    *position += 1;
    let op = match tokens.get(*position) {
        Some(Token::Op(op)) => op.clone(),
        Some(Token::Word(w)) if w == "in" => "in".to_owned(),
        Some(Token::Word(w)) if w == "not" => {
            *position += 1;
            match tokens.get(*position) {
                Some(Token::Word(w)) if w == "in" => "not in".to_owned(),
                _ => return Err("expected `in` after `not`".to_owned()),
            }
        }
        other => return Err(format!("expected an operator, found {other:?}")),
    };
    *position += 1;
    let right = value(tokens.get(*position))?;
    *position += 1;
    Ok(match (&left, op.as_str(), &right) {
        (Value::Str(name), "in" | "not in", Value::Var(var)) if var == "extras" => Marker::Extra {
            name: name.clone(),
            negated: op == "not in",
        },
        (Value::Str(name), "in" | "not in", Value::Var(var)) if var == "dependency_groups" => {
            Marker::Group {
                name: name.clone(),
                negated: op == "not in",
            }
        }
        (Value::Var(var), "==" | "!=", Value::Str(name))
        | (Value::Str(name), "==" | "!=", Value::Var(var))
            if var == "extra" =>
        {
            Marker::Extra {
                name: name.clone(),
                negated: op == "!=",
            }
        }
        _ => Marker::Environment,
    })
}

enum Value {
    Str(String),
    Var(String),
}

fn value(token: Option<&Token>) -> Result<Value, String> {
    match token {
        Some(Token::Str(s)) => Ok(Value::Str(s.clone())),
        Some(Token::Word(w)) if !matches!(w.as_str(), "and" | "or" | "in" | "not") => {
            Ok(Value::Var(w.clone()))
        }
        other => Err(format!("expected a value, found {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::summary;
    use insta::assert_snapshot;

    fn run(text: &str) -> Parsed {
        parse(Input {
            path: "pylock.toml",
            text,
        })
        .unwrap()
    }

    fn fail(text: &str) -> ParseError {
        parse(Input {
            path: "pylock.toml",
            text,
        })
        .unwrap_err()
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    #[test]
    fn every_source_kind_dependencies_and_group_markers() {
        let text = format!(
            r#"lock-version = "1.0"
environments = ["sys_platform == 'linux'"]
requires-python = ">=3.10"
extras = ["socks"]
dependency-groups = ["dev"]
default-groups = ["default"]
created-by = "mousebender"

[[packages]]
name = "requests"
version = "2.32.3"
index = "https://pypi.org/simple/"
dependencies = [
    {{ name = "urllib3" }},
    {{ name = "pysocks", version = "1.7.1" }},
    {{ name = "tool", vcs = {{ url = "https://github.com/acme/tool" }} }},
    {{ name = "missing" }},
]
sdist = {{ name = "requests-2.32.3.tar.gz", url = "https://files.pythonhosted.org/packages/requests-2.32.3.tar.gz", upload-time = 2024-05-29T15:37:49Z, size = 131218, hashes = {{ sha256 = "{A}" }} }}
wheels = [
    {{ url = "https://files.pythonhosted.org/packages/requests-2.32.3-py3-none-any.whl", hashes = {{ sha256 = "{B}" }} }},
]

[[packages.attestation-identities]]
kind = "GitHub"
repository = "psf/requests"

[packages.tool.mousebender]
note = "ignored"

[[packages]]
name = "urllib3"
version = "2.2.2"
marker = "'default' in dependency_groups"
wheels = [{{ name = "urllib3-2.2.2-py3-none-any.whl", hashes = {{ sha256 = "{A}" }} }}]

[[packages]]
name = "PySocks"
version = "1.7.1"
marker = "python_version >= '3.8' and 'socks' in extras"
index = "https://pypi.example.com/simple"

[[packages]]
name = "pysocks"
version = "1.7.0"
marker = "('dev' in dependency_groups) and (sys_platform == 'win32')"

[[packages]]
name = "tool"
version = "0.1.0"
marker = "'dev' not in dependency_groups or 'socks' in extras"
vcs = {{ type = "git", url = "https://github.com/acme/tool", requested-revision = "main", commit-id = "0123456789abcdef0123456789abcdef01234567", subdirectory = "py" }}

[[packages]]
name = "project"
directory = {{ path = ".", editable = true }}
marker = "python_version >>> '3'"

[[packages]]
name = "vendored"
version = "1.0"
archive = {{ url = "https://example.com/vendored-1.0.tar.gz", size = 10, hashes = {{ sha256 = "{B}" }} }}

[[packages]]
name = "local-wheel"
version = "2.0"
archive = {{ path = "dist/local_wheel-2.0-py3-none-any.whl", hashes = {{ sha256 = "{A}" }} }}

[tool.mousebender]
command = ["lock"]
"#
        );
        let parsed = run(&text);
        assert!(parsed.records_scope && !parsed.records_direct);
        assert_snapshot!(summary(&parsed), @r#"
        format: pylock.toml 1.0
        pkg:pypi/local-wheel@2.0 scope=prod direct=false source=path lines=[64] sha256=aaaaaaaa deps=[]
        pkg:pypi/project direct=false source=path lines=[54] sha256=- deps=[]
        pkg:pypi/pysocks@1.7.0 scope=dev direct=false source=registry lines=[43] sha256=- deps=[]
        pkg:pypi/pysocks@1.7.1?repository_url=https:%2F%2Fpypi.example.com%2Fsimple scope=optional direct=false source=registry lines=[37] sha256=- deps=[]
        pkg:pypi/requests@2.32.3 scope=prod direct=false source=registry lines=[9] sha256=aaaaaaaa deps=["pkg:pypi/pysocks@1.7.1?repository_url=https:%2F%2Fpypi.example.com%2Fsimple", "pkg:pypi/tool@0.1.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ftool%400123456789abcdef0123456789abcdef01234567", "pkg:pypi/urllib3@2.2.2"]
        pkg:pypi/tool@0.1.0?vcs_url=https:%2F%2Fgithub.com%2Facme%2Ftool%400123456789abcdef0123456789abcdef01234567 scope=prod direct=false source=git lines=[48] sha256=- deps=[]
        pkg:pypi/urllib3@2.2.2 scope=prod direct=false source=registry lines=[31] sha256=aaaaaaaa deps=[]
        pkg:pypi/vendored@1.0?download_url=https:%2F%2Fexample.com%2Fvendored-1.0.tar.gz scope=prod direct=false source=url lines=[59] sha256=bbbbbbbb deps=[]
        warning: Some(54) unreadable marker of project (unknown operator `>>>`): python_version >>> '3'
        warning: Some(9) `requests` depends on `missing`, which the lockfile does not contain
        "#);
        let requests = &parsed.packages[0];
        let files: Vec<_> = requests
            .integrity
            .iter()
            .map(|i| i.file.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(
            files,
            ["requests-2.32.3.tar.gz", "requests-2.32.3-py3-none-any.whl"]
        );
        assert_eq!(
            requests.artifact_url.as_deref(),
            Some("https://files.pythonhosted.org/packages/requests-2.32.3.tar.gz")
        );
        let tool = parsed
            .packages
            .iter()
            .find(|p| p.name.as_str() == "tool")
            .unwrap();
        assert_eq!(
            tool.source,
            Source::Git {
                url: "https://github.com/acme/tool".into(),
                commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                reference: Some("main".into()),
            }
        );
        let vendored = parsed
            .packages
            .iter()
            .find(|p| p.name.as_str() == "vendored")
            .unwrap();
        assert_eq!(
            vendored.artifact_url.as_deref(),
            Some("https://example.com/vendored-1.0.tar.gz")
        );
        assert_eq!(
            vendored.integrity.first().unwrap().file.as_deref(),
            Some("vendored-1.0.tar.gz")
        );
    }

    #[test]
    fn without_group_markers_no_scope_is_recorded() {
        let text = format!(
            r#"lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "attrs"
version = "25.4.0"
marker = "sys_platform == 'linux'"

[[packages.wheels]]
name = "attrs-25.4.0-py3-none-any.whl"
url = "https://files.pythonhosted.org/packages/attrs-25.4.0-py3-none-any.whl"

[packages.wheels.hashes]
sha256 = "{A}"
blake2b-256 = "{B}"

[[packages]]
name = "cattrs"
version = "24.1.2"
dependencies = [{{ name = "attrs" }}]
"#
        );
        let parsed = run(&text);
        assert!(!parsed.records_scope && !parsed.records_direct);
        assert_snapshot!(summary(&parsed), @r#"
        format: pylock.toml 1.0
        pkg:pypi/attrs@25.4.0 direct=false source=registry lines=[4] sha256=aaaaaaaa deps=[]
        pkg:pypi/cattrs@24.1.2 direct=false source=registry lines=[17] sha256=- deps=["pkg:pypi/attrs@25.4.0"]
        "#);
        assert_eq!(parsed.packages[0].integrity.len(), 2);
    }

    #[test]
    fn inline_packages_and_skippable_entries() {
        let text = format!(
            r#"lock-version = "1.1"
created-by = "pip"
packages = [
  {{ name = "self", directory = {{ path = ".", editable = true }} }},
  {{ version = "1.0" }},
  {{ name = "bad name", version = "1.0" }},
  {{ name = "odd", version = "1.0", wheels = [{{ name = "odd-1.0-py3-none-any.whl", hashes = {{ sha3_256 = "{A}", sha256 = "abc" }} }}], dependencies = [{{ version = "1.0" }}] }},
]
"#
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: pylock.toml 1.1
        pkg:pypi/odd@1.0 direct=false source=registry lines=[7] sha256=- deps=[]
        pkg:pypi/self direct=false source=path lines=[4] sha256=- deps=[]
        error: Some(5) invalid `[[packages]]` entry: missing field `name`
        error: Some(6) invalid package name: package name `bad name` contains whitespace or control characters
        error: Some(7) bad digest for odd: malformed digest in `sha256:abc`
        error: Some(7) a dependency of odd has no `name`
        warning: Some(1) pylock.toml lock-version 1.1 is newer than 1.0; read as 1.0
        warning: Some(7) skipped a digest of odd: unsupported hash algorithm in `sha3_256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`
        "#);
    }

    #[test]
    fn unsupported_versions_and_malformed_files_are_errors_with_lines() {
        let error = fail("# generated\nlock-version = \"2.0\"\ncreated-by = \"x\"\n");
        assert_eq!(error.line, Some(2));
        assert_eq!(
            error.message,
            "unsupported pylock.toml lock-version \"2.0\" (customs reads lock-version 1.x)"
        );
        assert_eq!(fail("lock-version = \"one\"\n").line, Some(1));
        let error = fail("created-by = \"x\"\n[[packages]]\nname = \"a\"\n");
        assert!(error.message.contains("missing `lock-version`"), "{error}");
        assert!(fail("\n").message.starts_with("empty pylock.toml"));
        let error = fail("lock-version = \"1.0\"\n\n[[packages]\n");
        assert_eq!(error.line, Some(3));
        assert!(error.message.starts_with("invalid pylock.toml"), "{error}");
        let error = fail("lock-version = 1.0\n");
        assert_eq!(error.line, Some(1));
    }

    #[test]
    fn markers_select_extras_and_groups() {
        let marker = Marker::parse(
            "(python_version >= '3.10' and 'dev' in dependency_groups) or extra == \"cli\"",
        )
        .unwrap();
        assert!(marker.selects());
        let none = BTreeSet::new();
        let dev: BTreeSet<&str> = ["dev"].into();
        let cli: BTreeSet<&str> = ["cli"].into();
        assert!(!marker.eval(&none, &none));
        assert!(marker.eval(&none, &dev));
        assert!(marker.eval(&cli, &none));
        let marker =
            Marker::parse("python_version not in '3.0, 3.1' and os_name == \"nt\"").unwrap();
        assert!(!marker.selects());
        assert!(marker.eval(&none, &none));
        for bad in [
            "'a' in",
            "(('a' in extras)",
            "a == 'b' c",
            "'unterminated",
            "a @ b",
            "",
        ] {
            assert!(Marker::parse(bad).is_err(), "{bad}");
        }
        let deep = format!("{}a == 'b'{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(
            Marker::parse(&deep).unwrap_err(),
            "parentheses nested too deeply"
        );
    }

    #[test]
    fn file_names_and_sniffing() {
        use crate::Format;
        for name in ["pylock.toml", "pylock.dev.toml", "pylock.314.toml"] {
            assert_eq!(Format::from_file_name(name), Some(Format::PyLock), "{name}");
        }
        for name in [
            "mypylock.toml",
            "pylock..toml",
            "pylock.a.b.toml",
            "PYLOCK.toml",
        ] {
            assert_eq!(Format::from_file_name(name), None, "{name}");
        }
        assert_eq!(Format::from_file_name("uv.lock"), Some(Format::UvLock));
        assert!(sniff("# by pip\nlock-version = \"1.0\"\n[[packages]]\n"));
        assert!(!sniff(
            "[[package]]\nname = \"a\"\n\n[metadata]\nlock-version = \"2.0\"\n"
        ));
        assert_eq!(
            Format::sniff("lock-version = \"1.0\"\ncreated-by = \"uv\"\n"),
            Some(Format::PyLock)
        );
        assert_eq!(
            Format::sniff("version = 1\nrevision = 3\nrequires-python = \">=3.12\"\n"),
            Some(Format::UvLock)
        );
    }
}
