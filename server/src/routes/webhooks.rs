//! `POST /webhooks/greenhouse/{org}`: Greenhouse's webhook deliveries for one
//! organization (`{org}` is its slug).
//!
//! A delivery is trusted only when its `Signature` header is the HMAC-SHA256
//! of the raw body under the organization's webhook secret; anything else is
//! answered 401 and changes nothing. `Greenhouse-Event-ID` makes a delivery
//! apply once. The data changes live in [`changes`].

pub mod changes;

use crate::{connections, secrets::MasterKey, sync::SyncRequests};
use app::ssr::services::organizations;
use axum::{
    Json, Router,
    body::Bytes,
    extract::{DefaultBodyLimit, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
};
use changes::{Event, ProcessError};
use ring::hmac;
use sea_orm::DatabaseConnection;
use serde_json::json;
use std::sync::Arc;

/// The largest body accepted; larger deliveries get 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// The longest `Greenhouse-Event-ID` stored.
const MAX_EVENT_ID_CHARS: usize = 200;

/// What the webhook route needs.
#[derive(Clone)]
pub struct WebhookState {
    pub db: DatabaseConnection,
    pub master_key: Arc<MasterKey>,
    pub sync_requests: SyncRequests,
}

/// The webhook routes, ready to merge into the application's router.
pub fn router<S: Clone + Send + Sync + 'static>(state: WebhookState) -> Router<S> {
    Router::new()
        .route("/webhooks/greenhouse/{org}", post(greenhouse))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    reply(status, json!({ "error": message }))
}

/// The same answer for every authentication failure, so that a caller
/// learns nothing about which organizations are connected.
fn unauthorized(slug: &str, reason: &str) -> Response {
    tracing::warn!(org = %slug, reason, "refused a Greenhouse webhook");
    error(
        StatusCode::UNAUTHORIZED,
        "The webhook signature could not be verified.",
    )
}

async fn greenhouse(
    State(state): State<WebhookState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let internal = |what: &str, cause: &dyn std::fmt::Display| {
        tracing::error!(org = %slug, error = %cause, "webhook: {what}");
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The webhook could not be processed; Greenhouse will retry it.",
        )
    };
    let organization = match organizations::find_by_slug(&state.db, &slug).await {
        Ok(Some(organization)) => organization,
        Ok(None) => return unauthorized(&slug, "unknown organization"),
        Err(e) => return internal("cannot read the organization", &e),
    };
    let connection = match connections::load(&state.db, &state.master_key, organization.id).await {
        Ok(Some(connection)) => connection,
        Ok(None) => return unauthorized(&slug, "the organization is not connected"),
        Err(e) => return internal("cannot read the Greenhouse connection", &e),
    };
    if let Err(reason) = verify_signature(
        &headers,
        &body,
        connection.webhook_secret.expose().as_bytes(),
    ) {
        return unauthorized(&slug, reason);
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(_) => return error(StatusCode::BAD_REQUEST, "The body is not a webhook event."),
    };
    // Greenhouse pings a hook when it is saved; a failed ping disables it.
    if event.action == "ping" {
        return reply(StatusCode::OK, json!({ "status": "ignored" }));
    }
    let event_id = match headers
        .get("greenhouse-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        Some(id) if !id.is_empty() && id.chars().count() <= MAX_EVENT_ID_CHARS => id,
        _ => {
            return error(
                StatusCode::BAD_REQUEST,
                "The Greenhouse-Event-ID header is missing or too long.",
            );
        }
    };
    match changes::process(&state.db, organization.id, event_id, &event).await {
        Ok(processed) => {
            if processed.sync_wanted {
                state.sync_requests.request(organization.id);
            }
            tracing::info!(
                org = %slug,
                action = %event.action,
                event_id,
                outcome = processed.outcome.as_str(),
                "Greenhouse webhook"
            );
            reply(
                StatusCode::OK,
                json!({ "status": processed.outcome.as_str() }),
            )
        }
        Err(ProcessError::Payload { action, field }) => error(
            StatusCode::BAD_REQUEST,
            &format!("The {action} payload has no {field}."),
        ),
        Err(ProcessError::Database(e)) => internal("cannot store the changes", &e),
    }
}

/// Checks `Signature: sha256 <lowercase hex HMAC-SHA256 of the raw body>`
/// in constant time. The error says why, for the log only.
pub fn verify_signature(
    headers: &HeaderMap,
    body: &[u8],
    secret: &[u8],
) -> Result<(), &'static str> {
    let header = headers
        .get("signature")
        .ok_or("no Signature header")?
        .to_str()
        .map_err(|_| "an unreadable Signature header")?;
    let (algorithm, digest) = header
        .trim()
        .split_once(' ')
        .ok_or("a Signature header without an algorithm")?;
    if !algorithm.eq_ignore_ascii_case("sha256") {
        return Err("a Signature with an algorithm other than sha256");
    }
    let tag = hex::decode(digest.trim()).map_err(|_| "a Signature that is not hex")?;
    hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, secret), body, &tag)
        .map_err(|_| "a Signature that does not match the body")
}

/// The `Signature` header value Greenhouse sends for `body` (tests and tools).
pub fn signature_for(secret: &[u8], body: &[u8]) -> String {
    let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, secret), body);
    format!("sha256 {}", hex::encode(tag.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn signed(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert("signature", value);
        }
        headers
    }

    #[test]
    fn only_the_hmac_of_the_exact_body_under_the_secret_verifies() {
        let body = br#"{"action":"ping","payload":{}}"#;
        let good = signature_for(b"secret", body);
        assert!(good.starts_with("sha256 ") && good.len() == 7 + 64);
        assert_eq!(verify_signature(&signed(&good), body, b"secret"), Ok(()));
        assert_eq!(
            verify_signature(&signed(&good.to_uppercase()), body, b"secret"),
            Ok(()),
            "hex and algorithm are case-insensitive"
        );
        assert!(verify_signature(&signed(&good), body, b"other secret").is_err());
        assert!(verify_signature(&signed(&good), br#"{"action":"ping"}"#, b"secret").is_err());
        assert!(verify_signature(&HeaderMap::new(), body, b"secret").is_err());
        for bad in [
            good.replace("sha256 ", "sha1 "),
            good.replace("sha256 ", ""),
            "sha256 zz".to_owned(),
            good[..good.len() - 2].to_owned(),
        ] {
            assert!(
                verify_signature(&signed(&bad), body, b"secret").is_err(),
                "{bad}"
            );
        }
    }
}
