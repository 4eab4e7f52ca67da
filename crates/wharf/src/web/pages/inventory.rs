//! The Inventory page: per store, what BigCommerce refused and what the last drift check found,
//! with Push and Check buttons and a link to the store's items; per vendor, its stock terms, a
//! stock upload, unmatched SKUs and feeds (added, edited, deleted and run from here). A vendor's
//! actions answer inside the vendor's section, where the form was.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::extract::Path;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::inventory::{
    FeedEdit, FeedInput, InventoryView, NotRouted, StockImportReport, StockTermsInput,
    UnmatchedSummary,
};
use crate::app::stores::StoreView;
use crate::app::vendors::VendorView;
use crate::db::inventory::{Feed, VendorStockTerms};
use crate::domain::FieldErrors;
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/inventory", get(page))
        .route("/inventory/stores/{id}/push", post(push))
        .route("/inventory/stores/{id}/drift-check", post(drift_check))
        .route("/inventory/vendors/{id}/stock", post(upload_stock))
        .route("/inventory/vendors/{id}/terms", post(set_terms))
        .route("/inventory/vendors/{id}/feeds", post(add_feed))
        .route("/inventory/feeds/{id}", post(edit_feed))
        .route("/inventory/feeds/{id}/delete", post(delete_feed))
        .route("/inventory/feeds/{id}/run", post(run_feed))
        .route(
            "/inventory/vendors/{id}/unmatched/clear",
            post(clear_unmatched),
        )
}

struct StoreSection {
    store: StoreView,
    view: InventoryView,
}

struct VendorSection {
    vendor: VendorView,
    terms: Option<VendorStockTerms>,
    unmatched: UnmatchedSummary,
    not_routed: Vec<NotRouted>,
    feeds: Vec<Feed>,
}

#[derive(Template, WebTemplate)]
#[template(path = "inventory/index.html")]
struct InventoryPage {
    signed_in: bool,
    stores: Vec<StoreSection>,
    vendors: Vec<VendorSection>,
    /// What the last action did, and the problems it met.
    message: Option<String>,
    problems: Vec<String>,
    /// The vendor whose section the action was in: its answer is shown there.
    answer_in_vendor: Option<i64>,
    /// The stock file last submitted, kept in that vendor's form.
    kept_csv: String,
    /// The feed whose edit was refused, and why, field by field.
    feed_errors: Option<(i64, FieldErrors)>,
}

impl InventoryPage {
    async fn load(app: &App) -> Result<Self, PageError> {
        let mut stores = Vec::new();
        for store in app.list_stores().await? {
            let view = app.inventory_view(store.id).await?;
            stores.push(StoreSection { store, view });
        }
        let terms = app.stock_terms().await?;
        let mut vendors = Vec::new();
        for vendor in app.list_vendors().await? {
            vendors.push(VendorSection {
                terms: terms.iter().find(|t| t.vendor_id == vendor.id).cloned(),
                unmatched: app.unmatched_skus(vendor.id).await?,
                not_routed: app.not_routed_skus(vendor.id).await?,
                feeds: app.feeds(Some(vendor.id)).await?,
                vendor,
            });
        }
        Ok(InventoryPage {
            signed_in: true,
            stores,
            vendors,
            message: None,
            problems: Vec::new(),
            answer_in_vendor: None,
            kept_csv: String::new(),
            feed_errors: None,
        })
    }

    /// Whether the last action's answer goes in this vendor's section (else at the top).
    fn answers_in(&self, vendor_id: &i64) -> bool {
        self.answer_in_vendor == Some(*vendor_id)
    }

    /// Why the edit of this feed refused this field (the interval under either of its names).
    fn feed_error(&self, feed_id: &i64, field: &str) -> Option<String> {
        let (refused, errors) = self.feed_errors.as_ref()?;
        if refused != feed_id {
            return None;
        }
        errors
            .iter()
            .find(|e| {
                e.field == field || (field == "interval_minutes" && e.field == "interval_secs")
            })
            .map(|e| e.message.clone())
    }

    fn feed_refused(&self, feed_id: &i64) -> bool {
        self.feed_errors
            .as_ref()
            .is_some_and(|(id, _)| id == feed_id)
    }

    fn answers_at_top(&self) -> bool {
        self.answer_in_vendor.is_none()
    }

    fn when(&self, at_ms: &Option<i64>) -> String {
        at_ms.map_or_else(|| "never".to_owned(), super::format::utc)
    }

    fn at(&self, at_ms: &i64) -> String {
        self.when(&Some(*at_ms))
    }

    fn stale_after(&self, terms: &Option<VendorStockTerms>) -> String {
        terms
            .as_ref()
            .and_then(|t| t.stale_after_secs)
            .map_or_else(String::new, |s| s.to_string())
    }
}

async fn page(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    InventoryPage::load(&app).await
}

/// Renders the page with the outcome of an action; a refusal answers 422.
async fn answer(app: &App, outcome: Result<String, AppError>) -> Result<Response, PageError> {
    answer_in(app, None, outcome).await
}

/// Renders the page with the outcome of an action taken in a vendor's section, shown there.
async fn answer_in(
    app: &App,
    vendor_id: Option<i64>,
    outcome: Result<String, AppError>,
) -> Result<Response, PageError> {
    let mut page = InventoryPage::load(app).await?;
    page.answer_in_vendor = vendor_id;
    respond(page, outcome)
}

/// The page with the outcome of an action; a refusal answers 422 (409 for a conflict).
fn respond(
    mut page: InventoryPage,
    outcome: Result<String, AppError>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(message) => {
            page.message = Some(message);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.problems = errors.iter().map(|e| e.to_string()).collect();
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(AppError::Conflict(message)) => {
            page.problems = vec![message];
            Ok((StatusCode::CONFLICT, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize, Default)]
struct PushForm {
    #[serde(default)]
    full: Option<String>,
}

async fn push(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    Form(form): Form<PushForm>,
) -> Result<Response, PageError> {
    app.store(store_id).await?;
    let outcome = match app.push_inventory_now(store_id, form.full.is_some()).await {
        Ok(report) if report.busy => Err(AppError::Conflict(
            "Another push of this store is running; try again in a moment.".into(),
        )),
        Ok(report) => Ok(format!(
            "{} level(s) pushed in {} request(s); {} refused by BigCommerce.",
            report.pushed, report.requests, report.refused
        )),
        Err(e) => Err(AppError::Conflict(format!("The push stopped: {e}"))),
    };
    answer(&app, outcome).await
}

async fn drift_check(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<Response, PageError> {
    app.store(store_id).await?;
    let outcome = match app.check_drift(store_id).await {
        Ok(report) => Ok(format!(
            "{} item(s) checked; {} difference(s), repaired by the push queued now.",
            report.items_checked, report.differences
        )),
        Err(e) => Err(AppError::Conflict(format!("The check stopped: {e}"))),
    };
    answer(&app, outcome).await
}

#[derive(Deserialize)]
struct StockForm {
    csv: String,
}

async fn upload_stock(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    Form(form): Form<StockForm>,
) -> Result<Response, PageError> {
    let outcome = app.import_stock_csv(vendor_id, &form.csv, None).await;
    let mut page = InventoryPage::load(&app).await?;
    page.answer_in_vendor = Some(vendor_id);
    // Kept for the correction, whatever the answer.
    page.kept_csv = form.csv;
    match outcome {
        Ok(report) => {
            page.problems = upload_problems(&report);
            let message = format!(
                "{} stock level(s) applied; {} row(s) rejected.",
                report.applied,
                report.errors.len()
            );
            respond(page, Ok(message))
        }
        Err(e) => respond(page, Err(e)),
    }
}

/// Rejected rows by line, then the rows kept but not published, then the cap if it bit.
fn upload_problems(report: &StockImportReport) -> Vec<String> {
    let mut problems = super::format::rejected_rows(&report.errors);
    problems.extend(report.not_routed.iter().map(|n| n.message.clone()));
    problems.extend(report.unmatched_capped.iter().map(|c| c.message.clone()));
    problems
}

/// Deletes the vendor's reported SKUs that match no store item.
async fn clear_unmatched(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
) -> Result<Response, PageError> {
    let outcome = app
        .clear_unmatched_skus(vendor_id)
        .await
        .map(|n| format!("{n} unmatched stock row(s) cleared."));
    answer_in(&app, Some(vendor_id), outcome).await
}

#[derive(Deserialize)]
struct TermsForm {
    #[serde(default)]
    buffer: String,
    #[serde(default)]
    stale_after_secs: String,
    #[serde(default)]
    case_insensitive: Option<String>,
    #[serde(default)]
    strip_prefix: String,
}

async fn set_terms(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    Form(form): Form<TermsForm>,
) -> Result<Response, PageError> {
    let number = |field: &'static str, text: &str| -> Result<Option<i64>, AppError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            AppError::Invalid(crate::domain::FieldErrors(vec![
                crate::domain::FieldError::new(field, format!("{text:?} is not a whole number")),
            ]))
        })
    };
    let outcome = async {
        let input = StockTermsInput {
            buffer: number("buffer", &form.buffer)?.unwrap_or(0),
            stale_after_secs: number("stale_after_secs", &form.stale_after_secs)?,
            case_insensitive: form.case_insensitive.is_some(),
            strip_prefix: Some(form.strip_prefix.clone()),
        };
        app.set_stock_terms(vendor_id, &input).await?;
        Ok("Stock terms saved; every store is republished.".to_owned())
    }
    .await;
    answer_in(&app, Some(vendor_id), outcome).await
}

#[derive(Deserialize)]
struct FeedForm {
    url: String,
    #[serde(default)]
    interval_minutes: String,
}

async fn add_feed(
    State(app): State<App>,
    Path(vendor_id): Path<i64>,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    let interval_secs = form
        .interval_minutes
        .trim()
        .parse::<i64>()
        .ok()
        .map(|m| m * 60);
    let input = FeedInput {
        url: form.url,
        interval_secs,
        mapping: None,
    };
    let outcome = app
        .add_feed(vendor_id, &input)
        .await
        .map(|feed| format!("Feed {} added; it is fetched now.", feed.url_shown));
    answer_in(&app, Some(vendor_id), outcome).await
}

#[derive(Deserialize)]
struct FeedEditForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    interval_minutes: String,
}

/// Saves a feed's new URL (empty keeps the stored one) and interval.
async fn edit_feed(
    State(app): State<App>,
    Path(feed_id): Path<i64>,
    Form(form): Form<FeedEditForm>,
) -> Result<Response, PageError> {
    let feed = app.feed(feed_id).await?;
    let outcome = async {
        let edit = FeedEdit {
            url: Some(form.url),
            interval_secs: minutes("interval_minutes", &form.interval_minutes)?.map(|m| m * 60),
            mapping: None,
        };
        let saved = app.edit_feed(feed_id, &edit).await?;
        Ok(format!(
            "Feed {} saved: fetched every {} min, and now.",
            saved.url_shown,
            saved.interval_secs / 60
        ))
    }
    .await;
    let mut page = InventoryPage::load(&app).await?;
    page.answer_in_vendor = Some(feed.vendor_id);
    if let Err(AppError::Invalid(errors)) = &outcome {
        page.feed_errors = Some((feed_id, errors.clone()));
    }
    respond(page, outcome)
}

async fn delete_feed(
    State(app): State<App>,
    Path(feed_id): Path<i64>,
) -> Result<Response, PageError> {
    let feed = app.feed(feed_id).await?;
    let outcome = app.delete_feed(feed_id).await.map(|()| {
        format!(
            "Feed {} deleted; the stock it delivered stays until the vendor reports again.",
            feed.url_shown
        )
    });
    answer_in(&app, Some(feed.vendor_id), outcome).await
}

/// Fetches a feed now and says what it applied, or why nothing was.
async fn run_feed(State(app): State<App>, Path(feed_id): Path<i64>) -> Result<Response, PageError> {
    let feed = app.feed(feed_id).await?;
    let outcome = match app.run_feed(feed_id).await? {
        Ok(report) => Ok(format!(
            "Feed {} fetched: {} stock level(s) applied; {} row(s) rejected.",
            feed.url_shown,
            report.applied,
            report.errors.len()
        )),
        Err(message) => Err(AppError::Conflict(format!(
            "Feed {} not applied: {message}",
            feed.url_shown
        ))),
    };
    answer_in(&app, Some(feed.vendor_id), outcome).await
}

/// A whole number of minutes from a form field; empty is none.
fn minutes(field: &'static str, text: &str) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| {
        AppError::Invalid(crate::domain::FieldErrors(vec![
            crate::domain::FieldError::new(
                field,
                format!("{text:?} is not a whole number of minutes"),
            ),
        ]))
    })
}
