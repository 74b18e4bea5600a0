//! Harvest v1: HTTP Basic with the API key as user name, page pagination
//! through `Link rel="next"` (followed verbatim), `per_page` on the first
//! request, `updated_after` (`last_activity_after` for applications) for
//! incremental reads. Records are flattened into the v3 models
//! (`wire`); one v1 endpoint may fill several tables (the `ENDPOINTS` table).
//!
//! Two v1 gaps are filled from other endpoints, cached per client:
//! - candidates carry tag *names*; the tag dictionary (`/v1/tags/candidate`)
//!   gives their ids (read once, and once more when a name is missing);
//! - scheduled interviews carry no job; it is the job of their interview step,
//!   known from the job stages (remembered while the `job_interview_stages`
//!   feed runs, else read once from `/v1/job_stages`), else the application's
//!   job (`/v1/applications/{id}`). An interview whose job stays unknown is
//!   left out with a warning.
//!
//! User job permissions are per user: the feed pages through `/v1/users`
//! and reads `/v1/users/{id}/permissions/jobs` for every non-admin user (site
//! admins have none), keeping its progress in the page position.

mod wire;

use super::transport::{self, Auth, Request, Response, Transport};
use super::{ApiVersion, ClientOptions, Feed, Harvest, HarvestError, Page, Refusal, Secret};
use app::{domain::Resource, ssr::entities::greenhouse::Records};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use std::{collections::HashMap, time::Duration};
use url::Url;

/// Harvest v1 counts requests per 10 seconds.
const RATE_LIMIT_WINDOW: Duration = Duration::from_secs(10);

/// One v1 list endpoint and what it fills.
struct Endpoint {
    feed: Feed,
    /// Under `/v1/`.
    path: &'static str,
    /// The API-key permission it needs, as Greenhouse's credential screen names it.
    permission: &'static str,
    /// The "changed since" filter, for incremental feeds.
    since: Option<&'static str>,
    /// Fixed query parameters of the first request.
    extra: &'static [(&'static str, &'static str)],
}

const fn endpoint(
    key: Resource,
    resources: &'static [Resource],
    path: &'static str,
    permission: &'static str,
    since: Option<&'static str>,
    extra: &'static [(&'static str, &'static str)],
) -> Endpoint {
    Endpoint {
        feed: Feed {
            key,
            resources,
            incremental: since.is_some(),
        },
        path,
        permission,
        since,
        extra,
    }
}

const LIST_USERS: &str = "GET: List Users";
const LIST_JOB_STAGES: &str = "GET: List Job Stages";
const LIST_CANDIDATE_TAGS: &str = "GET: List Candidate Tags";
const LIST_USER_JOB_PERMISSIONS: &str = "GET: List User Job Permissions";
const RETRIEVE_APPLICATION: &str = "GET: Retrieve Application";
const UPDATED_AFTER: Option<&str> = Some("updated_after");

use Resource as R;

/// The v1 endpoints, in sync order (reference lists, then what refers to them;
/// job stages before interviews).
const ENDPOINTS: [Endpoint; 16] = [
    endpoint(
        R::UserRoles,
        &[R::UserRoles],
        "user_roles",
        "GET: List User Roles",
        None,
        &[],
    ),
    endpoint(
        R::Departments,
        &[R::Departments],
        "departments",
        "GET: List Departments",
        None,
        &[],
    ),
    endpoint(
        R::Offices,
        &[R::Offices],
        "offices",
        "GET: List Offices",
        None,
        &[],
    ),
    endpoint(
        R::Sources,
        &[R::Sources],
        "sources",
        "GET: List Sources",
        None,
        &[],
    ),
    endpoint(
        R::CloseReasons,
        &[R::CloseReasons],
        "close_reasons",
        "GET: Get Close Reasons",
        None,
        &[],
    ),
    endpoint(
        R::RejectionReasons,
        &[R::RejectionReasons],
        "rejection_reasons",
        "GET: List Rejection Reasons",
        None,
        &[],
    ),
    endpoint(
        R::CandidateTags,
        &[R::CandidateTags],
        "tags/candidate",
        LIST_CANDIDATE_TAGS,
        None,
        &[],
    ),
    endpoint(
        R::Users,
        &[R::Users],
        "users",
        LIST_USERS,
        UPDATED_AFTER,
        &[("user_attributes", "true")],
    ),
    endpoint(
        R::Jobs,
        &[R::Jobs, R::JobHiringManagers, R::JobOwners, R::Openings],
        "jobs",
        "GET: List Jobs",
        UPDATED_AFTER,
        &[],
    ),
    endpoint(
        R::JobPosts,
        &[R::JobPosts],
        "job_posts",
        "GET: List Job Posts",
        UPDATED_AFTER,
        &[("full_content", "true")],
    ),
    endpoint(
        R::JobInterviewStages,
        &[R::JobInterviewStages, R::JobInterviews],
        "job_stages",
        LIST_JOB_STAGES,
        UPDATED_AFTER,
        &[],
    ),
    endpoint(
        R::UserJobPermissions,
        &[R::UserJobPermissions],
        "users",
        LIST_USERS,
        None,
        &[],
    ),
    endpoint(
        R::Candidates,
        &[R::Candidates, R::AppliedCandidateTags],
        "candidates",
        "GET: List Candidates",
        UPDATED_AFTER,
        &[],
    ),
    endpoint(
        R::Applications,
        &[R::Applications],
        "applications",
        "GET: List Applications",
        Some("last_activity_after"),
        &[],
    ),
    endpoint(
        R::Offers,
        &[R::Offers],
        "offers",
        "GET: List Offers",
        UPDATED_AFTER,
        &[],
    ),
    endpoint(
        R::Interviews,
        &[R::Interviews, R::Interviewers],
        "scheduled_interviews",
        "GET: List Scheduled Interviews",
        UPDATED_AFTER,
        &[],
    ),
];

/// The feeds of [`ENDPOINTS`].
static FEEDS: [Feed; ENDPOINTS.len()] = {
    let mut feeds = [ENDPOINTS[0].feed; ENDPOINTS.len()];
    let mut i = 0;
    while i < feeds.len() {
        feeds[i] = ENDPOINTS[i].feed;
        i += 1;
    }
    feeds
};

fn endpoint_of(feed: Resource) -> Result<&'static Endpoint, HarvestError> {
    ENDPOINTS
        .iter()
        .find(|e| e.feed.key == feed)
        .ok_or_else(|| {
            HarvestError::Config(format!(
                "{feed} is not a feed of the Harvest v1 client (another feed fills it)"
            ))
        })
}

/// Where a feed stands: the opaque [`Page::next`] of this client.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Position {
    feed: Resource,
    /// The page to read: of the feed's list, or (user job permissions) of the
    /// first pending user's permissions (`None`: that user's first page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    /// User job permissions: the next page of `/v1/users` to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    users: Option<String>,
    /// User job permissions: users whose permissions are still to read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    user_ids: Vec<i64>,
}

impl Position {
    fn at(feed: Resource, url: String) -> Position {
        Position {
            feed,
            url: Some(url),
            users: None,
            user_ids: Vec::new(),
        }
    }
}

/// Tag name → id, loaded on demand.
#[derive(Default)]
struct TagDictionary {
    ids: HashMap<String, i64>,
    loads: u8,
}

/// Where interviews find their job.
#[derive(Default)]
struct InterviewJobs {
    /// Interview step (`job_interviews.id`) → job.
    by_step: HashMap<i64, i64>,
    /// Whether every job stage was read into `by_step`.
    all_stages: bool,
    /// Application → its job (`None`: none or unreadable).
    by_application: HashMap<i64, Option<i64>>,
}

/// A Harvest v1 client for one Greenhouse account.
pub struct V1Client {
    transport: Transport,
    base: Url,
    api_key: Secret,
    tags: tokio::sync::Mutex<TagDictionary>,
    interview_jobs: tokio::sync::Mutex<InterviewJobs>,
}

impl V1Client {
    /// A client reading `{base_url}/v1/…` with `api_key`.
    pub fn new(
        base_url: Url,
        api_key: Secret,
        options: ClientOptions,
    ) -> Result<V1Client, HarvestError> {
        Ok(V1Client {
            transport: Transport::new(options, RATE_LIMIT_WINDOW)?,
            base: base_url,
            api_key,
            tags: tokio::sync::Mutex::default(),
            interview_jobs: tokio::sync::Mutex::default(),
        })
    }

    fn auth(&self) -> Auth<'_> {
        Auth::Basic {
            user: self.api_key.expose(),
            password: "",
        }
    }

    /// The first page of `/v1/{path}`.
    fn list_url(
        &self,
        path: &str,
        extra: &[(&str, &str)],
        since: Option<(&str, DateTime<Utc>)>,
        per_page: Option<u32>,
    ) -> Result<Url, HarvestError> {
        let mut url = transport::endpoint(&self.base, &format!("v1/{path}"))?;
        {
            let mut query = url.query_pairs_mut();
            let per_page = per_page
                .unwrap_or(self.transport.options().per_page)
                .clamp(1, 500);
            query.append_pair("per_page", &per_page.to_string());
            for (name, value) in extra {
                query.append_pair(name, value);
            }
            if let Some((name, at)) = since {
                query.append_pair(name, &transport::timestamp_param(at));
            }
        }
        Ok(url)
    }

    /// GETs `url`; 401/403 name `permission`.
    async fn get(&self, url: Url, permission: &str) -> Result<Response, HarvestError> {
        let response = self.transport.send(&Request::get(url, self.auth())).await?;
        match response.status.as_u16() {
            200..=299 => Ok(response),
            401 | 403 => Err(response.unauthorized(&format!(
                "missing permission \"{permission}\", or the API key is wrong or revoked"
            ))),
            _ => Err(response.rejected()),
        }
    }

    /// Every item of a paginated list.
    async fn read_all<T: DeserializeOwned>(
        &self,
        first: Url,
        permission: &str,
    ) -> Result<Vec<T>, HarvestError> {
        let mut items = Vec::new();
        let mut next = Some(first);
        while let Some(url) = next {
            let response = self.get(url, permission).await?;
            items.extend(parse::<T>(&response)?);
            next = response.next_link(&self.base)?;
        }
        Ok(items)
    }

    async fn read(&self, position: Position) -> Result<Page, HarvestError> {
        let feed = position.feed;
        if feed == Resource::UserJobPermissions {
            return self.read_permissions(position).await;
        }
        let endpoint = endpoint_of(feed)?;
        let link = position.url.ok_or_else(|| HarvestError::Rejected {
            status: 422,
            url: String::new(),
            message: format!("a {feed} page position without a link"),
        })?;
        let response = self
            .get(
                transport::checked_link(&link, &self.base)?,
                endpoint.permission,
            )
            .await?;
        let records = self.flatten(feed, &response).await?;
        let next = response
            .next_link(&self.base)?
            .map(|url| transport::encode_position(&Position::at(feed, url.into())))
            .transpose()?;
        Ok(Page { records, next })
    }

    /// One step of the user job permissions feed: a page of one user's
    /// permissions, or (when no user is pending) a page of users to visit.
    async fn read_permissions(&self, mut position: Position) -> Result<Page, HarvestError> {
        let mut rows = Vec::new();
        if let Some(&user_id) = position.user_ids.first() {
            let url = match position.url.take() {
                Some(link) => transport::checked_link(&link, &self.base)?,
                None => self.list_url(
                    &format!("users/{user_id}/permissions/jobs"),
                    &[],
                    None,
                    None,
                )?,
            };
            let response = self.get(url, LIST_USER_JOB_PERMISSIONS).await?;
            rows = parse::<wire::JobPermission>(&response)?
                .into_iter()
                .map(|p| p.into_model(user_id))
                .collect();
            match response.next_link(&self.base)? {
                Some(next) => position.url = Some(next.into()),
                None => {
                    position.user_ids.remove(0);
                }
            }
        } else if let Some(link) = position.users.take() {
            let response = self
                .get(transport::checked_link(&link, &self.base)?, LIST_USERS)
                .await?;
            position.user_ids = parse::<wire::UserId>(&response)?
                .into_iter()
                .filter(|user| user.site_admin != Some(true))
                .map(|user| user.id)
                .collect();
            position.users = response.next_link(&self.base)?.map(Into::into);
        }
        let done = position.user_ids.is_empty() && position.users.is_none();
        let next = if done {
            None
        } else {
            Some(transport::encode_position(&position)?)
        };
        Ok(Page {
            records: vec![Records::UserJobPermissions(rows)],
            next,
        })
    }

    /// Decodes a page of `feed` into the rows of every resource it fills.
    async fn flatten(
        &self,
        feed: Resource,
        response: &Response,
    ) -> Result<Vec<Records>, HarvestError> {
        fn converted<T, M: From<T>>(items: Vec<T>) -> Vec<M> {
            items.into_iter().map(M::from).collect()
        }
        Ok(match feed {
            R::UserRoles => vec![Records::UserRoles(converted(parse::<wire::UserRole>(
                response,
            )?))],
            R::Departments => vec![Records::Departments(wire::departments(parse(response)?))],
            R::Offices => vec![Records::Offices(wire::offices(parse(response)?))],
            R::Sources => vec![Records::Sources(converted(parse::<wire::TypedName>(
                response,
            )?))],
            R::CloseReasons => vec![Records::CloseReasons(converted(parse::<wire::Named>(
                response,
            )?))],
            R::RejectionReasons => vec![Records::RejectionReasons(converted(parse::<
                wire::TypedName,
            >(
                response
            )?))],
            R::CandidateTags => vec![Records::CandidateTags(converted(parse::<wire::Named>(
                response,
            )?))],
            R::Users => vec![Records::Users(converted(parse::<wire::User>(response)?))],
            R::Jobs => {
                let rows = wire::jobs(parse(response)?);
                vec![
                    Records::Jobs(rows.jobs),
                    Records::JobHiringManagers(rows.hiring_managers),
                    Records::JobOwners(rows.owners),
                    Records::Openings(rows.openings),
                ]
            }
            R::JobPosts => vec![Records::JobPosts(converted(parse::<wire::JobPost>(
                response,
            )?))],
            R::JobInterviewStages => {
                let stages: Vec<wire::JobStage> = parse(response)?;
                self.interview_jobs
                    .lock()
                    .await
                    .by_step
                    .extend(wire::interview_steps(&stages));
                let (stages, steps) = wire::job_stages(stages);
                vec![
                    Records::JobInterviewStages(stages),
                    Records::JobInterviews(steps),
                ]
            }
            R::Candidates => {
                let rows = self.candidates(parse(response)?).await?;
                vec![
                    Records::Candidates(rows.candidates),
                    Records::AppliedCandidateTags(rows.applied_tags),
                ]
            }
            R::Applications => vec![Records::Applications(converted(
                parse::<wire::Application>(response)?,
            ))],
            R::Offers => vec![Records::Offers(converted(parse::<wire::Offer>(response)?))],
            R::Interviews => {
                let rows = self.interviews(parse(response)?).await?;
                vec![
                    Records::Interviews(rows.interviews),
                    Records::Interviewers(rows.interviewers),
                ]
            }
            other => {
                return Err(HarvestError::Config(format!(
                    "the Harvest v1 client reads no list of {other} on its own"
                )));
            }
        })
    }

    /// Candidates with their applied tags, tag names resolved through the
    /// dictionary (read on first use, and once more if a name is missing).
    async fn candidates(
        &self,
        items: Vec<wire::Candidate>,
    ) -> Result<wire::CandidateRows, HarvestError> {
        let mut tags = self.tags.lock().await;
        let missing = |ids: &HashMap<String, i64>| {
            items
                .iter()
                .flat_map(|c| &c.tags)
                .any(|name| !ids.contains_key(name))
        };
        if tags.loads == 0 || (tags.loads == 1 && missing(&tags.ids)) {
            let url = self.list_url("tags/candidate", &[], None, None)?;
            let dictionary: Vec<wire::Named> = self.read_all(url, LIST_CANDIDATE_TAGS).await?;
            tags.ids = dictionary
                .into_iter()
                .filter_map(|tag| Some((tag.name?, tag.id)))
                .collect();
            tags.loads += 1;
        }
        let rows = wire::candidates(items, &tags.ids);
        if !rows.unknown_tags.is_empty() {
            tracing::warn!(tags = ?rows.unknown_tags, "candidate tags missing from the tag dictionary were left out");
        }
        Ok(rows)
    }

    /// Scheduled interviews with their job resolved (see the module docs).
    async fn interviews(
        &self,
        items: Vec<wire::ScheduledInterview>,
    ) -> Result<wire::InterviewRows, HarvestError> {
        let mut cache = self.interview_jobs.lock().await;
        let unknown_step = |cache: &InterviewJobs, interview: &wire::ScheduledInterview| {
            interview
                .job_interview_id()
                .is_none_or(|step| !cache.by_step.contains_key(&step))
        };
        if !cache.all_stages && items.iter().any(|i| unknown_step(&cache, i)) {
            let url = self.list_url("job_stages", &[], None, None)?;
            let stages: Vec<wire::JobStage> = self.read_all(url, LIST_JOB_STAGES).await?;
            cache.by_step.extend(wire::interview_steps(&stages));
            cache.all_stages = true;
        }
        for interview in &items {
            if unknown_step(&cache, interview)
                && !cache.by_application.contains_key(&interview.application_id)
            {
                let job = self.application_job(interview.application_id).await?;
                cache.by_application.insert(interview.application_id, job);
            }
        }
        let rows = wire::interviews(items, |interview| {
            interview
                .job_interview_id()
                .and_then(|step| cache.by_step.get(&step).copied())
                .or_else(|| {
                    cache
                        .by_application
                        .get(&interview.application_id)
                        .copied()
                        .flatten()
                })
        });
        if !rows.skipped.is_empty() {
            tracing::warn!(interviews = ?rows.skipped, "scheduled interviews whose job is unknown were left out");
        }
        Ok(rows)
    }

    /// The job of an application (`jobs[0]`), `None` when it has none or
    /// Greenhouse will not show it (a 4xx: deleted, or the key lacks
    /// "GET: Retrieve Application").
    async fn application_job(&self, application_id: i64) -> Result<Option<i64>, HarvestError> {
        let url = transport::endpoint(&self.base, &format!("v1/applications/{application_id}"))?;
        let response = self.transport.send(&Request::get(url, self.auth())).await?;
        if !response.status.is_success() {
            tracing::warn!(
                application_id,
                status = response.status.as_u16(),
                permission = RETRIEVE_APPLICATION,
                "cannot read an interview's application to find its job"
            );
            return Ok(None);
        }
        let application: wire::Application =
            serde_json::from_slice(&response.body).map_err(|err| decode_error(&response, err))?;
        Ok(application.jobs.first().map(|job| job.id))
    }
}

fn decode_error(response: &Response, err: serde_json::Error) -> HarvestError {
    HarvestError::Decode {
        url: response.url.to_string(),
        message: err.to_string(),
    }
}

/// A v1 list body (a JSON array).
fn parse<T: DeserializeOwned>(response: &Response) -> Result<Vec<T>, HarvestError> {
    serde_json::from_slice(&response.body).map_err(|err| decode_error(response, err))
}

impl Harvest for V1Client {
    fn version(&self) -> ApiVersion {
        ApiVersion::V1
    }

    fn feeds(&self) -> &'static [Feed] {
        &FEEDS
    }

    /// Lists one item of every endpoint (for user job permissions: of the
    /// first user) and stops at the first refusal.
    /// Lists one row of every endpoint (and one user's job permissions),
    /// noting each permission Greenhouse refuses. A key refused everywhere is
    /// wrong or revoked: that is an error, not a list of every permission.
    async fn check_access(&self) -> Result<Vec<Refusal>, HarvestError> {
        let mut refusals = Vec::new();
        let mut refused_endpoints = 0;
        for endpoint in &ENDPOINTS {
            let refusal = |permission: &str, error: HarvestError| match error {
                HarvestError::Unauthorized { status, message } => Ok(Refusal {
                    needed: permission.to_owned(),
                    resources: endpoint.feed.resources.to_vec(),
                    status,
                    message,
                }),
                other => Err(other),
            };
            let url = self.list_url(endpoint.path, endpoint.extra, None, Some(1))?;
            let response = match self.get(url, endpoint.permission).await {
                Ok(response) => response,
                Err(error) => {
                    refusals.push(refusal(endpoint.permission, error)?);
                    refused_endpoints += 1;
                    continue;
                }
            };
            if endpoint.feed.key != Resource::UserJobPermissions {
                parse::<serde::de::IgnoredAny>(&response)?;
            } else if let Some(user) = parse::<wire::UserId>(&response)?.first() {
                let url = self.list_url(
                    &format!("users/{}/permissions/jobs", user.id),
                    &[],
                    None,
                    Some(1),
                )?;
                match self.get(url, LIST_USER_JOB_PERMISSIONS).await {
                    Ok(response) => {
                        parse::<serde::de::IgnoredAny>(&response)?;
                    }
                    Err(error) => refusals.push(refusal(LIST_USER_JOB_PERMISSIONS, error)?),
                }
            }
        }
        if refused_endpoints == ENDPOINTS.len()
            && let Some(first) = refusals.first()
        {
            return Err(HarvestError::Unauthorized {
                status: first.status,
                message: format!(
                    "the API key is wrong or revoked: Greenhouse answered {} on every endpoint",
                    first.status
                ),
            });
        }
        Ok(refusals)
    }

    async fn first_page(
        &self,
        feed: Resource,
        since: Option<DateTime<Utc>>,
    ) -> Result<Page, HarvestError> {
        let endpoint = endpoint_of(feed)?;
        let since = endpoint.since.zip(since);
        let url = self
            .list_url(endpoint.path, endpoint.extra, since, None)?
            .to_string();
        let position = if feed == Resource::UserJobPermissions {
            Position {
                feed,
                url: None,
                users: Some(url),
                user_ids: Vec::new(),
            }
        } else {
            Position::at(feed, url)
        };
        self.read(position).await
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
    use std::collections::BTreeSet;

    fn client(server: &TestServer) -> V1Client {
        let options = ClientOptions {
            max_attempts: 2,
            backoff_base: Duration::from_millis(5),
            backoff_cap: Duration::from_millis(20),
            request_timeout: Duration::from_secs(5),
            ..ClientOptions::default()
        };
        V1Client::new(server.base.clone(), Secret::new("key"), options).unwrap()
    }

    fn example(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/tests/fixtures/harvest/examples/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn requested(server: &TestServer) -> Vec<String> {
        server
            .requests()
            .iter()
            .map(|r| {
                if r.query.is_empty() {
                    r.path.clone()
                } else {
                    format!("{}?{}", r.path, r.query)
                }
            })
            .collect()
    }

    fn count(earlier: &[Received], path: &str) -> usize {
        earlier.iter().filter(|r| r.path == path).count()
    }

    /// Reads a whole feed, returning its pages' records.
    async fn read_feed(client: &V1Client, feed: Resource) -> Vec<Vec<Records>> {
        let mut page = client.first_page(feed, None).await.unwrap();
        let mut pages = vec![std::mem::take(&mut page.records)];
        while let Some(next) = page.next.take() {
            page = client.next_page(&next).await.unwrap();
            pages.push(std::mem::take(&mut page.records));
        }
        pages
    }

    #[test]
    fn feeds_fill_every_resource_once_in_sync_order() {
        let filled: Vec<Resource> = FEEDS
            .iter()
            .flat_map(|f| f.resources.iter().copied())
            .collect();
        let distinct: BTreeSet<Resource> = filled.iter().copied().collect();
        assert_eq!(filled.len(), Resource::ALL.len());
        assert_eq!(distinct, Resource::ALL.into_iter().collect());
        let position = |r: Resource| Resource::ALL.iter().position(|x| *x == r).unwrap();
        assert!(
            FEEDS
                .windows(2)
                .all(|w| position(w[0].key) < position(w[1].key))
        );
        for feed in &FEEDS {
            assert_eq!(feed.resources[0], feed.key);
            assert!(
                feed.resources
                    .iter()
                    .all(|r| position(*r) >= position(feed.key)),
                "{:?}",
                feed.key
            );
        }
        let incremental: Vec<Resource> = FEEDS
            .iter()
            .filter(|f| f.incremental)
            .map(|f| f.key)
            .collect();
        assert_eq!(
            incremental,
            [
                R::Users,
                R::Jobs,
                R::JobPosts,
                R::JobInterviewStages,
                R::Candidates,
                R::Applications,
                R::Offers,
                R::Interviews
            ]
        );
    }

    #[tokio::test]
    async fn pages_follow_next_links_with_the_api_key() {
        const APP: &str = r#"{"id":ID,"candidate_id":2,"prospect":false,"status":"active","jobs":[{"id":3,"name":"J"}],"applied_at":"2024-01-01T00:00:00Z","last_activity_at":"2024-02-01T00:00:00Z"}"#;
        let server = TestServer::spawn(|request, _| match request.query.as_str() {
            "page=2&per_page=500" => Reply::json(200, format!("[{}]", APP.replace("ID", "2"))),
            _ => Reply::json(200, format!("[{}]", APP.replace("ID", "1")))
                .header("Link", r#"</v1/applications?page=2&per_page=500>; rel="next", </v1/applications?page=9&per_page=500>; rel="last""#),
        })
        .await;
        let client = client(&server);
        let since = DateTime::parse_from_rfc3339("2024-05-06T07:08:09.5Z")
            .unwrap()
            .with_timezone(&Utc);
        let page = client
            .first_page(R::Applications, Some(since))
            .await
            .unwrap();
        let Records::Applications(rows) = &page.records[0] else {
            panic!("{:?}", page.records)
        };
        assert_eq!(
            (rows[0].id, rows[0].status.as_str(), rows[0].job_id),
            (1, "in_process", Some(3))
        );
        let page = client.next_page(&page.next.unwrap()).await.unwrap();
        assert_eq!(page.records[0].ids(), [2]);
        assert!(page.next.is_none());
        assert_eq!(
            requested(&server),
            [
                "/v1/applications?per_page=500&last_activity_after=2024-05-06T07%3A08%3A09Z",
                "/v1/applications?page=2&per_page=500"
            ]
        );
        assert!(
            server
                .requests()
                .iter()
                .all(|r| r.authorization.as_deref() == Some("Basic a2V5Og=="))
        );
        assert_eq!(client.requests_made(), 2);
    }

    #[tokio::test]
    async fn the_jobs_feed_fills_four_tables() {
        let jobs = example("jobs_list.json");
        let server = TestServer::spawn(move |_, _| Reply::json(200, jobs.clone())).await;
        let page = client(&server).first_page(R::Jobs, None).await.unwrap();
        let filled: Vec<(Resource, usize)> = page
            .records
            .iter()
            .map(|r| (r.resource(), r.len()))
            .collect();
        assert_eq!(
            filled,
            [
                (R::Jobs, 1),
                (R::JobHiringManagers, 2),
                (R::JobOwners, 5),
                (R::Openings, 4)
            ]
        );
        assert_eq!(requested(&server), ["/v1/jobs?per_page=500"]);
    }

    #[tokio::test]
    async fn user_job_permissions_visit_every_non_admin_user() {
        let server =
            TestServer::spawn(
                |request, _| match (request.path.as_str(), request.query.as_str()) {
                    ("/v1/users", "per_page=500") => Reply::json(
                        200,
                        r#"[{"id":1,"site_admin":true},{"id":2,"site_admin":false}]"#,
                    )
                    .header("Link", r#"</v1/users?page=2&per_page=500>; rel="next""#),
                    ("/v1/users", _) => Reply::json(200, r#"[{"id":3}]"#),
                    ("/v1/users/2/permissions/jobs", "per_page=500") => {
                        Reply::json(200, r#"[{"id":10,"job_id":100,"user_role_id":7}]"#).header(
                            "Link",
                            r#"</v1/users/2/permissions/jobs?page=2&per_page=500>; rel="next""#,
                        )
                    }
                    ("/v1/users/2/permissions/jobs", _) => {
                        Reply::json(200, r#"[{"id":11,"job_id":101,"user_role_id":7}]"#)
                    }
                    ("/v1/users/3/permissions/jobs", _) => Reply::json(200, "[]"),
                    _ => Reply::json(404, "{}"),
                },
            )
            .await;
        let client = client(&server);
        let pages = read_feed(&client, R::UserJobPermissions).await;
        let rows: Vec<(i64, i64, i64, i64)> = pages
            .into_iter()
            .flatten()
            .filter_map(|records| {
                records.into_rows::<app::ssr::entities::greenhouse::user_job_permissions::Entity>()
            })
            .flatten()
            .map(|p| (p.id, p.user_id, p.job_id, p.role_id))
            .collect();
        assert_eq!(rows, [(10, 2, 100, 7), (11, 2, 101, 7)]);
        assert_eq!(
            requested(&server),
            [
                "/v1/users?per_page=500",
                "/v1/users/2/permissions/jobs?per_page=500",
                "/v1/users/2/permissions/jobs?page=2&per_page=500",
                "/v1/users?page=2&per_page=500",
                "/v1/users/3/permissions/jobs?per_page=500"
            ]
        );
    }

    #[tokio::test]
    async fn candidate_tags_resolve_through_the_dictionary_reloaded_once() {
        let server = TestServer::spawn(|request, earlier| {
            match (request.path.as_str(), request.query.as_str()) {
                ("/v1/tags/candidate", _) if count(earlier, "/v1/tags/candidate") == 0 => {
                    Reply::json(200, r#"[{"id":1,"name":"Ruby"}]"#)
                }
                ("/v1/tags/candidate", _) => {
                    Reply::json(200, r#"[{"id":1,"name":"Ruby"},{"id":2,"name":"Python"}]"#)
                }
                ("/v1/candidates", "per_page=500") => {
                    Reply::json(200, r#"[{"id":10,"tags":["Ruby"]}]"#).header(
                        "Link",
                        r#"</v1/candidates?page=2&per_page=500>; rel="next""#,
                    )
                }
                ("/v1/candidates", _) => Reply::json(200, r#"[{"id":11,"tags":["Python","Go"]}]"#),
                _ => Reply::json(404, "{}"),
            }
        })
        .await;
        let client = client(&server);
        let applied = |pages: Vec<Vec<Records>>| -> Vec<(i64, i64)> {
            pages
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    r.into_rows::<app::ssr::entities::greenhouse::applied_candidate_tags::Entity>()
                })
                .flatten()
                .map(|t| (t.candidate_id, t.candidate_tag_id))
                .collect()
        };
        assert_eq!(
            applied(read_feed(&client, R::Candidates).await),
            [(10, 1), (11, 2)]
        );
        assert_eq!(count(&server.requests(), "/v1/tags/candidate"), 2);
        // "Go" is still unknown: no third dictionary read.
        assert_eq!(
            applied(read_feed(&client, R::Candidates).await),
            [(10, 1), (11, 2)]
        );
        assert_eq!(count(&server.requests(), "/v1/tags/candidate"), 2);
        assert_eq!(client.requests_made(), 6);
    }

    #[tokio::test]
    async fn interviews_get_their_job_from_stages_or_the_application() {
        const INTERVIEW: &str = r#"{"id":ID,"application_id":APP,"status":"scheduled","interview":{"id":STEP,"name":"x"},"interviewers":[{"id":5,"email":"e@example.com"}]}"#;
        let interview = |id: u32, app: u32, step: u32| {
            INTERVIEW
                .replace("ID", &id.to_string())
                .replace("APP", &app.to_string())
                .replace("STEP", &step.to_string())
        };
        let known_step = format!("[{}]", interview(1, 50, 7345));
        let unknown_steps = format!(
            "[{},{},{}]",
            interview(1, 50, 7345),
            interview(2, 55, 9999),
            interview(3, 66, 9998)
        );
        let stages = example("job_stages_list.json");
        let stage_list = stages.clone();
        let server = TestServer::spawn(move |request, _| match request.path.as_str() {
            "/v1/job_stages" => Reply::json(200, stage_list.clone()),
            "/v1/scheduled_interviews" => Reply::json(200, known_step.clone()),
            _ => Reply::json(404, "{}"),
        })
        .await;

        // Steps seen by the job stages feed need no extra request.
        let warm = client(&server);
        warm.first_page(R::JobInterviewStages, None).await.unwrap();
        let page = warm.first_page(R::Interviews, None).await.unwrap();
        let Records::Interviews(rows) = &page.records[0] else {
            panic!("{:?}", page.records)
        };
        assert_eq!(rows[0].job_id, 34567);
        let page = warm.first_page(R::Interviews, None).await.unwrap();
        assert_eq!(page.records[0].ids(), [1]);
        assert_eq!(
            requested(&server),
            [
                "/v1/job_stages?per_page=500",
                "/v1/scheduled_interviews?per_page=500",
                "/v1/scheduled_interviews?per_page=500"
            ]
        );

        // Unknown steps: the stage list is read once, then each application once.
        let server = TestServer::spawn(move |request, _| match request.path.as_str() {
            "/v1/job_stages" => Reply::json(200, stages.clone()),
            "/v1/scheduled_interviews" => Reply::json(200, unknown_steps.clone()),
            "/v1/applications/55" => Reply::json(
                200,
                r#"{"id":55,"candidate_id":1,"jobs":[{"id":777,"name":"J"}]}"#,
            ),
            _ => Reply::json(404, r#"{"message":"Resource not found"}"#),
        })
        .await;
        let cold = client(&server);
        for _ in 0..2 {
            let page = cold.first_page(R::Interviews, None).await.unwrap();
            let Records::Interviews(rows) = &page.records[0] else {
                panic!("{:?}", page.records)
            };
            let jobs: Vec<(i64, i64)> = rows.iter().map(|i| (i.id, i.job_id)).collect();
            assert_eq!(
                jobs,
                [(1, 34567), (2, 777)],
                "interview 3's application is gone"
            );
            assert_eq!(
                page.records[1].len(),
                2,
                "interviewers of the two kept interviews"
            );
        }
        assert_eq!(
            requested(&server),
            [
                "/v1/scheduled_interviews?per_page=500",
                "/v1/job_stages?per_page=500",
                "/v1/applications/55",
                "/v1/applications/66",
                "/v1/scheduled_interviews?per_page=500"
            ]
        );
    }

    #[tokio::test]
    async fn verify_names_every_missing_permission() {
        let server = TestServer::spawn(|request, _| match request.path.as_str() {
            "/v1/offers" => Reply::json(401, r#"{"message":"Invalid Basic Auth credentials"}"#),
            "/v1/users/4/permissions/jobs" => Reply::json(403, r#"{"message":"Forbidden"}"#),
            "/v1/users" => Reply::json(200, r#"[{"id":4,"site_admin":true}]"#),
            _ => Reply::json(200, "[]"),
        })
        .await;
        let client = client(&server);
        let refusals = client.check_access().await.unwrap();
        assert_eq!(
            refusals
                .iter()
                .map(|r| (r.needed.as_str(), r.resources.clone()))
                .collect::<Vec<_>>(),
            [
                (LIST_USER_JOB_PERMISSIONS, vec![R::UserJobPermissions]),
                ("GET: List Offers", vec![R::Offers]),
            ]
        );
        let requests = requested(&server);
        assert_eq!(requests.len(), 17, "{requests:?}");
        assert!(requests.contains(&"/v1/users/4/permissions/jobs?per_page=1".to_owned()));
        assert!(requests.contains(&"/v1/job_posts?per_page=1&full_content=true".to_owned()));
        assert_eq!(
            requests.last().unwrap(),
            "/v1/scheduled_interviews?per_page=1",
            "carries on past a refusal"
        );
        let err = client.verify().await.unwrap_err();
        assert!(err.is_credential_problem());
        assert_eq!(
            err.to_string(),
            "Greenhouse refused the credential: missing permission \"GET: List User Job Permissions\", or the API key is wrong or revoked (403: Forbidden); also missing: GET: List Offers"
        );
    }

    #[tokio::test]
    async fn a_key_refused_everywhere_is_called_wrong() {
        let server = TestServer::spawn(|_, _| {
            Reply::json(401, r#"{"message":"Invalid Basic Auth credentials"}"#)
        })
        .await;
        let err = client(&server).check_access().await.unwrap_err();
        assert!(err.is_credential_problem());
        assert_eq!(
            err.to_string(),
            "Greenhouse refused the credential: the API key is wrong or revoked: Greenhouse answered 401 on every endpoint"
        );
    }

    #[tokio::test]
    async fn other_errors_are_rejections_and_positions_are_checked() {
        let server =
            TestServer::spawn(|_, _| Reply::json(404, r#"{"message":"Resource not found"}"#)).await;
        let client = client(&server);
        let err = client.first_page(R::Offers, None).await.unwrap_err();
        assert!(
            matches!(err, HarvestError::Rejected { status: 404, ref message, .. } if message == "Resource not found")
        );
        assert_eq!(client.requests_made(), 1);
        assert!(matches!(
            client.first_page(R::Openings, None).await,
            Err(HarvestError::Config(_))
        ));
        assert!(matches!(
            client.next_page("{oops").await,
            Err(HarvestError::Rejected { status: 422, .. })
        ));
        let forged = r#"{"feed":"offers","url":"https://elsewhere.example/v1/offers?page=2"}"#;
        assert!(matches!(
            client.next_page(forged).await,
            Err(HarvestError::ForeignLink(_))
        ));
        assert_eq!(client.requests_made(), 1);
    }
}
