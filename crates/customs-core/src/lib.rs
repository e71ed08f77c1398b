//! Core domain types shared by every part of customs.
//!
//! The flow of customs is one-way: files are parsed into an [`Inventory`] of [`Package`]s, which
//! is frozen before any check reads it. The types here normalise on construction, so a package
//! name that is not in its ecosystem's canonical form, or a version compared with the wrong
//! ordering, cannot exist.

mod code;
mod diff;
mod ecosystem;
mod finding;
mod integrity;
mod inventory;
mod name;
mod package;
mod path;
pub mod set;
mod version;

pub use code::{Code, UnknownCode, codes_markdown};
pub use diff::{
    ChangeKind, DiffFindings, InventoryDiff, PackageChange, PackageLabel, PackageState,
    filter_findings,
};
pub use ecosystem::Ecosystem;
pub use finding::{
    Finding, FindingAdvisory, FindingHit, FindingInspection, FindingPackage, FindingTyposquat,
    Level, Severity,
};
pub use integrity::{HashAlgorithm, Integrity, IntegrityError};
pub use inventory::{FileError, Inventory, LockfileReport};
pub use name::{NameError, PackageName};
pub use package::{
    Location, Package, PackageId, Scope, Source, merge_duplicates, redact_url, redacted_url,
};
pub use path::{join_path, normalize_path};
pub use set::SortedSet;
pub use version::Version;

/// A hash map with a fast hasher that is still seeded per process, so hostile input cannot
/// choose keys that collide. For the maps on hot paths (package ids, names).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
