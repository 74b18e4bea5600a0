//! Harvest v1 bodies (README §4.2 and `examples/*.json`) rendered from the v3
//! rows: v1 nests what v3 lists apart (a job's departments, offices, hiring
//! team and openings; a stage's interviews; an interview's panel; a
//! candidate's applications), names statuses differently and embeds users as
//! `{id, first_name, last_name, name, employee_id}` references.

use super::tables::{Tables, find};
use app::ssr::entities::greenhouse::{self as gh};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};

/// What a renderer may look at besides its rows.
pub struct Ctx<'a> {
    pub t: &'a Tables,
    /// `/v1/users?user_attributes=true`: include the users' custom fields.
    pub user_attributes: bool,
}

/// A renderer of one v1 list.
pub type Render<R> = fn(&Ctx<'_>, &[&R]) -> Vec<Value>;

pub fn time(at: Option<DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |at| {
        Value::from(at.to_rfc3339_opts(SecondsFormat::Millis, true))
    })
}

fn day(on: Option<NaiveDate>) -> Value {
    on.map_or(Value::Null, |d| {
        Value::from(d.format("%Y-%m-%d").to_string())
    })
}

/// `{id, first_name, last_name, name, employee_id}` of a user, or `null`.
pub fn user_ref(t: &Tables, id: Option<i64>) -> Value {
    id.and_then(|id| find(&t.users, id))
        .map_or(Value::Null, |u| {
            json!({"id": u.id, "first_name": u.first_name, "last_name": u.last_name, "name": u.name,
               "employee_id": u.employee_id})
        })
}

/// v1's `custom_fields` (`{key: value}`) and `keyed_custom_fields` (`{key: {name, type, value}}`).
fn custom_fields(v3: &Option<Value>) -> (Value, Value) {
    let keyed = v3
        .clone()
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    let plain: Map<String, Value> = keyed
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.get("value").cloned().unwrap_or(Value::Null)))
                .collect()
        })
        .unwrap_or_default();
    (Value::Object(plain), keyed)
}

/// Adds `custom_fields` and `keyed_custom_fields` to an object.
fn with_custom_fields(mut object: Value, v3: &Option<Value>) -> Value {
    let (plain, keyed) = custom_fields(v3);
    if let Some(map) = object.as_object_mut() {
        map.insert("custom_fields".to_owned(), plain);
        map.insert("keyed_custom_fields".to_owned(), keyed);
    }
    object
}

/// Children of each parent in a tree table: (id, external id).
fn children<R>(
    rows: &[R],
    parent: impl Fn(&R) -> Option<i64>,
    node: impl Fn(&R) -> (i64, Option<String>),
) -> HashMap<i64, Vec<(i64, Option<String>)>> {
    let mut map: HashMap<i64, Vec<_>> = HashMap::new();
    for row in rows {
        if let Some(p) = parent(row) {
            map.entry(p).or_default().push(node(row));
        }
    }
    map
}

fn tree_links(kids: Option<&Vec<(i64, Option<String>)>>) -> (Value, Value) {
    let kids = kids.map(Vec::as_slice).unwrap_or_default();
    let ids: Vec<i64> = kids.iter().map(|k| k.0).collect();
    let external: Vec<String> = kids
        .iter()
        .map(|k| k.1.clone().unwrap_or_default())
        .collect();
    (Value::from(ids), Value::from(external))
}

fn department(t: &Tables, d: &gh::departments::Model) -> Value {
    let kids = children(
        &t.departments,
        |r| r.parent_id,
        |r| (r.id, r.external_id.clone()),
    );
    let parent = d.parent_id.and_then(|p| find(&t.departments, p));
    let (child_ids, child_external) = tree_links(kids.get(&d.id));
    json!({"id": d.id, "name": d.name, "parent_id": d.parent_id,
           "parent_department_external_id": parent.map(|p| p.external_id.clone().unwrap_or_default()),
           "child_ids": child_ids, "child_department_external_ids": child_external, "external_id": d.external_id})
}

fn office(t: &Tables, o: &gh::offices::Model) -> Value {
    let kids = children(
        &t.offices,
        |r| r.parent_id,
        |r| (r.id, r.external_id.clone()),
    );
    let parent = o.parent_id.and_then(|p| find(&t.offices, p));
    let (child_ids, child_external) = tree_links(kids.get(&o.id));
    json!({"id": o.id, "name": o.name, "location": {"name": o.location},
           "primary_contact_user_id": o.primary_in_house_contact_user_id, "parent_id": o.parent_id,
           "parent_office_external_id": parent.map(|p| p.external_id.clone().unwrap_or_default()),
           "child_ids": child_ids, "child_office_external_ids": child_external, "external_id": o.external_id})
}

fn ids_of(list: &Option<Value>) -> Vec<i64> {
    list.as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

fn job_ref(t: &Tables, id: i64) -> Value {
    json!({"id": id, "name": find(&t.jobs, id).map(|j| j.name.clone())})
}

/// A rejection reason or source with its `type` as `{id, name}`.
fn typed_name(id: i64, name: &str, kind: &Option<Value>) -> Value {
    let kind = kind.as_ref().map_or(
        Value::Null,
        |k| json!({"id": k.get("id"), "name": k.get("name")}),
    );
    json!({"id": id, "name": name, "type": kind})
}

pub fn departments(ctx: &Ctx<'_>, rows: &[&gh::departments::Model]) -> Vec<Value> {
    rows.iter().map(|d| department(ctx.t, d)).collect()
}

pub fn offices(ctx: &Ctx<'_>, rows: &[&gh::offices::Model]) -> Vec<Value> {
    rows.iter().map(|o| office(ctx.t, o)).collect()
}

pub fn user_roles(_: &Ctx<'_>, rows: &[&gh::user_roles::Model]) -> Vec<Value> {
    let v1_type = |t: &str| {
        if t == "deprecated_interviewer" {
            "interviewer".to_owned()
        } else {
            t.to_owned()
        }
    };
    rows.iter()
        .map(|r| json!({"id": r.id, "type": v1_type(&r.role_type), "name": r.name}))
        .collect()
}

pub fn sources(_: &Ctx<'_>, rows: &[&gh::sources::Model]) -> Vec<Value> {
    rows.iter()
        .map(|s| typed_name(s.id, &s.name, &s.source_type))
        .collect()
}

pub fn rejection_reasons(_: &Ctx<'_>, rows: &[&gh::rejection_reasons::Model]) -> Vec<Value> {
    rows.iter()
        .map(|r| typed_name(r.id, &r.name, &r.reason_type))
        .collect()
}

pub fn close_reasons(_: &Ctx<'_>, rows: &[&gh::close_reasons::Model]) -> Vec<Value> {
    rows.iter()
        .map(|r| json!({"id": r.id, "name": r.name}))
        .collect()
}

pub fn tags(_: &Ctx<'_>, rows: &[&gh::candidate_tags::Model]) -> Vec<Value> {
    rows.iter()
        .map(|r| json!({"id": r.id, "name": r.name}))
        .collect()
}

pub fn job_permissions(_: &Ctx<'_>, rows: &[&gh::user_job_permissions::Model]) -> Vec<Value> {
    rows.iter()
        .map(|p| json!({"id": p.id, "job_id": p.job_id, "user_role_id": p.role_id}))
        .collect()
}

pub fn users(ctx: &Ctx<'_>, rows: &[&gh::users::Model]) -> Vec<Value> {
    let t = ctx.t;
    rows.iter()
        .map(|u| {
            let offices: Vec<Value> = ids_of(&Some(u.office_ids.clone()))
                .into_iter()
                .filter_map(|id| find(&t.offices, id).map(|o| office(t, o)))
                .collect();
            let departments: Vec<Value> = ids_of(&Some(u.department_ids.clone()))
                .into_iter()
                .filter_map(|id| find(&t.departments, id).map(|d| department(t, d)))
                .collect();
            let user = json!({"id": u.id, "name": u.name, "first_name": u.first_name, "last_name": u.last_name,
                "primary_email_address": u.primary_email, "updated_at": time(u.updated_at),
                "created_at": time(u.created_at), "disabled": u.deactivated, "site_admin": u.site_admin,
                "emails": u.emails.clone().unwrap_or_else(|| json!([])), "employee_id": u.employee_id,
                "linked_candidate_ids": u.linked_candidate_ids, "offices": offices, "departments": departments});
            if ctx.user_attributes { with_custom_fields(user, &u.custom_fields) } else { user }
        })
        .collect()
}

fn opening(t: &Tables, o: &gh::openings::Model) -> Value {
    let close_reason = o
        .close_reason_id
        .and_then(|id| find(&t.close_reasons, id))
        .map(|r| json!({"id": r.id, "name": r.name}));
    let opening = json!({"id": o.id, "opening_id": o.opening_id, "status": if o.open { "open" } else { "closed" },
        "opened_at": time(o.opened_at), "closed_at": time(o.closed_at), "application_id": o.application_id,
        "close_reason": close_reason});
    with_custom_fields(opening, &o.custom_fields)
}

pub fn openings(ctx: &Ctx<'_>, rows: &[&gh::openings::Model]) -> Vec<Value> {
    rows.iter().map(|o| opening(ctx.t, o)).collect()
}

/// Rows of `rows` grouped by a parent id, for the parents in `wanted`.
fn group<'a, R>(
    rows: &'a [R],
    parent: impl Fn(&R) -> Option<i64>,
    wanted: &HashSet<i64>,
) -> HashMap<i64, Vec<&'a R>> {
    let mut map: HashMap<i64, Vec<&R>> = HashMap::new();
    for row in rows {
        if let Some(p) = parent(row).filter(|p| wanted.contains(p)) {
            map.entry(p).or_default().push(row);
        }
    }
    map
}

pub fn jobs(ctx: &Ctx<'_>, rows: &[&gh::jobs::Model]) -> Vec<Value> {
    let t = ctx.t;
    let wanted: HashSet<i64> = rows.iter().map(|j| j.id).collect();
    let managers = group(&t.job_hiring_managers, |m| Some(m.job_id), &wanted);
    let owners = group(&t.job_owners, |o| Some(o.job_id), &wanted);
    let openings = group(&t.openings, |o| Some(o.job_id), &wanted);
    rows.iter()
        .map(|j| {
            let owners_of = |kind: &str, responsible: bool| -> Vec<Value> {
                owners.get(&j.id).into_iter().flatten().filter(|o| o.owner_type == kind).map(|o| {
                    let mut member = user_ref(t, Some(o.user_id));
                    if responsible && let Some(map) = member.as_object_mut() {
                        map.insert("responsible".to_owned(), Value::from(o.responsible));
                    }
                    member
                }).collect()
            };
            let team = json!({
                "hiring_managers": managers.get(&j.id).into_iter().flatten().map(|m| user_ref(t, Some(m.user_id))).collect::<Vec<_>>(),
                "recruiters": owners_of("recruiter", true),
                "coordinators": owners_of("coordinator", true),
                "sourcers": owners_of("sourcer", false),
            });
            let job = json!({"id": j.id, "name": j.name, "requisition_id": j.requisition_id, "notes": j.notes,
                "confidential": j.confidential, "status": j.status, "created_at": time(j.created_at),
                "opened_at": time(j.opened_at), "closed_at": time(j.closed_at), "updated_at": time(j.updated_at),
                "is_template": j.is_template, "copied_from_id": j.copied_from_id,
                "departments": j.department_id.and_then(|d| find(&t.departments, d)).map(|d| department(t, d)).into_iter().collect::<Vec<_>>(),
                "offices": ids_of(&j.office_ids).into_iter().filter_map(|o| find(&t.offices, o)).map(|o| office(t, o)).collect::<Vec<_>>(),
                "hiring_team": team,
                "openings": openings.get(&j.id).into_iter().flatten().map(|o| opening(t, o)).collect::<Vec<_>>()});
            with_custom_fields(job, &j.custom_fields)
        })
        .collect()
}

/// `GET /v1/jobs/{id}/hiring_team`: user ids with `active` (still has access).
pub fn hiring_team(t: &Tables, job_id: i64) -> Value {
    let active = |user_id: i64| find(&t.users, user_id).is_some_and(|u| !u.deactivated);
    let member = |user_id: i64, responsible: Option<bool>| {
        let mut m = json!({"user_id": user_id, "active": active(user_id)});
        if let (Some(r), Some(map)) = (responsible, m.as_object_mut()) {
            map.insert("responsible".to_owned(), Value::from(r));
        }
        m
    };
    let owners = |kind: &str, responsible: bool| -> Vec<Value> {
        t.job_owners
            .iter()
            .filter(|o| o.job_id == job_id && o.owner_type == kind)
            .map(|o| member(o.user_id, responsible.then_some(o.responsible)))
            .collect()
    };
    json!({
        "hiring_managers": t.job_hiring_managers.iter().filter(|m| m.job_id == job_id).map(|m| member(m.user_id, None)).collect::<Vec<_>>(),
        "recruiters": owners("recruiter", true),
        "coordinators": owners("coordinator", true),
        "sourcers": owners("sourcer", false),
    })
}

pub fn job_posts(ctx: &Ctx<'_>, rows: &[&gh::job_posts::Model]) -> Vec<Value> {
    let t = ctx.t;
    rows.iter()
        .map(|p| {
            let office = p
                .job_id
                .and_then(|j| find(&t.jobs, j))
                .and_then(|j| ids_of(&j.office_ids).first().copied())
                .and_then(|o| find(&t.offices, o));
            let location = match office {
                Some(o) => json!({"id": p.id + 9_000_000, "name": o.location.clone().unwrap_or_else(|| o.name.clone()),
                    "office_id": o.id, "job_post_custom_location_id": null,
                    "job_post_location_type": {"id": 2, "name": "Office"}}),
                None => json!({"id": p.id + 9_000_000, "name": "Remote", "office_id": null,
                    "job_post_custom_location_id": 303_145, "job_post_location_type": {"id": 1, "name": "Free Text"}}),
            };
            let questions: Vec<Value> = p.questions.as_ref().and_then(Value::as_array).into_iter().flatten().map(|q| {
                let values: Vec<Value> = q.get("options").and_then(Value::as_array).into_iter().flatten()
                    .map(|o| json!({"value": o.get("id"), "label": o.get("label")})).collect();
                json!({"required": q.get("required"), "private": q.get("private"), "label": q.get("label"),
                       "name": q.get("name"), "type": q.get("answer_type"), "values": values,
                       "description": q.get("description")})
            }).collect();
            json!({"id": p.id, "title": p.title, "location": location, "internal": p.internal, "external": !p.internal,
                "active": p.active, "live": p.live, "first_published_at": time(p.first_published_at), "job_id": p.job_id,
                "content": p.content, "internal_content": p.internal_content, "updated_at": time(p.updated_at),
                "created_at": time(p.created_at), "demographic_question_set_id": p.demographic_question_set_id,
                "questions": questions})
        })
        .collect()
}

pub fn job_stages(ctx: &Ctx<'_>, rows: &[&gh::job_interview_stages::Model]) -> Vec<Value> {
    let t = ctx.t;
    let wanted: HashSet<i64> = rows.iter().map(|s| s.id).collect();
    let steps = group(
        &t.job_interviews,
        |i| Some(i.job_interview_stage_id),
        &wanted,
    );
    let jobs: HashSet<i64> = rows.iter().map(|s| s.job_id).collect();
    let managers = group(&t.job_hiring_managers, |m| Some(m.job_id), &jobs);
    rows.iter()
        .map(|s| {
            let interviews: Vec<Value> = steps.get(&s.id).into_iter().flatten().map(|i| {
                let schedulable = matches!(i.scheduling_type.as_deref(), Some("needs_scheduling" | "take_home_test"));
                let defaults: Vec<Value> = managers.get(&s.job_id).into_iter().flatten().take(1)
                    .filter(|_| schedulable).map(|m| user_ref(t, Some(m.user_id))).collect();
                json!({"id": i.id, "name": i.name, "schedulable": schedulable, "estimated_minutes": i.duration,
                    "default_interviewer_users": defaults,
                    "interview_kit": {"id": i.id + 2_000_000,
                        "content": i.instructions.clone().or_else(|| i.summary.clone()).unwrap_or_default(),
                        "questions": [{"id": i.id + 4_000_000, "question": format!("How did the {} go?", i.name)}]}})
            }).collect();
            json!({"id": s.id, "name": s.name, "created_at": time(s.created_at), "updated_at": time(s.updated_at),
                "job_id": s.job_id, "priority": s.sort_order, "active": s.active, "interviews": interviews})
        })
        .collect()
}

fn v1_application_status(status: &str) -> &str {
    if status == "in_process" {
        "active"
    } else {
        status
    }
}

fn application(t: &Tables, a: &gh::applications::Model) -> Value {
    let jobs: Vec<Value> = a
        .job_id
        .into_iter()
        .chain(ids_of(&a.prospective_job_ids))
        .map(|j| job_ref(t, j))
        .collect();
    let source = a
        .source_id
        .and_then(|s| find(&t.sources, s))
        .map(|s| json!({"id": s.id, "public_name": s.name}));
    let reason = a
        .rejection_reason_id
        .and_then(|r| find(&t.rejection_reasons, r))
        .map(|r| typed_name(r.id, &r.name, &r.reason_type));
    let stage = a
        .stage_id
        .map(|id| json!({"id": a.job_interview_stage_id.unwrap_or(id), "name": a.stage_name}));
    let pool = a
        .prospect
        .then(|| json!({"id": 227, "name": "Opted In: In-Person Event"}));
    let application = json!({"id": a.id, "candidate_id": a.candidate_id, "prospect": a.prospect,
        "applied_at": time(a.created_at), "rejected_at": time(a.rejected_at), "last_activity_at": time(a.last_activity_at),
        "location": a.location_address.as_ref().map(|address| json!({"address": address})),
        "source": source, "credited_to": user_ref(t, a.referrer_id), "recruiter": user_ref(t, a.recruiter_id),
        "coordinator": user_ref(t, a.coordinator_id), "rejection_reason": reason,
        "rejection_details": (a.status == "rejected").then(|| json!({"custom_fields": {}, "keyed_custom_fields": {}})),
        "jobs": jobs, "job_post_id": a.job_post_id, "status": v1_application_status(&a.status), "current_stage": stage,
        "answers": a.answers.clone().unwrap_or_else(|| json!([])), "prospective_office": null, "prospective_department": null,
        "prospect_detail": {"prospect_pool": pool, "prospect_stage": null, "prospect_owner": null}, "attachments": []});
    with_custom_fields(application, &a.custom_fields)
}

pub fn applications(ctx: &Ctx<'_>, rows: &[&gh::applications::Model]) -> Vec<Value> {
    rows.iter().map(|a| application(ctx.t, a)).collect()
}

pub fn candidates(ctx: &Ctx<'_>, rows: &[&gh::candidates::Model]) -> Vec<Value> {
    let t = ctx.t;
    let wanted: HashSet<i64> = rows.iter().map(|c| c.id).collect();
    let apps = group(&t.applications, |a| Some(a.candidate_id), &wanted);
    rows.iter()
        .map(|c| {
            let mine: Vec<&gh::applications::Model> = apps.get(&c.id).cloned().unwrap_or_default();
            let since = time(c.created_at);
            let attachments: Vec<Value> = (c.id % 3 == 0).then(|| json!({"filename": format!("resume_{}.pdf", c.id),
                "url": format!("https://files.acme-robotics.example/resumes/{}.pdf", c.id), "type": "resume",
                "created_at": since})).into_iter().collect();
            let educations: Vec<Value> = (c.id % 4 == 0).then(|| json!({"id": c.id + 500_000_000,
                "school_name": crate::simulator::pools::SCHOOLS[(c.id % 4) as usize],
                "degree": crate::simulator::pools::DEGREES[(c.id % 3) as usize], "discipline": "Computer Science",
                "start_date": "2012-08-15T00:00:00.000Z", "end_date": "2016-05-15T00:00:00.000Z"})).into_iter().collect();
            let employments: Vec<Value> = c.company.as_ref().map(|company| json!({"id": c.id + 600_000_000,
                "company_name": company, "title": c.title, "start_date": "2019-01-01T00:00:00.000Z", "end_date": null}))
                .into_iter().collect();
            let candidate = json!({"id": c.id, "first_name": c.first_name, "last_name": c.last_name,
                "company": c.company, "title": c.title, "created_at": since, "updated_at": time(c.updated_at),
                "last_activity": time(c.last_activity_at), "is_private": c.private.unwrap_or(false), "photo_url": null,
                "attachments": attachments, "application_ids": mine.iter().map(|a| a.id).collect::<Vec<_>>(),
                "phone_numbers": c.phone_numbers, "addresses": c.addresses, "email_addresses": c.email_addresses,
                "website_addresses": c.website_addresses, "social_media_addresses": c.social_media_addresses,
                "recruiter": user_ref(t, mine.iter().find_map(|a| a.recruiter_id)),
                "coordinator": user_ref(t, mine.iter().find_map(|a| a.coordinator_id)),
                "can_email": c.can_email, "tags": c.tags,
                "applications": mine.iter().map(|a| application(t, a)).collect::<Vec<_>>(),
                "educations": educations, "employments": employments, "linked_user_ids": c.linked_user_ids});
            with_custom_fields(candidate, &c.custom_fields)
        })
        .collect()
}

pub fn offers(ctx: &Ctx<'_>, rows: &[&gh::offers::Model]) -> Vec<Value> {
    let t = ctx.t;
    rows.iter()
        .map(|o| {
            let status = match o.status.as_str() {
                "Created" => "unresolved".to_owned(),
                other => other.to_ascii_lowercase(),
            };
            let opening = o.opening_id.and_then(|id| find(&t.openings, id)).map(|op| {
                let mut value = opening(t, op);
                if let Some(map) = value.as_object_mut() {
                    map.remove("custom_fields");
                    map.remove("keyed_custom_fields");
                }
                value
            });
            let offer = json!({"id": o.id, "version": o.version, "application_id": o.application_id, "job_id": o.job_id,
                "candidate_id": o.candidate_id, "opening": opening, "created_at": time(o.created_at),
                "updated_at": time(o.updated_at), "sent_at": day(o.sent_on), "resolved_at": time(o.resolved_at),
                "starts_at": day(o.starts_on), "status": status});
            with_custom_fields(offer, &o.custom_fields)
        })
        .collect()
}

pub fn scheduled_interviews(ctx: &Ctx<'_>, rows: &[&gh::interviews::Model]) -> Vec<Value> {
    let t = ctx.t;
    let wanted: HashSet<i64> = rows.iter().map(|i| i.id).collect();
    let panels = group(&t.interviewers, |p| Some(p.interview_id), &wanted);
    let when = |at: Option<DateTime<Utc>>, on: Option<NaiveDate>| match (at, on) {
        (Some(at), _) => json!({"date_time": time(Some(at))}),
        (None, Some(on)) => json!({"date": day(Some(on))}),
        (None, None) => Value::Null,
    };
    rows.iter()
        .map(|i| {
            let step = find(&t.job_interviews, i.job_interview_id);
            let interviewers: Vec<Value> = panels.get(&i.id).into_iter().flatten().map(|p| {
                let user = p.user_id.and_then(|u| find(&t.users, u));
                json!({"id": p.user_id, "employee_id": user.and_then(|u| u.employee_id.clone()),
                    "name": user.and_then(|u| u.name.clone()).or_else(|| p.email.clone()), "email": p.email,
                    "response_status": p.response_status, "scorecard_id": p.scorecard_id})
            }).collect();
            json!({"id": i.id, "application_id": i.application_id, "external_event_id": i.external_event_id,
                "start": when(i.starts_at, i.all_day_start_on), "end": when(i.ends_at, i.all_day_end_on),
                "location": i.location, "video_conferencing_url": i.video_conferencing_url, "status": i.status,
                "created_at": time(i.created_at), "updated_at": time(i.updated_at),
                "interview": {"id": i.job_interview_id, "name": step.map(|s| s.name.clone())},
                "organizer": user_ref(t, i.organizer_id), "interviewers": interviewers})
        })
        .collect()
}
