//! One table per mirrored Harvest v3 resource (see `app::ssr::entities::greenhouse`).
//! Every table is keyed by (organization_id, id) and carries Greenhouse's
//! `created_at`/`updated_at` plus our `synced_at`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The type of one resource-specific column.
#[derive(Clone, Copy)]
enum Kind {
    Id,
    IdNull,
    Int,
    Text,
    TextNull,
    Bool,
    BoolNull,
    Time,
    Date,
    Json,
    JsonNull,
}
use Kind::*;

type TableSpec = (&'static str, &'static [(&'static str, Kind)]);

const TABLES: &[TableSpec] = &[
    (
        "gh_applications",
        &[
            ("candidate_id", Id),
            ("prospect", Bool),
            ("status", Text),
            ("job_id", IdNull),
            ("job_post_id", IdNull),
            ("stage_id", IdNull),
            ("stage_name", TextNull),
            ("job_interview_stage_id", IdNull),
            ("source_id", IdNull),
            ("referrer_id", IdNull),
            ("recruiter_id", IdNull),
            ("coordinator_id", IdNull),
            ("agency_note_id", IdNull),
            ("rejection_reason_id", IdNull),
            ("needs_decision", BoolNull),
            ("rejected_at", Time),
            ("last_activity_at", Time),
            ("location_address", TextNull),
            ("answers", JsonNull),
            ("prospective_job_ids", JsonNull),
            ("custom_fields", JsonNull),
        ],
    ),
    (
        "gh_candidates",
        &[
            ("first_name", TextNull),
            ("last_name", TextNull),
            ("preferred_name", TextNull),
            ("company", TextNull),
            ("title", TextNull),
            ("last_activity_at", Time),
            ("private", BoolNull),
            ("can_email", Bool),
            ("time_zone", TextNull),
            ("tags", Json),
            ("linked_user_ids", Json),
            ("phone_numbers", Json),
            ("addresses", Json),
            ("email_addresses", Json),
            ("website_addresses", Json),
            ("social_media_addresses", Json),
            ("custom_fields", JsonNull),
        ],
    ),
    ("gh_candidate_tags", &[("name", Text)]),
    (
        "gh_applied_candidate_tags",
        &[("candidate_tag_id", Id), ("candidate_id", Id)],
    ),
    (
        "gh_users",
        &[
            ("first_name", TextNull),
            ("last_name", TextNull),
            ("name", TextNull),
            ("primary_email", Text),
            ("job_title", TextNull),
            ("agency_id", IdNull),
            ("deactivated", Bool),
            ("site_admin", Bool),
            ("employee_id", TextNull),
            ("linked_candidate_ids", Json),
            ("office_ids", Json),
            ("department_ids", Json),
            ("interviewer_tags", Json),
            ("emails", JsonNull),
            ("custom_fields", JsonNull),
        ],
    ),
    (
        "gh_user_job_permissions",
        &[
            ("job_id", Id),
            ("user_id", Id),
            ("role_id", Id),
            ("automated", BoolNull),
        ],
    ),
    ("gh_user_roles", &[("role_type", Text), ("name", Text)]),
    (
        "gh_offers",
        &[
            ("version", Int),
            ("application_id", Id),
            ("job_id", Id),
            ("candidate_id", Id),
            ("opening_id", IdNull),
            ("status", Text),
            ("starts_on", Date),
            ("sent_on", Date),
            ("resolved_at", Time),
            ("custom_fields", JsonNull),
        ],
    ),
    (
        "gh_interviews",
        &[
            ("job_id", Id),
            ("application_id", Id),
            ("job_interview_id", Id),
            ("starts_at", Time),
            ("ends_at", Time),
            ("all_day_start_on", Date),
            ("all_day_end_on", Date),
            ("location", TextNull),
            ("status", Text),
            ("organizer_id", IdNull),
            ("scheduled_at", Time),
            ("external_event_id", TextNull),
            ("video_conferencing_url", TextNull),
            ("availability_received_at", Time),
        ],
    ),
    (
        "gh_interviewers",
        &[
            ("interview_id", Id),
            ("user_id", IdNull),
            ("scorecard_id", IdNull),
            ("email", TextNull),
            ("response_status", TextNull),
        ],
    ),
    (
        "gh_departments",
        &[
            ("name", Text),
            ("parent_id", IdNull),
            ("external_id", TextNull),
        ],
    ),
    (
        "gh_offices",
        &[
            ("name", Text),
            ("parent_id", IdNull),
            ("external_id", TextNull),
            ("location", TextNull),
            ("primary_in_house_contact_user_id", IdNull),
        ],
    ),
    (
        "gh_jobs",
        &[
            ("name", Text),
            ("requisition_id", TextNull),
            ("notes", TextNull),
            ("confidential", Bool),
            ("status", Text),
            ("opened_at", Time),
            ("closed_at", Time),
            ("is_template", BoolNull),
            ("copied_from_id", IdNull),
            ("department_id", IdNull),
            ("office_ids", JsonNull),
            ("custom_fields", JsonNull),
        ],
    ),
    ("gh_job_hiring_managers", &[("user_id", Id), ("job_id", Id)]),
    (
        "gh_job_owners",
        &[
            ("job_id", Id),
            ("user_id", Id),
            ("owner_type", Text),
            ("responsible", Bool),
        ],
    ),
    (
        "gh_job_posts",
        &[
            ("title", Text),
            ("job_id", IdNull),
            ("job_board_id", IdNull),
            ("internal", Bool),
            ("active", Bool),
            ("live", Bool),
            ("featured", BoolNull),
            ("first_published_at", Time),
            ("content", TextNull),
            ("internal_content", TextNull),
            ("language", TextNull),
            ("public_url", TextNull),
            ("demographic_question_set_id", IdNull),
            ("questions", JsonNull),
        ],
    ),
    (
        "gh_job_interview_stages",
        &[
            ("job_id", Id),
            ("sort_order", Int),
            ("name", Text),
            ("active", Bool),
        ],
    ),
    (
        "gh_job_interviews",
        &[
            ("job_interview_stage_id", Id),
            ("job_id", Id),
            ("sort_order", Int),
            ("name", Text),
            ("active", Bool),
            ("scheduling_type", TextNull),
            ("duration", IdNull),
            ("summary", TextNull),
            ("instructions", TextNull),
            ("require_scorecard", BoolNull),
        ],
    ),
    (
        "gh_openings",
        &[
            ("job_id", Id),
            ("open", Bool),
            ("opening_id", TextNull),
            ("opened_at", Time),
            ("closed_at", Time),
            ("sort_order", IdNull),
            ("application_id", IdNull),
            ("close_reason_id", IdNull),
            ("target_start_on", Date),
            ("custom_fields", JsonNull),
        ],
    ),
    (
        "gh_rejection_reasons",
        &[("name", Text), ("reason_type", JsonNull)],
    ),
    ("gh_sources", &[("name", Text), ("source_type", JsonNull)]),
    ("gh_close_reasons", &[("name", Text)]),
];

/// Lookups the portal and the dashboard make by a parent id.
const INDEXES: &[(&str, &str)] = &[
    ("gh_applications", "candidate_id"),
    ("gh_applications", "job_id"),
    ("gh_interviews", "application_id"),
    ("gh_interviewers", "interview_id"),
    ("gh_offers", "application_id"),
    ("gh_job_interview_stages", "job_id"),
    ("gh_job_interviews", "job_interview_stage_id"),
    ("gh_applied_candidate_tags", "candidate_id"),
];

fn column(name: &'static str, kind: Kind) -> ColumnDef {
    let name = Alias::new(name);
    match kind {
        Id | Int => big_integer(name),
        IdNull => big_integer_null(name),
        Text => text(name),
        TextNull => text_null(name),
        Bool => boolean(name),
        BoolNull => boolean_null(name),
        Time => timestamp_with_time_zone_null(name),
        Date => date_null(name),
        Json => json(name),
        JsonNull => json_null(name),
    }
}

fn create_table(table: &'static str, columns: &[(&'static str, Kind)]) -> TableCreateStatement {
    let mut create = Table::create();
    create
        .table(Alias::new(table))
        .if_not_exists()
        .col(big_integer(Alias::new("organization_id")))
        .col(big_integer(Alias::new("id")))
        .col(timestamp_with_time_zone_null(Alias::new("created_at")))
        .col(timestamp_with_time_zone_null(Alias::new("updated_at")));
    for (name, kind) in columns {
        create.col(column(name, *kind));
    }
    create
        .col(timestamp_with_time_zone(Alias::new("synced_at")))
        .primary_key(
            Index::create()
                .col(Alias::new("organization_id"))
                .col(Alias::new("id")),
        )
        .foreign_key(
            ForeignKey::create()
                .name(format!("fk_{table}_organization"))
                .from(Alias::new(table), Alias::new("organization_id"))
                .to(Alias::new("organizations"), Alias::new("id"))
                .on_delete(ForeignKeyAction::Cascade),
        )
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, columns) in TABLES {
            manager.create_table(create_table(table, columns)).await?;
        }
        for (table, column) in INDEXES {
            manager
                .create_index(
                    Index::create()
                        .name(format!("ix_{table}_{column}"))
                        .table(Alias::new(*table))
                        .col(Alias::new("organization_id"))
                        .col(Alias::new(*column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, _) in TABLES.iter().rev() {
            manager
                .drop_table(Table::drop().table(Alias::new(*table)).to_owned())
                .await?;
        }
        Ok(())
    }
}
