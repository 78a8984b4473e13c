//! Requests rebuilt from the wire (runtime's `reflect` feature): a server that received a
//! request turns it back into the declaration's params struct, with the refusals a Rust caller
//! gets from the setters, and can send it through a [`Client`] without knowing its type.
//!
//! `#[twilio_endpoint]` implements [`FromWire`] for each declaration (under `reflect`); the
//! helpers below are what that generated code calls. Each text value goes through the same
//! conversion as a setter given a `&str` (`IntoParam`, so a SID, URL or key is refused with the
//! same words), or, for types a setter only takes typed (`bool`, integers, enums, joined lists),
//! is parsed by its wire kind; declared ranges are checked as the setters check them.

use std::marker::PhantomData;

use serde::de::value::{
    BoolDeserializer, Error as ValueError, I64Deserializer, StrDeserializer, U64Deserializer,
};
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::endpoint::{CallOptions, Endpoint};
use crate::erased::{Erased, ForwardError, ForwardFuture, WireError, WireFuture, WireOutcome};
use crate::param::{IntoParam, InvalidParams, Location, ParamError, ParamType, Scalar};
use crate::reflect::Shape;
use crate::registry::Body;
use crate::sid::AccountSid;
use crate::wire::WireInput;

/// A declaration that can be rebuilt from a request as it arrived on the wire.
pub trait FromWire: Endpoint + Sized {
    /// Rebuilds the params struct: every value converted and range-checked as the setters do,
    /// every refusal collected, anything that is not a parameter of this operation refused
    /// ("X is not a parameter of payments.create"), then [`Endpoint::validate`] (the rules).
    fn from_wire(input: &WireInput) -> Result<Self, InvalidParams>;
}

impl Erased {
    /// The erased functions of `E` (the macro calls this in each declaration's `INFO` when
    /// `runtime` has its `reflect` feature).
    pub const fn of<E: FromWire + Send + Sync + 'static>() -> Self {
        Self {
            send_wire: send_wire::<E>,
            check: check::<E>,
            forward_pairs: forward_pairs::<E>,
            forward: forward::<E>,
            response_shape: Shape::of::<E::Response>,
            response_example: <E::Response as crate::response::ResponseBody>::example,
            decode_response: crate::response::decode_for_tools::<E::Response>,
        }
    }
}

/// Fills an `<AccountSid>` the request leaves to the client while checking path segments.
const SOME_ACCOUNT: &str = "AC00000000000000000000000000000000";

fn check<E: FromWire>(input: &WireInput) -> Result<(), InvalidParams> {
    checked::<E>(input).map(drop)
}

/// The params struct rebuilt from `input`, its path segments checked too.
fn checked<E: FromWire>(input: &WireInput) -> Result<E, InvalidParams> {
    let params = E::from_wire(input)?;
    if let Ok(account) = AccountSid::new(SOME_ACCOUNT) {
        params.write_path(&account, &mut String::new())?;
    }
    Ok(params)
}

fn send_wire<'a, E: FromWire>(client: &'a Client, pairs: &'a [(String, String)]) -> WireFuture<'a> {
    Box::pin(async move {
        let params = match E::from_wire(&WireInput::from_pairs(&E::INFO, pairs)) {
            Ok(p) => p,
            Err(refused) => {
                return WireOutcome {
                    request: None,
                    result: Err(WireError::Params(refused.to_string())),
                }
            }
        };
        let request = client.encode(&params).ok();
        let result = client
            .execute(&params, &CallOptions::default())
            .await
            .map(drop)
            .map_err(WireError::Call);
        WireOutcome { request, result }
    })
}

fn forward_pairs<'a, E: FromWire + Send + Sync + 'static>(
    client: &'a Client,
    pairs: &'a [(String, String)],
    options: &'a CallOptions,
) -> ForwardFuture<'a> {
    let rebuilt = E::from_wire(&WireInput::from_pairs(&E::INFO, pairs));
    Box::pin(async move {
        let params = rebuilt.map_err(ForwardError::Params)?;
        client
            .send_raw(&params, options)
            .await
            .map_err(ForwardError::Call)
    })
}

fn forward<'a, E: FromWire + Send + Sync + 'static>(
    client: &'a Client,
    input: &'a WireInput,
    options: &'a CallOptions,
) -> ForwardFuture<'a> {
    Box::pin(async move {
        let params = checked::<E>(input).map_err(ForwardError::Params)?;
        client
            .send_raw(&params, options)
            .await
            .map_err(ForwardError::Call)
    })
}

/// Collects the values of one request and every refusal, for generated `from_wire` code.
#[doc(hidden)]
pub struct Rebuild<'a> {
    input: &'a WireInput,
    params: &'static [crate::param::ParamInfo],
    operation: String,
    /// Every refusal so far.
    pub errors: InvalidParams,
}

impl<'a> Rebuild<'a> {
    /// Starts rebuilding `E` from `input`: refuses what is not a parameter of `E` at once.
    pub fn new<E: Endpoint>(input: &'a WireInput) -> Self {
        let info = &E::INFO;
        let mut this = Self {
            input,
            params: info.params,
            operation: info.operation(),
            errors: InvalidParams::default(),
        };
        for (name, _) in &input.path {
            if info.param_in(Location::Path, name).is_none() {
                this.unknown(name);
            }
        }
        let pair_place = match info.body {
            Body::None => Location::Query,
            Body::Form => Location::Form,
            // A JSON request carries no query or form parameters.
            Body::Json => Location::Json,
        };
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in &input.pairs {
            // A request with a body may also take `#[twilio(query)]` parameters (the query
            // and body pairs arrive together).
            let known = (pair_place != Location::Json
                && info
                    .param_in(pair_place, name)
                    .is_some_and(|p| p.prefix.is_none()))
                || info.prefixed_param(pair_place, name).is_some()
                || (pair_place != Location::Query
                    && info.param_in(Location::Query, name).is_some());
            if !known && !seen.contains(&name.as_str()) {
                seen.push(name);
                match info.param_in(pair_place, name).and_then(|p| p.prefix) {
                    // `AddOnsData={...}`: the map's own name, which Twilio does not read.
                    Some(prefix) => {
                        let reason = crate::request::PrefixedMap::try_from(value.as_str())
                            .err()
                            .unwrap_or_else(|| {
                                ParamError::new(format!(
                                    "travels as `{prefix}.<key>=<value>` pairs, not as one value"
                                ))
                            });
                        this.errors.push(shown(name).into_owned(), reason);
                    }
                    None => this.unknown(name),
                }
            }
        }
        match (&input.json, info.body) {
            (None, _) => {}
            (Some(serde_json::Value::Object(members)), Body::Json) => {
                for name in members.keys() {
                    if info.param_in(Location::Json, name).is_none() {
                        this.unknown(name);
                    }
                }
            }
            (Some(_), Body::Json) => this
                .errors
                .push("(body)", ParamError::new("must be a JSON object")),
            (Some(_), _) => this.errors.push(
                "(body)",
                ParamError::new(format!(
                    "cannot be JSON: {} takes {} parameters",
                    this.operation,
                    if info.body == Body::Form {
                        "form"
                    } else {
                        "query"
                    }
                )),
            ),
        }
        this
    }

    fn unknown(&mut self, name: &str) {
        let reason = ParamError::new(format!("is not a parameter of {}", self.operation));
        self.errors.push(shown(name).into_owned(), reason);
    }

    fn convert<T>(
        &mut self,
        param: &'static str,
        text: Option<&str>,
        required: bool,
        convert: impl FnOnce(&str) -> Result<T, ParamError>,
    ) -> Option<T> {
        match text {
            Some(text) => match convert(text) {
                Ok(v) => Some(v),
                Err(reason) => {
                    self.errors.push(param, reason);
                    None
                }
            },
            None => {
                if required {
                    self.errors.push(param, ParamError::new("is required"));
                }
                None
            }
        }
    }

    /// A path placeholder's value.
    pub fn path<T>(
        &mut self,
        param: &'static str,
        required: bool,
        convert: impl FnOnce(&str) -> Result<T, ParamError>,
    ) -> Option<T> {
        let text = self.input.path_value(param);
        self.convert(param, text, required, convert)
    }

    /// A header parameter's value.
    pub fn header<T>(
        &mut self,
        param: &'static str,
        required: bool,
        convert: impl FnOnce(&str) -> Result<T, ParamError>,
    ) -> Option<T> {
        let text = self.input.header(param);
        self.convert(param, text, required, convert)
    }

    /// A query or form parameter that takes one value: a repeated key is refused.
    pub fn pair<T>(
        &mut self,
        param: &'static str,
        required: bool,
        convert: impl FnOnce(&str) -> Result<T, ParamError>,
    ) -> Option<T> {
        let mut values = self.input.values(param);
        let first = values.next();
        let more = values.count();
        if more > 0 {
            self.errors.push(
                param,
                ParamError::new(format!("is given {} times; it takes one value", more + 1)),
            );
            return None;
        }
        self.convert(param, first, required, convert)
    }

    /// A list parameter of a query or form: every value of its repeated key, each item refused
    /// with its position as a list setter refuses it.
    pub fn list<T>(
        &mut self,
        param: &'static str,
        required: bool,
        convert: impl Fn(&str) -> Result<T, ParamError>,
    ) -> Option<Vec<T>> {
        let mut items = Vec::new();
        let mut refused = false;
        for (i, text) in self.input.values(param).enumerate() {
            match convert(text) {
                Ok(v) => items.push(v),
                Err(reason) => {
                    refused = true;
                    self.errors
                        .push(param, ParamError::new(format!("item {}: {reason}", i + 1)));
                }
            }
        }
        match (items.is_empty() && !refused, required) {
            (true, true) => {
                self.errors.push(param, ParamError::new("is required"));
                None
            }
            (true, false) => None,
            _ => (!refused).then_some(items),
        }
    }

    /// A [`PrefixedMap`](crate::PrefixedMap): every pair under its prefix (`AddOns.a.b=c`),
    /// in the order they arrived. The parameter's own name (`AddOnsData`) is no key of the
    /// request (`new` refuses it): Twilio reads only the prefixed pairs.
    pub fn prefixed(
        &mut self,
        param: &'static str,
        required: bool,
    ) -> Option<crate::request::PrefixedMap> {
        let prefix = self
            .params
            .iter()
            .find(|p| p.wire_name == param)
            .and_then(|p| p.prefix)?;
        let pairs = self.input.pairs.iter().filter_map(|(k, v)| {
            Some((
                crate::request::PrefixedMap::key_below(prefix, k)?,
                v.as_str(),
            ))
        });
        match crate::request::PrefixedMap::from_pairs(pairs) {
            Ok(map) if map.is_empty() => {
                if required {
                    self.errors.push(param, ParamError::new("is required"));
                }
                None
            }
            Ok(map) => Some(map),
            Err(reason) => {
                self.errors.push(param, reason);
                None
            }
        }
    }

    /// A member of the JSON body. A string, number or boolean goes through the same
    /// conversion and range check as a text value (`"5"` and `5` alike); an object or array is
    /// read as its JSON type, as is anything for a JSON-valued parameter.
    pub fn json<T: DeserializeOwned>(
        &mut self,
        param: &'static str,
        required: bool,
        convert: impl FnOnce(&str) -> Result<T, ParamError>,
    ) -> Option<T> {
        let json_valued = self
            .params
            .iter()
            .any(|p| p.wire_name == param && p.kind.scalar == Scalar::Json);
        let value = self.input.json_member(param);
        let text = match value {
            _ if json_valued => None,
            Some(serde_json::Value::String(text)) => Some(text.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
            _ => None,
        };
        match (value, text) {
            (_, Some(text)) => self.convert(param, Some(&text), required, convert),
            (None | Some(serde_json::Value::Null), _) => {
                self.convert(param, None, required, convert)
            }
            (Some(value), None) => match T::deserialize(value) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.errors.push(param, ParamError::new(e.to_string()));
                    None
                }
            },
        }
    }
}

/// At most 48 characters of a value or name a request sent, for messages.
fn shown(text: &str) -> std::borrow::Cow<'_, str> {
    const MAX: usize = 48;
    match text.char_indices().nth(MAX) {
        None => text.into(),
        Some((cut, _)) => format!("{}…", &text[..cut]).into(),
    }
}

/// A declared range checked on a converted value, as the setters check it.
pub fn ranged<T: crate::param::RangeCheck + std::fmt::Display>(
    converted: Result<T, ParamError>,
    range: crate::param::Range,
) -> Result<T, ParamError> {
    crate::__private::in_range(converted, range)
}

/// Picks how a text value becomes a `T` (autoref specialization, in generated code only):
/// `(&&&Wire::<T>::NEW).convert(text)` uses the setters' own conversion from `&str` where
/// there is one ([`ViaIntoParam`]), else the wire kind ([`ViaKind`]), else refuses
/// ([`ViaNone`]: a type that is no parameter type at all, which the declaration's registry
/// entry already reports as the one compile error).
#[doc(hidden)]
pub struct Wire<T>(PhantomData<fn() -> T>);

impl<T> Wire<T> {
    /// The selector.
    pub const NEW: Self = Wire(PhantomData);
}

/// The setters' conversion from `&str` (a SID, URL, key, phone number, date, text, decimal).
#[doc(hidden)]
pub trait ViaIntoParam<T> {
    /// Converts.
    fn convert(&self, text: &str) -> Result<T, ParamError>;
}

impl<T> ViaIntoParam<T> for &&Wire<T>
where
    for<'s> &'s str: IntoParam<T>,
{
    fn convert(&self, text: &str) -> Result<T, ParamError> {
        text.into_param()
    }
}

/// A value a setter only takes typed: parsed by its wire kind.
#[doc(hidden)]
pub trait ViaKind<T> {
    /// Converts.
    fn convert(&self, text: &str) -> Result<T, ParamError>;
}

impl<T: ParamType + DeserializeOwned> ViaKind<T> for &Wire<T> {
    fn convert(&self, text: &str) -> Result<T, ParamError> {
        by_kind(text)
    }
}

/// No conversion: only for a field type that is not a parameter type (a compile error of its
/// own elsewhere), so this code adds no second error.
#[doc(hidden)]
pub trait ViaNone<T> {
    /// Refuses.
    fn convert(&self, text: &str) -> Result<T, ParamError>;
}

impl<T> ViaNone<T> for Wire<T> {
    fn convert(&self, _: &str) -> Result<T, ParamError> {
        Err(ParamError::new("cannot be read from the wire"))
    }
}

fn by_kind<T: ParamType + DeserializeOwned>(text: &str) -> Result<T, ParamError> {
    let kind = T::KIND;
    let read = match (kind.scalar, kind.list) {
        (Scalar::Boolean, None) => match text {
            "true" => T::deserialize(BoolDeserializer::<ValueError>::new(true)),
            "false" => T::deserialize(BoolDeserializer::<ValueError>::new(false)),
            _ => {
                return Err(ParamError::new(format!(
                    "must be `true` or `false`, got {:?}",
                    shown(text)
                )))
            }
        },
        (Scalar::Integer, None) => {
            let read = if let Ok(n) = text.parse::<i64>() {
                T::deserialize(I64Deserializer::<ValueError>::new(n))
            } else if let Ok(n) = text.parse::<u64>() {
                T::deserialize(U64Deserializer::<ValueError>::new(n))
            } else {
                return Err(ParamError::new(format!(
                    "must be an integer, got {:?}",
                    shown(text)
                )));
            };
            // The words a setter uses for an integer its type cannot hold.
            return read.map_err(|_| ParamError::new(crate::param::INTEGER_OUT_OF_RANGE));
        }
        _ => T::deserialize(StrDeserializer::<ValueError>::new(text)),
    };
    read.map_err(|e| ParamError::new(e.to_string()))
}

#[cfg(test)]
// `(&&&Wire::<T>::NEW)` is the selector itself: the borrows pick the conversion.
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;
    use crate::param::Range;
    use crate::request::{IdempotencyKey, SpaceSeparated, Uri};
    use crate::sid::CallSid;

    fn text<T>(value: &str) -> Result<T, String>
    where
        for<'s> &'s str: IntoParam<T>,
    {
        (&&&Wire::<T>::NEW)
            .convert(value)
            .map_err(|e| e.to_string())
    }

    fn kind<T: ParamType + DeserializeOwned>(value: &str) -> Result<T, String> {
        (&&&Wire::<T>::NEW)
            .convert(value)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn text_values_are_refused_with_the_setters_words() {
        let setter = |v: &str| -> String {
            IntoParam::<CallSid>::into_param(v)
                .map(|_| ())
                .expect_err("refused")
                .to_string()
        };
        assert_eq!(
            text::<CallSid>("CA123").expect_err("short"),
            setter("CA123")
        );
        assert!(text::<Uri>("not a url").is_err());
        assert!(text::<IdempotencyKey>("").is_err());
        assert_eq!(text::<String>("any").expect("text"), "any");
    }

    #[test]
    fn typed_values_are_parsed_by_their_kind() {
        assert!(kind::<bool>("true").expect("bool"));
        assert_eq!(
            kind::<bool>("yes").expect_err("bool"),
            "must be `true` or `false`, got \"yes\""
        );
        assert_eq!(kind::<u32>("600").expect("int"), 600);
        assert_eq!(
            kind::<u32>("-5").expect_err("negative"),
            "is out of range for this parameter's integer type"
        );
        assert_eq!(
            kind::<u32>("5.5").expect_err("not an integer"),
            "must be an integer, got \"5.5\""
        );
        assert_eq!(
            kind::<SpaceSeparated<String>>("a b")
                .expect("joined")
                .items(),
            ["a", "b"]
        );
        let range = Range {
            min: Some(1),
            max: Some(600),
            max_inclusive: true,
        };
        assert_eq!(
            ranged((&&&Wire::<u32>::NEW).convert("601"), range)
                .expect_err("range")
                .to_string(),
            "must be between 1 and 600, got 601"
        );
    }

    #[test]
    fn long_values_are_cut_in_messages() {
        let long = "x".repeat(200);
        let err = kind::<bool>(&long).expect_err("refused");
        assert!(err.len() < 100, "{err}");
        assert!(err.ends_with("…\""), "{err}");
    }
}
