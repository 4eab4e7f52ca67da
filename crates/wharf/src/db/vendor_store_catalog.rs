//! A vendor's own BigCommerce store as wharf last read it (`vendor_store_variants`) and how its
//! variants match the merchant's items (`vendor_store_matches`). A full read replaces both in
//! one transaction (`replace_catalog`, `replace_matches`), so a lookup never sees a catalog
//! without its match; a levels-only read updates `inventory_level` alone.

use std::collections::HashMap;

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, placeholders, values_rows};
use crate::db::{Db, DbError};
use crate::domain::vendor_match::{
    MatchEntry, MatchState, MatchedBy, MerchantItem, VariantKey, VendorStoreVariant,
};

/// The merchant's items: the variants with a SKU of every sales store wharf keeps (not
/// archived, the store not removed, not a vendor's own), with their barcodes.
pub async fn merchant_items(db: &Db) -> Result<Vec<MerchantItem>, DbError> {
    let rows = sqlx::query(
        "SELECT v.sku, v.upc, v.gtin FROM variants v JOIN stores s ON s.id = v.store_id
         WHERE v.sku IS NOT NULL AND v.archived_at IS NULL AND s.removed_at IS NULL
           AND s.vendor_id IS NULL
         ORDER BY v.sku",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .iter()
        .map(|r| MerchantItem {
            sku: r.get("sku"),
            upc: r.get("upc"),
            gtin: r.get("gtin"),
        })
        .collect())
}

/// Replaces the store's variants with those just read.
pub async fn replace_catalog(
    conn: &mut AnyConnection,
    store_id: i64,
    variants: &[VendorStoreVariant],
    read_at: i64,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM vendor_store_variants WHERE store_id = $1")
        .bind(store_id)
        .execute(&mut *conn)
        .await?;
    for chunk in variants.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO vendor_store_variants (store_id, product_id, variant_id, product_name,
               options, sku, upc, gtin, purchasable, inventory_level, read_at) VALUES {}",
            values_rows(chunk.len(), 11)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for v in chunk {
            query = query
                .bind(store_id)
                .bind(v.product_id)
                .bind(v.variant_id)
                .bind(v.product_name.clone())
                .bind(v.options.clone())
                .bind(v.sku.clone())
                .bind(v.upc.clone())
                .bind(v.gtin.clone())
                .bind(i64::from(v.purchasable))
                .bind(v.inventory_level)
                .bind(read_at);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The store's variants as last read, in variant id order.
pub async fn stored_variants(db: &Db, store_id: i64) -> Result<Vec<VendorStoreVariant>, DbError> {
    let rows = sqlx::query(
        "SELECT product_id, variant_id, product_name, options, sku, upc, gtin, purchasable,
                inventory_level
         FROM vendor_store_variants WHERE store_id = $1 ORDER BY variant_id",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(stored_variant).collect())
}

fn stored_variant(r: &AnyRow) -> VendorStoreVariant {
    VendorStoreVariant {
        product_id: r.get("product_id"),
        variant_id: r.get("variant_id"),
        product_name: r.get("product_name"),
        options: r.get("options"),
        sku: r.get("sku"),
        upc: r.get("upc"),
        gtin: r.get("gtin"),
        purchasable: r.get::<i64, _>("purchasable") != 0,
        inventory_level: r.get("inventory_level"),
    }
}

/// Sets the levels of variants read again (a webhook's product, a levels-only read); variants
/// not stored are left for the next full read to add.
pub async fn set_levels(
    conn: &mut AnyConnection,
    store_id: i64,
    levels: &[(i64, Option<i64>)],
    read_at: i64,
) -> Result<(), DbError> {
    for (variant_id, level) in levels {
        sqlx::query(
            "UPDATE vendor_store_variants SET inventory_level = $1, read_at = $2
             WHERE store_id = $3 AND variant_id = $4",
        )
        .bind(*level)
        .bind(read_at)
        .bind(store_id)
        .bind(*variant_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Replaces the store's match.
pub async fn replace_matches(
    conn: &mut AnyConnection,
    store_id: i64,
    entries: &[MatchEntry],
    matched_at: i64,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM vendor_store_matches WHERE store_id = $1")
        .bind(store_id)
        .execute(&mut *conn)
        .await?;
    for chunk in entries.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO vendor_store_matches (store_id, merchant_sku, product_id, variant_id,
               state, matched_by, reason, matched_at) VALUES {}",
            values_rows(chunk.len(), 8)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for e in chunk {
            query = query
                .bind(store_id)
                .bind(e.merchant_sku.clone())
                .bind(e.variant.map(|v| v.product_id))
                .bind(e.variant.map(|v| v.variant_id))
                .bind(e.state.as_str())
                .bind(e.matched_by.map(MatchedBy::as_str))
                .bind(e.reason.clone())
                .bind(matched_at);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A line of the stored match, with the variant's details as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMatch {
    pub id: i64,
    pub state: MatchState,
    pub merchant_sku: Option<String>,
    pub variant: Option<VariantKey>,
    pub matched_by: Option<MatchedBy>,
    pub reason: String,
    pub product_name: Option<String>,
    pub options: Option<String>,
    pub vendor_sku: Option<String>,
    pub purchasable: Option<bool>,
    pub inventory_level: Option<i64>,
}

const SELECT_MATCHES: &str = "SELECT m.id, m.state, m.merchant_sku, m.product_id, m.variant_id,
        m.matched_by, m.reason, v.product_name, v.options, v.sku AS vendor_sku, v.purchasable,
        v.inventory_level
   FROM vendor_store_matches m
   LEFT JOIN vendor_store_variants v ON v.store_id = m.store_id AND v.variant_id = m.variant_id";

fn stored_match(r: &AnyRow) -> Result<StoredMatch, DbError> {
    let state: String = r.get("state");
    let state = MatchState::parse(&state)
        .ok_or_else(|| DbError::Corrupt(format!("unknown match state {state:?}")))?;
    let matched_by: Option<String> = r.get("matched_by");
    let matched_by = match matched_by {
        Some(by) => Some(
            MatchedBy::parse(&by)
                .ok_or_else(|| DbError::Corrupt(format!("unknown match kind {by:?}")))?,
        ),
        None => None,
    };
    let product_id: Option<i64> = r.get("product_id");
    let variant_id: Option<i64> = r.get("variant_id");
    Ok(StoredMatch {
        id: r.get("id"),
        state,
        merchant_sku: r.get("merchant_sku"),
        variant: product_id
            .zip(variant_id)
            .map(|(product_id, variant_id)| VariantKey {
                product_id,
                variant_id,
            }),
        matched_by,
        reason: r.get("reason"),
        product_name: r.get("product_name"),
        options: r.get("options"),
        vendor_sku: r.get("vendor_sku"),
        purchasable: r.get::<Option<i64>, _>("purchasable").map(|p| p != 0),
        inventory_level: r.get("inventory_level"),
    })
}

/// The match lines of these merchant SKUs (exactly as the merchant's catalog spells them).
pub async fn matches_for_skus(
    db: &Db,
    store_id: i64,
    skus: &[String],
) -> Result<Vec<StoredMatch>, DbError> {
    let mut found = Vec::new();
    for chunk in skus.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "{SELECT_MATCHES} WHERE m.store_id = $1 AND m.merchant_sku IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for sku in chunk {
            query = query.bind(sku.clone());
        }
        for row in query.fetch_all(db.pool()).await? {
            found.push(stored_match(&row)?);
        }
    }
    Ok(found)
}

/// A page of the match lines in one state, by id after `after_id`.
pub async fn matches_page(
    db: &Db,
    store_id: i64,
    state: MatchState,
    after_id: i64,
    limit: i64,
) -> Result<Vec<StoredMatch>, DbError> {
    let sql = format!(
        "{SELECT_MATCHES} WHERE m.store_id = $1 AND m.state = $2 AND m.id > $3
         ORDER BY m.id LIMIT $4"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(store_id)
        .bind(state.as_str())
        .bind(after_id)
        .bind(limit)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(stored_match)
        .collect()
}

/// How many match lines are in each state.
pub async fn match_counts(db: &Db, store_id: i64) -> Result<HashMap<MatchState, i64>, DbError> {
    let rows = sqlx::query(
        "SELECT state, COUNT(*) AS n FROM vendor_store_matches WHERE store_id = $1 GROUP BY state",
    )
    .bind(store_id)
    .fetch_all(db.pool())
    .await?;
    let mut counts = HashMap::new();
    for r in rows {
        let state: String = r.get("state");
        let state = MatchState::parse(&state)
            .ok_or_else(|| DbError::Corrupt(format!("unknown match state {state:?}")))?;
        counts.insert(state, r.get::<i64, _>("n"));
    }
    Ok(counts)
}

/// The matched merchant SKUs of these vendor variants (every matched one when `variant_ids`
/// is `None`), each with the level its variant last read: what the vendor's stock is.
pub async fn matched_levels(
    db: &Db,
    store_id: i64,
    variant_ids: Option<&[i64]>,
) -> Result<Vec<(String, Option<i64>)>, DbError> {
    let base = "SELECT m.merchant_sku, v.inventory_level FROM vendor_store_matches m
         JOIN vendor_store_variants v ON v.store_id = m.store_id AND v.variant_id = m.variant_id
         WHERE m.store_id = $1 AND m.state = 'matched'";
    let rows = match variant_ids {
        None => {
            sqlx::query(base)
                .bind(store_id)
                .fetch_all(db.pool())
                .await?
        }
        Some(ids) => {
            let mut rows = Vec::new();
            for chunk in ids.chunks(IN_LIST_CHUNK) {
                let sql = format!(
                    "{base} AND m.variant_id IN ({})",
                    placeholders(2, chunk.len())
                );
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
                for id in chunk {
                    query = query.bind(*id);
                }
                rows.extend(query.fetch_all(db.pool()).await?);
            }
            rows
        }
    };
    Ok(rows
        .iter()
        .map(|r| (r.get("merchant_sku"), r.get("inventory_level")))
        .collect())
}

/// One product's variants as last read.
pub async fn variants_of_product(
    db: &Db,
    store_id: i64,
    product_id: i64,
) -> Result<Vec<VendorStoreVariant>, DbError> {
    let rows = sqlx::query(
        "SELECT product_id, variant_id, product_name, options, sku, upc, gtin, purchasable,
                inventory_level
         FROM vendor_store_variants WHERE store_id = $1 AND product_id = $2 ORDER BY variant_id",
    )
    .bind(store_id)
    .bind(product_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(stored_variant).collect())
}
