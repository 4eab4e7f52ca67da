//! `/orders`: every order, newest first, a keyset page at a time; searched (`q`: an order
//! number, a customer's name or email, a SKU, a tracking number) and filtered by store, vendor,
//! routing state and order date. The filters live in the address, so a filtered list can be
//! bookmarked; a bad one is named beside its field. The tracking CSV upload lives here too.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::stores::StoreView;
use crate::app::vendors::VendorView;
use crate::db::orders::{OrderPage, OrderSummary};
use crate::domain::FieldErrors;
use crate::domain::order_search::{OrderCursor, OrderSearch, OrderSearchInput};
use crate::web::error::PageError;
use crate::web::pages::extract::Query;
use crate::web::pages::store_choice::StoreChoice;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/orders", get(orders))
        .route("/orders/tracking-csv", post(upload_tracking))
}

const ORDERS_PER_PAGE: i64 = 50;

#[derive(Template, WebTemplate)]
#[template(path = "orders/index.html")]
struct OrdersPage {
    signed_in: bool,
    /// The filters as the address gave them, to fill the form again.
    filters: OrderSearchInput,
    /// What is wrong with them, by field.
    filter_errors: FieldErrors,
    orders: Vec<OrderSummary>,
    older: Option<OrderCursor>,
    newer: Option<OrderCursor>,
    needing_attention: i64,
    /// Order id → its vendors, as shown in the list.
    split: HashMap<i64, String>,
    stores: Vec<StoreView>,
    vendors: Vec<VendorView>,
    /// The tracking upload's store selector.
    tracking_store: StoreChoice,
    /// The CSV last submitted, kept in the form for the correction.
    tracking_csv: String,
    /// What the last tracking upload did.
    tracking_message: Option<String>,
    tracking_errors: Vec<String>,
}

impl OrdersPage {
    fn vendors_of(&self, order_id: &i64) -> &str {
        self.split.get(order_id).map_or("—", String::as_str)
    }

    fn store_name(&self, store_id: &i64) -> &str {
        self.stores
            .iter()
            .find(|s| s.id == *store_id)
            .map_or("—", |s| s.name.as_str())
    }

    fn order_path(&self, order: &OrderSummary) -> String {
        super::address::order_path(order)
    }

    fn placed(&self, order: &OrderSummary) -> String {
        order
            .date_created_ms
            .map(|ms| crate::web::pages::format::utc(ms)[..10].to_owned())
            .unwrap_or_default()
    }

    fn is_store(&self, store: &StoreView) -> bool {
        self.filters.store_id.trim() == store.id.to_string()
    }

    fn is_vendor(&self, vendor: &VendorView) -> bool {
        self.filters.vendor_id.trim() == vendor.id.to_string()
    }

    fn is_state(&self, state: &str) -> bool {
        self.filters.state.trim() == state
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.filter_errors.for_field(field)
    }

    /// Whether any filter is set (beyond the cursor).
    fn is_filtered(&self) -> bool {
        let f = &self.filters;
        [&f.q, &f.store_id, &f.vendor_id, &f.state, &f.from, &f.to]
            .iter()
            .any(|v| !v.trim().is_empty())
    }

    /// The list at `cursor` with the same filters.
    fn page_link(&self, cursor: &OrderCursor) -> String {
        let f = &self.filters;
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("q", &f.q),
            ("store_id", &f.store_id),
            ("vendor_id", &f.vendor_id),
            ("state", &f.state),
            ("from", &f.from),
            ("to", &f.to),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(name, value.trim());
            }
        }
        query.append_pair("cursor", &cursor.encode());
        format!("/orders?{}", query.finish())
    }

    async fn load(app: &App, filters: OrderSearchInput) -> Result<Self, PageError> {
        let (page, filter_errors) = match OrderSearch::parse(&filters) {
            Ok(search) => (
                app.find_orders(&search, ORDERS_PER_PAGE).await?,
                FieldErrors::default(),
            ),
            Err(errors) => (
                OrderPage {
                    orders: Vec::new(),
                    older: None,
                    newer: None,
                },
                errors,
            ),
        };
        let split = app.vendor_split(&page.orders).await?;
        let stores = app.list_stores().await?;
        Ok(OrdersPage {
            signed_in: true,
            filters,
            filter_errors,
            orders: page.orders,
            older: page.older,
            newer: page.newer,
            needing_attention: app.count_needing_attention().await?,
            split,
            tracking_store: StoreChoice::new(stores.clone()),
            stores,
            vendors: app.list_vendors().await?,
            tracking_csv: String::new(),
            tracking_message: None,
            tracking_errors: Vec::new(),
        })
    }
}

async fn orders(
    State(app): State<App>,
    Query(filters): Query<OrderSearchInput>,
) -> Result<Response, PageError> {
    let page = OrdersPage::load(&app, filters).await?;
    let status = match page.filter_errors.is_empty() {
        true => StatusCode::OK,
        false => StatusCode::BAD_REQUEST,
    };
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
struct TrackingForm {
    #[serde(default)]
    store_id: String,
    #[serde(default)]
    csv: String,
}

/// A tracking CSV (order, sku, quantity, tracking_number, carrier): valid rows recorded and
/// queued for BigCommerce, every bad row listed with its line. The answer keeps the chosen store
/// and the text, so a correction is an edit, not a second paste.
async fn upload_tracking(
    State(app): State<App>,
    Form(form): Form<TrackingForm>,
) -> Result<Response, PageError> {
    let mut page = OrdersPage::load(&app, OrderSearchInput::default()).await?;
    page.tracking_csv = form.csv;
    let Some(store_id) = page.tracking_store.take(&form.store_id) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    match app
        .import_tracking_csv(store_id, None, &page.tracking_csv)
        .await
    {
        Ok(report) => {
            page.tracking_message = Some(format!(
                "{} shipment(s) recorded from {} row(s); {} row(s) rejected.",
                report.shipments_recorded,
                report.lines_recorded,
                report.errors.len()
            ));
            page.tracking_errors = crate::web::pages::format::rejected_rows(&report.errors);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.tracking_errors = errors.iter().map(|e| e.message.clone()).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
