//! The shape of a response type: which fields each model reads, at every depth. The
//! conformance check compares it with the spec's response schemas, so a response type that
//! silently drops a field Twilio sends is caught.
//!
//! Each type reports its own shape ([`ResponseBody::shape`](crate::response::ResponseBody),
//! [`ResponseField::shape`](crate::response::ResponseField)): a `#[twilio_model]` lists its
//! fields, a [`Page`](crate::Page) its envelope and item model, `serde_json::Value` reads
//! anything. Models report their fields when `runtime` has its `reflect` feature, the only
//! setting in which `Shape::of` exists.

/// What a type reads, with `Option` and `Vec` looked through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// A struct: its field names as read from the wire, each with its shape.
    Struct {
        /// The Rust struct's name.
        name: &'static str,
        /// `(wire name, shape)` per field, in declaration order.
        fields: Vec<(&'static str, Shape)>,
    },
    /// A string-keyed map: any keys are read.
    Map,
    /// A self-describing value (`serde_json::Value`): reads anything.
    Any,
    /// A single value: string, number, boolean, enum, SID, date.
    Scalar,
    /// Nothing (`()`): the body is ignored.
    Unit,
    /// The type nests deeper than shapes are followed (a model that contains itself).
    TooDeep,
}

impl Shape {
    /// The shape of response type `T`.
    #[cfg(feature = "reflect")]
    pub fn of<T: crate::response::ResponseBody>() -> Shape {
        T::shape()
    }

    /// The shape of field `name`, if this is a struct that reads one.
    pub fn field(&self, name: &str) -> Option<&Shape> {
        match self {
            Shape::Struct { fields, .. } => fields.iter().find(|(f, _)| *f == name).map(|(_, s)| s),
            _ => None,
        }
    }
}

#[cfg(all(test, feature = "reflect"))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[crate::twilio_model]
    #[allow(dead_code)]
    struct Inner {
        #[twilio(rename = "x_y")]
        x: u32,
        tags: Option<Vec<String>>,
        again: Option<Vec<Inner>>,
    }

    impl crate::Listed for Inner {
        const KEY: &'static str = "inners";
    }

    #[crate::twilio_model]
    #[allow(dead_code)]
    struct Outer {
        items: Vec<Inner>,
        next_page_uri: Option<String>,
        extra: Option<serde_json::Value>,
        links: Option<HashMap<String, String>>,
        when: Option<time::OffsetDateTime>,
        sid: crate::sid::CallSid,
    }

    #[test]
    fn models_report_nested_fields_through_vec_and_option() {
        let shape = Shape::of::<Outer>();
        let Shape::Struct { name, fields } = &shape else {
            panic!("not a struct: {shape:?}")
        };
        assert_eq!(*name, "Outer");
        let names: Vec<_> = fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            names,
            ["items", "next_page_uri", "extra", "links", "when", "sid"]
        );
        let items = shape.field("items").expect("items");
        assert_eq!(items.field("x_y"), Some(&Shape::Scalar));
        assert_eq!(items.field("tags"), Some(&Shape::Scalar));
        assert_eq!(shape.field("extra"), Some(&Shape::Any));
        assert_eq!(shape.field("links"), Some(&Shape::Map));
        assert_eq!(shape.field("when"), Some(&Shape::Scalar));
        assert_eq!(shape.field("sid"), Some(&Shape::Scalar));
        // A model that contains itself stops at the depth limit.
        let mut inner = items;
        for _ in 0..crate::response::MAX_DEPTH {
            match inner.field("again") {
                Some(next) => inner = next,
                None => break,
            }
        }
        assert_eq!(inner, &Shape::TooDeep);
    }

    #[test]
    fn pages_report_their_envelope_and_items() {
        let shape = Shape::of::<crate::Page<Inner>>();
        assert_eq!(
            shape.field("inners").and_then(|s| s.field("x_y")),
            Some(&Shape::Scalar)
        );
        assert_eq!(shape.field("next_page_uri"), Some(&Shape::Scalar));
        assert_eq!(shape.field("end"), Some(&Shape::Scalar));
    }

    #[test]
    fn unit_and_value() {
        assert_eq!(Shape::of::<()>(), Shape::Unit);
        assert_eq!(Shape::of::<serde_json::Value>(), Shape::Any);
    }
}
