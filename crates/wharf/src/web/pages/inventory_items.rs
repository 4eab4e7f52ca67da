//! `/inventory/stores/{id}/items`: the store's items a page at a time, each with what makes up
//! its level — vendors' reports and whether they count (and why not), allocated units,
//! buffers, and per location wharf's level next to BigCommerce's confirmed one. Searchable by
//! SKU or name, by the vendor that reported, and by "differs from BigCommerce".

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::inventory::items::{ItemStock, ItemStockPage, ItemStockQuery};
use crate::app::stores::StoreView;
use crate::app::vendors::VendorView;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new().route("/inventory/stores/{id}/items", get(items))
}

/// The filters as the form sends them: every field text, so a bad one is named, not refused by
/// the framework.
#[derive(Debug, Clone, Default, Deserialize)]
struct ItemsForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    differs: Option<String>,
    #[serde(default)]
    after: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "inventory/items.html")]
struct ItemsPage {
    signed_in: bool,
    store: StoreView,
    vendors: Vec<VendorView>,
    form: ItemsForm,
    page: ItemStockPage,
    /// Why the filters were refused.
    problems: Vec<String>,
}

impl ItemsPage {
    fn differs(&self) -> bool {
        self.form.differs.is_some()
    }

    fn vendor_chosen(&self, vendor_id: &i64) -> bool {
        self.form.vendor == vendor_id.to_string()
    }

    fn at(&self, at_ms: &i64) -> String {
        super::format::utc(*at_ms)
    }

    fn level(&self, level: &Option<i64>) -> String {
        level.map_or_else(|| "—".to_owned(), |l| l.to_string())
    }

    /// The address of the page after this one, with the same filters.
    fn next_page(&self) -> Option<String> {
        let after = self.page.next_after.as_deref()?;
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("q", &self.form.q);
        query.append_pair("vendor", &self.form.vendor);
        if self.differs() {
            query.append_pair("differs", "1");
        }
        query.append_pair("after", after);
        Some(format!(
            "/inventory/stores/{}/items?{}",
            self.store.id,
            query.finish()
        ))
    }

    fn kind_words(&self, item: &ItemStock) -> &'static str {
        match item.kind {
            crate::domain::inventory::ItemKind::Variant => "variant",
            crate::domain::inventory::ItemKind::Product => "product (stock tracked as a whole)",
        }
    }
}

async fn items(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    Query(form): Query<ItemsForm>,
) -> Result<Response, PageError> {
    let store = app.store(store_id).await?;
    let vendors = app.list_vendors().await?;
    let empty = ItemStockPage {
        items: Vec::new(),
        next_after: None,
        scanned: 0,
    };
    let vendor_id = match form.vendor.trim() {
        "" => Ok(None),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|id| vendors.iter().any(|v| v.id == *id))
            .map(Some)
            .ok_or_else(|| "Choose a vendor from the list".to_owned()),
    };
    let outcome = match vendor_id {
        Err(problem) => Err(vec![problem]),
        Ok(vendor_id) => {
            let query = ItemStockQuery {
                q: Some(form.q.clone()),
                vendor_id,
                differs: form.differs.is_some(),
                after: Some(form.after.clone()),
                limit: None,
            };
            match app.inventory_items(store_id, &query).await {
                Ok(page) => Ok(page),
                Err(AppError::Invalid(errors)) => {
                    Err(errors.iter().map(|e| e.message.clone()).collect())
                }
                Err(other) => return Err(other.into()),
            }
        }
    };
    let (page, problems, status) = match outcome {
        Ok(page) => (page, Vec::new(), StatusCode::OK),
        Err(problems) => (empty, problems, StatusCode::UNPROCESSABLE_ENTITY),
    };
    Ok((
        status,
        ItemsPage {
            signed_in: true,
            store,
            vendors,
            form,
            page,
            problems,
        },
    )
        .into_response())
}
