//! git's command line, run on repositories customs does not trust.
//!
//! Only plumbing commands that read objects run (`rev-parse`, `ls-tree`, `cat-file`), and every
//! one of them with:
//! - `-c core.fsmonitor=false`: a repository's own configuration can name a program as its
//!   file-system monitor, which git would start while reading the index;
//! - `-c protocol.allow=never` and `GIT_NO_LAZY_FETCH=1`: a partial clone fetches missing
//!   objects from its remote on demand, which could mean credential helpers and the network;
//! - `--no-replace-objects`: `refs/replace` could otherwise show other contents than the
//!   commit records;
//! - `--literal-pathspecs`: paths are paths, never patterns;
//! - `GIT_DIR`, `GIT_WORK_TREE` and `GIT_INDEX_FILE` removed from the environment: inside a git
//!   hook they point at the hook's repository, relative to its directory, not at the one the
//!   paths are in.
//!
//! Revisions are validated before use and passed after `--end-of-options`, so none can be read
//! as an option. Blob sizes come from `ls-tree -l` and are checked before a blob is requested;
//! `cat-file --batch` (one process for every blob) repeats the size in its header, which is
//! checked again before anything is kept.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;

use crate::revision::RevisionError;

/// Longer lines of git's own output are cut (a hostile repository names its paths).
const MAX_MESSAGE: usize = 300;

/// A `git` command in `directory`, with the settings of the module docs.
pub(crate) fn command(directory: &Path) -> Command {
    let mut command = Command::new("git");
    command
        .arg("-C")
        .arg(directory)
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "protocol.allow=never",
            "--no-replace-objects",
            "--literal-pathspecs",
        ])
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .stdin(Stdio::null());
    command
}

/// What a finished git command said.
pub(crate) struct Output {
    pub(crate) success: bool,
    pub(crate) stdout: String,
    /// The first line of standard error, without git's `fatal: ` and cut to a readable length.
    pub(crate) message: String,
}

/// Runs a short git command (one whose output is a few lines) to completion.
pub(crate) fn run(mut command: Command) -> Result<Output, RevisionError> {
    let output = command
        .output()
        .map_err(|source| RevisionError::GitMissing { source })?;
    Ok(Output {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        message: first_line(&output.stderr),
    })
}

/// The first non-empty line of git's standard error, made safe to print.
pub(crate) fn first_line(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).find(|l| !l.is_empty());
    let line = line.unwrap_or("no message");
    let line = line
        .strip_prefix("fatal: ")
        .or_else(|| line.strip_prefix("error: "))
        .unwrap_or(line);
    line.chars()
        .take(MAX_MESSAGE)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

/// A file of a revision's tree: its blob and its size, which git reports as `BAD` when the blob
/// is missing (a damaged or partial clone): reading it then says so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Blob {
    pub(crate) id: String,
    pub(crate) size: Option<u64>,
}

/// One record of `ls-tree -r -z -l`: `<mode> SP <type> SP <object> SP+ <size> TAB <path>`.
/// Regular files only: symbolic links (mode 120000) are not followed, and submodules (commits)
/// are other repositories.
pub(crate) fn parse_tree_entry(record: &[u8]) -> Option<(String, Blob)> {
    let tab = record.iter().position(|&b| b == b'\t')?;
    let (meta, path) = (record.get(..tab)?, record.get(tab + 1..)?);
    let meta = std::str::from_utf8(meta).ok()?;
    let mut fields = meta.split_ascii_whitespace();
    let mode = fields.next()?;
    let kind = fields.next()?;
    let id = fields.next()?;
    let size = fields.next()?.parse().ok();
    if kind != "blob" || !matches!(mode, "100644" | "100755") {
        return None;
    }
    // Paths git holds as bytes that are not UTF-8 cannot name a lockfile customs reads.
    let path = String::from_utf8(path.to_vec()).ok()?;
    Some((
        path,
        Blob {
            id: id.to_owned(),
            size,
        },
    ))
}

/// A running `git cat-file --batch`, shared by the threads that parse files: each request is
/// written and its answer read in full before the next.
pub(crate) struct Blobs {
    process: Mutex<Batch>,
}

struct Batch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: Option<BufReader<ChildStdout>>,
    /// Set after a failure that left the stream at an unknown place: every later read fails.
    broken: Option<String>,
}

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blobs").finish_non_exhaustive()
    }
}

impl Blobs {
    /// Starts `git cat-file --batch` in `top`.
    pub(crate) fn start(top: &Path) -> Result<Self, RevisionError> {
        let mut command = command(top);
        command
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Nothing is read from it: a full pipe must never stall git.
            .stderr(Stdio::null());
        let mut child = command
            .spawn()
            .map_err(|source| RevisionError::GitMissing { source })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(BufReader::new);
        Ok(Self {
            process: Mutex::new(Batch {
                child,
                stdin,
                stdout,
                broken: None,
            }),
        })
    }

    /// The bytes of blob `id`, refused unread when git says it is over `max_size` bytes.
    pub(crate) fn read(&self, id: &str, max_size: u64) -> Result<Vec<u8>, String> {
        // A thread that panicked while holding the lock left the stream at an unknown place;
        // `broken` says so only if it got that far, so the lock's poison decides too.
        let mut batch = self
            .process
            .lock()
            .map_err(|_| "cannot read from `git cat-file`: an earlier read failed".to_owned())?;
        if let Some(message) = &batch.broken {
            return Err(message.clone());
        }
        match batch.request(id, max_size) {
            Ok(bytes) => Ok(bytes),
            Err(Failure::Answer(message)) => Err(message),
            Err(Failure::Stream(error)) => {
                let message = format!(
                    "cannot read from `git cat-file`: {}",
                    error.to_string().to_lowercase()
                );
                batch.broken = Some(message.clone());
                Err(message)
            }
        }
    }
}

enum Failure {
    /// git answered; the stream is ready for the next request.
    Answer(String),
    /// The stream failed or is at an unknown place.
    Stream(io::Error),
}

impl From<io::Error> for Failure {
    fn from(error: io::Error) -> Self {
        Failure::Stream(error)
    }
}

impl Batch {
    fn request(&mut self, id: &str, max_size: u64) -> Result<Vec<u8>, Failure> {
        let closed = || io::Error::new(io::ErrorKind::BrokenPipe, "git exited");
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Failure::Answer(format!("`{id}` is not an object id")));
        }
        let stdin = self.stdin.as_mut().ok_or_else(closed)?;
        stdin.write_all(id.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let stdout = self.stdout.as_mut().ok_or_else(closed)?;
        let mut header = Vec::new();
        // The header is `<id> <type> <size>` or `<id> missing`: short, unless the stream is not
        // what it should be.
        stdout.by_ref().take(256).read_until(b'\n', &mut header)?;
        if header.last() != Some(&b'\n') {
            return Err(Failure::Stream(io::Error::new(
                io::ErrorKind::InvalidData,
                "unexpected answer",
            )));
        }
        let header = String::from_utf8_lossy(&header);
        let fields: Vec<&str> = header.split_ascii_whitespace().collect();
        let size: u64 = match fields.as_slice() {
            [_, "blob", size] => size.parse().map_err(|_| {
                Failure::Stream(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "unexpected answer",
                ))
            })?,
            [_, "missing"] => {
                return Err(Failure::Answer(
                    "the file's contents are missing from the repository (a shallow or partial \
                     clone?)"
                        .to_owned(),
                ));
            }
            _ => {
                return Err(Failure::Stream(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "unexpected answer",
                )));
            }
        };
        if size > max_size {
            // Skipped, not kept: the stream must reach the next answer.
            let skipped = io::copy(&mut stdout.by_ref().take(size + 1), &mut io::sink())?;
            if skipped != size + 1 {
                return Err(Failure::Stream(closed()));
            }
            return Err(Failure::Answer(format!(
                "file is {size} bytes, over the {max_size}-byte limit for a lockfile"
            )));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        stdout.by_ref().take(size).read_to_end(&mut bytes)?;
        let mut end = [0u8; 1];
        stdout.read_exact(&mut end)?;
        if bytes.len() as u64 != size || end != [b'\n'] {
            return Err(Failure::Stream(closed()));
        }
        Ok(bytes)
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        // Closing both pipes ends git whatever it was doing: at the end of its input it exits,
        // and a write to a closed pipe stops it.
        drop(self.stdin.take());
        drop(self.stdout.take());
        if self.broken.is_some() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// `path`'s parent directory in `/`-separated terms: `""` for a top-level file.
pub(crate) fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(parent, _)| parent)
}

/// `directory/name`, where `""` is the repository's top.
pub(crate) fn join(directory: &str, name: &str) -> String {
    if directory.is_empty() {
        name.to_owned()
    } else {
        format!("{directory}/{name}")
    }
}

/// A path in a revision, from the repository's top, `/`-separated: `.` parts dropped, `..`
/// taking back a part. `None` for a path that climbs out of the repository or is absolute.
pub(crate) fn tree_path(path: &Path) -> Option<String> {
    use std::path::Component;
    let mut parts: Vec<&str> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_entries_keep_regular_files_only() {
        let entry = |text: &str| parse_tree_entry(text.as_bytes());
        assert_eq!(
            entry("100644 blob 0123abcd     120\tsub/package-lock.json"),
            Some((
                "sub/package-lock.json".to_owned(),
                Blob {
                    id: "0123abcd".to_owned(),
                    size: Some(120)
                }
            ))
        );
        assert_eq!(
            entry("100755 blob 0123abcd 1\ta b\tc").map(|(p, _)| p),
            Some("a b\tc".to_owned())
        );
        assert_eq!(
            entry("120000 blob 0123abcd 10\tlink"),
            None,
            "symbolic link"
        );
        assert_eq!(entry("160000 commit 0123abcd -\tsubmodule"), None);
        assert_eq!(entry("100644 blob 0123abcd\tno-size"), None);
        assert_eq!(
            entry("100644 blob 0123abcd     BAD\tmissing").map(|(_, blob)| blob.size),
            Some(None)
        );
        assert_eq!(parse_tree_entry(b"100644 blob 0123abcd 1\t\xff.lock"), None);
    }

    #[test]
    fn tree_paths_stay_inside_the_repository() {
        let path = |text: &str| tree_path(Path::new(text));
        assert_eq!(path("./a/./b/../c"), Some("a/c".to_owned()));
        assert_eq!(path(""), Some(String::new()));
        assert_eq!(path("a/.."), Some(String::new()));
        assert_eq!(path("../a"), None);
        assert_eq!(path("/etc/passwd"), None);
    }

    #[test]
    fn git_messages_are_one_safe_line() {
        assert_eq!(
            first_line(b"\nfatal: bad revision 'x\x1b[2J'\nmore\n"),
            "bad revision 'x?[2J'"
        );
        assert_eq!(first_line(b""), "no message");
    }
}
