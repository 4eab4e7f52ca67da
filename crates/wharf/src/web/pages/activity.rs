//! The Activity page: recent jobs (syncs, pushes, imports) with their outcome, failed ones with
//! their error and a Retry button, filtered by store, flow, order or status.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::extract::{Path, Query};
use crate::app::App;
use crate::app::activity::JobActivity;
use crate::app::stores::StoreView;
use crate::db::jobs::{ActivityFilter, ActivityRow, JobStatus};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/activity", get(page))
        .route("/activity/jobs/{id}/retry", post(retry))
}

/// The flows a job kind belongs to (its prefix), as the filter offers them.
const FLOWS: [&str; 6] = [
    "orders",
    "shipments",
    "inventory",
    "catalog",
    "webhooks",
    "mail",
];

#[derive(Deserialize, Default)]
struct ActivityQuery {
    #[serde(default)]
    store: String,
    #[serde(default)]
    flow: String,
    #[serde(default)]
    order: String,
    #[serde(default)]
    status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "activity/index.html")]
struct ActivityPage {
    signed_in: bool,
    jobs: Vec<JobActivity>,
    stores: Vec<StoreView>,
    flows: [&'static str; 6],
    /// E-mail is off in this process: failed or waiting mails are not the server's fault.
    mail_off: bool,
    store: String,
    flow: String,
    order: String,
    status: String,
}

impl ActivityPage {
    fn when(&self, at_ms: &i64) -> String {
        super::format::utc(*at_ms)
    }

    fn store_name(&self, store_id: &Option<i64>) -> String {
        store_id
            .and_then(|id| self.stores.iter().find(|s| s.id == id))
            .map_or_else(|| "—".to_owned(), |s| s.name.clone())
    }

    fn status_of(&self, row: &ActivityRow) -> &'static str {
        row.status.as_str()
    }

    fn status_label(&self, row: &ActivityRow) -> &'static str {
        super::labels::job_status(row.status.as_str())
    }

    fn can_retry(&self, row: &ActivityRow) -> bool {
        row.status == JobStatus::Failed
    }
}

async fn page(
    State(app): State<App>,
    Query(query): Query<ActivityQuery>,
) -> Result<impl IntoResponse, PageError> {
    let filter = ActivityFilter {
        store_id: query.store.trim().parse().ok(),
        flow: FLOWS
            .iter()
            .find(|f| **f == query.flow)
            .map(|f| (*f).to_owned()),
        order_id: query.order.trim().trim_start_matches('#').parse().ok(),
        status: ["pending", "running", "done", "failed"]
            .into_iter()
            .find(|s| *s == query.status)
            .and_then(|s| match s {
                "pending" => Some(JobStatus::Pending),
                "running" => Some(JobStatus::Running),
                "done" => Some(JobStatus::Done),
                "failed" => Some(JobStatus::Failed),
                _ => None,
            }),
    };
    let jobs = app.activity(&filter, 200).await?;
    Ok(ActivityPage {
        signed_in: true,
        jobs,
        stores: app.list_stores().await?,
        flows: FLOWS,
        mail_off: !app.mail_is_on(),
        store: query.store,
        flow: query.flow,
        order: query.order,
        status: query.status,
    })
}

/// Puts a failed job back in the queue with fresh attempts.
async fn retry(State(app): State<App>, Path(id): Path<i64>) -> Result<Response, PageError> {
    app.retry_failed_job(id).await?;
    Ok(Redirect::to("/activity?status=failed").into_response())
}
