//! Round trip: the SBOM `customs sbom` writes, read back by `customs inventory`, gives the same
//! inventory. Compared field by field, except what an SBOM read back cannot say by design:
//!
//! - locations and the lockfile: a package read from an SBOM is located in the SBOM;
//! - the display spelling of a name (`Typing_Extensions`): SBOMs carry the canonical name;
//! - which file a digest belongs to (PyPI wheels): neither format ties a hash to one artifact.
//!
//! SPDX carries less (docs/sbom.md): no npm aliases, unpinned requirements, git branch or install-script mark, no
//! licence text that is not an SPDX expression, and no production scope apart from "unknown"
//! unless the document has dev or optional relationships. Those fields are left out of the SPDX
//! comparison; everything else (ids, versions, sources, digests, artifact URLs, dependencies,
//! direct marks) must match.
//!
//! A hand-written project runs by default; every lockfile of the shared corpus runs when the
//! shared data is present (skipped loudly otherwise, required when
//! CUSTOMS_REQUIRE_SHARED_DATA=1).

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "tests: a panic is the failure report"
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{customs_in, json, stderr, write};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    CycloneDxJson,
    CycloneDxXml,
    Spdx,
}

impl Format {
    const ALL: [Format; 3] = [Format::CycloneDxJson, Format::CycloneDxXml, Format::Spdx];

    fn flag(self) -> &'static str {
        match self {
            Format::CycloneDxJson => "cyclonedx-json",
            Format::CycloneDxXml => "cyclonedx-xml",
            Format::Spdx => "spdx-json",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Format::CycloneDxJson => "bom.cdx.json",
            Format::CycloneDxXml => "bom.cdx.xml",
            Format::Spdx => "bom.spdx.json",
        }
    }
}

/// The inventory of `paths` (relative to `cwd`) as JSON, exit status checked.
fn inventory(cwd: &Path, paths: &[&str]) -> Value {
    let mut args = vec!["inventory", "--format", "json"];
    args.extend_from_slice(paths);
    let output = customs_in(&args, cwd, &[]);
    assert!(
        output.status.code() == Some(0),
        "inventory of {paths:?} failed: {}",
        stderr(&output)
    );
    json(&output)
}

/// Every package of an inventory document by id, with the fields a round trip keeps.
fn comparable(document: &Value, format: Format) -> BTreeMap<String, Value> {
    let mut packages = BTreeMap::new();
    for package in document["packages"].as_array().unwrap() {
        let mut package = package.as_object().unwrap().clone();
        for field in ["lockfile", "locations", "display_name"] {
            package.remove(field);
        }
        if let Some(Value::Array(digests)) = package.get_mut("integrity") {
            for digest in digests.iter_mut() {
                digest.as_object_mut().unwrap().remove("file");
            }
            digests.sort_by_key(Value::to_string);
            digests.dedup();
        }
        if format == Format::Spdx {
            for field in [
                "aliases",
                "requirement",
                "license",
                "scope",
                "install_script",
            ] {
                package.remove(field);
            }
            if let Some(Value::Object(source)) = package.get_mut("source") {
                source.remove("reference");
            }
            // The described root relates to every direct package too: SPDX has no other way
            // to say which are direct.
            let root = package["source"]["type"] == "workspace"
                && matches!(package["source"]["path"].as_str(), Some("." | "") | None);
            if root {
                package.remove("dependencies");
            }
            // spdx-tools accepts a downloadLocation only on a host with a 2-5 letter top-level
            // domain; others (localhost, IP addresses) are written as NOASSERTION.
            if package
                .get("artifact_url")
                .and_then(Value::as_str)
                .is_some_and(|url| !spdx_accepts_host(url))
            {
                package.remove("artifact_url");
            }
        }
        let id = package["id"].as_str().unwrap().to_owned();
        // The same package under two lockfiles is one entry in an SBOM: keep one.
        packages.entry(id).or_insert(Value::Object(package));
    }
    packages
}

fn spdx_accepts_host(url: &str) -> bool {
    let host = url.split_once("://").map_or("", |(_, rest)| {
        rest.split(['/', ':', '?', '#']).next().unwrap_or("")
    });
    let top_level = host.rsplit('.').next().unwrap_or("");
    host.contains('.')
        && (2..=5).contains(&top_level.len())
        && top_level.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Writes the SBOM of `paths` in `format`, reads it back, and lists every difference.
fn round_trip(cwd: &Path, paths: &[&str], format: Format) -> Vec<String> {
    let before = comparable(&inventory(cwd, paths), format);
    let out = tempfile::tempdir().unwrap();
    let sbom = out.path().join(format.file_name());
    let mut args = vec![
        "sbom",
        "--format",
        format.flag(),
        "--output",
        sbom.to_str().unwrap(),
    ];
    args.extend_from_slice(paths);
    let output = customs_in(&args, cwd, &[("SOURCE_DATE_EPOCH", "1700000000")]);
    assert!(
        output.status.code() == Some(0),
        "sbom of {paths:?} failed: {}",
        stderr(&output)
    );
    let after = comparable(&inventory(out.path(), &[format.file_name()]), format);
    let mut differences = Vec::new();
    for (id, package) in &before {
        match after.get(id) {
            None => differences.push(format!("{format:?}: lost {id}")),
            Some(read) if read != package => differences.push(format!(
                "{format:?}: {id} differs:\n  written {package}\n  read    {read}"
            )),
            Some(_) => {}
        }
    }
    for id in after.keys().filter(|id| !before.contains_key(*id)) {
        differences.push(format!("{format:?}: gained {id}"));
    }
    differences
}

const SHA512: &str = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==";
const SHA256: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// A project with a workspace, aliases, git and path sources, licences (valid and not), dev and
/// optional scopes, unpinned requirements and per-file PyPI digests.
fn write_project(root: &Path) {
    write(
        root,
        "package-lock.json",
        &format!(
            r#"{{
  "name": "shop",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "packages": {{
    "": {{
      "name": "shop",
      "version": "1.0.0",
      "workspaces": ["packages/*"],
      "dependencies": {{ "left-pad": "^1.3.0", "lp": "npm:left-pad@1.3.0", "gitdep": "github:o/gitdep" }},
      "devDependencies": {{ "@types/node": "^20.0.0" }},
      "optionalDependencies": {{ "fsevents": "^2.3.0" }}
    }},
    "node_modules/left-pad": {{
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "{SHA512}",
      "license": "WTFPL"
    }},
    "node_modules/lp": {{
      "name": "left-pad",
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "{SHA512}",
      "license": "WTFPL"
    }},
    "node_modules/gitdep": {{
      "version": "2.0.0",
      "resolved": "git+ssh://git@github.com/o/gitdep.git#0123456789abcdef0123456789abcdef01234567",
      "license": "MIT OR Apache-2.0"
    }},
    "node_modules/@types/node": {{
      "version": "20.1.0",
      "resolved": "https://registry.npmjs.org/@types/node/-/node-20.1.0.tgz",
      "integrity": "{SHA512}",
      "dev": true,
      "license": "MIT"
    }},
    "node_modules/fsevents": {{
      "version": "2.3.3",
      "resolved": "https://registry.npmjs.org/fsevents/-/fsevents-2.3.3.tgz",
      "integrity": "{SHA512}",
      "optional": true,
      "license": "see LICENSE in the package"
    }},
    "node_modules/@shop/util": {{ "resolved": "packages/util", "link": true }},
    "packages/util": {{ "name": "@shop/util", "version": "0.1.0", "dependencies": {{ "left-pad": "^1.3.0" }} }}
  }}
}}"#
        ),
    );
    write(
        root,
        "Cargo.lock",
        &format!(
            r#"# This file is automatically @generated by Cargo.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "helper",
 "serde",
 "tokio-util",
]

[[package]]
name = "helper"
version = "0.2.0"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "{SHA256}"

[[package]]
name = "tokio-util"
version = "0.7.0"
source = "git+https://github.com/tokio-rs/tokio?branch=main#0123456789abcdef0123456789abcdef01234567"
"#
        ),
    );
    write(
        root,
        "requirements.txt",
        &format!(
            "Typing_Extensions==4.12.2 \\\n    --hash=sha256:{SHA256} \\\n    --hash=sha256:{}\nrequests>=2.31\n",
            "f".repeat(64)
        ),
    );
}

#[test]
fn a_project_reads_back_from_each_sbom_format() {
    let temp = tempfile::tempdir().unwrap();
    write_project(temp.path());
    // The whole project (several lockfiles, a synthetic root), and one lockfile whose own root
    // package becomes the SBOM's root.
    for paths in [&["."][..], &["package-lock.json"][..]] {
        let mut differences = Vec::new();
        for format in Format::ALL {
            differences.extend(round_trip(temp.path(), paths, format));
        }
        assert!(
            differences.is_empty(),
            "{paths:?}:\n{}",
            differences.join("\n")
        );
    }
    // The comparison is not vacuous: the project holds every kind of package it should.
    let document = inventory(temp.path(), &["."]);
    let kinds: Vec<&str> = document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"]["type"].as_str().unwrap())
        .collect();
    for kind in ["registry", "git", "workspace", "path"] {
        assert!(kinds.contains(&kind), "no {kind} package in {kinds:?}");
    }
}

#[test]
fn every_corpus_lockfile_reads_back_from_each_sbom_format() {
    let Some(data) = customs_testdata::shared_data("SBOM round trip on the corpus") else {
        return;
    };
    let corpus = data.join("lockfiles");
    let manifest = std::fs::read_to_string(corpus.join("MANIFEST.csv")).unwrap();
    let mut checked = 0;
    let mut differences = Vec::new();
    for row in manifest.lines().skip(1) {
        let path = row.split(',').next().unwrap();
        // Negative cases (files customs rejects) have no inventory to compare.
        let output = customs_in(&["inventory", "--format", "json", path], &corpus, &[]);
        if output.status.code() != Some(0) {
            continue;
        }
        checked += 1;
        for format in Format::ALL {
            differences.extend(
                round_trip(&corpus, &[path], format)
                    .into_iter()
                    .map(|d| format!("{path}: {d}")),
            );
        }
    }
    assert!(checked > 200, "only {checked} corpus files read");
    assert!(
        differences.is_empty(),
        "{} differences:\n{}",
        differences.len(),
        differences
            .iter()
            .take(30)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
