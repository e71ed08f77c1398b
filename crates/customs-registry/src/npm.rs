//! npm packuments: `GET {registry}{name}` (a scoped name as `@scope%2fname`) with
//! `Accept: application/json` returns the full document ("packument") described in the npm
//! registry's API documentation (github.com/npm/registry, `docs/REGISTRY-API.md` and
//! `docs/responses/package-metadata.md`).
//!
//! What customs reads, and the quirks it allows for:
//! - `time[version]`: the publish time of each version. `time` also holds `created` and
//!   `modified`, and, when the whole package was unpublished, `unpublished` (an object naming
//!   the versions that were removed; `versions` is then absent).
//! - `versions[version]`: the published `package.json` of each version: `scripts`
//!   (`preinstall`, `install`, `postinstall` run at install), `gypfile` (npm adds an implied
//!   `install: node-gyp rebuild` when a package has a `binding.gyp` and no install or
//!   preinstall script), `_npmUser.name` (who published it), `deprecated` (the message; an
//!   empty string means the deprecation was lifted), `dist.attestations` (present when the
//!   version was published with provenance), `license` (a string, or the legacy `{type}`
//!   object) or the older `licenses` array.
//! - `dist-tags.latest`.
//! - `maintainers`: the accounts that may publish the package now, `[{"name", "email"}]`, which
//!   the registry keeps (unlike the `author` and `maintainers` a `package.json` may declare,
//!   which are free text). Only objects with a string `name` are read; the e-mail addresses are
//!   not kept. A registry that serves none there (Verdaccio keeps them per version only; some
//!   mirrors trim packuments) leaves the maintainers unknown: the `maintainers` of a version are
//!   not read in their place, since they are who maintained it then.
//! - A package that exists but holds only `0.0.1-security` is npm's placeholder for a package
//!   taken down for security reasons.
//!
//! Packuments of popular packages run to tens of megabytes: only these fields are
//! deserialized (serde skips the rest without building it), and the body is capped before
//! parsing.

use std::collections::HashMap;

use serde::Deserialize;

use crate::document::{self, Document, Lenient, VersionRecord};

/// The version npm publishes in place of a package removed for security reasons.
pub(crate) const SECURITY_PLACEHOLDER: &str = "0.0.1-security";

#[derive(Deserialize)]
struct Packument {
    #[serde(rename = "dist-tags", default)]
    dist_tags: Lenient<HashMap<String, Lenient<String>>>,
    #[serde(default)]
    time: Lenient<HashMap<String, Lenient<String>>>,
    #[serde(default)]
    versions: HashMap<String, Manifest>,
    #[serde(default)]
    maintainers: Lenient<Vec<Lenient<NpmUser>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Manifest {
    scripts: Lenient<HashMap<String, serde_json::Value>>,
    gypfile: Lenient<bool>,
    #[serde(rename = "_npmUser")]
    npm_user: Lenient<NpmUser>,
    deprecated: Lenient<String>,
    dist: Lenient<Dist>,
    license: Lenient<License>,
    licenses: Lenient<Vec<License>>,
}

#[derive(Deserialize)]
struct NpmUser {
    name: String,
}

#[derive(Deserialize)]
struct Dist {
    #[serde(default)]
    attestations: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum License {
    Text(String),
    Object {
        #[serde(rename = "type")]
        kind: String,
    },
}

impl License {
    fn text(&self) -> &str {
        match self {
            License::Text(text) => text,
            License::Object { kind } => kind,
        }
    }
}

/// Reads a packument.
pub(crate) fn parse(body: &[u8]) -> Result<Document, serde_json::Error> {
    let packument: Packument = document::from_object(body)?;
    let times = packument.time.0.unwrap_or_default();
    let unpublished = times.contains_key("unpublished");
    let latest = packument
        .dist_tags
        .0
        .and_then(|mut tags| tags.remove("latest"))
        .and_then(|tag| tag.0)
        .and_then(|tag| document::short(&tag));
    let mut versions: Vec<VersionRecord> = packument
        .versions
        .into_iter()
        .map(|(version, manifest)| {
            let published = times
                .get(&version)
                .and_then(|time| time.0.as_deref())
                .and_then(document::timestamp);
            record(version, manifest, published)
        })
        .collect();
    versions.sort_by(|a, b| a.version.cmp(&b.version));
    let maintainers = packument.maintainers.0.and_then(|maintainers| {
        document::accounts(
            maintainers
                .iter()
                .filter_map(|maintainer| maintainer.0.as_ref())
                .map(|maintainer| maintainer.name.as_str()),
        )
    });
    Ok(Document {
        latest,
        unpublished,
        maintainers,
        versions,
    })
}

fn record(
    version: String,
    manifest: Manifest,
    published: Option<jiff::Timestamp>,
) -> VersionRecord {
    let scripts = manifest.scripts.0.unwrap_or_default();
    let declared = |name: &str| {
        scripts
            .get(name)
            .and_then(serde_json::Value::as_str)
            .is_some_and(|command| !command.trim().is_empty())
    };
    let mut bits = 0u8;
    for (index, name) in document::INSTALL_SCRIPTS.iter().enumerate() {
        if declared(name) {
            bits |= 1 << index;
        }
    }
    // npm runs `node-gyp rebuild` as the install script of a package with a binding.gyp and
    // neither an install nor a preinstall script of its own.
    let preinstall_or_install = 0b011;
    if manifest.gypfile.0 == Some(true) && bits & preinstall_or_install == 0 {
        bits |= 0b010;
    }
    let license = match (manifest.license.0, manifest.licenses.0) {
        (Some(license), _) => document::short(license.text()),
        (None, Some(licenses)) if !licenses.is_empty() => {
            let texts: Vec<&str> = licenses.iter().map(License::text).collect();
            document::short(&texts.join(" OR "))
        }
        _ => None,
    };
    VersionRecord {
        published,
        yanked: false,
        yanked_reason: None,
        deprecated: manifest.deprecated.0.as_deref().and_then(document::message),
        scripts: bits,
        publisher: manifest
            .npm_user
            .0
            .and_then(|user| document::short(&user.name)),
        provenance: Some(
            manifest
                .dist
                .0
                .is_some_and(|dist| dist.attestations.is_some()),
        ),
        license,
        version,
    }
}

/// Whether a package holds nothing but npm's security placeholder.
pub(crate) fn is_security_placeholder(document: &Document) -> bool {
    !document.versions.is_empty()
        && document
            .versions
            .iter()
            .all(|record| record.version == SECURITY_PLACEHOLDER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_fields_evidence_needs_and_tolerates_odd_ones() {
        let body = br#"{
            "name": "demo",
            "dist-tags": {"latest": "1.1.0", "next": 3},
            "time": {"created": "2020-01-01T00:00:00.000Z", "1.0.0": "2020-01-02T03:04:05.678Z", "1.1.0": "nonsense"},
            "versions": {
                "1.0.0": {"license": {"type": "MIT"}, "_npmUser": {"name": "alice"}, "deprecated": "",
                          "scripts": {"test": "x", "postinstall": "node p.js", "install": ""}, "dist": {"shasum": "x"}},
                "1.1.0": {"license": ["weird"], "_npmUser": "bob", "deprecated": "use other",
                          "gypfile": true, "dist": {"attestations": {"url": "u"}}, "readme": "long"}
            },
            "readme": "ignored"
        }"#;
        let document = parse(body).unwrap();
        assert_eq!(document.latest.as_deref(), Some("1.1.0"));
        assert!(!document.unpublished);
        let [first, second] = document.versions.as_slice() else {
            panic!("two versions expected: {document:?}");
        };
        assert_eq!(first.version, "1.0.0");
        assert_eq!(
            first.published.map(|t| t.to_string()).as_deref(),
            Some("2020-01-02T03:04:05.678Z")
        );
        assert_eq!(first.license.as_deref(), Some("MIT"));
        assert_eq!(first.publisher.as_deref(), Some("alice"));
        assert_eq!(first.deprecated, None);
        assert_eq!(first.scripts, 0b100);
        assert_eq!(first.provenance, Some(false));
        assert_eq!(second.published, None);
        assert_eq!(second.license, None);
        assert_eq!(second.publisher, None);
        assert_eq!(second.deprecated.as_deref(), Some("use other"));
        assert_eq!(second.scripts, 0b010, "install implied by gypfile");
        assert_eq!(second.provenance, Some(true));
    }

    #[test]
    fn maintainers_are_the_registry_accounts_only() {
        let document = parse(
            br#"{
                "maintainers": [{"name": "JDalton", "email": "j@example.com"}, {"name": "mathias"},
                                "free text <x@example.com>", {"email": "no-name@example.com"}, {"name": 7}],
                "author": {"name": "someone else"},
                "versions": {"1.0.0": {"maintainers": [{"name": "old"}]}}
            }"#,
        )
        .unwrap();
        assert_eq!(
            document.maintainers,
            Some(vec!["jdalton".to_owned(), "mathias".to_owned()])
        );
        for unknown in [
            br#"{"versions": {}}"#.as_slice(),
            br#"{"maintainers": "jdalton"}"#,
            br#"{"maintainers": []}"#,
            br#"{"maintainers": [{"name": ""}]}"#,
        ] {
            let document = parse(unknown).unwrap();
            assert_eq!(
                document.maintainers,
                None,
                "{}",
                String::from_utf8_lossy(unknown)
            );
        }
    }

    #[test]
    fn unpublished_packages_and_placeholders() {
        let unpublished = parse(
            br#"{"time": {"unpublished": {"time": "2021-01-01T00:00:00Z", "versions": ["1.0.0"]}}}"#,
        )
        .unwrap();
        assert!(unpublished.unpublished);
        assert!(unpublished.versions.is_empty());
        let placeholder = parse(
            br#"{"versions": {"0.0.1-security": {}}, "dist-tags": {"latest": "0.0.1-security"}}"#,
        )
        .unwrap();
        assert!(is_security_placeholder(&placeholder));
        assert!(!is_security_placeholder(&unpublished));
    }

    #[test]
    fn malformed_packuments_are_errors() {
        assert!(parse(b"<html>").is_err());
        assert!(parse(br#"{"versions": {"1.0.0": "not an object"}}"#).is_err());
        assert!(parse(b"[]").is_err());
    }
}
