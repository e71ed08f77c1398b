//! What kind of archive some bytes are, from their first bytes alone.

use std::fmt;

/// The container formats of package artifacts.
///
/// npm tarballs (`.tgz`), crates (`.crate`) and most PyPI sdists (`.tar.gz`) are [`TarGz`];
/// wheels (`.whl`) and old sdists (`.zip`) are [`Zip`]. The kind is read from the bytes
/// ([`ArchiveKind::detect`]), never from a file name.
///
/// [`TarGz`]: ArchiveKind::TarGz
/// [`Zip`]: ArchiveKind::Zip
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArchiveKind {
    /// A tar archive inside a gzip stream (one or more gzip members).
    TarGz,
    /// An uncompressed tar archive.
    Tar,
    /// A zip archive.
    Zip,
}

impl ArchiveKind {
    /// The kind the first bytes announce, or `None`: gzip's magic `1f 8b 08` is taken for a
    /// tarball (what is inside is only known once it is unpacked), `PK\3\4` (or `PK\5\6`, an
    /// empty archive) for a zip, and a first 512-byte block with the `ustar` magic or a valid
    /// header checksum (the old v7 format has no magic) for a tar. Cheap: it reads at most the
    /// first 512 bytes.
    #[must_use]
    pub fn detect(bytes: &[u8]) -> Option<ArchiveKind> {
        if bytes.starts_with(GZIP) {
            Some(ArchiveKind::TarGz)
        } else if bytes.starts_with(ZIP_ENTRY) || bytes.starts_with(ZIP_EMPTY) {
            Some(ArchiveKind::Zip)
        } else if is_tar_header(bytes) {
            Some(ArchiveKind::Tar)
        } else {
            None
        }
    }

    /// What the kind is called in messages.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ArchiveKind::TarGz => "gzip-compressed tar",
            ArchiveKind::Tar => "tar",
            ArchiveKind::Zip => "zip",
        }
    }
}

impl fmt::Display for ArchiveKind {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

const GZIP: &[u8] = b"\x1f\x8b\x08";
const ZIP_ENTRY: &[u8] = b"PK\x03\x04";
const ZIP_EMPTY: &[u8] = b"PK\x05\x06";

/// What the first bytes look like, for the message of an archive of the wrong kind.
pub(crate) fn describe(bytes: &[u8]) -> &'static str {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"BZh", "bzip2 data"),
        (b"\xfd7zXZ\x00", "xz data"),
        (b"\x28\xb5\x2f\xfd", "zstd data"),
        (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
        (b"Rar!", "a rar archive"),
        (b"\x1f\x8b", "gzip data of an unknown method"),
        (b"PK", "a damaged or spanned zip archive"),
    ];
    if let Some(kind) = ArchiveKind::detect(bytes) {
        return match kind {
            ArchiveKind::TarGz => "gzip data",
            ArchiveKind::Tar => "a tar archive",
            ArchiveKind::Zip => "a zip archive",
        };
    }
    if bytes.is_empty() {
        return "nothing (no bytes)";
    }
    MAGICS
        .iter()
        .find(|(magic, _)| bytes.starts_with(magic))
        .map_or("none of the known formats", |(_, name)| name)
}

/// A 512-byte tar header: the `ustar` magic, or a checksum that matches (v7 headers).
fn is_tar_header(bytes: &[u8]) -> bool {
    let Some(block) = bytes.get(..512) else {
        return false;
    };
    if block.get(257..262) == Some(b"ustar".as_slice()) {
        return true;
    }
    let Some(stored) = block.get(148..156).and_then(octal) else {
        return false;
    };
    // The checksum is computed with its own field read as spaces.
    let sum: u64 = block
        .iter()
        .enumerate()
        .map(|(at, byte)| {
            if (148..156).contains(&at) {
                u64::from(b' ')
            } else {
                u64::from(*byte)
            }
        })
        .sum();
    // An all-zero block (the end of an archive) sums to 256 and stores 0: not a header.
    stored == sum && block.first().is_some_and(|byte| *byte != 0)
}

/// An octal header field: optional leading spaces, digits, then NULs or spaces.
fn octal(field: &[u8]) -> Option<u64> {
    let field = field.trim_ascii_start();
    let digits = field
        .iter()
        .position(|byte| !byte.is_ascii_digit())
        .map_or(field, |end| field.get(..end).unwrap_or_default());
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |value, digit| {
        if *digit > b'7' {
            return None;
        }
        value.checked_mul(8)?.checked_add(u64::from(digit - b'0'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_decide_the_kind() {
        assert_eq!(
            ArchiveKind::detect(b"\x1f\x8b\x08\0"),
            Some(ArchiveKind::TarGz)
        );
        assert_eq!(ArchiveKind::detect(b"PK\x03\x04"), Some(ArchiveKind::Zip));
        assert_eq!(ArchiveKind::detect(b"PK\x05\x06"), Some(ArchiveKind::Zip));
        assert_eq!(ArchiveKind::detect(b""), None);
        assert_eq!(ArchiveKind::detect(&[0; 1024]), None);
        assert_eq!(ArchiveKind::detect(b"BZh91AY&SY"), None);
        assert_eq!(describe(b"BZh91AY&SY"), "bzip2 data");
        assert_eq!(describe(b"{\"name\":"), "none of the known formats");
        let mut ustar = [0u8; 512];
        ustar[257..262].copy_from_slice(b"ustar");
        assert_eq!(ArchiveKind::detect(&ustar), Some(ArchiveKind::Tar));
        // Too short to hold a header.
        assert_eq!(ArchiveKind::detect(&ustar[..300]), None);
    }

    #[test]
    fn a_v7_header_is_known_by_its_checksum() {
        let mut block = [0u8; 512];
        block[..5].copy_from_slice(b"a.txt");
        block[156] = b'0';
        let sum: u32 = block.iter().map(|b| u32::from(*b)).sum::<u32>() + 8 * u32::from(b' ');
        block[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        assert_eq!(ArchiveKind::detect(&block), Some(ArchiveKind::Tar));
        block[0] = b'b';
        assert_eq!(ArchiveKind::detect(&block), None);
    }
}
