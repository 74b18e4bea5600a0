//! The candidate portal: `/p/<subdomain>` and `<subdomain>.<public host>/`.

use crate::api::portal::{PortalHome as PortalHomeData, get_portal_home};
use crate::components::brand::{BrandStyle, PortalHeader, use_brand_properties};
use crate::components::error_panel::ErrorPanel;
use crate::error::AppError;
use crate::pages::not_found::MessagePage;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// `/p/:subdomain`.
#[component]
pub fn PortalByPath() -> impl IntoView {
    let params = use_params_map();
    let subdomain = Signal::derive(move || params.read().get("subdomain").unwrap_or_default());
    view! { <PortalHome subdomain /> }
}

/// An organization's portal home page.
#[component]
pub fn PortalHome(#[prop(into)] subdomain: Signal<String>) -> impl IntoView {
    let home = Resource::new(move || subdomain.get(), get_portal_home);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(home) => view! { <PortalWelcome home /> }.into_any(),
                    Err(AppError::NotFound { .. }) => view! { <PortalNotFound /> }.into_any(),
                    Err(error) => view! {
                        <main id="main" class="centered-page"><ErrorPanel error /></main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PortalWelcome(home: PortalHomeData) -> impl IntoView {
    let name = home.name;
    let portal = NodeRef::<Div>::new();
    use_brand_properties(portal, Signal::stored(home.brand_color.clone()));
    view! {
        <Title text=format!("{name} candidate portal") />
        <BrandStyle selector=".portal" color=home.brand_color />
        <div class="portal" node_ref=portal>
            <PortalHeader name=name.clone() logo_url=home.logo_url cover_url=home.cover_url />
            <main id="main" class="portal-main">
                <section class="card">
                    <h1>{format!("Your application at {name}")}</h1>
                    <p>
                        "This is where you will follow your application: your current stage, your interviews and who you will meet, and how to prepare."
                    </p>
                    <p class="notice notice-info">
                        {format!("Sign-in is not open yet. When {name} opens this portal, you will enter the email address you applied with here and receive a sign-in link.")}
                    </p>
                </section>
            </main>
            <footer class="portal-footer">"Powered by Trellis"</footer>
        </div>
    }
}

#[component]
fn PortalNotFound() -> impl IntoView {
    view! {
        <MessagePage title="Portal not found">
            <p>"No candidate portal lives at this address. Check the link in the email from your recruiter."</p>
        </MessagePage>
    }
}
