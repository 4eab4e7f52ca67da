//! Answers and values several modules share, shaped as BigCommerce sends them.

use bigcommerce::{NewShipment, NewShipmentItem};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::STORE_HASH;

pub fn store_json() -> Value {
    json!({
        "id": STORE_HASH,
        "account_uuid": "8d4d492f-17a1-4d95-b396-e1c5720815a5",
        "domain": "my-awesome.store",
        "secure_url": "https://my-awesome.store",
        "control_panel_base_url": "https://store-abc123.mybigcommerce.com",
        "status": "live",
        "name": "Awesome",
        "plan_name": "Standard",
        "store_id": 4884484848484u64,
        "logo": [],
        "features": { "stencil_enabled": true }
    })
}

pub fn pagination(current: u32, total_pages: u32, per_page: u32, total: u64) -> Value {
    let next = if current < total_pages {
        format!("?page={}&limit={per_page}", current + 1)
    } else {
        String::new()
    };
    json!({
        "total": total, "count": per_page, "per_page": per_page,
        "current_page": current, "total_pages": total_pages,
        "links": {"current": format!("?page={current}&limit={per_page}"), "next": next}
    })
}

pub fn money(text: &str) -> Decimal {
    text.parse().expect("decimal literal")
}

pub fn order_product_json(id: u64, address_id: u64) -> Value {
    json!({
        "id": id, "order_id": 120, "product_id": 77, "variant_id": 300 + id,
        "order_address_id": address_id, "name": format!("Jar {id}"), "sku": format!("JAR-{id}"),
        "type": "physical", "base_price": "10.0000", "price_ex_tax": "10.0000",
        "price_inc_tax": "10.8000", "total_inc_tax": "21.6000", "quantity": 2,
        "quantity_shipped": 0, "quantity_refunded": 0, "is_refunded": false,
        "product_options": [{"id": 1, "option_id": 5, "product_option_id": 9,
            "display_name": "Size", "display_value": "M", "value": "27", "type": "Multiple choice"}],
        "is_bundled_product": false, "parent_order_product_id": null,
        "applied_discounts": [], "configurable_fields": []
    })
}

pub fn order_json() -> Value {
    let mut big_consignment: Vec<Value> = (1..=50).map(|id| order_product_json(id, 7)).collect();
    big_consignment[1]["variant_id"] = json!(0);
    big_consignment[1]["product_id"] = json!(0);
    big_consignment[1]["type"] = json!("giftcertificate");
    json!({
        "id": 120, "customer_id": 0, "status_id": 11, "status": "Awaiting Fulfillment",
        "date_created": "Tue, 20 Nov 2012 00:00:00 +0000",
        "date_modified": "Wed, 15 Jan 2025 00:03:17 +0000",
        "date_shipped": "",
        "subtotal_ex_tax": "100.0000", "subtotal_inc_tax": "108.0000", "subtotal_tax": "8.0000",
        "total_ex_tax": "105.0000", "total_inc_tax": "113.4000", "total_tax": "8.4000",
        "shipping_cost_ex_tax": "5.0000", "shipping_cost_inc_tax": "5.4000",
        "items_total": 102, "items_shipped": 0, "currency_code": "EUR",
        "payment_status": "captured", "payment_method": "Credit Card", "is_deleted": false,
        "order_source": "www", "channel_id": 1, "customer_message": "", "staff_notes": "VIP",
        "billing_address": {"first_name": "Jane", "last_name": "Doe", "street_1": "1 Main St",
            "city": "Austin", "state": "Texas", "zip": 78726, "country": "United States",
            "country_iso2": "US", "email": "jane@example.com", "form_fields": []},
        "products": {"url": "https://api.bigcommerce.com/stores/abc123/v2/orders/120/products",
            "resource": "/orders/120/products"},
        "consignments": shipping_consignments(big_consignment),
    })
}

fn shipping_consignments(big_consignment: Vec<Value>) -> Value {
    let warning = "Not all line items of this consignment are returned, only 50 are included. Please use the /v2/orders/{order_id}/products endpoint to fetch all line items.";
    json!({
        "pickups": [], "downloads": [], "email": {"gift_certificates": []},
        "shipping": [
            {"id": 7, "first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "1 Main St",
             "street_2": "", "city": "Austin", "state": "Texas", "zip": "78726",
             "country": "United States", "country_iso2": "US", "email": "jane@example.com",
             "phone": "", "items_total": 100, "items_shipped": 0,
             "shipping_method": "Flat Rate", "base_cost": 5.1, "shipping_zone_id": 1,
             "line_items": big_consignment,
             "__warning__": {"message": warning}},
            {"id": 8, "first_name": "John", "zip": "10001", "country_iso2": "US",
             "items_total": 2, "items_shipped": 0, "shipping_method": "Free",
             "line_items": [order_product_json(60, 8)]}
        ]
    })
}

/// A shipment as `POST`/`GET /v2/orders/{id}/shipments` answers it, addresses included.
pub fn shipment_json(id: u64) -> Value {
    let address = json!({
        "first_name": "Jane", "last_name": "Doe", "company": "", "street_1": "1 Main St",
        "street_2": "", "city": "Austin", "state": "Texas", "zip": 78726,
        "country": "United States", "country_iso2": "US", "email": "jane@example.com",
        "phone": "0410999888"
    });
    json!({
        "id": id, "order_id": 120, "customer_id": 0, "order_address_id": 7,
        "date_created": "Wed, 13 Mar 2019 16:35:37 +0000",
        "tracking_number": "1Z999AA10123456784", "merchant_shipping_cost": "0.0000",
        "shipping_method": "Ground", "shipping_provider": "ups", "tracking_carrier": "",
        "tracking_link": "", "comments": "first box",
        "billing_address": address, "shipping_address": address,
        "items": [
            {"order_product_id": 41, "product_id": 0, "quantity": 1},
            {"order_product_id": "42", "product_id": 77, "quantity": 2.0}
        ],
        "shipping_provider_display_name": "UPS",
        "generated_tracking_link": "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z999AA10123456784"
    })
}

pub fn new_shipment() -> NewShipment {
    NewShipment {
        order_address_id: 7,
        items: vec![NewShipmentItem {
            order_product_id: 41,
            quantity: 1,
        }],
        tracking_number: "1Z999AA10123456784".into(),
        shipping_provider: String::new(),
        tracking_carrier: String::new(),
        tracking_link: None,
        shipping_method: None,
        comments: None,
    }
}

/// Whether a page's numbers announce another page (what a server claims, not what a walk
/// trusts: see `PageBound`).
pub fn announces_more<T>(page: &bigcommerce::V3Page<T>) -> bool {
    page.pagination
        .as_ref()
        .is_some_and(|p| p.current_page < p.total_pages)
}
