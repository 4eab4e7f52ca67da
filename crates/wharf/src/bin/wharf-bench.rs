//! Benchmarks, as BENCHMARKS.md runs them: `cargo run --release --bin wharf-bench -- import …`.
//!
//! The simulator runs in a child process (this binary, re-executed), so the peak memory printed
//! is wharf's alone, and its request counters are the simulator's own.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use clap::{Parser, Subcommand};
use serde_json::Value;
use sqlx::{AnyConnection, Connection, Executor};
use wharf::app::App;
use wharf::config::Settings;
use wharf::demo::WHARF_SCOPES;
use wharf::domain::catalog::{ImportMode, ImportStatus};
use wharf::domain::store::NewStoreInput;
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::job_handlers;

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
    /// (internal) The simulator process the benchmarks talk to.
    #[command(hide = true)]
    Simulator {
        #[arg(long)]
        products: usize,
        #[arg(long)]
        variants_per_product: usize,
        #[arg(long)]
        inline_variant_cap: Option<usize>,
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
            Bench::Simulator {
                products,
                variants_per_product,
                inline_variant_cap,
            } => serve_simulator(products, variants_per_product, inline_variant_cap).await,
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

async fn serve_simulator(
    products: usize,
    variants_per_product: usize,
    cap: Option<usize>,
) -> anyhow::Result<()> {
    // No quota in the way of a benchmark of request counts; the client still reads the headers.
    let simulator = Simulator::new(SimConfig {
        quota: 1_000_000,
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
) -> anyhow::Result<SimProcess> {
    let mut command = Command::new(std::env::current_exe()?);
    command.args([
        "simulator",
        "--products",
        &products.to_string(),
        "--variants-per-product",
        &variants_per_product.to_string(),
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

async fn bench_import(
    products: usize,
    variants_per_product: usize,
    postgres_url: Option<String>,
    cap: Option<usize>,
) -> anyhow::Result<()> {
    println!("seeding {products} products × {variants_per_product} variants in the simulator…");
    let sim = start_simulator(products, variants_per_product, cap)?;
    let dir = tempfile::tempdir()?;
    let (database_url, drop_database) = match &postgres_url {
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
            (url.to_string(), Some((server.clone(), name)))
        }
        None => (
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            None,
        ),
    };
    let settings = Settings {
        database_url: database_url.clone(),
        secret_key: None,
        secret_key_file: Some(dir.path().join("wharf.key")),
        bigcommerce_api_base: sim.base_url.parse()?,
        job_lease_secs: 60,
        order_poll_secs: 60,
        public_url: None,
    };
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
    let http = reqwest::Client::new();
    http.post(format!("{}/__sim/stats/reset", sim.base_url))
        .send()
        .await?
        .error_for_status()?;

    let started = Instant::now();
    let import = app.start_import(store.id, ImportMode::Full).await?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = Worker::new(
        app.db.clone(),
        job_handlers(&app),
        WorkerConfig {
            poll_interval: Duration::from_millis(20),
            ..WorkerConfig::default()
        },
    );
    let worker = tokio::spawn(worker.run(stopped));
    let view = loop {
        let view = app.import_view(import.run.id).await?;
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

    let stats: Value = http
        .get(format!("{}/__sim/stats", sim.base_url))
        .send()
        .await?
        .json()
        .await?;
    let requests = stats["total"].as_u64().unwrap_or(0);
    let by_endpoint = &stats["by_endpoint"];
    let product_pages = products.div_ceil(250) as u64;
    let brand_pages = by_endpoint["GET /v3/catalog/brands"].as_u64().unwrap_or(0);
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
    println!(
        "  API requests       {requests}  (target ≤ {target} = 1.05 × {product_pages} product pages + {brand_pages} brand pages)"
    );
    for (endpoint, count) in by_endpoint.as_object().into_iter().flatten() {
        println!("    {endpoint:<36} {count}");
    }
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!(
        "  peak RSS (wharf)   {}",
        peak_rss().unwrap_or_else(|| "unknown (no /proc/self/status)".into())
    );

    app.db.close().await;
    if let Some((server, name)) =
        drop_database.filter(|_| std::env::var_os("WHARF_BENCH_KEEP_DATABASE").is_none())
    {
        let mut conn = AnyConnection::connect(&server).await?;
        conn.execute(sqlx::AssertSqlSafe(format!(
            "DROP DATABASE IF EXISTS {name}"
        )))
        .await?;
    }
    if view.run.counts.products_seen as usize != products
        || view.run.counts.variants_seen as usize != sim.variants
    {
        bail!("the import stored a different catalog than the simulator holds");
    }
    Ok(())
}

/// Peak resident set size of this process (VmHWM), as the kernel reports it.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.1} MB", kib as f64 / 1024.0))
}
