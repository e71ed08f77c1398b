//! Look-alike characters, folded to one prototype so that `c0re-js` and `core-js` compare equal.
//!
//! A small table of our own rather than the Unicode confusables data: package names on npm,
//! PyPI and crates.io are ASCII (the registries refuse anything else), so the confusions that
//! matter are the ASCII ones (`0`/`o`, `1`/`l`/`I`, `rn`/`m`, `vv`/`w`), plus the Cyrillic and
//! Greek letters that render exactly like Latin ones, which can only reach us through a hand-
//! edited lockfile and are suspicious in themselves. (`unicode-security`'s skeleton covers all
//! of Unicode but does not fold digits into letters, which is the confusion we see most.)

/// One character's prototype. `I` folds to `l` here, before lowercasing, because the two are
/// indistinguishable only as a capital.
pub(crate) fn fold_char(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | 'I' | '|' | 'ǀ' | 'ℓ' | 'Ι' | 'І' | 'Ӏ' | 'ӏ' => 'l',
        'ı' | 'і' | 'ι' => 'i',
        // Cyrillic.
        'а' | 'А' | 'α' | 'Α' => 'a',
        'В' | 'Β' => 'b',
        'с' | 'С' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'Е' | 'Ε' | 'ё' => 'e',
        'ɡ' => 'g',
        'һ' | 'Н' | 'Η' => 'h',
        'ј' | 'Ј' => 'j',
        'К' | 'Κ' | 'κ' => 'k',
        'М' | 'Μ' => 'm',
        'Ν' | 'ո' => 'n',
        'о' | 'О' | 'ο' | 'Ο' | 'σ' => 'o',
        'р' | 'Р' | 'ρ' | 'Ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' | 'Ѕ' => 's',
        'Т' | 'Τ' => 't',
        'υ' | 'ս' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ѡ' => 'w',
        'х' | 'Х' | 'Χ' | 'χ' => 'x',
        'у' | 'У' | 'Υ' | 'γ' => 'y',
        'Ζ' => 'z',
        // Fullwidth ASCII (U+FF01..U+FF5E) is ASCII shifted by 0xFEE0.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).map_or(c, fold_char),
        other => other,
    }
}

/// Letter pairs that read as one letter in most fonts, on a lowercase string. (The skeleton
/// in `forms` applies the same folding in one pass.)
#[cfg(test)]
pub(crate) fn fold_sequences(text: &str) -> String {
    text.replace("rn", "m").replace("vv", "w")
}

/// Whether two single characters are look-alikes.
pub(crate) fn same_prototype(a: char, b: char) -> bool {
    let fold = |c: char| fold_char(c).to_lowercase().next().unwrap_or(c);
    fold(a) == fold(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_ascii_and_script_look_alikes() {
        let fold =
            |s: &str| fold_sequences(&s.chars().map(fold_char).collect::<String>().to_lowercase());
        assert_eq!(fold("c0re"), "core");
        assert_eq!(fold("jeIlyfish"), "jellyfish");
        assert_eq!(fold("1odash"), "lodash");
        assert_eq!(fold("rnoment"), "moment");
        assert_eq!(fold("vvebpack"), "webpack");
        assert_eq!(fold("аxios"), "axios");
        assert_eq!(fold("ｌｏｄａｓｈ"), "lodash");
        assert!(same_prototype('0', 'o'));
        assert!(!same_prototype('a', 'e'));
    }
}
