//! What customs keeps of a registry's answer about one package: per version, the few fields the
//! evidence needs, and who maintains the package. The three wire formats ([`crate::npm`],
//! [`crate::pypi`], [`crate::crates`]) are read into this one shape, which is also what the cache
//! stores.

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// npm install scripts, as bits of [`VersionRecord::scripts`], in the order npm runs them.
pub(crate) const INSTALL_SCRIPTS: [&str; 3] = ["preinstall", "install", "postinstall"];

/// Longest text kept from a registry for a message (a deprecation notice, a yank reason).
const MAX_MESSAGE_CHARS: usize = 1024;
/// Longest text kept for a short field (a licence, a user name, a version).
const MAX_SHORT_CHARS: usize = 256;
/// Most maintainer accounts kept for one package. Real packages have a handful (the largest npm
/// teams a few dozen); the cap only bounds what a hostile document can make customs keep.
const MAX_ACCOUNTS: usize = 256;

/// One package as a registry describes it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Document {
    /// The version the registry calls latest (npm `dist-tags.latest`, PyPI `info.version`);
    /// `None` where it names none (the crates.io index).
    pub latest: Option<String>,
    /// npm: the whole package was unpublished (`time.unpublished`).
    pub unpublished: bool,
    /// The accounts that may publish the package, as [`accounts`] normalises them; `None` where
    /// the document names none (the crates.io index; a PyPI mirror without `ownership`).
    pub maintainers: Option<Vec<String>>,
    pub versions: Vec<VersionRecord>,
}

/// One published version.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct VersionRecord {
    pub version: String,
    pub published: Option<Timestamp>,
    pub yanked: bool,
    pub yanked_reason: Option<String>,
    pub deprecated: Option<String>,
    /// Bits of [`INSTALL_SCRIPTS`].
    pub scripts: u8,
    pub publisher: Option<String>,
    pub provenance: Option<bool>,
    pub license: Option<String>,
}

/// The names of the install scripts in `bits`.
pub(crate) fn script_names(bits: u8) -> Vec<String> {
    INSTALL_SCRIPTS
        .iter()
        .enumerate()
        .filter(|(index, _)| bits & (1 << index) != 0)
        .map(|(_, name)| (*name).to_owned())
        .collect()
}

/// A field that is kept when it has the expected type and dropped otherwise: registries hold
/// years of hand-written metadata (`"license": ["MIT"]`, `"deprecated": false`), and one odd
/// field must not make a whole package unreadable. Only for small fields: the value is
/// buffered.
#[derive(Debug)]
pub(crate) struct Lenient<T>(pub Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Lenient(serde_json::from_value(value).ok()))
    }
}

/// A message cut to a bounded length, on a character boundary; `None` when empty.
pub(crate) fn message(text: &str) -> Option<String> {
    bounded(text, MAX_MESSAGE_CHARS)
}

/// A short field cut to a bounded length; `None` when empty.
pub(crate) fn short(text: &str) -> Option<String> {
    bounded(text, MAX_SHORT_CHARS)
}

fn bounded(text: &str, max_chars: usize) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => Some(format!("{}…", &text[..end])),
        None => Some(text.to_owned()),
    }
}

/// Registry account names as customs compares them: trimmed, lowercased (npm names are
/// lowercase, PyPI user names and GitHub logins are case-insensitive), sorted, without
/// duplicates. A name that is empty, longer than a short field, or holds whitespace or control
/// characters is no account name of any registry and is dropped; at most [`MAX_ACCOUNTS`] are
/// kept. `None` when no name is left: a list of nobody says nothing about who maintains a
/// package.
pub(crate) fn accounts<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Vec<String>> {
    let mut accounts: Vec<String> = names
        .into_iter()
        .map(str::trim)
        .filter(|name| {
            !name.is_empty()
                && name.chars().count() <= MAX_SHORT_CHARS
                && !name.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .take(MAX_ACCOUNTS)
        .map(str::to_lowercase)
        .collect();
    accounts.sort();
    accounts.dedup();
    (!accounts.is_empty()).then_some(accounts)
}

/// Parses a JSON object (serde would also take an array for a struct).
pub(crate) fn from_object<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    let first = body.iter().find(|byte| !byte.is_ascii_whitespace());
    if first != Some(&b'{') {
        return Err(serde::de::Error::custom("expected a JSON object"));
    }
    serde_json::from_slice(body)
}

/// An RFC 3339 time as registries write it; `None` when it does not parse.
pub(crate) fn timestamp(text: &str) -> Option<Timestamp> {
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "é".repeat(2000);
        let cut = message(&long).unwrap_or_default();
        assert_eq!(cut.chars().count(), MAX_MESSAGE_CHARS + 1);
        assert_eq!(message("  "), None);
        assert_eq!(short(" MIT "), Some("MIT".to_owned()));
    }

    #[test]
    fn accounts_are_lowercased_sorted_and_bounded() {
        assert_eq!(
            accounts([
                " Lukasa ",
                "nateprewitt",
                "lukasa",
                "",
                "two words",
                "a\u{7}b"
            ]),
            Some(vec!["lukasa".to_owned(), "nateprewitt".to_owned()])
        );
        assert_eq!(accounts(["", "  "]), None);
        let long = "x".repeat(MAX_SHORT_CHARS + 1);
        assert_eq!(accounts([long.as_str()]), None);
        let many: Vec<String> = (0..10_000).map(|n| format!("user{n}")).collect();
        let kept = accounts(many.iter().map(String::as_str)).unwrap_or_default();
        assert_eq!(kept.len(), MAX_ACCOUNTS);
    }

    #[test]
    fn script_bits_name_scripts_in_npm_order() {
        assert_eq!(script_names(0b101), ["preinstall", "postinstall"]);
        assert!(script_names(0).is_empty());
    }
}
