//! Replays the cargo-fuzz corpora of wharf's parsers (`fuzz/corpus/`) on stable, so every input
//! the fuzzers kept stays panic-free. The parsers may reject an input; only a panic fails.
//! See FUZZING.md.

use std::path::PathBuf;

use wharf::domain::carrier::normalise_carrier;
use wharf::domain::shipment::parse_tracking_number;
use wharf::domain::stock_csv::{ColumnMapping, parse_stock_csv};
use wharf::domain::tracking_csv::parse_tracking_csv;

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
fn stock_csv_corpus_replays_without_panicking() {
    for (path, data) in corpus("stock_csv") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let result = std::panic::catch_unwind(|| {
            let _ = parse_stock_csv(text, &ColumnMapping::default());
            // The same custom mapping as the fuzz target: the first line names the columns.
            let first = text.lines().next().unwrap_or("");
            let mut names = first.split(',').map(str::trim);
            let mapping = ColumnMapping {
                sku: names.next().unwrap_or("").to_owned(),
                quantity: names.next().unwrap_or("").to_owned(),
                warehouse: names.next().map(str::to_owned),
            };
            let _ = parse_stock_csv(text, &mapping);
        });
        assert!(result.is_ok(), "stock_csv panicked on {}", path.display());
    }
}

#[test]
fn tracking_csv_corpus_replays_without_panicking() {
    for (path, data) in corpus("tracking_csv") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        let result = std::panic::catch_unwind(|| {
            let _ = parse_tracking_csv(text);
            if text.len() <= 256 {
                let _ = normalise_carrier(text);
                let _ = parse_tracking_number(text);
            }
        });
        assert!(
            result.is_ok(),
            "tracking_csv panicked on {}",
            path.display()
        );
    }
}
