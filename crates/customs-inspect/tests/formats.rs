//! Well-formed artifacts of each ecosystem, written by the `tar`, `flate2` and `zip` crates
//! (and by hand where a format feature needs it), read back exactly.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and their helpers: a panic is the failure report"
)]

mod common;

use std::io::{Cursor, Write as _};

use common::{Tar, ZipEntry, contents, gzip, read_err, read_ok, skipped, zip};
use customs_inspect::{ArchiveKind, read_archive};

/// The path is set by `append_data`, which writes a GNU long name when it needs one.
fn tar_header(size: usize, mode: u32) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_size(size as u64);
    header.set_mode(mode);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    header
}

fn tarball(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data, mode) in files {
        let mut header = tar_header(data.len(), *mode);
        builder.append_data(&mut header, path, *data).unwrap();
    }
    gzip(&builder.into_inner().unwrap())
}

#[test]
fn an_npm_tarball() {
    let bytes = tarball(&[
        (
            "package/package.json",
            br#"{"name":"demo","version":"1.0.0"}"#,
            0o644,
        ),
        ("package/index.js", b"module.exports = 1;\n", 0o644),
        ("package/lib/util.js", b"exports.x = 2;\n", 0o644),
        ("package/bin/cli.js", b"#!/usr/bin/env node\n", 0o755),
    ]);
    assert_eq!(ArchiveKind::detect(&bytes), Some(ArchiveKind::TarGz));
    let archive = read_ok(&bytes, ArchiveKind::TarGz);
    assert_eq!(archive.kind, ArchiveKind::TarGz);
    assert_eq!(archive.package_root.as_deref(), Some("package"));
    assert_eq!(
        contents(&archive),
        [
            ("package.json", &br#"{"name":"demo","version":"1.0.0"}"#[..]),
            ("index.js", b"module.exports = 1;\n"),
            ("lib/util.js", b"exports.x = 2;\n"),
            ("bin/cli.js", b"#!/usr/bin/env node\n"),
        ]
    );
    let executable: Vec<bool> = archive.files.iter().map(|file| file.executable).collect();
    assert_eq!(executable, [false, false, false, true]);
    let indices: Vec<usize> = archive.files.iter().map(|file| file.index).collect();
    assert_eq!(indices, [0, 1, 2, 3]);
    assert!(archive.skipped.is_empty());
    assert!(archive.duplicates.is_empty());
    assert_eq!(archive.entries, 4);
    assert_eq!(archive.files[3].size(), 20);
}

#[test]
fn a_crate_with_a_gnu_long_name() {
    let long = format!(
        "demo-0.1.0/tests/{}/case.rs",
        "deeply_nested_module".repeat(6)
    );
    assert!(long.len() > 100);
    let bytes = tarball(&[
        (
            "demo-0.1.0/Cargo.toml",
            b"[package]\nname = \"demo\"\n",
            0o644,
        ),
        ("demo-0.1.0/Cargo.toml.orig", b"[package]\n", 0o644),
        ("demo-0.1.0/src/lib.rs", b"pub fn f() {}\n", 0o644),
        (&long, b"#[test] fn t() {}\n", 0o644),
        ("demo-0.1.0/.cargo_vcs_info.json", b"{}", 0o644),
    ]);
    let archive = read_ok(&bytes, ArchiveKind::TarGz);
    assert_eq!(archive.package_root.as_deref(), Some("demo-0.1.0"));
    let paths: Vec<&str> = archive
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "Cargo.toml",
            "Cargo.toml.orig",
            "src/lib.rs",
            &long["demo-0.1.0/".len()..],
            ".cargo_vcs_info.json",
        ]
    );
    // The long name's `L` header is not an entry.
    assert_eq!(archive.entries, 5);
}

fn wheel_options(mode: u32) -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(mode)
}

fn wheel(files: &[(&str, &[u8], u32)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (path, data, mode) in files {
        writer.start_file(*path, wheel_options(*mode)).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn a_wheel() {
    let record = b"demo/__init__.py,,\n";
    let bytes = wheel(&[
        ("demo/__init__.py", b"from .core import run\n", 0o644),
        (
            "demo/core.py",
            &b"def run():\n    return 1\n".repeat(50),
            0o644,
        ),
        ("demo-1.0.data/scripts/demo", b"#!python\n", 0o755),
        (
            "demo-1.0.dist-info/METADATA",
            b"Metadata-Version: 2.1\nName: demo\n",
            0o644,
        ),
        ("demo-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n", 0o644),
        ("demo-1.0.dist-info/RECORD", record, 0o644),
    ]);
    assert_eq!(ArchiveKind::detect(&bytes), Some(ArchiveKind::Zip));
    let archive = read_ok(&bytes, ArchiveKind::Zip);
    assert_eq!(archive.package_root, None);
    let paths: Vec<&str> = archive
        .files
        .iter()
        .map(|file| file.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "demo/__init__.py",
            "demo/core.py",
            "demo-1.0.data/scripts/demo",
            "demo-1.0.dist-info/METADATA",
            "demo-1.0.dist-info/WHEEL",
            "demo-1.0.dist-info/RECORD",
        ]
    );
    assert_eq!(
        archive.files[1].data,
        b"def run():\n    return 1\n".repeat(50)
    );
    assert!(archive.files[2].executable);
    assert!(!archive.files[0].executable);
    assert!(archive.skipped.is_empty());
}

#[test]
fn a_wheel_written_as_a_stream_has_data_descriptors() {
    let mut writer = zip::ZipWriter::new_stream(Vec::new());
    for (path, data) in [
        ("a/x.py", &b"x = 1\n"[..]),
        ("a/y.py", &b"y = 2\n".repeat(100)),
    ] {
        writer.start_file(path, wheel_options(0o644)).unwrap();
        writer.write_all(data).unwrap();
    }
    let bytes = writer.finish().unwrap().into_inner();
    let archive = read_ok(&bytes, ArchiveKind::Zip);
    assert_eq!(
        contents(&archive),
        [
            ("x.py", &b"x = 1\n"[..]),
            ("y.py", &b"y = 2\n".repeat(100)[..])
        ]
    );
    assert_eq!(archive.package_root.as_deref(), Some("a"));
}

#[test]
fn a_metadata_only_wheel_keeps_its_dist_info_directory() {
    let bytes = wheel(&[
        ("demo-1.0.dist-info/METADATA", b"Name: demo\n", 0o644),
        ("demo-1.0.dist-info/RECORD", b"", 0o644),
    ]);
    let archive = read_ok(&bytes, ArchiveKind::Zip);
    assert_eq!(archive.package_root, None);
    assert_eq!(archive.files[0].path, "demo-1.0.dist-info/METADATA");
}

#[test]
fn an_sdist_with_pax_headers() {
    // As Python's tarfile writes an sdist: a PAX header for a long name, a global header
    // carrying only a comment (as `git archive` writes), directories, `./` prefixes.
    let long = format!("demo-1.0/src/demo/{}.py", "n".repeat(200));
    let bytes = gzip(
        &Tar::new()
            .global_pax(&[("comment", b"0123456789abcdef")])
            .dir("./demo-1.0/")
            .file("./demo-1.0/PKG-INFO", b"Metadata-Version: 2.1\n")
            .pax(&[("path", long.as_bytes()), ("mtime", b"1700000000.5")])
            .file("./demo-1.0/src/demo/truncated-by-pax.py", b"print(1)\n")
            .file("demo-1.0/setup.py", b"from setuptools import setup\n")
            .finish(),
    );
    let archive = read_ok(&bytes, ArchiveKind::TarGz);
    assert_eq!(archive.package_root.as_deref(), Some("demo-1.0"));
    assert_eq!(
        contents(&archive),
        [
            ("PKG-INFO", &b"Metadata-Version: 2.1\n"[..]),
            (&long["demo-1.0/".len()..], b"print(1)\n"),
            ("setup.py", b"from setuptools import setup\n"),
        ]
    );
    assert_eq!(archive.entries, 4);
}

#[test]
fn an_uncompressed_tar() {
    let bytes = Tar::new()
        .file("package/a.js", b"a")
        .executable("package/b.sh", b"#!/bin/sh\n")
        .finish();
    assert_eq!(ArchiveKind::detect(&bytes), Some(ArchiveKind::Tar));
    let archive = read_ok(&bytes, ArchiveKind::Tar);
    assert_eq!(
        contents(&archive),
        [("a.js", &b"a"[..]), ("b.sh", b"#!/bin/sh\n")]
    );
    assert!(archive.files[1].executable);
    assert_eq!(archive.unpacked_bytes, 4 * 512 + 1024);
}

#[test]
fn concatenated_gzip_members_are_one_stream() {
    let tar = Tar::new()
        .file("package/a.js", &b"a".repeat(3000))
        .file("package/b.js", b"b")
        .finish();
    for cut in [1, 512, 1000, 2048, tar.len() - 1] {
        let mut bytes = gzip(&tar[..cut]);
        bytes.extend(gzip(&tar[cut..]));
        let archive = read_ok(&bytes, ArchiveKind::TarGz);
        assert_eq!(
            contents(&archive),
            [("a.js", &b"a".repeat(3000)[..]), ("b.js", b"b")],
            "cut at {cut}"
        );
    }
    // An empty member between the two.
    let mut bytes = gzip(&tar[..700]);
    bytes.extend(gzip(b""));
    bytes.extend(gzip(&tar[700..]));
    assert_eq!(read_ok(&bytes, ArchiveKind::TarGz).files.len(), 2);
}

#[test]
fn zero_padding_after_the_gzip_stream_and_the_tar_end_is_accepted() {
    let mut tar = Tar::new().file("package/a.js", b"a").finish();
    // Tar records are padded to 10 KiB with zeros.
    tar.resize(10240, 0);
    let mut bytes = gzip(&tar);
    bytes.extend([0u8; 4096]);
    let archive = read_ok(&bytes, ArchiveKind::TarGz);
    assert_eq!(contents(&archive), [("a.js", &b"a"[..])]);
}

#[test]
fn an_empty_tarball_is_an_empty_archive() {
    let archive = read_ok(&gzip(&Tar::new().finish()), ArchiveKind::TarGz);
    assert!(archive.files.is_empty() && archive.skipped.is_empty());
    assert_eq!(archive.package_root, None);
    assert_eq!(archive.entries, 0);
    // An empty zip is only its end record.
    let archive = read_ok(&zip(&[], b""), ArchiveKind::Zip);
    assert_eq!(archive.entries, 0);
}

#[test]
fn the_package_root_is_one_top_directory_or_none() {
    let read = |tar: Tar| read_ok(&tar.finish(), ArchiveKind::Tar);
    // Mixed top directories: npm would strip each entry's first component anyway, but the
    // archive has no single root, so nothing is stripped and nothing is merged.
    let mixed = read(
        Tar::new()
            .file("package/a.js", b"1")
            .file("evil/a.js", b"2"),
    );
    assert_eq!(mixed.package_root, None);
    assert_eq!(
        contents(&mixed),
        [("package/a.js", &b"1"[..]), ("evil/a.js", b"2")]
    );
    assert!(mixed.duplicates.is_empty());
    // A file at the top.
    let top = read(Tar::new().file("package/a.js", b"1").file("README", b"2"));
    assert_eq!(top.package_root, None);
    // The archive's own `./` does not count; a directory entry does.
    let dotted = read(
        Tar::new()
            .dir("./")
            .dir("./package/")
            .file("./package/a.js", b"1"),
    );
    assert_eq!(dotted.package_root.as_deref(), Some("package"));
    assert_eq!(dotted.files[0].path, "a.js");
    // Nested roots are not stripped twice.
    let nested = read(Tar::new().file("package/package/a.js", b"1"));
    assert_eq!(nested.files[0].path, "package/a.js");
}

#[test]
fn unknown_tar_types_are_read_as_files_as_gnu_tar_and_python_extract_them() {
    let archive = read_ok(
        &Tar::new()
            .entry(b"package/a.js", b'Z', b"payload", b"")
            .entry(b"package/b.js", b'7', b"contiguous", b"")
            .entry(b"package/c.js", 0, b"old style", b"")
            .finish(),
        ArchiveKind::Tar,
    );
    assert_eq!(
        contents(&archive),
        [
            ("a.js", &b"payload"[..]),
            ("b.js", b"contiguous"),
            ("c.js", b"old style"),
        ]
    );
}

#[test]
fn old_style_directories_are_named_with_a_slash() {
    let archive = read_ok(
        &Tar::new()
            .entry(b"package/lib/", 0, b"", b"")
            .file("package/lib/a.js", b"a")
            .finish(),
        ArchiveKind::Tar,
    );
    assert_eq!(contents(&archive), [("lib/a.js", &b"a"[..])]);
    assert_eq!(skipped(&archive), []);
}

#[test]
fn zip_directories_and_dos_entries() {
    let mut dir = ZipEntry::new("pkg/", b"");
    dir.method = 0;
    let mut dos = ZipEntry::new("pkg/a.py", b"a = 1\n");
    dos.mode = None;
    let mut stored = ZipEntry::new("pkg/b.py", b"b = 2\n");
    stored.method = 0;
    let archive = read_ok(&zip(&[dir, dos, stored], b""), ArchiveKind::Zip);
    assert_eq!(archive.package_root.as_deref(), Some("pkg"));
    assert_eq!(
        contents(&archive),
        [("a.py", &b"a = 1\n"[..]), ("b.py", b"b = 2\n")]
    );
    assert!(!archive.files[0].executable);
}

#[test]
fn slices_and_streams_agree_on_every_fixture() {
    // `common::read` compares both ways on every read; this also checks the slice API alone
    // on a fixture with every entry kind.
    let bytes = Tar::new()
        .dir("package/")
        .file("package/a.js", b"a")
        .entry(b"package/l", b'2', b"", b"a.js")
        .finish();
    let archive = read_archive(&bytes, ArchiveKind::Tar, &Default::default()).unwrap();
    assert_eq!(
        skipped(&archive),
        [(2, "package/l", "a symlink to `a.js`".to_owned())]
    );
    let _ = read_err(&bytes[..bytes.len() - 1024], ArchiveKind::Tar);
}
