use api::payments::{create, update, Capture};
use rust_decimal_macros::dec;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn smoke() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"account_sid":"ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","call_sid":"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","sid":"PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","date_created":"Wed, 18 Dec 2019 20:02:01 +0000","date_updated":"Wed, 18 Dec 2019 20:02:01 +0000","uri":"/x"});
    Mock::given(method("POST")).and(path("/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments.json"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&body)).mount(&server).await;
    Mock::given(method("POST")).and(path("/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Payments/PKaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"))
        .respond_with(ResponseTemplate::new(202).set_body_json(&body)).mount(&server).await;
    let client = runtime::Client::builder("ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "tok")
        .base_url(server.uri())
        .build()
        .unwrap();
    let call_sid = "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let session = create(
        call_sid,
        "order-1234/start",
        "https://example.com/pay/status",
    )
    .charge_amount(dec!(19.99))
    .valid_card_types([api::payments::CardType::Visa, api::payments::CardType::Amex])
    .send(&client)
    .await
    .unwrap();
    update(
        call_sid,
        session.sid,
        "order-1234/card",
        "https://example.com/pay/status",
    )
    .capture(Capture::PaymentCardNumber)
    .send(&client)
    .await
    .unwrap();
    for r in server.received_requests().await.unwrap() {
        println!(
            "{} {} {:?}",
            r.method,
            r.url,
            String::from_utf8_lossy(&r.body)
        );
        for (k, v) in r.headers.iter() {
            println!("  {k}: {v:?}");
        }
    }
    let e = create(call_sid, "", "not a url")
        .timeout(0)
        .charge_amount(dec!(1000000))
        .send(&client)
        .await
        .unwrap_err();
    println!("{e}");
    for i in runtime::endpoints() {
        println!("{} {} {}", i.name, i.method, i.path);
    }
}
