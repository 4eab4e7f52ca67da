//! The inventory benchmark's last phase: wharf as deployed while a vendor updates one SKU at a
//! time through the vendor API, timed until each level shows in the simulator, against a store
//! with a real plan's API quota (so the pushes' pacing and the shared budget are what holds them
//! to the store's share, not an unlimited simulator).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::bail;
use serde_json::{Value, json};

use super::plan::StockPlan;
use crate::STORE_HASH;
use crate::harness::{BenchWharf, print_requests, serve, wait_for_jobs};
use crate::measure::percentile;

/// The window of the quota the phase gives the store, as BigCommerce's plans count it.
const QUOTA_WINDOW_MS: u64 = 30_000;

pub(super) struct Latency {
    pub(super) updates: usize,
    pub(super) rate: u32,
    /// The store's API quota per 30 s during the phase (BigCommerce's smallest plans: 150);
    /// 0 leaves the simulator's unlimited one.
    pub(super) quota: u32,
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
    if run.quota > 0 {
        set_quota(bench, run.quota).await?;
    }
    let (stop, serving) = serve(bench, listener)?;
    // The pushes the earlier phases' stock calls queued run first (they find nothing left).
    wait_for_jobs(&bench.app, "inventory.%", Duration::from_secs(60)).await?;
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
    let started = Instant::now();
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
    let (mut latencies, busiest_window) = poller.await??;
    let elapsed = started.elapsed();
    let stats = bench.sim_stats().await?;
    let _ = stop.send(());
    let _ = serving.await;
    if run.quota > 0 {
        set_quota(bench, 1_000_000).await?;
    }
    latencies.sort_unstable();
    let quantile = |p: f64| percentile(&latencies, p).unwrap_or(0);
    println!(
        "latency, vendor update → level in BigCommerce ({} updates at {}/s)",
        targets.len(),
        run.rate
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
        "  what it is made of: a change is pushed at once unless a push of the store is running \
         or the store's pushes are spaced out (at most one every 2 × window / share of the \
         quota); then the push itself (one request, only the SKUs updated since the last push)."
    );
    print_requests(&stats, None);
    let requests = stats["total"].as_u64().unwrap_or(0);
    let refused = stats["by_status"]["429"].as_u64().unwrap_or(0);
    let share = bench.settings.server.api_quota_share;
    println!(
        "  request rate       {:.2}/s over {:.1} s; 429s {refused}",
        requests as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    if run.quota > 0 {
        let allowance = ((f64::from(run.quota) * share).floor() as u64).max(1);
        println!(
            "  store quota        {} per {} s; wharf's share {share} = {allowance} per window \
             ({:.2}/s); busiest window {busiest_window} requests",
            run.quota,
            QUOTA_WINDOW_MS / 1000,
            allowance as f64 * 1000.0 / QUOTA_WINDOW_MS as f64
        );
    }
    if latencies.len() != targets.len() {
        bail!(
            "{} of {} levels became visible within a minute",
            latencies.len(),
            targets.len()
        );
    }
    if refused > 0 {
        bail!("the store answered {refused} requests with 429");
    }
    Ok(())
}

/// Gives every store of the simulator `quota` requests per [`QUOTA_WINDOW_MS`], in fresh
/// windows.
async fn set_quota(bench: &BenchWharf, quota: u32) -> anyhow::Result<()> {
    bench
        .http
        .put(format!("{}/__sim/quota", bench.sim_url))
        .json(&json!({ "quota": quota, "window_ms": QUOTA_WINDOW_MS }))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// Levels the benchmark waits to see in the simulator.
#[derive(Clone, Default)]
struct Watch {
    /// Variant id → (level awaited, when the vendor's call started).
    awaited: Arc<Mutex<HashMap<i64, (i64, Instant)>>>,
}

impl Watch {
    fn expect(&self, variant_id: i64, quantity: i64) {
        self.awaited
            .lock()
            .expect("watch lock")
            .insert(variant_id, (quantity, Instant::now()));
    }

    /// Reads every awaited variant's level every 20 ms through the simulator's control API
    /// (which neither counts the reads nor spends the store's quota), until `total` levels
    /// were seen or a minute passes. Returns the latencies in ms and the most requests the
    /// store received in one quota window.
    async fn poll(
        self,
        http: reqwest::Client,
        sim_url: String,
        total: usize,
    ) -> anyhow::Result<(Vec<u64>, u64)> {
        let mut seen = Vec::with_capacity(total);
        let mut busiest = 0;
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
            let answer: Value = http
                .get(format!("{sim_url}/__sim/stores/{STORE_HASH}/levels"))
                .query(&[("variant_ids", ids.join(","))])
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            busiest = answer["busiest_window"].as_u64().unwrap_or(busiest);
            let mut awaited = self.awaited.lock().expect("watch lock");
            for (id, level) in answer["levels"].as_object().into_iter().flatten() {
                let Ok(id) = id.parse::<i64>() else {
                    continue;
                };
                if let Some(&(wanted, since)) = awaited.get(&id)
                    && level.as_i64() == Some(wanted)
                {
                    seen.push(since.elapsed().as_millis() as u64);
                    awaited.remove(&id);
                }
            }
        }
        Ok((seen, busiest))
    }
}
