//! `cargo run -p gateway`: the gateway as a server, and `gateway keys …` to manage its keys.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use gateway::keyfile::{self, CreateKey};
use gateway::{Gateway, TwilioSection};

const USAGE: &str = "\
usage:
  gateway [serve] [--config FILE] [--bind ADDR] [--metrics-bind ADDR]
  gateway keys create --name NAME --allow PATTERN... [--rate N/s|N/m|N/h] [--burst N] [--account AC…] [--config FILE]
  gateway keys list [--config FILE]
  gateway keys revoke KEY_ID [--config FILE]

The config file is --config, else $GATEWAY_CONFIG, else ./gateway.toml (when it exists).
Twilio credentials: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and
TWILIO_API_SECRET), else the file's [twilio]; with neither, the embedded sandbox is the upstream.
SIGHUP rereads the config file; SIGTERM or Ctrl-C drains and stops.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("keys") => keys(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("serve") => serve(&args[1..]),
        _ => serve(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gateway: {e}\n\n{USAGE}");
            ExitCode::FAILURE
        }
    }
}

/// `--name value` style options, and the rest.
struct Options {
    config: Option<PathBuf>,
    bind: Option<SocketAddr>,
    metrics_bind: Option<SocketAddr>,
    name: Option<String>,
    allow: Vec<String>,
    rate: Option<String>,
    burst: Option<u32>,
    account: Option<String>,
    positional: Vec<String>,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options {
        config: None,
        bind: None,
        metrics_bind: None,
        name: None,
        allow: Vec::new(),
        rate: None,
        burst: None,
        account: None,
        positional: Vec::new(),
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--config" => o.config = Some(PathBuf::from(value()?)),
            "--bind" => o.bind = Some(value()?.parse().map_err(|e| format!("--bind: {e}"))?),
            "--metrics-bind" => {
                o.metrics_bind = Some(
                    value()?
                        .parse()
                        .map_err(|e| format!("--metrics-bind: {e}"))?,
                );
            }
            "--name" => o.name = Some(value()?),
            "--allow" => o.allow.push(value()?),
            "--rate" => o.rate = Some(value()?),
            "--burst" => o.burst = Some(value()?.parse().map_err(|e| format!("--burst: {e}"))?),
            "--account" => o.account = Some(value()?),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            other => o.positional.push(other.to_owned()),
        }
    }
    Ok(o)
}

fn config_path(given: Option<PathBuf>, must_exist: bool) -> Option<PathBuf> {
    given
        .or_else(|| std::env::var_os("GATEWAY_CONFIG").map(PathBuf::from))
        .or_else(|| {
            let default = PathBuf::from("gateway.toml");
            (!must_exist || default.exists()).then_some(default)
        })
}

fn keys(args: &[String]) -> Result<(), String> {
    use api as _;
    let o = options(args.get(1..).unwrap_or_default())?;
    let path = config_path(o.config.clone(), false).unwrap_or_else(|| "gateway.toml".into());
    match args.first().map(String::as_str) {
        Some("create") => {
            let key = keyfile::create(
                &path,
                &CreateKey {
                    name: o.name.unwrap_or_default(),
                    allow: o.allow,
                    rate: o.rate,
                    burst: o.burst,
                    account: o.account,
                },
            )?;
            println!("{}", keyfile::announce(&key));
            println!(
                "Added to {}; a running gateway applies it on SIGHUP.",
                path.display()
            );
            Ok(())
        }
        Some("list") => {
            for line in keyfile::list(&path)? {
                println!("{line}");
            }
            Ok(())
        }
        Some("revoke") => {
            let id = o.positional.first().ok_or("keys revoke needs a key id")?;
            keyfile::revoke(&path, id)?;
            println!(
                "Revoked {id} in {}; a running gateway applies it on SIGHUP.",
                path.display()
            );
            Ok(())
        }
        _ => Err("keys needs create, list or revoke".into()),
    }
}

/// The environment's Twilio credentials, as the official helpers read them.
fn env_twilio() -> Result<Option<TwilioSection>, String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let Some(account) = var("TWILIO_ACCOUNT_SID") else {
        return Ok(None);
    };
    let section = TwilioSection {
        account_sid: Some(account),
        auth_token: var("TWILIO_AUTH_TOKEN"),
        api_key: var("TWILIO_API_KEY"),
        api_secret: var("TWILIO_API_SECRET"),
        region: var("TWILIO_REGION"),
        edge: var("TWILIO_EDGE"),
        ..TwilioSection::default()
    };
    if section.auth_token.is_none() && section.api_key.is_none() {
        return Err("TWILIO_ACCOUNT_SID is set: set TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET".into());
    }
    Ok(Some(section))
}

fn init_logs() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::{filter, fmt, EnvFilter, Layer as _};
    // Audit lines: JSON on stdout, one per request. Everything else: text on stderr.
    let audit = fmt::layer()
        .json()
        .flatten_event(true)
        .with_writer(std::io::stdout)
        .with_filter(filter::filter_fn(|m| m.target() == "gateway::audit"));
    let logs = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_filter(filter::filter_fn(|m| m.target() != "gateway::audit"));
    tracing_subscriber::registry().with(audit).with(logs).init();
}

fn serve(args: &[String]) -> Result<(), String> {
    let o = options(args)?;
    if let Some(extra) = o.positional.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    init_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let mut builder = Gateway::builder();
        let path = config_path(o.config, true);
        if let Some(path) = &path {
            builder = builder.config_file(path).map_err(|e| e.to_string())?;
        }
        if let Some(section) = env_twilio()? {
            builder = builder.twilio(section);
        }
        if let Some(bind) = o.bind {
            builder = builder.bind(bind);
        }
        if let Some(bind) = o.metrics_bind {
            builder = builder.metrics_bind(bind);
        }
        let gateway = builder.start().await.map_err(|e| e.to_string())?;
        announce(&gateway, path.as_deref());
        wait_for_signals(&gateway).await;
        eprintln!("gateway: draining requests in flight, then stopping");
        gateway.shutdown().await;
        Ok(())
    })
}

fn announce(gateway: &Gateway, path: Option<&std::path::Path>) {
    let url = gateway.url();
    let account = gateway.account_sid();
    println!("Twilio gateway listening on {url}");
    match path {
        Some(p) => println!("  config: {} (SIGHUP rereads it)", p.display()),
        None => println!("  config: none (defaults)"),
    }
    match gateway.metrics_addr() {
        Some(addr) => println!("  metrics:  http://{addr}/metrics (a listener of its own)"),
        None => println!("  metrics:  {url}/metrics"),
    }
    match (gateway.sandbox(), gateway.sandbox_key()) {
        (Some(sandbox), Some((id, secret))) => {
            println!(
                "  upstream: the embedded sandbox at {} (no Twilio credentials configured)",
                sandbox.base_url()
            );
            println!("  account:  {account}");
            // The sandbox's throwaway key, made for this run and shown once so clients can use it.
            println!("  gateway key (this run only): {id}");
            println!("  secret:                      {secret}");
            println!("  console:  {url}/console/");
            println!(
                "Try: curl -u {id}:{secret} {url}/2010-04-01/Accounts/{account}/Calls.json \
                 --data-urlencode To=+15005550006 --data-urlencode From=+15005550001 -d Url=https://example.com/twiml"
            );
        }
        _ => {
            println!("  upstream: Twilio, account {account}");
            println!("  console:  {url}/console/ (sign in with a gateway key)");
        }
    }
}

#[cfg(unix)]
async fn wait_for_signals(gateway: &Gateway) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut hangup), Ok(mut terminate)) = (
        signal(SignalKind::hangup()),
        signal(SignalKind::terminate()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    loop {
        tokio::select! {
            _ = hangup.recv() => match gateway.reload() {
                Ok(generation) => eprintln!("gateway: config reloaded (generation {generation})"),
                Err(e) => eprintln!("gateway: reload refused, the running config stays: {e}"),
            },
            _ = terminate.recv() => return,
            _ = tokio::signal::ctrl_c() => return,
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signals(_gateway: &Gateway) {
    let _ = tokio::signal::ctrl_c().await;
}
