//! One data row of a stock file: its cells read through the found [`Columns`] and checked
//! (SKU, whole non-negative quantity, warehouse) into a [`StockRow`] or the row's problems.

use super::columns::{Columns, Field};
use crate::domain::csv_lines::collect;
use crate::domain::text::has_hidden_characters;
use csv::StringRecord;

/// BigCommerce stores inventory levels as 32-bit integers; larger values would fail later.
pub const MAX_QUANTITY: i64 = i32::MAX as i64;
const MAX_SKU_CHARS: usize = 255;
const MAX_WAREHOUSE_CHARS: usize = 50;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StockRow {
    /// 1-based line in the file where the row starts; the header is line 1.
    pub line: u64,
    pub sku: String,
    /// The absolute quantity on hand, 0 to [`MAX_QUANTITY`].
    pub quantity: i64,
    pub warehouse: Option<String>,
}

pub(super) fn parse_row(
    columns: &Columns,
    record: &StringRecord,
    line: u64,
) -> Result<StockRow, Vec<String>> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let sku = collect(p, parse_sku(columns, record));
    let quantity = collect(p, parse_quantity(columns, record));
    let warehouse = collect(p, parse_warehouse(columns, record));
    match (sku, quantity, warehouse) {
        (Some(sku), Some(quantity), Some(warehouse)) => Ok(StockRow {
            line,
            sku,
            quantity,
            warehouse,
        }),
        _ => Err(problems),
    }
}

fn parse_sku(columns: &Columns, record: &StringRecord) -> Result<String, String> {
    let name = columns.name(Field::Sku);
    let value = columns.get(record, Field::Sku);
    if value.is_empty() {
        return Err(format!("{name}: a value is required"));
    }
    check_length(name, value, MAX_SKU_CHARS)?;
    Ok(value.to_owned())
}

/// A whole number from 0 up. "12.0" and "12.00" are accepted because spreadsheets format
/// numbers that way; "1.5" is not rounded, since guessing stock is worse than asking. A comma is
/// never a decimal separator here: "1,000" means 1000 or 1 depending on the locale.
fn parse_quantity(columns: &Columns, record: &StringRecord) -> Result<i64, String> {
    let name = columns.name(Field::Quantity);
    let value = columns.get(record, Field::Quantity);
    if value.is_empty() {
        return Err(format!("{name}: a value is required"));
    }
    let whole = match value.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() && fraction.bytes().all(|b| b == b'0') => {
            whole
        }
        Some(_) => return Err(format!("{name}: {value:?} is not a whole number")),
        None => value,
    };
    let digits = whole.strip_prefix(['+', '-']).unwrap_or(whole);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{name}: {value:?} is not a whole number"));
    }
    // "-0" is zero, not negative.
    if whole.starts_with('-') && digits.bytes().any(|b| b != b'0') {
        return Err(format!(
            "{name}: {value:?} is negative; stock must be 0 or more"
        ));
    }
    match digits.parse::<i64>() {
        Ok(quantity) if quantity <= MAX_QUANTITY => Ok(quantity),
        _ => Err(format!(
            "{name}: {value:?} is too large (at most {MAX_QUANTITY})"
        )),
    }
}

fn parse_warehouse(columns: &Columns, record: &StringRecord) -> Result<Option<String>, String> {
    let value = columns.get(record, Field::Warehouse);
    if value.is_empty() {
        return Ok(None);
    }
    check_length(columns.name(Field::Warehouse), value, MAX_WAREHOUSE_CHARS)?;
    if has_hidden_characters(value) {
        return Err(format!(
            "{}: must not contain control, direction-changing or invisible characters",
            columns.name(Field::Warehouse)
        ));
    }
    Ok(Some(value.to_owned()))
}

fn check_length(name: &str, value: &str, max: usize) -> Result<(), String> {
    let chars = value.chars().count();
    if chars > max {
        return Err(format!(
            "{name}: must be at most {max} characters (it has {chars})"
        ));
    }
    Ok(())
}
