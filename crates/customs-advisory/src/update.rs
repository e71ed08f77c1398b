//! `customs db update`: fetch every ecosystem's export, build a new database beside the old one,
//! and swap it in.
//!
//! - The new database is written whole under a temporary name (`<db>.update-<pid>`), checked by
//!   opening it, synced, then renamed over the old one: readers see the old database or the new
//!   one, never a mix, and a failed, corrupt or interrupted update leaves the old one as it was.
//!   An update takes `<db>.lock` first, so it can safely delete temporary files that an
//!   interrupted run left.
//! - When every export is unchanged (HTTP 304, or the same SHA-256) and the database was built
//!   from the same source by the same customs version, the database is kept; only its `checked`
//!   time moves, since the data is as fresh as the source.
//! - A source without an export for an ecosystem (404, or no such file) does not fail the update:
//!   the other ecosystems still get current data, and the database records the ecosystem as
//!   missing, so `customs db status` shows it and a scan reports that the ecosystem's packages
//!   were not checked. A source with no export at all fails the update.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, SystemTime};

use customs_core::Ecosystem;
use rayon::prelude::*;

use crate::Advisory;
use crate::import::{self, Export, ImportError, Limits};
use crate::source::{Content, Fetched, Fetcher, Location, Previous, Source, SourceError};
use crate::store::{
    self, Counts, EcosystemStatus, IMPORTER, NewDatabase, SourceState, Status, Store, StoreError,
};

/// How many names of invalid records a report carries per ecosystem.
const INVALID_EXAMPLES: usize = 5;

/// Where the database lives when neither `--db` nor `CUSTOMS_DB` says: the user's cache
/// directory (`~/.cache/customs/advisories.sqlite` on Linux).
pub fn default_db_path() -> Option<PathBuf> {
    dirs::cache_dir().map(|cache| cache.join("customs").join("advisories.sqlite"))
}

/// What to update from and where.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    pub db: PathBuf,
    pub source: Source,
    pub limits: Limits,
}

impl UpdateOptions {
    pub fn new(db: PathBuf, source: Source) -> Self {
        UpdateOptions {
            db,
            source,
            limits: Limits::default(),
        }
    }
}

/// How an export was fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FetchOutcome {
    Downloaded {
        bytes: u64,
    },
    /// The server answered 304: nothing was downloaded.
    NotModified,
    /// Read from a directory or `file://` source.
    Read {
        bytes: u64,
    },
    /// The source has no export for the ecosystem.
    Missing {
        reason: String,
    },
}

/// What an update is doing, for a progress display.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum ProgressEvent {
    /// Asking the source for an export.
    Fetching {
        ecosystem: Ecosystem,
        location: String,
    },
    /// Bytes of an export received so far, and its size when the server said it.
    Downloading {
        ecosystem: Ecosystem,
        received: u64,
        total: Option<u64>,
    },
    Fetched {
        ecosystem: Ecosystem,
        outcome: FetchOutcome,
    },
    /// Records of an export read so far.
    Reading {
        ecosystem: Ecosystem,
        done: u64,
        total: u64,
    },
    /// Writing the new database.
    Writing { advisories: u64 },
}

/// Hears what an update is doing.
pub trait Progress {
    fn event(&mut self, event: ProgressEvent);
}

/// Ignores progress.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn event(&mut self, _event: ProgressEvent) {}
}

/// What an update did for one ecosystem.
#[derive(Clone, Debug, PartialEq)]
pub struct EcosystemUpdate {
    pub ecosystem: Ecosystem,
    /// Where the export is, credentials removed.
    pub location: String,
    pub outcome: FetchOutcome,
    /// Whether the export differs from the one the previous database was built from.
    pub changed: bool,
    pub counts: Counts,
    /// The first few members that are not valid OSV records.
    pub invalid_examples: Vec<String>,
    /// Members skipped for not being `.json` files.
    pub skipped_members: u64,
}

/// What an update did.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateReport {
    pub db: PathBuf,
    /// The source, credentials removed.
    pub source: String,
    /// Nothing changed at the source: the database was kept.
    pub up_to_date: bool,
    /// npm, PyPI, crates.io, in that order.
    pub ecosystems: Vec<EcosystemUpdate>,
    /// Advisories in the database.
    pub advisories: u64,
    /// Things a person should know that did not stop the update.
    pub notes: Vec<String>,
}

impl UpdateReport {
    /// Ecosystems whose export the source did not have: the database has no data for them.
    pub fn missing(&self) -> impl Iterator<Item = &EcosystemUpdate> {
        self.ecosystems
            .iter()
            .filter(|e| matches!(e.outcome, FetchOutcome::Missing { .. }))
    }

    /// Warnings to show: missing exports, invalid records, skipped members, notes.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = self.notes.clone();
        for ecosystem in &self.ecosystems {
            let name = ecosystem.ecosystem;
            if let FetchOutcome::Missing { reason } = &ecosystem.outcome {
                warnings.push(format!(
                    "no {name} advisories at the source ({reason}): {name} packages cannot be checked"
                ));
            }
            if ecosystem.counts.invalid > 0 {
                warnings.push(format!(
                    "{} {name} records are not valid OSV records and were skipped (e.g. {})",
                    ecosystem.counts.invalid,
                    ecosystem.invalid_examples.join(", ")
                ));
            }
            if ecosystem.skipped_members > 0 {
                warnings.push(format!(
                    "{} members of the {name} export are not .json files and were skipped",
                    ecosystem.skipped_members
                ));
            }
        }
        warnings
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("`{}` does not name a database file", path.display())]
    InvalidPath { path: PathBuf },
    #[error("cannot create the directory `{}` for the advisory database", path.display())]
    CreateDirectory {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("another `customs db update` is writing `{}`: wait for it to finish", path.display())]
    Busy { path: PathBuf },
    #[error("cannot lock `{}`", path.display())]
    Lock {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "the advisory source `{location}` has no export for npm, PyPI or crates.io (expected `<source>/<ecosystem>/all.zip`)"
    )]
    NoData { location: String },
    #[error("cannot fetch the {ecosystem} advisories")]
    Source {
        ecosystem: Ecosystem,
        #[source]
        source: SourceError,
    },
    #[error(transparent)]
    Setup(SourceError),
    #[error("cannot import the {ecosystem} advisories")]
    Import {
        ecosystem: Ecosystem,
        #[source]
        source: ImportError,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot replace `{}` with the new database", path.display())]
    Swap {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// Updates the database at `options.db` from `options.source`.
pub fn update(
    options: &UpdateOptions,
    progress: &mut dyn Progress,
) -> Result<UpdateReport, UpdateError> {
    let now = SystemTime::now();
    let db = &options.db;
    let file_name = db
        .file_name()
        .and_then(|name| name.to_str())
        .ok_or_else(|| UpdateError::InvalidPath { path: db.clone() })?;
    let directory = match db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&directory).map_err(|source| UpdateError::CreateDirectory {
        path: directory.clone(),
        source,
    })?;
    let _lock = lock(&directory.join(format!("{file_name}.lock")))?;
    let temporary_prefix = format!("{file_name}.update-");
    remove_stale(&directory, |name| name.starts_with(&temporary_prefix));
    let cache = directory.join(format!("{file_name}.cache"));
    remove_stale(&cache, |name| name.ends_with(".tmp"));
    // A directory is recorded absolute: the database outlives the working directory.
    let source_base = match &options.source {
        Source::Directory(path) => match fs::canonicalize(path) {
            Ok(absolute) if absolute.is_dir() => Source::Directory(absolute),
            _ => {
                return Err(UpdateError::Setup(SourceError::NoDirectory {
                    path: path.clone(),
                }));
            }
        },
        other => other.clone(),
    };

    let mut notes = Vec::new();
    let previous = match Store::open(db) {
        Ok(store) => Some((store.status()?, store.advisory_count()?)),
        Err(StoreError::Missing { .. }) => None,
        Err(error) => {
            notes.push(format!("{error}; it is rebuilt"));
            None
        }
    };
    let (previous, previous_advisories) = match previous {
        Some((status, advisories)) => (Some(status), advisories),
        None => (None, 0),
    };
    let source = source_base.display();
    let fetcher = Fetcher::new(&source_base, options.limits, cache).map_err(UpdateError::Setup)?;
    let locations: Vec<(Ecosystem, Location)> = Ecosystem::ALL
        .iter()
        .map(|&ecosystem| (ecosystem, source_base.location(ecosystem)))
        .collect();
    let previous_fetches: Vec<Option<Previous>> = locations
        .iter()
        .map(|(ecosystem, location)| {
            previous_of(previous.as_ref(), *ecosystem, location)
                .filter(|p| p.state == SourceState::Imported)
                .map(previous_fetch)
        })
        .collect();

    let fetched = fetch_all(&fetcher, &locations, &previous_fetches, progress)?;
    if fetched
        .iter()
        .all(|(_, fetched)| matches!(fetched, Fetched::Missing { .. }))
    {
        return Err(UpdateError::NoData { location: source });
    }

    let mut ecosystems: Vec<EcosystemUpdate> = Vec::new();
    let mut contents: Vec<Option<Content>> = Vec::new();
    for ((ecosystem, location), (_, fetched)) in locations.iter().zip(fetched) {
        let before = previous_of(previous.as_ref(), *ecosystem, location);
        let imported_before = before.filter(|b| b.state == SourceState::Imported);
        let (outcome, changed, content) = match fetched {
            Fetched::Missing { reason } => (
                FetchOutcome::Missing { reason },
                before.is_none_or(|b| b.state != SourceState::Missing),
                None,
            ),
            Fetched::NotModified => (FetchOutcome::NotModified, false, None),
            Fetched::Content(content) => {
                let bytes = content.bytes.len() as u64;
                let outcome = match location {
                    Location::Url(_) => FetchOutcome::Downloaded { bytes },
                    Location::File(_) => FetchOutcome::Read { bytes },
                };
                let changed = imported_before
                    .is_none_or(|b| b.content_hash.as_deref() != Some(content.hash.as_str()));
                (outcome, changed, Some(content))
            }
        };
        progress.event(ProgressEvent::Fetched {
            ecosystem: *ecosystem,
            outcome: outcome.clone(),
        });
        ecosystems.push(EcosystemUpdate {
            ecosystem: *ecosystem,
            location: location.display(),
            outcome,
            changed,
            counts: before.map(|b| b.counts).unwrap_or_default(),
            invalid_examples: Vec::new(),
            skipped_members: 0,
        });
        contents.push(content);
    }

    if let Some(previous) = &previous
        && previous.source == source
        && previous.importer == IMPORTER
        && ecosystems.iter().all(|e| !e.changed)
    {
        store::mark_checked(db, now)?;
        return Ok(UpdateReport {
            db: db.clone(),
            source,
            up_to_date: true,
            ecosystems,
            advisories: previous_advisories,
            notes,
        });
    }

    // Exports the server said were unchanged come from the cache; a cache that lost them or
    // does not match is refilled by an unconditional download.
    for (((ecosystem, location), before), (update, content)) in locations
        .iter()
        .zip(&previous_fetches)
        .zip(ecosystems.iter_mut().zip(contents.iter_mut()))
    {
        if update.outcome != FetchOutcome::NotModified {
            continue;
        }
        let Some(before) = before else {
            continue;
        };
        let cached = fetcher
            .cached(*ecosystem, before)
            .map_err(|source| UpdateError::Source {
                ecosystem: *ecosystem,
                source,
            })?;
        *content = match cached {
            Some(cached) => Some(cached),
            None => match fetch_one(&fetcher, *ecosystem, location, None, progress)? {
                Fetched::Content(content) => {
                    update.outcome = FetchOutcome::Downloaded {
                        bytes: content.bytes.len() as u64,
                    };
                    Some(content)
                }
                Fetched::Missing { reason } => {
                    update.outcome = FetchOutcome::Missing { reason };
                    update.changed = true;
                    None
                }
                Fetched::NotModified => None,
            },
        };
    }

    let exports = read_exports(&locations, &contents, &options.limits, progress)?;
    for (update, (_, export)) in ecosystems.iter_mut().zip(&exports) {
        update.invalid_examples = export
            .invalid
            .iter()
            .take(INVALID_EXAMPLES)
            .cloned()
            .collect();
        update.skipped_members = export.skipped;
    }
    let merged = import::merge(exports);
    for update in &mut ecosystems {
        update.counts = merged
            .counts
            .get(&update.ecosystem)
            .copied()
            .unwrap_or_default();
    }

    let statuses: Vec<EcosystemStatus> = ecosystems
        .iter()
        .zip(&contents)
        .map(|(update, content)| {
            let before = previous
                .as_ref()
                .and_then(|p| p.ecosystem(update.ecosystem));
            EcosystemStatus {
                ecosystem: update.ecosystem,
                state: match update.outcome {
                    FetchOutcome::Missing { .. } => SourceState::Missing,
                    _ => SourceState::Imported,
                },
                note: match &update.outcome {
                    FetchOutcome::Missing { reason } => Some(reason.clone()),
                    _ => None,
                },
                url: update.location.clone(),
                content_hash: content.as_ref().map(|c| c.hash.clone()),
                size: content.as_ref().map(|c| c.bytes.len() as u64),
                etag: content.as_ref().and_then(|c| c.etag.clone()),
                last_modified: content.as_ref().and_then(|c| c.last_modified.clone()),
                // An export that did not change keeps the time it was first fetched.
                fetched: match before {
                    Some(before) if !update.changed => before.fetched,
                    _ => now,
                },
                counts: update.counts,
            }
        })
        .collect();
    drop(contents);

    progress.event(ProgressEvent::Writing {
        advisories: merged.advisories.len() as u64,
    });
    let records = encode(&merged.advisories, db)?;
    let temporary =
        TemporaryFile(directory.join(format!("{temporary_prefix}{}", std::process::id())));
    let database = NewDatabase {
        source: &source,
        created: previous.as_ref().map_or(now, |p| p.created),
        updated: now,
        ecosystems: &statuses,
        advisories: &merged.advisories,
        records: &records,
    };
    store::write(&temporary.0, &database)?;
    // What is swapped in must open as a database of this schema and hold every advisory.
    let written = Store::open(&temporary.0)?.advisory_count()?;
    if written != merged.advisories.len() as u64 {
        return Err(UpdateError::Store(StoreError::NotADatabase {
            path: temporary.0.clone(),
        }));
    }
    swap(&temporary, db, &directory)?;
    Ok(UpdateReport {
        db: db.clone(),
        source,
        up_to_date: false,
        ecosystems,
        advisories: written,
        notes,
    })
}

/// What the previous database recorded for the export at `location`.
fn previous_of<'a>(
    previous: Option<&'a Status>,
    ecosystem: Ecosystem,
    location: &Location,
) -> Option<&'a EcosystemStatus> {
    previous?
        .ecosystem(ecosystem)
        .filter(|e| e.url == location.display())
}

fn previous_fetch(status: &EcosystemStatus) -> Previous {
    Previous {
        etag: status.etag.clone(),
        last_modified: status.last_modified.clone(),
        content_hash: status.content_hash.clone(),
        size: status.size,
    }
}

/// Fetches every export at once, reporting download progress from the main thread.
fn fetch_all(
    fetcher: &Fetcher,
    locations: &[(Ecosystem, Location)],
    previous: &[Option<Previous>],
    progress: &mut dyn Progress,
) -> Result<Vec<(Ecosystem, Fetched)>, UpdateError> {
    for (ecosystem, location) in locations {
        progress.event(ProgressEvent::Fetching {
            ecosystem: *ecosystem,
            location: location.display(),
        });
    }
    let results: Vec<(Ecosystem, Result<Fetched, SourceError>)> = thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<ProgressEvent>();
        let handles: Vec<_> = locations
            .iter()
            .zip(previous)
            .map(|((ecosystem, location), previous)| {
                let sender = sender.clone();
                let ecosystem = *ecosystem;
                scope.spawn(move || {
                    let report = |received: u64, total: Option<u64>| {
                        let _ = sender.send(ProgressEvent::Downloading {
                            ecosystem,
                            received,
                            total,
                        });
                    };
                    (
                        ecosystem,
                        fetcher.fetch(ecosystem, location, previous.as_ref(), &report),
                    )
                })
            })
            .collect();
        drop(sender);
        for event in receiver {
            progress.event(event);
        }
        handles
            .into_iter()
            .zip(locations)
            .map(|(handle, (ecosystem, _))| {
                handle.join().unwrap_or_else(|_| {
                    (
                        *ecosystem,
                        Err(SourceError::Read {
                            location: "download thread".to_owned(),
                            source: io::Error::other("the download thread panicked"),
                        }),
                    )
                })
            })
            .collect()
    });
    results
        .into_iter()
        .map(|(ecosystem, result)| {
            result
                .map(|fetched| (ecosystem, fetched))
                .map_err(|source| UpdateError::Source { ecosystem, source })
        })
        .collect()
}

fn fetch_one(
    fetcher: &Fetcher,
    ecosystem: Ecosystem,
    location: &Location,
    previous: Option<&Previous>,
    progress: &mut dyn Progress,
) -> Result<Fetched, UpdateError> {
    let progress = std::cell::RefCell::new(progress);
    let report = |received: u64, total: Option<u64>| {
        progress.borrow_mut().event(ProgressEvent::Downloading {
            ecosystem,
            received,
            total,
        });
    };
    fetcher
        .fetch(ecosystem, location, previous, &report)
        .map_err(|source| UpdateError::Source { ecosystem, source })
}

/// Reads the exports one after another (each in parallel), reporting progress from this thread.
fn read_exports(
    locations: &[(Ecosystem, Location)],
    contents: &[Option<Content>],
    limits: &Limits,
    progress: &mut dyn Progress,
) -> Result<Vec<(Ecosystem, Export)>, UpdateError> {
    let mut exports = Vec::new();
    for ((ecosystem, location), content) in locations.iter().zip(contents) {
        let Some(content) = content else {
            exports.push((*ecosystem, Export::default()));
            continue;
        };
        let counter = import::Counter::default();
        let origin = location.display();
        let export = thread::scope(|scope| {
            let worker =
                scope.spawn(|| import::read_export(&origin, &content.bytes, limits, &counter));
            while !worker.is_finished() {
                progress.event(ProgressEvent::Reading {
                    ecosystem: *ecosystem,
                    done: counter.done.load(Ordering::Relaxed),
                    total: counter.total.load(Ordering::Relaxed),
                });
                thread::sleep(Duration::from_millis(20));
            }
            worker.join()
        });
        let export = match export {
            Ok(result) => result.map_err(|source| UpdateError::Import {
                ecosystem: *ecosystem,
                source,
            })?,
            Err(_) => {
                return Err(UpdateError::Import {
                    ecosystem: *ecosystem,
                    source: ImportError::Decompress {
                        origin,
                        member: String::new(),
                        source: io::Error::other("the import thread panicked"),
                    },
                });
            }
        };
        progress.event(ProgressEvent::Reading {
            ecosystem: *ecosystem,
            done: export.records + export.skipped,
            total: export.records + export.skipped,
        });
        exports.push((*ecosystem, export));
    }
    Ok(exports)
}

fn encode(advisories: &[Advisory], db: &Path) -> Result<Vec<String>, UpdateError> {
    advisories
        .par_iter()
        .map(|advisory| {
            serde_json::to_string(advisory).map_err(|source| {
                UpdateError::Store(StoreError::Encode {
                    path: db.to_owned(),
                    id: advisory.id.clone(),
                    source,
                })
            })
        })
        .collect()
}

/// Held for the whole update; released when dropped (or when the process dies).
#[derive(Debug)]
struct Lock(#[expect(dead_code, reason = "held for its lock")] File);

fn lock(path: &Path) -> Result<Lock, UpdateError> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|source| UpdateError::Lock {
            path: path.to_owned(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(Lock(file)),
        Err(TryLockError::WouldBlock) => Err(UpdateError::Busy {
            path: path.to_owned(),
        }),
        Err(TryLockError::Error(source)) => Err(UpdateError::Lock {
            path: path.to_owned(),
            source,
        }),
    }
}

/// Removes what an interrupted update left in `directory`. Best effort: a file that cannot be
/// removed now is tried again by the next update.
fn remove_stale(directory: &Path, stale: impl Fn(&str) -> bool) {
    let Ok(entries) = fs::read_dir(directory) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_str().is_some_and(&stale) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// A file removed when dropped, unless it was renamed away.
#[derive(Debug)]
struct TemporaryFile(PathBuf);

impl Drop for TemporaryFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn swap(temporary: &TemporaryFile, db: &Path, directory: &Path) -> Result<(), UpdateError> {
    File::open(&temporary.0)
        .and_then(|file| file.sync_all())
        .map_err(|source| UpdateError::Write {
            path: temporary.0.clone(),
            source,
        })?;
    fs::rename(&temporary.0, db).map_err(|source| UpdateError::Swap {
        path: db.to_owned(),
        source,
    })?;
    // The rename is durable once the directory is synced; not every platform can open a
    // directory for that, and the data is already safe either way.
    if let Ok(directory) = File::open(directory) {
        let _ = directory.sync_all();
    }
    Ok(())
}
