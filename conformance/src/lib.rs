//! Conformance with Twilio's official OpenAPI spec, for every endpoint linked into the program
//! (`runtime::endpoints()`):
//!
//! - [`check`]: a static check of each declaration against its spec operation (method, path,
//!   parameter names, kinds, required flags, enum values, response fields);
//! - [`prism`]: each declaration driven through the real `runtime::Client` against `prism mock`
//!   twice (required parameters only, then all), expecting 2xx and a body that parses into the
//!   declared response type.
//!
//! `scripts/conformance` installs the pinned tools, starts Prism and runs the `conformance`
//! binary; `conformance-fixture` proves the suite catches a wrong declaration.
#![deny(missing_docs)]

pub mod check;
pub mod prism;
pub mod report;
pub mod spec;
pub mod values;

use runtime::EndpointInfo;

pub use report::Results;
pub use spec::{Spec, SpecSource};

/// Env var with the Prism server's base URL (`http://127.0.0.1:PORT`).
pub const PRISM_ENV: &str = "PRISM_URL";

/// Runs the static check, and the Prism calls when `prism_url` is given.
pub async fn run(
    endpoints: &[&'static EndpointInfo],
    spec: &Spec,
    prism_url: Option<&str>,
) -> Result<Results, String> {
    let statics = endpoints.iter().map(|e| check::check(e, spec)).collect();
    let calls = match prism_url {
        Some(url) => Some(prism::drive(endpoints, url.trim_end_matches('/')).await?),
        None => None,
    };
    Ok(Results { statics, calls })
}

/// Command-line handling shared by the suite's binaries: `--spec-path` prints the spec file
/// that would be used; `--static-only` skips Prism; otherwise `PRISM_URL` must be set.
/// Prints the report and returns it (`Err` for a usage or setup problem).
pub async fn main_with(endpoints: &[&'static EndpointInfo]) -> Result<Results, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = spec::locate()?;
    if args.iter().any(|a| a == "--spec-path") {
        println!("{}", source.path.display());
        eprintln!("spec: {}", source.origin);
        std::process::exit(0);
    }
    let static_only = args.iter().any(|a| a == "--static-only");
    if let Some(bad) = args.iter().find(|a| *a != "--static-only") {
        return Err(format!(
            "unknown argument {bad:?} (use --static-only or --spec-path)"
        ));
    }
    println!("spec: {} ({})", source.path.display(), source.origin);
    let spec = Spec::load(&source.path)?;
    let prism_url = match (static_only, std::env::var(PRISM_ENV)) {
        (true, _) => None,
        (false, Ok(url)) => Some(url),
        (false, Err(_)) => {
            return Err(format!(
            "{PRISM_ENV} is not set: run scripts/conformance (starts Prism), or pass --static-only"
        ))
        }
    };
    if endpoints.is_empty() {
        return Err("no endpoints are registered in this binary".into());
    }
    let started = std::time::Instant::now();
    let results = run(endpoints, &spec, prism_url.as_deref()).await?;
    print!("{}", results.details());
    println!("\ntook {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", results.summary());
    Ok(results)
}
