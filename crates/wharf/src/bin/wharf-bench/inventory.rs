//! `wharf-bench inventory`: a full push of every level (in a process of its own, `process`), a
//! small delta, the same change as per-variant PUTs, the latency from a vendor's update to
//! BigCommerce (`latency`) and the Inventory page's reads (`page`); the stock the benchmark
//! reports and the levels it expects are in `plan`.

mod latency;
mod page;
mod plan;
mod process;

use std::time::Instant;

use anyhow::bail;

use crate::figures::{Database, Figures, Workload};
use crate::harness::{BenchWharf, print_requests, start_simulator};
use crate::measure::{cpu_time, peak_rss};
use latency::{Latency, push_latency};
use page::page_reads;
use plan::{StockPlan, bench_vendor_id, set_stock, verify_levels};
use process::push_in_child;
pub(crate) use process::run_inventory_push;

/// A part of the benchmark `--phases` can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum InventoryPhase {
    Full,
    Delta,
    Naive,
    Latency,
    Page,
}

pub(crate) struct InventoryBench {
    pub(crate) products: usize,
    pub(crate) variants_per_product: usize,
    pub(crate) phases: Vec<InventoryPhase>,
    pub(crate) changed_percent: f64,
    pub(crate) naive_sample: usize,
    pub(crate) updates: usize,
    pub(crate) rate: u32,
    pub(crate) latency_quota: u32,
    pub(crate) postgres_url: Option<String>,
}

/// The default location, where every warehouse publishes unless mapped elsewhere.
const LOCATION_ID: u64 = 1;
/// BigCommerce's limit of items per adjustment request.
const ITEMS_PER_ADJUSTMENT: usize = bigcommerce::MAX_ADJUSTMENT_ITEMS;

pub(crate) async fn bench_inventory(args: InventoryBench) -> anyhow::Result<()> {
    let products = args.products;
    let per_product = args.variants_per_product;
    let runs = |phase| args.phases.contains(&phase);
    println!("seeding {products} products × {per_product} variants in the simulator…");
    let sim = start_simulator(products, per_product, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, args.postgres_url.as_deref(), None).await?;
    // Stock changes republish connected stores only: without Connect the latency phase
    // would wait for pushes nobody queues.
    bench.app.connect_store(bench.store_id).await?;
    let token = bench.import_and_route_to_one_vendor().await?;
    let vendor_id = bench_vendor_id(&bench).await?;
    let mut plan = StockPlan::new(&bench).await?;
    println!(
        "importing done; setting stock for {} SKUs…",
        plan.skus.len()
    );
    let everything: Vec<(String, i64)> = plan
        .skus
        .iter()
        .map(|s| (s.clone(), plan.quantities[s]))
        .collect();
    set_stock(&bench, vendor_id, &everything).await?;

    let backend = if args.postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("inventory benchmark ({backend})");
    println!(
        "  catalog            {products} products, {} variants; {} SKUs reported, {} of {} tracked items published",
        sim.variants,
        plan.skus.len(),
        plan.published().len(),
        plan.items.len()
    );
    println!(
        "  peak RSS (import and stock set, before the push)   {}",
        peak_rss()
    );
    let database = Database::of(args.postgres_url.as_deref());
    let after_full = [
        InventoryPhase::Delta,
        InventoryPhase::Naive,
        InventoryPhase::Latency,
    ];
    if runs(InventoryPhase::Full) || after_full.iter().any(|&p| runs(p)) {
        full_push(&bench, &plan, database, products * per_product).await?;
    }
    if runs(InventoryPhase::Delta) {
        delta_push(&bench, &mut plan, vendor_id, args.changed_percent).await?;
    }
    if runs(InventoryPhase::Naive) {
        naive_comparison(&bench, &mut plan, vendor_id, args.naive_sample).await?;
    }
    if runs(InventoryPhase::Page) {
        page_reads(&bench, vendor_id).await?;
    }
    if runs(InventoryPhase::Latency) {
        let latency = Latency {
            updates: args.updates,
            rate: args.rate,
            quota: args.latency_quota,
            address,
            token,
        };
        push_latency(&bench, &plan, listener, &latency).await?;
    }
    bench.finish().await
}

/// A push's own time: its wall time less what it spent awaiting BigCommerce's answers.
fn print_push_times(wall_ms: u64, waited_ms: u64, cpu_ms: u64, target: Option<&str>) {
    let target = target.map_or(String::new(), |t| format!("  (target {t})"));
    println!("  wall time          {:.2} s", wall_ms as f64 / 1000.0);
    println!(
        "  wharf time         {:.3} s  (wall time less {:.3} s awaiting the simulator's answers){target}",
        wall_ms.saturating_sub(waited_ms) as f64 / 1000.0,
        waited_ms as f64 / 1000.0
    );
    println!("  cpu time (wharf)   {:.2} s", cpu_ms as f64 / 1000.0);
}

/// A fresh wharf's first push: nothing confirmed yet, so every level goes. It runs in a
/// process of its own, so that its memory is the push's and not the seeding's.
async fn full_push(
    bench: &BenchWharf,
    plan: &StockPlan,
    database: Database,
    variants: usize,
) -> anyhow::Result<()> {
    let published = plan.published();
    bench.reset_sim_stats().await?;
    let report = push_in_child(bench)?;
    let stats = bench.sim_stats().await?;
    println!("full push (nothing confirmed yet; in a process of its own, as a worker runs it)");
    println!(
        "  levels pushed      {} of {} ({} refused)",
        report.pushed,
        published.len(),
        report.refused
    );
    let target = published.len().div_ceil(ITEMS_PER_ADJUSTMENT) as u64;
    let why = format!(
        "⌈{} / {ITEMS_PER_ADJUSTMENT}⌉ at 1 location",
        published.len()
    );
    print_requests(&stats, Some((target, &why)));
    print_push_times(
        report.wall_ms,
        report.waited_ms,
        report.cpu_ms,
        Some("≤ 3 s"),
    );
    println!(
        "  peak RSS (push)    {:.1} MB  (the push's process; {:.1} MB once it opened the database)",
        report.peak_rss_kib as f64 / 1024.0,
        report.rss_before_kib as f64 / 1024.0
    );
    Figures {
        workload: Workload::FullPush,
        database,
        size: variants as u64,
        items: report.pushed as u64,
        requests: stats["total"].as_u64().unwrap_or(0),
        wall_secs: report.wall_ms as f64 / 1000.0,
        cpu_secs: report.cpu_ms as f64 / 1000.0,
        peak_rss_mb: Some(report.peak_rss_kib as f64 / 1024.0),
    }
    .print();
    // About 1,000 levels spread over the catalog, both kinds of item.
    let step = (published.len() / 1_000).max(1);
    let sample: Vec<usize> = published.iter().step_by(step).copied().collect();
    verify_levels(bench, plan, &sample).await?;
    if report.pushed != published.len() || report.refused > 0 {
        bail!(
            "{} levels pushed and {} refused, {} expected pushed",
            report.pushed,
            report.refused,
            published.len()
        );
    }
    Ok(())
}

/// Changes `percent` of the SKUs (every fifth of them to 0) and pushes what changed.
async fn delta_push(
    bench: &BenchWharf,
    plan: &mut StockPlan,
    vendor_id: i64,
    percent: f64,
) -> anyhow::Result<()> {
    let step = (100.0 / percent.max(0.001)).round().max(1.0) as usize;
    let changes: Vec<(String, i64)> = plan
        .skus
        .iter()
        .step_by(step)
        .enumerate()
        .map(|(n, sku)| {
            let old = plan.quantities[sku];
            let new = if n % 5 == 0 && old != 0 { 0 } else { old + 11 };
            (sku.clone(), new)
        })
        .collect();
    let before = plan.expected_levels();
    plan.apply(&changes);
    let changed: Vec<usize> = plan
        .expected_levels()
        .iter()
        .zip(&before)
        .enumerate()
        .filter(|(_, (after, before))| after != before)
        .map(|(i, _)| i)
        .collect();
    set_stock(bench, vendor_id, &changes).await?;

    bench.reset_sim_stats().await?;
    let cpu_before = cpu_time();
    let started = Instant::now();
    let report = bench.app.push_inventory(bench.store_id, false).await?;
    let wall_ms = started.elapsed().as_millis() as u64;
    let cpu_ms = cpu_time().saturating_sub(cpu_before).as_millis() as u64;
    let stats = bench.sim_stats().await?;
    println!(
        "delta push ({} SKUs changed = {percent}%, {} levels changed)",
        changes.len(),
        changed.len()
    );
    println!("  levels pushed      {}", report.pushed);
    let target = changed.len().div_ceil(ITEMS_PER_ADJUSTMENT) as u64;
    let why = format!("⌈{} / {ITEMS_PER_ADJUSTMENT}⌉", changed.len());
    print_requests(&stats, Some((target, &why)));
    print_push_times(wall_ms, report.waited_ms, cpu_ms, Some("≤ 0.150 s"));
    verify_levels(bench, plan, &changed).await?;
    if report.pushed != changed.len() {
        bail!("{} levels pushed, {} changed", report.pushed, changed.len());
    }
    Ok(())
}

/// The same change to `sample` variants two ways: one catalog variant PUT each (what an
/// integration without the Inventory API does) against wharf's absolute adjustments.
async fn naive_comparison(
    bench: &BenchWharf,
    plan: &mut StockPlan,
    vendor_id: i64,
    sample: usize,
) -> anyhow::Result<()> {
    let variants = plan.plain_variants();
    let step = (variants.len() / sample.max(1)).max(1);
    let chosen: Vec<usize> = variants.into_iter().step_by(step).take(sample).collect();
    let changes: Vec<(String, i64)> = chosen
        .iter()
        .map(|&i| {
            let sku = plan.sku_of(i).to_owned();
            let new = plan.quantities[&sku] + 5;
            (sku, new)
        })
        .collect();
    plan.apply(&changes);
    set_stock(bench, vendor_id, &changes).await?;

    bench.reset_sim_stats().await?;
    let report = bench.app.push_inventory(bench.store_id, false).await?;
    let stats = bench.sim_stats().await?;
    let wharf_requests = stats["total"].as_u64().unwrap_or(0);
    println!("the same change to {} variants, two ways", chosen.len());
    // The simulator implements no variant PUT (its catalog routes are reads), so the naive
    // side is counted, not sent: one request per variant is what that API takes.
    println!(
        "  per-variant PUT /v3/catalog/products/{{id}}/variants/{{id}}   {} requests (counted, not sent: the simulator has no variant PUT)",
        chosen.len()
    );
    println!(
        "  wharf, PUT /v3/inventory/adjustments/absolute            {wharf_requests} requests (measured; {} levels pushed)",
        report.pushed
    );
    verify_levels(bench, plan, &chosen).await?;
    Ok(())
}
