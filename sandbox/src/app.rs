//! The sandbox's HTTP side: routing, auth, parsing with the `api` crate's own declarations, and
//! the shared in-memory state.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use api::payments::{Create, Status, Update};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use runtime::{AccountSid, CallSid, Endpoint, PaymentSid};
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

use crate::auth::Credentials;
use crate::cards::TestCard;
use crate::delivery::{Outbox, RetrySettings, Stats};
use crate::error::{json_response, Failure};
use crate::session::{new_sid, rfc2822, Form, Phase, Session};

/// Settings fixed when the sandbox starts.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) callback_base: Option<url::Url>,
    pub(crate) default_card: TestCard,
    pub(crate) connectors: Vec<String>,
    pub(crate) retry: RetrySettings,
}

/// A call the sandbox knows about.
pub(crate) struct Call {
    pub(crate) sid: CallSid,
    pub(crate) to: String,
    pub(crate) from: String,
    pub(crate) in_progress: bool,
    pub(crate) card: TestCard,
    pub(crate) open_session: Option<PaymentSid>,
    pub(crate) created: OffsetDateTime,
    pub(crate) updated: OffsetDateTime,
}

/// A request already answered under an idempotency key.
struct Answered {
    params: String,
    status: StatusCode,
    body: serde_json::Value,
}

#[derive(Default)]
pub(crate) struct Store {
    pub(crate) calls: HashMap<CallSid, Call>,
    pub(crate) sessions: HashMap<PaymentSid, Session>,
    /// Keyed by (request path, IdempotencyKey).
    answered: HashMap<(String, String), Answered>,
}

/// Everything the handlers share.
pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) account: AccountSid,
    pub(crate) config: Config,
    pub(crate) store: Mutex<Store>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) http: reqwest::Client,
    pub(crate) token: Arc<str>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        // A handler that panicked cannot leave the maps half-updated in a way that matters
        // more than refusing every later request would.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts an in-progress call whose caller will key in `card`.
    pub(crate) fn new_call(&self, card: TestCard, to: &str, from: &str) -> CallSid {
        let now = OffsetDateTime::now_utc();
        let mut store = self.lock();
        let sid = loop {
            // Proof of invariant: `new_sid` returns the prefix and 32 hex digits.
            let sid = CallSid::new(&new_sid("CA")).unwrap_or_else(|_| unreachable!());
            if !store.calls.contains_key(&sid) {
                break sid;
            }
        };
        store.calls.insert(
            sid,
            Call {
                sid,
                to: to.to_owned(),
                from: from.to_owned(),
                in_progress: true,
                card,
                open_session: None,
                created: now,
                updated: now,
            },
        );
        sid
    }

    /// Ends a call; an open session on it ends too, with `Result=caller-hung-up`.
    pub(crate) fn end_call(&self, sid: &CallSid) -> Option<serde_json::Value> {
        let now = OffsetDateTime::now_utc();
        let mut guard = self.lock();
        let store = &mut *guard;
        let call = store.calls.get_mut(sid)?;
        if call.in_progress {
            call.in_progress = false;
            call.updated = now;
            if let Some(pk) = call.open_session.take() {
                if let Some(session) = store.sessions.get_mut(&pk) {
                    let form = session.hang_up(now);
                    if let (Some(outbox), Some(url)) =
                        (session.outbox.take(), session.last_callback.clone())
                    {
                        outbox.send(&url, form);
                    }
                }
            }
        }
        Some(call_resource(&self.account, call))
    }

    fn resolve_callback(&self, uri: &runtime::Uri) -> Result<String, Failure> {
        if uri.is_absolute() {
            return Ok(uri.as_str().to_owned());
        }
        let base = self.config.callback_base.as_ref().ok_or_else(|| {
            Failure::bad_request(
                21609,
                format!(
                    "StatusCallback {:?} is relative and the sandbox has no callback base URL to resolve it against",
                    uri.as_str()
                ),
            )
        })?;
        base.join(uri.as_str()).map(String::from).map_err(|e| {
            Failure::bad_request(21609, format!("StatusCallback {:?}: {e}", uri.as_str()))
        })
    }
}

fn call_resource(account: &AccountSid, call: &Call) -> serde_json::Value {
    serde_json::json!({
        "sid": call.sid.as_str(),
        "account_sid": account.as_str(),
        "to": call.to,
        "from": call.from,
        "status": if call.in_progress { "in-progress" } else { "completed" },
        "direction": "outbound-api",
        "date_created": rfc2822(call.created),
        "date_updated": rfc2822(call.updated),
        "uri": format!("/2010-04-01/Accounts/{}/Calls/{}.json", account, call.sid),
    })
}

/// The one handler: Twilio's paths have `.json` glued to SIDs, so the path is matched by hand.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match route(&shared, &method, uri.path(), &headers, &body) {
        Ok((status, body)) => json_response(status, &body),
        Err(failure) => failure.into_response(),
    }
}

type Answer = Result<(StatusCode, serde_json::Value), Failure>;

fn route(shared: &Shared, method: &Method, path: &str, headers: &HeaderMap, body: &[u8]) -> Answer {
    shared.credentials.check(headers)?;
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (account, rest) = match segments.as_slice() {
        ["2010-04-01", "Accounts", account, rest @ ..] => (*account, rest),
        _ => return Err(Failure::not_found(path)),
    };
    if account != shared.account.as_str() {
        // Valid credentials, someone else's account: Twilio answers as if it did not exist.
        return Err(Failure::not_found(path));
    }
    let post = || {
        if method == Method::POST {
            Ok(())
        } else {
            Err(Failure::new(
                StatusCode::METHOD_NOT_ALLOWED,
                20004,
                format!("Method {method} not allowed on {path}"),
            ))
        }
    };
    match rest {
        ["Calls.json"] => {
            post()?;
            create_call(shared, body)
        }
        ["Calls", call] if call.ends_with(".json") => {
            let sid = CallSid::new(call.trim_end_matches(".json"))
                .map_err(|_| Failure::not_found(path))?;
            if method == Method::GET {
                let store = shared.lock();
                let call = store
                    .calls
                    .get(&sid)
                    .ok_or_else(|| Failure::not_found(path))?;
                return Ok((StatusCode::OK, call_resource(&shared.account, call)));
            }
            post()?;
            update_call(shared, &sid, body, path)
        }
        ["Calls", call, "Payments.json"] => {
            post()?;
            create_payment(shared, account, call, body, path)
        }
        ["Calls", call, "Payments", pk] if pk.ends_with(".json") => {
            post()?;
            update_payment(
                shared,
                account,
                call,
                pk.trim_end_matches(".json"),
                body,
                path,
            )
        }
        _ => Err(Failure::not_found(path)),
    }
}

fn form_pairs(body: &[u8]) -> Result<Form, Failure> {
    serde_html_form::from_bytes(body)
        .map_err(|e| Failure::bad_request(20001, format!("The request body is not a form: {e}")))
}

fn value<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn create_call(shared: &Shared, body: &[u8]) -> Answer {
    let form = form_pairs(body)?;
    let to = value(&form, "To").ok_or_else(|| missing("To"))?;
    let from = value(&form, "From").ok_or_else(|| missing("From"))?;
    if ["Url", "Twiml", "ApplicationSid"]
        .iter()
        .all(|k| value(&form, k).is_none())
    {
        return Err(Failure::bad_request(
            21205,
            "One of Url, Twiml or ApplicationSid is required",
        ));
    }
    // A sandbox extension: which test card this call's caller keys in.
    let card = value(&form, "SandboxTestCard")
        .map(TestCard::new)
        .unwrap_or_else(|| shared.config.default_card.clone());
    let sid = shared.new_call(card, to, from);
    let store = shared.lock();
    let call = store
        .calls
        .get(&sid)
        .ok_or_else(|| Failure::not_found("/Calls"))?;
    Ok((StatusCode::CREATED, call_resource(&shared.account, call)))
}

fn update_call(shared: &Shared, sid: &CallSid, body: &[u8], path: &str) -> Answer {
    let form = form_pairs(body)?;
    match value(&form, "Status") {
        Some("completed" | "canceled") => shared
            .end_call(sid)
            .map(|b| (StatusCode::OK, b))
            .ok_or_else(|| Failure::not_found(path)),
        Some(other) => Err(Failure::bad_request(
            20001,
            format!("Status must be completed or canceled, got {other:?}"),
        )),
        None => {
            let store = shared.lock();
            let call = store
                .calls
                .get(sid)
                .ok_or_else(|| Failure::not_found(path))?;
            Ok((StatusCode::OK, call_resource(&shared.account, call)))
        }
    }
}

fn missing(name: &str) -> Failure {
    Failure::bad_request(
        21201,
        format!("Missing required parameter {name} in the post body"),
    )
}

/// Rebuilds the `api` crate's params struct from the form plus the path values, then runs the
/// declaration's own checks: the sandbox has no schema of its own.
fn parse<T: DeserializeOwned + Endpoint>(body: &[u8], path: &[(&str, &str)]) -> Result<T, Failure> {
    let form = form_pairs(body)?;
    let mut pairs: Vec<(&str, &str)> = form
        .iter()
        .filter(|(k, _)| !path.iter().any(|(p, _)| p == k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    pairs.extend_from_slice(path);
    let encoded = serde_html_form::to_string(&pairs)
        .map_err(|e| Failure::bad_request(20001, e.to_string()))?;
    let params: T = serde_html_form::from_str(&encoded)
        .map_err(|e| Failure::bad_request(20001, format!("Invalid parameters: {e}")))?;
    params.validate().map_err(|errors| {
        let code = if errors.contains("ChargeAmount") {
            64003
        } else {
            64020
        };
        Failure::bad_request(code, format!("Invalid parameters: {errors}"))
    })?;
    Ok(params)
}

/// 400 for an enum value the declaration does not know.
fn known(name: &str, value: &str, is_known: bool, values: &[&str]) -> Result<(), Failure> {
    if is_known {
        Ok(())
    } else {
        Err(Failure::bad_request(
            64020,
            format!("{name} {value:?} is not one of: {}", values.join(", ")),
        ))
    }
}

fn check_create_enums(p: &Create) -> Result<(), Failure> {
    use api::payments::{
        BankAccountType, CardType, Input, MatchingInput, PaymentMethod, TokenType,
    };
    if let Some(v) = &p.input {
        known("Input", v.as_str(), v.is_known(), Input::VALUES)?;
    }
    if let Some(v) = &p.payment_method {
        known(
            "PaymentMethod",
            v.as_str(),
            v.is_known(),
            PaymentMethod::VALUES,
        )?;
    }
    if let Some(v) = &p.bank_account_type {
        known(
            "BankAccountType",
            v.as_str(),
            v.is_known(),
            BankAccountType::VALUES,
        )?;
    }
    if let Some(v) = &p.token_type {
        known("TokenType", v.as_str(), v.is_known(), TokenType::VALUES)?;
    }
    if let Some(list) = &p.valid_card_types {
        for v in list.items() {
            known("ValidCardTypes", v.as_str(), v.is_known(), CardType::VALUES)?;
        }
    }
    if let Some(list) = &p.require_matching_inputs {
        for v in list.items() {
            known(
                "RequireMatchingInputs",
                v.as_str(),
                v.is_known(),
                MatchingInput::VALUES,
            )?;
        }
    }
    Ok(())
}

/// Currencies the fake connector settles.
const CURRENCIES: &[&str] = &[
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "JPY", "CHF", "SEK", "NOK", "DKK", "INR", "BRL",
    "MXN",
];

fn check_create_rules(shared: &Shared, p: &Create) -> Result<(), Failure> {
    use api::payments::PaymentMethod;
    if let Some(currency) = &p.currency {
        if !CURRENCIES.contains(&currency.to_ascii_uppercase().as_str()) {
            return Err(Failure::bad_request(
                64011,
                format!("Currency {currency:?} is not supported by the payment connector"),
            ));
        }
    }
    let connector = p.payment_connector.as_deref().unwrap_or("Default");
    if !shared.config.connectors.iter().any(|c| c == connector) {
        return Err(Failure::bad_request(
            64004,
            format!("PaymentConnector {connector:?} is not installed on this account"),
        ));
    }
    let charge = p
        .charge_amount
        .is_some_and(|a| a > rust_decimal::Decimal::ZERO);
    if charge && p.token_type.is_some() {
        return Err(Failure::bad_request(
            64020,
            "TokenType applies to tokenization: do not combine it with a ChargeAmount",
        ));
    }
    let ach = p.payment_method == Some(PaymentMethod::AchDebit);
    if !ach && p.bank_account_type.is_some() {
        return Err(Failure::bad_request(
            64017,
            "BankAccountType applies to ach-debit sessions only",
        ));
    }
    if ach && p.parameter.is_none() {
        return Err(Failure::bad_request(
            64020,
            "ach-debit sessions need Parameter with the connector's fields",
        ));
    }
    Ok(())
}

/// Replays an answer given under the same key, or refuses a key reused for other parameters.
fn replay(store: &Store, scope: &(String, String), params: &str) -> Option<Answer> {
    let answered = store.answered.get(scope)?;
    Some(if answered.params == params {
        Ok((answered.status, answered.body.clone()))
    } else {
        Err(Failure::bad_request(
            20001,
            format!(
                "IdempotencyKey {:?} was already used for a request with different parameters",
                scope.1
            ),
        ))
    })
}

fn remember(
    store: &mut Store,
    scope: (String, String),
    params: String,
    status: StatusCode,
    body: &serde_json::Value,
) {
    store.answered.insert(
        scope,
        Answered {
            params,
            status,
            body: body.clone(),
        },
    );
}

fn create_payment(shared: &Shared, account: &str, call: &str, body: &[u8], path: &str) -> Answer {
    let params: Create = parse(body, &[("AccountSid", account), ("CallSid", call)])?;
    check_create_enums(&params)?;
    let canonical = serde_html_form::to_string(&params).unwrap_or_default();
    let scope = (path.to_owned(), params.idempotency_key.as_str().to_owned());
    let callback = shared.resolve_callback(&params.status_callback)?;
    let now = OffsetDateTime::now_utc();
    let mut guard = shared.lock();
    let store = &mut *guard;
    if let Some(answer) = replay(store, &scope, &canonical) {
        return answer;
    }
    let call = store
        .calls
        .get_mut(&params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    if !call.in_progress {
        return Err(call_not_in_progress(&params.call_sid));
    }
    if let Some(open) = &call.open_session {
        return Err(Failure::bad_request(
            64021,
            format!(
                "A pay session ({open}) is already in progress on this call (session-in-progress)"
            ),
        ));
    }
    check_create_rules(shared, &params)?;
    let sid = loop {
        // Proof of invariant: `new_sid` returns the prefix and 32 hex digits.
        let sid = PaymentSid::new(&new_sid("PK")).unwrap_or_else(|_| unreachable!());
        if !store.sessions.contains_key(&sid) {
            break sid;
        }
    };
    call.open_session = Some(sid);
    let session = Session {
        sid,
        account_sid: shared.account,
        call_sid: params.call_sid,
        created: now,
        updated: now,
        card: call.card.clone(),
        params,
        phase: Phase::Open,
        captured: Vec::new(),
        outbox: Some(Outbox::start(
            shared.http.clone(),
            shared.token.clone(),
            shared.stats.clone(),
            shared.config.retry,
        )),
        last_callback: Some(callback),
    };
    let body = session.resource();
    store.sessions.insert(sid, session);
    remember(store, scope, canonical, StatusCode::CREATED, &body);
    Ok((StatusCode::CREATED, body))
}

fn call_not_in_progress(sid: &CallSid) -> Failure {
    Failure::bad_request(
        21220,
        format!("Call {sid} is not in progress: cannot start or update a pay session"),
    )
}

fn update_payment(
    shared: &Shared,
    account: &str,
    call: &str,
    pk: &str,
    body: &[u8],
    path: &str,
) -> Answer {
    let params: Update = parse(
        body,
        &[("AccountSid", account), ("CallSid", call), ("Sid", pk)],
    )?;
    if let Some(v) = &params.capture {
        known(
            "Capture",
            v.as_str(),
            v.is_known(),
            api::payments::Capture::VALUES,
        )?;
    }
    if let Some(v) = &params.status {
        known("Status", v.as_str(), v.is_known(), Status::VALUES)?;
    }
    if params.capture.is_some() == params.status.is_some() {
        return Err(Failure::bad_request(
            20001,
            "Set exactly one of Capture and Status",
        ));
    }
    let canonical = serde_html_form::to_string(&params).unwrap_or_default();
    let scope = (path.to_owned(), params.idempotency_key.as_str().to_owned());
    let callback = shared.resolve_callback(&params.status_callback)?;
    let now = OffsetDateTime::now_utc();
    let mut guard = shared.lock();
    let store = &mut *guard;
    if let Some(answer) = replay(store, &scope, &canonical) {
        return answer;
    }
    let session = store
        .sessions
        .get_mut(&params.sid)
        .filter(|s| s.call_sid == params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    let call = store
        .calls
        .get_mut(&params.call_sid)
        .ok_or_else(|| Failure::not_found(path))?;
    if !call.in_progress {
        return Err(call_not_in_progress(&params.call_sid));
    }
    session.ensure_open()?;
    session.last_callback = Some(callback.clone());
    let events = match (&params.capture, &params.status) {
        (Some(capture), _) => session.capture(capture, now)?,
        (None, Some(Status::Complete)) => vec![session.complete(now)?],
        _ => {
            session.phase = Phase::Cancelled;
            session.updated = now;
            Vec::new()
        }
    };
    if let Some(outbox) = &session.outbox {
        for form in events {
            outbox.send(&callback, form);
        }
    }
    if session.phase != Phase::Open {
        // The session is over: free the call and let the worker finish its queue.
        session.outbox = None;
        call.open_session = None;
    }
    let body = session.resource();
    remember(store, scope, canonical, StatusCode::ACCEPTED, &body);
    Ok((StatusCode::ACCEPTED, body))
}
