//! The soak's vendor on its own BigCommerce store (issue 19): a second store in the simulator
//! with the merchant's catalog under shifted ids, connected as a third vendor's store, with a
//! prefix rule sending it part of the catalog. Its purchase orders become orders there (while
//! the fault phases hold, drop and refuse the vendor store's POSTs and the killer SIGKILLs
//! workers mid-create); its actor ships them there with the simulator's ship control, and
//! wharf brings those shipments back to the merchant's store.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use anyhow::{Context, bail};
use bigcommerce_sim::{Simulator, StoreSeed, StoreSpec};
use serde_json::{Value, json};
use sqlx::Row;
use tokio::sync::watch;
use wharf::app::vendors::AssignmentInput;
use wharf::domain::vendor::VendorInput;
use wharf::domain::vendor_store::VendorStoreInput;

use crate::actors::Tally;
use crate::setup::Soak;

pub(crate) const VENDOR_HASH: &str = "soakvendor1";
pub(crate) const VENDOR_TOKEN: &str = "soak-vendor-token";
const ID_OFFSET: u64 = 500_000;
pub(crate) const NAME: &str = "Soak Store Vendor";

/// Adds the vendor's store to the simulator: the merchant's catalog (as `serve_simulator`
/// seeds it) under shifted ids, and the API account the vendor makes for wharf.
pub(crate) fn seed(simulator: &Simulator, products: usize) {
    simulator.add_store(StoreSpec::sample(VENDOR_HASH));
    simulator.add_token(
        VENDOR_HASH,
        VENDOR_TOKEN,
        &[
            "store_v2_orders",
            "store_v2_products_read_only",
            "store_v2_information_read_only",
            "store_inventory_read_only",
            "store_locations_read_only",
        ],
    );
    simulator.seed_store(
        VENDOR_HASH,
        &StoreSeed {
            seed_products: products,
            variants_per_product: 3,
            seed_orders: 0,
            id_offset: ID_OFFSET,
        },
    );
}

/// The third vendor, whose purchase orders go to its own store.
pub(crate) struct StoreVendor {
    pub(crate) id: i64,
    /// SKUs starting with it (uppercased) go to this vendor.
    pub(crate) prefix: String,
}

/// Adds the vendor and its prefix rule (a brand code other than `taken`), then saves,
/// connects and reads its store. Its webhooks are registered by the workers, once they run.
pub(crate) async fn create_store_vendor(
    soak: &Soak,
    skus: &[String],
    taken: &str,
) -> anyhow::Result<StoreVendor> {
    let prefix = skus
        .iter()
        .filter_map(|s| s.split('-').next())
        .map(|code| format!("{}-", code.to_uppercase()))
        .find(|p| p != taken && p != "GEN-")
        .context("no second brand code in the catalog")?;
    let vendor = soak
        .app
        .add_vendor(&VendorInput {
            name: NAME.into(),
            email: String::new(),
        })
        .await?;
    soak.app
        .assign(
            soak.store_id,
            &AssignmentInput::SkuPrefix {
                prefix: prefix.clone(),
                vendor: NAME.into(),
            },
        )
        .await?;
    let id = vendor.vendor.id;
    let input = VendorStoreInput {
        store_url: Some(format!("store-{VENDOR_HASH}.mybigcommerce.com")),
        store_hash: Some(VENDOR_HASH.to_owned()),
        api_path: None,
        client_id: Some("soak-vendor".to_owned()),
        client_secret: Some("soak-vendor-secret".to_owned()),
        access_token: Some(VENDOR_TOKEN.to_owned()),
    };
    soak.app.save_vendor_store(id, &input).await?;
    let store = soak.app.connect_vendor_store(id).await?;
    if !store.is_connected() {
        bail!(
            "the vendor's store did not connect: {}",
            store.connection.label
        );
    }
    soak.app.read_vendor_catalog(id).await?;
    Ok(StoreVendor { id, prefix })
}

/// Every ~2 s the vendor ships up to three of its orders in its own store (everything on
/// them), as its own shipping app would.
pub(crate) async fn ship_in_store(
    soak_http: reqwest::Client,
    sim_url: String,
    app: wharf::app::App,
    vendor_id: i64,
    tally: Arc<Tally>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let Ok(open) = app.every_vendor_purchase_order(vendor_id, true).await else {
            continue;
        };
        let mut shipped = 0;
        for po in open
            .iter()
            .filter(|po| po.lines.iter().any(|l| l.quantity_shipped < l.quantity))
        {
            if shipped == 3 {
                break;
            }
            let Ok(Some(order)) = app.vendor_store_order(po.id).await else {
                continue;
            };
            let Some(number) = order.vendor_order_number else {
                continue;
            };
            let response = soak_http
                .post(format!(
                    "{sim_url}/__sim/stores/{VENDOR_HASH}/orders/{number}/ship"
                ))
                .json(&json!({}))
                .send()
                .await;
            // Refused when it shipped already (wharf has not read it back yet).
            if response.is_ok_and(|r| r.status().is_success()) {
                shipped += 1;
                tally.vendor_store_ships.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Purchase orders none of whose lines has one match in the vendor's store (the seeded
/// catalog has a few duplicate SKUs): wharf rightly flags them as not sendable, and no Send
/// again changes that until someone makes the match unique.
pub(crate) const UNSENDABLE: &str = "SELECT po.id FROM purchase_orders po WHERE NOT EXISTS
    (SELECT 1 FROM purchase_order_lines pol JOIN order_lines ol ON ol.id = pol.order_line_id
     JOIN vendor_store_matches m ON m.merchant_sku = ol.sku AND m.state = 'matched'
     WHERE pol.purchase_order_id = po.id)";

/// What an operator does with purchase orders the vendor's store refused (the refused-writes
/// phase): presses Send again on each. Those with nothing sendable stay flagged.
pub(crate) async fn send_refused_again(soak: &Soak, tally: &Tally) -> anyhow::Result<usize> {
    let failed = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT DISTINCT purchase_order_id FROM vendor_orders WHERE state = 'failed'
         AND purchase_order_id NOT IN
             (SELECT purchase_order_id FROM vendor_orders WHERE state <> 'failed' AND state <> 'replaced')
         AND purchase_order_id NOT IN ({UNSENDABLE})"
    )))
    .fetch_all(soak.app.db.pool())
    .await?;
    for row in &failed {
        soak.app
            .send_vendor_store_order_again(row.get::<i64, _>(0))
            .await?;
        tally
            .vendor_orders_sent_again
            .fetch_add(1, Ordering::Relaxed);
    }
    Ok(failed.len())
}

/// The reconciling read of every vendor order's shipments, as the clock runs it, until each
/// was read once since the load stopped.
pub(crate) async fn poll_all(soak: &Soak) -> anyhow::Result<()> {
    let store_id: i64 = sqlx::query("SELECT id FROM stores WHERE store_hash = $1")
        .bind(VENDOR_HASH)
        .fetch_one(soak.app.db.pool())
        .await?
        .get(0);
    let open = soak
        .count("SELECT COUNT(*) FROM vendor_orders WHERE state IN ('created', 'cancelled')")
        .await?;
    // The poll reads at most 25 vendor orders a run (`vendor_store_orders::POLL_BATCH`).
    let batch = 25;
    for _ in 0..=(open / batch) {
        soak.app.poll_vendor_store_orders(store_id).await?;
        crate::drain(soak, Duration::from_secs(60)).await?;
    }
    Ok(())
}

/// GETs from the vendor's store with the vendor's token.
pub(crate) async fn vendor_get(soak: &Soak, path: &str) -> anyhow::Result<Value> {
    let response = soak
        .http
        .get(format!("{}/stores/{VENDOR_HASH}{path}", soak.sim_url))
        .header("X-Auth-Token", VENDOR_TOKEN)
        .send()
        .await?
        .error_for_status()?;
    if response.status() == reqwest::StatusCode::NO_CONTENT {
        return Ok(json!([]));
    }
    Ok(response.json().await?)
}
