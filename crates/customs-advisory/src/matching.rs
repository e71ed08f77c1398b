//! OSV's evaluation algorithm, with each ecosystem's version ordering.
//!
//! For each range: if it has `limit` events and the version is not below one of them, the range
//! does not apply; otherwise walk the events sorted by version (`introduced: "0"` first):
//! `introduced <= v` makes it affected, `fixed <= v` unaffected, `last_affected < v` unaffected.
//! A version is affected if any range says so or the `versions` list names it.
//!
//! Versions compare by value ([`Version::cmp_value`]): semver precedence for npm and crates.io
//! (build metadata ignored), PEP 440 for PyPI (`1.0` equals `1.0.0`). Both `SEMVER` and
//! `ECOSYSTEM` ranges are read with the package's ecosystem ordering, which for these three
//! ecosystems is what the databases mean. A package version that does not parse can still match
//! the `versions` list by text, and ranges that affect every version.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use customs_core::{Ecosystem, Severity, Version};

use crate::{Advisory, AdvisoryKind, Affected, Event, Range};

/// An event's version: `Zero` is OSV's `introduced: "0"`, before every version.
#[derive(Debug)]
enum Bound {
    Zero,
    At(Version),
}

impl Bound {
    fn parse(ecosystem: Ecosystem, raw: &str) -> Bound {
        match raw.trim() {
            "0" => Bound::Zero,
            other => Bound::At(Version::new(ecosystem, other)),
        }
    }

    fn cmp(&self, other: &Bound) -> Ordering {
        match (self, other) {
            (Bound::Zero, Bound::Zero) => Ordering::Equal,
            (Bound::Zero, Bound::At(_)) => Ordering::Less,
            (Bound::At(_), Bound::Zero) => Ordering::Greater,
            (Bound::At(a), Bound::At(b)) => a.cmp_value(b),
        }
    }

    /// `version >= self`.
    fn at_or_below(&self, version: &Version) -> bool {
        match self {
            Bound::Zero => true,
            Bound::At(bound) => version.cmp_value(bound) != Ordering::Less,
        }
    }
}

impl Range {
    fn affects(&self, ecosystem: Ecosystem, version: &Version) -> bool {
        let mut limits = self.events.iter().filter_map(|e| match e {
            Event::Limit(limit) => Some(limit),
            _ => None,
        });
        let mut has_limit = false;
        let mut below_a_limit = false;
        for limit in limits.by_ref() {
            has_limit = true;
            if limit.contains('*')
                || version.cmp_value(&Version::new(ecosystem, limit)) == Ordering::Less
            {
                below_a_limit = true;
            }
        }
        if has_limit && !below_a_limit {
            return false;
        }
        let mut events: Vec<(Bound, &Event)> = self
            .events
            .iter()
            .filter(|e| !matches!(e, Event::Limit(_)))
            .map(|e| (Bound::parse(ecosystem, e.version()), e))
            .collect();
        events.sort_by(|(a, _), (b, _)| a.cmp(b));
        let mut vulnerable = false;
        for (bound, event) in &events {
            match event {
                Event::Introduced(_) if bound.at_or_below(version) => vulnerable = true,
                Event::Fixed(_) if bound.at_or_below(version) => vulnerable = false,
                Event::LastAffected(_) => {
                    if let Bound::At(last) = bound
                        && version.cmp_value(last) == Ordering::Greater
                    {
                        vulnerable = false;
                    }
                }
                _ => {}
            }
        }
        vulnerable
    }

    /// `introduced: "0"` (or the lowest version) with nothing after it: every version.
    fn affects_every_version(&self) -> bool {
        let mut introduced_at_start = false;
        for event in &self.events {
            match event {
                Event::Introduced(v) if matches!(v.trim(), "0" | "0.0.0" | "0.0.0-0") => {
                    introduced_at_start = true;
                }
                Event::Introduced(_) => {}
                Event::Limit(v) if v.contains('*') => {}
                Event::Fixed(_) | Event::LastAffected(_) | Event::Limit(_) => return false,
            }
        }
        introduced_at_start
    }
}

impl Affected {
    /// Whether `version` of this package is affected.
    pub fn affects(&self, version: &Version) -> bool {
        if self.affects_every_version() {
            return true;
        }
        let listed = self.versions.iter().any(|listed| {
            listed.trim() == version.as_str()
                || (version.is_parsed()
                    && version.cmp_value(&Version::new(self.ecosystem, listed)) == Ordering::Equal)
        });
        listed
            || (version.is_parsed()
                && self
                    .ranges
                    .iter()
                    .any(|range| range.affects(self.ecosystem, version)))
    }

    /// Whether every version is affected (typical of malicious packages): then a package can be
    /// judged even when its version is unknown.
    pub fn affects_every_version(&self) -> bool {
        self.ranges.iter().any(Range::affects_every_version)
    }

    fn fixed_versions(&self) -> impl Iterator<Item = &str> {
        self.ranges.iter().flat_map(|range| {
            range.events.iter().filter_map(|event| match event {
                Event::Fixed(version) => Some(version.as_str()),
                _ => None,
            })
        })
    }
}

/// The smallest version above `version` that none of `affected` affects, among the versions
/// the advisories name as fixes. `None` when no such fix is known.
pub fn smallest_fix(version: &Version, affected: &[&Affected]) -> Option<String> {
    let ecosystem = affected.first()?.ecosystem;
    let mut candidates: Vec<Version> = affected
        .iter()
        .flat_map(|a| a.fixed_versions())
        .map(|raw| Version::new(ecosystem, raw))
        .filter(|candidate| {
            candidate.is_parsed() && candidate.cmp_value(version) == Ordering::Greater
        })
        .collect();
    candidates.sort_by(Version::cmp_value);
    candidates.dedup_by(|a, b| a.cmp_value(b) == Ordering::Equal);
    candidates
        .into_iter()
        .find(|candidate| !affected.iter().any(|a| a.affects(candidate)))
        .map(|fix| fix.as_str().to_owned())
}

/// Advisories that are the same issue under different ids (GHSA, CVE, PYSEC, …), as one.
#[derive(Debug)]
pub struct AdvisoryGroup<'a> {
    /// The record reported: malicious first, then the ecosystem's own database (MAL, RUSTSEC,
    /// GHSA, PYSEC), then the smallest id.
    pub primary: &'a Advisory,
    pub members: Vec<&'a Advisory>,
    /// Every id of the issue except the primary's, sorted.
    pub aliases: Vec<String>,
    pub kind: AdvisoryKind,
    /// The most severe known severity among the members.
    pub severity: Severity,
}

fn id_rank(id: &str) -> u8 {
    ["MAL-", "RUSTSEC-", "GHSA-", "PYSEC-"]
        .iter()
        .position(|prefix| id.starts_with(prefix))
        .map_or(u8::MAX, |p| u8::try_from(p).unwrap_or(u8::MAX))
}

/// Groups advisories that share an id or alias, transitively.
pub fn group_by_alias<'a>(advisories: &[&'a Advisory]) -> Vec<AdvisoryGroup<'a>> {
    // Union-find over ids: an advisory joins every id it names.
    let mut parent: Vec<usize> = Vec::new();
    let mut slot: HashMap<&str, usize> = HashMap::new();
    fn find(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut slot_of = |id: &'a str, parent: &mut Vec<usize>| -> usize {
        *slot.entry(id).or_insert_with(|| {
            parent.push(parent.len());
            parent.len() - 1
        })
    };
    let mut advisory_slots = Vec::with_capacity(advisories.len());
    for advisory in advisories {
        let own = slot_of(&advisory.id, &mut parent);
        for alias in &advisory.aliases {
            let other = slot_of(alias, &mut parent);
            let (a, b) = (find(&mut parent, own), find(&mut parent, other));
            if a != b {
                parent[b] = a;
            }
        }
        advisory_slots.push(own);
    }
    let mut groups: Vec<(usize, Vec<&'a Advisory>)> = Vec::new();
    for (advisory, own) in advisories.iter().zip(advisory_slots) {
        let root = find(&mut parent, own);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(advisory),
            None => groups.push((root, vec![advisory])),
        }
    }
    groups
        .into_iter()
        .filter_map(|(_, mut members)| {
            members.sort_by(|a, b| {
                (a.kind != AdvisoryKind::Malicious, id_rank(&a.id), &a.id).cmp(&(
                    b.kind != AdvisoryKind::Malicious,
                    id_rank(&b.id),
                    &b.id,
                ))
            });
            let primary = *members.first()?;
            let aliases: BTreeSet<String> = members
                .iter()
                .flat_map(|m| std::iter::once(&m.id).chain(&m.aliases))
                .filter(|id| **id != primary.id)
                .cloned()
                .collect();
            let kind = if members.iter().any(|m| m.kind == AdvisoryKind::Malicious) {
                AdvisoryKind::Malicious
            } else {
                primary.kind
            };
            let severity = members
                .iter()
                .map(|m| m.severity)
                .filter(|s| *s != Severity::Unknown)
                .min()
                .unwrap_or(Severity::Unknown);
            Some(AdvisoryGroup {
                primary,
                members,
                aliases: aliases.into_iter().collect(),
                kind,
                severity,
            })
        })
        .collect()
}

/// Matches one package against the advisories recorded for its name.
#[derive(Debug, Default)]
pub struct Matcher;

/// An advisory group that affects a package, with the fix for it.
#[derive(Debug)]
pub struct Matched<'a> {
    pub group: AdvisoryGroup<'a>,
    /// The smallest version that fixes this issue.
    pub fixed_in: Option<String>,
}

impl Matcher {
    /// The issues affecting `version` (or, when the version is unknown, those affecting every
    /// version) among `candidates`, grouped by alias, with the smallest fix across all of them.
    pub fn matches<'a>(
        ecosystem: Ecosystem,
        key: &str,
        version: Option<&Version>,
        candidates: &'a [Advisory],
    ) -> (Vec<Matched<'a>>, Option<String>) {
        let relevant = |advisory: &'a Advisory| -> Vec<&'a Affected> {
            advisory
                .affected
                .iter()
                .filter(|a| a.ecosystem == ecosystem && a.key == key)
                .collect()
        };
        let hits: Vec<&'a Advisory> = candidates
            .iter()
            .filter(|advisory| {
                relevant(advisory).iter().any(|affected| match version {
                    Some(version) => affected.affects(version),
                    None => affected.affects_every_version(),
                })
            })
            .collect();
        let groups = group_by_alias(&hits);
        let mut all_affected = Vec::new();
        let matched = groups
            .into_iter()
            .map(|group| {
                let affected: Vec<&Affected> =
                    group.members.iter().flat_map(|m| relevant(m)).collect();
                let fixed_in = version.and_then(|v| smallest_fix(v, &affected));
                all_affected.extend(affected);
                Matched { group, fixed_in }
            })
            .collect();
        let package_fix = version.and_then(|v| smallest_fix(v, &all_affected));
        (matched, package_fix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RangeKind;

    fn affected(ecosystem: Ecosystem, ranges: &[&[(&str, &str)]], versions: &[&str]) -> Affected {
        Affected {
            ecosystem,
            name: "pkg".into(),
            key: "pkg".into(),
            ranges: ranges
                .iter()
                .map(|events| Range {
                    kind: if ecosystem == Ecosystem::PyPI {
                        RangeKind::Ecosystem
                    } else {
                        RangeKind::Semver
                    },
                    events: events
                        .iter()
                        .map(|(kind, v)| match *kind {
                            "introduced" => Event::Introduced((*v).into()),
                            "fixed" => Event::Fixed((*v).into()),
                            "last_affected" => Event::LastAffected((*v).into()),
                            "limit" => Event::Limit((*v).into()),
                            other => panic!("{other}"),
                        })
                        .collect(),
                })
                .collect(),
            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
        }
    }

    fn affects(a: &Affected, version: &str) -> bool {
        a.affects(&Version::new(a.ecosystem, version))
    }

    #[test]
    fn introduced_zero_and_fixed() {
        let a = affected(
            Ecosystem::Npm,
            &[&[("introduced", "0"), ("fixed", "4.17.21")]],
            &[],
        );
        assert!(affects(&a, "0.0.1"));
        assert!(affects(&a, "4.17.20"));
        assert!(
            affects(&a, "4.17.21-beta.1"),
            "a pre-release of the fix precedes it"
        );
        assert!(!affects(&a, "4.17.21"));
        assert!(!affects(&a, "5.0.0"));
    }

    #[test]
    fn several_ranges_and_unsorted_events() {
        // Events out of order, two disjoint ranges in one event list, and a second range.
        let a = affected(
            Ecosystem::CratesIo,
            &[
                &[
                    ("fixed", "1.0.2"),
                    ("introduced", "3.0.0"),
                    ("introduced", "1.0.0"),
                    ("fixed", "3.2.5"),
                ],
                &[("introduced", "5.0.0-alpha.1"), ("fixed", "5.0.0")],
            ],
            &[],
        );
        for (version, expected) in [
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.0.1", true),
            ("1.0.2", false),
            ("2.9.9", false),
            ("3.0.0", true),
            ("3.2.4", true),
            ("3.2.5", false),
            ("5.0.0-alpha.0", false),
            ("5.0.0-alpha.1", true),
            ("5.0.0-rc.1", true),
            ("5.0.0", false),
        ] {
            assert_eq!(affects(&a, version), expected, "{version}");
        }
    }

    #[test]
    fn last_affected_is_inclusive() {
        let a = affected(
            Ecosystem::Npm,
            &[&[("introduced", "4.1.1"), ("last_affected", "4.1.2")]],
            &[],
        );
        assert!(!affects(&a, "4.1.0"));
        assert!(affects(&a, "4.1.1"));
        assert!(affects(&a, "4.1.2"));
        assert!(!affects(&a, "4.1.3"));
    }

    #[test]
    fn limit_bounds_the_range() {
        let a = affected(
            Ecosystem::Npm,
            &[&[("introduced", "1.0.0"), ("limit", "2.0.0")]],
            &[],
        );
        assert!(affects(&a, "1.5.0"));
        assert!(!affects(&a, "2.0.0"));
        assert!(!affects(&a, "3.0.0"));
        let open = affected(
            Ecosystem::Npm,
            &[&[("introduced", "1.0.0"), ("limit", "*")]],
            &[],
        );
        assert!(affects(&open, "9.0.0"));
        let several = affected(
            Ecosystem::Npm,
            &[&[
                ("introduced", "1.0.0"),
                ("limit", "1.5.0"),
                ("limit", "3.0.0"),
            ]],
            &[],
        );
        assert!(affects(&several, "2.0.0"), "below one of the limits");
        assert!(!affects(&several, "3.0.0"));
    }

    #[test]
    fn explicit_versions_list() {
        let a = affected(Ecosystem::PyPI, &[], &["8.3.41", "8.3.42", "1.0"]);
        assert!(affects(&a, "8.3.41"));
        assert!(!affects(&a, "8.3.40"));
        assert!(affects(&a, "1.0.0"), "PEP 440 equality: 1.0 == 1.0.0");
        // A version that does not parse still matches by its text.
        let git = affected(Ecosystem::Npm, &[], &["github:a/b#c"]);
        assert!(affects(&git, "github:a/b#c"));
    }

    #[test]
    fn pep440_ordering_in_ecosystem_ranges() {
        let a = affected(
            Ecosystem::PyPI,
            &[&[("introduced", "1.0"), ("fixed", "1.2.post1")]],
            &[],
        );
        for (version, expected) in [
            ("0.9", false),
            ("1.0.dev1", false),
            ("1.0rc1", false),
            ("1.0", true),
            ("1.0.0", true),
            ("1.1+local.7", true),
            ("1.2", true),
            ("1.2.post1", false),
            ("1!0.1", false),
        ] {
            assert_eq!(affects(&a, version), expected, "{version}");
        }
        let epochs = affected(Ecosystem::PyPI, &[&[("introduced", "1!0")]], &[]);
        assert!(affects(&epochs, "1!0.5"));
        assert!(!affects(&epochs, "99.0"), "epoch 0 sorts before epoch 1");
    }

    #[test]
    fn every_version_ranges() {
        for zero in ["0", "0.0.0-0"] {
            let a = affected(Ecosystem::CratesIo, &[&[("introduced", zero)]], &[]);
            assert!(a.affects_every_version());
            assert!(affects(&a, "0.0.0"));
            assert!(
                affects(&a, "not-a-version"),
                "unparseable versions are still covered"
            );
        }
        let fixed = affected(
            Ecosystem::Npm,
            &[&[("introduced", "0"), ("fixed", "1.0.0")]],
            &[],
        );
        assert!(!fixed.affects_every_version());
        assert!(
            !affects(&fixed, "not-a-version"),
            "ranges need a parsed version"
        );
    }

    #[test]
    fn smallest_fix_covers_every_advisory() {
        let v = |s| Version::new(Ecosystem::Npm, s);
        let first = affected(
            Ecosystem::Npm,
            &[
                &[("introduced", "0"), ("fixed", "1.2.0")],
                &[("introduced", "2.0.0"), ("fixed", "2.0.3")],
            ],
            &[],
        );
        let second = affected(
            Ecosystem::Npm,
            &[&[("introduced", "1.1.0"), ("fixed", "1.3.0")]],
            &[],
        );
        assert_eq!(
            smallest_fix(&v("1.1.5"), &[&first]).as_deref(),
            Some("1.2.0")
        );
        assert_eq!(
            smallest_fix(&v("1.1.5"), &[&first, &second]).as_deref(),
            Some("1.3.0")
        );
        assert_eq!(
            smallest_fix(&v("2.0.1"), &[&first, &second]).as_deref(),
            Some("2.0.3")
        );
        let unfixed = affected(Ecosystem::Npm, &[&[("introduced", "0")]], &[]);
        assert_eq!(smallest_fix(&v("1.0.0"), &[&first, &unfixed]), None);
        // A fix that a later range re-opens is skipped for the next one.
        let reopened = affected(
            Ecosystem::Npm,
            &[&[
                ("introduced", "0"),
                ("fixed", "1.0.0"),
                ("introduced", "1.0.0"),
                ("fixed", "1.5.0"),
            ]],
            &[],
        );
        assert_eq!(
            smallest_fix(&v("0.5.0"), &[&reopened]).as_deref(),
            Some("1.5.0")
        );
    }

    fn advisory(
        id: &str,
        aliases: &[&str],
        kind: AdvisoryKind,
        severity: Severity,
        a: Affected,
    ) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: aliases.iter().map(|s| (*s).to_owned()).collect(),
            summary: None,
            kind,
            severity,
            cvss: None,
            score: None,
            published: None,
            modified: None,
            url: None,
            affected: vec![a],
        }
    }

    #[test]
    fn aliases_are_merged_transitively_and_reported_once() {
        let range = || {
            affected(
                Ecosystem::PyPI,
                &[&[("introduced", "0"), ("fixed", "2.0")]],
                &[],
            )
        };
        let ghsa = advisory(
            "GHSA-x",
            &["CVE-2024-1"],
            AdvisoryKind::Vulnerability,
            Severity::High,
            range(),
        );
        let pysec = advisory(
            "PYSEC-2024-9",
            &["CVE-2024-1"],
            AdvisoryKind::Vulnerability,
            Severity::Unknown,
            range(),
        );
        let via = advisory(
            "OSV-1",
            &["PYSEC-2024-9"],
            AdvisoryKind::Vulnerability,
            Severity::Low,
            range(),
        );
        let other = advisory(
            "PYSEC-2024-10",
            &[],
            AdvisoryKind::Vulnerability,
            Severity::Unknown,
            range(),
        );
        let candidates = vec![pysec, other, ghsa, via];
        let (matched, fix) = Matcher::matches(
            Ecosystem::PyPI,
            "pkg",
            Some(&Version::new(Ecosystem::PyPI, "1.0")),
            &candidates,
        );
        assert_eq!(matched.len(), 2);
        let merged = matched.iter().find(|m| m.group.members.len() == 3).unwrap();
        assert_eq!(merged.group.primary.id, "GHSA-x");
        assert_eq!(
            merged.group.aliases,
            ["CVE-2024-1", "OSV-1", "PYSEC-2024-9"]
        );
        assert_eq!(
            merged.group.severity,
            Severity::High,
            "the most severe known severity"
        );
        assert_eq!(merged.fixed_in.as_deref(), Some("2.0"));
        assert_eq!(fix.as_deref(), Some("2.0"));
    }

    #[test]
    fn malicious_records_lead_their_group_and_match_unknown_versions() {
        let every = || affected(Ecosystem::Npm, &[&[("introduced", "0")]], &[]);
        let mal = advisory(
            "MAL-2025-1",
            &["GHSA-m"],
            AdvisoryKind::Malicious,
            Severity::Critical,
            every(),
        );
        let ghsa = advisory(
            "GHSA-m",
            &[],
            AdvisoryKind::Vulnerability,
            Severity::Critical,
            every(),
        );
        let ranged = advisory(
            "GHSA-r",
            &[],
            AdvisoryKind::Vulnerability,
            Severity::High,
            affected(
                Ecosystem::Npm,
                &[&[("introduced", "0"), ("fixed", "1.0.0")]],
                &[],
            ),
        );
        let candidates = vec![ghsa, mal, ranged];
        let (matched, _) = Matcher::matches(Ecosystem::Npm, "pkg", None, &candidates);
        assert_eq!(
            matched.len(),
            1,
            "without a version only every-version advisories apply"
        );
        assert_eq!(matched[0].group.primary.id, "MAL-2025-1");
        assert_eq!(matched[0].group.kind, AdvisoryKind::Malicious);
        assert_eq!(matched[0].fixed_in, None);
    }

    #[test]
    fn other_packages_entries_do_not_match() {
        let mut a = affected(Ecosystem::Npm, &[&[("introduced", "0")]], &[]);
        a.key = "other".into();
        let candidates = vec![advisory(
            "GHSA-o",
            &[],
            AdvisoryKind::Vulnerability,
            Severity::Low,
            a,
        )];
        let (matched, _) = Matcher::matches(
            Ecosystem::Npm,
            "pkg",
            Some(&Version::new(Ecosystem::Npm, "1.0.0")),
            &candidates,
        );
        assert!(matched.is_empty());
    }
}
