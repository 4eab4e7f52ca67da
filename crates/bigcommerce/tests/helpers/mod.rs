//! Shared set-up: a wiremock server standing in for api.bigcommerce.com and a client aimed at it.

use std::time::Duration;

use bigcommerce::{BigCommerce, ClientConfig, StoreClient};
use secrecy::SecretString;
use wiremock::MockServer;

pub const STORE_HASH: &str = "abc123";
pub const TOKEN: &str = "tok-s3cr3t-0123456789";
pub const USER_AGENT: &str = "wharf-tests/0.0 (+https://example.invalid)";

pub struct TestApi {
    pub server: MockServer,
    pub bc: BigCommerce,
    pub store: StoreClient,
}

impl TestApi {
    /// Path of a store resource as the client must request it.
    pub fn path(&self, rest: &str) -> String {
        format!("/stores/{STORE_HASH}/{rest}")
    }

    pub async fn requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }
}

/// A client with millisecond backoffs so retry tests stay fast.
pub async fn spawn_api() -> TestApi {
    spawn_api_with(|_| {}).await
}

pub async fn spawn_api_with(adjust: impl FnOnce(&mut ClientConfig)) -> TestApi {
    let server = MockServer::start().await;
    let mut config = ClientConfig::new(USER_AGENT);
    config.api_base = server.uri().parse().expect("mock server URI");
    config.retry_base_delay = Duration::from_millis(10);
    adjust(&mut config);
    let bc = BigCommerce::new(config).expect("valid config");
    let store = bc.store(STORE_HASH, SecretString::from(TOKEN));
    TestApi { server, bc, store }
}

/// Rate-limit headers as BigCommerce sends them.
pub fn rate_headers(
    template: wiremock::ResponseTemplate,
    left: u32,
    reset_ms: u64,
) -> wiremock::ResponseTemplate {
    template
        .insert_header("X-Rate-Limit-Requests-Left", left.to_string().as_str())
        .insert_header("X-Rate-Limit-Requests-Quota", "150")
        .insert_header("X-Rate-Limit-Time-Reset-Ms", reset_ms.to_string().as_str())
        .insert_header("X-Rate-Limit-Time-Window-Ms", "30000")
}
