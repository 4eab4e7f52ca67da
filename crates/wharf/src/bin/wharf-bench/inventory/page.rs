//! The Inventory page's reads, each timed once: what an operator waits for when opening the
//! page or the store's items, which should not grow with the catalog.

use std::time::Instant;

use wharf::app::inventory::items::ItemStockQuery;

use crate::harness::BenchWharf;

/// Times the reads behind the Inventory page (the store's section, the vendor's unmatched and
/// not-routed lists) and the first page of the store's items.
pub(super) async fn page_reads(bench: &BenchWharf, vendor_id: i64) -> anyhow::Result<()> {
    let app = &bench.app;
    println!("Inventory page reads (each timed once)");
    let started = Instant::now();
    let view = app.inventory_view(bench.store_id).await?;
    print_read("store section", started, view.published);
    let started = Instant::now();
    let unmatched = app.unmatched_skus(vendor_id).await?;
    print_read("unmatched SKUs", started, unmatched.first.len());
    let started = Instant::now();
    let not_routed = app.not_routed_skus(vendor_id).await?;
    print_read("not routed SKUs", started, not_routed.len());
    let started = Instant::now();
    let items = app
        .inventory_items(bench.store_id, &ItemStockQuery::default())
        .await?;
    print_read("items, first page", started, items.items.len());
    let started = Instant::now();
    let by_vendor = ItemStockQuery {
        vendor_id: Some(vendor_id),
        ..ItemStockQuery::default()
    };
    let items = app.inventory_items(bench.store_id, &by_vendor).await?;
    print_read("items of the vendor", started, items.items.len());
    Ok(())
}

fn print_read(what: &str, started: Instant, rows: usize) {
    println!(
        "  {what:<20} {:>8.1} ms  ({rows} shown or counted)",
        started.elapsed().as_secs_f64() * 1000.0
    );
}
