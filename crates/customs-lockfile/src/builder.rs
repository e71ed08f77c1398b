use customs_core::{
    Ecosystem, FastMap, Location, Package, PackageId, PackageName, Source, Version,
};

use crate::ParseError;

/// Collects a file's packages and edges, then gives one entry per distinct package.
///
/// Parsers add every sighting (npm's nested `node_modules` paths, pnpm's peer-suffixed keys) and
/// connect them by index; [`Builder::finish`] merges sightings that share a [`PackageId`] and
/// turns index edges into ids.
#[derive(Debug)]
pub struct Builder<'a> {
    ecosystem: Ecosystem,
    path: &'a str,
    packages: Vec<Package>,
    edges: Vec<(usize, usize)>,
}

impl<'a> Builder<'a> {
    pub fn new(ecosystem: Ecosystem, path: &'a str) -> Self {
        Self {
            ecosystem,
            path,
            packages: Vec::new(),
            edges: Vec::new(),
        }
    }

    /// A builder expecting about `packages` sightings: growing a large vector copies it into
    /// fresh memory each time, which costs page faults as much as copying.
    pub fn with_capacity(ecosystem: Ecosystem, path: &'a str, packages: usize) -> Self {
        Self {
            ecosystem,
            path,
            packages: Vec::with_capacity(packages),
            edges: Vec::with_capacity(packages.saturating_mul(4)),
        }
    }

    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// A location in this builder's file.
    pub fn location(&self, line: u32) -> Location {
        Location {
            path: self.path.to_owned(),
            line,
        }
    }

    /// A package of this file's ecosystem found at `line`. Fails on an invalid name; a
    /// version that does not parse is kept verbatim (see [`Version`]).
    pub fn package(
        &self,
        name: &str,
        version: Option<&str>,
        source: Source,
        line: u32,
    ) -> Result<Package, ParseError> {
        let name = PackageName::new(self.ecosystem, name)
            .map_err(|error| ParseError::at(line, "invalid package name").with_source(error))?;
        let version = version
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| Version::new(self.ecosystem, v));
        let mut package = Package::new(self.ecosystem, name, version, source);
        package.locations.insert(self.location(line));
        Ok(package)
    }

    /// Adds a sighting and returns its index for [`Builder::depend`].
    pub fn add(&mut self, package: Package) -> usize {
        self.packages.push(package);
        self.packages.len() - 1
    }

    pub fn get(&self, index: usize) -> Option<&Package> {
        self.packages.get(index)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut Package> {
        self.packages.get_mut(index)
    }

    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }

    /// Records that package `from` depends on package `to` (indices from [`Builder::add`]).
    pub fn depend(&mut self, from: usize, to: usize) {
        if from != to {
            self.edges.push((from, to));
        }
    }

    /// One entry per distinct package, in first-seen order, with edges as ids.
    ///
    /// Works in place: the sightings' vector becomes the result, and only a file that
    /// names a package twice (npm's nested copies, pnpm's peer variants) pays for compacting
    /// it.
    pub fn finish(self) -> Vec<Package> {
        let Self {
            mut packages,
            edges,
            ..
        } = self;
        for package in &mut packages {
            package.redact_credentials();
        }
        let ids: Vec<PackageId> = packages.iter().map(Package::id).collect();
        // The slot of each sighting: the index of the first sighting with the same id.
        let mut first: FastMap<&PackageId, usize> =
            FastMap::with_capacity_and_hasher(ids.len(), Default::default());
        let slots: Vec<usize> = ids
            .iter()
            .enumerate()
            .map(|(index, id)| *first.entry(id).or_insert(index))
            .collect();
        // Edges grouped by the slot they start from, so each package's dependencies are
        // sorted into their set at once.
        let mut edges: Vec<(usize, &PackageId)> = edges
            .into_iter()
            .filter_map(|(from, to)| {
                let (slot, id) = (*slots.get(from)?, ids.get(to)?);
                (ids.get(from) != Some(id)).then_some((slot, id))
            })
            .collect();
        edges.sort_unstable_by_key(|&(slot, _)| slot);
        for group in edges.chunk_by(|a, b| a.0 == b.0) {
            if let Some(package) = group.first().and_then(|&(slot, _)| packages.get_mut(slot)) {
                let targets: Vec<PackageId> = group.iter().map(|&(_, id)| id.clone()).collect();
                package.dependencies.extend(targets);
            }
        }
        if slots.iter().enumerate().all(|(index, &slot)| index == slot) {
            return packages;
        }
        // A later sighting merges into the first one, which comes before it and is never
        // itself merged away.
        let mut sightings: Vec<Option<Package>> = packages.into_iter().map(Some).collect();
        for (index, &slot) in slots.iter().enumerate() {
            if index != slot
                && let Some(package) = sightings.get_mut(index).and_then(Option::take)
                && let Some(Some(first)) = sightings.get_mut(slot)
            {
                first.merge(package);
            }
        }
        sightings.into_iter().flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_sightings_and_resolves_edges() {
        let mut builder = Builder::new(Ecosystem::Npm, "package-lock.json");
        let registry = || Source::registry(Ecosystem::Npm);
        let a = builder.package("a", Some("1.0.0"), registry(), 3).unwrap();
        let b1 = builder.package("b", Some("2.0.0"), registry(), 7).unwrap();
        let b2 = builder.package("b", Some("2.0.0"), registry(), 11).unwrap();
        let a = builder.add(a);
        let b1 = builder.add(b1);
        let b2 = builder.add(b2);
        builder.depend(a, b2);
        builder.depend(b1, b1);
        let packages = builder.finish();
        assert_eq!(packages.len(), 2);
        assert_eq!(
            packages[0]
                .dependencies
                .iter()
                .map(PackageId::as_str)
                .collect::<Vec<_>>(),
            ["pkg:npm/b@2.0.0"]
        );
        assert_eq!(
            packages[1]
                .locations
                .iter()
                .map(|l| l.line)
                .collect::<Vec<_>>(),
            [7, 11]
        );
        assert!(packages[1].dependencies.is_empty());
    }

    #[test]
    fn bad_names_are_errors_with_lines() {
        let builder = Builder::new(Ecosystem::PyPI, "uv.lock");
        let error = builder
            .package("", Some("1"), Source::registry(Ecosystem::PyPI), 42)
            .unwrap_err();
        assert_eq!(error.line, Some(42));
    }
}
