//! Settings › Branding and e-mail, `/settings/branding`: the merchant's name, accent colour,
//! support address and logo (what vendors see instead of wharf), where operators' digests go,
//! and whether e-mail is on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use crate::app::App;
use crate::app::error::AppError;
use crate::domain::branding::{Branding, BrandingInput, MAX_LOGO_BYTES};
use crate::domain::business_address::BusinessAddressInput;
use crate::domain::{FieldError, FieldErrors};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/settings/branding", get(page).post(save))
        .route("/settings/branding/logo", post(upload_logo))
        .route("/settings/branding/logo/remove", post(remove_logo))
}

#[derive(Template, WebTemplate)]
#[template(path = "settings/branding.html")]
struct BrandingPage {
    signed_in: bool,
    branding: Branding,
    /// The form as typed (what is stored, on a first visit).
    form: BrandingForm,
    errors: FieldErrors,
    saved: bool,
    mail_off: bool,
    /// The SMTP server mail goes through, when on.
    mail_server: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct BrandingForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    accent: String,
    #[serde(default)]
    support_email: String,
    #[serde(default)]
    operator_email: String,
    #[serde(flatten)]
    address: BusinessAddressInput,
}

#[derive(Deserialize, Default)]
struct Shown {
    #[serde(default)]
    saved: bool,
}

async fn render(
    app: &App,
    form: Option<BrandingForm>,
    errors: FieldErrors,
    saved: bool,
) -> Result<BrandingPage, PageError> {
    let branding = app.branding().await?;
    let form = match form {
        Some(form) => form,
        None => BrandingForm {
            name: branding.name.clone(),
            accent: branding.accent.clone(),
            support_email: branding.support_email.clone().unwrap_or_default(),
            operator_email: app.operator_mail_to().await?.unwrap_or_default(),
            address: address_form(&branding),
        },
    };
    Ok(BrandingPage {
        signed_in: true,
        branding,
        form,
        errors,
        saved,
        mail_off: !app.mail_is_on(),
        mail_server: app.mailer.as_ref().map(|m| m.server.clone()),
    })
}

/// The stored business address as the form shows it: company and e-mail only when set apart
/// from their defaults, so an untouched form keeps following the name and support address.
fn address_form(branding: &Branding) -> BusinessAddressInput {
    let a = &branding.business_address;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let apart = |v: &Option<String>, default: Option<&str>| match v.as_deref() {
        Some(value) if Some(value) != default => value.to_owned(),
        _ => String::new(),
    };
    BusinessAddressInput {
        address_company: apart(&a.company, Some(&branding.name)),
        address_street_1: text(&a.street_1),
        address_street_2: text(&a.street_2),
        address_city: text(&a.city),
        address_state: text(&a.state),
        address_postcode: text(&a.postcode),
        address_country: text(&a.country_iso2),
        address_phone: text(&a.phone),
        address_email: apart(&a.email, branding.support_email.as_deref()),
    }
}

async fn page(
    State(app): State<App>,
    axum::extract::Query(shown): axum::extract::Query<Shown>,
) -> Result<Response, PageError> {
    Ok(render(&app, None, FieldErrors::default(), shown.saved)
        .await?
        .into_response())
}

async fn save(
    State(app): State<App>,
    Form(form): Form<BrandingForm>,
) -> Result<Response, PageError> {
    let input = BrandingInput {
        name: form.name.clone(),
        accent: form.accent.clone(),
        support_email: form.support_email.clone(),
        address: form.address.clone(),
    };
    // Both checked before either is saved: nothing half-written.
    let mut errors = match crate::domain::branding::BrandingChange::parse(&input) {
        Ok(_) => FieldErrors::default(),
        Err(errors) => errors,
    };
    if let Err(e) = crate::domain::email_address::EmailAddress::parse_optional(
        "operator_email",
        &form.operator_email,
    ) {
        errors.push(e);
    }
    if !errors.is_empty() {
        let page = render(&app, Some(form), errors, false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    app.set_branding(&input).await?;
    app.set_operator_mail_to(&form.operator_email).await?;
    Ok(Redirect::to("/settings/branding?saved=true").into_response())
}

/// The logo from a `multipart/form-data` upload (the file field `logo`).
async fn upload_logo(State(app): State<App>, mut form: Multipart) -> Result<Response, PageError> {
    let mut bytes = None;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some("logo") {
            // A body over the limit is refused by the logo's own check, with its size.
            bytes = field.bytes().await.ok().map(|b| b.to_vec());
        }
    }
    let refused = |message: String| FieldErrors(vec![FieldError::new("logo", message)]);
    let errors = match bytes {
        None => refused(format!(
            "Choose a PNG or JPEG file of at most {} KB",
            MAX_LOGO_BYTES / 1024
        )),
        Some(bytes) => match app.set_logo(bytes).await {
            Ok(_) => return Ok(Redirect::to("/settings/branding?saved=true").into_response()),
            Err(AppError::Invalid(errors)) => errors,
            Err(other) => return Err(other.into()),
        },
    };
    let page = render(&app, None, errors, false).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn remove_logo(State(app): State<App>) -> Result<Response, PageError> {
    app.remove_logo().await?;
    Ok(Redirect::to("/settings/branding?saved=true").into_response())
}
