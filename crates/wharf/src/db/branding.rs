//! The merchant's branding (one row, absent until set) and its logo.

use sqlx::{AnyConnection, Row};

use super::{Db, DbError, now_ms};

/// What is stored; `None` fields take their defaults (`domain::branding`).
#[derive(Debug, Clone, Default)]
pub struct StoredBranding {
    pub name: Option<String>,
    pub accent: Option<String>,
    pub support_email: Option<String>,
    pub has_logo: bool,
    pub updated_at_ms: i64,
    /// The oldest store's name, the name's fallback.
    pub first_store_name: Option<String>,
}

/// The branding as stored, with the oldest store's name for the default.
pub async fn read(conn: &mut AnyConnection) -> Result<StoredBranding, DbError> {
    let first_store_name =
        sqlx::query("SELECT name FROM stores WHERE removed_at IS NULL AND vendor_id IS NULL ORDER BY id LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.get::<String, _>("name"));
    let row = sqlx::query(
        "SELECT name, accent, support_email, CAST(CASE WHEN logo_base64 IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_logo, updated_at
         FROM branding WHERE id = 1",
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(match row {
        Some(row) => StoredBranding {
            name: row.get("name"),
            accent: row.get("accent"),
            support_email: row.get("support_email"),
            has_logo: row.get::<i64, _>("has_logo") != 0,
            updated_at_ms: row.get("updated_at"),
            first_store_name,
        },
        None => StoredBranding {
            first_store_name,
            ..StoredBranding::default()
        },
    })
}

pub async fn get(db: &Db) -> Result<StoredBranding, DbError> {
    let mut conn = db.pool().acquire().await?;
    read(&mut conn).await
}

/// Sets the name, accent and support address (`None` clears one back to its default); the logo
/// stays.
pub async fn save_fields(
    db: &Db,
    name: Option<&str>,
    accent: Option<&str>,
    support_email: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO branding (id, name, accent, support_email, updated_at) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET name = $1, accent = $2, support_email = $3, updated_at = $4",
    )
    .bind(name)
    .bind(accent)
    .bind(support_email)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Sets (`Some`) or removes (`None`) the logo: its content type and its bytes as base64.
pub async fn save_logo(db: &Db, logo: Option<(&str, &str)>) -> Result<(), DbError> {
    let (content_type, base64) = logo.unzip();
    sqlx::query(
        "INSERT INTO branding (id, logo_content_type, logo_base64, updated_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET logo_content_type = $1, logo_base64 = $2, updated_at = $3",
    )
    .bind(content_type)
    .bind(base64)
    // Strictly increasing, so a logo replaced within one millisecond still changes its URL.
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The logo's content type and base64 bytes, if one is set.
pub async fn logo(db: &Db) -> Result<Option<(String, String)>, DbError> {
    let row = sqlx::query(
        "SELECT logo_content_type, logo_base64 FROM branding WHERE id = 1 AND logo_base64 IS NOT NULL",
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|row| (row.get("logo_content_type"), row.get("logo_base64"))))
}
