//! Page/limit paging shared by every collection endpoint. v2 answers with a bare array
//! (and 204 on an empty page); v3 wraps the page in `{data, meta.pagination}`.

use std::collections::HashMap;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::errors::{ApiError, Flavor};

/// The query string as a flat map; repeated keys keep the last value, like PHP does.
pub type QueryMap = HashMap<String, String>;

/// Per-endpoint paging limits: BigCommerce documents default 50 / max 250 for most lists,
/// and a larger cap for a few inventory lists.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub default: u64,
    pub max: u64,
}

pub const STANDARD: Limits = Limits {
    default: 50,
    max: 250,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub limit: u64,
}

impl PageRequest {
    /// Reads `page` and `limit`. A limit above the maximum is 413 (facts §3); values that
    /// are not positive integers are 400 so client bugs surface instead of being clamped.
    pub fn parse(query: &QueryMap, limits: Limits, flavor: Flavor) -> Result<Self, ApiError> {
        let page = positive(query, "page", flavor)?.unwrap_or(1);
        let limit = positive(query, "limit", flavor)?.unwrap_or(limits.default);
        if limit > limits.max {
            return Err(ApiError::new(
                flavor,
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "The limit {limit} is above the maximum of {} items per page. Lower the limit query parameter.",
                    limits.max
                ),
            ));
        }
        Ok(Self { page, limit })
    }

    /// The items of this page, in collection order.
    pub fn slice<'a, T>(&self, items: &'a [T]) -> &'a [T] {
        let start =
            usize::try_from((self.page - 1).saturating_mul(self.limit)).unwrap_or(usize::MAX);
        let start = start.min(items.len());
        let end = start
            .saturating_add(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .min(items.len());
        &items[start..end]
    }
}

fn positive(query: &QueryMap, name: &str, flavor: Flavor) -> Result<Option<u64>, ApiError> {
    let Some(raw) = query.get(name) else {
        return Ok(None);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(ApiError::bad_request(
            flavor,
            format!("The query parameter '{name}' must be a positive integer, got '{raw}'."),
        )),
    }
}

/// v3 collection body: `{"data": [...], "meta": {"pagination": {...}}}` per
/// `pagination_Full` in products_catalog.v3.yml. `previous`/`next` are left out when there
/// is no such page (the schema types them as plain strings, so never `null`).
pub fn v3_page(page: PageRequest, total: usize, data: Vec<Value>) -> Value {
    let total = total as u64;
    let total_pages = total.div_ceil(page.limit);
    let link = |p: u64| format!("?page={p}&limit={}", page.limit);
    let mut links = serde_json::Map::new();
    if page.page > 1 {
        links.insert(
            "previous".into(),
            json!(link((page.page - 1).min(total_pages.max(1)))),
        );
    }
    links.insert("current".into(), json!(link(page.page)));
    if page.page < total_pages {
        links.insert("next".into(), json!(link(page.page + 1)));
    }
    json!({
        "data": data,
        "meta": {
            "pagination": {
                "total": total,
                "count": data.len(),
                "per_page": page.limit,
                "current_page": page.page,
                "total_pages": total_pages,
                "links": links,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> QueryMap {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_and_bounds() {
        let p = PageRequest::parse(&query(&[]), STANDARD, Flavor::V3).unwrap();
        assert_eq!(p, PageRequest { page: 1, limit: 50 });
        let p = PageRequest::parse(
            &query(&[("limit", "250"), ("page", "3")]),
            STANDARD,
            Flavor::V3,
        )
        .unwrap();
        assert_eq!(
            p,
            PageRequest {
                page: 3,
                limit: 250
            }
        );
        let e = PageRequest::parse(&query(&[("limit", "251")]), STANDARD, Flavor::V2).unwrap_err();
        assert_eq!(e.status, StatusCode::PAYLOAD_TOO_LARGE);
        for bad in ["0", "-1", "abc", ""] {
            let e = PageRequest::parse(&query(&[("page", bad)]), STANDARD, Flavor::V2).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "page={bad}");
        }
    }

    #[test]
    fn slices_pages_and_runs_off_the_end() {
        let items: Vec<u32> = (1..=7).collect();
        let p = |page| PageRequest { page, limit: 3 };
        assert_eq!(p(1).slice(&items), &[1, 2, 3]);
        assert_eq!(p(3).slice(&items), &[7]);
        assert!(p(4).slice(&items).is_empty());
        assert!(
            PageRequest {
                page: u64::MAX,
                limit: u64::MAX
            }
            .slice(&items)
            .is_empty()
        );
    }

    #[test]
    fn v3_links_only_point_at_pages_that_exist() {
        let body = v3_page(
            PageRequest { page: 2, limit: 3 },
            7,
            vec![json!(4), json!(5), json!(6)],
        );
        let pg = &body["meta"]["pagination"];
        assert_eq!(pg["total"], 7);
        assert_eq!(pg["count"], 3);
        assert_eq!(pg["total_pages"], 3);
        assert_eq!(pg["links"]["previous"], "?page=1&limit=3");
        assert_eq!(pg["links"]["current"], "?page=2&limit=3");
        assert_eq!(pg["links"]["next"], "?page=3&limit=3");

        let empty = v3_page(PageRequest { page: 1, limit: 50 }, 0, vec![]);
        let pg = &empty["meta"]["pagination"];
        assert_eq!(pg["total_pages"], 0);
        assert!(pg["links"].get("previous").is_none());
        assert!(pg["links"].get("next").is_none());
        assert_eq!(pg["links"]["current"], "?page=1&limit=50");
    }
}
