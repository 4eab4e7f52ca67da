//! `/stores/{id}/orders/{number}`: one order with its routing, purchase orders, shipments and
//! timeline. In Needs attention it lists the lines no rule matches, each with a one-click
//! "assign to vendor" (a SKU rule for its variant) and one per brand (a brand rule); the order
//! is routed at once. Shipments are recorded and retried from here.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::app::App;
use crate::app::error::AppError;
use crate::app::orders::{OrderDetail, RoutingPreview};
use crate::app::vendor_store_orders::VendorOrderView;
use crate::app::vendors::VendorView;
use crate::db::orders::{PurchaseOrder, UnroutedLine};
use crate::db::shipments::ShipmentView;
use crate::domain::carrier::{normalise_carrier, tracking_page};
use crate::domain::order::RoutingState;
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::PageError;
use crate::web::pages::extract::Path;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/stores/{id}/orders/{number}", get(order))
        .route(
            "/stores/{id}/orders/{number}/assign-line",
            post(assign_line),
        )
        .route(
            "/stores/{id}/orders/{number}/assign-brand",
            post(assign_brand),
        )
        .route("/purchase-orders/{id}/shipments", post(record_shipment))
        .route("/shipments/{id}/retry", post(retry_shipment))
        .route(
            "/purchase-orders/{id}/vendor-order/send-again",
            post(send_vendor_order_again),
        )
}

/// Which one-click form on the page was sent, so its errors show beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum AssignForm {
    Line(i64),
    Brand(String),
}

#[derive(Template, WebTemplate)]
#[template(path = "orders/show.html")]
struct OrderPage {
    signed_in: bool,
    detail: OrderDetail,
    store_name: String,
    preview: Option<RoutingPreview>,
    /// The lines no rule sends to an active vendor (in Needs attention).
    unmatched: Vec<UnroutedLine>,
    /// Their brands, each once, as the catalog spells them.
    unmatched_brands: Vec<String>,
    vendors: HashMap<i64, String>,
    /// The vendors a line or brand can be assigned to.
    active_vendors: Vec<VendorView>,
    /// The one-click form just refused, with why.
    assign_form: Option<AssignForm>,
    assign_errors: FieldErrors,
    /// Names offered in the carrier field (any other name is accepted, and flagged).
    carriers: Vec<&'static str>,
    /// The purchase order whose shipment form was just refused, with why.
    shipment_form_po: Option<i64>,
    shipment_errors: FieldErrors,
    /// Each purchase order's order in its vendor's own store, if it was sent there.
    vendor_orders: HashMap<i64, VendorOrderView>,
    /// The purchase order whose Send again was just refused, with why.
    send_again_refusal: Option<(i64, String)>,
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
        crate::web::pages::format::utc(*at_ms)
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

    fn vendor_order(&self, purchase_order_id: &i64) -> Option<&VendorOrderView> {
        self.vendor_orders.get(purchase_order_id)
    }

    /// Why Send again was just refused for this purchase order, if it was.
    fn send_again_refused(&self, purchase_order_id: &i64) -> Option<&str> {
        self.send_again_refusal
            .as_ref()
            .filter(|(id, _)| id == purchase_order_id)
            .map(|(_, why)| why.as_str())
    }

    fn order_path(&self) -> String {
        super::address::order_path(&self.detail.order)
    }

    fn is_line_form(&self, line: &UnroutedLine) -> bool {
        self.assign_form == Some(AssignForm::Line(line.line_id))
    }

    fn is_brand_form(&self, brand: &str) -> bool {
        self.assign_form == Some(AssignForm::Brand(brand.to_owned()))
    }

    /// `brand-3`: an id for the brand's form fields (a brand name may hold any character).
    fn brand_key(&self, brand: &str) -> String {
        let index = self.unmatched_brands.iter().position(|b| b == brand);
        format!("brand-{}", index.unwrap_or_default())
    }

    async fn load(app: &App, id: i64) -> Result<Self, PageError> {
        let detail = app.order_detail(id).await?;
        let needs_attention =
            RoutingState::parse(&detail.order.routing_state) == Some(RoutingState::NeedsAttention);
        let (preview, unmatched) = match needs_attention {
            true => (
                Some(app.preview_routing(id).await?),
                app.unmatched_lines(id).await?,
            ),
            false => (None, Vec::new()),
        };
        let mut unmatched_brands: Vec<String> = Vec::new();
        for brand in unmatched.iter().filter_map(|l| l.brand.as_deref()) {
            let brand = brand.trim();
            if !brand.is_empty()
                && !unmatched_brands
                    .iter()
                    .any(|b| b.eq_ignore_ascii_case(brand))
            {
                unmatched_brands.push(brand.to_owned());
            }
        }
        let all_vendors = app.list_vendors().await?;
        let store_name = app.store(detail.order.store_id).await?.name;
        let mut vendor_orders = HashMap::new();
        for po in &detail.purchase_orders {
            if let Some(view) = app.vendor_store_order(po.id).await? {
                vendor_orders.insert(po.id, view);
            }
        }
        Ok(OrderPage {
            signed_in: true,
            store_name,
            preview,
            unmatched,
            unmatched_brands,
            vendors: all_vendors.iter().map(|v| (v.id, v.name.clone())).collect(),
            active_vendors: all_vendors.into_iter().filter(|v| v.active).collect(),
            assign_form: None,
            assign_errors: FieldErrors::default(),
            detail,
            carriers: crate::domain::carrier::known_carriers()
                .iter()
                .map(|c| c.name)
                .collect(),
            shipment_form_po: None,
            shipment_errors: FieldErrors::default(),
            vendor_orders,
            send_again_refusal: None,
        })
    }

    /// The page of the order a store's BigCommerce number names.
    async fn load_by_number(app: &App, store_id: i64, number: i64) -> Result<Self, PageError> {
        let order = app.order_by_number(store_id, number).await?;
        Self::load(app, order.id).await
    }
}

async fn order(
    State(app): State<App>,
    Path((store_id, number)): Path<(i64, i64)>,
) -> Result<impl IntoResponse, PageError> {
    OrderPage::load_by_number(&app, store_id, number).await
}

#[derive(Deserialize)]
struct AssignLineForm {
    line: i64,
    #[serde(default)]
    vendor_id: String,
}

#[derive(Deserialize)]
struct AssignBrandForm {
    brand: String,
    #[serde(default)]
    vendor_id: String,
}

/// One click: the line's variant goes to the chosen vendor, and the order is routed.
async fn assign_line(
    State(app): State<App>,
    Path((store_id, number)): Path<(i64, i64)>,
    Form(form): Form<AssignLineForm>,
) -> Result<Response, PageError> {
    let order = app.order_by_number(store_id, number).await?;
    let result = match chosen_vendor(&form.vendor_id) {
        Ok(vendor_id) => {
            app.assign_line_to_vendor(order.id, form.line, vendor_id)
                .await
        }
        Err(error) => Err(error),
    };
    after_assign(&app, order.id, AssignForm::Line(form.line), result).await
}

/// One click: every item of the brand goes to the chosen vendor, and the order is routed.
async fn assign_brand(
    State(app): State<App>,
    Path((store_id, number)): Path<(i64, i64)>,
    Form(form): Form<AssignBrandForm>,
) -> Result<Response, PageError> {
    let order = app.order_by_number(store_id, number).await?;
    let result = match chosen_vendor(&form.vendor_id) {
        Ok(vendor_id) => {
            app.assign_brand_to_vendor(order.id, &form.brand, vendor_id)
                .await
        }
        Err(error) => Err(error),
    };
    after_assign(&app, order.id, AssignForm::Brand(form.brand), result).await
}

fn chosen_vendor(text: &str) -> Result<i64, AppError> {
    text.trim().parse().map_err(|_| {
        AppError::Invalid(FieldErrors(vec![FieldError::new(
            "vendor",
            "Choose a vendor",
        )]))
    })
}

/// Back to the order after an assignment: its page, now routed; or refused, with why beside
/// the form that was sent.
async fn after_assign(
    app: &App,
    order_id: i64,
    form: AssignForm,
    result: Result<usize, AppError>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => {
            let order = app.order_summary(order_id).await?;
            Ok(Redirect::to(&super::address::order_path(&order)).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = OrderPage::load(app, order_id).await?;
            page.assign_form = Some(form);
            page.assign_errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The operator's shipment form: the shipment fields plus `qty_{order line id}` per line.
async fn record_shipment(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
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
            Err(_) => bad_quantities.push(FieldError::new(
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
        Ok(shipment) => {
            let order = app.order_summary(shipment.order_id).await?;
            let path = super::address::order_path(&order);
            Ok(Redirect::to(&format!("{path}#shipment-{}", shipment.id)).into_response())
        }
        Err(error @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let order_id = app.order_of_purchase_order(purchase_order_id).await?;
            let mut page = OrderPage::load(&app, order_id).await?;
            page.shipment_form_po = Some(purchase_order_id);
            page.shipment_errors = match error {
                AppError::Invalid(errors) => errors,
                AppError::Conflict(message) => {
                    FieldErrors(vec![FieldError::new("purchase_order", message)])
                }
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
    let order = app.order_summary(shipment.order_id).await?;
    let path = super::address::order_path(&order);
    Ok(Redirect::to(&format!("{path}#shipment-{id}")).into_response())
}

/// *Send again*: the purchase order goes to its vendor's store as a new order; refused, with
/// why beside the button, while one exists there.
async fn send_vendor_order_again(
    State(app): State<App>,
    Path(purchase_order_id): Path<i64>,
) -> Result<Response, PageError> {
    let order_id = app.order_of_purchase_order(purchase_order_id).await?;
    match app.send_vendor_store_order_again(purchase_order_id).await {
        Ok(_) => {
            let order = app.order_summary(order_id).await?;
            let path = super::address::order_path(&order);
            Ok(Redirect::to(&format!("{path}#po-{purchase_order_id}")).into_response())
        }
        Err(AppError::Conflict(why)) => {
            let mut page = OrderPage::load(&app, order_id).await?;
            page.send_again_refusal = Some((purchase_order_id, why));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
