//! The server-rendered pages: the operation list and one page per operation. Plain HTML with
//! a small script; every value is escaped by maud.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};

use crate::api::{self, CONTROL_PREFIX};
use crate::catalog::{self, Operation};
use crate::form::{self, Prefill};
use crate::snippet::{Snippets, Target};
use crate::Console;

/// `GET /console` → `/console/`.
pub(crate) async fn redirect_to_index() -> Redirect {
    Redirect::permanent("/console/")
}

fn layout(console: &Console, title: &str, body: Markup) -> Response {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · twilio-rs console" }
                link rel="stylesheet" href="/console/assets/console.css";
                script src="/console/assets/console.js" defer {}
            }
            body {
                a .skip href="#main" { "Skip to content" }
                header .top {
                    a .brand href="/console/" { "twilio-rs console" }
                    span .upstream {
                        "Sends through this gateway to " strong { (console.config().upstream) }
                        " · account " code { (console.config().account_sid) }
                    }
                }
                main #main { (body) }
            }
        }
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page.into_string(),
    )
        .into_response()
}

/// `GET /console/?q=…`: every operation, grouped by product and resource. The script filters
/// as you type; without it, `?q=` filters on the server.
pub(crate) async fn index(State(console): State<Console>, uri: Uri) -> Response {
    let query: String = uri
        .query()
        .map(|q| serde_html_form::from_str::<Vec<(String, String)>>(q).unwrap_or_default())
        .unwrap_or_default()
        .into_iter()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let ops = catalog::operations();
    let total = ops.len();
    let shown: Vec<&Operation> = ops.iter().filter(|op| op.matches(&query)).collect();
    // Group: product → resource → operations (the list is sorted that way).
    type Resources<'a> = Vec<(String, Vec<&'a Operation>)>;
    let mut groups: Vec<(String, Resources<'_>)> = Vec::new();
    for op in &ops {
        let product = op.product();
        let resource = op.resource();
        if groups.last().is_none_or(|(p, _)| *p != product) {
            groups.push((product.clone(), Vec::new()));
        }
        let Some((_, resources)) = groups.last_mut() else {
            continue;
        };
        if resources.last().is_none_or(|(r, _)| *r != resource) {
            resources.push((resource.clone(), Vec::new()));
        }
        if let Some((_, list)) = resources.last_mut() {
            list.push(op);
        }
    }
    let body = html! {
        h1 { "Operations" }
        p { "Every declared endpoint (" (total) "). Open one to read its parameters, fill in its form, see the code and send it." }
        form .search role="search" method="get" action="/console/" {
            label for="search" { "Search by name, path or operation" }
            input #search type="search" name="q" value=(query) placeholder="e.g. pay, Calls.json, calls.fetch"
                autofocus aria-controls="operations" aria-describedby="search-count";
            span #search-count aria-live="polite" { (shown.len()) " of " (total) " shown" }
        }
        // A contents line: 37 products and 1,447 operations are too many to scroll through.
        nav .products aria-label="Products" {
            ul {
                @for (product, resources) in &groups {
                    li {
                        a href=(format!("#{}", anchor(product))) { (product) }
                        " (" (resources.iter().map(|(_, list)| list.len()).sum::<usize>()) ")"
                    }
                }
            }
        }
        div #operations {
            @for (product, resources) in &groups {
                section .product data-group="product" id=(anchor(product)) {
                    h2 { (product) }
                    @for (resource, list) in resources {
                        section .resource data-group="resource" {
                            h3 { code { (resource) } }
                            ul .ops {
                                @for op in list {
                                    li data-search=(op.search_text()) hidden[!op.matches(&query)] {
                                        a href=(format!("/console/op/{}", op.id())) {
                                            span .method data-method=(op.info.method.as_str()) { (op.info.method.as_str()) }
                                            " " span .title { (op.title()) }
                                            " " code .path { (op.display_path()) }
                                            " " span .opid { (op.id()) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        p #no-match hidden[!shown.is_empty()] { "No operation matches." }
    };
    layout(&console, "Operations", body)
}

/// A product's id in the page: `Verify v2` → `product-verify-v2`.
fn anchor(product: &str) -> String {
    let slug: String = product
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("product-{slug}")
}

/// `GET /console/op/{operation}?Wire=value…`: one operation's page.
pub(crate) async fn operation(
    State(console): State<Console>,
    Path(operation): Path<String>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let Some(op) = catalog::find(&operation) else {
        let body = html! {
            h1 { "Not found" }
            p { code { (operation) } " is not a declared operation. " a href="/console/" { "All operations" } }
        };
        let mut response = layout(&console, "Not found", body);
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    };
    let given: Vec<(String, String)> = uri
        .query()
        .map(|q| serde_html_form::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let given: Vec<(String, String)> = given
        .into_iter()
        .filter(|(k, _)| !k.starts_with(CONTROL_PREFIX))
        .collect();
    let origin = api::origin(&console, &headers);
    // The inbox: the one a carried-over status callback points at, else a fresh one.
    let inbox_prefix = format!("{origin}/console/callbacks/");
    let carried = given.iter().find_map(|(_, v)| {
        v.strip_prefix(&inbox_prefix)
            .filter(|id| crate::inbox::is_id(id))
            .map(str::to_owned)
    });
    let inbox = carried.or_else(crate::inbox::new_id);
    if let Some(id) = &inbox {
        console.inboxes().open(id);
    }
    let inbox_url = inbox.as_ref().map(|id| format!("{inbox_prefix}{id}"));
    let fresh_key = crate::inbox::new_id().map_or_else(String::new, |k| format!("console-{k}"));
    let prefill = Prefill {
        given: &given,
        account_sid: &console.config().account_sid,
        inbox_url: inbox_url.as_deref(),
        fresh_key: &fresh_key,
    };
    // The first snippets come with the page; the script replaces them on every change.
    let initial: Vec<(String, String)> = op
        .params_for_form()
        .iter()
        .flat_map(|p| {
            let values = prefill.values(p);
            values.into_iter().map(move |v| (p.wire_name.to_owned(), v))
        })
        .collect();
    let initial = api::join_lists(&op, initial);
    let checked = console.checker().check(&op, initial).await;
    let snippets = api::render_snippets(
        &console,
        op,
        &checked,
        &Target::Gateway {
            origin: origin.clone(),
        },
    );
    let body = html! {
        nav .crumbs aria-label="Breadcrumb" { a href="/console/" { "All operations" } " / " (op.product()) " / " code { (op.resource()) } }
        div .op-layout {
            div .op-main {
                h1 { (op.title()) }
                p .endpoint {
                    span .method data-method=(op.info.method.as_str()) { (op.info.method.as_str()) }
                    " " code .path { (op.display_path()) }
                }
                @let summary = op.summary();
                @if !summary.is_empty() { p .summary { (summary) } }
                dl .facts {
                    dt { "Operation" } dd { code { (op.id()) } }
                    dt { "Rust" } dd { code { (op.rust_path()) } }
                    dt { "Success" } dd { (op.info.status) " · answers " code { (op.info.response) } }
                    @if op.info.idempotency_key {
                        dt { "Retries" } dd { "Safe to resend: the request carries an idempotency key." }
                    }
                }
                @let rules = catalog::rules_text(op.info);
                @if !rules.is_empty() {
                    h2 { "Rules" }
                    ul .rules { @for r in &rules { li { (r) } } }
                }
                h2 #try { "Try it" }
                @if console.config().sign_in {
                    section #sign-in .sign-in hidden {
                        h3 { "Sign in to the gateway" }
                        p { "The gateway answered 401: sign in with a gateway key. The gateway turns it into a session cookie that this page's script cannot read; the page keeps no key." }
                        form method="post" action="/console/session" {
                            label for="gateway-key" { "Gateway key " }
                            input #gateway-key type="password" name="key" autocomplete="off" required;
                            input type="hidden" name="return" value=(format!("/console/op/{}", op.id()));
                            " " button type="submit" { "Sign in" }
                        }
                    }
                }
                div #problems .problems role="alert" aria-live="assertive" tabindex="-1" {}
                (form::render(&op, &prefill))
                h2 #parameters { "Parameters" }
                (params_table(&op))
            }
            aside .op-code aria-label="Code and answer" {
                (snippet_panel(&snippets))
                section #answer .answer aria-live="polite" hidden {
                    h2 { "Answer" }
                    p .status-line {}
                    div .error-detail {}
                    pre .body tabindex="0" {}
                    div .next {}
                }
                section #callbacks .callbacks data-inbox=[inbox.as_deref()] hidden {
                    h2 { "Status callbacks" }
                    p .hint { "Callbacks the upstream posted to this page's inbox, newest first; signatures checked with the upstream's auth token." }
                    ol .entries reversed {}
                }
            }
        }
    };
    layout(&console, &op.title(), body)
}

fn params_table(op: &Operation) -> Markup {
    let params = op.params_for_form();
    html! {
        div .table-wrap tabindex="0" {
            table .params {
                caption .visually-hidden { "Parameters of " (op.title()) }
                thead { tr {
                    th scope="col" { "Wire name" }
                    th scope="col" { "In" }
                    th scope="col" { "Type" }
                    th scope="col" { "Required" }
                    th scope="col" { "Allowed values" }
                    th scope="col" { "Default" }
                    th scope="col" { "Range" }
                } }
                tbody {
                    @for p in &params {
                        tr {
                            th scope="row" {
                                code { (p.wire_name) }
                                div .rust-name { code { "." (p.field) "(…)" } }
                                @if p.deprecated { " " span .deprecated { "deprecated" } }
                                @let doc = p.doc;
                                @if !doc.is_empty() { div .doc { (doc) } }
                            }
                            td { (catalog::location_text(p.location)) }
                            td { (catalog::kind_text(&p.kind)) }
                            td { @if p.required { "yes" } @else { "no" } }
                            td {
                                @let values = catalog::allowed_values(&p.kind);
                                @if values.is_empty() { "—" } @else {
                                    @for (i, v) in values.iter().enumerate() {
                                        @if i > 0 { ", " }
                                        code { (v) }
                                    }
                                }
                            }
                            td { @match p.default { Some(d) => code { (d) }, None => "—" } }
                            td { @match &p.range { Some(r) => (r.to_string()), None => "—" } }
                        }
                    }
                }
            }
        }
    }
}

fn snippet_panel(snippets: &Snippets) -> Markup {
    let tabs = [
        ("rust", "Rust", &snippets.rust),
        ("curl", "curl", &snippets.curl),
        ("python", "Python", &snippets.python),
        ("node", "Node", &snippets.node),
    ];
    html! {
        div .snippets {
            div .snippet-head {
                h2 { "Code" }
                label for="snippet-target" { "Send to " }
                select #snippet-target name="_target" form="try-form" {
                    option value="gateway" selected { "this gateway" }
                    option value="twilio" { "Twilio" }
                }
            }
            div .tabs role="tablist" aria-label="Language" {
                @for (i, (key, label, _)) in tabs.iter().enumerate() {
                    button role="tab" type="button" id=(format!("tab-{key}")) aria-controls=(format!("snippet-{key}"))
                        aria-selected=(if i == 0 { "true" } else { "false" }) tabindex=(if i == 0 { "0" } else { "-1" }) { (label) }
                }
            }
            @for (i, (key, label, code)) in tabs.iter().enumerate() {
                div .tabpanel role="tabpanel" id=(format!("snippet-{key}")) aria-labelledby=(format!("tab-{key}")) hidden[i != 0] {
                    button type="button" .copy data-copy=(format!("code-{key}")) { "Copy " (label) }
                    pre tabindex="0" { code id=(format!("code-{key}")) data-lang=(key) { (code) } }
                }
            }
            p .hint { "No secret in any snippet: credentials come from environment variables." }
        }
    }
}
