//! Shipping from the portal: the form on a purchase order's page (tracking number, carrier,
//! a quantity per line) and `/vendor/ship`, the open purchase orders to pick from and a
//! tracking file upload. Both record through the same use cases as the vendor API
//! (`App::record_shipment`, `App::import_tracking_csv`), scoped to the user's vendor.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::path_id::parse_id;
use super::purchase_orders::PurchaseOrderPage;
use super::session::PortalUser;
use super::ship_form::ShipForm;
use super::words;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::purchase_orders::{VendorPurchaseOrder, VendorPurchaseOrderPage};
use crate::app::shipments::TrackingReport;
use crate::domain::purchase_order::{PurchaseOrderSearch, PurchaseOrderSearchInput};
use crate::domain::shipment::ShipmentSource;
use crate::domain::{FieldError, FieldErrors};
use crate::web::next_path::see_other;

/// Records a shipment of one of the user's vendor's purchase orders; back to its page showing
/// the shipment and what is left, or the form again with each problem beside its field.
pub(super) async fn record(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, PortalError> {
    let purchase_order_id = parse_id(&id)?;
    let mut page = PurchaseOrderPage::load(&app, &user, purchase_order_id).await?;
    let mut form = ShipForm::read(&fields);
    let outcome = match form.shipment(page.lines()) {
        Some(input) => {
            app.record_shipment(
                purchase_order_id,
                Some(user.vendor_id),
                ShipmentSource::VendorPortal,
                &input,
            )
            .await
        }
        // The problems are on the form already.
        None => Err(AppError::Invalid(FieldErrors::default())),
    };
    match outcome {
        Ok(shipment) => Ok(see_other(&format!(
            "/vendor/purchase-orders/{purchase_order_id}?shipped={}#recorded",
            shipment.id
        ))),
        Err(AppError::Invalid(errors)) => {
            form.errors.0.extend(errors.0);
            page.form = form;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(message)) => {
            form.errors = FieldErrors(vec![FieldError::new("purchase_order", message)]);
            page.form = form;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/ship.html")]
struct ShipPage {
    brand: PortalBrand,
    signed_in: bool,
    open: VendorPurchaseOrderPage,
    /// The stores the vendor ships for: a tracking file's order numbers are one store's.
    stores: Vec<(i64, String)>,
    chosen_store: Option<i64>,
    kept_csv: String,
    report: Option<TrackingReport>,
    errors: FieldErrors,
}

impl ShipPage {
    async fn load(app: &App, user: &PortalUser) -> Result<Self, PortalError> {
        Ok(ShipPage {
            brand: super::brand::current(),
            signed_in: true,
            open: open_purchase_orders(app, user).await?,
            stores: app.vendor_stores(user.vendor_id).await?,
            chosen_store: None,
            kept_csv: String::new(),
            report: None,
            errors: FieldErrors::default(),
        })
    }

    fn name(&self, row: &VendorPurchaseOrder) -> String {
        words::order_name(row.purchase_order.order_external_id)
    }

    fn units(&self, row: &VendorPurchaseOrder) -> i64 {
        row.purchase_order.lines.iter().map(|l| l.quantity).sum()
    }

    fn left(&self, row: &VendorPurchaseOrder) -> i64 {
        let lines = &row.purchase_order.lines;
        lines
            .iter()
            .map(|l| (l.quantity - l.quantity_shipped).max(0))
            .sum()
    }

    fn ship_to(&self, row: &VendorPurchaseOrder) -> String {
        match row.purchase_order.addresses.first() {
            Some(a) => format!("{}, {}", a.name, a.city),
            None => "Not known yet".to_owned(),
        }
    }

    fn is_chosen(&self, store_id: &i64) -> bool {
        match self.chosen_store {
            Some(chosen) => chosen == *store_id,
            None => self.stores.len() == 1,
        }
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }
}

/// The first page of the vendor's search (what is to do comes first), keeping what is left to
/// ship.
async fn open_purchase_orders(
    app: &App,
    user: &PortalUser,
) -> Result<VendorPurchaseOrderPage, PortalError> {
    let search = PurchaseOrderSearch::parse(&PurchaseOrderSearchInput {
        limit: "50".to_owned(),
        ..Default::default()
    })
    .map_err(AppError::Invalid)?;
    let mut page = app.vendor_purchase_orders(user.vendor_id, &search).await?;
    page.purchase_orders
        .retain(|row| !row.purchase_order.state.is_done());
    Ok(page)
}

pub(super) async fn page(
    State(app): State<App>,
    user: PortalUser,
) -> Result<Response, PortalError> {
    Ok(ShipPage::load(&app, &user).await?.into_response())
}

#[derive(Deserialize)]
pub(super) struct TrackingForm {
    #[serde(default)]
    store_id: String,
    #[serde(default)]
    csv: String,
}

/// A tracking file for the user's vendor's purchase orders of one store: the rows that worked
/// are recorded, and every other row is reported by its line at the top of the page.
pub(super) async fn upload_tracking(
    State(app): State<App>,
    user: PortalUser,
    Form(form): Form<TrackingForm>,
) -> Result<Response, PortalError> {
    let mut page = ShipPage::load(&app, &user).await?;
    page.kept_csv = form.csv.clone();
    let store = form
        .store_id
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| page.stores.iter().any(|(s, _)| s == id));
    let Some(store_id) = store else {
        page.errors = FieldErrors(vec![FieldError::new(
            "store_id",
            "Choose the shop the file's order numbers are from",
        )]);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    page.chosen_store = Some(store_id);
    match app
        .import_tracking_csv(store_id, Some(user.vendor_id), &form.csv)
        .await
    {
        Ok(report) => {
            // What was recorded is on the list now: read it again.
            page.open = open_purchase_orders(&app, &user).await?;
            page.report = Some(report);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = FieldErrors(
                errors
                    .iter()
                    .map(|e| FieldError::new("csv", e.message.clone()))
                    .collect(),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
