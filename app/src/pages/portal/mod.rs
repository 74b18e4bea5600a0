//! The candidate portal: `/p/<subdomain>` and `<subdomain>.<public host>/`.
//! The home page is the sign-in form for a visitor and the list of their
//! applications for a signed-in candidate; each application has its page
//! (`application`).

pub mod application;
pub mod sign_in;

use crate::api::candidate_portal::{
    ApplicationSummary, CandidateApplications, CandidateHome, get_candidate_home,
};
use crate::api::portal::{PortalHome as PortalHomeData, get_portal_home};
use crate::components::brand::{BrandStyle, PortalHeader, use_brand_properties};
use crate::components::error_panel::ErrorPanel;
use crate::components::hydration::current_portal_subdomain;
use crate::components::portal_links::portal_href;
use crate::error::AppError;
use crate::pages::not_found::MessagePage;
use application::detect_time_zone;
use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use sign_in::{CandidateSignIn, CandidateSignOut};

/// The portal a page belongs to: the `:subdomain` of `/p/:subdomain/…`,
/// else the portal host's; `None` on the public host's own paths.
pub fn page_subdomain() -> Option<String> {
    use_params_map()
        .with_untracked(|params| params.get("subdomain"))
        .or_else(current_portal_subdomain)
}

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
    let zone_changes = RwSignal::new(0);
    let home = Resource::new(
        move || (subdomain.get(), zone_changes.get()),
        |(subdomain, _)| get_candidate_home(subdomain),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted centered-page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(CandidateHome::SignedOut { portal }) => {
                        let subdomain = portal.subdomain.clone();
                        let name = portal.name.clone();
                        view! {
                            <PortalFrame portal title="Sign in".to_owned()>
                                <CandidateSignIn subdomain name />
                            </PortalFrame>
                        }
                        .into_any()
                    }
                    Ok(CandidateHome::SignedIn(applications)) => {
                        view! { <ApplicationsPage applications zone_changes /> }.into_any()
                    }
                    Err(error) => view! { <PortalError error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A portal page: the organization's branding around `children`, the
/// signed-in candidate with the sign-out button, and the sync time.
#[component]
pub fn PortalFrame(
    portal: PortalHomeData,
    /// The page's title (the organization's name follows it).
    title: String,
    /// The signed-in candidate's name; `None` for a visitor (or a preview).
    #[prop(optional)]
    candidate: Option<String>,
    /// "Status as of …".
    #[prop(optional)]
    status_as_of: Option<String>,
    /// Inside the dashboard (a preview): no page landmarks of its own.
    #[prop(optional)]
    embedded: bool,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<Div>::new();
    use_brand_properties(node, Signal::stored(portal.brand_color.clone()));
    let session = candidate.map(|name| {
        view! {
            <div class="portal-session">
                <p>"Signed in as "<strong>{name}</strong></p>
                <CandidateSignOut subdomain=portal.subdomain.clone() />
            </div>
        }
    });
    let status = status_as_of.map(|text| view! { <p class="portal-status-as-of">{text}</p> });
    let body = children();
    view! {
        {(!embedded).then(|| view! { <Title text=format!("{title} · {}", portal.name) /> })}
        <BrandStyle selector=".portal" color=portal.brand_color.clone() />
        <div class="portal" class:portal-embedded=embedded node_ref=node>
            <PortalHeader name=portal.name.clone() logo_url=portal.logo_url.clone() cover_url=portal.cover_url.clone() />
            {session}
            {if embedded {
                view! { <div class="portal-main">{body}</div> }.into_any()
            } else {
                view! { <main id="main" class="portal-main">{body}</main> }.into_any()
            }}
            <footer class="portal-footer">
                {status}
                <p>"Powered by Trellis"</p>
            </footer>
        </div>
    }
}

/// The signed-in candidate's applications.
#[component]
fn ApplicationsPage(
    applications: CandidateApplications,
    zone_changes: RwSignal<u32>,
) -> impl IntoView {
    let CandidateApplications {
        portal,
        candidate_name,
        applications,
        time_zone,
        status_as_of,
    } = applications;
    let subdomain = portal.subdomain.clone();
    detect_time_zone(
        time_zone.from_cookie,
        zone_changes,
        portal_href(&subdomain, "/"),
    );
    let organization = portal.name.clone();
    let list = if applications.is_empty() {
        view! {
            <p>
                {format!("There is no application to show here right now. When {organization} moves your application forward on a job with a portal, it appears here.")}
            </p>
        }
        .into_any()
    } else {
        let intro = if applications.len() == 1 {
            "Your application:"
        } else {
            "Your applications, newest first:"
        };
        view! {
            <p>{intro}</p>
            <ul class="application-list">
                {applications
                    .into_iter()
                    .map(|application| view! { <ApplicationItem subdomain=subdomain.clone() application /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <PortalFrame portal title="Your applications".to_owned() candidate=candidate_name.clone() status_as_of>
            <section class="card" aria-labelledby="applications-title">
                <h1 id="applications-title">{format!("Hello, {candidate_name}")}</h1>
                {list}
            </section>
        </PortalFrame>
    }
}

#[component]
fn ApplicationItem(subdomain: String, application: ApplicationSummary) -> impl IntoView {
    let href = portal_href(&subdomain, &format!("/applications/{}", application.id));
    view! {
        <li>
            <a class="application-link" href=href>
                <span class="application-job">{application.job_name}</span>
                <span class="application-status">{application.status}</span>
                <span class="application-open">"View your application"</span>
            </a>
        </li>
    }
}

/// A portal page for a visitor who is not signed in (or whose session
/// ended): the sign-in form in the portal's branding.
#[component]
pub fn SignedOutPortal(subdomain: String) -> impl IntoView {
    let home = OnceResource::new(get_portal_home(subdomain));
    view! {
        <Suspense fallback=|| view! { <p class="muted centered-page">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match home.await {
                    Ok(portal) => {
                        let subdomain = portal.subdomain.clone();
                        let name = portal.name.clone();
                        view! {
                            <PortalFrame portal title="Sign in".to_owned()>
                                <p class="notice notice-info" role="status">"Sign in to see this page."</p>
                                <CandidateSignIn subdomain name />
                            </PortalFrame>
                        }
                        .into_any()
                    }
                    Err(error) => view! { <PortalError error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A portal page that could not be read: "portal not found" for an unknown
/// portal, else the error.
#[component]
pub fn PortalError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound { .. } => view! { <PortalNotFound /> }.into_any(),
        error => view! {
            <main id="main" class="centered-page"><ErrorPanel error /></main>
        }
        .into_any(),
    }
}

#[component]
pub fn PortalNotFound() -> impl IntoView {
    view! {
        <MessagePage title="Portal not found">
            <p>"No candidate portal lives at this address. Check the link in the email from your recruiter."</p>
        </MessagePage>
    }
}
