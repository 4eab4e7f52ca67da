//! Order statuses (scope `store_v2_orders_read_only`).

use crate::client::StoreClient;
use crate::error::BcError;
use crate::models::order_status::OrderStatus;

impl StoreClient {
    /// `GET v2/order_statuses`: load once at start-up; labels are per store, ids are not.
    pub async fn order_statuses(&self) -> Result<Vec<OrderStatus>, BcError> {
        self.get_json("v2/order_statuses", &[]).await
    }
}
