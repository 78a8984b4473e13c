//! One declared operation as the gateway serves it: its declaration, its name for allow-lists
//! and metrics, its path on the gateway, and which path values name an account.
//!
//! Products are served as a client's `base_url` routes them (DESIGN's Routing): Twilio's `api`
//! host at its own paths (`/2010-04-01/…`), every other product under its host's first label
//! (`/verify/v2/…`, `/flex-api/v1/…`), so the `/v1/Services` of several products never collide.

use runtime::param::{Location, Scalar};
use runtime::EndpointInfo;

/// A declared operation.
#[derive(Debug)]
pub struct Operation {
    /// The declaration.
    pub info: &'static EndpointInfo,
    /// Its operation name (`payments.create`, `verify.v2.services.verifications.create`), as
    /// allow-lists name it: [`EndpointInfo::operation`].
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
            name: info.operation(),
            surface: surface_path(info),
            account_params,
        }
    }

    /// Whether the path names the account acted on.
    pub fn names_account(&self) -> bool {
        !self.account_params.is_empty()
    }

    /// The first segment the product is served under on the gateway, if not at the root.
    pub fn host_prefix(&self) -> Option<&'static str> {
        host_prefix(self.info)
    }
}

/// The product host's first label when it is not Twilio's `api` (whose paths are served as
/// they are): the gateway serves that product under `/{host}`.
pub fn host_prefix(info: &EndpointInfo) -> Option<&'static str> {
    (info.host != "api").then_some(info.host)
}

/// The operation's path on the gateway: `/{host}{path}`, or the declared path for `api`.
pub fn surface_path(info: &EndpointInfo) -> String {
    match host_prefix(info) {
        Some(host) => format!("/{host}{}", info.path),
        None => info.path.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_are_the_registrys_and_unique() {
        use api as _;
        let all = runtime::endpoints();
        let names: Vec<String> = all.iter().map(|i| Operation::new(i).name).collect();
        assert!(names.iter().any(|n| n == "payments.create"), "{names:?}");
        assert!(names.iter().any(|n| n == "calls.fetch"));
        assert!(names.iter().any(|n| n == "calls.recordings.list"));
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "operation names are unique");
    }

    #[test]
    fn api_paths_stay_and_other_products_get_their_host() {
        use api as _;
        for info in runtime::endpoints() {
            let surface = surface_path(info);
            if info.host == "api" {
                assert_eq!(surface, info.path);
            } else {
                assert_eq!(surface, format!("/{}{}", info.host, info.path));
            }
        }
    }
}
