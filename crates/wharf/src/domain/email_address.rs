//! An e-mail address someone typed: one `@`, a dotted domain, no spaces or hidden characters.
//! Deliberately forgiving beyond that — the mail server is the judge of the rest.

use super::FieldError;
use super::text::has_hidden_characters;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// An address for the input called `field`; empty input is `None` (the address is optional).
    pub fn parse_optional(field: &'static str, input: &str) -> Result<Option<Self>, FieldError> {
        let email = input.trim();
        if email.is_empty() {
            return Ok(None);
        }
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && !has_hidden_characters(email)
            && !email.contains(['<', '>', ',', ';', '"'])
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !valid {
            return Err(FieldError::new(
                field,
                format!("{email:?} is not an e-mail address (like orders@example.com)"),
            ));
        }
        Ok(Some(EmailAddress(email.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn addresses_people_type_and_ones_they_should_not() {
        for good in ["ops@acme.example", " Orders+po@shop.co.uk "] {
            assert!(
                EmailAddress::parse_optional("email", good)
                    .unwrap()
                    .is_some()
            );
        }
        assert_eq!(EmailAddress::parse_optional("email", "  ").unwrap(), None);
        for bad in [
            "ops@acme",
            "@acme.example",
            "a b@c.de",
            "a@b@c.de",
            "A <a@b.de>",
            "a@.de",
        ] {
            let error = EmailAddress::parse_optional("support_email", bad).unwrap_err();
            assert_eq!(error.field, "support_email");
        }
    }
}
