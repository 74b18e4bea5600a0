//! Signing in by emailed link or code, and signing out (SECURITY.md §1).
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

use super::secrets::{digests_equal, hmac_hex, random_code, random_token, sha256_hex};
use super::{Audience, sessions};
use crate::domain::normalize_email;
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::entities::dashboard::{recruiter, sign_in_request, sign_in_token};
use crate::ssr::mail::OutgoingEmail;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, sea_query::Expr,
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

/// Handles "email me a link". Returns the attempt cookie's value, the same
/// kind of answer whether or not the email has an account.
pub async fn request_link(
    state: &AppState,
    email_input: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let email = normalize_email(email_input).map_err(|m| AppError::invalid("email", m))?;
    let db = &state.db;
    let audience = Audience::Recruiter;

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

    let email_hash = sha256_hex(&email);
    let sent_recently = sign_in_request::Entity::find()
        .filter(sign_in_request::Column::EmailHash.eq(&email_hash))
        .filter(sign_in_request::Column::Sent.eq(true))
        .filter(sign_in_request::Column::CreatedAt.gt(hour_ago))
        .order_by_desc(sign_in_request::Column::CreatedAt)
        .all(db)
        .await?;
    let within_limits = sent_recently.len() as u64 >= PER_EMAIL_PER_HOUR
        || sent_recently
            .first()
            .is_some_and(|last| now - last.created_at < PER_EMAIL_INTERVAL);
    let within_limits = !within_limits;

    let account = recruiter::Entity::find()
        .filter(recruiter::Column::Email.eq(&email))
        .filter(recruiter::Column::DisabledAt.is_null())
        .one(db)
        .await?;
    let attempt = random_token();
    let send = account.filter(|_| within_limits);

    sign_in_request::ActiveModel {
        audience: Set(audience.as_str().to_owned()),
        organization_id: Set(send.as_ref().map(|r| r.organization_id)),
        email_hash: Set(email_hash),
        ip: Set(ip.to_owned()),
        sent: Set(send.is_some()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;

    if let Some(account) = send {
        let (link_token, code) = issue(
            db,
            state,
            audience,
            account.organization_id,
            account.id,
            &email,
            &attempt,
            now,
        )
        .await?;
        let link = state
            .public_url
            .join(&format!("/admin/sign-in/link?token={link_token}"))
            .map(|u| u.to_string())
            .unwrap_or_default();
        state
            .outbox
            .send(sign_in_email(account.organization_id, &email, &link, &code));
    }
    Ok(attempt)
}

/// Stores a new link and code for one person, ending their earlier unused
/// ones; returns the raw link token and code (which only the email gets).
#[allow(clippy::too_many_arguments)]
async fn issue<C: ConnectionTrait>(
    db: &C,
    state: &AppState,
    audience: Audience,
    organization_id: i64,
    subject_id: i64,
    email: &str,
    attempt: &str,
    now: DateTime<Utc>,
) -> Result<(String, String), AppError> {
    sign_in_token::Entity::delete_many()
        .filter(sign_in_token::Column::Audience.eq(audience.as_str()))
        .filter(sign_in_token::Column::OrganizationId.eq(organization_id))
        .filter(sign_in_token::Column::SubjectId.eq(subject_id))
        .filter(sign_in_token::Column::ConsumedAt.is_null())
        .exec(db)
        .await?;
    let token = random_token();
    let code = random_code();
    sign_in_token::ActiveModel {
        audience: Set(audience.as_str().to_owned()),
        organization_id: Set(organization_id),
        subject_id: Set(subject_id),
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

fn sign_in_email(organization_id: i64, to: &str, link: &str, code: &str) -> OutgoingEmail {
    let spaced = format!("{}-{}", &code[..4], &code[4..]);
    let text = format!(
        "Sign in to Trellis\n\n\
         Open this link to sign in (it works once, for 15 minutes, in the browser where you asked):\n\
         {link}\n\n\
         Or enter this code on the sign-in page: {spaced}\n\n\
         If you did not ask to sign in, ignore this email; nothing happens without the link or code.\n"
    );
    let html = format!(
        "<p>Sign in to Trellis</p>\
         <p><a href=\"{link}\">Sign in</a> (works once, for 15 minutes, in the browser where you asked).</p>\
         <p>Or enter this code on the sign-in page: <strong style=\"font-size:20px;letter-spacing:2px\">{spaced}</strong></p>\
         <p>If you did not ask to sign in, ignore this email.</p>"
    );
    OutgoingEmail {
        organization_id: Some(organization_id),
        to: to.to_owned(),
        subject: "Your Trellis sign-in link".to_owned(),
        text,
        html: Some(html),
    }
}

/// A live (unused, unexpired, not locked) link, looked up without using it.
pub async fn peek_link<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    raw_token: &str,
    now: DateTime<Utc>,
) -> Result<Option<sign_in_token::Model>, AppError> {
    if raw_token.is_empty() || raw_token.len() > 100 {
        return Ok(None);
    }
    Ok(sign_in_token::Entity::find()
        .filter(sign_in_token::Column::TokenHash.eq(sha256_hex(raw_token)))
        .filter(sign_in_token::Column::Audience.eq(audience.as_str()))
        .filter(sign_in_token::Column::ConsumedAt.is_null())
        .filter(sign_in_token::Column::ExpiresAt.gt(now))
        .filter(sign_in_token::Column::FailedCodes.lt(MAX_CODE_TRIES))
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
) -> Result<bool, AppError> {
    let result = sign_in_token::Entity::update_many()
        .col_expr(sign_in_token::Column::ConsumedAt, Expr::value(now))
        .filter(sign_in_token::Column::Id.eq(token.id))
        .filter(sign_in_token::Column::ConsumedAt.is_null())
        .filter(sign_in_token::Column::ExpiresAt.gt(now))
        .filter(sign_in_token::Column::FailedCodes.lt(MAX_CODE_TRIES))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn signed_in(token: &sign_in_token::Model) -> Outcome {
    Outcome::SignedIn {
        organization_id: token.organization_id,
        subject_id: token.subject_id,
    }
}

/// Uses a link posted from its confirm page by a browser holding `attempt`.
pub async fn use_link<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    raw_token: &str,
    attempt: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some(token) = peek_link(db, audience, raw_token, now).await? else {
        return Ok(Outcome::Invalid);
    };
    let same_browser =
        attempt.is_some_and(|attempt| digests_equal(&sha256_hex(attempt), &token.attempt_hash));
    if !same_browser {
        return Ok(Outcome::OtherBrowser);
    }
    Ok(if claim(db, &token, now).await? {
        signed_in(&token)
    } else {
        Outcome::Invalid
    })
}

/// Uses the emailed code, typed in the browser that asked (`attempt`).
pub async fn use_code<C: ConnectionTrait>(
    db: &C,
    key: &[u8],
    audience: Audience,
    attempt: Option<&str>,
    typed_code: &str,
    now: DateTime<Utc>,
) -> Result<Outcome, AppError> {
    let Some(attempt) = attempt else {
        return Ok(Outcome::Invalid);
    };
    let token = sign_in_token::Entity::find()
        .filter(sign_in_token::Column::AttemptHash.eq(sha256_hex(attempt)))
        .filter(sign_in_token::Column::Audience.eq(audience.as_str()))
        .filter(sign_in_token::Column::ConsumedAt.is_null())
        .filter(sign_in_token::Column::ExpiresAt.gt(now))
        .filter(sign_in_token::Column::FailedCodes.lt(MAX_CODE_TRIES))
        .order_by_desc(sign_in_token::Column::CreatedAt)
        .one(db)
        .await?;
    let Some(token) = token else {
        return Ok(Outcome::Invalid);
    };
    let code = super::secrets::normalize_code(typed_code);
    if digests_equal(&hmac_hex(key, &code), &token.code_hmac) {
        return Ok(if claim(db, &token, now).await? {
            signed_in(&token)
        } else {
            Outcome::Invalid
        });
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

/// The attempt cookie this request carries, if any.
pub fn attempt_of_request() -> Option<String> {
    sessions::read_cookie(&request_headers(), ATTEMPT_COOKIE)
}

/// Starts the recruiter's session after a successful link or code: a new
/// session id (the browser's old session, if any, ends), the attempt cookie
/// removed, `last_sign_in_at` recorded; then on to `next` (a dashboard page).
pub async fn finish_recruiter_sign_in(
    state: &AppState,
    organization_id: i64,
    recruiter_id: i64,
    next: Option<String>,
) -> Result<(), AppError> {
    let headers = request_headers();
    let previous = sessions::read_cookie(&headers, Audience::Recruiter.cookie_name());
    let raw = sessions::start(
        &state.db,
        Audience::Recruiter,
        organization_id,
        recruiter_id,
        previous.as_deref(),
    )
    .await?;
    if let Some(account) = recruiter::Entity::find_by_id(recruiter_id)
        .one(&state.db)
        .await?
    {
        let mut active: recruiter::ActiveModel = account.into();
        active.last_sign_in_at = Set(Some(Utc::now()));
        active.update(&state.db).await?;
    }
    set_cookie(sessions::session_cookie(Audience::Recruiter, &raw));
    set_cookie(sessions::removal_cookie(ATTEMPT_COOKIE));
    see_other(&safe_next(next.as_deref()));
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

/// Ends the current dashboard session (if any), removes its cookie and
/// sends the browser to the sign-in page.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let cookie_name = Audience::Recruiter.cookie_name();
    if let Some(raw) = sessions::read_cookie(&request_headers(), cookie_name) {
        sessions::end(&state.db, &raw).await?;
    }
    set_cookie(sessions::removal_cookie(cookie_name));
    see_other("/admin/sign-in?signed_out=1");
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
            "http://x/admin/sign-in/link?token=T",
            "ABCD2345",
        );
        assert!(email.text.contains("http://x/admin/sign-in/link?token=T"));
        assert!(email.text.contains("ABCD-2345"));
        assert!(email.html.unwrap_or_default().contains("ABCD-2345"));
    }
}
