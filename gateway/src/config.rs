//! The config file (TOML): where to listen, Twilio's credentials, limits, the console's
//! session key, and the gateway keys. The file is the gateway's only state; `gateway keys …`
//! edits it and a running gateway rereads it on SIGHUP.
//!
//! ```toml
//! bind = "127.0.0.1:8080"
//! public_url = "https://twilio-gw.example.com"   # where page links in answers point
//!
//! [twilio]                 # or TWILIO_ACCOUNT_SID + TWILIO_AUTH_TOKEN (or TWILIO_API_KEY + TWILIO_API_SECRET)
//! account_sid = "AC…"
//! auth_token = "…"
//! subaccounts = ["AC…"]    # accounts keys may act on besides the main one
//!
//! [[keys]]                 # written by `gateway keys create`
//! id = "SK…"
//! name = "agent-desktop"
//! secret_sha256 = "…"
//! allow = ["payments.*", "calls.fetch"]
//! rate = "10/s"
//! burst = 20
//! ```

use std::fmt;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The whole file. `Debug` shows no secret.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Where to listen (default `127.0.0.1:8080`).
    pub bind: Option<SocketAddr>,
    /// Where to serve `/metrics` (with `/healthz`) instead of the main listener, e.g. a
    /// private address only the scraper reaches; the main listener then has no `/metrics`.
    /// Default: none, `/metrics` is on the main listener. Read at start, as `bind` is.
    pub metrics_bind: Option<SocketAddr>,
    /// The URL callers reach the gateway at; page links in answers (`meta.next_page_url`) are
    /// rewritten to it. Default: `http://` + the bound address. Never taken from `Host`.
    pub public_url: Option<String>,
    /// Caps and timeouts.
    #[serde(default)]
    pub limits: Limits,
    /// Twilio's credentials and accounts.
    pub twilio: Option<TwilioSection>,
    /// Console sessions.
    #[serde(default)]
    pub console: ConsoleSection,
    /// The gateway keys.
    #[serde(default)]
    pub keys: Vec<KeyEntry>,
}

/// Caps and timeouts. Durations are written `500ms`, `10s`, `2m`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest request body (default 1 MiB).
    pub max_body_bytes: usize,
    /// Longest path + query (default 8 KiB).
    pub max_uri_bytes: usize,
    /// Time a client has to send its request headers (default `10s`): slow senders are cut off.
    #[serde(with = "duration_text")]
    pub header_timeout: Duration,
    /// Time a client has to send its body (default `30s`).
    #[serde(with = "duration_text")]
    pub body_timeout: Duration,
    /// Time for one upstream attempt (default `30s`).
    #[serde(with = "duration_text")]
    pub upstream_timeout: Duration,
    /// Attempts upstream, the first included, where a resend cannot act twice (default 3).
    pub upstream_attempts: u32,
    /// Largest upstream answer read (default 16 MiB).
    pub max_answer_bytes: usize,
    /// Requests handled at once; more are answered 503 without being sent (default 1024).
    pub max_concurrent: usize,
    /// Time in-flight requests get to finish on shutdown (default `30s`).
    #[serde(with = "duration_text")]
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_uri_bytes: 8 * 1024,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            upstream_timeout: Duration::from_secs(30),
            upstream_attempts: 3,
            max_answer_bytes: 16 * 1024 * 1024,
            max_concurrent: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// Durations as `500ms`, `10s`, `2m`, `1h`.
pub mod duration_text {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    /// Parses `500ms`, `10s`, `2m`, `1h`.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (n, unit) = t.split_at(split);
        let n: u64 = n
            .parse()
            .map_err(|_| format!("duration {text:?}: write it as 500ms, 10s, 2m or 1h"))?;
        match unit.trim() {
            "ms" => Ok(Duration::from_millis(n)),
            "s" => Ok(Duration::from_secs(n)),
            "m" => Ok(Duration::from_secs(n * 60)),
            "h" => Ok(Duration::from_secs(n * 3600)),
            _ => Err(format!("duration {text:?}: the unit is ms, s, m or h")),
        }
    }

    /// Writes whole seconds, or milliseconds.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        if d.subsec_millis() == 0 {
            s.serialize_str(&format!("{}s", d.as_secs()))
        } else {
            s.serialize_str(&format!("{}ms", d.as_millis()))
        }
    }

    /// Reads a duration.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Twilio's credentials: an auth token, or an API key and its secret. `Debug` hides them.
#[derive(Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSection {
    /// The account (`AC…`).
    pub account_sid: Option<String>,
    /// Its auth token.
    pub auth_token: Option<String>,
    /// An API key (`SK…`), instead of the auth token.
    pub api_key: Option<String>,
    /// The API key's secret.
    pub api_secret: Option<String>,
    /// Subaccounts keys may act on.
    #[serde(default)]
    pub subaccounts: Vec<String>,
    /// Another upstream than Twilio (a mock); default Twilio's hosts.
    pub base_url: Option<String>,
    /// A Twilio region (`ie1`).
    pub region: Option<String>,
    /// A Twilio edge (`dublin`).
    pub edge: Option<String>,
}

impl fmt::Debug for TwilioSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TwilioSection")
            .field("account_sid", &self.account_sid)
            .field("api_key", &self.api_key)
            .field("subaccounts", &self.subaccounts)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

/// Console sessions.
#[derive(Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConsoleSection {
    /// The key session cookies are signed with (hex, at least 32 bytes). Give every instance
    /// the same one so a session works on all; without it each start makes a random one.
    pub session_secret: Option<String>,
    /// How long a session lasts (default 12 h).
    pub session_hours: u64,
}

impl fmt::Debug for ConsoleSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsoleSection")
            .field(
                "session_secret",
                &self.session_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("session_hours", &self.session_hours)
            .finish()
    }
}

impl Default for ConsoleSection {
    fn default() -> Self {
        Self {
            session_secret: None,
            session_hours: 12,
        }
    }
}

/// One gateway key as stored.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEntry {
    /// The key id (`SK…`).
    pub id: String,
    /// A name, for people and audit lines.
    pub name: String,
    /// SHA-256 of the secret, hex.
    pub secret_sha256: String,
    /// Operation patterns (`payments.*`, `calls.fetch`, `verify`, `*`).
    pub allow: Vec<String>,
    /// Requests allowed per second/minute/hour: `10/s`, `600/m`, `1000/h` (default `10/s`).
    pub rate: Option<String>,
    /// Requests allowed at once above the rate (default: twice the per-second rate, at least 1).
    pub burst: Option<u32>,
    /// A subaccount the key is bound to: it may act on that account only.
    pub account: Option<String>,
    /// When the key was made (RFC 3339), for `keys list`.
    pub created: Option<String>,
    /// When the key was revoked; a revoked key authenticates nothing.
    pub revoked: Option<String>,
}

/// A key's rate: `count` requests per `per`, with bursts of `burst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// Requests per period.
    pub count: NonZeroU32,
    /// The period.
    pub per: Duration,
    /// Requests allowed at once.
    pub burst: NonZeroU32,
}

/// The default rate of a key: 10 requests a second, bursts of 20.
pub const DEFAULT_RATE: &str = "10/s";

impl Rate {
    /// Parses `10/s`, `600/m`, `1000/h` with an optional burst.
    pub fn parse(text: &str, burst: Option<u32>) -> Result<Self, String> {
        let (count, unit) = text
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("rate {text:?}: write it as N/s, N/m or N/h"))?;
        let count: u32 = count
            .trim()
            .parse()
            .map_err(|_| format!("rate {text:?}: {count:?} is not a whole number"))?;
        let count =
            NonZeroU32::new(count).ok_or_else(|| format!("rate {text:?}: must be at least 1"))?;
        let per = match unit.trim() {
            "s" | "sec" | "second" => Duration::from_secs(1),
            "m" | "min" | "minute" => Duration::from_secs(60),
            "h" | "hour" => Duration::from_secs(3600),
            other => return Err(format!("rate {text:?}: unit {other:?} is not s, m or h")),
        };
        let default_burst = if per == Duration::from_secs(1) {
            count.get().saturating_mul(2)
        } else {
            count.get().min(60)
        };
        let burst = NonZeroU32::new(burst.unwrap_or(default_burst))
            .ok_or_else(|| "burst must be at least 1".to_owned())?;
        Ok(Self { count, per, burst })
    }
}

/// Why the config could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML of this shape.
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// What is wrong (TOML's own message, which quotes the line).
        message: String,
    },
    /// A value is refused.
    #[error("{0}")]
    Invalid(String),
}

impl FileConfig {
    /// Reads and parses a config file.
    pub fn read(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses config text.
    pub fn parse(text: &str) -> Result<Self, String> {
        // TOML's messages quote the offending line; a line holding a secret is cut from them
        // by reporting only the message's first line and the position.
        toml::from_str(text).map_err(|e| {
            let span = e
                .span()
                .map(|s| format!(" (at byte {})", s.start))
                .unwrap_or_default();
            format!("{}{span}", e.message())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_with_default_bursts() {
        let r = Rate::parse("10/s", None).expect("rate");
        assert_eq!(
            (r.count.get(), r.per, r.burst.get()),
            (10, Duration::from_secs(1), 20)
        );
        let r = Rate::parse("600/m", Some(5)).expect("rate");
        assert_eq!(
            (r.count.get(), r.per, r.burst.get()),
            (600, Duration::from_secs(60), 5)
        );
        for bad in ["10", "0/s", "x/s", "10/d", "10/s/s"] {
            assert!(Rate::parse(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_limits_parse() {
        let file =
            FileConfig::parse("[limits]\nupstream_timeout = \"250ms\"\nheader_timeout = \"2s\"\n")
                .expect("config");
        assert_eq!(file.limits.upstream_timeout, Duration::from_millis(250));
        assert_eq!(file.limits.header_timeout, Duration::from_secs(2));
        assert_eq!(file.limits.body_timeout, Duration::from_secs(30));
        assert!(FileConfig::parse("[limits]\nheader_timeout = \"2 days\"\n").is_err());
    }

    #[test]
    fn parse_errors_do_not_quote_secret_lines() {
        let text = "[twilio]\nauth_token = \"sentinel-secret-123\" oops\n";
        let err = FileConfig::parse(text).expect_err("bad toml");
        assert!(!err.contains("sentinel-secret-123"), "{err}");
    }

    #[test]
    fn debug_hides_twilio_secrets() {
        let section = TwilioSection {
            account_sid: Some("AC1".into()),
            auth_token: Some("sentinel-token".into()),
            api_secret: Some("sentinel-secret".into()),
            ..TwilioSection::default()
        };
        let text = format!("{section:?}");
        assert!(!text.contains("sentinel"), "{text}");
    }
}
