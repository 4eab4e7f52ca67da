//! The end checks, each printed `ok` or `FAIL` as it is made (orders, routing, jobs here;
//! shipments and inventory in their own files), then the run's summary.

mod inventory;
mod shipments;
mod vendor_store;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::Ordering;

use anyhow::Context;
use sqlx::Row;

use crate::STORE_HASH;
use crate::actors::Tally;
use crate::faults::SCHEDULE;
use crate::setup::{Soak, Vendors};
use inventory::{check_inventory, oversold};
use shipments::check_shipments;
use vendor_store::check_vendor_store;

/// Each check's verdict, printed as it is made.
#[derive(Default)]
pub(crate) struct Verdict {
    pub(crate) failures: Vec<String>,
}

impl Verdict {
    fn check(&mut self, ok: bool, what: String) {
        println!("  [{}] {what}", if ok { "ok" } else { "FAIL" });
        if !ok {
            self.failures.push(what);
        }
    }
}

async fn bc_orders(soak: &Soak) -> anyhow::Result<Vec<u64>> {
    let mut ids = Vec::new();
    for page in 1.. {
        let body = soak
            .sim_get(&format!(
                "/stores/{STORE_HASH}/v2/orders?limit=250&page={page}&sort=id:asc"
            ))
            .await?;
        let orders = body.as_array().context("orders page")?;
        ids.extend(orders.iter().filter_map(|o| o["id"].as_u64()));
        if orders.len() < 250 {
            break;
        }
    }
    Ok(ids)
}

async fn check_orders(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<Vec<u64>> {
    let in_bc = bc_orders(soak).await?;
    let bound: HashSet<u64> = sqlx::query("SELECT external_id FROM bindings WHERE kind = 'order'")
        .fetch_all(soak.app.db.pool())
        .await?
        .iter()
        .map(|r| r.get::<i64, _>(0) as u64)
        .collect();
    let stored = soak.count("SELECT COUNT(*) FROM orders").await?;
    let missing: Vec<&u64> = in_bc.iter().filter(|id| !bound.contains(id)).collect();
    verdict.check(
        stored as usize == in_bc.len() && missing.is_empty(),
        format!(
            "orders: {} in BigCommerce, {stored} in wharf, {} missing {:?}",
            in_bc.len(),
            missing.len(),
            &missing[..missing.len().min(10)]
        ),
    );
    Ok(in_bc)
}

async fn check_purchase_orders(
    soak: &Soak,
    vendors: &Vendors,
    verdict: &mut Verdict,
) -> anyhow::Result<()> {
    let states = sqlx::query("SELECT routing_state, COUNT(*) FROM orders GROUP BY routing_state")
        .fetch_all(soak.app.db.pool())
        .await?;
    let states: BTreeMap<String, i64> = states
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    let unrouted: i64 = states
        .iter()
        .filter(|(s, _)| *s != "routed")
        .map(|(_, n)| n)
        .sum();
    verdict.check(
        unrouted == 0,
        format!("orders by routing state: {states:?}"),
    );
    let rows = sqlx::query(
        "SELECT ol.id, ol.sku, ol.quantity, pol.quantity AS po_quantity, po.vendor_id
         FROM order_lines ol JOIN orders o ON o.id = ol.order_id
         LEFT JOIN purchase_order_lines pol ON pol.order_line_id = ol.id
         LEFT JOIN purchase_orders po ON po.id = pol.purchase_order_id
         WHERE ol.kind = 'physical' AND o.routing_state = 'routed'",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let (mut uncovered, mut wrong_vendor) = (0, 0);
    let mut by_vendor: BTreeMap<i64, usize> = BTreeMap::new();
    for row in &rows {
        *seen.entry(row.get::<i64, _>("id")).or_default() += 1;
        let vendor: Option<i64> = row.get("vendor_id");
        let covered = row.get::<Option<i64>, _>("po_quantity") == Some(row.get("quantity"));
        uncovered += usize::from(!covered);
        if let Some(vendor) = vendor {
            *by_vendor.entry(vendor).or_default() += 1;
            let sku: Option<String> = row.get("sku");
            wrong_vendor += usize::from(vendors.expected_for(sku.as_deref()) != vendor);
        }
    }
    let twice = seen.values().filter(|n| **n > 1).count();
    verdict.check(
        uncovered == 0 && twice == 0,
        format!(
            "purchase orders: {} lines of routed orders, {uncovered} not covered, {twice} on two purchase orders",
            seen.len()
        ),
    );
    verdict.check(
        wrong_vendor == 0,
        format!(
            "routing rules: lines by vendor {by_vendor:?} (prefix {:?} → {}), {wrong_vendor} on the wrong vendor",
            vendors.prefix, vendors.ids[1].0
        ),
    );
    Ok(())
}

async fn check_jobs(soak: &Soak, verdict: &mut Verdict) -> anyhow::Result<()> {
    let now = wharf::db::now_ms();
    let stuck = soak
        .count(&format!(
            "SELECT COUNT(*) FROM jobs WHERE status = 'running' AND locked_until < {now}"
        ))
        .await?;
    let failed = sqlx::query(
        "SELECT kind, attempts, last_error FROM jobs WHERE status = 'failed' ORDER BY id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    verdict.check(
        stuck == 0 && failed.is_empty(),
        format!(
            "jobs: {stuck} running with an expired lease, {} failed",
            failed.len()
        ),
    );
    for row in failed.iter().take(20) {
        println!(
            "      failed {} after {} attempts: {}",
            row.get::<String, _>(0),
            row.get::<i64, _>(1),
            row.get::<Option<String>, _>(2).unwrap_or_default()
        );
    }
    let by_status = sqlx::query("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        .fetch_all(soak.app.db.pool())
        .await?;
    let by_status: BTreeMap<String, i64> = by_status
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    println!("      jobs by status: {by_status:?}");
    Ok(())
}

pub(crate) async fn check_everything(
    soak: &Soak,
    vendors: &Vendors,
    tally: &Tally,
    kills: u64,
    kills_wanted: usize,
) -> anyhow::Result<Verdict> {
    let mut verdict = Verdict::default();
    println!("checks");
    verdict.check(
        kills as usize >= kills_wanted,
        format!("worker processes SIGKILLed and restarted: {kills} (wanted ≥ {kills_wanted})"),
    );
    let phases = tally.faults.lock().expect("tally lock").len();
    verdict.check(
        phases == SCHEDULE.len(),
        format!(
            "fault phases run: {phases} of {} kinds (a shorter run or longer phases leave some out)",
            SCHEDULE.len()
        ),
    );
    let orders = check_orders(soak, &mut verdict).await?;
    check_purchase_orders(soak, vendors, &mut verdict).await?;
    let shipments = check_shipments(soak, &orders, &mut verdict).await?;
    let variants = check_inventory(soak, &mut verdict).await?;
    let (vendor_orders, vendor_shipments) =
        check_vendor_store(soak, &vendors.store_vendor, &mut verdict).await?;
    let oversold = oversold(soak).await?;
    println!("  [info] oversold units in the simulator: {oversold}");
    check_jobs(soak, &mut verdict).await?;
    let stats = soak.sim_stats().await?;
    println!("summary");
    println!(
        "  kills survived         {kills} ({} while an applied write awaited its response)",
        tally.kills_mid_write.load(Ordering::Relaxed)
    );
    println!(
        "  client timeouts        {} (wharf gave up waiting; most were writes BigCommerce had applied)",
        tally.client_timeouts.load(Ordering::Relaxed)
    );
    println!(
        "  fault phases           {:?}",
        tally.faults.lock().expect("tally lock")
    );
    println!(
        "  API responses by status {}  ({} requests)",
        stats["by_status"], stats["total"]
    );
    println!(
        "  orders placed          {} ({} refused by the simulator)",
        tally.orders_placed.load(Ordering::Relaxed),
        tally.orders_refused.load(Ordering::Relaxed)
    );
    if let Some(why) = tally.first_refusal.lock().expect("tally lock").as_ref() {
        println!("    first refusal: {why}");
    }
    println!(
        "  shipments recorded     {} ({} refused by wharf, {} refused by BigCommerce and retried)",
        tally.shipments_recorded.load(Ordering::Relaxed),
        tally.shipments_refused.load(Ordering::Relaxed),
        tally.shipments_retried.load(Ordering::Relaxed)
    );
    println!(
        "  vendor store           {vendor_orders} orders created there, {vendor_shipments} shipped there ({} ship calls, {} sent again after a refusal)",
        tally.vendor_store_ships.load(Ordering::Relaxed),
        tally.vendor_orders_sent_again.load(Ordering::Relaxed)
    );
    println!(
        "  stock updates          {}",
        tally.stock_updates.load(Ordering::Relaxed)
    );
    println!(
        "  checked                {} orders, {shipments} BigCommerce shipments, {variants} levels",
        orders.len()
    );
    // How late the flows were under all of this, as the Latency page measures them.
    for flow in ["orders", "shipments", "inventory"] {
        let samples = wharf::db::latency::since(&soak.app.db, flow, 0).await?;
        if let Some(max) = samples.last() {
            let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
            println!(
                "  {flow:<9} latency      p50 {} ms, p99 {} ms, max {max} ms ({} samples)",
                at(0.5),
                at(0.99),
                samples.len()
            );
        }
    }
    Ok(verdict)
}
