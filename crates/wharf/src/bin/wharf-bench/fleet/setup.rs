//! The fleet's database: a fresh PostgreSQL database with every store added and its catalog
//! imported (in this process, before wharf's processes start), one vendor per store routed
//! every line by the store's default rule, and that vendor's first stock of what shoppers buy.

use std::path::PathBuf;

use anyhow::Context;
use serde_json::Value;
use tempfile::TempDir;
use wharf::app::App;
use wharf::app::inventory::{StockInput, StockItemInput};
use wharf::app::vendors::AssignmentInput;
use wharf::config::Settings;
use wharf::domain::store::NewStoreInput;
use wharf::domain::vendor::VendorInput;

use super::simulator::{TOKEN, store_hash};
use crate::harness::{CreatedDatabase, drop_database, fresh_database, import_catalogs};

/// Stock each store's vendor reports for the variants shoppers buy: more than a run sells.
const STOCK_OF_ORDERED: i64 = 1_000_000;

/// One store of the fleet and its vendor.
pub(crate) struct FleetStore {
    pub(crate) hash: String,
    pub(crate) store_id: i64,
    pub(crate) vendor_token: String,
}

/// The fleet's database, opened in this process for set-up and for measuring.
pub(crate) struct FleetDatabase {
    pub(crate) app: App,
    pub(crate) url: String,
    pub(crate) key_file: PathBuf,
    _dir: TempDir,
    created: Option<CreatedDatabase>,
}

impl FleetDatabase {
    pub(crate) async fn create(
        postgres_url: &str,
        sim_url: &str,
        public_url: &str,
    ) -> anyhow::Result<FleetDatabase> {
        let dir = tempfile::tempdir()?;
        let (url, created) = fresh_database(&dir, Some(postgres_url)).await?;
        // Named, so the database's activity can be watched (pg_stat_activity.datname).
        println!("database: {}", url.rsplit('/').next().unwrap_or_default());
        let key_file = dir.path().join("wharf.key");
        let settings = Settings::local(
            url.clone(),
            key_file.clone(),
            sim_url.parse()?,
            Some(public_url.parse()?),
        );
        let app = App::open(&settings).await?;
        Ok(FleetDatabase {
            app,
            url,
            key_file,
            _dir: dir,
            created,
        })
    }

    pub(crate) async fn drop(self) -> anyhow::Result<()> {
        self.app.db.close().await;
        drop_database(self.created).await
    }
}

/// Adds `count` stores, imports their catalogs, and gives each its own vendor (the store's
/// default rule) with stock for `ordered_skus`.
pub(crate) async fn add_stores(
    db: &FleetDatabase,
    count: usize,
    ordered_skus: &[String],
) -> anyhow::Result<Vec<FleetStore>> {
    let mut stores = Vec::with_capacity(count);
    for index in 0..count {
        let hash = store_hash(index);
        let store = db
            .app
            .add_store(&NewStoreInput {
                name: format!("Fleet {:02}", index + 1),
                store_url: format!("store-{hash}.mybigcommerce.com"),
                store_hash: hash.clone(),
                client_id: format!("fleet-{hash}"),
                client_secret: "fleet-secret".into(),
                access_token: TOKEN.into(),
                auth_type: "private".into(),
                ..NewStoreInput::default()
            })
            .await?;
        stores.push((hash, store.id));
    }
    let ids: Vec<i64> = stores.iter().map(|(_, id)| *id).collect();
    println!("importing {count} catalogs…");
    import_catalogs(&db.app, &ids).await?;
    let mut fleet = Vec::with_capacity(count);
    for (hash, store_id) in stores {
        let name = format!("Vendor of {hash}");
        let vendor = db
            .app
            .add_vendor(&VendorInput {
                name: name.clone(),
                email: String::new(),
            })
            .await?;
        db.app
            .assign(store_id, &AssignmentInput::Default { vendor: name })
            .await?;
        let items = ordered_skus
            .iter()
            .map(|sku| StockItemInput {
                sku: sku.clone(),
                quantity: STOCK_OF_ORDERED,
                warehouse: None,
            })
            .collect();
        db.app
            .set_vendor_stock(vendor.vendor.id, &StockInput { items })
            .await?;
        fleet.push(FleetStore {
            hash,
            store_id,
            vendor_token: secrecy::ExposeSecret::expose_secret(&vendor.api_token_once).to_owned(),
        });
    }
    Ok(fleet)
}

/// What the load touches in every store (the stores are seeded alike, so one catalog serves
/// all): the variants shoppers buy, and the others, whose levels vendors change.
pub(crate) struct LoadCatalog {
    /// (product id, variant id, SKU): one variant of each of the first products.
    pub(crate) ordered: Vec<(u64, u64, String)>,
    /// (variant id, SKU) of variants no shopper buys, so only the vendor moves their level.
    pub(crate) restocked: Vec<(u64, String)>,
}

/// Variants shoppers buy (one each of this many products).
const ORDERED_VARIANTS: usize = 200;

/// Reads the first store's catalog (before the measured run: these reads are the benchmark's)
/// and picks variants tracked by variant whose SKU no other variant has, so a vendor's stock
/// for the SKU is that one variant's level.
pub(crate) async fn load_catalog(
    http: &reqwest::Client,
    sim_url: &str,
) -> anyhow::Result<LoadCatalog> {
    let hash = store_hash(0);
    let mut variants: Vec<(u64, u64, String)> = Vec::new();
    for page in 1.. {
        let body: Value = http
            .get(format!(
                "{sim_url}/stores/{hash}/v3/catalog/products?include=variants&limit=250&page={page}"
            ))
            .header("X-Auth-Token", TOKEN)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let products = body["data"].as_array().context("a catalog page")?;
        for product in products {
            if product["inventory_tracking"] != "variant" {
                continue;
            }
            for variant in product["variants"].as_array().into_iter().flatten() {
                if let (Some(p), Some(v), Some(sku)) = (
                    product["id"].as_u64(),
                    variant["id"].as_u64(),
                    variant["sku"].as_str().filter(|s| !s.trim().is_empty()),
                ) {
                    variants.push((p, v, sku.trim().to_owned()));
                }
            }
        }
        if products.len() < 250 {
            break;
        }
    }
    let mut count = std::collections::HashMap::new();
    for (_, _, sku) in &variants {
        *count.entry(sku.to_uppercase()).or_insert(0) += 1;
    }
    variants.retain(|(_, _, sku)| count[&sku.to_uppercase()] == 1);
    let mut ordered = Vec::new();
    let mut restocked = Vec::new();
    let mut last_product = None;
    for (product, variant, sku) in variants {
        if last_product != Some(product) && ordered.len() < ORDERED_VARIANTS {
            ordered.push((product, variant, sku));
        } else if !ordered.iter().any(|(p, _, _)| *p == product) {
            restocked.push((variant, sku));
        }
        last_product = Some(product);
    }
    Ok(LoadCatalog { ordered, restocked })
}
