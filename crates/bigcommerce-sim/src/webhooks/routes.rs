//! `/v3/hooks` endpoints. The gateway has already checked the token; hooks need no
//! scope (facts §8), and each request sees only its token's client's hooks.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{FieldErrors, Hook, HookInput, client_id};
use crate::Simulator;
use crate::errors::{ApiError, Flavor};
use crate::paging::{self, PageRequest, QueryMap};

const V3: Flavor = Flavor::V3;

fn caller(headers: &HeaderMap) -> String {
    let token = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    client_id(token)
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        V3,
        StatusCode::NOT_FOUND,
        format!("Webhook with id [{id}] not found"),
    )
}

fn invalid(errors: FieldErrors) -> ApiError {
    ApiError::unprocessable(V3, "JSON data is missing or invalid", errors)
}

fn parse(body: &[u8]) -> Result<HookInput, ApiError> {
    HookInput::parse(body).map_err(|e| match e {
        Some(errors) => invalid(errors),
        None => ApiError::bad_request(V3, "Input is invalid."),
    })
}

fn one(hook: &Hook, hash: &str) -> Response {
    Json(json!({ "data": hook.render(hash), "meta": {} })).into_response()
}

fn now() -> i64 {
    crate::dates::now().as_second()
}

/// `GET /v3/hooks?page&limit&is_active&scope&destination`, in id order.
pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, paging::STANDARD, V3)?;
    let is_active = match q.get("is_active").map(String::as_str) {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(other) => {
            return Err(ApiError::bad_request(
                V3,
                format!("The query parameter 'is_active' must be true or false, got '{other}'."),
            ));
        }
    };
    let client = caller(&headers);
    let body = sim
        .with_store(&hash, |store| {
            let hits: Vec<&Hook> = store
                .hooks
                .of_client(&client)
                .filter(|h| is_active.is_none_or(|a| h.is_active == a))
                .filter(|h| q.get("scope").is_none_or(|s| h.scope == *s))
                .filter(|h| q.get("destination").is_none_or(|d| h.destination == *d))
                .collect();
            let data: Vec<Value> = page.slice(&hits).iter().map(|h| h.render(&hash)).collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or(ApiError::not_found(V3))?;
    Ok(Json(body).into_response())
}

/// `POST /v3/hooks`: 200 with the new hook (the spec documents 200, not 201).
pub(crate) async fn create(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input = parse(&body)?;
    let client = caller(&headers);
    let insecure = sim.allow_insecure_webhooks();
    sim.with_store(&hash, |store| {
        store
            .hooks
            .create(&client, input, insecure, now())
            .map(|h| one(h, &hash))
            .map_err(invalid)
    })
    .unwrap_or(Err(ApiError::not_found(V3)))
}

pub(crate) async fn get(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let client = caller(&headers);
    let hook_id: u64 = id.parse().map_err(|_| not_found(&id))?;
    sim.with_store(&hash, |store| {
        store.hooks.get(&client, hook_id).map(|h| one(h, &hash))
    })
    .flatten()
    .ok_or_else(|| not_found(&id))
}

/// `PUT /v3/hooks/{id}`: `is_active: true` re-activates a deactivated hook.
pub(crate) async fn update(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = caller(&headers);
    let hook_id: u64 = id.parse().map_err(|_| not_found(&id))?;
    let insecure = sim.allow_insecure_webhooks();
    sim.with_store(&hash, |store| {
        // 404 before validation, as elsewhere.
        store
            .hooks
            .get(&client, hook_id)
            .ok_or_else(|| not_found(&id))?;
        let input = parse(&body)?;
        match store.hooks.update(&client, hook_id, input, insecure, now()) {
            Ok(Some(h)) => Ok(one(h, &hash)),
            Ok(None) => Err(not_found(&id)),
            Err(errors) => Err(invalid(errors)),
        }
    })
    .unwrap_or(Err(ApiError::not_found(V3)))
}

/// `DELETE /v3/hooks/{id}`: 200 with the deleted hook.
pub(crate) async fn delete(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let client = caller(&headers);
    let hook_id: u64 = id.parse().map_err(|_| not_found(&id))?;
    sim.with_store(&hash, |store| {
        store.hooks.delete(&client, hook_id).map(|h| one(&h, &hash))
    })
    .flatten()
    .ok_or_else(|| not_found(&id))
}
