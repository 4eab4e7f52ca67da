//! What vendors are told, and when: a new purchase order (at once, or in the hourly digest,
//! as the vendor chose), a cancelled one (always at once) and a line taken away (always at
//! once). Each is queued in the transaction of the event; a vendor without an e-mail address
//! is told nothing.

use std::collections::{HashMap, HashSet};

use sqlx::AnyConnection;

use crate::app::App;
use crate::db::DbError;
use crate::db::mail::{digests, recipients::PurchaseOrderContact};
use crate::domain::email_address::EmailAddress;
use crate::domain::mail::{MailKind, MailLink, MailSchedule, OutgoingMail};

/// The page where a vendor sees one of its purchase orders (the vendor portal's).
pub fn vendor_purchase_order_path(purchase_order_id: i64) -> String {
    format!("/vendor/purchase-orders/{purchase_order_id}")
}

/// A line that left a purchase order, as its vendor's mail names it.
#[derive(Debug, Clone)]
pub struct TakenLine {
    pub order_line_id: i64,
    pub sku: String,
    pub name: String,
    pub quantity: i64,
    /// Why, in words ("the vendor could not fulfil it"); none says nothing.
    pub reason: Option<String>,
}

/// Everyone who hears of the vendor's purchase orders: its own address and its portal users',
/// each usable address once.
pub(super) async fn vendor_recipients(
    conn: &mut AnyConnection,
    vendor_id: i64,
    vendor_email: Option<&str>,
) -> Result<Vec<EmailAddress>, DbError> {
    Ok(
        crate::db::mail::recipients::vendor_addresses(conn, vendor_id, vendor_email)
            .await?
            .iter()
            .filter_map(|a| EmailAddress::parse_optional("email", a).ok().flatten())
            .collect(),
    )
}

/// One event's mail to one of its recipients: the event's key and the address, so each
/// recipient gets it once.
fn key_for(event: &str, to: &EmailAddress) -> String {
    format!("{event}:{}", to.as_str().to_lowercase())
}

fn lines(n: i64) -> String {
    if n == 1 {
        "1 line".to_owned()
    } else {
        format!("{n} lines")
    }
}

impl App {
    /// Tells the vendors of newly created purchase orders (each order with the vendors whose
    /// purchase order routing just created), or holds them for the vendors' hourly digests.
    pub(crate) async fn tell_of_new_purchase_orders(
        &self,
        tx: &mut AnyConnection,
        created: &[(i64, Vec<i64>)],
    ) -> Result<(), DbError> {
        let new: HashSet<(i64, i64)> = created
            .iter()
            .flat_map(|(order_id, vendors)| vendors.iter().map(move |v| (*order_id, *v)))
            .collect();
        if new.is_empty() {
            return Ok(());
        }
        let order_ids: Vec<i64> = created
            .iter()
            .filter(|(_, vendors)| !vendors.is_empty())
            .map(|(order_id, _)| *order_id)
            .collect();
        let open =
            crate::db::mail::recipients::open_purchase_orders_of_orders(tx, &order_ids).await?;
        // Looked up once per vendor, however many of its purchase orders a page creates.
        let mut recipients_of: HashMap<i64, Vec<EmailAddress>> = HashMap::new();
        for contact in open
            .iter()
            .filter(|c| new.contains(&(c.order_id, c.vendor_id)))
        {
            let recipients = match recipients_of.get(&contact.vendor_id) {
                Some(recipients) => recipients.clone(),
                None => {
                    let found =
                        vendor_recipients(tx, contact.vendor_id, contact.vendor_email.as_deref())
                            .await?;
                    recipients_of.insert(contact.vendor_id, found.clone());
                    found
                }
            };
            if recipients.is_empty() {
                continue;
            }
            if contact.schedule == MailSchedule::Hourly {
                digests::hold_for_vendor(tx, contact.vendor_id, contact.purchase_order_id).await?;
                continue;
            }
            for to in recipients {
                {
                    let mail = OutgoingMail {
                        kind: MailKind::PurchaseOrderNew,
                        dedupe_key: key_for(
                            &format!("purchase_order_new:{}", contact.purchase_order_id),
                            &to,
                        ),
                        to,
                        to_name: Some(contact.vendor_name.clone()),
                        subject: format!(
                            "New purchase order: {} order #{}",
                            contact.store_name, contact.order_number
                        ),
                        paragraphs: vec![format!(
                            "{} order #{} has a new purchase order for you: {}. Please ship it \
                             to the address on the purchase order.",
                            contact.store_name,
                            contact.order_number,
                            lines(contact.line_count)
                        )],
                        items: Vec::new(),
                        link: Some(MailLink {
                            label: "Open the purchase order".into(),
                            path: vendor_purchase_order_path(contact.purchase_order_id),
                        }),
                    };
                    self.queue_mail(tx, &mail).await?;
                }
            }
        }
        Ok(())
    }

    /// Tells each vendor of `cancelled` purchase orders (read before they were cancelled) to
    /// stop: always at once, whatever the vendor's schedule.
    pub(crate) async fn tell_of_cancelled_purchase_orders(
        &self,
        tx: &mut AnyConnection,
        cancelled: &[PurchaseOrderContact],
    ) -> Result<(), DbError> {
        for contact in cancelled {
            for to in
                vendor_recipients(tx, contact.vendor_id, contact.vendor_email.as_deref()).await?
            {
                let mail = OutgoingMail {
                    kind: MailKind::PurchaseOrderCancelled,
                    dedupe_key: key_for(
                        &format!("purchase_order_cancelled:{}", contact.purchase_order_id),
                        &to,
                    ),
                    to,
                    to_name: Some(contact.vendor_name.clone()),
                    subject: format!(
                        "Cancelled: {} order #{} — do not ship",
                        contact.store_name, contact.order_number
                    ),
                    paragraphs: vec![format!(
                        "{} order #{} was cancelled. Please do not ship its purchase order ({}); \
                     if it has left already, let us know.",
                        contact.store_name,
                        contact.order_number,
                        lines(contact.line_count)
                    )],
                    items: Vec::new(),
                    link: Some(MailLink {
                        label: "Open the purchase order".into(),
                        path: vendor_purchase_order_path(contact.purchase_order_id),
                    }),
                };
                self.queue_mail(tx, &mail).await?;
            }
        }
        Ok(())
    }

    /// Tells a purchase order's vendor that `line` left it: call it in the transaction that
    /// takes the line away (a cancellation of one line, a reroute, the vendor's "can't
    /// fulfil"). Always at once. One mail per purchase order and line, however often it is
    /// called.
    pub async fn queue_line_taken_away(
        &self,
        conn: &mut AnyConnection,
        purchase_order_id: i64,
        line: &TakenLine,
    ) -> Result<(), DbError> {
        let Some(contact) =
            crate::db::mail::recipients::purchase_order(conn, purchase_order_id).await?
        else {
            return Ok(());
        };
        let recipients =
            vendor_recipients(conn, contact.vendor_id, contact.vendor_email.as_deref()).await?;
        let mut paragraphs = vec![format!(
            "A line was taken off your purchase order for {} order #{}. Please do not ship it.",
            contact.store_name, contact.order_number
        )];
        if let Some(reason) = &line.reason {
            paragraphs.push(format!("Why: {reason}."));
        }
        for to in recipients {
            let mail = OutgoingMail {
                kind: MailKind::LineTakenAway,
                dedupe_key: key_for(
                    &format!("line_taken_away:{purchase_order_id}:{}", line.order_line_id),
                    &to,
                ),
                to,
                to_name: Some(contact.vendor_name.clone()),
                subject: format!(
                    "Changed: {} order #{} — a line was taken away",
                    contact.store_name, contact.order_number
                ),
                paragraphs: paragraphs.clone(),
                items: vec![format!("{} × {} ({})", line.quantity, line.name, line.sku)],
                link: Some(MailLink {
                    label: "Open the purchase order".into(),
                    path: vendor_purchase_order_path(purchase_order_id),
                }),
            };
            self.queue_mail(conn, &mail).await?;
        }
        Ok(())
    }
}
