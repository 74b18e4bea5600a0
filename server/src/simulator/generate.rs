//! The deterministic dataset: the organization side (roles, departments,
//! offices, reference lists, users, jobs and everything hanging off jobs).
//! People (candidates, applications, interviews, offers) are in
//! [`super::people`]. Everything is a pure function of (size, seed):
//! timestamps count back from a fixed epoch, randomness is [`Rng`].

use super::basics::{Ids, custom_fields, date, days_ago, email, epoch, full_name, later, maybe};
use super::{Size, pools::*, rng::Rng, tables::Tables};
use app::{
    domain::Resource,
    ssr::entities::greenhouse::{self as gh, not_yet_synced},
};
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

/// The whole dataset of `size` for `seed`.
pub fn dataset(size: Size, seed: u64) -> Tables {
    let shape = size.shape();
    let mut g = Generator {
        rng: Rng::derived(seed, size as u64),
        t: Tables::default(),
        ids: Ids::fresh(),
    };
    g.reference_lists();
    g.departments(shape.departments);
    g.offices(shape.offices);
    g.users(shape.users);
    g.jobs(shape.jobs);
    g.permissions();
    let Generator {
        mut rng,
        mut t,
        mut ids,
    } = g;
    super::people::generate(&mut t, &mut rng, &mut ids, shape.candidates);
    t.sort();
    t
}

struct Generator {
    rng: Rng,
    t: Tables,
    ids: Ids,
}

impl Generator {
    fn id(&mut self, resource: Resource) -> i64 {
        self.ids.take(resource, &mut self.rng)
    }

    /// Timestamps of a long-lived configuration row.
    fn config_times(&mut self) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let created = days_ago(&mut self.rng, 1_500, 700);
        let updated = later(&mut self.rng, created, 400);
        (Some(created), Some(updated))
    }

    fn reference_lists(&mut self) {
        let roles = [
            ("deprecated_interviewer", "Interviewer"),
            ("job_admin", "Standard"),
            ("job_admin", "Private"),
            ("site_admin", "Site Admin"),
        ];
        for (role_type, name) in roles {
            let (id, (created_at, updated_at)) =
                (self.id(Resource::UserRoles), self.config_times());
            self.t.user_roles.push(gh::user_roles::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                role_type: role_type.to_owned(),
                name: name.to_owned(),
                synced_at: not_yet_synced(),
            });
        }
        for (name, type_id, type_name) in SOURCES {
            let (id, (created_at, updated_at)) = (self.id(Resource::Sources), self.config_times());
            self.t.sources.push(gh::sources::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name: (*name).to_owned(),
                source_type: Some(json!({"id": type_id, "name": type_name})),
                synced_at: not_yet_synced(),
            });
        }
        for (name, type_id, key, type_name) in REJECTION_REASONS {
            let (id, (created_at, updated_at)) =
                (self.id(Resource::RejectionReasons), self.config_times());
            self.t.rejection_reasons.push(gh::rejection_reasons::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name: (*name).to_owned(),
                reason_type: Some(json!({"id": type_id, "key": key, "name": type_name})),
                synced_at: not_yet_synced(),
            });
        }
        for name in CLOSE_REASONS {
            let (id, (created_at, updated_at)) =
                (self.id(Resource::CloseReasons), self.config_times());
            self.t.close_reasons.push(gh::close_reasons::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name: (*name).to_owned(),
                synced_at: not_yet_synced(),
            });
        }
        for name in TAGS {
            let (id, (created_at, updated_at)) =
                (self.id(Resource::CandidateTags), self.config_times());
            self.t.candidate_tags.push(gh::candidate_tags::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name: (*name).to_owned(),
                synced_at: not_yet_synced(),
            });
        }
    }

    /// A tree: each one after the first may hang under an earlier one.
    fn parent(&mut self, earlier: &[i64], p: f64) -> Option<i64> {
        if earlier.is_empty() || !self.rng.chance(p) {
            None
        } else {
            Some(*self.rng.pick(earlier))
        }
    }

    fn departments(&mut self, count: usize) {
        let mut ids = Vec::new();
        for i in 0..count {
            let base = DEPARTMENTS[i % DEPARTMENTS.len()];
            let name = if i < DEPARTMENTS.len() {
                base.to_owned()
            } else {
                format!("{base} – Region {}", i / DEPARTMENTS.len() + 1)
            };
            let parent_id = self.parent(&ids, 0.4);
            let (id, (created_at, updated_at)) =
                (self.id(Resource::Departments), self.config_times());
            let external_id = maybe(&mut self.rng, 0.6, |_| format!("dept-{}", i + 1));
            self.t.departments.push(gh::departments::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name,
                parent_id,
                external_id,
                synced_at: not_yet_synced(),
            });
            ids.push(id);
        }
    }

    fn offices(&mut self, count: usize) {
        let mut ids = Vec::new();
        for i in 0..count {
            let (city, location) = CITIES[i % CITIES.len()];
            let name = if i < CITIES.len() {
                city.to_owned()
            } else {
                format!("{city} {}", i / CITIES.len() + 1)
            };
            let parent_id = self.parent(&ids, 0.3);
            let (id, (created_at, updated_at)) = (self.id(Resource::Offices), self.config_times());
            let external_id = maybe(&mut self.rng, 0.6, |_| format!("office-{}", i + 1));
            self.t.offices.push(gh::offices::Model {
                organization_id: 0,
                id,
                created_at,
                updated_at,
                name,
                parent_id,
                external_id,
                location: location.map(str::to_owned),
                primary_in_house_contact_user_id: None,
                synced_at: not_yet_synced(),
            });
            ids.push(id);
        }
    }

    /// Users: the first is the site admin the simulator hands out as `sub`;
    /// about 8% more are site admins and 7% are deactivated.
    fn users(&mut self, count: usize) {
        let offices: Vec<i64> = self.t.offices.iter().map(|o| o.id).collect();
        let departments: Vec<i64> = self.t.departments.iter().map(|d| d.id).collect();
        for i in 0..count {
            let id = self.id(Resource::Users);
            let (first, last) = if i == 0 {
                ("Greenhouse".to_owned(), "Admin".to_owned())
            } else {
                (
                    (*self.rng.pick(FIRST_NAMES)).to_owned(),
                    (*self.rng.pick(LAST_NAMES)).to_owned(),
                )
            };
            let primary = email(Some(&first), Some(&last), id, "acme-robotics.example");
            let mut emails = vec![Value::from(primary.clone())];
            if self.rng.chance(0.2) {
                emails.push(Value::from(format!("user{id}@alumni.example")));
            }
            let created = days_ago(&mut self.rng, 1_200, 60);
            let updated = later(&mut self.rng, created, 300);
            let rng = &mut self.rng;
            let interviewer_tags: Vec<Value> = maybe(rng, 0.2, |rng| {
                let k = rng.index(INTERVIEWER_TAGS.len());
                json!({"id": 8_800 + k as i64, "name": INTERVIEWER_TAGS[k]})
            })
            .into_iter()
            .collect();
            self.t.users.push(gh::users::Model {
                organization_id: 0,
                id,
                created_at: Some(created),
                updated_at: Some(updated),
                name: full_name(Some(&first), Some(&last)),
                first_name: Some(first),
                last_name: Some(last),
                primary_email: primary,
                job_title: maybe(rng, 0.8, |rng| (*rng.pick(TITLES)).to_owned()),
                agency_id: None,
                deactivated: i > 0 && rng.chance(0.07),
                site_admin: i == 0 || rng.chance(0.08),
                employee_id: maybe(rng, 0.8, |_| format!("E{:05}", i + 100)),
                linked_candidate_ids: json!([]),
                office_ids: Value::from(
                    maybe(rng, 0.9, |rng| *rng.pick(&offices))
                        .into_iter()
                        .collect::<Vec<_>>(),
                ),
                department_ids: Value::from(
                    maybe(rng, 0.9, |rng| *rng.pick(&departments))
                        .into_iter()
                        .collect::<Vec<_>>(),
                ),
                interviewer_tags: Value::from(interviewer_tags),
                emails: Some(Value::from(emails)),
                custom_fields: maybe(rng, 0.15, |_| {
                    custom_fields(&[("shirt_size", "Shirt Size", "single_select", json!("M"))])
                }),
                synced_at: not_yet_synced(),
            });
        }
        let users: Vec<i64> = self.t.users.iter().map(|u| u.id).collect();
        for i in 0..self.t.offices.len() {
            self.t.offices[i].primary_in_house_contact_user_id =
                maybe(&mut self.rng, 0.7, |rng| *rng.pick(&users));
        }
    }

    fn active_users(&self) -> Vec<i64> {
        self.t
            .users
            .iter()
            .filter(|u| !u.deactivated)
            .map(|u| u.id)
            .collect()
    }

    fn jobs(&mut self, count: usize) {
        let users = self.active_users();
        let departments: Vec<i64> = self.t.departments.iter().map(|d| d.id).collect();
        let offices: Vec<i64> = self.t.offices.iter().map(|o| o.id).collect();
        for i in 0..count {
            let id = self.id(Resource::Jobs);
            let rng = &mut self.rng;
            let office_count = rng.weighted(&[10, 80, 10]);
            let office_ids = rng.distinct(&offices, office_count);
            let status = ["open", "closed", "draft"][rng.weighted(&[70, 20, 10])];
            let created = days_ago(rng, 500, 30);
            let opened_at = (status != "draft").then(|| later(rng, created, 5));
            let closed_at =
                (status == "closed").then(|| later(rng, opened_at.unwrap_or(created), 200));
            let updated = later(rng, closed_at.or(opened_at).unwrap_or(created), 3);
            let city = office_ids
                .first()
                .and_then(|o| self.t.offices.iter().find(|office| office.id == *o))
                .map_or("Remote", |o| o.name.as_str());
            let name = format!("{}{} - {city}", rng.pick(SENIORITY), rng.pick(JOB_TITLES));
            let earlier = self.t.jobs.last().map(|j| j.id);
            let job = gh::jobs::Model {
                organization_id: 0,
                id,
                created_at: Some(created),
                updated_at: Some(updated),
                name,
                requisition_id: maybe(rng, 0.8, |_| format!("REQ-{:04}", i + 1)),
                notes: maybe(rng, 0.5, |_| {
                    "<p>Resistance to electro-magnetic radiation a plus!</p>".to_owned()
                }),
                confidential: rng.chance(0.1),
                status: status.to_owned(),
                opened_at,
                closed_at,
                is_template: [Some(false), None, Some(true)][rng.weighted(&[85, 10, 5])],
                copied_from_id: earlier.filter(|_| rng.chance(0.2)),
                department_id: maybe(rng, 0.9, |rng| *rng.pick(&departments)),
                office_ids: Some(Value::from(office_ids)),
                custom_fields: maybe(rng, 0.4, |rng| {
                    let low = rng.range(50, 120) * 1_000;
                    custom_fields(&[
                        (
                            "employment_type",
                            "Employment Type",
                            "single_select",
                            json!("Full-Time"),
                        ),
                        (
                            "salary_range",
                            "Salary Range",
                            "currency_range",
                            json!({"min_value": low, "max_value": low + 20_000, "unit": "USD"}),
                        ),
                    ])
                }),
                synced_at: not_yet_synced(),
            };
            self.hiring_team(&job, &users);
            self.openings(&job, i);
            self.posts(&job);
            self.stages(&job);
            self.t.jobs.push(job);
        }
    }

    fn hiring_team(&mut self, job: &gh::jobs::Model, users: &[i64]) {
        let (created_at, updated_at) = (job.created_at, job.created_at);
        let count = 1 + self.rng.index(2);
        for user_id in self.rng.distinct(users, count) {
            let id = self.id(Resource::JobHiringManagers);
            self.t
                .job_hiring_managers
                .push(gh::job_hiring_managers::Model {
                    organization_id: 0,
                    id,
                    created_at,
                    updated_at,
                    user_id,
                    job_id: job.id,
                    synced_at: not_yet_synced(),
                });
        }
        for (owner_type, max) in [("recruiter", 2), ("coordinator", 2), ("sourcer", 1)] {
            let count = if owner_type == "sourcer" {
                self.rng.index(2)
            } else {
                1 + self.rng.index(max)
            };
            for (k, user_id) in self.rng.distinct(users, count).into_iter().enumerate() {
                let id = self.id(Resource::JobOwners);
                self.t.job_owners.push(gh::job_owners::Model {
                    organization_id: 0,
                    id,
                    created_at,
                    updated_at,
                    job_id: job.id,
                    user_id,
                    owner_type: owner_type.to_owned(),
                    responsible: k == 0 && owner_type != "sourcer",
                    synced_at: not_yet_synced(),
                });
            }
        }
    }

    fn openings(&mut self, job: &gh::jobs::Model, index: usize) {
        let count = 1 + self.rng.index(3);
        let cancelled = self.t.close_reasons.get(2).map(|r| r.id);
        for k in 0..count {
            let id = self.id(Resource::Openings);
            let rng = &mut self.rng;
            let closed = job.status == "closed";
            self.t.openings.push(gh::openings::Model {
                organization_id: 0,
                id,
                created_at: job.created_at,
                updated_at: job.updated_at,
                job_id: job.id,
                open: !closed,
                opening_id: maybe(rng, 0.8, |_| format!("{}-{}", index + 1, k + 1)),
                opened_at: job.opened_at.or(job.created_at),
                closed_at: if closed { job.closed_at } else { None },
                sort_order: Some(k as i64),
                application_id: None,
                close_reason_id: if closed { cancelled } else { None },
                target_start_on: maybe(rng, 0.3, |rng| {
                    date(later(rng, epoch() - TimeDelta::days(60), 120))
                }),
                custom_fields: maybe(rng, 0.2, |_| {
                    custom_fields(&[(
                        "maximum_budget",
                        "Maximum Budget",
                        "short_text",
                        json!("$81.5k"),
                    )])
                }),
                synced_at: not_yet_synced(),
            });
        }
    }

    /// Posts of a published job; some deleted (`active = false`).
    fn posts(&mut self, job: &gh::jobs::Model) {
        if job.status == "draft" {
            return;
        }
        let extra = usize::from(self.rng.chance(0.2));
        // The first published job always has a deleted post, so every size has one.
        let deleted = usize::from(self.t.job_posts.is_empty() || self.rng.chance(0.15));
        for k in 0..1 + extra + deleted {
            let id = self.id(Resource::JobPosts);
            let rng = &mut self.rng;
            let active = k < 1 + extra;
            let live = active && job.status == "open" && rng.chance(0.9);
            let questions: Vec<Value> = POST_QUESTIONS
                .iter()
                .map(|(label, name, kind, required)| {
                    json!({"id": null, "description": null, "answer_type": kind, "required": required,
                           "private": false, "label": label, "name": name, "options": []})
                })
                .chain(std::iter::once(json!({
                    "id": 234_567, "description": "<p>Please select Yes or No.</p>", "answer_type": "single_select",
                    "required": false, "private": k == 1, "label": "Have you ever worked for our organization before?",
                    "name": "question_234567", "options": [{"id": 0, "label": "No"}, {"id": 1, "label": "Yes"}]})))
                .collect();
            self.t.job_posts.push(gh::job_posts::Model {
                organization_id: 0,
                id,
                created_at: job.created_at,
                updated_at: job.updated_at,
                title: if k == 0 {
                    job.name.clone()
                } else {
                    format!("Join us: {}", job.name)
                },
                job_id: Some(job.id),
                job_board_id: Some(if k == 1 { 4_003_001 } else { 4_003_000 }),
                internal: k == 1 && rng.chance(0.5),
                active,
                live,
                featured: Some(rng.chance(0.2)),
                first_published_at: job.opened_at.filter(|_| live || !active),
                content: maybe(rng, 0.9, |_| {
                    "<p>We’re looking for the next big innovator.</p>".to_owned()
                }),
                internal_content: maybe(rng, 0.3, |_| "<p>Apply today!</p>".to_owned()),
                language: maybe(rng, 0.95, |rng| (*rng.pick(LANGUAGES)).to_owned()),
                public_url: live.then(|| format!("https://boards.acme-robotics.example/jobs/{id}")),
                demographic_question_set_id: maybe(rng, 0.3, |_| 999),
                questions: Some(Value::from(questions)),
                synced_at: not_yet_synced(),
            });
        }
    }

    /// 5–7 stages, "Application Review" first and "Offer" last, each with
    /// 1–3 interview steps; a few jobs keep a retired (inactive) stage.
    fn stages(&mut self, job: &gh::jobs::Model) {
        let middle_count = 3 + self.rng.index(3);
        let mut middle: Vec<usize> = self.rng.distinct_indices(MIDDLE_STAGES.len(), middle_count);
        middle.sort_unstable();
        let mut plan: Vec<(&str, bool)> = vec![("Application Review", true)];
        if self.rng.chance(0.05) {
            plan.push(("Old Screening Call", false));
        }
        plan.extend(middle.iter().map(|i| (MIDDLE_STAGES[*i], true)));
        plan.push(("Offer", true));
        for (sort_order, (name, active)) in plan.into_iter().enumerate() {
            let stage_id = self.id(Resource::JobInterviewStages);
            let stage = gh::job_interview_stages::Model {
                organization_id: 0,
                id: stage_id,
                created_at: job.created_at,
                updated_at: job.updated_at,
                job_id: job.id,
                sort_order: sort_order as i64,
                name: name.to_owned(),
                active,
                synced_at: not_yet_synced(),
            };
            let steps: Vec<(String, &str, Option<i64>)> = match name {
                "Application Review" => vec![(name.to_owned(), "none", None)],
                "Offer" => vec![(name.to_owned(), "offer", None)],
                _ => {
                    let kind = if name == "Take Home Test" {
                        "take_home_test"
                    } else {
                        "needs_scheduling"
                    };
                    let mut steps = vec![(name.to_owned(), kind, Some(30))];
                    for _ in 0..self.rng.index(3) {
                        let (step, kind, minutes) = *self.rng.pick(INTERVIEW_STEPS);
                        steps.push((step.to_owned(), kind, minutes));
                    }
                    steps
                }
            };
            for (k, (step, kind, duration)) in steps.into_iter().enumerate() {
                let id = self.id(Resource::JobInterviews);
                let rng = &mut self.rng;
                self.t.job_interviews.push(gh::job_interviews::Model {
                    organization_id: 0,
                    id,
                    created_at: stage.created_at,
                    updated_at: stage.updated_at,
                    job_interview_stage_id: stage_id,
                    job_id: job.id,
                    sort_order: k as i64,
                    name: step,
                    active,
                    scheduling_type: Some(kind.to_owned()),
                    duration,
                    summary: maybe(rng, 0.5, |_| {
                        "Determine whether the candidate would be a strong fit.".to_owned()
                    }),
                    instructions: maybe(rng, 0.3, |_| {
                        "<h5>Purpose</h5><span>Be kind & curious.</span>".to_owned()
                    }),
                    require_scorecard: Some(kind == "needs_scheduling"),
                    synced_at: not_yet_synced(),
                });
            }
            self.t.job_interview_stages.push(stage);
        }
    }

    /// Per-job roles for about half the users who are not site admins (site
    /// admins see every job and have none).
    fn permissions(&mut self) {
        let jobs: Vec<i64> = self.t.jobs.iter().map(|j| j.id).collect();
        let roles: Vec<i64> = self
            .t
            .user_roles
            .iter()
            .filter(|r| r.role_type == "job_admin")
            .map(|r| r.id)
            .collect();
        let users: Vec<(i64, DateTime<Utc>)> = self
            .t
            .users
            .iter()
            .filter(|u| !u.site_admin)
            .map(|u| (u.id, u.created_at.unwrap_or_else(epoch)))
            .collect();
        for (user_id, since) in users {
            if roles.is_empty() || !self.rng.chance(0.5) {
                continue;
            }
            let count = 1 + self.rng.index(4);
            for job_id in self.rng.distinct(&jobs, count) {
                let id = self.id(Resource::UserJobPermissions);
                let created = later(&mut self.rng, since, 200);
                let role_id = if self.rng.chance(0.8) {
                    roles[0]
                } else {
                    *self.rng.pick(&roles)
                };
                self.t
                    .user_job_permissions
                    .push(gh::user_job_permissions::Model {
                        organization_id: 0,
                        id,
                        created_at: Some(created),
                        updated_at: Some(created),
                        job_id,
                        user_id,
                        role_id,
                        automated: Some(self.rng.chance(0.1)),
                        synced_at: not_yet_synced(),
                    });
            }
        }
    }
}
