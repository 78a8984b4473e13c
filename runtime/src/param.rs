//! Parameter values: how setters accept them, how bad ones are reported, and what kind of wire
//! value each Rust type is (for the endpoint registry and the conformance check).

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;

/// Why one value was refused. Carries no secret and no more of the value than needed to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError(String);

impl ParamError {
    /// A reason in plain words, e.g. "must be between 1 and 600, got 0".
    pub fn new(reason: impl Into<String>) -> Self {
        Self(reason.into())
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Infallible> for ParamError {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

/// The refusal of an integer its parameter's type cannot hold.
pub(crate) const INTEGER_OUT_OF_RANGE: &str = "is out of range for this parameter's integer type";

impl From<std::num::TryFromIntError> for ParamError {
    fn from(_: std::num::TryFromIntError) -> Self {
        Self(INTEGER_OUT_OF_RANGE.to_owned())
    }
}

impl From<rust_decimal::Error> for ParamError {
    fn from(err: rust_decimal::Error) -> Self {
        Self(format!("is not a decimal number: {err}"))
    }
}

/// One refused parameter: its wire name and the reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{param} {reason}")]
pub struct InvalidParam {
    /// The parameter's name on the wire, e.g. `ChargeAmount`: a declared name, or the name a
    /// request rebuilt from the wire used for something that is not a parameter.
    pub param: Cow<'static, str>,
    /// Why the value was refused.
    pub reason: ParamError,
}

/// Every parameter refused in one request, reported together.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvalidParams(pub Vec<InvalidParam>);

impl InvalidParams {
    /// The refused parameters.
    pub fn iter(&self) -> impl Iterator<Item = &InvalidParam> {
        self.0.iter()
    }

    /// Whether `param` (a wire name) is among them.
    pub fn contains(&self, param: &str) -> bool {
        self.0.iter().any(|p| p.param == param)
    }

    /// Adds one.
    pub fn push(&mut self, param: impl Into<Cow<'static, str>>, reason: ParamError) {
        self.0.push(InvalidParam {
            param: param.into(),
            reason,
        });
    }

    /// `Ok` when nothing was refused.
    pub fn into_result(self) -> Result<(), Self> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for InvalidParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidParams {}

/// A value a setter accepts for a parameter of type `T`: `T` itself, or anything `T` can be
/// parsed from (a `&str` for a SID or URL, a `u64` for a `u32` field, …). Conversion errors are
/// kept and reported when the request is sent, before anything goes on the wire.
pub trait IntoParam<T> {
    /// Converts, or says why not.
    fn into_param(self) -> Result<T, ParamError>;
}

impl<T, U> IntoParam<T> for U
where
    T: TryFrom<U>,
    <T as TryFrom<U>>::Error: Into<ParamError>,
{
    fn into_param(self) -> Result<T, ParamError> {
        T::try_from(self).map_err(Into::into)
    }
}

/// What a scalar parameter value is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scalar {
    /// Free text.
    String,
    /// A URL (absolute, or relative to Twilio's base).
    Uri,
    /// `true` or `false`.
    Boolean,
    /// An integer.
    Integer,
    /// A decimal number.
    Number,
    /// One of a fixed set of strings.
    Enum(&'static [&'static str]),
    /// A JSON document: sent as a string in a form or query, as itself in a JSON body.
    Json,
    /// A SID with this two-letter prefix.
    Sid(&'static str),
    /// A phone number in E.164 form, or a client/SIP address.
    PhoneNumber,
    /// A date-time, `YYYY-MM-DDTHH:MM:SSZ`.
    DateTime,
    /// A date, `YYYY-MM-DD`.
    Date,
}

/// How several values of a list parameter travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListStyle {
    /// `Key=a&Key=b`, Twilio's encoding of array parameters.
    RepeatedKey,
    /// One value, the items joined by this separator (`ValidCardTypes` uses a space).
    Joined(&'static str),
}

/// The wire kind of a parameter: a scalar, or a list of scalars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// The kind of one value.
    pub scalar: Scalar,
    /// Set when the parameter carries several values.
    pub list: Option<ListStyle>,
}

impl Kind {
    /// A single value of this scalar kind.
    pub const fn scalar(scalar: Scalar) -> Self {
        Self { scalar, list: None }
    }
}

/// Rust types that can be request parameters, and the wire kind each one is.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a Twilio request parameter",
    note = "use a SID type, an enum declared with `twilio_enum!`, String, bool, an integer, Decimal, Uri, or Vec/SpaceSeparated/CommaSeparated of those"
)]
pub trait ParamType {
    /// The wire kind.
    const KIND: Kind;
}

macro_rules! scalar_params {
    ($($ty:ty => $scalar:expr;)*) => {$(
        impl ParamType for $ty {
            const KIND: Kind = Kind::scalar($scalar);
        }
    )*};
}

scalar_params! {
    String => Scalar::String;
    bool => Scalar::Boolean;
    u8 => Scalar::Integer;
    u16 => Scalar::Integer;
    u32 => Scalar::Integer;
    u64 => Scalar::Integer;
    i32 => Scalar::Integer;
    i64 => Scalar::Integer;
    rust_decimal::Decimal => Scalar::Number;
    time::Date => Scalar::Date;
    // Any JSON value: a member of a JSON body that holds an object or an array.
    serde_json::Value => Scalar::Json;
}

impl<T: ParamType> ParamType for Vec<T> {
    const KIND: Kind = Kind {
        scalar: T::KIND.scalar,
        list: Some(ListStyle::RepeatedKey),
    };
}

impl<T: ParamType> ParamType for Option<T> {
    const KIND: Kind = T::KIND;
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// A `<Placeholder>` of the path template.
    Path,
    /// The query string of a GET or DELETE.
    Query,
    /// The form body of a POST, PUT or PATCH.
    Form,
    /// A member of the JSON object body (`body = json`).
    Json,
    /// A request header (`#[twilio(header = "…")]`); the wire name is the header's name.
    Header,
}

impl Location {
    /// A short name for docs and messages: `path`, `query`, `form`, `json`, `header`.
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Form => "form",
            Location::Json => "json",
            Location::Header => "header",
        }
    }
}

/// A numeric range a parameter must fall in, as declared with `#[twilio(range = …)]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Smallest allowed value, if any.
    pub min: Option<i128>,
    /// Largest allowed value, if any.
    pub max: Option<i128>,
    /// Whether `max` itself is allowed.
    pub max_inclusive: bool,
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (Some(lo), Some(hi)) if self.max_inclusive => write!(f, "between {lo} and {hi}"),
            (Some(lo), Some(hi)) => write!(f, "at least {lo} and less than {hi}"),
            (Some(lo), None) => write!(f, "at least {lo}"),
            (None, Some(hi)) if self.max_inclusive => write!(f, "at most {hi}"),
            (None, Some(hi)) => write!(f, "less than {hi}"),
            (None, None) => f.write_str("any value"),
        }
    }
}

/// Numbers a declared range can be checked on.
pub trait RangeCheck {
    /// Whether `self` lies in `range`; `Display` of the value goes in the error.
    fn in_range(&self, range: &Range) -> bool;
}

macro_rules! int_range_check {
    ($($ty:ty),*) => {$(
        impl RangeCheck for $ty {
            fn in_range(&self, range: &Range) -> bool {
                let v = i128::from(*self);
                range.min.is_none_or(|lo| v >= lo)
                    && range.max.is_none_or(|hi| if range.max_inclusive { v <= hi } else { v < hi })
            }
        }
    )*};
}
int_range_check!(u8, u16, u32, u64, i32, i64);

impl RangeCheck for rust_decimal::Decimal {
    fn in_range(&self, range: &Range) -> bool {
        use rust_decimal::Decimal;
        let as_dec = |n: i128| Decimal::try_from_i128_with_scale(n, 0).ok();
        range.min.and_then(as_dec).is_none_or(|lo| *self >= lo)
            && range.max.and_then(as_dec).is_none_or(|hi| {
                if range.max_inclusive {
                    *self <= hi
                } else {
                    *self < hi
                }
            })
    }
}

/// Describes one declared parameter (for the registry, docs, the console and conformance checks).
#[derive(Debug, Clone, Copy)]
pub struct ParamInfo {
    /// The Rust field name (also the setter's name when optional).
    pub field: &'static str,
    /// The name on the wire (e.g. `StartTime<`; a header's name for a header parameter).
    pub wire_name: &'static str,
    /// Where it goes.
    pub location: Location,
    /// Its wire kind.
    pub kind: Kind,
    /// Whether the request cannot be sent without it.
    pub required: bool,
    /// A declared numeric range, if any.
    pub range: Option<Range>,
    /// The Rust type as written in the declaration.
    pub rust_type: &'static str,
    /// The first paragraph of the field's docs, on one line.
    pub doc: &'static str,
    /// The value the server uses when the parameter is not sent (`#[twilio(default = "…")]`);
    /// for docs and forms only: nothing is sent for it.
    pub default: Option<&'static str>,
    /// Whether Twilio marks the parameter deprecated (`#[twilio(deprecated)]`).
    pub deprecated: bool,
    /// For a [`PrefixedMap`](crate::PrefixedMap) declared `#[twilio(prefix = "AddOns")]`: the
    /// prefix its pairs travel under (`AddOns.<key>=<value>`); the parameter's own wire name
    /// (`AddOnsData`) never goes on the wire.
    pub prefix: Option<&'static str>,
}
