//! The merchant's branding: what the vendor portal and every e-mail show instead of wharf's own
//! name — a name, a logo, an accent colour and a support address.
//!
//! Rules:
//! - the name is 1 to 100 characters; unset, it is the first store's name, else "Your store"
//!   (a vendor knows the merchant by its shop, and a fresh install has no other name to offer);
//! - the accent is `#rrggbb` (stored lowercase); unset, wharf's blue;
//! - the support address is an e-mail address; replies to every mail go there;
//! - the logo is a PNG or JPEG (recognised by its first bytes, not its name) of at most 256 KB;
//! - the business address follows `domain::business_address`; its company defaults to the name
//!   and its e-mail to the support address.

use super::business_address::{BusinessAddress, BusinessAddressInput};
use super::email_address::EmailAddress;
use super::text::has_hidden_characters;
use super::{FieldError, FieldErrors};

/// What every mail and portal page shows when nothing else is set.
pub const DEFAULT_NAME: &str = "Your store";
pub const DEFAULT_ACCENT: &str = "#1d4ed8";
pub const MAX_LOGO_BYTES: usize = 256 * 1024;

/// The branding in force: every field has a value (a default when nothing is set).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Branding {
    /// The merchant's name, shown instead of wharf's.
    pub name: String,
    /// `#rrggbb`.
    pub accent: String,
    /// Where replies go; none when unset.
    pub support_email: Option<String>,
    /// Whether a logo is set (served at `/branding/logo`).
    pub has_logo: bool,
    /// Changes whenever the logo does, so its URL can carry it and caches stay right.
    pub logo_version: i64,
    /// The merchant's business address: the billing address on orders in vendors' own
    /// BigCommerce stores. Company and e-mail carry their defaults.
    pub business_address: BusinessAddress,
}

impl Branding {
    /// Branding with nothing set: the given fallback name (the first store's) or "Your store".
    pub fn fallback(store_name: Option<&str>) -> Self {
        Branding {
            name: store_name.unwrap_or(DEFAULT_NAME).to_owned(),
            accent: DEFAULT_ACCENT.to_owned(),
            support_email: None,
            has_logo: false,
            logo_version: 0,
            business_address: BusinessAddress {
                company: Some(store_name.unwrap_or(DEFAULT_NAME).to_owned()),
                ..BusinessAddress::default()
            },
        }
    }
}

/// What a person sends to change the branding: every field as typed. An empty field clears it
/// (back to its default).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct BrandingInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub accent: String,
    #[serde(default)]
    pub support_email: String,
    /// The business address, its fields beside the others (`address_street_1`, …).
    #[serde(flatten)]
    pub address: BusinessAddressInput,
}

/// Branding fields that parsed; `None` means "use the default".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandingChange {
    pub name: Option<String>,
    pub accent: Option<String>,
    pub support_email: Option<EmailAddress>,
    /// As typed (unset fields `None`), without defaults.
    pub address: BusinessAddress,
}

impl BrandingChange {
    pub fn parse(input: &BrandingInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let name = errors.check(parse_name(&input.name));
        let accent = errors.check(parse_accent(&input.accent));
        let support_email = errors.check(EmailAddress::parse_optional(
            "support_email",
            &input.support_email,
        ));
        let address = BusinessAddress::parse(&input.address, &mut errors);
        match (name, accent, support_email, address) {
            (Some(name), Some(accent), Some(support_email), Some(address)) if errors.is_empty() => {
                Ok(BrandingChange {
                    name,
                    accent,
                    support_email,
                    address,
                })
            }
            _ => Err(errors),
        }
    }
}

fn parse_name(input: &str) -> Result<Option<String>, FieldError> {
    let name = input.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > 100 || has_hidden_characters(name) {
        return Err(FieldError::new(
            "name",
            "Name must be at most 100 characters, without control or invisible characters",
        ));
    }
    Ok(Some(name.to_owned()))
}

fn parse_accent(input: &str) -> Result<Option<String>, FieldError> {
    let accent = input.trim();
    if accent.is_empty() {
        return Ok(None);
    }
    let hex = accent.strip_prefix('#').unwrap_or("");
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(FieldError::new(
            "accent",
            format!("Accent colour {accent:?} must be # and six hex digits, like #1d4ed8"),
        ));
    }
    Ok(Some(format!("#{}", hex.to_ascii_lowercase())))
}

/// A logo's image type, read from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoType {
    Png,
    Jpeg,
}

impl LogoType {
    pub fn content_type(self) -> &'static str {
        match self {
            LogoType::Png => "image/png",
            LogoType::Jpeg => "image/jpeg",
        }
    }

    pub fn from_content_type(stored: &str) -> Option<Self> {
        match stored {
            "image/png" => Some(LogoType::Png),
            "image/jpeg" => Some(LogoType::Jpeg),
            _ => None,
        }
    }
}

/// A logo that is a PNG or a JPEG of at most [`MAX_LOGO_BYTES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub kind: LogoType,
    pub bytes: Vec<u8>,
}

impl Logo {
    pub fn parse(bytes: Vec<u8>) -> Result<Self, FieldError> {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
        const JPEG: &[u8] = b"\xff\xd8\xff";
        if bytes.is_empty() {
            return Err(FieldError::new(
                "logo",
                "Choose a PNG or JPEG file for the logo",
            ));
        }
        if bytes.len() > MAX_LOGO_BYTES {
            return Err(FieldError::new(
                "logo",
                format!(
                    "The logo is {} KB; it must be at most {} KB",
                    bytes.len().div_ceil(1024),
                    MAX_LOGO_BYTES / 1024
                ),
            ));
        }
        let kind = if bytes.starts_with(PNG) {
            LogoType::Png
        } else if bytes.starts_with(JPEG) {
            LogoType::Jpeg
        } else {
            return Err(FieldError::new(
                "logo",
                "The logo must be a PNG or JPEG image",
            ));
        };
        Ok(Logo { kind, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_parse_to_their_stored_form_and_empty_means_default() {
        let change = BrandingChange::parse(&BrandingInput {
            name: " Acme Outdoors ".into(),
            accent: "#AbCdEf".into(),
            support_email: "help@acme.example".into(),
            ..BrandingInput::default()
        })
        .unwrap();
        assert_eq!(change.name.as_deref(), Some("Acme Outdoors"));
        assert_eq!(change.accent.as_deref(), Some("#abcdef"));
        let empty = BrandingChange::parse(&BrandingInput::default()).unwrap();
        assert_eq!(
            (empty.name, empty.accent, empty.support_email),
            (None, None, None)
        );
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let errors = BrandingChange::parse(&BrandingInput {
            name: "x".repeat(101),
            accent: "blue".into(),
            support_email: "help@".into(),
            ..BrandingInput::default()
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "accent", "support_email"]);
    }

    #[test]
    fn a_logo_is_known_by_its_first_bytes_and_its_size() {
        let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0; 16]].concat();
        assert_eq!(Logo::parse(png).unwrap().kind, LogoType::Png);
        assert_eq!(
            Logo::parse(b"\xff\xd8\xff\xe0rest".to_vec()).unwrap().kind,
            LogoType::Jpeg
        );
        assert!(Logo::parse(b"<svg onload=alert(1)>".to_vec()).is_err());
        assert!(Logo::parse(Vec::new()).is_err());
        let huge = [b"\x89PNG\r\n\x1a\n".as_slice(), &vec![0; MAX_LOGO_BYTES]].concat();
        assert!(
            Logo::parse(huge)
                .unwrap_err()
                .message
                .contains("at most 256 KB")
        );
    }
}
