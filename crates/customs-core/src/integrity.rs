use std::fmt;

use base64::Engine as _;
use serde::Serialize;

/// A hash algorithm a lockfile records digests with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HashAlgorithm {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    #[serde(rename = "blake2b-256")]
    Blake2b256,
}

impl HashAlgorithm {
    fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "md5" => Some(Self::Md5),
            "sha1" => Some(Self::Sha1),
            "sha256" => Some(Self::Sha256),
            "sha384" => Some(Self::Sha384),
            "sha512" => Some(Self::Sha512),
            "blake2b_256" | "blake2b-256" => Some(Self::Blake2b256),
            _ => None,
        }
    }

    /// Digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Self::Md5 => 16,
            Self::Sha1 => 20,
            Self::Sha256 | Self::Blake2b256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Md5 => "md5",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
            Self::Blake2b256 => "blake2b-256",
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One digest of a package artifact, as a lockfile recorded it, held as lowercase hex whatever
/// encoding the lockfile used (npm's Subresource Integrity is base64).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Integrity {
    pub algorithm: HashAlgorithm,
    pub digest: String,
    /// The artifact the digest is of, where the lockfile names it (PyPI wheels and sdists).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntegrityError {
    #[error("unsupported hash algorithm in `{0}`")]
    UnknownAlgorithm(String),
    #[error("malformed digest in `{0}`")]
    BadDigest(String),
}

impl Integrity {
    /// Parses a Subresource Integrity string (`sha512-<base64>`), as npm, pnpm, yarn classic and
    /// bun record it. Several space-separated entries are allowed; each is returned.
    pub fn from_sri(sri: &str) -> Result<Vec<Self>, IntegrityError> {
        sri.split_ascii_whitespace()
            .map(|entry| {
                let (algorithm, encoded) = entry
                    .split_once('-')
                    .ok_or_else(|| IntegrityError::BadDigest(entry.to_owned()))?;
                let algorithm = HashAlgorithm::from_name(algorithm)
                    .ok_or_else(|| IntegrityError::UnknownAlgorithm(entry.to_owned()))?;
                // SRI allows `?options` after the digest.
                let encoded = encoded.split('?').next().unwrap_or(encoded);
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .map_err(|_| IntegrityError::BadDigest(entry.to_owned()))?;
                Self::from_bytes(algorithm, &bytes, entry)
            })
            .collect()
    }

    /// Parses `algorithm:hex` (pip's `--hash=sha256:…`, uv, poetry, Pipfile.lock).
    pub fn from_prefixed_hex(text: &str) -> Result<Self, IntegrityError> {
        let (algorithm, hex) = text
            .split_once([':', '='])
            .ok_or_else(|| IntegrityError::BadDigest(text.to_owned()))?;
        let algorithm = HashAlgorithm::from_name(algorithm.trim())
            .ok_or_else(|| IntegrityError::UnknownAlgorithm(text.to_owned()))?;
        Self::from_hex(algorithm, hex.trim())
    }

    /// Parses a bare hex digest of a known algorithm (Cargo.lock's `checksum` is SHA-256).
    pub fn from_hex(algorithm: HashAlgorithm, hex: &str) -> Result<Self, IntegrityError> {
        // A fold without early exit, which vectorizes: this ran once per package of a lockfile.
        let hexadecimal = hex.bytes().fold(true, |ok, b| ok & b.is_ascii_hexdigit());
        if hex.len() != algorithm.digest_len() * 2 || !hexadecimal {
            return Err(IntegrityError::BadDigest(format!("{algorithm}:{hex}")));
        }
        Ok(Self {
            algorithm,
            digest: hex.to_ascii_lowercase(),
            file: None,
        })
    }

    /// The same digest, naming the artifact it belongs to.
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }

    fn from_bytes(
        algorithm: HashAlgorithm,
        bytes: &[u8],
        original: &str,
    ) -> Result<Self, IntegrityError> {
        if bytes.len() != algorithm.digest_len() {
            return Err(IntegrityError::BadDigest(original.to_owned()));
        }
        let mut digest = String::with_capacity(bytes.len() * 2);
        for byte in bytes {
            digest.push(char::from(HEX[usize::from(byte >> 4)]));
            digest.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Ok(Self {
            algorithm,
            digest,
            file: None,
        })
    }

    /// The digest as Subresource Integrity (base64), the form npm compares.
    pub fn to_sri(&self) -> String {
        let bytes: Vec<u8> = self
            .digest
            .as_bytes()
            .chunks(2)
            .filter_map(|pair| std::str::from_utf8(pair).ok())
            .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
            .collect();
        format!(
            "{}-{}",
            self.algorithm,
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sri_round_trips_through_hex() {
        let sri = "sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOSkOzEzOtkMN+9xTYKKn2Q1TNQ==";
        let parsed = Integrity::from_sri(sri).unwrap();
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].algorithm, HashAlgorithm::Sha512);
        assert_eq!(parsed[0].digest.len(), 128);
        assert_eq!(parsed[0].to_sri(), sri);
    }

    #[test]
    fn sri_with_several_entries() {
        let sri = "sha1-2jmouXVaDmtE1QLWbqa2EgLLvVg= sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXGOSkOzEzOtkMN+9xTYKKn2Q1TNQ==";
        let parsed = Integrity::from_sri(sri).unwrap();
        assert_eq!(
            parsed.iter().map(|i| i.algorithm).collect::<Vec<_>>(),
            [HashAlgorithm::Sha1, HashAlgorithm::Sha512]
        );
    }

    #[test]
    fn rejects_wrong_lengths_and_unknown_algorithms() {
        assert!(Integrity::from_sri("sha512-AAAA").is_err());
        assert!(Integrity::from_sri("crc32-AAAA").is_err());
        assert!(Integrity::from_prefixed_hex("sha256:abcd").is_err());
        assert!(Integrity::from_prefixed_hex("sha256:zz").is_err());
    }

    #[test]
    fn pip_hash_form() {
        let hex = "a".repeat(64);
        let parsed = Integrity::from_prefixed_hex(&format!("sha256:{hex}")).unwrap();
        assert_eq!(parsed.algorithm, HashAlgorithm::Sha256);
        assert_eq!(parsed.digest, hex);
    }
}
