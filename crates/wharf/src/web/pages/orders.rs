//! `/orders` and `/orders/{id}`: orders with their routing and purchase orders, and the
//! shipments recorded on them (the shipment form, Retry, and a tracking CSV upload).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::{Path, Query};
use super::store_choice::StoreChoice;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::orders::{OrderDetail, RoutingPreview};
use crate::db::orders::{OrderSummary, PurchaseOrder};
use crate::db::shipments::ShipmentView;
use crate::domain::FieldErrors;
use crate::domain::carrier::{normalise_carrier, tracking_page};
use crate::domain::order::RoutingState;
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/orders", get(orders))
        .route("/orders/{id}", get(order))
        .route("/orders/tracking-csv", post(upload_tracking))
        .route("/purchase-orders/{id}/shipments", post(record_shipment))
        .route("/shipments/{id}/retry", post(retry_shipment))
}

#[derive(Deserialize)]
struct OrdersQuery {
    #[serde(default)]
    state: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/index.html")]
struct OrdersPage {
    signed_in: bool,
    state: String,
    orders: Vec<OrderSummary>,
    needing_attention: i64,
    /// Order id → its vendors, as shown in the list.
    split: std::collections::HashMap<i64, String>,
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

    async fn load(app: &App, state: Option<RoutingState>) -> Result<Self, PageError> {
        let orders = app.list_orders(None, state, 200, 0).await?;
        let split = app.vendor_split(&orders).await?;
        let stores = app.list_stores().await?;
        Ok(OrdersPage {
            signed_in: true,
            state: state.map_or("", RoutingState::as_str).to_owned(),
            orders,
            needing_attention: app.count_needing_attention().await?,
            split,
            tracking_store: StoreChoice::new(stores),
            tracking_csv: String::new(),
            tracking_message: None,
            tracking_errors: Vec::new(),
        })
    }
}

async fn orders(
    State(app): State<App>,
    Query(query): Query<OrdersQuery>,
) -> Result<impl IntoResponse, PageError> {
    OrdersPage::load(&app, RoutingState::parse(&query.state)).await
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
    let mut page = OrdersPage::load(&app, None).await?;
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
            page.tracking_errors = super::format::rejected_rows(&report.errors);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.tracking_errors = errors.iter().map(|e| e.message.clone()).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/show.html")]
struct OrderPage {
    signed_in: bool,
    detail: OrderDetail,
    preview: Option<RoutingPreview>,
    vendors: std::collections::HashMap<i64, String>,
    /// Names offered in the carrier field (any other name is accepted, and flagged).
    carriers: Vec<&'static str>,
    /// The purchase order whose shipment form was just refused, with why.
    shipment_form_po: Option<i64>,
    shipment_errors: FieldErrors,
}

impl OrderPage {
    /// Where the tracking number links: the address the shipment was given, else the carrier's
    /// own tracking page when wharf knows it.
    fn tracking_link(&self, shipment: &ShipmentView) -> Option<String> {
        shipment.tracking_url.clone().or_else(|| {
            let carrier = normalise_carrier(&shipment.carrier).ok()?;
            tracking_page(carrier.slug()?, &shipment.tracking_number)
        })
    }

    fn vendor_name(&self, vendor_id: &i64) -> &str {
        self.vendors
            .get(vendor_id)
            .map_or("(removed vendor)", String::as_str)
    }

    fn when(&self, at_ms: &i64) -> String {
        super::format::utc(*at_ms)
    }

    /// Whether this purchase order's shipment form was just refused (so it opens with errors).
    fn form_is_for(&self, purchase_order_id: &i64) -> bool {
        self.shipment_form_po == Some(*purchase_order_id)
    }

    /// unshipped | partially_shipped | shipped, from the shipments recorded in wharf.
    fn fulfilment(&self, po: &PurchaseOrder) -> &'static str {
        let ordered: i64 = po.lines.iter().map(|l| l.quantity).sum();
        let shipped: i64 = po
            .lines
            .iter()
            .map(|l| l.quantity_shipped.min(l.quantity))
            .sum();
        match shipped {
            0 => "unshipped",
            s if s >= ordered => "shipped",
            _ => "partially_shipped",
        }
    }

    async fn load(app: &App, id: i64) -> Result<Self, PageError> {
        let detail = app.order_detail(id).await?;
        let preview = match detail.order.routing_state.as_str() {
            "needs_attention" => Some(app.preview_routing(id).await?),
            _ => None,
        };
        let vendors = app
            .list_vendors()
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        Ok(OrderPage {
            signed_in: true,
            detail,
            preview,
            vendors,
            carriers: crate::domain::carrier::known_carriers()
                .iter()
                .map(|c| c.name)
                .collect(),
            shipment_form_po: None,
            shipment_errors: FieldErrors::default(),
        })
    }
}

async fn order(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    OrderPage::load(&app, id).await
}

/// The operator's shipment form: the shipment fields plus `qty_{order line id}` per line.
async fn record_shipment(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let text = |name: &str| form.get(name).cloned().unwrap_or_default();
    let optional = |name: &str| form.get(name).filter(|v| !v.trim().is_empty()).cloned();
    let mut lines: Vec<ShipmentLineInput> = Vec::new();
    let mut bad_quantities = FieldErrors::default();
    for (name, value) in &form {
        let Some(line_id) = name.strip_prefix("qty_").and_then(|id| id.parse().ok()) else {
            continue;
        };
        match value.trim().parse::<i64>() {
            Ok(0) => {}
            Ok(quantity) => lines.push(ShipmentLineInput {
                line_id: Some(line_id),
                sku: None,
                quantity,
            }),
            Err(_) => bad_quantities.push(crate::domain::FieldError::new(
                "lines",
                format!("{value:?} is not a whole number"),
            )),
        }
    }
    lines.sort_by_key(|l| l.line_id);
    let input = ShipmentInput {
        tracking_number: text("tracking_number"),
        carrier: text("carrier"),
        tracking_url: optional("tracking_url"),
        shipping_method: optional("shipping_method"),
        lines,
    };
    let outcome = if bad_quantities.is_empty() {
        app.record_shipment(purchase_order_id, None, ShipmentSource::Operator, &input)
            .await
    } else {
        Err(AppError::Invalid(bad_quantities))
    };
    match outcome {
        Ok(shipment) => Ok(Redirect::to(&format!(
            "/orders/{}#shipment-{}",
            shipment.order_id, shipment.id
        ))
        .into_response()),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let order_id = app.order_of_purchase_order(purchase_order_id).await?;
            let mut page = OrderPage::load(&app, order_id).await?;
            page.shipment_form_po = Some(purchase_order_id);
            page.shipment_errors = match error {
                AppError::Invalid(errors) => errors,
                AppError::Conflict(message) => FieldErrors(vec![crate::domain::FieldError::new(
                    "purchase_order",
                    message,
                )]),
                _ => unreachable!("matched above"),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn retry_shipment(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let shipment = app.retry_shipment(id).await?;
    Ok(Redirect::to(&format!("/orders/{}#shipment-{id}", shipment.order_id)).into_response())
}
