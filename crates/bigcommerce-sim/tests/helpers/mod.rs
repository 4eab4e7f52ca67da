//! Shared by the integration-test binaries: start a simulator on port 0 with one store
//! and typed ways to call it.
#![allow(dead_code)] // each test binary uses a different subset

use bigcommerce_sim::{RunningSimulator, SimConfig, Simulator, StoreSpec, modify_scopes};
use reqwest::{Method, Response};
use serde_json::Value;

pub const HASH: &str = "abc123";
/// A token with every modify scope.
pub const FULL: &str = "full-token";

pub struct TestSim {
    pub running: RunningSimulator,
    pub client: reqwest::Client,
}

pub async fn spawn_sim() -> TestSim {
    spawn_sim_with(SimConfig::default()).await
}

pub async fn spawn_sim_with(config: SimConfig) -> TestSim {
    let sim = Simulator::new(config);
    sim.add_store(StoreSpec::sample(HASH));
    let scopes: Vec<&str> = modify_scopes().collect();
    sim.add_token(HASH, FULL, &scopes);
    let running = sim
        .spawn("127.0.0.1:0")
        .await
        .expect("simulator binds a free port");
    TestSim {
        running,
        client: reqwest::Client::new(),
    }
}

impl TestSim {
    pub fn sim(&self) -> &Simulator {
        &self.running.simulator
    }

    /// Adds a token for the test store with these scopes.
    pub fn token(&self, token: &str, scopes: &[&str]) -> String {
        self.sim().add_token(HASH, token, scopes);
        token.to_owned()
    }

    /// `path` relative to the test store, e.g. `/v2/store`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.store_url(HASH))
    }

    pub async fn call(
        &self,
        method: Method,
        url: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, url)
            .header("Accept", "application/json");
        if let Some(token) = token {
            req = req.header("X-Auth-Token", token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect("simulator answers")
    }

    /// GET on the test store with the full token.
    pub async fn get(&self, path: &str) -> Response {
        self.call(Method::GET, &self.url(path), Some(FULL), None)
            .await
    }

    pub async fn get_as(&self, path: &str, token: &str) -> Response {
        self.call(Method::GET, &self.url(path), Some(token), None)
            .await
    }

    pub async fn put_as(&self, path: &str, token: &str, body: &Value) -> Response {
        self.call(Method::PUT, &self.url(path), Some(token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.put_as(path, FULL, body).await
    }

    pub async fn control(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let url = format!("{}{path}", self.running.base_url);
        self.call(method, &url, None, body).await
    }
}

pub fn header(response: &Response, name: &str) -> Option<u64> {
    response.headers().get(name)?.to_str().ok()?.parse().ok()
}

pub async fn json(response: Response) -> Value {
    response.json().await.expect("JSON body")
}
