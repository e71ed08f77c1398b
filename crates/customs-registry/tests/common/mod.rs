//! A fake registry on 127.0.0.1 for the tests: routes answer scripted replies, and the server
//! records every request and how many were in flight at once.

#![allow(dead_code, reason = "each test file uses part of the helpers")]

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use customs_core::{Ecosystem, Inventory, LockfileReport, Package, PackageName, Source, Version};
use customs_registry::{Evidence, RegistryConfig};

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
}

impl Reply {
    pub fn json(body: impl ToString) -> Reply {
        Reply {
            status: 200,
            body: body.to_string().into_bytes(),
            headers: vec![("content-type".into(), "application/json".into())],
            delay: Duration::ZERO,
        }
    }

    /// A binary body (a tarball).
    pub fn bytes(body: Vec<u8>) -> Reply {
        Reply {
            status: 200,
            body,
            headers: vec![("content-type".into(), "application/octet-stream".into())],
            delay: Duration::ZERO,
        }
    }

    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            body: Vec::new(),
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub query: Option<String>,
    pub if_none_match: Option<String>,
    pub user_agent: Option<String>,
    pub authorization: Option<String>,
}

#[derive(Default)]
struct Shared {
    /// Per path, the replies still to give; the last one repeats.
    routes: Mutex<HashMap<String, VecDeque<Reply>>>,
    requests: Mutex<Vec<Recorded>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

pub struct FakeRegistry {
    /// `http://127.0.0.1:PORT/`
    pub base: String,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl FakeRegistry {
    pub fn start() -> FakeRegistry {
        let shared = Arc::new(Shared::default());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("non-blocking");
        let address = listener.local_addr().expect("address");
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        let app = axum::Router::new()
            .fallback(answer)
            .with_state(Arc::clone(&shared));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let server = axum::serve(listener, app);
                tokio::select! {
                    _ = server => {}
                    _ = stop => {}
                }
            });
        });
        FakeRegistry {
            base: format!("http://{address}/"),
            shared,
            shutdown: Some(shutdown),
        }
    }

    /// Answers `path` with `replies` in turn, repeating the last.
    pub fn route(&self, path: &str, replies: impl IntoIterator<Item = Reply>) {
        self.shared
            .routes
            .lock()
            .expect("routes")
            .insert(path.to_owned(), replies.into_iter().collect());
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.requests.lock().expect("requests").clone()
    }

    pub fn request_count(&self) -> usize {
        self.shared.requests.lock().expect("requests").len()
    }

    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

async fn answer(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let (if_none_match, user_agent, authorization) = {
        let header = |name: &str| {
            request
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        };
        (
            header("if-none-match"),
            header("user-agent"),
            header("authorization"),
        )
    };
    drop(request);
    shared.requests.lock().expect("requests").push(Recorded {
        path: path.clone(),
        query,
        if_none_match: if_none_match.clone(),
        user_agent,
        authorization,
    });
    let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let reply = {
        let mut routes = shared.routes.lock().expect("routes");
        match routes.get_mut(&path) {
            Some(replies) if replies.len() > 1 => replies.pop_front(),
            Some(replies) => replies.front().cloned(),
            None => None,
        }
    }
    .unwrap_or_else(|| Reply::status(404));
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    shared.in_flight.fetch_sub(1, Ordering::SeqCst);
    let etag = reply
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("etag"))
        .map(|(_, value)| value.clone());
    let not_modified = reply.status == 200 && etag.is_some() && etag == if_none_match;
    let (status, body) = if not_modified {
        (StatusCode::NOT_MODIFIED, Body::empty())
    } else {
        (
            StatusCode::from_u16(reply.status).expect("status"),
            Body::from(reply.body.clone()),
        )
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    for (name, value) in &reply.headers {
        let name = axum::http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
        response
            .headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("header value"));
    }
    response
}

/// A server on 127.0.0.1 that answers every connection with the same raw bytes (for answers
/// the fake registry cannot give: a chunked body without a length). Counts connections.
pub struct RawServer {
    /// `http://127.0.0.1:PORT/`
    pub base: String,
    pub connections: Arc<AtomicUsize>,
}

impl RawServer {
    pub fn start(response: Vec<u8>) -> RawServer {
        use std::io::{Read as _, Write as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let address = listener.local_addr().expect("address");
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { break };
                counted.fetch_add(1, Ordering::SeqCst);
                // Read the request head, then answer and close.
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let _ = stream.write_all(&response);
            }
        });
        RawServer {
            base: format!("http://{address}/"),
            connections,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// A registry package of the public registry.
pub fn package(ecosystem: Ecosystem, name: &str, version: &str) -> Package {
    package_from(ecosystem, name, Some(version), Source::registry(ecosystem))
}

pub fn package_from(
    ecosystem: Ecosystem,
    name: &str,
    version: Option<&str>,
    source: Source,
) -> Package {
    Package::new(
        ecosystem,
        PackageName::new(ecosystem, name).expect("name"),
        version.map(|v| Version::new(ecosystem, v)),
        source,
    )
}

/// An inventory of one lockfile per ecosystem given.
pub fn inventory(lockfiles: Vec<(&str, Ecosystem, Vec<Package>)>) -> Inventory {
    Inventory {
        lockfiles: lockfiles
            .into_iter()
            .map(|(path, ecosystem, packages)| LockfileReport {
                path: path.into(),
                format: "test".into(),
                ecosystem,
                packages,
            })
            .collect(),
        ..Inventory::default()
    }
}

/// The fake registry serves npm under `/npm/`, PyPI's JSON API under `/pypi/`, a sparse
/// index under `/index/` and the crates.io API under `/api/`. Short timeouts and backoff, and
/// no pause between API requests, keep the tests quick.
pub fn config(server: &FakeRegistry, cache: &Path) -> RegistryConfig {
    let mut config = RegistryConfig::new(cache.join("registry.sqlite"));
    config.npm = server.url("npm/").parse().expect("url");
    config.pypi = server.url("pypi/").parse().expect("url");
    config.crates_index = server.url("index/").parse().expect("url");
    config.crates_api = server.url("api/").parse().expect("url");
    config.crates_api_pause = Duration::ZERO;
    config.timeout = Duration::from_secs(5);
    config.retries = 2;
    config.retry_base = Duration::from_millis(10);
    config.max_retry_wait = Duration::from_secs(2);
    config
}

pub fn temporary() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

pub fn cache_path(directory: &tempfile::TempDir) -> PathBuf {
    directory.path().join("registry.sqlite")
}

/// Evidence as text, naming packages, with only the fields that say something.
pub fn render(inventory: &Inventory, evidence: &Evidence) -> String {
    let name = |lockfile: usize, package: usize| {
        let report = &inventory.lockfiles[lockfile];
        let package = &report.packages[package];
        let version = package.version.as_ref().map_or("-", |v| v.as_str());
        format!("{} {}@{version}", report.ecosystem, package.name)
    };
    let mut out = String::new();
    for item in &evidence.packages {
        let _ = writeln!(out, "{}", name(item.lockfile, item.package));
        let mut field = |key: &str, value: String| {
            let _ = writeln!(out, "  {key}: {value}");
        };
        if let Some(published) = item.published {
            field("published", published.to_string());
        }
        if let Some(yanked) = &item.yanked {
            field("yanked", format!("{:?}", yanked.reason));
        }
        if let Some(deprecated) = &item.deprecated {
            field("deprecated", deprecated.clone());
        }
        if let Some(removed) = item.removed {
            field("removed", removed.code().to_owned());
        }
        if !item.install_scripts.is_empty() {
            field("install_scripts", item.install_scripts.join(", "));
        }
        if let Some(previous) = &item.previous_version {
            field("previous_version", previous.clone());
        }
        if item.install_scripts_added {
            field("install_scripts_added", "true".into());
        }
        if let Some(publisher) = &item.publisher {
            field("publisher", publisher.clone());
        }
        if let Some(publisher) = &item.previous_publisher {
            field("previous_publisher", publisher.clone());
        }
        if let Some(provenance) = item.provenance {
            field("provenance", provenance.to_string());
        }
        if let Some(provenance) = item.previous_provenance {
            field("previous_provenance", provenance.to_string());
        }
        match (&item.license, item.license_known) {
            (Some(license), _) => field("license", license.clone()),
            (None, true) => field("license", "none declared".into()),
            (None, false) => field("license", "unknown".into()),
        }
        if let Some(latest) = &item.latest {
            field("latest", latest.clone());
        }
        if let Some(behind) = item.versions_behind {
            field("versions_behind", behind.to_string());
        }
    }
    for item in &evidence.unchecked {
        let _ = writeln!(
            out,
            "unchecked {}: {}",
            name(item.lockfile, item.package),
            item.reason
        );
    }
    mask_port(&out)
}

/// `http://127.0.0.1:PORT/` becomes `http://registry/`, so snapshots do not depend on the port.
pub fn mask_port(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("http://127.0.0.1:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + "http://127.0.0.1:".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str("http://registry");
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}
