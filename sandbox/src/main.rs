//! `cargo run -p sandbox -- --port 4010`: the sandbox as a standalone server.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use sandbox::{Sandbox, TestCard};

const USAGE: &str = "usage: sandbox [--port N] [--bind IP] [--account-sid AC… --auth-token T] \
[--test-card NUMBER] [--callback-base URL]";

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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--bind" => ip = value()?.parse().map_err(|e| format!("--bind: {e}"))?,
            "--account-sid" => account = Some(value()?),
            "--auth-token" => token = Some(value()?),
            "--test-card" => builder = builder.test_card(TestCard::new(value()?)),
            "--callback-base" => builder = builder.callback_base(value()?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match (account, token) {
        (Some(a), Some(t)) => builder = builder.account(a, t),
        (None, None) => {}
        _ => return Err("--account-sid and --auth-token go together".to_owned()),
    }
    let sandbox = builder
        .bind(SocketAddr::new(ip, port))
        .start()
        .await
        .map_err(|e| e.to_string())?;
    // These are the sandbox's own throwaway credentials, printed so that clients can use them.
    println!("Twilio Pay sandbox listening on {}", sandbox.base_url());
    println!("  TWILIO_ACCOUNT_SID={}", sandbox.account_sid());
    println!("  TWILIO_AUTH_TOKEN={}", sandbox.auth_token());
    println!("  TWILIO_API_KEY={}", sandbox.api_key_sid());
    println!("  TWILIO_API_SECRET={}", sandbox.api_key_secret());
    println!(
        "Start a call: curl -u $TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN {}/2010-04-01/Accounts/{}/Calls.json --data-urlencode To=+15005550006 --data-urlencode From=+15005550001 -d Url=https://example.com/twiml",
        sandbox.base_url(),
        sandbox.account_sid()
    );
    std::future::pending::<()>().await;
    Ok(())
}
