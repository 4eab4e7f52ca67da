//! The match's rules, one example each, and its invariants over random catalogs.

use super::*;
use proptest::prelude::*;

fn item(sku: &str, upc: Option<&str>) -> MerchantItem {
    MerchantItem {
        sku: sku.into(),
        upc: upc.map(Into::into),
        gtin: None,
    }
}

fn variant(id: i64, sku: Option<&str>, gtin: Option<&str>) -> VendorVariant {
    VendorVariant {
        product_id: 100 + id,
        variant_id: id,
        sku: sku.map(Into::into),
        upc: None,
        gtin: gtin.map(Into::into),
        purchasable: true,
    }
}

fn entry_of<'a>(m: &'a VendorMatch, sku: &str) -> &'a MatchEntry {
    m.entries
        .iter()
        .find(|e| e.merchant_sku.as_deref() == Some(sku))
        .expect("an entry for the SKU")
}

#[test]
fn matches_by_sku_then_by_barcode() {
    let items = [item("A-1", None), item("B-2", Some("0012345678905"))];
    let variants = [
        variant(1, Some("A-1"), None),
        variant(2, Some("OTHER"), Some("12345678905")),
    ];
    let m = match_variants(&items, &variants, &SkuMatching::default());
    let a = entry_of(&m, "A-1");
    assert_eq!(a.state, MatchState::Matched);
    assert_eq!(a.matched_by, Some(MatchedBy::Sku));
    assert_eq!(a.variant.map(|v| v.variant_id), Some(1));
    let b = entry_of(&m, "B-2");
    assert_eq!(b.state, MatchState::Matched);
    assert_eq!(b.matched_by, Some(MatchedBy::Barcode));
    assert_eq!(b.variant.map(|v| v.variant_id), Some(2));
    assert_eq!(m.entries.len(), 2);
}

#[test]
fn case_and_prefix_follow_the_feed_options() {
    let items = [item("abc-1", None)];
    let variants = [variant(1, Some("ACME-ABC-1"), None)];
    let exact = match_variants(&items, &variants, &SkuMatching::default());
    assert_eq!(entry_of(&exact, "abc-1").state, MatchState::Unmatched);
    let loose = SkuMatching {
        case_insensitive: true,
        strip_prefix: Some("acme-".into()),
    };
    let m = match_variants(&items, &variants, &loose);
    assert_eq!(entry_of(&m, "abc-1").state, MatchState::Matched);
}

#[test]
fn two_vendor_variants_with_one_sku_are_ambiguous_and_not_tried_by_barcode() {
    let items = [item("A-1", Some("12345678905"))];
    let variants = [
        variant(1, Some("A-1"), None),
        variant(2, Some("A-1"), Some("12345678905")),
    ];
    let m = match_variants(&items, &variants, &SkuMatching::default());
    let a = entry_of(&m, "A-1");
    assert_eq!(a.state, MatchState::Ambiguous);
    assert!(a.reason.contains("2 variants"), "{}", a.reason);
    assert_eq!(
        m.entries.len(),
        1,
        "the variants are in the ambiguous entry"
    );
}

#[test]
fn two_items_one_vendor_variant_is_ambiguous_for_both() {
    let items = [item("abc", None), item("ABC", None)];
    let variants = [variant(1, Some("Abc"), None)];
    let loose = SkuMatching {
        case_insensitive: true,
        strip_prefix: None,
    };
    let m = match_variants(&items, &variants, &loose);
    assert_eq!(entry_of(&m, "abc").state, MatchState::Ambiguous);
    assert_eq!(entry_of(&m, "ABC").state, MatchState::Ambiguous);
    assert!(entry_of(&m, "abc").reason.contains("your SKU ABC"));

    let by_code = [
        item("X", Some("12345678905")),
        item("Y", Some("12345678905")),
    ];
    let variants = [variant(1, None, Some("012345678905"))];
    let m = match_variants(&by_code, &variants, &SkuMatching::default());
    assert_eq!(entry_of(&m, "X").state, MatchState::Ambiguous);
    assert!(entry_of(&m, "X").reason.contains("your SKU Y"));
}

#[test]
fn what_matches_nothing_is_listed_with_why() {
    let items = [item("A-1", None)];
    let variants = [variant(1, Some("Z"), None), variant(2, None, None)];
    let m = match_variants(&items, &variants, &SkuMatching::default());
    assert_eq!(m.count(MatchState::Unmatched), 3);
    assert!(entry_of(&m, "A-1").reason.contains("no barcode"));
    let lone = m
        .entries
        .iter()
        .find(|e| e.variant.map(|v| v.variant_id) == Some(2))
        .expect("the variant without codes");
    assert!(lone.reason.contains("no SKU and no barcode"));
}

#[test]
fn barcodes_are_digits_without_leading_zeros() {
    assert_eq!(barcode_key("0 12345-67890 5"), Some("12345678905".into()));
    assert_eq!(barcode_key("00012345678905"), Some("12345678905".into()));
    assert_eq!(barcode_key("ABC12345678"), None);
    assert_eq!(barcode_key("1234"), None);
    assert_eq!(barcode_key("00000000"), None);
}

fn arb_code() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        (1u8..5).prop_map(|n| Some(format!("0000000{n}")))
    ]
}

proptest! {
    /// Every item and every variant is accounted for exactly once, no variant is matched
    /// twice, and a match pairs codes that agree under the rules.
    #[test]
    fn every_item_and_variant_once_and_no_variant_twice(
        items in proptest::collection::vec(("[aAbB]{1,2}", arb_code()), 0..8),
        variants in proptest::collection::vec((proptest::option::of("[aAbBx]{0,2}"), arb_code()), 0..8),
        case_insensitive in any::<bool>(),
    ) {
        let items: Vec<MerchantItem> = items
            .into_iter()
            .map(|(sku, upc)| MerchantItem { sku, upc, gtin: None })
            .collect();
        let variants: Vec<VendorVariant> = variants
            .into_iter()
            .enumerate()
            .map(|(i, (sku, gtin))| VendorVariant {
                product_id: 1,
                variant_id: i as i64,
                sku,
                upc: None,
                gtin,
                purchasable: true,
            })
            .collect();
        let matching = SkuMatching { case_insensitive, strip_prefix: None };
        let m = match_variants(&items, &variants, &matching);

        let skus: BTreeSet<&str> = items.iter().map(|i| i.sku.as_str()).collect();
        let listed: Vec<&str> = m.entries.iter().filter_map(|e| e.merchant_sku.as_deref()).collect();
        let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
        prop_assert_eq!(listed.len(), listed_set.len(), "an item listed twice");
        prop_assert_eq!(listed_set, skus);

        let matched: Vec<i64> = m.entries.iter()
            .filter(|e| e.state == MatchState::Matched)
            .filter_map(|e| e.variant.map(|v| v.variant_id))
            .collect();
        let matched_set: BTreeSet<i64> = matched.iter().copied().collect();
        prop_assert_eq!(matched.len(), matched_set.len(), "a variant matched twice");

        for e in &m.entries {
            prop_assert!(!e.reason.is_empty());
            match e.state {
                MatchState::Matched => {
                    let v = &variants[e.variant.unwrap().variant_id as usize];
                    let sku = e.merchant_sku.as_deref().unwrap();
                    let same_sku = v.sku.as_deref().is_some_and(|s| matching.vendor_key(s) == matching.store_key(sku));
                    let item_codes: BTreeSet<String> = items.iter().filter(|i| i.sku == sku)
                        .filter_map(|i| i.upc.as_deref().and_then(barcode_key)).collect();
                    let same_code = v.gtin.as_deref().and_then(barcode_key).is_some_and(|c| item_codes.contains(&c));
                    prop_assert!(same_sku || same_code);
                    // A SKU match is unique: no other variant carries the key.
                    if e.matched_by == Some(MatchedBy::Sku) {
                        let carriers = variants.iter().filter(|w| w.sku.as_deref()
                            .is_some_and(|s| matching.vendor_key(s) == matching.store_key(sku))).count();
                        prop_assert_eq!(carriers, 1);
                    }
                }
                MatchState::Ambiguous => prop_assert!(e.variant.is_none()),
                MatchState::Unmatched => prop_assert!(e.merchant_sku.is_some() != e.variant.is_some()),
            }
        }
        // A variant is in a match, an ambiguous item's candidates or listed alone; those
        // listed alone match nothing by SKU.
        for e in m.entries.iter().filter(|e| e.merchant_sku.is_none()) {
            let v = &variants[e.variant.unwrap().variant_id as usize];
            let hit = v.sku.as_deref().is_some_and(|s| {
                let key = matching.vendor_key(s);
                !key.is_empty() && items.iter().any(|i| matching.store_key(&i.sku) == key)
            });
            prop_assert!(!hit, "a variant with an item's SKU listed as matching nothing");
        }
    }
}
