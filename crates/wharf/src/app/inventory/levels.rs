//! What an item's level is made of: which vendors' reported rows count toward which item, why
//! the others do not, and the level the formula (`domain::inventory::published_levels`) gives.
//! The push works this out for every item of a store; the per-SKU view for a page of them.
//! One computation, so the view explains exactly what the push sends.
//!
//! A row does not count when, in this order:
//! 1. its vendor is deactivated;
//! 2. a later report of the same SKU, spelled otherwise, in the same warehouse replaced it (two
//!    spellings are one report: the latest wins, never the sum);
//! 3. its SKU names more than one item of the store (which one it means is a guess);
//! 4. the routing rules send the item's orders to another vendor (counting it would raise the
//!    level while the orders go to a vendor who does not have the goods).
//!
//! A stale report counts, as 0: its location is still published, at what is left for it.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::db::inventory::{Published, StockRow, StoreItem, VendorStockTerms};
use crate::domain::inventory::{ItemAt, ItemKind, Stocked, VendorTerms, published_levels};
use crate::domain::routing::RoutingRules;

use super::routed::routed_vendors;

/// Why a vendor's reported row does not count toward an item's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SetAside {
    VendorDeactivated,
    Superseded,
    SkuAmbiguous,
    NotRouted,
}

impl SetAside {
    /// The words the page and the API give an operator.
    pub fn words(self) -> &'static str {
        match self {
            SetAside::VendorDeactivated => "vendor deactivated",
            SetAside::Superseded => {
                "replaced by a later report of the same SKU spelled differently"
            }
            SetAside::SkuAmbiguous => "SKU ambiguous: it names more than one item of the store",
            SetAside::NotRouted => "not routed to this vendor: its orders go to another vendor",
        }
    }
}

/// What became of one reported row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// It counts toward the item at this index.
    Counts(usize),
    /// It does not count toward the items it names.
    SetAside(SetAside),
}

/// Everything a level depends on, for a set of items: loaded once, never per item.
pub(super) struct StockPicture<'a> {
    pub items: &'a [StoreItem],
    pub rows: &'a [StockRow],
    pub terms: &'a HashMap<i64, VendorStockTerms>,
    pub rules: &'a RoutingRules,
    /// Units taken by open orders, by variant id.
    pub allocated: &'a HashMap<i64, i64>,
    /// What BigCommerce confirmed (or refused), by item and location.
    pub published: &'a HashMap<ItemAt, Published>,
    pub now_ms: i64,
}

/// A level to publish for one of the picture's items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ItemLevel {
    /// The item's index in the picture.
    pub item: usize,
    pub at: ItemAt,
    pub quantity: i64,
}

impl StockPicture<'_> {
    /// Decides every row's fate; `each` is told the row's index, the items its SKU names (by
    /// index; empty when none) and the fate.
    pub fn sort_rows(&self, mut each: impl FnMut(usize, &[usize], Fate)) {
        // SKU → items, exactly and case-folded.
        let mut exact: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut folded: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, item) in self.items.iter().enumerate() {
            for sku in &item.skus {
                exact.entry(sku.trim()).or_default().push(index);
                folded
                    .entry(sku.trim().to_lowercase())
                    .or_default()
                    .push(index);
            }
        }
        let mut latest: HashMap<(i64, String), usize> = HashMap::new();
        let mut superseded = Vec::new();
        for (index, row) in self.rows.iter().enumerate() {
            let Some(vendor) = self.terms.get(&row.vendor_id) else {
                continue;
            };
            let key = (row.warehouse_id, vendor.matching.vendor_key(&row.sku));
            match latest.get(&key) {
                Some(&seen) if self.rows[seen].updated_at_ms > row.updated_at_ms => {
                    superseded.push((index, key));
                }
                _ => {
                    if let Some(earlier) = latest.insert(key.clone(), index) {
                        superseded.push((earlier, key));
                    }
                }
            }
        }
        let items_named = |row: &StockRow, key: &str| -> Vec<usize> {
            let case_insensitive = self.terms[&row.vendor_id].matching.case_insensitive;
            let found = if case_insensitive {
                folded.get(key)
            } else {
                exact.get(key)
            };
            let mut found = found.cloned().unwrap_or_default();
            found.dedup();
            found
        };
        for (index, (_, key)) in superseded {
            let row = &self.rows[index];
            each(
                index,
                &items_named(row, &key),
                Fate::SetAside(SetAside::Superseded),
            );
        }
        for ((_, key), index) in latest {
            let row = &self.rows[index];
            let found = items_named(row, &key);
            let fate = if self.rules.inactive.contains(&row.vendor_id) {
                Fate::SetAside(SetAside::VendorDeactivated)
            } else {
                match found.as_slice() {
                    [] => continue,
                    // Routing worked out per counted row, not kept for every item: a few
                    // rules' lookups instead of a set per item of a 100k-variant store.
                    [item]
                        if routed_vendors(self.rules, &self.items[*item])
                            .contains(&row.vendor_id) =>
                    {
                        Fate::Counts(*item)
                    }
                    [_] => Fate::SetAside(SetAside::NotRouted),
                    _ => Fate::SetAside(SetAside::SkuAmbiguous),
                }
            };
            each(index, &found, fate);
        }
    }

    /// The level of every item some row counts toward, per location, and 0 for items wharf
    /// published before that nobody stocks now (nobody vouches for them any more).
    pub fn levels(&self) -> Vec<ItemLevel> {
        let mut stocked: BTreeMap<usize, Vec<Stocked>> = BTreeMap::new();
        self.sort_rows(|index, _, fate| {
            if let Fate::Counts(item) = fate {
                let row = &self.rows[index];
                stocked.entry(item).or_default().push(Stocked {
                    vendor_id: row.vendor_id,
                    location_id: row.location_id,
                    quantity: row.quantity,
                });
            }
        });
        let mut levels = Vec::new();
        for (index, stocked) in stocked {
            let item = &self.items[index];
            let taken = self.allocated_to(item);
            for (location_id, quantity) in published_levels(&stocked, taken, |v| self.terms_of(v)) {
                levels.push(ItemLevel {
                    item: index,
                    at: ItemAt {
                        kind: item.kind,
                        item_id: item.id,
                        location_id,
                    },
                    quantity,
                });
            }
        }
        let wanted: HashSet<ItemAt> = levels.iter().map(|l| l.at).collect();
        let by_id: HashMap<(ItemKind, i64), usize> = self
            .items
            .iter()
            .enumerate()
            .map(|(index, i)| ((i.kind, i.id), index))
            .collect();
        for (at, published) in self.published {
            if wanted.contains(at) || published.quantity == Some(0) {
                continue;
            }
            if let Some(&item) = by_id.get(&(at.kind, at.item_id)) {
                levels.push(ItemLevel {
                    item,
                    at: *at,
                    quantity: 0,
                });
            }
        }
        levels
    }

    /// Units of the item that open orders have taken.
    pub fn allocated_to(&self, item: &StoreItem) -> i64 {
        item.variant_ids
            .iter()
            .filter_map(|v| self.allocated.get(v))
            .sum()
    }

    /// How the vendor's reports are taken now; a vendor wharf does not know counts nothing.
    pub fn terms_of(&self, vendor_id: i64) -> VendorTerms {
        match self.terms.get(&vendor_id) {
            Some(t) => VendorTerms {
                buffer: t.buffer,
                fresh: t.fresh_at(self.now_ms),
            },
            None => VendorTerms::default(),
        }
    }
}
