//! The caps that keep a hostile archive from costing more than a known amount of memory and time.

/// Caps on what reading one archive may cost. Every cap is checked while the archive is read,
/// on the bytes actually read or produced; no size an archive declares is trusted for
/// allocation.
///
/// Memory stays within about [`max_total_bytes`](Limits::max_total_bytes) plus, for a zip read
/// from a stream (which needs random access), [`max_input_bytes`](Limits::max_input_bytes) for
/// the archive itself. Time is linear in the bytes read and produced, both capped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the archive itself (compressed). Default 512 MiB.
    pub max_input_bytes: u64,
    /// Bytes unpacked: the decompressed tar stream (headers, padding and skipped data
    /// included), or the sum of a zip's decompressed entries. Default 512 MiB.
    pub max_total_bytes: u64,
    /// Bytes of one file; a larger file is skipped (recorded, not read). Default 64 MiB.
    pub max_file_bytes: u64,
    /// Entries (files, directories, links...; tar's extension headers are not entries).
    /// Default 100,000.
    pub max_entries: usize,
    /// Components of a path; a deeper entry is skipped. Default 64.
    pub max_depth: usize,
    /// Bytes of a path; a longer one is skipped. Default 4,096 (Linux's `PATH_MAX`).
    pub max_path_len: usize,
    /// Unpacked bytes per compressed byte, once more than
    /// [`ratio_exempt_bytes`](Limits::ratio_exempt_bytes) have been unpacked: a file over it is
    /// skipped, a stream (or zip archive) over it refused. Default 200: source code
    /// compresses 3 to 10 times, deflate at most about 1,032 times.
    pub max_ratio: u64,
    /// Unpacked bytes (of the stream, or of one file) below which the ratio is not checked:
    /// small files of repeated bytes compress far beyond any sane ratio. Default 1 MiB.
    pub ratio_exempt_bytes: u64,
    /// Bytes of one tar extension header (a PAX header, a GNU long name or link). Default
    /// 64 KiB.
    pub max_extension_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        const MIB: u64 = 1024 * 1024;
        Limits {
            max_input_bytes: 512 * MIB,
            max_total_bytes: 512 * MIB,
            max_file_bytes: 64 * MIB,
            max_entries: 100_000,
            max_depth: 64,
            max_path_len: 4096,
            max_ratio: 200,
            ratio_exempt_bytes: MIB,
            max_extension_bytes: 64 * 1024,
        }
    }
}
