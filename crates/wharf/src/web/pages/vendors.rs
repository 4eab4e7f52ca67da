//! `/vendors`: add and edit vendors (a new vendor's token shown once), replace a vendor's token
//! (after a confirm step; the new one shown once), deactivate and reactivate vendors, and
//! assign variants to them, one rule from the form or a pasted CSV.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::Path;
use super::store_choice::StoreChoice;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::stores::StoreView;
use crate::app::vendors::{AssignmentInput, CreatedVendor, VendorView};
use crate::domain::FieldErrors;
use crate::domain::vendor::VendorInput;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendors", get(vendors).post(add_vendor))
        .route("/vendors/assignments", post(assign_from_form))
        .route("/vendors/{id}", post(edit_vendor))
        .route("/vendors/{id}/token", post(rotate_token))
        .route("/vendors/{id}/deactivate", post(deactivate))
        .route("/vendors/{id}/activate", post(activate))
        .route("/vendors/assignments/csv", post(assign_from_csv_form))
}

#[derive(Template, WebTemplate)]
#[template(path = "vendors/index.html")]
struct VendorsPage {
    signed_in: bool,
    vendors: Vec<VendorView>,
    /// When each vendor hears of new purchase orders (`vendor_mail`).
    mail_schedules: std::collections::HashMap<i64, crate::domain::mail::MailSchedule>,
    /// What was typed in the Add form, and why it was refused.
    input: VendorInput,
    errors: FieldErrors,
    /// A row whose edit was refused, shown in that row.
    refused_edit: Option<RefusedEdit>,
    created: Option<CreatedVendor>,
    /// The new vendor's token, for this one page only.
    created_token: String,
    /// `created` holds a replaced token, not a new vendor.
    rotated: bool,
    /// The vendor whose token the operator asked to replace, awaiting confirmation.
    confirm_rotate: Option<VendorView>,
    stores: Vec<StoreView>,
    assignment_message: Option<String>,
    assignment_errors: Vec<String>,
    /// The assignment upload's store selector.
    csv_store: StoreChoice,
    /// The CSV last submitted, kept in the form for the correction.
    assignment_csv: String,
}

impl VendorsPage {
    fn hourly(&self, vendor: &VendorView) -> bool {
        self.mail_schedules.get(&vendor.id) == Some(&crate::domain::mail::MailSchedule::Hourly)
    }

    async fn load(app: &App) -> Result<Self, PageError> {
        let stores = app.list_stores().await?;
        Ok(VendorsPage {
            signed_in: true,
            vendors: app.list_vendors().await?,
            mail_schedules: app.vendor_mail_schedules().await?,
            input: VendorInput::default(),
            errors: FieldErrors::default(),
            refused_edit: None,
            created: None,
            created_token: String::new(),
            rotated: false,
            confirm_rotate: None,
            csv_store: StoreChoice::new(stores.clone()),
            stores,
            assignment_message: None,
            assignment_errors: Vec::new(),
            assignment_csv: String::new(),
        })
    }

    /// The id of a field in `vendor`'s row, for its label and its error.
    fn field_id(&self, vendor: &VendorView, field: &str) -> String {
        format!("vendor-{}-{field}", vendor.id)
    }

    fn refused_edit_of(&self, vendor: &VendorView) -> Option<&RefusedEdit> {
        self.refused_edit
            .as_ref()
            .filter(|edit| edit.vendor_id == vendor.id)
    }

    /// The row's name: what was typed, when its edit was refused, so it can be corrected.
    fn shown_name<'a>(&'a self, vendor: &'a VendorView) -> &'a str {
        match self.refused_edit_of(vendor) {
            Some(edit) => &edit.input.name,
            None => &vendor.name,
        }
    }

    fn shown_email<'a>(&'a self, vendor: &'a VendorView) -> &'a str {
        match self.refused_edit_of(vendor) {
            Some(edit) => &edit.input.email,
            None => vendor.email.as_deref().unwrap_or_default(),
        }
    }

    fn edit_error(&self, vendor: &VendorView, field: &str) -> Option<&str> {
        self.refused_edit_of(vendor)?.errors.for_field(field)
    }
}

/// An edit of a vendor's row that was refused: what was typed and why.
struct RefusedEdit {
    vendor_id: i64,
    input: VendorInput,
    errors: FieldErrors,
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
    #[serde(default)]
    store_id: String,
    #[serde(default)]
    csv: String,
}

/// A pasted CSV: valid rows applied, every bad row listed with its line. The answer keeps the
/// chosen store and the text.
async fn assign_from_csv_form(
    State(app): State<App>,
    Form(form): Form<CsvForm>,
) -> Result<Response, PageError> {
    let mut page = VendorsPage::load(&app).await?;
    page.assignment_csv = form.csv;
    let Some(store_id) = page.csv_store.take(&form.store_id) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    match app
        .import_assignments_csv(store_id, &page.assignment_csv)
        .await
    {
        Ok(report) => {
            let routed = app.reroute_needing_attention(store_id).await?;
            page.assignment_message = Some(format!(
                "{} row(s) applied, {} rejected; {routed} order(s) routed now.",
                report.applied,
                report.errors.len()
            ));
            page.assignment_errors = super::format::rejected_rows(&report.errors);
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

/// Saves a vendor's name and email from its row on the Vendors page; a refused edit is shown in
/// that row, with what was typed.
async fn edit_vendor(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(input): Form<VendorInput>,
) -> Result<Response, PageError> {
    match app.update_vendor(id, &input).await {
        Ok(_) => Ok(Redirect::to("/vendors").into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = VendorsPage::load(&app).await?;
            page.refused_edit = Some(RefusedEdit {
                vendor_id: id,
                input,
                errors,
            });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct RotateForm {
    #[serde(default)]
    confirm: Option<String>,
}

/// Replacing a token breaks the vendor's integration until it has the new one, so the first
/// post asks; the confirmed one replaces it and shows the new token on this answer only.
async fn rotate_token(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(form): Form<RotateForm>,
) -> Result<Response, PageError> {
    let mut page = VendorsPage::load(&app).await?;
    if form.confirm.is_none() {
        page.confirm_rotate = Some(app.vendor(id).await?);
        return Ok(page.into_response());
    }
    let rotated = app.rotate_vendor_token(id).await?;
    page.created_token = secrecy::ExposeSecret::expose_secret(&rotated.api_token_once).to_owned();
    page.created = Some(rotated);
    page.rotated = true;
    page.vendors = app.list_vendors().await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], page).into_response())
}

async fn deactivate(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.set_vendor_active(id, false).await?;
    Ok(Redirect::to("/vendors").into_response())
}

async fn activate(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.set_vendor_active(id, true).await?;
    Ok(Redirect::to("/vendors").into_response())
}
