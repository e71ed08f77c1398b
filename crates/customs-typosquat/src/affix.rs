//! Words that attackers add to a popular name to make a "variant" of it (`colorama-py`,
//! `axios.js`, `requests-latest`, `webpack-cli-v4`). These are generic words, chosen because they
//! say nothing about what a package does; a name that adds a real word (`lodash-electron`) is a
//! new package, not an imitation, and is not flagged.

use customs_core::Ecosystem;

/// How much an added word makes a name look like a variant of the popular one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Strength {
    /// Packaging words that legitimate companion packages use too (`eslint-utils`,
    /// `webpack-cli`): scored low, so they flag only together with other evidence.
    Weak,
    /// The registry's own language (`py` on PyPI, `js` on npm, `rs` on crates.io): how a binding
    /// or port of a project is named there (`pyqrcode`, `node-sass`, `vecmap-rs`) as often as
    /// an imitation.
    Own,
    /// Language and platform markers, versions and release words (`-py`, `.js`, `-v4`,
    /// `-latest`): what the popular package itself would be called elsewhere.
    Strong,
}

/// Generic words, with how strongly each marks a variant (the registry's own language aside:
/// see [`is_own_language`]).
pub(crate) const WORDS: &[(&str, Strength)] = &[
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
    ("real", Strength::Weak),
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
    ("pkgs", Strength::Weak),
    ("package", Strength::Weak),
    ("packages", Strength::Weak),
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
    ("devs", Strength::Weak),
    ("help", Strength::Weak),
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

/// Whether `word` names the language of `ecosystem`'s packages.
pub(crate) fn is_own_language(ecosystem: Ecosystem, word: &str) -> bool {
    let own: &[&str] = match ecosystem {
        Ecosystem::Npm => &["js", "node", "nodejs"],
        Ecosystem::PyPI => &["py", "py3", "python", "python3"],
        Ecosystem::CratesIo => &["rs", "rust"],
    };
    own.contains(&word)
}

/// Affixes glued to a name without a separator (`coloredpy`, `pythonhttpx`, `ethersjs`): only
/// the unambiguous language markers, longest first, since glued packaging words
/// (`bcryptutils`) also occur inside real words.
pub(crate) const GLUED: &[&str] = &[
    "python3", "python", "nodejs", "node", "py3", "py", "js", "rs", "lib", "utils",
];

/// A trailing version of two or more numbers, glued on or not (`color2.0.0`, `cors-2.8.5`,
/// `eslint7_0`): the name before it. Unlike a single glued number (`pypdf2`), a dotted version
/// is never part of a package's own name.
pub(crate) fn strip_dotted_version<'a>(name: &'a str) -> Option<&'a str> {
    let is_separator = |b: u8| matches!(b, b'-' | b'_' | b'.');
    let bytes = name.as_bytes();
    let mut start = bytes.len();
    let mut groups = 0;
    while start > 0 {
        let end = start;
        while start > 0 && bytes[start - 1].is_ascii_digit() {
            start -= 1;
        }
        if start == end {
            break;
        }
        groups += 1;
        if start > 0 && is_separator(bytes[start - 1]) {
            start -= 1;
        } else {
            break;
        }
    }
    let trim = |stem: &'a str| stem.trim_end_matches(|c: char| is_separator(c as u8));
    let stem = trim(&name[..start]);
    // `express-v4.1`: a `v` after a separator belongs to the version.
    let stem = match stem.strip_suffix('v') {
        Some(before) if before.ends_with(['-', '_', '.']) => trim(before),
        _ => stem,
    };
    (groups >= 2 && stem.len() >= 3).then_some(stem)
}

/// Meaningless letters added to a name (`jqueryxxx`, `ethers-aaa`, `fstreamlalala`): one
/// letter three times or more, or two letters repeated (`lala`). Acronyms drawn from two
/// letters (`ssh`, `cpp`, `scss`) repeat no pattern.
pub(crate) fn is_filler(word: &str) -> bool {
    let bytes = word.as_bytes();
    if bytes.len() < 3 || !bytes.iter().all(u8::is_ascii_lowercase) {
        return false;
    }
    let repeats = |period: usize| {
        bytes
            .iter()
            .enumerate()
            .all(|(at, byte)| *byte == bytes[at % period])
    };
    repeats(1) || (bytes.len() >= 4 && bytes[0] != bytes[1] && repeats(2))
}

/// Where meaningless letters glued to the end of `name` start (`jqueryxxx` at 6), the
/// longest such run, leaving at least four characters before it.
pub(crate) fn filler_tail(name: &str) -> Option<usize> {
    let bytes = name.as_bytes();
    let length = bytes.len();
    if length < 7 || bytes[length - 1] != bytes[length - 3] {
        // Every filler ends in `xxx` or `lal`: most names are rejected here.
        return None;
    }
    (4..=length - 3).find(|start| name.is_char_boundary(*start) && is_filler(&name[*start..]))
}

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
        assert!(is_own_language(Ecosystem::PyPI, "py"));
        assert!(!is_own_language(Ecosystem::Npm, "py"));
        assert_eq!(strip_dotted_version("color2.0.0"), Some("color"));
        assert_eq!(strip_dotted_version("cors-2.8.5"), Some("cors"));
        assert_eq!(strip_dotted_version("express-v4.1"), Some("express"));
        assert_eq!(strip_dotted_version("requests2"), None);
        assert_eq!(strip_dotted_version("base-64"), None);
        assert!(is_filler("xxx") && is_filler("lalala") && is_filler("sasasa"));
        for word in [
            "io", "abc", "x64", "ssh", "cpp", "scss", "odoo", "ama", "lala1", "xx",
        ] {
            assert!(!is_filler(word), "{word}");
        }
        assert_eq!(filler_tail("jqueryxxx"), Some(6));
        assert_eq!(filler_tail("fstreamlalala"), Some(7));
        assert_eq!(filler_tail("lodash"), None);
    }
}
