//! Candidate sign-in to an organization's portal by emailed link or code,
//! and sign-out. The same machinery as the dashboard's (`ssr::auth::sign_in`),
//! scoped to the organization whose portal is asked: its links and codes
//! sign in to that portal only. Every function that changes something ends
//! in a redirect, so the forms work with and without JavaScript.

use crate::api::sign_in::LinkPreview;
use crate::error::AppError;
use leptos::prelude::*;

/// "Email me a sign-in link" on a portal. The answer is the same whether or
/// not the address belongs to one of its candidates: the portal's "check
/// your email" page.
#[server(endpoint = "request_candidate_sign_in")]
pub async fn request_candidate_sign_in(subdomain: String, email: String) -> Result<(), AppError> {
    use crate::components::portal_links::portal_href;
    use crate::ssr::{auth::sign_in, context::request_portal_subdomain, with_state};
    with_state(|state| async move {
        let organization = sign_in::portal_organization(&state, &subdomain).await?;
        let on_portal_host = request_portal_subdomain().is_some();
        let attempt = sign_in::request_candidate_link(
            &state,
            &organization,
            &email,
            &sign_in::request_ip(),
            on_portal_host,
            chrono::Utc::now(),
        )
        .await
        .inspect_err(sign_in::tell_retry_after)?;
        sign_in::set_cookie(sign_in::attempt_cookie(&attempt));
        sign_in::see_other(&portal_href(&organization.subdomain, "/check-email"));
        Ok(())
    })
    .await
}

/// Checks a portal's link without using it, for its confirm page. A link
/// of another organization is not found here.
#[server(endpoint = "preview_candidate_sign_in_link")]
pub async fn preview_candidate_sign_in_link(
    subdomain: String,
    token: String,
) -> Result<LinkPreview, AppError> {
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move {
        let organization = sign_in::portal_organization(&state, &subdomain).await?;
        let scope = sign_in::Scope::Portal {
            organization_id: organization.id,
        };
        let token = sign_in::peek_link(&state.db, scope, &token, chrono::Utc::now())
            .await?
            .ok_or_else(|| AppError::not_found("This sign-in link"))?;
        Ok(LinkPreview {
            email_hint: crate::api::sign_in::email_hint(&token.email),
        })
    })
    .await
}

/// The confirm page's button: uses the link and starts a portal session.
#[server(endpoint = "confirm_candidate_sign_in")]
pub async fn confirm_candidate_sign_in(subdomain: String, token: String) -> Result<(), AppError> {
    use crate::components::portal_links::portal_href;
    use crate::ssr::{
        auth::sign_in::{self, Outcome, Scope},
        with_state,
    };
    with_state(|state| async move {
        let organization = sign_in::portal_organization(&state, &subdomain).await?;
        let scope = Scope::Portal {
            organization_id: organization.id,
        };
        let attempt = sign_in::attempt_of_request();
        let outcome = sign_in::use_link(
            &state.db,
            scope,
            &token,
            attempt.as_deref(),
            chrono::Utc::now(),
        )
        .await?;
        let href = |path: &str| portal_href(&organization.subdomain, path);
        match outcome {
            Outcome::SignedIn {
                organization_id,
                subject_id,
            } => {
                sign_in::finish_candidate_sign_in(&state, organization_id, subject_id, &href("/"))
                    .await?
            }
            Outcome::OtherBrowser => {
                sign_in::see_other(&href("/check-email?problem=other-browser"))
            }
            Outcome::WrongCode { .. } | Outcome::Invalid => {
                sign_in::see_other(&format!("{}?problem=invalid-link", href("/")))
            }
        }
        Ok(())
    })
    .await
}

/// The code from the email, typed in the browser that asked for it.
#[server(endpoint = "candidate_sign_in_with_code")]
pub async fn candidate_sign_in_with_code(subdomain: String, code: String) -> Result<(), AppError> {
    use crate::components::portal_links::portal_href;
    use crate::ssr::{
        auth::sign_in::{self, Outcome, Scope},
        with_state,
    };
    with_state(|state| async move {
        let organization = sign_in::portal_organization(&state, &subdomain).await?;
        let attempt = sign_in::attempt_of_request();
        let outcome = sign_in::use_code(
            &state.db,
            state.sign_in_key.as_slice(),
            Scope::Portal {
                organization_id: organization.id,
            },
            attempt.as_deref(),
            &code,
            chrono::Utc::now(),
        )
        .await?;
        match outcome {
            Outcome::SignedIn {
                organization_id,
                subject_id,
            } => {
                let home = portal_href(&organization.subdomain, "/");
                sign_in::finish_candidate_sign_in(&state, organization_id, subject_id, &home).await
            }
            refused => Err(sign_in::code_refusal(&refused)),
        }
    })
    .await
}

/// Ends this browser's portal session and goes to the portal's home page.
#[server(endpoint = "candidate_sign_out")]
pub async fn candidate_sign_out(subdomain: String) -> Result<(), AppError> {
    use crate::components::portal_links::portal_href;
    use crate::ssr::{auth::sign_in, with_state};
    with_state(|state| async move {
        let organization = sign_in::portal_organization(&state, &subdomain).await?;
        sign_in::sign_out_candidate(&state, &portal_href(&organization.subdomain, "/")).await
    })
    .await
}
