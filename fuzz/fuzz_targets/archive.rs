#![no_main]
//! Arbitrary bytes as each kind of package archive, under small limits, so that the fuzzer
//! reaches them; whatever is returned must respect them and hold only safe paths.

use customs_inspect::{Archive, ArchiveKind, Limits, read_archive};
use libfuzzer_sys::fuzz_target;

const LIMITS: Limits = Limits {
    max_input_bytes: 1 << 20,
    max_total_bytes: 1 << 20,
    max_file_bytes: 256 * 1024,
    max_entries: 64,
    max_depth: 8,
    max_path_len: 256,
    max_ratio: 100,
    ratio_exempt_bytes: 64 * 1024,
    max_extension_bytes: 4096,
};

fn check(archive: &Archive) {
    assert!(archive.entries <= LIMITS.max_entries);
    assert!(archive.unpacked_bytes <= LIMITS.max_total_bytes);
    assert!(archive.files.len() + archive.skipped.len() <= archive.entries);
    let total: u64 = archive.files.iter().map(|file| file.size()).sum();
    assert!(total <= LIMITS.max_total_bytes);
    for file in &archive.files {
        assert!(file.size() <= LIMITS.max_file_bytes);
        let path = &file.path;
        assert!(!path.is_empty() && path.len() <= LIMITS.max_path_len);
        assert!(!path.starts_with('/') && !path.contains('\\'));
        assert!(!path.chars().any(char::is_control));
        assert!(path.split('/').count() <= LIMITS.max_depth);
        assert!(path.split('/').all(|part| !matches!(part, "" | "." | "..")));
    }
}

fuzz_target!(|data: &[u8]| {
    let _ = ArchiveKind::detect(data);
    for kind in [ArchiveKind::TarGz, ArchiveKind::Tar, ArchiveKind::Zip] {
        if let Ok(archive) = read_archive(data, kind, &LIMITS) {
            check(&archive);
        }
    }
});
