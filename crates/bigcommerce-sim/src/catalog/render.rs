//! JSON bodies: `product_Full` (with `productImage_Full`s), `productVariant_Full` and
//! `brand_Full`. Every field the specs declare non-nullable gets a value; catalog money
//! is a JSON number (v3).

use serde_json::{Value, json};

use super::{Brand, Product, ProductImage, Variant};
use crate::dates;
use crate::inventory::Inventory;

/// `/sample-product-111/`: BigCommerce derives the default URL from the name.
fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    out.push('/');
    let mut dash = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && out.len() > 1 {
            out.push('-');
            dash = true;
        }
    }
    if dash {
        out.pop();
    }
    out.push('/');
    out
}

/// What `include=` embeds in a product body; other includes are accepted and not
/// modelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Inline {
    /// `include=variants`: every variant under `variants`, except that a product with
    /// more than `variant_cap` variants gets no `variants` key at all (the simulated
    /// degradation of `SimConfig::inline_variant_cap`; `None`, the default, is
    /// BigCommerce's no cap).
    pub variants: bool,
    pub variant_cap: Option<usize>,
    /// `include=images`: the product's images under `images`.
    pub images: bool,
}

/// The `product_Full` body, with the `include=` sub-resources `inline` asks for. Image
/// URLs point into the store's CDN folder, named by `store_hash`.
pub(super) fn product(
    p: &Product,
    store_hash: &str,
    inventory: &Inventory,
    inline: Inline,
) -> Value {
    let price = p.price.as_f64();
    let mut body = json!({
        "id": p.id,
        "name": p.name,
        "type": "physical",
        "sku": p.sku,
        "description": "",
        "weight": 1,
        "width": 0, "depth": 0, "height": 0,
        "price": price,
        "cost_price": p.cost_price.as_f64(),
        "retail_price": 0, "sale_price": 0, "map_price": 0,
        "tax_class_id": 0,
        "product_tax_code": "",
        "calculated_price": price,
        "categories": [23],
        "brand_id": p.brand_id,
        "option_set_display": "right",
        "inventory_level": p.inventory_level(inventory),
        "inventory_warning_level": 0,
        "inventory_tracking": p.inventory_tracking.as_str(),
        "reviews_rating_sum": 0,
        "reviews_count": 0,
        "total_sold": 0,
        "fixed_cost_shipping_price": 0,
        "is_free_shipping": false,
        "is_visible": p.is_visible,
        "is_featured": false,
        // BigCommerce's default for "no related products" really is [-1].
        "related_products": [-1],
        "warranty": "",
        "bin_picking_number": "",
        "layout_file": "product.html",
        "upc": p.upc, "mpn": "", "gtin": p.gtin,
        "search_keywords": "",
        "availability": p.availability.as_str(),
        "availability_description": "",
        "gift_wrapping_options_type": "any",
        "gift_wrapping_options_list": [],
        "sort_order": 0,
        "condition": "New",
        "is_condition_shown": false,
        "order_quantity_minimum": 0,
        "order_quantity_maximum": 0,
        "page_title": "",
        "meta_keywords": [],
        "meta_description": "",
        "view_count": 0,
        "preorder_release_date": Value::Null,
        "preorder_message": "",
        "is_preorder_only": false,
        "is_price_hidden": false,
        "price_hidden_label": "",
        "custom_url": { "url": slug(&p.name), "is_customized": false },
        // `null` for products with options, as the field's description says.
        "base_variant_id": p.base_variant_id,
        "open_graph_type": "product",
        "open_graph_title": "",
        "open_graph_description": "",
        "open_graph_use_meta_description": true,
        "open_graph_use_product_name": true,
        "open_graph_use_image": true,
        "date_created": dates::iso8601_offset(p.date_created),
        "date_modified": dates::iso8601_offset(p.date_modified),
    });
    if inline.variants && inline.variant_cap.is_none_or(|cap| p.variants.len() <= cap) {
        body["variants"] = p
            .variants
            .iter()
            .map(|v| variant(p, v, inventory))
            .collect();
    }
    if inline.images {
        body["images"] = p.images.iter().map(|i| image(p, i, store_hash)).collect();
    }
    body
}

/// One `productImage_Full`, with BigCommerce's CDN URLs: one per size the storefront
/// uses (zoom 1280×1280, standard 500×659, thumbnail 220×290, tiny 80×80). `image_url`
/// is the full-size image, what a merchant would give to create it.
fn image(p: &Product, image: &ProductImage, store_hash: &str) -> Value {
    let url = |size: &str| {
        format!(
            "https://cdn11.bigcommerce.com/s-{store_hash}/images/stencil/{size}/products/{}/{}/{}",
            p.id, image.id, image.file_name
        )
    };
    json!({
        "id": image.id,
        "product_id": p.id,
        "is_thumbnail": image.is_thumbnail,
        "sort_order": image.sort_order,
        "description": "",
        "image_url": url("original"),
        "url_zoom": url("1280x1280"),
        "url_standard": url("500x659"),
        "url_thumbnail": url("220x290"),
        "url_tiny": url("80x80"),
        "date_modified": dates::iso8601_offset(image.date_modified),
    })
}

/// The `productVariant_Full` body.
pub(super) fn variant(p: &Product, v: &Variant, inventory: &Inventory) -> Value {
    let price = v.price.map(|m| m.as_f64());
    json!({
        "id": v.id,
        "product_id": v.product_id,
        "sku": v.sku,
        // A base variant has no SKU record of its own (facts §6).
        "sku_id": if v.option_values.is_empty() { None } else { Some(v.id) },
        "price": price,
        "calculated_price": price.unwrap_or(p.price.as_f64()),
        "sale_price": Value::Null,
        "retail_price": Value::Null,
        "weight": Value::Null,
        "calculated_weight": 1,
        "width": Value::Null, "height": Value::Null, "depth": Value::Null,
        "is_free_shipping": false,
        "fixed_cost_shipping_price": Value::Null,
        "purchasing_disabled": v.purchasing_disabled,
        "purchasing_disabled_message": "",
        "image_url": "",
        "cost_price": v.cost_price.map(|m| m.as_f64()),
        "upc": v.upc,
        "mpn": "",
        "gtin": v.gtin,
        "inventory_level": p.variant_level(v, inventory),
        "inventory_warning_level": 0,
        "bin_picking_number": "",
        "option_values": v.option_values.iter().map(|o| json!({
            "id": o.id,
            "option_id": o.option_id,
            "option_display_name": o.option_display_name,
            "label": o.label,
        })).collect::<Vec<_>>(),
    })
}

/// The `brand_Full` body.
pub(super) fn brand(b: &Brand) -> Value {
    json!({
        "id": b.id,
        "name": b.name,
        "page_title": b.name,
        "meta_keywords": [],
        "meta_description": "",
        "search_keywords": "",
        "image_url": "",
        "custom_url": { "url": slug(&b.name), "is_customized": false },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_look_like_bigcommerce_urls() {
        assert_eq!(slug("Sample product 111"), "/sample-product-111/");
        assert_eq!(slug("Margie's Travel"), "/margie-s-travel/");
        assert_eq!(slug("  T-Shirt!! "), "/t-shirt/");
    }
}
