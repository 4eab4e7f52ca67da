//! Who hears of an event and what they need to be told: a purchase order's vendor and the
//! order it belongs to, a vendor's schedule, and where operators' mail goes.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::super::{Db, DbError, now_ms};
use crate::domain::mail::MailSchedule;

/// A purchase order as its vendor's mail names it.
#[derive(Debug, Clone)]
pub struct PurchaseOrderContact {
    pub purchase_order_id: i64,
    pub order_id: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub vendor_email: Option<String>,
    pub schedule: MailSchedule,
    pub store_name: String,
    /// The BigCommerce order number, as the store shows it.
    pub order_number: i64,
    pub line_count: i64,
}

fn contact(row: &AnyRow) -> Result<PurchaseOrderContact, DbError> {
    let schedule: String = row.get("mail_schedule");
    Ok(PurchaseOrderContact {
        purchase_order_id: row.get("purchase_order_id"),
        order_id: row.get("order_id"),
        vendor_id: row.get("vendor_id"),
        vendor_name: row.get("vendor_name"),
        vendor_email: row.get("email"),
        schedule: MailSchedule::from_stored(&schedule)
            .ok_or_else(|| DbError::Corrupt(format!("unknown mail schedule {schedule:?}")))?,
        store_name: row.get("store_name"),
        order_number: row.get("order_number"),
        line_count: row.get("line_count"),
    })
}

const CONTACT_SELECT: &str = "SELECT po.id AS purchase_order_id, po.order_id, po.vendor_id, v.name AS vendor_name,
        v.email, v.mail_schedule, s.name AS store_name, b.external_id AS order_number,
        (SELECT COUNT(*) FROM purchase_order_lines l WHERE l.purchase_order_id = po.id) AS line_count
   FROM purchase_orders po
   JOIN vendors v ON v.id = po.vendor_id
   JOIN orders o ON o.id = po.order_id
   JOIN stores s ON s.id = o.store_id
   JOIN bindings b ON b.kind = 'order' AND b.local_id = o.id";

/// The order's purchase orders that are still open, with their vendors.
pub async fn open_purchase_orders(
    conn: &mut AnyConnection,
    order_id: i64,
) -> Result<Vec<PurchaseOrderContact>, DbError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CONTACT_SELECT} WHERE po.order_id = $1 AND po.status = 'open' ORDER BY po.id"
    )))
    .bind(order_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(contact).collect()
}

/// The open purchase orders of these orders, with their vendors, by purchase order.
pub async fn open_purchase_orders_of_orders(
    conn: &mut AnyConnection,
    order_ids: &[i64],
) -> Result<Vec<PurchaseOrderContact>, DbError> {
    let mut contacts = Vec::new();
    for chunk in order_ids.chunks(crate::db::sql::IN_LIST_CHUNK) {
        let sql = format!(
            "{CONTACT_SELECT} WHERE po.order_id IN ({}) AND po.status = 'open' ORDER BY po.id",
            crate::db::sql::placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            contacts.push(contact(&row)?);
        }
    }
    Ok(contacts)
}

/// One purchase order with its vendor.
pub async fn purchase_order(
    conn: &mut AnyConnection,
    purchase_order_id: i64,
) -> Result<Option<PurchaseOrderContact>, DbError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{CONTACT_SELECT} WHERE po.id = $1"
    )))
    .bind(purchase_order_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(contact).transpose()
}

/// A vendor's schedule for mails about new purchase orders.
pub async fn vendor_schedule(db: &Db, vendor_id: i64) -> Result<Option<MailSchedule>, DbError> {
    let row = sqlx::query("SELECT mail_schedule FROM vendors WHERE id = $1")
        .bind(vendor_id)
        .fetch_optional(db.pool())
        .await?;
    row.map(|row| {
        let stored: String = row.get("mail_schedule");
        MailSchedule::from_stored(&stored)
            .ok_or_else(|| DbError::Corrupt(format!("unknown mail schedule {stored:?}")))
    })
    .transpose()
}

/// Every vendor's schedule, by vendor id.
pub async fn vendor_schedules(db: &Db) -> Result<Vec<(i64, MailSchedule)>, DbError> {
    let rows = sqlx::query("SELECT id, mail_schedule FROM vendors ORDER BY id")
        .fetch_all(db.pool())
        .await?;
    rows.iter()
        .map(|row| {
            let stored: String = row.get("mail_schedule");
            let schedule = MailSchedule::from_stored(&stored)
                .ok_or_else(|| DbError::Corrupt(format!("unknown mail schedule {stored:?}")))?;
            Ok((row.get("id"), schedule))
        })
        .collect()
}

/// Sets a vendor's schedule; false when there is no such vendor.
pub async fn set_vendor_schedule(
    db: &Db,
    vendor_id: i64,
    schedule: MailSchedule,
) -> Result<bool, DbError> {
    let result =
        sqlx::query("UPDATE vendors SET mail_schedule = $2, updated_at = $3 WHERE id = $1")
            .bind(vendor_id)
            .bind(schedule.as_str())
            .bind(now_ms())
            .execute(db.pool())
            .await?;
    Ok(result.rows_affected() == 1)
}

/// Where operators' digests go, if anywhere.
pub async fn operator_email(db: &Db) -> Result<Option<String>, DbError> {
    let row = sqlx::query("SELECT operator_email FROM mail_settings WHERE id = 1")
        .fetch_optional(db.pool())
        .await?;
    Ok(row.and_then(|row| row.get("operator_email")))
}

/// Sets where operators' digests go. A first address starts the digests' clock now: the first
/// digest tells what appears from here on, not the whole history.
pub async fn set_operator_email(db: &Db, email: Option<&str>) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE mail_settings SET operator_email = $1, updated_at = $2,
           operator_digest_at = CASE WHEN operator_email IS NULL THEN $2 ELSE operator_digest_at END
         WHERE id = 1",
    )
    .bind(email)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Who hears of a vendor's purchase orders: the vendor's own address and its portal users who
/// accepted their invitation, each address once (compared without case).
pub async fn vendor_addresses(
    conn: &mut AnyConnection,
    vendor_id: i64,
    vendor_email: Option<&str>,
) -> Result<Vec<String>, DbError> {
    let mut addresses: Vec<String> = vendor_email.map(str::to_owned).into_iter().collect();
    let users = sqlx::query(
        "SELECT email FROM vendor_users
         WHERE vendor_id = $1 AND password_hash IS NOT NULL ORDER BY id",
    )
    .bind(vendor_id)
    .fetch_all(&mut *conn)
    .await?;
    for row in users {
        let email: String = row.get("email");
        if !addresses.iter().any(|a| a.eq_ignore_ascii_case(&email)) {
            addresses.push(email);
        }
    }
    Ok(addresses)
}
