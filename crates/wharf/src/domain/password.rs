//! The password rule every account of wharf follows, operators' and vendor users' alike.

/// Shorter passwords are refused: every sign-in wharf serves faces the internet.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Whether `password` is long enough.
pub fn long_enough(password: &str) -> bool {
    password.chars().count() >= MIN_PASSWORD_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_characters_are_enough_whatever_their_bytes() {
        assert!(long_enough("twelve chars"));
        assert!(!long_enough("eleven char"));
        assert!(long_enough("ééééééééééé1"));
    }
}
