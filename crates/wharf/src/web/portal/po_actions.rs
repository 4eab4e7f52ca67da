//! The vendor's actions on one purchase order in the portal: accept it, say it can't fulfil a
//! line (with a reason), and print its packing slip — or a selection's, in one PDF. Each calls
//! the vendor API's use case with the signed-in user's vendor, so another vendor's purchase
//! order or line is the portal's "Not found", whatever id is typed.

use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::PortalError;
use super::path_id::parse_id;
use super::purchase_orders::{DeclineForm, PurchaseOrderPage};
use super::session::PortalUser;
use crate::app::App;
use crate::app::error::AppError;
use crate::domain::purchase_order::{VendorActor, parse_id_list};
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::WebError;
use crate::web::next_path::see_other;

/// Accepts the purchase order as the signed-in user; accepting again changes nothing. Back to
/// its page, which says who accepted it and when.
pub(super) async fn accept(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let purchase_order_id = parse_id(&id)?;
    let outcome = app
        .accept_purchase_order(
            user.vendor_id,
            purchase_order_id,
            &VendorActor::User(user.name.clone()),
        )
        .await;
    match outcome {
        Ok(_) => Ok(see_other(&format!(
            "/vendor/purchase-orders/{purchase_order_id}#po-actions"
        ))),
        // Cancelled or closed since the page was drawn: the page says so, in its own words.
        Err(AppError::Conflict(message)) => {
            let mut page = PurchaseOrderPage::load(&app, &user, purchase_order_id).await?;
            page.action_error = Some(page.why_nothing_to_do().map_or(message, str::to_owned));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct DeclineFields {
    #[serde(default)]
    reason: String,
}

/// "Can't fulfil" one line: it leaves the purchase order with the reason given. Back to the
/// page, which lists it with its reason; a missing or too long reason is shown beside the
/// line's field, a shipped line or a cancelled order above the actions.
pub(super) async fn decline(
    State(app): State<App>,
    user: PortalUser,
    Path((id, line)): Path<(String, String)>,
    Form(fields): Form<DeclineFields>,
) -> Result<Response, PortalError> {
    let purchase_order_id = parse_id(&id)?;
    let order_line_id = parse_id(&line)?;
    let outcome = app
        .decline_purchase_order_line(
            user.vendor_id,
            purchase_order_id,
            order_line_id,
            &fields.reason,
            &VendorActor::User(user.name.clone()),
        )
        .await;
    let (status, errors) = match outcome {
        Ok(_) => {
            return Ok(see_other(&format!(
                "/vendor/purchase-orders/{purchase_order_id}#declined-lines"
            )));
        }
        Err(AppError::Invalid(errors)) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
        Err(AppError::Conflict(message)) => (
            StatusCode::CONFLICT,
            FieldErrors(vec![FieldError::new("decline", message)]),
        ),
        Err(other) => return Err(other.into()),
    };
    let mut page = PurchaseOrderPage::load(&app, &user, purchase_order_id).await?;
    if let Some(words) = page.why_nothing_to_do() {
        // The order was cancelled since the page was drawn; the form is gone with it.
        page.action_error = Some(words.to_owned());
        return Ok((status, page).into_response());
    }
    page.decline = Some(DeclineForm {
        order_line_id,
        reason: fields.reason,
        errors,
    });
    Ok((status, page).into_response())
}

/// One purchase order's packing slip, named for the store's order number.
pub(super) async fn packing_slip(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let purchase_order_id = parse_id(&id)?;
    let view = app
        .vendor_purchase_order(user.vendor_id, purchase_order_id)
        .await?;
    let pdf = app
        .packing_slips_pdf(user.vendor_id, &[purchase_order_id])
        .await?;
    let file_name = format!(
        "packing-slip-order-{}.pdf",
        view.purchase_order.order_external_id
    );
    Ok(pdf_answer(pdf, &file_name))
}

/// The packing slips of the purchase orders ticked on the list, in one PDF. The list's form
/// sends one `ids` per ticked box (`ids=1&ids=2`), an address may say `ids=1,2`: both are read.
/// The selection is bounded as the use case is; any id not the vendor's own answers "Not
/// found" and no PDF.
pub(super) async fn packing_slips(
    State(app): State<App>,
    user: PortalUser,
    RawQuery(query): RawQuery,
) -> Result<Response, PortalError> {
    let listed: Vec<String> = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .filter(|(key, _)| key == "ids")
        .map(|(_, value)| value.into_owned())
        .collect();
    let ids = parse_id_list("ids", &listed.join(",")).map_err(|e| {
        PortalError(WebError::Request {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!(
                "{} Go back to the purchase orders and tick the ones to print.",
                e.message
            ),
        })
    })?;
    let pdf = app.packing_slips_pdf(user.vendor_id, &ids).await?;
    Ok(pdf_answer(pdf, "packing-slips.pdf"))
}

fn pdf_answer(pdf: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file_name}\""),
            ),
        ],
        pdf,
    )
        .into_response()
}
