//! Webhook subscriptions, `/v3/hooks` (any scope; a hook only sees what its account may read).

use serde::Deserialize;

use crate::client::StoreClient;
use crate::endpoints::catalog::page_query;
use crate::endpoints::same_object;
use crate::error::BcError;
use crate::models::hook::{Hook, HookUpdate, NewHook};
use crate::paging::V3Page;

/// A single-object v3 answer: `{"data": {…}, "meta": {}}`.
#[derive(Deserialize)]
struct Single<T> {
    data: T,
}

impl StoreClient {
    /// `GET v3/hooks`: one page of this API account's hooks.
    pub async fn hooks_page(&self, page: u32, limit: u32) -> Result<V3Page<Hook>, BcError> {
        self.get_v3_page("v3/hooks", &page_query(page, limit)).await
    }

    /// Every hook of this API account, all pages.
    pub async fn all_hooks(&self) -> Result<Vec<Hook>, BcError> {
        self.collect_v3("v3/hooks", &[], |hook: &Hook| hook.id)
            .await
    }

    /// `POST v3/hooks`. Not retried after a 5xx or timeout: list the hooks before trying again
    /// (BigCommerce allows one hook per scope and destination).
    pub async fn create_hook(&self, hook: &NewHook) -> Result<Hook, BcError> {
        Ok(self
            .post_json::<_, Single<Hook>>("v3/hooks", hook)
            .await?
            .data)
    }

    /// `PUT v3/hooks/{id}`.
    pub async fn update_hook(&self, hook_id: u64, update: &HookUpdate) -> Result<Hook, BcError> {
        let path = format!("v3/hooks/{hook_id}");
        let hook = self.put_json::<_, Single<Hook>>(&path, update).await?.data;
        same_object("PUT", &path, "hook", hook_id, hook.id)?;
        Ok(hook)
    }

    /// `DELETE v3/hooks/{id}`.
    pub async fn delete_hook(&self, hook_id: u64) -> Result<(), BcError> {
        self.delete(&format!("v3/hooks/{hook_id}")).await
    }
}
