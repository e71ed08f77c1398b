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
