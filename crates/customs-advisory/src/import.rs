//! Reading OSV's bulk export: one zip per ecosystem (`<base>/<ecosystem>/all.zip`), each member
//! `<ID>.json` holding one OSV record.
//!
//! The zip is hostile input. Before anything is decompressed the entry count is checked; each
//! member's declared size and compression ratio are checked from the central directory, and the
//! decompressed bytes are counted as they are read (a member may not exceed what it declares), as
//! is the total. Anything over a limit, and any member that cannot be decompressed, fails the
//! export: a damaged download must not silently lose advisories. Members are never written to
//! disk, so their paths do not matter beyond the `.json` suffix; other members are skipped.
//!
//! A member that decompresses but is not a valid OSV record is counted and named in the report,
//! not fatal: one bad record upstream must not block every update.
//!
//! Members are decompressed and parsed in parallel; each worker reads through its own clone of
//! the archive, which shares the parsed central directory.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use customs_core::Ecosystem;
use rayon::prelude::*;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::Advisory;
use crate::osv::{self, Record};
use crate::store::Counts;

/// Bounds on what one export may make us do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest export file (downloaded or read), in bytes.
    pub max_download_bytes: u64,
    /// Most members in one export.
    pub max_entries: usize,
    /// Largest decompressed member, in bytes.
    pub max_entry_bytes: u64,
    /// Most decompressed bytes in one export.
    pub max_total_bytes: u64,
    /// Highest ratio of decompressed to compressed size for members larger than
    /// [`RATIO_EXEMPT_BYTES`]: OSV records compress about 5 to 10 times.
    pub max_ratio: u64,
}

/// Members up to this size are not held to [`Limits::max_ratio`]: a tiny member cannot be a
/// bomb, and short repetitive records compress well.
pub const RATIO_EXEMPT_BYTES: u64 = 64 * 1024;

impl Default for Limits {
    /// Room for OSV's real exports (npm's holds a few hundred thousand records) with a wide
    /// margin, while keeping a hostile export's cost in memory and time bounded.
    fn default() -> Self {
        Limits {
            max_download_bytes: 2 << 30,
            max_entries: 4_000_000,
            max_entry_bytes: 16 << 20,
            max_total_bytes: 8 << 30,
            max_ratio: 100,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("`{origin}` is not a readable zip archive")]
    Archive {
        origin: String,
        #[source]
        source: ZipError,
    },
    #[error("`{origin}` has {count} members, more than the {limit} allowed")]
    TooManyEntries {
        origin: String,
        count: usize,
        limit: usize,
    },
    #[error("member `{member}` of `{origin}` is larger than the {limit} bytes allowed")]
    EntryTooLarge {
        origin: String,
        member: String,
        limit: u64,
    },
    #[error("member `{member}` of `{origin}` holds more data than it declares")]
    SizeMismatch { origin: String, member: String },
    #[error(
        "member `{member}` of `{origin}` expands {size} bytes from {compressed}, more than {limit} times: refused as a decompression bomb"
    )]
    Ratio {
        origin: String,
        member: String,
        size: u64,
        compressed: u64,
        limit: u64,
    },
    #[error("`{origin}` expands to more than the {limit} bytes allowed")]
    TotalTooLarge { origin: String, limit: u64 },
    #[error("cannot read member `{member}` of `{origin}`")]
    Member {
        origin: String,
        member: String,
        #[source]
        source: ZipError,
    },
    #[error("cannot decompress member `{member}` of `{origin}`")]
    Decompress {
        origin: String,
        member: String,
        #[source]
        source: std::io::Error,
    },
}

/// What one export holds.
#[derive(Debug, Default)]
pub(crate) struct Export {
    /// `.json` members.
    pub records: u64,
    /// Members skipped for not being `.json` files.
    pub skipped: u64,
    pub advisories: Vec<Advisory>,
    pub withdrawn: Vec<String>,
    pub other_ecosystems: Vec<String>,
    /// Names of members that are not valid OSV records, in archive order.
    pub invalid: Vec<String>,
}

enum Member {
    Skipped,
    Parsed(Record),
    Invalid(String),
}

/// Members of an export: how many there are and how many were read, for progress.
#[derive(Debug, Default)]
pub(crate) struct Counter {
    pub total: AtomicU64,
    pub done: AtomicU64,
}

/// Reads one export.
pub(crate) fn read_export(
    origin: &str,
    bytes: &[u8],
    limits: &Limits,
    counter: &Counter,
) -> Result<Export, ImportError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|source| ImportError::Archive {
        origin: origin.to_owned(),
        source,
    })?;
    if archive.len() > limits.max_entries {
        return Err(ImportError::TooManyEntries {
            origin: origin.to_owned(),
            count: archive.len(),
            limit: limits.max_entries,
        });
    }
    counter.total.store(archive.len() as u64, Ordering::Relaxed);
    let total = AtomicU64::new(0);
    let members: Vec<Member> = (0..archive.len())
        .into_par_iter()
        .map_init(
            || archive.clone(),
            |archive, index| {
                let member = read_member(archive, index, origin, limits, &total);
                counter.done.fetch_add(1, Ordering::Relaxed);
                member
            },
        )
        .collect::<Result<_, _>>()?;
    let mut export = Export::default();
    for member in members {
        match member {
            Member::Skipped => export.skipped += 1,
            Member::Invalid(name) => {
                export.records += 1;
                export.invalid.push(name);
            }
            Member::Parsed(record) => {
                export.records += 1;
                match record {
                    Record::Advisory(advisory) => export.advisories.push(*advisory),
                    Record::Withdrawn { id } => export.withdrawn.push(id),
                    Record::OtherEcosystems { id } => export.other_ecosystems.push(id),
                }
            }
        }
    }
    Ok(export)
}

fn read_member(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    index: usize,
    origin: &str,
    limits: &Limits,
    total: &AtomicU64,
) -> Result<Member, ImportError> {
    let mut file = archive
        .by_index(index)
        .map_err(|source| ImportError::Member {
            origin: origin.to_owned(),
            member: format!("#{index}"),
            source,
        })?;
    let name = String::from_utf8_lossy(file.name_raw()).into_owned();
    if file.is_dir() || !name.ends_with(".json") {
        return Ok(Member::Skipped);
    }
    let declared = file.size();
    let compressed = file.compressed_size();
    if declared > limits.max_entry_bytes {
        return Err(ImportError::EntryTooLarge {
            origin: origin.to_owned(),
            member: name,
            limit: limits.max_entry_bytes,
        });
    }
    let too_compressed =
        |size: u64| size > RATIO_EXEMPT_BYTES && size / compressed.max(1) > limits.max_ratio;
    if too_compressed(declared) {
        return Err(ImportError::Ratio {
            origin: origin.to_owned(),
            member: name,
            size: declared,
            compressed,
            limit: limits.max_ratio,
        });
    }
    let before = total.fetch_add(declared, Ordering::Relaxed);
    if before.saturating_add(declared) > limits.max_total_bytes {
        return Err(ImportError::TotalTooLarge {
            origin: origin.to_owned(),
            limit: limits.max_total_bytes,
        });
    }
    // One byte past the declared size tells a member that lies about its size.
    let mut json = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    (&mut file)
        .take(declared.saturating_add(1))
        .read_to_end(&mut json)
        .map_err(|source| ImportError::Decompress {
            origin: origin.to_owned(),
            member: name.clone(),
            source,
        })?;
    if json.len() as u64 > declared {
        return Err(ImportError::SizeMismatch {
            origin: origin.to_owned(),
            member: name,
        });
    }
    Ok(match osv::parse(&json) {
        Ok(record) => Member::Parsed(record),
        Err(_) => Member::Invalid(name),
    })
}

/// The advisories of every export, once per id, sorted by id, with per-ecosystem counts.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub advisories: Vec<Advisory>,
    pub counts: BTreeMap<Ecosystem, Counts>,
}

/// Merges exports. An id in several exports (a record affecting packages of several
/// ecosystems) is kept once: the copy with the latest `modified`, the first export's on a tie.
/// A record withdrawn in any export is withdrawn: OSV withdraws records, it does not revive them.
pub(crate) fn merge(exports: Vec<(Ecosystem, Export)>) -> Merged {
    let mut counts: BTreeMap<Ecosystem, Counts> = BTreeMap::new();
    let withdrawn: HashSet<String> = exports
        .iter()
        .flat_map(|(_, export)| export.withdrawn.iter().cloned())
        .collect();
    let mut by_id: HashMap<String, Advisory> = HashMap::new();
    for (ecosystem, export) in exports {
        let entry = counts.entry(ecosystem).or_default();
        entry.records += export.records;
        entry.withdrawn += unique(&export.withdrawn);
        entry.other_ecosystems += unique(&export.other_ecosystems);
        entry.invalid += export.invalid.len() as u64;
        for advisory in export.advisories {
            if withdrawn.contains(&advisory.id) {
                continue;
            }
            match by_id.get_mut(&advisory.id) {
                Some(kept) => {
                    if advisory.modified > kept.modified {
                        *kept = advisory;
                    }
                }
                None => {
                    by_id.insert(advisory.id.clone(), advisory);
                }
            }
        }
    }
    let mut advisories: Vec<Advisory> = by_id.into_values().collect();
    advisories.sort_by(|a, b| a.id.cmp(&b.id));
    for advisory in &advisories {
        let mut ecosystems: Vec<Ecosystem> =
            advisory.affected.iter().map(|a| a.ecosystem).collect();
        ecosystems.sort();
        ecosystems.dedup();
        for ecosystem in ecosystems {
            counts.entry(ecosystem).or_default().add_kind(advisory.kind);
        }
    }
    Merged { advisories, counts }
}

fn unique(ids: &[String]) -> u64 {
    ids.iter().collect::<HashSet<_>>().len() as u64
}
