//! Webhook delivery as the simulator drives it: events handed to the dispatcher, delivery
//! faults and retries set at runtime, what was delivered, and hooks deactivated after their
//! retries.

use std::time::Duration;

use super::Simulator;
use crate::events::Event;
use crate::webhooks::delivery::{self, Delivery, Dispatcher, Job, WebhookFaults};

impl Simulator {
    /// Hands events a change fired to webhook delivery: one job per event and active
    /// hook subscribed to its scope. Call it after releasing the store lock; it never
    /// waits for a receiver.
    pub(crate) fn emit(&self, hash: &str, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let created_at = crate::dates::now().as_second();
        let due = tokio::time::Instant::now();
        let jobs = self
            .with_store(hash, |store| {
                let mut jobs = Vec::new();
                for event in &events {
                    let payload = delivery::payload(store, event, created_at);
                    for hook in store.hooks.subscribed(event.scope) {
                        jobs.push(Job {
                            store_hash: hash.to_owned(),
                            hook_id: hook.id,
                            destination: hook.destination.clone(),
                            headers: hook.headers.clone().unwrap_or_default(),
                            payload: payload.clone(),
                            duplicate: false,
                            due,
                        });
                    }
                }
                jobs
            })
            .unwrap_or_default();
        self.state.dispatcher.dispatch(&self.downgrade(), jobs);
    }

    /// Sets the webhook delivery faults, effective for events fired from now on;
    /// `WebhookFaults::default()` turns them off (releasing any held deliveries).
    pub fn set_webhook_faults(&self, faults: WebhookFaults) {
        self.state.dispatcher.set_faults(&self.downgrade(), faults);
    }

    /// Releases deliveries held by the reorder fault now, shuffled.
    pub fn flush_webhooks(&self) {
        self.state.dispatcher.flush(&self.downgrade());
    }

    /// Every webhook delivery attempt for a store so far, in the order they finished
    /// (dropped deliveries when they were dropped). Empty for an unknown store.
    pub fn deliveries(&self, store_hash: &str) -> Vec<Delivery> {
        self.state.dispatcher.deliveries(store_hash)
    }

    /// See [`SimConfig::webhook_retry_minute`](super::SimConfig::webhook_retry_minute); applies to
    /// retries scheduled from now on.
    pub fn set_webhook_retry_minute(&self, minute: Duration) {
        self.state.dispatcher.set_retry_minute(minute);
    }

    pub(crate) fn allow_insecure_webhooks(&self) -> bool {
        self.state.allow_insecure_webhooks
    }

    pub(crate) fn dispatcher(&self) -> &Dispatcher {
        &self.state.dispatcher
    }

    /// After a hook's retries are exhausted.
    pub(crate) fn deactivate_hook(&self, hash: &str, hook_id: u64) {
        let now = crate::dates::now().as_second();
        self.with_store(hash, |store| store.hooks.deactivate(hook_id, now));
    }

    /// Whether a retry should still go out: the hook exists and is active.
    pub(crate) fn hook_is_active(&self, hash: &str, hook_id: u64) -> bool {
        self.with_store(hash, |store| store.hooks.subscribed_by_id(hook_id))
            .unwrap_or(false)
    }
}
