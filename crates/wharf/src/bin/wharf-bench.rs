//! Benchmarks, as BENCHMARKS.md runs them:
//! `target/release/wharf-bench import|orders|order-latency|shipment-latency|inventory`.
//!
//! The simulator runs in a child process (this binary, re-executed), so the peak memory printed
//! is wharf's alone, and its request counters are the simulator's own.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use clap::{Parser, Subcommand};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Executor, Row};
use tempfile::TempDir;
use wharf::app::App;
use wharf::app::inventory::{StockInput, StockItemInput};
use wharf::app::vendors::AssignmentInput;
use wharf::config::Settings;
use wharf::db::inventory::{ItemKind, StoreItem};
use wharf::demo::WHARF_SCOPES;
use wharf::domain::catalog::{ImportMode, ImportStatus};
use wharf::domain::store::NewStoreInput;
use wharf::domain::vendor::VendorInput;
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::{Application, job_handlers};

const STORE_HASH: &str = "benchstore1";
const TOKEN: &str = "bench-token";

#[derive(Parser)]
#[command(name = "wharf-bench", about = "wharf's benchmarks (see BENCHMARKS.md)")]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Subcommand)]
enum Bench {
    /// Seed a catalog in the simulator and import it into a fresh database.
    Import {
        #[arg(long, default_value_t = 10_000)]
        products: usize,
        #[arg(long, default_value_t = 10)]
        variants_per_product: usize,
        /// A PostgreSQL server (a fresh database is created on it and dropped after);
        /// without it, a fresh SQLite file in a temporary directory.
        #[arg(long)]
        postgres_url: Option<String>,
        /// Simulate a store that will not inline more than N variants per product.
        #[arg(long)]
        inline_variant_cap: Option<usize>,
    },
    /// Backfill: seed orders in the simulator and read them all into a fresh database.
    Orders {
        #[arg(long, default_value_t = 10_000)]
        orders: usize,
        #[arg(long)]
        postgres_url: Option<String>,
    },
    /// Webhooks on: a shopper places orders at a steady rate; measures from each placement to
    /// its purchase order existing in wharf.
    OrderLatency {
        #[arg(long, default_value_t = 1_000)]
        orders: usize,
        /// Orders placed per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
    },
    /// Webhooks on: a vendor records shipments through the vendor API at a steady rate;
    /// measures from each call to the shipment existing in BigCommerce, and requests per shipment.
    ShipmentLatency {
        #[arg(long, default_value_t = 1_000)]
        shipments: usize,
        /// Shipments recorded per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
    },
    /// Vendor stock out: a full push of every level, a 1% delta, the latency from a vendor's
    /// update to the level in BigCommerce (wharf as deployed), and a per-variant PUT comparison.
    Inventory {
        /// Seeded as variants / 10 products × 10 variants.
        #[arg(long, default_value_t = 100_000)]
        variants: usize,
        #[arg(long, default_value_t = 1.0)]
        changed_percent: f64,
        /// Variants changed for the per-variant PUT comparison.
        #[arg(long, default_value_t = 1_000)]
        naive_sample: usize,
        /// Vendor API updates timed for latency, one SKU each.
        #[arg(long, default_value_t = 100)]
        updates: usize,
        /// Vendor API updates per second.
        #[arg(long, default_value_t = 5)]
        rate: u32,
        #[arg(long)]
        postgres_url: Option<String>,
    },
    /// (internal) The simulator process the benchmarks talk to.
    #[command(hide = true)]
    Simulator {
        #[arg(long)]
        products: usize,
        #[arg(long)]
        variants_per_product: usize,
        #[arg(long)]
        inline_variant_cap: Option<usize>,
        #[arg(long, default_value_t = 0)]
        orders: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wharf::telemetry::init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.command {
            Bench::Import {
                products,
                variants_per_product,
                postgres_url,
                inline_variant_cap,
            } => {
                bench_import(
                    products,
                    variants_per_product,
                    postgres_url,
                    inline_variant_cap,
                )
                .await
            }
            Bench::Orders {
                orders,
                postgres_url,
            } => bench_orders(orders, postgres_url).await,
            Bench::OrderLatency { orders, rate } => bench_order_latency(orders, rate).await,
            Bench::ShipmentLatency { shipments, rate } => {
                bench_shipment_latency(shipments, rate).await
            }
            Bench::Inventory {
                variants,
                changed_percent,
                naive_sample,
                updates,
                rate,
                postgres_url,
            } => {
                bench_inventory(InventoryBench {
                    variants,
                    changed_percent,
                    naive_sample,
                    updates,
                    rate,
                    postgres_url,
                })
                .await
            }
            Bench::Simulator {
                products,
                variants_per_product,
                inline_variant_cap,
                orders,
            } => serve_simulator(products, variants_per_product, inline_variant_cap, orders).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

// ---- the simulator process ------------------------------------------------------------------

async fn serve_simulator(
    products: usize,
    variants_per_product: usize,
    cap: Option<usize>,
    orders: usize,
) -> anyhow::Result<()> {
    // No quota in the way of a benchmark of request counts (the client still reads the
    // headers), and webhooks may go to wharf on 127.0.0.1.
    let simulator = Simulator::new(SimConfig {
        quota: 1_000_000,
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    });
    simulator.add_store(StoreSpec::sample(STORE_HASH));
    simulator.add_token(STORE_HASH, TOKEN, WHARF_SCOPES);
    simulator.set_inline_variant_cap(cap);
    let seeded = simulator.seed_catalog(
        STORE_HASH,
        CatalogSeed {
            products,
            variants_per_product,
        },
    );
    simulator.seed_orders(STORE_HASH, orders);
    let running = simulator.spawn("127.0.0.1:0").await?;
    println!("{} {}", running.base_url, seeded.variant_count);
    // Serve until the parent closes our stdin (or kills us).
    tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
    Ok(())
}

struct SimProcess {
    child: Child,
    base_url: String,
    variants: usize,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_simulator(
    products: usize,
    variants_per_product: usize,
    cap: Option<usize>,
    orders: usize,
) -> anyhow::Result<SimProcess> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args(["simulator", "--products", &products.to_string()]);
    command.args([
        "--variants-per-product",
        &variants_per_product.to_string(),
        "--orders",
        &orders.to_string(),
    ]);
    if let Some(cap) = cap {
        command.args(["--inline-variant-cap", &cap.to_string()]);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("simulator stdout")?).read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let base_url = parts
        .next()
        .context("the simulator printed no URL")?
        .to_owned();
    let variants = parts
        .next()
        .context("the simulator printed no variant count")?
        .parse()?;
    Ok(SimProcess {
        child,
        base_url,
        variants,
    })
}

// ---- wharf under test -------------------------------------------------------------------------

/// A fresh wharf database (SQLite in a temp dir, or a new PostgreSQL database) with the
/// simulator's store added.
struct BenchWharf {
    app: App,
    store_id: i64,
    settings: Settings,
    _dir: TempDir,
    drop_database: Option<(String, String)>,
    http: reqwest::Client,
    sim_url: String,
}

impl BenchWharf {
    async fn start(
        sim: &SimProcess,
        postgres_url: Option<&str>,
        public_url: Option<url::Url>,
    ) -> anyhow::Result<BenchWharf> {
        let dir = tempfile::tempdir()?;
        let (database_url, drop_database) = match postgres_url {
            Some(server) => {
                let name = format!("wharf_bench_{}", uuid::Uuid::new_v4().simple());
                sqlx::any::install_default_drivers();
                let mut conn = AnyConnection::connect(server)
                    .await
                    .context("connecting to PostgreSQL")?;
                conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await?;
                let mut url = url::Url::parse(server)?;
                url.set_path(&name);
                (url.to_string(), Some((server.to_owned(), name)))
            }
            None => (
                format!("sqlite://{}", dir.path().join("bench.db").display()),
                None,
            ),
        };
        let mut settings = Settings::local(
            database_url,
            dir.path().join("wharf.key"),
            sim.base_url.parse()?,
            public_url,
        );
        settings.order_poll_secs = 3600;
        let app = App::open(&settings).await?;
        let store = app
            .add_store(&NewStoreInput {
                name: "Bench".into(),
                store_url: format!("store-{STORE_HASH}.mybigcommerce.com"),
                store_hash: STORE_HASH.into(),
                client_id: "bench".into(),
                client_secret: "bench-secret".into(),
                access_token: TOKEN.into(),
                auth_type: "private".into(),
                ..NewStoreInput::default()
            })
            .await?;
        Ok(BenchWharf {
            app,
            store_id: store.id,
            settings,
            _dir: dir,
            drop_database,
            http: reqwest::Client::new(),
            sim_url: sim.base_url.clone(),
        })
    }

    /// Imports the catalog and sends every line to one vendor (the store's default). Returns
    /// the vendor's API token.
    async fn import_and_route_to_one_vendor(&self) -> anyhow::Result<String> {
        let import = self
            .app
            .start_import(self.store_id, ImportMode::Full)
            .await?;
        let worker = Worker::new(
            self.app.db.clone(),
            job_handlers(&self.app),
            WorkerConfig::default(),
        );
        while !self.app.import_view(import.run.id).await?.is_finished() {
            worker.run_due_jobs().await?;
        }
        let vendor = self
            .app
            .add_vendor(&VendorInput {
                name: "Bench Vendor".into(),
                email: String::new(),
            })
            .await?;
        self.app
            .assign(
                self.store_id,
                &AssignmentInput::Default {
                    vendor: "Bench Vendor".into(),
                },
            )
            .await?;
        Ok(secrecy::ExposeSecret::expose_secret(&vendor.api_token_once).to_owned())
    }

    async fn reset_sim_stats(&self) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/__sim/stats/reset", self.sim_url))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    async fn sim_stats(&self) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}/__sim/stats", self.sim_url))
            .send()
            .await?
            .json()
            .await?)
    }

    async fn finish(self) -> anyhow::Result<()> {
        self.app.db.close().await;
        // WHARF_BENCH_KEEP_DATABASE keeps it, for EXPLAIN ANALYZE afterwards.
        if let Some((server, name)) = self.drop_database
            && std::env::var_os("WHARF_BENCH_KEEP_DATABASE").is_none()
        {
            let mut conn = AnyConnection::connect(&server).await?;
            conn.execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .await?;
        }
        Ok(())
    }
}

fn print_requests(stats: &Value, target: Option<(u64, &str)>) {
    let total = stats["total"].as_u64().unwrap_or(0);
    match target {
        Some((target, why)) => {
            println!("  API requests       {total}  (target ≤ {target} = {why})")
        }
        None => println!("  API requests       {total}"),
    }
    for (endpoint, count) in stats["by_endpoint"].as_object().into_iter().flatten() {
        println!("    {endpoint:<40} {count}");
    }
}

// ---- benchmarks ---------------------------------------------------------------------------------

async fn bench_import(
    products: usize,
    variants_per_product: usize,
    postgres_url: Option<String>,
    cap: Option<usize>,
) -> anyhow::Result<()> {
    println!("seeding {products} products × {variants_per_product} variants in the simulator…");
    let sim = start_simulator(products, variants_per_product, cap, 0)?;
    let bench = BenchWharf::start(&sim, postgres_url.as_deref(), None).await?;
    bench.reset_sim_stats().await?;

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
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    let stored_everything = view.run.counts.products_seen as usize == products
        && view.run.counts.variants_seen as usize == sim.variants;
    bench.finish().await?;
    if !stored_everything {
        bail!("the import stored a different catalog than the simulator holds");
    }
    Ok(())
}

async fn bench_orders(orders: usize, postgres_url: Option<String>) -> anyhow::Result<()> {
    println!("seeding {orders} orders in the simulator…");
    let sim = start_simulator(200, 3, None, orders)?;
    let bench = BenchWharf::start(&sim, postgres_url.as_deref(), None).await?;
    bench.import_and_route_to_one_vendor().await?;
    bench.reset_sim_stats().await?;

    let started = Instant::now();
    let report = bench.app.poll_orders(bench.store_id).await?;
    let elapsed = started.elapsed();
    let stats = bench.sim_stats().await?;
    let routed = bench
        .app
        .list_orders(Some(bench.store_id), None, 1_000_000, 0)
        .await?;
    let with_purchase_orders = routed.iter().filter(|o| o.purchase_orders > 0).count();

    let backend = if postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let pages = orders.div_ceil(250) as u64;
    println!("order backfill benchmark ({backend})");
    println!(
        "  orders read        {} in {} pages; {} stored, {with_purchase_orders} with purchase orders",
        report.orders,
        report.pages,
        routed.len()
    );
    print_requests(
        &stats,
        Some((
            (1.05 * pages as f64).floor() as u64,
            &format!("1.05 × ⌈{orders}/250⌉"),
        )),
    );
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    bench.finish().await?;
    if routed.len() != orders {
        bail!("{} orders stored, {orders} expected", routed.len());
    }
    Ok(())
}

async fn bench_order_latency(orders: usize, rate: u32) -> anyhow::Result<()> {
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
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(-1)
    };
    println!("order latency benchmark (SQLite, webhooks on)");
    print_requests(&stats, None);
    println!("  orders routed      {} of {orders}", latencies.len());
    println!(
        "  shopper → purchase order   p50 {} ms, p99 {} ms, max {} ms",
        percentile(0.50),
        percentile(0.99),
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

type Serving = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

/// Starts wharf as deployed: HTTP and workers in one process. Returns the stop switch and the
/// server task.
fn serve(bench: &BenchWharf, listener: std::net::TcpListener) -> anyhow::Result<Serving> {
    let server = Application::on_listener(
        bench.app.clone(),
        listener,
        Some(bench.settings.worker_config()),
    )?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    Ok((stop, serving))
}

/// Starts wharf as deployed (HTTP with the webhook receiver, and workers, in one process) and
/// registers the store's webhooks. Returns the stop switch and the server task.
async fn serve_with_webhooks(
    bench: &BenchWharf,
    listener: std::net::TcpListener,
) -> anyhow::Result<Serving> {
    let (stop, serving) = serve(bench, listener)?;
    bench.app.connect_store(bench.store_id).await?; // registers the webhooks (a job)
    let hooks_deadline = Instant::now() + Duration::from_secs(30);
    while bench.sim_stats().await?["by_endpoint"]["POST /v3/hooks"]
        .as_u64()
        .unwrap_or(0)
        < wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64
    {
        if Instant::now() > hooks_deadline {
            bail!("the webhooks were not registered");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((stop, serving))
}

async fn bench_shipment_latency(shipments: usize, rate: u32) -> anyhow::Result<()> {
    let sim = start_simulator(200, 3, None, shipments)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, None, Some(address.parse()?)).await?;
    let token = bench.import_and_route_to_one_vendor().await?;
    bench.app.poll_orders(bench.store_id).await?;
    let (stop, serving) = serve_with_webhooks(&bench, listener).await?;

    // One shipment per purchase order, of everything on it, through the vendor API.
    let purchase_orders: Vec<Value> = bench
        .http
        .get(format!("{address}/vendor-api/v1/purchase-orders"))
        .bearer_auth(&token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if purchase_orders.len() < shipments {
        bail!(
            "{} purchase orders to ship, {shipments} wanted",
            purchase_orders.len()
        );
    }
    bench.reset_sim_stats().await?;
    println!("recording {shipments} shipments at {rate}/s through the vendor API, webhooks on…");
    let started = Instant::now();
    let mut recorded_at: HashMap<i64, i64> = HashMap::new();
    let gap = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut next = Instant::now();
    for (n, po) in purchase_orders.iter().take(shipments).enumerate() {
        tokio::time::sleep_until(next.into()).await;
        next += gap;
        let lines: Vec<Value> = po["lines"]
            .as_array()
            .context("purchase order lines")?
            .iter()
            .map(|l| json!({ "line_id": l["order_line_id"], "quantity": l["quantity"] }))
            .collect();
        let body = json!({ "tracking_number": format!("1ZBENCH{n:08}"), "carrier": "UPS", "lines": lines });
        let t0 = wharf::db::now_ms();
        let shipment: Value = bench
            .http
            .post(format!(
                "{address}/vendor-api/v1/purchase-orders/{}/shipments",
                po["id"]
            ))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        recorded_at.insert(shipment["id"].as_i64().context("shipment id")?, t0);
    }
    // A part turns `created` when BigCommerce's 201 is stored: the shipment existed a moment
    // earlier, so these latencies are upper bounds.
    let deadline = Instant::now() + Duration::from_secs(120);
    let latencies = loop {
        let rows = sqlx::query(
            "SELECT shipment_id, MAX(updated_at) AS created_at FROM shipment_parts
             WHERE state = 'created' GROUP BY shipment_id",
        )
        .fetch_all(bench.app.db.pool())
        .await?;
        let pending: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM jobs WHERE status IN ('pending', 'running')")
                .fetch_one(bench.app.db.pool())
                .await?
                .get("n");
        let done = rows.len() >= shipments && pending == 0;
        if done || Instant::now() > deadline {
            let mut latencies: Vec<i64> = rows
                .iter()
                .filter_map(|r| {
                    recorded_at
                        .get(&r.get::<i64, _>("shipment_id"))
                        .map(|t0| r.get::<i64, _>("created_at") - t0)
                })
                .collect();
            latencies.sort_unstable();
            break latencies;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let elapsed = started.elapsed();
    // The webhook echoes of wharf's own shipments are recognised without a request; give them
    // their delay to arrive and be handled before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stats = bench.sim_stats().await?;
    let _ = stop.send(());
    let _ = serving.await;
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(-1)
    };
    let total = stats["total"].as_u64().unwrap_or(0);
    println!("shipment latency benchmark (SQLite, webhooks on)");
    println!("  shipments pushed   {} of {shipments}", latencies.len());
    println!(
        "  vendor API call → shipment in BigCommerce   p50 {} ms, p99 {} ms, max {} ms",
        percentile(0.50),
        percentile(0.99),
        latencies.last().copied().unwrap_or(-1)
    );
    print_requests(&stats, None);
    println!(
        "  per shipment       {:.2} requests",
        total as f64 / shipments.max(1) as f64
    );
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    bench.finish().await?;
    if latencies.len() != shipments {
        bail!(
            "{} of {shipments} shipments reached BigCommerce within two minutes",
            latencies.len()
        );
    }
    Ok(())
}

// ---- inventory ----------------------------------------------------------------------------------

struct InventoryBench {
    variants: usize,
    changed_percent: f64,
    naive_sample: usize,
    updates: usize,
    rate: u32,
    postgres_url: Option<String>,
}

/// The default location, where every warehouse publishes unless mapped elsewhere.
const LOCATION_ID: u64 = 1;
/// BigCommerce's limit of items per adjustment request.
const ITEMS_PER_ADJUSTMENT: usize = bigcommerce::MAX_ADJUSTMENT_ITEMS;

/// The stock the benchmark reported for the vendor, and what wharf should publish from it,
/// worked out independently of wharf's own code so the simulator's levels can be checked.
struct StockPlan {
    /// The store's tracked items, as wharf stored them at import.
    items: Vec<StoreItem>,
    /// Every seeded SKU, sorted: the order the benchmark picks changes in.
    skus: Vec<String>,
    quantities: HashMap<String, i64>,
    /// SKU → the one item it names; a SKU naming two items (a seeded duplicate) is ambiguous,
    /// and wharf publishes nothing for it.
    owner: HashMap<String, usize>,
}

impl StockPlan {
    async fn new(bench: &BenchWharf) -> anyhow::Result<StockPlan> {
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

    fn expected_levels(&self) -> Vec<Option<i64>> {
        (0..self.items.len()).map(|i| self.expected(i)).collect()
    }

    /// The items wharf publishes a level for.
    fn published(&self) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.expected(i).is_some())
            .collect()
    }

    /// Variants whose one SKU names them alone: a change to that SKU moves exactly one level.
    fn plain_variants(&self) -> Vec<usize> {
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

    fn sku_of(&self, index: usize) -> &str {
        self.items[index].skus[0].trim()
    }

    fn apply(&mut self, changes: &[(String, i64)]) {
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

async fn bench_vendor_id(bench: &BenchWharf) -> anyhow::Result<i64> {
    Ok(
        sqlx::query("SELECT id FROM vendors WHERE name = 'Bench Vendor'")
            .fetch_one(bench.app.db.pool())
            .await?
            .get("id"),
    )
}

/// Sets stock as the vendor API would, at most 10,000 items per call (its limit).
async fn set_stock(
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

fn on_hand_at_default_location(item: &Value) -> Option<i64> {
    item["locations"]
        .as_array()?
        .iter()
        .find(|l| l["location_id"].as_u64() == Some(LOCATION_ID))?["total_inventory_onhand"]
        .as_i64()
}

/// Checks the simulator's levels of the given items against the plan; prints and fails on a
/// difference.
async fn verify_levels(
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

async fn bench_inventory(args: InventoryBench) -> anyhow::Result<()> {
    let products = args.variants.div_ceil(10);
    println!("seeding {products} products × 10 variants in the simulator…");
    let sim = start_simulator(products, 10, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let address = format!("http://{}", listener.local_addr()?);
    let bench = BenchWharf::start(&sim, args.postgres_url.as_deref(), None).await?;
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
    full_push(&bench, &plan).await?;
    let delta = delta_push(&bench, &mut plan, vendor_id, args.changed_percent).await?;
    naive_comparison(&bench, &mut plan, vendor_id, args.naive_sample).await?;
    let latency = Latency {
        updates: args.updates,
        rate: args.rate,
        address,
        token,
        delta,
    };
    push_latency(&bench, &plan, listener, &latency).await?;
    bench.finish().await
}

/// A fresh wharf's first push: nothing confirmed yet, so every level goes.
async fn full_push(bench: &BenchWharf, plan: &StockPlan) -> anyhow::Result<()> {
    let published = plan.published();
    bench.reset_sim_stats().await?;
    reset_peak_rss();
    let started = Instant::now();
    let report = bench.app.push_inventory(bench.store_id, false).await?;
    let elapsed = started.elapsed();
    let stats = bench.sim_stats().await?;
    println!("full push (nothing confirmed yet)");
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
    println!(
        "  wall time          {:.2} s  (target ≤ 30 s)",
        elapsed.as_secs_f64()
    );
    println!("  peak RSS (push)    {}", peak_rss());
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

/// Changes `percent` of the SKUs (every fifth of them to 0) and pushes what changed. Returns
/// the push's wall time.
async fn delta_push(
    bench: &BenchWharf,
    plan: &mut StockPlan,
    vendor_id: i64,
    percent: f64,
) -> anyhow::Result<Duration> {
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
    let started = Instant::now();
    let report = bench.app.push_inventory(bench.store_id, false).await?;
    let elapsed = started.elapsed();
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
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    verify_levels(bench, plan, &changed).await?;
    if report.pushed != changed.len() {
        bail!("{} levels pushed, {} changed", report.pushed, changed.len());
    }
    Ok(elapsed)
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

struct Latency {
    updates: usize,
    rate: u32,
    /// wharf's HTTP address, for the vendor API.
    address: String,
    /// The vendor's API token.
    token: String,
    /// The delta push's wall time: what a push of a few levels costs wharf.
    delta: Duration,
}

/// wharf as deployed (HTTP and workers): a vendor updates one SKU at a time through the
/// vendor API at a steady rate; measures from each call to the level showing in the simulator.
async fn push_latency(
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
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or(0)
    };
    println!(
        "latency, vendor update → level in BigCommerce (inventory_push_delay_ms = {})",
        bench.settings.inventory_push_delay_ms
    );
    println!(
        "  levels visible     {} of {}",
        latencies.len(),
        targets.len()
    );
    println!(
        "  vendor API call → level in simulator   p50 {} ms, p99 {} ms, max {} ms",
        percentile(0.50),
        percentile(0.99),
        latencies.last().copied().unwrap_or(0)
    );
    println!(
        "  dominant term: the {} ms coalescing delay (a push waits for more changes); then up to \
         the worker's 500 ms poll, and the push (one request; ~{:.2} s like the delta push, as it \
         works out every level to find the changed ones). An update arriving during a push waits \
         for the next one.",
        bench.settings.inventory_push_delay_ms,
        run.delta.as_secs_f64()
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

/// Resets this process's peak RSS (Linux ≥ 4.0), so the next figure is the phase's own and
/// not the import's; harmless where unsupported.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Peak resident set size of this process (VmHWM), as the kernel reports it.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let kib: u64 = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(format!("{:.1} MB", kib as f64 / 1024.0))
        })
        .unwrap_or_else(|| "unknown (no /proc/self/status)".into())
}
