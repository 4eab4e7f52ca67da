//! One page at a time, for both API generations. Callers own the loop (and its cursor), so
//! they can checkpoint after every page.

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::{StoreClient, decode};
use crate::error::BcError;

/// The largest `limit` v3 catalog lists accept; more is answered with 413.
pub const MAX_V3_PAGE_SIZE: u32 = 250;

/// One v3 page: `{"data": [...], "meta": {"pagination": {...}}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Page<T> {
    pub data: Vec<T>,
    /// Absent on endpoints that don't paginate (or use cursors) and on empty bodies.
    pub pagination: Option<Pagination>,
}

impl<T> V3Page<T> {
    /// Whether another page follows, by the numbers or, failing those, by the `next` link.
    pub fn has_next_page(&self) -> bool {
        self.pagination.as_ref().is_some_and(|p| {
            p.current_page < p.total_pages
                || p.links
                    .as_ref()
                    .is_some_and(|links| links.next.as_deref().is_some_and(|n| !n.is_empty()))
        })
    }
}

/// v3 offset pagination (`pagination_Full` in the specs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pagination {
    pub total: u64,
    pub count: u32,
    pub per_page: u32,
    pub current_page: u32,
    pub total_pages: u32,
    #[serde(default)]
    pub links: Option<PaginationLinks>,
}

/// Query strings such as `?page=2&limit=50`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PaginationLinks {
    #[serde(default)]
    pub previous: Option<String>,
    #[serde(default)]
    pub current: Option<String>,
    #[serde(default)]
    pub next: Option<String>,
}

#[derive(Deserialize)]
struct V3Envelope<T> {
    data: Vec<T>,
    #[serde(default)]
    meta: Option<V3Meta>,
}

#[derive(Deserialize)]
struct V3Meta {
    #[serde(default)]
    pagination: Option<Pagination>,
}

impl StoreClient {
    /// One page of a v2 list (a bare JSON array). A 204 or empty body is an empty page; stop
    /// there or when a page holds fewer than `limit` rows.
    pub async fn get_v2_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        page: u32,
        limit: u32,
    ) -> Result<Vec<T>, BcError> {
        let mut query = query.to_vec();
        query.push(("page", page.to_string()));
        query.push(("limit", limit.to_string()));
        let reply = self.send(Method::GET, path, &query, None).await?;
        if reply.is_empty() {
            return Ok(Vec::new());
        }
        decode(&Method::GET, path, &reply)
    }

    /// One page of a v3 list; pass `page` and `limit` in `query`.
    pub async fn get_v3_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<V3Page<T>, BcError> {
        let reply = self.send(Method::GET, path, query, None).await?;
        if reply.is_empty() {
            return Ok(V3Page {
                data: Vec::new(),
                pagination: None,
            });
        }
        let envelope: V3Envelope<T> = decode(&Method::GET, path, &reply)?;
        Ok(V3Page {
            data: envelope.data,
            pagination: envelope.meta.and_then(|meta| meta.pagination),
        })
    }
}
