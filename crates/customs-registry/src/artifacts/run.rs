//! The run: plans → the cache → registry documents (cached or fetched) → the cache again →
//! downloads → outcomes. Network work happens in two concurrent rounds (documents, then
//! artifacts) on one runtime, which is started only when something must be fetched.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use customs_core::{HashAlgorithm, Package};

use super::digest::{Computed, Expected};
use super::documents::{Answers, Meta, Need, fetch_documents, needs, resolve};
use super::download::{self, Job as DownloadJob, Outcome as Downloaded};
use super::plan::{self, Plan, Planned, Query};
use super::store::{Found, Record, Store};
use super::{Artifact, ArtifactOptions, ArtifactOutcome, ArtifactResult, Origin, Verification};
use crate::fetch::Fetcher;
use crate::{RegistryConfig, RegistryError, RequestStats};

/// The reason of everything the cache cannot answer offline.
const OFFLINE: &str = "offline, not in the artifact cache";

/// Where a package stands.
#[derive(Debug)]
enum State {
    Done(ArtifactOutcome),
    Query(Box<Query>),
    Planned(Vec<Planned>),
}

/// One artifact to have, whichever packages want it: its URL (as requested) and expectation.
type Key = (String, Option<Expected>);

fn key(artifact: &Planned) -> Key {
    (artifact.url.to_string(), artifact.expected.clone())
}

impl DownloadJob {
    fn key(&self) -> Key {
        (self.url.to_string(), self.expected.clone())
    }
}

pub(crate) fn run(
    packages: &[(usize, usize, &Package)],
    config: &RegistryConfig,
    options: &ArtifactOptions,
) -> Result<(Vec<ArtifactResult>, RequestStats), RegistryError> {
    let mut store = Store::open(&options.cache_dir_for(config))?;
    let limit = options.max_artifact_bytes;
    let now = jiff::Timestamp::now().as_second();
    let mut stats = RequestStats::default();

    // Plans, and the digests the lockfile pins looked up before any registry is asked.
    let mut states = Vec::with_capacity(packages.len());
    for (_, _, package) in packages {
        let state = match plan::plan(package, config) {
            Plan::Unavailable(reason) => State::Done(ArtifactOutcome::Unavailable { reason }),
            Plan::Known(planned) => State::Planned(planned),
            Plan::Registry(query) => State::Query(Box::new(query)),
            Plan::Pinned {
                expected,
                kind,
                extension,
                file_name,
                query,
            } => match store.find(&expected, extension, limit)? {
                Some(Found {
                    path,
                    computed,
                    size,
                    url: Some(url),
                }) => {
                    stats.cache_hits += 1;
                    State::Done(ArtifactOutcome::Fetched(vec![Artifact {
                        url,
                        file_name,
                        kind,
                        sha256: computed.sha256,
                        path,
                        size,
                        verified_by: expected.verification(),
                        origin: Origin::Registry,
                    }]))
                }
                _ => State::Query(Box::new(query)),
            },
        };
        states.push(state);
    }

    // Registry documents: the index first, then the network.
    let mut answers: Answers = HashMap::new();
    let mut missing: BTreeSet<Need> = BTreeSet::new();
    for state in &states {
        let State::Query(query) = state else { continue };
        for need in needs(query) {
            let key = need.key();
            if answers.contains_key(&key) {
                continue;
            }
            let cached = store.metadata(&key)?.and_then(|(body, fetched)| {
                let fresh = config.offline
                    || need.is_immutable()
                    || u64::try_from(now - fetched).is_ok_and(|age| age < config.ttl.as_secs());
                fresh
                    .then(|| serde_json::from_str::<Meta>(&body).ok())
                    .flatten()
            });
            match cached {
                Some(meta) => {
                    answers.insert(key, Ok(meta));
                }
                None if config.offline => {
                    answers.insert(key, Err(OFFLINE.to_owned()));
                }
                None => {
                    missing.insert(need);
                }
            }
        }
    }

    let mut runtime = None;
    let mut fetcher = None;
    let mut metadata_rows: Vec<(String, String)> = Vec::new();
    if !missing.is_empty() {
        let (started, client) = start(config, options)?;
        let fetched = started.block_on(fetch_documents(&client, missing));
        for (key, answer) in fetched {
            if let Ok(meta) = &answer
                && let Ok(body) = serde_json::to_string(meta)
            {
                metadata_rows.push((key.clone(), body));
            }
            answers.insert(key, answer);
        }
        runtime = Some(started);
        fetcher = Some(client);
    }
    for state in &mut states {
        let State::Query(query) = state else { continue };
        *state = match resolve(query, &answers) {
            Ok(planned) => State::Planned(planned),
            Err(outcome) => State::Done(outcome),
        };
    }

    // Artifacts: the cache, then the network.
    let mut found: HashMap<Key, Found> = HashMap::new();
    let mut jobs: Vec<DownloadJob> = Vec::new();
    let mut seen: HashSet<Key> = HashSet::new();
    let mut healed: Vec<Record> = Vec::new();
    for state in &states {
        let State::Planned(planned) = state else {
            continue;
        };
        for artifact in planned {
            let key = key(artifact);
            if !seen.insert(key.clone()) {
                continue;
            }
            let hit = match &artifact.expected {
                Some(expected) => store.find(expected, artifact.extension, limit)?,
                None => store.find_unverified(&artifact.shown, limit)?,
            };
            match hit {
                Some(hit) => {
                    // Found by its name alone (an index rebuilt since): recorded again, so that
                    // the lockfile's digest finds it before any registry is asked next time.
                    if hit.url.is_none() {
                        healed.extend(index_records(&job_for(artifact), &hit.computed));
                    }
                    found.insert(key, hit);
                }
                None if config.offline => {}
                None => jobs.push(job_for(artifact)),
            }
        }
    }
    let mut downloaded: HashMap<Key, Downloaded> = HashMap::new();
    let jobs_done = jobs.clone();
    if !jobs.is_empty() {
        let (started, client) = match (runtime, fetcher) {
            (Some(runtime), Some(fetcher)) => (runtime, fetcher),
            _ => start(config, options)?,
        };
        let files = store.files().clone();
        let outcomes = started.block_on(download_all(&client, &files, jobs, limit));
        downloaded.extend(outcomes);
        stats.requests = client.counters.requests.load(Ordering::Relaxed);
        stats.retries = client.counters.retries.load(Ordering::Relaxed);
    } else if let Some(client) = &fetcher {
        stats.requests = client.counters.requests.load(Ordering::Relaxed);
        stats.retries = client.counters.retries.load(Ordering::Relaxed);
    }

    // The index learns what was verified, and what the registries said.
    let records: Vec<Record> = jobs_done
        .iter()
        .filter_map(|job| match downloaded.get(&job.key()) {
            Some(Downloaded::Stored { computed, .. }) => Some(index_records(job, computed)),
            _ => None,
        })
        .flatten()
        .chain(healed)
        .collect();
    store.write(&records, &metadata_rows, now)?;

    let mut items = Vec::with_capacity(states.len());
    for ((lockfile, package, _), state) in packages.iter().zip(states) {
        let outcome = match state {
            State::Done(outcome) => outcome,
            State::Query(_) => ArtifactOutcome::Unavailable {
                reason: "the registry was not asked".to_owned(),
            },
            State::Planned(planned) => {
                assemble(planned, &found, &downloaded, config.offline, &mut stats)
            }
        };
        items.push(ArtifactResult {
            lockfile: *lockfile,
            package: *package,
            outcome,
        });
    }
    Ok((items, stats))
}

fn job_for(artifact: &Planned) -> DownloadJob {
    DownloadJob {
        url: artifact.url.clone(),
        shown: artifact.shown.clone(),
        expected: artifact.expected.clone(),
        extension: artifact.extension,
    }
}

/// The index rows of a verified (or unverified) download.
fn index_records(artifact: &DownloadJob, computed: &Computed) -> Vec<Record> {
    let record = |algorithm: &str, digest: &str| Record {
        algorithm: algorithm.to_owned(),
        digest: digest.to_owned(),
        sha256: computed.sha256.clone(),
        extension: artifact.extension,
        url: artifact.shown.clone(),
    };
    let mut records = vec![record(HashAlgorithm::Sha256.as_str(), &computed.sha256)];
    match &artifact.expected {
        Some(expected) => {
            if let Some(digest) = computed.get(expected.algorithm)
                && expected.algorithm != HashAlgorithm::Sha256
            {
                records.push(record(expected.algorithm.as_str(), digest));
            }
        }
        None => records.push(record("url", &artifact.shown)),
    }
    records
}

/// A runtime and a fetcher for artifacts.
fn start(
    config: &RegistryConfig,
    options: &ArtifactOptions,
) -> Result<(tokio::runtime::Runtime, Arc<Fetcher>), RegistryError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RegistryError::Runtime)?;
    let fetcher = Fetcher::for_artifacts(config, options.download_timeout)?;
    Ok((runtime, Arc::new(fetcher)))
}

/// Downloads every job, concurrently (the fetcher's permits bound requests in flight).
async fn download_all(
    fetcher: &Arc<Fetcher>,
    files: &super::store::Files,
    jobs: Vec<DownloadJob>,
    limit: u64,
) -> Vec<(Key, Downloaded)> {
    let mut set = tokio::task::JoinSet::new();
    for job in jobs {
        let fetcher = Arc::clone(fetcher);
        let files = files.clone();
        set.spawn(async move {
            let outcome = download::download(&fetcher, &files, &job, limit).await;
            (job.key(), outcome)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(outcome) = joined {
            outcomes.push(outcome);
        }
    }
    outcomes
}

/// A package's outcome from its artifacts' fates: a mismatch wins, then any artifact missing,
/// else all of them.
fn assemble(
    planned: Vec<Planned>,
    found: &HashMap<Key, Found>,
    downloaded: &HashMap<Key, Downloaded>,
    offline: bool,
    stats: &mut RequestStats,
) -> ArtifactOutcome {
    let mut artifacts = Vec::with_capacity(planned.len());
    let mut reasons = Vec::new();
    for artifact in planned {
        let key = key(&artifact);
        let verified_by = artifact
            .expected
            .as_ref()
            .map_or(Verification::Unverified, Expected::verification);
        let (path, sha256, size) = if let Some(hit) = found.get(&key) {
            stats.cache_hits += 1;
            (hit.path.clone(), hit.computed.sha256.clone(), hit.size)
        } else {
            match downloaded.get(&key) {
                Some(Downloaded::Stored {
                    path,
                    computed,
                    size,
                    ..
                }) => (path.clone(), computed.sha256.clone(), *size),
                Some(Downloaded::Mismatch { expected, actual }) => {
                    return ArtifactOutcome::IntegrityMismatch {
                        url: artifact.shown,
                        expected: expected.clone(),
                        actual: actual.clone(),
                    };
                }
                Some(Downloaded::Failed(reason)) => {
                    reasons.push(reason.clone());
                    continue;
                }
                None if offline => {
                    reasons.push(OFFLINE.to_owned());
                    continue;
                }
                None => {
                    reasons.push(format!(
                        "GET {}: the download did not complete",
                        artifact.shown
                    ));
                    continue;
                }
            }
        };
        artifacts.push(Artifact {
            url: artifact.shown,
            file_name: artifact.file_name,
            kind: artifact.kind,
            sha256,
            path,
            size,
            verified_by,
            origin: artifact.origin,
        });
    }
    if !reasons.is_empty() {
        reasons.dedup();
        return ArtifactOutcome::Unavailable {
            reason: reasons.join("; "),
        };
    }
    ArtifactOutcome::Fetched(artifacts)
}
