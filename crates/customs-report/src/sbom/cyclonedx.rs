//! CycloneDX 1.5 and 1.6, JSON and XML (<https://cyclonedx.org/specification/overview/>).
//!
//! A typed model of our own rather than `cyclonedx-bom`, which stops at 1.5. The two versions
//! share every element customs writes; only the namespace and `specVersion` differ. The XML
//! follows the XSD's element order exactly (`xs:sequence` is ordered), which is not the JSON
//! order of the examples: `bom-ref` and `type` are attributes, `group` precedes `name`, and
//! dependencies nest (`<dependency ref><dependency ref/></dependency>`).
//!
//! Tools are written in the 1.5+ form (`metadata.tools.components`); the older array form is
//! deprecated. The vulnerabilities section, when asked for, comes from the scan's findings:
//! one entry per advisory (and per ignore reason), affecting the components by bom-ref.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use customs_core::{Code, Finding, HashAlgorithm, Inventory, Severity, Source};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

use super::{
    Bom, Component, CycloneDxVersion, License, Licenses, Root, SERIAL_PLACEHOLDER,
    SYNTHETIC_ROOT_REF, SbomOptions, cyclonedx_algorithm, cyclonedx_scope, format_timestamp,
    hashes, is_absolute_url, properties, write_with_serial,
};

/// CycloneDX 1.6 caps versions at 1,024 characters. A longer one (hostile input) is left out
/// of the version field; the purl still carries it.
const MAX_VERSION_LEN: usize = 1024;

fn fits_version(version: &str) -> bool {
    version.chars().count() <= MAX_VERSION_LEN
}

/// Where the serial number goes: `urn:uuid:` and the placeholder.
fn serial_placeholder() -> String {
    format!(
        "urn:uuid:{}",
        String::from_utf8_lossy(SERIAL_PLACEHOLDER.as_slice())
    )
}

/// Writes a CycloneDX JSON document for `inventory`, with a vulnerabilities section made of
/// `findings` when given (findings about no package or advisory are not vulnerabilities and
/// are left out).
pub fn write_cyclonedx_json<W: Write + ?Sized>(
    inventory: &Inventory,
    findings: Option<&[Finding]>,
    version: CycloneDxVersion,
    options: &SbomOptions,
    out: &mut W,
) -> io::Result<()> {
    let bom = Bom::new(inventory, &options.project_name);
    let facts = Facts::new(&bom);
    let vulnerabilities = findings
        .map(|f| vulnerabilities(&bom, f))
        .unwrap_or_default();
    let document = JsonDocument {
        schema: match version {
            CycloneDxVersion::V1_5 => "http://cyclonedx.org/schema/bom-1.5.schema.json",
            CycloneDxVersion::V1_6 => "http://cyclonedx.org/schema/bom-1.6.schema.json",
        },
        bom_format: "CycloneDX",
        spec_version: version.as_str(),
        serial_number: serial_placeholder(),
        version: 1,
        metadata: JsonMetadata {
            timestamp: format_timestamp(options.timestamp),
            tools: JsonTools {
                components: [JsonTool {
                    kind: "application",
                    name: "customs",
                    version: &options.tool_version,
                }],
            },
            component: JsonRoot {
                bom: &bom,
                facts: &facts,
            },
        },
        components: JsonComponents {
            bom: &bom,
            facts: &facts,
        },
        dependencies: JsonDependencies { bom: &bom },
        vulnerabilities: vulnerabilities.iter().map(JsonVulnerability).collect(),
    };
    let mut buffer = Vec::with_capacity(1024 + bom.components.len() * 1024);
    serde_json::to_writer_pretty(&mut buffer, &document)?;
    buffer.push(b'\n');
    write_with_serial(buffer, 0, out)
}

/// Writes the same document as [`write_cyclonedx_json`] in CycloneDX XML.
pub fn write_cyclonedx_xml<W: Write + ?Sized>(
    inventory: &Inventory,
    findings: Option<&[Finding]>,
    version: CycloneDxVersion,
    options: &SbomOptions,
    out: &mut W,
) -> io::Result<()> {
    let bom = Bom::new(inventory, &options.project_name);
    let facts = Facts::new(&bom);
    let vulnerabilities = findings
        .map(|f| vulnerabilities(&bom, f))
        .unwrap_or_default();
    let namespace = match version {
        CycloneDxVersion::V1_5 => "http://cyclonedx.org/schema/bom/1.5",
        CycloneDxVersion::V1_6 => "http://cyclonedx.org/schema/bom/1.6",
    };
    let mut buffer = Vec::with_capacity(1024 + bom.components.len() * 1024);
    let mut writer = Writer::new_with_indent(&mut buffer, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let serial = serial_placeholder();
    writer
        .create_element("bom")
        .with_attribute(("xmlns", namespace))
        .with_attribute(("serialNumber", serial.as_str()))
        .with_attribute(("version", "1"))
        .write_inner_content(|w| {
            w.create_element("metadata").write_inner_content(|w| {
                text(w, "timestamp", &format_timestamp(options.timestamp))?;
                w.create_element("tools").write_inner_content(|w| {
                    w.create_element("components").write_inner_content(|w| {
                        w.create_element("component")
                            .with_attribute(("type", "application"))
                            .write_inner_content(|w| {
                                text(w, "name", "customs")?;
                                text(w, "version", &options.tool_version)
                            })?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
                match bom.root {
                    Root::Package(index) => match bom.components.get(index) {
                        Some(root) => xml_component(w, root, facts.license(index), true),
                        None => Ok(()),
                    },
                    Root::Synthetic => {
                        w.create_element("component")
                            .with_attribute(("type", "application"))
                            .with_attribute(("bom-ref", SYNTHETIC_ROOT_REF))
                            .write_inner_content(|w| text(w, "name", bom.project_name))?;
                        Ok(())
                    }
                }
            })?;
            if bom.non_root().next().is_some() {
                w.create_element("components").write_inner_content(|w| {
                    for (index, component) in bom.non_root() {
                        xml_component(w, component, facts.license(index), false)?;
                    }
                    Ok(())
                })?;
            }
            w.create_element("dependencies").write_inner_content(|w| {
                for entry in dependency_entries(&bom) {
                    let element = w
                        .create_element("dependency")
                        .with_attribute(("ref", xml_safe(entry.reference).as_ref()));
                    if entry.depends_on.is_empty() {
                        element.write_empty()?;
                    } else {
                        element.write_inner_content(|w| {
                            for &target in entry.depends_on {
                                let reference =
                                    bom.components.get(target).map_or("", |c| c.id.as_str());
                                w.create_element("dependency")
                                    .with_attribute(("ref", xml_safe(reference).as_ref()))
                                    .write_empty()?;
                            }
                            Ok(())
                        })?;
                    }
                }
                Ok(())
            })?;
            if !vulnerabilities.is_empty() {
                w.create_element("vulnerabilities")
                    .write_inner_content(|w| {
                        for vulnerability in &vulnerabilities {
                            xml_vulnerability(w, vulnerability)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    buffer.push(b'\n');
    write_with_serial(buffer, 0, out)
}

/// What each component says, computed once for both serializations.
struct Facts {
    licenses: Vec<Option<License>>,
}

impl Facts {
    fn new(bom: &Bom<'_>) -> Self {
        let mut cache = Licenses::default();
        Self {
            licenses: bom
                .components
                .iter()
                .map(|c| cache.of(&c.package))
                .collect(),
        }
    }

    fn license(&self, index: usize) -> Option<&License> {
        self.licenses.get(index).and_then(Option::as_ref)
    }
}

/// One component, ready to serialize.
struct ComponentView<'c> {
    kind: &'static str,
    bom_ref: &'c str,
    group: Option<&'c str>,
    name: &'c str,
    version: Option<&'c str>,
    scope: Option<&'static str>,
    hashes: Vec<(HashAlgorithm, &'c str)>,
    license: Option<&'c License>,
    purl: &'c str,
    external_references: Vec<(&'static str, &'c str)>,
    properties: Vec<(&'static str, Cow<'c, str>)>,
}

impl<'c> ComponentView<'c> {
    fn new(component: &'c Component<'_>, license: Option<&'c License>, root: bool) -> Self {
        let package: &'c customs_core::Package = &component.package;
        let (group, name) = component.group_and_name();
        let mut external_references = Vec::new();
        if let Some(url) = package
            .artifact_url
            .as_deref()
            .filter(|u| is_absolute_url(u))
        {
            external_references.push(("distribution", url));
        }
        if let Source::Git { url, .. } = &package.source
            && is_absolute_url(url)
        {
            external_references.push(("vcs", url.as_str()));
        }
        Self {
            kind: if root { "application" } else { "library" },
            bom_ref: component.id.as_str(),
            group,
            name,
            version: package
                .version
                .as_ref()
                .map(|v| v.as_str())
                .filter(|v| fits_version(v)),
            scope: cyclonedx_scope(package.scope),
            hashes: hashes(package),
            license,
            purl: component.purl(),
            external_references,
            properties: properties(package),
        }
    }
}

impl Serialize for ComponentView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", self.kind)?;
        map.serialize_entry("bom-ref", self.bom_ref)?;
        if let Some(group) = self.group {
            map.serialize_entry("group", group)?;
        }
        map.serialize_entry("name", self.name)?;
        if let Some(version) = self.version {
            map.serialize_entry("version", version)?;
        }
        if let Some(scope) = self.scope {
            map.serialize_entry("scope", scope)?;
        }
        if !self.hashes.is_empty() {
            map.serialize_entry("hashes", &JsonHashes(&self.hashes))?;
        }
        if let Some(license) = self.license {
            map.serialize_entry("licenses", &JsonLicenses(license))?;
        }
        map.serialize_entry("purl", self.purl)?;
        if !self.external_references.is_empty() {
            map.serialize_entry(
                "externalReferences",
                &JsonPairs {
                    pairs: &self.external_references,
                    keys: ("type", "url"),
                },
            )?;
        }
        if !self.properties.is_empty() {
            map.serialize_entry("properties", &JsonProperties(&self.properties))?;
        }
        map.end()
    }
}

struct JsonHashes<'a>(&'a [(HashAlgorithm, &'a str)]);

impl Serialize for JsonHashes<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for (algorithm, content) in self.0 {
            seq.serialize_element(&JsonPair {
                keys: ("alg", "content"),
                values: (cyclonedx_algorithm(*algorithm), content),
            })?;
        }
        seq.end()
    }
}

struct JsonLicenses<'a>(&'a License);

impl Serialize for JsonLicenses<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Named<'a> {
            name: &'a str,
        }
        #[derive(Serialize)]
        #[serde(rename_all = "lowercase")]
        enum Choice<'a> {
            Expression(&'a str),
            License(Named<'a>),
        }
        let choice = match self.0 {
            License::Expression(expression) => Choice::Expression(expression),
            License::Text(name) => Choice::License(Named { name }),
        };
        serializer.collect_seq([choice])
    }
}

/// `{"<key0>": value0, "<key1>": value1}`.
struct JsonPair<'a> {
    keys: (&'static str, &'static str),
    values: (&'a str, &'a str),
}

impl Serialize for JsonPair<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry(self.keys.0, self.values.0)?;
        map.serialize_entry(self.keys.1, self.values.1)?;
        map.end()
    }
}

struct JsonPairs<'a> {
    pairs: &'a [(&'static str, &'a str)],
    keys: (&'static str, &'static str),
}

impl Serialize for JsonPairs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.pairs.iter().map(|(a, b)| JsonPair {
            keys: self.keys,
            values: (a, b),
        }))
    }
}

struct JsonProperties<'a>(&'a [(&'static str, Cow<'a, str>)]);

impl Serialize for JsonProperties<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|(name, value)| JsonPair {
            keys: ("name", "value"),
            values: (name, value),
        }))
    }
}

#[derive(Serialize)]
struct JsonDocument<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "bomFormat")]
    bom_format: &'static str,
    #[serde(rename = "specVersion")]
    spec_version: &'static str,
    #[serde(rename = "serialNumber")]
    serial_number: String,
    version: u32,
    metadata: JsonMetadata<'a>,
    #[serde(skip_serializing_if = "JsonComponents::is_empty")]
    components: JsonComponents<'a>,
    dependencies: JsonDependencies<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    vulnerabilities: Vec<JsonVulnerability<'a>>,
}

#[derive(Serialize)]
struct JsonMetadata<'a> {
    timestamp: String,
    tools: JsonTools<'a>,
    component: JsonRoot<'a>,
}

#[derive(Serialize)]
struct JsonTools<'a> {
    components: [JsonTool<'a>; 1],
}

#[derive(Serialize)]
struct JsonTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'static str,
    version: &'a str,
}

struct JsonRoot<'a> {
    bom: &'a Bom<'a>,
    facts: &'a Facts,
}

impl Serialize for JsonRoot<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.bom.root {
            Root::Package(index) => {
                let Some(component) = self.bom.components.get(index) else {
                    return Err(serde::ser::Error::custom("root component out of range"));
                };
                ComponentView::new(component, self.facts.license(index), true).serialize(serializer)
            }
            Root::Synthetic => {
                let mut map = serializer.serialize_map(Some(3))?;
                map.serialize_entry("type", "application")?;
                map.serialize_entry("bom-ref", SYNTHETIC_ROOT_REF)?;
                map.serialize_entry("name", self.bom.project_name)?;
                map.end()
            }
        }
    }
}

struct JsonComponents<'a> {
    bom: &'a Bom<'a>,
    facts: &'a Facts,
}

impl JsonComponents<'_> {
    fn is_empty(&self) -> bool {
        self.bom.non_root().next().is_none()
    }
}

impl Serialize for JsonComponents<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.bom.non_root().map(|(index, component)| {
            ComponentView::new(component, self.facts.license(index), false)
        }))
    }
}

/// One entry of `dependencies`.
struct DependencyEntry<'a> {
    reference: &'a str,
    depends_on: &'a [usize],
}

/// One entry per component and one for the root, sorted by reference.
fn dependency_entries<'a>(bom: &'a Bom<'a>) -> Vec<DependencyEntry<'a>> {
    let mut entries: Vec<DependencyEntry<'a>> = bom
        .components
        .iter()
        .enumerate()
        // A root package lists its own dependencies only: the direct packages of workspace
        // members hang below those members, and `customs:direct` marks them, so the graph
        // reads back exactly. Only the synthetic root stands for "what the project uses".
        .map(|(index, component)| DependencyEntry {
            reference: component.id.as_str(),
            depends_on: bom.dependencies.get(index).map_or(&[], Vec::as_slice),
        })
        .collect();
    if bom.root == Root::Synthetic {
        let at = entries.partition_point(|e| e.reference < SYNTHETIC_ROOT_REF);
        entries.insert(
            at,
            DependencyEntry {
                reference: SYNTHETIC_ROOT_REF,
                depends_on: &bom.root_dependencies,
            },
        );
    }
    entries
}

struct JsonDependencies<'a> {
    bom: &'a Bom<'a>,
}

impl Serialize for JsonDependencies<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let bom = self.bom;
        serializer.collect_seq(
            dependency_entries(bom)
                .into_iter()
                .map(|entry| JsonDependency { bom, entry }),
        )
    }
}

struct JsonDependency<'a> {
    bom: &'a Bom<'a>,
    entry: DependencyEntry<'a>,
}

impl Serialize for JsonDependency<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("ref", self.entry.reference)?;
        if !self.entry.depends_on.is_empty() {
            let components = &self.bom.components;
            map.serialize_entry(
                "dependsOn",
                &Refs(self.entry.depends_on, components.as_slice()),
            )?;
        }
        map.end()
    }
}

struct Refs<'a>(&'a [usize], &'a [Component<'a>]);

impl Serialize for Refs<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .iter()
                .filter_map(|&i| self.1.get(i))
                .map(|c| c.id.as_str()),
        )
    }
}

/// One entry of `vulnerabilities`: an advisory, the components it affects, and (for findings an
/// ignore entry accepted) why.
#[derive(Debug)]
struct Vulnerability<'f> {
    id: &'f str,
    aliases: Vec<&'f str>,
    severity: Severity,
    score: Option<f64>,
    vector: Option<&'f str>,
    malicious: bool,
    code: Code,
    description: Option<&'f str>,
    recommendation: Option<String>,
    url: Option<&'f str>,
    /// The ignore entry's reason, for accepted findings.
    ignored: Option<&'f str>,
    /// (bom-ref, version), sorted.
    affects: Vec<(&'f str, Option<&'f str>)>,
}

/// The findings about a package and an advisory, one entry per advisory id and ignore reason,
/// sorted. Accepted (ignored) findings are kept, with `analysis`: an SBOM consumer should see
/// a known issue and the project's reason, not its absence. They are written as a response of
/// `will_not_fix` with the reason as detail, and no `state`: customs' ignore entries record that
/// the project accepts the finding, not that it was shown not to be affected, so claiming
/// `not_affected` (a VEX statement) would say more than customs knows.
fn vulnerabilities<'f>(bom: &Bom<'_>, findings: &'f [Finding]) -> Vec<Vulnerability<'f>> {
    let mut groups: BTreeMap<(&'f str, Option<&'f str>), Vulnerability<'f>> = BTreeMap::new();
    let mut recommendations: BTreeMap<(&'f str, Option<&'f str>), Vec<String>> = BTreeMap::new();
    for finding in findings {
        let (Some(package), Some(advisory)) = (&finding.package, &finding.advisory) else {
            continue;
        };
        // Only registry packages are checked, and their bom-ref is their purl.
        if bom.position(&package.purl).is_none() {
            continue;
        }
        let key = (advisory.id.as_str(), finding.ignored.as_deref());
        let entry = groups.entry(key).or_insert_with(|| Vulnerability {
            id: &advisory.id,
            aliases: advisory.aliases.iter().map(String::as_str).collect(),
            severity: finding.severity,
            score: advisory
                .score
                .as_deref()
                .and_then(|s| s.parse::<f64>().ok()),
            vector: advisory.cvss.as_deref(),
            malicious: finding.code == Code::Malicious,
            code: finding.code,
            description: advisory.summary.as_deref(),
            recommendation: None,
            url: advisory.url.as_deref().filter(|u| is_absolute_url(u)),
            ignored: finding.ignored.as_deref(),
            affects: Vec::new(),
        });
        entry.affects.push((
            package.purl.as_str(),
            package.version.as_deref().filter(|v| fits_version(v)),
        ));
        if let Some(fixed) = &advisory.fixed_in {
            recommendations
                .entry(key)
                .or_default()
                .push(format!("Upgrade {} to {fixed} or later.", package.name));
        }
    }
    groups
        .into_iter()
        .map(|(key, mut vulnerability)| {
            vulnerability.aliases.sort_unstable();
            vulnerability.aliases.dedup();
            vulnerability.affects.sort_unstable();
            vulnerability.affects.dedup();
            if let Some(mut lines) = recommendations.remove(&key) {
                lines.sort_unstable();
                lines.dedup();
                vulnerability.recommendation = Some(lines.join(" "));
            }
            vulnerability
        })
        .collect()
}

fn severity_name(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "critical",
        Severity::High => "high",
        Severity::Medium => "medium",
        Severity::Low => "low",
        Severity::None => "none",
        Severity::Unknown => "unknown",
    }
}

/// CycloneDX's scoring method of a CVSS vector.
fn rating_method(vector: &str) -> &'static str {
    if vector.starts_with("CVSS:4.") {
        "CVSSv4"
    } else if vector.starts_with("CVSS:3.1") {
        "CVSSv31"
    } else if vector.starts_with("CVSS:3.") {
        "CVSSv3"
    } else if vector.starts_with("AV:") || vector.starts_with("(AV:") {
        "CVSSv2"
    } else {
        "other"
    }
}

/// Where a person reads about an advisory id, by its prefix.
fn id_source(id: &str) -> (&'static str, String) {
    let encoded = super::percent_encode(id);
    if id.starts_with("CVE-") {
        ("NVD", format!("https://nvd.nist.gov/vuln/detail/{encoded}"))
    } else if id.starts_with("GHSA-") {
        (
            "GitHub Advisory Database",
            format!("https://github.com/advisories/{encoded}"),
        )
    } else {
        ("OSV", format!("https://osv.dev/vulnerability/{encoded}"))
    }
}

/// The CWE customs attaches to malicious-package records: Embedded Malicious Code.
const CWE_EMBEDDED_MALICIOUS_CODE: u32 = 506;

struct JsonVulnerability<'a>(&'a Vulnerability<'a>);

impl Serialize for JsonVulnerability<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("id", v.id)?;
        map.serialize_entry("source", &JsonSource(&id_source_osv(v.id)))?;
        if !v.aliases.is_empty() {
            map.serialize_entry(
                "references",
                &v.aliases
                    .iter()
                    .map(|alias| JsonReference {
                        id: alias,
                        source: id_source(alias),
                    })
                    .collect::<Vec<_>>(),
            )?;
        }
        map.serialize_entry("ratings", &[JsonRating(v)])?;
        if v.malicious {
            map.serialize_entry("cwes", &[CWE_EMBEDDED_MALICIOUS_CODE])?;
        }
        if let Some(description) = v.description {
            map.serialize_entry("description", description)?;
        }
        if let Some(recommendation) = &v.recommendation {
            map.serialize_entry("recommendation", recommendation)?;
        }
        if let Some(url) = v.url {
            map.serialize_entry("advisories", &[JsonAdvisory { url }])?;
        }
        if let Some(reason) = v.ignored {
            map.serialize_entry(
                "analysis",
                &JsonAnalysis {
                    response: ["will_not_fix"],
                    detail: reason,
                },
            )?;
        }
        map.serialize_entry(
            "affects",
            &v.affects
                .iter()
                .map(|(reference, version)| JsonAffect {
                    reference,
                    versions: version.map(|version| {
                        [JsonAffectedVersion {
                            version,
                            status: "affected",
                        }]
                    }),
                })
                .collect::<Vec<_>>(),
        )?;
        map.serialize_entry(
            "properties",
            &JsonProperties(&[("customs:code", Cow::Borrowed(v.code.as_str()))]),
        )?;
        map.end()
    }
}

/// The database every advisory came from: customs imports OSV's exports.
fn id_source_osv(id: &str) -> (&'static str, String) {
    (
        "OSV",
        format!(
            "https://osv.dev/vulnerability/{}",
            super::percent_encode(id)
        ),
    )
}

struct JsonSource<'a>(&'a (&'static str, String));

impl Serialize for JsonSource<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        JsonPair {
            keys: ("name", "url"),
            values: (self.0.0, &self.0.1),
        }
        .serialize(serializer)
    }
}

struct JsonReference<'a> {
    id: &'a str,
    source: (&'static str, String),
}

impl Serialize for JsonReference<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("id", self.id)?;
        map.serialize_entry("source", &JsonSource(&self.source))?;
        map.end()
    }
}

struct JsonRating<'a>(&'a Vulnerability<'a>);

impl Serialize for JsonRating<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        let mut map = serializer.serialize_map(None)?;
        if let Some(score) = v.score {
            map.serialize_entry("score", &score)?;
        }
        map.serialize_entry("severity", severity_name(v.severity))?;
        if let Some(vector) = v.vector {
            map.serialize_entry("method", rating_method(vector))?;
            map.serialize_entry("vector", vector)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct JsonAdvisory<'a> {
    url: &'a str,
}

#[derive(Serialize)]
struct JsonAnalysis<'a> {
    response: [&'static str; 1],
    detail: &'a str,
}

#[derive(Serialize)]
struct JsonAffect<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    versions: Option<[JsonAffectedVersion<'a>; 1]>,
}

#[derive(Serialize)]
struct JsonAffectedVersion<'a> {
    version: &'a str,
    status: &'static str,
}

// XML

type XmlWriter<'b> = Writer<&'b mut Vec<u8>>;

/// Text XML 1.0 can carry: characters it forbids even escaped (most C0 controls, lone
/// surrogates cannot occur in `str`, U+FFFE/U+FFFF) become U+FFFD.
fn xml_safe(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

fn text(w: &mut XmlWriter<'_>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_safe(value)))?;
    Ok(())
}

fn xml_component(
    w: &mut XmlWriter<'_>,
    component: &Component<'_>,
    license: Option<&License>,
    root: bool,
) -> io::Result<()> {
    let view = ComponentView::new(component, license, root);
    w.create_element("component")
        .with_attribute(("type", view.kind))
        .with_attribute(("bom-ref", xml_safe(view.bom_ref).as_ref()))
        .write_inner_content(|w| {
            if let Some(group) = view.group {
                text(w, "group", group)?;
            }
            text(w, "name", view.name)?;
            if let Some(version) = view.version {
                text(w, "version", version)?;
            }
            if let Some(scope) = view.scope {
                text(w, "scope", scope)?;
            }
            if !view.hashes.is_empty() {
                w.create_element("hashes").write_inner_content(|w| {
                    for (algorithm, content) in &view.hashes {
                        w.create_element("hash")
                            .with_attribute(("alg", cyclonedx_algorithm(*algorithm)))
                            .write_text_content(BytesText::new(content))?;
                    }
                    Ok(())
                })?;
            }
            if let Some(license) = view.license {
                w.create_element("licenses")
                    .write_inner_content(|w| match license {
                        License::Expression(expression) => text(w, "expression", expression),
                        License::Text(name) => {
                            w.create_element("license")
                                .write_inner_content(|w| text(w, "name", name))?;
                            Ok(())
                        }
                    })?;
            }
            text(w, "purl", view.purl)?;
            if !view.external_references.is_empty() {
                w.create_element("externalReferences")
                    .write_inner_content(|w| {
                        for (kind, url) in &view.external_references {
                            w.create_element("reference")
                                .with_attribute(("type", *kind))
                                .write_inner_content(|w| text(w, "url", url))?;
                        }
                        Ok(())
                    })?;
            }
            xml_properties(w, &view.properties)
        })?;
    Ok(())
}

fn xml_properties(w: &mut XmlWriter<'_>, properties: &[(&str, Cow<'_, str>)]) -> io::Result<()> {
    if properties.is_empty() {
        return Ok(());
    }
    w.create_element("properties").write_inner_content(|w| {
        for (name, value) in properties {
            w.create_element("property")
                .with_attribute(("name", *name))
                .write_text_content(BytesText::new(&xml_safe(value)))?;
        }
        Ok(())
    })?;
    Ok(())
}

fn xml_source(w: &mut XmlWriter<'_>, (name, url): &(&'static str, String)) -> io::Result<()> {
    w.create_element("source").write_inner_content(|w| {
        text(w, "name", name)?;
        text(w, "url", url)
    })?;
    Ok(())
}

fn xml_vulnerability(w: &mut XmlWriter<'_>, v: &Vulnerability<'_>) -> io::Result<()> {
    w.create_element("vulnerability").write_inner_content(|w| {
        text(w, "id", v.id)?;
        xml_source(w, &id_source_osv(v.id))?;
        if !v.aliases.is_empty() {
            w.create_element("references").write_inner_content(|w| {
                for alias in &v.aliases {
                    w.create_element("reference").write_inner_content(|w| {
                        text(w, "id", alias)?;
                        xml_source(w, &id_source(alias))
                    })?;
                }
                Ok(())
            })?;
        }
        w.create_element("ratings").write_inner_content(|w| {
            w.create_element("rating").write_inner_content(|w| {
                if let Some(score) = v.score {
                    text(w, "score", &score.to_string())?;
                }
                text(w, "severity", severity_name(v.severity))?;
                if let Some(vector) = v.vector {
                    text(w, "method", rating_method(vector))?;
                    text(w, "vector", vector)?;
                }
                Ok(())
            })?;
            Ok(())
        })?;
        if v.malicious {
            w.create_element("cwes").write_inner_content(|w| {
                text(w, "cwe", &CWE_EMBEDDED_MALICIOUS_CODE.to_string())
            })?;
        }
        if let Some(description) = v.description {
            text(w, "description", description)?;
        }
        if let Some(recommendation) = &v.recommendation {
            text(w, "recommendation", recommendation)?;
        }
        if let Some(url) = v.url {
            w.create_element("advisories").write_inner_content(|w| {
                w.create_element("advisory")
                    .write_inner_content(|w| text(w, "url", url))?;
                Ok(())
            })?;
        }
        if let Some(reason) = v.ignored {
            w.create_element("analysis").write_inner_content(|w| {
                w.create_element("responses")
                    .write_inner_content(|w| text(w, "response", "will_not_fix"))?;
                text(w, "detail", reason)
            })?;
        }
        w.create_element("affects").write_inner_content(|w| {
            for (reference, version) in &v.affects {
                w.create_element("target").write_inner_content(|w| {
                    text(w, "ref", reference)?;
                    if let Some(version) = version {
                        w.create_element("versions").write_inner_content(|w| {
                            w.create_element("version").write_inner_content(|w| {
                                text(w, "version", version)?;
                                text(w, "status", "affected")
                            })?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        xml_properties(w, &[("customs:code", Cow::Borrowed(v.code.as_str()))])
    })?;
    Ok(())
}
