//! The JSON document for machines. It is a contract (see [`super::SCHEMA_VERSION`]): every key is
//! always present, `null` or empty when it has no value, so consumers never need to guess
//! whether a missing key means "none" or "older customs".
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "summary": {
//!     "packages_checked": 1234, "packages_skipped_local": 3,
//!     "ecosystems": {"npm": {"packages_checked": 1000, "packages_skipped_local": 2}},
//!     "database": {"source": "https://…", "updated_at": "2026-11-20T06:00:00Z", "age_days": 3},
//!     "outcome": "failed", "exit_code": 1, "lockfiles": 3,
//!     "counts": {"failing": 4, "warnings": 3, "accepted": 1,
//!                "by_code": {"vulnerability": 4, "malicious": 1},
//!                "vulnerabilities_by_severity": {"critical": 1, "high": 3}}
//!   },
//!   "findings": [{
//!     "code": "vulnerability", "severity": "critical", "level": "deny", "message": "…",
//!     "package": {"ecosystem": "npm", "name": "lodash", "version": "4.17.11",
//!                 "purl": "pkg:npm/lodash@4.17.11", "lockfile": "package-lock.json"},
//!     "advisory": {"id": "GHSA-jf85-cpcp-j695", "aliases": ["CVE-2019-10744"], "summary": "…",
//!                  "fixed_in": "4.17.12", "url": "https://…", "cvss": "CVSS:3.1/…", "score": "9.8"},
//!     "package_fixed_in": "4.17.21",
//!     "locations": [{"path": "package-lock.json", "line": 2210}],
//!     "dependency_path": [], "ignored": null, "typosquat": null, "inspection": null
//!   }],
//!   "lockfiles": [{"path": "package-lock.json", "format": "package-lock.json v3", "ecosystem": "npm", "packages": 1000}],
//!   "errors": [{"path": "web/yarn.lock", "line": 3, "message": "…"}],
//!   "warnings": []
//! }
//! ```

use std::collections::BTreeMap;
use std::io::{self, Write};

use customs_core::{
    Code, FileError, Finding, FindingAdvisory, FindingInspection, FindingPackage, FindingTyposquat,
    Inventory, Level, Location, Severity,
};
use serde::Serialize;

use crate::inventory::LockfileEntry;

use super::{Counts, SCHEMA_VERSION, ScanSummary, sorted};

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    summary: SummaryEntry<'a>,
    findings: Vec<FindingEntry<'a>>,
    lockfiles: Vec<LockfileEntry<'a>>,
    errors: &'a [FileError],
    warnings: &'a [FileError],
}

#[derive(Serialize)]
struct SummaryEntry<'a> {
    #[serde(flatten)]
    summary: &'a ScanSummary,
    exit_code: u8,
    lockfiles: usize,
    counts: FindingCounts,
}

#[derive(Serialize)]
pub(crate) struct FindingCounts {
    /// Findings with level `deny`.
    failing: usize,
    /// Findings with level `warn`.
    warnings: usize,
    /// Findings with level `allow` (ignored or allowed by the policy).
    accepted: usize,
    /// Failing and warning findings per code.
    by_code: BTreeMap<Code, usize>,
    /// Failing and warning vulnerabilities per severity.
    vulnerabilities_by_severity: BTreeMap<Severity, usize>,
}

#[derive(Serialize)]
pub(crate) struct FindingEntry<'a> {
    code: Code,
    severity: Severity,
    level: Level,
    message: &'a str,
    package: Option<&'a FindingPackage>,
    advisory: Option<AdvisoryEntry<'a>>,
    /// The smallest version that fixes every advisory matched on the package.
    package_fixed_in: Option<&'a str>,
    locations: &'a [Location],
    dependency_path: &'a [String],
    /// The reason of the ignore entry that accepted the finding.
    ignored: Option<&'a str>,
    /// For `typosquat`: the imitated package, the technique and the score.
    typosquat: Option<&'a FindingTyposquat>,
    /// For `malicious-code` and `suspicious-code`: the artifact, the reasons and the hits.
    inspection: Option<&'a FindingInspection>,
}

#[derive(Serialize)]
struct AdvisoryEntry<'a> {
    id: &'a str,
    aliases: &'a [String],
    summary: Option<&'a str>,
    fixed_in: Option<&'a str>,
    url: Option<&'a str>,
    cvss: Option<&'a str>,
    score: Option<&'a str>,
}

impl FindingCounts {
    pub(crate) fn of(counts: Counts) -> Self {
        Self {
            failing: counts.failing,
            warnings: counts.warnings,
            accepted: counts.accepted,
            by_code: counts.by_code,
            vulnerabilities_by_severity: counts.vulnerabilities_by_severity,
        }
    }
}

impl<'a> FindingEntry<'a> {
    pub(crate) fn new(finding: &'a Finding) -> Self {
        Self {
            code: finding.code,
            severity: finding.severity,
            level: finding.level,
            message: &finding.message,
            package: finding.package.as_ref(),
            advisory: finding.advisory.as_ref().map(AdvisoryEntry::new),
            package_fixed_in: finding.package_fixed_in.as_deref(),
            locations: &finding.locations,
            dependency_path: &finding.dependency_path,
            ignored: finding.ignored.as_deref(),
            typosquat: finding.typosquat.as_ref(),
            inspection: finding.inspection.as_ref(),
        }
    }
}

impl<'a> AdvisoryEntry<'a> {
    fn new(advisory: &'a FindingAdvisory) -> Self {
        Self {
            id: &advisory.id,
            aliases: &advisory.aliases,
            summary: advisory.summary.as_deref(),
            fixed_in: advisory.fixed_in.as_deref(),
            url: advisory.url.as_deref(),
            cvss: advisory.cvss.as_deref(),
            score: advisory.score.as_deref(),
        }
    }
}

/// Writes the versioned JSON document: the summary with counts, every finding (accepted ones
/// too, with their reason) most severe first, the lockfiles read, and the inventory's errors and
/// warnings.
pub fn write_json<W: Write + ?Sized>(
    findings: &[Finding],
    inventory: &Inventory,
    summary: &ScanSummary,
    out: &mut W,
) -> io::Result<()> {
    let counts = Counts::of(findings);
    let document = Document {
        schema_version: SCHEMA_VERSION,
        summary: SummaryEntry {
            summary,
            exit_code: summary.outcome.exit_code(),
            lockfiles: inventory.files(),
            counts: FindingCounts::of(counts),
        },
        findings: sorted(findings)
            .into_iter()
            .map(FindingEntry::new)
            .collect(),
        lockfiles: LockfileEntry::all(inventory),
        errors: &inventory.errors,
        warnings: &inventory.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
