//! The client's decoding of BigCommerce response bodies into its wire types, and the reading of
//! a 422's message and fields for the rejected inventory items.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<bigcommerce::Order>(data);
    let _ = serde_json::from_slice::<Vec<bigcommerce::Order>>(data);
    let _ = serde_json::from_slice::<bigcommerce::OrderProduct>(data);
    let _ = serde_json::from_slice::<Vec<bigcommerce::OrderProduct>>(data);
    let _ = serde_json::from_slice::<bigcommerce::Product>(data);
    let _ = serde_json::from_slice::<bigcommerce::Shipment>(data);
    let _ = serde_json::from_slice::<bigcommerce::InventoryItem>(data);
    let _ = serde_json::from_slice::<bigcommerce::Location>(data);
    let _ = serde_json::from_slice::<bigcommerce::Pagination>(data);
    let _ = serde_json::from_slice::<bigcommerce::Hook>(data);
    let _ = serde_json::from_slice::<bigcommerce::StoreInformation>(data);
    let _ = serde_json::from_slice::<bigcommerce::OrderStatus>(data);
    let _ = serde_json::from_slice::<bigcommerce::Consignments>(data);

    // A 422 from the inventory adjustments endpoint: message text and `errors` field names.
    if let Ok(text) = std::str::from_utf8(data) {
        let fields: BTreeMap<String, String> = serde_json::from_str(text).unwrap_or_default();
        let error = bigcommerce::BcError::Validation {
            request: "PUT v3/inventory/adjustments/absolute".into(),
            status: 422,
            message: text.to_owned(),
            fields,
        };
        let _ = bigcommerce::rejected_item_indexes(&error);
        let _ = bigcommerce::rejected_identities(&error);
    }
});
