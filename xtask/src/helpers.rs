//! How Twilio's official helpers reach an operation's resource: `client.<domain>.<version>`
//! followed by a chain of accessors (`services(sid).verifications`). The helpers' generator
//! builds that tree from the spec itself, so we read it from the same places: each path's
//! `x-twilio.parent` (the resource it hangs under) and `x-twilio.mountName` (the accessor's
//! name), the parent's `dependentProperties` where one path is mounted twice (v2010's `keys` and
//! `new_keys`), and `pathType: instance` for a resource reached by calling its accessor with no
//! argument (`data()`). A path without a parent hangs under the version, its accessor taking
//! every placeholder (`lookup_overrides(phone_number, field)`). The console's Python and Node snippets are written from the result.

use serde_json::{Map, Value};

use crate::names::{singular, snake};

/// One accessor: its name, how many path placeholders it takes, and whether it is called
/// with none (`data()`) when it ends the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Accessor {
    name: String,
    args: usize,
    called: bool,
}

/// The call for `path` (the spec's form, `{Placeholder}`s) and operation id: the chain of
/// accessors, written with the declaration's placeholder names in path order, and the method:
/// `workspaces(WorkspaceSid).task_queues.bulk_real_time_statistics.create`.
/// `None` when the spec's tree does not account for every placeholder.
pub fn call(paths: &Map<String, Value>, path: &str, operation_id: &str) -> Option<String> {
    if let Some((_, _, chain)) = ANOTHER_REVISION
        .iter()
        .find(|(p, id, _)| *p == path && *id == operation_id)
    {
        return Some((*chain).to_owned());
    }
    let accessors = accessors(paths, path, operation_id, 0)?;
    let mut names = placeholders(path).into_iter();
    let mut out = Vec::new();
    let last = accessors.len().saturating_sub(1);
    let order = path_param_order(paths, path, operation_id);
    for (i, a) in accessors.iter().enumerate() {
        let mut args: Vec<String> = names.by_ref().take(a.args).collect();
        if args.len() != a.args {
            return None;
        }
        // An accessor taking several (one with no parent) takes them in the order the spec
        // lists the operation's path parameters: `lookup_overrides(field, phone_number)`.
        args.sort_by_key(|name| order.iter().position(|o| o == name));
        out.push(if !args.is_empty() {
            format!("{}({})", a.name, args.join(", "))
        } else if a.called && i == last {
            // Only the resource itself is reached by a call: the helpers hang what is under a
            // singleton on its list object (`configuration.webhooks()`).
            format!("{}()", a.name)
        } else {
            a.name.clone()
        });
    }
    if names.next().is_some() {
        return None;
    }
    // The method is the operation id's verb: `CreateExportConfiguration` → `create`,
    // `UpdateExportConfiguration` → `update` (whatever the path looks like).
    let verb = operation_id.get(..1 + operation_id[1..].find(|c: char| c.is_ascii_uppercase())?)?;
    out.push(verb.to_ascii_lowercase());
    Some(out.join("."))
}

/// Operations the pinned helpers (twilio-python 9.13.0, twilio-node 6.0.0) reach through
/// accessors these specs do not name: the helpers were generated from a revision of the specs in
/// which each of these had a resource of its own (`new_api_key` beside `get_api_keys` on the same
/// `/v1/Keys`; a `reports` list where this revision marks `/v2/Voice/Reports` an instance). No
/// rule over this revision gives these names, so they are listed: `(path, operation id, call)`.
/// The console's snippet proof (`console/tests/snippets_run.rs`) runs each against both helpers,
/// so an entry that stops matching them fails CI.
const ANOTHER_REVISION: &[(&str, &str, &str)] = &[
    ("/v1/Keys", "CreateNewKey", "new_api_key.create"),
    ("/v2/Voice/Reports", "CreateAccountReport", "reports.create"),
    (
        "/v2/Voice/Reports/PhoneNumbers/Inbound",
        "CreateInboundPhoneNumbersReport",
        "inbound_reports.create",
    ),
    (
        "/v2/Voice/Reports/PhoneNumbers/Outbound",
        "CreateOutboundPhoneNumbersReport",
        "outbound_reports.create",
    ),
    (
        "/v1/Porting/Configuration/Webhook",
        "CreatePortingWebhookConfiguration",
        "porting_webhook_configurations.create",
    ),
    (
        "/v2/Services/{ServiceSid}/Passkeys/Challenges",
        "CreateChallengePasskeys",
        "services(ServiceSid).new_challenge().create",
    ),
    (
        "/v2/Services/{ServiceSid}/Passkeys/Factors",
        "CreateNewFactorPasskey",
        "services(ServiceSid).new_factors.create",
    ),
    (
        "/v2/Services/{ServiceSid}/Passkeys/VerifyFactor",
        "UpdatePasskeysFactor",
        "services(ServiceSid).new_verify_factors.update",
    ),
];

fn accessors(
    paths: &Map<String, Value>,
    path: &str,
    operation_id: &str,
    depth: usize,
) -> Option<Vec<Accessor>> {
    let version = path.split('/').nth(1)?;
    let rest = &path[1 + version.len()..];
    if rest.trim_matches('/').is_empty() || depth > 16 {
        return Some(Vec::new());
    }
    let meta = paths.get(path).and_then(|item| item.get("x-twilio"));
    let parent = meta
        .and_then(|m| m.get("parent"))
        .and_then(Value::as_str)
        .map(|p| format!("/{version}{p}"))
        .and_then(|p| find(paths, &p))
        .and_then(|parent| {
            // A parent instance naming more than this path does (taskrouter's workers'
            // statistics under `Workers/{Sid}`): the helpers mount it on the parent's list.
            if placeholders(&parent).len() <= placeholders(path).len() {
                return Some(parent);
            }
            let list = parent
                .trim_end_matches(".json")
                .rsplit_once('/')?
                .0
                .to_owned();
            find(paths, &list).or_else(|| find(paths, &format!("{list}.json")))
        });
    let mut chain = match &parent {
        Some(parent) => accessors(paths, parent, "", depth + 1)?,
        None => Vec::new(),
    };
    let taken = parent.as_deref().map_or(0, |p| placeholders(p).len());
    let args = placeholders(path).len().checked_sub(taken)?;
    let own = parent
        .as_deref()
        .and_then(|p| mounted_twice(paths, p, path, operation_id));
    let name = own
        .or_else(|| {
            meta.and_then(|m| m.get("mountName"))
                .and_then(Value::as_str)
                .map(snake)
        })
        .unwrap_or_else(|| {
            let last = rest
                .trim_end_matches(".json")
                .split('/')
                .rfind(|s| !s.is_empty() && !s.starts_with('{'))
                .unwrap_or("");
            snake(last)
        });
    let instance = meta.and_then(|m| m.get("pathType")).and_then(Value::as_str) == Some("instance");
    chain.push(Accessor {
        name,
        args,
        called: instance && args == 0,
    });
    Some(chain)
}

/// The operation's path parameters in the order its spec lists them.
fn path_param_order(paths: &Map<String, Value>, path: &str, operation_id: &str) -> Vec<String> {
    let Some(item) = paths.get(path) else {
        return Vec::new();
    };
    let op = ["get", "post", "put", "patch", "delete"]
        .iter()
        .filter_map(|m| item.get(*m))
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id));
    op.and_then(|op| op.get("parameters"))
        .into_iter()
        .chain(item.get("parameters"))
        .filter_map(Value::as_array)
        .flatten()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// The placeholders of a path, in order.
fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// A path with every placeholder written `{}`: parents name them differently
/// (`/Accounts/{Sid}.json` for `/Accounts/{AccountSid}/…`).
fn shape(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}

/// The spec's own spelling of a path given in any placeholder names.
fn find(paths: &Map<String, Value>, path: &str) -> Option<String> {
    let wanted = shape(path);
    paths.keys().find(|k| shape(k) == wanted).cloned()
}

/// When the parent mounts this path under two names (v2010's `keys` and `new_keys`), the one
/// the operation belongs to: its id without the verb (`CreateNewKey` → `new_key`) is the
/// singular of the mount name.
fn mounted_twice(
    paths: &Map<String, Value>,
    parent: &str,
    path: &str,
    operation_id: &str,
) -> Option<String> {
    let dependents = paths
        .get(parent)?
        .pointer("/x-twilio/dependentProperties")?
        .as_object()?;
    let wanted = shape(path);
    let names: Vec<&String> = dependents
        .iter()
        .filter(|(_, d)| {
            d.get("resource_url")
                .and_then(Value::as_str)
                .is_some_and(|u| shape(u) == wanted)
        })
        .map(|(name, _)| name)
        .collect();
    if names.len() < 2 {
        return None;
    }
    let noun = ["Create", "List", "Fetch", "Update", "Delete"]
        .iter()
        .find_map(|verb| operation_id.strip_prefix(verb))
        .map(snake)?;
    names
        .into_iter()
        .find(|name| singular(name) == noun)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::call;
    use serde_json::{json, Map, Value};

    fn paths(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn mount_names_parents_and_placeholders_as_the_helpers_read_them() {
        // Shapes taken from the specs (taskrouter v1, messaging v1, v2010), names as
        // twilio-python 9.13.0 spells the accessors.
        let p = paths(json!({
            "/v1/Workspaces/{Sid}": { "x-twilio": { "pathType": "instance" } },
            "/v1/Workspaces/{WorkspaceSid}/TaskQueues": {
                "x-twilio": { "parent": "/Workspaces/{Sid}", "pathType": "list" } },
            "/v1/Workspaces/{WorkspaceSid}/TaskQueues/RealTimeStatistics": {
                "x-twilio": { "parent": "/Workspaces/{WorkspaceSid}/TaskQueues",
                              "mountName": "bulk_real_time_statistics", "pathType": "list" } },
            "/v1/LinkShortening/Domains/{DomainSid}/MessagingServices/{MessagingServiceSid}": {
                "x-twilio": { "mountName": "linkshortening_messaging_service", "pathType": "instance" } },
            "/v2/batch/query": {},
            "/v2/PhoneNumbers/{PhoneNumber}": { "x-twilio": { "pathType": "instance" } },
            "/v2/PhoneNumbers/{PhoneNumber}/Overrides/{Field}": {
                "x-twilio": { "mountName": "lookupOverrides" },
                "get": { "operationId": "FetchX", "parameters": [
                    { "name": "Field", "in": "path" }, { "name": "PhoneNumber", "in": "path" } ] } },
            "/2010-04-01/Accounts.json": { "x-twilio": { "pathType": "list" } },
            "/v1/Workspaces/{WorkspaceSid}/Workers/{Sid}": {
                "x-twilio": { "parent": "/Workspaces/{Sid}", "pathType": "instance" } },
            "/v1/Workspaces/{WorkspaceSid}/Workers/RealTimeStatistics": {
                "x-twilio": { "parent": "/Workspaces/{WorkspaceSid}/Workers/{Sid}", "pathType": "list" } },
            "/v1/Workspaces/{WorkspaceSid}/Workers": {
                "x-twilio": { "parent": "/Workspaces/{Sid}", "pathType": "list" } },
            "/2010-04-01/Accounts/{Sid}.json": { "x-twilio": { "pathType": "instance", "dependentProperties": {
                "keys": { "resource_url": "/2010-04-01/Accounts/{account_sid}/Keys.json" },
                "new_keys": { "resource_url": "/2010-04-01/Accounts/{account_sid}/Keys.json" },
                "short_codes": { "resource_url": "/2010-04-01/Accounts/{account_sid}/SMS/ShortCodes.json" } } } },
            "/2010-04-01/Accounts/{AccountSid}/Keys.json": {
                "x-twilio": { "parent": "/Accounts/{Sid}.json", "pathType": "list" } },
            "/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes.json": {
                "x-twilio": { "parent": "/Accounts/{Sid}.json", "pathType": "list" } },
            "/2010-04-01/Accounts/{AccountSid}/Recordings/{Sid}.json": {
                "x-twilio": { "parent": "/Accounts/{Sid}.json", "pathType": "instance" } },
            "/2010-04-01/Accounts/{AccountSid}/Recordings/{ReferenceSid}/Data.json": {
                "x-twilio": { "parent": "/Accounts/{AccountSid}/Recordings/{Sid}.json", "pathType": "instance" } },
        }));
        let of = |path: &str, id: &str| call(&p, path, id);
        assert_eq!(
            of(
                "/v1/Workspaces/{WorkspaceSid}/TaskQueues/RealTimeStatistics",
                "CreateX"
            )
            .as_deref(),
            Some("workspaces(WorkspaceSid).task_queues.bulk_real_time_statistics.create")
        );
        assert_eq!(
            of(
                "/v1/LinkShortening/Domains/{DomainSid}/MessagingServices/{MessagingServiceSid}",
                "FetchX"
            )
            .as_deref(),
            Some("linkshortening_messaging_service(DomainSid, MessagingServiceSid).fetch")
        );
        assert_eq!(
            of("/v2/batch/query", "CreateBulkLookup").as_deref(),
            Some("query.create")
        );
        assert_eq!(
            of("/v2/PhoneNumbers/{PhoneNumber}/Overrides/{Field}", "FetchX").as_deref(),
            Some("lookup_overrides(Field, PhoneNumber).fetch")
        );
        assert_eq!(
            of("/2010-04-01/Accounts/{Sid}.json", "FetchAccount").as_deref(),
            Some("accounts(Sid).fetch")
        );
        assert_eq!(
            of(
                "/v1/Workspaces/{WorkspaceSid}/Workers/RealTimeStatistics",
                "FetchX"
            )
            .as_deref(),
            Some("workspaces(WorkspaceSid).workers.real_time_statistics.fetch")
        );
        assert_eq!(
            of(
                "/2010-04-01/Accounts/{AccountSid}/Keys.json",
                "CreateNewKey"
            )
            .as_deref(),
            Some("accounts(AccountSid).new_keys.create")
        );
        assert_eq!(
            of("/2010-04-01/Accounts/{AccountSid}/Keys.json", "ListKey").as_deref(),
            Some("accounts(AccountSid).keys.list")
        );
        assert_eq!(
            of(
                "/2010-04-01/Accounts/{AccountSid}/SMS/ShortCodes.json",
                "ListShortCode"
            )
            .as_deref(),
            Some("accounts(AccountSid).short_codes.list")
        );
        assert_eq!(
            of(
                "/2010-04-01/Accounts/{AccountSid}/Recordings/{ReferenceSid}/Data.json",
                "FetchData"
            )
            .as_deref(),
            Some("accounts(AccountSid).recordings(ReferenceSid).data().fetch")
        );
    }
}
