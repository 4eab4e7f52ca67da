//! How long each flow takes, measured on every change rather than claimed: the Latency page's
//! p50/p99 over the last hour, and the `wharf_sync_lag_seconds` histogram.

use serde::Serialize;

use super::App;
use super::error::AppError;
use crate::db::{self, now_ms};

/// The flows measured, with what each measurement spans.
pub const FLOWS: [(&str, &str); 3] = [
    (
        "orders",
        "order changed in BigCommerce (its date_modified, whole seconds) → stored in wharf",
    ),
    (
        "shipments",
        "shipment recorded by a vendor → created in BigCommerce",
    ),
    (
        "inventory",
        "first stock change → level confirmed by BigCommerce",
    ),
];

const HOUR_MS: i64 = 60 * 60 * 1000;

#[derive(Debug, Clone, Serialize)]
pub struct FlowLatency {
    pub flow: &'static str,
    pub measures: &'static str,
    pub samples: usize,
    pub p50_ms: Option<i64>,
    pub p99_ms: Option<i64>,
    pub max_ms: Option<i64>,
}

impl App {
    /// Records that a change of `flow` that happened at `since_ms` has now gone through.
    /// Best effort: a lost sample must never fail the sync it measures.
    pub async fn record_lag(&self, flow: &'static str, since_ms: i64) {
        crate::metrics::sync_lag(flow, since_ms);
        if let Err(e) = db::latency::record(&self.db, flow, now_ms() - since_ms).await {
            tracing::debug!(flow, error = %e, "could not record a latency sample");
        }
    }

    /// Each flow's percentiles over the last hour.
    pub async fn latency_last_hour(&self) -> Result<Vec<FlowLatency>, AppError> {
        let since = now_ms() - HOUR_MS;
        let mut flows = Vec::with_capacity(FLOWS.len());
        for (flow, measures) in FLOWS {
            let samples = db::latency::since(&self.db, flow, since).await?;
            flows.push(FlowLatency {
                flow,
                measures,
                samples: samples.len(),
                p50_ms: percentile(&samples, 0.50),
                p99_ms: percentile(&samples, 0.99),
                max_ms: samples.last().copied(),
            });
        }
        Ok(flows)
    }
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).max(1);
    sorted.get(rank - 1).copied()
}

#[cfg(test)]
mod tests {
    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<i64> = (1..=100).collect();
        assert_eq!(super::percentile(&samples, 0.5), Some(50));
        assert_eq!(super::percentile(&samples, 0.99), Some(99));
        assert_eq!(super::percentile(&[7], 0.99), Some(7));
        assert_eq!(super::percentile(&[], 0.5), None);
    }
}
