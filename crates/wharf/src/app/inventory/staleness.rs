//! A vendor's report going stale changes levels with no write to mark it: its rows count 0
//! from that moment (`VendorStockTerms::fresh_at`). The schedule asks here, every tick, whose
//! report turned stale since the last, and has every level worked out again.

use crate::app::App;
use crate::app::error::AppError;
use crate::db::inventory as stock;

impl App {
    /// Queues every connected store's push, all levels worked out, when some vendor's report
    /// turned stale in `(since_ms, now_ms]`; says whether one did.
    pub async fn push_where_stock_turned_stale(
        &self,
        since_ms: i64,
        now_ms: i64,
    ) -> Result<bool, AppError> {
        let turned = stock::vendor_terms(&self.db).await?.iter().any(|t| {
            match (t.stale_after_secs, t.reported_at_ms) {
                (Some(secs), Some(at)) => (since_ms + 1..=now_ms).contains(&(at + secs * 1000)),
                _ => false,
            }
        });
        if turned {
            self.queue_pushes_everywhere().await?;
        }
        Ok(turned)
    }
}
