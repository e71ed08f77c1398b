//! Why an archive was refused as a whole.

use std::fmt;
use std::io;

use crate::ArchiveKind;

/// Where in an archive something went wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// The archive as a whole (its compressed stream, its end, its directory).
    Archive,
    /// One entry: its zero-based index (tar: in stream order, extension headers not counted;
    /// zip: in central directory order) and, when known, its name as the archive gives it
    /// (escaped, shortened).
    Entry { index: usize, path: Option<String> },
}

impl Location {
    pub(crate) fn entry(index: usize, path: Option<String>) -> Location {
        Location::Entry { index, path }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Archive => formatter.write_str("the archive"),
            Location::Entry { index, path: None } => write!(formatter, "entry {index}"),
            Location::Entry {
                index,
                path: Some(path),
            } => write!(formatter, "entry {index} (`{path}`)"),
        }
    }
}

/// An archive refused as a whole: nothing of it is returned, since what could be returned
/// might not be what another tool unpacks. Entries that can be left out safely are
/// [`crate::Skipped`] instead.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the bytes are not a {expected} archive: they look like {found}")]
    NotThisKind {
        expected: ArchiveKind,
        found: &'static str,
    },
    #[error("the archive is larger than {limit} bytes")]
    InputTooLarge { limit: u64 },
    #[error("the archive unpacks to more than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the archive holds more than {limit} entries")]
    TooManyEntries { limit: usize },
    #[error("{at} unpacks to more than {limit} times its compressed size")]
    RatioExceeded { at: Location, limit: u64 },
    #[error("{at} is truncated")]
    Truncated { at: Location },
    #[error("{at} is corrupt")]
    Corrupt {
        at: Location,
        #[source]
        source: io::Error,
    },
    #[error("{at} is malformed: {reason}")]
    Malformed { at: Location, reason: String },
    /// The archive could be read differently by different tools (the classic way to show a
    /// scanner one file and an installer another).
    #[error("{at} is ambiguous: {reason}")]
    Ambiguous { at: Location, reason: String },
    #[error("{at} is a sparse file, which is not read")]
    Sparse { at: Location },
    #[error("the archive has data after its end, at byte {offset} of its {stream} bytes")]
    TrailingData { offset: u64, stream: Stream },
    #[error("every entry of the archive ({count}) points outside it")]
    EveryEntryEscapes { count: usize },
    #[error("failed to read the archive")]
    Read(#[source] io::Error),
}

/// Which bytes an offset counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The archive as given (for a tarball: the gzip stream).
    Compressed,
    /// The unpacked tar stream.
    Unpacked,
}

impl fmt::Display for Stream {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Stream::Compressed => "compressed",
            Stream::Unpacked => "unpacked",
        })
    }
}

impl ArchiveError {
    pub(crate) fn malformed(at: Location, reason: impl Into<String>) -> ArchiveError {
        ArchiveError::Malformed {
            at,
            reason: reason.into(),
        }
    }

    pub(crate) fn ambiguous(at: Location, reason: impl Into<String>) -> ArchiveError {
        ArchiveError::Ambiguous {
            at,
            reason: reason.into(),
        }
    }
}
