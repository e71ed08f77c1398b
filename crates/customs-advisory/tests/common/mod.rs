//! Test helpers: OSV exports written with the `zip` crate, and an HTTP server on loopback that
//! answers conditional requests the way OSV's bucket does.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    dead_code,
    reason = "test helpers: a panic is the failure report; each test file uses a part"
)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip of `members` (name, bytes), deflated.
pub fn zip_bytes(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, bytes) in members {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Writes `<root>/<ecosystem>/all.zip` with one `<ID>.json` member per record.
pub fn write_export(root: &Path, ecosystem: &str, records: &[String]) {
    let named: Vec<(String, &[u8])> = records
        .iter()
        .map(|record| {
            let id = serde_json::from_str::<serde_json::Value>(record).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned();
            (format!("{id}.json"), record.as_bytes())
        })
        .collect();
    let members: Vec<(&str, &[u8])> = named.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    write_zip(root, ecosystem, &zip_bytes(&members));
}

pub fn write_zip(root: &Path, ecosystem: &str, bytes: &[u8]) {
    let dir = root.join(ecosystem);
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("all.zip"), bytes).unwrap();
}

/// An OSV record for one package; `extra` is spliced in as more top-level fields.
pub fn record(id: &str, ecosystem: &str, name: &str, extra: &str) -> String {
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(", {extra}")
    };
    format!(
        r#"{{"id": "{id}", "modified": "2025-01-01T00:00:00Z", "summary": "{id} in {name}",
            "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
                "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "2.0.0"}}]}}]}}]{extra}}}"#
    )
}

/// A RustSec informational advisory.
pub fn rustsec(id: &str, name: &str, informational: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2025-01-01T00:00:00Z",
            "affected": [{{"package": {{"ecosystem": "crates.io", "name": "{name}"}},
                "database_specific": {{"informational": "{informational}"}},
                "ranges": [{{"type": "SEMVER", "events": [{{"introduced": "0.0.0-0"}}]}}]}}]}}"#
    )
}

pub fn withdrawn(id: &str, ecosystem: &str, name: &str) -> String {
    record(
        id,
        ecosystem,
        name,
        r#""withdrawn": "2025-02-01T00:00:00Z""#,
    )
}

/// One request the server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Served {
    pub path: String,
    pub if_none_match: Option<String>,
    pub status: u16,
    pub body_bytes: usize,
}

/// An HTTP/1.1 server on 127.0.0.1 serving files under a root, with strong ETags (the SHA-256
/// of the content, as a quoted string), answering `If-None-Match` with 304. It stops when
/// dropped, after a minute, or after 200 connections, whichever comes first.
pub struct Server {
    pub base: String,
    pub root: PathBuf,
    log: Arc<Mutex<Vec<Served>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (root, log, stop) = (root.to_owned(), Arc::clone(&log), Arc::clone(&stop));
            thread::spawn(move || {
                let deadline = Instant::now() + Duration::from_secs(60);
                let mut connections = 0;
                while !stop.load(Ordering::Relaxed)
                    && Instant::now() < deadline
                    && connections < 200
                {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            connections += 1;
                            serve(stream, &root, &log);
                        }
                        Err(_) => thread::sleep(Duration::from_millis(5)),
                    }
                }
            })
        };
        Server {
            base,
            root: root.to_owned(),
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// The requests answered so far, and forgets them.
    pub fn take_log(&self) -> Vec<Served> {
        let mut log: Vec<Served> = std::mem::take(&mut *self.log.lock().unwrap());
        log.sort_by(|a, b| a.path.cmp(&b.path));
        log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, root: &Path, log: &Mutex<Vec<Served>>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut headers = BTreeMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let file = root.join(path.trim_start_matches('/'));
    let if_none_match = headers.get("if-none-match").cloned();
    let mut stream = stream;
    // A file `<path>.500` beside the export makes the server fail on it.
    let failing = file.with_file_name(format!(
        "{}.500",
        file.file_name().unwrap_or_default().to_string_lossy()
    ));
    let (status, body, etag) = match fs::read(&file) {
        _ if failing.is_file() => (500, Vec::new(), None),
        Ok(body) => {
            let etag = format!("\"{}\"", sha256_hex(&body));
            if if_none_match.as_deref() == Some(etag.as_str()) {
                (304, Vec::new(), Some(etag))
            } else {
                (200, body, Some(etag))
            }
        }
        Err(_) => (404, Vec::new(), None),
    };
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Length: {}\r\n",
        if status == 304 { 0 } else { body.len() }
    );
    if let Some(etag) = etag {
        head.push_str(&format!("ETag: {etag}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    // Drain what the client may still send so closing does not reset the connection early.
    let _ = stream.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = reader.read(&mut [0; 64]);
    log.lock().unwrap().push(Served {
        path,
        if_none_match,
        status,
        body_bytes: body.len(),
    });
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
