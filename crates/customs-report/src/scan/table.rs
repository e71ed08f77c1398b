//! The report for people at a terminal.

use std::collections::BTreeSet;
use std::io::{self, Write};

use comfy_table::{Cell, ContentArrangement, Table};
use customs_core::{Finding, Inventory, Level};

use super::{
    Counts, ScanSummary, checked_line, fixed_in, headline, is_about_scan, printable,
    severity_label, short_path, sorted, truncate, verdict_line,
};

/// Cells longer than this are cut: a hostile lockfile must not be able to push every other
/// column off the screen.
pub(crate) const MAX_CELL: usize = 60;

/// Writes the headline, one table of the findings about packages (most severe first), the
/// findings about the scan itself, the accepted findings with their reasons, the inventory's
/// errors and warnings, and the outcome.
pub fn write_table<W: Write + ?Sized>(
    findings: &[Finding],
    inventory: &Inventory,
    summary: &ScanSummary,
    out: &mut W,
) -> io::Result<()> {
    let counts = Counts::of(findings);
    let sorted = sorted(findings);
    writeln!(out, "{}", printable(&headline(&counts, inventory, summary)))?;
    writeln!(out, "{}", printable(&checked_line(summary)))?;

    let (accepted, reported): (Vec<&Finding>, Vec<&Finding>) =
        sorted.into_iter().partition(|f| f.level == Level::Allow);
    let (about_scan, about_packages): (Vec<&Finding>, Vec<&Finding>) =
        reported.into_iter().partition(|f| is_about_scan(f));

    if !about_packages.is_empty() {
        writeln!(out)?;
        write_findings(&about_packages, out)?;
    }
    if !about_scan.is_empty() {
        writeln!(out)?;
        for finding in about_scan {
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
    if !accepted.is_empty() {
        writeln!(out)?;
        writeln!(out, "Accepted ({}):", accepted.len())?;
        for finding in accepted {
            writeln!(out, "  {}", accepted_line(finding))?;
        }
    }
    if !inventory.errors.is_empty() || !inventory.warnings.is_empty() {
        writeln!(out)?;
        for error in &inventory.errors {
            writeln!(out, "error: {}", printable(&error.to_string()))?;
        }
        for warning in &inventory.warnings {
            writeln!(out, "warning: {}", printable(&warning.to_string()))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Result: {}", verdict_line(&counts, inventory, summary))
}

pub(crate) fn write_findings<W: Write + ?Sized>(
    findings: &[&Finding],
    out: &mut W,
) -> io::Result<()> {
    // Columns that would be empty on every row are left out: the lockfile when all findings
    // come from one, the level when nothing fails. The level column marks the findings that
    // fail the run, whatever their code: a warning is what a finding is unless said otherwise.
    let lockfiles: BTreeSet<&str> = findings
        .iter()
        .filter_map(|f| f.package.as_ref().map(|p| p.lockfile.as_str()))
        .collect();
    let show_lockfile = lockfiles.len() > 1;
    let show_level = findings.iter().any(|f| f.level != Level::Warn);

    let mut header = vec![
        "package", "version", "advisory", "severity", "fixed in", "path",
    ];
    if show_lockfile {
        header.push("lockfile");
    }
    if show_level {
        header.push("level");
    }
    let mut table = Table::new();
    table
        .load_style(crate::inventory::STYLE)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header);
    for finding in findings {
        let package = finding.package.as_ref();
        let mut row = vec![
            cell(package.map_or("", |p| p.name.as_str())),
            cell(package.and_then(|p| p.version.as_deref()).unwrap_or("-")),
            cell(&advisory_cell(finding)),
            cell(&severity_label(finding)),
            cell(fixed_in(finding).unwrap_or("-")),
            cell(&short_path(finding)),
        ];
        if show_lockfile {
            row.push(cell(package.map_or("", |p| p.lockfile.as_str())));
        }
        if show_level {
            row.push(Cell::new(if finding.level == Level::Warn {
                ""
            } else {
                finding.level.as_str()
            }));
        }
        table.add_row(row);
    }
    for line in table.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The advisory's id; for a typosquat, the popular name it imitates; for code, the first hit.
fn advisory_cell(finding: &Finding) -> String {
    if let Some(advisory) = &finding.advisory {
        return advisory.id.clone();
    }
    if let Some(typosquat) = &finding.typosquat {
        return format!("imitates {}", typosquat.imitates);
    }
    // The hit that decided a code finding, where a person starts reading.
    match finding.inspection.as_ref().and_then(|i| i.hits.first()) {
        Some(hit) => format!("{}:{} {}", hit.file, hit.line, hit.rule),
        None => "-".to_owned(),
    }
}

pub(crate) fn cell(text: &str) -> Cell {
    Cell::new(printable(&truncate(text, MAX_CELL)))
}

/// ` (customs.toml:7)`: where a finding about the scan points, if anywhere.
pub(crate) fn where_(finding: &Finding) -> String {
    match finding.locations.first() {
        Some(location) => format!(" ({}:{})", printable(&location.path), location.line),
        None => String::new(),
    }
}

/// `minimist 1.2.5 GHSA-xvch-5gv4-984h: only used by build scripts`.
pub(crate) fn accepted_line(finding: &Finding) -> String {
    let mut subject = Vec::new();
    if let Some(package) = &finding.package {
        subject.push(truncate(&package.name, MAX_CELL));
        if let Some(version) = &package.version {
            subject.push(truncate(version, MAX_CELL));
        }
    }
    match &finding.advisory {
        Some(advisory) => subject.push(truncate(&advisory.id, MAX_CELL)),
        None => subject.push(finding.code.as_str().to_owned()),
    }
    let reason = match &finding.ignored {
        Some(reason) => format!("ignored: {reason}"),
        None => "allowed by the policy".to_owned(),
    };
    printable(&format!("{}: {reason}", subject.join(" ")))
}
