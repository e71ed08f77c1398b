//! The diff for people at a terminal.

use std::collections::BTreeSet;
use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table};
use customs_core::{Finding, Level};

use super::{DiffReport, ordered, versions, via};
use crate::scan::table::{accepted_line, cell, where_, write_findings};
use crate::scan::{checked_line, is_about_scan, printable, sorted};

/// Writes what the change did (the changes, per lockfile: added, changed, removed, each with
/// the direct dependency that brings it in), the findings about what it brought in, the
/// pre-existing malicious packages, the findings about the check itself, the accepted findings,
/// the files either side could not read, and the outcome.
pub fn write_table<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        printable(&format!(
            "{} against {}",
            report.changes_line(),
            report.base_label()
        ))
    )?;
    writeln!(out, "{}", printable(&report.findings_line()))?;
    writeln!(out, "{}", printable(&checked_line(report.summary)))?;

    if !report.diff.changes.is_empty() {
        writeln!(out)?;
        write_changes(report, out)?;
    }

    let introduced = sorted(&report.findings.introduced);
    let (accepted, reported): (Vec<&Finding>, Vec<&Finding>) = introduced
        .into_iter()
        .partition(|f| f.level == Level::Allow);
    let (about_check, about_packages): (Vec<&Finding>, Vec<&Finding>) =
        reported.into_iter().partition(|f| is_about_scan(f));
    if !about_packages.is_empty() {
        writeln!(out)?;
        writeln!(out, "Brought in by the change:")?;
        write_findings(&about_packages, out)?;
    }
    let pre_existing = sorted(&report.findings.pre_existing);
    let (accepted_before, pre_existing): (Vec<&Finding>, Vec<&Finding>) = pre_existing
        .into_iter()
        .partition(|f| f.level == Level::Allow);
    if !pre_existing.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Already at the base (malicious packages are reported wherever they are):"
        )?;
        write_findings(&pre_existing, out)?;
    }
    if !about_check.is_empty() {
        writeln!(out)?;
        for finding in about_check {
            writeln!(
                out,
                "{}[{}]: {}{}",
                finding.level,
                finding.code,
                printable(&finding.message),
                where_(finding)
            )?;
        }
    }
    let accepted: Vec<&Finding> = accepted.into_iter().chain(accepted_before).collect();
    if !accepted.is_empty() {
        writeln!(out)?;
        writeln!(out, "Accepted ({}):", accepted.len())?;
        for finding in accepted {
            writeln!(out, "  {}", accepted_line(finding))?;
        }
    }
    let head = report.head;
    if !head.errors.is_empty() || !report.base_errors.is_empty() || !head.warnings.is_empty() {
        writeln!(out)?;
        for error in report.base_errors {
            writeln!(
                out,
                "error: at {}: {}",
                printable(&report.base_label()),
                printable(&error.to_string())
            )?;
        }
        for error in &head.errors {
            writeln!(out, "error: {}", printable(&error.to_string()))?;
        }
        for warning in &head.warnings {
            writeln!(out, "warning: {}", printable(&warning.to_string()))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Result: {}", report.verdict_line())
}

fn write_changes<W: Write + ?Sized>(report: &DiffReport<'_>, out: &mut W) -> io::Result<()> {
    let changes = ordered(report.diff);
    // The lockfile column only where the changes span several.
    let lockfiles: BTreeSet<&str> = changes.iter().map(|c| c.lockfile.as_str()).collect();
    let show_lockfile = lockfiles.len() > 1;
    let mut header = vec!["change", "package", "version", "via"];
    if show_lockfile {
        header.push("lockfile");
    }
    let mut table = Table::new();
    table
        .load_style(crate::inventory::STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for change in changes {
        let mut row = vec![
            cell(change.kind.as_str()),
            cell(change.name.as_str()),
            cell(&versions(change, " -> ")),
            cell(&via(change)),
        ];
        if show_lockfile {
            row.push(cell(&change.lockfile));
        }
        table.add_row(row);
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
