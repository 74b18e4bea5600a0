//! Recruiter sign-in by emailed link or code, and sign-out. Every function
//! here ends in a redirect, so the forms behave the same with and without
//! JavaScript.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the confirm page shows about a link before it is used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkPreview {
    /// `a…@example.com`: enough to recognise, not to harvest.
    pub email_hint: String,
}

/// What a sign-in page may tell a visitor about this set-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SignInHints {
    /// Mail goes to the dev mailbox (no SMTP server configured).
    pub dev_mailbox: bool,
    /// Demo mode only: an address to try (the demo admin's on the
    /// dashboard, one of the portal's made-up candidates on a portal).
    pub demo_email: Option<String>,
}

/// The hints of the dashboard's sign-in pages (no `subdomain`) or of the
/// portal at `subdomain` (not found for an unknown one).
#[server(endpoint = "get_sign_in_hints")]
pub async fn get_sign_in_hints(subdomain: Option<String>) -> Result<SignInHints, AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move {
        let demo_email = match subdomain {
            None => state.demo_admin_email.clone(),
            Some(subdomain) => {
                let organization = sign_in::portal_organization(&state, &subdomain).await?;
                match state.demo_admin_email {
                    Some(_) => sign_in::demo_candidate_email(&state.db, organization.id).await?,
                    None => None,
                }
            }
        };
        Ok(SignInHints {
            dev_mailbox: state.dev_mailbox,
            demo_email,
        })
    })
    .await
}

/// "Email me a sign-in link". The answer is the same whether or not the
/// address has an account: the "check your email" page.
#[server(endpoint = "request_sign_in")]
pub async fn request_sign_in(email: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move {
        let ip = sign_in::request_ip();
        let attempt = sign_in::request_link(&state, &email, &ip, chrono::Utc::now())
            .await
            .inspect_err(sign_in::tell_retry_after)?;
        sign_in::set_cookie(sign_in::attempt_cookie(&attempt));
        let next = sign_in::safe_next(next.as_deref());
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("next", &next)
            .finish();
        sign_in::see_other(&format!("/admin/sign-in/check-email?{query}"));
        Ok(())
    })
    .await
}

/// Checks a link without using it, for its confirm page.
#[server(endpoint = "preview_sign_in_link")]
pub async fn preview_sign_in_link(token: String) -> Result<LinkPreview, AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move {
        let token = sign_in::peek_link(
            &state.db,
            sign_in::Scope::Dashboard,
            &token,
            chrono::Utc::now(),
        )
        .await?
        .ok_or_else(|| AppError::not_found("This sign-in link"))?;
        Ok(LinkPreview {
            email_hint: email_hint(&token.email),
        })
    })
    .await
}

/// `ada@example.com` → `a…@example.com`.
pub fn email_hint(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}…@{domain}")
        }
        None => "…".to_owned(),
    }
}

/// The confirm page's button: uses the link and starts a session.
#[server(endpoint = "confirm_sign_in")]
pub async fn confirm_sign_in(token: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{
        auth::sign_in::{self, Outcome, Scope},
        with_state,
    };
    with_state(|state| async move {
        let attempt = sign_in::attempt_of_request();
        let outcome = sign_in::use_link(
            &state.db,
            Scope::Dashboard,
            &token,
            attempt.as_deref(),
            chrono::Utc::now(),
        )
        .await?;
        match outcome {
            Outcome::SignedIn {
                organization_id,
                subject_id,
            } => {
                sign_in::finish_recruiter_sign_in(&state, organization_id, subject_id, next).await?
            }
            Outcome::OtherBrowser => {
                sign_in::see_other("/admin/sign-in/check-email?problem=other-browser")
            }
            Outcome::WrongCode { .. } | Outcome::Invalid => {
                sign_in::see_other("/admin/sign-in?problem=invalid-link")
            }
        }
        Ok(())
    })
    .await
}

/// The code from the email, typed in the browser that asked for it.
#[server(endpoint = "sign_in_with_code")]
pub async fn sign_in_with_code(code: String, next: Option<String>) -> Result<(), AppError> {
    use crate::ssr::{
        auth::sign_in::{self, Outcome, Scope},
        with_state,
    };
    with_state(|state| async move {
        let attempt = sign_in::attempt_of_request();
        let outcome = sign_in::use_code(
            &state.db,
            state.sign_in_key.as_slice(),
            Scope::Dashboard,
            attempt.as_deref(),
            &code,
            chrono::Utc::now(),
        )
        .await?;
        match outcome {
            Outcome::SignedIn {
                organization_id,
                subject_id,
            } => sign_in::finish_recruiter_sign_in(&state, organization_id, subject_id, next).await,
            refused => Err(sign_in::code_refusal(&refused)),
        }
    })
    .await
}

/// Ends this browser's dashboard session and goes to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move { sign_in::sign_out(&state).await }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_hints_show_only_the_first_letter() {
        assert_eq!(email_hint("ada@example.com"), "a…@example.com");
        assert_eq!(email_hint("é@x.io"), "é…@x.io");
        assert_eq!(email_hint("nope"), "…");
    }
}
