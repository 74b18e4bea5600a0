//! Candidate sign-in on an organization's portal: the email form (placed
//! on the portal's home page), `…/check-email` (the code form), the link's
//! confirm page `…/sign-in/link?token=…`, and the sign-out button. Each
//! page lives at `/p/<subdomain>/…` and, on `<subdomain>.<public host>`,
//! at `/…`.

use crate::api::candidate_sign_in::{
    CandidateSignInWithCode, CandidateSignOut as CandidateSignOutFn, ConfirmCandidateSignIn,
    RequestCandidateSignIn, get_candidate_sign_in_hints, preview_candidate_sign_in_link,
};
use crate::api::portal::get_portal_home;
use crate::components::brand::{BrandStyle, PortalHeader, use_brand_properties};
use crate::components::error_panel::ErrorPanel;
use crate::components::forms::{FieldError, FormError, action_error};
use crate::components::hydration::current_portal_subdomain;
use crate::components::portal_links::portal_href;
use crate::error::AppError;
use crate::pages::not_found::{MessagePage, NotFoundPage};
use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn query_value(name: &'static str) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(name))
}

/// The portal these pages belong to: the `:subdomain` of `/p/:subdomain/…`,
/// else the portal host's; `None` on the public host's own paths.
fn page_subdomain() -> Option<String> {
    use_params_map()
        .with_untracked(|params| params.get("subdomain"))
        .or_else(current_portal_subdomain)
}

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
    let request = ServerAction::<RequestCandidateSignIn>::new();
    let error = action_error(request);
    let problem = query_value("problem");
    let signed_out = query_value("signed_out");
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("email"));
    let hints = subdomain.clone();
    view! {
        <section class="card portal-sign-in" aria-labelledby="portal-sign-in-title">
            <h1 id="portal-sign-in-title">{format!("Your application at {name}")}</h1>
            {move || signed_out.get().map(|_| view! {
                <p class="notice notice-info" role="status">"You have signed out."</p>
            })}
            {move || (problem.get().as_deref() == Some("invalid-link")).then(|| view! {
                <div class="notice notice-warning" role="alert">
                    <p class="notice-title">"That sign-in link cannot be used"</p>
                    <p>"It was already used, has expired (links last 15 minutes), or a newer one was sent. Ask for a new one below."</p>
                </div>
            })}
            <p>"Follow your application here: where you stand, what comes next, and who you will meet."</p>
            <p>"Enter the email address you applied with. We will email you a link and a code to sign in; no password needed."</p>
            <ActionForm action=request attr:class="form">
                <input type="hidden" name="subdomain" value=subdomain.clone() />
                <div class="form-field">
                    <label for="candidate-email">"Email address"</label>
                    <input
                        id="candidate-email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        inputmode="email"
                        required
                        aria-describedby="candidate-email-error"
                        aria-invalid=move || invalid().to_string()
                    />
                    <FieldError error field="email" id="candidate-email-error" />
                </div>
                <FormError error fields=&["email"] />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || request.pending().get()>
                        "Email me a sign-in link"
                    </button>
                </div>
            </ActionForm>
            <CandidateSignInHints subdomain=hints />
        </section>
    }
}

/// Where mail goes in this set-up (and, in demo mode, an address to try).
#[component]
fn CandidateSignInHints(subdomain: String) -> impl IntoView {
    let hints = OnceResource::new(get_candidate_sign_in_hints(subdomain));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                hints.await.ok().map(|hints| view! {
                    {hints.demo_email.map(|email| view! {
                        <p class="notice notice-info">
                            "Demo: sign in as one of this portal's candidates, such as "
                            <strong>{email}</strong>"."
                        </p>
                    })}
                    {hints.dev_mailbox.then(|| view! {
                        <p class="notice notice-info">
                            "No mail server is configured, so sign-in emails appear in the "
                            <a href="/dev/mailbox">"dev mailbox"</a>"."
                        </p>
                    })}
                })
            })}
        </Suspense>
    }
}

/// "Sign out" of a portal: ends the session and returns to its home page.
#[component]
pub fn CandidateSignOut(subdomain: String) -> impl IntoView {
    let sign_out = ServerAction::<CandidateSignOutFn>::new();
    view! {
        <ActionForm action=sign_out attr:class="inline-form portal-sign-out">
            <input type="hidden" name="subdomain" value=subdomain />
            <button type="submit" class="button button-secondary button-small" disabled=move || sign_out.pending().get()>
                "Sign out"
            </button>
        </ActionForm>
    }
}

/// A sign-in page of a portal: the organization's branding around
/// `children`; "portal not found" for an unknown subdomain.
#[component]
fn PortalSignInFrame(
    subdomain: String,
    title: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let home = Resource::new(move || subdomain.clone(), get_portal_home);
    view! {
        <Suspense fallback=|| view! { <p class="muted centered-page">"Loading…"</p> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match home.await {
                        Ok(home) => {
                            let portal = NodeRef::<Div>::new();
                            use_brand_properties(portal, Signal::stored(home.brand_color.clone()));
                            view! {
                                <Title text=format!("{title} · {}", home.name) />
                                <BrandStyle selector=".portal" color=home.brand_color />
                                <div class="portal" node_ref=portal>
                                    <PortalHeader name=home.name logo_url=home.logo_url cover_url=home.cover_url />
                                    <main id="main" class="portal-main">
                                        <section class="card">
                                            <h1>{title}</h1>
                                            {children()}
                                        </section>
                                    </main>
                                    <footer class="portal-footer">"Powered by Trellis"</footer>
                                </div>
                            }
                            .into_any()
                        }
                        Err(AppError::NotFound { .. }) => view! {
                            <MessagePage title="Portal not found">
                                <p>"No candidate portal lives at this address. Check the link in the email from your recruiter."</p>
                            </MessagePage>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <main id="main" class="centered-page"><ErrorPanel error /></main>
                        }
                        .into_any(),
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
                <CodeForm subdomain=subdomain.clone() />
            </PortalSignInFrame>
        }
        .into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn CodeForm(subdomain: String) -> impl IntoView {
    let code = ServerAction::<CandidateSignInWithCode>::new();
    let error = action_error(code);
    let problem = query_value("problem");
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("code"));
    let start_again = portal_href(&subdomain, "/");
    view! {
        {move || (problem.get().as_deref() == Some("other-browser")).then(|| view! {
            <div class="notice notice-warning" role="alert">
                <p class="notice-title">"This link was opened in a different browser"</p>
                <p>"For your safety, a sign-in link only works in the browser where you asked for it. Go back to that browser and enter the code from the email there, or ask for a new link in this browser."</p>
            </div>
        })}
        <p>"If the address you entered is the one you applied with, we have sent it a sign-in link. It works once, for 15 minutes, in this browser."</p>
        <p>"Reading the email on another device? Enter the 8-character code from the email here instead."</p>
        <ActionForm action=code attr:class="form">
            <input type="hidden" name="subdomain" value=subdomain />
            <div class="form-field">
                <label for="code">"Code from the email"</label>
                <input
                    id="code"
                    name="code"
                    type="text"
                    class="input code-input"
                    autocomplete="one-time-code"
                    autocapitalize="characters"
                    spellcheck="false"
                    maxlength="12"
                    required
                    aria-describedby="code-error"
                    aria-invalid=move || invalid().to_string()
                />
                <FieldError error field="code" id="code-error" />
            </div>
            <FormError error fields=&["code"] />
            <div class="form-actions">
                <button type="submit" class="button" disabled=move || code.pending().get()>"Sign in"</button>
                <a href=start_again>"Use a different email"</a>
            </div>
        </ActionForm>
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
    let token = query_value("token");
    let preview = Resource::new(
        {
            let subdomain = subdomain.clone();
            move || (subdomain.clone(), token.get().unwrap_or_default())
        },
        |(subdomain, token)| preview_candidate_sign_in_link(subdomain, token),
    );
    let confirm = ServerAction::<ConfirmCandidateSignIn>::new();
    let start_again = portal_href(&subdomain, "/");
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Checking the link…"</p> }>
            {move || {
                let subdomain = subdomain.clone();
                let start_again = start_again.clone();
                Suspend::new(async move {
                    match preview.await {
                        Ok(preview) => view! {
                            <p>"You are signing in as "<strong>{preview.email_hint}</strong>"."</p>
                            <ActionForm action=confirm attr:class="form">
                                <input type="hidden" name="subdomain" value=subdomain />
                                <input type="hidden" name="token" value=move || token.get().unwrap_or_default() />
                                <div class="form-actions">
                                    <button type="submit" class="button" disabled=move || confirm.pending().get()>
                                        "Sign in"
                                    </button>
                                </div>
                            </ActionForm>
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
