//! `gateway keys create|list|revoke`: edits the `[[keys]]` of a config file in place (its
//! comments and layout kept), writes it back atomically with owner-only permissions, and
//! shows a new key's secret once. A running gateway applies the change on SIGHUP.

use std::path::Path;

use secrecy::ExposeSecret;
use toml_edit::{value, Array, ArrayOfTables, DocumentMut, Item, Table};

use crate::allow::AllowList;
use crate::config::{FileConfig, Rate, DEFAULT_RATE};
use crate::keys::NewKey;

/// What `keys create` takes.
#[derive(Debug, Clone, Default)]
pub struct CreateKey {
    /// The key's name.
    pub name: String,
    /// Operation patterns.
    pub allow: Vec<String>,
    /// The rate (`10/s`).
    pub rate: Option<String>,
    /// The burst.
    pub burst: Option<u32>,
    /// A subaccount to bind the key to.
    pub account: Option<String>,
}

fn read(path: &Path) -> Result<DocumentMut, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    text.parse::<DocumentMut>()
        .map_err(|e| format!("{}: {}", path.display(), e.message()))
}

fn write(path: &Path, doc: &DocumentMut) -> Result<(), String> {
    // The file must still be a valid config before it replaces the old one.
    let text = doc.to_string();
    FileConfig::parse(&text).map_err(|e| format!("the edited config would be invalid: {e}"))?;
    let tmp = path.with_extension("toml.tmp");
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut f = options
            .open(&tmp)
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        f.write_all(text.as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))
}

fn keys_mut(doc: &mut DocumentMut) -> Result<&mut ArrayOfTables, String> {
    let item = doc
        .entry("keys")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    item.as_array_of_tables_mut()
        .ok_or_else(|| "`keys` in the config is not a list of [[keys]] tables".to_owned())
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Adds a key to the file; returns it (its secret is not stored anywhere).
pub fn create(path: &Path, spec: &CreateKey) -> Result<NewKey, String> {
    if spec.name.trim().is_empty() {
        return Err("a key needs a --name".into());
    }
    if spec.allow.is_empty() {
        return Err(
            "a key needs at least one --allow pattern (e.g. payments.*, calls.fetch, *)".into(),
        );
    }
    let operations: Vec<String> = runtime::endpoints().iter().map(|i| i.operation()).collect();
    AllowList::parse(&spec.allow, operations.iter().map(String::as_str))
        .map_err(|e| e.to_string())?;
    Rate::parse(spec.rate.as_deref().unwrap_or(DEFAULT_RATE), spec.burst)?;
    let mut doc = read(path)?;
    let key = NewKey::generate().map_err(|e| format!("random source: {e}"))?;
    let mut table = Table::new();
    table.insert("id", value(&key.id));
    table.insert("name", value(spec.name.trim()));
    table.insert("secret_sha256", value(key.digest.to_hex()));
    let mut allow = Array::new();
    for pattern in &spec.allow {
        allow.push(pattern.as_str());
    }
    table.insert("allow", value(allow));
    table.insert("rate", value(spec.rate.as_deref().unwrap_or(DEFAULT_RATE)));
    if let Some(burst) = spec.burst {
        table.insert("burst", value(i64::from(burst)));
    }
    if let Some(account) = &spec.account {
        table.insert("account", value(account));
    }
    table.insert("created", value(now()));
    keys_mut(&mut doc)?.push(table);
    write(path, &doc)?;
    Ok(key)
}

/// The keys of the file, one line each (no secrets: the file has none).
pub fn list(path: &Path) -> Result<Vec<String>, String> {
    let file = FileConfig::read(path).map_err(|e| e.to_string())?;
    Ok(file
        .keys
        .iter()
        .map(|k| {
            format!(
                "{}  {:<20} allow={} rate={}{}{}{}",
                k.id,
                k.name,
                k.allow.join(","),
                k.rate.as_deref().unwrap_or(DEFAULT_RATE),
                k.account
                    .as_deref()
                    .map(|a| format!(" account={a}"))
                    .unwrap_or_default(),
                k.created
                    .as_deref()
                    .map(|c| format!(" created={c}"))
                    .unwrap_or_default(),
                k.revoked
                    .as_deref()
                    .map(|r| format!(" REVOKED {r}"))
                    .unwrap_or_default(),
            )
        })
        .collect())
}

/// Marks a key revoked (it stays listed, and authenticates nothing).
pub fn revoke(path: &Path, id: &str) -> Result<(), String> {
    let mut doc = read(path)?;
    let keys = keys_mut(&mut doc)?;
    let table = keys
        .iter_mut()
        .find(|t| t.get("id").and_then(Item::as_str) == Some(id))
        .ok_or_else(|| format!("no key {id} in {}", path.display()))?;
    if table.get("revoked").is_none() {
        table.insert("revoked", value(now()));
    }
    write(path, &doc)
}

/// Prints a new key once, with how to use it.
pub fn announce(key: &NewKey) -> String {
    format!(
        "key id:  {}\nsecret:  {}\n(shown once: it is stored only as a SHA-256 digest)\n\
         Use it as HTTP Basic user:password ({}:<secret>), as a client's API key SID + secret,\n\
         or as `Authorization: Bearer {}.<secret>`.",
        key.id,
        key.secret.expose_secret(),
        key.id,
        key.id
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_list_revoke_round_trip_keeps_comments() {
        use api as _;
        let dir = std::env::temp_dir().join(format!("gw-keyfile-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("gateway.toml");
        std::fs::write(&path, "# my gateway\nbind = \"127.0.0.1:9999\"\n").expect("write");
        let key = create(
            &path,
            &CreateKey {
                name: "agent".into(),
                allow: vec!["payments.*".into()],
                ..CreateKey::default()
            },
        )
        .expect("create");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("# my gateway"), "{text}");
        assert!(text.contains(&key.id));
        assert!(
            !text.contains(key.secret.expose_secret()),
            "no secret on disk"
        );
        assert!(list(&path).expect("list")[0].contains("allow=payments.*"));
        revoke(&path, &key.id).expect("revoke");
        assert!(list(&path).expect("list")[0].contains("REVOKED"));
        assert!(create(
            &path,
            &CreateKey {
                name: "typo".into(),
                allow: vec!["paymnts".into()],
                ..CreateKey::default()
            }
        )
        .is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
