//! Locations V3: `GET /v3/inventory/locations`. Every store starts with location 1, the
//! default location BigCommerce creates (facts §7).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::Simulator;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::inventory::DEFAULT_LOCATION_ID;
use crate::paging::{self, Limits, PageRequest, QueryMap};

/// The spec caps location lists at 1000 items per payload rather than the usual 250.
const LIMITS: Limits = Limits {
    default: 50,
    max: 1000,
};

#[derive(Debug, Clone)]
pub(crate) struct Location {
    pub id: u64,
    pub code: String,
    pub label: String,
    pub enabled: bool,
    pub type_id: &'static str,
    pub storefront_visibility: bool,
    pub managed_by_external_source: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

pub(crate) fn default_location(created_at: Timestamp) -> Location {
    Location {
        id: DEFAULT_LOCATION_ID,
        code: "BC-LOCATION-1".into(),
        label: "Default location".into(),
        enabled: true,
        type_id: "PHYSICAL",
        storefront_visibility: true,
        managed_by_external_source: false,
        created_at,
        updated_at: created_at,
    }
}

impl Location {
    /// The `LocationResponse` body.
    fn render(&self) -> Value {
        let closed = json!({ "open": false, "opening": "00:00", "closing": "00:00" });
        let days = [
            "sunday",
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
        ];
        let operating_hours: serde_json::Map<String, Value> = days
            .iter()
            .map(|d| ((*d).to_owned(), closed.clone()))
            .collect();
        json!({
            "id": self.id,
            "code": self.code,
            "label": self.label,
            "description": "",
            "managed_by_external_source": self.managed_by_external_source,
            "type_id": self.type_id,
            "enabled": self.enabled,
            "operating_hours": operating_hours,
            "time_zone": "Etc/UTC",
            "created_at": dates::iso8601(self.created_at),
            "updated_at": dates::iso8601(self.updated_at),
            "address": {
                "address1": "", "address2": "", "city": "", "state": "", "zip": "",
                "phone": "",
                "geo_coordinates": { "latitude": 0, "longitude": 0 },
                "country_code": "US",
            },
            "storefront_visibility": self.storefront_visibility,
            "special_hours": [],
        })
    }
}

/// The list filters from locations.v3.yml.
struct Filter {
    ids: Option<Vec<u64>>,
    codes: Option<Vec<String>>,
    type_ids: Option<Vec<String>>,
    is_default: Option<bool>,
    is_active: Option<bool>,
    managed_by_external_source: Option<bool>,
    storefront_visibility: Option<bool>,
}

impl Filter {
    fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        let bad = |name: &str, what: &str| {
            ApiError::bad_request(Flavor::V3, format!("The filter '{name}' must be {what}."))
        };
        let list = |name: &str| {
            q.get(name).map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_owned())
                    .collect::<Vec<_>>()
            })
        };
        let flag = |name: &str| -> Result<Option<bool>, ApiError> {
            q.get(name)
                .map(|v| v.parse::<bool>().map_err(|_| bad(name, "true or false")))
                .transpose()
        };
        let ids = list("location_id:in")
            .map(|v| {
                v.iter()
                    .map(|s| s.parse::<u64>())
                    .collect::<Result<Vec<_>, _>>()
            })
            .transpose()
            .map_err(|_| bad("location_id:in", "a list of integers"))?;
        Ok(Self {
            ids,
            codes: list("location_code:in"),
            type_ids: list("type_id:in"),
            is_default: flag("is_default")?,
            is_active: flag("is_active")?,
            managed_by_external_source: flag("managed_by_external_source")?,
            storefront_visibility: flag("storefront_visibility")?,
        })
    }

    fn matches(&self, l: &Location) -> bool {
        self.ids.as_ref().is_none_or(|ids| ids.contains(&l.id))
            && self.codes.as_ref().is_none_or(|c| c.contains(&l.code))
            && self
                .type_ids
                .as_ref()
                .is_none_or(|t| t.iter().any(|t| t == l.type_id))
            && self
                .is_default
                .is_none_or(|d| d == (l.id == DEFAULT_LOCATION_ID))
            && self.is_active.is_none_or(|a| a == l.enabled)
            && self
                .managed_by_external_source
                .is_none_or(|m| m == l.managed_by_external_source)
            && self
                .storefront_visibility
                .is_none_or(|v| v == l.storefront_visibility)
    }
}

pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
) -> Result<Response, ApiError> {
    let page = PageRequest::parse(&q, LIMITS, Flavor::V3)?;
    let filter = Filter::parse(&q)?;
    let body = sim
        .with_store(&hash, |store| {
            let hits: Vec<&Location> = store
                .locations
                .values()
                .filter(|l| filter.matches(l))
                .collect();
            let data = page.slice(&hits).iter().map(|l| l.render()).collect();
            paging::v3_page(page, hits.len(), data)
        })
        .ok_or(ApiError::not_found(Flavor::V3))?;
    Ok(Json(body).into_response())
}
