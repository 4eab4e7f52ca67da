//! Query-string filters and sorting of the catalog lists, parsed once per request into
//! plain predicates. A malformed value is a 400 naming the parameter, so client bugs
//! surface instead of silently matching everything. Parameters the simulator does not
//! model (`include_fields`, `keyword`, `categories:in`, ...) are ignored, not rejected.

use std::cmp::Ordering;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{Brand, Product, Variant};
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::inventory::Inventory;
use crate::paging::QueryMap;

fn bad(message: String) -> ApiError {
    ApiError::bad_request(Flavor::V3, message)
}

fn ids(q: &QueryMap, name: &str) -> Result<Option<Vec<u64>>, ApiError> {
    q.get(name)
        .map(|raw| {
            raw.split(',')
                .map(|s| s.trim().parse::<u64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| bad(format!("The filter '{name}' must be a list of integers.")))
        })
        .transpose()
}

/// `id` and `id:in` together: both must match.
fn id_filter(q: &QueryMap, single: &str, list: &str) -> Result<Option<Vec<u64>>, ApiError> {
    let one = ids(q, single)?;
    if one.as_ref().is_some_and(|v| v.len() != 1) {
        return Err(bad(format!("The filter '{single}' must be an integer.")));
    }
    Ok(match (one, ids(q, list)?) {
        (Some(a), Some(b)) => Some(a.into_iter().filter(|id| b.contains(id)).collect()),
        (a, b) => a.or(b),
    })
}

fn boolean(q: &QueryMap, name: &str) -> Result<Option<bool>, ApiError> {
    q.get(name)
        .map(|raw| match raw.trim() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(bad(format!("The filter '{name}' must be true or false."))),
        })
        .transpose()
}

/// `date_modified:min/max`: a full timestamp, or a bare date to which BigCommerce adds the
/// current time of day (the spec's pitfall, facts §6), which we reproduce.
fn bound(q: &QueryMap, name: &str, now: Timestamp) -> Result<Option<Timestamp>, ApiError> {
    let Some(raw) = q.get(name) else {
        return Ok(None);
    };
    let raw = raw.trim();
    if raw.len() == 10
        && let Ok(date) = raw.parse::<Date>()
    {
        let time = now.to_zoned(TimeZone::UTC).time();
        return date
            .to_datetime(time)
            .to_zoned(TimeZone::UTC)
            .map(|z| Some(z.timestamp()))
            .map_err(|e| bad(format!("The filter '{name}': {e}")));
    }
    dates::parse_filter(raw).map(Some).ok_or_else(|| {
        bad(format!(
            "The filter '{name}' must be an ISO-8601 date-time such as 2025-01-15T00:03:17Z (URL-encode a '+' offset as %2B), got '{raw}'."
        ))
    })
}

/// A single integer filter value such as `id:greater`. Parsed wide so any integer the
/// spec allows (negative, or past `u64`) is a valid bound rather than a 400.
fn integer(q: &QueryMap, name: &str) -> Result<Option<i128>, ApiError> {
    q.get(name)
        .map(|raw| {
            raw.trim()
                .parse::<i128>()
                .map_err(|_| bad(format!("The filter '{name}' must be an integer.")))
        })
        .transpose()
}

/// The product list's filters: `id`, `id:in`, `id:min`, `id:max`, `id:greater`,
/// `id:less`, `sku`, `sku:in`, `date_modified` (`:min`, `:max`), `brand_id`, `name`,
/// `is_visible`; all combine (a product must match every one given). `meta.pagination.total`
/// counts the matches, so with keyset paging (`sort=id&id:greater=<last id>`) it is what
/// remains after the cursor.
pub(super) struct ProductFilter {
    ids: Option<Vec<u64>>,
    /// `id:min`/`id:greater` and `id:max`/`id:less` folded into one inclusive range;
    /// `id_min > id_max` matches nothing.
    id_min: i128,
    id_max: i128,
    skus: Option<Vec<String>>,
    modified_min: Option<Timestamp>,
    modified_max: Option<Timestamp>,
    modified_on: Option<Date>,
    brand_id: Option<u64>,
    name: Option<String>,
    is_visible: Option<bool>,
}

impl ProductFilter {
    pub fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        let now = dates::now();
        let mut skus: Option<Vec<String>> = q
            .get("sku:in")
            .map(|raw| raw.split(',').map(|s| s.trim().to_owned()).collect());
        if let Some(sku) = q.get("sku") {
            // Both given: a product must match both.
            skus = Some(match skus {
                Some(list) => list.into_iter().filter(|s| s == sku).collect(),
                None => vec![sku.clone()],
            });
        }
        let brand_id = ids(q, "brand_id")?
            .map(|v| match v.as_slice() {
                [one] => Ok(*one),
                _ => Err(bad("The filter 'brand_id' must be an integer.".into())),
            })
            .transpose()?;
        let modified_on = q
            .get("date_modified")
            .map(|raw| {
                raw.trim().parse::<Date>().map_err(|_| {
                    bad(format!(
                        "The filter 'date_modified' must be a date such as 2024-07-18, got '{raw}'."
                    ))
                })
            })
            .transpose()?;
        // `id:greater`/`id:less` are exclusive, `id:min`/`id:max` inclusive; all combine.
        let lows = [
            integer(q, "id:min")?,
            integer(q, "id:greater")?.map(|g| g.saturating_add(1)),
        ];
        let highs = [
            integer(q, "id:max")?,
            integer(q, "id:less")?.map(|l| l.saturating_sub(1)),
        ];
        Ok(Self {
            ids: id_filter(q, "id", "id:in")?,
            id_min: lows.into_iter().flatten().fold(0, i128::max),
            id_max: highs
                .into_iter()
                .flatten()
                .fold(i128::from(u64::MAX), i128::min),
            skus,
            modified_min: bound(q, "date_modified:min", now)?,
            modified_max: bound(q, "date_modified:max", now)?,
            modified_on,
            brand_id,
            name: q.get("name").cloned(),
            is_visible: boolean(q, "is_visible")?,
        })
    }

    /// Ids named by `id`/`id:in`, so the list can look them up instead of scanning.
    pub fn only_ids(&self) -> Option<&[u64]> {
        self.ids.as_deref()
    }

    /// The ids `id:min/max/greater/less` allow, so keyset paging (`id:greater=<last>`)
    /// walks only the rest of the catalog; `None` when they allow none.
    pub fn id_range(&self) -> Option<std::ops::RangeInclusive<u64>> {
        let lo = u64::try_from(self.id_min).ok()?;
        let hi = u64::try_from(self.id_max).ok()?;
        (lo <= hi).then_some(lo..=hi)
    }

    pub fn keeps(&self, p: &Product) -> bool {
        self.ids.as_ref().is_none_or(|w| w.contains(&p.id))
            && (self.id_min..=self.id_max).contains(&i128::from(p.id))
            && self.skus.as_ref().is_none_or(|s| s.contains(&p.sku))
            && self.modified_min.is_none_or(|t| p.date_modified >= t)
            && self.modified_max.is_none_or(|t| p.date_modified <= t)
            && self
                .modified_on
                .is_none_or(|d| p.date_modified.to_zoned(TimeZone::UTC).date() == d)
            && self.brand_id.is_none_or(|b| p.brand_id == b)
            && self.name.as_ref().is_none_or(|n| p.name == *n)
            && self.is_visible.is_none_or(|v| p.is_visible == v)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Id,
    Name,
    Sku,
    Price,
    DateModified,
    InventoryLevel,
    IsVisible,
}

/// `sort` + `direction`; ties are broken by id so pages never overlap.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sort {
    key: SortKey,
    descending: bool,
}

impl Sort {
    pub fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        let key = match q.get("sort").map(|s| s.trim()) {
            None | Some("id") => SortKey::Id,
            Some("name") => SortKey::Name,
            Some("sku") => SortKey::Sku,
            // No price lists or sales here, so calculated_price is price.
            Some("price" | "calculated_price") => SortKey::Price,
            Some("date_modified") => SortKey::DateModified,
            Some("inventory_level") => SortKey::InventoryLevel,
            Some("is_visible") => SortKey::IsVisible,
            // Nothing is ever imported or sold here: every product ties, so id order.
            Some("date_last_imported" | "total_sold") => SortKey::Id,
            Some(other) => {
                return Err(bad(format!(
                    "The sort '{other}' is not one of id, name, sku, price, date_modified, date_last_imported, inventory_level, is_visible, total_sold, calculated_price."
                )));
            }
        };
        let descending = match q.get("direction").map(|s| s.trim()) {
            None | Some("asc") => false,
            Some("desc") => true,
            Some(other) => {
                return Err(bad(format!(
                    "The direction '{other}' is not one of asc, desc."
                )));
            }
        };
        Ok(Self { key, descending })
    }

    pub fn apply(&self, products: &mut [&Product], inventory: &Inventory) {
        if self.key == SortKey::Id && !self.descending {
            return; // already in id order
        }
        let cmp = |a: &Product, b: &Product| -> Ordering {
            match self.key {
                SortKey::Id => Ordering::Equal,
                SortKey::Name => a.name.cmp(&b.name),
                SortKey::Sku => a.sku.cmp(&b.sku),
                SortKey::Price => a.price.cmp(&b.price),
                SortKey::DateModified => a.date_modified.cmp(&b.date_modified),
                SortKey::InventoryLevel => a
                    .inventory_level(inventory)
                    .cmp(&b.inventory_level(inventory)),
                SortKey::IsVisible => a.is_visible.cmp(&b.is_visible),
            }
        };
        products.sort_by(|a, b| {
            let o = cmp(a, b).then(a.id.cmp(&b.id));
            if self.descending { o.reverse() } else { o }
        });
    }
}

/// Whether `include=` (comma-separated) names `what`; values the simulator does not model
/// are accepted and ignored.
pub(super) fn includes(q: &QueryMap, what: &str) -> bool {
    q.get("include")
        .is_some_and(|raw| raw.split(',').any(|s| s.trim() == what))
}

/// `GET /v3/catalog/variants` filters: `id` (`id:in` too), `sku`, `upc`, `product_id:in`.
/// The spec has no `sku:in` and no date filter (facts §6), and neither do we.
pub(super) struct VariantFilter {
    ids: Option<Vec<u64>>,
    sku: Option<String>,
    upc: Option<String>,
    product_ids: Option<Vec<u64>>,
}

impl VariantFilter {
    pub fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        Ok(Self {
            ids: id_filter(q, "id", "id:in")?,
            sku: q.get("sku").cloned(),
            upc: q.get("upc").cloned(),
            product_ids: ids(q, "product_id:in")?,
        })
    }

    pub fn product_ids(&self) -> Option<&[u64]> {
        self.product_ids.as_deref()
    }

    pub fn keeps(&self, v: &Variant) -> bool {
        self.ids.as_ref().is_none_or(|w| w.contains(&v.id))
            && self.sku.as_ref().is_none_or(|s| v.sku == *s)
            && self.upc.as_ref().is_none_or(|u| v.upc == *u)
    }
}

/// `GET /v3/catalog/brands` filters: `id`, `id:in`, `name`.
pub(super) struct BrandFilter {
    ids: Option<Vec<u64>>,
    name: Option<String>,
}

impl BrandFilter {
    pub fn parse(q: &QueryMap) -> Result<Self, ApiError> {
        Ok(Self {
            ids: id_filter(q, "id", "id:in")?,
            name: q.get("name").cloned(),
        })
    }

    pub fn keeps(&self, b: &Brand) -> bool {
        self.ids.as_ref().is_none_or(|w| w.contains(&b.id))
            && self.name.as_ref().is_none_or(|n| b.name == *n)
    }
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
    fn a_bare_date_gets_the_current_time_of_day() {
        let now: Timestamp = "2025-03-01T13:14:15Z".parse().unwrap();
        let q = query(&[("date_modified:min", "2025-01-15")]);
        assert_eq!(
            bound(&q, "date_modified:min", now).unwrap(),
            Some("2025-01-15T13:14:15Z".parse().unwrap())
        );
        let q = query(&[("date_modified:min", "2025-01-15T00:03:17+00:00")]);
        assert_eq!(
            bound(&q, "date_modified:min", now).unwrap(),
            Some("2025-01-15T00:03:17Z".parse().unwrap())
        );
        // An unencoded '+' arrives as a space: say so instead of guessing.
        let q = query(&[("date_modified:min", "2025-01-15T00:03:17 00:00")]);
        assert!(bound(&q, "date_modified:min", now).is_err());
    }

    #[test]
    fn bad_values_are_400() {
        for (k, v) in [
            ("id", "x"),
            ("id", "1,2"),
            ("brand_id", "a"),
            ("is_visible", "maybe"),
            ("date_modified", "2025-13-01"),
            ("id:greater", "x"),
            ("id:less", "1.5"),
            ("id:min", ""),
            ("id:max", "1,2"),
        ] {
            let e = ProductFilter::parse(&query(&[(k, v)])).err().expect(k);
            assert_eq!(e.status.as_u16(), 400, "{k}={v}");
        }
        assert!(Sort::parse(&query(&[("sort", "colour")])).is_err());
        assert!(Sort::parse(&query(&[("direction", "up")])).is_err());
    }

    #[test]
    fn id_bounds_fold_into_one_inclusive_range() {
        let range =
            |pairs: &[(&str, &str)]| ProductFilter::parse(&query(pairs)).unwrap().id_range();
        assert_eq!(range(&[]), Some(0..=u64::MAX));
        assert_eq!(range(&[("id:greater", "120")]), Some(121..=u64::MAX));
        assert_eq!(
            range(&[("id:greater", "120"), ("id:min", "200"), ("id:less", "300")]),
            Some(200..=299)
        );
        assert_eq!(range(&[("id:min", "5"), ("id:max", "5")]), Some(5..=5));
        assert_eq!(
            range(&[("id:greater", "-7"), ("id:max", " 9 ")]),
            Some(0..=9)
        );
        assert_eq!(range(&[("id:less", "0")]), None);
        assert_eq!(range(&[("id:min", "9"), ("id:max", "8")]), None);
        assert_eq!(range(&[("id:greater", "18446744073709551615")]), None);
    }

    #[test]
    fn includes_are_a_list() {
        let q = query(&[("include", "images, variants")]);
        assert!(includes(&q, "variants") && includes(&q, "images"));
        assert!(!includes(&query(&[("include", "images")]), "variants"));
    }
}
