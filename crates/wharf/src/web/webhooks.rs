//! The webhook receiver. It answers at once: the work (re-reading the order) is a queued job,
//! so BigCommerce never waits on wharf and never counts a slow answer as a failure.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use crate::app::App;
use crate::app::webhooks::Received;
use crate::channels::bigcommerce::webhooks::SECRET_HEADER;

pub async fn receive(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let secret = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
    match app.receive_webhook(store_id, secret, &body).await {
        Ok(Received::Accepted | Received::Duplicate) => StatusCode::OK,
        Ok(Received::Unauthenticated) => StatusCode::UNAUTHORIZED,
        Ok(Received::Malformed) => StatusCode::BAD_REQUEST,
        Err(e) => {
            // A 5xx makes BigCommerce retry later, which is what we want when storage failed.
            tracing::error!(store_id, error = %e, "could not take a webhook");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
