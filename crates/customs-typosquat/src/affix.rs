//! Words that attackers add to a popular name to make a "variant" of it (`colorama-py`,
//! `axios.js`, `requests-latest`, `webpack-cli-v4`). These are generic words, chosen because they
//! say nothing about what a package does; a name that adds a real word (`lodash-electron`) is a
//! new package, not an imitation, and is not flagged.

/// How much an added word makes a name look like a variant of the popular one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// Packaging words that legitimate companion packages use too (`eslint-utils`,
    /// `webpack-cli`): scored low, so they flag only together with other evidence.
    Weak,
    /// Language and platform markers, versions and release words (`-py`, `.js`, `-v4`,
    /// `-latest`): what the popular package itself would be called elsewhere.
    Strong,
}

/// Generic words, with how strongly each marks a variant.
const WORDS: &[(&str, Strength)] = &[
    // Languages and platforms: the popular package "for" this language.
    ("py", Strength::Strong),
    ("py3", Strength::Strong),
    ("python", Strength::Strong),
    ("python3", Strength::Strong),
    ("js", Strength::Strong),
    ("node", Strength::Strong),
    ("nodejs", Strength::Strong),
    ("rs", Strength::Strong),
    ("rust", Strength::Strong),
    ("x64", Strength::Strong),
    // Release words: a newer, fixed or official copy.
    ("latest", Strength::Strong),
    ("lastest", Strength::Strong),
    ("new", Strength::Strong),
    ("update", Strength::Strong),
    ("updated", Strength::Strong),
    ("upgrade", Strength::Strong),
    ("fix", Strength::Strong),
    ("fixed", Strength::Strong),
    ("official", Strength::Strong),
    ("legacy", Strength::Strong),
    ("old", Strength::Strong),
    ("older", Strength::Strong),
    // Packaging words: legitimate companions use these as well.
    ("ts", Strength::Weak),
    ("cjs", Strength::Weak),
    ("esm", Strength::Weak),
    ("lib", Strength::Weak),
    ("libs", Strength::Weak),
    ("library", Strength::Weak),
    ("pkg", Strength::Weak),
    ("sdk", Strength::Weak),
    ("api", Strength::Weak),
    ("cli", Strength::Weak),
    ("core", Strength::Weak),
    ("sys", Strength::Weak),
    ("util", Strength::Weak),
    ("utils", Strength::Weak),
    ("tool", Strength::Weak),
    ("tools", Strength::Weak),
    ("toolkit", Strength::Weak),
    ("helper", Strength::Weak),
    ("helpers", Strength::Weak),
    ("dev", Strength::Weak),
    ("beta", Strength::Weak),
    ("next", Strength::Weak),
    ("pro", Strength::Weak),
    ("plus", Strength::Weak),
    ("main", Strength::Weak),
    ("master", Strength::Weak),
];

/// The strength of `word` as an affix: a listed word, or a version (`2`, `v4`, `1.0.0` written
/// as its digits).
pub(crate) fn strength(word: &str) -> Option<Strength> {
    if is_version(word) {
        return Some(Strength::Strong);
    }
    WORDS
        .iter()
        .find(|(listed, _)| *listed == word)
        .map(|(_, strength)| *strength)
}

fn is_version(word: &str) -> bool {
    let digits = word.strip_prefix('v').unwrap_or(word);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Affixes glued to a name without a separator (`coloredpy`, `pythonhttpx`, `ethersjs`): only
/// the unambiguous language markers, longest first, since glued packaging words
/// (`bcryptutils`) also occur inside real words.
pub(crate) const GLUED: &[&str] = &[
    "python3", "python", "nodejs", "node", "py3", "py", "js", "rs", "lib", "utils",
];

/// A trailing version glued to a name (`requests2`, `telethon2`, `colors2.0`'s bare `colors20`):
/// the name without it, when what remains is long enough to mean something.
pub(crate) fn strip_glued_version(bare: &str) -> Option<&str> {
    let stem = bare.trim_end_matches(|c: char| c.is_ascii_digit());
    let stem = stem.strip_suffix('v').unwrap_or(stem);
    (stem.len() < bare.len() && stem.len() >= 4).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_unique_and_lowercase() {
        let mut words: Vec<&str> = WORDS.iter().map(|(word, _)| *word).collect();
        words.sort_unstable();
        let count = words.len();
        words.dedup();
        assert_eq!(words.len(), count);
        assert!(words.iter().all(|word| *word == word.to_lowercase()));
    }

    #[test]
    fn versions_are_strong_affixes() {
        assert_eq!(strength("v4"), Some(Strength::Strong));
        assert_eq!(strength("2"), Some(Strength::Strong));
        assert_eq!(strength("utils"), Some(Strength::Weak));
        assert_eq!(strength("electron"), None);
        assert_eq!(strength("v"), None);
        assert_eq!(strip_glued_version("requests2"), Some("requests"));
        assert_eq!(strip_glued_version("bs58"), None);
    }
}
