use customs_core::{Ecosystem, Severity};
use serde::{Deserialize, Serialize};

/// What an advisory says about a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdvisoryKind {
    Vulnerability,
    /// Published with malicious code (`MAL-` records, crates removed for malicious code).
    Malicious,
    /// RustSec informational: no longer maintained.
    Unmaintained,
    /// RustSec informational: an unsound API.
    Unsound,
    /// Another informational advisory.
    Notice,
}

impl AdvisoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AdvisoryKind::Vulnerability => "vulnerability",
            AdvisoryKind::Malicious => "malicious",
            AdvisoryKind::Unmaintained => "unmaintained",
            AdvisoryKind::Unsound => "unsound",
            AdvisoryKind::Notice => "notice",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            AdvisoryKind::Vulnerability,
            AdvisoryKind::Malicious,
            AdvisoryKind::Unmaintained,
            AdvisoryKind::Unsound,
            AdvisoryKind::Notice,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// One advisory, as customs uses it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    pub id: String,
    /// Other ids of the same issue, sorted, without `id` itself.
    pub aliases: Vec<String>,
    pub summary: Option<String>,
    pub kind: AdvisoryKind,
    pub severity: Severity,
    /// The CVSS vector the severity was computed from, and its base score.
    pub cvss: Option<String>,
    pub score: Option<f64>,
    pub published: Option<String>,
    pub modified: Option<String>,
    /// Where a person reads more: the advisory's own page where it names one.
    pub url: Option<String>,
    /// Only the entries for npm, PyPI and crates.io packages.
    pub affected: Vec<Affected>,
}

/// The versions of one package an advisory affects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    pub ecosystem: Ecosystem,
    /// The package name as the record writes it.
    pub name: String,
    /// The name under the ecosystem's equality ([`customs_core::PackageName::match_key`]): what
    /// lookups use.
    pub key: String,
    pub ranges: Vec<Range>,
    /// Explicitly listed affected versions.
    pub versions: Vec<String>,
}

/// How a range's versions are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RangeKind {
    /// Semantic Versioning 2.0 precedence.
    Semver,
    /// The ecosystem's own ordering (PEP 440 for PyPI).
    Ecosystem,
}

/// A range of versions, as a timeline of events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    pub kind: RangeKind,
    pub events: Vec<Event>,
}

/// One point in a range's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Affected from this version on. `"0"` means before every version.
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// The last affected version; later ones are not affected.
    LastAffected(String),
    /// An exclusive upper bound on the whole range (`"*"`: none).
    Limit(String),
}

impl Event {
    pub fn version(&self) -> &str {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => v,
        }
    }
}
