//! Which letter sequences the popular names use: a slip of the fingers or a deliberate garble
//! (`mbjthods`, `pfstcgss`) writes sequences no package name has, while a legitimate
//! near-namesake is spelt like a name (`treeverse` beside `traverse`, `commoner` beside
//! `commander`).
//!
//! The model is a set of letter trigrams, each word of a name framed by its boundaries (so
//! `lodash` gives `^lo`, `lod`, `oda`, `das`, `ash`, `sh$`), kept as a bitset over a 38-symbol
//! alphabet: about 7 KB whatever the list's size.

use crate::forms;

/// Letters, digits, the word boundary and one symbol for anything else.
const SYMBOLS: usize = 38;
const BOUNDARY: u8 = 0;

fn symbol(byte: u8) -> u8 {
    match byte {
        b'a'..=b'z' => byte - b'a' + 1,
        b'A'..=b'Z' => byte - b'A' + 1,
        b'0'..=b'9' => byte - b'0' + 27,
        _ => 37,
    }
}

fn index(trigram: [u8; 3]) -> usize {
    (usize::from(trigram[0]) * SYMBOLS + usize::from(trigram[1])) * SYMBOLS
        + usize::from(trigram[2])
}

/// Calls `each` with every trigram of `name`, word by word, boundaries included.
fn trigrams(name: &str, mut each: impl FnMut([u8; 3])) {
    let mut window = [BOUNDARY; 3];
    for byte in name.bytes().chain([b'-']) {
        if forms::is_separator(char::from(byte)) {
            if window[2] != BOUNDARY {
                // The end of a word.
                each([window[1], window[2], BOUNDARY]);
            }
            window = [BOUNDARY; 3];
            continue;
        }
        window = [window[1], window[2], symbol(byte)];
        if window[1] != BOUNDARY {
            each(window);
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Spelling {
    seen: Vec<u64>,
}

impl Spelling {
    pub(crate) fn build<'a>(names: impl Iterator<Item = &'a str>) -> Self {
        let mut seen = vec![0u64; (SYMBOLS * SYMBOLS * SYMBOLS).div_ceil(64)];
        for name in names {
            trigrams(name, |trigram| {
                let at = index(trigram);
                seen[at / 64] |= 1 << (at % 64);
            });
        }
        Spelling { seen }
    }

    fn has(&self, trigram: [u8; 3]) -> bool {
        let at = index(trigram);
        self.seen[at / 64] & (1 << (at % 64)) != 0
    }

    /// How many trigrams of `candidate` neither `target` nor any popular name has: the
    /// sequences the change from `target` wrote that no name is spelt with.
    pub(crate) fn novel(&self, candidate: &str, target: &str) -> usize {
        let mut own: Vec<[u8; 3]> = Vec::with_capacity(target.len() + 2);
        trigrams(target, |trigram| own.push(trigram));
        let mut count = 0;
        trigrams(candidate, |trigram| {
            if !self.has(trigram) && !own.contains(&trigram) {
                count += 1;
            }
        });
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_framed_by_their_boundaries() {
        let mut seen = Vec::new();
        trigrams("ab-c", |trigram| seen.push(trigram));
        let (a, b, c) = (symbol(b'a'), symbol(b'b'), symbol(b'c'));
        assert_eq!(
            seen,
            [[BOUNDARY, a, b], [a, b, BOUNDARY], [BOUNDARY, c, BOUNDARY]]
        );
    }

    #[test]
    fn garbles_write_sequences_no_name_has() {
        let spelling = Spelling::build(["methods", "traverse", "revert", "diverse"].into_iter());
        assert!(spelling.novel("mbjthods", "methods") >= 2);
        assert_eq!(spelling.novel("methods", "methods"), 0);
        // Spelt from the sequences of listed names.
        assert_eq!(spelling.novel("reverse", "traverse"), 0);
    }
}
