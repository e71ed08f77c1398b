//! OSV advisories for customs.
//!
//! - [`Advisory`] is customs' own model of an OSV record, reduced to what matching and reports
//!   need and already classified (vulnerability, malicious, unmaintained, unsound, notice) with a
//!   computed severity. The OSV wire format stays private to [`osv`].
//! - [`matching`] implements the OSV evaluation algorithm exactly (ranges with `introduced` /
//!   `fixed` / `last_affected` / `limit`, explicit `versions`), comparing versions with each
//!   ecosystem's own rules, and merges aliases so one issue is reported once.

mod check;
mod matching;
mod model;
pub mod osv;

pub use check::{AdvisoryLookup, CheckResult, Issue, PackageIssues, check};
pub use matching::{AdvisoryGroup, Matcher, group_by_alias, smallest_fix};
pub use model::{Advisory, AdvisoryKind, Affected, Event, Range, RangeKind};
