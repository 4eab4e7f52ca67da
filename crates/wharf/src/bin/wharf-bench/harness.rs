//! What every benchmark shares: the simulator's child process, a fresh wharf with the store
//! added (`BenchWharf`), wharf served as deployed, and the request and memory figures printed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use serde_json::Value;
use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use wharf::app::App;
use wharf::app::vendors::AssignmentInput;
use wharf::config::Settings;
use wharf::demo::WHARF_SCOPES;
use wharf::domain::catalog::ImportMode;
use wharf::domain::store::NewStoreInput;
use wharf::domain::vendor::VendorInput;
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::{Application, job_handlers};

use crate::{STORE_HASH, TOKEN};

pub(crate) async fn serve_simulator(
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

pub(crate) struct SimProcess {
    child: Child,
    pub(crate) base_url: String,
    pub(crate) variants: usize,
}

impl SimProcess {
    /// The process id, for its CPU time.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_simulator(
    products: usize,
    variants_per_product: usize,
    cap: Option<usize>,
    orders: usize,
) -> anyhow::Result<SimProcess> {
    let mut args = vec![
        "simulator".to_owned(),
        "--products".to_owned(),
        products.to_string(),
        "--variants-per-product".to_owned(),
        variants_per_product.to_string(),
        "--orders".to_owned(),
        orders.to_string(),
    ];
    if let Some(cap) = cap {
        args.extend(["--inline-variant-cap".to_owned(), cap.to_string()]);
    }
    spawn_simulator(&args)
}

/// Starts this binary with `args` (a simulator subcommand), which prints its base URL and the
/// variants it seeded on one line, then serves until its stdin closes.
pub(crate) fn spawn_simulator(args: &[String]) -> anyhow::Result<SimProcess> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(args)
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

/// A database the benchmark created on a PostgreSQL server, dropped by [`drop_database`].
pub(crate) struct CreatedDatabase {
    server: String,
    name: String,
}

/// A fresh database: a new one on the PostgreSQL server `postgres_url`, or a SQLite file in
/// `dir`. Returns its URL and, for PostgreSQL, what to drop afterwards.
pub(crate) async fn fresh_database(
    dir: &TempDir,
    postgres_url: Option<&str>,
) -> anyhow::Result<(String, Option<CreatedDatabase>)> {
    let Some(server) = postgres_url else {
        return Ok((
            format!("sqlite://{}", dir.path().join("bench.db").display()),
            None,
        ));
    };
    let name = format!("wharf_bench_{}", uuid::Uuid::new_v4().simple());
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(server)
        .await
        .context("connecting to PostgreSQL")?;
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    let mut url = url::Url::parse(server)?;
    url.set_path(&name);
    Ok((
        url.to_string(),
        Some(CreatedDatabase {
            server: server.to_owned(),
            name,
        }),
    ))
}

/// Drops a database [`fresh_database`] created (WHARF_BENCH_KEEP_DATABASE keeps it, for
/// EXPLAIN ANALYZE afterwards).
pub(crate) async fn drop_database(created: Option<CreatedDatabase>) -> anyhow::Result<()> {
    if let Some(CreatedDatabase { server, name }) = created
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

/// A fresh wharf database (SQLite in a temp dir, or a new PostgreSQL database) with the
/// simulator's store added.
pub(crate) struct BenchWharf {
    pub(crate) app: App,
    pub(crate) store_id: i64,
    pub(crate) settings: Settings,
    _dir: TempDir,
    drop_database: Option<CreatedDatabase>,
    pub(crate) http: reqwest::Client,
    pub(crate) sim_url: String,
}

impl BenchWharf {
    pub(crate) async fn start(
        sim: &SimProcess,
        postgres_url: Option<&str>,
        public_url: Option<url::Url>,
    ) -> anyhow::Result<BenchWharf> {
        let dir = tempfile::tempdir()?;
        let (database_url, drop_database) = fresh_database(&dir, postgres_url).await?;
        let mut settings = Settings::local(
            database_url,
            dir.path().join("wharf.key"),
            sim.base_url.parse()?,
            public_url,
        );
        settings.server.order_poll_secs = 3600;
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
    pub(crate) async fn import_and_route_to_one_vendor(&self) -> anyhow::Result<String> {
        import_catalogs(&self.app, &[self.store_id]).await?;
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

    pub(crate) async fn reset_sim_stats(&self) -> anyhow::Result<()> {
        self.http
            .post(format!("{}/__sim/stats/reset", self.sim_url))
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    pub(crate) async fn sim_stats(&self) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}/__sim/stats", self.sim_url))
            .send()
            .await?
            .json()
            .await?)
    }

    pub(crate) async fn finish(self) -> anyhow::Result<()> {
        self.app.db.close().await;
        drop_database(self.drop_database).await
    }
}

/// Imports the stores' catalogs in this process, one worker running their jobs side by side,
/// until every import has finished.
pub(crate) async fn import_catalogs(app: &App, store_ids: &[i64]) -> anyhow::Result<()> {
    let mut runs = Vec::with_capacity(store_ids.len());
    for &store_id in store_ids {
        runs.push(app.start_import(store_id, ImportMode::Full).await?.run.id);
    }
    let worker = Worker::new(app.db.clone(), job_handlers(app), WorkerConfig::default());
    for run in runs {
        while !app.import_view(run).await?.is_finished() {
            worker.run_due_jobs().await?;
        }
    }
    Ok(())
}

pub(crate) fn print_requests(stats: &Value, target: Option<(u64, &str)>) {
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

/// What wharf received of the store's answers, as the simulator counted their bodies: as
/// sent (gzip, when asked for) and uncompressed.
pub(crate) fn print_bytes_received(stats: &Value) {
    let megabytes = |key: &str| stats["body_bytes"][key].as_u64().unwrap_or(0) as f64 / 1e6;
    let encoding = match stats["without_gzip"].as_u64().unwrap_or(0) {
        0 => "gzip".to_owned(),
        n => format!("{n} requests without gzip"),
    };
    println!(
        "  bytes received     {:.1} MB on the wire ({encoding}), {:.1} MB uncompressed",
        megabytes("on_the_wire"),
        megabytes("uncompressed")
    );
}

type Serving = (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
);

/// Starts wharf as deployed: HTTP and workers in one process. Returns the stop switch and the
/// server task.
pub(crate) fn serve(
    bench: &BenchWharf,
    listener: std::net::TcpListener,
) -> anyhow::Result<Serving> {
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
pub(crate) async fn serve_with_webhooks(
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

/// Waits until no job whose kind is like `kinds` (SQL `LIKE`) is pending or running, failing
/// after `within`: a phase's work drained before the next is measured.
pub(crate) async fn wait_for_jobs(app: &App, kinds: &str, within: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + within;
    loop {
        let busy: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM jobs WHERE kind LIKE $1 AND status IN ('pending', 'running')",
        )
        .bind(kinds)
        .fetch_one(app.db.pool())
        .await?;
        if busy == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "{busy} {kinds} jobs still queued after {} s",
                within.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
