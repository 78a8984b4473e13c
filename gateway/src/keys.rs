//! Gateway keys: what callers authenticate with instead of Twilio's credentials.
//!
//! A key is an id (`SK` + 32 hex digits, the shape of a Twilio API key SID, so every client
//! that takes an API key takes it) and a secret (`gw_` + 256 random bits in base64url). Only
//! the secret's SHA-256 is stored; the secret is shown once, when the key is made. A secret
//! this long needs no slow hash: nobody can guess it, and the digest reveals nothing of it.

use std::fmt;

use base64::Engine as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The SHA-256 of a key's secret.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecretDigest([u8; 32]);

impl SecretDigest {
    /// The digest of `secret`.
    pub fn of(secret: &str) -> Self {
        Self(Sha256::digest(secret.as_bytes()).into())
    }

    /// Reads the hex form stored in the config file.
    pub fn from_hex(hex: &str) -> Option<Self> {
        if hex.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        Some(Self(out))
    }

    /// The hex form stored in the config file.
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Compares in constant time.
    pub fn matches(&self, other: &SecretDigest) -> bool {
        bool::from(self.0.ct_eq(&other.0))
    }
}

impl fmt::Debug for SecretDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretDigest(..)")
    }
}

/// A freshly made key: the only time its secret exists outside the caller's hands.
pub struct NewKey {
    /// The key id (`SK…`).
    pub id: String,
    /// The secret, shown once.
    pub secret: secrecy::SecretString,
    /// What is stored.
    pub digest: SecretDigest,
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewKey")
            .field("id", &self.id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf)?;
    Ok(buf)
}

/// Prefix of every secret, so secret scanners and people can tell what it is.
pub const SECRET_PREFIX: &str = "gw_";

impl NewKey {
    /// Makes a key from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let id_bytes: [u8; 16] = random()?;
        let secret_bytes: [u8; 32] = random()?;
        let id = format!(
            "SK{}",
            id_bytes
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let secret = format!(
            "{SECRET_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret_bytes)
        );
        let digest = SecretDigest::of(&secret);
        Ok(Self {
            id,
            secret: secret.into(),
            digest,
        })
    }
}

/// Whether `id` has the shape of a key id.
pub fn is_key_id(id: &str) -> bool {
    id.len() == 34
        && id.starts_with("SK")
        && id[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn keys_are_random_and_verify_only_their_own_secret() {
        let a = NewKey::generate().expect("random");
        let b = NewKey::generate().expect("random");
        assert_ne!(a.id, b.id);
        assert!(is_key_id(&a.id), "{}", a.id);
        assert!(a.secret.expose_secret().starts_with(SECRET_PREFIX));
        assert_eq!(a.secret.expose_secret().len(), SECRET_PREFIX.len() + 43);
        assert!(SecretDigest::of(a.secret.expose_secret()).matches(&a.digest));
        assert!(!SecretDigest::of(b.secret.expose_secret()).matches(&a.digest));
        let round = SecretDigest::from_hex(&a.digest.to_hex()).expect("hex");
        assert!(round.matches(&a.digest));
        assert!(!format!("{a:?}").contains(a.secret.expose_secret()));
    }

    #[test]
    fn malformed_digests_are_refused() {
        assert!(SecretDigest::from_hex("zz").is_none());
        assert!(SecretDigest::from_hex(&"g".repeat(64)).is_none());
    }
}
