//! Which artifact a locked package is, decided from the lockfile alone (no I/O): a URL and a
//! digest the lockfile records, a digest whose URL the registry gives, or a question for the
//! registry. Also the host rules every URL passes.

use customs_core::{Ecosystem, HashAlgorithm, Integrity, Package, Source};
use url::Url;

use super::digest::{Authority, Expected, computable};
use super::{ArtifactKind, Origin};
use crate::RegistryConfig;
use crate::check::{is_pypi_version, npm_path, private_base};

/// The public npm registry's host names: a lockfile URL on one of them is fetched from the
/// configured registry, as npm's `replace-registry-host` (default `npmjs`) does.
const NPM_PUBLIC_HOSTS: [&str; 3] = [
    "registry.npmjs.org",
    "registry.yarnpkg.com",
    "registry.npmjs.com",
];
/// Where pypi.org keeps its files.
const PYPI_FILES_HOST: &str = "files.pythonhosted.org";

/// One artifact to have.
#[derive(Clone, Debug)]
pub(crate) struct Planned {
    /// What is requested: with the registry's credentials when on the registry's host.
    pub url: Url,
    /// Without credentials.
    pub shown: String,
    pub file_name: String,
    pub kind: ArtifactKind,
    pub extension: &'static str,
    /// `None`: nothing to check it against.
    pub expected: Option<Expected>,
    pub origin: Origin,
}

/// What a package needs.
#[derive(Debug)]
pub(crate) enum Plan {
    Unavailable(String),
    /// The lockfile names the artifacts and their digests.
    Known(Vec<Planned>),
    /// The lockfile pins the digest; the registry gives the URL (npm lockfiles that record no
    /// URL, such as pnpm's; crates). The cache is looked in before the registry is asked.
    Pinned {
        expected: Expected,
        kind: ArtifactKind,
        extension: &'static str,
        file_name: String,
        query: Query,
    },
    /// The registry gives the artifacts, and their digests unless `lockfile` pins them.
    Registry(Query),
}

/// A question for a registry about one release.
#[derive(Clone, Debug)]
pub(crate) enum Query {
    Npm {
        registry: Url,
        packument: Url,
        version: String,
        /// The lockfile's digest, which the registry's tarball must match.
        lockfile: Option<Expected>,
    },
    Pypi {
        registry: Url,
        release: Url,
        project: Url,
        version: String,
        /// The digests the lockfile lists (of any files of the release).
        lockfile: Vec<Integrity>,
    },
    Crate {
        registry: Url,
        config: Url,
        /// The index file, when the lockfile has no checksum.
        index: Option<Url>,
        name: String,
        version: String,
        /// The lockfile's checksum (SHA-256 hex).
        checksum: Option<String>,
    },
}

/// The plan of one package.
pub(crate) fn plan(package: &Package, config: &RegistryConfig) -> Plan {
    let name = package.name.as_str();
    let Some(version) = package.version.as_ref().map(|version| version.as_str()) else {
        return Plan::Unavailable("no exact version is locked".to_owned());
    };
    match &package.source {
        Source::Registry { url } => registry_plan(package, config, url, name, version),
        Source::Url { url } => {
            let location = package.artifact_url.as_deref().unwrap_or(url);
            url_plan(package, location)
        }
        Source::Git {
            url,
            commit,
            reference,
        } => {
            let at = commit
                .as_deref()
                .or(reference.as_deref())
                .map(|at| format!(" at {at}"))
                .unwrap_or_default();
            Plan::Unavailable(format!(
                "a git dependency ({}{at}): git checkouts are not fetched",
                customs_core::redacted_url(url)
            ))
        }
        Source::Path { path } => Plan::Unavailable(if path.is_empty() {
            "a local path dependency: its code is in the project, not in a registry".to_owned()
        } else {
            format!(
                "a local path dependency (`{path}`): its code is in the project, not in a registry"
            )
        }),
        Source::Workspace { .. } => {
            Plan::Unavailable("a workspace member: its code is the project's own".to_owned())
        }
    }
}

/// A package from a direct URL: fetched only when the lockfile records a digest to check it
/// against.
fn url_plan(package: &Package, location: &str) -> Plan {
    let shown = customs_core::redacted_url(location);
    let Some(url) = http_url(location) else {
        return Plan::Unavailable(format!(
            "a URL dependency on `{shown}`, which is not an http(s) URL"
        ));
    };
    let file_name = last_segment(&url);
    let Some(expected) = lockfile_expectation(package, &file_name) else {
        return Plan::Unavailable(format!(
            "a URL dependency without a digest in the lockfile: there is nothing to verify `{shown}` against"
        ));
    };
    match planned(
        package.ecosystem,
        url,
        file_name,
        Some(expected),
        Origin::LockfileOtherHost,
    ) {
        Ok(planned) => Plan::Known(vec![planned]),
        Err(reason) => Plan::Unavailable(reason),
    }
}

fn registry_plan(
    package: &Package,
    config: &RegistryConfig,
    source_url: &str,
    name: &str,
    version: &str,
) -> Plan {
    let ecosystem = package.ecosystem;
    let registry = if source_url == ecosystem.default_registry() {
        config.registry(ecosystem).clone()
    } else {
        match private_base(ecosystem, source_url) {
            Ok(base) => base,
            Err(reason) => return Plan::Unavailable(reason),
        }
    };
    let unservable = || {
        Plan::Unavailable(format!(
            "`{name}` is not a name the {ecosystem} registry can serve"
        ))
    };
    match ecosystem {
        Ecosystem::Npm => {
            let Some(path) = npm_path(name) else {
                return unservable();
            };
            let Ok(packument) = Url::parse(&format!("{registry}{path}")) else {
                return unservable();
            };
            let file_name = format!("{}-{version}.tgz", name.rsplit('/').next().unwrap_or(name));
            let lockfile = lockfile_expectation(package, "");
            // The lockfile's URL, where it records one and a digest to check it against.
            let from_lockfile = package
                .artifact_url
                .as_deref()
                .and_then(http_url)
                .zip(lockfile.clone());
            if let Some((url, expected)) = from_lockfile {
                let public = source_url == ecosystem.default_registry();
                let (url, origin) = lockfile_npm_url(url, &registry, public);
                let file_name = last_segment(&url);
                return match planned(ecosystem, url, file_name, Some(expected), origin) {
                    Ok(planned) => Plan::Known(vec![planned]),
                    Err(reason) => Plan::Unavailable(reason),
                };
            }
            let query = Query::Npm {
                registry,
                packument,
                version: version.to_owned(),
                lockfile: lockfile.clone(),
            };
            match lockfile {
                Some(expected) => Plan::Pinned {
                    expected,
                    kind: ArtifactKind::NpmTarball,
                    extension: "tgz",
                    file_name,
                    query,
                },
                None => Plan::Registry(query),
            }
        }
        Ecosystem::PyPI => {
            if !crate::check::is_plain(name, false) {
                return unservable();
            }
            if !is_pypi_version(version) {
                return Plan::Unavailable(format!(
                    "`{version}` is not a version the PyPI JSON API can serve"
                ));
            }
            if let Some(url) = package.artifact_url.as_deref().and_then(http_url) {
                let file_name = last_segment(&url);
                if let Some(expected) = lockfile_expectation(package, &file_name) {
                    let origin = if on_registry(Ecosystem::PyPI, &url, &registry) {
                        Origin::Lockfile
                    } else {
                        Origin::LockfileOtherHost
                    };
                    let url = adopt(url, &registry);
                    return match planned(ecosystem, url, file_name, Some(expected), origin) {
                        Ok(planned) => Plan::Known(vec![planned]),
                        Err(reason) => Plan::Unavailable(reason),
                    };
                }
            }
            let (Ok(release), Ok(project)) = (
                Url::parse(&format!("{registry}{name}/{version}/json")),
                Url::parse(&format!("{registry}{name}/json")),
            ) else {
                return unservable();
            };
            Plan::Registry(Query::Pypi {
                registry,
                release,
                project,
                version: version.to_owned(),
                lockfile: package.integrity.iter().cloned().collect(),
            })
        }
        Ecosystem::CratesIo => {
            if !crate::check::is_plain(name, true) {
                return unservable();
            }
            if !is_crate_version(version) {
                return Plan::Unavailable(format!(
                    "`{version}` is not a version a crates registry can serve"
                ));
            }
            let (Ok(config_url), Ok(index)) = (
                Url::parse(&format!("{registry}config.json")),
                Url::parse(&format!("{registry}{}", crate::crates::index_path(name))),
            ) else {
                return unservable();
            };
            let checksum = package
                .integrity
                .iter()
                .find(|integrity| integrity.algorithm == HashAlgorithm::Sha256)
                .map(|integrity| integrity.digest.clone());
            let expected = lockfile_expectation(package, "");
            let query = Query::Crate {
                registry,
                config: config_url,
                index: checksum.is_none().then_some(index),
                name: name.to_owned(),
                version: version.to_owned(),
                checksum,
            };
            match expected {
                Some(expected) if expected.algorithm == HashAlgorithm::Sha256 => Plan::Pinned {
                    expected,
                    kind: ArtifactKind::Crate,
                    extension: "crate",
                    file_name: format!("{name}-{version}.crate"),
                    query,
                },
                _ => Plan::Registry(query),
            }
        }
    }
}

/// The lockfile's expectation of the artifact named `file_name` (empty for packages of one
/// artifact): the digests the lockfile names for that file, else those it names for no file in
/// particular. `None` when there is nothing computable to check.
pub(crate) fn lockfile_expectation(package: &Package, file_name: &str) -> Option<Expected> {
    let for_file: Vec<&Integrity> = package
        .integrity
        .iter()
        .filter(|integrity| !file_name.is_empty() && integrity.file.as_deref() == Some(file_name))
        .filter(|integrity| computable(integrity.algorithm))
        .collect();
    if !for_file.is_empty() {
        return Expected::new(Authority::Lockfile, for_file);
    }
    Expected::new(
        Authority::Lockfile,
        package
            .integrity
            .iter()
            .filter(|integrity| integrity.file.is_none()),
    )
}

/// npm's `replace-registry-host`: a lockfile URL on the public registry is fetched from the
/// configured one (a mirror, when one is configured); a URL on the registry's host is fetched
/// with its scheme, port and credentials.
fn lockfile_npm_url(url: Url, registry: &Url, public: bool) -> (Url, Origin) {
    let on_public_host = url
        .host_str()
        .is_some_and(|host| NPM_PUBLIC_HOSTS.contains(&host));
    if public && on_public_host && !on_registry(Ecosystem::Npm, &url, registry) {
        let path = url.path().trim_start_matches('/');
        if let Ok(moved) = Url::parse(&format!("{registry}{path}")) {
            return (moved, Origin::Lockfile);
        }
    }
    if on_registry(Ecosystem::Npm, &url, registry) {
        (adopt(url, registry), Origin::Lockfile)
    } else {
        (url, Origin::LockfileOtherHost)
    }
}

/// Whether `url` is on a host of the registry at `registry`: its own (on the registry's port,
/// or on the default port of its scheme: an npm packument of 2014 names `http://` tarballs of
/// an https registry), and for pypi.org the host of its files.
pub(crate) fn on_registry(ecosystem: Ecosystem, url: &Url, registry: &Url) -> bool {
    let (Some(host), Some(registry_host)) = (url.host_str(), registry.host_str()) else {
        return false;
    };
    let same_origin = host.eq_ignore_ascii_case(registry_host)
        && (url.port().is_none()
            || url.port_or_known_default() == registry.port_or_known_default());
    same_origin
        || (ecosystem == Ecosystem::PyPI
            && registry_host.eq_ignore_ascii_case("pypi.org")
            && host.eq_ignore_ascii_case(PYPI_FILES_HOST))
}

/// `url` on the registry's own host and port (see [`on_registry`]), with the registry's scheme
/// and port and its credentials (private registries ask for them for tarballs too). Other URLs
/// are left as they are: credentials never go to another host.
pub(crate) fn adopt(mut url: Url, registry: &Url) -> Url {
    let same_host = url
        .host_str()
        .zip(registry.host_str())
        .is_some_and(|(host, registry_host)| host.eq_ignore_ascii_case(registry_host));
    let same_port =
        url.port().is_none() || url.port_or_known_default() == registry.port_or_known_default();
    if !same_host || !same_port {
        return url;
    }
    if url.scheme() != registry.scheme() || url.port() != registry.port() {
        let _ = url.set_scheme(registry.scheme());
        let _ = url.set_port(registry.port());
    }
    if url.username().is_empty() && url.password().is_none() {
        let _ = url.set_username(registry.username());
        let _ = url.set_password(registry.password());
    }
    url
}

/// An artifact to have from `url`, of the kind its ecosystem and file name say.
pub(crate) fn planned(
    ecosystem: Ecosystem,
    url: Url,
    file_name: String,
    expected: Option<Expected>,
    origin: Origin,
) -> Result<Planned, String> {
    let shown = customs_core::redacted_url(url.as_str());
    let (kind, extension) = kind_of(ecosystem, &file_name).ok_or_else(|| {
        format!("`{shown}` is neither a wheel nor an sdist (by its file name): not fetched")
    })?;
    Ok(Planned {
        url,
        shown,
        file_name,
        kind,
        extension,
        expected,
        origin,
    })
}

/// The kind of an artifact and the extension its cache file gets.
fn kind_of(ecosystem: Ecosystem, file_name: &str) -> Option<(ArtifactKind, &'static str)> {
    const SDISTS: [&str; 6] = ["tar.gz", "zip", "tar.bz2", "tar.xz", "tgz", "tar"];
    match ecosystem {
        Ecosystem::Npm => Some((ArtifactKind::NpmTarball, "tgz")),
        Ecosystem::CratesIo => Some((ArtifactKind::Crate, "crate")),
        Ecosystem::PyPI => {
            let lower = file_name.to_ascii_lowercase();
            if lower.ends_with(".whl") {
                return Some((ArtifactKind::Wheel, "whl"));
            }
            SDISTS
                .iter()
                .find(|extension| lower.ends_with(&format!(".{extension}")))
                .map(|extension| (ArtifactKind::Sdist, *extension))
        }
    }
}

/// `text` as an http(s) URL.
pub(crate) fn http_url(text: &str) -> Option<Url> {
    Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https") && url.host_str().is_some())
}

/// The last path segment of `url`, percent-decoded where that gives UTF-8.
pub(crate) fn last_segment(url: &Url) -> String {
    let segment = url
        .path_segments()
        .and_then(|mut segments| segments.next_back())
        .unwrap_or_default();
    percent_decode(segment)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let escaped = (byte == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                index += 3;
            }
            None => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_owned())
}

/// Versions as Cargo writes them (SemVer, build metadata included), nothing that leaves the
/// path.
fn is_crate_version(version: &str) -> bool {
    !version.is_empty()
        && !version.starts_with('.')
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_npm_urls_go_to_the_configured_registry() {
        let mirror = Url::parse("https://user:token@mirror.example/npm/").unwrap();
        let locked = Url::parse("https://registry.npmjs.org/@scope/a/-/a-1.0.0.tgz").unwrap();
        let (url, origin) = lockfile_npm_url(locked.clone(), &mirror, true);
        assert_eq!(
            url.as_str(),
            "https://user:token@mirror.example/npm/@scope/a/-/a-1.0.0.tgz"
        );
        assert_eq!(origin, Origin::Lockfile);
        // A lockfile of a private registry keeps its URL.
        let (url, origin) = lockfile_npm_url(locked, &mirror, false);
        assert_eq!(
            url.as_str(),
            "https://registry.npmjs.org/@scope/a/-/a-1.0.0.tgz"
        );
        assert_eq!(origin, Origin::LockfileOtherHost);
        // Credentials never go to another host.
        let elsewhere = Url::parse("https://cdn.example/a.tgz").unwrap();
        let (url, origin) = lockfile_npm_url(elsewhere, &mirror, true);
        assert_eq!(url.as_str(), "https://cdn.example/a.tgz");
        assert_eq!(origin, Origin::LockfileOtherHost);
        let old = Url::parse("http://mirror.example/npm/a/-/a-1.0.0.tgz").unwrap();
        assert_eq!(
            adopt(old, &mirror).as_str(),
            "https://user:token@mirror.example/npm/a/-/a-1.0.0.tgz"
        );
        // Another port is another server.
        let other_port = Url::parse("https://mirror.example:8443/a.tgz").unwrap();
        assert!(!on_registry(Ecosystem::Npm, &other_port, &mirror));
        assert_eq!(
            adopt(other_port, &mirror).as_str(),
            "https://mirror.example:8443/a.tgz"
        );
    }

    #[test]
    fn pypi_files_host_belongs_to_pypi_org_only() {
        let pypi = Url::parse("https://pypi.org/pypi/").unwrap();
        let mirror = Url::parse("https://mirror.example/pypi/").unwrap();
        let file = Url::parse("https://files.pythonhosted.org/packages/a.whl").unwrap();
        assert!(on_registry(Ecosystem::PyPI, &file, &pypi));
        assert!(!on_registry(Ecosystem::PyPI, &file, &mirror));
        assert!(!on_registry(Ecosystem::Npm, &file, &pypi));
    }

    #[test]
    fn kinds_and_names() {
        assert_eq!(
            kind_of(Ecosystem::PyPI, "a-1.0.TAR.GZ"),
            Some((ArtifactKind::Sdist, "tar.gz"))
        );
        assert_eq!(
            kind_of(Ecosystem::PyPI, "a-1.0-py3-none-any.whl"),
            Some((ArtifactKind::Wheel, "whl"))
        );
        assert_eq!(kind_of(Ecosystem::PyPI, "a-1.0-py3.8.egg"), None);
        let url = Url::parse("https://h.example/p/a-1.0%2Blocal.tar.gz").unwrap();
        assert_eq!(last_segment(&url), "a-1.0+local.tar.gz");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert!(http_url("file:///etc/passwd").is_none());
        assert!(http_url("git+https://github.com/a/b").is_none());
        assert!(is_crate_version("1.0.0+build.1"));
        assert!(!is_crate_version("../1"));
    }
}
