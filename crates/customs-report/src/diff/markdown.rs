//! The diff as a pull-request comment (GitHub Flavored Markdown, which GitLab and Gitea render
//! alike): a one-line verdict, the findings about what the change brings in, the malicious
//! packages already at the base, then the changes themselves, folded when long.
//!
//! Escaping and bounds are the scan comment's (see [`crate::scan::write_markdown`]): untrusted
//! text is escaped for Markdown and HTML, names go in code spans, sections are cut to a row and
//! character budget, and the budgets add up to less than a forge accepts (GitHub: 65,536
//! characters).

use std::fmt::Write as _;
use std::io::{self, Write};

use customs_core::{Finding, Level, PackageChange};

use super::{DiffReport, ordered, versions, via};
use crate::scan::markdown::{
    FOLD_AFTER, Fold, MAX_NAME, MAX_PATH, MAX_SUMMARY, cell_code, code, file_errors, text,
    write_accepted, write_bounded, write_section,
};
use crate::scan::{checked_line, sorted, truncate};

/// The command that writes what a comment leaves out.
const FULL_REPORT: &str = "customs diff --format json";
const FAILING_BUDGET: usize = 15_000;
const WARNINGS_BUDGET: usize = 8_000;
const PRE_EXISTING_BUDGET: usize = 6_000;
const CHANGES_BUDGET: usize = 16_000;
const ACCEPTED_BUDGET: usize = 4_000;
const ERRORS_BUDGET: usize = 5_000;
const WARNINGS_OF_FILES_BUDGET: usize = 3_000;

/// Writes the pull-request comment of a diff.
pub fn write_markdown<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    let mut verdict = format!(
        "{} · {} against {}",
        text(&report.findings_line()),
        text(&report.changes_line()),
        code(&truncate(&report.base.revision, MAX_NAME))
    );
    let reasons = report.verdict_reasons();
    if !reasons.is_empty() {
        let _ = write!(verdict, " ({})", text(&reasons.join(", ")));
    }
    writeln!(
        out,
        "**customs: {}** · {verdict}",
        report.summary.outcome.as_str()
    )?;

    let introduced = sorted(&report.findings.introduced);
    let with_level = |level: Level| -> Vec<&Finding> {
        introduced
            .iter()
            .copied()
            .filter(|f| f.level == level)
            .collect()
    };
    write_section(
        out,
        "Failing",
        &with_level(Level::Deny),
        Fold::Open,
        FAILING_BUDGET,
        FULL_REPORT,
    )?;
    write_section(
        out,
        "Warnings",
        &with_level(Level::Warn),
        Fold::Closed,
        WARNINGS_BUDGET,
        FULL_REPORT,
    )?;
    let pre_existing = sorted(&report.findings.pre_existing);
    let (accepted_before, pre_existing): (Vec<&Finding>, Vec<&Finding>) = pre_existing
        .into_iter()
        .partition(|f| f.level == Level::Allow);
    write_section(
        out,
        "Already at the base: malicious packages fail wherever they are",
        &pre_existing,
        Fold::Open,
        PRE_EXISTING_BUDGET,
        FULL_REPORT,
    )?;
    let accepted: Vec<&Finding> = with_level(Level::Allow)
        .into_iter()
        .chain(accepted_before)
        .collect();
    write_accepted(out, &accepted, ACCEPTED_BUDGET, FULL_REPORT)?;

    write_changes(report, out)?;

    let head = report.head;
    if !head.errors.is_empty() || !report.base_errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "#### Files that could not be read ({})",
            head.errors.len() + report.base_errors.len()
        )?;
        writeln!(out)?;
        let at_base = file_errors(report.base_errors).map(|line| {
            // `- `path`: message` becomes `- at the base: `path`: message`.
            format!("- at the base: {}", line.get(2..).unwrap_or_default())
        });
        let lines: Vec<String> = at_base.chain(file_errors(&head.errors)).collect();
        write_bounded(out, lines.into_iter(), ERRORS_BUDGET, FULL_REPORT)?;
    }
    if !head.warnings.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary>Inventory warnings ({})</summary>",
            head.warnings.len()
        )?;
        writeln!(out)?;
        write_bounded(
            out,
            file_errors(&head.warnings),
            WARNINGS_OF_FILES_BUDGET,
            FULL_REPORT,
        )?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "<sub>Compared with {} ({}). {}. customs {}.</sub>",
        code(&truncate(&report.base.revision, MAX_NAME)),
        code(report.base.commit.get(..12).unwrap_or(&report.base.commit)),
        text(&truncate(&checked_line(report.summary), MAX_SUMMARY * 3)),
        env!("CARGO_PKG_VERSION")
    )
}

/// The changes as a table, folded when there are more than a glance takes in.
fn write_changes<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    let changes = ordered(report.diff);
    if changes.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "#### Changes ({})", changes.len())?;
    writeln!(out)?;
    let folded = changes.len() > FOLD_AFTER;
    if folded {
        writeln!(
            out,
            "<details><summary>{}</summary>",
            text(&report.changes_line())
        )?;
        writeln!(out)?;
    }
    writeln!(out, "| Change | Package | Version | Via | Lockfile |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    write_bounded(
        out,
        changes.iter().map(|change| row(change)),
        CHANGES_BUDGET,
        FULL_REPORT,
    )?;
    if folded {
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

fn row(change: &PackageChange) -> String {
    let via = via(change);
    let cells = [
        change.kind.as_str().to_owned(),
        cell_code(&truncate(change.name.as_str(), MAX_NAME)),
        cell_code(&truncate(&versions(change, " → "), MAX_NAME * 2)),
        match via.as_str() {
            "" | "-" | "direct" => via,
            _ => cell_code(&truncate(&via, MAX_NAME)),
        },
        cell_code(&truncate(&change.lockfile, MAX_PATH)),
    ];
    format!("| {} |", cells.join(" | "))
}
