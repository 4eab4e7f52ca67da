//! Coupons a shopper redeemed on an order (`GET /v2/orders/{id}/coupons`).
//!
//! One kind is modelled, BigCommerce's `per_total_discount` (type 2): a fixed amount off
//! the order's subtotal. It lowers the order's totals (`coupon_discount`,
//! `discount_amount`, `total_*`) and is spread over the order's lines in proportion to
//! their totals, which is how the spec says order-level discounts reach
//! `applied_discounts` ("distributed across products in proportion to the products
//! price"); each line's `discounted_total_inc_tax` is its total less its shares.

use super::OrderLine;
use crate::money::Money;

/// The `type` of a fixed amount off the order total.
pub(crate) const PER_TOTAL_DISCOUNT: u8 = 2;

/// One coupon redeemed on one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OrderCoupon {
    /// This redemption's id: store-wide, one per coupon per order.
    pub id: u64,
    /// The store's coupon: the same code on several orders is one coupon.
    pub coupon_id: u64,
    pub code: String,
    /// What the coupon offers.
    pub amount: Money,
    /// What it took off this order: the amount, at most what earlier coupons left of the
    /// subtotal, so an order total never goes below its shipping cost.
    pub discount: Money,
}

impl OrderCoupon {
    /// Each line's share of this coupon's discount, in line order: proportional to the
    /// line's total, rounded down; the rounding remainder goes to the last line with a
    /// total, so the shares add up to the discount exactly.
    pub fn line_shares(&self, lines: &[OrderLine]) -> Vec<Money> {
        let subtotal = lines
            .iter()
            .fold(Money::ZERO, |sum, l| sum + l.unit_price.times(l.quantity));
        let mut shares: Vec<Money> = lines
            .iter()
            .map(|l| {
                self.discount
                    .share(l.unit_price.times(l.quantity), subtotal)
            })
            .collect();
        let given = shares.iter().fold(Money::ZERO, |sum, s| sum + *s);
        if let Some(last) = lines
            .iter()
            .rposition(|l| l.unit_price.times(l.quantity) > Money::ZERO)
        {
            shares[last] = shares[last] + (self.discount - given);
        }
        shares
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orders::LineKind;

    fn line(id: u64, cents: i64, quantity: u32) -> OrderLine {
        OrderLine {
            id,
            product_id: 0,
            variant_id: None,
            name: format!("Line {id}"),
            sku: String::new(),
            upc: String::new(),
            brand: String::new(),
            kind: LineKind::Physical,
            unit_price: Money::from_cents(cents),
            quantity,
            quantity_shipped: 0,
            order_address_id: 1,
            options: Vec::new(),
        }
    }

    fn coupon(cents: i64) -> OrderCoupon {
        OrderCoupon {
            id: 1,
            coupon_id: 1,
            code: "SAVE".into(),
            amount: Money::from_cents(cents),
            discount: Money::from_cents(cents),
        }
    }

    #[test]
    fn shares_follow_line_totals_and_add_up_exactly() {
        let lines = [line(1, 1000, 2), line(2, 1000, 1), line(3, 0, 1)];
        let shares = coupon(1000).line_shares(&lines);
        // 10.00 over 20.00 and 10.00: 6.6666 and 3.3333, the last unit on line 2.
        assert_eq!(shares[0], Money::parse("6.6666").unwrap());
        assert_eq!(shares[1], Money::parse("3.3334").unwrap());
        assert_eq!(shares[2], Money::ZERO);
        let sum = shares.iter().fold(Money::ZERO, |s, m| s + *m);
        assert_eq!(sum, Money::from_cents(1000));
    }

    #[test]
    fn lines_without_a_total_share_nothing() {
        let shares = coupon(500).line_shares(&[line(1, 0, 1)]);
        assert_eq!(shares, [Money::ZERO]);
    }
}
