//! Every product over real HTTP on loopback: routing by the declaration's host (one base URL
//! for all products, or one URL per host), PUT and PATCH, JSON bodies, header parameters and
//! requests without credentials. Each declaration here is a hand-written stand-in for one the
//! generator writes from a spec, in the same shape.

use futures_util::TryStreamExt;
use runtime::{Client, ErrorKind, Outcome};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN: &str = "products-test-token";

mod shapes {
    use runtime::{twilio_endpoint, Listed, Page};

    /// Replaces an assistant (PUT with a JSON body and a header parameter, as Assistants v1).
    #[twilio_endpoint(PUT, "/v1/Assistants/<id>", host = "assistants", body = json)]
    pub struct UpdateAssistant {
        /// The assistant.
        #[twilio(rename = "id")]
        pub id: String,
        /// Its new name.
        #[twilio(rename = "name")]
        pub name: Option<String>,
        /// Nested settings: an object member of the JSON body.
        #[twilio(rename = "personality_prompt_details")]
        pub details: Option<serde_json::Value>,
        /// A number member.
        #[twilio(rename = "size")]
        pub size: Option<u32>,
        /// A decimal member: a JSON number, not the text a form would carry.
        #[twilio(rename = "score")]
        pub score: Option<rust_decimal::Decimal>,
        /// A list member.
        #[twilio(rename = "tags")]
        pub tags: Option<Vec<String>>,
        /// A header parameter.
        #[twilio(header = "X-Twilio-Webhook-Enabled")]
        pub webhook_enabled: Option<bool>,
        /// A free-text header parameter, to try a value a header cannot carry.
        #[twilio(header = "X-Note")]
        pub note: Option<String>,
    }

    /// Replaces a SCIM user: a JSON body in SCIM's own media type (as the Organizations API).
    #[twilio_endpoint(PUT, "/Organizations/<OrganizationSid>/scim/Users/<UserSid>", host = "preview-iam", body = json, media = "application/scim+json")]
    pub struct ReplaceScimUser {
        /// The organization.
        pub organization_sid: String,
        /// The user.
        pub user_sid: String,
        /// The user's login name.
        #[twilio(rename = "userName")]
        pub user_name: String,
    }

    /// Changes which countries messages may go to (PATCH with a form body, as Accounts v1).
    #[twilio_endpoint(PATCH, "/v1/Messaging/GeoPermissions", host = "accounts")]
    pub struct UpdateGeoPermissions {
        /// One country.
        pub country_code: String,
        /// Allow or deny.
        pub enabled: bool,
    }

    /// A request that carries no credentials (`auth = none`, as the token endpoint).
    #[twilio_endpoint(POST, "/v1/token", host = "oauth", auth = none)]
    pub struct CreateToken {
        /// The grant.
        #[twilio(rename = "grant_type")]
        pub grant_type: String,
        /// A parameter of the query beside the form body (OAuth v2's `account_sid`).
        #[twilio(rename = "account_sid", query)]
        pub account_sid: Option<String>,
    }

    /// Lists an organization's accounts (OAuth2, as the Organizations API).
    #[twilio_endpoint(GET, "/Organizations/<OrganizationSid>/Accounts", host = "preview-iam", auth = oauth2)]
    pub struct ListOrgAccounts {
        /// The organization.
        pub organization_sid: String,
    }

    /// Lists Verify services, page by page (the `meta` envelope).
    #[twilio_endpoint(GET, "/v2/Services", host = "verify", response = Page<Service>, paged, fn = stream_services)]
    pub struct StreamServices {
        /// How many per page.
        pub page_size: Option<u32>,
    }

    /// A Verify service, as far as the test reads it.
    #[runtime::twilio_model]
    #[derive(Debug)]
    pub struct Service {
        /// Its SID.
        pub sid: String,
    }

    impl Listed for Service {
        const KEY: &'static str = "services";
    }

    /// Lists Verify services (a product other than `api`).
    #[twilio_endpoint(GET, "/v2/Services", host = "verify")]
    pub struct ListServices {
        /// How many per page.
        pub page_size: Option<u32>,
    }

    /// Fetches an Api v2010 account.
    #[twilio_endpoint(GET, "/2010-04-01/Accounts/<Sid>.json")]
    pub struct FetchAccount {
        /// The account.
        pub sid: String,
    }
}

use shapes::{
    create_token, fetch_account, list_org_accounts, list_services, stream_services,
    update_assistant, update_geo_permissions,
};

async fn answering(route: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|r| match r.url.query() {
            Some(q) => format!("{}?{q}", r.url.path()),
            None => r.url.path().to_owned(),
        })
        .collect()
}

#[tokio::test]
async fn a_base_url_routes_other_products_under_their_host_label() {
    let server = answering("/verify/v2/Services").await;
    Mock::given(method("GET"))
        .and(path("/2010-04-01/Accounts/AC1.json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(format!("{}/", server.uri()))
        .build()
        .expect("client");
    list_services()
        .page_size(5u32)
        .send(&client)
        .await
        .expect("verify");
    fetch_account("AC1").send(&client).await.expect("api");
    assert_eq!(
        paths(&server).await,
        [
            "/verify/v2/Services?PageSize=5",
            "/2010-04-01/Accounts/AC1.json"
        ]
    );
    assert_eq!(client.base_url(), server.uri());
    assert_eq!(
        client.host_url("verify").expect("url"),
        format!("{}/verify", server.uri())
    );
}

#[tokio::test]
async fn a_host_url_sends_that_product_alone_elsewhere() {
    let verify = answering("/v2/Services").await;
    let rest = answering("/2010-04-01/Accounts/AC1.json").await;
    let client = Client::builder(AC, TOKEN)
        .base_url(rest.uri())
        .host_base_url("verify", verify.uri())
        .build()
        .expect("client");
    list_services().send(&client).await.expect("verify");
    fetch_account("AC1").send(&client).await.expect("api");
    assert_eq!(paths(&verify).await, ["/v2/Services"]);
    assert_eq!(paths(&rest).await, ["/2010-04-01/Accounts/AC1.json"]);
    // The host is the one of the URL given for it, with the client's credentials.
    let sent = &verify.received_requests().await.expect("recording")[0];
    assert!(sent.headers.get("authorization").is_some());
}

#[test]
fn bad_routing_settings_are_refused_when_building() {
    let err = Client::builder(AC, TOKEN)
        .host_base_url("verify.twilio.com", "http://127.0.0.1:1")
        .build()
        .expect_err("not a label");
    assert!(matches!(err.kind(), ErrorKind::Config(_)), "{err}");
    assert!(err.to_string().contains("verify.twilio.com"), "{err}");
    let err = Client::builder(AC, TOKEN)
        .host_base_url("verify", "ftp://127.0.0.1:1")
        .build()
        .expect_err("not http");
    assert!(matches!(err.kind(), ErrorKind::Config(_)), "{err}");
}

#[tokio::test]
async fn put_sends_a_json_body_and_header_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/assistants/v1/Assistants/aia_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "aia_1"})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    update_assistant("aia_1")
        .name("Ada")
        .details(serde_json::json!({"tone": "calm", "rules": [1, 2]}))
        .size(3u32)
        .score(rust_decimal_macros::dec!(0.75))
        .tags(["a", "b"])
        .webhook_enabled(true)
        .send(&client)
        .await
        .expect("updated");
    let sent = &server.received_requests().await.expect("recording")[0];
    assert_eq!(sent.method.as_str(), "PUT");
    assert_eq!(
        sent.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/json"[..])
    );
    // Declaration order, `None` left out, the nested value as itself; no header parameter
    // and no path parameter in the body.
    assert_eq!(
        std::str::from_utf8(&sent.body).expect("utf-8"),
        r#"{"name":"Ada","personality_prompt_details":{"rules":[1,2],"tone":"calm"},"size":3,"score":0.75,"tags":["a","b"]}"#
    );
    assert_eq!(
        sent.headers
            .get("x-twilio-webhook-enabled")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    assert!(sent.headers.get("x-note").is_none(), "unset header sent");
    assert!(sent.headers.get("authorization").is_some());
}

#[tokio::test]
async fn a_header_value_with_a_line_break_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    let err = update_assistant("aia_1")
        .note("hi\r\nX-Evil: 1")
        .send(&client)
        .await
        .expect_err("refused");
    assert!(
        matches!(err.kind(), ErrorKind::InvalidParams(p) if p.contains("X-Note")),
        "{err}"
    );
    assert_eq!(err.outcome(), Outcome::NotSent);
    assert!(server
        .received_requests()
        .await
        .expect("recording")
        .is_empty());
}

#[tokio::test]
async fn patch_sends_a_form_body() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/accounts/v1/Messaging/GeoPermissions"))
        .and(body_string("CountryCode=FR&Enabled=false"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    update_geo_permissions("FR", false)
        .send(&client)
        .await
        .expect("patched");
    let sent = &server.received_requests().await.expect("recording")[0];
    assert_eq!(sent.method.as_str(), "PATCH");
    assert_eq!(
        sent.headers.get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/x-www-form-urlencoded"[..])
    );
}

#[tokio::test]
async fn auth_none_sends_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    create_token("client_credentials")
        .send(&client)
        .await
        .expect("sent");
    let sent = &server.received_requests().await.expect("recording")[0];
    assert!(sent.headers.get("authorization").is_none());
    assert_eq!(sent.body, b"grant_type=client_credentials");
}

#[tokio::test]
async fn a_query_parameter_beside_a_form_body_goes_in_the_query() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    create_token("client_credentials")
        .account_sid(AC)
        .send(&client)
        .await
        .expect("sent");
    let sent = &server.received_requests().await.expect("recording")[0];
    assert_eq!(sent.url.query(), Some(&*format!("account_sid={AC}")));
    assert_eq!(sent.body, b"grant_type=client_credentials");

    // A server rebuilding the request takes it from the query and body pairs together, and
    // sends it back where it came from.
    use runtime::{FromWire, WireInput};
    let wire = WireInput {
        pairs: vec![
            ("grant_type".into(), "client_credentials".into()),
            ("account_sid".into(), AC.into()),
        ],
        ..WireInput::default()
    };
    let rebuilt = shapes::CreateToken::from_wire(&wire).expect("rebuilt");
    assert_eq!(rebuilt.account_sid.as_deref(), Some(AC));
    let (target, body) = client.encode(&rebuilt).expect("encoded");
    assert!(
        target.ends_with(&format!("/v1/token?account_sid={AC}")),
        "{target}"
    );
    assert_eq!(body.as_deref(), Some("grant_type=client_credentials"));
}

/// Page `i` of three in the `meta` envelope; the links name Twilio's host, absolute.
fn meta_page(i: usize) -> serde_json::Value {
    let link = |p: usize| {
        format!("https://verify.twilio.com/v2/Services?PageSize=2&Page={p}&PageToken=PA{p}")
    };
    serde_json::json!({
        "services": [{"sid": format!("VA{}", 2 * i)}, {"sid": format!("VA{}", 2 * i + 1)}],
        "meta": {
            "page": i, "page_size": 2,
            "first_page_url": "https://verify.twilio.com/v2/Services?PageSize=2&Page=0",
            "previous_page_url": (i > 0).then(|| link(i - 1)),
            "url": link(i),
            "next_page_url": (i < 2).then(|| link(i + 1)),
            "key": "services"
        }
    })
}

async fn meta_server(prefix: &str) -> MockServer {
    let server = MockServer::start().await;
    let route = format!("{prefix}/v2/Services");
    for i in 1..3 {
        Mock::given(method("GET"))
            .and(path(route.as_str()))
            .and(query_param("PageToken", format!("PA{i}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(meta_page(i)))
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(route.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(meta_page(0)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn meta_pages_are_followed_on_the_routed_host_never_the_named_one() {
    for (prefix, by_host) in [("/verify", false), ("", true)] {
        let server = meta_server(prefix).await;
        let builder = Client::builder(AC, TOKEN);
        let builder = if by_host {
            builder.host_base_url("verify", server.uri())
        } else {
            builder.base_url(server.uri())
        };
        let client = builder.build().expect("client");
        let sids: Vec<String> = stream_services()
            .page_size(2u32)
            .stream(&client)
            .map_ok(|s| s.sid)
            .try_collect()
            .await
            .expect("three pages");
        assert_eq!(sids, ["VA0", "VA1", "VA2", "VA3", "VA4", "VA5"]);
        let sent = paths(&server).await;
        assert_eq!(
            sent,
            [
                format!("{prefix}/v2/Services?PageSize=2"),
                format!("{prefix}/v2/Services?PageSize=2&Page=1&PageToken=PA1"),
                format!("{prefix}/v2/Services?PageSize=2&Page=2&PageToken=PA2"),
            ]
        );
        let received = server.received_requests().await.expect("recording");
        assert!(received
            .iter()
            .all(|r| r.headers.get("authorization").is_some()));
    }
}

/// A JWT whose `exp` claim is `exp` (seconds since the epoch); the signature is not checked.
fn jwt(name: &str, exp: u64) -> String {
    use base64::Engine as _;
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(format!(r#"{{"sub":"{name}","exp":{exp}}}"#));
    format!("eyJhbGciOiJIUzI1NiJ9.{claims}.c2ln")
}

fn token_answer(token: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(serde_json::json!({
        "access_token": token, "token_type": "bearer", "expires_in": 1438315200000u64
    }))
}

const FAR: u64 = 4_000_000_000;
const ORG: &str = "OO00000000000000000000000000000000";

async fn org_accounts(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("/preview-iam/Organizations/{ORG}/Accounts")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"content": []})))
        .mount(server)
        .await;
}

fn oauth_client(server: &MockServer) -> Client {
    Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .oauth2(
            "OQ00000000000000000000000000000001",
            "oauth-secret-never-shown",
        )
        .build()
        .expect("client")
}

async fn token_requests(server: &MockServer) -> Vec<Request> {
    let all = server.received_requests().await.expect("recording");
    all.into_iter()
        .filter(|r| r.url.path() == "/oauth/v2/token")
        .collect()
}

#[tokio::test]
async fn an_oauth2_token_is_fetched_once_and_reused() {
    let server = MockServer::start().await;
    let token = jwt("one", FAR);
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .respond_with(token_answer(&token))
        .mount(&server)
        .await;
    org_accounts(&server).await;
    let client = oauth_client(&server);
    for _ in 0..3 {
        list_org_accounts(ORG).send(&client).await.expect("listed");
    }
    let tokens = token_requests(&server).await;
    assert_eq!(tokens.len(), 1, "one token for three calls");
    assert!(tokens[0].headers.get("authorization").is_none());
    assert_eq!(
        std::str::from_utf8(&tokens[0].body).expect("utf-8"),
        "grant_type=client_credentials&client_id=OQ00000000000000000000000000000001&client_secret=oauth-secret-never-shown"
    );
    let calls = server.received_requests().await.expect("recording");
    let bearer = format!("Bearer {token}");
    let api: Vec<_> = calls
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .collect();
    assert_eq!(api.len(), 3);
    assert!(api
        .iter()
        .all(|r| r.headers.get("authorization").map(|v| v.as_bytes()) == Some(bearer.as_bytes())));
    let shown = format!("{client:?}");
    assert!(
        !shown.contains("oauth-secret") && !shown.contains(&token),
        "{shown}"
    );
}

#[tokio::test]
async fn concurrent_callers_share_one_token_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        // Slow, so that every caller asks while the first fetch is under way.
        .respond_with(
            token_answer(&jwt("shared", FAR)).set_delay(std::time::Duration::from_millis(200)),
        )
        .mount(&server)
        .await;
    org_accounts(&server).await;
    let client = oauth_client(&server);
    let calls = (0..5).map(|_| {
        let client = client.clone();
        async move { list_org_accounts(ORG).send(&client).await }
    });
    for result in futures_util::future::join_all(calls).await {
        result.expect("listed");
    }
    assert_eq!(token_requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_expired_token_is_fetched_again_and_a_401_refreshes_once() {
    let server = MockServer::start().await;
    // First an expired token (exp in 1970), then a live one that the server turns down, then
    // a good one.
    let (old, refused, good) = (jwt("old", 1), jwt("refused", FAR), jwt("good", FAR));
    for token in [&old, &refused] {
        Mock::given(method("POST"))
            .and(path("/oauth/v2/token"))
            .respond_with(token_answer(token))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .respond_with(token_answer(&good))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header(
            "authorization",
            format!("Bearer {refused}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "code": 20003, "message": "Authenticate", "status": 401
        })))
        .with_priority(1)
        .mount(&server)
        .await;
    org_accounts(&server).await;
    let client = oauth_client(&server);
    // The expired token is used once (it is all the client has), then replaced.
    list_org_accounts(ORG).send(&client).await.expect("first");
    list_org_accounts(ORG).send(&client).await.expect("second");
    let auths: Vec<String> = server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| {
            let v = r.headers.get("authorization").expect("bearer");
            v.to_str().expect("text").to_owned()
        })
        .collect();
    assert_eq!(
        auths,
        [
            format!("Bearer {old}"),
            format!("Bearer {refused}"),
            format!("Bearer {good}")
        ]
    );
    assert_eq!(token_requests(&server).await.len(), 3);
}

#[tokio::test]
async fn an_oauth2_endpoint_without_oauth2_credentials_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    let err = list_org_accounts(ORG)
        .send(&client)
        .await
        .expect_err("no credentials");
    assert!(matches!(err.kind(), ErrorKind::Config(_)), "{err}");
    assert!(err.to_string().contains("oauth2"), "{err}");
    assert!(server
        .received_requests()
        .await
        .expect("recording")
        .is_empty());
}

#[tokio::test]
async fn a_declared_media_type_is_the_content_type_and_the_only_accept() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/preview-iam/Organizations/OR1/scim/Users/US1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "US1"})))
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    shapes::replace_scim_user("OR1", "US1", "ada")
        .send(&client)
        .await
        .expect("replaced");
    let sent = &server.received_requests().await.expect("recording")[0];
    let values = |name: &str| -> Vec<&[u8]> {
        sent.headers
            .get_all(name)
            .iter()
            .map(|v| v.as_bytes())
            .collect()
    };
    assert_eq!(values("content-type"), [&b"application/scim+json"[..]]);
    assert_eq!(values("accept"), [&b"application/scim+json"[..]]);
    assert_eq!(
        std::str::from_utf8(&sent.body).expect("utf-8"),
        r#"{"userName":"ada"}"#
    );
}

/// An answer the spec writes inline (no schema of its own) reads as a typed model named after
/// its operation: Verify's passkey factor, with its SIDs, dates and enum.
#[tokio::test]
async fn an_inline_answer_reads_as_a_typed_model() {
    use api::verify::v2::services::passkeys::factors::{create, Status};
    let server = MockServer::start().await;
    let answer = serde_json::json!({
        "sid": "YF0123456789abcdef0123456789abcdef",
        "account_sid": AC,
        "service_sid": "VA0123456789abcdef0123456789abcdef",
        "identity": "user-7",
        "friendly_name": "laptop",
        "status": "unverified",
        "factor_type": "passkeys",
        "date_created": "2026-12-04T10:00:00Z",
        "options": {"publicKey": {"timeout": 600000}}
    });
    Mock::given(method("POST"))
        .and(path(
            "/verify/v2/Services/VA0123456789abcdef0123456789abcdef/Passkeys/Factors",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(AC, TOKEN)
        .base_url(server.uri())
        .build()
        .expect("client");
    let factor = create("VA0123456789abcdef0123456789abcdef", "laptop", "user-7")
        .send(&client)
        .await
        .expect("answered");
    assert_eq!(
        factor.sid.as_ref().map(|s| s.as_str()),
        Some("YF0123456789abcdef0123456789abcdef")
    );
    assert_eq!(factor.status, Some(Status::Unverified));
    assert_eq!(
        factor.date_created.map(|d| d.unix_timestamp()),
        Some(1_796_378_400)
    );
    assert_eq!(
        factor
            .options
            .as_ref()
            .map(|o| o["publicKey"]["timeout"].clone()),
        Some(serde_json::json!(600000))
    );
    assert!(factor.unreadable.is_empty(), "{:?}", factor.unreadable);
}
