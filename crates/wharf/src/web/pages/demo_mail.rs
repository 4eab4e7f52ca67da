//! The demo's Mail page, `/mail`: every e-mail wharf sent (to the demo's catch-all), newest
//! first, and one mail with its text and its HTML (in a sandboxed frame: no script runs, and
//! the page's policy applies inside it). Only `wharf demo` routes it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;

use super::extract::Path;
use crate::app::App;
use crate::app::mail::{MailContent, MailSummary};
use crate::web::error::PageError;

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/mail", get(list))
        .route("/mail/{id}", get(show))
}

#[derive(Template, WebTemplate)]
#[template(path = "demo/mail.html")]
struct MailPage {
    signed_in: bool,
    mails: Vec<MailSummary>,
}

impl MailPage {
    fn when(&self, at_ms: &i64) -> String {
        super::format::utc(*at_ms)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "demo/mail_one.html")]
struct OneMailPage {
    signed_in: bool,
    mail: MailContent,
}

async fn list(State(app): State<App>) -> Result<impl IntoResponse, PageError> {
    Ok(MailPage {
        signed_in: true,
        mails: app.recent_mails(300).await?,
    })
}

async fn show(State(app): State<App>, Path(id): Path<i64>) -> Result<impl IntoResponse, PageError> {
    Ok(OneMailPage {
        signed_in: true,
        mail: app.mail_content(id).await?,
    })
}
