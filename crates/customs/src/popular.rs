//! The popular-name lists that typosquat checks compare names with, kept beside the advisory
//! database (`popular/` in its directory) and refreshed by `customs db update`.
//!
//! A source is laid out like the advisory source: an `https://` (or `http://`) base URL, a
//! `file://` URL or a directory holding `npm.csv`, `pypi.csv` and `crates.csv` in the format
//! [`customs_typosquat::Corpus::parse_csv`] reads (`name,rank` or `name,downloads`). Every list
//! is read and validated before any is written, and each is replaced by a rename: a failed or
//! partial update leaves the lists that were there. A source without one of the lists keeps the
//! previous copy of that list.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use customs_advisory::Source;
use customs_core::Ecosystem;
use customs_core::Inventory;
use customs_typosquat::{
    Corpus, Detector, Evidence, MAX_SIGNAL_RAISE, Options, Signals, Suspicion,
};
use serde::{Deserialize, Serialize};

/// Each ecosystem's list, by file name at the source and in the directory.
pub(crate) const FILES: [(Ecosystem, &str); 3] = [
    (Ecosystem::Npm, "npm.csv"),
    (Ecosystem::PyPI, "pypi.csv"),
    (Ecosystem::CratesIo, "crates.csv"),
];

/// Far above any real list (the largest public one is under 1 MB).
const MAX_LIST_BYTES: u64 = 32 * 1024 * 1024;

const META: &str = "lists.json";

/// Where the lists of the database at `db` live.
pub(crate) fn directory(db: &Path) -> PathBuf {
    db.with_file_name("popular")
}

/// What `lists.json` records of one list.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct ListInfo {
    pub(crate) source: String,
    /// RFC 3339, seconds.
    pub(crate) fetched: String,
    pub(crate) names: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Meta {
    /// By OSV ecosystem name.
    lists: BTreeMap<String, ListInfo>,
}

/// What an update did to one list.
#[derive(Debug)]
pub(crate) enum ListUpdate {
    Updated {
        names: usize,
    },
    /// The source has no such list, or could not give it; the previous copy (if any) is kept.
    Missing {
        reason: String,
    },
    /// The stored list is recent enough; the origin was not asked.
    Fresh,
}

/// The public origins of the lists, refreshed when the stored copy is older than this: they
/// change slowly, and crates.io's crawler policy makes its list take a minute.
pub(crate) const UPSTREAM_REFRESH: std::time::Duration =
    std::time::Duration::from_secs(7 * 24 * 3_600);

/// Fetches every list from `source` (as `--popular-source` takes it), validates them all, then
/// replaces the stored copies. A list the source lacks is reported [`ListUpdate::Missing`].
pub(crate) fn update(db: &Path, source: &str) -> anyhow::Result<Vec<(Ecosystem, ListUpdate)>> {
    let parsed = Source::parse(source)?;
    let shown = parsed.display();
    let mut fetched = Vec::new();
    for (ecosystem, file) in FILES {
        let location = format!("{}/{file}", shown.trim_end_matches('/'));
        let bytes = customs_advisory::fetch_file(&parsed, file, MAX_LIST_BYTES)
            .with_context(|| format!("cannot fetch the popular-name list `{location}`"))?;
        let text = match bytes {
            Some(bytes) => Ok(String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("the popular-name list `{location}` is not UTF-8"))?),
            None => Err(format!("not at {location}")),
        };
        fetched.push((ecosystem, location, shown.clone(), text));
    }
    store(db, fetched)
}

/// Fetches the lists from their public origins (npm-high-impact through the npm registry
/// `npm_registry`, the top-pypi-packages dataset, the crates.io API), each unless its stored
/// copy is younger than [`UPSTREAM_REFRESH`]. An origin that cannot be reached keeps the
/// previous copy, and says why.
pub(crate) fn update_upstream(
    db: &Path,
    npm_registry: &str,
) -> anyhow::Result<Vec<(Ecosystem, ListUpdate)>> {
    use customs_registry::popular::{self as upstream, PopularLimits};

    let limits = PopularLimits::default();
    let pypi = std::env::var("CUSTOMS_POPULAR_PYPI_URL")
        .unwrap_or_else(|_| upstream::DEFAULT_PYPI_URL.to_owned());
    let crates = std::env::var("CUSTOMS_POPULAR_CRATES_API")
        .unwrap_or_else(|_| upstream::DEFAULT_CRATES_API.to_owned());
    let stored = status(db);
    let now = SystemTime::now();
    let mut fresh = Vec::new();
    let mut due = Vec::new();
    for (ecosystem, _) in FILES {
        let age = stored
            .iter()
            .find(|(e, _)| *e == ecosystem)
            .and_then(|(_, info)| info.as_ref())
            .and_then(|info| humantime::parse_rfc3339(&info.fetched).ok())
            .and_then(|fetched| now.duration_since(fetched).ok());
        if age.is_some_and(|age| age < UPSTREAM_REFRESH) {
            fresh.push((ecosystem, ListUpdate::Fresh));
        } else {
            due.push(ecosystem);
        }
    }
    let fetch = |ecosystem: Ecosystem| -> Fetched {
        let (origin, result) = match ecosystem {
            Ecosystem::Npm => (
                format!(
                    "{}{}",
                    customs_core::redacted_url(npm_registry),
                    upstream::NPM_PACKAGE
                ),
                upstream::fetch_npm_popular(npm_registry, &limits),
            ),
            Ecosystem::PyPI => (pypi.clone(), upstream::fetch_pypi_popular(&pypi, &limits)),
            Ecosystem::CratesIo => (
                crates.clone(),
                upstream::fetch_crates_popular(
                    &crates,
                    upstream::DEFAULT_CRATES_PAGES,
                    upstream::CRATES_PAUSE,
                    &limits,
                ),
            ),
        };
        (
            ecosystem,
            origin.clone(),
            origin,
            result.map_err(|error| error.to_string()),
        )
    };
    // Three origins, three servers: asked at once (crates.io's pacing alone takes a minute).
    let fetched: Vec<Fetched> = std::thread::scope(|scope| {
        let handles: Vec<_> = due
            .iter()
            .map(|&ecosystem| (ecosystem, scope.spawn(move || fetch(ecosystem))))
            .collect();
        handles
            .into_iter()
            .map(|(ecosystem, handle)| {
                handle.join().unwrap_or_else(|_| {
                    (
                        ecosystem,
                        String::new(),
                        String::new(),
                        Err("the fetch failed".to_owned()),
                    )
                })
            })
            .collect()
    });
    let mut outcomes = store(db, fetched)?;
    outcomes.extend(fresh);
    outcomes.sort_by_key(|(ecosystem, _)| *ecosystem);
    Ok(outcomes)
}

/// A fetched list: its ecosystem, where it was read, the source to record, and its text or
/// why there is none.
type Fetched = (Ecosystem, String, String, Result<String, String>);

/// Validates every fetched list, then replaces the stored copies of the valid ones.
fn store(db: &Path, lists: Vec<Fetched>) -> anyhow::Result<Vec<(Ecosystem, ListUpdate)>> {
    let mut fetched = Vec::new();
    let mut outcomes = Vec::new();
    for (ecosystem, location, source, text) in lists {
        let text = match text {
            Ok(text) => text,
            Err(reason) => {
                outcomes.push((ecosystem, ListUpdate::Missing { reason }));
                continue;
            }
        };
        let corpus = Corpus::parse_csv(ecosystem, &text)
            .with_context(|| format!("the popular-name list `{location}` is not valid"))?;
        if corpus.is_empty() {
            bail!("the popular-name list `{location}` holds no names");
        }
        outcomes.push((
            ecosystem,
            ListUpdate::Updated {
                names: corpus.len(),
            },
        ));
        let file = FILES
            .iter()
            .find(|(e, _)| *e == ecosystem)
            .map_or("unknown.csv", |(_, file)| file);
        fetched.push((ecosystem, file, text, corpus.len(), source));
    }
    if fetched.is_empty() {
        return Ok(outcomes);
    }
    let directory = directory(db);
    fs::create_dir_all(&directory)
        .with_context(|| format!("cannot create `{}`", directory.display()))?;
    let mut meta = read_meta(&directory);
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    for (ecosystem, file, text, names, source) in fetched {
        write_atomically(&directory.join(file), text.as_bytes())?;
        meta.lists.insert(
            ecosystem.osv_name().to_owned(),
            ListInfo {
                source,
                fetched: now.clone(),
                names,
            },
        );
    }
    let json = serde_json::to_vec_pretty(&meta).context("cannot encode the list metadata")?;
    write_atomically(&directory.join(META), &json)?;
    // Verdicts are stamped with the lists they were made with; dropping them keeps the cache
    // from growing with stale rows.
    for stale in [VERDICTS, "verdicts.sqlite-wal", "verdicts.sqlite-shm"] {
        let _ = fs::remove_file(directory.join(stale));
    }
    Ok(outcomes)
}

/// What is stored for each ecosystem, for `db status`.
pub(crate) fn status(db: &Path) -> Vec<(Ecosystem, Option<ListInfo>)> {
    let directory = directory(db);
    let meta = read_meta(&directory);
    FILES
        .iter()
        .map(|&(ecosystem, file)| {
            let info = meta
                .lists
                .get(ecosystem.osv_name())
                .filter(|_| directory.join(file).is_file())
                .cloned();
            (ecosystem, info)
        })
        .collect()
}

/// The stored list of `ecosystem`: `Ok(None)` when there is none.
pub(crate) fn load(db: &Path, ecosystem: Ecosystem) -> anyhow::Result<Option<Corpus>> {
    let Some(&(_, file)) = FILES.iter().find(|(e, _)| *e == ecosystem) else {
        return Ok(None);
    };
    let path = directory(db).join(file);
    if !path.is_file() {
        return Ok(None);
    }
    let text = customs_discover::read_text(&path, MAX_LIST_BYTES)
        .map_err(|message| anyhow::anyhow!("{}: {message}", path.display()))?;
    let corpus = Corpus::parse_csv(ecosystem, &text)
        .with_context(|| format!("the popular-name list `{}` is not valid", path.display()))?;
    Ok(Some(corpus))
}

fn read_meta(directory: &Path) -> Meta {
    fs::read(directory.join(META))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let result = File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| fs::rename(&temporary, path));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.with_context(|| format!("cannot write `{}`", path.display()))
}

/// Typosquat verdicts kept between runs (`popular/verdicts.sqlite`): checking a name against a
/// list costs far more than reading a row, and a project's names rarely change from one scan
/// to the next. A verdict is keyed by the ecosystem, the name and a stamp of the analysis and
/// the list it was made with, so a new list or a new customs never reads an old verdict. The
/// cache is best-effort: when it cannot be opened or written, names are simply checked again.
pub(crate) struct Verdicts {
    connection: rusqlite::Connection,
}

impl std::fmt::Debug for Verdicts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verdicts").finish_non_exhaustive()
    }
}

const VERDICTS: &str = "verdicts.sqlite";

impl Verdicts {
    /// Opens (creating) the cache beside the lists of the database at `db`; `None` when the
    /// lists' directory does not exist or the cache cannot be opened.
    pub(crate) fn open(db: &Path) -> Option<Verdicts> {
        let directory = directory(db);
        if !directory.is_dir() {
            return None;
        }
        let connection = rusqlite::Connection::open(directory.join(VERDICTS)).ok()?;
        // Concurrent scans share the file: a short wait, then do without.
        connection
            .busy_timeout(std::time::Duration::from_millis(200))
            .ok()?;
        connection
            // A cache: no waiting for the disk. A file a crash left damaged reads as no
            // verdicts, and names are checked again.
            .execute_batch(
                "PRAGMA synchronous = OFF;
                 CREATE TABLE IF NOT EXISTS verdicts (
                     ecosystem TEXT NOT NULL,
                     name TEXT NOT NULL,
                     stamp TEXT NOT NULL,
                     suspicion TEXT,
                     PRIMARY KEY (ecosystem, name)
                 ) WITHOUT ROWID;",
            )
            .ok()?;
        Some(Verdicts { connection })
    }

    /// What the analysis of this customs, with the list `info` describes, is stamped with.
    pub(crate) fn stamp(info: &ListInfo) -> String {
        format!(
            "{}/{}/{}",
            customs_typosquat::ANALYSIS_VERSION,
            info.fetched,
            info.names
        )
    }

    /// Every verdict kept for `ecosystem` under `stamp`, by name: one query, so one lock of the
    /// file however many names a project has.
    pub(crate) fn all(
        &self,
        ecosystem: Ecosystem,
        stamp: &str,
    ) -> HashMap<String, Option<customs_typosquat::Suspicion>> {
        let mut verdicts = HashMap::new();
        let Ok(mut statement) = self
            .connection
            .prepare("SELECT name, suspicion FROM verdicts WHERE ecosystem = ?1 AND stamp = ?2")
        else {
            return verdicts;
        };
        let Ok(rows) = statement.query_map(rusqlite::params![ecosystem.osv_name(), stamp], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Option<String>>(1)?))
        }) else {
            return verdicts;
        };
        for (name, stored) in rows.flatten() {
            let verdict = match stored {
                None => None,
                // A row that does not read back is no verdict: the name is checked again.
                Some(json) => match serde_json::from_str(&json) {
                    Ok(suspicion) => Some(suspicion),
                    Err(_) => continue,
                },
            };
            verdicts.insert(name, verdict);
        }
        verdicts
    }

    /// Keeps `verdicts`, all made under `stamp`.
    pub(crate) fn put(
        &mut self,
        ecosystem: Ecosystem,
        stamp: &str,
        verdicts: &[(&str, Option<customs_typosquat::Suspicion>)],
    ) {
        let Ok(transaction) = self.connection.transaction() else {
            return;
        };
        {
            let Ok(mut statement) = transaction.prepare(
                "INSERT OR REPLACE INTO verdicts (ecosystem, name, stamp, suspicion)
                 VALUES (?1, ?2, ?3, ?4)",
            ) else {
                return;
            };
            for (name, suspicion) in verdicts {
                let json = suspicion
                    .as_ref()
                    .and_then(|suspicion| serde_json::to_string(suspicion).ok());
                if statement
                    .execute(rusqlite::params![ecosystem.osv_name(), name, stamp, json])
                    .is_err()
                {
                    return;
                }
            }
        }
        let _ = transaction.commit();
    }
}

/// The typosquat verdict of every registry package name of an inventory, made without the
/// registry's signals (with room for them: suspicions down to [`MAX_SIGNAL_RAISE`] below the
/// threshold are kept, for the signals to settle).
#[derive(Debug)]
pub(crate) struct NameVerdicts<'a> {
    verdicts: HashMap<(Ecosystem, &'a str), Option<Suspicion>>,
    /// The ecosystems with a usable list.
    covered: BTreeSet<Ecosystem>,
}

impl<'a> NameVerdicts<'a> {
    /// Checks every registry package name of `inventory` against the popular-name lists kept
    /// beside the database at `db`. Verdicts kept from earlier runs are reused; only new names
    /// are checked, and only the lists of their ecosystems are read. An ecosystem without a
    /// usable list is left uncovered, with a warning saying why when its list could not be read.
    pub(crate) fn of(db: &Path, inventory: &'a Inventory) -> NameVerdicts<'a> {
        let names = customs_typosquat::registry_names(inventory);
        let wanted: BTreeSet<Ecosystem> = names.iter().map(|(ecosystem, _)| *ecosystem).collect();
        let mut stamps: BTreeMap<Ecosystem, String> = status(db)
            .into_iter()
            .filter(|(ecosystem, _)| wanted.contains(ecosystem))
            .filter_map(|(ecosystem, info)| Some((ecosystem, Verdicts::stamp(&info?))))
            .collect();
        let mut cache = Verdicts::open(db);
        let kept: BTreeMap<Ecosystem, HashMap<String, Option<Suspicion>>> = match &cache {
            Some(cache) => stamps
                .iter()
                .map(|(ecosystem, stamp)| (*ecosystem, cache.all(*ecosystem, stamp)))
                .collect(),
            None => BTreeMap::new(),
        };
        let mut verdicts = HashMap::new();
        let mut unknown: BTreeMap<Ecosystem, Vec<&str>> = BTreeMap::new();
        for &(ecosystem, name) in &names {
            if !stamps.contains_key(&ecosystem) {
                continue;
            }
            match kept.get(&ecosystem).and_then(|kept| kept.get(name)) {
                Some(verdict) => {
                    verdicts.insert((ecosystem, name), verdict.clone());
                }
                None => unknown.entry(ecosystem).or_default().push(name),
            }
        }
        let options = Options {
            min_score: Options::default().min_score - MAX_SIGNAL_RAISE,
            ..Options::default()
        };
        for (ecosystem, names) in unknown {
            let corpus = match load(db, ecosystem) {
                Ok(Some(corpus)) => corpus,
                Ok(None) => {
                    stamps.remove(&ecosystem);
                    continue;
                }
                Err(error) => {
                    eprintln!("customs: warning: {error:#}");
                    stamps.remove(&ecosystem);
                    continue;
                }
            };
            let detector = Detector::new([corpus], options.clone());
            let checked: Vec<(&str, Option<Suspicion>)> = names
                .into_iter()
                .map(|name| (name, detector.check(ecosystem, name, None)))
                .collect();
            if let (Some(cache), Some(stamp)) = (cache.as_mut(), stamps.get(&ecosystem)) {
                cache.put(ecosystem, stamp, &checked);
            }
            verdicts.extend(checked.into_iter().map(|(name, v)| ((ecosystem, name), v)));
            // The index is large and the process ends soon: the OS takes it back at once.
            crate::exit_without_freeing(detector);
        }
        NameVerdicts {
            verdicts,
            covered: stamps.into_keys().collect(),
        }
    }

    /// The packages whose maintainers the typosquat evidence needs: for each suspicion the
    /// registry's other signals leave at or above the threshold, the imitated package, and on
    /// crates.io (whose index names no owners) the suspected package too. Only packages from
    /// their ecosystem's public registry are weighed so (see [`shares_maintainer`]); neither is
    /// a suspicion already below the threshold (a shared maintainer only lowers a score), nor
    /// one whose own maintainers the registry did not name. A handful per scan, so that the
    /// registries are asked little beyond what the checks fetched.
    pub(crate) fn maintainers_wanted(
        &self,
        inventory: &Inventory,
        registry: &customs_registry::Evidence,
        now: jiff::Timestamp,
    ) -> Vec<(Ecosystem, String)> {
        let threshold = Options::default().min_score;
        let mut wanted: BTreeSet<(Ecosystem, String)> = BTreeSet::new();
        for found in &registry.packages {
            let Some(package) = inventory
                .lockfiles
                .get(found.lockfile)
                .and_then(|lockfile| lockfile.packages.get(found.package))
            else {
                continue;
            };
            let ecosystem = package.ecosystem;
            if !from_public_registry(package) {
                continue;
            }
            let Some(Some(suspicion)) = self.verdicts.get(&(ecosystem, package.name.as_str()))
            else {
                continue;
            };
            if suspicion.with_signals(&signals(found, None, now)).score < threshold {
                continue;
            }
            match (&found.maintainers, ecosystem) {
                (Some(_), _) => {}
                (None, Ecosystem::CratesIo) => {
                    wanted.insert((ecosystem, package.name.as_str().to_owned()));
                }
                // The document the check read named nobody (a PyPI mirror without
                // `ownership`): there is nothing to compare the target's with.
                (None, Ecosystem::Npm | Ecosystem::PyPI) => continue,
            }
            wanted.insert((ecosystem, suspicion.target.clone()));
        }
        wanted.into_iter().collect()
    }

    /// The typosquat evidence: each package's verdict, weighed with what the registry says of
    /// it where the registry was asked (and, with `maintainers`, whether it shares a maintainer
    /// with the package it imitates), against the default threshold.
    pub(crate) fn evidence(
        &self,
        inventory: &Inventory,
        registry: Option<&customs_registry::Evidence>,
        maintainers: Option<&customs_registry::Maintainers>,
        now: jiff::Timestamp,
    ) -> Evidence {
        let threshold = Options::default().min_score;
        Evidence::from_verdicts(
            inventory,
            |ecosystem| self.covered.contains(&ecosystem),
            |lockfile, package, ecosystem, name| {
                let suspicion = self.verdicts.get(&(ecosystem, name))?.as_ref()?;
                let weighed = match registry.and_then(|r| r.package(lockfile, package)) {
                    Some(found) => {
                        let shares = inventory
                            .lockfiles
                            .get(lockfile)
                            .and_then(|lockfile| lockfile.packages.get(package))
                            .and_then(|package| {
                                shares_maintainer(package, found, &suspicion.target, maintainers?)
                            });
                        suspicion.with_signals(&signals(found, shares, now))
                    }
                    None => suspicion.clone(),
                };
                (weighed.score >= threshold).then_some(weighed)
            },
        )
    }
}

/// Whether a package comes from its ecosystem's public registry, under any of its addresses.
fn from_public_registry(package: &customs_core::Package) -> bool {
    matches!(&package.source, customs_core::Source::Registry { url }
        if url == package.ecosystem.default_registry())
}

/// Whether `package` shares a maintainer with `target`, the package its name imitates: `None`
/// unless the registry named the maintainers of both. Accounts are compared only within one
/// registry: a package from a private registry or a mirror a lockfile names is left unknown,
/// since its accounts are not those of the public registry `target` is asked of (a private
/// `jdalton` is not npm's).
fn shares_maintainer(
    package: &customs_core::Package,
    found: &customs_registry::PackageEvidence,
    target: &str,
    maintainers: &customs_registry::Maintainers,
) -> Option<bool> {
    if !from_public_registry(package) {
        return None;
    }
    let ecosystem = package.ecosystem;
    let own = found
        .maintainers
        .as_deref()
        .or_else(|| maintainers.of(ecosystem, package.name.as_str()))?;
    let target = maintainers.of(ecosystem, target)?;
    Some(customs_registry::share_an_account(own, target))
}

/// What the registry's evidence says of a package, as the detector weighs it, with whether it
/// shares a maintainer with the package it imitates where that is known.
fn signals(
    evidence: &customs_registry::PackageEvidence,
    shares_maintainer: Option<bool>,
    now: jiff::Timestamp,
) -> Signals {
    Signals {
        shares_maintainer,
        age_days: evidence.first_published.map(|first| age_days(first, now)),
        version_count: evidence.version_count,
    }
}

/// Whole days from `first` to `now` (none for a time in the future).
pub(crate) fn age_days(first: jiff::Timestamp, now: jiff::Timestamp) -> u32 {
    u32::try_from(now.as_second().saturating_sub(first.as_second()).max(0) / 86_400)
        .unwrap_or(u32::MAX)
}
