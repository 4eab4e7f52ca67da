//! What an import reports about the data BigCommerce sent, instead of storing it or failing on
//! it. The rules, each leaving the odd value out and storing the rest of the product:
//!
//! 1. A product that could not be read at all is skipped; its neighbours on the page are not.
//! 2. A variant that names another product as its own is left out of this one.
//! 3. An inventory level outside 0 to 2,147,483,647 (what BigCommerce accepts) is unknown.
//! 4. A negative price or cost price is unknown.
//! 5. A UPC or GTIN that is not 6 to 14 digits is left out: matching a vendor's barcode
//!    against it would be wrong either way.

use rust_decimal::Decimal;

use super::catalog::{CatalogProduct, CatalogVariant};

/// The largest inventory level BigCommerce stores (a 32-bit integer).
pub const MAX_INVENTORY_LEVEL: i64 = 2_147_483_647;

/// Barcodes (UPC-E to GTIN-14) are this many digits.
const BARCODE_DIGITS: std::ops::RangeInclusive<usize> = 6..=14;

/// One odd thing about one product (or one of its variants).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataIssue {
    pub product_external_id: u64,
    pub variant_external_id: Option<u64>,
    pub product_name: String,
    pub sku: Option<String>,
    pub kind: DataIssueKind,
    /// Says what was odd and what wharf did about it.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataIssueKind {
    UnreadableProduct,
    ForeignVariant,
    InventoryOutOfRange,
    NegativePrice,
    InvalidBarcode,
}

impl DataIssueKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DataIssueKind::UnreadableProduct => "unreadable_product",
            DataIssueKind::ForeignVariant => "foreign_variant",
            DataIssueKind::InventoryOutOfRange => "inventory_out_of_range",
            DataIssueKind::NegativePrice => "negative_price",
            DataIssueKind::InvalidBarcode => "invalid_barcode",
        }
    }
}

/// Applies rules 3 to 5 to a product and its variants: odd values are cleared and reported.
pub fn check_product(product: &mut CatalogProduct) -> Vec<DataIssue> {
    let mut found = Vec::new();
    let (id, name) = (product.external_id, product.name.clone());
    let sku = product.sku.clone();
    let mut report =
        |variant: Option<u64>, sku: &Option<String>, problem: (DataIssueKind, String)| {
            found.push(DataIssue {
                product_external_id: id,
                variant_external_id: variant,
                product_name: name.clone(),
                sku: sku.clone(),
                kind: problem.0,
                message: problem.1,
            });
        };
    for problem in check_fields(
        &mut product.inventory_level,
        &mut product.price,
        &mut product.cost_price,
        [&mut product.upc, &mut product.gtin],
    ) {
        report(None, &sku, problem);
    }
    for variant in &mut product.variants {
        let CatalogVariant {
            external_id,
            sku,
            upc,
            gtin,
            price,
            cost_price,
            inventory_level,
            ..
        } = variant;
        for problem in check_fields(inventory_level, price, cost_price, [upc, gtin]) {
            report(Some(*external_id), sku, problem);
        }
    }
    found
}

fn check_fields(
    level: &mut Option<i64>,
    price: &mut Option<Decimal>,
    cost_price: &mut Option<Decimal>,
    barcodes: [&mut Option<String>; 2],
) -> Vec<(DataIssueKind, String)> {
    let mut problems = Vec::new();
    if let Some(value) = level.filter(|l| !(0..=MAX_INVENTORY_LEVEL).contains(l)) {
        *level = None;
        problems.push((
            DataIssueKind::InventoryOutOfRange,
            format!(
                "Inventory level {value} is outside 0 to {MAX_INVENTORY_LEVEL}, what BigCommerce accepts; stored as unknown"
            ),
        ));
    }
    for (label, amount) in [("Price", price), ("Cost price", cost_price)] {
        if let Some(value) = amount.filter(|a| a.is_sign_negative()) {
            *amount = None;
            problems.push((
                DataIssueKind::NegativePrice,
                format!("{label} {value} is negative; stored as unknown"),
            ));
        }
    }
    for (label, code) in ["UPC", "GTIN"].into_iter().zip(barcodes) {
        if let Some(value) = code.as_deref().filter(|c| !is_barcode(c)) {
            problems.push((
                DataIssueKind::InvalidBarcode,
                format!(
                    "{label} “{value}” is not a barcode ({} to {} digits); left out, so vendors' barcodes are not matched against it",
                    BARCODE_DIGITS.start(),
                    BARCODE_DIGITS.end()
                ),
            ));
            *code = None;
        }
    }
    problems
}

fn is_barcode(code: &str) -> bool {
    BARCODE_DIGITS.contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::InventoryTracking;

    fn product() -> CatalogProduct {
        CatalogProduct {
            external_id: 7,
            name: "Jar".into(),
            sku: Some("JAR".into()),
            upc: Some("012345678905".into()),
            gtin: None,
            brand_name: None,
            price: Some(Decimal::new(1299, 2)),
            cost_price: None,
            inventory_tracking: InventoryTracking::Variant,
            inventory_level: Some(3),
            is_visible: true,
            date_modified_ms: None,
            variants: vec![CatalogVariant {
                external_id: 70,
                sku: Some("JAR-S".into()),
                upc: None,
                gtin: Some("ABC-123".into()),
                price: Some(Decimal::new(-1, 0)),
                cost_price: None,
                inventory_level: Some(MAX_INVENTORY_LEVEL + 1),
                options: String::new(),
                purchasable: true,
            }],
        }
    }

    #[test]
    fn sound_data_reports_nothing() {
        let mut sound = product();
        sound.variants[0].gtin = Some("00012345678905".into());
        sound.variants[0].price = None;
        sound.variants[0].inventory_level = Some(MAX_INVENTORY_LEVEL);
        let before = sound.clone();
        assert!(check_product(&mut sound).is_empty());
        assert_eq!(sound, before);
    }

    #[test]
    fn odd_values_are_cleared_and_each_named() {
        let mut odd = product();
        odd.inventory_level = Some(-4);
        let issues = check_product(&mut odd);
        let kinds: Vec<_> = issues
            .iter()
            .map(|i| (i.variant_external_id, i.kind))
            .collect();
        assert_eq!(
            kinds,
            [
                (None, DataIssueKind::InventoryOutOfRange),
                (Some(70), DataIssueKind::InventoryOutOfRange),
                (Some(70), DataIssueKind::NegativePrice),
                (Some(70), DataIssueKind::InvalidBarcode),
            ]
        );
        assert!(issues.iter().all(|i| i.product_name == "Jar"));
        assert_eq!(odd.inventory_level, None);
        assert_eq!(
            odd.upc.as_deref(),
            Some("012345678905"),
            "a sound UPC stays"
        );
        let variant = &odd.variants[0];
        assert_eq!((variant.inventory_level, variant.price), (None, None));
        assert_eq!(variant.gtin, None);
        assert!(
            issues[3].message.contains("ABC-123"),
            "{}",
            issues[3].message
        );
    }
}
