//! The product and variant rows an import writes: what is stored, inserted and updated.

use std::collections::HashMap;

use rust_decimal::Decimal;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::db::DbError;
use crate::db::sql::{IN_LIST_CHUNK, ROWS_PER_INSERT, ids_in_row_order, placeholders, values_rows};
use crate::domain::catalog::{CatalogProduct, CatalogVariant};

pub(super) const PRODUCT: &str = "product";
pub(super) const VARIANT: &str = "variant";

// ---- products ----------------------------------------------------------------------------

pub(super) struct StoredProduct {
    pub(super) local_id: i64,
    name: String,
    sku: Option<String>,
    upc: Option<String>,
    gtin: Option<String>,
    brand_name: Option<String>,
    price: Option<String>,
    cost_price: Option<String>,
    inventory_tracking: String,
    inventory_level: Option<i64>,
    is_visible: bool,
    date_modified: Option<i64>,
    archived: bool,
}

impl StoredProduct {
    pub(super) fn differs_from(&self, p: &CatalogProduct) -> bool {
        self.archived
            || self.name != p.name
            || self.sku != p.sku
            || self.upc != p.upc
            || self.gtin != p.gtin
            || self.brand_name != p.brand_name
            || self.price != money(p.price)
            || self.cost_price != money(p.cost_price)
            || self.inventory_tracking != p.inventory_tracking.as_str()
            || self.inventory_level != p.inventory_level
            || self.is_visible != p.is_visible
            || self.date_modified != p.date_modified_ms
    }
}

/// Money as stored: the canonical decimal string, so equal amounts compare equal.
pub(super) fn money(amount: Option<Decimal>) -> Option<String> {
    amount.map(|a| a.normalize().to_string())
}

pub(super) async fn existing_products(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashMap<i64, StoredProduct>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT b.external_id, p.id, p.name, p.sku, p.upc, p.gtin, p.brand_name, p.price, p.cost_price,
                    p.inventory_tracking, p.inventory_level, p.is_visible, p.date_modified, p.archived_at
             FROM bindings b JOIN products p ON p.id = b.local_id
             WHERE b.store_id = $1 AND b.kind = 'product' AND b.external_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let archived_at: Option<i64> = row.get("archived_at");
            found.insert(
                row.get("external_id"),
                StoredProduct {
                    local_id: row.get("id"),
                    name: row.get("name"),
                    sku: row.get("sku"),
                    upc: row.get("upc"),
                    gtin: row.get("gtin"),
                    brand_name: row.get("brand_name"),
                    price: row.get("price"),
                    cost_price: row.get("cost_price"),
                    inventory_tracking: row.get("inventory_tracking"),
                    inventory_level: row.get("inventory_level"),
                    is_visible: row.get::<i64, _>("is_visible") != 0,
                    date_modified: row.get("date_modified"),
                    archived: archived_at.is_some(),
                },
            );
        }
    }
    Ok(found)
}

pub(super) async fn insert_products(
    conn: &mut AnyConnection,
    store_id: i64,
    products: &[&CatalogProduct],
    now: i64,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(products.len());
    for chunk in products.chunks(ROWS_PER_INSERT / 2) {
        let sql = format!(
            "INSERT INTO products (store_id, name, sku, upc, gtin, brand_name, price, cost_price, inventory_tracking,
                                   inventory_level, is_visible, date_modified, created_at, updated_at)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 14)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query
                .bind(store_id)
                .bind(&p.name)
                .bind(p.sku.as_deref())
                .bind(p.upc.as_deref())
                .bind(p.gtin.as_deref())
                .bind(p.brand_name.as_deref())
                .bind(money(p.price))
                .bind(money(p.cost_price))
                .bind(p.inventory_tracking.as_str())
                .bind(p.inventory_level)
                .bind(p.is_visible as i64)
                .bind(p.date_modified_ms)
                .bind(now)
                .bind(now);
        }
        ids.extend(ids_in_row_order(
            query.fetch_all(&mut *conn).await?,
            chunk.len(),
        )?);
    }
    Ok(ids)
}

pub(super) async fn update_product(
    conn: &mut AnyConnection,
    id: i64,
    p: &CatalogProduct,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE products SET name = $2, sku = $3, upc = $4, gtin = $5, brand_name = $6, price = $7, cost_price = $8,
                inventory_tracking = $9, inventory_level = $10, is_visible = $11, date_modified = $12,
                archived_at = NULL, updated_at = $13
         WHERE id = $1",
    )
    .bind(id)
    .bind(&p.name)
    .bind(p.sku.as_deref())
    .bind(p.upc.as_deref())
    .bind(p.gtin.as_deref())
    .bind(p.brand_name.as_deref())
    .bind(money(p.price))
    .bind(money(p.cost_price))
    .bind(p.inventory_tracking.as_str())
    .bind(p.inventory_level)
    .bind(p.is_visible as i64)
    .bind(p.date_modified_ms)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE bindings SET remote_modified_at = $2 WHERE kind = 'product' AND local_id = $1",
    )
    .bind(id)
    .bind(p.date_modified_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

// ---- variants ----------------------------------------------------------------------------

pub(super) struct StoredVariant {
    pub(super) local_id: i64,
    product_id: i64,
    sku: Option<String>,
    upc: Option<String>,
    gtin: Option<String>,
    price: Option<String>,
    cost_price: Option<String>,
    inventory_level: Option<i64>,
    options: String,
    archived: bool,
}

impl StoredVariant {
    pub(super) fn differs_from(&self, product_id: i64, v: &CatalogVariant) -> bool {
        self.archived
            || self.product_id != product_id
            || self.sku != v.sku
            || self.upc != v.upc
            || self.gtin != v.gtin
            || self.price != money(v.price)
            || self.cost_price != money(v.cost_price)
            || self.inventory_level != v.inventory_level
            || self.options != v.options
    }
}

pub(super) async fn existing_variants(
    conn: &mut AnyConnection,
    store_id: i64,
    external_ids: &[i64],
) -> Result<HashMap<i64, StoredVariant>, DbError> {
    let mut found = HashMap::with_capacity(external_ids.len());
    for chunk in external_ids.chunks(IN_LIST_CHUNK) {
        let sql = format!(
            "SELECT b.external_id, v.id, v.product_id, v.sku, v.upc, v.gtin, v.price, v.cost_price,
                    v.inventory_level, v.options, v.archived_at
             FROM bindings b JOIN variants v ON v.id = b.local_id
             WHERE b.store_id = $1 AND b.kind = 'variant' AND b.external_id IN ({})",
            placeholders(2, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(store_id);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let archived_at: Option<i64> = row.get("archived_at");
            found.insert(
                row.get("external_id"),
                StoredVariant {
                    local_id: row.get("id"),
                    product_id: row.get("product_id"),
                    sku: row.get("sku"),
                    upc: row.get("upc"),
                    gtin: row.get("gtin"),
                    price: row.get("price"),
                    cost_price: row.get("cost_price"),
                    inventory_level: row.get("inventory_level"),
                    options: row.get("options"),
                    archived: archived_at.is_some(),
                },
            );
        }
    }
    Ok(found)
}

pub(super) async fn insert_variants(
    conn: &mut AnyConnection,
    store_id: i64,
    variants: &[(i64, &CatalogVariant)],
    now: i64,
) -> Result<Vec<i64>, DbError> {
    let mut ids = Vec::with_capacity(variants.len());
    for chunk in variants.chunks(ROWS_PER_INSERT) {
        let sql = format!(
            "INSERT INTO variants (product_id, store_id, sku, upc, gtin, price, cost_price, inventory_level, options,
                                   created_at, updated_at)
             VALUES {} RETURNING id",
            values_rows(chunk.len(), 11)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (product_id, v) in chunk {
            query = query
                .bind(*product_id)
                .bind(store_id)
                .bind(v.sku.as_deref())
                .bind(v.upc.as_deref())
                .bind(v.gtin.as_deref())
                .bind(money(v.price))
                .bind(money(v.cost_price))
                .bind(v.inventory_level)
                .bind(&v.options)
                .bind(now)
                .bind(now);
        }
        ids.extend(ids_in_row_order(
            query.fetch_all(&mut *conn).await?,
            chunk.len(),
        )?);
    }
    Ok(ids)
}

pub(super) async fn update_variant(
    conn: &mut AnyConnection,
    id: i64,
    product_id: i64,
    v: &CatalogVariant,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE variants SET product_id = $2, sku = $3, upc = $4, gtin = $5, price = $6, cost_price = $7,
                inventory_level = $8, options = $9, archived_at = NULL, updated_at = $10
         WHERE id = $1",
    )
    .bind(id)
    .bind(product_id)
    .bind(v.sku.as_deref())
    .bind(v.upc.as_deref())
    .bind(v.gtin.as_deref())
    .bind(money(v.price))
    .bind(money(v.cost_price))
    .bind(v.inventory_level)
    .bind(&v.options)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
