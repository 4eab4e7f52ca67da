//! The shipment checks: every part wharf recorded is one BigCommerce shipment, bound once, and
//! none is duplicated.

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::Row;

use super::Verdict;
use crate::STORE_HASH;
use crate::setup::Soak;

/// A BigCommerce shipment's identity for duplicate detection: (order, address, tracking,
/// items).
type ShipmentKey = (u64, u64, String, String);

async fn bc_shipments(soak: &Soak, orders: &[u64]) -> anyhow::Result<Vec<(u64, ShipmentKey)>> {
    let mut out = Vec::new();
    for order in orders {
        let list = soak
            .sim_get(&format!(
                "/stores/{STORE_HASH}/v2/orders/{order}/shipments?limit=250"
            ))
            .await?;
        for s in list.as_array().into_iter().flatten() {
            let mut items: Vec<String> = s["items"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| format!("{}x{}", i["order_product_id"], i["quantity"]))
                .collect();
            items.sort();
            let key = (
                *order,
                s["order_address_id"].as_u64().unwrap_or(0),
                s["tracking_number"].as_str().unwrap_or("").to_owned(),
                items.join(","),
            );
            out.push((s["id"].as_u64().unwrap_or(0), key));
        }
    }
    Ok(out)
}

pub(super) async fn check_shipments(
    soak: &Soak,
    orders: &[u64],
    verdict: &mut Verdict,
) -> anyhow::Result<usize> {
    let in_bc = bc_shipments(soak, orders).await?;
    let parts = sqlx::query(
        "SELECT p.state, COUNT(*) FROM shipment_parts p GROUP BY p.state ORDER BY p.state",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let parts: BTreeMap<String, i64> = parts
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    let created = parts.get("created").copied().unwrap_or(0);
    verdict.check(
        created as usize == in_bc.len(),
        format!(
            "shipments: {} in BigCommerce, {created} parts created in wharf (parts by state {parts:?})",
            in_bc.len()
        ),
    );
    let unfinished: i64 = ["pending", "sending", "failed"]
        .iter()
        .map(|s| parts.get(*s).copied().unwrap_or(0))
        .sum();
    verdict.check(
        unfinished == 0,
        format!("shipment parts pending, sending or failed: {unfinished}"),
    );
    // Nobody ships by hand or deletes shipments here: a part skipped (its items already shipped)
    // or marked deleted means wharf lost track of one of its own shipments, and the vendor, who
    // then sees the line unshipped, ships it again.
    let lost_track: i64 = ["skipped", "deleted"]
        .iter()
        .map(|s| parts.get(*s).copied().unwrap_or(0))
        .sum();
    verdict.check(
        lost_track == 0,
        format!("shipment parts skipped or deleted (nobody ships by hand here): {lost_track}"),
    );
    let bound = sqlx::query(
        "SELECT b.external_id, COUNT(*) FROM bindings b WHERE b.kind = 'shipment' GROUP BY b.external_id",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let bound: HashMap<u64, i64> = bound
        .iter()
        .map(|r| (r.get::<i64, _>(0) as u64, r.get::<i64, _>(1)))
        .collect();
    let bound_twice = bound.values().filter(|n| **n > 1).count();
    let ids: HashSet<u64> = in_bc.iter().map(|(id, _)| *id).collect();
    let unbound = ids.iter().filter(|id| !bound.contains_key(id)).count();
    let dangling = bound.keys().filter(|id| !ids.contains(id)).count();
    verdict.check(
        bound_twice == 0 && unbound == 0 && dangling == 0,
        format!(
            "shipment bindings: {bound_twice} BigCommerce shipments bound twice, {unbound} unbound, {dangling} bound to none"
        ),
    );
    let mut keys: HashMap<&ShipmentKey, usize> = HashMap::new();
    for (_, key) in &in_bc {
        *keys.entry(key).or_default() += 1;
    }
    let duplicated: Vec<_> = keys.iter().filter(|(_, n)| **n > 1).collect();
    verdict.check(
        duplicated.is_empty(),
        format!(
            "duplicate BigCommerce shipments (same order, address, tracking, items): {} {:?}",
            duplicated.len(),
            &duplicated[..duplicated.len().min(5)]
        ),
    );
    Ok(in_bc.len())
}
