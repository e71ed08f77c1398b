//! The `customs` command line. Flags are parsed into plain data first, then handed to the
//! library crates; only this crate prints.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
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
}

#[derive(Debug, clap::Args)]
struct InventoryArgs {
    /// Directories to walk or files to read (default: the current directory).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = InventoryFormat::Table)]
    format: InventoryFormat,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum InventoryFormat {
    Table,
    Json,
}

/// Exit codes: 0 all good; 2 some input could not be read (its results are missing).
const EXIT_INPUT_ERROR: u8 = 2;

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
        Command::Inventory(args) => inventory(args),
    }
}

fn inventory(args: InventoryArgs) -> anyhow::Result<ExitCode> {
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let inventory = customs_discover::scan(&paths, &customs_discover::Options::default());
    write_output(args.output.as_ref(), |out| match args.format {
        InventoryFormat::Table => customs_report::inventory::write_table(&inventory, out),
        InventoryFormat::Json => customs_report::inventory::write_json(&inventory, out),
    })?;
    // The table lists errors itself; when the report goes elsewhere (JSON, or a file), a
    // person watching the terminal must still learn that some input was not read.
    if args.output.is_some() || matches!(args.format, InventoryFormat::Json) {
        for error in &inventory.errors {
            eprintln!("customs: error: {error}");
        }
    }
    Ok(if inventory.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INPUT_ERROR)
    })
}

fn write_output(
    path: Option<&PathBuf>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match path {
        Some(path) => {
            let file = File::create(path)
                .with_context(|| format!("cannot create `{}`", path.display()))?;
            let mut out = BufWriter::new(file);
            write(&mut out).with_context(|| format!("cannot write `{}`", path.display()))?;
            out.flush()
                .with_context(|| format!("cannot write `{}`", path.display()))?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match write(&mut out).and_then(|()| out.flush()) {
                // A closed pipe (`customs inventory | head`) is not an error of ours.
                Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write to standard output")?,
            }
        }
    }
    Ok(())
}
