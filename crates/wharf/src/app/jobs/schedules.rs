//! What a worker process queues and tidies by itself, on a clock, besides running the jobs
//! others enqueue: order polls, stock feeds, drift checks, and pruning the queue's history.
//! Several processes may run these at once: dedupe keys collapse what they queue, and deleting
//! history twice deletes nothing.

use std::time::Duration;

use tokio::sync::watch;

use crate::app::App;

/// Queues an order poll of every connected store every `interval`: the reconciliation that
/// catches what webhooks miss. Several processes may do this; the job's dedupe key collapses
/// their polls into one.
async fn queue_order_polls(app: App, interval: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        match app.list_stores().await {
            Ok(stores) => {
                for store in stores.iter().filter(|s| s.is_connected()) {
                    if let Err(e) = app.queue_order_poll(store.id).await {
                        tracing::warn!(store_id = store.id, error = %e, "could not queue an order poll");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not list stores to poll"),
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Queues the reconciling read of every vendor store's open orders every five minutes: what
/// the vendor shipped reaches wharf even when the vendor store's webhooks are lost.
async fn queue_vendor_order_polls(app: App, mut stop: watch::Receiver<bool>) {
    const EVERY: Duration = Duration::from_secs(300);
    loop {
        if let Err(e) = app.queue_vendor_order_polls().await {
            tracing::warn!(error = %e, "could not queue vendor order polls");
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Queues stock feeds as they fall due, and a drift check of every connected store every
/// `drift_every`. Like the polls, several processes may do this; dedupe keys collapse them.
async fn queue_inventory_checks(app: App, drift_every: Duration, mut stop: watch::Receiver<bool>) {
    const TICK: Duration = Duration::from_secs(30);
    let mut next_drift_check = tokio::time::Instant::now() + drift_every;
    // From 0 at start: reports that went stale while no process ran are caught up once.
    let mut stale_checked_to = 0;
    loop {
        if let Err(e) = app.queue_due_feeds().await {
            tracing::warn!(error = %e, "could not queue stock feeds");
        }
        let now = crate::db::now_ms();
        match app
            .push_where_stock_turned_stale(stale_checked_to, now)
            .await
        {
            Ok(_) => stale_checked_to = now,
            Err(e) => tracing::warn!(error = %e, "could not check for stale stock reports"),
        }
        if tokio::time::Instant::now() >= next_drift_check {
            next_drift_check += drift_every;
            match app.list_stores().await {
                Ok(stores) => {
                    for store in stores.iter().filter(|s| s.is_connected()) {
                        if let Err(e) = app.queue_drift_check(store.id).await {
                            tracing::warn!(store_id = store.id, error = %e, "could not queue a drift check");
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not list stores for drift checks"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Queues a full read of every connected vendor store every `catalog_every` (the drift read:
/// the match and every level, catching what webhooks missed), and a levels-only read every
/// `levels_every` between them. Several processes may do this; dedupe keys collapse them.
async fn queue_vendor_store_reads(
    app: App,
    catalog_every: Duration,
    levels_every: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut next_catalog_read = tokio::time::Instant::now();
    loop {
        let full = tokio::time::Instant::now() >= next_catalog_read;
        if full {
            next_catalog_read = tokio::time::Instant::now() + catalog_every;
        }
        if let Err(e) = app.queue_vendor_store_reads(full).await {
            tracing::warn!(error = %e, "could not queue vendor store reads");
        }
        tokio::select! {
            _ = tokio::time::sleep(levels_every.min(catalog_every)) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Deletes finished jobs and received webhook events older than their history, at start and
/// then hourly: the Activity page shows recent history, a queue that only grows slows every
/// claim, and webhook payloads hold customer data. Failed jobs stay until an operator retries
/// them. Several processes may do this; deleting twice deletes nothing.
async fn prune_history(app: App, schedules: Schedules, mut stop: watch::Receiver<bool>) {
    const EVERY: Duration = Duration::from_secs(3600);
    let before = |keep: Duration| crate::db::now_ms() - keep.as_millis() as i64;
    loop {
        match crate::db::jobs::prune_history(&app.db, before(schedules.job_history)).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "pruned finished jobs"),
            Err(e) => tracing::warn!(error = %e, "could not prune finished jobs"),
        }
        match crate::db::webhooks::prune_events(&app.db, before(schedules.webhook_history)).await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(deleted, "pruned received webhook events"),
            Err(e) => tracing::warn!(error = %e, "could not prune webhook events"),
        }
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// Queues the mail digests that are due, every minute: vendors' hourly digests and the
/// operators' digest at most every 15 minutes. Several processes may do this: each digest's
/// clock is claimed in the transaction that queues it.
async fn queue_mail_digests(app: App, tick: Duration, mut stop: watch::Receiver<bool>) {
    loop {
        if let Err(e) = app.queue_due_digests(crate::db::now_ms()).await {
            tracing::warn!(error = %e, "could not queue mail digests");
        }
        tokio::select! {
            _ = tokio::time::sleep(tick) => {}
            _ = stop.wait_for(|stop| *stop) => return,
        }
    }
}

/// How often each schedule runs.
#[derive(Clone, Copy, Debug)]
pub struct Schedules {
    /// Order polls of every connected store, with stock feeds and drift checks. `None` runs none
    /// of them (tests queue what they need).
    pub order_polls: Option<Duration>,
    /// How often each connected store's levels are compared with BigCommerce's.
    pub drift_checks: Duration,
    /// How long finished jobs stay in the queue's history (the Activity page).
    pub job_history: Duration,
    /// How long received webhook events are kept.
    pub webhook_history: Duration,
    /// How often due mail digests are looked for; `None` looks for none (tests queue them).
    pub mail_digests: Option<Duration>,
    /// How often each vendor store's catalog is read in full (with `order_polls`).
    pub vendor_catalog_reads: Duration,
    /// How often each vendor store's levels alone are read between full reads.
    pub vendor_level_reads: Duration,
}

impl Schedules {
    /// Spawns the loops, which stop when `stop` turns true.
    pub fn start(self, app: &App, stop: watch::Receiver<bool>) {
        tokio::spawn(prune_history(app.clone(), self, stop.clone()));
        if let Some(tick) = self.mail_digests {
            tokio::spawn(queue_mail_digests(app.clone(), tick, stop.clone()));
        }
        if let Some(interval) = self.order_polls {
            tokio::spawn(queue_order_polls(app.clone(), interval, stop.clone()));
            tokio::spawn(queue_vendor_order_polls(app.clone(), stop.clone()));
            tokio::spawn(queue_vendor_store_reads(
                app.clone(),
                self.vendor_catalog_reads,
                self.vendor_level_reads,
                stop.clone(),
            ));
            tokio::spawn(queue_inventory_checks(app.clone(), self.drift_checks, stop));
        }
    }
}

impl Default for Schedules {
    fn default() -> Self {
        Schedules {
            order_polls: None,
            drift_checks: Duration::from_secs(3600),
            job_history: Duration::from_secs(7 * 24 * 3600),
            webhook_history: Duration::from_secs(7 * 24 * 3600),
            mail_digests: None,
            vendor_catalog_reads: Duration::from_secs(900),
            vendor_level_reads: Duration::from_secs(300),
        }
    }
}
