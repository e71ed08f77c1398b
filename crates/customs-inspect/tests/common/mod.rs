//! Archive writers for the tests: byte-level tar and zip writers that produce what real
//! writers refuse to (`..`, NUL, mismatched headers, overlapping entries), and helpers around
//! the `tar`, `flate2` and `zip` crates for the well-formed fixtures.

#![allow(
    dead_code,
    reason = "each test file uses a different part of the helpers"
)]

use std::io::Write as _;

use customs_inspect::{Archive, ArchiveKind, Limits, read_archive, read_archive_from};

pub const BLOCK: usize = 512;

/// A tar archive written header by header.
#[derive(Default)]
pub struct Tar {
    pub bytes: Vec<u8>,
}

/// One ustar header: `name` in the name field (at most 100 bytes), `mode` octal.
pub fn header(name: &[u8], type_flag: u8, size: u64, link: &[u8], mode: u32) -> Vec<u8> {
    let mut block = vec![0u8; BLOCK];
    let put = |block: &mut Vec<u8>, at: usize, field: &[u8]| {
        block[at..at + field.len()].copy_from_slice(field);
    };
    put(&mut block, 0, &name[..name.len().min(100)]);
    put(&mut block, 100, format!("{mode:07o}\0").as_bytes());
    put(&mut block, 108, b"0001750\0");
    put(&mut block, 116, b"0001750\0");
    put(&mut block, 124, format!("{size:011o}\0").as_bytes());
    put(&mut block, 136, b"14614544000\0");
    block[156] = type_flag;
    put(&mut block, 157, &link[..link.len().min(100)]);
    put(&mut block, 257, b"ustar\x0000");
    put(&mut block, 265, b"user");
    put(&mut block, 297, b"group");
    set_checksum(&mut block);
    block
}

pub fn set_checksum(block: &mut [u8]) {
    block[148..156].copy_from_slice(b"        ");
    let sum: u32 = block.iter().map(|byte| u32::from(*byte)).sum();
    block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

/// `data` padded to whole blocks.
pub fn padded(data: &[u8]) -> Vec<u8> {
    let mut data = data.to_vec();
    data.resize(data.len().div_ceil(BLOCK) * BLOCK, 0);
    data
}

/// A PAX record, its length counting itself.
pub fn pax_record(key: &str, value: &[u8]) -> Vec<u8> {
    let body = key.len() + value.len() + 3; // ' ', '=', '\n'
    let mut length = body + body.to_string().len();
    if length.to_string().len() != body.to_string().len() {
        length += 1;
    }
    let mut record = format!("{length} {key}=").into_bytes();
    record.extend_from_slice(value);
    record.push(b'\n');
    assert_eq!(record.len(), length);
    record
}

impl Tar {
    pub fn new() -> Self {
        Tar::default()
    }

    /// A header and its data, the size in the header being `data`'s.
    pub fn entry(mut self, name: &[u8], type_flag: u8, data: &[u8], link: &[u8]) -> Self {
        self.bytes
            .extend(header(name, type_flag, data.len() as u64, link, 0o644));
        self.bytes.extend(padded(data));
        self
    }

    pub fn file(self, name: &str, data: &[u8]) -> Self {
        self.entry(name.as_bytes(), b'0', data, b"")
    }

    pub fn executable(mut self, name: &str, data: &[u8]) -> Self {
        self.bytes
            .extend(header(name.as_bytes(), b'0', data.len() as u64, b"", 0o755));
        self.bytes.extend(padded(data));
        self
    }

    pub fn dir(self, name: &str) -> Self {
        self.entry(name.as_bytes(), b'5', b"", b"")
    }

    /// A header only: the data (if `size` is not zero) is for the caller to add.
    pub fn raw_header(mut self, name: &[u8], type_flag: u8, size: u64, link: &[u8]) -> Self {
        self.bytes
            .extend(header(name, type_flag, size, link, 0o644));
        self
    }

    pub fn raw(mut self, bytes: &[u8]) -> Self {
        self.bytes.extend_from_slice(bytes);
        self
    }

    pub fn pax(self, records: &[(&str, &[u8])]) -> Self {
        let data: Vec<u8> = records
            .iter()
            .flat_map(|(key, value)| pax_record(key, value))
            .collect();
        self.entry(b"PaxHeaders/x", b'x', &data, b"")
    }

    pub fn global_pax(self, records: &[(&str, &[u8])]) -> Self {
        let data: Vec<u8> = records
            .iter()
            .flat_map(|(key, value)| pax_record(key, value))
            .collect();
        self.entry(b"pax_global_header", b'g', &data, b"")
    }

    /// A GNU long name (`L`) for the next entry, NUL-terminated as GNU tar writes it.
    pub fn long_name(self, name: &[u8]) -> Self {
        let mut data = name.to_vec();
        data.push(0);
        self.entry(b"././@LongLink", b'L', &data, b"")
    }

    pub fn long_link(self, name: &[u8]) -> Self {
        let mut data = name.to_vec();
        data.push(0);
        self.entry(b"././@LongLink", b'K', &data, b"")
    }

    /// The two zero blocks that end an archive.
    pub fn finish(mut self) -> Vec<u8> {
        self.bytes.extend([0u8; 2 * BLOCK]);
        self.bytes
    }

    /// Without the end-of-archive blocks.
    pub fn unfinished(self) -> Vec<u8> {
        self.bytes
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(bytes);
    crc.sum()
}

/// A zip entry for [`zip`], well-formed unless told otherwise.
#[derive(Clone)]
pub struct ZipEntry {
    pub name: Vec<u8>,
    /// The local header's name, when it differs.
    pub local_name: Option<Vec<u8>>,
    pub data: Vec<u8>,
    /// 0 (stored) or 8 (deflate, compressed here); any other value stores `data` as is.
    pub method: u16,
    pub flags: u16,
    /// A Unix mode (made on Unix), or none (made on DOS).
    pub mode: Option<u32>,
    pub central_extra: Vec<u8>,
    /// The uncompressed size declared, when it lies.
    pub declared_size: Option<u32>,
    pub crc: Option<u32>,
    /// The central directory's offset for it, when it lies (it then has no local header of
    /// its own).
    pub offset: Option<u32>,
    /// Bytes written after its data, claimed by no entry.
    pub gap_after: Vec<u8>,
}

impl ZipEntry {
    pub fn new(name: &str, data: &[u8]) -> Self {
        ZipEntry {
            name: name.as_bytes().to_vec(),
            local_name: None,
            data: data.to_vec(),
            method: 8,
            flags: 0,
            mode: Some(0o100_644),
            central_extra: Vec::new(),
            declared_size: None,
            crc: None,
            offset: None,
            gap_after: Vec::new(),
        }
    }
}

/// A zip of `entries`, then `trailing` bytes after its end record.
pub fn zip(entries: &[ZipEntry], trailing: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut central = Vec::new();
    for entry in entries {
        let compressed = if entry.method == 8 {
            deflate(&entry.data)
        } else {
            entry.data.clone()
        };
        let crc = entry.crc.unwrap_or_else(|| crc32(&entry.data));
        let size = entry.declared_size.unwrap_or(entry.data.len() as u32);
        let offset = match entry.offset {
            Some(offset) => offset,
            None => {
                let offset = bytes.len() as u32;
                let local_name = entry.local_name.as_ref().unwrap_or(&entry.name);
                bytes.extend(0x0403_4b50u32.to_le_bytes());
                bytes.extend(20u16.to_le_bytes());
                bytes.extend(entry.flags.to_le_bytes());
                bytes.extend(entry.method.to_le_bytes());
                bytes.extend([0u8; 4]);
                bytes.extend(crc.to_le_bytes());
                bytes.extend((compressed.len() as u32).to_le_bytes());
                bytes.extend(size.to_le_bytes());
                bytes.extend((local_name.len() as u16).to_le_bytes());
                bytes.extend(0u16.to_le_bytes());
                bytes.extend(local_name);
                bytes.extend(&compressed);
                bytes.extend(&entry.gap_after);
                offset
            }
        };
        let (made_by, external) = match entry.mode {
            Some(mode) => ((3u16 << 8) | 20, mode << 16),
            None => (20, 0),
        };
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(made_by.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        central.extend(entry.flags.to_le_bytes());
        central.extend(entry.method.to_le_bytes());
        central.extend([0u8; 4]);
        central.extend(crc.to_le_bytes());
        central.extend((compressed.len() as u32).to_le_bytes());
        central.extend(size.to_le_bytes());
        central.extend((entry.name.len() as u16).to_le_bytes());
        central.extend((entry.central_extra.len() as u16).to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(0u16.to_le_bytes());
        central.extend(external.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(&entry.name);
        central.extend(&entry.central_extra);
    }
    let directory_start = bytes.len() as u32;
    bytes.extend(&central);
    bytes.extend(0x0605_4b50u32.to_le_bytes());
    bytes.extend([0u8; 4]);
    bytes.extend((entries.len() as u16).to_le_bytes());
    bytes.extend((entries.len() as u16).to_le_bytes());
    bytes.extend((central.len() as u32).to_le_bytes());
    bytes.extend(directory_start.to_le_bytes());
    bytes.extend(0u16.to_le_bytes());
    bytes.extend(trailing);
    bytes
}

/// Reads `bytes` both ways (all at once, and streamed a few bytes at a time), checks that
/// both agree, and returns the result.
///
/// They may disagree on one thing: what a damaged deflate stream is refused for. zlib may
/// inflate garbage for a while before it notices the damage, and flate2 drops the bytes a
/// call inflated before an error: with the whole input at hand the damage is noticed sooner
/// (`is corrupt`), with input trickling in the garbage before it may be read first (and be
/// found malformed, or truncated). Either way the archive is refused.
pub fn read(bytes: &[u8], kind: ArchiveKind, limits: &Limits) -> Result<Archive, String> {
    let whole = read_archive(bytes, kind, limits).map_err(|error| error.to_string());
    let streamed = read_archive_from(Trickle { bytes, step: 7 }, kind, limits)
        .map_err(|error| error.to_string());
    match (&whole, &streamed) {
        (Err(whole), Err(streamed))
            if whole.ends_with(" is corrupt") || streamed.ends_with(" is corrupt") => {}
        _ => assert_eq!(whole, streamed, "read whole and streamed"),
    }
    whole
}

/// `read` with the default limits, expecting success.
pub fn read_ok(bytes: &[u8], kind: ArchiveKind) -> Archive {
    match read(bytes, kind, &Limits::default()) {
        Ok(archive) => archive,
        Err(error) => panic!("expected an archive, got: {error}"),
    }
}

/// `read` with the default limits, expecting a refusal.
pub fn read_err(bytes: &[u8], kind: ArchiveKind) -> String {
    read_with_err(bytes, kind, &Limits::default())
}

pub fn read_with_err(bytes: &[u8], kind: ArchiveKind, limits: &Limits) -> String {
    match read(bytes, kind, limits) {
        Ok(archive) => panic!("expected a refusal, got: {archive:#?}"),
        Err(error) => error,
    }
}

/// A reader that hands out at most `step` bytes a call, as a slow socket would.
pub struct Trickle<'a> {
    pub bytes: &'a [u8],
    pub step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.step.min(buffer.len()).min(self.bytes.len());
        buffer[..count].copy_from_slice(&self.bytes[..count]);
        self.bytes = &self.bytes[count..];
        Ok(count)
    }
}

/// (path, contents) of each file, for comparisons.
pub fn contents(archive: &Archive) -> Vec<(&str, &[u8])> {
    archive
        .files
        .iter()
        .map(|file| (file.path.as_str(), file.data.as_slice()))
        .collect()
}

/// (index, raw path, reason code) of each skipped entry.
pub fn skipped(archive: &Archive) -> Vec<(usize, &str, String)> {
    archive
        .skipped
        .iter()
        .map(|skip| (skip.index, skip.path.as_str(), skip.reason.to_string()))
        .collect()
}

/// Deterministic bytes that do not compress (xorshift).
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        bytes.extend(seed.to_le_bytes());
    }
    bytes.truncate(len);
    bytes
}
