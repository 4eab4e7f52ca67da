//! `/vendors/{id}/bigcommerce`: the vendor's own BigCommerce store — the sales store's form
//! (secrets sealed, never shown back, blank keeps), Connect with the scopes a vendor store
//! needs (and which to tick, in words), its settings, and Disconnect after a confirm step.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::vendor_stores::VendorStore;
use crate::app::vendors::VendorView;
use crate::channels::bigcommerce::locations::StoreLocation;
use crate::domain::FieldErrors;
use crate::domain::connection::RequiredScope;
use crate::domain::vendor_store::{ORDER_STATUSES, VendorStoreInput, VendorStoreSettingsInput};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/vendors/{id}/bigcommerce", get(page).post(save))
        .route("/vendors/{id}/bigcommerce/connect", post(connect))
        .route("/vendors/{id}/bigcommerce/settings", post(settings))
        .route("/vendors/{id}/bigcommerce/disconnect", post(disconnect))
}

#[derive(Template, WebTemplate)]
#[template(path = "vendors/bigcommerce.html")]
struct StorePage {
    signed_in: bool,
    vendor: VendorView,
    store: Option<VendorStore>,
    /// What to tick in the vendor's BigCommerce, in words.
    how_to_grant: String,
    /// What was typed in the credentials form, and why it was refused.
    input: VendorStoreInput,
    errors: FieldErrors,
    settings_errors: FieldErrors,
    /// The store's locations, when it has several wharf may read.
    locations: Vec<StoreLocation>,
    statuses: Vec<(i64, &'static str)>,
    notice: Option<&'static str>,
    confirm_disconnect: bool,
}

impl StorePage {
    async fn load(app: &App, vendor_id: i64) -> Result<Self, PageError> {
        let vendor = app.vendor(vendor_id).await?;
        let store = app.vendor_store(vendor_id).await?;
        let locations = match &store {
            Some(store) if store.is_connected() => app.vendor_store_locations(vendor_id).await?,
            _ => Vec::new(),
        };
        Ok(StorePage {
            signed_in: true,
            vendor,
            store,
            how_to_grant: RequiredScope::how_to_grant(&RequiredScope::VENDOR),
            input: VendorStoreInput::default(),
            errors: FieldErrors::default(),
            settings_errors: FieldErrors::default(),
            locations,
            statuses: ORDER_STATUSES.to_vec(),
            notice: None,
            confirm_disconnect: false,
        })
    }

    /// A credentials field as shown: what was typed in a refused save, else what is stored.
    fn shown(&self, field: &str) -> String {
        let typed = match field {
            "store_url" => &self.input.store_url,
            "store_hash" => &self.input.store_hash,
            _ => &self.input.client_id,
        };
        if let Some(typed) = typed {
            return typed.clone();
        }
        match (&self.store, field) {
            (Some(store), "store_url") => store.store_url.clone(),
            (Some(store), "store_hash") => store.store_hash.clone(),
            (Some(store), "client_id") => store.client_id.clone(),
            _ => String::new(),
        }
    }

    fn status_selected(&self, id: &i64) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| s.settings.order_status_id == *id)
    }

    fn location_selected(&self, id: &i64) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| s.settings.stock_location_id == Some(*id))
    }

    fn location_text(&self) -> String {
        self.store
            .as_ref()
            .and_then(|s| s.settings.stock_location_id)
            .map(|id| id.to_string())
            .unwrap_or_default()
    }

    fn prefix(&self) -> String {
        self.store
            .as_ref()
            .and_then(|s| s.settings.sku_matching.strip_prefix.clone())
            .unwrap_or_default()
    }

    fn checked(&self, field: &str) -> bool {
        self.store.as_ref().is_some_and(|s| match field {
            "include_customer_contact" => s.settings.include_customer_contact,
            "send_customer_emails" => s.settings.send_customer_emails,
            "sku_case_insensitive" => s.settings.sku_matching.case_insensitive,
            _ => s.settings.active,
        })
    }
}

#[derive(Deserialize)]
struct Shown {
    #[serde(default)]
    saved: bool,
    #[serde(default)]
    settings_saved: bool,
    #[serde(default)]
    disconnected: bool,
}

async fn page(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(shown): Query<Shown>,
) -> Result<Response, PageError> {
    let mut page = StorePage::load(&app, id).await?;
    page.notice = if shown.saved {
        Some("Saved. Run Connect to check it.")
    } else if shown.settings_saved {
        Some("Settings saved.")
    } else if shown.disconnected {
        Some("Disconnected: wharf forgot the store's credentials and is removing its webhooks.")
    } else {
        None
    };
    Ok(page.into_response())
}

async fn save(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(input): Form<VendorStoreInput>,
) -> Result<Response, PageError> {
    match app.save_vendor_store(id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/vendors/{id}/bigcommerce?saved=true")).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = StorePage::load(&app, id).await?;
            // Secrets are never shown back, not even as typed.
            page.input = VendorStoreInput {
                client_secret: None,
                access_token: None,
                ..input
            };
            page.errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn connect(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.connect_vendor_store(id).await?;
    Ok(Redirect::to(&format!("/vendors/{id}/bigcommerce#connection")).into_response())
}

/// The settings form as a browser sends it: an unticked box is not sent at all, so here it
/// means "no" (the JSON API's absent field keeps the value instead).
#[derive(Deserialize)]
struct SettingsForm {
    order_status_id: Option<String>,
    include_customer_contact: Option<String>,
    send_customer_emails: Option<String>,
    stock_location_id: Option<String>,
    sku_case_insensitive: Option<String>,
    sku_strip_prefix: Option<String>,
    active: Option<String>,
}

async fn settings(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, PageError> {
    let tick = |value: Option<String>| Some(value.unwrap_or_else(|| "no".to_owned()));
    let input = VendorStoreSettingsInput {
        order_status_id: form.order_status_id,
        include_customer_contact: tick(form.include_customer_contact),
        send_customer_emails: tick(form.send_customer_emails),
        stock_location_id: form.stock_location_id,
        sku_case_insensitive: tick(form.sku_case_insensitive),
        sku_strip_prefix: form.sku_strip_prefix,
        active: tick(form.active),
    };
    match app.update_vendor_store_settings(id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/vendors/{id}/bigcommerce?settings_saved=true#settings"
        ))
        .into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = StorePage::load(&app, id).await?;
            page.settings_errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
struct Confirm {
    #[serde(default)]
    confirm: Option<String>,
}

/// The first press asks to confirm; the confirmed one disconnects.
async fn disconnect(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(confirm): Form<Confirm>,
) -> Result<Response, PageError> {
    if confirm.confirm.is_none() {
        let mut page = StorePage::load(&app, id).await?;
        page.confirm_disconnect = true;
        return Ok(page.into_response());
    }
    app.disconnect_vendor_store(id).await?;
    Ok(Redirect::to(&format!("/vendors/{id}/bigcommerce?disconnected=true")).into_response())
}
