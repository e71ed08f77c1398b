//! The advisory database: one SQLite file, built whole by an update and read-only afterwards.
//!
//! The schema is plain SQL (TEXT, INTEGER, REAL; no SQLite-only types) so a person can inspect it
//! with `sqlite3` and a server mode can move it to PostgreSQL unchanged:
//!
//! - `meta (key, value)`: `schema_version`, `importer` (the customs version that built the file),
//!   `source` (the base the exports came from, credentials removed), `created` (when the first
//!   database at this path was built), `updated` (when this file's data was built) and `checked`
//!   (when an update last found the source unchanged or changed). Times are RFC 3339, UTC.
//! - `sources`: one row per ecosystem: whether its export was imported or missing at the source,
//!   the export's URL, SHA-256, size, ETag and Last-Modified (for conditional requests), when it was
//!   fetched, and the record counts `customs db status` prints.
//! - `advisories`: one row per advisory id, with the columns a person filters on and the whole
//!   [`Advisory`] as JSON in `record`, which is what lookups return.
//! - `affected`: one row per distinct (advisory, ecosystem, key), indexed by (ecosystem, key):
//!   the index every lookup of `customs scan` goes through.
//!
//! The file carries SQLite's `application_id` so that any other SQLite file is recognised as
//! "not a customs database" rather than failing later on a missing table.
//!
//! Once built, the file is never written again: a scan may hold a read transaction on it for as
//! long as it runs. When an update finds the source unchanged, it records that in a sidecar
//! file (`<database>.checked`, replaced atomically) instead, and the status reads the later of
//! the two times.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use customs_core::{Ecosystem, PackageName};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};
use serde::Serialize;

use crate::{Advisory, AdvisoryKind};

/// The version of the schema below. A file with another version is refused with advice to run
/// `customs db update`, which rebuilds it.
pub const SCHEMA_VERSION: u32 = 2;

/// `PRAGMA application_id` of customs databases: "cust".
const APPLICATION_ID: i32 = 0x6375_7374;

/// Identifies the code that converted the records: a new customs version rebuilds the database
/// even when the source is unchanged, since its conversion may differ.
pub(crate) const IMPORTER: &str = concat!("customs-advisory ", env!("CARGO_PKG_VERSION"));

const SCHEMA: &str = "
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE sources (
    ecosystem TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    note TEXT,
    url TEXT NOT NULL,
    content_hash TEXT,
    size INTEGER,
    etag TEXT,
    last_modified TEXT,
    fetched TEXT NOT NULL,
    records INTEGER NOT NULL,
    vulnerabilities INTEGER NOT NULL,
    malicious INTEGER NOT NULL,
    unmaintained INTEGER NOT NULL,
    unsound INTEGER NOT NULL,
    notice INTEGER NOT NULL,
    withdrawn INTEGER NOT NULL,
    invalid INTEGER NOT NULL,
    other_ecosystems INTEGER NOT NULL
);
CREATE TABLE advisories (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    score REAL,
    cvss TEXT,
    summary TEXT,
    url TEXT,
    published TEXT,
    modified TEXT,
    aliases TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE affected (
    advisory_id TEXT NOT NULL REFERENCES advisories (id),
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL
);
-- Per ecosystem, every key with an advisory, sorted and joined by newlines: a scan loads it once
-- and asks SQLite only about the few packages that have advisories at all.
CREATE TABLE names (
    ecosystem TEXT PRIMARY KEY,
    keys TEXT NOT NULL
);
";

/// Built after the rows are in: one sort instead of a B-tree insert per row.
const INDEXES: &str = "CREATE INDEX affected_by_package ON affected (ecosystem, key, advisory_id);
INSERT INTO names (ecosystem, keys)
    SELECT ecosystem, group_concat(key, char(10) ORDER BY key)
    FROM (SELECT DISTINCT ecosystem, key FROM affected)
    GROUP BY ecosystem;";

/// The sorted keys of one ecosystem that have advisories.
#[derive(Debug, Default)]
struct Names {
    text: String,
    /// Start and end of each key in `text`.
    keys: Vec<(usize, usize)>,
}

impl Names {
    fn new(text: String) -> Self {
        let mut keys = Vec::new();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
            if end > start {
                keys.push((start, end));
            }
            start = end + 1;
        }
        let mut names = Names { text, keys };
        // SQLite sorts by byte value, as `str` does; re-sort anyway rather than trust the file.
        let text = &names.text;
        names
            .keys
            .sort_by(|a, b| text[a.0..a.1].cmp(&text[b.0..b.1]));
        names
    }

    fn contains(&self, key: &str) -> bool {
        self.keys
            .binary_search_by(|&(start, end)| self.text[start..end].cmp(key))
            .is_ok()
    }
}

/// A join rather than `id IN (subquery)`, which builds a temporary table per query; with the
/// covering index, rows come out in id order without a sort. An advisory with several affected
/// entries for one package comes once per entry: [`Store::lookup`] skips the repeats.
const LOOKUP: &str =
    "SELECT a.id, a.record FROM affected f JOIN advisories a ON a.id = f.advisory_id
    WHERE f.ecosystem = ?1 AND f.key = ?2
    ORDER BY f.advisory_id";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no advisory database at `{path}`: run `customs db update`")]
    Missing { path: PathBuf },
    #[error("cannot open the advisory database `{path}`")]
    Open {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot read `{path}`")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "`{path}` is not a customs advisory database, or it is damaged: run `customs db update` to rebuild it"
    )]
    NotADatabase { path: PathBuf },
    #[error(
        "the advisory database `{path}` has schema version {found}, this customs reads version {SCHEMA_VERSION}: run `customs db update`"
    )]
    Schema { path: PathBuf, found: String },
    #[error(
        "cannot read the advisory database `{path}` (if it is damaged, `customs db update` rebuilds it)"
    )]
    Query {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error(
        "advisory `{id}` in `{path}` cannot be read (if the file is damaged, `customs db update` rebuilds it)"
    )]
    Record {
        path: PathBuf,
        id: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write the advisory database `{path}`")]
    Write {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot store advisory `{id}` in `{path}`")]
    Encode {
        path: PathBuf,
        id: String,
        #[source]
        source: serde_json::Error,
    },
}

/// Whether an ecosystem's export was found at the source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceState {
    Imported,
    /// The source has no export for the ecosystem: the database holds no advisories for it, and
    /// a scan must say that its packages were not checked.
    Missing,
}

impl SourceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Imported => "imported",
            SourceState::Missing => "missing",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        match name {
            "imported" => Some(SourceState::Imported),
            "missing" => Some(SourceState::Missing),
            _ => None,
        }
    }
}

/// How many records of each kind an ecosystem's data holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// OSV records read from the ecosystem's export, whatever became of them.
    pub records: u64,
    /// Stored advisories with an affected package in this ecosystem, by kind.
    pub vulnerabilities: u64,
    pub malicious: u64,
    pub unmaintained: u64,
    pub unsound: u64,
    pub notice: u64,
    /// Withdrawn records in the export: skipped, they match nothing.
    pub withdrawn: u64,
    /// Members of the export that are not valid OSV records: skipped.
    pub invalid: u64,
    /// Records in the export that name no npm, PyPI or crates.io package: skipped.
    pub other_ecosystems: u64,
}

impl Counts {
    /// The advisories stored for the ecosystem.
    pub fn advisories(&self) -> u64 {
        self.vulnerabilities + self.malicious + self.unmaintained + self.unsound + self.notice
    }

    pub(crate) fn add_kind(&mut self, kind: AdvisoryKind) {
        match kind {
            AdvisoryKind::Vulnerability => self.vulnerabilities += 1,
            AdvisoryKind::Malicious => self.malicious += 1,
            AdvisoryKind::Unmaintained => self.unmaintained += 1,
            AdvisoryKind::Unsound => self.unsound += 1,
            AdvisoryKind::Notice => self.notice += 1,
        }
    }
}

/// What the database knows about one ecosystem's export.
#[derive(Clone, Debug, PartialEq)]
pub struct EcosystemStatus {
    pub ecosystem: Ecosystem,
    pub state: SourceState,
    /// Why the export is missing, or other notes on it.
    pub note: Option<String>,
    /// Where the export was read from, credentials removed.
    pub url: String,
    /// SHA-256 of the export, lowercase hex.
    pub content_hash: Option<String>,
    pub size: Option<u64>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// When the export was downloaded or read.
    pub fetched: SystemTime,
    pub counts: Counts,
}

/// What `customs db status` shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    pub path: PathBuf,
    pub schema_version: u32,
    pub importer: String,
    /// The base the exports came from, credentials removed.
    pub source: String,
    /// When the first database at this path was built.
    pub created: SystemTime,
    /// When this database's data was built.
    pub updated: SystemTime,
    /// When an update last checked the source (it may have found it unchanged).
    pub checked: SystemTime,
    /// npm, PyPI, crates.io, in that order.
    pub ecosystems: Vec<EcosystemStatus>,
}

impl Status {
    /// How old the data may be: the time since the source was last checked.
    pub fn age(&self, now: SystemTime) -> Duration {
        now.duration_since(self.checked).unwrap_or_default()
    }

    /// Whether the data is older than `max_age`.
    pub fn is_older_than(&self, max_age: Duration, now: SystemTime) -> bool {
        self.age(now) > max_age
    }

    pub fn ecosystem(&self, ecosystem: Ecosystem) -> Option<&EcosystemStatus> {
        self.ecosystems.iter().find(|e| e.ecosystem == ecosystem)
    }
}

/// An open advisory database. Lookups reuse prepared statements; a `Store` is meant to be opened
/// once per run and asked many times.
#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    connection: Connection,
    status: Status,
    /// Loaded on the first lookup in each ecosystem.
    names: std::cell::RefCell<std::collections::HashMap<Ecosystem, std::rc::Rc<Names>>>,
}

impl Store {
    /// Opens the database at `path` read-only, checking that it is a customs database of this
    /// schema version.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        match fs::metadata(path) {
            Ok(metadata) if metadata.is_file() => {}
            Ok(_) => {
                return Err(StoreError::NotADatabase {
                    path: path.to_owned(),
                });
            }
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::Missing {
                    path: path.to_owned(),
                });
            }
            Err(source) => {
                return Err(StoreError::Io {
                    path: path.to_owned(),
                    source,
                });
            }
        }
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| StoreError::Open {
            path: path.to_owned(),
            source,
        })?;
        // Any read of a file that is not SQLite fails here ("file is not a database").
        let application_id: i32 = connection
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|_| StoreError::NotADatabase {
                path: path.to_owned(),
            })?;
        if application_id != APPLICATION_ID {
            return Err(StoreError::NotADatabase {
                path: path.to_owned(),
            });
        }
        let status = read_status(&connection, path)?;
        // One read transaction for the life of the store: every lookup then runs inside it,
        // instead of each taking and releasing the file lock and revalidating the page cache.
        // Updates never write this file (they build a new one and rename it), so holding the
        // snapshot blocks nothing.
        // Read pages straight from a mapping of the (never rewritten) file instead of copying
        // each into SQLite's cache: fewer allocations and page faults on every lookup.
        // The query planner's stability guarantee: without it SQLite ties the lookup's plan to
        // the bound name and prepares the statement again for every package (a quarter of a
        // scan's instructions, measured on the reth Cargo.lock).
        connection
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
                true,
            )
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        connection
            .execute_batch("PRAGMA mmap_size = 1073741824; BEGIN DEFERRED")
            .map_err(|source| StoreError::Open {
                path: path.to_owned(),
                source,
            })?;
        Ok(Store {
            path: path.to_owned(),
            connection,
            status,
            names: std::cell::RefCell::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every advisory with an affected entry for `key` in `ecosystem`, each once, sorted by id.
    /// `key` is the name under the ecosystem's equality ([`PackageName::match_key`]).
    pub fn lookup(&self, ecosystem: Ecosystem, key: &str) -> Result<Vec<Advisory>, StoreError> {
        let query = |source| StoreError::Query {
            path: self.path.clone(),
            source,
        };
        // Most packages have no advisory: answer those from the name list, without a query.
        if !self.names(ecosystem)?.contains(key) {
            return Ok(Vec::new());
        }
        let mut statement = self.connection.prepare_cached(LOOKUP).map_err(query)?;
        let mut rows = statement
            .query(params![ecosystem.osv_name(), key])
            .map_err(query)?;
        let mut advisories: Vec<Advisory> = Vec::new();
        while let Some(row) = rows.next().map_err(query)? {
            let id = row
                .get_ref(0)
                .and_then(|v| Ok(v.as_str()?))
                .map_err(query)?;
            if advisories.last().is_some_and(|last| last.id == id) {
                continue;
            }
            let record = row
                .get_ref(1)
                .and_then(|v| Ok(v.as_str()?))
                .map_err(query)?;
            let advisory = serde_json::from_str(record).map_err(|source| StoreError::Record {
                path: self.path.clone(),
                id: id.to_owned(),
                source,
            })?;
            advisories.push(advisory);
        }
        Ok(advisories)
    }

    fn names(&self, ecosystem: Ecosystem) -> Result<std::rc::Rc<Names>, StoreError> {
        if let Some(names) = self.names.borrow().get(&ecosystem) {
            return Ok(names.clone());
        }
        let text: Option<String> = self
            .connection
            .query_row(
                "SELECT keys FROM names WHERE ecosystem = ?1",
                [ecosystem.osv_name()],
                |row| row.get(0),
            )
            .optional()
            .map_err(|source| StoreError::Query {
                path: self.path.clone(),
                source,
            })?;
        let names = std::rc::Rc::new(Names::new(text.unwrap_or_default()));
        self.names.borrow_mut().insert(ecosystem, names.clone());
        Ok(names)
    }

    /// [`Store::lookup`] by package name.
    pub fn lookup_name(
        &self,
        ecosystem: Ecosystem,
        name: &PackageName,
    ) -> Result<Vec<Advisory>, StoreError> {
        self.lookup(ecosystem, &name.match_key(ecosystem))
    }

    /// Whether the database holds advisories for `ecosystem`: `false` when its export was
    /// missing at the source, and packages of that ecosystem cannot be checked.
    pub fn has_data(&self, ecosystem: Ecosystem) -> bool {
        self.status
            .ecosystem(ecosystem)
            .is_some_and(|e| e.state == SourceState::Imported)
    }

    /// Counts, source and age per ecosystem (read when the store was opened).
    pub fn status(&self) -> Result<Status, StoreError> {
        Ok(self.status.clone())
    }

    /// The number of advisories stored.
    pub fn advisory_count(&self) -> Result<u64, StoreError> {
        self.connection
            .query_row("SELECT count(*) FROM advisories", [], |row| row.get(0))
            .map(to_u64)
            .map_err(|source| StoreError::Query {
                path: self.path.clone(),
                source,
            })
    }
}

fn meta_value(
    connection: &Connection,
    path: &Path,
    key: &str,
) -> Result<Option<String>, StoreError> {
    connection
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
            row.get(0)
        })
        .optional()
        .map_err(|source| StoreError::Query {
            path: path.to_owned(),
            source,
        })
}

fn read_status(connection: &Connection, path: &Path) -> Result<Status, StoreError> {
    let not_a_database = || StoreError::NotADatabase {
        path: path.to_owned(),
    };
    // The version is read before anything else so that an older schema is reported as such,
    // not as a missing column.
    let version = meta_value(connection, path, "schema_version")?.ok_or_else(not_a_database)?;
    if version != SCHEMA_VERSION.to_string() {
        return Err(StoreError::Schema {
            path: path.to_owned(),
            found: version,
        });
    }
    let required = |key: &str| -> Result<String, StoreError> {
        meta_value(connection, path, key)?.ok_or_else(not_a_database)
    };
    let time = |key: &str| -> Result<SystemTime, StoreError> {
        parse_time(&required(key)?).ok_or_else(not_a_database)
    };
    let query = |source| StoreError::Query {
        path: path.to_owned(),
        source,
    };
    let mut statement = connection
        .prepare(
            "SELECT ecosystem, state, note, url, content_hash, size, etag, last_modified, fetched,
                records, vulnerabilities, malicious, unmaintained, unsound, notice, withdrawn,
                invalid, other_ecosystems
             FROM sources",
        )
        .map_err(query)?;
    let mut rows = statement.query([]).map_err(query)?;
    let mut ecosystems = Vec::new();
    while let Some(row) = rows.next().map_err(query)? {
        let text = |index: usize| row.get::<_, String>(index).map_err(query);
        let optional_text = |index: usize| row.get::<_, Option<String>>(index).map_err(query);
        let count = |index: usize| row.get::<_, i64>(index).map_err(query).map(to_u64);
        let ecosystem: Ecosystem = text(0)?.parse().map_err(|_| not_a_database())?;
        let state = SourceState::from_name(&text(1)?).ok_or_else(not_a_database)?;
        ecosystems.push(EcosystemStatus {
            ecosystem,
            state,
            note: optional_text(2)?,
            url: text(3)?,
            content_hash: optional_text(4)?,
            size: row.get::<_, Option<i64>>(5).map_err(query)?.map(to_u64),
            etag: optional_text(6)?,
            last_modified: optional_text(7)?,
            fetched: parse_time(&text(8)?).ok_or_else(not_a_database)?,
            counts: Counts {
                records: count(9)?,
                vulnerabilities: count(10)?,
                malicious: count(11)?,
                unmaintained: count(12)?,
                unsound: count(13)?,
                notice: count(14)?,
                withdrawn: count(15)?,
                invalid: count(16)?,
                other_ecosystems: count(17)?,
            },
        });
    }
    ecosystems.sort_by_key(|e| Ecosystem::ALL.iter().position(|all| *all == e.ecosystem));
    Ok(Status {
        path: path.to_owned(),
        schema_version: SCHEMA_VERSION,
        importer: required("importer")?,
        source: required("source")?,
        created: time("created")?,
        updated: time("updated")?,
        checked: {
            let built = time("checked")?;
            // A later "unchanged" check, recorded beside the file; an unreadable sidecar is only
            // a lost freshness hint, never a reason to refuse the database.
            fs::read_to_string(checked_file(path))
                .ok()
                .and_then(|text| parse_time(text.trim()))
                .map_or(built, |sidecar| sidecar.max(built))
        },
        ecosystems,
    })
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(crate) fn format_time(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(text).ok()
}

/// Everything a new database file holds.
#[derive(Debug)]
pub(crate) struct NewDatabase<'a> {
    pub source: &'a str,
    pub created: SystemTime,
    pub updated: SystemTime,
    pub ecosystems: &'a [EcosystemStatus],
    /// Sorted by id, ids unique.
    pub advisories: &'a [Advisory],
    /// `advisories` as JSON, in the same order (encoded in parallel by the caller).
    pub records: &'a [String],
}

/// Writes a new database at `path`, which must not exist. Durability comes from the caller's
/// rename after a sync, so the file is written without a journal.
pub(crate) fn write(path: &Path, database: &NewDatabase<'_>) -> Result<(), StoreError> {
    let write = |source| StoreError::Write {
        path: path.to_owned(),
        source,
    };
    let mut connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(write)?;
    connection
        .execute_batch(&format!(
            "PRAGMA journal_mode = OFF;
             PRAGMA synchronous = OFF;
             PRAGMA locking_mode = EXCLUSIVE;
             PRAGMA cache_size = -65536;
             PRAGMA application_id = {APPLICATION_ID};"
        ))
        .map_err(write)?;
    let transaction = connection.transaction().map_err(write)?;
    transaction.execute_batch(SCHEMA).map_err(write)?;
    {
        let mut advisory = transaction
            .prepare(
                "INSERT INTO advisories
                 (id, kind, severity, score, cvss, summary, url, published, modified, aliases, record)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .map_err(write)?;
        let mut affected = transaction
            .prepare(
                "INSERT INTO affected (advisory_id, ecosystem, name, key) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(write)?;
        let mut seen = BTreeSet::new();
        for (entry, record) in database.advisories.iter().zip(database.records) {
            let aliases =
                serde_json::to_string(&entry.aliases).map_err(|source| StoreError::Encode {
                    path: path.to_owned(),
                    id: entry.id.clone(),
                    source,
                })?;
            advisory
                .execute(params![
                    entry.id,
                    entry.kind.as_str(),
                    entry.severity.as_str(),
                    entry.score,
                    entry.cvss,
                    entry.summary,
                    entry.url,
                    entry.published,
                    entry.modified,
                    aliases,
                    record,
                ])
                .map_err(write)?;
            // A record often lists one package several times (one entry per range): one row
            // per package keeps lookups from returning the advisory twice.
            seen.clear();
            for package in &entry.affected {
                if seen.insert((package.ecosystem, package.key.as_str())) {
                    affected
                        .execute(params![
                            entry.id,
                            package.ecosystem.osv_name(),
                            package.name,
                            package.key
                        ])
                        .map_err(write)?;
                }
            }
        }
        let mut source = transaction
            .prepare(
                "INSERT INTO sources (ecosystem, state, note, url, content_hash, size, etag,
                    last_modified, fetched, records, vulnerabilities, malicious, unmaintained,
                    unsound, notice, withdrawn, invalid, other_ecosystems)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                    ?17, ?18)",
            )
            .map_err(write)?;
        for ecosystem in database.ecosystems {
            let counts = &ecosystem.counts;
            source
                .execute(params![
                    ecosystem.ecosystem.osv_name(),
                    ecosystem.state.as_str(),
                    ecosystem.note,
                    ecosystem.url,
                    ecosystem.content_hash,
                    ecosystem.size.map(to_i64),
                    ecosystem.etag,
                    ecosystem.last_modified,
                    format_time(ecosystem.fetched),
                    to_i64(counts.records),
                    to_i64(counts.vulnerabilities),
                    to_i64(counts.malicious),
                    to_i64(counts.unmaintained),
                    to_i64(counts.unsound),
                    to_i64(counts.notice),
                    to_i64(counts.withdrawn),
                    to_i64(counts.invalid),
                    to_i64(counts.other_ecosystems),
                ])
                .map_err(write)?;
        }
        let mut meta = transaction
            .prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")
            .map_err(write)?;
        let updated = format_time(database.updated);
        for (key, value) in [
            ("schema_version", SCHEMA_VERSION.to_string()),
            ("importer", IMPORTER.to_owned()),
            ("source", database.source.to_owned()),
            ("created", format_time(database.created)),
            ("updated", updated.clone()),
            ("checked", updated),
        ] {
            meta.execute(params![key, value]).map_err(write)?;
        }
    }
    transaction.execute_batch(INDEXES).map_err(write)?;
    transaction.commit().map_err(write)?;
    connection.close().map_err(|(_, source)| write(source))
}

/// The sidecar that records when an update last found the source unchanged.
fn checked_file(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".checked");
    PathBuf::from(name)
}

/// Records that the source of the database at `path` was checked at `now` and found unchanged,
/// without writing the database itself (readers may hold it open).
pub(crate) fn mark_checked(path: &Path, now: SystemTime) -> Result<(), StoreError> {
    let target = checked_file(path);
    let mut temporary = target.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let io = |source| StoreError::Io {
        path: target.clone(),
        source,
    };
    fs::write(&temporary, format_time(now)).map_err(io)?;
    fs::rename(&temporary, &target).map_err(io)
}

impl crate::AdvisoryLookup for Store {
    type Error = StoreError;

    fn lookup(&self, ecosystem: Ecosystem, key: &str) -> Result<Vec<Advisory>, StoreError> {
        Store::lookup(self, ecosystem, key)
    }

    fn has_ecosystem(&self, ecosystem: Ecosystem) -> bool {
        self.has_data(ecosystem)
    }
}
