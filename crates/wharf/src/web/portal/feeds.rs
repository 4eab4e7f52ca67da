//! The vendor's stock feeds on its Stock page: set one up, fix it, fetch it now, delete it —
//! the operator API's feed use cases (`app/inventory/feeds.rs`), each after
//! `App::vendor_feed` has found the feed among the user's vendor's own, so another vendor's
//! feed id is not found.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::error::PortalError;
use super::feed_form::FeedForm;
use super::path_id::parse_id;
use super::session::PortalUser;
use super::stock::{StockForm, StockPage, StockQuery};
use crate::app::App;
use crate::app::error::AppError;
use crate::app::inventory::{FeedEdit, FeedInput};
use crate::domain::{FieldError, FieldErrors};

/// The Stock page answering `form`, with `outcome`'s message or errors beside it.
async fn answer(
    app: &App,
    user: &PortalUser,
    form: StockForm,
    kept: FeedForm,
    outcome: Result<String, AppError>,
) -> Result<Response, PortalError> {
    let mut page = StockPage::load(app, user, &StockQuery::default()).await?;
    page.answered = Some(form);
    match outcome {
        Ok(message) => {
            page.message = Some(message);
            Ok(page.into_response())
        }
        Err(AppError::Invalid(errors)) => {
            page.errors = errors;
            page.kept_feed = kept;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn add(
    State(app): State<App>,
    user: PortalUser,
    Form(form): Form<FeedForm>,
) -> Result<Response, PortalError> {
    let outcome = match form.interval_secs() {
        Ok(interval_secs) => app
            .add_feed(
                user.vendor_id,
                &FeedInput {
                    url: form.url.clone(),
                    interval_secs,
                    mapping: form.mapping(None),
                },
            )
            .await
            .map(|_| "Feed set up: it is being fetched now.".to_owned()),
        Err(error) => Err(AppError::Invalid(FieldErrors(vec![error]))),
    };
    answer(&app, &user, StockForm::NewFeed, form, outcome).await
}

pub(super) async fn edit(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
    Form(form): Form<FeedForm>,
) -> Result<Response, PortalError> {
    let feed = app.vendor_feed(user.vendor_id, parse_id(&id)?).await?;
    let outcome = match form.interval_secs() {
        Ok(interval_secs) => app
            .edit_feed(
                feed.id,
                &FeedEdit {
                    url: Some(form.url.clone()),
                    interval_secs,
                    mapping: form.mapping(Some(&feed.mapping)),
                },
            )
            .await
            .map(|_| "Feed saved: it is being fetched now.".to_owned()),
        Err(error) => Err(AppError::Invalid(FieldErrors(vec![error]))),
    };
    answer(&app, &user, StockForm::Feed(feed.id), form, outcome).await
}

/// Fetches the feed now and says what it applied, or why nothing was.
pub(super) async fn run(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let feed = app.vendor_feed(user.vendor_id, parse_id(&id)?).await?;
    let outcome = match app.run_feed(feed.id).await? {
        Ok(report) => Ok(format!(
            "Fetched: {} stock level(s) applied; {} row(s) not applied.",
            report.applied,
            report.errors.len()
        )),
        Err(message) => Err(AppError::Invalid(FieldErrors(vec![FieldError::new(
            "run",
            format!("Nothing was applied: {message}"),
        )]))),
    };
    answer(
        &app,
        &user,
        StockForm::Feed(feed.id),
        FeedForm::of(&feed),
        outcome,
    )
    .await
}

pub(super) async fn delete(
    State(app): State<App>,
    user: PortalUser,
    Path(id): Path<String>,
) -> Result<Response, PortalError> {
    let feed = app.vendor_feed(user.vendor_id, parse_id(&id)?).await?;
    app.delete_feed(feed.id).await?;
    let message = format!(
        "The feed from {} is deleted. The stock it delivered stays until you report again.",
        feed.url_shown
    );
    answer(
        &app,
        &user,
        StockForm::NewFeed,
        FeedForm::default(),
        Ok(message),
    )
    .await
}
