//! `/vendor/purchase-orders`: the vendor's purchase orders, the ones to do first and new ones
//! marked, searched with the vendor API's search (`App::vendor_purchase_orders`), and `/vendor/purchase-orders/{id}`: one of them with where it goes, its lines,
//! the shipments made and the form to ship more (`ship.rs` takes the form).
//!
//! Both read through the vendor-scoped use cases (`app::purchase_orders`), so another vendor's
//! purchase order is "not found", whatever id is typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::path_id::parse_id;
use super::session::PortalUser;
use super::ship_form::ShipForm;
use super::words;
use crate::app::App;
use crate::app::purchase_orders::{
    VendorPurchaseOrder, VendorPurchaseOrderDetail, VendorPurchaseOrderPage,
};
use crate::db::orders::PurchaseOrderLine;
use crate::db::shipments::ShipmentView;
use crate::domain::FieldErrors;
use crate::domain::carrier::{known_carriers, normalise_carrier, tracking_page};
use crate::domain::purchase_order::{
    PurchaseOrderSearch, PurchaseOrderSearchInput, PurchaseOrderState,
};

/// Purchase orders a portal page lists.
const PAGE_SIZE: &str = "50";

#[derive(Template, WebTemplate)]
#[template(path = "portal/purchase_orders.html")]
struct ListPage {
    brand: PortalBrand,
    signed_in: bool,
    /// The search as typed, kept in its fields and in the next page's link.
    input: PurchaseOrderSearchInput,
    page: VendorPurchaseOrderPage,
    /// What was wrong with the search, beside its field.
    errors: FieldErrors,
}

impl ListPage {
    /// The list of everything, shipped and cancelled ones too, rather than what is to do.
    fn is_everything(&self) -> bool {
        self.input.status == "all"
    }

    fn is_searched(&self) -> bool {
        !self.input.q.trim().is_empty() || !self.input.state.trim().is_empty()
    }

    fn states(&self) -> [PurchaseOrderState; 6] {
        PurchaseOrderState::ALL
    }

    fn is_chosen(&self, state: &PurchaseOrderState) -> bool {
        self.input.state.trim().replace('-', "_") == state.as_str()
    }

    /// New since the previous visit, and still to do: a done one needs nothing of the user.
    fn is_new(&self, row: &VendorPurchaseOrder) -> bool {
        row.is_new && !row.purchase_order.state.is_done()
    }

    fn name(&self, row: &VendorPurchaseOrder) -> String {
        words::order_name(row.purchase_order.order_external_id)
    }

    fn when(&self, row: &VendorPurchaseOrder) -> String {
        words::when(row.purchase_order.created_at_ms)
    }

    /// Where it goes, as the list shows it: the first address's name and city.
    fn ship_to(&self, row: &VendorPurchaseOrder) -> String {
        match row.purchase_order.addresses.first() {
            Some(a) => format!("{}, {}", a.name, a.city),
            None => "Not known yet".to_owned(),
        }
    }

    /// "2 of 3 shipped": units, every line counted.
    fn shipped(&self, row: &VendorPurchaseOrder) -> String {
        let lines = &row.purchase_order.lines;
        let units: i64 = lines.iter().map(|l| l.quantity).sum();
        let shipped: i64 = lines
            .iter()
            .map(|l| l.quantity_shipped.min(l.quantity))
            .sum();
        format!("{shipped} of {units} shipped")
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.for_field(field)
    }

    fn next_link(&self, cursor: &str) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("q", &self.input.q),
            ("state", &self.input.state),
            ("status", &self.input.status),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(key, value);
            }
        }
        query.append_pair("cursor", cursor);
        format!("/vendor/purchase-orders?{}", query.finish())
    }
}

/// The list: what is still to do first, then what is done, each newest first; searched by
/// order number, SKU, product or customer name and tracking number, and filtered by state.
/// Opening the plain list's first page is a visit: what was created since the previous one
/// is marked, there and on the pages and searches after it, until the next visit.
pub(super) async fn list(
    State(app): State<App>,
    user: PortalUser,
    Query(mut input): Query<PurchaseOrderSearchInput>,
) -> Result<Response, PortalError> {
    // The portal's own page size and visits: neither is the user's to type.
    input.limit = PAGE_SIZE.to_owned();
    input.seen_since = String::new();
    let mut search = match PurchaseOrderSearch::parse(&input) {
        Ok(search) => search,
        Err(errors) => {
            let page = ListPage {
                brand: super::brand::current(),
                signed_in: true,
                input,
                page: VendorPurchaseOrderPage::default(),
                errors,
            };
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let is_plain_first_page =
        search.cursor.is_none() && search.text.is_none() && search.state.is_none();
    let previous_visit = if is_plain_first_page {
        app.start_purchase_order_visit(user.user_id).await?
    } else {
        app.purchase_order_visit_before(user.user_id).await?
    };
    // On a first visit everything is new: marked as created after the start of time.
    search.seen_since_ms = Some(previous_visit.unwrap_or(i64::MIN));
    let page = app.vendor_purchase_orders(user.vendor_id, &search).await?;
    Ok(ListPage {
        brand: super::brand::current(),
        signed_in: true,
        input,
        page,
        errors: FieldErrors::default(),
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
    /// A "can't fulfil" form sent back with what was wrong; `None` when the page is opened.
    pub decline: Option<DeclineForm>,
    /// Why an action could not be done (accepting a cancelled one, say), above the actions.
    pub action_error: Option<String>,
}

/// A line's "can't fulfil" form as sent, with its errors (`reason`, or `decline` for why the
/// line could not be declined at all).
pub struct DeclineForm {
    pub order_line_id: i64,
    pub reason: String,
    pub errors: FieldErrors,
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
            decline: None,
            action_error: None,
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

    fn state(&self) -> PurchaseOrderState {
        self.view.purchase_order.state
    }

    /// Accepting is offered until the vendor has accepted; a cancelled or closed purchase
    /// order has nothing to accept.
    fn can_accept(&self) -> bool {
        let po = &self.view.purchase_order;
        po.accepted_at_ms.is_none()
            && !matches!(
                po.state,
                PurchaseOrderState::Cancelled | PurchaseOrderState::Closed
            )
    }

    /// Why nothing can be done with a cancelled or closed purchase order, in the portal's words
    /// (the use case's message names wharf's own id, which people never see).
    pub fn why_nothing_to_do(&self) -> Option<&'static str> {
        match self.state() {
            PurchaseOrderState::Cancelled => {
                Some("This purchase order is cancelled: the shop cancelled its order.")
            }
            PurchaseOrderState::Closed => {
                Some("This purchase order is closed: every line on it was passed on.")
            }
            _ => None,
        }
    }

    /// Who accepted the purchase order and when, in words.
    fn accepted(&self) -> Option<String> {
        let po = &self.view.purchase_order;
        let at = po.accepted_at_ms?;
        let by = po.accepted_by.as_deref().unwrap_or("your team");
        Some(format!("Accepted by {by} on {}.", words::when(at)))
    }

    /// A line may be passed on while nothing of it shipped and the order is not cancelled.
    fn can_decline(&self, line: &PurchaseOrderLine) -> bool {
        line.quantity_shipped == 0 && self.view.purchase_order.status == "open"
    }

    /// What the line's reason field holds: as sent, else empty.
    fn reason_value(&self, line: &PurchaseOrderLine) -> &str {
        match &self.decline {
            Some(d) if d.order_line_id == line.order_line_id => &d.reason,
            _ => "",
        }
    }

    /// The error of the line's "can't fulfil" form, beside its reason field.
    fn decline_error(&self, line: &PurchaseOrderLine) -> Option<&str> {
        let decline = self.decline.as_ref()?;
        if decline.order_line_id != line.order_line_id {
            return None;
        }
        decline
            .errors
            .for_field("reason")
            .or_else(|| decline.errors.for_field("decline"))
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
