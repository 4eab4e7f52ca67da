//! Reading the stored match: merchant SKUs to the vendor's variants for purchase orders, and the
//! match lists people page through.

use std::collections::HashMap;

use serde::Serialize;

use crate::app::App;
use crate::app::error::AppError;
use crate::db::vendor_store_catalog as catalog;
use crate::domain::vendor_match::{MatchState, MatchedBy};
use crate::domain::{FieldError, FieldErrors};

/// What a purchase order line needs of the vendor's store for one merchant SKU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VendorVariantRef {
    pub state: MatchState,
    /// The vendor store's product and variant; set only when matched.
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    /// The vendor's store sells it (its product is not disabled, nor its purchasing); false
    /// when not matched.
    pub purchasable: bool,
    pub matched_by: Option<MatchedBy>,
    /// Why, in words.
    pub reason: String,
}

/// Match lines a page of the lists holds.
pub const MATCHES_PAGE_SIZE: i64 = 100;

/// How many lines of the match are in each state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MatchCounts {
    pub matched: i64,
    pub unmatched: i64,
    pub ambiguous: i64,
}

/// One line of a match list: a merchant item, the vendor's variant, or both.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchItem {
    pub state: MatchState,
    /// The merchant's SKU; absent for a vendor variant that matches nothing.
    pub merchant_sku: Option<String>,
    /// The vendor's variant, when the line names one.
    pub vendor_sku: Option<String>,
    pub product_name: Option<String>,
    /// "Color: Red, Size: M"; empty for a base variant.
    pub options: Option<String>,
    pub product_id: Option<i64>,
    pub variant_id: Option<i64>,
    pub purchasable: Option<bool>,
    /// What the vendor's store can sell of it, as last read.
    pub inventory_level: Option<i64>,
    pub matched_by: Option<MatchedBy>,
    /// Why, in words.
    pub reason: String,
}

/// A page of one state's lines, with every state's count.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatchesPage {
    pub state: MatchState,
    pub counts: MatchCounts,
    pub items: Vec<MatchItem>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<i64>,
}

impl App {
    /// For each merchant SKU (as the merchant's catalog spells it), the vendor's variant it
    /// matches, or why none: not in the match (no item has that SKU, or the vendor's catalog
    /// was not read yet), unmatched or ambiguous.
    pub async fn vendor_variants_for_lines(
        &self,
        vendor_id: i64,
        skus: &[String],
    ) -> Result<HashMap<String, VendorVariantRef>, AppError> {
        let link = self.vendor_store_link(vendor_id).await?;
        let wanted: Vec<String> = skus.iter().map(|s| s.trim().to_owned()).collect();
        let found = catalog::matches_for_skus(&self.db, link.store_id, &wanted).await?;
        let mut refs: HashMap<String, VendorVariantRef> = found
            .into_iter()
            .filter_map(|m| {
                let sku = m.merchant_sku?;
                let matched = m.state == MatchState::Matched;
                Some((
                    sku,
                    VendorVariantRef {
                        state: m.state,
                        product_id: m.variant.filter(|_| matched).map(|v| v.product_id),
                        variant_id: m.variant.filter(|_| matched).map(|v| v.variant_id),
                        purchasable: matched && m.purchasable.unwrap_or(false),
                        matched_by: m.matched_by,
                        reason: m.reason,
                    },
                ))
            })
            .collect();
        for (asked, sku) in skus.iter().zip(&wanted) {
            let known = refs.get(sku).cloned();
            let answer = known.unwrap_or_else(|| VendorVariantRef {
                state: MatchState::Unmatched,
                product_id: None,
                variant_id: None,
                purchasable: false,
                matched_by: None,
                reason: "No item of yours with this SKU was matched to the vendor's store: \
                         read the vendor's catalog again after importing your own"
                    .to_owned(),
            });
            refs.insert(asked.clone(), answer);
        }
        refs.retain(|sku, _| skus.contains(sku));
        Ok(refs)
    }

    /// A page of the vendor store's match lines in one state, after line `after`.
    pub async fn vendor_matches(
        &self,
        vendor_id: i64,
        state: Option<&str>,
        after: Option<i64>,
    ) -> Result<MatchesPage, AppError> {
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            None => MatchState::Matched,
            Some(s) => MatchState::parse(s).ok_or_else(|| {
                AppError::Invalid(FieldErrors(vec![FieldError::new(
                    "state",
                    "State is one of matched, unmatched or ambiguous",
                )]))
            })?,
        };
        if after.is_some_and(|a| a < 0) {
            return Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
                "after",
                "After is a line number from the previous page (0 or more)",
            )])));
        }
        let link = self.vendor_store_link(vendor_id).await?;
        let counts = catalog::match_counts(&self.db, link.store_id).await?;
        let count = |s| counts.get(&s).copied().unwrap_or(0);
        let mut rows = catalog::matches_page(
            &self.db,
            link.store_id,
            state,
            after.unwrap_or(0),
            MATCHES_PAGE_SIZE + 1,
        )
        .await?;
        let more = rows.len() as i64 > MATCHES_PAGE_SIZE;
        rows.truncate(MATCHES_PAGE_SIZE as usize);
        Ok(MatchesPage {
            state,
            counts: MatchCounts {
                matched: count(MatchState::Matched),
                unmatched: count(MatchState::Unmatched),
                ambiguous: count(MatchState::Ambiguous),
            },
            next_after: more.then(|| rows.last().map(|r| r.id)).flatten(),
            items: rows
                .into_iter()
                .map(|m| MatchItem {
                    state: m.state,
                    merchant_sku: m.merchant_sku,
                    vendor_sku: m.vendor_sku,
                    product_name: m.product_name,
                    options: m.options,
                    product_id: m.variant.map(|v| v.product_id),
                    variant_id: m.variant.map(|v| v.variant_id),
                    purchasable: m.purchasable,
                    inventory_level: m.inventory_level,
                    matched_by: m.matched_by,
                    reason: m.reason,
                })
                .collect(),
        })
    }
}
