//! Page links in answers lead back through the gateway.
//!
//! Newer products link pages with absolute URLs in `meta` (`"next_page_url":
//! "https://verify.twilio.com/v2/Services?PageToken=…"`, also `first_page_url`,
//! `previous_page_url` and `url`). Each is rewritten to the gateway's public URL, the
//! product's prefix (`/{host}`, none for `api`) and the link's path and query:
//! `{public}/verify/v2/Services?PageToken=…`. Whatever host a link names (a regional one, a
//! server standing in for Twilio, or one that is none of these) only its path and query are
//! kept, so a caller that follows it (twilio-python sends its credentials to any page URL)
//! only ever reaches the gateway. A link under the upstream's own base for the product (a
//! stand-in that already routes products under `/{host}`) loses that base first.
//!
//! Relative page URIs (`next_page_uri`, v2010's) are left as they came: clients resolve them
//! against the product's base URL (`{gateway}` for `api`, `{gateway}/{host}` for the others),
//! as our client and Twilio's helpers do (twilio-python's `Domain.absolute_url`), so a
//! `/{host}` put in front would be doubled.
//!
//! The rest of the body is passed through as it came: only the `meta` object is rewritten,
//! its other members kept byte for byte.

use bytes::Bytes;
use serde_json::value::RawValue;

/// The `meta` members that hold page links.
const LINKS: [&str; 4] = [
    "url",
    "first_page_url",
    "previous_page_url",
    "next_page_url",
];

/// Where the links of one answer lead.
#[derive(Debug, Clone, Copy)]
pub struct Links<'a> {
    /// The gateway's public URL, without a trailing `/`.
    pub public_url: &'a str,
    /// The answering operation's product host (`api`, `verify`, …).
    pub host: &'a str,
    /// The upstream's base for that product, without a trailing `/`
    /// (`https://verify.twilio.com`, `http://127.0.0.1:4010/verify`).
    pub upstream: &'a str,
}

/// Rewrites the page links of a JSON answer; any other body comes back unchanged.
pub fn rewrite(body: Bytes, links: &Links<'_>) -> Bytes {
    if !may_link(&body) {
        return body;
    }
    match rewritten(&body, links) {
        Some(new) => Bytes::from(new),
        None => body,
    }
}

/// Whether a body may hold page links to rewrite (a cheap scan before any parsing).
pub fn may_link(body: &[u8]) -> bool {
    contains(body, b"\"meta\"")
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

fn rewritten(body: &[u8], links: &Links<'_>) -> Option<String> {
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
                .and_then(|url| link(&url, links));
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

/// The gateway URL for one page link, or `None` to leave it alone (not an http(s) URL).
pub fn link(url: &str, links: &Links<'_>) -> Option<String> {
    let (scheme, _) = url.split_once("://")?;
    if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
        return None;
    }
    let mut out = String::from(links.public_url);
    if links.host != "api" {
        out.push('/');
        out.push_str(links.host);
    }
    // The part our own client would fetch a page with (runtime's rule, shared).
    out.push_str(&runtime::page::path_and_query(url, Some(links.upstream)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GW: &str = "http://127.0.0.1:8080";

    fn verify() -> Links<'static> {
        Links {
            public_url: GW,
            host: "verify",
            upstream: "https://verify.twilio.com",
        }
    }

    #[test]
    fn meta_links_are_rewritten_and_the_rest_kept() {
        let body = br#"{"services":[{"sid":"VA1","url":"https://verify.twilio.com/v2/Services/VA1"}],"meta":{"page":0,"page_size":50,"first_page_url":"https://verify.twilio.com/v2/Services?PageSize=50&Page=0","previous_page_url":null,"url":"https://verify.twilio.com/v2/Services?PageSize=50&Page=0","next_page_url":"https://verify.dublin.ie1.twilio.com/v2/Services?PageSize=50&Page=1&PageToken=PA1","key":"services"}}"#;
        let out = rewrite(Bytes::from_static(body), &verify());
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
        assert_eq!(
            v["meta"]["url"],
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
            br#"{"meta":{"next_page_url":"ftp://example.com/x","key":"x"}}"#,
        ] {
            let out = rewrite(Bytes::copy_from_slice(body), &verify());
            assert_eq!(&out[..], body);
        }
    }

    #[test]
    fn only_the_path_and_query_of_a_link_are_kept() {
        // A link naming a host that is not Twilio's still leads to the gateway: a caller that
        // follows it (with its gateway key) never reaches that host.
        assert_eq!(
            link("https://evil.example/v2/Services?Page=1", &verify()).as_deref(),
            Some("http://127.0.0.1:8080/verify/v2/Services?Page=1")
        );
        let api = Links {
            public_url: "https://gw.example/twilio",
            host: "api",
            upstream: "https://api.twilio.com",
        };
        assert_eq!(
            link(
                "https://api.twilio.com/2010-04-01/Accounts.json?Page=2",
                &api
            )
            .as_deref(),
            Some("https://gw.example/twilio/2010-04-01/Accounts.json?Page=2")
        );
    }

    #[test]
    fn links_under_a_stand_in_upstream_lose_its_base() {
        let stand_in = Links {
            public_url: GW,
            host: "verify",
            upstream: "http://127.0.0.1:4010/verify",
        };
        // A stand-in that routes products under `/{host}` as the client does…
        assert_eq!(
            link("http://127.0.0.1:4010/verify/v2/Services?Page=1", &stand_in).as_deref(),
            Some("http://127.0.0.1:8080/verify/v2/Services?Page=1")
        );
        // …and one that answers with the product's own paths.
        assert_eq!(
            link("http://127.0.0.1:4010/v2/Services?Page=1", &stand_in).as_deref(),
            Some("http://127.0.0.1:8080/verify/v2/Services?Page=1")
        );
    }
}
