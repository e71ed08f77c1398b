//! `customs init [DIR]`: writes a commented starting customs.toml.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

#[derive(Debug, clap::Args)]
pub(crate) struct InitArgs {
    /// The directory to write customs.toml in (default: the current directory).
    #[arg(value_name = "DIR", default_value = ".")]
    directory: PathBuf,
    /// Replace an existing customs.toml.
    #[arg(long)]
    force: bool,
}

pub(crate) fn run(args: InitArgs) -> anyhow::Result<ExitCode> {
    let path = args.directory.join(customs_policy::CONFIG_FILE);
    let mut options = OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // Never clobber a policy somebody wrote.
        options.create_new(true);
    }
    let mut file = match options.open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "`{}` already exists: edit it, or rerun with --force to replace it",
            path.display()
        ),
        Err(error) => {
            return Err(error).with_context(|| format!("cannot create `{}`", path.display()));
        }
    };
    file.write_all(customs_policy::STARTER.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    eprintln!("customs: wrote {}", path.display());
    Ok(ExitCode::SUCCESS)
}
