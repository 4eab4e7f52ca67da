//! `/vendors/{id}/bigcommerce/matches`: how the vendor's own BigCommerce store matches your
//! items — a tab per state with its count, each line in words — and the button that reads the
//! vendor's catalog again.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::app::App;
use crate::app::vendor_catalog::{MatchItem, MatchesPage};
use crate::app::vendors::VendorView;
use crate::domain::vendor_match::MatchState;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendors/{id}/bigcommerce/matches", get(page))
        .route("/vendors/{id}/bigcommerce/catalog-read", post(read_catalog))
}

#[derive(Template, WebTemplate)]
#[template(path = "vendors/matches.html")]
struct MatchesView {
    signed_in: bool,
    vendor: VendorView,
    page: MatchesPage,
    queued: bool,
}

impl MatchesView {
    fn is_state(&self, state: &str) -> bool {
        self.page.state.as_str() == state
    }

    fn product(item: &MatchItem) -> String {
        match (&item.product_name, &item.options) {
            (Some(name), Some(options)) if !options.is_empty() => format!("{name} — {options}"),
            (Some(name), _) => name.clone(),
            _ => String::new(),
        }
    }

    fn sells(item: &MatchItem) -> String {
        match (item.purchasable, item.inventory_level) {
            (Some(false), _) => "Not for sale in the vendor's store".to_owned(),
            (_, Some(level)) => format!("{level} in stock"),
            (Some(true), None) => "Stock not tracked".to_owned(),
            (None, None) => String::new(),
        }
    }

    fn state_words(&self) -> &'static str {
        match self.page.state {
            MatchState::Matched => "matched",
            MatchState::Unmatched => "unmatched",
            MatchState::Ambiguous => "ambiguous",
        }
    }
}

#[derive(Deserialize)]
struct Shown {
    state: Option<String>,
    after: Option<i64>,
    #[serde(default)]
    queued: bool,
}

async fn page(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Response, PageError> {
    let vendor = app.vendor(id).await?;
    let page = app
        .vendor_matches(id, shown.state.as_deref(), shown.after)
        .await?;
    Ok(MatchesView {
        signed_in: true,
        vendor,
        page,
        queued: shown.queued,
    }
    .into_response())
}

async fn read_catalog(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.queue_vendor_catalog_read(id).await?;
    Ok(Redirect::to(&format!("/vendors/{id}/bigcommerce/matches?queued=true")).into_response())
}
