//! What the registries say about a release's files, read from their documents, and the rules
//! that pick the files to fetch.
//!
//! - npm: the packument (`GET {registry}{name}`, abbreviated form asked for with
//!   `Accept: application/vnd.npm.install-v1+json`), `versions[v].dist`: `tarball`, `integrity`
//!   (Subresource Integrity, `sha512-…` since 2017) and `shasum` (SHA-1 hex, older packages
//!   have only this).
//! - PyPI: the release document (`GET {pypi}{name}/{version}/json`), `urls[]`: `filename`,
//!   `url`, `packagetype` (`sdist`, `bdist_wheel`, older `bdist_egg` and such, which are not
//!   fetched) and `digests` (`sha256`, `md5`, `blake2b_256`). Some mirrors do not serve release
//!   documents: on a 404 the project document (`GET {pypi}{name}/json`) is read instead, whose
//!   `releases[version]` lists the same file objects.
//! - crates.io: the sparse index's `config.json` `dl` (the download URL or template, as the
//!   Cargo Book's "Registry Index" chapter describes it), and, when the lockfile has no
//!   checksum, the index file's line for the version (`cksum`, SHA-256 hex).

use std::collections::HashMap;

use customs_core::{HashAlgorithm, Integrity};
use serde::{Deserialize, Serialize};

use crate::document::{self, Lenient};

/// The Accept header of packument requests: the abbreviated document (`dist` is all that is
/// read), or the full one from registries that do not serve it.
pub(crate) const ACCEPT_PACKUMENT: &str =
    "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8";

/// One version's `dist`, as kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NpmDist {
    pub tarball: Option<String>,
    pub integrity: Option<String>,
    pub shasum: Option<String>,
}

impl NpmDist {
    /// The digests the registry gives, as integrity entries (those it writes wrongly are left
    /// out).
    pub(crate) fn digests(&self) -> Vec<Integrity> {
        let mut digests: Vec<Integrity> = self
            .integrity
            .iter()
            .flat_map(|sri| sri.split_ascii_whitespace())
            .filter_map(|entry| Integrity::from_sri(entry).ok())
            .flatten()
            .collect();
        if let Some(shasum) = &self.shasum
            && let Ok(sha1) = Integrity::from_hex(HashAlgorithm::Sha1, shasum.trim())
        {
            digests.push(sha1);
        }
        digests
    }
}

#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    versions: HashMap<String, PackumentVersion>,
}

#[derive(Deserialize)]
struct PackumentVersion {
    #[serde(default)]
    dist: Lenient<WireDist>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WireDist {
    tarball: Lenient<String>,
    integrity: Lenient<String>,
    shasum: Lenient<String>,
}

/// The `dist` of each of `versions` in a packument (`None` for a version it does not list).
pub(crate) fn npm_dists(
    body: &[u8],
    versions: &[String],
) -> Result<HashMap<String, Option<NpmDist>>, serde_json::Error> {
    let mut packument: Packument = document::from_object(body)?;
    Ok(versions
        .iter()
        .map(|version| {
            let dist = packument.versions.remove(version).map(|entry| {
                let dist = entry.dist.0.unwrap_or_default();
                NpmDist {
                    tarball: dist.tarball.0,
                    integrity: dist.integrity.0,
                    shasum: dist.shasum.0,
                }
            });
            (version.clone(), dist)
        })
        .collect())
}

/// One file of a PyPI release, as kept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PypiFile {
    pub filename: String,
    pub url: String,
    pub packagetype: String,
    pub sha256: Option<String>,
    pub md5: Option<String>,
    pub blake2b_256: Option<String>,
}

impl PypiFile {
    /// The digests the registry gives for the file.
    pub(crate) fn digests(&self) -> Vec<Integrity> {
        [
            (HashAlgorithm::Sha256, &self.sha256),
            (HashAlgorithm::Md5, &self.md5),
            (HashAlgorithm::Blake2b256, &self.blake2b_256),
        ]
        .into_iter()
        .filter_map(|(algorithm, digest)| Integrity::from_hex(algorithm, digest.as_deref()?).ok())
        .collect()
    }
}

#[derive(Deserialize)]
struct PypiRelease {
    urls: Vec<Lenient<WireFile>>,
}

#[derive(Deserialize)]
struct PypiProject {
    #[serde(default)]
    releases: HashMap<String, Vec<Lenient<WireFile>>>,
}

#[derive(Deserialize)]
struct WireFile {
    filename: String,
    url: String,
    #[serde(default)]
    packagetype: Lenient<String>,
    #[serde(default)]
    digests: Lenient<HashMap<String, Lenient<String>>>,
}

fn pypi_files(files: Vec<Lenient<WireFile>>) -> Vec<PypiFile> {
    files
        .into_iter()
        .filter_map(|file| file.0)
        .map(|file| {
            let mut digests = file.digests.0.unwrap_or_default();
            let mut take = |name: &str| digests.remove(name).and_then(|digest| digest.0);
            PypiFile {
                sha256: take("sha256"),
                md5: take("md5"),
                blake2b_256: take("blake2b_256"),
                filename: file.filename,
                url: file.url,
                packagetype: file.packagetype.0.unwrap_or_default(),
            }
        })
        .collect()
}

/// The files of a release document.
pub(crate) fn pypi_release_files(body: &[u8]) -> Result<Vec<PypiFile>, serde_json::Error> {
    let release: PypiRelease = document::from_object(body)?;
    Ok(pypi_files(release.urls))
}

/// The files of `version` in a project document; `None` when it does not list the version.
pub(crate) fn pypi_project_files(
    body: &[u8],
    version: &str,
) -> Result<Option<Vec<PypiFile>>, serde_json::Error> {
    let mut project: PypiProject = document::from_object(body)?;
    Ok(project.releases.remove(version).map(pypi_files))
}

/// How a wheel is preferred (lower first): a pure-Python 3 wheel, a wheel for both Pythons,
/// then one for x86-64 manylinux (what a Linux CI machine installs), then any.
fn wheel_rank(filename: &str) -> u8 {
    let Some(stem) = filename.strip_suffix(".whl") else {
        return u8::MAX;
    };
    // {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
    let parts: Vec<&str> = stem.split('-').collect();
    let [.., python, abi, platform] = parts.as_slice() else {
        return 4;
    };
    if parts.len() < 5 {
        return 4;
    }
    match (*python, *abi, *platform) {
        ("py3", "none", "any") => 0,
        ("py2.py3", "none", "any") => 1,
        _ if platform
            .split('.')
            .any(|tag| tag.starts_with("manylinux") && tag.ends_with("x86_64")) =>
        {
            2
        }
        _ => 3,
    }
}

/// The files of a PyPI release to fetch: the sdist (it holds `setup.py`, which runs at
/// install) and one wheel (see [`wheel_rank`]), among those `admitted`. Among equals, the first
/// by file name (and `.tar.gz` sdists before others).
pub(crate) fn choose_pypi_files(
    files: &[PypiFile],
    admitted: impl Fn(&PypiFile) -> bool,
) -> Vec<&PypiFile> {
    let mut sdists: Vec<&PypiFile> = files
        .iter()
        .filter(|file| file.packagetype == "sdist" && admitted(file))
        .collect();
    sdists.sort_by_key(|file| (!file.filename.ends_with(".tar.gz"), file.filename.as_str()));
    let mut wheels: Vec<&PypiFile> = files
        .iter()
        .filter(|file| file.packagetype == "bdist_wheel" && file.filename.ends_with(".whl"))
        .filter(|file| admitted(file))
        .collect();
    wheels.sort_by_key(|file| (wheel_rank(&file.filename), file.filename.as_str()));
    sdists
        .into_iter()
        .take(1)
        .chain(wheels.into_iter().take(1))
        .collect()
}

#[derive(Deserialize)]
struct CratesConfig {
    dl: String,
}

/// The `dl` of a sparse index's `config.json`.
pub(crate) fn crates_dl(body: &[u8]) -> Result<String, serde_json::Error> {
    let config: CratesConfig = document::from_object(body)?;
    Ok(config.dl)
}

#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    cksum: Lenient<String>,
}

/// The `cksum` of each of `versions` in an index file (`None` for a version it does not list,
/// or lists without a checksum). Lines that are not version entries are skipped, as Cargo skips
/// them.
pub(crate) fn crates_checksums(
    body: &[u8],
    versions: &[String],
) -> HashMap<String, Option<String>> {
    let mut found: HashMap<String, Option<String>> = versions
        .iter()
        .map(|version| (version.clone(), None))
        .collect();
    for line in body.split(|&byte| byte == b'\n') {
        let Ok(line) = serde_json::from_slice::<IndexLine>(line) else {
            continue;
        };
        if let Some(slot) = found.get_mut(&line.vers) {
            *slot = line.cksum.0;
        }
    }
    found
}

/// The download URL of a crate from the index's `dl`: the markers `{crate}`, `{version}`,
/// `{prefix}`, `{lowerprefix}` and `{sha256-checksum}` are replaced where `dl` has any, else
/// `/{crate}/{version}/download` is appended. `Err` when `dl` asks for a checksum and there is
/// none.
pub(crate) fn crate_url(
    dl: &str,
    name: &str,
    version: &str,
    checksum: Option<&str>,
) -> Result<String, String> {
    const MARKERS: [&str; 5] = [
        "{crate}",
        "{version}",
        "{prefix}",
        "{lowerprefix}",
        "{sha256-checksum}",
    ];
    if !MARKERS.iter().any(|marker| dl.contains(marker)) {
        return Ok(format!(
            "{}/{name}/{version}/download",
            dl.trim_end_matches('/')
        ));
    }
    if dl.contains("{sha256-checksum}") && checksum.is_none() {
        return Err(
            "the index's download URL needs the crate's checksum, and neither the lockfile nor the index gives one"
                .to_owned(),
        );
    }
    let prefix = index_prefix(name);
    Ok(dl
        .replace("{crate}", name)
        .replace("{version}", version)
        .replace("{lowerprefix}", &prefix.to_lowercase())
        .replace("{prefix}", &prefix)
        .replace("{sha256-checksum}", checksum.unwrap_or_default()))
}

/// The index directory of a crate name, as `{prefix}` means it: `1`, `2`, `3/{first
/// character}`, else `{first two}/{next two}`, in the name's own case.
fn index_prefix(name: &str) -> String {
    let characters: Vec<char> = name.chars().collect();
    let take = |range: std::ops::Range<usize>| -> String {
        characters.get(range).unwrap_or_default().iter().collect()
    };
    match characters.len() {
        0 => String::new(),
        1 => "1".to_owned(),
        2 => "2".to_owned(),
        3 => format!("3/{}", take(0..1)),
        _ => format!("{}/{}", take(0..2), take(2..4)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_urls_from_the_dl_template() {
        let checksum = "a".repeat(64);
        for (dl, expected) in [
            (
                "https://static.crates.io/crates",
                "https://static.crates.io/crates/Serde_Json/1.0.0/download",
            ),
            (
                "https://static.crates.io/crates/",
                "https://static.crates.io/crates/Serde_Json/1.0.0/download",
            ),
            (
                "https://mirror.example/{crate}/{crate}-{version}.crate",
                "https://mirror.example/Serde_Json/Serde_Json-1.0.0.crate",
            ),
            (
                "https://mirror.example/files/{prefix}/{lowerprefix}/{crate}",
                "https://mirror.example/files/Se/rd/se/rd/Serde_Json",
            ),
            (
                "https://mirror.example/by-hash/{sha256-checksum}",
                &format!("https://mirror.example/by-hash/{checksum}"),
            ),
        ] {
            assert_eq!(
                crate_url(dl, "Serde_Json", "1.0.0", Some(&checksum)).unwrap(),
                expected,
                "{dl}"
            );
        }
        assert!(crate_url("https://m.example/{sha256-checksum}", "a", "1.0.0", None).is_err());
        assert_eq!(index_prefix("a"), "1");
        assert_eq!(index_prefix("ab"), "2");
        assert_eq!(index_prefix("Abc"), "3/A");
    }

    #[test]
    fn wheels_are_ranked() {
        let file = |filename: &str, packagetype: &str| PypiFile {
            filename: filename.to_owned(),
            packagetype: packagetype.to_owned(),
            ..PypiFile::default()
        };
        let files = [
            file("demo-1.0-cp312-cp312-win_amd64.whl", "bdist_wheel"),
            file(
                "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                "bdist_wheel",
            ),
            file("demo-1.0.zip", "sdist"),
            file("demo-1.0.tar.gz", "sdist"),
            file("demo-1.0-py3.8.egg", "bdist_egg"),
        ];
        let chosen: Vec<&str> = choose_pypi_files(&files, |_| true)
            .iter()
            .map(|file| file.filename.as_str())
            .collect();
        assert_eq!(
            chosen,
            [
                "demo-1.0.tar.gz",
                "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
            ]
        );
        assert_eq!(wheel_rank("six-1.16.0-py2.py3-none-any.whl"), 1);
        assert_eq!(wheel_rank("demo-1.0-1build-py3-none-any.whl"), 0);
        assert_eq!(wheel_rank("demo-1.0-cp312-cp312-win_amd64.whl"), 3);
        assert_eq!(wheel_rank("broken.whl"), 4);
    }

    #[test]
    fn registry_documents() {
        let packument = br#"{"versions": {
            "1.0.0": {"dist": {"tarball": "https://r.example/a/-/a-1.0.0.tgz", "shasum": "0000000000000000000000000000000000000000"}},
            "2.0.0": {"dist": 7}
        }}"#;
        let dists = npm_dists(
            packument,
            &["1.0.0".to_owned(), "2.0.0".to_owned(), "3.0.0".to_owned()],
        )
        .unwrap();
        assert_eq!(dists["1.0.0"].as_ref().unwrap().digests().len(), 1);
        assert_eq!(dists["2.0.0"], Some(NpmDist::default()));
        assert_eq!(dists["3.0.0"], None);
        assert!(npm_dists(b"[]", &[]).is_err());

        let index = concat!(
            r#"{"name":"a","vers":"1.0.0","cksum":"abc"}"#,
            "\nnot json\n",
            r#"{"name":"a","vers":"1.1.0"}"#
        );
        let checksums = crates_checksums(index.as_bytes(), &["1.0.0".into(), "1.1.0".into()]);
        assert_eq!(checksums["1.0.0"].as_deref(), Some("abc"));
        assert_eq!(checksums["1.1.0"], None);

        let release = br#"{"urls": [{"filename": "a-1.0.tar.gz", "url": "u", "packagetype": "sdist", "digests": {"sha256": "x", "md5": 3}}, "odd"]}"#;
        let files = pypi_release_files(release).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].sha256.as_deref(), Some("x"));
        assert_eq!(files[0].md5, None);
        let project = br#"{"releases": {"1.0": [{"filename": "a-1.0.tar.gz", "url": "u"}]}}"#;
        assert_eq!(
            pypi_project_files(project, "1.0").unwrap().unwrap().len(),
            1
        );
        assert_eq!(pypi_project_files(project, "2.0").unwrap(), None);
    }
}
