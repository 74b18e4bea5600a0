//! Harvest v1 records as Greenhouse sends them (README §4.2), and their
//! flattening into the v3 models: v1 nests what v3 lists separately (a job's
//! openings and hiring team, a stage's interviews, an interview's panel), so
//! one v1 record may fill several tables.
//!
//! Decoding is lenient: unknown fields are ignored, anything the docs show as
//! `null` is optional, `null` lists read as empty.
//!
//! Rows v1 gives no id (applied candidate tags, interviewers, hiring managers,
//! job owners) get [`synthetic_id`]: a stable negative number derived from the
//! row's natural key, so that re-reading the same row updates it. Objects
//! without timestamps (roles, departments, offices, sources, reasons, tags,
//! openings, permissions and the synthetic rows) get `created_at` and
//! `updated_at` = `None`.

use app::ssr::entities::greenhouse::{
    applications, applied_candidate_tags, candidate_tags, candidates, close_reasons, departments,
    interviewers, interviews, job_hiring_managers, job_interview_stages, job_interviews,
    job_owners, job_posts, jobs, not_yet_synced, offers, offices, openings, rejection_reasons,
    sources, user_job_permissions, user_roles, users,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};
use std::collections::HashMap;

/// `null` read as the type's default (an empty list).
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A `YYYY-MM-DD` date (offers' `sent_at`/`starts_at`), also accepting the
/// date part of a timestamp; anything unreadable is `None`.
fn lenient_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.and_then(|text| NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()))
}

/// A JSON list column: the value, or `[]` when Greenhouse sent `null` or nothing.
fn list(value: Option<Value>) -> Value {
    value.unwrap_or_else(|| json!([]))
}

/// A stable id for a row v1 gives none: 64-bit FNV-1a over the table name,
/// the numbers of its natural key (little-endian) and an optional text part,
/// folded into `[-2⁶³, -1]`. Greenhouse ids are positive, so a synthetic id
/// never collides with a real one.
pub fn synthetic_id(table: &str, numbers: &[i64], text: &str) -> i64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let fnv = |hash: u64, bytes: &[u8]| {
        bytes
            .iter()
            .fold(hash, |h, b| (h ^ u64::from(*b)).wrapping_mul(PRIME))
    };
    let mut hash = fnv(fnv(OFFSET_BASIS, table.as_bytes()), &[0]);
    for number in numbers {
        hash = fnv(hash, &number.to_le_bytes());
    }
    hash = fnv(hash, text.as_bytes());
    // `hash >> 1` fits in i64, so this is at most -1 and at least i64::MIN.
    -((hash >> 1) as i64) - 1
}

/// Any `{id, …}` object v1 embeds (user refs, sources, stages, …).
#[derive(Clone, Debug, Deserialize)]
pub struct Ref {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
}

fn id_of(reference: &Option<Ref>) -> Option<i64> {
    reference.as_ref().map(|r| r.id)
}

/// Department and office lists may come as trees (`render_as=tree`).
trait TreeNode: Sized {
    fn take_children(&mut self) -> Vec<Self>;
    fn id(&self) -> i64;
}

/// Flattens `nodes` depth-first, giving children without a `parent_id`
/// their tree parent's id.
fn flatten_tree<N: TreeNode, M>(
    nodes: Vec<N>,
    parent: Option<i64>,
    model: &dyn Fn(N, Option<i64>) -> M,
) -> Vec<M> {
    let mut rows = Vec::new();
    for mut node in nodes {
        let children = node.take_children();
        let id = node.id();
        rows.push(model(node, parent));
        rows.extend(flatten_tree(children, Some(id), model));
    }
    rows
}

/// `GET /v1/user_roles` item.
#[derive(Debug, Deserialize)]
pub struct UserRole {
    pub id: i64,
    #[serde(rename = "type", default)]
    pub role_type: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl From<UserRole> for user_roles::Model {
    /// v1's `interviewer` role type is v3's `deprecated_interviewer`.
    fn from(role: UserRole) -> Self {
        let role_type = match role.role_type.as_deref() {
            Some("interviewer") => "deprecated_interviewer".to_owned(),
            other => other.unwrap_or_default().to_owned(),
        };
        user_roles::Model {
            organization_id: 0,
            id: role.id,
            created_at: None,
            updated_at: None,
            role_type,
            name: role.name.unwrap_or_default(),
            synced_at: not_yet_synced(),
        }
    }
}

/// `GET /v1/departments` item (list or tree form).
#[derive(Debug, Deserialize)]
pub struct Department {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub children: Vec<Department>,
}

impl TreeNode for Department {
    fn take_children(&mut self) -> Vec<Self> {
        std::mem::take(&mut self.children)
    }
    fn id(&self) -> i64 {
        self.id
    }
}

/// Flattens departments (and any tree children) into rows.
pub fn departments(items: Vec<Department>) -> Vec<departments::Model> {
    flatten_tree(items, None, &|d: Department, parent| departments::Model {
        organization_id: 0,
        id: d.id,
        created_at: None,
        updated_at: None,
        name: d.name.unwrap_or_default(),
        parent_id: d.parent_id.or(parent),
        external_id: d.external_id,
        synced_at: not_yet_synced(),
    })
}

/// `{name}` of an office's location.
#[derive(Debug, Deserialize)]
pub struct Location {
    #[serde(default)]
    pub name: Option<String>,
}

/// `GET /v1/offices` item (list or tree form).
#[derive(Debug, Deserialize)]
pub struct Office {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub location: Option<Location>,
    #[serde(default)]
    pub primary_contact_user_id: Option<i64>,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub external_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub children: Vec<Office>,
}

impl TreeNode for Office {
    fn take_children(&mut self) -> Vec<Self> {
        std::mem::take(&mut self.children)
    }
    fn id(&self) -> i64 {
        self.id
    }
}

/// Flattens offices (and any tree children): `location{name}` → `location`,
/// `primary_contact_user_id` → `primary_in_house_contact_user_id`.
pub fn offices(items: Vec<Office>) -> Vec<offices::Model> {
    flatten_tree(items, None, &|o: Office, parent| offices::Model {
        organization_id: 0,
        id: o.id,
        created_at: None,
        updated_at: None,
        name: o.name.unwrap_or_default(),
        parent_id: o.parent_id.or(parent),
        external_id: o.external_id,
        location: o.location.and_then(|l| l.name),
        primary_in_house_contact_user_id: o.primary_contact_user_id,
        synced_at: not_yet_synced(),
    })
}

/// `{id, name, type: {id, name}}`: sources and rejection reasons.
#[derive(Debug, Deserialize)]
pub struct TypedName {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type", default)]
    pub kind: Option<Value>,
}

impl From<TypedName> for sources::Model {
    fn from(source: TypedName) -> Self {
        sources::Model {
            organization_id: 0,
            id: source.id,
            created_at: None,
            updated_at: None,
            name: source.name.unwrap_or_default(),
            source_type: source.kind,
            synced_at: not_yet_synced(),
        }
    }
}

impl From<TypedName> for rejection_reasons::Model {
    fn from(reason: TypedName) -> Self {
        rejection_reasons::Model {
            organization_id: 0,
            id: reason.id,
            created_at: None,
            updated_at: None,
            name: reason.name.unwrap_or_default(),
            reason_type: reason.kind,
            synced_at: not_yet_synced(),
        }
    }
}

/// `{id, name}`: close reasons and candidate tags.
#[derive(Debug, Deserialize)]
pub struct Named {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
}

impl From<Named> for close_reasons::Model {
    fn from(reason: Named) -> Self {
        close_reasons::Model {
            organization_id: 0,
            id: reason.id,
            created_at: None,
            updated_at: None,
            name: reason.name.unwrap_or_default(),
            synced_at: not_yet_synced(),
        }
    }
}

impl From<Named> for candidate_tags::Model {
    fn from(tag: Named) -> Self {
        candidate_tags::Model {
            organization_id: 0,
            id: tag.id,
            created_at: None,
            updated_at: None,
            name: tag.name.unwrap_or_default(),
            synced_at: not_yet_synced(),
        }
    }
}

/// `GET /v1/users` item.
#[derive(Debug, Deserialize)]
pub struct User {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub primary_email_address: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub disabled: Option<bool>,
    #[serde(default)]
    pub site_admin: Option<bool>,
    #[serde(default)]
    pub emails: Option<Value>,
    #[serde(default)]
    pub employee_id: Option<String>,
    #[serde(default)]
    pub linked_candidate_ids: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub offices: Vec<Ref>,
    #[serde(default, deserialize_with = "nullable")]
    pub departments: Vec<Ref>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

impl From<User> for users::Model {
    /// `primary_email_address` → `primary_email`, `disabled` → `deactivated`,
    /// `offices[]`/`departments[]` → their ids.
    fn from(user: User) -> Self {
        let ids = |refs: Vec<Ref>| Value::from(refs.into_iter().map(|r| r.id).collect::<Vec<_>>());
        users::Model {
            organization_id: 0,
            id: user.id,
            created_at: user.created_at,
            updated_at: user.updated_at,
            first_name: user.first_name,
            last_name: user.last_name,
            name: user.name,
            primary_email: user.primary_email_address.unwrap_or_default(),
            job_title: None,
            agency_id: None,
            deactivated: user.disabled.unwrap_or(false),
            site_admin: user.site_admin.unwrap_or(false),
            employee_id: user.employee_id,
            linked_candidate_ids: list(user.linked_candidate_ids),
            office_ids: ids(user.offices),
            department_ids: ids(user.departments),
            interviewer_tags: json!([]),
            emails: user.emails,
            custom_fields: user.custom_fields,
            synced_at: not_yet_synced(),
        }
    }
}

/// The user fields the permissions feed needs from `GET /v1/users`.
#[derive(Debug, Deserialize)]
pub struct UserId {
    pub id: i64,
    #[serde(default)]
    pub site_admin: Option<bool>,
}

/// `GET /v1/users/{id}/permissions/jobs` item.
#[derive(Debug, Deserialize)]
pub struct JobPermission {
    pub id: i64,
    pub job_id: i64,
    pub user_role_id: i64,
}

impl JobPermission {
    /// The row of `user_id`'s permission (`user_role_id` → `role_id`).
    pub fn into_model(self, user_id: i64) -> user_job_permissions::Model {
        user_job_permissions::Model {
            organization_id: 0,
            id: self.id,
            created_at: None,
            updated_at: None,
            job_id: self.job_id,
            user_id,
            role_id: self.user_role_id,
            automated: None,
            synced_at: not_yet_synced(),
        }
    }
}

/// An opening embedded in a job (or listed by `/v1/jobs/{id}/openings`).
#[derive(Debug, Deserialize)]
pub struct Opening {
    pub id: i64,
    #[serde(default)]
    pub opening_id: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub application_id: Option<i64>,
    #[serde(default)]
    pub close_reason: Option<Ref>,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

impl Opening {
    /// The opening of job `job_id`: `status` → `open`, `close_reason.id` →
    /// `close_reason_id`, `priority` → `sort_order`.
    pub fn into_model(self, job_id: i64) -> openings::Model {
        openings::Model {
            organization_id: 0,
            id: self.id,
            created_at: None,
            updated_at: None,
            job_id,
            open: self.status.as_deref() == Some("open"),
            opening_id: self.opening_id,
            opened_at: self.opened_at,
            closed_at: self.closed_at,
            sort_order: self.priority,
            application_id: self.application_id,
            close_reason_id: id_of(&self.close_reason),
            target_start_on: None,
            custom_fields: self.custom_fields,
            synced_at: not_yet_synced(),
        }
    }
}

/// A hiring-team member: `{id, …}` embedded in a job, `{user_id, active,
/// responsible}` from `/v1/jobs/{id}/hiring_team`.
#[derive(Debug, Deserialize)]
pub struct TeamMember {
    #[serde(alias = "user_id")]
    pub id: i64,
    #[serde(default)]
    pub responsible: Option<bool>,
}

/// A job's hiring team.
#[derive(Debug, Default, Deserialize)]
pub struct HiringTeam {
    #[serde(default, deserialize_with = "nullable")]
    pub hiring_managers: Vec<TeamMember>,
    #[serde(default, deserialize_with = "nullable")]
    pub recruiters: Vec<TeamMember>,
    #[serde(default, deserialize_with = "nullable")]
    pub coordinators: Vec<TeamMember>,
    #[serde(default, deserialize_with = "nullable")]
    pub sourcers: Vec<TeamMember>,
}

impl HiringTeam {
    /// The team of job `job_id` as v3's `job_hiring_managers` and
    /// `job_owners` rows (ids synthetic, from (job, user[, type])).
    pub fn into_models(
        self,
        job_id: i64,
    ) -> (Vec<job_hiring_managers::Model>, Vec<job_owners::Model>) {
        let managers = self
            .hiring_managers
            .into_iter()
            .map(|member| job_hiring_managers::Model {
                organization_id: 0,
                id: synthetic_id("job_hiring_managers", &[job_id, member.id], ""),
                created_at: None,
                updated_at: None,
                user_id: member.id,
                job_id,
                synced_at: not_yet_synced(),
            })
            .collect();
        let owners = [
            ("recruiter", self.recruiters),
            ("coordinator", self.coordinators),
            ("sourcer", self.sourcers),
        ]
        .into_iter()
        .flat_map(|(owner_type, members)| {
            members.into_iter().map(move |member| job_owners::Model {
                organization_id: 0,
                id: synthetic_id("job_owners", &[job_id, member.id], owner_type),
                created_at: None,
                updated_at: None,
                job_id,
                user_id: member.id,
                owner_type: owner_type.to_owned(),
                responsible: member.responsible.unwrap_or(false),
                synced_at: not_yet_synced(),
            })
        })
        .collect();
        (managers, owners)
    }
}

/// `GET /v1/jobs` item.
#[derive(Debug, Deserialize)]
pub struct Job {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub requisition_id: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub confidential: Option<bool>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub opened_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_template: Option<bool>,
    #[serde(default)]
    pub copied_from_id: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    pub departments: Vec<Ref>,
    #[serde(default, deserialize_with = "nullable")]
    pub offices: Vec<Ref>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
    #[serde(default, deserialize_with = "nullable")]
    pub hiring_team: HiringTeam,
    #[serde(default, deserialize_with = "nullable")]
    pub openings: Vec<Opening>,
}

/// What a page of v1 jobs fills.
#[derive(Debug, Default)]
pub struct JobRows {
    pub jobs: Vec<jobs::Model>,
    pub hiring_managers: Vec<job_hiring_managers::Model>,
    pub owners: Vec<job_owners::Model>,
    pub openings: Vec<openings::Model>,
}

/// Flattens jobs: the first department is `department_id`, offices become
/// `office_ids`, the embedded openings and hiring team become their rows.
pub fn jobs(items: Vec<Job>) -> JobRows {
    let mut rows = JobRows::default();
    for job in items {
        let (managers, owners) = job.hiring_team.into_models(job.id);
        rows.hiring_managers.extend(managers);
        rows.owners.extend(owners);
        rows.openings.extend(
            job.openings
                .into_iter()
                .map(|opening| opening.into_model(job.id)),
        );
        rows.jobs.push(jobs::Model {
            organization_id: 0,
            id: job.id,
            created_at: job.created_at,
            updated_at: job.updated_at,
            name: job.name.unwrap_or_default(),
            requisition_id: job.requisition_id,
            notes: job.notes,
            confidential: job.confidential.unwrap_or(false),
            status: job.status.unwrap_or_default(),
            opened_at: job.opened_at,
            closed_at: job.closed_at,
            is_template: job.is_template,
            copied_from_id: job.copied_from_id,
            department_id: job.departments.first().map(|d| d.id),
            office_ids: Some(Value::from(
                job.offices.iter().map(|o| o.id).collect::<Vec<_>>(),
            )),
            custom_fields: job.custom_fields,
            synced_at: not_yet_synced(),
        });
    }
    rows
}

/// A job post question's option (`{value, label}`).
#[derive(Debug, Deserialize)]
pub struct QuestionValue {
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub label: Option<String>,
}

/// A job post question.
#[derive(Debug, Deserialize)]
pub struct Question {
    #[serde(default)]
    pub required: Option<bool>,
    #[serde(default)]
    pub private: Option<bool>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(rename = "type", default)]
    pub answer_type: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub values: Vec<QuestionValue>,
    #[serde(default)]
    pub description: Option<String>,
}

impl Question {
    /// The v3 question shape: `type` → `answer_type`, `values[{value,
    /// label}]` → `options[{id, label}]`; v1 has no question id.
    fn into_v3(self) -> Value {
        let options: Vec<Value> = self
            .values
            .into_iter()
            .map(|v| json!({"id": v.value, "label": v.label}))
            .collect();
        json!({
            "id": null,
            "description": self.description,
            "answer_type": self.answer_type,
            "required": self.required,
            "private": self.private.unwrap_or(false),
            "label": self.label,
            "name": self.name,
            "options": options,
        })
    }
}

/// `GET /v1/job_posts` item.
#[derive(Debug, Deserialize)]
pub struct JobPost {
    pub id: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub job_id: Option<i64>,
    #[serde(default)]
    pub internal: Option<bool>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub live: Option<bool>,
    #[serde(default)]
    pub first_published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub internal_content: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub demographic_question_set_id: Option<i64>,
    #[serde(default)]
    pub questions: Option<Vec<Question>>,
}

impl From<JobPost> for job_posts::Model {
    /// A post without `active` is not deleted (older payloads omit it).
    fn from(post: JobPost) -> Self {
        job_posts::Model {
            organization_id: 0,
            id: post.id,
            created_at: post.created_at,
            updated_at: post.updated_at,
            title: post.title.unwrap_or_default(),
            job_id: post.job_id,
            job_board_id: None,
            internal: post.internal.unwrap_or(false),
            active: post.active.unwrap_or(true),
            live: post.live.unwrap_or(false),
            featured: None,
            first_published_at: post.first_published_at,
            content: post.content,
            internal_content: post.internal_content,
            language: None,
            public_url: None,
            demographic_question_set_id: post.demographic_question_set_id,
            questions: post.questions.map(|questions| {
                Value::from(
                    questions
                        .into_iter()
                        .map(Question::into_v3)
                        .collect::<Vec<_>>(),
                )
            }),
            synced_at: not_yet_synced(),
        }
    }
}

/// An interview step embedded in a job stage.
#[derive(Debug, Deserialize)]
pub struct StageInterview {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub schedulable: Option<bool>,
    #[serde(default)]
    pub estimated_minutes: Option<i64>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// `GET /v1/job_stages` item.
#[derive(Debug, Deserialize)]
pub struct JobStage {
    pub id: i64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    pub job_id: i64,
    #[serde(default)]
    pub priority: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub interviews: Vec<StageInterview>,
}

/// Which job each interview step (`job_interviews.id`) belongs to.
pub fn interview_steps(stages: &[JobStage]) -> impl Iterator<Item = (i64, i64)> + '_ {
    stages.iter().flat_map(|stage| {
        stage
            .interviews
            .iter()
            .map(|interview| (interview.id, stage.job_id))
    })
}

/// Flattens job stages: `priority` → `sort_order`; each embedded interview
/// becomes a `job_interviews` row of the stage's job (`schedulable` →
/// `scheduling_type` `needs_scheduling`/`none`, `estimated_minutes` →
/// `duration`, its position in the stage → `sort_order`).
pub fn job_stages(
    items: Vec<JobStage>,
) -> (Vec<job_interview_stages::Model>, Vec<job_interviews::Model>) {
    let mut stages = Vec::with_capacity(items.len());
    let mut steps = Vec::new();
    for stage in items {
        let active = stage.active.unwrap_or(true);
        for (position, interview) in stage.interviews.into_iter().enumerate() {
            steps.push(job_interviews::Model {
                organization_id: 0,
                id: interview.id,
                created_at: interview.created_at,
                updated_at: interview.updated_at,
                job_interview_stage_id: stage.id,
                job_id: stage.job_id,
                sort_order: position as i64,
                name: interview.name.unwrap_or_default(),
                active,
                scheduling_type: interview
                    .schedulable
                    .map(|yes| if yes { "needs_scheduling" } else { "none" }.to_owned()),
                duration: interview.estimated_minutes,
                summary: None,
                instructions: None,
                require_scorecard: None,
                synced_at: not_yet_synced(),
            });
        }
        stages.push(job_interview_stages::Model {
            organization_id: 0,
            id: stage.id,
            created_at: stage.created_at,
            updated_at: stage.updated_at,
            job_id: stage.job_id,
            sort_order: stage.priority.unwrap_or(0),
            name: stage.name.unwrap_or_default(),
            active,
            synced_at: not_yet_synced(),
        });
    }
    (stages, steps)
}

/// `GET /v1/candidates` item.
#[derive(Debug, Deserialize)]
pub struct Candidate {
    pub id: i64,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_activity: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_private: Option<bool>,
    #[serde(default)]
    pub can_email: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    pub tags: Vec<String>,
    #[serde(default)]
    pub linked_user_ids: Option<Value>,
    #[serde(default)]
    pub phone_numbers: Option<Value>,
    #[serde(default)]
    pub addresses: Option<Value>,
    #[serde(default)]
    pub email_addresses: Option<Value>,
    #[serde(default)]
    pub website_addresses: Option<Value>,
    #[serde(default)]
    pub social_media_addresses: Option<Value>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

/// What a page of v1 candidates fills, and the tag names it could not resolve.
#[derive(Debug, Default)]
pub struct CandidateRows {
    pub candidates: Vec<candidates::Model>,
    pub applied_tags: Vec<applied_candidate_tags::Model>,
    pub unknown_tags: Vec<String>,
}

/// Flattens candidates: `is_private` → `private`, `last_activity` →
/// `last_activity_at`; each tag name found in `tag_ids` (the tag dictionary,
/// name → id) becomes an `applied_candidate_tags` row (id synthetic, from
/// (candidate, tag)). A candidate without `can_email` is not emailed.
pub fn candidates(items: Vec<Candidate>, tag_ids: &HashMap<String, i64>) -> CandidateRows {
    let mut rows = CandidateRows::default();
    for candidate in items {
        for name in &candidate.tags {
            match tag_ids.get(name) {
                Some(&tag_id) => rows.applied_tags.push(applied_candidate_tags::Model {
                    organization_id: 0,
                    id: synthetic_id("applied_candidate_tags", &[candidate.id, tag_id], ""),
                    created_at: None,
                    updated_at: None,
                    candidate_tag_id: tag_id,
                    candidate_id: candidate.id,
                    synced_at: not_yet_synced(),
                }),
                None => rows.unknown_tags.push(name.clone()),
            }
        }
        rows.candidates.push(candidates::Model {
            organization_id: 0,
            id: candidate.id,
            created_at: candidate.created_at,
            updated_at: candidate.updated_at,
            first_name: candidate.first_name,
            last_name: candidate.last_name,
            preferred_name: None,
            company: candidate.company,
            title: candidate.title,
            last_activity_at: candidate.last_activity,
            private: candidate.is_private,
            can_email: candidate.can_email.unwrap_or(false),
            time_zone: None,
            tags: Value::from(candidate.tags),
            linked_user_ids: list(candidate.linked_user_ids),
            phone_numbers: list(candidate.phone_numbers),
            addresses: list(candidate.addresses),
            email_addresses: list(candidate.email_addresses),
            website_addresses: list(candidate.website_addresses),
            social_media_addresses: list(candidate.social_media_addresses),
            custom_fields: candidate.custom_fields,
            synced_at: not_yet_synced(),
        });
    }
    rows
}

/// `{address}` of an application's location.
#[derive(Debug, Deserialize)]
pub struct Address {
    #[serde(default)]
    pub address: Option<String>,
}

/// `GET /v1/applications` item.
#[derive(Debug, Deserialize)]
pub struct Application {
    pub id: i64,
    pub candidate_id: i64,
    #[serde(default)]
    pub prospect: Option<bool>,
    #[serde(default)]
    pub applied_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub rejected_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_activity_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub location: Option<Address>,
    #[serde(default)]
    pub source: Option<Ref>,
    #[serde(default)]
    pub credited_to: Option<Ref>,
    #[serde(default)]
    pub recruiter: Option<Ref>,
    #[serde(default)]
    pub coordinator: Option<Ref>,
    #[serde(default)]
    pub rejection_reason: Option<Ref>,
    #[serde(default, deserialize_with = "nullable")]
    pub jobs: Vec<Ref>,
    #[serde(default)]
    pub job_post_id: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub current_stage: Option<Ref>,
    #[serde(default)]
    pub answers: Option<Value>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

impl From<Application> for applications::Model {
    /// `applied_at` → `created_at`; `last_activity_at` is also `updated_at`
    /// (v1 has no update time); `status` `active` → `in_process`; `jobs[0]`
    /// → `job_id` (and every job of a prospect → `prospective_job_ids`);
    /// `current_stage{id,name}` → `stage_id`/`stage_name`, and the same id as
    /// `job_interview_stage_id` (v1's current stage is the job stage);
    /// embedded refs → their ids (`credited_to` → `referrer_id`).
    fn from(app: Application) -> Self {
        let prospect = app.prospect.unwrap_or(false);
        let status = match app.status.as_deref() {
            Some("active") => "in_process".to_owned(),
            other => other.unwrap_or_default().to_owned(),
        };
        let prospective: Vec<i64> = if prospect {
            app.jobs.iter().map(|j| j.id).collect()
        } else {
            Vec::new()
        };
        applications::Model {
            organization_id: 0,
            id: app.id,
            created_at: app.applied_at,
            updated_at: app.last_activity_at,
            candidate_id: app.candidate_id,
            prospect,
            status,
            job_id: app.jobs.first().map(|j| j.id),
            job_post_id: app.job_post_id,
            stage_id: id_of(&app.current_stage),
            job_interview_stage_id: id_of(&app.current_stage),
            stage_name: app.current_stage.and_then(|s| s.name),
            source_id: id_of(&app.source),
            referrer_id: id_of(&app.credited_to),
            recruiter_id: id_of(&app.recruiter),
            coordinator_id: id_of(&app.coordinator),
            agency_note_id: None,
            rejection_reason_id: id_of(&app.rejection_reason),
            needs_decision: None,
            rejected_at: app.rejected_at,
            last_activity_at: app.last_activity_at,
            location_address: app.location.and_then(|l| l.address),
            answers: app.answers,
            prospective_job_ids: Some(Value::from(prospective)),
            custom_fields: app.custom_fields,
            synced_at: not_yet_synced(),
        }
    }
}

/// `GET /v1/offers` item.
#[derive(Debug, Deserialize)]
pub struct Offer {
    pub id: i64,
    #[serde(default)]
    pub version: Option<i64>,
    pub application_id: i64,
    pub job_id: i64,
    pub candidate_id: i64,
    #[serde(default)]
    pub opening: Option<Ref>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_date")]
    pub sent_at: Option<NaiveDate>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "lenient_date")]
    pub starts_at: Option<NaiveDate>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub custom_fields: Option<Value>,
}

impl From<Offer> for offers::Model {
    /// `status` unresolved/accepted/rejected/deprecated → v3's
    /// Created/Accepted/Rejected/Deprecated; `opening.id` → `opening_id`;
    /// the dates `sent_at`/`starts_at` → `sent_on`/`starts_on`.
    fn from(offer: Offer) -> Self {
        let status = match offer.status.as_deref() {
            Some("unresolved") => "Created",
            Some("accepted") => "Accepted",
            Some("rejected") => "Rejected",
            Some("deprecated") => "Deprecated",
            other => other.unwrap_or_default(),
        };
        offers::Model {
            organization_id: 0,
            id: offer.id,
            created_at: offer.created_at,
            updated_at: offer.updated_at,
            version: offer.version.unwrap_or(1),
            application_id: offer.application_id,
            job_id: offer.job_id,
            candidate_id: offer.candidate_id,
            opening_id: id_of(&offer.opening),
            status: status.to_owned(),
            starts_on: offer.starts_at,
            sent_on: offer.sent_at,
            resolved_at: offer.resolved_at,
            custom_fields: offer.custom_fields,
            synced_at: not_yet_synced(),
        }
    }
}

/// A scheduled interview's start or end: a time, or a day for all-day events.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum When {
    At { date_time: DateTime<Utc> },
    AllDay { date: NaiveDate },
}

impl When {
    fn at(when: Option<When>) -> Option<DateTime<Utc>> {
        match when? {
            When::At { date_time } => Some(date_time),
            When::AllDay { .. } => None,
        }
    }

    fn day(when: Option<When>) -> Option<NaiveDate> {
        match when? {
            When::AllDay { date } => Some(date),
            When::At { .. } => None,
        }
    }
}

/// A panel member of a scheduled interview.
#[derive(Debug, Deserialize)]
pub struct Interviewer {
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub response_status: Option<String>,
    #[serde(default)]
    pub scorecard_id: Option<i64>,
}

/// `GET /v1/scheduled_interviews` item.
#[derive(Debug, Deserialize)]
pub struct ScheduledInterview {
    pub id: i64,
    pub application_id: i64,
    #[serde(default)]
    pub external_event_id: Option<String>,
    #[serde(default)]
    pub start: Option<When>,
    #[serde(default)]
    pub end: Option<When>,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub video_conferencing_url: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub interview: Option<Ref>,
    #[serde(default)]
    pub organizer: Option<Ref>,
    #[serde(default, deserialize_with = "nullable")]
    pub interviewers: Vec<Interviewer>,
}

impl ScheduledInterview {
    /// The interview step it schedules (`interview.id`).
    pub fn job_interview_id(&self) -> Option<i64> {
        id_of(&self.interview)
    }
}

/// What a page of v1 scheduled interviews fills, and the interviews left out
/// because their job (or interview step) is unknown.
#[derive(Debug, Default)]
pub struct InterviewRows {
    pub interviews: Vec<interviews::Model>,
    pub interviewers: Vec<interviewers::Model>,
    pub skipped: Vec<i64>,
}

/// Flattens scheduled interviews: `start`/`end` → `starts_at`/`ends_at` or
/// `all_day_start_on`/`all_day_end_on`, `interview.id` → `job_interview_id`,
/// `organizer.id` → `organizer_id`, and `job_id` from `job_of(interview)`
/// (v1 does not send it); each panel member becomes an `interviewers` row
/// (id synthetic, from (interview, user, email)).
pub fn interviews(
    items: Vec<ScheduledInterview>,
    job_of: impl Fn(&ScheduledInterview) -> Option<i64>,
) -> InterviewRows {
    let mut rows = InterviewRows::default();
    for interview in items {
        let (Some(job_id), Some(job_interview_id)) =
            (job_of(&interview), interview.job_interview_id())
        else {
            rows.skipped.push(interview.id);
            continue;
        };
        rows.interviewers
            .extend(
                interview
                    .interviewers
                    .into_iter()
                    .map(|member| interviewers::Model {
                        organization_id: 0,
                        id: synthetic_id(
                            "interviewers",
                            &[interview.id, member.id.unwrap_or(0)],
                            member.email.as_deref().unwrap_or_default(),
                        ),
                        created_at: None,
                        updated_at: None,
                        interview_id: interview.id,
                        user_id: member.id,
                        scorecard_id: member.scorecard_id,
                        email: member.email,
                        response_status: member.response_status,
                        synced_at: not_yet_synced(),
                    }),
            );
        rows.interviews.push(interviews::Model {
            organization_id: 0,
            id: interview.id,
            created_at: interview.created_at,
            updated_at: interview.updated_at,
            job_id,
            application_id: interview.application_id,
            job_interview_id,
            starts_at: When::at(interview.start),
            ends_at: When::at(interview.end),
            all_day_start_on: When::day(interview.start),
            all_day_end_on: When::day(interview.end),
            location: interview.location,
            status: interview.status.unwrap_or_default(),
            organizer_id: id_of(&interview.organizer),
            scheduled_at: None,
            external_event_id: interview.external_event_id,
            video_conferencing_url: interview.video_conferencing_url,
            availability_received_at: None,
            synced_at: not_yet_synced(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::DeserializeOwned;
    use std::collections::BTreeSet;

    const EXAMPLES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/harvest/examples"
    );

    /// Every payload file the tests below flatten.
    const COVERED: &[&str] = &[
        "application.json",
        "application_current_offer.json",
        "application_offers_list.json",
        "application_scheduled_interviews_list.json",
        "applications_list.json",
        "candidate.json",
        "candidate_applied_tags_list.json",
        "candidate_tags_list.json",
        "candidates_list.json",
        "close_reasons_list.json",
        "department.json",
        "departments_list.json",
        "departments_list_tree.json",
        "error_422_validation.json",
        "job.json",
        "job_hiring_team.json",
        "job_openings_list.json",
        "job_post.json",
        "job_post_for_job.json",
        "job_posts_for_job_list.json",
        "job_posts_list.json",
        "job_stage.json",
        "job_stages_for_job_list.json",
        "job_stages_list.json",
        "jobs_list.json",
        "offer.json",
        "offers_list.json",
        "office.json",
        "office_tree.json",
        "offices_list.json",
        "offices_list_tree.json",
        "rejection_reasons_list.json",
        "scheduled_interview.json",
        "scheduled_interviews_list.json",
        "sources_list.json",
        "user.json",
        "user_job_permissions_list.json",
        "user_roles_list.json",
        "users_list.json",
    ];

    fn read(name: &str) -> Vec<u8> {
        std::fs::read(format!("{EXAMPLES}/{name}")).unwrap_or_else(|err| panic!("{name}: {err}"))
    }

    /// The items of a list payload, or the one object of a single-record payload.
    fn items<T: DeserializeOwned>(name: &str) -> Vec<T> {
        let value: Value = serde_json::from_slice(&read(name)).unwrap();
        let list = if value.is_array() {
            value
        } else {
            Value::Array(vec![value])
        };
        serde_json::from_value(list).unwrap_or_else(|err| panic!("{name}: {err}"))
    }

    fn at(text: &str) -> Option<DateTime<Utc>> {
        Some(
            DateTime::parse_from_rfc3339(text)
                .unwrap()
                .with_timezone(&Utc),
        )
    }

    fn day(text: &str) -> Option<NaiveDate> {
        Some(NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap())
    }

    fn convert<T: DeserializeOwned, M: From<T>>(name: &str) -> Vec<M> {
        items::<T>(name).into_iter().map(M::from).collect()
    }

    #[test]
    fn every_example_payload_is_covered() {
        let on_disk: BTreeSet<String> = std::fs::read_dir(EXAMPLES)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .filter(|name| name.ends_with(".json"))
            .collect();
        let covered: BTreeSet<String> = COVERED.iter().map(|name| (*name).to_owned()).collect();
        assert_eq!(on_disk, covered);
    }

    #[test]
    fn synthetic_ids_are_stable_negative_and_distinct() {
        let a = synthetic_id("applied_candidate_tags", &[53883394, 365], "");
        assert_eq!(
            a,
            synthetic_id("applied_candidate_tags", &[53883394, 365], "")
        );
        assert!(a < 0);
        assert_ne!(
            a,
            synthetic_id("applied_candidate_tags", &[53883394, 366], "")
        );
        assert_ne!(
            a,
            synthetic_id("applied_candidate_tags", &[365, 53883394], "")
        );
        assert_ne!(
            synthetic_id("job_owners", &[1, 2], "recruiter"),
            synthetic_id("job_owners", &[1, 2], "coordinator")
        );
        let ids: BTreeSet<i64> = (0..10_000)
            .map(|n| synthetic_id("interviewers", &[n, n * 7], ""))
            .collect();
        assert_eq!(ids.len(), 10_000);
        assert!(ids.iter().all(|id| *id < 0));
    }

    #[test]
    fn applications() {
        let [app]: [applications::Model; 1] = convert::<Application, _>("application.json")
            .try_into()
            .unwrap();
        assert_eq!(app.id, 69306314);
        assert_eq!(app.candidate_id, 57683957);
        assert!(!app.prospect);
        assert_eq!(app.status, "in_process");
        assert_eq!(app.created_at, at("2017-09-29T12:56:05.244Z"));
        assert_eq!(app.updated_at, at("2017-09-29T13:00:28.038Z"));
        assert_eq!(app.last_activity_at, app.updated_at);
        assert_eq!(app.job_id, Some(107761));
        assert_eq!(app.job_post_id, Some(123));
        assert_eq!(
            (app.stage_id, app.stage_name.as_deref()),
            (Some(767358), Some("Application Review"))
        );
        assert_eq!(app.job_interview_stage_id, Some(767358));
        assert_eq!(app.source_id, Some(2));
        assert_eq!(app.referrer_id, Some(4080));
        assert_eq!(
            (app.recruiter_id, app.coordinator_id),
            (Some(92120), Some(453636))
        );
        assert_eq!(app.rejection_reason_id, None);
        assert_eq!(
            app.location_address.as_deref(),
            Some("New York, New York, USA")
        );
        assert_eq!(
            app.answers.as_ref().unwrap()[1]["answer"],
            "mytestwebsite.com"
        );
        assert_eq!(app.prospective_job_ids, Some(json!([])));
        assert_eq!(
            app.custom_fields,
            Some(json!({"application_custom_test": "Option 1"}))
        );

        let list: Vec<applications::Model> = convert::<Application, _>("applications_list.json");
        assert_eq!(list[0], app);
        let prospect = &list[1];
        assert!(prospect.prospect);
        assert_eq!(prospect.status, "hired");
        assert_eq!(prospect.job_id, Some(224587));
        assert_eq!(prospect.prospective_job_ids, Some(json!([224587, 109322])));
        assert_eq!(
            (prospect.stage_id, prospect.stage_name.as_deref()),
            (None, None)
        );
        assert_eq!(
            (prospect.recruiter_id, prospect.location_address.as_deref()),
            (None, None)
        );
        assert_eq!(
            (prospect.source_id, prospect.referrer_id),
            (Some(100674), Some(566819))
        );
    }

    #[test]
    fn candidates_and_their_tags() {
        let dictionary = HashMap::from([("Python".to_owned(), 11), ("Ruby".to_owned(), 12)]);
        let rows = super::candidates(items("candidate.json"), &dictionary);
        let candidate = &rows.candidates[0];
        assert_eq!(candidate.id, 53883394);
        assert_eq!(
            (
                candidate.first_name.as_deref(),
                candidate.last_name.as_deref()
            ),
            (Some("John"), Some("Locke"))
        );
        assert_eq!(candidate.company.as_deref(), Some("The Tustin Box Company"));
        assert_eq!(candidate.private, Some(false));
        assert!(candidate.can_email);
        assert_eq!(candidate.created_at, at("2017-08-15T03:31:46.591Z"));
        assert_eq!(candidate.updated_at, at("2017-09-28T12:29:30.497Z"));
        assert_eq!(candidate.last_activity_at, at("2017-09-28T12:29:30.481Z"));
        assert_eq!(candidate.tags, json!(["Python", "Ruby"]));
        assert_eq!(candidate.linked_user_ids, json!([989604]));
        assert_eq!(
            candidate.email_addresses[1],
            json!({"value": "test@example.com", "type": "personal"})
        );
        assert_eq!(
            candidate.social_media_addresses,
            json!([{"value": "twitter.com/test"}])
        );
        assert_eq!(
            candidate.custom_fields.as_ref().unwrap()["work_remotely"],
            true
        );
        let applied: Vec<(i64, i64)> = rows
            .applied_tags
            .iter()
            .map(|t| (t.candidate_id, t.candidate_tag_id))
            .collect();
        assert_eq!(applied, [(53883394, 11), (53883394, 12)]);
        assert_eq!(
            rows.applied_tags[0].id,
            synthetic_id("applied_candidate_tags", &[53883394, 11], "")
        );
        assert!(rows.unknown_tags.is_empty());

        let partial = super::candidates(
            items("candidates_list.json"),
            &HashMap::from([("Ruby".to_owned(), 12)]),
        );
        assert_eq!(partial.candidates[0].id, 53883394);
        assert_eq!(partial.applied_tags.len(), 1);
        assert_eq!(partial.unknown_tags, ["Python"]);
    }

    #[test]
    fn tags_and_reference_lists() {
        let tags: Vec<candidate_tags::Model> = convert::<Named, _>("candidate_tags_list.json");
        let names: Vec<(i64, &str)> = tags.iter().map(|t| (t.id, t.name.as_str())).collect();
        assert_eq!(names, [(365, "Ruby"), (366, "Rails"), (367, "Junior")]);
        let applied: Vec<candidate_tags::Model> =
            convert::<Named, _>("candidate_applied_tags_list.json");
        assert_eq!(
            (applied[0].id, applied[0].name.as_str()),
            (239759, "Don't have a job open for them now")
        );

        let reasons: Vec<close_reasons::Model> = convert::<Named, _>("close_reasons_list.json");
        assert_eq!(
            reasons.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["Hired", "Backfill", "Order cancelled"]
        );
        assert!(
            reasons
                .iter()
                .all(|r| r.created_at.is_none() && r.updated_at.is_none())
        );

        let rejections: Vec<rejection_reasons::Model> =
            convert::<TypedName, _>("rejection_reasons_list.json");
        assert_eq!(
            (rejections[2].id, rejections[2].name.as_str()),
            (230, "Hiring Freeze")
        );
        assert_eq!(
            rejections[2].reason_type,
            Some(json!({"id": 2, "name": "None specified"}))
        );

        let sources: Vec<sources::Model> = convert::<TypedName, _>("sources_list.json");
        assert_eq!((sources[1].id, sources[1].name.as_str()), (928, "Destiny"));
        assert_eq!(
            sources[1].source_type,
            Some(json!({"id": 7, "name": "Supernatural Means"}))
        );

        let roles: Vec<user_roles::Model> = convert::<UserRole, _>("user_roles_list.json");
        let roles: Vec<(i64, &str, &str)> = roles
            .iter()
            .map(|r| (r.id, r.role_type.as_str(), r.name.as_str()))
            .collect();
        assert_eq!(
            roles,
            [
                (4729, "deprecated_interviewer", "Interviewer"),
                (4730, "job_admin", "Standard"),
                (4731, "job_admin", "Private")
            ]
        );
    }

    #[test]
    fn departments_in_list_and_tree_form() {
        let one = super::departments(items("department.json"));
        assert_eq!(one.len(), 1);
        assert_eq!(
            (one[0].id, one[0].name.as_str(), one[0].parent_id),
            (12345, "Technology", None)
        );
        assert_eq!(one[0].external_id.as_deref(), Some("89076"));

        let list = super::departments(items("departments_list.json"));
        assert_eq!(list[0], one[0]);
        assert_eq!(
            (
                list[1].id,
                list[1].parent_id,
                list[1].external_id.as_deref()
            ),
            (67890, Some(54647), None)
        );

        let tree = super::departments(items("departments_list_tree.json"));
        let shape: Vec<(i64, Option<i64>)> = tree.iter().map(|d| (d.id, d.parent_id)).collect();
        assert_eq!(
            shape,
            [
                (12345, None),
                (34065, Some(12345)),
                (25908, Some(12345)),
                (14510, Some(25908)),
                (67890, Some(54647))
            ]
        );
        assert_eq!(tree[3].name, "Third-Level Department");
    }

    #[test]
    fn offices_in_list_and_tree_form() {
        let one = super::offices(items("office.json"));
        let office = &one[0];
        assert_eq!(
            (office.id, office.name.as_str(), office.parent_id),
            (47012, "New York", Some(50849))
        );
        assert_eq!(office.location.as_deref(), Some("New York, United States"));
        assert_eq!(office.primary_in_house_contact_user_id, Some(485538));
        assert_eq!(office.external_id.as_deref(), Some("12345"));

        let list = super::offices(items("offices_list.json"));
        assert_eq!(
            list.iter().map(|o| o.id).collect::<Vec<_>>(),
            [50891, 47012, 50852]
        );
        assert_eq!(list[1], *office);

        let tree = super::offices(items("office_tree.json"));
        let shape: Vec<(i64, Option<i64>, Option<i64>)> = tree
            .iter()
            .map(|o| (o.id, o.parent_id, o.primary_in_house_contact_user_id))
            .collect();
        assert_eq!(
            shape,
            [
                (47012, None, Some(485538)),
                (50891, Some(47012), Some(336474)),
                (50852, Some(47012), Some(676259))
            ]
        );

        let forest = super::offices(items("offices_list_tree.json"));
        let shape: Vec<(i64, Option<i64>)> = forest.iter().map(|o| (o.id, o.parent_id)).collect();
        assert_eq!(
            shape,
            [
                (50891, None),
                (12345, Some(50891)),
                (54321, Some(12345)),
                (50852, None),
                (4020460005, Some(50852))
            ]
        );
        assert_eq!(
            forest[2].location.as_deref(),
            Some("Syracuse, New York, United States")
        );
    }

    #[test]
    fn users() {
        let [user]: [users::Model; 1] = convert::<User, _>("user.json").try_into().unwrap();
        assert_eq!(user.id, 112);
        assert_eq!(user.name.as_deref(), Some("Juliet Burke"));
        assert_eq!(user.primary_email, "juliet.burke@example.com");
        assert!(!user.deactivated);
        assert!(user.site_admin);
        assert_eq!(user.employee_id.as_deref(), Some("221"));
        assert_eq!(
            user.emails,
            Some(json!([
                "juliet.burke@example.com",
                "other.woman@example.com"
            ]))
        );
        assert_eq!(user.linked_candidate_ids, json!([123, 654]));
        assert_eq!(user.office_ids, json!([47013]));
        assert_eq!(user.department_ids, json!([25907]));
        assert_eq!(user.interviewer_tags, json!([]));
        assert_eq!(user.created_at, at("2015-11-18T22:26:32.243Z"));
        assert_eq!(user.updated_at, at("2016-11-17T16:13:48.888Z"));
        assert_eq!(user.custom_fields.as_ref().unwrap()["shirt_size"], "M");

        let list: Vec<users::Model> = convert::<User, _>("users_list.json");
        assert_eq!(list.iter().map(|u| u.id).collect::<Vec<_>>(), [112, 712]);
        assert_eq!(list[1].primary_email, "john.doe@example.com");
        assert_eq!(list[0].office_ids, json!([47012]));
        assert_eq!(list[1].custom_fields, None);
    }

    #[test]
    fn user_job_permissions() {
        let rows: Vec<user_job_permissions::Model> =
            items::<JobPermission>("user_job_permissions_list.json")
                .into_iter()
                .map(|p| p.into_model(712))
                .collect();
        assert_eq!(rows.len(), 6);
        assert_eq!(
            (rows[0].id, rows[0].job_id, rows[0].user_id, rows[0].role_id),
            (7879576, 80722, 712, 4730)
        );
        assert_eq!(rows[5].job_id, 82318);
    }

    #[test]
    fn jobs_with_openings_and_hiring_team() {
        let rows = super::jobs(items("job.json"));
        let job = &rows.jobs[0];
        assert_eq!(
            (job.id, job.name.as_str(), job.status.as_str()),
            (6404, "Archaeologist", "closed")
        );
        assert_eq!(job.requisition_id.as_deref(), Some("abc123"));
        assert!(!job.confidential);
        assert_eq!(
            (job.is_template, job.copied_from_id),
            (Some(false), Some(2345))
        );
        assert_eq!(job.department_id, Some(25907));
        assert_eq!(job.office_ids, Some(json!([47012])));
        assert_eq!(job.opened_at, at("2013-12-11T14:42:58Z"));
        assert_eq!(
            job.custom_fields.as_ref().unwrap()["salary_range"]["max_value"],
            90000
        );

        let managers: Vec<(i64, i64)> = rows
            .hiring_managers
            .iter()
            .map(|m| (m.job_id, m.user_id))
            .collect();
        assert_eq!(managers, [(6404, 84275), (6404, 169779)]);
        assert_eq!(
            rows.hiring_managers[0].id,
            synthetic_id("job_hiring_managers", &[6404, 84275], "")
        );
        let owners: Vec<(i64, &str, bool)> = rows
            .owners
            .iter()
            .map(|o| (o.user_id, o.owner_type.as_str(), o.responsible))
            .collect();
        assert_eq!(
            owners,
            [
                (81111, "recruiter", false),
                (153448, "recruiter", true),
                (122635, "coordinator", true),
                (177046, "coordinator", false),
                (122635, "sourcer", false)
            ]
        );
        let distinct: BTreeSet<i64> = rows.owners.iter().map(|o| o.id).collect();
        assert_eq!(
            distinct.len(),
            5,
            "the same user as coordinator and sourcer gets two rows"
        );

        let openings: Vec<_> = rows
            .openings
            .iter()
            .map(|o| {
                (
                    o.id,
                    o.open,
                    o.opening_id.as_deref(),
                    o.application_id,
                    o.close_reason_id,
                )
            })
            .collect();
        assert_eq!(
            openings,
            [
                (123, true, Some("3-1"), Some(45678), Some(678)),
                (124, true, Some("3-2"), None, None),
                (125, true, None, None, None),
                (126, false, Some("2-4"), Some(1232), Some(689))
            ]
        );
        assert!(
            rows.openings
                .iter()
                .all(|o| o.job_id == 6404 && o.created_at.is_none())
        );
        assert_eq!(rows.openings[3].closed_at, at("2016-02-03T16:39:09.811Z"));

        let list = super::jobs(items("jobs_list.json"));
        assert_eq!(list.jobs, rows.jobs);
        assert_eq!(list.owners.len(), 5);
    }

    #[test]
    fn hiring_team_endpoint_and_openings_endpoint() {
        let [team]: [HiringTeam; 1] = items("job_hiring_team.json").try_into().unwrap();
        let (managers, owners) = team.into_models(77);
        assert_eq!(
            managers.iter().map(|m| m.user_id).collect::<Vec<_>>(),
            [11, 12]
        );
        let owners: Vec<(i64, &str, bool)> = owners
            .iter()
            .map(|o| (o.user_id, o.owner_type.as_str(), o.responsible))
            .collect();
        assert_eq!(owners.len(), 8);
        assert_eq!(owners[2], (15, "recruiter", true));
        assert_eq!(owners[5], (18, "coordinator", true));
        assert_eq!(owners[6], (19, "sourcer", false));

        let openings: Vec<openings::Model> = items::<Opening>("job_openings_list.json")
            .into_iter()
            .map(|o| o.into_model(77))
            .collect();
        assert_eq!(openings.len(), 2);
        assert!(openings[0].open && !openings[1].open);
        assert_eq!(openings[1].opening_id.as_deref(), Some("CLOSED-1"));
        assert_eq!(
            (openings[1].application_id, openings[1].close_reason_id),
            (Some(65565), Some(678))
        );
        assert_eq!(
            openings[0].custom_fields.as_ref().unwrap()["maximum_budget"],
            "$81.5k"
        );
        assert_eq!(openings[1].closed_at, at("2015-12-14T19:53:32.565Z"));
    }

    #[test]
    fn job_posts() {
        let [post]: [job_posts::Model; 1] =
            convert::<JobPost, _>("job_post.json").try_into().unwrap();
        assert_eq!(
            (post.id, post.title.as_str(), post.job_id),
            (123, "Software Engineer", Some(1234))
        );
        assert!(post.internal && post.active && post.live);
        assert_eq!(post.first_published_at, at("2023-04-03T18:06:18Z"));
        assert_eq!(
            post.content.as_deref(),
            Some("<p>We’re looking for the next big innovator.</p>")
        );
        assert_eq!(post.demographic_question_set_id, Some(999));
        let questions = post.questions.as_ref().unwrap().as_array().unwrap();
        assert_eq!(questions.len(), 10);
        assert_eq!(
            questions[7],
            json!({
                "id": null,
                "description": null,
                "answer_type": "multi_select",
                "required": false,
                "private": true,
                "label": "Have you applied to this job before?",
                "name": "question_345678[]",
                "options": [{"id": 862, "label": "Yes"}, {"id": 863, "label": "No"}, {"id": 864, "label": "Maybe"}]
            })
        );

        let for_job: Vec<job_posts::Model> = convert::<JobPost, _>("job_post_for_job.json");
        assert_eq!(for_job[0].id, 123);
        assert_eq!(
            for_job[0].internal_content.as_deref(),
            Some("<p>Apply today!</p>")
        );
        let list: Vec<job_posts::Model> = convert::<JobPost, _>("job_posts_list.json");
        assert_eq!(list[0].title, "Software Engineer");
        let both: Vec<job_posts::Model> = convert::<JobPost, _>("job_posts_for_job_list.json");
        assert_eq!(
            (both[1].id, both[1].title.as_str(), both[1].job_id),
            (129548, "Test job two", Some(146218))
        );
        assert!(both[1].active, "a post without `active` is not deleted");
        assert!(!both[1].internal);
    }

    #[test]
    fn job_stages_and_their_interviews() {
        let (stages, steps) = super::job_stages(items("job_stage.json"));
        assert_eq!(
            (stages[0].id, stages[0].job_id, stages[0].sort_order),
            (6001, 12345, 1)
        );
        assert_eq!(stages[0].name, "Cultural Fit Interview");
        assert!(stages[0].active);
        let step = &steps[0];
        assert_eq!(
            (
                step.id,
                step.job_interview_stage_id,
                step.job_id,
                step.sort_order
            ),
            (7890, 6001, 12345, 0)
        );
        assert_eq!(
            (step.scheduling_type.as_deref(), step.duration),
            (Some("needs_scheduling"), Some(30))
        );

        let (stages, steps) = super::job_stages(items("job_stages_list.json"));
        assert_eq!(
            stages
                .iter()
                .map(|s| (s.id, s.sort_order))
                .collect::<Vec<_>>(),
            [(6001, 0), (6002, 1)]
        );
        assert_eq!(
            steps.iter().map(|s| (s.id, s.job_id)).collect::<Vec<_>>(),
            [(7890, 12345), (7345, 34567)]
        );

        let all: Vec<JobStage> = items("job_stages_for_job_list.json");
        let index: Vec<(i64, i64)> = interview_steps(&all).collect();
        assert_eq!(index, [(6001, 146218), (6002, 146218), (8004, 146221)]);
        let (stages, steps) = super::job_stages(all);
        assert_eq!(
            stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["Face to Face", "Offer", "Application Review"]
        );
        let summary: Vec<_> = steps
            .iter()
            .map(|s| {
                (
                    s.id,
                    s.job_interview_stage_id,
                    s.sort_order,
                    s.scheduling_type.as_deref(),
                    s.duration,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (6001, 72200, 0, Some("needs_scheduling"), Some(30)),
                (6002, 72200, 1, Some("needs_scheduling"), Some(60)),
                (8004, 72194, 0, Some("none"), None)
            ]
        );
        assert_eq!(steps[1].created_at, at("2015-11-22T05:31:37.263Z"));
        assert_eq!(steps[0].created_at, None);
    }

    #[test]
    fn offers() {
        let [offer]: [offers::Model; 1] = convert::<Offer, _>("offer.json").try_into().unwrap();
        assert_eq!(
            (offer.id, offer.version, offer.application_id, offer.job_id),
            (1142785, 1, 91081818, 84593)
        );
        assert_eq!(
            (offer.candidate_id, offer.opening_id),
            (7328851, Some(2586842))
        );
        assert_eq!(offer.status, "Accepted");
        assert_eq!(
            (offer.sent_on, offer.starts_on),
            (day("2018-06-07"), day("2018-07-20"))
        );
        assert_eq!(offer.resolved_at, at("2018-06-06T20:23:43.387Z"));
        assert_eq!(
            offer.custom_fields.as_ref().unwrap()["salary"],
            "Around $100k"
        );

        let [current]: [offers::Model; 1] = convert::<Offer, _>("application_current_offer.json")
            .try_into()
            .unwrap();
        assert_eq!(
            (current.id, current.version, current.status.as_str()),
            (1142768, 2, "Created")
        );
        assert_eq!(
            (current.sent_on, current.resolved_at),
            (day("2018-06-06"), None)
        );

        for file in ["offers_list.json", "application_offers_list.json"] {
            let list: Vec<offers::Model> = convert::<Offer, _>(file);
            assert_eq!(
                list.iter().map(|o| o.status.as_str()).collect::<Vec<_>>(),
                ["Accepted", "Deprecated"]
            );
            assert_eq!((list[1].opening_id, list[1].sent_on), (None, None));
            assert_eq!(list[1].starts_on, day("2018-06-30"));
            assert_eq!(
                list[1].custom_fields.as_ref().unwrap()["salary"],
                json!({"value": 42000, "currency": "EUR"})
            );
        }
    }

    #[test]
    fn scheduled_interviews_and_interviewers() {
        let jobs = HashMap::from([(7001, 100), (7002, 200)]);
        let job_of = |i: &ScheduledInterview| {
            i.job_interview_id()
                .and_then(|step| jobs.get(&step).copied())
        };

        let rows = super::interviews(items("scheduled_interview.json"), job_of);
        let interview = &rows.interviews[0];
        assert_eq!(
            (interview.id, interview.application_id, interview.job_id),
            (9128481, 4684156, 100)
        );
        assert_eq!(
            (interview.job_interview_id, interview.organizer_id),
            (7001, Some(2000))
        );
        assert_eq!(
            (interview.starts_at, interview.ends_at),
            (
                at("2014-03-26T22:15:00.000Z"),
                at("2014-03-26T22:30:00.000Z")
            )
        );
        assert_eq!(
            (interview.all_day_start_on, interview.all_day_end_on),
            (None, None)
        );
        assert_eq!(interview.status, "awaiting_feedback");
        assert_eq!(interview.location.as_deref(), Some("Big Conference Room"));
        assert_eq!(interview.external_event_id.as_deref(), Some("event123"));
        assert_eq!(
            interview.video_conferencing_url.as_deref(),
            Some("http://example.com")
        );
        assert_eq!(interview.updated_at, at("2016-05-23T20:43:11.679Z"));
        let panel = &rows.interviewers[0];
        assert_eq!(
            (panel.interview_id, panel.user_id, panel.scorecard_id),
            (9128481, Some(4080), Some(11274))
        );
        assert_eq!(
            (panel.email.as_deref(), panel.response_status.as_deref()),
            (Some("kate.austen@example.com"), Some("needs_action"))
        );
        assert_eq!(
            panel.id,
            synthetic_id("interviewers", &[9128481, 4080], "kate.austen@example.com")
        );

        for file in [
            "scheduled_interviews_list.json",
            "application_scheduled_interviews_list.json",
        ] {
            let rows = super::interviews(items(file), job_of);
            let all_day = &rows.interviews[1];
            assert_eq!(
                (all_day.id, all_day.job_id, all_day.job_interview_id),
                (9128482, 200, 7002)
            );
            assert_eq!((all_day.starts_at, all_day.ends_at), (None, None));
            assert_eq!(
                (all_day.all_day_start_on, all_day.all_day_end_on),
                (day("2017-08-22"), day("2017-08-23"))
            );
            assert_eq!((all_day.created_at, all_day.updated_at), (None, None));
            assert_eq!(all_day.status, "complete");
            assert_eq!(rows.interviewers[1].scorecard_id, None);
            assert_eq!(rows.interviewers[1].user_id, Some(3412));
            assert!(rows.skipped.is_empty());
        }
        let list = super::interviews(items("application_scheduled_interviews_list.json"), job_of);
        assert_eq!(list.interviews[1].application_id, 4684156);

        let unknown = super::interviews(items("scheduled_interviews_list.json"), |_| None);
        assert!(unknown.interviews.is_empty() && unknown.interviewers.is_empty());
        assert_eq!(unknown.skipped, [9128481, 9128482]);
    }

    #[test]
    fn the_error_example_is_no_record() {
        let body = read("error_422_validation.json");
        assert!(serde_json::from_slice::<Vec<Named>>(&body).is_err());
        assert_eq!(
            crate::harvest::transport::error_text(&body).as_deref(),
            Some("Validation error: type: Must be one of: candidate, prospect")
        );
    }

    #[test]
    fn nulls_and_missing_fields_are_tolerated() {
        let job: Job = serde_json::from_str(
            r#"{"id":1,"name":null,"departments":null,"offices":null,"hiring_team":null,"openings":null,"extra":{"x":1}}"#,
        )
        .unwrap();
        let rows = super::jobs(vec![job]);
        assert_eq!(
            (rows.jobs[0].name.as_str(), rows.jobs[0].department_id),
            ("", None)
        );
        assert_eq!(rows.jobs[0].office_ids, Some(json!([])));
        assert!(rows.openings.is_empty() && rows.owners.is_empty());

        let candidate: Candidate =
            serde_json::from_str(r#"{"id":2,"tags":null,"phone_numbers":null}"#).unwrap();
        let rows = super::candidates(vec![candidate], &HashMap::new());
        assert_eq!(
            (
                rows.candidates[0].tags.clone(),
                rows.candidates[0].phone_numbers.clone()
            ),
            (json!([]), json!([]))
        );
        assert!(!rows.candidates[0].can_email);

        let offer: Offer = serde_json::from_str(
            r#"{"id":3,"application_id":4,"job_id":5,"candidate_id":6,"sent_at":"2024-02-03T10:00:00Z","starts_at":"soon","status":"unknown"}"#,
        )
        .unwrap();
        let offer = offers::Model::from(offer);
        assert_eq!(
            (offer.sent_on, offer.starts_on, offer.status.as_str()),
            (day("2024-02-03"), None, "unknown")
        );
    }
}
