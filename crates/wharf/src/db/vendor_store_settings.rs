//! The settings of vendors' own stores (`vendor_store_settings`), one row per vendor; a vendor
//! without a row has the defaults.

use sqlx::Row;

use super::{DbError, now_ms};
use crate::domain::inventory::SkuMatching;
use crate::domain::vendor_store::VendorStoreSettings;

/// The vendor's settings, or the defaults when none were saved.
pub async fn get(
    conn: &mut sqlx::AnyConnection,
    vendor_id: i64,
) -> Result<VendorStoreSettings, DbError> {
    let row = sqlx::query(
        "SELECT order_status_id, include_customer_contact, send_customer_emails, stock_location_id,
                sku_case_insensitive, sku_strip_prefix, active
         FROM vendor_store_settings WHERE vendor_id = $1",
    )
    .bind(vendor_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        None => VendorStoreSettings::default(),
        Some(row) => VendorStoreSettings {
            order_status_id: row.get("order_status_id"),
            include_customer_contact: row.get::<i64, _>("include_customer_contact") != 0,
            send_customer_emails: row.get::<i64, _>("send_customer_emails") != 0,
            stock_location_id: row.get("stock_location_id"),
            sku_matching: SkuMatching {
                case_insensitive: row.get::<i64, _>("sku_case_insensitive") != 0,
                strip_prefix: row.get("sku_strip_prefix"),
            },
            active: row.get::<i64, _>("active") != 0,
        },
    })
}

/// Saves the vendor's settings whole.
pub async fn save(
    conn: &mut sqlx::AnyConnection,
    vendor_id: i64,
    settings: &VendorStoreSettings,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO vendor_store_settings (vendor_id, order_status_id, include_customer_contact,
                send_customer_emails, stock_location_id, sku_case_insensitive, sku_strip_prefix,
                active, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (vendor_id) DO UPDATE SET order_status_id = excluded.order_status_id,
                include_customer_contact = excluded.include_customer_contact,
                send_customer_emails = excluded.send_customer_emails,
                stock_location_id = excluded.stock_location_id,
                sku_case_insensitive = excluded.sku_case_insensitive,
                sku_strip_prefix = excluded.sku_strip_prefix,
                active = excluded.active, updated_at = excluded.updated_at",
    )
    .bind(vendor_id)
    .bind(settings.order_status_id)
    .bind(i64::from(settings.include_customer_contact))
    .bind(i64::from(settings.send_customer_emails))
    .bind(settings.stock_location_id)
    .bind(i64::from(settings.sku_matching.case_insensitive))
    .bind(settings.sku_matching.strip_prefix.as_deref())
    .bind(i64::from(settings.active))
    .bind(now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}
