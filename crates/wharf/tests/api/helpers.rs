use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bigcommerce_sim::{
    CatalogSeed, RunningSimulator, SeededCatalog, SimConfig, Simulator, StoreSpec,
};
use secrecy::SecretString;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Connection, Executor};
use tempfile::TempDir;
use tokio::sync::oneshot;
use wharf::app::App;
use wharf::config::Settings;
use wharf::demo::WHARF_SCOPES;
use wharf::jobs::WorkerConfig;
use wharf::startup::Application;

pub const STORE_HASH: &str = "teststore1";
pub const ADMIN_USER: &str = "admin";
pub const ADMIN_PASSWORD: &str = "test-admin-password";

/// A running wharf (HTTP + workers) wired to its own simulator and its own fresh database.
pub struct TestApp {
    pub address: String,
    pub app: App,
    pub sim: RunningSimulator,
    pub store_spec: StoreSpec,
    /// A token on the simulated store with every scope wharf needs.
    pub access_token: String,
    pub database_url: String,
    pub settings: Settings,
    pub dir: TempDir,
    pub http: reqwest::Client,
    _stop: oneshot::Sender<()>,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options {
        workers: true,
        webhooks: false,
        smtp_url: None,
    })
    .await
}

/// The public URL mails link to in the mail tests: a name nothing answers at, so the webhooks
/// Connect registers there never arrive and orders come in only when a test syncs them (a
/// webhook's fetch racing a test's sync of the same order is not what these tests are about).
pub const MAIL_PUBLIC_URL: &str = "https://wharf.example.test/";

/// wharf sending its e-mail through the SMTP server at `smtp_url`, its links made with
/// [`MAIL_PUBLIC_URL`].
pub async fn spawn_app_with_mail(smtp_url: &str) -> TestApp {
    spawn_app_with(Options {
        workers: true,
        webhooks: false,
        smtp_url: Some(smtp_url.to_owned()),
    })
    .await
}

/// For tests that drive the job queue by hand: no background worker competes for the jobs.
pub async fn spawn_app_without_workers() -> TestApp {
    spawn_app_with(Options {
        workers: false,
        webhooks: false,
        smtp_url: None,
    })
    .await
}

/// wharf with a public URL, so Connect registers webhooks the simulator then delivers.
pub async fn spawn_app_with_webhooks() -> TestApp {
    spawn_app_with(Options {
        workers: true,
        webhooks: true,
        smtp_url: None,
    })
    .await
}

struct Options {
    workers: bool,
    webhooks: bool,
    smtp_url: Option<String>,
}

async fn spawn_app_with(options: Options) -> TestApp {
    capture_logs();
    // Webhooks to http://127.0.0.1 (BigCommerce itself only delivers to https on port 443).
    let simulator = Simulator::new(SimConfig {
        allow_insecure_webhook_destinations: true,
        ..SimConfig::default()
    });
    let store_spec = StoreSpec::sample(STORE_HASH);
    simulator.add_store(store_spec.clone());
    let access_token = format!("tok_{}", uuid::Uuid::new_v4().simple());
    simulator.add_token(STORE_HASH, &access_token, WHARF_SCOPES);
    let sim = simulator
        .spawn("127.0.0.1:0")
        .await
        .expect("simulator starts");

    let dir = tempfile::tempdir().expect("temp dir");
    // Bound before wharf starts, so its public URL (for webhooks) is known.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("wharf binds");
    let address = format!("http://{}", listener.local_addr().unwrap());
    let database_url = fresh_database_url(&dir).await;
    let mut settings = Settings::local(
        database_url.clone(),
        dir.path().join("wharf.key"),
        sim.base_url.parse().unwrap(),
        options.webhooks.then(|| address.parse().unwrap()),
    );
    // Test feeds are served from 127.0.0.1.
    settings.server.feed_allow_private = true;
    // Tests measure behaviour, not politeness: the whole (simulated) quota is theirs.
    settings.server.api_quota_share = 1.0;
    if let Some(url) = options.smtp_url {
        settings.server.smtp_url = Some(SecretString::from(url));
        settings.server.mail_from = Some("orders@wharf.test".to_owned());
        settings.server.public_url = Some(MAIL_PUBLIC_URL.parse().unwrap());
    }
    let app = App::open(&settings)
        .await
        .expect("wharf opens its database");
    app.ensure_admin(ADMIN_USER, Some(&SecretString::from(ADMIN_PASSWORD)))
        .await
        .unwrap();

    let server = Application::on_listener(
        app.clone(),
        listener,
        options.workers.then(test_worker_config),
    )
    .expect("wharf serves");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async move {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        address,
        app,
        sim,
        store_spec,
        access_token,
        database_url,
        settings,
        dir,
        http,
        _stop: stop,
    }
}

impl TestApp {
    /// A store form as a merchant fills it in for the simulated store.
    pub fn store_input(&self, name: &str) -> Value {
        json!({
            "name": name,
            "store_url": self.store_spec.domain,
            "store_hash": STORE_HASH,
            "client_id": "client-id-123",
            "client_secret": format!("secret_{}", uuid::Uuid::new_v4().simple()),
            "access_token": self.access_token,
            "auth_type": "private",
        })
    }

    pub async fn api_post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}/api/v1{path}", self.address))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn api_get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}/api/v1{path}", self.address))
            .basic_auth(ADMIN_USER, Some(ADMIN_PASSWORD))
            .send()
            .await
            .unwrap()
    }

    /// Adds a store through the API and returns its JSON.
    pub async fn add_store(&self, body: &Value) -> Value {
        let response = self.api_post("/stores", body).await;
        assert_eq!(response.status(), 201, "adding a store");
        response.json().await.unwrap()
    }

    pub async fn connect(&self, store_id: i64) -> Value {
        let response = self
            .api_post(&format!("/stores/{store_id}/connect"), &json!({}))
            .await;
        assert_eq!(response.status(), 200, "connecting a store");
        response.json().await.unwrap()
    }

    /// Adds and connects the simulated store through the API; returns its id.
    pub async fn connected_store(&self) -> i64 {
        let store = self.add_store(&self.store_input("Main store")).await;
        let id = store["id"].as_i64().unwrap();
        assert_eq!(self.connect(id).await["connection"]["status"], "connected");
        id
    }

    /// Fills the simulated store's catalog (deterministic: see `CatalogSeed`).
    pub fn seed_catalog(&self, products: usize, variants_per_product: usize) -> SeededCatalog {
        self.sim.simulator.seed_catalog(
            STORE_HASH,
            CatalogSeed {
                products,
                variants_per_product,
            },
        )
    }

    /// Starts an import through the API and returns the run's JSON.
    pub async fn start_import(&self, store_id: i64, mode: &str) -> Value {
        let response = self
            .api_post(
                &format!("/stores/{store_id}/imports"),
                &json!({ "mode": mode }),
            )
            .await;
        assert_eq!(response.status(), 202, "starting an import");
        response.json().await.unwrap()
    }

    /// Polls the run until it finishes (or the deadline passes) and returns its final JSON.
    pub async fn wait_for_import(&self, import_id: i64) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        loop {
            let run: Value = self
                .api_get(&format!("/imports/{import_id}"))
                .await
                .json()
                .await
                .unwrap();
            if run["status"] == "completed" || run["status"] == "failed" {
                return run;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "import {import_id} did not finish: {run:#}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A full import, run to the end; fails the test unless it completes.
    pub async fn import_all(&self, store_id: i64) -> Value {
        let run = self.start_import(store_id, "full").await;
        let run = self.wait_for_import(run["id"].as_i64().unwrap()).await;
        assert_eq!(run["status"], "completed", "{run:#}");
        run
    }

    /// A token on the simulated store with exactly these scopes.
    pub fn token_with_scopes(&self, scopes: &[&str]) -> String {
        self.token_on(STORE_HASH, scopes)
    }

    /// A token on the simulated store `store_hash` with exactly these scopes.
    pub fn token_on(&self, store_hash: &str, scopes: &[&str]) -> String {
        let token = format!("tok_{}", uuid::Uuid::new_v4().simple());
        self.sim.simulator.add_token(store_hash, &token, scopes);
        token
    }

    /// Another BigCommerce store in the simulator, and the form that adds it with a token
    /// holding every scope wharf needs: wharf takes each BigCommerce store (each hash) once.
    pub fn another_store_input(&self, name: &str, store_hash: &str) -> Value {
        let spec = StoreSpec::sample(store_hash);
        self.sim.simulator.add_store(spec.clone());
        let mut input = self.store_input(name);
        input["store_url"] = json!(spec.domain);
        input["store_hash"] = json!(store_hash);
        input["access_token"] = json!(self.token_on(store_hash, WHARF_SCOPES));
        input
    }

    /// GETs a page as the browser holding `cookie` would.
    pub async fn get_page(&self, path: &str, cookie: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.address))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
    }

    /// A signed-in session cookie, as a browser would hold it.
    pub async fn session_cookie(&self) -> String {
        let response = self
            .http
            .post(format!("{}/login", self.address))
            .form(&[
                ("username", ADMIN_USER),
                ("password", ADMIN_PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "signing in");
        let set_cookie = response.headers()["set-cookie"].to_str().unwrap();
        set_cookie.split(';').next().unwrap().to_owned()
    }

    /// The form token wharf's pages carry for this session (`csrf_token`), which every form
    /// post with the session cookie must send back.
    pub async fn form_token(&self, cookie: &str) -> String {
        let page = self
            .get_page("/dashboard", cookie)
            .await
            .text()
            .await
            .unwrap();
        let start = page
            .find("name=\"csrf_token\" value=\"")
            .expect("the page carries a form token")
            + "name=\"csrf_token\" value=\"".len();
        page[start..start + page[start..].find('"').unwrap()].to_owned()
    }

    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        match self.database_url.strip_prefix("sqlite://") {
            Some(path) => ["", "-wal", "-shm"]
                .iter()
                .map(|suffix| PathBuf::from(format!("{path}{suffix}")))
                .filter(|p| p.exists())
                .collect(),
            None => Vec::new(),
        }
    }
}

/// Workers that notice new jobs quickly, so tests wait on the work rather than the poll.
fn test_worker_config() -> WorkerConfig {
    WorkerConfig {
        poll_interval: Duration::from_millis(50),
        ..WorkerConfig::default()
    }
}

/// A database of the test's own: a SQLite file in its temp dir, or a new PostgreSQL database
/// when WHARF_TEST_POSTGRES_URL points at a server.
async fn fresh_database_url(dir: &TempDir) -> String {
    match std::env::var("WHARF_TEST_POSTGRES_URL") {
        Ok(server_url) if !server_url.is_empty() => {
            sqlx::any::install_default_drivers();
            let name = format!("wharf_test_{}", uuid::Uuid::new_v4().simple());
            let mut conn = AnyConnection::connect(&server_url)
                .await
                .unwrap_or_else(|e| {
                    panic!("WHARF_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {e}")
                });
            conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .await
                .unwrap();
            conn.close().await.unwrap();
            let mut url = url::Url::parse(&server_url).unwrap();
            url.set_path(&name);
            url.to_string()
        }
        _ => format!("sqlite://{}", dir.path().join("wharf.db").display()),
    }
}

/// Everything every test in this binary logged, at debug level, for the secrets tests to search.
pub fn captured_logs() -> String {
    String::from_utf8_lossy(&log_buffer().lock().unwrap()).into_owned()
}

fn log_buffer() -> &'static Arc<Mutex<Vec<u8>>> {
    static BUFFER: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUFFER.get_or_init(Default::default)
}

fn capture_logs() {
    static INIT: OnceLock<()> = OnceLock::new();
    INIT.get_or_init(|| {
        let buffer = log_buffer().clone();
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_ansi(false)
            .with_writer(move || LogWriter(buffer.clone()))
            .init();
    });
}

struct LogWriter(Arc<Mutex<Vec<u8>>>);

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `wharf serve` as its own process, sharing the test's database and simulator.
pub fn spawn_wharf_process(app: &TestApp, env: &[(&str, &str)]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_wharf"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("WHARF_DATABASE_URL", &app.settings.database_url)
        .env("WHARF_SECRET_KEY_FILE", app.dir.path().join("wharf.key"))
        .env("WHARF_BIGCOMMERCE_API_BASE", &app.sim.base_url)
        .env("WHARF_ADMIN_PASSWORD", ADMIN_PASSWORD)
        // A killed worker's job is taken over once its lease runs out: keep that short here.
        .env("WHARF_JOB_LEASE_SECS", "1")
        .env("WHARF_API_QUOTA_SHARE", "1")
        .env_remove("WHARF_SECRET_KEY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("wharf serve starts")
}
