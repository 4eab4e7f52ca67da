//! Packing slips: a PDF of what goes in the parcel, for one purchase order or a selection of
//! the vendor's, one slip per purchase order and shipping address — the ship-to, the store's
//! order number and date, the lines with SKU, name and quantity, and never a price.
//!
//! The layout (`pdf.rs`, with Helvetica's metrics in `helvetica.rs`) is pure: it takes the
//! slips and the merchant's look and returns bytes. It sits in `app`, not `domain`, because
//! it is presentation (a file format and a page layout), not a rule of the business.

mod helvetica;
mod pdf;

pub use pdf::{PackingSlip, SlipBrand, SlipLine};

use super::App;
use super::error::AppError;
use crate::db::orders::{PurchaseOrder, PurchaseOrderAddress};

impl App {
    /// One PDF with the slips of the vendor's purchase orders, in the order given. Every id
    /// must be the vendor's own: one that is not answers "not found" and no PDF is made.
    pub async fn packing_slips_pdf(
        &self,
        vendor_id: i64,
        purchase_order_ids: &[i64],
    ) -> Result<Vec<u8>, AppError> {
        let mut purchase_orders = Vec::with_capacity(purchase_order_ids.len());
        for &id in purchase_order_ids {
            purchase_orders.push(
                self.vendor_purchase_order(vendor_id, id)
                    .await?
                    .purchase_order,
            );
        }
        let brand = self.slip_brand().await?;
        let slips: Vec<PackingSlip> = purchase_orders.iter().flat_map(slips_of).collect();
        // Laying out is pure CPU work well under a millisecond per page, and a selection is
        // bounded (`MAX_SLIPS_PER_PDF`): it runs here, not on the blocking pool.
        Ok(pdf::render(&brand, &slips))
    }

    /// The merchant's look on a slip: the branding set on the operators' Branding page.
    async fn slip_brand(&self) -> Result<SlipBrand, AppError> {
        let branding = self.branding().await?;
        Ok(SlipBrand::new(&branding.name, &branding.accent))
    }
}

/// A slip per shipping address the purchase order's lines go to (a line whose address
/// BigCommerce did not name gets a slip of its own without one).
fn slips_of(po: &PurchaseOrder) -> Vec<PackingSlip> {
    let mut addresses: Vec<Option<i64>> = po.lines.iter().map(|l| l.address_id).collect();
    addresses.dedup();
    addresses.sort_unstable();
    addresses.dedup();
    addresses
        .into_iter()
        .map(|address_id| PackingSlip {
            order_number: po.order_external_id,
            placed_on: po.order_placed_at_ms.and_then(day_in_words),
            ship_to: po
                .addresses
                .iter()
                .find(|a| Some(a.id) == address_id)
                .map(address_lines)
                .unwrap_or_default(),
            note: po.customer_message.clone(),
            lines: po
                .lines
                .iter()
                .filter(|l| l.address_id == address_id)
                .map(|l| SlipLine {
                    sku: l.sku.clone().unwrap_or_default(),
                    name: l.name.clone(),
                    quantity: l.quantity,
                })
                .collect(),
        })
        .collect()
}

fn address_lines(a: &PurchaseOrderAddress) -> Vec<String> {
    let mut lines = vec![a.name.clone()];
    lines.extend(a.company.clone());
    lines.push(a.street_1.clone());
    lines.extend(a.street_2.clone().filter(|s| !s.trim().is_empty()));
    let place = [Some(a.city.clone()), a.state.clone(), a.zip.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    lines.push(place);
    lines.extend(a.country_iso2.clone());
    lines.extend(a.phone.clone().map(|p| format!("Phone {p}")));
    lines
}

/// "7 Dec 2026", in UTC.
fn day_in_words(ms: i64) -> Option<String> {
    let at = jiff::Timestamp::from_millisecond(ms).ok()?;
    Some(at.strftime("%-d %b %Y").to_string())
}
