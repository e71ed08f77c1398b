//! Who maintains a few named packages: what tells a companion package (published by the
//! maintainers of the package its name resembles) from an imitation.
//!
//! - npm: the packument's `maintainers`; PyPI: the project document's `ownership` (module
//!   `pypi`); crates.io: the API's owners of the crate (module `crates`), one request at a time,
//!   [`RegistryConfig::crates_api_pause`] apart, as its crawler policy asks.
//! - The documents are those the checks read, under the same cache keys and TTLs: a packument
//!   the check fetched moments ago is not asked for again, and one fetched here serves the next
//!   check. Each name is asked of the registry configured for its ecosystem (a mirror where one
//!   is configured), never of a private registry a lockfile names.
//! - Offline, the cache alone answers. What it does not hold, a name the registry does not have,
//!   a request that failed and a malformed answer all leave the maintainers unknown: a caller
//!   leaves the signal out rather than guess it.

use std::collections::HashMap;

use customs_core::{Ecosystem, PackageName};

use crate::cache::Cache;
use crate::check::{Kind, Plan, State, fetch_all, is_plain, project_path};
use crate::{RegistryConfig, RegistryError, RequestStats, crates};

/// The maintainers of the packages [`maintainers`] was asked about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainers {
    /// By ecosystem and match key ([`PackageName::match_key`]); only the known.
    known: HashMap<(Ecosystem, String), Vec<String>>,
    pub requests: RequestStats,
}

impl Maintainers {
    /// The accounts that may publish `name` (lowercased, sorted, as
    /// [`crate::PackageEvidence::maintainers`]); `None` when unknown or not asked.
    pub fn of(&self, ecosystem: Ecosystem, name: &str) -> Option<&[String]> {
        let key = PackageName::new(ecosystem, name).ok()?.match_key(ecosystem);
        self.known.get(&(ecosystem, key)).map(Vec::as_slice)
    }
}

/// Whether two account lists (sorted, as [`Maintainers::of`] and
/// [`crate::PackageEvidence::maintainers`] give them) name an account in common.
pub fn share_an_account(own: &[String], other: &[String]) -> bool {
    own.iter()
        .any(|account| other.binary_search(account).is_ok())
}

/// Asks the registries configured for their ecosystems who maintains each of `packages`
/// (ecosystem and name; a name asked twice is asked once), through the registry cache.
///
/// Synchronous, as [`crate::check`]: a runtime and a client are started only when something must
/// be fetched. Errors are those of the cache and the runtime; a package that could not be asked
/// about is only left unknown.
pub fn maintainers(
    config: &RegistryConfig,
    packages: &[(Ecosystem, &str)],
) -> Result<Maintainers, RegistryError> {
    let mut asked: Vec<((Ecosystem, String), usize)> = Vec::new();
    let mut plan = Plan::default();
    for &(ecosystem, name) in packages {
        let Ok(package) = PackageName::new(ecosystem, name) else {
            continue;
        };
        let key = (ecosystem, package.match_key(ecosystem));
        if asked.iter().any(|(asked, _)| *asked == key) {
            continue;
        }
        if let Some(slot) = slot(&mut plan, config, ecosystem, package.as_str()) {
            asked.push((key, slot));
        }
    }
    let mut found = Maintainers::default();
    if asked.is_empty() {
        return Ok(found);
    }
    (_, found.requests) = settle(&mut plan, config)?;
    for (key, slot) in asked {
        if let Some(State::Found(cached)) = plan.slots.get(slot).map(|slot| slot.state())
            && let Some(accounts) = &cached.maintainers
        {
            found.known.insert(key, accounts.clone());
        }
    }
    Ok(found)
}

/// What the registry says of a package as a whole, before any version of it is chosen: what
/// `customs check` weighs a name with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PackageFacts {
    /// When its first release was published (`None` where a release has no time: the crates.io
    /// index records none before 2025).
    pub first_published: Option<jiff::Timestamp>,
    /// How many versions the registry lists.
    pub version_count: Option<u32>,
    /// The accounts that may publish it, as [`Maintainers::of`] gives them (npm and PyPI).
    pub maintainers: Option<Vec<String>>,
}

/// What the registries configured for their ecosystems say of each of `packages` (ecosystem and
/// name), through the registry cache: the project document (npm packument, PyPI project JSON,
/// crates.io index file), in the order of `packages`. `None` where the registry does not have
/// the name, or could not be asked (offline without a cached answer, a failed or malformed
/// answer): the caller weighs the name alone.
pub fn package_facts(
    config: &RegistryConfig,
    packages: &[(Ecosystem, &str)],
) -> Result<Vec<Option<PackageFacts>>, RegistryError> {
    let mut plan = Plan::default();
    let slots: Vec<Option<usize>> = packages
        .iter()
        .map(|&(ecosystem, name)| {
            let package = PackageName::new(ecosystem, name).ok()?;
            project_slot(&mut plan, config, ecosystem, package.as_str())
        })
        .collect();
    if slots.iter().all(Option::is_none) {
        return Ok(packages.iter().map(|_| None).collect());
    }
    let (mut cache, _) = settle(&mut plan, config)?;
    let ids: Vec<Option<i64>> = slots
        .iter()
        .map(|slot| match slot.and_then(|slot| plan.slots.get(slot)) {
            Some(slot) => match slot.state() {
                State::Found(cached) => Some(cached.id),
                State::NotFound | State::Failed(_) => None,
            },
            None => None,
        })
        .collect();
    // The documents are read back as the checks read them: a handful, in one transaction.
    cache.write(|writer| {
        ids.iter()
            .map(|id| {
                let Some(id) = id else {
                    return Ok(None);
                };
                let document = writer.load(*id)?;
                Ok(Some(PackageFacts {
                    first_published: crate::evidence::first_published(&document),
                    version_count: u32::try_from(document.versions.len()).ok(),
                    maintainers: document.maintainers,
                }))
            })
            .collect()
    })
}

/// Answers every slot of `plan`: from the cache where it holds a fresh answer, else from the
/// registry (stored in the cache); returns the cache and what was asked.
fn settle(
    plan: &mut Plan,
    config: &RegistryConfig,
) -> Result<(Cache, RequestStats), RegistryError> {
    let mut cache = Cache::open(&config.cache)?;
    let now = jiff::Timestamp::now().as_second();
    cache.begin_read()?;
    let looked_up = plan.lookup_documents(&cache);
    cache.end_read()?;
    looked_up?;
    let mut stats = RequestStats::default();
    let to_fetch = plan.triage(config, now, &mut stats);
    if !to_fetch.is_empty() {
        let (answers, requests, retries) = fetch_all(plan, &to_fetch, config)?;
        stats.requests = requests;
        stats.retries = retries;
        cache.write(|writer| {
            plan.store_answers(writer, answers, now, &mut stats)
                .map(drop)
        })?;
    }
    Ok((cache, stats))
}

/// The slot of the project document of `name` (what [`crate::check`] reads for every locked
/// package); `None` for a name its registry could not serve.
fn project_slot(
    plan: &mut Plan,
    config: &RegistryConfig,
    ecosystem: Ecosystem,
    name: &str,
) -> Option<usize> {
    let path = project_path(ecosystem, name)?;
    plan.slot(ecosystem, Kind::Project, config.registry(ecosystem), path)
        .ok()
}

/// The slot of the document that names `name`'s maintainers: the project document on npm and
/// PyPI, the owners API on crates.io; `None` for a name its registry could not serve.
fn slot(
    plan: &mut Plan,
    config: &RegistryConfig,
    ecosystem: Ecosystem,
    name: &str,
) -> Option<usize> {
    if ecosystem != Ecosystem::CratesIo {
        return project_slot(plan, config, ecosystem, name);
    }
    let path = is_plain(name, true).then(|| crates::owners_path(name))?;
    plan.slot(ecosystem, Kind::Owners, &config.crates_api, path)
        .ok()
}
