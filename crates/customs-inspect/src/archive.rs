//! What reading an archive yields, and the collector that applies the per-entry rules.

use std::fmt;

use crate::path::{normalise, shown};
use crate::{ArchiveError, ArchiveKind, Limits};

/// The files of an archive, in memory, with what was left out and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Archive {
    pub kind: ArchiveKind,
    /// Regular files, in archive order (tar: stream order; zip: central directory order).
    /// A path may occur more than once (see [`Archive::duplicates`]): every version is kept,
    /// since unpackers differ on which one wins (tar and Python's zipfile keep the last).
    pub files: Vec<File>,
    /// Entries not read, in archive order. Directories are not listed unless their name is
    /// refused.
    pub skipped: Vec<Skipped>,
    /// The one top directory every entry sits under (npm's `package/`, a crate's or sdist's
    /// `name-version/`), stripped from the paths of [`Archive::files`]; `None` when entries
    /// sit under different top directories, or a file sits at the top. A `*.dist-info`
    /// directory (a wheel's metadata) is never taken for a root.
    pub package_root: Option<String>,
    /// The paths of [`Archive::files`] that occur more than once, sorted.
    pub duplicates: Vec<String>,
    /// Entries read (files, directories, links and the rest; not tar extension headers).
    pub entries: usize,
    /// Bytes unpacked (see [`Limits::max_total_bytes`]).
    pub unpacked_bytes: u64,
}

/// A regular file of an archive.
#[derive(Clone, PartialEq, Eq)]
pub struct File {
    /// Normalised: relative, `/`-separated, without empty, `.` or `..` components, the
    /// [`Archive::package_root`] stripped.
    pub path: String,
    /// The entry's index (see [`crate::Location::Entry`]).
    pub index: usize,
    pub data: Vec<u8>,
    /// Any execute bit in the entry's Unix mode.
    pub executable: bool,
}

impl File {
    #[must_use]
    pub fn size(&self) -> u64 {
        self.data.len() as u64
    }
}

impl fmt::Debug for File {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("File")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("size", &self.data.len())
            .field("executable", &self.executable)
            .finish_non_exhaustive()
    }
}

/// An entry left out of [`Archive::files`], and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// The entry's index (see [`crate::Location::Entry`]).
    pub index: usize,
    /// The name as the archive gives it (before normalisation), escaped and shortened.
    pub path: String,
    pub reason: SkipReason,
}

/// Why an entry was left out. Each has a stable kebab-case [code](SkipReason::code).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// The name is longer than [`Limits::max_path_len`] bytes.
    PathTooLong {
        len: usize,
    },
    NotUtf8,
    /// A C0 or C1 control character, NUL and DEL included.
    ControlCharacter,
    Absolute,
    /// A drive letter, a UNC path or a backslash.
    WindowsPath,
    /// A `..` component.
    Traversal,
    /// More than [`Limits::max_depth`] components.
    TooDeep {
        depth: usize,
    },
    /// A non-directory whose name normalises to nothing (`.`, `./`).
    EmptyPath,
    /// Never followed. The target as the archive gives it, escaped, when it could be read.
    Symlink {
        target: Option<String>,
    },
    /// Never followed.
    HardLink {
        target: Option<String>,
    },
    CharDevice,
    BlockDevice,
    Fifo,
    Socket,
    /// Larger than [`Limits::max_file_bytes`]: the size the archive declares (a zip's, read
    /// before unpacking) or the tar header's.
    FileTooLarge {
        size: u64,
    },
    /// Unpacks to more than [`Limits::max_ratio`] times its compressed size (past
    /// [`Limits::ratio_exempt_bytes`]): tar, found while unpacking, which stops there; zip,
    /// from the declared size, before unpacking.
    CompressionRatio {
        limit: u64,
    },
    /// A zip entry encrypted (traditional PKWARE, strong encryption or AES).
    Encrypted,
    /// A zip entry compressed with a method other than stored (0) or deflate (8).
    UnsupportedCompression {
        method: u16,
    },
}

impl SkipReason {
    /// Every code, for documentation and the uniqueness test.
    pub const CODES: &'static [&'static str] = &[
        "path-too-long",
        "path-not-utf8",
        "path-control-character",
        "path-absolute",
        "path-windows",
        "path-traversal",
        "path-too-deep",
        "path-empty",
        "symlink",
        "hard-link",
        "char-device",
        "block-device",
        "fifo",
        "socket",
        "file-too-large",
        "compression-ratio",
        "encrypted",
        "unsupported-compression",
    ];

    /// A stable kebab-case code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            SkipReason::PathTooLong { .. } => "path-too-long",
            SkipReason::NotUtf8 => "path-not-utf8",
            SkipReason::ControlCharacter => "path-control-character",
            SkipReason::Absolute => "path-absolute",
            SkipReason::WindowsPath => "path-windows",
            SkipReason::Traversal => "path-traversal",
            SkipReason::TooDeep { .. } => "path-too-deep",
            SkipReason::EmptyPath => "path-empty",
            SkipReason::Symlink { .. } => "symlink",
            SkipReason::HardLink { .. } => "hard-link",
            SkipReason::CharDevice => "char-device",
            SkipReason::BlockDevice => "block-device",
            SkipReason::Fifo => "fifo",
            SkipReason::Socket => "socket",
            SkipReason::FileTooLarge { .. } => "file-too-large",
            SkipReason::CompressionRatio { .. } => "compression-ratio",
            SkipReason::Encrypted => "encrypted",
            SkipReason::UnsupportedCompression { .. } => "unsupported-compression",
        }
    }

    /// The name points outside the archive (absolute, `..`, a Windows path).
    #[must_use]
    pub fn escapes(&self) -> bool {
        matches!(
            self,
            SkipReason::Absolute | SkipReason::WindowsPath | SkipReason::Traversal
        )
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let target = |target: &Option<String>| match target {
            Some(target) => format!(" to `{target}`"),
            None => String::new(),
        };
        match self {
            SkipReason::PathTooLong { len } => write!(formatter, "a name of {len} bytes"),
            SkipReason::NotUtf8 => formatter.write_str("a name that is not UTF-8"),
            SkipReason::ControlCharacter => formatter.write_str("a control character in the name"),
            SkipReason::Absolute => formatter.write_str("an absolute path"),
            SkipReason::WindowsPath => {
                formatter.write_str("a Windows path (drive, UNC path or backslash)")
            }
            SkipReason::Traversal => formatter.write_str("a `..` component"),
            SkipReason::TooDeep { depth } => write!(formatter, "a path {depth} components deep"),
            SkipReason::EmptyPath => formatter.write_str("an empty name"),
            SkipReason::Symlink { target: to } => write!(formatter, "a symlink{}", target(to)),
            SkipReason::HardLink { target: to } => write!(formatter, "a hard link{}", target(to)),
            SkipReason::CharDevice => formatter.write_str("a character device"),
            SkipReason::BlockDevice => formatter.write_str("a block device"),
            SkipReason::Fifo => formatter.write_str("a FIFO"),
            SkipReason::Socket => formatter.write_str("a socket"),
            SkipReason::FileTooLarge { size } => write!(formatter, "a file of {size} bytes"),
            SkipReason::CompressionRatio { limit } => write!(
                formatter,
                "a file unpacking to more than {limit} times its compressed size"
            ),
            SkipReason::Encrypted => formatter.write_str("an encrypted entry"),
            SkipReason::UnsupportedCompression { method } => {
                write!(formatter, "compression method {method}")
            }
        }
    }
}

/// The single top directory seen so far.
enum Root {
    /// No entry with a path yet.
    Unknown,
    Candidate(String),
    None,
}

/// Collects entries as a reader meets them, applying the rules every format shares: the entry
/// count, name checks, the package root, duplicates.
pub(crate) struct Collector<'a> {
    limits: &'a Limits,
    entries: usize,
    files: Vec<File>,
    skipped: Vec<Skipped>,
    /// Entries skipped for a name pointing outside the archive.
    escaping: usize,
    /// Entries with a usable name (the archive's own root `./` aside).
    named: usize,
    root: Root,
}

impl<'a> Collector<'a> {
    pub(crate) fn new(limits: &'a Limits) -> Self {
        Collector {
            limits,
            entries: 0,
            files: Vec::new(),
            skipped: Vec::new(),
            escaping: 0,
            named: 0,
            root: Root::Unknown,
        }
    }

    /// The index of the next entry.
    pub(crate) fn next_index(&self) -> usize {
        self.entries
    }

    /// Counts one more entry and returns its index, or refuses the archive past
    /// [`Limits::max_entries`].
    pub(crate) fn begin_entry(&mut self) -> Result<usize, ArchiveError> {
        if self.entries >= self.limits.max_entries {
            return Err(ArchiveError::TooManyEntries {
                limit: self.limits.max_entries,
            });
        }
        self.entries += 1;
        Ok(self.entries - 1)
    }

    /// The normalised name of entry `index`, or `None` once the entry is recorded as skipped.
    /// A directory may be the archive's own root (an empty path).
    pub(crate) fn name(&mut self, index: usize, raw: &[u8], directory: bool) -> Option<String> {
        match normalise(raw, self.limits) {
            Ok(path) if path.is_empty() && directory => Some(path),
            Ok(path) if path.is_empty() => {
                self.skip(index, raw, SkipReason::EmptyPath);
                None
            }
            Ok(path) => {
                self.named += 1;
                self.see_root(&path, directory);
                Some(path)
            }
            Err(reason) => {
                if reason.escapes() {
                    self.escaping += 1;
                }
                self.skip(index, raw, reason);
                None
            }
        }
    }

    /// Records a directory: only its name matters.
    pub(crate) fn directory(&mut self, index: usize, raw: &[u8]) {
        let _ = self.name(index, raw, true);
    }

    /// Records a link, device or other non-file: skipped for `reason`, or for its name.
    pub(crate) fn special(&mut self, index: usize, raw: &[u8], reason: SkipReason) {
        if self.name(index, raw, false).is_some() {
            self.skip(index, raw, reason);
        }
    }

    pub(crate) fn skip(&mut self, index: usize, raw: &[u8], reason: SkipReason) {
        self.skipped.push(Skipped {
            index,
            path: shown(raw),
            reason,
        });
    }

    pub(crate) fn file(&mut self, index: usize, path: String, data: Vec<u8>, executable: bool) {
        self.files.push(File {
            path,
            index,
            data,
            executable,
        });
    }

    fn see_root(&mut self, path: &str, directory: bool) {
        let (first, rest) = path.split_once('/').unwrap_or((path, ""));
        if rest.is_empty() && !directory {
            self.root = Root::None;
            return;
        }
        match &self.root {
            Root::Unknown => self.root = Root::Candidate(first.to_owned()),
            Root::Candidate(root) if root != first => self.root = Root::None,
            Root::Candidate(_) | Root::None => {}
        }
    }

    pub(crate) fn finish(
        self,
        kind: ArchiveKind,
        unpacked_bytes: u64,
    ) -> Result<Archive, ArchiveError> {
        if self.escaping > 0 && self.named == 0 {
            return Err(ArchiveError::EveryEntryEscapes {
                count: self.escaping,
            });
        }
        let mut files = self.files;
        let package_root = match self.root {
            Root::Candidate(root) if !root.ends_with(".dist-info") => Some(root),
            _ => None,
        };
        if let Some(root) = &package_root {
            for file in &mut files {
                if let Some(rest) = file
                    .path
                    .strip_prefix(root.as_str())
                    .and_then(|rest| rest.strip_prefix('/'))
                {
                    file.path = rest.to_owned();
                }
            }
        }
        let mut paths: Vec<&str> = files.iter().map(|file| file.path.as_str()).collect();
        paths.sort_unstable();
        let mut duplicates: Vec<String> = paths
            .windows(2)
            .filter(|pair| pair.first() == pair.get(1))
            .filter_map(|pair| pair.first().map(|path| (*path).to_owned()))
            .collect();
        duplicates.dedup();
        Ok(Archive {
            kind,
            files,
            skipped: self.skipped,
            package_root,
            duplicates,
            entries: self.entries,
            unpacked_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_codes_are_unique_and_listed() {
        let mut codes = SkipReason::CODES.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), SkipReason::CODES.len());
        let reasons = [
            SkipReason::PathTooLong { len: 1 },
            SkipReason::NotUtf8,
            SkipReason::ControlCharacter,
            SkipReason::Absolute,
            SkipReason::WindowsPath,
            SkipReason::Traversal,
            SkipReason::TooDeep { depth: 1 },
            SkipReason::EmptyPath,
            SkipReason::Symlink { target: None },
            SkipReason::HardLink { target: None },
            SkipReason::CharDevice,
            SkipReason::BlockDevice,
            SkipReason::Fifo,
            SkipReason::Socket,
            SkipReason::FileTooLarge { size: 1 },
            SkipReason::CompressionRatio { limit: 1 },
            SkipReason::Encrypted,
            SkipReason::UnsupportedCompression { method: 12 },
        ];
        let used: Vec<&str> = reasons.iter().map(SkipReason::code).collect();
        assert_eq!(used, SkipReason::CODES);
    }
}
