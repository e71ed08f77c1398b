use serde::Serialize;

use crate::{Ecosystem, Package, Scope};

/// Everything one run found: the packages of each file that parsed, and an error for each file
/// that did not. A file that fails is recorded here, never a reason to drop another file's
/// results.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub lockfiles: Vec<LockfileReport>,
    pub errors: Vec<FileError>,
    /// Oddities that did not stop a file from being read (a dependency a lockfile names but
    /// does not contain). Reported; they do not fail a run.
    pub warnings: Vec<FileError>,
}

impl Inventory {
    /// Sorts files, packages and errors so that output never depends on walk or thread order.
    pub fn sort(&mut self) {
        for lockfile in &mut self.lockfiles {
            lockfile.sort();
        }
        // An SBOM gives one report per ecosystem under the same path.
        self.lockfiles
            .sort_by(|a, b| (&a.path, a.ecosystem).cmp(&(&b.path, b.ecosystem)));
        self.errors.sort();
        self.errors.dedup();
        self.warnings.sort();
        self.warnings.dedup();
    }

    /// How many files were read: an SBOM listing packages of several ecosystems gives one report
    /// per ecosystem, all under its path.
    pub fn files(&self) -> usize {
        let mut paths: Vec<&str> = self.lockfiles.iter().map(|l| l.path.as_str()).collect();
        paths.sort_unstable();
        paths.dedup();
        paths.len()
    }

    /// Every package of every file, with the file it came from.
    pub fn packages(&self) -> impl Iterator<Item = (&LockfileReport, &Package)> {
        self.lockfiles
            .iter()
            .flat_map(|lockfile| lockfile.packages.iter().map(move |p| (lockfile, p)))
    }
}

/// One parsed file and the packages it pins, each once.
#[derive(Clone, Debug)]
pub struct LockfileReport {
    /// Relative to the scanned root, `/`-separated.
    pub path: String,
    /// The format and version the parser recognised, e.g. `package-lock.json v3`.
    pub format: String,
    pub ecosystem: Ecosystem,
    pub packages: Vec<Package>,
}

impl LockfileReport {
    pub fn sort(&mut self) {
        self.packages.sort_by(|a, b| {
            (a.name.as_str(), &a.version, &a.source).cmp(&(b.name.as_str(), &b.version, &b.source))
        });
    }

    /// Whether the report comes from an SBOM (which describes packages; it installs nothing)
    /// rather than a lockfile. The SBOM readers name their formats `CycloneDX …` and `SPDX …`.
    pub fn is_sbom(&self) -> bool {
        self.format.starts_with("CycloneDX ") || self.format.starts_with("SPDX ")
    }

    /// For each package, the shortest chain of packages (indices into `packages`) from a direct
    /// dependency down to it, inclusive; empty for direct packages and for packages nothing
    /// direct reaches (or when the lockfile records no direct dependencies).
    pub fn paths_from_direct(&self) -> Vec<Vec<usize>> {
        let edges = self.edges();
        let mut parent: Vec<Option<usize>> = vec![None; self.packages.len()];
        let mut seen: Vec<bool> = self.packages.iter().map(|p| p.direct).collect();
        let mut queue: std::collections::VecDeque<usize> =
            (0..self.packages.len()).filter(|&i| seen[i]).collect();
        while let Some(current) = queue.pop_front() {
            for &next in &edges[current] {
                if !seen[next] {
                    seen[next] = true;
                    parent[next] = Some(current);
                    queue.push_back(next);
                }
            }
        }
        (0..self.packages.len())
            .map(|i| {
                if parent[i].is_none() {
                    return Vec::new();
                }
                let mut chain = vec![i];
                let mut at = i;
                while let Some(up) = parent[at] {
                    chain.push(up);
                    at = up;
                }
                chain.reverse();
                chain
            })
            .collect()
    }

    /// The dependency graph as indices into `packages` (edges to packages outside the file are
    /// dropped).
    fn edges(&self) -> Vec<Vec<usize>> {
        let ids: Vec<crate::PackageId> = self.packages.iter().map(Package::id).collect();
        let index: crate::FastMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        self.packages
            .iter()
            .map(|p| {
                p.dependencies
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied())
                    .collect()
            })
            .collect()
    }

    /// Gives packages whose scope neither the lockfile nor a manifest recorded the scope of the
    /// packages that pull them in: production if any production package depends on them, else
    /// optional, else development. Packages nothing with a known scope reaches stay unknown.
    pub fn propagate_scopes(&mut self) {
        if self.packages.iter().all(|p| p.scope.is_some())
            || self.packages.iter().all(|p| p.scope.is_none())
        {
            return;
        }
        let edges = self.edges();
        let known: Vec<Option<Scope>> = self.packages.iter().map(|p| p.scope).collect();
        for level in [Scope::Prod, Scope::Optional, Scope::Dev] {
            let mut stack: Vec<usize> = (0..self.packages.len())
                .filter(|&i| known[i] == Some(level))
                .collect();
            while let Some(i) = stack.pop() {
                for &next in &edges[i] {
                    if self.packages[next].scope.is_none() {
                        self.packages[next].scope = Some(level);
                        stack.push(next);
                    }
                }
            }
        }
    }
}

/// A file that could not be read or parsed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileError {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.path, line, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PackageName, Source, Version};

    fn npm(name: &str) -> Package {
        Package::new(
            Ecosystem::Npm,
            PackageName::new(Ecosystem::Npm, name).unwrap(),
            Some(Version::new(Ecosystem::Npm, "1.0.0")),
            Source::registry(Ecosystem::Npm),
        )
    }

    #[test]
    fn shortest_paths_from_direct_dependencies() {
        // app -> a -> b -> c ; app -> c2 -> c (c reached in 2 steps via c2)
        let mut a = npm("a");
        let mut b = npm("b");
        let c = npm("c");
        let mut c2 = npm("c2");
        a.direct = true;
        c2.direct = true;
        a.dependencies.insert(b.id());
        b.dependencies.insert(c.id());
        c2.dependencies.insert(c.id());
        let orphan = npm("orphan");
        let report = LockfileReport {
            path: "p".into(),
            format: "t".into(),
            ecosystem: Ecosystem::Npm,
            packages: vec![a, b, c, c2, orphan],
        };
        let names = |chain: &Vec<usize>| -> Vec<&str> {
            chain
                .iter()
                .map(|&i| report.packages[i].name.as_str())
                .collect()
        };
        let paths = report.paths_from_direct();
        assert!(paths[0].is_empty(), "direct");
        assert_eq!(names(&paths[1]), ["a", "b"]);
        assert_eq!(names(&paths[2]), ["c2", "c"]);
        assert!(paths[4].is_empty(), "unreachable");
    }

    #[test]
    fn an_sboms_reports_sort_by_ecosystem_and_count_as_one_file() {
        let report = |path: &str, ecosystem: Ecosystem| LockfileReport {
            path: path.into(),
            format: "CycloneDX 1.6 JSON".into(),
            ecosystem,
            packages: Vec::new(),
        };
        let mut inventory = Inventory {
            lockfiles: vec![
                report("bom.json", Ecosystem::CratesIo),
                report("a/Cargo.lock", Ecosystem::CratesIo),
                report("bom.json", Ecosystem::Npm),
                report("bom.json", Ecosystem::PyPI),
            ],
            ..Inventory::default()
        };
        inventory.sort();
        let order: Vec<(&str, Ecosystem)> = inventory
            .lockfiles
            .iter()
            .map(|l| (l.path.as_str(), l.ecosystem))
            .collect();
        assert_eq!(
            order,
            [
                ("a/Cargo.lock", Ecosystem::CratesIo),
                ("bom.json", Ecosystem::Npm),
                ("bom.json", Ecosystem::PyPI),
                ("bom.json", Ecosystem::CratesIo),
            ]
        );
        assert_eq!(inventory.files(), 2);
    }

    #[test]
    fn scopes_flow_from_known_packages_widest_first() {
        // app-dep (prod) -> shared; test-dep (dev) -> shared, dev-only
        let mut shared = npm("shared");
        let dev_only = npm("dev-only");
        let mut app = npm("app-dep");
        app.scope = Some(Scope::Prod);
        app.dependencies.insert(shared.id());
        let mut test = npm("test-dep");
        test.scope = Some(Scope::Dev);
        test.dependencies.insert(shared.id());
        test.dependencies.insert(dev_only.id());
        shared.dependencies.insert(app.id()); // cycles must terminate
        let orphan = npm("orphan");
        let mut report = LockfileReport {
            path: "package-lock.json".into(),
            format: "test".into(),
            ecosystem: Ecosystem::Npm,
            packages: vec![test, shared, dev_only, app, orphan],
        };
        report.propagate_scopes();
        report.sort();
        let scopes: Vec<_> = report
            .packages
            .iter()
            .map(|p| (p.name.as_str().to_owned(), p.scope))
            .collect();
        assert_eq!(
            scopes,
            [
                ("app-dep".to_owned(), Some(Scope::Prod)),
                ("dev-only".to_owned(), Some(Scope::Dev)),
                ("orphan".to_owned(), None),
                ("shared".to_owned(), Some(Scope::Prod)),
                ("test-dep".to_owned(), Some(Scope::Dev)),
            ]
        );
    }
}
