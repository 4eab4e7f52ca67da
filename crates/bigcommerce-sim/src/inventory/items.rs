//! `GET /v3/inventory/items`: every inventory item with its stock and settings at each
//! location (`ItemResponse` in inventory.v3.yml). Items follow the product's tracking
//! mode: each variant of a product tracked by variant, one item per product tracked by
//! product, none for untracked products. Ordered by product id, then variant id.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{Inventory, SAFETY_STOCK};
use crate::Simulator;
use crate::catalog::{Catalog, InventoryTracking};
use crate::errors::{ApiError, Flavor};
use crate::locations::Location;
use crate::paging::{self, Limits, PageRequest, QueryMap};

/// "Limit of 1000 items for payload length" (inventory.v3.yml); the default is the usual
/// 50, as for locations.
const LIMITS: Limits = Limits {
    default: 50,
    max: 1000,
};

/// One inventory item's identity.
struct Item<'a> {
    product_id: u64,
    /// `None` for a product with options tracked by product: the item is the product,
    /// and no variant id names it (the Inventory API would refuse one).
    variant_id: Option<u64>,
    /// Where its stock lives in the (location, variant) map.
    stock_variant_id: u64,
    sku: &'a str,
    /// The variant's Catalog V2 SKU id; `null` for a base variant (and for a product
    /// item, which has no SKU record of its own).
    sku_id: Option<u64>,
}

fn items(catalog: &Catalog) -> impl Iterator<Item = Item<'_>> {
    catalog.products().flat_map(|p| {
        let own: Vec<Item<'_>> = match p.inventory_tracking {
            InventoryTracking::None => Vec::new(),
            InventoryTracking::Product => vec![Item {
                product_id: p.id(),
                variant_id: p.base_variant_id(),
                stock_variant_id: p.stock_variant_id(),
                sku: &p.sku,
                sku_id: None,
            }],
            InventoryTracking::Variant => p
                .variants()
                .iter()
                .map(|v| Item {
                    product_id: p.id(),
                    variant_id: Some(v.id()),
                    stock_variant_id: v.id(),
                    sku: &v.sku,
                    sku_id: (!v.option_values().is_empty()).then_some(v.id()),
                })
                .collect(),
        };
        own
    })
}

/// The list filters of inventory.v3.yml; each is a comma-separated list.
struct Filter {
    skus: Option<BTreeSet<String>>,
    variant_ids: Option<BTreeSet<u64>>,
    product_ids: Option<BTreeSet<u64>>,
    location_ids: Option<BTreeSet<u64>>,
    location_codes: Option<BTreeSet<String>>,
}

impl Filter {
    fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        let strings = |name: &str| -> Option<BTreeSet<String>> {
            q.get(name)
                .map(|v| v.split(',').map(|s| s.trim().to_owned()).collect())
        };
        let ids = |name: &str| -> Result<Option<BTreeSet<u64>>, ApiError> {
            q.get(name)
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().parse::<u64>())
                        .collect::<Result<BTreeSet<_>, _>>()
                        .map_err(|_| {
                            ApiError::bad_request(
                                Flavor::V3,
                                format!("The filter '{name}' must be a list of integers."),
                            )
                        })
                })
                .transpose()
        };
        Ok(Self {
            skus: strings("sku:in"),
            variant_ids: ids("variant_id:in")?,
            product_ids: ids("product_id:in")?,
            location_ids: ids("location_id:in")?,
            location_codes: strings("location_code:in"),
        })
    }

    fn matches(&self, item: &Item<'_>) -> bool {
        self.skus.as_ref().is_none_or(|s| s.contains(item.sku))
            && self
                .variant_ids
                .as_ref()
                .is_none_or(|ids| item.variant_id.is_some_and(|v| ids.contains(&v)))
            && self
                .product_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&item.product_id))
    }

    fn matches_location(&self, l: &Location) -> bool {
        self.location_ids
            .as_ref()
            .is_none_or(|ids| ids.contains(&l.id))
            && self
                .location_codes
                .as_ref()
                .is_none_or(|c| c.contains(&l.code))
    }
}

fn render(item: &Item<'_>, locations: &[&Location], inventory: &Inventory) -> Value {
    let mut identity = json!({
        "sku": item.sku,
        "product_id": item.product_id,
        "sku_id": item.sku_id,
    });
    if let Some(v) = item.variant_id {
        identity["variant_id"] = json!(v);
    }
    let locations: Vec<Value> = locations
        .iter()
        .map(|l| {
            let on_hand = inventory.level(l.id, item.stock_variant_id).unwrap_or(0);
            json!({
                "location_id": l.id,
                "location_code": l.code,
                "location_name": l.label,
                "available_to_sell": (on_hand - SAFETY_STOCK).max(0),
                "total_inventory_onhand": on_hand,
                "location_enabled": l.enabled,
                "settings": {
                    "safety_stock": SAFETY_STOCK,
                    "is_in_stock": true,
                    "warning_level": 0,
                    "bin_picking_number": "",
                },
            })
        })
        .collect();
    json!({ "identity": identity, "locations": locations })
}

pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, LIMITS, Flavor::V3)?;
    let filter = Filter::parse(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let locations: Vec<&Location> = store
                .locations
                .values()
                .filter(|l| filter.matches_location(l))
                .collect();
            let hits: Vec<Item<'_>> = items(&store.catalog)
                .filter(|i| filter.matches(i))
                .collect();
            let data = page
                .slice(&hits)
                .iter()
                .map(|i| render(i, &locations, &store.inventory))
                .collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or(ApiError::not_found(Flavor::V3))?;
    Ok(Json(body).into_response())
}
