//! The response side: models that decode whatever Twilio sends, one odd field at a time.
//!
//! An answer Twilio gave must never be lost because one field arrived in an unexpected shape:
//! the call is already ringing, the payment already taken. A response model is a struct marked
//! [`#[twilio_model]`](crate::twilio_model); its generated `Deserialize` reads each field
//! through [`ResponseField`] and keeps going:
//!
//! - **`Option<T>` fields are lenient.** Absent, `null`, blank text (for a type that is not
//!   text) read as `None`. A value that does not fit `T` also reads as `None`; its raw JSON is
//!   kept in the model's `unreadable` field ([`Unreadable`], by wire name), and one `tracing`
//!   warning names the model, the field, what was expected and what kind of value came, never
//!   the value itself (it may be card data or a token).
//! - **Fields that are not `Option` are essential**: missing, `null` or not fitting, they fail
//!   the decode with an error that names the field (a `#[twilio(default)]` field reads as its
//!   `Default` instead). Keep them for what makes the answer usable at all: `Payment::sid` is
//!   the only handle for driving a pay session, so an answer without it cannot be acted on.
//! - **Lists and maps are read item by item**: an item that does not fit is left out and kept
//!   as `name[index]` (`name.key` in a map); a value that is not a list at all does not fit
//!   the field. Nested models keep their own `unreadable`; a nested model whose essential
//!   field is missing or does not fit is itself a value that does not fit (kept whole).
//! - Keys the model does not declare are skipped. Only a body that is not JSON (or not a form)
//!   at all fails as a whole.
//!
//! What fits each type (anything else is kept as unreadable):
//!
//! | type | fits |
//! |---|---|
//! | `String` | text, kept exactly (blank text is `Some("")`) |
//! | `bool` | `true`/`false`; the text `true`/`false` (any case), `1`/`0` |
//! | integers, `f32`/`f64` | a number in range; text holding one (`" 42 "`) |
//! | `Decimal` | a number; text holding one (`"-0.03000"`, `"1e3"`) |
//! | `OffsetDateTime` | RFC 2822 (`Wed, 18 Dec 2019 20:02:01 +0000`) or ISO 8601 / RFC 3339, with or without fractions (`2026-12-01T10:00:00.123Z`); without an offset it is UTC |
//! | `time::Date` | `YYYY-MM-DD` |
//! | a SID type | text with the type's prefix and 32 hex digits |
//! | a `twilio_enum!` | any text (unknown values are kept in `Other`) |
//! | `PhoneNumber` | non-blank text without control characters |
//! | `serde_json::Value` | anything but `null` |
//! | `Vec<T>`, `BTreeMap<String, T>`, `HashMap<String, T>` | a list / an object, item by item |
//! | a `#[twilio_model]` | an object |
//!
//! Text is trimmed (ASCII whitespace) before it is parsed; the raw value kept is what arrived.
//!
//! ```
//! #[runtime::twilio_model]
//! #[derive(Debug)]
//! pub struct Call {
//!     pub sid: runtime::CallSid,
//!     pub duration: Option<u32>,
//!     pub date_created: Option<time::OffsetDateTime>,
//! }
//!
//! let call: Call = serde_json::from_str(
//!     r#"{"sid": "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "duration": "fifteen",
//!         "date_created": "2026-12-01T10:00:00.123Z"}"#,
//! )?;
//! assert_eq!(call.duration, None);
//! assert_eq!(call.unreadable.get("duration"), Some(&serde_json::json!("fifteen")));
//! assert!(call.date_created.is_some());
//! // `sid` is essential: an answer without one is an error.
//! assert!(serde_json::from_str::<Call>(r#"{"duration": 15}"#).is_err());
//! # Ok::<(), serde_json::Error>(())
//! ```

mod body;
mod collections;
mod field;
mod model;
mod scalars;
mod unreadable;

pub use body::{decode_for_tools, DecodedResponse, ResponseBody};
pub use field::{read_text, DateFormat, FieldCodec, FieldContext, ResponseField};
pub use scalars::parse_date_time;
pub use unreadable::Unreadable;

pub use model::MAX_DEPTH;

/// What the generated code of `#[twilio_model]` calls (through `runtime::__private`).
pub(crate) mod generated {
    pub use super::model::{
        each_unreadable, model_example, model_shape, read_model, read_model_buffered, walk,
        ModelReader, ModelWriter,
    };
}
