//! Typosquat detection: does a package name imitate a popular one of its ecosystem?
//!
//! Attackers publish names one slip away from a popular package (`loadsh`, `reqeusts`,
//! `serde_jsonn`, `colorsss`, `tracings`), names that only look alike (`c0re-js`, `jeIlyfish`),
//! the popular name with a generic word, a version or meaningless letters added (`colorama-py`,
//! `axios.js`, `color2.0.0`, `jqueryxxx`), its words reordered (`env-cross`) or its npm scope
//! dropped or imitated (`types-node`, `@type/node`). A plain edit distance against a top-N
//! list flags too much (`gaxios`, `prompts`, `bn.js` are all legitimate and all one edit from
//! a popular name) and misses the rest. [`Detector`] checks each technique through its own
//! index, names the technique it found ([`Technique`]) and scores the finding from what makes
//! an imitation likely: the technique, the length of the names (one edit means little in a
//! four-letter name), the popularity of the target, whether the change spells like a name
//! (`treeverse` beside `traverse`) or is garbled, whether the variant makes sense on its own
//! (words split or reordered, a number changed, the registry's own language added: only the
//! very top names are imitated that way), the popularity gap when the candidate is itself
//! listed, and what the registry says ([`Signals`]: a shared maintainer, the candidate's age
//! and number of versions).
//!
//! A name in the popular list is never flagged (it is established, whatever it resembles; with
//! [`Options::established_rank`], only down to that rank, and further down the popularity gap
//! to the target decides), and
//! a name equal to a target under its registry's rules is the target (`serde_json` and
//! `serde-json` are one crate; `Django` and `django` one PyPI project).
//!
//! # The popular-names CSV
//!
//! [`Corpus::parse_csv`] reads one ecosystem's list, the format `customs db update` stores and
//! serves:
//!
//! ```text
//! name,rank            name,downloads
//! semver,1             boto3,1880218825
//! minimatch,2          packaging,1577819710
//! ```
//!
//! - The header is `name,rank` (rank 1 is the most popular; ties allowed) or `name,downloads`
//!   (downloads over any fixed period; the rank is the position by downloads, most first, and
//!   the downloads are kept).
//! - One package per line, two fields, no quoting (no package name contains a comma). Blank
//!   lines, a UTF-8 byte-order mark and CRLF line ends are accepted.
//! - Names are normalised per ecosystem as `customs-core` does: PEP 503 for PyPI, case and
//!   `-`/`_` folded for crates.io, exact for npm (scoped names are `@scope/name`).
//! - Limits: [`MAX_ROWS`] rows, [`MAX_LINE_LEN`] bytes a line, names as `customs-core` accepts
//!   them (no whitespace or control characters, at most 256 bytes).
//! - A malformed line fails the parse with an error naming the line. A name listed twice keeps
//!   its first (best) rank; the other rows are reported by [`Corpus::duplicates`].
//!
//! # Accuracy
//!
//! `tests/evaluation.rs` measures, per ecosystem, recall on real malicious names labelled by
//! hand (`tests/data/`, 1,580 names from OSV's `MAL-` and RustSec records and documented
//! cases), and false positives on the legitimate names ranked 3,001 to 15,000 of each list,
//! checked against the top 3,000 either as unknown names (judged by their names alone) or as
//! listed names (scored with their popularity gap). At the default threshold (0.5):
//!
//! | ecosystem | labelled | recall | false positives, unknown names | listed names |
//! |---|---:|---:|---:|---:|
//! | npm | 557 | 71.5% | 0.73% | 0.09% |
//! | PyPI | 1,005 | 87.1% | 0.78% | 0.05% |
//! | crates.io | 18 | 77.8% | 0.77% | 0.12% |
//!
//! The names ranked after 15,000 (npm and crates.io; PyPI's list stops at 15,000), which no
//! rule was tuned on, are flagged as often: 0.51% of npm's and 0.66% of crates.io's (the test
//! prints both).
//!
//! A name alone does not separate squats from legitimate near-namesakes well enough for 90%
//! recall at 0.5% false positives (`pytest-cpp`, `node-uuid`, `docker-py`, `cookies` are all
//! legitimate), and a fifth of npm's labelled squats resemble their target by none of these
//! techniques, most of them garbled beyond two edits (`bodyfpvarser` for `body-parser`), where
//! legitimate names crowd in by the thousand. Two edits to a name of five to seven letters,
//! which a slip would not make, count only as a garble (`pfstcgss` for `postcss`): the first
//! letter and all the target's letters but one kept in order, letter runs no listed name is
//! spelt with, and no listed words that explain the name. The test prints the trade-off for a range of
//! [`Options::min_score`]; the [`Signals`] a registry provides are what should settle the
//! borderline cases.
//!
//! # Speed
//!
//! Every technique is an index lookup (maps of the names' forms; for edits, the partition
//! index of [PassJoin](https://www.vldb.org/pvldb/vol5/p253_guoliangli_vldb2012.pdf), with a
//! byte-set filter and a banded distance behind it), never a scan of the list.
//! `cargo bench -p customs-typosquat --bench speed` measures, on this project's 2-core
//! machine: parsing the three public lists (52,338 names) about 14 ms, building the
//! [`Detector`] about 10 ms (one thread per ecosystem), and a check about 6 µs a name (some
//! 35,000 instructions), some 200 times faster than a plain pairwise Levenshtein against the
//! same 5,000 targets.

mod affix;
mod confusables;
mod corpus;
mod detector;
mod distance;
mod ecosystem;
mod forms;
mod index;
mod inventory;
mod keyboard;
mod spelling;
mod technique;
mod vocabulary;

/// The version of what [`Detector::check`] answers for a given list: callers that keep verdicts
/// between runs (`customs scan` does) key them by it. Bump it with any change to detection or
/// scoring.
pub const ANALYSIS_VERSION: u32 = 7;

pub use corpus::{Corpus, CorpusError, Duplicate, Entry, MAX_LINE_LEN, MAX_ROWS};
pub use detector::{Detector, MAX_SIGNAL_RAISE, Options, Signals, Suspicion};
pub use inventory::{Evidence, Flag, registry_names};
pub use technique::Technique;
