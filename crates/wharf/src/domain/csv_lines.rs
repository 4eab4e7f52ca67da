//! What the CSV parsers (tracking uploads, stock files) share: line numbers people can find,
//! blank-row detection, header normalisation, error collection.

use csv::StringRecord;

/// Finds the line a record starts on. The reader's own line count is off by one for a record
/// that follows an empty line (it counts from the skipped line break), and line numbers are what
/// people use to find the row, so we count line breaks ourselves.
pub(crate) struct LineCounter<'t> {
    text: &'t str,
    byte: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// Records must be asked for in file order.
    pub(crate) fn line_of(&mut self, record: &StringRecord) -> u64 {
        let reported = record.position().map_or(0, |p| p.byte());
        let reported = usize::try_from(reported).unwrap_or(usize::MAX);
        let rest = self.text.get(reported..).unwrap_or("");
        let start = reported + (rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        let start = start.clamp(self.byte, self.text.len());
        self.line += self.text.as_bytes()[self.byte..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.byte = start;
        self.line
    }
}

/// Lines with nothing but separators (",,,," from spreadsheets) count as blank. Errors are kept
/// so they are reported.
pub(crate) fn is_blank(record: &Result<StringRecord, csv::Error>) -> bool {
    record
        .as_ref()
        .is_ok_and(|record| record.iter().all(str::is_empty))
}

pub(crate) fn csv_error(error: csv::Error) -> String {
    format!("The file could not be read as CSV: {error}")
}

/// "Tracking Number", "tracking-number" and "tracking_number" are one header.
pub(crate) fn header_key(header: &str) -> String {
    header
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Keeps a row's problem for its report and the value when there was none.
pub(crate) fn collect<T>(problems: &mut Vec<String>, result: Result<T, String>) -> Option<T> {
    result.map_err(|problem| problems.push(problem)).ok()
}
