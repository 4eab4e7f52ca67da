//! The merchant's business address, part of the branding: the billing address on the orders wharf
//! creates in a vendor's own BigCommerce store (the vendor sees the merchant as the buyer).
//!
//! Rules:
//! - every field is optional; the company defaults to the branding name, the e-mail to the
//!   support address;
//! - text fields are at most 100 characters (the postcode 20, the phone 30), without control or
//!   invisible characters;
//! - the country is an ISO 3166 two-letter code, stored upper case;
//! - a postal address is street 1, city, postcode and country together: one without the others is
//!   refused, naming each missing field (BigCommerce refuses a billing address without a postcode,
//!   and an address without the others is no address).

use super::email_address::EmailAddress;
use super::text::has_hidden_characters;
use super::{FieldError, FieldErrors};

/// The address as stored and shown; `None` is unset (the defaults are applied by the branding).
#[derive(
    Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
pub struct BusinessAddress {
    pub company: Option<String>,
    pub street_1: Option<String>,
    pub street_2: Option<String>,
    pub city: Option<String>,
    /// State, region or province.
    pub state: Option<String>,
    pub postcode: Option<String>,
    /// ISO 3166 two-letter code, upper case.
    pub country_iso2: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
}

impl BusinessAddress {
    /// Whether a postal address is set (street 1, city, postcode and country; the parse keeps
    /// them together).
    pub fn has_postal_address(&self) -> bool {
        self.street_1.is_some()
            && self.city.is_some()
            && self.postcode.is_some()
            && self.country_iso2.is_some()
    }
}

/// The address as typed; an empty field is unset.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct BusinessAddressInput {
    #[serde(default)]
    pub address_company: String,
    #[serde(default)]
    pub address_street_1: String,
    #[serde(default)]
    pub address_street_2: String,
    #[serde(default)]
    pub address_city: String,
    #[serde(default)]
    pub address_state: String,
    #[serde(default)]
    pub address_postcode: String,
    /// ISO 3166 two-letter code, e.g. `GB`.
    #[serde(default)]
    pub address_country: String,
    #[serde(default)]
    pub address_phone: String,
    #[serde(default)]
    pub address_email: String,
}

fn text(
    field: &'static str,
    label: &str,
    max: usize,
    input: &str,
) -> Result<Option<String>, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max || has_hidden_characters(value) {
        return Err(FieldError::new(
            field,
            format!(
                "{label} must be at most {max} characters, without control or invisible characters"
            ),
        ));
    }
    Ok(Some(value.to_owned()))
}

fn country(input: &str) -> Result<Option<String>, FieldError> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(FieldError::new(
            "address_country",
            format!("Country {value:?} must be a two-letter ISO 3166 code, like GB or US"),
        ));
    }
    Ok(Some(value.to_ascii_uppercase()))
}

fn phone(input: &str) -> Result<Option<String>, FieldError> {
    let value = text("address_phone", "Phone", 30, input)?;
    if let Some(value) = &value {
        let allowed = |c: char| c.is_ascii_digit() || " +-().".contains(c);
        if !value.chars().all(allowed) || !value.chars().any(|c| c.is_ascii_digit()) {
            return Err(FieldError::new(
                "address_phone",
                "Phone may hold digits, spaces, + - ( ) and dots only",
            ));
        }
    }
    Ok(value)
}

impl BusinessAddress {
    /// Every bad field is named at once into `errors`; `None` when any was bad.
    pub fn parse(input: &BusinessAddressInput, errors: &mut FieldErrors) -> Option<Self> {
        let before = errors.iter().count();
        let address = BusinessAddress {
            company: errors
                .check(text(
                    "address_company",
                    "Company",
                    100,
                    &input.address_company,
                ))
                .flatten(),
            street_1: errors
                .check(text(
                    "address_street_1",
                    "Street",
                    100,
                    &input.address_street_1,
                ))
                .flatten(),
            street_2: errors
                .check(text(
                    "address_street_2",
                    "Street (line 2)",
                    100,
                    &input.address_street_2,
                ))
                .flatten(),
            city: errors
                .check(text("address_city", "City", 100, &input.address_city))
                .flatten(),
            state: errors
                .check(text(
                    "address_state",
                    "State or region",
                    100,
                    &input.address_state,
                ))
                .flatten(),
            postcode: errors
                .check(text(
                    "address_postcode",
                    "Postcode",
                    20,
                    &input.address_postcode,
                ))
                .flatten(),
            country_iso2: errors.check(country(&input.address_country)).flatten(),
            phone: errors.check(phone(&input.address_phone)).flatten(),
            email: errors
                .check(EmailAddress::parse_optional(
                    "address_email",
                    &input.address_email,
                ))
                .flatten()
                .map(|e| e.as_str().to_owned()),
        };
        // Only fields that parsed are judged for completeness, so a bad one is named once.
        let typed = |s: &str| !s.trim().is_empty();
        let postal = [
            ("address_street_1", "Street", &input.address_street_1),
            ("address_city", "City", &input.address_city),
            ("address_postcode", "Postcode", &input.address_postcode),
            ("address_country", "Country", &input.address_country),
        ];
        if postal.iter().any(|(_, _, value)| typed(value)) {
            for (field, label, value) in postal {
                if !typed(value) {
                    errors.push(FieldError::new(
                        field,
                        format!("{label} is needed with the rest of the address"),
                    ));
                }
            }
        }
        (errors.iter().count() == before).then_some(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full() -> BusinessAddressInput {
        BusinessAddressInput {
            address_company: "Trail Co Ltd".into(),
            address_street_1: " 1 Harbour Road ".into(),
            address_city: "Bristol".into(),
            address_postcode: "BS1 5TY".into(),
            address_country: "gb".into(),
            address_phone: "+44 117 000 0000".into(),
            address_email: "orders@trail.example".into(),
            ..BusinessAddressInput::default()
        }
    }

    #[test]
    fn an_address_parses_to_its_stored_form() {
        let mut errors = FieldErrors::default();
        let address = BusinessAddress::parse(&full(), &mut errors).unwrap();
        assert_eq!(address.street_1.as_deref(), Some("1 Harbour Road"));
        assert_eq!(address.country_iso2.as_deref(), Some("GB"));
        assert_eq!(address.street_2, None);
        assert!(address.has_postal_address());
        let empty = BusinessAddress::parse(&BusinessAddressInput::default(), &mut errors).unwrap();
        assert_eq!(empty, BusinessAddress::default());
        assert!(!empty.has_postal_address());
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut errors = FieldErrors::default();
        let input = BusinessAddressInput {
            address_country: "Britain".into(),
            address_phone: "call me".into(),
            address_email: "orders@".into(),
            address_postcode: "x".repeat(21),
            ..full()
        };
        assert_eq!(BusinessAddress::parse(&input, &mut errors), None);
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "address_postcode",
                "address_country",
                "address_phone",
                "address_email"
            ]
        );
    }

    #[test]
    fn a_street_without_city_and_country_names_both() {
        let mut errors = FieldErrors::default();
        let input = BusinessAddressInput {
            address_street_1: "1 Harbour Road".into(),
            ..BusinessAddressInput::default()
        };
        assert_eq!(BusinessAddress::parse(&input, &mut errors), None);
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["address_city", "address_postcode", "address_country"]
        );
    }
}
