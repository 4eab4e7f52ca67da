//! `/stores/{id}/rules`: a store's routing rules in the order they are tried, with how many
//! variants each decides; each rule's vendor or key changed in its row, removed after a
//! confirm step, and the store's default chosen. Rule ids appear only in addresses and forms.

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
use crate::app::assignments::{RuleChange, RuleView};
use crate::app::error::AppError;
use crate::app::stores::StoreView;
use crate::app::vendors::{AssignmentInput, VendorView};
use crate::web::error::{PageError, WebError};

pub(super) fn routes() -> Router<App> {
    Router::new()
        .route("/stores/{id}/rules", get(rules))
        .route("/stores/{id}/rules/default", post(set_default))
        .route("/stores/{id}/rules/{rule}", post(edit_rule))
        .route("/stores/{id}/rules/{rule}/delete", post(remove_rule))
}

#[derive(Template, WebTemplate)]
#[template(path = "rules/index.html")]
struct RulesPage {
    signed_in: bool,
    store: StoreView,
    rules: Vec<RuleView>,
    vendors: Vec<VendorView>,
    message: Option<String>,
    errors: Vec<String>,
    /// The rule the operator asked to remove, awaiting confirmation.
    confirm_remove: Option<RuleView>,
}

impl RulesPage {
    async fn load(app: &App, store_id: i64) -> Result<Self, PageError> {
        Ok(RulesPage {
            signed_in: true,
            store: app.store(store_id).await?,
            rules: app.list_assignment_rules(store_id).await?,
            vendors: app.list_vendors().await?,
            message: None,
            errors: Vec::new(),
            confirm_remove: None,
        })
    }

    /// The stored rule with this id, when it is this store's: another store's rule is as
    /// unknown here as a rule that does not exist.
    fn rule(&self, id: i64) -> Result<RuleView, PageError> {
        self.rules
            .iter()
            .find(|r| r.id == Some(id))
            .cloned()
            .ok_or(PageError(WebError::NotFound))
    }

    /// The page after a change: loaded again (counts move), with what happened.
    async fn after(
        app: &App,
        store_id: i64,
        result: Result<String, AppError>,
    ) -> Result<Response, PageError> {
        let (message, errors) = match result {
            Ok(message) => (Some(message), Vec::new()),
            Err(AppError::Invalid(errors)) => {
                (None, errors.iter().map(|e| e.message.clone()).collect())
            }
            Err(other) => return Err(other.into()),
        };
        let mut page = RulesPage::load(app, store_id).await?;
        let status = if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        page.message = message;
        page.errors = errors;
        Ok((status, page).into_response())
    }
}

async fn rules(
    State(app): State<App>,
    Path(store_id): Path<i64>,
) -> Result<impl IntoResponse, PageError> {
    RulesPage::load(&app, store_id).await
}

#[derive(Deserialize)]
struct EditForm {
    vendor: String,
    #[serde(default)]
    key: String,
}

async fn edit_rule(
    State(app): State<App>,
    Path((store_id, rule_id)): Path<(i64, i64)>,
    Form(form): Form<EditForm>,
) -> Result<Response, PageError> {
    let rule = RulesPage::load(&app, store_id).await?.rule(rule_id)?;
    // A variant without a SKU shows an empty key: leave it on its variant.
    let key = Some(form.key).filter(|k| !(k.trim().is_empty() && rule.key.is_none()));
    let change = RuleChange {
        vendor: Some(form.vendor),
        key,
    };
    let result = app
        .update_assignment_rule(rule_id, &change)
        .await
        .map(|update| {
            format!(
                "Saved. {} order(s) waiting in Needs attention are routed now.",
                update.orders_routed
            )
        });
    RulesPage::after(&app, store_id, result).await
}

#[derive(Deserialize)]
struct RemoveForm {
    #[serde(default)]
    confirm: Option<String>,
}

async fn remove_rule(
    State(app): State<App>,
    Path((store_id, rule_id)): Path<(i64, i64)>,
    Form(form): Form<RemoveForm>,
) -> Result<Response, PageError> {
    let mut page = RulesPage::load(&app, store_id).await?;
    let rule = page.rule(rule_id)?;
    if form.confirm.is_none() {
        page.confirm_remove = Some(rule);
        return Ok(page.into_response());
    }
    let result = app.remove_assignment_rule(rule_id).await.map(|_| {
        format!(
            "Removed the {} rule for {}.",
            rule.rule.label(),
            rule.matches_text()
        )
    });
    RulesPage::after(&app, store_id, result).await
}

#[derive(Deserialize)]
struct DefaultForm {
    /// A vendor's name, or empty to hold unmatched lines in Needs attention.
    #[serde(default)]
    vendor: String,
}

async fn set_default(
    State(app): State<App>,
    Path(store_id): Path<i64>,
    Form(form): Form<DefaultForm>,
) -> Result<Response, PageError> {
    let rule = AssignmentInput::Default {
        vendor: form.vendor,
    };
    let result = match app.assign(store_id, &rule).await {
        Ok(()) => app.reroute_needing_attention(store_id).await.map(|routed| {
            format!("Saved. {routed} order(s) waiting in Needs attention are routed now.")
        }),
        Err(e) => Err(e),
    };
    RulesPage::after(&app, store_id, result).await
}
