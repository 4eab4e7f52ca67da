//! Removing a store: the operator types its name to confirm, and chooses what becomes of its
//! orders. A removal cannot be undone, so a name that does not match refuses it.

use serde::{Deserialize, Serialize};

use super::FieldError;

/// What becomes of a removed store's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrdersOnRemoval {
    /// Kept for the record: readable, with their purchase orders and shipments, naming the store.
    #[default]
    Keep,
    /// Deleted with the store.
    Delete,
}

/// A request to remove a store.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StoreRemovalInput {
    /// The store's name, typed again to confirm.
    #[serde(default)]
    pub confirm_name: String,
    /// `keep` (the default) or `delete` the store's orders.
    #[serde(default)]
    pub orders: OrdersOnRemoval,
}

impl StoreRemovalInput {
    /// The choice of what becomes of the orders, once the typed name is the store's (spaces
    /// around it aside; names are otherwise compared exactly, as a confirmation should be).
    pub fn confirm(&self, store_name: &str) -> Result<OrdersOnRemoval, FieldError> {
        if self.confirm_name.trim() == store_name {
            Ok(self.orders)
        } else {
            Err(FieldError::new(
                "confirm_name",
                format!("Type the store's name, “{store_name}”, exactly to remove it"),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(name: &str) -> StoreRemovalInput {
        StoreRemovalInput {
            confirm_name: name.to_owned(),
            orders: OrdersOnRemoval::Delete,
        }
    }

    #[test]
    fn the_store_name_typed_confirms_the_choice() {
        assert_eq!(
            typed(" Main store ").confirm("Main store"),
            Ok(OrdersOnRemoval::Delete)
        );
    }

    #[test]
    fn another_name_refuses_naming_the_field_and_the_store() {
        for wrong in ["", "main store", "Main"] {
            let error = typed(wrong).confirm("Main store").unwrap_err();
            assert_eq!(error.field, "confirm_name");
            assert!(error.message.contains("“Main store”"), "{}", error.message);
        }
    }
}
