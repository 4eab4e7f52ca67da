//! The webhook receiver's decoding of a delivery body.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(event) = bigcommerce::WebhookEvent::parse(data) {
        let _ = event.order_id();
        let _ = event.store_hash();
    }
});
