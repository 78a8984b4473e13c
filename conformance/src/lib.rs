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
pub mod sample;
pub mod spec;
pub mod values;

use std::path::{Path, PathBuf};

use runtime::EndpointInfo;

pub use report::Results;
pub use spec::{Spec, SpecSource};

/// Env var with the Prism server's base URL (`http://127.0.0.1:PORT`).
pub const PRISM_ENV: &str = "PRISM_URL";

/// Env var with the base URL of a Prism serving the oauth product's spec, where the suite's
/// client takes its OAuth2 token for the `auth = oauth2` endpoints (unset: those calls fail
/// for want of a token, and the suite says so).
pub const PRISM_OAUTH_ENV: &str = "PRISM_OAUTH_URL";

/// Runs the static check, and the Prism calls when `prism_url` is given.
pub async fn run(
    endpoints: &[&'static EndpointInfo],
    spec: &Spec,
    prism_url: Option<&str>,
) -> Result<Results, String> {
    let statics = endpoints.iter().map(|e| check::check(e, spec)).collect();
    let calls = match prism_url {
        Some(url) => Some(prism::drive(endpoints, spec, url.trim_end_matches('/')).await?),
        None => None,
    };
    Ok(Results { statics, calls })
}

/// Command-line handling shared by the suite's binaries: `--spec-path` prints the spec file
/// that would be used; `--static-only` skips Prism; otherwise `PRISM_URL` must be set.
/// `--spec FILE` checks the endpoints that FILE has (by host, path and method) against it;
/// `--all-specs DIR` checks every endpoint, statically, against the spec of DIR that has it
/// and prints how many operations are declared. Prints the report and returns it (`Err` for a
/// usage or setup problem).
pub async fn main_with(endpoints: &[&'static EndpointInfo]) -> Result<Results, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--all-specs") {
        let dir = args
            .get(i + 1)
            .ok_or("--all-specs takes the specs' directory")?;
        return all_specs(endpoints, Path::new(dir));
    }
    let (source, only_its_own) = match args.iter().position(|a| a == "--spec") {
        Some(i) => {
            let path = args.get(i + 1).ok_or("--spec takes a spec file")?;
            (
                SpecSource {
                    path: path.into(),
                    origin: "--spec",
                },
                true,
            )
        }
        None => (spec::locate()?, false),
    };
    if args.iter().any(|a| a == "--spec-path") {
        println!("{}", source.path.display());
        eprintln!("spec: {}", source.origin);
        std::process::exit(0);
    }
    let static_only = args.iter().any(|a| a == "--static-only");
    let mut skip_next = false;
    for a in &args {
        if skip_next {
            skip_next = false;
            continue;
        }
        match a.as_str() {
            "--static-only" => {}
            "--spec" => skip_next = true,
            bad => {
                return Err(format!(
                    "unknown argument {bad:?} (use --static-only, --spec FILE, --all-specs DIR or --spec-path)"
                ))
            }
        }
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
    let selected: Vec<&'static EndpointInfo> = if only_its_own {
        endpoints
            .iter()
            .copied()
            .filter(|e| spec.serves(e))
            .collect()
    } else {
        endpoints.to_vec()
    };
    if selected.is_empty() && only_its_own {
        // A spec without operations (iam_scim, verify_v3 at this commit).
        println!("no declared endpoint is served by this spec");
        return Ok(Results {
            statics: Vec::new(),
            calls: None,
        });
    }
    if selected.is_empty() {
        return Err("no endpoints are registered in this binary".into());
    }
    let started = std::time::Instant::now();
    let results = run(&selected, &spec, prism_url.as_deref()).await?;
    print!("{}", results.details());
    println!("\ntook {:.1} s", started.elapsed().as_secs_f64());
    println!("{}", results.summary());
    Ok(results)
}

/// The static check of every endpoint against the spec file (of `dir`) that serves it.
fn all_specs(endpoints: &[&'static EndpointInfo], dir: &Path) -> Result<Results, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let specs: Vec<(PathBuf, Spec)> = files
        .into_iter()
        .map(|p| Spec::load(&p).map(|s| (p, s)))
        .collect::<Result<_, _>>()?;
    let in_specs: usize = specs.iter().map(|(_, s)| s.operation_count()).sum();
    let mut statics = Vec::new();
    for e in endpoints {
        let report = match specs.iter().find(|(_, s)| s.serves(e)) {
            Some((_, s)) => check::check(e, s),
            None => {
                let mut r = check::check(e, &specs[0].1);
                r.mismatches = vec![format!("no spec of {} serves {}", dir.display(), e.host)];
                r
            }
        };
        statics.push(report);
    }
    let results = Results {
        statics,
        calls: None,
    };
    print!("{}", results.details());
    println!(
        "declared operations: {} (the {} specs of {} have {in_specs})",
        endpoints.len(),
        specs.len(),
        dir.display()
    );
    println!("{}", results.summary());
    Ok(results)
}
