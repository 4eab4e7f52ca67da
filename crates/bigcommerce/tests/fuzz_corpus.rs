//! Replays the cargo-fuzz corpora of the client's decoding (`fuzz/corpus/`) on stable, so every
//! input the fuzzers kept stays panic-free. Decoding may fail; only a panic fails the test.
//! See FUZZING.md.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// Every file of one target's corpus. Fails rather than skips when the corpus is missing or
/// empty, so a moved directory cannot silently turn the replay off.
fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|err| panic!("corpus {} is missing: {err}", dir.display()));
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.expect("corpus entry").path();
        if path.is_file() {
            let data = std::fs::read(&path)
                .unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
            files.push((path, data));
        }
    }
    assert!(!files.is_empty(), "corpus {} is empty", dir.display());
    files.sort();
    files
}

#[test]
fn webhook_event_corpus_replays_without_panicking() {
    for (path, data) in corpus("webhook_event") {
        let result = std::panic::catch_unwind(|| {
            if let Ok(event) = bigcommerce::WebhookEvent::parse(&data) {
                let _ = event.order_id();
                let _ = event.store_hash();
            }
        });
        assert!(
            result.is_ok(),
            "webhook_event panicked on {}",
            path.display()
        );
    }
}

#[test]
fn bigcommerce_decode_corpus_replays_without_panicking() {
    for (path, data) in corpus("bigcommerce_decode") {
        let result = std::panic::catch_unwind(|| {
            let _ = serde_json::from_slice::<bigcommerce::Order>(&data);
            let _ = serde_json::from_slice::<Vec<bigcommerce::Order>>(&data);
            let _ = serde_json::from_slice::<bigcommerce::OrderProduct>(&data);
            let _ = serde_json::from_slice::<Vec<bigcommerce::OrderProduct>>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Product>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Shipment>(&data);
            let _ = serde_json::from_slice::<bigcommerce::InventoryItem>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Location>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Pagination>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Hook>(&data);
            let _ = serde_json::from_slice::<bigcommerce::StoreInformation>(&data);
            let _ = serde_json::from_slice::<bigcommerce::OrderStatus>(&data);
            let _ = serde_json::from_slice::<bigcommerce::Consignments>(&data);

            // The same 422 as the fuzz target: message text and `errors` field names.
            if let Ok(text) = std::str::from_utf8(&data) {
                let fields: BTreeMap<String, String> =
                    serde_json::from_str(text).unwrap_or_default();
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
        assert!(
            result.is_ok(),
            "bigcommerce_decode panicked on {}",
            path.display()
        );
    }
}
