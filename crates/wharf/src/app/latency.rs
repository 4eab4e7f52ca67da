//! How long each flow takes, measured on every change rather than claimed: the Latency page's
//! p50/p99 over the last hour and per hour of the last day, and the `wharf_sync_lag_seconds`
//! histogram.

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

/// One hour of a flow's samples: the hour's start (unix ms) and its percentiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HourLatency {
    pub hour_ms: i64,
    pub samples: usize,
    pub p50_ms: i64,
    pub p99_ms: i64,
}

/// A flow's latency hour by hour; hours without samples are left out.
#[derive(Debug, Clone)]
pub struct FlowHours {
    pub flow: &'static str,
    pub measures: &'static str,
    pub hours: Vec<HourLatency>,
}

impl App {
    /// Each flow's p50 and p99 for every hour since `since_ms` that has samples.
    pub async fn latency_by_hour(&self, since_ms: i64) -> Result<Vec<FlowHours>, AppError> {
        let mut flows = Vec::with_capacity(FLOWS.len());
        for (flow, measures) in FLOWS {
            let samples = db::latency::by_hour_since(&self.db, flow, since_ms).await?;
            flows.push(FlowHours {
                flow,
                measures,
                hours: hourly_percentiles(&samples),
            });
        }
        Ok(flows)
    }
}

/// Percentiles per hour of (hour, millis) samples sorted by hour, then millis.
fn hourly_percentiles(samples: &[(i64, i64)]) -> Vec<HourLatency> {
    samples
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|hour| {
            let millis: Vec<i64> = hour.iter().map(|(_, ms)| *ms).collect();
            Some(HourLatency {
                hour_ms: hour.first()?.0,
                samples: millis.len(),
                p50_ms: percentile(&millis, 0.50)?,
                p99_ms: percentile(&millis, 0.99)?,
            })
        })
        .collect()
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

    #[test]
    fn each_hour_has_its_own_percentiles() {
        let hour = 3_600_000;
        let mut samples: Vec<(i64, i64)> = (1..=100).map(|ms| (hour, ms)).collect();
        samples.push((3 * hour, 2400));
        let hours = super::hourly_percentiles(&samples);
        assert_eq!(hours.len(), 2);
        assert_eq!(
            (hours[0].p50_ms, hours[0].p99_ms, hours[0].samples),
            (50, 99, 100)
        );
        assert_eq!((hours[1].hour_ms, hours[1].p99_ms), (3 * hour, 2400));
        assert!(super::hourly_percentiles(&[]).is_empty());
    }
}
