//! The ship form of a purchase order's page: what was typed, kept to show again, and the
//! shipment it asks for — each line's quantity checked against what is left before the use
//! case checks the whole.

use std::collections::HashMap;

use crate::db::orders::PurchaseOrderLine;
use crate::domain::shipment::{ShipmentInput, ShipmentLineInput};
use crate::domain::{FieldError, FieldErrors};

/// The ship form as sent: kept to show again beside its errors.
#[derive(Debug, Clone, Default)]
pub struct ShipForm {
    pub tracking_number: String,
    pub carrier: String,
    pub tracking_url: String,
    /// What each line's quantity field held, by order line id.
    pub quantities: HashMap<i64, String>,
    /// What is wrong with a line's quantity, by order line id.
    pub line_errors: HashMap<i64, String>,
    /// What is wrong with the other fields, or the shipment as a whole.
    pub errors: FieldErrors,
}

impl ShipForm {
    pub fn read(fields: &HashMap<String, String>) -> Self {
        let text = |name: &str| fields.get(name).cloned().unwrap_or_default();
        ShipForm {
            tracking_number: text("tracking_number"),
            carrier: text("carrier"),
            tracking_url: text("tracking_url"),
            quantities: fields
                .iter()
                .filter_map(|(name, value)| {
                    let id = name.strip_prefix("qty_")?.parse().ok()?;
                    Some((id, value.clone()))
                })
                .collect(),
            line_errors: HashMap::new(),
            errors: FieldErrors::default(),
        }
    }

    /// The shipment the form asks for; `None` when a quantity is wrong, each problem kept
    /// beside its line: a whole number from 0 (skip the line) to what is left. A quantity for
    /// a line not on the purchase order (a forged form) refuses the whole form.
    pub fn shipment(&mut self, lines: &[PurchaseOrderLine]) -> Option<ShipmentInput> {
        let mut shipped = Vec::new();
        for (&line_id, value) in &self.quantities {
            let Some(line) = lines.iter().find(|l| l.order_line_id == line_id) else {
                self.errors.push(FieldError::new(
                    "lines",
                    "This form names a line that is not on this purchase order: open the \
                     purchase order again and ship from there",
                ));
                continue;
            };
            let left = (line.quantity - line.quantity_shipped).max(0);
            let problem = match value.trim().parse::<i64>() {
                Ok(0) => None,
                Ok(n) if (1..=left).contains(&n) => {
                    shipped.push(ShipmentLineInput {
                        line_id: Some(line_id),
                        sku: None,
                        quantity: n,
                    });
                    None
                }
                Ok(n) if n > left => Some(format!("Only {left} of {} left to ship", line.name)),
                _ => Some(format!(
                    "Enter how many of {} you shipped: a whole number, 0 to leave it",
                    line.name
                )),
            };
            if let Some(problem) = problem {
                self.line_errors.insert(line_id, problem);
            }
        }
        if !self.errors.is_empty() || !self.line_errors.is_empty() {
            return None;
        }
        shipped.sort_by_key(|l| l.line_id);
        let optional = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        Some(ShipmentInput {
            tracking_number: self.tracking_number.clone(),
            carrier: self.carrier.clone(),
            tracking_url: optional(&self.tracking_url),
            shipping_method: None,
            lines: shipped,
        })
    }
}
