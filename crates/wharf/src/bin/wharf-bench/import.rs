//! `wharf-bench import`: a seeded catalog imported into a fresh database, its requests against
//! the target, wall time and peak memory.

use std::time::{Duration, Instant};

use anyhow::bail;
use wharf::domain::catalog::{ImportMode, ImportStatus};
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::job_handlers;

use crate::figures::{Database, Figures, Workload};
use crate::harness::{BenchWharf, print_bytes_received, print_requests, start_simulator};
use crate::measure::{cpu_time, peak_rss, peak_rss_mb};

pub(crate) async fn bench_import(
    products: usize,
    variants_per_product: usize,
    postgres_url: Option<String>,
    cap: Option<usize>,
) -> anyhow::Result<()> {
    println!("seeding {products} products × {variants_per_product} variants in the simulator…");
    let sim = start_simulator(products, variants_per_product, cap, 0)?;
    let bench = BenchWharf::start(&sim, postgres_url.as_deref(), None).await?;
    bench.reset_sim_stats().await?;

    let cpu_before = cpu_time();
    let started = Instant::now();
    let import = bench
        .app
        .start_import(bench.store_id, ImportMode::Full)
        .await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = Worker::new(
        bench.app.db.clone(),
        job_handlers(&bench.app),
        WorkerConfig {
            poll_interval: Duration::from_millis(20),
            ..WorkerConfig::default()
        },
    );
    let worker = tokio::spawn(worker.run(stopped));
    let view = loop {
        let view = bench.app.import_view(import.run.id).await?;
        if view.is_finished() {
            break view;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let elapsed = started.elapsed();
    let cpu = cpu_time().saturating_sub(cpu_before);
    let _ = stop.send(true);
    worker.await?;
    if view.run.status != ImportStatus::Completed {
        bail!("the import failed: {:?}", view.run.last_error);
    }

    let stats = bench.sim_stats().await?;
    let product_pages = products.div_ceil(250) as u64;
    let brand_pages = stats["by_endpoint"]["GET /v3/catalog/brands"]
        .as_u64()
        .unwrap_or(0);
    let target = (1.05 * product_pages as f64).floor() as u64 + brand_pages;
    let backend = if postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("import benchmark ({backend})");
    println!(
        "  catalog            {products} products, {} variants{}",
        sim.variants,
        cap.map(|c| format!(", inline variant cap {c}"))
            .unwrap_or_default()
    );
    println!(
        "  stored             {} products, {} variants, {} issues",
        view.run.counts.products_seen, view.run.counts.variants_seen, view.issue_count
    );
    let why = format!("1.05 × {product_pages} product pages + {brand_pages} brand pages");
    print_requests(&stats, Some((target, &why)));
    print_bytes_received(&stats);
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    Figures {
        workload: Workload::Import,
        database: Database::of(postgres_url.as_deref()),
        size: products as u64,
        items: view.run.counts.variants_seen as u64,
        requests: stats["total"].as_u64().unwrap_or(0),
        wall_secs: elapsed.as_secs_f64(),
        cpu_secs: cpu.as_secs_f64(),
        peak_rss_mb: peak_rss_mb(),
    }
    .print();
    let stored_everything = view.run.counts.products_seen as usize == products
        && view.run.counts.variants_seen as usize == sim.variants;
    bench.finish().await?;
    if !stored_everything {
        bail!("the import stored a different catalog than the simulator holds");
    }
    Ok(())
}
