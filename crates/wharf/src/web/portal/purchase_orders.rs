//! `/vendor/purchase-orders`: the vendor's purchase orders, the ones to ship first and new
//! ones marked, and `/vendor/purchase-orders/{id}`: one of them with where it goes, its lines,
//! the shipments made and the form to ship more (`ship.rs` takes the form).
//!
//! Both read through the vendor-scoped use cases (`app::vendor_orders`), so another vendor's
//! purchase order is "not found", whatever id is typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::path_id::parse_id;
use super::session::PortalUser;
use super::ship_form::ShipForm;
use super::words;
use crate::app::App;
use crate::app::purchase_orders::VendorPurchaseOrderDetail;
use crate::app::vendor_orders::VendorPurchaseOrderPage;
use crate::db::orders::{PurchaseOrderLine, VendorPurchaseOrderRow, VendorShelf};
use crate::db::shipments::ShipmentView;
use crate::domain::carrier::{known_carriers, normalise_carrier, tracking_page};

#[derive(Deserialize)]
pub(super) struct ListQuery {
    /// `done` for shipped and cancelled ones; anything else is the open ones.
    #[serde(default)]
    show: Option<String>,
    /// The next page: purchase orders older than this one.
    #[serde(default)]
    before: Option<String>,
}

impl ListQuery {
    fn shelf(&self) -> VendorShelf {
        match self.show.as_deref() {
            Some("done") => VendorShelf::Done,
            _ => VendorShelf::Open,
        }
    }

    /// The page's cursor; one that is not a number starts at the top, like none.
    fn before(&self) -> Option<i64> {
        self.before.as_deref().and_then(|b| b.trim().parse().ok())
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/purchase_orders.html")]
struct ListPage {
    brand: PortalBrand,
    signed_in: bool,
    shelf: VendorShelf,
    page: VendorPurchaseOrderPage,
    /// Purchase orders created after this are new to the user; `None` on a first visit,
    /// when all are.
    new_after_ms: Option<i64>,
}

impl ListPage {
    fn is_done(&self) -> bool {
        self.shelf == VendorShelf::Done
    }

    fn is_new(&self, row: &VendorPurchaseOrderRow) -> bool {
        self.shelf == VendorShelf::Open && self.new_after_ms.is_none_or(|at| row.created_at_ms > at)
    }

    fn name(&self, row: &VendorPurchaseOrderRow) -> String {
        words::order_name(row.order_external_id)
    }

    fn when(&self, row: &VendorPurchaseOrderRow) -> String {
        words::when(row.created_at_ms)
    }

    fn state(&self, row: &VendorPurchaseOrderRow) -> &'static str {
        words::purchase_order_state(&row.status, row.units, row.units_shipped)
    }

    fn next_link(&self, before: &i64) -> String {
        match self.shelf {
            VendorShelf::Open => format!("/vendor/purchase-orders?before={before}"),
            VendorShelf::Done => format!("/vendor/purchase-orders?show=done&before={before}"),
        }
    }
}

/// The list. Opening its first page is a visit: what was created since the previous one is
/// marked, on this page and the ones after it, until the next visit.
pub(super) async fn list(
    State(app): State<App>,
    user: PortalUser,
    Query(query): Query<ListQuery>,
) -> Result<Response, PortalError> {
    let before = query.before();
    let new_after_ms = match before {
        None => app.start_purchase_order_visit(user.user_id).await?,
        Some(_) => app.purchase_order_visit_before(user.user_id).await?,
    };
    let page = app
        .vendor_purchase_order_page(user.vendor_id, query.shelf(), before)
        .await?;
    Ok(ListPage {
        brand: super::brand::current(),
        signed_in: true,
        shelf: query.shelf(),
        page,
        new_after_ms,
    }
    .into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/purchase_order.html")]
pub(super) struct PurchaseOrderPage {
    brand: PortalBrand,
    signed_in: bool,
    view: VendorPurchaseOrderDetail,
    /// Names offered in the carrier field (any other name is accepted).
    carriers: Vec<&'static str>,
    /// The ship form as sent, with what was wrong; empty when the page is opened.
    pub form: ShipForm,
    /// The shipment just recorded, shown at the top with what is left.
    pub recorded: Option<ShipmentView>,
}

impl PurchaseOrderPage {
    /// The page of one of the vendor's purchase orders; another vendor's is not found.
    pub async fn load(
        app: &App,
        user: &PortalUser,
        purchase_order_id: i64,
    ) -> Result<Self, PortalError> {
        let view = app
            .vendor_purchase_order(user.vendor_id, purchase_order_id)
            .await?;
        Ok(PurchaseOrderPage {
            brand: super::brand::current(),
            signed_in: true,
            view,
            carriers: known_carriers().iter().map(|c| c.name).collect(),
            form: ShipForm::default(),
            recorded: None,
        })
    }

    /// The purchase order's lines, which the ship form's quantities must name.
    pub fn lines(&self) -> &[PurchaseOrderLine] {
        &self.view.purchase_order.lines
    }

    fn title(&self) -> String {
        words::order_name(self.view.purchase_order.order_external_id)
    }

    fn units(&self) -> (i64, i64) {
        let lines = &self.view.purchase_order.lines;
        let units = lines.iter().map(|l| l.quantity).sum();
        let shipped = lines
            .iter()
            .map(|l| l.quantity_shipped.min(l.quantity))
            .sum();
        (units, shipped)
    }

    fn state(&self) -> &'static str {
        let (units, shipped) = self.units();
        words::purchase_order_state(&self.view.purchase_order.status, units, shipped)
    }

    fn left(&self, line: &PurchaseOrderLine) -> i64 {
        (line.quantity - line.quantity_shipped).max(0)
    }

    fn units_left(&self) -> i64 {
        let (units, shipped) = self.units();
        units - shipped
    }

    /// Whether more can be shipped: open, and units left.
    fn can_ship(&self) -> bool {
        self.view.purchase_order.status != "cancelled" && self.units_left() > 0
    }

    /// What the line's quantity field holds: as sent, else everything left.
    fn quantity_value(&self, line: &PurchaseOrderLine) -> String {
        self.form
            .quantities
            .get(&line.order_line_id)
            .cloned()
            .unwrap_or_else(|| self.left(line).to_string())
    }

    fn quantity_error(&self, line: &PurchaseOrderLine) -> Option<&str> {
        self.form
            .line_errors
            .get(&line.order_line_id)
            .map(String::as_str)
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.form.errors.for_field(field)
    }

    /// Where a shipment's tracking number links: the address it was given, else the carrier's
    /// own tracking page when wharf knows it.
    fn tracking_link(&self, shipment: &ShipmentView) -> Option<String> {
        shipment.tracking_url.clone().or_else(|| {
            let carrier = normalise_carrier(&shipment.carrier).ok()?;
            tracking_page(carrier.slug()?, &shipment.tracking_number)
        })
    }

    fn when(&self, at_ms: &i64) -> String {
        words::when(*at_ms)
    }
}

#[derive(Deserialize)]
pub(super) struct ShownQuery {
    /// The shipment just recorded from this page (only this purchase order's are shown).
    #[serde(default)]
    shipped: Option<String>,
}

pub(super) async fn show(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
    Query(query): Query<ShownQuery>,
) -> Result<Response, PortalError> {
    let mut page = PurchaseOrderPage::load(&app, &user, parse_id(&id)?).await?;
    let shipped = query.shipped.as_deref().and_then(|s| s.parse::<i64>().ok());
    page.recorded = page
        .view
        .shipments
        .iter()
        .find(|s| Some(s.id) == shipped)
        .cloned();
    Ok(page.into_response())
}
