//! Identifiers that arrive as a JSON string in one response and a JSON number in another.

use std::fmt;
use std::ops::Deref;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A provider identifier, kept as text whatever JSON type it arrived as.
///
/// FireKassa documents transaction ids as numbers and sends them as strings; FirstPay sends
/// payment ids as numbers in old postbacks and strings elsewhere. Both decode into an `Id`,
/// which is sent back as a JSON string.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(pub String);

impl Id {
    /// The identifier as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Id {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Id {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<u64> for Id {
    fn from(value: u64) -> Self {
        Self(value.to_string())
    }
}

impl std::str::FromStr for Id {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IdVisitor;
        impl<'de> Visitor<'de> for IdVisitor {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an identifier (a string or an integer)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            /// An integer beyond 64 bits, as serde_json hands it over with `arbitrary_precision`
            /// on: its digits, every one kept (without the feature it arrives as an `f64` and is
            /// refused, as a rounded identifier would name another object).
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Id, A::Error> {
                match map.next_key::<std::borrow::Cow<'de, str>>()? {
                    Some(key) if key == crate::money::NUMBER_TEXT => {
                        let digits = map.next_value::<String>()?;
                        // a fraction or an exponent is refused as it is without the feature
                        if digits.trim_start_matches('-').bytes().all(|b| b.is_ascii_digit()) {
                            Ok(Id(digits))
                        } else {
                            Err(de::Error::invalid_type(de::Unexpected::Other("a number with a fraction"), &self))
                        }
                    }
                    _ => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}
