//! Where tests find the shared public data (`../shared/data` beside the repository: OSV
//! mirrors, the lockfile corpus, popular names, incidents). It is read in place, never copied.
//!
//! When it is absent, tests that need it say so loudly and pass, so a checkout alone still
//! builds and tests; CI sets `CUSTOMS_REQUIRE_SHARED_DATA=1`, and then its absence fails.

use std::path::PathBuf;

/// The shared data directory, or `None` (after printing why) when it is absent and not required.
///
/// # Panics
/// When it is absent and `CUSTOMS_REQUIRE_SHARED_DATA` is set.
pub fn shared_data(what: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if dir.join("lockfiles/MANIFEST.csv").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("CUSTOMS_REQUIRE_SHARED_DATA").is_none(),
        "{what}: shared data not found at {}",
        dir.display()
    );
    eprintln!("SKIPPED {what}: shared data not found at {}", dir.display());
    None
}
