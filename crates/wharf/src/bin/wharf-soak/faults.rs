//! The cycling fault schedule: one simulator fault a phase (5xx, a 429 storm, latency, dropped,
//! held and late responses, refused writes, webhook chaos), cleared between phases.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::watch;

use crate::actors::Tally;
use crate::setup::Soak;
use crate::{QUOTA, QUOTA_WINDOW_MS};

/// One step of the fault schedule: what is set for a phase.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    ServerErrors,
    RateLimitStorm,
    Latency,
    DroppedResponses,
    HeldResponses,
    /// Responses held longer than wharf waits: its client times out after the write applied.
    Timeouts,
    RefusedWrites,
    WebhookChaos,
}

pub(crate) const SCHEDULE: [Fault; 8] = [
    Fault::ServerErrors,
    Fault::RateLimitStorm,
    Fault::Latency,
    Fault::DroppedResponses,
    Fault::HeldResponses,
    Fault::Timeouts,
    Fault::RefusedWrites,
    Fault::WebhookChaos,
];

/// How long wharf's processes wait for one BigCommerce answer here
/// (`WHARF_BIGCOMMERCE_TIMEOUT_SECS`): longer than the held responses and the latency phase,
/// shorter than the timeout phase's holds.
pub(crate) const CLIENT_TIMEOUT_SECS: u64 = 3;

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::ServerErrors => "10% 5xx",
            Fault::RateLimitStorm => "429 storm (quota 3/s for 5 s)",
            Fault::Latency => "latency 1.5 s",
            Fault::DroppedResponses => "30% responses dropped after write",
            Fault::HeldResponses => "responses held 2 s after write",
            Fault::Timeouts => "responses held 5 s after write (wharf times out at 3 s)",
            Fault::RefusedWrites => "20% of writes refused (400/422, not applied)",
            Fault::WebhookChaos => "webhooks 30% duplicated, 20% dropped, reordered",
        }
    }

    /// The simulator's `PUT /__sim/faults` body for the phase.
    fn api_faults(self) -> Value {
        match self {
            Fault::ServerErrors => json!({ "error_rate": 0.1 }),
            Fault::Latency => json!({ "latency_ms": 1500 }),
            Fault::DroppedResponses => json!({ "drop_response_after_write_rate": 0.3 }),
            Fault::HeldResponses => json!({ "hold_response_after_write_ms": 2000 }),
            Fault::Timeouts => json!({ "hold_response_after_write_ms": 5000 }),
            Fault::RefusedWrites => json!({ "refuse_write_rate": 0.2 }),
            Fault::RateLimitStorm | Fault::WebhookChaos => json!({}),
        }
    }
}

async fn clear_faults(soak: &Soak) -> anyhow::Result<()> {
    soak.sim_put("/__sim/faults", json!({})).await?;
    soak.sim_put("/__sim/webhook-faults", json!({})).await?;
    soak.sim_put(
        "/__sim/quota",
        json!({ "quota": QUOTA, "window_ms": QUOTA_WINDOW_MS }),
    )
    .await
}

async fn run_phase(soak: &Soak, fault: Fault) -> anyhow::Result<()> {
    soak.sim_put("/__sim/faults", fault.api_faults()).await?;
    match fault {
        Fault::RateLimitStorm => {
            soak.sim_put("/__sim/quota", json!({ "quota": 3, "window_ms": 1000 }))
                .await?;
            tokio::time::sleep(Duration::from_secs(5)).await;
            soak.sim_put(
                "/__sim/quota",
                json!({ "quota": QUOTA, "window_ms": QUOTA_WINDOW_MS }),
            )
            .await?;
        }
        Fault::WebhookChaos => {
            let body = json!({ "duplicate_rate": 0.3, "drop_rate": 0.2, "delay_ms": 300,
                               "reorder": true, "reorder_batch": 5 });
            soak.sim_put("/__sim/webhook-faults", body).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Cycles through the schedule, one phase every `phase`, until stopped; clears every fault
/// at the end.
pub(crate) async fn faults(
    soak: &Soak,
    tally: &Tally,
    phase: Duration,
    mut stop: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    for fault in SCHEDULE.iter().cycle() {
        if *stop.borrow() {
            break;
        }
        println!("  fault phase: {}", fault.name());
        *tally.phase.lock().expect("tally lock") = Some(*fault);
        run_phase(soak, *fault).await?;
        tally.fault(fault.name());
        tokio::select! {
            _ = tokio::time::sleep(phase) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
        *tally.phase.lock().expect("tally lock") = None;
        clear_faults(soak).await?;
    }
    clear_faults(soak).await
}
