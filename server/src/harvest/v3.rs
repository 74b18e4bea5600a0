//! Harvest v3: OAuth client credentials and cursor pagination (`V3.md`).
//!
//! A token comes from the token endpoint (HTTP Basic `client_id:client_secret`,
//! form `grant_type=client_credentials[&sub=<user id>]`), is cached, refreshed
//! shortly before its `expires_at` by one caller at a time, and refreshed once
//! more when a list endpoint answers 401. Each resource is one feed: the first
//! request carries `per_page` and the `updated_at=gte|…` filter, the following
//! ones are the `rel="next"` links, requested verbatim. `job_posts` is read
//! twice within its feed, `active=true` then `active=false`, because Greenhouse
//! hides deleted posts unless asked for them.

use super::transport::{self, Auth, Request, Response, Transport};
use super::{ApiVersion, ClientOptions, Feed, Harvest, HarvestError, Page, Refusal, Secret};
use app::{domain::Resource, ssr::entities::greenhouse::Records};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// Harvest v3 counts requests in fixed 30-second windows.
const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(30);
/// A token is replaced this long before it expires…
const REFRESH_MARGIN: TimeDelta = TimeDelta::seconds(60);
/// …or at half its life when it lives less than twice the margin.
const SHORT_LIVED: TimeDelta = TimeDelta::seconds(120);
/// The lifetime assumed when the token response states none (the partner
/// flow's documented hour; a 401 refreshes earlier if needed).
const DEFAULT_TOKEN_LIFETIME: TimeDelta = TimeDelta::hours(1);

static RESOURCES: [Resource; Resource::ALL.len()] = Resource::ALL;

/// One feed per resource, in [`Resource::ALL`] order, all incremental.
static FEEDS: [Feed; Resource::ALL.len()] = {
    let mut feeds = [Feed {
        key: Resource::ALL[0],
        resources: &[],
        incremental: true,
    }; Resource::ALL.len()];
    let mut i = 0;
    while i < feeds.len() {
        feeds[i] = Feed {
            key: RESOURCES[i],
            resources: std::slice::from_ref(&RESOURCES[i]),
            incremental: true,
        };
        i += 1;
    }
    feeds
};

/// The extra filters of each pass over a feed: `job_posts` is read with
/// `active=true` and then `active=false`; every other feed once, unfiltered.
fn phases(feed: Resource) -> &'static [&'static [(&'static str, &'static str)]] {
    match feed {
        Resource::JobPosts => &[&[("active", "true")], &[("active", "false")]],
        _ => &[&[]],
    }
}

/// A Harvest v3 client for one Greenhouse account.
pub struct V3Client {
    transport: Transport,
    base: Url,
    client_id: String,
    client_secret: Secret,
    user_id: Option<i64>,
    token_url: Url,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

struct CachedToken {
    access: Secret,
    refresh_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_at: Option<serde_json::Value>,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

/// Where a feed stands: the opaque [`Page::next`] of this client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Position {
    feed: Resource,
    /// The `rel="next"` link to request; `None` starts pass `phase`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    #[serde(default)]
    phase: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    since: Option<DateTime<Utc>>,
}

impl V3Client {
    /// A client for the account behind `client_id`/`client_secret`, reading
    /// `{base_url}/v3/…` and getting tokens from `token_url` as `user_id`
    /// (`sub`; `None` = the credential's integration service user).
    pub fn new(
        base_url: Url,
        client_id: String,
        client_secret: Secret,
        user_id: Option<i64>,
        token_url: Url,
        options: ClientOptions,
    ) -> Result<V3Client, HarvestError> {
        Ok(V3Client {
            transport: Transport::new(options, RATE_LIMIT_WINDOW)?,
            base: base_url,
            client_id,
            client_secret,
            user_id,
            token_url,
            token: tokio::sync::Mutex::new(None),
        })
    }

    /// The first request of pass `phase` over `feed`.
    fn first_url(
        &self,
        feed: Resource,
        phase: usize,
        since: Option<DateTime<Utc>>,
        per_page: u32,
    ) -> Result<Url, HarvestError> {
        let mut url = transport::endpoint(&self.base, &format!("v3/{}", feed.name()))?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("per_page", &per_page.clamp(1, 500).to_string());
            for (name, value) in phases(feed).get(phase).copied().unwrap_or_default() {
                query.append_pair(name, value);
            }
            if let Some(since) = since {
                query.append_pair(
                    "updated_at",
                    &format!("gte|{}", transport::timestamp_param(since)),
                );
            }
        }
        Ok(url)
    }

    /// Reads one page and says where the feed goes next.
    async fn read(&self, position: Position) -> Result<Page, HarvestError> {
        let feed = position.feed;
        let url = match &position.url {
            Some(link) => transport::checked_link(link, &self.base)?,
            None => self.first_url(
                feed,
                position.phase,
                position.since,
                self.transport.options().per_page,
            )?,
        };
        let (response, records) = self.fetch(url, feed).await?;
        let next = match response.next_link(&self.base)? {
            Some(link) => Some(Position {
                url: Some(link.to_string()),
                ..position
            }),
            None if position.phase + 1 < phases(feed).len() => Some(Position {
                url: None,
                phase: position.phase + 1,
                ..position
            }),
            None => None,
        };
        Ok(Page {
            records: vec![records],
            next: next.as_ref().map(transport::encode_position).transpose()?,
        })
    }

    /// GETs a list page of `resource` and decodes it.
    async fn fetch(
        &self,
        url: Url,
        resource: Resource,
    ) -> Result<(Response, Records), HarvestError> {
        let response = self.list(url, resource).await?;
        let records = Records::from_v3_json(resource, &response.body).map_err(|err| {
            HarvestError::Decode {
                url: response.url.to_string(),
                message: format!("not a list of {resource}: {err}"),
            }
        })?;
        Ok((response, records))
    }

    /// GETs `url` with the current token, refreshing it once on a 401.
    async fn list(&self, url: Url, resource: Resource) -> Result<Response, HarvestError> {
        let token = self.access_token(None).await?;
        let mut response = self
            .transport
            .send(&Request::get(url.clone(), Auth::Bearer(token.expose())))
            .await?;
        if response.status == StatusCode::UNAUTHORIZED {
            let fresh = self.access_token(Some(&token)).await?;
            response = self
                .transport
                .send(&Request::get(url, Auth::Bearer(fresh.expose())))
                .await?;
        }
        let scope = resource.v3_scope();
        match response.status {
            status if status.is_success() => Ok(response),
            StatusCode::UNAUTHORIZED => Err(response.unauthorized(&format!(
                "a fresh access token was refused: the credential was revoked or lacks scope {scope}"
            ))),
            StatusCode::FORBIDDEN => Err(response.unauthorized(&format!(
                "missing scope {scope}, or the token's user is not a Site Admin"
            ))),
            _ => Err(response.rejected()),
        }
    }

    /// The cached token, or a new one when it is due for refresh or when
    /// `refused` (a token a list endpoint just answered 401 to) is still the
    /// cached one. One caller refreshes at a time; the others get its token.
    async fn access_token(&self, refused: Option<&Secret>) -> Result<Secret, HarvestError> {
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref()
            && Utc::now() < token.refresh_at
            && refused != Some(&token.access)
        {
            return Ok(token.access.clone());
        }
        let token = self.request_token().await?;
        let access = token.access.clone();
        *cached = Some(token);
        Ok(access)
    }

    async fn request_token(&self) -> Result<CachedToken, HarvestError> {
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if let Some(user_id) = self.user_id {
            form.push(("sub", user_id.to_string()));
        }
        let request = Request {
            method: Method::POST,
            url: self.token_url.clone(),
            auth: Auth::Basic {
                user: &self.client_id,
                password: self.client_secret.expose(),
            },
            form: Some(&form),
        };
        let requested_at = Utc::now();
        let response = self.transport.send(&request).await?;
        match response.status.as_u16() {
            200..=299 => {}
            400 | 401 | 403 => {
                return Err(response.unauthorized("the client id or secret is wrong"));
            }
            _ => return Err(response.rejected()),
        }
        // Never quote this body in an error: it holds the token.
        let parsed: TokenResponse =
            serde_json::from_slice(&response.body).map_err(|_| HarvestError::Decode {
                url: self.token_url.to_string(),
                message: "the token endpoint's answer has no access_token".to_owned(),
            })?;
        let expires_at = token_expiry(
            parsed.expires_at.as_ref(),
            parsed.expires_in.as_ref(),
            requested_at,
        );
        Ok(CachedToken {
            access: Secret::new(parsed.access_token),
            refresh_at: refresh_at(requested_at, expires_at),
        })
    }
}

/// When a token expires, from `expires_at` (a timestamp string or Unix time)
/// or else `expires_in` (seconds from `now`).
fn token_expiry(
    expires_at: Option<&serde_json::Value>,
    expires_in: Option<&serde_json::Value>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let number = |value: &serde_json::Value| match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse::<f64>().ok(),
        _ => None,
    };
    let at = expires_at.and_then(|value| match value {
        serde_json::Value::String(text) => parse_expires_at(text),
        other => {
            number(other).and_then(|secs| DateTime::from_timestamp_millis((secs * 1000.0) as i64))
        }
    });
    at.or_else(|| {
        let secs = expires_in.and_then(number)?;
        Some(now + TimeDelta::milliseconds((secs * 1000.0) as i64))
    })
}

/// Parses `expires_at`: RFC 3339, `+0000`-style offsets, a space instead of
/// `T`, no offset (UTC), or a Unix timestamp.
fn parse_expires_at(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%z"))
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f %z"))
        .map(|at| at.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
                .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"))
                .ok()
                .map(|at| at.and_utc())
        })
        .or_else(|| {
            text.parse::<i64>()
                .ok()
                .and_then(|secs| DateTime::from_timestamp(secs, 0))
        })
}

/// When to replace a token obtained at `now`: [`REFRESH_MARGIN`] before it
/// expires, or at half-life when it lives less than [`SHORT_LIVED`].
fn refresh_at(now: DateTime<Utc>, expires_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let expires_at = expires_at.unwrap_or(now + DEFAULT_TOKEN_LIFETIME);
    let lifetime = expires_at - now;
    if lifetime >= SHORT_LIVED {
        expires_at - REFRESH_MARGIN
    } else {
        now + lifetime / 2
    }
}

impl Harvest for V3Client {
    fn version(&self) -> ApiVersion {
        ApiVersion::V3
    }

    fn feeds(&self) -> &'static [Feed] {
        &FEEDS
    }

    /// Gets a token (a wrong id/secret fails here), then lists one row of
    /// every resource, noting each scope Greenhouse refuses.
    async fn check_access(&self) -> Result<Vec<Refusal>, HarvestError> {
        self.access_token(None).await?;
        let mut refusals = Vec::new();
        for resource in Resource::ALL {
            let url = self.first_url(resource, 0, None, 1)?;
            match self.fetch(url, resource).await {
                Ok(_) => {}
                Err(HarvestError::Unauthorized { status, message }) => refusals.push(Refusal {
                    needed: resource.v3_scope(),
                    resources: vec![resource],
                    status,
                    message,
                }),
                Err(other) => return Err(other),
            }
        }
        Ok(refusals)
    }

    async fn first_page(
        &self,
        feed: Resource,
        since: Option<DateTime<Utc>>,
    ) -> Result<Page, HarvestError> {
        self.read(Position {
            feed,
            url: None,
            phase: 0,
            since,
        })
        .await
    }

    async fn next_page(&self, next: &str) -> Result<Page, HarvestError> {
        self.read(transport::decode_position(next)?).await
    }

    fn requests_made(&self) -> u64 {
        self.transport.requests_made()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::harvest::transport::test_server::{Received, Reply, TestServer};
    use std::time::Instant;

    fn options() -> ClientOptions {
        ClientOptions {
            per_page: 500,
            max_attempts: 2,
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(20),
            max_rate_limit_wait: Duration::from_secs(5),
            request_timeout: Duration::from_secs(5),
        }
    }

    fn client(server: &TestServer, user_id: Option<i64>) -> V3Client {
        V3Client::new(
            server.base.clone(),
            "client-id".to_owned(),
            Secret::new("client-secret"),
            user_id,
            server.base.join("token").unwrap(),
            options(),
        )
        .unwrap()
    }

    fn token_reply(earlier: &[Received], lifetime: TimeDelta) -> Reply {
        let issued = earlier.iter().filter(|r| r.path == "/token").count() + 1;
        let expires_at = (Utc::now() + lifetime).to_rfc3339();
        Reply::json(
            200,
            format!(
                r#"{{"access_token":"token-{issued}","token_type":"bearer","expires_at":"{expires_at}"}}"#
            ),
        )
    }

    fn paths(server: &TestServer) -> Vec<String> {
        server.requests().iter().map(|r| r.path.clone()).collect()
    }

    const JOB: &str = r#"{"id":7,"name":"Engineer","confidential":false,"status":"open","created_at":"2024-01-01T00:00:00.000Z","updated_at":"2024-01-02T00:00:00Z","unknown_field":1}"#;

    #[test]
    fn expires_at_accepts_rfc3339_offsets_and_expires_in() {
        let expected = DateTime::parse_from_rfc3339("2026-03-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for text in [
            "2026-03-01T10:00:00Z",
            "2026-03-01T10:00:00.000Z",
            "2026-03-01T10:00:00+00:00",
            "2026-03-01T10:00:00+0000",
            "2026-03-01T11:00:00.000+0100",
            "2026-03-01 10:00:00 +0000",
            "2026-03-01T10:00:00",
            "1772359200",
        ] {
            assert_eq!(parse_expires_at(text), Some(expected), "{text}");
        }
        assert_eq!(parse_expires_at("tomorrow"), None);
        let now = expected - TimeDelta::hours(1);
        let json = |v: &str| serde_json::from_str::<serde_json::Value>(v).unwrap();
        assert_eq!(
            token_expiry(Some(&json(r#""2026-03-01T10:00:00+0000""#)), None, now),
            Some(expected)
        );
        assert_eq!(
            token_expiry(Some(&json("1772359200")), None, now),
            Some(expected)
        );
        assert_eq!(token_expiry(None, Some(&json("3600")), now), Some(expected));
        assert_eq!(
            token_expiry(None, Some(&json(r#""3600""#)), now),
            Some(expected)
        );
        assert_eq!(
            token_expiry(Some(&json(r#""garbled""#)), Some(&json("3600")), now),
            Some(expected)
        );
        assert_eq!(token_expiry(None, None, now), None);
    }

    #[test]
    fn tokens_refresh_a_minute_early_or_at_half_life() {
        let now = Utc::now();
        assert_eq!(
            refresh_at(now, Some(now + TimeDelta::hours(1))),
            now + TimeDelta::minutes(59)
        );
        assert_eq!(
            refresh_at(now, Some(now + TimeDelta::seconds(120))),
            now + TimeDelta::seconds(60)
        );
        assert_eq!(
            refresh_at(now, Some(now + TimeDelta::seconds(30))),
            now + TimeDelta::seconds(15)
        );
        assert!(refresh_at(now, Some(now - TimeDelta::seconds(30))) < now);
        assert_eq!(refresh_at(now, None), now + TimeDelta::minutes(59));
    }

    #[test]
    fn one_incremental_feed_per_resource_in_sync_order() {
        assert_eq!(FEEDS.len(), Resource::ALL.len());
        for (feed, resource) in FEEDS.iter().zip(Resource::ALL) {
            assert_eq!(feed.key, resource);
            assert_eq!(feed.resources, [resource]);
            assert!(feed.incremental);
        }
    }

    #[tokio::test]
    async fn first_pages_carry_filters_and_next_pages_only_the_cursor() {
        let server = TestServer::spawn(|request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::hours(1)),
            "/v3/jobs" if request.query.starts_with("cursor=") => {
                Reply::json(200, format!("[{JOB}]"))
            }
            "/v3/jobs" => Reply::json(200, format!("[{JOB},{JOB}]"))
                .header("Link", r#"</v3/jobs?cursor=eyJpZCI6N30%3D>; rel="next""#),
            _ => Reply::json(404, "{}"),
        })
        .await;
        let client = client(&server, Some(42));
        let since = DateTime::parse_from_rfc3339("2024-05-06T07:08:09.750Z")
            .unwrap()
            .with_timezone(&Utc);
        let page = client
            .first_page(Resource::Jobs, Some(since))
            .await
            .unwrap();
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.records[0].resource(), Resource::Jobs);
        assert_eq!(page.records[0].ids(), [7, 7]);
        let next = page.next.unwrap();
        let page = client.next_page(&next).await.unwrap();
        assert_eq!(page.records[0].len(), 1);
        assert!(page.next.is_none());

        let requests = server.requests();
        assert_eq!(paths(&server), ["/token", "/v3/jobs", "/v3/jobs"]);
        let token = &requests[0];
        assert_eq!(token.method, "POST");
        assert_eq!(token.body, "grant_type=client_credentials&sub=42");
        assert_eq!(
            token.authorization.as_deref(),
            Some("Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=")
        );
        let first = &requests[1];
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(first.query.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs,
            [
                ("per_page".to_owned(), "500".to_owned()),
                (
                    "updated_at".to_owned(),
                    "gte|2024-05-06T07:08:09Z".to_owned()
                )
            ]
        );
        assert_eq!(first.authorization.as_deref(), Some("Bearer token-1"));
        assert_eq!(requests[2].query, "cursor=eyJpZCI6N30%3D");
        assert_eq!(client.requests_made(), 3);
    }

    #[tokio::test]
    async fn job_posts_are_read_active_then_deleted_within_one_feed() {
        const POST: &str = r#"{"id":ID,"title":"T","internal":false,"active":ACTIVE,"live":true,"job_id":1,"job_board_id":2}"#;
        let server = TestServer::spawn(|request, earlier| {
            let post = |id: u32, active: bool| {
                POST.replace("ID", &id.to_string())
                    .replace("ACTIVE", &active.to_string())
            };
            match (request.path.as_str(), request.query.as_str()) {
                ("/token", _) => token_reply(earlier, TimeDelta::hours(1)),
                ("/v3/job_posts", "per_page=500&active=true") => {
                    Reply::json(200, format!("[{}]", post(3, true)))
                        .header("Link", r#"</v3/job_posts?cursor=p2>; rel="next""#)
                }
                ("/v3/job_posts", "cursor=p2") => Reply::json(200, format!("[{}]", post(2, true))),
                ("/v3/job_posts", "per_page=500&active=false") => {
                    Reply::json(200, format!("[{}]", post(1, false)))
                }
                _ => Reply::json(422, r#"{"errors":["unexpected"]}"#),
            }
        })
        .await;
        let client = client(&server, None);
        let mut page = client.first_page(Resource::JobPosts, None).await.unwrap();
        let mut ids = page.records[0].ids();
        while let Some(next) = page.next.take() {
            page = client.next_page(&next).await.unwrap();
            ids.extend(page.records[0].ids());
        }
        assert_eq!(ids, [3, 2, 1]);
        assert_eq!(server.requests()[0].body, "grant_type=client_credentials");
        assert_eq!(client.requests_made(), 4);
    }

    #[tokio::test]
    async fn a_401_refreshes_the_token_once_and_retries_once() {
        let revoked = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/harvest/v3/examples/error_401_token_revoked.json"
        ))
        .unwrap();
        let server = TestServer::spawn(move |request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::hours(1)),
            "/v3/jobs" if request.authorization.as_deref() == Some("Bearer token-1") => {
                Reply::json(401, revoked.clone())
            }
            "/v3/jobs" => Reply::json(200, format!("[{JOB}]")),
            _ => Reply::json(
                401,
                r#"{"message":"Unauthorized","errors":["Token revoked"]}"#,
            ),
        })
        .await;
        let client = client(&server, Some(1));
        let page = client.first_page(Resource::Jobs, None).await.unwrap();
        assert_eq!(page.records[0].ids(), [7]);
        assert_eq!(paths(&server), ["/token", "/v3/jobs", "/token", "/v3/jobs"]);
        assert_eq!(client.requests_made(), 4);

        // A second 401 after the refresh is final and names the scope.
        let err = client.first_page(Resource::Offers, None).await.unwrap_err();
        assert!(err.is_credential_problem());
        let text = err.to_string();
        assert!(
            text.contains("harvest:offers:list")
                && text.contains("401: Unauthorized: Token revoked"),
            "{text}"
        );
        assert_eq!(
            paths(&server)[4..],
            ["/v3/offers", "/token", "/v3/offers"].map(str::to_owned)
        );
    }

    #[tokio::test]
    async fn an_expiring_token_is_replaced_before_use() {
        let server = TestServer::spawn(|request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::seconds(2)),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let client = client(&server, Some(1));
        client.first_page(Resource::Jobs, None).await.unwrap();
        client.first_page(Resource::Users, None).await.unwrap();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.first_page(Resource::Offers, None).await.unwrap();
        let requests = server.requests();
        let summary: Vec<_> = requests
            .iter()
            .map(|r| (r.path.as_str(), r.authorization.as_deref()))
            .collect();
        assert_eq!(summary[0].0, "/token");
        assert_eq!(summary[1], ("/v3/jobs", Some("Bearer token-1")));
        assert_eq!(summary[2], ("/v3/users", Some("Bearer token-1")));
        assert_eq!(summary[3].0, "/token");
        assert_eq!(summary[4], ("/v3/offers", Some("Bearer token-2")));
    }

    #[tokio::test]
    async fn verify_fails_at_the_token_on_a_wrong_secret() {
        let server = TestServer::spawn(|request, _| match request.path.as_str() {
            "/token" => Reply::json(
                401,
                r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
            ),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let err = client(&server, Some(1)).verify().await.unwrap_err();
        assert!(err.is_credential_problem());
        assert_eq!(
            err.to_string(),
            "Greenhouse refused the credential: the client id or secret is wrong (401: invalid_client: Client authentication failed)"
        );
        assert_eq!(paths(&server), ["/token"]);
    }

    #[tokio::test]
    async fn verify_names_every_missing_scope() {
        let server = TestServer::spawn(|request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::hours(1)),
            "/v3/offers" | "/v3/interviews" => Reply::json(403, r#"{"message":"Forbidden"}"#),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let client = client(&server, Some(1));
        let refusals = client.check_access().await.unwrap();
        assert_eq!(
            refusals
                .iter()
                .map(|r| (r.needed.as_str(), r.resources.clone(), r.status))
                .collect::<Vec<_>>(),
            [
                ("harvest:offers:list", vec![Resource::Offers], 403),
                ("harvest:interviews:list", vec![Resource::Interviews], 403),
            ]
        );
        let requests = server.requests();
        assert_eq!(
            requests.len(),
            Resource::ALL.len() + 1,
            "carries on past a refusal"
        );
        assert!(
            requests[1..]
                .iter()
                .all(|r| r.query == "per_page=1" || r.query == "per_page=1&active=true")
        );
        let err = client.verify().await.unwrap_err();
        assert!(err.is_credential_problem());
        assert_eq!(
            err.to_string(),
            "Greenhouse refused the credential: missing scope harvest:offers:list, or the token's user is not a Site Admin (403: Forbidden); also missing: harvest:interviews:list"
        );
    }

    #[tokio::test]
    async fn a_credential_with_every_scope_passes_the_check() {
        let server = TestServer::spawn(|request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::hours(1)),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let client = client(&server, Some(1));
        assert_eq!(client.check_access().await.unwrap(), []);
        client.verify().await.unwrap();
    }

    #[tokio::test]
    async fn an_unreachable_token_host_is_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        let base = Url::parse(&format!("http://{address}")).unwrap();
        let client = V3Client::new(
            base.clone(),
            "id".to_owned(),
            Secret::new("secret"),
            None,
            base.join("token").unwrap(),
            options(),
        )
        .unwrap();
        let started = Instant::now();
        let err = client.verify().await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(5));
        let text = err.to_string();
        assert!(
            matches!(err, HarvestError::Unavailable { attempts: 2, .. }),
            "{err:?}"
        );
        assert!(text.contains(&format!("{address}/token")), "{text}");
        assert_eq!(client.requests_made(), 2);
    }

    #[tokio::test]
    async fn foreign_and_unknown_positions_are_refused() {
        let server = TestServer::spawn(|request, earlier| match request.path.as_str() {
            "/token" => token_reply(earlier, TimeDelta::hours(1)),
            _ => Reply::json(200, "[]").header(
                "Link",
                r#"<https://elsewhere.example/v3/jobs?cursor=x>; rel="next""#,
            ),
        })
        .await;
        let client = client(&server, None);
        let err = client.first_page(Resource::Jobs, None).await.unwrap_err();
        assert!(
            matches!(err, HarvestError::ForeignLink(ref url) if url.starts_with("https://elsewhere.example/"))
        );
        let forged = r#"{"feed":"jobs","url":"https://elsewhere.example/v3/jobs?cursor=x"}"#;
        assert!(matches!(
            client.next_page(forged).await,
            Err(HarvestError::ForeignLink(_))
        ));
        assert!(matches!(
            client.next_page("not json").await,
            Err(HarvestError::Rejected { status: 422, .. })
        ));
    }
}
