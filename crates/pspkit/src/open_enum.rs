//! Enums that stay open to values the provider adds later.
//!
//! Payment providers add statuses without notice. A closed Rust enum would turn such a
//! response into a decode error; an open enum decodes it into `Unknown(raw)` and keeps going.
//! The code generator emits one [`open_enum!`](crate::open_enum!) per string enum of a spec.

/// Defines an enum of known string values plus an `Unknown(String)` variant that keeps any
/// other value verbatim.
///
/// ```
/// pspkit::open_enum! {
///     /// Status of a cashout.
///     pub enum CashoutStatus {
///         /// `pending`
///         Pending = "pending",
///         /// `processed`
///         Processed = "processed",
///     }
/// }
///
/// let known: CashoutStatus = serde_json::from_str("\"pending\"").unwrap();
/// assert_eq!(known, CashoutStatus::Pending);
/// let added_later: CashoutStatus = serde_json::from_str("\"on_hold\"").unwrap();
/// assert_eq!(added_later, CashoutStatus::Unknown("on_hold".into()));
/// assert_eq!(serde_json::to_string(&added_later).unwrap(), "\"on_hold\"");
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version of the client does not know; the provider's text is kept.
            Unknown(::std::string::String),
        }

        impl $name {
            /// Every value the spec lists, as sent on the wire.
            pub const KNOWN_VALUES: &'static [&'static str] = &[$($wire),*];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Unknown(raw) => raw.as_str(),
                }
            }

            /// Whether the value is one the spec lists (not [`Self::Unknown`]).
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $wire => Self::$variant, )*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match Self::from(value.as_str()) {
                    Self::Unknown(_) => Self::Unknown(value),
                    known => known,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::__private::from_str_with(deserializer, "a string", |text| ::std::result::Result::Ok(Self::from(text)))
            }
        }
    };
}
