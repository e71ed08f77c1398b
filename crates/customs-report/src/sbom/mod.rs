//! Software bills of materials: CycloneDX 1.5 and 1.6 (JSON and XML) and SPDX 2.3 (JSON).
//!
//! Both formats are written from one view of the inventory, [`Bom`]: one entry per distinct
//! [`Package::id`] across every lockfile of the run (a package two lockfiles share appears once,
//! with both locations), sorted by that id, plus the project's root. What goes where is the
//! contract in `docs/sbom.md`, which customs' own SBOM reader follows in reverse.
//!
//! Output is reproducible: every collection is sorted, the time comes from the caller (who
//! honours `SOURCE_DATE_EPOCH`), and the serial number (`urn:uuid:` for CycloneDX, the
//! `documentNamespace` for SPDX) is a name-based UUID (RFC 4122 version 5) of the document's own
//! bytes, written with a fixed placeholder first and patched in place: the same input gives the
//! same bytes, and a different input a different serial.
//!
//! Quirks worth knowing:
//! - CycloneDX's JSON schema restricts the serial to lowercase hex; SPDX's tools check
//!   `downloadLocation` against a URL pattern that wants a domain name, so an artifact URL that
//!   fails it is left out of SPDX (and kept in CycloneDX).
//! - Per-file PyPI digests lose the file they belong to: neither format ties a component hash to
//!   one of several artifacts.
//! - Package names, versions, URLs and licence text are hostile input. JSON escaping handles them;
//!   the XML writer also replaces characters XML 1.0 cannot carry at all.

mod cyclonedx;
mod spdx;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};

use customs_core::{
    FastMap, HashAlgorithm, Inventory, LockfileReport, Package, PackageId, Scope, Source,
};
use sha1::{Digest as _, Sha1};

pub use cyclonedx::{write_cyclonedx_json, write_cyclonedx_xml};
pub use spdx::write_spdx_json;

/// The CycloneDX specification versions customs writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CycloneDxVersion {
    V1_5,
    #[default]
    V1_6,
}

impl CycloneDxVersion {
    pub const ALL: [CycloneDxVersion; 2] = [CycloneDxVersion::V1_5, CycloneDxVersion::V1_6];

    /// As `specVersion` writes it: `1.6`.
    pub fn as_str(self) -> &'static str {
        match self {
            CycloneDxVersion::V1_5 => "1.5",
            CycloneDxVersion::V1_6 => "1.6",
        }
    }

    /// `1.5` or `1.6`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// The SPDX version customs writes.
pub const SPDX_VERSION: &str = "2.3";

/// What a document says beyond the inventory.
#[derive(Clone, Debug)]
pub struct SbomOptions {
    /// When the document was made; written to the second, in UTC. Callers derive it from
    /// `SOURCE_DATE_EPOCH` when that is set, so that builds are reproducible.
    pub timestamp: jiff::Timestamp,
    /// customs' own version, for the tool entry.
    pub tool_version: String,
    /// Names the root component when the inventory holds no root package of its own (usually the
    /// scanned directory's name).
    pub project_name: String,
}

/// The bom-ref of the root component when the project has no package of its own.
const SYNTHETIC_ROOT_REF: &str = "root";

/// Stands in for the serial number until the document's hash is known. Same length as a UUID.
const SERIAL_PLACEHOLDER: &[u8; 36] = b"00000000-0000-0000-0000-000000000000";

/// The namespace of customs' name-based serial numbers (a random UUID, fixed forever: changing it
/// changes every serial).
const SERIAL_NAMESPACE: [u8; 16] = [
    0xd4, 0x8d, 0x91, 0x5a, 0x7a, 0xcd, 0x4f, 0x26, 0x85, 0x28, 0x0d, 0x24, 0x35, 0x5e, 0x97, 0xfe,
];

/// One component of the SBOM: a distinct package, merged across lockfiles.
#[derive(Debug)]
pub(crate) struct Component<'a> {
    /// The bom-ref: [`Package::id`].
    pub(crate) id: PackageId,
    /// The purl where it differs from the id (local packages); else the id is the purl.
    local_purl: Option<String>,
    /// Borrowed from the inventory unless several lockfiles had to be merged into it.
    pub(crate) package: Cow<'a, Package>,
}

impl Component<'_> {
    pub(crate) fn purl(&self) -> &str {
        self.local_purl.as_deref().unwrap_or(self.id.as_str())
    }

    /// npm scoped names split into CycloneDX's `group` (`@scope`) and `name`, as cyclonedx-npm
    /// writes them.
    pub(crate) fn group_and_name(&self) -> (Option<&str>, &str) {
        let name = self.package.name.as_str();
        if self.package.ecosystem == customs_core::Ecosystem::Npm
            && name.starts_with('@')
            && let Some((scope, rest)) = name.split_once('/')
        {
            return (Some(scope), rest);
        }
        (None, name)
    }
}

/// The project itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Root {
    /// The inventory's own root package (index into [`Bom::components`]), described as the
    /// root and not repeated among the components.
    Package(usize),
    /// No root package: an application named after the project, with bom-ref `root`.
    Synthetic,
}

/// The inventory as an SBOM sees it.
#[derive(Debug)]
pub(crate) struct Bom<'a> {
    /// Sorted by id; includes the root package, if any (see [`Root`]).
    pub(crate) components: Vec<Component<'a>>,
    pub(crate) root: Root,
    /// Each component's dependencies that are in the SBOM, as indices into `components` (so in
    /// id order).
    pub(crate) dependencies: Vec<Vec<usize>>,
    /// What the root depends on: the direct packages and the root package's own dependencies.
    /// CycloneDX writes it for the synthetic root only (a root package lists its own
    /// dependencies, and `customs:direct` marks the rest); SPDX, with no other place to say
    /// which packages are direct, relates the root to all of them.
    pub(crate) root_dependencies: Vec<usize>,
    pub(crate) project_name: &'a str,
}

impl<'a> Bom<'a> {
    pub(crate) fn new(inventory: &'a Inventory, project_name: &'a str) -> Self {
        let mut components: Vec<Component<'a>> = Vec::new();
        let mut slot_of: FastMap<PackageId, usize> = FastMap::default();
        let several = inventory.lockfiles.len() > 1;
        for lockfile in &inventory.lockfiles {
            let packages: Vec<Cow<'a, Package>> = if several {
                rebased(lockfile)
            } else {
                lockfile.packages.iter().map(Cow::Borrowed).collect()
            };
            for package in packages {
                let id = package.id();
                if let Some(component) = slot_of.get(&id).and_then(|&slot| components.get_mut(slot))
                {
                    component.package.to_mut().merge(package.into_owned());
                    continue;
                }
                let local_purl = package.is_local().then(|| package.purl());
                slot_of.insert(id.clone(), components.len());
                components.push(Component {
                    id,
                    local_purl,
                    package,
                });
            }
        }
        drop(slot_of);
        components.sort_unstable_by(|a, b| a.id.cmp(&b.id));

        let position: FastMap<&str, usize> = components
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let dependencies: Vec<Vec<usize>> = components
            .iter()
            .map(|component| {
                let mut targets: Vec<usize> = component
                    .package
                    .dependencies
                    .iter()
                    .filter_map(|dependency| position.get(dependency.as_str()).copied())
                    .collect();
                // Ids sort as positions do; a set of ids is already sorted, but stay exact.
                targets.sort_unstable();
                targets.dedup();
                targets
            })
            .collect();
        drop(position);

        let root = find_root(inventory, &components);
        let mut root_dependencies: BTreeSet<usize> = components
            .iter()
            .enumerate()
            .filter(|(_, c)| c.package.direct)
            .map(|(i, _)| i)
            .collect();
        if let Root::Package(root_index) = root {
            if let Some(own) = dependencies.get(root_index) {
                root_dependencies.extend(own.iter().copied());
            }
            root_dependencies.remove(&root_index);
        }
        Bom {
            components,
            root,
            dependencies,
            root_dependencies: root_dependencies.into_iter().collect(),
            project_name,
        }
    }

    /// The components other than the root, with their positions.
    pub(crate) fn non_root(&self) -> impl Iterator<Item = (usize, &Component<'a>)> {
        let root = match self.root {
            Root::Package(index) => Some(index),
            Root::Synthetic => None,
        };
        self.components
            .iter()
            .enumerate()
            .filter(move |(i, _)| Some(*i) != root)
    }

    /// The component whose id is `id`.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.components
            .binary_search_by(|c| c.id.as_str().cmp(id))
            .ok()
    }
}

/// A lockfile's packages with the paths of its local packages (relative to the lockfile's
/// directory) made relative to the scanned root, and the edges to them renamed to match. Two
/// lockfiles' roots, `web/` and `admin/`, may both be `app@1.0.0` at `.`: in one SBOM they are
/// different components, so their ids must differ.
fn rebased(lockfile: &LockfileReport) -> Vec<Cow<'_, Package>> {
    let directory = match lockfile.path.rsplit_once('/') {
        Some((directory, _)) => directory,
        None => return lockfile.packages.iter().map(Cow::Borrowed).collect(),
    };
    let mut renamed: FastMap<PackageId, PackageId> = FastMap::default();
    let mut packages: Vec<Cow<'_, Package>> = lockfile
        .packages
        .iter()
        .map(|package| match &package.source {
            // Unrecorded and absolute paths say nothing relative to the lockfile.
            Source::Workspace { path } | Source::Path { path }
                if !path.is_empty() && !path.starts_with('/') && !path.contains(':') =>
            {
                let mut moved = package.clone();
                let joined = customs_core::join_path(directory, path);
                match &mut moved.source {
                    Source::Workspace { path } | Source::Path { path } => *path = joined,
                    _ => {}
                }
                renamed.insert(package.id(), moved.id());
                Cow::Owned(moved)
            }
            _ => Cow::Borrowed(package),
        })
        .collect();
    if renamed.is_empty() {
        return packages;
    }
    for package in &mut packages {
        if package.dependencies.iter().any(|d| renamed.contains_key(d)) {
            let package = package.to_mut();
            package.dependencies = std::mem::take(&mut package.dependencies)
                .into_iter()
                .map(|d| renamed.get(&d).cloned().unwrap_or(d))
                .collect();
        }
    }
    packages
}

/// The project's own root package: the one workspace package at the top (`.` or no path) of the
/// only lockfile. With several lockfiles, or several candidates, there is no single root package.
fn find_root(inventory: &Inventory, components: &[Component<'_>]) -> Root {
    let [lockfile] = inventory.lockfiles.as_slice() else {
        return Root::Synthetic;
    };
    let mut candidates = lockfile.packages.iter().filter(
        |p| matches!(&p.source, Source::Workspace { path } if path.is_empty() || path == "."),
    );
    let (Some(root), None) = (candidates.next(), candidates.next()) else {
        return Root::Synthetic;
    };
    let id = root.id();
    match components.binary_search_by(|c| c.id.cmp(&id)) {
        Ok(index) => Root::Package(index),
        Err(_) => Root::Synthetic,
    }
}

/// A package's properties in the `customs:` namespace, sorted by name then value.
pub(crate) fn properties<'p>(package: &'p Package) -> Vec<(&'static str, Cow<'p, str>)> {
    let mut properties: Vec<(&'static str, Cow<'p, str>)> = Vec::new();
    for location in &package.locations {
        properties.push((
            "customs:location",
            Cow::Owned(format!("{}:{}", location.path, location.line)),
        ));
    }
    match &package.source {
        Source::Workspace { path } => {
            properties.push(("customs:source", Cow::Owned(format!("workspace:{path}"))));
        }
        Source::Path { path } => {
            properties.push(("customs:source", Cow::Owned(format!("path:{path}"))));
        }
        Source::Git {
            reference: Some(reference),
            ..
        } => properties.push(("customs:git-reference", Cow::Borrowed(reference))),
        Source::Git { .. } | Source::Registry { .. } | Source::Url { .. } => {}
    }
    if package.direct {
        properties.push(("customs:direct", Cow::Borrowed("true")));
    }
    if package.install_script {
        properties.push(("customs:install-script", Cow::Borrowed("true")));
    }
    for alias in &package.aliases {
        properties.push(("customs:alias", Cow::Borrowed(alias)));
    }
    if let Some(requirement) = &package.requirement {
        properties.push(("customs:requirement", Cow::Borrowed(requirement)));
    }
    properties.sort();
    properties.dedup();
    properties
}

/// The distinct (algorithm, digest) pairs of a package, sorted: the per-file association of
/// PyPI digests is not carried, so two files with one digest give one hash.
pub(crate) fn hashes(package: &Package) -> Vec<(HashAlgorithm, &str)> {
    let mut hashes: Vec<(HashAlgorithm, &str)> = package
        .integrity
        .iter()
        .map(|i| (i.algorithm, i.digest.as_str()))
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    hashes
}

/// CycloneDX's name of a hash algorithm.
pub(crate) fn cyclonedx_algorithm(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Md5 => "MD5",
        HashAlgorithm::Sha1 => "SHA-1",
        HashAlgorithm::Sha256 => "SHA-256",
        HashAlgorithm::Sha384 => "SHA-384",
        HashAlgorithm::Sha512 => "SHA-512",
        HashAlgorithm::Blake2b256 => "BLAKE2b-256",
    }
}

/// SPDX's name of a hash algorithm.
pub(crate) fn spdx_algorithm(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Md5 => "MD5",
        HashAlgorithm::Sha1 => "SHA1",
        HashAlgorithm::Sha256 => "SHA256",
        HashAlgorithm::Sha384 => "SHA384",
        HashAlgorithm::Sha512 => "SHA512",
        HashAlgorithm::Blake2b256 => "BLAKE2b-256",
    }
}

/// CycloneDX's component scope.
pub(crate) fn cyclonedx_scope(scope: Option<Scope>) -> Option<&'static str> {
    scope.map(|scope| match scope {
        Scope::Prod => "required",
        Scope::Optional => "optional",
        Scope::Dev => "excluded",
    })
}

/// A declared licence as SBOMs carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum License {
    /// A valid SPDX expression, in canonical form (`Apache-2.0 OR MIT`, `GPL-2.0-or-later`).
    Expression(String),
    /// Anything else, as declared.
    Text(String),
}

/// Longest licence text parsed as an expression: real ones are short, and parsing is linear.
const MAX_EXPRESSION_LEN: usize = 512;

/// Classifies declared licences, remembering each distinct text: a lockfile repeats `MIT` a
/// thousand times.
#[derive(Debug, Default)]
pub(crate) struct Licenses {
    seen: FastMap<String, Option<License>>,
}

impl Licenses {
    pub(crate) fn of(&mut self, package: &Package) -> Option<License> {
        let declared = package.license.as_deref()?;
        if let Some(known) = self.seen.get(declared) {
            return known.clone();
        }
        let license = classify(declared);
        self.seen.insert(declared.to_owned(), license.clone());
        license
    }
}

/// A valid SPDX expression (after the usual fixes: `MIT/Apache-2.0`, lowercase operators,
/// `GPL-2.0+`, well-known imprecise names) becomes its canonical form; other text is kept as is.
fn classify(declared: &str) -> Option<License> {
    let text = declared.trim();
    if text.is_empty() {
        return None;
    }
    if text.len() <= MAX_EXPRESSION_LEN
        && let Ok(canonical) = ::spdx::Expression::canonicalize(text)
    {
        let candidate = canonical.as_deref().unwrap_or(text);
        if ::spdx::Expression::parse(candidate).is_ok() {
            return Some(License::Expression(candidate.to_owned()));
        }
    }
    Some(License::Text(text.to_owned()))
}

/// Whether `url` can stand as a URL in an SBOM (CycloneDX's `iri-reference`, XML's `anyURI`):
/// an absolute `scheme://` URL of characters RFC 3987 allows, with well-formed percent
/// escapes and at most one `#`. Others (scp-like `git@host:path`, text with spaces) are left
/// out; the purl still carries them.
pub(crate) fn is_absolute_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    let scheme_ok = scheme
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic())
        && scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if !scheme_ok || rest.is_empty() || url.matches('#').count() > 1 {
        return false;
    }
    // A port is digits: `ssh://git@host:owner/repo` is an scp-like path in URL clothing.
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_and_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if host_and_port
        .split_once(':')
        .is_some_and(|(_, port)| !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    let bytes = url.as_bytes();
    let escapes_ok = bytes.iter().enumerate().all(|(i, &b)| {
        b != b'%'
            || (bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    let characters_ok = url.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | '~'
                    | ':'
                    | '/'
                    | '?'
                    | '#'
                    | '@'
                    | '!'
                    | '$'
                    | '&'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | '='
                    | '%'
            )
            || (!c.is_ascii() && !c.is_control() && !c.is_whitespace())
    });
    escapes_ok && characters_ok
}

/// The git URL of a git source, with its commit, as SPDX and purls write it
/// (`git+https://host/repo@commit`).
pub(crate) fn git_download_location(url: &str, commit: Option<&str>) -> String {
    let mut location = String::with_capacity(url.len() + 48);
    if !url.starts_with("git+") {
        location.push_str("git+");
    }
    location.push_str(url);
    if let Some(commit) = commit {
        location.push('@');
        location.push_str(commit);
    }
    location
}

/// Writes `document` (built with [`SERIAL_PLACEHOLDER`] where the serial goes, at or after
/// `search_from`) to `out`, with the placeholder replaced by the document's name-based UUID.
pub(crate) fn write_with_serial<W: Write + ?Sized>(
    mut document: Vec<u8>,
    search_from: usize,
    out: &mut W,
) -> io::Result<()> {
    let found = document
        .get(search_from..)
        .and_then(|tail| {
            tail.windows(SERIAL_PLACEHOLDER.len())
                .position(|window| window == SERIAL_PLACEHOLDER)
        })
        .map(|at| search_from + at);
    let Some(at) = found else {
        return Err(io::Error::other(
            "internal error: the SBOM has no place for its serial number",
        ));
    };
    let serial = content_uuid(&document);
    if let Some(slot) = document.get_mut(at..at + SERIAL_PLACEHOLDER.len()) {
        slot.copy_from_slice(serial.as_bytes());
    }
    out.write_all(&document)
}

/// RFC 4122 version 5: SHA-1 of customs' namespace and the content, lowercase hex.
fn content_uuid(content: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(SERIAL_NAMESPACE);
    hasher.update(content);
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut uuid = String::with_capacity(36);
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uuid.push('-');
        }
        uuid.push(char::from(HEX[usize::from(byte >> 4)]));
        uuid.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    uuid
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `text` with everything but RFC 3986's unreserved characters percent-encoded: safe as one
/// segment of a URL path, and free of spaces.
pub(crate) fn percent_encode(text: &str) -> Cow<'_, str> {
    let unreserved = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if text.bytes().all(unreserved) {
        return Cow::Borrowed(text);
    }
    let mut encoded = String::with_capacity(text.len() + 8);
    for byte in text.bytes() {
        if unreserved(byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push('%');
            encoded.push(char::from(HEX_UPPER[usize::from(byte >> 4)]));
            encoded.push(char::from(HEX_UPPER[usize::from(byte & 0x0f)]));
        }
    }
    Cow::Owned(encoded)
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The time as both formats want it: `2026-01-31T12:00:00Z`, whole seconds, UTC.
pub(crate) fn format_timestamp(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_that_sboms_can_carry() {
        for url in [
            "https://registry.npmjs.org/@babel/core/-/core-7.0.0.tgz",
            "git+ssh://git@github.com/o/r.git",
            "http://localhost:4873/a/-/a-1.0.0.tgz",
            "https://example.com/%E2%82%AC/caf\u{e9}.tgz",
            "file:///tmp/a.tgz",
        ] {
            assert!(is_absolute_url(url), "{url}");
        }
        for url in [
            "git@github.com:o/r.git",
            "ssh://git@github.com:o/r.git",
            "https://example.com/a b.tgz",
            "https://example.com/100%",
            "https://example.com/a#b#c",
            "https://exa<mple.com/",
            "//example.com/a",
            "1http://example.com",
            "https://",
        ] {
            assert!(!is_absolute_url(url), "{url}");
        }
    }

    #[test]
    fn licences_are_classified_once_per_text() {
        assert_eq!(
            classify("Apache-2.0 / MIT"),
            Some(License::Expression("Apache-2.0 OR MIT".to_owned()))
        );
        assert_eq!(
            classify("GPL-2.0"),
            Some(License::Expression("GPL-2.0-only".to_owned()))
        );
        assert_eq!(
            classify("UNLICENSED"),
            Some(License::Text("UNLICENSED".to_owned()))
        );
        assert_eq!(classify(" "), None);
        let long = "MIT AND ".repeat(100) + "MIT";
        assert_eq!(
            classify(&long),
            Some(License::Text(long.clone())),
            "too long to parse"
        );
    }

    #[test]
    fn serials_are_version_5_uuids_of_the_content() {
        let a = content_uuid(b"one document");
        assert_eq!(a, content_uuid(b"one document"));
        assert_ne!(a, content_uuid(b"another document"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "5");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        let mut out = Vec::new();
        let document =
            b"{\"serialNumber\": \"urn:uuid:00000000-0000-0000-0000-000000000000\"}".to_vec();
        write_with_serial(document.clone(), 0, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "{{\"serialNumber\": \"urn:uuid:{}\"}}",
                content_uuid(&document)
            )
        );
        assert!(write_with_serial(b"no place".to_vec(), 0, &mut Vec::new()).is_err());
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("GHSA-abcd_1.2~x"), "GHSA-abcd_1.2~x");
        assert_eq!(percent_encode("a b/c?é"), "a%20b%2Fc%3F%C3%A9");
    }
}
