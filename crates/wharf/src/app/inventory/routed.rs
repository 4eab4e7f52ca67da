//! Whose stock counts for an item: only a vendor the routing rules can send the item's orders
//! to. Another vendor reporting the item (a mistake, or a leaked token) would otherwise raise
//! the level while the orders still go to the vendor who has the goods: an oversell. Such rows
//! are kept — a rule change can make them count — and reported as "not routed to you".
//! Computed from the rules in force when it is asked, at every push, never stored.

use std::collections::HashSet;

use crate::app::App;
use crate::app::error::AppError;
use crate::db::inventory::{self as stock, StoreItem};
use crate::db::{self};
use crate::domain::routing::{
    LineKind, LineRoute, RoutableLine, RoutingRules, VendorId, route_line,
};

use super::NotRouted;

/// The vendors an order for this item can go to: its variants' vendors (a product tracked as
/// a whole counts for each of its variants'). A deactivated vendor is none.
pub(super) fn routed_vendors(rules: &RoutingRules, item: &StoreItem) -> HashSet<VendorId> {
    let line = |variant_id: Option<i64>, sku: Option<String>| RoutableLine {
        line_id: 0,
        variant_id,
        brand: item.brand.clone(),
        sku,
        kind: LineKind::Physical,
        quantity: 1,
    };
    let lines: Vec<RoutableLine> = if item.variant_ids.is_empty() {
        vec![line(None, item.skus.first().cloned())]
    } else {
        item.variant_ids
            .iter()
            .zip(&item.variant_skus)
            .map(|(id, sku)| line(Some(*id), sku.clone()))
            .collect()
    };
    lines
        .iter()
        .filter_map(|l| match route_line(rules, l) {
            LineRoute::Vendor { vendor_id, .. } => Some(vendor_id),
            _ => None,
        })
        .collect()
}

impl App {
    /// Of these SKUs the vendor reported, those that name a store item routed to another
    /// vendor (and to this one in no store).
    pub(super) async fn not_routed(
        &self,
        vendor_id: i64,
        skus: &[String],
    ) -> Result<Vec<NotRouted>, AppError> {
        let Some(terms) = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id)
        else {
            return Ok(Vec::new());
        };
        let named: Vec<String> = skus
            .iter()
            .map(|sku| terms.matching.stripped(sku).to_owned())
            .collect();
        let mut matched = HashSet::new();
        let mut routed_here = HashSet::new();
        for store in db::stores::list(&self.db).await? {
            let rules = db::assignments::routing_rules(&self.db, store.id).await?;
            for item in stock::store_items_named(&self.db, store.id, &named).await? {
                let here = routed_vendors(&rules, &item).contains(&vendor_id);
                for sku in &item.skus {
                    let key = terms.matching.store_key(sku);
                    if here {
                        routed_here.insert(key.clone());
                    }
                    matched.insert(key);
                }
            }
        }
        let mut seen = HashSet::new();
        Ok(skus
            .iter()
            .filter(|sku| {
                let key = terms.matching.vendor_key(sku);
                matched.contains(&key) && !routed_here.contains(&key) && seen.insert(key)
            })
            .map(|sku| NotRouted {
                sku: sku.clone(),
                message: format!(
                    "SKU {sku}: not routed to you — its orders go to another vendor, so this \
                     stock is kept but not published"
                ),
            })
            .collect())
    }

    /// The vendor's stored SKUs whose items the rules send to another vendor, for the
    /// operator: reported, kept, never published.
    pub async fn not_routed_skus(&self, vendor_id: i64) -> Result<Vec<NotRouted>, AppError> {
        let skus = stock::matched_skus(&self.db, vendor_id).await?;
        self.not_routed(vendor_id, &skus).await
    }
}
