//! Tar, read one header at a time (the `tar` crate's raw entries): the extension headers
//! (GNU long names and links, PAX) are read here, bounded, rather than by the crate, which
//! reads them whole whatever their size.
//!
//! Quirks relied on, and the choices made where tools disagree:
//! - Types: `0`, NUL and `7` are files, and so is any type not named below, as GNU tar and
//!   Python's `tarfile` extract unknown types as files (so the analyser sees those bytes too).
//!   `1` and `2` (links), `3`, `4`, `6` (devices, FIFOs) are skipped, `5` is a directory, `S`
//!   (GNU sparse) refuses the archive.
//! - A link, device or directory entry with data is refused: Python's `tarfile` reads no data
//!   for those types (the next bytes are the next header to it) while the `tar` crate and
//!   GNU tar skip it, so the same bytes would be entries to one and hidden data to the other.
//!   For the same reason an old-style file entry named `dir/` is a directory only without
//!   data.
//! - `L`/`K` (GNU long name and link) and `x`/`X` (PAX, POSIX and Solaris) apply to the next
//!   entry. Two of the same kind, a PAX `path` and a GNU long name together, a PAX `size`
//!   other than the header's, a duplicate or empty PAX `path`/`linkpath`/`size`, and a global
//!   PAX header (`g`) setting any of them are refused: readers resolve each differently.
//!   Other PAX keys are ignored; `GNU.sparse.*` refuses the archive (sparse files).
//! - A GNU long name is cut at its first NUL, as GNU tar and Python do; one longer than
//!   [`Limits::max_path_len`] is not read and its entry is skipped.
//! - The archive must end with an end-of-archive block, and only zeros may follow it.

use std::io::Read;

use crate::archive::Collector;
use crate::error::Location;
use crate::meter::{Meter, drain_zeros, read_exact, read_exact_bounded};
use crate::path::shown;
use crate::{ArchiveError, Limits, SkipReason};

const BLOCK: u64 = 512;

/// Reads the tar stream `stream` (already counted and capped by `meter`) into `collector`.
pub(crate) fn read(
    stream: impl Read,
    meter: &Meter,
    limits: &Limits,
    collector: &mut Collector<'_>,
) -> Result<(), ArchiveError> {
    let mut archive = tar::Archive::new(stream);
    read_entries(&mut archive, meter, limits, collector)?;
    drain_zeros(&mut archive.into_inner(), meter)
}

/// What extension headers said of the next entry.
#[derive(Default)]
struct Pending {
    /// A GNU long name, or the size of one too long to read.
    long_name: Option<Result<Vec<u8>, u64>>,
    long_link: Option<Result<Vec<u8>, u64>>,
    pax: Option<Pax>,
}

impl Pending {
    fn is_empty(&self) -> bool {
        self.long_name.is_none() && self.long_link.is_none() && self.pax.is_none()
    }
}

fn read_entries<R: Read>(
    archive: &mut tar::Archive<R>,
    meter: &Meter,
    limits: &Limits,
    collector: &mut Collector<'_>,
) -> Result<(), ArchiveError> {
    let entries = archive
        .entries()
        .map_err(|error| meter.failure(error, Location::Archive))?
        .raw(true);
    let mut pending = Pending::default();
    // Where the last header's data ends in the unpacked stream: the stream must go on with
    // an end-of-archive block.
    let mut end_of_last = 0u64;
    for entry in entries {
        let next = || Location::entry(collector.next_index(), None);
        let mut entry = entry.map_err(|error| meter.failure(error, next()))?;
        let size = entry.size();
        end_of_last = entry
            .raw_file_position()
            .checked_add(size.div_ceil(BLOCK).saturating_mul(BLOCK))
            .ok_or_else(|| ArchiveError::malformed(next(), "an entry size beyond any archive"))?;
        match entry.header().entry_type().as_byte() {
            kind @ (b'L' | b'K') => {
                let slot = if kind == b'L' {
                    &mut pending.long_name
                } else {
                    &mut pending.long_link
                };
                if slot.is_some() {
                    return Err(ArchiveError::ambiguous(
                        next(),
                        "two GNU long names or links for one entry",
                    ));
                }
                // The name may end with a NUL.
                *slot = Some(if size > (limits.max_path_len as u64).saturating_add(1) {
                    Err(size)
                } else {
                    let mut name = read_exact(&mut entry, size)
                        .map_err(|error| meter.failure(error, next()))?;
                    if let Some(end) = name.iter().position(|byte| *byte == 0) {
                        name.truncate(end);
                    }
                    Ok(name)
                });
            }
            b'x' | b'X' => {
                if pending.pax.is_some() {
                    return Err(ArchiveError::ambiguous(
                        next(),
                        "two pax headers for one entry",
                    ));
                }
                let records = read_extension(&mut entry, size, meter, limits, next())?;
                pending.pax = Some(Pax::parse(&records).map_err(|reason| {
                    ArchiveError::malformed(next(), format!("its pax header: {reason}"))
                })?);
            }
            b'g' => {
                let records = read_extension(&mut entry, size, meter, limits, next())?;
                let global = Pax::parse(&records).map_err(|reason| {
                    ArchiveError::malformed(next(), format!("a global pax header: {reason}"))
                })?;
                if let Some(key) = global.sets() {
                    return Err(ArchiveError::ambiguous(
                        next(),
                        format!("a global pax header sets `{key}` for every entry after it"),
                    ));
                }
            }
            _ => {
                let index = collector.begin_entry()?;
                member(
                    &mut entry,
                    index,
                    std::mem::take(&mut pending),
                    meter,
                    limits,
                    collector,
                )?;
            }
        }
    }
    if !pending.is_empty() {
        return Err(ArchiveError::malformed(
            Location::entry(collector.next_index(), None),
            "extension headers describe no entry: the archive ends after them",
        ));
    }
    // The `tar` crate stops at the first zero block, or at the end of the stream.
    if meter.produced() == end_of_last {
        return Err(ArchiveError::Truncated {
            at: Location::Archive,
        });
    }
    Ok(())
}

fn read_extension(
    entry: &mut impl Read,
    size: u64,
    meter: &Meter,
    limits: &Limits,
    at: Location,
) -> Result<Vec<u8>, ArchiveError> {
    if size > limits.max_extension_bytes {
        return Err(ArchiveError::malformed(
            at,
            format!(
                "an extension header of {size} bytes (the limit is {})",
                limits.max_extension_bytes
            ),
        ));
    }
    read_exact(entry, size).map_err(|error| meter.failure(error, at))
}

/// One entry that is not an extension header.
fn member<R: Read>(
    entry: &mut tar::Entry<'_, R>,
    index: usize,
    pending: Pending,
    meter: &Meter,
    limits: &Limits,
    collector: &mut Collector<'_>,
) -> Result<(), ArchiveError> {
    let header = entry.header();
    let type_flag = header.entry_type().as_byte();
    let size = entry.size();
    let executable = header.mode().is_ok_and(|mode| mode & 0o111 != 0);
    let header_name = entry.path_bytes().into_owned();
    let pax = pending.pax.unwrap_or_default();
    let at = |name: &[u8]| Location::entry(index, Some(shown(name)));
    let name: Vec<u8> = match (pax.path, pending.long_name) {
        (Some(_), Some(_)) => {
            return Err(ArchiveError::ambiguous(
                at(&header_name),
                "both a pax path and a GNU long name",
            ));
        }
        (Some(path), None) | (None, Some(Ok(path))) => path,
        (None, Some(Err(len))) => {
            let len = usize::try_from(len).unwrap_or(usize::MAX);
            collector.skip(index, &header_name, SkipReason::PathTooLong { len });
            return Ok(());
        }
        (None, None) => header_name,
    };
    let target = match (pax.linkpath, pending.long_link) {
        (Some(_), Some(_)) => {
            return Err(ArchiveError::ambiguous(
                at(&name),
                "both a pax linkpath and a GNU long link",
            ));
        }
        (Some(target), None) | (None, Some(Ok(target))) => Some(shown(&target)),
        (None, Some(Err(len))) => Some(format!("({len} bytes)")),
        (None, None) => entry.link_name_bytes().map(|target| shown(&target)),
    };
    if let Some(pax_size) = pax.size
        && pax_size != size
    {
        return Err(ArchiveError::ambiguous(
            at(&name),
            format!("its pax size {pax_size} differs from its header's {size}"),
        ));
    }
    if pax.sparse || type_flag == b'S' {
        return Err(ArchiveError::Sparse { at: at(&name) });
    }
    let special = match type_flag {
        b'1' => Some(SkipReason::HardLink { target }),
        b'2' => Some(SkipReason::Symlink { target }),
        b'3' => Some(SkipReason::CharDevice),
        b'4' => Some(SkipReason::BlockDevice),
        b'6' => Some(SkipReason::Fifo),
        _ => None,
    };
    let directory = type_flag == b'5' || (matches!(type_flag, b'0' | 0) && name.ends_with(b"/"));
    if (special.is_some() || directory) && size > 0 {
        return Err(ArchiveError::ambiguous(
            at(&name),
            format!(
                "a {} entry with {size} bytes of data, which some tools skip and others read as entries",
                if directory {
                    "directory"
                } else {
                    "link or device"
                }
            ),
        ));
    }
    if let Some(reason) = special {
        collector.special(index, &name, reason);
        return Ok(());
    }
    if directory {
        collector.directory(index, &name);
        return Ok(());
    }
    let Some(path) = collector.name(index, &name, false) else {
        return Ok(());
    };
    if size > limits.max_file_bytes {
        collector.skip(index, &name, SkipReason::FileTooLarge { size });
        return Ok(());
    }
    meter.start_file();
    let data = read_exact_bounded(entry, size, || meter.file_over_ratio());
    let over_ratio = meter.end_file();
    match data.map_err(|error| meter.failure(error, at(&name)))? {
        Some(data) if !over_ratio => collector.file(index, path, data, executable),
        // The rest of its data is passed over with the next header (the stream's own ratio
        // and the total cap still apply).
        _ => collector.skip(
            index,
            &name,
            SkipReason::CompressionRatio {
                limit: limits.max_ratio,
            },
        ),
    }
    Ok(())
}

/// The PAX keys that change what an entry is; the others (times, owners, charset) do not
/// matter to a reader that writes nothing.
#[derive(Default)]
struct Pax {
    path: Option<Vec<u8>>,
    linkpath: Option<Vec<u8>>,
    size: Option<u64>,
    sparse: bool,
}

impl Pax {
    /// Records `<length> <key>=<value>\n`, the length counting the whole record.
    fn parse(mut records: &[u8]) -> Result<Pax, String> {
        let mut pax = Pax::default();
        while !records.is_empty() {
            let space = records
                .iter()
                .position(|byte| *byte == b' ')
                .ok_or("a record without a length")?;
            let length = records
                .get(..space)
                .filter(|digits| !digits.is_empty() && digits.iter().all(u8::is_ascii_digit))
                .and_then(|digits| std::str::from_utf8(digits).ok())
                .and_then(|digits| digits.parse::<usize>().ok())
                .ok_or("a record length that is not a number")?;
            let record = records
                .get(..length)
                .filter(|_| length > space + 1)
                .and_then(|record| record.strip_suffix(b"\n"))
                .and_then(|record| record.get(space + 1..))
                .ok_or("a record whose length does not match it")?;
            let equals = record
                .iter()
                .position(|byte| *byte == b'=')
                .ok_or("a record without `=`")?;
            let (key, value) = (
                record.get(..equals).unwrap_or_default(),
                record.get(equals + 1..).unwrap_or_default(),
            );
            match key {
                b"path" => set(&mut pax.path, value, "path")?,
                b"linkpath" => set(&mut pax.linkpath, value, "linkpath")?,
                b"size" => {
                    let size = std::str::from_utf8(value)
                        .ok()
                        .filter(|digits| digits.bytes().all(|byte| byte.is_ascii_digit()))
                        .and_then(|digits| digits.parse::<u64>().ok())
                        .ok_or("a `size` that is not a number")?;
                    if pax.size.replace(size).is_some() {
                        return Err("`size` twice".into());
                    }
                }
                _ if key.starts_with(b"GNU.sparse.") => pax.sparse = true,
                _ => {}
            }
            records = records.get(length..).unwrap_or_default();
        }
        Ok(pax)
    }

    /// The first key set that would change the entries a global header applies to.
    fn sets(&self) -> Option<&'static str> {
        if self.path.is_some() {
            Some("path")
        } else if self.linkpath.is_some() {
            Some("linkpath")
        } else if self.size.is_some() {
            Some("size")
        } else if self.sparse {
            Some("GNU.sparse")
        } else {
            None
        }
    }
}

/// A `path` or `linkpath`: once, and not empty (an empty value means "the header's field" to
/// POSIX and "an empty name" to Python).
fn set(slot: &mut Option<Vec<u8>>, value: &[u8], key: &str) -> Result<(), String> {
    if value.is_empty() {
        return Err(format!("an empty `{key}`"));
    }
    if slot.replace(value.to_vec()).is_some() {
        return Err(format!("`{key}` twice"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pax_records_are_parsed_strictly() {
        let pax = Pax::parse(b"12 path=a/b\n16 size=1234567\n12 mtime=12\n").ok();
        let pax = pax.as_ref();
        assert_eq!(pax.and_then(|p| p.path.as_deref()), Some(b"a/b".as_slice()));
        assert_eq!(pax.and_then(|p| p.size), Some(1_234_567));
        assert!(Pax::parse(b"").is_ok());
        for bad in [
            &b"12 path=a/b"[..],
            b"13 path=a/b\n",
            b"x path=a/b\n",
            b"8 path=\n",
            b"12 path=a/b\n12 path=a/c\n",
            b"9 size=x\n",
            b"7 path\n",
            b" path=a\n",
            b"99999999999999999999999 path=a\n",
        ] {
            assert!(Pax::parse(bad).is_err(), "{}", shown(bad));
        }
        let sparse = Pax::parse(b"22 GNU.sparse.major=1\n").ok();
        assert!(sparse.is_some_and(|p| p.sparse));
    }
}
