//! Secrets never leak: with every `tracing` event captured at TRACE level (and `log` records
//! bridged into it), drive successes, retries, timeouts and errors through clients holding an
//! auth token and an API secret, then search the log and every error's `Display` and `Debug`
//! for the token, the secret and the Authorization header value.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use api::payments::create;
use base64::Engine as _;
use runtime::{Client, RetryPolicy};
use support::{call_sid, Fault, FaultServer, Plan, RetryAfter, ACCOUNT, TOKEN};

const KEY_SID: &str = "SKbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const SECRET: &str = "sec-9b7e2d41c0a85f36-never-log-me";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn basic(user: &str, secret: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
}

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(3)
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_millis(5))
        .max_retry_after(Duration::from_millis(5))
        .on_retry(|e| tracing::info!(event = ?e, "hook"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_errors_or_debug_output() {
    let captured = Captured::default();
    let sink = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .try_init()
        .expect("the only subscriber in this test binary");

    let server = FaultServer::start().await;
    let token_client = Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .max_response_bytes(64 * 1024)
        .retry(fast())
        .build()
        .expect("client");
    let key_client = Client::builder_with_api_key(ACCOUNT, KEY_SID, SECRET)
        .base_url(server.url())
        .timeout(Duration::from_millis(200))
        .max_response_bytes(64 * 1024)
        .retry(fast())
        .build()
        .expect("client");

    let mut texts = vec![format!("{token_client:?}"), format!("{key_client:?}")];
    let plans = [
        Plan::Healthy,
        Plan::Script([Some(Fault::TooManyRequests(RetryAfter::Seconds(1)))].into()),
        Plan::Always(Fault::Internal500),
        Plan::Always(Fault::BadGatewayHtml502),
        Plan::Always(Fault::Stall),
        Plan::Always(Fault::ProcessThenReset),
        Plan::Script([Some(Fault::TruncatedJson)].into()),
        Plan::Script([Some(Fault::HugeBody)].into()),
    ];
    let mut n = 0;
    let mut errors = 0;
    for plan in plans {
        for client in [&token_client, &key_client] {
            n += 1;
            server.set_plan(plan.clone());
            let call = call_sid(n);
            let result = tokio::time::timeout(
                Duration::from_secs(20),
                create(call.as_str(), format!("k{n}"), "https://example.com/s").send(client),
            )
            .await
            .expect("bounded");
            match result {
                Ok(p) => texts.push(format!("{p:?}")),
                Err(e) => {
                    errors += 1;
                    texts.push(format!("{e}"));
                    texts.push(format!("{e:?}"));
                    texts.push(format!("{:?}", e.kind()));
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        texts.push(format!("{s} / {s:?}"));
                        source = s.source();
                    }
                }
            }
        }
    }
    // A connection that never opens (HTTP stacks like to put the URL in their errors).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let dead_client = Client::builder(ACCOUNT, TOKEN)
        .base_url(dead)
        .retry(fast())
        .build()
        .expect("client");
    let e = create(call_sid(999), "dead", "https://example.com/s")
        .send(&dead_client)
        .await
        .expect_err("refused");
    texts.push(format!("{e} {e:?}"));

    // The secrets really were in play: the server received both Authorization values.
    let token_auth = basic(ACCOUNT, TOKEN);
    let key_auth = basic(KEY_SID, SECRET);
    let sent: Vec<String> = server
        .received()
        .iter()
        .filter_map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(sent.contains(&format!("Basic {token_auth}")));
    assert!(sent.contains(&format!("Basic {key_auth}")));
    assert!(errors >= 8, "{errors} errors");

    let log = String::from_utf8_lossy(&captured.0.lock().unwrap()).into_owned();
    // The log did capture the traffic: requests, retries and failures, with their attempts.
    for expected in [
        "retrying",
        "giving up",
        "response",
        "attempt=",
        "Payments.json",
        "hook",
    ] {
        assert!(log.contains(expected), "log lacks {expected:?}:\n{log}");
    }
    texts.push(log);
    for text in &texts {
        for secret in [
            TOKEN,
            SECRET,
            token_auth.as_str(),
            key_auth.as_str(),
            "Basic ",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked in:\n{text}");
        }
        // Not even a recognisable piece of them.
        for fragment in ["never-log-me", &token_auth[..16], &key_auth[..16]] {
            assert!(!text.contains(fragment), "{fragment:?} leaked in:\n{text}");
        }
    }
}

#[test]
fn a_token_given_where_a_sid_belongs_is_never_repeated_back() {
    // Auth tokens and API secrets are 32 characters: the likeliest mix-up is swapped arguments.
    let token = "0123456789abcdef0123456789abcdef";
    let errors = [
        Client::builder(token, ACCOUNT)
            .build()
            .expect_err("swapped"),
        Client::builder_with_api_key(ACCOUNT, token, KEY_SID)
            .build()
            .expect_err("swapped"),
    ];
    for err in errors {
        let text = format!("{err} {err:?}");
        assert!(!text.contains(token), "{text}");
        assert!(text.contains("SID"), "{text}");
    }
}
