//! Deterministic, realistic catalog seeding for tests and benchmarks. The same seed on a
//! fresh store gives the same catalog (names, SKUs, UPCs, prices, brands, tracking,
//! stock); only the timestamps follow the clock.
//!
//! The shape is documented on [`CatalogSeed`].

use jiff::SignedDuration;

use super::{Brand, Catalog, InventoryTracking, OptionValue, Product};
use crate::dates;
use crate::inventory::{DEFAULT_LOCATION_ID, Inventory};
use crate::money::Money;

/// BigCommerce allows 600 variants per product; the option tables below give 576.
pub const MAX_VARIANTS: usize = 576;
/// The least number of variants of a seeded "many variants" product (see [`CatalogSeed`]):
/// enough to need more than one page of the variants endpoints at `limit=50`, and more
/// than any small `SimConfig::inline_variant_cap` a test sets to exercise a client's
/// fallback to those endpoints.
pub const MANY_VARIANTS: usize = 60;
/// Seeded variant ids start here (unless already past it), far above product ids, so a
/// 10,000-product catalog's product and variant ids never overlap.
const SEEDED_VARIANT_FLOOR: u64 = 100_001;

/// What `Simulator::seed_catalog` adds. Brands: the first 20 (plus one per 500
/// products, at most 50) of a fixed list starting "Acme", "Northwind", "Contoso", with
/// ids from 36 up on a fresh store; brands the store already has are reused.
///
/// The catalog's shape, by the product's position `k` (0-based) within one call; the
/// rules are checked in this order and the first match wins:
/// - `k % 10 == 3`: **simple** (one base variant, no options), tracking `product`, except
///   `k % 40 == 23`: tracking `none`.
/// - `k % 50 == 7`: **many variants**: `max(MANY_VARIANTS, 2 × K)` variants
///   ([`MANY_VARIANTS`] is 60; capped like every product at [`MAX_VARIANTS`]), tracking
///   `variant`.
/// - otherwise `K` variants (`variants_per_product`; 0 makes every product simple);
///   tracking `variant`, except `k % 10 == 9`: tracking `product`, and `k % 20 == 1`:
///   tracking `none`.
///
/// Data quality problems an importer must report, rare but present from 100 products on:
/// - `k % 100 == 45`: the product's SKU duplicates product `k - 1`'s.
/// - `k % 100 == 65`: the product's SKU is blank (its variants keep theirs).
/// - `k % 100 == 85`: its first variant's SKU duplicates product `k - 1`'s first variant.
/// - `k % 100 == 95`: its last variant's SKU is blank.
///
/// When a simple product's SKU is the duplicate or blank one, its base variant's is too
/// (and is listed among the variants).
///
/// Also: `k % 50 == 49` has no brand (`brand_id` 0), `k % 25 == 24` is not visible.
/// SKUs read `BRAND-TYPE-ID[-COLOR-SIZE[-MATERIAL]]`, e.g. `ACME-TSHIRT-0152-RED-M`;
/// names `Acme Classic T-Shirt 0152`. Price `9.99 + (k % 40) × 2.50`, cost 55% of it;
/// variant `price` is `null` (inherit) except sizes XL/XXL at +2.00. Stock at location
/// 1: `(37k) % 150` for product tracking, `(31k + 7j) % 60` for variant `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogSeed {
    pub products: usize,
    /// Variants of an ordinary (non-simple, not "many") product, at most [`MAX_VARIANTS`].
    pub variants_per_product: usize,
}

/// What a seeding added, so tests can predict import results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SeededCatalog {
    /// In id order.
    pub product_ids: Vec<u64>,
    pub brand_ids: Vec<u64>,
    pub variant_count: usize,
    pub simple_product_ids: Vec<u64>,
    /// The "many variants" products: at least [`MANY_VARIANTS`] variants each.
    pub many_variant_product_ids: Vec<u64>,
    /// Products whose own SKU repeats an earlier product's.
    pub duplicate_sku_product_ids: Vec<u64>,
    pub blank_sku_product_ids: Vec<u64>,
    /// Variants whose SKU repeats an earlier variant's.
    pub duplicate_sku_variant_ids: Vec<u64>,
    pub blank_sku_variant_ids: Vec<u64>,
}

const BRANDS: [&str; 50] = [
    "Acme",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Wingtip",
    "Litware",
    "Proseware",
    "Adventure Works",
    "Alpine Ski House",
    "Blue Yonder",
    "Coho Vineyard",
    "Lucerne",
    "Margie's Travel",
    "Trey Research",
    "Woodgrove",
    "Graphic Design Institute",
    "Humongous",
    "Southridge",
    "Tasmanian Traders",
    "Wide World",
    "Fourth Coffee",
    "Relecloud",
    "Munson's",
    "Bellows College",
    "Boreal",
    "Cascade",
    "Driftwood",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nimbus",
    "Oakhurst",
    "Pinnacle",
    "Quarry",
    "Redwood",
    "Summit",
    "Timberline",
    "Umber",
    "Vantage",
    "Willow",
    "Yarrow",
    "Zephyr",
    "Aurora",
];
const KINDS: [(&str, &str); 12] = [
    ("T-Shirt", "TSHIRT"),
    ("Hoodie", "HOODIE"),
    ("Running Shoe", "SHOE"),
    ("Backpack", "BACKPACK"),
    ("Water Bottle", "BOTTLE"),
    ("Cap", "CAP"),
    ("Socks", "SOCKS"),
    ("Rain Jacket", "JACKET"),
    ("Travel Mug", "MUG"),
    ("Yoga Mat", "YOGAMAT"),
    ("Duffel Bag", "DUFFEL"),
    ("Beanie", "BEANIE"),
];
const STYLES: [&str; 8] = [
    "Classic",
    "Everyday",
    "Trail",
    "Urban",
    "Heritage",
    "Pro",
    "Lightweight",
    "Organic",
];
const COLORS: [&str; 12] = [
    "Red", "Blue", "Black", "White", "Green", "Grey", "Navy", "Olive", "Pink", "Yellow", "Orange",
    "Purple",
];
const SIZES: [&str; 6] = ["XS", "S", "M", "L", "XL", "XXL"];
const MATERIALS: [&str; 8] = [
    "Cotton",
    "Wool",
    "Linen",
    "Nylon",
    "Polyester",
    "Hemp",
    "Bamboo",
    "Fleece",
];

/// ~20–50 brands: 20 for small catalogs, one more per 500 products.
fn brand_count(products: usize) -> usize {
    (20 + products / 500).min(BRANDS.len())
}

/// `BRAND` part of a SKU: the first word, letters only, upper case.
fn brand_code(name: &str) -> String {
    name.split_whitespace()
        .next()
        .unwrap_or(name)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// A valid 12-digit UPC-A (check digit included) derived from `n`.
fn upc(n: u64) -> String {
    let body = format!("{:011}", 10_000_000_000 + n % 90_000_000_000);
    let check = upc_check_digit(&body);
    format!("{body}{check}")
}

/// UPC-A check digit of an 11-digit body: odd positions weigh 3, even ones 1.
fn upc_check_digit(body: &str) -> u32 {
    let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
    let odd: u32 = digits.iter().step_by(2).sum();
    let even: u32 = digits.iter().skip(1).step_by(2).sum();
    (10 - (odd * 3 + even) % 10) % 10
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Simple,
    Many,
    Ordinary,
}

fn shape(k: usize, per_product: usize) -> Shape {
    if k % 10 == 3 || per_product == 0 {
        Shape::Simple
    } else if k % 50 == 7 {
        Shape::Many
    } else {
        Shape::Ordinary
    }
}

fn tracking(k: usize, shape: Shape) -> InventoryTracking {
    match shape {
        Shape::Simple if k % 40 == 23 => InventoryTracking::None,
        Shape::Simple => InventoryTracking::Product,
        Shape::Many => InventoryTracking::Variant,
        Shape::Ordinary if k % 10 == 9 => InventoryTracking::Product,
        Shape::Ordinary if k % 20 == 1 => InventoryTracking::None,
        Shape::Ordinary => InventoryTracking::Variant,
    }
}

/// Option ids of one product: Color, Size, Material; values get ids of their own.
struct Options {
    first_id: u64,
}

impl Options {
    /// Variant `j`'s option values (Color × Size, then × Material past 72) and SKU suffix.
    fn variant(&self, j: usize, dims: usize) -> (Vec<OptionValue>, String) {
        let picks = [
            ("Color", &COLORS[..], (j / SIZES.len()) % COLORS.len()),
            ("Size", &SIZES[..], j % SIZES.len()),
            ("Material", &MATERIALS[..], j / (SIZES.len() * COLORS.len())),
        ];
        let mut values = Vec::with_capacity(dims);
        let mut suffix = String::new();
        for (o, (name, labels, i)) in picks.into_iter().take(dims).enumerate() {
            let option_id = self.first_id + o as u64;
            values.push(OptionValue {
                // Unique per product: option id × 100 + value index.
                id: option_id * 100 + i as u64,
                option_id,
                option_display_name: name.to_owned(),
                label: labels[i].to_owned(),
            });
            suffix.push('-');
            suffix.push_str(&labels[i].to_ascii_uppercase());
        }
        (values, suffix)
    }
}

pub(crate) fn seed(
    catalog: &mut Catalog,
    inventory: &mut Inventory,
    seed: CatalogSeed,
) -> SeededCatalog {
    let mut out = SeededCatalog::default();
    let brands = ensure_brands(catalog, brand_count(seed.products));
    out.brand_ids = brands.iter().map(|b| b.id).collect();
    catalog.next_variant_id = catalog.next_variant_id.max(SEEDED_VARIANT_FLOOR);

    // Seeded products were last modified over the day before seeding, one second apart
    // (at most 20 hours), so a later change is always newer than every seeded product.
    let now = dates::now();
    let start = now - SignedDuration::from_hours(24);
    let per_product = seed.variants_per_product.min(MAX_VARIANTS);
    let mut previous: Option<(String, String)> = None; // (product SKU, first variant SKU)

    for k in 0..seed.products {
        let id = catalog.next_product_id;
        let shape = shape(k, per_product);
        let brand = (k % 50 != 49).then(|| &brands[(k * 7) % brands.len()]);
        let (kind, kind_code) = KINDS[(k / 3) % KINDS.len()];
        let style = STYLES[(k / 7) % STYLES.len()];
        let code = brand.map_or_else(|| "GEN".to_owned(), |b| brand_code(&b.name));
        let own_sku = format!("{code}-{kind_code}-{id:04}");
        let name = match brand {
            Some(b) => format!("{} {style} {kind} {id:04}", b.name),
            None => format!("{style} {kind} {id:04}"),
        };
        let price = Money::from_cents(999 + (k as i64 % 40) * 250);
        let cost = Money::from_cents((999 + (k as i64 % 40) * 250) * 55 / 100);
        let product_upc = if shape == Shape::Simple {
            upc(id * 1000)
        } else {
            String::new()
        };

        let count = match shape {
            Shape::Simple => 1,
            Shape::Many => MANY_VARIANTS.max(2 * per_product).min(MAX_VARIANTS),
            Shape::Ordinary => per_product,
        };
        let dims = match count {
            _ if shape == Shape::Simple => 0,
            n if n > COLORS.len() * SIZES.len() => 3,
            _ => 2,
        };
        let options = Options {
            first_id: catalog.next_option_id,
        };
        catalog.next_option_id += dims as u64;
        let mut variants: Vec<(String, String, Vec<OptionValue>)> = (0..count)
            .map(|j| {
                if shape == Shape::Simple {
                    return (own_sku.clone(), product_upc.clone(), Vec::new());
                }
                let (values, suffix) = options.variant(j, dims);
                (
                    format!("{own_sku}{suffix}"),
                    upc(id * 1000 + j as u64 + 1),
                    values,
                )
            })
            .collect();

        let mut product_sku = own_sku.clone();
        let mut dup_product = false;
        let mut blank_product = false;
        match k % 100 {
            45 => {
                if let Some((sku, _)) = &previous {
                    product_sku.clone_from(sku);
                    dup_product = true;
                }
            }
            65 => {
                product_sku.clear();
                blank_product = true;
            }
            _ => {}
        }
        if shape == Shape::Simple {
            variants[0].0.clone_from(&product_sku);
        }
        let mut dup_variant = false;
        let mut blank_variant = false;
        if shape != Shape::Simple {
            match k % 100 {
                85 => {
                    if let Some((_, first)) = &previous {
                        variants[0].0.clone_from(first);
                        dup_variant = true;
                    }
                }
                95 => {
                    if let Some(last) = variants.last_mut() {
                        last.0.clear();
                        blank_variant = true;
                    }
                }
                _ => {}
            }
        }
        previous = Some((product_sku.clone(), variants[0].0.clone()));

        let modified = start + SignedDuration::from_secs((k as i64).min(20 * 3600));
        let inventory_tracking = tracking(k, shape);
        let product = Product {
            id,
            name,
            sku: product_sku,
            upc: product_upc.clone(),
            gtin: if k % 4 == 0 && !product_upc.is_empty() {
                format!("0{product_upc}")
            } else {
                String::new()
            },
            brand_id: brand.map_or(0, |b| b.id),
            price,
            cost_price: cost,
            inventory_tracking,
            is_visible: k % 25 != 24,
            availability: super::Availability::Available,
            base_variant_id: None,
            date_created: modified,
            date_modified: modified,
            variants: Vec::new(),
            images: Vec::new(),
        };
        let id = catalog.insert(product, variants);
        let product = catalog.products.get_mut(&id).expect("just inserted");
        // Larger sizes cost more; every other variant inherits the product price (null).
        for v in &mut product.variants {
            if v.option_values
                .iter()
                .any(|o| o.label.starts_with("XL") || o.label == "XXL")
            {
                v.price = Some(price + Money::from_cents(200));
            }
            if k % 4 == 0 && !v.upc.is_empty() {
                v.gtin = format!("0{}", v.upc);
            }
        }
        seed_stock(product, k, inventory);

        out.product_ids.push(id);
        out.variant_count += product.variants.len();
        match shape {
            Shape::Simple => out.simple_product_ids.push(id),
            Shape::Many => out.many_variant_product_ids.push(id),
            Shape::Ordinary => {}
        }
        if dup_product {
            out.duplicate_sku_product_ids.push(id);
        }
        if blank_product {
            out.blank_sku_product_ids.push(id);
        }
        if dup_variant {
            out.duplicate_sku_variant_ids.push(product.variants[0].id);
        }
        if blank_variant {
            out.blank_sku_variant_ids
                .push(product.variants.last().map_or(0, |v| v.id));
        }
        // A simple product's SKU is its base variant's, so its problems are both.
        if shape == Shape::Simple && blank_product {
            out.blank_sku_variant_ids.push(product.variants[0].id);
        }
        if shape == Shape::Simple && dup_product {
            out.duplicate_sku_variant_ids.push(product.variants[0].id);
        }
    }
    out
}

/// Stock at the default location: product-level stock on the stock variant, or one level
/// per variant. Some levels are 0, as in any real catalog.
fn seed_stock(product: &Product, k: usize, inventory: &mut Inventory) {
    match product.inventory_tracking {
        InventoryTracking::None => {}
        InventoryTracking::Product => {
            inventory.set_level(
                DEFAULT_LOCATION_ID,
                product.stock_variant_id(),
                (k as i64 * 37) % 150,
            );
        }
        InventoryTracking::Variant => {
            for (j, v) in product.variants.iter().enumerate() {
                inventory.set_level(
                    DEFAULT_LOCATION_ID,
                    v.id,
                    (k as i64 * 31 + j as i64 * 7) % 60,
                );
            }
        }
    }
}

/// The first `count` brands of the fixed list, reusing any the store already has.
fn ensure_brands(catalog: &mut Catalog, count: usize) -> Vec<Brand> {
    BRANDS[..count]
        .iter()
        .map(|name| {
            if let Some(b) = catalog.brands.values().find(|b| b.name == *name) {
                return b.clone();
            }
            let brand = Brand {
                id: catalog.next_brand_id,
                name: (*name).to_owned(),
            };
            catalog.next_brand_id += 1;
            catalog.brands.insert(brand.id, brand.clone());
            brand
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeded(products: usize, per: usize) -> (Catalog, SeededCatalog) {
        let mut c = Catalog::default();
        let mut inv = Inventory::default();
        let s = seed(
            &mut c,
            &mut inv,
            CatalogSeed {
                products,
                variants_per_product: per,
            },
        );
        (c, s)
    }

    #[test]
    fn upcs_have_valid_check_digits() {
        // 036000291452 is the textbook UPC-A example.
        assert_eq!(upc_check_digit("03600029145"), 2);
        let u = upc(1);
        assert_eq!(u.len(), 12);
        assert_eq!(upc_check_digit(&u[..11]).to_string(), u[11..]);
    }

    #[test]
    fn the_shape_follows_the_documented_rules() {
        let (c, s) = seeded(200, 10);
        assert_eq!(s.product_ids.len(), 200);
        assert_eq!(s.brand_ids.len(), 20);
        assert_eq!(s.simple_product_ids.len(), 20);
        assert_eq!(s.many_variant_product_ids.len(), 4);
        let id = |k: usize| s.product_ids[k];
        assert_eq!(s.duplicate_sku_product_ids, [id(45), id(145)]);
        assert_eq!(s.blank_sku_product_ids, [id(65), id(165)]);
        assert_eq!(s.duplicate_sku_variant_ids.len(), 2);
        assert_eq!(s.blank_sku_variant_ids.len(), 2);
        assert_eq!(
            c.product(id(45)).unwrap().sku,
            c.product(id(44)).unwrap().sku
        );
        let many = c.product(s.many_variant_product_ids[0]).unwrap();
        assert_eq!(many.variants.len(), MANY_VARIANTS);
        let simple = c.product(id(3)).unwrap();
        assert_eq!(simple.base_variant_id, Some(simple.variants[0].id));
        assert!(simple.variants[0].option_values.is_empty());
        let ordinary = c.product(id(0)).unwrap();
        assert_eq!(ordinary.variants.len(), 10);
        assert_eq!(ordinary.base_variant_id, None);
        assert_eq!(ordinary.sku, "ACME-TSHIRT-0111");
        assert_eq!(ordinary.variants[2].sku, "ACME-TSHIRT-0111-RED-M");
        assert_eq!(s.variant_count, 20 + 4 * 60 + 176 * 10);
    }

    #[test]
    fn seeding_is_deterministic() {
        let render = |c: &Catalog| {
            c.products()
                .map(|p| {
                    format!(
                        "{}|{}|{}|{}|{:?}",
                        p.name,
                        p.sku,
                        p.price,
                        p.brand_id,
                        p.variants.iter().map(|v| &v.sku).collect::<Vec<_>>()
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(render(&seeded(120, 4).0), render(&seeded(120, 4).0));
    }
}
