//! Catalog V3 read endpoints. Each handler holds the store lock while it filters by
//! reference and renders only the requested page, so a 10,000-product catalog is never
//! cloned per request.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::query::{self, BrandFilter, ProductFilter, Sort, VariantFilter};
use super::render::Inline;
use super::{Product, Variant, render};
use crate::Simulator;
use crate::errors::{ApiError, Flavor};
use crate::paging::{self, PageRequest, QueryMap};

fn not_found() -> ApiError {
    ApiError::not_found(Flavor::V3)
}

/// A path id that is not a number names no resource: 404, like an unknown id.
fn path_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| not_found())
}

/// What `include=` embeds, with the simulator's current inline variant cap.
fn inline(sim: &Simulator, q: &QueryMap) -> Inline {
    Inline {
        variants: query::includes(q, "variants"),
        variant_cap: sim.inline_variant_cap(),
        images: query::includes(q, "images"),
    }
}

/// `GET /v3/catalog/products`.
pub(crate) async fn list_products(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, Flavor::V3)?;
    let filter = ProductFilter::parse(&q)?;
    let sort = Sort::parse(&q)?;
    let inline = inline(&sim, &q);
    let body = sim
        .with_store(&hash, |store| {
            let catalog = &store.catalog;
            let mut hits: Vec<&Product> = match (filter.only_ids(), filter.id_range()) {
                (_, None) => Vec::new(),
                (Some(ids), Some(_)) => {
                    let mut ids = ids.to_vec();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.iter().filter_map(|id| catalog.product(*id)).collect()
                }
                (None, Some(range)) => catalog.products_in(range).collect(),
            };
            hits.retain(|p| filter.keeps(p));
            sort.apply(&mut hits, &store.inventory);
            let data = page
                .slice(&hits)
                .iter()
                .map(|p| render::product(p, &store.spec.hash, &store.inventory, inline))
                .collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or_else(not_found)?;
    Ok(Json(body).into_response())
}

/// `GET /v3/catalog/products/{id}`: `{data, meta: {}}`.
pub(crate) async fn get_product(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let inline = inline(&sim, &q);
    let data = sim
        .with_store(&hash, |store| {
            store
                .catalog
                .product(id)
                .map(|p| render::product(p, &store.spec.hash, &store.inventory, inline))
        })
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Json(json!({ "data": data, "meta": {} })).into_response())
}

/// `GET /v3/catalog/products/{id}/variants`, paged, in variant id order.
pub(crate) async fn product_variants(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let id = path_id(&id)?;
    let page = PageRequest::parse(&q, paging::STANDARD, Flavor::V3)?;
    let body = sim
        .with_store(&hash, |store| {
            let p = store.catalog.product(id)?;
            let data = page
                .slice(&p.variants)
                .iter()
                .map(|v| render::variant(p, v, &store.inventory))
                .collect();
            Some(paging::v3_page(page, p.variants.len(), data))
        })
        .flatten()
        .ok_or_else(not_found)?;
    Ok(Json(body).into_response())
}

/// `GET /v3/catalog/variants`, in product then variant id order.
pub(crate) async fn list_variants(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, Flavor::V3)?;
    let filter = VariantFilter::parse(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let catalog = &store.catalog;
            let products: Vec<&Product> = match filter.product_ids() {
                Some(ids) => {
                    let mut ids = ids.to_vec();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.iter().filter_map(|id| catalog.product(*id)).collect()
                }
                None => catalog.products().collect(),
            };
            let hits: Vec<(&Product, &Variant)> = products
                .into_iter()
                .flat_map(|p| p.variants.iter().map(move |v| (p, v)))
                .filter(|(_, v)| filter.keeps(v))
                .collect();
            let data = page
                .slice(&hits)
                .iter()
                .map(|(p, v)| render::variant(p, v, &store.inventory))
                .collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or_else(not_found)?;
    Ok(Json(body).into_response())
}

/// `GET /v3/catalog/brands`, in id order.
pub(crate) async fn list_brands(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, Flavor::V3)?;
    let filter = BrandFilter::parse(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let hits: Vec<_> = store.catalog.brands().filter(|b| filter.keeps(b)).collect();
            let data: Vec<Value> = page.slice(&hits).iter().map(|b| render::brand(b)).collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or_else(not_found)?;
    Ok(Json(body).into_response())
}
