//! Signing recruiters in and out: the request and response side of
//! sessions (cookies, redirects) over `sessions` and the sign-in tokens.

use super::{Audience, sessions};
use crate::error::AppError;
use crate::ssr::AppState;
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// The request's headers (server functions and pages run inside a request).
pub fn request_headers() -> http::HeaderMap {
    use_context::<http::request::Parts>()
        .map(|parts| parts.headers)
        .unwrap_or_default()
}

/// Adds a `Set-Cookie` to the response.
pub fn set_cookie(value: http::HeaderValue) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Ends the current dashboard session (if any), removes its cookie and
/// sends the browser to the sign-in page.
pub async fn sign_out(state: &AppState) -> Result<(), AppError> {
    let cookie_name = Audience::Recruiter.cookie_name();
    if let Some(raw) = sessions::read_cookie(&request_headers(), cookie_name) {
        sessions::end(&state.db, &raw).await?;
    }
    set_cookie(sessions::removal_cookie(cookie_name));
    leptos_axum::redirect("/admin/sign-in?signed_out=1");
    Ok(())
}
