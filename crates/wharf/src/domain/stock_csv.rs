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

use super::csv_lines::{NumberedRecords, collect, csv_error, header_key};
use super::text::has_hidden_characters;
use std::collections::HashMap;

use csv::StringRecord;

pub use super::tracking_csv::RowError;

/// Above this many data rows the file is refused as a whole; split it.
pub const MAX_ROWS: usize = 200_000;
/// The file is refused when more than this percentage of its data rows are invalid (and it has
/// at least [`MIN_ROWS_FOR_INVALID_SHARE`] rows), because that is what a broken export looks like.
pub const MAX_INVALID_PERCENT: usize = 50;
/// Below this many data rows the share of invalid rows is not judged (two bad rows out of three
/// is more likely typos than a broken export), unless no row at all is valid.
pub const MIN_ROWS_FOR_INVALID_SHARE: usize = 10;
/// BigCommerce stores inventory levels as 32-bit integers; larger values would fail later.
pub const MAX_QUANTITY: i64 = i32::MAX as i64;
const MAX_SKU_CHARS: usize = 255;
const MAX_WAREHOUSE_CHARS: usize = 50;
/// How many header names a "missing column" message lists.
const MAX_HEADERS_SHOWN: usize = 20;

const SKU_ALIASES: &[&str] = &["sku", "vendor_sku", "item", "item_sku", "part_number"];
const QUANTITY_ALIASES: &[&str] = &[
    "quantity",
    "qty",
    "stock",
    "on_hand",
    "available",
    "inventory",
];
const WAREHOUSE_ALIASES: &[&str] = &["warehouse", "location", "warehouse_code"];

/// Which header holds which value; stored per feed by the operator.
///
/// A name is matched against the header exactly, ignoring case and surrounding spaces. The
/// default names (`sku`, `quantity`, `warehouse`) additionally accept their usual aliases
/// ("Vendor SKU", "Qty", "On Hand", "Location", …) when no header has exactly that name, so the
/// default mapping reads most exports as they are.
///
/// `warehouse: None` ignores any warehouse column. With the default name the column is
/// optional; with any other name it is required, because an operator who named it expects
/// per-warehouse rows, and reading them without the warehouse would merge them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ColumnMapping {
    pub sku: String,
    pub quantity: String,
    pub warehouse: Option<String>,
}

impl Default for ColumnMapping {
    fn default() -> Self {
        ColumnMapping {
            sku: SKU_ALIASES[0].to_owned(),
            quantity: QUANTITY_ALIASES[0].to_owned(),
            warehouse: Some(WAREHOUSE_ALIASES[0].to_owned()),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct StockUpload {
    /// Valid rows in file order, without the ones overridden by a later row.
    pub rows: Vec<StockRow>,
    /// Problems with single rows, ordered by line.
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StockRow {
    /// 1-based line in the file where the row starts; the header is line 1.
    pub line: u64,
    pub sku: String,
    /// The absolute quantity on hand, 0 to [`MAX_QUANTITY`].
    pub quantity: i64,
    pub warehouse: Option<String>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Sku,
    Quantity,
    Warehouse,
}

impl Field {
    const ALL: [Field; 3] = [Field::Sku, Field::Quantity, Field::Warehouse];

    /// Accepted header names for the default mapping, in [`header_key`] form; the first is the
    /// default name.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Sku => SKU_ALIASES,
            Field::Quantity => QUANTITY_ALIASES,
            Field::Warehouse => WAREHOUSE_ALIASES,
        }
    }

    fn default_name(self) -> &'static str {
        self.aliases()[0]
    }

    fn configured(self, mapping: &ColumnMapping) -> Option<&str> {
        match self {
            Field::Sku => Some(&mapping.sku),
            Field::Quantity => Some(&mapping.quantity),
            Field::Warehouse => mapping.warehouse.as_deref(),
        }
    }
}

/// A configured name matches exactly, ignoring only case and surrounding spaces.
fn exact_key(header: &str) -> String {
    header.trim().to_lowercase()
}

/// Where each field is in the file, and the header it was found under (used in messages, so
/// they name the column as the vendor's file does).
struct Columns([Option<(usize, String)>; Field::ALL.len()]);

impl Columns {
    fn from_header(header: &StringRecord, mapping: &ColumnMapping) -> Result<Self, String> {
        let mut columns = Columns([None, None, None]);
        let mut missing = Vec::new();
        for field in Field::ALL {
            let Some(wanted) = field.configured(mapping) else {
                continue;
            };
            let uses_aliases = header_key(wanted) == field.default_name();
            match find_column(header, field, wanted, uses_aliases)? {
                Some(index) => {
                    columns.0[field as usize] = Some((index, header[index].to_owned()));
                }
                None if field == Field::Warehouse && uses_aliases => {}
                None if uses_aliases => missing.push(format!(
                    "{} (or {})",
                    field.default_name(),
                    field.aliases()[1..].join(", ")
                )),
                None => missing.push(format!("{wanted:?}")),
            }
        }
        if !missing.is_empty() {
            return Err(format!(
                "Missing required column{}: {}. The header has: {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(" and "),
                list_headers(header)
            ));
        }
        columns.check_distinct()?;
        Ok(columns)
    }

    /// A mapping like `sku = "item", quantity = "item"` would read one cell as both.
    fn check_distinct(&self) -> Result<(), String> {
        for (i, a) in Field::ALL.into_iter().enumerate() {
            for b in Field::ALL.into_iter().skip(i + 1) {
                if let (Some((x, name)), Some((y, _))) = (&self.0[a as usize], &self.0[b as usize])
                    && x == y
                {
                    return Err(format!(
                        "Column {name:?} is mapped as both the {} and the {}; map each to its \
                         own column",
                        a.default_name(),
                        b.default_name()
                    ));
                }
            }
        }
        Ok(())
    }

    /// The name used in messages for a field: the file's header when the column was found.
    fn name(&self, field: Field) -> &str {
        self.0[field as usize]
            .as_ref()
            .map_or(field.default_name(), |(_, name)| name)
    }

    /// The row's trimmed value for a field; "" when the column or the cell is absent.
    fn get<'r>(&self, record: &'r StringRecord, field: Field) -> &'r str {
        self.0[field as usize]
            .as_ref()
            .and_then(|(index, _)| record.get(*index))
            .unwrap_or("")
    }
}

/// The index of the column for `field`: the header named exactly `wanted` if there is one,
/// else (for the default names) the one header matching an alias. Two candidates are refused
/// rather than guessed between.
fn find_column(
    header: &StringRecord,
    field: Field,
    wanted: &str,
    uses_aliases: bool,
) -> Result<Option<usize>, String> {
    let wanted_key = exact_key(wanted);
    let exact: Vec<usize> = (0..header.len())
        .filter(|&i| exact_key(&header[i]) == wanted_key)
        .collect();
    let candidates = if exact.is_empty() && uses_aliases {
        (0..header.len())
            .filter(|&i| field.aliases().contains(&header_key(&header[i]).as_str()))
            .collect()
    } else {
        exact
    };
    match candidates[..] {
        [] => Ok(None),
        [index] => Ok(Some(index)),
        [first, second, ..] => Err(format!(
            "Columns {:?} and {:?} could both be the {}; remove one, or name the right one in \
             the feed's column mapping",
            &header[first],
            &header[second],
            field.default_name()
        )),
    }
}

/// The header as found, so a wrong delimiter or a different report is obvious at a glance.
fn list_headers(header: &StringRecord) -> String {
    let mut names: Vec<String> = header
        .iter()
        .take(MAX_HEADERS_SHOWN)
        .map(|name| format!("{name:?}"))
        .collect();
    if header.len() > MAX_HEADERS_SHOWN {
        names.push(format!("… ({} columns in all)", header.len()));
    }
    names.join(", ")
}

fn parse_row(columns: &Columns, record: &StringRecord, line: u64) -> Result<StockRow, Vec<String>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> StockUpload {
        parse_stock_csv(text, &ColumnMapping::default()).unwrap()
    }

    fn refuse(text: &str) -> String {
        parse_stock_csv(text, &ColumnMapping::default()).unwrap_err()
    }

    fn row(line: u64, sku: &str, quantity: i64, warehouse: Option<&str>) -> StockRow {
        StockRow {
            line,
            sku: sku.into(),
            quantity,
            warehouse: warehouse.map(Into::into),
        }
    }

    fn messages(upload: &StockUpload) -> Vec<(u64, &str)> {
        upload
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect()
    }

    /// `n` valid rows with distinct SKUs, after a header.
    fn valid_rows(n: usize) -> String {
        (0..n).map(|i| format!("S{i},{i}\n")).collect()
    }

    #[test]
    fn reads_rows_with_the_default_names() {
        let upload = parse("sku,quantity,warehouse\nA,12,EAST\nB,0,\n");
        assert!(upload.errors.is_empty(), "{:?}", upload.errors);
        assert_eq!(
            upload.rows,
            [row(2, "A", 12, Some("EAST")), row(3, "B", 0, None)]
        );
    }

    #[test]
    fn default_mapping_accepts_aliases_in_any_case_and_spacing() {
        for header in [
            "Vendor SKU,Qty,Location",
            "item,stock,warehouse_code",
            "ITEM-SKU,On Hand,WAREHOUSE",
            "part_number,available,location",
            "Part Number,Inventory,Warehouse Code",
        ] {
            let upload = parse(&format!("{header}\nA,3,W1\n"));
            assert_eq!(upload.rows, [row(2, "A", 3, Some("W1"))], "{header}");
        }
    }

    #[test]
    fn the_warehouse_column_is_optional_by_default() {
        let upload = parse("sku,qty\nA,1\n");
        assert_eq!(upload.rows, [row(2, "A", 1, None)]);
    }

    #[test]
    fn an_exact_default_name_wins_over_aliases() {
        // "item" is an alias of the SKU, but a "sku" column says which one is meant.
        let upload = parse("item,sku,qty\nWidget,A,1\n");
        assert_eq!(upload.rows, [row(2, "A", 1, None)]);
    }

    #[test]
    fn two_alias_columns_are_refused_rather_than_guessed() {
        let error = refuse("item,part_number,qty\nA,B,1\n");
        assert_eq!(
            error,
            "Columns \"item\" and \"part_number\" could both be the sku; remove one, or name the \
             right one in the feed's column mapping"
        );
    }

    #[test]
    fn a_custom_mapping_names_headers_exactly() {
        let mapping = ColumnMapping {
            sku: "Article No".into(),
            quantity: " free stock ".into(),
            warehouse: Some("Depot".into()),
        };
        let upload = parse_stock_csv(
            "sku,ARTICLE NO,qty,Free Stock,depot\nx,A,9,4,D1\n",
            &mapping,
        )
        .unwrap();
        assert_eq!(upload.rows, [row(2, "A", 4, Some("D1"))]);

        // No alias fallback for a custom name: "Article-No" is not "Article No".
        let error = parse_stock_csv("Article-No,free stock,depot\nA,1,D\n", &mapping).unwrap_err();
        assert_eq!(
            error,
            "Missing required column: \"Article No\". The header has: \"Article-No\", \
             \"free stock\", \"depot\""
        );
    }

    #[test]
    fn a_custom_warehouse_column_is_required_and_none_ignores_it() {
        let named = ColumnMapping {
            warehouse: Some("Depot".into()),
            ..ColumnMapping::default()
        };
        let error = parse_stock_csv("sku,qty\nA,1\n", &named).unwrap_err();
        assert!(
            error.starts_with("Missing required column: \"Depot\"."),
            "{error}"
        );

        let none = ColumnMapping {
            warehouse: None,
            ..ColumnMapping::default()
        };
        let upload = parse_stock_csv("sku,qty,warehouse\nA,1,W\n", &none).unwrap();
        assert_eq!(upload.rows, [row(2, "A", 1, None)]);
    }

    #[test]
    fn one_column_mapped_twice_is_refused() {
        let mapping = ColumnMapping {
            sku: "code".into(),
            quantity: "code".into(),
            warehouse: None,
        };
        let error = parse_stock_csv("code\n1\n", &mapping).unwrap_err();
        assert_eq!(
            error,
            "Column \"code\" is mapped as both the sku and the quantity; map each to its own column"
        );
    }

    #[test]
    fn the_same_header_twice_is_refused() {
        let error = refuse("sku,qty,QTY\nA,1,2\n");
        assert!(
            error.starts_with("Columns \"qty\" and \"QTY\" could both be the quantity"),
            "{error}"
        );
    }

    #[test]
    fn the_mapping_round_trips_through_json_and_fills_gaps_with_defaults() {
        let mapping = ColumnMapping {
            sku: "Art".into(),
            quantity: "Stock".into(),
            warehouse: None,
        };
        let json = serde_json::to_string(&mapping).unwrap();
        assert_eq!(json, r#"{"sku":"Art","quantity":"Stock","warehouse":null}"#);
        assert_eq!(
            serde_json::from_str::<ColumnMapping>(&json).unwrap(),
            mapping
        );
        let partial: ColumnMapping = serde_json::from_str(r#"{"sku":"Art"}"#).unwrap();
        assert_eq!(
            partial,
            ColumnMapping {
                sku: "Art".into(),
                ..ColumnMapping::default()
            }
        );
    }

    #[test]
    fn missing_columns_are_named_with_the_headers_found() {
        assert_eq!(
            refuse("name,count\nA,1\n"),
            "Missing required columns: sku (or vendor_sku, item, item_sku, part_number) and \
             quantity (or qty, stock, on_hand, available, inventory). The header has: \"name\", \
             \"count\""
        );
        // A delimiter we do not read shows up as one long header.
        assert_eq!(
            refuse("sku|qty\nA|1\n"),
            "Missing required columns: sku (or vendor_sku, item, item_sku, part_number) and \
             quantity (or qty, stock, on_hand, available, inventory). The header has: \"sku|qty\""
        );
        let wide: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let error = refuse(&format!("sku,{}\n", wide.join(",")));
        assert!(error.ends_with("\"c18\", … (26 columns in all)"), "{error}");
    }

    #[test]
    fn detects_semicolon_and_tab_delimiters() {
        let expected = [row(2, "A", 5, Some("W")), row(3, "B,1", 6, None)];
        assert_eq!(parse("sku;qty;warehouse\nA;5;W\nB,1;6;\n").rows, expected);
        assert_eq!(
            parse("sku\tqty\twarehouse\nA\t5\tW\nB,1\t6\t\n").rows,
            expected
        );
        assert_eq!(
            parse("sku,qty,warehouse\nA,5,W\n\"B,1\",6,\n").rows,
            expected
        );
    }

    #[test]
    fn delimiters_inside_quoted_headers_do_not_count() {
        assert_eq!(detect_delimiter("\"a;b;c\",sku,qty\n"), b',');
        assert_eq!(detect_delimiter("\"a,b,c\";sku;qty\n"), b';');
        assert_eq!(detect_delimiter(",,,\n\nsku;qty\n"), b';');
        assert_eq!(detect_delimiter("sku\n"), b',');
        assert_eq!(detect_delimiter(""), b',');
        // A tie goes to the comma.
        assert_eq!(detect_delimiter("a;b,c\n"), b',');
    }

    #[test]
    fn an_empty_file_is_refused_and_a_header_alone_is_empty() {
        for text in ["", "\n\n", "   \n", "\u{feff}", ",,,\n"] {
            assert_eq!(
                refuse(text),
                "The file is empty: it has no header row",
                "{text:?}"
            );
        }
        for text in ["sku,qty\n", "\u{feff}sku,qty\r\n\r\n", "\n\nsku;qty\n;\n"] {
            assert_eq!(parse(text), StockUpload::default(), "{text:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_column() {
        let upload = parse("\u{feff}sku,qty\r\nA,1\r\n");
        assert_eq!(upload.rows, [row(2, "A", 1, None)]);
    }

    #[test]
    fn quantities_are_whole_numbers_from_zero() {
        let accepted = [
            ("12", 12),
            (" 12 ", 12),
            ("12.0", 12),
            ("12.00", 12),
            ("+3", 3),
            ("0", 0),
            ("-0", 0),
            ("007", 7),
            ("2147483647", MAX_QUANTITY),
        ];
        for (text, quantity) in accepted {
            let upload = parse(&format!("sku,qty\nA,{text}\n"));
            assert_eq!(upload.rows, [row(2, "A", quantity, None)], "{text:?}");
        }
        let upload = parse(&format!(
            "sku,On Hand\n{}\
             A,-1\nB,abc\nC,1.5\nD,\nE,1e3\nF,\"1,000\"\nG,12.\nH,.0\nI,2147483648\n\
             J,-99999999999999999999\nK,99999999999999999999\nL,1 2\nM,-\n",
            valid_rows(20)
        ));
        // Messages name the column as the file does.
        assert_eq!(
            messages(&upload),
            [
                (22, "On Hand: \"-1\" is negative; stock must be 0 or more"),
                (23, "On Hand: \"abc\" is not a whole number"),
                (24, "On Hand: \"1.5\" is not a whole number"),
                (25, "On Hand: a value is required"),
                (26, "On Hand: \"1e3\" is not a whole number"),
                (27, "On Hand: \"1,000\" is not a whole number"),
                (28, "On Hand: \"12.\" is not a whole number"),
                (29, "On Hand: \".0\" is not a whole number"),
                (
                    30,
                    "On Hand: \"2147483648\" is too large (at most 2147483647)"
                ),
                (
                    31,
                    "On Hand: \"-99999999999999999999\" is negative; stock must be 0 or more"
                ),
                (
                    32,
                    "On Hand: \"99999999999999999999\" is too large (at most 2147483647)"
                ),
                (33, "On Hand: \"1 2\" is not a whole number"),
                (34, "On Hand: \"-\" is not a whole number"),
            ]
        );
        assert_eq!(upload.rows.len(), 20);
    }

    #[test]
    fn skus_and_warehouses_are_checked() {
        let long_sku = "s".repeat(256);
        let long_warehouse = "w".repeat(51);
        let upload = parse(&format!(
            "sku,qty,warehouse\n{}\
             {},1,\n\
             {long_sku},x,{long_warehouse}\n\
             ,1,W\n",
            valid_rows(10),
            "s".repeat(255),
        ));
        assert_eq!(
            messages(&upload),
            [
                (13, "sku: must be at most 255 characters (it has 256)"),
                (13, "qty: \"x\" is not a whole number"),
                (13, "warehouse: must be at most 50 characters (it has 51)"),
                (14, "sku: a value is required"),
            ]
        );
        assert_eq!(upload.rows.len(), 11);
        assert_eq!(upload.rows[10].sku.len(), 255);
        let upload = parse(&format!("sku,qty,warehouse\nA,1,{}\n", "w".repeat(50)));
        assert!(upload.errors.is_empty());
    }

    #[test]
    fn the_last_row_for_a_sku_wins_and_the_earlier_is_reported() {
        let upload = parse(
            "sku,qty,warehouse\n\
             A,1,\n\
             A,5,EAST\n\
             B,2,\n\
             A,x,\n\
             A,3,\n\
             A,7,EAST\n\
             a,4,\n\
             A,9,\n",
        );
        assert_eq!(
            upload.rows,
            [
                row(4, "B", 2, None),
                row(7, "A", 7, Some("EAST")),
                row(8, "a", 4, None),
                row(9, "A", 9, None),
            ]
        );
        assert_eq!(
            messages(&upload),
            [
                (
                    2,
                    "sku: \"A\" is overridden by line 6 (the last row for a SKU is the one applied)"
                ),
                (
                    3,
                    "sku: \"A\" in warehouse \"EAST\" is overridden by line 7 (the last row for a \
                     SKU is the one applied)"
                ),
                (5, "qty: \"x\" is not a whole number"),
                (
                    6,
                    "sku: \"A\" is overridden by line 9 (the last row for a SKU is the one applied)"
                ),
            ]
        );
    }

    #[test]
    fn overridden_rows_do_not_count_as_invalid() {
        let text = format!("sku,qty\n{}", "A,1\n".repeat(30));
        let upload = parse(&text);
        assert_eq!(upload.rows, [row(31, "A", 1, None)]);
        assert_eq!(upload.errors.len(), 29);
    }

    #[test]
    fn a_mostly_invalid_file_is_refused() {
        // 6 of 10 invalid: refused, with the first problem as the example.
        let text = format!("sku,qty\n{}{}", valid_rows(4), "A,abc\nB,-1\n".repeat(3));
        assert_eq!(
            refuse(&text),
            "6 of 10 rows are invalid (e.g. line 6: qty: \"abc\" is not a whole number); nothing \
             was applied"
        );
        // Exactly half is not "more than half".
        let text = format!("sku,qty\n{}{}", valid_rows(5), "A,abc\n".repeat(5));
        let upload = parse(&text);
        assert_eq!((upload.rows.len(), upload.errors.len()), (5, 5));
    }

    #[test]
    fn a_wrong_delimiter_in_the_rows_refuses_the_file() {
        // The header says comma; the rows were exported with semicolons.
        let text = format!("sku,qty\n{}", "A;1\n".repeat(500));
        let error = refuse(&text);
        assert!(
            error
                .starts_with("500 of 500 rows are invalid (e.g. line 2: qty: a value is required)"),
            "{error}"
        );
    }

    #[test]
    fn small_files_are_refused_only_when_no_row_is_valid() {
        let upload = parse("sku,qty\nA,1\nB,x\nC,y\n");
        assert_eq!((upload.rows.len(), upload.errors.len()), (1, 2));
        assert_eq!(
            refuse("sku,qty\nA,x\n"),
            "1 of 1 row is invalid (e.g. line 2: qty: \"x\" is not a whole number); nothing was \
             applied"
        );
        assert_eq!(
            refuse("sku,qty\nA,x\n,\nB,\n").split(" (").next(),
            Some("2 of 2 rows are invalid")
        );
    }

    #[test]
    fn quoted_fields_keep_delimiters_quotes_and_newlines() {
        let upload = parse("sku,qty\n\"A, large\",1\n\"B \"\"x\"\"\",2\n\"C\nD\",3\nE,4\n");
        assert!(upload.errors.is_empty(), "{:?}", upload.errors);
        assert_eq!(upload.rows[0].sku, "A, large");
        assert_eq!(upload.rows[1].sku, "B \"x\"");
        assert_eq!(upload.rows[2].sku, "C\nD");
        // The quoted newline makes the third row two lines long.
        assert_eq!(upload.rows[3].line, 6);
    }

    #[test]
    fn crlf_and_lf_files_report_the_same_lines() {
        let lf = "sku,quantity\nA,1\n\nB,x\n\"C\nD\",2\nE,3\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf, crlf.as_str()] {
            let upload = parse(text);
            let rows: Vec<u64> = upload.rows.iter().map(|r| r.line).collect();
            let errors: Vec<u64> = upload.errors.iter().map(|e| e.line).collect();
            assert_eq!((rows, errors), (vec![2, 5, 7], vec![4]), "{text:?}");
        }
    }

    #[test]
    fn line_numbers_stay_right_around_blank_and_invalid_rows() {
        let upload = parse(&format!(
            "\n\r\nsku;qty\r\n\r\n\nA;1\r\n\n;;\n\nB;x\nC\n\"x\ny\";2\n{}",
            valid_rows(10).replace(',', ";")
        ));
        let lines: Vec<u64> = upload.rows.iter().take(2).map(|r| r.line).collect();
        assert_eq!(lines, [6, 12]);
        assert_eq!(
            messages(&upload),
            [
                (10, "qty: \"x\" is not a whole number"),
                (11, "qty: a value is required"),
            ]
        );
    }

    #[test]
    fn too_many_rows_refuse_the_file() {
        let rows = |n: usize| format!("sku,qty\n{}", "A,1\n".repeat(n));
        assert_eq!(parse(&rows(MAX_ROWS)).rows.len(), 1);
        let error = refuse(&rows(MAX_ROWS + 1));
        assert_eq!(
            error,
            "The file has more than 200000 rows; split it into smaller files"
        );
    }
}
