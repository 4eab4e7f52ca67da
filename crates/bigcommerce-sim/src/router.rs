//! Route table: every BigCommerce path the simulator serves, behind the gateway, plus the
//! unauthenticated `/__sim/` control endpoints. Answers are gzip-compressed for clients
//! that send `Accept-Encoding: gzip` (BigCommerce's official clients do), and sent as
//! they are to clients that do not.

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use tower_http::compression::CompressionLayer;

use crate::{
    Simulator, catalog, control, gateway, inventory, locations, order_statuses, orders, store_info,
    webhooks, wire,
};

pub(crate) fn build(sim: Simulator) -> Router {
    let api = Router::new()
        .route("/stores/{hash}/v2/store", get(store_info::store))
        .route("/stores/{hash}/v2/time", get(store_info::time))
        .route(
            "/stores/{hash}/v2/order_statuses",
            get(order_statuses::list),
        )
        .route(
            "/stores/{hash}/v2/order_statuses/{id}",
            get(order_statuses::get),
        )
        .route(
            "/stores/{hash}/v2/orders",
            get(orders::routes::list).post(orders::routes::create),
        )
        .route("/stores/{hash}/v2/orders/count", get(orders::routes::count))
        .route(
            "/stores/{hash}/v2/orders/{id}",
            get(orders::routes::get)
                .put(orders::routes::update)
                .delete(orders::routes::archive),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/products",
            get(orders::sub_resource_routes::products),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipping_addresses",
            get(orders::sub_resource_routes::shipping_addresses),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/products/{line_id}",
            get(orders::sub_resource_routes::product),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipping_addresses/{address_id}",
            get(orders::sub_resource_routes::shipping_address),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipping_addresses/{address_id}/shipping_quotes",
            get(orders::sub_resource_routes::shipping_quote),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/consignments",
            get(orders::sub_resource_routes::consignments),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/consignments/shipping/{address_id}/shipping_quotes",
            get(orders::sub_resource_routes::shipping_quote),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/coupons",
            get(orders::sub_resource_routes::coupons),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/taxes",
            get(orders::sub_resource_routes::taxes),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/messages",
            get(orders::sub_resource_routes::messages),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/fees",
            get(orders::sub_resource_routes::fees),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipments",
            get(orders::shipment_routes::list)
                .post(orders::shipment_routes::create)
                .delete(orders::shipment_routes::delete_all),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipments/count",
            get(orders::shipment_routes::count),
        )
        .route(
            "/stores/{hash}/v2/orders/{id}/shipments/{shipment_id}",
            get(orders::shipment_routes::get)
                .put(orders::shipment_routes::update)
                .delete(orders::shipment_routes::delete),
        )
        .route(
            "/stores/{hash}/v3/catalog/products",
            get(catalog::routes::list_products),
        )
        .route(
            "/stores/{hash}/v3/catalog/products/{id}",
            get(catalog::routes::get_product),
        )
        .route(
            "/stores/{hash}/v3/catalog/products/{id}/variants",
            get(catalog::routes::product_variants),
        )
        .route(
            "/stores/{hash}/v3/catalog/variants",
            get(catalog::routes::list_variants),
        )
        .route(
            "/stores/{hash}/v3/catalog/brands",
            get(catalog::routes::list_brands),
        )
        .route(
            "/stores/{hash}/v3/inventory/locations",
            get(locations::list),
        )
        .route(
            "/stores/{hash}/v3/inventory/adjustments/absolute",
            put(inventory::absolute),
        )
        .route(
            "/stores/{hash}/v3/inventory/adjustments/relative",
            post(inventory::relative),
        )
        .route(
            "/stores/{hash}/v3/inventory/items",
            get(inventory::list_items),
        )
        .route(
            "/stores/{hash}/v3/hooks",
            get(webhooks::routes::list).post(webhooks::routes::create),
        )
        .route(
            "/stores/{hash}/v3/hooks/{id}",
            get(webhooks::routes::get)
                .put(webhooks::routes::update)
                .delete(webhooks::routes::delete),
        )
        .fallback(gateway::not_found)
        // `layer` (not `route_layer`) so unmatched paths pass the gateway too: auth comes
        // before the 404 of an unknown route. Control routes are merged after, unlayered.
        .layer(from_fn_with_state(sim.clone(), gateway::gate));
    // Compression outside the gateway, so the gateway and its misbehaviour rewrites see
    // uncompressed bodies; outermost, the count of the bytes as sent.
    api.merge(control::routes())
        .layer(CompressionLayer::new().gzip(true))
        .layer(from_fn_with_state(sim.clone(), wire::count_sent))
        .with_state(sim)
}
