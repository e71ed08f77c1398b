//! The schema check both SQLite files of this crate (the registry cache and the artifact
//! index) run when they are opened: a file of theirs with the current schema is used as it is,
//! an empty file or one of an older schema is (re)built, anything else is left alone.

use rusqlite::{Connection, OptionalExtension as _};

/// A file's identity and layout.
pub(crate) struct Schema {
    /// `PRAGMA application_id`: tells this crate's files from any other SQLite file.
    pub application_id: i32,
    /// Kept in `meta` under `schema_version`; another version is rebuilt.
    pub version: u32,
    /// Statements dropping every table of any version.
    pub drop: &'static str,
    /// Statements creating the tables, `meta (key, value)` among them.
    pub tables: &'static str,
}

/// Why a file could not be prepared.
pub(crate) enum Unprepared {
    /// Not a file of this schema's application (another SQLite file, or not SQLite at all).
    NotOurs,
    /// It could not be (re)built.
    Write(rusqlite::Error),
}

/// Checks `connection`'s file is one of `schema`; creates or rebuilds it otherwise.
pub(crate) fn prepare(connection: &Connection, schema: &Schema) -> Result<(), Unprepared> {
    // Any error here (SQLITE_NOTADB for a file of garbage) means the file is not ours.
    let application_id: i32 = connection
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(|_| Unprepared::NotOurs)?;
    let tables: i64 = connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(|_| Unprepared::NotOurs)?;
    if application_id == 0 && tables == 0 {
        return create(connection, schema);
    }
    if application_id != schema.application_id {
        return Err(Unprepared::NotOurs);
    }
    let version: Option<String> = connection
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()
        .unwrap_or(None);
    if version.as_deref() != Some(schema.version.to_string().as_str()) {
        return create(connection, schema);
    }
    Ok(())
}

fn create(connection: &Connection, schema: &Schema) -> Result<(), Unprepared> {
    let Schema {
        application_id,
        version,
        drop,
        tables,
    } = schema;
    let batch = format!(
        "PRAGMA journal_mode = WAL;
         BEGIN IMMEDIATE;
         {drop}
         {tables}
         INSERT INTO meta (key, value) VALUES ('schema_version', '{version}');
         PRAGMA application_id = {application_id};
         COMMIT;"
    );
    connection.execute_batch(&batch).map_err(Unprepared::Write)
}
