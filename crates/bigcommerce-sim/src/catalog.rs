//! Catalog V3 products: `GET /v3/catalog/products`. Products are simple (no options) and
//! each has a base variant, as in BigCommerce. Product and variant ids come from different
//! ranges so a client that mixes them up gets a 422 instead of a lucky hit.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::Simulator;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::inventory::{DEFAULT_LOCATION_ID, Inventory, ItemRef};
use crate::money::Money;
use crate::paging::{self, PageRequest, QueryMap};

const FIRST_PRODUCT_ID: u64 = 111;
const FIRST_VARIANT_ID: u64 = 1001;

#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: u64,
    pub name: String,
    pub sku: String,
    pub price: Money,
    /// The variant that carries a simple product's SKU and stock.
    pub base_variant_id: u64,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
}

#[derive(Default)]
pub(crate) struct Catalog {
    products: BTreeMap<u64, Product>,
}

impl Catalog {
    /// Adds `count` simple products named "Sample product N" with SKU `SIM-N`.
    pub fn seed(&mut self, count: usize) -> Vec<u64> {
        let now = dates::now();
        let next_id = self
            .products
            .keys()
            .next_back()
            .map_or(FIRST_PRODUCT_ID, |id| id + 1);
        let next_variant = self
            .products
            .values()
            .map(|p| p.base_variant_id + 1)
            .max()
            .unwrap_or(FIRST_VARIANT_ID);
        (0..count as u64)
            .map(|i| {
                let id = next_id + i;
                let product = Product {
                    id,
                    name: format!("Sample product {id}"),
                    sku: format!("SIM-{id}"),
                    price: Money::from_cents(999 + (id as i64 % 20) * 250),
                    base_variant_id: next_variant + i,
                    date_created: now,
                    date_modified: now,
                };
                self.products.insert(id, product);
                id
            })
            .collect()
    }

    /// The variant an inventory item reference points at, if the catalog has it.
    pub fn resolve(&self, item: &ItemRef) -> Option<u64> {
        let mut products = self.products.values();
        match item {
            ItemRef::Product(id) => self.products.get(id).map(|p| p.base_variant_id),
            ItemRef::Variant(id) => products
                .find(|p| p.base_variant_id == *id)
                .map(|p| p.base_variant_id),
            ItemRef::Sku(sku) => products.find(|p| p.sku == *sku).map(|p| p.base_variant_id),
        }
    }
}

impl Product {
    /// The `product_Full` body. Catalog reads show stock at the default location only
    /// (facts §6), so `inventory_level` is that location's level.
    fn render(&self, inventory: &Inventory) -> Value {
        let level = inventory
            .level(DEFAULT_LOCATION_ID, self.base_variant_id)
            .unwrap_or(0);
        let price = self.price.as_f64();
        json!({
            "id": self.id,
            "name": self.name,
            "type": "physical",
            "sku": self.sku,
            "description": "",
            "weight": 1,
            "width": 0, "depth": 0, "height": 0,
            "price": price,
            "cost_price": 0, "retail_price": 0, "sale_price": 0, "map_price": 0,
            "tax_class_id": 0,
            "product_tax_code": "",
            "calculated_price": price,
            "categories": [23],
            "brand_id": 0,
            "option_set_display": "right",
            "inventory_level": level,
            "inventory_warning_level": 0,
            "inventory_tracking": "product",
            "reviews_rating_sum": 0,
            "reviews_count": 0,
            "total_sold": 0,
            "fixed_cost_shipping_price": 0,
            "is_free_shipping": false,
            "is_visible": true,
            "is_featured": false,
            // BigCommerce's default for "no related products" really is [-1].
            "related_products": [-1],
            "warranty": "",
            "bin_picking_number": "",
            "layout_file": "product.html",
            "upc": "", "mpn": "", "gtin": "",
            "search_keywords": "",
            "availability": "available",
            "availability_description": "",
            "gift_wrapping_options_type": "any",
            "gift_wrapping_options_list": [],
            "sort_order": 0,
            "condition": "New",
            "is_condition_shown": false,
            "order_quantity_minimum": 0,
            "order_quantity_maximum": 0,
            "page_title": "",
            "meta_keywords": [],
            "meta_description": "",
            "view_count": 0,
            "preorder_release_date": Value::Null,
            "preorder_message": "",
            "is_preorder_only": false,
            "is_price_hidden": false,
            "price_hidden_label": "",
            "custom_url": { "url": format!("/sample-product-{}/", self.id), "is_customized": false },
            "base_variant_id": self.base_variant_id,
            "open_graph_type": "product",
            "open_graph_title": "",
            "open_graph_description": "",
            "open_graph_use_meta_description": true,
            "open_graph_use_product_name": true,
            "open_graph_use_image": true,
            "date_created": dates::iso8601_offset(self.date_created),
            "date_modified": dates::iso8601_offset(self.date_modified),
        })
    }
}

/// `id`, `id:in` and `sku` filters; other filters are not modelled yet.
fn filter(q: &QueryMap) -> Result<impl Fn(&Product) -> bool, ApiError> {
    let ids = |name: &str| -> Result<Option<Vec<u64>>, ApiError> {
        q.get(name)
            .map(|raw| {
                raw.split(',')
                    .map(|s| s.trim().parse::<u64>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| {
                        ApiError::bad_request(
                            Flavor::V3,
                            format!("The filter '{name}' must be a list of integers."),
                        )
                    })
            })
            .transpose()
    };
    let mut wanted = ids("id")?;
    if let Some(more) = ids("id:in")? {
        wanted.get_or_insert_with(Vec::new).extend(more);
    }
    let sku = q.get("sku").cloned();
    Ok(move |p: &Product| {
        wanted.as_ref().is_none_or(|w| w.contains(&p.id))
            && sku.as_ref().is_none_or(|s| p.sku == *s)
    })
}

pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, Flavor::V3)?;
    let keep = filter(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let hits: Vec<&Product> = store
                .catalog
                .products
                .values()
                .filter(|p| keep(p))
                .collect();
            let data = page
                .slice(&hits)
                .iter()
                .map(|p| p.render(&store.inventory))
                .collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or(ApiError::not_found(Flavor::V3))?;
    Ok(Json(body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_resolve_by_product_variant_or_sku() {
        let mut c = Catalog::default();
        assert_eq!(c.seed(2), vec![111, 112]);
        assert_eq!(c.resolve(&ItemRef::Product(111)), Some(1001));
        assert_eq!(c.resolve(&ItemRef::Variant(1002)), Some(1002));
        assert_eq!(c.resolve(&ItemRef::Sku("SIM-112".into())), Some(1002));
        assert_eq!(c.resolve(&ItemRef::Product(1001)), None);
        assert_eq!(c.resolve(&ItemRef::Variant(111)), None);
        assert_eq!(c.seed(1), vec![113]);
        assert_eq!(c.resolve(&ItemRef::Product(113)), Some(1003));
    }
}
