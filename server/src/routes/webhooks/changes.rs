//! What a verified Greenhouse webhook changes in the mirrored tables.
//!
//! Deletions are applied at once (webhooks are Greenhouse's only deletion
//! signal between full syncs); updates patch what the payload states and ask
//! for an incremental sync to fetch the rest. The delivery is recorded in
//! `webhook_events` in the same transaction as its changes, so a repeated
//! `Greenhouse-Event-ID` changes nothing.

use app::ssr::entities::{
    greenhouse::{
        GreenhouseEntity, applications, applied_candidate_tags, candidates, departments,
        interviewers, interviews, job_hiring_managers, job_interview_stages, job_interviews,
        job_owners, job_posts, jobs, offers, offices, openings, user_job_permissions,
    },
    sync::webhook_event,
};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QuerySelect, TransactionTrait, TryInsertResult, sea_query::Expr,
};
use serde::Deserialize;
use serde_json::Value;

/// A webhook body: `{"action": "…", "payload": {…}}`.
#[derive(Debug, Deserialize)]
pub struct Event {
    pub action: String,
    #[serde(default)]
    pub payload: Value,
}

/// What happened to a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Its changes are stored (and a sync requested when it needs one).
    Applied,
    /// This `Greenhouse-Event-ID` was processed before: nothing changed.
    Duplicate,
    /// An action Trellis does not act on; recorded, nothing changed.
    Ignored,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Ignored => "ignored",
        }
    }
}

/// The result of [`process`]: the outcome, and whether the organization's
/// data should be synced soon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Processed {
    pub outcome: Outcome,
    pub sync_wanted: bool,
}

/// Why a delivery was not processed.
#[derive(Debug, thiserror::Error)]
pub enum ProcessError {
    /// A known action whose payload lacks what it needs (answered 400).
    #[error("the {action} payload has no {field}")]
    Payload { action: String, field: &'static str },
    #[error("database error: {0}")]
    Database(#[from] DbErr),
}

/// The change one action asks for.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    DeleteCandidate {
        id: i64,
        application_ids: Vec<i64>,
    },
    MergeCandidate {
        id: i64,
        into: Option<i64>,
    },
    AnonymizeCandidate {
        id: i64,
        fields: Vec<String>,
    },
    DeleteApplication(i64),
    DeleteInterview(i64),
    DeleteOffer(i64),
    DeleteJobPost(i64),
    DeleteDepartment(i64),
    DeleteOffice(i64),
    DeleteJob(i64),
    DeleteJobInterviewStage(i64),
    UpdateApplication {
        id: i64,
        stage: Option<(i64, Option<String>)>,
        status: Option<&'static str>,
    },
    /// Something changed that only a sync can fetch.
    Resync,
    Ignore,
}

/// Application events: the payload's `application` is patched, then synced.
const APPLICATION_ACTIONS: &[&str] = &[
    "new_candidate_application",
    "new_prospect_application",
    "application_updated",
    "candidate_stage_change",
    "reject_candidate",
    "unreject_candidate",
    "hire_candidate",
    "unhire_candidate",
    "prospect_created",
];

/// Events whose news only a sync can bring in.
const RESYNC_ACTIONS: &[&str] = &[
    "update_candidate",
    "offer_created",
    "offer_updated",
    "offer_approved",
    "job_created",
    "job_updated",
    "job_approved",
    "job_post_created",
    "job_post_updated",
    "scorecard_deleted",
];

impl Change {
    fn from_event(event: &Event) -> Result<Change, ProcessError> {
        let payload = &event.payload;
        let missing = |field: &'static str| ProcessError::Payload {
            action: event.action.clone(),
            field,
        };
        let id_at = |pointer: &'static str| {
            payload
                .pointer(pointer)
                .and_then(Value::as_i64)
                .ok_or_else(|| missing(pointer))
        };
        let action = event.action.as_str();
        Ok(match action {
            "delete_candidate" => Change::DeleteCandidate {
                id: id_at("/person/id")?,
                application_ids: payload
                    .pointer("/person/deleted_application_ids")
                    .and_then(Value::as_array)
                    .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default(),
            },
            "merge_candidate" => Change::MergeCandidate {
                id: id_at("/person/id")?,
                into: payload
                    .pointer("/person/new_candidate_id")
                    .and_then(Value::as_i64),
            },
            "candidate_anonymized" => Change::AnonymizeCandidate {
                id: id_at("/candidate_id")?,
                fields: payload
                    .get("anonymized_fields")
                    .and_then(Value::as_array)
                    .map(|f| {
                        f.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            "delete_application" => Change::DeleteApplication(id_at("/application/id")?),
            "interview_deleted" => Change::DeleteInterview(id_at("/interview/id")?),
            "offer_deleted" => Change::DeleteOffer(id_at("/offer/id")?),
            "job_post_deleted" => Change::DeleteJobPost(id_at("/job_post/id")?),
            "department_deleted" => Change::DeleteDepartment(id_at("/department/id")?),
            "office_deleted" => Change::DeleteOffice(id_at("/office/id")?),
            "job_deleted" => Change::DeleteJob(id_at("/job/id")?),
            "job_interview_stage_deleted" => {
                Change::DeleteJobInterviewStage(id_at("/job_interview_stage/id")?)
            }
            _ if APPLICATION_ACTIONS.contains(&action) => {
                let stage = payload.pointer("/application/current_stage");
                Change::UpdateApplication {
                    id: id_at("/application/id")?,
                    stage: stage
                        .and_then(|s| s.get("id"))
                        .and_then(Value::as_i64)
                        .map(|id| {
                            let name = stage
                                .and_then(|s| s.get("name"))
                                .and_then(Value::as_str)
                                .map(str::to_owned);
                            (id, name)
                        }),
                    status: payload
                        .pointer("/application/status")
                        .and_then(Value::as_str)
                        .and_then(v3_application_status)
                        .or(implied_status(action)),
                }
            }
            _ if RESYNC_ACTIONS.contains(&action) => Change::Resync,
            _ => Change::Ignore,
        })
    }

    fn sync_wanted(&self) -> bool {
        matches!(
            self,
            Change::MergeCandidate { .. }
                | Change::AnonymizeCandidate { .. }
                | Change::UpdateApplication { .. }
                | Change::Resync
        )
    }

    async fn apply(&self, db: &impl ConnectionTrait, org: i64) -> Result<(), DbErr> {
        match self {
            Change::DeleteCandidate {
                id,
                application_ids,
            } => delete_candidate(db, org, *id, application_ids).await,
            Change::MergeCandidate { id, into } => {
                // The merged-away record's applications and offers now belong
                // to the surviving candidate (the sync confirms the details);
                // without a surviving id they go with the record.
                if let Some(into) = into {
                    applications::Entity::update_many()
                        .col_expr(applications::Column::CandidateId, Expr::value(*into))
                        .filter(applications::Column::OrganizationId.eq(org))
                        .filter(applications::Column::CandidateId.eq(*id))
                        .exec(db)
                        .await?;
                    offers::Entity::update_many()
                        .col_expr(offers::Column::CandidateId, Expr::value(*into))
                        .filter(offers::Column::OrganizationId.eq(org))
                        .filter(offers::Column::CandidateId.eq(*id))
                        .exec(db)
                        .await?;
                }
                delete_candidate(db, org, *id, &[]).await
            }
            Change::AnonymizeCandidate { id, fields } => anonymize(db, org, *id, fields).await,
            Change::DeleteApplication(id) => delete_applications(db, org, &[*id]).await,
            Change::DeleteInterview(id) => delete_interviews(db, org, &[*id]).await,
            Change::DeleteOffer(id) => {
                delete_where::<offers::Entity>(db, org, offers::Column::Id, &[*id]).await
            }
            Change::DeleteJobPost(id) => {
                delete_where::<job_posts::Entity>(db, org, job_posts::Column::Id, &[*id]).await
            }
            Change::DeleteDepartment(id) => {
                delete_where::<departments::Entity>(db, org, departments::Column::Id, &[*id]).await
            }
            Change::DeleteOffice(id) => {
                delete_where::<offices::Entity>(db, org, offices::Column::Id, &[*id]).await
            }
            Change::DeleteJob(id) => delete_job(db, org, *id).await,
            Change::DeleteJobInterviewStage(id) => {
                let ids = [*id];
                delete_where::<job_interviews::Entity>(
                    db,
                    org,
                    job_interviews::Column::JobInterviewStageId,
                    &ids,
                )
                .await?;
                delete_where::<job_interview_stages::Entity>(
                    db,
                    org,
                    job_interview_stages::Column::Id,
                    &ids,
                )
                .await
            }
            Change::UpdateApplication { id, stage, status } => {
                update_application(db, org, *id, stage.as_ref(), *status).await
            }
            Change::Resync | Change::Ignore => Ok(()),
        }
    }
}

/// Webhooks say `active`/`rejected`/`hired`; the mirror stores v3's values.
fn v3_application_status(webhook_status: &str) -> Option<&'static str> {
    match webhook_status {
        "active" => Some("in_process"),
        "rejected" => Some("rejected"),
        "hired" => Some("hired"),
        "converted" => Some("converted"),
        _ => None,
    }
}

/// The status an action means when its payload does not state one
/// (`hire_candidate` carries no `status`).
fn implied_status(action: &str) -> Option<&'static str> {
    match action {
        "hire_candidate" => Some("hired"),
        "reject_candidate" => Some("rejected"),
        _ => None,
    }
}

/// Records the delivery and applies its change in one transaction; a
/// delivery seen before changes nothing.
pub async fn process(
    db: &DatabaseConnection,
    organization_id: i64,
    event_id: &str,
    event: &Event,
) -> Result<Processed, ProcessError> {
    let change = Change::from_event(event)?;
    let outcome = if change == Change::Ignore {
        Outcome::Ignored
    } else {
        Outcome::Applied
    };
    let txn = db.begin().await?;
    let recorded = webhook_event::Entity::insert(webhook_event::ActiveModel {
        organization_id: Set(organization_id),
        event_id: Set(event_id.to_owned()),
        action: Set(truncated(&event.action, 64).to_owned()),
        received_at: Set(Utc::now()),
        outcome: Set(outcome.as_str().to_owned()),
    })
    .on_conflict_do_nothing()
    .exec_without_returning(&txn)
    .await?;
    if !matches!(recorded, TryInsertResult::Inserted(rows) if rows > 0) {
        txn.rollback().await?;
        return Ok(Processed {
            outcome: Outcome::Duplicate,
            sync_wanted: false,
        });
    }
    change.apply(&txn, organization_id).await?;
    txn.commit().await?;
    Ok(Processed {
        outcome,
        sync_wanted: change.sync_wanted(),
    })
}

fn truncated(text: &str, max_chars: usize) -> &str {
    text.char_indices()
        .nth(max_chars)
        .map_or(text, |(end, _)| &text[..end])
}

/// The ids of `E`'s rows of the organization whose `column` is one of `values`.
async fn ids_where<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    org: i64,
    column: E::Column,
    values: &[i64],
) -> Result<Vec<i64>, DbErr> {
    if values.is_empty() {
        return Ok(Vec::new());
    }
    E::find()
        .select_only()
        .column(E::ID)
        .filter(E::ORGANIZATION.eq(org))
        .filter(column.is_in(values.iter().copied()))
        .into_tuple::<i64>()
        .all(db)
        .await
}

/// Deletes `E`'s rows of the organization whose `column` is one of `values`.
async fn delete_where<E: GreenhouseEntity>(
    db: &impl ConnectionTrait,
    org: i64,
    column: E::Column,
    values: &[i64],
) -> Result<(), DbErr> {
    if values.is_empty() {
        return Ok(());
    }
    E::delete_many()
        .filter(E::ORGANIZATION.eq(org))
        .filter(column.is_in(values.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// A candidate with their tags, offers and applications (theirs in the
/// mirror plus `application_ids`, which Greenhouse lists as deleted with them).
async fn delete_candidate(
    db: &impl ConnectionTrait,
    org: i64,
    id: i64,
    application_ids: &[i64],
) -> Result<(), DbErr> {
    let ids = [id];
    let mut applications =
        ids_where::<applications::Entity>(db, org, applications::Column::CandidateId, &ids).await?;
    applications.extend_from_slice(application_ids);
    delete_applications(db, org, &applications).await?;
    delete_where::<offers::Entity>(db, org, offers::Column::CandidateId, &ids).await?;
    delete_where::<applied_candidate_tags::Entity>(
        db,
        org,
        applied_candidate_tags::Column::CandidateId,
        &ids,
    )
    .await?;
    delete_where::<candidates::Entity>(db, org, candidates::Column::Id, &ids).await
}

/// Interviews and their interviewers.
async fn delete_interviews(db: &impl ConnectionTrait, org: i64, ids: &[i64]) -> Result<(), DbErr> {
    delete_where::<interviewers::Entity>(db, org, interviewers::Column::InterviewId, ids).await?;
    delete_where::<interviews::Entity>(db, org, interviews::Column::Id, ids).await
}

/// Applications with their interviews (and interviewers) and offers.
async fn delete_applications(
    db: &impl ConnectionTrait,
    org: i64,
    ids: &[i64],
) -> Result<(), DbErr> {
    let interviews =
        ids_where::<interviews::Entity>(db, org, interviews::Column::ApplicationId, ids).await?;
    delete_interviews(db, org, &interviews).await?;
    delete_where::<offers::Entity>(db, org, offers::Column::ApplicationId, ids).await?;
    delete_where::<applications::Entity>(db, org, applications::Column::Id, ids).await
}

/// A job and what only exists inside it: its hiring team, openings, posts,
/// interview plan and per-job permissions.
async fn delete_job(db: &impl ConnectionTrait, org: i64, id: i64) -> Result<(), DbErr> {
    let ids = [id];
    delete_where::<job_hiring_managers::Entity>(db, org, job_hiring_managers::Column::JobId, &ids)
        .await?;
    delete_where::<job_owners::Entity>(db, org, job_owners::Column::JobId, &ids).await?;
    delete_where::<openings::Entity>(db, org, openings::Column::JobId, &ids).await?;
    delete_where::<job_posts::Entity>(db, org, job_posts::Column::JobId, &ids).await?;
    delete_where::<job_interviews::Entity>(db, org, job_interviews::Column::JobId, &ids).await?;
    delete_where::<job_interview_stages::Entity>(
        db,
        org,
        job_interview_stages::Column::JobId,
        &ids,
    )
    .await?;
    delete_where::<user_job_permissions::Entity>(
        db,
        org,
        user_job_permissions::Column::JobId,
        &ids,
    )
    .await?;
    delete_where::<jobs::Entity>(db, org, jobs::Column::Id, &ids).await
}

/// Patches the stage and status a webhook states. The webhook's stage id
/// names the job's stage (`job_interview_stage_id`); the application-stage
/// id is unknown until the requested sync, so `stage_id` is cleared.
async fn update_application(
    db: &impl ConnectionTrait,
    org: i64,
    id: i64,
    stage: Option<&(i64, Option<String>)>,
    status: Option<&'static str>,
) -> Result<(), DbErr> {
    use applications::Column as A;
    let mut update = applications::Entity::update_many()
        .filter(A::OrganizationId.eq(org))
        .filter(A::Id.eq(id));
    if let Some((stage_id, name)) = stage {
        update = update
            .col_expr(A::JobInterviewStageId, Expr::value(*stage_id))
            .col_expr(A::StageId, Expr::value(Option::<i64>::None))
            .col_expr(A::StageName, Expr::value(name.clone()));
    }
    if let Some(status) = status {
        update = update.col_expr(A::Status, Expr::value(status));
    }
    if stage.is_some() || status.is_some() {
        update.exec(db).await?;
    }
    Ok(())
}

/// Blanks what Greenhouse anonymized (everything personal when the payload
/// does not say); the requested sync brings back what it still has.
async fn anonymize(
    db: &impl ConnectionTrait,
    org: i64,
    id: i64,
    fields: &[String],
) -> Result<(), DbErr> {
    use candidates::Column as C;
    let all = fields.is_empty();
    let listed = |names: &[&str]| all || fields.iter().any(|f| names.contains(&f.as_str()));
    let empty_list = || Expr::value(Value::Array(Vec::new()));
    let mut update = candidates::Entity::update_many()
        .filter(C::OrganizationId.eq(org))
        .filter(C::Id.eq(id));
    let mut changed = false;
    if listed(&["full_name"]) {
        for column in [C::FirstName, C::LastName, C::PreferredName] {
            update = update.col_expr(column, Expr::value(Option::<String>::None));
        }
        changed = true;
    }
    for (names, column) in [
        (&["current_company"][..], C::Company),
        (&["current_title"][..], C::Title),
    ] {
        if listed(names) {
            update = update.col_expr(column, Expr::value(Option::<String>::None));
            changed = true;
        }
    }
    for (names, column) in [
        (&["phone_numbers"][..], C::PhoneNumbers),
        (&["emails", "email_addresses"][..], C::EmailAddresses),
        (&["addresses", "location"][..], C::Addresses),
        (&["websites", "website_addresses"][..], C::WebsiteAddresses),
        (
            &["social_media_links", "social_media_addresses"][..],
            C::SocialMediaAddresses,
        ),
        (&["tags"][..], C::Tags),
    ] {
        if listed(names) {
            update = update.col_expr(column, empty_list());
            changed = true;
        }
    }
    if listed(&["custom_candidate_fields", "custom_fields"]) {
        update = update.col_expr(C::CustomFields, Expr::value(Option::<Value>::None));
        changed = true;
    }
    if changed {
        update.exec(db).await?;
    }
    if listed(&["tags"]) {
        delete_where::<applied_candidate_tags::Entity>(
            db,
            org,
            applied_candidate_tags::Column::CandidateId,
            &[id],
        )
        .await?;
    }
    if listed(&["application_questions"]) {
        applications::Entity::update_many()
            .col_expr(
                applications::Column::Answers,
                Expr::value(Option::<Value>::None),
            )
            .filter(applications::Column::OrganizationId.eq(org))
            .filter(applications::Column::CandidateId.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(body: &str) -> Result<Change, ProcessError> {
        let event: Event = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        Change::from_event(&event)
    }

    #[test]
    fn deletions_name_their_record() {
        // Bodies as in Greenhouse's documentation, abridged.
        assert_eq!(
            change(
                r#"{"action": "delete_candidate", "payload": {"person": {"id": 37031511,
                "first_name": "Jack", "deleted_application_ids": [46196263, 46196258]}}}"#
            )
            .ok(),
            Some(Change::DeleteCandidate {
                id: 37031511,
                application_ids: vec![46196263, 46196258]
            })
        );
        assert_eq!(
            change(
                r#"{"action": "merge_candidate", "payload": {"person": {"id": 37031511,
                "new_candidate_id": 457456}}}"#
            )
            .ok(),
            Some(Change::MergeCandidate {
                id: 37031511,
                into: Some(457456)
            })
        );
        assert_eq!(
            change(
                r#"{"action": "candidate_anonymized", "payload": {"candidate_id": 37031511,
                "anonymized_fields": ["full_name", "current_title"]}}"#
            )
            .ok(),
            Some(Change::AnonymizeCandidate {
                id: 37031511,
                fields: vec!["full_name".into(), "current_title".into()]
            })
        );
        for (action, object, expected) in [
            (
                "delete_application",
                "application",
                Change::DeleteApplication(9),
            ),
            ("interview_deleted", "interview", Change::DeleteInterview(9)),
            ("offer_deleted", "offer", Change::DeleteOffer(9)),
            ("job_post_deleted", "job_post", Change::DeleteJobPost(9)),
            (
                "department_deleted",
                "department",
                Change::DeleteDepartment(9),
            ),
            ("office_deleted", "office", Change::DeleteOffice(9)),
            ("job_deleted", "job", Change::DeleteJob(9)),
            (
                "job_interview_stage_deleted",
                "job_interview_stage",
                Change::DeleteJobInterviewStage(9),
            ),
        ] {
            let body =
                format!(r#"{{"action": "{action}", "payload": {{"{object}": {{"id": 9}}}}}}"#);
            assert_eq!(change(&body).ok(), Some(expected), "{action}");
        }
    }

    #[test]
    fn application_events_patch_stage_and_status() {
        assert_eq!(
            change(
                r#"{"action": "candidate_stage_change", "payload": {"application": {"id": 265277,
                "status": "active", "current_stage": {"id": 71416, "name": "Assessment",
                "interviews": []}}}}"#
            )
            .ok(),
            Some(Change::UpdateApplication {
                id: 265277,
                stage: Some((71416, Some("Assessment".into()))),
                status: Some("in_process")
            })
        );
        assert_eq!(
            change(
                r#"{"action": "new_prospect_application", "payload": {"application": {"id": 5,
                "status": "active", "current_stage": null}}}"#
            )
            .ok(),
            Some(Change::UpdateApplication {
                id: 5,
                stage: None,
                status: Some("in_process")
            })
        );
        // Greenhouse's hire_candidate body has no status and no stage.
        assert_eq!(
            change(
                r#"{"action": "hire_candidate", "payload": {"application": {"id": 7,
                "job": {"id": 3}, "offer": {"id": 9}}}}"#
            )
            .ok(),
            Some(Change::UpdateApplication {
                id: 7,
                stage: None,
                status: Some("hired")
            })
        );
        assert_eq!(
            change(
                r#"{"action": "unhire_candidate", "payload": {"application": {"id": 7,
                "status": "active"}}}"#
            )
            .ok(),
            Some(Change::UpdateApplication {
                id: 7,
                stage: None,
                status: Some("in_process")
            })
        );
        assert_eq!(
            change(r#"{"action": "offer_created", "payload": {"id": 1}}"#).ok(),
            Some(Change::Resync)
        );
    }

    #[test]
    fn unknown_actions_are_ignored_and_known_ones_need_their_ids() {
        assert_eq!(
            change(r#"{"action": "something_new", "payload": {}}"#).ok(),
            Some(Change::Ignore)
        );
        let error = change(r#"{"action": "delete_candidate", "payload": {"person": {}}}"#)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert_eq!(error, "the delete_candidate payload has no /person/id");
    }

    #[test]
    fn statuses_and_syncs() {
        assert_eq!(v3_application_status("active"), Some("in_process"));
        assert_eq!(v3_application_status("weird"), None);
        assert!(Change::Resync.sync_wanted());
        assert!(!Change::DeleteOffer(1).sync_wanted());
        assert!(!Change::Ignore.sync_wanted());
        assert_eq!(truncated("ééé", 2), "éé");
        assert_eq!(truncated("ab", 5), "ab");
    }
}
