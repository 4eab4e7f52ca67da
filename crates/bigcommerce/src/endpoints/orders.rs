//! Orders v2 (scope `store_v2_orders_read_only`): order lists for incremental polling, single
//! orders, their products and shipping addresses; with `store_v2_orders`, creating an order and
//! changing its status.
//!
//! v2 lists are bare arrays without pagination metadata; an empty page is a 204.

use jiff::Timestamp;

use crate::client::StoreClient;
use crate::endpoints::catalog::{SortDirection, filter_timestamp};
use crate::endpoints::{same_object, same_parent};
use crate::error::BcError;
use crate::models::new_order::{NewOrder, OrderUpdate};
use crate::models::order::{Order, OrderCount, OrderProduct, ShippingAddress};

/// The largest `limit` the v2 docs allow.
pub const MAX_V2_PAGE_SIZE: u32 = 250;

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
    /// `min_date_created`, sent like `min_date_modified`. With `external_order_id` it bounds the
    /// look-up "the order carrying reference R created since T" to one short page.
    pub min_date_created: Option<Timestamp>,
    pub min_id: Option<u64>,
    pub status_id: Option<u32>,
    /// `external_order_id`: exact match on the reference a creator stored on the order.
    pub external_order_id: Option<String>,
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
            min_date_created: None,
            min_id: None,
            status_id: None,
            external_order_id: None,
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
        if let Some(min) = self.min_date_created {
            query.push(("min_date_created", filter_timestamp(min)));
        }
        if let Some(min_id) = self.min_id {
            query.push(("min_id", min_id.to_string()));
        }
        if let Some(status_id) = self.status_id {
            query.push(("status_id", status_id.to_string()));
        }
        if let Some(reference) = &self.external_order_id {
            query.push(("external_order_id", reference.clone()));
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
        let path = format!("v2/orders/{order_id}");
        let order: Order = self.get_json(&path, &query).await?;
        same_object("GET", &path, "order", order_id, order.id)?;
        Ok(order)
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

    /// Every product of one order, all pages; each must belong to that order.
    pub async fn all_order_products(&self, order_id: u64) -> Result<Vec<OrderProduct>, BcError> {
        let path = format!("v2/orders/{order_id}/products");
        let products = self
            .collect_v2(&path, |product: &OrderProduct| product.id)
            .await?;
        for product in &products {
            same_parent("GET", &path, order_id, product.order_id)?;
        }
        Ok(products)
    }

    /// `GET v2/orders/{id}/shipping_addresses`, all pages; each must belong to that order.
    pub async fn order_shipping_addresses(
        &self,
        order_id: u64,
    ) -> Result<Vec<ShippingAddress>, BcError> {
        let path = format!("v2/orders/{order_id}/shipping_addresses");
        let addresses = self
            .collect_v2(&path, |address: &ShippingAddress| address.id)
            .await?;
        for address in &addresses {
            same_parent("GET", &path, order_id, address.order_id)?;
        }
        Ok(addresses)
    }

    /// `POST v2/orders`: creates an order and answers it as BigCommerce stored it.
    ///
    /// Never resent automatically (except after a 429, which BigCommerce did not process): there
    /// is no idempotency key, so a second POST after a lost answer creates a second order. A
    /// [`BcError::Timeout`], transport error or 5xx means "may have happened": look the order up
    /// by the reference it carries ([`OrderQuery::external_order_id`] with
    /// [`OrderQuery::min_date_created`]) before sending it again. An answer carrying another
    /// `external_order_id` than the one sent is [`BcError::WrongObject`].
    pub async fn create_order(&self, order: &NewOrder) -> Result<Order, BcError> {
        let path = "v2/orders";
        let created: Order = self.post_json(path, order).await?;
        let sent = order.external_order_id.as_deref().unwrap_or_default();
        let answered = created.external_order_id.as_deref().unwrap_or_default();
        if !sent.is_empty() && sent != answered {
            return Err(BcError::WrongObject {
                request: format!("POST {path}"),
                asked: format!("order with external_order_id {sent}"),
                answered: format!("order {} with external_order_id {answered:?}", created.id),
            });
        }
        Ok(created)
    }

    /// `PUT v2/orders/{id}`: changes the fields `update` carries (e.g. the status) and answers
    /// the order; retried like any PUT, since repeating it leaves the same state.
    pub async fn update_order(
        &self,
        order_id: u64,
        update: &OrderUpdate,
    ) -> Result<Order, BcError> {
        let path = format!("v2/orders/{order_id}");
        let order: Order = self.put_json(&path, update).await?;
        same_object("PUT", &path, "order", order_id, order.id)?;
        Ok(order)
    }

    /// `GET v2/orders/count`: totals per status.
    pub async fn order_count(&self) -> Result<OrderCount, BcError> {
        self.get_json("v2/orders/count", &[]).await
    }
}
