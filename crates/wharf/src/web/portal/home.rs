//! The portal's home: where a vendor user lands after signing in.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};

use super::brand::PortalBrand;
use super::session::PortalUser;

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
struct HomePage {
    brand: PortalBrand,
    signed_in: bool,
    user: PortalUser,
}

pub(super) async fn page(user: PortalUser) -> Response {
    HomePage {
        brand: super::brand::current(),
        signed_in: true,
        user,
    }
    .into_response()
}
