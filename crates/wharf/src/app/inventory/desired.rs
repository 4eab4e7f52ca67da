//! The levels a push compares with what BigCommerce confirmed: those of the items the SKUs
//! marked since the last push name (`db::inventory::changes`), or every item's, walked a chunk
//! of items at a time (`StoreWalk`) so that a push of a 100k-variant store never holds the
//! store in memory. Both are worked out by the one computation (`levels.rs`), over a chunk of
//! items next to every other item their SKUs name, so a push of a few changed SKUs publishes
//! exactly what a push of everything would for those items, and a SKU that names items in two
//! chunks is as ambiguous as in the whole store.

use std::collections::{HashMap, HashSet};

use crate::app::App;
use crate::db::inventory::{self as stock, Published, StockRow, StoreItem, VendorStockTerms};
use crate::db::{self, Db, DbError, now_ms};
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

/// The levels of some items, worked out, and what BigCommerce confirmed for the same items.
pub(super) struct Desired {
    pub levels: Vec<Level>,
    pub published: HashMap<ItemAt, Published>,
}

impl Desired {
    /// The levels to send: those that differ from what BigCommerce confirmed (or were refused),
    /// or every one with `full`.
    pub fn into_sendable(self, full: bool) -> impl Iterator<Item = Level> {
        let published = self.published;
        self.levels.into_iter().filter(move |l| {
            full || published
                .get(&l.at)
                .is_none_or(|p| p.quantity != Some(l.quantity) || p.error.is_some())
        })
    }
}

/// What every computation of a store's levels shares, read once per push.
pub(super) struct Terms {
    vendors: HashMap<i64, VendorStockTerms>,
    rules: RoutingRules,
}

/// Which of a chunk's SKUs are looked up in the rest of the store, for the other items they
/// name (which make them ambiguous).
enum Neighbours<'a> {
    /// Every SKU: a few marked SKUs' items.
    OfEverySku,
    /// Only these (lowercased, trimmed): in a walk of the whole store, the SKUs known to name
    /// more than one item. Looking up every SKU of every chunk cost the walk two statements
    /// per 500 SKUs, and found the chunk itself nearly every time.
    OfShared(&'a HashSet<String>),
}

/// Units open orders took, by variant: read once for a walk of the whole store (it grows with
/// open orders, not with the catalog), or per chunk for the items a few marks name.
enum Allocated<'a> {
    Read(&'a HashMap<i64, i64>),
    PerChunk,
}

impl App {
    pub(super) async fn push_terms(&self, store_id: i64) -> Result<Terms, DbError> {
        Ok(Terms {
            vendors: stock::vendor_terms(&self.db)
                .await?
                .into_iter()
                .map(|t| (t.vendor_id, t))
                .collect(),
            rules: db::assignments::routing_rules(&self.db, store_id).await?,
        })
    }

    /// The levels of the items these SKUs name.
    pub(super) async fn levels_named(
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
            let items: Vec<StoreItem> = stock::store_items_named(&self.db, store_id, chunk)
                .await?
                .into_iter()
                .filter(|i| done.insert((i.kind, i.id)))
                .collect();
            let Desired { levels, published } = levels_of(
                &self.db,
                store_id,
                items,
                terms,
                Allocated::PerChunk,
                Neighbours::OfEverySku,
            )
            .await?;
            desired.levels.extend(levels);
            desired.published.extend(published);
        }
        Ok(desired)
    }
}

/// A walk of every tracked item of a store, a chunk at a time, in the order
/// `db::inventory::store_items_after` pages them.
pub(super) struct StoreWalk {
    store_id: i64,
    chunk: usize,
    after: Option<(ItemKind, i64)>,
    allocated: HashMap<i64, i64>,
    shared_skus: HashSet<String>,
}

impl StoreWalk {
    pub async fn start(app: &App, store_id: i64) -> Result<StoreWalk, DbError> {
        // A walk follows bulk changes (a vendor's whole feed, an import) that PostgreSQL's
        // autovacuum may not have seen yet: planned on an empty table's statistics, every
        // chunk's lookup of stock rows by SKU read the whole table (20 ms a chunk at 100k rows
        // against 2 ms). Refreshing them costs about 0.1 s, once per walk.
        app.db
            .refresh_statistics(&["vendor_stock", "published_stock"])
            .await?;
        Ok(StoreWalk {
            store_id,
            chunk: app.inventory_push_chunk.max(1),
            after: Some((ItemKind::Variant, 0)),
            allocated: stock::allocated(&app.db, store_id, None).await?,
            shared_skus: stock::shared_skus(&app.db, store_id).await?,
        })
    }

    /// The next chunk's levels; `None` once every item was walked.
    pub async fn next(&mut self, db: &Db, terms: &Terms) -> Result<Option<Desired>, DbError> {
        let Some(after) = self.after else {
            return Ok(None);
        };
        let page = stock::store_items_after(db, self.store_id, after, self.chunk).await?;
        self.after = page.next;
        let allocated = Allocated::Read(&self.allocated);
        let neighbours = Neighbours::OfShared(&self.shared_skus);
        Ok(Some(
            levels_of(db, self.store_id, page.items, terms, allocated, neighbours).await?,
        ))
    }
}

/// The levels of these items. Each one's level is worked out from every row naming any of its
/// SKUs, next to every other item those SKUs name, so a SKU that names two items is as
/// ambiguous here as in the whole store.
async fn levels_of(
    db: &Db,
    store_id: i64,
    mut items: Vec<StoreItem>,
    terms: &Terms,
    allocated: Allocated<'_>,
    neighbours: Neighbours<'_>,
) -> Result<Desired, DbError> {
    if items.is_empty() {
        return Ok(Desired {
            levels: Vec::new(),
            published: HashMap::new(),
        });
    }
    let wanted = items.len();
    let mut their_skus: Vec<String> = items.iter().flat_map(|i| i.skus.clone()).collect();
    their_skus.sort_unstable();
    their_skus.dedup();
    let mut known: HashSet<(ItemKind, i64)> = items.iter().map(|i| (i.kind, i.id)).collect();
    let look_up: Vec<String> = match neighbours {
        Neighbours::OfEverySku => their_skus.clone(),
        Neighbours::OfShared(shared) => their_skus
            .iter()
            .filter(|sku| is_shared(shared, sku))
            .cloned()
            .collect(),
    };
    for item in stock::store_items_named(db, store_id, &look_up).await? {
        if known.insert((item.kind, item.id)) {
            items.push(item);
        }
    }
    let mut rows: Vec<StockRow> = Vec::new();
    for skus in their_skus.chunks(SKUS_PER_LOOKUP) {
        rows.extend(
            stock::stock_rows_naming(db, skus)
                .await?
                .into_iter()
                .map(|named| named.row),
        );
    }
    let read;
    let allocated = match allocated {
        Allocated::Read(all) => all,
        Allocated::PerChunk => {
            let variant_ids: Vec<i64> = items
                .iter()
                .flat_map(|i| i.variant_ids.iter().copied())
                .collect();
            read = stock::allocated(db, store_id, Some(&variant_ids)).await?;
            &read
        }
    };
    let keys: Vec<(ItemKind, i64)> = items[..wanted].iter().map(|i| (i.kind, i.id)).collect();
    let published = stock::published_for(db, store_id, &keys).await?;
    let levels = work_out(&items, wanted, &rows, terms, allocated, &published);
    Ok(Desired { levels, published })
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

/// Whether the database's lowercasing of this SKU is among `shared`. PostgreSQL lowercases as
/// Rust does; SQLite's `lower` folds ASCII letters only, so both spellings are tried.
fn is_shared(shared: &HashSet<String>, sku: &str) -> bool {
    let sku = sku.trim();
    shared.contains(&sku.to_lowercase()) || shared.contains(&sku.to_ascii_lowercase())
}
