//! The levels a push compares with what BigCommerce confirmed: every item's, or only those of
//! the items the SKUs marked since the last push name (`db::inventory::changes`). Both are
//! worked out by the one computation (`levels.rs`), so a push of a few changed SKUs publishes
//! exactly what a push of everything would for those items.

use std::collections::{HashMap, HashSet};

use crate::app::App;
use crate::db::inventory::changes::Changed;
use crate::db::inventory::{self as stock, Published, StockRow, StoreItem, VendorStockTerms};
use crate::db::{self, DbError, now_ms};
use crate::domain::inventory::{ItemAt, ItemKind};
use crate::domain::routing::RoutingRules;

use super::levels::StockPicture;

/// Changed SKUs looked up together: a few statements each, whose bound values stay far below
/// either database's limit on them.
const SKUS_PER_LOOKUP: usize = 500;

/// One level to publish.
#[derive(Debug, Clone)]
pub(super) struct Level {
    pub at: ItemAt,
    pub external_id: i64,
    pub quantity: i64,
}

/// The levels worked out, and what BigCommerce confirmed for the same items.
pub(super) struct Desired {
    pub levels: Vec<Level>,
    pub published: HashMap<ItemAt, Published>,
}

/// What every computation of a store's levels shares, read once per push.
struct Terms {
    vendors: HashMap<i64, VendorStockTerms>,
    rules: RoutingRules,
}

impl App {
    /// What the store should show now for the items `changed` covers: per item and location,
    /// for every item a vendor stocks that the routing rules send to that vendor, and 0 for
    /// items wharf published before that no such vendor stocks any more.
    pub(super) async fn desired_levels(
        &self,
        store_id: i64,
        changed: &Changed,
    ) -> Result<Desired, DbError> {
        let terms = Terms {
            vendors: stock::vendor_terms(&self.db)
                .await?
                .into_iter()
                .map(|t| (t.vendor_id, t))
                .collect(),
            rules: db::assignments::routing_rules(&self.db, store_id).await?,
        };
        match changed {
            Changed::Everything => self.every_level(store_id, &terms).await,
            Changed::Skus(skus) => self.levels_named(store_id, skus, &terms).await,
        }
    }

    async fn every_level(&self, store_id: i64, terms: &Terms) -> Result<Desired, DbError> {
        let published = stock::published(&self.db, store_id).await?;
        let items = stock::store_items(&self.db, store_id).await?;
        // Only rows that name one of this store's SKUs: a vendor's junk costs a push nothing.
        let rows = stock::matched_stock_rows(&self.db, store_id).await?;
        let allocated = stock::allocated(&self.db, store_id, None).await?;
        let levels = work_out(&items, items.len(), &rows, terms, &allocated, &published);
        Ok(Desired { levels, published })
    }

    /// The levels of the items these SKUs name. Each such item's level is worked out from
    /// every row naming any of its SKUs, next to every other item those SKUs name, so a SKU
    /// that names two items is as ambiguous here as in the whole store.
    async fn levels_named(
        &self,
        store_id: i64,
        skus: &[String],
        terms: &Terms,
    ) -> Result<Desired, DbError> {
        let mut desired = Desired {
            levels: Vec::new(),
            published: HashMap::new(),
        };
        let mut done: HashSet<(ItemKind, i64)> = HashSet::new();
        for chunk in skus.chunks(SKUS_PER_LOOKUP) {
            let mut items: Vec<StoreItem> = stock::store_items_named(&self.db, store_id, chunk)
                .await?
                .into_iter()
                .filter(|i| done.insert((i.kind, i.id)))
                .collect();
            if items.is_empty() {
                continue;
            }
            let changed = items.len();
            let their_skus: Vec<String> = items.iter().flat_map(|i| i.skus.clone()).collect();
            let mut known: HashSet<(ItemKind, i64)> =
                items.iter().map(|i| (i.kind, i.id)).collect();
            for item in stock::store_items_named(&self.db, store_id, &their_skus).await? {
                if known.insert((item.kind, item.id)) {
                    items.push(item);
                }
            }
            let rows: Vec<StockRow> = stock::stock_rows_naming(&self.db, &their_skus)
                .await?
                .into_iter()
                .map(|named| named.row)
                .collect();
            let variant_ids: Vec<i64> = items
                .iter()
                .flat_map(|i| i.variant_ids.iter().copied())
                .collect();
            let allocated = stock::allocated(&self.db, store_id, Some(&variant_ids)).await?;
            let keys: Vec<(ItemKind, i64)> =
                items[..changed].iter().map(|i| (i.kind, i.id)).collect();
            let published = stock::published_for(&self.db, store_id, &keys).await?;
            desired.levels.extend(work_out(
                &items, changed, &rows, terms, &allocated, &published,
            ));
            desired.published.extend(published);
        }
        Ok(desired)
    }
}

/// The levels of the first `wanted` of `items`; the others are there only so that a SKU naming
/// one of them too is seen to be ambiguous.
fn work_out(
    items: &[StoreItem],
    wanted: usize,
    rows: &[StockRow],
    terms: &Terms,
    allocated: &HashMap<i64, i64>,
    published: &HashMap<ItemAt, Published>,
) -> Vec<Level> {
    let picture = StockPicture {
        items,
        rows,
        terms: &terms.vendors,
        rules: &terms.rules,
        allocated,
        published,
        now_ms: now_ms(),
    };
    picture
        .levels()
        .into_iter()
        .filter(|l| l.item < wanted)
        .map(|l| Level {
            at: l.at,
            external_id: items[l.item].external_id,
            quantity: l.quantity,
        })
        .collect()
}
