//! Setup › Integrations › BigCommerce: the pages where a merchant adds stores and connects them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};

use super::error::PageError;
use crate::app::App;
use crate::app::stores::{StoreError, StoreView};
use crate::domain::FieldErrors;
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
}

async fn show(State(app): State<App>, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    Ok(StorePage {
        signed_in: true,
        store: app.store(id).await?,
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
