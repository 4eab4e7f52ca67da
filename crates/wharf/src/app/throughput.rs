//! What each flow moved per hour, for the dashboard's charts: orders in, shipments out, stock
//! pushes.

use super::App;
use super::error::AppError;
use super::jobs::{InventoryPush, Job};
use crate::db::dashboard::{self, HourCount};

/// Each flow's count per hour; hours with none are left out.
#[derive(Debug, Clone, Default)]
pub struct FlowsPerHour {
    /// Orders wharf stored, by the hour they arrived.
    pub orders_in: Vec<HourCount>,
    /// Shipments created in BigCommerce, by the hour they were sent.
    pub shipments_out: Vec<HourCount>,
    /// Stock pushes to BigCommerce that finished, by their hour.
    pub stock_pushes: Vec<HourCount>,
}

impl App {
    /// Each flow's hourly counts since `since_ms`: one query per flow.
    pub async fn flows_per_hour(&self, since_ms: i64) -> Result<FlowsPerHour, AppError> {
        Ok(FlowsPerHour {
            orders_in: dashboard::orders_per_hour(&self.db, since_ms).await?,
            shipments_out: dashboard::shipments_per_hour(&self.db, since_ms).await?,
            stock_pushes: dashboard::jobs_done_per_hour(&self.db, InventoryPush::KIND, since_ms)
                .await?,
        })
    }
}
