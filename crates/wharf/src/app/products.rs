//! The product list: the catalog's variants with the vendor each routes to, worked out by the
//! routing function the order router uses, so the list and the orders never disagree.

use std::collections::HashMap;

use super::App;
use super::error::AppError;
use crate::db::catalog::{self, CatalogRow};
use crate::db::{assignments, vendors};
use crate::domain::routing::{LineKind, LineRoute, RoutableLine, RoutingRules, route_line};

/// Which variants to list by the vendor they route to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VendorFilter {
    Any,
    Vendor(i64),
    /// Variants no active vendor would ship: they would wait in Needs attention.
    NoVendor,
}

impl App {
    /// Variants matching `search` (name or SKU), a page at a time, each with its vendor.
    pub async fn search_products(
        &self,
        store_id: Option<i64>,
        search: &str,
        vendor: VendorFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<CatalogRow>, i64), AppError> {
        if vendor == VendorFilter::Any {
            let (mut rows, total) =
                catalog::search_catalog(&self.db, store_id, search, false, limit, offset).await?;
            self.route_rows(&mut rows).await?;
            return Ok((rows, total));
        }
        // The vendor is decided by rules in code, not a column, so a filtered list routes
        // every match and pages in memory: one pass over a store's variants, like the rules
        // list's counts.
        let (mut rows, _) =
            catalog::search_catalog(&self.db, store_id, search, false, i64::MAX, 0).await?;
        self.route_rows(&mut rows).await?;
        rows.retain(|row| match vendor {
            VendorFilter::Vendor(id) => row.vendor_id == Some(id),
            VendorFilter::NoVendor => row.vendor_id.is_none(),
            VendorFilter::Any => true,
        });
        let total = rows.len() as i64;
        let page = rows
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        Ok((page, total))
    }

    /// Fills each row's vendor with where an order line of that variant would go now.
    async fn route_rows(&self, rows: &mut [CatalogRow]) -> Result<(), AppError> {
        let names: HashMap<i64, String> = vendors::list(&self.db)
            .await?
            .into_iter()
            .map(|v| (v.id, v.name))
            .collect();
        let mut rules: HashMap<i64, RoutingRules> = HashMap::new();
        for row in rows.iter_mut() {
            if let std::collections::hash_map::Entry::Vacant(entry) = rules.entry(row.store_id) {
                entry.insert(assignments::routing_rules(&self.db, row.store_id).await?);
            }
            let line = RoutableLine {
                line_id: row.variant_id,
                variant_id: Some(row.variant_id),
                brand: row.brand_name.clone(),
                sku: row.variant_sku.clone(),
                kind: LineKind::Physical,
                quantity: 1,
            };
            if let LineRoute::Vendor { vendor_id, .. } = route_line(&rules[&row.store_id], &line) {
                row.vendor_id = Some(vendor_id);
                row.vendor = names.get(&vendor_id).cloned();
            }
        }
        Ok(())
    }
}
