//! The portal's navigation: its own sections, marked from the request's path as the
//! operators' navigation is (`web::nav`).

use crate::web::nav::NavLink;

/// A section of the portal, one link in its navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortalSection {
    PurchaseOrders,
    Ship,
    Stock,
    Account,
}

impl PortalSection {
    pub const ALL: [PortalSection; 4] = [
        PortalSection::PurchaseOrders,
        PortalSection::Ship,
        PortalSection::Stock,
        PortalSection::Account,
    ];

    pub fn href(self) -> &'static str {
        match self {
            PortalSection::PurchaseOrders => "/vendor/purchase-orders",
            PortalSection::Ship => "/vendor/ship",
            PortalSection::Stock => "/vendor/stock",
            PortalSection::Account => "/vendor/account",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PortalSection::PurchaseOrders => "Purchase orders",
            PortalSection::Ship => "Ship",
            PortalSection::Stock => "Stock",
            PortalSection::Account => "Account",
        }
    }

    pub fn of_path(path: &str) -> Option<PortalSection> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match segments.as_slice() {
            ["vendor", "purchase-orders", ..] => Some(PortalSection::PurchaseOrders),
            ["vendor", "ship", ..] => Some(PortalSection::Ship),
            ["vendor", "stock", ..] => Some(PortalSection::Stock),
            ["vendor", "account", ..] => Some(PortalSection::Account),
            _ => None,
        }
    }
}

/// The portal's navigation for the request being handled, its section marked.
pub fn links() -> Vec<NavLink> {
    let current = crate::web::nav::current_path().and_then(|p| PortalSection::of_path(&p));
    PortalSection::ALL
        .into_iter()
        .map(|section| NavLink {
            href: section.href(),
            label: section.label(),
            current: Some(section) == current,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::PortalSection;

    #[test]
    fn every_link_marks_its_own_section_and_pages_below_it() {
        for section in PortalSection::ALL {
            assert_eq!(PortalSection::of_path(section.href()), Some(section));
        }
        assert_eq!(
            PortalSection::of_path("/vendor/account/users/3/remove"),
            Some(PortalSection::Account)
        );
        assert_eq!(PortalSection::of_path("/vendor/"), None);
        assert_eq!(PortalSection::of_path("/account"), None);
    }
}
