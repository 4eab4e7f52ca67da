//! Purchase orders out as orders in a vendor's own BigCommerce store: a wharf purchase order
//! becomes a v2 order (`POST /v2/orders`), is found again by its reference, cancelled
//! (`PUT /v2/orders/{id}`), and its products read back so the vendor's shipments map to
//! purchase-order lines. Read, write and map; no database, no loops of its own.

use bigcommerce::{BcError, StoreClient};

/// An address on the vendor's order, in wharf's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingAddress {
    /// The whole name; split into first and last for BigCommerce.
    pub name: String,
    pub company: Option<String>,
    pub street_1: String,
    pub street_2: Option<String>,
    pub city: String,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country_iso2: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// One line: the vendor's product and variant, and how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutgoingItem {
    pub product_id: i64,
    pub variant_id: i64,
    pub quantity: i64,
}

/// The order to create in the vendor's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingVendorOrder {
    /// `PO-{order}-{po}`: sent as `external_order_id` (what the lookup filters by) and in the
    /// staff notes the vendor reads.
    pub reference: String,
    pub status_id: i64,
    /// The merchant.
    pub billing: OutgoingAddress,
    /// The end customer.
    pub shipping: OutgoingAddress,
    pub items: Vec<OutgoingItem>,
    /// The customer's note at checkout, if any.
    pub customer_message: Option<String>,
    /// How the customer chose to have it shipped, if known.
    pub shipping_method: Option<String>,
}

/// How wharf names itself on the orders it creates (`external_source`).
const EXTERNAL_SOURCE: &str = "Dropship (wharf)";

/// An order product of the vendor's order: (order product id, product id, variant id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorOrderProduct {
    pub order_product_id: i64,
    pub product_id: i64,
    pub variant_id: i64,
}

/// How many orders a lookup reads at most: orders carrying one reference, created within the
/// lookup window, are one or (after a lost answer the sim or BigCommerce applied) very few.
const LOOKUP_LIMIT: u32 = 10;

/// Splits a whole name into BigCommerce's first and last name (the last word is the last name).
fn split_name(name: &str) -> (String, String) {
    let name = name.trim();
    match name.rsplit_once(' ') {
        Some((first, last)) => (first.trim().to_owned(), last.to_owned()),
        None => (name.to_owned(), String::new()),
    }
}

fn address_to_wire(address: &OutgoingAddress) -> bigcommerce::NewOrderAddress {
    let (first_name, last_name) = split_name(&address.name);
    bigcommerce::NewOrderAddress {
        first_name,
        last_name,
        company: address.company.clone().unwrap_or_default(),
        street_1: address.street_1.clone(),
        street_2: address.street_2.clone().unwrap_or_default(),
        city: address.city.clone(),
        state: address.state.clone().unwrap_or_default(),
        zip: address.zip.clone().unwrap_or_default(),
        country_iso2: address.country_iso2.clone().unwrap_or_default(),
        email: address.email.clone().unwrap_or_default(),
        phone: address.phone.clone().unwrap_or_default(),
        country: String::new(),
    }
}

fn to_wire(order: &OutgoingVendorOrder) -> bigcommerce::NewOrder {
    bigcommerce::NewOrder {
        status_id: order.status_id as u32,
        // A guest order: the end customer is the merchant's, not an account in the vendor's store.
        customer_id: 0,
        billing_address: address_to_wire(&order.billing),
        shipping_addresses: vec![bigcommerce::NewShippingAddress {
            address: address_to_wire(&order.shipping),
            shipping_method: order.shipping_method.clone(),
        }],
        products: order
            .items
            .iter()
            .map(|item| bigcommerce::NewOrderProduct {
                product_id: item.product_id as u64,
                variant_id: Some(item.variant_id as u64),
                product_options: Vec::new(),
                quantity: item.quantity as u32,
            })
            .collect(),
        external_order_id: Some(order.reference.clone()),
        staff_notes: Some(format!("Purchase order {} from wharf", order.reference)),
        external_source: Some(EXTERNAL_SOURCE.to_owned()),
        customer_message: order.customer_message.clone(),
    }
}

/// Creates the order; its id in the vendor's store. Sent once: a timeout or 5xx means "may
/// have happened", and the caller must look ([`find_vendor_order`]) before sending again.
pub async fn create_vendor_order(
    client: &StoreClient,
    order: &OutgoingVendorOrder,
) -> Result<i64, BcError> {
    let created = client.create_order(&to_wire(order)).await?;
    Ok(created.id as i64)
}

/// The vendor store's order carrying `reference`, among those created since `since_ms`.
pub async fn find_vendor_order(
    client: &StoreClient,
    reference: &str,
    since_ms: i64,
) -> Result<Option<i64>, BcError> {
    let since = jiff::Timestamp::from_millisecond(since_ms).map_err(|e| BcError::Decode {
        message: e.to_string(),
    })?;
    let query = bigcommerce::OrderQuery {
        limit: LOOKUP_LIMIT,
        external_order_id: Some(reference.to_owned()),
        min_date_created: Some(since),
        ..Default::default()
    };
    let found = client.orders_page(&query).await?;
    // Filtered by the store already; checked again so a store that ignores the filter cannot
    // make wharf adopt someone else's order.
    Ok(found
        .into_iter()
        .filter(|o| o.external_order_id.as_deref() == Some(reference))
        .map(|o| o.id as i64)
        .min())
}

/// The vendor order's products, to map its shipments back.
pub async fn vendor_order_products(
    client: &StoreClient,
    external_id: i64,
) -> Result<Vec<VendorOrderProduct>, BcError> {
    Ok(client
        .all_order_products(external_id as u64)
        .await?
        .into_iter()
        .map(|p| VendorOrderProduct {
            order_product_id: p.id as i64,
            product_id: p.product_id as i64,
            variant_id: p.variant_id.unwrap_or(0) as i64,
        })
        .collect())
}

/// Whether the vendor shipped any of its order (read from the order's products).
pub async fn vendor_order_shipped(client: &StoreClient, external_id: i64) -> Result<bool, BcError> {
    Ok(client
        .all_order_products(external_id as u64)
        .await?
        .iter()
        .any(|p| p.quantity_shipped > 0))
}

/// Sets the vendor's order to `status_id` (Cancelled, for a cancelled purchase order).
pub async fn set_vendor_order_status(
    client: &StoreClient,
    external_id: i64,
    status_id: i64,
) -> Result<(), BcError> {
    let update = bigcommerce::OrderUpdate {
        status_id: Some(status_id as u32),
        ..Default::default()
    };
    client.update_order(external_id as u64, &update).await?;
    Ok(())
}

/// The lines BigCommerce refused by position (`products.N` in its field list), with its
/// words for each; empty when it refused the order as a whole.
pub fn refused_lines(error: &BcError) -> Vec<(usize, String)> {
    let BcError::Validation { fields, .. } = error else {
        return Vec::new();
    };
    fields
        .iter()
        .filter_map(|(field, problem)| {
            let rest = field.strip_prefix("products.")?;
            let index = rest.split('.').next()?.parse::<usize>().ok()?;
            Some((index, problem.clone()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn names_split_at_the_last_word() {
        assert_eq!(
            split_name("Ada  King Lovelace"),
            ("Ada  King".into(), "Lovelace".into())
        );
        assert_eq!(split_name("Cher"), ("Cher".into(), String::new()));
    }

    #[test]
    fn refused_lines_are_read_by_position() {
        let fields = BTreeMap::from([
            ("products.1".to_owned(), "out of stock".to_owned()),
            ("products.0.quantity".to_owned(), "too many".to_owned()),
            ("billing_address".to_owned(), "missing".to_owned()),
        ]);
        let error = BcError::Validation {
            request: "POST v2/orders".into(),
            status: 400,
            message: "invalid".into(),
            fields,
        };
        assert_eq!(
            refused_lines(&error),
            vec![(0, "too many".into()), (1, "out of stock".into())]
        );
        assert!(refused_lines(&BcError::Timeout).is_empty());
    }

    #[test]
    fn the_reference_goes_where_the_vendor_and_the_lookup_see_it() {
        let order = OutgoingVendorOrder {
            reference: "PO-100-7".into(),
            status_id: 11,
            billing: OutgoingAddress::default(),
            shipping: OutgoingAddress {
                name: "Ann Lee".into(),
                ..OutgoingAddress::default()
            },
            items: vec![OutgoingItem {
                product_id: 5,
                variant_id: 6,
                quantity: 2,
            }],
            customer_message: None,
            shipping_method: None,
        };
        let wire = to_wire(&order);
        assert_eq!(wire.external_order_id.as_deref(), Some("PO-100-7"));
        assert!(wire.staff_notes.unwrap().contains("PO-100-7"));
        assert_eq!(wire.shipping_addresses[0].address.last_name, "Lee");
        assert_eq!(wire.products[0].variant_id, Some(6));
    }
}
