//! Where OSV exports come from: an `https://` (or `http://`, for mirrors) base URL, a `file://`
//! URL, or a directory, each laid out as `<base>/<ecosystem>/all.zip`.
//!
//! HTTP downloads are conditional: the ETag and Last-Modified of the previous download are sent
//! back (`If-None-Match`, `If-Modified-Since`) so an unchanged export costs one small request.
//! Downloads are kept in a cache directory beside the database, so that when one export is
//! unchanged (304) and another changed, the new database is built from the cached copy of the
//! first. A cached copy is used only when its SHA-256 is the one the database recorded.
//!
//! A 404 or 410, or a missing file, means the source has no export for that ecosystem
//! ([`Fetched::Missing`]); any other failure (timeouts, 5xx, unreadable files) is an error.
//! Credentials in a source URL (`https://user:token@mirror/`) are sent, never shown: every
//! location in messages and in the database is redacted.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use customs_core::Ecosystem;
use reqwest::StatusCode;
use reqwest::blocking::Client;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use sha2::{Digest, Sha256};
use url::Url;

use crate::import::Limits;

/// OSV's public bucket.
pub const DEFAULT_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// For a whole download: OSV's largest export is a few hundred megabytes.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const MAX_REDIRECTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error(
        "unsupported advisory source `{0}`: expected an https:// or http:// URL, a file:// URL or a directory"
    )]
    Unsupported(String),
    #[error("invalid advisory source URL `{text}`")]
    Url {
        text: String,
        #[source]
        source: url::ParseError,
    },
    #[error("the advisory source directory `{}` does not exist", path.display())]
    NoDirectory { path: PathBuf },
    #[error("cannot read `{location}`")]
    Read {
        location: String,
        #[source]
        source: io::Error,
    },
    #[error("`{location}` is larger than the {limit} bytes allowed")]
    TooLarge { location: String, limit: u64 },
    #[error("cannot start the HTTP client")]
    Client(#[source] reqwest::Error),
    #[error("cannot download `{location}`")]
    Http {
        location: String,
        #[source]
        source: reqwest::Error,
    },
    #[error("`{location}` answered HTTP {status}")]
    Status { location: String, status: u16 },
    #[error("cannot write the download cache `{}`", path.display())]
    Cache {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// A base that holds `<ecosystem>/all.zip` for each ecosystem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Http(Url),
    Directory(PathBuf),
}

impl Source {
    /// Reads `--source`: `https://` or `http://` URLs, `file://` URLs, else a directory path.
    pub fn parse(text: &str) -> Result<Source, SourceError> {
        let url_error = |source| SourceError::Url {
            text: customs_core::redacted_url(text),
            source,
        };
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            return Url::parse(text).map(Source::Http).map_err(url_error);
        }
        if lower.starts_with("file://") {
            let url = Url::parse(text).map_err(url_error)?;
            return url
                .to_file_path()
                .map(Source::Directory)
                .map_err(|()| SourceError::Unsupported(customs_core::redacted_url(text)));
        }
        if lower.contains("://") {
            return Err(SourceError::Unsupported(customs_core::redacted_url(text)));
        }
        Ok(Source::Directory(PathBuf::from(text)))
    }

    /// The default source: OSV's public bucket.
    pub fn osv() -> Source {
        // A constant that parses; the fallback is never taken.
        Url::parse(DEFAULT_SOURCE)
            .map(Source::Http)
            .unwrap_or_else(|_| Source::Directory(PathBuf::from(DEFAULT_SOURCE)))
    }

    /// The source as messages and the database show it: credentials removed.
    pub fn display(&self) -> String {
        match self {
            Source::Http(url) => customs_core::redacted_url(url.as_str().trim_end_matches('/')),
            Source::Directory(path) => path.display().to_string(),
        }
    }

    pub(crate) fn location(&self, ecosystem: Ecosystem) -> Location {
        match self {
            Source::Http(base) => {
                let mut url = base.clone();
                if let Ok(mut segments) = url.path_segments_mut() {
                    segments
                        .pop_if_empty()
                        .push(ecosystem.osv_name())
                        .push("all.zip");
                }
                Location::Url(url)
            }
            Source::Directory(base) => {
                Location::File(base.join(ecosystem.osv_name()).join("all.zip"))
            }
        }
    }
}

impl FromStr for Source {
    type Err = SourceError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Source::parse(text)
    }
}

/// Where one ecosystem's export is.
#[derive(Clone, Debug)]
pub(crate) enum Location {
    Url(Url),
    File(PathBuf),
}

impl Location {
    /// Credentials removed.
    pub(crate) fn display(&self) -> String {
        match self {
            Location::Url(url) => customs_core::redacted_url(url.as_str()),
            Location::File(path) => path.display().to_string(),
        }
    }
}

/// What the previous update recorded for an export.
#[derive(Clone, Debug, Default)]
pub(crate) struct Previous {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_hash: Option<String>,
    pub size: Option<u64>,
}

/// An export's bytes.
#[derive(Debug)]
pub(crate) struct Content {
    pub bytes: Vec<u8>,
    /// SHA-256, lowercase hex.
    pub hash: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

#[derive(Debug)]
pub(crate) enum Fetched {
    /// The source has no export for the ecosystem.
    Missing {
        reason: String,
    },
    /// The server answered 304: the cached copy is current.
    NotModified,
    Content(Content),
}

/// Fetches exports from one source. Safe to share between threads.
#[derive(Debug)]
pub(crate) struct Fetcher {
    client: Option<Client>,
    limits: Limits,
    cache: PathBuf,
}

impl Fetcher {
    /// `cache` is the directory downloads are kept in.
    pub(crate) fn new(
        source: &Source,
        limits: Limits,
        cache: PathBuf,
    ) -> Result<Self, SourceError> {
        let client = match source {
            Source::Http(_) => Some(client()?),
            Source::Directory(_) => None,
        };
        Ok(Fetcher {
            client,
            limits,
            cache,
        })
    }

    pub(crate) fn cache_path(&self, ecosystem: Ecosystem) -> PathBuf {
        self.cache.join(format!("{}.zip", ecosystem.osv_name()))
    }

    /// Fetches one export. `previous` makes an HTTP request conditional when the cached copy it
    /// describes is present; `progress` hears of bytes received (and the total, when known).
    pub(crate) fn fetch(
        &self,
        ecosystem: Ecosystem,
        location: &Location,
        previous: Option<&Previous>,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Fetched, SourceError> {
        match (location, &self.client) {
            (Location::File(path), _) => self.read_file(path),
            (Location::Url(url), Some(client)) => {
                let cached = previous.filter(|previous| {
                    let cached_size = fs::metadata(self.cache_path(ecosystem))
                        .ok()
                        .map(|m| m.len());
                    previous.content_hash.is_some()
                        && cached_size.is_some()
                        && cached_size == previous.size
                });
                self.download(client, ecosystem, url, cached, progress)
            }
            (Location::Url(url), None) => Err(SourceError::Unsupported(
                customs_core::redacted_url(url.as_str()),
            )),
        }
    }

    /// The cached copy of an export, if it is the one `previous` describes.
    pub(crate) fn cached(
        &self,
        ecosystem: Ecosystem,
        previous: &Previous,
    ) -> Result<Option<Content>, SourceError> {
        let path = self.cache_path(ecosystem);
        let bytes = match read_capped(&path, self.limits.max_download_bytes) {
            Ok(bytes) => bytes,
            Err(SourceError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        let hash = sha256_hex(&bytes);
        Ok(
            (previous.content_hash.as_deref() == Some(hash.as_str())).then(|| Content {
                bytes,
                hash,
                etag: previous.etag.clone(),
                last_modified: previous.last_modified.clone(),
            }),
        )
    }

    fn read_file(&self, path: &Path) -> Result<Fetched, SourceError> {
        match read_capped(path, self.limits.max_download_bytes) {
            Ok(bytes) => {
                let hash = sha256_hex(&bytes);
                Ok(Fetched::Content(Content {
                    bytes,
                    hash,
                    etag: None,
                    last_modified: None,
                }))
            }
            Err(SourceError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(Fetched::Missing {
                    reason: format!("`{}` does not exist", path.display()),
                })
            }
            Err(error) => Err(error),
        }
    }

    fn download(
        &self,
        client: &Client,
        ecosystem: Ecosystem,
        url: &Url,
        previous: Option<&Previous>,
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<Fetched, SourceError> {
        let location = customs_core::redacted_url(url.as_str());
        let http = |source: reqwest::Error| SourceError::Http {
            location: location.clone(),
            source: source.without_url(),
        };
        let mut request = client.get(url.clone());
        if let Some(previous) = previous {
            if let Some(etag) = &previous.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(last_modified) = &previous.last_modified {
                request = request.header(IF_MODIFIED_SINCE, last_modified);
            }
        }
        let mut response = request.send().map_err(http)?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED && previous.is_some() {
            return Ok(Fetched::NotModified);
        }
        if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
            return Ok(Fetched::Missing {
                reason: format!("`{location}` answered HTTP {}", status.as_u16()),
            });
        }
        if status != StatusCode::OK {
            return Err(SourceError::Status {
                location,
                status: status.as_u16(),
            });
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let limit = self.limits.max_download_bytes;
        let total = response.content_length();
        if total.is_some_and(|total| total > limit) {
            return Err(SourceError::TooLarge { location, limit });
        }
        let mut bytes =
            Vec::with_capacity(usize::try_from(total.unwrap_or(0).min(limit)).unwrap_or(0));
        let mut hasher = Sha256::new();
        let mut buffer = vec![0; 256 * 1024];
        loop {
            let read = response
                .read(&mut buffer)
                .map_err(|source| SourceError::Read {
                    location: location.clone(),
                    source,
                })?;
            let Some(chunk) = buffer.get(..read) else {
                break;
            };
            if chunk.is_empty() {
                break;
            }
            if (bytes.len() + chunk.len()) as u64 > limit {
                return Err(SourceError::TooLarge { location, limit });
            }
            hasher.update(chunk);
            bytes.extend_from_slice(chunk);
            progress(bytes.len() as u64, total);
        }
        self.store_in_cache(ecosystem, &bytes)?;
        Ok(Fetched::Content(Content {
            bytes,
            hash: hex(&hasher.finalize()),
            etag,
            last_modified,
        }))
    }

    fn store_in_cache(&self, ecosystem: Ecosystem, bytes: &[u8]) -> Result<(), SourceError> {
        let path = self.cache_path(ecosystem);
        let temporary = self.cache.join(format!(
            "{}.zip.{}.tmp",
            ecosystem.osv_name(),
            std::process::id()
        ));
        let cache_error = |source| SourceError::Cache {
            path: path.clone(),
            source,
        };
        fs::create_dir_all(&self.cache).map_err(cache_error)?;
        let result = File::create(&temporary)
            .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
            .and_then(|()| fs::rename(&temporary, &path));
        if result.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        result.map_err(cache_error)
    }
}

/// One small file at the base of `source` (`<base>/<name>`), such as a popular-name list kept
/// beside the advisory exports: its bytes, or `None` when the source has no such file (404 or
/// 410, or no file in a directory). Not conditional and not cached: for files of a few
/// megabytes at most, bounded by `limit`.
pub fn fetch_file(source: &Source, name: &str, limit: u64) -> Result<Option<Vec<u8>>, SourceError> {
    match source {
        Source::Directory(base) => match read_capped(&base.join(name), limit) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(SourceError::Read { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
                Ok(None)
            }
            Err(error) => Err(error),
        },
        Source::Http(base) => {
            let mut url = base.clone();
            if let Ok(mut segments) = url.path_segments_mut() {
                segments.pop_if_empty().push(name);
            }
            let location = customs_core::redacted_url(url.as_str());
            let http = |source: reqwest::Error| SourceError::Http {
                location: location.clone(),
                source: source.without_url(),
            };
            let response = client()?.get(url).send().map_err(http)?;
            let status = response.status();
            if status == StatusCode::NOT_FOUND || status == StatusCode::GONE {
                return Ok(None);
            }
            if status != StatusCode::OK {
                return Err(SourceError::Status {
                    location,
                    status: status.as_u16(),
                });
            }
            if response.content_length().is_some_and(|total| total > limit) {
                return Err(SourceError::TooLarge { location, limit });
            }
            let mut bytes = Vec::new();
            response
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|source| SourceError::Read {
                    location: location.clone(),
                    source,
                })?;
            if bytes.len() as u64 > limit {
                return Err(SourceError::TooLarge { location, limit });
            }
            Ok(Some(bytes))
        }
    }
}

fn client() -> Result<Client, SourceError> {
    // reqwest is built without a TLS crypto provider (the default, aws-lc-rs, is a long C
    // build): ring is installed as the process default. An error means one is already
    // installed, which is as good.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|url| url.scheme() == "https");
        if downgrade {
            attempt.error("refusing a redirect from https to http")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    });
    Client::builder()
        .user_agent(concat!("customs/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(DOWNLOAD_TIMEOUT)
        .redirect(policy)
        .build()
        .map_err(SourceError::Client)
}

fn read_capped(path: &Path, limit: u64) -> Result<Vec<u8>, SourceError> {
    let read_error = |source| SourceError::Read {
        location: path.display().to_string(),
        source,
    };
    let file = File::open(path).map_err(read_error)?;
    let size = file.metadata().map_err(read_error)?.len();
    if size > limit {
        return Err(SourceError::TooLarge {
            location: path.display().to_string(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > limit {
        return Err(SourceError::TooLarge {
            location: path.display().to_string(),
            limit,
        });
    }
    Ok(bytes)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sources() {
        let http = Source::parse("https://user:secret@mirror.example/osv/").unwrap();
        assert_eq!(http.display(), "https://mirror.example/osv");
        match http.location(Ecosystem::CratesIo) {
            Location::Url(url) => assert_eq!(
                url.as_str(),
                "https://user:secret@mirror.example/osv/crates.io/all.zip",
                "credentials are sent"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            http.location(Ecosystem::CratesIo).display(),
            "https://mirror.example/osv/crates.io/all.zip"
        );
        let file = Source::parse("file:///srv/osv").unwrap();
        assert_eq!(file, Source::Directory(PathBuf::from("/srv/osv")));
        assert_eq!(
            Source::parse("../shared/data/osv").unwrap(),
            Source::Directory(PathBuf::from("../shared/data/osv"))
        );
        assert!(matches!(
            Source::parse("ftp://mirror.example/osv"),
            Err(SourceError::Unsupported(_))
        ));
        assert!(matches!(
            Source::parse("https://exa mple"),
            Err(SourceError::Url { .. })
        ));
        assert_eq!(Source::osv().display(), DEFAULT_SOURCE);
    }

    #[test]
    fn hashes_as_lowercase_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
