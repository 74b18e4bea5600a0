//! The candidate portal's pages: which applications a signed-in candidate
//! sees, one application's stage timeline, content, upcoming interviews and
//! outcome, the interview calendar file, the time zone times are shown in,
//! and the recruiter's preview with a sample candidate.
//!
//! Every query filters on the organization, and an application is only
//! found through the signed-in candidate: another candidate's or another
//! organization's id gets the same "not found" as an id that does not exist.

use crate::api::candidate_portal::{
    ApplicationSummary, ApplicationView, CandidateApplication, CandidateApplications,
    InterviewView, InterviewerView, OutcomeKind, OutcomeView, PortalPreview, StageState,
    TimeZoneChoice, TimelineStage,
};
use crate::domain::blocks::{SpotlightView, web_url};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::{CurrentCandidate, CurrentRecruiter, sessions};
use crate::ssr::entities::dashboard::portal;
use crate::ssr::entities::greenhouse::{
    applications, interviewers, interviews, job_interviews, jobs, offers, users,
};
use crate::ssr::entities::joined::{join_on, joined_model, model, with_columns};
use crate::ssr::entities::portal_content::portal_stage;
use crate::ssr::markdown::to_safe_html;
use crate::ssr::services::portal_content::{self, PortalContent};
use crate::ssr::services::{integrations, jobs as dashboard_jobs, portal as portal_pages};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::sea_query::{Expr, Order, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, JoinType, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};
use std::collections::HashMap;

/// The cookie that remembers the time zone a browser shows times in.
pub const TZ_COOKIE: &str = "tz";

// ---------------------------------------------------------------------------
// Time zones

/// The time zone of a page, and whether the browser chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub tz: Tz,
    pub from_cookie: bool,
}

/// An IANA zone name (`Europe/Berlin`), or `None`.
pub fn parse_zone(name: &str) -> Option<Tz> {
    let name = name.trim();
    if name.is_empty() || name.len() > 64 {
        return None;
    }
    name.parse().ok()
}

/// The zone to show times in: the browser's choice (the `tz` cookie) when
/// valid, else the time zone Greenhouse has for the candidate, else UTC.
pub fn zone_from(cookie: Option<&str>, candidate: Option<&str>) -> Zone {
    if let Some(tz) = cookie.and_then(parse_zone) {
        return Zone {
            tz,
            from_cookie: true,
        };
    }
    Zone {
        tz: candidate.and_then(parse_zone).unwrap_or(Tz::UTC),
        from_cookie: false,
    }
}

/// [`zone_from`] for the current request (and candidate, if any).
pub fn request_zone(me: Option<&CurrentCandidate>) -> Zone {
    let cookie = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| sessions::read_cookie(&parts.headers, TZ_COOKIE));
    zone_from(
        cookie.as_deref(),
        me.and_then(|me| me.candidate.time_zone.as_deref()),
    )
}

/// Sets the `tz` cookie on the current response (a year; HttpOnly, as the
/// page learns from the server whether it is set).
pub fn remember_zone(tz: Tz) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(
            http::header::SET_COOKIE,
            sessions::cookie(TZ_COOKIE, tz.name(), "Lax", Some(365 * 24 * 60 * 60)),
        );
    }
}

/// Where to send a browser back to after choosing a zone: a path of this
/// site, never another site.
pub fn safe_back(back: &str) -> String {
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    if local {
        back.to_owned()
    } else {
        "/".to_owned()
    }
}

fn zone_choice(zone: Zone) -> TimeZoneChoice {
    TimeZoneChoice {
        name: zone.tz.name().to_owned(),
        from_cookie: zone.from_cookie,
    }
}

/// "Tue 3 Dec", with the year when it is not this year's.
fn day_label(date: NaiveDate, today: NaiveDate) -> String {
    if date.year() == today.year() {
        date.format("%a %-d %b").to_string()
    } else {
        date.format("%a %-d %b %Y").to_string()
    }
}

/// "Tue 3 Dec, 14:00 – 15:00 CET" (or across midnight, both days).
fn timed_label(
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    tz: Tz,
    today: NaiveDate,
) -> String {
    let start = start.with_timezone(&tz);
    let day = day_label(start.date_naive(), today);
    match end.map(|end| end.with_timezone(&tz)) {
        Some(end) if end.date_naive() == start.date_naive() => format!(
            "{day}, {} – {} {}",
            start.format("%H:%M"),
            end.format("%H:%M"),
            end.format("%Z")
        ),
        Some(end) => format!(
            "{day}, {} {} – {}, {} {}",
            start.format("%H:%M"),
            start.format("%Z"),
            day_label(end.date_naive(), today),
            end.format("%H:%M"),
            end.format("%Z")
        ),
        None => format!("{day}, {} {}", start.format("%H:%M"), start.format("%Z")),
    }
}

/// The last day of an all-day interview (Greenhouse's end date is
/// exclusive, as in calendars).
fn last_day(start: NaiveDate, end: Option<NaiveDate>) -> NaiveDate {
    end.filter(|end| *end > start)
        .and_then(|end| end.pred_opt())
        .unwrap_or(start)
}

/// "All day, Tue 3 Dec" or "All day, Tue 3 Dec – Thu 5 Dec".
fn all_day_label(start: NaiveDate, end: Option<NaiveDate>, today: NaiveDate) -> String {
    let last = last_day(start, end);
    if last == start {
        format!("All day, {}", day_label(start, today))
    } else {
        format!(
            "All day, {} – {}",
            day_label(start, today),
            day_label(last, today)
        )
    }
}

/// "Status as of Tue 3 Dec 2024, 14:05 CET".
fn status_as_of(at: Option<DateTime<Utc>>, tz: Tz) -> String {
    match at {
        Some(at) => format!(
            "Status as of {}",
            at.with_timezone(&tz).format("%a %-d %b %Y, %H:%M %Z")
        ),
        None => "Status as of: not yet synced from Greenhouse".to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Which applications a candidate sees

/// Whether a portal shows an application: its job's portal is active, it
/// is a real application (not a prospect, not converted), and a rejected
/// one only for the portal's `rejected_access_days` after the rejection
/// (Greenhouse's `rejected_at`; when missing, the last change we have).
fn shown(application: &applications::Model, portal: &portal::Model, now: DateTime<Utc>) -> bool {
    if !portal.active || application.prospect || application.status == "converted" {
        return false;
    }
    if application.status == "rejected" {
        let Some(rejected) = application
            .rejected_at
            .or(application.last_activity_at)
            .or(application.updated_at)
        else {
            return false;
        };
        return rejected + Duration::days(i64::from(portal.rejected_access_days.max(0))) > now;
    }
    true
}

/// A candidate's application as its pages read it (one query).
struct VisibleApplication {
    application: applications::Model,
    portal: portal::Model,
    job: Option<jobs::Model>,
    outcome: Option<OutcomeKind>,
}

/// The signed-in candidate's applications (those `filter` keeps), each with
/// its job's portal, the job and whether an offer is out, in one query.
async fn applications_with_portals<C: ConnectionTrait>(
    db: &C,
    me: &CurrentCandidate,
    filter: impl FnOnce(sea_orm::Select<applications::Entity>) -> sea_orm::Select<applications::Entity>,
) -> Result<
    Vec<(
        applications::Model,
        Option<portal::Model>,
        Option<jobs::Model>,
        bool,
    )>,
    AppError,
> {
    let job_of_application = (
        applications::Column::OrganizationId,
        applications::Column::JobId,
    );
    let to_portal = join_on::<applications::Entity, portal::Entity>(
        job_of_application,
        (portal::Column::OrganizationId, portal::Column::JobId),
    );
    let to_job = join_on::<applications::Entity, jobs::Entity>(
        job_of_application,
        (jobs::Column::OrganizationId, jobs::Column::Id),
    );
    let query = filter(
        applications::Entity::find()
            .filter(applications::Column::OrganizationId.eq(me.organization_id()))
            .filter(applications::Column::CandidateId.eq(me.candidate_id())),
    )
    .select_only();
    let query = with_columns::<applications::Entity, _>(query, "a_");
    let query = with_columns::<portal::Entity, _>(query, "p_");
    let query = with_columns::<jobs::Entity, _>(query, "j_")
        .expr_as(offer_out_column(), "offer_out")
        .join(JoinType::LeftJoin, to_portal)
        .join(JoinType::LeftJoin, to_job);
    let rows = db.query_all(&query.into_query()).await?;
    let read = |row: &sea_orm::QueryResult| -> Result<_, DbErr> {
        Ok((
            model::<applications::Entity>(row, "a_")?,
            joined_model::<portal::Entity>(row, "p_")?,
            joined_model::<jobs::Entity>(row, "j_")?,
            row.try_get::<Option<i32>>("", "offer_out")? == Some(1),
        ))
    };
    Ok(rows.iter().map(read).collect::<Result<Vec<_>, DbErr>>()?)
}

/// The candidate's application `application_id` with its portal, job and
/// outcome, if the portal shows it; "not found" for anyone else's.
async fn visible_application<C: ConnectionTrait>(
    db: &C,
    me: &CurrentCandidate,
    application_id: i64,
    now: DateTime<Utc>,
) -> Result<VisibleApplication, AppError> {
    let not_found = || AppError::not_found("This application");
    let (application, portal, job, offer_out) = applications_with_portals(db, me, |query| {
        query.filter(applications::Column::Id.eq(application_id))
    })
    .await?
    .pop()
    .ok_or_else(not_found)?;
    let portal = portal
        .filter(|portal| shown(&application, portal, now))
        .ok_or_else(not_found)?;
    let outcome = outcome_of(&application, offer_out);
    Ok(VisibleApplication {
        application,
        portal,
        job,
        outcome,
    })
}

fn job_name(job: Option<&jobs::Model>) -> String {
    job.map_or_else(|| "Your application".to_owned(), |job| job.name.clone())
}

fn candidate_name(me: &CurrentCandidate) -> String {
    let candidate = &me.candidate;
    candidate
        .preferred_name
        .as_deref()
        .or(candidate.first_name.as_deref())
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or("there")
        .to_owned()
}

/// Whether an application's latest offer (highest version) is out: sent
/// and not yet answered, or accepted while the application is not marked
/// hired yet. A column expression on `gh_applications`, so the page that
/// reads an application learns it in the same query.
fn offer_out_column() -> Expr {
    use sea_orm::sea_query::ExprTrait;
    let column = |c: offers::Column| Expr::col((offers::Entity, c));
    let latest_offer = Query::select()
        .expr(
            Expr::case(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(column(offers::Column::Status).eq("Created"))
                            .add(column(offers::Column::SentOn).is_not_null()),
                    )
                    .add(column(offers::Column::Status).eq("Accepted")),
                1,
            )
            .finally(0),
        )
        .from(offers::Entity)
        .and_where(
            column(offers::Column::OrganizationId)
                .equals((applications::Entity, applications::Column::OrganizationId)),
        )
        .and_where(
            column(offers::Column::ApplicationId)
                .equals((applications::Entity, applications::Column::Id)),
        )
        .order_by((offers::Entity, offers::Column::Version), Order::Desc)
        .order_by((offers::Entity, offers::Column::Id), Order::Desc)
        .limit(1)
        .to_owned();
    Expr::SubQuery(None, Box::new(latest_offer.into_sub_query_statement()))
}

/// The outcome of an application: hired, rejected, or an offer out.
fn outcome_of(application: &applications::Model, offer_out: bool) -> Option<OutcomeKind> {
    match application.status.as_str() {
        "hired" => Some(OutcomeKind::Hired),
        "rejected" => Some(OutcomeKind::Rejected),
        _ => offer_out.then_some(OutcomeKind::Offer),
    }
}

/// The portal's message about an outcome, or ours.
fn outcome_view(kind: OutcomeKind, portal: &portal::Model, organization: &str) -> OutcomeView {
    use crate::api::portal_editor::{
        default_hired_message, default_offer_message, default_rejected_message,
    };
    let (custom, title, default) = match kind {
        OutcomeKind::Offer => (
            &portal.offer_message,
            "You have an offer",
            default_offer_message(organization),
        ),
        OutcomeKind::Hired => (
            &portal.hired_message,
            "Welcome aboard",
            default_hired_message(organization),
        ),
        OutcomeKind::Rejected => (
            &portal.rejected_message,
            "An update on your application",
            default_rejected_message(organization),
        ),
    };
    let message = custom
        .as_deref()
        .filter(|m| !m.trim().is_empty())
        .map_or(default, str::to_owned);
    OutcomeView {
        kind,
        title: title.to_owned(),
        message_html: to_safe_html(&message),
    }
}

// ---------------------------------------------------------------------------
// Stages

/// The portal stage that maps the application's current Greenhouse stage
/// (which may be hidden).
fn current_stage(content: &PortalContent, application: &applications::Model) -> Option<i64> {
    portal_content::current_greenhouse_stage(application, &content.greenhouse)
        .and_then(|id| portal_content::stage_of(&content.stages, id))
        .map(|stage| stage.id)
}

/// The stage a candidate sees as current, as an index into `stages`.
///
/// It is the stage that maps the application's Greenhouse stage. When that
/// stage is hidden, the candidate has moved past the last visible stage
/// before it and has no new step to see yet, so that stage stays current
/// (and its content stays on the page); when no visible stage comes before
/// the hidden one, no stage is current and the whole timeline lies ahead.
fn shown_current(stages: &[portal_stage::Model], current: Option<i64>) -> Option<usize> {
    let index = stages.iter().position(|stage| Some(stage.id) == current)?;
    stages[..=index].iter().rposition(|stage| !stage.hidden)
}

/// The visible stages, past / current / upcoming. A hired candidate has
/// passed them all; a rejected one sees only the stages they reached.
fn timeline(
    stages: &[portal_stage::Model],
    current: Option<usize>,
    outcome: Option<OutcomeKind>,
) -> Vec<TimelineStage> {
    stages
        .iter()
        .enumerate()
        .filter(|(_, stage)| !stage.hidden)
        .filter_map(|(index, stage)| {
            let state = match (outcome, current) {
                (Some(OutcomeKind::Hired), _) => StageState::Past,
                (Some(OutcomeKind::Rejected), Some(at)) if index <= at => StageState::Past,
                (Some(OutcomeKind::Rejected), _) => return None,
                (_, Some(at)) if index < at => StageState::Past,
                (_, Some(at)) if index == at => StageState::Current,
                _ => StageState::Upcoming,
            };
            Some(TimelineStage {
                name: stage.name.clone(),
                state,
            })
        })
        .collect()
}

/// The status line of an application in the list.
fn status_label(
    stages: &[portal_stage::Model],
    current: Option<usize>,
    outcome: Option<OutcomeKind>,
) -> String {
    match (outcome, current) {
        (Some(kind), _) => kind.label().to_owned(),
        (None, Some(index)) => stages[index].name.clone(),
        (None, None) => "Application received".to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Content and interviews

fn is_cancelled(interview: &interviews::Model) -> bool {
    matches!(
        interview.status.to_ascii_lowercase().as_str(),
        "cancelled" | "canceled"
    )
}

/// Whether an interview still lies ahead: a timed one until it ends (so a
/// candidate opening the page a minute late still finds the video link),
/// an all-day one through its last day in the candidate's zone.
fn is_upcoming(interview: &interviews::Model, now: DateTime<Utc>, today: NaiveDate) -> bool {
    if let Some(start) = interview.starts_at {
        return interview.ends_at.unwrap_or(start) > now;
    }
    interview
        .all_day_start_on
        .is_some_and(|start| last_day(start, interview.all_day_end_on) >= today)
}

/// When an interview begins, for sorting.
fn begins(interview: &interviews::Model, tz: Tz) -> DateTime<Utc> {
    interview
        .starts_at
        .or_else(|| {
            let day = interview.all_day_start_on?.and_hms_opt(0, 0, 0)?;
            tz.from_local_datetime(&day)
                .earliest()
                .map(|at| at.with_timezone(&Utc))
        })
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// When and how an interview is shown, in `tz`.
fn interview_times(
    interview: &interviews::Model,
    tz: Tz,
    today: NaiveDate,
) -> (String, String, bool) {
    match (interview.starts_at, interview.all_day_start_on) {
        (Some(start), _) => (
            timed_label(start, interview.ends_at, tz, today),
            start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            false,
        ),
        (None, Some(day)) => (
            all_day_label(day, interview.all_day_end_on, today),
            day.format("%Y-%m-%d").to_string(),
            true,
        ),
        (None, None) => (String::new(), String::new(), false),
    }
}

/// An interview as its pages read it: with its step's name and its panel.
struct Scheduled {
    interview: interviews::Model,
    /// The interview step's name (`job_interviews`).
    step: Option<String>,
    /// The panel as the candidate sees it, in Greenhouse's order.
    panel: Vec<InterviewerView>,
}

/// The interviews `query` finds, each with its step's name and its panel
/// (the interviewers and their Greenhouse users, with what `spotlights`
/// says about them), in one query.
async fn interviews_with_panels<C: ConnectionTrait>(
    db: &C,
    query: sea_orm::Select<interviews::Entity>,
    spotlights: &HashMap<i64, SpotlightView>,
) -> Result<Vec<Scheduled>, DbErr> {
    let to_step = join_on::<interviews::Entity, job_interviews::Entity>(
        (
            interviews::Column::OrganizationId,
            interviews::Column::JobInterviewId,
        ),
        (
            job_interviews::Column::OrganizationId,
            job_interviews::Column::Id,
        ),
    );
    let to_panel = join_on::<interviews::Entity, interviewers::Entity>(
        (interviews::Column::OrganizationId, interviews::Column::Id),
        (
            interviewers::Column::OrganizationId,
            interviewers::Column::InterviewId,
        ),
    );
    let to_user = join_on::<interviewers::Entity, users::Entity>(
        (
            interviewers::Column::OrganizationId,
            interviewers::Column::UserId,
        ),
        (users::Column::OrganizationId, users::Column::Id),
    );
    let query = with_columns::<interviews::Entity, _>(query.select_only(), "i_")
        .column_as(job_interviews::Column::Name, "step_name");
    let query = with_columns::<interviewers::Entity, _>(query, "m_");
    let query = with_columns::<users::Entity, _>(query, "u_")
        .join(JoinType::LeftJoin, to_step)
        .join(JoinType::LeftJoin, to_panel)
        .join(JoinType::LeftJoin, to_user)
        .order_by_asc(interviews::Column::Id)
        .order_by_asc(Expr::col((interviewers::Entity, interviewers::Column::Id)));
    let mut found: Vec<Scheduled> = Vec::new();
    for row in db.query_all(&query.into_query()).await? {
        let interview = model::<interviews::Entity>(&row, "i_")?;
        if found
            .last()
            .is_none_or(|last| last.interview.id != interview.id)
        {
            found.push(Scheduled {
                interview,
                step: row.try_get::<Option<String>>("", "step_name")?,
                panel: Vec::new(),
            });
        }
        if let (Some(member), Some(scheduled)) = (
            joined_model::<interviewers::Entity>(&row, "m_")?,
            found.last_mut(),
        ) {
            let person = joined_model::<users::Entity>(&row, "u_")?;
            let spotlight = member.user_id.and_then(|id| spotlights.get(&id)).cloned();
            scheduled
                .panel
                .push(interviewer(person.as_ref(), spotlight));
        }
    }
    Ok(found)
}

/// An interviewer as the candidate sees them: the Greenhouse user's name
/// and job title, or the spotlight's; someone from outside Greenhouse as a
/// guest (their email address is not shown).
fn interviewer(person: Option<&users::Model>, spotlight: Option<SpotlightView>) -> InterviewerView {
    let user_name = person.and_then(|user| {
        user.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .or_else(|| {
                let full = [user.first_name.as_deref(), user.last_name.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                (!full.trim().is_empty()).then_some(full)
            })
    });
    let name = user_name
        .or_else(|| spotlight.as_ref().map(|s| s.name.clone()))
        .unwrap_or_else(|| "Guest interviewer".to_owned());
    let title = spotlight
        .as_ref()
        .map(|s| s.title.clone())
        .filter(|t| !t.trim().is_empty())
        .or_else(|| person.and_then(|user| user.job_title.clone()))
        .filter(|t| !t.trim().is_empty());
    InterviewerView {
        name,
        title,
        spotlight,
    }
}

/// The application's upcoming interviews (not cancelled), soonest first.
async fn upcoming_interviews<C: ConnectionTrait>(
    db: &C,
    application: &applications::Model,
    spotlights: &HashMap<i64, SpotlightView>,
    tz: Tz,
    now: DateTime<Utc>,
) -> Result<Vec<InterviewView>, AppError> {
    let org = application.organization_id;
    let today = now.with_timezone(&tz).date_naive();
    let mut found: Vec<Scheduled> = interviews_with_panels(
        db,
        interviews::Entity::find()
            .filter(interviews::Column::OrganizationId.eq(org))
            .filter(interviews::Column::ApplicationId.eq(application.id)),
        spotlights,
    )
    .await?
    .into_iter()
    .filter(|s| !is_cancelled(&s.interview) && is_upcoming(&s.interview, now, today))
    .collect();
    found.sort_by_key(|s| (begins(&s.interview, tz), s.interview.id));
    Ok(found
        .into_iter()
        .map(
            |Scheduled {
                 interview,
                 step,
                 panel,
             }| {
                let (when, datetime, all_day) = interview_times(&interview, tz, today);
                InterviewView {
                    id: interview.id,
                    title: step.unwrap_or_else(|| "Interview".to_owned()),
                    when,
                    datetime,
                    all_day,
                    location: interview.location.clone().filter(|l| !l.trim().is_empty()),
                    video_url: video_link(&interview),
                    interviewers: panel,
                    sample: false,
                }
            },
        )
        .collect())
}

/// The interview's video call link, when it is an `http(s)` address.
fn video_link(interview: &interviews::Model) -> Option<String> {
    web_url(interview.video_conferencing_url.as_deref()?).ok()
}

// ---------------------------------------------------------------------------
// Pages

/// What an application page is built from, real or sample.
struct Subject<'a> {
    application_id: i64,
    job_name: String,
    organization: &'a str,
    portal: &'a portal::Model,
    /// The stage that maps the application's Greenhouse stage.
    current: Option<i64>,
    outcome: Option<OutcomeKind>,
    interviews: Vec<InterviewView>,
    zone: Zone,
    data_as_of: Option<DateTime<Utc>>,
    sample: bool,
}

fn application_view(subject: Subject<'_>, content: &PortalContent) -> ApplicationView {
    let current = shown_current(&content.stages, subject.current);
    let rejected = subject.outcome == Some(OutcomeKind::Rejected);
    let current_stage = current.map(|index| &content.stages[index]);
    let stage_blocks = match current_stage {
        Some(stage) if !rejected => content.blocks_of(Some(stage.id)),
        _ => Vec::new(),
    };
    ApplicationView {
        application_id: subject.application_id,
        job_name: subject.job_name,
        outcome: subject
            .outcome
            .map(|kind| outcome_view(kind, subject.portal, subject.organization)),
        timeline: timeline(&content.stages, current, subject.outcome),
        current_stage: current_stage
            .filter(|_| subject.outcome.is_none() || subject.outcome == Some(OutcomeKind::Offer))
            .map(|stage| stage.name.clone()),
        stage_blocks,
        general_blocks: if rejected {
            Vec::new()
        } else {
            content.blocks_of(None)
        },
        interviews: if rejected {
            Vec::new()
        } else {
            subject.interviews
        },
        time_zone: zone_choice(subject.zone),
        status_as_of: status_as_of(subject.data_as_of, subject.zone.tz),
        sample: subject.sample,
    }
}

/// The portal home's list: the candidate's applications this portal shows.
pub async fn home(
    state: &AppState,
    me: &CurrentCandidate,
    zone: Zone,
) -> Result<CandidateApplications, AppError> {
    let db = &state.db;
    let now = Utc::now();
    let found = applications_with_portals(db, me, |query| {
        query
            .filter(applications::Column::Prospect.eq(false))
            .filter(applications::Column::Status.ne("converted"))
            .order_by_desc(applications::Column::CreatedAt)
            .order_by_desc(applications::Column::Id)
    })
    .await?;
    let mut listed = Vec::new();
    for (application, portal, job, offer_out) in found {
        let Some(portal) = portal.filter(|portal| shown(&application, portal, now)) else {
            continue;
        };
        let outcome = outcome_of(&application, offer_out);
        let content = portal_content::content(db, &state.portal_content, &portal).await?;
        let current = current_stage(&content, &application);
        listed.push(ApplicationSummary {
            id: application.id,
            job_name: job_name(job.as_ref()),
            status: status_label(
                &content.stages,
                shown_current(&content.stages, current),
                outcome,
            ),
            outcome,
        });
    }
    Ok(CandidateApplications {
        portal: portal_pages::home_of(me.organization.clone()),
        candidate_name: candidate_name(me),
        applications: listed,
        time_zone: zone_choice(zone),
        status_as_of: status_as_of(me.data_as_of, zone.tz),
    })
}

/// One of the candidate's applications.
pub async fn application(
    state: &AppState,
    me: &CurrentCandidate,
    application_id: i64,
    zone: Zone,
) -> Result<CandidateApplication, AppError> {
    let db = &state.db;
    let now = Utc::now();
    let VisibleApplication {
        application,
        portal,
        job,
        outcome,
    } = visible_application(db, me, application_id, now).await?;
    let home = portal_pages::home_of(me.organization.clone());
    let content = portal_content::content(db, &state.portal_content, &portal).await?;
    let interviews =
        upcoming_interviews(db, &application, &content.spotlights, zone.tz, now).await?;
    let current = current_stage(&content, &application);
    let view = application_view(
        Subject {
            application_id: application.id,
            job_name: job_name(job.as_ref()),
            organization: &home.name,
            portal: &portal,
            current,
            outcome,
            interviews,
            zone,
            data_as_of: me.data_as_of,
            sample: false,
        },
        &content,
    );
    Ok(CandidateApplication {
        portal: home,
        candidate_name: candidate_name(me),
        view,
    })
}

// ---------------------------------------------------------------------------
// Preview

/// The preview's choices beyond the stages: the outcome pages.
const OUTCOME_CHOICES: [(&str, OutcomeKind, &str); 3] = [
    ("offer", OutcomeKind::Offer, "Outcome: an offer is out"),
    ("hired", OutcomeKind::Hired, "Outcome: hired"),
    (
        "rejected",
        OutcomeKind::Rejected,
        "Outcome: not moving forward",
    ),
];

/// A job's portal as a sample candidate at `stage` would see it: a
/// candidate-facing stage's id (a hidden one shows what such a candidate
/// sees), `offer`, `hired` or `rejected`; empty for the first visible stage.
pub async fn preview(
    state: &AppState,
    me: &CurrentRecruiter,
    job_id: i64,
    stage: &str,
    zone: Zone,
) -> Result<PortalPreview, AppError> {
    let db = &state.db;
    let org = me.organization_id();
    let job = dashboard_jobs::visible_job(db, me, job_id).await?;
    let portal = portal_content::portal_of_job(db, org, job.id)
        .await?
        .ok_or_else(|| AppError::not_found("A portal for this job (activate the job first)"))?;
    let content = portal_content::content(db, &state.portal_content, &portal).await?;
    let stages = &content.stages;
    let first_visible = stages.iter().find(|s| !s.hidden).or(stages.first());
    let last_visible = stages.iter().rev().find(|s| !s.hidden).or(stages.last());

    let chosen = stage.trim();
    let (selected, current, outcome) = if chosen.is_empty() {
        (
            first_visible.map(|s| s.id.to_string()).unwrap_or_default(),
            first_visible,
            None,
        )
    } else if let Some((value, kind, _)) = OUTCOME_CHOICES.iter().find(|(v, ..)| *v == chosen) {
        let at = if *kind == OutcomeKind::Rejected {
            first_visible
        } else {
            last_visible
        };
        ((*value).to_owned(), at, Some(*kind))
    } else {
        let found = chosen
            .parse::<i64>()
            .ok()
            .and_then(|id| stages.iter().find(|s| s.id == id))
            .ok_or_else(|| AppError::not_found("That stage"))?;
        (found.id.to_string(), Some(found), None)
    };

    let mut choices: Vec<(String, String)> = stages
        .iter()
        .map(|s| {
            let label = if s.hidden {
                format!("{} (hidden from candidates)", s.name)
            } else {
                s.name.clone()
            };
            (s.id.to_string(), label)
        })
        .collect();
    choices.extend(
        OUTCOME_CHOICES
            .iter()
            .map(|(v, _, l)| ((*v).to_owned(), (*l).to_owned())),
    );

    let home = portal_pages::home_of(me.organization.clone());
    let interviews = match outcome {
        Some(OutcomeKind::Hired | OutcomeKind::Rejected) => Vec::new(),
        _ => sample_interviews(db, &job, current, &content.spotlights, zone.tz).await?,
    };
    let view = application_view(
        Subject {
            application_id: 0,
            job_name: job.name.clone(),
            organization: &home.name,
            portal: &portal,
            current: current.map(|s| s.id),
            outcome,
            interviews,
            zone,
            data_as_of: integrations::data_as_of(db, org).await?,
            sample: true,
        },
        &content,
    );
    Ok(PortalPreview {
        job_id: job.id,
        job_name: job.name,
        active: portal.active,
        portal: home,
        choices,
        selected,
        view,
    })
}

/// Made-up interviews for a preview: the stage's interview steps from the
/// job's plan (or one named after the stage), on the coming days at 10:00,
/// with the people this portal spotlights as the panel.
async fn sample_interviews<C: ConnectionTrait>(
    db: &C,
    job: &jobs::Model,
    stage: Option<&portal_stage::Model>,
    spotlights: &HashMap<i64, SpotlightView>,
    tz: Tz,
) -> Result<Vec<InterviewView>, AppError> {
    let Some(stage) = stage else {
        return Ok(Vec::new());
    };
    let steps = job_interviews::Entity::find()
        .filter(job_interviews::Column::OrganizationId.eq(job.organization_id))
        .filter(job_interviews::Column::JobId.eq(job.id))
        .filter(job_interviews::Column::Active.eq(true))
        .filter(job_interviews::Column::JobInterviewStageId.is_in(stage.greenhouse_ids()))
        .order_by_asc(job_interviews::Column::SortOrder)
        .order_by_asc(job_interviews::Column::Id)
        .limit(2)
        .all(db)
        .await?;
    let mut planned: Vec<(String, i64)> = steps
        .into_iter()
        .map(|step| (step.name, step.duration.filter(|d| *d > 0).unwrap_or(60)))
        .collect();
    if planned.is_empty() {
        planned.push((format!("{} interview", stage.name), 60));
    }
    let mut spotlighted: Vec<&SpotlightView> = spotlights.values().collect();
    spotlighted.sort_by_key(|s| s.greenhouse_user_id);
    let user_ids: Vec<i64> = spotlighted
        .iter()
        .filter_map(|s| s.greenhouse_user_id)
        .collect();
    let people: HashMap<i64, users::Model> = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(job.organization_id))
        .filter(users::Column::Id.is_in(user_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|user| (user.id, user))
        .collect();
    let mut panel: Vec<InterviewerView> = spotlighted
        .into_iter()
        .take(2)
        .map(|s| {
            let person = s.greenhouse_user_id.and_then(|id| people.get(&id));
            interviewer(person, Some(s.clone()))
        })
        .collect();
    if panel.is_empty() {
        panel.push(InterviewerView {
            name: "Alex Example".to_owned(),
            title: Some("Sample interviewer".to_owned()),
            spotlight: None,
        });
    }
    let now = Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    Ok(planned
        .into_iter()
        .enumerate()
        .filter_map(|(n, (title, minutes))| {
            let day = today.checked_add_days(chrono::Days::new(n as u64 + 1))?;
            let start = tz
                .from_local_datetime(&day.and_hms_opt(10, 0, 0)?)
                .earliest()?
                .with_timezone(&Utc);
            let end = start + Duration::minutes(minutes);
            Some(InterviewView {
                id: 0,
                title,
                when: timed_label(start, Some(end), tz, today),
                datetime: start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                all_day: false,
                location: Some("Where it takes place, from Greenhouse".to_owned()),
                video_url: None,
                interviewers: panel.clone(),
                sample: true,
            })
        })
        .collect())
}

// ---------------------------------------------------------------------------
// Calendar files

/// An interview as an iCalendar file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub filename: String,
    pub body: String,
}

/// The `.ics` of interview `interview_id` of the candidate's application
/// `application_id`; "not found" for anyone else's, or a cancelled one.
pub async fn calendar(
    state: &AppState,
    me: &CurrentCandidate,
    application_id: i64,
    interview_id: i64,
    now: DateTime<Utc>,
) -> Result<Calendar, AppError> {
    let db = &state.db;
    let org = me.organization_id();
    let not_found = || AppError::not_found("This interview");
    let VisibleApplication {
        application,
        portal,
        job,
        ..
    } = visible_application(db, me, application_id, now).await?;
    let content = portal_content::content(db, &state.portal_content, &portal).await?;
    let Scheduled {
        interview,
        step,
        panel,
    } = interviews_with_panels(
        db,
        interviews::Entity::find_by_id((org, interview_id)),
        &content.spotlights,
    )
    .await?
    .into_iter()
    .find(|s| s.interview.application_id == application.id && !is_cancelled(&s.interview))
    .ok_or_else(not_found)?;
    let organization = me
        .organization
        .display_name
        .clone()
        .unwrap_or_else(|| me.organization.name.clone());
    let step = step.unwrap_or_else(|| "Interview".to_owned());
    let job = job_name(job.as_ref());
    let page = format!(
        "{}/applications/{}",
        crate::ssr::links::portal_path_url(&state.public_url, &me.organization.subdomain)
            .trim_end_matches('/'),
        application.id
    );
    let video = video_link(&interview);
    let mut description = Vec::new();
    if let Some(video) = &video {
        description.push(format!("Video call: {video}"));
    }
    let panel: Vec<String> = panel
        .iter()
        .map(|p| match &p.title {
            Some(title) => format!("{} ({title})", p.name),
            None => p.name.clone(),
        })
        .collect();
    if !panel.is_empty() {
        description.push(format!("Interviewers: {}", panel.join(", ")));
    }
    description.push(format!("Your application: {page}"));
    let event = Event {
        uid: format!("interview-{org}-{}@{}", interview.id, state.public_host()),
        stamp: now,
        when: match (interview.starts_at, interview.all_day_start_on) {
            (Some(start), _) => When::Timed {
                start,
                end: interview
                    .ends_at
                    .filter(|end| *end > start)
                    .unwrap_or(start + Duration::hours(1)),
            },
            (None, Some(first)) => When::AllDay {
                first,
                end: interview
                    .all_day_end_on
                    .filter(|end| *end > first)
                    .or_else(|| first.succ_opt())
                    .unwrap_or(first),
            },
            (None, None) => return Err(not_found()),
        },
        summary: format!("{step}: {job} at {organization}"),
        location: interview.location.clone().filter(|l| !l.trim().is_empty()),
        url: video.clone().unwrap_or_else(|| page.clone()),
        description: description.join("\n"),
    };
    Ok(Calendar {
        filename: format!("interview-{}.ics", interview.id),
        body: event.to_ics(),
    })
}

enum When {
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
    /// `end` is exclusive, as iCalendar wants it.
    AllDay { first: NaiveDate, end: NaiveDate },
}

struct Event {
    uid: String,
    stamp: DateTime<Utc>,
    when: When,
    summary: String,
    location: Option<String>,
    url: String,
    description: String,
}

impl Event {
    /// RFC 5545: CRLF line ends, long lines folded at 75 octets, text
    /// values escaped, times in UTC or as dates for all-day events.
    fn to_ics(&self) -> String {
        const UTC_FORMAT: &str = "%Y%m%dT%H%M%SZ";
        let mut lines = vec![
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Trellis//Candidate portal//EN".to_owned(),
            "CALSCALE:GREGORIAN".to_owned(),
            "METHOD:PUBLISH".to_owned(),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:{}", escape_text(&self.uid)),
            format!("DTSTAMP:{}", self.stamp.format(UTC_FORMAT)),
        ];
        match &self.when {
            When::Timed { start, end } => {
                lines.push(format!("DTSTART:{}", start.format(UTC_FORMAT)));
                lines.push(format!("DTEND:{}", end.format(UTC_FORMAT)));
            }
            When::AllDay { first, end } => {
                lines.push(format!("DTSTART;VALUE=DATE:{}", first.format("%Y%m%d")));
                lines.push(format!("DTEND;VALUE=DATE:{}", end.format("%Y%m%d")));
            }
        }
        lines.push(format!("SUMMARY:{}", escape_text(&self.summary)));
        if let Some(location) = &self.location {
            lines.push(format!("LOCATION:{}", escape_text(location)));
        }
        // A URI value is not escaped; ours never holds a line break.
        lines.push(format!("URL:{}", self.url.replace(['\r', '\n'], "")));
        lines.push(format!("DESCRIPTION:{}", escape_text(&self.description)));
        lines.push("END:VEVENT".to_owned());
        lines.push("END:VCALENDAR".to_owned());
        lines.iter().map(|line| fold(line)).collect()
    }
}

/// An iCalendar TEXT value: backslash, semicolon, comma and line breaks escaped.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded so that no line exceeds 75 octets (never
/// inside a UTF-8 character), each ending in CRLF.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn stage(id: i64, position: i32, hidden: bool) -> portal_stage::Model {
        portal_stage::Model {
            id,
            organization_id: 1,
            portal_id: 1,
            position,
            name: format!("Stage {id}"),
            hidden,
            greenhouse_stage_ids: serde_json::json!([id * 10]),
        }
    }

    #[test]
    fn a_hidden_current_stage_shows_the_last_visible_one_before_it() {
        let stages = [
            stage(1, 0, false),
            stage(2, 1, false),
            stage(3, 2, true),
            stage(4, 3, false),
        ];
        assert_eq!(shown_current(&stages, Some(2)), Some(1));
        assert_eq!(shown_current(&stages, Some(3)), Some(1));
        assert_eq!(shown_current(&stages, Some(4)), Some(3));
        assert_eq!(shown_current(&stages, None), None);
        let hidden_first = [stage(1, 0, true), stage(2, 1, false)];
        assert_eq!(shown_current(&hidden_first, Some(1)), None);
        let names: Vec<_> = timeline(&stages, Some(1), None)
            .into_iter()
            .map(|s| (s.name, s.state))
            .collect();
        assert_eq!(
            names,
            vec![
                ("Stage 1".to_owned(), StageState::Past),
                ("Stage 2".to_owned(), StageState::Current),
                ("Stage 4".to_owned(), StageState::Upcoming),
            ]
        );
    }

    #[test]
    fn outcomes_shape_the_timeline() {
        let stages = [stage(1, 0, false), stage(2, 1, false), stage(3, 2, false)];
        let hired = timeline(&stages, Some(1), Some(OutcomeKind::Hired));
        assert!(hired.iter().all(|s| s.state == StageState::Past));
        let rejected = timeline(&stages, Some(1), Some(OutcomeKind::Rejected));
        assert_eq!(rejected.len(), 2);
        assert!(rejected.iter().all(|s| s.state == StageState::Past));
    }

    #[test]
    fn the_cookie_wins_then_greenhouse_then_utc() {
        let berlin = zone_from(Some("Europe/Berlin"), Some("America/New_York"));
        assert_eq!((berlin.tz, berlin.from_cookie), (Tz::Europe__Berlin, true));
        let greenhouse = zone_from(Some("Mars/Olympus"), Some("America/New_York"));
        assert_eq!(
            (greenhouse.tz, greenhouse.from_cookie),
            (Tz::America__New_York, false)
        );
        assert_eq!(zone_from(None, Some("nonsense")).tz, Tz::UTC);
    }

    /// Every listed zone exists, and every UTC offset some place keeps in
    /// January or July is kept by a listed zone, so every candidate can
    /// pick their time without JavaScript.
    #[test]
    fn the_zone_list_is_valid_and_covers_every_offset_in_use() {
        use crate::domain::time_zones::TIME_ZONES;
        use chrono::{Offset, TimeZone};
        let listed: Vec<Tz> = TIME_ZONES
            .iter()
            .map(|name| parse_zone(name).unwrap_or_else(|| panic!("{name} is not a zone")))
            .collect();
        for instant in ["2026-01-15T12:00:00Z", "2026-07-15T12:00:00Z"] {
            let at: DateTime<Utc> = instant.parse().expect("instant");
            let offset = |tz: &Tz| tz.offset_from_utc_datetime(&at.naive_utc()).fix();
            let covered: HashSet<_> = listed.iter().map(offset).collect();
            let missing: Vec<String> = chrono_tz::TZ_VARIANTS
                .iter()
                .filter(|tz| !tz.name().starts_with("Etc/") && tz.name().contains('/'))
                .filter(|tz| !covered.contains(&offset(tz)))
                .map(|tz| format!("{} ({})", tz.name(), offset(tz)))
                .collect();
            assert!(
                missing.is_empty(),
                "no listed zone at {instant} for {missing:?}"
            );
        }
    }

    #[test]
    fn times_read_in_the_candidates_zone() {
        let start = Utc
            .with_ymd_and_hms(2030, 12, 3, 13, 0, 0)
            .single()
            .unwrap_or_default();
        let end = start + Duration::hours(1);
        let today = NaiveDate::from_ymd_opt(2030, 11, 28).unwrap_or_default();
        assert_eq!(
            timed_label(start, Some(end), Tz::Europe__Berlin, today),
            "Tue 3 Dec, 14:00 – 15:00 CET"
        );
        assert_eq!(
            timed_label(start, Some(end), Tz::America__New_York, today),
            "Tue 3 Dec, 08:00 – 09:00 EST"
        );
        let late = Utc
            .with_ymd_and_hms(2030, 12, 3, 22, 30, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            timed_label(
                late,
                Some(late + Duration::hours(1)),
                Tz::Europe__Berlin,
                today
            ),
            "Tue 3 Dec, 23:30 CET – Wed 4 Dec, 00:30 CET"
        );
        let day = NaiveDate::from_ymd_opt(2030, 12, 3).unwrap_or_default();
        assert_eq!(
            all_day_label(day, day.succ_opt(), today),
            "All day, Tue 3 Dec"
        );
        assert_eq!(
            all_day_label(day, NaiveDate::from_ymd_opt(2030, 12, 6), today),
            "All day, Tue 3 Dec – Thu 5 Dec"
        );
        let last_year = NaiveDate::from_ymd_opt(2029, 12, 28).unwrap_or_default();
        assert_eq!(
            all_day_label(day, None, last_year),
            "All day, Tue 3 Dec 2030"
        );
    }

    #[test]
    fn back_paths_stay_on_this_site() {
        assert_eq!(
            safe_back("/p/acme/applications/7"),
            "/p/acme/applications/7"
        );
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil",
            "javascript:x",
            "",
        ] {
            assert_eq!(safe_back(evil), "/", "{evil}");
        }
    }

    #[test]
    fn ics_text_is_escaped_and_lines_are_folded_at_75_octets() {
        assert_eq!(escape_text("a,b;c\\d\r\ne\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
        let long = format!("DESCRIPTION:{}", "é".repeat(80));
        let folded = fold(&long);
        assert!(folded.ends_with("\r\n"));
        for line in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn an_all_day_event_uses_dates() {
        let first = NaiveDate::from_ymd_opt(2030, 12, 3).unwrap_or_default();
        let event = Event {
            uid: "interview-1-2@example.com".into(),
            stamp: Utc
                .with_ymd_and_hms(2030, 11, 1, 8, 0, 0)
                .single()
                .unwrap_or_default(),
            when: When::AllDay {
                first,
                end: first.succ_opt().unwrap_or(first),
            },
            summary: "Onsite: Engineer, Platform at Acme".into(),
            location: None,
            url: "https://example.com/p/acme/applications/2".into(),
            description: "Your application: https://example.com/p/acme/applications/2".into(),
        };
        let ics = event.to_ics();
        assert!(ics.contains("DTSTART;VALUE=DATE:20301203\r\n"), "{ics}");
        assert!(ics.contains("DTEND;VALUE=DATE:20301204\r\n"), "{ics}");
        assert!(
            ics.contains("SUMMARY:Onsite: Engineer\\, Platform at Acme\r\n"),
            "{ics}"
        );
        assert!(ics.contains("DTSTAMP:20301101T080000Z\r\n"), "{ics}");
    }
}
