//! The demo's third vendor, Fabrikam Direct, who sells on its own BigCommerce store: a second
//! store in the same simulator, seeded with the merchant's catalog under other ids (so every
//! SKU matches), connected green at start through the same use cases as the vendor's page.
//! Purchase orders for Fabrikam items become orders in that store; this vendor's actor then
//! ships them and changes its stock *there*, as the vendor's own apps would, and wharf reads
//! both back (webhooks plus the reconciling reads) — so the merchant's orders, shipments and
//! stock keep moving through it.

use std::time::Duration;

use anyhow::Context;
use bigcommerce_sim::{ShipRequest, Simulator, StoreSeed, StoreSpec};
use rand::Rng;
use rand::seq::IndexedRandom;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::watch;

use super::actors::Sellable;
use super::secrets::random_secret;
use crate::app::App;
use crate::domain::vendor_store::VendorStoreInput;

/// The vendor's own store in the simulator.
pub const VENDOR_STORE_HASH: &str = "fabrikam01";
pub const VENDOR_NAME: &str = "Fabrikam Direct";
/// The merchant's items routed to Fabrikam Direct (by the rules, as a merchant would): two
/// brands, so a tenth of what the shopper buys goes through its store.
pub const SKU_PREFIXES: [&str; 2] = ["FABRIKAM-", "TAILSPIN-"];

/// Whether the rules send this SKU to Fabrikam Direct.
pub fn routed_here(sku: &str) -> bool {
    SKU_PREFIXES.iter().any(|p| sku.starts_with(p))
}
/// Its products and variants are the merchant's shifted by this, so a mix-up of the two
/// stores' ids cannot pass by luck.
const ID_OFFSET: u64 = 500_000;
/// The scopes a vendor ticks for wharf in its own store (Connect checks them).
const VENDOR_SCOPES: &[&str] = &[
    "store_v2_orders",
    "store_v2_products_read_only",
    "store_v2_information_read_only",
    "store_inventory_read_only",
    "store_locations_read_only",
];
/// The simulated store's only location (its default).
const LOCATION_ID: u64 = 1;

/// The vendor's store, seeded, with the credentials its owner gives wharf.
pub struct VendorStoreSeed {
    spec: StoreSpec,
    access_token: SecretString,
}

impl VendorStoreSeed {
    /// Adds the vendor's store to the simulator with the merchant's catalog (`products`,
    /// `variants_per_product` as the merchant's seed) under shifted ids.
    pub fn seed(simulator: &Simulator, products: usize, variants_per_product: usize) -> Self {
        let spec = StoreSpec::sample(VENDOR_STORE_HASH);
        simulator.add_store(spec.clone());
        let access_token = random_secret("vendor_token_");
        simulator.add_token(
            VENDOR_STORE_HASH,
            access_token.expose_secret(),
            VENDOR_SCOPES,
        );
        simulator.seed_store(
            VENDOR_STORE_HASH,
            &StoreSeed {
                seed_products: products,
                variants_per_product,
                seed_orders: 0,
                id_offset: ID_OFFSET,
            },
        );
        VendorStoreSeed { spec, access_token }
    }

    /// Saves and connects the store as the vendor's (green, its webhooks registered), then
    /// reads its catalog so its variants match the merchant's items.
    pub async fn connect(&self, app: &App, vendor_id: i64) -> anyhow::Result<()> {
        let input = VendorStoreInput {
            store_url: Some(self.spec.secure_url.clone()),
            store_hash: Some(VENDOR_STORE_HASH.to_owned()),
            api_path: None,
            client_id: Some("fabrikam-client".to_owned()),
            client_secret: Some(random_secret("vendor_secret_").expose_secret().to_owned()),
            access_token: Some(self.access_token.expose_secret().to_owned()),
        };
        app.save_vendor_store(vendor_id, &input)
            .await
            .context("saving Fabrikam Direct's store")?;
        let store = app
            .connect_vendor_store(vendor_id)
            .await
            .context("connecting Fabrikam Direct's store")?;
        anyhow::ensure!(
            store.is_connected(),
            "Fabrikam Direct's store did not connect: {}",
            store.connection.label
        );
        app.read_vendor_catalog(vendor_id)
            .await
            .context("reading Fabrikam Direct's catalog")?;
        Ok(())
    }
}

/// Every `every`, the vendor ships one of its orders wharf sent it (the oldest with something
/// unshipped) in its own store, and changes the stock of a few of its SKUs there.
pub async fn act(
    app: App,
    simulator: Simulator,
    vendor_id: i64,
    skus: Vec<Sellable>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        if let Err(e) = ship_one(&app, &simulator, vendor_id).await {
            tracing::debug!(error = %e, "the demo's vendor store could not ship");
        }
        change_stock(&simulator, &skus, 3);
    }
}

/// Ships, in the vendor's store, the oldest order wharf created there that is not all shipped.
async fn ship_one(app: &App, simulator: &Simulator, vendor_id: i64) -> anyhow::Result<()> {
    let open = app.every_vendor_purchase_order(vendor_id, true).await?;
    for po in open
        .iter()
        .filter(|po| po.lines.iter().any(|l| l.quantity_shipped < l.quantity))
    {
        let Some(number) = app
            .vendor_store_order(po.id)
            .await?
            .and_then(|o| o.vendor_order_number)
        else {
            continue;
        };
        let Ok(number) = u64::try_from(number) else {
            continue;
        };
        // Already shipped there (wharf has not read it back yet): the next one.
        if simulator
            .ship_order(VENDOR_STORE_HASH, number, &ShipRequest::default())
            .is_ok()
        {
            return Ok(());
        }
    }
    Ok(())
}

/// Sets a new level for `count` random SKUs in the vendor's store (its inventory webhook fires).
pub fn change_stock(simulator: &Simulator, skus: &[Sellable], count: usize) {
    let mut rng = rand::rng();
    let chosen: Vec<&Sellable> = if count == 0 {
        skus.iter().collect()
    } else {
        skus.choose_multiple(&mut rng, count).collect()
    };
    for (_, _, sku) in chosen {
        let level = rng.random_range(5..=40);
        if let Err(e) = simulator.set_stock_by_sku(VENDOR_STORE_HASH, sku, LOCATION_ID, level) {
            tracing::debug!(error = %e, sku, "the demo's vendor store kept its stock");
        }
    }
}
