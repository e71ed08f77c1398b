//! CycloneDX (<https://cyclonedx.org/specification/overview/>), spec 1.2 to 1.6, JSON here and
//! XML in `cyclonedx_xml`; both readers fill the [`Bom`] model below and share its mapping.
//!
//! - `components` (and their nested `components`: cyclonedx-npm nests packages installed inside
//!   another's `node_modules`) become packages when their `purl` is of an ecosystem customs
//!   reads. `metadata.component` is the project; its own nested components are its build
//!   targets (cargo-cyclonedx), not packages, and a component repeating its `bom-ref` is it.
//! - `scope`: `required` is production, `optional` optional, `excluded` development; no scope is
//!   unknown (the spec's default is `required`, but writers omit it when they do not know).
//!   npm's taxonomy property `cdx:npm:package:development` marks development packages, which
//!   `npm sbom` and cyclonedx-npm otherwise write as `optional` or `required`.
//! - `hashes`, and the hashes of `distribution` external references (where cyclonedx-npm puts
//!   npm's integrity), are the package's digests; the first http(s) `distribution` reference is
//!   its artifact URL. `vcs` references are the project's repository, not the package's source.
//! - `licenses` entries (`expression`, `license.id`, `license.name`) form the licence.
//! - `dependencies` (`ref` -> `dependsOn`) is the graph; references to components customs does
//!   not read are dropped, references to nothing at all counted in a warning.
//! - Spec 1.7 and later 1.x documents are read as 1.6 with a warning: the spec keeps 1.x
//!   backward compatible.

use customs_core::{Integrity, Scope};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{Assembly, EdgeKind, Entry, MAX_NESTING, hash_algorithm, join_licenses, local_source};
use crate::{Input, LineIndex, ParseError, Parsed};

/// The newest spec version customs knows; later 1.x versions are read as this one.
const NEWEST_MINOR: u32 = 6;

/// A document, whatever its encoding.
#[derive(Debug, Default)]
pub(crate) struct Bom {
    pub spec_version: String,
    pub spec_line: u32,
    pub root: Option<Component>,
    pub components: Vec<Component>,
    pub dependencies: Vec<Dependency>,
    /// Components and dependency entries that could not be read; the rest still are.
    pub errors: Vec<ParseError>,
}

#[derive(Debug, Default)]
pub(crate) struct Component {
    pub line: u32,
    pub kind: Option<String>,
    pub bom_ref: Option<String>,
    pub group: Option<String>,
    pub name: Option<String>,
    pub scope: Option<String>,
    pub purl: Option<String>,
    /// (algorithm, hex content)
    pub hashes: Vec<(String, String)>,
    /// Each licence as written: an expression, an SPDX id or a name.
    pub licenses: Vec<String>,
    /// (type, url)
    pub references: Vec<(String, String)>,
    /// (name, value)
    pub properties: Vec<(String, String)>,
}

#[derive(Debug, Default)]
pub(crate) struct Dependency {
    pub reference: String,
    pub depends_on: Vec<String>,
}

/// Maps a document to packages. `encoding` names the syntax in the format (`JSON`, `XML`).
pub(crate) fn read(bom: Bom, path: &str, encoding: &str) -> Result<Parsed, ParseError> {
    let mut assembly = Assembly::new(path);
    let version = spec_version(&bom.spec_version, bom.spec_line, &mut assembly.warnings)?;
    assembly.errors.extend(bom.errors);
    let mut root_reference = None;
    if let Some(root) = bom.root {
        let (entry, errors) = entry(root);
        root_reference.clone_from(&entry.reference);
        assembly.errors.extend(errors);
        assembly.add(entry, true)?;
    }
    for component in bom.components {
        // Some writers list the project again among the components; it is the root, not a
        // registry package of the same name.
        if component.bom_ref.is_some() && component.bom_ref == root_reference {
            continue;
        }
        let (entry, errors) = entry(component);
        assembly.errors.extend(errors);
        assembly.add(entry, false)?;
    }
    for dependency in &bom.dependencies {
        for target in &dependency.depends_on {
            assembly.edge(&dependency.reference, target, EdgeKind::Prod)?;
        }
    }
    Ok(assembly.finish(format!("CycloneDX {version} {encoding}"), false))
}

/// The spec version to name in the format; an error for versions customs cannot read.
fn spec_version(
    text: &str,
    line: u32,
    warnings: &mut Vec<ParseError>,
) -> Result<String, ParseError> {
    let text = text.trim();
    let minor = text
        .strip_prefix("1.")
        .filter(|minor| !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|minor| minor.parse::<u32>().ok());
    match minor {
        Some(minor) if minor <= NEWEST_MINOR => Ok(text.to_owned()),
        Some(_) => {
            warnings.push(ParseError::at(
                line,
                format!(
                    "CycloneDX {text} is newer than 1.{NEWEST_MINOR}, the newest customs knows; \
                     read as 1.{NEWEST_MINOR}"
                ),
            ));
            Ok(text.to_owned())
        }
        None => Err(ParseError::at(
            line,
            format!(
                "unsupported CycloneDX specVersion `{}` (customs reads 1.2 to 1.{NEWEST_MINOR})",
                text.escape_debug()
            ),
        )),
    }
}

/// What a component says about its package, and what could not be read of it.
fn entry(component: Component) -> (Entry, Vec<ParseError>) {
    let mut errors = Vec::new();
    let line = component.line;
    let name = match (component.group, component.name) {
        (Some(group), Some(name)) if !group.trim().is_empty() => {
            Some(format!("{}/{}", group.trim(), name.trim()))
        }
        (_, name) => name,
    };
    let mut entry = Entry {
        line,
        reference: component.bom_ref,
        purl: component.purl,
        kind: component.kind,
        scope: match component.scope.as_deref().map(str::trim) {
            Some("required") => Some(Scope::Prod),
            Some("optional") => Some(Scope::Optional),
            Some("excluded") => Some(Scope::Dev),
            _ => None,
        },
        license: join_licenses(component.licenses),
        ..Entry::default()
    };
    for (algorithm, content) in component.hashes {
        let Some(algorithm) = hash_algorithm(&algorithm) else {
            continue;
        };
        match Integrity::from_hex(algorithm, content.trim()) {
            Ok(integrity) => {
                if !entry.integrity.contains(&integrity) {
                    entry.integrity.push(integrity);
                }
            }
            Err(error) => errors.push(
                ParseError::at(
                    line,
                    format!("bad hash for {}", name.as_deref().unwrap_or("a component")),
                )
                .with_source(error),
            ),
        }
    }
    entry.artifact_url = component
        .references
        .iter()
        .filter(|(kind, _)| kind == "distribution" || kind == "distribution-intake")
        .map(|(_, url)| url.trim())
        .find(|url| is_http(url))
        .map(str::to_owned);
    for (key, value) in component.properties {
        match key.as_str() {
            "customs:source" => entry.local = local_source(&value),
            "customs:git-reference" if !value.is_empty() => entry.git_reference = Some(value),
            "customs:direct" => entry.direct |= value.trim() == "true",
            "customs:install-script" => entry.install_script |= value.trim() == "true",
            "customs:alias" if !value.is_empty() => entry.aliases.push(value),
            "customs:requirement" if !value.is_empty() => entry.requirement = Some(value),
            "cdx:npm:package:development" if value.trim() == "true" => {
                entry.scope = Some(Scope::Dev);
            }
            _ => {}
        }
    }
    entry.name = name;
    (entry, errors)
}

pub(crate) fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// A JSON document names its format in `bomFormat`.
pub(crate) fn sniff_json(head: &str) -> bool {
    head.trim_start().starts_with('{') && value_follows(head, "\"bomFormat\"", "\"CycloneDX\"")
}

/// Whether `key` appears followed by `:` and then `value` (JSON whitespace allowed between).
pub(crate) fn value_follows(text: &str, key: &str, value: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find(key) {
        rest = &rest[at + key.len()..];
        let after = rest.trim_start();
        if let Some(after) = after.strip_prefix(':')
            && after.trim_start().starts_with(value)
        {
            return true;
        }
    }
    false
}

#[derive(Deserialize)]
struct JsonBom<'a> {
    #[serde(rename = "bomFormat", borrow)]
    bom_format: Option<&'a RawValue>,
    #[serde(rename = "specVersion", borrow)]
    spec_version: Option<&'a RawValue>,
    #[serde(borrow)]
    metadata: Option<JsonMetadata<'a>>,
    #[serde(borrow)]
    components: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    dependencies: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct JsonMetadata<'a> {
    #[serde(borrow)]
    component: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct JsonComponent<'a> {
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    group: Option<String>,
    name: Option<String>,
    scope: Option<String>,
    purl: Option<String>,
    hashes: Option<Vec<JsonHash>>,
    licenses: Option<Vec<JsonLicenseChoice>>,
    #[serde(rename = "externalReferences")]
    external_references: Option<Vec<JsonReference>>,
    properties: Option<Vec<JsonProperty>>,
    #[serde(borrow)]
    components: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct JsonHash {
    alg: String,
    content: String,
}

#[derive(Deserialize)]
struct JsonLicenseChoice {
    license: Option<JsonLicense>,
    expression: Option<String>,
}

#[derive(Deserialize)]
struct JsonLicense {
    id: Option<String>,
    name: Option<String>,
}

#[derive(Deserialize)]
struct JsonReference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
    hashes: Option<Vec<JsonHash>>,
}

#[derive(Deserialize)]
struct JsonProperty {
    name: String,
    value: Option<String>,
}

#[derive(Deserialize)]
struct JsonDependency {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(rename = "dependsOn")]
    depends_on: Option<Vec<String>>,
}

pub(crate) fn parse_json(input: Input<'_>) -> Result<Parsed, ParseError> {
    let document: JsonBom<'_> = serde_json::from_str(input.text)
        .map_err(|error| ParseError::json("CycloneDX JSON", error))?;
    let lines = LineIndex::new(input.text);
    let line_of = |raw: &RawValue| lines.line_of(raw.get()).unwrap_or(1);
    let string = |raw: &RawValue| -> Option<String> {
        serde_json::from_str::<String>(raw.get())
            .ok()
            .or_else(|| Some(raw.get().to_owned()).filter(|t| !t.starts_with(['{', '['])))
    };
    match document.bom_format {
        Some(raw) if string(raw).as_deref() == Some("CycloneDX") => {}
        Some(raw) => {
            return Err(ParseError::at(
                line_of(raw),
                format!(
                    "not a CycloneDX BOM: bomFormat is {}, expected \"CycloneDX\"",
                    raw.get()
                ),
            ));
        }
        None => {
            return Err(ParseError::at(
                1,
                "not a CycloneDX BOM: no bomFormat (a CycloneDX JSON document says \
                 \"bomFormat\": \"CycloneDX\")",
            ));
        }
    }
    let Some(spec) = document.spec_version else {
        return Err(ParseError::at(1, "invalid CycloneDX JSON: no specVersion"));
    };
    let mut bom = Bom {
        spec_version: string(spec).unwrap_or_default(),
        spec_line: line_of(spec),
        ..Bom::default()
    };
    if let Some(raw) = document.metadata.and_then(|m| m.component) {
        match serde_json::from_str::<JsonComponent<'_>>(raw.get()) {
            Ok(component) => bom.root = Some(convert(component, line_of(raw)).0),
            Err(error) => bom.errors.push(
                ParseError::at(line_of(raw), "invalid metadata.component").with_source(error),
            ),
        }
    }
    // Depth-first with an explicit stack, so nesting costs heap, not stack.
    let mut pending: Vec<(&RawValue, usize)> = document
        .components
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|raw| (raw, 0))
        .collect();
    while let Some((raw, depth)) = pending.pop() {
        if bom.components.len() >= super::MAX_COMPONENTS {
            return Err(ParseError::at(
                line_of(raw),
                format!(
                    "more than {} components; customs reads at most that many",
                    super::MAX_COMPONENTS
                ),
            ));
        }
        let line = line_of(raw);
        let component = match serde_json::from_str::<JsonComponent<'_>>(raw.get()) {
            Ok(component) => component,
            Err(error) => {
                bom.errors
                    .push(ParseError::at(line, "invalid component").with_source(error));
                continue;
            }
        };
        let (component, children) = convert(component, line);
        bom.components.push(component);
        if !children.is_empty() {
            if depth + 1 >= MAX_NESTING {
                bom.errors.push(ParseError::at(
                    line,
                    format!(
                        "components nested more than {MAX_NESTING} levels deep; the deeper ones \
                         are skipped"
                    ),
                ));
                continue;
            }
            pending.extend(children.into_iter().rev().map(|raw| (raw, depth + 1)));
        }
    }
    for raw in document.dependencies.unwrap_or_default() {
        match serde_json::from_str::<JsonDependency>(raw.get()) {
            Ok(dependency) => bom.dependencies.push(Dependency {
                reference: dependency.reference,
                depends_on: dependency.depends_on.unwrap_or_default(),
            }),
            Err(error) => bom.errors.push(
                ParseError::at(line_of(raw), "invalid dependencies entry").with_source(error),
            ),
        }
    }
    read(bom, input.path, "JSON")
}

/// The model of a JSON component, and its nested components still to read.
fn convert(component: JsonComponent<'_>, line: u32) -> (Component, Vec<&RawValue>) {
    let mut hashes: Vec<(String, String)> = component
        .hashes
        .unwrap_or_default()
        .into_iter()
        .map(|h| (h.alg, h.content))
        .collect();
    let mut references = Vec::new();
    for reference in component.external_references.unwrap_or_default() {
        if reference.kind == "distribution" {
            hashes.extend(
                reference
                    .hashes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|h| (h.alg, h.content)),
            );
        }
        references.push((reference.kind, reference.url));
    }
    let licenses = component
        .licenses
        .unwrap_or_default()
        .into_iter()
        .filter_map(|choice| {
            choice
                .expression
                .or_else(|| choice.license.and_then(|l| l.id.or(l.name)))
        })
        .collect();
    let converted = Component {
        line,
        kind: component.kind,
        bom_ref: component.bom_ref,
        group: component.group,
        name: component.name,
        scope: component.scope,
        purl: component.purl,
        hashes,
        licenses,
        references,
        properties: component
            .properties
            .unwrap_or_default()
            .into_iter()
            .map(|p| (p.name, p.value.unwrap_or_default()))
            .collect(),
    };
    (converted, component.components.unwrap_or_default())
}
