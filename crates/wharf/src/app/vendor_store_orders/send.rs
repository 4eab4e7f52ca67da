//! Sending a purchase order to its vendor's store, exactly once (ARCHITECTURE.md, *Vendor
//! store orders*): the intent was recorded with the purchase order; each POST is preceded by
//! marking the attempt `sending`, and an attempt after one that may have reached the store
//! looks for the order by its reference before sending again.

use bigcommerce::{BcError, StoreClient};

use super::options::LineMatch;
use crate::app::App;
use crate::app::error::SyncError;
use crate::channels::bigcommerce::vendor_orders::{
    OutgoingAddress, OutgoingItem, OutgoingVendorOrder, create_vendor_order, find_vendor_order,
    refused_lines, vendor_order_products,
};
use crate::db::vendor_orders::{self, PlannedLine, SendContext, VendorOrderRow};
use crate::db::{DbError, jobs, orders};
use crate::domain::vendor_order::{LOOKUP_WINDOW_MS, LeftOut, VendorOrderState};

impl App {
    /// Sends the vendor order's purchase order to the vendor's store unless it is there
    /// already. Each POST is sent only while `lease` is still this run's.
    pub async fn send_vendor_store_order(
        &self,
        vendor_order_id: i64,
        lease: &jobs::JobLease,
    ) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let Some(row) = vendor_orders::get(&mut conn, vendor_order_id).await? else {
            return Ok(());
        };
        if !matches!(
            row.state,
            VendorOrderState::Intent | VendorOrderState::Sending
        ) {
            return Ok(());
        }
        let Some(context) = vendor_orders::send_context(&mut conn, row.purchase_order_id).await?
        else {
            return Ok(());
        };
        drop(conn);
        let client = self.client_for(row.store_id).await?;
        // Ever sent: it may be in the vendor's store already, whatever became of the answer.
        if row.attempts > 0
            && let Some(external_id) =
                find_vendor_order(&client, &row.reference, row.intent_at - LOOKUP_WINDOW_MS).await?
        {
            tracing::info!(
                vendor_order_id,
                external_id,
                "vendor order found: not sent again"
            );
            return self
                .bind_created(&client, &row, &context, external_id)
                .await;
        }
        if context.cancelled {
            let mut tx = self.db.begin().await?;
            let message = "The purchase order was cancelled before it reached the vendor's store";
            vendor_orders::mark_cancelled(&mut tx, vendor_order_id, message).await?;
            tx.commit().await?;
            return Ok(());
        }
        self.plan_lines(&row, &context).await?;
        loop {
            let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
            let lines = vendor_orders::lines(&mut conn, vendor_order_id).await?;
            drop(conn);
            let sent: Vec<_> = lines.iter().filter(|l| l.sent).collect();
            if sent.is_empty() {
                let message = format!(
                    "Nothing on it could be sent: {}",
                    left_out_message(&lines).unwrap_or_default()
                );
                return self.fail(&row, &context, &message).await;
            }
            let order = self.outgoing(&row, &context, &sent).await?;
            // A worker presumed dead must not send what its successor sends too.
            if !lease.renew(&self.db).await? {
                let lost = "the job was taken over by another worker, which sends the order";
                return Err(DbError::Conflict(lost.into()).into());
            }
            {
                let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
                if !vendor_orders::mark_sending(&mut conn, vendor_order_id).await? {
                    return Ok(());
                }
            }
            match create_vendor_order(&client, &order).await {
                Ok(external_id) => {
                    return self
                        .bind_created(&client, &row, &context, external_id)
                        .await;
                }
                // Refused, so certainly not created: lines it names are left out and the rest
                // sent; an order refused as a whole fails with BigCommerce's words.
                Err(refusal @ BcError::Validation { .. }) => {
                    let refused = refused_lines(&refusal);
                    if refused.is_empty() || refused.len() >= sent.len() {
                        return self.fail(&row, &context, &refusal.to_string()).await;
                    }
                    let mut tx = self.db.begin().await?;
                    for (index, why) in refused {
                        if let Some(line) = sent.get(index) {
                            let sku = self.sku_of(&context, line.order_line_id).await?;
                            let message = LeftOut::Refused(why).message(&sku);
                            vendor_orders::leave_out_line(&mut tx, line.id, &message).await?;
                        }
                    }
                    tx.commit().await?;
                }
                // Definitely not applied: the store turned the request away at the door.
                Err(
                    e @ (BcError::Unauthorized { .. }
                    | BcError::Forbidden { .. }
                    | BcError::NotFound { .. }),
                ) => return self.fail(&row, &context, &e.to_string()).await,
                // Maybe applied: the attempt stays `sending`; the next one looks first.
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Records, once, which lines go on the vendor's order as which vendor product, and which
    /// are left out and why (a retried job keeps what the first recorded).
    async fn plan_lines(
        &self,
        row: &VendorOrderRow,
        context: &SendContext,
    ) -> Result<(), SyncError> {
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        if !vendor_orders::lines(&mut conn, row.id).await?.is_empty() {
            return Ok(());
        }
        drop(conn);
        let purchase_order = self.purchase_order_for_send(context).await?;
        let skus: Vec<String> = purchase_order
            .lines
            .iter()
            .filter_map(|l| l.sku.clone())
            .collect();
        let matches = self.vendor_line_matches(context.vendor_id, &skus).await?;
        let planned: Vec<PlannedLine> = purchase_order
            .lines
            .iter()
            .map(|line| {
                let sku = line.sku.clone().unwrap_or_default();
                let (vendor_item, left_out) = match matches.get(&sku) {
                    Some(LineMatch::Matched(product, variant)) => {
                        (Some((*product, *variant)), None)
                    }
                    Some(LineMatch::Ambiguous) => (None, Some(LeftOut::Ambiguous)),
                    _ => (None, Some(LeftOut::Unmatched)),
                };
                PlannedLine {
                    order_line_id: line.order_line_id,
                    quantity: line.quantity,
                    vendor_item,
                    message: left_out.map(|l| l.message(&sku)),
                }
            })
            .collect();
        let mut tx = self.db.begin().await?;
        vendor_orders::record_lines(&mut tx, row.id, &planned).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn purchase_order_for_send(
        &self,
        context: &SendContext,
    ) -> Result<orders::PurchaseOrder, SyncError> {
        orders::vendor_purchase_order(&self.db, context.vendor_id, context.purchase_order_id)
            .await?
            .ok_or_else(|| {
                SyncError::Store(format!(
                    "purchase order {} is gone",
                    context.purchase_order_id
                ))
            })
    }

    async fn sku_of(&self, context: &SendContext, order_line_id: i64) -> Result<String, SyncError> {
        let purchase_order = self.purchase_order_for_send(context).await?;
        Ok(purchase_order
            .lines
            .iter()
            .find(|l| l.order_line_id == order_line_id)
            .and_then(|l| l.sku.clone())
            .unwrap_or_else(|| "(none)".to_owned()))
    }

    /// The order as the vendor's store gets it: the end customer as the shipping address, the
    /// merchant as the billing address, the vendor's options applied.
    async fn outgoing(
        &self,
        row: &VendorOrderRow,
        context: &SendContext,
        sent: &[&vendor_orders::VendorOrderLine],
    ) -> Result<OutgoingVendorOrder, SyncError> {
        let purchase_order = self.purchase_order_for_send(context).await?;
        let options = self.vendor_store_order_options(context.vendor_id).await?;
        let address = purchase_order.addresses.first();
        let mut shipping = address
            .map(|a| OutgoingAddress {
                name: a.name.clone(),
                company: a.company.clone(),
                street_1: a.street_1.clone(),
                street_2: a.street_2.clone(),
                city: a.city.clone(),
                state: a.state.clone(),
                zip: a.zip.clone(),
                country_iso2: a.country_iso2.clone(),
                email: None,
                phone: None,
            })
            .unwrap_or_default();
        if options.include_customer_contact {
            shipping.email = context.customer_email.clone();
            shipping.phone = address.and_then(|a| a.phone.clone());
        }
        // The merchant is who the vendor bills; wharf keeps no postal address of the merchant,
        // so the shipping address's place stands in (BigCommerce requires one).
        let mut billing = OutgoingAddress {
            name: context.merchant_store_name.clone(),
            company: Some(context.merchant_store_name.clone()),
            email: None,
            phone: None,
            ..shipping.clone()
        };
        // The vendor store's customer e-mails go to the billing e-mail: only with both options
        // on do they reach the end customer.
        if options.send_customer_emails && options.include_customer_contact {
            billing.email = context.customer_email.clone();
        }
        Ok(OutgoingVendorOrder {
            reference: row.reference.clone(),
            status_id: options.order_status_id,
            billing,
            shipping,
            items: sent
                .iter()
                .map(|l| OutgoingItem {
                    product_id: l.vendor_product_id.unwrap_or_default(),
                    variant_id: l.vendor_variant_id.unwrap_or_default(),
                    quantity: l.quantity,
                })
                .collect(),
            customer_message: purchase_order.customer_message.clone(),
            shipping_method: None,
        })
    }

    /// The vendor's order exists: its products are bound to the lines sent (so its shipments
    /// map back) and the attempt is created, naming any lines left out.
    async fn bind_created(
        &self,
        client: &StoreClient,
        row: &VendorOrderRow,
        context: &SendContext,
        external_id: i64,
    ) -> Result<(), SyncError> {
        let products = vendor_order_products(client, external_id).await?;
        let mut tx = self.db.begin().await?;
        let lines = vendor_orders::lines(&mut tx, row.id).await?;
        let mut taken = Vec::new();
        for line in lines.iter().filter(|l| l.sent) {
            let product = products.iter().find(|p| {
                !taken.contains(&p.order_product_id)
                    && Some(p.product_id) == line.vendor_product_id
                    && Some(p.variant_id) == line.vendor_variant_id
            });
            if let Some(product) = product {
                taken.push(product.order_product_id);
                vendor_orders::set_external_product(&mut tx, line.id, product.order_product_id)
                    .await?;
            }
        }
        let left_out = left_out_message(&lines);
        if vendor_orders::mark_created(&mut tx, row.id, external_id, left_out.as_deref()).await? {
            let mut message = format!(
                "Purchase order {} is order {external_id} in the vendor's store",
                row.reference
            );
            if let Some(left_out) = &left_out {
                message.push_str(&format!(" — not on it: {left_out}"));
            }
            orders::record_event(&mut tx, context.order_id, "vendor_order", &message).await?;
        }
        tx.commit().await?;
        self.record_lag("vendor_orders", row.intent_at).await;
        Ok(())
    }

    async fn fail(
        &self,
        row: &VendorOrderRow,
        context: &SendContext,
        message: &str,
    ) -> Result<(), SyncError> {
        let mut tx = self.db.begin().await?;
        if vendor_orders::mark_failed(&mut tx, row.id, message).await? {
            let event = format!(
                "Purchase order {} was not sent to the vendor's store: {message}. Fix it, then Send again",
                row.reference
            );
            orders::record_event(&mut tx, context.order_id, "vendor_order_failed", &event).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The reasons of the lines left out, joined; `None` when every line went on the order.
fn left_out_message(lines: &[vendor_orders::VendorOrderLine]) -> Option<String> {
    let reasons: Vec<&str> = lines
        .iter()
        .filter(|l| !l.sent)
        .filter_map(|l| l.message.as_deref())
        .collect();
    (!reasons.is_empty()).then(|| reasons.join("; "))
}
