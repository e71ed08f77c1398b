//! What inspecting the artifacts of an inventory found, keyed by package, as every enricher
//! returns its evidence. The fetching and the opening happen at the edges (the binary); this
//! is the shape the policy reads.

use crate::{Change, Verdict};

/// The inspection of an inventory's artifacts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evidence {
    /// The packages whose artifacts were inspected, sorted by lockfile, then package.
    pub packages: Vec<PackageVerdicts>,
    /// Artifacts whose bytes did not match the digest recorded for them: never opened.
    pub mismatches: Vec<Mismatch>,
    /// Packages whose artifacts could not be inspected, and why.
    pub unchecked: Vec<Unchecked>,
    /// Packages whose locked release adds, to the previous release, what deserves a look
    /// ([`crate::compare`]), sorted by lockfile, then package.
    pub changes: Vec<PackageChanges>,
}

/// What a locked release adds to the release before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageChanges {
    pub lockfile: usize,
    pub package: usize,
    /// The previous release's version.
    pub previous_version: String,
    /// The locked artifact compared, and its SHA-256.
    pub artifact: String,
    pub sha256: String,
    /// The previous release's artifact it was compared with.
    pub previous_artifact: String,
    pub changes: Vec<Change>,
}

/// The verdicts on one package's artifacts (an npm tarball, a crate, or a PyPI sdist and a
/// wheel).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageVerdicts {
    /// Indices into the inventory's lockfiles and that lockfile's packages.
    pub lockfile: usize,
    pub package: usize,
    pub artifacts: Vec<ArtifactVerdict>,
}

/// The verdict on one artifact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactVerdict {
    /// Its file name (`left-pad-1.3.0.tgz`).
    pub file_name: String,
    pub sha256: String,
    pub verdict: Verdict,
}

/// An artifact that is not what was locked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub lockfile: usize,
    pub package: usize,
    /// Where it was downloaded from, credentials removed.
    pub url: String,
    pub expected: String,
    pub actual: String,
}

/// A package whose artifacts were not inspected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchecked {
    pub lockfile: usize,
    pub package: usize,
    pub reason: String,
}

impl PackageVerdicts {
    /// The most severe verdict among the artifacts, if any.
    #[must_use]
    pub fn worst(&self) -> Option<&ArtifactVerdict> {
        self.artifacts
            .iter()
            .max_by_key(|artifact| artifact.verdict.level)
    }
}
