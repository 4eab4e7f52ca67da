//! Tracking uploads: a vendor's spreadsheet of "this order line shipped with this tracking
//! number", parsed into rows before anything touches an order.
//!
//! Checks here are only syntactic (is the quantity a number, is the URL a web link), so the
//! whole file can be reported on at once: every bad row with its line number and column, next to
//! the good rows. Whether an order, SKU or quantity fits what is unshipped, and which carrier a
//! name means, is decided later against stored orders.

use super::csv_lines::{NumberedRecords, collect, csv_error, header_key};
use csv::StringRecord;

/// Above this many data rows the upload is refused as a whole; split the file.
pub const MAX_ROWS: usize = 10_000;
const MAX_TRACKING_NUMBER_CHARS: usize = 50;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct TrackingUpload {
    pub rows: Vec<TrackingRow>,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TrackingRow {
    /// 1-based line in the file where the row starts; the header is line 1.
    pub line: u64,
    /// The storefront's order number.
    pub order_number: i64,
    pub sku: String,
    pub quantity: i64,
    pub tracking_number: String,
    /// As written; normalised later (see `domain::carrier`).
    pub carrier: String,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
}

/// One problem with one row; a row with several problems has several of these.
#[derive(Debug, Clone, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// 1-based line of the file (the header is line 1).
    pub line: u64,
    /// Starts with the column's name, e.g. `quantity: "abc" is not a whole number`.
    pub message: String,
}

/// Parses the CSV text of a tracking upload. Bad rows are collected in
/// [`TrackingUpload::errors`]; the `Err` is for problems with the file as a whole (required
/// columns missing, a column given twice, too many rows).
pub fn parse_tracking_csv(text: &str) -> Result<TrackingUpload, String> {
    // Spreadsheet exports often start with a byte-order mark, which would hide the first column.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = NumberedRecords::new(
        text,
        csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All),
    );
    let mut upload = TrackingUpload::default();
    let Some((_, header)) = records.next() else {
        return Ok(upload);
    };
    let columns = Columns::from_header(&header.map_err(csv_error)?)?;
    for (count, (line, record)) in records.enumerate() {
        if count >= MAX_ROWS {
            return Err(format!(
                "The file has more than {MAX_ROWS} rows; split it into smaller files"
            ));
        }
        let record = record.map_err(csv_error)?;
        match parse_row(&columns, &record, line) {
            Ok(row) => upload.rows.push(row),
            Err(messages) => upload.errors.extend(
                messages
                    .into_iter()
                    .map(|message| RowError { line, message }),
            ),
        }
    }
    Ok(upload)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Order,
    Sku,
    Quantity,
    TrackingNumber,
    Carrier,
    TrackingUrl,
    ShippingMethod,
}

impl Column {
    const ALL: [Column; 7] = [
        Column::Order,
        Column::Sku,
        Column::Quantity,
        Column::TrackingNumber,
        Column::Carrier,
        Column::TrackingUrl,
        Column::ShippingMethod,
    ];

    /// The name used in messages.
    fn name(self) -> &'static str {
        self.aliases()[0]
    }

    /// Accepted header names, in [`header_key`] form; the first is the canonical name.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Order => &["order", "order_id", "order_number", "order_no"],
            Column::Sku => &["sku"],
            Column::Quantity => &["quantity", "qty"],
            Column::TrackingNumber => &["tracking_number", "tracking", "tracking_no"],
            Column::Carrier => &["carrier"],
            Column::TrackingUrl => &["tracking_url", "tracking_link", "url"],
            Column::ShippingMethod => &["shipping_method", "method"],
        }
    }

    fn is_required(self) -> bool {
        !matches!(self, Column::TrackingUrl | Column::ShippingMethod)
    }

    fn for_header(header: &str) -> Option<Column> {
        let key = header_key(header);
        Column::ALL
            .into_iter()
            .find(|column| column.aliases().contains(&key.as_str()))
    }
}

/// Where each known column is in the file.
struct Columns([Option<usize>; Column::ALL.len()]);

impl Columns {
    fn from_header(header: &StringRecord) -> Result<Self, String> {
        let mut columns = Columns([None; Column::ALL.len()]);
        for (index, name) in header.iter().enumerate() {
            let Some(column) = Column::for_header(name) else {
                continue;
            };
            if let Some(first) = columns.0[column as usize] {
                return Err(format!(
                    "Columns {:?} and {name:?} both give the {}; keep one",
                    &header[first],
                    column.name()
                ));
            }
            columns.0[column as usize] = Some(index);
        }
        columns.check_required()?;
        Ok(columns)
    }

    fn check_required(&self) -> Result<(), String> {
        let missing: Vec<&str> = Column::ALL
            .into_iter()
            .filter(|column| column.is_required() && self.0[*column as usize].is_none())
            .map(Column::name)
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(format!(
            "Missing required column{}: {}",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", ")
        ))
    }

    /// The row's trimmed value for a column; "" when the column or the cell is absent.
    fn get<'r>(&self, record: &'r StringRecord, column: Column) -> &'r str {
        self.0[column as usize]
            .and_then(|index| record.get(index))
            .unwrap_or("")
    }
}

fn parse_row(
    columns: &Columns,
    record: &StringRecord,
    line: u64,
) -> Result<TrackingRow, Vec<String>> {
    let value = |column| columns.get(record, column);
    let mut problems = Vec::new();
    let p = &mut problems;
    let order_number = collect(p, parse_order(value(Column::Order)));
    let sku = collect(p, required(Column::Sku, value(Column::Sku)));
    let quantity = collect(p, parse_quantity(value(Column::Quantity)));
    let tracking_number = collect(p, parse_tracking_number(value(Column::TrackingNumber)));
    let carrier = collect(p, required(Column::Carrier, value(Column::Carrier)));
    let tracking_url = collect(p, parse_tracking_url(value(Column::TrackingUrl)));
    match (
        order_number,
        sku,
        quantity,
        tracking_number,
        carrier,
        tracking_url,
    ) {
        (
            Some(order_number),
            Some(sku),
            Some(quantity),
            Some(tracking_number),
            Some(carrier),
            Some(tracking_url),
        ) => Ok(TrackingRow {
            line,
            order_number,
            sku,
            quantity,
            tracking_number,
            carrier,
            tracking_url,
            shipping_method: optional(value(Column::ShippingMethod)),
        }),
        _ => Err(problems),
    }
}

fn required(column: Column, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!("{}: a value is required", column.name()));
    }
    Ok(value.to_owned())
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// Order numbers are positive; a leading "#" as shown in the store's control panel is allowed.
fn parse_order(value: &str) -> Result<i64, String> {
    let name = Column::Order.name();
    required(Column::Order, value)?;
    let digits = value.strip_prefix('#').unwrap_or(value);
    match digits.parse::<i64>() {
        Ok(number) if number > 0 => Ok(number),
        _ => Err(format!(
            "{name}: {value:?} is not an order number (a positive whole number)"
        )),
    }
}

fn parse_quantity(value: &str) -> Result<i64, String> {
    let name = Column::Quantity.name();
    required(Column::Quantity, value)?;
    let quantity = value
        .parse::<i64>()
        .map_err(|_| format!("{name}: {value:?} is not a whole number"))?;
    if quantity < 1 {
        return Err(format!("{name}: {quantity} must be at least 1"));
    }
    Ok(quantity)
}

fn parse_tracking_number(value: &str) -> Result<String, String> {
    let number = required(Column::TrackingNumber, value)?;
    check_length(Column::TrackingNumber, &number, MAX_TRACKING_NUMBER_CHARS)?;
    Ok(number)
}

/// Optional; when given it must be a web link the customer can open.
fn parse_tracking_url(value: &str) -> Result<Option<String>, String> {
    let Some(url) = optional(value) else {
        return Ok(None);
    };
    check_length(Column::TrackingUrl, &url, super::shipment::MAX_TRACKING_URL)?;
    super::shipment::tracking_link(&url)
        .map(Some)
        .map_err(|problem| format!("{}: {url:?} {problem}", Column::TrackingUrl.name()))
}

fn check_length(column: Column, value: &str, max: usize) -> Result<(), String> {
    let chars = value.chars().count();
    if chars > max {
        return Err(format!(
            "{}: must be at most {max} characters (it has {chars})",
            column.name()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "order,sku,quantity,tracking_number,carrier\n";

    fn parse(text: &str) -> TrackingUpload {
        parse_tracking_csv(text).unwrap()
    }

    fn messages(upload: &TrackingUpload) -> Vec<(u64, &str)> {
        upload
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect()
    }

    #[test]
    fn reads_rows_with_aliases_and_extra_columns() {
        let upload = parse(
            "Order Number,Notes,SKU,Qty,Tracking No,Carrier,Tracking Link,Shipping Method\n\
             100,fragile,ABC-1,2,1Z999,UPS,https://example.com/t/1Z999,Ground\n\
             #101,,XYZ,1,  9400  ,usps,,\n",
        );
        assert!(upload.errors.is_empty(), "{:?}", upload.errors);
        assert_eq!(
            upload.rows,
            [
                TrackingRow {
                    line: 2,
                    order_number: 100,
                    sku: "ABC-1".into(),
                    quantity: 2,
                    tracking_number: "1Z999".into(),
                    carrier: "UPS".into(),
                    tracking_url: Some("https://example.com/t/1Z999".into()),
                    shipping_method: Some("Ground".into()),
                },
                TrackingRow {
                    line: 3,
                    order_number: 101,
                    sku: "XYZ".into(),
                    quantity: 1,
                    tracking_number: "9400".into(),
                    carrier: "usps".into(),
                    tracking_url: None,
                    shipping_method: None,
                },
            ]
        );
    }

    #[test]
    fn header_aliases_are_case_and_separator_insensitive() {
        for header in [
            "ORDER_ID,Sku,QUANTITY,Tracking,CARRIER,url,method",
            "order id,sku,qty,tracking number,carrier,tracking url,shipping method",
            "order-id,sku,qty,tracking_no,carrier,tracking_link,method",
        ] {
            let upload = parse(&format!("{header}\n5,A,1,T1,DHL,http://x.example,Air\n"));
            assert_eq!(upload.rows.len(), 1, "{header}");
            assert_eq!(
                upload.rows[0].tracking_url.as_deref(),
                Some("http://x.example")
            );
            assert_eq!(upload.rows[0].shipping_method.as_deref(), Some("Air"));
        }
    }

    #[test]
    fn empty_and_header_only_files_have_no_rows() {
        for text in [
            "",
            "\n\n",
            "   \n",
            HEADER,
            "\u{feff}order,sku,qty,tracking,carrier\r\n",
        ] {
            assert_eq!(parse(text), TrackingUpload::default(), "{text:?}");
        }
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_column() {
        let upload = parse("\u{feff}order,sku,qty,tracking,carrier\r\n7,A,1,T,UPS\r\n");
        assert_eq!(upload.rows[0].order_number, 7);
    }

    #[test]
    fn missing_required_columns_are_named() {
        let error = parse_tracking_csv("order,sku,tracking url\n1,A,http://x\n").unwrap_err();
        assert_eq!(
            error,
            "Missing required columns: quantity, tracking_number, carrier"
        );
        let error = parse_tracking_csv("order,sku,qty,tracking\n").unwrap_err();
        assert_eq!(error, "Missing required column: carrier");
    }

    #[test]
    fn a_column_given_twice_is_refused() {
        let error = parse_tracking_csv("order,order id,sku,qty,tracking,carrier\n").unwrap_err();
        assert!(error.contains("\"order\" and \"order id\""), "{error}");
    }

    #[test]
    fn a_row_with_several_problems_reports_each() {
        let upload = parse(&format!("{HEADER}abc,,0,,\n"));
        assert!(upload.rows.is_empty());
        assert_eq!(
            messages(&upload),
            [
                (
                    2,
                    "order: \"abc\" is not an order number (a positive whole number)"
                ),
                (2, "sku: a value is required"),
                (2, "quantity: 0 must be at least 1"),
                (2, "tracking_number: a value is required"),
                (2, "carrier: a value is required"),
            ]
        );
    }

    #[test]
    fn values_are_checked() {
        let long_number = "9".repeat(51);
        let long_url = format!("https://x.example/{}", "a".repeat(500));
        let upload = parse(&format!(
            "order,sku,qty,tracking,carrier,url\n\
             -3,A,abc,T,UPS,\n\
             1,A,1.5,{long_number},UPS,ftp://x.example\n\
             1,A,1,T,UPS,{long_url}\n\
             1,A,1,T,UPS,https://\n\
             0,A,1,{},UPS,HTTPS://X.EXAMPLE\n",
            "9".repeat(50)
        ));
        assert_eq!(
            messages(&upload),
            [
                (
                    2,
                    "order: \"-3\" is not an order number (a positive whole number)"
                ),
                (2, "quantity: \"abc\" is not a whole number"),
                (3, "quantity: \"1.5\" is not a whole number"),
                (
                    3,
                    "tracking_number: must be at most 50 characters (it has 51)"
                ),
                (
                    3,
                    "tracking_url: \"ftp://x.example\" must be an http:// or https:// address with a host"
                ),
                (
                    4,
                    "tracking_url: must be at most 500 characters (it has 518)"
                ),
                (
                    5,
                    "tracking_url: \"https://\" must be an http:// or https:// address with a host"
                ),
                (
                    6,
                    "order: \"0\" is not an order number (a positive whole number)"
                ),
            ]
        );
    }

    #[test]
    fn quoted_fields_keep_commas_quotes_and_newlines() {
        let upload = parse(&format!(
            "{HEADER}\"12\",\"SKU, large\",\"3\",\"TN \"\"A\"\"\",\"Bob's\nCourier\"\n13,B,1,T2,UPS\n"
        ));
        assert!(upload.errors.is_empty(), "{:?}", upload.errors);
        assert_eq!(upload.rows[0].sku, "SKU, large");
        assert_eq!(upload.rows[0].tracking_number, "TN \"A\"");
        assert_eq!(upload.rows[0].carrier, "Bob's\nCourier");
        // The quoted newline makes the first row two lines long.
        assert_eq!(upload.rows[1].line, 4);
    }

    #[test]
    fn line_numbers_stay_right_around_blank_and_invalid_rows() {
        let upload = parse(&format!(
            "{HEADER}1,A,1,T,UPS\n\n2,A,x,T,UPS\n,,,,\n3,A,1,T,UPS\n4,A\n5,A,2,T,DHL\r\n"
        ));
        let lines: Vec<u64> = upload.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 6, 8]);
        assert_eq!(
            messages(&upload),
            [
                (4, "quantity: \"x\" is not a whole number"),
                (7, "quantity: a value is required"),
                (7, "tracking_number: a value is required"),
                (7, "carrier: a value is required"),
            ]
        );
    }

    #[test]
    fn crlf_and_lf_files_report_the_same_lines() {
        let lf = format!("{HEADER}1,A,1,T,UPS\n\n2,A,x,T,UPS\n\"x\ny\",A,1,T,UPS\n3,A,1,T,UPS\n");
        let crlf = lf.replace('\n', "\r\n");
        for text in [&lf, &crlf] {
            let upload = parse(text);
            let rows: Vec<u64> = upload.rows.iter().map(|r| r.line).collect();
            let errors: Vec<u64> = upload.errors.iter().map(|e| e.line).collect();
            assert_eq!((rows, errors), (vec![2, 7], vec![4, 5]), "{text:?}");
        }
    }

    #[test]
    fn line_numbers_count_runs_of_empty_lines() {
        let upload = parse(&format!(
            "\n\r\n{HEADER}\r\n\r\n\n1,A,1,T,UPS\r\n\n\n\n2,A,0,T,UPS\n\"x\ny\",A,1,T,UPS\n"
        ));
        assert_eq!(upload.rows[0].line, 7);
        assert_eq!(
            messages(&upload),
            [
                (11, "quantity: 0 must be at least 1"),
                (
                    12,
                    "order: \"x\\ny\" is not an order number (a positive whole number)"
                ),
            ]
        );
    }

    #[test]
    fn too_many_rows_refuse_the_file() {
        let rows = |n: usize| format!("{HEADER}{}", "1,A,1,T,UPS\n".repeat(n));
        assert_eq!(parse(&rows(MAX_ROWS)).rows.len(), MAX_ROWS);
        let error = parse_tracking_csv(&rows(MAX_ROWS + 1)).unwrap_err();
        assert!(error.contains("more than 10000 rows"), "{error}");
    }
}
