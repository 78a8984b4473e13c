//! Reload and shutdown without dropping requests: a request in flight finishes with the config
//! it started with while the new one applies to the next; shutdown stops accepting and lets
//! requests in flight finish.

use crate::common;

use std::sync::Arc;

use axum::extract::State;
use common::*;
use tokio::sync::{Notify, Semaphore};

/// An upstream that holds every answer until released, and says when a request arrived.
async fn held_upstream() -> (String, Arc<Semaphore>, Arc<Notify>) {
    let release = Arc::new(Semaphore::new(0));
    let arrived = Arc::new(Notify::new());
    async fn answer(
        State((release, arrived)): State<(Arc<Semaphore>, Arc<Notify>)>,
    ) -> (axum::http::StatusCode, &'static str) {
        arrived.notify_one();
        if let Ok(permit) = release.acquire().await {
            permit.forget();
        }
        (
            axum::http::StatusCode::CREATED,
            r#"{"sid":"PK00000000000000000000000000000001"}"#,
        )
    }
    let app = axum::Router::new()
        .fallback(answer)
        .with_state((release.clone(), arrived.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, release, arrived)
}

fn send(
    gateway: &gateway::Gateway,
    key: &TestKey,
    n: u64,
) -> impl std::future::Future<Output = u16> {
    let request = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, n)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form(&format!("k-{n}")));
    async move {
        request
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }
}

#[tokio::test]
async fn a_reload_lets_requests_in_flight_finish_and_applies_to_the_next() {
    let key = TestKey::new("agent", &["payments"]);
    let (url, release, arrived) = held_upstream().await;
    let mut file = config(&url, &[&key]);
    file.limits.upstream_timeout = std::time::Duration::from_secs(10);
    let gateway = gateway::Gateway::builder()
        .config(file.clone())
        .start()
        .await
        .expect("gateway");
    let in_flight = tokio::spawn(send(&gateway, &key, 1));
    arrived.notified().await;
    // Revoke the key while its request is upstream.
    let mut revoked = key.clone();
    revoked.entry.revoked = Some("2026-01-01T00:00:00Z".into());
    file.keys = vec![revoked.entry.clone()];
    assert_eq!(gateway.reload_with(file).expect("reload"), 1);
    release.add_permits(1);
    assert_eq!(
        in_flight.await.expect("task"),
        201,
        "the request in flight finished"
    );
    assert_eq!(
        send(&gateway, &key, 2).await,
        401,
        "the new config applies to the next"
    );
    // A refused reload keeps the running config.
    let mut broken = config(&url, &[]);
    broken.keys.push(gateway::config::KeyEntry {
        secret_sha256: "nope".into(),
        ..key.entry.clone()
    });
    assert!(gateway.reload_with(broken).is_err());
    assert!(gateway.metrics().contains("gateway_config_reloads_total 1"));
}

#[tokio::test]
async fn shutdown_drains_requests_in_flight() {
    let key = TestKey::new("agent", &["payments"]);
    let (url, release, arrived) = held_upstream().await;
    let mut file = config(&url, &[&key]);
    file.limits.upstream_timeout = std::time::Duration::from_secs(10);
    let gateway = gateway::Gateway::builder()
        .config(file)
        .start()
        .await
        .expect("gateway");
    let addr = gateway.addr();
    let in_flight = tokio::spawn(send(&gateway, &key, 1));
    arrived.notified().await;
    let stopping = tokio::spawn(gateway.shutdown());
    // New connections are refused once the listener is closed; the one in flight completes.
    tokio::task::yield_now().await;
    release.add_permits(1);
    assert_eq!(in_flight.await.expect("task"), 201);
    stopping.await.expect("shutdown finished");
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}
