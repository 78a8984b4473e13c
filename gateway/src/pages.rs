//! Page links in answers lead back through the gateway.
//!
//! v2010 answers link pages with paths (`next_page_uri: "/2010-04-01/…"`), which already
//! resolve against the gateway. Newer products send absolute URLs in `meta`
//! (`"next_page_url": "https://verify.twilio.com/v2/Services?PageToken=…"`); those are
//! rewritten to the gateway's public URL with the same mapping the client's `base_url` uses
//! (`{public}/verify/v2/Services?PageToken=…`). The rest of the body is passed through as it
//! came: only the `meta` object is rewritten, its other members kept byte for byte.

use bytes::Bytes;
use serde_json::value::RawValue;

/// The `meta` members that hold page links.
const LINKS: [&str; 4] = [
    "url",
    "first_page_url",
    "previous_page_url",
    "next_page_url",
];

/// Rewrites the page links of a JSON answer; any other body comes back unchanged.
pub fn rewrite(body: Bytes, public_url: &str, upstream_base: &str) -> Bytes {
    if !contains(&body, b"\"meta\"") {
        return body;
    }
    match rewritten(&body, public_url, upstream_base) {
        Some(new) => Bytes::from(new),
        None => body,
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

type Members<'a> = Vec<(String, &'a RawValue)>;

/// An object's members in order, values raw.
fn members(json: &str) -> Option<Members<'_>> {
    struct Visitor;
    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = Members<'de>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((k, v)) = map.next_entry::<String, &'de RawValue>()? {
                out.push((k, v));
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_str(json);
    let members = serde::Deserializer::deserialize_map(&mut de, Visitor).ok()?;
    de.end().ok()?;
    Some(members)
}

fn write_object(members: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(k).unwrap_or_default());
        out.push(':');
        out.push_str(v);
    }
    out.push('}');
    out
}

fn rewritten(body: &[u8], public_url: &str, upstream_base: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let top = members(text)?;
    let mut changed = false;
    let mut out_top = Vec::with_capacity(top.len());
    for (key, value) in &top {
        if key != "meta" {
            out_top.push((key.clone(), value.get().to_owned()));
            continue;
        }
        let meta = members(value.get())?;
        let mut out_meta = Vec::with_capacity(meta.len());
        for (mk, mv) in &meta {
            let new = LINKS
                .contains(&mk.as_str())
                .then(|| serde_json::from_str::<String>(mv.get()).ok())
                .flatten()
                .and_then(|url| link(&url, public_url, upstream_base));
            match new {
                Some(url) => {
                    changed = true;
                    out_meta.push((mk.clone(), serde_json::to_string(&url).ok()?));
                }
                None => out_meta.push((mk.clone(), mv.get().to_owned())),
            }
        }
        out_top.push((key.clone(), write_object(&out_meta)));
    }
    changed.then(|| write_object(&out_top))
}

/// The gateway URL for one upstream link, or `None` to leave it alone (a foreign URL).
pub fn link(url: &str, public_url: &str, upstream_base: &str) -> Option<String> {
    if let Some(rest) = url.strip_prefix(upstream_base) {
        // A server standing in for Twilio (the sandbox, a mock) already uses the gateway's
        // mapping below its base URL.
        if rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') {
            return Some(format!("{public_url}{rest}"));
        }
    }
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    if parsed.scheme() != "https" || !host.ends_with(".twilio.com") {
        return None;
    }
    let product = host.split('.').next()?;
    let mut out = String::from(public_url);
    if product != "api" {
        out.push('/');
        out.push_str(product);
    }
    out.push_str(parsed.path());
    if let Some(q) = parsed.query() {
        out.push('?');
        out.push_str(q);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GW: &str = "http://127.0.0.1:8080";

    #[test]
    fn meta_links_are_rewritten_and_the_rest_kept() {
        let body = br#"{"services":[{"sid":"VA1","url":"https://verify.twilio.com/v2/Services/VA1"}],"meta":{"page":0,"page_size":50,"first_page_url":"https://verify.twilio.com/v2/Services?PageSize=50&Page=0","previous_page_url":null,"url":"https://verify.twilio.com/v2/Services?PageSize=50&Page=0","next_page_url":"https://verify.dublin.ie1.twilio.com/v2/Services?PageSize=50&Page=1&PageToken=PA1","key":"services"}}"#;
        let out = rewrite(Bytes::from_static(body), GW, "https://api.twilio.com");
        let text = std::str::from_utf8(&out).expect("utf8");
        assert!(
            text.starts_with(
                r#"{"services":[{"sid":"VA1","url":"https://verify.twilio.com/v2/Services/VA1"}],"#
            ),
            "{text}"
        );
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        assert_eq!(
            v["meta"]["next_page_url"],
            "http://127.0.0.1:8080/verify/v2/Services?PageSize=50&Page=1&PageToken=PA1"
        );
        assert_eq!(
            v["meta"]["first_page_url"],
            "http://127.0.0.1:8080/verify/v2/Services?PageSize=50&Page=0"
        );
        assert!(v["meta"]["previous_page_url"].is_null());
        assert_eq!(v["meta"]["key"], "services");
    }

    #[test]
    fn other_bodies_pass_unchanged() {
        for body in [
            &br#"{"calls":[],"next_page_uri":"/2010-04-01/Accounts/AC1/Calls.json?Page=1"}"#[..],
            b"<html>502</html>",
            br#"{"meta": "not an object"}"#,
            br#"{"meta":{"next_page_url":"https://evil.example/x"}}"#,
        ] {
            let out = rewrite(Bytes::copy_from_slice(body), GW, "https://api.twilio.com");
            assert_eq!(&out[..], body);
        }
    }

    #[test]
    fn links_under_a_stand_in_upstream_map_directly() {
        assert_eq!(
            link(
                "http://127.0.0.1:4010/verify/v2/Services?Page=1",
                GW,
                "http://127.0.0.1:4010"
            )
            .as_deref(),
            Some("http://127.0.0.1:8080/verify/v2/Services?Page=1")
        );
        assert_eq!(
            link(
                "https://api.twilio.com/2010-04-01/Accounts.json",
                GW,
                "https://api.twilio.com"
            )
            .as_deref(),
            Some("http://127.0.0.1:8080/2010-04-01/Accounts.json")
        );
        assert_eq!(
            link("http://verify.twilio.com/v2", GW, "https://api.twilio.com"),
            None
        );
    }
}
