//! `/vendor/stock`: the vendor's stock as the portal shows it — when it was last fresh, a
//! stock file upload (the vendor API's `/stock/csv` use case, `App::import_stock_csv`), every
//! SKU it reported with what it is to the stores, a page at a time and searchable, and its
//! feeds (`feeds.rs` takes their forms).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::brand::PortalBrand;
use super::error::PortalError;
use super::feed_form::FeedForm;
use super::session::PortalUser;
use super::words;
use crate::app::App;
use crate::app::error::AppError;
use crate::app::inventory::StockImportReport;
use crate::app::inventory::reported::{ReportedLevel, ReportedStockPage, StockFreshness};
use crate::app::inventory::routed::SkuFate;
use crate::db::inventory::{Feed, ReportedStockCursor};
use crate::domain::{FieldError, FieldErrors};

/// Which of the page's forms was just sent, so its answer shows beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StockForm {
    Upload,
    NewFeed,
    Feed(i64),
}

#[derive(Debug, Clone, Default, Deserialize)]
pub(super) struct StockQuery {
    #[serde(default)]
    pub q: String,
    /// The next page starts after this warehouse's…
    #[serde(default)]
    pub after_w: Option<String>,
    /// …SKU.
    #[serde(default)]
    pub after_sku: Option<String>,
}

impl StockQuery {
    fn after(&self) -> Option<ReportedStockCursor> {
        let warehouse = self.after_w.as_deref()?.trim().parse().ok()?;
        Some((warehouse, self.after_sku.clone().unwrap_or_default()))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/stock.html")]
pub(super) struct StockPage {
    brand: PortalBrand,
    signed_in: bool,
    freshness: StockFreshness,
    search: String,
    reported: ReportedStockPage,
    feeds: Vec<Feed>,
    /// The form just sent, with its answer: a message, what went wrong, a file's report.
    pub answered: Option<StockForm>,
    pub message: Option<String>,
    pub errors: FieldErrors,
    pub report: Option<StockImportReport>,
    pub kept_csv: String,
    /// A refused feed form's fields as sent.
    pub kept_feed: FeedForm,
}

impl StockPage {
    pub async fn load(
        app: &App,
        user: &PortalUser,
        query: &StockQuery,
    ) -> Result<Self, PortalError> {
        Ok(StockPage {
            brand: super::brand::current(),
            signed_in: true,
            freshness: app.vendor_stock_freshness(user.vendor_id).await?,
            search: query.q.trim().to_owned(),
            reported: app
                .vendor_reported_stock(user.vendor_id, &query.q, query.after().as_ref())
                .await?,
            feeds: app.feeds(Some(user.vendor_id)).await?,
            answered: None,
            message: None,
            errors: FieldErrors::default(),
            report: None,
            kept_csv: String::new(),
            kept_feed: Default::default(),
        })
    }

    fn answers(&self, form: StockForm) -> bool {
        self.answered == Some(form)
    }

    fn answers_feed(&self, feed_id: &i64) -> bool {
        self.answered == Some(StockForm::Feed(*feed_id))
    }

    /// An error of the form just sent.
    fn error(&self, form: StockForm, field: &str) -> Option<&str> {
        self.answers(form)
            .then(|| self.errors.for_field(field))
            .flatten()
    }

    fn feed_error(&self, feed_id: &i64, field: &str) -> Option<&str> {
        self.error(StockForm::Feed(*feed_id), field)
    }

    /// A feed's edit form: as sent when it was just refused, else the stored feed.
    fn feed_form(&self, feed: &Feed) -> FeedForm {
        if self.answers_feed(&feed.id) && !self.errors.is_empty() {
            self.kept_feed.clone()
        } else {
            FeedForm::of(feed)
        }
    }

    /// The new feed's form: as sent when it was just refused, else empty.
    fn new_feed_form(&self) -> FeedForm {
        if self.answers(StockForm::NewFeed) && !self.errors.is_empty() {
            self.kept_feed.clone()
        } else {
            FeedForm::default()
        }
    }

    fn when(&self, at_ms: &i64) -> String {
        words::when(*at_ms)
    }

    fn fate(&self, level: &ReportedLevel) -> &'static str {
        words::sku_fate(level.fate)
    }

    /// What the SKU is in the shop, in words.
    fn shop_item(&self, level: &ReportedLevel) -> String {
        let name = level
            .product_name
            .as_deref()
            .unwrap_or("an item of the shop");
        match level.fate {
            SkuFate::Counts => name.to_owned(),
            SkuFate::NotRoutedToVendor => {
                format!("{name}: its orders go to another vendor, so this stock is not published")
            }
            SkuFate::Unmatched => "No item of the shop has this SKU".to_owned(),
        }
    }

    fn fate_class(&self, level: &ReportedLevel) -> &'static str {
        match level.fate {
            SkuFate::Counts => "routed",
            SkuFate::NotRoutedToVendor => "flag",
            SkuFate::Unmatched => "cancelled",
        }
    }

    fn staleness(&self, secs: &i64) -> String {
        words::duration(*secs)
    }

    fn interval(&self, feed: &Feed) -> String {
        words::duration(feed.interval_secs)
    }

    fn next_link(&self, cursor: &ReportedStockCursor) -> String {
        let encode =
            |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        format!(
            "/vendor/stock?q={}&after_w={}&after_sku={}#reported",
            encode(&self.search),
            cursor.0,
            encode(&cursor.1)
        )
    }

    /// The message for a row of a stock file's report, in the order the page lists them.
    fn problems(&self, report: &StockImportReport) -> Vec<String> {
        let mut problems: Vec<String> = report
            .not_routed
            .iter()
            .map(|n| n.message.clone())
            .collect();
        problems.extend(report.unmatched_capped.iter().map(|c| c.message.clone()));
        problems
    }
}

pub(super) async fn page(
    State(app): State<App>,
    user: PortalUser,
    Query(query): Query<StockQuery>,
) -> Result<Response, PortalError> {
    Ok(StockPage::load(&app, &user, &query).await?.into_response())
}

#[derive(Deserialize)]
pub(super) struct UploadForm {
    #[serde(default)]
    csv: String,
}

/// A stock file of the user's vendor: the rows that worked are applied, the others reported by
/// line beside the form; a file broken as a whole changes nothing and says why.
pub(super) async fn upload(
    State(app): State<App>,
    user: PortalUser,
    Form(form): Form<UploadForm>,
) -> Result<Response, PortalError> {
    let outcome = app.import_stock_csv(user.vendor_id, &form.csv, None).await;
    let mut page = StockPage::load(&app, &user, &StockQuery::default()).await?;
    page.answered = Some(StockForm::Upload);
    page.kept_csv = form.csv;
    match outcome {
        Ok(report) => {
            page.message = Some(format!(
                "{} stock level(s) applied; {} row(s) not applied.",
                report.applied,
                report.errors.len()
            ));
            page.report = Some(report);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = FieldErrors(
                errors
                    .iter()
                    .map(|e| FieldError::new("csv", e.message.clone()))
                    .collect(),
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
