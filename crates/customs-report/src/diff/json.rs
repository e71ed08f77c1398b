//! The JSON document for machines. It is a contract (see [`super::SCHEMA_VERSION`]): every key is
//! always present, `null` or empty when it has no value.
//!
//! ```json
//! {
//!   "schema_version": 1,
//!   "base": {"revision": "origin/main", "commit": "0123abcd…"},
//!   "summary": {
//!     "packages_checked": 1234, "packages_skipped_local": 3, "ecosystems": {…},
//!     "database": {…}, "outcome": "failed", "exit_code": 1, "lockfiles": 3,
//!     "changes": {"added": 3, "changed": 1, "removed": 1},
//!     "counts": {"failing": 1, "warnings": 0, "accepted": 0, "pre_existing": 0,
//!                "by_code": {"vulnerability": 1}, "vulnerabilities_by_severity": {"high": 1}}
//!   },
//!   "changes": [{
//!     "kind": "changed", "lockfile": "package-lock.json", "ecosystem": "npm", "name": "qs",
//!     "before": {"version": "6.7.0", "source": {"type": "registry", "url": "…"},
//!                "purl": "pkg:npm/qs@6.7.0", "scope": "prod", "direct": false},
//!     "after": {"version": "6.7.3", …},
//!     "introduced_by": {"name": "express", "version": "4.17.1"}
//!   }],
//!   "findings": [{…the fields of `customs scan`'s findings…, "pre_existing": false}],
//!   "lockfiles": [{"path": "package-lock.json", "format": "package-lock.json v3", "ecosystem": "npm", "packages": 52}],
//!   "errors": [], "base_errors": [], "warnings": []
//! }
//! ```
//!
//! `changes` are sorted by lockfile, ecosystem, name and kind; `findings` as `customs scan`
//! sorts them, pre-existing ones (malicious packages the change did not bring in) after the
//! rest.

use std::io::{self, Write};

use customs_core::{ChangeKind, FileError, Level, PackageChange};
use serde::Serialize;

use super::{BaseRevision, DiffReport, SCHEMA_VERSION};
use crate::inventory::LockfileEntry;
use crate::scan::json::{FindingCounts, FindingEntry};
use crate::scan::{Counts, ScanSummary, sorted};

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    base: &'a BaseRevision,
    summary: SummaryEntry<'a>,
    changes: &'a [PackageChange],
    findings: Vec<DiffFindingEntry<'a>>,
    lockfiles: Vec<LockfileEntry<'a>>,
    errors: &'a [FileError],
    /// Files of the base that could not be read: their packages all count as added.
    base_errors: &'a [FileError],
    warnings: &'a [FileError],
}

#[derive(Serialize)]
struct SummaryEntry<'a> {
    #[serde(flatten)]
    summary: &'a ScanSummary,
    exit_code: u8,
    lockfiles: usize,
    changes: ChangeCounts,
    counts: DiffCounts,
}

#[derive(Serialize)]
struct ChangeCounts {
    added: usize,
    changed: usize,
    removed: usize,
}

#[derive(Serialize)]
struct DiffCounts {
    #[serde(flatten)]
    counts: FindingCounts,
    /// Malicious packages already at the base that are not accepted.
    pre_existing: usize,
}

#[derive(Serialize)]
struct DiffFindingEntry<'a> {
    #[serde(flatten)]
    finding: FindingEntry<'a>,
    /// A malicious package the change did not bring in.
    pre_existing: bool,
}

/// Writes the versioned JSON document of a diff.
pub fn write_json<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    let findings = report.findings;
    let entries = |list, pre_existing| {
        sorted(list)
            .into_iter()
            .map(move |finding| DiffFindingEntry {
                finding: FindingEntry::new(finding),
                pre_existing,
            })
    };
    let document = Document {
        schema_version: SCHEMA_VERSION,
        base: report.base,
        summary: SummaryEntry {
            summary: report.summary,
            exit_code: report.summary.outcome.exit_code(),
            lockfiles: report.head.files(),
            changes: ChangeCounts {
                added: report.diff.count(ChangeKind::Added),
                changed: report.diff.count(ChangeKind::Changed),
                removed: report.diff.count(ChangeKind::Removed),
            },
            counts: DiffCounts {
                counts: FindingCounts::of(Counts::of(findings.all())),
                pre_existing: findings
                    .pre_existing
                    .iter()
                    .filter(|f| f.level != Level::Allow)
                    .count(),
            },
        },
        changes: &report.diff.changes,
        findings: entries(&findings.introduced, false)
            .chain(entries(&findings.pre_existing, true))
            .collect(),
        lockfiles: LockfileEntry::all(report.head),
        errors: &report.head.errors,
        base_errors: report.base_errors,
        warnings: &report.head.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
