//! Agent Assisted Payments: a caller keys card or bank details into a live call while your
//! application drives the session. [`create`] starts a session, [`update`] asks for one field
//! at a time and finally completes or cancels it. Progress arrives only through the
//! `StatusCallback` URL: see [`callback`].

pub mod callback;
mod create;
mod enums;
mod model;
mod update;

pub use callback::{
    CallbackError, ErrorType, MaskedAccountNumber, MaskedCardNumber, MaskedSecurityCode, PayResult,
    PayStage, PayStatusCallback, PaymentToken,
};
pub use create::{create, Create, CreateRequest};
pub use enums::{
    BankAccountType, Capture, CardType, Input, MatchingInput, PaymentMethod, Status, TokenType,
};
pub use model::Payment;
pub use update::{update, Update, UpdateRequest};
