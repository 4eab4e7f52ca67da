//! Request counters, for tests and benchmarks that assert how many calls a client made.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::wire::Measure;

/// Counts of requests under `/stores/`. `by_endpoint` keys are `"GET /v2/orders/{id}"`:
/// method plus the route template with the store prefix removed (the raw path for
/// requests that matched no route).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    pub total: u64,
    pub by_endpoint: BTreeMap<String, u64>,
    /// The same counts per store hash (the path's, known to the simulator or not), so a
    /// benchmark can count what a client asked of one vendor's store.
    #[serde(default)]
    pub by_store: BTreeMap<String, StoreRequests>,
    /// Responses by HTTP status, counted when the response is sent.
    pub by_status: BTreeMap<u16, u64>,
    /// Applied POSTs whose response is being held back right now
    /// (`Faults::hold_response_after_write`): a client killed now dies mid-request.
    #[serde(default)]
    pub held_now: u64,
    /// Requests without `Content-Type: application/json`, which the specs mark required on
    /// every request (a GET included). BigCommerce answers them anyway; a careful client has none.
    #[serde(default)]
    pub without_content_type: u64,
    /// Requests that did not ask for gzip (`Accept-Encoding`), so cost the store's bandwidth
    /// several times over.
    #[serde(default)]
    pub without_gzip: u64,
    /// Bytes of the answers' bodies, of every store.
    #[serde(default)]
    pub body_bytes: BodyBytes,
}

/// Bytes of answer bodies: as sent (compressed when the client asked for gzip) and as written
/// before compression. HTTP framing and headers are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BodyBytes {
    pub on_the_wire: u64,
    pub uncompressed: u64,
}

/// Requests to one store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreRequests {
    pub total: u64,
    /// Keyed like [`RequestStats::by_endpoint`].
    pub by_endpoint: BTreeMap<String, u64>,
    /// Bytes of this store's answers.
    #[serde(default)]
    pub body_bytes: BodyBytes,
}

impl RequestStats {
    /// Adds a frame of a store answer's body to the store's and the total byte counts.
    pub(crate) fn count_body_bytes(&mut self, store_hash: &str, measure: Measure, bytes: u64) {
        let store = &mut self
            .by_store
            .entry(store_hash.to_owned())
            .or_default()
            .body_bytes;
        for counts in [store, &mut self.body_bytes] {
            match measure {
                Measure::OnTheWire => counts.on_the_wire += bytes,
                Measure::Uncompressed => counts.uncompressed += bytes,
            }
        }
    }

    pub(crate) fn count_request(&mut self, store_hash: &str, endpoint: String) {
        self.total += 1;
        let store = self.by_store.entry(store_hash.to_owned()).or_default();
        store.total += 1;
        *store.by_endpoint.entry(endpoint.clone()).or_default() += 1;
        *self.by_endpoint.entry(endpoint).or_default() += 1;
    }

    /// Requests to one store, 0 when it was never asked anything.
    pub fn store_total(&self, store_hash: &str) -> u64 {
        self.by_store.get(store_hash).map_or(0, |s| s.total)
    }

    /// Count for one endpoint of one store, 0 when never called.
    pub fn store_count(&self, store_hash: &str, endpoint: &str) -> u64 {
        self.by_store
            .get(store_hash)
            .and_then(|s| s.by_endpoint.get(endpoint))
            .copied()
            .unwrap_or(0)
    }

    /// Notes what a request's headers leave out of what the specs and BigCommerce ask for.
    pub(crate) fn count_headers(&mut self, headers: &axum::http::HeaderMap) {
        let says = |name: axum::http::HeaderName, what: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.to_ascii_lowercase().contains(what))
        };
        if !says(axum::http::header::CONTENT_TYPE, "application/json") {
            self.without_content_type += 1;
        }
        if !says(axum::http::header::ACCEPT_ENCODING, "gzip") {
            self.without_gzip += 1;
        }
    }

    pub(crate) fn count_status(&mut self, status: u16) {
        *self.by_status.entry(status).or_default() += 1;
    }

    /// Count for one endpoint key, 0 when never called.
    pub fn count(&self, endpoint: &str) -> u64 {
        self.by_endpoint.get(endpoint).copied().unwrap_or(0)
    }
}
