//! What operators' tooling polls, outside sign-in, beside `/healthz` (liveness: the process
//! answers): `/readyz` (readiness: it can reach its database) and `/metrics` (Prometheus).

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::App;

/// Longer than any healthy `SELECT 1`, shorter than a load balancer's probe timeout.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn metrics(State(app): State<App>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(&app.db).await,
    )
        .into_response()
}

/// Ready when the database answers: without it wharf can neither serve a page nor run a job.
pub async fn readyz(State(app): State<App>) -> Response {
    let check = app.ping_database();
    let reason = match tokio::time::timeout(READY_TIMEOUT, check).await {
        Ok(Ok(_)) => return Json(json!({ "status": "ready" })).into_response(),
        Ok(Err(e)) => format!("database unavailable: {e}"),
        Err(_) => format!(
            "database did not answer within {} s",
            READY_TIMEOUT.as_secs()
        ),
    };
    tracing::warn!(%reason, "not ready");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "not_ready", "reason": reason })),
    )
        .into_response()
}
