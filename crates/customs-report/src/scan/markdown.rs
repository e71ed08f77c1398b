//! Markdown for pull-request comments (GitHub Flavored Markdown, which GitLab and Gitea render
//! alike).
//!
//! Everything that did not come from customs is escaped: in plain text every character Markdown
//! or HTML gives a meaning to, plus `@` and `#` (GitHub turns `@name` into a notification and
//! `#12` into a link: a zero-width space after them defuses both, as Renovate does); package
//! names, versions and paths go in code spans, whose only hazard in a table is `|`. Links are
//! written only for `http(s)` advisory URLs, percent-encoded so they cannot end early. Cells are
//! cut to a bounded length and sections to a bounded number of rows, so a hostile input cannot
//! push a comment past what a forge accepts (GitHub: 65,536 characters).

use std::fmt::Write as _;
use std::io::{self, Write};

use customs_core::{FileError, Finding, Inventory, Level};

use super::{
    Counts, ScanSummary, checked_line, fixed_in, headline, is_about_scan, severity_label,
    short_path, sorted, truncate, verdict_reasons,
};

/// Sections longer than this are folded into a `<details>` block.
pub(crate) const FOLD_AFTER: usize = 10;
/// Rows written per section at most; the rest are counted, and left to the full report.
pub(crate) const MAX_ROWS: usize = 100;
/// Characters of rows per section at most (escaping can make a row of hostile text several
/// times longer than its input). The budgets add up to well under GitHub's 65,536.
const FINDINGS_BUDGET: usize = 20_000;
const ACCEPTED_BUDGET: usize = 8_000;
pub(crate) const FILE_ERRORS_BUDGET: usize = 6_000;
pub(crate) const FILE_WARNINGS_BUDGET: usize = 4_000;
pub(crate) const MAX_NAME: usize = 60;
pub(crate) const MAX_SUMMARY: usize = 100;
pub(crate) const MAX_PATH: usize = 120;
/// The command that writes what a comment leaves out.
const FULL_REPORT: &str = "customs scan --format json";
/// Longer advisory URLs are not linked: no real advisory page needs more.
const MAX_URL: usize = 300;

/// Writes a pull-request comment: a verdict line with the counts, the failing findings, the
/// warnings, the accepted findings with their reasons, and the inventory's errors and warnings.
pub fn write_markdown<W: Write + ?Sized>(
    findings: &[Finding],
    inventory: &Inventory,
    summary: &ScanSummary,
    out: &mut W,
) -> io::Result<()> {
    let counts = Counts::of(findings);
    let mut verdict = headline(&counts, inventory, summary);
    let reasons = verdict_reasons(&counts, inventory.errors.len());
    if !reasons.is_empty() {
        let _ = write!(verdict, " ({})", reasons.join(", "));
    }
    writeln!(
        out,
        "**customs: {}** · {}",
        summary.outcome.as_str(),
        text(&verdict)
    )?;

    let sorted = sorted(findings);
    let failing: Vec<&Finding> = sorted
        .iter()
        .copied()
        .filter(|f| f.level == Level::Deny)
        .collect();
    let warnings: Vec<&Finding> = sorted
        .iter()
        .copied()
        .filter(|f| f.level == Level::Warn)
        .collect();
    let accepted: Vec<&Finding> = sorted
        .iter()
        .copied()
        .filter(|f| f.level == Level::Allow)
        .collect();

    write_section(
        out,
        "Failing",
        &failing,
        Fold::Open,
        FINDINGS_BUDGET,
        FULL_REPORT,
    )?;
    write_section(
        out,
        "Warnings",
        &warnings,
        Fold::Closed,
        FINDINGS_BUDGET,
        FULL_REPORT,
    )?;
    write_accepted(out, &accepted, ACCEPTED_BUDGET, FULL_REPORT)?;
    if !inventory.errors.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "#### Files that could not be read ({})",
            inventory.errors.len()
        )?;
        writeln!(out)?;
        write_bounded(
            out,
            file_errors(&inventory.errors),
            FILE_ERRORS_BUDGET,
            FULL_REPORT,
        )?;
    }
    if !inventory.warnings.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "<details><summary>Inventory warnings ({})</summary>",
            inventory.warnings.len()
        )?;
        writeln!(out)?;
        write_bounded(
            out,
            file_errors(&inventory.warnings),
            FILE_WARNINGS_BUDGET,
            FULL_REPORT,
        )?;
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "<sub>{}. customs {}.</sub>",
        text(&truncate(&checked_line(summary), MAX_SUMMARY * 3)),
        env!("CARGO_PKG_VERSION")
    )
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fold {
    /// Folded, but shown until the reader folds it: failures must be seen.
    Open,
    Closed,
}

pub(crate) fn write_section<W: Write + ?Sized>(
    out: &mut W,
    title: &str,
    findings: &[&Finding],
    fold: Fold,
    budget: usize,
    full_report: &str,
) -> io::Result<()> {
    if findings.is_empty() {
        return Ok(());
    }
    let (about_scan, about_packages): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().copied().partition(|f| is_about_scan(f));
    writeln!(out)?;
    writeln!(out, "#### {title} ({})", findings.len())?;
    writeln!(out)?;
    let folded = findings.len() > FOLD_AFTER;
    if folded {
        let open = if fold == Fold::Open { " open" } else { "" };
        writeln!(
            out,
            "<details{open}><summary>{} finding{}</summary>",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        )?;
        writeln!(out)?;
    }
    // One budget for the section: its notes about the scan first, then its table.
    let mut budget = budget;
    if !about_scan.is_empty() {
        let notes = about_scan.iter().map(|finding| {
            let place = finding
                .locations
                .first()
                .map(|l| format!(" ({}:{})", code(&truncate(&l.path, MAX_PATH)), l.line))
                .unwrap_or_default();
            format!(
                "- **{}**: {}{place}",
                finding.code,
                text(&truncate(&finding.message, MAX_SUMMARY * 2))
            )
        });
        budget = budget.saturating_sub(write_bounded(out, notes, budget, full_report)?);
    }
    if !about_scan.is_empty() && !about_packages.is_empty() {
        writeln!(out)?;
    }
    if !about_packages.is_empty() {
        writeln!(
            out,
            "| Package | Version | Advisory | Severity | Fixed in | Path | Summary |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
        write_bounded(
            out,
            about_packages.iter().map(|f| row(f)),
            budget,
            full_report,
        )?;
    }
    if folded {
        writeln!(out)?;
        writeln!(out, "</details>")?;
    }
    Ok(())
}

/// Writes lines while they fit in `MAX_ROWS` rows and `budget` characters, then says how many
/// were left out, and which command writes them all. Returns the characters written.
pub(crate) fn write_bounded<W: Write + ?Sized>(
    out: &mut W,
    lines: impl ExactSizeIterator<Item = String>,
    budget: usize,
    full_report: &str,
) -> io::Result<usize> {
    let total = lines.len();
    let mut written = 0;
    let mut rows = 0;
    for line in lines.take(MAX_ROWS) {
        if written + line.len() >= budget {
            break;
        }
        writeln!(out, "{line}")?;
        written += line.len() + 1;
        rows += 1;
    }
    let omitted = total - rows;
    if omitted > 0 {
        writeln!(out)?;
        writeln!(
            out,
            "… and {omitted} more, in the full report (`{full_report}`)."
        )?;
    }
    Ok(written)
}

fn row(finding: &Finding) -> String {
    let package = finding.package.as_ref();
    let advisory = match &finding.advisory {
        Some(advisory) => match advisory
            .url
            .as_deref()
            .filter(|url| url.len() <= MAX_URL)
            .and_then(link_destination)
        {
            Some(url) => format!("[{}]({url})", text(&truncate(&advisory.id, MAX_NAME))),
            None => text(&truncate(&advisory.id, MAX_NAME)),
        },
        None => "-".to_owned(),
    };
    let summary = finding
        .advisory
        .as_ref()
        .and_then(|a| a.summary.as_deref())
        .unwrap_or(&finding.message);
    let cells = [
        cell_code(&truncate(package.map_or("", |p| p.name.as_str()), MAX_NAME)),
        package
            .and_then(|p| p.version.as_deref())
            .map_or_else(|| "-".to_owned(), |v| cell_code(&truncate(v, MAX_NAME))),
        advisory,
        text(&truncate(&severity_label(finding), MAX_NAME)),
        fixed_in(finding).map_or_else(|| "-".to_owned(), |v| cell_code(&truncate(v, MAX_NAME))),
        cell_code(&truncate(&short_path(finding), MAX_PATH)),
        text(&truncate(summary, MAX_SUMMARY)),
    ];
    format!("| {} |", cells.join(" | "))
}

/// `` `minimist` `1.2.5` GHSA-xvch-5gv4-984h: ignored: only used by build scripts ``.
/// Accepted findings, folded, within `budget` characters (pointing at `full_report` for the rest).
pub(crate) fn write_accepted<W: Write + ?Sized>(
    out: &mut W,
    accepted: &[&Finding],
    budget: usize,
    full_report: &str,
) -> io::Result<()> {
    if accepted.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "<details><summary>Accepted ({})</summary>",
        accepted.len()
    )?;
    writeln!(out)?;
    let items = accepted.iter().map(|f| format!("- {}", accepted_item(f)));
    write_bounded(out, items, budget, full_report)?;
    writeln!(out)?;
    writeln!(out, "</details>")
}

pub(crate) fn accepted_item(finding: &Finding) -> String {
    let mut subject = Vec::new();
    if let Some(package) = &finding.package {
        subject.push(code(&truncate(&package.name, MAX_NAME)));
        if let Some(version) = &package.version {
            subject.push(code(&truncate(version, MAX_NAME)));
        }
    }
    subject.push(match &finding.advisory {
        Some(advisory) => text(&truncate(&advisory.id, MAX_NAME)),
        None => finding.code.as_str().to_owned(),
    });
    let reason = match &finding.ignored {
        Some(reason) => format!("ignored: {}", text(&truncate(reason, MAX_SUMMARY * 2))),
        None => "allowed by the policy".to_owned(),
    };
    format!("{}: {reason}", subject.join(" "))
}

pub(crate) fn file_errors(errors: &[FileError]) -> impl ExactSizeIterator<Item = String> + '_ {
    errors.iter().map(|error| {
        let line = error.line.map(|l| format!(":{l}")).unwrap_or_default();
        format!(
            "- {}{line}: {}",
            code(&truncate(&error.path, MAX_PATH)),
            text(&truncate(&error.message, MAX_SUMMARY * 2))
        )
    })
}

/// Untrusted text as inline Markdown that renders as exactly that text, on one line, and
/// neither mentions anyone nor links anything.
pub(crate) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + 8);
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' | '#' => {
                out.push(c);
                out.push_str("&#8203;");
            }
            // `:` also stops `:emoji:` codes and `https://` autolinks; `$` stops math.
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' | ':' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(one_line(c)),
        }
    }
    out
}

/// Untrusted text as a code span in a table cell, where a `|` would end the cell even inside
/// the span unless escaped (the table's escape, removed before the span is read).
pub(crate) fn cell_code(input: &str) -> String {
    code(&input.replace('|', "\\|"))
}

/// Untrusted text as a code span: rendered literally, so only the span's own delimiters need
/// care.
pub(crate) fn code(input: &str) -> String {
    if input.is_empty() {
        return String::new();
    }
    let content: String = input.chars().map(one_line).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in content.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick (or a space, which would be stripped) needs a
    // space of padding on both sides.
    if content.starts_with(['`', ' ']) || content.ends_with(['`', ' ']) {
        format!("{fence} {content} {fence}")
    } else {
        format!("{fence}{content}{fence}")
    }
}

/// Line breaks would end a table row; other control characters and bidirectional overrides
/// have no business in a comment.
fn one_line(c: char) -> char {
    match c {
        '\n' | '\r' | '\t' => ' ',
        c if super::needs_escape(c) => '\u{fffd}',
        c => c,
    }
}

/// An advisory URL as a link destination, or `None` when it is not `http(s)` (no `javascript:`
/// or `data:` links). Characters that could end the destination or the link are
/// percent-encoded.
fn link_destination(url: &str) -> Option<String> {
    let lower = url.get(..8).map(str::to_ascii_lowercase)?;
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    let mut out = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic()
            && !matches!(
                byte,
                b'<' | b'>'
                    | b'('
                    | b')'
                    | b'['
                    | b']'
                    | b'"'
                    | b'\''
                    | b'\\'
                    | b'`'
                    | b'|'
                    | b'{'
                    | b'}'
            )
        {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_escaped() {
        assert_eq!(
            text("[x](javascript:alert(1)) <b>&</b> *a* @org #12 | $x$"),
            "\\[x\\](javascript\\:alert(1)) &lt;b&gt;&amp;&lt;/b&gt; \\*a\\* \
             @&#8203;org #&#8203;12 \\| \\$x\\$"
        );
        assert_eq!(text("line\nbreak\u{202e}"), "line break\u{fffd}");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("lodash"), "`lodash`");
        assert_eq!(code("@babel/core"), "`@babel/core`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("a|b"), "`a|b`");
        assert_eq!(cell_code("a|b"), "`a\\|b`");
        assert_eq!(code(""), "");
    }

    #[test]
    fn only_web_links_are_linked() {
        assert_eq!(
            link_destination("https://osv.dev/vulnerability/GHSA-x"),
            Some("https://osv.dev/vulnerability/GHSA-x".to_owned())
        );
        assert_eq!(
            link_destination("https://e.example/a) [b](c \"d\""),
            Some("https://e.example/a%29%20%5Bb%5D%28c%20%22d%22".to_owned())
        );
        assert_eq!(
            link_destination("HTTP://E.EXAMPLE/"),
            Some("HTTP://E.EXAMPLE/".to_owned())
        );
        assert_eq!(link_destination("javascript:alert(1)"), None);
        assert_eq!(link_destination("data:text/html,x"), None);
        assert_eq!(link_destination("http:/"), None);
    }
}
