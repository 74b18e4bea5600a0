//! The Integrations page: the Greenhouse connection (test, save), webhooks,
//! "Sync now", live sync progress and the history of runs.
//!
//! Stored secrets never travel back to the browser: an admin sees the last
//! four characters of the client secret or API key, and the webhook secret
//! (which they must paste into Greenhouse). Viewers and editors see the
//! status and the history only.

use crate::domain::Resource;
#[cfg(feature = "ssr")]
use crate::domain::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Greenhouse's API host root (Harvest v3 and v1).
pub const DEFAULT_BASE_URL: &str = "https://harvest.greenhouse.io";
/// Greenhouse's Harvest v3 OAuth token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.greenhouse.io/token";
/// How many runs the history shows.
pub const HISTORY_LENGTH: u64 = 20;
/// The field of the error listing missing scopes or permissions: its
/// message is a sentence, then one missing name per line.
pub const ACCESS_FIELD: &str = "access";

/// What the connection form posts. Empty strings mean "not given"; an empty
/// secret or key keeps the stored one when the version is unchanged.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConnectionForm {
    /// `v3` or `v1`.
    pub api_version: String,
    pub client_id: String,
    pub client_secret: String,
    /// The Greenhouse user id sent as the v3 token's `sub`.
    pub user_id: String,
    pub api_key: String,
    /// Empty: Greenhouse's own host.
    pub base_url: String,
    /// Empty: Greenhouse's own token endpoint.
    pub token_url: String,
}

impl std::fmt::Debug for ConnectionForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let given = |secret: &str| if secret.is_empty() { "" } else { "…" };
        f.debug_struct("ConnectionForm")
            .field("api_version", &self.api_version)
            .field("client_id", &self.client_id)
            .field("client_secret", &given(&self.client_secret))
            .field("user_id", &self.user_id)
            .field("api_key", &given(&self.api_key))
            .field("base_url", &self.base_url)
            .field("token_url", &self.token_url)
            .finish()
    }
}

/// A connection test that passed (and, when asked, the saved connection).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionOutcome {
    /// Whether the credentials were stored.
    pub saved: bool,
    pub api_version: String,
    /// One sentence for the page.
    pub message: String,
}

/// "Sync now" was accepted: the run has started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStarted {
    /// The run, when it had started by the time the answer left.
    pub run_id: Option<i64>,
    /// `incremental` or `full`.
    pub kind: String,
}

/// The stored connection, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionView {
    /// `v3` or `v1`.
    pub api_version: String,
    pub base_url: String,
    /// `ok` or `invalid`.
    pub status: String,
    /// What Greenhouse said when it refused the credential.
    pub status_message: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Admins only from here on.
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub user_id: Option<i64>,
    /// `••••abcd`: the last four characters of the client secret or API key.
    pub secret_hint: Option<String>,
}

/// Where one resource stands in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceState {
    Done,
    Current,
    Pending,
}

/// Rows of one resource read (and deleted) by a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceProgress {
    pub resource: Resource,
    pub fetched: u64,
    pub deleted: u64,
    pub state: ResourceState,
}

impl ResourceProgress {
    /// "job posts".
    pub fn label(&self) -> String {
        self.resource.name().replace('_', " ")
    }
}

/// One sync run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunView {
    pub id: i64,
    /// `full` or `incremental`.
    pub kind: String,
    /// `schedule`, `webhook`, `dashboard` or `cli`.
    pub trigger: String,
    /// `running`, `completed`, `failed`, `abandoned`, or `stalled` (still
    /// marked running, but its process stopped renewing the lease).
    pub status: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub duration_ms: Option<i64>,
    pub requests: i64,
    pub records: i64,
    pub deleted: u64,
    pub error: Option<String>,
    /// The resource a running sync is reading.
    pub current_resource: Option<Resource>,
    /// Every resource while running; those the run read once finished.
    pub resources: Vec<ResourceProgress>,
}

impl RunView {
    pub fn is_running(&self) -> bool {
        self.status == "running"
    }

    /// Resources finished by a running sync.
    pub fn done_count(&self) -> usize {
        self.resources
            .iter()
            .filter(|r| r.state == ResourceState::Done)
            .count()
    }
}

/// Everything the Integrations page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrationsView {
    /// Whether the signed-in recruiter may change the connection (admin).
    pub can_manage: bool,
    pub connection: Option<ConnectionView>,
    /// Admins only: where Greenhouse posts web hooks.
    pub webhook_url: Option<String>,
    /// Admins only, once connected: the key Greenhouse signs them with.
    pub webhook_secret: Option<String>,
    /// When the last completed sync finished.
    pub data_as_of: Option<DateTime<Utc>>,
    /// The latest runs, newest first.
    pub history: Vec<RunView>,
    /// Every run of the organization.
    pub total_runs: u64,
    /// When the server read this.
    pub checked_at: DateTime<Utc>,
}

impl IntegrationsView {
    /// The run in progress, if any.
    pub fn running(&self) -> Option<&RunView> {
        self.history.first().filter(|run| run.is_running())
    }
}

/// What the page polls while a sync runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    /// The latest run, running or not.
    pub latest: Option<RunView>,
    pub data_as_of: Option<DateTime<Utc>>,
    pub checked_at: DateTime<Utc>,
}

/// Splits the message of an [`ACCESS_FIELD`] error into its sentence and the
/// missing scopes or permissions.
pub fn missing_access(error: &AppError) -> Option<(String, Vec<String>)> {
    if error.field() != Some(ACCESS_FIELD) {
        return None;
    }
    let message = error.to_string();
    let mut lines = message.lines();
    let intro = lines.next()?.to_owned();
    Some((intro, lines.map(str::to_owned).collect()))
}

/// The Integrations page's data.
#[server(endpoint = "get_integrations")]
pub async fn get_integrations() -> Result<IntegrationsView, AppError> {
    use crate::ssr::{services::integrations, with_recruiter};
    with_recruiter(
        Role::Viewer,
        "viewing integrations",
        |state, me| async move { integrations::view(&state, &me).await },
    )
    .await
}

/// The latest run, for the live progress display (read only).
#[server(endpoint = "get_sync_progress")]
pub async fn get_sync_progress() -> Result<SyncProgress, AppError> {
    use crate::ssr::{services::integrations, with_recruiter};
    with_recruiter(
        Role::Viewer,
        "viewing sync progress",
        |state, me| async move { integrations::progress(&state.db, me.organization_id()).await },
    )
    .await
}

/// Tests Greenhouse credentials (`intent` = `test`), or tests and then
/// stores them (`save`). A failed test stores nothing and names what is
/// wrong: the field concerned, or every missing scope or permission.
#[server(endpoint = "connect_greenhouse")]
pub async fn connect_greenhouse(
    form: ConnectionForm,
    intent: String,
) -> Result<ConnectionOutcome, AppError> {
    use crate::ssr::with_recruiter;
    let result = with_recruiter(
        Role::Admin,
        "changing the Greenhouse connection",
        |state, me| async move {
            match intent.as_str() {
                "test" => {
                    state
                        .greenhouse
                        .test_connection(me.organization_id(), form)
                        .await
                }
                "save" => {
                    state
                        .greenhouse
                        .save_connection(me.organization_id(), form)
                        .await
                }
                _ => Err(AppError::invalid(
                    "intent",
                    "Choose “Test connection” or “Save”",
                )),
            }
        },
    )
    .await;
    crate::ssr::context::after_plain_form_post(&result, |outcome| {
        let done = if outcome.saved { "saved" } else { "tested" };
        format!(
            "/admin/integrations?connection={done}&api={}#connection",
            outcome.api_version
        )
    });
    result
}

/// "Sync now": starts an incremental sync (`kind` = `full`: a full one) at
/// once, unless one is already running.
#[server(endpoint = "sync_greenhouse")]
pub async fn sync_greenhouse(kind: String) -> Result<SyncStarted, AppError> {
    use crate::ssr::with_recruiter;
    let result = with_recruiter(Role::Admin, "starting a sync", |state, me| async move {
        let full = match kind.as_str() {
            "full" => true,
            "incremental" | "" => false,
            _ => {
                return Err(AppError::invalid(
                    "kind",
                    "Choose an incremental or a full sync",
                ));
            }
        };
        state
            .greenhouse
            .start_sync(me.organization_id(), full)
            .await
    })
    .await;
    crate::ssr::context::after_plain_form_post(&result, |_| {
        "/admin/integrations?sync=started#sync".to_owned()
    });
    result
}
