//! Catalog V3 state: products with their variants, and brands. Every product has at least
//! one variant, as in BigCommerce: a simple product has one *base variant* (no option
//! values, `sku_id` null), a product with options has one variant per combination and no
//! base variant. Product, variant and brand ids come from separate counters that are never
//! reused, so a client that mixes them up gets a 404/422 instead of a lucky hit, and a
//! deleted product's id never comes back.
//!
//! Stock is not kept here but in `Inventory`, keyed by (location, variant); see
//! [`Product::stock_variant_id`] for where product-level stock lives.

mod query;
mod render;
pub(crate) mod routes;
mod seed;

use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;

use crate::dates;
use crate::inventory::{DEFAULT_LOCATION_ID, Inventory};
use crate::money::Money;

pub(crate) use seed::seed as seed_catalog;
pub use seed::{CatalogSeed, MANY_VARIANTS, MAX_VARIANTS, SeededCatalog};

const FIRST_PRODUCT_ID: u64 = 111;
const FIRST_VARIANT_ID: u64 = 1001;
const FIRST_BRAND_ID: u64 = 36;
/// Far above product and variant ids, so an image id passed as one of those is a 404.
const FIRST_IMAGE_ID: u64 = 5_000_001;

/// `inventory_tracking` of a product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InventoryTracking {
    /// Stock is not tracked; `inventory_level` reads 0.
    None,
    /// One level for the whole product (`inventory_level` on the product).
    Product,
    /// One level per variant; the product shows their sum.
    Variant,
}

/// A product's purchasability (`availability`): `disabled` is listed but cannot be bought,
/// by a shopper or through `POST /v2/orders`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Availability {
    #[default]
    Available,
    Disabled,
    Preorder,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "available",
            Availability::Disabled => "disabled",
            Availability::Preorder => "preorder",
        }
    }
}

impl InventoryTracking {
    pub fn as_str(self) -> &'static str {
        match self {
            InventoryTracking::None => "none",
            InventoryTracking::Product => "product",
            InventoryTracking::Variant => "variant",
        }
    }
}

/// A catalog product. Ids, dates and the variant list are managed by the simulator; the
/// public fields are what [`crate::Simulator::update_product`] lets a test change.
#[derive(Debug, Clone)]
pub struct Product {
    pub(crate) id: u64,
    pub name: String,
    /// The product's own SKU; may be blank, and BigCommerce does not stop two products
    /// from sharing one (the seeding makes a few on purpose).
    pub sku: String,
    pub upc: String,
    pub gtin: String,
    /// 0 when the product has no brand, as in BigCommerce.
    pub brand_id: u64,
    pub price: Money,
    pub cost_price: Money,
    pub inventory_tracking: InventoryTracking,
    pub is_visible: bool,
    /// Whether it can be bought at all; hidden products (`is_visible: false`) still can, as
    /// a merchant's manual orders may hold them.
    pub availability: Availability,
    /// Set for simple products only; `null` in responses otherwise.
    pub(crate) base_variant_id: Option<u64>,
    pub(crate) date_created: Timestamp,
    pub(crate) date_modified: Timestamp,
    /// In id order; never empty.
    pub(crate) variants: Vec<Variant>,
    /// Every product is created with one image, its thumbnail, as a merchant's product
    /// page has; `include=images` embeds them.
    pub(crate) images: Vec<ProductImage>,
}

/// A product image as BigCommerce stores it: an id, the file's name in the store's CDN
/// folder, and when it was uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProductImage {
    pub id: u64,
    /// e.g. `acme-classic-t-shirt-0152__5000001.jpg`.
    pub file_name: String,
    pub is_thumbnail: bool,
    pub sort_order: i32,
    pub date_modified: Timestamp,
}

/// A product variant.
#[derive(Debug, Clone)]
pub struct Variant {
    pub(crate) id: u64,
    pub(crate) product_id: u64,
    pub sku: String,
    pub upc: String,
    pub gtin: String,
    /// `None` inherits the product's price (the spec's `null`).
    pub price: Option<Money>,
    pub cost_price: Option<Money>,
    /// The variant cannot be bought (`purchasing_disabled`).
    pub purchasing_disabled: bool,
    pub(crate) option_values: Vec<OptionValue>,
}

/// One option value of a variant, e.g. Color: Red.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionValue {
    pub id: u64,
    pub option_id: u64,
    pub option_display_name: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Brand {
    pub id: u64,
    pub name: String,
}

impl Product {
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn base_variant_id(&self) -> Option<u64> {
        self.base_variant_id
    }

    pub fn date_modified(&self) -> Timestamp {
        self.date_modified
    }

    pub fn variants(&self) -> &[Variant] {
        &self.variants
    }

    /// Edit variants in place; adding or removing variants is not modelled.
    pub fn variants_mut(&mut self) -> &mut [Variant] {
        &mut self.variants
    }

    /// Where product-level stock is kept in the (location, variant) stock map: the base
    /// variant of a simple product, else the first variant. The Inventory API's
    /// `product_id` items land there too, so both APIs agree.
    pub fn stock_variant_id(&self) -> u64 {
        self.base_variant_id.unwrap_or(self.variants[0].id)
    }

    /// The catalog's `inventory_level` (default location only, facts §6).
    pub(crate) fn inventory_level(&self, inventory: &Inventory) -> i64 {
        let at = |variant| inventory.level(DEFAULT_LOCATION_ID, variant).unwrap_or(0);
        match self.inventory_tracking {
            InventoryTracking::None => 0,
            InventoryTracking::Product => at(self.stock_variant_id()),
            // The Catalog API clamps to the 32-bit maximum (facts §6).
            InventoryTracking::Variant => self
                .variants
                .iter()
                .map(|v| at(v.id))
                .sum::<i64>()
                .min(i64::from(i32::MAX)),
        }
    }

    /// A variant's `inventory_level`: its own level under variant tracking, the product's
    /// on a simple product's base variant, else 0.
    pub(crate) fn variant_level(&self, variant: &Variant, inventory: &Inventory) -> i64 {
        let tracked = match self.inventory_tracking {
            InventoryTracking::Variant => true,
            InventoryTracking::Product => self.base_variant_id == Some(variant.id),
            InventoryTracking::None => false,
        };
        if tracked {
            inventory
                .level(DEFAULT_LOCATION_ID, variant.id)
                .unwrap_or(0)
        } else {
            0
        }
    }
}

impl Variant {
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn product_id(&self) -> u64 {
        self.product_id
    }

    pub fn option_values(&self) -> &[OptionValue] {
        &self.option_values
    }
}

pub(crate) struct Catalog {
    products: BTreeMap<u64, Product>,
    brands: BTreeMap<u64, Brand>,
    /// variant id → product id: variant lookups must not scan 100k variants.
    variant_owner: HashMap<u64, u64>,
    next_product_id: u64,
    next_variant_id: u64,
    next_brand_id: u64,
    /// Option and option-value ids, shared by all products (BigCommerce's are global).
    next_option_id: u64,
    next_image_id: u64,
}

impl Default for Catalog {
    fn default() -> Self {
        Self {
            products: BTreeMap::new(),
            brands: BTreeMap::new(),
            variant_owner: HashMap::new(),
            next_product_id: FIRST_PRODUCT_ID,
            next_variant_id: FIRST_VARIANT_ID,
            next_brand_id: FIRST_BRAND_ID,
            next_option_id: 1,
            next_image_id: FIRST_IMAGE_ID,
        }
    }
}

impl Catalog {
    /// Adds `count` simple products named "Sample product N" with SKU `SIM-N`, tracked at
    /// product level, no brand, no stock.
    pub fn seed_simple(&mut self, count: usize) -> Vec<u64> {
        let now = dates::now();
        (0..count)
            .map(|_| {
                let id = self.next_product_id;
                let sku = format!("SIM-{id}");
                let price = Money::from_cents(999 + (id as i64 % 20) * 250);
                let product = Product {
                    id,
                    name: format!("Sample product {id}"),
                    sku: sku.clone(),
                    upc: String::new(),
                    gtin: String::new(),
                    brand_id: 0,
                    price,
                    cost_price: Money::ZERO,
                    inventory_tracking: InventoryTracking::Product,
                    is_visible: true,
                    availability: Availability::Available,
                    base_variant_id: None,
                    date_created: now,
                    date_modified: now,
                    variants: Vec::new(),
                    images: Vec::new(),
                };
                self.insert(product, vec![(sku, String::new(), Vec::new())])
            })
            .collect()
    }

    /// Adds a product, giving it the next product id, one variant per `(sku, upc, option
    /// values)` and one image; no option values and a single variant makes it simple.
    /// Variant prices start as `None` (inherit) and `cost_price` as the product's.
    fn insert(
        &mut self,
        mut product: Product,
        variants: Vec<(String, String, Vec<OptionValue>)>,
    ) -> u64 {
        let id = self.next_product_id;
        self.next_product_id += 1;
        product.id = id;
        let simple = variants.len() == 1 && variants[0].2.is_empty();
        product.variants = variants
            .into_iter()
            .map(|(sku, upc, option_values)| {
                let vid = self.next_variant_id;
                self.next_variant_id += 1;
                self.variant_owner.insert(vid, id);
                Variant {
                    id: vid,
                    product_id: id,
                    sku,
                    upc,
                    gtin: String::new(),
                    price: None,
                    cost_price: Some(product.cost_price),
                    purchasing_disabled: false,
                    option_values,
                }
            })
            .collect();
        product.base_variant_id = simple.then(|| product.variants[0].id);
        let image_id = self.next_image_id;
        self.next_image_id += 1;
        product.images = vec![ProductImage {
            id: image_id,
            file_name: format!("{}__{image_id}.jpg", image_stem(&product.name)),
            is_thumbnail: true,
            sort_order: 0,
            date_modified: product.date_created,
        }];
        self.products.insert(id, product);
        id
    }

    pub fn product(&self, id: u64) -> Option<&Product> {
        self.products.get(&id)
    }

    pub fn products(&self) -> impl DoubleEndedIterator<Item = &Product> {
        self.products.values()
    }

    /// Products whose id lies in `ids`, in id order.
    pub fn products_in(
        &self,
        ids: std::ops::RangeInclusive<u64>,
    ) -> impl DoubleEndedIterator<Item = &Product> {
        self.products.range(ids).map(|(_, p)| p)
    }

    /// A variant with its product, by variant id.
    pub fn variant(&self, id: u64) -> Option<(&Product, &Variant)> {
        let product = self.products.get(self.variant_owner.get(&id)?)?;
        let variant = product.variants.iter().find(|v| v.id == id)?;
        Some((product, variant))
    }

    /// A brand's name; empty for brand 0 (no brand) or an unknown id.
    pub fn brand_name(&self, id: u64) -> String {
        self.brands
            .get(&id)
            .map(|b| b.name.clone())
            .unwrap_or_default()
    }

    pub fn brands(&self) -> impl Iterator<Item = &Brand> {
        self.brands.values()
    }

    /// Runs `edit` on a product, then keeps a simple product's base variant in step with
    /// it (in BigCommerce they are one record) and bumps `date_modified`.
    pub fn update(&mut self, id: u64, edit: impl FnOnce(&mut Product)) -> bool {
        let Some(product) = self.products.get_mut(&id) else {
            return false;
        };
        edit(product);
        if product.base_variant_id.is_some() {
            let base = &mut product.variants[0];
            base.sku.clone_from(&product.sku);
            base.upc.clone_from(&product.upc);
            base.gtin.clone_from(&product.gtin);
        }
        // Strictly later than before, so `date_modified:min=<old value>` sees the change
        // even within the same second.
        product.date_modified = dates::now().max(
            product
                .date_modified
                .checked_add(jiff::SignedDuration::from_secs(1))
                .unwrap_or(product.date_modified),
        );
        true
    }

    /// Removes a product and its variants, returning the variant ids so their stock can go.
    pub fn delete(&mut self, id: u64) -> Option<Vec<u64>> {
        let product = self.products.remove(&id)?;
        let ids: Vec<u64> = product.variants.iter().map(|v| v.id).collect();
        for v in &ids {
            self.variant_owner.remove(v);
        }
        Some(ids)
    }
}

/// `Acme Classic T-Shirt 0152` → `acme-classic-t-shirt-0152`, as BigCommerce names an
/// uploaded file after the product.
fn image_stem(name: &str) -> String {
    let mut stem = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            stem.push(c.to_ascii_lowercase());
        } else if !stem.is_empty() && !stem.ends_with('-') {
            stem.push('-');
        }
    }
    stem.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{ItemRef, resolve};

    fn stock_key(c: &Catalog, item: ItemRef) -> Option<u64> {
        resolve(c, &item).ok()
    }

    #[test]
    fn items_resolve_by_product_variant_or_sku() {
        let mut c = Catalog::default();
        assert_eq!(c.seed_simple(2), vec![111, 112]);
        assert_eq!(stock_key(&c, ItemRef::Product(111)), Some(1001));
        assert_eq!(stock_key(&c, ItemRef::Variant(1002)), Some(1002));
        assert_eq!(stock_key(&c, ItemRef::Sku("SIM-112".into())), Some(1002));
        assert_eq!(stock_key(&c, ItemRef::Product(1001)), None);
        assert_eq!(stock_key(&c, ItemRef::Variant(111)), None);
        assert_eq!(c.seed_simple(1), vec![113]);
        assert_eq!(stock_key(&c, ItemRef::Product(113)), Some(1003));
    }

    #[test]
    fn simple_products_keep_their_base_variant_in_step() {
        let mut c = Catalog::default();
        c.seed_simple(1);
        let before = c.product(111).unwrap().date_modified;
        assert!(c.update(111, |p| p.sku = "NEW-1".into()));
        let p = c.product(111).unwrap();
        assert_eq!(p.base_variant_id, Some(1001));
        assert_eq!(p.variants[0].sku, "NEW-1");
        assert!(p.date_modified > before);
        assert!(!c.update(999, |_| {}));
    }

    #[test]
    fn every_product_gets_one_thumbnail_image() {
        let mut c = Catalog::default();
        c.seed_simple(2);
        let images: Vec<&ProductImage> = c.products().flat_map(|p| &p.images).collect();
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].id, FIRST_IMAGE_ID);
        assert_eq!(images[1].id, FIRST_IMAGE_ID + 1);
        assert!(images[0].is_thumbnail);
        assert_eq!(images[0].file_name, "sample-product-111__5000001.jpg");
    }

    #[test]
    fn deleted_ids_are_not_reused() {
        let mut c = Catalog::default();
        c.seed_simple(2);
        assert_eq!(c.delete(112), Some(vec![1002]));
        assert_eq!(c.delete(112), None);
        assert_eq!(stock_key(&c, ItemRef::Variant(1002)), None);
        assert_eq!(c.seed_simple(1), vec![113]);
        assert_eq!(c.product(113).unwrap().variants[0].id, 1003);
    }
}
