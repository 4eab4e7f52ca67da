//! The JSON API under `/api/v1`: the same use cases as the pages, for scripts and other
//! systems. One module per resource; this one assembles their routes and the OpenAPI document
//! they are registered with (utoipa-axum), so the two cannot drift apart.

mod assignments;
mod imports;
mod inventory;
mod orders;
mod products;
mod shipments;
mod stores;
mod vendors;

use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use super::api_answers::SharedAnswers;
use super::error::ErrorBody;
use crate::app::App;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wharf operator API",
        description = "The operator's API: stores and Connect, the catalog import, vendors and \
                       their assignment rules, orders and their purchase orders, shipments, \
                       and inventory. The same use cases as the pages."
    ),
    servers((url = "/api/v1")),
    modifiers(&OperatorSignIn),
    security(("operator_password" = []), ("operator_session" = [])),
    components(schemas(ErrorBody))
)]
struct OperatorApiDoc;

struct OperatorSignIn;

impl Modify for OperatorSignIn {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let password = HttpBuilder::new()
            .scheme(HttpAuthScheme::Basic)
            .description(Some("The operator's username and password"))
            .build();
        components.add_security_scheme("operator_password", SecurityScheme::Http(password));
        components.add_security_scheme(
            "operator_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::web::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The routes and their OpenAPI document, registered together so they cannot drift apart.
pub fn routes() -> (Router<App>, utoipa::openapi::OpenApi) {
    let (routes, mut doc) = OpenApiRouter::with_openapi(OperatorApiDoc::openapi())
        .merge(stores::routes())
        .merge(imports::routes())
        .merge(products::routes())
        .merge(vendors::routes())
        .merge(assignments::routes())
        .merge(orders::routes())
        .merge(shipments::routes())
        .merge(inventory::routes())
        .split_for_parts();
    // After the merge: the modifier walks the operations, which only exist now.
    SharedAnswers {
        refuses_cross_site: true,
    }
    .modify(&mut doc);
    (routes, doc)
}
