//! `customs diff` output: what a change does to the locked packages, and the findings about
//! what it brings in. A table for people, a versioned JSON document for machines, Markdown
//! shaped for a pull-request comment; SARIF is the scan's writer, given the findings kept.
//!
//! Every writer takes a [`DiffReport`]. Findings are sorted by the writers as the scan's are;
//! malicious packages already present at the base are reported apart, as pre-existing. Package
//! names, versions, sources and paths are hostile input and are escaped as the scan's writers
//! escape them.

mod json;
mod markdown;
mod table;

use std::io::{self, Write};

use std::fmt::Write as _;

use customs_core::{
    ChangeKind, DiffFindings, Ecosystem, FileError, Finding, Inventory, InventoryDiff, Level,
    PackageChange, PackageState, Source,
};
use serde::Serialize;

use crate::scan::{Counts, ScanOutcome, ScanSummary, plural, thousands};

pub use json::write_json;
pub use markdown::write_markdown;
pub use table::write_table;

/// The version of the JSON document. Fields are only ever added; a change to existing fields
/// bumps it.
pub const SCHEMA_VERSION: u32 = 1;

/// The revision a change is compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseRevision {
    /// As the user named it (`origin/main`).
    pub revision: String,
    /// The commit it resolved to.
    pub commit: String,
}

/// Everything a diff report says.
#[derive(Clone, Copy, Debug)]
pub struct DiffReport<'a> {
    pub base: &'a BaseRevision,
    pub diff: &'a InventoryDiff,
    pub findings: &'a DiffFindings,
    /// The working tree's inventory, which was checked.
    pub head: &'a Inventory,
    /// Files of the base that could not be read: every package of them counts as added.
    pub base_errors: &'a [FileError],
    /// What was checked against which database; its outcome is the diff's (see [`outcome`]).
    pub summary: &'a ScanSummary,
}

/// Writes SARIF 2.1.0 of the findings a diff keeps, with the scan's writer: a pre-existing
/// malicious package says so in its message, and files the base could not read are
/// notifications as the head's are.
pub fn write_sarif<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    let label = report.base_label();
    let findings: Vec<Finding> = report
        .findings
        .introduced
        .iter()
        .cloned()
        .chain(report.findings.pre_existing.iter().map(|finding| Finding {
            message: format!(
                "{} (already at the base, {label}: not brought in by this change)",
                finding.message
            ),
            ..finding.clone()
        }))
        .collect();
    let notices = Inventory {
        lockfiles: Vec::new(),
        errors: report
            .base_errors
            .iter()
            .map(|error| FileError {
                message: format!("at the base, {label}: {}", error.message),
                ..error.clone()
            })
            .chain(report.head.errors.iter().cloned())
            .collect(),
        warnings: report.head.warnings.clone(),
    };
    crate::scan::write_sarif(&findings, &notices, report.summary, out)
}

/// How a diff ends: an error when a file of either side could not be read or a check could
/// not run; else a failure when a finding it keeps is denied (a pre-existing malicious package
/// included); else it passes.
pub fn outcome(
    findings: &DiffFindings,
    head: &Inventory,
    base_errors: &[FileError],
) -> ScanOutcome {
    if !head.errors.is_empty()
        || !base_errors.is_empty()
        || findings.all().any(|f| f.code.means_check_not_run())
    {
        ScanOutcome::Error
    } else if findings.all().any(|f| f.level == Level::Deny) {
        ScanOutcome::Failed
    } else {
        ScanOutcome::Passed
    }
}

impl DiffReport<'_> {
    /// Files that could not be read, on either side.
    fn unreadable(&self) -> usize {
        self.head.errors.len() + self.base_errors.len()
    }

    /// `origin/main (0123abcdef01)`.
    fn base_label(&self) -> String {
        let short = self.base.commit.get(..12).unwrap_or(&self.base.commit);
        if self.base.revision == self.base.commit || self.base.revision == short {
            short.to_owned()
        } else {
            format!("{} ({short})", self.base.revision)
        }
    }

    /// `3 added, 1 changed, 1 removed in 2 lockfiles`, or that nothing changed.
    fn changes_line(&self) -> String {
        let diff = self.diff;
        if diff.changes.is_empty() {
            return "No package changes".to_owned();
        }
        let mut lockfiles: Vec<&str> = diff.changes.iter().map(|c| c.lockfile.as_str()).collect();
        lockfiles.sort_unstable();
        lockfiles.dedup();
        let parts: Vec<String> = [ChangeKind::Added, ChangeKind::Changed, ChangeKind::Removed]
            .into_iter()
            .map(|kind| (kind, diff.count(kind)))
            .filter(|(_, count)| *count > 0)
            .map(|(kind, count)| format!("{} {}", thousands(count), kind.as_str()))
            .collect();
        format!(
            "{} in {} lockfile{}",
            parts.join(", "),
            thousands(lockfiles.len()),
            plural(lockfiles.len())
        )
    }

    /// What the findings say: `1 vulnerability (1 high) brought in; 1 malicious package
    /// already at the base`.
    fn findings_line(&self) -> String {
        let introduced = Counts::of(&self.findings.introduced);
        let mut line = match introduced.package_issues() {
            Some(issues) => format!("{issues} brought in by the change"),
            None => "No known issues brought in by the change".to_owned(),
        };
        let pre_existing = self
            .findings
            .pre_existing
            .iter()
            .filter(|f| f.level != Level::Allow)
            .count();
        if pre_existing > 0 {
            let _ = write!(
                line,
                "; {} malicious package{} already at the base",
                thousands(pre_existing),
                plural(pre_existing)
            );
        }
        line
    }

    /// Why the diff ended as it did.
    fn verdict_reasons(&self) -> Vec<String> {
        let counts = Counts::of(self.findings.all());
        crate::scan::verdict_reasons(&counts, self.unreadable())
    }

    fn verdict_line(&self) -> String {
        let reasons = self.verdict_reasons();
        let outcome = self.summary.outcome;
        if reasons.is_empty() {
            format!("{} (exit status {})", outcome.as_str(), outcome.exit_code())
        } else {
            format!(
                "{}: {} (exit status {})",
                outcome.as_str(),
                reasons.join(", "),
                outcome.exit_code()
            )
        }
    }
}

/// The changes in reading order: per lockfile, what was added, then changed, then removed.
fn ordered(diff: &InventoryDiff) -> Vec<&PackageChange> {
    let mut changes: Vec<&PackageChange> = diff.changes.iter().collect();
    changes.sort_by(|a, b| {
        (
            &a.lockfile,
            a.kind,
            a.ecosystem,
            &a.name,
            &a.before,
            &a.after,
        )
            .cmp(&(
                &b.lockfile,
                b.kind,
                b.ecosystem,
                &b.name,
                &b.before,
                &b.after,
            ))
    });
    changes
}

/// What a side's version column shows: the version, and where the package does not come from
/// its ecosystem's public registry, its source (`1.0.0 (git 0123abcdef01)`). `with_registry`
/// names the public registry too, for a change from or to another source.
fn describe(state: &PackageState, ecosystem: Ecosystem, with_registry: bool) -> String {
    let version = state.version.as_ref().map(|v| v.as_str());
    let public = ecosystem.default_registry();
    let source = match &state.source {
        Source::Registry { url } if url == public && !with_registry => None,
        Source::Registry { url } if url == public => Some("registry".to_owned()),
        Source::Registry { url } => Some(format!("registry {url}")),
        Source::Git {
            commit: Some(commit),
            ..
        } => Some(format!("git {}", commit.get(..12).unwrap_or(commit))),
        Source::Git { url, .. } => Some(format!("git {url}")),
        Source::Url { url } => Some(format!("url {url}")),
        Source::Path { .. } | Source::Workspace { .. } => Some(state.source.kind().to_owned()),
    };
    match (version, source) {
        (Some(version), Some(source)) => format!("{version} ({source})"),
        (Some(version), None) => version.to_owned(),
        (None, Some(source)) => source,
        (None, None) => "-".to_owned(),
    }
}

/// The versions of a change: `4.17.20 -> 4.17.21` (with `arrow`), or the one side it has.
fn versions(change: &PackageChange, arrow: &str) -> String {
    match (&change.before, &change.after) {
        (Some(before), Some(after)) => {
            let sources_differ = before.source != after.source;
            format!(
                "{}{arrow}{}",
                describe(before, change.ecosystem, sources_differ),
                describe(after, change.ecosystem, sources_differ)
            )
        }
        (Some(state), None) | (None, Some(state)) => describe(state, change.ecosystem, false),
        (None, None) => "-".to_owned(),
    }
}

/// The direct dependency that brings a package in: `direct` for a direct dependency itself,
/// `-` when none reaches it, nothing for a removed package.
fn via(change: &PackageChange) -> String {
    match (&change.after, &change.introduced_by) {
        (None, _) => String::new(),
        (Some(after), _) if after.direct => "direct".to_owned(),
        (Some(_), Some(label)) => label.to_string(),
        (Some(_), None) => "-".to_owned(),
    }
}
