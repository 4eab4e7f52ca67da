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
use crate::app::stores::{StoreError, StoreView};
use crate::db::catalog::CatalogRow;
use crate::domain::FieldErrors;
use crate::domain::catalog::ImportMode;
use crate::domain::store::NewStoreInput;

const BASE: &str = "/setup/integrations/bigcommerce";

pub fn routes() -> Router<App> {
    Router::new()
        .route("/", get(|| async { Redirect::to(BASE) }))
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
        .route("/products", get(products))
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
        Err(StoreError::Invalid(errors)) => {
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
}

async fn show(State(app): State<App>, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    let store = app.store(id).await?;
    let import = app.latest_import(id).await?;
    Ok(StorePage {
        signed_in: true,
        store,
        import,
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
