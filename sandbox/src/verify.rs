//! Signature checks for the receiver.
//!
//! Stand-in until `runtime::webhook::Validator` lands: the same algorithm, compared in constant
//! time.

use subtle::ConstantTimeEq;

pub(crate) fn signature_valid(
    auth_token: &str,
    url: &str,
    params: &[(String, String)],
    signature: &str,
) -> bool {
    let expected = runtime::webhook::compute_signature(auth_token, url, params);
    bool::from(expected.as_bytes().ct_eq(signature.as_bytes()))
}
