//! The words of the listed names: whether a name is made of words, and which unscoped
//! naming conventions a family of packages follows.

use crate::forms::{self, HashIndex};

/// The words (three letters or more) of every listed name, as hashes: enough to ask whether a
/// name splits into known words, at the cost of one sorted vector.
#[derive(Debug, Clone)]
pub(crate) struct Vocabulary {
    hasher: foldhash::fast::RandomState,
    words: Vec<u64>,
    /// First words of unscoped names with more words after them, one hash per name.
    leading: Vec<u64>,
}

impl Vocabulary {
    const MIN_WORD: usize = 3;
    /// Longest word tried when splitting a name; longer runs are not split.
    const MAX_WORD: usize = 24;

    pub(crate) fn build<'a>(
        hasher: &foldhash::fast::RandomState,
        names: impl Iterator<Item = &'a str>,
    ) -> Self {
        let mut words: Vec<u64> = Vec::new();
        let mut leading: Vec<u64> = Vec::new();
        for name in names {
            if !name.starts_with('@')
                && let Some((first, _)) = name.split_once(forms::is_separator)
            {
                leading.push(HashIndex::hash_lowercase(hasher, first));
            }
            for word in name.split(forms::is_separator) {
                if (Self::MIN_WORD..=Self::MAX_WORD).contains(&word.len())
                    && !word.bytes().all(|b| b.is_ascii_digit())
                {
                    words.push(HashIndex::hash_lowercase(hasher, word));
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        leading.sort_unstable();
        Vocabulary {
            hasher: hasher.clone(),
            words,
            leading,
        }
    }

    /// Whether at least three listed unscoped names start with `name`'s first word.
    pub(crate) fn leads_unscoped_names(&self, name: &str) -> bool {
        let Some((first, _)) = name.split_once(forms::is_separator) else {
            return false;
        };
        let hash = HashIndex::hash_lowercase(&self.hasher, first);
        let start = self.leading.partition_point(|listed| *listed < hash);
        self.leading[start..]
            .iter()
            .take_while(|listed| **listed == hash)
            .count()
            >= 3
    }

    /// Whether `word` (lowercase) is a word of a listed name.
    pub(crate) fn contains(&self, word: &str) -> bool {
        self.words
            .binary_search(&HashIndex::hash(&self.hasher, word))
            .is_ok()
    }

    /// Whether every word of `name` is a known word, or known words and digits run together.
    pub(crate) fn explains(&self, name: &str) -> bool {
        name.split(forms::is_separator)
            .filter(|word| !word.is_empty())
            .all(|word| self.splits(&word.to_ascii_lowercase()))
    }

    fn splits(&self, word: &str) -> bool {
        let bytes = word.as_bytes();
        if !word.is_ascii() || bytes.len() > 64 {
            return false;
        }
        // reachable[i]: word[..i] splits into known words and digit runs.
        let mut reachable = [false; 65];
        reachable[0] = true;
        for end in 1..=bytes.len() {
            let earliest = end.saturating_sub(Self::MAX_WORD);
            reachable[end] = (earliest..end).any(|start| {
                reachable[start] && {
                    let piece = &word[start..end];
                    piece.bytes().all(|b| b.is_ascii_digit())
                        || (piece.len() >= Self::MIN_WORD && self.contains(piece))
                }
            });
        }
        reachable[bytes.len()]
    }
}
