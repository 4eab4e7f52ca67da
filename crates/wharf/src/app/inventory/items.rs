//! The per-SKU view: for a page of a store's items, what each vendor reported and when, which
//! reports count and why the others do not, what is allocated and held back, and the level
//! wharf publishes next to what BigCommerce confirmed — the answer to "why does BigCommerce
//! show 3?". The levels come from the push's own computation (`levels.rs`), over only the
//! page's items: a store has 100,000 variants, and a page never reads them all.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::app::error::AppError;
use crate::db::inventory::{self as stock, ItemKey, ItemPageQuery, StockRow, VendorStockTerms};
use crate::db::{self, now_ms};
use crate::domain::inventory::{ItemAt, ItemKind, Stocked, tally};
use crate::domain::{FieldError, FieldErrors};

use super::levels::{Fate, SetAside, StockPicture};

/// Items a page holds unless asked otherwise, and at most.
pub const ITEMS_PER_PAGE: i64 = 25;
pub const MAX_ITEMS_PER_PAGE: i64 = 100;
/// A search for items whose level differs from BigCommerce's works their levels out; one answer
/// reads at most this many items, and `next_after` continues the search.
pub const DIFFERS_SCANNED_PER_PAGE: usize = 2_000;
/// Items whose levels are worked out together.
const CHUNK: i64 = 200;

/// Which items the view shows.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemStockQuery {
    /// Part of the SKU or of the product's name, any case.
    #[serde(default)]
    pub q: Option<String>,
    /// Only items this vendor reported stock for.
    #[serde(default)]
    pub vendor_id: Option<i64>,
    /// Only items whose level wharf publishes differs from what BigCommerce confirmed.
    #[serde(default)]
    pub differs: bool,
    /// Where the page starts: the `next_after` of the previous page.
    #[serde(default)]
    pub after: Option<String>,
    /// Items per page, 1 to 100 (25 unless given).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A page of the view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemStockPage {
    pub items: Vec<ItemStock>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
    /// Items read to answer (with `differs`, more than are shown).
    pub scanned: usize,
}

/// One item: what makes up its level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ItemStock {
    pub kind: ItemKind,
    pub id: i64,
    pub sku: Option<String>,
    pub name: String,
    /// Every vendor report that names the item, counted or not.
    pub reports: Vec<VendorReport>,
    /// Units open orders have taken that vendors' reports still hold.
    pub allocated: i64,
    /// Fresh stock counted from the reports that count.
    pub counted: i64,
    /// Units the vendors' buffers hold back.
    pub held_back: i64,
    /// Per location: what wharf publishes and what BigCommerce confirmed.
    pub levels: Vec<LocationLevel>,
    /// Some location's level differs from what BigCommerce confirmed (or was refused).
    pub differs: bool,
    /// The level in one sentence.
    pub explanation: String,
}

/// One vendor warehouse's report of the item.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorReport {
    pub vendor_id: i64,
    pub vendor: String,
    pub warehouse: String,
    /// The BigCommerce location the warehouse's stock counts toward.
    pub location_id: i64,
    /// As the vendor wrote it.
    pub sku: String,
    pub quantity: i64,
    pub reported_at_ms: i64,
    /// The vendor's buffer.
    pub buffer: i64,
    /// It counts toward the level (at 0 when stale).
    pub counts: bool,
    /// The vendor's last report is older than its terms accept: this counts as 0.
    pub stale: bool,
    /// Why it does not count.
    pub set_aside: Option<SetAside>,
    /// Why it does not count, or counts as 0, in words.
    pub why_not: Option<String>,
}

/// The item's level at one BigCommerce location.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LocationLevel {
    pub location_id: i64,
    /// What wharf publishes; absent when wharf publishes nothing here.
    pub publishes: Option<i64>,
    /// What BigCommerce last confirmed; absent when it never did (or a drift check found it
    /// changed, and the next push sends it again).
    pub confirmed: Option<i64>,
    /// BigCommerce refused the last push, with its message.
    pub refused: Option<String>,
}

impl LocationLevel {
    fn differs(&self) -> bool {
        self.refused.is_some()
            || match (self.publishes, self.confirmed) {
                (Some(publishes), confirmed) => confirmed != Some(publishes),
                (None, _) => false,
            }
    }
}

impl App {
    /// A page of the store's items with what makes up each one's level.
    pub async fn inventory_items(
        &self,
        store_id: i64,
        query: &ItemStockQuery,
    ) -> Result<ItemStockPage, AppError> {
        self.store(store_id).await?;
        let mut errors = FieldErrors::default();
        let limit = query.limit.unwrap_or(ITEMS_PER_PAGE);
        if !(1..=MAX_ITEMS_PER_PAGE).contains(&limit) {
            errors.push(FieldError::new(
                "limit",
                format!("Show 1 to {MAX_ITEMS_PER_PAGE} items per page"),
            ));
        }
        let after = match query.after.as_deref().filter(|a| !a.is_empty()) {
            None => None,
            Some(after) => match parse_cursor(after) {
                Some(key) => Some(key),
                None => {
                    errors.push(FieldError::new(
                        "after",
                        "Start from the next_after of a previous page",
                    ));
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let mut page_query = ItemPageQuery {
            search: query.q.clone(),
            vendor_id: query.vendor_id,
            after,
            limit: limit + 1,
        };
        if !query.differs {
            let mut keys = stock::item_page(&self.db, store_id, &page_query).await?;
            let more = keys.len() as i64 > limit;
            keys.truncate(usize::try_from(limit).unwrap_or(0));
            let items = self.item_stock(store_id, &keys).await?;
            return Ok(ItemStockPage {
                next_after: keys.last().filter(|_| more).map(cursor),
                scanned: keys.len(),
                items,
            });
        }
        // Which items differ is known only once their levels are worked out: read chunks
        // until the page is full, the items end, or the bound is reached.
        page_query.limit = CHUNK;
        let mut page = ItemStockPage {
            items: Vec::new(),
            next_after: None,
            scanned: 0,
        };
        loop {
            let keys = stock::item_page(&self.db, store_id, &page_query).await?;
            page.scanned += keys.len();
            for item in self.item_stock(store_id, &keys).await? {
                if !item.differs {
                    continue;
                }
                page.items.push(item);
                if page.items.len() as i64 == limit {
                    let last = page.items.last().map(|i| (i.kind, i.id));
                    page.next_after = last.map(|(kind, id)| cursor_of(kind, id));
                    return Ok(page);
                }
            }
            let Some(last) = keys.last() else {
                return Ok(page);
            };
            if (keys.len() as i64) < CHUNK {
                return Ok(page);
            }
            page_query.after = Some((last.kind, last.id));
            if page.scanned >= DIFFERS_SCANNED_PER_PAGE {
                page.next_after = Some(cursor(last));
                return Ok(page);
            }
        }
    }

    /// What makes up the level of each of these items, in their order.
    async fn item_stock(
        &self,
        store_id: i64,
        keys: &[ItemKey],
    ) -> Result<Vec<ItemStock>, AppError> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let ids_of = |kind: ItemKind| -> Vec<i64> {
            keys.iter()
                .filter(|k| k.kind == kind)
                .map(|k| k.id)
                .collect()
        };
        let mut items = stock::store_items_with_ids(
            &self.db,
            store_id,
            &ids_of(ItemKind::Variant),
            &ids_of(ItemKind::Product),
        )
        .await?;
        let skus: Vec<String> = items.iter().flat_map(|i| i.skus.clone()).collect();
        // Other items with one of these SKUs: a SKU naming two items counts for neither.
        let mut known: HashSet<(ItemKind, i64)> = items.iter().map(|i| (i.kind, i.id)).collect();
        for item in stock::store_items_named(&self.db, store_id, &skus).await? {
            if known.insert((item.kind, item.id)) {
                items.push(item);
            }
        }
        let named_rows = stock::stock_rows_naming(&self.db, &skus).await?;
        let rows: Vec<StockRow> = named_rows.iter().map(|r| r.row.clone()).collect();
        let terms: HashMap<i64, VendorStockTerms> = stock::vendor_terms(&self.db)
            .await?
            .into_iter()
            .map(|t| (t.vendor_id, t))
            .collect();
        let rules = db::assignments::routing_rules(&self.db, store_id).await?;
        let variant_ids: Vec<i64> = items
            .iter()
            .flat_map(|i| i.variant_ids.iter().copied())
            .collect();
        let allocated = stock::allocated(&self.db, store_id, Some(&variant_ids)).await?;
        let page_items: Vec<(ItemKind, i64)> = keys.iter().map(|k| (k.kind, k.id)).collect();
        let published = stock::published_for(&self.db, store_id, &page_items).await?;
        let vendor_names: HashMap<i64, String> = self
            .list_vendors()
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        let picture = StockPicture {
            items: &items,
            rows: &rows,
            terms: &terms,
            rules: &rules,
            allocated: &allocated,
            published: &published,
            now_ms: now_ms(),
        };

        // Each row under every item it names, with its fate.
        let mut reports: HashMap<usize, Vec<(usize, Fate)>> = HashMap::new();
        picture.sort_rows(|row, named, fate| {
            for &item in named {
                reports.entry(item).or_default().push((row, fate));
            }
        });
        let mut levels: HashMap<usize, BTreeMap<i64, i64>> = HashMap::new();
        for level in picture.levels() {
            levels
                .entry(level.item)
                .or_default()
                .insert(level.at.location_id, level.quantity);
        }
        let index_of: HashMap<(ItemKind, i64), usize> = items
            .iter()
            .enumerate()
            .map(|(index, i)| ((i.kind, i.id), index))
            .collect();

        let mut shown = Vec::with_capacity(keys.len());
        for key in keys {
            let Some(&index) = index_of.get(&(key.kind, key.id)) else {
                continue;
            };
            let item = &items[index];
            let mut item_reports: Vec<(usize, Fate)> = reports.remove(&index).unwrap_or_default();
            item_reports.sort_by_key(|(row, _)| *row);
            let counted_rows: Vec<Stocked> = item_reports
                .iter()
                .filter(|(_, fate)| matches!(fate, Fate::Counts(_)))
                .map(|(row, _)| Stocked {
                    vendor_id: rows[*row].vendor_id,
                    location_id: rows[*row].location_id,
                    quantity: rows[*row].quantity,
                })
                .collect();
            let sums = tally(&counted_rows, |v| picture.terms_of(v));
            let allocated = picture.allocated_to(item);
            let vendor_reports: Vec<VendorReport> = item_reports
                .iter()
                .map(|&(row, fate)| {
                    let named = &named_rows[row];
                    let terms = picture.terms_of(named.row.vendor_id);
                    let set_aside = match fate {
                        Fate::Counts(_) => None,
                        Fate::SetAside(reason) => Some(reason),
                    };
                    let stale = set_aside.is_none() && !terms.fresh;
                    VendorReport {
                        vendor_id: named.row.vendor_id,
                        vendor: vendor_names
                            .get(&named.row.vendor_id)
                            .cloned()
                            .unwrap_or_default(),
                        warehouse: named.warehouse.clone(),
                        location_id: named.row.location_id,
                        sku: named.row.sku.clone(),
                        quantity: named.row.quantity,
                        reported_at_ms: named.row.updated_at_ms,
                        buffer: terms.buffer,
                        counts: set_aside.is_none(),
                        stale,
                        set_aside,
                        why_not: match set_aside {
                            Some(reason) => Some(reason.words().to_owned()),
                            None if stale => Some(
                                "stale report: older than the vendor's terms accept, so it \
                                 counts as 0"
                                    .to_owned(),
                            ),
                            None => None,
                        },
                    }
                })
                .collect();
            let publishes = levels.remove(&index).unwrap_or_default();
            let mut locations: Vec<i64> = publishes.keys().copied().collect();
            for at in published.keys() {
                if at.kind == item.kind && at.item_id == item.id {
                    locations.push(at.location_id);
                }
            }
            locations.sort_unstable();
            locations.dedup();
            let location_levels: Vec<LocationLevel> = locations
                .into_iter()
                .map(|location_id| {
                    let confirmed = published.get(&ItemAt {
                        kind: item.kind,
                        item_id: item.id,
                        location_id,
                    });
                    LocationLevel {
                        location_id,
                        publishes: publishes.get(&location_id).copied(),
                        confirmed: confirmed.and_then(|p| p.quantity),
                        refused: confirmed.and_then(|p| p.error.clone()),
                    }
                })
                .collect();
            let total: i64 = publishes.values().sum();
            let explanation = explain(
                &vendor_reports,
                total,
                sums.counted,
                allocated,
                sums.buffers,
            );
            shown.push(ItemStock {
                kind: item.kind,
                id: item.id,
                sku: key.sku.clone(),
                name: key.name.clone(),
                differs: location_levels.iter().any(LocationLevel::differs),
                reports: vendor_reports,
                allocated,
                counted: sums.counted,
                held_back: sums.buffers,
                levels: location_levels,
                explanation,
            });
        }
        Ok(shown)
    }
}

/// The level in one sentence, from the formula's terms.
fn explain(
    reports: &[VendorReport],
    total: i64,
    counted: i64,
    allocated: i64,
    held_back: i64,
) -> String {
    if reports.iter().all(|r| !r.counts) {
        return if reports.is_empty() {
            "No vendor reports this SKU: wharf publishes nothing for it (0 if it published before)."
                .to_owned()
        } else {
            "No vendor's report counts (see why below): wharf publishes nothing for it \
             (0 if it published before)."
                .to_owned()
        };
    }
    format!(
        "wharf publishes {total}: {counted} reported and counted − {allocated} allocated to \
         open orders − {held_back} held back by buffers, never below 0."
    )
}

/// The cursor of a page that starts after this item.
fn cursor(key: &ItemKey) -> String {
    cursor_of(key.kind, key.id)
}

fn cursor_of(kind: ItemKind, id: i64) -> String {
    format!("{}-{id}", kind.as_str())
}

fn parse_cursor(text: &str) -> Option<(ItemKind, i64)> {
    let (kind, id) = text.split_once('-')?;
    Some((ItemKind::parse(kind)?, id.parse().ok()?))
}
