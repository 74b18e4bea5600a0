//! The built-in Greenhouse simulator: Harvest v3 (OAuth token endpoint,
//! cursor-paginated lists of the 22 mirrored resources) and the Harvest v1
//! endpoints the sync reads, served over real HTTP from one deterministic
//! in-memory dataset, plus an admin API under `/_simulator/`.
//!
//! It behaves as `shared/harvest/V3.md` and `README.md` document Greenhouse:
//! auth and scopes, pagination and filters, 422 bodies, expiring (and, when
//! configured, revoked) tokens, per-credential fixed-window rate limits with
//! `X-RateLimit-*` headers and 429s, injected faults (5xx and dropped
//! connections) and data changes with signed webhooks. `trellis simulator`,
//! demo mode, the integration tests and the benchmarks use it.
//!
//! Simplifications: confidential jobs are visible to every token (Greenhouse
//! restricts them to their hiring team); a token without `sub` acts as an
//! integration service user allowed to list everything; `granted_scopes`
//! applies to v3 only (a v1 key may read every v1 endpoint); v1 department
//! and office lists ignore `render_as=tree`.

mod admin;
mod basics;
mod changes;
mod generate;
mod limits;
mod people;
mod pools;
mod render;
mod rng;
mod tables;
mod v1;
mod v3;
mod webhooks;

#[cfg(test)]
mod client_tests;
#[cfg(test)]
mod http_tests;
#[cfg(test)]
mod schema_check;
#[cfg(test)]
mod tests;

pub use changes::{ChangeReport, ChangeSet, StageMove};
pub use limits::{RateLimit, SimulatorStats};

use app::{domain::Resource, ssr::entities::greenhouse::Records};
use axum::{
    Router,
    http::StatusCode,
    middleware,
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize};
use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard},
    time::Duration,
};
use url::Url;

/// How much data the simulator generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// ≈ 60 candidates, 8 jobs, 25 users.
    Small,
    /// ≈ 2,000 candidates, 60 jobs, 150 users.
    Medium,
    /// ≈ 50,000 candidates, 400 jobs, 1,500 users.
    Large,
}

impl std::str::FromStr for Size {
    type Err = String;

    fn from_str(value: &str) -> Result<Size, String> {
        match value.to_ascii_lowercase().as_str() {
            "small" => Ok(Size::Small),
            "medium" => Ok(Size::Medium),
            "large" => Ok(Size::Large),
            other => Err(format!(
                "unknown size {other:?}: expected small, medium or large"
            )),
        }
    }
}

impl std::fmt::Display for Size {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        })
    }
}

/// Where the simulator posts Greenhouse-style webhooks, and the secret it
/// signs them with.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// Where to POST (any http or https URL).
    pub url: String,
    /// The key of the `Signature` HMAC.
    pub secret: String,
}

impl std::fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("secret", &"…")
            .finish()
    }
}

/// Another v3 OAuth credential of the simulated account.
#[derive(Clone, PartialEq, Eq)]
pub struct ExtraClient {
    pub client_id: String,
    pub client_secret: String,
    /// The scopes it was granted; the other v3 lists answer 403.
    pub granted_scopes: Vec<String>,
}

impl ExtraClient {
    /// The client id of [`ExtraClient::limited`].
    pub const LIMITED_ID: &str = "trellis-limited";
    /// The scopes [`ExtraClient::limited`] lacks.
    pub const LIMITED_MISSING: [Resource; 2] = [Resource::Offers, Resource::Interviews];

    /// `trellis-limited` (secret `simulator-secret`): every scope Trellis
    /// needs except `harvest:offers:list` and `harvest:interviews:list`, as
    /// when a Greenhouse admin forgets two boxes while creating a credential.
    pub fn limited() -> ExtraClient {
        ExtraClient {
            client_id: Self::LIMITED_ID.to_owned(),
            client_secret: "simulator-secret".to_owned(),
            granted_scopes: Resource::ALL
                .into_iter()
                .filter(|r| !Self::LIMITED_MISSING.contains(r))
                .map(Resource::v3_scope)
                .collect(),
        }
    }
}

impl std::fmt::Debug for ExtraClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtraClient")
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("granted_scopes", &self.granted_scopes)
            .finish()
    }
}

/// Everything about a simulator that is fixed when it starts (fault rate and
/// rate limit can be changed later).
#[derive(Clone)]
pub struct SimulatorConfig {
    /// How much data to generate.
    pub size: Size,
    /// The dataset is a pure function of `size` and `seed`.
    pub seed: u64,
    /// The v3 OAuth client credential.
    pub client_id: String,
    pub client_secret: String,
    /// The v1 API key (HTTP Basic user name, blank password).
    pub api_key: String,
    /// `None`: every `harvest:<resource>:list` scope; `Some`: only these, and
    /// the other v3 lists answer 403 naming the missing scope.
    pub granted_scopes: Option<Vec<String>>,
    /// Further v3 credentials of the same account, each with its own scopes,
    /// so that a missing scope can be tried next to a working credential.
    pub extra_clients: Vec<ExtraClient>,
    /// Lifetime of v3 access tokens.
    pub token_ttl: Duration,
    /// Fixed-window limit per credential; `None`: unlimited (the headers still
    /// come, with a large limit and Greenhouse's windows: 30 s v3, 10 s v1).
    pub rate_limit: Option<RateLimit>,
    /// Probability (0–1) that a list request fails: half with a 500/502/503,
    /// half with a connection dropped mid-body.
    pub fault_rate: f64,
    /// A new token revokes the credential's older ones.
    pub single_active_token: bool,
    /// Where to post webhooks for changes made through [`Simulator::apply_changes`].
    pub webhook: Option<WebhookTarget>,
    /// Moves every interview by this much (whole weeks keep weekdays), so
    /// that a demo's scheduled interviews lie ahead of today rather than
    /// around the dataset's fixed epoch. Zero for tests and benchmarks.
    pub schedule_shift: chrono::TimeDelta,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            size: Size::Small,
            seed: 1,
            client_id: "trellis-simulator".to_owned(),
            client_secret: "simulator-secret".to_owned(),
            api_key: "simulator-api-key".to_owned(),
            granted_scopes: None,
            extra_clients: vec![ExtraClient::limited()],
            token_ttl: Duration::from_secs(3600),
            rate_limit: None,
            fault_rate: 0.0,
            single_active_token: false,
            webhook: None,
            schedule_shift: chrono::TimeDelta::zero(),
        }
    }
}

/// The whole weeks from the dataset's epoch to the first moment at or after
/// `now`: the shift that puts the dataset's scheduled interviews (which lie
/// after its epoch) ahead of `now`.
pub fn weeks_until(now: chrono::DateTime<chrono::Utc>) -> chrono::TimeDelta {
    let week = chrono::TimeDelta::weeks(1);
    let behind = now - basics::epoch();
    if behind <= chrono::TimeDelta::zero() {
        return chrono::TimeDelta::zero();
    }
    let weeks = (behind.num_seconds() + week.num_seconds() - 1) / week.num_seconds();
    chrono::TimeDelta::weeks(weeks)
}

/// Moves every interview's times by `shift`.
fn shift_schedule(tables: &mut tables::Tables, shift: chrono::TimeDelta) {
    if shift.is_zero() {
        return;
    }
    for interview in &mut tables.interviews {
        for at in [
            &mut interview.starts_at,
            &mut interview.ends_at,
            &mut interview.scheduled_at,
            &mut interview.created_at,
            &mut interview.updated_at,
        ] {
            *at = at.map(|t| t + shift);
        }
        for day in [
            &mut interview.all_day_start_on,
            &mut interview.all_day_end_on,
        ] {
            *day = day.map(|d| d + shift);
        }
    }
}

impl std::fmt::Debug for SimulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimulatorConfig")
            .field("size", &self.size)
            .field("seed", &self.seed)
            .field("client_id", &self.client_id)
            .field("client_secret", &"…")
            .field("api_key", &"…")
            .field("granted_scopes", &self.granted_scopes)
            .field("extra_clients", &self.extra_clients)
            .field("token_ttl", &self.token_ttl)
            .field("rate_limit", &self.rate_limit)
            .field("fault_rate", &self.fault_rate)
            .field("single_active_token", &self.single_active_token)
            .field("webhook", &self.webhook)
            .finish()
    }
}

/// The dataset and what changes it.
struct Data {
    tables: tables::Tables,
    /// Change sets applied so far (each picks its rows from its number).
    changes: u64,
    /// The `updated_at` of the last change, so the next one is later.
    last_change: Option<chrono::DateTime<chrono::Utc>>,
}

struct Inner {
    config: SimulatorConfig,
    data: RwLock<Data>,
    site_admin: i64,
    tokens: Mutex<v3::Tokens>,
    limiter: limits::Limiter,
    faults: limits::Faults,
    stats: limits::Stats,
    webhooks: Option<webhooks::Sender>,
}

/// A simulated Greenhouse account. Cheap to clone: clones share the dataset.
#[derive(Clone)]
pub struct Simulator {
    inner: Arc<Inner>,
}

/// A simulator serving on a loopback port. Dropping it leaves the server
/// running (for as long as the runtime lives); [`RunningSimulator::stop`]
/// shuts it down.
#[derive(Debug)]
pub struct RunningSimulator {
    /// `http://127.0.0.1:PORT/`: append `v3/…`, `v1/…`, `_simulator/…`.
    pub base_url: Url,
    /// `base_url` + `token`.
    pub token_url: Url,
    /// The bound address (the port chosen when 0 was asked for).
    pub addr: SocketAddr,
    shutdown: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl RunningSimulator {
    /// Stops accepting connections, lets in-flight requests finish and waits
    /// for the server task to end.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

impl Simulator {
    /// Generates the dataset (a few seconds for [`Size::Large`]).
    pub fn new(config: SimulatorConfig) -> Simulator {
        let mut tables = generate::dataset(config.size, config.seed);
        shift_schedule(&mut tables, config.schedule_shift);
        let site_admin = tables
            .users
            .iter()
            .find(|u| u.site_admin && !u.deactivated)
            .map_or(0, |u| u.id);
        let inner = Inner {
            data: RwLock::new(Data {
                tables,
                changes: 0,
                last_change: None,
            }),
            site_admin,
            tokens: Mutex::new(v3::Tokens::default()),
            limiter: limits::Limiter::new(config.rate_limit),
            faults: limits::Faults::new(config.fault_rate, config.seed),
            stats: limits::Stats::default(),
            webhooks: config.webhook.clone().map(webhooks::Sender::new),
            config,
        };
        Simulator {
            inner: Arc::new(inner),
        }
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &SimulatorConfig {
        &self.inner.config
    }

    /// The scopes of v3 client `client_id`: `Some(None)` every scope,
    /// `Some(Some(list))` only those, `None` an unknown client.
    fn scopes_of(&self, client_id: &str) -> Option<Option<&[String]>> {
        let config = &self.inner.config;
        if client_id == config.client_id {
            return Some(config.granted_scopes.as_deref());
        }
        config
            .extra_clients
            .iter()
            .find(|c| c.client_id == client_id)
            .map(|c| Some(c.granted_scopes.as_slice()))
    }

    /// The id of an active site admin, the `sub` to request v3 tokens as.
    pub fn site_admin_user_id(&self) -> i64 {
        self.inner.site_admin
    }

    /// Every route: `/token`, `/v3/…`, `/v1/…` and `/_simulator/…`.
    pub fn router(&self) -> Router {
        let api = v3::routes()
            .merge(v1::routes())
            .route_layer(middleware::from_fn_with_state(self.clone(), limits::guard));
        Router::new()
            .route("/token", post(v3::token))
            .merge(api)
            .route("/_simulator/stats", get(admin::stats))
            .route("/_simulator/changes", post(admin::changes))
            .route("/_simulator/faults", post(admin::faults))
            .route("/_simulator/rate_limit", post(admin::rate_limit))
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(self.clone(), limits::count))
            .with_state(self.clone())
    }

    /// Serves [`Simulator::router`] on `addr` (port 0: any free port) in a
    /// tokio task, with `TCP_NODELAY` on every connection.
    pub async fn spawn(&self, addr: SocketAddr) -> std::io::Result<RunningSimulator> {
        use axum::serve::ListenerExt;
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let base_url = Url::parse(&format!("http://{addr}/")).map_err(std::io::Error::other)?;
        let token_url = base_url.join("token").map_err(std::io::Error::other)?;
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = self.router();
        let task = tokio::spawn(async move {
            let listener = listener.tap_io(|stream| {
                let _ = stream.set_nodelay(true);
            });
            let signal = async move {
                // A dropped handle is not a request to stop.
                if stopped.await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            if let Err(error) = axum::serve(listener, router)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::warn!(%error, "the Greenhouse simulator stopped serving");
            }
        });
        Ok(RunningSimulator {
            base_url,
            token_url,
            addr,
            shutdown,
            task,
        })
    }

    /// Every resource's current rows, in [`Resource::ALL`] order, as v3 lists them.
    pub fn truth(&self) -> Vec<Records> {
        self.read().tables.truth()
    }

    /// How many rows `resource` has now.
    pub fn count(&self, resource: Resource) -> usize {
        self.read().tables.len(resource)
    }

    /// Changes the data (see [`ChangeSet`]); webhooks go out in the background.
    /// A move that cannot be made refuses the whole set, which then changes
    /// nothing (the error says which move and why).
    pub fn apply_changes(&self, changes: &ChangeSet) -> Result<ChangeReport, String> {
        let (mut report, events) = {
            let mut data = self.write();
            let number = data.changes;
            let now = changes::next_stamp(data.last_change);
            let applied = changes::apply(
                &mut data.tables,
                changes,
                self.inner.config.seed,
                number,
                now,
            )?;
            data.changes += 1;
            data.last_change = Some(now);
            applied
        };
        if self.inner.webhooks.is_some() {
            report.webhooks = events.len();
            webhooks::deliver(self, events);
        }
        Ok(report)
    }

    /// Sets the share of list requests that fail (clamped to 0–1).
    pub fn set_fault_rate(&self, rate: f64) {
        self.inner.faults.set_rate(rate);
    }

    /// Replaces the rate limit (and starts every window afresh).
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.inner.limiter.set(limit);
    }

    /// Requests served, 429s, faults, tokens and webhooks so far.
    pub fn stats(&self) -> SimulatorStats {
        self.inner.stats.snapshot()
    }

    fn read(&self) -> RwLockReadGuard<'_, Data> {
        self.inner
            .data
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Data> {
        self.inner
            .data
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn tokens(&self) -> MutexGuard<'_, v3::Tokens> {
        self.inner
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// An error answer: a status and a JSON body.
struct Refusal(StatusCode, serde_json::Value);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        json_response(self.0, &self.1)
    }
}

/// A JSON response (the body is always a small literal or a rendered page).
fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(
            axum::http::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )],
        body.to_string(),
    )
        .into_response()
}

async fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &serde_json::json!({"message": "Resource not found"}),
    )
}

/// `http://<Host>`: the origin links point back to.
fn origin(headers: &axum::http::HeaderMap) -> String {
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}
