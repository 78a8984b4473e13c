//! The live set of gateway keys: authentication (caller → gateway) and each key's rate limit.
//!
//! Callers send a key the ways Twilio's clients send credentials:
//! - HTTP Basic with the key id as user and the secret as password (a client configured with
//!   the key as its "API key"),
//! - HTTP Basic with an account SID (`AC…`) as user and the secret as password (a client
//!   configured with "account SID + auth token", the secret standing in for the token),
//! - `Authorization: Bearer <key id>.<secret>`.
//!
//! Secrets are compared by their SHA-256 digests in constant time.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota};

use crate::allow::AllowList;
use crate::config::Rate;
use crate::keys::SecretDigest;

/// One usable key.
pub struct Key {
    /// The key id (`SK…`).
    pub id: String,
    /// Its name, for audit lines and metrics.
    pub name: String,
    digest: SecretDigest,
    /// What it may call.
    pub allow: AllowList,
    /// Its rate.
    pub rate: Rate,
    limiter: Arc<DefaultDirectRateLimiter>,
    /// The subaccount it is bound to, if any.
    pub account: Option<String>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("allow", &self.allow)
            .field("rate", &self.rate)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Key {
    /// A key; `limiter` carries over the state of the same key before a reload.
    pub fn new(
        id: String,
        name: String,
        digest: SecretDigest,
        allow: AllowList,
        rate: Rate,
        account: Option<String>,
        limiter: Option<Arc<DefaultDirectRateLimiter>>,
    ) -> Self {
        let limiter = limiter.unwrap_or_else(|| Arc::new(limiter_for(rate)));
        Self {
            id,
            name,
            digest,
            allow,
            rate,
            limiter,
            account,
        }
    }

    /// Takes one request from the key's allowance; `Err(seconds)` to wait when it is spent.
    pub fn take(&self) -> Result<(), u64> {
        self.limiter.check().map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            // Whole seconds, rounded up, never 0: `Retry-After: 0` invites a busy loop.
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }

    /// The limiter, to carry over a reload.
    pub fn limiter(&self) -> Arc<DefaultDirectRateLimiter> {
        self.limiter.clone()
    }
}

fn limiter_for(rate: Rate) -> DefaultDirectRateLimiter {
    let period = rate.per / rate.count.get();
    // Proof of invariant: a period of zero (over a billion a second) is raised to 1 ns.
    let quota = Quota::with_period(period.max(std::time::Duration::from_nanos(1)))
        .unwrap_or_else(|| unreachable!("the period is at least 1 ns"))
        .allow_burst(rate.burst);
    DefaultDirectRateLimiter::direct(quota)
}

/// Every key, by id and by secret digest.
#[derive(Default)]
pub struct Keyring {
    by_id: HashMap<String, Arc<Key>>,
    by_digest: HashMap<SecretDigest, Arc<Key>>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.by_id.keys()).finish()
    }
}

impl Keyring {
    /// Adds a key.
    pub fn insert(&mut self, key: Key) {
        let key = Arc::new(key);
        self.by_digest.insert(key.digest, key.clone());
        self.by_id.insert(key.id.clone(), key);
    }

    /// The key with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Key>> {
        self.by_id.get(id)
    }

    /// Every key.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Key>> {
        self.by_id.values()
    }

    /// HTTP Basic: the key id (or an account SID) and the secret.
    pub fn basic(&self, user: &str, secret: &str) -> Option<Arc<Key>> {
        let digest = SecretDigest::of(secret);
        if user.starts_with("AC") {
            // A client configured with "account SID + auth token": the secret names the key.
            return self.by_digest.get(&digest).cloned();
        }
        let key = self.by_id.get(user)?;
        key.digest.matches(&digest).then(|| key.clone())
    }

    /// `Bearer <key id>.<secret>`.
    pub fn bearer(&self, token: &str) -> Option<Arc<Key>> {
        let (id, secret) = token.split_once('.')?;
        self.basic(id, secret).filter(|k| k.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::NewKey;
    use secrecy::ExposeSecret;

    fn ring() -> (Keyring, NewKey) {
        let made = NewKey::generate().expect("random");
        let mut ring = Keyring::default();
        ring.insert(Key::new(
            made.id.clone(),
            "test".into(),
            made.digest,
            AllowList::default(),
            Rate::parse("2/s", Some(2)).expect("rate"),
            None,
            None,
        ));
        (ring, made)
    }

    #[test]
    fn basic_and_bearer_accept_only_the_right_secret() {
        let (ring, made) = ring();
        let secret = made.secret.expose_secret();
        assert!(ring.basic(&made.id, secret).is_some());
        assert!(ring
            .basic("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", secret)
            .is_some());
        assert!(ring.basic(&made.id, "gw_wrong").is_none());
        assert!(ring.basic("SKother", secret).is_none());
        assert!(ring.basic("someone", secret).is_none());
        assert!(ring.bearer(&format!("{}.{secret}", made.id)).is_some());
        assert!(ring.bearer(secret).is_none());
        assert!(ring.bearer(&format!("{}.x", made.id)).is_none());
    }

    #[test]
    fn the_rate_limit_says_how_long_to_wait() {
        let (ring, made) = ring();
        let key = ring.get(&made.id).expect("key");
        assert!(key.take().is_ok());
        assert!(key.take().is_ok());
        let wait = key.take().expect_err("burst spent");
        assert!(wait >= 1, "{wait}");
    }
}
