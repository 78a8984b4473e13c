//! The gateway's own paths for operators: `/healthz` and Prometheus `/metrics` on the main
//! listener by default; with `metrics_bind`, `/metrics` moves to a listener of its own (a
//! private address only the scraper reaches, as Kong's `status_listen`), and on the main
//! listener it is no path at all.

use crate::common;

use common::*;
use gateway::Gateway;

async fn get(url: String) -> (u16, String) {
    let answer = http().get(url).send().await.expect("answer");
    let status = answer.status().as_u16();
    (status, answer.text().await.expect("text"))
}

async fn one_payment(gateway: &Gateway, key: &TestKey) {
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 1)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-ops"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
}

#[tokio::test]
async fn metrics_are_on_the_main_listener_unless_given_one_of_their_own() {
    let key = TestKey::new("ops", &["*"]);
    let (gateway, _upstream) = gateway_with(&[&key]).await;
    assert_eq!(gateway.metrics_addr(), None);
    one_payment(&gateway, &key).await;
    let (status, text) = get(format!("{}/metrics", gateway.url())).await;
    assert_eq!(status, 200);
    assert!(text.contains("gateway_requests_total"), "{text}");

    let upstream = FaultServer::start().await;
    let mut file = config(&upstream.url(), &[&key]);
    file.metrics_bind = Some("127.0.0.1:0".parse().expect("addr"));
    let gateway = Gateway::builder()
        .config(file)
        .start()
        .await
        .expect("gateway");
    let metrics = gateway.metrics_addr().expect("a metrics listener");
    assert_ne!(metrics, gateway.addr());
    one_payment(&gateway, &key).await;
    // On its own listener: the counts, and health.
    let (status, text) = get(format!("http://{metrics}/metrics")).await;
    assert_eq!(status, 200);
    assert!(
        text.contains(r#"gateway_requests_total{operation="payments.create",status="201"} 1"#),
        "{text}"
    );
    assert_eq!(get(format!("http://{metrics}/healthz")).await.0, 200);
    // Nothing else there: no REST surface, no console.
    assert_eq!(
        get(format!("http://{metrics}{}", payments_path(ACCOUNT, 1)))
            .await
            .0,
        404
    );
    assert_eq!(get(format!("http://{metrics}/console/")).await.0, 404);
    // On the main listener `/metrics` is a path of the REST surface like any other: without
    // a key 401, with one 404 (no operation), Twilio-shaped, the counts nowhere; health stays,
    // for the load balancer.
    let (status, text) = get(format!("{}/metrics", gateway.url())).await;
    assert_eq!(status, 401);
    assert!(!text.contains("gateway_requests_total"), "{text}");
    let answer = http()
        .get(format!("{}/metrics", gateway.url()))
        .header("Authorization", key.basic())
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 404);
    let body: serde_json::Value = answer.json().await.expect("Twilio's error shape");
    assert_eq!(body["status"], 404);
    assert!(!body.to_string().contains("gateway_requests_total"));
    assert_eq!(get(format!("{}/healthz", gateway.url())).await.0, 200);
    // Shutting down stops both listeners.
    gateway.shutdown().await;
    let refused = http().get(format!("http://{metrics}/healthz")).send().await;
    assert!(refused.is_err(), "the metrics listener is closed");
}
