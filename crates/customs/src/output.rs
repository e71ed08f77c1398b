//! Where reports go.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context as _;

/// Writes a report to `path`, or to standard output, where a closed pipe is not an error.
pub(crate) fn write(
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
