//! The vendor-store benchmark's three phases, each paced at a steady rate and timed from its
//! cause to its effect, with the simulator's request counts taken around it.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use sqlx::Row;

use super::{MerchantVariant, VENDOR_HASH, merchant_variants};
use crate::harness::BenchWharf;
use crate::measure::{Pace, percentile};
use crate::{STORE_HASH, TOKEN};

/// One phase's latencies (ms, sorted) and the simulator's counts over it.
pub(super) struct Phase {
    pub(super) latencies: Vec<i64>,
    stats: Value,
    /// Purchase order id → the vendor store's order number (the orders phase only).
    pub(super) vendor_orders: Vec<(i64, i64)>,
}

impl Phase {
    fn new(mut latencies: Vec<i64>, stats: Value) -> Phase {
        latencies.sort_unstable();
        Phase {
            latencies,
            stats,
            vendor_orders: Vec::new(),
        }
    }

    fn percentile(&self, p: f64) -> i64 {
        percentile(&self.latencies, p).unwrap_or(-1)
    }

    pub(super) fn print(&self, label: &str, target_ms: i64, wanted: usize) {
        let p99 = self.percentile(0.99);
        println!(
            "  {label}: {} of {wanted}; p50 {} ms, p99 {p99} ms, max {} ms (target p99 ≤ {target_ms} ms: {})",
            self.latencies.len(),
            self.percentile(0.50),
            self.latencies.last().copied().unwrap_or(-1),
            if p99 >= 0 && p99 <= target_ms {
                "met"
            } else {
                "MISSED"
            }
        );
        for store in [STORE_HASH, VENDOR_HASH] {
            let counts = &self.stats["by_store"][store];
            let total = counts["total"].as_u64().unwrap_or(0);
            let endpoints: Vec<String> = counts["by_endpoint"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(endpoint, n)| format!("{endpoint} {n}"))
                .collect();
            println!(
                "    requests to {store}: {total} ({})",
                endpoints.join(", ")
            );
        }
    }

    /// Requests to the vendor's store per purchase order (target: one create, at most one read
    /// of the order). The inventory reads are the stock flow's: the order took stock in the
    /// vendor's store, whose inventory webhook wharf follows to learn the vendor's new level.
    pub(super) fn print_vendor_requests(&self, orders: usize) {
        let counts = &self.stats["by_store"][VENDOR_HASH];
        let total = counts["total"].as_u64().unwrap_or(0);
        let creates = counts["by_endpoint"]["POST /v2/orders"]
            .as_u64()
            .unwrap_or(0);
        let stock = counts["by_endpoint"]["GET /v3/inventory/items"]
            .as_u64()
            .unwrap_or(0);
        let per = |n: u64| n as f64 / orders.max(1) as f64;
        println!(
            "  requests to the vendor's store per purchase order: {:.2} creates + {:.2} other order requests (target 1 create + ≤ 1 read); plus {:.2} stock reads its inventory webhook set off",
            per(creates),
            per(total - creates - stock),
            per(stock)
        );
    }
}

/// Waits until `query` (rows of `key`, `at`) returns `wanted` rows or two minutes pass, then
/// returns each row's `at` minus its start time.
async fn wait_for(
    bench: &BenchWharf,
    query: &str,
    started: &HashMap<i64, i64>,
    wanted: usize,
) -> anyhow::Result<Vec<i64>> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let rows = sqlx::query(sqlx::AssertSqlSafe(query.to_owned()))
            .fetch_all(bench.app.db.pool())
            .await?;
        let latencies: Vec<i64> = rows
            .iter()
            .filter_map(|r| {
                let t0 = started.get(&r.get::<i64, _>("key"))?;
                Some(r.get::<i64, _>("at") - t0)
            })
            .collect();
        if latencies.len() >= wanted || Instant::now() > deadline {
            return Ok(latencies);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A shopper's orders in the merchant's store, one line each, all routed to the vendor: from
/// each purchase order's creation in wharf to its order's creation in the vendor's store.
pub(super) async fn orders_to_vendor(
    bench: &BenchWharf,
    orders: usize,
    rate: u32,
) -> anyhow::Result<Phase> {
    // What the vendor's store can sell (as its catalog read saw it): a refused line is the
    // vendor's business, not what is measured here.
    let in_stock: BTreeSet<String> = sqlx::query(
        "SELECT sku FROM vendor_store_variants
         WHERE purchasable = 1 AND sku IS NOT NULL
           AND (inventory_level IS NULL OR inventory_level >= 3)",
    )
    .fetch_all(bench.app.db.pool())
    .await?
    .iter()
    .map(|r| r.get::<String, _>("sku"))
    .collect();
    let variants: Vec<_> = unique_skus(merchant_variants(bench).await?)
        .into_iter()
        .filter(|(_, _, sku, _)| in_stock.contains(sku))
        .collect();
    if variants.is_empty() {
        anyhow::bail!("the vendor's store has none of the merchant's variants in stock");
    }
    bench.reset_sim_stats().await?;
    println!("placing {orders} orders at {rate}/s…");
    let mut pace = Pace::new(rate);
    for n in 0..orders {
        pace.tick().await;
        let (product_id, variant_id, _, _) = &variants[n % variants.len()];
        bench
            .http
            .post(format!("{}/__sim/stores/{STORE_HASH}/orders", bench.sim_url))
            .json(&json!({ "lines": [{ "product_id": product_id, "variant_id": variant_id, "quantity": 1 }] }))
            .send()
            .await?
            .error_for_status()?;
    }
    // Both ends are wharf's own clock: the purchase order's row and the vendor order's 201.
    let created_rows = |rows: Vec<sqlx::any::AnyRow>| -> HashMap<i64, i64> {
        rows.iter()
            .map(|r| (r.get::<i64, _>("id"), r.get::<i64, _>("created_at")))
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    let started = loop {
        let rows = sqlx::query("SELECT id, created_at FROM purchase_orders")
            .fetch_all(bench.app.db.pool())
            .await?;
        if rows.len() >= orders || Instant::now() > deadline {
            break created_rows(rows);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let latencies = wait_for(
        bench,
        "SELECT purchase_order_id AS key, created_at AS at FROM vendor_orders
         WHERE state = 'created' AND created_at IS NOT NULL",
        &started,
        orders,
    )
    .await?;
    // Whatever the vendor store's webhooks (its order created) set off, counted too.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let states = sqlx::query(
        "SELECT state, COUNT(*) AS n, MIN(message) AS message FROM vendor_orders GROUP BY state",
    )
    .fetch_all(bench.app.db.pool())
    .await?;
    for row in &states {
        println!(
            "  vendor orders {}: {} {}",
            row.get::<String, _>("state"),
            row.get::<i64, _>("n"),
            row.get::<Option<String>, _>("message").unwrap_or_default()
        );
    }
    let mut phase = Phase::new(latencies, bench.sim_stats().await?);
    phase.vendor_orders = sqlx::query(
        "SELECT purchase_order_id, external_id FROM vendor_orders
         WHERE state = 'created' AND external_id IS NOT NULL",
    )
    .fetch_all(bench.app.db.pool())
    .await?
    .iter()
    .map(|r| (r.get("purchase_order_id"), r.get("external_id")))
    .collect();
    Ok(phase)
}

/// The vendor ships each of its orders in its own store: from the "ship this order" call to
/// the merchant's shipment existing in the merchant's store.
pub(super) async fn vendor_ships(
    bench: &BenchWharf,
    created: &Phase,
    rate: u32,
) -> anyhow::Result<Phase> {
    bench.reset_sim_stats().await?;
    println!(
        "the vendor ships {} orders in its store at {rate}/s…",
        created.vendor_orders.len()
    );
    let mut started: HashMap<i64, i64> = HashMap::new();
    let mut pace = Pace::new(rate);
    for (po_id, number) in &created.vendor_orders {
        pace.tick().await;
        started.insert(*po_id, wharf::db::now_ms());
        bench
            .http
            .post(format!(
                "{}/__sim/stores/{VENDOR_HASH}/orders/{number}/ship",
                bench.sim_url
            ))
            .json(&json!({}))
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("shipping the vendor's order {number}"))?;
    }
    // A part turns `created` when the merchant store's 201 is stored: an upper bound.
    let latencies = wait_for(
        bench,
        "SELECT s.purchase_order_id AS key, MAX(p.updated_at) AS at
         FROM shipments s JOIN shipment_parts p ON p.shipment_id = s.id
         WHERE p.state = 'created' GROUP BY s.purchase_order_id",
        &started,
        started.len(),
    )
    .await?;
    tokio::time::sleep(Duration::from_secs(3)).await;
    Ok(Phase::new(latencies, bench.sim_stats().await?))
}

/// The vendor changes one SKU's level at a time in its own store: from the change to the
/// merchant's store showing the same level (read every 20 ms, one request for all awaited).
pub(super) async fn vendor_stock(
    bench: &BenchWharf,
    changes: usize,
    rate: u32,
) -> anyhow::Result<Phase> {
    // Items tracked by variant: a level set on a product-tracked one is the product's.
    let variants: Vec<_> = unique_skus(merchant_variants(bench).await?)
        .into_iter()
        .filter(|(_, _, _, by_variant)| *by_variant)
        .collect();
    let targets: Vec<(u64, String, i64)> = variants
        .iter()
        .rev()
        .take(changes)
        .enumerate()
        .map(|(n, (_, variant_id, sku, _))| (*variant_id, sku.clone(), 1_000 + n as i64))
        .collect();
    bench.reset_sim_stats().await?;
    println!(
        "the vendor changes {} levels in its store at {rate}/s…",
        targets.len()
    );
    let awaited = std::sync::Arc::new(std::sync::Mutex::new(HashMap::<u64, (i64, Instant)>::new()));
    let poller = tokio::spawn(watch_levels(
        bench.http.clone(),
        bench.sim_url.clone(),
        awaited.clone(),
        targets.len(),
    ));
    let mut pace = Pace::new(rate);
    for (variant_id, sku, quantity) in &targets {
        pace.tick().await;
        awaited
            .lock()
            .expect("watch lock")
            .insert(*variant_id, (*quantity, Instant::now()));
        bench
            .http
            .put(format!(
                "{}/__sim/stores/{VENDOR_HASH}/inventory",
                bench.sim_url
            ))
            .json(&json!({ "sku": sku, "quantity": quantity }))
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("setting the vendor's level of {sku}"))?;
    }
    let (latencies, reads) = poller.await??;
    let mut stats = bench.sim_stats().await?;
    // The benchmark's own watching reads are not wharf's.
    let merchant = &mut stats["by_store"][STORE_HASH];
    if let Some(total) = merchant["total"].as_u64() {
        merchant["total"] = json!(total.saturating_sub(reads));
    }
    let key = "GET /v3/inventory/items";
    if let Some(n) = merchant["by_endpoint"][key].as_u64() {
        merchant["by_endpoint"][key] = json!(n.saturating_sub(reads));
    }
    Ok(Phase::new(latencies, stats))
}

type Awaited = std::sync::Arc<std::sync::Mutex<HashMap<u64, (i64, Instant)>>>;

/// Reads the awaited variants' levels in the merchant's store until `total` were seen or a
/// minute passes; returns the latencies and the reads it took.
async fn watch_levels(
    http: reqwest::Client,
    sim_url: String,
    awaited: Awaited,
    total: usize,
) -> anyhow::Result<(Vec<i64>, u64)> {
    let (mut seen, mut reads) = (Vec::with_capacity(total), 0u64);
    let deadline = Instant::now() + Duration::from_secs(60);
    while seen.len() < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let ids: Vec<String> = awaited
            .lock()
            .expect("watch lock")
            .keys()
            .map(u64::to_string)
            .collect();
        if ids.is_empty() {
            continue;
        }
        reads += 1;
        let page: Value = http
            .get(format!("{sim_url}/stores/{STORE_HASH}/v3/inventory/items"))
            .query(&[("variant_id:in", ids.join(",")), ("limit", "1000".into())])
            .header("X-Auth-Token", TOKEN)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let mut awaited = awaited.lock().expect("watch lock");
        for item in page["data"].as_array().into_iter().flatten() {
            let Some(id) = item["identity"]["variant_id"].as_u64() else {
                continue;
            };
            let level: i64 = item["locations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|l| l["total_inventory_onhand"].as_i64())
                .sum();
            if let Some(&(wanted, since)) = awaited.get(&id)
                && level == wanted
            {
                seen.push(since.elapsed().as_millis() as i64);
                awaited.remove(&id);
            }
        }
    }
    Ok((seen, reads))
}

/// Leaves out SKUs the seed gave more than one variant (their match is ambiguous).
fn unique_skus(variants: Vec<MerchantVariant>) -> Vec<MerchantVariant> {
    let mut seen = BTreeSet::new();
    let duplicated: BTreeSet<String> = variants
        .iter()
        .filter(|(_, _, sku, _)| !seen.insert(sku.clone()))
        .map(|(_, _, sku, _)| sku.clone())
        .collect();
    variants
        .into_iter()
        .filter(|(_, _, sku, _)| !duplicated.contains(sku))
        .collect()
}
