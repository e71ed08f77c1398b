//! The profile of a package (see [`Profile`]): what it declares it depends on, and the hosts
//! its code names. What runs unasked comes from the package model and the reachability walk.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use customs_core::Ecosystem;
use serde::Deserialize;

use crate::Archive;
use crate::analysis::verdict::Profile;

/// Bytes of a manifest read for dependencies (as the package model reads them).
const MAX_MANIFEST_BYTES: usize = 1024 * 1024;
/// Hosts taken from one file: a file naming more is a list (of mirrors, of test URLs), and its
/// first ones say what is new as well as all of them would.
const MAX_HOSTS_PER_FILE: usize = 64;

/// Whether a file an entry point reaches is code that runs (a script, a module, a build
/// script, a start-up hook, an extensionless executable), rather than data it reads or
/// sources a compiler builds.
pub(crate) fn runs_as_code(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        None => true,
        Some((_, extension)) => matches!(
            extension.to_ascii_lowercase().as_str(),
            "js" | "cjs"
                | "mjs"
                | "jsx"
                | "ts"
                | "tsx"
                | "cts"
                | "mts"
                | "py"
                | "pyw"
                | "pth"
                | "rs"
                | "sh"
                | "bash"
                | "zsh"
                | "bat"
                | "cmd"
                | "ps1"
                | "pl"
                | "rb"
                | "exe"
                | "node"
                | "so"
                | "dll"
                | "dylib"
        ),
    }
}

/// The normalised names of the dependencies `archive` declares (see [`Profile::dependencies`]).
/// A manifest that cannot be read declares nothing here: the package model reports it.
/// Also the path of the manifest read (`package.json`, a wheel's `METADATA`, `PKG-INFO`,
/// `Cargo.toml`), empty when there is none.
pub(crate) fn dependencies(
    archive: &Archive,
    files: &HashMap<&str, usize>,
    ecosystem: Ecosystem,
    declared: Option<(String, Vec<String>)>,
) -> (String, Vec<String>) {
    if let Some((manifest, names)) = declared {
        return (
            manifest,
            names.into_iter().take(Profile::MAX_ITEMS).collect(),
        );
    }
    let mut manifest_path = String::new();
    let text = |path: &str| -> Option<&str> {
        let file = archive.files.get(*files.get(path)?)?;
        if file.data.len() > MAX_MANIFEST_BYTES {
            return None;
        }
        std::str::from_utf8(&file.data).ok()
    };
    let mut names: BTreeSet<String> = BTreeSet::new();
    match ecosystem {
        Ecosystem::PyPI => {
            // A wheel's METADATA, else an sdist's PKG-INFO (metadata 2.2 and later list the
            // requirements there too).
            let metadata = files
                .keys()
                .find(|path| {
                    path.strip_suffix("/METADATA").is_some_and(|directory| {
                        directory.ends_with(".dist-info") && !directory.contains('/')
                    })
                })
                .copied()
                .or_else(|| files.contains_key("PKG-INFO").then_some("PKG-INFO"));
            if let Some((path, metadata)) = metadata.and_then(|path| Some((path, text(path)?))) {
                manifest_path = path.to_owned();
                names.extend(requires_dist(metadata));
            }
        }
        // Read with the package model's manifest (see `Model::declared`).
        Ecosystem::Npm | Ecosystem::CratesIo => {}
    }
    (
        manifest_path,
        names.into_iter().take(Profile::MAX_ITEMS).collect(),
    )
}

/// The dependency tables of a package.json, read with the package model's manifest.
#[derive(Default, Deserialize)]
pub(crate) struct NpmDependencies {
    #[serde(default)]
    dependencies: BTreeMap<String, serde::de::IgnoredAny>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: BTreeMap<String, serde::de::IgnoredAny>,
}

impl NpmDependencies {
    pub(crate) fn names(self) -> Vec<String> {
        let mut names: BTreeSet<String> = self.dependencies.into_keys().collect();
        names.extend(self.optional_dependencies.into_keys());
        names.into_iter().collect()
    }
}

/// The dependency tables of a Cargo.toml, read with the package model's manifest.
#[derive(Default, Deserialize)]
pub(crate) struct CargoManifest {
    #[serde(default)]
    dependencies: BTreeMap<String, CargoDependency>,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: BTreeMap<String, CargoDependency>,
    #[serde(default)]
    target: BTreeMap<String, CargoTarget>,
}

#[derive(Deserialize)]
struct CargoTarget {
    #[serde(default)]
    dependencies: BTreeMap<String, CargoDependency>,
    #[serde(default, rename = "build-dependencies")]
    build_dependencies: BTreeMap<String, CargoDependency>,
}

/// `dep = "1"` or `dep = { version = "1", optional = true, ... }`: an optional dependency is
/// built only when a feature asks for it.
#[derive(Deserialize)]
#[serde(untagged)]
enum CargoDependency {
    Table {
        #[serde(default)]
        optional: bool,
    },
    Other(serde::de::IgnoredAny),
}

impl CargoManifest {
    /// The non-optional ones, `-` for `_`, sorted, unique.
    pub(crate) fn names(self) -> Vec<String> {
        let tables = [self.dependencies, self.build_dependencies]
            .into_iter()
            .chain(
                self.target
                    .into_values()
                    .flat_map(|target| [target.dependencies, target.build_dependencies]),
            );
        let mut names = BTreeSet::new();
        for table in tables {
            names.extend(
                table
                    .into_iter()
                    .filter(|(_, dependency)| dependency.always())
                    .map(|(name, _)| name.to_ascii_lowercase().replace('_', "-")),
            );
        }
        names.into_iter().collect()
    }
}

impl CargoDependency {
    fn always(&self) -> bool {
        !matches!(self, CargoDependency::Table { optional: true })
    }
}

/// The `Requires-Dist` names of a metadata file's headers, without those only an extra asks
/// for, PEP 503-normalised.
fn requires_dist(metadata: &str) -> impl Iterator<Item = String> + '_ {
    metadata
        .lines()
        // The headers end at the first empty line; the description follows.
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.strip_prefix("Requires-Dist:"))
        .filter(|requirement| {
            let marker = requirement.split_once(';').map_or("", |(_, marker)| marker);
            !marker.replace(' ', "").contains("extra==")
        })
        .filter_map(|requirement| {
            let requirement = requirement.trim_start();
            let end = requirement
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(requirement.len());
            let name = requirement.get(..end)?;
            (!name.is_empty()).then(|| pep503(name))
        })
}

fn pep503(name: &str) -> String {
    let mut normal = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
        } else {
            if separator && !normal.is_empty() {
                normal.push('-');
            }
            separator = false;
            normal.push(c.to_ascii_lowercase());
        }
    }
    normal
}

/// The hosts of the URLs in `data` (http, https, ws, wss, ftp), each with the offset of its
/// first URL, in order of appearance; placeholders, loopback, and the names reserved for
/// examples and documentation left out.
pub(crate) fn url_hosts(data: &[u8]) -> Vec<(String, usize)> {
    let mut hosts: Vec<(String, usize)> = Vec::new();
    let finder = memchr::memmem::Finder::new(b"://");
    for at in finder.find_iter(data) {
        if hosts.len() >= MAX_HOSTS_PER_FILE {
            break;
        }
        let before = data.get(..at).unwrap_or_default();
        let scheme_start = before
            .iter()
            .rposition(|byte| !byte.is_ascii_alphabetic())
            .map_or(0, |position| position + 1);
        let scheme = before.get(scheme_start..).unwrap_or_default();
        let known = [b"http".as_slice(), b"https", b"ws", b"wss", b"ftp"]
            .iter()
            .any(|known| scheme.eq_ignore_ascii_case(known));
        if !known {
            continue;
        }
        let rest = data.get(at + 3..).unwrap_or_default();
        let authority_end = rest
            .iter()
            .position(|byte| matches!(byte, b'/' | b'?' | b'#') || !is_url_byte(*byte))
            .unwrap_or(rest.len())
            .min(300);
        let authority = rest.get(..authority_end).unwrap_or_default();
        // Credentials before the last `@`, a port after the last `:`.
        let host = authority
            .iter()
            .rposition(|byte| *byte == b'@')
            .map_or(authority, |position| {
                authority.get(position + 1..).unwrap_or_default()
            });
        let host = host
            .iter()
            .position(|byte| *byte == b':')
            .map_or(host, |position| host.get(..position).unwrap_or_default());
        let Ok(host) = std::str::from_utf8(host) else {
            continue;
        };
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        if !is_public_host(&host) || hosts.iter().any(|(known, _)| *known == host) {
            continue;
        }
        hosts.push((host, scheme_start));
    }
    hosts
}

fn is_url_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'@' | b':' | b'%')
}

/// A name (or IPv4 address) a package could connect to on the internet.
fn is_public_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|label| label.is_empty() || label.starts_with('-') || label.ends_with('-'))
        || !host
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-'))
    {
        return false;
    }
    if let Ok(address) = host.parse::<std::net::Ipv4Addr>() {
        return !(address.is_loopback()
            || address.is_private()
            || address.is_unspecified()
            || address.is_link_local()
            || address.is_documentation());
    }
    let top = labels.last().copied().unwrap_or_default();
    if top.len() < 2 || !top.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        return false;
    }
    // RFC 2606 and RFC 6761 names, and the XML namespaces every parser names.
    let reserved_top = [
        "example",
        "invalid",
        "test",
        "localhost",
        "local",
        "internal",
    ];
    let reserved = [
        "example.com",
        "example.org",
        "example.net",
        "w3.org",
        "www.w3.org",
    ];
    !reserved_top.contains(&top)
        && !reserved
            .iter()
            .any(|name| host == *name || host.ends_with(&format!(".{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(text: &str) -> Vec<String> {
        url_hosts(text.as_bytes())
            .into_iter()
            .map(|(host, _)| host)
            .collect()
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            hosts(
                "fetch('https://user:pw@API.Service.io:8443/x'); ws://relay.net/a \
                 http://localhost:3000 https://example.com/ http://127.0.0.1/ \
                 https://${host}/x http://10.0.0.1/ https://api.service.io/again \
                 http://45.9.148.3:80/p xmlns='http://www.w3.org/2000/svg' file:///etc/x"
            ),
            ["api.service.io", "relay.net", "45.9.148.3"]
        );
    }

    #[test]
    fn requirements_without_extras() {
        let metadata = "Metadata-Version: 2.1\nName: x\nRequires-Dist: Requests (>=2)\n\
                        Requires-Dist: typing_extensions; python_version < \"3.8\"\n\
                        Requires-Dist: pytest ; extra == 'test'\n\
                        Requires-Dist: Zope.Interface>=5\n\nRequires-Dist: in-the-description\n";
        let names: Vec<String> = requires_dist(metadata).collect();
        assert_eq!(names, ["requests", "typing-extensions", "zope-interface"]);
    }
}
