//! The OSV record format (<https://ossf.github.io/osv-schema/>), read into [`Advisory`].
//!
//! Quirks handled here:
//! - `withdrawn` records are recognised and not returned as advisories;
//! - only `affected` entries for `npm`, `PyPI` and `crates.io` are kept, with names normalised
//!   to each registry's equality (PEP 503 for PyPI, `-`/`_` and case for crates.io);
//! - `GIT` ranges are dropped: customs matches released versions, and every OSV database that
//!   writes GIT ranges for these ecosystems also writes `ECOSYSTEM` ranges or `versions`;
//! - kind: `MAL-` ids and RustSec's `categories: ["malicious"]` are malicious; RustSec's
//!   `informational` (`unmaintained`, `unsound`, anything else) are kept apart from
//!   vulnerabilities;
//! - severity: the highest CVSS v4, else v3, else v2 base score of the record and its affected
//!   entries, else `database_specific.severity`, else unknown. Malicious is always critical.

use std::str::FromStr;

use customs_core::{Ecosystem, PackageName, Severity};
use serde::{Deserialize, Deserializer};

use crate::{Advisory, AdvisoryKind, Affected, Event, Range, RangeKind};

/// What one OSV record turns into.
#[derive(Debug)]
pub enum Record {
    Advisory(Box<Advisory>),
    /// The record was withdrawn; it must not match anything.
    Withdrawn {
        id: String,
    },
    /// The record names no npm, PyPI or crates.io package.
    OtherEcosystems {
        id: String,
    },
}

#[derive(Debug, thiserror::Error)]
#[error("invalid OSV record")]
pub struct OsvError(#[source] serde_json::Error);

/// Parses one OSV JSON record.
pub fn parse(json: &[u8]) -> Result<Record, OsvError> {
    let record: Wire = serde_json::from_slice(json).map_err(OsvError)?;
    Ok(convert(record))
}

fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Deserialize)]
struct Wire {
    id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    aliases: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    withdrawn: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    severity: Vec<WireSeverity>,
    #[serde(default, deserialize_with = "null_as_default")]
    affected: Vec<WireAffected>,
    #[serde(default, deserialize_with = "null_as_default")]
    references: Vec<WireReference>,
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct WireAffected {
    package: Option<WirePackage>,
    #[serde(default, deserialize_with = "null_as_default")]
    ranges: Vec<WireRange>,
    #[serde(default, deserialize_with = "null_as_default")]
    versions: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    severity: Vec<WireSeverity>,
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WirePackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default, deserialize_with = "null_as_default")]
    events: Vec<WireEvent>,
}

#[derive(Deserialize)]
struct WireEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Deserialize)]
struct WireReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
}

fn ecosystem(name: &str) -> Option<Ecosystem> {
    match name {
        "npm" => Some(Ecosystem::Npm),
        "PyPI" => Some(Ecosystem::PyPI),
        "crates.io" => Some(Ecosystem::CratesIo),
        _ => None,
    }
}

fn convert(wire: Wire) -> Record {
    if wire.withdrawn.is_some() {
        return Record::Withdrawn { id: wire.id };
    }
    let kind = kind(&wire);
    let affected: Vec<Affected> = wire.affected.iter().filter_map(affected).collect();
    if affected.is_empty() {
        return Record::OtherEcosystems { id: wire.id };
    }
    let (severity, cvss, score) = if kind == AdvisoryKind::Malicious {
        (Severity::Critical, None, None)
    } else {
        severity(&wire)
    };
    let mut aliases: Vec<String> = wire
        .aliases
        .iter()
        .filter(|alias| **alias != wire.id && !alias.trim().is_empty())
        .cloned()
        .collect();
    aliases.sort();
    aliases.dedup();
    let summary = wire
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            wire.details.as_deref().and_then(|d| {
                d.lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with("---"))
            })
        })
        .map(|s| truncate(s, 300));
    let url = reference_url(&wire);
    Record::Advisory(Box::new(Advisory {
        id: wire.id,
        aliases,
        summary,
        kind,
        severity,
        cvss,
        score,
        published: wire.published,
        modified: wire.modified,
        url,
        affected,
    }))
}

fn truncate(text: &str, limit: usize) -> String {
    match text.char_indices().nth(limit) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// RustSec titles its malicious-crate notices "`x` was removed from crates.io for malicious
/// code" (or "due to …", "due to affiliation with …"); not every one carries the `malicious`
/// category, so the title decides too. The phrase is specific: advisories that merely mention
/// malicious input are vulnerabilities.
fn removed_for_malicious_code(wire: &Wire) -> bool {
    wire.id.starts_with("RUSTSEC-")
        && wire.summary.as_deref().is_some_and(|summary| {
            let summary = summary.to_ascii_lowercase();
            summary.contains("removed from crates.io") && summary.contains("malicious code")
        })
}

fn kind(wire: &Wire) -> AdvisoryKind {
    if wire.id.starts_with("MAL-") || removed_for_malicious_code(wire) {
        return AdvisoryKind::Malicious;
    }
    let specifics = wire
        .affected
        .iter()
        .filter_map(|a| a.database_specific.as_ref());
    let mut informational = None;
    for specific in specifics {
        let malicious = specific
            .get("categories")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|categories| categories.iter().any(|c| c.as_str() == Some("malicious")));
        if malicious {
            return AdvisoryKind::Malicious;
        }
        if let Some(kind) = specific
            .get("informational")
            .and_then(serde_json::Value::as_str)
        {
            informational.get_or_insert(match kind {
                "unmaintained" => AdvisoryKind::Unmaintained,
                "unsound" => AdvisoryKind::Unsound,
                _ => AdvisoryKind::Notice,
            });
        }
    }
    informational.unwrap_or(AdvisoryKind::Vulnerability)
}

fn affected(wire: &WireAffected) -> Option<Affected> {
    let package = wire.package.as_ref()?;
    let ecosystem = ecosystem(&package.ecosystem)?;
    let key = PackageName::new(ecosystem, package.name.trim())
        .ok()?
        .match_key(ecosystem);
    let ranges = wire
        .ranges
        .iter()
        .filter_map(|range| {
            let kind = match range.kind.as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                _ => return None,
            };
            let events = range
                .events
                .iter()
                .filter_map(|e| {
                    // The schema allows one key per event; a malformed event with several is
                    // read by its first key, in the order the schema lists them.
                    e.introduced
                        .clone()
                        .map(Event::Introduced)
                        .or_else(|| e.fixed.clone().map(Event::Fixed))
                        .or_else(|| e.last_affected.clone().map(Event::LastAffected))
                        .or_else(|| e.limit.clone().map(Event::Limit))
                })
                .collect();
            Some(Range { kind, events })
        })
        .collect();
    Some(Affected {
        ecosystem,
        name: package.name.trim().to_owned(),
        key,
        ranges,
        versions: wire.versions.clone(),
    })
}

/// The severity, and the CVSS vector and score it came from.
fn severity(wire: &Wire) -> (Severity, Option<String>, Option<f64>) {
    let entries = wire
        .severity
        .iter()
        .chain(wire.affected.iter().flat_map(|a| a.severity.iter()));
    let mut best: Option<(u8, f64, &str)> = None;
    for entry in entries {
        let scored = match entry.kind.as_str() {
            "CVSS_V4" => cvss::v4::Vector::from_str(&entry.score)
                .ok()
                .map(|v| (4, v.score().value())),
            "CVSS_V3" => cvss::v3::Vector::from_str(&entry.score)
                .ok()
                .map(|v| (3, v.base_score().value())),
            "CVSS_V2" => cvss::v2::Vector::from_str(&entry.score)
                .ok()
                .map(|v| (2, v.score().value())),
            _ => None,
        };
        if let Some((version, score)) = scored {
            let better = best.is_none_or(|(best_version, best_score, _)| {
                (version, score) > (best_version, best_score)
            });
            if better {
                best = Some((version, score, &entry.score));
            }
        }
    }
    if let Some((_, score, vector)) = best {
        return (
            Severity::from_score(score),
            Some(vector.to_owned()),
            Some(score),
        );
    }
    let label = wire
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(serde_json::Value::as_str)
        .or_else(|| {
            wire.affected.iter().find_map(|a| {
                a.database_specific
                    .as_ref()
                    .and_then(|d| d.get("severity"))
                    .and_then(serde_json::Value::as_str)
            })
        });
    (
        label
            .and_then(Severity::from_label)
            .unwrap_or(Severity::Unknown),
        None,
        None,
    )
}

fn reference_url(wire: &Wire) -> Option<String> {
    let by_kind = |kind: &str| {
        wire.references
            .iter()
            .filter(|r| r.kind.as_deref() == Some(kind))
            .filter_map(|r| r.url.as_deref())
            .find(|url| url.starts_with("https://") || url.starts_with("http://"))
    };
    by_kind("ADVISORY")
        .or_else(|| by_kind("WEB"))
        .map(str::to_owned)
        .or_else(|| Some(format!("https://osv.dev/vulnerability/{}", wire.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(json: &str) -> Advisory {
        match parse(json.as_bytes()).unwrap() {
            Record::Advisory(advisory) => *advisory,
            other => panic!("expected an advisory, got {other:?}"),
        }
    }

    #[test]
    fn vulnerability_with_cvss_v3_and_aliases() {
        let a = advisory(
            r#"{"id": "GHSA-aaaa", "aliases": ["CVE-2021-1", "GHSA-aaaa", "CVE-2021-1"],
                "summary": "  Prototype pollution  ",
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
                "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
                              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]},
                                         {"type": "GIT", "repo": "x", "events": [{"introduced": "abc"}]}]},
                             {"package": {"ecosystem": "RubyGems", "name": "lodash-rails"}}],
                "references": [{"type": "WEB", "url": "https://example.com/web"},
                               {"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-aaaa"}]}"#,
        );
        assert_eq!(a.kind, AdvisoryKind::Vulnerability);
        assert_eq!(a.aliases, ["CVE-2021-1"]);
        assert_eq!(a.summary.as_deref(), Some("Prototype pollution"));
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.score, Some(9.8));
        assert_eq!(a.affected.len(), 1);
        assert_eq!(a.affected[0].ranges.len(), 1, "GIT ranges are dropped");
        assert_eq!(
            a.url.as_deref(),
            Some("https://github.com/advisories/GHSA-aaaa")
        );
    }

    #[test]
    fn cvss_v4_wins_over_v3_and_labels_are_the_fallback() {
        let a = advisory(
            r#"{"id": "PYSEC-1",
                "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                             {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N"}],
                "affected": [{"package": {"ecosystem": "PyPI", "name": "Django"}, "versions": ["1.0"]}]}"#,
        );
        assert_eq!(
            a.cvss.as_deref(),
            Some("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N")
        );
        assert_eq!(a.severity, Severity::Medium);
        assert_eq!(a.affected[0].key, "django");

        let labelled = advisory(
            r#"{"id": "GHSA-b", "database_specific": {"severity": "MODERATE"},
                "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "versions": ["1.0.0"]}]}"#,
        );
        assert_eq!(labelled.severity, Severity::Medium);

        let unknown = advisory(
            r#"{"id": "PYSEC-2", "affected": [{"package": {"ecosystem": "PyPI", "name": "x"}, "versions": ["1"]}]}"#,
        );
        assert_eq!(unknown.severity, Severity::Unknown, "never low by default");
        assert_eq!(
            unknown.url.as_deref(),
            Some("https://osv.dev/vulnerability/PYSEC-2")
        );
    }

    #[test]
    fn kinds() {
        let malicious = advisory(
            r#"{"id": "MAL-2025-1", "affected": [{"package": {"ecosystem": "npm", "name": "evil"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#,
        );
        assert_eq!(
            (malicious.kind, malicious.severity),
            (AdvisoryKind::Malicious, Severity::Critical)
        );
        let removed = advisory(
            r#"{"id": "RUSTSEC-2025-0156", "summary": "`x` was removed from crates.io for malicious code",
                "affected": [{"package": {"ecosystem": "crates.io", "name": "x"},
                "database_specific": {"categories": ["malicious"], "informational": null}}]}"#,
        );
        assert_eq!(removed.kind, AdvisoryKind::Malicious);
        // Some notices carry no category: the title decides (RUSTSEC-2026-0263).
        let by_title = advisory(
            r#"{"id": "RUSTSEC-2026-0263", "summary": "`tinymember` was removed from crates.io due to affiliation with malicious code",
                "affected": [{"package": {"ecosystem": "crates.io", "name": "tinymember"},
                "database_specific": {"categories": [], "informational": null}}]}"#,
        );
        assert_eq!(by_title.kind, AdvisoryKind::Malicious);
        let mentions = advisory(
            r#"{"id": "RUSTSEC-2020-1", "summary": "Malicious input can cause a panic",
                "affected": [{"package": {"ecosystem": "crates.io", "name": "x"}}]}"#,
        );
        assert_eq!(mentions.kind, AdvisoryKind::Vulnerability);
        for (informational, kind) in [
            ("unmaintained", AdvisoryKind::Unmaintained),
            ("unsound", AdvisoryKind::Unsound),
            ("notice", AdvisoryKind::Notice),
        ] {
            let a = advisory(&format!(
                r#"{{"id": "RUSTSEC-1", "affected": [{{"package": {{"ecosystem": "crates.io", "name": "Foo_Bar"}},
                    "database_specific": {{"informational": "{informational}"}}}}]}}"#
            ));
            assert_eq!(a.kind, kind);
            assert_eq!(a.affected[0].key, "foo-bar");
        }
    }

    #[test]
    fn withdrawn_and_foreign_records() {
        assert!(matches!(
            parse(br#"{"id": "GHSA-w", "withdrawn": "2024-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "npm", "name": "x"}}]}"#).unwrap(),
            Record::Withdrawn { .. }
        ));
        assert!(matches!(
            parse(
                br#"{"id": "GO-1", "affected": [{"package": {"ecosystem": "Go", "name": "x"}}]}"#
            )
            .unwrap(),
            Record::OtherEcosystems { .. }
        ));
        assert!(parse(b"{not json").is_err());
        assert!(parse(br#"{"aliases": []}"#).is_err(), "id is required");
        // Nulls where lists belong are tolerated.
        assert!(matches!(
            parse(br#"{"id": "X", "aliases": null, "affected": [{"package": {"ecosystem": "npm", "name": "x"}, "ranges": null, "versions": null}]}"#).unwrap(),
            Record::Advisory(_)
        ));
    }
}
