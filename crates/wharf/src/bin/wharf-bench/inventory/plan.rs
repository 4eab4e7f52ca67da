//! The inventory benchmark's stock plan: what it reports for the vendor, the levels wharf should
//! publish from it (worked out apart from wharf's code), and the check of the simulator's levels
//! against them.

use std::collections::HashMap;

use anyhow::bail;
use serde_json::Value;
use sqlx::Row;
use wharf::app::inventory::{StockInput, StockItemInput};
use wharf::db::inventory::StoreItem;
use wharf::domain::inventory::ItemKind;

use super::LOCATION_ID;
use crate::harness::BenchWharf;
use crate::{STORE_HASH, TOKEN};

/// The stock the benchmark reported for the vendor, and what wharf should publish from it,
/// worked out independently of wharf's own code so the simulator's levels can be checked.
pub(super) struct StockPlan {
    /// The store's tracked items, as wharf stored them at import.
    pub(super) items: Vec<StoreItem>,
    /// Every seeded SKU, sorted: the order the benchmark picks changes in.
    pub(super) skus: Vec<String>,
    pub(super) quantities: HashMap<String, i64>,
    /// SKU → the one item it names; a SKU naming two items (a seeded duplicate) is ambiguous,
    /// and wharf publishes nothing for it.
    owner: HashMap<String, usize>,
}

impl StockPlan {
    pub(super) async fn new(bench: &BenchWharf) -> anyhow::Result<StockPlan> {
        let items = wharf::db::inventory::store_items(&bench.app.db, bench.store_id).await?;
        let mut named: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, item) in items.iter().enumerate() {
            for sku in &item.skus {
                named.entry(sku.trim().to_owned()).or_default().push(index);
            }
        }
        let owner = named
            .into_iter()
            .filter_map(|(sku, mut found)| {
                found.dedup();
                (found.len() == 1).then(|| (sku, found[0]))
            })
            .collect();
        let skus = seeded_skus(bench).await?;
        // Some zeros among them, as in any vendor's file.
        let quantities = skus
            .iter()
            .enumerate()
            .map(|(n, sku)| (sku.clone(), (n as i64 * 37) % 120))
            .collect();
        Ok(StockPlan {
            items,
            skus,
            quantities,
            owner,
        })
    }

    /// The level the item should show: the sum of the stock of the SKUs that name it alone
    /// (a product tracked by product is named by its own SKU and its variants'), or `None`
    /// when none does.
    fn expected(&self, index: usize) -> Option<i64> {
        let mut total = None;
        for sku in &self.items[index].skus {
            let sku = sku.trim();
            if self.owner.get(sku) == Some(&index)
                && let Some(quantity) = self.quantities.get(sku)
            {
                *total.get_or_insert(0) += quantity;
            }
        }
        total
    }

    pub(super) fn expected_levels(&self) -> Vec<Option<i64>> {
        (0..self.items.len()).map(|i| self.expected(i)).collect()
    }

    /// The items wharf publishes a level for.
    pub(super) fn published(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.expected(i).is_some())
            .collect()
    }

    /// Variants whose one SKU names them alone: a change to that SKU moves exactly one level.
    pub(super) fn plain_variants(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| {
                let item = &self.items[i];
                item.kind == ItemKind::Variant
                    && item.skus.len() == 1
                    && self.owner.get(item.skus[0].trim()) == Some(&i)
                    && self.quantities.contains_key(item.skus[0].trim())
            })
            .collect()
    }

    pub(super) fn sku_of(&self, index: usize) -> &str {
        self.items[index].skus[0].trim()
    }

    pub(super) fn apply(&mut self, changes: &[(String, i64)]) {
        for (sku, quantity) in changes {
            self.quantities.insert(sku.clone(), *quantity);
        }
    }
}

/// Every SKU the import stored: each variant's, and the product's own for products tracked
/// by product (a vendor reports what it stocks, not what BigCommerce tracks).
async fn seeded_skus(bench: &BenchWharf) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT sku FROM variants WHERE store_id = $1 AND archived_at IS NULL
         UNION SELECT sku FROM products WHERE store_id = $2 AND archived_at IS NULL AND inventory_tracking = 'product'",
    )
    .bind(bench.store_id)
    .bind(bench.store_id)
    .fetch_all(bench.app.db.pool())
    .await?;
    let mut skus: Vec<String> = rows
        .iter()
        .filter_map(|r| r.get::<Option<String>, _>("sku"))
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    skus.sort();
    skus.dedup();
    Ok(skus)
}

pub(super) async fn bench_vendor_id(bench: &BenchWharf) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT id FROM vendors WHERE name = 'Bench Vendor'")
            .fetch_one(bench.app.db.pool())
            .await?
            .get("id"),
    )
}

/// Sets stock as the vendor API would, at most 10,000 items per call (its limit).
pub(super) async fn set_stock(
    bench: &BenchWharf,
    vendor_id: i64,
    levels: &[(String, i64)],
) -> anyhow::Result<()> {
    for chunk in levels.chunks(wharf::app::inventory::MAX_STOCK_ITEMS_PER_CALL) {
        let input = StockInput {
            items: chunk
                .iter()
                .map(|(sku, quantity)| StockItemInput {
                    sku: sku.clone(),
                    quantity: *quantity,
                    warehouse: None,
                })
                .collect(),
        };
        bench.app.set_vendor_stock(vendor_id, &input).await?;
    }
    Ok(())
}

/// Reads items' on-hand levels at the default location from the simulator, 200 ids a request.
/// Called only after a phase's stats are taken: these reads are the benchmark's, not wharf's.
async fn sim_levels(
    bench: &BenchWharf,
    items: &[&StoreItem],
) -> anyhow::Result<HashMap<(ItemKind, i64), i64>> {
    let mut levels = HashMap::new();
    for kind in [ItemKind::Variant, ItemKind::Product] {
        let ids: Vec<i64> = items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.external_id)
            .collect();
        let (filter, field) = match kind {
            ItemKind::Variant => ("variant_id:in", "variant_id"),
            ItemKind::Product => ("product_id:in", "product_id"),
        };
        for chunk in ids.chunks(200) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let page: Value = bench
                .http
                .get(format!(
                    "{}/stores/{STORE_HASH}/v3/inventory/items",
                    bench.sim_url
                ))
                .query(&[(filter, list.join(",")), ("limit", "1000".into())])
                .header("X-Auth-Token", TOKEN)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            for item in page["data"].as_array().into_iter().flatten() {
                let Some(id) = item["identity"][field].as_i64() else {
                    continue;
                };
                if let Some(level) = on_hand_at_default_location(item) {
                    levels.insert((kind, id), level);
                }
            }
        }
    }
    Ok(levels)
}

pub(super) fn on_hand_at_default_location(item: &Value) -> Option<i64> {
    item["locations"]
        .as_array()?
        .iter()
        .find(|l| l["location_id"].as_u64() == Some(LOCATION_ID))?["total_inventory_onhand"]
        .as_i64()
}

/// Checks the simulator's levels of the given items against the plan; prints and fails on a
/// difference.
pub(super) async fn verify_levels(
    bench: &BenchWharf,
    plan: &StockPlan,
    indexes: &[usize],
) -> anyhow::Result<()> {
    let items: Vec<&StoreItem> = indexes.iter().map(|&i| &plan.items[i]).collect();
    let found = sim_levels(bench, &items).await?;
    let mut wrong = 0;
    for &index in indexes {
        let item = &plan.items[index];
        let seen = found.get(&(item.kind, item.external_id)).copied();
        if seen != plan.expected(index) {
            wrong += 1;
            if wrong <= 5 {
                println!(
                    "    MISMATCH {:?} {} ({:?}): simulator {seen:?}, expected {:?}",
                    item.kind,
                    item.external_id,
                    item.skus,
                    plan.expected(index)
                );
            }
        }
    }
    println!(
        "  levels checked     {} in the simulator (read after the stats), {wrong} different",
        indexes.len()
    );
    if wrong > 0 {
        bail!(
            "{wrong} of {} levels differ from what was set",
            indexes.len()
        );
    }
    Ok(())
}
