//! `GET /v2/orders` (and `/v2/orders/count`) query parameters: filters, sort, include.

use std::cmp::Ordering;

use jiff::Timestamp;

use super::Order;
use super::render::Include;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::money::Money;
use crate::paging::QueryMap;

fn bad(message: String) -> ApiError {
    ApiError::bad_request(Flavor::V2, message)
}

/// The documented filters the simulator models. Unknown parameters are ignored, as
/// BigCommerce does.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    status_id: Option<u64>,
    min_id: Option<u64>,
    max_id: Option<u64>,
    customer_id: Option<u64>,
    channel_id: Option<u64>,
    email: Option<String>,
    /// Exact match.
    external_order_id: Option<String>,
    payment_method: Option<String>,
    min_total: Option<Money>,
    max_total: Option<Money>,
    min_created: Option<Timestamp>,
    max_created: Option<Timestamp>,
    min_modified: Option<Timestamp>,
    max_modified: Option<Timestamp>,
}

impl Filter {
    pub fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        let int = |name: &str| -> Result<Option<u64>, ApiError> {
            q.get(name)
                .map(|v| {
                    v.trim().parse().map_err(|_| {
                        bad(format!(
                            "The filter '{name}' must be an integer, got '{v}'."
                        ))
                    })
                })
                .transpose()
        };
        let money = |name: &str| -> Result<Option<Money>, ApiError> {
            q.get(name)
                .map(|v| {
                    Money::parse(v).ok_or_else(|| {
                        bad(format!("The filter '{name}' must be a number, got '{v}'."))
                    })
                })
                .transpose()
        };
        let date = |name: &str| -> Result<Option<Timestamp>, ApiError> {
            q.get(name)
                .map(|v| {
                    dates::parse_filter(v).ok_or_else(|| {
                        bad(format!(
                            "The filter '{name}' must be an RFC-2822 or ISO-8601 date, got '{v}'."
                        ))
                    })
                })
                .transpose()
        };
        Ok(Self {
            status_id: int("status_id")?,
            min_id: int("min_id")?,
            max_id: int("max_id")?,
            customer_id: int("customer_id")?,
            channel_id: int("channel_id")?,
            email: q.get("email").cloned(),
            external_order_id: q.get("external_order_id").cloned(),
            payment_method: q.get("payment_method").cloned(),
            min_total: money("min_total")?,
            max_total: money("max_total")?,
            min_created: date("min_date_created")?,
            max_created: date("max_date_created")?,
            min_modified: date("min_date_modified")?,
            max_modified: date("max_date_modified")?,
        })
    }

    /// `status_id` is left out so `/orders/count` can count every status.
    pub fn matches_except_status(&self, o: &Order) -> bool {
        fn within<T: PartialOrd>(v: T, min: Option<T>, max: Option<T>) -> bool {
            min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
        }
        let total = o.total();
        within(o.id, self.min_id, self.max_id)
            && self.customer_id.is_none_or(|c| o.customer_id == c)
            && self.channel_id.is_none_or(|c| o.channel_id == c)
            && self
                .email
                .as_ref()
                .is_none_or(|e| o.billing_address.email.eq_ignore_ascii_case(e))
            && self
                .external_order_id
                .as_ref()
                .is_none_or(|r| o.external_order_id == *r)
            && self
                .payment_method
                .as_ref()
                .is_none_or(|p| o.payment_method == *p)
            && within(total, self.min_total, self.max_total)
            && within(o.date_created, self.min_created, self.max_created)
            && within(o.date_modified, self.min_modified, self.max_modified)
    }

    pub fn matches(&self, o: &Order) -> bool {
        self.status_id.is_none_or(|s| u64::from(o.status_id) == s) && self.matches_except_status(o)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SortKey {
    Id,
    CustomerId,
    DateCreated,
    DateModified,
    StatusId,
    ChannelId,
    /// Every simulated order has `external_id: null`, so this sorts by id.
    ExternalId,
}

/// `sort=field[:asc|:desc]`; default `id:asc`.
pub(crate) fn parse_sort(q: &QueryMap) -> Result<(SortKey, bool), ApiError> {
    let Some(raw) = q.get("sort") else {
        return Ok((SortKey::Id, true));
    };
    let (field, dir) = raw.split_once(':').unwrap_or((raw, "asc"));
    let key = match field {
        "id" => SortKey::Id,
        "customer_id" => SortKey::CustomerId,
        "date_created" => SortKey::DateCreated,
        "date_modified" => SortKey::DateModified,
        "status_id" => SortKey::StatusId,
        "channel_id" => SortKey::ChannelId,
        "external_id" => SortKey::ExternalId,
        _ => return Err(bad(format!("The sort field '{field}' is not supported."))),
    };
    let ascending = match dir {
        "asc" => true,
        "desc" => false,
        _ => {
            return Err(bad(format!(
                "The sort direction '{dir}' must be asc or desc."
            )));
        }
    };
    Ok((key, ascending))
}

pub(crate) fn compare(key: SortKey, a: &Order, b: &Order) -> Ordering {
    let primary = match key {
        SortKey::Id | SortKey::ExternalId => Ordering::Equal,
        SortKey::CustomerId => a.customer_id.cmp(&b.customer_id),
        SortKey::DateCreated => a.date_created.cmp(&b.date_created),
        SortKey::DateModified => a.date_modified.cmp(&b.date_modified),
        SortKey::StatusId => a.status_id.cmp(&b.status_id),
        SortKey::ChannelId => a.channel_id.cmp(&b.channel_id),
    };
    // Ties break on id so pages are stable.
    primary.then(a.id.cmp(&b.id))
}

/// `include=consignments[,consignments.line_items][,fees]` (comma list or repeated). The legacy
/// array structure is not modelled: consignments are always rendered as the object
/// `consignment_structure=object` asks for, the structure BigCommerce recommends.
pub(crate) fn parse_include(q: &QueryMap) -> Include {
    let mut include = Include::default();
    for part in q
        .get("include")
        .map(String::as_str)
        .unwrap_or("")
        .split(',')
    {
        match part.trim() {
            "consignments" => include.consignments = true,
            "consignments.line_items" => {
                include.consignments = true;
                include.line_items = true;
            }
            "fees" => include.fees = true,
            _ => {}
        }
    }
    include
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
    fn sort_and_include_parse() {
        assert_eq!(parse_sort(&query(&[])).unwrap(), (SortKey::Id, true));
        assert_eq!(
            parse_sort(&query(&[("sort", "date_modified:desc")])).unwrap(),
            (SortKey::DateModified, false)
        );
        assert!(parse_sort(&query(&[("sort", "total")])).is_err());
        assert!(parse_sort(&query(&[("sort", "id:up")])).is_err());
        let i = parse_include(&query(&[("include", "consignments.line_items")]));
        assert!(i.consignments && i.line_items);
        let i = parse_include(&query(&[("include", "fees,consignments")]));
        assert!(i.consignments && !i.line_items && i.fees);
    }

    #[test]
    fn bad_filters_are_400() {
        for (k, v) in [
            ("min_id", "x"),
            ("min_date_modified", "soon"),
            ("min_total", "ten"),
        ] {
            assert!(Filter::parse(&query(&[(k, v)])).is_err(), "{k}={v}");
        }
    }
}
