//! PyPI: the top-pypi-packages JSON document, `{"rows": [{"download_count": N, "project":
//! "boto3"}, …]}` (other fields, `last_update` and `query`, are not read). A row that does not
//! have that shape is skipped like a name that cannot be a project name; a document without
//! `rows` is malformed.

use std::cmp::Reverse;

use customs_core::Ecosystem;
use serde::Deserialize;

use super::list::List;
use super::{PopularError, PopularLimits, document_url, get, run, shown};
use crate::document::{self, Lenient};

#[derive(Deserialize)]
struct Dataset {
    rows: Vec<Lenient<Row>>,
}

#[derive(Deserialize)]
struct Row {
    project: String,
    download_count: u64,
}

/// The PyPI list as `name,downloads` CSV, from the top-pypi-packages document at `url`
/// ([`super::DEFAULT_PYPI_URL`] or a copy).
pub fn fetch_pypi_popular(url: &str, limits: &PopularLimits) -> Result<String, PopularError> {
    let url = document_url(url)?;
    let body = run(&limits.settings(), |fetcher| {
        let url = url.clone();
        async move { get(&fetcher, &url, "application/json").await }
    })?;
    let dataset: Dataset =
        document::from_object(&body).map_err(|source| PopularError::Malformed {
            url: shown(&url),
            source,
        })?;
    let mut rows: Vec<Row> = dataset.rows.into_iter().filter_map(|row| row.0).collect();
    // Most downloaded first (the document is, but the first of a name must be its best), the
    // document's order kept among equals.
    rows.sort_by_key(|row| Reverse(row.download_count));
    let mut list = List::new(Ecosystem::PyPI, "name,downloads", limits.max_rows);
    for row in &rows {
        if list.is_full() {
            break;
        }
        list.push(&row.project, row.download_count);
    }
    list.finish(shown(&url))
}
