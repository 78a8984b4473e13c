//! Callback delivery: retried when the receiver fails, same idempotency token on every attempt,
//! given up after the configured attempts; 200 sessions on 200 calls in parallel all arrive,
//! in order per session.

use crate::common;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use api::payments::{create, update, Capture, Status};
use common::*;
use sandbox::{Receiver, Sandbox};

#[tokio::test]
async fn a_failing_receiver_gets_the_callback_again() {
    let sandbox = Sandbox::builder()
        .callback_retries(4, Duration::from_millis(10))
        .start()
        .await
        .expect("sandbox");
    let client = sandbox.client().expect("client");
    let mut receiver = Receiver::builder(sandbox.auth_token())
        .fail_first(2)
        .start()
        .await
        .expect("receiver");
    let status = receiver.url("/flaky");
    let call = sandbox.start_call();
    let session = create(call, "flaky/start", status.as_str())
        .send(&client)
        .await
        .expect("create");
    update(call, session.sid, "flaky/zip", status.as_str())
        .capture(Capture::PaymentCardNumber)
        .send(&client)
        .await
        .expect("capture");
    let attempts: Vec<_> = {
        let mut v = Vec::new();
        for _ in 0..3 {
            v.push(receiver.next(WAIT).await.expect("an attempt"));
        }
        v
    };
    assert_eq!(
        attempts.iter().map(|a| a.answered).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    // The same callback each time: same token, same body, valid signature.
    assert!(attempts.iter().all(|a| a.signature_valid));
    assert!(attempts
        .windows(2)
        .all(|w| w[0].idempotency_token == w[1].idempotency_token && w[0].params == w[1].params));
    // The next callback of the session comes only after the retried one.
    let next = receiver.next(WAIT).await.expect("next callback");
    assert_ne!(next.idempotency_token, attempts[0].idempotency_token);
    assert!(sandbox.wait_for_callbacks(WAIT).await);
    let stats = sandbox.callback_stats();
    assert_eq!((stats.delivered, stats.failed), (4, 0));
    assert_eq!(stats.attempts, 6);
}

#[tokio::test]
async fn a_callback_is_given_up_after_every_attempt_failed() {
    let sandbox = Sandbox::builder()
        .callback_retries(2, Duration::from_millis(5))
        .start()
        .await
        .expect("sandbox");
    let client = sandbox.client().expect("client");
    let mut receiver = Receiver::builder(sandbox.auth_token())
        .fail_first(2)
        .start()
        .await
        .expect("receiver");
    let status = receiver.url("/down");
    let call = sandbox.start_call();
    let session = create(call, "down/start", status.as_str())
        .send(&client)
        .await
        .expect("create");
    update(call, session.sid, "down/zip", status.as_str())
        .capture(Capture::ExpirationDate)
        .send(&client)
        .await
        .expect("capture");
    let first = receiver.next(WAIT).await.expect("attempt 1");
    let second = receiver.next(WAIT).await.expect("attempt 2");
    assert_eq!((first.answered, second.answered), (500, 500));
    assert_eq!(first.get("PartialResult"), Some("true"));
    // The queue moves on to the session's next callback.
    let next = receiver.next(WAIT).await.expect("next callback");
    assert_eq!(next.get("PartialResult"), Some("false"));
    assert!(sandbox.wait_for_callbacks(WAIT).await);
    let stats = sandbox.callback_stats();
    assert_eq!((stats.delivered, stats.failed, stats.attempts), (1, 1, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_sessions_in_parallel_all_callbacks_in_order() {
    const SESSIONS: usize = 200;
    let mut env = env().await;
    let env_client = env.client.clone();
    let status = Arc::new(env.status.clone());
    let mut tasks = tokio::task::JoinSet::new();
    let mut calls = Vec::new();
    for i in 0..SESSIONS {
        let call = env.sandbox.start_call();
        calls.push(call);
        let client = env_client.clone();
        let status = status.clone();
        tasks.spawn(async move {
            let session = create(call, format!("par/{i}/start"), status.as_str())
                .charge_amount(rust_decimal::Decimal::new(100 + i as i64, 2))
                .send(&client)
                .await
                .expect("create");
            for field in CARD_FIELDS {
                update(
                    call,
                    session.sid,
                    format!("par/{i}/{field}"),
                    status.as_str(),
                )
                .capture(field)
                .send(&client)
                .await
                .expect("capture");
            }
            update(
                call,
                session.sid,
                format!("par/{i}/complete"),
                status.as_str(),
            )
            .status(Status::Complete)
            .send(&client)
            .await
            .expect("complete");
            (session.sid, i)
        });
    }
    let mut sessions = HashMap::new();
    while let Some(done) = tasks.join_next().await {
        let (sid, i) = done.expect("session task");
        sessions.insert(sid.to_string(), i);
    }
    assert_eq!(sessions.len(), SESSIONS);

    let per_session = expected_capture_sequence().len() + 1;
    let mut received: HashMap<String, Vec<sandbox::Received>> = HashMap::new();
    for _ in 0..SESSIONS * per_session {
        let cb = env
            .receiver
            .next(Duration::from_secs(60))
            .await
            .expect("every callback within the timeout");
        assert!(cb.signature_valid, "{cb:?}");
        received
            .entry(cb.get("Sid").unwrap_or_default().to_owned())
            .or_default()
            .push(cb);
    }
    assert!(env.sandbox.wait_for_callbacks(WAIT).await);
    assert_eq!(
        env.sandbox.callback_stats().delivered,
        (SESSIONS * per_session) as u64
    );
    assert_eq!(env.sandbox.callback_stats().failed, 0);
    assert_eq!(received.len(), SESSIONS);
    for (sid, callbacks) in &received {
        let i = sessions[sid];
        assert_eq!(callbacks.len(), per_session, "{sid}");
        assert_eq!(
            capture_sequence(callbacks),
            expected_capture_sequence(),
            "{sid}"
        );
        let amount = rust_decimal::Decimal::new(100 + i as i64, 2).to_string();
        for cb in callbacks {
            assert_eq!(cb.get("CallSid"), Some(calls[i].as_str()));
            assert_eq!(cb.get("ChargeAmount"), Some(amount.as_str()));
        }
        let last = callbacks.last().expect("final");
        assert_eq!(last.get("Result"), Some("success"), "{sid}");
        assert!(last.get("PaymentConfirmationCode").is_some());
    }
}

#[tokio::test]
async fn every_attempt_is_an_event_with_its_outcome_and_the_wait_before_the_next() {
    let sandbox = Sandbox::builder()
        .callback_retries(3, Duration::from_millis(5))
        .start()
        .await
        .expect("sandbox");
    let client = sandbox.client().expect("client");
    let mut events = sandbox.events();
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!(
            "http://user:hunter2@127.0.0.1:{}/gone",
            listener.local_addr().expect("addr").port()
        )
    };
    let call = sandbox.start_call();
    let session = create(call, "events/start", dead.as_str())
        .send(&client)
        .await
        .expect("create");
    update(call, session.sid, "events/zip", dead.as_str())
        .capture(Capture::PostalCode)
        .send(&client)
        .await
        .expect("capture");
    let mut attempts = Vec::new();
    let mut requests = Vec::new();
    while attempts.len() < 6 {
        match tokio::time::timeout(WAIT, events.next()).await {
            Ok(Some(sandbox::SandboxEvent::Callback(a))) => attempts.push(a),
            Ok(Some(sandbox::SandboxEvent::Request(r))) => requests.push(r),
            Ok(Some(_)) => {}
            other => panic!("events ended early: {other:?} after {attempts:?}"),
        }
    }
    assert_eq!(
        requests.iter().map(|r| r.status).collect::<Vec<_>>(),
        [201, 202]
    );
    assert!(requests.iter().all(|r| r.request_id.starts_with("RQ")));
    let seen: Vec<_> = attempts
        .iter()
        .map(|a| (a.step.as_str(), a.attempt, a.attempts, a.next_retry))
        .collect();
    let ms = |n| Some(Duration::from_millis(n));
    assert_eq!(
        seen,
        [
            ("postal-code typing", 1, 3, ms(5)),
            ("postal-code typing", 2, 3, ms(10)),
            ("postal-code typing", 3, 3, None),
            ("postal-code done", 1, 3, ms(5)),
            ("postal-code done", 2, 3, ms(10)),
            ("postal-code done", 3, 3, None),
        ]
    );
    for a in &attempts {
        assert!(a.url.starts_with("http://user:***@127.0.0.1:"), "{a:?}");
        assert_eq!(a.payment_sid, session.sid.as_str());
        assert_eq!(a.call_sid, call.as_str());
        match &a.outcome {
            sandbox::CallbackOutcome::Failed(why) => {
                assert!(why.starts_with("connection failed: "), "{why}");
                assert!(!why.contains("hunter2"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
    // One token per callback, kept across its attempts.
    assert_eq!(attempts[0].idempotency_token, attempts[2].idempotency_token);
    assert_ne!(attempts[0].idempotency_token, attempts[3].idempotency_token);
    assert!(sandbox.wait_for_callbacks(WAIT).await);
    assert_eq!(sandbox.callback_stats().failed, 2);
}
