//! The vendor store checks: exactly one order in the vendor's store per purchase order sent
//! there (counted in the store by reference, whatever kills and faults did to the create), and
//! every shipment the vendor made there recorded once in wharf and created once in the
//! merchant's store.

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use sqlx::Row;

use super::Verdict;
use crate::setup::Soak;
use crate::vendor_store::{StoreVendor, vendor_get};

/// The vendor store's orders: (order id, reference), read page by page.
async fn vendor_store_orders(soak: &Soak) -> anyhow::Result<Vec<(u64, String)>> {
    let mut orders = Vec::new();
    for page in 1.. {
        let body = vendor_get(
            soak,
            &format!("/v2/orders?limit=250&page={page}&sort=id:asc"),
        )
        .await?;
        let list = body.as_array().context("vendor store orders page")?;
        orders.extend(list.iter().filter_map(|o| {
            Some((
                o["id"].as_u64()?,
                o["external_order_id"].as_str().unwrap_or("").to_owned(),
            ))
        }));
        if list.len() < 250 {
            break;
        }
    }
    Ok(orders)
}

pub(super) async fn check_vendor_store(
    soak: &Soak,
    vendor: &StoreVendor,
    verdict: &mut Verdict,
) -> anyhow::Result<(usize, usize)> {
    let in_store = vendor_store_orders(soak).await?;
    let mut by_reference: HashMap<&str, Vec<u64>> = HashMap::new();
    for (id, reference) in &in_store {
        by_reference
            .entry(reference.as_str())
            .or_default()
            .push(*id);
    }
    let duplicated: Vec<(&str, &Vec<u64>)> = by_reference
        .iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(r, ids)| (*r, ids))
        .collect();
    verdict.check(
        duplicated.is_empty(),
        format!(
            "vendor store: {} orders, {} references on more than one order {:?}",
            in_store.len(),
            duplicated.len(),
            &duplicated[..duplicated.len().min(5)]
        ),
    );

    // Every purchase order routed to the vendor has one live vendor order, and it is the one
    // order in the vendor's store carrying its reference.
    let rows = sqlx::query(
        "SELECT po.id, vo.state, vo.reference, vo.external_id, vo.message
         FROM purchase_orders po
         LEFT JOIN vendor_orders vo ON vo.purchase_order_id = po.id
              AND vo.state NOT IN ('replaced')
         WHERE po.vendor_id = $1 ORDER BY po.id",
    )
    .bind(vendor.id)
    .fetch_all(soak.app.db.pool())
    .await?;
    let unsendable: std::collections::HashSet<i64> =
        sqlx::query(sqlx::AssertSqlSafe(crate::vendor_store::UNSENDABLE))
            .fetch_all(soak.app.db.pool())
            .await?
            .iter()
            .map(|r| r.get::<i64, _>(0))
            .collect();
    let mut states: BTreeMap<String, usize> = BTreeMap::new();
    let mut flagged = 0;
    let mut refused = 0;
    let mut per_po: HashMap<i64, usize> = HashMap::new();
    let mut mismatched = Vec::new();
    for row in &rows {
        let po: i64 = row.get("id");
        let state: Option<String> = row.get("state");
        // Nothing on it matches one product of the vendor's: flagged, never sent, is right.
        if state.as_deref() == Some("failed") && unsendable.contains(&po) {
            flagged += 1;
            *per_po.entry(po).or_default() += 1;
            continue;
        }
        // Refused by the vendor's store, and refused again after Send again (out of stock
        // there, say): flagged with BigCommerce's words, and nothing carries its reference.
        if state.as_deref() == Some("failed") {
            let reference: Option<String> = row.get("reference");
            let message: Option<String> = row.get("message");
            let in_store = reference
                .as_deref()
                .is_some_and(|r| by_reference.contains_key(r));
            if !in_store
                && message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("BigCommerce refused"))
            {
                refused += 1;
                *per_po.entry(po).or_default() += 1;
                continue;
            }
        }
        *states
            .entry(state.clone().unwrap_or_else(|| "none".into()))
            .or_default() += 1;
        *per_po.entry(po).or_default() += usize::from(state.is_some());
        let reference: Option<String> = row.get("reference");
        let external: Option<i64> = row.get("external_id");
        if matches!(state.as_deref(), Some("created" | "cancelled")) {
            let found = reference
                .as_deref()
                .and_then(|r| by_reference.get(r))
                .cloned()
                .unwrap_or_default();
            if found.len() != 1 || external.map(|e| e as u64) != found.first().copied() {
                mismatched.push((po, external, found));
            }
        }
    }
    let live_states = ["created", "cancelled"];
    let not_live: usize = states
        .iter()
        .filter(|(s, _)| !live_states.contains(&s.as_str()))
        .map(|(_, n)| n)
        .sum();
    verdict.check(
        not_live == 0 && per_po.values().all(|n| *n == 1),
        format!(
            "vendor orders: {} purchase orders to the vendor's store, by vendor order state {states:?}; {flagged} flagged as not sendable (no line matches one vendor product); {refused} refused by the vendor's store again after Send again",
            per_po.len()
        ),
    );
    verdict.check(
        mismatched.is_empty(),
        format!(
            "vendor orders bound to the one store order with their reference: {} not {:?}",
            mismatched.len(),
            &mismatched[..mismatched.len().min(5)]
        ),
    );
    let unrelated = in_store.len().saturating_sub(
        by_reference
            .keys()
            .filter(|r| {
                rows.iter()
                    .any(|row| row.get::<Option<String>, _>("reference").as_deref() == Some(**r))
            })
            .count(),
    );
    verdict.check(
        unrelated == 0,
        format!("vendor store orders wharf does not know of: {unrelated}"),
    );

    // The vendor's shipments: each read once and created once in the merchant's store.
    let mut shipped_in_store = 0;
    for (id, _) in &in_store {
        let list = vendor_get(soak, &format!("/v2/orders/{id}/shipments?limit=250")).await?;
        shipped_in_store += list.as_array().map_or(0, Vec::len);
    }
    let claimed = soak
        .count("SELECT COUNT(*) FROM vendor_order_shipments")
        .await? as usize;
    let recorded = soak
        .count("SELECT COUNT(*) FROM shipments WHERE source = 'vendor_store'")
        .await? as usize;
    let parts = sqlx::query(
        "SELECT p.state, COUNT(*) FROM shipment_parts p JOIN shipments s ON s.id = p.shipment_id
         WHERE s.source = 'vendor_store' GROUP BY p.state ORDER BY p.state",
    )
    .fetch_all(soak.app.db.pool())
    .await?;
    let parts: BTreeMap<String, i64> = parts
        .iter()
        .map(|r| (r.get::<String, _>(0), r.get::<i64, _>(1)))
        .collect();
    // A shipment to two addresses is two parts; none may be left unfinished.
    let created = parts.get("created").copied().unwrap_or(0) as usize;
    let unfinished: i64 = parts
        .iter()
        .filter(|(s, _)| *s != "created")
        .map(|(_, n)| n)
        .sum();
    verdict.check(
        shipped_in_store == claimed && claimed == recorded && created >= recorded && unfinished == 0,
        format!(
            "vendor's shipments: {shipped_in_store} in its store, {claimed} read back, {recorded} recorded in wharf, parts by state {parts:?}"
        ),
    );
    Ok((in_store.len(), shipped_in_store))
}
