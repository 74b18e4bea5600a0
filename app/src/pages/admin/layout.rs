use crate::api::session::{Me, get_me};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

/// The dashboard frame: navigation on the left (on top on phones), the page
/// on the right.
#[component]
pub fn AdminLayout() -> impl IntoView {
    let me = Resource::new(|| (), |_| get_me());
    // The server sends signed-out page loads to the sign-in page; this does
    // the same when the session ends while the app navigates by itself.
    let navigate = leptos_router::hooks::use_navigate();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        if let Some(Err(AppError::Unauthenticated)) = me.get() {
            let here = location.pathname.get_untracked();
            let next = crate::components::forms::percent_encode(&here);
            navigate(&format!("/admin/sign-in?next={next}"), Default::default());
        }
    });
    view! {
        <div class="admin">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <aside class="admin-sidebar">
                <a class="admin-brand" href="/admin">"Trellis"</a>
                <nav class="admin-nav" aria-label="Dashboard">
                    <A href="/admin" exact=true>"Overview"</A>
                    <A href="/admin/jobs">"Jobs"</A>
                    <A href="/admin/integrations">"Integrations"</A>
                    <A href="/admin/settings">"Settings"</A>
                    <A href="/admin/users">"Users"</A>
                </nav>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.await.ok().map(|me| view! { <SignedInAs me /> })
                    })}
                </Suspense>
            </aside>
            <main id="main" class="admin-main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn SignedInAs(me: Me) -> impl IntoView {
    let sign_out = ServerAction::<crate::api::sign_in::SignOut>::new();
    let who = me.name.clone().unwrap_or_else(|| me.email.clone());
    view! {
        <div class="admin-account">
            <p class="admin-org">{me.organization_name.clone()}</p>
            <p class="muted small">
                {who}" · "<span class="role-badge">{me.role.label()}</span>
            </p>
            {me.dev_mailbox.then(|| view! {
                <p class="small"><a href="/dev/mailbox">"Dev mailbox"</a></p>
            })}
            <ActionForm action=sign_out>
                <button type="submit" class="button button-secondary button-small">"Sign out"</button>
            </ActionForm>
        </div>
    }
}
