//! Vendors: the dropship providers who ship the store's goods.

use super::text::has_hidden_characters;
use super::{FieldError, FieldErrors};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorName(String);

impl VendorName {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name = input.trim();
        if name.is_empty() {
            return Err(FieldError::new("name", "Name is required"));
        }
        if name.chars().count() > 100 || has_hidden_characters(name) {
            return Err(FieldError::new(
                "name",
                "Name must be at most 100 characters, without control, direction-changing or invisible characters",
            ));
        }
        Ok(VendorName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An address to reach the vendor at; optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorEmail(String);

impl VendorEmail {
    pub fn parse(input: &str) -> Result<Option<Self>, FieldError> {
        let email = input.trim();
        if email.is_empty() {
            return Ok(None);
        }
        let valid = email.len() <= 254
            && !email.chars().any(char::is_whitespace)
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            });
        if !valid {
            return Err(FieldError::new(
                "email",
                format!("Email {email:?} is not an email address"),
            ));
        }
        Ok(Some(VendorEmail(email.to_owned())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct VendorInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone)]
pub struct NewVendor {
    pub name: VendorName,
    pub email: Option<VendorEmail>,
}

impl NewVendor {
    pub fn parse(input: &VendorInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(VendorName::parse(&input.name));
        let email = errors.check(VendorEmail::parse(&input.email));
        match (name, email) {
            (Some(name), Some(email)) if errors.is_empty() => Ok(NewVendor { name, email }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_emails_are_checked() {
        assert!(
            NewVendor::parse(&VendorInput {
                name: "Acme Supply".into(),
                email: "".into()
            })
            .is_ok()
        );
        let errors = NewVendor::parse(&VendorInput {
            name: " ".into(),
            email: "not-an-email".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email"]);
        assert!(VendorEmail::parse("ops@acme.example").unwrap().is_some());
        assert!(VendorEmail::parse("ops@acme").is_err());
    }
}
