//! OSV advisories for customs.
//!
//! - [`Advisory`] is customs' own model of an OSV record, reduced to what matching and reports
//!   need and already classified (vulnerability, malicious, unmaintained, unsound, notice) with a
//!   computed severity. The OSV wire format stays private to [`osv`].
//! - [`matching`] implements the OSV evaluation algorithm exactly (ranges with `introduced` /
//!   `fixed` / `last_affected` / `limit`, explicit `versions`), comparing versions with each
//!   ecosystem's own rules, and merges aliases so one issue is reported once.
//! - [`Store`] is the advisory database (one SQLite file); [`update`] builds it from OSV's bulk
//!   exports ([`Source`]) and swaps it in atomically.

mod check;
mod import;
mod matching;
mod model;
pub mod osv;
mod source;
mod store;
mod update;

pub use check::{AdvisoryLookup, CheckResult, Issue, PackageIssues, check};
pub use import::{ImportError, Limits, RATIO_EXEMPT_BYTES};
pub use matching::{AdvisoryGroup, Matcher, group_by_alias, smallest_fix};
pub use model::{Advisory, AdvisoryKind, Affected, Event, Range, RangeKind};
pub use source::{DEFAULT_SOURCE, Source, SourceError, fetch_file};
pub use store::{Counts, EcosystemStatus, SCHEMA_VERSION, SourceState, Status, Store, StoreError};
pub use update::{
    EcosystemUpdate, FetchOutcome, NoProgress, Progress, ProgressEvent, UpdateError, UpdateOptions,
    UpdateReport, default_db_path, update,
};
