use crate::api::organizations::{InstanceOverview, OrganizationSummary, get_instance_overview};
use crate::components::{
    copy_button::CopyButton,
    error_panel::ErrorPanel,
    page_header::PageHeader,
    time::{format_date, format_utc},
};
use leptos::prelude::*;

/// `/admin`: the organizations on this instance, read from the database on
/// the server and refreshed in place once the page is interactive.
#[component]
pub fn OverviewPage() -> impl IntoView {
    let refreshes = RwSignal::new(0_u32);
    let overview = Resource::new(move || refreshes.get(), |_| get_instance_overview());
    // Without JavaScript the link reloads the page; after hydration it
    // refetches in place.
    let refresh = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        refreshes.update(|n| *n += 1);
    };

    view! {
        <PageHeader title="Overview" description="Organizations on this Trellis instance.">
            <a class="button button-secondary" href="/admin" on:click=refresh>"Refresh"</a>
        </PageHeader>
        <Transition fallback=|| view! { <p class="muted">"Loading organizations…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <Organizations overview /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Organizations(overview: InstanceOverview) -> impl IntoView {
    let status = format!(
        "Read from {} at {}.",
        overview.database,
        format_utc(&overview.checked_at)
    );
    let body = if overview.organizations.is_empty() {
        view! {
            <div class="card empty-state">
                <h2>"No organizations yet"</h2>
                <p>"Create the first one from a terminal on the server, then refresh this page:"</p>
                <pre><code>"trellis org create --slug acme --name \"Acme Robotics\""</code></pre>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Organizations"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Slug"</th>
                            <th scope="col">"Candidate portal"</th>
                            <th scope="col">"Created"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {overview.organizations.into_iter().map(|org| view! { <OrganizationRow org /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <p class="status-line" role="status" aria-live="polite">{status}</p>
        {body}
    }
}

#[component]
fn OrganizationRow(org: OrganizationSummary) -> impl IntoView {
    let link = org
        .portal_url
        .clone()
        .unwrap_or_else(|| org.portal_path_url.clone());
    let copy_label = format!("Copy the portal link of {}", org.name);
    view! {
        <tr>
            <th scope="row">{org.name}</th>
            <td><code>{org.slug}</code></td>
            <td class="link-cell">
                <a href=link.clone()>{link.clone()}</a>
                <CopyButton text=link label=copy_label />
            </td>
            <td>{format_date(&org.created_at)}</td>
        </tr>
    }
}
