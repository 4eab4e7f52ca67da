//! Webhooks: registering the store's order and shipment hooks (a job, like every remote write) and
//! receiving deliveries. A delivery is only a hint: the order is always re-read from the API.

use secrecy::{ExposeSecret, SecretString};

use super::App;
use super::error::{SyncError, outcome};
use super::jobs::{OrderFetch, ShipmentImport, ShipmentImportHint, WebhookRegistration};
use super::tokens::random_token;
use crate::channels::bigcommerce::webhooks::{
    HOOK_SCOPES, Hint, VENDOR_HOOK_SCOPES, ensure_hooks, parse_delivery,
};
use crate::db::{self, DbError};
use crate::jobs::JobOutcome;

pub const SECRET_PURPOSE: &str = "stores.webhook_secret";

/// What the receiver did with a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// New: stored, and the order's re-read queued.
    Accepted,
    /// The same delivery again (BigCommerce retries and duplicates): acknowledged, ignored.
    Duplicate,
    /// Not from this store's hooks: wrong or missing secret.
    Unauthenticated,
    /// Not a webhook payload.
    Malformed,
}

impl App {
    /// Where BigCommerce delivers this store's webhooks, when wharf has a public URL.
    pub fn webhook_destination(&self, store_id: i64) -> Option<String> {
        self.public_url.as_ref().map(|base| {
            format!(
                "{}/webhooks/bigcommerce/{store_id}",
                base.as_str().trim_end_matches('/')
            )
        })
    }

    /// The store's webhook secret, made on first use.
    async fn webhook_secret(&self, store_id: i64) -> Result<SecretString, DbError> {
        if let Some(sealed) = db::webhooks::secret(&self.db, store_id).await? {
            return self
                .cipher
                .open(SECRET_PURPOSE, &sealed)
                .map_err(|e| DbError::Corrupt(e.to_string()));
        }
        let secret = SecretString::from(random_token(32));
        db::webhooks::set_secret(
            &self.db,
            store_id,
            &self.cipher.seal(SECRET_PURPOSE, &secret),
        )
        .await?;
        Ok(secret)
    }

    /// Queues the registration (or re-activation) of the store's order and shipment hooks.
    pub(crate) async fn queue_webhook_registration(
        &self,
        conn: &mut sqlx::AnyConnection,
        store_id: i64,
    ) -> Result<(), DbError> {
        WebhookRegistration { store_id }.enqueue(conn).await
    }

    /// Registers (or re-activates) the store's hooks, when wharf has a public address.
    pub(crate) async fn register_webhooks(&self, store_id: i64) -> JobOutcome {
        let Some(destination) = self.webhook_destination(store_id) else {
            return JobOutcome::Done;
        };
        let result = async {
            let client = self.client_for(store_id).await?;
            let secret = self.webhook_secret(store_id).await?;
            // A vendor's own store is followed for other events than a sales store.
            let mut conn = self.db.pool().acquire().await.map_err(DbError::from)?;
            let scopes: &[&str] = match db::stores::vendor_of(&mut conn, store_id).await? {
                Some(_) => &VENDOR_HOOK_SCOPES,
                None => &HOOK_SCOPES,
            };
            drop(conn);
            let secret = secret.expose_secret();
            Ok::<_, SyncError>(ensure_hooks(&client, &destination, secret, scopes).await?)
        }
        .await;
        if let Ok(report) = &result {
            tracing::info!(store_id, ?report, "webhooks registered");
        }
        outcome(result.map(drop))
    }

    /// Takes a delivery: checks the secret, stores the event once, and queues a re-read of the
    /// order it names (collapsing with one already queued).
    pub async fn receive_webhook(
        &self,
        store_id: i64,
        secret: Option<&str>,
        body: &[u8],
    ) -> Result<Received, DbError> {
        let received = self.take_delivery(store_id, secret, body).await;
        crate::metrics::webhook_received(match &received {
            Ok(Received::Accepted) => "accepted",
            Ok(Received::Duplicate) => "duplicate",
            Ok(Received::Unauthenticated) => "unauthenticated",
            Ok(Received::Malformed) => "malformed",
            Err(_) => "error",
        });
        received
    }

    async fn take_delivery(
        &self,
        store_id: i64,
        secret: Option<&str>,
        body: &[u8],
    ) -> Result<Received, DbError> {
        let Some(sealed) = db::webhooks::secret(&self.db, store_id).await? else {
            return Ok(Received::Unauthenticated);
        };
        let expected = self
            .cipher
            .open(SECRET_PURPOSE, &sealed)
            .map_err(|e| DbError::Corrupt(e.to_string()))?;
        if !secret.is_some_and(|given| {
            constant_time_eq(given.as_bytes(), expected.expose_secret().as_bytes())
        }) {
            return Ok(Received::Unauthenticated);
        }
        let Some(event) = parse_delivery(body) else {
            return Ok(Received::Malformed);
        };
        let mut tx = self.db.begin().await?;
        let payload = String::from_utf8_lossy(body);
        if !db::webhooks::record_event(
            &mut tx,
            store_id,
            &event.scope,
            &event.hash,
            event.created_at,
            &payload,
        )
        .await?
        {
            return Ok(Received::Duplicate);
        }
        // A vendor's own store: its orders are wharf's purchase orders, not merchant orders,
        // so none of the sales-store jobs below; its hints go to the vendor-store flows.
        if let Some(vendor_id) = db::stores::vendor_of(&mut tx, store_id).await? {
            self.on_vendor_store_hint(&mut tx, store_id, vendor_id, event.hint)
                .await?;
            tx.commit().await?;
            self.wake_workers();
            return Ok(Received::Accepted);
        }
        match event.hint {
            Hint::Order { order_id } => OrderFetch { store_id, order_id }.enqueue(&mut tx).await?,
            Hint::ShipmentCreated {
                order_id,
                shipment_id,
            } => {
                let hint = ShipmentImportHint::Created(shipment_id);
                ShipmentImport::enqueue(&mut tx, store_id, order_id, hint).await?
            }
            Hint::ShipmentsChanged { order_id } => {
                let hint = ShipmentImportHint::Deleted;
                ShipmentImport::enqueue(&mut tx, store_id, order_id, hint).await?
            }
            // Sales stores register no inventory hooks: wharf writes their levels.
            Hint::Inventory { .. } | Hint::Other => {}
        }
        tx.commit().await?;
        self.wake_workers();
        Ok(Received::Accepted)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
