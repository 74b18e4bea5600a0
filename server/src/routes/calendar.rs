//! "Add to calendar": an interview of the signed-in candidate as an
//! iCalendar file (RFC 5545).
//!
//! `GET /p/{subdomain}/applications/{application}/interviews/{interview}/calendar.ics`,
//! and on a portal host (`acme.<public host>`) the same path without the
//! `/p/{subdomain}` prefix. Without a session of that organization's
//! portal, or for another candidate's or another organization's ids, the
//! answer is the same 404 as for ids that do not exist. Mount it inside the
//! session middleware.

use app::ssr::{
    AppState,
    auth::CurrentCandidate,
    services::{candidate_portal, portal},
};
use axum::{
    Extension, Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/p/{subdomain}/applications/{application_id}/interviews/{interview_id}/calendar.ics",
            get(by_path),
        )
        .route(
            "/applications/{application_id}/interviews/{interview_id}/calendar.ics",
            get(on_portal_host),
        )
}

async fn by_path(
    State(state): State<AppState>,
    Path((subdomain, application_id, interview_id)): Path<(String, String, String)>,
    candidate: Option<Extension<CurrentCandidate>>,
) -> Response {
    calendar(
        &state,
        &subdomain,
        &application_id,
        &interview_id,
        candidate.map(|Extension(me)| me),
    )
    .await
}

async fn on_portal_host(
    State(state): State<AppState>,
    Path((application_id, interview_id)): Path<(String, String)>,
    headers: HeaderMap,
    candidate: Option<Extension<CurrentCandidate>>,
) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let Some(subdomain) = app::domain::portal_subdomain_of(host, state.public_host()) else {
        return not_found();
    };
    calendar(
        &state,
        &subdomain,
        &application_id,
        &interview_id,
        candidate.map(|Extension(me)| me),
    )
    .await
}

fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CACHE_CONTROL, "no-store")],
        "Not found",
    )
        .into_response()
}

async fn calendar(
    state: &AppState,
    subdomain: &str,
    application_id: &str,
    interview_id: &str,
    candidate: Option<CurrentCandidate>,
) -> Response {
    let (Ok(application_id), Ok(interview_id)) =
        (application_id.parse::<i64>(), interview_id.parse::<i64>())
    else {
        return not_found();
    };
    let organization = match portal::organization(state, subdomain).await {
        Ok(organization) => organization,
        Err(error) => return failure(error),
    };
    // A session of another organization's portal does not count here.
    let Some(me) = candidate.filter(|me| me.organization_id() == organization.id) else {
        return not_found();
    };
    match candidate_portal::calendar(state, &me, application_id, interview_id, chrono::Utc::now())
        .await
    {
        Ok(file) => {
            let disposition =
                HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.filename))
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/calendar; charset=utf-8"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
                file.body,
            )
                .into_response()
        }
        Err(error) => failure(error),
    }
}

fn failure(error: app::error::AppError) -> Response {
    match StatusCode::from_u16(error.status_code()) {
        Ok(StatusCode::NOT_FOUND) | Err(_) => not_found(),
        Ok(status) => (
            status,
            [(header::CACHE_CONTROL, "no-store")],
            error.to_string(),
        )
            .into_response(),
    }
}
