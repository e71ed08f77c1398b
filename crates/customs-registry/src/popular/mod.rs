//! The popular-name lists of the typosquat checks, fetched from where they originate, as the CSV
//! text `customs_typosquat::Corpus::parse_csv` reads (`name,rank` or `name,downloads`).
//!
//! - npm: the package [`NPM_PACKAGE`] (MIT, by Titus Wormer), which lists npm's "high-impact"
//!   packages (a million downloads a week, or 500 dependents), most downloaded first, then the
//!   most depended-on. Its latest version is read from the registry like any package
//!   (`dist-tags.latest`, then `versions[latest].dist.tarball` and `dist.integrity`); the
//!   tarball is checked against its `sha512` integrity before it is opened, and only
//!   `lib/top.js` is read from it, in memory: a module that exports one array of string
//!   literals (`export const top = ['semver', 'minimatch', …]`). The strings are read by a
//!   small lexer of JavaScript strings and comments; nothing is executed. Rank = position.
//! - PyPI: the "top-pypi-packages" dataset by Hugo van Kemenade ([`DEFAULT_PYPI_URL`]), a
//!   regularly refreshed dump of PyPI's most-downloaded projects, counted from PyPI's public
//!   BigQuery download tables: `{"last_update": …, "query": {…}, "rows": [{"download_count": N,
//!   "project": "boto3"}, …]}`. Written as `name,downloads`.
//! - crates.io: the API's crate listing by all-time downloads, `GET
//!   {api}crates?page=N&per_page=100&sort=downloads`, page after page. crates.io's crawler
//!   policy asks for a User-Agent naming the tool (customs sends [`crate::USER_AGENT`]) and at
//!   most one request a second: each page is asked for a pause after the previous answer, and
//!   retries back off at least as long. Rank = position. The ranking can shift while the pages are read: a crate seen on
//!   two pages keeps its first rank, and one that moved across a page boundary unseen is missed.
//!
//! Every list is filtered the same way: a name that cannot be a package name of its registry
//! (whitespace, control characters, commas, characters the registry refuses) is skipped, a name
//! listed twice (after the registry's normalisation) keeps its first, better rank, and at most
//! [`PopularLimits::max_rows`] names are kept. A list left with no names is an error.
//!
//! The functions block: each runs its own single-threaded runtime, so they must not be called
//! from inside an async runtime. Requests go through the client the registry checks use
//! (proxies from `HTTPS_PROXY` and friends, retries with backoff, bodies capped after
//! decompression).

mod crates;
mod list;
mod npm;
mod pypi;
mod script;

use std::future::Future;
use std::time::Duration;

use url::Url;

use crate::fetch::{Fetched, Fetcher, Settings};

pub use crates::fetch_crates_popular;
pub use npm::fetch_npm_popular;
pub use pypi::fetch_pypi_popular;
pub use script::ScriptError;

/// The npm package whose `lib/top.js` is the npm list.
pub const NPM_PACKAGE: &str = "npm-high-impact";
/// The public npm registry.
pub const DEFAULT_NPM_REGISTRY: &str = "https://registry.npmjs.org/";
/// The top-pypi-packages dataset, as minified JSON.
pub const DEFAULT_PYPI_URL: &str =
    "https://hugovk.github.io/top-pypi-packages/top-pypi-packages.min.json";
/// The crates.io API base.
pub const DEFAULT_CRATES_API: &str = "https://crates.io/api/v1/";
/// Pages of 100 crates read by default: the top 5,000.
pub const DEFAULT_CRATES_PAGES: usize = 50;
/// The pause between two crates.io requests, as its crawler policy asks.
pub const CRATES_PAUSE: Duration = Duration::from_secs(1);

/// Where the lists come from: the public origins by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopularSources {
    /// The npm registry [`NPM_PACKAGE`] is fetched from (a configured mirror serves as well).
    pub npm_registry: String,
    /// The top-pypi-packages JSON document.
    pub pypi: String,
    /// The crates.io API base.
    pub crates_api: String,
    /// Pages of 100 crates to read.
    pub crates_pages: usize,
    /// The pause between two crates.io requests.
    pub crates_pause: Duration,
}

impl Default for PopularSources {
    fn default() -> Self {
        PopularSources {
            npm_registry: DEFAULT_NPM_REGISTRY.to_owned(),
            pypi: DEFAULT_PYPI_URL.to_owned(),
            crates_api: DEFAULT_CRATES_API.to_owned(),
            crates_pages: DEFAULT_CRATES_PAGES,
            crates_pause: CRATES_PAUSE,
        }
    }
}

/// Caps on what a source may cost, and how requests are made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopularLimits {
    /// Most names kept in a list; the least popular beyond are dropped.
    pub max_rows: usize,
    /// Largest response body, after decompression (a packument, the tarball, the PyPI
    /// document, one crates.io page).
    pub max_body_bytes: u64,
    /// npm: most bytes the tarball may unpack to, all entries and headers counted.
    pub max_unpacked_bytes: u64,
    /// npm: most entries the tarball may hold.
    pub max_entries: usize,
    /// npm: largest `lib/top.js` read.
    pub max_file_bytes: u64,
    /// Per request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Retries on 429, 5xx, timeouts and connection errors.
    pub retries: u32,
    /// The first backoff between attempts; each retry doubles it (plus jitter).
    pub retry_base: Duration,
    /// The longest wait a `Retry-After` may ask for.
    pub max_retry_wait: Duration,
}

impl Default for PopularLimits {
    fn default() -> Self {
        PopularLimits {
            // The public lists hold 15,000 to 20,000 names.
            max_rows: 50_000,
            // The largest answer is the PyPI document, about 1 MB.
            max_body_bytes: 32 * 1024 * 1024,
            // npm-high-impact 1.13.0 unpacks to under 1 MB in 18 entries.
            max_unpacked_bytes: 64 * 1024 * 1024,
            max_entries: 1_000,
            max_file_bytes: 16 * 1024 * 1024,
            timeout: Duration::from_secs(30),
            retries: 3,
            retry_base: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(60),
        }
    }
}

impl PopularLimits {
    fn settings(&self) -> Settings {
        Settings {
            timeout: self.timeout,
            concurrency: 1,
            retries: self.retries,
            retry_base: self.retry_base,
            max_retry_wait: self.max_retry_wait,
            max_body_bytes: self.max_body_bytes,
        }
    }
}

/// Why a list could not be had. Messages name the URL (without credentials).
#[derive(Debug, thiserror::Error)]
pub enum PopularError {
    #[error("`{url}` is not an http(s) URL")]
    BadUrl { url: String },
    #[error("cannot start the runtime that fetches the popular-name lists")]
    Runtime(#[source] std::io::Error),
    #[error("cannot start the HTTP client")]
    Client(#[source] reqwest::Error),
    /// A request failed (after its retries, where retrying made sense): one line naming the URL
    /// and the reason.
    #[error("{0}")]
    Fetch(String),
    #[error("GET {url}: not found")]
    NotFound { url: String },
    #[error("GET {url}: malformed response")]
    Malformed {
        url: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("GET {url}: {reason}")]
    Packument { url: String, reason: String },
    #[error("the npm tarball `{url}` has no sha512 integrity to be checked against")]
    NoIntegrity { url: String },
    #[error(
        "the npm tarball `{url}` does not match its integrity (expected sha512 {expected}, got {actual})"
    )]
    IntegrityMismatch {
        url: String,
        expected: String,
        actual: String,
    },
    #[error("cannot read the npm tarball `{url}`")]
    Archive {
        url: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the npm tarball `{url}` unpacks to more than {limit} bytes")]
    ArchiveTooLarge { url: String, limit: u64 },
    #[error("the npm tarball `{url}` holds more than {limit} entries")]
    TooManyEntries { url: String, limit: usize },
    #[error("the npm tarball `{url}` has no `{path}`")]
    FileMissing { url: String, path: &'static str },
    #[error("the npm tarball `{url}` holds `{path}` more than once")]
    FileRepeated { url: String, path: &'static str },
    #[error("`{path}` in the npm tarball `{url}` is larger than {limit} bytes")]
    FileTooLarge {
        url: String,
        path: &'static str,
        limit: u64,
    },
    #[error("`{path}` in the npm tarball `{url}` is not UTF-8")]
    NotUtf8 { url: String, path: &'static str },
    #[error("cannot read the package names of `{path}` in the npm tarball `{url}`")]
    Script {
        url: String,
        path: &'static str,
        #[source]
        source: ScriptError,
    },
    #[error("the popular-name list from `{url}` holds no valid package names")]
    Empty { url: String },
}

/// `text` as an http(s) base URL (with a trailing slash, so that paths join below it).
fn base(text: &str) -> Result<Url, PopularError> {
    crate::config::base_url(text).ok_or_else(|| PopularError::BadUrl {
        url: customs_core::redacted_url(text.trim()),
    })
}

/// `text` as an http(s) URL of a document (kept as given, query included).
fn document_url(text: &str) -> Result<Url, PopularError> {
    Url::parse(text.trim())
        .ok()
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(|| PopularError::BadUrl {
            url: customs_core::redacted_url(text.trim()),
        })
}

/// `url` as messages show it.
fn shown(url: &Url) -> String {
    customs_core::redacted_url(url.as_str())
}

/// Runs `work` with a fetcher of `settings` on a runtime of its own.
fn run<T, F>(settings: &Settings, work: impl FnOnce(Fetcher) -> F) -> Result<T, PopularError>
where
    F: Future<Output = Result<T, PopularError>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(PopularError::Runtime)?;
    let fetcher = Fetcher::with_settings(settings).map_err(PopularError::Client)?;
    runtime.block_on(work(fetcher))
}

/// The body of `url`; a 404 or 410 is [`PopularError::NotFound`].
async fn get(fetcher: &Fetcher, url: &Url, accept: &'static str) -> Result<Vec<u8>, PopularError> {
    match fetcher.get(url, accept, None).await {
        Ok(Fetched::Body { bytes, .. }) => Ok(bytes),
        Ok(Fetched::NotFound) => Err(PopularError::NotFound { url: shown(url) }),
        // Only a conditional request is answered 304, and none is made here.
        Ok(Fetched::NotModified(_)) => Err(PopularError::Fetch(format!(
            "GET {}: unexpected 304 Not Modified",
            shown(url)
        ))),
        Err(reason) => Err(PopularError::Fetch(reason)),
    }
}
