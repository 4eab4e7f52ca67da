//! A full push walks the store a chunk of items at a time and holds only what it sends: these
//! tests make the chunk a few items, so that a small catalog is many chunks, and check that
//! the walk publishes what one look at the whole store would.

use bigcommerce_sim::InventoryTracking;
use serde_json::{Value, json};

use crate::helpers::{STORE_HASH, spawn_app_without_workers};
use crate::inventory::{level, put_stock, stocked_store};

#[tokio::test]
async fn a_full_push_in_chunks_of_three_items_judges_skus_store_wide_and_flags_refusals() {
    let app = spawn_app_without_workers().await;
    let shop = stocked_store(&app).await;
    let variants = &shop.by_variant;
    let (first, last) = (&variants[0], &variants[variants.len() - 1]);
    let refused = &variants[3];
    let zero = &variants[2];
    let items: Vec<Value> = variants
        .iter()
        .enumerate()
        .map(|(n, v)| json!({ "sku": v.2, "quantity": if v.2 == zero.2 { 0 } else { 10 + n } }))
        .collect();
    assert_eq!(
        put_stock(&app, &shop.token, json!(items)).await.status(),
        200
    );
    // The last item takes the first one's SKU (in wharf's copy of the catalog): one SKU now
    // names two items that are many chunks apart, and counts for neither.
    sqlx::query("UPDATE variants SET sku = $1 WHERE sku = $2")
        .bind(&first.2)
        .bind(&last.2)
        .execute(app.app.db.pool())
        .await
        .unwrap();
    // Someone switches one product to product-level tracking: BigCommerce refuses its variant.
    app.sim
        .simulator
        .update_product(STORE_HASH, refused.0, |p| {
            p.inventory_tracking = InventoryTracking::Product;
        });
    let before = (level(&app, first.1), level(&app, last.1));

    let mut walker = app.app.clone();
    walker.inventory_push_chunk = 3;
    app.sim.simulator.reset_stats();
    let report = walker.push_inventory(shop.store_id, true).await.unwrap();

    assert_eq!(report.refused, 1, "{report:?}");
    assert_eq!(report.pushed, variants.len() - 3, "{report:?}");
    // One batch, sent again without the refused item.
    assert_eq!(report.requests, 2, "{report:?}");
    assert_eq!((level(&app, first.1), level(&app, last.1)), before);
    assert_eq!(level(&app, zero.1), Some(0));
    for (n, v) in variants.iter().enumerate() {
        if [&first.2, &last.2, &refused.2, &zero.2].contains(&&v.2) {
            continue;
        }
        assert_eq!(level(&app, v.1), Some(10 + n as i64), "{}", v.2);
    }
    let flagged: Vec<(i64, String)> =
        sqlx::query_as("SELECT item_id, error FROM published_stock WHERE error IS NOT NULL")
            .fetch_all(app.app.db.pool())
            .await
            .unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");

    // The same store walked in one chunk finds every level as sent: nothing differs but the
    // refused item, tried again.
    let whole = app
        .app
        .push_inventory_now(shop.store_id, false)
        .await
        .unwrap();
    assert_eq!((whole.pushed, whole.refused), (0, 1), "{whole:?}");
}
