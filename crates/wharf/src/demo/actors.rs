//! The demo's cast: a shopper placing orders in the simulated store every few seconds, and two
//! vendors shipping what they were sent and reporting stock — so a newcomer watching the UI sees
//! orders arrive, split into purchase orders, shipments reach BigCommerce and stock move.
//!
//! They act through the same doors as real ones: the shopper through the simulator (as a
//! storefront checkout would), the vendors through wharf's use cases (as the vendor API does).

use std::time::Duration;

use bigcommerce_sim::{ShopperAddress, ShopperLine, ShopperOrder, Simulator};
use rand::Rng;
use rand::seq::IndexedRandom;
use tokio::sync::watch;

use crate::app::App;
use crate::app::inventory::{StockInput, StockItemInput};
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};

/// A sellable variant of the demo catalog: (product id, variant id, SKU).
pub type Sellable = (u64, u64, String);

const CARRIERS: [&str; 6] = [
    "UPS",
    "FedEx",
    "USPS",
    "DHL Express",
    "Royal Mail",
    "Speedy Couriers",
];

/// Places an order of 1–3 lines every `every`; one in four ships to two addresses (and has at
/// least two lines).
pub async fn shopper(
    sim: Simulator,
    store_hash: &'static str,
    sellable: Vec<Sellable>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        let order = {
            let mut rng = rand::rng();
            let two_addresses = rng.random_ratio(1, 4);
            // Every address needs a line shipping to it (the store refuses the order otherwise),
            // so an order to two addresses has at least two lines, alternating between them.
            let line_count = if two_addresses {
                rng.random_range(2..=3)
            } else {
                rng.random_range(1..=3)
            };
            let lines: Vec<ShopperLine> = (0..line_count)
                .filter_map(|i| {
                    let (product, variant, _) = sellable.choose(&mut rng)?;
                    let to = if two_addresses { i % 2 } else { 0 };
                    Some(
                        ShopperLine::catalog(*product, Some(*variant), rng.random_range(1..=2))
                            .to(to),
                    )
                })
                .collect();
            let mut order = ShopperOrder::new(lines);
            order.addresses = (0..if two_addresses { 2 } else { 1 })
                .map(|n| ShopperAddress::sample(rng.random_range(0..4) + n))
                .collect();
            order
        };
        sim.place_order(store_hash, order);
    }
}

/// One of the demo's own vendors: its id and the SKUs it stocks.
pub struct DemoVendor {
    pub id: i64,
    pub skus: Vec<Sellable>,
}

/// Every `every`, each of the demo's vendors (and no other) ships its oldest open purchase
/// order with something unshipped (with a random carrier, sometimes one wharf doesn't know)
/// and reports new stock for a few of its SKUs.
pub async fn vendors(
    app: App,
    cast: Vec<DemoVendor>,
    every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut sequence = 0u32;
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
        for vendor in &cast {
            sequence += 1;
            if let Err(e) = ship_one(&app, vendor.id, sequence).await {
                tracing::debug!(error = %e, "demo vendor could not ship");
            }
            if let Err(e) = report_stock(&app, vendor.id, &vendor.skus, 5).await {
                tracing::debug!(error = %e, "demo vendor could not report stock");
            }
        }
    }
}

async fn ship_one(app: &App, vendor_id: i64, sequence: u32) -> anyhow::Result<()> {
    let open = app.every_vendor_purchase_order(vendor_id, true).await?;
    let Some(po) = open
        .iter()
        .find(|po| po.lines.iter().any(|l| l.quantity_shipped < l.quantity))
    else {
        return Ok(());
    };
    let carrier = *CARRIERS.choose(&mut rand::rng()).expect("carriers");
    let input = ShipmentInput {
        tracking_number: format!("DEMO{sequence:06}{}", po.id),
        carrier: carrier.to_owned(),
        tracking_url: (carrier == "Speedy Couriers")
            .then(|| format!("https://speedy.example/track/DEMO{sequence:06}")),
        shipping_method: None,
        lines: po
            .lines
            .iter()
            .filter(|l| l.quantity_shipped < l.quantity && l.address_id.is_some())
            .map(|l| ShipmentLineInput {
                line_id: Some(l.order_line_id),
                sku: None,
                quantity: l.quantity - l.quantity_shipped,
            })
            .collect(),
    };
    if !input.lines.is_empty() {
        app.record_shipment(po.id, Some(vendor_id), ShipmentSource::VendorApi, &input)
            .await?;
    }
    Ok(())
}

/// Reports stock for `count` random SKUs (or all of them with `count` 0).
pub async fn report_stock(
    app: &App,
    vendor_id: i64,
    sellable: &[Sellable],
    count: usize,
) -> anyhow::Result<()> {
    let items: Vec<StockItemInput> = {
        let mut rng = rand::rng();
        let chosen: Vec<&Sellable> = if count == 0 {
            sellable.iter().collect()
        } else {
            sellable.choose_multiple(&mut rng, count).collect()
        };
        chosen
            .into_iter()
            .map(|(_, _, sku)| StockItemInput {
                sku: sku.clone(),
                quantity: rng.random_range(0..=40),
                warehouse: None,
            })
            .collect()
    };
    if !items.is_empty() {
        app.set_vendor_stock(vendor_id, &StockInput { items })
            .await?;
    }
    Ok(())
}
