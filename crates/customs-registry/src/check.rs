//! The check itself: packages → documents to have → cached or fetched answers → evidence.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use customs_core::{Ecosystem, Inventory, Package, Source};
use url::Url;

use crate::cache::{Cache, CachedDocument, NewDocument, Writer};
use crate::config::{base_url, pypi_json_api};
use crate::document::{self, Document};
use crate::evidence::{self, Computed};
use crate::fetch::{Fetched, Fetcher, Validators};
use crate::{
    Evidence, PackageEvidence, RegistryConfig, RegistryError, Removed, RequestStats, Unchecked,
    crates, npm, pypi,
};

/// Checks every registry package of `inventory` with an exact version against its registry.
///
/// Synchronous: when anything must be fetched it runs its own small runtime (two worker
/// threads); a run that the cache answers starts neither the runtime nor the HTTP client.
pub fn check(inventory: &Inventory, config: &RegistryConfig) -> Result<Evidence, RegistryError> {
    check_selected(inventory, config, |_, _| true)
}

/// [`check`] for the packages `selected(lockfile, package)` picks (indices into `inventory`):
/// a gate on a change asks the registries only about what the change brings in.
pub fn check_selected(
    inventory: &Inventory,
    config: &RegistryConfig,
    selected: impl Fn(usize, usize) -> bool,
) -> Result<Evidence, RegistryError> {
    let mut cache = Cache::open(&config.cache)?;
    let now = jiff::Timestamp::now().as_second();
    let mut plan = Plan::default();
    let mut unchecked = Vec::new();
    let mut targets: Vec<(usize, usize, Target)> = Vec::new();
    for (lockfile_index, lockfile) in inventory.lockfiles.iter().enumerate() {
        for (package_index, package) in lockfile.packages.iter().enumerate() {
            let Source::Registry { url } = &package.source else {
                continue;
            };
            if !selected(lockfile_index, package_index) {
                continue;
            }
            let target = match &package.version {
                None => Err("no exact version is locked".to_owned()),
                Some(version) => plan.target(config, package, url, version.as_str()),
            };
            match target {
                Ok(target) => targets.push((lockfile_index, package_index, target)),
                Err(reason) => unchecked.push(Unchecked {
                    lockfile: lockfile_index,
                    package: package_index,
                    reason,
                }),
            }
        }
    }

    // What the cache holds: one indexed query per (document, version), in one read
    // transaction.
    let mut memos: HashMap<(usize, String), Option<Computed>> = HashMap::new();
    cache.begin_read()?;
    let looked_up = lookup_all(&cache, &mut plan, &targets, &mut memos);
    cache.end_read()?;
    looked_up?;

    let mut stats = RequestStats::default();
    let to_fetch = plan.triage(config, now, &mut stats);
    let answers = if to_fetch.is_empty() {
        Vec::new()
    } else {
        let (answers, requests, retries) = fetch_all(&plan, &to_fetch, config)?;
        stats.requests = requests;
        stats.retries = retries;
        answers
    };

    // One transaction: new and revalidated documents, then evidence not yet computed.
    let missing_memo = memos.iter().any(|((slot, _), memo)| {
        memo.is_none()
            && plan.slots[*slot]
                .cached
                .as_ref()
                .is_some_and(|c| c.status == 200)
    });
    if !answers.is_empty() || missing_memo {
        let mut refetched: HashSet<usize> = HashSet::new();
        let mut in_memory: HashMap<usize, Document> = HashMap::new();
        cache.write(|writer| {
            for (index, document) in plan.store_answers(writer, answers, now, &mut stats)? {
                refetched.insert(index);
                if let Some(document) = document {
                    in_memory.insert(index, document);
                }
            }
            for ((slot_index, version), memo) in memos.iter_mut() {
                if memo.is_some() && !refetched.contains(slot_index) {
                    continue;
                }
                *memo = None;
                let slot = &plan.slots[*slot_index];
                let Some(cached) = slot.cached.as_ref().filter(|c| c.status == 200) else {
                    continue;
                };
                if !matches!(slot.outcome, Outcome::Cached) {
                    continue;
                }
                if !in_memory.contains_key(slot_index) {
                    in_memory.insert(*slot_index, writer.load(cached.id)?);
                }
                let Some(document) = in_memory.get(slot_index) else {
                    continue;
                };
                let computed = evidence::compute(slot.ecosystem, document, version);
                writer.store_evidence(cached.id, version, &computed)?;
                *memo = Some(computed);
            }
            Ok(())
        })?;
    }

    let mut packages = Vec::with_capacity(targets.len());
    for (lockfile, package, target) in targets {
        let project = &plan.slots[target.project];
        let maintainers = match project.state() {
            State::Found(cached) => cached.maintainers.clone(),
            State::NotFound | State::Failed(_) => None,
        };
        let computed = match project.state() {
            State::Failed(reason) => {
                unchecked.push(Unchecked {
                    lockfile,
                    package,
                    reason: reason.to_owned(),
                });
                continue;
            }
            State::NotFound => {
                packages.push(PackageEvidence {
                    lockfile,
                    package,
                    removed: Some(Removed::PackageNotFound),
                    ..PackageEvidence::default()
                });
                continue;
            }
            State::Found(_) => memos
                .get(&(target.project, target.version))
                .cloned()
                .flatten(),
        };
        let Some(computed) = computed else {
            unchecked.push(Unchecked {
                lockfile,
                package,
                reason: format!(
                    "the registry cache holds no evidence for this version ({})",
                    customs_core::redacted_url(project.url.as_str())
                ),
            });
            continue;
        };
        let (license, license_known) = match (target.ecosystem, target.release) {
            (Ecosystem::Npm, _) => (computed.license.clone(), computed.removed.is_none()),
            (Ecosystem::CratesIo, _) | (Ecosystem::PyPI, None) => (None, false),
            (Ecosystem::PyPI, Some(release)) => match plan.slots[release].state() {
                State::Found(cached) => (cached.license.clone(), true),
                State::NotFound => (None, false),
                State::Failed(reason) => {
                    unchecked.push(Unchecked {
                        lockfile,
                        package,
                        reason: reason.to_owned(),
                    });
                    continue;
                }
            },
        };
        packages.push(PackageEvidence {
            lockfile,
            package,
            published: computed.published,
            yanked: computed.yanked,
            deprecated: computed.deprecated,
            removed: computed.removed,
            install_scripts: document::script_names(computed.scripts),
            previous_version: computed.previous_version,
            install_scripts_added: computed.scripts_added,
            publisher: computed.publisher,
            previous_publisher: computed.previous_publisher,
            provenance: computed.provenance,
            previous_provenance: computed.previous_provenance,
            license,
            license_known,
            latest: computed.latest,
            versions_behind: computed.versions_behind,
            first_published: computed.first_published,
            version_count: computed.version_count,
            maintainers,
        });
    }
    packages.sort_by_key(|evidence| (evidence.lockfile, evidence.package));
    unchecked.sort_by_key(|item| (item.lockfile, item.package));
    Ok(Evidence {
        packages,
        unchecked,
        requests: stats,
    })
}

/// Reads what the cache holds for every target and document.
fn lookup_all(
    cache: &Cache,
    plan: &mut Plan,
    targets: &[(usize, usize, Target)],
    memos: &mut HashMap<(usize, String), Option<Computed>>,
) -> Result<(), RegistryError> {
    for (_, _, target) in targets {
        let key = (target.project, target.version.clone());
        if memos.contains_key(&key) {
            continue;
        }
        let slot = &mut plan.slots[target.project];
        let found = cache.lookup(&slot.registry, &slot.path, &target.version)?;
        let memo = found.and_then(|(cached, memo)| {
            slot.cached.get_or_insert(cached);
            memo
        });
        slot.looked_up = true;
        memos.insert(key, memo);
    }
    plan.lookup_documents(cache)
}

fn is_fresh(cached: &CachedDocument, kind: Kind, now: i64, config: &RegistryConfig) -> bool {
    let Ok(age) = u64::try_from(now - cached.fetched) else {
        // Fetched "in the future": the clock moved back; ask again.
        return false;
    };
    match (cached.status, kind) {
        // A release's files, hence its licence metadata, never change once uploaded.
        (200, Kind::Release) => true,
        (200, Kind::Project | Kind::Owners) => age < config.ttl.as_secs(),
        _ => age < config.negative_ttl.as_secs(),
    }
}

/// Which document of a package.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    /// All versions: an npm packument, a PyPI project, a crates.io index file.
    Project,
    /// PyPI: one release (for its licence).
    Release,
    /// crates.io: the API's list of a crate's owners.
    Owners,
}

#[derive(Debug)]
enum Outcome {
    Pending,
    /// The cache holds the current answer (`Slot::cached`).
    Cached,
    Failed(String),
}

pub(crate) enum State<'a> {
    Found(&'a CachedDocument),
    NotFound,
    Failed(&'a str),
}

/// One registry document the check needs.
#[derive(Debug)]
pub(crate) struct Slot {
    ecosystem: Ecosystem,
    kind: Kind,
    /// The registry base without credentials: the cache key with `path`.
    registry: String,
    path: String,
    /// What is requested (with any credentials of the configured URL).
    url: Url,
    cached: Option<CachedDocument>,
    looked_up: bool,
    outcome: Outcome,
}

impl Slot {
    pub(crate) fn state(&self) -> State<'_> {
        match (&self.outcome, &self.cached) {
            (Outcome::Failed(reason), _) => State::Failed(reason),
            (Outcome::Cached, Some(cached)) if cached.status == 200 => State::Found(cached),
            (Outcome::Cached, Some(_)) => State::NotFound,
            (Outcome::Pending | Outcome::Cached, _) => {
                State::Failed("the request did not complete")
            }
        }
    }
}

/// The documents one package needs.
#[derive(Debug)]
struct Target {
    ecosystem: Ecosystem,
    project: usize,
    release: Option<usize>,
    version: String,
}

#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) slots: Vec<Slot>,
    index: HashMap<(Kind, String, String), usize>,
    /// Registry bases of non-default sources, resolved once each.
    bases: HashMap<(Ecosystem, String), Result<Url, String>>,
}

impl Plan {
    /// Reads what the cache holds for every slot not looked up yet (the document alone, no
    /// evidence).
    pub(crate) fn lookup_documents(&mut self, cache: &Cache) -> Result<(), RegistryError> {
        for slot in self.slots.iter_mut().filter(|slot| !slot.looked_up) {
            slot.cached = cache
                .lookup(&slot.registry, &slot.path, "")?
                .map(|(cached, _)| cached);
            slot.looked_up = true;
        }
        Ok(())
    }

    /// Settles the slots the cache answers (fresh, or anything cached when offline) and those
    /// that cannot be had (offline, not cached); returns the others, which must be fetched.
    pub(crate) fn triage(
        &mut self,
        config: &RegistryConfig,
        now: i64,
        stats: &mut RequestStats,
    ) -> Vec<usize> {
        let mut to_fetch = Vec::new();
        for (index, slot) in self.slots.iter_mut().enumerate() {
            match &slot.cached {
                Some(cached) if config.offline || is_fresh(cached, slot.kind, now, config) => {
                    slot.outcome = Outcome::Cached;
                    stats.cache_hits += 1;
                }
                None if config.offline => {
                    slot.outcome = Outcome::Failed(format!(
                        "offline, not in the registry cache ({})",
                        customs_core::redacted_url(slot.url.as_str())
                    ));
                }
                _ => to_fetch.push(index),
            }
        }
        to_fetch
    }

    /// Stores what [`fetch_all`] answered, in `writer`'s transaction, and settles each slot.
    /// Returns the slots stored anew, with the document parsed where there is one.
    pub(crate) fn store_answers(
        &mut self,
        writer: &Writer<'_>,
        answers: Answers,
        now: i64,
        stats: &mut RequestStats,
    ) -> Result<Vec<(usize, Option<Document>)>, rusqlite::Error> {
        let mut stored = Vec::new();
        for (index, answer) in answers {
            let Some(slot) = self.slots.get_mut(index) else {
                continue;
            };
            let (status, document, license, maintainers, validators) = match answer {
                Err(reason) => {
                    slot.outcome = Outcome::Failed(reason);
                    continue;
                }
                Ok(Answer::NotModified(validators)) => {
                    stats.not_modified += 1;
                    match &mut slot.cached {
                        Some(cached) => {
                            writer.touch(
                                cached.id,
                                now,
                                validators.etag.as_deref(),
                                validators.last_modified.as_deref(),
                            )?;
                            cached.fetched = now;
                            slot.outcome = Outcome::Cached;
                        }
                        None => {
                            slot.outcome = Outcome::Failed(format!(
                                "GET {}: HTTP 304 to a request that was not conditional",
                                customs_core::redacted_url(slot.url.as_str())
                            ));
                        }
                    }
                    continue;
                }
                Ok(Answer::NotFound) => (404, None, None, None, Validators::default()),
                Ok(Answer::Project(document, validators)) => {
                    let maintainers = document.maintainers.clone();
                    (200, Some(document), None, maintainers, validators)
                }
                Ok(Answer::Release(license, validators)) => (200, None, license, None, validators),
                Ok(Answer::Owners(maintainers, validators)) => {
                    (200, None, None, maintainers, validators)
                }
            };
            let id = writer.store(&NewDocument {
                registry: &slot.registry,
                path: &slot.path,
                status,
                etag: validators.etag.as_deref(),
                last_modified: validators.last_modified.as_deref(),
                fetched: now,
                document: document.as_ref(),
                license: license.as_deref(),
                maintainers: maintainers.as_deref(),
            })?;
            slot.cached = Some(CachedDocument {
                id,
                status,
                etag: validators.etag,
                last_modified: validators.last_modified,
                fetched: now,
                license,
                maintainers,
            });
            slot.outcome = Outcome::Cached;
            stored.push((index, document));
        }
        Ok(stored)
    }

    fn target(
        &mut self,
        config: &RegistryConfig,
        package: &Package,
        source_url: &str,
        version: &str,
    ) -> Result<Target, String> {
        let ecosystem = package.ecosystem;
        let base = self.base(config, ecosystem, source_url)?;
        let name = package.name.as_str();
        let unservable = || format!("`{name}` is not a name the {ecosystem} registry can serve");
        let project_path = project_path(ecosystem, name).ok_or_else(unservable)?;
        let project = self.slot(ecosystem, Kind::Project, &base, project_path)?;
        let release = if ecosystem == Ecosystem::PyPI {
            if !is_pypi_version(version) {
                return Err(format!(
                    "`{version}` is not a version the PyPI JSON API can serve"
                ));
            }
            let path = format!("{name}/{version}/json");
            Some(self.slot(ecosystem, Kind::Release, &base, path)?)
        } else {
            None
        };
        Ok(Target {
            ecosystem,
            project,
            release,
            version: version.to_owned(),
        })
    }

    fn base(
        &mut self,
        config: &RegistryConfig,
        ecosystem: Ecosystem,
        source_url: &str,
    ) -> Result<Url, String> {
        if source_url == ecosystem.default_registry() {
            return Ok(config.registry(ecosystem).clone());
        }
        self.bases
            .entry((ecosystem, source_url.to_owned()))
            .or_insert_with(|| private_base(ecosystem, source_url))
            .clone()
    }

    pub(crate) fn slot(
        &mut self,
        ecosystem: Ecosystem,
        kind: Kind,
        base: &Url,
        path: String,
    ) -> Result<usize, String> {
        let registry = customs_core::redacted_url(base.as_str());
        if let Some(&index) = self.index.get(&(kind, registry.clone(), path.clone())) {
            return Ok(index);
        }
        let url = Url::parse(&format!("{base}{path}")).map_err(|error| {
            format!("cannot form a URL below `{registry}` for `{path}`: {error}")
        })?;
        let index = self.slots.len();
        self.index
            .insert((kind, registry.clone(), path.clone()), index);
        self.slots.push(Slot {
            ecosystem,
            kind,
            registry,
            path,
            url,
            cached: None,
            looked_up: false,
            outcome: Outcome::Pending,
        });
        Ok(index)
    }
}

/// The base to query for a registry a lockfile names that is not the public one.
pub(crate) fn private_base(ecosystem: Ecosystem, source_url: &str) -> Result<Url, String> {
    let shown = customs_core::redacted_url(source_url);
    match ecosystem {
        Ecosystem::Npm => base_url(source_url),
        Ecosystem::PyPI => pypi_json_api(source_url),
        // Cargo.lock does not say whether a registry is a git or a sparse index: it is asked
        // as a sparse one, and a git index answers with an error that names it.
        Ecosystem::CratesIo => base_url(source_url.strip_prefix("sparse+").unwrap_or(source_url)),
    }
    .ok_or_else(|| match ecosystem {
        Ecosystem::PyPI => {
            format!("the index `{shown}` has no known JSON API (expected a URL ending in /simple)")
        }
        Ecosystem::Npm | Ecosystem::CratesIo => {
            format!("the registry `{shown}` is not an http(s) URL")
        }
    })
}

/// The path of `name`'s project document under its registry's base (npm packument, PyPI
/// project JSON, crates.io index file); `None` for a name the registry cannot serve (which
/// could otherwise reach other paths of it).
pub(crate) fn project_path(ecosystem: Ecosystem, name: &str) -> Option<String> {
    match ecosystem {
        Ecosystem::Npm => npm_path(name),
        Ecosystem::PyPI => is_plain(name, false).then(|| format!("{name}/json")),
        Ecosystem::CratesIo => is_plain(name, true).then(|| crates::index_path(name)),
    }
}

/// The packument path of an npm name: `name`, or `@scope%2fname`. `None` for names npm would
/// refuse, which could otherwise reach other paths of the registry.
pub(crate) fn npm_path(name: &str) -> Option<String> {
    let part = |text: &str| {
        !text.is_empty()
            && !text.starts_with(['.', '_'])
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    match name.strip_prefix('@') {
        Some(scoped) => {
            let (scope, rest) = scoped.split_once('/')?;
            (part(scope) && part(rest)).then(|| format!("@{scope}%2f{rest}"))
        }
        None => part(name).then(|| name.to_owned()),
    }
}

/// PyPI canonical names (`[a-z0-9-]` after PEP 503) and crate names (`[A-Za-z0-9_-]`).
pub(crate) fn is_plain(name: &str, crate_name: bool) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '.', '_'])
        && name.bytes().all(|b| {
            b.is_ascii_digit()
                || b.is_ascii_lowercase()
                || b == b'-'
                || (crate_name && (b.is_ascii_uppercase() || b == b'_'))
                || (!crate_name && matches!(b, b'.' | b'_'))
        })
}

/// PEP 440 versions as written (`1.0.post1`, `2!1.0+local`), nothing that leaves the path.
pub(crate) fn is_pypi_version(version: &str) -> bool {
    !version.is_empty()
        && !version.starts_with('.')
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'!' | b'_' | b'-'))
}

/// A parsed answer.
#[derive(Debug)]
pub(crate) enum Answer {
    NotModified(Validators),
    NotFound,
    Project(Document, Validators),
    Release(Option<String>, Validators),
    /// crates.io: the owners' logins.
    Owners(Option<Vec<String>>, Validators),
}

struct Job {
    index: usize,
    url: Url,
    ecosystem: Ecosystem,
    kind: Kind,
    validators: Option<Validators>,
}

pub(crate) type Answers = Vec<(usize, Result<Answer, String>)>;

/// Fetches and parses the documents of `indices`, concurrently; requests to the crates.io API
/// one at a time, `crates_api_pause` apart.
pub(crate) fn fetch_all(
    plan: &Plan,
    indices: &[usize],
    config: &RegistryConfig,
) -> Result<(Answers, u64, u64), RegistryError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(RegistryError::Runtime)?;
    let fetcher = Arc::new(Fetcher::new(config)?);
    let jobs: Vec<Job> = indices
        .iter()
        .filter_map(|&index| {
            let slot = plan.slots.get(index)?;
            let validators = slot
                .cached
                .as_ref()
                .filter(|cached| cached.status == 200)
                .filter(|cached| cached.etag.is_some() || cached.last_modified.is_some())
                .map(|cached| Validators {
                    etag: cached.etag.clone(),
                    last_modified: cached.last_modified.clone(),
                });
            Some(Job {
                index,
                url: slot.url.clone(),
                ecosystem: slot.ecosystem,
                kind: slot.kind,
                validators,
            })
        })
        .collect();
    let pause = config.crates_api_pause;
    // When the last crates.io API request was answered, held for the whole of each such
    // request so that they go one at a time.
    let api_turn: Arc<tokio::sync::Mutex<Option<tokio::time::Instant>>> = Arc::default();
    let answers = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for job in jobs {
            let fetcher = Arc::clone(&fetcher);
            let api_turn = Arc::clone(&api_turn);
            set.spawn(async move {
                let index = job.index;
                if job.kind != Kind::Owners {
                    return (index, fetch_one(&fetcher, job).await);
                }
                let mut answered = api_turn.lock().await;
                if let Some(answered) = *answered {
                    tokio::time::sleep_until(answered + pause).await;
                }
                let answer = fetch_one(&fetcher, job).await;
                *answered = Some(tokio::time::Instant::now());
                (index, answer)
            });
        }
        let mut answers = Vec::new();
        // A task that failed to complete leaves its slot pending, which reads as a failure.
        while let Some(joined) = set.join_next().await {
            if let Ok(answer) = joined {
                answers.push(answer);
            }
        }
        answers
    });
    let requests = fetcher.counters.requests.load(Ordering::Relaxed);
    let retries = fetcher.counters.retries.load(Ordering::Relaxed);
    Ok((answers, requests, retries))
}

async fn fetch_one(fetcher: &Fetcher, job: Job) -> Result<Answer, String> {
    let fetched = fetcher
        .get(&job.url, "application/json", job.validators.as_ref())
        .await?;
    let (bytes, validators) = match fetched {
        Fetched::NotModified(validators) => return Ok(Answer::NotModified(validators)),
        Fetched::NotFound => return Ok(Answer::NotFound),
        Fetched::Body { bytes, validators } => (bytes, validators),
    };
    let malformed = |error: &dyn std::fmt::Display| {
        format!(
            "GET {}: malformed response: {error}",
            customs_core::redacted_url(job.url.as_str())
        )
    };
    match (job.ecosystem, job.kind) {
        // Only crates.io has owners apart from its package documents.
        (_, Kind::Owners) => crates::parse_owners(&bytes)
            .map(|owners| Answer::Owners(owners, validators))
            .map_err(|error| malformed(&error)),
        (Ecosystem::Npm, _) => npm::parse(&bytes)
            .map(|document| Answer::Project(document, validators))
            .map_err(|error| malformed(&error)),
        (Ecosystem::PyPI, Kind::Project) => pypi::parse_project(&bytes)
            .map(|document| Answer::Project(document, validators))
            .map_err(|error| malformed(&error)),
        (Ecosystem::PyPI, Kind::Release) => pypi::parse_release_license(&bytes)
            .map(|license| Answer::Release(license, validators))
            .map_err(|error| malformed(&error)),
        (Ecosystem::CratesIo, _) => crates::parse(&bytes)
            .map(|document| Answer::Project(document, validators))
            .map_err(|error| malformed(&error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_could_reach_other_paths_are_refused() {
        assert_eq!(npm_path("@babel/core").as_deref(), Some("@babel%2fcore"));
        assert_eq!(npm_path("JSONStream").as_deref(), Some("JSONStream"));
        for name in ["..", ".hidden", "a/b", "@a/../b", "a?b", "a%2fb", "@scope"] {
            assert_eq!(npm_path(name), None, "{name}");
        }
        assert!(is_plain("typing-extensions", false));
        assert!(!is_plain("../x", false));
        assert!(is_plain("Serde_json", true));
        assert!(!is_plain("a.b", true));
        assert!(is_pypi_version("2!1.0.post1+local_1"));
        assert!(!is_pypi_version("../1"));
        assert!(!is_pypi_version("1/2"));
    }
}
