//! Package artifacts opened for inspection: npm tarballs, PyPI wheels and sdists, crates,
//! read into memory as a bounded list of files for static analysis. Nothing is written to
//! disk, nothing is executed, nothing is fetched.
//!
//! Every archive is hostile. [`read_archive`] (bytes) and [`read_archive_from`] (any
//! `io::Read`, streamed for tarballs) check the kind against the magic bytes
//! ([`ArchiveKind::detect`]), stay within [`Limits`] while reading, and return an [`Archive`]:
//! the regular files with normalised paths, the entries left out with the reason
//! ([`Skipped`], [`SkipReason`]), the package root (npm's `package/`, a crate's
//! `name-version/`) stripped, and the paths that occur twice. An archive that cannot be read
//! unambiguously and within the limits is refused with an [`ArchiveError`] naming the entry.
//!
//! # What happens to what
//!
//! An entry that can be left out without changing what the rest means is skipped and
//! recorded; an archive that could be read differently by different tools, or that breaks a
//! limit, is refused whole (the analyser never sees half an archive). In detail:
//!
//! | case | outcome |
//! |---|---|
//! | `..` component, absolute path, drive letter / UNC / backslash | skipped (`path-traversal`, `path-absolute`, `path-windows`); refused ([`ArchiveError::EveryEntryEscapes`]) when no entry has a usable name |
//! | NUL or control character, name not UTF-8 | skipped (`path-control-character`, `path-not-utf8`) |
//! | name over [`Limits::max_path_len`], deeper than [`Limits::max_depth`] | skipped (`path-too-long`, `path-too-deep`) |
//! | symlink, hard link (never followed) | skipped (`symlink`, `hard-link`, with the target) |
//! | character or block device, FIFO, socket | skipped |
//! | file over [`Limits::max_file_bytes`] | skipped (`file-too-large`), never kept (a tarball's bytes are still inflated, to pass over them) |
//! | zip: encrypted entry, method other than stored/deflate | skipped (`encrypted`, `unsupported-compression`) |
//! | the same normalised path twice | every version kept in order, the path listed in [`Archive::duplicates`] |
//! | more than [`Limits::max_entries`], more than [`Limits::max_total_bytes`] unpacked | refused while reading |
//! | a file unpacking to over [`Limits::max_ratio`] times its compressed size (past [`Limits::ratio_exempt_bytes`]) | skipped (`compression-ratio`): tar, found while unpacking, which stops there; zip, from the declared size, before unpacking |
//! | the whole stream (tarball) or archive (zip) over that ratio | refused while unpacking ([`ArchiveError::RatioExceeded`]) |
//! | gzip: concatenated members | read, as `gzip -d` does; zero padding after them accepted |
//! | gzip or tar: other bytes after the end | refused ([`ArchiveError::TrailingData`]) |
//! | truncated gzip, tar or zip; a tar without its end-of-archive block | refused ([`ArchiveError::Truncated`]) |
//! | tar: PAX and GNU long names and links | honoured, bounded by [`Limits::max_extension_bytes`] and [`Limits::max_path_len`] |
//! | tar: sparse file | refused ([`ArchiveError::Sparse`]) |
//! | tar: conflicting PAX/GNU names, PAX size ≠ header size, global PAX path, data on a link or directory | refused ([`ArchiveError::Ambiguous`]) |
//! | zip: local header name ≠ central name, overlapping entries, unclaimed bytes, Unicode path field ≠ name, two end records | refused ([`ArchiveError::Ambiguous`]) |
//! | zip: CRC-32 mismatch, an entry unpacking to more or fewer bytes than declared, a central directory at odds with its end record | refused ([`ArchiveError::Malformed`]) |
//! | damaged deflate data, a bad tar header checksum | refused ([`ArchiveError::Corrupt`]) |
//! | bytes of another kind than expected | refused ([`ArchiveError::NotThisKind`]) |
//!
//! The tar and zip modules' docs give the format quirks and where tools disagree.
//!
//! # Cost
//!
//! Memory: the files kept (at most [`Limits::max_total_bytes`]) and their names (which come
//! from the bytes read), plus, for a zip read from a stream, the archive itself (at most
//! [`Limits::max_input_bytes`]); the names of skipped entries and link targets are cut at 256
//! bytes. No declared size is trusted for allocation: a file's buffer starts at 1 MiB at most
//! and doubles, never past the declared size, so a lying header costs at most twice the bytes
//! really there (and the buffer of a complete file is exactly its size).
//!
//! Time: linear in the bytes read and unpacked, both capped. Each file is inflated into its
//! own buffer (one allocation up to 1 MiB), a tarball's through a 64 KiB read-ahead that
//! keeps each 512-byte tar header from costing an inflater call of its own; about 490 MB/s of
//! file content on one core for a tarball of source files (`benches/unpack.rs`), against 560
//! for gzip alone.
//!
//! # Malicious-code analysis
//!
//! Most malicious packages never get an advisory: the damage happens when they are installed
//! or imported. [`Analyzer::analyze`] reads an opened [`Archive`] of an npm, PyPI or
//! crates.io package statically (nothing is run, fetched or written) and returns a
//! [`Verdict`]: a [`Level`], the [`Hit`]s (rule, file, line, an excerpt of at most 160
//! characters with control characters escaped, and the entry point that reaches the file),
//! and the reasons, one per scoring row that fired. Verdicts depend on the archive's bytes,
//! the ecosystem, [`ANALYSIS_VERSION`] and the user's rules
//! ([`Analyzer::user_rules_digest`]) only: cache them by those.
//!
//! ## Steps
//!
//! 1. **Package model.** The manifests are parsed within bounds (1 MiB each; serde_json's
//!    and toml's nesting limits): `package.json` (`preinstall`, `install`, `postinstall`,
//!    `prepare` and the scripts they `npm run`, read as command lines: `node x.js`,
//!    `sh y.sh`, `python z.py`, `node -e "..."`; `main`, `exports`, `module`, `browser`,
//!    `bin`), an sdist's `setup.py`, `pyproject.toml`'s in-tree `[build-system]
//!    backend-path` (and hatchling's `hatch_build.py`), `.pth` files' `import` lines,
//!    top-level `__init__.py` and modules, `*.dist-info/entry_points.txt`, and
//!    `Cargo.toml`'s build script, `[lib] proc-macro`, library and binaries. Each gives entry
//!    points of an [`EntryKind`]: install, build and start-up code runs *unasked*; import and
//!    command code runs when used. A manifest that cannot be read is itself a hit.
//! 2. **Reachability.** From each entry point, a bounded walk of static references:
//!    relative `require`/`import` specifiers and any string literal naming a file of the
//!    package (also hex or base64 encoded), Python absolute and relative imports, Rust `mod`
//!    and `include!`-style literals, the commands of shell and batch files. Every file is
//!    walked once, so cycles and deep graphs cost linear time. A file keeps the most severe
//!    kind that reaches it.
//! 3. **Rules.** Each text file (the first 16 MiB) and each npm install script is scanned
//!    once by all YARA rules (bundled `rules/*.yar`, compiled once per process by yara-x,
//!    plus the user's files): the rules see the globals `file_name`, `file_extension` and
//!    `ecosystem`. Rust analysers add what regular expressions cannot see: base64 and hex
//!    blobs by length and entropy (media formats and `data:` URIs left alone, executables
//!    inside reported), literals that decode to API names (`child_process`, `_compile`),
//!    char-code arrays, `_0x` identifiers, minified code that runs unasked, URLs to public
//!    IPv4 hosts, and native executables (ELF, PE, Mach-O), disguised or not. What hex,
//!    base64 and char codes decode to is scanned by the YARA rules again, hits pointing at the
//!    encoded line. Binary files other than executables are only identified; executables'
//!    first 4 MiB are given to the rules (miner strings). `.yar`/`.yara` files are not
//!    matched (signatures name what they detect). A rule matching inside a comment or a
//!    Python docstring (JavaScript, TypeScript, Python) describes code rather than being
//!    code: the hit is kept, reached from nowhere.
//! 4. **Scoring**, below. Capabilities alone are not malice; threats count by severity and by
//!    how the code comes to run; chains count within one reachable file.
//!
//! Every rule has a stable kebab-case id, a description, a category (capability, threat,
//! obfuscation, entrypoint), a severity (low, medium, high, critical) and, for the bundled
//! ones, a [`Signal`] that the scoring combines. A user's rule declares the same in its
//! `meta` (`signal` optional); one without a signal counts by category and severity alone.
//!
//! ## Scoring
//!
//! "Reachable" means reachable from any entry point; "unasked", from an install, build or
//! start-up entry point. Sources: *stealer* = `env-harvest`, `credential-harvest`,
//! `wallet-target`, `wallet-key-scan`, `browser-profile`; *credential* = `credential-path`,
//! `env-secret`. Sends = `network`, `download`, `exfil-endpoint`, `paste-site`,
//! `raw-ip-url`; suspicious destinations = `exfil-endpoint`, `paste-site`, `raw-ip-url`.
//! Obfuscation = `obfuscated`, `encoded-blob`, `char-codes`, `decode-exec`.
//!
//! | row | combination | level |
//! |---|---|---|
//! | M1 | a `critical` threat in reachable code | malicious |
//! | M2 | a `high` (or critical) threat in code that runs unasked | malicious |
//! | M3 | a stealer source and a send, in one reachable file | malicious |
//! | M4 | a credential source and a send, in one file that runs unasked | malicious |
//! | M5 | a stealer or credential source and a suspicious destination, in one reachable file | malicious |
//! | M6 | `download` and (`process` or `make-executable`) and one of `temp-staging`, `ci-check`, `raw-ip-url`, obfuscation, in one reachable file | malicious |
//! | M7 | `decode-exec`, or `dynamic-code` with `decode`, in a reachable file, and an `encoded-blob` in a reachable file | malicious |
//! | M8 | a `high` threat and obfuscation in one reachable file | malicious |
//! | S1 | a `high` (or critical) threat in reachable code (imported, say), or a `critical` threat anywhere | suspicious |
//! | S2 | obfuscation of `medium` or more in reachable code, or `minified` code that runs unasked | suspicious |
//! | S3 | a credential source and a send in one reachable file that only runs when used | suspicious |
//! | S4 | `download` and (`process` or `make-executable`) in one reachable file, without the marks of M6 | suspicious |
//! | S5 | a send in code that runs unasked | suspicious |
//! | S6 | a native executable reached from code that runs unasked | suspicious |
//! | S7 | a manifest that cannot be read (entry points unknown) | suspicious |
//! | S8 | a reachable hit of a user's rule without a signal, `medium` or more | suspicious |
//! | — | anything else (capabilities, entry points, hits in unreached files) | clean |
//!
//! The level is the highest row that fired; the reasons list the rows of that level, each
//! with its hits (`rule (file:line)`). Hits in files no entry point reaches (tests, examples,
//! a `dist/` bundle nothing loads) count only through S1's critical threats.
//!
//! Known limits: references built at run time (`require(name)`), code downloaded later and
//! encryption without the key in the package (event-stream's payload) are not seen; the
//! correlation then rests on the loader's shape (decode + dynamic code + a blob). A
//! legitimate package can reach *suspicious* (an SDK that reads `~/.aws/credentials` and uses
//! the network, an install script that downloads a prebuilt binary); *malicious* needs one of
//! the rows above.
//!
//! A `medium` threat (`raw-ip-url`) counts only in the chains (M5, M6, S5).
//!
//! ## Cost
//!
//! One pass of the YARA rules per text file (plus one over what its encoded strings decode
//! to, when any do), and a few linear passes of the Rust analysers; the reachability walk
//! reads each reached file once. `benches/analyze.rs` (`cargo bench -p customs-inspect
//! --bench analyze`) analyses 121 MB of generated npm, PyPI and crates.io packages on one
//! thread: 126 to 147 MB/s of unpacked content on the shared 2-core machine (the goal is
//! 100), where the YARA scan alone runs at about 215 MB/s on real npm code and no single
//! rule costs more than 3% of it. The bundled rules compile in about 60 ms (release),
//! once per process.

mod analysis;
mod archive;
mod error;
mod evidence;
mod gzip;
mod kind;
mod limits;
mod meter;
mod path;
mod tar;
mod zip;

use std::io::{BufRead, BufReader, Read};

pub use analysis::{
    ANALYSIS_VERSION, AnalysisLimits, Analyzer, Bump, CHANGE_RULES, Category, Change, Endpoint,
    EntryKind, Hit, InspectError, Level, MAX_EXCERPT_CHARS, Profile, RuleInfo, RuleOrigin,
    Severity, Signal, Unasked, Verdict, bump, compare,
};
pub use archive::{Archive, File, SkipReason, Skipped};
pub use error::{ArchiveError, Location, Stream};
pub use evidence::{
    ArtifactVerdict, Evidence, Mismatch, PackageChanges, PackageVerdicts, Unchecked,
};
pub use kind::ArchiveKind;
pub use limits::Limits;

use archive::Collector;
use meter::{Input, Meter, Output};

/// The bytes read to detect the kind of a stream (a tar header).
const HEAD: usize = 512;
/// The buffer between a streamed source and the decompressor.
const STREAM_BUFFER: usize = 64 * 1024;

/// Reads the archive `bytes`, which must be of `kind` (by their magic bytes, see
/// [`ArchiveKind::detect`]), within `limits`.
///
/// # Errors
///
/// An [`ArchiveError`] when the archive is of another kind, breaks a limit, is malformed,
/// truncated or ambiguous; the error names the entry where it can.
pub fn read_archive(
    bytes: &[u8],
    kind: ArchiveKind,
    limits: &Limits,
) -> Result<Archive, ArchiveError> {
    check_kind(bytes, kind)?;
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(ArchiveError::InputTooLarge {
            limit: limits.max_input_bytes,
        });
    }
    match kind {
        ArchiveKind::Zip => zip::read(bytes, limits),
        ArchiveKind::TarGz => read_tar(bytes, true, limits),
        ArchiveKind::Tar => read_tar(bytes, false, limits),
    }
}

/// [`read_archive`] from a stream. Tarballs are read as they arrive, so memory is bounded by
/// the limits whatever the source's size; a zip needs random access and is first read into
/// memory (at most [`Limits::max_input_bytes`]).
///
/// # Errors
///
/// As [`read_archive`], and [`ArchiveError::Read`] when `source` fails.
pub fn read_archive_from(
    source: impl Read,
    kind: ArchiveKind,
    limits: &Limits,
) -> Result<Archive, ArchiveError> {
    let mut source = BufReader::with_capacity(STREAM_BUFFER, source);
    let mut head = Vec::with_capacity(HEAD);
    (&mut source)
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(ArchiveError::Read)?;
    check_kind(&head, kind)?;
    let stream = head.as_slice().chain(source);
    match kind {
        ArchiveKind::Zip => {
            let mut bytes = Vec::new();
            stream
                .take(limits.max_input_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(ArchiveError::Read)?;
            if bytes.len() as u64 > limits.max_input_bytes {
                return Err(ArchiveError::InputTooLarge {
                    limit: limits.max_input_bytes,
                });
            }
            zip::read(&bytes, limits)
        }
        ArchiveKind::TarGz => read_tar(stream, true, limits),
        ArchiveKind::Tar => read_tar(stream, false, limits),
    }
}

fn check_kind(head: &[u8], kind: ArchiveKind) -> Result<(), ArchiveError> {
    if ArchiveKind::detect(head) == Some(kind) {
        Ok(())
    } else {
        Err(ArchiveError::NotThisKind {
            expected: kind,
            found: kind::describe(head),
        })
    }
}

fn read_tar(input: impl BufRead, gzipped: bool, limits: &Limits) -> Result<Archive, ArchiveError> {
    let meter = Meter::new(limits);
    let mut collector = Collector::new(limits);
    let input = Input::new(input, &meter);
    if gzipped {
        // Tar headers are read 512 bytes at a time: a buffer keeps each call to the inflater
        // large (file data larger than the buffer still goes straight to its own allocation).
        let members = BufReader::with_capacity(STREAM_BUFFER, gzip::Members::new(input, &meter));
        let stream = Output::new(members, &meter);
        tar::read(stream, &meter, limits, &mut collector)?;
    } else {
        tar::read(Output::new(input, &meter), &meter, limits, &mut collector)?;
    }
    let kind = if gzipped {
        ArchiveKind::TarGz
    } else {
        ArchiveKind::Tar
    };
    collector.finish(kind, meter.produced())
}
