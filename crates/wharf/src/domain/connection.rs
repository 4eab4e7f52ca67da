//! The verdict of a Connect: which checks ran, which failed and why.

use serde::{Deserialize, Serialize};

/// An API permission wharf needs on the store, in the merchant's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequiredScope {
    OrdersModify,
    ProductsRead,
    InventoryModify,
    LocationsRead,
    StoreInformationRead,
    /// A vendor's store: wharf reads its stock levels, never writes them.
    InventoryRead,
}

impl RequiredScope {
    /// What a sales store's API account needs: wharf writes its stock.
    pub const SALES: [RequiredScope; 5] = [
        RequiredScope::StoreInformationRead,
        RequiredScope::OrdersModify,
        RequiredScope::ProductsRead,
        RequiredScope::InventoryModify,
        RequiredScope::LocationsRead,
    ];

    /// What a vendor's own store's API account needs: wharf creates orders there and reads its
    /// catalog and stock, changing neither.
    pub const VENDOR: [RequiredScope; 4] = [
        RequiredScope::OrdersModify,
        RequiredScope::ProductsRead,
        RequiredScope::StoreInformationRead,
        RequiredScope::InventoryRead,
    ];

    /// The control panel's scope name and the access level to choose, as the help text says it.
    pub fn tick(self) -> &'static str {
        match self {
            RequiredScope::OrdersModify => "Orders: modify",
            RequiredScope::ProductsRead => "Products: read-only",
            RequiredScope::InventoryModify => "Inventory: modify",
            RequiredScope::LocationsRead => "Store Locations: read-only",
            RequiredScope::StoreInformationRead => "Information & settings: read-only",
            RequiredScope::InventoryRead => "Inventory: read-only",
        }
    }

    /// Where and what to tick for an API account with these scopes, in words.
    pub fn how_to_grant(scopes: &[RequiredScope]) -> String {
        let ticks: Vec<&str> = scopes.iter().map(|s| s.tick()).collect();
        format!(
            "In the store's BigCommerce control panel, open Settings › API › Store-level API \
             accounts, create an API account and set: {}. Leave every other scope at None.",
            ticks.join("; ")
        )
    }

    pub const ALL: [RequiredScope; 6] = [
        RequiredScope::OrdersModify,
        RequiredScope::ProductsRead,
        RequiredScope::InventoryModify,
        RequiredScope::LocationsRead,
        RequiredScope::StoreInformationRead,
        RequiredScope::InventoryRead,
    ];

    /// As the store's control panel names it when creating the API account.
    pub fn label(self) -> &'static str {
        match self {
            RequiredScope::OrdersModify => "Orders (modify)",
            RequiredScope::ProductsRead => "Products (read)",
            RequiredScope::InventoryModify => "Inventory (modify)",
            RequiredScope::LocationsRead => "Locations (read)",
            RequiredScope::StoreInformationRead => "Information & Settings (read)",
            RequiredScope::InventoryRead => "Inventory (read)",
        }
    }
}

/// One line of the Connect report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "check")]
pub enum Check {
    AccessToken,
    StoreHash,
    StoreUrl,
    Scope {
        scope: RequiredScope,
    },
    /// BigCommerce could not be asked (network, outage): says nothing about the credentials.
    Reachability,
    /// No older wharf store has the same store hash. Reported only when it fails: such a
    /// store is not checked any further.
    StoreHashUnique,
}

impl Check {
    pub fn label(&self) -> String {
        match self {
            Check::AccessToken => "Access token".to_owned(),
            Check::StoreHash => "Store hash".to_owned(),
            Check::StoreUrl => "Store URL".to_owned(),
            Check::Scope { scope } => format!("Scope: {}", scope.label()),
            Check::Reachability => "BigCommerce reachable".to_owned(),
            Check::StoreHashUnique => "Store hash not used by another store".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckResult {
    #[serde(flatten)]
    pub check: Check,
    pub passed: bool,
    /// Why it failed, in words the merchant can act on; empty when it passed.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

impl CheckResult {
    pub fn passed(check: Check) -> Self {
        CheckResult {
            check,
            passed: true,
            message: String::new(),
        }
    }

    pub fn failed(check: Check, message: impl Into<String>) -> Self {
        CheckResult {
            check,
            passed: false,
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConnectionStatus {
    /// Connect has never been run for this store.
    Unchecked,
    Connected,
    Failed,
}

impl ConnectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionStatus::Unchecked => "unchecked",
            ConnectionStatus::Connected => "connected",
            ConnectionStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "unchecked" => Some(ConnectionStatus::Unchecked),
            "connected" => Some(ConnectionStatus::Connected),
            "failed" => Some(ConnectionStatus::Failed),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnectionStatus::Unchecked => "Not connected yet",
            ConnectionStatus::Connected => "Connected",
            ConnectionStatus::Failed => "Not connected",
        }
    }
}

/// Every check of one Connect. Green only when there were checks and all of them passed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ConnectionReport {
    pub checks: Vec<CheckResult>,
}

impl ConnectionReport {
    pub fn status(&self) -> ConnectionStatus {
        if !self.checks.is_empty() && self.checks.iter().all(|c| c.passed) {
            ConnectionStatus::Connected
        } else {
            ConnectionStatus::Failed
        }
    }

    /// One line per failed check, as shown in red.
    pub fn failures(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| !c.passed)
            .map(|c| c.message.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_report_is_never_green() {
        assert_eq!(
            ConnectionReport::default().status(),
            ConnectionStatus::Failed
        );
    }

    #[test]
    fn one_failed_check_turns_the_report_red_with_its_reason() {
        let report = ConnectionReport {
            checks: vec![
                CheckResult::passed(Check::AccessToken),
                CheckResult::failed(
                    Check::Scope {
                        scope: RequiredScope::OrdersModify,
                    },
                    "Missing scope: Orders (modify)",
                ),
            ],
        };
        assert_eq!(report.status(), ConnectionStatus::Failed);
        assert_eq!(report.failures(), ["Missing scope: Orders (modify)"]);
    }

    #[test]
    fn reports_round_trip_through_json() {
        let report = ConnectionReport {
            checks: vec![CheckResult::passed(Check::Scope {
                scope: RequiredScope::LocationsRead,
            })],
        };
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(
            serde_json::from_str::<ConnectionReport>(&json).unwrap(),
            report
        );
    }
}
