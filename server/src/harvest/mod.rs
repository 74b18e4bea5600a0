//! The Harvest API client: one trait, [`Harvest`], with a v3 implementation
//! (OAuth client credentials, cursor pagination) and a v1 one (Basic-auth API
//! key, page pagination). Both return rows in the v3 shape
//! ([`app::ssr::entities::greenhouse`]), so the sync worker does not care which
//! version an organization uses.
//!
//! A sync reads *feeds*. In v3 every feed is one resource. In v1 one endpoint
//! may carry several resources (`/v1/jobs` embeds openings and the hiring
//! team), so a feed is named by its main resource and lists what it fills.

pub mod transport;
pub mod v1;
pub mod v3;

use app::{domain::Resource, ssr::entities::greenhouse::Records};
use chrono::{DateTime, Utc};
use std::future::Future;
use url::Url;

/// Greenhouse's API host root (the client appends `/v3/…` or `/v1/…`).
pub const DEFAULT_BASE_URL: &str = app::api::integrations::DEFAULT_BASE_URL;
/// The v3 OAuth token endpoint.
pub const DEFAULT_TOKEN_URL: &str = app::api::integrations::DEFAULT_TOKEN_URL;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiVersion {
    V1,
    V3,
}

impl ApiVersion {
    pub fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V1 => "v1",
            ApiVersion::V3 => "v3",
        }
    }

    pub fn parse(value: &str) -> Option<ApiVersion> {
        match value {
            "v1" => Some(ApiVersion::V1),
            "v3" => Some(ApiVersion::V3),
            _ => None,
        }
    }
}

/// A secret string that never appears in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// Everything needed to reach one Greenhouse account.
#[derive(Clone, Debug)]
pub enum Credentials {
    V3 {
        client_id: String,
        client_secret: Secret,
        /// The Greenhouse user id sent as `sub` (a Site Admin). `None` acts as
        /// the credential's integration service user.
        user_id: Option<i64>,
        /// The token endpoint (default [`DEFAULT_TOKEN_URL`]).
        token_url: Url,
    },
    V1 {
        api_key: Secret,
    },
}

impl Credentials {
    /// The Harvest version these credentials are for.
    pub fn version(&self) -> ApiVersion {
        match self {
            Credentials::V3 { .. } => ApiVersion::V3,
            Credentials::V1 { .. } => ApiVersion::V1,
        }
    }
}

/// How the client behaves on the wire. Tests shorten the waits.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// `per_page` on first requests (Greenhouse's maximum is 500).
    pub per_page: u32,
    /// Attempts for one request before giving up on 5xx/timeouts/drops.
    pub max_attempts: u32,
    /// Base and cap of the full-jitter exponential backoff.
    pub backoff_base: std::time::Duration,
    pub backoff_cap: std::time::Duration,
    /// The longest single wait accepted from `Retry-After`/`X-RateLimit-Reset`.
    pub max_rate_limit_wait: std::time::Duration,
    /// Timeout of one HTTP request.
    pub request_timeout: std::time::Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            per_page: 500,
            max_attempts: 6,
            backoff_base: std::time::Duration::from_millis(250),
            backoff_cap: std::time::Duration::from_secs(30),
            max_rate_limit_wait: std::time::Duration::from_secs(300),
            request_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// A feed: one list endpoint (followed page by page) and the resources its
/// rows fill. Its sync cursor is kept under `key`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feed {
    pub key: Resource,
    pub resources: &'static [Resource],
    /// Whether the endpoint filters by update time; feeds that cannot are
    /// read whole on every pass (they are small reference lists).
    pub incremental: bool,
}

/// One page of a feed: rows (possibly of several resources) and the link to
/// the next page, an opaque string the client understands and the sync stores
/// so that a crash resumes where it stopped.
#[derive(Clone, Debug, Default)]
pub struct Page {
    pub records: Vec<Records>,
    pub next: Option<String>,
}

/// Why a Harvest call failed.
#[derive(Debug, thiserror::Error)]
pub enum HarvestError {
    /// 401/403: the credential is wrong, revoked, or lacks a scope/permission.
    /// The message names what is missing when Greenhouse says so.
    #[error("Greenhouse refused the credential: {message}")]
    Unauthorized { status: u16, message: String },
    /// Other 4xx (never retried), e.g. 422 for an expired cursor.
    #[error("Greenhouse answered {status} to {url}: {message}")]
    Rejected {
        status: u16,
        url: String,
        message: String,
    },
    /// 5xx, timeouts and dropped connections, after every retry.
    #[error("Greenhouse could not be reached at {url} after {attempts} attempts: {message}")]
    Unavailable {
        url: String,
        attempts: u32,
        message: String,
    },
    /// A body that is not what the documentation says.
    #[error("unexpected response from {url}: {message}")]
    Decode { url: String, message: String },
    /// A `Link` to somewhere other than the configured API host.
    #[error("refusing to follow a next-page link off the API host: {0}")]
    ForeignLink(String),
    /// The client cannot be built or used as configured (e.g. v1 credentials
    /// given to the v3 client, an unusable base URL).
    #[error("invalid Harvest client configuration: {0}")]
    Config(String),
}

impl HarvestError {
    /// Whether the credential itself is bad (the connection is marked invalid).
    pub fn is_credential_problem(&self) -> bool {
        matches!(self, HarvestError::Unauthorized { .. })
    }
}

/// A list endpoint Greenhouse refused while the credential was checked: the
/// scope (v3) or API-key permission (v1) it needs is missing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// `harvest:offers:list` (v3) or `GET: List Offers` (v1).
    pub needed: String,
    /// The resources that endpoint fills.
    pub resources: Vec<Resource>,
    /// 401 or 403.
    pub status: u16,
    /// What is missing, quoting Greenhouse's answer.
    pub message: String,
}

impl Refusal {
    /// `Ok` when nothing was refused; otherwise the credential error naming
    /// every missing scope or permission, the first one quoted in full.
    pub fn into_result(refusals: Vec<Refusal>) -> Result<(), HarvestError> {
        let mut refusals = refusals.into_iter();
        let Some(first) = refusals.next() else {
            return Ok(());
        };
        let mut also: Vec<String> = Vec::new();
        for refusal in refusals {
            if refusal.needed != first.needed && !also.contains(&refusal.needed) {
                also.push(refusal.needed);
            }
        }
        let message = if also.is_empty() {
            first.message
        } else {
            format!("{}; also missing: {}", first.message, also.join(", "))
        };
        Err(HarvestError::Unauthorized {
            status: first.status,
            message,
        })
    }
}

/// A Harvest API client for one Greenhouse account.
pub trait Harvest: Send + Sync {
    fn version(&self) -> ApiVersion;

    /// The feeds that together fill every [`Resource`], in sync order.
    fn feeds(&self) -> &'static [Feed];

    /// Checks the credential: a token can be obtained (v3), then one row of
    /// every list endpoint is asked for, carrying on past refusals. `Ok` lists
    /// the endpoints refused for a missing scope/permission (empty: all
    /// answered); `Err` is a wrong secret or key, an unreachable host, or
    /// another failure that stops the check.
    fn check_access(&self) -> impl Future<Output = Result<Vec<Refusal>, HarvestError>> + Send;

    /// [`Harvest::check_access`] as one result: the error names every
    /// missing scope/permission.
    fn verify(&self) -> impl Future<Output = Result<(), HarvestError>> + Send {
        async move { Refusal::into_result(self.check_access().await?) }
    }

    /// The first page of `feed`, with rows updated at or after `since` when
    /// given (and the feed is incremental).
    fn first_page(
        &self,
        feed: Resource,
        since: Option<DateTime<Utc>>,
    ) -> impl Future<Output = Result<Page, HarvestError>> + Send;

    /// The page a previous [`Page::next`] points to.
    fn next_page(&self, next: &str) -> impl Future<Output = Result<Page, HarvestError>> + Send;

    /// HTTP requests sent so far (token requests and retries included).
    fn requests_made(&self) -> u64;
}

/// The client for a stored credential: v3 or v1, chosen by the credential.
/// Clones share the token cache, the rate-limit pacing and the request count.
#[derive(Clone)]
pub enum Client {
    V3(std::sync::Arc<v3::V3Client>),
    V1(std::sync::Arc<v1::V1Client>),
}

impl Client {
    /// A client for `credentials`, reading the API under `base_url`
    /// (normally [`DEFAULT_BASE_URL`]).
    pub fn new(
        credentials: Credentials,
        base_url: Url,
        options: ClientOptions,
    ) -> Result<Client, HarvestError> {
        Ok(match credentials {
            Credentials::V3 {
                client_id,
                client_secret,
                user_id,
                token_url,
            } => Client::V3(std::sync::Arc::new(v3::V3Client::new(
                base_url,
                client_id,
                client_secret,
                user_id,
                token_url,
                options,
            )?)),
            Credentials::V1 { api_key } => Client::V1(std::sync::Arc::new(v1::V1Client::new(
                base_url, api_key, options,
            )?)),
        })
    }
}

impl Harvest for Client {
    fn version(&self) -> ApiVersion {
        match self {
            Client::V3(client) => client.version(),
            Client::V1(client) => client.version(),
        }
    }

    fn feeds(&self) -> &'static [Feed] {
        match self {
            Client::V3(client) => client.feeds(),
            Client::V1(client) => client.feeds(),
        }
    }

    async fn check_access(&self) -> Result<Vec<Refusal>, HarvestError> {
        match self {
            Client::V3(client) => client.check_access().await,
            Client::V1(client) => client.check_access().await,
        }
    }

    async fn first_page(
        &self,
        feed: Resource,
        since: Option<DateTime<Utc>>,
    ) -> Result<Page, HarvestError> {
        match self {
            Client::V3(client) => client.first_page(feed, since).await,
            Client::V1(client) => client.first_page(feed, since).await,
        }
    }

    async fn next_page(&self, next: &str) -> Result<Page, HarvestError> {
        match self {
            Client::V3(client) => client.next_page(next).await,
            Client::V1(client) => client.next_page(next).await,
        }
    }

    fn requests_made(&self) -> u64 {
        match self {
            Client::V3(client) => client.requests_made(),
            Client::V1(client) => client.requests_made(),
        }
    }
}
