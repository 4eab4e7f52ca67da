//! What a name a person types may not hold: characters that change how other text is shown.

/// True when `text` holds a control character, a bidirectional override or isolate, or an
/// invisible (zero-width) character. A name with one can pass for another on a page
/// ("Acme\u{202E}cod.exe" shows reversed; "Acme\u{200B}" looks like "Acme") or break a CSV.
pub fn has_hidden_characters(text: &str) -> bool {
    text.chars().any(is_hidden)
}

fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional marks, embeddings, overrides and isolates.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Zero-width and invisible characters.
            | '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

#[cfg(test)]
mod tests {
    use super::has_hidden_characters;

    #[test]
    fn bidi_overrides_zero_width_and_control_characters_are_hidden() {
        for text in [
            "Acme\u{202E}cod.exe",
            "Acme\u{2067}",
            "Ac\u{200B}me",
            "\u{FEFF}Acme",
            "Acme\tSupply",
        ] {
            assert!(has_hidden_characters(text), "{text:?}");
        }
        for text in [
            "Acme Supply",
            "Müller & Söhne",
            "東京倉庫",
            "Warehouse #2 (east)",
        ] {
            assert!(!has_hidden_characters(text), "{text:?}");
        }
    }
}
