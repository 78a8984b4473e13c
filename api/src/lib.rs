//! Twilio REST endpoints, each declared with `#[twilio_endpoint]` on its params struct.
//!
//! ```no_run
//! use api::payments::{create, update, Capture};
//! use rust_decimal_macros::dec;
//!
//! # async fn demo(call_sid: &str) -> Result<(), runtime::Error> {
//! let client = runtime::Client::from_env()?;
//! let session = create(call_sid, "order-1234/start", "https://example.com/pay/status")
//!     .charge_amount(dec!(19.99))
//!     .send(&client)
//!     .await?;
//! update(call_sid, session.sid, "order-1234/card", "https://example.com/pay/status")
//!     .capture(Capture::PaymentCardNumber)
//!     .send(&client)
//!     .await?;
//! # Ok(()) }
//! ```
#![deny(missing_docs)]

pub mod payments;
