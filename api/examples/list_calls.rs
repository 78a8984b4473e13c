//! Lists every call started since 1 January 2024, 100 per page, stopping after 500: the pages
//! are fetched one at a time as the loop consumes them.
//!
//! `TWILIO_ACCOUNT_SID=AC… TWILIO_AUTH_TOKEN=… cargo run -p api --example list_calls`

use futures_util::TryStreamExt;
use time::macros::date;

#[tokio::main]
async fn main() -> Result<(), runtime::Error> {
    let client = runtime::Client::from_env()?;
    let mut calls = api::calls::list()
        .start_time_after(date!(2024 - 01 - 01))
        .status(api::calls::Status::Completed)
        .page_size(100)
        .stream(&client)
        .limit(500);
    while let Some(call) = calls.try_next().await? {
        println!(
            "{} {:?} → {:?} ({:?} s)",
            call.sid.map(|s| s.to_string()).unwrap_or_default(),
            call.from,
            call.to,
            call.duration
        );
    }
    Ok(())
}
