//! The simulated caller at a human pace: after the prompt it waits, then keys one digit at a
//! time, sending the `PartialResult=true` callbacks as it goes; the field counts as captured
//! only when its last digit is in. A later `Capture`, `Status=cancel` or the end of the call
//! cuts it off ([`Session::interrupt`](crate::session::Session::interrupt)).

use std::sync::Arc;

use runtime::PaymentSid;
use time::OffsetDateTime;

use crate::events::{KeyingInterrupted, SandboxEvent};
use crate::pace::CallerPace;
use crate::session::{Keying, KeyingState, Session};
use crate::store::Shared;

/// Starts keying `keying` in the background for `session`; its callbacks go to `url`.
pub(crate) fn start(
    shared: &Arc<Shared>,
    session: &mut Session,
    keying: Keying,
    pace: CallerPace,
    url: String,
) {
    session.keying_seq += 1;
    let id = session.keying_seq;
    let field = keying.name.clone();
    let digits = keying.digits();
    let task = tokio::spawn(key_in(shared.clone(), session.sid, id, keying, pace, url));
    session.keying = Some(KeyingState {
        id,
        field,
        typed: 0,
        digits,
        task: task.abort_handle(),
    });
}

/// Says in the log (and to [`crate::Sandbox::events`]) that a keying was cut off.
pub(crate) fn interrupted(shared: &Shared, session: &mut Session, by: &str) {
    if let Some(state) = session.interrupt() {
        shared
            .hub
            .emit(SandboxEvent::KeyingInterrupted(KeyingInterrupted {
                payment_sid: session.sid.to_string(),
                field: state.field,
                typed: state.typed,
                digits: state.digits,
                by: by.to_owned(),
            }));
    }
}

async fn key_in(
    shared: Arc<Shared>,
    sid: PaymentSid,
    id: u64,
    keying: Keying,
    pace: CallerPace,
    url: String,
) {
    // The pace is the point: a real person takes this long.
    tokio::time::sleep(pace.field_pause).await;
    let digits = keying.digits();
    for typed in 1..=digits.max(1) {
        if digits > 0 {
            tokio::time::sleep(pace.digit_gap).await;
        }
        let now = OffsetDateTime::now_utc();
        let mut store = shared.lock();
        let Some(session) = store.sessions.get_mut(&sid) else {
            return;
        };
        // Interrupted (or replaced) while waiting: another keying owns the session now.
        match session.keying.as_mut() {
            Some(state) if state.id == id => state.typed = typed.min(digits),
            _ => return,
        }
        tracing::debug!(
            target: "sandbox::caller",
            payment_sid = %sid,
            field = %keying.name,
            typed,
            digits,
            "{sid} {}: the caller keyed digit {typed} of {digits}",
            keying.name
        );
        let form = if typed >= digits {
            session.keying = None;
            Some(session.finish(&keying, now))
        } else if keying.steps.contains(&typed) {
            Some(session.partial(&keying, typed, now))
        } else {
            None
        };
        if let (Some(form), Some(outbox)) = (form, &session.outbox) {
            outbox.send(&url, form);
        }
    }
}
