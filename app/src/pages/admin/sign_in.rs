//! `/admin/sign-in`, `/admin/sign-in/check-email` and `/admin/sign-in/link`:
//! asking for a link, entering the code, and the link's confirm page.

use crate::api::sign_in::{ConfirmSignIn, RequestSignIn, SignInWithCode, preview_sign_in_link};
use crate::components::sign_in::{
    CodeForm, ConfirmLinkForm, EmailLinkForm, SignInHints, SignInNotices,
};
use crate::pages::not_found::MessagePage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

/// `?name=…` of the current URL ("" when absent).
fn query_value(name: &'static str) -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get(name).unwrap_or_default())
}

/// `/admin/sign-in`: email in, link out.
#[component]
pub fn SignInPage() -> impl IntoView {
    let next = query_value("next");
    view! {
        <MessagePage title="Sign in to Trellis">
            <SignInNotices />
            <p>"Enter the email address of your Trellis account. We will email you a link and a code to sign in; no password needed."</p>
            <EmailLinkForm path=RequestSignIn::PATH label="Work email">
                <input type="hidden" name="next" value=next />
            </EmailLinkForm>
            <SignInHints />
        </MessagePage>
    }
}

/// `/admin/sign-in/check-email`: the same answer for every address, and
/// the code form for when the link opens elsewhere.
#[component]
pub fn CheckEmailPage() -> impl IntoView {
    let next = query_value("next");
    view! {
        <MessagePage title="Check your email">
            <SignInNotices />
            <p>"If that address has a Trellis account, we have sent it a sign-in link. It works once, for 15 minutes, in this browser."</p>
            <p>"Opening the email on another device? Enter the 8-character code from the email here instead."</p>
            <CodeForm path=SignInWithCode::PATH start_again="/admin/sign-in".to_owned()>
                <input type="hidden" name="next" value=next />
            </CodeForm>
            <SignInHints />
        </MessagePage>
    }
}

/// `/admin/sign-in/link?token=…`: opening the link changes nothing; the
/// button signs in. (Mail scanners open links; they do not get a session.)
#[component]
pub fn SignInLinkPage() -> impl IntoView {
    let token = query_value("token");
    let preview = Resource::new(move || token.get(), preview_sign_in_link);
    view! {
        <Suspense fallback=|| view! { <p class="muted centered-page">"Checking the link…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! {
                        <MessagePage title="Sign in to Trellis">
                            <ConfirmLinkForm path=ConfirmSignIn::PATH email_hint=preview.email_hint>
                                <input type="hidden" name="token" value=token />
                            </ConfirmLinkForm>
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
