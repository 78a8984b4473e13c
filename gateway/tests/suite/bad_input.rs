//! Bad input gets a clear 4xx, never a panic, and the gateway keeps serving: oversized
//! bodies, slow senders (slowloris), malformed and non-UTF-8 forms, header injection.

use crate::common;

use std::time::Duration;

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn head(method: &str, target: &str, key: &TestKey, extra: &str) -> String {
    format!(
        "{method} {target} HTTP/1.1\r\nHost: gw\r\nAuthorization: {}\r\n{extra}Connection: close\r\n",
        key.basic()
    )
}

#[tokio::test]
async fn bodies_over_the_cap_are_413_announced_or_streamed() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let path = payments_path(ACCOUNT, 1);
    let big = format!(
        "{}&Description={}",
        payment_form("k"),
        "x".repeat(100 * 1024)
    );
    let announced = format!(
        "{}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{big}",
        head("POST", &path, &key, ""),
        big.len()
    );
    let (status, answer) = raw(&gateway, announced.as_bytes()).await;
    assert_eq!(status, 413, "{answer}");
    assert_eq!(raw_body(&answer)["status"], 413);
    // Chunked: no length announced, the cap still holds.
    let mut chunked = format!(
        "{}Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        head("POST", &path, &key, "")
    );
    for piece in big.as_bytes().chunks(8192) {
        chunked.push_str(&format!(
            "{:x}\r\n{}\r\n",
            piece.len(),
            String::from_utf8_lossy(piece)
        ));
    }
    chunked.push_str("0\r\n\r\n");
    let (status, _) = raw(&gateway, chunked.as_bytes()).await;
    assert_eq!(status, 413);
    assert!(upstream.received().is_empty());
    still_serving(&gateway).await;
}

#[tokio::test]
async fn a_slow_sender_is_cut_off_while_others_are_served() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    // Slowloris: open connections and trickle header bytes, never finishing the head.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = TcpStream::connect(gateway.addr()).await.expect("connect");
        s.write_all(b"POST /2010-04-01/Accounts.json HTTP/1.1\r\nHost: gw\r\n")
            .await
            .expect("write");
        slow.push(s);
    }
    // Meanwhile real callers are served.
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 1)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(payment_form("k-1"))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    // Each slow connection is closed by the gateway (its header deadline is 500 ms here),
    // not held open: reading reaches the end (an answer or none, then EOF).
    for mut s in slow {
        let mut sink = Vec::new();
        let ended = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let _ = s.write_all(b"X-Slow: 1\r\n").await;
                match s.read_buf(&mut sink).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        })
        .await;
        assert!(
            ended.is_ok(),
            "the gateway kept a slow sender's connection open"
        );
    }
    assert_eq!(upstream.received().len(), 1);
    still_serving(&gateway).await;
}

#[tokio::test]
async fn malformed_bodies_get_clear_4xx() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    let path = payments_path(ACCOUNT, 1);
    let form_type = "Content-Type: application/x-www-form-urlencoded\r\n";
    let cases: Vec<(String, Vec<u8>, u16, &str)> = vec![
        (
            form_type.into(),
            b"IdempotencyKey=%ff&StatusCallback=x".to_vec(),
            400,
            "UTF-8",
        ),
        (
            form_type.into(),
            b"IdempotencyKey=\xff\xfe&StatusCallback=x".to_vec(),
            400,
            "UTF-8",
        ),
        (
            form_type.into(),
            b"IdempotencyKey=a%00b&StatusCallback=x".to_vec(),
            400,
            "NUL",
        ),
        (form_type.into(), b"=orphan".to_vec(), 400, "without a name"),
        (
            "Content-Type: application/json\r\n".into(),
            br#"{"IdempotencyKey":"k"}"#.to_vec(),
            415,
            "form body",
        ),
        (
            String::new(),
            payment_form("k").into_bytes(),
            415,
            "Content-Type",
        ),
        (
            form_type.into(),
            b"IdempotencyKey=k&StatusCallback=https://e.com/s&ChargeAmount=lots".to_vec(),
            400,
            "ChargeAmount",
        ),
        (
            form_type.into(),
            b"IdempotencyKey=k&StatusCallback=https://e.com/s&Timeout=601".to_vec(),
            400,
            "Timeout",
        ),
        (
            form_type.into(),
            b"StatusCallback=https://e.com/s".to_vec(),
            400,
            "IdempotencyKey",
        ),
    ];
    for (headers, body, expected, says) in cases {
        let mut request = format!(
            "{}{headers}Content-Length: {}\r\n\r\n",
            head("POST", &path, &key, ""),
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        let (status, answer) = raw(&gateway, &request).await;
        assert_eq!(
            status,
            expected,
            "{}: {answer}",
            String::from_utf8_lossy(&body)
        );
        let message = raw_body(&answer)["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(message.contains(says), "{message:?} should say {says:?}");
    }
    // A GET with a body, a DELETE with a body.
    let get = format!(
        "{}Content-Length: 3\r\n\r\nabc",
        head(
            "GET",
            &format!("/2010-04-01/Accounts/{ACCOUNT}/Calls.json"),
            &key,
            ""
        )
    );
    assert_eq!(raw(&gateway, get.as_bytes()).await.0, 400);
    assert!(upstream.received().is_empty());
    still_serving(&gateway).await;
}

#[tokio::test]
async fn header_injection_stays_inside_a_value() {
    let key = TestKey::new("agent", &["*"]);
    let (gateway, upstream) = gateway_with(&[&key]).await;
    // CR LF in a form value travels as that value, encoded, never as a header.
    let form = format!(
        "{}&Description=x%0D%0AX-Injected%3A%201%0D%0A%0D%0AGET%20/",
        payment_form("k-1")
    );
    let answer = http()
        .post(format!("{}{}", gateway.url(), payments_path(ACCOUNT, 1)))
        .header("Authorization", key.basic())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 201);
    let sent = &upstream.received()[0];
    assert!(sent.header("x-injected").is_none(), "{:?}", sent.headers);
    let form: Vec<(String, String)> = serde_html_form::from_bytes(&sent.body).expect("form");
    assert!(form.contains(&(
        "Description".into(),
        "x\r\nX-Injected: 1\r\n\r\nGET /".into()
    )));
    // A raw header with a bare LF or a NUL: refused by the HTTP parser, the gateway lives on.
    for bad in [
        format!("POST {} HTTP/1.1\r\nHost: gw\r\nAuthorization: {}\nX-Evil: 1\r\nConnection: close\r\n\r\n", payments_path(ACCOUNT, 2), key.basic()),
        format!("POST {} HTTP/1.1\r\nHost: gw\r\nX-Evil: a\0b\r\nConnection: close\r\n\r\n", payments_path(ACCOUNT, 2)),
        "GARBAGE\r\n\r\n".to_owned(),
    ] {
        let (status, answer) = raw(&gateway, bad.as_bytes()).await;
        assert!(status == 0 || (400..500).contains(&status), "{status}: {answer}");
    }
    assert_eq!(upstream.received().len(), 1);
    still_serving(&gateway).await;
}
