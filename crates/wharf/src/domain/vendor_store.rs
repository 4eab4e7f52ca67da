//! How wharf uses a vendor's own BigCommerce store (Onport's "BigCommerce dropship provider"
//! options), and the parsing of what a person or client types for them. Every bad field is
//! named; nothing is half-applied.

use super::inventory::SkuMatching;
use super::order::status;
use super::store_edit::StoreEditInput;
use super::text::has_hidden_characters;
use super::{FieldError, FieldErrors};

/// The statuses a purchase order's order may get in the vendor's store: those that mean "to be
/// shipped" (BigCommerce's ids, with its default labels).
pub const ORDER_STATUSES: [(i64, &str); 6] = [
    (status::AWAITING_FULFILLMENT, "Awaiting Fulfillment"),
    (status::AWAITING_SHIPMENT, "Awaiting Shipment"),
    (1, "Pending"),
    (7, "Awaiting Payment"),
    (8, "Awaiting Pickup"),
    (12, "Manual Verification Required"),
];

const MAX_PREFIX_CHARS: usize = 50;

/// The settings of one vendor's store.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct VendorStoreSettings {
    /// The status the vendor's order is created in (default 11, Awaiting Fulfillment).
    pub order_status_id: i64,
    /// The end customer's e-mail and phone go with the order.
    pub include_customer_contact: bool,
    /// The vendor's store sends its own customer e-mails for the order.
    pub send_customer_emails: bool,
    /// The one location whose levels count; `None`: the sum over all locations.
    pub stock_location_id: Option<i64>,
    /// How the vendor's SKUs are matched to the merchant's.
    pub sku_matching: SkuMatching,
    /// Off: connected, but no orders go out and no stock comes in.
    pub active: bool,
}

impl Default for VendorStoreSettings {
    fn default() -> Self {
        VendorStoreSettings {
            order_status_id: status::AWAITING_FULFILLMENT,
            include_customer_contact: false,
            send_customer_emails: false,
            stock_location_id: None,
            sku_matching: SkuMatching::default(),
            active: true,
        }
    }
}

impl VendorStoreSettings {
    /// "Awaiting Fulfillment", or the id for a status outside the known list.
    pub fn order_status_label(&self) -> String {
        status_label(self.order_status_id)
            .map(str::to_owned)
            .unwrap_or_else(|| format!("status {}", self.order_status_id))
    }
}

/// BigCommerce's default label for a status the vendor's order may get.
pub fn status_label(status_id: i64) -> Option<&'static str> {
    ORDER_STATUSES
        .iter()
        .find(|(id, _)| *id == status_id)
        .map(|(_, label)| *label)
}

/// A vendor store's credentials as typed (form, JSON, CLI): the sales store form without a
/// name (people see the vendor's). On the first save every field is required; after it, a field
/// left out, or a secret left empty, keeps what is stored.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct VendorStoreInput {
    pub store_url: Option<String>,
    /// The store hash, or the whole API path (wharf extracts the hash).
    pub store_hash: Option<String>,
    /// The API path in a field of its own (the CLI's `--api-path`).
    pub api_path: Option<String>,
    pub client_id: Option<String>,
    /// Re-entered to change it; empty or left out keeps the stored one.
    pub client_secret: Option<String>,
    /// Re-entered to change it; empty or left out keeps the stored one.
    pub access_token: Option<String>,
}

impl VendorStoreInput {
    /// The same change as an edit of a store (whose name it never changes).
    pub fn as_edit(&self) -> StoreEditInput {
        StoreEditInput {
            name: None,
            store_url: self.store_url.clone(),
            store_hash: self.store_hash.clone(),
            api_path: self.api_path.clone(),
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            access_token: self.access_token.clone(),
        }
    }
}

/// A change to the settings, as typed (form, JSON, CLI): absent fields keep their value.
/// Numbers and yes/no answers are accepted as text or as JSON numbers and booleans.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::ToSchema)]
pub struct VendorStoreSettingsInput {
    /// A status id (11) or its label ("Awaiting Fulfillment"), as a number or text.
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub order_status_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    /// `true`/`false`, or yes/no as text; so are the other flags.
    pub include_customer_contact: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub send_customer_emails: Option<String>,
    /// A location id (number or text), or "" / "all" for the sum over every location.
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub stock_location_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub sku_case_insensitive: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub sku_strip_prefix: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub active: Option<String>,
}

impl VendorStoreSettingsInput {
    /// The settings with this change applied, or every bad field at once.
    pub fn apply(&self, current: &VendorStoreSettings) -> Result<VendorStoreSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut next = current.clone();
        if let Some(text) = &self.order_status_id
            && let Some(id) = errors.check(parse_status(text))
        {
            next.order_status_id = id;
        }
        let flags: [(&'static str, &Option<String>, &mut bool); 4] = [
            (
                "include_customer_contact",
                &self.include_customer_contact,
                &mut next.include_customer_contact,
            ),
            (
                "send_customer_emails",
                &self.send_customer_emails,
                &mut next.send_customer_emails,
            ),
            (
                "sku_case_insensitive",
                &self.sku_case_insensitive,
                &mut next.sku_matching.case_insensitive,
            ),
            ("active", &self.active, &mut next.active),
        ];
        for (field, input, target) in flags {
            if let Some(text) = input
                && let Some(value) = errors.check(parse_flag(field, text))
            {
                *target = value;
            }
        }
        if let Some(text) = &self.stock_location_id
            && let Some(location) = errors.check(parse_location(text))
        {
            next.stock_location_id = location;
        }
        if let Some(text) = &self.sku_strip_prefix
            && let Some(prefix) = errors.check(parse_prefix(text))
        {
            next.sku_matching.strip_prefix = prefix;
        }
        if errors.is_empty() {
            Ok(next)
        } else {
            Err(errors)
        }
    }
}

fn parse_status(text: &str) -> Result<i64, FieldError> {
    let text = text.trim();
    let known = |id: i64| status_label(id).map(|_| id);
    let found = match text.parse::<i64>() {
        Ok(id) => known(id),
        Err(_) => ORDER_STATUSES
            .iter()
            .find(|(_, label)| label.eq_ignore_ascii_case(text))
            .map(|(id, _)| *id),
    };
    found.ok_or_else(|| {
        let names: Vec<&str> = ORDER_STATUSES.iter().map(|(_, label)| *label).collect();
        FieldError::new(
            "order_status_id",
            format!(
                "Order status {text:?} is not one a new order may have: choose one of {}",
                names.join(", ")
            ),
        )
    })
}

fn parse_flag(field: &'static str, text: &str) -> Result<bool, FieldError> {
    match text.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        other => Err(FieldError::new(
            field,
            format!("{} must be yes or no, not {other:?}", label_of(field)),
        )),
    }
}

fn label_of(field: &str) -> &'static str {
    match field {
        "include_customer_contact" => "Include the customer's e-mail and phone",
        "send_customer_emails" => "Send the store's customer e-mails",
        "sku_case_insensitive" => "Match SKUs ignoring case",
        _ => "Active",
    }
}

fn parse_location(text: &str) -> Result<Option<i64>, FieldError> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(id) if id > 0 => Ok(Some(id)),
        _ => Err(FieldError::new(
            "stock_location_id",
            format!(
                "Stock location {text:?} is not a location id: give one, or leave it empty to add up every location"
            ),
        )),
    }
}

fn parse_prefix(text: &str) -> Result<Option<String>, FieldError> {
    let prefix = text.trim();
    if prefix.is_empty() {
        return Ok(None);
    }
    if prefix.chars().count() > MAX_PREFIX_CHARS || has_hidden_characters(prefix) {
        return Err(FieldError::new(
            "sku_strip_prefix",
            format!(
                "SKU prefix must be at most {MAX_PREFIX_CHARS} characters, without control or invisible characters"
            ),
        ));
    }
    Ok(Some(prefix.to_owned()))
}

/// Text, a number or a boolean, read as text (forms send text, JSON clients send numbers).
fn lenient_text<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    use serde::Deserialize;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Lenient {
        Text(String),
        Number(i64),
        Flag(bool),
    }
    Ok(
        Option::<Lenient>::deserialize(de)?.map(|value| match value {
            Lenient::Text(text) => text,
            Lenient::Number(n) => n.to_string(),
            Lenient::Flag(b) => b.to_string(),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_onports() {
        let settings = VendorStoreSettings::default();
        assert_eq!(settings.order_status_id, 11);
        assert_eq!(settings.order_status_label(), "Awaiting Fulfillment");
        assert!(!settings.include_customer_contact && !settings.send_customer_emails);
        assert_eq!(settings.stock_location_id, None);
        assert!(settings.active);
    }

    #[test]
    fn a_change_applies_only_what_it_names() {
        let input = VendorStoreSettingsInput {
            order_status_id: Some("awaiting shipment".into()),
            include_customer_contact: Some("yes".into()),
            stock_location_id: Some("3".into()),
            sku_strip_prefix: Some(" ACME- ".into()),
            ..Default::default()
        };
        let next = input.apply(&VendorStoreSettings::default()).unwrap();
        assert_eq!(next.order_status_id, 9);
        assert!(next.include_customer_contact);
        assert!(!next.send_customer_emails, "untouched");
        assert_eq!(next.stock_location_id, Some(3));
        assert_eq!(next.sku_matching.strip_prefix.as_deref(), Some("ACME-"));
        let back = VendorStoreSettingsInput {
            stock_location_id: Some("all".into()),
            sku_strip_prefix: Some("".into()),
            ..Default::default()
        };
        let reset = back.apply(&next).unwrap();
        assert_eq!(reset.stock_location_id, None);
        assert_eq!(reset.sku_matching.strip_prefix, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = VendorStoreSettingsInput {
            order_status_id: Some("2".into()),
            send_customer_emails: Some("maybe".into()),
            stock_location_id: Some("-4".into()),
            sku_strip_prefix: Some("a\u{200b}b".into()),
            ..Default::default()
        };
        let errors = input.apply(&VendorStoreSettings::default()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "order_status_id",
                "send_customer_emails",
                "stock_location_id",
                "sku_strip_prefix"
            ]
        );
        assert!(
            errors
                .for_field("order_status_id")
                .unwrap()
                .contains("Awaiting Fulfillment")
        );
    }

    #[test]
    fn json_numbers_and_booleans_read_as_text() {
        let input: VendorStoreSettingsInput = serde_json::from_str(
            r#"{"order_status_id": 11, "include_customer_contact": true, "stock_location_id": null}"#,
        )
        .unwrap();
        assert_eq!(input.order_status_id.as_deref(), Some("11"));
        assert_eq!(input.include_customer_contact.as_deref(), Some("true"));
        assert_eq!(input.stock_location_id, None);
    }
}
