//! The JSON API under `/api/v1`: the same use cases as the pages, for scripts and other
//! systems. One module per resource; this one assembles their routes and the OpenAPI document
//! they are registered with (utoipa-axum), so the two cannot drift apart.

mod assignments;
mod imports;
mod inventory;
mod mail;
mod orders;
mod products;
mod shipments;
mod stores;
mod vendor_stores;
mod vendor_catalog;
mod vendor_store_orders;
mod vendor_users;
mod vendors;

use axum::Router;
use utoipa::openapi::ContentBuilder;
use utoipa::openapi::header::Header;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{Object, Ref, Type};
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
        .merge(vendor_users::routes())
        .merge(vendor_stores::routes())
        .merge(vendor_catalog::routes())
        .merge(assignments::routes())
        .merge(orders::routes())
        .merge(shipments::routes())
        .merge(vendor_store_orders::routes())
        .merge(inventory::routes())
        .merge(mail::routes())
        .split_for_parts();
    // After the merge: the modifier walks the operations, which only exist now.
    SharedAnswers {
        refuses_cross_site: true,
    }
    .modify(&mut doc);
    document_sign_in_refusals(&mut doc);
    (routes, doc)
}

/// Every operation can meet the sign-in throttle (429) and the bounded password checks (503)
/// when it signs in with HTTP Basic: documented once here, for all of them.
fn document_sign_in_refusals(openapi: &mut utoipa::openapi::OpenApi) {
    let refusal = |description: &str| {
        let retry_after = Header::builder()
            .schema(Some(Object::with_type(Type::Integer)))
            .description(Some("Seconds to wait before trying again"))
            .build();
        ResponseBuilder::new()
            .description(description)
            .header("Retry-After", retry_after)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut operation.responses.responses;
            responses.entry("429".into()).or_insert_with(|| {
                refusal("Too many failed sign-ins from this address or for this account").into()
            });
            responses.entry("503".into()).or_insert_with(|| {
                refusal("Too many password checks at once; try again in a moment").into()
            });
        }
    }
}
