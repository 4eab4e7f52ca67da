//! Shipments out and in: a wharf shipment part becomes a v2 order shipment, and a BigCommerce
//! shipment (ours or someone else's) is read back in wharf's terms.
//!
//! Carriers: wharf knows carriers by their AfterShip slug (`domain::carrier`), which is also
//! what BigCommerce's `tracking_carrier` takes. BigCommerce's own integrated providers
//! (`shipping_provider`) are a short enum; a carrier that has one gets both fields, so the
//! control panel shows the provider and the customer's email gets a generated tracking link.

use bigcommerce::{BcError, NewShipment, NewShipmentItem, Shipment, StoreClient};

use crate::domain::carrier::CarrierChoice;

/// One BigCommerce shipment to create: a part of a wharf shipment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingShipment {
    pub address_external_id: i64,
    /// (order product id, quantity), quantities > 0.
    pub items: Vec<(i64, i64)>,
    pub tracking_number: String,
    pub carrier: CarrierChoice,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
}

/// A shipment as BigCommerce has it, in wharf's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteShipment {
    pub external_id: i64,
    pub address_external_id: i64,
    pub tracking_number: String,
    /// The carrier as a person would name it (provider, carrier slug or shipping method).
    pub carrier: String,
    pub tracking_url: Option<String>,
    pub shipping_method: Option<String>,
    /// (order product id, quantity), sorted.
    pub items: Vec<(i64, i64)>,
}

impl RemoteShipment {
    /// Whether this is the shipment `outgoing` would create: same address, tracking number and
    /// items. What a retry after an unknown outcome looks for before sending again.
    pub fn is(&self, outgoing: &OutgoingShipment) -> bool {
        let mut items = outgoing.items.clone();
        items.sort_unstable();
        self.address_external_id == outgoing.address_external_id
            && self.tracking_number == outgoing.tracking_number
            && self.items == items
    }
}

/// BigCommerce's integrated `shipping_provider` for the carriers that have one.
fn shipping_provider(slug: &str) -> &'static str {
    match slug {
        "ups" => "ups",
        "fedex" => "fedex",
        "usps" => "usps",
        "royal-mail" => "royalmail",
        "australia-post" => "auspost",
        "canada-post" => "canadapost",
        _ => "",
    }
}

/// Slugs wharf knows that are not in BigCommerce's list of `tracking_carrier` values (Royal
/// Mail is tracked through its `shipping_provider` instead).
const NOT_TRACKING_CARRIERS: &[&str] = &["royal-mail"];

fn to_wire(shipment: &OutgoingShipment) -> NewShipment {
    let (provider, tracking_carrier) = match shipment.carrier.slug() {
        Some(slug) => (
            shipping_provider(slug),
            if NOT_TRACKING_CARRIERS.contains(&slug) {
                ""
            } else {
                slug
            },
        ),
        None => ("", ""),
    };
    NewShipment {
        order_address_id: shipment.address_external_id as u64,
        items: shipment
            .items
            .iter()
            .map(|&(id, quantity)| NewShipmentItem {
                order_product_id: id as u64,
                quantity: quantity as u32,
            })
            .collect(),
        tracking_number: shipment.tracking_number.clone(),
        shipping_provider: provider.to_owned(),
        tracking_carrier: tracking_carrier.to_owned(),
        tracking_link: shipment.tracking_url.clone(),
        // The method shows on the order and in the customer's email; for a carrier BigCommerce
        // can't link, it is the only place the carrier's name appears.
        shipping_method: shipment
            .shipping_method
            .clone()
            .or_else(|| Some(shipment.carrier.display_name().to_owned())),
        comments: None,
    }
}

fn from_wire(shipment: Shipment) -> RemoteShipment {
    let carrier = [
        &shipment.tracking_carrier,
        &shipment.shipping_provider,
        &shipment.shipping_method,
    ]
    .into_iter()
    .find(|s| !s.is_empty())
    .cloned()
    .unwrap_or_else(|| "unknown".to_owned());
    let tracking_url = [&shipment.tracking_link, &shipment.generated_tracking_link]
        .into_iter()
        .find(|s| !s.is_empty())
        .cloned();
    let mut items: Vec<(i64, i64)> = shipment
        .items
        .iter()
        .map(|i| (i.order_product_id as i64, i64::from(i.quantity)))
        .collect();
    items.sort_unstable();
    RemoteShipment {
        external_id: shipment.id as i64,
        address_external_id: shipment.order_address_id as i64,
        tracking_number: shipment.tracking_number,
        carrier,
        tracking_url,
        shipping_method: Some(shipment.shipping_method).filter(|m| !m.is_empty()),
        items,
    }
}

/// Creates one shipment. Sent once: a timeout or 5xx means "may have happened", and the caller
/// must look ([`read_shipments`]) before sending again.
pub async fn create_shipment(
    client: &StoreClient,
    order_external_id: i64,
    shipment: &OutgoingShipment,
) -> Result<RemoteShipment, BcError> {
    let created = client
        .create_shipment(order_external_id as u64, &to_wire(shipment))
        .await?;
    Ok(from_wire(created))
}

/// Every shipment of the order, oldest first.
pub async fn read_shipments(
    client: &StoreClient,
    order_external_id: i64,
) -> Result<Vec<RemoteShipment>, BcError> {
    Ok(client
        .order_shipments(order_external_id as u64)
        .await?
        .into_iter()
        .map(from_wire)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::carrier::normalise_carrier;

    fn outgoing(carrier: &str) -> OutgoingShipment {
        OutgoingShipment {
            address_external_id: 7,
            items: vec![(21, 1), (20, 2)],
            tracking_number: "TRACK1".into(),
            carrier: normalise_carrier(carrier).unwrap(),
            tracking_url: None,
            shipping_method: None,
        }
    }

    #[test]
    fn known_carriers_fill_provider_and_tracking_carrier() {
        let ups = to_wire(&outgoing("UPS"));
        assert_eq!(
            (
                ups.shipping_provider.as_str(),
                ups.tracking_carrier.as_str()
            ),
            ("ups", "ups")
        );
        let dhl = to_wire(&outgoing("DHL Express"));
        assert_eq!(
            (
                dhl.shipping_provider.as_str(),
                dhl.tracking_carrier.as_str()
            ),
            ("", "dhl")
        );
        let royal = to_wire(&outgoing("Royal Mail"));
        assert_eq!(
            (
                royal.shipping_provider.as_str(),
                royal.tracking_carrier.as_str()
            ),
            ("royalmail", "")
        );
    }

    #[test]
    fn an_unknown_carrier_ships_with_its_name_and_link() {
        let mut shipment = outgoing("Bob's Courier");
        shipment.tracking_url = Some("https://bobs.example/t/1".into());
        let wire = to_wire(&shipment);
        assert_eq!(
            (
                wire.shipping_provider.as_str(),
                wire.tracking_carrier.as_str()
            ),
            ("", "")
        );
        assert_eq!(
            wire.tracking_link.as_deref(),
            Some("https://bobs.example/t/1")
        );
        assert_eq!(wire.shipping_method.as_deref(), Some("Bob's Courier"));
    }

    #[test]
    fn a_remote_shipment_matches_regardless_of_item_order() {
        let remote = RemoteShipment {
            external_id: 1,
            address_external_id: 7,
            tracking_number: "TRACK1".into(),
            carrier: "ups".into(),
            tracking_url: None,
            shipping_method: None,
            items: vec![(20, 2), (21, 1)],
        };
        assert!(remote.is(&outgoing("UPS")));
        let mut other = outgoing("UPS");
        other.items = vec![(20, 1), (21, 1)];
        assert!(
            !remote.is(&other),
            "different quantities are another shipment"
        );
        other = outgoing("UPS");
        other.address_external_id = 8;
        assert!(!remote.is(&other));
    }
}
