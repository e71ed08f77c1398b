//! The exact artifacts a lockfile pins, downloaded, verified and cached by content hash, for
//! the analysis of their code (which another crate does: this module only fetches bytes).
//!
//! Which artifact:
//! - npm: the lockfile's URL (package-lock's `resolved`, and pnpm, yarn and bun resolutions
//!   where they record one) checked against the lockfile's integrity, SHA-512 preferred and
//!   SHA-1 taken only when it is all there is ([`Verification`] says which). A URL on the
//!   public registry is fetched from the configured registry (npm's `replace-registry-host`).
//!   Without a URL in the lockfile, or without a digest, the registry's packument names the
//!   tarball (`versions[v].dist.tarball`), checked against the lockfile's digest when there is
//!   one, else against the packument's `dist.integrity` or `dist.shasum`.
//! - crates.io: the `dl` of the index's `config.json`, as Cargo reads it (markers replaced, or
//!   `/{crate}/{version}/download` appended), checked against the lockfile's `checksum`, else
//!   the index entry's `cksum`.
//! - PyPI: the lockfile's URL where it records one (uv.lock's and pylock.toml's sdist) and a
//!   hash for it. Otherwise the release's files from the JSON API: the sdist (it carries the
//!   `setup.py` that runs at install) and one wheel (`py3-none-any`, else `py2.py3-none-any`,
//!   else a manylinux x86-64 wheel, else the first by name). When the lockfile lists hashes
//!   (pip's `--hash`, poetry, uv) a file none of whose digests is among them is not the locked
//!   artifact and is skipped; when no file matches, the package is an
//!   [`ArtifactOutcome::IntegrityMismatch`]. Each file is checked against the lockfile's hash
//!   for it, else against the registry's SHA-256.
//! - Direct-URL packages are fetched when the lockfile records a digest for them; git, local
//!   and workspace packages, and URLs without a digest, are [`ArtifactOutcome::Unavailable`]
//!   with the reason (nothing is skipped silently).
//!
//! Rules every artifact follows:
//! - Only http(s) URLs. A URL a registry document names must be on the registry's host
//!   (pypi.org's files are on files.pythonhosted.org; crates.io's `dl` is wherever the index
//!   says): only the lockfile's own URL may be elsewhere, and [`Origin`] says so. The registry's
//!   credentials go only to its own host, and never into an [`Artifact`] or a message.
//! - Bytes stream to a partial file while they are hashed, capped at
//!   [`ArtifactOptions::max_artifact_bytes`]. The digest is checked before the file is moved
//!   into the cache; a mismatch leaves nothing behind.
//! - The cache (module `store`) is content-addressed: files named by their SHA-256, found
//!   through a small index by any digest they were verified against, so a warm run makes no
//!   request. Cached files are hashed again whenever they are found.
//! - Requests share the registry configuration's concurrency limit, retries and timeouts;
//!   a download may take [`ArtifactOptions::download_timeout`] in all.
//! - Offline, only the cache answers.

mod digest;
mod documents;
mod download;
mod plan;
mod registry;
mod run;
mod store;

use std::path::PathBuf;
use std::time::Duration;

use customs_core::{Ecosystem, HashAlgorithm, Inventory, Package, PackageName, Source, Version};

use crate::{RegistryConfig, RegistryError, RequestStats};

/// How artifacts are fetched and kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactOptions {
    /// Where artifacts are cached; `None` for `artifacts/` beside the registry cache file.
    pub cache_dir: Option<PathBuf>,
    /// Largest artifact fetched (or read back from the cache).
    pub max_artifact_bytes: u64,
    /// Longest one download may take in all (each wait for bytes is bounded by the registry
    /// configuration's `timeout`).
    pub download_timeout: Duration,
}

impl Default for ArtifactOptions {
    fn default() -> Self {
        ArtifactOptions {
            cache_dir: None,
            // The largest wheels (CUDA builds of machine-learning libraries) are bigger still;
            // anything this size is refused rather than analysed.
            max_artifact_bytes: 256 * 1024 * 1024,
            download_timeout: Duration::from_secs(10 * 60),
        }
    }
}

impl ArtifactOptions {
    /// The cache directory for `config`: `cache_dir`, else `artifacts/` beside the registry
    /// cache file.
    pub fn cache_dir_for(&self, config: &RegistryConfig) -> PathBuf {
        if let Some(directory) = &self.cache_dir {
            return directory.clone();
        }
        match config.cache.parent() {
            Some(parent) => parent.join("artifacts"),
            None => PathBuf::from("artifacts"),
        }
    }
}

/// The artifacts of the selected packages of an inventory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Artifacts {
    /// Sorted by (lockfile, package).
    pub items: Vec<ArtifactResult>,
    /// `cache_hits` counts artifacts the cache answered.
    pub requests: RequestStats,
}

/// The artifacts of one locked package, or why there are none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtifactResult {
    /// Index into `inventory.lockfiles`.
    pub lockfile: usize,
    /// Index into that lockfile's `packages`.
    pub package: usize,
    pub outcome: ArtifactOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArtifactOutcome {
    /// Every artifact chosen for the package, verified where anything vouches for it, in the
    /// cache. PyPI: the sdist first, then the wheel.
    Fetched(Vec<Artifact>),
    /// The bytes served are not the ones the lockfile (or the registry) pins: the artifact was
    /// not kept. PyPI: also when no file of the release has any of the lockfile's hashes.
    IntegrityMismatch {
        /// Without credentials.
        url: String,
        /// `algorithm:hex`, several joined by ` or `.
        expected: String,
        actual: String,
    },
    /// Why no artifact could be had: one line (several, for several artifacts, joined by
    /// `; `), naming the URL where a request failed.
    Unavailable { reason: String },
}

/// One artifact in the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Where it was fetched from, without credentials.
    pub url: String,
    /// Its file name, as the URL or registry names it (for display only: the cache file is
    /// named by its digest).
    pub file_name: String,
    pub kind: ArtifactKind,
    /// SHA-256, lowercase hex.
    pub sha256: String,
    /// The cached file. It was verified when returned; the cache directory must not be shared
    /// with anyone who should not choose what customs analyses.
    pub path: PathBuf,
    pub size: u64,
    pub verified_by: Verification,
    pub origin: Origin,
}

/// The kinds of artifact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ArtifactKind {
    /// An npm package tarball (`.tgz`).
    NpmTarball,
    /// A `.crate` (a gzipped tarball).
    Crate,
    /// A Python wheel (a zip).
    Wheel,
    /// A Python source distribution (`.tar.gz`, older `.zip` and others).
    Sdist,
}

impl ArtifactKind {
    /// A stable kebab-case name.
    pub fn code(self) -> &'static str {
        match self {
            ArtifactKind::NpmTarball => "npm-tarball",
            ArtifactKind::Crate => "crate",
            ArtifactKind::Wheel => "wheel",
            ArtifactKind::Sdist => "sdist",
        }
    }
}

/// What the artifact's bytes were checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verification {
    /// A digest the lockfile records (`Sha1`: all an old npm lockfile had).
    LockfileDigest(HashAlgorithm),
    /// A digest the registry's metadata gives (the lockfile recorded none).
    RegistryDigest(HashAlgorithm),
    /// Nothing: neither the lockfile nor the registry gives a digest.
    Unverified,
}

/// Where the artifact's URL comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The registry's metadata (npm `dist.tarball`, PyPI `urls[]`, crates.io `dl`).
    Registry,
    /// The lockfile, on the registry's host.
    Lockfile,
    /// The lockfile, on another host than the registry (or a direct-URL package): allowed
    /// because the lockfile names it, and fetched only with a lockfile digest to check.
    LockfileOtherHost,
}

/// Fetches the artifacts of the packages of `inventory` that `selected(lockfile, package)` picks
/// (indices into `inventory`).
///
/// Synchronous: when anything must be fetched it runs its own small runtime (two worker
/// threads), so it must not be called from inside an async runtime. Only a broken cache or a
/// client that cannot start is an error; anything per package is in its [`ArtifactOutcome`].
pub fn fetch_artifacts(
    inventory: &Inventory,
    config: &RegistryConfig,
    options: &ArtifactOptions,
    selected: impl Fn(usize, usize) -> bool,
) -> Result<Artifacts, RegistryError> {
    let packages: Vec<(usize, usize, &Package)> = inventory
        .lockfiles
        .iter()
        .enumerate()
        .flat_map(|(lockfile_index, lockfile)| {
            lockfile
                .packages
                .iter()
                .enumerate()
                .map(move |(package_index, package)| (lockfile_index, package_index, package))
        })
        .filter(|(lockfile, package, _)| selected(*lockfile, *package))
        .collect();
    let (mut items, requests) = run::run(&packages, config, options)?;
    items.sort_by_key(|item| (item.lockfile, item.package));
    Ok(Artifacts { items, requests })
}

/// The artifacts of one release of the public registry (or the configured mirror) without a
/// lockfile (`customs inspect npm:left-pad@1.3.0`): what the registry names, checked against
/// the registry's digests.
pub fn fetch_package_artifacts(
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    config: &RegistryConfig,
    options: &ArtifactOptions,
) -> Result<ArtifactOutcome, RegistryError> {
    let name = match PackageName::new(ecosystem, name) {
        Ok(name) => name,
        Err(error) => {
            return Ok(ArtifactOutcome::Unavailable {
                reason: format!(
                    "`{}` is not a {ecosystem} package name: {error}",
                    name.escape_debug()
                ),
            });
        }
    };
    let package = Package::new(
        ecosystem,
        name,
        Some(Version::new(ecosystem, version.trim())),
        Source::registry(ecosystem),
    );
    Ok(fetch_releases(&[package], config, options)?
        .into_iter()
        .next()
        .unwrap_or_else(|| ArtifactOutcome::Unavailable {
            reason: "the package was not looked up".to_owned(),
        }))
}

/// [`fetch_package_artifacts`] for many releases at once, concurrently: `releases` are
/// registry packages (`Package::new` with a version and `Source::registry`), and the outcomes
/// come back in their order.
pub fn fetch_releases(
    releases: &[Package],
    config: &RegistryConfig,
    options: &ArtifactOptions,
) -> Result<Vec<ArtifactOutcome>, RegistryError> {
    let packages: Vec<(usize, usize, &Package)> = releases
        .iter()
        .enumerate()
        .map(|(index, package)| (0, index, package))
        .collect();
    let (items, _) = run::run(&packages, config, options)?;
    let mut outcomes: Vec<Option<ArtifactOutcome>> = releases.iter().map(|_| None).collect();
    for item in items {
        if let Some(slot) = outcomes.get_mut(item.package) {
            *slot = Some(item.outcome);
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|outcome| {
            outcome.unwrap_or_else(|| ArtifactOutcome::Unavailable {
                reason: "the package was not looked up".to_owned(),
            })
        })
        .collect())
}
