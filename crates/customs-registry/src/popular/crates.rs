//! crates.io: the API's listing of crates by all-time downloads, `GET
//! {api}crates?page=N&per_page=100&sort=downloads`, answered `{"crates": [{"name": "syn",
//! "downloads": N, …}, …], "meta": {"total": N, …}}`. Pages are read in order until the page
//! count, a short page, `meta.total` or the row cap ends the list. A listed crate that does not
//! have a string `name` is skipped; a page without `crates` is malformed.

use std::time::Duration;

use customs_core::Ecosystem;
use serde::Deserialize;

use super::list::List;
use super::{PopularError, PopularLimits, base, get, run, shown};
use crate::document::{self, Lenient};

/// Crates per page: the most the API serves.
const PER_PAGE: usize = 100;

#[derive(Deserialize)]
struct Page {
    crates: Vec<Lenient<Listed>>,
    #[serde(default)]
    meta: Lenient<Meta>,
}

#[derive(Deserialize)]
struct Listed {
    name: String,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    total: Lenient<u64>,
}

/// The crates.io list as `name,rank` CSV: up to `pages` pages of 100 crates from the API at
/// `api_base` ([`super::DEFAULT_CRATES_API`]), each requested `pause` after the previous answer
/// ([`super::CRATES_PAUSE`] for crates.io itself, whose crawler policy asks for at most one
/// request a second; retries then back off at least as long). The default 50 pages take about
/// a minute.
pub fn fetch_crates_popular(
    api_base: &str,
    pages: usize,
    pause: Duration,
    limits: &PopularLimits,
) -> Result<String, PopularError> {
    let listing = base(api_base)?
        .join("crates")
        .map_err(|_| PopularError::BadUrl {
            url: customs_core::redacted_url(api_base.trim()),
        })?;
    let mut settings = limits.settings();
    settings.retry_base = settings.retry_base.max(pause);
    let source = shown(&listing);
    run(&settings, |fetcher| async move {
        let mut list = List::new(Ecosystem::CratesIo, "name,rank", limits.max_rows);
        // When the last answer came: the next request waits `pause` from then, so that requests
        // are `pause` apart even when the last one was a retry.
        let mut answered: Option<tokio::time::Instant> = None;
        for page in 1..=pages {
            if let Some(answered) = answered {
                tokio::time::sleep_until(answered + pause).await;
            }
            let mut url = listing.clone();
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &PER_PAGE.to_string())
                .append_pair("sort", "downloads");
            let body = get(&fetcher, &url, "application/json").await?;
            answered = Some(tokio::time::Instant::now());
            let parsed: Page =
                document::from_object(&body).map_err(|source| PopularError::Malformed {
                    url: shown(&url),
                    source,
                })?;
            let listed = parsed.crates.len();
            for name in parsed.crates.into_iter().filter_map(|listed| listed.0) {
                list.push_ranked(&name.name);
            }
            let total = parsed.meta.0.and_then(|meta| meta.total.0);
            let seen = u64::try_from(page.saturating_mul(PER_PAGE)).unwrap_or(u64::MAX);
            if listed < PER_PAGE || list.is_full() || total.is_some_and(|total| seen >= total) {
                break;
            }
        }
        list.finish(source)
    })
}
