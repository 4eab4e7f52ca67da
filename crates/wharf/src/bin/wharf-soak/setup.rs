//! The soak's setup: the simulator's child process, a fresh database with the store added and its
//! catalog imported in-process (`Soak`), and the vendors with their rules and first stock (the
//! third, on its own store, in `vendor_store`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use bigcommerce_sim::{CatalogSeed, SimConfig, Simulator, StoreSpec};
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Executor, Row};
use tempfile::TempDir;
use wharf::app::App;
use wharf::app::inventory::{StockInput, StockItemInput};
use wharf::app::vendors::AssignmentInput;
use wharf::config::Settings;
use wharf::demo::WHARF_SCOPES;
use wharf::domain::catalog::ImportMode;
use wharf::domain::store::NewStoreInput;
use wharf::domain::vendor::VendorInput;
use wharf::jobs::{Worker, WorkerConfig};
use wharf::startup::job_handlers;

use crate::vendor_store::{StoreVendor, create_store_vendor};
use crate::{QUOTA, QUOTA_WINDOW_MS, SHARE, STORE_HASH, TOKEN};

pub(crate) async fn serve_simulator(products: usize) -> anyhow::Result<bool> {
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
    crate::vendor_store::seed(&simulator, products);
    let running = simulator.spawn("127.0.0.1:0").await?;
    println!("{}", running.base_url);
    // Serve until the parent closes our stdin (or is killed).
    tokio::task::spawn_blocking(|| std::io::stdin().lines().count()).await?;
    Ok(true)
}

/// The simulator child; killed when dropped so a failed soak leaves nothing behind.
pub(crate) struct SimProcess {
    child: Child,
    base_url: String,
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) fn start_simulator(products: usize) -> anyhow::Result<SimProcess> {
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

pub(crate) struct Soak {
    pub(crate) app: App,
    pub(crate) store_id: i64,
    pub(crate) settings: Settings,
    pub(crate) dir: TempDir,
    drop_database: Option<(String, String)>,
    pub(crate) http: reqwest::Client,
    pub(crate) sim_url: String,
    pub(crate) public_url: String,
    pub(crate) listen: String,
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
    pub(crate) async fn start(
        sim: &SimProcess,
        postgres_url: Option<&str>,
    ) -> anyhow::Result<Soak> {
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
        settings.server.job_lease_secs = 1;
        // Below 1, so every process counts its requests in the shared budget.
        settings.server.api_quota_share = SHARE;
        settings.server.order_poll_secs = 30;
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
    pub(crate) async fn import(&self) -> anyhow::Result<()> {
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

    pub(crate) async fn sim_get(&self, path: &str) -> anyhow::Result<Value> {
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
    pub(crate) async fn sim_stats(&self) -> anyhow::Result<Value> {
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
    pub(crate) async fn sim_v3_all(&self, path: &str, limit: usize) -> anyhow::Result<Vec<Value>> {
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

    pub(crate) async fn sim_put(&self, path: &str, body: Value) -> anyhow::Result<()> {
        self.http
            .put(format!("{}{path}", self.sim_url))
            .json(&body)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }

    pub(crate) async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
            .fetch_one(self.app.db.pool())
            .await?
            .get::<i64, _>(0))
    }

    pub(crate) async fn finish(self) -> anyhow::Result<()> {
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
pub(crate) type Sellable = (u64, u64);

/// Every variant of the simulator's catalog, read page by page.
pub(crate) async fn sellable(soak: &Soak) -> anyhow::Result<Vec<Sellable>> {
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
pub(crate) struct Vendors {
    /// (vendor id, name): the default vendor first, then the prefix vendor.
    pub(crate) ids: Vec<(i64, String)>,
    /// SKUs starting with it (uppercased) go to the second vendor.
    pub(crate) prefix: String,
    pub(crate) skus: Vec<String>,
    /// The vendor on its own BigCommerce store, with a prefix rule of its own.
    pub(crate) store_vendor: StoreVendor,
}

impl Vendors {
    /// The vendor the assignment rules should pick for a line with this SKU.
    pub(crate) fn expected_for(&self, sku: Option<&str>) -> i64 {
        let upper = sku.map(|s| s.trim().to_uppercase());
        match upper.as_deref() {
            Some(s) if s.starts_with(&self.store_vendor.prefix) => self.store_vendor.id,
            Some(s) if s.starts_with(&self.prefix) => self.ids[1].0,
            _ => self.ids[0].0,
        }
    }
}

pub(crate) async fn create_vendors(soak: &Soak) -> anyhow::Result<Vendors> {
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
    let store_vendor = create_store_vendor(soak, &skus, &prefix).await?;
    let vendors = Vendors {
        ids,
        prefix,
        skus,
        store_vendor,
    };
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

pub(crate) async fn set_stock(
    app: &App,
    vendor_id: i64,
    levels: &[(String, i64)],
) -> anyhow::Result<()> {
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
