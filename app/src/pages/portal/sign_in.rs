//! Candidate sign-in on an organization's portal: the email form (placed
//! on the portal's home page), `…/check-email` (the code form), the link's
//! confirm page `…/sign-in/link?token=…`, and the sign-out button. Each
//! page lives at `/p/<subdomain>/…` and, on `<subdomain>.<public host>`,
//! at `/…`.

use super::{PortalError, PortalFrame, page_subdomain};
use crate::api::candidate_sign_in::{
    CandidateSignInWithCode, CandidateSignOut as CandidateSignOutFn, ConfirmCandidateSignIn,
    RequestCandidateSignIn, preview_candidate_sign_in_link,
};
use crate::api::portal::get_portal_home;
use crate::components::forms::{FormError, PostForm, form_error};
use crate::components::portal_links::portal_href;
use crate::components::sign_in::{
    CodeForm, ConfirmLinkForm, EmailLinkForm, SignInHints, SignInNotices,
};
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// Sign-in pages hold a link's token or answer for one browser's attempt:
/// never cached (the session middleware adds this under `/p/` already;
/// on a portal host these paths are not under `/p/`).
fn no_store() {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
    }
}

/// The email form of a portal: "email me a sign-in link". Shown on the
/// portal's home page to a signed-out visitor.
#[component]
pub fn CandidateSignIn(
    /// The portal's subdomain.
    subdomain: String,
    /// The organization's name as candidates know it.
    name: String,
) -> impl IntoView {
    let hints = subdomain.clone();
    view! {
        <section class="card portal-sign-in" aria-labelledby="portal-sign-in-title">
            <h1 id="portal-sign-in-title">{format!("Your application at {name}")}</h1>
            <SignInNotices />
            <p>"Follow your application here: where you stand, what comes next, and who you will meet."</p>
            <p>"Enter the email address you applied with. We will email you a link and a code to sign in; no password needed."</p>
            <EmailLinkForm path=RequestCandidateSignIn::PATH label="Email address">
                <input type="hidden" name="subdomain" value=subdomain />
            </EmailLinkForm>
            <SignInHints subdomain=hints />
        </section>
    }
}

/// "Sign out" of a portal: ends the session and returns to its home page.
#[component]
pub fn CandidateSignOut(subdomain: String) -> impl IntoView {
    let error = form_error(CandidateSignOutFn::PATH);
    view! {
        <PostForm path=CandidateSignOutFn::PATH error class="inline-form portal-sign-out">
            <input type="hidden" name="subdomain" value=subdomain />
            <button type="submit" class="button button-secondary button-small">"Sign out"</button>
            <FormError error />
        </PostForm>
    }
}

/// A sign-in page of a portal: the organization's branding around a card
/// titled `title` holding `children`; "portal not found" for an unknown
/// subdomain.
#[component]
fn PortalSignInFrame(
    subdomain: String,
    title: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let home = OnceResource::new(get_portal_home(subdomain));
    view! {
        <Suspense fallback=|| view! { <p class="muted centered-page">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match home.await {
                        Ok(portal) => view! {
                            <PortalFrame portal title=title.to_owned()>
                                <section class="card">
                                    <h1>{title}</h1>
                                    {children()}
                                </section>
                            </PortalFrame>
                        }
                        .into_any(),
                        Err(error) => view! { <PortalError error /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// `/p/:subdomain/check-email` and `/check-email` on a portal host: the
/// same answer for every address, and the code form for when the link
/// opens in another browser.
#[component]
pub fn CandidateCheckEmailPage() -> impl IntoView {
    no_store();
    match page_subdomain() {
        Some(subdomain) => view! {
            <PortalSignInFrame subdomain=subdomain.clone() title="Check your email">
                <CandidateCodeForm subdomain=subdomain.clone() />
            </PortalSignInFrame>
        }
        .into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn CandidateCodeForm(subdomain: String) -> impl IntoView {
    let start_again = portal_href(&subdomain, "/");
    view! {
        <SignInNotices />
        <p>"If the address you entered is the one you applied with, we have sent it a sign-in link. It works once, for 15 minutes, in this browser."</p>
        <p>"Reading the email on another device? Enter the 8-character code from the email here instead."</p>
        <CodeForm path=CandidateSignInWithCode::PATH start_again>
            <input type="hidden" name="subdomain" value=subdomain />
        </CodeForm>
    }
}

/// `/p/:subdomain/sign-in/link?token=…` and `/sign-in/link?token=…` on a
/// portal host: opening the link changes nothing; the button signs in.
/// (Mail scanners open links; they do not get a session.)
#[component]
pub fn CandidateSignInLinkPage() -> impl IntoView {
    no_store();
    match page_subdomain() {
        Some(subdomain) => view! {
            <PortalSignInFrame subdomain=subdomain.clone() title="Sign in">
                <ConfirmForm subdomain=subdomain.clone() />
            </PortalSignInFrame>
        }
        .into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn ConfirmForm(subdomain: String) -> impl IntoView {
    let query = use_query_map();
    let token = Signal::derive(move || query.read().get("token").unwrap_or_default());
    let preview = Resource::new(
        {
            let subdomain = subdomain.clone();
            move || (subdomain.clone(), token.get())
        },
        |(subdomain, token)| preview_candidate_sign_in_link(subdomain, token),
    );
    let start_again = portal_href(&subdomain, "/");
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Checking the link…"</p> }>
            {move || {
                let subdomain = subdomain.clone();
                let start_again = start_again.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => view! {
                            <ConfirmLinkForm path=ConfirmCandidateSignIn::PATH email_hint=preview.email_hint>
                                <input type="hidden" name="subdomain" value=subdomain />
                                <input type="hidden" name="token" value=token />
                            </ConfirmLinkForm>
                        }
                        .into_any(),
                        Err(_) => view! {
                            <div class="notice notice-warning" role="alert">
                                <p class="notice-title">"This sign-in link cannot be used"</p>
                                <p>"It was already used, has expired (links last 15 minutes), or a newer one was sent."</p>
                            </div>
                            <p><a class="button" href=start_again>"Ask for a new link"</a></p>
                        }
                        .into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
