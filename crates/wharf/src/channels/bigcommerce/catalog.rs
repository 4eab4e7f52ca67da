//! Reading the store's catalog: BigCommerce products and variants become wharf's.
//!
//! Products are read 250 at a time with their variants inline, in id order by keyset
//! (`id:greater` the last id read), so a product deleted mid-run cannot shift a page and make
//! the run skip another. Brands are read once per run. A product whose `variants` did not come
//! inline has them read separately, many products per request. Storing pages and the run's
//! checkpoint is `app::catalog`'s.

use std::collections::HashMap;

use bigcommerce::{
    BcError, Brand, InventoryTracking as WireTracking, MAX_V3_PAGE_SIZE, PageBound, PageWalk,
    Product, ProductQuery, ProductSort, ProductSortField, SortDirection, StoreClient,
    UnreadableRow, Variant,
};

use crate::domain::catalog::{CatalogProduct, CatalogVariant, InventoryTracking, normalize_code};
use crate::domain::catalog_issues::{DataIssue, DataIssueKind, check_product};

/// The store's products in id order, a page of 250 at a time, each page mapped with what it
/// had odd about it. Keyset-paged (`id:greater` the last id read) and bounded
/// (`bigcommerce::PageBound`).
pub struct CatalogPages<'a> {
    client: &'a StoreClient,
    brands: HashMap<u64, String>,
    modified_since_ms: Option<i64>,
    after: u64,
    bound: PageBound,
    finished: bool,
}

/// One page of the catalog, ready to store.
pub struct CatalogPage {
    pub products: Vec<CatalogProduct>,
    pub issues: Vec<DataIssue>,
    /// The highest product id of the page: where the next page starts.
    pub last_id: u64,
    /// Pages left after this one, as BigCommerce counts them (for the progress bar).
    pub pages_left: i64,
}

impl<'a> CatalogPages<'a> {
    /// Products after id `after` (0 for all), modified since `modified_since_ms` if given.
    /// Reads the store's brands once, to name each product's.
    pub async fn open(
        client: &'a StoreClient,
        after: u64,
        modified_since_ms: Option<i64>,
    ) -> Result<CatalogPages<'a>, BcError> {
        let brands = client
            .all_brands()
            .await?
            .into_iter()
            .map(|Brand { id, name }| (id, name))
            .collect();
        Ok(CatalogPages {
            client,
            brands,
            modified_since_ms,
            after,
            bound: PageBound::new("v3/catalog/products", PageWalk::Keyset),
            finished: false,
        })
    }

    /// The next page, or `None` after the last.
    pub async fn next_page(&mut self) -> Result<Option<CatalogPage>, BcError> {
        if self.finished {
            return Ok(None);
        }
        let query = ProductQuery {
            limit: MAX_V3_PAGE_SIZE,
            include_variants: true,
            id_greater: (self.after > 0).then_some(self.after),
            date_modified_min: self
                .modified_since_ms
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()),
            sort: Some(ProductSort {
                field: ProductSortField::Id,
                direction: SortDirection::Asc,
            }),
            ..ProductQuery::default()
        };
        let page = self.client.products_page(&query).await?;
        // With keyset paging the total counts what is left, this page included.
        let pages_left = page
            .pagination
            .as_ref()
            .map_or(0, |p| i64::from(p.total_pages).max(1) - 1);
        self.finished = !self
            .bound
            .after_v3_page(&page, MAX_V3_PAGE_SIZE, |product| product.id)?;
        let read_ids = page.data.iter().map(|p| p.id);
        let unreadable_ids = page.unreadable.iter().filter_map(|row| row.id);
        let Some(last_id) = read_ids.chain(unreadable_ids).max() else {
            self.finished = true;
            return Ok(None);
        };
        if last_id <= self.after {
            // Keyset paging asked for ids after `after`: an answer without any is not the next
            // page, and storing it would move the checkpoint backwards.
            return Err(BcError::BrokenPaging {
                request: "GET v3/catalog/products".into(),
                problem: format!(
                    "asked for products after id {}, it answered none",
                    self.after
                ),
            });
        }
        self.after = last_id;
        let mut issues: Vec<DataIssue> = page.unreadable.iter().map(unreadable_product).collect();
        let products = with_all_variants(self.client, page.data, &mut issues)
            .await?
            .into_iter()
            .map(|(product, variants)| {
                let (product, found) = to_catalog_product(product, variants, &self.brands);
                issues.extend(found);
                product
            })
            .collect();
        Ok(Some(CatalogPage {
            products,
            issues,
            last_id,
            pages_left: if self.finished { 0 } else { pages_left },
        }))
    }
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
    // Only `disabled` stops a sale; `preorder` is still an order the vendor takes.
    let product_sellable = product.availability.as_deref() != Some("disabled");
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
                purchasable: product_sellable && !v.purchasing_disabled,
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
