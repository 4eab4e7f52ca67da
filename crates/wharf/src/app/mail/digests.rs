//! The digests: a vendor's new purchase orders of the last hour in one mail (for vendors who
//! chose it), and for operators, at most every 15 minutes, what appeared that needs them —
//! orders in Needs attention, shipments BigCommerce refused, stock feeds that failed, lines
//! vendors could not fulfil, jobs that failed. Nothing new, no mail.

use std::time::Duration;

use crate::app::App;
use crate::app::error::AppError;
use crate::db::mail::{digests, recipients};
use crate::domain::email_address::EmailAddress;
use crate::domain::mail::{MailKind, MailLink, OutgoingMail};

pub const VENDOR_DIGEST_EVERY: Duration = Duration::from_secs(3600);
pub const OPERATOR_DIGEST_EVERY: Duration = Duration::from_secs(15 * 60);

impl App {
    /// Queues every digest that is due at `now_ms` (the schedule passes the clock; tests pass
    /// a later one); how many mails were queued.
    pub async fn queue_due_digests(&self, now_ms: i64) -> Result<usize, AppError> {
        let mut queued = 0;
        let every = VENDOR_DIGEST_EVERY.as_millis() as i64;
        for vendor_id in digests::vendors_due(&self.db, every, now_ms).await? {
            queued += usize::from(self.queue_vendor_digest(vendor_id, now_ms).await?);
        }
        queued += usize::from(self.queue_operator_digest(now_ms).await?);
        Ok(queued)
    }

    async fn queue_vendor_digest(&self, vendor_id: i64, now_ms: i64) -> Result<bool, AppError> {
        let every = VENDOR_DIGEST_EVERY.as_millis() as i64;
        let mut tx = self.db.begin().await?;
        let Some(held) = digests::take_vendor_digest(&mut tx, vendor_id, every, now_ms).await?
        else {
            return Ok(false);
        };
        let mut contacts = Vec::new();
        for purchase_order_id in held {
            if let Some(c) = recipients::purchase_order(&mut tx, purchase_order_id).await?
                && c.line_count > 0
            {
                contacts.push(c);
            }
        }
        let Some(first) = contacts.first() else {
            tx.commit().await.map_err(crate::db::DbError::from)?;
            return Ok(false);
        };
        let recipients =
            super::events::vendor_recipients(&mut tx, vendor_id, first.vendor_email.as_deref())
                .await?;
        let items: Vec<String> = contacts
            .iter()
            .map(|c| {
                format!(
                    "{} order #{}: {} line{}",
                    c.store_name,
                    c.order_number,
                    c.line_count,
                    if c.line_count == 1 { "" } else { "s" }
                )
            })
            .collect();
        for to in recipients {
            let mail = OutgoingMail {
                kind: MailKind::VendorDigest,
                dedupe_key: format!(
                    "vendor_digest:{vendor_id}:{now_ms}:{}",
                    to.as_str().to_lowercase()
                ),
                to,
                to_name: Some(first.vendor_name.clone()),
                subject: format!(
                    "{} new purchase order{} to ship",
                    contacts.len(),
                    if contacts.len() == 1 { "" } else { "s" }
                ),
                paragraphs: vec!["These purchase orders arrived in the last hour:".into()],
                items: items.clone(),
                link: Some(MailLink {
                    label: "Open your purchase orders".into(),
                    path: "/vendor/purchase-orders".into(),
                }),
            };
            self.queue_mail(&mut tx, &mail).await?;
        }
        tx.commit().await.map_err(crate::db::DbError::from)?;
        self.wake_workers();
        Ok(true)
    }

    async fn queue_operator_digest(&self, now_ms: i64) -> Result<bool, AppError> {
        let Some(to) = recipients::operator_email(&self.db).await?.and_then(|e| {
            EmailAddress::parse_optional("operator_email", &e)
                .ok()
                .flatten()
        }) else {
            return Ok(false);
        };
        let every = OPERATOR_DIGEST_EVERY.as_millis() as i64;
        let mut tx = self.db.begin().await?;
        let Some(since) = digests::take_operator_digest(&mut tx, every, now_ms).await? else {
            return Ok(false);
        };
        let news = digests::operator_news(&mut tx, since, now_ms).await?;
        if news.is_empty() {
            tx.commit().await.map_err(crate::db::DbError::from)?;
            return Ok(false);
        }
        let mut items = Vec::new();
        for (_, number) in &news.needs_attention {
            items.push(format!(
                "Order #{number} needs attention: a line no rule routes"
            ));
        }
        for (_, number, error) in &news.refused_shipments {
            items.push(format!(
                "BigCommerce refused a shipment of order #{number}: {error}"
            ));
        }
        for (vendor, error) in &news.failed_feeds {
            items.push(format!("{vendor}'s stock feed failed: {error}"));
        }
        for (vendor, number, line, reason) in &news.declined_lines {
            items.push(format!(
                "{vendor} can't fulfil {line} of order #{number}: {reason}"
            ));
        }
        if news.failed_jobs > 0 {
            items.push(format!(
                "{} job{} failed and wait{} for a Retry",
                news.failed_jobs,
                if news.failed_jobs == 1 { "" } else { "s" },
                if news.failed_jobs == 1 { "s" } else { "" }
            ));
        }
        // The page that shows the most of it: Needs attention when orders wait there.
        let link = if news.needs_attention.is_empty() {
            MailLink {
                label: "Open Activity".into(),
                path: "/activity?status=failed".into(),
            }
        } else {
            MailLink {
                label: "Open orders that need attention".into(),
                path: "/orders?state=needs_attention".into(),
            }
        };
        let mail = OutgoingMail {
            kind: MailKind::OperatorDigest,
            dedupe_key: format!("operator_digest:{since}"),
            to,
            to_name: None,
            subject: format!(
                "{} thing{} need{} you in wharf",
                items.len(),
                if items.len() == 1 { "" } else { "s" },
                if items.len() == 1 { "s" } else { "" }
            ),
            paragraphs: vec!["Since the last digest:".into()],
            items,
            link: Some(link),
        };
        self.queue_mail(&mut tx, &mail).await?;
        tx.commit().await.map_err(crate::db::DbError::from)?;
        self.wake_workers();
        Ok(true)
    }
}
