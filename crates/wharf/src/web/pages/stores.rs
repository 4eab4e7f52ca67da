//! Setup › Integrations › BigCommerce: the pages where a merchant adds and edits stores, connects them,
//! imports their catalog and chooses which order statuses are routed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::Path;
use crate::app::App;
use crate::app::catalog::ImportView;
use crate::app::error::AppError;
use crate::app::stores::StoreView;
use crate::domain::FieldErrors;
use crate::domain::catalog::ImportMode;
use crate::domain::store::NewStoreInput;
use crate::domain::store_edit::StoreEditInput;
use crate::domain::store_removal::{OrdersOnRemoval, StoreRemovalInput};
use crate::web::error::PageError;

const BASE: &str = "/setup/integrations/bigcommerce";

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route(BASE, get(index).post(create))
        .route("/setup/integrations/bigcommerce/new", get(new_store))
        .route("/setup/integrations/bigcommerce/stores/{id}", get(show))
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/edit",
            post(edit),
        )
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/disable",
            post(disable),
        )
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/enable",
            post(enable),
        )
        .route(
            "/setup/integrations/bigcommerce/stores/{id}/remove",
            post(remove),
        )
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
    /// The Edit form's values: the stored ones, or what was typed when it was refused.
    edit: EditForm,
    edit_errors: FieldErrors,
    /// The Remove form as it was refused (the name typed, the choice made), with why.
    removal: StoreRemovalInput,
    removal_error: Option<String>,
}

/// The store page's Edit form. Secret fields come back empty: left empty, the stored secret
/// stays.
#[derive(Debug, Default, Deserialize)]
struct EditForm {
    name: String,
    store_url: String,
    store_hash: String,
    client_id: String,
    #[serde(default)]
    client_secret: String,
    #[serde(default)]
    access_token: String,
}

impl EditForm {
    fn of(store: &StoreView) -> Self {
        EditForm {
            name: store.name.clone(),
            store_url: store.store_url.clone(),
            store_hash: store.store_hash.clone(),
            client_id: store.client_id.clone(),
            ..EditForm::default()
        }
    }

    fn changes(&self) -> StoreEditInput {
        StoreEditInput {
            name: Some(self.name.clone()),
            store_url: Some(self.store_url.clone()),
            store_hash: Some(self.store_hash.clone()),
            api_path: None,
            client_id: Some(self.client_id.clone()),
            client_secret: Some(self.client_secret.clone()),
            access_token: Some(self.access_token.clone()),
        }
    }
}

impl StorePage {
    fn new(store: StoreView, import: Option<ImportView>) -> Self {
        StorePage {
            signed_in: true,
            edit: EditForm::of(&store),
            store,
            import,
            routing_error: None,
            edit_errors: FieldErrors::default(),
            removal: StoreRemovalInput::default(),
            removal_error: None,
        }
    }
}

async fn show(State(app): State<App>, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    let store = app.store(id).await?;
    let import = app.latest_import(id).await?;
    Ok(StorePage::new(store, import))
}

async fn disable(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.disable_store(id).await?;
    Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response())
}

async fn enable(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.enable_store(id).await?;
    Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response())
}

/// Removes the (disabled) store and goes back to the list; a name that is not the store's
/// shows the page again with the error beside the field.
async fn remove(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(input): Form<StoreRemovalInput>,
) -> Result<Response, PageError> {
    match app.remove_store(id, &input).await {
        Ok(_) => Ok(Redirect::to(BASE).into_response()),
        Err(AppError::Invalid(errors)) => {
            let mut page = StorePage::new(app.store(id).await?, app.latest_import(id).await?);
            page.removal_error = errors.iter().next().map(|e| e.message.clone());
            page.removal = input;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

impl StorePage {
    fn deletes_orders(&self) -> bool {
        self.removal.orders == OrdersOnRemoval::Delete
    }
}

/// Saves the Edit form; a refused edit shows the page again with each bad field named.
async fn edit(
    State(app): State<App>,
    Path(id): Path<i64>,
    Form(mut form): Form<EditForm>,
) -> Result<Response, PageError> {
    match app.edit_store(id, &form.changes()).await {
        Ok(_) => Ok(Redirect::to(&format!("{BASE}/stores/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => {
            // Secrets are never echoed, not even the ones just typed.
            form.client_secret.clear();
            form.access_token.clear();
            let mut page = StorePage::new(app.store(id).await?, app.latest_import(id).await?);
            page.edit = form;
            page.edit_errors = errors;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
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
            let mut page = StorePage::new(app.store(id).await?, app.latest_import(id).await?);
            page.routing_error = errors.iter().next().map(|e| e.message.clone());
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
