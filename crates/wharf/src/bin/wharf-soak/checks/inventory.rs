//! The inventory checks: no push lease left behind, a second push with nothing to send, and
//! every published level read back from the simulator.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::Value;
use sqlx::Row;

use super::Verdict;
use crate::STORE_HASH;
use crate::setup::Soak;

/// A final push then a second: the second must find nothing to send (what wharf recorded as
/// published is the formula's value now), and every level in the simulator must equal what
/// wharf recorded publishing.
pub(super) async fn check_inventory(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<usize> {
    check_push_lease(soak, verdict).await?;
    let first = soak.app.push_inventory(soak.store_id, true).await?;
    let second = soak.app.push_inventory(soak.store_id, false).await?;
    verdict.check(
        !first.busy && second.pushed == 0 && second.refused == 0 && !second.busy,
        format!(
            "inventory: full push sent {} levels ({} refused, busy {}); the push after it sent {} (busy {})",
            first.pushed, first.refused, first.busy, second.pushed, second.busy
        ),
    );
    let items = wharf::db::inventory::store_items(&soak.app.db, soak.store_id).await?;
    let external: HashMap<(String, i64), (String, i64)> = items
        .iter()
        .map(|i| {
            let kind = format!("{:?}", i.kind).to_lowercase();
            ((kind.clone(), i.id), (kind, i.external_id))
        })
        .collect();
    let published = sqlx::query(
        "SELECT item_kind, item_id, quantity FROM published_stock
         WHERE store_id = $1 AND location_id = 1 AND quantity IS NOT NULL",
    )
    .bind(soak.store_id)
    .fetch_all(soak.app.db.pool())
    .await?;
    let in_bc = sim_levels(soak).await?;
    let (mut checked, mut different) = (0, Vec::new());
    for row in &published {
        let key = (row.get::<String, _>(0), row.get::<i64, _>(1));
        let Some((kind, id)) = external.get(&key) else {
            continue;
        };
        checked += 1;
        let wanted: i64 = row.get(2);
        let found = in_bc.get(&(kind.clone(), *id)).copied();
        if found != Some(wanted) {
            different.push((kind.clone(), *id, wanted, found));
        }
    }
    verdict.check(
        checked == published.len() && different.is_empty(),
        format!(
            "inventory: all {checked} of {} published levels read back from the simulator, {} different {:?}",
            published.len(),
            different.len(),
            &different[..different.len().min(5)]
        ),
    );
    Ok(checked)
}

/// Every inventory item's on-hand level at the default location, keyed as wharf keys its
/// items: ("variant", variant id), and ("product", product id) for items tracked by product.
async fn sim_levels(soak: &Soak) -> anyhow::Result<HashMap<(String, i64), i64>> {
    let items = soak
        .sim_v3_all(&format!("/stores/{STORE_HASH}/v3/inventory/items"), 1000)
        .await?;
    let mut levels = HashMap::new();
    for item in &items {
        let identity = &item["identity"];
        let on_hand = item["locations"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|l| l["location_id"].as_u64() == Some(1))
            .and_then(|l| l["total_inventory_onhand"].as_i64());
        let Some(on_hand) = on_hand else {
            continue;
        };
        if let Some(variant) = identity["variant_id"].as_i64() {
            levels.insert(("variant".to_owned(), variant), on_hand);
        }
        // A product tracked by product is one item (a product without options lists its
        // base variant's id too): its level is the product's first item.
        let product = identity["product_id"].as_i64().unwrap_or(0);
        levels
            .entry(("product".to_owned(), product))
            .or_insert(on_hand);
    }
    Ok(levels)
}

/// Every process is stopped, so a push lease still held belongs to a worker killed mid-push:
/// until it runs out every push is refused as busy. Reported, then waited out so the
/// inventory checks after it still say whether wharf converges.
async fn check_push_lease(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<()> {
    let until = soak
        .count(&format!(
            "SELECT inventory_push_until FROM stores WHERE id = {}",
            soak.store_id
        ))
        .await?;
    let left_ms = until - wharf::db::now_ms();
    verdict.check(
        left_ms <= 0,
        format!(
            "inventory push lease after every process stopped: {} s left (a dead worker's; pushes are busy until then)",
            left_ms.max(0) / 1000
        ),
    );
    if left_ms > 0 {
        println!("      waiting {} s for it to run out…", left_ms / 1000 + 1);
        tokio::time::sleep(Duration::from_millis(left_ms as u64 + 1000)).await;
    }
    Ok(())
}

pub(super) async fn oversold(soak: &Soak) -> anyhow::Result<u64> {
    let body: Value = soak
        .http
        .get(format!(
            "{}/__sim/stores/{STORE_HASH}/inventory",
            soak.sim_url
        ))
        .send()
        .await?
        .json()
        .await?;
    Ok(body["oversold_units"].as_u64().unwrap_or(0))
}
