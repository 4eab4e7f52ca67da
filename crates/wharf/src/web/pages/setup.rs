//! Setup, `/setup`: where an operator finds everything wharf is configured with — the sales
//! channels it is connected to and the vendors it routes to — and `/setup/integrations`, the
//! channels wharf can connect.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::app::App;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/setup", get(setup))
        .route("/setup/integrations", get(integrations))
}

/// What is set up so far, counted the way the Setup page's cards say it.
struct SetupCounts {
    stores: usize,
    stores_connected: usize,
    vendors: usize,
}

impl SetupCounts {
    async fn read(app: &App) -> Result<Self, PageError> {
        let stores = app.list_stores().await?;
        Ok(SetupCounts {
            stores: stores.len(),
            stores_connected: stores.iter().filter(|s| s.is_connected()).count(),
            vendors: app.list_vendors().await?.len(),
        })
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "setup/index.html")]
struct SetupPage {
    signed_in: bool,
    counts: SetupCounts,
}

async fn setup(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    Ok(SetupPage {
        signed_in: true,
        counts: SetupCounts::read(&app).await?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "setup/integrations.html")]
struct IntegrationsPage {
    signed_in: bool,
    counts: SetupCounts,
}

async fn integrations(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    Ok(IntegrationsPage {
        signed_in: true,
        counts: SetupCounts::read(&app).await?,
    })
}
