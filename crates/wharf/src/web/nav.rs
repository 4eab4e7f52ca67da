//! The navigation every page carries, and which of its sections the page belongs to.
//!
//! base.html renders the links and marks the current one `aria-current="page"`, so a screen
//! reader announces where the operator is and the style can show it. The page's path decides
//! the section; it reaches the template through a task-local that `remember_path` sets for each
//! request, as the form token does in `csrf`, so no handler has to pass its section along.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    /// The path of the request being handled, for base.html to mark its section.
    static PATH: String;
}

/// A section of wharf, one link in the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Orders,
    Products,
    Vendors,
    Inventory,
    Activity,
    Latency,
    Setup,
    Account,
}

impl Section {
    /// The navigation's order.
    pub const ALL: [Section; 9] = [
        Section::Dashboard,
        Section::Orders,
        Section::Products,
        Section::Vendors,
        Section::Inventory,
        Section::Activity,
        Section::Latency,
        Section::Setup,
        Section::Account,
    ];

    pub fn href(self) -> &'static str {
        match self {
            Section::Dashboard => "/dashboard",
            Section::Orders => "/orders",
            Section::Products => "/products",
            Section::Vendors => "/vendors",
            Section::Inventory => "/inventory",
            Section::Activity => "/activity",
            Section::Latency => "/latency",
            Section::Setup => "/setup",
            Section::Account => "/account",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Section::Dashboard => "Dashboard",
            Section::Orders => "Orders",
            Section::Products => "Products",
            Section::Vendors => "Vendors",
            Section::Inventory => "Inventory",
            Section::Activity => "Activity",
            Section::Latency => "Latency",
            Section::Setup => "Setup",
            Section::Account => "Account",
        }
    }

    /// The section a page at `path` belongs to. A form's answer is the page it was posted from,
    /// so the paths that take posts (`/purchase-orders/…`, `/vendors/…/token`) count too. A
    /// store's own pages (its routing rules) are under Setup, where the store is, except its
    /// orders.
    pub fn of_path(path: &str) -> Option<Section> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let section = match segments.as_slice() {
            ["dashboard", ..] => Section::Dashboard,
            ["orders", ..] | ["purchase-orders", ..] | ["shipments", ..] => Section::Orders,
            ["stores", _, "orders", ..] => Section::Orders,
            ["products", ..] => Section::Products,
            ["vendors", ..] => Section::Vendors,
            ["inventory", ..] => Section::Inventory,
            ["activity", ..] => Section::Activity,
            ["latency", ..] => Section::Latency,
            ["setup", ..] | ["stores", ..] => Section::Setup,
            ["account", ..] => Section::Account,
            _ => return None,
        };
        Some(section)
    }
}

/// One link of the navigation as base.html renders it.
pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The navigation for the request being handled, its section marked.
pub fn links() -> Vec<NavLink> {
    let current = PATH.try_with(|path| Section::of_path(path)).ok().flatten();
    Section::ALL
        .into_iter()
        .map(|section| NavLink {
            href: section.href(),
            label: section.label(),
            current: Some(section) == current,
        })
        .collect()
}

/// The path of the request being handled, for other navigations (the vendor portal's).
pub fn current_path() -> Option<String> {
    PATH.try_with(Clone::clone).ok()
}

/// Keeps the request's path for `links` while the request is handled (and its page rendered).
pub async fn remember_path(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    PATH.scope(path, next.run(request)).await
}

#[cfg(test)]
mod tests {
    use super::Section;

    #[test]
    fn every_page_belongs_to_the_section_its_link_leads_to() {
        for section in Section::ALL {
            assert_eq!(Section::of_path(section.href()), Some(section));
        }
    }

    #[test]
    fn pages_below_a_section_and_form_answers_belong_to_it() {
        let cases = [
            ("/orders/42", Section::Orders),
            ("/purchase-orders/3/shipments", Section::Orders),
            ("/shipments/9/retry", Section::Orders),
            ("/stores/1/orders/118", Section::Orders),
            ("/stores/1/rules", Section::Setup),
            ("/setup/integrations/bigcommerce/stores/1", Section::Setup),
            ("/vendors/7/token", Section::Vendors),
            ("/activity/jobs/5/retry", Section::Activity),
            ("/account/password", Section::Account),
        ];
        for (path, section) in cases {
            assert_eq!(Section::of_path(path), Some(section), "{path}");
        }
    }

    #[test]
    fn addresses_outside_every_section_mark_none() {
        for path in ["/", "/login", "/nowhere", "/ordersx", ""] {
            assert_eq!(Section::of_path(path), None, "{path}");
        }
    }
}
