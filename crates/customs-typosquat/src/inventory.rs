//! The typosquat check of a whole inventory: evidence keyed by package, as every enricher
//! returns it.

use std::collections::{BTreeSet, HashMap};

use customs_core::{Ecosystem, Inventory};

use crate::{Detector, Signals, Suspicion};

/// A locked package whose name imitates a popular one.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    /// Indices into the inventory's lockfiles and that lockfile's packages.
    pub lockfile: usize,
    pub package: usize,
    pub suspicion: Suspicion,
}

/// What the check found in an inventory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// Sorted by lockfile, then package.
    pub flags: Vec<Flag>,
    /// Ecosystems the inventory has registry packages of, but the detector no popular list for:
    /// their names were not checked.
    pub unchecked: BTreeSet<Ecosystem>,
}

/// Whether a package goes by a name someone published on a registry: the project's own
/// workspace, path, git and URL packages are not, so they are never squats.
fn published(package: &customs_core::Package) -> bool {
    !package.is_local() && package.source.is_registry()
}

/// The distinct (ecosystem, name) pairs of the inventory's registry packages: what a typosquat
/// check looks at.
pub fn registry_names(inventory: &Inventory) -> BTreeSet<(Ecosystem, &str)> {
    inventory
        .packages()
        .filter(|(_, package)| published(package))
        .map(|(_, package)| (package.ecosystem, package.name.as_str()))
        .collect()
}

impl Evidence {
    /// The evidence of an inventory from a verdict per name (`verdict` is asked once per
    /// registry package); packages of ecosystems that are not `covered` are not checked, and
    /// their ecosystems are reported unchecked.
    pub fn from_verdicts(
        inventory: &Inventory,
        covered: impl Fn(Ecosystem) -> bool,
        mut verdict: impl FnMut(usize, usize, Ecosystem, &str) -> Option<Suspicion>,
    ) -> Evidence {
        let mut evidence = Evidence::default();
        for (lockfile_index, lockfile) in inventory.lockfiles.iter().enumerate() {
            for (package_index, package) in lockfile.packages.iter().enumerate() {
                if !published(package) {
                    continue;
                }
                let ecosystem = package.ecosystem;
                if !covered(ecosystem) {
                    evidence.unchecked.insert(ecosystem);
                    continue;
                }
                if let Some(suspicion) = verdict(
                    lockfile_index,
                    package_index,
                    ecosystem,
                    package.name.as_str(),
                ) {
                    evidence.flags.push(Flag {
                        lockfile: lockfile_index,
                        package: package_index,
                        suspicion,
                    });
                }
            }
        }
        evidence
    }
}

impl Detector {
    /// Checks the name of every registry package of `inventory`. Each distinct name is checked
    /// once. `signals` gives what the registry says of a package, where known.
    pub fn check_inventory(
        &self,
        inventory: &Inventory,
        signals: impl Fn(usize, usize) -> Option<Signals>,
    ) -> Evidence {
        let mut verdicts: HashMap<(Ecosystem, String), Option<Suspicion>> = HashMap::new();
        Evidence::from_verdicts(
            inventory,
            |ecosystem| self.covers(ecosystem),
            |lockfile, package, ecosystem, name| match signals(lockfile, package) {
                // Signals are per package: the verdict is too.
                Some(known) => self.check(ecosystem, name, Some(&known)),
                None => verdicts
                    .entry((ecosystem, name.to_owned()))
                    .or_insert_with(|| self.check(ecosystem, name, None))
                    .clone(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use customs_core::{LockfileReport, Package, PackageName, Source, Version};

    use super::*;
    use crate::{Corpus, Options, Signals};

    fn package(ecosystem: Ecosystem, name: &str, source: Source) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, "1.0.0")),
            source,
        )
    }

    #[test]
    fn signals_weighed_after_the_fact_agree_with_a_check_that_had_them() {
        let corpus = Corpus::parse_csv(Ecosystem::PyPI, "name,downloads\nrequests,100\n").unwrap();
        let strict = Detector::new([corpus.clone()], Options::default());
        let lenient = Detector::new(
            [corpus],
            Options {
                min_score: Options::default().min_score - crate::MAX_SIGNAL_RAISE,
                ..Options::default()
            },
        );
        let young = Signals {
            age_days: Some(2),
            version_count: Some(1),
            ..Signals::default()
        };
        let old = Signals {
            shares_maintainer: Some(true),
            age_days: Some(3_000),
            version_count: Some(80),
        };
        for name in ["reqeusts", "requests-toolbelt2", "request", "requestz"] {
            for signals in [&young, &old] {
                let direct = strict.check(Ecosystem::PyPI, name, Some(signals));
                let weighed = lenient
                    .check(Ecosystem::PyPI, name, None)
                    .map(|s| s.with_signals(signals))
                    .filter(|s| s.score >= Options::default().min_score);
                assert_eq!(
                    direct.as_ref().map(|s| (&s.target, s.technique)),
                    weighed.as_ref().map(|s| (&s.target, s.technique)),
                    "{name} {signals:?}"
                );
                if let (Some(direct), Some(weighed)) = (direct, weighed) {
                    assert!((direct.score - weighed.score).abs() <= 0.011, "{name}");
                }
            }
        }
    }

    #[test]
    fn flags_registry_packages_and_names_unlisted_ecosystems() {
        let corpus = Corpus::parse_csv(
            Ecosystem::Npm,
            "name,rank\nlodash,1\nexpress,2\nreact,3\ncross-env,4\n",
        )
        .unwrap();
        let detector = Detector::new([corpus], Options::default());
        let npm = |name: &str| package(Ecosystem::Npm, name, Source::registry(Ecosystem::Npm));
        let local = package(
            Ecosystem::Npm,
            "loadsh",
            Source::Workspace {
                path: "packages/loadsh".into(),
            },
        );
        let inventory = Inventory {
            lockfiles: vec![
                LockfileReport {
                    path: "package-lock.json".into(),
                    format: "package-lock.json v3".into(),
                    ecosystem: Ecosystem::Npm,
                    packages: vec![npm("express"), npm("loadsh"), local, npm("crossenv")],
                },
                LockfileReport {
                    path: "Cargo.lock".into(),
                    format: "Cargo.lock v4".into(),
                    ecosystem: Ecosystem::CratesIo,
                    packages: vec![package(
                        Ecosystem::CratesIo,
                        "serde_jsonn",
                        Source::registry(Ecosystem::CratesIo),
                    )],
                },
            ],
            ..Inventory::default()
        };
        let evidence = detector.check_inventory(&inventory, |_, _| None);
        let flagged: Vec<(usize, usize, &str)> = evidence
            .flags
            .iter()
            .map(|f| (f.lockfile, f.package, f.suspicion.target.as_str()))
            .collect();
        assert_eq!(flagged, [(0, 1, "lodash"), (0, 3, "cross-env")]);
        assert_eq!(
            evidence.unchecked.into_iter().collect::<Vec<_>>(),
            [Ecosystem::CratesIo]
        );
    }
}
