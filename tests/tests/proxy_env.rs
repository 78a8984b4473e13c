//! Without an explicit choice the client takes its proxy from the environment, as curl does.
//! One test in its own binary, because it changes the process environment.

mod support;

use runtime::{Client, ErrorKind, RetryPolicy};
use support::proxy::Proxy;
use support::{create_payment, FaultServer, ACCOUNT, TOKEN};

const BASE: &str = "http://api.twilio.invalid";

fn client(builder: impl FnOnce(runtime::ClientBuilder) -> runtime::ClientBuilder) -> Client {
    builder(
        Client::builder(ACCOUNT, TOKEN)
            .base_url(BASE)
            .retry(RetryPolicy::none()),
    )
    .build()
    .expect("client")
}

#[tokio::test]
async fn the_environment_names_the_proxy_unless_told_otherwise() {
    let server = FaultServer::start().await;
    let proxy = Proxy::start(server.url().replace("http://", "")).await;
    for var in [
        "ALL_PROXY",
        "all_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "no_proxy",
    ] {
        std::env::remove_var(var);
    }
    std::env::set_var("HTTP_PROXY", proxy.url(""));
    std::env::set_var("http_proxy", proxy.url(""));
    std::env::set_var("NO_PROXY", "example.org");

    // The base host does not exist, so only the proxy can answer.
    create_payment(&client(|b| b), 1)
        .await
        .expect("through HTTP_PROXY");
    assert_eq!(proxy.heads().len(), 1);

    // A loopback base URL (the local sandbox) is reached directly, proxy or not.
    let local = Client::builder(ACCOUNT, TOKEN)
        .base_url(server.url())
        .build()
        .expect("client");
    create_payment(&local, 4).await.expect("direct to loopback");
    assert_eq!(proxy.heads().len(), 1, "{:?}", proxy.heads());
    assert_eq!(server.received().len(), 2);

    // `no_proxy()` ignores the environment: the made-up host cannot be reached directly.
    let err = create_payment(&client(|b| b.no_proxy()), 2)
        .await
        .expect_err("direct");
    assert!(
        matches!(err.kind(), ErrorKind::Transport(t) if t.is_connect()),
        "{err}"
    );

    // NO_PROXY naming the host sends it direct too.
    std::env::set_var("NO_PROXY", ".twilio.invalid");
    let err = create_payment(&client(|b| b), 3).await.expect_err("direct");
    assert!(matches!(err.kind(), ErrorKind::Transport(_)), "{err}");
    assert_eq!(proxy.heads().len(), 1, "{:?}", proxy.heads());
    assert_eq!(server.received().len(), 2);
}
