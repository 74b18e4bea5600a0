//! The session middleware: finds the signed-in recruiter behind the
//! `__Host-rs` cookie and the signed-in candidate behind `__Host-cs`, puts
//! them in the request's extensions for pages and server functions, sends signed-out browsers from dashboard pages to the
//! sign-in page, and marks every personal response `no-store`.

use app::ssr::{
    AppState,
    auth::{Audience, resume_candidate, resume_recruiter, sessions},
};
use axum::{
    extract::{Request, State},
    http::{HeaderValue, Method, header},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};

/// Dashboard pages anyone may open: signing in, and the dev mailbox.
fn is_public_admin_path(path: &str) -> bool {
    path == "/admin/sign-in" || path.starts_with("/admin/sign-in/")
}

/// Paths whose answers depend on who asks.
fn is_personal_path(path: &str) -> bool {
    path == "/admin"
        || ["/admin/", "/api/", "/dev/", "/p/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
}

/// Whether `path` belongs to the dashboard (or its dev mailbox), which
/// lives on the public host only.
fn is_dashboard_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/") || path.starts_with("/dev/")
}

pub async fn load_sessions(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    // The dashboard on a portal host (`acme.localhost/admin`) would have no
    // session there (the cookie is host-only): send it to the public host.
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if is_dashboard_path(&path)
        && app::domain::portal_subdomain_of(host, state.public_host()).is_some()
        && let Ok(target) = state.public_url.join(&path)
    {
        return Redirect::permanent(target.as_str()).into_response();
    }
    let cookie = sessions::read_cookie(request.headers(), Audience::Recruiter.cookie_name());
    let mut stale_cookie = false;
    if let Some(raw) = cookie.as_deref() {
        match resume_recruiter(&state.db, raw, chrono::Utc::now()).await {
            Ok(Some(recruiter)) => {
                request.extensions_mut().insert(recruiter);
            }
            Ok(None) => stale_cookie = true,
            Err(error) => tracing::error!(%error, "cannot read the session"),
        }
    }
    let candidate_cookie =
        sessions::read_cookie(request.headers(), Audience::Candidate.cookie_name());
    let mut stale_candidate_cookie = false;
    if let Some(raw) = candidate_cookie.as_deref() {
        match resume_candidate(&state.db, raw, chrono::Utc::now()).await {
            Ok(Some(candidate)) => {
                request.extensions_mut().insert(candidate);
            }
            Ok(None) => stale_candidate_cookie = true,
            Err(error) => tracing::error!(%error, "cannot read the candidate session"),
        }
    }
    let signed_in = request
        .extensions()
        .get::<app::ssr::auth::CurrentRecruiter>()
        .is_some();
    let page_request = matches!(*request.method(), Method::GET | Method::HEAD);
    let mut response = if page_request
        && !signed_in
        && (path == "/admin" || path.starts_with("/admin/"))
        && !is_public_admin_path(&path)
    {
        let next = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        Redirect::to(&format!("/admin/sign-in?next={next}")).into_response()
    } else {
        next.run(request).await
    };
    let sets_cookies = response.headers().contains_key(header::SET_COOKIE);
    for (stale, audience) in [
        (stale_cookie, Audience::Recruiter),
        (stale_candidate_cookie, Audience::Candidate),
    ] {
        if stale && !sets_cookies {
            response.headers_mut().append(
                header::SET_COOKIE,
                sessions::removal_cookie(audience.cookie_name()),
            );
        }
    }
    if is_personal_path(&path) || cookie.is_some() || candidate_cookie.is_some() {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // A sign-in link's page must not leak its token to anything it loads.
    if path.starts_with("/admin/sign-in/link") || path.ends_with("/sign-in/link") {
        response.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_pages_are_public_and_the_rest_of_the_dashboard_is_not() {
        assert!(is_public_admin_path("/admin/sign-in"));
        assert!(is_public_admin_path("/admin/sign-in/link"));
        assert!(!is_public_admin_path("/admin/sign-inx"));
        assert!(!is_public_admin_path("/admin/settings"));
    }

    #[test]
    fn dashboard_paths_are_recognised() {
        assert!(is_dashboard_path("/admin"));
        assert!(is_dashboard_path("/admin/jobs"));
        assert!(is_dashboard_path("/dev/mailbox"));
        assert!(!is_dashboard_path("/"));
        assert!(!is_dashboard_path("/administrator"));
    }

    #[test]
    fn personal_paths_are_recognised() {
        assert!(is_personal_path("/admin"));
        assert!(is_personal_path("/admin/jobs"));
        assert!(is_personal_path("/api/get_jobs"));
        assert!(!is_personal_path("/pkg/trellis.js"));
        assert!(!is_personal_path("/administrator"));
    }
}
