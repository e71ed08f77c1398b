//! `uv.lock`, version 1 (with or without `revision`, 1 to 3 so far).
//!
//! - `version = 1` is the only format stable uv releases (0.3 and later) write. `revision`,
//!   added later, is bumped for backwards-compatible additions (`upload-time` on artifacts,
//!   `[options]` keys); any revision is read. The format of uv's preview releases, with
//!   `[[distribution]]` tables, is refused with a clear error, as are other `version`s.
//! - Each `[[package]]` has `name`, `version` (absent for packages with a dynamic version) and
//!   an inline `source`: `registry` (an index URL, or a path for a local flat index), `git`
//!   (`URL?rev=…#commit`), `url` (a direct archive URL), `path` (a local archive), `directory`,
//!   `editable` and `virtual` (local source trees). `editable`, `virtual` and `directory`
//!   sources are the workspace's own code ([`Source::Workspace`]) when their path is `.` (the
//!   project root) or the package is listed in `[manifest] members`; other local sources are
//!   [`Source::Path`].
//! - `sdist = { url | path, hash, size }` and `wheels = [{ url | path | filename, hash, … }]`
//!   give the artifact digests; the sdist URL is the artifact URL.
//! - `dependencies = [{ name, version?, source?, marker?, extra? }]`: uv writes `version` and
//!   `source` only where several packages share the name (forked resolutions, several indexes),
//!   so edges resolve by name, then by the keys given (a dependency that still names several
//!   packages links to each). `[package.optional-dependencies]` (extra → list) and
//!   `[package.dev-dependencies]` (group → list) add edges too.
//!
//! Direct dependencies and scopes: the dependencies of the workspace's own packages (editable,
//! virtual and workspace sources) are the project's direct dependencies. Their `dependencies`
//! are production, `optional-dependencies` optional and `dev-dependencies` (every PEP 735 group)
//! development; `[manifest] requirements` and `[manifest.dependency-groups]` (the requirements
//! of a virtual workspace root that has no `[[package]]`) are direct production and development
//! dependencies. Only those direct dependencies get a scope: transitive packages keep `None`
//! for the caller's propagation along the edges (`LockfileReport::propagate_scopes`), which is
//! exact because the lockfile records the whole graph. Both `records_direct` and
//! `records_scope` are set.
//!
//! [`Source::Workspace`]: customs_core::Source::Workspace
//! [`Source::Path`]: customs_core::Source::Path

use std::collections::{BTreeMap, HashMap, HashSet};

use customs_core::{Ecosystem, Integrity, IntegrityError, Package, PackageName, Scope, Source};
use serde::Deserialize;
use toml::Spanned;

use crate::{Builder, Input, LineIndex, ParseError, Parsed};

#[derive(Deserialize)]
struct Lockfile {
    version: Option<Spanned<i64>>,
    revision: Option<Spanned<i64>>,
    #[serde(default)]
    package: Vec<Spanned<LockedPackage>>,
    /// The uv 0.2 preview format's name for `package`.
    distribution: Option<Spanned<toml::Value>>,
    #[serde(default)]
    manifest: Manifest,
}

#[derive(Deserialize, Default)]
struct Manifest {
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    requirements: Vec<Requirement>,
    #[serde(default, rename = "dependency-groups")]
    dependency_groups: BTreeMap<String, Vec<Requirement>>,
}

#[derive(Deserialize)]
struct Requirement {
    name: String,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: Option<String>,
    version: Option<String>,
    source: Option<UvSource>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<Dependency>>,
    #[serde(default, rename = "dev-dependencies")]
    dev_dependencies: BTreeMap<String, Vec<Dependency>>,
    sdist: Option<Artifact>,
    #[serde(default)]
    wheels: Vec<Artifact>,
}

/// A package's `source` table; dependencies repeat it to tell same-named packages apart.
#[derive(Deserialize, PartialEq, Eq, Debug)]
struct UvSource {
    registry: Option<String>,
    git: Option<String>,
    url: Option<String>,
    path: Option<String>,
    directory: Option<String>,
    editable: Option<String>,
    #[serde(rename = "virtual")]
    virtual_: Option<String>,
    subdirectory: Option<String>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
    version: Option<String>,
    source: Option<UvSource>,
}

#[derive(Deserialize)]
struct Artifact {
    url: Option<String>,
    path: Option<String>,
    filename: Option<String>,
    hash: Option<String>,
}

pub(crate) fn sniff(head: &str) -> bool {
    let first = head
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'));
    // Cargo.lock starts its numbering at 3, so a top-level `version = 1` is uv's alone.
    matches!(first, Some("version = 1"))
        || matches!(first, Some(line) if line.starts_with("version = "))
            && (head.contains("\nrequires-python = ")
                || head.contains("\nrevision = ")
                || head.contains("source = { "))
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    if input.text.trim().is_empty() {
        return Err(ParseError::at(
            1,
            "empty uv.lock (expected `version = 1` and `[[package]]` tables)",
        ));
    }
    let lockfile: Lockfile = toml::from_str(input.text)
        .map_err(|error| ParseError::toml("uv.lock", input.text, error))?;
    let lines = LineIndex::new(input.text);
    let version = lockfile.version.as_ref().ok_or_else(|| {
        ParseError::at(
            1,
            "missing `version` in uv.lock (customs reads uv.lock version 1)",
        )
    })?;
    if *version.get_ref() != 1 {
        return Err(ParseError::at(
            lines.line(version.span().start),
            format!(
                "unsupported uv.lock version {} (customs reads uv.lock version 1, any revision)",
                version.get_ref()
            ),
        ));
    }
    if let Some(distribution) = lockfile
        .distribution
        .as_ref()
        .filter(|_| lockfile.package.is_empty())
    {
        return Err(ParseError::at(
            lines.line(distribution.span().start),
            "unsupported uv.lock from a uv preview release (`[[distribution]]` tables); \
             customs reads the `[[package]]` format of uv 0.3 and later",
        ));
    }
    let format = match &lockfile.revision {
        Some(revision) if *revision.get_ref() < 0 => {
            return Err(ParseError::at(
                lines.line(revision.span().start),
                format!("invalid uv.lock revision {}", revision.get_ref()),
            ));
        }
        Some(revision) => format!("uv.lock v1 (revision {})", revision.get_ref()),
        None => "uv.lock v1".to_owned(),
    };

    let members: HashSet<String> = lockfile
        .manifest
        .members
        .iter()
        .map(|member| normalize(member))
        .collect();
    let mut builder = Builder::new(Ecosystem::PyPI, input.path);
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    // (builder index, entry, line, whether its dependencies are the project's direct ones)
    let mut entries: Vec<(usize, &LockedPackage, u32, bool)> = Vec::new();
    for spanned in &lockfile.package {
        let line = lines.line(spanned.span().start);
        let locked = spanned.get_ref();
        let Some(name) = locked.name.as_deref() else {
            errors.push(ParseError::at(line, "package entry without a `name`"));
            continue;
        };
        let (source, project) = match &locked.source {
            Some(source) => classify(source, name, &members),
            None => {
                warnings.push(ParseError::at(
                    line,
                    format!("`{name}` has no `source`; assumed to come from PyPI"),
                ));
                (Source::registry(Ecosystem::PyPI), false)
            }
        };
        let mut package = match builder.package(name, locked.version.as_deref(), source, line) {
            Ok(package) => package,
            Err(error) => {
                errors.push(error);
                continue;
            }
        };
        if let Some(sdist) = &locked.sdist {
            add_artifact(&mut package, sdist, line, &mut errors, &mut warnings);
            package.artifact_url = sdist.url.clone();
        }
        for wheel in &locked.wheels {
            add_artifact(&mut package, wheel, line, &mut errors, &mut warnings);
        }
        entries.push((builder.add(package), locked, line, project));
    }

    let mut by_name: HashMap<String, Vec<(usize, &LockedPackage)>> = HashMap::new();
    for &(index, locked, line, _) in &entries {
        if let Some(name) = &locked.name {
            index_by_name(&mut by_name, name, (index, locked), line, &mut warnings);
        }
    }
    for &(from, locked, line, project) in &entries {
        let groups = std::iter::once((Scope::Prod, &locked.dependencies))
            .chain(
                locked
                    .optional_dependencies
                    .values()
                    .map(|deps| (Scope::Optional, deps)),
            )
            .chain(
                locked
                    .dev_dependencies
                    .values()
                    .map(|deps| (Scope::Dev, deps)),
            );
        for (scope, dependencies) in groups {
            for dependency in dependencies {
                let targets: Vec<usize> = by_name
                    .get(&normalize(&dependency.name))
                    .into_iter()
                    .flatten()
                    .take(MAX_SAME_NAME)
                    .filter(|(_, candidate)| {
                        dependency
                            .version
                            .as_ref()
                            .is_none_or(|v| candidate.version.as_ref() == Some(v))
                            && dependency
                                .source
                                .as_ref()
                                .is_none_or(|s| candidate.source.as_ref() == Some(s))
                    })
                    .map(|&(index, _)| index)
                    .collect();
                if targets.is_empty() {
                    let mut wanted = dependency.name.clone();
                    if let Some(version) = &dependency.version {
                        wanted.push_str(&format!(" {version}"));
                    }
                    warnings.push(ParseError::at(
                        line,
                        format!(
                            "`{}` depends on `{wanted}`, which the lockfile does not contain",
                            locked.name.as_deref().unwrap_or_default()
                        ),
                    ));
                }
                for to in targets {
                    builder.depend(from, to);
                    if project && to != from {
                        mark_direct(&mut builder, to, scope);
                    }
                }
            }
        }
    }

    // A virtual workspace root has no `[[package]]`: its requirements live in `[manifest]`.
    let manifest_requirements = lockfile
        .manifest
        .requirements
        .iter()
        .map(|r| (Scope::Prod, r))
        .chain(
            lockfile
                .manifest
                .dependency_groups
                .values()
                .flatten()
                .map(|r| (Scope::Dev, r)),
        );
    for (scope, requirement) in manifest_requirements {
        let targets: Vec<usize> = by_name
            .get(&normalize(&requirement.name))
            .into_iter()
            .flatten()
            .take(MAX_SAME_NAME)
            .map(|&(index, _)| index)
            .collect();
        for to in targets {
            mark_direct(&mut builder, to, scope);
        }
    }

    let mut parsed = Parsed::new(format, Ecosystem::PyPI, builder.finish());
    parsed.errors = errors;
    parsed.warnings = warnings;
    parsed.records_direct = true;
    parsed.records_scope = true;
    Ok(parsed)
}

/// Most packages of one name that dependencies are resolved among. Real lockfiles hold a
/// handful (one per fork of a resolution, or per environment); the cap keeps the work on
/// hostile input linear.
pub(crate) const MAX_SAME_NAME: usize = 256;

/// Adds a package to the by-name index dependencies resolve through, up to [`MAX_SAME_NAME`].
pub(crate) fn index_by_name<T>(
    by_name: &mut HashMap<String, Vec<T>>,
    name: &str,
    entry: T,
    line: u32,
    warnings: &mut Vec<ParseError>,
) {
    let same_name = by_name.entry(normalize(name)).or_default();
    if same_name.len() < MAX_SAME_NAME {
        same_name.push(entry);
    } else if same_name.len() == MAX_SAME_NAME {
        warnings.push(ParseError::at(
            line,
            format!(
                "more than {MAX_SAME_NAME} packages are named `{name}`; \
                 dependencies resolve among the first {MAX_SAME_NAME} only"
            ),
        ));
        // Grow past the cap once so the warning is given once per name.
        same_name.push(entry);
    }
}

fn mark_direct(builder: &mut Builder<'_>, index: usize, scope: Scope) {
    if let Some(package) = builder.get_mut(index) {
        package.direct = true;
        package.scope = Some(package.scope.map_or(scope, |s| s.widest(scope)));
    }
}

/// The package's [`Source`], and whether it is the project's own code (whose dependencies are
/// the project's direct dependencies).
fn classify(source: &UvSource, name: &str, members: &HashSet<String>) -> (Source, bool) {
    if let Some(registry) = &source.registry {
        return (registry_source(registry), false);
    }
    if let Some(git) = &source.git {
        return (git_source(git), false);
    }
    if let Some(url) = &source.url {
        return (Source::Url { url: url.clone() }, false);
    }
    if let Some(path) = &source.path {
        return (Source::Path { path: path.clone() }, false);
    }
    let member = members.contains(&normalize(name));
    let (path, project) = match (&source.editable, &source.virtual_, &source.directory) {
        (Some(path), _, _) | (None, Some(path), _) => (path, true),
        (None, None, Some(path)) => (path, false),
        (None, None, None) => {
            // An empty `source = {}`: nothing says where it is from. Local, never a registry.
            return (
                Source::Path {
                    path: String::new(),
                },
                false,
            );
        }
    };
    if member || path == "." {
        (Source::Workspace { path: path.clone() }, true)
    } else {
        (Source::Path { path: path.clone() }, project)
    }
}

/// An index URL: PyPI (however spelled) is the default registry, anything else a mirror or
/// private index.
pub(crate) fn registry_source(url: &str) -> Source {
    Source::registry_at(Ecosystem::PyPI, url)
}

/// `https://host/repo?rev=…#commit` (also `tag=`, `branch=`, `subdirectory=`). The reference
/// keeps the query's `rev`/`tag`/`branch` pair as written (`tag=v1.0`), the way the Cargo.lock
/// parser keeps `branch=main`.
fn git_source(git: &str) -> Source {
    let git = git.strip_prefix("git+").unwrap_or(git);
    let (rest, commit) = match git.split_once('#') {
        Some((rest, commit)) if !commit.is_empty() => (rest, Some(commit.to_owned())),
        Some((rest, _)) => (rest, None),
        None => (git, None),
    };
    let (url, reference) = match rest.split_once('?') {
        Some((url, query)) => {
            let reference = query
                .split('&')
                .find(|pair| {
                    pair.split_once('=')
                        .is_some_and(|(key, _)| matches!(key, "rev" | "tag" | "branch"))
                })
                .map(str::to_owned);
            (url, reference)
        }
        None => (rest, None),
    };
    Source::Git {
        url: url.to_owned(),
        commit,
        reference,
    }
}

fn add_artifact(
    package: &mut Package,
    artifact: &Artifact,
    line: u32,
    errors: &mut Vec<ParseError>,
    warnings: &mut Vec<ParseError>,
) {
    let Some(hash) = &artifact.hash else {
        return;
    };
    let file = artifact.filename.clone().or_else(|| {
        artifact
            .url
            .as_deref()
            .or(artifact.path.as_deref())
            .and_then(file_name)
    });
    add_digest(
        package,
        Integrity::from_prefixed_hex(hash),
        file,
        line,
        errors,
        warnings,
    );
}

/// Records a parsed digest; a malformed digest is an error, an algorithm customs does not know
/// only a warning (PEP 751 allows any `hashlib` algorithm).
pub(crate) fn add_digest(
    package: &mut Package,
    digest: Result<Integrity, IntegrityError>,
    file: Option<String>,
    line: u32,
    errors: &mut Vec<ParseError>,
    warnings: &mut Vec<ParseError>,
) {
    match digest {
        Ok(integrity) => {
            package.integrity.insert(match file {
                Some(file) => integrity.with_file(file),
                None => integrity,
            });
        }
        Err(error @ IntegrityError::UnknownAlgorithm(_)) => warnings.push(
            ParseError::at(line, format!("skipped a digest of {}", package.name))
                .with_source(error),
        ),
        Err(error @ IntegrityError::BadDigest(_)) => errors.push(
            ParseError::at(line, format!("bad digest for {}", package.name)).with_source(error),
        ),
    }
}

/// The file name an artifact URL or path ends with, percent-decoded.
pub(crate) fn file_name(location: &str) -> Option<String> {
    let location = location
        .split(['?', '#'])
        .next()
        .unwrap_or(location)
        .trim_end_matches(['/', '\\']);
    let last = location.rsplit(['/', '\\']).next()?;
    let decoded = percent_decode(last);
    (!decoded.is_empty()).then_some(decoded)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes.get(i..i + 3) {
            Some([b'%', high, low]) => hex_value(*high)
                .zip(hex_value(*low))
                .map(|(high, low)| high << 4 | low),
            _ => None,
        };
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.extend(bytes.get(i).copied());
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

/// PEP 503 normalisation, for looking packages up by name.
pub(crate) fn normalize(name: &str) -> String {
    PackageName::new(Ecosystem::PyPI, name)
        .map(|n| n.as_str().to_owned())
        .unwrap_or_else(|_| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::summary;
    use insta::assert_snapshot;

    fn run(text: &str) -> Parsed {
        parse(Input {
            path: "uv.lock",
            text,
        })
        .unwrap()
    }

    fn fail(text: &str) -> ParseError {
        parse(Input {
            path: "uv.lock",
            text,
        })
        .unwrap_err()
    }

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    #[test]
    fn revision_3_workspace_with_every_source_kind() {
        let text = format!(
            r#"version = 1
revision = 3
requires-python = ">=3.9"
resolution-markers = [
    "python_full_version >= '3.10'",
    "python_full_version < '3.10'",
]

[options]
exclude-newer = "2025-01-01T00:00:00Z"

[manifest]
members = ["app", "lib"]

[[package]]
name = "app"
version = "0.1.0"
source = {{ editable = "." }}
dependencies = [
    {{ name = "lib" }},
    {{ name = "numpy", version = "1.26.4", source = {{ registry = "https://pypi.org/simple" }}, marker = "python_full_version < '3.10'" }},
    {{ name = "numpy", version = "2.2.0", source = {{ registry = "https://pypi.org/simple/" }}, marker = "python_full_version >= '3.10'" }},
    {{ name = "tool", extra = ["cli"] }},
]

[package.optional-dependencies]
plot = [
    {{ name = "Private_Pkg" }},
]

[package.dev-dependencies]
dev = [
    {{ name = "pytest" }},
]
lint = [
    {{ name = "numpy", version = "2.2.0", source = {{ registry = "https://pypi.org/simple/" }} }},
]

[[package]]
name = "lib"
source = {{ virtual = "packages/lib" }}
dependencies = [
    {{ name = "vendored" }},
    {{ name = "archive" }},
    {{ name = "ghost" }},
]

[[package]]
name = "numpy"
version = "1.26.4"
source = {{ registry = "https://pypi.org/simple" }}
sdist = {{ url = "https://files.pythonhosted.org/packages/numpy-1.26.4.tar.gz", hash = "sha256:{A}", size = 10, upload-time = "2024-02-05T23:00:00Z" }}

[[package]]
name = "numpy"
version = "2.2.0"
source = {{ registry = "https://pypi.org/simple/" }}
dependencies = [{{ name = "ghost", version = "1.0" }}]
wheels = [
    {{ url = "https://files.pythonhosted.org/packages/numpy-2.2.0-cp312-cp312-win_amd64.whl", hash = "sha256:{B}", size = 10 }},
]

[[package]]
name = "private-pkg"
version = "1.0"
source = {{ registry = "https://pypi.example.com/simple" }}

[[package]]
name = "pytest"
version = "8.0.0"
source = {{ git = "https://github.com/pytest-dev/pytest?tag=8.0.0#0123456789abcdef0123456789abcdef01234567" }}

[[package]]
name = "tool"
version = "2.0"
source = {{ url = "https://example.com/tool-2.0.tar.gz" }}
sdist = {{ hash = "sha256:{A}" }}

[package.optional-dependencies]
cli = [
    {{ name = "numpy", version = "2.2.0", source = {{ registry = "https://pypi.org/simple/" }} }},
]

[[package]]
name = "vendored"
version = "0.3"
source = {{ editable = "../vendored" }}

[[package]]
name = "archive"
version = "1.1"
source = {{ path = "wheels/archive-1.1-py3-none-any.whl" }}
wheels = [
    {{ path = "archive-1.1-py3-none-any.whl", hash = "sha256:{B}" }},
]
"#
        );
        let parsed = run(&text);
        assert!(parsed.records_direct && parsed.records_scope);
        assert_snapshot!(summary(&parsed), @r#"
        format: uv.lock v1 (revision 3)
        pkg:pypi/app@0.1.0 direct=false source=workspace lines=[15] sha256=- deps=["local:pkg:pypi/lib#packages/lib", "pkg:pypi/numpy@1.26.4", "pkg:pypi/numpy@2.2.0", "pkg:pypi/private-pkg@1.0?repository_url=https:%2F%2Fpypi.example.com%2Fsimple", "pkg:pypi/pytest@8.0.0?vcs_url=https:%2F%2Fgithub.com%2Fpytest-dev%2Fpytest%400123456789abcdef0123456789abcdef01234567", "pkg:pypi/tool@2.0?download_url=https:%2F%2Fexample.com%2Ftool-2.0.tar.gz"]
        pkg:pypi/archive@1.1 scope=prod direct=true source=path lines=[89] sha256=bbbbbbbb deps=[]
        pkg:pypi/lib scope=prod direct=true source=workspace lines=[39] sha256=- deps=["local:pkg:pypi/archive@1.1#wheels/archive-1.1-py3-none-any.whl", "local:pkg:pypi/vendored@0.3#../vendored"]
        pkg:pypi/numpy@1.26.4 scope=prod direct=true source=registry lines=[48] sha256=aaaaaaaa deps=[]
        pkg:pypi/numpy@2.2.0 scope=prod direct=true source=registry lines=[54] sha256=bbbbbbbb deps=[]
        pkg:pypi/private-pkg@1.0?repository_url=https:%2F%2Fpypi.example.com%2Fsimple scope=optional direct=true source=registry lines=[63] sha256=- deps=[]
        pkg:pypi/pytest@8.0.0?vcs_url=https:%2F%2Fgithub.com%2Fpytest-dev%2Fpytest%400123456789abcdef0123456789abcdef01234567 scope=dev direct=true source=git lines=[68] sha256=- deps=[]
        pkg:pypi/tool@2.0?download_url=https:%2F%2Fexample.com%2Ftool-2.0.tar.gz scope=prod direct=true source=url lines=[73] sha256=aaaaaaaa deps=["pkg:pypi/numpy@2.2.0"]
        pkg:pypi/vendored@0.3 scope=prod direct=true source=path lines=[84] sha256=- deps=[]
        warning: Some(39) `lib` depends on `ghost`, which the lockfile does not contain
        warning: Some(54) `numpy` depends on `ghost 1.0`, which the lockfile does not contain
        "#);
        let find = |name: &str| {
            parsed
                .packages
                .iter()
                .find(|p| p.name.as_str() == name && p.version.is_some())
                .unwrap()
        };
        let numpy = parsed
            .packages
            .iter()
            .find(|p| p.version.as_ref().is_some_and(|v| v.as_str() == "1.26.4"))
            .unwrap();
        assert_eq!(
            numpy.artifact_url.as_deref(),
            Some("https://files.pythonhosted.org/packages/numpy-1.26.4.tar.gz")
        );
        assert_eq!(
            numpy.integrity.first().unwrap().file.as_deref(),
            Some("numpy-1.26.4.tar.gz")
        );
        assert_eq!(
            find("archive").integrity.first().unwrap().file.as_deref(),
            Some("archive-1.1-py3-none-any.whl")
        );
        assert_eq!(
            find("pytest").source,
            Source::Git {
                url: "https://github.com/pytest-dev/pytest".into(),
                commit: Some("0123456789abcdef0123456789abcdef01234567".into()),
                reference: Some("tag=8.0.0".into()),
            }
        );
        assert_eq!(
            find("vendored").source,
            Source::Path {
                path: "../vendored".into()
            }
        );
    }

    #[test]
    fn version_1_without_revision_and_dynamic_versions() {
        let text = format!(
            r#"version = 1
requires-python = ">=3.10"

[[package]]
name = "emoji"
version = "2.14.0"
source = {{ registry = "https://pypi.org/simple" }}
sdist = {{ url = "https://files.pythonhosted.org/packages/13/64/emoji-2.14.0.tar.gz", hash = "sha256:{A}", size = 593932 }}
wheels = [
    {{ url = "https://files.pythonhosted.org/packages/ef/56/emoji-2.14.0-py3-none-any.whl", hash = "sha256:{B}", size = 586897 }},
]

[[package]]
name = "project"
source = {{ virtual = "." }}
dependencies = [
    {{ name = "emoji" }},
]

[package.metadata]
requires-dist = [{{ name = "emoji" }}]
"#
        );
        let parsed = run(&text);
        assert_snapshot!(summary(&parsed), @r#"
        format: uv.lock v1
        pkg:pypi/emoji@2.14.0 scope=prod direct=true source=registry lines=[4] sha256=aaaaaaaa deps=[]
        pkg:pypi/project direct=false source=workspace lines=[13] sha256=- deps=["pkg:pypi/emoji@2.14.0"]
        "#);
        let emoji = &parsed.packages[0];
        let files: Vec<_> = emoji
            .integrity
            .iter()
            .map(|i| i.file.as_deref().unwrap_or_default())
            .collect();
        assert_eq!(
            files,
            ["emoji-2.14.0.tar.gz", "emoji-2.14.0-py3-none-any.whl"]
        );
    }

    #[test]
    fn virtual_workspace_root_requirements_in_the_manifest() {
        let text = r#"version = 1
revision = 2
requires-python = ">=3.12"

[manifest]
members = ["member"]
requirements = [{ name = "rich" }]

[manifest.dependency-groups]
dev = [{ name = "ruff", specifier = ">=0.8" }]

[[package]]
name = "member"
version = "1.0.0"
source = { editable = "packages/member" }

[[package]]
name = "rich"
version = "13.0.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "ruff"
version = "0.8.1"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "unrelated-tree"
version = "0.1"
source = { directory = "../tree" }
dependencies = [{ name = "rich" }]
"#;
        assert_snapshot!(summary(&run(text)), @r#"
        format: uv.lock v1 (revision 2)
        pkg:pypi/member@1.0.0 direct=false source=workspace lines=[12] sha256=- deps=[]
        pkg:pypi/rich@13.0.0 scope=prod direct=true source=registry lines=[17] sha256=- deps=[]
        pkg:pypi/ruff@0.8.1 scope=dev direct=true source=registry lines=[22] sha256=- deps=[]
        pkg:pypi/unrelated-tree@0.1 direct=false source=path lines=[27] sha256=- deps=["pkg:pypi/rich@13.0.0"]
        "#);
    }

    #[test]
    fn skippable_problems_are_reported_and_the_rest_parses() {
        let text = format!(
            r#"version = 1

[[package]]
version = "1.0"

[[package]]
name = "bad name"
version = "1.0"
source = {{ registry = "https://pypi.org/simple" }}

[[package]]
name = "no-source"
version = "1.0"
sdist = {{ url = "https://example.com/no-source-1.0.tar.gz", hash = "sha256:abc" }}
wheels = [{{ url = "https://example.com/no_source-1.0-py3-none-any.whl", hash = "crc32:{A}" }}]
"#
        );
        assert_snapshot!(summary(&run(&text)), @r#"
        format: uv.lock v1
        pkg:pypi/no-source@1.0 direct=false source=registry lines=[11] sha256=- deps=[]
        error: Some(3) package entry without a `name`
        error: Some(6) invalid package name: package name `bad name` contains whitespace or control characters
        error: Some(11) bad digest for no-source: malformed digest in `sha256:abc`
        warning: Some(11) `no-source` has no `source`; assumed to come from PyPI
        warning: Some(11) skipped a digest of no-source: unsupported hash algorithm in `crc32:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`
        "#);
    }

    #[test]
    fn unsupported_versions_and_malformed_files_are_errors_with_lines() {
        let error = fail("# comment\nversion = 2\n");
        assert_eq!(error.line, Some(2));
        assert_eq!(
            error.message,
            "unsupported uv.lock version 2 (customs reads uv.lock version 1, any revision)"
        );
        assert_eq!(fail("version = 0\n").line, Some(1));
        let error = fail("requires-python = \">=3.8\"\n");
        assert!(error.message.contains("missing `version`"), "{error}");
        let error = fail("  \n");
        assert!(error.message.starts_with("empty uv.lock"), "{error}");
        let error = fail("version = 1\n\n[[package]\nname = \"a\"\n");
        assert_eq!(error.line, Some(3));
        assert!(error.message.starts_with("invalid uv.lock"), "{error}");
        let error = fail("version = 1\n[[package]]\nname = \"a\"\nversion = 1\n");
        assert_eq!(error.line, Some(4));
        let error = fail(
            "version = 1\n\n[[distribution]]\nname = \"a\"\nversion = \"1\"\nsource = \"registry+https://pypi.org/simple\"\n",
        );
        assert_eq!(error.line, Some(3));
        assert!(error.message.contains("preview"), "{error}");
        let error = fail("version = 1\nrevision = -1\n");
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn same_name_packages_are_capped() {
        let mut text = String::from("version = 1\n");
        for i in 0..=MAX_SAME_NAME {
            text.push_str(&format!(
                "[[package]]\nname = \"a\"\nversion = \"{i}\"\nsource = {{ registry = \"https://pypi.org/simple\" }}\n"
            ));
        }
        text.push_str("[[package]]\nname = \"b\"\nversion = \"1\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"a\" }]\n");
        let parsed = run(&text);
        assert_eq!(parsed.packages.len(), MAX_SAME_NAME + 2);
        let b = parsed.packages.last().unwrap();
        assert_eq!(b.dependencies.len(), MAX_SAME_NAME);
        assert_eq!(parsed.warnings.len(), 1);
        assert!(
            parsed.warnings[0]
                .message
                .starts_with("more than 256 packages are named `a`")
        );
    }

    #[test]
    fn sources_and_file_names() {
        assert_eq!(
            registry_source("https://pypi.org/simple/"),
            Source::registry(Ecosystem::PyPI)
        );
        assert_eq!(
            registry_source("https://download.pytorch.org/whl/cpu"),
            Source::Registry {
                url: "https://download.pytorch.org/whl/cpu".into()
            }
        );
        assert_eq!(
            git_source("https://github.com/a/b?subdirectory=pkg&branch=main#abc"),
            Source::Git {
                url: "https://github.com/a/b".into(),
                commit: Some("abc".into()),
                reference: Some("branch=main".into()),
            }
        );
        assert_eq!(
            git_source("https://github.com/a/b"),
            Source::Git {
                url: "https://github.com/a/b".into(),
                commit: None,
                reference: None,
            }
        );
        assert_eq!(
            file_name("https://h/p/torch-2.0%2Bcpu-cp312-none-any.whl#sha256=x").as_deref(),
            Some("torch-2.0+cpu-cp312-none-any.whl")
        );
        assert_eq!(
            file_name("..\\dist\\a-1.0.tar.gz").as_deref(),
            Some("a-1.0.tar.gz")
        );
        assert_eq!(file_name("bad%zz%4").as_deref(), Some("bad%zz%4"));
        assert_eq!(file_name("%e2%82"), Some("\u{fffd}".to_owned()));
        assert_eq!(file_name("https://h/"), Some("h".to_owned()));
        assert_eq!(file_name(""), None);
    }

    #[test]
    fn sniffs_uv_lock_but_not_cargo_lock() {
        assert!(sniff(
            "version = 1\nrevision = 3\nrequires-python = \">=3.8\"\n"
        ));
        assert!(sniff(
            "version = 1\n\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" }\n"
        ));
        assert!(!sniff(
            "# This file is automatically @generated by Cargo.\nversion = 4\n\n[[package]]\nname = \"a\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n"
        ));
        assert!(!sniff("lock-version = \"1.0\"\n"));
    }
}
