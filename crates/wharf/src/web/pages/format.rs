//! How pages show what they share: times, and a CSV import's rejected rows.

use crate::domain::tracking_csv::RowError;

/// A stored time (unix ms) as the pages show it.
pub(super) fn utc(at_ms: i64) -> String {
    crate::db::to_timestamp(at_ms)
        .strftime("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// A CSV import's rejected rows as the pages list them, each with its line.
pub(super) fn rejected_rows(errors: &[RowError]) -> Vec<String> {
    errors
        .iter()
        .map(|e| format!("Line {}: {}", e.line, e.message))
        .collect()
}
