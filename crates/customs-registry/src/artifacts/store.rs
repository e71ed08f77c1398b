//! The artifact cache: verified artifacts as files named by their SHA-256, and a small SQLite
//! index beside them.
//!
//! Layout under the cache directory:
//! - `ab/abcdef….tgz`: an artifact, named by its SHA-256 in lowercase hex, in a directory named
//!   by the first two digits, with an extension by its kind (`tgz`, `crate`, `whl`, `tar.gz`,
//!   `zip`, …). Written to a `.partial-*` file in the cache directory while it downloads,
//!   renamed into place only once its digest matched; a partial file is never read.
//! - `index.sqlite`: `digests (algorithm, digest) → (sha256, extension, url)`, one row per digest
//!   an artifact was verified against (and its SHA-256), so that a lockfile's `sha512` finds the
//!   file without a request; `(url, <the URL>)` rows for artifacts no digest vouches for.
//!   `metadata (key) → (body, fetched)`: what registries said about a release (its files and
//!   digests), so that a warm run needs no registry document either.
//!
//! A cached file is hashed again every time it is found (SHA-256 and the algorithm asked for):
//! the index is only a way to find a file, never a reason to believe one. Hashing costs a few
//! milliseconds per megabyte in a release build (not measured here: an estimate for SHA-256
//! with the CPU's SHA instructions plus a software SHA-512), little next to opening the
//! archive, and it catches a file changed or truncated on disk, which is then removed and
//! fetched again.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{Connection, OptionalExtension, params};

use super::digest::{Computed, Expected, Hasher, is_sha256};
use crate::RegistryError;

/// The version of the index schema; an index of another version is rebuilt (the files stay,
/// and a file is found again by its SHA-256 or fetched again).
const SCHEMA_VERSION: u32 = 1;
/// `PRAGMA application_id` of customs artifact indexes: "cart".
const APPLICATION_ID: i32 = 0x6361_7274;
/// The index file in the cache directory.
pub(crate) const INDEX_FILE: &str = "index.sqlite";
/// Partial downloads left behind by a process that was killed are removed after this long.
const STALE_PARTIAL: Duration = Duration::from_secs(24 * 60 * 60);
const PARTIAL_PREFIX: &str = ".partial-";
const READ_CHUNK: usize = 64 * 1024;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE digests (
    algorithm TEXT NOT NULL,
    digest TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    extension TEXT NOT NULL,
    url TEXT NOT NULL,
    PRIMARY KEY (algorithm, digest)
) WITHOUT ROWID;
CREATE TABLE metadata (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    fetched INTEGER NOT NULL
) WITHOUT ROWID;
";

const DROP: &str = "
DROP TABLE IF EXISTS meta;
DROP TABLE IF EXISTS digests;
DROP TABLE IF EXISTS metadata;
";

const FILE: crate::sqlite::Schema = crate::sqlite::Schema {
    application_id: APPLICATION_ID,
    version: SCHEMA_VERSION,
    drop: DROP,
    tables: SCHEMA,
};

/// A cached artifact, hashed again just now.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub path: PathBuf,
    pub computed: Computed,
    pub size: u64,
    /// Where it was fetched from, as the index recorded it (without credentials).
    pub url: Option<String>,
}

/// An index row to write.
#[derive(Clone, Debug)]
pub(crate) struct Record {
    /// An algorithm's name, or `url` for an artifact no digest vouches for.
    pub algorithm: String,
    pub digest: String,
    pub sha256: String,
    pub extension: &'static str,
    pub url: String,
}

/// The files of the cache: what downloads need (the index stays with the thread that opened
/// it).
#[derive(Clone, Debug)]
pub(crate) struct Files {
    root: PathBuf,
}

#[derive(Debug)]
pub(crate) struct Store {
    files: Files,
    index: PathBuf,
    connection: Connection,
}

impl Store {
    /// Opens the cache at `root`, creating it when missing.
    pub(crate) fn open(root: &Path) -> Result<Store, RegistryError> {
        std::fs::create_dir_all(root).map_err(|source| RegistryError::ArtifactCache {
            path: root.to_path_buf(),
            source,
        })?;
        remove_stale_partials(root);
        let index = root.join(INDEX_FILE);
        let open_error = |source| RegistryError::ArtifactIndex {
            path: index.clone(),
            source,
        };
        let connection = Connection::open(&index).map_err(open_error)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(open_error)?;
        let store = Store {
            files: Files {
                root: root.to_path_buf(),
            },
            index,
            connection,
        };
        store.prepare()?;
        Ok(store)
    }

    pub(crate) fn files(&self) -> &Files {
        &self.files
    }

    fn index_error(&self, source: rusqlite::Error) -> RegistryError {
        RegistryError::ArtifactIndex {
            path: self.index.clone(),
            source,
        }
    }

    /// Checks the file is an index of this schema; creates or rebuilds it otherwise.
    fn prepare(&self) -> Result<(), RegistryError> {
        crate::sqlite::prepare(&self.connection, &FILE).map_err(|unprepared| match unprepared {
            crate::sqlite::Unprepared::NotOurs => RegistryError::ArtifactIndexCorrupt {
                path: self.index.clone(),
            },
            crate::sqlite::Unprepared::Write(source) => self.index_error(source),
        })
    }

    /// The cached artifact that matches `expected`, looked up in the index (and, for a SHA-256,
    /// by its name with `extension`), hashed again and checked. A file whose content no longer
    /// matches its name is removed.
    pub(crate) fn find(
        &self,
        expected: &Expected,
        extension: &str,
        max_bytes: u64,
    ) -> Result<Option<Found>, RegistryError> {
        let mut candidates: Vec<(String, String, Option<String>)> = Vec::new();
        for digest in &expected.digests {
            candidates.extend(self.rows(expected.algorithm.as_str(), digest)?);
            if expected.algorithm == customs_core::HashAlgorithm::Sha256 {
                candidates.push((digest.clone(), extension.to_owned(), None));
            }
        }
        for (sha256, extension, url) in candidates {
            let Some(path) = self.files.path_of(&sha256, &extension) else {
                continue;
            };
            let Some((computed, size)) = rehash(&path, &sha256, Some(expected), max_bytes) else {
                continue;
            };
            if expected.check(&computed).is_ok() {
                return Ok(Some(Found {
                    path,
                    computed,
                    size,
                    url,
                }));
            }
        }
        Ok(None)
    }

    /// The cached artifact fetched from `url` without any digest to check it against (hashed
    /// again all the same, against its name).
    pub(crate) fn find_unverified(
        &self,
        url: &str,
        max_bytes: u64,
    ) -> Result<Option<Found>, RegistryError> {
        for (sha256, extension, recorded) in self.rows("url", url)? {
            let Some(path) = self.files.path_of(&sha256, &extension) else {
                continue;
            };
            if let Some((computed, size)) = rehash(&path, &sha256, None, max_bytes) {
                return Ok(Some(Found {
                    path,
                    computed,
                    size,
                    url: recorded,
                }));
            }
        }
        Ok(None)
    }

    fn rows(
        &self,
        algorithm: &str,
        digest: &str,
    ) -> Result<Vec<(String, String, Option<String>)>, RegistryError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT sha256, extension, url FROM digests WHERE algorithm = ?1 AND digest = ?2",
            )
            .map_err(|source| self.index_error(source))?;
        statement
            .query_map(params![algorithm, digest], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|source| self.index_error(source))
    }

    /// The metadata stored under `key`, with when it was fetched (Unix seconds).
    pub(crate) fn metadata(&self, key: &str) -> Result<Option<(String, i64)>, RegistryError> {
        let mut statement = self
            .connection
            .prepare_cached("SELECT body, fetched FROM metadata WHERE key = ?1")
            .map_err(|source| self.index_error(source))?;
        statement
            .query_row([key], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()
            .map_err(|source| self.index_error(source))
    }

    /// Writes index rows and metadata in one transaction.
    pub(crate) fn write(
        &mut self,
        records: &[Record],
        metadata: &[(String, String)],
        fetched: i64,
    ) -> Result<(), RegistryError> {
        if records.is_empty() && metadata.is_empty() {
            return Ok(());
        }
        let index = self.index.clone();
        let error = |source| RegistryError::ArtifactIndex {
            path: index.clone(),
            source,
        };
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(error)?;
        {
            let mut insert = transaction
                .prepare_cached(
                    "INSERT OR REPLACE INTO digests (algorithm, digest, sha256, extension, url)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(error)?;
            for record in records {
                insert
                    .execute(params![
                        record.algorithm,
                        record.digest,
                        record.sha256,
                        record.extension,
                        record.url
                    ])
                    .map_err(error)?;
            }
            let mut insert = transaction
                .prepare_cached(
                    "INSERT OR REPLACE INTO metadata (key, body, fetched) VALUES (?1, ?2, ?3)",
                )
                .map_err(error)?;
            for (key, body) in metadata {
                insert.execute(params![key, body, fetched]).map_err(error)?;
            }
        }
        transaction.commit().map_err(error)
    }
}

impl Files {
    /// Where the artifact of SHA-256 `sha256` and extension `extension` lives; `None` for names
    /// that are not a digest and an extension (the index is read back, and must not lead out
    /// of the cache directory).
    pub(crate) fn path_of(&self, sha256: &str, extension: &str) -> Option<PathBuf> {
        let plain_extension = !extension.is_empty()
            && extension.len() <= 16
            && !extension.starts_with('.')
            && !extension.contains("..")
            && extension
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.');
        if !is_sha256(sha256) || !plain_extension {
            return None;
        }
        Some(
            self.root
                .join(&sha256[..2])
                .join(format!("{sha256}.{extension}")),
        )
    }

    /// A new partial file for a download, in the cache directory (so that the rename into
    /// place stays on one file system).
    pub(crate) fn partial(&self) -> io::Result<tempfile::NamedTempFile> {
        tempfile::Builder::new()
            .prefix(PARTIAL_PREFIX)
            .tempfile_in(&self.root)
    }

    /// Moves a verified partial file into place as `sha256.extension`.
    pub(crate) fn persist(
        &self,
        partial: tempfile::NamedTempFile,
        sha256: &str,
        extension: &str,
    ) -> io::Result<PathBuf> {
        let path = self
            .path_of(sha256, extension)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a cache file name"))?;
        if let Some(directory) = path.parent() {
            std::fs::create_dir_all(directory)?;
        }
        match partial.persist(&path) {
            Ok(_) => Ok(path),
            // Another process put the same content there first.
            Err(_) if path.is_file() => Ok(path),
            Err(error) => Err(error.error),
        }
    }
}

/// Hashes the file at `path` again: its SHA-256 must be `sha256` (its name) and, when given,
/// its digest must match `expected`. `None` when it is absent, unreadable, larger than
/// `max_bytes` or changed; a changed file is removed.
fn rehash(
    path: &Path,
    sha256: &str,
    expected: Option<&Expected>,
    max_bytes: u64,
) -> Option<(Computed, u64)> {
    let mut file = File::open(path).ok()?;
    let metadata = file.metadata().ok()?;
    if !metadata.is_file() || metadata.len() > max_bytes {
        return None;
    }
    let mut hasher = Hasher::new(expected);
    let mut buffer = vec![0u8; READ_CHUNK];
    let mut size = 0u64;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                size += read as u64;
                if size > max_bytes {
                    return None;
                }
                hasher.update(buffer.get(..read)?);
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let computed = hasher.finish();
    if computed.sha256 != sha256 {
        // Changed or truncated on disk: it must not be found again.
        let _ = std::fs::remove_file(path);
        return None;
    }
    Some((computed, size))
}

/// Removes partial downloads older than [`STALE_PARTIAL`] (a process killed mid-download leaves
/// its partial file behind). Best effort.
fn remove_stale_partials(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let is_partial = entry
            .file_name()
            .to_str()
            .is_some_and(|name| name.starts_with(PARTIAL_PREFIX));
        let stale = entry
            .metadata()
            .and_then(|metadata| metadata.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if is_partial && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_from_the_index_stay_in_the_cache() {
        let directory = tempfile::tempdir().unwrap();
        let store = Store::open(directory.path()).unwrap();
        let store = store.files();
        let sha256 = "ab".repeat(32);
        assert_eq!(
            store.path_of(&sha256, "tar.gz"),
            Some(directory.path().join("ab").join(format!("{sha256}.tar.gz")))
        );
        for (digest, extension) in [
            (sha256.as_str(), "../x"),
            (sha256.as_str(), "/etc"),
            (sha256.as_str(), ""),
            (sha256.as_str(), ".tgz"),
            ("../../../etc/passwd", "tgz"),
            ("AB", "tgz"),
        ] {
            assert_eq!(
                store.path_of(digest, extension),
                None,
                "{digest} {extension}"
            );
        }
    }

    #[test]
    fn a_file_that_is_not_an_index_is_refused() {
        let directory = tempfile::tempdir().unwrap();
        std::fs::write(directory.path().join(INDEX_FILE), b"not sqlite at all").unwrap();
        assert!(matches!(
            Store::open(directory.path()),
            Err(RegistryError::ArtifactIndexCorrupt { .. })
        ));
    }
}
