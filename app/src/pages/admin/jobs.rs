//! `/admin/jobs` (ATS tab) and `/admin/jobs/active` (Active tab); the
//! portal editor at `/admin/jobs/:job_id/portal` is `portal_editor.rs`.

use crate::api::jobs::{
    ActivateJob, ActiveJobs, DeactivateJob, FilterOption, JobRow, JobsPage, JobsQuery,
    get_active_jobs, get_ats_jobs,
};
use crate::components::{
    error_panel::ErrorPanel,
    forms::{FormError, SavedNotice, action_error, action_succeeded},
    page_header::PageHeader,
    time::format_utc,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The ATS / Active tabs, with the current one marked.
#[component]
fn JobTabs(active_tab: bool) -> impl IntoView {
    let current = |on: bool| if on { Some("page") } else { None };
    view! {
        <nav class="tabs" aria-label="Job lists">
            <a href="/admin/jobs" aria-current=current(!active_tab)>"ATS"</a>
            <a href="/admin/jobs/active" aria-current=current(active_tab)>"Active"</a>
        </nav>
    }
}

/// Activate / Deactivate for one job, as a form that works without JS.
#[component]
fn ActivationButton(
    job: JobRow,
    activate: ServerAction<ActivateJob>,
    deactivate: ServerAction<DeactivateJob>,
) -> impl IntoView {
    let id = job.id.to_string();
    let label = format!(" {}", job.name);
    if job.activated {
        view! {
            <ActionForm action=deactivate>
                <input type="hidden" name="job_id" value=id />
                <button type="submit" class="button button-small">
                    "Deactivate"<span class="visually-hidden">{label}</span>
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! {
            <ActionForm action=activate>
                <input type="hidden" name="job_id" value=id />
                <button type="submit" class="button button-small button-activate">
                    "Activate"<span class="visually-hidden">{label}</span>
                </button>
            </ActionForm>
        }
        .into_any()
    }
}

fn query_from_url() -> Memo<JobsQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let get = |name: &str| query.get(name).unwrap_or_default();
        JobsQuery {
            q: get("q"),
            status: get("status"),
            department: get("department"),
            office: get("office"),
            page: get("page").parse().unwrap_or(1),
        }
    })
}

/// `/admin/jobs`: every synced Greenhouse job.
#[component]
pub fn AtsJobsPage() -> impl IntoView {
    let activate = ServerAction::<ActivateJob>::new();
    let deactivate = ServerAction::<DeactivateJob>::new();
    let query = query_from_url();
    let page = Resource::new(
        move || {
            (
                query.get(),
                activate.version().get(),
                deactivate.version().get(),
            )
        },
        |(query, _, _)| get_ats_jobs(query),
    );
    let activate_error = action_error(activate);
    let deactivate_error = action_error(deactivate);
    view! {
        <PageHeader title="Jobs" description="Every job synced from Greenhouse. Activate a job to give its candidates a portal." />
        <JobTabs active_tab=false />
        <SavedNotice shown=action_succeeded(activate) message="Activated: the job is on the Active tab." />
        <SavedNotice shown=action_succeeded(deactivate) message="Deactivated." />
        <FormError error=activate_error />
        <FormError error=deactivate_error />
        <Transition fallback=|| view! { <p class="muted">"Loading jobs…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <AtsBody page query=query.get_untracked() activate deactivate /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Select(
    name: &'static str,
    label: &'static str,
    all: &'static str,
    options: Vec<FilterOption>,
    selected: String,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="form-field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="" selected=selected.is_empty()>{all}</option>
                {options.into_iter().map(|option| {
                    let value = option.id.to_string();
                    let chosen = value == selected;
                    view! { <option value=value selected=chosen>{option.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn page_href(query: &JobsQuery, page: u64) -> String {
    let mut pairs = url_pairs(query);
    pairs.push(("page", page.to_string()));
    format!("/admin/jobs?{}", encode(&pairs))
}

fn url_pairs(query: &JobsQuery) -> Vec<(&'static str, String)> {
    [
        ("q", &query.q),
        ("status", &query.status),
        ("department", &query.department),
        ("office", &query.office),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect()
}

fn encode(pairs: &[(&str, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::components::forms::percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[component]
fn AtsBody(
    page: JobsPage,
    query: JobsQuery,
    activate: ServerAction<ActivateJob>,
    deactivate: ServerAction<DeactivateJob>,
) -> impl IntoView {
    let statuses = vec![
        FilterOption {
            id: 0,
            name: "Open".into(),
        },
        FilterOption {
            id: 1,
            name: "Closed".into(),
        },
        FilterOption {
            id: 2,
            name: "Draft".into(),
        },
    ];
    let status_values = ["open", "closed", "draft"];
    let as_of = page
        .data_as_of
        .map(|at| format!("Data as of {}.", format_utc(&at)));
    let summary = format!(
        "{} {} · page {} of {}",
        page.total,
        if page.total == 1 { "job" } else { "jobs" },
        page.page,
        page.pages
    );
    let previous = (page.page > 1).then(|| page_href(&query, page.page - 1));
    let next = (page.page < page.pages).then(|| page_href(&query, page.page + 1));
    let can_activate = page.can_activate;
    let table = if page.jobs.is_empty() {
        view! {
            <div class="card empty-state">
                <h2>"No jobs match"</h2>
                <p>"Clear the search and filters, or check on the Integrations page that Greenhouse is connected and synced."</p>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Greenhouse jobs"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Job"</th>
                            <th scope="col">"Requisition"</th>
                            <th scope="col">"Department"</th>
                            <th scope="col">"Office"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Open openings"</th>
                            <th scope="col">"Active candidates"</th>
                            <th scope="col">"Portal"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.jobs.into_iter().map(|job| {
                            let portal = if can_activate {
                                view! { <ActivationButton job=job.clone() activate deactivate /> }.into_any()
                            } else if job.activated {
                                view! { <span>"Active"</span> }.into_any()
                            } else {
                                view! { <span class="muted">"Not active"</span> }.into_any()
                            };
                            view! {
                                <tr>
                                    <th scope="row">{job.name.clone()}</th>
                                    <td>{job.requisition_id.clone().unwrap_or_default()}</td>
                                    <td>{job.department.clone().unwrap_or_default()}</td>
                                    <td>{job.offices.join(", ")}</td>
                                    <td><span class=format!("status-badge status-{}", job.status)>{job.status.clone()}</span></td>
                                    <td>{job.open_openings}</td>
                                    <td>{job.active_candidates}</td>
                                    <td>{portal}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let status_options: Vec<FilterOption> = statuses;
    let selected_status = status_values
        .iter()
        .position(|s| *s == query.status)
        .map(|i| i.to_string())
        .unwrap_or_default();
    view! {
        {page.restriction.map(|reason| view! { <p class="notice notice-info">{reason}</p> })}
        <form method="get" action="/admin/jobs" class="filters" role="search">
            <div class="form-field">
                <label for="filter-q">"Search"</label>
                <input id="filter-q" class="input" type="search" name="q" value=query.q.clone() placeholder="Name or requisition id" />
            </div>
            <div class="form-field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" name="status">
                    <option value="" selected=selected_status.is_empty()>"Any status"</option>
                    {status_options.into_iter().zip(status_values).map(|(option, value)| view! {
                        <option value=value selected=query.status == value>{option.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <Select name="department" label="Department" all="Any department" options=page.departments selected=query.department.clone() />
            <Select name="office" label="Office" all="Any office" options=page.offices selected=query.office.clone() />
            <div class="form-actions">
                <button type="submit" class="button button-secondary">"Apply"</button>
                <a href="/admin/jobs">"Clear"</a>
            </div>
        </form>
        <p class="status-line" role="status" aria-live="polite">{summary}" "{as_of}</p>
        {table}
        <nav class="pagination" aria-label="Pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
        </nav>
    }
}

/// A desktop (monitor) icon, for "edit the portal".
#[component]
fn DesktopIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
            <rect x="3" y="4" width="18" height="12" rx="1.5" fill="none" stroke="currentColor" stroke-width="2" />
            <path d="M8 20h8M12 16v4" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
    }
}

/// `/admin/jobs/active`: the jobs whose candidates have a portal.
#[component]
pub fn ActiveJobsPage() -> impl IntoView {
    let activate = ServerAction::<ActivateJob>::new();
    let deactivate = ServerAction::<DeactivateJob>::new();
    let jobs = Resource::new(
        move || (activate.version().get(), deactivate.version().get()),
        |_| get_active_jobs(),
    );
    let deactivate_error = action_error(deactivate);
    view! {
        <PageHeader title="Jobs" description="The jobs whose candidates have a portal." />
        <JobTabs active_tab=true />
        <SavedNotice shown=action_succeeded(deactivate) message="Deactivated: the job is back on the ATS tab only." />
        <FormError error=deactivate_error />
        <Transition fallback=|| view! { <p class="muted">"Loading jobs…"</p> }>
            {move || Suspend::new(async move {
                match jobs.await {
                    Ok(active) => view! { <ActiveBody active activate deactivate /> }.into_any(),
                    Err(error) => view! { <ErrorPanel error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ActiveBody(
    active: ActiveJobs,
    activate: ServerAction<ActivateJob>,
    deactivate: ServerAction<DeactivateJob>,
) -> impl IntoView {
    if active.jobs.is_empty() {
        return view! {
            <div class="card empty-state">
                <h2>"No active jobs yet"</h2>
                <p>"Open the "<a href="/admin/jobs">"ATS tab"</a>" and press Activate next to a job: its candidates get a portal, and the job appears here."</p>
            </div>
        }
        .into_any();
    }
    let can_activate = active.can_activate;
    let portal_url = active.portal_url.clone();
    view! {
        {active.restriction.map(|reason| view! { <p class="notice notice-info">{reason}</p> })}
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Jobs with a candidate portal"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Department"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Active candidates"</th>
                        <th scope="col">"Portal"</th>
                    </tr>
                </thead>
                <tbody>
                    {active.jobs.into_iter().map(|job| {
                        let editor = format!("/admin/jobs/{}/portal", job.id);
                        let editor_label = format!("Edit the portal of {}", job.name);
                        let view_label = format!("Candidate view of {}", job.name);
                        let deactivate_form = can_activate.then(|| view! {
                            <ActivationButton job=job.clone() activate deactivate />
                        });
                        view! {
                            <tr>
                                <th scope="row">{job.name.clone()}</th>
                                <td>{job.department.clone().unwrap_or_default()}</td>
                                <td>{job.status.clone()}</td>
                                <td>{job.active_candidates}</td>
                                <td class="link-cell">
                                    <a class="icon-link" href=editor aria-label=editor_label.clone() title=editor_label>
                                        <DesktopIcon />
                                    </a>
                                    <a href=portal_url.clone() rel="external" aria-label=view_label>"Candidate view"</a>
                                    {deactivate_form}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_links_keep_the_search_and_filters() {
        let query = JobsQuery {
            q: "data & ml".into(),
            status: "open".into(),
            department: String::new(),
            office: "7".into(),
            page: 1,
        };
        assert_eq!(
            page_href(&query, 3),
            "/admin/jobs?q=data%20%26%20ml&status=open&office=7&page=3"
        );
    }
}
