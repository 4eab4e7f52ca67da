//! Store Information V2: `GET /v2/store` and `GET /v2/time`.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Simulator;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::store::Store;

/// The `StoreInformation` body: identity from the `StoreSpec`, the rest the settings of
/// a fresh Standard-plan US store.
fn render(store: &Store) -> serde_json::Value {
    let spec = &store.spec;
    json!({
        "id": spec.hash,
        "account_uuid": store.account_uuid,
        "domain": spec.domain,
        "secure_url": spec.secure_url,
        "control_panel_base_url": format!("https://store-{}.mybigcommerce.com", spec.hash),
        "status": "live",
        "name": spec.name,
        "first_name": "Jane",
        "last_name": "Doe",
        "address": format!("{}\n100 Congress Ave\nAustin, TX 78701", spec.name),
        "country": "United States",
        "country_code": "US",
        "infrastructure_region": "us-central1",
        "phone": "",
        "admin_email": format!("admin@{}", spec.domain),
        "order_email": format!("orders@{}", spec.domain),
        "favicon_url": "",
        "timezone": {
            "name": "Etc/UTC",
            "raw_offset": 0,
            "dst_offset": 0,
            "dst_correction": false,
            "date_format": { "display": "M jS Y", "export": "M jS Y", "extended_display": "M jS Y @ g:i A" },
        },
        "language": "en",
        "currency": "USD",
        "currency_symbol": "$",
        "decimal_separator": ".",
        "thousands_separator": ",",
        "decimal_places": 2,
        "currency_symbol_location": "left",
        "weight_units": "Ounces",
        "dimension_units": "Inches",
        "dimension_decimal_places": 2,
        "dimension_decimal_token": ".",
        "dimension_thousands_token": ",",
        "plan_name": "Standard",
        "plan_level": "Standard",
        "plan_is_trial": false,
        "industry": "Home & Garden",
        // A store without a logo reports an empty array, not an object: clients must cope.
        "logo": [],
        "is_price_entered_with_tax": false,
        "store_id": spec.store_id,
        "default_channel_id": 1,
        "default_site_id": 1000,
        "active_comparison_modules": [],
        "features": {
            "stencil_enabled": true,
            "sitewidehttps_enabled": true,
            "facebook_catalog_id": "",
            "checkout_type": "optimized",
            "wishlists_enabled": false,
            "graphql_storefront_api_enabled": true,
            "shopper_consent_tracking_enabled": false,
            "multi_storefront_enabled": false,
            "storefront_limits": { "active": 1, "total_including_inactive": 1 },
        },
    })
}

pub(crate) async fn store(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let body = sim
        .with_store(&hash, |store| render(store))
        .ok_or(ApiError::not_found(Flavor::V2))?;
    Ok(Json(body).into_response())
}

pub(crate) async fn time() -> Response {
    Json(json!({ "time": dates::now().as_second() })).into_response()
}
