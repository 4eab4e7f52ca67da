//! The inventory benchmark's last phase: wharf as deployed while a vendor updates one SKU at a
//! time through the vendor API, timed until each level shows in the simulator.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{Value, json};
use sqlx::Row;

use super::plan::{StockPlan, on_hand_at_default_location};
use crate::harness::{BenchWharf, print_requests, serve};
use crate::measure::percentile;
use crate::{STORE_HASH, TOKEN};

pub(super) struct Latency {
    pub(super) updates: usize,
    pub(super) rate: u32,
    /// wharf's HTTP address, for the vendor API.
    pub(super) address: String,
    /// The vendor's API token.
    pub(super) token: String,
}

/// wharf as deployed (HTTP and workers): a vendor updates one SKU at a time through the
/// vendor API at a steady rate; measures from each call to the level showing in the simulator.
pub(super) async fn push_latency(
    bench: &BenchWharf,
    plan: &StockPlan,
    listener: std::net::TcpListener,
    run: &Latency,
) -> anyhow::Result<()> {
    let (stop, serving) = serve(bench, listener)?;
    // The pushes the earlier phases' stock calls queued run first (they find nothing left).
    wait_for_inventory_jobs(bench).await?;
    let variants = plan.plain_variants();
    let targets: Vec<(i64, String, i64)> = variants
        .iter()
        .rev()
        .take(run.updates)
        .enumerate()
        .map(|(n, &i)| {
            let item = &plan.items[i];
            // Above any seeded or earlier level, so the new one is unmistakable.
            (
                item.external_id,
                plan.sku_of(i).to_owned(),
                1_000 + n as i64,
            )
        })
        .collect();
    let watch = Watch::default();
    bench.reset_sim_stats().await?;
    println!(
        "updating {} SKUs through the vendor API at {}/s, wharf as deployed…",
        targets.len(),
        run.rate
    );
    let poller = tokio::spawn(watch.clone().poll(
        bench.http.clone(),
        bench.sim_url.clone(),
        targets.len(),
    ));
    let gap = Duration::from_secs_f64(1.0 / f64::from(run.rate.max(1)));
    let mut next = Instant::now();
    for (variant_id, sku, quantity) in &targets {
        tokio::time::sleep_until(next.into()).await;
        next += gap;
        // Watched before the call, so a push faster than the call's answer is not missed.
        watch.expect(*variant_id, *quantity);
        bench
            .http
            .put(format!("{}/vendor-api/v1/stock", run.address))
            .bearer_auth(&run.token)
            .json(&json!({ "items": [{ "sku": sku, "quantity": quantity }] }))
            .send()
            .await?
            .error_for_status()?;
    }
    let mut latencies = poller.await??;
    let mut stats = bench.sim_stats().await?;
    let _ = stop.send(());
    let _ = serving.await;
    latencies.sort_unstable();
    subtract_own_reads(&mut stats, watch.reads.load(Ordering::Relaxed));
    let quantile = |p: f64| percentile(&latencies, p).unwrap_or(0);
    println!(
        "latency, vendor update → level in BigCommerce (inventory_push_delay_ms = {})",
        bench.settings.server.inventory_push_delay_ms
    );
    println!(
        "  levels visible     {} of {}",
        latencies.len(),
        targets.len()
    );
    println!(
        "  vendor API call → level in simulator   p50 {} ms, p99 {} ms, max {} ms",
        quantile(0.50),
        quantile(0.99),
        latencies.last().copied().unwrap_or(0)
    );
    println!(
        "  dominant term: the {} ms coalescing delay (a push waits for more changes); then up to \
         the worker's 500 ms poll, and the push (one request, working out only the levels of \
         the SKUs updated since the last push). An update arriving during a push waits for the \
         next one.",
        bench.settings.server.inventory_push_delay_ms
    );
    print_requests(&stats, None);
    println!(
        "  (wharf's requests only: the benchmark's {} polling reads are subtracted)",
        watch.reads.load(Ordering::Relaxed)
    );
    if latencies.len() != targets.len() {
        bail!(
            "{} of {} levels became visible within a minute",
            latencies.len(),
            targets.len()
        );
    }
    Ok(())
}

/// Waits until no inventory job is pending or running.
async fn wait_for_inventory_jobs(bench: &BenchWharf) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let busy: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM jobs WHERE kind LIKE 'inventory.%' AND status IN ('pending', 'running')",
        )
        .fetch_one(bench.app.db.pool())
        .await?
        .get("n");
        if busy == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("inventory jobs still queued after a minute");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Levels the benchmark waits to see in the simulator, and how many reads it took to watch.
#[derive(Clone, Default)]
struct Watch {
    /// Variant id → (level awaited, when the vendor's call started).
    awaited: Arc<Mutex<HashMap<i64, (i64, Instant)>>>,
    reads: Arc<AtomicU64>,
}

impl Watch {
    fn expect(&self, variant_id: i64, quantity: i64) {
        self.awaited
            .lock()
            .expect("watch lock")
            .insert(variant_id, (quantity, Instant::now()));
    }

    /// Reads every awaited variant in one request every 20 ms (so the simulator is not
    /// swamped by the benchmark), until `total` levels were seen or a minute passes.
    /// Returns the latencies in ms.
    async fn poll(
        self,
        http: reqwest::Client,
        sim_url: String,
        total: usize,
    ) -> anyhow::Result<Vec<u64>> {
        let mut seen = Vec::with_capacity(total);
        let deadline = Instant::now() + Duration::from_secs(60);
        while seen.len() < total && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
            let ids: Vec<String> = {
                let awaited = self.awaited.lock().expect("watch lock");
                awaited.keys().map(i64::to_string).collect()
            };
            if ids.is_empty() {
                continue;
            }
            self.reads.fetch_add(1, Ordering::Relaxed);
            let page: Value = http
                .get(format!("{sim_url}/stores/{STORE_HASH}/v3/inventory/items"))
                .query(&[("variant_id:in", ids.join(",")), ("limit", "1000".into())])
                .header("X-Auth-Token", TOKEN)
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            let mut awaited = self.awaited.lock().expect("watch lock");
            for item in page["data"].as_array().into_iter().flatten() {
                let Some(id) = item["identity"]["variant_id"].as_i64() else {
                    continue;
                };
                let level = on_hand_at_default_location(item);
                if let Some(&(wanted, since)) = awaited.get(&id)
                    && level == Some(wanted)
                {
                    seen.push(since.elapsed().as_millis() as u64);
                    awaited.remove(&id);
                }
            }
        }
        Ok(seen)
    }
}

/// Takes the benchmark's own polling reads out of the simulator's counts, leaving wharf's.
fn subtract_own_reads(stats: &mut Value, reads: u64) {
    if let Some(total) = stats["total"].as_u64() {
        stats["total"] = json!(total.saturating_sub(reads));
    }
    if let Some(by_endpoint) = stats["by_endpoint"].as_object_mut() {
        let key = by_endpoint
            .keys()
            .find(|k| k.starts_with("GET") && k.ends_with("/inventory/items"))
            .cloned();
        if let Some(key) = key {
            let left = by_endpoint[&key]
                .as_u64()
                .unwrap_or(0)
                .saturating_sub(reads);
            if left == 0 {
                by_endpoint.remove(&key);
            } else {
                by_endpoint[&key] = json!(left);
            }
        }
    }
}
