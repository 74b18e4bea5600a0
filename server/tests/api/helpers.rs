use app::ssr::services::organizations;
use reqwest::{Client, Response, redirect::Policy};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use server::{
    config::{Config, DatabaseUrl, LogFormat, MasterKeySource},
    db,
    secrets::MasterKey,
    startup::Application,
    sync::SyncRequests,
};
use std::sync::Once;
use tempfile::TempDir;
use url::Url;

pub const PUBLIC_URL: &str = "http://localhost:3000";
/// How long a test waits for one response: far beyond any page's time,
/// so that a response that never ends fails its test, naming the request,
/// instead of stalling the whole suite.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// The master key of every test application (random bytes, fixed so that a
/// test can open what the application sealed).
pub const TEST_MASTER_KEY: [u8; 32] = [
    0x3c, 0x91, 0x5e, 0x07, 0xd2, 0x6a, 0xb8, 0x44, 0x1f, 0xe3, 0x72, 0x0d, 0x9b, 0x58, 0xc6, 0x21,
    0xa4, 0x3f, 0x86, 0xeb, 0x10, 0x7d, 0x55, 0xc9, 0x2e, 0x93, 0x6b, 0xf0, 0x47, 0x18, 0xbd, 0x62,
];

/// A fresh, empty database for one test: a temporary SQLite file, or a new
/// PostgreSQL database next to TRELLIS_TEST_DATABASE_URL.
pub struct TestDatabase {
    pub url: DatabaseUrl,
    // Keeps the SQLite file's folder alive for the test's duration.
    _dir: TempDir,
}

impl TestDatabase {
    pub async fn fresh() -> Self {
        // reqwest is built without a default TLS crypto provider.
        server::harvest::transport::install_crypto_provider();
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = match std::env::var("TRELLIS_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.trim().is_empty() => fresh_postgres(&admin_url).await,
            _ => format!("sqlite://{}/trellis.db?mode=rwc", dir.path().display()),
        };
        Self {
            url: DatabaseUrl::parse(&url).expect("a valid test database URL"),
            _dir: dir,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.url, DatabaseUrl::Postgres { .. })
    }

    pub fn backend_name(&self) -> &'static str {
        if self.is_postgres() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

async fn fresh_postgres(admin_url: &str) -> String {
    let name = format!("trellis_t_{:016x}", rand::random::<u64>());
    let admin = Database::connect(admin_url)
        .await
        .expect("connect to TRELLIS_TEST_DATABASE_URL");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create a test database");
    admin.close().await.ok();
    let mut url = Url::parse(admin_url).expect("TRELLIS_TEST_DATABASE_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub port: u16,
    pub db: DatabaseConnection,
    pub database: TestDatabase,
    pub client: Client,
    /// The application's master key.
    pub master_key: MasterKey,
    /// Where the application's webhooks ask for syncs.
    pub sync_requests: SyncRequests,
}

fn init_test_logs() {
    static LOGS: Once = Once::new();
    LOGS.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            server::telemetry::init(LogFormat::Text);
        }
    });
}

pub fn test_config(database: &TestDatabase) -> Config {
    Config {
        database: database.url.clone(),
        public_url: Url::parse(PUBLIC_URL).expect("public URL"),
        bind_addr: "127.0.0.1:0".parse().expect("bind address"),
        site_root: std::env::temp_dir(),
        demo: false,
        log_format: LogFormat::Text,
        master_key: MasterKeySource::Inline(MasterKey::from_bytes(TEST_MASTER_KEY)),
        sync_interval: std::time::Duration::from_secs(300),
        full_sync_interval: std::time::Duration::from_secs(86_400),
        smtp_url: None,
    }
}

/// Starts the application on a random port over a fresh, migrated database.
pub async fn spawn_app() -> TestApp {
    init_test_logs();
    let database = TestDatabase::fresh().await;
    let config = test_config(&database);
    let db = db::connect(&database.url)
        .await
        .expect("open the test database");
    db::migrate(&db).await.expect("migrate the test database");
    let application = Application::build(&config, db.clone())
        .await
        .expect("build the application");
    let port = application.local_addr().port();
    let master_key = (*application.master_key()).clone();
    let sync_requests = application.sync_requests();
    tokio::spawn(application.run_until(std::future::pending()));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        database,
        client: Client::builder()
            .redirect(Policy::none())
            .cookie_store(true)
            .timeout(REQUEST_TIMEOUT)
            .build()
            .expect("HTTP client"),
        master_key,
        sync_requests,
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET request")
    }

    /// GET `path` as if the browser had asked for `host` (a portal subdomain).
    pub async fn get_with_host(&self, path: &str, host: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.address))
            .header(reqwest::header::HOST, host)
            .send()
            .await
            .expect("GET request")
    }

    /// Calls a server function the way a hydrated page does (form-encoded POST).
    pub async fn call(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let mut request = self
            .client
            .post(format!("{}/api/{endpoint}", self.address))
            .form(form);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("POST request")
    }

    pub async fn create_org(&self, slug: &str, name: &str) {
        organizations::create(&self.db, slug, name)
            .await
            .expect("create an organization");
    }
}

/// A browser session against a test app: its own cookie jar (kept by hand,
/// so `Secure` cookies work over plain-HTTP loopback as they do in real
/// browsers on localhost), and same-origin headers on every POST.
pub struct Browser {
    pub address: String,
    client: Client,
    cookies: std::sync::Mutex<std::collections::BTreeMap<String, String>>,
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser::at(&app.address)
    }

    /// A browser for the server at `address` (`http://127.0.0.1:<port>`).
    pub fn at(address: &str) -> Browser {
        Browser {
            address: address.to_owned(),
            client: Client::builder()
                .redirect(Policy::none())
                .timeout(REQUEST_TIMEOUT)
                .build()
                .expect("HTTP client"),
            cookies: Default::default(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.lock().expect("cookie jar").get(name).cloned()
    }

    pub fn set_cookie(&self, name: &str, value: &str) {
        self.cookies
            .lock()
            .expect("cookie jar")
            .insert(name.to_owned(), value.to_owned());
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .lock()
            .expect("cookie jar")
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Stores (or, for `Max-Age=0`, removes) every cookie the response sets.
    fn keep_cookies(&self, response: &Response) {
        let mut jar = self.cookies.lock().expect("cookie jar");
        for value in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let text = value.to_str().unwrap_or_default();
            let Some((pair, attributes)) = text.split_once(';').or(Some((text, ""))) else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            if value.is_empty() || attributes.contains("Max-Age=0") {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_owned(), value.to_owned());
            }
        }
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Response {
        let cookies = self.cookie_header();
        let request = if cookies.is_empty() {
            request
        } else {
            request.header(reqwest::header::COOKIE, cookies)
        };
        let response = request.send().await.expect("HTTP request");
        self.keep_cookies(&response);
        response
    }

    pub async fn get(&self, path: &str) -> Response {
        self.send(self.client.get(format!("{}{path}", self.address)))
            .await
    }

    /// A form post from one of our own pages, without JavaScript.
    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.send(
            self.client
                .post(format!("{}{path}", self.address))
                .header("sec-fetch-site", "same-origin")
                .header(reqwest::header::ACCEPT, "text/html")
                .header(reqwest::header::REFERER, format!("{}/admin", self.address))
                .form(form),
        )
        .await
    }

    /// Calls a server function as a hydrated page does.
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> Response {
        self.send(
            self.client
                .post(format!("{}/api/{endpoint}", self.address))
                .header("sec-fetch-site", "same-origin")
                .form(form),
        )
        .await
    }
}

impl TestApp {
    /// Creates a recruiter of organization `organization_id`.
    pub async fn recruiter(
        &self,
        organization_id: i64,
        email: &str,
        role: app::domain::Role,
    ) -> app::ssr::entities::dashboard::recruiter::Model {
        app::ssr::services::recruiters::create(
            &self.db,
            app::ssr::services::recruiters::NewRecruiter {
                organization_id,
                email: email.to_owned(),
                name: None,
                role,
                greenhouse_user_id: None,
            },
        )
        .await
        .expect("create a recruiter")
    }

    /// A browser signed in as `recruiter` (the session is made directly;
    /// the sign-in flow itself has its own tests).
    pub async fn browser_signed_in_as(
        &self,
        recruiter: &app::ssr::entities::dashboard::recruiter::Model,
    ) -> Browser {
        use app::ssr::auth::{Audience, sessions};
        let raw = sessions::start(
            &self.db,
            Audience::Recruiter,
            recruiter.organization_id,
            recruiter.id,
            None,
        )
        .await
        .expect("start a session");
        let browser = Browser::new(self);
        browser.set_cookie(Audience::Recruiter.cookie_name(), &raw);
        browser
    }

    /// A browser signed in to the portal of organization `organization_id`
    /// as its Greenhouse candidate `candidate_id` (the session is made
    /// directly; candidate sign-in has its own tests).
    pub async fn candidate_browser(&self, organization_id: i64, candidate_id: i64) -> Browser {
        use app::ssr::auth::{Audience, sessions};
        let raw = sessions::start(
            &self.db,
            Audience::Candidate,
            organization_id,
            candidate_id,
            None,
        )
        .await
        .expect("start a candidate session");
        let browser = Browser::new(self);
        browser.set_cookie(Audience::Candidate.cookie_name(), &raw);
        browser
    }

    /// An organization `slug` with a signed-in recruiter of `role`.
    pub async fn signed_in(&self, slug: &str, role: app::domain::Role) -> Browser {
        let organization = organizations::create(&self.db, slug, &format!("{slug} Inc."))
            .await
            .ok();
        let organization = match organization {
            Some(organization) => organization,
            None => organizations::find_by_slug(&self.db, slug)
                .await
                .expect("read the organization")
                .expect("the organization exists"),
        };
        let email = format!("{}.{slug}@example.com", role.as_str());
        let recruiter = self.recruiter(organization.id, &email, role).await;
        self.browser_signed_in_as(&recruiter).await
    }
}

/// The nonce in a Content-Security-Policy header value.
pub fn nonce_of(csp: &str) -> String {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_default()
        .to_owned()
}

pub async fn text(response: Response) -> String {
    response.text().await.expect("response body")
}
