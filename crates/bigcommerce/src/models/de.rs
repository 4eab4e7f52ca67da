//! Lenient field readers shared by the models (`#[serde(deserialize_with = ...)]`).
//!
//! BigCommerce is loose with types: money is a JSON number on one endpoint and a string on
//! another, empty text fields arrive as `""`, "no brand" is `0`. These readers turn each of those
//! shapes into one Rust type so that a page of 250 products doesn't fail on one odd field.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// Money from a JSON number (`12.99`, `10`) or string (`"12.99"`, `"1.5e1"`); `null` and `""`
/// are `None`.
///
/// A number is read as `f64` by serde_json and converted through its shortest round-trip
/// decimal text, so `12.99` becomes exactly `12.99` (not `12.9900000000000002131...`). Numbers
/// with more than ~15 significant digits lose precision in that `f64`; strings never do.
pub(crate) fn opt_decimal<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Decimal>, D::Error> {
    de.deserialize_any(DecimalVisitor)
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a decimal amount as a JSON number or string, or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(DecimalVisitor)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{v} is not an amount")));
        }
        // `Display` for f64 prints the shortest text that reads back as the same f64, and never
        // uses an exponent.
        parse_decimal(&v.to_string()).map(Some)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        parse_decimal(v).map(Some)
    }
}

fn parse_decimal<E: de::Error>(text: &str) -> Result<Decimal, E> {
    Decimal::from_str(text)
        .or_else(|_| Decimal::from_scientific(text))
        .map_err(|err| E::custom(format!("{text:?} is not a decimal amount: {err}")))
}

/// An ISO 8601 / RFC 3339 timestamp with an offset (`2018-08-24T14:41:00+00:00`,
/// `1990-12-30T00:29:23.515Z`); `null` and `""` are `None`. Text without an offset is an error:
/// guessing its zone would shift incremental-sync cursors.
pub(crate) fn opt_timestamp<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Timestamp>, D::Error> {
    match Option::<String>::deserialize(de)? {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(None),
        Some(text) => text
            .trim()
            .parse::<Timestamp>()
            .map(Some)
            .map_err(|err| de::Error::custom(format!("{text:?} is not a timestamp: {err}"))),
    }
}

/// An id where `0` (or `null`) means "none", as with a product's `brand_id`.
pub(crate) fn opt_nonzero_id<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(Option::<u64>::deserialize(de)?.filter(|&id| id != 0))
}

/// Text where `""` (or `null`) means "not set", as with `upc`, `gtin` and `mpn`.
pub(crate) fn opt_nonempty_string<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(de)?.filter(|text| !text.is_empty()))
}

/// `null` reads as the type's default (e.g. an empty list), as a missing field does with
/// `#[serde(default)]`.
pub(crate) fn null_as_default<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(de)?.unwrap_or_default())
}

/// An RFC 2822 date as v2 responses send it (`Tue, 20 Nov 2012 00:00:00 +0000`); `null` and `""`
/// are `None`. RFC 3339 text is accepted as well, so a value this crate serialized reads back.
pub(crate) fn opt_rfc2822_timestamp<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Timestamp>, D::Error> {
    static RFC2822: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let Some(text) = Option::<String>::deserialize(de)? else {
        return Ok(None);
    };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    RFC2822
        .parse_timestamp(text)
        .or_else(|err| text.parse::<Timestamp>().map_err(|_| err))
        .map(Some)
        .map_err(|err| de::Error::custom(format!("{text:?} is not an RFC 2822 date: {err}")))
}

/// Unix seconds (`1561479335`) as webhook and hook payloads send them; `null` is `None`. RFC 3339
/// text is accepted as well, so a value this crate serialized reads back.
pub(crate) fn opt_unix_timestamp<'de, D: Deserializer<'de>>(
    de: D,
) -> Result<Option<Timestamp>, D::Error> {
    match Option::<NumberOrText>::deserialize(de)? {
        None => Ok(None),
        Some(NumberOrText::Integer(seconds)) => Timestamp::from_second(seconds)
            .map(Some)
            .map_err(|err| de::Error::custom(format!("{seconds} is not a unix time: {err}"))),
        Some(NumberOrText::Float(seconds)) => Err(de::Error::custom(format!(
            "{seconds} is not a unix time in whole seconds"
        ))),
        Some(NumberOrText::Text(text)) if text.trim().is_empty() => Ok(None),
        Some(NumberOrText::Text(text)) => {
            let text = text.trim();
            match text.parse::<i64>() {
                Ok(seconds) => Timestamp::from_second(seconds).map(Some),
                Err(_) => text.parse::<Timestamp>().map(Some),
            }
            .map_err(|err| de::Error::custom(format!("{text:?} is not a timestamp: {err}")))
        }
    }
}

/// A count or quantity from a JSON integer, a whole float (`2.0`) or a numeric string (`"2"`);
/// `null` and `""` are 0. The v2 spec types several counts as `number`.
pub(crate) fn count<'de, D: Deserializer<'de>>(de: D) -> Result<u32, D::Error> {
    let out_of_range = |what: String| de::Error::custom(format!("{what} is not a count"));
    match Option::<NumberOrText>::deserialize(de)? {
        None => Ok(0),
        Some(NumberOrText::Integer(n)) => u32::try_from(n).map_err(|_| out_of_range(n.to_string())),
        Some(NumberOrText::Float(n)) => {
            if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) {
                Ok(n as u32)
            } else {
                Err(out_of_range(n.to_string()))
            }
        }
        Some(NumberOrText::Text(text)) if text.trim().is_empty() => Ok(0),
        Some(NumberOrText::Text(text)) => text
            .trim()
            .parse::<u32>()
            .map_err(|_| out_of_range(format!("{text:?}"))),
    }
}

/// Like [`count`], for 64-bit totals and ids.
pub(crate) fn count_u64<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    let invalid = |what: String| de::Error::custom(format!("{what} is not a whole number"));
    match Option::<NumberOrText>::deserialize(de)? {
        None => Ok(0),
        Some(NumberOrText::Integer(n)) => u64::try_from(n).map_err(|_| invalid(n.to_string())),
        Some(NumberOrText::Float(n)) => {
            if n.fract() == 0.0 && (0.0..9.0e15).contains(&n) {
                Ok(n as u64)
            } else {
                Err(invalid(n.to_string()))
            }
        }
        Some(NumberOrText::Text(text)) if text.trim().is_empty() => Ok(0),
        Some(NumberOrText::Text(text)) => text
            .trim()
            .parse::<u64>()
            .map_err(|_| invalid(format!("{text:?}"))),
    }
}

/// An id from a JSON integer or a numeric string; `null`, `0`, `""` and text that is not a
/// number (a cart's UUID, say) are `None`.
pub(crate) fn opt_lenient_id<'de, D: Deserializer<'de>>(de: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<NumberOrText>::deserialize(de)? {
        Some(NumberOrText::Integer(n)) => u64::try_from(n).ok(),
        Some(NumberOrText::Text(text)) => text.trim().parse::<u64>().ok(),
        Some(NumberOrText::Float(_)) | None => None,
    }
    .filter(|&id| id != 0))
}

/// Text that may arrive as a JSON number (a zip code or phone typed as an integer); `null` is
/// `""`.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    Ok(match Option::<NumberOrText>::deserialize(de)? {
        None => String::new(),
        Some(NumberOrText::Integer(n)) => n.to_string(),
        Some(NumberOrText::Float(n)) => n.to_string(),
        Some(NumberOrText::Text(text)) => text,
    })
}

/// The scalar shapes the lenient readers above accept. Booleans, lists and objects are errors.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Integer(i64),
    Float(f64),
    Text(String),
}
