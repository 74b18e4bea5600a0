//! `/admin/sign-in`, `/admin/sign-in/check-email` and `/admin/sign-in/link`:
//! asking for a link, entering the code, and the link's confirm page.

use crate::api::sign_in::{
    ConfirmSignIn, RequestSignIn, SignInWithCode, get_sign_in_hints, preview_sign_in_link,
};
use crate::components::forms::{FieldError, FormError, action_error};
use crate::pages::not_found::MessagePage;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn query_value(name: &'static str) -> Signal<Option<String>> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(name))
}

/// Where mail goes in this set-up, and the demo account, as plain hints.
#[component]
fn SignInHints() -> impl IntoView {
    let hints = OnceResource::new(get_sign_in_hints());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                hints.await.ok().map(|hints| view! {
                    {hints.demo_admin_email.map(|email| view! {
                        <p class="notice notice-info">
                            "Demo: sign in as "<strong>{email}</strong>"."
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

/// `/admin/sign-in`: email in, link out.
#[component]
pub fn SignInPage() -> impl IntoView {
    let request = ServerAction::<RequestSignIn>::new();
    let error = action_error(request);
    let next = query_value("next");
    let problem = query_value("problem");
    let signed_out = query_value("signed_out");
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("email"));
    view! {
        <MessagePage title="Sign in to Trellis">
            {move || signed_out.get().map(|_| view! {
                <p class="notice notice-info" role="status">"You have signed out."</p>
            })}
            {move || (problem.get().as_deref() == Some("invalid-link")).then(|| view! {
                <div class="notice notice-warning" role="alert">
                    <p class="notice-title">"That sign-in link cannot be used"</p>
                    <p>"It was already used, has expired (links last 15 minutes), or a newer one was sent. Ask for a new one below."</p>
                </div>
            })}
            <p>"Enter the email address of your Trellis account. We will email you a link and a code to sign in; no password needed."</p>
            <ActionForm action=request attr:class="form">
                <input type="hidden" name="next" value=move || next.get().unwrap_or_default() />
                <div class="form-field">
                    <label for="email">"Work email"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="email"
                        required
                        aria-describedby="email-error"
                        aria-invalid=move || invalid().to_string()
                    />
                    <FieldError error field="email" id="email-error" />
                </div>
                <FormError error fields=&["email"] />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || request.pending().get()>
                        "Email me a sign-in link"
                    </button>
                </div>
            </ActionForm>
            <SignInHints />
        </MessagePage>
    }
}

/// `/admin/sign-in/check-email`: the same answer for every address, and
/// the code form for when the link opens elsewhere.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let code = ServerAction::<SignInWithCode>::new();
    let error = action_error(code);
    let next = query_value("next");
    let problem = query_value("problem");
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("code"));
    view! {
        <MessagePage title="Check your email">
            {move || (problem.get().as_deref() == Some("other-browser")).then(|| view! {
                <div class="notice notice-warning" role="alert">
                    <p class="notice-title">"This link was opened in a different browser"</p>
                    <p>"For your safety, a sign-in link only works in the browser where you asked for it. Go back to that browser and enter the code from the email there, or ask for a new link in this browser."</p>
                </div>
            })}
            <p>"If that address has a Trellis account, we have sent it a sign-in link. It works once, for 15 minutes, in this browser."</p>
            <p>"Opening the email on another device? Enter the 8-character code from the email here instead."</p>
            <ActionForm action=code attr:class="form">
                <input type="hidden" name="next" value=move || next.get().unwrap_or_default() />
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
                    <a href="/admin/sign-in">"Use a different email"</a>
                </div>
            </ActionForm>
            <SignInHints />
        </MessagePage>
    }
}

/// `/admin/sign-in/link?token=…`: opening the link changes nothing; the
/// button signs in. (Mail scanners open links; they do not get a session.)
#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let token = query_value("token");
    let preview = Resource::new(
        move || token.get().unwrap_or_default(),
        preview_sign_in_link,
    );
    let confirm = ServerAction::<ConfirmSignIn>::new();
    view! {
        <Suspense fallback=|| view! { <p class="muted centered-page">"Checking the link…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! {
                        <MessagePage title="Sign in to Trellis">
                            <p>"You are signing in as "<strong>{preview.email_hint}</strong>"."</p>
                            <ActionForm action=confirm attr:class="form">
                                <input type="hidden" name="token" value=move || token.get().unwrap_or_default() />
                                <div class="form-actions">
                                    <button type="submit" class="button" disabled=move || confirm.pending().get()>
                                        "Sign in"
                                    </button>
                                </div>
                            </ActionForm>
                        </MessagePage>
                    }.into_any(),
                    Err(_) => view! {
                        <MessagePage title="This sign-in link cannot be used">
                            <p>"It was already used, has expired (links last 15 minutes), or a newer one was sent."</p>
                            <p><a class="button" href="/admin/sign-in">"Ask for a new link"</a></p>
                        </MessagePage>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
