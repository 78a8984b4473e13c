//! Sending a checked request upstream: the declaration rebuilds it from the wire input
//! (`Erased::forward`: path values, pairs or a JSON body and declared headers kept apart) and
//! sends it through `runtime::Client` with the configured credentials, its retries (never
//! duplicating: idempotency keys are replayed), timeouts, body cap and product routing.

use runtime::{ForwardError, RawAnswer, WireInput};

use crate::operation::Operation;
use crate::refusal::{self, Refusal};

/// Sends requests with the configured upstream client.
#[derive(Clone)]
pub struct Forwarder {
    client: runtime::Client,
    options: runtime::CallOptions,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl Forwarder {
    /// A forwarder sending with `client` (its own settings for every call).
    pub fn new(client: runtime::Client) -> Self {
        Self {
            client,
            options: runtime::CallOptions::default(),
        }
    }

    /// The client.
    pub fn client(&self) -> &runtime::Client {
        &self.client
    }

    /// Rebuilds the request from the declaration and the wire input (the declaration's
    /// check: a refusal lists every refused parameter, and nothing is sent), and sends it; the
    /// answer comes back as it came, error statuses included.
    pub async fn forward(&self, op: &Operation, wire: &WireInput) -> Result<RawAnswer, Refusal> {
        match (op.info.erased.forward)(&self.client, wire, &self.options).await {
            Ok(answer) => Ok(answer),
            // The declaration's check, made as the request is rebuilt: nothing was sent.
            Err(ForwardError::Params(refused)) => Err(Refusal::invalid_params(&op.name, &refused)),
            Err(ForwardError::Call(error)) => Err(refusal::no_answer(&op.name, &error)),
        }
    }
}
