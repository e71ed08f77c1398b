//! SPDX 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).
//!
//! One package per component (no files: `filesAnalyzed` is false), the root described by the
//! document, and the dependency graph as relationships whose direction and type carry the
//! scope: `A DEPENDS_ON B` for production (or unknown) edges, `B DEV_DEPENDENCY_OF A` and
//! `B OPTIONAL_DEPENDENCY_OF A` when B is dev- or optional-scoped. SPDX has no place for
//! production versus unknown scope, nor for locations, aliases or requirements.
//!
//! Quirks of the official tools (spdx-tools) that shape the output:
//! - `downloadLocation` must match a URL pattern that wants a domain name with a 2–5 letter
//!   top-level domain; anything else (an IP address, `localhost`, `file:`) is written as
//!   `NOASSERTION` rather than as an invalid document.
//! - A `LicenseRef-` in an expression must be declared in `hasExtractedLicensingInfos`; customs
//!   declares each, saying the lockfile did not record its text. Expressions referring to other
//!   documents cannot be resolved and are written as `NOASSERTION`.
//! - `OTHER` external references may not contain spaces: local paths encode them as `%20`.

use std::collections::{BTreeSet, HashSet};
use std::io::{self, Write};

use customs_core::{HashAlgorithm, Inventory, Scope, Source};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use sha1::{Digest as _, Sha1};

use super::{
    Bom, Component, License, Licenses, Root, SERIAL_PLACEHOLDER, SbomOptions, format_timestamp,
    git_download_location, hashes, is_absolute_url, spdx_algorithm, write_with_serial,
};

/// The base of every document namespace: customs' own site, as the specification suggests
/// (`https://[CreatorWebsite]/[pathToSpdx]/[DocumentName]-[UUID]`).
const NAMESPACE_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/spdxdocs/");

/// `spdxVersion`: [`super::SPDX_VERSION`] as the document writes it.
const SPDX_DOCUMENT_VERSION: &str = "SPDX-2.3";

const ROOT_ID: &str = "SPDXRef-Root";
const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
const NOASSERTION: &str = "NOASSERTION";

/// Writes an SPDX 2.3 JSON document for `inventory`.
pub fn write_spdx_json<W: Write + ?Sized>(
    inventory: &Inventory,
    options: &SbomOptions,
    out: &mut W,
) -> io::Result<()> {
    let bom = Bom::new(inventory, &options.project_name);
    let ids = spdx_ids(&bom);
    let mut licenses = Licenses::default();
    let mut license_refs: BTreeSet<String> = BTreeSet::new();
    let mut packages: Vec<PackageView<'_>> = Vec::with_capacity(bom.components.len() + 1);
    if bom.root == Root::Synthetic {
        packages.push(PackageView::synthetic_root(bom.project_name));
    }
    let root_index = match bom.root {
        Root::Package(index) => Some(index),
        Root::Synthetic => None,
    };
    // The root first, then the rest in id order.
    let order = root_index
        .into_iter()
        .chain((0..bom.components.len()).filter(|&i| Some(i) != root_index));
    for index in order {
        let (Some(component), Some(id)) = (bom.components.get(index), ids.get(index)) else {
            continue;
        };
        let license = licenses.of(&component.package);
        packages.push(PackageView::new(
            component,
            id,
            license,
            Some(index) == root_index,
            &mut license_refs,
        ));
    }

    let namespace_name = namespace_name(bom.project_name);
    let document = Document {
        spdx_version: SPDX_DOCUMENT_VERSION,
        data_license: "CC0-1.0",
        spdx_id: DOCUMENT_ID,
        document_namespace: format!(
            "{NAMESPACE_BASE}{namespace_name}-{}",
            String::from_utf8_lossy(SERIAL_PLACEHOLDER.as_slice())
        ),
        name: bom.project_name,
        creation_info: CreationInfo {
            created: format_timestamp(options.timestamp),
            creators: [format!("Tool: customs-{}", options.tool_version)],
        },
        packages,
        extracted_licenses: license_refs
            .iter()
            .map(|id| ExtractedLicense {
                license_id: id,
                extracted_text: format!(
                    "A package declares {id}; the lockfile does not record the licence's text."
                ),
                name: id.strip_prefix("LicenseRef-").unwrap_or(id),
            })
            .collect(),
        relationships: relationships(&bom, &ids),
    };
    let mut buffer = Vec::with_capacity(1024 + bom.components.len() * 768);
    serde_json::to_writer_pretty(&mut buffer, &document)?;
    buffer.push(b'\n');
    // The placeholder follows the namespace's fixed prefix; the project name before it is
    // sanitized, so it cannot be mistaken for the placeholder's position.
    let key = b"\"documentNamespace\": \"";
    let search_from = buffer
        .windows(key.len())
        .position(|window| window == key)
        .map_or(0, |at| {
            at + key.len() + NAMESPACE_BASE.len() + namespace_name.len() + 1
        });
    write_with_serial(buffer, search_from, out)
}

/// The project name as it appears in the namespace URI: letters, digits, `.`, `_` and `-`.
fn namespace_name(name: &str) -> String {
    let sanitized: String = name
        .chars()
        .take(64)
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if sanitized.is_empty() {
        "project".to_owned()
    } else {
        sanitized
    }
}

/// `SPDXRef-Package-<name>-<version>-<8 hex of the SHA-1 of the id>`, unique within the
/// document: a clash (of two ids whose names and hashes agree) gets a counter.
fn spdx_ids(bom: &Bom<'_>) -> Vec<String> {
    let mut used: HashSet<String> = HashSet::with_capacity(bom.components.len());
    bom.components
        .iter()
        .map(|component| {
            let package = &component.package;
            let mut id = String::from("SPDXRef-Package-");
            push_sanitized(&mut id, package.name.as_str());
            if let Some(version) = &package.version {
                id.push('-');
                push_sanitized(&mut id, version.as_str());
            }
            let digest = Sha1::digest(component.id.as_str().as_bytes());
            id.push('-');
            for byte in digest.iter().take(4) {
                id.push_str(&format!("{byte:02x}"));
            }
            let mut unique = id.clone();
            let mut counter = 2;
            while !used.insert(unique.clone()) {
                unique = format!("{id}-{counter}");
                counter += 1;
            }
            unique
        })
        .collect()
}

/// SPDX ids allow letters, digits, `.` and `-`; everything else becomes `-`.
fn push_sanitized(id: &mut String, text: &str) {
    for c in text.chars().take(100) {
        id.push(if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            c
        } else {
            '-'
        });
    }
}

#[derive(Serialize)]
struct Document<'a> {
    #[serde(rename = "spdxVersion")]
    spdx_version: &'static str,
    #[serde(rename = "dataLicense")]
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    #[serde(rename = "documentNamespace")]
    document_namespace: String,
    name: &'a str,
    #[serde(rename = "creationInfo")]
    creation_info: CreationInfo,
    packages: Vec<PackageView<'a>>,
    #[serde(
        rename = "hasExtractedLicensingInfos",
        skip_serializing_if = "Vec::is_empty"
    )]
    extracted_licenses: Vec<ExtractedLicense<'a>>,
    relationships: Vec<Relationship<'a>>,
}

#[derive(Serialize)]
struct CreationInfo {
    created: String,
    creators: [String; 1],
}

#[derive(Serialize)]
struct ExtractedLicense<'a> {
    #[serde(rename = "licenseId")]
    license_id: &'a str,
    #[serde(rename = "extractedText")]
    extracted_text: String,
    name: &'a str,
}

struct PackageView<'a> {
    name: &'a str,
    spdx_id: &'a str,
    version: Option<&'a str>,
    download_location: String,
    checksums: Vec<(HashAlgorithm, &'a str)>,
    license_declared: String,
    license_comment: Option<String>,
    purl: Option<&'a str>,
    /// `workspace:<path>` or `path:<path>`, spaces encoded, for local packages.
    local_source: Option<String>,
    purpose: &'static str,
}

impl<'a> PackageView<'a> {
    fn synthetic_root(name: &'a str) -> Self {
        Self {
            name,
            spdx_id: ROOT_ID,
            version: None,
            download_location: NOASSERTION.to_owned(),
            checksums: Vec::new(),
            license_declared: NOASSERTION.to_owned(),
            license_comment: None,
            purl: None,
            local_source: None,
            purpose: "APPLICATION",
        }
    }

    fn new(
        component: &'a Component<'a>,
        spdx_id: &'a str,
        license: Option<License>,
        root: bool,
        license_refs: &mut BTreeSet<String>,
    ) -> Self {
        let package: &'a customs_core::Package = &component.package;
        let download_location = package
            .artifact_url
            .as_deref()
            .filter(|url| is_spdx_download_location(url))
            .map(str::to_owned)
            .or_else(|| match &package.source {
                Source::Git { url, commit, .. } => {
                    let location = git_download_location(url, commit.as_deref());
                    is_spdx_download_location(&location).then_some(location)
                }
                _ => None,
            })
            .unwrap_or_else(|| NOASSERTION.to_owned());
        let (license_declared, license_comment) = match license {
            Some(License::Expression(expression)) => match references(&expression) {
                Some(refs) => {
                    license_refs.extend(refs);
                    (expression, None)
                }
                None => (
                    NOASSERTION.to_owned(),
                    Some(format!("The package declares the licence `{expression}`.")),
                ),
            },
            Some(License::Text(text)) => (
                NOASSERTION.to_owned(),
                Some(format!("The package declares the licence `{text}`.")),
            ),
            None => (NOASSERTION.to_owned(), None),
        };
        let local_source = match &package.source {
            Source::Workspace { path } => Some(format!("workspace:{}", path.replace(' ', "%20"))),
            Source::Path { path } => Some(format!("path:{}", path.replace(' ', "%20"))),
            Source::Registry { .. } | Source::Git { .. } | Source::Url { .. } => None,
        };
        Self {
            name: package.name.as_str(),
            spdx_id,
            version: package.version.as_ref().map(|v| v.as_str()),
            download_location,
            checksums: hashes(package),
            license_declared,
            license_comment,
            purl: Some(component.purl()),
            local_source,
            purpose: if root { "APPLICATION" } else { "LIBRARY" },
        }
    }
}

/// The `LicenseRef-` ids an expression uses, or `None` when it refers to another document
/// (`DocumentRef-…:`) or uses an SPDX 3 `AdditionRef-`, which SPDX 2.3 cannot express here.
fn references(expression: &str) -> Option<Vec<String>> {
    let mut refs = Vec::new();
    for token in expression.split(|c: char| c.is_whitespace() || c == '(' || c == ')') {
        if token.starts_with("DocumentRef-") || token.starts_with("AdditionRef-") {
            return None;
        }
        if token.starts_with("LicenseRef-") {
            refs.push(token.trim_end_matches('+').to_owned());
        }
    }
    Some(refs)
}

impl Serialize for PackageView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", self.name)?;
        map.serialize_entry("SPDXID", self.spdx_id)?;
        if let Some(version) = self.version {
            map.serialize_entry("versionInfo", version)?;
        }
        map.serialize_entry("downloadLocation", &self.download_location)?;
        map.serialize_entry("filesAnalyzed", &false)?;
        if !self.checksums.is_empty() {
            map.serialize_entry(
                "checksums",
                &self
                    .checksums
                    .iter()
                    .map(|(algorithm, value)| Checksum {
                        algorithm: spdx_algorithm(*algorithm),
                        checksum_value: value,
                    })
                    .collect::<Vec<_>>(),
            )?;
        }
        map.serialize_entry("licenseConcluded", NOASSERTION)?;
        map.serialize_entry("licenseDeclared", &self.license_declared)?;
        if let Some(comment) = &self.license_comment {
            map.serialize_entry("licenseComments", comment)?;
        }
        map.serialize_entry("copyrightText", NOASSERTION)?;
        let mut refs = Vec::new();
        if let Some(purl) = self.purl {
            refs.push(ExternalRef {
                category: "PACKAGE-MANAGER",
                kind: "purl",
                locator: purl,
            });
        }
        if let Some(source) = &self.local_source {
            refs.push(ExternalRef {
                category: "OTHER",
                kind: "customs-source",
                locator: source,
            });
        }
        if !refs.is_empty() {
            map.serialize_entry("externalRefs", &refs)?;
        }
        map.serialize_entry("primaryPackagePurpose", self.purpose)?;
        map.end()
    }
}

#[derive(Serialize)]
struct Checksum<'a> {
    algorithm: &'static str,
    #[serde(rename = "checksumValue")]
    checksum_value: &'a str,
}

#[derive(Serialize)]
struct ExternalRef<'a> {
    #[serde(rename = "referenceCategory")]
    category: &'static str,
    #[serde(rename = "referenceType")]
    kind: &'static str,
    #[serde(rename = "referenceLocator")]
    locator: &'a str,
}

#[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
struct Relationship<'a> {
    #[serde(rename = "spdxElementId")]
    element: &'a str,
    #[serde(rename = "relationshipType")]
    kind: &'static str,
    #[serde(rename = "relatedSpdxElement")]
    related: &'a str,
}

/// The document describes the root; every dependency edge becomes one relationship whose type
/// and direction say the dependency's scope. Sorted.
fn relationships<'a>(bom: &'a Bom<'a>, ids: &'a [String]) -> Vec<Relationship<'a>> {
    let root_id: &str = match bom.root {
        Root::Package(index) => ids.get(index).map_or(ROOT_ID, String::as_str),
        Root::Synthetic => ROOT_ID,
    };
    let mut relationships = vec![Relationship {
        element: DOCUMENT_ID,
        kind: "DESCRIBES",
        related: root_id,
    }];
    let mut edge = |from: &'a str, to: usize| {
        let (Some(target), Some(target_id)) = (bom.components.get(to), ids.get(to)) else {
            return;
        };
        relationships.push(match target.package.scope {
            Some(Scope::Dev) => Relationship {
                element: target_id,
                kind: "DEV_DEPENDENCY_OF",
                related: from,
            },
            Some(Scope::Optional) => Relationship {
                element: target_id,
                kind: "OPTIONAL_DEPENDENCY_OF",
                related: from,
            },
            Some(Scope::Prod) | None => Relationship {
                element: from,
                kind: "DEPENDS_ON",
                related: target_id,
            },
        });
    };
    for &target in &bom.root_dependencies {
        edge(root_id, target);
    }
    for (index, _) in bom.non_root() {
        let (Some(from), Some(targets)) = (ids.get(index), bom.dependencies.get(index)) else {
            continue;
        };
        for &target in targets {
            edge(from, target);
        }
    }
    relationships.sort_unstable();
    relationships.dedup();
    relationships
}

/// Whether spdx-tools accepts `location` as a `downloadLocation`: an optional `git+`, `hg+`,
/// `svn+` or `bzr+`, a scheme among http(s), ssh, git, svn, sftp and ftp, optional user
/// information, a host name ending in a dot and 2–5 letters, an optional port, then a path.
fn is_spdx_download_location(location: &str) -> bool {
    if !is_absolute_url(location) {
        return false;
    }
    let lower = location.to_ascii_lowercase();
    let mut rest = lower.as_str();
    for vcs in ["git+", "hg+", "svn+", "bzr+"] {
        if let Some(stripped) = rest.strip_prefix(vcs) {
            rest = stripped;
            break;
        }
    }
    let Some(after_scheme) = [
        "http://", "https://", "ssh://", "git://", "svn://", "sftp://", "ftp://",
    ]
    .iter()
    .find_map(|scheme| rest.strip_prefix(scheme)) else {
        return false;
    };
    let authority_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let (authority, _path) = after_scheme.split_at(authority_end);
    let host_and_port = match authority.rfind('@') {
        Some(at) => {
            let user = &authority[..at];
            let user_ok = !user.is_empty()
                && user.chars().all(|c| {
                    c.is_alphanumeric()
                        || matches!(
                            c,
                            '_' | '-'
                                | '.'
                                | '!'
                                | '~'
                                | '*'
                                | '\''
                                | '('
                                | ')'
                                | '%'
                                | ';'
                                | ':'
                                | '&'
                                | '='
                                | '+'
                                | '$'
                                | ','
                        )
                });
            if !user_ok {
                return false;
            }
            &authority[at + 1..]
        }
        None => authority,
    };
    let (host, port) = match host_and_port.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_and_port, None),
    };
    if port.is_some_and(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    is_spdx_host(host)
}

/// `[a-z0-9]+([-.][a-z0-9]+)*\.[a-z]{2,5}`: alphanumeric runs joined by single `-` or `.`, the
/// last run after a `.` being 2–5 letters.
fn is_spdx_host(host: &str) -> bool {
    let Some((head, top)) = host.rsplit_once('.') else {
        return false;
    };
    let top_ok = (2..=5).contains(&top.len()) && top.bytes().all(|b| b.is_ascii_lowercase());
    let head_ok = !head.is_empty()
        && head
            .split(['-', '.'])
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_alphanumeric()));
    top_ok && head_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_locations_spdx_tools_accepts() {
        for location in [
            "https://registry.npmjs.org/a/-/a-1.0.0.tgz",
            "http://files.pythonhosted.org:8080/x.whl",
            "git+https://github.com/o/r.git@0123abcd",
            "git+ssh://git@github.com/o/r.git",
            "ftp://ftp.example.co.uk/a.tar.gz",
        ] {
            assert!(is_spdx_download_location(location), "{location}");
        }
        for location in [
            "http://localhost:4873/a.tgz",
            "http://127.0.0.1/a.tgz",
            "file:///tmp/a.tgz",
            "git+git+ssh://git@github.com/o/r.git",
            "https://example.toolongtld/a",
            "https://example.com:http/a",
            "https://exa--mple.com/a",
            "git@github.com:o/r.git",
        ] {
            assert!(!is_spdx_download_location(location), "{location}");
        }
    }

    #[test]
    fn license_references_are_collected_or_refused() {
        assert_eq!(
            references("(LicenseRef-A OR MIT) AND LicenseRef-B+"),
            Some(vec!["LicenseRef-A".to_owned(), "LicenseRef-B".to_owned()])
        );
        assert_eq!(references("MIT"), Some(Vec::new()));
        assert_eq!(references("DocumentRef-x:LicenseRef-A"), None);
        assert_eq!(references("MIT WITH AdditionRef-y"), None);
    }

    #[test]
    fn namespace_names_are_uri_safe() {
        assert_eq!(namespace_name("my project (v2)"), "my-project--v2-");
        assert_eq!(namespace_name(""), "project");
    }
}
