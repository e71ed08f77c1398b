//! Properties over hostile input: arbitrary bytes, and valid archives with bytes replaced,
//! inserted or cut, never make the reader panic, and whatever it returns respects the
//! limits and the path rules. Small limits, so that the mutations reach them. The reader
//! must also give the same answer whole and streamed a few bytes at a time. The cargo-fuzz
//! target `fuzz/fuzz_targets/archive.rs` searches the same space without bounds.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests and their helpers: a panic is the failure report"
)]

mod common;

use std::sync::OnceLock;

use common::{Tar, ZipEntry, gzip, noise, zip};
use customs_inspect::{Archive, ArchiveKind, Limits, read_archive};
use proptest::prelude::*;

fn limits() -> Limits {
    Limits {
        max_input_bytes: 256 * 1024,
        max_total_bytes: 96 * 1024,
        max_file_bytes: 16 * 1024,
        max_entries: 12,
        max_depth: 6,
        max_path_len: 120,
        max_ratio: 40,
        ratio_exempt_bytes: 4 * 1024,
        max_extension_bytes: 2048,
    }
}

/// What every archive returned must satisfy.
fn check(archive: &Archive, limits: &Limits) {
    assert!(archive.entries <= limits.max_entries);
    assert!(archive.unpacked_bytes <= limits.max_total_bytes);
    let mut indices: Vec<usize> = archive.files.iter().map(|file| file.index).collect();
    indices.extend(archive.skipped.iter().map(|skip| skip.index));
    indices.sort_unstable();
    let count = indices.len();
    indices.dedup();
    assert_eq!(indices.len(), count, "one outcome per entry");
    assert!(indices.iter().all(|index| *index < archive.entries));
    let mut total = 0u64;
    for file in &archive.files {
        assert!(file.size() <= limits.max_file_bytes);
        total += file.size();
        check_path(&file.path, limits);
    }
    assert!(total <= limits.max_total_bytes);
    if let Some(root) = &archive.package_root {
        check_path(root, limits);
        assert!(!root.contains('/'));
    }
    let mut sorted = archive.duplicates.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, archive.duplicates);
    for duplicate in &archive.duplicates {
        let versions = archive
            .files
            .iter()
            .filter(|file| file.path == *duplicate)
            .count();
        assert!(versions >= 2, "{duplicate}");
    }
    for skip in &archive.skipped {
        assert!(
            skip.path.chars().all(|c| !c.is_control()),
            "{:?}",
            skip.path
        );
    }
}

fn check_path(path: &str, limits: &Limits) {
    assert!(!path.is_empty());
    assert!(path.len() <= limits.max_path_len, "{path}");
    assert!(
        !path.contains('\\') && !path.chars().any(char::is_control),
        "{path:?}"
    );
    let components: Vec<&str> = path.split('/').collect();
    assert!(components.len() <= limits.max_depth, "{path}");
    for component in components {
        assert!(!matches!(component, "" | "." | ".."), "{path}");
    }
    let first = path.as_bytes();
    assert!(!(first.len() >= 2 && first[0].is_ascii_alphabetic() && first[1] == b':'));
}

/// Reads both ways (`common::read` asserts they agree) and checks what comes back.
fn read_checked(bytes: &[u8], kind: ArchiveKind) {
    let limits = limits();
    if let Ok(archive) = common::read(bytes, kind, &limits) {
        check(&archive, &limits);
    }
}

fn tar_seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        Tar::new()
            .global_pax(&[("comment", b"seed")])
            .dir("package/")
            .file("package/package.json", br#"{"name":"a","version":"1.0.0"}"#)
            .executable("package/bin/run.sh", b"#!/bin/sh\necho hi\n")
            .long_name(format!("package/{}.js", "long".repeat(20)).as_bytes())
            .file("placeholder", b"exports.long = true;\n")
            .pax(&[("path", b"package/lib/pax.js"), ("mtime", b"1.5")])
            .file("placeholder", &[b'z'; 6000])
            .entry(b"package/link", b'2', b"", b"../../etc/passwd")
            .file("package/../evil.js", b"x")
            .file("package/index.js", b"module.exports = 1;\n")
            .file("package/noise.bin", &noise(3000, 9))
            .finish()
    })
}

fn zip_seed() -> &'static [u8] {
    static SEED: OnceLock<Vec<u8>> = OnceLock::new();
    SEED.get_or_init(|| {
        let mut stored = ZipEntry::new("demo/__init__.py", b"from .core import run\n");
        stored.method = 0;
        let mut link = ZipEntry::new("demo/link", b"/etc/passwd");
        link.mode = Some(0o120_777);
        zip(
            &[
                stored,
                ZipEntry::new("demo/core.py", &b"def run():\n    return 1\n".repeat(40)),
                ZipEntry::new("demo-1.0.dist-info/METADATA", b"Name: demo\n"),
                link,
                ZipEntry::new("demo/zeros.bin", &[0; 9000]),
                ZipEntry::new("demo-1.0.dist-info/RECORD", b"demo/core.py,,\n"),
            ],
            b"",
        )
    })
}

/// Byte replacements, then an optional cut and an optional insertion.
#[derive(Debug, Clone)]
struct Mutation {
    replacements: Vec<(usize, u8)>,
    cut: Option<usize>,
    insertion: Option<(usize, Vec<u8>)>,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        prop::option::weighted(0.2, any::<usize>()),
        prop::option::weighted(
            0.2,
            (any::<usize>(), prop::collection::vec(any::<u8>(), 1..64)),
        ),
    )
        .prop_map(|(replacements, cut, insertion)| Mutation {
            replacements,
            cut,
            insertion,
        })
}

fn mutate(seed: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for (at, byte) in &mutation.replacements {
        let len = bytes.len();
        if len > 0 {
            bytes[at % len] = *byte;
        }
    }
    if let Some(cut) = mutation.cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    if let Some((at, inserted)) = &mutation.insertion {
        let at = at % (bytes.len() + 1);
        bytes.splice(at..at, inserted.iter().copied());
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for kind in [ArchiveKind::TarGz, ArchiveKind::Tar, ArchiveKind::Zip] {
            read_checked(&bytes, kind);
        }
        let _ = ArchiveKind::detect(&bytes);
    }

    #[test]
    fn arbitrary_bytes_behind_each_magic_never_panic(
        tail in prop::collection::vec(any::<u8>(), 0..2048),
        header in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        let mut gzip_bytes = b"\x1f\x8b\x08".to_vec();
        gzip_bytes.extend(&tail);
        read_checked(&gzip_bytes, ArchiveKind::TarGz);
        let mut zip_bytes = b"PK\x03\x04".to_vec();
        zip_bytes.extend(&tail);
        read_checked(&zip_bytes, ArchiveKind::Zip);
        // A tar header with the magic and a valid checksum, the rest arbitrary.
        let mut block = header.clone();
        block.resize(512, 0);
        block[257..263].copy_from_slice(b"ustar\0");
        common::set_checksum(&mut block);
        block.extend(&tail);
        read_checked(&block, ArchiveKind::Tar);
        read_checked(&gzip(&block), ArchiveKind::TarGz);
    }

    #[test]
    fn mutated_tars_never_panic(mutation in mutation()) {
        let bytes = mutate(tar_seed(), &mutation);
        read_checked(&bytes, ArchiveKind::Tar);
        read_checked(&gzip(&bytes), ArchiveKind::TarGz);
    }

    #[test]
    fn mutated_tarballs_never_panic(mutation in mutation()) {
        static SEED: OnceLock<Vec<u8>> = OnceLock::new();
        let seed = SEED.get_or_init(|| gzip(tar_seed()));
        read_checked(&mutate(seed, &mutation), ArchiveKind::TarGz);
    }

    #[test]
    fn mutated_zips_never_panic(mutation in mutation()) {
        read_checked(&mutate(zip_seed(), &mutation), ArchiveKind::Zip);
    }
}

#[test]
fn the_seeds_are_read_within_the_small_limits() {
    let limits = limits();
    let tar = read_archive(tar_seed(), ArchiveKind::Tar, &limits).unwrap();
    check(&tar, &limits);
    // The link and the `..` are skipped.
    assert_eq!(tar.files.len(), 6, "{tar:#?}");
    assert_eq!(tar.skipped.len(), 2, "{tar:#?}");
    let zip = read_archive(zip_seed(), ArchiveKind::Zip, &limits).unwrap();
    check(&zip, &limits);
    // The zeros are over the small ratio (after the exempt 4 KiB); the link is skipped.
    assert_eq!(zip.files.len(), 4, "{zip:#?}");
    assert_eq!(zip.skipped.len(), 2, "{zip:#?}");
}
