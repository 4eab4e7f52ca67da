//! The request pipeline: one HTTP client for the process, one rate gate per store, and the
//! retry rules that keep a write from being applied twice.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use tracing::Instrument;

use crate::budget::{ASSUMED_QUOTA, Ticket, allowance};
use crate::config::ClientConfig;
use crate::error::BcError;
use crate::rate_limit::{Permit, RateGate, RateLimitHeaders, RateLimitStatus};

/// How many 429s in a row we sit out before handing `RateLimited` to the caller, whose job
/// queue can reschedule the work instead of holding a task.
const MAX_RATE_LIMITED_RETRIES: usize = 3;

/// Entry point: holds the HTTP connection pool and the rate gates of every store.
#[derive(Clone)]
pub struct BigCommerce {
    shared: Arc<Shared>,
}

struct Shared {
    http: reqwest::Client,
    config: ClientConfig,
    /// Keyed by store hash so that every `StoreClient` of a store spends from one budget.
    gates: Mutex<HashMap<String, Arc<RateGate>>>,
}

impl BigCommerce {
    pub fn new(config: ClientConfig) -> Result<Self, BcError> {
        // `BcError` has no configuration variant; these surface as "cannot reach BigCommerce",
        // which is what they amount to.
        let invalid = |why: String| BcError::Transport {
            message: format!("invalid client configuration: {why}"),
        };
        if config.user_agent.trim().is_empty() {
            return Err(invalid(
                "user_agent is empty; BigCommerce asks every integration to name itself".into(),
            ));
        }
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|_| invalid("user_agent is not a valid HTTP header value".into()))?;
        if !matches!(config.api_base.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "api_base {} is not an http(s) URL",
                config.api_base
            )));
        }
        if let Some((requests, window)) = config.max_requests_per_window
            && (requests == 0 || window.is_zero())
        {
            return Err(invalid(
                "max_requests_per_window needs at least one request in a non-empty window".into(),
            ));
        }
        if config
            .quota_share
            .is_some_and(|share| !(share > 0.0 && share <= 1.0))
        {
            return Err(invalid("quota_share must be above 0 and at most 1".into()));
        }
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .timeout(config.request_timeout)
            // A redirect would carry X-Auth-Token to wherever it points; BigCommerce's API does
            // not redirect, so treat one as an unexpected answer instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| invalid(err.to_string()))?;
        Ok(BigCommerce {
            shared: Arc::new(Shared {
                http,
                config,
                gates: Mutex::new(HashMap::new()),
            }),
        })
    }

    /// A client for one store. Cheap; clients for the same hash share one rate gate.
    pub fn store(&self, store_hash: &str, access_token: SecretString) -> StoreClient {
        let gate = {
            let mut gates = self
                .shared
                .gates
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let config = &self.shared.config;
            gates
                .entry(store_hash.to_owned())
                .or_insert_with(|| {
                    let ceiling = config
                        .max_requests_per_window
                        .and_then(|(n, window)| Some((NonZeroU32::new(n)?, window)));
                    Arc::new(
                        RateGate::new(config.low_water_mark, ceiling)
                            .with_quota_share(config.quota_share),
                    )
                })
                .clone()
        };
        StoreClient {
            shared: self.shared.clone(),
            store_hash: store_hash.into(),
            access_token,
            gate,
        }
    }
}

impl fmt::Debug for BigCommerce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stores = self.shared.gates.lock().map_or(0, |gates| gates.len());
        f.debug_struct("BigCommerce")
            .field("api_base", &self.shared.config.api_base.as_str())
            .field("user_agent", &self.shared.config.user_agent)
            .field("stores", &stores)
            .finish()
    }
}

/// Talks to one store with one access token.
#[derive(Clone)]
pub struct StoreClient {
    shared: Arc<Shared>,
    store_hash: Arc<str>,
    access_token: SecretString,
    gate: Arc<RateGate>,
}

impl fmt::Debug for StoreClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreClient")
            .field("store_hash", &self.store_hash)
            .field("api_base", &self.shared.config.api_base.as_str())
            .field("access_token", &"[redacted]")
            .finish()
    }
}

/// A successful answer, body not yet decoded.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Reply {
    /// v2 list endpoints answer an empty page with 204 and no body.
    pub(crate) fn is_empty(&self) -> bool {
        self.status == StatusCode::NO_CONTENT || self.body.iter().all(u8::is_ascii_whitespace)
    }
}

/// What one attempt came to.
enum Attempt {
    Done(Reply),
    RateLimited(RateLimitHeaders),
    Failed(BcError),
}

impl StoreClient {
    pub fn store_hash(&self) -> &str {
        &self.store_hash
    }

    /// What this store's last response said about its quota.
    pub fn rate_limit_status(&self) -> RateLimitStatus {
        self.gate.status()
    }

    /// The gap between requests that spends this client's share of the store's quota evenly
    /// over the window: the quota as the store last reported it, or [`ASSUMED_QUOTA`] before
    /// any response. Work that could go in bursts (an inventory push per change) spaces
    /// itself by a multiple of it, so it never empties the window and then waits out the rest.
    pub fn even_spacing(&self) -> Duration {
        let quota = self.gate.seen_quota().unwrap_or(ASSUMED_QUOTA);
        let share = self.shared.config.quota_share.unwrap_or(1.0);
        quota.window / allowance(quota, share)
    }

    /// GET `path` (relative to `/stores/{hash}/`, e.g. `v2/orders/7`) and decode the body;
    /// an empty body decodes as JSON `null`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, BcError> {
        let reply = self.send(Method::GET, path, query, None).await?;
        decode(&Method::GET, path, &reply)
    }

    /// PUT a JSON body; retried like GET because repeating it leaves the same state.
    pub async fn put_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, BcError> {
        let reply = self
            .send(Method::PUT, path, &[], Some(encode(body)?))
            .await?;
        decode(&Method::PUT, path, &reply)
    }

    /// POST a JSON body. Never retried after a 5xx, timeout or transport error: BigCommerce has
    /// no idempotency keys, so the caller must look the object up before trying again.
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, BcError> {
        let reply = self
            .send(Method::POST, path, &[], Some(encode(body)?))
            .await?;
        decode(&Method::POST, path, &reply)
    }

    pub async fn delete(&self, path: &str) -> Result<(), BcError> {
        self.send(Method::DELETE, path, &[], None).await.map(drop)
    }

    /// Sends one logical request: waits at the store's gate, sits out 429s (any method: a 429
    /// was not processed) and retries idempotent methods after transient failures.
    pub(crate) async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Reply, BcError> {
        let span = tracing::debug_span!(
            "bigcommerce_request",
            store = %self.store_hash,
            method = %method,
            path,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        self.send_with_retries(method, path, query, body)
            .instrument(span)
            .await
    }

    async fn send_with_retries(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Reply, BcError> {
        let config = &self.shared.config;
        let token = self.token_header()?;
        let url = self.url(path);
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        let backoff = ExponentialBuilder::new()
            .with_jitter()
            .with_min_delay(config.retry_base_delay)
            .with_max_delay(Duration::from_secs(30));
        let mut retries = backoff.with_max_times(config.max_retries).build();
        // For 429s that don't say how long to wait (BigCommerce shedding load).
        let mut unguided_waits = backoff.without_max_times().build();
        let mut rate_limited_in_a_row = 0;
        let mut attempts = 0u32;
        let span = tracing::Span::current();

        let result = loop {
            attempts += 1;
            match self
                .attempt(&method, path, &url, &token, query, &body)
                .await
            {
                Attempt::Done(reply) => {
                    span.record("status", reply.status.as_u16());
                    break Ok(reply);
                }
                Attempt::RateLimited(headers) => {
                    span.record("status", 429);
                    let wait = headers
                        .wait_after_429()
                        .or_else(|| unguided_waits.next())
                        .unwrap_or(config.retry_base_delay);
                    rate_limited_in_a_row += 1;
                    if rate_limited_in_a_row > MAX_RATE_LIMITED_RETRIES {
                        break Err(BcError::RateLimited { retry_after: wait });
                    }
                    tracing::warn!(
                        wait_ms = wait.as_millis() as u64,
                        "BigCommerce answered 429; holding this store's requests"
                    );
                    // The next attempt waits at the gate, together with every other request
                    // to this store.
                    self.gate.hold_for(wait);
                }
                Attempt::Failed(err) => {
                    if let Some(status) = err.status() {
                        span.record("status", status);
                    }
                    rate_limited_in_a_row = 0;
                    let delay = if idempotent && err.is_transient() {
                        retries.next()
                    } else {
                        None
                    };
                    match delay {
                        Some(delay) => {
                            tracing::debug!(
                                error = %err,
                                delay_ms = delay.as_millis() as u64,
                                "transient failure; retrying"
                            );
                            tokio::time::sleep(delay).await;
                        }
                        None => break Err(err),
                    }
                }
            }
        };
        span.record("attempts", attempts);
        result
    }

    /// Waits until this process's gate and, when configured, the budget shared with other
    /// processes both allow one more request to the store. The ticket, if any, must be handed
    /// back once the request is answered.
    async fn admit(&self) -> (Permit<'_>, Option<Ticket>) {
        let config = &self.shared.config;
        loop {
            let permit = self.gate.acquire().await;
            let (Some(budget), Some(share)) = (&config.shared_budget, config.quota_share) else {
                return (permit, None);
            };
            let seen = self.gate.seen_quota();
            match budget
                .take(&self.store_hash, share, seen, config.request_timeout)
                .await
            {
                Ok(ticket) => return (permit, Some(ticket)),
                Err(wait) => {
                    permit.cancel();
                    tracing::debug!(
                        wait_ms = wait.as_millis() as u64,
                        "the store's shared API budget is spent; waiting"
                    );
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn attempt(
        &self,
        method: &Method,
        path: &str,
        url: &url::Url,
        token: &HeaderValue,
        query: &[(&str, String)],
        body: &Option<Vec<u8>>,
    ) -> Attempt {
        let (permit, ticket) = self.admit().await;
        let started = Instant::now();
        // Content-Type on every request, a GET included: the specs mark it required even
        // where there is no body. Accept-Encoding: gzip is reqwest's (feature `gzip`), which
        // also decodes the answer.
        let mut request = self
            .shared
            .http
            .request(method.clone(), url.clone())
            .header("X-Auth-Token", token.clone())
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/json");
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.body(body.clone());
        }
        let sent = request.send().await;
        if let (Some(ticket), Some(budget)) = (ticket, &self.shared.config.shared_budget) {
            // Answered (or failed): the store has counted it by now, if it ever will.
            budget.answered(ticket).await;
        }
        let response = match sent {
            Ok(response) => response,
            Err(err) => {
                let err = BcError::from_reqwest(err);
                tracing::debug!(elapsed_ms = elapsed_ms(started), error = %err, "request failed");
                self.count_request(method, "error");
                return Attempt::Failed(err);
            }
        };
        let status = response.status();
        let headers = RateLimitHeaders::from_headers(response.headers());
        permit.record(&headers);
        self.count_request(method, status.as_str());
        if status == StatusCode::TOO_MANY_REQUESTS {
            metrics::counter!("bigcommerce_rate_limited_total", "store" => self.store_hash.to_string())
                .increment(1);
        }
        if let Some(left) = headers.left {
            // What the store said, not our own count: other apps spend from the same quota.
            metrics::gauge!("bigcommerce_quota_left", "store" => self.store_hash.to_string())
                .set(f64::from(left));
        }
        let body = match response.bytes().await {
            Ok(body) => body.to_vec(),
            Err(err) => return Attempt::Failed(BcError::from_reqwest(err)),
        };
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = elapsed_ms(started),
            requests_left = headers.left,
            "BigCommerce answered"
        );
        if status == StatusCode::TOO_MANY_REQUESTS {
            Attempt::RateLimited(headers)
        } else if status.is_success() {
            Attempt::Done(Reply { status, body })
        } else {
            Attempt::Failed(BcError::from_response(
                describe_request(method, path),
                status,
                &body,
            ))
        }
    }

    /// One HTTP exchange (every attempt, retries included), through the `metrics` facade: a
    /// no-op unless the application installed a recorder. `status` is "error" when no answer came.
    fn count_request(&self, method: &Method, status: &str) {
        metrics::counter!(
            "bigcommerce_requests_total",
            "store" => self.store_hash.to_string(),
            "method" => method.as_str().to_owned(),
            "status" => status.to_owned(),
        )
        .increment(1);
    }

    /// Built per request rather than stored, so the token lives only in its `SecretString`.
    fn token_header(&self) -> Result<HeaderValue, BcError> {
        let mut value = HeaderValue::from_str(self.access_token.expose_secret()).map_err(|_| {
            BcError::Unauthorized {
                request: "every request".into(),
                message: "the access token contains characters not allowed in an HTTP header"
                    .into(),
            }
        })?;
        // Keeps it out of reqwest's and http's Debug output.
        value.set_sensitive(true);
        Ok(value)
    }

    /// `{api_base}/stores/{hash}/{path}`, every segment percent-escaped.
    fn url(&self, path: &str) -> url::Url {
        let mut url = self.shared.config.api_base.clone();
        url.path_segments_mut()
            .expect("BigCommerce::new accepts only http(s) base URLs")
            .pop_if_empty()
            .push("stores")
            .push(&self.store_hash)
            .extend(path.split('/').filter(|segment| !segment.is_empty()));
        url
    }
}

/// `GET v2/orders/100`: how an error names the request it answers.
pub(crate) fn describe_request(method: &Method, path: &str) -> String {
    format!("{method} {}", path.trim_start_matches('/'))
}

fn elapsed_ms(started: Instant) -> u64 {
    started.elapsed().as_millis() as u64
}

fn encode<B: Serialize>(body: &B) -> Result<Vec<u8>, BcError> {
    serde_json::to_vec(body).map_err(|err| BcError::Decode {
        message: format!("could not encode the request body as JSON: {err}"),
    })
}

pub(crate) fn decode<T: DeserializeOwned>(
    method: &Method,
    path: &str,
    reply: &Reply,
) -> Result<T, BcError> {
    let body: &[u8] = if reply.is_empty() {
        b"null"
    } else {
        &reply.body
    };
    serde_json::from_slice(body).map_err(|err| BcError::Decode {
        message: format!("{method} {path}: {err}"),
    })
}
