//! Stock feeds: a vendor's CSV of "this SKU has this many on hand (in this warehouse)", uploaded
//! or fetched from a URL on a schedule, parsed into rows before any inventory level changes.
//!
//! Quantities are absolute, so a broken export is dangerous: a file with the wrong columns or
//! delimiter must not set a vendor's stock to zero. Hence two levels of checking, like
//! `tracking_csv`: every bad row is reported with its line number and column next to the good
//! rows, but when most rows are bad the whole file is refused (see [`MAX_INVALID_PERCENT`]).
//! Whether a SKU exists, and which product it is, is decided later against the catalog.
//!
//! Rules decided here:
//! - Columns are found by [`ColumnMapping`]; the default names also accept common aliases.
//! - The delimiter (`,`, `;` or tab) is detected from the header line, because spreadsheets in
//!   many locales export `;` and "Unicode text" exports use tabs.
//! - The same SKU (in the same warehouse) twice: the last row wins, as it would if the rows were
//!   applied one after another, and the earlier line gets a [`RowError`] saying it was
//!   overridden, so the vendor sees the conflict. Overridden rows are not counted as invalid.
//! - SKUs and warehouses compare exactly (after trimming) when looking for duplicates.
//! - An empty file (no header) is refused; a header with no rows is valid and changes nothing.
//!
//! The header is read in `columns` and each data row in `rows`; this module runs a file through
//! them and judges it as a whole.

mod columns;
mod rows;

use super::csv_lines::{NumberedRecords, csv_error};
use columns::{Columns, Field};
use rows::parse_row;
use std::collections::HashMap;

pub use super::tracking_csv::RowError;
pub use columns::ColumnMapping;
pub use rows::{MAX_QUANTITY, StockRow};

/// Above this many data rows the file is refused as a whole; split it.
pub const MAX_ROWS: usize = 200_000;
/// The file is refused when more than this percentage of its data rows are invalid (and it has
/// at least [`MIN_ROWS_FOR_INVALID_SHARE`] rows), because that is what a broken export looks like.
pub const MAX_INVALID_PERCENT: usize = 50;
/// Below this many data rows the share of invalid rows is not judged (two bad rows out of three
/// is more likely typos than a broken export), unless no row at all is valid.
pub const MIN_ROWS_FOR_INVALID_SHARE: usize = 10;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StockUpload {
    /// Valid rows in file order, without the ones overridden by a later row.
    pub rows: Vec<StockRow>,
    /// Problems with single rows, ordered by line.
    pub errors: Vec<RowError>,
}

/// Parses the CSV text of a stock file. Bad rows are collected in [`StockUpload::errors`]; the
/// `Err` is for the file as a whole (empty, required columns missing or ambiguous, too many rows,
/// too many invalid rows), and means nothing in it should be applied.
pub fn parse_stock_csv(text: &str, mapping: &ColumnMapping) -> Result<StockUpload, String> {
    // Spreadsheet exports often start with a byte-order mark, which would hide the first column.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = NumberedRecords::new(
        text,
        csv::ReaderBuilder::new()
            .flexible(true)
            .delimiter(detect_delimiter(text))
            .trim(csv::Trim::All),
    );
    let Some((_, header)) = records.next() else {
        return Err("The file is empty: it has no header row".to_owned());
    };
    let columns = Columns::from_header(&header.map_err(csv_error)?, mapping)?;

    // Rows are kept in file order; an overridden row's slot is emptied.
    let mut rows: Vec<Option<StockRow>> = Vec::new();
    let mut latest: HashMap<(String, Option<String>), usize> = HashMap::new();
    let mut errors = Vec::new();
    let mut invalid_rows = 0;
    let mut first_invalid: Option<RowError> = None;
    for (count, (line, record)) in records.enumerate() {
        if count >= MAX_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows; split it into smaller files"
            ));
        }
        let record = record.map_err(csv_error)?;
        match parse_row(&columns, &record, line) {
            Ok(row) => {
                let key = (row.sku.clone(), row.warehouse.clone());
                if let Some(earlier) = latest.insert(key, rows.len())
                    && let Some(earlier) = rows[earlier].take()
                {
                    errors.push(overridden(&columns, &earlier, line));
                }
                rows.push(Some(row));
            }
            Err(messages) => {
                invalid_rows += 1;
                if first_invalid.is_none() {
                    first_invalid = messages.first().map(|message| RowError {
                        line,
                        message: message.clone(),
                    });
                }
                let row_errors = messages
                    .into_iter()
                    .map(|message| RowError { line, message });
                errors.extend(row_errors);
            }
        }
    }
    let valid_rows = rows.len();
    if let Some(example) = first_invalid
        && is_mostly_invalid(valid_rows, invalid_rows)
    {
        let total = valid_rows + invalid_rows;
        return Err(format!(
            "{invalid_rows} of {total} {} invalid (e.g. line {}: {}); nothing was applied",
            if total == 1 { "row is" } else { "rows are" },
            example.line,
            example.message
        ));
    }
    // Override messages are added when the later line is read; show everything in file order.
    // The sort is stable, so a row's own problems keep their column order.
    errors.sort_by_key(|error| error.line);
    Ok(StockUpload {
        rows: rows.into_iter().flatten().collect(),
        errors,
    })
}

/// A broken export (wrong columns, wrong delimiter, a different report) shows as most rows
/// failing; applying the few that happen to parse would be worse than applying nothing.
fn is_mostly_invalid(valid: usize, invalid: usize) -> bool {
    let total = valid + invalid;
    invalid > 0
        && (valid == 0
            || (total >= MIN_ROWS_FOR_INVALID_SHARE && invalid * 100 > total * MAX_INVALID_PERCENT))
}

fn overridden(columns: &Columns, earlier: &StockRow, later_line: u64) -> RowError {
    let warehouse = earlier
        .warehouse
        .as_ref()
        .map(|w| format!(" in warehouse {w:?}"))
        .unwrap_or_default();
    RowError {
        line: earlier.line,
        message: format!(
            "{}: {:?}{warehouse} is overridden by line {later_line} (the last row for a SKU is \
             the one applied)",
            columns.name(Field::Sku),
            earlier.sku
        ),
    }
}

/// Picks `,`, `;` or tab, whichever occurs most in the header line outside quotes; `,` when
/// none does (a one-column file then fails with "missing column", listing what it found).
fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b',', b';', b'\t'];
    // The header is the first line with more than separators and spaces, as for the reader.
    let Some(header) = text.lines().find(|line| {
        line.bytes()
            .any(|b| !b.is_ascii_whitespace() && !CANDIDATES.contains(&b))
    }) else {
        return b',';
    };
    let mut counts = [0usize; CANDIDATES.len()];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(i) = CANDIDATES.iter().position(|&c| c == byte) {
            counts[i] += 1;
        }
    }
    // Ties go to the earlier candidate, so plain CSV wins when in doubt.
    let best = (0..CANDIDATES.len())
        .rev()
        .max_by_key(|&i| counts[i])
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

#[cfg(test)]
mod tests;
