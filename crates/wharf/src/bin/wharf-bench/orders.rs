//! Orders in: `wharf-bench orders` (a backfill of seeded orders by one poll) and
//! `wharf-bench order-latency` (orders placed at a steady rate, webhooks on, timed to their
//! purchase orders).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::Row;

use crate::figures::{Database, Figures, Workload};
use crate::harness::{
    BenchWharf, SimProcess, print_bytes_received, print_requests, serve_with_webhooks,
    start_simulator,
};
use crate::measure::{cpu_time, peak_rss, peak_rss_mb, percentile, reset_peak_rss};
use crate::{STORE_HASH, TOKEN};

pub(crate) async fn bench_orders(
    orders: usize,
    postgres_url: Option<String>,
    both: bool,
) -> anyhow::Result<()> {
    println!("seeding {orders} orders in the simulator…");
    let sim = start_simulator(200, 3, None, orders)?;
    if !both {
        backfill(&sim, orders, postgres_url.as_deref()).await?;
        return Ok(());
    }
    let server = postgres_url.context("--both needs --postgres-url")?;
    let sqlite = backfill(&sim, orders, None).await?;
    reset_peak_rss();
    let postgres = backfill(&sim, orders, Some(&server)).await?;
    println!(
        "PostgreSQL / SQLite  {:.2} × the wall time, {:.2} × the CPU time  (target ≤ 1.5)",
        postgres.wall.as_secs_f64() / sqlite.wall.as_secs_f64(),
        postgres.cpu.as_secs_f64() / sqlite.cpu.as_secs_f64().max(0.01)
    );
    Ok(())
}

/// How long a backfill took: wall time, and this process's CPU time (wharf's own work).
struct Timing {
    wall: Duration,
    cpu: Duration,
}

/// One backfill of the simulator's orders into a fresh database (PostgreSQL on `postgres_url`,
/// else SQLite), by one poll, with its figures printed.
async fn backfill(
    sim: &SimProcess,
    orders: usize,
    postgres_url: Option<&str>,
) -> anyhow::Result<Timing> {
    let bench = BenchWharf::start(sim, postgres_url, None).await?;
    bench.import_and_route_to_one_vendor().await?;
    bench.reset_sim_stats().await?;

    let cpu_before = cpu_time();
    let started = Instant::now();
    let report = bench.app.poll_orders(bench.store_id).await?;
    let timing = Timing {
        wall: started.elapsed(),
        cpu: cpu_time().saturating_sub(cpu_before),
    };
    let stats = bench.sim_stats().await?;
    // Counted in SQL: at 100k orders a list of them would be most of the process's memory.
    let counts = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM orders) AS stored,
                (SELECT COUNT(DISTINCT order_id) FROM purchase_orders) AS routed",
    )
    .fetch_one(bench.app.db.pool())
    .await?;
    let stored = counts.get::<i64, _>("stored") as usize;
    let with_purchase_orders: i64 = counts.get("routed");

    let backend = if postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let pages = orders.div_ceil(250) as u64;
    println!("order backfill benchmark ({backend})");
    println!(
        "  orders read        {} in {} pages; {stored} stored, {with_purchase_orders} with purchase orders",
        report.orders, report.pages,
    );
    print_requests(
        &stats,
        Some((
            (1.05 * pages as f64).floor() as u64,
            &format!("1.05 × ⌈{orders}/250⌉"),
        )),
    );
    print_bytes_received(&stats);
    println!("  wall time          {:.2} s", timing.wall.as_secs_f64());
    println!("  CPU time (wharf)   {:.2} s", timing.cpu.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    Figures {
        workload: Workload::Orders,
        database: Database::of(postgres_url),
        size: orders as u64,
        items: stored as u64,
        requests: stats["total"].as_u64().unwrap_or(0),
        wall_secs: timing.wall.as_secs_f64(),
        cpu_secs: timing.cpu.as_secs_f64(),
        peak_rss_mb: peak_rss_mb(),
    }
    .print();
    bench.finish().await?;
    if stored != orders {
        bail!("{stored} orders stored, {orders} expected");
    }
    Ok(timing)
}

pub(crate) async fn bench_order_latency(orders: usize, rate: u32) -> anyhow::Result<()> {
    let sim = start_simulator(200, 3, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let public_url: url::Url = format!("http://{}", listener.local_addr()?).parse()?;
    let bench = BenchWharf::start(&sim, None, Some(public_url)).await?;
    bench.import_and_route_to_one_vendor().await?;

    // wharf as deployed: HTTP (the webhook receiver) and workers in one process.
    let (stop, serving) = serve_with_webhooks(&bench, listener).await?;
    let products: Value = bench
        .http
        .get(format!(
            "{}/stores/{STORE_HASH}/v3/catalog/products?include=variants&limit=50",
            sim.base_url
        ))
        .header("X-Auth-Token", TOKEN)
        .send()
        .await?
        .json()
        .await?;
    let lines: Vec<(u64, u64)> = products["data"]
        .as_array()
        .context("catalog")?
        .iter()
        .map(|p| {
            (
                p["id"].as_u64().unwrap_or(0),
                p["variants"][0]["id"].as_u64().unwrap_or(0),
            )
        })
        .collect();

    bench.reset_sim_stats().await?;
    println!("placing {orders} orders at {rate}/s with webhooks on…");
    let mut placed_at: HashMap<i64, i64> = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut next = Instant::now();
    for n in 0..orders {
        tokio::time::sleep_until(next.into()).await;
        next += gap;
        let (product_id, variant_id) = lines[n % lines.len()];
        let body = json!({ "lines": [{ "product_id": product_id, "variant_id": variant_id, "quantity": 1 }] });
        let t0 = wharf::db::now_ms();
        let order: Value = bench
            .http
            .post(format!("{}/__sim/stores/{STORE_HASH}/orders", sim.base_url))
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        placed_at.insert(order["id"].as_i64().context("order id")?, t0);
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let latencies = loop {
        let rows = sqlx::query(
            "SELECT b.external_id, MIN(po.created_at) AS routed_at FROM purchase_orders po
             JOIN bindings b ON b.kind = 'order' AND b.local_id = po.order_id GROUP BY b.external_id",
        )
        .fetch_all(bench.app.db.pool())
        .await?;
        if rows.len() >= orders || Instant::now() > deadline {
            let mut latencies: Vec<i64> = rows
                .iter()
                .filter_map(|r| {
                    placed_at
                        .get(&r.get::<i64, _>("external_id"))
                        .map(|t0| r.get::<i64, _>("routed_at") - t0)
                })
                .collect();
            latencies.sort_unstable();
            break latencies;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let stats = bench.sim_stats().await?;
    let _ = stop.send(());
    let _ = serving.await;
    let quantile = |p: f64| percentile(&latencies, p).unwrap_or(-1);
    println!("order latency benchmark (SQLite, webhooks on)");
    print_requests(&stats, None);
    println!("  orders routed      {} of {orders}", latencies.len());
    println!(
        "  shopper → purchase order   p50 {} ms, p99 {} ms, max {} ms",
        quantile(0.50),
        quantile(0.99),
        latencies.last().copied().unwrap_or(-1)
    );
    println!("  peak RSS (wharf)   {}", peak_rss());
    bench.finish().await?;
    if latencies.len() != orders {
        bail!(
            "{} of {orders} orders were routed within a minute",
            latencies.len()
        );
    }
    Ok(())
}
