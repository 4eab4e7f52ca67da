//! The tracking upload parser, and the carrier and tracking-number normalisers on short input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wharf::domain::carrier::normalise_carrier;
use wharf::domain::shipment::parse_tracking_number;
use wharf::domain::tracking_csv::parse_tracking_csv;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_tracking_csv(text);
    if text.len() <= 256 {
        let _ = normalise_carrier(text);
        let _ = parse_tracking_number(text);
    }
});
