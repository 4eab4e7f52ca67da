//! Shipments v2 (scope `store_v2_orders`): reading what has been shipped of an order and
//! shipping more. Creating a shipment moves the order to Partially Shipped or Shipped and emails
//! the customer.

use serde::Deserialize;

use crate::client::StoreClient;
use crate::endpoints::same_parent;
use crate::error::BcError;
use crate::models::de;
use crate::models::shipment::{NewShipment, Shipment};

/// `GET /v2/orders/{id}/shipments/count`.
#[derive(Deserialize)]
struct ShipmentCount {
    #[serde(default, deserialize_with = "de::count_u64")]
    count: u64,
}

impl StoreClient {
    /// `GET v2/orders/{id}/shipments`, all pages; empty (204) when nothing has shipped.
    pub async fn order_shipments(&self, order_id: u64) -> Result<Vec<Shipment>, BcError> {
        let path = format!("v2/orders/{order_id}/shipments");
        let shipments = self
            .collect_v2(&path, |shipment: &Shipment| shipment.id)
            .await?;
        for shipment in &shipments {
            same_parent("GET", &path, order_id, shipment.order_id)?;
        }
        Ok(shipments)
    }

    /// `POST v2/orders/{id}/shipments`: ships `shipment.items` and answers the created shipment.
    ///
    /// Never retried automatically (except after a 429, which BigCommerce did not process):
    /// BigCommerce has no idempotency key, so a second POST after a lost answer would create a
    /// second shipment and email the customer twice. A [`BcError::Timeout`], transport error or
    /// 5xx therefore means "may have happened": re-read [`StoreClient::order_shipments`] (or
    /// the products' `quantity_shipped`) before trying again.
    pub async fn create_shipment(
        &self,
        order_id: u64,
        shipment: &NewShipment,
    ) -> Result<Shipment, BcError> {
        let path = format!("v2/orders/{order_id}/shipments");
        let created: Shipment = self.post_json(&path, shipment).await?;
        same_parent("POST", &path, order_id, created.order_id)?;
        Ok(created)
    }

    /// `GET v2/orders/{id}/shipments/count`: how many shipments the order has.
    pub async fn order_shipment_count(&self, order_id: u64) -> Result<u64, BcError> {
        let count: ShipmentCount = self
            .get_json(&format!("v2/orders/{order_id}/shipments/count"), &[])
            .await?;
        Ok(count.count)
    }
}
