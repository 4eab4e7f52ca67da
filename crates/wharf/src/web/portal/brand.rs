//! The merchant's branding on every portal page: vendors work in the merchant's portal, never
//! in wharf's. One function builds it ([`portal_brand`]); a layer puts it where the templates
//! read it for the request's whole life, error pages included, as `csrf` does with the form
//! token.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;

/// What the portal's layout shows of the merchant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalBrand {
    pub name: String,
    pub logo_url: Option<String>,
    /// A CSS colour, `#rrggbb`; anything else is replaced by the default before it gets here.
    pub accent: String,
}

const DEFAULT_ACCENT: &str = "#1f4fd1";

impl Default for PortalBrand {
    fn default() -> Self {
        PortalBrand {
            name: "Vendor portal".to_owned(),
            logo_url: None,
            accent: DEFAULT_ACCENT.to_owned(),
        }
    }
}

impl PortalBrand {
    /// The brand with its accent checked: it is written into a stylesheet, so only a plain
    /// `#rrggbb` colour passes.
    pub fn new(name: &str, logo_url: Option<String>, accent: &str) -> Self {
        let is_hex_colour = accent.len() == 7
            && accent.starts_with('#')
            && accent[1..].bytes().all(|b| b.is_ascii_hexdigit());
        let name = name.trim();
        PortalBrand {
            name: if name.is_empty() {
                PortalBrand::default().name
            } else {
                name.to_owned()
            },
            logo_url,
            accent: if is_hex_colour {
                accent.to_owned()
            } else {
                DEFAULT_ACCENT.to_owned()
            },
        }
    }
}

/// The merchant's branding for the portal (`App::branding`, set on the operators' Branding
/// page): the one place that decides it. Unreadable, the portal shows the neutral default
/// rather than no page.
pub async fn portal_brand(app: &App) -> PortalBrand {
    match app.branding().await {
        Ok(branding) => PortalBrand::new(
            &branding.name,
            branding
                .has_logo
                .then(|| format!("/branding/logo?v={}", branding.logo_version)),
            &branding.accent,
        ),
        Err(error) => {
            tracing::warn!(%error, "could not read the branding; the portal shows its default");
            PortalBrand::default()
        }
    }
}

tokio::task_local! {
    static BRAND: PortalBrand;
}

/// The brand of the portal request being handled (the default outside one).
pub fn current() -> PortalBrand {
    BRAND.try_with(Clone::clone).unwrap_or_default()
}

/// Whether a path is the portal's (`/vendor`, `/vendor/…`; not the vendor API).
pub fn is_portal_path(path: &str) -> bool {
    path == "/vendor" || path.starts_with("/vendor/")
}

/// Builds the brand once for each portal request, for its pages to read through [`current`].
pub async fn scope(State(app): State<App>, request: Request, next: Next) -> Response {
    if !is_portal_path(request.uri().path()) {
        return next.run(request).await;
    }
    let brand = portal_brand(&app).await;
    BRAND.scope(brand, next.run(request)).await
}

/// `/vendor/brand.css`: the accent colour as a stylesheet, since the Content-Security-Policy
/// allows no inline style.
pub async fn stylesheet() -> Response {
    let brand = current();
    let css = format!(
        ":root {{ --accent: {accent}; }}\n\
         .portal .topbar {{ background: var(--accent); }}\n\
         .portal button:not(.danger):not(.menu-toggle):not(.link) {{ background: var(--accent); }}\n\
         .portal .topbar a, .portal .topbar .logout button, .portal .topbar .menu-toggle {{ color: #fff; }}\n\
         .portal .brand-logo {{ max-height: 2rem; max-width: 10rem; vertical-align: middle; }}\n",
        accent = brand.accent
    );
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        css,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::PortalBrand;

    #[test]
    fn only_a_plain_colour_reaches_the_stylesheet() {
        assert_eq!(PortalBrand::new("Acme", None, "#AA00ff").accent, "#AA00ff");
        for hostile in ["red; } body { display:none", "#12345", "#gggggg", ""] {
            assert_eq!(
                PortalBrand::new("Acme", None, hostile).accent,
                PortalBrand::default().accent
            );
        }
        assert_eq!(PortalBrand::new("  ", None, "").name, "Vendor portal");
    }
}
