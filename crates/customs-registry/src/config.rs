//! Where the registries are and how to talk to them.
//!
//! [`RegistryConfig::discover`] starts from the public registries and follows what the
//! project's own tools would use:
//! - npm: `npm_config_registry` (npm reads any config key from the environment), then
//!   `registry=` in the project's `.npmrc`, then in `$HOME/.npmrc`. `${VAR}` in a value is
//!   expanded from the environment; a value naming a variable that is not set is ignored.
//! - PyPI: `UV_DEFAULT_INDEX`, `UV_INDEX_URL` (its older name), then `PIP_INDEX_URL`. These
//!   name a simple index (PEP 503); mirrors that also serve PyPI's JSON API (devpi, Nexus,
//!   Artifactory, pypi.org itself) serve it beside the index, so `…/simple` maps to `…/pypi/`.
//!   An index URL not ending in `/simple` names no known JSON API and is left alone.
//! - crates.io: Cargo's source replacement, as `.cargo/config.toml` (or `.cargo/config`) in the
//!   project directory and each directory above it, then in `$CARGO_HOME` (`~/.cargo`), declare
//!   it: `[source.crates-io] replace-with = "NAME"` and `[source.NAME] registry =
//!   "sparse+URL"`. Only sparse mirrors are used: a git index cannot be read over HTTP.
//!   (`CARGO_REGISTRIES_CRATES_IO_PROTOCOL` only picks git or sparse for crates.io itself and
//!   names no mirror.)
//! - The crates.io API (only asked for the owners of crates a typosquat check suspects: the
//!   index names no owners): `CUSTOMS_CRATES_API`, else crates.io's own. A sparse mirror of the
//!   index does not move it: mirrors serve the index and the crate files, not the API.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use customs_core::Ecosystem;
use url::Url;

/// Largest configuration file read (`.npmrc`, `.cargo/config.toml`).
const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// How the registry checks run.
#[derive(Clone, Debug)]
pub struct RegistryConfig {
    /// npm registry base, default `https://registry.npmjs.org/`.
    pub npm: Url,
    /// PyPI JSON API base, default `https://pypi.org/pypi/` (`GET {pypi}{name}/json`).
    pub pypi: Url,
    /// crates.io sparse index base, default `https://index.crates.io/`.
    pub crates_index: Url,
    /// crates.io API base, default `https://crates.io/api/v1/` (`GET
    /// {crates_api}crates/{name}/owners`).
    pub crates_api: Url,
    /// The least time between two requests to the crates.io API, whose crawler policy asks for
    /// at most one a second.
    pub crates_api_pause: Duration,
    /// The cache database file.
    pub cache: PathBuf,
    /// How long a cached answer is used without revalidation.
    pub ttl: Duration,
    /// How long a "no such package" (404) answer is used without asking again.
    pub negative_ttl: Duration,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Per request, from connecting to the last byte of the body.
    pub timeout: Duration,
    /// Retries on 429, 5xx, timeouts and connection errors.
    pub retries: u32,
    /// The first backoff between attempts; each retry doubles it (plus jitter).
    pub retry_base: Duration,
    /// The longest wait a `Retry-After` may ask for; longer asks wait this long.
    pub max_retry_wait: Duration,
    /// Largest response body accepted (after decompression).
    pub max_body_bytes: u64,
    /// Cache only; never touches the network.
    pub offline: bool,
}

impl RegistryConfig {
    /// The base URL of `ecosystem`'s registry: what a package from the ecosystem's default
    /// registry is asked at (a private registry's packages are asked at their own).
    pub(crate) fn registry(&self, ecosystem: Ecosystem) -> &Url {
        match ecosystem {
            Ecosystem::Npm => &self.npm,
            Ecosystem::PyPI => &self.pypi,
            Ecosystem::CratesIo => &self.crates_index,
        }
    }

    /// The public registries, with `cache` as the cache file.
    pub fn new(cache: PathBuf) -> Self {
        Self {
            npm: fixed_url("https://registry.npmjs.org/"),
            pypi: fixed_url("https://pypi.org/pypi/"),
            crates_index: fixed_url("https://index.crates.io/"),
            crates_api: fixed_url("https://crates.io/api/v1/"),
            crates_api_pause: Duration::from_secs(1),
            cache,
            ttl: Duration::from_secs(12 * 60 * 60),
            negative_ttl: Duration::from_secs(60 * 60),
            concurrency: 16,
            timeout: Duration::from_secs(30),
            retries: 3,
            retry_base: Duration::from_millis(500),
            max_retry_wait: Duration::from_secs(60),
            // The largest npm packuments are a few tens of megabytes.
            max_body_bytes: 200 * 1024 * 1024,
            offline: false,
        }
    }

    /// Defaults, then registry URLs from the process environment and the project at
    /// `project_root` (see the module documentation).
    pub fn discover(project_root: &Path, cache: PathBuf) -> Self {
        Self::discover_in(project_root, cache, &Environment::from_process())
    }

    /// [`RegistryConfig::discover`] with the environment given rather than read.
    pub fn discover_in(project_root: &Path, cache: PathBuf, environment: &Environment) -> Self {
        let mut config = Self::new(cache);
        let root = if project_root.is_file() {
            project_root.parent().unwrap_or(project_root)
        } else {
            project_root
        };
        if let Some(url) = npm_registry(root, environment) {
            config.npm = url;
        }
        if let Some(url) = pypi_index(environment) {
            config.pypi = url;
        }
        if let Some(url) = cargo_mirror(root, environment) {
            config.crates_index = url;
        }
        if let Some(url) = environment.get("CUSTOMS_CRATES_API").and_then(base_url) {
            config.crates_api = url;
        }
        config
    }
}

/// The environment variables and home directory discovery reads.
#[derive(Clone, Debug, Default)]
pub struct Environment {
    variables: BTreeMap<String, String>,
    home: Option<PathBuf>,
}

impl Environment {
    /// The variables discovery reads, from this process.
    pub fn from_process() -> Self {
        let mut environment = Environment::default();
        for name in [
            "npm_config_registry",
            "NPM_CONFIG_REGISTRY",
            "UV_DEFAULT_INDEX",
            "UV_INDEX_URL",
            "PIP_INDEX_URL",
            "CARGO_HOME",
            "CUSTOMS_CRATES_API",
        ] {
            if let Ok(value) = std::env::var(name) {
                environment.variables.insert(name.to_owned(), value);
            }
        }
        environment.home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|home| !home.is_empty())
            .map(PathBuf::from);
        environment
    }

    /// Sets a variable.
    pub fn variable(mut self, name: &str, value: &str) -> Self {
        self.variables.insert(name.to_owned(), value.to_owned());
        self
    }

    /// Sets the home directory (where `.npmrc` and `.cargo` are looked for).
    pub fn home(mut self, home: PathBuf) -> Self {
        self.home = Some(home);
        self
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.variables
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.trim().is_empty())
    }
}

/// A URL known to parse.
fn fixed_url(text: &str) -> Url {
    Url::parse(text).expect("the default registry URLs are valid")
}

/// An http(s) URL with a trailing slash, so that names join below it.
pub(crate) fn base_url(text: &str) -> Option<Url> {
    let mut url = Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return None;
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Some(url)
}

fn npm_registry(root: &Path, environment: &Environment) -> Option<Url> {
    if let Some(url) = ["npm_config_registry", "NPM_CONFIG_REGISTRY"]
        .iter()
        .find_map(|name| environment.get(name))
        .and_then(base_url)
    {
        return Some(url);
    }
    let files = std::iter::once(root.join(".npmrc"))
        .chain(environment.home.as_ref().map(|home| home.join(".npmrc")));
    files
        .filter_map(|path| read_config(&path))
        .find_map(|text| npmrc_registry(&text, environment))
}

/// The `registry=` value of an `.npmrc` (ini: `;` and `#` comments, optional quotes).
pub(crate) fn npmrc_registry(text: &str, environment: &Environment) -> Option<Url> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            if line.starts_with(';') || line.starts_with('#') {
                return None;
            }
            let (key, value) = line.split_once('=')?;
            (key.trim() == "registry").then(|| value.trim())
        })
        .filter_map(|value| expand(unquote(value), environment))
        .filter_map(|value| base_url(&value))
        // A later line overrides an earlier one.
        .next_back()
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value)
}

/// npm's `${VAR}` expansion; `None` when a variable is not set.
fn expand(value: &str, environment: &Environment) -> Option<String> {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        out.push_str(environment.get(&after[..end])?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn pypi_index(environment: &Environment) -> Option<Url> {
    ["UV_DEFAULT_INDEX", "UV_INDEX_URL", "PIP_INDEX_URL"]
        .iter()
        .find_map(|name| environment.get(name))
        .and_then(pypi_json_api)
}

/// The JSON API beside a simple index: `…/simple` becomes `…/pypi/`. A URL that already names
/// a JSON API (`…/pypi`) is kept. Anything else is `None`.
pub(crate) fn pypi_json_api(index: &str) -> Option<Url> {
    let mut url = base_url(index)?;
    let path = url.path().trim_end_matches('/');
    let parent = if let Some(parent) = path.strip_suffix("/simple") {
        parent
    } else if path.ends_with("/pypi") {
        return Some(url);
    } else {
        return None;
    };
    let path = format!("{parent}/pypi/");
    url.set_path(&path);
    Some(url)
}

fn cargo_mirror(root: &Path, environment: &Environment) -> Option<Url> {
    let mut files: Vec<PathBuf> = Vec::new();
    for directory in root.ancestors() {
        files.push(directory.join(".cargo").join("config.toml"));
        files.push(directory.join(".cargo").join("config"));
    }
    let cargo_home = environment
        .get("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| environment.home.as_ref().map(|home| home.join(".cargo")));
    if let Some(home) = cargo_home {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    let tables: Vec<toml::Table> = files
        .iter()
        .filter_map(|path| read_config(path))
        .filter_map(|text| text.parse::<toml::Table>().ok())
        .collect();
    let source = |table: &toml::Table, name: &str, key: &str| -> Option<String> {
        table
            .get("source")?
            .get(name)?
            .get(key)?
            .as_str()
            .map(str::to_owned)
    };
    // Cargo merges its files, the deepest directory winning: the first file that says.
    let replacement = tables
        .iter()
        .find_map(|table| source(table, "crates-io", "replace-with"))?;
    let registry = tables
        .iter()
        .find_map(|table| source(table, &replacement, "registry"))?;
    base_url(registry.strip_prefix("sparse+")?)
}

/// A small configuration file's text; `None` when absent, unreadable or too large.
fn read_config(path: &Path) -> Option<String> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    if file.metadata().ok()?.len() > MAX_CONFIG_BYTES {
        return None;
    }
    let mut text = String::new();
    file.take(MAX_CONFIG_BYTES).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_indexes_map_to_their_json_api() {
        for (index, api) in [
            ("https://pypi.org/simple", Some("https://pypi.org/pypi/")),
            ("https://pypi.org/simple/", Some("https://pypi.org/pypi/")),
            (
                "https://nexus.example/repository/pypi-proxy/simple/",
                Some("https://nexus.example/repository/pypi-proxy/pypi/"),
            ),
            (
                "https://user:token@art.example/artifactory/api/pypi/remote/simple",
                Some("https://user:token@art.example/artifactory/api/pypi/remote/pypi/"),
            ),
            (
                "https://mirror.example/pypi",
                Some("https://mirror.example/pypi/"),
            ),
            ("https://mirror.example/packages/", None),
            ("file:///srv/simple", None),
            ("not a url", None),
        ] {
            assert_eq!(
                pypi_json_api(index).as_ref().map(Url::as_str),
                api,
                "{index}"
            );
        }
    }

    #[test]
    fn npmrc_registry_lines() {
        let environment = Environment::default().variable("NPM_MIRROR", "npm.example.com");
        let text = "; comment\n# registry=https://ignored.example/\n@scope:registry=https://scoped.example/\nregistry = \"https://${NPM_MIRROR}/repo\"\n";
        assert_eq!(
            npmrc_registry(text, &environment).as_ref().map(Url::as_str),
            Some("https://npm.example.com/repo/")
        );
        assert_eq!(
            npmrc_registry("registry=https://${UNSET}/", &environment),
            None
        );
        assert_eq!(npmrc_registry("registry=ftp://x/", &environment), None);
    }
}
