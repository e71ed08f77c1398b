//! One test per hostile case, each pinning the exact outcome: which entries are skipped and
//! why, or the exact refusal. The archives are written byte by byte (`common`), since real
//! writers refuse to produce most of them.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and their helpers: a panic is the failure report"
)]

mod common;

use common::{
    BLOCK, Tar, ZipEntry, contents, crc32, gzip, header, noise, padded, read, read_err, read_ok,
    read_with_err, skipped, zip,
};
use customs_inspect::{ArchiveKind, Limits};

const TAR: ArchiveKind = ArchiveKind::Tar;
const TGZ: ArchiveKind = ArchiveKind::TarGz;
const ZIP: ArchiveKind = ArchiveKind::Zip;

fn skip(index: usize, path: &str, reason: &str) -> (usize, String, String) {
    (index, path.to_owned(), reason.to_owned())
}

fn skips(archive: &customs_inspect::Archive) -> Vec<(usize, String, String)> {
    skipped(archive)
        .into_iter()
        .map(|(index, path, reason)| (index, path.to_owned(), reason))
        .collect()
}

// Names

#[test]
fn traversal_is_skipped() {
    let bytes = gzip(
        &Tar::new()
            .file("package/index.js", b"ok")
            .file("package/../../evil.sh", b"rm -rf ~")
            .file("../outside", b"x")
            .dir("package/../../etc/")
            .finish(),
    );
    let archive = read_ok(&bytes, TGZ);
    assert_eq!(contents(&archive), [("index.js", &b"ok"[..])]);
    assert_eq!(
        skips(&archive),
        [
            skip(1, "package/../../evil.sh", "a `..` component"),
            skip(2, "../outside", "a `..` component"),
            skip(3, "package/../../etc/", "a `..` component"),
        ]
    );
    assert_eq!(archive.skipped[0].reason.code(), "path-traversal");
    // The escaping entries do not decide the root.
    assert_eq!(archive.package_root.as_deref(), Some("package"));
}

#[test]
fn absolute_paths_are_skipped() {
    let archive = read_ok(
        &Tar::new()
            .file("package/a.js", b"a")
            .file("/etc/passwd", b"root::0:0::/:/bin/sh")
            .file("//host/share/x", b"x")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [
            skip(1, "/etc/passwd", "an absolute path"),
            skip(2, "//host/share/x", "an absolute path"),
        ]
    );
}

#[test]
fn windows_paths_are_skipped() {
    let archive = read_ok(
        &Tar::new()
            .file("package/a.js", b"a")
            .file("C:\\Windows\\evil.dll", b"MZ")
            .file("c:evil.dll", b"MZ")
            .file("package\\..\\..\\evil.js", b"x")
            .file("\\\\host\\share\\evil.js", b"x")
            .file("package/a\\b.js", b"x")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
    let windows = "a Windows path (drive, UNC path or backslash)";
    assert_eq!(
        skips(&archive),
        [
            skip(1, "C:\\\\Windows\\\\evil.dll", windows),
            skip(2, "c:evil.dll", windows),
            skip(3, "package\\\\..\\\\..\\\\evil.js", windows),
            skip(4, "\\\\\\\\host\\\\share\\\\evil.js", windows),
            skip(5, "package/a\\\\b.js", windows),
        ]
    );
}

#[test]
fn an_archive_whose_entries_all_escape_is_refused() {
    let bytes = Tar::new()
        .file("../a", b"a")
        .file("/etc/passwd", b"x")
        .file("C:\\x", b"x")
        .dir("./")
        .finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "every entry of the archive (3) points outside it"
    );
}

#[test]
fn control_characters_and_invalid_utf8_in_names_are_skipped() {
    let archive = read_ok(
        &Tar::new()
            .file("package/a.js", b"a")
            .file("package/new\nline.js", b"x")
            .pax(&[("path", b"package/nul\0byte.js")])
            .file("package/placeholder", b"x")
            .file("package/bell\x07.js", b"x")
            .entry(b"package/latin1-\xe9.js", b'0', b"x", b"")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [
            skip(
                1,
                "package/new\\nline.js",
                "a control character in the name"
            ),
            skip(
                2,
                "package/nul\\0byte.js",
                "a control character in the name"
            ),
            skip(
                3,
                "package/bell\\u{7}.js",
                "a control character in the name"
            ),
            skip(4, "package/latin1-\\xe9.js", "a name that is not UTF-8"),
        ]
    );
}

#[test]
fn a_gnu_long_name_ends_at_its_first_nul_as_gnu_tar_and_python_read_it() {
    let archive = read_ok(
        &Tar::new()
            .long_name(b"package/shown.js\0package/hidden.js")
            .file("placeholder", b"payload")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("shown.js", &b"payload"[..])]);
}

#[test]
fn names_too_long_or_too_deep_are_skipped() {
    let deep = format!("package/{}f.js", "d/".repeat(64));
    let long_pax = format!("package/{}.js", "l".repeat(5000));
    let archive = read_ok(
        &Tar::new()
            .file("package/a.js", b"a")
            .long_name(format!("package/{}.js", "g".repeat(5000)).as_bytes())
            .file("placeholder", b"x")
            .pax(&[("path", deep.as_bytes())])
            .file("placeholder", b"x")
            .pax(&[("path", long_pax.as_bytes())])
            .file("placeholder", b"x")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
    let shown_long = format!("package/{}…", "l".repeat(256 - "package/".len()));
    assert_eq!(
        skips(&archive),
        [
            // Not read: the name shown is the header's own.
            skip(1, "placeholder", "a name of 5012 bytes"),
            skip(2, &deep, "a path 66 components deep"),
            skip(3, &shown_long, "a name of 5011 bytes"),
        ]
    );
}

#[test]
fn a_long_name_within_the_limits_is_honoured() {
    let name = format!("package/{}.js", "n".repeat(3000));
    let archive = read_ok(
        &gzip(
            &Tar::new()
                .long_name(name.as_bytes())
                .file("placeholder", b"a")
                .pax(&[("path", name.replace(".js", ".ts").as_bytes())])
                .file("placeholder", b"b")
                .long_link(format!("package/{}", "t".repeat(200)).as_bytes())
                .entry(b"package/link", b'2', b"", b"short")
                .finish(),
        ),
        TGZ,
    );
    assert_eq!(archive.files.len(), 2);
    assert_eq!(archive.files[0].path, &name["package/".len()..]);
    assert_eq!(archive.files[1].path.len(), 3003);
    assert_eq!(
        archive.skipped[0].reason.to_string(),
        format!("a symlink to `package/{}`", "t".repeat(200))
    );
}

#[test]
fn an_oversized_extension_header_is_refused() {
    let bytes = Tar::new()
        .pax(&[("comment", "c".repeat(70_000).as_bytes())])
        .file("package/a.js", b"a")
        .finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "entry 0 is malformed: an extension header of 70015 bytes (the limit is 65536)"
    );
}

// Links, devices and other non-files

#[test]
fn symlinks_are_recorded_never_followed() {
    let archive = read_ok(
        &Tar::new()
            .file("package/index.js", b"ok")
            .entry(b"package/link", b'2', b"", b"/etc/passwd")
            .entry(b"package/dir", b'2', b"", b"/etc")
            // Written "through" the link: it is the archive's own file, nothing is resolved.
            .file("package/dir/passwd", b"the archive's own bytes")
            .entry(b"package/up", b'2', b"", b"../../..")
            .finish(),
        TAR,
    );
    assert_eq!(
        contents(&archive),
        [
            ("index.js", &b"ok"[..]),
            ("dir/passwd", b"the archive's own bytes")
        ]
    );
    assert_eq!(
        skips(&archive),
        [
            skip(1, "package/link", "a symlink to `/etc/passwd`"),
            skip(2, "package/dir", "a symlink to `/etc`"),
            skip(4, "package/up", "a symlink to `../../..`"),
        ]
    );
}

#[test]
fn hard_links_are_recorded_never_followed() {
    let archive = read_ok(
        &Tar::new()
            .file("package/index.js", b"ok")
            .entry(b"package/copy.js", b'1', b"", b"package/index.js")
            .entry(b"package/shadow", b'1', b"", b"/etc/shadow")
            .finish(),
        TAR,
    );
    assert_eq!(contents(&archive), [("index.js", &b"ok"[..])]);
    assert_eq!(
        skips(&archive),
        [
            skip(1, "package/copy.js", "a hard link to `package/index.js`"),
            skip(2, "package/shadow", "a hard link to `/etc/shadow`"),
        ]
    );
    assert_eq!(archive.skipped[0].reason.code(), "hard-link");
}

#[test]
fn devices_and_fifos_are_skipped() {
    let archive = read_ok(
        &Tar::new()
            .file("package/a.js", b"a")
            .entry(b"package/tty", b'3', b"", b"")
            .entry(b"package/sda", b'4', b"", b"")
            .entry(b"package/pipe", b'6', b"", b"")
            .finish(),
        TAR,
    );
    assert_eq!(
        skips(&archive),
        [
            skip(1, "package/tty", "a character device"),
            skip(2, "package/sda", "a block device"),
            skip(3, "package/pipe", "a FIFO"),
        ]
    );
}

#[test]
fn data_on_a_link_or_directory_is_refused() {
    // Python's tarfile reads no data for these types: to it, this data is the next header.
    let hidden = header(b"package/hidden.js", b'0', 0, b"", 0o644);
    let bytes = Tar::new()
        .raw_header(b"package/l", b'2', BLOCK as u64, b"x")
        .raw(&hidden)
        .finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "entry 0 (`package/l`) is ambiguous: a link or device entry with 512 bytes of data, \
         which some tools skip and others read as entries"
    );
    let bytes = Tar::new()
        .raw_header(b"package/d/", 0, BLOCK as u64, b"")
        .raw(&hidden)
        .finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "entry 0 (`package/d/`) is ambiguous: a directory entry with 512 bytes of data, \
         which some tools skip and others read as entries"
    );
}

#[test]
fn sparse_files_are_refused() {
    let bytes = Tar::new().entry(b"package/sparse", b'S', b"", b"").finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "entry 0 (`package/sparse`) is a sparse file, which is not read"
    );
    let bytes = Tar::new()
        .pax(&[("GNU.sparse.major", b"1"), ("GNU.sparse.minor", b"0")])
        .file("package/sparse", b"map and data")
        .finish();
    assert_eq!(
        read_err(&bytes, TAR),
        "entry 0 (`package/sparse`) is a sparse file, which is not read"
    );
}

// Duplicates

#[test]
fn every_version_of_a_duplicate_path_is_kept_and_reported() {
    let archive = read_ok(
        &gzip(
            &Tar::new()
                .file("package/index.js", b"benign")
                .file("package/b.js", b"b")
                .file("package/./index.js", b"malicious")
                .file("package//index.js", b"also malicious")
                .finish(),
        ),
        TGZ,
    );
    assert_eq!(
        contents(&archive),
        [
            ("index.js", &b"benign"[..]),
            ("b.js", b"b"),
            ("index.js", b"malicious"),
            ("index.js", b"also malicious"),
        ]
    );
    assert_eq!(archive.duplicates, ["index.js"]);
}

#[test]
fn duplicate_zip_entries_are_all_read() {
    let archive = read_ok(
        &zip(
            &[
                ZipEntry::new("pkg/__init__.py", b"benign = True\n"),
                ZipEntry::new("pkg/__init__.py", b"import os; os.system('x')\n"),
            ],
            b"",
        ),
        ZIP,
    );
    assert_eq!(
        contents(&archive),
        [
            ("__init__.py", &b"benign = True\n"[..]),
            ("__init__.py", b"import os; os.system('x')\n"),
        ]
    );
    assert_eq!(archive.duplicates, ["__init__.py"]);
}

// Bombs and limits

/// A tarball whose one file, `package/bomb`, is `mebibytes` MiB of zeros: one self-contained
/// deflate chunk of 1 MiB of zeros repeated, so building it costs little whatever its size.
/// The gzip trailer is wrong (a reader must stop long before it).
fn zero_bomb(mebibytes: u64) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut compress = Compress::new(Compression::best(), false);
    let mut deflate = |input: &[u8], flush| {
        let mut output = Vec::with_capacity(input.len() + 1024);
        compress.compress_vec(input, &mut output, flush).unwrap();
        output
    };
    let mut bytes = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let size = mebibytes << 20;
    bytes.extend(deflate(
        &header(b"package/bomb", b'0', size, b"", 0o644),
        FlushCompress::Full,
    ));
    let chunk = deflate(&vec![0; 1 << 20], FlushCompress::Full);
    assert!(chunk.len() < 2048, "{}", chunk.len());
    for _ in 0..mebibytes {
        bytes.extend(&chunk);
    }
    bytes.extend(deflate(&[], FlushCompress::Finish));
    bytes.extend([0; 8]);
    bytes
}

#[test]
fn a_gzip_bomb_is_stopped_by_the_ratio_while_unpacking() {
    // 1 GiB of zeros in about 1 MiB: over the file limit, so skipped, and its data then
    // unpacked only to be passed over, until the stream's ratio stops it. Had it been
    // unpacked whole, the total cap (512 MiB) would have spoken first.
    let bomb = zero_bomb(1024);
    assert!(bomb.len() < 2 << 20);
    assert_eq!(
        read_err(&bomb, TGZ),
        "the archive unpacks to more than 200 times its compressed size"
    );
    // Within the file limit: read as a file, and stopped the same way.
    assert_eq!(
        read_err(&zero_bomb(60), TGZ),
        "the archive unpacks to more than 200 times its compressed size"
    );
}

#[test]
fn a_bomb_file_among_others_is_skipped_by_its_own_ratio() {
    // Too diluted by the incompressible files for the stream's ratio; its own gives it away
    // after the exempt first 64 KiB, and reading it stops there.
    let limits = Limits {
        max_ratio: 20,
        ratio_exempt_bytes: 64 * 1024,
        ..Limits::default()
    };
    let bytes = gzip(
        &Tar::new()
            .file("package/before.bin", &noise(1 << 20, 7))
            .file("package/zeros.bin", &vec![0; 2 << 20])
            .file("package/after.js", b"after")
            .finish(),
    );
    let archive = read(&bytes, TGZ, &limits).unwrap();
    let paths: Vec<&str> = archive
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(paths, ["before.bin", "after.js"]);
    assert_eq!(
        skips(&archive),
        [skip(
            1,
            "package/zeros.bin",
            "a file unpacking to more than 20 times its compressed size"
        )]
    );
    assert_eq!(archive.skipped[0].reason.code(), "compression-ratio");
    // A file of zeros that fits in the exemption is read.
    let small = gzip(
        &Tar::new()
            .file("package/zeros.bin", &vec![0; 60_000])
            .finish(),
    );
    assert_eq!(read(&small, TGZ, &limits).unwrap().files.len(), 1);
}

#[test]
fn a_zip_bomb_entry_is_skipped_from_its_declared_size_before_unpacking() {
    let bytes = zip(
        &[
            ZipEntry::new("pkg/zeros.bin", &vec![0; 4 << 20]),
            ZipEntry::new("pkg/a.py", b"a"),
        ],
        b"",
    );
    let archive = read_ok(&bytes, ZIP);
    assert_eq!(contents(&archive), [("a.py", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [skip(
            0,
            "pkg/zeros.bin",
            "a file unpacking to more than 200 times its compressed size"
        )]
    );
}

#[test]
fn a_zip_whose_entries_together_unpack_too_far_is_refused() {
    // Each entry small enough to be exempt from the ratio, the archive as a whole over it.
    let limits = Limits {
        max_ratio: 30,
        ratio_exempt_bytes: 64 * 1024,
        ..Limits::default()
    };
    let entries: Vec<ZipEntry> = (0..20)
        .map(|n| ZipEntry::new(&format!("pkg/{n}.bin"), &vec![0; 60_000]))
        .collect();
    let error = read_with_err(&zip(&entries, b""), ZIP, &limits);
    assert_eq!(
        error,
        "the archive unpacks to more than 30 times its compressed size"
    );
}

#[test]
fn a_zip_entry_unpacking_past_its_declared_size_is_stopped_there() {
    let mut entry = ZipEntry::new("pkg/a.bin", &vec![0; 100_000]);
    entry.declared_size = Some(10);
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        "entry 0 (`pkg/a.bin`) is malformed: it unpacks to more bytes than it declares"
    );
    let mut entry = ZipEntry::new("pkg/a.bin", b"short");
    entry.declared_size = Some(10);
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        "entry 0 (`pkg/a.bin`) is malformed: it unpacks to fewer bytes than it declares"
    );
}

#[test]
fn the_total_unpacked_size_is_capped() {
    let limits = Limits {
        max_total_bytes: 256 * 1024,
        ..Limits::default()
    };
    let bytes = gzip(
        &Tar::new()
            .file("package/a.bin", &noise(100_000, 1))
            .file("package/b.bin", &noise(100_000, 2))
            .file("package/c.bin", &noise(100_000, 3))
            .finish(),
    );
    assert_eq!(
        read_with_err(&bytes, TGZ, &limits),
        "the archive unpacks to more than 262144 bytes"
    );
    let bytes = zip(
        &[
            ZipEntry::new("pkg/a.bin", &noise(150_000, 1)),
            ZipEntry::new("pkg/b.bin", &noise(150_000, 2)),
        ],
        b"",
    );
    assert_eq!(
        read_with_err(&bytes, ZIP, &limits),
        "the archive unpacks to more than 262144 bytes"
    );
}

#[test]
fn a_file_over_the_file_limit_is_skipped() {
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let tar = Tar::new()
        .file("package/big.bin", &noise(2000, 1))
        .file("package/a.js", b"a")
        .finish();
    let archive = read(&tar, TAR, &limits).unwrap();
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [skip(0, "package/big.bin", "a file of 2000 bytes")]
    );
    let bytes = zip(
        &[
            ZipEntry::new("pkg/big.bin", &noise(2000, 1)),
            ZipEntry::new("pkg/a.py", b"a"),
        ],
        b"",
    );
    let archive = read(&bytes, ZIP, &limits).unwrap();
    assert_eq!(contents(&archive), [("a.py", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [skip(0, "pkg/big.bin", "a file of 2000 bytes")]
    );
}

#[test]
fn a_header_claiming_more_data_than_there_is_is_truncation() {
    // 8 GiB declared, over the file limit: skipped, then its data is passed over until the
    // stream ends.
    let bytes = Tar::new()
        .raw_header(b"package/huge", b'0', 8 << 30, b"")
        .raw(&[0x41; 4096])
        .finish();
    assert_eq!(read_err(&bytes, TAR), "entry 1 is truncated");
}

#[test]
fn too_many_entries_are_refused() {
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    let tar = (0..4)
        .fold(Tar::new(), |tar, n| {
            tar.file(&format!("package/{n}.js"), b"x")
        })
        .finish();
    assert_eq!(
        read_with_err(&tar, TAR, &limits),
        "the archive holds more than 3 entries"
    );
    let entries: Vec<ZipEntry> = (0..4)
        .map(|n| ZipEntry::new(&format!("pkg/{n}.py"), b"x"))
        .collect();
    assert_eq!(
        read_with_err(&zip(&entries, b""), ZIP, &limits),
        "the archive holds more than 3 entries"
    );
}

// Truncation, trailing data, wrong kinds

#[test]
fn a_truncated_gzip_stream_is_refused() {
    let bytes = gzip(
        &Tar::new()
            .file("package/noise.bin", &noise(100_000, 5))
            .file("package/a.js", b"a")
            .finish(),
    );
    assert_eq!(
        read_err(&bytes[..bytes.len() / 2], TGZ),
        "entry 0 (`package/noise.bin`) is truncated"
    );
    // Only the trailer (CRC-32 and length) missing: every entry read, the end is not there.
    assert_eq!(
        read_err(&bytes[..bytes.len() - 4], TGZ),
        "the archive is truncated"
    );
    let mut corrupt = bytes.clone();
    let last = corrupt.len() - 5;
    corrupt[last] ^= 0xff;
    assert_eq!(read_err(&corrupt, TGZ), "the archive is corrupt");
}

#[test]
fn a_truncated_tar_is_refused() {
    let bytes = Tar::new()
        .file("package/a.js", b"a")
        .file("package/b.js", &[b'b'; 1000])
        .finish();
    // In the data of the second file.
    assert_eq!(
        read_err(&bytes[..3 * BLOCK], TAR),
        "entry 1 (`package/b.js`) is truncated"
    );
    // In the second header.
    assert_eq!(
        read_err(&bytes[..2 * BLOCK + 100], TAR),
        "entry 1 is truncated"
    );
    // At a header boundary: no end-of-archive block.
    assert_eq!(
        read_err(&bytes[..5 * BLOCK], TAR),
        "the archive is truncated"
    );
}

#[test]
fn a_truncated_zip_is_refused() {
    let bytes = zip(&[ZipEntry::new("pkg/a.py", b"a = 1\n")], b"");
    assert_eq!(
        read_err(&bytes[..bytes.len() - 10], ZIP),
        "the archive is truncated"
    );
    assert_eq!(read_err(&bytes[..40], ZIP), "the archive is truncated");
}

#[test]
fn trailing_data_is_refused() {
    let tar = Tar::new().file("package/a.js", b"a").finish();
    let mut bytes = gzip(&tar);
    let end = bytes.len();
    bytes.extend(b"garbage");
    assert_eq!(
        read_err(&bytes, TGZ),
        format!("the archive has data after its end, at byte {end} of its compressed bytes")
    );
    // Zeros, then something else.
    let mut bytes = gzip(&tar);
    bytes.extend([0, 0, 0, b'x']);
    assert_eq!(
        read_err(&bytes, TGZ),
        format!(
            "the archive has data after its end, at byte {} of its compressed bytes",
            end + 3
        )
    );
    // After the tar's end-of-archive blocks, inside the gzip stream.
    let mut hidden = tar.clone();
    hidden.extend(padded(b"hidden"));
    assert_eq!(
        read_err(&gzip(&hidden), TGZ),
        format!(
            "the archive has data after its end, at byte {} of its unpacked bytes",
            tar.len()
        )
    );
    let zip_bytes = zip(&[ZipEntry::new("pkg/a.py", b"a")], b"");
    let mut bytes = zip_bytes.clone();
    bytes.extend(b"trailing");
    assert_eq!(
        read_err(&bytes, ZIP),
        format!(
            "the archive has data after its end, at byte {} of its compressed bytes",
            zip_bytes.len()
        )
    );
}

#[test]
fn bytes_of_another_kind_are_refused() {
    let zip_bytes = zip(&[ZipEntry::new("pkg/a.py", b"a")], b"");
    let tgz = gzip(&Tar::new().file("package/a.js", b"a").finish());
    assert_eq!(
        read_err(&zip_bytes, TGZ),
        "the bytes are not a gzip-compressed tar archive: they look like a zip archive"
    );
    assert_eq!(
        read_err(&tgz, ZIP),
        "the bytes are not a zip archive: they look like gzip data"
    );
    assert_eq!(
        read_err(&tgz, TAR),
        "the bytes are not a tar archive: they look like gzip data"
    );
    assert_eq!(
        read_err(b"BZh91AY&SY\x00\x00", TGZ),
        "the bytes are not a gzip-compressed tar archive: they look like bzip2 data"
    );
    assert_eq!(
        read_err(b"", ZIP),
        "the bytes are not a zip archive: they look like nothing (no bytes)"
    );
    // A gzip stream that holds no tar.
    assert_eq!(
        read_err(&gzip(b"just some text, no tar header in sight"), TGZ),
        "entry 0 is truncated"
    );
}

// Tar ambiguities

#[test]
fn conflicting_tar_extension_headers_are_refused() {
    let pax_size = Tar::new()
        .pax(&[("size", b"1")])
        .file("package/a.js", b"aaaaa")
        .finish();
    assert_eq!(
        read_err(&pax_size, TAR),
        "entry 0 (`package/a.js`) is ambiguous: its pax size 1 differs from its header's 5"
    );
    let global_path = Tar::new()
        .global_pax(&[("path", b"package/evil.js")])
        .file("package/a.js", b"a")
        .finish();
    assert_eq!(
        read_err(&global_path, TAR),
        "entry 0 is ambiguous: a global pax header sets `path` for every entry after it"
    );
    let both = Tar::new()
        .long_name(b"package/gnu.js")
        .pax(&[("path", b"package/pax.js")])
        .file("package/header.js", b"a")
        .finish();
    assert_eq!(
        read_err(&both, TAR),
        "entry 0 (`package/header.js`) is ambiguous: both a pax path and a GNU long name"
    );
    let twice = Tar::new()
        .long_name(b"package/one.js")
        .long_name(b"package/two.js")
        .file("package/header.js", b"a")
        .finish();
    assert_eq!(
        read_err(&twice, TAR),
        "entry 0 is ambiguous: two GNU long names or links for one entry"
    );
    let dangling = Tar::new()
        .file("package/a.js", b"a")
        .pax(&[("path", b"package/b.js")])
        .finish();
    assert_eq!(
        read_err(&dangling, TAR),
        "entry 1 is malformed: extension headers describe no entry: the archive ends after them"
    );
    let empty_path = Tar::new()
        .pax(&[("path", b"")])
        .file("package/a.js", b"a")
        .finish();
    assert_eq!(
        read_err(&empty_path, TAR),
        "entry 0 is malformed: its pax header: an empty `path`"
    );
}

#[test]
fn a_corrupt_tar_header_is_refused() {
    let mut bytes = Tar::new().file("package/a.js", b"a").finish();
    bytes[10] ^= 1;
    // Still a tar by its `ustar` magic; its checksum no longer matches.
    assert_eq!(read_err(&bytes, TAR), "entry 0 is corrupt");
    let mut bytes = Tar::new()
        .file("package/a.js", b"a")
        .file("package/b.js", b"b")
        .finish();
    bytes[2 * BLOCK + 10] ^= 1;
    assert_eq!(read_err(&bytes, TAR), "entry 1 is corrupt");
}

// Zip ambiguities and damage

#[test]
fn a_zip_name_mismatch_is_refused() {
    let mut entry = ZipEntry::new("pkg/a.py", b"a = 1\n");
    entry.local_name = Some(b"pkg/evil.py".to_vec());
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        "entry 0 (`pkg/a.py`) is ambiguous: its local header names it `pkg/evil.py` \
         (streaming readers use that name)"
    );
}

#[test]
fn a_unicode_path_field_naming_another_file_is_refused() {
    let mut entry = ZipEntry::new("pkg/a.py", b"a = 1\n");
    let unicode = b"pkg/evil.py";
    entry.central_extra = [
        &0x7075u16.to_le_bytes()[..],
        &(5 + unicode.len() as u16).to_le_bytes(),
        &[1],
        &crc32(b"pkg/a.py").to_le_bytes(),
        unicode,
    ]
    .concat();
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        "entry 0 (`pkg/a.py`) is ambiguous: its Unicode path field names it `pkg/evil.py` \
         (which Info-ZIP uses, and Python ignores)"
    );
}

#[test]
fn overlapping_zip_entries_are_refused() {
    let first = ZipEntry::new("pkg/a.py", &vec![b'a'; 10_000]);
    let mut again = first.clone();
    again.offset = Some(0);
    assert_eq!(
        read_err(&zip(&[first, again], b""), ZIP),
        "entry 1 (`pkg/a.py`) is ambiguous: it shares bytes with another entry"
    );
}

#[test]
fn zip_bytes_no_entry_claims_are_refused() {
    // A whole local entry the central directory does not list: pip never sees it, a
    // streaming reader does.
    let hidden = zip(&[ZipEntry::new("pkg/hidden.py", b"evil()")], b"");
    let local_part = hidden[..hidden.len() - 22 - 46 - "pkg/hidden.py".len()].to_vec();
    let mut entry = ZipEntry::new("pkg/a.py", b"a = 1\n");
    entry.gap_after = local_part.clone();
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        format!(
            "entry 0 (`pkg/a.py`) is ambiguous: {} bytes that no entry claims follow it",
            local_part.len()
        )
    );
}

#[test]
fn encrypted_and_unsupported_zip_entries_are_skipped() {
    let mut encrypted = ZipEntry::new("pkg/secret.py", b"not really encrypted");
    encrypted.flags = 1;
    let mut aes = ZipEntry::new("pkg/aes.py", b"x");
    aes.method = 99;
    let mut bzip2 = ZipEntry::new("pkg/bz.py", b"BZh9");
    bzip2.method = 12;
    let archive = read_ok(
        &zip(
            &[encrypted, aes, bzip2, ZipEntry::new("pkg/a.py", b"a")],
            b"",
        ),
        ZIP,
    );
    assert_eq!(contents(&archive), [("a.py", &b"a"[..])]);
    assert_eq!(
        skips(&archive),
        [
            skip(0, "pkg/secret.py", "an encrypted entry"),
            skip(1, "pkg/aes.py", "an encrypted entry"),
            skip(2, "pkg/bz.py", "compression method 12"),
        ]
    );
}

#[test]
fn zip_symlinks_and_special_files_are_skipped() {
    let mut link = ZipEntry::new("pkg/link", b"/etc/passwd");
    link.mode = Some(0o120_777);
    let mut fifo = ZipEntry::new("pkg/fifo", b"");
    fifo.mode = Some(0o010_644);
    let mut script = ZipEntry::new("pkg/run.sh", b"#!/bin/sh\n");
    script.mode = Some(0o100_755);
    let archive = read_ok(&zip(&[link, fifo, script], b""), ZIP);
    assert_eq!(contents(&archive), [("run.sh", &b"#!/bin/sh\n"[..])]);
    assert!(archive.files[0].executable);
    assert_eq!(
        skips(&archive),
        [
            skip(0, "pkg/link", "a symlink to `/etc/passwd`"),
            skip(1, "pkg/fifo", "a FIFO"),
        ]
    );
}

#[test]
fn zip_checksums_and_counts_are_checked() {
    let mut entry = ZipEntry::new("pkg/a.py", b"a = 1\n");
    entry.crc = Some(0xdead_beef);
    assert_eq!(
        read_err(&zip(&[entry], b""), ZIP),
        "entry 0 (`pkg/a.py`) is malformed: its CRC-32 does not match its data"
    );
    let mut more = zip(&[ZipEntry::new("pkg/a.py", b"a")], b"");
    let count_at = more.len() - 22 + 8;
    more[count_at..count_at + 4].copy_from_slice(&[2, 0, 2, 0]);
    assert_eq!(
        read_err(&more, ZIP),
        "the archive is malformed: it declares more entries than its central directory holds"
    );
    let mut fewer = zip(
        &[
            ZipEntry::new("pkg/a.py", b"a"),
            ZipEntry::new("pkg/b.py", b"b"),
        ],
        b"",
    );
    let count_at = fewer.len() - 22 + 8;
    fewer[count_at..count_at + 4].copy_from_slice(&[1, 0, 1, 0]);
    assert_eq!(
        read_err(&fewer, ZIP),
        "the archive is malformed: its central directory holds more than the entries it declares"
    );
}

#[test]
fn two_end_records_that_both_close_a_zip_are_refused() {
    let mut bytes = zip(&[ZipEntry::new("pkg/a.py", b"a")], b"");
    let end = bytes.len() - 22;
    let mut fake = bytes[end..].to_vec();
    // The real record's comment is a second record, whose own comment is empty.
    bytes.truncate(end + 20);
    bytes.extend(22u16.to_le_bytes());
    fake[20..22].copy_from_slice(&[0, 0]);
    bytes.extend(fake);
    assert_eq!(
        read_err(&bytes, ZIP),
        "the archive is ambiguous: two end records both close it"
    );
}

#[test]
fn nul_in_a_zip_name_is_skipped() {
    let archive = read_ok(
        &zip(
            &[
                ZipEntry::new("pkg/a.py\0.txt", b"x"),
                ZipEntry::new("pkg/b.py", b"b"),
            ],
            b"",
        ),
        ZIP,
    );
    assert_eq!(
        skips(&archive),
        [skip(
            0,
            "pkg/a.py\\0.txt",
            "a control character in the name"
        )]
    );
}

// Streams

/// Hands out `bytes`, then fails as a dropped connection would.
struct Failing<'a> {
    bytes: &'a [u8],
}

impl std::io::Read for Failing<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.bytes.is_empty() {
            return Err(std::io::Error::other("connection reset"));
        }
        let count = buffer.len().min(self.bytes.len()).min(100);
        buffer[..count].copy_from_slice(&self.bytes[..count]);
        self.bytes = &self.bytes[count..];
        Ok(count)
    }
}

#[test]
fn a_failing_source_is_a_read_error() {
    use std::error::Error as _;
    let tgz = gzip(
        &Tar::new()
            .file("package/noise.bin", &noise(20_000, 3))
            .finish(),
    );
    let zip_bytes = zip(&[ZipEntry::new("pkg/a.py", b"a")], b"");
    for (bytes, kind) in [(&tgz, TGZ), (&zip_bytes, ZIP)] {
        for cut in [10, bytes.len() / 2] {
            let error = customs_inspect::read_archive_from(
                Failing {
                    bytes: &bytes[..cut],
                },
                kind,
                &Limits::default(),
            )
            .unwrap_err();
            assert_eq!(error.to_string(), "failed to read the archive");
            assert_eq!(error.source().unwrap().to_string(), "connection reset");
        }
    }
}

#[test]
fn a_stream_over_the_input_limit_is_refused() {
    let limits = Limits {
        max_input_bytes: 1000,
        ..Limits::default()
    };
    let tgz = gzip(
        &Tar::new()
            .file("package/noise.bin", &noise(5000, 3))
            .finish(),
    );
    assert_eq!(
        read_with_err(&tgz, TGZ, &limits),
        "the archive is larger than 1000 bytes"
    );
    let zip_bytes = zip(&[ZipEntry::new("pkg/noise.bin", &noise(5000, 3))], b"");
    assert_eq!(
        read_with_err(&zip_bytes, ZIP, &limits),
        "the archive is larger than 1000 bytes"
    );
}
