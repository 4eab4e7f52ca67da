//! The stock CSV parser's unit tests: columns and aliases, delimiters, quantities, duplicate
//! SKUs, line numbers, and when a file is refused as a whole.

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
        error.starts_with("500 of 500 rows are invalid (e.g. line 2: qty: a value is required)"),
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
