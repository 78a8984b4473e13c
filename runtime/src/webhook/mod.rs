//! Twilio webhooks: computing and checking `X-Twilio-Signature`.

mod signature;

pub use signature::compute_signature;
