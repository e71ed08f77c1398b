//! Artifact inspection at the edges: fetch the artifacts a lockfile pins (verified), open them
//! with the hostile-archive reader, analyse them, and keep each verdict by the artifact's
//! SHA-256, so that a second run opens nothing it has seen.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use customs_core::{Ecosystem, Inventory, Package, Source, Version};
use customs_inspect::{
    Analyzer, ArchiveKind, ArtifactVerdict, Evidence, Limits, Mismatch, PackageChanges,
    PackageVerdicts, Unchecked, Verdict,
};
use customs_registry::RegistryConfig;
use customs_registry::artifacts::{Artifact, ArtifactOptions, ArtifactOutcome};
use rayon::prelude::*;

/// Verdicts kept between runs (`verdicts.sqlite` in the artifact cache), keyed by the
/// artifact's SHA-256 and a stamp of the analysis (its version and the user's rules). Best
/// effort: when the cache cannot be opened or written, artifacts are analysed again.
pub(crate) struct VerdictCache {
    connection: rusqlite::Connection,
    stamp: String,
}

impl std::fmt::Debug for VerdictCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerdictCache")
            .field("stamp", &self.stamp)
            .finish_non_exhaustive()
    }
}

impl VerdictCache {
    pub(crate) fn open(directory: &Path, analyzer: &Analyzer) -> Option<VerdictCache> {
        std::fs::create_dir_all(directory).ok()?;
        let connection = rusqlite::Connection::open(directory.join("verdicts.sqlite")).ok()?;
        connection
            .busy_timeout(std::time::Duration::from_millis(500))
            .ok()?;
        connection
            .execute_batch(
                "PRAGMA synchronous = OFF;
                 CREATE TABLE IF NOT EXISTS verdicts (
                     sha256 TEXT NOT NULL,
                     stamp TEXT NOT NULL,
                     verdict TEXT NOT NULL,
                     PRIMARY KEY (sha256, stamp)
                 ) WITHOUT ROWID;",
            )
            .ok()?;
        let stamp = format!(
            "{}/{}",
            customs_inspect::ANALYSIS_VERSION,
            analyzer.user_rules_digest().unwrap_or("-")
        );
        Some(VerdictCache { connection, stamp })
    }

    fn get(&self, sha256: &str) -> Option<Verdict> {
        let json: String = self
            .connection
            .query_row(
                "SELECT verdict FROM verdicts WHERE sha256 = ?1 AND stamp = ?2",
                rusqlite::params![sha256, self.stamp],
                |row| row.get(0),
            )
            .ok()?;
        // A row that does not read back is no verdict: the artifact is analysed again.
        serde_json::from_str(&json).ok()
    }

    fn put(&self, sha256: &str, verdict: &Verdict) {
        if let Ok(json) = serde_json::to_string(verdict) {
            let _ = self.connection.execute(
                "INSERT OR REPLACE INTO verdicts (sha256, stamp, verdict) VALUES (?1, ?2, ?3)",
                rusqlite::params![sha256, self.stamp, json],
            );
        }
    }
}

/// Opens the archive at `path` (its kind told by its first bytes, never by its name) and
/// analyses it as a package of `ecosystem`.
pub(crate) fn analyze_file(
    analyzer: &Analyzer,
    path: &Path,
    ecosystem: Ecosystem,
) -> Result<Verdict, String> {
    let mut file = File::open(path).map_err(|error| format!("cannot open: {error}"))?;
    let mut head = [0u8; 512];
    let mut filled = 0;
    while filled < head.len() {
        match file.read(&mut head[filled..]) {
            Ok(0) => break,
            Ok(read) => filled += read,
            Err(error) => return Err(format!("cannot read: {error}")),
        }
    }
    let head = head.get(..filled).unwrap_or_default();
    let kind =
        ArchiveKind::detect(head).ok_or_else(|| "not a tar.gz, tar or zip archive".to_owned())?;
    let reader = std::io::Cursor::new(head.to_vec()).chain(file);
    let archive = customs_inspect::read_archive_from(reader, kind, &Limits::default())
        .map_err(|error| error.to_string())?;
    Ok(analyzer.analyze(&archive, ecosystem))
}

/// The verdicts on `artifacts` (each with the ecosystem of its package), from the cache where
/// kept, else analysed (in parallel) and kept.
pub(crate) fn verdicts(
    analyzer: &Analyzer,
    cache: Option<&VerdictCache>,
    artifacts: &[(&Artifact, Ecosystem)],
) -> Vec<Result<Verdict, String>> {
    let kept: Vec<Option<Verdict>> = artifacts
        .iter()
        .map(|(artifact, _)| cache.and_then(|cache| cache.get(&artifact.sha256)))
        .collect();
    let fresh: Vec<Option<Result<Verdict, String>>> = artifacts
        .par_iter()
        .zip(kept.par_iter())
        .map(|((artifact, ecosystem), kept)| match kept {
            Some(_) => None,
            None => Some(analyze_file(analyzer, &artifact.path, *ecosystem)),
        })
        .collect();
    artifacts
        .iter()
        .zip(kept)
        .zip(fresh)
        .map(|(((artifact, _), kept), fresh)| match (kept, fresh) {
            (Some(verdict), _) => Ok(verdict),
            (None, Some(Ok(verdict))) => {
                if let Some(cache) = cache {
                    cache.put(&artifact.sha256, &verdict);
                }
                Ok(verdict)
            }
            (None, Some(Err(error))) => Err(error),
            (None, None) => Err("not analysed".to_owned()),
        })
        .collect()
}

/// Inspects the artifacts of the packages of `inventory` that `selected` picks: fetched (or
/// taken from the artifact cache) and verified by `customs-registry`, then analysed.
///
/// `previous` holds, by lockfile and package index, the version published before the locked
/// one (from the registry evidence): each package found there is compared with it
/// ([`customs_inspect::compare`]).
pub(crate) fn inspect_inventory(
    inventory: &Inventory,
    config: &RegistryConfig,
    analyzer: &Analyzer,
    previous: &HashMap<(usize, usize), String>,
    selected: impl Fn(usize, usize) -> bool,
) -> anyhow::Result<Evidence> {
    let options = ArtifactOptions::default();
    // The project's own packages (workspace members, path dependencies) are its code, not
    // something it takes in.
    let foreign = |lockfile: usize, package: usize| {
        selected(lockfile, package)
            && inventory
                .lockfiles
                .get(lockfile)
                .and_then(|l| l.packages.get(package))
                .is_some_and(|p| !p.is_local())
    };
    let fetched =
        customs_registry::artifacts::fetch_artifacts(inventory, config, &options, foreign)
            .context("cannot fetch the packages' artifacts")?;
    let cache = VerdictCache::open(&options.cache_dir_for(config), analyzer);
    let mut evidence = Evidence::default();
    let mut wanted: Vec<(usize, usize, &Artifact, Ecosystem)> = Vec::new();
    for item in &fetched.items {
        let ecosystem = inventory
            .lockfiles
            .get(item.lockfile)
            .and_then(|l| l.packages.get(item.package))
            .map(|p| p.ecosystem);
        let Some(ecosystem) = ecosystem else {
            continue;
        };
        match &item.outcome {
            ArtifactOutcome::Fetched(artifacts) => {
                for artifact in artifacts {
                    wanted.push((item.lockfile, item.package, artifact, ecosystem));
                }
            }
            ArtifactOutcome::IntegrityMismatch {
                url,
                expected,
                actual,
            } => evidence.mismatches.push(Mismatch {
                lockfile: item.lockfile,
                package: item.package,
                url: url.clone(),
                expected: expected.clone(),
                actual: actual.clone(),
            }),
            ArtifactOutcome::Unavailable { reason } => evidence.unchecked.push(Unchecked {
                lockfile: item.lockfile,
                package: item.package,
                reason: reason.clone(),
            }),
        }
    }
    let list: Vec<(&Artifact, Ecosystem)> = wanted
        .iter()
        .map(|(_, _, artifact, ecosystem)| (*artifact, *ecosystem))
        .collect();
    let results = verdicts(analyzer, cache.as_ref(), &list);
    for ((lockfile, package, artifact, _), result) in wanted.into_iter().zip(results) {
        match result {
            Ok(verdict) => {
                let verdict = ArtifactVerdict {
                    file_name: artifact.file_name.clone(),
                    sha256: artifact.sha256.clone(),
                    verdict,
                };
                match evidence.packages.last_mut() {
                    Some(last) if last.lockfile == lockfile && last.package == package => {
                        last.artifacts.push(verdict);
                    }
                    _ => evidence.packages.push(PackageVerdicts {
                        lockfile,
                        package,
                        artifacts: vec![verdict],
                    }),
                }
            }
            Err(reason) => evidence.unchecked.push(Unchecked {
                lockfile,
                package,
                reason: format!("{} cannot be opened: {reason}", artifact.file_name),
            }),
        }
    }
    compare_with_previous(
        inventory,
        config,
        &options,
        analyzer,
        cache.as_ref(),
        previous,
        &mut evidence,
    );
    Ok(evidence)
}

/// Why a package was not compared with its previous release (one reason, so that the
/// `inspect-unchecked` finding groups them).
const PREVIOUS_UNAVAILABLE: &str = "the previous release could not be fetched and opened, so the locked one was not compared with it";

/// Compares each inspected package with the release before it: fetches the previous release's
/// artifacts (concurrently, verified against the registry's digests, cached), analyses them
/// (verdicts cached), and pairs artifacts of the same kind (a wheel with a wheel, an sdist
/// with an sdist).
fn compare_with_previous(
    inventory: &Inventory,
    config: &RegistryConfig,
    options: &ArtifactOptions,
    analyzer: &Analyzer,
    cache: Option<&VerdictCache>,
    previous: &HashMap<(usize, usize), String>,
    evidence: &mut Evidence,
) {
    let locked_package = |lockfile: usize, package: usize| {
        inventory
            .lockfiles
            .get(lockfile)
            .and_then(|l| l.packages.get(package))
    };
    // (index into evidence.packages, the previous version, the release to fetch)
    let mut wanted: Vec<(usize, &str, Package)> = Vec::new();
    for (index, item) in evidence.packages.iter().enumerate() {
        let (Some(version), Some(package)) = (
            previous.get(&(item.lockfile, item.package)),
            locked_package(item.lockfile, item.package),
        ) else {
            continue;
        };
        let release = Package::new(
            package.ecosystem,
            package.name.clone(),
            Some(Version::new(package.ecosystem, version)),
            Source::registry(package.ecosystem),
        );
        wanted.push((index, version.as_str(), release));
    }
    if wanted.is_empty() {
        return;
    }
    let releases: Vec<Package> = wanted
        .iter()
        .map(|(_, _, release)| release.clone())
        .collect();
    let earlier = previous_releases(&releases, config, options, analyzer, cache);
    let mut changes = Vec::new();
    let mut unchecked = Vec::new();
    for ((index, version, _), found) in wanted.iter().zip(&earlier) {
        let Some(item) = evidence.packages.get(*index) else {
            continue;
        };
        let Some(locked_version) = locked_package(item.lockfile, item.package)
            .and_then(|package| package.version.as_ref())
        else {
            continue;
        };
        let locked: Vec<(&str, &Verdict)> = item
            .artifacts
            .iter()
            .map(|artifact| (artifact.file_name.as_str(), &artifact.verdict))
            .collect();
        let comparison = compare_release(&locked, found, version, locked_version.as_str());
        if !comparison.compared {
            unchecked.push(Unchecked {
                lockfile: item.lockfile,
                package: item.package,
                reason: PREVIOUS_UNAVAILABLE.to_owned(),
            });
        } else if let Some((locked, earlier)) = comparison.shown
            && let (Some(locked), Some((artifact, _))) =
                (item.artifacts.get(locked), found.get(earlier))
        {
            changes.push(PackageChanges {
                lockfile: item.lockfile,
                package: item.package,
                previous_version: (*version).to_owned(),
                artifact: locked.file_name.clone(),
                sha256: locked.sha256.clone(),
                previous_artifact: artifact.file_name.clone(),
                changes: comparison.changes,
            });
        }
    }
    evidence.changes = changes;
    evidence.unchecked.extend(unchecked);
}

/// The artifacts of each of `releases` (registry packages with a version), fetched
/// concurrently, verified against the registry's digests and cached, with their verdicts (kept
/// in `cache`), in the order of `releases`. A release that cannot be fetched, or an artifact
/// that cannot be opened, leaves nothing: the caller says the release was not compared.
pub(crate) fn previous_releases(
    releases: &[Package],
    config: &RegistryConfig,
    options: &ArtifactOptions,
    analyzer: &Analyzer,
    cache: Option<&VerdictCache>,
) -> Vec<Vec<(Artifact, Verdict)>> {
    let outcomes =
        customs_registry::artifacts::fetch_releases(releases, config, options).unwrap_or_default();
    let mut list: Vec<(&Artifact, Ecosystem)> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    for (slot, outcome) in outcomes.iter().enumerate() {
        if let (ArtifactOutcome::Fetched(artifacts), Some(release)) = (outcome, releases.get(slot))
        {
            for artifact in artifacts {
                list.push((artifact, release.ecosystem));
                owner.push(slot);
            }
        }
    }
    let results = verdicts(analyzer, cache, &list);
    let mut found: Vec<Vec<(Artifact, Verdict)>> = releases.iter().map(|_| Vec::new()).collect();
    for ((slot, (artifact, _)), result) in owner.into_iter().zip(&list).zip(results) {
        if let (Ok(verdict), Some(found)) = (result, found.get_mut(slot)) {
            found.push(((*artifact).clone(), verdict));
        }
    }
    found
}

/// What a release adds to the one before it.
pub(crate) struct Comparison {
    /// Whether any artifact of the release had one of the same kind to be compared with.
    pub(crate) compared: bool,
    /// Every change, sorted, each once.
    pub(crate) changes: Vec<customs_inspect::Change>,
    /// The first pair that shows a change: indices into the locked and previous artifacts.
    pub(crate) shown: Option<(usize, usize)>,
}

/// Compares the artifacts of a release (`locked`: file names and verdicts, at version
/// `locked_version`) with those of the release before it (`previous`, at `previous_version`),
/// pairing artifacts of the same kind (a wheel with a wheel, an sdist with an sdist).
pub(crate) fn compare_release(
    locked: &[(&str, &Verdict)],
    previous: &[(Artifact, Verdict)],
    previous_version: &str,
    locked_version: &str,
) -> Comparison {
    let is_wheel = |file_name: &str| file_name.ends_with(".whl");
    let bump = customs_inspect::bump(previous_version, locked_version);
    let mut comparison = Comparison {
        compared: false,
        changes: Vec::new(),
        shown: None,
    };
    for (at, (file_name, verdict)) in locked.iter().enumerate() {
        let Some((earlier, (_, previous_verdict))) = previous
            .iter()
            .enumerate()
            .find(|(_, (artifact, _))| is_wheel(&artifact.file_name) == is_wheel(file_name))
        else {
            continue;
        };
        comparison.compared = true;
        let added = customs_inspect::compare(previous_verdict, verdict, bump);
        if !added.is_empty() && comparison.shown.is_none() {
            comparison.shown = Some((at, earlier));
        }
        comparison.changes.extend(added);
    }
    comparison.changes.sort();
    comparison.changes.dedup();
    comparison
}

/// The rule files of `--rules` and of customs.toml's `[inspect] rules`, in that order.
///
/// The compiled rules are kept in `rules/` beside the advisory database `db` (when there is a
/// place for it): compiling them is most of what a small inspection costs.
pub(crate) fn analyzer(rules: &[PathBuf], db: Option<&Path>) -> anyhow::Result<Analyzer> {
    match db {
        Some(db) => Analyzer::with_rule_cache(rules, &db.with_file_name("rules")),
        None => Analyzer::new(rules),
    }
    .context("cannot load the inspection rules")
}

/// The largest local artifact `customs inspect` opens.
const MAX_LOCAL_BYTES: u64 = 512 * 1024 * 1024;

/// A local artifact opened, with its SHA-256.
pub(crate) fn read_file(path: &Path) -> Result<(customs_inspect::Archive, Option<String>), String> {
    use sha2::Digest as _;

    let size = std::fs::metadata(path)
        .map_err(|error| format!("cannot read: {error}"))?
        .len();
    if size > MAX_LOCAL_BYTES {
        return Err(format!("larger than {MAX_LOCAL_BYTES} bytes"));
    }
    let bytes = std::fs::read(path).map_err(|error| format!("cannot read: {error}"))?;
    let kind =
        ArchiveKind::detect(&bytes).ok_or_else(|| "not a tar.gz, tar or zip archive".to_owned())?;
    let archive = customs_inspect::read_archive(&bytes, kind, &Limits::default())
        .map_err(|error| error.to_string())?;
    let sha256 = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Ok((archive, Some(sha256)))
}

/// An unpacked package directory, read as an archive of its regular files: symlinks and
/// anything else are left out (never followed), and the same limits apply as to a download
/// (the files are packed into an in-memory tar and read back by the hostile-archive reader).
pub(crate) fn read_directory(
    root: &Path,
) -> Result<(customs_inspect::Archive, Option<String>), String> {
    let limits = Limits::default();
    let mut builder = tar::Builder::new(Vec::new());
    let mut total: u64 = 0;
    let mut entries: usize = 0;
    let mut pending = vec![root.to_path_buf()];
    while let Some(directory) = pending.pop() {
        let mut children: Vec<std::fs::DirEntry> = std::fs::read_dir(&directory)
            .map_err(|error| format!("cannot read `{}`: {error}", directory.display()))?
            .filter_map(Result::ok)
            .collect();
        children.sort_by_key(std::fs::DirEntry::file_name);
        for child in children {
            let Ok(kind) = child.file_type() else {
                continue;
            };
            let path = child.path();
            if kind.is_dir() {
                // What package managers never publish, and what makes a tree huge.
                let name = child.file_name();
                if !matches!(name.to_str(), Some(".git" | "node_modules" | "target")) {
                    pending.push(path);
                }
                continue;
            }
            if !kind.is_file() {
                continue;
            }
            entries += 1;
            if entries > limits.max_entries {
                return Err(format!("more than {} files", limits.max_entries));
            }
            let Ok(relative) = path.strip_prefix(root) else {
                continue;
            };
            let size = child.metadata().map(|m| m.len()).unwrap_or(0);
            if size > limits.max_file_bytes {
                continue;
            }
            total += size;
            if total > limits.max_total_bytes {
                return Err(format!(
                    "more than {} bytes of files",
                    limits.max_total_bytes
                ));
            }
            let data = std::fs::read(&path)
                .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(tar::EntryType::Regular);
            builder
                .append_data(&mut header, relative, data.as_slice())
                .map_err(|error| format!("cannot pack `{}`: {error}", path.display()))?;
        }
    }
    let bytes = builder
        .into_inner()
        .map_err(|error| format!("cannot pack the directory: {error}"))?;
    let archive = customs_inspect::read_archive(&bytes, ArchiveKind::Tar, &limits)
        .map_err(|error| error.to_string())?;
    Ok((archive, None))
}

/// What a package's manifest says it is: `package.json` npm, `Cargo.toml` a crate, Python
/// metadata (`PKG-INFO`, `*.dist-info`, `setup.py`, `pyproject.toml`) PyPI.
pub(crate) fn ecosystem_of(archive: &customs_inspect::Archive) -> Option<Ecosystem> {
    let has = |name: &str| archive.files.iter().any(|file| file.path == name);
    if has("package.json") {
        Some(Ecosystem::Npm)
    } else if has("Cargo.toml") {
        Some(Ecosystem::CratesIo)
    } else if has("PKG-INFO")
        || has("setup.py")
        || has("pyproject.toml")
        || archive.files.iter().any(|file| {
            file.path
                .split('/')
                .next()
                .is_some_and(|top| top.ends_with(".dist-info"))
        })
    {
        Some(Ecosystem::PyPI)
    } else {
        None
    }
}
