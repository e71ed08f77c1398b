//! Checks an inventory against advisories: the enricher between the frozen inventory and the
//! policy. It reads packages, asks an [`AdvisoryLookup`] for the advisories recorded for each
//! name, and returns evidence; it decides nothing about pass or fail.
//!
//! Only registry packages are checked: advisories describe releases published to a registry.
//! Local packages (workspace members, path and link dependencies) are never matched, so a
//! project's own `utils` package is not reported as the malicious `utils` on npm; git and URL
//! packages are counted as not checked. A registry package without an exact version is still
//! checked against advisories that affect every version (malicious names).

use std::collections::HashMap;

use customs_core::{Ecosystem, FastMap, Inventory, Severity};

use crate::{Advisory, AdvisoryKind, Matcher};

/// Where advisories come from: the store, or anything else that can list them by package.
pub trait AdvisoryLookup {
    type Error: std::error::Error + Send + Sync + 'static;

    /// Every advisory with an affected entry for `key` (a [`customs_core::PackageName::match_key`]).
    fn lookup(&self, ecosystem: Ecosystem, key: &str) -> Result<Vec<Advisory>, Self::Error>;

    /// Whether the source holds data for `ecosystem` at all: when it does not, a clean result
    /// for that ecosystem would be a lie.
    fn has_ecosystem(&self, ecosystem: Ecosystem) -> bool;
}

/// One issue (advisories merged by alias) affecting one package.
#[derive(Clone, Debug)]
pub struct Issue {
    /// The advisory reported for the issue.
    pub advisory: Advisory,
    /// Every other id of the issue.
    pub aliases: Vec<String>,
    pub kind: AdvisoryKind,
    pub severity: Severity,
    /// The smallest version that fixes this issue.
    pub fixed_in: Option<String>,
}

/// The issues affecting one package of the inventory.
#[derive(Clone, Debug)]
pub struct PackageIssues {
    /// Indices into `inventory.lockfiles` and that lockfile's `packages`.
    pub lockfile: usize,
    pub package: usize,
    pub issues: Vec<Issue>,
    /// The smallest version that fixes every issue on the package.
    pub fixed_in: Option<String>,
}

/// What the check found and what it could not check.
#[derive(Clone, Debug, Default)]
pub struct CheckResult {
    pub affected: Vec<PackageIssues>,
    /// Registry packages checked, per ecosystem.
    pub checked: HashMap<Ecosystem, usize>,
    /// Registry packages without an exact version (checked only against every-version advisories).
    pub unpinned: Vec<(usize, usize)>,
    /// Local packages, never matched, per ecosystem.
    pub local: HashMap<Ecosystem, usize>,
    /// Git and URL packages: not registry releases, so not checked.
    pub other_sources: usize,
    /// Ecosystems with packages to check but no advisory data.
    pub missing_ecosystems: Vec<Ecosystem>,
}

/// Checks every registry package of `inventory` against `lookup`. A name shared by several
/// lockfiles is looked up once.
pub fn check<L: AdvisoryLookup>(
    inventory: &Inventory,
    lookup: &L,
) -> Result<CheckResult, L::Error> {
    let mut result = CheckResult::default();
    let mut cache: FastMap<(Ecosystem, String), Vec<Advisory>> = FastMap::default();
    for (lockfile_index, lockfile) in inventory.lockfiles.iter().enumerate() {
        for (package_index, package) in lockfile.packages.iter().enumerate() {
            if package.is_local() {
                *result.local.entry(package.ecosystem).or_default() += 1;
                continue;
            }
            if !package.source.is_registry() {
                result.other_sources += 1;
                continue;
            }
            let ecosystem = package.ecosystem;
            if !lookup.has_ecosystem(ecosystem) {
                if !result.missing_ecosystems.contains(&ecosystem) {
                    result.missing_ecosystems.push(ecosystem);
                }
                continue;
            }
            *result.checked.entry(ecosystem).or_default() += 1;
            if package.version.is_none() {
                result.unpinned.push((lockfile_index, package_index));
            }
            let key = package.name.match_key(ecosystem);
            let candidates = match cache.entry((ecosystem, key.clone())) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(lookup.lookup(ecosystem, &key)?)
                }
            };
            if candidates.is_empty() {
                continue;
            }
            let (matched, fixed_in) =
                Matcher::matches(ecosystem, &key, package.version.as_ref(), candidates);
            if matched.is_empty() {
                continue;
            }
            let issues = matched
                .into_iter()
                .map(|m| Issue {
                    advisory: m.group.primary.clone(),
                    aliases: m.group.aliases,
                    kind: m.group.kind,
                    severity: m.group.severity,
                    fixed_in: m.fixed_in,
                })
                .collect();
            result.affected.push(PackageIssues {
                lockfile: lockfile_index,
                package: package_index,
                issues,
                fixed_in,
            });
        }
    }
    result.missing_ecosystems.sort();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Affected, Event, Range, RangeKind};
    use customs_core::{LockfileReport, Package, PackageName, Source, Version};

    struct Fixed(Vec<Advisory>);

    impl AdvisoryLookup for Fixed {
        type Error = std::convert::Infallible;

        fn lookup(&self, ecosystem: Ecosystem, key: &str) -> Result<Vec<Advisory>, Self::Error> {
            Ok(self
                .0
                .iter()
                .filter(|a| {
                    a.affected
                        .iter()
                        .any(|f| f.ecosystem == ecosystem && f.key == key)
                })
                .cloned()
                .collect())
        }

        fn has_ecosystem(&self, ecosystem: Ecosystem) -> bool {
            ecosystem != Ecosystem::CratesIo
        }
    }

    fn every_version(ecosystem: Ecosystem, id: &str, name: &str, kind: AdvisoryKind) -> Advisory {
        Advisory {
            id: id.into(),
            aliases: Vec::new(),
            summary: None,
            kind,
            severity: Severity::Critical,
            cvss: None,
            score: None,
            published: None,
            modified: None,
            url: None,
            affected: vec![Affected {
                ecosystem,
                name: name.into(),
                key: PackageName::new(ecosystem, name)
                    .unwrap()
                    .match_key(ecosystem),
                ranges: vec![Range {
                    kind: RangeKind::Semver,
                    events: vec![Event::Introduced("0".into())],
                }],
                versions: Vec::new(),
            }],
        }
    }

    fn package(ecosystem: Ecosystem, name: &str, version: Option<&str>, source: Source) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            version.map(|v| Version::new(ecosystem, v)),
            source,
        )
    }

    #[test]
    fn local_and_non_registry_packages_are_never_matched() {
        let npm = Ecosystem::Npm;
        let lookup = Fixed(vec![
            every_version(npm, "MAL-1", "utils", AdvisoryKind::Malicious),
            every_version(
                Ecosystem::PyPI,
                "MAL-2",
                "Reqeusts",
                AdvisoryKind::Malicious,
            ),
        ]);
        let inventory = Inventory {
            lockfiles: vec![
                LockfileReport {
                    path: "package-lock.json".into(),
                    format: "test".into(),
                    ecosystem: npm,
                    packages: vec![
                        package(
                            npm,
                            "utils",
                            Some("1.0.0"),
                            Source::Workspace {
                                path: "packages/utils".into(),
                            },
                        ),
                        package(
                            npm,
                            "utils",
                            Some("1.0.0"),
                            Source::Git {
                                url: "https://x/y".into(),
                                commit: None,
                                reference: None,
                            },
                        ),
                        package(npm, "utils", Some("2.0.0"), Source::registry(npm)),
                    ],
                },
                LockfileReport {
                    path: "requirements.txt".into(),
                    format: "test".into(),
                    ecosystem: Ecosystem::PyPI,
                    packages: vec![package(
                        Ecosystem::PyPI,
                        "reqeusts",
                        None,
                        Source::registry(Ecosystem::PyPI),
                    )],
                },
                LockfileReport {
                    path: "Cargo.lock".into(),
                    format: "test".into(),
                    ecosystem: Ecosystem::CratesIo,
                    packages: vec![package(
                        Ecosystem::CratesIo,
                        "serde",
                        Some("1.0.0"),
                        Source::registry(Ecosystem::CratesIo),
                    )],
                },
            ],
            ..Inventory::default()
        };
        let result = check(&inventory, &lookup).unwrap();
        let hits: Vec<(usize, usize, &str)> = result
            .affected
            .iter()
            .map(|p| (p.lockfile, p.package, p.issues[0].advisory.id.as_str()))
            .collect();
        assert_eq!(hits, [(0, 2, "MAL-1"), (1, 0, "MAL-2")]);
        assert_eq!(
            (result.local.get(&npm), result.other_sources),
            (Some(&1), 1)
        );
        assert_eq!(result.unpinned, [(1, 0)]);
        assert_eq!(result.missing_ecosystems, [Ecosystem::CratesIo]);
        assert_eq!(result.checked.get(&npm), Some(&1));
    }
}
