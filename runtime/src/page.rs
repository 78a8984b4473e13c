//! Lists: one page of a list answer ([`Page`]), and a lazy [`Items`] stream over every item of
//! every page, holding at most one page in memory.
//!
//! Two envelopes exist: Api v2010's, with `next_page_uri` (a path) and the other links at the
//! top level, and the newer products' `meta` object (`next_page_url`, an absolute URL, and
//! `key`, the name of the item array). A page reads both; the stream follows either link by its
//! path and query alone, on the routed base of the endpoint's own host.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::client::Client;
use crate::endpoint::{CallOptions, Endpoint};
use crate::error::Error;
use crate::param::InvalidParams;
use crate::reflect::Shape;
use crate::response::generated::ModelReader;
use crate::response::{DateFormat, ResponseBody, ResponseField, Unreadable};

/// A resource that Twilio lists: names the array its list answers carry the items in.
pub trait Listed {
    /// The key of the item array in a page (`"calls"`, `"media_list"`, …).
    const KEY: &'static str;
}

/// A response type made of pages: [`Page<T>`]. Declarations marked `paged` need one.
pub trait Paged {
    /// One item of a page.
    type Item;
}

/// One page of a list answer: the items, and where the next page is.
///
/// Read like a [`#[twilio_model]`](crate::twilio_model): unknown envelope fields are ignored,
/// a missing item array reads as an empty page, an envelope field or an item that does not fit
/// is kept in [`unreadable`](Self::unreadable) (an item as `calls[3]`) and the rest of the page
/// is still read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The path (and query) of the next page as Api v2010 sends it; `None` on the last page
    /// and in the newer products' envelope (see [`meta`](Self::meta), and
    /// [`next_page`](Self::next_page) for either).
    pub next_page_uri: Option<String>,
    /// The path of the previous page, if any.
    pub previous_page_uri: Option<String>,
    /// The path of the first page.
    pub first_page_uri: Option<String>,
    /// This page's own path.
    pub uri: Option<String>,
    /// The page index, from 0.
    pub page: Option<u64>,
    /// The page size in effect.
    pub page_size: Option<u64>,
    /// The index of the first item of this page in the whole list.
    pub start: Option<u64>,
    /// The index of the last item of this page.
    pub end: Option<u64>,
    /// The `meta` object of the newer products' envelope, when the page has one.
    pub meta: Option<PageMeta>,
    /// Envelope fields and items that did not fit, by wire name (see
    /// [`Unreadable`]).
    pub unreadable: Unreadable,
}

impl<T> Paged for Page<T> {
    type Item = T;
}

impl<T> Page<T> {
    /// Where the next page is, from either envelope: `next_page_uri` (a path), else
    /// `meta.next_page_url` (an absolute URL); `None` on the last page.
    pub fn next_page(&self) -> Option<&str> {
        let meta = self.meta.as_ref().and_then(|m| m.next_page_url.as_deref());
        self.next_page_uri
            .as_deref()
            .or(meta)
            .filter(|u| !u.trim().is_empty())
    }
}

/// The `meta` object of the newer products' list answers: the links are absolute URLs.
#[crate::twilio_model]
#[derive(Debug, Clone, PartialEq)]
pub struct PageMeta {
    /// The page index, from 0.
    pub page: Option<u64>,
    /// The page size in effect.
    pub page_size: Option<u64>,
    /// The first page's URL.
    pub first_page_url: Option<String>,
    /// The previous page's URL, if any.
    pub previous_page_url: Option<String>,
    /// This page's URL.
    pub url: Option<String>,
    /// The next page's URL; `None` on the last page.
    pub next_page_url: Option<String>,
    /// The name of the item array (`services`, `verifications`, …).
    pub key: Option<String>,
}

/// The envelope's fields after the item array (index 0), in wire order.
const ENVELOPE: [&str; 8] = [
    "next_page_uri",
    "previous_page_uri",
    "first_page_uri",
    "uri",
    "page",
    "page_size",
    "start",
    "end",
];

impl<'de, T: Listed + ResponseField> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);

        impl<'de, T: Listed + ResponseField> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a page of `{}`", T::KEY)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let [a, b, c, d, e, f, g, h] = ENVELOPE;
                let names = [T::KEY, a, b, c, d, e, f, g, h, "meta"];
                let mut r = ModelReader::new("Page", &names);
                let mut items = None;
                let (mut next, mut previous, mut first, mut uri) = (None, None, None, None);
                let (mut page, mut page_size, mut start, mut end) = (None, None, None, None);
                let mut meta = None;
                while let Some(key) = r.key(&mut map)? {
                    match key {
                        Some(0) => items = r.value(&mut map, 0)?,
                        Some(1) => next = r.value::<String, _>(&mut map, 1)?,
                        Some(2) => previous = r.value(&mut map, 2)?,
                        Some(3) => first = r.value(&mut map, 3)?,
                        Some(4) => uri = r.value(&mut map, 4)?,
                        Some(5) => page = r.value(&mut map, 5)?,
                        Some(6) => page_size = r.value(&mut map, 6)?,
                        Some(7) => start = r.value(&mut map, 7)?,
                        Some(8) => end = r.value(&mut map, 8)?,
                        Some(9) => meta = r.value(&mut map, 9)?,
                        _ => r.skip(&mut map)?,
                    }
                }
                Ok(Page {
                    items: items.unwrap_or_default(),
                    // An empty string is how some answers say "no next page".
                    next_page_uri: next.filter(|u| !u.trim().is_empty()),
                    previous_page_uri: previous,
                    first_page_uri: first,
                    uri,
                    page,
                    page_size,
                    start,
                    end,
                    meta,
                    unreadable: r.finish(),
                })
            }
        }

        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

/// Writes the envelope Twilio sends: the items under their key, then the page fields.
impl<T: Listed + ResponseField> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(9 + usize::from(self.meta.is_some())))?;
        map.serialize_entry(T::KEY, &ItemsOut(&self.items))?;
        map.serialize_entry("next_page_uri", &self.next_page_uri)?;
        map.serialize_entry("previous_page_uri", &self.previous_page_uri)?;
        map.serialize_entry("first_page_uri", &self.first_page_uri)?;
        map.serialize_entry("uri", &self.uri)?;
        map.serialize_entry("page", &self.page)?;
        map.serialize_entry("page_size", &self.page_size)?;
        map.serialize_entry("start", &self.start)?;
        map.serialize_entry("end", &self.end)?;
        if let Some(meta) = &self.meta {
            map.serialize_entry("meta", meta)?;
        }
        map.end()
    }
}

struct ItemsOut<'a, T>(&'a Vec<T>);

impl<T: ResponseField> Serialize for ItemsOut<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.write(s, DateFormat::default())
    }
}

impl<T: Listed + ResponseField> ResponseBody for Page<T> {
    fn shape() -> Shape {
        let mut fields = vec![(T::KEY, T::shape(1))];
        fields.extend(ENVELOPE.iter().map(|name| (*name, Shape::Scalar)));
        fields.push(("meta", <PageMeta as ResponseField>::shape(1)));
        Shape::Struct {
            name: "Page",
            fields,
        }
    }

    fn example() -> serde_json::Value {
        let mut page = serde_json::json!({
            "next_page_uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Items.json?Page=1",
            "previous_page_uri": null,
            "first_page_uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Items.json?Page=0",
            "uri": "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Items.json?Page=0",
            "page": 0,
            "page_size": 50,
            "start": 0,
            "end": 0,
        });
        page[T::KEY] = serde_json::Value::Array(vec![T::example(1)]);
        page
    }

    fn each_unreadable(&self, visit: &mut dyn FnMut(&str, &serde_json::Value)) {
        for (name, raw) in self.unreadable.iter() {
            visit(name, raw);
        }
        self.items.each_unreadable(T::KEY, visit);
        if let Some(meta) = &self.meta {
            ResponseField::each_unreadable(meta, "meta", visit);
        }
    }
}

type Fetch<T> = Pin<Box<dyn Future<Output = Result<Page<T>, Error>> + Send>>;

/// Every item of a list, page after page, as a [`Stream`] of `Result<T, Error>`.
///
/// Lazy: nothing is sent until the stream is polled, and the next page is fetched only when
/// the items of the current one are used up, so at most one page is held at a time. Each page
/// goes through the client's retries and timeouts. After an error the stream ends.
#[must_use = "a stream does nothing until polled"]
pub struct Items<T> {
    client: Client,
    /// The host label of the list's product: every page is fetched from its routed base.
    host: &'static str,
    /// How the list's requests authenticate; later pages the same way.
    auth: crate::registry::Auth,
    options: CallOptions,
    /// The next page to fetch, or an error to report before anything is sent.
    next: Option<Result<String, Error>>,
    buffer: std::vec::IntoIter<T>,
    fetching: Option<Fetch<T>>,
    remaining: Option<usize>,
    pages: usize,
}

// `Items` never pins its fields in place: the in-flight fetch is boxed.
impl<T> Unpin for Items<T> {}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages_fetched", &self.pages)
            .field("buffered", &self.buffer.len())
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

impl<T> Items<T> {
    /// Stops after `limit` items in all (no page beyond the one holding the last is fetched).
    pub fn limit(mut self, limit: usize) -> Self {
        self.remaining = Some(limit);
        self
    }

    /// How many items are held in memory now: never more than one page's worth. (Not named
    /// `buffered`, which `StreamExt` takes.)
    pub fn buffered_len(&self) -> usize {
        self.buffer.len()
    }

    /// How many pages have been requested so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages
    }
}

impl<T: Listed + ResponseField + Send + 'static> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.remaining == Some(0) {
                this.buffer = Vec::new().into_iter();
                return Poll::Ready(None);
            }
            if let Some(item) = this.buffer.next() {
                if let Some(n) = &mut this.remaining {
                    *n -= 1;
                }
                return Poll::Ready(Some(Ok(item)));
            }
            if let Some(fetch) = &mut this.fetching {
                let result = match fetch.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(result) => result,
                };
                this.fetching = None;
                match result {
                    Ok(page) => {
                        let base = this.client.host_url(this.host).ok();
                        this.next = page
                            .next_page()
                            .map(|link| Ok(path_and_query(link, base.as_deref())));
                        this.buffer = page.items.into_iter();
                        continue;
                    }
                    Err(e) => {
                        this.next = None;
                        return Poll::Ready(Some(Err(e)));
                    }
                }
            }
            match this.next.take() {
                None => return Poll::Ready(None),
                Some(Err(e)) => return Poll::Ready(Some(Err(e))),
                Some(Ok(target)) => {
                    let client = this.client.clone();
                    let options = this.options.clone();
                    let (host, auth) = (this.host, this.auth);
                    this.pages += 1;
                    this.fetching = Some(Box::pin(async move {
                        client
                            .get_path::<Page<T>>(host, auth, &target, &options)
                            .await
                    }));
                }
            }
        }
    }
}

/// The path and query of a page link (absolute URL or path), so a page is always fetched from
/// the client's own host (with its credentials) whatever host an answer names; a gateway
/// rewriting links to itself keeps the same part. A link under `base` (the host's routed base:
/// a gateway's `{url}/verify`, or a stand-in upstream's) loses that base, so its `/{host}` is
/// not sent twice.
///
/// ```
/// use runtime::page::path_and_query;
/// assert_eq!(
///     path_and_query("https://verify.dublin.ie1.twilio.com/v2/Services?Page=1", None),
///     "/v2/Services?Page=1"
/// );
/// assert_eq!(
///     path_and_query("http://127.0.0.1:8080/verify/v2/Services?Page=1", Some("http://127.0.0.1:8080/verify")),
///     "/v2/Services?Page=1"
/// );
/// ```
pub fn path_and_query(uri: &str, base: Option<&str>) -> String {
    if let Some(rest) = base.and_then(|b| uri.strip_prefix(b)) {
        if rest.starts_with('/') {
            return rest.to_owned();
        }
        if rest.is_empty() || rest.starts_with('?') {
            return format!("/{rest}");
        }
    }
    match uri.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => rest[i..].to_owned(),
            None => "/".to_owned(),
        },
        None if uri.starts_with('/') => uri.to_owned(),
        None => format!("/{uri}"),
    }
}

/// Starts the stream of a declared list request (the generated `stream` methods call this).
#[doc(hidden)]
pub fn stream<E>(
    client: &Client,
    params: Result<&E, &InvalidParams>,
    options: &CallOptions,
) -> Items<<E::Response as Paged>::Item>
where
    E: Endpoint,
    E::Response: Paged,
{
    let first = match params {
        Ok(params) => client.encode(params).map(|(target, _)| target),
        Err(errors) => Err(Error::invalid(errors.clone())),
    };
    Items {
        client: client.clone(),
        host: E::INFO.host,
        auth: E::INFO.auth,
        options: options.clone(),
        next: Some(first),
        buffer: Vec::new().into_iter(),
        fetching: None,
        remaining: None,
        pages: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[crate::twilio_model]
    #[derive(Debug, PartialEq)]
    struct Thing {
        sid: String,
    }

    impl Listed for Thing {
        const KEY: &'static str = "things";
    }

    #[test]
    fn reads_the_envelope_and_ignores_the_rest() {
        let page: Page<Thing> = serde_json::from_str(
            r#"{"things":[{"sid":"a"}],"next_page_uri":"/x?Page=1","page":0,"page_size":1,
                "start":0,"end":0,"other":[1,2]}"#,
        )
        .expect("page");
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].sid, "a");
        assert_eq!(page.next_page_uri.as_deref(), Some("/x?Page=1"));
        assert!(page.unreadable.is_empty());
        let last: Page<Thing> =
            serde_json::from_str(r#"{"things":[],"next_page_uri":null}"#).expect("page");
        assert!(last.items.is_empty() && last.next_page_uri.is_none());
    }

    #[test]
    fn odd_items_and_envelope_fields_do_not_cost_the_page() {
        let page: Page<Thing> = serde_json::from_str(
            r#"{"things":[{"sid":"a"}, "not a thing", {"sid": 7}, {"sid":"b"}],
                "page":"first","page_size":"50","next_page_uri":"/x?Page=1"}"#,
        )
        .expect("page");
        // An item that is not an object, or whose essential `sid` does not fit, is left out
        // and kept whole.
        let sids: Vec<&str> = page.items.iter().map(|t| t.sid.as_str()).collect();
        assert_eq!(sids, ["a", "b"]);
        assert_eq!(
            page.unreadable.get("things[1]"),
            Some(&serde_json::json!("not a thing"))
        );
        assert_eq!(
            page.unreadable.get("things[2]"),
            Some(&serde_json::json!({"sid": 7}))
        );
        assert_eq!(page.page, None);
        assert_eq!(
            page.unreadable.get("page"),
            Some(&serde_json::json!("first"))
        );
        assert_eq!(page.page_size, Some(50));
        assert_eq!(page.next_page_uri.as_deref(), Some("/x?Page=1"));
        // Not an object at all: the body is not a page.
        assert!(serde_json::from_str::<Page<Thing>>("[1]").is_err());
    }

    #[test]
    fn reads_the_meta_envelope_leniently() {
        let page: Page<Thing> = serde_json::from_str(
            r#"{"things":[{"sid":"a"}],"meta":{"page":0,"page_size":"fifty",
                "first_page_url":"https://verify.twilio.com/v2/Things?PageSize=1&Page=0",
                "previous_page_url":null,"url":"https://verify.twilio.com/v2/Things?PageSize=1&Page=0",
                "next_page_url":"https://verify.twilio.com/v2/Things?PageSize=1&Page=1&PageToken=PA1",
                "key":"things"}}"#,
        )
        .expect("page");
        let meta = page.meta.as_ref().expect("meta");
        assert_eq!(meta.key.as_deref(), Some("things"));
        assert_eq!(meta.page, Some(0));
        assert_eq!(meta.page_size, None);
        assert!(page.next_page_uri.is_none());
        assert_eq!(
            page.next_page(),
            Some("https://verify.twilio.com/v2/Things?PageSize=1&Page=1&PageToken=PA1")
        );
        assert_eq!(
            meta.unreadable.get("page_size"),
            Some(&serde_json::json!("fifty"))
        );
        let last: Page<Thing> =
            serde_json::from_str(r#"{"things":[],"meta":{"next_page_url":null,"key":"things"}}"#)
                .expect("last");
        assert_eq!(last.next_page(), None);
        let written = serde_json::to_value(&page).expect("json");
        assert_eq!(written["meta"]["key"], "things");
    }

    #[test]
    fn page_uris_stay_on_the_clients_host() {
        assert_eq!(
            path_and_query("/2010-04-01/A.json?Page=1", None),
            "/2010-04-01/A.json?Page=1"
        );
        assert_eq!(
            path_and_query("https://evil.example/2010-04-01/A.json?Page=1", None),
            "/2010-04-01/A.json?Page=1"
        );
        // A gateway's link back to itself: under the routed base of `verify`, which it loses.
        let gateway = Some("http://127.0.0.1:8080/verify");
        assert_eq!(
            path_and_query("http://127.0.0.1:8080/verify/v2/Services?Page=1", gateway),
            "/v2/Services?Page=1"
        );
        assert_eq!(
            path_and_query("https://verify.twilio.com/v2/Services?Page=1", gateway),
            "/v2/Services?Page=1"
        );
        assert_eq!(
            path_and_query("http://127.0.0.1:8080/verifyx/v2/S", gateway),
            "/verifyx/v2/S"
        );
    }
}
