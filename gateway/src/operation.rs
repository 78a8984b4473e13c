//! One declared operation as the gateway serves it: its declaration, its name for allow-lists
//! and metrics, its path on the gateway, and which path values name an account.

use runtime::param::{Location, Scalar};
use runtime::EndpointInfo;

use crate::seam;

/// A declared operation.
#[derive(Debug)]
pub struct Operation {
    /// The declaration.
    pub info: &'static EndpointInfo,
    /// Its operation name (`payments.create`), as allow-lists name it.
    pub name: String,
    /// Its path on the gateway (`/2010-04-01/…`, or `/{host}/…` for other products).
    pub surface: String,
    /// Wire names of the path values that are account SIDs (`AccountSid`, or `Sid` of
    /// `/Accounts/<Sid>.json`): each must be an account the key may act on.
    pub account_params: Vec<&'static str>,
}

impl Operation {
    /// Describes one declaration.
    pub fn new(info: &'static EndpointInfo) -> Self {
        let account_params = info
            .params
            .iter()
            .filter(|p| p.location == Location::Path && p.kind.scalar == Scalar::Sid("AC"))
            .map(|p| p.wire_name)
            .collect();
        Self {
            info,
            name: seam::operation(info),
            surface: seam::surface_path(info),
            account_params,
        }
    }

    /// Whether the path names the account acted on.
    pub fn names_account(&self) -> bool {
        !self.account_params.is_empty()
    }
}
