//! PyPI's JSON API (docs.pypi.org/api/json/): `GET {base}{project}/json` describes a project
//! and `GET {base}{project}/{version}/json` one release.
//!
//! What customs reads, and the quirks it allows for:
//! - `releases[version]`: the files of each release. A release has no publish time of its
//!   own: customs takes its earliest file's `upload_time_iso_8601`. A release is yanked
//!   (PEP 592) when all its files are; `yanked_reason` is per file. A release whose files
//!   were all deleted is listed with no files: it cannot be installed, so customs treats it as
//!   absent. PyPI documents `releases` as deprecated in favour of the simple API, yet still
//!   serves it; it is the only place that has yank reasons and upload times together.
//! - `info.version`: the latest release (PyPI's choice: the highest non-prerelease).
//! - The licence of one release is in that release's own document: `info.license_expression`
//!   (PEP 639 metadata), else `info.license` when it is a short single line (many projects
//!   paste their whole licence text there), else the `License ::` trove classifiers.
//!   The project document's `info` describes the latest release only.
//! - `ownership` (added to the JSON API in 2025, and absent from mirrors that copy older
//!   documents): `{"organization": "numpy" | null, "roles": [{"role": "Owner", "user":
//!   "mattip"}, …]}`, the PyPI accounts that may upload releases. Every role counts (owners and
//!   maintainers both upload); the organization, when the project belongs to one, is kept as
//!   `org:NAME` (a `:` is in no user name, so it cannot pass for a user). A project document
//!   without `ownership` names no maintainer: `info.author` and `info.maintainer` are free text
//!   from the package's metadata, not accounts, and are never read as such.

use std::collections::HashMap;

use serde::Deserialize;

use crate::document::{self, Document, Lenient, VersionRecord};

/// Longest `info.license` taken as a licence name rather than a pasted licence text.
const MAX_LICENSE_FIELD: usize = 100;

#[derive(Deserialize)]
struct Project {
    #[serde(default)]
    info: Lenient<ProjectInfo>,
    #[serde(default)]
    releases: HashMap<String, Vec<File>>,
    #[serde(default)]
    ownership: Lenient<Ownership>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Ownership {
    organization: Lenient<String>,
    roles: Lenient<Vec<Lenient<Role>>>,
}

#[derive(Deserialize)]
struct Role {
    user: String,
}

#[derive(Deserialize)]
struct ProjectInfo {
    #[serde(default)]
    version: Lenient<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct File {
    upload_time_iso_8601: Lenient<String>,
    yanked: Lenient<bool>,
    yanked_reason: Lenient<String>,
}

#[derive(Deserialize)]
struct Release {
    info: ReleaseInfo,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReleaseInfo {
    license_expression: Lenient<String>,
    license: Lenient<String>,
    classifiers: Lenient<Vec<String>>,
}

/// Reads a project document.
pub(crate) fn parse_project(body: &[u8]) -> Result<Document, serde_json::Error> {
    let project: Project = document::from_object(body)?;
    let latest = project
        .info
        .0
        .and_then(|info| info.version.0)
        .and_then(|version| document::short(&version));
    let mut versions: Vec<VersionRecord> = project
        .releases
        .into_iter()
        .filter(|(_, files)| !files.is_empty())
        .map(|(version, files)| {
            let published = files
                .iter()
                .filter_map(|file| file.upload_time_iso_8601.0.as_deref())
                .filter_map(document::timestamp)
                .min();
            let yanked = files.iter().all(|file| file.yanked.0 == Some(true));
            let yanked_reason = if yanked {
                files
                    .iter()
                    .filter_map(|file| file.yanked_reason.0.as_deref())
                    .find_map(document::message)
            } else {
                None
            };
            VersionRecord {
                version,
                published,
                yanked,
                yanked_reason,
                ..VersionRecord::default()
            }
        })
        .collect();
    versions.sort_by(|a, b| a.version.cmp(&b.version));
    let maintainers = project.ownership.0.and_then(|ownership| {
        let organization = ownership
            .organization
            .0
            .filter(|name| !name.trim().is_empty())
            .map(|name| format!("org:{}", name.trim()));
        let roles = ownership.roles.0.unwrap_or_default();
        let users = roles
            .iter()
            .filter_map(|role| role.0.as_ref())
            .map(|role| role.user.as_str());
        document::accounts(users.chain(organization.as_deref()))
    });
    Ok(Document {
        latest,
        unpublished: false,
        maintainers,
        versions,
    })
}

/// Reads a release document: the licence the release declares, if any.
pub(crate) fn parse_release_license(body: &[u8]) -> Result<Option<String>, serde_json::Error> {
    let release: Release = document::from_object(body)?;
    let info = release.info;
    if let Some(expression) = info
        .license_expression
        .0
        .as_deref()
        .and_then(document::short)
    {
        return Ok(Some(expression));
    }
    if let Some(license) = info.license.0.as_deref() {
        let license = license.trim();
        let is_a_name = !license.is_empty()
            && !license.contains('\n')
            && license.chars().count() <= MAX_LICENSE_FIELD
            && !license.eq_ignore_ascii_case("UNKNOWN");
        if is_a_name {
            return Ok(document::short(license));
        }
    }
    let classifiers: Vec<&str> = info
        .classifiers
        .0
        .iter()
        .flatten()
        .filter(|classifier| classifier.starts_with("License ::"))
        .filter_map(|classifier| classifier.rsplit("::").next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && *name != "OSI Approved")
        .collect();
    Ok(document::short(&classifiers.join(" OR ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earliest_file_is_the_publish_time_and_all_files_yanked_is_a_yanked_release() {
        let body = br#"{
            "info": {"version": "2.0"},
            "releases": {
                "1.0": [
                    {"upload_time_iso_8601": "2020-01-02T00:00:00.000000Z", "yanked": true, "yanked_reason": "broken"},
                    {"upload_time_iso_8601": "2020-01-01T12:00:00.123456Z", "yanked": true, "yanked_reason": null}
                ],
                "1.5": [
                    {"upload_time_iso_8601": "2020-06-01T00:00:00Z", "yanked": true},
                    {"upload_time_iso_8601": "2020-06-01T00:00:00Z", "yanked": false}
                ],
                "1.9": [],
                "2.0": [{"upload_time_iso_8601": 7}]
            }
        }"#;
        let document = parse_project(body).unwrap();
        assert_eq!(document.latest.as_deref(), Some("2.0"));
        let versions: Vec<&str> = document
            .versions
            .iter()
            .map(|v| v.version.as_str())
            .collect();
        assert_eq!(
            versions,
            ["1.0", "1.5", "2.0"],
            "a release without files is absent"
        );
        let first = &document.versions[0];
        assert_eq!(
            first.published.map(|t| t.to_string()).as_deref(),
            Some("2020-01-01T12:00:00.123456Z")
        );
        assert!(first.yanked);
        assert_eq!(first.yanked_reason.as_deref(), Some("broken"));
        assert!(!document.versions[1].yanked, "one file still installable");
        assert_eq!(document.versions[2].published, None);
    }

    #[test]
    fn ownership_roles_and_organization_are_the_maintainers() {
        let maintainers = |body: &str| parse_project(body.as_bytes()).unwrap().maintainers;
        assert_eq!(
            maintainers(
                r#"{"ownership": {"organization": null, "roles": [
                    {"role": "Owner", "user": "Lukasa"}, {"role": "Maintainer", "user": "nateprewitt"},
                    {"role": "Owner"}, "odd", {"role": "Owner", "user": ["x"]}]},
                    "info": {"author": "Kenneth Reitz", "maintainer": "someone"}}"#
            ),
            Some(vec!["lukasa".to_owned(), "nateprewitt".to_owned()])
        );
        assert_eq!(
            maintainers(r#"{"ownership": {"organization": "Django", "roles": []}}"#),
            Some(vec!["org:django".to_owned()]),
            "a project owned by an organization alone"
        );
        for unknown in [
            r#"{"info": {"author": "Kenneth Reitz", "author_email": "me@kennethreitz.org"}}"#,
            r#"{"ownership": null}"#,
            r#"{"ownership": {"roles": "Lukasa"}}"#,
            r#"{"ownership": {"organization": "", "roles": []}}"#,
        ] {
            assert_eq!(maintainers(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn release_licence_from_expression_then_field_then_classifiers() {
        let license = |body: &str| parse_release_license(body.as_bytes()).unwrap();
        assert_eq!(
            license(r#"{"info": {"license_expression": "MIT OR Apache-2.0", "license": "BSD"}}"#)
                .as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(
            license(r#"{"info": {"license_expression": null, "license": "BSD-3-Clause"}}"#)
                .as_deref(),
            Some("BSD-3-Clause")
        );
        assert_eq!(
            license(
                r#"{"info": {"license": "Copyright (c) ...\n\nPermission is hereby granted", "classifiers": ["Programming Language :: Python", "License :: OSI Approved :: MIT License"]}}"#
            )
            .as_deref(),
            Some("MIT License")
        );
        assert_eq!(license(r#"{"info": {"license": "UNKNOWN"}}"#), None);
        assert!(parse_release_license(b"{}").is_err());
    }
}
