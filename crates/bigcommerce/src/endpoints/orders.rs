//! Orders v2 (scope `store_v2_orders_read_only`): order lists for incremental polling, single
//! orders, their products and shipping addresses.
//!
//! v2 lists are bare arrays without pagination metadata; an empty page is a 204.

use std::collections::HashSet;
use std::future::Future;

use jiff::Timestamp;

use crate::client::StoreClient;
use crate::endpoints::catalog::{SortDirection, filter_timestamp};
use crate::error::BcError;
use crate::models::order::{Order, OrderCount, OrderProduct, ShippingAddress};

/// The largest `limit` the v2 docs allow.
pub const MAX_V2_PAGE_SIZE: u32 = 250;

/// The v2 default page size. A server that caps `limit` silently returns at most this many
/// rows, so only a page shorter than this is surely the last.
const V2_DEFAULT_PAGE_SIZE: usize = 50;

/// Filters and paging for `GET /v2/orders`.
///
/// `Default` asks for the first page of [`MAX_V2_PAGE_SIZE`] orders, unfiltered, in
/// BigCommerce's default order (id ascending), without consignments. For incremental polling use
/// `min_date_modified` with `sort: Some((OrderSortField::DateModified, SortDirection::Asc))`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderQuery {
    /// 1-based.
    pub page: u32,
    /// At most [`MAX_V2_PAGE_SIZE`].
    pub limit: u32,
    /// `min_date_modified`, sent as RFC 3339 with an explicit `+00:00` (escaped as `%2B`),
    /// rounded down to the second.
    pub min_date_modified: Option<Timestamp>,
    /// `max_date_modified`, sent like `min_date_modified`.
    pub max_date_modified: Option<Timestamp>,
    pub min_id: Option<u64>,
    pub status_id: Option<u32>,
    /// `sort=field:direction`.
    pub sort: Option<(OrderSortField, SortDirection)>,
    /// `include=consignments.line_items&consignment_structure=object`: each order's
    /// [`Order::consignments`] with its line items (at most 50 per consignment).
    pub include_consignment_line_items: bool,
}

impl Default for OrderQuery {
    fn default() -> Self {
        OrderQuery {
            page: 1,
            limit: MAX_V2_PAGE_SIZE,
            min_date_modified: None,
            max_date_modified: None,
            min_id: None,
            status_id: None,
            sort: None,
            include_consignment_line_items: false,
        }
    }
}

impl OrderQuery {
    /// The filter pairs in a fixed order; `page` and `limit` are added by `get_v2_page`.
    fn to_filters(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(min) = self.min_date_modified {
            query.push(("min_date_modified", filter_timestamp(min)));
        }
        if let Some(max) = self.max_date_modified {
            query.push(("max_date_modified", filter_timestamp(max)));
        }
        if let Some(min_id) = self.min_id {
            query.push(("min_id", min_id.to_string()));
        }
        if let Some(status_id) = self.status_id {
            query.push(("status_id", status_id.to_string()));
        }
        if let Some((field, direction)) = self.sort {
            query.push(("sort", format!("{}:{}", field.as_str(), direction.as_str())));
        }
        if self.include_consignment_line_items {
            query.extend(consignment_includes());
        }
        query
    }
}

fn consignment_includes() -> [(&'static str, String); 2] {
    [
        ("include", "consignments.line_items".into()),
        ("consignment_structure", "object".into()),
    ]
}

/// The `sort` fields `GET /v2/orders` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSortField {
    Id,
    CustomerId,
    DateCreated,
    DateModified,
    StatusId,
    ChannelId,
    ExternalId,
}

impl OrderSortField {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderSortField::Id => "id",
            OrderSortField::CustomerId => "customer_id",
            OrderSortField::DateCreated => "date_created",
            OrderSortField::DateModified => "date_modified",
            OrderSortField::StatusId => "status_id",
            OrderSortField::ChannelId => "channel_id",
            OrderSortField::ExternalId => "external_id",
        }
    }
}

impl StoreClient {
    /// `GET v2/orders`: one page. Empty (204) past the last page; a page shorter than `limit`
    /// is normally the last.
    pub async fn orders_page(&self, query: &OrderQuery) -> Result<Vec<Order>, BcError> {
        self.get_v2_page("v2/orders", &query.to_filters(), query.page, query.limit)
            .await
    }

    /// `GET v2/orders/{id}`, optionally with its consignments and their line items. A
    /// consignment with more than 50 items comes back [`crate::ShippingConsignment::truncated`].
    pub async fn order(
        &self,
        order_id: u64,
        include_consignment_line_items: bool,
    ) -> Result<Order, BcError> {
        let query = if include_consignment_line_items {
            consignment_includes().to_vec()
        } else {
            Vec::new()
        };
        self.get_json(&format!("v2/orders/{order_id}"), &query)
            .await
    }

    /// `GET v2/orders/{id}/products`: one page.
    pub async fn order_products_page(
        &self,
        order_id: u64,
        page: u32,
        limit: u32,
    ) -> Result<Vec<OrderProduct>, BcError> {
        self.get_v2_page(&format!("v2/orders/{order_id}/products"), &[], page, limit)
            .await
    }

    /// Every product of one order, all pages.
    pub async fn all_order_products(&self, order_id: u64) -> Result<Vec<OrderProduct>, BcError> {
        collect_v2_pages(
            |page| self.order_products_page(order_id, page, MAX_V2_PAGE_SIZE),
            |product| product.id,
        )
        .await
    }

    /// `GET v2/orders/{id}/shipping_addresses`, all pages.
    pub async fn order_shipping_addresses(
        &self,
        order_id: u64,
    ) -> Result<Vec<ShippingAddress>, BcError> {
        let path = format!("v2/orders/{order_id}/shipping_addresses");
        collect_v2_pages(
            |page| self.get_v2_page(&path, &[], page, MAX_V2_PAGE_SIZE),
            |address: &ShippingAddress| address.id,
        )
        .await
    }

    /// `GET v2/orders/count`: totals per status.
    pub async fn order_count(&self) -> Result<OrderCount, BcError> {
        self.get_json("v2/orders/count", &[]).await
    }
}

/// Fetches v2 pages 1, 2, … until one is empty, shorter than the v2 default (so surely the last
/// even if the server capped `limit`), or holds nothing new (a server ignoring `page` can't
/// loop us forever).
pub(crate) async fn collect_v2_pages<T, F, Fut>(
    mut fetch: F,
    id_of: impl Fn(&T) -> u64,
) -> Result<Vec<T>, BcError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Vec<T>, BcError>>,
{
    let mut all = Vec::new();
    let mut seen = HashSet::new();
    let mut page = 1;
    loop {
        let rows = fetch(page).await?;
        let last = rows.len() < V2_DEFAULT_PAGE_SIZE;
        let before = all.len();
        all.extend(rows.into_iter().filter(|row| seen.insert(id_of(row))));
        if last || all.len() == before {
            return Ok(all);
        }
        page += 1;
    }
}
