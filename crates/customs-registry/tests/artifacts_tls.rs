//! Artifact downloads over TLS: a redirect from https to http is refused.
//!
//! The client trusts the system's certificates; the test's own CA (`fixtures/tls/ca.pem`, whose
//! key was discarded once it signed `server.pem` for 127.0.0.1) is given through
//! `SSL_CERT_FILE`, which only a new process can set: the test runs itself again as a child.

mod common;

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use common::{FakeRegistry, Reply, config, inventory, mask_port, package, temporary};
use customs_core::Ecosystem::Npm;
use customs_core::Integrity;
use customs_registry::artifacts::{ArtifactOptions, ArtifactOutcome, fetch_artifacts};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::Digest as _;

const CHILD: &str = "CUSTOMS_TLS_CHILD";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

/// An https server on 127.0.0.1: `/t.tgz` is `body`, `/to-http` redirects to `http_target`,
/// `/to-https` redirects to its own `/t.tgz`. Returns its base URL.
fn tls_server(body: Vec<u8>, http_target: String) -> String {
    let certificates: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(fixtures().join("server.pem"))
            .expect("server.pem")
            .collect::<Result<_, _>>()
            .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(fixtures().join("server.key")).expect("server.key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let tls = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(certificates, key)
            .expect("server config"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let base = format!("https://{}/", listener.local_addr().expect("address"));
    let own = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let tls = Arc::clone(&tls);
            let (body, http_target, own) = (body.clone(), http_target.clone(), own.clone());
            std::thread::spawn(move || {
                let Ok(connection) = rustls::ServerConnection::new(tls) else {
                    return;
                };
                let mut stream = rustls::StreamOwned::new(connection, stream);
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or_default();
                let redirect = |location: &str| {
                    format!(
                        "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    )
                    .into_bytes()
                };
                let response = match path {
                    "/to-http" => redirect(&http_target),
                    "/to-https" => redirect(&format!("{own}t.tgz")),
                    "/t.tgz" => {
                        let mut response = format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .into_bytes();
                        response.extend_from_slice(&body);
                        response
                    }
                    _ => {
                        b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                            .to_vec()
                    }
                };
                let _ = stream.write_all(&response);
                stream.conn.send_close_notify();
                let _ = stream.flush();
            });
        }
    });
    base
}

#[test]
fn redirect_from_https_to_http_is_refused() {
    if std::env::var_os(CHILD).is_none() {
        let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "redirect_from_https_to_http_is_refused",
                "--exact",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .env("SSL_CERT_FILE", fixtures().join("ca.pem"))
            .env_remove("SSL_CERT_DIR")
            .status()
            .expect("run the test again as a child");
        assert!(status.success(), "the child test failed: {status}");
        return;
    }

    let body = b"the bytes of a tarball served over TLS\n".to_vec();
    let sri = format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&body))
    );
    let plain = FakeRegistry::start();
    plain.route("/files/t.tgz", [Reply::bytes(body.clone())]);
    let tls = tls_server(body, plain.url("files/t.tgz"));
    let locked = |name: &str, path: &str| {
        let mut package = package(Npm, name, "1.0.0");
        package.artifact_url = Some(format!("{tls}{path}"));
        package
            .integrity
            .extend(Integrity::from_sri(&sri).expect("sri"));
        package
    };
    let inventory = inventory(vec![(
        "package-lock.json",
        Npm,
        vec![locked("down", "to-http"), locked("up", "to-https")],
    )]);
    let directory = temporary();
    let options = ArtifactOptions {
        cache_dir: Some(directory.path().join("artifacts")),
        ..ArtifactOptions::default()
    };
    let artifacts = fetch_artifacts(
        &inventory,
        &config(&plain, directory.path()),
        &options,
        |_, _| true,
    )
    .expect("artifacts");
    let [down, up] = artifacts.items.as_slice() else {
        panic!("two outcomes expected: {artifacts:?}");
    };
    match &down.outcome {
        ArtifactOutcome::Unavailable { reason } => {
            let reason = mask_port(reason);
            assert!(
                reason.contains("refusing a redirect from https to http"),
                "{reason}"
            );
            assert!(reason.starts_with("GET https://127.0.0.1"), "{reason}");
        }
        outcome => panic!("the redirect to http was followed: {outcome:?}"),
    }
    // The control: TLS and redirects work, so the refusal above is the downgrade's.
    assert!(
        matches!(&up.outcome, ArtifactOutcome::Fetched(list) if list.len() == 1),
        "{:?}",
        up.outcome
    );
    assert_eq!(plain.request_count(), 0, "nothing was asked over http");
}
