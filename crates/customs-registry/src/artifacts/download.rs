//! One download: streamed into a partial file of the cache while it is hashed, checked, and
//! only then moved into place.
//!
//! The partial file is written with blocking calls from the async task: each write is one
//! chunk of the response (kilobytes) to the page cache, shorter than the scheduling it would
//! take to hand it to a blocking thread.

use std::io::Write as _;
use std::path::PathBuf;

use url::Url;

use super::digest::{Computed, Expected, Hasher};
use super::store::Files;
use crate::fetch::{Downloaded, Fetcher, Sink};

const ACCEPT_ARTIFACT: &str = "application/octet-stream, */*";

/// An artifact to download.
#[derive(Clone, Debug)]
pub(crate) struct Job {
    pub url: Url,
    pub shown: String,
    pub expected: Option<Expected>,
    pub extension: &'static str,
}

/// How a download ended.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    Stored {
        path: PathBuf,
        computed: Computed,
        size: u64,
    },
    Mismatch {
        expected: String,
        actual: String,
    },
    Failed(String),
}

/// Downloads `job` into the cache at `files`.
pub(crate) async fn download(fetcher: &Fetcher, files: &Files, job: &Job, limit: u64) -> Outcome {
    let mut sink = Partial {
        files,
        expected: job.expected.as_ref(),
        file: None,
        hasher: None,
    };
    match fetcher
        .download(&job.url, ACCEPT_ARTIFACT, limit, &mut sink)
        .await
    {
        Ok(Downloaded::Body { size }) => {
            let (Some(file), Some(hasher)) = (sink.file.take(), sink.hasher.take()) else {
                return Outcome::Failed(format!("GET {}: no body", job.shown));
            };
            let computed = hasher.finish();
            if let Some(expected) = &job.expected
                && let Err((expected, actual)) = expected.check(&computed)
            {
                // `file` is dropped here, which deletes it: nothing is kept.
                return Outcome::Mismatch { expected, actual };
            }
            match files.persist(file, &computed.sha256, job.extension) {
                Ok(path) => Outcome::Stored {
                    path,
                    computed,
                    size,
                },
                Err(error) => Outcome::Failed(format!(
                    "GET {}: cannot store the artifact in the cache: {error}",
                    job.shown
                )),
            }
        }
        Ok(Downloaded::NotFound) => Outcome::Failed(format!("GET {}: not found", job.shown)),
        Err(reason) => Outcome::Failed(reason),
    }
}

/// The partial file of one download and the hash of what was written to it.
struct Partial<'a> {
    files: &'a Files,
    expected: Option<&'a Expected>,
    file: Option<tempfile::NamedTempFile>,
    hasher: Option<Hasher>,
}

impl Sink for Partial<'_> {
    fn restart(&mut self) -> Result<(), String> {
        // The previous attempt's file, if any, is deleted as it is dropped.
        self.file = Some(
            self.files
                .partial()
                .map_err(|error| format!("cannot create a file in the artifact cache: {error}"))?,
        );
        self.hasher = Some(Hasher::new(self.expected));
        Ok(())
    }

    fn write(&mut self, chunk: &[u8]) -> Result<(), String> {
        let (Some(file), Some(hasher)) = (self.file.as_mut(), self.hasher.as_mut()) else {
            return Err("a chunk came before the download started".to_owned());
        };
        hasher.update(chunk);
        file.write_all(chunk)
            .map_err(|error| format!("cannot write to the artifact cache: {error}"))
    }
}
