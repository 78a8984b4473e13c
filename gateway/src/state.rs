//! The live configuration: keys, accounts, the upstream, limits. Built from the config file
//! (and the environment's Twilio credentials), swapped whole on reload: requests in flight
//! finish with the state they started with, and a key's rate-limit state carries over as long
//! as its rate is unchanged.

use std::net::SocketAddr;
use std::time::Duration;

use crate::allow::AllowList;
use crate::config::{ConfigError, FileConfig, Limits, Rate, TwilioSection, DEFAULT_RATE};
use crate::forward::Forwarder;
use crate::keyring::{Key, Keyring};
use crate::keys::{is_key_id, SecretDigest};
use crate::operation::Operation;
use crate::session::Signer;

/// The accounts requests may act on.
#[derive(Debug, Clone)]
pub struct Accounts {
    /// The configured account (`AC…`).
    pub main: String,
    /// Its subaccounts that keys may act on.
    pub subaccounts: Vec<String>,
}

impl Accounts {
    /// Whether `sid` is the main account or an allowed subaccount.
    pub fn contains(&self, sid: &str) -> bool {
        self.main == sid || self.subaccounts.iter().any(|s| s == sid)
    }
}

/// A key the gateway makes for itself at start (the embedded sandbox's).
#[derive(Debug, Clone)]
pub struct BuiltinKey {
    /// Its id.
    pub id: String,
    /// Its secret's digest.
    pub digest: SecretDigest,
}

/// Where requests go, fixed at start.
#[derive(Debug, Clone)]
pub enum Upstream {
    /// Twilio (or a server standing in for it), with these credentials.
    Twilio(TwilioSection),
    /// The embedded sandbox, with its own credentials.
    Sandbox {
        /// Its base URL.
        base_url: String,
        /// Its account.
        account_sid: String,
        /// Its auth token.
        auth_token: secrecy::SecretString,
    },
}

/// Everything a request is judged and forwarded with.
#[derive(Debug)]
pub struct Live {
    /// The keys.
    pub keyring: Keyring,
    /// Console sessions.
    pub sessions: Signer,
    session_secret: Option<String>,
    /// The accounts.
    pub accounts: Accounts,
    /// The upstream.
    pub forwarder: Forwarder,
    /// Where callers reach the gateway.
    pub public_url: String,
    /// Caps and timeouts.
    pub limits: Limits,
    /// Counts reloads (0 at start).
    pub generation: u64,
}

/// What a [`Live`] is built from.
pub struct Sources<'a> {
    /// The config file's content.
    pub file: &'a FileConfig,
    /// The upstream.
    pub upstream: &'a Upstream,
    /// The built-in key, if any.
    pub builtin: Option<&'a BuiltinKey>,
    /// Every operation (allow-lists are checked against them).
    pub operations: &'a [Operation],
    /// The address the gateway listens on.
    pub bound: SocketAddr,
    /// The state being replaced, on reload.
    pub old: Option<&'a Live>,
}

fn invalid(message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid(message.into())
}

fn is_account_sid(s: &str) -> bool {
    s.len() == 34 && s.starts_with("AC") && s[2..].bytes().all(|b| b.is_ascii_hexdigit())
}

impl Live {
    /// Builds the state; nothing half-built is ever used.
    pub fn build(src: Sources<'_>) -> Result<Self, ConfigError> {
        let file = src.file;
        let limits = file.limits.clone();
        let (accounts, forwarder) = upstream(src.upstream, file, &limits)?;
        let names = || src.operations.iter().map(|op| op.name.as_str());
        let mut keyring = Keyring::default();
        if let Some(builtin) = src.builtin {
            let rate = Rate::parse("1000/s", None).map_err(invalid)?;
            let allow =
                AllowList::parse(&["*".to_owned()], names()).map_err(|e| invalid(e.to_string()))?;
            let limiter = carried(src.old, &builtin.id, rate);
            keyring.insert(Key::new(
                builtin.id.clone(),
                "sandbox".to_owned(),
                builtin.digest,
                allow,
                rate,
                None,
                limiter,
            ));
        }
        for entry in &file.keys {
            if entry.revoked.is_some() {
                continue;
            }
            let context = |m: String| invalid(format!("key {:?} ({}): {m}", entry.name, entry.id));
            if !is_key_id(&entry.id) {
                return Err(context("the id is not SK followed by 32 hex digits".into()));
            }
            if keyring.get(&entry.id).is_some() {
                return Err(context("the id is listed twice".into()));
            }
            let digest = SecretDigest::from_hex(&entry.secret_sha256)
                .ok_or_else(|| context("secret_sha256 is not 64 hex digits".into()))?;
            let allow =
                AllowList::parse(&entry.allow, names()).map_err(|e| context(e.to_string()))?;
            let rate = Rate::parse(entry.rate.as_deref().unwrap_or(DEFAULT_RATE), entry.burst)
                .map_err(context)?;
            if let Some(account) = &entry.account {
                if !accounts.contains(account) {
                    return Err(context(format!(
                        "account {account} is neither the configured account nor one of `twilio.subaccounts`"
                    )));
                }
            }
            keyring.insert(Key::new(
                entry.id.clone(),
                entry.name.clone(),
                digest,
                allow,
                rate,
                entry.account.clone(),
                carried(src.old, &entry.id, rate),
            ));
        }
        let session_secret = file.console.session_secret.clone();
        let sessions = match src.old {
            // A random session key survives reloads, or every reload would end every session.
            Some(old) if old.session_secret == session_secret => old.sessions.clone(),
            _ => Signer::new(
                session_secret.as_deref(),
                Duration::from_secs(file.console.session_hours.max(1) * 3600),
            )
            .map_err(invalid)?,
        };
        let public_url = match &file.public_url {
            Some(url) => {
                let parsed = url::Url::parse(url)
                    .map_err(|e| invalid(format!("public_url {url:?}: {e}")))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
                    return Err(invalid("public_url must be an http(s) URL without a query"));
                }
                url.trim_end_matches('/').to_owned()
            }
            None => format!("http://{}", src.bound),
        };
        Ok(Self {
            keyring,
            sessions,
            session_secret,
            accounts,
            forwarder,
            public_url,
            limits,
            generation: src.old.map_or(0, |o| o.generation + 1),
        })
    }

    /// Whether the gateway is served over https (session cookies are then `Secure`).
    pub fn secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

/// The limiter of the same key with the same rate in the state being replaced.
fn carried(
    old: Option<&Live>,
    id: &str,
    rate: Rate,
) -> Option<std::sync::Arc<governor::DefaultDirectRateLimiter>> {
    let key = old?.keyring.get(id)?;
    (key.rate == rate).then(|| key.limiter())
}

fn upstream(
    upstream: &Upstream,
    file: &FileConfig,
    limits: &Limits,
) -> Result<(Accounts, Forwarder), ConfigError> {
    use secrecy::ExposeSecret;
    let subaccounts = file
        .twilio
        .as_ref()
        .map(|t| t.subaccounts.clone())
        .unwrap_or_default();
    for sub in &subaccounts {
        if !is_account_sid(sub) {
            return Err(invalid(format!(
                "twilio.subaccounts: {sub:?} is not an AC… SID"
            )));
        }
    }
    let timeout = limits.upstream_timeout;
    let (account, builder) = match upstream {
        Upstream::Sandbox {
            base_url,
            account_sid,
            auth_token,
        } => (
            account_sid.clone(),
            runtime::Client::builder(account_sid, auth_token.expose_secret()).base_url(base_url),
        ),
        Upstream::Twilio(t) => {
            let account = t
                .account_sid
                .clone()
                .ok_or_else(|| invalid("twilio.account_sid is not set"))?;
            if !is_account_sid(&account) {
                return Err(invalid("twilio.account_sid is not an AC… SID"));
            }
            let mut builder = match (&t.api_key, &t.api_secret, &t.auth_token) {
                (Some(key), Some(secret), _) => {
                    runtime::Client::builder_with_api_key(&account, key, secret.clone())
                }
                (Some(_), None, _) => {
                    return Err(invalid(
                        "twilio.api_key is set but twilio.api_secret is not",
                    ))
                }
                (None, _, Some(token)) => runtime::Client::builder(&account, token.clone()),
                (None, _, None) => {
                    return Err(invalid(
                        "set twilio.auth_token, or twilio.api_key and twilio.api_secret",
                    ))
                }
            };
            if let Some(base) = &t.base_url {
                builder = builder.base_url(base);
            }
            if let Some(region) = &t.region {
                builder = builder.region(region);
            }
            if let Some(edge) = &t.edge {
                builder = builder.edge(edge);
            }
            (account, builder)
        }
    };
    let client = builder
        .timeout(timeout)
        .retry(runtime::RetryPolicy::default().max_attempts(limits.upstream_attempts.max(1)))
        .max_response_bytes(limits.max_answer_bytes)
        .user_agent_extension("twilio-rs-gateway")
        .build()
        .map_err(|e| invalid(format!("upstream: {e}")))?;
    let forwarder = Forwarder::new(client);
    Ok((
        Accounts {
            main: account,
            subaccounts,
        },
        forwarder,
    ))
}

/// Environment credentials over the file's; the file's other settings stay.
pub fn merge_twilio(
    file: Option<TwilioSection>,
    over: Option<TwilioSection>,
) -> Option<TwilioSection> {
    match (file, over) {
        (file, None) => file,
        (None, Some(over)) => Some(over),
        (Some(mut file), Some(over)) => {
            file.account_sid = over.account_sid.or(file.account_sid);
            if over.auth_token.is_some() || over.api_key.is_some() {
                file.auth_token = over.auth_token;
                file.api_key = over.api_key;
                file.api_secret = over.api_secret;
            }
            file.base_url = over.base_url.or(file.base_url);
            file.region = over.region.or(file.region);
            file.edge = over.edge.or(file.edge);
            if !over.subaccounts.is_empty() {
                file.subaccounts = over.subaccounts;
            }
            Some(file)
        }
    }
}
