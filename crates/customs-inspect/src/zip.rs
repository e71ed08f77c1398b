//! Zip, read as Python's `zipfile` (and so pip) reads it: from the central directory, each
//! entry's data found through its local header. Read by hand rather than with the `zip`
//! crate, which keeps one entry per name (a later duplicate replaces an earlier one, so the
//! shadowed version could not be shown to the analyser).
//!
//! Whatever another reader could take differently refuses the archive:
//! - the end record must close the file (nothing after it but its comment), and be the only
//!   one that does; zip64 records must sit where their locator says;
//! - the central directory must end where the end record (or zip64 end record) begins, and
//!   hold exactly the entries it declares (Python counts by size, others by number);
//! - each local header must agree with its central header on the name, the encryption flag,
//!   the method and (without a data descriptor) the CRC and sizes; an Info-ZIP Unicode path
//!   field (which Info-ZIP prefers to the name and Python ignores) must repeat the name;
//! - entries must tile the bytes before the central directory: no prefix, no overlap (the
//!   overlapping-entries bomb), no gap but a data descriptor (a local entry the central
//!   directory does not list is invisible to pip and visible to streaming readers).
//!
//! Per entry: a name ending in `/` is a directory; Unix modes mark symlinks, devices, FIFOs
//! and sockets (skipped); encrypted entries and methods other than stored and deflate are
//! skipped; a declared size over [`Limits::max_file_bytes`], or over [`Limits::max_ratio`]
//! times the compressed size, is skipped without unpacking.
//! Sizes are then trusted only as bounds: an entry unpacks to exactly its declared size or
//! the archive is refused, so unpacking never produces more than was checked against the
//! caps, and the declared size over the compressed bytes actually present is the ratio.
//! Names are read as UTF-8 whatever the language-encoding flag says (Python reads names
//! without the flag as CP437: such a name that is not valid UTF-8 is skipped here).

use std::io::{self, Read};

use flate2::bufread::DeflateDecoder;

use crate::archive::Collector;
use crate::error::{Location, Stream};
use crate::meter::read_exact;
use crate::path::shown;
use crate::{Archive, ArchiveError, ArchiveKind, Limits, SkipReason};

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const LOCATOR64: u32 = 0x0706_4b50;
const END_SIZE: usize = 22;
const LOCATOR64_SIZE: usize = 20;
const LOCAL_SIZE: u64 = 30;
const SATURATED: u32 = u32::MAX;
const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const STORED: u16 = 0;
const DEFLATED: u16 = 8;
const AES: u16 = 99;
/// Data descriptor lengths: with or without a signature, 32- or 64-bit sizes.
const DESCRIPTOR_SIZES: [u64; 4] = [12, 16, 20, 24];

/// A little-endian cursor in which every read may fail.
struct Bytes<'a> {
    bytes: &'a [u8],
}

impl<'a> Bytes<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let taken = self.bytes.get(..count)?;
        self.bytes = self.bytes.get(count..)?;
        Some(taken)
    }

    fn u16(&mut self) -> Option<u16> {
        self.take(2)?.try_into().ok().map(u16::from_le_bytes)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }

    fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }
}

/// `bytes[start..end]`, if it is there.
fn range(bytes: &[u8], start: u64, end: u64) -> Option<&[u8]> {
    bytes.get(usize::try_from(start).ok()?..usize::try_from(end).ok()?)
}

/// Where the central directory is, from the end record.
struct Directory {
    entries: u64,
    start: u64,
    /// Where it must end: the start of the (zip64) end record.
    end: u64,
}

/// One entry, from its central header.
struct Entry<'a> {
    name: &'a [u8],
    made_by: u16,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
    external: u32,
    extra: &'a [u8],
}

impl Entry<'_> {
    fn at(&self, index: usize) -> Location {
        Location::entry(index, Some(shown(self.name)))
    }

    fn encrypted(&self) -> bool {
        self.flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 || self.method == AES
    }

    /// The Unix mode, when the entry was made on Unix (or macOS).
    fn mode(&self) -> Option<u32> {
        matches!(self.made_by >> 8, 3 | 19).then_some(self.external >> 16)
    }
}

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Archive, ArchiveError> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(ArchiveError::InputTooLarge {
            limit: limits.max_input_bytes,
        });
    }
    let directory = find_directory(bytes)?;
    if directory.entries > limits.max_entries as u64 {
        return Err(ArchiveError::TooManyEntries {
            limit: limits.max_entries,
        });
    }
    let entries = read_directory(bytes, &directory)?;
    let data = locate_data(bytes, &entries, directory.start)?;
    let mut collector = Collector::new(limits);
    let mut unpacked = 0u64;
    for (entry, data) in entries.iter().zip(data) {
        let index = collector.begin_entry()?;
        read_entry(
            entry,
            data,
            index,
            limits,
            bytes.len() as u64,
            &mut unpacked,
            &mut collector,
        )?;
    }
    collector.finish(ArchiveKind::Zip, unpacked)
}

fn read_entry(
    entry: &Entry<'_>,
    data: &[u8],
    index: usize,
    limits: &Limits,
    archive_size: u64,
    unpacked: &mut u64,
    collector: &mut Collector<'_>,
) -> Result<(), ArchiveError> {
    check_unicode_path(entry, index)?;
    if entry.name.ends_with(b"/") {
        collector.directory(index, entry.name);
        return Ok(());
    }
    let special = match entry.mode().map(|mode| mode & 0o170_000) {
        Some(0o120_000) => {
            let readable = !entry.encrypted()
                && matches!(entry.method, STORED | DEFLATED)
                && entry.uncompressed <= limits.max_path_len as u64;
            let target = if readable {
                *unpacked = account(*unpacked, entry.uncompressed, archive_size, limits)?;
                Some(shown(&unpack(entry, data, index)?))
            } else {
                None
            };
            Some(SkipReason::Symlink { target })
        }
        Some(0o020_000) => Some(SkipReason::CharDevice),
        Some(0o060_000) => Some(SkipReason::BlockDevice),
        Some(0o010_000) => Some(SkipReason::Fifo),
        Some(0o140_000) => Some(SkipReason::Socket),
        _ => None,
    };
    if let Some(reason) = special {
        collector.special(index, entry.name, reason);
        return Ok(());
    }
    let Some(path) = collector.name(index, entry.name, false) else {
        return Ok(());
    };
    let skip = if entry.encrypted() {
        Some(SkipReason::Encrypted)
    } else if !matches!(entry.method, STORED | DEFLATED) {
        Some(SkipReason::UnsupportedCompression {
            method: entry.method,
        })
    } else if entry.uncompressed > limits.max_file_bytes {
        Some(SkipReason::FileTooLarge {
            size: entry.uncompressed,
        })
    } else if over_ratio(entry.uncompressed, data.len() as u64, limits) {
        // Unpacking stops at the declared size: checking it is checking what can be produced.
        Some(SkipReason::CompressionRatio {
            limit: limits.max_ratio,
        })
    } else {
        None
    };
    if let Some(reason) = skip {
        collector.skip(index, entry.name, reason);
        return Ok(());
    }
    *unpacked = account(*unpacked, entry.uncompressed, archive_size, limits)?;
    let contents = unpack(entry, data, index)?;
    let executable = entry.mode().is_some_and(|mode| mode & 0o111 != 0);
    collector.file(index, path, contents, executable);
    Ok(())
}

/// The bytes unpacked once `size` more are: refused over the total cap, or over the ratio
/// for the whole archive. Checked before unpacking, since an entry unpacks to exactly its
/// declared size or is refused.
fn account(
    unpacked: u64,
    size: u64,
    archive_size: u64,
    limits: &Limits,
) -> Result<u64, ArchiveError> {
    let total = unpacked.saturating_add(size);
    if total > limits.max_total_bytes {
        return Err(ArchiveError::TooLarge {
            limit: limits.max_total_bytes,
        });
    }
    if over_ratio(total, archive_size, limits) {
        return Err(ArchiveError::RatioExceeded {
            at: Location::Archive,
            limit: limits.max_ratio,
        });
    }
    Ok(total)
}

/// Beyond the exemption, more than [`Limits::max_ratio`] unpacked bytes per compressed byte.
fn over_ratio(unpacked: u64, compressed: u64, limits: &Limits) -> bool {
    unpacked > limits.ratio_exempt_bytes && unpacked > compressed.saturating_mul(limits.max_ratio)
}

/// The end record (and zip64 end record), which must close the archive.
fn find_directory(bytes: &[u8]) -> Result<Directory, ArchiveError> {
    let Some(last) = bytes.len().checked_sub(END_SIZE) else {
        return Err(ArchiveError::Truncated {
            at: Location::Archive,
        });
    };
    // The comment is at most 65,535 bytes.
    let first = last.saturating_sub(usize::from(u16::MAX));
    let mut found = None;
    let mut stray_end = None;
    for position in (first..=last).rev() {
        let mut record = Bytes {
            bytes: bytes.get(position..).unwrap_or_default(),
        };
        if record.u32() != Some(END) {
            continue;
        }
        let comment = record
            .take(16)
            .and_then(|_| record.u16())
            .map_or(usize::MAX, usize::from);
        let end = position.saturating_add(END_SIZE).saturating_add(comment);
        if end == bytes.len() {
            if found.is_some() {
                return Err(ArchiveError::ambiguous(
                    Location::Archive,
                    "two end records both close it",
                ));
            }
            found = Some(position);
        } else if end < bytes.len() && stray_end.is_none() {
            stray_end = Some(end);
        }
    }
    let Some(position) = found else {
        return Err(match stray_end {
            Some(end) => ArchiveError::TrailingData {
                offset: end as u64,
                stream: Stream::Compressed,
            },
            None => ArchiveError::Truncated {
                at: Location::Archive,
            },
        });
    };
    let malformed = |reason: &str| ArchiveError::malformed(Location::Archive, reason);
    let mut record = Bytes {
        bytes: bytes.get(position + 4..).unwrap_or_default(),
    };
    let fields = (|| {
        Some((
            record.u16()?,
            record.u16()?,
            record.u16()?,
            record.u16()?,
            record.u32()?,
            record.u32()?,
        ))
    })();
    let Some((disk, directory_disk, disk_entries, entries, size, start)) = fields else {
        return Err(malformed("a short end record"));
    };
    let locator = position
        .checked_sub(LOCATOR64_SIZE)
        .and_then(|at| bytes.get(at..position));
    let directory = match locator {
        Some(locator) if locator.starts_with(&LOCATOR64.to_le_bytes()) => {
            zip64_directory(bytes, locator, position - LOCATOR64_SIZE)?
        }
        _ => {
            if disk != 0 || directory_disk != 0 || disk_entries != entries {
                return Err(malformed("it spans several disks"));
            }
            let start = u64::from(start);
            if start.checked_add(u64::from(size)) != Some(position as u64) {
                return Err(malformed(
                    "its central directory does not end where its end record begins",
                ));
            }
            Directory {
                entries: u64::from(entries),
                start,
                end: position as u64,
            }
        }
    };
    Ok(directory)
}

/// The zip64 end record named by the locator at `locator_at`.
fn zip64_directory(
    bytes: &[u8],
    locator: &[u8],
    locator_at: usize,
) -> Result<Directory, ArchiveError> {
    let malformed = |reason: &str| ArchiveError::malformed(Location::Archive, reason);
    let mut locator = Bytes {
        bytes: locator.get(4..).unwrap_or_default(),
    };
    let (Some(record_disk), Some(record_at), Some(disks)) =
        (locator.u32(), locator.u64(), locator.u32())
    else {
        return Err(malformed("a short zip64 end locator"));
    };
    if record_disk != 0 || disks > 1 {
        return Err(malformed("it spans several disks"));
    }
    let record = usize::try_from(record_at)
        .ok()
        .and_then(|at| bytes.get(at..locator_at));
    let mut record = Bytes {
        bytes: record.unwrap_or_default(),
    };
    let fields = (|| {
        let signature = record.u32()?;
        let size = record.u64()?;
        record.take(4)?;
        Some((
            signature,
            size,
            record.u32()?,
            record.u32()?,
            record.u64()?,
            record.u64()?,
            record.u64()?,
            record.u64()?,
        ))
    })();
    let Some((signature, size, disk, directory_disk, disk_entries, entries, length, start)) =
        fields
    else {
        return Err(malformed("no zip64 end record where its locator points"));
    };
    if signature != END64 {
        return Err(malformed("no zip64 end record where its locator points"));
    }
    if record_at
        .checked_add(12)
        .and_then(|at| at.checked_add(size))
        != Some(locator_at as u64)
    {
        return Err(malformed(
            "its zip64 end record does not end at its locator",
        ));
    }
    if disk != 0 || directory_disk != 0 || disk_entries != entries {
        return Err(malformed("it spans several disks"));
    }
    if start.checked_add(length) != Some(record_at) {
        return Err(malformed(
            "its central directory does not end where its zip64 end record begins",
        ));
    }
    Ok(Directory {
        entries,
        start,
        end: record_at,
    })
}

fn read_directory<'a>(
    bytes: &'a [u8],
    directory: &Directory,
) -> Result<Vec<Entry<'a>>, ArchiveError> {
    let Some(headers) = range(bytes, directory.start, directory.end) else {
        return Err(ArchiveError::malformed(
            Location::Archive,
            "its central directory lies outside it",
        ));
    };
    // Each central header takes at least 46 bytes: a count beyond that is a lie, refused
    // before anything is allocated for it.
    if directory.entries.saturating_mul(46) > headers.len() as u64 {
        return Err(ArchiveError::malformed(
            Location::Archive,
            "it declares more entries than its central directory holds",
        ));
    }
    let mut cursor = Bytes { bytes: headers };
    let count = usize::try_from(directory.entries).unwrap_or(usize::MAX);
    let mut entries = Vec::with_capacity(count);
    for index in 0..count {
        let entry = central_header(&mut cursor)
            .ok_or_else(|| {
                ArchiveError::malformed(
                    Location::entry(index, None),
                    "its central header is cut short or missing",
                )
            })?
            .map_err(|reason| ArchiveError::malformed(Location::entry(index, None), reason))?;
        entries.push(entry);
    }
    if !cursor.bytes.is_empty() {
        return Err(ArchiveError::malformed(
            Location::Archive,
            "its central directory holds more than the entries it declares",
        ));
    }
    Ok(entries)
}

/// One central header: `None` when the bytes run out, an error for a bad one.
fn central_header<'a>(cursor: &mut Bytes<'a>) -> Option<Result<Entry<'a>, &'static str>> {
    if cursor.u32()? != CENTRAL_HEADER {
        return Some(Err("no central header where one should be"));
    }
    let made_by = cursor.u16()?;
    let _needed = cursor.u16()?;
    let flags = cursor.u16()?;
    let method = cursor.u16()?;
    let _modified = cursor.u32()?;
    let crc = cursor.u32()?;
    let compressed = cursor.u32()?;
    let uncompressed = cursor.u32()?;
    let name_length = cursor.u16()?;
    let extra_length = cursor.u16()?;
    let comment_length = cursor.u16()?;
    let _disk = cursor.u16()?;
    let _internal = cursor.u16()?;
    let external = cursor.u32()?;
    let offset = cursor.u32()?;
    let name = cursor.take(usize::from(name_length))?;
    let extra = cursor.take(usize::from(extra_length))?;
    cursor.take(usize::from(comment_length))?;
    let mut entry = Entry {
        name,
        made_by,
        flags,
        method,
        crc,
        compressed: u64::from(compressed),
        uncompressed: u64::from(uncompressed),
        offset: u64::from(offset),
        external,
        extra,
    };
    if let Err(reason) = apply_zip64(&mut entry, uncompressed, compressed, offset) {
        return Some(Err(reason));
    }
    Some(Ok(entry))
}

/// The 64-bit values of the zip64 extra field, for the fields saturated in the header, in
/// the order the specification gives.
fn apply_zip64(
    entry: &mut Entry<'_>,
    uncompressed: u32,
    compressed: u32,
    offset: u32,
) -> Result<(), &'static str> {
    if uncompressed != SATURATED && compressed != SATURATED && offset != SATURATED {
        return Ok(());
    }
    let mut values = Bytes {
        bytes: extra_field(entry.extra, 0x0001)?.ok_or("saturated sizes without zip64 values")?,
    };
    let missing = "a zip64 field shorter than its saturated sizes";
    if uncompressed == SATURATED {
        entry.uncompressed = values.u64().ok_or(missing)?;
    }
    if compressed == SATURATED {
        entry.compressed = values.u64().ok_or(missing)?;
    }
    if offset == SATURATED {
        entry.offset = values.u64().ok_or(missing)?;
    }
    Ok(())
}

/// The data of the first extra field `id` in `extra`.
fn extra_field(extra: &[u8], id: u16) -> Result<Option<&[u8]>, &'static str> {
    let mut fields = Bytes { bytes: extra };
    while !fields.bytes.is_empty() {
        let field = (|| {
            let field_id = fields.u16()?;
            let length = fields.u16()?;
            Some((field_id, fields.take(usize::from(length))?))
        })();
        match field {
            Some((field_id, data)) if field_id == id => return Ok(Some(data)),
            Some(_) => {}
            None => return Err("an extra field longer than the space for it"),
        }
    }
    Ok(None)
}

/// An Info-ZIP Unicode path field must name the entry as its header does.
fn check_unicode_path(entry: &Entry<'_>, index: usize) -> Result<(), ArchiveError> {
    let field = extra_field(entry.extra, 0x7075)
        .map_err(|reason| ArchiveError::malformed(entry.at(index), reason))?;
    // Version 1, the CRC-32 of the header's name, then the name in UTF-8.
    if let Some(name) = field.and_then(|field| field.get(5..))
        && name != entry.name
    {
        return Err(ArchiveError::ambiguous(
            entry.at(index),
            format!(
                "its Unicode path field names it `{}` (which Info-ZIP uses, and Python ignores)",
                shown(name)
            ),
        ));
    }
    Ok(())
}

/// The data of each entry, after checking its local header against its central header and
/// the layout of all entries.
fn locate_data<'a>(
    bytes: &'a [u8],
    entries: &[Entry<'_>],
    directory_start: u64,
) -> Result<Vec<&'a [u8]>, ArchiveError> {
    let mut data = Vec::with_capacity(entries.len());
    // (start of local header, end of data, index)
    let mut spans = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        let at = || entry.at(index);
        let Some(local) = range(bytes, entry.offset, directory_start) else {
            return Err(ArchiveError::malformed(
                at(),
                "its local header lies outside the entries",
            ));
        };
        let mut cursor = Bytes { bytes: local };
        let header = (|| {
            let signature = cursor.u32()?;
            let _needed = cursor.u16()?;
            let flags = cursor.u16()?;
            let method = cursor.u16()?;
            let _modified = cursor.u32()?;
            let crc = cursor.u32()?;
            let compressed = cursor.u32()?;
            let uncompressed = cursor.u32()?;
            let name_length = cursor.u16()?;
            let extra_length = cursor.u16()?;
            let name = cursor.take(usize::from(name_length))?;
            cursor.take(usize::from(extra_length))?;
            Some((
                signature,
                flags,
                method,
                [crc, compressed, uncompressed],
                name,
                u64::from(name_length) + u64::from(extra_length),
            ))
        })();
        let Some((signature, flags, method, sums, name, variable)) = header else {
            return Err(ArchiveError::malformed(
                at(),
                "its local header is cut short",
            ));
        };
        if signature != LOCAL_HEADER {
            return Err(ArchiveError::malformed(
                at(),
                "no local header where the central directory points",
            ));
        }
        if name != entry.name {
            return Err(ArchiveError::ambiguous(
                at(),
                format!(
                    "its local header names it `{}` (streaming readers use that name)",
                    shown(name)
                ),
            ));
        }
        if flags & FLAG_ENCRYPTED != entry.flags & FLAG_ENCRYPTED || method != entry.method {
            return Err(ArchiveError::ambiguous(
                at(),
                "its local and central headers disagree on its encryption or compression",
            ));
        }
        let central = [u64::from(entry.crc), entry.compressed, entry.uncompressed];
        let disagree = flags & FLAG_DESCRIPTOR == 0
            && sums
                .iter()
                .zip(central)
                .enumerate()
                .any(|(field, (local, central))| {
                    // Zip64 sizes are saturated in the local header; the CRC never is.
                    (field == 0 || *local != SATURATED) && u64::from(*local) != central
                });
        if disagree {
            return Err(ArchiveError::ambiguous(
                at(),
                "its local and central headers disagree on its size or CRC-32",
            ));
        }
        let end = entry
            .offset
            .checked_add(LOCAL_SIZE + variable)
            .and_then(|start| Some((start, start.checked_add(entry.compressed)?)));
        let Some((start, end)) = end.filter(|(_, end)| *end <= directory_start) else {
            return Err(ArchiveError::malformed(
                at(),
                "its data runs into the central directory",
            ));
        };
        data.push(range(bytes, start, end).unwrap_or_default());
        spans.push((entry.offset, end, index));
    }
    check_layout(entries, spans, directory_start)?;
    Ok(data)
}

/// Entries must tile the bytes before the central directory (data descriptors aside).
fn check_layout(
    entries: &[Entry<'_>],
    mut spans: Vec<(u64, u64, usize)>,
    directory_start: u64,
) -> Result<(), ArchiveError> {
    spans.sort_unstable();
    let location = |index: Option<usize>| match index {
        Some(index) => entries
            .get(index)
            .map_or(Location::entry(index, None), |entry| entry.at(index)),
        None => Location::Archive,
    };
    // (end of the previous entry, its index)
    let mut previous: (u64, Option<usize>) = (0, None);
    let starts = spans
        .iter()
        .map(|(start, end, index)| (*start, *end, Some(*index)))
        .chain([(directory_start, directory_start, None)]);
    for (start, end, index) in starts {
        let (position, previous_index) = previous;
        let Some(gap) = start.checked_sub(position) else {
            return Err(ArchiveError::ambiguous(
                location(index),
                "it shares bytes with another entry",
            ));
        };
        let descriptor = previous_index
            .and_then(|index| entries.get(index))
            .is_some_and(|entry| entry.flags & FLAG_DESCRIPTOR != 0);
        if gap != 0 && !(descriptor && DESCRIPTOR_SIZES.contains(&gap)) {
            let reason = if previous_index.is_some() {
                format!("{gap} bytes that no entry claims follow it")
            } else {
                format!("{gap} bytes that no entry claims come first")
            };
            return Err(ArchiveError::ambiguous(location(previous_index), reason));
        }
        previous = (end, index);
    }
    Ok(())
}

/// The entry's data unpacked to exactly its declared size, its CRC-32 checked.
fn unpack(entry: &Entry<'_>, data: &[u8], index: usize) -> Result<Vec<u8>, ArchiveError> {
    let contents = match entry.method {
        STORED if data.len() as u64 == entry.uncompressed => data.to_vec(),
        STORED => {
            return Err(ArchiveError::malformed(
                entry.at(index),
                "a stored entry whose compressed and unpacked sizes differ",
            ));
        }
        _ => inflate(entry, data, index)?,
    };
    let mut crc = flate2::Crc::new();
    crc.update(&contents);
    if crc.sum() != entry.crc {
        return Err(ArchiveError::malformed(
            entry.at(index),
            "its CRC-32 does not match its data",
        ));
    }
    Ok(contents)
}

fn inflate(entry: &Entry<'_>, data: &[u8], index: usize) -> Result<Vec<u8>, ArchiveError> {
    let mut decoder = DeflateDecoder::new(data);
    let contents = read_exact(&mut decoder, entry.uncompressed).map_err(|error| {
        if error.kind() == io::ErrorKind::UnexpectedEof {
            ArchiveError::malformed(
                entry.at(index),
                "it unpacks to fewer bytes than it declares",
            )
        } else {
            ArchiveError::Corrupt {
                at: entry.at(index),
                source: error,
            }
        }
    })?;
    match decoder.read(&mut [0u8; 1]) {
        Ok(0) => Ok(contents),
        Ok(_) => Err(ArchiveError::malformed(
            entry.at(index),
            "it unpacks to more bytes than it declares",
        )),
        Err(error) => Err(ArchiveError::Corrupt {
            at: entry.at(index),
            source: error,
        }),
    }
}
