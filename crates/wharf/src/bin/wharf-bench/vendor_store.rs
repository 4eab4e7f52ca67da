//! `wharf-bench vendor-store` (issue 19): a merchant's store and a vendor's own store in one
//! simulator, every purchase order routed to that vendor. Three latencies, each at a steady
//! rate and timed from the moment of the cause:
//! - purchase order → vendor order created in the vendor's store (target p99 ≤ 1 s);
//! - the vendor's shipment (the simulator's "ship this order" control) → the merchant's
//!   BigCommerce shipment (target p99 ≤ 2 s);
//! - a stock change in the vendor's store (the simulator's inventory control) → the merchant's
//!   level (target p99 ≤ 3 s);
//!
//! and the requests wharf sends the vendor's store per purchase order (target: one create and
//! at most one read).

mod phases;

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::{Value, json};
use sqlx::Row;

use wharf::domain::vendor_store::VendorStoreInput;

use crate::harness::{BenchWharf, serve_with_webhooks, start_simulator};
use crate::measure::peak_rss;
use crate::{STORE_HASH, TOKEN};

pub(crate) const VENDOR_HASH: &str = "benchvendor1";
const VENDOR_TOKEN: &str = "bench-vendor-token";
/// The vendor's store sells the merchant's SKUs under ids shifted by this.
const ID_OFFSET: u64 = 500_000;
const PRODUCTS: usize = 200;
const VARIANTS_PER_PRODUCT: usize = 3;

pub(crate) struct VendorStoreBench {
    pub(crate) orders: usize,
    pub(crate) rate: u32,
    pub(crate) stock_changes: usize,
    pub(crate) postgres_url: Option<String>,
}

pub(crate) async fn bench_vendor_store(run: VendorStoreBench) -> anyhow::Result<()> {
    let sim = start_simulator(PRODUCTS, VARIANTS_PER_PRODUCT, None, 0)?;
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let public_url: url::Url = format!("http://{}", listener.local_addr()?).parse()?;
    let bench = BenchWharf::start(&sim, run.postgres_url.as_deref(), Some(public_url)).await?;
    add_vendor_store(&bench).await?;
    bench.import_and_route_to_one_vendor().await?;
    let vendor_id: i64 = sqlx::query("SELECT id FROM vendors WHERE name = 'Bench Vendor'")
        .fetch_one(bench.app.db.pool())
        .await?
        .get("id");

    // wharf as deployed: HTTP (both stores' webhooks) and workers in one process.
    let (stop, serving) = serve_with_webhooks(&bench, listener).await?;
    connect_vendor_store(&bench, vendor_id).await?;
    let database = if run.postgres_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "vendor store benchmark ({database}, webhooks on): {} purchase orders at {}/s to a vendor on its own BigCommerce store",
        run.orders, run.rate
    );
    let started = Instant::now();
    let created = phases::orders_to_vendor(&bench, run.orders, run.rate).await?;
    let shipped = phases::vendor_ships(&bench, &created, run.rate).await?;
    let stock = phases::vendor_stock(&bench, run.stock_changes, run.rate).await?;
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = serving.await;

    created.print("purchase order → vendor order created", 1_000, run.orders);
    created.print_vendor_requests(run.orders);
    shipped.print(
        "vendor's shipment → merchant's BigCommerce shipment",
        2_000,
        created.latencies.len(),
    );
    stock.print(
        "vendor stock change → merchant's level",
        3_000,
        run.stock_changes,
    );
    println!("  wall time          {:.2} s", elapsed.as_secs_f64());
    println!("  peak RSS (wharf)   {}", peak_rss());
    bench.finish().await?;
    let complete = created.latencies.len() == run.orders
        && shipped.latencies.len() == created.latencies.len()
        && stock.latencies.len() == run.stock_changes;
    if !complete {
        bail!("not everything arrived within the deadlines (see the counts above)");
    }
    Ok(())
}

/// The vendor's store in the simulator: the merchant's catalog under shifted ids, and the API
/// account the vendor creates for wharf.
async fn add_vendor_store(bench: &BenchWharf) -> anyhow::Result<()> {
    bench
        .http
        .post(format!("{}/__sim/stores", bench.sim_url))
        .json(&json!({
            "hash": VENDOR_HASH,
            "seed_products": PRODUCTS,
            "variants_per_product": VARIANTS_PER_PRODUCT,
            "id_offset": ID_OFFSET,
        }))
        .send()
        .await?
        .error_for_status()
        .context("adding the vendor's store to the simulator")?;
    bench
        .http
        .post(format!(
            "{}/__sim/stores/{VENDOR_HASH}/tokens",
            bench.sim_url
        ))
        .json(&json!({
            "access_token": VENDOR_TOKEN,
            "scopes": [
                "store_v2_orders",
                "store_v2_products_read_only",
                "store_v2_information_read_only",
                "store_inventory_read_only",
                "store_locations_read_only",
            ],
        }))
        .send()
        .await?
        .error_for_status()
        .context("adding the vendor store's token")?;
    Ok(())
}

/// Saves and connects the vendor's store (its webhooks registered), then reads its catalog so
/// its variants match the merchant's items.
async fn connect_vendor_store(bench: &BenchWharf, vendor_id: i64) -> anyhow::Result<()> {
    let input = VendorStoreInput {
        store_url: Some(format!("store-{VENDOR_HASH}.mybigcommerce.com")),
        store_hash: Some(VENDOR_HASH.to_owned()),
        api_path: None,
        client_id: Some("bench-vendor".to_owned()),
        client_secret: Some("bench-vendor-secret".to_owned()),
        access_token: Some(VENDOR_TOKEN.to_owned()),
    };
    bench.app.save_vendor_store(vendor_id, &input).await?;
    let store = bench.app.connect_vendor_store(vendor_id).await?;
    if !store.is_connected() {
        bail!(
            "the vendor's store did not connect: {}",
            store.connection.label
        );
    }
    let report = bench.app.read_vendor_catalog(vendor_id).await?;
    println!(
        "  vendor store: {} variants read, {} matched to the merchant's",
        report.variants, report.matched
    );
    // Its webhooks (registered by a job the connect queued) before anything is timed.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let stats = bench.sim_stats().await?;
        if stats["by_store"][VENDOR_HASH]["by_endpoint"]["POST /v3/hooks"]
            .as_u64()
            .unwrap_or(0)
            > 0
        {
            break;
        }
        if Instant::now() > deadline {
            bail!("the vendor store's webhooks were not registered");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the registration finish (one request per scope) and the first reads settle.
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}

/// A merchant's variant: product id, variant id, SKU, and whether its product tracks
/// inventory by variant.
pub(crate) type MerchantVariant = (u64, u64, String, bool);

/// The merchant's sellable variants, one per product.
pub(crate) async fn merchant_variants(bench: &BenchWharf) -> anyhow::Result<Vec<MerchantVariant>> {
    let products: Value = bench
        .http
        .get(format!(
            "{}/stores/{STORE_HASH}/v3/catalog/products?include=variants&limit=250",
            bench.sim_url
        ))
        .header("X-Auth-Token", TOKEN)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(products["data"]
        .as_array()
        .context("catalog")?
        .iter()
        .filter_map(|p| {
            let variant = &p["variants"][0];
            let sku = variant["sku"].as_str().filter(|s| !s.is_empty())?;
            let by_variant = p["inventory_tracking"] == "variant";
            Some((
                p["id"].as_u64()?,
                variant["id"].as_u64()?,
                sku.to_owned(),
                by_variant,
            ))
        })
        .collect())
}
