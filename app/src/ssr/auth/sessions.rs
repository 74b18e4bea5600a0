//! Server-side sessions. The browser holds a random 256-bit id in a
//! `__Host-` cookie; the database holds only its SHA-256, when it was made
//! and when it was last used. Idle and absolute timeouts are checked here,
//! on every request, and an expired session's row is deleted.

use super::secrets::{random_token, sha256_hex};
use crate::ssr::entities::dashboard::session;
use chrono::{DateTime, Duration, Utc};
use http::{HeaderMap, HeaderValue, header};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

/// Who a session (or a sign-in link) is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Recruiter,
    Candidate,
}

/// Sessions end after this long without a request.
pub const IDLE_TIMEOUT: Duration = Duration::minutes(30);
/// `last_seen_at` is written at most this often, not on every request.
const TOUCH_EVERY: Duration = Duration::seconds(60);

impl Audience {
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Recruiter => "recruiter",
            Audience::Candidate => "candidate",
        }
    }

    /// Separate names, so a portal session never opens the dashboard.
    pub fn cookie_name(self) -> &'static str {
        match self {
            Audience::Recruiter => "__Host-rs",
            Audience::Candidate => "__Host-cs",
        }
    }

    /// Sessions end this long after sign-in, however active.
    pub fn absolute_timeout(self) -> Duration {
        match self {
            Audience::Recruiter => Duration::hours(12),
            Audience::Candidate => Duration::hours(24),
        }
    }
}

/// Starts a session; returns the cookie value. `replacing` (the browser's
/// current cookie, if any) is ended, so the id always changes at sign-in.
pub async fn start<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    organization_id: i64,
    subject_id: i64,
    replacing: Option<&str>,
) -> Result<String, DbErr> {
    if let Some(old) = replacing {
        end(db, old).await?;
    }
    let raw = random_token();
    let now = Utc::now();
    session::ActiveModel {
        id_hash: Set(sha256_hex(&raw)),
        audience: Set(audience.as_str().to_owned()),
        organization_id: Set(organization_id),
        subject_id: Set(subject_id),
        created_at: Set(now),
        last_seen_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(raw)
}

/// Why a session no longer counts.
fn expired(row: &session::Model, audience: Audience, now: DateTime<Utc>) -> bool {
    now - row.last_seen_at >= IDLE_TIMEOUT || now - row.created_at >= audience.absolute_timeout()
}

/// The live session behind a cookie value, touching it; `None` (and the row
/// deleted) when it is unknown, for another audience, or timed out.
pub async fn resume<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, DbErr> {
    let Some(row) = session::Entity::find_by_id(sha256_hex(raw)).one(db).await? else {
        return Ok(None);
    };
    keep_alive(db, audience, row, now).await
}

/// A session row just read (see [`resume`]): `None` (and the row deleted
/// when timed out) unless it is live and for `audience`; touched when due.
pub async fn keep_alive<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    row: session::Model,
    now: DateTime<Utc>,
) -> Result<Option<session::Model>, DbErr> {
    if row.audience != audience.as_str() {
        return Ok(None);
    }
    if expired(&row, audience, now) {
        session::Entity::delete_by_id(row.id_hash).exec(db).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        let mut active: session::ActiveModel = row.clone().into();
        active.last_seen_at = Set(now);
        return Ok(Some(active.update(db).await?));
    }
    Ok(Some(row))
}

/// Ends one session (sign-out).
pub async fn end<C: ConnectionTrait>(db: &C, raw: &str) -> Result<(), DbErr> {
    session::Entity::delete_by_id(sha256_hex(raw))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of one person ("sign out everywhere", disabling).
pub async fn end_all<C: ConnectionTrait>(
    db: &C,
    audience: Audience,
    subject_id: i64,
) -> Result<u64, DbErr> {
    let result = session::Entity::delete_many()
        .filter(session::Column::Audience.eq(audience.as_str()))
        .filter(session::Column::SubjectId.eq(subject_id))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// `Set-Cookie` for a `__Host-` cookie: Secure, HttpOnly, Path=/, no Domain.
/// Browsers accept Secure cookies from `http://localhost` too.
pub fn cookie(name: &str, value: &str, same_site: &str, max_age: Option<i64>) -> HeaderValue {
    let max_age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    let text = format!("{name}={value}; Path=/; Secure; HttpOnly; SameSite={same_site}{max_age}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session cookie for `audience`; it lives as long as the browser does,
/// and the server ends it earlier.
pub fn session_cookie(audience: Audience, value: &str) -> HeaderValue {
    cookie(audience.cookie_name(), value, "Lax", None)
}

/// A `Set-Cookie` that removes cookie `name`.
pub fn removal_cookie(name: &str) -> HeaderValue {
    cookie(name, "", "Lax", Some(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(cookie: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(cookie) {
            map.insert(header::COOKIE, value);
        }
        map
    }

    #[test]
    fn cookies_are_read_by_exact_name() {
        let map = headers("a=1; __Host-rs=abc; __Host-rsx=no");
        assert_eq!(read_cookie(&map, "__Host-rs").as_deref(), Some("abc"));
        assert_eq!(read_cookie(&map, "__Host-cs"), None);
        assert_eq!(read_cookie(&headers("__Host-rs="), "__Host-rs"), None);
    }

    #[test]
    fn session_cookies_have_every_protective_attribute() {
        let value = session_cookie(Audience::Recruiter, "v");
        let text = value.to_str().unwrap_or_default();
        assert!(text.starts_with("__Host-rs=v;"));
        for attribute in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"] {
            assert!(text.contains(attribute), "{text} lacks {attribute}");
        }
        assert!(!text.contains("Domain"));
    }

    #[test]
    fn timeouts_differ_by_audience() {
        let now = Utc::now();
        let row = |created: Duration, seen: Duration| session::Model {
            id_hash: String::new(),
            audience: String::new(),
            organization_id: 1,
            subject_id: 1,
            created_at: now - created,
            last_seen_at: now - seen,
        };
        assert!(!expired(
            &row(Duration::hours(1), Duration::minutes(29)),
            Audience::Recruiter,
            now
        ));
        assert!(expired(
            &row(Duration::hours(1), Duration::minutes(30)),
            Audience::Recruiter,
            now
        ));
        assert!(expired(
            &row(Duration::hours(12), Duration::zero()),
            Audience::Recruiter,
            now
        ));
        assert!(!expired(
            &row(Duration::hours(12), Duration::zero()),
            Audience::Candidate,
            now
        ));
        assert!(expired(
            &row(Duration::hours(24), Duration::zero()),
            Audience::Candidate,
            now
        ));
    }
}
