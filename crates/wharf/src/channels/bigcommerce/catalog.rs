//! Importing the store's catalog: BigCommerce products and variants become wharf's.
//!
//! Products are read 250 at a time with their variants inline, in id order by keyset
//! (`id:greater` the last id stored), so a product deleted mid-run cannot shift a page and make
//! the run skip another. Each page is stored in one transaction together with the run's
//! checkpoint (the last id), so a run that dies resumes after the last stored page.
//! Brands are read once per run. A product whose `variants` did not come inline has them read
//! separately, many products per request.

use std::collections::HashMap;

use bigcommerce::{
    BcError, Brand, InventoryTracking as WireTracking, MAX_V3_PAGE_SIZE, PageBound, PageWalk,
    Product, ProductQuery, ProductSort, ProductSortField, SortDirection, StoreClient,
    UnreadableRow, Variant,
};

use crate::db::catalog::{self, ImportRecord};
use crate::db::{Db, DbError};
use crate::domain::catalog::{CatalogProduct, CatalogVariant, InventoryTracking, normalize_code};
use crate::domain::catalog_issues::{DataIssue, DataIssueKind, check_product};

/// The tables an import fills, whose statistics it refreshes as they grow.
const CATALOG_TABLES: &[&str] = &["bindings", "products", "variants"];

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Remote(#[from] BcError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for SyncError {
    fn from(error: sqlx::Error) -> Self {
        SyncError::Db(error.into())
    }
}

/// Runs (or resumes) an import until every page is stored and the run is finished.
pub async fn import_catalog(
    db: &Db,
    client: &StoreClient,
    run: &ImportRecord,
) -> Result<(), SyncError> {
    let brands: HashMap<u64, String> = client
        .all_brands()
        .await?
        .into_iter()
        .map(|Brand { id, name }| (id, name))
        .collect();
    let mut after = run.last_product_id.max(0) as u64;
    let mut pages_done = run.counts.pages_done;
    let mut bound = PageBound::new("v3/catalog/products", PageWalk::Keyset);
    loop {
        let query = ProductQuery {
            limit: MAX_V3_PAGE_SIZE,
            include_variants: true,
            id_greater: (after > 0).then_some(after),
            date_modified_min: run
                .modified_since_ms
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
            sort: Some(ProductSort {
                field: ProductSortField::Id,
                direction: SortDirection::Asc,
            }),
            ..ProductQuery::default()
        };
        let page = client.products_page(&query).await?;
        // With keyset paging the total counts what is left, this page included.
        let pages_left = page
            .pagination
            .as_ref()
            .map_or(1, |p| i64::from(p.total_pages).max(1));
        let more = bound.after_v3_page(&page, MAX_V3_PAGE_SIZE, |product| product.id)?;
        let read_ids = page.data.iter().map(|p| p.id);
        let unreadable_ids = page.unreadable.iter().filter_map(|row| row.id);
        let Some(last_id) = read_ids.chain(unreadable_ids).max() else {
            break;
        };
        if last_id <= after {
            // Keyset paging asked for ids after `after`: an answer without any is not the next
            // page, and storing it would move the checkpoint backwards.
            return Err(BcError::BrokenPaging {
                request: "GET v3/catalog/products".into(),
                problem: format!("asked for products after id {after}, it answered none"),
            }
            .into());
        }
        let mut issues: Vec<DataIssue> = page.unreadable.iter().map(unreadable_product).collect();
        let products = with_all_variants(client, page.data, &mut issues).await?;
        let products: Vec<CatalogProduct> = products
            .into_iter()
            .map(|(product, variants)| {
                let (product, found) = to_catalog_product(product, variants, &brands);
                issues.extend(found);
                product
            })
            .collect();

        pages_done += 1;
        let pages_total = pages_done - 1 + pages_left;
        let mut tx = db.begin().await?;
        let stored = catalog::store_page(
            &mut tx,
            run,
            &products,
            &issues,
            after as i64,
            last_id as i64,
            pages_total,
        )
        .await?;
        if stored.is_none() {
            tracing::info!(
                run = run.id,
                "another runner of this import is ahead; stopping this one"
            );
            tx.rollback().await?;
            return Ok(());
        }
        tx.commit().await?;
        tracing::debug!(
            run = run.id,
            page = pages_done,
            last_id,
            "catalog page stored"
        );
        if (pages_done as u64).is_power_of_two() {
            // The tables are growing fast: keep the planner's picture of them current.
            db.refresh_statistics(CATALOG_TABLES).await?;
        }
        after = last_id;
        if !more {
            break;
        }
    }
    let mut run = catalog::get_import(db, run.id)
        .await?
        .unwrap_or_else(|| run.clone());
    if run.last_product_id != after as i64 {
        tracing::info!(
            run = run.id,
            "another runner of this import is ahead; stopping this one"
        );
        return Ok(());
    }
    run.last_product_id = after as i64;
    db.refresh_statistics(CATALOG_TABLES).await?;
    let mut tx = db.begin().await?;
    if catalog::finish_import(&mut tx, &run).await? {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(())
}

/// Pairs each product with all its variants, reading separately those not inlined; a variant
/// that read could not decode is reported on its product.
async fn with_all_variants(
    client: &StoreClient,
    products: Vec<Product>,
    issues: &mut Vec<DataIssue>,
) -> Result<Vec<(Product, Vec<Variant>)>, BcError> {
    // Every BigCommerce product has at least its base variant: an absent or empty list means
    // the variants were not inlined, not that there are none.
    let missing: Vec<u64> = products
        .iter()
        .filter(|p| p.variants.as_ref().is_none_or(Vec::is_empty))
        .map(|p| p.id)
        .collect();
    let mut fetched: HashMap<u64, Vec<Variant>> = HashMap::new();
    for chunk in missing.chunks(MAX_V3_PAGE_SIZE as usize) {
        let mut page_number = 1;
        let mut bound = PageBound::new("v3/catalog/variants", PageWalk::Numbered);
        loop {
            let page = client
                .variants_page(chunk, page_number, MAX_V3_PAGE_SIZE)
                .await?;
            let more = bound.after_v3_page(&page, MAX_V3_PAGE_SIZE, |variant| variant.id)?;
            for row in &page.unreadable {
                let product = products.iter().find(|p| Some(p.id) == row.product_id);
                issues.push(DataIssue {
                    product_external_id: product.map_or(0, |p| p.id),
                    variant_external_id: row.id,
                    product_name: product.map_or_else(String::new, |p| p.name.clone()),
                    sku: None,
                    kind: DataIssueKind::UnreadableProduct,
                    message: format!("Variant could not be read ({}); left out", row.problem),
                });
            }
            for variant in page.data {
                fetched.entry(variant.product_id).or_default().push(variant);
            }
            if !more {
                break;
            }
            page_number += 1;
        }
    }
    Ok(products
        .into_iter()
        .map(|mut product| {
            let variants = match product.variants.take() {
                Some(inline) if !inline.is_empty() => inline,
                _ => fetched.remove(&product.id).unwrap_or_default(),
            };
            (product, variants)
        })
        .collect())
}

/// A product BigCommerce sent that did not decode: named as far as the row allows.
fn unreadable_product(row: &UnreadableRow) -> DataIssue {
    DataIssue {
        product_external_id: row.id.unwrap_or_default(),
        variant_external_id: None,
        product_name: row.name.clone().unwrap_or_default(),
        sku: None,
        kind: DataIssueKind::UnreadableProduct,
        message: format!(
            "Product could not be read ({}); skipped, the rest of the page was imported",
            row.problem
        ),
    }
}

/// Maps a product, leaving out what `domain::catalog_issues` says is odd, and reports it.
fn to_catalog_product(
    product: Product,
    variants: Vec<Variant>,
    brands: &HashMap<u64, String>,
) -> (CatalogProduct, Vec<DataIssue>) {
    let mut issues = Vec::new();
    let (variants, foreign): (Vec<Variant>, Vec<Variant>) = variants
        .into_iter()
        .partition(|v| v.product_id == 0 || v.product_id == product.id);
    for variant in foreign {
        issues.push(DataIssue {
            product_external_id: product.id,
            variant_external_id: Some(variant.id),
            product_name: product.name.clone(),
            sku: normalize_code(variant.sku.as_deref()),
            kind: DataIssueKind::ForeignVariant,
            message: format!(
                "Variant {} came with this product but says it belongs to product {}; left out",
                variant.id, variant.product_id
            ),
        });
    }
    let mut mapped = map_product(product, variants, brands);
    issues.extend(check_product(&mut mapped));
    (mapped, issues)
}

fn map_product(
    product: Product,
    variants: Vec<Variant>,
    brands: &HashMap<u64, String>,
) -> CatalogProduct {
    let inventory_tracking = match product.inventory_tracking {
        WireTracking::Product => InventoryTracking::Product,
        WireTracking::Variant => InventoryTracking::Variant,
        WireTracking::None => InventoryTracking::None,
        WireTracking::Unknown => {
            tracing::warn!(
                product = product.id,
                "unknown inventory_tracking value; stored as not tracked"
            );
            InventoryTracking::None
        }
    };
    CatalogProduct {
        external_id: product.id,
        sku: normalize_code(product.sku.as_deref()),
        upc: normalize_code(product.upc.as_deref()),
        gtin: normalize_code(product.gtin.as_deref()),
        brand_name: product.brand_id.and_then(|id| brands.get(&id).cloned()),
        price: product.price,
        cost_price: product.cost_price,
        inventory_tracking,
        inventory_level: product.inventory_level,
        is_visible: product.is_visible.unwrap_or(true),
        date_modified_ms: product.date_modified.map(|t| t.as_millisecond()),
        variants: variants
            .into_iter()
            .map(|v| CatalogVariant {
                external_id: v.id,
                sku: normalize_code(v.sku.as_deref()),
                upc: normalize_code(v.upc.as_deref()),
                gtin: normalize_code(v.gtin.as_deref()),
                price: v.price,
                cost_price: v.cost_price,
                inventory_level: v.inventory_level,
                options: v
                    .option_values
                    .iter()
                    .map(|o| {
                        format!(
                            "{}: {}",
                            o.option_display_name.as_deref().unwrap_or("Option"),
                            o.label.as_deref().unwrap_or("")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            })
            .collect(),
        name: product.name,
    }
}
