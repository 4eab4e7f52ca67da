//! What BigCommerce's API gateway does before a request reaches a resource, in its
//! order: count it, find the store (404), authenticate the token (401), spend quota
//! (429), check the scope (403), then injected faults (500). Only then does the handler
//! run, so auth errors always win over validation and resource 404s. After it, a
//! successful POST may have its response held back (`Faults::hold_response_after_write`)
//! and may lose it (`Faults::drop_response_after_write_rate`); `Faults::misbehaviour`
//! rewrites requests and answers around the handler (`misbehaviour.rs`).
//!
//! Quota: only authenticated requests spend it (a 403 does, a 401 or an unknown store
//! does not), so a misconfigured client cannot drain a store's shared quota, and a
//! test's 401 checks don't disturb its rate-limit checks.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::Simulator;
use crate::auth;
use crate::errors::{ApiError, Flavor};
use crate::misbehaviour;
use crate::rate_limit::RateStatus;
use crate::simulator::lock;

const STORE_PREFIX: &str = "/stores/";
const TEMPLATE_PREFIX: &str = "/stores/{hash}";

/// Splits `/stores/{hash}/rest` into `(hash, "/rest")`.
pub(crate) fn split_store_path(path: &str) -> Option<(&str, &str)> {
    let tail = path.strip_prefix(STORE_PREFIX)?;
    Some(tail.find('/').map_or((tail, ""), |i| tail.split_at(i)))
}

pub(crate) async fn gate(State(sim): State<Simulator>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let Some((hash, rest)) = split_store_path(&path) else {
        return next.run(req).await;
    };
    let flavor = Flavor::of_path(rest);
    let method = req.method().clone();
    // Route template when a route matched, so `/v2/orders/100` and `/v2/orders/101` share
    // one counter; the raw path otherwise.
    let endpoint = match req.extensions().get::<MatchedPath>() {
        Some(m) => m
            .as_str()
            .strip_prefix(TEMPLATE_PREFIX)
            .unwrap_or(m.as_str())
            .to_owned(),
        None => rest.to_owned(),
    };
    {
        let mut stats = sim.stats();
        stats.count_request(hash, format!("{method} {endpoint}"));
        stats.count_headers(req.headers());
    }

    let latency = sim.faults().latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let (mut response, rate) = match admit(&sim, &method, req.headers(), hash, rest, flavor) {
        Ok(rate) => {
            let misbehaviour = sim.faults().misbehaviour();
            let rest = rest.to_owned();
            misbehaviour::rewrite_request(misbehaviour, &mut req);
            let response = next.run(req).await;
            let response =
                misbehaviour::rewrite_response(misbehaviour, &method, &rest, response).await;
            let response = describe_405(response, flavor);
            hold_applied_post(&sim, &method, response.status()).await;
            (lose_applied_post(&sim, &method, response, flavor), rate)
        }
        Err((error, rate)) => (error.into_response(), rate),
    };
    rate.write_headers(response.headers_mut());
    let status = response.status();
    sim.stats().count_status(status.as_u16());
    tracing::debug!(%method, %path, status = status.as_u16(), left = rate.left, "store request");
    // Inside the compression layer: the answer's bytes before gzip.
    crate::wire::counted(
        &sim,
        hash.to_owned(),
        crate::wire::Measure::Uncompressed,
        response,
    )
}

/// Runs the gateway checks; on refusal returns the error and the quota to report.
fn admit(
    sim: &Simulator,
    method: &Method,
    headers: &HeaderMap,
    hash: &str,
    rest: &str,
    flavor: Flavor,
) -> Result<RateStatus, (ApiError, RateStatus)> {
    let quota = sim.quota();
    let Some(store) = sim.store(hash) else {
        return Err((ApiError::not_found(flavor), RateStatus::fresh(quota)));
    };
    let now = Instant::now();
    let token = headers.get("x-auth-token").and_then(|v| v.to_str().ok());
    let (rate, allowed) = {
        let mut store = lock(&store);
        let Some(grant) = token.and_then(|t| store.tokens.get(t)) else {
            return Err((ApiError::unauthorized(flavor), store.rate.peek(quota, now)));
        };
        let allowed = auth::required_scope(rest).is_none_or(|scope| grant.allows(method, scope));
        (store.rate.admit(quota, now), allowed)
    };
    if rate.limited {
        return Err((ApiError::too_many_requests(flavor), rate));
    }
    if !allowed {
        return Err((ApiError::forbidden(flavor), rate));
    }
    if sim.faults().should_fail() {
        let error = ApiError::new(
            flavor,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error (injected fault)",
        );
        return Err((error, rate));
    }
    if method == Method::POST && sim.faults().should_refuse_write() {
        let message = "The field 'quantity' is invalid. (injected fault: refused, not applied)";
        let status = match flavor {
            Flavor::V2 => StatusCode::BAD_REQUEST,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        // Field-level details as BigCommerce sends them, so a client shows more than the title.
        let details = [(
            "quantity".to_owned(),
            "must not be more than the quantity not yet shipped".to_owned(),
        )];
        let error = ApiError::unprocessable(flavor, message, details.into_iter().collect());
        return Err((ApiError { status, ..error }, rate));
    }
    Ok(rate)
}

/// The `hold_response_after_write` fault: the handler has run, so the change and its
/// webhooks are visible to every other request while this one still waits for its answer.
/// Held before `lose_applied_post` decides, so a lost response is lost late, like a real
/// gateway timeout.
///
/// Takes the status rather than the response: a body is not `Sync`, so borrowing it across
/// the sleep would make the gateway future not `Send`.
async fn hold_applied_post(sim: &Simulator, method: &Method, status: StatusCode) {
    if method != Method::POST || !status.is_success() {
        return;
    }
    // Read into a local so the faults lock is not held across the sleep.
    let hold = sim.faults().hold_response_after_write();
    if !hold.is_zero() {
        tracing::debug!(
            hold_ms = hold.as_millis() as u64,
            "injected fault: POST applied, response held"
        );
        sim.stats().held_now += 1;
        tokio::time::sleep(hold).await;
        let mut stats = sim.stats();
        stats.held_now = stats.held_now.saturating_sub(1);
    }
}

/// The `drop_response_after_write_rate` fault: the handler has run and its change (and
/// webhooks) stand, but the client gets a 504 instead of the success. A 504 rather than
/// a closed connection: it is what a gateway timeout in front of a slow backend looks
/// like, it is deterministic for tests, and a client cannot tell either from "not
/// applied" anyway.
fn lose_applied_post(
    sim: &Simulator,
    method: &Method,
    response: Response,
    flavor: Flavor,
) -> Response {
    if method != Method::POST || !response.status().is_success() {
        return response;
    }
    if !sim.faults().should_drop_response() {
        return response;
    }
    tracing::debug!("injected fault: POST applied, response dropped (504)");
    ApiError::new(
        flavor,
        StatusCode::GATEWAY_TIMEOUT,
        "Gateway Timeout (injected fault: the request was applied but its response was lost)",
    )
    .into_response()
}

/// axum answers a wrong method with an empty 405; give it the API's error body.
fn describe_405(response: Response, flavor: Flavor) -> Response {
    if response.status() != StatusCode::METHOD_NOT_ALLOWED {
        return response;
    }
    let allow = response.headers().get(axum::http::header::ALLOW).cloned();
    let mut described = ApiError::new(
        flavor,
        StatusCode::METHOD_NOT_ALLOWED,
        "The requested method is not supported for this resource.",
    )
    .into_response();
    if let Some(allow) = allow {
        described
            .headers_mut()
            .insert(axum::http::header::ALLOW, allow);
    }
    described
}

/// Unmatched paths: the API's 404 under `/stores/`, a plain one elsewhere.
pub(crate) async fn not_found(req: Request) -> Response {
    match split_store_path(req.uri().path()) {
        Some((_, rest)) => ApiError::not_found(Flavor::of_path(rest)).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            axum::Json(serde_json::json!({ "error": "no such simulator endpoint" })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_store_paths() {
        assert_eq!(
            split_store_path("/stores/abc/v2/store"),
            Some(("abc", "/v2/store"))
        );
        assert_eq!(split_store_path("/stores/abc"), Some(("abc", "")));
        assert_eq!(split_store_path("/__sim/stats"), None);
    }
}
