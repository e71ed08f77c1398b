//! SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/sarif-v2.1.0-errata01-os-complete.html>)
//! for code-scanning services.
//!
//! One run; the rules are the finding codes ([`Code::ALL`], in that order, so a result's
//! `ruleIndex` is the code's position). Results point at the package's line in its lockfile,
//! relative to `%SRCROOT%` (the scanned root). The model is a handful of private serde structs
//! rather than a generated crate: it writes only what customs has to say, and a test validates
//! the output against the official schema.
//!
//! Quirks worth knowing:
//! - `uri` is a URI reference, not a path: characters outside RFC 3986's unreserved set are
//!   percent-encoded, `:` included (`a:b` would otherwise read as a scheme).
//! - `region.startLine` must be at least 1; a location without a known line has no region.
//! - Code-scanning services deduplicate results across runs with `partialFingerprints`. Ours is
//!   built from the code, package URL, advisory and lockfile, never from line numbers, so an
//!   edit elsewhere in a lockfile does not reopen an alert.
//! - Accepted findings are still results: `note`, with an `external` suppression carrying the
//!   ignore entry's reason, so services show them as dismissed rather than as fixed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use customs_core::{Code, FileError, Finding, Inventory, Level, Location, Severity};
use serde::Serialize;

use super::{ScanOutcome, ScanSummary, sorted};

const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SOURCE_ROOT: &str = "%SRCROOT%";
const FINGERPRINT_KEY: &str = "customsFinding/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Invocation; 1],
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    /// What to do about a result (code scanning shows it beside the alert).
    help: Text,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: &'static [&'static str],
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    exit_code: u8,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<SarifLocation>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
}

/// What a service cannot compute from the rule: the finding's own severity, package and
/// advisory.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties<'a> {
    severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    advisory: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    aliases: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed_in: Option<&'a str>,
    /// The smallest version that fixes every advisory on the package.
    #[serde(skip_serializing_if = "Option::is_none")]
    package_fixed_in: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cvss: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    dependency_path: &'a [String],
}

/// Writes one SARIF 2.1.0 log with a single run of customs: its rules, a result per finding
/// (most severe first), and the inventory's errors and warnings as notifications of the
/// invocation.
pub fn write_sarif<W: Write + ?Sized>(
    findings: &[Finding],
    inventory: &Inventory,
    summary: &ScanSummary,
    out: &mut W,
) -> io::Result<()> {
    let notifications = inventory
        .errors
        .iter()
        .map(|error| notification("error", error))
        .chain(
            inventory
                .warnings
                .iter()
                .map(|warning| notification("warning", warning)),
        )
        .collect();
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "customs",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: Code::ALL.iter().map(|&code| rule(code)).collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: summary.outcome != ScanOutcome::Error,
                exit_code: summary.outcome.exit_code(),
                tool_execution_notifications: notifications,
            }],
            results: sorted(findings).into_iter().map(result).collect(),
            // No result carries a column; saying so keeps consumers from guessing.
            column_kind: "unicodeCodePoints",
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn rule(code: Code) -> Rule {
    let tags: &'static [&'static str] = match code {
        Code::Vulnerability | Code::Malicious | Code::Unsound => &["security", "supply-chain"],
        _ => &["supply-chain"],
    };
    Rule {
        id: code.as_str(),
        name: pascal_case(code.as_str()),
        short_description: Text {
            text: first_sentence(code.summary()).to_owned(),
        },
        full_description: Text {
            text: code.summary().to_owned(),
        },
        help: Text {
            text: code.explanation().to_owned(),
        },
        default_configuration: Configuration {
            level: level(code.default_level()),
        },
        properties: RuleProperties { tags },
    }
}

fn result(finding: &Finding) -> SarifResult<'_> {
    let package = finding.package.as_ref();
    let advisory = finding.advisory.as_ref();
    let mut locations: Vec<SarifLocation> = finding.locations.iter().map(location).collect();
    if locations.is_empty() {
        // Without a line, the lockfile itself is still the place to look.
        if let Some(package) = package {
            locations.push(SarifLocation {
                physical_location: PhysicalLocation {
                    artifact_location: artifact(&package.lockfile),
                    region: None,
                },
            });
        }
    }
    let suppressions = match &finding.ignored {
        Some(reason) => vec![Suppression {
            kind: "external",
            status: "accepted",
            justification: reason,
        }],
        None => Vec::new(),
    };
    SarifResult {
        rule_id: finding.code.as_str(),
        rule_index: Code::ALL
            .iter()
            .position(|&code| code == finding.code)
            .unwrap_or_default(),
        level: level(finding.level),
        message: Text {
            text: finding.message.clone(),
        },
        locations,
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint(finding))]),
        suppressions,
        properties: ResultProperties {
            severity: finding.severity,
            purl: package.map(|p| p.purl.as_str()),
            advisory: advisory.map(|a| a.id.as_str()),
            aliases: advisory.map_or(&[], |a| a.aliases.as_slice()),
            fixed_in: advisory.and_then(|a| a.fixed_in.as_deref()),
            package_fixed_in: finding.package_fixed_in.as_deref(),
            cvss: advisory.and_then(|a| a.cvss.as_deref()),
            dependency_path: &finding.dependency_path,
        },
    }
}

/// What identifies a finding across runs: its code, the package (URL and lockfile) and the
/// advisory. Findings about the scan itself have neither, and are identified by their message.
fn fingerprint(finding: &Finding) -> String {
    let mut parts = vec![finding.code.as_str()];
    if let Some(package) = &finding.package {
        parts.push(&package.purl);
        parts.push(&package.lockfile);
    }
    match &finding.advisory {
        Some(advisory) => parts.push(&advisory.id),
        None if finding.package.is_none() => parts.push(&finding.message),
        None => {}
    }
    parts.join("|")
}

fn notification(level: &'static str, error: &FileError) -> Notification {
    Notification {
        level,
        message: Text {
            text: error.to_string(),
        },
        locations: vec![SarifLocation {
            physical_location: PhysicalLocation {
                artifact_location: artifact(&error.path),
                region: error
                    .line
                    .filter(|&line| line > 0)
                    .map(|start_line| Region { start_line }),
            },
        }],
    }
}

fn location(location: &Location) -> SarifLocation {
    SarifLocation {
        physical_location: PhysicalLocation {
            artifact_location: artifact(&location.path),
            region: (location.line > 0).then_some(Region {
                start_line: location.line,
            }),
        },
    }
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: uri_reference(path),
        uri_base_id: SOURCE_ROOT,
    }
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Deny => "error",
        Level::Warn => "warning",
        Level::Allow => "note",
    }
}

/// A `/`-separated relative path as a relative URI reference: every byte outside RFC 3986's
/// unreserved characters and `/` is percent-encoded.
fn uri_reference(path: &str) -> String {
    let mut uri = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(byte));
        } else {
            let _ = write!(uri, "%{byte:02X}");
        }
    }
    uri
}

/// `advisories-missing` → `AdvisoriesMissing`: the readable rule name SARIF asks for.
fn pascal_case(kebab: &str) -> String {
    kebab
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

/// The short description must be one sentence: the summary up to its first full stop.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_relative_uri_references() {
        assert_eq!(uri_reference("package-lock.json"), "package-lock.json");
        assert_eq!(
            uri_reference("apps/web app/yarn.lock"),
            "apps/web%20app/yarn.lock"
        );
        assert_eq!(
            uri_reference("c:odd/#?%/ü.lock"),
            "c%3Aodd/%23%3F%25/%C3%BC.lock"
        );
    }

    #[test]
    fn rule_names_and_short_descriptions() {
        assert_eq!(pascal_case("advisories-missing"), "AdvisoriesMissing");
        assert_eq!(pascal_case("malicious"), "Malicious");
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("Only one."), "Only one.");
    }
}
