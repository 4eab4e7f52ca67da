//! Money as BigCommerce v2 writes it: a string with four decimals, e.g. `"15.0000"`.
//! Held as an integer count of 1/10000 units so sums are exact.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Money(i64);

impl Money {
    pub const ZERO: Money = Money(0);

    pub fn from_cents(cents: i64) -> Self {
        Money(cents * 100)
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
    }
}
