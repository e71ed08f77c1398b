//! The popular-name lists that typosquat checks compare names with, kept beside the advisory
//! database (`popular/` in its directory) and refreshed by `customs db update`.
//!
//! A source is laid out like the advisory source: an `https://` (or `http://`) base URL, a
//! `file://` URL or a directory holding `npm.csv`, `pypi.csv` and `crates.csv` in the format
//! [`customs_typosquat::Corpus::parse_csv`] reads (`name,rank` or `name,downloads`). Every list
//! is read and validated before any is written, and each is replaced by a rename: a failed or
//! partial update leaves the lists that were there. A source without one of the lists keeps the
//! previous copy of that list.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use customs_advisory::Source;
use customs_core::Ecosystem;
use customs_typosquat::Corpus;
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
    /// The source has no such list; the previous copy (if any) is kept.
    Missing {
        location: String,
    },
}

/// Fetches every list from `source` (as `--popular-source` takes it), validates them all, then
/// replaces the stored copies. A list the source lacks is reported [`ListUpdate::Missing`].
pub(crate) fn update(db: &Path, source: &str) -> anyhow::Result<Vec<(Ecosystem, ListUpdate)>> {
    let parsed = Source::parse(source)?;
    let shown = parsed.display();
    let mut fetched = Vec::new();
    let mut outcomes = Vec::new();
    for (ecosystem, file) in FILES {
        let location = format!("{}/{file}", shown.trim_end_matches('/'));
        let Some(bytes) = customs_advisory::fetch_file(&parsed, file, MAX_LIST_BYTES)
            .with_context(|| format!("cannot fetch the popular-name list `{location}`"))?
        else {
            outcomes.push((ecosystem, ListUpdate::Missing { location }));
            continue;
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("the popular-name list `{location}` is not UTF-8"))?;
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
        fetched.push((ecosystem, file, text, corpus.len()));
    }
    if fetched.is_empty() {
        return Ok(outcomes);
    }
    let directory = directory(db);
    fs::create_dir_all(&directory)
        .with_context(|| format!("cannot create `{}`", directory.display()))?;
    let mut meta = read_meta(&directory);
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    for (ecosystem, file, text, names) in fetched {
        write_atomically(&directory.join(file), text.as_bytes())?;
        meta.lists.insert(
            ecosystem.osv_name().to_owned(),
            ListInfo {
                source: shown.clone(),
                fetched: now.clone(),
                names,
            },
        );
    }
    let json = serde_json::to_vec_pretty(&meta).context("cannot encode the list metadata")?;
    write_atomically(&directory.join(META), &json)?;
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
