//! Assignment uploads: "this SKU's orders go to this vendor", one row each, parsed into rows
//! before any rule is stored. Whether the SKU and the vendor exist is decided later, against the
//! store's catalog and the vendors.

use super::csv_lines::{NumberedRecords, csv_error, header_key};
use super::tracking_csv::RowError;

/// One row of an assignment upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    /// 1-based line in the file where the row starts; the header is line 1.
    pub line: u64,
    pub sku: String,
    /// The vendor's name.
    pub vendor: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AssignmentUpload {
    pub rows: Vec<AssignmentRow>,
    pub errors: Vec<RowError>,
}

/// Parses the CSV text of an assignment upload: the columns `sku` and `vendor` in any order,
/// header required. Bad rows are collected in [`AssignmentUpload::errors`]; the `Err` is for the
/// file as a whole (unreadable, or the header lacks a column).
pub fn parse_assignment_csv(text: &str) -> Result<AssignmentUpload, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = NumberedRecords::new(
        text,
        csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All),
    );
    let missing_header = || "The first line must name the columns sku and vendor".to_owned();
    let Some((_, header)) = records.next() else {
        return Err(missing_header());
    };
    let header = header.map_err(csv_error)?;
    let column = |name: &str| header.iter().position(|h| header_key(h) == name);
    let (Some(sku_column), Some(vendor_column)) = (column("sku"), column("vendor")) else {
        return Err(missing_header());
    };
    let mut upload = AssignmentUpload::default();
    for (line, record) in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                upload.errors.push(RowError {
                    line,
                    message: format!("unreadable row: {error}"),
                });
                continue;
            }
        };
        let sku = record.get(sku_column).unwrap_or_default();
        let vendor = record.get(vendor_column).unwrap_or_default();
        let problem = if sku.is_empty() {
            Some("the sku column is empty")
        } else if vendor.is_empty() {
            Some("the vendor column is empty")
        } else {
            None
        };
        match problem {
            Some(message) => upload.errors.push(RowError {
                line,
                message: message.to_owned(),
            }),
            None => upload.rows.push(AssignmentRow {
                line,
                sku: sku.to_owned(),
                vendor: vendor.to_owned(),
            }),
        }
    }
    Ok(upload)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (line, SKU) of each row and (line, message) of each problem.
    type Lines = Vec<(u64, String)>;

    fn lines_and_problems(text: &str) -> (Lines, Lines) {
        let upload = parse_assignment_csv(text).unwrap();
        (
            upload.rows.into_iter().map(|r| (r.line, r.sku)).collect(),
            upload
                .errors
                .into_iter()
                .map(|e| (e.line, e.message))
                .collect(),
        )
    }

    #[test]
    fn rows_and_errors_carry_the_same_lines_with_lf_and_crlf() {
        let lf = "Vendor,SKU\nAcme,A-1\n\n,B-2\nAcme,\"C\n3\"\nBeta,D-4\n";
        let crlf = lf.replace('\n', "\r\n");
        for text in [lf.to_owned(), crlf] {
            let (rows, problems) = lines_and_problems(&text);
            let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
            assert_eq!(lines, [2, 5, 7], "{text:?}");
            assert_eq!(
                problems,
                [(4, "the vendor column is empty".to_owned())],
                "{text:?}"
            );
        }
    }

    #[test]
    fn a_header_without_both_columns_is_refused() {
        assert!(parse_assignment_csv("sku,supplier\nA,B\n").is_err());
        assert!(parse_assignment_csv("").is_err());
    }
}
