//! What the CSV parsers (tracking uploads, stock files) share: line numbers people can find,
//! blank-row detection, header normalisation, error collection.

use csv::StringRecord;

/// Every CSV path reads its records through this: each non-blank record with the line it starts
/// on (the header is line 1). One count for every parser, so a file pasted from a browser (whose
/// form sends CRLF line endings) is numbered as the same file saved with LF.
pub(crate) struct NumberedRecords<'t> {
    records: csv::StringRecordsIntoIter<&'t [u8]>,
    lines: LineCounter<'t>,
}

impl<'t> NumberedRecords<'t> {
    /// Reads `text` with `builder`'s settings (delimiter, trimming); headers are records too.
    pub(crate) fn new(text: &'t str, builder: &mut csv::ReaderBuilder) -> Self {
        NumberedRecords {
            records: builder
                .has_headers(false)
                .from_reader(text.as_bytes())
                .into_records(),
            lines: LineCounter::new(text),
        }
    }
}

impl Iterator for NumberedRecords<'_> {
    /// The line, and the record or why it could not be read.
    type Item = (u64, Result<StringRecord, csv::Error>);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = self.records.next()?;
            if is_blank(&record) {
                continue;
            }
            let byte = match &record {
                Ok(record) => record.position().map_or(0, |p| p.byte()),
                Err(error) => error.position().map_or(0, |p| p.byte()),
            };
            return Some((self.lines.line_at(byte), record));
        }
    }
}

/// Finds the line a record starts on. The reader's own line count is off by one for a record
/// that follows an empty line (it counts from the skipped line break), and line numbers are what
/// people use to find the row, so we count line breaks ourselves.
struct LineCounter<'t> {
    text: &'t str,
    byte: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            byte: 0,
            line: 1,
        }
    }

    /// The line of the record the reader says starts at `reported` (or at the line breaks
    /// right after it). Records must be asked for in file order.
    fn line_at(&mut self, reported: u64) -> u64 {
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
fn is_blank(record: &Result<StringRecord, csv::Error>) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(u64, String)> {
        NumberedRecords::new(text, csv::ReaderBuilder::new().flexible(true))
            .map(|(line, record)| (line, record.unwrap().get(0).unwrap_or("").to_owned()))
            .collect()
    }

    #[test]
    fn crlf_and_lf_files_number_their_lines_alike() {
        let lf = "a,b\n1,2\n\n,,\n\"x\ny\",3\n4,5\n";
        let crlf = lf.replace('\n', "\r\n");
        let expected = [(1, "a"), (2, "1"), (5, "x\ny"), (7, "4")];
        let expected: Vec<(u64, String)> = expected
            .iter()
            .map(|(l, v)| (*l, (*v).to_owned()))
            .collect();
        assert_eq!(lines(lf), expected);
        let crlf_expected: Vec<(u64, String)> = expected
            .iter()
            .map(|(l, v)| (*l, v.replace('\n', "\r\n")))
            .collect();
        assert_eq!(lines(&crlf), crlf_expected);
    }
}
