//! What the registries say about a release's artifacts: the facts a query needs (each kept in
//! the index under its own key), the requests that fetch them (one per document, however many
//! packages need it), and the artifacts a query's answers name.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use customs_core::{Ecosystem, HashAlgorithm, Integrity};
use serde::{Deserialize, Serialize};
use url::Url;

use super::ArtifactOutcome;
use super::Origin;
use super::digest::{Authority, Expected};
use super::plan::{self, Planned, Query, adopt, http_url, last_segment, on_registry};
use super::registry::{self, NpmDist, PypiFile};
use crate::fetch::{Fetched, Fetcher};

/// At most this many files are named in a PyPI mismatch.
const MISMATCH_FILES_SHOWN: usize = 5;

/// What the index keeps of a registry document, per key (see [`Need::key`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(super) enum Meta {
    NpmDist { dist: NpmDist },
    PypiFiles { files: Vec<PypiFile> },
    CratesDl { dl: String },
    CrateChecksum { checksum: Option<String> },
}

/// One registry document fact a query needs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Need {
    NpmDist {
        packument: Url,
        version: String,
    },
    PypiFiles {
        release: Url,
        project: Url,
        version: String,
    },
    CratesDl {
        config: Url,
    },
    CrateChecksum {
        index: Url,
        version: String,
    },
}

impl Need {
    /// The index key: the document's URL without credentials, and the version where the
    /// document holds several.
    pub(super) fn key(&self) -> String {
        let shown = |url: &Url| customs_core::redacted_url(url.as_str());
        match self {
            Need::NpmDist {
                packument, version, ..
            } => format!("npm {} {version}", shown(packument)),
            Need::PypiFiles { release, .. } => format!("pypi {}", shown(release)),
            Need::CratesDl { config } => format!("crates-config {}", shown(config)),
            Need::CrateChecksum { index, version } => {
                format!("crates-index {} {version}", shown(index))
            }
        }
    }

    /// Whether a cached answer may be kept however old: the files of a published release do
    /// not change (a PyPI release may gain files, which customs does not need). An index's
    /// `config.json` can, and is asked again after the registry configuration's TTL.
    pub(super) fn is_immutable(&self) -> bool {
        !matches!(self, Need::CratesDl { .. })
    }
}

pub(super) fn needs(query: &Query) -> Vec<Need> {
    match query {
        Query::Npm {
            packument, version, ..
        } => vec![Need::NpmDist {
            packument: packument.clone(),
            version: version.clone(),
        }],
        Query::Pypi {
            release,
            project,
            version,
            ..
        } => vec![Need::PypiFiles {
            release: release.clone(),
            project: project.clone(),
            version: version.clone(),
        }],
        Query::Crate {
            config,
            index,
            version,
            ..
        } => {
            let mut needs = vec![Need::CratesDl {
                config: config.clone(),
            }];
            if let Some(index) = index {
                needs.push(Need::CrateChecksum {
                    index: index.clone(),
                    version: version.clone(),
                });
            }
            needs
        }
    }
}

pub(super) type Answers = HashMap<String, Result<Meta, String>>;

/// One request for registry documents, serving the needs of several packages.
#[derive(Debug)]
enum DocumentJob {
    Npm {
        packument: Url,
        versions: Vec<String>,
    },
    Pypi {
        release: Url,
        project: Url,
        version: String,
    },
    CratesConfig {
        config: Url,
    },
    CratesIndex {
        index: Url,
        versions: Vec<String>,
    },
}

/// Fetches what `needs` asks, one request per document, concurrently.
pub(super) async fn fetch_documents(
    fetcher: &Arc<Fetcher>,
    needs: BTreeSet<Need>,
) -> Vec<(String, Result<Meta, String>)> {
    let mut npm: HashMap<Url, Vec<String>> = HashMap::new();
    let mut index: HashMap<Url, Vec<String>> = HashMap::new();
    let mut jobs = Vec::new();
    for need in needs {
        match need {
            Need::NpmDist { packument, version } => {
                npm.entry(packument).or_default().push(version);
            }
            Need::CrateChecksum {
                index: url,
                version,
            } => index.entry(url).or_default().push(version),
            Need::PypiFiles {
                release,
                project,
                version,
            } => jobs.push(DocumentJob::Pypi {
                release,
                project,
                version,
            }),
            Need::CratesDl { config } => jobs.push(DocumentJob::CratesConfig { config }),
        }
    }
    jobs.extend(
        npm.into_iter()
            .map(|(packument, versions)| DocumentJob::Npm {
                packument,
                versions,
            }),
    );
    jobs.extend(
        index
            .into_iter()
            .map(|(index, versions)| DocumentJob::CratesIndex { index, versions }),
    );
    let mut set = tokio::task::JoinSet::new();
    for job in jobs {
        let fetcher = Arc::clone(fetcher);
        set.spawn(async move { fetch_document(&fetcher, job).await });
    }
    let mut answers = Vec::new();
    // A task that did not complete leaves its needs unanswered, which reads as a failure.
    while let Some(joined) = set.join_next().await {
        if let Ok(answered) = joined {
            answers.extend(answered);
        }
    }
    answers
}

async fn fetch_document(
    fetcher: &Fetcher,
    job: DocumentJob,
) -> Vec<(String, Result<Meta, String>)> {
    let shown = |url: &Url| customs_core::redacted_url(url.as_str());
    let malformed = |url: &Url, error: &dyn std::fmt::Display| {
        format!("GET {}: malformed response: {error}", shown(url))
    };
    match job {
        DocumentJob::Npm {
            packument,
            versions,
        } => {
            let keys = |answer: &dyn Fn(&str) -> Result<Meta, String>| {
                versions
                    .iter()
                    .map(|version| {
                        let need = Need::NpmDist {
                            packument: packument.clone(),
                            version: version.clone(),
                        };
                        (need.key(), answer(version))
                    })
                    .collect::<Vec<_>>()
            };
            match fetcher
                .get(&packument, registry::ACCEPT_PACKUMENT, None)
                .await
            {
                Ok(Fetched::Body { bytes, .. }) => match registry::npm_dists(&bytes, &versions) {
                    Ok(dists) => keys(&|version| match dists.get(version) {
                        Some(Some(dist)) => Ok(Meta::NpmDist {
                            dist: absolute_npm_dist(dist, &packument),
                        }),
                        _ => Err(format!(
                            "the registry lists no version `{version}` ({})",
                            shown(&packument)
                        )),
                    }),
                    Err(error) => {
                        let reason = malformed(&packument, &error);
                        keys(&|_| Err(reason.clone()))
                    }
                },
                Ok(Fetched::NotFound) => {
                    let reason = format!("GET {}: not found", shown(&packument));
                    keys(&|_| Err(reason.clone()))
                }
                Ok(Fetched::NotModified(_)) => {
                    let reason = format!("GET {}: unexpected 304 Not Modified", shown(&packument));
                    keys(&|_| Err(reason.clone()))
                }
                Err(reason) => keys(&|_| Err(reason.clone())),
            }
        }
        DocumentJob::Pypi {
            release,
            project,
            version,
        } => {
            let answer = pypi_files(fetcher, &release, &project, &version).await;
            let key = Need::PypiFiles {
                release,
                project,
                version,
            }
            .key();
            vec![(key, answer)]
        }
        DocumentJob::CratesConfig { config } => {
            let key = Need::CratesDl {
                config: config.clone(),
            }
            .key();
            let answer = match fetcher.get(&config, "application/json", None).await {
                Ok(Fetched::Body { bytes, .. }) => registry::crates_dl(&bytes)
                    .map(|dl| Meta::CratesDl { dl })
                    .map_err(|error| malformed(&config, &error)),
                Ok(Fetched::NotFound) => Err(format!(
                    "GET {}: not found (a crates registry read over HTTP must be a sparse index)",
                    shown(&config)
                )),
                Ok(Fetched::NotModified(_)) => Err(format!(
                    "GET {}: unexpected 304 Not Modified",
                    shown(&config)
                )),
                Err(reason) => Err(reason),
            };
            vec![(key, answer)]
        }
        DocumentJob::CratesIndex { index, versions } => {
            let answer = match fetcher.get(&index, "text/plain, */*", None).await {
                Ok(Fetched::Body { bytes, .. }) => {
                    Ok(registry::crates_checksums(&bytes, &versions))
                }
                Ok(Fetched::NotFound) => Err(format!(
                    "GET {}: the index has no such crate",
                    shown(&index)
                )),
                Ok(Fetched::NotModified(_)) => Err(format!(
                    "GET {}: unexpected 304 Not Modified",
                    shown(&index)
                )),
                Err(reason) => Err(reason),
            };
            versions
                .iter()
                .map(|version| {
                    let key = Need::CrateChecksum {
                        index: index.clone(),
                        version: version.clone(),
                    }
                    .key();
                    let meta = match &answer {
                        Ok(checksums) => match checksums.get(version) {
                            Some(checksum) => Ok(Meta::CrateChecksum {
                                checksum: checksum.clone(),
                            }),
                            None => Err(format!(
                                "the index lists no version `{version}` ({})",
                                shown(&index)
                            )),
                        },
                        Err(reason) => Err(reason.clone()),
                    };
                    (key, meta)
                })
                .collect()
        }
    }
}

/// A release's files: from its release document, else (mirrors that do not serve release
/// documents) from the project document.
async fn pypi_files(
    fetcher: &Fetcher,
    release: &Url,
    project: &Url,
    version: &str,
) -> Result<Meta, String> {
    let shown = |url: &Url| customs_core::redacted_url(url.as_str());
    let malformed = |url: &Url, error: &dyn std::fmt::Display| {
        format!("GET {}: malformed response: {error}", shown(url))
    };
    let absolute = |files: Vec<PypiFile>, document: &Url| Meta::PypiFiles {
        files: absolute_pypi_files(files, document),
    };
    match fetcher.get(release, "application/json", None).await? {
        Fetched::Body { bytes, .. } => {
            return registry::pypi_release_files(&bytes)
                .map(|files| absolute(files, release))
                .map_err(|error| malformed(release, &error));
        }
        Fetched::NotFound => {}
        Fetched::NotModified(_) => {
            return Err(format!(
                "GET {}: unexpected 304 Not Modified",
                shown(release)
            ));
        }
    }
    match fetcher.get(project, "application/json", None).await? {
        Fetched::Body { bytes, .. } => match registry::pypi_project_files(&bytes, version) {
            Ok(Some(files)) => Ok(absolute(files, project)),
            Ok(None) => Err(format!(
                "the registry lists no release `{version}` ({})",
                shown(project)
            )),
            Err(error) => Err(malformed(project, &error)),
        },
        Fetched::NotFound => Err(format!(
            "GET {} and GET {}: not found",
            shown(release),
            shown(project)
        )),
        Fetched::NotModified(_) => Err(format!(
            "GET {}: unexpected 304 Not Modified",
            shown(project)
        )),
    }
}

/// URLs a document gives relative to itself, made absolute (against the document's URL
/// without credentials: the index never stores them).
fn absolute(text: &str, document: &Url) -> Option<String> {
    let base = Url::parse(&customs_core::redacted_url(document.as_str())).ok()?;
    base.join(text.trim()).ok().map(String::from)
}

fn absolute_npm_dist(dist: &NpmDist, packument: &Url) -> NpmDist {
    NpmDist {
        tarball: dist
            .tarball
            .as_deref()
            .and_then(|tarball| absolute(tarball, packument)),
        ..dist.clone()
    }
}

fn absolute_pypi_files(files: Vec<PypiFile>, document: &Url) -> Vec<PypiFile> {
    files
        .into_iter()
        .filter_map(|file| {
            let url = absolute(&file.url, document)?;
            Some(PypiFile { url, ..file })
        })
        .collect()
}

/// The artifacts a query's answers name, or why there are none.
pub(super) fn resolve(query: &Query, answers: &Answers) -> Result<Vec<Planned>, ArtifactOutcome> {
    let unavailable = |reason: String| ArtifactOutcome::Unavailable { reason };
    let answer = |need: Need| -> Result<Meta, ArtifactOutcome> {
        match answers.get(&need.key()) {
            Some(Ok(meta)) => Ok(meta.clone()),
            Some(Err(reason)) => Err(unavailable(reason.clone())),
            None => Err(unavailable("the registry did not answer".to_owned())),
        }
    };
    match query {
        Query::Npm {
            registry,
            packument,
            version,
            lockfile,
        } => {
            let Meta::NpmDist { dist } = answer(needs(query).remove(0))? else {
                return Err(unavailable("the index holds another kind of answer".into()));
            };
            let shown_packument = customs_core::redacted_url(packument.as_str());
            let tarball = dist.tarball.as_deref().and_then(http_url).ok_or_else(|| {
                unavailable(format!(
                    "the registry gives no http(s) tarball URL for version `{version}` ({shown_packument})"
                ))
            })?;
            if !on_registry(Ecosystem::Npm, &tarball, registry) {
                return Err(unavailable(elsewhere(&tarball, registry)));
            }
            let expected = lockfile
                .clone()
                .or_else(|| Expected::new(Authority::Registry, &dist.digests()));
            let file_name = last_segment(&tarball);
            let url = adopt(tarball, registry);
            plan::planned(Ecosystem::Npm, url, file_name, expected, Origin::Registry)
                .map(|planned| vec![planned])
                .map_err(unavailable)
        }
        Query::Pypi {
            registry,
            release,
            lockfile,
            ..
        } => {
            let Meta::PypiFiles { files } = answer(needs(query).remove(0))? else {
                return Err(unavailable("the index holds another kind of answer".into()));
            };
            resolve_pypi(registry, release, lockfile, &files)
        }
        Query::Crate {
            registry,
            name,
            version,
            checksum,
            ..
        } => {
            let mut needs = needs(query).into_iter();
            let dl = match needs.next().map(answer) {
                Some(Ok(Meta::CratesDl { dl })) => dl,
                Some(Err(outcome)) => return Err(outcome),
                _ => return Err(unavailable("the index holds another kind of answer".into())),
            };
            let (checksum, authority) = match (checksum, needs.next().map(answer)) {
                (Some(checksum), _) => (Some(checksum.clone()), Authority::Lockfile),
                (None, Some(Ok(Meta::CrateChecksum { checksum }))) => {
                    (checksum, Authority::Registry)
                }
                (None, Some(Err(outcome))) => return Err(outcome),
                (None, _) => (None, Authority::Registry),
            };
            let expected = checksum
                .as_deref()
                .and_then(|checksum| Integrity::from_hex(HashAlgorithm::Sha256, checksum).ok())
                .and_then(|integrity| Expected::new(authority, &[integrity]));
            let text = registry::crate_url(&dl, name, version, checksum.as_deref())
                .map_err(unavailable)?;
            let url = http_url(&text).ok_or_else(|| {
                unavailable(format!(
                    "the index's download URL `{}` is not an http(s) URL",
                    customs_core::redacted_url(&text)
                ))
            })?;
            let url = adopt(url, registry);
            plan::planned(
                Ecosystem::CratesIo,
                url,
                format!("{name}-{version}.crate"),
                expected,
                Origin::Registry,
            )
            .map(|planned| vec![planned])
            .map_err(unavailable)
        }
    }
}

/// The PyPI files to fetch: see the module documentation.
fn resolve_pypi(
    registry: &Url,
    release: &Url,
    lockfile: &[Integrity],
    files: &[PypiFile],
) -> Result<Vec<Planned>, ArtifactOutcome> {
    let listed = |file: &PypiFile| -> Vec<Integrity> {
        let digests = file.digests();
        lockfile
            .iter()
            .filter(|locked| {
                digests.iter().any(|digest| {
                    digest.algorithm == locked.algorithm
                        && digest.digest.eq_ignore_ascii_case(&locked.digest)
                })
            })
            .cloned()
            .collect()
    };
    let chosen = registry::choose_pypi_files(files, |file| {
        lockfile.is_empty() || !listed(file).is_empty()
    });
    if chosen.is_empty() {
        let shown_release = customs_core::redacted_url(release.as_str());
        if lockfile.is_empty() {
            return Err(ArtifactOutcome::Unavailable {
                reason: format!(
                    "the registry lists no sdist or wheel for this release ({shown_release})"
                ),
            });
        }
        let mut expected: Vec<String> = lockfile
            .iter()
            .map(|integrity| format!("{}:{}", integrity.algorithm, integrity.digest))
            .collect();
        expected.sort();
        expected.dedup();
        let mut actual: Vec<String> = files
            .iter()
            .take(MISMATCH_FILES_SHOWN)
            .map(|file| {
                format!(
                    "{} sha256:{}",
                    file.filename,
                    file.sha256.as_deref().unwrap_or("?")
                )
            })
            .collect();
        if files.len() > MISMATCH_FILES_SHOWN {
            actual.push(format!("and {} more", files.len() - MISMATCH_FILES_SHOWN));
        }
        return Err(ArtifactOutcome::IntegrityMismatch {
            url: shown_release,
            expected: expected.join(" or "),
            actual: if actual.is_empty() {
                "the release lists no files".to_owned()
            } else {
                format!(
                    "no file of the release has one of these digests: {}",
                    actual.join(", ")
                )
            },
        });
    }
    let mut planned = Vec::with_capacity(chosen.len());
    for file in chosen {
        let Some(url) = http_url(&file.url) else {
            return Err(ArtifactOutcome::Unavailable {
                reason: format!(
                    "the registry names `{}` for `{}`, which is not an http(s) URL",
                    customs_core::redacted_url(&file.url),
                    file.filename
                ),
            });
        };
        if !on_registry(Ecosystem::PyPI, &url, registry) {
            return Err(ArtifactOutcome::Unavailable {
                reason: elsewhere(&url, registry),
            });
        }
        let expected = Expected::new(Authority::Lockfile, &listed(file))
            .or_else(|| Expected::new(Authority::Registry, &file.digests()));
        let url = adopt(url, registry);
        planned.push(
            plan::planned(
                Ecosystem::PyPI,
                url,
                file.filename.clone(),
                expected,
                Origin::Registry,
            )
            .map_err(|reason| ArtifactOutcome::Unavailable { reason })?,
        );
    }
    Ok(planned)
}

/// Why a URL a registry names on another host is refused.
fn elsewhere(url: &Url, registry: &Url) -> String {
    format!(
        "the registry names `{}`, on another host than the registry ({}): only a lockfile's own URL is fetched from elsewhere",
        customs_core::redacted_url(url.as_str()),
        registry.host_str().unwrap_or_default()
    )
}
