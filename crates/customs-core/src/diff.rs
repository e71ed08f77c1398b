//! What a change does to the packages a project locks: per lockfile, the packages it adds,
//! removes and changes, and for each package it brings in, the direct dependency that pulls it
//! in. Then which findings concern those packages.
//!
//! Lockfiles pair by their path and ecosystem (an SBOM gives one report per ecosystem under one
//! path); a lockfile only one side has counts every package of it as added or removed. Within a
//! lockfile, packages pair by name, and the project's own packages (workspace members, path and
//! link dependencies) are left out: they are the change's own code, which review sees, not
//! something crossing in.
//!
//! The pairing rule for one name, which matters where a lockfile holds several versions of it
//! (npm nests copies; Cargo.lock and uv.lock keep one per semver-incompatible requirement):
//! 1. a package in both (same version and source) is unchanged;
//! 2. the rest pair within a compatibility line (the same semver major, or `0.minor`, or
//!    `0.0.patch`; the same PEP 440 epoch and major), newest with newest, so `1.2.0 → 1.3.0`
//!    is one change even beside an untouched `2.x`;
//! 3. a name locked once on each side is one change whatever the versions (a major upgrade);
//! 4. whatever is left is added or removed: with several versions on a side, a version of
//!    another line is a copy added or removed, not an upgrade of a version of the other side.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::Serialize;

use crate::{
    Ecosystem, Finding, Inventory, LockfileReport, Package, PackageName, Scope, Source, Version,
};

/// How a package differs between the base and the head.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    /// Another version or source of a package of the same name in the same lockfile.
    Changed,
    Removed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Removed => "removed",
        }
    }
}

/// A package as one side has it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageState {
    pub version: Option<Version>,
    pub source: Source,
    pub purl: String,
    pub scope: Option<Scope>,
    pub direct: bool,
}

impl PackageState {
    fn of(package: &Package) -> Self {
        Self {
            version: package.version.clone(),
            source: package.source.clone(),
            purl: package.purl(),
            scope: package.scope,
            direct: package.direct,
        }
    }
}

/// A package of the head, named as a person reads it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct PackageLabel {
    pub name: PackageName,
    pub version: Option<Version>,
}

impl std::fmt::Display for PackageLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version {
            Some(version) => write!(f, "{}@{version}", self.name),
            None => write!(f, "{}", self.name),
        }
    }
}

/// One package the change adds, removes or changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PackageChange {
    pub kind: ChangeKind,
    /// The lockfile's path, as the inventory shows it.
    pub lockfile: String,
    pub ecosystem: Ecosystem,
    pub name: PackageName,
    /// At the base; `None` when added.
    pub before: Option<PackageState>,
    /// At the head; `None` when removed.
    pub after: Option<PackageState>,
    /// For an added or changed package, the direct dependency of the head whose shortest
    /// dependency path reaches it: the package itself when it is direct. `None` when removed,
    /// or when no direct dependency reaches it (the lockfile does not say what is direct).
    pub introduced_by: Option<PackageLabel>,
}

/// Every package change between two inventories of the same paths, sorted by lockfile,
/// ecosystem, name and version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InventoryDiff {
    pub changes: Vec<PackageChange>,
}

impl InventoryDiff {
    /// What changed from `base` to `head`.
    pub fn compare(base: &Inventory, head: &Inventory) -> Self {
        let reports = |inventory: &'_ Inventory| -> BTreeMap<(String, Ecosystem), usize> {
            inventory
                .lockfiles
                .iter()
                .enumerate()
                .map(|(index, report)| ((report.path.clone(), report.ecosystem), index))
                .collect()
        };
        let base_reports = reports(base);
        let head_reports = reports(head);
        let keys: BTreeSet<&(String, Ecosystem)> =
            base_reports.keys().chain(head_reports.keys()).collect();
        let mut changes = Vec::new();
        for key in keys {
            let before = base_reports.get(key).and_then(|&i| base.lockfiles.get(i));
            let after = head_reports.get(key).and_then(|&i| head.lockfiles.get(i));
            compare_lockfile(&key.0, key.1, before, after, &mut changes);
        }
        changes.sort_by(|a, b| {
            (
                &a.lockfile,
                a.ecosystem,
                &a.name,
                a.kind,
                &a.before,
                &a.after,
            )
                .cmp(&(
                    &b.lockfile,
                    b.ecosystem,
                    &b.name,
                    b.kind,
                    &b.before,
                    &b.after,
                ))
        });
        Self { changes }
    }

    /// How many changes are of `kind`.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// The packages of the head the change brings in (added, or changed to), as (lockfile,
    /// purl): how a finding names its package.
    /// (lockfile path, purl) of every package the change adds or changes.
    pub fn introduced(&self) -> HashSet<(&str, &str)> {
        self.changes
            .iter()
            .filter_map(|change| {
                let after = change.after.as_ref()?;
                Some((change.lockfile.as_str(), after.purl.as_str()))
            })
            .collect()
    }
}

/// Findings sorted by what a change has to do with them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiffFindings {
    /// About packages the change adds or changes, and about the check itself (a missing
    /// advisory database, an unused ignore entry).
    pub introduced: Vec<Finding>,
    /// Malicious packages the change did not bring in: already present at the base, and
    /// reported (and judged) all the same, since every machine that installs the project runs
    /// them.
    pub pre_existing: Vec<Finding>,
    /// Findings left out: about packages the change did not touch.
    pub unchanged: usize,
}

impl DiffFindings {
    /// Every finding reported, introduced first.
    pub fn all(&self) -> impl Iterator<Item = &Finding> + Clone {
        self.introduced.iter().chain(&self.pre_existing)
    }
}

/// Keeps the findings that concern what the change brings in (see [`DiffFindings`]). Works on
/// findings of any check that names packages as [`crate::FindingPackage`] does.
pub fn filter_findings(findings: Vec<Finding>, diff: &InventoryDiff) -> DiffFindings {
    let introduced_packages = diff.introduced();
    let changed_lockfiles: std::collections::HashSet<&str> = introduced_packages
        .iter()
        .map(|&(lockfile, _)| lockfile)
        .collect();
    let mut result = DiffFindings::default();
    for finding in findings {
        let introduced = match &finding.package {
            Some(package) => {
                introduced_packages.contains(&(package.lockfile.as_str(), package.purl.as_str()))
            }
            // A finding about a whole lockfile (none of its downloads has a digest) concerns
            // the change when the change adds to that file; other findings about the run
            // itself (missing or stale advisories, ignore entries) always do.
            None if finding.code == crate::Code::MissingIntegrity => finding
                .locations
                .iter()
                .any(|location| changed_lockfiles.contains(location.path.as_str())),
            None => true,
        };
        if introduced {
            result.introduced.push(finding);
        } else if finding.code == crate::Code::Malicious {
            result.pre_existing.push(finding);
        } else {
            result.unchanged += 1;
        }
    }
    result
}

/// The changes of one lockfile (either side may be missing).
fn compare_lockfile(
    lockfile: &str,
    ecosystem: Ecosystem,
    base: Option<&LockfileReport>,
    head: Option<&LockfileReport>,
    changes: &mut Vec<PackageChange>,
) {
    let base_names = by_name(base);
    let head_names = by_name(head);
    let names: BTreeSet<&PackageName> = base_names
        .keys()
        .chain(head_names.keys())
        .copied()
        .collect();
    // Computed once per lockfile, and only when something was brought in.
    let mut paths: Option<Vec<Vec<usize>>> = None;
    for name in names {
        let before: Vec<&Package> = packages(base, base_names.get(name));
        let after: Vec<(usize, &Package)> = head_names
            .get(name)
            .into_iter()
            .flatten()
            .filter_map(|&i| Some((i, head?.packages.get(i)?)))
            .collect();
        for (old, new) in pair(&before, &after) {
            let kind = match (old, new) {
                (Some(_), Some(_)) => ChangeKind::Changed,
                (None, Some(_)) => ChangeKind::Added,
                (Some(_), None) => ChangeKind::Removed,
                (None, None) => continue,
            };
            let introduced_by = match (new, head) {
                (Some((index, _)), Some(report)) => {
                    let paths = paths.get_or_insert_with(|| report.paths_from_direct());
                    introducer(report, paths, index)
                }
                _ => None,
            };
            changes.push(PackageChange {
                kind,
                lockfile: lockfile.to_owned(),
                ecosystem,
                name: name.clone(),
                before: old.map(PackageState::of),
                after: new.map(|(_, package)| PackageState::of(package)),
                introduced_by,
            });
        }
    }
}

/// The indices of a report's packages by name, leaving the project's own packages out.
fn by_name(report: Option<&LockfileReport>) -> BTreeMap<&PackageName, Vec<usize>> {
    let mut names: BTreeMap<&PackageName, Vec<usize>> = BTreeMap::new();
    for (index, package) in report.iter().flat_map(|r| r.packages.iter().enumerate()) {
        if !package.is_local() {
            names.entry(&package.name).or_default().push(index);
        }
    }
    names
}

fn packages<'a>(
    report: Option<&'a LockfileReport>,
    indices: Option<&Vec<usize>>,
) -> Vec<&'a Package> {
    indices
        .into_iter()
        .flatten()
        .filter_map(|&i| report?.packages.get(i))
        .collect()
}

/// The direct package at the start of the shortest path to `index`, or the package itself when
/// it is direct.
fn introducer(report: &LockfileReport, paths: &[Vec<usize>], index: usize) -> Option<PackageLabel> {
    let package = report.packages.get(index)?;
    let direct = match paths.get(index).and_then(|chain| chain.first()) {
        Some(&first) => report.packages.get(first)?,
        None if package.direct => package,
        None => return None,
    };
    Some(PackageLabel {
        name: direct.name.clone(),
        version: direct.version.clone(),
    })
}

type Pair<'a> = (Option<&'a Package>, Option<(usize, &'a Package)>);

/// The versions of one name at the base and at the head, paired by the rule of the module docs.
fn pair<'a>(before: &[&'a Package], after: &[(usize, &'a Package)]) -> Vec<Pair<'a>> {
    let kept: HashSet<String> = before.iter().map(|p| p.purl()).collect();
    let head: HashSet<String> = after.iter().map(|(_, p)| p.purl()).collect();
    let mut old: Vec<&Package> = before
        .iter()
        .copied()
        .filter(|p| !head.contains(&p.purl()))
        .collect();
    let mut new: Vec<(usize, &Package)> = after
        .iter()
        .copied()
        .filter(|(_, p)| !kept.contains(&p.purl()))
        .collect();
    // Newest first, so that within a line the newest versions pair.
    old.sort_by(|a, b| (&b.version, &b.source).cmp(&(&a.version, &a.source)));
    new.sort_by(|(_, a), (_, b)| (&b.version, &b.source).cmp(&(&a.version, &a.source)));

    let mut pairs: Vec<Pair<'a>> = Vec::new();
    let mut old_left: Vec<&Package> = Vec::new();
    let mut new_taken = vec![false; new.len()];
    for package in old {
        let wanted = line(package.version.as_ref());
        let partner = new.iter().enumerate().find(|(i, (_, p))| {
            !new_taken.get(*i).copied().unwrap_or(true) && line(p.version.as_ref()) == wanted
        });
        match partner {
            Some((i, &(index, p))) => {
                if let Some(taken) = new_taken.get_mut(i) {
                    *taken = true;
                }
                pairs.push((Some(package), Some((index, p))));
            }
            None => old_left.push(package),
        }
    }
    let new_left: Vec<(usize, &Package)> = new
        .iter()
        .zip(&new_taken)
        .filter(|(_, taken)| !**taken)
        .map(|(entry, _)| *entry)
        .collect();
    let locked_once = before.len() == 1 && after.len() == 1;
    if let ([package], [entry], true) = (old_left.as_slice(), new_left.as_slice(), locked_once) {
        pairs.push((Some(*package), Some(*entry)));
    } else {
        pairs.extend(old_left.into_iter().map(|p| (Some(p), None)));
        pairs.extend(new_left.into_iter().map(|entry| (None, Some(entry))));
    }
    pairs
}

/// The versions one upgrade moves between without breaking its users: semver's caret range,
/// PEP 440's epoch and major.
#[derive(Debug, PartialEq, Eq)]
enum Line<'a> {
    Semver(u64, u64, u64),
    Pep440(u64, u64),
    Unparsed(&'a str),
    Unversioned,
}

fn line(version: Option<&Version>) -> Line<'_> {
    let Some(version) = version else {
        return Line::Unversioned;
    };
    if let Some(semver) = version.semver() {
        return match (semver.major, semver.minor) {
            (0, 0) => Line::Semver(0, 0, semver.patch),
            (0, minor) => Line::Semver(0, minor, 0),
            (major, _) => Line::Semver(major, 0, 0),
        };
    }
    if let Some(pep440) = version.pep440() {
        return Line::Pep440(
            pep440.epoch(),
            pep440.release().first().copied().unwrap_or(0),
        );
    }
    Line::Unparsed(version.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, FindingPackage};

    fn package(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, version)),
            Source::registry(ecosystem),
        )
    }

    fn npm(name: &str, version: &str) -> Package {
        package(Ecosystem::Npm, name, version)
    }

    fn inventory(path: &str, ecosystem: Ecosystem, packages: Vec<Package>) -> Inventory {
        Inventory {
            lockfiles: vec![LockfileReport {
                path: path.to_owned(),
                format: "test".to_owned(),
                ecosystem,
                packages,
            }],
            ..Inventory::default()
        }
    }

    /// One line per change: `kind name before -> after via introducer`.
    fn lines(diff: &InventoryDiff) -> Vec<String> {
        let version = |state: &Option<PackageState>| match state {
            Some(PackageState {
                version: Some(version),
                source,
                ..
            }) => format!("{version}/{}", source.kind()),
            Some(state) => format!("-/{}", state.source.kind()),
            None => "none".to_owned(),
        };
        diff.changes
            .iter()
            .map(|change| {
                let via = change
                    .introduced_by
                    .as_ref()
                    .map_or_else(|| "-".to_owned(), ToString::to_string);
                format!(
                    "{} {} {} {} -> {} via {via}",
                    change.lockfile,
                    change.kind.as_str(),
                    change.name,
                    version(&change.before),
                    version(&change.after),
                )
            })
            .collect()
    }

    #[test]
    fn several_versions_of_a_name_pair_within_their_line() {
        let base = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![
                npm("debug", "2.6.9"),
                npm("debug", "4.3.1"),
                npm("debug", "4.3.4"),
                npm("ms", "0.7.1"),
                npm("ms", "2.1.2"),
                npm("semver", "5.7.1"),
            ],
        );
        let head = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![
                npm("debug", "2.6.9"),
                npm("debug", "4.3.7"),
                npm("debug", "4.4.0"),
                npm("ms", "0.7.3"),
                npm("ms", "3.0.0"),
                npm("semver", "7.6.0"),
            ],
        );
        assert_eq!(
            lines(&InventoryDiff::compare(&base, &head)),
            [
                // Within 4.x, newest with newest; 2.6.9 is untouched.
                "package-lock.json changed debug 4.3.1/registry -> 4.3.7/registry via -",
                "package-lock.json changed debug 4.3.4/registry -> 4.4.0/registry via -",
                // 0.7.x is its own line; 2.x and 3.x are copies removed and added.
                "package-lock.json added ms none -> 3.0.0/registry via -",
                "package-lock.json changed ms 0.7.1/registry -> 0.7.3/registry via -",
                "package-lock.json removed ms 2.1.2/registry -> none via -",
                // Locked once on each side: a major upgrade is one change.
                "package-lock.json changed semver 5.7.1/registry -> 7.6.0/registry via -",
            ]
        );
    }

    #[test]
    fn zero_major_versions_and_pep440_have_their_own_lines() {
        assert_eq!(
            line(Some(&Version::new(Ecosystem::CratesIo, "0.3.9"))),
            line(Some(&Version::new(Ecosystem::CratesIo, "0.3.1")))
        );
        assert_ne!(
            line(Some(&Version::new(Ecosystem::CratesIo, "0.3.9"))),
            line(Some(&Version::new(Ecosystem::CratesIo, "0.4.0")))
        );
        assert_ne!(
            line(Some(&Version::new(Ecosystem::Npm, "0.0.1"))),
            line(Some(&Version::new(Ecosystem::Npm, "0.0.2")))
        );
        assert_eq!(
            line(Some(&Version::new(Ecosystem::PyPI, "2.31.0"))),
            line(Some(&Version::new(Ecosystem::PyPI, "2.0")))
        );
        assert_ne!(
            line(Some(&Version::new(Ecosystem::PyPI, "1!2.0"))),
            line(Some(&Version::new(Ecosystem::PyPI, "2.0")))
        );
        assert_eq!(line(None), Line::Unversioned);
    }

    #[test]
    fn a_new_source_is_a_change_and_local_packages_are_left_out() {
        let mut from_git = npm("tool", "1.0.0");
        from_git.source = Source::Git {
            url: "https://github.com/acme/tool".to_owned(),
            commit: Some("0123abc".to_owned()),
            reference: None,
        };
        let mut member = npm("app", "1.0.0");
        member.source = Source::Workspace {
            path: String::new(),
        };
        let mut bumped_member = npm("app", "1.1.0");
        bumped_member.source = member.source.clone();
        let base = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![npm("tool", "1.0.0"), member],
        );
        let head = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![from_git, bumped_member],
        );
        assert_eq!(
            lines(&InventoryDiff::compare(&base, &head)),
            ["package-lock.json changed tool 1.0.0/registry -> 1.0.0/git via -"]
        );
    }

    #[test]
    fn added_packages_name_the_direct_dependency_that_pulls_them_in() {
        // app-dep (direct) -> mid -> leaf; other (direct) -> leaf; lone (not reached).
        let mut direct = npm("app-dep", "1.0.0");
        direct.direct = true;
        let mut mid = npm("mid", "1.0.0");
        let leaf = npm("leaf", "1.0.0");
        let mut other = npm("other", "2.0.0");
        other.direct = true;
        direct.dependencies.insert(mid.id());
        mid.dependencies.insert(leaf.id());
        let lone = npm("lone", "1.0.0");
        let base = inventory("package-lock.json", Ecosystem::Npm, vec![other.clone()]);
        let head = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![direct, mid, leaf, other, lone],
        );
        assert_eq!(
            lines(&InventoryDiff::compare(&base, &head)),
            [
                "package-lock.json added app-dep none -> 1.0.0/registry via app-dep@1.0.0",
                "package-lock.json added leaf none -> 1.0.0/registry via app-dep@1.0.0",
                "package-lock.json added lone none -> 1.0.0/registry via -",
                "package-lock.json added mid none -> 1.0.0/registry via app-dep@1.0.0",
            ]
        );
    }

    #[test]
    fn a_lockfile_one_side_lacks_is_all_added_or_all_removed() {
        let base = inventory(
            "old/Cargo.lock",
            Ecosystem::CratesIo,
            vec![package(Ecosystem::CratesIo, "libc", "0.2.150")],
        );
        let head = inventory(
            "new/Cargo.lock",
            Ecosystem::CratesIo,
            vec![package(Ecosystem::CratesIo, "libc", "0.2.150")],
        );
        let diff = InventoryDiff::compare(&base, &head);
        assert_eq!(
            lines(&diff),
            [
                "new/Cargo.lock added libc none -> 0.2.150/registry via -",
                "old/Cargo.lock removed libc 0.2.150/registry -> none via -",
            ]
        );
        assert_eq!(
            (
                diff.count(ChangeKind::Added),
                diff.count(ChangeKind::Changed),
                diff.count(ChangeKind::Removed)
            ),
            (1, 0, 1)
        );
        assert!(InventoryDiff::compare(&head, &head).changes.is_empty());
    }

    fn finding(code: Code, package: &Package, lockfile: &str) -> Finding {
        Finding {
            package: Some(FindingPackage {
                ecosystem: package.ecosystem,
                name: package.name.to_string(),
                version: package.version.as_ref().map(ToString::to_string),
                purl: package.purl(),
                lockfile: lockfile.to_owned(),
            }),
            ..Finding::new(code, format!("{} {code}", package.name))
        }
    }

    #[test]
    fn findings_are_kept_for_what_the_change_brings_in_and_malicious_packages_anywhere() {
        let kept = npm("kept", "1.0.0");
        let evil = npm("evil", "1.0.0");
        let bumped = npm("bumped", "2.0.0");
        let base = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![kept.clone(), evil.clone(), npm("bumped", "1.0.0")],
        );
        let added = npm("added", "1.0.0");
        let head = inventory(
            "package-lock.json",
            Ecosystem::Npm,
            vec![kept.clone(), evil.clone(), bumped.clone(), added.clone()],
        );
        let diff = InventoryDiff::compare(&base, &head);
        let findings = vec![
            finding(Code::Vulnerability, &kept, "package-lock.json"),
            finding(Code::Malicious, &evil, "package-lock.json"),
            finding(Code::Vulnerability, &bumped, "package-lock.json"),
            finding(Code::Unmaintained, &added, "package-lock.json"),
            // The same package in another lockfile was not brought in by this one's change.
            finding(Code::Vulnerability, &added, "other/package-lock.json"),
            Finding::new(Code::AdvisoriesMissing, "no npm data"),
        ];
        let filtered = filter_findings(findings, &diff);
        let messages = |findings: &[Finding]| -> Vec<String> {
            findings.iter().map(|f| f.message.clone()).collect()
        };
        assert_eq!(
            messages(&filtered.introduced),
            ["bumped vulnerability", "added unmaintained", "no npm data"]
        );
        assert_eq!(messages(&filtered.pre_existing), ["evil malicious"]);
        assert_eq!(filtered.unchanged, 2);
        assert_eq!(filtered.all().count(), 4);
    }
}
