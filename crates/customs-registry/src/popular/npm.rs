//! npm: the latest tarball of npm-high-impact, checked against its integrity, and its
//! `lib/top.js`, read in memory.
//!
//! The tarball is hostile input until its digest matches, and still bounded after: the gzip
//! stream is read through a cap on the bytes it unpacks to, at most
//! [`PopularLimits::max_entries`] entries are looked at, only one file is read (a regular file
//! at `<top>/lib/top.js`, the first path component being `package` by convention and ignored,
//! as npm ignores it), and nothing is written to disk. Entries with `..` components or
//! absolute paths are ignored, and so are links and other non-files, whatever their name.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Read};

use customs_core::{Ecosystem, HashAlgorithm, Integrity};
use serde::Deserialize;
use sha2::Digest as _;
use url::Url;

use super::list::List;
use super::{NPM_PACKAGE, PopularError, PopularLimits, base, get, run, script, shown};
use crate::document::{self, Lenient};

/// The file of the package that lists the names.
const TOP: &str = "lib/top.js";
/// The abbreviated packument (`dist-tags` and each version's `dist` are all that is read),
/// or the full one from registries that do not serve it.
const ACCEPT_PACKUMENT: &str =
    "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";
const ACCEPT_TARBALL: &str = "application/octet-stream, */*";

#[derive(Deserialize)]
struct Packument {
    #[serde(rename = "dist-tags", default)]
    dist_tags: Lenient<HashMap<String, Lenient<String>>>,
    #[serde(default)]
    versions: HashMap<String, VersionEntry>,
}

#[derive(Deserialize)]
struct VersionEntry {
    #[serde(default)]
    dist: Lenient<Dist>,
}

#[derive(Deserialize)]
struct Dist {
    #[serde(default)]
    tarball: Lenient<String>,
    #[serde(default)]
    integrity: Lenient<String>,
}

/// The npm list as `name,rank` CSV: [`NPM_PACKAGE`]'s latest version from the registry at
/// `registry` (its base URL, e.g. [`super::DEFAULT_NPM_REGISTRY`] or the configured mirror).
pub fn fetch_npm_popular(registry: &str, limits: &PopularLimits) -> Result<String, PopularError> {
    let packument_url = base(registry)?
        .join(NPM_PACKAGE)
        .map_err(|_| PopularError::BadUrl {
            url: customs_core::redacted_url(registry.trim()),
        })?;
    let (tarball_url, integrity, tarball) = run(&limits.settings(), |fetcher| async move {
        let body = get(&fetcher, &packument_url, ACCEPT_PACKUMENT).await?;
        let (tarball_url, integrity) = latest_tarball(&body, &packument_url)?;
        let tarball = get(&fetcher, &tarball_url, ACCEPT_TARBALL).await?;
        Ok((tarball_url, integrity, tarball))
    })?;
    let shown_tarball = shown(&tarball_url);
    verify(&tarball, &integrity, &shown_tarball)?;
    let source = read_top(&tarball, limits, &shown_tarball)?;
    let names = script::string_array(&source).map_err(|source| PopularError::Script {
        url: shown_tarball.clone(),
        path: TOP,
        source,
    })?;
    let mut list = List::new(Ecosystem::Npm, "name,rank", limits.max_rows);
    for name in names.iter().flatten() {
        if list.is_full() {
            break;
        }
        list.push_ranked(name);
    }
    list.finish(shown_tarball)
}

/// The tarball URL and integrity of the latest version.
fn latest_tarball(body: &[u8], url: &Url) -> Result<(Url, String), PopularError> {
    let packument: Packument =
        document::from_object(body).map_err(|source| PopularError::Malformed {
            url: shown(url),
            source,
        })?;
    let refuse = |reason: String| PopularError::Packument {
        url: shown(url),
        reason,
    };
    let latest = packument
        .dist_tags
        .0
        .and_then(|mut tags| tags.remove("latest"))
        .and_then(|latest| latest.0)
        .ok_or_else(|| refuse("no `dist-tags.latest`".into()))?;
    let shown_version = latest.escape_debug().to_string();
    let dist = packument
        .versions
        .get(&latest)
        .and_then(|version| version.dist.0.as_ref())
        .ok_or_else(|| {
            refuse(format!(
                "no `dist` for the latest version `{shown_version}`"
            ))
        })?;
    let tarball = dist
        .tarball
        .0
        .as_deref()
        .and_then(|tarball| url.join(tarball.trim()).ok())
        .filter(|tarball| matches!(tarball.scheme(), "http" | "https"))
        .ok_or_else(|| {
            refuse(format!(
                "no http(s) `dist.tarball` for the latest version `{shown_version}`"
            ))
        })?;
    let integrity = dist
        .integrity
        .0
        .clone()
        .ok_or_else(|| PopularError::NoIntegrity {
            url: shown(&tarball),
        })?;
    Ok((tarball, integrity))
}

/// Checks `tarball` against the `sha512` entries of the SRI string `integrity` (one match
/// suffices, as in SRI; entries of other algorithms are not trusted here, being weaker or
/// unknown).
fn verify(tarball: &[u8], integrity: &str, url: &str) -> Result<(), PopularError> {
    let expected: Vec<String> = integrity
        .split_ascii_whitespace()
        .filter_map(|entry| Integrity::from_sri(entry).ok())
        .flatten()
        .filter(|entry| entry.algorithm == HashAlgorithm::Sha512)
        .map(|entry| entry.digest)
        .collect();
    let Some(first) = expected.first() else {
        return Err(PopularError::NoIntegrity {
            url: url.to_owned(),
        });
    };
    let mut actual = String::with_capacity(128);
    for byte in sha2::Sha512::digest(tarball).iter() {
        let _ = write!(actual, "{byte:02x}");
    }
    if expected.contains(&actual) {
        Ok(())
    } else {
        Err(PopularError::IntegrityMismatch {
            url: url.to_owned(),
            expected: first.clone(),
            actual,
        })
    }
}

/// The text of `lib/top.js` in the gzipped tarball.
fn read_top(tarball: &[u8], limits: &PopularLimits, url: &str) -> Result<String, PopularError> {
    let mut archive = tar::Archive::new(Capped {
        inner: flate2::read::GzDecoder::new(tarball),
        remaining: limits.max_unpacked_bytes,
        exceeded: false,
    });
    let found = find_top(&mut archive, limits, url);
    // Past the cap the archive reads as broken: say why.
    if archive.into_inner().exceeded {
        return Err(PopularError::ArchiveTooLarge {
            url: url.to_owned(),
            limit: limits.max_unpacked_bytes,
        });
    }
    let bytes = found?.ok_or_else(|| PopularError::FileMissing {
        url: url.to_owned(),
        path: TOP,
    })?;
    String::from_utf8(bytes).map_err(|_| PopularError::NotUtf8 {
        url: url.to_owned(),
        path: TOP,
    })
}

fn find_top<R: Read>(
    archive: &mut tar::Archive<R>,
    limits: &PopularLimits,
    url: &str,
) -> Result<Option<Vec<u8>>, PopularError> {
    let broken = |source| PopularError::Archive {
        url: url.to_owned(),
        source,
    };
    let mut found = None;
    for (index, entry) in archive.entries().map_err(broken)?.enumerate() {
        if index >= limits.max_entries {
            return Err(PopularError::TooManyEntries {
                url: url.to_owned(),
                limit: limits.max_entries,
            });
        }
        let mut entry = entry.map_err(broken)?;
        if !entry.header().entry_type().is_file() || !is_top(&entry.path_bytes()) {
            // Not read: the archive skips its data on the next step (counted by the cap).
            continue;
        }
        if found.is_some() {
            return Err(PopularError::FileRepeated {
                url: url.to_owned(),
                path: TOP,
            });
        }
        let too_large = || PopularError::FileTooLarge {
            url: url.to_owned(),
            path: TOP,
            limit: limits.max_file_bytes,
        };
        if entry.size() > limits.max_file_bytes {
            return Err(too_large());
        }
        let mut bytes = Vec::new();
        entry
            .by_ref()
            .take(limits.max_file_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(broken)?;
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(too_large());
        }
        found = Some(bytes);
    }
    Ok(found)
}

/// `<top>/lib/top.js`, relative, without `..` (empty and `.` components ignored).
fn is_top(path: &[u8]) -> bool {
    if path.starts_with(b"/") {
        return false;
    }
    let components: Vec<&[u8]> = path
        .split(|&byte| byte == b'/')
        .filter(|component| !component.is_empty() && *component != b".")
        .collect();
    match components.as_slice() {
        [_, rest @ ..] if components.iter().all(|c| *c != b"..") => {
            rest.len() == 2
                && rest
                    .iter()
                    .zip(TOP.split('/'))
                    .all(|(a, b)| *a == b.as_bytes())
        }
        _ => false,
    }
}

/// A reader that fails once `remaining` bytes have been read and more follow.
struct Capped<R> {
    inner: R,
    remaining: u64,
    exceeded: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        if buffer.is_empty() {
            return Ok(0);
        }
        if self.remaining == 0 {
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded = true;
                    Err(io::Error::other(
                        "the archive unpacks to more than the limit",
                    ))
                }
            };
        }
        let most = usize::try_from(self.remaining).map_or(buffer.len(), |r| r.min(buffer.len()));
        let read = self.inner.read(&mut buffer[..most])?;
        self.remaining = self.remaining.saturating_sub(read as u64);
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_one_path_is_the_list() {
        for path in [
            "package/lib/top.js",
            "npm-high-impact/lib/top.js",
            "package//lib/./top.js",
        ] {
            assert!(is_top(path.as_bytes()), "{path}");
        }
        for path in [
            "lib/top.js",
            "/package/lib/top.js",
            "package/../package/lib/top.js",
            "../lib/top.js",
            "package/lib/top.js/x",
            "package/lib/top.jsx",
            "package/x/lib/top.js",
            "package/lib/index.js",
        ] {
            assert!(!is_top(path.as_bytes()), "{path}");
        }
    }

    #[test]
    fn the_cap_refuses_what_lies_beyond_it() {
        let mut capped = Capped {
            inner: &b"0123456789"[..],
            remaining: 10,
            exceeded: false,
        };
        let mut all = Vec::new();
        assert_eq!(capped.read_to_end(&mut all).ok(), Some(10));
        assert!(!capped.exceeded);
        let mut capped = Capped {
            inner: &b"0123456789x"[..],
            remaining: 10,
            exceeded: false,
        };
        assert!(capped.read_to_end(&mut Vec::new()).is_err());
        assert!(capped.exceeded);
    }
}
