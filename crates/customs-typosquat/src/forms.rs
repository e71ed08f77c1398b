//! The forms a name is compared under. Each removes one thing an attacker can vary while the
//! name still reads the same:
//!
//! - `bare`: lowercase, with separators (`-`, `_`, `.`) and npm's scope punctuation (`@`, `/`)
//!   removed: `lodash.isequal`, `lodash-isequal` and `@lodash/isequal` share `lodashisequal`.
//! - `skeleton`: `bare` with look-alike characters folded to one prototype (see
//!   [`crate::confusables`]): `c0re-js` and `core-js` share `corejs`.
//! - `words`: the words (split on separators and scope punctuation) sorted, for reordering.

use std::hash::BuildHasher;

use crate::confusables;

pub(crate) fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | '@' | '/')
}

/// Lowercase, separators removed.
pub(crate) fn bare(name: &str) -> String {
    if name.is_ascii() {
        // The common case, without decoding characters.
        let bytes: Vec<u8> = name
            .bytes()
            .filter(|b| !is_separator(char::from(*b)))
            .map(|b| b.to_ascii_lowercase())
            .collect();
        return String::from_utf8(bytes).unwrap_or_default();
    }
    name.chars()
        .filter(|c| !is_separator(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Look-alikes folded, then [`bare`]. Folding runs on the name as written, before lowercasing,
/// because the confusion of `I` with `l` exists only in capitals (`jeIlyfish`).
pub(crate) fn skeleton(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().map(confusables::fold_char) {
        if is_separator(c) {
            continue;
        }
        for lower in c.to_lowercase() {
            // `rn` reads as `m` and `vv` as `w` (confusables::fold_sequences, in one pass).
            match (out.as_bytes().last(), lower) {
                (Some(b'r'), 'n') => {
                    out.pop();
                    out.push('m');
                }
                (Some(b'v'), 'v') => {
                    out.pop();
                    out.push('w');
                }
                _ => out.push(lower),
            }
        }
    }
    out
}

/// Each run of one character written once (on a [`skeleton`]): `colorsss` and `colors` share
/// `colors`, `mongose` and `mongoose` share `mongose`. A doubled or undoubled letter is the
/// commonest slip, and attackers repeat letters many times over (`asynciooo`).
pub(crate) fn collapsed(skeleton: &str) -> String {
    let mut out = String::with_capacity(skeleton.len());
    collapse_into(skeleton, &mut out);
    out
}

/// [`collapsed`] into a buffer the caller reuses.
pub(crate) fn collapse_into(skeleton: &str, out: &mut String) {
    out.clear();
    let mut last = None;
    for c in skeleton.chars() {
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
}

/// Which bytes a string has, one bit for each letter and digit and one shared by the rest: a
/// filter for edit distance. An edit changes the set of bytes present by at most two (a
/// substitution drops one and brings one), a swap not at all, so strings whose sets differ in
/// more than twice `edits` bytes are further apart than `edits`.
pub(crate) fn byte_signature(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |signature, byte| {
        let bit = match byte {
            b'a'..=b'z' => byte - b'a',
            b'0'..=b'9' => byte - b'0' + 26,
            _ => 36 + byte % 27,
        };
        signature | 1 << bit
    })
}

/// Whether two [`byte_signature`]s allow the strings to be within `edits` of each other.
pub(crate) fn signatures_within(a: u64, b: u64, edits: usize) -> bool {
    (a ^ b).count_ones() as usize <= 2 * edits
}

/// The words of a name, lowercase and sorted, joined with `-`; `None` for a single word.
pub(crate) fn sorted_words(name: &str) -> Option<String> {
    let mut words: Vec<String> = name
        .split(is_separator)
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < 2 {
        return None;
    }
    words.sort_unstable();
    Some(words.join("-"))
}

/// A hash of [`sorted_words`] computed without building the string (it runs for every target
/// at start-up); equal sorted words give equal hashes.
pub(crate) fn sorted_words_hash(hasher: &foldhash::fast::RandomState, name: &str) -> Option<u64> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        return sorted_words(name).map(|words| sorted_words_hash_of(hasher, words.split('-')));
    }
    let mut words: Vec<&str> = name.split(is_separator).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return None;
    }
    words.sort_unstable();
    Some(sorted_words_hash_of(hasher, words.into_iter()))
}

fn sorted_words_hash_of<'a>(
    hasher: &foldhash::fast::RandomState,
    words: impl Iterator<Item = &'a str>,
) -> u64 {
    use std::hash::Hasher;
    let mut state = hasher.build_hasher();
    for word in words {
        state.write(word.as_bytes());
        state.write_u8(0xff);
    }
    state.finish()
}

/// npm's `@scope/name` split into its parts.
pub(crate) fn split_scope(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix('@')?;
    let (scope, base) = rest.split_once('/')?;
    (!scope.is_empty() && !base.is_empty()).then_some((scope, base))
}

/// A set of strings that stores only their hashes plus an index into the caller's storage;
/// used where allocating a `String` key per corpus row would dominate start-up time.
#[derive(Debug, Clone)]
pub(crate) struct HashIndex {
    hasher: foldhash::fast::RandomState,
    entries: Vec<(u64, u32)>,
}

impl HashIndex {
    pub(crate) fn new(hasher: foldhash::fast::RandomState, mut entries: Vec<(u64, u32)>) -> Self {
        entries.sort_unstable();
        entries.dedup();
        HashIndex { hasher, entries }
    }

    pub(crate) fn hash(hasher: &foldhash::fast::RandomState, key: &str) -> u64 {
        hasher.hash_one(key)
    }

    /// The hash of `key` lowercased, allocating only when it has capitals.
    pub(crate) fn hash_lowercase(hasher: &foldhash::fast::RandomState, key: &str) -> u64 {
        if key.bytes().any(|b| b.is_ascii_uppercase()) {
            Self::hash(hasher, &key.to_ascii_lowercase())
        } else {
            Self::hash(hasher, key)
        }
    }

    /// The ids stored under `key`'s hash. Callers verify the key itself: a hash collision
    /// only ever costs a comparison, never a wrong answer.
    pub(crate) fn get(&self, key: &str) -> impl Iterator<Item = u32> + '_ {
        let hash = Self::hash(&self.hasher, key);
        self.get_hash(hash)
    }

    pub(crate) fn get_hash(&self, hash: u64) -> impl Iterator<Item = u32> + '_ {
        let start = self.entries.partition_point(|entry| entry.0 < hash);
        self.entries[start..]
            .iter()
            .take_while(move |entry| entry.0 == hash)
            .map(|entry| entry.1)
    }
}

/// Which strings have been seen, for duplicate detection while parsing.
pub(crate) struct KeySet {
    seen: std::collections::HashSet<String, foldhash::fast::RandomState>,
}

impl KeySet {
    pub(crate) fn with_capacity(capacity: usize) -> Self {
        KeySet {
            seen: std::collections::HashSet::with_capacity_and_hasher(capacity, Default::default()),
        }
    }

    /// `true` when `key` was not there yet.
    pub(crate) fn insert(&mut self, key: &str) -> bool {
        if self.seen.contains(key) {
            return false;
        }
        self.seen.insert(key.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_remove_what_attackers_vary() {
        assert_eq!(bare("Lodash.isEqual"), "lodashisequal");
        assert_eq!(bare("@types/node"), "typesnode");
        assert_eq!(skeleton("c0re-js"), "corejs");
        assert_eq!(skeleton("jeIlyfish"), "jellyfish");
        assert_eq!(skeleton("rnoment"), "moment");
        assert_eq!(collapsed("colorsss"), "colors");
        assert_eq!(collapsed("mongoose"), collapsed("mongose"));
        assert_eq!(sorted_words("parse-json").as_deref(), Some("json-parse"));
        assert_eq!(sorted_words("lodash"), None);
        assert_eq!(split_scope("@babel/core"), Some(("babel", "core")));
        assert_eq!(split_scope("@babel"), None);
        assert_eq!(split_scope("babel/core"), None);
    }

    proptest::proptest! {
        // The signature filter never rejects strings within the distance.
        #[test]
        fn signatures_never_reject_near_strings(
            a in "[a-e0-9.\u{e9}]{0,10}",
            b in "[a-e0-9.\u{e9}]{0,10}",
            edits in 0usize..4,
        ) {
            if crate::distance::osa_within(a.as_bytes(), b.as_bytes(), edits).is_some() {
                proptest::prop_assert!(signatures_within(
                    byte_signature(a.as_bytes()),
                    byte_signature(b.as_bytes()),
                    edits
                ));
            }
        }
    }

    #[test]
    fn one_pass_skeleton_matches_its_definition() {
        for name in [
            "rnoment", "vvebpack", "r-n", "rrn", "vvv", "c0re-JS", "Iodash", "аxios",
        ] {
            let folded: String = name.chars().map(confusables::fold_char).collect();
            assert_eq!(
                skeleton(name),
                confusables::fold_sequences(&bare(&folded)),
                "{name}"
            );
        }
    }
}
