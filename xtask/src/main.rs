//! `cargo xtask codegen [--check]`: writes the Api v2010 declarations under `api/src` from
//! Twilio's OpenAPI spec (`../shared/twilio-oai/twilio_api_v2010.json` beside the repository,
//! or the file named by `TWILIO_OAI_SPEC`). With `--check`, writes nothing and fails if the
//! committed files differ from what it would write.
//!
//! The output is formatted with rustfmt and depends only on the spec, so it is reproducible.
//! Files it owns carry a marker line; `api/src/payments` is hand-written and never touched.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod cargo;
mod emit;
mod helpers;
mod names;
mod sids;
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

/// The specs' directory: `TWILIO_OAI_DIR`, the directory of `TWILIO_OAI_SPEC`, or
/// `../shared/twilio-oai` beside the repository.
fn spec_dir(root: &Path) -> PathBuf {
    if let Some(d) = std::env::var_os("TWILIO_OAI_DIR") {
        return PathBuf::from(d);
    }
    if let Some(p) = std::env::var_os("TWILIO_OAI_SPEC") {
        if let Some(parent) = Path::new(&p).parent() {
            return parent.to_path_buf();
        }
    }
    root.join("../shared/twilio-oai")
}

/// `twilio_verify_v2` → (`verify`, `["v2"]`); `twilio_iam_organizations` → (`iam`,
/// `["organizations"]`); `twilio_preview` → (`preview`, `[]`).
fn source_of(stem: &str) -> (String, Vec<String>) {
    let name = stem.strip_prefix("twilio_").unwrap_or(stem);
    match name.rsplit_once('_') {
        Some((product, v))
            if v.starts_with('v') && v.len() > 1 && v[1..].chars().all(|c| c.is_ascii_digit()) =>
        {
            (product.to_owned(), vec![v.to_owned()])
        }
        Some((product, rest)) => (product.to_owned(), vec![rest.to_owned()]),
        None => (name.to_owned(), Vec::new()),
    }
}

fn codegen(check: bool) -> Result<(), String> {
    let root = root();
    let dir = spec_dir(&root);
    let mut specs: Vec<(String, serde_json::Value)> = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read the specs at {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let spec: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_owned();
        specs.push((stem, spec));
    }
    let v2010 = specs
        .iter()
        .find(|(s, _)| s == "twilio_api_v2010")
        .ok_or_else(|| format!("no twilio_api_v2010.json in {}", dir.display()))?;
    let named: Vec<(String, &serde_json::Value)> = specs
        .iter()
        .map(|(stem, spec)| (source_of(stem).0, spec))
        .collect();
    let kinds = sids::collect(&named);
    let mut files: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut ops_total = 0usize;
    // Every product but Api v2010: one crate each under api/products.
    let mut by_product: BTreeMap<String, Vec<spec::Tree>> = BTreeMap::new();
    for (stem, spec) in &specs {
        if stem == "twilio_api_v2010" {
            continue;
        }
        let (product, root_segs) = source_of(stem);
        let src = spec::Source {
            root: root_segs,
            v2010: false,
            host: product.replace('_', "-"),
        };
        let tree = spec::read(spec, &src, &kinds).map_err(|e| format!("{stem}: {e}"))?;
        if tree.modules.is_empty() {
            continue;
        }
        by_product.entry(product).or_default().push(tree);
    }
    let mut products = Vec::new();
    for (name, trees) in &by_product {
        let mut hosts: Vec<String> = trees
            .iter()
            .flat_map(|t| {
                t.modules
                    .values()
                    .flat_map(|m| m.ops.iter().map(|o| o.host.clone()))
            })
            .collect();
        hosts.sort();
        hosts.dedup();
        let ops: usize = trees
            .iter()
            .map(|t| t.modules.values().map(|m| m.ops.len()).sum::<usize>())
            .sum();
        ops_total += ops;
        let mut versions: Vec<String> = trees
            .iter()
            .flat_map(|t| {
                t.modules
                    .keys()
                    .filter(|k| k.len() == 1)
                    .map(|k| k[0].clone())
            })
            .collect();
        versions.sort();
        versions.dedup();
        let product = emit::Product {
            name: name.clone(),
            hosts,
            ops,
            versions,
        };
        let base = root.join("api/products").join(name);
        for (path, text) in emit::product_files(&product, trees) {
            files.insert(base.join(path), text);
        }
        products.push(product);
    }
    let src = spec::Source {
        root: Vec::new(),
        v2010: true,
        host: "api".into(),
    };
    let tree = spec::read(&v2010.1, &src, &kinds).map_err(|e| format!("v2010: {e}"))?;
    ops_total += tree.modules.values().map(|m| m.ops.len()).sum::<usize>();
    for (path, text) in emit::files(&tree, &products) {
        files.insert(root.join("api/src").join(path), text);
    }
    files.insert(
        root.join("runtime/src/sid/kinds.rs"),
        sids::kinds_rs(&kinds, emit::MARKER),
    );
    let manifest = root.join("api/Cargo.toml");
    let current = std::fs::read_to_string(&manifest).map_err(|e| e.to_string())?;
    files.insert(manifest, cargo::api_manifest(&current, &products)?);
    let files = rustfmt(&root, files)?;
    let mut existing = owned_files(&root.join("api/src"))?;
    existing.extend(owned_files(&root.join("api/products"))?);
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
    let ops = ops_total;
    let n_products = products.len();
    if check {
        if differ.is_empty() && stale.is_empty() {
            println!(
                "codegen: {} files up to date ({ops} operations, {n_products} products beside Api v2010, {} SID kinds)",
                files.len(),
                kinds.by_prefix.len()
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
        "codegen: {ops} operations ({n_products} products beside Api v2010, {} SID kinds) in {} files ({} written, {} removed)",
        kinds.by_prefix.len(),
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
    for path in rust_files(dir)? {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.starts_with(emit::MARKER) {
            out.push(path);
        }
    }
    Ok(out)
}

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Result<Vec<PathBuf>, String> {
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
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Formats every Rust file of `files` with rustfmt, in one process: the files are written to a
/// scratch copy of their layout under `target/` (a `mod` line finds its file there) and
/// formatted in place, beside copies of the hand-written files (`api/src/payments`) a generated
/// `mod` line names. One process per file cost about 27 ms each, 77 s for the 2,855 files.
fn rustfmt(
    root: &Path,
    files: BTreeMap<PathBuf, String>,
) -> Result<BTreeMap<PathBuf, String>, String> {
    let scratch = root.join("target/xtask-rustfmt");
    let _ = std::fs::remove_dir_all(&scratch);
    let mut rust = Vec::new();
    for dir in ["api/src", "api/products"] {
        for path in rust_files(&root.join(dir))? {
            if !files.contains_key(&path) {
                let copy = scratch.join(path.strip_prefix(root).map_err(|e| e.to_string())?);
                if let Some(dir) = copy.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                std::fs::copy(&path, &copy).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    for (path, source) in &files {
        if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).map_err(|e| e.to_string())?;
            let copy = scratch.join(rel);
            if let Some(dir) = copy.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&copy, source).map_err(|e| format!("{}: {e}", copy.display()))?;
            rust.push(copy);
        }
    }
    // Batches keep the command line well under the system's limit.
    for batch in rust.chunks(500) {
        let output = Command::new(std::env::var("RUSTFMT").unwrap_or_else(|_| "rustfmt".into()))
            .args(["--edition", "2021", "--quiet"])
            .args(batch)
            .current_dir(root)
            .output()
            .map_err(|e| format!("cannot run rustfmt: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "rustfmt failed (the unformatted files are under {}): {}",
                scratch.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    let mut formatted = BTreeMap::new();
    for (path, source) in files {
        let text = if path.extension().is_some_and(|e| e == "rs") {
            let copy = scratch.join(path.strip_prefix(root).map_err(|e| e.to_string())?);
            std::fs::read_to_string(&copy).map_err(|e| format!("{}: {e}", copy.display()))?
        } else {
            source
        };
        formatted.insert(path, text);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(formatted)
}
