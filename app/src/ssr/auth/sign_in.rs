//! Signing in by emailed link or code, and signing out (SECURITY.md §1),
//! for recruiters (the dashboard) and for candidates (one organization's
//! portal) alike: the same tokens, limits and claims, in two scopes.
//!
//! * Asking for a link answers the same for known, unknown and disabled
//!   emails: the same redirect and a fresh random attempt cookie. Mail is
//!   queued for the outbox worker, so no request waits on a mail server.
//! * Links carry 32 random bytes; the database keeps their SHA-256 and the
//!   code's HMAC. A link lives 15 minutes and is used once: one atomic
//!   `UPDATE … WHERE consumed_at IS NULL` decides the winner.
//! * Opening a link (GET) changes nothing; the page has a button that posts.
//! * The link signs in only the browser that asked for it (the attempt
//!   cookie's hash is stored with it). Elsewhere, the email's 8-character
//!   code works in the asking browser; five wrong codes kill link and code.
//! * Limits: per email one mail a minute and five an hour, counted in the
//!   database; per IP 20 requests an hour, answered with 429.
//! * A candidate's link and code belong to the organization whose portal
//!   was asked: they are looked up within that organization only, so they
//!   never sign anyone in to another organization's portal.

use super::secrets::{digests_equal, hmac_hex, random_code, random_token, sha256_hex};
use super::{Audience, sessions};
use crate::domain::normalize_email;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::entities::dashboard::{portal, recruiter, sign_in_request, sign_in_token};
use crate::ssr::entities::greenhouse::{applications, candidates};
use crate::ssr::entities::organization;
use crate::ssr::links;
use crate::ssr::mail::OutgoingEmail;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Expr, Func, LikeExpr},
};

/// How long a link and its code stay valid.
pub const LINK_LIFETIME: Duration = Duration::minutes(15);
/// The cookie that binds a link to the browser that asked for it.
pub const ATTEMPT_COOKIE: &str = "__Host-ml_attempt";
/// Wrong codes allowed per link before link and code die.
pub const MAX_CODE_TRIES: i32 = 5;
pub const PER_EMAIL_INTERVAL: Duration = Duration::seconds(60);
pub const PER_EMAIL_PER_HOUR: u64 = 5;
pub const PER_IP_PER_HOUR: u64 = 20;

/// The request's headers (server functions and pages run inside a request).
pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}

/// The address of the peer that sent this request (`unknown` outside a
/// server; proxies' forwarding headers are not trusted).
pub fn request_ip() -> String {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip().to_string())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// Adds a `Set-Cookie` to the response.
pub fn set_cookie(value: http::HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Sends the browser on with `303 See Other` (a plain form post) or the
/// server-function redirect header (a hydrated page).
pub fn see_other(path: &str) {
    leptos_axum::redirect(path);
    if let Some(response) = use_context::<ResponseOptions>()
        && crate::ssr::context::is_plain_form_post()
    {
        response.set_status(http::StatusCode::SEE_OTHER);
    }
}

/// Where to go after signing in: a dashboard path, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if (path == "/admin" || path.starts_with("/admin/"))
                && !path.contains("//")
                && !path.contains('\\')
                && !path.starts_with("/admin/sign-in") =>
        {
            path.to_owned()
        }
        _ => "/admin".to_owned(),
    }
}

/// Whose sign-in this is: the dashboard's recruiters (their email decides
/// the organization), or the candidates of one organization's portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Dashboard,
    Portal { organization_id: i64 },
}

impl Scope {
    pub fn audience(self) -> Audience {
        match self {
            Scope::Dashboard => Audience::Recruiter,
            Scope::Portal { .. } => Audience::Candidate,
        }
    }

    /// The organization every link of this scope belongs to, when fixed.
    pub fn organization_id(self) -> Option<i64> {
        match self {
            Scope::Dashboard => None,
            Scope::Portal { organization_id } => Some(organization_id),
        }
    }

    /// The links (and codes) usable in this scope.
    fn tokens(self) -> Condition {
        let audience =
            Condition::all().add(sign_in_token::Column::Audience.eq(self.audience().as_str()));
        match self.organization_id() {
            Some(id) => audience.add(sign_in_token::Column::OrganizationId.eq(id)),
            None => audience,
        }
    }

    /// The earlier requests the per-email limits count.
    fn requests(self) -> Condition {
        let audience =
            Condition::all().add(sign_in_request::Column::Audience.eq(self.audience().as_str()));
        match self.organization_id() {
            Some(id) => audience.add(sign_in_request::Column::OrganizationId.eq(id)),
            None => audience,
        }
    }
}

/// Links that are unused, unexpired and not locked by wrong codes.
fn live(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(sign_in_token::Column::ConsumedAt.is_null())
        .add(sign_in_token::Column::ExpiresAt.gt(now))
        .add(sign_in_token::Column::FailedCodes.lt(MAX_CODE_TRIES))
}

/// Someone a link may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub organization_id: i64,
    pub subject_id: i64,
}

/// A new link and code, for the email only.
struct Issued {
    organization_id: i64,
    token: String,
    code: String,
}

/// What every "email me a link" passes before anything is looked up: a
/// valid address (returned normalised) and the per-IP limit.
async fn admit<C: ConnectionTrait>(
    db: &C,
    email_input: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let email = normalize_email(email_input).map_err(|m| AppError::invalid("email", m))?;
    let hour_ago = now - Duration::hours(1);
    let from_ip = sign_in_request::Entity::find()
        .filter(sign_in_request::Column::Ip.eq(ip))
        .filter(sign_in_request::Column::CreatedAt.gt(hour_ago))
        .order_by_asc(sign_in_request::Column::CreatedAt)
        .all(db)
        .await?;
    if from_ip.len() as u64 >= PER_IP_PER_HOUR {
        let oldest = from_ip.first().map(|r| r.created_at).unwrap_or(now);
        let wait = (oldest + Duration::hours(1) - now).num_seconds().max(1);
        return Err(AppError::RateLimited {
            retry_after_seconds: wait.unsigned_abs(),
        });
    }
    Ok(email)
}

/// Records a request (each one counts towards the limits) and, when it is
/// for a known person and within the per-email limits, issues a new link
/// and code. Returns the attempt cookie's value, the same kind of value
/// whoever asked, and what to email, if anything.
async fn record(
    state: &AppState,
    scope: Scope,
    email: &str,
    ip: &str,
    recipient: Option<Recipient>,
    now: DateTime<Utc>,
) -> Result<(String, Option<Issued>), AppError> {
    let db = &state.db;
    let email_hash = sha256_hex(email);
    let sent_recently = sign_in_request::Entity::find()
        .filter(scope.requests())
        .filter(sign_in_request::Column::EmailHash.eq(&email_hash))
        .filter(sign_in_request::Column::Sent.eq(true))
        .filter(sign_in_request::Column::CreatedAt.gt(now - Duration::hours(1)))
        .order_by_desc(sign_in_request::Column::CreatedAt)
        .all(db)
        .await?;
    let over_limit = sent_recently.len() as u64 >= PER_EMAIL_PER_HOUR
        || sent_recently
            .first()
            .is_some_and(|last| now - last.created_at < PER_EMAIL_INTERVAL);
    let send = recipient.filter(|_| !over_limit);
    let attempt = random_token();

    sign_in_request::ActiveModel {
        audience: Set(scope.audience().as_str().to_owned()),
        organization_id: Set(scope.organization_id().or(send.map(|r| r.organization_id))),
        email_hash: Set(email_hash),
        ip: Set(ip.to_owned()),
        sent: Set(send.is_some()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;

    let Some(recipient) = send else {
        return Ok((attempt, None));
    };
    let (token, code) = issue(db, state, scope.audience(), recipient, email, &attempt, now).await?;
    Ok((
        attempt,
        Some(Issued {
            organization_id: recipient.organization_id,
            token,
            code,
        }),
    ))
}

/// Handles "email me a link" on the dashboard. Returns the attempt
/// cookie's value, the same kind of answer whether or not the email has an
/// account.
pub async fn request_link(
    state: &AppState,
    email_input: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let email = admit(&state.db, email_input, ip, now).await?;
    let account = recruiter::Entity::find()
        .filter(recruiter::Column::Email.eq(&email))
        .filter(recruiter::Column::DisabledAt.is_null())
        .one(&state.db)
        .await?;
    let recipient = account.map(|account| Recipient {
        organization_id: account.organization_id,
        subject_id: account.id,
    });
    let (attempt, issued) = record(state, Scope::Dashboard, &email, ip, recipient, now).await?;
    if let Some(issued) = issued {
        let link = state
            .public_url
            .join(&format!("/admin/sign-in/link?token={}", issued.token))
            .map(|u| u.to_string())
            .unwrap_or_default();
        state.outbox.send(sign_in_email(
            issued.organization_id,
            &email,
            Letter::Dashboard,
            &link,
            &issued.code,
        ));
    }
    Ok(attempt)
}

/// The organization whose portal lives at `subdomain`, for the portal's
/// sign-in functions. On a portal host (`<sub>.<public host>`) only that
/// host's own portal is there: another subdomain is not found.
pub async fn portal_organization(
    state: &AppState,
    subdomain: &str,
) -> Result<organization::Model, AppError> {
    let organization = crate::ssr::services::portal::organization(state, subdomain).await?;
    match crate::ssr::context::request_portal_subdomain() {
        Some(host) if host != organization.subdomain => {
            Err(AppError::not_found("This candidate portal"))
        }
        _ => Ok(organization),
    }
}

/// Handles "email me a link" on `organization`'s portal: the same answer
/// (an attempt cookie's value) for every address; an email only to one of
/// its candidates with an application to a job whose portal is active.
/// `on_portal_host`: the request came on `<sub>.<public host>`, so the link
/// points there (where the browser keeps its attempt cookie), else to
/// `/p/<sub>`; both on the configured public URL, never a request header.
pub async fn request_candidate_link(
    state: &AppState,
    organization: &organization::Model,
    email_input: &str,
    ip: &str,
    on_portal_host: bool,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let email = admit(&state.db, email_input, ip, now).await?;
    let scope = Scope::Portal {
        organization_id: organization.id,
    };
    let recipient = portal_candidate(&state.db, organization.id, &email)
        .await?
        .map(|candidate_id| Recipient {
            organization_id: organization.id,
            subject_id: candidate_id,
        });
    let (attempt, issued) = record(state, scope, &email, ip, recipient, now).await?;
    if let Some(issued) = issued {
        let link = candidate_link(
            &state.public_url,
            &organization.subdomain,
            on_portal_host,
            &issued.token,
        );
        let name = organization
            .display_name
            .clone()
            .unwrap_or_else(|| organization.name.clone());
        state.outbox.send(sign_in_email(
            issued.organization_id,
            &email,
            Letter::Portal {
                organization: &name,
            },
            &link,
            &issued.code,
        ));
    }
    Ok(attempt)
}

/// The emailed link of a candidate's sign-in.
pub fn candidate_link(
    public_url: &url::Url,
    subdomain: &str,
    on_portal_host: bool,
    token: &str,
) -> String {
    let host_root = on_portal_host
        .then(|| links::portal_subdomain_url(public_url, subdomain))
        .flatten();
    match host_root {
        Some(root) => format!("{root}sign-in/link?token={token}"),
        None => format!(
            "{}/sign-in/link?token={token}",
            links::portal_path_url(public_url, subdomain)
        ),
    }
}

/// The job ids of `organization_id` whose portal is active.
async fn active_job_ids<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
) -> Result<Vec<i64>, AppError> {
    Ok(portal::Entity::find()
        .select_only()
        .column(portal::Column::JobId)
        .filter(portal::Column::OrganizationId.eq(organization_id))
        .filter(portal::Column::Active.eq(true))
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// Applications that open the portal: made as a candidate (not a
/// prospect), not converted, to a job whose portal is active.
fn portal_applications(organization_id: i64, active_jobs: Vec<i64>) -> Condition {
    Condition::all()
        .add(applications::Column::OrganizationId.eq(organization_id))
        .add(applications::Column::Prospect.eq(false))
        .add(applications::Column::Status.ne("converted"))
        .add(applications::Column::JobId.is_in(active_jobs))
}

/// The addresses in a mirrored candidate's `[{value, type}]` list,
/// normalised (unreadable ones left out).
fn addresses_of(candidate: &candidates::Model) -> Vec<String> {
    candidate
        .email_addresses
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|item| item.get("value").and_then(|v| v.as_str()))
                .filter_map(|value| normalize_email(value).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The Greenhouse candidate of `organization_id` who signs in with `email`
/// (normalised): it is one of their addresses, and they have an application
/// that opens the portal. When several people share the address, the one
/// who applied last.
pub async fn portal_candidate<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    email: &str,
) -> Result<Option<i64>, AppError> {
    // The JSON list's text contains the address (a cheap, indexed-by-org
    // filter on both databases); the exact match is checked on the parsed list.
    let escaped: String = email
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            other => vec![other],
        })
        .collect();
    use sea_orm::sea_query::ExprTrait;
    let listed = Func::lower(Func::cast_as(
        Expr::col(candidates::Column::EmailAddresses),
        "TEXT",
    ));
    let people: Vec<i64> = candidates::Entity::find()
        .filter(candidates::Column::OrganizationId.eq(organization_id))
        .filter(Expr::expr(listed).like(LikeExpr::new(format!("%{escaped}%")).escape('\\')))
        .all(db)
        .await?
        .into_iter()
        .filter(|candidate| addresses_of(candidate).iter().any(|a| a == email))
        .map(|candidate| candidate.id)
        .collect();
    if people.is_empty() {
        return Ok(None);
    }
    let active_jobs = active_job_ids(db, organization_id).await?;
    let latest = applications::Entity::find()
        .filter(portal_applications(organization_id, active_jobs))
        .filter(applications::Column::CandidateId.is_in(people))
        .all(db)
        .await?
        .into_iter()
        .max_by_key(|application| (application.created_at, application.id));
    Ok(latest.map(|application| application.candidate_id))
}

/// An address that opens `organization_id`'s portal, for demo mode's hint
/// (the demo's candidates are made up).
pub async fn demo_candidate_email<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
) -> Result<Option<String>, AppError> {
    let active_jobs = active_job_ids(db, organization_id).await?;
    let applications = applications::Entity::find()
        .filter(portal_applications(organization_id, active_jobs))
        .order_by_asc(applications::Column::Id)
        .limit(20)
        .all(db)
        .await?;
    for application in applications {
        let candidate = candidates::Entity::find_by_id((organization_id, application.candidate_id))
            .one(db)
            .await?;
        if let Some(address) = candidate.and_then(|c| addresses_of(&c).into_iter().next()) {
            return Ok(Some(address));
        }
    }
    Ok(None)
}

/// Stores a new link and code for one person, ending their earlier unused
/// ones; returns the raw link token and code (which only the email gets).
async fn issue<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    audience: Audience,
    recipient: Recipient,
    email: &str,
    attempt: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), AppError> {
    sign_in_token::Entity::delete_many()
        .filter(sign_in_token::Column::Audience.eq(audience.as_str()))
        .filter(sign_in_token::Column::OrganizationId.eq(recipient.organization_id))
        .filter(sign_in_token::Column::SubjectId.eq(recipient.subject_id))
        .filter(sign_in_token::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    let token = random_token();
    let code = random_code();
    sign_in_token::ActiveModel {
        audience: Set(audience.as_str().to_owned()),
        organization_id: Set(recipient.organization_id),
        subject_id: Set(recipient.subject_id),
        email: Set(email.to_owned()),
        token_hash: Set(sha256_hex(&token)),
        code_hmac: Set(hmac_hex(state.sign_in_key.as_slice(), &code)),
        attempt_hash: Set(sha256_hex(attempt)),
        failed_codes: Set(0),
        created_at: Set(now),
        expires_at: Set(now + LINK_LIFETIME),
        consumed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((token, code))
}

/// Whom a sign-in email speaks for.
#[derive(Debug, Clone, Copy)]
enum Letter<'a> {
    Dashboard,
    /// An organization's candidate portal, by the name candidates know.
    Portal {
        organization: &'a str,
    },
}

fn sign_in_email(
    organization_id: i64,
    to: &str,
    letter: Letter<'_>,
    link: &str,
    code: &str,
) -> OutgoingEmail {
    let spaced = format!("{}-{}", &code[..4], &code[4..]);
    let (subject, heading) = match letter {
        Letter::Dashboard => (
            "Your Trellis sign-in link".to_owned(),
            "Sign in to Trellis".to_owned(),
        ),
        Letter::Portal { organization } => (
            format!("Your sign-in link for the {organization} candidate portal"),
            format!("Sign in to follow your application at {organization}"),
        ),
    };
    let text = format!(
        "{heading}\n\n\
         Open this link to sign in (it works once, for 15 minutes, in the browser where you asked):\n\
         {link}\n\n\
         Or enter this code on the sign-in page: {spaced}\n\n\
         If you did not ask to sign in, ignore this email; nothing happens without the link or code.\n"
    );
    let html = format!(
        "<p>{heading}</p>\
         <p><a href=\"{link}\">Sign in</a> (works once, for 15 minutes, in the browser where you asked).</p>\
         <p>Or enter this code on the sign-in page: <strong style=\"font-size:20px;letter-spacing:2px\">{spaced}</strong></p>\
         <p>If you did not ask to sign in, ignore this email.</p>",
        heading = escape_html(&heading),
        link = escape_html(link),
    );
    OutgoingEmail {
        organization_id: Some(organization_id),
        to: to.to_owned(),
        subject,
        text,
        html: Some(html),
    }
}

/// Text for an HTML element or a quoted attribute value.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// A live (unused, unexpired, not locked) link of `scope`, looked up
/// without using it.
pub async fn peek_link<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    raw_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<sign_in_token::Model>, AppError> {
    if raw_token.is_empty() || raw_token.len() > 100 {
        return Ok(None);
    }
    Ok(sign_in_token::Entity::find()
        .filter(sign_in_token::Column::TokenHash.eq(sha256_hex(raw_token)))
        .filter(scope.tokens())
        .filter(live(now))
        .one(db)
        .await?)
}

/// What using a link or a code came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signed in as this subject of this organization.
    SignedIn {
        organization_id: i64,
        subject_id: i64,
    },
    /// A live link opened in a browser that did not ask for it.
    OtherBrowser,
    /// A wrong code; this many tries are left.
    WrongCode { tries_left: i32 },
    /// Unknown, used, expired or locked.
    Invalid,
}

/// Marks `token` used if it still is live; true for exactly one caller.
async fn claim<C: ConnectionTrait>(
    db: &C,
    token: &sign_in_token::Model,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let result = sign_in_token::Entity::update_many()
        .col_expr(sign_in_token::Column::ConsumedAt, Expr::value(now))
        .filter(sign_in_token::Column::Id.eq(token.id))
        .filter(live(now))
        .exec(db)
        .await?;
    Ok(if result.rows_affected == 1 {
        Outcome::SignedIn {
            organization_id: token.organization_id,
            subject_id: token.subject_id,
        }
    } else {
        Outcome::Invalid
    })
}

/// Uses a link of `scope` posted from its confirm page by a browser holding
/// `attempt`.
pub async fn use_link<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    raw_token: &str,
    attempt: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some(token) = peek_link(db, scope, raw_token, now).await? else {
        return Ok(Outcome::Invalid);
    };
    let same_browser =
        attempt.is_some_and(|attempt| digests_equal(&sha256_hex(attempt), &token.attempt_hash));
    if !same_browser {
        return Ok(Outcome::OtherBrowser);
    }
    claim(db, &token, now).await
}

/// Uses the emailed code of a `scope` link, typed in the browser that asked
/// (`attempt`).
pub async fn use_code<C: ConnectionTrait>(
    db: &C,
    key: &[u8],
    scope: Scope,
    attempt: Option<&str>,
    typed_code: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some(attempt) = attempt else {
        return Ok(Outcome::Invalid);
    };
    let token = sign_in_token::Entity::find()
        .filter(sign_in_token::Column::AttemptHash.eq(sha256_hex(attempt)))
        .filter(scope.tokens())
        .filter(live(now))
        .order_by_desc(sign_in_token::Column::CreatedAt)
        .one(db)
        .await?;
    let Some(token) = token else {
        return Ok(Outcome::Invalid);
    };
    let code = super::secrets::normalize_code(typed_code);
    if digests_equal(&hmac_hex(key, &code), &token.code_hmac) {
        return claim(db, &token, now).await;
    }
    sign_in_token::Entity::update_many()
        .col_expr(
            sign_in_token::Column::FailedCodes,
            sea_orm::sea_query::ExprTrait::add(Expr::col(sign_in_token::Column::FailedCodes), 1),
        )
        .filter(sign_in_token::Column::Id.eq(token.id))
        .exec(db)
        .await?;
    let tries_left = MAX_CODE_TRIES - token.failed_codes - 1;
    Ok(if tries_left > 0 {
        Outcome::WrongCode { tries_left }
    } else {
        Outcome::Invalid
    })
}

/// The code form's error for a code that did not sign in.
pub fn code_refusal(outcome: &Outcome) -> AppError {
    match outcome {
        Outcome::WrongCode { tries_left } => AppError::invalid(
            "code",
            format!(
                "That code is not right. {tries_left} {} left.",
                if *tries_left == 1 { "try" } else { "tries" }
            ),
        ),
        _ => AppError::invalid(
            "code",
            "This code has expired or can no longer be used. Ask for a new sign-in email.",
        ),
    }
}

/// Tells the client when to try again, for a rate-limited request.
pub fn tell_retry_after(error: &AppError) {
    if let AppError::RateLimited {
        retry_after_seconds,
    } = error
        && let Some(response) = use_context::<ResponseOptions>()
        && let Ok(value) = http::HeaderValue::from_str(&retry_after_seconds.to_string())
    {
        response.insert_header(http::header::RETRY_AFTER, value);
    }
}

/// The attempt cookie this request carries, if any.
pub fn attempt_of_request() -> Option<String> {
    sessions::read_cookie(&request_headers(), ATTEMPT_COOKIE)
}

/// Starts a session after a successful link or code: a new session id (the
/// browser's earlier session of this audience, if any, ends), its cookie
/// set, and the attempt cookie removed.
async fn start_session(
    state: &AppState,
    audience: Audience,
    organization_id: i64,
    subject_id: i64,
) -> Result<(), AppError> {
    let previous = sessions::read_cookie(&request_headers(), audience.cookie_name());
    let raw = sessions::start(
        &state.db,
        audience,
        organization_id,
        subject_id,
        previous.as_deref(),
    )
    .await?;
    set_cookie(sessions::session_cookie(audience, &raw));
    set_cookie(sessions::removal_cookie(ATTEMPT_COOKIE));
    Ok(())
}

/// Starts the recruiter's session after a successful link or code,
/// records `last_sign_in_at`, and goes on to `next` (a dashboard page).
pub async fn finish_recruiter_sign_in(
    state: &AppState,
    organization_id: i64,
    recruiter_id: i64,
    next: Option<String>,
) -> Result<(), AppError> {
    start_session(state, Audience::Recruiter, organization_id, recruiter_id).await?;
    if let Some(account) = recruiter::Entity::find_by_id(recruiter_id)
        .one(&state.db)
        .await?
    {
        let mut active: recruiter::ActiveModel = account.into();
        active.last_sign_in_at = Set(Some(Utc::now()));
        active.update(&state.db).await?;
    }
    see_other(&safe_next(next.as_deref()));
    Ok(())
}

/// Starts the candidate's portal session after a successful link or code
/// and goes to the portal's home page (`home`, an address without the token).
pub async fn finish_candidate_sign_in(
    state: &AppState,
    organization_id: i64,
    candidate_id: i64,
    home: &str,
) -> Result<(), AppError> {
    start_session(state, Audience::Candidate, organization_id, candidate_id).await?;
    see_other(home);
    Ok(())
}

/// The attempt cookie: Strict, so only our own pages send it; 15 minutes.
pub fn attempt_cookie(value: &str) -> http::HeaderValue {
    sessions::cookie(
        ATTEMPT_COOKIE,
        value,
        "Strict",
        Some(LINK_LIFETIME.num_seconds()),
    )
}

/// How many sign-in requests an email hash made (for tests and limits).
pub async fn requests_for<C: ConnectionTrait>(db: &C, email: &str) -> Result<u64, AppError> {
    Ok(sign_in_request::Entity::find()
        .filter(sign_in_request::Column::EmailHash.eq(sha256_hex(email)))
        .count(db)
        .await?)
}

/// Ends this browser's session of `audience` (if any) and removes its cookie.
async fn end_session(state: &AppState, audience: Audience) -> Result<(), AppError> {
    let cookie_name = audience.cookie_name();
    if let Some(raw) = sessions::read_cookie(&request_headers(), cookie_name) {
        sessions::end(&state.db, &raw).await?;
    }
    set_cookie(sessions::removal_cookie(cookie_name));
    Ok(())
}

/// Ends the current dashboard session (if any), removes its cookie and
/// sends the browser to the sign-in page.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    end_session(state, Audience::Recruiter).await?;
    see_other("/admin/sign-in?signed_out=1");
    Ok(())
}

/// Ends the current portal session (if any), removes its cookie and sends
/// the browser to the portal's home page (`home`), which says so.
pub async fn sign_out_candidate(state: &AppState, home: &str) -> Result<(), AppError> {
    end_session(state, Audience::Candidate).await?;
    see_other(&format!("{home}?signed_out=1"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dashboard_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/admin/jobs?page=2")), "/admin/jobs?page=2");
        assert_eq!(safe_next(Some("/admin")), "/admin");
        for bad in [
            "https://evil.example/admin",
            "//evil.example",
            "/admin//evil",
            "/administrator",
            "/admin/sign-in/link?token=x",
            "/p/acme",
            "/admin\\..\\x",
        ] {
            assert_eq!(safe_next(Some(bad)), "/admin", "{bad}");
        }
        assert_eq!(safe_next(None), "/admin");
    }

    #[test]
    fn the_email_carries_the_link_and_a_readable_code() {
        let email = sign_in_email(
            1,
            "a@b.co",
            Letter::Dashboard,
            "http://x/admin/sign-in/link?token=T",
            "ABCD2345",
        );
        assert_eq!(email.subject, "Your Trellis sign-in link");
        assert!(email.text.contains("http://x/admin/sign-in/link?token=T"));
        assert!(email.text.contains("ABCD-2345"));
        assert!(email.html.unwrap_or_default().contains("ABCD-2345"));
    }

    #[test]
    fn a_candidates_email_names_the_organization_escaped_in_html() {
        let email = sign_in_email(
            1,
            "a@b.co",
            Letter::Portal {
                organization: "R&D <Labs>",
            },
            "http://x/p/rd/sign-in/link?token=T",
            "ABCD2345",
        );
        assert_eq!(
            email.subject,
            "Your sign-in link for the R&D <Labs> candidate portal"
        );
        assert!(email.text.contains("your application at R&D <Labs>"));
        let html = email.html.unwrap_or_default();
        assert!(html.contains("R&amp;D &lt;Labs&gt;"), "{html}");
        assert!(
            html.contains(r#"href="http://x/p/rd/sign-in/link?token=T""#),
            "{html}"
        );
        assert!(!html.contains("<Labs>"), "{html}");
    }

    #[test]
    fn candidate_links_open_where_the_candidate_asked_on_the_public_url() {
        let public = url::Url::parse("https://trellis.example").unwrap_or_else(|_| unreachable!());
        assert_eq!(
            candidate_link(&public, "acme", true, "T"),
            "https://acme.trellis.example/sign-in/link?token=T"
        );
        assert_eq!(
            candidate_link(&public, "acme", false, "T"),
            "https://trellis.example/p/acme/sign-in/link?token=T"
        );
        // A public URL on an IP address cannot carry subdomains.
        let ip = url::Url::parse("http://127.0.0.1:3000").unwrap_or_else(|_| unreachable!());
        assert_eq!(
            candidate_link(&ip, "acme", true, "T"),
            "http://127.0.0.1:3000/p/acme/sign-in/link?token=T"
        );
    }
}
