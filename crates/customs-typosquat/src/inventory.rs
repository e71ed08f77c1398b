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

impl Detector {
    /// Checks the name of every registry package of `inventory` (the project's own workspace,
    /// path, git and URL packages are not published under their names, so never squats). Each
    /// distinct name is checked once. `signals` gives what the registry says of a package,
    /// where known.
    pub fn check_inventory(
        &self,
        inventory: &Inventory,
        signals: impl Fn(usize, usize) -> Option<Signals>,
    ) -> Evidence {
        let mut evidence = Evidence::default();
        let mut verdicts: HashMap<(Ecosystem, &str), Option<Suspicion>> = HashMap::new();
        for (lockfile_index, lockfile) in inventory.lockfiles.iter().enumerate() {
            for (package_index, package) in lockfile.packages.iter().enumerate() {
                if package.is_local() || !package.source.is_registry() {
                    continue;
                }
                let ecosystem = package.ecosystem;
                if !self.covers(ecosystem) {
                    evidence.unchecked.insert(ecosystem);
                    continue;
                }
                let found = match signals(lockfile_index, package_index) {
                    // Signals are per package: the verdict is too.
                    Some(known) => self.check(ecosystem, package.name.as_str(), Some(&known)),
                    None => verdicts
                        .entry((ecosystem, package.name.as_str()))
                        .or_insert_with(|| self.check(ecosystem, package.name.as_str(), None))
                        .clone(),
                };
                if let Some(suspicion) = found {
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

#[cfg(test)]
mod tests {
    use customs_core::{LockfileReport, Package, PackageName, Source, Version};

    use super::*;
    use crate::{Corpus, Options};

    fn package(ecosystem: Ecosystem, name: &str, source: Source) -> Package {
        Package::new(
            ecosystem,
            PackageName::new(ecosystem, name).unwrap(),
            Some(Version::new(ecosystem, "1.0.0")),
            source,
        )
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
