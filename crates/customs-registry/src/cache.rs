//! The registry cache: one SQLite file that makes a warm run cost one indexed query per
//! package.
//!
//! Tables (plain SQL, for `sqlite3` to inspect):
//! - `meta (key, value)`: `schema_version`. A cache of another schema version is rebuilt (it
//!   only holds what the registries can give again); a file that is not a customs registry
//!   cache is refused with advice to delete it.
//! - `documents`: one row per registry document (`registry` base URL without credentials and
//!   `path` below it): the HTTP status kept (200, or 404 for a negative answer), the
//!   validators (`etag`, `last_modified`) for conditional requests, when it was fetched, and
//!   the document-wide fields (latest version, npm's whole-package unpublication, the licence
//!   of a PyPI release document, the maintainers' accounts one per line, `NULL` where the
//!   registry names none). A crates.io owners answer is a document of its own, with no
//!   versions.
//! - `versions`: per document and version, the fields [`crate::document::VersionRecord`]
//!   extracts, so that a lockfile asking for another version needs no request.
//! - `evidence`: per document and locked version, the computed [`Computed`] evidence. A warm
//!   run reads only this (joined to `documents`); a refetched document drops its rows.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::document::{Document, VersionRecord};
use crate::evidence::Computed;
use crate::{RegistryError, Removed, Yanked};

/// The version of the schema below; another version is rebuilt.
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// `PRAGMA application_id` of customs registry caches: "creg".
const APPLICATION_ID: i32 = 0x6372_6567;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    registry TEXT NOT NULL,
    path TEXT NOT NULL,
    status INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    fetched INTEGER NOT NULL,
    latest TEXT,
    unpublished INTEGER NOT NULL DEFAULT 0,
    license TEXT,
    maintainers TEXT,
    UNIQUE (registry, path)
);
CREATE TABLE versions (
    document INTEGER NOT NULL,
    version TEXT NOT NULL,
    published TEXT,
    yanked INTEGER NOT NULL,
    yanked_reason TEXT,
    deprecated TEXT,
    scripts INTEGER NOT NULL,
    publisher TEXT,
    provenance INTEGER,
    license TEXT,
    PRIMARY KEY (document, version)
) WITHOUT ROWID;
CREATE TABLE evidence (
    document INTEGER NOT NULL,
    version TEXT NOT NULL,
    published TEXT,
    yanked INTEGER NOT NULL,
    yanked_reason TEXT,
    deprecated TEXT,
    removed TEXT,
    scripts INTEGER NOT NULL,
    previous_version TEXT,
    scripts_added INTEGER NOT NULL,
    publisher TEXT,
    previous_publisher TEXT,
    provenance INTEGER,
    previous_provenance INTEGER,
    license TEXT,
    latest TEXT,
    versions_behind INTEGER,
    first_published TEXT,
    version_count INTEGER,
    PRIMARY KEY (document, version)
) WITHOUT ROWID;
";

const DROP: &str = "
DROP TABLE IF EXISTS meta;
DROP TABLE IF EXISTS documents;
DROP TABLE IF EXISTS versions;
DROP TABLE IF EXISTS evidence;
";

const FILE: crate::sqlite::Schema = crate::sqlite::Schema {
    application_id: APPLICATION_ID,
    version: SCHEMA_VERSION,
    drop: DROP,
    tables: SCHEMA,
};

/// What the cache holds about one document.
#[derive(Clone, Debug)]
pub(crate) struct CachedDocument {
    pub id: i64,
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Unix seconds.
    pub fetched: i64,
    pub license: Option<String>,
    /// As [`Document::maintainers`].
    pub maintainers: Option<Vec<String>>,
}

/// A document to store after a fetch.
#[derive(Debug)]
pub(crate) struct NewDocument<'a> {
    pub registry: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub etag: Option<&'a str>,
    pub last_modified: Option<&'a str>,
    pub fetched: i64,
    pub document: Option<&'a Document>,
    pub license: Option<&'a str>,
    /// The maintainers of a document that is not a [`Document`] (a crates.io owners answer);
    /// a document's own are taken from it.
    pub maintainers: Option<&'a [String]>,
}

#[derive(Debug)]
pub(crate) struct Cache {
    connection: Connection,
    path: PathBuf,
}

impl Cache {
    /// Opens the cache at `path`, creating it (and its directory) when missing.
    pub(crate) fn open(path: &Path) -> Result<Cache, RegistryError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| RegistryError::CacheDirectory {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        let open_error = |source| RegistryError::CacheOpen {
            path: path.to_path_buf(),
            source,
        };
        let connection = Connection::open(path).map_err(open_error)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(open_error)?;
        // The query planner's stability guarantee: without it SQLite ties a lookup's plan to
        // the bound values and prepares the statement again for every package (half of a warm
        // run's time on the vite pnpm lockfile).
        connection
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
                true,
            )
            .map_err(open_error)?;
        let cache = Cache {
            connection,
            path: path.to_path_buf(),
        };
        cache.prepare()?;
        Ok(cache)
    }

    fn corrupt(&self) -> RegistryError {
        RegistryError::CacheCorrupt {
            path: self.path.clone(),
        }
    }

    fn read_error(&self, source: rusqlite::Error) -> RegistryError {
        RegistryError::CacheRead {
            path: self.path.clone(),
            source,
        }
    }

    fn write_error(&self, source: rusqlite::Error) -> RegistryError {
        RegistryError::CacheWrite {
            path: self.path.clone(),
            source,
        }
    }

    /// Checks the file is a cache of this schema; creates or rebuilds it otherwise.
    fn prepare(&self) -> Result<(), RegistryError> {
        crate::sqlite::prepare(&self.connection, &FILE).map_err(|unprepared| match unprepared {
            crate::sqlite::Unprepared::NotOurs => self.corrupt(),
            crate::sqlite::Unprepared::Write(source) => self.write_error(source),
        })
    }

    /// Starts one read transaction for many lookups: each query outside one would take and
    /// release the file's lock on its own, which costs more than the indexed read itself.
    pub(crate) fn begin_read(&self) -> Result<(), RegistryError> {
        self.connection
            .execute_batch("BEGIN DEFERRED")
            .map_err(|source| self.read_error(source))
    }

    /// Ends the read transaction [`Cache::begin_read`] started.
    pub(crate) fn end_read(&self) -> Result<(), RegistryError> {
        self.connection
            .execute_batch("COMMIT")
            .map_err(|source| self.read_error(source))
    }

    /// The document at (`registry`, `path`), with the evidence stored for `version`.
    pub(crate) fn lookup(
        &self,
        registry: &str,
        path: &str,
        version: &str,
    ) -> Result<Option<(CachedDocument, Option<Computed>)>, RegistryError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT d.id, d.status, d.etag, d.last_modified, d.fetched, d.license,
                        d.maintainers, e.version, e.published, e.yanked, e.yanked_reason, e.deprecated,
                        e.removed, e.scripts, e.previous_version, e.scripts_added, e.publisher,
                        e.previous_publisher, e.provenance, e.previous_provenance, e.license,
                        e.latest, e.versions_behind, e.first_published, e.version_count
                 FROM documents d
                 LEFT JOIN evidence e ON e.document = d.id AND e.version = ?3
                 WHERE d.registry = ?1 AND d.path = ?2",
            )
            .map_err(|source| self.read_error(source))?;
        statement
            .query_row(params![registry, path, version], |row| {
                let document = CachedDocument {
                    id: row.get(0)?,
                    status: row.get(1)?,
                    etag: row.get(2)?,
                    last_modified: row.get(3)?,
                    fetched: row.get(4)?,
                    license: row.get(5)?,
                    maintainers: read_accounts(row.get(6)?),
                };
                let stored: Option<String> = row.get(7)?;
                if stored.is_none() {
                    return Ok((document, None));
                }
                let published: Option<String> = row.get(8)?;
                let yanked: bool = row.get(9)?;
                let removed: Option<String> = row.get(12)?;
                let behind: Option<i64> = row.get(22)?;
                let first_published: Option<String> = row.get(23)?;
                let version_count: Option<i64> = row.get(24)?;
                let computed = Computed {
                    published: published.as_deref().and_then(|text| text.parse().ok()),
                    yanked: yanked
                        .then(|| row.get(10).map(|reason| Yanked { reason }))
                        .transpose()?,
                    deprecated: row.get(11)?,
                    removed: removed.as_deref().and_then(Removed::from_code),
                    scripts: row.get(13)?,
                    previous_version: row.get(14)?,
                    scripts_added: row.get(15)?,
                    publisher: row.get(16)?,
                    previous_publisher: row.get(17)?,
                    provenance: row.get(18)?,
                    previous_provenance: row.get(19)?,
                    license: row.get(20)?,
                    latest: row.get(21)?,
                    versions_behind: behind.and_then(|behind| u32::try_from(behind).ok()),
                    first_published: first_published
                        .as_deref()
                        .and_then(|text| text.parse().ok()),
                    version_count: version_count.and_then(|count| u32::try_from(count).ok()),
                };
                Ok((document, Some(computed)))
            })
            .optional()
            .map_err(|source| self.read_error(source))
    }

    /// Runs `write` in one transaction.
    pub(crate) fn write<T>(
        &mut self,
        write: impl FnOnce(&Writer<'_>) -> Result<T, rusqlite::Error>,
    ) -> Result<T, RegistryError> {
        let path = self.path.clone();
        let error = |source| RegistryError::CacheWrite {
            path: path.clone(),
            source,
        };
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(error)?;
        let result = write(&Writer {
            connection: &transaction,
        })
        .map_err(error)?;
        transaction.commit().map_err(error)?;
        Ok(result)
    }
}

impl NewDocument<'_> {
    fn maintainers(&self) -> Option<&[String]> {
        self.document
            .and_then(|document| document.maintainers.as_deref())
            .or(self.maintainers)
    }
}

/// Accounts as stored, one per line ([`crate::document::accounts`] keeps no name with a line
/// break); `None` for `NULL` or an empty text.
fn read_accounts(stored: Option<String>) -> Option<Vec<String>> {
    let accounts: Vec<String> = stored?
        .lines()
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect();
    (!accounts.is_empty()).then_some(accounts)
}

/// Writes of one transaction.
#[derive(Debug)]
pub(crate) struct Writer<'a> {
    connection: &'a Connection,
}

impl Writer<'_> {
    /// A package's document as stored (in this transaction or before).
    pub(crate) fn load(&self, id: i64) -> Result<Document, rusqlite::Error> {
        let (latest, unpublished, maintainers): (Option<String>, bool, Option<String>) =
            self.connection.query_row(
                "SELECT latest, unpublished, maintainers FROM documents WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )?;
        let mut statement = self.connection.prepare_cached(
            "SELECT version, published, yanked, yanked_reason, deprecated, scripts, publisher,
                    provenance, license
             FROM versions WHERE document = ?1",
        )?;
        let versions = statement
            .query_map([id], |row| {
                let published: Option<String> = row.get(1)?;
                Ok(VersionRecord {
                    version: row.get(0)?,
                    published: published.as_deref().and_then(|text| text.parse().ok()),
                    yanked: row.get(2)?,
                    yanked_reason: row.get(3)?,
                    deprecated: row.get(4)?,
                    scripts: row.get(5)?,
                    publisher: row.get(6)?,
                    provenance: row.get(7)?,
                    license: row.get(8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Document {
            latest,
            unpublished,
            maintainers: read_accounts(maintainers),
            versions,
        })
    }

    /// Stores a fetched document (replacing what was kept of it) and returns its id.
    pub(crate) fn store(&self, new: &NewDocument<'_>) -> Result<i64, rusqlite::Error> {
        let id: i64 = self
            .connection
            .prepare_cached(
                "INSERT INTO documents
                     (registry, path, status, etag, last_modified, fetched, latest, unpublished, license,
                      maintainers)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (registry, path) DO UPDATE SET
                     status = excluded.status, etag = excluded.etag,
                     last_modified = excluded.last_modified, fetched = excluded.fetched,
                     latest = excluded.latest, unpublished = excluded.unpublished,
                     license = excluded.license, maintainers = excluded.maintainers
                 RETURNING id",
            )?
            .query_row(
                params![
                    new.registry,
                    new.path,
                    new.status,
                    new.etag,
                    new.last_modified,
                    new.fetched,
                    new.document.and_then(|d| d.latest.as_deref()),
                    new.document.is_some_and(|d| d.unpublished),
                    new.license,
                    new.maintainers().map(|accounts| accounts.join("\n")),
                ],
                |row| row.get(0),
            )?;
        self.connection
            .prepare_cached("DELETE FROM versions WHERE document = ?1")?
            .execute([id])?;
        self.connection
            .prepare_cached("DELETE FROM evidence WHERE document = ?1")?
            .execute([id])?;
        if let Some(document) = new.document {
            let mut insert = self.connection.prepare_cached(
                "INSERT OR REPLACE INTO versions
                     (document, version, published, yanked, yanked_reason, deprecated, scripts,
                      publisher, provenance, license)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for record in &document.versions {
                insert.execute(params![
                    id,
                    record.version,
                    record.published.map(|t| t.to_string()),
                    record.yanked,
                    record.yanked_reason,
                    record.deprecated,
                    record.scripts,
                    record.publisher,
                    record.provenance,
                    record.license,
                ])?;
            }
        }
        Ok(id)
    }

    /// Records that a document was revalidated (HTTP 304) at `fetched`.
    pub(crate) fn touch(
        &self,
        id: i64,
        fetched: i64,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<(), rusqlite::Error> {
        self.connection
            .prepare_cached(
                "UPDATE documents SET fetched = ?2, etag = coalesce(?3, etag),
                     last_modified = coalesce(?4, last_modified)
                 WHERE id = ?1",
            )?
            .execute(params![id, fetched, etag, last_modified])?;
        Ok(())
    }

    /// Stores the evidence computed for `version` of document `id`.
    pub(crate) fn store_evidence(
        &self,
        id: i64,
        version: &str,
        computed: &Computed,
    ) -> Result<(), rusqlite::Error> {
        self.connection
            .prepare_cached(
                "INSERT OR REPLACE INTO evidence
                     (document, version, published, yanked, yanked_reason, deprecated, removed,
                      scripts, previous_version, scripts_added, publisher, previous_publisher,
                      provenance, previous_provenance, license, latest, versions_behind,
                      first_published, version_count)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                         ?18, ?19)",
            )?
            .execute(params![
                id,
                version,
                computed.published.map(|t| t.to_string()),
                computed.yanked.is_some(),
                computed.yanked.as_ref().and_then(|y| y.reason.as_deref()),
                computed.deprecated,
                computed.removed.map(Removed::code),
                computed.scripts,
                computed.previous_version,
                computed.scripts_added,
                computed.publisher,
                computed.previous_publisher,
                computed.provenance,
                computed.previous_provenance,
                computed.license,
                computed.latest,
                computed.versions_behind,
                computed.first_published.map(|t| t.to_string()),
                computed.version_count,
            ])?;
        Ok(())
    }
}
