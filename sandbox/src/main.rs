//! `cargo run -p sandbox -- --port 4010`: the sandbox as a standalone server, with a log of
//! every request and callback attempt on standard error.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use sandbox::log::LogFormat;
use sandbox::{CallerPace, Sandbox, TestCard};

const USAGE: &str = "usage: sandbox [--port N] [--bind IP] [--account-sid AC… --auth-token T]
               [--test-card NAME|NUMBER] [--caller-pace instant|realistic]
               [--callback-base URL] [--log-format text|json]
  --test-card    the card callers key in unless the call's To/From number picks one:
                 visa (default), mastercard, amex, discover, jcb, diners-club, declined,
                 insufficient-funds, invalid-number, or a Luhn-valid number of 12-19 digits
  --caller-pace  instant (default): each field is keyed in within its Capture request;
                 realistic: a pause before each field, then a digit every 250 ms
  --log-format   text (default) or json; RUST_LOG chooses what is shown (default warn,sandbox=info)";

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("sandbox: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sandbox: {e}\n{USAGE}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let mut port = 4010u16;
    let mut ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let mut builder = Sandbox::builder();
    let (mut account, mut token) = (None, None);
    let mut log_format = LogFormat::Text;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--bind" => ip = value()?.parse().map_err(|e| format!("--bind: {e}"))?,
            "--account-sid" => account = Some(value()?),
            "--auth-token" => token = Some(value()?),
            "--test-card" => {
                let card: TestCard = value()?.parse().map_err(|e| format!("--test-card: {e}"))?;
                builder = builder.test_card(card);
            }
            "--caller-pace" => {
                let pace: CallerPace = value()?
                    .parse()
                    .map_err(|e| format!("--caller-pace: {e}"))?;
                builder = builder.caller_pace(pace);
            }
            "--callback-base" => builder = builder.callback_base(value()?),
            "--log-format" => {
                log_format = value()?.parse().map_err(|e| format!("--log-format: {e}"))?;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let token_given = token.is_some();
    match (account, token) {
        (Some(a), Some(t)) => builder = builder.account(a, t),
        (None, None) => {}
        _ => return Err("--account-sid and --auth-token go together".to_owned()),
    }
    sandbox::log::init(log_format)?;
    let sandbox = builder
        .bind(SocketAddr::new(ip, port))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        target: "sandbox::server",
        base_url = sandbox.base_url(),
        account_sid = sandbox.account_sid(),
        test_card = ?sandbox.default_card(),
        caller_pace = %sandbox.default_pace(),
        "listening on {} for account {} (default card {}, caller pace {})",
        sandbox.base_url(),
        sandbox.account_sid(),
        sandbox
            .default_card()
            .name()
            .unwrap_or("given with --test-card"),
        sandbox.default_pace()
    );
    // The banner on standard output, the log on standard error. The generated credentials are
    // the sandbox's own throwaway ones, printed so that clients can use them; a token given with
    // --auth-token is not echoed.
    println!("Twilio Pay sandbox listening on {}", sandbox.base_url());
    println!("  TWILIO_ACCOUNT_SID={}", sandbox.account_sid());
    if token_given {
        println!("  TWILIO_AUTH_TOKEN=(the one given with --auth-token)");
    } else {
        println!("  TWILIO_AUTH_TOKEN={}", sandbox.auth_token());
    }
    println!("  TWILIO_API_KEY={}", sandbox.api_key_sid());
    println!("  TWILIO_API_SECRET={}", sandbox.api_key_secret());
    println!(
        "Start a call: curl -u $TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN {}/2010-04-01/Accounts/{}/Calls.json --data-urlencode To=+15005554242 --data-urlencode From=+15005550006 -d Url=https://example.com/twiml",
        sandbox.base_url(),
        sandbox.account_sid()
    );
    println!("  (the To number picks the card: +15005550002 is declined, +15005560002 the same at a human pace; see the README)");
    std::future::pending::<()>().await;
    Ok(())
}
