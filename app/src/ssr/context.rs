//! The glue every server function uses: find the state, run the service, and
//! give the HTTP response the error's status code.

use super::AppState;
use super::auth::{CurrentCandidate, CurrentRecruiter};
use crate::domain::Role;
use crate::error::AppError;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use std::future::Future;

/// Runs `service` with the application state; on error, sets the response
/// status from the error (404 for a missing portal, 503 without a database…).
pub async fn with_state<T, F, Fut>(service: F) -> Result<T, AppError>
where
    F: FnOnce(AppState) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let response = use_context::<ResponseOptions>();
    let result = match use_context::<AppState>() {
        Some(state) => service(state).await,
        None => {
            let reference = super::error_reference();
            tracing::error!(%reference, "AppState is missing from the Leptos context");
            Err(AppError::Internal { reference })
        }
    };
    // A plain form post (no JavaScript) is answered with a redirect back to
    // the form, carrying the error in its query string; a status here would
    // replace that redirect.
    if let (Err(error), Some(response)) = (&result, response)
        && !is_plain_form_post()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    result
}

/// After a plain form post (no JavaScript) succeeded, sends the browser on
/// to `landing(value)` with `303 See Other`, so the page it lands on can say
/// what happened. A refused post goes back to the form by itself (see
/// `with_state`); hydrated pages get the result and stay where they are.
pub fn after_plain_form_post<T>(result: &Result<T, AppError>, landing: impl FnOnce(&T) -> String) {
    if let Ok(value) = result
        && is_plain_form_post()
    {
        leptos_axum::redirect(&landing(value));
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(http::StatusCode::SEE_OTHER);
        }
    }
}

/// Whether this request is a server function posted by an HTML form
/// without JavaScript (it accepts HTML; hydrated calls accept JSON).
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts.uri.path().starts_with("/api/")
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

/// Runs `service` for the signed-in recruiter when their role allows
/// `needed`: `Unauthenticated` (401) without a live session, `Forbidden`
/// (403) when the role is too low. The role is checked here, on the server,
/// whatever the page showed. `doing` completes "Your role does not allow
/// this: …", such as "changing settings".
pub async fn with_recruiter<T, F, Fut>(needed: Role, doing: &str, service: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, CurrentRecruiter) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let doing = doing.to_owned();
    with_state(|state| async move {
        let recruiter = current_recruiter().ok_or(AppError::Unauthenticated)?;
        if !recruiter.role.allows(needed) {
            tracing::warn!(
                recruiter = recruiter.recruiter.id,
                role = %recruiter.role,
                %needed,
                %doing,
                "refused: role too low"
            );
            return Err(AppError::forbidden(doing));
        }
        service(state, recruiter).await
    })
    .await
}

/// The recruiter the session middleware found for this request, if any.
pub fn current_recruiter() -> Option<CurrentRecruiter> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentRecruiter>()
        .cloned()
}

/// Runs `service` for the candidate signed in to the portal at
/// `subdomain`: `Unauthenticated` (401) without a live candidate session
/// for that very organization (a session of another organization's portal
/// does not count), `NotFound` when no portal lives there.
pub async fn with_candidate<T, F, Fut>(subdomain: &str, service: F) -> Result<T, AppError>
where
    F: FnOnce(AppState, CurrentCandidate) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let subdomain = subdomain.to_owned();
    with_state(|state| async move {
        let me = current_candidate();
        // The signed-in candidate's own portal needs no lookup (subdomains
        // are unique).
        let own = crate::domain::Subdomain::parse(&subdomain).is_ok_and(|name| {
            me.as_ref()
                .is_some_and(|me| me.organization.subdomain == name.as_str())
        });
        if !own {
            let organization = super::services::portal::organization(&state, &subdomain).await?;
            if me
                .as_ref()
                .is_none_or(|me| me.organization_id() != organization.id)
            {
                return Err(AppError::Unauthenticated);
            }
        }
        let candidate = me.ok_or(AppError::Unauthenticated)?;
        service(state, candidate).await
    })
    .await
}

/// The candidate the session middleware found for this request, if any.
pub fn current_candidate() -> Option<CurrentCandidate> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentCandidate>()
        .cloned()
}

/// The portal subdomain the current request's `Host` header names, if any.
pub fn request_portal_subdomain() -> Option<String> {
    let state = use_context::<AppState>()?;
    let parts = use_context::<http::request::Parts>()?;
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))?;
    crate::domain::portal_subdomain_of(host, state.public_host())
}

/// The Content-Security-Policy of every HTML page, built around the nonce
/// Leptos puts on its own inline scripts. Frames may come only from the
/// video players portal content embeds (loaded when a candidate presses play).
pub fn content_security_policy(nonce: &str, live_reload: bool) -> String {
    let connect = if live_reload { "'self' ws:" } else { "'self'" };
    let frames = crate::domain::blocks::VIDEO_FRAME_SOURCES;
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; font-src 'self'; \
         connect-src {connect}; frame-src {frames}; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

/// Adds the per-response headers of an HTML page (its CSP carries this
/// render's nonce); headers common to every response are added by the router.
pub fn set_security_headers() {
    let (Some(response), Some(nonce)) =
        (use_context::<ResponseOptions>(), leptos::nonce::use_nonce())
    else {
        return;
    };
    let live_reload = std::env::var_os("LEPTOS_WATCH").is_some();
    if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce, live_reload)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
