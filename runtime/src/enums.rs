//! `twilio_enum!`: a string enum with Twilio's wire values and a catch-all for values this
//! version does not know yet (Twilio adds values without notice; a new one must not break
//! deserialization of a whole response or callback).

/// Declares a Twilio string enum.
///
/// Each variant names its wire value; an `Other(String)` variant is added to keep unknown values.
/// The enum gets `as_str`, `Display`, `FromStr` (never fails), serde, and the parameter-kind
/// metadata (its known values) used by docs, the registry and the conformance check.
///
/// ```
/// runtime::twilio_enum! {
///     /// How the caller enters digits.
///     pub enum Input {
///         /// Touch tones.
///         Dtmf = "dtmf",
///     }
/// }
/// assert_eq!(Input::Dtmf.as_str(), "dtmf");
/// assert_eq!("speech".parse::<Input>().unwrap(), Input::Other("speech".into()));
/// assert_eq!(Input::VALUES, &["dtmf"]);
/// ```
#[macro_export]
macro_rules! twilio_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$meta])*
        ///
        /// Wire values:
        $(#[doc = concat!("`", $wire, "` ([`", stringify!($name), "::", stringify!($variant), "`])")])+
        ///
        /// A value this version does not know arrives as [`Other`](Self::Other) instead of failing.
        #[derive(Clone, PartialEq, Eq, Hash, Debug)]
        #[non_exhaustive]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the library does not know, kept as sent.
            Other(::std::string::String),
        }

        impl $name {
            /// Every known wire value, in declaration order.
            pub const VALUES: &'static [&'static str] = &[$($wire),+];

            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(other) => other.as_str(),
                }
            }

            /// Whether this is one of the known values (not [`Other`](Self::Other)).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Other(_))
            }

            /// Parses a wire value; unknown values become [`Other`](Self::Other).
            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from_wire(s))
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let s = <::std::borrow::Cow<'de, str> as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(&s))
            }
        }

        impl $crate::response::ResponseField for $name {
            fn read<'de, D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
                field: &mut $crate::response::FieldContext<'_>,
            ) -> ::std::result::Result<::std::option::Option<Self>, D::Error> {
                $crate::response::read_text(d, field, "text", |t| ::std::option::Option::Some(Self::from_wire(t)))
            }

            fn write<S: $crate::__private::serde::Serializer>(&self, s: S, _: $crate::response::DateFormat) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }

            fn example(_: usize) -> $crate::__private::serde_json::Value {
                $crate::__private::serde_json::Value::from(Self::VALUES[0])
            }
        }

        impl $crate::param::ParamType for $name {
            const KIND: $crate::param::Kind = $crate::param::Kind::scalar($crate::param::Scalar::Enum(Self::VALUES));
        }

        impl $crate::request::path::PathSegment for $name {
            fn segment(&self) -> ::std::borrow::Cow<'_, str> {
                ::std::borrow::Cow::Borrowed(self.as_str())
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::twilio_enum! {
        /// Test enum.
        pub enum Sample {
            /// A.
            Alpha = "alpha-one",
            /// B.
            Beta = "beta",
        }
    }

    #[test]
    fn round_trips_and_keeps_unknown_values() {
        assert_eq!(Sample::from_wire("alpha-one"), Sample::Alpha);
        assert_eq!(Sample::Beta.to_string(), "beta");
        let other: Sample = serde_json::from_str("\"gamma\"").expect("catch-all");
        assert_eq!(other, Sample::Other("gamma".into()));
        assert!(!other.is_known());
        assert_eq!(
            serde_json::to_string(&Sample::Alpha).expect("ser"),
            "\"alpha-one\""
        );
    }
}
