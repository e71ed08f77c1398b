use std::fmt;

use serde::{Deserialize, Serialize};

/// How a name imitates a popular one. Codes are stable (kebab-case) and unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Technique {
    /// Two adjacent letters swapped: `loadsh` for `lodash`.
    Transposition,
    /// A letter replaced by its neighbour on a QWERTY keyboard: `reqiests` for `requests`.
    KeyboardSubstitution,
    /// A letter left out: `reqests` for `requests`, `mongose` for `mongoose`.
    Omission,
    /// Letters doubled, however many times: `requestss`, `colorsss` for `colors`.
    Repetition,
    /// A letter added: `requestsa` for `requests`; the plural `tracings` for `tracing`.
    Insertion,
    /// A letter replaced by another: `requezts` for `requests`.
    Substitution,
    /// A letter whose ASCII code differs by one bit, as memory errors produce (bitsquatting):
    /// `lodasi` (`h` is 0x68, `i` 0x69) for `lodash`.
    BitFlip,
    /// Two edits of a long name: `baeutifulsoup` for `beautifulsoup4`.
    TwoEdits,
    /// Look-alike characters: `c0re-js` for `core-js`, `jeIlyfish` for `jellyfish`, Cyrillic
    /// letters in a Latin name.
    Homoglyph,
    /// Separators added, removed or changed where the registry treats them as different:
    /// `crossenv` for `cross-env`, `lodash-isequal` for `lodash.isequal`.
    Separator,
    /// npm scopes: the scoped name written without its scope (`types-node` for
    /// `@types/node`), a look-alike scope (`@type/node`), or a popular name under a scope
    /// unknown to the popular list (`@evil/lodash`, weak on its own).
    Scope,
    /// A generic word added: `colorama-py`, `axios.js`, `requests-latest`; a version
    /// (`color2.0.0`) or meaningless letters (`jqueryxxx`).
    Affix,
    /// The same words in another order: `env-cross` for `cross-env`.
    WordOrder,
}

impl Technique {
    pub const ALL: [Technique; 13] = [
        Technique::Transposition,
        Technique::KeyboardSubstitution,
        Technique::Omission,
        Technique::Repetition,
        Technique::Insertion,
        Technique::Substitution,
        Technique::BitFlip,
        Technique::TwoEdits,
        Technique::Homoglyph,
        Technique::Separator,
        Technique::Scope,
        Technique::Affix,
        Technique::WordOrder,
    ];

    /// The stable code, as serialized.
    pub fn code(self) -> &'static str {
        match self {
            Technique::Transposition => "transposition",
            Technique::KeyboardSubstitution => "keyboard-substitution",
            Technique::Omission => "omission",
            Technique::Repetition => "repetition",
            Technique::Insertion => "insertion",
            Technique::Substitution => "substitution",
            Technique::BitFlip => "bit-flip",
            Technique::TwoEdits => "two-edits",
            Technique::Homoglyph => "homoglyph",
            Technique::Separator => "separator",
            Technique::Scope => "scope",
            Technique::Affix => "affix",
            Technique::WordOrder => "word-order",
        }
    }
}

impl fmt::Display for Technique {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_match_serde() {
        let mut codes: Vec<&str> = Technique::ALL.iter().map(|t| t.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Technique::ALL.len());
        for technique in Technique::ALL {
            let json = serde_json::to_string(&technique).unwrap();
            assert_eq!(json, format!("\"{}\"", technique.code()));
        }
    }
}
