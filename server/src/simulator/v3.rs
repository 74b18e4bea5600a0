//! Harvest v3: the OAuth token endpoint (client credentials) and
//! `GET /v3/<resource>` for the 22 mirrored resources (V3.md §2–§4): bare JSON
//! arrays of the entity models, id descending, `per_page` 1–500, an opaque
//! URL-safe base64 `cursor` in `Link: <…>; rel="next"` that carries the
//! filters and the last id served.
//!
//! Filters: `ids` (≤ 50), date filters `created_at`/`updated_at` (and any
//! other `*_at` field of the resource, e.g. `last_activity_at`) written
//! `gte|<time>[|lte|<time>]` with `gte`, `lte`, `gt`, `lt`; `<name>_ids` on
//! resources with a `<name>_id` field; `status` (applications take `active`
//! for `in_process`); `active` where rows have it; `fields` (sparse rows).
//! Unknown parameters are ignored. `job_posts` lists only active posts unless
//! `active=false` is given, so a client wanting deleted posts must ask twice.

use super::{
    Refusal, Simulator, json_response,
    limits::{Caller, basic_credentials},
    origin,
    tables::{Row, Visit, position_below},
};
use app::domain::Resource;
use axum::{
    Extension, Router,
    body::Bytes,
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

const MAX_PER_PAGE: usize = 500;
const DEFAULT_PER_PAGE: usize = 100;
const MAX_IDS: usize = 50;

pub fn routes() -> Router<Simulator> {
    Router::new().route("/v3/{resource}", get(list))
}

/// An issued access token.
struct Token {
    client_id: String,
    user_id: Option<i64>,
    expires_at: DateTime<Utc>,
    revoked: bool,
}

/// Every access token handed out (expired ones are forgotten after a while).
#[derive(Default)]
pub struct Tokens {
    issued: HashMap<String, Token>,
}

fn unauthorized(message: &str) -> Refusal {
    Refusal(
        StatusCode::UNAUTHORIZED,
        json!({"message": "Unauthorized", "errors": [message]}),
    )
}

/// The v3 caller: a current bearer token.
pub fn caller(sim: &Simulator, headers: &HeaderMap) -> Result<Caller, Refusal> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .ok_or_else(|| unauthorized("Missing bearer access token."))?;
    let tokens = sim.tokens();
    let issued = tokens
        .issued
        .get(&token)
        .ok_or_else(|| unauthorized("Invalid access token."))?;
    if issued.revoked {
        return Err(unauthorized(
            "Token has already been refreshed or revoked. Please generate a new token.",
        ));
    }
    if Utc::now() >= issued.expires_at {
        return Err(unauthorized(
            "Token has expired. Please generate a new token.",
        ));
    }
    Ok(Caller {
        bucket: format!("v3:{}", issued.client_id),
        client_id: Some(issued.client_id.clone()),
        user_id: issued.user_id,
    })
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({"error": error, "error_description": description}),
    )
}

/// `POST /token`: Basic `client_id:client_secret`, form
/// `grant_type=client_credentials[&sub=<user id>]`.
pub async fn token(State(sim): State<Simulator>, headers: HeaderMap, body: Bytes) -> Response {
    let config = &sim.inner.config;
    let known = |id: &str, secret: &str| {
        (id == config.client_id && secret == config.client_secret)
            || config
                .extra_clients
                .iter()
                .any(|c| c.client_id == id && c.client_secret == secret)
    };
    let client_id = match basic_credentials(&headers) {
        Some((id, secret)) if known(&id, &secret) => id,
        _ => {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            );
        }
    };
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only client_credentials is supported.",
        );
    }
    let user_id = match form.get("sub").filter(|s| !s.is_empty()) {
        None => None,
        Some(sub) => {
            let known = sub.parse::<i64>().ok().and_then(|id| {
                let data = sim.read();
                super::tables::find(&data.tables.users, id)
                    .filter(|u| !u.deactivated)
                    .map(|u| u.id)
            });
            match known {
                Some(id) => Some(id),
                None => {
                    return oauth_error(
                        StatusCode::BAD_REQUEST,
                        "invalid_grant",
                        "sub is not the id of an active user of this account.",
                    );
                }
            }
        }
    };
    let now = Utc::now();
    let expires_at =
        now + chrono::TimeDelta::from_std(config.token_ttl).unwrap_or(chrono::TimeDelta::hours(1));
    let access_token = new_token(&client_id, user_id, expires_at);
    {
        let mut tokens = sim.tokens();
        tokens
            .issued
            .retain(|_, t| t.expires_at + chrono::TimeDelta::minutes(5) > now);
        if config.single_active_token {
            for t in tokens
                .issued
                .values_mut()
                .filter(|t| t.client_id == client_id)
            {
                t.revoked = true;
            }
        }
        let token = Token {
            client_id: client_id.clone(),
            user_id,
            expires_at,
            revoked: false,
        };
        tokens.issued.insert(access_token.clone(), token);
    }
    sim.inner
        .stats
        .tokens_issued
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    json_response(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "token_type": "bearer",
            "expires_at": expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        }),
    )
}

/// A JWT-shaped opaque token: header.claims.random (never verified, only looked up).
fn new_token(client_id: &str, user_id: Option<i64>, expires_at: DateTime<Utc>) -> String {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let claims = json!({"iss": "trellis-simulator", "client_id": client_id, "sub": user_id, "exp": expires_at.timestamp()});
    format!(
        "{}.{}.{}",
        b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        b64.encode(claims.to_string()),
        b64.encode(rand::random::<[u8; 24]>())
    )
}

fn unprocessable(message: impl Into<String>) -> Response {
    json_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({"errors": [message.into()]}),
    )
}

/// `GET /v3/{resource}`.
async fn list(
    State(sim): State<Simulator>,
    Path(name): Path<String>,
    Extension(caller): Extension<Caller>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(resource) = Resource::from_name(&name) else {
        return json_response(
            StatusCode::NOT_FOUND,
            &json!({"errors": [format!("No such endpoint: /v3/{name}")]}),
        );
    };
    let scope = resource.v3_scope();
    if let Some(Some(granted)) = caller.client_id.as_deref().and_then(|id| sim.scopes_of(id))
        && !granted.contains(&scope)
    {
        let message = format!("Missing OAuth scope {scope}: this credential may not list {name}.");
        return json_response(
            StatusCode::FORBIDDEN,
            &json!({"message": "Forbidden", "errors": [message]}),
        );
    }
    let data = sim.read();
    if let Some(user_id) = caller.user_id
        && !super::tables::find(&data.tables.users, user_id)
            .is_some_and(|u| u.site_admin && !u.deactivated)
    {
        let message = format!(
            "User {user_id} is not a Site Admin: list endpoints require authorization by a Site Admin."
        );
        return json_response(
            StatusCode::FORBIDDEN,
            &json!({"message": "Forbidden", "errors": [message]}),
        );
    }
    let fields = data.tables.visit(resource, FieldNames);
    let listing = match Listing::parse(resource, query.as_deref().unwrap_or_default(), &fields) {
        Ok(listing) => listing,
        Err(message) => return unprocessable(message),
    };
    let (body, last) = data.tables.visit(resource, &listing);
    drop(data);
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body,
    )
        .into_response();
    if let Some(last) = last {
        let link = format!(
            "<{}/v3/{name}?cursor={}>; rel=\"next\"",
            origin(&headers),
            listing.cursor(last)
        );
        if let Ok(value) = link.parse() {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    response
}

/// What a cursor carries: the first request's parameters and the last id served.
#[derive(Serialize, Deserialize)]
struct Cursor {
    #[serde(rename = "q")]
    params: Vec<(String, String)>,
    #[serde(rename = "n")]
    per_page: usize,
    #[serde(rename = "l")]
    last_id: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Gte,
    Lte,
    Gt,
    Lt,
}

/// One page request, parsed and validated.
#[derive(Debug, Default)]
struct Listing {
    /// The filters as given (what the cursor repeats).
    params: Vec<(String, String)>,
    per_page: usize,
    /// Only ids below this one (the cursor's last id).
    below: Option<i64>,
    ids: Option<HashSet<i64>>,
    times: Vec<(String, Op, DateTime<Utc>)>,
    /// Filters read from the row's JSON: a field and the values it may have.
    json: Vec<(String, Vec<Value>)>,
    fields: Option<Vec<String>>,
}

/// The field names of a resource's rows (from its first row).
struct FieldNames;
impl Visit for FieldNames {
    type Output = HashSet<String>;
    fn visit<R: Row>(self, rows: &[R]) -> HashSet<String> {
        match rows.first().map(serde_json::to_value) {
            Some(Ok(Value::Object(map))) => map.into_iter().map(|(k, _)| k).collect(),
            _ => HashSet::new(),
        }
    }
}

fn id_list(name: &str, value: &str) -> Result<HashSet<i64>, String> {
    let ids: Vec<i64> = value
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("{name} must be a comma-separated list of integer ids."))
        })
        .collect::<Result<_, _>>()?;
    if ids.len() > MAX_IDS {
        return Err(format!("{name} accepts at most {MAX_IDS} ids."));
    }
    Ok(ids.into_iter().collect())
}

/// `gte|2024-01-01T00:00:00Z|lte|…` → (op, time) pairs.
fn date_filter(name: &str, value: &str) -> Result<Vec<(Op, DateTime<Utc>)>, String> {
    let invalid = || {
        format!(
            "Invalid {name} filter {value:?}: expected gte|<ISO-8601 time>[|lte|<ISO-8601 time>]."
        )
    };
    let parts: Vec<&str> = value.split('|').collect();
    if !parts.len().is_multiple_of(2) || parts.is_empty() || parts.len() > 4 {
        return Err(invalid());
    }
    parts
        .chunks(2)
        .map(|pair| {
            let op = match pair[0] {
                "gte" => Op::Gte,
                "lte" => Op::Lte,
                "gt" => Op::Gt,
                "lt" => Op::Lt,
                _ => return Err(invalid()),
            };
            let at = DateTime::parse_from_rfc3339(pair[1])
                .or_else(|_| DateTime::parse_from_str(pair[1], "%Y-%m-%dT%H:%M:%S%.f%z"))
                .map_err(|_| invalid())?;
            Ok((op, at.with_timezone(&Utc)))
        })
        .collect()
}

impl Listing {
    fn parse(resource: Resource, query: &str, fields: &HashSet<String>) -> Result<Listing, String> {
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        if let Some((_, cursor)) = params.iter().find(|(k, _)| k == "cursor") {
            if params.len() > 1 {
                return Err("When passing a cursor, do not include other query params.".to_owned());
            }
            let cursor: Cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(cursor.trim_end_matches('='))
                .ok()
                .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                .ok_or_else(|| "The cursor is invalid or has expired.".to_owned())?;
            let mut listing = Listing::filters(resource, cursor.params, fields)?;
            listing.per_page = cursor.per_page.clamp(1, MAX_PER_PAGE);
            listing.below = Some(cursor.last_id);
            return Ok(listing);
        }
        let per_page = match params.iter().find(|(k, _)| k == "per_page") {
            None => DEFAULT_PER_PAGE,
            Some((_, value)) => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PER_PAGE).contains(&n) => n,
                _ => {
                    return Err(format!(
                        "per_page must be an integer between 1 and {MAX_PER_PAGE}."
                    ));
                }
            },
        };
        let filters = params
            .into_iter()
            .filter(|(k, _)| k != "per_page")
            .collect();
        Ok(Listing {
            per_page,
            ..Listing::filters(resource, filters, fields)?
        })
    }

    fn filters(
        resource: Resource,
        params: Vec<(String, String)>,
        fields: &HashSet<String>,
    ) -> Result<Listing, String> {
        let mut listing = Listing::default();
        for (name, value) in &params {
            let field_of_ids = name.strip_suffix("_ids").map(|stem| format!("{stem}_id"));
            if name == "ids" {
                listing.ids = Some(id_list(name, value)?);
            } else if name.ends_with("_at") && (fields.contains(name) || fields.is_empty()) {
                listing.times.extend(
                    date_filter(name, value)?
                        .into_iter()
                        .map(|(op, at)| (name.clone(), op, at)),
                );
            } else if let Some(field) = field_of_ids.filter(|f| fields.contains(f)) {
                listing.json.push((
                    field,
                    id_list(name, value)?.into_iter().map(Value::from).collect(),
                ));
            } else if name == "status" && fields.contains("status") {
                let status = if resource == Resource::Applications && value == "active" {
                    "in_process"
                } else {
                    value
                };
                listing
                    .json
                    .push(("status".to_owned(), vec![Value::from(status)]));
            } else if name == "active" && fields.contains("active") {
                let active = value
                    .parse::<bool>()
                    .map_err(|_| "active must be true or false.".to_owned())?;
                listing
                    .json
                    .push(("active".to_owned(), vec![Value::from(active)]));
            } else if name == "fields" {
                listing.fields = Some(
                    value
                        .split(',')
                        .map(|f| f.trim().to_owned())
                        .filter(|f| !f.is_empty())
                        .collect(),
                );
            }
        }
        if resource == Resource::JobPosts
            && !listing.json.iter().any(|(field, _)| field == "active")
        {
            listing
                .json
                .push(("active".to_owned(), vec![Value::from(true)]));
        }
        listing.params = params;
        Ok(listing)
    }

    fn cursor(&self, last_id: i64) -> String {
        let cursor = Cursor {
            params: self.params.clone(),
            per_page: self.per_page,
            last_id,
        };
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&cursor).unwrap_or_default())
    }

    fn matches<R: Row>(&self, row: &R) -> bool {
        if self
            .ids
            .as_ref()
            .is_some_and(|ids| !ids.contains(&row.id()))
        {
            return false;
        }
        let times_ok = self.times.iter().all(|(field, op, at)| {
            row.time(field).is_some_and(|t| match op {
                Op::Gte => t >= *at,
                Op::Lte => t <= *at,
                Op::Gt => t > *at,
                Op::Lt => t < *at,
            })
        });
        if !times_ok {
            return false;
        }
        if self.json.is_empty() {
            return true;
        }
        let Ok(json) = serde_json::to_value(row) else {
            return false;
        };
        self.json
            .iter()
            .all(|(field, allowed)| json.get(field).is_some_and(|v| allowed.contains(v)))
    }

    fn project(&self, row: Value, fields: &[String]) -> Value {
        match row {
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| k == "id" || fields.iter().any(|f| f == k))
                    .collect(),
            ),
            other => other,
        }
    }
}

/// Renders one page: the JSON body and, when more rows match, the last id served.
impl Visit for &Listing {
    type Output = (Vec<u8>, Option<i64>);

    fn visit<R: Row>(self, rows: &[R]) -> (Vec<u8>, Option<i64>) {
        let end = self.below.map_or(rows.len(), |id| position_below(rows, id));
        let mut page: Vec<&R> = Vec::with_capacity(self.per_page.min(end));
        let mut more = false;
        for row in rows[..end].iter().rev().filter(|row| self.matches(*row)) {
            if page.len() == self.per_page {
                more = true;
                break;
            }
            page.push(row);
        }
        let last = page.last().map(|row| row.id()).filter(|_| more);
        let body = match &self.fields {
            Some(fields) => {
                let rows: Vec<Value> = page
                    .iter()
                    .map(|row| {
                        self.project(serde_json::to_value(row).unwrap_or(Value::Null), fields)
                    })
                    .collect();
                serde_json::to_vec(&rows)
            }
            None => serde_json::to_vec(&page),
        };
        (body.unwrap_or_else(|_| b"[]".to_vec()), last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> HashSet<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    #[test]
    fn cursors_must_come_alone_and_be_ours() {
        let f = fields(&["id", "updated_at"]);
        let err = Listing::parse(Resource::Jobs, "cursor=abc&per_page=5", &f).unwrap_err();
        assert_eq!(
            err,
            "When passing a cursor, do not include other query params."
        );
        assert!(Listing::parse(Resource::Jobs, "cursor=%%%", &f).is_err());
        let first = Listing::parse(
            Resource::Jobs,
            "per_page=5&updated_at=gte|2025-01-01T00:00:00Z",
            &f,
        )
        .unwrap();
        let next =
            Listing::parse(Resource::Jobs, &format!("cursor={}", first.cursor(42)), &f).unwrap();
        assert_eq!(
            (next.per_page, next.below, next.times.len()),
            (5, Some(42), 1)
        );
    }

    #[test]
    fn filters_are_validated() {
        let f = fields(&[
            "id",
            "updated_at",
            "created_at",
            "job_id",
            "status",
            "active",
        ]);
        for bad in [
            "per_page=0",
            "per_page=501",
            "per_page=x",
            "ids=1,x",
            "updated_at=since|2025-01-01T00:00:00Z",
            "updated_at=gte|yesterday",
            "job_ids=a",
            "active=maybe",
        ] {
            assert!(
                Listing::parse(Resource::Applications, bad, &f).is_err(),
                "{bad}"
            );
        }
        let many: Vec<String> = (0..51).map(|i| i.to_string()).collect();
        assert!(Listing::parse(Resource::Jobs, &format!("ids={}", many.join(",")), &f).is_err());
        let ok = Listing::parse(Resource::Applications, "status=active&job_ids=1,2&unknown=1&updated_at=gte|2025-01-01T00:00:00Z|lt|2025-02-01T00:00:00%2B0000", &f).unwrap();
        assert_eq!(
            ok.json[0],
            ("status".to_owned(), vec![Value::from("in_process")])
        );
        assert_eq!(ok.times.len(), 2);
        let posts = Listing::parse(Resource::JobPosts, "", &f).unwrap();
        assert_eq!(
            posts.json,
            vec![("active".to_owned(), vec![Value::from(true)])],
            "deleted posts are hidden by default"
        );
    }
}
