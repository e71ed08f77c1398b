//! Where files come from: the working tree on disk, or a git revision (see [`crate::revision`]).
//!
//! Reading a lockfile, its includes and its manifests goes through [`Files`], so the rules
//! (size caps, which manifests complete which lockfile, includes that may not leave the
//! scanned root, workspace members found by glob) are written once and hold for both.

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

use crate::walk::SKIPPED_DIRECTORIES;

/// Workspace member globs are matched against directories at most this deep below the
/// lockfile's directory.
pub(crate) const MAX_MEMBER_DEPTH: usize = 8;

/// A tree of files to read lockfiles and manifests from. Paths are in the source's own terms:
/// paths on disk for [`Disk`], paths from the repository's top for a git revision.
pub(crate) trait Files: Sync {
    /// The file's UTF-8 text, refused unread when it is over `max_size` bytes. Errors are
    /// messages for a [`customs_core::FileError`].
    fn read_text(&self, path: &Path, max_size: u64) -> Result<String, String>;

    /// Whether `path` is a file that [`Files::read_text`] may read.
    fn is_file(&self, path: &Path) -> bool;

    /// `path` in the form that tells whether it lies under another path (for includes, which
    /// may not leave the scanned root), or a message saying why it cannot be read.
    fn canonicalize(&self, path: &Path) -> Result<PathBuf, String>;

    /// The directories below `directory`, as `/`-separated paths relative to it, at most
    /// [`MAX_MEMBER_DEPTH`] deep, without entering [`SKIPPED_DIRECTORIES`]: where workspace
    /// members may be.
    fn directories(&self, directory: &Path) -> Vec<String>;
}

/// The file system. Symbolic links are not followed by the walk, but a manifest or include
/// named by path is read through them, as the rest of the system would.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Disk;

impl Files for Disk {
    fn read_text(&self, path: &Path, max_size: u64) -> Result<String, String> {
        crate::read::read_text(path, max_size)
    }

    fn is_file(&self, path: &Path) -> bool {
        path.is_file()
    }

    fn canonicalize(&self, path: &Path) -> Result<PathBuf, String> {
        path.canonicalize()
            .map_err(|error| error.to_string().to_lowercase())
    }

    fn directories(&self, directory: &Path) -> Vec<String> {
        let walker = WalkBuilder::new(directory)
            .hidden(false)
            .ignore(false)
            .git_ignore(false)
            .max_depth(Some(MAX_MEMBER_DEPTH))
            .follow_links(false)
            .filter_entry(|e| {
                !e.file_name()
                    .to_str()
                    .is_some_and(|n| SKIPPED_DIRECTORIES.contains(&n))
            })
            .build();
        let mut directories = Vec::new();
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_dir()) {
                continue;
            }
            let Ok(relative) = entry.path().strip_prefix(directory) else {
                continue;
            };
            let relative = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if !relative.is_empty() {
                directories.push(relative);
            }
        }
        directories
    }
}
