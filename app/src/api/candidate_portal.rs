//! The candidate portal's pages: a signed-in candidate's applications, one
//! application (stage timeline, content, interviews, outcome), the time
//! zone times are shown in, and the recruiter's preview of a job's portal
//! "as a candidate at stage X". Every id is looked up inside the signed-in
//! candidate's (or recruiter's) organization; anyone else's is not found.

use crate::api::portal::PortalHome;
use crate::domain::blocks::{BlockView, SpotlightView};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The portal's home page: the sign-in form for a visitor, the list of
/// applications for a signed-in candidate of this organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CandidateHome {
    SignedOut { portal: PortalHome },
    SignedIn(CandidateApplications),
}

/// A signed-in candidate's applications that this portal shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateApplications {
    pub portal: PortalHome,
    /// How the portal greets the candidate (preferred or first name).
    pub candidate_name: String,
    pub applications: Vec<ApplicationSummary>,
    pub time_zone: TimeZoneChoice,
    /// "Status as of …", in the candidate's time zone.
    pub status_as_of: String,
}

/// One line of the applications list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationSummary {
    pub id: i64,
    pub job_name: String,
    /// The current candidate-facing stage, or the outcome ("Offer", …).
    pub status: String,
    pub outcome: Option<OutcomeKind>,
}

/// An application's page, with the portal around it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateApplication {
    pub portal: PortalHome,
    pub candidate_name: String,
    pub view: ApplicationView,
}

/// What an application page shows; the recruiter's preview fills the same
/// shape with a sample candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationView {
    /// 0 in a preview.
    pub application_id: i64,
    pub job_name: String,
    pub outcome: Option<OutcomeView>,
    /// The candidate-facing stages (hidden ones left out), in order.
    pub timeline: Vec<TimelineStage>,
    /// The name of the stage marked current, if any.
    pub current_stage: Option<String>,
    /// The current stage's blocks.
    pub stage_blocks: Vec<BlockView>,
    /// The blocks shown at every stage.
    pub general_blocks: Vec<BlockView>,
    pub interviews: Vec<InterviewView>,
    pub time_zone: TimeZoneChoice,
    pub status_as_of: String,
    /// A recruiter's preview: sample candidate and interviews.
    pub sample: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StageState {
    Past,
    Current,
    Upcoming,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineStage {
    pub name: String,
    pub state: StageState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OutcomeKind {
    Offer,
    Hired,
    Rejected,
}

impl OutcomeKind {
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Offer => "Offer",
            OutcomeKind::Hired => "Hired",
            OutcomeKind::Rejected => "Not moving forward",
        }
    }
}

/// The outcome of an application and the portal's message about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeView {
    pub kind: OutcomeKind,
    pub title: String,
    /// Markdown rendered and cleaned on the server: safe to insert.
    pub message_html: String,
}

/// An upcoming interview, its times already in the candidate's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewView {
    /// 0 for a preview's sample interview.
    pub id: i64,
    pub title: String,
    /// "Tue 3 Dec, 14:00 – 15:00 CET" or "All day, Tue 3 Dec".
    pub when: String,
    /// For `<time datetime>`: RFC 3339 in UTC, or the date of an all-day one.
    pub datetime: String,
    pub all_day: bool,
    pub location: Option<String>,
    /// An `http(s)` video call link.
    pub video_url: Option<String>,
    pub interviewers: Vec<InterviewerView>,
    /// A made-up interview of a preview (no calendar file).
    pub sample: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterviewerView {
    pub name: String,
    pub title: Option<String>,
    /// What a spotlight block of this portal says about them.
    pub spotlight: Option<SpotlightView>,
}

/// The time zone a page shows times in (the select's other choices are
/// [`crate::domain::time_zones::TIME_ZONES`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeZoneChoice {
    /// An IANA name, such as `Europe/Berlin`.
    pub name: String,
    /// Chosen by this browser (the `tz` cookie): no need to detect it.
    pub from_cookie: bool,
}

/// The recruiter's preview of a job's portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalPreview {
    pub job_id: i64,
    pub job_name: String,
    /// Whether the portal is active (candidates can see it).
    pub active: bool,
    pub portal: PortalHome,
    /// What the stage picker offers: `(value, label)`.
    pub choices: Vec<(String, String)>,
    /// The chosen `value`.
    pub selected: String,
    pub view: ApplicationView,
}

/// The portal home: the candidate's applications, or the sign-in form.
/// Signed out is not an error here: the home page is where one signs in.
#[server(endpoint = "get_candidate_home")]
pub async fn get_candidate_home(subdomain: String) -> Result<CandidateHome, AppError> {
    use crate::ssr::{context, services::candidate_portal, with_state};
    with_state(|state| async move {
        let organization = crate::ssr::services::portal::organization(&state, &subdomain).await?;
        let signed_in =
            context::current_candidate().filter(|me| me.organization_id() == organization.id);
        match signed_in {
            Some(me) => {
                candidate_portal::home(&state, &me, candidate_portal::request_zone(Some(&me)))
                    .await
                    .map(CandidateHome::SignedIn)
            }
            None => Ok(CandidateHome::SignedOut {
                portal: crate::ssr::services::portal::home(&state, &subdomain).await?,
            }),
        }
    })
    .await
}

/// One of the signed-in candidate's applications.
#[server(endpoint = "get_candidate_application")]
pub async fn get_candidate_application(
    subdomain: String,
    application_id: i64,
) -> Result<CandidateApplication, AppError> {
    use crate::ssr::{services::candidate_portal, with_candidate};
    with_candidate(&subdomain, |state, me| async move {
        let zone = candidate_portal::request_zone(Some(&me));
        candidate_portal::application(&state, &me, application_id, zone).await
    })
    .await
}

/// Remembers the time zone this browser shows portal times in (the `tz`
/// cookie). Without JavaScript the browser goes back to `back`, a path of
/// this site.
#[server(endpoint = "set_time_zone")]
pub async fn set_time_zone(time_zone: String, back: String) -> Result<(), AppError> {
    use crate::ssr::{context::after_plain_form_post, services::candidate_portal, with_state};
    let result = with_state(|_state| async move {
        let zone = candidate_portal::parse_zone(&time_zone)
            .ok_or_else(|| AppError::invalid("time_zone", "Choose a time zone from the list."))?;
        candidate_portal::remember_zone(zone);
        Ok(())
    })
    .await;
    after_plain_form_post(&result, |_| candidate_portal::safe_back(&back));
    result
}

/// The recruiter's preview of a job's portal for a sample candidate at
/// `stage`: a candidate-facing stage's id, `offer`, `hired` or `rejected`
/// (empty: the first visible stage).
#[server(endpoint = "get_portal_preview")]
pub async fn get_portal_preview(job_id: i64, stage: String) -> Result<PortalPreview, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::candidate_portal, with_recruiter};
    with_recruiter(Role::Viewer, "previewing portals", |state, me| async move {
        let zone = candidate_portal::request_zone(None);
        candidate_portal::preview(&state, &me, job_id, &stage, zone).await
    })
    .await
}
