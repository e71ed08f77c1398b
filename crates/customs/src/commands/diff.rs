//! `customs diff --base GIT_REF`: what a change adds, gated. The head is the working tree, the
//! base a git revision read without checking it out; the advisory check runs on the head, and
//! only findings about packages the change adds or changes are kept, with malicious packages
//! wherever they are (labelled pre-existing when the base had them already).
//!
//! Exit status: 0 when nothing the change brings in fails the policy; 1 when something does, or
//! when a malicious package is locked anywhere; 2 when a file of either side could not be read,
//! a check could not run, or the base revision could not be read.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use customs_core::{InventoryDiff, filter_findings};
use customs_discover::Options;
use customs_report::diff::{BaseRevision, DiffReport};

use crate::commands::scan::{
    AdvisoryArgs, AdvisoryCheck, FailOnArgs, RegistryArgs, ScanFormat, report_to_stderr,
};

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    /// The git revision to compare with: a branch, a tag or a commit (`origin/main`). Its
    /// history must be present: in CI, fetch it (actions/checkout with `fetch-depth: 0`).
    #[arg(long, value_name = "GIT_REF")]
    base: String,
    /// Directories to walk or files to read, in the working tree and at the base (default: the
    /// current directory). All must be in one git repository.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format (SARIF holds the findings only; Markdown is shaped for a pull-request
    /// comment).
    #[arg(long, short, value_enum, default_value_t = ScanFormat::Table)]
    format: ScanFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    #[command(flatten)]
    advisories: AdvisoryArgs,
    #[command(flatten)]
    registry: RegistryArgs,
    #[command(flatten)]
    fail_on: FailOnArgs,
}

pub(crate) fn run(args: DiffArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    // The cheapest mistakes first: a revision git does not know, a path outside the
    // repository, then the policy and the database.
    let commit = customs_discover::resolve_revision(&paths, &args.base)?;
    let advisories =
        AdvisoryCheck::prepare(args.advisories, &paths, args.fail_on.fail_on.as_deref())?;
    let registry = advisories.registry(&args.registry, &paths)?;
    let deep = advisories.deep(&args.registry)?;
    let options = Options::default();
    let head = customs_discover::scan(&paths, &options);
    let base = customs_discover::scan_revision(&paths, &commit, &options)?;
    let now = SystemTime::now();
    let diff = InventoryDiff::compare(&base, &head);
    let introduced = diff.introduced();
    let brought_in = |lockfile: usize, package: usize| {
        head.lockfiles.get(lockfile).is_some_and(|report| {
            report.packages.get(package).is_some_and(|package| {
                introduced.contains(&(report.path.as_str(), package.purl().as_str()))
            })
        })
    };
    let (checked, findings) =
        advisories.evaluate_selected(&head, now, registry.as_ref(), deep.as_ref(), brought_in)?;
    let findings = filter_findings(findings, &diff);
    let outcome = customs_report::diff::outcome(&findings, &head, &base.errors);
    let summary = advisories.summary(&checked, now, outcome);
    let base_revision = BaseRevision {
        revision: args.base,
        commit,
    };
    let report = DiffReport {
        base: &base_revision,
        diff: &diff,
        findings: &findings,
        head: &head,
        base_errors: &base.errors,
        summary: &summary,
    };
    crate::output::write(args.output.as_ref(), |out| match args.format {
        ScanFormat::Table => customs_report::diff::write_table(&report, out),
        ScanFormat::Json => customs_report::diff::write_json(&report, out),
        ScanFormat::Sarif => customs_report::diff::write_sarif(&report, out),
        ScanFormat::Markdown => customs_report::diff::write_markdown(&report, out),
    })?;
    // The table says all of this itself; other outputs may not reach a person.
    if args.output.is_some() || args.format != ScanFormat::Table {
        let at_base = base
            .errors
            .iter()
            .map(|error| format!("at {}: {error}", base_revision.revision));
        let errors = at_base.chain(head.errors.iter().map(ToString::to_string));
        report_to_stderr(errors, findings.all());
    }
    let code = ExitCode::from(summary.outcome.exit_code());
    crate::exit_without_freeing((head, base, diff, findings, checked, advisories));
    Ok(code)
}
