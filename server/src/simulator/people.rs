//! The people side of the dataset: candidates (about 1.3 applications each),
//! prospects, applications in every status, interviews (about 1.2 per
//! application, 1–3 interviewers each, some all-day), offers for about 8% of
//! applications (some in several versions), tags on about 30% of candidates.
//! [`new_candidate`] makes the same kind of rows for change sets.

use super::basics::{Ids, between, custom_fields, date, days_ago, email, epoch, later, maybe};
use super::{pools::*, rng::Rng, tables::Tables};
use app::{
    domain::Resource,
    ssr::entities::greenhouse::{self as gh, not_yet_synced},
};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

/// What applications need to know about a job.
#[derive(Clone, Debug)]
pub struct JobPlan {
    pub id: i64,
    pub open: bool,
    /// Active stages (id, name), in interview-plan order.
    pub stages: Vec<(i64, String)>,
    /// Interview steps that get scheduled.
    pub steps: Vec<i64>,
    /// Active posts.
    pub posts: Vec<i64>,
    pub recruiter: Option<i64>,
    pub coordinator: Option<i64>,
    pub openings: Vec<i64>,
}

/// The plans of every published job that has stages (drafts take no applications).
pub fn job_plans(t: &Tables) -> Vec<JobPlan> {
    let mut plans: HashMap<i64, JobPlan> = t
        .jobs
        .iter()
        .filter(|j| j.status != "draft")
        .map(|j| {
            let plan = JobPlan {
                id: j.id,
                open: j.status == "open",
                stages: Vec::new(),
                steps: Vec::new(),
                posts: Vec::new(),
                recruiter: None,
                coordinator: None,
                openings: Vec::new(),
            };
            (j.id, plan)
        })
        .collect();
    let mut stages: Vec<&gh::job_interview_stages::Model> =
        t.job_interview_stages.iter().filter(|s| s.active).collect();
    stages.sort_by_key(|s| (s.job_id, s.sort_order));
    for stage in stages {
        if let Some(plan) = plans.get_mut(&stage.job_id) {
            plan.stages.push((stage.id, stage.name.clone()));
        }
    }
    for step in &t.job_interviews {
        let scheduled = matches!(step.scheduling_type.as_deref(), Some("needs_scheduling"));
        if let Some(plan) = plans
            .get_mut(&step.job_id)
            .filter(|_| scheduled && step.active)
        {
            plan.steps.push(step.id);
        }
    }
    for post in t.job_posts.iter().filter(|p| p.active) {
        if let Some(plan) = post.job_id.and_then(|job| plans.get_mut(&job)) {
            plan.posts.push(post.id);
        }
    }
    for owner in t.job_owners.iter().filter(|o| o.responsible) {
        if let Some(plan) = plans.get_mut(&owner.job_id) {
            match owner.owner_type.as_str() {
                "recruiter" => plan.recruiter = Some(owner.user_id),
                "coordinator" => plan.coordinator = Some(owner.user_id),
                _ => {}
            }
        }
    }
    for opening in &t.openings {
        if let Some(plan) = plans.get_mut(&opening.job_id) {
            plan.openings.push(opening.id);
        }
    }
    let mut plans: Vec<JobPlan> = plans
        .into_values()
        .filter(|p| !p.stages.is_empty())
        .collect();
    plans.sort_by_key(|p| p.id);
    plans
}

/// Cases every dataset has, whatever its size and seed: candidate `i` gets
/// `QUIRKS[i % 30]` (when there is one) on top of the random draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quirk {
    None,
    NoEmail,
    SeveralEmails,
    NoLastName,
    Arabic,
    Hebrew,
    Emoji,
    Apostrophe,
    ConvertedProspect,
    AllDayInterview,
    ExternalInterviewer,
}

const QUIRKS: [Quirk; 10] = [
    Quirk::NoEmail,
    Quirk::SeveralEmails,
    Quirk::NoLastName,
    Quirk::Arabic,
    Quirk::Hebrew,
    Quirk::Emoji,
    Quirk::Apostrophe,
    Quirk::ConvertedProspect,
    Quirk::AllDayInterview,
    Quirk::ExternalInterviewer,
];

fn quirk_of(index: usize) -> Quirk {
    QUIRKS.get(index % 30).copied().unwrap_or(Quirk::None)
}

/// Fills candidates and everything under them into `t`.
pub fn generate(t: &mut Tables, rng: &mut Rng, ids: &mut Ids, candidates: usize) {
    let plans = job_plans(t);
    let mut people = People::new(t, rng, ids);
    for index in 0..candidates {
        let created = days_ago(people.rng, 300, 1);
        people.candidate(&plans, created, quirk_of(index), false);
    }
    people.link_users(candidates / 200 + 1);
}

/// Makes one new candidate (created now) with one application at the first
/// stage of an open job and maybe a tag; returns its id and its application's.
pub fn new_candidate(t: &mut Tables, rng: &mut Rng, now: DateTime<Utc>) -> (i64, Vec<i64>) {
    let plans: Vec<JobPlan> = job_plans(t).into_iter().filter(|p| p.open).collect();
    let mut ids = Ids::after(t);
    let mut people = People::new(t, rng, &mut ids);
    people.candidate(&plans, now, Quirk::None, true)
}

struct People<'a> {
    t: &'a mut Tables,
    rng: &'a mut Rng,
    ids: &'a mut Ids,
    users: Vec<(i64, String)>,
    sources: Vec<i64>,
    reasons: Vec<i64>,
    close_reasons: Vec<i64>,
    tags: Vec<(i64, String)>,
    /// The current candidate's case still to place in an application.
    pending: Quirk,
}

impl<'a> People<'a> {
    fn new(t: &'a mut Tables, rng: &'a mut Rng, ids: &'a mut Ids) -> People<'a> {
        People {
            users: t
                .users
                .iter()
                .filter(|u| !u.deactivated)
                .map(|u| (u.id, u.primary_email.clone()))
                .collect(),
            sources: t.sources.iter().map(|s| s.id).collect(),
            reasons: t.rejection_reasons.iter().map(|r| r.id).collect(),
            close_reasons: t.close_reasons.iter().map(|r| r.id).collect(),
            tags: t
                .candidate_tags
                .iter()
                .map(|tag| (tag.id, tag.name.clone()))
                .collect(),
            pending: Quirk::None,
            t,
            rng,
            ids,
        }
    }

    fn id(&mut self, resource: Resource) -> i64 {
        self.ids.take(resource, self.rng)
    }

    fn user(&mut self) -> Option<i64> {
        (!self.users.is_empty()).then(|| self.rng.pick(&self.users).0)
    }

    /// A candidate created at `created` with its applications; `fresh` (a
    /// change set's new candidate) gets exactly one application, at the first
    /// stage, with no interviews or offers yet.
    fn candidate(
        &mut self,
        plans: &[JobPlan],
        created: DateTime<Utc>,
        quirk: Quirk,
        fresh: bool,
    ) -> (i64, Vec<i64>) {
        let id = self.id(Resource::Candidates);
        self.pending = quirk;
        let count = if fresh {
            1
        } else {
            1 + self.rng.weighted(&[75, 20, 5])
        };
        let mut last_activity = created;
        let mut applications = Vec::new();
        for k in 0..count {
            let applied = if k == 0 {
                created
            } else {
                later(self.rng, created, 60)
            };
            let (application, activity) = self.application(id, plans, applied, fresh);
            applications.push(application);
            last_activity = last_activity.max(activity);
        }
        let tags = if self.rng.chance(0.3) {
            self.apply_tags(id, created)
        } else {
            Vec::new()
        };
        let row = self.candidate_row(id, created, last_activity, tags, quirk);
        self.t.candidates.push(row);
        (id, applications)
    }

    fn apply_tags(&mut self, candidate_id: i64, created: DateTime<Utc>) -> Vec<String> {
        let count = 1 + self.rng.index(3);
        let chosen: Vec<usize> = self.rng.distinct_indices(self.tags.len(), count);
        let mut names = Vec::new();
        for index in chosen {
            let (tag_id, name) = self.tags[index].clone();
            let id = self.id(Resource::AppliedCandidateTags);
            let at = later(self.rng, created, 10).max(created);
            self.t
                .applied_candidate_tags
                .push(gh::applied_candidate_tags::Model {
                    organization_id: 0,
                    id,
                    created_at: Some(at),
                    updated_at: Some(at),
                    candidate_tag_id: tag_id,
                    candidate_id,
                    synced_at: not_yet_synced(),
                });
            names.push(name);
        }
        names
    }

    fn candidate_row(
        &mut self,
        id: i64,
        created: DateTime<Utc>,
        last_activity: DateTime<Utc>,
        tags: Vec<String>,
        quirk: Quirk,
    ) -> gh::candidates::Model {
        let rng = &mut *self.rng;
        let first = match quirk {
            Quirk::Arabic => "فاطمة",
            Quirk::Hebrew => "נועה",
            Quirk::Emoji => "Sam 🚀",
            _ => rng.pick(FIRST_NAMES),
        };
        let first = Some(first.to_owned());
        let last = match quirk {
            Quirk::NoLastName => None,
            Quirk::Apostrophe => Some("O'Brien".to_owned()),
            _ => maybe(rng, 0.96, |rng| (*rng.pick(LAST_NAMES)).to_owned()),
        };
        let address = email(first.as_deref(), last.as_deref(), id, "example.com");
        let email_count = match quirk {
            Quirk::NoEmail => 0,
            Quirk::SeveralEmails => 2,
            _ => rng.weighted(&[4, 70, 20, 6]),
        };
        let emails: Vec<Value> = (0..email_count)
            .map(|k| {
                let value = if k == 0 {
                    address.clone()
                } else {
                    format!("c{id}.{k}@work.example")
                };
                json!({"value": value, "type": rng.pick(EMAIL_TYPES)})
            })
            .collect();
        let phones: Vec<Value> = (0..rng.weighted(&[30, 55, 15]))
            .map(|_| json!({"value": format!("+1 555-{:03}-{:04}", rng.below(1000), rng.below(10_000)), "type": rng.pick(PHONE_TYPES)}))
            .collect();
        let slug = address.split('@').next().unwrap_or_default().to_owned();
        let website =
            json!({"value": format!("{slug}.example.net"), "type": rng.pick(WEBSITE_TYPES)});
        let listed = |rng: &mut Rng, p: f64, value: Value| {
            Value::from(maybe(rng, p, |_| value).into_iter().collect::<Vec<_>>())
        };
        gh::candidates::Model {
            organization_id: 0,
            id,
            created_at: Some(created),
            updated_at: Some(later(rng, last_activity, 2)),
            first_name: first,
            last_name: last,
            preferred_name: maybe(rng, 0.1, |rng| (*rng.pick(FIRST_NAMES)).to_owned()),
            company: maybe(rng, 0.6, |rng| (*rng.pick(COMPANIES)).to_owned()),
            title: maybe(rng, 0.6, |rng| (*rng.pick(TITLES)).to_owned()),
            last_activity_at: Some(last_activity),
            private: maybe(rng, 0.95, |rng| rng.chance(0.05)),
            can_email: rng.chance(0.9),
            time_zone: maybe(rng, 0.5, |rng| (*rng.pick(TIME_ZONES)).to_owned()),
            tags: Value::from(tags),
            linked_user_ids: json!([]),
            phone_numbers: Value::from(phones),
            addresses: listed(
                rng,
                0.3,
                json!({"value": "123 City Street\nNew York, Ny 10001", "type": "home"}),
            ),
            email_addresses: Value::from(emails),
            website_addresses: listed(rng, 0.2, website),
            social_media_addresses: listed(
                rng,
                0.15,
                json!({"value": format!("linkedin.example.com/in/{slug}")}),
            ),
            custom_fields: maybe(rng, 0.25, |rng| {
                custom_fields(&[
                    (
                        "desired_salary",
                        "Desired Salary",
                        "short_text",
                        json!(format!("{}", rng.range(60, 200) * 1_000)),
                    ),
                    (
                        "work_remotely",
                        "Work Remotely",
                        "boolean",
                        json!(rng.chance(0.5)),
                    ),
                ])
            }),
            synced_at: not_yet_synced(),
        }
    }

    /// One application (with its interviews and offers); returns its id and
    /// its last activity. About 8% are prospects (no job, no stage).
    fn application(
        &mut self,
        candidate_id: i64,
        plans: &[JobPlan],
        applied: DateTime<Utc>,
        fresh: bool,
    ) -> (i64, DateTime<Utc>) {
        let id = self.id(Resource::Applications);
        let quirk = std::mem::replace(&mut self.pending, Quirk::None);
        let converted = quirk == Quirk::ConvertedProspect;
        let plan = if converted || plans.is_empty() || (!fresh && self.rng.chance(0.08)) {
            None
        } else {
            Some(self.rng.pick(plans).clone())
        };
        let status = match (&plan, fresh) {
            (_, true) => "in_process",
            (None, false) if converted => "converted",
            (None, false) => ["in_process", "converted"][self.rng.weighted(&[70, 30])],
            (Some(_), false) => {
                ["in_process", "rejected", "hired"][self.rng.weighted(&[69, 25, 6])]
            }
        };
        let last_activity = if fresh {
            applied
        } else {
            between(
                self.rng,
                applied,
                (applied + TimeDelta::days(60)).min(epoch() - TimeDelta::hours(1)),
            )
        };
        let stage = plan.as_ref().map(|p| match status {
            "hired" => p.stages[p.stages.len() - 1].clone(),
            _ if fresh => p.stages[0].clone(),
            _ => self.rng.pick(&p.stages).clone(),
        });
        let referrer_id = if self.rng.chance(0.1) {
            self.user()
        } else {
            None
        };
        let rng = &mut *self.rng;
        let answers: Option<Vec<Value>> = maybe(rng, 0.5, |rng| {
            (0..1 + rng.index(3))
                .map(|_| {
                    let (question, answer) = rng.pick(ANSWERS);
                    json!({"question": question, "answer": answer})
                })
                .collect()
        });
        let row = gh::applications::Model {
            organization_id: 0,
            id,
            created_at: Some(applied),
            updated_at: Some(last_activity),
            candidate_id,
            prospect: plan.is_none(),
            status: status.to_owned(),
            job_id: plan.as_ref().map(|p| p.id),
            job_post_id: plan
                .as_ref()
                .filter(|_| rng.chance(0.7))
                .and_then(|p| rng.choose(&p.posts)),
            stage_id: stage.as_ref().map(|s| s.0),
            stage_name: stage.as_ref().map(|s| s.1.clone()),
            job_interview_stage_id: stage.as_ref().map(|s| s.0),
            source_id: if rng.chance(0.9) {
                rng.choose(&self.sources)
            } else {
                None
            },
            referrer_id,
            recruiter_id: plan
                .as_ref()
                .and_then(|p| p.recruiter)
                .filter(|_| rng.chance(0.7)),
            coordinator_id: plan
                .as_ref()
                .and_then(|p| p.coordinator)
                .filter(|_| rng.chance(0.6)),
            agency_note_id: None,
            rejection_reason_id: if status == "rejected" {
                rng.choose(&self.reasons)
            } else {
                None
            },
            needs_decision: maybe(rng, 0.3, |rng| rng.chance(0.5)),
            rejected_at: (status == "rejected").then_some(last_activity),
            last_activity_at: Some(last_activity),
            location_address: maybe(rng, 0.4, |rng| {
                rng.pick(CITIES).1.unwrap_or("Remote").to_owned()
            }),
            answers: answers.map(Value::from),
            prospective_job_ids: Some(json!([])),
            custom_fields: maybe(rng, 0.15, |_| {
                custom_fields(&[(
                    "application_custom_test",
                    "Application Custom Test",
                    "single_select",
                    json!("Option 1"),
                )])
            }),
            synced_at: not_yet_synced(),
        };
        if let Some(plan) = plan.as_ref().filter(|_| !fresh) {
            self.interviews(&row, plan, (applied, last_activity), quirk);
            let offer = match status {
                "hired" => Some("Accepted"),
                "rejected" if self.rng.chance(0.03) => Some("Rejected"),
                "in_process"
                    if stage.as_ref().is_some_and(|s| s.1 == "Offer") && self.rng.chance(0.25) =>
                {
                    Some("Created")
                }
                _ => None,
            };
            if let Some(final_status) = offer {
                self.offers(&row, plan, final_status, last_activity);
            }
        }
        self.t.applications.push(row);
        (id, last_activity)
    }

    /// Interviews of an application between `from` and `to` (and, for active
    /// applications, up to three weeks after the epoch).
    fn interviews(
        &mut self,
        app: &gh::applications::Model,
        plan: &JobPlan,
        (from, to): (DateTime<Utc>, DateTime<Utc>),
        quirk: Quirk,
    ) {
        if plan.steps.is_empty() {
            return;
        }
        let forced = matches!(quirk, Quirk::AllDayInterview | Quirk::ExternalInterviewer);
        let count = self
            .rng
            .weighted(&[20, 40, 25, 15])
            .max(usize::from(forced));
        for n in 0..count {
            let step = *self.rng.pick(&plan.steps);
            let id = self.id(Resource::Interviews);
            let created = between(self.rng, from, to);
            // In-process applications may have interviews in the weeks after the epoch.
            let horizon = if app.status == "in_process" {
                to + TimeDelta::days(21)
            } else {
                to
            };
            let start = between(self.rng, created, horizon);
            let start = DateTime::from_timestamp(start.timestamp() - start.timestamp() % 900, 0)
                .unwrap_or(start);
            let all_day = (n == 0 && quirk == Quirk::AllDayInterview) || self.rng.chance(0.05);
            let status = if start > epoch() {
                "scheduled"
            } else {
                ["complete", "awaiting_feedback"][self.rng.weighted(&[70, 30])]
            };
            let organizer_id = maybe(self.rng, 0.9, |_| ()).and_then(|()| self.user());
            let rng = &mut *self.rng;
            let row = gh::interviews::Model {
                organization_id: 0,
                id,
                created_at: Some(created),
                updated_at: Some(later(rng, created.max(start.min(epoch())), 2)),
                job_id: plan.id,
                application_id: app.id,
                job_interview_id: step,
                starts_at: (!all_day).then_some(start),
                ends_at: (!all_day)
                    .then(|| start + TimeDelta::minutes(*rng.pick(&[15, 30, 45, 60]))),
                all_day_start_on: all_day.then(|| date(start)),
                all_day_end_on: all_day.then(|| date(start + TimeDelta::days(1))),
                location: maybe(rng, 0.6, |rng| {
                    (*rng.pick(&["Big Conference Room", "Small Conference Room", "Café ☕"]))
                        .to_owned()
                }),
                status: status.to_owned(),
                organizer_id,
                scheduled_at: Some(created),
                external_event_id: maybe(rng, 0.8, |_| format!("event{id}")),
                video_conferencing_url: maybe(rng, 0.5, |_| {
                    format!("https://meet.example.com/{id}")
                }),
                availability_received_at: None,
                synced_at: not_yet_synced(),
            };
            self.interviewers(&row, n == 0 && quirk == Quirk::ExternalInterviewer);
            self.t.interviews.push(row);
        }
    }

    /// The panel: 1–3 users, and now and then (or when `external`) someone
    /// from outside with only an email address.
    fn interviewers(&mut self, interview: &gh::interviews::Model, external: bool) {
        let count = 1 + self.rng.weighted(&[45, 35, 20]);
        let mut panel: Vec<(Option<i64>, String)> = self
            .rng
            .distinct_indices(self.users.len(), count)
            .into_iter()
            .map(|i| (Some(self.users[i].0), self.users[i].1.clone()))
            .collect();
        if external || self.rng.chance(0.02) {
            panel.push((None, format!("external.{}@partner.example", interview.id)));
        }
        for (user_id, address) in panel {
            let id = self.id(Resource::Interviewers);
            let rng = &mut *self.rng;
            self.t.interviewers.push(gh::interviewers::Model {
                organization_id: 0,
                id,
                created_at: interview.created_at,
                updated_at: interview.updated_at,
                interview_id: interview.id,
                user_id,
                scorecard_id: (interview.status == "complete" && rng.chance(0.8))
                    .then(|| id + 30_000_000),
                email: Some(address),
                response_status: Some(
                    (*rng.pick(&["needs_action", "declined", "tentative", "accepted"])).to_owned(),
                ),
                synced_at: not_yet_synced(),
            });
        }
    }

    /// The offer versions of an application: older ones `Deprecated`, the
    /// last `final_status`. An accepted offer fills one of the job's openings.
    fn offers(
        &mut self,
        app: &gh::applications::Model,
        plan: &JobPlan,
        final_status: &str,
        at: DateTime<Utc>,
    ) {
        let versions = 1 + self.rng.weighted(&[75, 20, 5]);
        let filled = if final_status == "Accepted" {
            self.fill_opening(plan, app.id, at)
        } else {
            None
        };
        let opening_id = filled.or_else(|| {
            plan.openings
                .first()
                .copied()
                .filter(|_| self.rng.chance(0.7))
        });
        for version in 1..=versions {
            let id = self.id(Resource::Offers);
            let rng = &mut *self.rng;
            let created = at - TimeDelta::days((versions - version) as i64 * 3 + 1);
            let last = version == versions;
            let status = if last { final_status } else { "Deprecated" };
            let resolved = last && final_status != "Created";
            self.t.offers.push(gh::offers::Model {
                organization_id: 0,
                id,
                created_at: Some(created),
                updated_at: Some(if last {
                    at
                } else {
                    created + TimeDelta::days(2)
                }),
                version: version as i64,
                application_id: app.id,
                job_id: plan.id,
                candidate_id: app.candidate_id,
                opening_id,
                status: status.to_owned(),
                starts_on: maybe(rng, 0.9, |_| date(at + TimeDelta::days(30))),
                sent_on: maybe(rng, 0.8, |_| date(created)),
                resolved_at: resolved.then_some(at),
                custom_fields: maybe(rng, 0.3, |_| {
                    custom_fields(&[(
                        "employment_type",
                        "Employment Type",
                        "single_select",
                        json!("Full-Time"),
                    )])
                }),
                synced_at: not_yet_synced(),
            });
        }
    }

    /// Closes an open opening of the job with this hire; returns its id.
    fn fill_opening(
        &mut self,
        plan: &JobPlan,
        application_id: i64,
        at: DateTime<Utc>,
    ) -> Option<i64> {
        let reason = self.close_reasons.first().copied();
        let openings = &self.t.openings;
        let index = plan
            .openings
            .iter()
            .filter_map(|id| openings.binary_search_by_key(id, |o| o.id).ok())
            .find(|i| openings[*i].open && openings[*i].application_id.is_none())?;
        let opening = &mut self.t.openings[index];
        opening.open = false;
        opening.application_id = Some(application_id);
        opening.closed_at = Some(at);
        opening.close_reason_id = reason;
        opening.updated_at = opening.updated_at.max(Some(at));
        Some(opening.id)
    }

    /// Makes `count` candidates internal applicants, linked to a user.
    fn link_users(&mut self, count: usize) {
        for _ in 0..count.min(self.t.candidates.len()) {
            let index = self.rng.index(self.t.candidates.len());
            let Some(user_id) = self.user() else { return };
            let candidate = &mut self.t.candidates[index];
            if candidate.linked_user_ids != json!([]) {
                continue;
            }
            candidate.linked_user_ids = json!([user_id]);
            let candidate_id = candidate.id;
            if let Some(user) = self.t.users.iter_mut().find(|u| u.id == user_id)
                && let Some(ids) = user.linked_candidate_ids.as_array_mut()
            {
                ids.push(Value::from(candidate_id));
            }
        }
    }
}
