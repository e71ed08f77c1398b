//! Evidence about one locked version, computed from a package's [`Document`]. This is the work
//! a warm run must not repeat: the result is stored in the cache per (document, version).
//!
//! - The previous version is the highest version below the locked one, in the ecosystem's
//!   order, that was published before it: a 1.2.5 backport published after 2.0.0 is not what
//!   2.0.0 followed. Where either publish time is unknown, the order alone decides.
//! - Latest is the registry's (npm `dist-tags.latest`, PyPI `info.version`), or, for the
//!   crates.io index which names none, the highest version that is neither yanked nor a
//!   pre-release.
//! - Versions behind counts the releases after the locked version up to latest that are neither
//!   pre-releases (nor PEP 440 dev releases) nor yanked.

use std::cmp::Ordering;

use customs_core::{Ecosystem, Version};
use jiff::Timestamp;

use crate::document::{Document, VersionRecord};
use crate::{Removed, Yanked, npm};

/// Everything evidence holds about one locked version that the package's document decides.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Computed {
    pub published: Option<Timestamp>,
    pub yanked: Option<Yanked>,
    pub deprecated: Option<String>,
    pub removed: Option<Removed>,
    pub scripts: u8,
    pub previous_version: Option<String>,
    pub scripts_added: bool,
    pub publisher: Option<String>,
    pub previous_publisher: Option<String>,
    pub provenance: Option<bool>,
    pub previous_provenance: Option<bool>,
    pub license: Option<String>,
    pub latest: Option<String>,
    pub versions_behind: Option<u32>,
    pub first_published: Option<Timestamp>,
    pub version_count: Option<u32>,
}

/// When the package's first release was published: only when every release has a time (the
/// crates.io index records none for releases older than 2025, so a partial minimum would make
/// an old crate look young).
pub(crate) fn first_published(document: &Document) -> Option<Timestamp> {
    document
        .versions
        .iter()
        .map(|record| record.published)
        .collect::<Option<Vec<Timestamp>>>()
        .and_then(|times| times.into_iter().min())
}

/// Computes the evidence for `locked` from the package's document.
pub(crate) fn compute(ecosystem: Ecosystem, document: &Document, locked: &str) -> Computed {
    let locked_version = Version::new(ecosystem, locked);
    let parsed: Vec<(Version, &VersionRecord)> = document
        .versions
        .iter()
        .map(|record| (Version::new(ecosystem, &record.version), record))
        .collect();
    let latest = match ecosystem {
        Ecosystem::CratesIo => highest_stable(&parsed).map(|(_, record)| record.version.clone()),
        Ecosystem::Npm | Ecosystem::PyPI => document.latest.clone(),
    };
    let versions_behind = latest
        .as_deref()
        .map(|latest| Version::new(ecosystem, latest))
        .filter(Version::is_parsed)
        .map(|latest| behind(&parsed, &locked_version, &latest));
    let first_published = first_published(document);
    let version_count = u32::try_from(document.versions.len()).ok();
    // The exact text first; else a version equal by value (PEP 440 `1.0` is `1.0.0`).
    let found = parsed
        .iter()
        .find(|(_, record)| record.version == locked)
        .or_else(|| {
            parsed
                .iter()
                .find(|(version, _)| version.cmp_value(&locked_version) == Ordering::Equal)
        });
    let Some((_, record)) = found else {
        let removed = if ecosystem == Ecosystem::Npm && npm::is_security_placeholder(document) {
            Removed::SecurityPlaceholder
        } else {
            Removed::VersionNotFound
        };
        return Computed {
            removed: Some(removed),
            latest,
            versions_behind,
            first_published,
            version_count,
            ..Computed::default()
        };
    };
    let previous = previous(&parsed, &locked_version, record.published);
    Computed {
        published: record.published,
        yanked: record.yanked.then(|| Yanked {
            reason: record.yanked_reason.clone(),
        }),
        deprecated: record.deprecated.clone(),
        removed: None,
        scripts: record.scripts,
        previous_version: previous.map(|p| p.version.clone()),
        scripts_added: previous.is_some_and(|p| record.scripts & !p.scripts != 0),
        publisher: record.publisher.clone(),
        previous_publisher: previous.and_then(|p| p.publisher.clone()),
        provenance: record.provenance,
        previous_provenance: previous.and_then(|p| p.provenance),
        license: record.license.clone(),
        latest,
        versions_behind,
        first_published,
        version_count,
    }
}

fn previous<'a>(
    parsed: &[(Version, &'a VersionRecord)],
    locked: &Version,
    locked_published: Option<Timestamp>,
) -> Option<&'a VersionRecord> {
    parsed
        .iter()
        .filter(|(version, _)| version.cmp_value(locked) == Ordering::Less)
        .filter(|(_, record)| match (record.published, locked_published) {
            (Some(published), Some(locked_published)) => published < locked_published,
            _ => true,
        })
        .max_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, record)| *record)
}

fn is_stable(version: &Version) -> bool {
    if let Some(semver) = version.semver() {
        return semver.pre.is_empty();
    }
    if let Some(pep440) = version.pep440() {
        return !pep440.is_pre() && !pep440.is_dev();
    }
    false
}

fn highest_stable<'a>(
    parsed: &'a [(Version, &'a VersionRecord)],
) -> Option<&'a (Version, &'a VersionRecord)> {
    parsed
        .iter()
        .filter(|(version, record)| !record.yanked && is_stable(version))
        .max_by(|(a, _), (b, _)| a.cmp(b))
}

fn behind(parsed: &[(Version, &VersionRecord)], locked: &Version, latest: &Version) -> u32 {
    let count = parsed
        .iter()
        .filter(|(version, record)| {
            !record.yanked
                && is_stable(version)
                && version.cmp_value(locked) == Ordering::Greater
                && version.cmp_value(latest) != Ordering::Greater
        })
        .count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(version: &str, published: Option<&str>) -> VersionRecord {
        VersionRecord {
            version: version.into(),
            published: published.and_then(|p| p.parse().ok()),
            ..VersionRecord::default()
        }
    }

    #[test]
    fn previous_is_the_highest_lower_version_published_before() {
        let document = Document {
            latest: Some("2.1.0".into()),
            unpublished: false,
            maintainers: None,
            versions: vec![
                record("1.2.4", Some("2020-01-01T00:00:00Z")),
                record("2.0.0-rc.1", Some("2020-02-01T00:00:00Z")),
                record("2.0.0", Some("2020-03-01T00:00:00Z")),
                // A backport published after 2.0.0: not what 2.0.0 followed.
                record("1.2.5", Some("2020-04-01T00:00:00Z")),
                record("2.1.0-beta.1", Some("2020-05-01T00:00:00Z")),
                record("2.1.0", Some("2020-06-01T00:00:00Z")),
            ],
        };
        let computed = compute(Ecosystem::Npm, &document, "2.0.0");
        assert_eq!(computed.previous_version.as_deref(), Some("2.0.0-rc.1"));
        assert_eq!(
            computed.versions_behind,
            Some(1),
            "2.1.0 only: pre-releases do not count"
        );
        let computed = compute(Ecosystem::Npm, &document, "1.2.5");
        assert_eq!(computed.previous_version.as_deref(), Some("1.2.4"));
        assert_eq!(computed.versions_behind, Some(2));
        let computed = compute(Ecosystem::Npm, &document, "1.2.4");
        assert_eq!(computed.previous_version, None);
        assert_eq!(computed.version_count, Some(6));
        assert_eq!(
            computed.first_published,
            "2020-01-01T00:00:00Z".parse().ok(),
            "the earliest release, whatever the order of the document"
        );
    }

    #[test]
    fn unknown_publish_times_fall_back_to_order() {
        let document = Document {
            versions: vec![
                record("0.1.0", None),
                record("0.2.0", Some("2025-01-01T00:00:00Z")),
            ],
            ..Document::default()
        };
        let computed = compute(Ecosystem::CratesIo, &document, "0.2.0");
        assert_eq!(computed.previous_version.as_deref(), Some("0.1.0"));
        assert_eq!(computed.latest.as_deref(), Some("0.2.0"));
        assert_eq!(computed.versions_behind, Some(0));
        assert_eq!(
            computed.first_published, None,
            "a release without a time may be the oldest: the first release is unknown"
        );
        assert_eq!(computed.version_count, Some(2));
    }

    #[test]
    fn pep440_versions_match_by_value() {
        let document = Document {
            latest: Some("1.1".into()),
            versions: vec![
                record("1.0.0", None),
                record("1.1", None),
                record("1.1.dev1", None),
            ],
            ..Document::default()
        };
        let computed = compute(Ecosystem::PyPI, &document, "1.0");
        assert_eq!(computed.removed, None);
        assert_eq!(computed.versions_behind, Some(1));
    }
}
