//! Helpers for SQL text that both backends read the same way.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::DbError;

/// `$first, $first+1, …` for an `IN (…)` list of `count` bound values. The text holds only
/// placeholders, never data, so it is safe to build at run time.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How many values one `IN (…)` list binds at most: far below both backends' limits.
pub const IN_LIST_CHUNK: usize = 500;

/// Rows per multi-row INSERT. Measured (BENCHMARKS.md): PostgreSQL gains most of what batching
/// saves in round trips by 50 rows, while SQLite, with no round trips to save, gets slower with
/// larger statements (binding and planning them costs more per row than running small ones).
pub const ROWS_PER_INSERT: usize = 50;

/// The rows of a multi-row `VALUES` list: `($1, $2), ($3, $4)` for 2 rows of 2 columns.
pub fn values_rows(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The ids a multi-row INSERT gave its rows, in the order of its VALUES list.
///
/// Within one statement both backends number new rows in VALUES order (SQLite's rowid,
/// PostgreSQL's identity sequence), but neither promises RETURNING's output order: sorting the
/// ids restores the row order.
pub(crate) fn ids_in_row_order(rows: Vec<AnyRow>, expected: usize) -> Result<Vec<i64>, DbError> {
    let mut ids: Vec<i64> = rows.iter().map(|r| r.get("id")).collect();
    if ids.len() != expected {
        return Err(DbError::Corrupt(format!(
            "inserted {expected} rows, got {} ids back",
            ids.len()
        )));
    }
    ids.sort_unstable();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::placeholders(1, 0), "");
    }

    #[test]
    fn values_rows_number_every_column_of_every_row() {
        assert_eq!(super::values_rows(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
