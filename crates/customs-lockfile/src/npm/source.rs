//! Where an npm-family package comes from, from the strings lockfiles record: npm's `resolved`
//! URLs and v1 `version` specs, bun's resolution strings and registry fields.
//!
//! - Registry tarballs (`https://host/base/<name>/-/<file>.tgz`) give the registry base URL;
//!   registry.npmjs.org and registry.yarnpkg.com are the default public registry.
//! - Git specs (`git+ssh://…#sha`, `github:user/repo#sha`, `git@host:user/repo`) give the
//!   repository URL and commit. Repositories on GitHub, GitLab and Bitbucket are written as
//!   `https://host/user/repo`, however the lockfile spelled them.
//! - `file:` and `link:` are local paths; other URLs are remote tarballs.
//!
//! Credentials in http(s) URLs (`https://token@host/…`) are dropped: they must not reach reports.

use customs_core::{Ecosystem, Source};

/// Hosted git shorthands and the web base they expand to.
const GIT_SHORTHANDS: &[(&str, &str)] = &[
    ("github:", "https://github.com/"),
    ("gitlab:", "https://gitlab.com/"),
    ("bitbucket:", "https://bitbucket.org/"),
    ("gist:", "https://gist.github.com/"),
];

/// Git hosts whose repositories are normalised to `https://host/user/repo`.
const GIT_HOSTS: &[&str] = &["github.com", "gitlab.com", "bitbucket.org"];

/// A package's source from a `resolved` URL (or path), and the artifact URL it names when it
/// is a downloadable tarball. `name` is the real package name, used to find the registry base.
pub(crate) fn from_resolved(resolved: &str, name: &str) -> (Source, Option<String>) {
    let resolved = resolved.trim();
    if let Some(path) = resolved
        .strip_prefix("file:")
        .or_else(|| resolved.strip_prefix("link:"))
    {
        return (
            Source::Path {
                path: path.to_owned(),
            },
            None,
        );
    }
    if let Some(git) = git(resolved) {
        return (git, None);
    }
    if is_http(resolved) {
        let url = customs_core::redacted_url(resolved);
        return match registry_base(&url, name) {
            Some(base) => (registry(&base), Some(url)),
            None => (Source::Url { url: url.clone() }, Some(url)),
        };
    }
    if resolved.contains("://") {
        let url = customs_core::redacted_url(resolved);
        return (Source::Url { url: url.clone() }, Some(url));
    }
    (
        Source::Path {
            path: resolved.to_owned(),
        },
        None,
    )
}

/// The source for a registry base URL: the default public registry under any of its addresses
/// (see [`Source::registry_at`]), a mirror otherwise.
pub(crate) fn registry(base: &str) -> Source {
    Source::registry_at(Ecosystem::Npm, base)
}

fn is_http(text: &str) -> bool {
    let starts = |prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    starts("https://") || starts("http://")
}

/// The registry base of a tarball URL in registry layout (`<base>/<name>/-/<file>`).
pub(crate) fn registry_base(url: &str, name: &str) -> Option<String> {
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let url = url.get(..path_end)?;
    let prefix = url.get(..url.find("/-/")?)?;
    let encoded = name.replacen('/', "%2f", 1);
    let base = [name, encoded.as_str(), &name.replacen('/', "%2F", 1)]
        .iter()
        .find_map(|name| prefix.strip_suffix(name)?.strip_suffix('/'))
        .map(str::to_owned)
        .or_else(|| {
            // The tarball names a package other than `name` (odd aliases): drop its segments.
            let (rest, _) = prefix.rsplit_once('/')?;
            Some(match rest.rsplit_once('/') {
                Some((scope_parent, scope)) if scope.starts_with('@') => scope_parent.to_owned(),
                _ => rest.to_owned(),
            })
        })?;
    let host = base.split_once("://")?.1;
    (!host.is_empty()).then_some(base)
}

/// Whether a spec names a git repository.
pub(crate) fn is_git(spec: &str) -> bool {
    let spec = spec.trim();
    spec.starts_with("git+")
        || spec.starts_with("git://")
        || spec.starts_with("git@")
        || spec.starts_with("ssh://")
        || GIT_SHORTHANDS
            .iter()
            .any(|(prefix, _)| spec.starts_with(prefix))
}

/// A git source from a git spec (`git+ssh://git@github.com/a/b.git#sha`, `github:a/b#sha`),
/// or `None` if the spec is not one.
pub(crate) fn git(spec: &str) -> Option<Source> {
    let spec = spec.trim();
    if !is_git(spec) {
        return None;
    }
    let (location, fragment) = match spec.split_once('#') {
        Some((location, fragment)) => (location, Some(fragment)),
        None => (spec, None),
    };
    let (commit, reference) = match fragment.filter(|f| !f.is_empty()) {
        Some(f) if is_commit(f) => (Some(f.to_ascii_lowercase()), None),
        Some(f) => (None, Some(f.to_owned())),
        None => (None, None),
    };
    Some(Source::Git {
        url: git_url(location),
        commit,
        reference,
    })
}

/// A full or abbreviated commit hash.
fn is_commit(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The repository URL of a git spec without its fragment.
pub(crate) fn git_url(location: &str) -> String {
    let bare = location.strip_prefix("git+").unwrap_or(location);
    // bun writes `git+ssh://gitlab:user/repo` for hosted shorthands.
    let shorthand = bare.strip_prefix("ssh://").unwrap_or(bare);
    for (prefix, web) in GIT_SHORTHANDS {
        if let Some(path) = shorthand.strip_prefix(prefix) {
            return format!("{web}{}", trim_repo_path(path));
        }
    }
    // `scheme://[user@]host[:port]/path`, or scp-like `[user@]host:path`.
    let (scheme, rest) = match bare.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, bare),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    // `host:user/repo` (scp-like, also written inside ssh URLs) rather than `host:port`.
    let (host, path) = match host_port.split_once(':') {
        Some((host, after)) if !after.bytes().all(|b| b.is_ascii_digit()) => {
            (host, format!("/{after}{path}"))
        }
        Some((host, _)) => (host, path.to_owned()),
        None => (host_port, path.to_owned()),
    };
    let host = host.to_ascii_lowercase();
    if GIT_HOSTS.contains(&host.as_str()) {
        return format!(
            "https://{host}/{}",
            trim_repo_path(path.trim_start_matches('/'))
        );
    }
    match scheme {
        Some(_) => customs_core::redacted_url(location),
        None => location.to_owned(),
    }
}

fn trim_repo_path(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.strip_suffix(".git").unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url_of(source: &Source) -> String {
        match source {
            Source::Registry { url } | Source::Url { url } => url.clone(),
            Source::Git {
                url,
                commit,
                reference,
            } => format!("{url} {commit:?} {reference:?}"),
            Source::Path { path } | Source::Workspace { path } => path.clone(),
        }
    }

    #[test]
    fn registry_tarballs() {
        for (resolved, name, base) in [
            (
                "https://registry.npmjs.org/@babel/code-frame/-/code-frame-7.0.0.tgz",
                "@babel/code-frame",
                "https://registry.npmjs.org",
            ),
            (
                "https://registry.yarnpkg.com/lodash/-/lodash-4.17.21.tgz",
                "lodash",
                "https://registry.npmjs.org",
            ),
            (
                "https://us-npm.pkg.dev/proj/repo/webdriverio/-/webdriverio-9.2.6.tgz",
                "webdriverio",
                "https://us-npm.pkg.dev/proj/repo",
            ),
            (
                "https://npm.example.com/@s%2fpkg/-/pkg-1.0.0.tgz",
                "@s/pkg",
                "https://npm.example.com",
            ),
            (
                "https://user:secret@npm.example.com/a/b/-/b-1.0.0.tgz?x=1",
                "other",
                "https://npm.example.com/a",
            ),
        ] {
            let (source, artifact) = from_resolved(resolved, name);
            assert!(source.is_registry(), "{resolved}");
            assert_eq!(url_of(&source), base, "{resolved}");
            assert!(!artifact.unwrap_or_default().contains("secret"));
        }
    }

    #[test]
    fn git_specs() {
        for (spec, expected) in [
            (
                "git+ssh://git@github.com/a/b.git#0123456789abcdef0123456789abcdef01234567",
                "https://github.com/a/b Some(\"0123456789abcdef0123456789abcdef01234567\") None",
            ),
            (
                "github:a/b#6609a88",
                "https://github.com/a/b Some(\"6609a88\") None",
            ),
            (
                "git+ssh://gitlab:kornelski/babel-preset-php#1ae6dc1",
                "https://gitlab.com/kornelski/babel-preset-php Some(\"1ae6dc1\") None",
            ),
            (
                "git+https://token@github.com/a/b.git#main",
                "https://github.com/a/b None Some(\"main\")",
            ),
            (
                "git+ssh://git@github.com:a/b.git",
                "https://github.com/a/b None None",
            ),
            (
                "git://example.com:9418/x/y.git#abcdef0",
                "git://example.com:9418/x/y.git Some(\"abcdef0\") None",
            ),
            (
                "git+https://u:p@git.example.com/x.git#abcdef0",
                "git+https://git.example.com/x.git Some(\"abcdef0\") None",
            ),
        ] {
            let source = git(spec).unwrap();
            assert_eq!(url_of(&source), expected, "{spec}");
        }
        assert!(git("1.0.0").is_none());
        assert!(git("https://example.com/x.tgz").is_none());
    }

    #[test]
    fn local_and_remote_tarballs() {
        let (source, artifact) = from_resolved("file:vendor/x-1.0.0.tgz", "x");
        assert_eq!(source.kind(), "path");
        assert_eq!(artifact, None);
        let (source, artifact) = from_resolved("https://example.com/x.tgz", "x");
        assert_eq!(source.kind(), "url");
        assert_eq!(artifact.as_deref(), Some("https://example.com/x.tgz"));
        assert_eq!(from_resolved("packages/a", "a").0.kind(), "path");
    }
}
