//! `cargo xtask codegen [--check]`: writes the Api v2010 declarations under `api/src` from
//! Twilio's OpenAPI spec (`../shared/twilio-oai/twilio_api_v2010.json` beside the repository,
//! or the file named by `TWILIO_OAI_SPEC`). With `--check`, writes nothing and fails if the
//! committed files differ from what it would write.
//!
//! The output is formatted with rustfmt and depends only on the spec, so it is reproducible.
//! Files it owns carry a marker line; `api/src/payments` is hand-written and never touched.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

mod emit;
mod names;
mod spec;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        _ => Err("usage: cargo xtask codegen [--check]".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn spec_path(root: &Path) -> PathBuf {
    match std::env::var_os("TWILIO_OAI_SPEC") {
        Some(p) => PathBuf::from(p),
        None => root.join("../shared/twilio-oai/twilio_api_v2010.json"),
    }
}

fn codegen(check: bool) -> Result<(), String> {
    let root = root();
    let spec_file = spec_path(&root);
    let text = std::fs::read_to_string(&spec_file)
        .map_err(|e| format!("cannot read the spec at {}: {e}", spec_file.display()))?;
    let spec: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the spec is not JSON: {e}"))?;
    let tree = spec::read(&spec)?;
    let out_dir = root.join("api/src");
    let mut files = BTreeMap::new();
    for (path, source) in emit::files(&tree) {
        let formatted = rustfmt(&root, &source).map_err(|e| format!("{path}: {e}"))?;
        files.insert(out_dir.join(path), formatted);
    }
    let existing = owned_files(&out_dir)?;
    let mut differ = Vec::new();
    for (path, content) in &files {
        let current = std::fs::read_to_string(path).ok();
        if current.as_deref() != Some(content.as_str()) {
            differ.push(path.clone());
            if !check {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
                }
                std::fs::write(path, content).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    let stale: Vec<&PathBuf> = existing
        .iter()
        .filter(|p| !files.contains_key(*p))
        .collect();
    if !check {
        for p in &stale {
            std::fs::remove_file(p).map_err(|e| format!("{}: {e}", p.display()))?;
        }
    }
    let ops: usize = tree.modules.values().map(|m| m.ops.len()).sum();
    if check {
        if differ.is_empty() && stale.is_empty() {
            println!(
                "codegen: {} files up to date ({ops} operations)",
                files.len()
            );
            return Ok(());
        }
        for p in &differ {
            eprintln!("differs: {}", p.display());
        }
        for p in &stale {
            eprintln!("stale: {}", p.display());
        }
        return Err("generated files are out of date: run `cargo xtask codegen`".into());
    }
    println!(
        "codegen: {ops} operations in {} files ({} written, {} removed)",
        files.len(),
        differ.len(),
        stale.len()
    );
    Ok(())
}

/// Files under `dir` that carry the generator's marker (so hand-written files are never
/// removed or compared).
fn owned_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(_) => continue,
        };
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                if text.starts_with(emit::MARKER) {
                    out.push(path);
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn rustfmt(root: &Path, source: &str) -> Result<String, String> {
    let mut child = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
        .args(["--edition", "2021", "--emit", "stdout", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(source.as_bytes())
        .map_err(|e| e.to_string())?;
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt failed: {}\n{source}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
