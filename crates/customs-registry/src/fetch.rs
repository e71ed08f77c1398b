//! HTTP for the registry checks: one shared async client, at most `concurrency` requests in
//! flight, a per-request timeout, and retries with exponential backoff and jitter on 429, 5xx,
//! timeouts and connection errors, waiting as long as a bounded `Retry-After` asks.
//!
//! Proxies come from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (reqwest's system
//! proxy support, left on). Bodies are read in chunks and refused past the size cap, after
//! decompression, so neither a huge answer nor a gzip bomb is held in memory. Messages name the
//! URL without credentials.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use tokio::sync::Semaphore;
use url::Url;

use crate::{RegistryConfig, RegistryError};

/// The User-Agent of every request: customs and its version.
pub const USER_AGENT: &str = concat!(
    "customs/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/customs-dev/customs)"
);

const MAX_REDIRECTS: usize = 5;
/// Longest backoff between two attempts, whatever the attempt count.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The validators of a cached answer, for a conditional request.
#[derive(Clone, Debug, Default)]
pub(crate) struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a request gave.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// 304: the cached answer is current.
    NotModified(Validators),
    /// 404 or 410.
    NotFound,
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
}

/// What a download gave.
#[derive(Debug)]
pub(crate) enum Downloaded {
    /// 404 or 410.
    NotFound,
    /// The body went to the sink: `size` bytes.
    Body { size: u64 },
}

/// Where a download's body goes, chunk by chunk.
pub(crate) trait Sink {
    /// Called once the server answered 200, before the first chunk: a retry starts over.
    fn restart(&mut self) -> Result<(), String>;
    fn write(&mut self, chunk: &[u8]) -> Result<(), String>;
}

/// Requests counted for reports and benchmarks.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub retries: AtomicU64,
}

#[derive(Debug)]
pub(crate) struct Fetcher {
    client: reqwest::Client,
    /// For artifact downloads ([`Fetcher::download`]): no automatic decompression, so that the
    /// bytes hashed are the bytes served; an idle timeout per read and a longer total one.
    /// `None` outside [`Fetcher::for_artifacts`].
    raw: Option<reqwest::Client>,
    permits: Semaphore,
    retries: u32,
    retry_base: Duration,
    max_retry_wait: Duration,
    max_body_bytes: u64,
    pub counters: Arc<Counters>,
}

enum Attempt<T> {
    Done(T),
    Retry {
        reason: String,
        wait: Option<Duration>,
    },
    Fail(String),
}

/// How a [`Fetcher`] talks to a server: the HTTP part of a [`RegistryConfig`], which the
/// popular-name lists (module `popular`) also use, without the registries and the cache.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub timeout: Duration,
    pub concurrency: usize,
    pub retries: u32,
    pub retry_base: Duration,
    pub max_retry_wait: Duration,
    pub max_body_bytes: u64,
}

impl From<&RegistryConfig> for Settings {
    fn from(config: &RegistryConfig) -> Settings {
        Settings {
            timeout: config.timeout,
            concurrency: config.concurrency,
            retries: config.retries,
            retry_base: config.retry_base,
            max_retry_wait: config.max_retry_wait,
            max_body_bytes: config.max_body_bytes,
        }
    }
}

impl Fetcher {
    pub(crate) fn new(config: &RegistryConfig) -> Result<Fetcher, RegistryError> {
        Fetcher::with_settings(&Settings::from(config)).map_err(RegistryError::Client)
    }

    pub(crate) fn with_settings(config: &Settings) -> Result<Fetcher, reqwest::Error> {
        // reqwest is built without a TLS crypto provider (the default, aws-lc-rs, is a long C
        // build): ring is installed as the process default. An error means one is already
        // installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(redirect_policy())
            .build()?;
        Ok(Fetcher {
            client,
            raw: None,
            permits: Semaphore::new(config.concurrency.max(1)),
            retries: config.retries,
            retry_base: config.retry_base,
            max_retry_wait: config.max_retry_wait,
            max_body_bytes: config.max_body_bytes,
            counters: Arc::new(Counters::default()),
        })
    }

    /// A fetcher for package artifacts: [`Fetcher::get`] as usual (for registry metadata), and
    /// [`Fetcher::download`] through a client that leaves bodies as served, times out after
    /// `timeout` without a byte and after `total` in all.
    pub(crate) fn for_artifacts(
        config: &RegistryConfig,
        total: Duration,
    ) -> Result<Fetcher, RegistryError> {
        let mut fetcher = Fetcher::new(config)?;
        let raw = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .no_gzip()
            .timeout(total)
            .read_timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(redirect_policy())
            .build()
            .map_err(RegistryError::Client)?;
        fetcher.raw = Some(raw);
        Ok(fetcher)
    }

    /// GETs `url`, conditionally when `validators` are given. The error is one line naming the
    /// URL (without credentials).
    pub(crate) async fn get(
        &self,
        url: &Url,
        accept: &'static str,
        validators: Option<&Validators>,
    ) -> Result<Fetched, String> {
        let shown = customs_core::redacted_url(url.as_str());
        let mut attempt = 0u32;
        loop {
            match self.attempt(url, accept, validators).await {
                Attempt::Done(fetched) => return Ok(fetched),
                Attempt::Fail(reason) => return Err(format!("GET {shown}: {reason}")),
                Attempt::Retry { reason, wait } => {
                    let wait = self.retry_wait(&shown, attempt, reason, wait)?;
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// GETs `url` into `sink`, chunk by chunk, refusing a body larger than `limit` bytes. A
    /// retry starts the sink over ([`Sink::restart`]). Through the raw client of
    /// [`Fetcher::for_artifacts`] when there is one. The error is one line naming the URL
    /// (without credentials).
    pub(crate) async fn download(
        &self,
        url: &Url,
        accept: &'static str,
        limit: u64,
        sink: &mut impl Sink,
    ) -> Result<Downloaded, String> {
        let shown = customs_core::redacted_url(url.as_str());
        let mut attempt = 0u32;
        loop {
            match self.download_attempt(url, accept, limit, sink).await {
                Attempt::Done(downloaded) => return Ok(downloaded),
                Attempt::Fail(reason) => return Err(format!("GET {shown}: {reason}")),
                Attempt::Retry { reason, wait } => {
                    let wait = self.retry_wait(&shown, attempt, reason, wait)?;
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// After a failed `attempt` (0 for the first) that may be retried: how long to wait before
    /// the next one, or the final error when the retries are spent.
    fn retry_wait(
        &self,
        shown: &str,
        attempt: u32,
        reason: String,
        wait: Option<Duration>,
    ) -> Result<Duration, String> {
        if attempt >= self.retries {
            let attempts = attempt + 1;
            let plural = if attempts == 1 { "" } else { "s" };
            return Err(format!(
                "GET {shown}: {reason} ({attempts} attempt{plural})"
            ));
        }
        self.counters.retries.fetch_add(1, Ordering::Relaxed);
        Ok(wait.unwrap_or_else(|| self.backoff(attempt)))
    }

    /// Exponential backoff from `retry_base`, with up to half as much again of jitter so that
    /// many clients retrying at once spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponential = self
            .retry_base
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(MAX_BACKOFF);
        exponential + jitter(exponential / 2)
    }

    async fn attempt(
        &self,
        url: &Url,
        accept: &'static str,
        validators: Option<&Validators>,
    ) -> Attempt<Fetched> {
        // The permit is held until the body is read: the limit is on requests in flight.
        let Ok(_permit) = self.permits.acquire().await else {
            return Attempt::Fail("the request queue was closed".into());
        };
        let mut response = match self.respond(&self.client, url, accept, validators).await {
            Ok(response) => response,
            Err(attempt) => return attempt,
        };
        let headers = response.headers();
        let answered = Validators {
            etag: header(headers, ETAG),
            last_modified: header(headers, LAST_MODIFIED),
        };
        let limit = self.max_body_bytes;
        let too_large = || Attempt::Fail(format!("the response is larger than {limit} bytes"));
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return too_large();
        }
        let capacity = response.content_length().unwrap_or(0).min(limit);
        let mut bytes = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if (bytes.len() as u64).saturating_add(chunk.len() as u64) > limit {
                        return too_large();
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(error) => return self.classify(error),
            }
        }
        Attempt::Done(Fetched::Body {
            bytes,
            validators: answered,
        })
    }

    async fn download_attempt(
        &self,
        url: &Url,
        accept: &'static str,
        limit: u64,
        sink: &mut impl Sink,
    ) -> Attempt<Downloaded> {
        // The permit is held until the body is read, as for `get`.
        let Ok(_permit) = self.permits.acquire().await else {
            return Attempt::Fail("the request queue was closed".into());
        };
        let client = self.raw.as_ref().unwrap_or(&self.client);
        let mut response = match self.respond(client, url, accept, None).await {
            Ok(response) => response,
            Err(Attempt::Done(Fetched::NotFound)) => return Attempt::Done(Downloaded::NotFound),
            Err(Attempt::Done(_)) => {
                return Attempt::Fail("HTTP 304 to a request that was not conditional".into());
            }
            Err(Attempt::Retry { reason, wait }) => return Attempt::Retry { reason, wait },
            Err(Attempt::Fail(reason)) => return Attempt::Fail(reason),
        };
        let too_large = || Attempt::Fail(format!("the response is larger than {limit} bytes"));
        if response
            .content_length()
            .is_some_and(|length| length > limit)
        {
            return too_large();
        }
        if let Err(reason) = sink.restart() {
            return Attempt::Fail(reason);
        }
        let mut size = 0u64;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    size = size.saturating_add(chunk.len() as u64);
                    if size > limit {
                        return too_large();
                    }
                    if let Err(reason) = sink.write(&chunk) {
                        return Attempt::Fail(reason);
                    }
                }
                Ok(None) => break,
                // reqwest reports a body cut short as a decoding error; the raw client decodes
                // nothing, so it is the connection failing mid-body: worth another attempt.
                Err(error) if error.is_decode() && self.raw.is_some() => {
                    return Attempt::Retry {
                        reason: describe(&error.without_url()),
                        wait: None,
                    };
                }
                Err(error) => return self.classify(error),
            }
        }
        Attempt::Done(Downloaded::Body { size })
    }

    /// Sends one request and sorts the answer: a 200 response whose body is still to be read,
    /// or how the attempt ends.
    async fn respond(
        &self,
        client: &reqwest::Client,
        url: &Url,
        accept: &'static str,
        validators: Option<&Validators>,
    ) -> Result<reqwest::Response, Attempt<Fetched>> {
        self.counters.requests.fetch_add(1, Ordering::Relaxed);
        let mut request = client.get(url.clone()).header(ACCEPT, accept);
        if let Some(validators) = validators {
            if let Some(etag) = &validators.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(last_modified) = &validators.last_modified {
                request = request.header(IF_MODIFIED_SINCE, last_modified);
            }
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return Err(self.classify(error)),
        };
        let status = response.status();
        let headers = response.headers();
        match status {
            StatusCode::OK => Ok(response),
            StatusCode::NOT_MODIFIED if validators.is_some() => {
                Err(Attempt::Done(Fetched::NotModified(Validators {
                    etag: header(headers, ETAG),
                    last_modified: header(headers, LAST_MODIFIED),
                })))
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => Err(Attempt::Done(Fetched::NotFound)),
            StatusCode::TOO_MANY_REQUESTS => Err(Attempt::Retry {
                reason: "HTTP 429 Too Many Requests".into(),
                wait: self.retry_after(headers),
            }),
            status if status.is_server_error() => Err(Attempt::Retry {
                reason: format!("HTTP {}", status_text(status)),
                wait: self.retry_after(headers),
            }),
            status => Err(Attempt::Fail(format!("HTTP {}", status_text(status)))),
        }
    }

    fn classify<T>(&self, error: reqwest::Error) -> Attempt<T> {
        let retryable =
            error.is_timeout() || error.is_connect() || error.is_request() || error.is_body();
        let reason = if error.is_timeout() {
            "timed out".to_owned()
        } else {
            describe(&error.without_url())
        };
        if retryable {
            Attempt::Retry { reason, wait: None }
        } else {
            Attempt::Fail(reason)
        }
    }

    /// `Retry-After` in seconds or as an HTTP date, capped at `max_retry_wait`.
    fn retry_after(&self, headers: &HeaderMap) -> Option<Duration> {
        let text = header(headers, RETRY_AFTER)?;
        let text = text.trim();
        let wait = match text.parse::<u64>() {
            Ok(seconds) => Duration::from_secs(seconds),
            Err(_) => {
                let at = jiff::fmt::rfc2822::DateTimeParser::new()
                    .parse_timestamp(text)
                    .ok()?;
                let seconds = at.as_millisecond() - jiff::Timestamp::now().as_millisecond();
                Duration::from_millis(u64::try_from(seconds).unwrap_or(0))
            }
        };
        Some(wait.min(self.max_retry_wait))
    }
}

/// Redirects are followed up to [`MAX_REDIRECTS`], never from https to http.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let downgrade = attempt.url().scheme() == "http"
            && attempt.previous().iter().any(|url| url.scheme() == "https");
        if downgrade {
            attempt.error("refusing a redirect from https to http")
        } else if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    })
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// An error and its causes on one line, each said once.
fn describe(error: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&dyn std::error::Error> = Some(error);
    while let Some(error) = next {
        let text = error.to_string().replace('\n', " ");
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        next = error.source();
    }
    parts.join(": ")
}

/// A random duration below `limit`, from the standard library's per-process random keys.
fn jitter(limit: Duration) -> Duration {
    use std::hash::BuildHasher;
    let nanos = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 {
        return Duration::ZERO;
    }
    let random = std::collections::hash_map::RandomState::new().hash_one(nanos);
    Duration::from_nanos(random % nanos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_stays_below_its_limit() {
        for _ in 0..100 {
            assert!(jitter(Duration::from_millis(10)) < Duration::from_millis(10));
        }
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
    }
}
