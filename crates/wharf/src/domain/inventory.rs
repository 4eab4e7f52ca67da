//! Inventory maths: what wharf publishes to the store for an item, from what vendors report.
//!
//! available = Σ fresh vendors' stock − allocated (open purchase-order lines not yet shipped)
//!             − each vendor's buffer, floored at 0.
//!
//! A vendor whose stock is stale (its last report older than the configured age) contributes
//! nothing: publishing numbers nobody vouches for is how stores oversell. Per location, the
//! deductions are taken from the lowest location id (the store's default, 1) upwards, so the
//! total published is exactly the formula's value however the stock is spread.

use std::collections::BTreeMap;

/// What BigCommerce tracks stock on: a variant (variant-tracked products) or a product.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Variant,
    Product,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Variant => "variant",
            ItemKind::Product => "product",
        }
    }

    /// Refuses what it does not know: a stored kind is one of the two.
    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "variant" => Some(ItemKind::Variant),
            "product" => Some(ItemKind::Product),
            _ => None,
        }
    }
}

/// An item's level at one store location: what a published level is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemAt {
    pub kind: ItemKind,
    /// wharf's variant or product id.
    pub item_id: i64,
    /// BigCommerce's inventory location id.
    pub location_id: i64,
}

/// One vendor warehouse's reported stock of an item, at the store location it maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stocked {
    pub vendor_id: i64,
    pub location_id: i64,
    pub quantity: i64,
}

/// How a vendor's reports are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VendorTerms {
    /// Units held back from what the vendor reports (a safety margin against feed lag).
    pub buffer: i64,
    /// False when the vendor's last report is older than the store accepts.
    pub fresh: bool,
}

/// The two sums the formula starts from, for an item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Fresh stock per location (stale vendors' locations at 0), by location id.
    pub by_location: BTreeMap<i64, i64>,
    /// All fresh stock counted.
    pub counted: i64,
    /// Units the buffers hold back: each vendor's buffer, at most what it counts.
    pub buffers: i64,
}

/// What the item's stock adds up to before what is sold is deducted.
pub fn tally(stocked: &[Stocked], terms: impl Fn(i64) -> VendorTerms) -> Tally {
    let mut tally = Tally::default();
    let mut by_vendor: BTreeMap<i64, i64> = BTreeMap::new();
    for s in stocked {
        let counted = if terms(s.vendor_id).fresh {
            s.quantity.max(0)
        } else {
            0
        };
        *tally.by_location.entry(s.location_id).or_default() += counted;
        *by_vendor.entry(s.vendor_id).or_default() += counted;
        tally.counted += counted;
    }
    tally.buffers = by_vendor
        .iter()
        .map(|(&vendor, &stock)| terms(vendor).buffer.max(0).min(stock))
        .sum();
    tally
}

/// The level to publish at each location any of the item's stock maps to (stale vendors'
/// locations included, at what is left for them: usually 0). Sorted by location id.
pub fn published_levels(
    stocked: &[Stocked],
    allocated: i64,
    terms: impl Fn(i64) -> VendorTerms,
) -> Vec<(i64, i64)> {
    let Tally {
        by_location,
        buffers,
        ..
    } = tally(stocked, terms);
    let mut deduction = allocated.max(0) + buffers;
    by_location
        .into_iter()
        .map(|(location, stock)| {
            let taken = deduction.min(stock);
            deduction -= taken;
            (location, stock - taken)
        })
        .collect()
}

/// How a vendor's SKUs are matched to the store's.
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct SkuMatching {
    /// "abc-1" matches "ABC-1".
    #[serde(default)]
    pub case_insensitive: bool,
    /// Removed from the start of the vendor's SKUs before matching ("ACME-" for "ACME-1234").
    #[serde(default)]
    pub strip_prefix: Option<String>,
}

impl SkuMatching {
    /// The key a vendor SKU is matched on; the store's SKUs are keyed with [`Self::store_key`].
    pub fn vendor_key(&self, vendor_sku: &str) -> String {
        self.store_key(self.stripped(vendor_sku))
    }

    /// The vendor SKU trimmed and without the prefix, case kept: what the database lowercases
    /// into a row's match key (`db::inventory`), so its lowercasing and the store's agree.
    pub fn stripped<'a>(&self, vendor_sku: &'a str) -> &'a str {
        let sku = vendor_sku.trim();
        let rest = match self.strip_prefix.as_deref().filter(|p| !p.is_empty()) {
            Some(prefix) if self.case_insensitive => {
                if sku.len() >= prefix.len()
                    && sku.is_char_boundary(prefix.len())
                    && sku[..prefix.len()].eq_ignore_ascii_case(prefix)
                {
                    &sku[prefix.len()..]
                } else {
                    sku
                }
            }
            Some(prefix) => sku.strip_prefix(prefix).unwrap_or(sku),
            None => sku,
        };
        rest.trim()
    }

    pub fn store_key(&self, store_sku: &str) -> String {
        if self.case_insensitive {
            store_sku.trim().to_lowercase()
        } else {
            store_sku.trim().to_owned()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fresh(buffer: i64) -> impl Fn(i64) -> VendorTerms {
        move |_| VendorTerms {
            buffer,
            fresh: true,
        }
    }

    #[test]
    fn the_formula_with_one_vendor() {
        let stocked = [Stocked {
            vendor_id: 1,
            location_id: 1,
            quantity: 10,
        }];
        assert_eq!(published_levels(&stocked, 3, fresh(2)), [(1, 5)]);
        assert_eq!(published_levels(&stocked, 30, fresh(2)), [(1, 0)]);
    }

    #[test]
    fn deductions_come_off_the_default_location_first() {
        let stocked = [
            Stocked {
                vendor_id: 1,
                location_id: 2,
                quantity: 10,
            },
            Stocked {
                vendor_id: 2,
                location_id: 1,
                quantity: 5,
            },
        ];
        assert_eq!(published_levels(&stocked, 8, fresh(0)), [(1, 0), (2, 7)]);
    }

    #[test]
    fn a_stale_vendor_publishes_zero_and_its_buffer_takes_nothing_from_others() {
        let stocked = [
            Stocked {
                vendor_id: 1,
                location_id: 1,
                quantity: 10,
            },
            Stocked {
                vendor_id: 2,
                location_id: 3,
                quantity: 50,
            },
        ];
        let terms = |vendor| VendorTerms {
            buffer: 5,
            fresh: vendor == 1,
        };
        assert_eq!(published_levels(&stocked, 0, terms), [(1, 5), (3, 0)]);
    }

    #[test]
    fn sku_matching_options() {
        let exact = SkuMatching::default();
        assert_eq!(exact.vendor_key(" ABC-1 "), "ABC-1");
        let loose = SkuMatching {
            case_insensitive: true,
            strip_prefix: Some("acme-".into()),
        };
        assert_eq!(loose.vendor_key("ACME-Abc-1"), "abc-1");
        assert_eq!(loose.store_key("ABC-1"), "abc-1");
        let prefix = SkuMatching {
            case_insensitive: false,
            strip_prefix: Some("ACME-".into()),
        };
        assert_eq!(
            prefix.vendor_key("acme-X"),
            "acme-X",
            "case matters unless asked"
        );
        assert_eq!(prefix.vendor_key("ACME-X"), "X");
    }

    proptest! {
        /// Never more than the vendors reported minus what is already sold (and the buffers),
        /// never negative, and exactly that when it is positive: nothing is lost either.
        #[test]
        fn never_publishes_more_than_reported_minus_sold(
            stocked in proptest::collection::vec((1i64..4, 1i64..4, -5i64..200), 0..12),
            allocated in -3i64..300,
            buffers in proptest::collection::vec(0i64..20, 4),
            stale in proptest::collection::vec(any::<bool>(), 4),
        ) {
            let stocked: Vec<Stocked> = stocked
                .into_iter()
                .map(|(vendor_id, location_id, quantity)| Stocked { vendor_id, location_id, quantity })
                .collect();
            let terms = |vendor: i64| VendorTerms {
                buffer: buffers[vendor as usize],
                fresh: !stale[vendor as usize],
            };
            let levels = published_levels(&stocked, allocated, terms);
            let total: i64 = levels.iter().map(|(_, q)| q).sum();
            prop_assert!(levels.iter().all(|(_, q)| *q >= 0));

            let mut per_vendor = [0i64; 4];
            for s in &stocked {
                if terms(s.vendor_id).fresh {
                    per_vendor[s.vendor_id as usize] += s.quantity.max(0);
                }
            }
            let reported: i64 = per_vendor.iter().sum();
            let held: i64 = (0..4).map(|v| buffers[v].min(per_vendor[v])).sum();
            let expected = (reported - allocated.max(0) - held).max(0);
            prop_assert!(total <= (reported - allocated.max(0)).max(0));
            prop_assert_eq!(total, expected);
            // Every location with stock is named, so a location going to zero is published.
            let mut locations: Vec<i64> = stocked.iter().map(|s| s.location_id).collect();
            locations.sort_unstable();
            locations.dedup();
            prop_assert_eq!(levels.iter().map(|(l, _)| *l).collect::<Vec<_>>(), locations);
        }
    }
}
