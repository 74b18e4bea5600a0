use crate::api::organizations::{Overview, get_overview};
use crate::components::{
    copy_button::CopyButton, error_panel::ErrorPanel, page_header::PageHeader, time::format_utc,
};
use leptos::prelude::*;

/// `/admin`: the signed-in recruiter's organization at a glance, read on
/// the server and refreshed in place once the page is interactive.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let refreshes = RwSignal::new(0_u32);
    let overview = Resource::new(move || refreshes.get(), |_| get_overview());
    // Without JavaScript the link reloads the page; after hydration it
    // refetches in place.
    let refresh = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        refreshes.update(|n| *n += 1);
    };

    view! {
        <PageHeader title="Overview" description="Your organization on Trellis at a glance.">
            <a class="button button-secondary" href="/admin" on:click=refresh>"Refresh"</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <OverviewBody overview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OverviewBody(overview: Overview) -> impl IntoView {
    let link = overview
        .portal_url
        .clone()
        .unwrap_or_else(|| overview.portal_path_url.clone());
    let data_as_of = match overview.data_as_of {
        Some(at) => format!("Greenhouse data as of {}.", format_utc(&at)),
        None => "No Greenhouse data synced yet.".to_owned(),
    };
    let connection = match (
        overview.greenhouse_api.as_deref(),
        overview.greenhouse_status.as_deref(),
    ) {
        (Some(api), Some("ok")) => format!("Connected to Greenhouse (Harvest {api})."),
        (Some(api), _) => {
            format!("Greenhouse (Harvest {api}) refused the stored credentials; see Integrations.")
        }
        _ => "Greenhouse is not connected yet.".to_owned(),
    };
    let copy_label = format!("Copy the portal link of {}", overview.name);
    view! {
        <p class="status-line" role="status" aria-live="polite">
            {format!("Read at {}.", format_utc(&overview.checked_at))}
        </p>
        <section class="card overview-org" aria-labelledby="org-name">
            <h2 id="org-name">{overview.name.clone()}</h2>
            <p>{connection}" "{data_as_of}" "<a href="/admin/integrations">"Integrations"</a></p>
            <p class="link-cell">
                "Candidate portal: "<a href=link.clone()>{link.clone()}</a>
                <CopyButton text=link label=copy_label />
            </p>
        </section>
        <dl class="stat-grid">
            <div class="card stat">
                <dt>"Greenhouse jobs"</dt>
                <dd class="stat-value">{overview.jobs}</dd>
                <dd><a href="/admin/jobs">"See the ATS tab"</a></dd>
            </div>
            <div class="card stat">
                <dt>"Jobs with a portal"</dt>
                <dd class="stat-value">{overview.active_portals}</dd>
                <dd><a href="/admin/jobs/active">"See the Active tab"</a></dd>
            </div>
            <div class="card stat">
                <dt>"Recruiters"</dt>
                <dd class="stat-value">{overview.recruiters}</dd>
                <dd><a href="/admin/users">"Manage users"</a></dd>
            </div>
        </dl>
    }
}
