//! `/p/:subdomain/applications/:application_id` (and `/applications/:id` on
//! a portal host): where the candidate stands, what comes next and when,
//! who they will meet, and how to prepare. The recruiter's preview renders
//! the same [`ApplicationDetails`] with a sample candidate.

use super::{PortalError, PortalFrame, PortalNotFound, SignedOutPortal, page_subdomain};
use crate::api::candidate_portal::{
    ApplicationView, InterviewView, OutcomeView, SetTimeZone, StageState, TimeZoneChoice,
    TimelineStage, get_candidate_application,
};
use crate::components::blocks::{BlockList, PersonCard};
use crate::components::forms::{FieldError, PostForm, form_error, percent_encode, post_fields};
use crate::components::portal_links::portal_href;
use crate::error::AppError;
use crate::pages::not_found::{MessagePage, NotFoundPage};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// An application's page in a portal (not found on the public host's own
/// paths).
#[component]
pub fn ApplicationPage() -> impl IntoView {
    match page_subdomain() {
        Some(subdomain) => view! { <CandidateApplicationPage subdomain /> }.into_any(),
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

#[component]
fn CandidateApplicationPage(subdomain: String) -> impl IntoView {
    let params = use_params_map();
    let application_id = move || {
        params
            .read()
            .get("application_id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let zone_changes = RwSignal::new(0);
    let page = Resource::new(
        {
            let subdomain = subdomain.clone();
            move || (subdomain.clone(), application_id(), zone_changes.get())
        },
        |(subdomain, id, _)| get_candidate_application(subdomain, id),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted centered-page">"Loading your application…"</p> }>
            {move || {
                let subdomain = subdomain.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => {
                            let title = page.view.job_name.clone();
                            let status_as_of = page.view.status_as_of.clone();
                            view! {
                                <PortalFrame portal=page.portal title candidate=page.candidate_name status_as_of>
                                    <ApplicationDetails subdomain view=page.view zone_changes />
                                </PortalFrame>
                            }
                            .into_any()
                        }
                        Err(AppError::Unauthenticated) => view! { <SignedOutPortal subdomain /> }.into_any(),
                        Err(AppError::NotFound { what }) if what.contains("portal") => {
                            view! { <PortalNotFound /> }.into_any()
                        }
                        Err(AppError::NotFound { .. }) => view! {
                            <MessagePage title="Application not found">
                                <p>"There is no application of yours at this address. It may have closed, or the link is for someone else's application."</p>
                                <p><a class="button" href=portal_href(&subdomain, "/")>"See your applications"</a></p>
                            </MessagePage>
                        }
                        .into_any(),
                        Err(error) => view! { <PortalError error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// An application as its candidate sees it: the job and stage, the outcome
/// when there is one, the timeline, upcoming interviews, and the content
/// for this stage and for every stage.
#[component]
pub fn ApplicationDetails(
    subdomain: String,
    view: ApplicationView,
    /// Bumped when the time zone changes in place: the page's data follows.
    zone_changes: RwSignal<u32>,
    /// Where the time zone form returns to without JavaScript (default:
    /// this application's page).
    #[prop(optional)]
    back: Option<String>,
) -> impl IntoView {
    let ApplicationView {
        application_id,
        job_name,
        outcome,
        timeline,
        current_stage,
        stage_blocks,
        general_blocks,
        interviews,
        time_zone,
        status_as_of: _,
        sample,
    } = view;
    let back =
        back.unwrap_or_else(|| portal_href(&subdomain, &format!("/applications/{application_id}")));
    if !sample {
        detect_time_zone(time_zone.from_cookie, zone_changes, back.clone());
    }
    let rejected = outcome
        .as_ref()
        .is_some_and(|o| o.kind == crate::api::candidate_portal::OutcomeKind::Rejected);
    let home = (!sample).then(|| portal_href(&subdomain, "/"));
    let stage_title = current_stage.as_ref().map_or_else(
        || "This stage".to_owned(),
        |stage| format!("About this stage: {stage}"),
    );
    view! {
        <article class="application">
            <section class="card application-summary" aria-labelledby="application-title">
                <p class="eyebrow">{if sample { "Sample candidate's application" } else { "Your application" }}</p>
                <h1 id="application-title">{job_name}</h1>
                {current_stage.map(|stage| view! {
                    <p class="current-stage">"Current stage: "<strong>{stage}</strong></p>
                })}
                {outcome.map(|outcome| view! { <Outcome outcome /> })}
                {home.map(|href| view! { <p><a href=href>"All your applications"</a></p> })}
            </section>
            {(!timeline.is_empty()).then(|| view! { <Timeline stages=timeline /> })}
            {(!rejected).then(|| view! {
                <Interviews subdomain application_id interviews time_zone zone_changes back sample />
            })}
            {(!stage_blocks.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="stage-content-title">
                    <h2 id="stage-content-title">{stage_title}</h2>
                    <BlockList blocks=stage_blocks />
                </section>
            })}
            {(!general_blocks.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="general-content-title">
                    <h2 id="general-content-title">"Good to know"</h2>
                    <BlockList blocks=general_blocks />
                </section>
            })}
        </article>
    }
}

#[component]
fn Outcome(outcome: OutcomeView) -> impl IntoView {
    let class = match outcome.kind {
        crate::api::candidate_portal::OutcomeKind::Offer => "outcome outcome-offer",
        crate::api::candidate_portal::OutcomeKind::Hired => "outcome outcome-hired",
        crate::api::candidate_portal::OutcomeKind::Rejected => "outcome outcome-rejected",
    };
    view! {
        <div class=class role="status">
            <h2>{outcome.title}</h2>
            <div class="prose" inner_html=outcome.message_html></div>
        </div>
    }
}

#[component]
fn Timeline(stages: Vec<TimelineStage>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Your progress"</h2>
            <ol class="timeline">
                {stages
                    .into_iter()
                    .map(|stage| {
                        let (class, state) = match stage.state {
                            StageState::Past => ("timeline-stage timeline-past", "Done"),
                            StageState::Current => ("timeline-stage timeline-current", "You are here"),
                            StageState::Upcoming => ("timeline-stage timeline-upcoming", "Coming up"),
                        };
                        let current = (stage.state == StageState::Current).then_some("step");
                        view! {
                            <li class=class aria-current=current>
                                <span class="timeline-marker" aria-hidden="true"></span>
                                <span class="timeline-name">{stage.name}</span>
                                <span class="timeline-state">{state}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Interviews(
    subdomain: String,
    application_id: i64,
    interviews: Vec<InterviewView>,
    time_zone: TimeZoneChoice,
    zone_changes: RwSignal<u32>,
    back: String,
    sample: bool,
) -> impl IntoView {
    let list = if interviews.is_empty() {
        view! {
            <p>"No interviews are scheduled right now. When one is, you will see it here, with the time, the place or video link, and who you will meet."</p>
        }
        .into_any()
    } else {
        view! {
            <ul class="interviews">
                {interviews
                    .into_iter()
                    .map(|interview| {
                        let calendar = (!interview.sample).then(|| {
                            portal_href(
                                &subdomain,
                                &format!(
                                    "/applications/{application_id}/interviews/{}/calendar.ics",
                                    interview.id
                                ),
                            )
                        });
                        view! { <Interview interview calendar /> }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="interviews-title">
            <h2 id="interviews-title">"Upcoming interviews"</h2>
            {sample.then(|| view! {
                <p class="notice notice-info">"Sample interviews: candidates see their real interviews from Greenhouse here."</p>
            })}
            <TimeZonePicker choice=time_zone zone_changes back />
            {list}
        </section>
    }
}

#[component]
fn Interview(interview: InterviewView, calendar: Option<String>) -> impl IntoView {
    let InterviewView {
        title,
        when,
        datetime,
        location,
        video_url,
        interviewers,
        sample,
        ..
    } = interview;
    view! {
        <li class="interview">
            <h3 class="interview-title">
                {title}
                {sample.then(|| view! { <span class="badge">"Sample"</span> })}
            </h3>
            <p class="interview-when"><time datetime=datetime>{when}</time></p>
            {location.map(|location| view! {
                <p class="interview-where"><span class="label">"Where: "</span>{location}</p>
            })}
            {video_url.map(|href| view! {
                <p><a class="button" href=href rel="noopener noreferrer">"Join the video call"</a></p>
            })}
            {(!interviewers.is_empty()).then(|| view! {
                <h4 class="interview-people-title">"You will meet"</h4>
                <ul class="people">
                    {interviewers
                        .into_iter()
                        .map(|person| view! {
                            <li><PersonCard name=person.name title=person.title spotlight=person.spotlight /></li>
                        })
                        .collect_view()}
                </ul>
            })}
            {calendar.map(|href| view! {
                <p><a class="calendar-link" href=href rel="nofollow">"Add to calendar (.ics)"</a></p>
            })}
        </li>
    }
}

/// "Times in Europe/Berlin" and the form that changes it (a plain form
/// post that sets the `tz` cookie and comes back, or in place).
#[component]
pub fn TimeZonePicker(
    choice: TimeZoneChoice,
    zone_changes: RwSignal<u32>,
    back: String,
) -> impl IntoView {
    let error = form_error(SetTimeZone::PATH);
    let invalid = move || error.get().is_some_and(|e| e.field() == Some("time_zone"));
    let name = choice.name;
    let options: Vec<String> = crate::domain::time_zones::options_for(&name)
        .into_iter()
        .map(str::to_owned)
        .collect();
    view! {
        <div class="time-zone">
            <p class="time-zone-current">"Times in "<strong>{name.clone()}</strong></p>
            <details class="time-zone-change" open=invalid>
                <summary>"Change time zone"</summary>
                <PostForm
                    path=SetTimeZone::PATH
                    error
                    class="form time-zone-form"
                    on_success=move |()| zone_changes.update(|changes| *changes += 1)
                >
                    <input type="hidden" name="back" value=back />
                    <div class="form-field">
                        <label for="time-zone">"Time zone"</label>
                        <select
                            id="time-zone"
                            name="time_zone"
                            aria-describedby="time-zone-error"
                            aria-invalid=move || invalid().to_string()
                        >
                            {options
                                .into_iter()
                                .map(|zone| {
                                    // The option's text is its value.
                                    let selected = zone == name;
                                    view! { <option selected=selected>{zone}</option> }
                                })
                                .collect_view()}
                        </select>
                        <FieldError error field="time_zone" id="time-zone-error" />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button">"Show times in this zone"</button>
                    </div>
                </PostForm>
            </details>
        </div>
    }
}

/// On a first visit (no `tz` cookie yet), asks the browser for its time
/// zone and remembers it, so the page shows times in it (`zone_changes`
/// moves on, which refetches the page's data). Once per page: a zone the
/// server does not know is not asked for again.
pub fn detect_time_zone(from_cookie: bool, zone_changes: RwSignal<u32>, back: String) {
    if from_cookie {
        return;
    }
    Effect::new(move |_| {
        if zone_changes.get_untracked() > 0 {
            return;
        }
        if let Some(time_zone) = browser::time_zone() {
            let fields = format!(
                "time_zone={}&back={}",
                percent_encode(&time_zone),
                percent_encode(&back)
            );
            leptos::task::spawn_local(async move {
                if post_fields(SetTimeZone::PATH, &fields).await.is_ok() {
                    zone_changes.update(|changes| *changes += 1);
                }
            });
        }
    });
}

/// The browser's time zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`).
#[cfg(not(feature = "ssr"))]
mod browser {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        type DateTimeFormat;
        type ResolvedOptions;

        #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
        fn date_time_format() -> Result<DateTimeFormat, JsValue>;

        #[wasm_bindgen(method, js_name = resolvedOptions)]
        fn resolved_options(this: &DateTimeFormat) -> ResolvedOptions;

        #[wasm_bindgen(method, getter, js_name = timeZone)]
        fn time_zone(this: &ResolvedOptions) -> Option<String>;
    }

    pub fn time_zone() -> Option<String> {
        date_time_format()
            .ok()?
            .resolved_options()
            .time_zone()
            .filter(|zone| !zone.is_empty())
    }
}

/// Effects never run on the server.
#[cfg(feature = "ssr")]
mod browser {
    pub fn time_zone() -> Option<String> {
        None
    }
}
