//! Vendors, their API tokens, and the rules that assign variants to them.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::App;
use super::error::AppError;
use super::tokens::{digest, random_token};
use crate::db::DbError;
use crate::db::assignments;
use crate::db::vendors::{self, VendorRecord};
use crate::domain::assignment_csv::parse_assignment_csv;
use crate::domain::routing::RuleKind;
use crate::domain::store::{last4, masked};
use crate::domain::tracking_csv::RowError;
use crate::domain::vendor::{NewVendor, VendorInput};
use crate::domain::{FieldError, FieldErrors};

/// Vendor tokens start with this, so a leaked one is recognisable (and greppable) as wharf's.
const TOKEN_PREFIX: &str = "whv_";

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VendorView {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    /// Masked: the token itself is shown once, when made.
    pub api_token: String,
    /// A deactivated vendor's token is refused, routing never chooses it and its stock does
    /// not count; its purchase orders stay.
    pub active: bool,
}

impl From<&VendorRecord> for VendorView {
    fn from(v: &VendorRecord) -> Self {
        VendorView {
            id: v.id,
            name: v.name.clone(),
            email: v.email.clone(),
            api_token: masked(&v.api_token_last4),
            active: v.active,
        }
    }
}

/// A new vendor and its API token, which is never shown again.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedVendor {
    #[serde(flatten)]
    pub vendor: VendorView,
    #[serde(serialize_with = "expose")]
    #[schema(value_type = String)]
    pub api_token_once: SecretString,
}

fn expose<S: serde::Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// One assignment rule, as the API, the CLI and the CSV upload give it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "rule")]
pub enum AssignmentInput {
    /// The variant(s) with this SKU.
    Sku {
        sku: String,
        vendor: String,
    },
    Brand {
        brand: String,
        vendor: String,
    },
    SkuPrefix {
        prefix: String,
        vendor: String,
    },
    /// The store's default: a vendor, or an empty name for "needs attention".
    Default {
        vendor: String,
    },
}

/// What a CSV upload did: valid rows are applied, bad ones reported by line.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CsvReport {
    pub applied: usize,
    pub errors: Vec<RowError>,
}

impl App {
    pub async fn add_vendor(&self, input: &VendorInput) -> Result<CreatedVendor, AppError> {
        let vendor = NewVendor::parse(input).map_err(AppError::Invalid)?;
        let token = new_token();
        let id = match vendors::insert(
            &self.db,
            vendor.name.as_str(),
            vendor.email.as_ref().map(|e| e.as_str()),
            &digest(token.expose_secret()),
            &last4(&token),
        )
        .await
        {
            Ok(id) => id,
            Err(DbError::Duplicate(_)) => return Err(duplicate_vendor(vendor.name.as_str())),
            Err(e) => return Err(e.into()),
        };
        tracing::info!(
            vendor_id = id,
            vendor = vendor.name.as_str(),
            "vendor added"
        );
        Ok(CreatedVendor {
            vendor: self.vendor(id).await?,
            api_token_once: token,
        })
    }

    pub async fn update_vendor(
        &self,
        id: i64,
        input: &VendorInput,
    ) -> Result<VendorView, AppError> {
        let vendor = NewVendor::parse(input).map_err(AppError::Invalid)?;
        match vendors::update(
            &self.db,
            id,
            vendor.name.as_str(),
            vendor.email.as_ref().map(|e| e.as_str()),
        )
        .await
        {
            Ok(true) => self.vendor(id).await,
            Ok(false) => Err(AppError::NotFound {
                what: "vendor",
                id: id.to_string(),
            }),
            Err(DbError::Duplicate(_)) => Err(duplicate_vendor(vendor.name.as_str())),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn vendor(&self, id: i64) -> Result<VendorView, AppError> {
        let vendor = vendors::get(&self.db, id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                what: "vendor",
                id: id.to_string(),
            })?;
        Ok(VendorView::from(&vendor))
    }

    /// A vendor by its name (case-insensitive) or, failing that, its id: the CLI's handle.
    pub async fn find_vendor(&self, name_or_id: &str) -> Result<VendorView, AppError> {
        if let Some(vendor) = vendors::find_by_name(&self.db, name_or_id).await? {
            return Ok(VendorView::from(&vendor));
        }
        let unknown = || AppError::NoneNamed {
            what: "vendor",
            name: name_or_id.to_owned(),
        };
        match name_or_id.parse::<i64>() {
            Ok(id) => self.vendor(id).await.map_err(|_| unknown()),
            Err(_) => Err(unknown()),
        }
    }

    pub async fn list_vendors(&self) -> Result<Vec<VendorView>, AppError> {
        Ok(vendors::list(&self.db)
            .await?
            .iter()
            .map(VendorView::from)
            .collect())
    }

    /// The active vendor a bearer token belongs to, if any: a deactivated vendor's token is
    /// refused exactly like one that was never issued.
    pub async fn vendor_for_token(&self, token: &str) -> Result<Option<VendorView>, AppError> {
        if !token.starts_with(TOKEN_PREFIX) {
            return Ok(None);
        }
        Ok(vendors::find_by_token_hash(&self.db, &digest(token))
            .await?
            .filter(|v| v.active)
            .as_ref()
            .map(VendorView::from))
    }

    /// Gives the vendor a new API token, shown this once; the old one fails from now on.
    pub async fn rotate_vendor_token(&self, id: i64) -> Result<CreatedVendor, AppError> {
        let token = new_token();
        if !vendors::replace_token(&self.db, id, &digest(token.expose_secret()), &last4(&token))
            .await?
        {
            return Err(AppError::not_found("vendor", id));
        }
        tracing::info!(vendor_id = id, "vendor token replaced");
        Ok(CreatedVendor {
            vendor: self.vendor(id).await?,
            api_token_once: token,
        })
    }

    /// Deactivates or reactivates a vendor. Either way every store's levels are published
    /// again (its stock stops or starts counting); reactivating routes the orders waiting in
    /// Needs attention that its rules cover.
    pub async fn set_vendor_active(&self, id: i64, active: bool) -> Result<VendorView, AppError> {
        if !vendors::set_active(&self.db, id, active).await? {
            return Err(AppError::not_found("vendor", id));
        }
        tracing::info!(vendor_id = id, active, "vendor activation changed");
        if active {
            for store in self.list_stores().await? {
                self.reroute_needing_attention(store.id).await?;
            }
        }
        self.queue_pushes_everywhere().await?;
        self.vendor(id).await
    }

    /// Applies one assignment rule to a store.
    pub async fn assign(&self, store_id: i64, rule: &AssignmentInput) -> Result<(), AppError> {
        self.store(store_id).await?;
        match rule {
            AssignmentInput::Sku { sku, vendor } => {
                let vendor_id = self.vendor_id_named(vendor).await?;
                let matches = assignments::variants_with_sku(&self.db, store_id, sku).await?;
                if matches.is_empty() {
                    return Err(invalid(
                        "sku",
                        format!("No imported variant has SKU {:?}", sku.trim()),
                    ));
                }
                for variant_id in matches {
                    assignments::assign_variant(&self.db, store_id, variant_id, vendor_id).await?;
                }
            }
            AssignmentInput::Brand { brand, vendor } => {
                if brand.trim().is_empty() {
                    return Err(invalid("brand", "Brand is required"));
                }
                let vendor_id = self.vendor_id_named(vendor).await?;
                assignments::assign_key(&self.db, store_id, RuleKind::Brand, brand, vendor_id)
                    .await?;
            }
            AssignmentInput::SkuPrefix { prefix, vendor } => {
                if prefix.trim().is_empty() {
                    return Err(invalid("prefix", "SKU prefix is required"));
                }
                let vendor_id = self.vendor_id_named(vendor).await?;
                assignments::assign_key(&self.db, store_id, RuleKind::SkuPrefix, prefix, vendor_id)
                    .await?;
            }
            AssignmentInput::Default { vendor } => {
                let vendor_id = if vendor.trim().is_empty() {
                    None
                } else {
                    Some(self.vendor_id_named(vendor).await?)
                };
                assignments::set_default_vendor(&self.db, store_id, vendor_id).await?;
            }
        }
        // Whose stock counts follows the rules: publish again under the new ones.
        self.queue_pushes_everywhere().await?;
        Ok(())
    }

    /// Assigns variants to vendors from a CSV with the columns `sku` and `vendor` (any order,
    /// header required). Valid rows are applied; every bad row is reported with its line.
    pub async fn import_assignments_csv(
        &self,
        store_id: i64,
        csv_text: &str,
    ) -> Result<CsvReport, AppError> {
        self.store(store_id).await?;
        let upload = parse_assignment_csv(csv_text).map_err(|message| invalid("file", message))?;
        let mut report = CsvReport {
            applied: 0,
            errors: upload.errors,
        };
        for row in upload.rows {
            let assigned = self
                .assign(
                    store_id,
                    &AssignmentInput::Sku {
                        sku: row.sku,
                        vendor: row.vendor,
                    },
                )
                .await;
            match assigned {
                Ok(()) => report.applied += 1,
                Err(AppError::Invalid(fields)) => report.errors.push(RowError {
                    line: row.line,
                    message: fields.to_string(),
                }),
                Err(other) => return Err(other),
            }
        }
        // Problems found while parsing and while assigning, in file order.
        report.errors.sort_by_key(|error| error.line);
        Ok(report)
    }
}

fn new_token() -> SecretString {
    SecretString::from(format!("{TOKEN_PREFIX}{}", random_token(32)))
}

fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
    AppError::Invalid(FieldErrors(vec![FieldError::new(field, message)]))
}

fn duplicate_vendor(name: &str) -> AppError {
    invalid("name", format!("A vendor named {name:?} already exists"))
}
