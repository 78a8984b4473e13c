//! Lists: one page of a list answer ([`Page`]), and a lazy [`Items`] stream over every item of
//! every page that follows `next_page_uri`, holding at most one page in memory.

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::client::Client;
use crate::endpoint::{CallOptions, Endpoint};
use crate::error::Error;
use crate::param::InvalidParams;

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
/// Unknown envelope fields are ignored; a missing item array reads as an empty page.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// The path (and query) of the next page; `None` on the last page.
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
}

impl<T> Paged for Page<T> {
    type Item = T;
}

impl<'de, T: Listed + Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PageVisitor<T>(PhantomData<T>);

        impl<'de, T: Listed + Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
            type Value = Page<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a page of `{}`", T::KEY)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
                let mut page = Page {
                    items: Vec::new(),
                    next_page_uri: None,
                    previous_page_uri: None,
                    first_page_uri: None,
                    uri: None,
                    page: None,
                    page_size: None,
                    start: None,
                    end: None,
                };
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    match key.as_ref() {
                        k if k == T::KEY => {
                            page.items = map.next_value::<Option<Vec<T>>>()?.unwrap_or_default();
                        }
                        "next_page_uri" => page.next_page_uri = map.next_value()?,
                        "previous_page_uri" => page.previous_page_uri = map.next_value()?,
                        "first_page_uri" => page.first_page_uri = map.next_value()?,
                        "uri" => page.uri = map.next_value()?,
                        "page" => page.page = map.next_value()?,
                        "page_size" => page.page_size = map.next_value()?,
                        "start" => page.start = map.next_value()?,
                        "end" => page.end = map.next_value()?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                // An empty string is how some answers say "no next page".
                page.next_page_uri = page.next_page_uri.filter(|u| !u.trim().is_empty());
                Ok(page)
            }
        }

        deserializer.deserialize_map(PageVisitor(PhantomData))
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

impl<T: Listed + DeserializeOwned + Send + 'static> Stream for Items<T> {
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
                        this.next = page.next_page_uri.map(|uri| Ok(relative(&uri)));
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
                    this.pages += 1;
                    this.fetching = Some(Box::pin(async move {
                        client.get_path::<Page<T>>(&target, &options).await
                    }));
                }
            }
        }
    }
}

/// Keeps only the path and query of a page URI, so a page is always fetched from the client's
/// own host (with its credentials) whatever host an answer names.
fn relative(uri: &str) -> String {
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

    #[derive(Debug, Deserialize, PartialEq)]
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
        assert_eq!(page.items, vec![Thing { sid: "a".into() }]);
        assert_eq!(page.next_page_uri.as_deref(), Some("/x?Page=1"));
        let last: Page<Thing> =
            serde_json::from_str(r#"{"things":[],"next_page_uri":null}"#).expect("page");
        assert!(last.items.is_empty() && last.next_page_uri.is_none());
    }

    #[test]
    fn page_uris_stay_on_the_clients_host() {
        assert_eq!(
            relative("/2010-04-01/A.json?Page=1"),
            "/2010-04-01/A.json?Page=1"
        );
        assert_eq!(
            relative("https://evil.example/2010-04-01/A.json?Page=1"),
            "/2010-04-01/A.json?Page=1"
        );
    }
}
