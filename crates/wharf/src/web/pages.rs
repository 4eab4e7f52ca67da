//! Setup › Integrations › BigCommerce: the pages where a merchant adds stores and connects them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use super::error::PageError;
use serde::Deserialize;

use crate::app::App;
use crate::app::catalog::ImportView;
use crate::app::error::AppError;
use crate::app::orders::{OrderDetail, RoutingPreview};
use crate::app::stores::StoreView;
use crate::app::vendors::{AssignmentInput, CreatedVendor, VendorView};
use crate::db::catalog::CatalogRow;
use crate::db::orders::{OrderSummary, PurchaseOrder};
use crate::domain::FieldErrors;
use crate::domain::catalog::ImportMode;
use crate::domain::order::RoutingState;
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput, ShipmentSource};
use crate::domain::store::NewStoreInput;
use crate::domain::vendor::VendorInput;

const BASE: &str = "/setup/integrations/bigcommerce";

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/dashboard") }))
        .route("/dashboard", get(dashboard))
        .route(BASE, get(index).post(create))
        .route("/setup/integrations/bigcommerce/new", get(new_store))
        .route("/setup/integrations/bigcommerce/stores/{id}", get(show))
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/connect",
            post(connect),
        )
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/imports",
            post(start_import),
        )
        .route(
            "/setup/integrations/bigcommerce/imports/{id}/progress",
            get(import_progress),
        )
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/routing",
            post(set_routing),
        )
        .route("/products", get(products))
        .route("/vendors", get(vendors).post(add_vendor))
        .route("/vendors/assignments", post(assign_from_form))
        .route("/vendors/{id}", post(edit_vendor))
        .route("/vendors/assignments/csv", post(assign_from_csv_form))
        .route("/orders", get(orders))
        .route("/orders/{id}", get(order))
        .route("/orders/tracking-csv", post(upload_tracking))
        .route("/purchase-orders/{id}/shipments", post(record_shipment))
        .route("/shipments/{id}/retry", post(retry_shipment))
}

#[derive(Template, WebTemplate)]
#[template(path = "integrations/index.html")]
struct IndexPage {
    signed_in: bool,
    stores: Vec<StoreView>,
}

async fn index(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    Ok(IndexPage {
        signed_in: true,
        stores: app.list_stores().await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "integrations/new.html")]
struct NewStorePage {
    signed_in: bool,
    /// Echoed back after an error; secret fields are never echoed.
    input: NewStoreInput,
    errors: FieldErrors,
}

async fn new_store() -> impl IntoResponse {
    NewStorePage {
        signed_in: true,
        input: NewStoreInput::default(),
        errors: FieldErrors::default(),
    }
}

async fn create(
    State(app): State<App>,
    Form(input): Form<NewStoreInput>,
) -> Result<Response, PageError> {
    match app.add_store(&input).await {
        Ok(store) => Ok(Redirect::to(&format!("{BASE}/stores/{}", store.id)).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = NewStorePage {
                signed_in: true,
                input,
                errors,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "integrations/store.html")]
struct StorePage {
    signed_in: bool,
    store: StoreView,
    import: Option<ImportView>,
    routing_error: Option<String>,
}

async fn show(State(app): State<App>, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    let store = app.store(id).await?;
    let import = app.latest_import(id).await?;
    Ok(StorePage {
        signed_in: true,
        store,
        import,
        routing_error: None,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "integrations/connection.html")]
struct ConnectionFragment {
    store: StoreView,
}

/// With htmx, answers the refreshed status panel; without JavaScript, goes back to the page.
async fn connect(
    State(app): State<App>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let store = app.connect_store(id).await?;
    if headers.contains_key("hx-request") {
        Ok(ConnectionFragment { store }.into_response())
    } else {
        Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "integrations/import.html")]
struct ImportFragment {
    store_id: i64,
    import: Option<ImportView>,
}

/// Starts a full import (or joins the running one) and answers the live progress panel.
async fn start_import(
    State(app): State<App>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let import = app.start_import(id, ImportMode::Full).await?;
    if headers.contains_key("hx-request") {
        Ok(ImportFragment {
            store_id: id,
            import: Some(import),
        }
        .into_response())
    } else {
        Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response())
    }
}

/// Polled by the progress panel every second until the run finishes.
async fn import_progress(
    State(app): State<App>,
    Path(id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    let import = app.import_view(id).await?;
    Ok(ImportFragment {
        store_id: import.run.store_id,
        import: Some(import),
    })
}

const PRODUCTS_PER_PAGE: i64 = 50;

#[derive(Deserialize)]
struct ProductsQuery {
    #[serde(default)]
    q: String,
    page: Option<i64>,
    store: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "products/index.html")]
struct ProductsPage {
    signed_in: bool,
    query: String,
    query_encoded: String,
    store_id: Option<i64>,
    rows: Vec<CatalogRow>,
    total: i64,
    page: i64,
    pages: i64,
}

async fn products(
    State(app): State<App>,
    Query(params): Query<ProductsQuery>,
) -> Result<impl IntoResponse, PageError> {
    let page = params.page.unwrap_or(1).max(1);
    let (rows, total) = app
        .search_catalog(
            params.store,
            &params.q,
            PRODUCTS_PER_PAGE,
            (page - 1) * PRODUCTS_PER_PAGE,
        )
        .await?;
    Ok(ProductsPage {
        signed_in: true,
        query_encoded: url::form_urlencoded::byte_serialize(params.q.as_bytes()).collect(),
        query: params.q,
        store_id: params.store,
        rows,
        total,
        page,
        pages: ((total + PRODUCTS_PER_PAGE - 1) / PRODUCTS_PER_PAGE).max(1),
    })
}

// ---- vendors ---------------------------------------------------------------------------------

#[derive(Template, WebTemplate)]
#[template(path = "vendors/index.html")]
struct VendorsPage {
    signed_in: bool,
    vendors: Vec<VendorView>,
    input: VendorInput,
    errors: FieldErrors,
    created: Option<CreatedVendor>,
    /// The new vendor's token, for this one page only.
    created_token: String,
    stores: Vec<StoreView>,
    assignment_message: Option<String>,
    assignment_errors: Vec<String>,
}

impl VendorsPage {
    async fn load(app: &App) -> Result<Self, PageError> {
        Ok(VendorsPage {
            signed_in: true,
            vendors: app.list_vendors().await?,
            input: VendorInput::default(),
            errors: FieldErrors::default(),
            created: None,
            created_token: String::new(),
            stores: app.list_stores().await?,
            assignment_message: None,
            assignment_errors: Vec::new(),
        })
    }
}

async fn vendors(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    VendorsPage::load(&app).await
}

#[derive(Deserialize)]
struct AssignForm {
    store_id: i64,
    rule: String,
    #[serde(default)]
    value: String,
    vendor: String,
}

/// One rule from the form; the page answers with what it did (and what it routed).
async fn assign_from_form(
    State(app): State<App>,
    Form(form): Form<AssignForm>,
) -> Result<Response, PageError> {
    let rule = match form.rule.as_str() {
        "sku" => AssignmentInput::Sku {
            sku: form.value,
            vendor: form.vendor,
        },
        "brand" => AssignmentInput::Brand {
            brand: form.value,
            vendor: form.vendor,
        },
        "sku_prefix" => AssignmentInput::SkuPrefix {
            prefix: form.value,
            vendor: form.vendor,
        },
        _ => AssignmentInput::Default {
            vendor: form.vendor,
        },
    };
    let mut page = VendorsPage::load(&app).await?;
    match app.assign(form.store_id, &rule).await {
        Ok(()) => {
            let routed = app.reroute_needing_attention(form.store_id).await?;
            page.assignment_message = Some(format!(
                "Assigned. {routed} order(s) waiting in Needs attention are routed now."
            ));
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.assignment_errors = errors.iter().map(|e| e.message.clone()).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct CsvForm {
    store_id: i64,
    csv: String,
}

/// A pasted CSV: valid rows applied, every bad row listed with its line.
async fn assign_from_csv_form(
    State(app): State<App>,
    Form(form): Form<CsvForm>,
) -> Result<Response, PageError> {
    let mut page = VendorsPage::load(&app).await?;
    match app.import_assignments_csv(form.store_id, &form.csv).await {
        Ok(report) => {
            let routed = app.reroute_needing_attention(form.store_id).await?;
            page.assignment_message = Some(format!(
                "{} row(s) applied, {} rejected; {routed} order(s) routed now.",
                report.applied,
                report.errors.len()
            ));
            page.assignment_errors = report
                .errors
                .iter()
                .map(|e| format!("Line {}: {}", e.line, e.message))
                .collect();
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.assignment_errors = errors.iter().map(|e| e.message.clone()).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// Adds a vendor and shows its token on the answer itself: it is never shown again, so it must
/// not go through a redirect to a page that could be reloaded or cached.
async fn add_vendor(
    State(app): State<App>,
    Form(input): Form<VendorInput>,
) -> Result<Response, PageError> {
    match app.add_vendor(&input).await {
        Ok(created) => {
            let created_token =
                secrecy::ExposeSecret::expose_secret(&created.api_token_once).to_owned();
            let mut page = VendorsPage::load(&app).await?;
            page.created = Some(created);
            page.created_token = created_token;
            Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], page).into_response())
        }
        Err(AppError::Invalid(errors)) => {
            let mut page = VendorsPage::load(&app).await?;
            page.input = input;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

// ---- orders ----------------------------------------------------------------------------------

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
    stores: Vec<StoreView>,
    /// What the last tracking upload did.
    tracking_message: Option<String>,
    tracking_errors: Vec<String>,
}

impl OrdersPage {
    fn vendors_of(&self, order_id: &i64) -> &str {
        self.split.get(order_id).map_or("—", String::as_str)
    }
}

async fn orders(
    State(app): State<App>,
    Query(query): Query<OrdersQuery>,
) -> Result<impl IntoResponse, PageError> {
    OrdersPage::load(&app, RoutingState::parse(&query.state)).await
}

impl OrdersPage {
    async fn load(app: &App, state: Option<RoutingState>) -> Result<Self, PageError> {
        let orders = app.list_orders(None, state, 200, 0).await?;
        let split = app.vendor_split(&orders).await?;
        Ok(OrdersPage {
            signed_in: true,
            state: state.map_or("", RoutingState::as_str).to_owned(),
            orders,
            needing_attention: app.count_needing_attention().await?,
            split,
            stores: app.list_stores().await?,
            tracking_message: None,
            tracking_errors: Vec::new(),
        })
    }
}

#[derive(Deserialize)]
struct TrackingForm {
    store_id: i64,
    csv: String,
}

/// A tracking CSV (order, sku, quantity, tracking_number, carrier): valid rows recorded and
/// queued for BigCommerce, every bad row listed with its line.
async fn upload_tracking(
    State(app): State<App>,
    Form(form): Form<TrackingForm>,
) -> Result<Response, PageError> {
    let mut page = OrdersPage::load(&app, None).await?;
    match app
        .import_tracking_csv(form.store_id, None, &form.csv)
        .await
    {
        Ok(report) => {
            page.tracking_message = Some(format!(
                "{} shipment(s) recorded from {} row(s); {} row(s) rejected.",
                report.shipments_recorded,
                report.lines_recorded,
                report.errors.len()
            ));
            page.tracking_errors = report
                .errors
                .iter()
                .map(|e| format!("Line {}: {}", e.line, e.message))
                .collect();
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
    fn vendor_name(&self, vendor_id: &i64) -> &str {
        self.vendors
            .get(vendor_id)
            .map_or("(removed vendor)", String::as_str)
    }

    fn when(&self, at_ms: &i64) -> String {
        crate::db::to_timestamp(*at_ms)
            .strftime("%Y-%m-%d %H:%M:%S UTC")
            .to_string()
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

#[derive(Template, WebTemplate)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    signed_in: bool,
    stores_connected: usize,
    stores_total: usize,
    products: i64,
    vendors: usize,
    needing_attention: i64,
    routed: usize,
    failed_jobs: i64,
    flows: crate::db::dashboard::FlowCounts,
}

/// What needs doing, at a glance: the first page after signing in.
async fn dashboard(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    let stores = app.list_stores().await?;
    let (_, products) = app.search_catalog(None, "", 1, 0).await?;
    Ok(DashboardPage {
        signed_in: true,
        stores_connected: stores.iter().filter(|s| s.is_connected()).count(),
        stores_total: stores.len(),
        products,
        vendors: app.list_vendors().await?.len(),
        needing_attention: app.count_needing_attention().await?,
        routed: app
            .list_orders(None, Some(RoutingState::Routed), 100_000, 0)
            .await?
            .len(),
        failed_jobs: app.count_failed_jobs().await?,
        flows: app.flow_counts().await?,
    })
}

/// Saves a vendor's name and email from its row on the Vendors page.
async fn edit_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(input): Form<VendorInput>,
) -> Result<Response, PageError> {
    match app.update_vendor(id, &input).await {
        Ok(_) => Ok(Redirect::to("/vendors").into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = VendorsPage::load(&app).await?;
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct RoutingForm {
    statuses: String,
}

/// Saves which statuses create purchase orders ("11, 9"); a bad list is named on the page.
async fn set_routing(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(form): Form<RoutingForm>,
) -> Result<Response, PageError> {
    let parsed: Result<Vec<i64>, _> = form
        .statuses
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse::<i64>)
        .collect();
    let result = match parsed {
        Ok(ids) => app.set_routed_statuses(id, &ids).await.map(drop),
        Err(_) => Err(AppError::Invalid(FieldErrors(vec![
            crate::domain::FieldError::new(
                "routed_status_ids",
                format!("{:?} is not a list of status ids like 11, 9", form.statuses),
            ),
        ]))),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let page = StorePage {
                signed_in: true,
                store: app.store(id).await?,
                import: app.latest_import(id).await?,
                routing_error: errors.iter().next().map(|e| e.message.clone()),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
