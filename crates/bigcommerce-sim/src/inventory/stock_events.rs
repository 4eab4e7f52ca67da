//! The webhooks a stock change fires (callbacks `store_sku_inventory_*`,
//! `store_product_inventory_*`):
//! - variant-level tracking on a product with options: `store/sku/inventory/updated`, its
//!   `id` the SKU id (here the variant id, as `sku_id` reads);
//! - product-level tracking, or a product without options ("The webhook always fires for
//!   products without variants"): `store/product/inventory/updated`;
//! - untracked products: nothing.
//!
//! A change an order makes (placed, or stock given back on cancellation) fires the
//! `.../inventory/order/updated` scope instead, with `method: relative` and the change as
//! `value`; a change by API or by hand is `method: absolute` with the new level (facts §8).

use crate::catalog::{Catalog, InventoryTracking};
use crate::events::Event;

/// What changed one item's stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StockChange {
    /// Set by API or by hand: the new level.
    Set(i64),
    /// Taken (negative) or given back (positive) by an order.
    ByOrder(i64),
}

/// The event for a change to the stock kept on `variant_id` (a stock key); `None` when the
/// variant is unknown or its product is not tracked.
pub(crate) fn stock_event(
    catalog: &Catalog,
    variant_id: u64,
    change: StockChange,
) -> Option<Event> {
    let (product, variant) = catalog.variant(variant_id)?;
    let (method, value, by_order) = match change {
        StockChange::Set(level) => ("absolute", level, false),
        StockChange::ByOrder(delta) => ("relative", delta, true),
    };
    let per_variant = product.inventory_tracking == InventoryTracking::Variant
        && product.base_variant_id().is_none();
    match product.inventory_tracking {
        InventoryTracking::None => None,
        _ if per_variant => {
            let scope = if by_order {
                "store/sku/inventory/order/updated"
            } else {
                "store/sku/inventory/updated"
            };
            Some(Event::sku_inventory(
                scope,
                variant.id(),
                product.id(),
                method,
                value,
            ))
        }
        _ => {
            let scope = if by_order {
                "store/product/inventory/order/updated"
            } else {
                "store/product/inventory/updated"
            };
            Some(Event::product_inventory(scope, product.id(), method, value))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_level_and_simple_products_fire_product_events() {
        let mut c = Catalog::default();
        c.seed_simple(1);
        let e = stock_event(&c, 1001, StockChange::ByOrder(-2)).unwrap();
        assert_eq!(e.scope, "store/product/inventory/order/updated");
        assert_eq!(e.data["id"], 111);
        assert_eq!(e.data["inventory"]["method"], "relative");
        assert_eq!(e.data["inventory"]["value"], -2);
        c.update(111, |p| p.inventory_tracking = InventoryTracking::Variant);
        let e = stock_event(&c, 1001, StockChange::Set(7)).unwrap();
        assert_eq!(e.scope, "store/product/inventory/updated");
        assert_eq!(e.data["inventory"]["value"], 7);
        c.update(111, |p| p.inventory_tracking = InventoryTracking::None);
        assert!(stock_event(&c, 1001, StockChange::Set(7)).is_none());
        assert!(stock_event(&c, 9, StockChange::Set(7)).is_none());
    }
}
