//! Soak test, as RELIABILITY.md runs it: `target/release/wharf-soak [--minutes 3] [--workers 3]
//! [--kills 100] [--postgres-url URL] [--orders-per-second 2] [--phase-secs 20]`.
//!
//! The simulator runs in a child process (this binary, re-executed); wharf runs as deployed —
//! `wharf serve --no-workers` receiving webhooks and `wharf worker` processes running jobs —
//! while a shopper orders, vendors ship and report stock, faults cycle and a killer SIGKILLs
//! workers. Afterwards it checks nothing was lost, duplicated or diverged. Needs the `wharf`
//! binary next to this one (`cargo build --release -p wharf`; `.ci/run` runs a short debug build).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use clap::{Parser, Subcommand};
use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Executor, Row};
use tempfile::TempDir;
use tokio::sync::watch;
use wharf::app::App;
use wharf::app::inventory::{StockInput, StockItemInput};
use wharf::app::vendors::AssignmentInput;
use wharf::config::Settings;
use wharf::demo::WHARF_SCOPES;
use wharf::domain::catalog::ImportMode;
use wharf::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};
use wharf::domain::store::NewStoreInput;
use wharf::domain::vendor::VendorInput;
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::job_handlers;

const STORE_HASH: &str = "soakstore1";
const TOKEN: &str = "soak-token";
/// The simulator's quota outside a 429 storm: large, so only the storm throttles.
const QUOTA: u32 = 1_000_000;
const QUOTA_WINDOW_MS: u64 = 30_000;
/// wharf's share of the store's quota, as in production: the processes count it together.
const SHARE: f64 = 0.5;
const ADMIN_PASSWORD: &str = "soak-admin-password";

#[derive(Parser)]
#[command(name = "wharf-soak", about = "wharf's soak test (see RELIABILITY.md)")]
struct Cli {
    #[command(subcommand)]
    internal: Option<Internal>,
    /// How long the shopper, vendors, faults and killer run.
    #[arg(long, default_value_t = 3.0)]
    minutes: f64,
    /// `wharf worker` processes (forced to 1 on SQLite: one process may run workers there).
    #[arg(long, default_value_t = 3)]
    workers: usize,
    /// Worker processes to SIGKILL (at least), spread over the run.
    #[arg(long, default_value_t = 100)]
    kills: usize,
    /// A PostgreSQL server (a fresh database is created on it and dropped after); without it,
    /// a fresh SQLite file in a temporary directory.
    #[arg(long)]
    postgres_url: Option<String>,
    #[arg(long, default_value_t = 2.0)]
    orders_per_second: f64,
    /// How long each fault phase lasts; the run must be long enough for every phase to come.
    #[arg(long, default_value_t = 20)]
    phase_secs: u64,
    #[arg(long, default_value_t = 300)]
    products: usize,
}

#[derive(Subcommand)]
enum Internal {
    /// (internal) The simulator process the soak talks to.
    #[command(hide = true)]
    Simulator {
        #[arg(long)]
        products: usize,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    wharf::telemetry::init();
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime starts");
    let result = runtime.block_on(async {
        match cli.internal {
            Some(Internal::Simulator { products }) => serve_simulator(products).await,
            None => soak(&cli).await,
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

// ---- the simulator process ------------------------------------------------------------------

async fn serve_simulator(products: usize) -> anyhow::Result<bool> {
    let simulator = Simulator::new(SimConfig {
        quota: QUOTA,
        window: Duration::from_millis(QUOTA_WINDOW_MS),
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    });
    simulator.add_store(StoreSpec::sample(STORE_HASH));
    simulator.add_token(STORE_HASH, TOKEN, WHARF_SCOPES);
    simulator.seed_catalog(
        STORE_HASH,
        CatalogSeed {
            products,
            variants_per_product: 3,
        },
    );
    let running = simulator.spawn("127.0.0.1:0").await?;
    println!("{}", running.base_url);
    // Serve until the parent closes our stdin (or is killed).
    tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
    Ok(true)
}

/// The simulator child; killed when dropped so a failed soak leaves nothing behind.
struct SimProcess {
    child: Child,
    base_url: String,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_simulator(products: usize) -> anyhow::Result<SimProcess> {
    let mut child = Command::new(std::env::current_exe()?)
        .args(["simulator", "--products", &products.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("simulator stdout")?).read_line(&mut line)?;
    let base_url = line.trim().to_owned();
    if base_url.is_empty() {
        bail!("the simulator printed no URL");
    }
    Ok(SimProcess { child, base_url })
}

// ---- wharf: the database, the in-process app, the processes ---------------------------------

struct Soak {
    app: App,
    store_id: i64,
    settings: Settings,
    dir: TempDir,
    drop_database: Option<(String, String)>,
    http: reqwest::Client,
    sim_url: String,
    public_url: String,
    listen: String,
}

async fn fresh_database(
    dir: &TempDir,
    postgres_url: Option<&str>,
) -> anyhow::Result<(String, Option<(String, String)>)> {
    let Some(server) = postgres_url else {
        return Ok((
            format!("sqlite://{}", dir.path().join("soak.db").display()),
            None,
        ));
    };
    let name = format!("wharf_soak_{}", uuid::Uuid::new_v4().simple());
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(server)
        .await
        .context("connecting to PostgreSQL")?;
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .await?;
    let mut url = url::Url::parse(server)?;
    url.set_path(&name);
    Ok((url.to_string(), Some((server.to_owned(), name))))
}

impl Soak {
    async fn start(sim: &SimProcess, postgres_url: Option<&str>) -> anyhow::Result<Soak> {
        let dir = tempfile::tempdir()?;
        let (database_url, drop_database) = fresh_database(&dir, postgres_url).await?;
        // The webhook receiver's address is chosen now, so every process agrees on it.
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .to_string();
        let public_url = format!("http://{listen}");
        let mut settings = Settings::local(
            database_url,
            dir.path().join("wharf.key"),
            sim.base_url.parse()?,
            Some(public_url.parse()?),
        );
        settings.job_lease_secs = 1;
        // Below 1, so every process counts its requests in the shared budget.
        settings.api_quota_share = SHARE;
        settings.order_poll_secs = 30;
        let app = App::open(&settings).await?;
        let store = app
            .add_store(&NewStoreInput {
                name: "Soak".into(),
                store_url: format!("store-{STORE_HASH}.mybigcommerce.com"),
                store_hash: STORE_HASH.into(),
                client_id: "soak".into(),
                client_secret: "soak-secret".into(),
                access_token: TOKEN.into(),
                auth_type: "private".into(),
                ..NewStoreInput::default()
            })
            .await?;
        Ok(Soak {
            app,
            store_id: store.id,
            settings,
            dir,
            drop_database,
            http: reqwest::Client::new(),
            sim_url: sim.base_url.clone(),
            public_url,
            listen,
        })
    }

    /// Imports the catalog in-process (before any worker process exists, so no lock is in the
    /// way on SQLite).
    async fn import(&self) -> anyhow::Result<()> {
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
        Ok(())
    }

    async fn sim_get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http
            .get(format!("{}{path}", self.sim_url))
            .header("X-Auth-Token", TOKEN)
            .send()
            .await?
            .error_for_status()?;
        // v2 answers 204 with no body for an empty list.
        if response.status() == reqwest::StatusCode::NO_CONTENT {
            return Ok(json!([]));
        }
        Ok(response.json().await?)
    }

    /// The simulator's request counters (`/__sim/stats`).
    async fn sim_stats(&self) -> anyhow::Result<Value> {
        Ok(self
            .http
            .get(format!("{}/__sim/stats", self.sim_url))
            .send()
            .await?
            .json()
            .await?)
    }

    /// Every item of a v3 list (`limit` and `page` are added to `path`'s query), read page by
    /// page until a short page.
    async fn sim_v3_all(&self, path: &str, limit: usize) -> anyhow::Result<Vec<Value>> {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut all = Vec::new();
        for page in 1.. {
            let body = self
                .sim_get(&format!("{path}{separator}limit={limit}&page={page}"))
                .await?;
            let items = body["data"]
                .as_array()
                .with_context(|| format!("a page of {path}"))?;
            all.extend(items.iter().cloned());
            if items.len() < limit {
                break;
            }
        }
        Ok(all)
    }

    async fn sim_put(&self, path: &str, body: Value) -> anyhow::Result<()> {
        self.http
            .put(format!("{}{path}", self.sim_url))
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.app.db.pool())
            .await?
            .get::<i64, _>(0))
    }

    async fn finish(self) -> anyhow::Result<()> {
        self.app.db.close().await;
        if let Some((server, name)) = self.drop_database {
            let mut conn = AnyConnection::connect(&server).await?;
            conn.execute(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name}"
            )))
            .await?;
        }
        Ok(())
    }
}

/// A sellable variant: (product id, variant id).
type Sellable = (u64, u64);

/// Every variant of the simulator's catalog, read page by page.
async fn sellable(soak: &Soak) -> anyhow::Result<Vec<Sellable>> {
    let products = soak
        .sim_v3_all(
            &format!("/stores/{STORE_HASH}/v3/catalog/products?include=variants"),
            250,
        )
        .await?;
    Ok(products
        .iter()
        .flat_map(|p| {
            let product = p["id"].as_u64().unwrap_or(0);
            p["variants"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |v| (product, v["id"].as_u64().unwrap_or(0)))
        })
        .collect())
}

/// Every SKU wharf imported (what a vendor would report stock for).
async fn imported_skus(soak: &Soak) -> anyhow::Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT sku FROM variants WHERE store_id = $1 AND archived_at IS NULL
         UNION SELECT sku FROM products WHERE store_id = $2 AND archived_at IS NULL",
    )
    .bind(soak.store_id)
    .bind(soak.store_id)
    .fetch_all(soak.app.db.pool())
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

/// The two vendors and the rule that splits the catalog between them.
struct Vendors {
    /// (vendor id, name): the default vendor first, then the prefix vendor.
    ids: Vec<(i64, String)>,
    /// SKUs starting with it (uppercased) go to the second vendor.
    prefix: String,
    skus: Vec<String>,
}

impl Vendors {
    /// The vendor the assignment rules should pick for a line with this SKU.
    fn expected_for(&self, sku: Option<&str>) -> i64 {
        match sku {
            Some(s) if s.trim().to_uppercase().starts_with(&self.prefix) => self.ids[1].0,
            _ => self.ids[0].0,
        }
    }
}

async fn create_vendors(soak: &Soak) -> anyhow::Result<Vendors> {
    let skus = imported_skus(soak).await?;
    // The first SKU's brand code: a real share of the catalog, not all of it.
    let prefix = format!(
        "{}-",
        skus.first()
            .and_then(|s| s.split('-').next())
            .context("no SKU imported")?
            .to_uppercase()
    );
    let mut ids = Vec::new();
    for name in ["Soak Default Vendor", "Soak Prefix Vendor"] {
        let created = soak
            .app
            .add_vendor(&VendorInput {
                name: name.into(),
                email: String::new(),
            })
            .await?;
        ids.push((created.vendor.id, name.to_owned()));
    }
    let rules = [
        AssignmentInput::Default {
            vendor: ids[0].1.clone(),
        },
        AssignmentInput::SkuPrefix {
            prefix: prefix.clone(),
            vendor: ids[1].1.clone(),
        },
    ];
    for rule in &rules {
        soak.app.assign(soak.store_id, rule).await?;
    }
    let vendors = Vendors { ids, prefix, skus };
    for (id, _) in &vendors.ids {
        let levels: Vec<(String, i64)> = vendors
            .skus
            .iter()
            .enumerate()
            .map(|(n, s)| (s.clone(), (n as i64 * 37) % 120))
            .collect();
        set_stock(&soak.app, *id, &levels).await?;
    }
    Ok(vendors)
}

async fn set_stock(app: &App, vendor_id: i64, levels: &[(String, i64)]) -> anyhow::Result<()> {
    for chunk in levels.chunks(wharf::app::inventory::MAX_STOCK_ITEMS_PER_CALL) {
        let items = chunk
            .iter()
            .map(|(sku, quantity)| StockItemInput {
                sku: sku.clone(),
                quantity: *quantity,
                warehouse: None,
            })
            .collect();
        app.set_vendor_stock(vendor_id, &StockInput { items })
            .await?;
    }
    Ok(())
}

/// The wharf processes: one HTTP-only server (the webhook receiver) and the worker processes
/// the killer picks from. stderr of each goes to a log in the soak's temporary directory.
struct Fleet {
    exe: PathBuf,
    env: Vec<(String, String)>,
    logs: PathBuf,
    serve: Child,
    workers: Mutex<Vec<Child>>,
    kills: AtomicU64,
    spawned: AtomicU64,
}

impl Fleet {
    fn start(soak: &Soak, workers: usize) -> anyhow::Result<Fleet> {
        let exe = std::env::current_exe()?.with_file_name("wharf");
        if !exe.exists() {
            bail!(
                "{} not found: build it with `cargo build --release -p wharf`",
                exe.display()
            );
        }
        let env = vec![
            ("WHARF_DATABASE_URL", soak.settings.database_url.clone()),
            (
                "WHARF_SECRET_KEY_FILE",
                soak.dir.path().join("wharf.key").display().to_string(),
            ),
            ("WHARF_BIGCOMMERCE_API_BASE", soak.sim_url.clone()),
            ("WHARF_PUBLIC_URL", soak.public_url.clone()),
            ("WHARF_ADMIN_PASSWORD", ADMIN_PASSWORD.into()),
            // A killed worker's job is taken over once its lease runs out: keep that short.
            ("WHARF_JOB_LEASE_SECS", "1".into()),
            ("WHARF_API_QUOTA_SHARE", SHARE.to_string()),
            (
                "WHARF_BIGCOMMERCE_TIMEOUT_SECS",
                CLIENT_TIMEOUT_SECS.to_string(),
            ),
            // Polls recover orders whose webhooks were dropped.
            ("WHARF_ORDER_POLL_SECS", "30".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let logs = soak.dir.path().join("logs");
        std::fs::create_dir_all(&logs)?;
        let mut fleet = Fleet {
            exe,
            env,
            logs,
            // A placeholder (an already-finished process) until `spawn`, which needs the
            // fleet's environment, starts the real server just below.
            serve: Command::new("true").spawn()?,
            workers: Mutex::new(Vec::new()),
            kills: AtomicU64::new(0),
            spawned: AtomicU64::new(0),
        };
        fleet.serve = fleet.spawn(&["serve", "--no-workers", "--listen", &soak.listen])?;
        for _ in 0..workers {
            let worker = fleet.spawn(&["worker"])?;
            fleet.workers.lock().expect("fleet lock").push(worker);
        }
        Ok(fleet)
    }

    fn spawn(&self, args: &[&str]) -> anyhow::Result<Child> {
        let n = self.spawned.fetch_add(1, Ordering::Relaxed);
        let log = std::fs::File::create(self.logs.join(format!("{n:04}-{}.log", args[0])))?;
        Ok(Command::new(&self.exe)
            .args(args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .env_remove("WHARF_SECRET_KEY")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()?)
    }

    /// SIGKILLs a random worker and starts its replacement at once.
    fn kill_one(&self) -> anyhow::Result<()> {
        let mut workers = self.workers.lock().expect("fleet lock");
        let index = rand::rng().random_range(0..workers.len());
        workers[index].kill()?; // SIGKILL on Unix
        workers[index].wait()?;
        self.kills.fetch_add(1, Ordering::Relaxed);
        workers[index] = self.spawn(&["worker"])?;
        Ok(())
    }

    /// Stops every process with SIGTERM (a clean shutdown, so no job is left mid-run).
    fn stop(self) -> anyhow::Result<()> {
        let mut children = std::mem::take(&mut *self.workers.lock().expect("fleet lock"));
        children.push(self.serve);
        for child in &children {
            Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()?;
        }
        for mut child in children {
            child.wait()?;
        }
        Ok(())
    }
}

async fn wait_for_http(address: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(address).await.is_err() {
        if Instant::now() > deadline {
            bail!("wharf serve did not listen on {address}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// Connects the store (the worker processes register its webhooks) and waits for the hooks.
async fn connect_with_webhooks(soak: &Soak) -> anyhow::Result<()> {
    soak.app.connect_store(soak.store_id).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    let wanted = wharf::channels::bigcommerce::webhooks::HOOK_SCOPES.len() as u64;
    loop {
        let stats = soak.sim_stats().await?;
        if stats["by_endpoint"]["POST /v3/hooks"].as_u64().unwrap_or(0) >= wanted {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the webhooks were not registered within a minute");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

// ---- the actors: shopper, vendors, faults, killer ---------------------------------------------

#[derive(Default)]
struct Tally {
    orders_placed: AtomicU64,
    orders_refused: AtomicU64,
    shipments_recorded: AtomicU64,
    shipments_refused: AtomicU64,
    stock_updates: AtomicU64,
    /// Kills made while the simulator held the response of an applied write: the worker
    /// died between BigCommerce applying its request and it hearing so.
    kills_mid_write: AtomicU64,
    /// Requests wharf's processes gave up waiting for (counted in their logs at the end).
    client_timeouts: AtomicU64,
    /// Shipments BigCommerce refused, retried by the soak as an operator would (Retry).
    shipments_retried: AtomicU64,
    /// The fault phase running now.
    phase: Mutex<Option<Fault>>,
    /// The simulator's answer to the first order it refused, to say why.
    first_refusal: Mutex<Option<String>>,
    faults: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    fn fault(&self, name: &'static str) {
        *self
            .faults
            .lock()
            .expect("tally lock")
            .entry(name)
            .or_default() += 1;
    }
}

fn random_order(sellable: &[Sellable]) -> Value {
    let mut rng = rand::rng();
    let two_addresses = rng.random_ratio(1, 4);
    // The simulator refuses an address no physical line ships to: two addresses, two lines.
    let fewest = if two_addresses { 2 } else { 1 };
    let lines: Vec<Value> = (0..rng.random_range(fewest..=3))
        .filter_map(|i| {
            let (product, variant) = sellable.choose(&mut rng)?;
            let address = if two_addresses { i % 2 } else { 0 };
            Some(json!({ "product_id": product, "variant_id": variant,
                         "quantity": rng.random_range(1..=2), "address": address }))
        })
        .collect();
    let addresses: Vec<Value> = (0..if two_addresses { 2 } else { 1 })
        .map(|n| {
            json!({ "first_name": format!("Soak{n}"), "last_name": "Shopper",
                    "street_1": format!("{} Main St", rng.random_range(1..999)),
                    "city": "Austin", "state": "Texas", "zip": "78701",
                    "country": "United States", "country_iso2": "US" })
        })
        .collect();
    json!({ "lines": lines, "addresses": addresses })
}

/// Places orders at `rate` per second through the simulator's checkout, until stopped.
async fn shopper(
    http: reqwest::Client,
    sim_url: String,
    sellable: Vec<Sellable>,
    rate: f64,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    let gap = Duration::from_secs_f64(1.0 / rate.max(0.01));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(gap) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let sent = http
            .post(format!("{sim_url}/__sim/stores/{STORE_HASH}/orders"))
            .json(&random_order(&sellable))
            .send()
            .await;
        match sent {
            Ok(r) if r.status().is_success() => {
                tally.orders_placed.fetch_add(1, Ordering::Relaxed);
            }
            other => {
                tally.orders_refused.fetch_add(1, Ordering::Relaxed);
                let why = match other {
                    Ok(r) => r.text().await.unwrap_or_default(),
                    Err(e) => e.to_string(),
                };
                tally
                    .first_refusal
                    .lock()
                    .expect("tally lock")
                    .get_or_insert(why);
            }
        }
    }
}

/// Every ~2 s each vendor ships up to three open purchase orders (sometimes only part of a
/// line, so orders get several shipments) and reports new stock for 20 SKUs.
async fn vendors(
    app: App,
    vendors: Arc<Vendors>,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    let mut sequence = 0u64;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        for (vendor_id, _) in &vendors.ids {
            if let Err(e) = ship_some(&app, *vendor_id, &mut sequence, &tally).await {
                tracing::debug!(error = %e, "soak vendor could not list its purchase orders");
            }
            match report_stock(&app, *vendor_id, &vendors.skus).await {
                Ok(()) => tally.stock_updates.fetch_add(1, Ordering::Relaxed),
                Err(_) => 0,
            };
        }
    }
}

async fn ship_some(
    app: &App,
    vendor_id: i64,
    sequence: &mut u64,
    tally: &Tally,
) -> anyhow::Result<()> {
    let open = app.vendor_purchase_orders(vendor_id, true).await?;
    let unshipped = open
        .iter()
        .filter(|po| po.lines.iter().any(|l| l.quantity_shipped < l.quantity));
    for po in unshipped.take(3) {
        *sequence += 1;
        let partial = rand::rng().random_ratio(1, 4);
        let lines: Vec<ShipmentLineInput> = po
            .lines
            .iter()
            .filter(|l| l.quantity_shipped < l.quantity && l.address_id.is_some())
            .map(|l| ShipmentLineInput {
                line_id: Some(l.order_line_id),
                sku: None,
                quantity: if partial {
                    1
                } else {
                    l.quantity - l.quantity_shipped
                },
            })
            .collect();
        if lines.is_empty() {
            continue;
        }
        let input = ShipmentInput {
            tracking_number: format!("SOAK{sequence:07}"),
            carrier: "UPS".into(),
            tracking_url: None,
            shipping_method: None,
            lines,
        };
        let recorded = app
            .record_shipment(po.id, Some(vendor_id), ShipmentSource::VendorApi, &input)
            .await;
        let counter = match recorded {
            Ok(_) => &tally.shipments_recorded,
            Err(_) => &tally.shipments_refused,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

async fn report_stock(app: &App, vendor_id: i64, skus: &[String]) -> anyhow::Result<()> {
    let levels: Vec<(String, i64)> = {
        let mut rng = rand::rng();
        skus.choose_multiple(&mut rng, 20)
            .map(|s| (s.clone(), rng.random_range(0..=40)))
            .collect()
    };
    set_stock(app, vendor_id, &levels).await
}

/// One step of the fault schedule: what is set for a phase.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    ServerErrors,
    RateLimitStorm,
    Latency,
    DroppedResponses,
    HeldResponses,
    /// Responses held longer than wharf waits: its client times out after the write applied.
    Timeouts,
    RefusedWrites,
    WebhookChaos,
}

const SCHEDULE: [Fault; 8] = [
    Fault::ServerErrors,
    Fault::RateLimitStorm,
    Fault::Latency,
    Fault::DroppedResponses,
    Fault::HeldResponses,
    Fault::Timeouts,
    Fault::RefusedWrites,
    Fault::WebhookChaos,
];

/// How long wharf's processes wait for one BigCommerce answer here
/// (`WHARF_BIGCOMMERCE_TIMEOUT_SECS`): longer than the held responses and the latency phase,
/// shorter than the timeout phase's holds.
const CLIENT_TIMEOUT_SECS: u64 = 3;

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::ServerErrors => "10% 5xx",
            Fault::RateLimitStorm => "429 storm (quota 3/s for 5 s)",
            Fault::Latency => "latency 1.5 s",
            Fault::DroppedResponses => "30% responses dropped after write",
            Fault::HeldResponses => "responses held 2 s after write",
            Fault::Timeouts => "responses held 5 s after write (wharf times out at 3 s)",
            Fault::RefusedWrites => "20% of writes refused (400/422, not applied)",
            Fault::WebhookChaos => "webhooks 30% duplicated, 20% dropped, reordered",
        }
    }

    /// The simulator's `PUT /__sim/faults` body for the phase.
    fn api_faults(self) -> Value {
        match self {
            Fault::ServerErrors => json!({ "error_rate": 0.1 }),
            Fault::Latency => json!({ "latency_ms": 1500 }),
            Fault::DroppedResponses => json!({ "drop_response_after_write_rate": 0.3 }),
            Fault::HeldResponses => json!({ "hold_response_after_write_ms": 2000 }),
            Fault::Timeouts => json!({ "hold_response_after_write_ms": 5000 }),
            Fault::RefusedWrites => json!({ "refuse_write_rate": 0.2 }),
            Fault::RateLimitStorm | Fault::WebhookChaos => json!({}),
        }
    }
}

async fn clear_faults(soak: &Soak) -> anyhow::Result<()> {
    soak.sim_put("/__sim/faults", json!({})).await?;
    soak.sim_put("/__sim/webhook-faults", json!({})).await?;
    soak.sim_put(
        "/__sim/quota",
        json!({ "quota": QUOTA, "window_ms": QUOTA_WINDOW_MS }),
    )
    .await
}

async fn run_phase(soak: &Soak, fault: Fault) -> anyhow::Result<()> {
    soak.sim_put("/__sim/faults", fault.api_faults()).await?;
    match fault {
        Fault::RateLimitStorm => {
            soak.sim_put("/__sim/quota", json!({ "quota": 3, "window_ms": 1000 }))
                .await?;
            tokio::time::sleep(Duration::from_secs(5)).await;
            soak.sim_put(
                "/__sim/quota",
                json!({ "quota": QUOTA, "window_ms": QUOTA_WINDOW_MS }),
            )
            .await?;
        }
        Fault::WebhookChaos => {
            let body = json!({ "duplicate_rate": 0.3, "drop_rate": 0.2, "delay_ms": 300,
                               "reorder": true, "reorder_batch": 5 });
            soak.sim_put("/__sim/webhook-faults", body).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Cycles through the schedule, one phase every `phase`, until stopped; clears every fault
/// at the end.
async fn faults(
    soak: &Soak,
    tally: &Tally,
    phase: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    for fault in SCHEDULE.iter().cycle() {
        if *stop.borrow() {
            break;
        }
        println!("  fault phase: {}", fault.name());
        *tally.phase.lock().expect("tally lock") = Some(*fault);
        run_phase(soak, *fault).await?;
        tally.fault(fault.name());
        tokio::select! {
            _ = tokio::time::sleep(phase) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
        *tally.phase.lock().expect("tally lock") = None;
        clear_faults(soak).await?;
    }
    clear_faults(soak).await
}

/// How many requests wharf's processes gave up waiting for, from their logs: the client's
/// timeout error is the one message that says so.
fn timeouts_logged(logs: &std::path::Path) -> anyhow::Result<u64> {
    let mut count = 0;
    for entry in std::fs::read_dir(logs)? {
        let text = std::fs::read_to_string(entry?.path())?;
        count += text.matches("the request to BigCommerce timed out").count() as u64;
    }
    Ok(count)
}

/// SIGKILLs a random worker at random moments, `kills` times spread over `duration`. While
/// the simulator holds the responses of applied writes, each kill waits (up to a second) for
/// a write to be held, so it lands between BigCommerce applying a request and wharf hearing
/// of it: the moment a duplicate would be born.
async fn killer(
    soak: &Soak,
    fleet: &Fleet,
    tally: &Tally,
    kills: usize,
    duration: Duration,
) -> anyhow::Result<()> {
    let mean = duration.as_secs_f64() / kills.max(1) as f64;
    let started = Instant::now();
    while (fleet.kills.load(Ordering::Relaxed) as usize) < kills {
        // Jittered around the mean gap but never later than the schedule needs.
        let gap = mean * rand::rng().random_range(0.3..1.4);
        tokio::time::sleep(Duration::from_secs_f64(gap)).await;
        // Not in the timeout phase: a worker killed mid-request never gets to time out.
        let holding = *tally.phase.lock().expect("tally lock") == Some(Fault::HeldResponses);
        let mid_write = if holding {
            wait_for_held_write(soak, Duration::from_secs(1)).await?
        } else {
            held_writes(soak).await? > 0
        };
        let done = fleet.kills.load(Ordering::Relaxed) as f64;
        let behind = started.elapsed().as_secs_f64() > (done + 1.0) * mean;
        fleet.kill_one()?;
        if mid_write {
            tally.kills_mid_write.fetch_add(1, Ordering::Relaxed);
        }
        if behind {
            fleet.kill_one()?;
        }
    }
    Ok(())
}

/// Applied writes whose response the simulator is holding back right now.
async fn held_writes(soak: &Soak) -> anyhow::Result<u64> {
    let stats = soak.sim_stats().await?;
    Ok(stats["held_now"].as_u64().unwrap_or(0))
}

/// Waits until a write is held, or `limit` passes; true when one is.
async fn wait_for_held_write(soak: &Soak, limit: Duration) -> anyhow::Result<bool> {
    let deadline = Instant::now() + limit;
    loop {
        if held_writes(soak).await? > 0 {
            return Ok(true);
        }
        if Instant::now() > deadline {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

// ---- draining ---------------------------------------------------------------------------------

/// Waits until no job is due or running (future-scheduled ones may wait) for 3 s in a row.
async fn drain(soak: &Soak, limit: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    let mut quiet_since: Option<Instant> = None;
    loop {
        let now = wharf::db::now_ms();
        let busy = soak
            .count(&format!(
                "SELECT COUNT(*) FROM jobs WHERE status = 'running'
                 OR (status = 'pending' AND run_at <= {now})"
            ))
            .await?;
        if busy > 0 {
            quiet_since = None;
        } else if quiet_since.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(3) {
            return Ok(());
        }
        if Instant::now() > deadline {
            println!("  WARNING: {busy} job(s) still due or running after {limit:?}");
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// What an operator does with shipments BigCommerce refused (the refused-writes phase):
/// presses Retry on each. Their parts must then be created like any other.
async fn retry_refused_shipments(soak: &Soak, tally: &Tally) -> anyhow::Result<()> {
    let refused = sqlx::query(
        "SELECT DISTINCT shipment_id FROM shipment_parts WHERE state = 'failed' ORDER BY shipment_id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    for row in &refused {
        soak.app.retry_shipment(row.get::<i64, _>(0)).await?;
        tally.shipments_retried.fetch_add(1, Ordering::Relaxed);
    }
    println!(
        "  operator retried {} shipment(s) BigCommerce had refused",
        refused.len()
    );
    drain(soak, Duration::from_secs(120)).await
}

// ---- the checks -------------------------------------------------------------------------------

/// Each check's verdict, printed as it is made.
#[derive(Default)]
struct Verdict {
    failures: Vec<String>,
}

impl Verdict {
    fn check(&mut self, ok: bool, what: String) {
        println!("  [{}] {what}", if ok { "ok" } else { "FAIL" });
        if !ok {
            self.failures.push(what);
        }
    }
}

async fn bc_orders(soak: &Soak) -> anyhow::Result<Vec<u64>> {
    let mut ids = Vec::new();
    for page in 1.. {
        let body = soak
            .sim_get(&format!(
                "/stores/{STORE_HASH}/v2/orders?limit=250&page={page}&sort=id:asc"
            ))
            .await?;
        let orders = body.as_array().context("orders page")?;
        ids.extend(orders.iter().filter_map(|o| o["id"].as_u64()));
        if orders.len() < 250 {
            break;
        }
    }
    Ok(ids)
}

async fn check_orders(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<Vec<u64>> {
    let in_bc = bc_orders(soak).await?;
    let bound: HashSet<u64> = sqlx::query("SELECT external_id FROM bindings WHERE kind = 'order'")
        .fetch_all(soak.app.db.pool())
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0) as u64)
        .collect();
    let stored = soak.count("SELECT COUNT(*) FROM orders").await?;
    let missing: Vec<&u64> = in_bc.iter().filter(|id| !bound.contains(id)).collect();
    verdict.check(
        stored as usize == in_bc.len() && missing.is_empty(),
        format!(
            "orders: {} in BigCommerce, {stored} in wharf, {} missing {:?}",
            in_bc.len(),
            missing.len(),
            &missing[..missing.len().min(10)]
        ),
    );
    Ok(in_bc)
}

async fn check_purchase_orders(
    soak: &Soak,
    vendors: &Vendors,
    verdict: &mut Verdict,
) -> anyhow::Result<()> {
    let states = sqlx::query("SELECT routing_state, COUNT(*) FROM orders GROUP BY routing_state")
        .fetch_all(soak.app.db.pool())
        .await?;
    let states: BTreeMap<String, i64> = states
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    let unrouted: i64 = states
        .iter()
        .filter(|(s, _)| *s != "routed")
        .map(|(_, n)| n)
        .sum();
    verdict.check(
        unrouted == 0,
        format!("orders by routing state: {states:?}"),
    );
    let rows = sqlx::query(
        "SELECT ol.id, ol.sku, ol.quantity, pol.quantity AS po_quantity, po.vendor_id
         FROM order_lines ol JOIN orders o ON o.id = ol.order_id
         LEFT JOIN purchase_order_lines pol ON pol.order_line_id = ol.id
         LEFT JOIN purchase_orders po ON po.id = pol.purchase_order_id
         WHERE ol.kind = 'physical' AND o.routing_state = 'routed'",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let (mut uncovered, mut wrong_vendor) = (0, 0);
    let mut by_vendor: BTreeMap<i64, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.get::<i64, _>("id")).or_default() += 1;
        let vendor: Option<i64> = row.get("vendor_id");
        let covered = row.get::<Option<i64>, _>("po_quantity") == Some(row.get("quantity"));
        uncovered += usize::from(!covered);
        if let Some(vendor) = vendor {
            *by_vendor.entry(vendor).or_default() += 1;
            let sku: Option<String> = row.get("sku");
            wrong_vendor += usize::from(vendors.expected_for(sku.as_deref()) != vendor);
        }
    }
    let twice = seen.values().filter(|n| **n > 1).count();
    verdict.check(
        uncovered == 0 && twice == 0,
        format!(
            "purchase orders: {} lines of routed orders, {uncovered} not covered, {twice} on two purchase orders",
            seen.len()
        ),
    );
    verdict.check(
        wrong_vendor == 0,
        format!(
            "routing rules: lines by vendor {by_vendor:?} (prefix {:?} → {}), {wrong_vendor} on the wrong vendor",
            vendors.prefix, vendors.ids[1].0
        ),
    );
    Ok(())
}

/// A BigCommerce shipment's identity for duplicate detection: (order, address, tracking,
/// items).
type ShipmentKey = (u64, u64, String, String);

async fn bc_shipments(soak: &Soak, orders: &[u64]) -> anyhow::Result<Vec<(u64, ShipmentKey)>> {
    let mut out = Vec::new();
    for order in orders {
        let list = soak
            .sim_get(&format!(
                "/stores/{STORE_HASH}/v2/orders/{order}/shipments?limit=250"
            ))
            .await?;
        for s in list.as_array().into_iter().flatten() {
            let mut items: Vec<String> = s["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| format!("{}x{}", i["order_product_id"], i["quantity"]))
                .collect();
            items.sort();
            let key = (
                *order,
                s["order_address_id"].as_u64().unwrap_or(0),
                s["tracking_number"].as_str().unwrap_or("").to_owned(),
                items.join(","),
            );
            out.push((s["id"].as_u64().unwrap_or(0), key));
        }
    }
    Ok(out)
}

async fn check_shipments(
    soak: &Soak,
    orders: &[u64],
    verdict: &mut Verdict,
) -> anyhow::Result<usize> {
    let in_bc = bc_shipments(soak, orders).await?;
    let parts = sqlx::query(
        "SELECT p.state, COUNT(*) FROM shipment_parts p GROUP BY p.state ORDER BY p.state",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let parts: BTreeMap<String, i64> = parts
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    let created = parts.get("created").copied().unwrap_or(0);
    verdict.check(
        created as usize == in_bc.len(),
        format!(
            "shipments: {} in BigCommerce, {created} parts created in wharf (parts by state {parts:?})",
            in_bc.len()
        ),
    );
    let unfinished: i64 = ["pending", "sending", "failed"]
        .iter()
        .map(|s| parts.get(*s).copied().unwrap_or(0))
        .sum();
    verdict.check(
        unfinished == 0,
        format!("shipment parts pending, sending or failed: {unfinished}"),
    );
    // Nobody ships by hand or deletes shipments here: a part skipped (its items already shipped)
    // or marked deleted means wharf lost track of one of its own shipments, and the vendor, who
    // then sees the line unshipped, ships it again.
    let lost_track: i64 = ["skipped", "deleted"]
        .iter()
        .map(|s| parts.get(*s).copied().unwrap_or(0))
        .sum();
    verdict.check(
        lost_track == 0,
        format!("shipment parts skipped or deleted (nobody ships by hand here): {lost_track}"),
    );
    let bound = sqlx::query(
        "SELECT b.external_id, COUNT(*) FROM bindings b WHERE b.kind = 'shipment' GROUP BY b.external_id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let bound: HashMap<u64, i64> = bound
        .iter()
        .map(|r| (r.get::<i64, _>(0) as u64, r.get::<i64, _>(1)))
        .collect();
    let bound_twice = bound.values().filter(|n| **n > 1).count();
    let ids: HashSet<u64> = in_bc.iter().map(|(id, _)| *id).collect();
    let unbound = ids.iter().filter(|id| !bound.contains_key(id)).count();
    let dangling = bound.keys().filter(|id| !ids.contains(id)).count();
    verdict.check(
        bound_twice == 0 && unbound == 0 && dangling == 0,
        format!(
            "shipment bindings: {bound_twice} BigCommerce shipments bound twice, {unbound} unbound, {dangling} bound to none"
        ),
    );
    let mut keys: HashMap<&ShipmentKey, usize> = HashMap::new();
    for (_, key) in &in_bc {
        *keys.entry(key).or_default() += 1;
    }
    let duplicated: Vec<_> = keys.iter().filter(|(_, n)| **n > 1).collect();
    verdict.check(
        duplicated.is_empty(),
        format!(
            "duplicate BigCommerce shipments (same order, address, tracking, items): {} {:?}",
            duplicated.len(),
            &duplicated[..duplicated.len().min(5)]
        ),
    );
    Ok(in_bc.len())
}

/// A final push then a second: the second must find nothing to send (what wharf recorded as
/// published is the formula's value now), and every level in the simulator must equal what
/// wharf recorded publishing.
async fn check_inventory(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<usize> {
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

async fn check_jobs(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<()> {
    let now = wharf::db::now_ms();
    let stuck = soak
        .count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE status = 'running' AND locked_until < {now}"
        ))
        .await?;
    let failed = sqlx::query(
        "SELECT kind, attempts, last_error FROM jobs WHERE status = 'failed' ORDER BY id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    verdict.check(
        stuck == 0 && failed.is_empty(),
        format!(
            "jobs: {stuck} running with an expired lease, {} failed",
            failed.len()
        ),
    );
    for row in failed.iter().take(20) {
        println!(
            "      failed {} after {} attempts: {}",
            row.get::<String, _>(0),
            row.get::<i64, _>(1),
            row.get::<Option<String>, _>(2).unwrap_or_default()
        );
    }
    let by_status = sqlx::query("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        .fetch_all(soak.app.db.pool())
        .await?;
    let by_status: BTreeMap<String, i64> = by_status
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    println!("      jobs by status: {by_status:?}");
    Ok(())
}

async fn oversold(soak: &Soak) -> anyhow::Result<u64> {
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

// ---- the soak ---------------------------------------------------------------------------------

async fn soak(cli: &Cli) -> anyhow::Result<bool> {
    let backend = if cli.postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let workers = if cli.postgres_url.is_some() {
        cli.workers.max(1)
    } else {
        1
    };
    println!(
        "wharf soak ({backend}, {workers} worker process(es), {:.1} min, ≥{} kills, {} orders/s)",
        cli.minutes, cli.kills, cli.orders_per_second
    );
    let sim = start_simulator(cli.products)?;
    let soak = Soak::start(&sim, cli.postgres_url.as_deref()).await?;
    soak.import().await?;
    let vendors = Arc::new(create_vendors(&soak).await?);
    let sellable = sellable(&soak).await?;
    println!(
        "  catalog: {} variants sellable, {} SKUs stocked by 2 vendors (prefix rule {:?})",
        sellable.len(),
        vendors.skus.len(),
        vendors.prefix
    );
    let fleet = Fleet::start(&soak, workers)?;
    wait_for_http(&soak.listen).await?;
    connect_with_webhooks(&soak).await?;
    println!(
        "  wharf serve (webhooks) on {}, logs in {}",
        soak.public_url,
        fleet.logs.display()
    );

    let tally = Arc::new(Tally::default());
    let started = Instant::now();
    run_actors(&soak, &fleet, cli, sellable, vendors.clone(), tally.clone()).await?;
    println!(
        "  load stopped after {:.0} s; draining…",
        started.elapsed().as_secs_f64()
    );

    soak.http
        .post(format!("{}/__sim/webhook-faults/flush", soak.sim_url))
        .send()
        .await?;
    drain(&soak, Duration::from_secs(180)).await?;
    retry_refused_shipments(&soak, &tally).await?;
    let polled = soak.app.poll_orders(soak.store_id).await?;
    println!("  order poll read {} order(s)", polled.orders);
    drain(&soak, Duration::from_secs(120)).await?;
    let kills = fleet.kills.load(Ordering::Relaxed);
    let logs = fleet.logs.clone();
    fleet.stop()?;
    tally
        .client_timeouts
        .store(timeouts_logged(&logs)?, Ordering::Relaxed);

    let verdict = check_everything(&soak, &vendors, &tally, kills, cli.kills).await?;
    let passed = verdict.failures.is_empty();
    println!("{}", if passed { "PASS" } else { "FAIL" });
    for failure in &verdict.failures {
        println!("  failed: {failure}");
    }
    if passed {
        soak.finish().await?;
    } else {
        // Kept for a post-mortem: the database (SQLite) and every process's log.
        let kept = soak.dir.keep();
        println!("  kept {} for inspection", kept.display());
    }
    drop(sim);
    Ok(passed)
}

/// The load: shopper, vendors, faults and killer, for the duration.
async fn run_actors(
    soak: &Soak,
    fleet: &Fleet,
    cli: &Cli,
    sellable: Vec<Sellable>,
    vendor_set: Arc<Vendors>,
    tally: Arc<Tally>,
) -> anyhow::Result<()> {
    let duration = Duration::from_secs_f64(cli.minutes * 60.0);
    let (stop, stopped) = watch::channel(false);
    let shopping = tokio::spawn(shopper(
        soak.http.clone(),
        soak.sim_url.clone(),
        sellable,
        cli.orders_per_second,
        tally.clone(),
        stopped.clone(),
    ));
    let shipping = tokio::spawn(vendors(
        soak.app.clone(),
        vendor_set,
        tally.clone(),
        stopped.clone(),
    ));
    let faulting = faults(
        soak,
        &tally,
        Duration::from_secs(cli.phase_secs.max(6)),
        stopped,
    );
    let started = Instant::now();
    let killing = async {
        // The last tenth is left for the killer to catch up if it fell behind.
        let result = killer(soak, fleet, &tally, cli.kills, duration.mul_f64(0.9)).await;
        tokio::time::sleep(duration.saturating_sub(started.elapsed())).await;
        result
    };
    let stopping = async {
        tokio::time::sleep(duration).await;
        let _ = stop.send(true);
    };
    let (faulted, killed, ()) = tokio::join!(faulting, killing, stopping);
    shopping.await?;
    shipping.await?;
    faulted?;
    killed
}

async fn check_everything(
    soak: &Soak,
    vendors: &Vendors,
    tally: &Tally,
    kills: u64,
    kills_wanted: usize,
) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::default();
    println!("checks");
    verdict.check(
        kills as usize >= kills_wanted,
        format!("worker processes SIGKILLed and restarted: {kills} (wanted ≥ {kills_wanted})"),
    );
    let phases = tally.faults.lock().expect("tally lock").len();
    verdict.check(
        phases == SCHEDULE.len(),
        format!(
            "fault phases run: {phases} of {} kinds (a shorter run or longer phases leave some out)",
            SCHEDULE.len()
        ),
    );
    let orders = check_orders(soak, &mut verdict).await?;
    check_purchase_orders(soak, vendors, &mut verdict).await?;
    let shipments = check_shipments(soak, &orders, &mut verdict).await?;
    let variants = check_inventory(soak, &mut verdict).await?;
    let oversold = oversold(soak).await?;
    println!("  [info] oversold units in the simulator: {oversold}");
    check_jobs(soak, &mut verdict).await?;
    let stats = soak.sim_stats().await?;
    println!("summary");
    println!(
        "  kills survived         {kills} ({} while an applied write awaited its response)",
        tally.kills_mid_write.load(Ordering::Relaxed)
    );
    println!(
        "  client timeouts        {} (wharf gave up waiting; most were writes BigCommerce had applied)",
        tally.client_timeouts.load(Ordering::Relaxed)
    );
    println!(
        "  fault phases           {:?}",
        tally.faults.lock().expect("tally lock")
    );
    println!(
        "  API responses by status {}  ({} requests)",
        stats["by_status"], stats["total"]
    );
    println!(
        "  orders placed          {} ({} refused by the simulator)",
        tally.orders_placed.load(Ordering::Relaxed),
        tally.orders_refused.load(Ordering::Relaxed)
    );
    if let Some(why) = tally.first_refusal.lock().expect("tally lock").as_ref() {
        println!("    first refusal: {why}");
    }
    println!(
        "  shipments recorded     {} ({} refused by wharf, {} refused by BigCommerce and retried)",
        tally.shipments_recorded.load(Ordering::Relaxed),
        tally.shipments_refused.load(Ordering::Relaxed),
        tally.shipments_retried.load(Ordering::Relaxed)
    );
    println!(
        "  stock updates          {}",
        tally.stock_updates.load(Ordering::Relaxed)
    );
    println!(
        "  checked                {} orders, {shipments} BigCommerce shipments, {variants} levels",
        orders.len()
    );
    // How late the flows were under all of this, as the Latency page measures them.
    for flow in ["orders", "shipments", "inventory"] {
        let samples = wharf::db::latency::since(&soak.app.db, flow, 0).await?;
        if let Some(max) = samples.last() {
            let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
            println!(
                "  {flow:<9} latency      p50 {} ms, p99 {} ms, max {max} ms ({} samples)",
                at(0.5),
                at(0.99),
                samples.len()
            );
        }
    }
    Ok(verdict)
}
