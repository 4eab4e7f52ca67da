//! The stock upload parser, with the default column mapping and with one taken from the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf::domain::stock_csv::{ColumnMapping, parse_stock_csv};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_stock_csv(text, &ColumnMapping::default());

    // A custom mapping: the first line's first three fields name the columns, so the fuzzer can
    // reach the non-default paths (required warehouse column, no alias fallback).
    let first = text.lines().next().unwrap_or("");
    let mut names = first.split(',').map(str::trim);
    let mapping = ColumnMapping {
        sku: names.next().unwrap_or("").to_owned(),
        quantity: names.next().unwrap_or("").to_owned(),
        warehouse: names.next().map(str::to_owned),
    };
    let _ = parse_stock_csv(text, &mapping);
});
