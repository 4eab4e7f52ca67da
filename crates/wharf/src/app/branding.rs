//! The merchant's branding: read (with its defaults), changed, and the logo set or removed.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::App;
use super::error::AppError;
use crate::db::branding::{self, StoredBranding};
use crate::domain::FieldErrors;
use crate::domain::branding::{
    Branding, BrandingChange, BrandingInput, DEFAULT_ACCENT, Logo, LogoType,
};

/// The branding in force from what is stored: each unset field at its default.
pub(crate) fn branding_of(stored: StoredBranding) -> Branding {
    let mut branding = Branding::fallback(stored.first_store_name.as_deref());
    if let Some(name) = stored.name {
        branding.name = name;
    }
    branding.accent = stored.accent.unwrap_or_else(|| DEFAULT_ACCENT.to_owned());
    branding.support_email = stored.support_email;
    branding.has_logo = stored.has_logo;
    branding.logo_version = stored.updated_at_ms;
    // The company is the merchant's name and the e-mail its support address unless set apart.
    let mut address = stored.address;
    address.company = address.company.or_else(|| Some(branding.name.clone()));
    address.email = address.email.or_else(|| branding.support_email.clone());
    branding.business_address = address;
    branding
}

/// A logo as served: its content type and bytes.
pub struct LogoFile {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl App {
    /// The branding every mail and portal page shows; the defaults when nothing is set.
    pub async fn branding(&self) -> Result<Branding, AppError> {
        Ok(branding_of(branding::get(&self.db).await?))
    }

    /// Sets the name, accent colour, support address and business address at once (an empty one goes back to its
    /// default); every bad field is named.
    pub async fn set_branding(&self, input: &BrandingInput) -> Result<Branding, AppError> {
        let change = BrandingChange::parse(input).map_err(AppError::Invalid)?;
        branding::save_fields(
            &self.db,
            change.name.as_deref(),
            change.accent.as_deref(),
            change.support_email.as_ref().map(|e| e.as_str()),
            &change.address,
        )
        .await?;
        self.branding().await
    }

    /// Sets the logo from an uploaded file: a PNG or JPEG of at most 256 KB.
    pub async fn set_logo(&self, bytes: Vec<u8>) -> Result<Branding, AppError> {
        let logo = Logo::parse(bytes).map_err(|e| AppError::Invalid(FieldErrors(vec![e])))?;
        let encoded = BASE64.encode(&logo.bytes);
        branding::save_logo(&self.db, Some((logo.kind.content_type(), &encoded))).await?;
        self.branding().await
    }

    pub async fn remove_logo(&self) -> Result<Branding, AppError> {
        branding::save_logo(&self.db, None).await?;
        self.branding().await
    }

    /// The logo to serve, if one is set.
    pub async fn logo(&self) -> Result<Option<LogoFile>, AppError> {
        let Some((content_type, encoded)) = branding::logo(&self.db).await? else {
            return Ok(None);
        };
        let kind = LogoType::from_content_type(&content_type).ok_or_else(|| {
            crate::db::DbError::Corrupt(format!("unknown logo type {content_type:?}"))
        })?;
        let bytes = BASE64
            .decode(encoded)
            .map_err(|_| crate::db::DbError::Corrupt("unreadable logo".into()))?;
        Ok(Some(LogoFile {
            content_type: kind.content_type(),
            bytes,
        }))
    }
}
