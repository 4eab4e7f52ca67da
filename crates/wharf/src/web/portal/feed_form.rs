//! A feed form of the Stock page as sent, kept to show again beside its errors, and what it
//! asks for: the interval in seconds and the columns to read.

use serde::Deserialize;

use crate::db::inventory::Feed;
use crate::domain::FieldError;
use crate::domain::stock_csv::ColumnMapping;

/// A feed form as sent (and kept to show again beside its errors).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FeedForm {
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub interval_minutes: String,
    #[serde(default)]
    pub sku_column: String,
    #[serde(default)]
    pub quantity_column: String,
    #[serde(default)]
    pub warehouse_column: String,
}

impl FeedForm {
    /// The interval in seconds: a whole number of minutes; blank keeps what is there.
    pub fn interval_secs(&self) -> Result<Option<i64>, FieldError> {
        let text = self.interval_minutes.trim();
        if text.is_empty() {
            return Ok(None);
        }
        match text.parse::<i64>() {
            Ok(minutes) if minutes > 0 => Ok(Some(minutes.saturating_mul(60))),
            _ => Err(FieldError::new(
                "interval_secs",
                "Enter how often to fetch the feed in whole minutes, from 1 to 10080 (a week)",
            )),
        }
    }

    /// The columns to read: each blank one is the usual name (`sku`, `quantity`,
    /// `warehouse`); all blank keeps `current` (none for a new feed: the usual names).
    pub fn mapping(&self, current: Option<&ColumnMapping>) -> Option<ColumnMapping> {
        let given = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        let (sku, quantity, warehouse) = (
            given(&self.sku_column),
            given(&self.quantity_column),
            given(&self.warehouse_column),
        );
        if sku.is_none() && quantity.is_none() && warehouse.is_none() {
            return current.cloned();
        }
        let usual = ColumnMapping::default();
        Some(ColumnMapping {
            sku: sku.unwrap_or(usual.sku),
            quantity: quantity.unwrap_or(usual.quantity),
            warehouse: warehouse.or(usual.warehouse),
        })
    }

    /// The form showing a stored feed, for its edit form's fields.
    pub fn of(feed: &Feed) -> Self {
        FeedForm {
            url: String::new(),
            interval_minutes: (feed.interval_secs / 60).to_string(),
            sku_column: feed.mapping.sku.clone(),
            quantity_column: feed.mapping.quantity.clone(),
            warehouse_column: feed.mapping.warehouse.clone().unwrap_or_default(),
        }
    }
}
