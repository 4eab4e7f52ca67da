//! Orders V2: `GET /v2/orders`, `GET/PUT /v2/orders/{id}`. The store keeps typed orders;
//! responses are rendered to the `order_Resp` shape of orders.v2.oas2.yml on the way out.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use crate::Simulator;
use crate::dates;
use crate::errors::{ApiError, Flavor};
use crate::money::Money;
use crate::order_statuses::{self, OrderStatus};
use crate::paging::{self, PageRequest, QueryMap};

const V2: Flavor = Flavor::V2;
/// BigCommerce numbers a store's first order 100.
const FIRST_ORDER_ID: u64 = 100;

#[derive(Debug, Clone)]
pub(crate) struct Address {
    pub first_name: String,
    pub last_name: String,
    pub street_1: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    pub country: String,
    pub country_iso2: String,
    pub email: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: u64,
    pub customer_id: u64,
    pub status_id: u8,
    pub date_created: Timestamp,
    pub date_modified: Timestamp,
    pub date_shipped: Option<Timestamp>,
    pub items_total: u32,
    pub items_shipped: u32,
    pub subtotal: Money,
    pub shipping: Money,
    pub payment_method: String,
    pub staff_notes: String,
    pub customer_message: String,
    pub currency_code: String,
    pub channel_id: u64,
    pub billing_address: Address,
    /// Archived; hidden from the list, still readable by id.
    pub is_deleted: bool,
}

#[derive(Default)]
pub(crate) struct Orders {
    by_id: BTreeMap<u64, Order>,
}

const SAMPLE_NAMES: [(&str, &str, &str, &str, &str); 4] = [
    ("Jane", "Doe", "Austin", "TX", "78701"),
    ("Ravi", "Patel", "Chicago", "IL", "60601"),
    ("Mia", "Schmidt", "Denver", "CO", "80202"),
    ("Tom", "Okafor", "Seattle", "WA", "98101"),
];

impl Orders {
    /// Adds `count` Awaiting Fulfillment orders, one second apart, ending now. A stand-in
    /// until orders are placed from the catalog with line items.
    pub fn seed(&mut self, count: usize, currency: &str) -> Vec<u64> {
        let now = dates::now();
        let first = self
            .by_id
            .keys()
            .next_back()
            .map_or(FIRST_ORDER_ID, |last| last + 1);
        (0..count as u64)
            .map(|i| {
                let id = first + i;
                let (first_name, last_name, city, state, zip) = SAMPLE_NAMES[(id % 4) as usize];
                let at = now - SignedDuration::from_secs((count as u64 - i) as i64);
                let order = Order {
                    id,
                    customer_id: if id.is_multiple_of(3) { 0 } else { id - 90 },
                    status_id: 11,
                    date_created: at,
                    date_modified: at,
                    date_shipped: None,
                    items_total: 1 + (id % 3) as u32,
                    items_shipped: 0,
                    subtotal: Money::from_cents(1000 + (id as i64 % 50) * 100 + 99),
                    shipping: Money::from_cents(500),
                    payment_method: "Test Payment Gateway".into(),
                    staff_notes: String::new(),
                    customer_message: String::new(),
                    currency_code: currency.into(),
                    channel_id: 1,
                    billing_address: Address {
                        first_name: first_name.into(),
                        last_name: last_name.into(),
                        street_1: format!("{} Main Street", 100 + id),
                        city: city.into(),
                        state: state.into(),
                        zip: zip.into(),
                        country: "United States".into(),
                        country_iso2: "US".into(),
                        email: format!("{}.{}@example.com", first_name, last_name).to_lowercase(),
                    },
                    is_deleted: false,
                };
                self.by_id.insert(id, order);
                id
            })
            .collect()
    }
}

impl Order {
    /// The `order_Resp` body. Sub-resources are `{url, resource}` links, as BigCommerce
    /// sends them unless `include=` asks for them inline.
    fn render(&self, statuses: &[OrderStatus], api_base: &str) -> Value {
        let total = self.subtotal + self.shipping;
        let link = |sub: &str| {
            let resource = format!("/orders/{}/{sub}", self.id);
            json!({ "url": format!("{api_base}{resource}"), "resource": resource })
        };
        let a = &self.billing_address;
        let zero = Money::ZERO;
        json!({
            "id": self.id,
            "customer_id": self.customer_id,
            "date_created": dates::rfc2822(self.date_created),
            "date_modified": dates::rfc2822(self.date_modified),
            "date_shipped": self.date_shipped.map(dates::rfc2822).unwrap_or_default(),
            "status_id": self.status_id,
            "status": order_statuses::label(statuses, self.status_id),
            "subtotal_ex_tax": self.subtotal, "subtotal_inc_tax": self.subtotal, "subtotal_tax": zero,
            "base_shipping_cost": self.shipping,
            "shipping_cost_ex_tax": self.shipping, "shipping_cost_inc_tax": self.shipping,
            "shipping_cost_tax": zero, "shipping_cost_tax_class_id": 2,
            "base_handling_cost": zero, "handling_cost_ex_tax": zero, "handling_cost_inc_tax": zero,
            "handling_cost_tax": zero, "handling_cost_tax_class_id": 2,
            "base_wrapping_cost": zero, "wrapping_cost_ex_tax": zero, "wrapping_cost_inc_tax": zero,
            "wrapping_cost_tax": zero, "wrapping_cost_tax_class_id": 3,
            "total_ex_tax": total, "total_inc_tax": total, "total_tax": zero,
            "items_total": self.items_total,
            "items_shipped": self.items_shipped,
            "payment_method": self.payment_method,
            "payment_provider_id": "",
            "payment_status": "captured",
            "refunded_amount": zero,
            "order_is_digital": false,
            "store_credit_amount": zero,
            "gift_certificate_amount": zero,
            "ip_address": "203.0.113.10",
            "ip_address_v6": "",
            "geoip_country": a.country, "geoip_country_iso2": a.country_iso2,
            "currency_id": 1, "currency_code": self.currency_code,
            "currency_exchange_rate": "1.0000000000",
            "default_currency_id": 1, "default_currency_code": self.currency_code,
            "store_default_currency_code": self.currency_code,
            "store_default_to_transactional_exchange_rate": "1.0000000000",
            "staff_notes": self.staff_notes,
            "customer_message": self.customer_message,
            "discount_amount": zero,
            "coupon_discount": zero,
            "shipping_address_count": 1,
            "is_deleted": self.is_deleted,
            "ebay_order_id": "0",
            "cart_id": "",
            "billing_address": {
                "first_name": a.first_name, "last_name": a.last_name, "company": "",
                "street_1": a.street_1, "street_2": "", "city": a.city, "state": a.state,
                "zip": a.zip, "country": a.country, "country_iso2": a.country_iso2,
                "phone": "", "email": a.email, "form_fields": [],
            },
            "is_email_opt_in": false,
            "order_source": "www",
            "channel_id": self.channel_id,
            "external_source": Value::Null,
            "external_id": Value::Null,
            "external_merchant_id": Value::Null,
            "external_order_id": "",
            "tax_provider_id": "BasicTaxProvider",
            "customer_locale": "en",
            "is_tax_inclusive_pricing": false,
            "products": link("products"),
            "shipping_addresses": link("shipping_addresses"),
            "coupons": link("coupons"),
        })
    }
}

/// Where the `{url, resource}` links point: back at this simulator when the request says
/// which host it used, else at the real API host.
fn api_base(headers: &HeaderMap, hash: &str) -> String {
    match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
        Some(host) => format!("http://{host}/stores/{hash}/v2"),
        None => format!("https://api.bigcommerce.com/stores/{hash}/v2"),
    }
}

/// The subset of `GET /v2/orders` filters the simulator understands.
struct ListQuery {
    page: PageRequest,
    status_id: Option<u64>,
    min_id: Option<u64>,
    max_id: Option<u64>,
    customer_id: Option<u64>,
    min_created: Option<Timestamp>,
    max_created: Option<Timestamp>,
    min_modified: Option<Timestamp>,
    max_modified: Option<Timestamp>,
    sort: (SortKey, bool),
}

#[derive(Clone, Copy)]
enum SortKey {
    Id,
    CustomerId,
    DateCreated,
    DateModified,
    StatusId,
    ChannelId,
}

fn bad(message: String) -> ApiError {
    ApiError::bad_request(V2, message)
}

impl ListQuery {
    fn parse(q: &QueryMap) -> Result<Self, ApiError> {
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
            page: PageRequest::parse(q, paging::STANDARD, V2)?,
            status_id: int("status_id")?,
            min_id: int("min_id")?,
            max_id: int("max_id")?,
            customer_id: int("customer_id")?,
            min_created: date("min_date_created")?,
            max_created: date("max_date_created")?,
            min_modified: date("min_date_modified")?,
            max_modified: date("max_date_modified")?,
            sort: q
                .get("sort")
                .map_or(Ok((SortKey::Id, true)), |s| parse_sort(s))?,
        })
    }

    fn matches(&self, o: &Order) -> bool {
        let within = |v: Timestamp, min: Option<Timestamp>, max: Option<Timestamp>| {
            min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
        };
        !o.is_deleted
            && self.status_id.is_none_or(|s| u64::from(o.status_id) == s)
            && self.min_id.is_none_or(|m| o.id >= m)
            && self.max_id.is_none_or(|m| o.id <= m)
            && self.customer_id.is_none_or(|c| o.customer_id == c)
            && within(o.date_created, self.min_created, self.max_created)
            && within(o.date_modified, self.min_modified, self.max_modified)
    }
}

fn parse_sort(raw: &str) -> Result<(SortKey, bool), ApiError> {
    let (field, dir) = raw.split_once(':').unwrap_or((raw, "asc"));
    let key = match field {
        "id" => SortKey::Id,
        "customer_id" => SortKey::CustomerId,
        "date_created" => SortKey::DateCreated,
        "date_modified" => SortKey::DateModified,
        "status_id" => SortKey::StatusId,
        "channel_id" => SortKey::ChannelId,
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

fn compare(key: SortKey, a: &Order, b: &Order) -> Ordering {
    let primary = match key {
        SortKey::Id => Ordering::Equal,
        SortKey::CustomerId => a.customer_id.cmp(&b.customer_id),
        SortKey::DateCreated => a.date_created.cmp(&b.date_created),
        SortKey::DateModified => a.date_modified.cmp(&b.date_modified),
        SortKey::StatusId => a.status_id.cmp(&b.status_id),
        SortKey::ChannelId => a.channel_id.cmp(&b.channel_id),
    };
    // Ties break on id so pages are stable.
    primary.then(a.id.cmp(&b.id))
}

pub(crate) async fn list(
    State(sim): State<Simulator>,
    Path(hash): Path<String>,
    Query(q): Query<QueryMap>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let query = ListQuery::parse(&q)?;
    let base = api_base(&headers, &hash);
    let page = sim
        .with_store(&hash, |store| {
            let mut hits: Vec<&Order> = store
                .orders
                .by_id
                .values()
                .filter(|o| query.matches(o))
                .collect();
            let (key, ascending) = query.sort;
            hits.sort_by(|a, b| {
                if ascending {
                    compare(key, a, b)
                } else {
                    compare(key, b, a)
                }
            });
            query
                .page
                .slice(&hits)
                .iter()
                .map(|o| o.render(&store.order_statuses, &base))
                .collect::<Vec<_>>()
        })
        .ok_or(ApiError::not_found(V2))?;
    if page.is_empty() {
        // v2 answers an empty page with 204 and no body (facts §3).
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    Ok(Json(page).into_response())
}

fn order_id(raw: &str) -> Result<u64, ApiError> {
    raw.parse().map_err(|_| ApiError::not_found(V2))
}

pub(crate) async fn get(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let base = api_base(&headers, &hash);
    let body = sim
        .with_store(&hash, |store| {
            store
                .orders
                .by_id
                .get(&id)
                .map(|o| o.render(&store.order_statuses, &base))
        })
        .flatten()
        .ok_or(ApiError::not_found(V2))?;
    Ok(Json(body).into_response())
}

/// Fields the spec marks read-only; BigCommerce refuses a PUT that sends them.
const READ_ONLY: &[&str] = &[
    "id",
    "date_modified",
    "date_shipped",
    "cart_id",
    "status",
    "subtotal_tax",
    "shipping_cost_tax",
    "shipping_cost_tax_class_id",
    "handling_cost_tax",
    "handling_cost_tax_class_id",
    "wrapping_cost_tax",
    "wrapping_cost_tax_class_id",
    "payment_status",
    "store_credit_amount",
    "gift_certificate_amount",
    "currency_id",
    "currency_code",
    "currency_exchange_rate",
    "default_currency_id",
    "coupon_discount",
    "shipping_address_count",
    "is_email_opt_in",
    "external_id",
];

/// The writable fields the simulator models. Other writable fields are accepted and
/// ignored (with a warning in the log) until a later issue models them.
struct OrderUpdate {
    status_id: Option<u8>,
    staff_notes: Option<String>,
    customer_message: Option<String>,
}

impl OrderUpdate {
    fn parse(body: &[u8]) -> Result<Self, ApiError> {
        let fields: Map<String, Value> = serde_json::from_slice(body)
            .map_err(|_| bad("The request body must be a JSON object of order fields.".into()))?;
        let invalid = |name: &str| bad(format!("The field '{name}' is invalid."));
        let text = |name: &str, max: usize| -> Result<Option<String>, ApiError> {
            match fields.get(name) {
                None => Ok(None),
                Some(Value::String(s)) if s.chars().count() <= max => Ok(Some(s.clone())),
                Some(_) => Err(invalid(name)),
            }
        };
        if let Some(name) = fields.keys().find(|k| READ_ONLY.contains(&k.as_str())) {
            return Err(bad(format!(
                "The field '{name}' cannot be written to. Please remove it from your request before trying again."
            )));
        }
        let status_id = match fields.get("status_id") {
            None => None,
            Some(v) => match v.as_u64() {
                Some(id) if order_statuses::is_valid(id) => Some(id as u8),
                _ => return Err(invalid("status_id")),
            },
        };
        let update = Self {
            status_id,
            staff_notes: text("staff_notes", 65_535)?,
            customer_message: text("customer_message", 65_535)?,
        };
        for name in fields
            .keys()
            .filter(|k| !["status_id", "staff_notes", "customer_message"].contains(&k.as_str()))
        {
            tracing::warn!(field = %name, "PUT /v2/orders/{{id}}: field not modelled by the simulator; ignored");
        }
        Ok(update)
    }

    fn apply(self, order: &mut Order) {
        if let Some(status_id) = self.status_id {
            order.status_id = status_id;
        }
        if let Some(notes) = self.staff_notes {
            order.staff_notes = notes;
        }
        if let Some(message) = self.customer_message {
            order.customer_message = message;
        }
        order.date_modified = dates::now();
    }
}

pub(crate) async fn update(
    State(sim): State<Simulator>,
    Path((hash, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let id = order_id(&id)?;
    let base = api_base(&headers, &hash);
    sim.with_store(&hash, |store| {
        // 404 before validation: a missing order is the more useful answer.
        let order = store
            .orders
            .by_id
            .get_mut(&id)
            .ok_or(ApiError::not_found(V2))?;
        OrderUpdate::parse(&body)?.apply(order);
        Ok(Json(order.render(&store.order_statuses, &base)).into_response())
    })
    .unwrap_or(Err(ApiError::not_found(V2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Result<OrderUpdate, StatusCode> {
        OrderUpdate::parse(body.as_bytes()).map_err(|e| e.status)
    }

    #[test]
    fn put_accepts_modelled_fields_and_refuses_read_only_ones() {
        let u = parse(r#"{"status_id": 2, "staff_notes": "ship today"}"#).unwrap();
        assert_eq!(u.status_id, Some(2));
        assert_eq!(u.staff_notes.as_deref(), Some("ship today"));
        assert!(parse(r#"{"fees": []}"#).unwrap().status_id.is_none());
        assert_eq!(
            parse(r#"{"status_id": 15}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            parse(r#"{"status_id": "2"}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            parse(r#"{"date_modified": "x"}"#).err(),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(parse("[1]").err(), Some(StatusCode::BAD_REQUEST));
    }

    #[test]
    fn seeded_orders_start_at_100_and_continue() {
        let mut orders = Orders::default();
        assert_eq!(orders.seed(2, "USD"), vec![100, 101]);
        assert_eq!(orders.seed(1, "USD"), vec![102]);
        let o = &orders.by_id[&100];
        assert!(o.date_created < orders.by_id[&101].date_created);
    }
}
