//! The crates.io sparse index (the Cargo Book, "Registry Index"; RFC 2789): `GET
//! {index}{path}` where the path depends on the lowercased name's length: `1/{name}`,
//! `2/{name}`, `3/{first character}/{name}`, else `{first two}/{next two}/{name}`. The file
//! holds one JSON object per published version, one per line.
//!
//! What customs reads: `vers`, `yanked`, and `pubtime` (RFC 3339; crates.io added it in 2025,
//! so older releases have none). The index has no licence and no "latest": customs takes the
//! highest non-yanked, non-prerelease version as latest. Like Cargo, lines it cannot read are
//! skipped (future index versions may add shapes); a file none of whose lines can be read is
//! malformed.
//!
//! The index names no owners. They are in the crates.io API: `GET {api}crates/{name}/owners`
//! answers `{"users": [{"id": 3618, "login": "dtolnay", "kind": "user", "name": "David Tolnay",
//! …}, {"login": "github:rust-lang:libs", "kind": "team", …}]}`, the accounts that may publish
//! the crate. customs keeps the `login`s (GitHub logins, a team as `github:ORG:TEAM`, so a team
//! cannot pass for a user); an answer without a `users` array is malformed. The API is another
//! host than the index, with a crawler policy of its own (a User-Agent naming the tool, at most
//! one request a second): it is only asked about the few names a typosquat check suspects, never
//! about every locked crate.

use serde::Deserialize;

use crate::document::{self, Document, Lenient, VersionRecord};

#[derive(Deserialize)]
struct Owners {
    users: Vec<Lenient<Owner>>,
}

#[derive(Deserialize)]
struct Owner {
    login: String,
}

#[derive(Deserialize)]
struct Line {
    vers: String,
    #[serde(default)]
    yanked: Lenient<bool>,
    #[serde(default)]
    pubtime: Lenient<String>,
}

/// Why an index file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("no line of the index file is a version entry (first error: {first})")]
pub(crate) struct MalformedIndex {
    first: String,
}

/// The API path of a crate's owners, below the API base.
pub(crate) fn owners_path(name: &str) -> String {
    format!("crates/{name}/owners")
}

/// Reads an owners answer: the owners' logins, `None` when it lists nobody.
pub(crate) fn parse_owners(body: &[u8]) -> Result<Option<Vec<String>>, serde_json::Error> {
    let owners: Owners = document::from_object(body)?;
    Ok(document::accounts(
        owners
            .users
            .iter()
            .filter_map(|owner| owner.0.as_ref())
            .map(|owner| owner.login.as_str()),
    ))
}

/// The index path of a crate (lowercased, as the index stores it).
pub(crate) fn index_path(name: &str) -> String {
    let name = name.to_lowercase();
    let prefix = |range: std::ops::Range<usize>| -> String {
        name.chars()
            .skip(range.start)
            .take(range.end - range.start)
            .collect()
    };
    match name.chars().count() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", prefix(0..1)),
        _ => format!("{}/{}/{name}", prefix(0..2), prefix(2..4)),
    }
}

/// Reads an index file.
pub(crate) fn parse(body: &[u8]) -> Result<Document, MalformedIndex> {
    let mut versions = Vec::new();
    let mut first_error = None;
    for line in body.split(|&byte| byte == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Line>(line) {
            Ok(line) => {
                let Some(version) = document::short(&line.vers) else {
                    continue;
                };
                versions.push(VersionRecord {
                    version,
                    published: line.pubtime.0.as_deref().and_then(document::timestamp),
                    yanked: line.yanked.0 == Some(true),
                    ..VersionRecord::default()
                });
            }
            Err(error) => {
                first_error.get_or_insert_with(|| error.to_string());
            }
        }
    }
    if versions.is_empty()
        && let Some(first) = first_error
    {
        return Err(MalformedIndex { first });
    }
    versions.sort_by(|a, b| a.version.cmp(&b.version));
    versions.dedup_by(|a, b| a.version == b.version);
    Ok(Document {
        latest: None,
        unpublished: false,
        maintainers: None,
        versions,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_the_name_length_layout() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("xz"), "2/xz");
        assert_eq!(index_path("Syn"), "3/s/syn");
        assert_eq!(index_path("serde_json"), "se/rd/serde_json");
    }

    #[test]
    fn owners_are_user_and_team_logins() {
        let body = br#"{"users": [
            {"id": 3618, "login": "dtolnay", "kind": "user", "name": "David Tolnay", "avatar": "x"},
            {"id": 1, "login": "github:serde-rs:Publish", "kind": "team", "name": "publish"},
            {"id": 2, "kind": "user"}, "odd"
        ]}"#;
        assert_eq!(
            parse_owners(body).unwrap(),
            Some(vec![
                "dtolnay".to_owned(),
                "github:serde-rs:publish".to_owned()
            ])
        );
        assert_eq!(parse_owners(br#"{"users": []}"#).unwrap(), None);
        for malformed in [
            br#"{"errors": [{"detail": "Not Found"}]}"#.as_slice(),
            br#"{"users": {"login": "dtolnay"}}"#,
            b"[]",
            b"<html>",
            b"",
        ] {
            assert!(
                parse_owners(malformed).is_err(),
                "{}",
                String::from_utf8_lossy(malformed)
            );
        }
    }

    #[test]
    fn reads_lines_and_skips_unknown_ones() {
        let body = concat!(
            r#"{"name":"a","vers":"1.0.0","deps":[],"cksum":"x","features":{},"yanked":false}"#,
            "\n",
            r#"{"name":"a","vers":"1.1.0","deps":[],"cksum":"y","features":{},"yanked":true,"pubtime":"2025-07-01T10:00:00Z"}"#,
            "\n{\"future\": 1}\n\n"
        );
        let document = parse(body.as_bytes()).unwrap();
        assert_eq!(document.versions.len(), 2);
        assert_eq!(document.versions[0].published, None);
        assert!(document.versions[1].yanked);
        assert_eq!(
            document.versions[1]
                .published
                .map(|t| t.to_string())
                .as_deref(),
            Some("2025-07-01T10:00:00Z")
        );
        assert!(parse(b"<html>not an index</html>").is_err());
        assert!(parse(b"").unwrap().versions.is_empty());
    }
}
