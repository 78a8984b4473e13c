//! The `Client`: one connection pool, the credentials, and where requests go.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::error::Error;
use crate::http_client::ProxyChoice;
use crate::oauth::OAuth2;
use crate::retry::RetryPolicy;
use crate::routing::Routes;
use crate::sid::{AccountSid, ApiKeySid};

/// Default total time for one attempt.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Twilio's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";

/// How the client authenticates. `Debug` never shows the token or secret.
#[derive(Clone)]
pub enum Credentials {
    /// Account SID + auth token.
    AuthToken {
        /// The account.
        account_sid: AccountSid,
        /// Its auth token.
        auth_token: SecretString,
    },
    /// API key SID + secret; the account SID still names the account in every path.
    ApiKey {
        /// The account the key belongs to.
        account_sid: AccountSid,
        /// The key (`SK…`).
        key_sid: ApiKeySid,
        /// The key's secret.
        secret: SecretString,
    },
}

impl Credentials {
    /// The account requests act on by default.
    pub fn account_sid(&self) -> &AccountSid {
        match self {
            Credentials::AuthToken { account_sid, .. }
            | Credentials::ApiKey { account_sid, .. } => account_sid,
        }
    }

    fn basic_header(&self) -> Result<HeaderValue, Error> {
        let (user, secret) = match self {
            Credentials::AuthToken {
                account_sid,
                auth_token,
            } => (account_sid.as_str(), auth_token.expose_secret()),
            Credentials::ApiKey {
                key_sid, secret, ..
            } => (key_sid.as_str(), secret.expose_secret()),
        };
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"));
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
            Error::config("the credentials contain characters an HTTP header cannot carry")
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::AuthToken { account_sid, .. } => f
                .debug_struct("AuthToken")
                .field("account_sid", account_sid)
                .field("auth_token", &"[redacted]")
                .finish(),
            Credentials::ApiKey {
                account_sid,
                key_sid,
                ..
            } => f
                .debug_struct("ApiKey")
                .field("account_sid", account_sid)
                .field("key_sid", key_sid)
                .field("secret", &"[redacted]")
                .finish(),
        }
    }
}

/// A Twilio REST client: cheap to clone (the pool and settings are shared).
///
/// ```no_run
/// # async fn demo() -> Result<(), runtime::Error> {
/// let client = runtime::Client::from_env()?;
/// let custom = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
///     .timeout(std::time::Duration::from_secs(10))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) credentials: Credentials,
    pub(crate) authorization: HeaderValue,
    pub(crate) user_agent_header: HeaderValue,
    /// Where each product's requests go.
    pub(crate) routes: Routes,
    /// OAuth2 client credentials and their token, for `auth = oauth2` endpoints.
    pub(crate) oauth2: Option<OAuth2>,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) max_response_bytes: usize,
    pub(crate) user_agent: String,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("credentials", &self.inner.credentials)
            .field("base_url", &self.inner.routes.api_text())
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .field("oauth2", &self.inner.oauth2)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with account SID + auth token.
    pub fn builder(account_sid: &str, auth_token: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(Auth::Token {
            account_sid: account_sid.to_owned(),
            auth_token: SecretString::from(auth_token.into()),
        })
    }

    /// A builder with an API key (`SK…`) and its secret, acting on `account_sid` (`AC…`).
    pub fn builder_with_api_key(
        account_sid: &str,
        key_sid: &str,
        secret: impl Into<String>,
    ) -> ClientBuilder {
        ClientBuilder::new(Auth::Key {
            account_sid: account_sid.to_owned(),
            key_sid: key_sid.to_owned(),
            secret: SecretString::from(secret.into()),
        })
    }

    /// A client from the official environment variables: `TWILIO_ACCOUNT_SID` with
    /// `TWILIO_AUTH_TOKEN`, or with `TWILIO_API_KEY` + `TWILIO_API_SECRET`; `TWILIO_REGION` and
    /// `TWILIO_EDGE` when set.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder_from_env()?.build()
    }

    /// Like [`from_env`](Self::from_env), but returns the builder to adjust further.
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let account = var("TWILIO_ACCOUNT_SID")
            .ok_or_else(|| Error::config("TWILIO_ACCOUNT_SID is not set"))?;
        let mut builder = match (var("TWILIO_API_KEY"), var("TWILIO_API_SECRET")) {
            (Some(key), Some(secret)) => Self::builder_with_api_key(&account, &key, secret),
            (Some(_), None) => {
                return Err(Error::config(
                    "TWILIO_API_KEY is set but TWILIO_API_SECRET is not",
                ))
            }
            _ => {
                let token = var("TWILIO_AUTH_TOKEN").ok_or_else(|| {
                    Error::config("set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET")
                })?;
                Self::builder(&account, token)
            }
        };
        if let Some(region) = var("TWILIO_REGION") {
            builder = builder.region(region);
        }
        if let Some(edge) = var("TWILIO_EDGE") {
            builder = builder.edge(edge);
        }
        Ok(builder)
    }

    /// The account requests act on unless they name another one.
    pub fn account_sid(&self) -> &AccountSid {
        self.inner.credentials.account_sid()
    }

    /// Where requests to `api` (v2010) go, without a trailing `/`: `https://api.twilio.com`,
    /// `https://api.dublin.ie1.twilio.com` with an edge and region, or the base URL set with
    /// [`ClientBuilder::base_url`] (or [`host_base_url`](ClientBuilder::host_base_url) for
    /// `api`). Other products: [`host_url`](Self::host_url).
    pub fn base_url(&self) -> &str {
        self.inner.routes.api_text()
    }

    /// Where requests to the product with this host label go, without a trailing `/`: a
    /// request path is appended to it. `client.host_url("verify")` is
    /// `https://verify.twilio.com` by default, `{base_url}/verify` with a base URL, and the
    /// URL given to [`host_base_url`](ClientBuilder::host_base_url) for that host.
    pub fn host_url(&self, host: &str) -> Result<String, Error> {
        let base = self.inner.routes.base(host)?;
        Ok(base.as_str().trim_end_matches('/').to_owned())
    }

    /// The User-Agent sent with every request.
    pub fn user_agent(&self) -> &str {
        &self.inner.user_agent
    }
}

enum Auth {
    Token {
        account_sid: String,
        auth_token: SecretString,
    },
    Key {
        account_sid: String,
        key_sid: String,
        secret: SecretString,
    },
}

/// Configures a [`Client`]. Nothing is checked until [`build`](Self::build).
pub struct ClientBuilder {
    auth: Auth,
    base_url: Option<String>,
    host_urls: Vec<(String, String)>,
    oauth2: Option<(String, SecretString)>,
    region: Option<String>,
    edge: Option<String>,
    timeout: Duration,
    retry: RetryPolicy,
    max_response_bytes: usize,
    user_agent_extensions: Vec<String>,
    /// The application's own client; the connection settings below are for the one built
    /// without it.
    http_client: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    proxy: Option<ProxyChoice>,
    extra_roots: Vec<Vec<u8>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("host_urls", &self.host_urls)
            .field("oauth2_client_id", &self.oauth2.as_ref().map(|(id, _)| id))
            .field("region", &self.region)
            .field("edge", &self.edge)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    fn new(auth: Auth) -> Self {
        Self {
            auth,
            base_url: None,
            host_urls: Vec::new(),
            oauth2: None,
            region: None,
            edge: None,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent_extensions: Vec::new(),
            http_client: None,
            connect_timeout: None,
            proxy: None,
            extra_roots: Vec::new(),
        }
    }

    /// Sends every product's requests here instead of Twilio (a mock, the local sandbox, a
    /// gateway). Region and edge are ignored when a base URL is set.
    ///
    /// Api v2010 (host `api`) goes to `{url}{path}`; every other product goes under its host
    /// label, `{url}/{host}{path}`: Verify's `/v2/Services` goes to `{url}/verify/v2/Services`,
    /// so the `/v1/Services` of several products never collide. A path in `url` is kept in
    /// front (`https://gw.example/twilio`). [`host_base_url`](Self::host_base_url) routes one
    /// host elsewhere.
    ///
    /// ```
    /// let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
    ///     .base_url("http://127.0.0.1:8080")
    ///     .build()?;
    /// assert_eq!(client.base_url(), "http://127.0.0.1:8080");
    /// assert_eq!(client.host_url("verify")?, "http://127.0.0.1:8080/verify");
    /// # Ok::<(), runtime::Error>(())
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends the requests of one product (its host label: `verify`, `flex-api`, `api`) to
    /// `{url}{path}`, whatever [`base_url`](Self::base_url), region and edge say: one mock
    /// server per product, a proxy in front of one product. Set again for the same host, the
    /// last one wins.
    ///
    /// ```
    /// let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
    ///     .host_base_url("verify", "http://127.0.0.1:4010")
    ///     .build()?;
    /// assert_eq!(client.host_url("verify")?, "http://127.0.0.1:4010");
    /// assert_eq!(client.host_url("messaging")?, "https://messaging.twilio.com");
    /// # Ok::<(), runtime::Error>(())
    /// ```
    pub fn host_base_url(mut self, host: impl Into<String>, url: impl Into<String>) -> Self {
        self.host_urls.push((host.into(), url.into()));
        self
    }

    /// OAuth2 client credentials (an OAuth app's client id and secret) for the endpoints that
    /// authenticate with a bearer token instead of Basic (`auth = oauth2`: the Organizations
    /// API). The token is fetched from Twilio's OAuth token endpoint (`POST /v2/token` on
    /// `oauth`, as twilio-python does; routed like every request) on first use, reused until 30 s before it expires, shared by
    /// concurrent calls, and fetched again once when an answer is 401. The secret and the token
    /// never appear in `Debug`, errors or traces. Other endpoints keep using the account's
    /// Basic credentials; an `oauth2` endpoint called without this is refused before sending.
    pub fn oauth2(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.oauth2 = Some((client_id.into(), SecretString::from(client_secret.into())));
        self
    }

    /// A Twilio region, e.g. `ie1` (hosts `{host}.{edge}.{region}.twilio.com`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// A Twilio edge location, e.g. `dublin`; the region defaults to `us1` when only an edge is set.
    pub fn edge(mut self, edge: impl Into<String>) -> Self {
        self.edge = Some(edge.into());
        self
    }

    /// Total time for one attempt, from sending to the last byte of the answer (default 30 s).
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d;
        self
    }

    /// Time to open a connection (default 10 s): TCP, proxy tunnel and TLS handshake together.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest response body read (default 16 MiB).
    pub fn max_response_bytes(mut self, n: usize) -> Self {
        self.max_response_bytes = n;
        self
    }

    /// Appends `ext` to the User-Agent (as the official helpers' `userAgentExtensions`).
    pub fn user_agent_extension(mut self, ext: impl Into<String>) -> Self {
        self.user_agent_extensions.push(ext.into());
        self
    }

    /// Sends every request through this proxy (`http://host:port` or `https://host:port`,
    /// credentials as `http://user:password@host:port`), whatever the environment says.
    ///
    /// Without this the client does what curl does: `HTTPS_PROXY` (or `HTTP_PROXY` for a plain
    /// `http` base URL), then `ALL_PROXY`, unless `NO_PROXY` lists the host; a loopback base URL
    /// (`localhost`, `127.0.0.1`, `[::1]`: the local sandbox) is always reached directly, as Go's
    /// net/http does. With this, loopback goes through the proxy too. An `https` base URL
    /// is reached through a `CONNECT` tunnel, so TLS runs end to end and the proxy sees neither
    /// the requests nor the credentials.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(ProxyChoice::Fixed(url.into()));
        self
    }

    /// Never uses a proxy, whatever the environment says.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = Some(ProxyChoice::Off);
        self
    }

    /// Trusts this root certificate (PEM, one or more certificates, or DER) besides the
    /// operating system's trust store: a company's TLS-inspecting proxy, a gateway with a
    /// private CA. Checked by [`build`](Self::build).
    pub fn add_root_certificate(mut self, pem_or_der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(pem_or_der.into());
        self
    }

    /// Sends through this reqwest client instead of one the runtime builds: its proxies, TLS
    /// (roots, client certificates, native-tls), connection pool, DNS resolver and default
    /// headers apply. The runtime's own per-attempt [`timeout`](Self::timeout), retries, body
    /// cap, credentials, User-Agent and error types still apply on top.
    ///
    /// The connection settings of this builder ([`proxy`](Self::proxy),
    /// [`no_proxy`](Self::no_proxy), [`add_root_certificate`](Self::add_root_certificate),
    /// [`connect_timeout`](Self::connect_timeout)) configure the client the runtime builds, so
    /// [`build`](Self::build) refuses them beside this: set them on the reqwest client. Keep its
    /// redirect policy at `none()` if a declared 3xx answer must reach you as it came.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "token")
    ///     .http_client(http)
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = match &self.auth {
            Auth::Token {
                account_sid,
                auth_token,
            } => {
                if account_sid.starts_with("SK") {
                    return Err(Error::config(
                        "the account SID is an API key SID (SK…); use Client::builder_with_api_key(account_sid, key_sid, secret): the AC… account SID is still needed",
                    ));
                }
                Credentials::AuthToken {
                    account_sid: parse_account(account_sid)?,
                    auth_token: auth_token.clone(),
                }
            }
            Auth::Key {
                account_sid,
                key_sid,
                secret,
            } => {
                if account_sid.starts_with("SK") && key_sid.starts_with("AC") {
                    return Err(Error::config(
                        "the account SID and API key SID are swapped: pass the AC… account SID first, then the SK… key",
                    ));
                }
                Credentials::ApiKey {
                    account_sid: parse_account(account_sid)?,
                    key_sid: ApiKeySid::new(key_sid)
                        .map_err(|e| Error::config(format!("the API key SID {e}")))?,
                    secret: secret.clone(),
                }
            }
        };
        let secret_empty = match &credentials {
            Credentials::AuthToken { auth_token, .. } => auth_token.expose_secret().is_empty(),
            Credentials::ApiKey { secret, .. } => secret.expose_secret().is_empty(),
        };
        if secret_empty {
            return Err(Error::config("the auth token or API secret is empty"));
        }
        let routes = Routes::new(
            self.base_url.as_deref(),
            self.region.as_deref(),
            self.edge.as_deref(),
            &self.host_urls,
        )?;
        let mut user_agent = format!(
            "twilio-rust-runtime/{} ({} {}) rust/{}",
            env!("CARGO_PKG_VERSION"),
            std::env::consts::OS,
            std::env::consts::ARCH,
            env!("TWILIO_RUSTC_VERSION"),
        );
        for ext in &self.user_agent_extensions {
            user_agent.push(' ');
            user_agent.push_str(ext);
        }
        let user_agent_header = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::config("a User-Agent extension contains characters a header cannot carry")
        })?;
        let http = match self.http_client {
            Some(_)
                if self.proxy.is_some()
                    || self.connect_timeout.is_some()
                    || !self.extra_roots.is_empty() =>
            {
                return Err(Error::config(
                    "proxy(), no_proxy(), add_root_certificate() and connect_timeout() configure the client the runtime builds; with http_client(..) set them on that reqwest client instead",
                ))
            }
            Some(client) => client,
            None => crate::http_client::build(&crate::http_client::Settings {
                base_url: routes.api(),
                connect_timeout: self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                proxy: &self.proxy.unwrap_or_default(),
                extra_roots: &self.extra_roots,
            })?,
        };
        let authorization = credentials.basic_header()?;
        let oauth2 = self
            .oauth2
            .map(|(id, secret)| OAuth2::new(id, secret))
            .transpose()?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                authorization,
                user_agent_header,
                routes,
                oauth2,
                timeout: self.timeout,
                retry: self.retry,
                max_response_bytes: self.max_response_bytes,
                user_agent,
            }),
        })
    }
}

fn parse_account(s: &str) -> Result<AccountSid, Error> {
    AccountSid::new(s).map_err(|e| Error::config(format!("the account SID {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const SK: &str = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    #[test]
    fn hosts_follow_region_and_edge() {
        let host = |r: Option<&str>, e: Option<&str>| {
            let mut b = Client::builder(AC, "t");
            if let Some(r) = r {
                b = b.region(r);
            }
            if let Some(e) = e {
                b = b.edge(e);
            }
            b.build().expect("client").base_url().to_owned()
        };
        assert_eq!(host(None, None), "https://api.twilio.com");
        assert_eq!(host(Some("ie1"), None), "https://api.ie1.twilio.com");
        assert_eq!(
            host(None, Some("dublin")),
            "https://api.dublin.us1.twilio.com"
        );
        assert_eq!(
            host(Some("ie1"), Some("dublin")),
            "https://api.dublin.ie1.twilio.com"
        );
    }

    #[test]
    fn api_key_in_account_slot_is_explained() {
        let err = Client::builder(SK, "t").build().expect_err("SK as account");
        assert!(err.to_string().contains("API key"), "{err}");
        let err = Client::builder_with_api_key(SK, AC, "s")
            .build()
            .expect_err("swapped");
        assert!(err.to_string().contains("swapped"), "{err}");
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Client::builder(AC, "super-secret-token")
            .build()
            .expect("client");
        let k = Client::builder_with_api_key(AC, SK, "super-secret-key")
            .build()
            .expect("client");
        for text in [
            format!("{c:?}"),
            format!("{k:?}"),
            format!("{:?}", c.inner.authorization),
        ] {
            assert!(!text.contains("super-secret"), "{text}");
            assert!(!text.contains("c3VwZXItc2VjcmV0"), "{text}");
        }
        assert!(c.user_agent().starts_with("twilio-rust-runtime/"));
        assert!(c.user_agent().contains(" rust/"));
    }
}
