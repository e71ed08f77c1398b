//! One true case per technique, each with a legitimate look-alike that must not fire, on small
//! hand-written lists; then signals, the popularity gap and two properties.

#![expect(clippy::panic, reason = "test helpers: a panic is the failure report")]

use customs_core::Ecosystem;
use customs_typosquat::{Corpus, Detector, Options, Signals, Suspicion, Technique};
use proptest::prelude::*;

const NPM: &[&str] = &[
    "lodash",
    "react",
    "axios",
    "express",
    "cross-env",
    "core-js",
    "@types/node",
    "@types/react",
    "@babel/core",
    "babel-loader",
    "babel-jest",
    "babel-plugin-macros",
    "debounce",
    "invariant",
    "gaxios",
    "prompts",
    "prompt",
    "bn.js",
    "preact",
    "parse-json",
    "json-parse",
    "lodash.isequal",
    "cors",
    "json5",
    "vue-router",
    "sentry-dsn",
    "dns-packet",
];

const PYPI: &[&str] = &[
    "requests",
    "colorama",
    "jellyfish",
    "python-dateutil",
    "pytest-cov",
    "pyyaml",
    "yaml",
    "beautifulsoup4",
    "seaborn",
];

const CRATES: &[&str] = &["serde", "serde_json", "lazy_static", "tokio", "crc64"];

fn detector() -> Detector {
    detector_with(Options::default())
}

fn detector_with(options: Options) -> Detector {
    Detector::new(
        [
            Corpus::from_names(Ecosystem::Npm, NPM.iter().copied()),
            Corpus::from_names(Ecosystem::PyPI, PYPI.iter().copied()),
            Corpus::from_names(Ecosystem::CratesIo, CRATES.iter().copied()),
        ],
        options,
    )
}

/// Asserts that `name` is flagged as imitating `target` with `technique`.
fn fires(ecosystem: Ecosystem, name: &str, target: &str, technique: Technique) -> Suspicion {
    let found = detector()
        .check(ecosystem, name, None)
        .unwrap_or_else(|| panic!("{name} was not flagged"));
    assert_eq!(
        (found.target.as_str(), found.technique),
        (target, technique),
        "{name}: {found:?}"
    );
    assert!((0.0..=1.0).contains(&found.score));
    found
}

fn quiet(ecosystem: Ecosystem, name: &str) {
    let found = detector().check(ecosystem, name, None);
    assert!(found.is_none(), "{name} was flagged: {found:?}");
}

#[test]
fn transposition() {
    let found = fires(Ecosystem::Npm, "loadsh", "lodash", Technique::Transposition);
    assert_eq!(
        found.reason,
        "`loadsh` swaps two adjacent letters of `lodash` (npm rank 1)"
    );
    // Listed names are established, however close to a popular one.
    quiet(Ecosystem::Npm, "gaxios");
    quiet(Ecosystem::Npm, "preact");
    // Inside a short word too, when the swap writes no word of a listed name; one that does
    // (`dns`, a word of `dns-packet`) is another package's name in that place.
    fires(
        Ecosystem::Npm,
        "veu-router",
        "vue-router",
        Technique::Transposition,
    );
    quiet(Ecosystem::Npm, "sentry-dns");
    // The swap is judged on the word, whatever separators the rest of the name uses.
    fires(
        Ecosystem::Npm,
        "veu_router",
        "vue-router",
        Technique::Transposition,
    );
    // Touching a pair that reads as one letter (`rn`, compared as `m`), still one slip.
    fires(
        Ecosystem::PyPI,
        "seabonr",
        "seaborn",
        Technique::Transposition,
    );
}

#[test]
fn keyboard_substitution() {
    fires(
        Ecosystem::PyPI,
        "requesrs",
        "requests",
        Technique::KeyboardSubstitution,
    );
    // A different word in the same place is a different package.
    quiet(Ecosystem::PyPI, "pytest-cpp");
}

#[test]
fn omission_and_repetition() {
    fires(Ecosystem::PyPI, "reqests", "requests", Technique::Omission);
    fires(
        Ecosystem::PyPI,
        "requestss",
        "requests",
        Technique::Repetition,
    );
    // However many times, and wherever.
    fires(
        Ecosystem::PyPI,
        "rrequestsss",
        "requests",
        Technique::Repetition,
    );
    fires(
        Ecosystem::PyPI,
        "colorrama",
        "colorama",
        Technique::Repetition,
    );
    // `prompt` and `prompts` are both listed.
    quiet(Ecosystem::Npm, "prompt");
    // Four letters: only a swap, a doubled letter, or a letter left out of a five-letter name
    // where what remains spells no word: `axos` and `reac` are slips, `json` (a word of
    // `parse-json`) is a name of its own beside `json5`.
    fires(Ecosystem::Npm, "axos", "axios", Technique::Omission);
    fires(Ecosystem::Npm, "reac", "react", Technique::Omission);
    quiet(Ecosystem::Npm, "json");
}

#[test]
fn insertion() {
    fires(
        Ecosystem::PyPI,
        "requxests",
        "requests",
        Technique::Insertion,
    );
    // Two letters added at one end make a companion package's name, not a slip.
    quiet(Ecosystem::Npm, "debounce-fn");
    // The plural of a popular name.
    let plural = fires(Ecosystem::CratesIo, "tokios", "tokio", Technique::Insertion);
    assert!(plural.reason.contains("plural"), "{plural:?}");
}

#[test]
fn substitution_and_bit_flip() {
    fires(
        Ecosystem::PyPI,
        "requepts",
        "requests",
        Technique::Substitution,
    );
    fires(Ecosystem::Npm, "lodasi", "lodash", Technique::BitFlip);
    // In a five-letter name, one replaced letter (here also a bit flip) is not enough.
    quiet(Ecosystem::CratesIo, "crc24");
    quiet(Ecosystem::Npm, "axiom");
}

#[test]
fn two_edits() {
    fires(Ecosystem::PyPI, "reqeustz", "requests", Technique::TwoEdits);
    fires(
        Ecosystem::PyPI,
        "beautifusoup",
        "beautifulsoup4",
        Technique::TwoEdits,
    );
    // A word added in front is a different package (`ts-invariant`).
    quiet(Ecosystem::Npm, "ts-invariant");
    // Two edits to a shorter name count when they garble it: its first letter and all its
    // letters but one kept, in order, with letter runs no listed name is spelt with.
    fires(Ecosystem::Npm, "expxrqss", "express", Technique::TwoEdits);
    // A new ending (`promptly`), two letters of the name replaced (`exbrqss`), or another
    // first letter (`zexprqss`) is another name, or too little of this one.
    quiet(Ecosystem::Npm, "promptly");
    quiet(Ecosystem::Npm, "exbrqss");
    quiet(Ecosystem::Npm, "zexprqss");
    // A slip inside one word of a longer name is still a slip.
    fires(
        Ecosystem::Npm,
        "babel-plugin-macrso",
        "babel-plugin-macros",
        Technique::Transposition,
    );
}

#[test]
fn homoglyph() {
    fires(Ecosystem::Npm, "c0re-js", "core-js", Technique::Homoglyph);
    fires(
        Ecosystem::PyPI,
        "jeIlyfish",
        "jellyfish",
        Technique::Homoglyph,
    );
    fires(Ecosystem::Npm, "\u{430}xios", "axios", Technique::Homoglyph);
    quiet(Ecosystem::Npm, "bn.js");
}

#[test]
fn separator() {
    fires(
        Ecosystem::CratesIo,
        "lazystatic",
        "lazy_static",
        Technique::Separator,
    );
    fires(
        Ecosystem::Npm,
        "crossenv",
        "cross-env",
        Technique::Separator,
    );
    fires(
        Ecosystem::Npm,
        "lodash-isequal",
        "lodash.isequal",
        Technique::Separator,
    );
    // crates.io treats `-` and `_` as one name: this is serde_json itself.
    quiet(Ecosystem::CratesIo, "serde-json");
    quiet(Ecosystem::CratesIo, "Serde_Json");
    // So does PyPI, for `-`, `_` and `.`.
    quiet(Ecosystem::PyPI, "python_dateutil");
}

#[test]
fn scope() {
    fires(
        Ecosystem::Npm,
        "types-node",
        "@types/node",
        Technique::Scope,
    );
    fires(
        Ecosystem::Npm,
        "@type/node",
        "@types/node",
        Technique::Scope,
    );
    // Under a scope popular packages use: that publisher's own package.
    quiet(Ecosystem::Npm, "@types/react-is");
    quiet(Ecosystem::Npm, "@types/nodes");
    // `babel-*` is a family of unscoped names: `babel-core` is its older convention.
    quiet(Ecosystem::Npm, "babel-core");
}

#[test]
fn unknown_scope_needs_other_evidence() {
    let detector = detector();
    assert_eq!(detector.check(Ecosystem::Npm, "@evil/lodash", None), None);
    let young = Signals {
        shares_maintainer: Some(false),
        age_days: Some(2),
        version_count: Some(1),
    };
    let found = detector
        .check(Ecosystem::Npm, "@evil/lodash", Some(&young))
        .unwrap();
    assert_eq!(
        (found.target.as_str(), found.technique),
        ("lodash", Technique::Scope)
    );
}

#[test]
fn affix() {
    fires(Ecosystem::PyPI, "colorama-py", "colorama", Technique::Affix);
    fires(Ecosystem::Npm, "axios.js", "axios", Technique::Affix);
    fires(
        Ecosystem::PyPI,
        "requests-latest",
        "requests",
        Technique::Affix,
    );
    fires(
        Ecosystem::PyPI,
        "python3-requests",
        "requests",
        Technique::Affix,
    );
    // Versions, dotted or not, and meaningless letters.
    fires(Ecosystem::Npm, "axios-1.2.3", "axios", Technique::Affix);
    fires(Ecosystem::Npm, "express2.0.0", "express", Technique::Affix);
    fires(Ecosystem::Npm, "lodashxxx", "lodash", Technique::Affix);
    fires(Ecosystem::Npm, "lodash-lalala", "lodash", Technique::Affix);
    // A popular name plus a generic word is that name's variant, not a slip of another
    // (`cors.js` is one key away from `core-js`).
    fires(Ecosystem::Npm, "cors.js", "cors", Technique::Affix);
    // Two-letter acronyms are words, not filler.
    quiet(Ecosystem::Npm, "lodash-ssh");
    // Packaging words alone are weak: `lodash-utils` may well be legitimate.
    quiet(Ecosystem::Npm, "lodash-utils");
    // A word with its own meaning makes a new package.
    quiet(Ecosystem::Npm, "lodash-electron");
    // Both listed.
    quiet(Ecosystem::PyPI, "pyyaml");
}

#[test]
fn word_order() {
    fires(
        Ecosystem::Npm,
        "env-cross",
        "cross-env",
        Technique::WordOrder,
    );
    // Both orders are listed packages.
    quiet(Ecosystem::Npm, "json-parse");
}

#[test]
fn signals_move_the_score() {
    let detector = detector();
    let plain = detector
        .check(Ecosystem::Npm, "loadsh", None)
        .unwrap()
        .score;
    let shared = Signals {
        shares_maintainer: Some(true),
        ..Signals::default()
    };
    assert_eq!(
        detector.check(Ecosystem::Npm, "loadsh", Some(&shared)),
        None
    );
    let young = Signals {
        age_days: Some(1),
        version_count: Some(1),
        ..Signals::default()
    };
    let raised = detector
        .check(Ecosystem::Npm, "loadsh", Some(&young))
        .unwrap()
        .score;
    assert!(raised > plain, "{raised} <= {plain}");
    // A weak affix flags only with a young, barely published package behind it.
    assert!(
        detector
            .check(Ecosystem::Npm, "lodash-utils", Some(&young))
            .is_some()
    );
    let old = Signals {
        shares_maintainer: Some(false),
        age_days: Some(2_000),
        version_count: Some(40),
    };
    assert_eq!(
        detector.check(Ecosystem::Npm, "lodash-utils", Some(&old)),
        None
    );
}

#[test]
fn the_reason_says_whether_a_maintainer_is_shared() {
    let detector = detector();
    let plain = detector.check(Ecosystem::Npm, "loadsh", None).unwrap();
    let unrelated = Signals {
        shares_maintainer: Some(false),
        ..Signals::default()
    };
    let checked = detector
        .check(Ecosystem::Npm, "loadsh", Some(&unrelated))
        .unwrap();
    assert_eq!(
        checked.reason,
        format!(
            "{}, and it shares no maintainer with `lodash` on the registry",
            plain.reason
        )
    );
    assert_eq!(
        checked.score, plain.score,
        "no shared maintainer changes nothing"
    );
    assert_eq!(plain.with_signals(&unrelated).reason, checked.reason);
    let shared = Signals {
        shares_maintainer: Some(true),
        ..Signals::default()
    };
    let weighed = plain.with_signals(&shared);
    assert!(weighed.score < plain.score);
    assert_eq!(
        weighed.reason,
        format!(
            "{}, but it shares a maintainer with `lodash` on the registry, which lowers the score",
            plain.reason
        )
    );
    assert_eq!(
        plain.with_signals(&Signals::default()).reason,
        plain.reason,
        "unknown: nothing said"
    );
}

#[test]
fn popularity_gap_spares_popular_candidates() {
    let corpus = Corpus::from_names(
        Ecosystem::Npm,
        ["lodash", "react", "loadsh"].iter().copied(),
    );
    // By default every listed name is established.
    let default = Detector::new([corpus.clone()], Options::default());
    assert_eq!(default.check(Ecosystem::Npm, "loadsh", None), None);
    assert_eq!(default.popular_rank(Ecosystem::Npm, "loadsh"), Some(3));
    // Scored by the gap instead: rank 3 against rank 1 is too close to call a squat.
    let gap = Detector::new(
        [corpus],
        Options {
            targets: 2,
            established_rank: Some(2),
            ..Options::default()
        },
    );
    assert_eq!(gap.check(Ecosystem::Npm, "loadsh", None), None);
    assert!(gap.check(Ecosystem::Npm, "lodahs", None).is_some());
}

#[test]
fn targets_option_limits_what_is_protected() {
    let names = ["lodash", "react", "express"];
    let corpus = Corpus::from_names(Ecosystem::Npm, names.iter().copied());
    let top_two = Detector::new(
        [corpus],
        Options {
            targets: 2,
            ..Options::default()
        },
    );
    assert!(top_two.check(Ecosystem::Npm, "loadsh", None).is_some());
    assert_eq!(top_two.check(Ecosystem::Npm, "exprses", None), None);
    assert!(top_two.is_popular(Ecosystem::Npm, "express"));
    assert!(!top_two.covers(Ecosystem::PyPI));
    assert_eq!(top_two.check(Ecosystem::PyPI, "reqests", None), None);
}

#[test]
fn invalid_names_are_not_checked() {
    let detector = detector();
    for name in ["", "lo dash", "lo\u{0}dash", &"a".repeat(1_000)] {
        assert_eq!(detector.check(Ecosystem::Npm, name, None), None);
    }
}

proptest! {
    // Every listed name, in any spelling its registry treats as the same, is never flagged.
    #[test]
    fn listed_names_never_flag_themselves(index in 0..NPM.len() + PYPI.len() + CRATES.len()) {
        let detector = detector();
        let (ecosystem, name) = if index < NPM.len() {
            (Ecosystem::Npm, NPM[index].to_owned())
        } else if index < NPM.len() + PYPI.len() {
            (Ecosystem::PyPI, PYPI[index - NPM.len()].to_uppercase().replace('-', "_"))
        } else {
            (Ecosystem::CratesIo, CRATES[index - NPM.len() - PYPI.len()].replace('_', "-"))
        };
        prop_assert_eq!(detector.check(ecosystem, &name, None), None);
    }

    // Hostile names (any characters, up to past the length limit) never panic.
    #[test]
    fn any_name_is_checked_without_panicking(name in "\\PC{0,300}", separators in "[-_./@]{0,40}") {
        let detector = detector();
        for ecosystem in Ecosystem::ALL {
            let _ = detector.check(ecosystem, &name, None);
            let _ = detector.check(ecosystem, &format!("{separators}{name}{separators}"), None);
        }
    }

    // Two detectors built from the same lists (with differently seeded hashers) answer alike,
    // and asking twice gives the same answer.
    #[test]
    fn detection_is_deterministic(name in "[a-z][a-z0-9.-]{2,14}") {
        let first = detector();
        let second = detector();
        for ecosystem in Ecosystem::ALL {
            let answer = first.check(ecosystem, &name, None);
            prop_assert_eq!(&answer, &second.check(ecosystem, &name, None));
            prop_assert_eq!(&answer, &first.check(ecosystem, &name, None));
        }
    }
}

/// A list whose named entries rank well below the top hundred: `names` after 600 fillers.
fn below_the_top(ecosystem: Ecosystem, names: &[&str]) -> Detector {
    let fillers: Vec<String> = (0..600).map(|i| format!("filler-package-{i}")).collect();
    let corpus = Corpus::from_names(
        ecosystem,
        fillers
            .iter()
            .map(String::as_str)
            .chain(names.iter().copied()),
    );
    Detector::new([corpus], Options::default())
}

#[test]
fn rewording_imitates_only_the_top_names() {
    let npm = below_the_top(Ecosystem::Npm, &["dateformat", "path-parse", "cross-env"]);
    // Words split apart or reordered make another sensible name, unless the name is among
    // the very top (see `separator` and `word_order` for those).
    assert_eq!(npm.check(Ecosystem::Npm, "date-format", None), None);
    assert_eq!(npm.check(Ecosystem::Npm, "parse-path", None), None);
    // Separators taken out stay a slip.
    let found = npm.check(Ecosystem::Npm, "crossenv", None).unwrap();
    assert_eq!(
        (found.target.as_str(), found.technique),
        ("cross-env", Technique::Separator)
    );
}

#[test]
fn numbered_families_and_forks_are_names_of_their_own() {
    let crates = below_the_top(
        Ecosystem::CratesIo,
        &["murmur3", "abort-controller", "callsites"],
    );
    // Another number, the singular of a plural name, a one-letter word added.
    assert_eq!(crates.check(Ecosystem::CratesIo, "murmur2", None), None);
    assert_eq!(crates.check(Ecosystem::CratesIo, "callsite", None), None);
    assert_eq!(
        crates.check(Ecosystem::CratesIo, "abort-controller-x", None),
        None
    );
    // A slip in the letters of the same names is still a slip.
    assert!(crates.check(Ecosystem::CratesIo, "murmru3", None).is_some());
    // Of a top name, a changed number is an imitation (`proc-macro1`).
    assert!(
        detector()
            .check(Ecosystem::CratesIo, "crc46", None)
            .is_some()
    );
}

#[test]
fn the_registrys_own_language_is_weaker_evidence() {
    let pypi = below_the_top(Ecosystem::PyPI, &["qrcode"]);
    // `pyqrcode` is how a binding is named on PyPI; a release word is not.
    assert_eq!(pypi.check(Ecosystem::PyPI, "pyqrcode", None), None);
    let found = pypi.check(Ecosystem::PyPI, "qrcode-latest", None).unwrap();
    assert_eq!(found.technique, Technique::Affix);
    // Under a scope of its own, a popular name with a generic word is that publisher's build.
    let npm = detector();
    assert!(npm.check(Ecosystem::Npm, "lodash-latest", None).is_some());
    assert_eq!(
        npm.check(Ecosystem::Npm, "@someone/lodash-latest", None),
        None
    );
}
