//! The parts of an OpenAPI 3 document the checks read: operations by path and method, their
//! parameters (path, query, form body) with resolved schemas, and success-response schemas.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Where the spec came from, for the report.
#[derive(Debug, Clone)]
pub struct SpecSource {
    /// The file.
    pub path: PathBuf,
    /// Why this file: the environment, the default location, or the npm package's copy.
    pub origin: &'static str,
}

/// Env var naming the spec file.
pub const SPEC_ENV: &str = "TWILIO_OAI_SPEC";

/// Finds the spec: `$TWILIO_OAI_SPEC`, else `../shared/twilio-oai/twilio_api_v2010.json`
/// beside the repository, else the (older) copy inside the pinned npm package
/// `@twilio-alpha/mcp` that `scripts/conformance` installs.
pub fn locate() -> Result<SpecSource, String> {
    if let Some(p) = std::env::var_os(SPEC_ENV) {
        let path = PathBuf::from(p);
        return if path.is_file() {
            Ok(SpecSource {
                path,
                origin: "TWILIO_OAI_SPEC",
            })
        } else {
            Err(format!("{SPEC_ENV}={} is not a file", path.display()))
        };
    }
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let default = crate_dir.join("../../shared/twilio-oai/twilio_api_v2010.json");
    if default.is_file() {
        return Ok(SpecSource {
            path: default,
            origin: "default location ../shared/twilio-oai",
        });
    }
    let npm =
        crate_dir.join("node_modules/@twilio-alpha/mcp/twilio-oai/spec/json/twilio_api_v2010.json");
    if npm.is_file() {
        return Ok(SpecSource {
            path: npm,
            origin: "fallback: the copy inside npm package @twilio-alpha/mcp (an older edition)",
        });
    }
    Err(format!(
        "no spec found: set {SPEC_ENV}, or place it at {}, or run scripts/conformance (installs @twilio-alpha/mcp)",
        default.display()
    ))
}

/// Where a spec parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    /// A path placeholder.
    Path,
    /// The query string.
    Query,
    /// The form body.
    Form,
    /// A member of a JSON body.
    Json,
    /// A request header.
    Header,
}

/// One parameter of an operation.
#[derive(Debug, Clone)]
pub struct Param {
    /// Wire name.
    pub name: String,
    /// Location.
    pub location: In,
    /// Whether the spec requires it.
    pub required: bool,
    /// Its schema, `$ref`s at the top resolved.
    pub schema: Value,
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its parameters.
    pub params: Vec<Param>,
    /// `(status, schema of the JSON body if any)` for each 2xx response.
    pub successes: Vec<(u16, Option<Value>)>,
    /// Every documented response status, for messages.
    pub statuses: Vec<String>,
    /// Whether the spec requires a request body (`requestBody.required`).
    pub body_required: bool,
    /// A `oneOf` body's variants (resolved object schemas); empty for any other body.
    pub body_variants: Vec<Value>,
    /// The member whose value names a `oneOf` body's variant (`discriminator.propertyName`).
    pub body_discriminator: Option<String>,
}

/// A loaded spec.
pub struct Spec {
    doc: Value,
}

impl Spec {
    /// Reads a spec file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::parse(&text)
    }

    /// Parses a spec document.
    pub fn parse(text: &str) -> Result<Self, String> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| format!("the spec is not JSON: {e}"))?;
        if !doc.get("paths").is_some_and(Value::is_object) {
            return Err("the spec has no `paths` object".into());
        }
        Ok(Self { doc })
    }

    /// The host label serving `path` (`verify` for `https://verify.twilio.com`): the path's
    /// own `servers`, else the document's.
    pub fn host_of(&self, path: &str) -> Option<String> {
        let item = self.doc["paths"].get(path)?;
        item.pointer("/servers/0/url")
            .or_else(|| self.doc.pointer("/servers/0/url"))
            .and_then(Value::as_str)
            .and_then(|u| u.split("://").nth(1))
            .and_then(|h| h.split('.').next())
            .map(str::to_owned)
    }

    /// Whether this spec has the endpoint's operation on the endpoint's host.
    pub fn serves(&self, info: &runtime::EndpointInfo) -> bool {
        let path = crate::check::spec_path(info.path);
        self.host_of(&path).as_deref() == Some(info.host)
            && self.doc["paths"][&path]
                .get(info.method.as_str().to_ascii_lowercase())
                .is_some()
    }

    /// How many operations the spec has.
    pub fn operation_count(&self) -> usize {
        self.doc["paths"].as_object().map_or(0, |paths| {
            paths
                .values()
                .map(|item| {
                    ["get", "post", "put", "patch", "delete"]
                        .iter()
                        .filter(|m| item.get(**m).is_some())
                        .count()
                })
                .sum()
        })
    }

    /// Whether the path template exists (`{Placeholder}` form).
    pub fn has_path(&self, path: &str) -> bool {
        self.doc["paths"].get(path).is_some()
    }

    /// The operation at `path` for `method` (e.g. `post`), if the spec has it.
    pub fn operation(&self, path: &str, method: &str) -> Option<Operation> {
        let item = self.doc["paths"].get(path)?;
        let op = item.get(method.to_ascii_lowercase())?;
        let mut params = Vec::new();
        // Path-level parameters apply to every operation; the operation's own override them.
        let shared = item.get("parameters").and_then(Value::as_array);
        let own = op.get("parameters").and_then(Value::as_array);
        for p in shared.into_iter().chain(own).flatten() {
            let p = self.resolve(p);
            let location = match p["in"].as_str() {
                Some("path") => In::Path,
                Some("query") => In::Query,
                // `Authorization` is the client's business (credentials).
                Some("header") if p["name"].as_str() != Some("Authorization") => In::Header,
                _ => continue,
            };
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            params.retain(|q: &Param| q.name != name);
            params.push(Param {
                name,
                location,
                required: p["required"].as_bool().unwrap_or(location == In::Path),
                schema: self.resolve(&p["schema"]).clone(),
            });
        }
        let form = op
            .pointer("/requestBody/content/application~1x-www-form-urlencoded/schema")
            .map(|s| (In::Form, self.resolve(s)));
        let json = ["application~1json", "application~1scim+json"]
            .iter()
            .find_map(|ct| op.pointer(&format!("/requestBody/content/{ct}/schema")))
            .map(|s| (In::Json, self.resolve(s)));
        let mut body_variants = Vec::new();
        let mut body_discriminator = None;
        if let Some((body_in, body)) = form.or(json) {
            body_discriminator = body
                .pointer("/discriminator/propertyName")
                .and_then(Value::as_str)
                .map(str::to_owned);
            // A `oneOf` body (messaging v3's typing indicator) offers every variant's members:
            // a member is required when every variant requires it, and takes the allowed
            // values of all the variants that have it.
            let variants: Vec<&Value> = match body["oneOf"].as_array() {
                Some(list) => list.iter().map(|v| self.resolve(v)).collect(),
                None => vec![body],
            };
            if body["oneOf"].is_array() {
                body_variants = variants.iter().map(|v| (*v).clone()).collect();
            }
            let required_in = |v: &Value, name: &str| {
                v["required"]
                    .as_array()
                    .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
            };
            for variant in &variants {
                for (name, schema) in variant["properties"].as_object().into_iter().flatten() {
                    let schema = self.resolve(schema);
                    if let Some(seen) = params
                        .iter_mut()
                        .find(|p| p.location == body_in && p.name == *name)
                    {
                        let more = schema["enum"].as_array().cloned().unwrap_or_default();
                        if let Some(values) =
                            seen.schema.get_mut("enum").and_then(Value::as_array_mut)
                        {
                            for v in more {
                                if !values.contains(&v) {
                                    values.push(v);
                                }
                            }
                        }
                        continue;
                    }
                    params.push(Param {
                        name: name.clone(),
                        location: body_in,
                        required: variants.iter().all(|v| required_in(v, name)),
                        schema: schema.clone(),
                    });
                }
            }
        }
        let mut successes = Vec::new();
        let mut statuses = Vec::new();
        if let Some(responses) = op["responses"].as_object() {
            for (code, resp) in responses {
                statuses.push(code.clone());
                let Ok(status) = code.parse::<u16>() else {
                    continue;
                };
                // A documented 3xx with a body is that operation's answer (a redirect).
                if !(200..400).contains(&status) {
                    continue;
                }
                let resp = self.resolve(resp);
                let schema = resp
                    .pointer("/content/application~1json/schema")
                    .map(|s| self.resolve(s).clone());
                successes.push((status, schema));
            }
        }
        Some(Operation {
            params,
            successes,
            body_required: op
                .pointer("/requestBody/required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            body_variants,
            body_discriminator,
            statuses,
        })
    }

    /// Follows `$ref` (local `#/...` references) until a schema without one.
    pub fn resolve<'a>(&'a self, mut v: &'a Value) -> &'a Value {
        for _ in 0..32 {
            match v.get("$ref").and_then(Value::as_str) {
                Some(r) if r.starts_with('#') => match self.doc.pointer(&r[1..]) {
                    Some(target) => v = target,
                    None => return v,
                },
                _ => return v,
            }
        }
        v
    }
}
