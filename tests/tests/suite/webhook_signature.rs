//! X-Twilio-Signature validation. Every expected signature here is computed independently with
//! hmac + sha1 + base64 over a string spelled out by hand, never with the crate's own signer
//! (except in the property tests, which check the two agree).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use runtime::webhook::{
    body_sha256_hex, compute_form_body_signature, compute_signature, json_signing_url, PublicUrl,
    SignatureError, Validator,
};
use sha1::Sha1;
use sha2::{Digest, Sha256};

const TOKEN: &str = "12345678901234567890123456789012";
const SECONDARY: &str = "abcdefabcdefabcdefabcdefabcdef00";
const NO_PARAMS: &[(&str, &str)] = &[];

/// base64(HMAC-SHA1(token, data)), straight from the primitives.
fn independent(token: &str, data: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).expect("any key length");
    mac.update(data.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The independent signer for a form POST: names sorted, distinct values of a name sorted.
fn independent_form(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut pairs: Vec<(&str, &str)> = params.to_vec();
    pairs.sort();
    pairs.dedup();
    let mut data = url.to_owned();
    for (k, v) in pairs {
        data.push_str(k);
        data.push_str(v);
    }
    independent(token, &data)
}

const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: &[(&str, &str)] = &[
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+12349013030"),
    ("Digits", "1234"),
    ("From", "+12349013030"),
    ("To", "+18005551212"),
];

#[test]
fn form_post_matches_the_hand_built_string() {
    // The string Twilio signs, spelled out: URL, then each name+value in name order.
    let data = "https://mycompany.com/myapp.php?foo=1&bar=2\
                CallSidCA1234567890ABCDECaller+12349013030Digits1234\
                From+12349013030To+18005551212";
    let signature = independent(TOKEN, data);
    assert_eq!(compute_signature(TOKEN, URL, PARAMS), signature);
    // Parameter order in the request does not matter.
    let mut shuffled = PARAMS.to_vec();
    shuffled.reverse();
    Validator::new(TOKEN)
        .validate(URL, &shuffled, Some(&signature))
        .expect("valid");
}

#[test]
fn port_variants_are_accepted_both_ways() {
    let validator = Validator::new(TOKEN);
    let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    // Signed with the port, checked without it, and the reverse.
    let signed_with_port = independent_form(TOKEN, with_port, PARAMS);
    validator
        .validate(URL, PARAMS, Some(&signed_with_port))
        .expect("Twilio signed with :443, app sees no port");
    let signed_without = independent_form(TOKEN, URL, PARAMS);
    validator
        .validate(with_port, PARAMS, Some(&signed_without))
        .expect("Twilio signed without a port, app sees :443");
    // Plain http and :80.
    let http = "http://mycompany.com/hook";
    let signed = independent_form(TOKEN, "http://mycompany.com:80/hook", PARAMS);
    validator
        .validate(http, PARAMS, Some(&signed))
        .expect(":80 variant");
    // A non-default port is part of the URL: never dropped, never swapped.
    let odd = independent_form(TOKEN, "https://mycompany.com:8443/hook", PARAMS);
    assert_eq!(
        validator.validate("https://mycompany.com/hook", PARAMS, Some(&odd)),
        Err(SignatureError::Mismatch)
    );
    // :443 is not a default for http.
    let cross = independent_form(TOKEN, "http://mycompany.com:443/hook", PARAMS);
    assert_eq!(
        validator.validate("http://mycompany.com/hook", PARAMS, Some(&cross)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn repeated_keys_with_duplicate_values() {
    let url = "https://example.com/status";
    let params = [
        ("StatusCallbackEvent", "ringing"),
        ("StatusCallbackEvent", "answered"),
        ("StatusCallbackEvent", "ringing"),
        ("Attempt", "1"),
    ];
    // Distinct values of a name, sorted; the duplicate counts once.
    let data = "https://example.com/status\
                Attempt1StatusCallbackEventansweredStatusCallbackEventringing";
    let signature = independent(TOKEN, data);
    Validator::new(TOKEN)
        .validate(url, &params, Some(&signature))
        .expect("valid");
    // The same params from a raw body, repeated keys and all.
    let body = b"StatusCallbackEvent=ringing&StatusCallbackEvent=answered&StatusCallbackEvent=ringing&Attempt=1";
    Validator::new(TOKEN)
        .validate_form_body(url, body, Some(&signature))
        .expect("valid body");
    // A value that appears once more is harmless; a different value is not.
    let changed = [
        ("StatusCallbackEvent", "ringing"),
        ("StatusCallbackEvent", "completed"),
        ("Attempt", "1"),
    ];
    assert_eq!(
        Validator::new(TOKEN).validate(url, &changed, Some(&signature)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn json_body_with_body_sha256() {
    let body = br#"{"CallSid":"CA123","Result":"success","Amount":"19.99"}"#;
    let hex: String = Sha256::digest(body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(body_sha256_hex(body), hex);
    let url = format!("https://example.com/json?order=42&bodySHA256={hex}");
    assert_eq!(
        json_signing_url("https://example.com/json?order=42", body),
        url
    );
    // Only the URL is signed.
    let signature = independent(TOKEN, &url);
    let validator = Validator::new(TOKEN);
    validator
        .validate_json(&url, body, Some(&signature))
        .expect("valid");
    // Port variant holds for JSON too.
    let with_port = url.replacen("example.com", "example.com:443", 1);
    validator
        .validate_json(&with_port, body, Some(&signature))
        .expect(":443");
    // One body byte changed: the signature still matches the URL, the hash does not.
    let mut tampered = body.to_vec();
    tampered[12] ^= 0x01;
    assert_eq!(
        validator.validate_json(&url, &tampered, Some(&signature)),
        Err(SignatureError::BodyHashMismatch)
    );
    // Re-serialised JSON is not the raw body.
    let reparsed: serde_json::Value = serde_json::from_slice(body).expect("json");
    let reserialised = serde_json::to_vec_pretty(&reparsed).expect("json");
    assert_eq!(
        validator.validate_json(&url, &reserialised, Some(&signature)),
        Err(SignatureError::BodyHashMismatch)
    );
    // A signed URL without bodySHA256.
    let bare = "https://example.com/json?order=42";
    assert_eq!(
        validator.validate_json(bare, body, Some(&independent(TOKEN, bare))),
        Err(SignatureError::MissingBodyHash)
    );
    // An empty body has a hash too.
    let empty_url = format!(
        "https://example.com/json?bodySHA256={}",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    validator
        .validate_json(&empty_url, b"", Some(&independent(TOKEN, &empty_url)))
        .expect("empty body");
}

#[test]
fn quote_at_colon_and_encoded_space_in_the_query_are_kept_verbatim() {
    // A GET callback: parameters live in the query and are signed as part of the URL.
    let url =
        "https://example.com/cb?Caller=O'Brien&Email=ann@example.com&At=12:30:00&City=New%20York";
    let signature = independent(TOKEN, url);
    let validator = Validator::new(TOKEN);
    validator
        .validate(url, NO_PARAMS, Some(&signature))
        .expect("verbatim URL");
    validator
        .validate(
            "https://example.com:443/cb?Caller=O'Brien&Email=ann@example.com&At=12:30:00&City=New%20York",
            NO_PARAMS,
            Some(&signature),
        )
        .expect("with port");
    // What a normalising URL parser would hand back: a different string, so no match.
    for normalised in [
        "https://example.com/cb?Caller=O%27Brien&Email=ann@example.com&At=12:30:00&City=New%20York",
        "https://example.com/cb?Caller=O'Brien&Email=ann%40example.com&At=12:30:00&City=New%20York",
        "https://example.com/cb?Caller=O'Brien&Email=ann@example.com&At=12%3A30%3A00&City=New%20York",
        "https://example.com/cb?Caller=O'Brien&Email=ann@example.com&At=12:30:00&City=New+York",
    ] {
        assert_eq!(
            validator.validate(normalised, NO_PARAMS, Some(&signature)),
            Err(SignatureError::Mismatch),
            "{normalised}"
        );
    }
    // The same characters in a form body are decoded before signing.
    let body = b"Caller=O%27Brien&Email=ann%40example.com&At=12%3A30&City=New+York";
    let form_url = "https://example.com/cb";
    let data = "https://example.com/cbAt12:30CallerO'BrienCityNew YorkEmailann@example.com";
    validator
        .validate_form_body(form_url, body, Some(&independent(TOKEN, data)))
        .expect("decoded body");
}

#[test]
fn wrong_token_fails_and_secondary_token_passes() {
    let signed_by_secondary = independent_form(SECONDARY, URL, PARAMS);
    assert_eq!(
        Validator::new(TOKEN).validate(URL, PARAMS, Some(&signed_by_secondary)),
        Err(SignatureError::Mismatch)
    );
    let rotating = Validator::new(TOKEN).with_token(SECONDARY);
    assert_eq!(rotating.token_count(), 2);
    rotating
        .validate(URL, PARAMS, Some(&signed_by_secondary))
        .expect("secondary");
    rotating
        .validate(URL, PARAMS, Some(&independent_form(TOKEN, URL, PARAMS)))
        .expect("primary");
    assert_eq!(
        rotating.validate(URL, PARAMS, Some(&independent_form("other", URL, PARAMS))),
        Err(SignatureError::Mismatch)
    );
    // Secondary token combined with the port variant.
    let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
    rotating
        .validate(with_port, PARAMS, Some(&signed_by_secondary))
        .expect("secondary + port");
}

#[test]
fn one_tampered_parameter_fails() {
    let signature = independent_form(TOKEN, URL, PARAMS);
    let validator = Validator::new(TOKEN);
    for i in 0..PARAMS.len() {
        let mut tampered = PARAMS.to_vec();
        tampered[i].1 = "9999";
        assert_eq!(
            validator.validate(URL, &tampered, Some(&signature)),
            Err(SignatureError::Mismatch)
        );
        let mut renamed = PARAMS.to_vec();
        renamed[i].0 = "Renamed";
        assert_eq!(
            validator.validate(URL, &renamed, Some(&signature)),
            Err(SignatureError::Mismatch)
        );
    }
    let mut extra = PARAMS.to_vec();
    extra.push(("Extra", "1"));
    assert_eq!(
        validator.validate(URL, &extra, Some(&signature)),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        validator.validate(URL, &PARAMS[1..], Some(&signature)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn one_tampered_body_byte_fails() {
    let url = "https://example.com/pay/status";
    let body = b"AccountSid=ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&ChargeAmount=19.99&Result=success";
    let data = "https://example.com/pay/statusAccountSidACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaChargeAmount19.99Resultsuccess";
    let signature = independent(TOKEN, data);
    let validator = Validator::new(TOKEN);
    validator
        .validate_form_body(url, body, Some(&signature))
        .expect("valid");
    let mut tampered = body.to_vec();
    let at = tampered.len() - 13; // inside "19.99"
    tampered[at] = b'8';
    assert_eq!(
        validator.validate_form_body(url, &tampered, Some(&signature)),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn bad_input_gives_typed_errors_never_panics() {
    let validator = Validator::new(TOKEN);
    let good = independent_form(TOKEN, URL, PARAMS);
    assert_eq!(
        validator.validate(URL, PARAMS, None),
        Err(SignatureError::Missing)
    );
    for bad in [
        "",
        "not base64!",
        "AAAA",
        "====",
        "\u{0}",
        "é",
        &good[..good.len() - 2],
    ] {
        assert_eq!(
            validator.validate(URL, PARAMS, Some(bad)),
            Err(SignatureError::Malformed),
            "{bad:?}"
        );
    }
    for url in [
        "",
        "/myapp.php",
        "mycompany.com/x",
        "https://",
        "https://@",
        "::",
        "\u{0}",
    ] {
        assert!(
            matches!(
                validator.validate(url, PARAMS, Some(&good)),
                Err(SignatureError::InvalidUrl(_))
            ),
            "{url:?}"
        );
    }
    assert_eq!(
        validator.validate_form_body(URL, b"A=%ff%fe", Some(&good)),
        Err(SignatureError::InvalidBody)
    );
    assert_eq!(
        validator.validate_form_body(URL, b"A=\xc3\x28", Some(&good)),
        Err(SignatureError::InvalidBody)
    );
    // An empty body is a request without parameters.
    let empty = independent(TOKEN, URL);
    validator
        .validate_form_body(URL, b"", Some(&empty))
        .expect("empty body");
    // Odd but harmless: surrounding whitespace in the header.
    validator
        .validate(URL, PARAMS, Some(&format!(" {good} ")))
        .expect("trimmed");
    assert!(validator
        .validate_json("https://example.com/x?bodySHA256=%zz", b"", Some(&good))
        .is_err());
}

#[test]
fn behind_a_proxy_the_public_url_is_what_counts() {
    // Twilio called the public https URL; the app behind the TLS proxy sees plain http on an
    // internal address. Rebuilding from the request fails; the configured public URL passes.
    let public = "https://pay.example.com/twilio/pay/status?order=42";
    let signature = independent_form(TOKEN, public, PARAMS);
    let validator = Validator::new(TOKEN);
    let seen_by_app = "http://10.0.0.5:8080/pay/status?order=42";
    assert_eq!(
        validator.validate(seen_by_app, PARAMS, Some(&signature)),
        Err(SignatureError::Mismatch)
    );
    let base = PublicUrl::new("https://pay.example.com/twilio").expect("valid base");
    let rebuilt = base.url_for("/pay/status?order=42");
    assert_eq!(rebuilt, public);
    validator
        .validate(&rebuilt, PARAMS, Some(&signature))
        .expect("public URL");
    // Spoofed forwarded headers are ignored unless trusted.
    let spoofed = base.url_for_request("/pay/status?order=42", Some("http"), Some("evil.example"));
    assert_eq!(spoofed, public);
}

#[test]
fn secrets_stay_out_of_debug_and_errors() {
    let validator = Validator::new(TOKEN).with_token(SECONDARY);
    let debug = format!("{validator:?}");
    assert!(
        !debug.contains(TOKEN) && !debug.contains(SECONDARY),
        "{debug}"
    );
    let signature = independent_form(TOKEN, URL, PARAMS);
    let err = validator
        .validate(URL, &PARAMS[1..], Some(&signature))
        .expect_err("mismatch");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(&signature) && !text.contains(TOKEN),
        "{text}"
    );
}

#[test]
fn form_body_signer_matches_the_independent_one() {
    let url = "https://example.com/pay/status";
    let body = b"Sid=PK1&Required=expiration-date%2C+security-code&Sid=PK1";
    let data = "https://example.com/pay/statusRequiredexpiration-date, security-codeSidPK1";
    assert_eq!(
        compute_form_body_signature(TOKEN, url, body).expect("utf-8"),
        independent(TOKEN, data)
    );
}

// --- properties ---------------------------------------------------------------------------

fn url_strategy() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just("https"), Just("http")],
        "[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?",
        prop::option::of(prop_oneof![Just(443u16), Just(80u16), any::<u16>()]),
        "(/[A-Za-z0-9._~!$&'()*+,;=:@%-]{0,12}){0,4}",
        prop::option::of("[ -~]{0,40}"),
    )
        .prop_map(|(scheme, host, port, path, query)| {
            let port = port.map(|p| format!(":{p}")).unwrap_or_default();
            let query = query
                .map(|q| format!("?{}", q.replace('#', "%23")))
                .unwrap_or_default();
            format!("{scheme}://{host}{port}{path}{query}")
        })
}

/// Unique names (duplicates are the algorithm's own ambiguity), arbitrary Unicode values.
fn params_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map("[A-Za-z][A-Za-z0-9]{0,12}", "\\PC{0,24}", 0..8)
        .prop_map(|m| m.into_iter().collect())
}

fn borrowed(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Changes the byte at `index % len` to a different printable ASCII byte.
fn change_byte(text: &str, index: usize, replacement: u8) -> Option<String> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let at = index % bytes.len();
    if !bytes[at].is_ascii() {
        return None;
    }
    let mut replacement = b' ' + replacement % 95;
    if replacement == bytes[at] {
        replacement = if replacement == b'~' {
            b' '
        } else {
            replacement + 1
        };
    }
    let mut changed = bytes.to_vec();
    changed[at] = replacement;
    String::from_utf8(changed).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sign_then_validate_holds(url in url_strategy(), params in params_strategy(), secondary in any::<bool>()) {
        let pairs = borrowed(&params);
        let token = if secondary { SECONDARY } else { TOKEN };
        let signature = compute_signature(token, &url, &pairs);
        prop_assert_eq!(&signature, &independent_form(token, &url, &pairs));
        let validator = Validator::new(TOKEN).with_token(SECONDARY);
        prop_assert_eq!(validator.validate(&url, &pairs, Some(&signature)), Ok(()));
        // The same params as a raw form body.
        let body = serde_html_form::to_string(&params).expect("encodable");
        prop_assert_eq!(validator.validate_form_body(&url, body.as_bytes(), Some(&signature)), Ok(()));
        prop_assert_eq!(compute_form_body_signature(token, &url, body.as_bytes()), Ok(signature));
    }

    #[test]
    fn any_single_byte_change_fails(
        url in url_strategy(),
        params in params_strategy(),
        target in 0usize..3,
        index in any::<usize>(),
        replacement in any::<u8>(),
    ) {
        let pairs = borrowed(&params);
        let signature = compute_signature(TOKEN, &url, &pairs);
        let validator = Validator::new(TOKEN);
        let result = match target {
            0 => {
                let Some(changed) = change_byte(&url, index, replacement) else { return Ok(()) };
                validator.validate(&changed, &pairs, Some(&signature))
            }
            1 => {
                if params.is_empty() { return Ok(()) }
                let which = index % params.len();
                let mut tampered = params.clone();
                let value = &tampered[which].1;
                let changed = if value.is_empty() {
                    char::from(b' ' + replacement % 95).to_string()
                } else {
                    let Some(changed) = change_byte(value, index / params.len(), replacement) else { return Ok(()) };
                    changed
                };
                tampered[which].1 = changed;
                validator.validate(&url, &borrowed(&tampered), Some(&signature))
            }
            _ => {
                let Some(changed) = change_byte(&signature, index, replacement) else { return Ok(()) };
                validator.validate(&url, &pairs, Some(&changed))
            }
        };
        prop_assert!(result.is_err(), "target {} accepted", target);
    }

    #[test]
    fn json_sign_then_validate_and_byte_flip(
        url in url_strategy(),
        body in prop::collection::vec(any::<u8>(), 0..256),
        index in any::<usize>(),
        flip in 1u8..=255,
    ) {
        let url = url.split('?').next().unwrap_or_default().to_owned();
        let signed_url = json_signing_url(&url, &body);
        let signature = independent(TOKEN, &signed_url);
        let validator = Validator::new(TOKEN);
        prop_assert_eq!(validator.validate_json(&signed_url, &body, Some(&signature)), Ok(()));
        if !body.is_empty() {
            let mut tampered = body.clone();
            let at = index % tampered.len();
            tampered[at] ^= flip;
            prop_assert_eq!(
                validator.validate_json(&signed_url, &tampered, Some(&signature)),
                Err(SignatureError::BodyHashMismatch)
            );
        }
    }

    #[test]
    fn never_panics_on_arbitrary_input(
        url in "\\PC{0,60}",
        body in prop::collection::vec(any::<u8>(), 0..128),
        signature in prop::option::of("\\PC{0,40}"),
    ) {
        let validator = Validator::new(TOKEN);
        let _ = validator.validate_form_body(&url, &body, signature.as_deref());
        let _ = validator.validate_json(&url, &body, signature.as_deref());
        let _ = validator.validate(&url, NO_PARAMS, signature.as_deref());
        let _ = PublicUrl::new(&url).map(|p| p.trust_forwarded_headers().url_for_request(&url, Some(&url), Some(&url)));
    }
}
