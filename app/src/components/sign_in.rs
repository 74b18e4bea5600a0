//! What the recruiters' and the candidates' sign-in pages share: the
//! notices a redirect asks for, the email form, the code form, the link's
//! confirm form and the hints (dev mailbox, demo address). The pages around them say who is
//! signing in where (see `pages::admin::sign_in`, `pages::portal::sign_in`).

use crate::api::sign_in::get_sign_in_hints;
use crate::components::forms::{FieldError, FormError, PostForm, form_error};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `?signed_out=1`, `?problem=invalid-link` and `?problem=other-browser`,
/// as the sign-in routes redirect with them.
#[component]
pub fn SignInNotices() -> impl IntoView {
    let query = use_query_map();
    let signed_out = move || query.read().get("signed_out").is_some();
    let problem = move || query.read().get("problem");
    view! {
        {move || signed_out().then(|| view! {
            <p class="notice notice-info" role="status">"You have signed out."</p>
        })}
        {move || match problem().as_deref() {
            Some("invalid-link") => Some(view! {
                <div class="notice notice-warning" role="alert">
                    <p class="notice-title">"That sign-in link cannot be used"</p>
                    <p>"It was already used, has expired (links last 15 minutes), or a newer one was sent. Ask for a new one below."</p>
                </div>
            }.into_any()),
            Some("other-browser") => Some(view! {
                <div class="notice notice-warning" role="alert">
                    <p class="notice-title">"This link was opened in a different browser"</p>
                    <p>"For your safety, a sign-in link only works in the browser where you asked for it. Go back to that browser and enter the code from the email there, or ask for a new link in this browser."</p>
                </div>
            }.into_any()),
            _ => None,
        }}
    }
}

/// "Email me a sign-in link": posts `email` (and the hidden fields in
/// `children`) to the server function at `path`.
#[component]
pub fn EmailLinkForm(
    path: &'static str,
    /// The field's label ("Work email", "Email address").
    label: &'static str,
    children: Children,
) -> impl IntoView {
    let error = form_error(path);
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("email"));
    view! {
        <PostForm path error class="form">
            {children()}
            <div class="form-field">
                <label for="email">{label}</label>
                <input
                    id="email"
                    name="email"
                    type="email"
                    autocomplete="email"
                    inputmode="email"
                    required
                    aria-describedby="email-error"
                    aria-invalid=move || invalid().to_string()
                />
                <FieldError error field="email" id="email-error" />
            </div>
            <FormError error fields=&["email"] />
            <div class="form-actions">
                <button type="submit" class="button">"Email me a sign-in link"</button>
            </div>
        </PostForm>
    }
}

/// The 8-character code from the email, for a link opened elsewhere:
/// posts `code` (and the hidden fields in `children`) to `path`.
#[component]
pub fn CodeForm(
    path: &'static str,
    /// The email form, to ask again with another address.
    start_again: String,
    children: Children,
) -> impl IntoView {
    let error = form_error(path);
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("code"));
    view! {
        <PostForm path error class="form">
            {children()}
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
                <button type="submit" class="button">"Sign in"</button>
                <a href=start_again>"Use a different email"</a>
            </div>
        </PostForm>
    }
}

/// The button on a sign-in link's page: opening the link changes nothing;
/// this posts the token (in `children`'s hidden fields) to `path`.
#[component]
pub fn ConfirmLinkForm(
    path: &'static str,
    /// The address the link was sent to, partly hidden (`a•••@example.com`).
    email_hint: String,
    children: Children,
) -> impl IntoView {
    let error = form_error(path);
    view! {
        <p>"You are signing in as "<strong>{email_hint}</strong>"."</p>
        <PostForm path error class="form">
            {children()}
            <FormError error />
            <div class="form-actions">
                <button type="submit" class="button">"Sign in"</button>
            </div>
        </PostForm>
    }
}

/// An address to try in demo mode, and "sign-in emails appear in the dev
/// mailbox" when no mail server is set up: on the dashboard's sign-in
/// pages (no `subdomain`) or on a portal's.
#[component]
pub fn SignInHints(#[prop(optional)] subdomain: Option<String>) -> impl IntoView {
    let intro = if subdomain.is_some() {
        "sign in as one of this portal's candidates, such as"
    } else {
        "sign in as"
    };
    let hints = OnceResource::new(get_sign_in_hints(subdomain));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                hints.await.ok().map(|hints| view! {
                    {hints.demo_email.map(|email| view! {
                        <p class="notice notice-info">"Demo: "{intro}" "<strong>{email}</strong>"."</p>
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
