//! Where a yarn package comes from: classic's `resolved` URL or key range, berry's resolution
//! reference (`npm:1.0.0`, `workspace:packages/a`, `patch:…`, git URLs, …).

use customs_core::{Ecosystem, Source};

/// `patch:` references nest another reference; yarn never nests more than a few.
const MAX_PATCH_DEPTH: usize = 8;

/// What a lockfile entry says about a package's origin.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Origin {
    pub(super) source: Source,
    /// The archive the package manager downloads, where the lockfile records it.
    pub(super) artifact_url: Option<String>,
    /// The hex SHA-1 of the tarball from the `resolved` URL's fragment: what yarn classic
    /// verified before it recorded `integrity` (yarn 1.10).
    pub(super) sha1: Option<String>,
}

impl Origin {
    fn new(source: Source) -> Self {
        Self {
            source,
            artifact_url: None,
            sha1: None,
        }
    }

    fn path(path: &str) -> Self {
        Self::new(Source::Path {
            path: path.to_owned(),
        })
    }
}

/// A yarn classic `resolved` value for package `name`; `None` when the value is no URL or path
/// yarn classic writes.
pub(super) fn classic_resolved(name: &str, resolved: &str) -> Option<Origin> {
    if let Some(path) = resolved
        .strip_prefix("file:")
        .or_else(|| resolved.strip_prefix("link:"))
    {
        return Some(Origin::path(until(path, '#')));
    }
    let (url, fragment) = match resolved.split_once('#') {
        Some((url, fragment)) => (url, Some(fragment)),
        None => (resolved, None),
    };
    if is_git_url(url) {
        return Some(Origin::new(git(url, fragment)));
    }
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return None;
    }
    if let Some(source) = hosted_git_archive(url) {
        let mut origin = Origin::new(source);
        origin.artifact_url = Some(url.to_owned());
        return Some(origin);
    }
    if fragment.is_some() && !is_archive(url) {
        // `https://github.com/user/repo#<commit>`: yarn classic cloned it with git.
        return Some(Origin::new(git(url, fragment)));
    }
    let mut origin = Origin::new(tarball_source(name, url));
    origin.artifact_url = Some(url.to_owned());
    origin.sha1 = fragment
        .filter(|f| f.len() == 40 && f.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase);
    Some(origin)
}

/// A yarn classic key range, for entries without `resolved` (local directories, and
/// hand-written or trimmed lockfiles). Errors name an unsupported protocol.
pub(super) fn classic_range(range: &str) -> Result<Origin, String> {
    if let Some(path) = range
        .strip_prefix("file:")
        .or_else(|| range.strip_prefix("link:"))
    {
        return Ok(Origin::path(path));
    }
    let (url, fragment) = match range.split_once('#') {
        Some((url, fragment)) => (url, Some(fragment)),
        None => (range, None),
    };
    if is_git_url(url) {
        return Ok(Origin::new(git(url, fragment)));
    }
    if url.starts_with("https://") || url.starts_with("http://") {
        if fragment.is_some() || url.ends_with(".git") || hosted_git_host(url) {
            return Ok(Origin::new(git(url, fragment)));
        }
        let mut origin = Origin::new(Source::Url {
            url: url.to_owned(),
        });
        origin.artifact_url = Some(url.to_owned());
        return Ok(origin);
    }
    if let Some(protocol) = protocol(range) {
        return Err(protocol.to_owned());
    }
    if is_github_shorthand(url) {
        return Ok(Origin::new(git(
            &format!("https://github.com/{url}"),
            fragment,
        )));
    }
    Ok(Origin::new(Source::registry(Ecosystem::Npm)))
}

/// A berry resolution reference of package `name` (the part of `resolution` after `name@`).
/// Errors name an unsupported protocol.
pub(super) fn berry_reference(name: &str, reference: &str) -> Result<Origin, String> {
    berry_reference_at(name, reference, 0)
}

fn berry_reference_at(name: &str, reference: &str, depth: usize) -> Result<Origin, String> {
    // Berry appends `::key=value&…` bindings (locator, hash, archive URL) to references.
    let (base, bindings) = match reference.split_once("::") {
        Some((base, bindings)) => (base, bindings),
        None => (reference, ""),
    };
    if base.starts_with("npm:") {
        // The lockfile names no registry: berry resolves `npm:` through its configured
        // registry, and records the tarball only when it is not at the conventional path.
        return Ok(match binding(bindings, "__archiveUrl") {
            Some(url) => {
                let url = percent_decode(url);
                let mut origin = Origin::new(tarball_source(name, &url));
                origin.artifact_url = Some(url);
                origin
            }
            None => Origin::new(Source::registry(Ecosystem::Npm)),
        });
    }
    if let Some(path) = base.strip_prefix("workspace:") {
        return Ok(Origin::new(Source::Workspace {
            path: path.to_owned(),
        }));
    }
    if let Some(patched) = base.strip_prefix("patch:") {
        // `patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>`: the package is the one the
        // encoded inner descriptor names, with a patch applied locally.
        if depth >= MAX_PATCH_DEPTH {
            return Err("patch: nested too deeply".to_owned());
        }
        let inner = percent_decode(until(patched, '#'));
        let (_, inner_reference) = super::split_descriptor(&inner);
        return berry_reference_at(name, inner_reference, depth + 1);
    }
    for local in ["portal:", "link:", "file:", "exec:"] {
        if let Some(path) = base.strip_prefix(local) {
            return Ok(Origin::path(until(path, '#')));
        }
    }
    let (url, fragment) = match base.split_once('#') {
        Some((url, fragment)) => (url, Some(fragment)),
        None => (base, None),
    };
    if is_git_url(url) {
        return Ok(Origin::new(git(url, fragment)));
    }
    if url.starts_with("https://") || url.starts_with("http://") {
        let git_fragment = fragment.is_some_and(|f| f.contains("commit"));
        if git_fragment || url.ends_with(".git") {
            return Ok(Origin::new(git(url, fragment)));
        }
        let mut origin = Origin::new(Source::Url {
            url: base.to_owned(),
        });
        origin.artifact_url = Some(base.to_owned());
        return Ok(origin);
    }
    Err(protocol(base).unwrap_or(base).to_owned())
}

/// The branch, tag or other reference a descriptor's `#fragment` asks for, if it is no commit.
pub(super) fn requested_reference(range: &str) -> Option<String> {
    let (_, fragment) = range.split_once('#')?;
    git_fragment(fragment).1
}

/// `name:` at the start of a range, for protocols yarn knows and this parser does not.
pub(super) fn protocol(range: &str) -> Option<&str> {
    let (protocol, _) = range.split_once(':')?;
    let mut bytes = protocol.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    valid.then_some(protocol)
}

fn is_git_url(url: &str) -> bool {
    [
        "git+",
        "git://",
        "git@",
        "ssh://",
        "github:",
        "gitlab:",
        "bitbucket:",
        "gist:",
    ]
    .iter()
    .any(|prefix| url.starts_with(prefix))
}

fn hosted_git_host(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    ["github.com/", "gitlab.com/", "bitbucket.org/"]
        .iter()
        .any(|host| rest.starts_with(host))
}

/// `user/repo`: npm and yarn read it as a GitHub repository.
fn is_github_shorthand(range: &str) -> bool {
    match range.split_once('/') {
        Some((user, repo)) => {
            let word = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            };
            word(user) && word(repo) && !user.starts_with('.')
        }
        None => false,
    }
}

/// A git source from a repository URL and the `#fragment` that pins or names a revision.
fn git(url: &str, fragment: Option<&str>) -> Source {
    let url = url.strip_prefix("git+").unwrap_or(url);
    let url = if let Some(path) = url.strip_prefix("github:") {
        format!("https://github.com/{path}")
    } else if let Some(path) = url.strip_prefix("gitlab:") {
        format!("https://gitlab.com/{path}")
    } else if let Some(path) = url.strip_prefix("bitbucket:") {
        format!("https://bitbucket.org/{path}")
    } else {
        url.to_owned()
    };
    let (commit, reference) = fragment.map(git_fragment).unwrap_or_default();
    Source::Git {
        url,
        commit,
        reference,
    }
}

/// A git fragment: classic `#<commit>` or `#<branch>`, berry `#commit=<sha>` (older berry
/// `#commit:<sha>`), `#head=<branch>`, `#tag=<tag>`, `#semver=<range>`, joined with `&`.
fn git_fragment(fragment: &str) -> (Option<String>, Option<String>) {
    let mut commit = None;
    let mut reference = None;
    for part in fragment.split('&').filter(|p| !p.is_empty()) {
        if let Some(sha) = part
            .strip_prefix("commit=")
            .or_else(|| part.strip_prefix("commit:"))
        {
            commit = Some(sha.to_owned());
        } else if let Some((_, value)) = part.split_once('=') {
            reference.get_or_insert_with(|| value.to_owned());
        } else if is_commit(part) {
            commit = Some(part.to_owned());
        } else {
            reference.get_or_insert_with(|| part.to_owned());
        }
    }
    (commit, reference)
}

/// A full or abbreviated commit hash.
pub(super) fn is_commit(text: &str) -> bool {
    (7..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Archives GitHub, GitLab and Bitbucket serve for one commit, which yarn classic records in
/// place of a clone for hosted git dependencies.
fn hosted_git_archive(url: &str) -> Option<Source> {
    let repository = |host: &str, owner: &str, repo: &str, commit: &str| {
        is_commit(commit).then(|| Source::Git {
            url: format!("https://{host}/{owner}/{repo}"),
            commit: Some(commit.to_owned()),
            reference: None,
        })
    };
    let rest = url.strip_prefix("https://")?;
    if let Some(path) = rest.strip_prefix("codeload.github.com/") {
        // codeload.github.com/<owner>/<repo>/tar.gz/<commit>
        let mut parts = path.split('/');
        let (owner, repo, kind, commit) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        return if kind == "tar.gz" && parts.next().is_none() {
            repository("github.com", owner, repo, commit)
        } else {
            None
        };
    }
    if let Some(path) = rest.strip_prefix("gitlab.com/") {
        // gitlab.com/<group/project>/repository/archive.tar.gz?ref=<commit>
        let (project, query) = path.split_once("/repository/archive.tar.gz?ref=")?;
        let (owner, repo) = project.rsplit_once('/')?;
        return repository("gitlab.com", owner, repo, query);
    }
    if let Some(path) = rest.strip_prefix("bitbucket.org/") {
        // bitbucket.org/<owner>/<repo>/get/<commit>.tar.gz
        let mut parts = path.split('/');
        let (owner, repo, kind, file) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let commit = file.strip_suffix(".tar.gz")?;
        return if kind == "get" && parts.next().is_none() {
            repository("bitbucket.org", owner, repo, commit)
        } else {
            None
        };
    }
    None
}

fn is_archive(url: &str) -> bool {
    let path = until(url, '?');
    [".tgz", ".tar.gz", ".tar", ".zip"]
        .iter()
        .any(|extension| path.ends_with(extension))
}

/// A tarball URL: a registry's when it follows the registry layout `<base>/<name>/-/<file>`
/// (scoped names may be written `@scope%2fname`), else a plain URL.
fn tarball_source(name: &str, url: &str) -> Source {
    match crate::npm::source::registry_base(url, name) {
        Some(base) => crate::npm::source::registry(&base),
        None => Source::Url {
            url: url.to_owned(),
        },
    }
}

/// The value of `key` in berry's `key=value&…` bindings.
fn binding<'a>(bindings: &'a str, key: &str) -> Option<&'a str> {
    bindings
        .split('&')
        .find_map(|pair| pair.split_once('=').filter(|(k, _)| *k == key))
        .map(|(_, value)| value)
}

/// The part of `text` before the first `separator`.
fn until(text: &str, separator: char) -> &str {
    text.split_once(separator)
        .map_or(text, |(before, _)| before)
}

/// Decodes `%XX` escapes (berry encodes nested references with `encodeURIComponent`).
pub(super) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| u8::from_str_radix(pair, 16).ok());
        match (byte, hex) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `encodeURIComponent`, as berry writes a parent locator into `::locator=`.
pub(super) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git_source(url: &str, commit: Option<&str>, reference: Option<&str>) -> Source {
        Source::Git {
            url: url.to_owned(),
            commit: commit.map(str::to_owned),
            reference: reference.map(str::to_owned),
        }
    }

    const SHA: &str = "0a2d2506c1fe299691fc5db53a2097db3bd615bc";

    #[test]
    fn classic_registry_tarballs() {
        let origin = classic_resolved(
            "@babel/code-frame",
            "https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz#dcfc826beef65e75c50e21d3837d7d95798dd658",
        )
        .unwrap();
        assert_eq!(origin.source, Source::registry(Ecosystem::Npm));
        assert_eq!(
            origin.sha1.as_deref(),
            Some("dcfc826beef65e75c50e21d3837d7d95798dd658")
        );
        assert_eq!(
            origin.artifact_url.as_deref(),
            Some("https://registry.yarnpkg.com/@babel/code-frame/-/code-frame-7.12.13.tgz")
        );
        let mirror = classic_resolved(
            "@scope/x",
            "https://npm.example.com/repository/npm/@scope%2fx/-/x-1.0.0.tgz",
        )
        .unwrap();
        assert_eq!(
            mirror.source,
            Source::Registry {
                url: "https://npm.example.com/repository/npm".into()
            }
        );
        let plain = classic_resolved("x", "https://example.com/downloads/x.tgz").unwrap();
        assert_eq!(
            plain.source,
            Source::Url {
                url: "https://example.com/downloads/x.tgz".into()
            }
        );
    }

    #[test]
    fn classic_git_forms() {
        let cases = [
            (
                format!("git+ssh://git@github.com:G-Rath/npm-git-repo-2#{SHA}"),
                git_source(
                    "ssh://git@github.com:G-Rath/npm-git-repo-2",
                    Some(SHA),
                    None,
                ),
            ),
            (
                format!("https://codeload.github.com/G-Rath/repo/tar.gz/{SHA}"),
                git_source("https://github.com/G-Rath/repo", Some(SHA), None),
            ),
            (
                format!(
                    "https://gitlab.com/kornelski/babel-preset-php/repository/archive.tar.gz?ref={SHA}"
                ),
                git_source(
                    "https://gitlab.com/kornelski/babel-preset-php",
                    Some(SHA),
                    None,
                ),
            ),
            (
                format!("https://bitbucket.org/a/b/get/{SHA}.tar.gz"),
                git_source("https://bitbucket.org/a/b", Some(SHA), None),
            ),
            (
                format!("https://github.com/bats-core/bats-core#{SHA}"),
                git_source("https://github.com/bats-core/bats-core", Some(SHA), None),
            ),
            (
                "git+ssh://git@github.com/angular/domino.git".to_owned(),
                git_source("ssh://git@github.com/angular/domino.git", None, None),
            ),
        ];
        for (resolved, expected) in cases {
            assert_eq!(
                classic_resolved("x", &resolved).unwrap().source,
                expected,
                "{resolved}"
            );
        }
        assert_eq!(
            classic_resolved("x", "file:vendor/x.tgz#abc")
                .unwrap()
                .source,
            Source::Path {
                path: "vendor/x.tgz".into()
            }
        );
        assert_eq!(classic_resolved("x", "unsupported:1"), None);
    }

    #[test]
    fn classic_ranges() {
        assert_eq!(
            classic_range("github:user/repo#main").unwrap().source,
            git_source("https://github.com/user/repo", None, Some("main"))
        );
        assert_eq!(
            classic_range("user/repo").unwrap().source,
            git_source("https://github.com/user/repo", None, None)
        );
        assert_eq!(
            classic_range("link:../x").unwrap().source,
            Source::Path {
                path: "../x".into()
            }
        );
        assert_eq!(
            classic_range("^1.0.0 || >=2").unwrap().source,
            Source::registry(Ecosystem::Npm)
        );
        assert_eq!(
            classic_range("unsupported:~2.0.6"),
            Err("unsupported".into())
        );
    }

    #[test]
    fn berry_references() {
        let source = |reference: &str| berry_reference("x", reference).unwrap().source;
        assert_eq!(source("npm:1.0.0"), Source::registry(Ecosystem::Npm));
        assert_eq!(
            source(
                "patch:resolve@npm%3A1.22.1#~builtin<compat/resolve>::version=1.22.1&hash=c3c19d"
            ),
            Source::registry(Ecosystem::Npm)
        );
        assert_eq!(
            source("workspace:packages/a"),
            Source::Workspace {
                path: "packages/a".into()
            }
        );
        assert_eq!(
            source("file:../x#../x::hash=351be1&locator=p%40workspace%3A."),
            Source::Path {
                path: "../x".into()
            }
        );
        assert_eq!(
            source("portal:../x::locator=p%40workspace%3A."),
            Source::Path {
                path: "../x".into()
            }
        );
        assert_eq!(
            source(&format!("https://github.com/a/b.git#commit={SHA}")),
            git_source("https://github.com/a/b.git", Some(SHA), None)
        );
        assert_eq!(
            source(&format!("https://github.com/a/b.git#commit:{SHA}")),
            git_source("https://github.com/a/b.git", Some(SHA), None)
        );
        assert_eq!(
            source(&format!("ssh://git@github.com:a/b.git#commit={SHA}")),
            git_source("ssh://git@github.com:a/b.git", Some(SHA), None)
        );
        assert_eq!(
            source(&format!("git@github.com:a/b.git#commit={SHA}")),
            git_source("git@github.com:a/b.git", Some(SHA), None)
        );
        assert_eq!(
            source(&format!(
                "https://github.com/a/b.git#head=main&commit={SHA}"
            )),
            git_source("https://github.com/a/b.git", Some(SHA), Some("main"))
        );
        assert_eq!(
            source("https://example.com/x-1.0.0.tgz"),
            Source::Url {
                url: "https://example.com/x-1.0.0.tgz".into()
            }
        );
        assert_eq!(
            source("npm:1.0.0::__archiveUrl=https%3A%2F%2Fnpm.example.com%2Fx%2F-%2Fx-1.0.0.tgz"),
            Source::Registry {
                url: "https://npm.example.com".into()
            }
        );
        assert_eq!(berry_reference("x", "custom:thing"), Err("custom".into()));
        let nested = format!("patch:x@{}#p", percent_encode("patch:x@npm:1.0.0#q"));
        assert_eq!(source(&nested), Source::registry(Ecosystem::Npm));
        let mut deep = "npm:1.0.0".to_owned();
        for _ in 0..20 {
            deep = format!("patch:x@{}#p", percent_encode(&deep));
        }
        assert!(berry_reference("x", &deep).is_err());
    }

    #[test]
    fn percent_coding_round_trips() {
        let text = "my-project@workspace:.";
        assert_eq!(percent_encode(text), "my-project%40workspace%3A.");
        assert_eq!(percent_decode(&percent_encode(text)), text);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
