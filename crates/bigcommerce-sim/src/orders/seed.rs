//! Deterministic order history for tests, benchmarks and the CLI's `--seed-orders`, built
//! through the same path as a placed order (`place::build`), so seeded orders look
//! exactly like placed ones. Seeding fires no webhooks: it is setup, not shopping.

use jiff::SignedDuration;

use super::Orders;
use super::place::{LineKind, ShopperAddress, ShopperLine, ShopperOrder, build};
use crate::catalog::Catalog;
use crate::dates;
use crate::money::Money;

/// Status cycle of seeded order history: mostly Awaiting Fulfillment, with the others a
/// dropshipper meets (shipped, partially shipped, completed, awaiting payment,
/// cancelled, pending, awaiting shipment).
const HISTORY_STATUSES: [u8; 10] = [11, 11, 9, 2, 3, 10, 7, 5, 11, 1];

/// Adds `count` deterministic orders, one second apart and ending now, without firing
/// events (seeding is setup, not shopping). Lines come from the catalog when it has
/// products: 1-4 lines each, every 4th order ships to two addresses, every 5th has a
/// custom line, every 7th a digital item, every 11th a gift certificate; guests every
/// 3rd. `mixed_statuses` cycles through [`HISTORY_STATUSES`]; otherwise every order is
/// Awaiting Fulfillment.
pub(crate) fn seed_orders(
    orders: &mut Orders,
    catalog: &Catalog,
    count: usize,
    mixed_statuses: bool,
) -> Vec<u64> {
    let now = dates::now();
    let products: Vec<&crate::catalog::Product> = catalog.products().collect();
    (0..count)
        .map(|i| {
            let n = orders.next_order_id;
            let multi = n % 4 == 3;
            let mut lines = Vec::new();
            for j in 0..(1 + n % 4) as usize {
                let to = if multi { j % 2 } else { 0 };
                let quantity = 1 + ((n as usize + j) % 3) as u32;
                let line = if products.is_empty() {
                    ShopperLine::custom(
                        &format!("Sample item {}", j + 1),
                        &format!("CUSTOM-{}", j + 1),
                        Money::from_cents(999 + j as i64 * 500),
                        quantity,
                    )
                } else {
                    let p = products[(n as usize * 7 + j * 3) % products.len()];
                    let v = &p.variants()[(n as usize + j) % p.variants().len()];
                    ShopperLine::catalog(p.id(), Some(v.id()), quantity)
                };
                lines.push(line.to(to));
            }
            if multi && lines.len() < 2 {
                lines.push(
                    ShopperLine::custom("Gift wrap", "WRAP", Money::from_cents(450), 1).to(1),
                );
            }
            if n.is_multiple_of(5) {
                lines.push(ShopperLine::custom(
                    "Engraving",
                    "ENGRAVE-1",
                    Money::from_cents(1250),
                    1,
                ));
            }
            if n.is_multiple_of(7) {
                let ebook = ShopperLine::custom(
                    "Care guide (e-book)",
                    "EBOOK-CARE",
                    Money::from_cents(499),
                    1,
                );
                lines.push(ebook.kind(LineKind::Digital));
            }
            if n.is_multiple_of(11) {
                let card =
                    ShopperLine::custom("$25 Gift Certificate", "", Money::from_cents(2500), 1);
                lines.push(card.kind(LineKind::GiftCertificate));
            }
            let mut shopper = ShopperOrder::new(lines);
            shopper.addresses = if multi {
                vec![ShopperAddress::sample(n), ShopperAddress::sample(n + 1)]
            } else {
                vec![ShopperAddress::sample(n)]
            };
            shopper.customer_id = if n.is_multiple_of(3) { 0 } else { n - 90 };
            if mixed_statuses {
                shopper.status_id = HISTORY_STATUSES[i % HISTORY_STATUSES.len()];
            }
            let at = now - SignedDuration::from_secs((count - i) as i64);
            build(orders, catalog, &shopper, at).expect("seeded orders are valid")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let mut c = Catalog::default();
        c.seed_simple(3);
        c
    }

    #[test]
    fn seeded_orders_start_at_100_and_continue() {
        let mut orders = Orders::default();
        let c = catalog();
        assert_eq!(seed_orders(&mut orders, &c, 2, false), vec![100, 101]);
        assert_eq!(seed_orders(&mut orders, &c, 1, false), vec![102]);
        let o = orders.get(100).unwrap();
        assert!(o.date_created < orders.get(101).unwrap().date_created);
        assert_eq!(o.status_id, 11);
        // Order 103 is a two-address order.
        let ids = seed_orders(&mut orders, &c, 1, true);
        assert_eq!(orders.get(ids[0]).unwrap().shipping_addresses.len(), 2);
    }
}
