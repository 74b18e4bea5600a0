use crate::components::hydration::{current_portal_subdomain, mark_document_hydrated};
use crate::pages::{
    admin::{
        CheckEmailPage, SignInLinkPage, SignInPage,
        lazy::{
            ActiveJobsRoute, AdminLayoutRoute, AtsJobsRoute, DevMailboxRoute, IntegrationsRoute,
            OverviewRoute, PortalEditorRoute, PortalPreviewRoute, SettingsRoute, UsersRoute,
        },
    },
    landing::LandingPage,
    not_found::NotFoundPage,
    portal::{PortalByPath, PortalHome},
};
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// The HTML document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::context::set_security_headers();
    let portal = current_portal_subdomain();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                {portal.map(|subdomain| view! { <meta name="trellis-portal" content=subdomain /> })}
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    mark_document_hydrated();
    crate::components::forms::provide_form_errors();
    // On `acme.<public host>` the root path is Acme's portal.
    let portal = current_portal_subdomain();
    let root = move || match portal.clone() {
        Some(subdomain) => view! { <PortalHome subdomain /> }.into_any(),
        None => view! { <LandingPage /> }.into_any(),
    };

    view! {
        <Stylesheet id="leptos" href="/pkg/trellis.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Trellis".to_owned() } else { format!("{title} · Trellis") }
        } />
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=root ssr=SsrMode::Async />
                <Route path=path!("/admin/sign-in") view=SignInPage ssr=SsrMode::Async />
                <Route path=path!("/admin/sign-in/check-email") view=CheckEmailPage ssr=SsrMode::Async />
                <Route path=path!("/admin/sign-in/link") view=SignInLinkPage ssr=SsrMode::Async />
                // The dashboard is code-split (see `pages::admin::lazy`).
                <ParentRoute path=path!("/admin") view={Lazy::<AdminLayoutRoute>::new()} ssr=SsrMode::Async>
                    <Route path=path!("") view={Lazy::<OverviewRoute>::new()} />
                    <Route path=path!("users") view={Lazy::<UsersRoute>::new()} />
                    <Route path=path!("jobs") view={Lazy::<AtsJobsRoute>::new()} />
                    <Route path=path!("jobs/active") view={Lazy::<ActiveJobsRoute>::new()} />
                    <Route path=path!("jobs/:job_id/portal") view={Lazy::<PortalEditorRoute>::new()} />
                    <Route path=path!("jobs/:job_id/portal/preview") view={Lazy::<PortalPreviewRoute>::new()} />
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=path!("integrations") view={Lazy::<IntegrationsRoute>::new()} />
                </ParentRoute>
                <Route path=path!("/dev/mailbox") view={Lazy::<DevMailboxRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/p/:subdomain") view=PortalByPath ssr=SsrMode::Async />
                <Route path=path!("/p/:subdomain/applications/:application_id") view=crate::pages::portal::application::ApplicationPage ssr=SsrMode::Async />
                <Route path=path!("/p/:subdomain/check-email") view=crate::pages::portal::sign_in::CandidateCheckEmailPage ssr=SsrMode::Async />
                <Route path=path!("/p/:subdomain/sign-in/link") view=crate::pages::portal::sign_in::CandidateSignInLinkPage ssr=SsrMode::Async />
                // On a portal host (`acme.<public host>`); not found on the public host.
                <Route path=path!("/applications/:application_id") view=crate::pages::portal::application::ApplicationPage ssr=SsrMode::Async />
                <Route path=path!("/check-email") view=crate::pages::portal::sign_in::CandidateCheckEmailPage ssr=SsrMode::Async />
                <Route path=path!("/sign-in/link") view=crate::pages::portal::sign_in::CandidateSignInLinkPage ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
