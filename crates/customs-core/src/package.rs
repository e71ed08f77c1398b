use std::sync::Arc;

use crate::SortedSet;
use std::fmt;

use packageurl::PackageUrl;
use serde::Serialize;

use crate::{Ecosystem, Integrity, PackageName, Version};

/// Where a locked package comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Source {
    /// A package registry; `url` is the registry's base URL.
    Registry { url: String },
    /// A git repository, at a commit where the lockfile pins one.
    Git {
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        commit: Option<String>,
        /// The branch, tag or other reference the manifest asked for, when recorded.
        #[serde(skip_serializing_if = "Option::is_none")]
        reference: Option<String>,
    },
    /// A direct URL to an archive (tarball, wheel, zip).
    Url { url: String },
    /// A directory or archive on the local file system (`file:`, `link:`, path dependencies,
    /// editable installs). Local: never looked up in a registry. `path` is empty where the
    /// input does not record it.
    Path {
        #[serde(skip_serializing_if = "String::is_empty")]
        path: String,
    },
    /// A member (or the root) of the project's own workspace. Local: never looked up in a registry.
    Workspace {
        #[serde(skip_serializing_if = "String::is_empty")]
        path: String,
    },
}

impl Source {
    pub fn registry(ecosystem: Ecosystem) -> Self {
        Source::Registry {
            url: ecosystem.default_registry().to_owned(),
        }
    }

    /// The registry at `url`, as a lockfile names it: the ecosystem's public registry under any
    /// of its well-known addresses becomes [`Source::registry`]; anything else is a mirror or
    /// private registry, kept without credentials or a trailing slash.
    pub fn registry_at(ecosystem: Ecosystem, url: &str) -> Self {
        let mut url = url.trim().to_owned();
        redact_url(&mut url);
        let url = url.trim_end_matches('/');
        let public = url.is_empty()
            || ecosystem
                .public_registry_aliases()
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(url));
        if public {
            Source::registry(ecosystem)
        } else {
            Source::Registry {
                url: url.to_owned(),
            }
        }
    }

    /// Local packages are the project's own code: later checks must never treat them as
    /// registry packages (a registry package of the same name is somebody else's).
    pub fn is_local(&self) -> bool {
        matches!(self, Source::Path { .. } | Source::Workspace { .. })
    }

    pub fn is_registry(&self) -> bool {
        matches!(self, Source::Registry { .. })
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Source::Registry { .. } => "registry",
            Source::Git { .. } => "git",
            Source::Url { .. } => "url",
            Source::Path { .. } => "path",
            Source::Workspace { .. } => "workspace",
        }
    }
}

/// Which part of a project needs a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Needed at run time (includes build dependencies and peers).
    Prod,
    /// Needed only when optional features or platforms are enabled.
    Optional,
    /// Needed only to develop or test.
    Dev,
}

impl Scope {
    /// The wider of two scopes: a package needed by production code is production, whatever
    /// else also needs it.
    pub fn widest(self, other: Self) -> Self {
        self.min(other)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Prod => "prod",
            Scope::Optional => "optional",
            Scope::Dev => "dev",
        }
    }
}

/// A place a package was found: a file relative to the scanned root, and a 1-based line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
}

/// Identifies a package within one lockfile: its package URL, with the qualifiers that tell a
/// git or URL package apart from the registry package of the same name and version. A local
/// package's id is `local:<purl>#<path>`: a workspace member and the published package of the
/// same name and version share a purl yet are different code, and so are two directories that
/// happen to declare the same name.
///
/// Shared, not copied: a package's id is named again by every edge to it, thousands of times
/// in a large lockfile.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackageId(Arc<str>);

impl Serialize for PackageId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl PackageId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PackageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One package a lockfile pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub ecosystem: Ecosystem,
    pub name: PackageName,
    /// The exact version; `None` where the input pins none (an unpinned requirement line, a
    /// git dependency without a recorded version).
    pub version: Option<Version>,
    pub source: Source,
    /// Digests the lockfile records for the package's artifacts.
    pub integrity: SortedSet<Integrity>,
    /// The artifact URL the lockfile resolved to, where recorded.
    pub artifact_url: Option<String>,
    /// The declared licence (an SPDX expression or whatever the package declared), where the
    /// input records one.
    pub license: Option<String>,
    /// `None` where neither the lockfile nor a manifest says.
    pub scope: Option<Scope>,
    /// Declared directly by a project manifest (or the lockfile's root entries).
    pub direct: bool,
    /// The lockfile records that the package runs code at install time (package-lock's
    /// `hasInstallScript`, pnpm's `requiresBuild`). `false` also where the format does not say.
    pub install_script: bool,
    /// Other names this package is installed under (npm `alias@npm:real@1.0.0`).
    pub aliases: SortedSet<String>,
    /// The requirement as written, for inputs that do not pin an exact version.
    pub requirement: Option<String>,
    pub dependencies: SortedSet<PackageId>,
    pub locations: SortedSet<Location>,
}

impl Package {
    pub fn new(
        ecosystem: Ecosystem,
        name: PackageName,
        version: Option<Version>,
        source: Source,
    ) -> Self {
        Self {
            ecosystem,
            name,
            version,
            source,
            integrity: SortedSet::new(),
            artifact_url: None,
            license: None,
            scope: None,
            direct: false,
            install_script: false,
            aliases: SortedSet::new(),
            requirement: None,
            dependencies: SortedSet::new(),
            locations: SortedSet::new(),
        }
    }

    pub fn is_local(&self) -> bool {
        self.source.is_local()
    }

    /// The package URL (<https://github.com/package-url/purl-spec>), with `vcs_url`,
    /// `download_url` or `repository_url` qualifiers for packages not from the default registry.
    pub fn purl(&self) -> String {
        if let Some(purl) = self.plain_purl() {
            return purl;
        }
        self.try_purl().unwrap_or_else(|_| {
            // Unreachable for names validated on construction; keep a usable identifier anyway.
            format!("pkg:{}/{}", self.ecosystem.purl_type(), self.name)
        })
    }

    /// The purl of the common case, written directly: no qualifiers, and a name, scope and
    /// version of characters that need neither percent-encoding nor case folding. Every purl is
    /// computed several times per package on the hot path, and `packageurl`'s general formatter
    /// costs an order of magnitude more; anything else goes to it, and a property test keeps the
    /// two equal.
    fn plain_purl(&self) -> Option<String> {
        let without_qualifiers = match &self.source {
            Source::Registry { url } => url == self.ecosystem.default_registry(),
            Source::Path { .. } | Source::Workspace { .. } => true,
            Source::Git { .. } | Source::Url { .. } => false,
        };
        if !without_qualifiers {
            return None;
        }
        // npm and PyPI purls lowercase their names; keeping to lowercase input keeps it as is.
        let folds_case = matches!(self.ecosystem, Ecosystem::Npm | Ecosystem::PyPI);
        // A fold without early exit, which the compiler vectorizes.
        let plain = |text: &str, upper: bool| {
            !text.is_empty()
                && text.bytes().fold(true, |ok, b| {
                    ok & (b.is_ascii_lowercase()
                        | b.is_ascii_digit()
                        | matches!(b, b'.' | b'-' | b'_' | b'~')
                        | (upper & b.is_ascii_uppercase()))
                })
        };
        let name = self.name.as_str();
        let (scope, short) = match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, rest)) if self.ecosystem == Ecosystem::Npm => (Some(scope), rest),
            _ => (None, name),
        };
        if !plain(short, !folds_case) || scope.is_some_and(|s| !plain(s, true)) {
            return None;
        }
        let version = self.version.as_ref().map(Version::as_str);
        if version.is_some_and(|v| !plain(v, true)) {
            return None;
        }
        let mut purl = String::with_capacity(16 + name.len() + version.map_or(0, str::len));
        purl.push_str("pkg:");
        purl.push_str(self.ecosystem.purl_type());
        purl.push('/');
        if let Some(scope) = scope {
            purl.push_str("%40");
            purl.push_str(scope);
            purl.push('/');
        }
        purl.push_str(short);
        if let Some(version) = version {
            purl.push('@');
            purl.push_str(version);
        }
        Some(purl)
    }

    fn try_purl(&self) -> Result<String, packageurl::Error> {
        let name = self.name.as_str();
        let (namespace, short_name) = match self.ecosystem {
            Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
                Some((scope, rest)) => (Some(format!("@{scope}")), rest),
                None => (None, name),
            },
            Ecosystem::PyPI | Ecosystem::CratesIo => (None, name),
        };
        let mut purl = PackageUrl::new(self.ecosystem.purl_type(), short_name)?;
        if let Some(namespace) = namespace {
            purl.with_namespace(namespace)?;
        }
        if let Some(version) = &self.version {
            purl.with_version(version.as_str())?;
        }
        match &self.source {
            Source::Registry { url } if url != self.ecosystem.default_registry() => {
                purl.add_qualifier("repository_url", url.as_str())?;
            }
            Source::Git { url, commit, .. } => {
                let vcs_url = match commit {
                    Some(commit) => format!("{url}@{commit}"),
                    None => url.clone(),
                };
                purl.add_qualifier("vcs_url", vcs_url)?;
            }
            Source::Url { url } => {
                purl.add_qualifier("download_url", url.as_str())?;
            }
            Source::Registry { .. } | Source::Path { .. } | Source::Workspace { .. } => {}
        }
        Ok(purl.to_string())
    }

    pub fn id(&self) -> PackageId {
        match &self.source {
            Source::Path { path } | Source::Workspace { path } if !path.is_empty() => {
                PackageId(format!("local:{}#{path}", self.purl()).into())
            }
            Source::Path { .. } | Source::Workspace { .. } => {
                PackageId(format!("local:{}", self.purl()).into())
            }
            _ => PackageId(self.purl().into()),
        }
    }

    /// Removes credentials from every URL the package carries. Lockfiles sometimes record
    /// `https://user:token@host/…`; reports, SBOMs and purls must never repeat the token.
    pub fn redact_credentials(&mut self) {
        match &mut self.source {
            Source::Registry { url } | Source::Git { url, .. } | Source::Url { url } => {
                redact_url(url);
            }
            Source::Path { .. } | Source::Workspace { .. } => {}
        }
        if let Some(url) = &mut self.artifact_url {
            redact_url(url);
        }
    }

    /// Folds another sighting of the same package (same [`PackageId`]) into this one.
    pub fn merge(&mut self, other: Package) {
        self.integrity.extend(other.integrity);
        self.locations.extend(other.locations);
        self.dependencies.extend(other.dependencies);
        self.aliases.extend(other.aliases);
        self.direct |= other.direct;
        self.install_script |= other.install_script;
        self.scope = match (self.scope, other.scope) {
            (Some(a), Some(b)) => Some(a.widest(b)),
            (a, b) => a.or(b),
        };
        if self.artifact_url.is_none() {
            self.artifact_url = other.artifact_url;
        }
        if self.requirement.is_none() {
            self.requirement = other.requirement;
        }
        if self.license.is_none() {
            self.license = other.license;
        }
    }
}

/// Drops the user-information part of a URL (`scheme://user:secret@host/…`). An SSH user
/// without a password (`ssh://git@host`) names an account, not a secret, and stays.
pub fn redact_url(url: &mut String) {
    // Without an `@` there is no user information; this is nearly every URL.
    if !url.contains('@') {
        return;
    }
    let Some(scheme_end) = url.find("://") else {
        return;
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    let Some(at) = url[authority_start..authority_end].rfind('@') else {
        return;
    };
    let user_info = &url[authority_start..authority_start + at];
    let ssh_account =
        url[..scheme_end].to_ascii_lowercase().contains("ssh") && !user_info.contains(':');
    if !ssh_account {
        url.replace_range(authority_start..=authority_start + at, "");
    }
}

/// `url` without credentials, as [`redact_url`] leaves it.
pub fn redacted_url(url: &str) -> String {
    let mut url = url.to_owned();
    redact_url(&mut url);
    url
}

/// One entry per [`PackageId`], folding later sightings into the first, in first-seen order.
pub fn merge_duplicates(packages: Vec<Package>) -> Vec<Package> {
    let mut slot_of: crate::FastMap<PackageId, usize> = crate::FastMap::default();
    let mut merged: Vec<Package> = Vec::with_capacity(packages.len());
    for package in packages {
        let id = package.id();
        match slot_of.get(&id) {
            Some(&slot) => merged[slot].merge(package),
            None => {
                slot_of.insert(id, merged.len());
                merged.push(package);
            }
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(ecosystem: Ecosystem, name: &str, version: &str, source: Source) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, version)),
            source,
        )
    }

    #[test]
    fn purls_per_ecosystem() {
        let npm = package(
            Ecosystem::Npm,
            "@babel/core",
            "7.0.0",
            Source::registry(Ecosystem::Npm),
        );
        assert_eq!(npm.purl(), "pkg:npm/%40babel/core@7.0.0");
        let pypi = package(
            Ecosystem::PyPI,
            "Typing_Extensions",
            "4.0",
            Source::registry(Ecosystem::PyPI),
        );
        assert_eq!(pypi.purl(), "pkg:pypi/typing-extensions@4.0");
        let cargo = package(
            Ecosystem::CratesIo,
            "serde_json",
            "1.0.0",
            Source::registry(Ecosystem::CratesIo),
        );
        assert_eq!(cargo.purl(), "pkg:cargo/serde_json@1.0.0");
    }

    #[test]
    fn non_registry_sources_are_told_apart() {
        let git = package(
            Ecosystem::CratesIo,
            "foo",
            "1.0.0",
            Source::Git {
                url: "https://github.com/a/foo".into(),
                commit: Some("abc123".into()),
                reference: None,
            },
        );
        let registry = package(
            Ecosystem::CratesIo,
            "foo",
            "1.0.0",
            Source::registry(Ecosystem::CratesIo),
        );
        assert_ne!(git.id(), registry.id());
        assert!(git.purl().contains("vcs_url="), "{}", git.purl());
        let mirror = package(
            Ecosystem::Npm,
            "left-pad",
            "1.0.0",
            Source::Registry {
                url: "https://npm.example.com".into(),
            },
        );
        assert!(
            mirror.purl().contains("repository_url="),
            "{}",
            mirror.purl()
        );
    }

    #[test]
    fn merge_keeps_widest_scope_and_all_locations() {
        let mut a = package(
            Ecosystem::Npm,
            "x",
            "1.0.0",
            Source::registry(Ecosystem::Npm),
        );
        a.scope = Some(Scope::Dev);
        a.locations.insert(Location {
            path: "a".into(),
            line: 3,
        });
        let mut b = a.clone();
        b.scope = Some(Scope::Prod);
        b.direct = true;
        b.locations.insert(Location {
            path: "a".into(),
            line: 9,
        });
        a.merge(b);
        assert_eq!(a.scope, Some(Scope::Prod));
        assert!(a.direct);
        assert_eq!(a.locations.len(), 2);
    }

    #[test]
    fn credentials_never_survive_in_urls() {
        for (input, expected) in [
            (
                "https://user:s3cret@npm.example.com/a/-/a-1.tgz",
                "https://npm.example.com/a/-/a-1.tgz",
            ),
            (
                "https://dummy-token@github.com/a/b.git",
                "https://github.com/a/b.git",
            ),
            (
                "git+ssh://git@github.com/a/b.git#abc",
                "git+ssh://git@github.com/a/b.git#abc",
            ),
            (
                "https://example.com/path@v1/x",
                "https://example.com/path@v1/x",
            ),
            ("https://a:b@c@host.example/x", "https://host.example/x"),
            ("not a url", "not a url"),
        ] {
            let mut url = input.to_owned();
            redact_url(&mut url);
            assert_eq!(url, expected);
        }
        let mut package = package(
            Ecosystem::Npm,
            "a",
            "1.0.0",
            Source::Git {
                url: "https://tok@github.com/a/b".into(),
                commit: None,
                reference: None,
            },
        );
        package.artifact_url = Some("https://u:p@registry.example/a.tgz".into());
        package.redact_credentials();
        assert!(!package.purl().contains("tok"));
        assert_eq!(
            package.artifact_url.as_deref(),
            Some("https://registry.example/a.tgz")
        );
    }

    #[test]
    fn local_packages_never_share_an_id_with_registry_ones() {
        let registry = package(
            Ecosystem::Npm,
            "a",
            "1.0.0",
            Source::registry(Ecosystem::Npm),
        );
        let local = package(
            Ecosystem::Npm,
            "a",
            "1.0.0",
            Source::Workspace {
                path: "packages/a".into(),
            },
        );
        assert_eq!(registry.purl(), local.purl());
        assert_ne!(registry.id(), local.id());
        assert_eq!(local.id().as_str(), "local:pkg:npm/a@1.0.0#packages/a");
        let elsewhere = package(
            Ecosystem::Npm,
            "a",
            "1.0.0",
            Source::Path {
                path: "vendor/a".into(),
            },
        );
        assert_ne!(local.id(), elsewhere.id());
    }

    #[test]
    fn public_registries_under_their_other_names() {
        for (ecosystem, url) in [
            (Ecosystem::PyPI, "https://pypi.org/simple/"),
            (Ecosystem::PyPI, "http://pypi.python.org/simple"),
            (Ecosystem::PyPI, "https://PyPI.org/pypi"),
            (Ecosystem::Npm, "https://registry.yarnpkg.com/"),
            (Ecosystem::CratesIo, "https://index.crates.io/"),
            (
                Ecosystem::CratesIo,
                "https://github.com/rust-lang/crates.io-index",
            ),
        ] {
            assert_eq!(
                Source::registry_at(ecosystem, url),
                Source::registry(ecosystem),
                "{url}"
            );
        }
        assert_eq!(
            Source::registry_at(Ecosystem::PyPI, "https://user:pw@pypi.example.com/simple/"),
            Source::Registry {
                url: "https://pypi.example.com/simple".into()
            }
        );
    }

    #[test]
    fn local_sources() {
        assert!(Source::Workspace { path: ".".into() }.is_local());
        assert!(
            Source::Path {
                path: "../x".into()
            }
            .is_local()
        );
        assert!(!Source::registry(Ecosystem::Npm).is_local());
    }

    /// The direct purl writer agrees with `packageurl` wherever it answers.
    mod plain_purls {
        use super::*;
        use proptest::prelude::*;

        /// Names and versions drawn from characters that are plain, need encoding, or fold case.
        fn text() -> impl Strategy<Value = String> {
            prop_oneof![
                "[a-z0-9._~-]{1,12}",
                "[a-zA-Z0-9._-]{1,12}",
                "[a-zA-Z0-9._~+@%#?é -]{1,12}",
            ]
        }

        fn ecosystem() -> impl Strategy<Value = Ecosystem> {
            prop_oneof![
                Just(Ecosystem::Npm),
                Just(Ecosystem::PyPI),
                Just(Ecosystem::CratesIo)
            ]
        }

        proptest! {
            #[test]
            fn plain_purls_equal_packageurls(
                ecosystem in ecosystem(),
                scope in prop::option::of(text()),
                name in text(),
                version in prop::option::of(text()),
                local in any::<bool>(),
            ) {
                let name = match scope {
                    Some(scope) => format!("@{scope}/{name}"),
                    None => name,
                };
                let source = if local { Source::Workspace { path: "p".into() } } else { Source::registry(ecosystem) };
                if let Ok(name) = PackageName::new(ecosystem, &name) {
                    let package = Package::new(ecosystem, name, version.as_deref().map(|v| Version::new(ecosystem, v)), source);
                    let purl = package.purl();
                    prop_assert_eq!(&purl, &package.try_purl().unwrap(), "{}", package.name);
                }
            }
        }
    }
}
