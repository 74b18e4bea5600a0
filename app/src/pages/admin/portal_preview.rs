//! `/admin/jobs/:job_id/portal/preview?stage=<portal stage id>`: a job's
//! portal as a candidate at a stage (or with an outcome) sees it, with the
//! job's real stages, content and messages and a sample candidate and
//! sample interviews.

use crate::api::candidate_portal::{PortalPreview, get_portal_preview};
use crate::components::error_panel::ErrorPanel;
use crate::components::forms::percent_encode;
use crate::components::page_header::PageHeader;
use crate::pages::portal::PortalFrame;
use crate::pages::portal::application::ApplicationDetails;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PortalPreviewPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let job_id = move || {
        params
            .read()
            .get("job_id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let stage = move || query.read().get("stage").unwrap_or_default();
    let zone_changes = RwSignal::new(0);
    let preview = Resource::new(
        move || (job_id(), stage(), zone_changes.get()),
        |(job_id, stage, _)| get_portal_preview(job_id, stage),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the preview…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(preview) => view! { <PreviewBody preview zone_changes /> }.into_any(),
                    Err(error) => view! {
                        <PageHeader title="Portal preview" />
                        <ErrorPanel error />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PreviewBody(preview: PortalPreview, zone_changes: RwSignal<u32>) -> impl IntoView {
    let PortalPreview {
        job_id,
        job_name,
        active,
        portal,
        choices,
        selected,
        view,
    } = preview;
    let page = format!("/admin/jobs/{job_id}/portal/preview");
    let back = format!("{page}?stage={}", percent_encode(&selected));
    let subdomain = portal.subdomain.clone();
    let status_as_of = view.status_as_of.clone();
    view! {
        <PageHeader
            title=format!("Preview: {job_name}")
            description="The portal as a candidate at the chosen stage sees it. Stages, content and messages are this job's; the candidate and the interviews are samples."
        />
        <p><a href=format!("/admin/jobs/{job_id}/portal")>"Back to the portal editor"</a></p>
        {(!active).then(|| view! {
            <p class="notice notice-warning">"This job's portal is not active: candidates cannot open it yet. Activate the job on the ATS tab."</p>
        })}
        <form method="get" action=page class="form preview-stage-form">
            <div class="form-field">
                <label for="preview-stage">"Show the portal of a candidate at"</label>
                <select id="preview-stage" name="stage">
                    {choices
                        .into_iter()
                        .map(|(value, label)| {
                            let chosen = value == selected;
                            view! { <option value=value selected=chosen>{label}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="form-actions">
                <button type="submit" class="button">"Show"</button>
            </div>
        </form>
        <section class="portal-preview" aria-label="What the candidate sees">
            <p class="portal-preview-label">"Candidate view (sample candidate)"</p>
            <PortalFrame portal title=String::new() status_as_of embedded=true>
                <ApplicationDetails subdomain view zone_changes back />
            </PortalFrame>
        </section>
    }
}
