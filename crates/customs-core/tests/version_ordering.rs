//! Property tests: customs' version ordering agrees with each ecosystem's specification.
//!
//! - npm and crates.io: Semantic Versioning 2.0 precedence, checked against a reference key.
//! - PyPI: PEP 440, checked against the comparison key the reference implementation
//!   (`packaging.version._cmpkey`) builds: epoch, release without trailing zeros, then pre,
//!   post and dev with their special infinities; and spelling variants compare equal.

use std::cmp::Ordering;

use customs_core::{Ecosystem, Version};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct Semver {
    major: u64,
    minor: u64,
    patch: u64,
    pre: Option<(u8, u64)>,
}

impl Semver {
    fn text(&self) -> String {
        let mut text = format!("{}.{}.{}", self.major, self.minor, self.patch);
        if let Some((label, n)) = self.pre {
            let label = ["alpha", "beta", "rc"][usize::from(label)];
            text.push_str(&format!("-{label}.{n}"));
        }
        text
    }

    /// A release sorts after its pre-releases; labels sort as ASCII (alpha < beta < rc).
    fn key(&self) -> (u64, u64, u64, u8, u8, u64) {
        match self.pre {
            None => (self.major, self.minor, self.patch, 1, 0, 0),
            Some((label, n)) => (self.major, self.minor, self.patch, 0, label, n),
        }
    }
}

fn semver() -> impl Strategy<Value = Semver> {
    (
        0u64..4,
        0u64..4,
        0u64..4,
        prop::option::of((0u8..3, 0u64..4)),
    )
        .prop_map(|(major, minor, patch, pre)| Semver {
            major,
            minor,
            patch,
            pre,
        })
}

/// (epoch, release, pre, post, dev), as `packaging` compares them.
type Pep440Key = (u64, Vec<u64>, (u8, u8, u64), (u8, u64), (u8, u64));

#[derive(Clone, Debug)]
struct Pep440 {
    epoch: u64,
    release: Vec<u64>,
    pre: Option<(u8, u64)>,
    post: Option<u64>,
    dev: Option<u64>,
}

impl Pep440 {
    fn text(&self) -> String {
        let mut text = String::new();
        if self.epoch > 0 {
            text.push_str(&format!("{}!", self.epoch));
        }
        let release: Vec<String> = self.release.iter().map(u64::to_string).collect();
        text.push_str(&release.join("."));
        if let Some((phase, n)) = self.pre {
            text.push_str(&format!("{}{n}", ["a", "b", "rc"][usize::from(phase)]));
        }
        if let Some(n) = self.post {
            text.push_str(&format!(".post{n}"));
        }
        if let Some(n) = self.dev {
            text.push_str(&format!(".dev{n}"));
        }
        text
    }

    /// `packaging.version._cmpkey`, with -inf / +inf as 0 / 2 around the finite middle 1.
    fn key(&self) -> Pep440Key {
        let mut release = self.release.clone();
        while release.len() > 1 && release.last() == Some(&0) {
            release.pop();
        }
        if release == [0] {
            release.clear();
        }
        let pre = match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (0, 0, 0),
            (None, _, _) => (2, 0, 0),
            (Some((phase, n)), _, _) => (1, phase, n),
        };
        let post = self.post.map_or((0, 0), |n| (1, n));
        let dev = self.dev.map_or((2, 0), |n| (1, n));
        (self.epoch, release, pre, post, dev)
    }
}

fn pep440() -> impl Strategy<Value = Pep440> {
    (
        prop_oneof![4 => Just(0u64), 1 => 1u64..3],
        prop::collection::vec(0u64..3, 1..4),
        prop::option::of((0u8..3, 0u64..3)),
        prop::option::of(0u64..3),
        prop::option::of(0u64..3),
    )
        .prop_map(|(epoch, release, pre, post, dev)| Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
        })
}

proptest! {
    #[test]
    fn semver_follows_precedence(a in semver(), b in semver()) {
        for ecosystem in [Ecosystem::Npm, Ecosystem::CratesIo] {
            let (va, vb) = (Version::new(ecosystem, &a.text()), Version::new(ecosystem, &b.text()));
            prop_assert!(va.is_parsed() && vb.is_parsed());
            prop_assert_eq!(va.cmp_value(&vb), a.key().cmp(&b.key()), "{} vs {}", a.text(), b.text());
        }
    }

    #[test]
    fn semver_build_metadata_does_not_change_precedence(a in semver(), build in "[a-z0-9]{1,6}") {
        let plain = Version::new(Ecosystem::CratesIo, &a.text());
        let built = Version::new(Ecosystem::CratesIo, &format!("{}+{build}", a.text()));
        prop_assert_eq!(plain.cmp_value(&built), Ordering::Equal);
    }

    #[test]
    fn pep440_follows_the_reference_key(a in pep440(), b in pep440()) {
        let (va, vb) = (Version::new(Ecosystem::PyPI, &a.text()), Version::new(Ecosystem::PyPI, &b.text()));
        prop_assert!(va.is_parsed() && vb.is_parsed(), "{} / {}", a.text(), b.text());
        prop_assert_eq!(va.cmp_value(&vb), a.key().cmp(&b.key()), "{} vs {}", a.text(), b.text());
    }

    #[test]
    fn pep440_spellings_are_equal(a in pep440()) {
        let canonical = Version::new(Ecosystem::PyPI, &a.text());
        let spelled = a
            .text()
            .replace("rc", "-c")
            .replace('a', "-alpha")
            .replace('b', "_beta")
            .replace(".post", "-post")
            .replace(".dev", "-dev")
            .to_uppercase();
        let padded = format!("v{}", a.text());
        for variant in [spelled, padded] {
            let v = Version::new(Ecosystem::PyPI, &variant);
            prop_assert!(v.is_parsed(), "{variant}");
            prop_assert_eq!(v.cmp_value(&canonical), Ordering::Equal, "{} vs {}", variant, a.text());
        }
    }

    #[test]
    fn sorting_is_a_total_order(mut versions in prop::collection::vec(pep440(), 1..20)) {
        let mut parsed: Vec<Version> = versions.drain(..).map(|v| Version::new(Ecosystem::PyPI, &v.text())).collect();
        parsed.sort();
        for pair in parsed.windows(2) {
            prop_assert_ne!(pair[0].cmp(&pair[1]), Ordering::Greater);
            prop_assert_ne!(pair[0].cmp_value(&pair[1]), Ordering::Greater);
        }
    }
}
