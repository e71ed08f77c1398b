//! `customs scan` output: a table for people, a versioned JSON document and SARIF 2.1.0 for
//! machines, and Markdown for pull-request comments.
//!
//! Every writer takes the same three inputs: the findings (in any order: each writer sorts them
//! the same way, so output never depends on check or thread order), the inventory the scan read
//! (its files, errors and warnings), and a [`ScanSummary`] the scan fills in. Findings whose
//! level is `allow` (accepted by an ignore entry or by the policy) are reported apart from the
//! rest, with their reason.
//!
//! Package names, versions, paths, advisory summaries and URLs come from lockfiles and advisory
//! databases, which are hostile input: the text writers neutralise terminal control characters
//! and bidirectional overrides, and the Markdown writer escapes everything it did not write.

pub(crate) mod json;
pub(crate) mod markdown;
mod sarif;
pub(crate) mod table;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use customs_core::{Code, Ecosystem, Finding, Inventory, Level, Severity};
use serde::Serialize;

pub use json::write_json;
pub use markdown::write_markdown;
pub use sarif::write_sarif;
pub use table::write_table;

/// The version of the JSON document. Fields are only ever added; a change to existing fields
/// bumps it.
pub const SCHEMA_VERSION: u32 = 1;

/// What the scan checked, against what, and how it ended: everything the reports say beyond the
/// findings and the inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScanSummary {
    /// Packages matched against advisory data. Packages of an ecosystem the database holds no
    /// data for are not checked (an `advisories-missing` finding says so) and are not counted.
    pub packages_checked: usize,
    /// The project's own packages (workspace members, path and link dependencies), which are
    /// never matched against a registry's advisories.
    pub packages_skipped_local: usize,
    /// The same counts per ecosystem, for the ecosystems the inventory holds.
    pub ecosystems: BTreeMap<Ecosystem, EcosystemSummary>,
    /// The advisory database the packages were checked against; `None` when none was opened.
    pub database: Option<DatabaseInfo>,
    pub outcome: ScanOutcome,
}

/// Per-ecosystem counts of a [`ScanSummary`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EcosystemSummary {
    pub packages_checked: usize,
    pub packages_skipped_local: usize,
}

/// The advisory database a scan read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DatabaseInfo {
    /// Where its data was imported from (a URL or a directory).
    pub source: String,
    /// When it was last updated, as an RFC 3339 timestamp (`2026-11-20T06:00:00Z`).
    pub updated_at: String,
    /// Whole days between `updated_at` and the scan.
    pub age_days: u64,
}

/// How a scan ended, which decides its exit status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ScanOutcome {
    /// Nothing fails the policy (exit status 0).
    #[default]
    Passed,
    /// At least one finding has level `deny` (exit status 1).
    Failed,
    /// Something could not be checked: a file that could not be read or parsed, or a check that
    /// could not run (exit status 2). Never reported as a clean result.
    Error,
}

impl ScanOutcome {
    /// The outcome the findings and the inventory call for: an error when any file could not be
    /// read (the result is incomplete, whatever else was found), else a failure when any
    /// finding is denied. A scan that knows of other errors says `Error` itself.
    pub fn of(findings: &[Finding], inventory: &Inventory) -> Self {
        let check_not_run = findings.iter().any(|f| f.code.means_check_not_run());
        if check_not_run || !inventory.errors.is_empty() {
            ScanOutcome::Error
        } else if findings.iter().any(|f| f.level == Level::Deny) {
            ScanOutcome::Failed
        } else {
            ScanOutcome::Passed
        }
    }

    pub fn exit_code(self) -> u8 {
        match self {
            ScanOutcome::Passed => 0,
            ScanOutcome::Failed => 1,
            ScanOutcome::Error => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScanOutcome::Passed => "passed",
            ScanOutcome::Failed => "failed",
            ScanOutcome::Error => "error",
        }
    }
}

/// The findings, most severe first: malicious packages, then failing (deny) before warning
/// before accepted findings, then by severity, code and package. Ties are broken on every
/// field a person can see, so the order is total and output is deterministic.
pub(crate) fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| compare(a, b));
    sorted
}

fn compare(a: &Finding, b: &Finding) -> Ordering {
    (a.code != Code::Malicious)
        .cmp(&(b.code != Code::Malicious))
        .then(a.level.cmp(&b.level))
        .then(a.severity.cmp(&b.severity))
        .then(a.code.cmp(&b.code))
        // Findings without a package (about the scan itself) after those with one.
        .then(a.package.is_none().cmp(&b.package.is_none()))
        .then_with(|| package_key(a).cmp(&package_key(b)))
        .then_with(|| advisory_key(a).cmp(&advisory_key(b)))
        .then_with(|| a.locations.cmp(&b.locations))
        .then_with(|| a.message.cmp(&b.message))
        .then_with(|| a.dependency_path.cmp(&b.dependency_path))
        .then_with(|| a.ignored.cmp(&b.ignored))
}

type PackageKey<'a> = (Ecosystem, &'a str, Option<&'a str>, &'a str, &'a str);

fn package_key(finding: &Finding) -> Option<PackageKey<'_>> {
    finding.package.as_ref().map(|p| {
        (
            p.ecosystem,
            p.name.as_str(),
            p.version.as_deref(),
            p.lockfile.as_str(),
            p.purl.as_str(),
        )
    })
}

fn advisory_key(finding: &Finding) -> Option<&str> {
    finding.advisory.as_ref().map(|a| a.id.as_str())
}

/// Counts of the findings that are not accepted, as the headline states them.
pub(crate) struct Counts {
    pub(crate) by_code: BTreeMap<Code, usize>,
    pub(crate) vulnerabilities_by_severity: BTreeMap<Severity, usize>,
    pub(crate) failing: usize,
    pub(crate) warnings: usize,
    pub(crate) accepted: usize,
}

impl Counts {
    pub(crate) fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut counts = Counts {
            by_code: BTreeMap::new(),
            vulnerabilities_by_severity: BTreeMap::new(),
            failing: 0,
            warnings: 0,
            accepted: 0,
        };
        for finding in findings {
            match finding.level {
                Level::Deny => counts.failing += 1,
                Level::Warn => counts.warnings += 1,
                Level::Allow => {
                    counts.accepted += 1;
                    continue;
                }
            }
            *counts.by_code.entry(finding.code).or_default() += 1;
            if finding.code == Code::Vulnerability {
                *counts
                    .vulnerabilities_by_severity
                    .entry(finding.severity)
                    .or_default() += 1;
            }
        }
        counts
    }

    /// `2 malicious, 3 vulnerabilities (1 critical, 2 high), 1 unmaintained`, or `None` when no
    /// finding about a package is left. Findings about the scan itself (a missing database, an
    /// unused ignore entry) are listed on their own lines, not counted here.
    pub(crate) fn package_issues(&self) -> Option<String> {
        // Malicious packages lead, whatever the order of the codes.
        let malicious_first = Code::ALL
            .iter()
            .filter(|&&code| code == Code::Malicious)
            .chain(Code::ALL.iter().filter(|&&code| code != Code::Malicious));
        let mut parts = Vec::new();
        for &code in malicious_first {
            let Some(&count) = self.by_code.get(&code) else {
                continue;
            };
            let part = match code {
                Code::Malicious => format!("{} malicious", thousands(count)),
                Code::Vulnerability => {
                    let severities: Vec<String> = self
                        .vulnerabilities_by_severity
                        .iter()
                        .map(|(severity, count)| match severity {
                            Severity::Unknown => {
                                format!("{} of unknown severity", thousands(*count))
                            }
                            Severity::None => format!("{} of no severity", thousands(*count)),
                            _ => format!("{} {severity}", thousands(*count)),
                        })
                        .collect();
                    format!(
                        "{} {} ({})",
                        thousands(count),
                        if count == 1 {
                            "vulnerability"
                        } else {
                            "vulnerabilities"
                        },
                        severities.join(", ")
                    )
                }
                Code::Unmaintained => format!("{} unmaintained", thousands(count)),
                Code::Unsound => format!("{} unsound", thousands(count)),
                Code::Notice => format!("{} notice{}", thousands(count), plural(count)),
                Code::Unpinned => format!("{} unpinned", thousands(count)),
                Code::AdvisoriesMissing
                | Code::AdvisoriesStale
                | Code::IgnoreExpired
                | Code::IgnoreUnused
                | Code::RegistryUnchecked
                | Code::TyposquatUnchecked
                | Code::InspectUnchecked => continue,
                Code::MaliciousCode => format!("{} with malicious code", thousands(count)),
                Code::SuspiciousCode => format!("{} with suspicious code", thousands(count)),
                Code::SuspiciousChange => {
                    format!("{} suspicious change{}", thousands(count), plural(count))
                }
                Code::IntegrityMismatch => {
                    format!(
                        "{} integrity mismatch{}",
                        thousands(count),
                        if count == 1 { "" } else { "es" }
                    )
                }
                Code::Typosquat => {
                    format!("{} possible typosquat{}", thousands(count), plural(count))
                }
                Code::Cooldown
                | Code::Yanked
                | Code::Deprecated
                | Code::RemovedFromRegistry
                | Code::InstallScript
                | Code::InstallScriptAdded
                | Code::PublisherChanged
                | Code::ProvenanceLost
                | Code::LicenseDenied
                | Code::LicenseUnknown
                | Code::SourceNotAllowed
                | Code::Banned
                | Code::MissingIntegrity => format!("{} {code}", thousands(count)),
            };
            parts.push(part);
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Whether a finding is about the scan itself rather than about a package.
pub(crate) fn is_about_scan(finding: &Finding) -> bool {
    finding.package.is_none()
}

/// The first line of the table and of the Markdown comment: what was found in how much.
fn headline(counts: &Counts, inventory: &Inventory, summary: &ScanSummary) -> String {
    let lockfiles = inventory.files();
    if lockfiles == 0 && summary.packages_checked == 0 {
        return "No lockfile found: nothing was checked".to_owned();
    }
    let scope = format!(
        "{} package{} from {} lockfile{}",
        thousands(summary.packages_checked),
        plural(summary.packages_checked),
        thousands(lockfiles),
        plural(lockfiles),
    );
    match counts.package_issues() {
        Some(issues) => format!("{issues} in {scope}"),
        None => format!("No known issues in {scope}"),
    }
}

/// What was checked against which data: `Checked 1,234 packages (npm 1,000, PyPI 234) against
/// the advisory database of 2026-11-20 (3 days old, from …); 2 local packages skipped`.
pub(crate) fn checked_line(summary: &ScanSummary) -> String {
    let mut line = format!(
        "Checked {} package{}",
        thousands(summary.packages_checked),
        plural(summary.packages_checked)
    );
    let ecosystems: Vec<String> = summary
        .ecosystems
        .iter()
        .filter(|(_, counts)| counts.packages_checked > 0)
        .map(|(ecosystem, counts)| format!("{ecosystem} {}", thousands(counts.packages_checked)))
        .collect();
    if !ecosystems.is_empty() {
        let _ = write!(line, " ({})", ecosystems.join(", "));
    }
    match &summary.database {
        Some(database) => {
            let _ = write!(
                line,
                " against the advisory database of {} ({} day{} old, from {})",
                date_of(&database.updated_at),
                database.age_days,
                plural(database.age_days as usize),
                database.source
            );
        }
        None => line.push_str(" against no advisory database"),
    }
    if summary.packages_skipped_local > 0 {
        let _ = write!(
            line,
            "; {} local package{} skipped",
            thousands(summary.packages_skipped_local),
            plural(summary.packages_skipped_local)
        );
    }
    line
}

/// Why the scan ended as it did: `unreadable` files, failing findings, warnings.
pub(crate) fn verdict_reasons(counts: &Counts, unreadable: usize) -> Vec<String> {
    let mut reasons = Vec::new();
    if unreadable > 0 {
        let files = unreadable;
        reasons.push(format!(
            "{} file{} could not be read",
            thousands(files),
            plural(files)
        ));
    }
    if counts.failing > 0 {
        reasons.push(format!(
            "{} finding{} fail{} the policy",
            thousands(counts.failing),
            plural(counts.failing),
            if counts.failing == 1 { "s" } else { "" }
        ));
    }
    if counts.warnings > 0 {
        reasons.push(format!(
            "{} warning{}",
            thousands(counts.warnings),
            plural(counts.warnings)
        ));
    }
    reasons
}

/// The last line of the table: the outcome, why, and the exit status it leads to.
fn verdict_line(counts: &Counts, inventory: &Inventory, summary: &ScanSummary) -> String {
    let reasons = verdict_reasons(counts, inventory.errors.len());
    let outcome = summary.outcome;
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

/// The package's dependency path for a table cell: the steps from a direct dependency down to
/// the package's parent (the package itself is in its own column), long paths cut in the middle
/// so the direct dependency a person controls and the parent that pulls the package in stay.
pub(crate) fn short_path(finding: &Finding) -> String {
    let mut steps: &[String] = &finding.dependency_path;
    if let (Some(package), Some((last, rest))) = (&finding.package, steps.split_last()) {
        let itself = match &package.version {
            Some(version) => format!("{}@{version}", package.name),
            None => package.name.clone(),
        };
        if *last == itself {
            steps = rest;
        }
    }
    match steps {
        [] => String::new(),
        [first, .., last] if steps.len() > 3 => {
            format!("{first} > … ({} more) > {last}", steps.len() - 2)
        }
        _ => steps.join(" > "),
    }
}

/// The version that fixes a finding's advisory, or failing that every advisory on the package.
pub(crate) fn fixed_in(finding: &Finding) -> Option<&str> {
    finding
        .advisory
        .as_ref()
        .and_then(|a| a.fixed_in.as_deref())
        .or(finding.package_fixed_in.as_deref())
}

/// What the severity column shows: the severity (with its score) for vulnerabilities, the kind
/// of finding for everything else, whose severity says less than its name.
pub(crate) fn severity_label(finding: &Finding) -> String {
    match finding.code {
        Code::Vulnerability => match finding.advisory.as_ref().and_then(|a| a.score.as_deref()) {
            Some(score) => format!("{} {score}", finding.severity),
            None => finding.severity.to_string(),
        },
        code => code.as_str().to_owned(),
    }
}

/// The date part of an RFC 3339 timestamp (what a person wants to read), or the whole string
/// when it is not one.
fn date_of(timestamp: &str) -> &str {
    match timestamp.get(..10) {
        Some(date)
            if date.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            }) =>
        {
            date
        }
        _ => timestamp,
    }
}

/// Text from lockfiles and advisories, made safe for a terminal: control characters (escape
/// sequences could rewrite the screen) and bidirectional overrides (which reorder what is shown,
/// as in "Trojan Source") become visible escapes.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Cuts text to at most `max` characters, marking the cut.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max.saturating_sub(1)) {
        Some((cut, _)) if text[cut..].chars().nth(1).is_some() => format!("{}…", &text[..cut]),
        _ => text.to_owned(),
    }
}

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(count: usize) -> String {
    let digits = count.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

pub(crate) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        for (count, expected) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (123_456, "123,456"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(thousands(count), expected);
        }
    }

    #[test]
    fn truncation_counts_characters_not_bytes() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcd", 4), "abcd");
        assert_eq!(truncate("ééééé", 3), "éé…");
        assert_eq!(truncate("", 3), "");
    }

    #[test]
    fn control_characters_and_bidi_overrides_are_made_visible() {
        assert_eq!(
            printable("evil\u{1b}[2Jname\u{202e}txt.exe\n"),
            "evil\\u{1b}[2Jname\\u{202e}txt.exe\\u{a}"
        );
        assert_eq!(
            printable("lodash 4.17.21 ünïcode"),
            "lodash 4.17.21 ünïcode"
        );
    }

    #[test]
    fn dates_are_cut_from_timestamps_only() {
        assert_eq!(date_of("2026-11-20T06:00:00Z"), "2026-11-20");
        assert_eq!(date_of("2026-11-20"), "2026-11-20");
        assert_eq!(date_of("yesterday"), "yesterday");
        assert_eq!(date_of("é"), "é");
    }
}
