//! What an artifact must hash to, and what it did.
//!
//! An expectation names one algorithm, the strongest that customs can compute among the digests
//! given (SHA-512, SHA-384, SHA-256, then SHA-1; MD5 and BLAKE2b are not computed), and the
//! artifact matches when its digest of that algorithm is any of the given ones. This is how npm
//! reads a Subresource Integrity string of several entries (ssri's `pickAlgorithm`) and how pip
//! reads several `--hash` options.

use std::fmt::Write as _;

use customs_core::{HashAlgorithm, Integrity};
use sha2::Digest as _;

use super::Verification;

/// Who vouches for a digest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Authority {
    Lockfile,
    Registry,
}

/// The digests one artifact must match one of.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Expected {
    pub authority: Authority,
    pub algorithm: HashAlgorithm,
    /// Lowercase hex, sorted, without repeats.
    pub digests: Vec<String>,
}

impl Expected {
    /// The expectation the strongest computable digests of `integrity` make; `None` when none
    /// can be computed.
    pub(crate) fn new<'a>(
        authority: Authority,
        integrity: impl IntoIterator<Item = &'a Integrity>,
    ) -> Option<Expected> {
        let integrity: Vec<&Integrity> = integrity.into_iter().collect();
        let algorithm = integrity
            .iter()
            .map(|integrity| integrity.algorithm)
            .filter(|&algorithm| strength(algorithm) > 0)
            .max_by_key(|&algorithm| strength(algorithm))?;
        let mut digests: Vec<String> = integrity
            .iter()
            .filter(|integrity| integrity.algorithm == algorithm)
            .map(|integrity| integrity.digest.to_ascii_lowercase())
            .collect();
        digests.sort();
        digests.dedup();
        Some(Expected {
            authority,
            algorithm,
            digests,
        })
    }

    /// How a match is reported.
    pub(crate) fn verification(&self) -> Verification {
        match self.authority {
            Authority::Lockfile => Verification::LockfileDigest(self.algorithm),
            Authority::Registry => Verification::RegistryDigest(self.algorithm),
        }
    }

    /// The expected digests as a mismatch shows them: `sha512:…`, several joined by ` or `.
    pub(crate) fn shown(&self) -> String {
        self.digests
            .iter()
            .map(|digest| format!("{}:{digest}", self.algorithm))
            .collect::<Vec<_>>()
            .join(" or ")
    }

    /// Whether `computed` matches; the mismatch as (expected, actual) text otherwise.
    pub(crate) fn check(&self, computed: &Computed) -> Result<Verification, (String, String)> {
        match computed.get(self.algorithm) {
            Some(actual) if self.digests.iter().any(|digest| digest == actual) => {
                Ok(self.verification())
            }
            Some(actual) => Err((self.shown(), format!("{}:{actual}", self.algorithm))),
            // The hasher was made for this expectation; without the digest nothing is verified.
            None => Err((self.shown(), "not computed".to_owned())),
        }
    }
}

/// How much a digest of `algorithm` is trusted; 0 for those customs does not compute.
fn strength(algorithm: HashAlgorithm) -> u8 {
    match algorithm {
        HashAlgorithm::Sha512 => 4,
        HashAlgorithm::Sha384 => 3,
        HashAlgorithm::Sha256 => 2,
        HashAlgorithm::Sha1 => 1,
        HashAlgorithm::Md5 | HashAlgorithm::Blake2b256 => 0,
    }
}

/// Whether customs computes digests of `algorithm`.
pub(crate) fn computable(algorithm: HashAlgorithm) -> bool {
    strength(algorithm) > 0
}

/// The digests of some bytes: SHA-256 always (the cache names files by it), and the one other
/// algorithm an expectation asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Computed {
    pub sha256: String,
    pub other: Option<(HashAlgorithm, String)>,
}

impl Computed {
    pub(crate) fn get(&self, algorithm: HashAlgorithm) -> Option<&str> {
        if algorithm == HashAlgorithm::Sha256 {
            return Some(&self.sha256);
        }
        self.other
            .as_ref()
            .filter(|(other, _)| *other == algorithm)
            .map(|(_, digest)| digest.as_str())
    }
}

/// Hashes a stream of chunks.
pub(crate) struct Hasher {
    sha256: sha2::Sha256,
    other: Option<Other>,
}

enum Other {
    Sha1(sha1::Sha1),
    Sha384(sha2::Sha384),
    Sha512(sha2::Sha512),
}

impl std::fmt::Debug for Hasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hasher").finish_non_exhaustive()
    }
}

impl Hasher {
    /// A hasher of SHA-256 and, when `expected` names another algorithm, that one.
    pub(crate) fn new(expected: Option<&Expected>) -> Hasher {
        let other = match expected.map(|expected| expected.algorithm) {
            Some(HashAlgorithm::Sha1) => Some(Other::Sha1(sha1::Sha1::new())),
            Some(HashAlgorithm::Sha384) => Some(Other::Sha384(sha2::Sha384::new())),
            Some(HashAlgorithm::Sha512) => Some(Other::Sha512(sha2::Sha512::new())),
            Some(HashAlgorithm::Sha256 | HashAlgorithm::Md5 | HashAlgorithm::Blake2b256) | None => {
                None
            }
        };
        Hasher {
            sha256: sha2::Sha256::new(),
            other,
        }
    }

    pub(crate) fn update(&mut self, chunk: &[u8]) {
        self.sha256.update(chunk);
        match &mut self.other {
            Some(Other::Sha1(hasher)) => hasher.update(chunk),
            Some(Other::Sha384(hasher)) => hasher.update(chunk),
            Some(Other::Sha512(hasher)) => hasher.update(chunk),
            None => {}
        }
    }

    pub(crate) fn finish(self) -> Computed {
        let other = self.other.map(|other| match other {
            Other::Sha1(hasher) => (HashAlgorithm::Sha1, hex(&hasher.finalize())),
            Other::Sha384(hasher) => (HashAlgorithm::Sha384, hex(&hasher.finalize())),
            Other::Sha512(hasher) => (HashAlgorithm::Sha512, hex(&hasher.finalize())),
        });
        Computed {
            sha256: hex(&self.sha256.finalize()),
            other,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        let _ = write!(text, "{byte:02x}");
    }
    text
}

/// Whether `text` is a SHA-256 digest as the cache names files: 64 lowercase hex digits.
pub(crate) fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integrity(algorithm: HashAlgorithm, digest: &str) -> Integrity {
        Integrity {
            algorithm,
            digest: digest.to_owned(),
            file: None,
        }
    }

    #[test]
    fn the_strongest_computable_algorithm_is_expected() {
        let given = [
            integrity(HashAlgorithm::Sha1, "aa"),
            integrity(HashAlgorithm::Sha512, "cc"),
            integrity(HashAlgorithm::Sha512, "bb"),
            integrity(HashAlgorithm::Md5, "dd"),
        ];
        let expected = Expected::new(Authority::Lockfile, &given).unwrap();
        assert_eq!(expected.algorithm, HashAlgorithm::Sha512);
        assert_eq!(expected.digests, ["bb", "cc"]);
        assert_eq!(expected.shown(), "sha512:bb or sha512:cc");
        let only_md5 = [integrity(HashAlgorithm::Md5, "dd")];
        assert_eq!(Expected::new(Authority::Lockfile, &only_md5), None);
        let only_sha1 = [integrity(HashAlgorithm::Sha1, "aa")];
        assert_eq!(
            Expected::new(Authority::Lockfile, &only_sha1)
                .unwrap()
                .verification(),
            Verification::LockfileDigest(HashAlgorithm::Sha1)
        );
    }

    #[test]
    fn known_digests() {
        // `printf abc | sha1sum`, `sha256sum`, `sha512sum`.
        let abc = |algorithm: HashAlgorithm, digest: &str| {
            let expected =
                Expected::new(Authority::Registry, &[integrity(algorithm, digest)]).unwrap();
            let mut hasher = Hasher::new(Some(&expected));
            hasher.update(b"a");
            hasher.update(b"bc");
            expected.check(&hasher.finish())
        };
        assert!(
            abc(
                HashAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d"
            )
            .is_ok()
        );
        assert!(
            abc(
                HashAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
            )
            .is_ok()
        );
        assert!(abc(HashAlgorithm::Sha512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f").is_ok());
        let (expected, actual) = abc(HashAlgorithm::Sha1, &"0".repeat(40)).unwrap_err();
        assert_eq!(expected, format!("sha1:{}", "0".repeat(40)));
        assert_eq!(actual, "sha1:a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn cache_names_are_lowercase_sha256() {
        assert!(is_sha256(&"a1".repeat(32)));
        assert!(!is_sha256(&"A1".repeat(32)));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&"a".repeat(63)));
    }
}
