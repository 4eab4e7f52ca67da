//! Stock an order moves: taken from the default location when it is placed or created
//! (`update_stock_behavior: order_placed`), given back when it is cancelled or refunded.

use super::{DEFAULT_LOCATION_ID, Inventory};
use crate::catalog::{Catalog, InventoryTracking};

impl Inventory {
    /// Takes an order's catalog lines, `(product_id, variant_id, quantity)`, from the
    /// default location, as a store with `update_stock_behavior: order_placed` does
    /// (facts §7). Untracked products keep no stock. A level never goes below 0: units
    /// beyond the stock on hand (all of them for an item that was never given a level)
    /// are counted in `oversold_units` instead, so a test can prove a sync kept up.
    /// Returns what was taken, `(stock key, units)`, so a cancellation can give it back.
    pub fn take_for_order(
        &mut self,
        catalog: &Catalog,
        lines: &[(u64, Option<u64>, u32)],
    ) -> Vec<(u64, i64)> {
        let mut taken_all = Vec::new();
        for &(product_id, variant_id, quantity) in lines {
            let Some(key) = stock_key(catalog, product_id, variant_id) else {
                continue;
            };
            let wanted = i64::from(quantity);
            let slot = self.levels.get_mut(&(DEFAULT_LOCATION_ID, key));
            let on_hand = slot.as_deref().copied().unwrap_or(0).max(0);
            let taken = wanted.min(on_hand);
            if let Some(level) = slot {
                *level = on_hand - taken;
            }
            if taken > 0 {
                taken_all.push((key, taken));
            }
            self.oversold_units += u64::try_from(wanted - taken).unwrap_or(0);
        }
        taken_all
    }

    /// Puts stock an order took back at the default location (a cancelled or refunded order,
    /// with `refund_order_stock_adjustment` on, BigCommerce's default).
    pub fn give_back(&mut self, taken: &[(u64, i64)]) {
        for &(key, units) in taken {
            *self.levels.entry((DEFAULT_LOCATION_ID, key)).or_insert(0) += units;
        }
    }
}

/// Where an ordered catalog item keeps its stock: the variant under variant tracking, the
/// product's stock variant under product tracking, `None` when untracked or unknown.
pub(crate) fn stock_key(
    catalog: &Catalog,
    product_id: u64,
    variant_id: Option<u64>,
) -> Option<u64> {
    let product = catalog.product(product_id)?;
    match product.inventory_tracking {
        InventoryTracking::None => None,
        InventoryTracking::Product => Some(product.stock_variant_id()),
        InventoryTracking::Variant => Some(variant_id.unwrap_or(product.stock_variant_id())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_take_stock_down_to_zero_and_count_the_rest() {
        let mut catalog = Catalog::default();
        catalog.seed_simple(2);
        let mut inv = Inventory::default();
        inv.set_level(DEFAULT_LOCATION_ID, 1001, 3);
        inv.take_for_order(&catalog, &[(111, Some(1001), 2), (111, Some(1001), 4)]);
        assert_eq!(inv.level(DEFAULT_LOCATION_ID, 1001), Some(0));
        assert_eq!(inv.oversold_units(), 3);
        // Never given a level: stays unset, every unit is oversold.
        inv.take_for_order(&catalog, &[(112, Some(1002), 2), (999, None, 1)]);
        assert_eq!(inv.level(DEFAULT_LOCATION_ID, 1002), None);
        assert_eq!(inv.oversold_units(), 5);
    }
}
