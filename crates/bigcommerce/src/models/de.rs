//! Lenient field readers shared by the catalog models (`#[serde(deserialize_with = ...)]`).
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
