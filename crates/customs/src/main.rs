//! The `customs` command line. Flags are parsed into plain data first, then handed to the
//! library crates; only this crate prints.

mod commands;
mod inspections;
mod output;
mod popular;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Guards what crosses into a codebase from npm, PyPI and crates.io: reads every lockfile,
/// knows every package, and checks them before they are trusted.
#[derive(Debug, Parser)]
#[command(name = "customs", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List every package the lockfiles under PATH pin (exit 2 if a file could not be read).
    Inventory(InventoryArgs),
    /// Check every locked package against known vulnerabilities and malicious packages (exit 1
    /// when a finding fails the policy, 2 when some input or check could not be read or run).
    Scan(commands::scan::ScanArgs),
    /// Compare the lockfiles with a git revision (`--base origin/main`) and check what the
    /// change adds or changes (exit 1 when that fails the policy or a malicious package is
    /// locked anywhere, 2 when some input, revision or check could not be read or run).
    Diff(commands::diff::DiffArgs),
    /// Write a software bill of materials (CycloneDX 1.6/1.5 JSON or XML, SPDX 2.3 JSON) of
    /// every locked package (exit 2 if a file could not be read).
    Sbom(commands::sbom::SbomArgs),
    /// Check package names before adding them: typosquats of popular names and known malicious
    /// packages (exit 1 when a name is suspicious, 2 when the check could not run).
    Check(commands::check::CheckArgs),
    /// Open package artifacts (from their registry, a file or a directory) and look for
    /// malicious code, statically (exit 1 when one is malicious, 2 when one could not be
    /// inspected).
    Inspect(commands::inspect::InspectArgs),
    /// Update the advisory database, or show what it holds.
    #[command(subcommand)]
    Db(commands::db::DbCommand),
    /// Explain a finding code: what it means and what to do (without CODE: list every code).
    Explain(commands::explain::ExplainArgs),
    /// Write a commented starting customs.toml (the policy file).
    Init(commands::init::InitArgs),
}

#[derive(Debug, clap::Args)]
pub(crate) struct InventoryArgs {
    /// Directories to walk or files to read (default: the current directory).
    #[arg(value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = InventoryFormat::Table)]
    pub(crate) format: InventoryFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(crate) enum InventoryFormat {
    Table,
    Json,
}

/// Exit codes: 0 all good; 2 some input could not be read or a check could not run (its
/// results are missing).
pub(crate) const EXIT_INPUT_ERROR: u8 = 2;

/// Hands results that live until the process exits to the operating system instead of freeing
/// them piece by piece: for a large inventory the frees alone cost a millisecond. Only for
/// values whose drop does nothing but free memory, or whose other effects (closing a read-only
/// database) the exit does as well.
pub(crate) fn exit_without_freeing<T>(value: T) {
    std::mem::forget(value);
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("customs: error: {error:#}");
            ExitCode::from(EXIT_INPUT_ERROR)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Inventory(args) => commands::inventory::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Diff(args) => commands::diff::run(args),
        Command::Sbom(args) => commands::sbom::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Db(command) => commands::db::run(command),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Init(args) => commands::init::run(args),
    }
}
