//! `customs inspect` reports: what was found in each artifact inspected, for people (a table),
//! for machines (JSON, `schema_version` 1) and for code-scanning tools (SARIF 2.1.0).
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "targets": [{
//!     "target": "npm:left-pad@1.3.0", "ecosystem": "npm", "error": null,
//!     "artifacts": [{
//!       "file": "left-pad-1.3.0.tgz", "sha256": "…", "verified_by": "registry sha512",
//!       "verdict": "clean", "reasons": [],
//!       "hits": [{"rule": "…", "category": "threat", "file": "index.js", "line": 3,
//!                 "excerpt": "…", "reachable_from": "install"}]
//!     }],
//!     "comparison": {
//!       "previous_version": "1.2.0", "previous_artifact": "left-pad-1.2.0.tgz", "note": null,
//!       "changes": [{"rule": "new-install-script", "category": "change", "file": "package.json",
//!                    "line": 0, "excerpt": "postinstall: node setup.js", "reachable_from": null}]
//!     }
//!   }]
//! }
//! ```
//!
//! `comparison` is there for registry targets: the release compared with the one published
//! before it, as `scan --deep` does (`null` for files and directories).

use std::io::{self, Write};

use customs_core::{Ecosystem, FindingHit};
use serde::Serialize;

/// The version of the JSON document; fields are only ever added.
pub const SCHEMA_VERSION: u32 = 1;

/// One target of `customs inspect` (a package, a file or a directory) and what was found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectedTarget {
    /// As given on the command line.
    pub target: String,
    pub ecosystem: Option<Ecosystem>,
    pub artifacts: Vec<InspectedArtifact>,
    /// Why the target could not be inspected.
    pub error: Option<String>,
    /// A registry release compared with the one before it.
    pub comparison: Option<ReleaseComparison>,
}

/// What a release adds to the release published before it (the `suspicious-change` rules).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReleaseComparison {
    /// The release compared with, when the registry names one.
    pub previous_version: Option<String>,
    /// Its artifact the changes are shown against.
    pub previous_artifact: Option<String>,
    /// Each change, as a hit of category `change`.
    pub changes: Vec<FindingHit>,
    /// Why no comparison was made (no earlier release, or it could not be fetched).
    pub note: Option<String>,
}

/// One artifact and its verdict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InspectedArtifact {
    #[serde(rename = "file")]
    pub file_name: String,
    pub sha256: Option<String>,
    /// What vouches for the bytes (`lockfile sha512`, `registry sha256`, `local file`), or
    /// that the registry's digest did not match (then nothing was opened).
    pub verified_by: String,
    /// `clean`, `suspicious`, `malicious`, or `integrity-mismatch`.
    pub verdict: String,
    pub reasons: Vec<String>,
    pub hits: Vec<FindingHit>,
}

impl InspectedArtifact {
    fn fails(&self) -> bool {
        matches!(self.verdict.as_str(), "malicious" | "integrity-mismatch")
    }
}

/// The exit status: 2 when a target could not be inspected, else 1 when an artifact is
/// malicious or not what its digest says, else 0.
pub fn exit_code(targets: &[InspectedTarget]) -> u8 {
    if targets.iter().any(|t| t.error.is_some()) {
        2
    } else if targets
        .iter()
        .flat_map(|t| &t.artifacts)
        .any(InspectedArtifact::fails)
    {
        1
    } else {
        0
    }
}

/// Control characters (a hostile package's file names and excerpts) escaped.
fn printable(text: &str) -> String {
    crate::scan::printable(text)
}

pub fn write_table<W: Write + ?Sized>(targets: &[InspectedTarget], out: &mut W) -> io::Result<()> {
    for target in targets {
        writeln!(out, "{}", printable(&target.target))?;
        if let Some(error) = &target.error {
            writeln!(out, "  error: {}", printable(error))?;
            continue;
        }
        for artifact in &target.artifacts {
            writeln!(
                out,
                "  {}  {}  ({}{})",
                printable(&artifact.file_name),
                artifact.verdict,
                artifact.verified_by,
                artifact
                    .sha256
                    .as_deref()
                    .map(|sha| format!(", sha256 {}", sha.get(..16).unwrap_or(sha)))
                    .unwrap_or_default()
            )?;
            for reason in &artifact.reasons {
                writeln!(out, "    {}", printable(reason))?;
            }
            for hit in &artifact.hits {
                let reach = hit
                    .reachable_from
                    .as_deref()
                    .map(|entry| format!(", runs at {entry}"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {}:{}  {} ({}{reach})",
                    printable(&hit.file),
                    hit.line,
                    hit.rule,
                    hit.category
                )?;
                writeln!(out, "      {}", printable(&hit.excerpt))?;
            }
        }
        if let Some(comparison) = &target.comparison {
            write_comparison(comparison, out)?;
        }
    }
    let artifacts: Vec<&InspectedArtifact> = targets.iter().flat_map(|t| &t.artifacts).collect();
    let count = |verdict: &str| artifacts.iter().filter(|a| a.verdict == verdict).count();
    writeln!(out)?;
    writeln!(
        out,
        "Result: {} artifact{} inspected: {} malicious, {} suspicious, {} clean{}{} (exit status {})",
        artifacts.len(),
        if artifacts.len() == 1 { "" } else { "s" },
        count("malicious"),
        count("suspicious"),
        count("clean"),
        match count("integrity-mismatch") {
            0 => String::new(),
            n => format!(", {n} not matching their digest"),
        },
        match targets.iter().filter(|t| t.error.is_some()).count() {
            0 => String::new(),
            n => format!(
                "; {n} target{} could not be inspected",
                if n == 1 { "" } else { "s" }
            ),
        },
        exit_code(targets)
    )
}

fn write_comparison<W: Write + ?Sized>(
    comparison: &ReleaseComparison,
    out: &mut W,
) -> io::Result<()> {
    let Some(version) = &comparison.previous_version else {
        if let Some(note) = &comparison.note {
            writeln!(
                out,
                "  not compared with an earlier release: {}",
                printable(note)
            )?;
        }
        return Ok(());
    };
    if let Some(note) = &comparison.note {
        return writeln!(
            out,
            "  not compared with {}: {}",
            printable(version),
            printable(note)
        );
    }
    let against = comparison
        .previous_artifact
        .as_deref()
        .map(|file| format!(" ({})", printable(file)))
        .unwrap_or_default();
    if comparison.changes.is_empty() {
        return writeln!(
            out,
            "  compared with {}{against}: nothing suspicious added",
            printable(version)
        );
    }
    writeln!(
        out,
        "  compared with {}{against}: suspicious-change, {} change{}",
        printable(version),
        comparison.changes.len(),
        if comparison.changes.len() == 1 {
            ""
        } else {
            "s"
        }
    )?;
    for change in &comparison.changes {
        let place = if change.line > 0 {
            format!("{}:{}", printable(&change.file), change.line)
        } else {
            printable(&change.file)
        };
        writeln!(out, "    {place}  {}", change.rule)?;
        writeln!(out, "      {}", printable(&change.excerpt))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    targets: &'a [InspectedTarget],
}

pub fn write_json<W: Write + ?Sized>(targets: &[InspectedTarget], out: &mut W) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut *out,
        &Document {
            schema_version: SCHEMA_VERSION,
            targets,
        },
    )?;
    writeln!(out)
}

/// SARIF 2.1.0: one result per hit of a suspicious or malicious artifact (an error when the
/// artifact is malicious), located in the artifact's file (`<artifact>/<path inside>`).
pub fn write_sarif<W: Write + ?Sized>(targets: &[InspectedTarget], out: &mut W) -> io::Result<()> {
    let changes = |target: &'_ InspectedTarget| -> Vec<FindingHit> {
        target
            .comparison
            .as_ref()
            .map(|comparison| comparison.changes.clone())
            .unwrap_or_default()
    };
    let mut rules: Vec<String> = targets
        .iter()
        .flat_map(|t| &t.artifacts)
        .flat_map(|a| &a.hits)
        .map(|hit| hit.rule.clone())
        .chain(targets.iter().flat_map(changes).map(|hit| hit.rule))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    let mut results = Vec::new();
    for target in targets {
        for artifact in &target.artifacts {
            let level = match artifact.verdict.as_str() {
                "malicious" | "integrity-mismatch" => "error",
                "suspicious" => "warning",
                _ => continue,
            };
            if artifact.hits.is_empty() {
                results.push(serde_json::json!({
                    "ruleId": artifact.verdict,
                    "level": level,
                    "message": {"text": format!("{} ({}): {}", target.target, artifact.file_name, artifact.reasons.join("; "))},
                    "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(&artifact.file_name)}}}],
                }));
            }
            for hit in &artifact.hits {
                let location = hit_location(&artifact.file_name, hit);
                results.push(serde_json::json!({
                    "ruleId": hit.rule,
                    "level": level,
                    "message": {"text": format!(
                        "{} ({}) is {}: {}",
                        target.target,
                        artifact.file_name,
                        artifact.verdict,
                        artifact.reasons.first().map_or("", String::as_str)
                    )},
                    "locations": [{"physicalLocation": location}],
                    "properties": {"category": hit.category, "reachableFrom": hit.reachable_from},
                }));
            }
        }
        // What the release adds to the one before it: a warning at the changed file of the
        // artifact it shows in.
        if let Some(comparison) = &target.comparison
            && let Some(version) = &comparison.previous_version
        {
            let artifact = target
                .artifacts
                .first()
                .map_or(target.target.as_str(), |a| a.file_name.as_str());
            for change in &comparison.changes {
                let location = hit_location(artifact, change);
                results.push(serde_json::json!({
                    "ruleId": change.rule,
                    "level": "warning",
                    "message": {"text": format!(
                        "{} adds to {version}: {}",
                        target.target, change.excerpt
                    )},
                    "locations": [{"physicalLocation": location}],
                    "properties": {"category": change.category},
                }));
            }
        }
    }
    let document = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "customs",
                "informationUri": "https://github.com/customs-dev/customs",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|rule| serde_json::json!({"id": rule})).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Where a hit is, inside the artifact `artifact` (`<artifact>/<path inside>`).
fn hit_location(artifact: &str, hit: &FindingHit) -> serde_json::Value {
    let mut location = serde_json::json!({
        "artifactLocation": {"uri": uri(&format!("{artifact}/{}", hit.file))},
    });
    // A region needs a line; a finding about a binary file as a whole has none.
    if hit.line > 0 {
        location["region"] = serde_json::json!({
            "startLine": hit.line,
            "snippet": {"text": hit.excerpt},
        });
    }
    location
}

/// A relative URI reference: every character outside the unreserved set and `/` is
/// percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
