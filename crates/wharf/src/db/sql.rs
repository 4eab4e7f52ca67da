//! Helpers for SQL text that both backends read the same way.

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

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_numbered_from_the_first() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::placeholders(1, 0), "");
    }
}
