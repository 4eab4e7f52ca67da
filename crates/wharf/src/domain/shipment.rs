//! Shipments: what a vendor (or an operator on its behalf) says left the warehouse, checked
//! against the purchase order before anything is stored or sent.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::carrier::{CarrierChoice, normalise_carrier};
use super::{FieldError, FieldErrors};

/// BigCommerce's limits, which are also what a customer's tracking page can show.
pub const MAX_TRACKING_NUMBER: usize = 50;
pub const MAX_TRACKING_URL: usize = 500;
pub const MAX_SHIPPING_METHOD: usize = 100;

/// A shipment as submitted (vendor API JSON, form, CSV row group).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipmentInput {
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub carrier: String,
    #[serde(default)]
    pub tracking_url: Option<String>,
    #[serde(default)]
    pub shipping_method: Option<String>,
    #[serde(default)]
    pub lines: Vec<ShipmentLineInput>,
}

/// One shipped line: the purchase order line's `order_line_id`, or its SKU.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ShipmentLineInput {
    #[serde(default)]
    pub line_id: Option<i64>,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub quantity: i64,
}

/// A purchase order line as the check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippableLine {
    pub order_line_id: i64,
    pub sku: Option<String>,
    /// Ordered minus what every recorded shipment already covers.
    pub unshipped: i64,
    /// Whether wharf knows where the line ships to; without it no shipment can be sent.
    pub ship_to_known: bool,
}

/// Where a shipment stands as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipmentState {
    Pending,
    Pushed,
    Failed,
    Held,
    Imported,
}

impl ShipmentState {
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentState::Pending => "pending",
            ShipmentState::Pushed => "pushed",
            ShipmentState::Failed => "failed",
            ShipmentState::Held => "held",
            ShipmentState::Imported => "imported",
        }
    }
}

/// Where one part of a shipment (one BigCommerce shipment, per shipping address) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartState {
    Pending,
    Sending,
    Created,
    Failed,
    Skipped,
    Deleted,
}

impl PartState {
    pub fn as_str(self) -> &'static str {
        match self {
            PartState::Pending => "pending",
            PartState::Sending => "sending",
            PartState::Created => "created",
            PartState::Failed => "failed",
            PartState::Skipped => "skipped",
            PartState::Deleted => "deleted",
        }
    }

    /// Refuses what no version of wharf writes, rather than guess.
    pub fn parse(s: &str) -> Option<PartState> {
        match s {
            "pending" => Some(PartState::Pending),
            "sending" => Some(PartState::Sending),
            "created" => Some(PartState::Created),
            "failed" => Some(PartState::Failed),
            "skipped" => Some(PartState::Skipped),
            "deleted" => Some(PartState::Deleted),
            _ => None,
        }
    }
}

/// Where a shipment came from, for its record and the order's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShipmentSource {
    VendorApi,
    /// A vendor user's form in the vendor portal.
    VendorPortal,
    Operator,
    Csv,
    BigCommerce,
    /// Read from the vendor's own BigCommerce store, on the order a purchase order became.
    VendorStore,
}

impl ShipmentSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ShipmentSource::VendorApi => "vendor_api",
            ShipmentSource::VendorPortal => "vendor_portal",
            ShipmentSource::Operator => "operator",
            ShipmentSource::Csv => "csv",
            ShipmentSource::BigCommerce => "bigcommerce",
            ShipmentSource::VendorStore => "vendor_store",
        }
    }
}

/// A checked shipment: every line belongs to the purchase order and fits what is unshipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewShipment {
    pub tracking_number: String,
    pub carrier: CarrierChoice,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
    /// (order line id, quantity), one entry per line, in the order submitted.
    pub lines: Vec<(i64, i64)>,
}

impl NewShipment {
    /// Checks a submission against the purchase order's lines, reporting every problem at once.
    pub fn parse(input: &ShipmentInput, open_lines: &[ShippableLine]) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::default();
        let tracking_number = errors.check(parse_tracking_number(&input.tracking_number));
        let carrier = errors.check(normalise_carrier(&input.carrier));
        let tracking_url = errors.check(parse_tracking_url(input.tracking_url.as_deref()));
        let shipping_method = errors.check(parse_shipping_method(input.shipping_method.as_deref()));
        let lines = errors.check(parse_lines(&input.lines, open_lines));
        match (
            tracking_number,
            carrier,
            tracking_url,
            shipping_method,
            lines,
        ) {
            (
                Some(tracking_number),
                Some(carrier),
                Some(tracking_url),
                Some(shipping_method),
                Some(lines),
            ) if errors.is_empty() => Ok(NewShipment {
                tracking_number,
                carrier,
                tracking_url,
                shipping_method,
                lines,
            }),
            _ => Err(errors),
        }
    }
}

fn has_control(text: &str) -> bool {
    text.chars().any(char::is_control)
}

pub fn parse_tracking_number(input: &str) -> Result<String, FieldError> {
    let number = input.trim();
    if number.is_empty() {
        return Err(FieldError::new(
            "tracking_number",
            "Tracking number is required",
        ));
    }
    if number.chars().count() > MAX_TRACKING_NUMBER || has_control(number) {
        return Err(FieldError::new(
            "tracking_number",
            format!(
                "Tracking number must be at most {MAX_TRACKING_NUMBER} characters, without control characters"
            ),
        ));
    }
    Ok(number.to_owned())
}

fn parse_tracking_url(input: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(url) = input.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    tracking_link(url)
        .map(Some)
        .map_err(|problem| FieldError::new("tracking_url", format!("Tracking URL {problem}")))
}

/// A tracking URL as it is stored and sent: an absolute http(s) address with a host, of at most
/// [`MAX_TRACKING_URL`] characters, holding nothing a page or BigCommerce would have to escape
/// (quotes, angle brackets, backslashes, spaces, control characters). The error completes
/// "Tracking URL …".
pub fn tracking_link(url: &str) -> Result<String, String> {
    let chars = url.chars().count();
    if chars > MAX_TRACKING_URL {
        return Err(format!(
            "must be at most {MAX_TRACKING_URL} characters (it has {chars})"
        ));
    }
    let needs_escaping = |c: char| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`')
    };
    if url.chars().any(needs_escaping) {
        return Err("must not contain spaces, quotes, angle brackets or backslashes".to_owned());
    }
    match url::Url::parse(url) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(url.to_owned())
        }
        _ => Err("must be an http:// or https:// address with a host".to_owned()),
    }
}

fn parse_shipping_method(input: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(method) = input.map(str::trim).filter(|m| !m.is_empty()) else {
        return Ok(None);
    };
    if method.chars().count() > MAX_SHIPPING_METHOD || has_control(method) {
        return Err(FieldError::new(
            "shipping_method",
            format!("Shipping method must be at most {MAX_SHIPPING_METHOD} characters"),
        ));
    }
    Ok(Some(method.to_owned()))
}

/// Resolves each submitted line to a purchase order line and checks its quantity; a line named
/// twice is one line with the quantities added (a vendor scanning item by item does that).
fn parse_lines(
    input: &[ShipmentLineInput],
    open_lines: &[ShippableLine],
) -> Result<Vec<(i64, i64)>, FieldError> {
    if input.is_empty() {
        return Err(FieldError::new(
            "lines",
            "A shipment needs at least one line",
        ));
    }
    let mut problems = Vec::new();
    let mut totals: Vec<(i64, i64)> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for (index, line) in input.iter().enumerate() {
        let n = index + 1;
        let Some(open) = find_line(line, open_lines) else {
            problems.push(format!(
                "line {n} ({}) is not on this purchase order",
                describe(line)
            ));
            continue;
        };
        if line.quantity <= 0 {
            problems.push(format!(
                "line {n} ({}): quantity must be more than 0",
                describe(line)
            ));
            continue;
        }
        if !open.ship_to_known {
            problems.push(format!(
                "line {n} ({}) has no shipping address yet: BigCommerce has not said where it \
                 goes. wharf reads the order again; ship it once the address shows on the order",
                describe(line)
            ));
            continue;
        }
        match position.get(&open.order_line_id) {
            Some(&i) => totals[i].1 += line.quantity,
            None => {
                position.insert(open.order_line_id, totals.len());
                totals.push((open.order_line_id, line.quantity));
            }
        }
    }
    for &(line_id, quantity) in &totals {
        let open = open_lines
            .iter()
            .find(|l| l.order_line_id == line_id)
            .expect("resolved above");
        if quantity > open.unshipped {
            let what = open
                .sku
                .as_deref()
                .map_or_else(|| format!("line id {line_id}"), |s| format!("SKU {s}"));
            problems.push(if open.unshipped == 0 {
                format!("{what} is already fully shipped")
            } else {
                format!(
                    "{what}: quantity {quantity} is more than the {} still unshipped",
                    open.unshipped
                )
            });
        }
    }
    if problems.is_empty() {
        Ok(totals)
    } else {
        Err(FieldError::new("lines", problems.join("; ")))
    }
}

fn find_line<'a>(
    line: &ShipmentLineInput,
    open_lines: &'a [ShippableLine],
) -> Option<&'a ShippableLine> {
    match (line.line_id, line.sku.as_deref().map(str::trim)) {
        (Some(id), _) => open_lines.iter().find(|l| l.order_line_id == id),
        (None, Some(sku)) if !sku.is_empty() => {
            // A SKU may appear on two lines of one order (e.g. two addresses): the first with
            // room takes it.
            let mut matching = open_lines.iter().filter(|l| {
                l.sku
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case(sku))
            });
            let first = matching.clone().next();
            matching.find(|l| l.unshipped >= line.quantity).or(first)
        }
        _ => None,
    }
}

fn describe(line: &ShipmentLineInput) -> String {
    match (line.line_id, line.sku.as_deref()) {
        (Some(id), _) => format!("line id {id}"),
        (None, Some(sku)) if !sku.trim().is_empty() => format!("SKU {}", sku.trim()),
        _ => "no line_id or sku".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tracking_link_is_an_absolute_web_address_with_nothing_to_escape() {
        assert_eq!(
            tracking_link("https://track.example.com/1Z999?x=1").as_deref(),
            Ok("https://track.example.com/1Z999?x=1")
        );
        for bad in [
            "https://track.example.com/\"><script>",
            "https://track.example.com/a'b",
            "javascript:alert(1)",
            "ftp://example.com/t",
            "https://example.com/a b",
            "track.example.com/1Z999",
        ] {
            assert!(tracking_link(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_TRACKING_URL));
        assert!(tracking_link(&long).is_err());
    }

    fn open_lines() -> Vec<ShippableLine> {
        vec![
            ShippableLine {
                order_line_id: 10,
                sku: Some("TEE-RED".into()),
                unshipped: 2,
                ship_to_known: true,
            },
            ShippableLine {
                order_line_id: 11,
                sku: Some("MUG".into()),
                unshipped: 0,
                ship_to_known: true,
            },
            ShippableLine {
                order_line_id: 12,
                sku: Some("CAP".into()),
                unshipped: 1,
                ship_to_known: false,
            },
        ]
    }

    fn input(lines: Vec<ShipmentLineInput>) -> ShipmentInput {
        ShipmentInput {
            tracking_number: "1Z999AA10123456784".into(),
            carrier: "UPS".into(),
            tracking_url: None,
            shipping_method: None,
            lines,
        }
    }

    fn by_id(line_id: i64, quantity: i64) -> ShipmentLineInput {
        ShipmentLineInput {
            line_id: Some(line_id),
            sku: None,
            quantity,
        }
    }

    #[test]
    fn a_partial_shipment_by_id_or_sku_is_accepted() {
        let sku = ShipmentLineInput {
            line_id: None,
            sku: Some("tee-red".into()),
            quantity: 1,
        };
        let shipment = NewShipment::parse(&input(vec![by_id(10, 1), sku]), &open_lines()).unwrap();
        assert_eq!(shipment.lines, [(10, 2)], "the same line twice adds up");
        assert!(shipment.carrier.is_known());
    }

    #[test]
    fn every_problem_names_its_field() {
        let mut bad = input(vec![
            by_id(10, 3),
            by_id(11, 1),
            by_id(99, 1),
            by_id(10, 0),
            by_id(12, 1),
        ]);
        bad.tracking_number = "X".repeat(51);
        bad.carrier = " ".into();
        bad.tracking_url = Some("ftp://example.com/t".into());
        let errors = NewShipment::parse(&bad, &open_lines()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["tracking_number", "carrier", "tracking_url", "lines"]
        );
        let lines = errors.for_field("lines").unwrap();
        assert!(
            lines.contains("line 3 (line id 99) is not on this purchase order"),
            "{lines}"
        );
        assert!(
            lines.contains("line 4 (line id 10): quantity must be more than 0"),
            "{lines}"
        );
        assert!(
            lines.contains("SKU TEE-RED: quantity 3 is more than the 2 still unshipped"),
            "{lines}"
        );
        assert!(
            lines.contains("SKU MUG is already fully shipped"),
            "{lines}"
        );
        assert!(
            lines.contains("line 5 (line id 12) has no shipping address yet"),
            "a line on the purchase order is never called not on it: {lines}"
        );
    }

    #[test]
    fn no_lines_is_an_error_and_an_unknown_carrier_is_not() {
        let errors = NewShipment::parse(&input(vec![]), &open_lines()).unwrap_err();
        assert_eq!(
            errors.for_field("lines"),
            Some("A shipment needs at least one line")
        );
        let mut unknown = input(vec![by_id(10, 1)]);
        unknown.carrier = "Bob's Courier".into();
        unknown.tracking_url = Some("https://bobs.example/track/1".into());
        let shipment = NewShipment::parse(&unknown, &open_lines()).unwrap();
        assert!(!shipment.carrier.is_known());
        assert_eq!(
            shipment.tracking_url.as_deref(),
            Some("https://bobs.example/track/1")
        );
    }
}
