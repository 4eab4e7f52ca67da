//! The vendor API: what a vendor's own systems call, authenticated by the vendor's token
//! (`Authorization: Bearer whv_…`). A vendor only ever sees its own purchase orders: another
//! vendor's answer 404, exactly like one that does not exist.
//!
//! Its OpenAPI document is built from the same registrations as the routes (utoipa-axum), so
//! the two cannot drift apart, and is served unauthenticated at `/vendor-api/v1/openapi.json`.
//! A module per resource registers its routes: purchase orders (`purchase_orders.rs`),
//! packing slips (`packing_slips.rs`), shipments (`shipments.rs`) and stock (`stock.rs`).

mod packing_slips;
mod purchase_orders;
mod shipments;
mod stock;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::app::App;
use crate::app::vendors::VendorView;
use crate::web::api_answers::SharedAnswers;
use crate::web::error::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wharf vendor API",
        description = "What a vendor's systems call: its purchase orders, shipments with tracking, \
                       and stock levels. Every call but this document's needs the vendor's token."
    ),
    servers((url = "/vendor-api/v1")),
    modifiers(&VendorToken),
    security(("vendor_token" = [])),
    components(schemas(ErrorBody))
)]
struct VendorApiDoc;

struct VendorToken;

impl Modify for VendorToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "The vendor's API token (whv_…), shown once when the vendor was added.",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("vendor_token", SecurityScheme::Http(scheme));
    }
}

pub fn routes(app: App) -> Router<App> {
    let (api, mut doc) = OpenApiRouter::with_openapi(VendorApiDoc::openapi())
        .routes(routes!(me))
        .merge(purchase_orders::routes())
        .merge(packing_slips::routes())
        .merge(shipments::routes())
        .merge(stock::routes())
        .split_for_parts();
    // After the routes: the modifier walks the operations, which only exist now.
    SharedAnswers {
        refuses_cross_site: false,
    }
    .modify(&mut doc);
    let doc = Json(doc);
    api.route_layer(middleware::from_fn_with_state(app, require_vendor))
        // After the layer: the document is public, like any API reference.
        .route("/openapi.json", get(move || async move { doc }))
}

async fn require_vendor(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let vendor = match token {
        Some(token) => app.vendor_for_token(token).await.ok().flatten(),
        None => None,
    };
    match vendor {
        Some(vendor) => {
            request.extensions_mut().insert(vendor);
            next.run(request).await
        }
        None => {
            let body = Json(ErrorBody::new(
                "send your vendor API token as Authorization: Bearer <token>",
            ));
            (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                body,
            )
                .into_response()
        }
    }
}

/// The vendor the token belongs to.
#[utoipa::path(get, path = "/me", responses(
    (status = 200, description = "OK", body = VendorView),
    (status = 401, description = "No or unknown token", body = ErrorBody),
))]
async fn me(Extension(vendor): Extension<VendorView>) -> Json<VendorView> {
    Json(vendor)
}
