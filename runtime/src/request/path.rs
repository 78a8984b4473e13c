//! Path templating at run time: each placeholder value is percent-encoded as ONE segment, so no
//! value can add a `/`, `?`, `#` or a dot-segment to the request path.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::param::ParamError;

/// Everything outside RFC 3986's unreserved and sub-delim characters that could change how a
/// path is split or normalised, plus `%` so an already-encoded value stays literal.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Types that can fill a `<Placeholder>` of a path template.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a path segment",
    label = "this field fills a `<Placeholder>` of the path",
    note = "a path placeholder takes a SID type (e.g. `CallSid`), an enum declared with `twilio_enum!`, an integer, a `Date` or `String`; lists and optional values cannot fill a path segment"
)]
pub trait PathSegment {
    /// The unencoded segment text (borrowed for text, SIDs and enums; numbers and dates are
    /// formatted).
    fn segment(&self) -> Cow<'_, str>;
}

impl PathSegment for String {
    fn segment(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }
}

// The integer types the generator gives path placeholders the spec types as integers (a Sync
// list item's `Index`, …).
impl PathSegment for u32 {
    fn segment(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl PathSegment for i64 {
    fn segment(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl PathSegment for super::date::Date {
    fn segment(&self) -> Cow<'_, str> {
        Cow::Owned(self.to_wire())
    }
}

/// Appends `value` to `out` as one percent-encoded path segment.
pub fn push_segment(out: &mut String, value: &str) -> Result<(), ParamError> {
    match value {
        "" => return Err(ParamError::new("must not be empty in a path")),
        "." | ".." => {
            return Err(ParamError::new(format!(
                "cannot be {value:?}: it would change the request path"
            )))
        }
        _ => {}
    }
    if value.bytes().all(|b| b.is_ascii_alphanumeric()) {
        // SIDs, the usual case: nothing to escape.
        out.push_str(value);
    } else {
        out.extend(utf8_percent_encode(value, SEGMENT));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(v: &str) -> Result<String, ParamError> {
        let mut s = String::new();
        push_segment(&mut s, v).map(|()| s)
    }

    #[test]
    fn encodes_separators_and_rejects_dot_segments() {
        assert_eq!(enc("a/b?c#d").expect("ok"), "a%2Fb%3Fc%23d");
        assert_eq!(enc("%2e%2e").expect("ok"), "%252e%252e");
        assert_eq!(enc("+1 555").expect("ok"), "+1%20555");
        assert!(enc("..").is_err());
        assert!(enc(".").is_err());
        assert!(enc("").is_err());
    }
}
