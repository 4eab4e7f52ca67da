//! One page at a time, for both API generations. Callers own the loop (and its cursor), so
//! they can checkpoint after every page; a [`PageBound`] decides when the loop ends.
//!
//! **Invariant: every walk through a list is bounded.** A server's paging metadata is a
//! claim, not a promise: BigCommerce's own example answers repeat a page and keep a `next` link
//! past `total_pages`. A walk stops at the first of: its own page counter reaching
//! `total_pages`, an empty or short page, a page whose ids were all read already, or a ceiling
//! derived from the first answer's total. The last two are [`BcError::BrokenPaging`]: the read
//! did not end at its last page, and the caller must say so rather than use a partial list.

use std::collections::HashSet;

use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::client::{StoreClient, decode};
use crate::error::BcError;

/// The largest `limit` v3 catalog lists accept; more is answered with 413.
pub const MAX_V3_PAGE_SIZE: u32 = 250;

/// The largest `limit` the v2 docs allow.
const MAX_V2_LIMIT: u32 = 250;

/// The v2 default page size. A server that caps `limit` silently returns at most this many
/// rows, so only a page shorter than this is surely the last.
const V2_DEFAULT_LIMIT: u32 = 50;

/// One v3 page: `{"data": [...], "meta": {"pagination": {...}}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Page<T> {
    pub data: Vec<T>,
    /// Absent on endpoints that don't paginate (or use cursors) and on empty bodies.
    pub pagination: Option<Pagination>,
    /// Rows this client could not read, from pages read row by row (the catalog's): one odd
    /// product does not make its 249 neighbours unreadable. Always empty on other pages, where
    /// any unreadable row fails the page.
    pub unreadable: Vec<UnreadableRow>,
}

/// A row of a page that did not decode, named as far as it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableRow {
    pub id: Option<u64>,
    pub name: Option<String>,
    /// A variant's product.
    pub product_id: Option<u64>,
    /// What did not decode, naming the field, e.g. `price: "1e40" is not a decimal amount`.
    pub problem: String,
}

impl<T> V3Page<T> {
    pub(crate) fn empty() -> Self {
        V3Page {
            data: Vec::new(),
            pagination: None,
            unreadable: Vec::new(),
        }
    }
}

/// How a list is walked, which decides what `total_pages` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageWalk {
    /// `page=1, 2, …`: `total_pages` counts the whole list.
    Numbered,
    /// The same first page of a moving filter (`id:greater=<last id read>`): each answer's
    /// `total_pages` counts what is left, that page included.
    Keyset,
}

/// Decides, page after page, whether a walk through one list goes on, and refuses to walk for
/// ever (see the module documentation).
#[derive(Debug)]
pub struct PageBound {
    request: String,
    walk: PageWalk,
    pages_read: u32,
    /// From the first answer with paging metadata: at most this many pages are read.
    ceiling: Option<u32>,
    seen: HashSet<u64>,
}

impl PageBound {
    /// For a walk through `GET {path}`; `path` only names the list in errors.
    pub fn new(path: &str, walk: PageWalk) -> Self {
        PageBound {
            request: format!("GET {path}"),
            walk,
            pages_read: 0,
            ceiling: None,
            seen: HashSet::new(),
        }
    }

    /// Pages read so far.
    pub fn pages_read(&self) -> u32 {
        self.pages_read
    }

    /// After a v3 page asked with `limit`: whether to read the next one.
    pub fn after_v3_page<T>(
        &mut self,
        page: &V3Page<T>,
        limit: u32,
        id_of: impl Fn(&T) -> u64,
    ) -> Result<bool, BcError> {
        let unreadable_ids = page.unreadable.iter().filter_map(|row| row.id);
        if !self.read_rows(page.data.iter().map(id_of).chain(unreadable_ids))? {
            return Ok(false);
        }
        let Some(pagination) = &page.pagination else {
            // No paging metadata: a list that is not paged.
            return Ok(false);
        };
        let ceiling = *self
            .ceiling
            .get_or_insert_with(|| ceiling_for(pagination.total_pages));
        let full_page = limit.min(pagination.per_page.max(1));
        if ((page.data.len() + page.unreadable.len()) as u32) < full_page {
            return Ok(false);
        }
        let last = match self.walk {
            PageWalk::Numbered => self.pages_read >= pagination.total_pages,
            PageWalk::Keyset => pagination.total_pages <= 1,
        };
        if last {
            return Ok(false);
        }
        if self.pages_read >= ceiling {
            return Err(self.broken(format!(
                "it still announced more pages after {} pages, more than its first answer's total allows",
                self.pages_read
            )));
        }
        Ok(true)
    }

    /// After a v2 page (a bare array): whether to read the next one. A page shorter than
    /// `full_page` rows is the last.
    pub fn after_v2_page<T>(
        &mut self,
        rows: &[T],
        full_page: u32,
        id_of: impl Fn(&T) -> u64,
    ) -> Result<bool, BcError> {
        if !self.read_rows(rows.iter().map(id_of))? {
            return Ok(false);
        }
        Ok(rows.len() as u32 >= full_page)
    }

    /// Counts a page and its ids: false for an empty page, an error for one that holds
    /// nothing new.
    fn read_rows(&mut self, ids: impl Iterator<Item = u64>) -> Result<bool, BcError> {
        self.pages_read += 1;
        let mut rows = 0;
        let mut new = 0;
        for id in ids {
            rows += 1;
            new += usize::from(self.seen.insert(id));
        }
        if rows == 0 {
            return Ok(false);
        }
        if new == 0 {
            return Err(self.broken(format!(
                "page {} held only rows of earlier pages",
                self.pages_read
            )));
        }
        Ok(true)
    }

    fn broken(&self, problem: String) -> BcError {
        BcError::BrokenPaging {
            request: self.request.clone(),
            problem,
        }
    }
}

/// Twice the pages the first answer announced, and a page more: room for a list that grows
/// while it is read, none for one that never ends.
fn ceiling_for(total_pages: u32) -> u32 {
    total_pages.max(1).saturating_mul(2).saturating_add(1)
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

    /// Every row of a v2 list, all pages, bounded (see [`PageBound`]). A page shorter than the
    /// v2 default (50) is the last, so a server that caps `limit` silently is read to the end.
    pub(crate) async fn collect_v2<T: DeserializeOwned>(
        &self,
        path: &str,
        id_of: impl Fn(&T) -> u64,
    ) -> Result<Vec<T>, BcError> {
        let mut bound = PageBound::new(path, PageWalk::Numbered);
        let mut all = Vec::new();
        let mut page = 1;
        loop {
            let rows: Vec<T> = self.get_v2_page(path, &[], page, MAX_V2_LIMIT).await?;
            let more = bound.after_v2_page(&rows, V2_DEFAULT_LIMIT, &id_of)?;
            all.extend(rows);
            if !more {
                return Ok(all);
            }
            page += 1;
        }
    }

    /// Every row of a v3 list, all pages of [`MAX_V3_PAGE_SIZE`], bounded (see [`PageBound`]).
    pub(crate) async fn collect_v3<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        id_of: impl Fn(&T) -> u64,
    ) -> Result<Vec<T>, BcError> {
        let mut bound = PageBound::new(path, PageWalk::Numbered);
        let mut all = Vec::new();
        let mut page = 1u32;
        loop {
            let mut paged = query.to_vec();
            paged.push(("page", page.to_string()));
            paged.push(("limit", MAX_V3_PAGE_SIZE.to_string()));
            let current: V3Page<T> = self.get_v3_page(path, &paged).await?;
            let more = bound.after_v3_page(&current, MAX_V3_PAGE_SIZE, &id_of)?;
            all.extend(current.data);
            if !more {
                return Ok(all);
            }
            page += 1;
        }
    }

    /// One page of a v3 list; pass `page` and `limit` in `query`.
    pub async fn get_v3_page<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<V3Page<T>, BcError> {
        let reply = self.send(Method::GET, path, query, None).await?;
        if reply.is_empty() {
            return Ok(V3Page::empty());
        }
        let envelope: V3Envelope<T> = decode(&Method::GET, path, &reply)?;
        Ok(V3Page {
            data: envelope.data,
            pagination: envelope.meta.and_then(|meta| meta.pagination),
            unreadable: Vec::new(),
        })
    }

    /// One page of a v3 list read row by row: a row that does not decode is set aside in
    /// [`V3Page::unreadable`] with what went wrong, and the others are read.
    pub(crate) async fn get_v3_page_by_row<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<V3Page<T>, BcError> {
        let reply = self.send(Method::GET, path, query, None).await?;
        if reply.is_empty() {
            return Ok(V3Page::empty());
        }
        // Each row is kept as its raw text and decoded straight into `T`: a page of 250
        // products with their variants as a `serde_json::Value` tree first took the catalog
        // import from ~45 MB to ~80 MB and a third longer (BENCHMARKS.md).
        let envelope: V3Envelope<Box<RawValue>> = decode(&Method::GET, path, &reply)?;
        let mut page = V3Page {
            data: Vec::with_capacity(envelope.data.len()),
            pagination: envelope.meta.and_then(|meta| meta.pagination),
            unreadable: Vec::new(),
        };
        for raw in envelope.data {
            let mut row = serde_json::Deserializer::from_str(raw.get());
            match serde_path_to_error::deserialize::<_, T>(&mut row) {
                Ok(item) => page.data.push(item),
                Err(error) => page.unreadable.push(unreadable_row(&raw, &error)),
            }
        }
        Ok(page)
    }
}

/// A row that did not decode, with what a report names it by: only such a row is read as a
/// whole, once, for its id, name and product.
fn unreadable_row(
    raw: &RawValue,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> UnreadableRow {
    let row: serde_json::Value = serde_json::from_str(raw.get()).unwrap_or_default();
    UnreadableRow {
        id: row.get("id").and_then(serde_json::Value::as_u64),
        name: row
            .get("name")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
        product_id: row.get("product_id").and_then(serde_json::Value::as_u64),
        problem: format!("{}: {}", error.path(), error.inner()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(ids: std::ops::Range<u64>, current_page: u32, total_pages: u32) -> V3Page<u64> {
        let data: Vec<u64> = ids.collect();
        V3Page {
            unreadable: Vec::new(),
            pagination: Some(Pagination {
                total: u64::from(total_pages) * 2,
                count: data.len() as u32,
                per_page: 2,
                current_page,
                total_pages,
                links: None,
            }),
            data,
        }
    }

    #[test]
    fn a_numbered_walk_ends_at_its_own_count_of_total_pages() {
        let mut bound = PageBound::new("v3/hooks", PageWalk::Numbered);
        assert!(bound.after_v3_page(&page(1..3, 1, 2), 2, |id| *id).unwrap());
        // The server calls every page its first; the walk counts for itself.
        assert!(!bound.after_v3_page(&page(3..5, 1, 2), 2, |id| *id).unwrap());
    }

    #[test]
    fn short_and_empty_pages_end_a_walk() {
        let mut bound = PageBound::new("v3/hooks", PageWalk::Numbered);
        assert!(!bound.after_v3_page(&page(1..2, 1, 5), 2, |id| *id).unwrap());
        let mut bound = PageBound::new("v3/hooks", PageWalk::Numbered);
        assert!(!bound.after_v3_page(&page(1..1, 1, 5), 2, |id| *id).unwrap());
        let mut bound = PageBound::new("v2/orders", PageWalk::Numbered);
        assert!(!bound.after_v2_page(&[1u64], 50, |id| *id).unwrap());
    }

    #[test]
    fn a_keyset_walk_that_keeps_announcing_pages_hits_its_ceiling() {
        let mut bound = PageBound::new("v3/catalog/products", PageWalk::Keyset);
        // First answer: 2 pages left, so at most 2 × 2 + 1 = 5 pages are read.
        let mut next_id = 1;
        let mut result = Ok(true);
        while let Ok(true) = result {
            result = bound.after_v3_page(&page(next_id..next_id + 2, 1, 2), 2, |id| *id);
            next_id += 2;
        }
        let error = result.unwrap_err();
        assert!(matches!(error, BcError::BrokenPaging { .. }), "{error:?}");
        assert_eq!(bound.pages_read(), 5);
    }

    #[test]
    fn a_page_of_rows_already_read_is_an_error() {
        let mut bound = PageBound::new("v2/orders", PageWalk::Numbered);
        assert!(bound.after_v2_page(&[1u64, 2], 2, |id| *id).unwrap());
        assert!(bound.after_v2_page(&[2u64, 3], 2, |id| *id).unwrap());
        let error = bound.after_v2_page(&[3u64, 1], 2, |id| *id).unwrap_err();
        assert!(error.to_string().contains("page 3"), "{error}");
    }
}
