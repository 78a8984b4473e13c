//! The sandbox's in-memory state: calls, sessions and answers kept under idempotency keys.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::http::StatusCode;
use runtime::{AccountSid, CallSid, PaymentSid};
use time::OffsetDateTime;

use crate::auth::Credentials;
use crate::caller;
use crate::cards::TestCard;
use crate::delivery::{RetrySettings, Stats};
use crate::error::Failure;
use crate::events::{CallStarted, Hub, SandboxEvent};
use crate::magic::CallerChoice;
use crate::pace::CallerPace;
use crate::session::{new_sid, rfc2822, Session};

/// What a request is answered with.
pub(crate) type Answer = Result<(StatusCode, serde_json::Value), Failure>;

/// Settings fixed when the sandbox starts.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) callback_base: Option<url::Url>,
    pub(crate) default_card: TestCard,
    pub(crate) default_pace: CallerPace,
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
    pub(crate) pace: CallerPace,
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
    pub(crate) hub: Arc<Hub>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        // A handler that panicked cannot leave the maps half-updated in a way that matters
        // more than refusing every later request would.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What a new call's caller does: `card` and `pace` if given (by what `explicit` names),
    /// else what the numbers pick, else the sandbox's defaults.
    pub(crate) fn choose(
        &self,
        to: &str,
        from: &str,
        card: Option<TestCard>,
        pace: Option<CallerPace>,
        explicit: (&str, &str),
    ) -> CallerChoice {
        CallerChoice::for_call(
            to,
            from,
            card,
            pace,
            &self.config.default_card,
            self.config.default_pace,
            explicit,
        )
    }

    /// Starts an in-progress call whose caller does what `choice` says.
    pub(crate) fn new_call(&self, choice: CallerChoice, to: &str, from: &str) -> CallSid {
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
                card: choice.card.clone(),
                pace: choice.pace,
                open_session: None,
                created: now,
                updated: now,
            },
        );
        drop(store);
        self.hub.emit(SandboxEvent::CallStarted(CallStarted {
            call_sid: sid.to_string(),
            card: choice.card.describe(),
            card_chosen_by: choice.card_from,
            pace: choice.pace.to_string(),
            pace_chosen_by: choice.pace_from,
        }));
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
                    caller::interrupted(self, session, "the call ending");
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

    pub(crate) fn resolve_callback(&self, uri: &runtime::Uri) -> Result<String, Failure> {
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

pub(crate) fn call_resource(account: &AccountSid, call: &Call) -> serde_json::Value {
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

/// Replays an answer given under the same key, or refuses a key reused for other parameters.
pub(crate) fn replay(store: &Store, scope: &(String, String), params: &str) -> Option<Answer> {
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

pub(crate) fn remember(
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
