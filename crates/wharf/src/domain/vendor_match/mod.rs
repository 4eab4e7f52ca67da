//! Matching a vendor store's variants to the merchant's items.
//!
//! The rules, in order:
//! 1. A merchant item is its SKU (wharf's items are known by SKU; two store variants with one
//!    SKU are one item, their barcodes pooled). Items without a SKU take no part.
//! 2. By SKU, with the vendor's stock-feed options (`SkuMatching`: case, prefix): the merchant's
//!    SKUs keyed with `store_key`, the vendor's with `vendor_key`. A key one item and one
//!    variant share is a match; a key shared by more on either side is *ambiguous* for every
//!    item in it, and its variants are taken (never matched by barcode instead).
//! 3. By barcode, among the items and variants rule 2 left alone: a UPC or GTIN read as digits
//!    (spaces and hyphens dropped, leading zeros too, so a UPC-A and its GTIN-13/14 agree; 8 to
//!    14 digits, else not a barcode). An item whose barcodes name exactly one such variant, which
//!    no other item's barcodes name, is a match; an item with more candidates, or one sharing its
//!    candidate with another item, is ambiguous.
//! 4. What is left: items the vendor does not have and variants that match nothing.
//!
//! Nothing is ever guessed: an ambiguous item has no variant until the data is fixed. Every
//! entry says why in words.

use std::collections::{BTreeMap, BTreeSet};

use super::inventory::SkuMatching;

/// A merchant's item as the sales stores' catalog holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantItem {
    pub sku: String,
    pub upc: Option<String>,
    pub gtin: Option<String>,
}

/// A variant of the vendor's store, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorVariant {
    pub product_id: i64,
    pub variant_id: i64,
    pub sku: Option<String>,
    pub upc: Option<String>,
    pub gtin: Option<String>,
    pub purchasable: bool,
}

/// A vendor store's variant as read: what the match, the purchase orders and the stock back
/// need of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorStoreVariant {
    pub product_id: i64,
    pub variant_id: i64,
    pub product_name: String,
    /// "Color: Red, Size: M"; empty for a base variant.
    pub options: String,
    pub sku: Option<String>,
    pub upc: Option<String>,
    pub gtin: Option<String>,
    pub purchasable: bool,
    /// Units the vendor's store can sell (summed over its locations, or at the chosen one);
    /// `None` when it does not track the variant's stock.
    pub inventory_level: Option<i64>,
}

impl VendorStoreVariant {
    pub fn for_matching(&self) -> VendorVariant {
        VendorVariant {
            product_id: self.product_id,
            variant_id: self.variant_id,
            sku: self.sku.clone(),
            upc: self.upc.clone(),
            gtin: self.gtin.clone(),
            purchasable: self.purchasable,
        }
    }
}

/// Where an item stands with the vendor's store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchState {
    Matched,
    Unmatched,
    Ambiguous,
}

impl MatchState {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchState::Matched => "matched",
            MatchState::Unmatched => "unmatched",
            MatchState::Ambiguous => "ambiguous",
        }
    }

    /// Refuses what it does not know: a stored state is one of the three.
    pub fn parse(s: &str) -> Option<MatchState> {
        match s {
            "matched" => Some(MatchState::Matched),
            "unmatched" => Some(MatchState::Unmatched),
            "ambiguous" => Some(MatchState::Ambiguous),
            _ => None,
        }
    }
}

/// What made a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Sku,
    Barcode,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Sku => "sku",
            MatchedBy::Barcode => "barcode",
        }
    }

    pub fn parse(s: &str) -> Option<MatchedBy> {
        match s {
            "sku" => Some(MatchedBy::Sku),
            "barcode" => Some(MatchedBy::Barcode),
            _ => None,
        }
    }
}

/// A vendor variant by its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VariantKey {
    pub product_id: i64,
    pub variant_id: i64,
}

/// One line of the match: a matched pair, an item alone, a variant alone, or an ambiguous item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchEntry {
    pub state: MatchState,
    /// The merchant's SKU; `None` for a vendor variant that matches nothing.
    pub merchant_sku: Option<String>,
    /// The vendor's variant: set when matched, and for a variant that matches nothing.
    pub variant: Option<VariantKey>,
    pub matched_by: Option<MatchedBy>,
    pub reason: String,
}

/// The whole match: every item and every variant appears in exactly one entry (an ambiguous
/// group's variants in its items' entries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VendorMatch {
    pub entries: Vec<MatchEntry>,
}

impl VendorMatch {
    pub fn count(&self, state: MatchState) -> usize {
        self.entries.iter().filter(|e| e.state == state).count()
    }
}

/// A barcode as digits without leading zeros (UPC-A 012345678905 and GTIN-14 00012345678905
/// are one code); `None` when it is not 8 to 14 digits once spaces and hyphens are dropped.
pub fn barcode_key(code: &str) -> Option<String> {
    let digits: String = code
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if !(8..=14).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn barcodes(upc: Option<&str>, gtin: Option<&str>) -> BTreeSet<String> {
    [upc, gtin]
        .into_iter()
        .flatten()
        .filter_map(barcode_key)
        .collect()
}

fn describe_variant(v: &VendorVariant) -> String {
    match v.sku.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(sku) => format!("the vendor's variant {sku}"),
        None => format!(
            "the vendor's variant {} of product {}",
            v.variant_id, v.product_id
        ),
    }
}

fn list_in_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Matches the vendor's variants to the merchant's items by the rules in the module doc.
pub fn match_variants(
    items: &[MerchantItem],
    variants: &[VendorVariant],
    matching: &SkuMatching,
) -> VendorMatch {
    // Rule 1: one item per SKU, barcodes pooled.
    let mut merchant: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for item in items {
        let sku = item.sku.trim();
        if sku.is_empty() {
            continue;
        }
        merchant
            .entry(sku.to_owned())
            .or_default()
            .extend(barcodes(item.upc.as_deref(), item.gtin.as_deref()));
    }
    let mut entries = Vec::new();

    // Rule 2: by SKU.
    let mut items_by_key: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for sku in merchant.keys() {
        items_by_key
            .entry(matching.store_key(sku))
            .or_default()
            .push(sku);
    }
    let mut variants_by_key: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, v) in variants.iter().enumerate() {
        if let Some(sku) = v.sku.as_deref() {
            let key = matching.vendor_key(sku);
            if !key.is_empty() {
                variants_by_key.entry(key).or_default().push(i);
            }
        }
    }
    let mut settled_items: BTreeSet<&str> = BTreeSet::new();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    for (key, skus) in &items_by_key {
        let Some(found) = variants_by_key.get(key) else {
            continue;
        };
        settled_items.extend(skus.iter().copied());
        taken.extend(found.iter().copied());
        if let ([sku], [i]) = (skus.as_slice(), found.as_slice()) {
            let v = &variants[*i];
            entries.push(MatchEntry {
                state: MatchState::Matched,
                merchant_sku: Some((*sku).to_owned()),
                variant: Some(key_of(v)),
                matched_by: Some(MatchedBy::Sku),
                reason: format!("Same SKU as {}", describe_variant(v)),
            });
            continue;
        }
        let named: Vec<String> = found
            .iter()
            .map(|&i| describe_variant(&variants[i]))
            .collect();
        for sku in skus {
            let reason = if skus.len() > 1 {
                let others: Vec<String> = skus
                    .iter()
                    .filter(|s| *s != sku)
                    .map(|s| format!("your SKU {s}"))
                    .collect();
                format!(
                    "{} could be this item or {}: fix the SKUs so each is one item's",
                    list_in_words(&named),
                    list_in_words(&others)
                )
            } else {
                format!(
                    "The SKU matches {} variants in the vendor's store ({}): fix the vendor's \
                     SKUs so only one carries it",
                    found.len(),
                    list_in_words(&named)
                )
            };
            entries.push(MatchEntry {
                state: MatchState::Ambiguous,
                merchant_sku: Some((*sku).to_owned()),
                variant: None,
                matched_by: None,
                reason,
            });
        }
    }

    // Rule 3: by barcode, among what rule 2 left.
    let mut variants_by_code: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, v) in variants.iter().enumerate() {
        if taken.contains(&i) {
            continue;
        }
        for code in barcodes(v.upc.as_deref(), v.gtin.as_deref()) {
            variants_by_code.entry(code).or_default().insert(i);
        }
    }
    let candidates: BTreeMap<&str, BTreeSet<usize>> = merchant
        .iter()
        .filter(|(sku, _)| !settled_items.contains(sku.as_str()))
        .map(|(sku, codes)| {
            let found = codes
                .iter()
                .filter_map(|c| variants_by_code.get(c))
                .flatten()
                .copied()
                .collect();
            (sku.as_str(), found)
        })
        .collect();
    let mut claimed_by: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for (sku, found) in &candidates {
        for &i in found {
            claimed_by.entry(i).or_default().push(sku);
        }
    }
    for (sku, found) in &candidates {
        if found.is_empty() {
            let codes = &merchant[*sku];
            let reason = if codes.is_empty() {
                "The vendor's store has no variant with this SKU, and the item has no barcode \
                 to match by"
                    .to_owned()
            } else {
                "The vendor's store has no variant with this SKU or barcode".to_owned()
            };
            entries.push(MatchEntry {
                state: MatchState::Unmatched,
                merchant_sku: Some((*sku).to_owned()),
                variant: None,
                matched_by: None,
                reason,
            });
            continue;
        }
        taken.extend(found.iter().copied());
        let only = (found.len() == 1)
            .then(|| *found.iter().next().expect("one candidate"))
            .filter(|i| claimed_by[i].len() == 1);
        if let Some(i) = only {
            let v = &variants[i];
            entries.push(MatchEntry {
                state: MatchState::Matched,
                merchant_sku: Some((*sku).to_owned()),
                variant: Some(key_of(v)),
                matched_by: Some(MatchedBy::Barcode),
                reason: format!("Same barcode as {}", describe_variant(v)),
            });
            continue;
        }
        let named: Vec<String> = found
            .iter()
            .map(|&i| describe_variant(&variants[i]))
            .collect();
        let rivals: BTreeSet<&str> = found
            .iter()
            .flat_map(|i| claimed_by[i].iter().copied())
            .filter(|s| s != sku)
            .collect();
        let reason = if found.len() > 1 {
            format!(
                "No variant has this SKU, and its barcode matches {} variants in the vendor's \
                 store ({})",
                found.len(),
                list_in_words(&named)
            )
        } else {
            let rivals: Vec<String> = rivals.iter().map(|s| format!("your SKU {s}")).collect();
            format!(
                "No variant has this SKU, and {} has the barcode of this item and of {}",
                list_in_words(&named),
                list_in_words(&rivals)
            )
        };
        entries.push(MatchEntry {
            state: MatchState::Ambiguous,
            merchant_sku: Some((*sku).to_owned()),
            variant: None,
            matched_by: None,
            reason,
        });
    }

    // Rule 4: the vendor's variants nothing took.
    for (i, v) in variants.iter().enumerate() {
        if taken.contains(&i) {
            continue;
        }
        let has_sku = v.sku.as_deref().is_some_and(|s| !s.trim().is_empty());
        let has_code = !barcodes(v.upc.as_deref(), v.gtin.as_deref()).is_empty();
        let reason = match (has_sku, has_code) {
            (false, false) => "The variant has no SKU and no barcode to match by",
            (true, false) => "None of your items has this SKU",
            (false, true) => "The variant has no SKU, and none of your items has its barcode",
            (true, true) => "None of your items has this SKU or barcode",
        };
        entries.push(MatchEntry {
            state: MatchState::Unmatched,
            merchant_sku: None,
            variant: Some(key_of(v)),
            matched_by: None,
            reason: reason.to_owned(),
        });
    }
    VendorMatch { entries }
}

fn key_of(v: &VendorVariant) -> VariantKey {
    VariantKey {
        product_id: v.product_id,
        variant_id: v.variant_id,
    }
}

#[cfg(test)]
mod tests;
