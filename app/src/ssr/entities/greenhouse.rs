//! Mirrored Greenhouse records: one table per Harvest v3 resource, keyed by
//! (organization, Greenhouse id), with Greenhouse's `created_at`/`updated_at`
//! and our `synced_at`.
//!
//! Each `Model` is also the v3 wire record: serde reads a v3 list item straight
//! into it (unknown fields ignored, nullable fields as `Option`), and writes the
//! same shape back (the simulator serves it). `organization_id` and `synced_at`
//! are ours and never cross the wire. Harvest v1 payloads are flattened into
//! these same models by the v1 client. Lists and nested objects Greenhouse
//! embeds (email addresses, custom fields) are JSON columns.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{IntoActiveModel, entity::prelude::*};
use serde::{Deserialize, Serialize};

/// `synced_at` before a record is stored: the sync sets the real time.
pub fn not_yet_synced() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

/// What the sync and the simulator need from every mirrored table.
pub trait GreenhouseEntity:
    EntityTrait<Model = Self::Record, ActiveModel = Self::Active> + 'static
{
    type Record: ModelTrait<Entity = Self>
        + IntoActiveModel<Self::Active>
        + Serialize
        + serde::de::DeserializeOwned
        + Clone
        + PartialEq
        + std::fmt::Debug
        + Send
        + Sync
        + 'static;
    type Active: ActiveModelTrait<Entity = Self> + ActiveModelBehavior + Send + Sync;

    const RESOURCE: crate::domain::Resource;
    const ORGANIZATION: Self::Column;
    const ID: Self::Column;
    const UPDATED_AT: Self::Column;
    const SYNCED_AT: Self::Column;

    /// Fills the columns that are ours, not Greenhouse's.
    fn stamp(model: &mut Self::Model, organization_id: i64, synced_at: DateTime<Utc>);
    fn id(model: &Self::Model) -> i64;
    fn updated_at(model: &Self::Model) -> Option<DateTime<Utc>>;
}

macro_rules! greenhouse_entity {
    ($(#[$doc:meta])* $module:ident, $resource:ident, $table:literal, { $($(#[$meta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        pub mod $module {
            #[allow(unused_imports)]
            use super::*;

            #[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
            #[sea_orm(table_name = $table)]
            pub struct Model {
                #[sea_orm(primary_key, auto_increment = false)]
                #[serde(skip, default)]
                pub organization_id: i64,
                #[sea_orm(primary_key, auto_increment = false)]
                pub id: i64,
                #[serde(default)]
                pub created_at: Option<DateTime<Utc>>,
                #[serde(default)]
                pub updated_at: Option<DateTime<Utc>>,
                $( $(#[$meta])* pub $field: $ty, )*
                #[serde(skip, default = "super::not_yet_synced")]
                pub synced_at: DateTime<Utc>,
            }

            #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
            pub enum Relation {}

            impl ActiveModelBehavior for ActiveModel {}

            impl super::GreenhouseEntity for Entity {
                type Record = Model;
                type Active = ActiveModel;
                const RESOURCE: crate::domain::Resource = crate::domain::Resource::$resource;
                const ORGANIZATION: Column = Column::OrganizationId;
                const ID: Column = Column::Id;
                const UPDATED_AT: Column = Column::UpdatedAt;
                const SYNCED_AT: Column = Column::SyncedAt;

                fn stamp(model: &mut Model, organization_id: i64, synced_at: DateTime<Utc>) {
                    model.organization_id = organization_id;
                    model.synced_at = synced_at;
                }

                fn id(model: &Model) -> i64 {
                    model.id
                }

                fn updated_at(model: &Model) -> Option<DateTime<Utc>> {
                    model.updated_at
                }
            }
        }
    };
}

greenhouse_entity!(
    /// `/v3/applications`: a candidate's application to a job (or a prospect's).
    applications, Applications, "gh_applications", {
    candidate_id: i64,
    prospect: bool,
    /// `in_process` | `rejected` | `hired` | `converted`.
    status: String,
    #[serde(default)] job_id: Option<i64>,
    #[serde(default)] job_post_id: Option<i64>,
    /// The application-stage id of the current stage.
    #[serde(default)] stage_id: Option<i64>,
    #[serde(default)] stage_name: Option<String>,
    /// The stage definition (`job_interview_stages.id`), when Greenhouse sends it.
    #[serde(default)] job_interview_stage_id: Option<i64>,
    #[serde(default)] source_id: Option<i64>,
    #[serde(default)] referrer_id: Option<i64>,
    #[serde(default)] recruiter_id: Option<i64>,
    #[serde(default)] coordinator_id: Option<i64>,
    #[serde(default)] agency_note_id: Option<i64>,
    #[serde(default)] rejection_reason_id: Option<i64>,
    #[serde(default)] needs_decision: Option<bool>,
    #[serde(default)] rejected_at: Option<DateTime<Utc>>,
    #[serde(default)] last_activity_at: Option<DateTime<Utc>>,
    #[serde(default)] location_address: Option<String>,
    #[serde(default)] answers: Option<Json>,
    #[serde(default)] prospective_job_ids: Option<Json>,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/candidates`, contact details embedded as `[{value, type}]` lists.
    candidates, Candidates, "gh_candidates", {
    #[serde(default)] first_name: Option<String>,
    #[serde(default)] last_name: Option<String>,
    #[serde(default)] preferred_name: Option<String>,
    #[serde(default)] company: Option<String>,
    #[serde(default)] title: Option<String>,
    #[serde(default)] last_activity_at: Option<DateTime<Utc>>,
    #[serde(default)] private: Option<bool>,
    can_email: bool,
    #[serde(default)] time_zone: Option<String>,
    tags: Json,
    linked_user_ids: Json,
    phone_numbers: Json,
    addresses: Json,
    email_addresses: Json,
    website_addresses: Json,
    social_media_addresses: Json,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/candidate_tags`: the tag dictionary.
    candidate_tags, CandidateTags, "gh_candidate_tags", { name: String });

greenhouse_entity!(
    /// `/v3/applied_candidate_tags`: which candidate carries which tag.
    applied_candidate_tags, AppliedCandidateTags, "gh_applied_candidate_tags", {
    candidate_tag_id: i64,
    candidate_id: i64,
});

greenhouse_entity!(
    /// `/v3/users`: Greenhouse users (recruiters, interviewers, admins).
    users, Users, "gh_users", {
    #[serde(default)] first_name: Option<String>,
    #[serde(default)] last_name: Option<String>,
    #[serde(default)] name: Option<String>,
    primary_email: String,
    #[serde(default)] job_title: Option<String>,
    #[serde(default)] agency_id: Option<i64>,
    deactivated: bool,
    site_admin: bool,
    #[serde(default)] employee_id: Option<String>,
    linked_candidate_ids: Json,
    office_ids: Json,
    department_ids: Json,
    interviewer_tags: Json,
    #[serde(default)] emails: Option<Json>,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/user_job_permissions`: per-job roles of non-admin users.
    user_job_permissions, UserJobPermissions, "gh_user_job_permissions", {
    job_id: i64,
    user_id: i64,
    role_id: i64,
    #[serde(default)] automated: Option<bool>,
});

greenhouse_entity!(
    /// `/v3/user_roles`.
    user_roles, UserRoles, "gh_user_roles", {
    /// `job_admin` | `site_admin` | `deprecated_interviewer`.
    role_type: String,
    name: String,
});

greenhouse_entity!(
    /// `/v3/offers`: one row per offer version.
    offers, Offers, "gh_offers", {
    version: i64,
    application_id: i64,
    job_id: i64,
    candidate_id: i64,
    #[serde(default)] opening_id: Option<i64>,
    /// `Created` | `Accepted` | `Rejected` | `Deprecated`.
    status: String,
    #[serde(default)] starts_on: Option<NaiveDate>,
    #[serde(default)] sent_on: Option<NaiveDate>,
    #[serde(default)] resolved_at: Option<DateTime<Utc>>,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/interviews`: scheduled interviews (timed or all-day).
    interviews, Interviews, "gh_interviews", {
    job_id: i64,
    application_id: i64,
    job_interview_id: i64,
    #[serde(default)] starts_at: Option<DateTime<Utc>>,
    #[serde(default)] ends_at: Option<DateTime<Utc>>,
    #[serde(default)] all_day_start_on: Option<NaiveDate>,
    #[serde(default)] all_day_end_on: Option<NaiveDate>,
    #[serde(default)] location: Option<String>,
    status: String,
    #[serde(default)] organizer_id: Option<i64>,
    #[serde(default)] scheduled_at: Option<DateTime<Utc>>,
    #[serde(default)] external_event_id: Option<String>,
    #[serde(default)] video_conferencing_url: Option<String>,
    #[serde(default)] availability_received_at: Option<DateTime<Utc>>,
});

greenhouse_entity!(
    /// `/v3/interviewers`: one row per panel member per interview.
    interviewers, Interviewers, "gh_interviewers", {
    interview_id: i64,
    #[serde(default)] user_id: Option<i64>,
    #[serde(default)] scorecard_id: Option<i64>,
    #[serde(default)] email: Option<String>,
    #[serde(default)] response_status: Option<String>,
});

greenhouse_entity!(
    /// `/v3/departments` (a tree through `parent_id`).
    departments, Departments, "gh_departments", {
    name: String,
    #[serde(default)] parent_id: Option<i64>,
    #[serde(default)] external_id: Option<String>,
});

greenhouse_entity!(
    /// `/v3/offices` (a tree through `parent_id`).
    offices, Offices, "gh_offices", {
    name: String,
    #[serde(default)] parent_id: Option<i64>,
    #[serde(default)] external_id: Option<String>,
    #[serde(default)] location: Option<String>,
    #[serde(default)] primary_in_house_contact_user_id: Option<i64>,
});

greenhouse_entity!(
    /// `/v3/jobs`.
    jobs, Jobs, "gh_jobs", {
    name: String,
    #[serde(default)] requisition_id: Option<String>,
    #[serde(default)] notes: Option<String>,
    confidential: bool,
    /// `open` | `closed` | `draft`.
    status: String,
    #[serde(default)] opened_at: Option<DateTime<Utc>>,
    #[serde(default)] closed_at: Option<DateTime<Utc>>,
    #[serde(default)] is_template: Option<bool>,
    #[serde(default)] copied_from_id: Option<i64>,
    #[serde(default)] department_id: Option<i64>,
    #[serde(default)] office_ids: Option<Json>,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/job_hiring_managers`: half of a job's hiring team.
    job_hiring_managers, JobHiringManagers, "gh_job_hiring_managers", {
    user_id: i64,
    job_id: i64,
});

greenhouse_entity!(
    /// `/v3/job_owners`: recruiters, coordinators and sourcers of a job.
    job_owners, JobOwners, "gh_job_owners", {
    job_id: i64,
    user_id: i64,
    /// `recruiter` | `coordinator` | `sourcer` (the wire calls it `type`).
    #[serde(rename = "type")] owner_type: String,
    responsible: bool,
});

greenhouse_entity!(
    /// `/v3/job_posts`, including deleted (`active = false`) ones.
    job_posts, JobPosts, "gh_job_posts", {
    title: String,
    #[serde(default)] job_id: Option<i64>,
    #[serde(default)] job_board_id: Option<i64>,
    internal: bool,
    active: bool,
    live: bool,
    #[serde(default)] featured: Option<bool>,
    #[serde(default)] first_published_at: Option<DateTime<Utc>>,
    #[serde(default)] content: Option<String>,
    #[serde(default)] internal_content: Option<String>,
    #[serde(default)] language: Option<String>,
    #[serde(default)] public_url: Option<String>,
    #[serde(default)] demographic_question_set_id: Option<i64>,
    #[serde(default)] questions: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/job_interview_stages`: the stages of a job's interview plan.
    job_interview_stages, JobInterviewStages, "gh_job_interview_stages", {
    job_id: i64,
    sort_order: i64,
    name: String,
    active: bool,
});

greenhouse_entity!(
    /// `/v3/job_interviews`: the interview steps inside a stage.
    job_interviews, JobInterviews, "gh_job_interviews", {
    job_interview_stage_id: i64,
    job_id: i64,
    sort_order: i64,
    name: String,
    active: bool,
    #[serde(default)] scheduling_type: Option<String>,
    #[serde(default)] duration: Option<i64>,
    #[serde(default)] summary: Option<String>,
    #[serde(default)] instructions: Option<String>,
    #[serde(default)] require_scorecard: Option<bool>,
});

greenhouse_entity!(
    /// `/v3/openings`: the headcount slots of a job.
    openings, Openings, "gh_openings", {
    job_id: i64,
    open: bool,
    #[serde(default)] opening_id: Option<String>,
    #[serde(default)] opened_at: Option<DateTime<Utc>>,
    #[serde(default)] closed_at: Option<DateTime<Utc>>,
    #[serde(default)] sort_order: Option<i64>,
    #[serde(default)] application_id: Option<i64>,
    #[serde(default)] close_reason_id: Option<i64>,
    #[serde(default)] target_start_on: Option<NaiveDate>,
    #[serde(default)] custom_fields: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/rejection_reasons`.
    rejection_reasons, RejectionReasons, "gh_rejection_reasons", {
    name: String,
    /// `{id, key?, name}` (the wire calls it `type`).
    #[serde(rename = "type", default)] reason_type: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/sources`.
    sources, Sources, "gh_sources", {
    name: String,
    /// `{id, name}`: the sourcing strategy (the wire calls it `type`).
    #[serde(rename = "type", default)] source_type: Option<Json>,
});

greenhouse_entity!(
    /// `/v3/close_reasons`.
    close_reasons, CloseReasons, "gh_close_reasons", { name: String });

/// Calls `$callback! { ($args) Variant => module, … }` with every mirrored
/// resource: the one list the dispatch macros below are built from.
#[macro_export]
#[doc(hidden)]
macro_rules! greenhouse_resource_list {
    ($($callback:ident)::+ ! ($($args:tt)*)) => {
        $($callback)::+! { ($($args)*)
        Applications => applications,
        Candidates => candidates,
        CandidateTags => candidate_tags,
        AppliedCandidateTags => applied_candidate_tags,
        Users => users,
        UserJobPermissions => user_job_permissions,
        UserRoles => user_roles,
        Offers => offers,
        Interviews => interviews,
        Interviewers => interviewers,
        Departments => departments,
        Offices => offices,
        Jobs => jobs,
        JobHiringManagers => job_hiring_managers,
        JobOwners => job_owners,
        JobPosts => job_posts,
        JobInterviewStages => job_interview_stages,
        JobInterviews => job_interviews,
        Openings => openings,
        RejectionReasons => rejection_reasons,
        Sources => sources,
        CloseReasons => close_reasons
        }
    };
}

/// Runs `$body` with `$E` bound to the entity of `$resource`:
/// `with_greenhouse_entity!(resource, E => count::<E>(db).await)`.
#[macro_export]
macro_rules! with_greenhouse_entity {
    ($resource:expr, $E:ident => $body:expr) => {
        $crate::greenhouse_resource_list!($crate::__match_greenhouse_entity!(($resource) $E ($body)))
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __match_greenhouse_entity {
    ((($resource:expr) $E:ident ($body:expr)) $($variant:ident => $module:ident),* $(,)?) => {
        match $resource {
            $($crate::domain::Resource::$variant => {
                #[allow(dead_code)]
                type $E = $crate::ssr::entities::greenhouse::$module::Entity;
                $body
            })*
        }
    };
}

/// Rows of one resource, as a page of a Harvest list brings them.
#[derive(Clone, Debug, PartialEq)]
pub enum Records {
    Applications(Vec<applications::Model>),
    Candidates(Vec<candidates::Model>),
    CandidateTags(Vec<candidate_tags::Model>),
    AppliedCandidateTags(Vec<applied_candidate_tags::Model>),
    Users(Vec<users::Model>),
    UserJobPermissions(Vec<user_job_permissions::Model>),
    UserRoles(Vec<user_roles::Model>),
    Offers(Vec<offers::Model>),
    Interviews(Vec<interviews::Model>),
    Interviewers(Vec<interviewers::Model>),
    Departments(Vec<departments::Model>),
    Offices(Vec<offices::Model>),
    Jobs(Vec<jobs::Model>),
    JobHiringManagers(Vec<job_hiring_managers::Model>),
    JobOwners(Vec<job_owners::Model>),
    JobPosts(Vec<job_posts::Model>),
    JobInterviewStages(Vec<job_interview_stages::Model>),
    JobInterviews(Vec<job_interviews::Model>),
    Openings(Vec<openings::Model>),
    RejectionReasons(Vec<rejection_reasons::Model>),
    Sources(Vec<sources::Model>),
    CloseReasons(Vec<close_reasons::Model>),
}

macro_rules! records_impl {
    (() $($variant:ident => $module:ident),* $(,)?) => {
        impl Records {
            /// No rows of `resource`.
            pub fn empty(resource: crate::domain::Resource) -> Records {
                match resource {
                    $(crate::domain::Resource::$variant => Records::$variant(Vec::new()),)*
                }
            }

            /// Decodes a v3 list page (a JSON array) of `resource`.
            pub fn from_v3_json(
                resource: crate::domain::Resource,
                body: &[u8],
            ) -> Result<Records, serde_json::Error> {
                Ok(match resource {
                    $(crate::domain::Resource::$variant => Records::$variant(serde_json::from_slice(body)?),)*
                })
            }

            pub fn resource(&self) -> crate::domain::Resource {
                match self {
                    $(Records::$variant(_) => crate::domain::Resource::$variant,)*
                }
            }

            pub fn len(&self) -> usize {
                match self {
                    $(Records::$variant(rows) => rows.len(),)*
                }
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// The rows, typed as `E`'s models (`None` when `E` is another resource).
            pub fn into_rows<E: GreenhouseEntity>(self) -> Option<Vec<E::Model>> {
                let rows: Box<dyn std::any::Any> = match self {
                    $(Records::$variant(rows) => Box::new(rows),)*
                };
                rows.downcast::<Vec<E::Model>>().ok().map(|rows| *rows)
            }

            /// The Greenhouse ids of the rows.
            pub fn ids(&self) -> Vec<i64> {
                match self {
                    $(Records::$variant(rows) => rows.iter().map(|r| r.id).collect(),)*
                }
            }
        }
    };
}
greenhouse_resource_list!(records_impl!());
