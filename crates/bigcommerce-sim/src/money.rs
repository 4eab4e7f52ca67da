//! Money as BigCommerce v2 writes it: a string with four decimals, e.g. `"15.0000"`.
//! Held as an integer count of 1/10000 units so sums are exact.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_cents(cents: i64) -> Self {
        Money(cents * 100)
    }

    /// `count` of this amount, e.g. a line's total from its unit price.
    pub fn times(self, count: u32) -> Self {
        Money(self.0 * i64::from(count))
    }

    /// Parses `"15"`, `"15.5"` or `"15.0000"` (at most four decimals). `None` otherwise.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (negative, digits) = match raw.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, raw),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty()
            || frac.len() > 4
            || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac: i64 = format!("{frac:0<4}").parse().ok()?;
        let units = whole.checked_mul(10_000)?.checked_add(frac)?;
        Some(Money(if negative { -units } else { units }))
    }

    /// This amount's share of `part / whole`, rounded down to the smallest unit; zero
    /// when `whole` is not positive.
    pub fn share(self, part: Money, whole: Money) -> Money {
        if whole.0 <= 0 {
            return Money::ZERO;
        }
        let share = i128::from(self.0) * i128::from(part.0) / i128::from(whole.0);
        Money(i64::try_from(share).unwrap_or(i64::MAX))
    }

    /// As a JSON number with two decimals (v3 catalog prices are numbers).
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 10_000.0
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:04}", abs / 10_000, abs % 10_000)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Control inputs may send a price as a JSON number (`12.5`) or a v2-style string
/// (`"12.5000"`); both read exactly.
impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = serde_json::Value::deserialize(d)?;
        let text = match &raw {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => String::new(),
        };
        Money::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!("{raw} is not an amount like \"12.50\""))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_with_four_decimals() {
        assert_eq!(Money::from_cents(1500).to_string(), "15.0000");
        assert_eq!(Money::from_cents(-5).to_string(), "-0.0500");
        assert_eq!(
            (Money::from_cents(199) + Money::from_cents(1)).to_string(),
            "2.0000"
        );
        assert_eq!(Money::ZERO.to_string(), "0.0000");
        assert!((Money::from_cents(1999).as_f64() - 19.99).abs() < 1e-9);
        assert_eq!(Money::from_cents(250).times(3), Money::from_cents(750));
    }

    #[test]
    fn parses_amounts_and_refuses_junk() {
        assert_eq!(Money::parse("15"), Some(Money::from_cents(1500)));
        assert_eq!(Money::parse("12.5"), Some(Money::from_cents(1250)));
        assert_eq!(Money::parse("-0.0500"), Some(Money::from_cents(-5)));
        for bad in ["", "1.23456", "abc", "1.2.3", ".5", "1e3"] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        let m: Money = serde_json::from_str("19.99").unwrap();
        assert_eq!(m, Money::from_cents(1999));
    }
}
