//! The rules that assign a store's variants to vendors: one `assignment_rules` row per rule
//! (a variant, a brand or a SKU prefix), each with an id a person can point at to change or
//! remove it, and the store's default on `stores.default_vendor_id`.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Db, DbError, is_unique_violation, now_ms};
use crate::domain::routing::{DefaultPolicy, RoutingRules, RuleKind};

/// A stored rule. `key` is what a person knows it by: the variant's SKU (absent when the
/// variant has none), the lowercased brand or the uppercased prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleRecord {
    pub id: i64,
    pub store_id: i64,
    pub kind: RuleKind,
    pub variant_id: Option<i64>,
    pub key: Option<String>,
    pub vendor_id: i64,
}

/// A live variant as routing sees it: enough to tell which rule decides it.
#[derive(Debug, Clone)]
pub struct RoutableVariant {
    pub id: i64,
    pub sku: Option<String>,
    pub brand: Option<String>,
}

const RULE_COLUMNS: &str = "r.id, r.store_id, r.kind, r.variant_id, r.vendor_id,
    CASE WHEN r.kind = 'variant' THEN v.sku ELSE r.rule_key END AS rule_key
    FROM assignment_rules r LEFT JOIN variants v ON v.id = r.variant_id";

fn rule_record(row: &AnyRow) -> Result<RuleRecord, DbError> {
    let kind: String = row.get("kind");
    Ok(RuleRecord {
        id: row.get("id"),
        store_id: row.get("store_id"),
        kind: RuleKind::from_stored(&kind)
            .ok_or_else(|| DbError::Corrupt(format!("assignment rule kind {kind:?}")))?,
        variant_id: row.get("variant_id"),
        key: row.get("rule_key"),
        vendor_id: row.get("vendor_id"),
    })
}

pub async fn assign_variant(
    db: &Db,
    store_id: i64,
    variant_id: i64,
    vendor_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO assignment_rules (store_id, kind, variant_id, rule_key, vendor_id, updated_at)
         VALUES ($1, 'variant', $2, NULL, $3, $4)
         ON CONFLICT (variant_id) DO UPDATE SET vendor_id = excluded.vendor_id, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(variant_id)
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Adds or replaces the brand or SKU-prefix rule with this key; `key` is stored normalised
/// (see [`normalised_key`]).
pub async fn assign_key(
    db: &Db,
    store_id: i64,
    kind: RuleKind,
    key: &str,
    vendor_id: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO assignment_rules (store_id, kind, variant_id, rule_key, vendor_id, updated_at)
         VALUES ($1, $2, NULL, $3, $4, $5)
         ON CONFLICT (store_id, kind, rule_key) DO UPDATE SET vendor_id = excluded.vendor_id, updated_at = excluded.updated_at",
    )
    .bind(store_id)
    .bind(kind.stored())
    .bind(normalised_key(kind, key))
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Brands match case-insensitively (stored lowercased), prefixes against uppercased SKUs.
pub fn normalised_key(kind: RuleKind, key: &str) -> String {
    match kind {
        RuleKind::SkuPrefix => key.trim().to_uppercase(),
        _ => key.trim().to_lowercase(),
    }
}

pub async fn set_default_vendor(
    db: &Db,
    store_id: i64,
    vendor_id: Option<i64>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE stores SET default_vendor_id = $2, updated_at = $3 WHERE id = $1")
        .bind(store_id)
        .bind(vendor_id)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every stored rule of a store (the default aside), in no particular order.
pub async fn list_rules(db: &Db, store_id: i64) -> Result<Vec<RuleRecord>, DbError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RULE_COLUMNS} WHERE r.store_id = $1 ORDER BY r.id"
    )))
    .bind(store_id)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(rule_record)
    .collect()
}

pub async fn get_rule(db: &Db, id: i64) -> Result<Option<RuleRecord>, DbError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {RULE_COLUMNS} WHERE r.id = $1"
    )))
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .as_ref()
    .map(rule_record)
    .transpose()
}

/// Points a rule at another variant or key and vendor. `Duplicate` when the store already has
/// a rule for that variant or key: the caller names it rather than merging two rules.
pub async fn update_rule(
    db: &Db,
    rule: &RuleRecord,
    variant_id: Option<i64>,
    key: Option<&str>,
    vendor_id: i64,
) -> Result<bool, DbError> {
    let stored_key = match rule.kind {
        RuleKind::Sku => None,
        kind => key.map(|k| normalised_key(kind, k)),
    };
    let updated = sqlx::query(
        "UPDATE assignment_rules SET variant_id = $2, rule_key = $3, vendor_id = $4, updated_at = $5
         WHERE id = $1",
    )
    .bind(rule.id)
    .bind(variant_id)
    .bind(stored_key)
    .bind(vendor_id)
    .bind(now_ms())
    .execute(db.pool())
    .await;
    match updated {
        Ok(r) => Ok(r.rows_affected() == 1),
        Err(e) if is_unique_violation(&e) => Err(DbError::Duplicate("rule")),
        Err(e) => Err(e.into()),
    }
}

pub async fn delete_rule(db: &Db, id: i64) -> Result<bool, DbError> {
    let deleted = sqlx::query("DELETE FROM assignment_rules WHERE id = $1")
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(deleted.rows_affected() == 1)
}

/// The stores whose rules can send an order to the vendor (a rule names it, or it is the
/// store's default): the only stores where its reported stock can count toward a level.
pub async fn stores_routing_to(db: &Db, vendor_id: i64) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT store_id FROM assignment_rules WHERE vendor_id = $1
         UNION SELECT id AS store_id FROM stores WHERE default_vendor_id = $1",
    )
    .bind(vendor_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("store_id")).collect())
}

/// Every assignment rule of a store, as routing reads them.
pub async fn routing_rules(db: &Db, store_id: i64) -> Result<RoutingRules, DbError> {
    let mut rules = RoutingRules::default();
    for rule in list_rules(db, store_id).await? {
        match (rule.kind, rule.variant_id) {
            (RuleKind::Sku, Some(variant_id)) => {
                rules.variants.insert(variant_id, rule.vendor_id);
            }
            (RuleKind::Brand, _) => {
                rules
                    .brands
                    .insert(stored_key(&rule)?.to_owned(), rule.vendor_id);
            }
            (RuleKind::SkuPrefix, _) => {
                let prefix = stored_key(&rule)?.to_owned();
                rules.sku_prefixes.push((prefix, rule.vendor_id));
            }
            _ => return Err(DbError::Corrupt(format!("assignment rule {}", rule.id))),
        }
    }
    let default: Option<i64> = sqlx::query("SELECT default_vendor_id FROM stores WHERE id = $1")
        .bind(store_id)
        .fetch_optional(db.pool())
        .await?
        .and_then(|r| r.get("default_vendor_id"));
    rules.default = default.map_or(DefaultPolicy::NeedsAttention, DefaultPolicy::Vendor);
    rules.inactive = sqlx::query("SELECT id FROM vendors WHERE active = 0")
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|r| r.get("id"))
        .collect();
    Ok(rules)
}

fn stored_key(rule: &RuleRecord) -> Result<&str, DbError> {
    rule.key
        .as_deref()
        .ok_or_else(|| DbError::Corrupt(format!("assignment rule {} has no key", rule.id)))
}

/// The live variants of a store with this SKU (exact, case-insensitive), for assignment by SKU.
pub async fn variants_with_sku(db: &Db, store_id: i64, sku: &str) -> Result<Vec<i64>, DbError> {
    let rows = sqlx::query(
        "SELECT id FROM variants WHERE store_id = $1 AND archived_at IS NULL AND lower(sku) = lower($2)",
    )
    .bind(store_id)
    .bind(sku.trim())
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(|r| r.get("id")).collect())
}

/// Every live variant of a store with its SKU and its product's brand.
pub async fn routable_variants(db: &Db, store_id: i64) -> Result<Vec<RoutableVariant>, DbError> {
    let rows = sqlx::query(
        "SELECT v.id, v.sku, p.brand_name FROM variants v JOIN products p ON p.id = v.product_id
         WHERE v.store_id = $1 AND v.archived_at IS NULL",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| RoutableVariant {
            id: r.get("id"),
            sku: r.get("sku"),
            brand: r.get("brand_name"),
        })
        .collect())
}
