//! What the fleet's load started and what has arrived, per store and flow: the causes the
//! actors record (an order placed, a shipment recorded, a level reported, each with its
//! time) and the effects the trackers find, as latencies.

use std::collections::HashMap;
use std::sync::Mutex;

/// The three flows measured in every store.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flow {
    /// A shopper's order → its purchase order in wharf.
    OrdersIn = 0,
    /// A vendor API shipment → BigCommerce's shipment stored by wharf.
    ShipmentsOut = 1,
    /// A vendor API stock update → the level in BigCommerce.
    Stock = 2,
}

impl Flow {
    pub(crate) const ALL: [Flow; 3] = [Flow::OrdersIn, Flow::ShipmentsOut, Flow::Stock];
}

/// One effect that arrived: how long after its cause, and when (unix ms).
#[derive(Clone, Copy)]
pub(crate) struct Arrival {
    pub(crate) latency_ms: i64,
    pub(crate) at_ms: i64,
}

/// Causes awaiting their effects, and the effects so far.
pub(crate) struct Ledger {
    /// (store, BigCommerce order id) → when the shopper placed it.
    placed: Mutex<HashMap<(usize, i64), i64>>,
    /// wharf's shipment id → (store, when the vendor's call started).
    shipped: Mutex<HashMap<i64, (usize, i64)>>,
    /// (store, variant id) → (level reported, when the vendor's call started).
    reported: Mutex<HashMap<(usize, u64), (i64, i64)>>,
    /// Per store, per flow: causes started.
    started: Mutex<Vec<[usize; 3]>>,
    /// Per store, per flow: effects arrived.
    arrived: Mutex<Vec<[Vec<Arrival>; 3]>>,
    /// Per flow: how long each call that started a cause took to answer (ms).
    calls: Mutex<[Vec<i64>; 3]>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().expect("ledger lock")
}

impl Ledger {
    pub(crate) fn new(stores: usize) -> Ledger {
        Ledger {
            placed: Mutex::default(),
            shipped: Mutex::default(),
            reported: Mutex::default(),
            started: Mutex::new(vec![[0; 3]; stores]),
            arrived: Mutex::new((0..stores).map(|_| Default::default()).collect()),
            calls: Mutex::default(),
        }
    }

    fn start(&self, store: usize, flow: Flow) {
        lock(&self.started)[store][flow as usize] += 1;
    }

    fn arrive(&self, store: usize, flow: Flow, since_ms: i64, at_ms: i64) {
        lock(&self.arrived)[store][flow as usize].push(Arrival {
            latency_ms: at_ms - since_ms,
            at_ms,
        });
    }

    /// A call that started a cause (an order placed, a vendor API call) took `millis`.
    pub(crate) fn call_took(&self, flow: Flow, millis: i64) {
        lock(&self.calls)[flow as usize].push(millis);
    }

    /// Per flow: every call's answer time (ms), sorted.
    pub(crate) fn call_times(&self) -> [Vec<i64>; 3] {
        let mut calls = lock(&self.calls).clone();
        for times in &mut calls {
            times.sort_unstable();
        }
        calls
    }

    pub(crate) fn order_placed(&self, store: usize, order_id: i64, at_ms: i64) {
        self.start(store, Flow::OrdersIn);
        lock(&self.placed).insert((store, order_id), at_ms);
    }

    /// A purchase order for the store's order appeared at `at_ms`; false when the order is
    /// not (yet) known as placed.
    pub(crate) fn purchase_order_created(&self, store: usize, order_id: i64, at_ms: i64) -> bool {
        let Some(placed) = lock(&self.placed).remove(&(store, order_id)) else {
            return false;
        };
        self.arrive(store, Flow::OrdersIn, placed, at_ms);
        true
    }

    pub(crate) fn shipment_recorded(&self, store: usize, shipment_id: i64, called_ms: i64) {
        self.start(store, Flow::ShipmentsOut);
        lock(&self.shipped).insert(shipment_id, (store, called_ms));
    }

    /// The lowest shipment id still awaited, if any.
    pub(crate) fn oldest_awaited_shipment(&self) -> Option<i64> {
        lock(&self.shipped).keys().min().copied()
    }

    pub(crate) fn shipment_created(&self, shipment_id: i64, at_ms: i64) {
        if let Some((store, called)) = lock(&self.shipped).remove(&shipment_id) {
            self.arrive(store, Flow::ShipmentsOut, called, at_ms);
        }
    }

    /// Recorded before the vendor's call, so a push faster than the call's answer is seen.
    pub(crate) fn level_reported(&self, store: usize, variant_id: u64, level: i64, at_ms: i64) {
        self.start(store, Flow::Stock);
        lock(&self.reported).insert((store, variant_id), (level, at_ms));
    }

    /// (store, variant id) of every level still awaited.
    pub(crate) fn awaited_levels(&self) -> Vec<(usize, u64)> {
        lock(&self.reported).keys().copied().collect()
    }

    /// The store shows `level` for the variant at `at_ms`; counts when it is the one awaited.
    pub(crate) fn level_seen(&self, store: usize, variant_id: u64, level: i64, at_ms: i64) {
        let mut reported = lock(&self.reported);
        if let Some(&(wanted, called)) = reported.get(&(store, variant_id))
            && wanted == level
        {
            reported.remove(&(store, variant_id));
            drop(reported);
            self.arrive(store, Flow::Stock, called, at_ms);
        }
    }

    /// Causes started and not arrived yet, over every store and flow.
    pub(crate) fn outstanding(&self) -> usize {
        let started: usize = lock(&self.started).iter().flatten().sum();
        let arrived: usize = lock(&self.arrived).iter().flatten().map(Vec::len).sum();
        started.saturating_sub(arrived)
    }

    /// Per store, per flow: (started, arrivals).
    pub(crate) fn results(&self) -> Vec<[(usize, Vec<Arrival>); 3]> {
        let started = lock(&self.started);
        let arrived = lock(&self.arrived);
        started
            .iter()
            .zip(arrived.iter())
            .map(|(started, arrived)| {
                std::array::from_fn(|flow| (started[flow], arrived[flow].clone()))
            })
            .collect()
    }
}
