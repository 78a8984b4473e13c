//! The main job: a full agent-assisted payment, on one command.
//!
//! ```sh
//! cargo run --example pay                # charge 19.99 USD: card number, expiry, security code, postal code
//! cargo run --example pay -- --more      # tokenize a card, then try a card the connector declines
//! cargo run --example pay -- --realistic # the caller types at a human pace (about 11 s); then an
//!                                        # agent who does not wait is refused, as on Twilio
//! ```
//!
//! Runs against the local sandbox (started in-process) unless `TWILIO_ACCOUNT_SID` and
//! `TWILIO_CALL_SID` are set: then against real Twilio on that live call, with
//! `TWILIO_AUTH_TOKEN` (needed to check callback signatures) and `PAY_PUBLIC_URL`, a public URL
//! forwarding to the local callback receiver on `PAY_RECEIVER_PORT` (default 8787).
//! Secrets are never printed. Exits non-zero if any step fails.

use std::process::ExitCode;
use std::time::Duration;

use api::payments::{create, update, Capture, PayStatusCallback, Status, TokenType};
use runtime::{CallSid, Client, PaymentSid};
use rust_decimal::Decimal;
use sandbox::{CallerPace, Received, Receiver, Sandbox, SandboxEvent, TestCard};

const CALLBACK_PATH: &str = "/pay/status";

const FIELDS: [Capture; 4] = [
    Capture::PaymentCardNumber,
    Capture::ExpirationDate,
    Capture::SecurityCode,
    Capture::PostalCode,
];

/// Where the payment runs.
struct Target {
    client: Client,
    /// Kept alive for the whole run; `None` against real Twilio.
    sandbox: Option<Sandbox>,
    receiver: Receiver,
    status_callback: String,
    /// How long to wait for each callback (a real caller types slowly).
    wait: Duration,
    real_call: Option<CallSid>,
}

/// One session's outcome, as the final callback tells it.
struct Outcome {
    result: String,
    final_callback: PayStatusCallback,
}

/// What to show.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// One charge, the caller keying in at once.
    Charge,
    /// Tokenize, then a declined card.
    More,
    /// One charge at a human pace, then an agent who does not wait.
    Realistic,
}

#[tokio::main]
async fn main() -> ExitCode {
    let mut mode = Mode::Charge;
    for arg in std::env::args().skip(1) {
        mode = match arg.as_str() {
            "--more" => Mode::More,
            "--realistic" => Mode::Realistic,
            other => {
                println!("unknown argument {other:?}: use --more or --realistic");
                return ExitCode::FAILURE;
            }
        };
    }
    match run(mode).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            println!("\n✗ FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(mode: Mode) -> Result<(), String> {
    let mut target = Target::connect().await?;
    if mode == Mode::Realistic {
        return realistic(&mut target).await;
    }
    if mode == Mode::Charge {
        let call = target.call(TestCard::visa(), "Visa 4242", CallerPace::INSTANT)?;
        let out = target
            .session(call, Some(Decimal::new(1999, 2)), None)
            .await?;
        let code = out
            .final_callback
            .payment_confirmation_code
            .unwrap_or_default();
        if out.result != "success" || code.is_empty() {
            return Err(format!(
                "the charge did not succeed (Result={})",
                out.result
            ));
        }
        println!("\n✓ charged 19.99 USD, confirmation code {code}");
        return Ok(());
    }

    println!("\n## 1. Tokenize a card (no charge amount; TokenType=reusable)");
    let call = target.call(
        TestCard::mastercard(),
        "Mastercard 4444",
        CallerPace::INSTANT,
    )?;
    let out = target
        .session(call, None, Some(TokenType::Reusable))
        .await?;
    let token = out
        .final_callback
        .payment_token
        .as_ref()
        .map(|t| t.expose().to_owned())
        .unwrap_or_default();
    if out.result != "success" || token.is_empty() {
        return Err(format!(
            "tokenization did not succeed (Result={})",
            out.result
        ));
    }
    println!("✓ card tokenized: PaymentToken {token}");

    println!("\n## 2. Charge a card the connector declines");
    let call = target.call(
        TestCard::declined(),
        "Visa 0002, declined",
        CallerPace::INSTANT,
    )?;
    let out = target
        .session(call, Some(Decimal::new(4200, 2)), None)
        .await?;
    let expected = "payment-connector-error";
    if target.sandbox.is_some() && out.result != expected {
        return Err(format!("expected Result={expected}, got {}", out.result));
    }
    println!(
        "✓ declined as expected: Result={} PaymentError={:?} ConnectorError={:?}",
        out.result,
        out.final_callback.payment_error.unwrap_or_default(),
        out.final_callback.connector_error.unwrap_or_default()
    );
    Ok(())
}

/// A caller at a human pace: the agent waits for each field, as it must on a real call; then an
/// agent who fires every request at once is refused, as Twilio would refuse it.
async fn realistic(target: &mut Target) -> Result<(), String> {
    println!("\n## 1. The caller types at a human pace; the agent waits for each field");
    let call = target.call(TestCard::visa(), "Visa 4242", CallerPace::REALISTIC)?;
    let out = target
        .session(call, Some(Decimal::new(1999, 2)), None)
        .await?;
    if out.result != "success" {
        return Err(format!(
            "the charge did not succeed (Result={})",
            out.result
        ));
    }
    println!("✓ charged 19.99 USD at a human pace");
    let Some(sandbox) = &target.sandbox else {
        println!(
            "(the hurried agent is shown against the sandbox only: it would disturb a live call)"
        );
        return Ok(());
    };

    println!("\n## 2. An agent who does not wait: four Captures and Status=complete at once");
    let mut events = sandbox.events();
    let call = target.call(TestCard::visa(), "Visa 4242", CallerPace::REALISTIC)?;
    let run = format!("{:08x}", fastrand::u32(..));
    let status = target.status_callback.clone();
    let session = create(call, format!("{run}/start"), status.as_str())
        .charge_amount(Decimal::new(1999, 2))
        .send(&target.client)
        .await
        .map_err(|e| format!("create: {e}"))?;
    println!(
        "→ POST …/Calls/{call}/Payments.json\n    ← 201 Created  {}",
        session.sid
    );
    for field in FIELDS {
        update(call, session.sid, format!("{run}/{field}"), status.as_str())
            .capture(field.clone())
            .send(&target.client)
            .await
            .map_err(|e| format!("capture {field}: {e}"))?;
        println!(
            "→ POST …/Payments/{}.json  Capture={field}  (not waiting)\n    ← 202 Accepted",
            session.sid
        );
    }
    let complete = update(
        call,
        session.sid,
        format!("{run}/complete"),
        status.as_str(),
    )
    .status(Status::Complete)
    .send(&target.client)
    .await;
    println!("→ POST …/Payments/{}.json  Status=complete", session.sid);
    match complete {
        Err(e) if e.code() == Some(64019) => println!("    ← 400  {e}"),
        Err(e) => return Err(format!("complete: expected error 64019, got {e}")),
        Ok(_) => {
            return Err("complete succeeded although the caller had keyed nothing in".to_owned())
        }
    }
    while let Some(event) = events.try_next() {
        if let SandboxEvent::KeyingInterrupted(k) = event {
            println!(
                "    (the caller was cut off in {} after {} of {} digits by {})",
                k.field, k.typed, k.digits, k.by
            );
        }
    }
    update(call, session.sid, format!("{run}/cancel"), status.as_str())
        .status(Status::Cancel)
        .send(&target.client)
        .await
        .map_err(|e| format!("cancel: {e}"))?;
    println!(
        "→ POST …/Payments/{}.json  Status=cancel\n    ← 202 Accepted",
        session.sid
    );
    if !sandbox.wait_for_callbacks(target.wait).await {
        return Err("callbacks still pending".to_owned());
    }
    while let Some(received) = target.receiver.next(Duration::ZERO).await {
        let cb = received.callback().map_err(|e| format!("callback: {e}"))?;
        print_callback(&cb, received.signature_valid);
    }
    println!("✓ refused as on Twilio: wait for each field's last callback before the next step");
    Ok(())
}

impl Target {
    async fn connect() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if let (Some(_), Some(call)) = (var("TWILIO_ACCOUNT_SID"), var("TWILIO_CALL_SID")) {
            let client = Client::from_env().map_err(|e| e.to_string())?;
            let token = var("TWILIO_AUTH_TOKEN").ok_or(
                "TWILIO_AUTH_TOKEN is needed to check the callbacks' signatures (they are signed with the auth token, not an API key)",
            )?;
            let public = var("PAY_PUBLIC_URL").ok_or(
                "set PAY_PUBLIC_URL to a public URL (e.g. an ngrok tunnel) that forwards to the local receiver",
            )?;
            let port: u16 = var("PAY_RECEIVER_PORT")
                .map_or(Ok(8787), |p| p.parse())
                .map_err(|e| format!("PAY_RECEIVER_PORT: {e}"))?;
            let call = CallSid::new(&call).map_err(|e| format!("TWILIO_CALL_SID: {e}"))?;
            let receiver = Receiver::builder(token)
                .port(port)
                .public_base(public)
                .start()
                .await
                .map_err(|e| format!("callback receiver: {e}"))?;
            println!(
                "Agent-assisted payment on REAL Twilio ({}), account {}, live call {call}",
                client.base_url(),
                client.account_sid()
            );
            return Ok(Self::with(
                client,
                None,
                receiver,
                Duration::from_secs(120),
                Some(call),
            ));
        }
        let sandbox = Sandbox::start()
            .await
            .map_err(|e| format!("sandbox: {e}"))?;
        let client = sandbox.client().map_err(|e| e.to_string())?;
        let receiver = Receiver::start(sandbox.auth_token())
            .await
            .map_err(|e| format!("callback receiver: {e}"))?;
        println!(
            "Agent-assisted payment against the local Twilio sandbox at {} (account {})",
            sandbox.base_url(),
            sandbox.account_sid()
        );
        println!("(set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_CALL_SID and PAY_PUBLIC_URL to use real Twilio)");
        Ok(Self::with(
            client,
            Some(sandbox),
            receiver,
            Duration::from_secs(10),
            None,
        ))
    }

    fn with(
        client: Client,
        sandbox: Option<Sandbox>,
        receiver: Receiver,
        wait: Duration,
        real_call: Option<CallSid>,
    ) -> Self {
        let status_callback = receiver.url(CALLBACK_PATH);
        println!("Callback receiver: {status_callback} (every X-Twilio-Signature is checked)");
        Self {
            client,
            sandbox,
            receiver,
            status_callback,
            wait,
            real_call,
        }
    }

    /// The call to run on: a sandbox call whose caller keys in `card` at `pace`, or the real
    /// live call.
    fn call(&self, card: TestCard, label: &str, pace: CallerPace) -> Result<CallSid, String> {
        match (&self.sandbox, self.real_call) {
            (_, Some(call)) => Ok(call),
            (Some(sandbox), None) => {
                let call = sandbox.call().card(card).pace(pace).start();
                println!(
                    "  call {call} in progress (the simulated caller will key in {label}, pace {pace})"
                );
                Ok(call)
            }
            (None, None) => Err("no call to run on".to_owned()),
        }
    }

    /// Starts a session, captures every field in turn, completes it.
    async fn session(
        &mut self,
        call: CallSid,
        charge: Option<Decimal>,
        token_type: Option<TokenType>,
    ) -> Result<Outcome, String> {
        let run = format!("{:08x}", fastrand::u32(..));
        let mut request = create(call, format!("{run}/start"), self.status_callback.as_str());
        let what = match (charge, &token_type) {
            (Some(amount), _) => {
                request = request.charge_amount(amount).currency("USD");
                format!("ChargeAmount={amount} Currency=USD")
            }
            (None, Some(t)) => {
                request = request.token_type(t.clone());
                format!("TokenType={t}")
            }
            (None, None) => "tokenize".to_owned(),
        };
        let session = request
            .description("twilio-rs pay example")
            .send(&self.client)
            .await
            .map_err(|e| format!("create: {e}"))?;
        println!(
            "→ POST …/Calls/{call}/Payments.json  {what}\n    ← 201 Created  {}",
            session.sid
        );
        for field in FIELDS {
            self.capture(call, session.sid, &run, field).await?;
        }
        update(
            call,
            session.sid,
            format!("{run}/complete"),
            self.status_callback.as_str(),
        )
        .status(Status::Complete)
        .send(&self.client)
        .await
        .map_err(|e| format!("complete: {e}"))?;
        println!(
            "→ POST …/Payments/{}.json  Status=complete\n    ← 202 Accepted",
            session.sid
        );
        loop {
            let cb = self.next_callback().await?;
            if cb.stage().is_final() {
                return Ok(Outcome {
                    result: cb
                        .result
                        .as_ref()
                        .map_or_else(String::new, |r| r.to_string()),
                    final_callback: cb,
                });
            }
        }
    }

    /// Asks for one field and waits until the caller has keyed it in.
    async fn capture(
        &mut self,
        call: CallSid,
        sid: PaymentSid,
        run: &str,
        field: Capture,
    ) -> Result<(), String> {
        update(
            call,
            sid,
            format!("{run}/capture/{field}"),
            self.status_callback.as_str(),
        )
        .capture(field.clone())
        .send(&self.client)
        .await
        .map_err(|e| format!("capture {field}: {e}"))?;
        println!("→ POST …/Payments/{sid}.json  Capture={field}\n    ← 202 Accepted");
        loop {
            let cb = self.next_callback().await?;
            if cb.stage().is_final() {
                return Err(format!("the session ended while capturing {field}"));
            }
            // Done when the field is no longer required, or was refused (real traffic does
            // not always send PartialResult=false, so that alone is not the signal).
            let done = cb.capture.as_ref() == Some(&field)
                && cb.partial_result != Some(true)
                && (!cb.required.contains(&field) || cb.error_type.is_some());
            if !done {
                continue;
            }
            return match &cb.error_type {
                // A real caller is asked again; the simulated one would key in the same digits.
                Some(error) if self.sandbox.is_some() => {
                    Err(format!("capturing {field} failed: ErrorType={error}"))
                }
                _ => Ok(()),
            };
        }
    }

    /// The next callback, printed; an unsigned or badly signed one is a failure.
    async fn next_callback(&mut self) -> Result<PayStatusCallback, String> {
        let received: Received = self
            .receiver
            .next(self.wait)
            .await
            .ok_or_else(|| format!("no status callback within {:?}", self.wait))?;
        let cb = received
            .callback()
            .map_err(|e| format!("callback to {}: {e}", received.url))?;
        print_callback(&cb, received.signature_valid);
        if !received.signature_valid {
            return Err(format!(
                "callback to {} has a bad X-Twilio-Signature",
                received.url
            ));
        }
        Ok(cb)
    }
}

fn print_callback(cb: &PayStatusCallback, signature_valid: bool) {
    let mut line = format!("    ⇠ callback  {:<10}", format!("{:?}", cb.stage()));
    if let Some(result) = &cb.result {
        line.push_str(&format!(" Result={result}"));
        let extra = [
            (
                "PaymentConfirmationCode",
                cb.payment_confirmation_code.clone(),
            ),
            (
                "PaymentToken",
                cb.payment_token.as_ref().map(|t| t.expose().to_owned()),
            ),
            ("PaymentError", cb.payment_error.clone()),
            ("PayErrorCode", cb.pay_error_code.map(|c| c.to_string())),
        ];
        for (k, v) in extra {
            if let Some(v) = v {
                line.push_str(&format!("  {k}={v}"));
            }
        }
    } else {
        let typing = if cb.partial_result == Some(true) {
            "typing"
        } else {
            "done"
        };
        let capture = cb.capture.as_ref().map_or("-", |c| c.as_str());
        line.push_str(&format!(" {capture:<20} {typing:<6}"));
        // Only the field being captured: the callback also repeats the earlier ones.
        let shown = match capture {
            "payment-card-number" => cb.payment_card_number.as_ref().map(|n| {
                let brand = cb.payment_card_type.as_ref().map_or("", |t| t.as_str());
                format!("PaymentCardNumber={n} {brand}")
            }),
            "expiration-date" => cb
                .expiration_date
                .as_ref()
                .map(|d| format!("ExpirationDate={d}")),
            "security-code" => cb
                .security_code
                .as_ref()
                .map(|c| format!("SecurityCode={c}")),
            "postal-code" => cb
                .payment_card_postal_code
                .as_ref()
                .map(|p| format!("PaymentCardPostalCode={p}")),
            _ => None,
        };
        line.push_str(&format!(" {:<40}", shown.unwrap_or_default()));
        if let Some(error) = &cb.error_type {
            line.push_str(&format!(" ErrorType={error}"));
        }
        let required: Vec<&str> = cb.required.iter().map(|r| r.as_str()).collect();
        line.push_str(&format!(
            " required: {}",
            if required.is_empty() {
                "nothing".to_owned()
            } else {
                required.join(", ")
            }
        ));
    }
    line.push_str(if signature_valid {
        "  [signature ok]"
    } else {
        "  [BAD SIGNATURE]"
    });
    println!("{line}");
}
