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

/// Where a vendor's SKUs stand against every store's items, under the vendor's matching terms
/// and the routing rules in force: the keys (`SkuMatching::vendor_key`) some live item has, and
/// of those the keys of items routed to the vendor.
pub(super) struct SkuStanding {
    pub matching: crate::domain::inventory::SkuMatching,
    pub matched: HashSet<String>,
    pub routed_here: HashSet<String>,
}

impl SkuStanding {
    /// What the vendor's `sku` is: stock that counts, stock for another vendor's item, or
    /// stock that names no item.
    pub fn of(&self, sku: &str) -> SkuFate {
        let key = self.matching.vendor_key(sku);
        if self.routed_here.contains(&key) {
            SkuFate::Counts
        } else if self.matched.contains(&key) {
            SkuFate::NotRoutedToVendor
        } else {
            SkuFate::Unmatched
        }
    }
}

/// What one reported SKU is to the stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkuFate {
    /// It names an item whose orders go to the vendor: its stock is published.
    Counts,
    /// It names an item whose orders go to another vendor: kept, not published.
    NotRoutedToVendor,
    /// It names no live item of any store.
    Unmatched,
}

impl App {
    /// Where these SKUs of the vendor stand (`None`: no such vendor). The stores whose rules
    /// can route to the vendor are looked at first, and a SKU routed to it there is settled:
    /// only the others are looked up in the rest of the stores, whose rules need not be read
    /// (they never name the vendor). A report of SKUs the vendor's own store routes to it thus
    /// reads one store, however many wharf serves.
    pub(super) async fn sku_standing(
        &self,
        vendor_id: i64,
        skus: &[String],
    ) -> Result<Option<SkuStanding>, AppError> {
        let Some(terms) = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .find(|t| t.vendor_id == vendor_id)
        else {
            return Ok(None);
        };
        let routing: HashSet<i64> = db::assignments::stores_routing_to(&self.db, vendor_id)
            .await?
            .into_iter()
            .collect();
        let mut stores: Vec<i64> = db::stores::list(&self.db)
            .await?
            .iter()
            .map(|s| s.id)
            .collect();
        stores.sort_by_key(|id| !routing.contains(id));
        // (the vendor's key, the SKU as looked up) of the SKUs not yet routed to the vendor.
        let mut open: Vec<(String, String)> = skus
            .iter()
            .map(|sku| {
                let key = terms.matching.vendor_key(sku);
                (key, terms.matching.stripped(sku).to_owned())
            })
            .collect();
        let mut matched = HashSet::new();
        let mut routed_here = HashSet::new();
        for store_id in stores {
            if open.is_empty() {
                break;
            }
            let named: Vec<String> = open.iter().map(|(_, named)| named.clone()).collect();
            let items = stock::store_items_named(&self.db, store_id, &named).await?;
            let rules = if routing.contains(&store_id) && !items.is_empty() {
                Some(db::assignments::routing_rules(&self.db, store_id).await?)
            } else {
                None
            };
            for item in items {
                let here = rules
                    .as_ref()
                    .is_some_and(|rules| routed_vendors(rules, &item).contains(&vendor_id));
                for sku in &item.skus {
                    let key = terms.matching.store_key(sku);
                    if here {
                        routed_here.insert(key.clone());
                    }
                    matched.insert(key);
                }
            }
            open.retain(|(key, _)| !routed_here.contains(key));
        }
        Ok(Some(SkuStanding {
            matching: terms.matching,
            matched,
            routed_here,
        }))
    }

    /// Of these SKUs the vendor reported, those that name a store item routed to another
    /// vendor (and to this one in no store).
    pub(super) async fn not_routed(
        &self,
        vendor_id: i64,
        skus: &[String],
    ) -> Result<Vec<NotRouted>, AppError> {
        let Some(standing) = self.sku_standing(vendor_id, skus).await? else {
            return Ok(Vec::new());
        };
        let mut seen = HashSet::new();
        Ok(skus
            .iter()
            .filter(|sku| {
                standing.of(sku) == SkuFate::NotRoutedToVendor
                    && seen.insert(standing.matching.vendor_key(sku))
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
