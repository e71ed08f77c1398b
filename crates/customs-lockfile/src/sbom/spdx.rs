//! SPDX 2.2 and 2.3 JSON (<https://spdx.github.io/spdx-spec/v2.3/>).
//!
//! - `packages` with a `purl` external reference (category `PACKAGE-MANAGER`, `PACKAGE_MANAGER`
//!   in 2.2) of an ecosystem customs reads become packages; the package's `name` is kept for
//!   display when it names the same package. An `OTHER` / `customs-source` reference
//!   (`workspace:<path>` or `path:<path>`, percent-encoded) restores a local source.
//! - `checksums` are the digests; an http(s) `downloadLocation` is the artifact URL (`NONE`,
//!   `NOASSERTION` and VCS locations are not); `licenseDeclared` the licence unless
//!   `NOASSERTION` or `NONE` (`licenseConcluded` is the document author's conclusion, not what
//!   the package declares).
//! - Relationships give the graph: `A DEPENDS_ON B`, and the reversed `B DEPENDENCY_OF A`,
//!   `B DEV_DEPENDENCY_OF A`, `B OPTIONAL_DEPENDENCY_OF A` (and the build, runtime, test and
//!   provided kinds). What the document `DESCRIBES` (or lists in `documentDescribes`) is the
//!   project: what it depends on is direct, and it is a local package when it has a purl. A
//!   document that describes several elements names no one project, and none is taken for it.
//! - Scopes: SPDX has no field for them, only the kinds of edges. When the document uses the
//!   dev or optional kinds, scopes are computed from the root as npm does (see
//!   [`super::Assembly`]); when it uses only `DEPENDS_ON` it does not say, and scopes stay
//!   unknown: SPDX cannot tell a production dependency from one of unknown scope.
//! - `SPDX-2.0` and `SPDX-2.1` documents (which predate the JSON format) are read as 2.2 with a
//!   warning; SPDX 3 is a different model and refused.

use std::collections::HashSet;

use customs_core::Integrity;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::cyclonedx::{is_http, value_follows};
use super::{Assembly, EdgeKind, Entry, hash_algorithm, local_source, percent_decode};
use crate::{Input, LineIndex, ParseError, Parsed};

pub(crate) fn sniff(head: &str) -> bool {
    head.trim_start().starts_with('{') && value_follows(head, "\"spdxVersion\"", "\"SPDX-")
}

#[derive(Deserialize)]
struct JsonDocument<'a> {
    #[serde(rename = "spdxVersion", borrow)]
    spdx_version: Option<&'a RawValue>,
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    #[serde(rename = "documentDescribes")]
    document_describes: Option<Vec<String>>,
    #[serde(borrow)]
    packages: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    relationships: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct JsonPackage {
    #[serde(rename = "SPDXID")]
    spdx_id: Option<String>,
    name: Option<String>,
    #[serde(rename = "downloadLocation")]
    download_location: Option<String>,
    checksums: Option<Vec<JsonChecksum>>,
    #[serde(rename = "licenseDeclared")]
    license_declared: Option<String>,
    #[serde(rename = "externalRefs")]
    external_refs: Option<Vec<JsonExternalRef>>,
}

#[derive(Deserialize)]
struct JsonChecksum {
    algorithm: String,
    #[serde(rename = "checksumValue")]
    value: String,
}

#[derive(Deserialize)]
struct JsonExternalRef {
    #[serde(rename = "referenceCategory")]
    category: String,
    #[serde(rename = "referenceType")]
    kind: String,
    #[serde(rename = "referenceLocator")]
    locator: String,
}

#[derive(Deserialize)]
struct JsonRelationship {
    #[serde(rename = "spdxElementId")]
    element: String,
    #[serde(rename = "relatedSpdxElement")]
    related: String,
    #[serde(rename = "relationshipType")]
    kind: String,
}

pub(crate) fn parse(input: Input<'_>) -> Result<Parsed, ParseError> {
    let document: JsonDocument<'_> =
        serde_json::from_str(input.text).map_err(|error| ParseError::json("SPDX JSON", error))?;
    let lines = LineIndex::new(input.text);
    let line_of = |raw: &RawValue| lines.line_of(raw.get()).unwrap_or(1);
    let mut assembly = Assembly::new(input.path);
    let Some(raw_version) = document.spdx_version else {
        return Err(ParseError::at(
            1,
            "not an SPDX document: no spdxVersion (an SPDX 2 JSON document says \
             \"spdxVersion\": \"SPDX-2.3\")",
        ));
    };
    let version = serde_json::from_str::<String>(raw_version.get()).unwrap_or_default();
    let version = match version.trim() {
        "SPDX-2.2" | "SPDX-2.3" => version.trim().trim_start_matches("SPDX-").to_owned(),
        old @ ("SPDX-2.0" | "SPDX-2.1") => {
            assembly.warnings.push(ParseError::at(
                line_of(raw_version),
                format!("{old} predates SPDX's JSON format; read as SPDX 2.2"),
            ));
            old.trim_start_matches("SPDX-").to_owned()
        }
        _ => {
            return Err(ParseError::at(
                line_of(raw_version),
                format!(
                    "unsupported spdxVersion {} (customs reads SPDX-2.2 and SPDX-2.3 JSON)",
                    raw_version.get()
                ),
            ));
        }
    };
    let mut relationships = Vec::new();
    for raw in document.relationships.unwrap_or_default() {
        match serde_json::from_str::<JsonRelationship>(raw.get()) {
            Ok(relationship) => relationships.push(relationship),
            Err(error) => assembly
                .errors
                .push(ParseError::at(line_of(raw), "invalid SPDX relationship").with_source(error)),
        }
    }
    // The project is what the document describes; it must be known before its package is
    // built, since it becomes a local one.
    let document_id = document.spdx_id.as_deref().unwrap_or("SPDXRef-DOCUMENT");
    let mut described: HashSet<&str> = document
        .document_describes
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    for relationship in &relationships {
        match relationship.kind.as_str() {
            "DESCRIBES" if relationship.element == document_id => {
                described.insert(&relationship.related);
            }
            "DESCRIBED_BY" if relationship.related == document_id => {
                described.insert(&relationship.element);
            }
            _ => {}
        }
    }
    // A document describing several elements (some list every package) names no one project:
    // making them all local would hide registry packages from every check.
    if described.len() > 1 {
        described.clear();
    }
    for raw in document.packages.unwrap_or_default() {
        let line = line_of(raw);
        match serde_json::from_str::<JsonPackage>(raw.get()) {
            Ok(package) => {
                let root = package
                    .spdx_id
                    .as_deref()
                    .is_some_and(|id| described.contains(id));
                let (entry, errors) = entry(package, line);
                assembly.errors.extend(errors);
                assembly.add(entry, root)?;
            }
            Err(error) => assembly
                .errors
                .push(ParseError::at(line, "invalid SPDX package").with_source(error)),
        }
    }
    for relationship in &relationships {
        let (from, to) = (relationship.element.as_str(), relationship.related.as_str());
        match relationship.kind.as_str() {
            "DEPENDS_ON" => assembly.edge(from, to, EdgeKind::Prod)?,
            "DEPENDENCY_OF"
            | "BUILD_DEPENDENCY_OF"
            | "RUNTIME_DEPENDENCY_OF"
            | "PROVIDED_DEPENDENCY_OF" => assembly.edge(to, from, EdgeKind::Prod)?,
            "OPTIONAL_DEPENDENCY_OF" => assembly.edge(to, from, EdgeKind::Optional)?,
            "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" => {
                assembly.edge(to, from, EdgeKind::Dev)?;
            }
            _ => {}
        }
    }
    Ok(assembly.finish(format!("SPDX {version} JSON"), true))
}

fn entry(package: JsonPackage, line: u32) -> (Entry, Vec<ParseError>) {
    let mut errors = Vec::new();
    let mut entry = Entry {
        line,
        reference: package.spdx_id,
        license: package
            .license_declared
            .map(|l| l.trim().to_owned())
            .filter(|l| !matches!(l.as_str(), "" | "NOASSERTION" | "NONE")),
        artifact_url: package
            .download_location
            .map(|l| l.trim().to_owned())
            .filter(|l| is_http(l)),
        ..Entry::default()
    };
    for reference in package.external_refs.unwrap_or_default() {
        let category = reference.category.to_ascii_uppercase().replace('_', "-");
        match (category.as_str(), reference.kind.as_str()) {
            ("PACKAGE-MANAGER", "purl") => {
                // Several purls (rare): the first one of an ecosystem customs reads.
                let ours = matches!(
                    super::identity(&reference.locator, None),
                    Ok(super::Purl::Ours(_))
                );
                if entry.purl.is_none() || (ours && !purl_is_ours(entry.purl.as_deref())) {
                    entry.purl = Some(reference.locator);
                }
            }
            ("OTHER", "customs-source") => {
                entry.local = local_source(&percent_decode(&reference.locator));
            }
            _ => {}
        }
    }
    for checksum in package.checksums.unwrap_or_default() {
        let Some(algorithm) = hash_algorithm(&checksum.algorithm) else {
            continue;
        };
        match Integrity::from_hex(algorithm, checksum.value.trim()) {
            Ok(integrity) => {
                if !entry.integrity.contains(&integrity) {
                    entry.integrity.push(integrity);
                }
            }
            Err(error) => errors.push(
                ParseError::at(
                    line,
                    format!(
                        "bad checksum for {}",
                        package.name.as_deref().unwrap_or("a package")
                    ),
                )
                .with_source(error),
            ),
        }
    }
    entry.name = package.name;
    (entry, errors)
}

fn purl_is_ours(purl: Option<&str>) -> bool {
    purl.is_some_and(|purl| matches!(super::identity(purl, None), Ok(super::Purl::Ours(_))))
}
