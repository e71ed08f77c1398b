//! Registry evidence for customs: what npm, PyPI and crates.io say about each locked package.
//!
//! An enricher in customs' one-way flow: [`check`] reads a frozen [`customs_core::Inventory`] and returns
//! [`Evidence`] per locked package (publish time, yanks, deprecations, removals, install
//! scripts, publishers, maintainers, provenance, licence, how far behind latest it is). It
//! decides nothing: the policy turns evidence into findings.
//!
//! - Only registry packages with an exact version are checked (one without is [`Unchecked`]:
//!   there is no version to look up). A package whose lockfile names another registry than the
//!   public one (a mirror or private registry) is looked up there; local, git and URL packages
//!   are skipped. A name several lockfiles share is fetched once.
//! - Every answer goes through an SQLite cache (module `cache`): within the TTL no request is made,
//!   after it a conditional request revalidates, and the evidence computed for a locked version
//!   is kept, so a warm run reads one row per package and parses no registry document.
//! - A package that could not be checked (a timeout after retries, a 5xx, a malformed or
//!   oversized answer, offline without a cached answer) is [`Unchecked`] with a one-line reason
//!   naming the URL; the others are still checked. A 404 is evidence ([`Removed`]), not an
//!   error.
//!
//! [`maintainers`] asks who maintains a few named packages (the packages a typosquat check says
//! are imitated, and, on crates.io, whose owners only its API knows), through the same cache and
//! client.
//!
//! The module [`artifacts`] downloads the exact artifact each locked package pins (npm
//! tarballs, crates, PyPI sdists and wheels) for the analysis of its code: verified against the
//! lockfile's digest (else the registry's) before it is kept, and cached by content hash.
//!
//! The module [`popular`] fetches the popular-name lists of the typosquat checks from where they
//! originate (npm-high-impact on the npm registry, the top-pypi-packages dataset, the crates.io
//! API), with the same HTTP client.
//!
//! The wire formats are described, with the sources and the quirks relied on, in the private
//! modules `npm`, `pypi` and `crates`; the cache layout in `cache`; the previous-version and
//! versions-behind rules in `evidence`.

pub mod artifacts;
mod cache;
mod check;
mod config;
mod crates;
mod document;
mod evidence;
mod fetch;
mod maintainers;
mod npm;
pub mod popular;
mod pypi;
mod sqlite;

use std::path::PathBuf;

pub use check::{check, check_selected};
pub use config::{Environment, RegistryConfig};
pub use fetch::USER_AGENT;
pub use maintainers::{Maintainers, PackageFacts, maintainers, package_facts, share_an_account};

/// What the registries say about the locked packages of an inventory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Evidence {
    /// Sorted by (lockfile, package).
    pub packages: Vec<PackageEvidence>,
    /// What could not be checked, and why; sorted by (lockfile, package).
    pub unchecked: Vec<Unchecked>,
    pub requests: RequestStats,
}

impl Evidence {
    /// The evidence of one package (indices as in [`PackageEvidence`]), if it was checked.
    pub fn package(&self, lockfile: usize, package: usize) -> Option<&PackageEvidence> {
        let index = self
            .packages
            .binary_search_by_key(&(lockfile, package), |evidence| {
                (evidence.lockfile, evidence.package)
            })
            .ok()?;
        self.packages.get(index)
    }
}

/// What the registry says about one locked package.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackageEvidence {
    /// Index into `inventory.lockfiles`.
    pub lockfile: usize,
    /// Index into that lockfile's `packages`.
    pub package: usize,
    /// When the locked version was published.
    pub published: Option<jiff::Timestamp>,
    /// PyPI and crates.io: the locked version is yanked.
    pub yanked: Option<Yanked>,
    /// npm: the deprecation message of the locked version.
    pub deprecated: Option<String>,
    pub removed: Option<Removed>,
    /// npm: which of `preinstall`, `install`, `postinstall` the locked version runs (an
    /// `install` implied by a `binding.gyp` included), in that order.
    pub install_scripts: Vec<String>,
    /// The highest version below the locked one (in the ecosystem's order) published before it.
    pub previous_version: Option<String>,
    /// The locked version runs install scripts the previous version did not.
    pub install_scripts_added: bool,
    /// npm: who published the locked version (`_npmUser.name`).
    pub publisher: Option<String>,
    pub previous_publisher: Option<String>,
    /// npm: the locked version was published with provenance (`dist.attestations`).
    pub provenance: Option<bool>,
    pub previous_provenance: Option<bool>,
    /// The licence as the registry declares it for the locked version.
    pub license: Option<String>,
    /// Whether the registry says anything about licences (false for the crates.io index,
    /// which has none, and where the package or version is not found).
    pub license_known: bool,
    /// npm `dist-tags.latest`, PyPI `info.version`, crates.io the highest non-yanked stable
    /// version.
    pub latest: Option<String>,
    /// Stable, non-yanked releases after the locked version up to latest.
    pub versions_behind: Option<u32>,
    /// When the package's first release was published (`None` where a release has no time:
    /// the crates.io index records none before 2025).
    pub first_published: Option<jiff::Timestamp>,
    /// How many versions the registry lists.
    pub version_count: Option<u32>,
    /// The accounts that may publish the package, lowercased and sorted: npm's `maintainers`,
    /// PyPI's `ownership` (users, and the organization as `org:NAME`). `None` where unknown:
    /// always for crates.io, whose index names no owners ([`maintainers`] asks its API), and
    /// for a PyPI index that serves no `ownership`.
    pub maintainers: Option<Vec<String>>,
}

/// A yanked release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Yanked {
    /// PyPI's `yanked_reason`; crates.io records none.
    pub reason: Option<String>,
}

/// Why the locked version cannot be had from the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Removed {
    /// The registry has no such package (404).
    PackageNotFound,
    /// The package exists but not the locked version (unpublished, or never published there).
    VersionNotFound,
    /// npm replaced the package with its `0.0.1-security` placeholder.
    SecurityPlaceholder,
}

impl Removed {
    /// A stable kebab-case name.
    pub fn code(self) -> &'static str {
        match self {
            Removed::PackageNotFound => "package-not-found",
            Removed::VersionNotFound => "version-not-found",
            Removed::SecurityPlaceholder => "security-placeholder",
        }
    }

    pub(crate) fn from_code(code: &str) -> Option<Removed> {
        [
            Removed::PackageNotFound,
            Removed::VersionNotFound,
            Removed::SecurityPlaceholder,
        ]
        .into_iter()
        .find(|removed| removed.code() == code)
    }
}

/// A package that could not be checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unchecked {
    pub lockfile: usize,
    pub package: usize,
    /// One line, naming the URL where a request failed.
    pub reason: String,
}

/// Network use of one run, for reports and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestStats {
    /// HTTP requests sent, retries included.
    pub requests: u64,
    /// Of those, retries.
    pub retries: u64,
    /// Conditional requests answered 304 Not Modified.
    pub not_modified: u64,
    /// Documents answered from the cache without any request.
    pub cache_hits: u64,
}

/// A failure that stops the whole check (per-package failures are [`Unchecked`]).
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("cannot create the registry cache directory `{}`", path.display())]
    CacheDirectory {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the registry cache `{}`", path.display())]
    CacheOpen {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "`{}` is not a customs registry cache, or is corrupt: delete it and run again",
        path.display()
    )]
    CacheCorrupt { path: PathBuf },
    #[error(
        "cannot read the registry cache `{}` (if it is corrupt, delete it and run again)",
        path.display()
    )]
    CacheRead {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot write the registry cache `{}`", path.display())]
    CacheWrite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot use the artifact cache directory `{}`", path.display())]
    ArtifactCache {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "cannot use the artifact cache index `{}` (if it is corrupt, delete it and run again)",
        path.display()
    )]
    ArtifactIndex {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "`{}` is not a customs artifact cache index, or is corrupt: delete it and run again",
        path.display()
    )]
    ArtifactIndexCorrupt { path: PathBuf },
    #[error("cannot start the registry checks' runtime")]
    Runtime(#[source] std::io::Error),
    #[error("cannot start the HTTP client")]
    Client(#[source] reqwest::Error),
}
