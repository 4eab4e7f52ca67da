//! What an order in Needs attention waits for, and the one-click fixes: the lines no rule
//! matches (name, SKU, brand), and a vendor chosen for one line's variant (a SKU rule) or for
//! a brand (a brand rule). Either rule is the same as one added on the rules page, and the
//! store's orders waiting in Needs attention are routed again at once.

use super::App;
use super::error::AppError;
use super::vendors::AssignmentInput;
use crate::db::orders::{self, UnroutedLine};
use crate::db::{self, DbError};
use crate::domain::routing::plan_order_passing_over;
use crate::domain::{FieldError, FieldErrors};

impl App {
    /// The order's lines that no rule sends to an active vendor (that did not decline them),
    /// in line order, each with the declines that left it here.
    pub async fn unmatched_lines(&self, order_id: i64) -> Result<Vec<UnroutedLine>, AppError> {
        let order = self.order_summary(order_id).await?;
        let rules = db::assignments::routing_rules(&self.db, order.store_id).await?;
        let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
        let lines = orders::unrouted_lines(&mut conn, order_id).await?;
        let passed_over = orders::declines_of_order(&mut conn, order_id).await?;
        let plan = plan_order_passing_over(&rules, &lines, &passed_over);
        let declines = orders::line_declines(&mut conn, order_id).await?;
        Ok(orders::unrouted_line_details(&mut conn, order_id)
            .await?
            .into_iter()
            .filter(|line| plan.needs_attention.contains(&line.line_id))
            .map(|line| UnroutedLine {
                declined: declines
                    .iter()
                    .filter(|d| d.order_line_id == line.line_id)
                    .cloned()
                    .collect(),
                ..line
            })
            .collect())
    }

    /// Sends the variant of one of the order's unmatched lines to a vendor (a SKU rule), then
    /// routes the store's waiting orders. Returns how many were routed.
    pub async fn assign_line_to_vendor(
        &self,
        order_id: i64,
        line_id: i64,
        vendor_id: i64,
    ) -> Result<usize, AppError> {
        let store_id = self.order_summary(order_id).await?.store_id;
        let line = self
            .unmatched_lines(order_id)
            .await?
            .into_iter()
            .find(|line| line.line_id == line_id)
            .ok_or_else(|| {
                invalid(
                    "line",
                    "This line has a vendor already; reload the order to see where it went",
                )
            })?;
        let Some(variant_id) = line.variant_id else {
            return Err(invalid(
                "line",
                format!(
                    "{} is not in the imported catalog, so it has no SKU rule: assign it by SKU \
                     prefix on the store's rules page, or choose the store's default vendor",
                    line.name
                ),
            ));
        };
        self.active_vendor(vendor_id).await?;
        db::assignments::assign_variant(&self.db, store_id, variant_id, vendor_id).await?;
        tracing::info!(
            store_id,
            variant_id,
            vendor_id,
            "variant assigned from an order"
        );
        // Whose stock counts follows the rules: publish again under the new ones.
        self.queue_pushes_everywhere().await?;
        self.reroute_needing_attention(store_id).await
    }

    /// Sends a brand to a vendor (a brand rule) for the order's store, then routes the store's
    /// waiting orders. Returns how many were routed.
    pub async fn assign_brand_to_vendor(
        &self,
        order_id: i64,
        brand: &str,
        vendor_id: i64,
    ) -> Result<usize, AppError> {
        let store_id = self.order_summary(order_id).await?.store_id;
        let vendor = self.active_vendor(vendor_id).await?;
        let rule = AssignmentInput::Brand {
            brand: brand.to_owned(),
            vendor: vendor.name,
        };
        self.assign(store_id, &rule).await?;
        self.reroute_needing_attention(store_id).await
    }

    /// The vendor chosen in a form, refused by name when it is gone or deactivated.
    async fn active_vendor(&self, vendor_id: i64) -> Result<super::vendors::VendorView, AppError> {
        let vendor = self.vendor(vendor_id).await.map_err(|error| match error {
            AppError::NotFound { .. } => invalid("vendor", "Choose a vendor from the list"),
            other => other,
        })?;
        if !vendor.active {
            return Err(invalid(
                "vendor",
                format!(
                    "{} is deactivated: routing never chooses it. Reactivate it first",
                    vendor.name
                ),
            ));
        }
        Ok(vendor)
    }
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldErrors(vec![FieldError::new(field, message)]))
}
