//! Renders the results of `scripts/bench` into BENCHMARKS.md, replacing what lies between the
//! `<!-- results:begin -->` and `<!-- results:end -->` markers (nothing else is touched).
//!
//! `bench-report --results DIR --doc BENCHMARKS.md`, where DIR holds `machine.json`,
//! `criterion/` (criterion's output), `allocs.json`, `throughput.json` and `build.json`; a
//! missing file shows as "not measured".

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

const BEGIN: &str = "<!-- results:begin -->";
const END: &str = "<!-- results:end -->";

fn main() {
    if let Err(e) = run() {
        eprintln!("bench-report: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(PathBuf::from)
            .ok_or(format!("{name} is required"))
    };
    let dir = arg("--results")?;
    let doc = arg("--doc")?;
    let table = render(&dir);
    let text = std::fs::read_to_string(&doc).map_err(|e| format!("{}: {e}", doc.display()))?;
    let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
        return Err(format!(
            "{} lacks the {BEGIN} / {END} markers",
            doc.display()
        ));
    };
    if e < b {
        return Err("the end marker comes before the begin marker".into());
    }
    let updated = format!("{}{BEGIN}\n{table}{}", &text[..b], &text[e..]);
    std::fs::write(&doc, updated).map_err(|e| format!("{}: {e}", doc.display()))?;
    print!("{table}");
    Ok(())
}

fn json(path: &Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()
}

fn f(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

fn or_na(v: Option<String>) -> String {
    v.unwrap_or_else(|| "not measured".to_owned())
}

fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

fn render(dir: &Path) -> String {
    let mut out = String::new();
    let machine = json(&dir.join("machine.json")).unwrap_or(Value::Null);
    let m = |k: &str| {
        machine
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let _ = writeln!(
        out,
        "Run of {} on {} ({} cores), {}; mode: {}. Load average (1 min) before / after: {} / {}.\n",
        m("date"),
        m("cpu"),
        m("cores"),
        m("rustc"),
        m("mode"),
        m("load_before"),
        m("load_after"),
    );
    encoding(&mut out, dir);
    throughput(&mut out, dir);
    instructions(&mut out, dir);
    build(&mut out, dir);
    out
}

/// Criterion's median estimate (ns) for `encode/NAME`.
fn criterion_median(dir: &Path, name: &str) -> Option<f64> {
    let v = json(&dir.join(format!("criterion/encode/{name}/new/estimates.json")))?;
    f(v.pointer("/median/point_estimate"))
}

fn encoding(out: &mut String, dir: &Path) {
    let allocs = json(&dir.join("allocs.json")).unwrap_or(Value::Null);
    let ours = criterion_median(dir, "ours");
    let base = criterion_median(dir, "baseline");
    let floor = criterion_median(dir, "floor");
    let _ = writeln!(out, "### 1. Encoding Create Payments, every field set\n");
    let _ = writeln!(
        out,
        "| encoder | median ns/call | minus the reference, ns | allocations/call | bytes allocated/call |\n|---|---:|---:|---:|---:|"
    );
    for (name, key, label) in [
        ("ours", "ours_encode", "ours: `Client::encode`"),
        (
            "baseline",
            "baseline_encode",
            "baseline: HashMap + serde_urlencoded",
        ),
        (
            "floor",
            "floor_encode",
            "reference: pre-rendered pairs, `form_urlencoded` only",
        ),
        (
            "ours_build_and_encode",
            "ours_build_and_encode",
            "ours, builder + encode (for information)",
        ),
    ] {
        let a = allocs.get(key);
        let t = criterion_median(dir, name);
        let above = match name {
            "ours" | "baseline" => t.zip(floor).map(|(t, f)| format!("{:.0}", t - f)),
            _ => Some("—".to_owned()),
        };
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} | {} |",
            or_na(t.map(|v| format!("{v:.0}"))),
            or_na(above),
            or_na(f(a.and_then(|a| a.get("allocs_per_call"))).map(|v| format!("{v:.1}"))),
            or_na(f(a.and_then(|a| a.get("bytes_per_call"))).map(|v| format!("{v:.0}"))),
        );
    }
    let speedup = ours.zip(base).map(|(o, b)| format!("{:.2}×", b / o));
    let sizes = allocs.get("output").map(|o| {
        format!(
            "path {} bytes, body {} bytes",
            o.get("path_len").and_then(Value::as_u64).unwrap_or(0),
            o.get("body_len").and_then(Value::as_u64).unwrap_or(0)
        )
    });
    let ratio = json(&dir.join("ratio.json")).unwrap_or(Value::Null);
    let interleaved = f(ratio.get("speedup_median")).map(|r| format!("{r:.2}×"));
    let versus_reference = f(ratio.get("ours_over_reference_median")).map(|r| format!("{r:.2}"));
    let turns = |r: &Value| {
        format!(
            "{} turns of {} calls each",
            r.get("turns").and_then(Value::as_u64).unwrap_or(0),
            r.get("batch").and_then(Value::as_u64).unwrap_or(0)
        )
    };
    let _ = writeln!(
        out,
        "\nSpeed-up of ours over the baseline, goal ≥ 3×: **{}** measured interleaved (`encode-ratio`, median of per-turn ratios over {}; ns/call there: ours {}, baseline {}, reference {}); {} from the criterion medians above. Ours / reference (interleaved): {}. Output: {}.\n",
        or_na(interleaved),
        turns(&ratio),
        or_na(f(ratio.get("ours_ns")).map(|v| format!("{v:.0}"))),
        or_na(f(ratio.get("baseline_ns")).map(|v| format!("{v:.0}"))),
        or_na(f(ratio.get("floor_ns")).map(|v| format!("{v:.0}"))),
        or_na(speedup),
        or_na(versus_reference),
        or_na(sizes)
    );
}

fn throughput(out: &mut String, dir: &Path) {
    let _ = writeln!(out, "### 2. Loopback throughput, Create Payments\n");
    let Some(t) = json(&dir.join("throughput.json")) else {
        let _ = writeln!(out, "not measured\n");
        return;
    };
    let rows = t
        .get("results")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let get = |mode: &str, c: u64| {
        rows.iter().find(|r| {
            r.get("mode").and_then(Value::as_str) == Some(mode)
                && r.get("concurrency").and_then(Value::as_u64) == Some(c)
        })
    };
    let _ = writeln!(
        out,
        "{} requests per run, median of {} interleaved rounds, each run in its own process.\n",
        t.get("requests").and_then(Value::as_u64).unwrap_or(0),
        t.get("rounds").and_then(Value::as_u64).unwrap_or(0)
    );
    let _ = writeln!(
        out,
        "| concurrency | client | req/s | runs, req/s | client CPU µs/request | peak RSS MiB |\n|---:|---|---:|---|---:|---:|"
    );
    let modes = [
        ("ours", "ours: `create(…).send()`"),
        ("raw", "raw reqwest"),
        ("raw_decode", "raw reqwest + JSON decode"),
        ("openapi", "twilio-openapi"),
    ];
    for c in [1u64, 32] {
        for (mode, label) in modes {
            let Some(r) = get(mode, c) else { continue };
            let runs: Vec<String> = r
                .get("rps_runs")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_f64)
                        .map(|x| format!("{x:.0}"))
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {c} | {label} | {} | {} | {} | {} |",
                or_na(f(r.get("rps_median")).map(|x| format!("{x:.0}"))),
                runs.join(", "),
                or_na(f(r.get("cpu_us_per_request_median")).map(|x| format!("{x:.1}"))),
                or_na(
                    r.get("peak_rss_kib")
                        .and_then(Value::as_u64)
                        .map(|k| format!("{:.1}", k as f64 / 1024.0))
                ),
            );
        }
    }
    let _ = writeln!(
        out,
        "\n| concurrency | ours/raw req/s | ours/raw+decode req/s (goal ≥ 0.95) | ours/openapi req/s (goal ≥ 1.2 at 32) | CPU per request, raw+decode/ours | CPU per request, openapi/ours |\n|---:|---:|---:|---:|---:|---:|"
    );
    for c in [1u64, 32] {
        let rps = |mode| get(mode, c).and_then(|r| f(r.get("rps_median")));
        let cpu = |mode| get(mode, c).and_then(|r| f(r.get("cpu_us_per_request_median")));
        let ratio =
            |x: Option<f64>, y: Option<f64>| or_na(x.zip(y).map(|(x, y)| format!("{:.2}", x / y)));
        let _ = writeln!(
            out,
            "| {c} | {} | {} | {} | {} | {} |",
            ratio(rps("ours"), rps("raw")),
            ratio(rps("ours"), rps("raw_decode")),
            ratio(rps("ours"), rps("openapi")),
            ratio(cpu("raw_decode"), cpu("ours")),
            ratio(cpu("openapi"), cpu("ours")),
        );
    }
    out.push('\n');
}

fn instructions(out: &mut String, dir: &Path) {
    let _ = writeln!(
        out,
        "### 2b. Client instructions per request (valgrind callgrind), Create Payments\n"
    );
    let Some(t) = json(&dir.join("instructions.json")) else {
        let _ = writeln!(
            out,
            "not measured (needs valgrind: `scripts/bench-deps` installs it)\n"
        );
        return;
    };
    let _ = writeln!(
        out,
        "User-space instructions each client executes per request at concurrency {}: the difference between a run of {} and one of {} requests, divided by the difference in requests (start-up cancels out). Deterministic to within about 1%, unlike the timings above.\n",
        t.get("concurrency").and_then(Value::as_u64).unwrap_or(0),
        t.get("large").and_then(Value::as_u64).unwrap_or(0),
        t.get("small").and_then(Value::as_u64).unwrap_or(0),
    );
    let _ = writeln!(
        out,
        "| client | instructions/request | of which `url::Url` parsing | without it | ours / this client (goal ≤ 1.10 against raw + decode) | ours / this client, without URL parsing |\n|---|---:|---:|---:|---:|---:|"
    );
    let modes = t
        .get("modes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let get = |mode: &str| {
        modes
            .iter()
            .find(|m| m.get("mode").and_then(Value::as_str) == Some(mode))
            .map(|m| (f(m.get("per_request")), f(m.get("url_parse_per_request"))))
    };
    let Some((Some(ours), ours_url)) = get("ours") else {
        return;
    };
    for (mode, label) in [
        ("ours", "ours: `create(…).send()`"),
        ("raw", "raw reqwest"),
        ("raw_decode", "raw reqwest + JSON decode"),
        ("openapi", "twilio-openapi (reqwest 0.11)"),
    ] {
        let Some((Some(all), url)) = get(mode) else {
            continue;
        };
        let without = url.map(|u| all - u);
        let ours_without = ours_url.map(|u| ours - u);
        let _ = writeln!(
            out,
            "| {label} | {all:.0} | {} | {} | {:.2} | {} |",
            or_na(url.map(|u| format!("{u:.0}"))),
            or_na(without.map(|w| format!("{w:.0}"))),
            ours / all,
            or_na(
                ours_without
                    .zip(without)
                    .map(|(o, w)| format!("{:.2}", o / w))
            ),
        );
    }
    out.push('\n');
}

fn build(out: &mut String, dir: &Path) {
    let _ = writeln!(out, "### 3. Build cost (dev profile, deps pre-built)\n");
    let Some(b) = json(&dir.join("build.json")) else {
        let _ = writeln!(out, "not measured\n");
        return;
    };
    let secs = |k: &str| -> Vec<f64> {
        b.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    let show = |v: &[f64]| {
        or_na(median(v).map(|m| {
            let all: Vec<String> = v.iter().map(|x| format!("{x:.1}")).collect();
            format!("{m:.1} s (runs: {})", all.join(", "))
        }))
    };
    let num = |k: &str| b.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let (decls, api_lines) = (num("declarations"), num("api_lines"));
    let (ops, oa_lines) = (num("openapi_operations"), num("openapi_lines"));
    let per = |lines: f64, n: f64| {
        if n > 0.0 {
            format!("{:.0}", lines / n)
        } else {
            "?".into()
        }
    };
    let api_clean = secs("api_clean_s");
    let oa_clean = secs("openapi_clean_s");
    let _ = writeln!(
        out,
        "| measure | api (+ macros, runtime) | twilio-openapi 1.2.2 |\n|---|---|---|"
    );
    let _ = writeln!(out, "| operations declared | {decls:.0} | {ops:.0} |");
    let _ = writeln!(
        out,
        "| source lines (all .rs) | {api_lines:.0} | {oa_lines:.0} |"
    );
    let _ = writeln!(
        out,
        "| lines per operation | {} (declaration structs alone: {}) | {} |",
        per(api_lines, decls),
        per(num("decl_lines"), decls),
        per(oa_lines, ops)
    );
    let _ = writeln!(
        out,
        "| clean build | {} | {} |",
        show(&api_clean),
        show(&oa_clean)
    );
    let per_op = |v: &[f64], n: f64| {
        or_na(
            median(v)
                .filter(|_| n > 0.0)
                .map(|m| format!("{:.0} ms", 1000.0 * m / n)),
        )
    };
    let _ = writeln!(
        out,
        "| clean build of the crate alone (its workspace deps built) | {} | {} |",
        show(&secs("api_only_clean_s")),
        show(&oa_clean)
    );
    let _ = writeln!(
        out,
        "| clean build of the crate alone, per operation | {} | {} |",
        per_op(&secs("api_only_clean_s"), decls),
        per_op(&oa_clean, ops)
    );
    let _ = writeln!(
        out,
        "| incremental rebuild after touching `{}` | {} | — |",
        b.get("touched").and_then(Value::as_str).unwrap_or("?"),
        show(&secs("api_incremental_s"))
    );
    out.push('\n');
}
