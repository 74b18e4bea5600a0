//! The portal editor: a job's candidate-facing stages (rename, hide,
//! reorder, group Greenhouse stages), its content blocks (add, edit,
//! reorder, delete), its options, and who of its candidates sees what.
//!
//! Every function first finds the job among those the recruiter may see
//! (another organization's job, or one Greenhouse job permissions hide, is
//! "not found"), then its portal; every stage, block and upload id is looked
//! up within that portal and organization, so a foreign id is "not found"
//! too. Roles are checked by the server functions (`with_recruiter`) and
//! the image route.

use crate::api::jobs::FilterOption;
use crate::api::portal_editor::{
    BlockForm, CANDIDATES_PAGE_SIZE, CandidateRow, EditorBlock, EditorPortal, EditorStage,
    GreenhouseStage, MAX_REJECTED_ACCESS_DAYS, MAX_STAGE_NAME, PersonOption, PortalCandidates,
    PortalEditor, PortalOptions, Regrouped, SavedBlock, default_hired_message,
    default_offer_message, default_rejected_message, stage_name_field,
};
use crate::domain::Role;
use crate::domain::blocks::{BLOCK_KINDS, BlockContent, MAX_TEXT, parse_links};
use crate::error::AppError;
use crate::ssr::AppState;
use crate::ssr::auth::CurrentRecruiter;
use crate::ssr::entities::dashboard::{portal, upload};
use crate::ssr::entities::greenhouse::{
    applications, candidates, departments, interviewers, interviews, job_hiring_managers,
    job_owners, jobs, users,
};
use crate::ssr::entities::portal_content::{content_block, portal_stage, portal_template};
use crate::ssr::services::jobs::{job_row, visible_job};
use crate::ssr::services::{portal_content, templates, uploads};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use std::collections::{HashMap, HashSet};

/// `uploads.purpose` of an image block's picture.
pub const BLOCK_IMAGE_PURPOSE: &str = "block_image";
/// `uploads.purpose` of a spotlight's photo.
pub const SPOTLIGHT_PHOTO_PURPOSE: &str = "spotlight_photo";
/// Content images nothing refers to are deleted once they are this old
/// (younger ones may belong to a block form still being filled in).
const UNUSED_IMAGE_GRACE: chrono::Duration = chrono::Duration::hours(24);

/// The job (which the recruiter may see) and its portal, or "not found".
pub async fn editable<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
    job_id: i64,
) -> Result<(jobs::Model, portal::Model), AppError> {
    let job = visible_job(db, me, job_id).await?;
    let portal = portal_content::portal_of_job(db, me.organization_id(), job.id)
        .await?
        .ok_or_else(|| AppError::not_found("This job's portal (activate the job first)"))?;
    Ok((job, portal))
}

/// The editor page's data. Looking also gives Greenhouse stages that
/// appeared since a stage of their own (`ensure_stages`).
pub async fn load(
    state: &AppState,
    me: &CurrentRecruiter,
    job_id: i64,
) -> Result<PortalEditor, AppError> {
    let db = &state.db;
    let org = me.organization_id();
    let job = visible_job(db, me, job_id).await?;
    let department = match job.department_id {
        Some(id) => departments::Entity::find_by_id((org, id))
            .one(db)
            .await?
            .map(|d| FilterOption {
                id: d.id,
                name: d.name,
            }),
        None => None,
    };
    let portal = match portal_content::portal_of_job(db, org, job.id).await? {
        Some(portal) => {
            Some(editor_portal(db, &portal, department.as_ref(), &organization_name(me)).await?)
        }
        None => None,
    };
    Ok(PortalEditor {
        job: job_row(db, org, job).await?,
        department,
        portal_url: crate::ssr::links::portal_path_url(
            &state.public_url,
            &me.organization.subdomain,
        ),
        can_edit: me.role.allows(Role::Editor),
        portal,
    })
}

async fn editor_portal(
    db: &DatabaseConnection,
    portal: &portal::Model,
    department: Option<&FilterOption>,
    organization: &str,
) -> Result<EditorPortal, AppError> {
    let org = portal.organization_id;
    let stages = portal_content::ensure_stages(db, portal).await?;
    let greenhouse = portal_content::greenhouse_stages(db, org, portal.job_id).await?;
    let blocks = portal_content::blocks(db, portal).await?;
    let template = templates::state(db, portal, &stages, &greenhouse, &blocks).await?;
    let (organization_template, department_template) =
        templates::saved(db, org, department.map(|d| d.id)).await?;
    let editor_stages = stages
        .iter()
        .map(|stage| {
            let ids = stage.greenhouse_ids();
            EditorStage {
                id: stage.id,
                name: stage.name.clone(),
                hidden: stage.hidden,
                greenhouse: greenhouse
                    .iter()
                    .filter(|g| ids.contains(&g.id))
                    .map(|g| g.name.clone())
                    .collect(),
                blocks: blocks
                    .iter()
                    .filter(|b| b.portal_stage_id == Some(stage.id))
                    .count(),
            }
        })
        .collect();
    let greenhouse_stages = greenhouse
        .iter()
        .map(|g| GreenhouseStage {
            id: g.id,
            name: g.name.clone(),
            portal_stage_id: portal_content::stage_of(&stages, g.id).map(|s| s.id),
        })
        .collect();
    // All-stages blocks first, then each stage's in timeline order.
    let order: HashMap<Option<i64>, usize> = std::iter::once(None)
        .chain(stages.iter().map(|s| Some(s.id)))
        .enumerate()
        .map(|(i, id)| (id, i))
        .collect();
    let mut editor_blocks: Vec<(usize, EditorBlock)> = blocks
        .iter()
        .filter_map(|block| {
            let content = block.block()?;
            let rank = order.get(&block.portal_stage_id).copied()?;
            Some((
                rank,
                EditorBlock {
                    id: block.id,
                    stage_id: block.portal_stage_id,
                    view: portal_content::render(&content),
                    content,
                },
            ))
        })
        .collect();
    editor_blocks.sort_by_key(|(rank, _)| *rank);
    Ok(EditorPortal {
        active: portal.active,
        stages: editor_stages,
        greenhouse_stages,
        blocks: editor_blocks.into_iter().map(|(_, b)| b).collect(),
        options: options_of(portal, organization),
        template,
        organization_template,
        department_template,
        people: people(db, org, portal.job_id).await?,
    })
}

/// The name candidates know the organization by.
fn organization_name(me: &CurrentRecruiter) -> String {
    me.organization
        .display_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| me.organization.name.clone())
}

/// A portal's options, with the texts candidates read when a message is empty.
fn options_of(portal: &portal::Model, organization: &str) -> PortalOptions {
    PortalOptions {
        invite_enabled: portal.invite_enabled,
        invite_enabled_at: portal.invite_enabled_at,
        offer_message: portal.offer_message.clone().unwrap_or_default(),
        hired_message: portal.hired_message.clone().unwrap_or_default(),
        rejected_message: portal.rejected_message.clone().unwrap_or_default(),
        rejected_access_days: portal.rejected_access_days,
        default_offer_message: default_offer_message(organization),
        default_hired_message: default_hired_message(organization),
        default_rejected_message: default_rejected_message(organization),
    }
}

fn user_name(user: &users::Model) -> String {
    user.name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| {
            let joined = [user.first_name.as_deref(), user.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.trim().is_empty()).then_some(joined)
        })
        .unwrap_or_else(|| user.primary_email.clone())
}

/// The Greenhouse users of the job's hiring team and interview panels.
async fn job_people<C: ConnectionTrait>(
    db: &C,
    org: i64,
    job_id: i64,
) -> Result<HashSet<i64>, AppError> {
    let mut ids: HashSet<i64> = job_hiring_managers::Entity::find()
        .filter(job_hiring_managers::Column::OrganizationId.eq(org))
        .filter(job_hiring_managers::Column::JobId.eq(job_id))
        .select_only()
        .column(job_hiring_managers::Column::UserId)
        .into_tuple::<i64>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    ids.extend(
        job_owners::Entity::find()
            .filter(job_owners::Column::OrganizationId.eq(org))
            .filter(job_owners::Column::JobId.eq(job_id))
            .select_only()
            .column(job_owners::Column::UserId)
            .into_tuple::<i64>()
            .all(db)
            .await?,
    );
    let job_interviews = Query::select()
        .column(interviews::Column::Id)
        .from(interviews::Entity)
        .and_where(interviews::Column::OrganizationId.eq(org))
        .and_where(interviews::Column::JobId.eq(job_id))
        .to_owned();
    ids.extend(
        interviewers::Entity::find()
            .filter(interviewers::Column::OrganizationId.eq(org))
            .filter(interviewers::Column::InterviewId.in_subquery(job_interviews))
            .filter(interviewers::Column::UserId.is_not_null())
            .select_only()
            .column(interviewers::Column::UserId)
            .distinct()
            .into_tuple::<Option<i64>>()
            .all(db)
            .await?
            .into_iter()
            .flatten(),
    );
    Ok(ids)
}

/// Who a spotlight may be about: the job's people first, then every other
/// active Greenhouse user, each group by name.
async fn people<C: ConnectionTrait>(
    db: &C,
    org: i64,
    job_id: i64,
) -> Result<Vec<PersonOption>, AppError> {
    let on_job = job_people(db, org, job_id).await?;
    let mut people: Vec<PersonOption> = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(org))
        .filter(users::Column::Deactivated.eq(false))
        .all(db)
        .await?
        .into_iter()
        .map(|user| PersonOption {
            id: user.id,
            name: user_name(&user),
            title: user.job_title.clone().filter(|t| !t.trim().is_empty()),
            on_job: on_job.contains(&user.id),
        })
        .collect();
    people.sort_by(|a, b| {
        b.on_job
            .cmp(&a.on_job)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then(a.id.cmp(&b.id))
    });
    Ok(people)
}

fn candidate_name(candidate: &candidates::Model) -> String {
    let first = candidate
        .preferred_name
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .or(candidate.first_name.as_deref());
    let name = [first, candidate.last_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        format!("Candidate {}", candidate.id)
    } else {
        name
    }
}

fn candidate_email(candidate: &candidates::Model) -> Option<String> {
    candidate
        .email_addresses
        .as_array()?
        .iter()
        .filter_map(|item| item.get("value")?.as_str())
        .map(str::trim)
        .find(|value| !value.is_empty())
        .map(str::to_owned)
}

/// One page of the job's candidates (prospects left out), each with their
/// Greenhouse stage and the candidate-facing stage it maps to.
pub async fn candidates<C: ConnectionTrait>(
    db: &C,
    me: &CurrentRecruiter,
    job_id: i64,
    page: u64,
) -> Result<PortalCandidates, AppError> {
    let org = me.organization_id();
    let job = visible_job(db, me, job_id).await?;
    let select = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(org))
        .filter(applications::Column::JobId.eq(job.id))
        .filter(applications::Column::Prospect.eq(false));
    let total = select.clone().count(db).await?;
    let pages = Ord::max(total.div_ceil(CANDIDATES_PAGE_SIZE), 1);
    let page = page.clamp(1, pages);
    let rows = select
        .order_by_asc(applications::Column::Id)
        .offset((page - 1) * CANDIDATES_PAGE_SIZE)
        .limit(CANDIDATES_PAGE_SIZE)
        .all(db)
        .await?;
    let people: HashMap<i64, candidates::Model> = candidates::Entity::find()
        .filter(candidates::Column::OrganizationId.eq(org))
        .filter(candidates::Column::Id.is_in(rows.iter().map(|a| a.candidate_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let greenhouse = portal_content::greenhouse_stages(db, org, job.id).await?;
    // Reading the list never writes: stages as stored.
    let stages = match portal_content::portal_of_job(db, org, job.id).await? {
        Some(portal) => portal_content::stored_stages(db, &portal).await?,
        None => Vec::new(),
    };
    let candidates = rows
        .iter()
        .map(|application| {
            let person = people.get(&application.candidate_id);
            let greenhouse_id = portal_content::current_greenhouse_stage(application, &greenhouse);
            let stage = greenhouse_id.and_then(|id| portal_content::stage_of(&stages, id));
            CandidateRow {
                application_id: application.id,
                name: person.map_or_else(
                    || format!("Candidate {}", application.candidate_id),
                    candidate_name,
                ),
                email: person.and_then(candidate_email),
                status: application.status.clone(),
                greenhouse_stage: greenhouse_id
                    .and_then(|id| greenhouse.iter().find(|g| g.id == id))
                    .map(|g| g.name.clone())
                    .or_else(|| application.stage_name.clone()),
                portal_stage: stage.map(|s| s.name.clone()),
                hidden: stage.is_some_and(|s| s.hidden),
            }
        })
        .collect();
    Ok(PortalCandidates {
        candidates,
        total,
        page,
        pages,
    })
}

/// A stage of this portal, or "not found".
async fn stage_in<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    stage_id: i64,
) -> Result<portal_stage::Model, AppError> {
    portal_stage::Entity::find_by_id(stage_id)
        .filter(portal_stage::Column::OrganizationId.eq(portal.organization_id))
        .filter(portal_stage::Column::PortalId.eq(portal.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("That stage"))
}

/// A block of this portal, or "not found".
async fn block_in<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    block_id: i64,
) -> Result<content_block::Model, AppError> {
    content_block::Entity::find_by_id(block_id)
        .filter(content_block::Column::OrganizationId.eq(portal.organization_id))
        .filter(content_block::Column::PortalId.eq(portal.id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found("That block"))
}

async fn touch<C: ConnectionTrait>(db: &C, portal: &portal::Model) -> Result<(), AppError> {
    portal::Entity::update_many()
        .col_expr(portal::Column::UpdatedAt, Expr::value(chrono::Utc::now()))
        .filter(portal::Column::OrganizationId.eq(portal.organization_id))
        .filter(portal::Column::Id.eq(portal.id))
        .exec(db)
        .await?;
    Ok(())
}

/// A stage name as stored: trimmed, 1–80 characters, one line.
pub fn check_stage_name(stage_id: i64, name: &str) -> Result<String, AppError> {
    let name = name.trim();
    let field = stage_name_field(stage_id);
    if name.is_empty() {
        return Err(AppError::invalid(field, "Give the stage a name."));
    }
    if name.chars().count() > MAX_STAGE_NAME {
        return Err(AppError::invalid(
            field,
            format!("Keep the name under {MAX_STAGE_NAME} characters."),
        ));
    }
    if name.contains(['\n', '\r']) {
        return Err(AppError::invalid(field, "The name is a single line."));
    }
    Ok(name.to_owned())
}

pub async fn rename_stage(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    stage_id: i64,
    name: &str,
) -> Result<(), AppError> {
    let (_, portal) = editable(db, me, job_id).await?;
    let stage = stage_in(db, &portal, stage_id).await?;
    let name = check_stage_name(stage.id, name)?;
    let mut change: portal_stage::ActiveModel = stage.into();
    change.name = Set(name);
    change.update(db).await?;
    touch(db, &portal).await
}

pub async fn set_stage_hidden(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    stage_id: i64,
    hidden: bool,
) -> Result<(), AppError> {
    let (_, portal) = editable(db, me, job_id).await?;
    let stage = stage_in(db, &portal, stage_id).await?;
    let mut change: portal_stage::ActiveModel = stage.into();
    change.hidden = Set(hidden);
    change.update(db).await?;
    touch(db, &portal).await
}

/// `up` → `true`, `down` → `false`.
fn direction_is_up(direction: &str) -> Result<bool, AppError> {
    match direction {
        "up" => Ok(true),
        "down" => Ok(false),
        _ => Err(AppError::invalid("direction", "Move up or down.")),
    }
}

/// The order after moving the item at `index` one place; `None` at an end.
fn moved<T: Copy>(order: &[T], index: usize, up: bool) -> Option<Vec<T>> {
    let other = if up { index.checked_sub(1)? } else { index + 1 };
    if other >= order.len() {
        return None;
    }
    let mut order = order.to_vec();
    order.swap(index, other);
    Some(order)
}

/// Numbers stages 0, 1, 2, … in this order.
async fn write_stage_positions<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    order: &[i64],
) -> Result<(), AppError> {
    for (position, id) in order.iter().enumerate() {
        portal_stage::Entity::update_many()
            .col_expr(
                portal_stage::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .filter(portal_stage::Column::OrganizationId.eq(organization_id))
            .filter(portal_stage::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Numbers blocks 0, 1, 2, … in this order.
async fn write_block_positions<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    order: &[i64],
) -> Result<(), AppError> {
    for (position, id) in order.iter().enumerate() {
        content_block::Entity::update_many()
            .col_expr(
                content_block::Column::Position,
                Expr::value(i32::try_from(position).unwrap_or(i32::MAX)),
            )
            .filter(content_block::Column::OrganizationId.eq(organization_id))
            .filter(content_block::Column::Id.eq(*id))
            .exec(db)
            .await?;
    }
    Ok(())
}

pub async fn move_stage(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    stage_id: i64,
    direction: &str,
) -> Result<(), AppError> {
    let up = direction_is_up(direction)?;
    let (_, portal) = editable(db, me, job_id).await?;
    let txn = db.begin().await?;
    let stage = stage_in(&txn, &portal, stage_id).await?;
    let order: Vec<i64> = portal_content::stored_stages(&txn, &portal)
        .await?
        .iter()
        .map(|s| s.id)
        .collect();
    let index = order
        .iter()
        .position(|id| *id == stage.id)
        .ok_or_else(|| AppError::not_found("That stage"))?;
    if let Some(order) = moved(&order, index, up) {
        write_stage_positions(&txn, portal.organization_id, &order).await?;
    }
    touch(&txn, &portal).await?;
    txn.commit().await?;
    Ok(())
}

/// The stages after regrouping: each existing stage's new Greenhouse
/// stages, the stages to create (named after their Greenhouse stage, placed
/// after the stage it left), and the stages left without any.
#[derive(Debug, Default, PartialEq, Eq)]
struct Grouping {
    /// `(stage id, Greenhouse ids)` for every kept stage, in timeline order,
    /// with `None` ids for new stages (`new_names` gives their Greenhouse stage).
    order: Vec<(Option<i64>, Vec<i64>)>,
    /// Stages that lost all their Greenhouse stages: `(stage, receiving stage
    /// or the new stage's index in `order`)`.
    emptied: Vec<(i64, Target)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Stage(i64),
    /// A new stage for this Greenhouse stage.
    New(i64),
}

/// Works out a regrouping. `assign` maps each active Greenhouse stage to
/// its target; Greenhouse stages not listed stay where they are. Stages
/// keep ids of inactive Greenhouse stages they already had.
fn regroup(
    stages: &[portal_stage::Model],
    active: &[i64],
    assign: &HashMap<i64, Target>,
) -> Grouping {
    let active_set: HashSet<i64> = active.iter().copied().collect();
    let current_of = |greenhouse_id: i64| {
        stages
            .iter()
            .find(|s| s.greenhouse_ids().contains(&greenhouse_id))
            .map(|s| s.id)
    };
    let target_of = |greenhouse_id: i64| -> Option<Target> {
        assign
            .get(&greenhouse_id)
            .copied()
            .or_else(|| current_of(greenhouse_id).map(Target::Stage))
    };
    let mut order = Vec::new();
    let mut emptied = Vec::new();
    let mut placed_new: HashSet<i64> = HashSet::new();
    for stage in stages {
        let had = stage.greenhouse_ids();
        let stale: Vec<i64> = had
            .iter()
            .copied()
            .filter(|id| !active_set.contains(id))
            .collect();
        let mut ids: Vec<i64> = active
            .iter()
            .copied()
            .filter(|id| target_of(*id) == Some(Target::Stage(stage.id)))
            .collect();
        let had_active = had.iter().any(|id| active_set.contains(id));
        if ids.is_empty() && had_active {
            // Emptied: its blocks go where its first Greenhouse stage went.
            let first = active
                .iter()
                .copied()
                .find(|id| had.contains(id))
                .and_then(target_of);
            if let Some(target) = first {
                emptied.push((stage.id, target));
            }
        } else {
            ids.extend(stale);
            order.push((Some(stage.id), ids));
        }
        // New stages split off this one come right after it.
        for greenhouse_id in had.iter().copied() {
            if active_set.contains(&greenhouse_id)
                && target_of(greenhouse_id) == Some(Target::New(greenhouse_id))
                && placed_new.insert(greenhouse_id)
            {
                order.push((None, vec![greenhouse_id]));
            }
        }
    }
    // A new stage for a Greenhouse stage no stage had yet: at the end.
    for greenhouse_id in active.iter().copied() {
        if target_of(greenhouse_id) == Some(Target::New(greenhouse_id))
            && placed_new.insert(greenhouse_id)
        {
            order.push((None, vec![greenhouse_id]));
        }
    }
    Grouping { order, emptied }
}

pub async fn group_stages(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    assign: &HashMap<String, String>,
) -> Result<Regrouped, AppError> {
    let (job, portal) = editable(db, me, job_id).await?;
    let org = portal.organization_id;
    let txn = db.begin().await?;
    let stages = portal_content::ensure_stages(&txn, &portal).await?;
    let greenhouse = portal_content::greenhouse_stages(&txn, org, job.id).await?;
    let names: HashMap<i64, String> = greenhouse.iter().map(|g| (g.id, g.name.clone())).collect();
    let mut targets = HashMap::new();
    for (key, value) in assign {
        let greenhouse_id = key
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| names.contains_key(id))
            .ok_or_else(|| AppError::not_found("That Greenhouse stage"))?;
        let target = if value == "new" {
            Target::New(greenhouse_id)
        } else {
            let stage_id = value
                .trim()
                .parse::<i64>()
                .map_err(|_| AppError::not_found("That stage"))?;
            if !stages.iter().any(|s| s.id == stage_id) {
                return Err(AppError::not_found("That stage"));
            }
            Target::Stage(stage_id)
        };
        targets.insert(greenhouse_id, target);
    }
    let active: Vec<i64> = greenhouse.iter().map(|g| g.id).collect();
    let grouping = regroup(&stages, &active, &targets);

    // Write the kept stages' mapping, create new ones, then number them.
    let mut created: HashMap<i64, i64> = HashMap::new();
    let mut order_ids = Vec::new();
    for (stage_id, ids) in &grouping.order {
        match stage_id {
            Some(id) => {
                portal_stage::Entity::update_many()
                    .col_expr(
                        portal_stage::Column::GreenhouseStageIds,
                        Expr::value(serde_json::json!(ids)),
                    )
                    .filter(portal_stage::Column::OrganizationId.eq(org))
                    .filter(portal_stage::Column::Id.eq(*id))
                    .exec(&txn)
                    .await?;
                order_ids.push(*id);
            }
            None => {
                let greenhouse_id = ids.first().copied().unwrap_or_default();
                let stage = portal_stage::ActiveModel {
                    organization_id: Set(org),
                    portal_id: Set(portal.id),
                    position: Set(0),
                    name: Set(names.get(&greenhouse_id).cloned().unwrap_or_default()),
                    hidden: Set(false),
                    greenhouse_stage_ids: Set(serde_json::json!(ids)),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                created.insert(greenhouse_id, stage.id);
                order_ids.push(stage.id);
            }
        }
    }
    write_stage_positions(&txn, org, &order_ids).await?;

    // Emptied stages go, their blocks moved (never lost) to where their
    // first Greenhouse stage went, after the blocks already there.
    let stage_names: HashMap<i64, String> = stages.iter().map(|s| (s.id, s.name.clone())).collect();
    let mut notes = Vec::new();
    for (emptied, target) in &grouping.emptied {
        let receiver = match target {
            Target::Stage(id) => *id,
            Target::New(greenhouse_id) => match created.get(greenhouse_id) {
                Some(id) => *id,
                None => continue,
            },
        };
        let receiver_name = match target {
            Target::Stage(id) => stage_names.get(id).cloned().unwrap_or_default(),
            Target::New(greenhouse_id) => names.get(greenhouse_id).cloned().unwrap_or_default(),
        };
        let moving = content_block::Entity::find()
            .filter(content_block::Column::OrganizationId.eq(org))
            .filter(content_block::Column::PortalId.eq(portal.id))
            .filter(content_block::Column::PortalStageId.eq(*emptied))
            .order_by_asc(content_block::Column::Position)
            .order_by_asc(content_block::Column::Id)
            .all(&txn)
            .await?;
        let mut order = stage_block_ids(&txn, &portal, Some(receiver)).await?;
        for block in &moving {
            content_block::Entity::update_many()
                .col_expr(content_block::Column::PortalStageId, Expr::value(receiver))
                .filter(content_block::Column::OrganizationId.eq(org))
                .filter(content_block::Column::Id.eq(block.id))
                .exec(&txn)
                .await?;
            order.push(block.id);
        }
        write_block_positions(&txn, org, &order).await?;
        portal_stage::Entity::delete_many()
            .filter(portal_stage::Column::OrganizationId.eq(org))
            .filter(portal_stage::Column::Id.eq(*emptied))
            .exec(&txn)
            .await?;
        let name = stage_names.get(emptied).cloned().unwrap_or_default();
        notes.push(match moving.len() {
            0 => format!("“{name}” is now part of “{receiver_name}”."),
            1 => format!("“{name}” is now part of “{receiver_name}”; its block moved there."),
            n => format!("“{name}” is now part of “{receiver_name}”; its {n} blocks moved there."),
        });
    }
    touch(&txn, &portal).await?;
    txn.commit().await?;
    Ok(Regrouped { notes })
}

/// The ids of a stage's blocks (`None`: all-stages blocks), in order.
async fn stage_block_ids<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    stage_id: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let column = content_block::Column::PortalStageId;
    Ok(content_block::Entity::find()
        .filter(content_block::Column::OrganizationId.eq(portal.organization_id))
        .filter(content_block::Column::PortalId.eq(portal.id))
        .filter(match stage_id {
            Some(id) => column.eq(id),
            None => column.is_null(),
        })
        .order_by_asc(content_block::Column::Position)
        .order_by_asc(content_block::Column::Id)
        .select_only()
        .column(content_block::Column::Id)
        .into_tuple::<i64>()
        .all(db)
        .await?)
}

/// The position after a stage's last block.
async fn next_position<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    stage_id: Option<i64>,
) -> Result<i32, AppError> {
    let count = stage_block_ids(db, portal, stage_id).await?.len();
    Ok(i32::try_from(count).unwrap_or(i32::MAX))
}

/// A block's content from the form's fields, before the checks that need
/// the database (uploads, Greenhouse users).
pub fn content_from_form(kind: &str, form: &BlockForm) -> Result<BlockContent, AppError> {
    let line = |text: &str| text.trim().to_owned();
    let content = match kind {
        "markdown" => BlockContent::Markdown {
            title: line(&form.title),
            markdown: form.markdown.trim_end().to_owned(),
        },
        "video" => BlockContent::Video {
            title: line(&form.title),
            url: line(&form.url),
        },
        "faq" => BlockContent::Faq {
            question: line(&form.question),
            answer: form.answer.trim_end().to_owned(),
        },
        "links" => BlockContent::Links {
            title: line(&form.title),
            links: parse_links(&form.links)
                .map_err(|message| AppError::invalid("links", message))?,
        },
        "image" => BlockContent::Image {
            upload_id: line(&form.upload_id),
            alt: line(&form.alt),
            caption: line(&form.caption),
        },
        "spotlight" => {
            let greenhouse_user_id = match form.greenhouse_user_id.trim() {
                "" => None,
                id => Some(id.parse::<i64>().map_err(|_| {
                    AppError::invalid("greenhouse_user_id", "Choose someone from the list.")
                })?),
            };
            let photo = line(&form.photo_upload_id);
            BlockContent::Spotlight {
                greenhouse_user_id,
                name: line(&form.name),
                title: line(&form.title),
                bio: form.bio.trim().to_owned(),
                pronouns: line(&form.pronouns),
                linkedin_url: line(&form.linkedin_url),
                photo_upload_id: (!photo.is_empty() && form.remove_photo.is_empty())
                    .then_some(photo),
            }
        }
        _ => {
            return Err(AppError::invalid(
                "kind",
                "Choose what kind of block to add.",
            ));
        }
    };
    Ok(content)
}

/// Whether `id` is a content image of this organization.
async fn own_image<C: ConnectionTrait>(db: &C, org: i64, id: &str) -> Result<bool, AppError> {
    if !uploads::is_well_formed_id(id) {
        return Ok(false);
    }
    Ok(upload::Entity::find_by_id(id.to_owned())
        .filter(upload::Column::OrganizationId.eq(org))
        .filter(upload::Column::Purpose.is_in([BLOCK_IMAGE_PURPOSE, SPOTLIGHT_PHOTO_PURPOSE]))
        .count(db)
        .await?
        > 0)
}

/// Checks what the form alone cannot: the image is ours, the Greenhouse
/// user is of this organization (and fills an empty name and title).
async fn complete<C: ConnectionTrait>(
    db: &C,
    org: i64,
    content: BlockContent,
) -> Result<BlockContent, AppError> {
    match content {
        BlockContent::Image {
            upload_id,
            alt,
            caption,
        } => {
            if !upload_id.is_empty() && !own_image(db, org, &upload_id).await? {
                return Err(AppError::invalid(
                    "image",
                    "This image is not available any more; upload it again.",
                ));
            }
            Ok(BlockContent::Image {
                upload_id,
                alt,
                caption,
            })
        }
        BlockContent::Spotlight {
            greenhouse_user_id,
            mut name,
            mut title,
            bio,
            pronouns,
            linkedin_url,
            photo_upload_id,
        } => {
            if let Some(user_id) = greenhouse_user_id {
                let user = users::Entity::find_by_id((org, user_id))
                    .one(db)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid("greenhouse_user_id", "Choose someone from the list.")
                    })?;
                if name.is_empty() {
                    name = user_name(&user);
                }
                if title.is_empty() {
                    title = user.job_title.clone().unwrap_or_default().trim().to_owned();
                }
            }
            if let Some(photo) = &photo_upload_id
                && !own_image(db, org, photo).await?
            {
                return Err(AppError::invalid(
                    "photo",
                    "This photo is not available any more; upload it again.",
                ));
            }
            Ok(BlockContent::Spotlight {
                greenhouse_user_id,
                name,
                title,
                bio,
                pronouns,
                linkedin_url,
                photo_upload_id,
            })
        }
        other => Ok(other),
    }
}

/// `all` (or empty) → `None`; a stage id of this portal → `Some`.
async fn stage_choice<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    choice: &str,
) -> Result<Option<i64>, AppError> {
    match choice.trim() {
        "" | "all" => Ok(None),
        id => {
            let id = id
                .parse::<i64>()
                .map_err(|_| AppError::not_found("That stage"))?;
            Ok(Some(stage_in(db, portal, id).await?.id))
        }
    }
}

/// Adds a block at the end of its stage, or saves one (moving it to the
/// end of another stage when the stage changed). Nothing is written unless
/// every field passes.
pub async fn save_block(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    form: &BlockForm,
) -> Result<SavedBlock, AppError> {
    let org = me.organization_id();
    let (_, portal) = editable(db, me, job_id).await?;
    let existing = match form.block_id.trim() {
        "" => None,
        id => {
            let id = id
                .parse::<i64>()
                .map_err(|_| AppError::not_found("That block"))?;
            Some(block_in(db, &portal, id).await?)
        }
    };
    let stage_id = stage_choice(db, &portal, &form.stage).await?;
    let kind = match &existing {
        // A block keeps its kind (a stored block that no longer parses
        // takes the kind the form says).
        Some(block) => block
            .block()
            .map_or_else(|| form.kind.clone(), |c| c.kind().to_owned()),
        None => form.kind.clone(),
    };
    if !BLOCK_KINDS.iter().any(|(k, _)| *k == kind) {
        return Err(AppError::invalid(
            "kind",
            "Choose what kind of block to add.",
        ));
    }
    // Completed first: a spotlight takes its name from Greenhouse.
    let content = complete(db, org, content_from_form(&kind, form)?).await?;
    content
        .validate()
        .map_err(|(field, message)| AppError::invalid(field, message))?;
    let json = serde_json::to_value(&content).map_err(|_| {
        let reference = crate::ssr::error_reference();
        tracing::error!(%reference, "a block could not be serialized");
        AppError::Internal { reference }
    })?;
    let now = chrono::Utc::now();
    let txn = db.begin().await?;
    let saved = match existing {
        Some(block) => {
            let moved_stage = block.portal_stage_id != stage_id;
            let mut change: content_block::ActiveModel = block.into();
            if moved_stage {
                change.position = Set(next_position(&txn, &portal, stage_id).await?);
                change.portal_stage_id = Set(stage_id);
            }
            change.content = Set(json);
            change.updated_at = Set(now);
            change.update(&txn).await?
        }
        None => {
            content_block::ActiveModel {
                organization_id: Set(org),
                portal_id: Set(portal.id),
                portal_stage_id: Set(stage_id),
                position: Set(next_position(&txn, &portal, stage_id).await?),
                content: Set(json),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    touch(&txn, &portal).await?;
    txn.commit().await?;
    tracing::info!(
        organization = org,
        portal = portal.id,
        block = saved.id,
        kind = %kind,
        "portal block saved"
    );
    Ok(SavedBlock {
        id: saved.id,
        stage_id: saved.portal_stage_id,
    })
}

pub async fn move_block(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    block_id: i64,
    direction: &str,
) -> Result<SavedBlock, AppError> {
    let up = direction_is_up(direction)?;
    let (_, portal) = editable(db, me, job_id).await?;
    let txn = db.begin().await?;
    let block = block_in(&txn, &portal, block_id).await?;
    let order = stage_block_ids(&txn, &portal, block.portal_stage_id).await?;
    let index = order
        .iter()
        .position(|id| *id == block.id)
        .ok_or_else(|| AppError::not_found("That block"))?;
    if let Some(order) = moved(&order, index, up) {
        write_block_positions(&txn, portal.organization_id, &order).await?;
    }
    touch(&txn, &portal).await?;
    txn.commit().await?;
    Ok(SavedBlock {
        id: block.id,
        stage_id: block.portal_stage_id,
    })
}

pub async fn delete_block(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    block_id: i64,
) -> Result<SavedBlock, AppError> {
    let (_, portal) = editable(db, me, job_id).await?;
    let txn = db.begin().await?;
    let block = block_in(&txn, &portal, block_id).await?;
    content_block::Entity::delete_many()
        .filter(content_block::Column::OrganizationId.eq(portal.organization_id))
        .filter(content_block::Column::Id.eq(block.id))
        .exec(&txn)
        .await?;
    let order = stage_block_ids(&txn, &portal, block.portal_stage_id).await?;
    write_block_positions(&txn, portal.organization_id, &order).await?;
    touch(&txn, &portal).await?;
    txn.commit().await?;
    prune_images(db, portal.organization_id).await?;
    tracing::info!(
        organization = portal.organization_id,
        portal = portal.id,
        block = block.id,
        "portal block deleted"
    );
    Ok(SavedBlock {
        id: block.id,
        stage_id: block.portal_stage_id,
    })
}

/// The options form, as posted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionsInput {
    pub invite_enabled: bool,
    pub offer_message: String,
    pub hired_message: String,
    pub rejected_message: String,
    pub rejected_access_days: String,
}

fn message(field: &'static str, text: &str) -> Result<Option<String>, AppError> {
    let text = text.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(AppError::invalid(
            field,
            format!("Keep this message under {MAX_TEXT} characters."),
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// The options form once checked (`None` messages: the default text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedOptions {
    pub offer: Option<String>,
    pub hired: Option<String>,
    pub rejected: Option<String>,
    pub rejected_access_days: i32,
}

/// Checks the options form: messages up to `MAX_TEXT` (empty: the default
/// text), access after rejection 0–365 days.
pub fn check_options(input: &OptionsInput) -> Result<CheckedOptions, AppError> {
    let offer = message("offer_message", &input.offer_message)?;
    let hired = message("hired_message", &input.hired_message)?;
    let rejected = message("rejected_message", &input.rejected_message)?;
    let days = input
        .rejected_access_days
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|d| (0..=MAX_REJECTED_ACCESS_DAYS).contains(d))
        .ok_or_else(|| {
            AppError::invalid(
                "rejected_access_days",
                format!("Enter a whole number of days from 0 to {MAX_REJECTED_ACCESS_DAYS}."),
            )
        })?;
    Ok(CheckedOptions {
        offer,
        hired,
        rejected,
        rejected_access_days: days,
    })
}

/// Saves the options. Switching invites on records when (candidates
/// already in a visible stage then are not invited retroactively).
pub async fn save_options(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    input: &OptionsInput,
) -> Result<PortalOptions, AppError> {
    let (_, portal) = editable(db, me, job_id).await?;
    let CheckedOptions {
        offer,
        hired,
        rejected,
        rejected_access_days: days,
    } = check_options(input)?;
    let now = chrono::Utc::now();
    let switched_on = input.invite_enabled && !portal.invite_enabled;
    let mut change: portal::ActiveModel = portal.into();
    change.invite_enabled = Set(input.invite_enabled);
    if switched_on {
        change.invite_enabled_at = Set(Some(now));
    }
    change.offer_message = Set(offer);
    change.hired_message = Set(hired);
    change.rejected_message = Set(rejected);
    change.rejected_access_days = Set(days);
    change.updated_at = Set(now);
    let saved = change.update(db).await?;
    Ok(options_of(&saved, &organization_name(me)))
}

/// The upload ids a block refers to.
fn image_ids(content: &BlockContent) -> Vec<&str> {
    match content {
        BlockContent::Image { upload_id, .. } => vec![upload_id.as_str()],
        BlockContent::Spotlight {
            photo_upload_id: Some(id),
            ..
        } => vec![id.as_str()],
        _ => Vec::new(),
    }
}

/// Deletes the organization's content images that no block and no
/// template refers to any more (after a grace period for forms in progress).
pub async fn prune_images<C: ConnectionTrait>(db: &C, org: i64) -> Result<(), AppError> {
    let cutoff = chrono::Utc::now() - UNUSED_IMAGE_GRACE;
    let candidates: Vec<String> = upload::Entity::find()
        .filter(upload::Column::OrganizationId.eq(org))
        .filter(upload::Column::Purpose.is_in([BLOCK_IMAGE_PURPOSE, SPOTLIGHT_PHOTO_PURPOSE]))
        .filter(upload::Column::CreatedAt.lt(cutoff))
        .select_only()
        .column(upload::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(());
    }
    let mut used: HashSet<String> = HashSet::new();
    let blocks: Vec<serde_json::Value> = content_block::Entity::find()
        .filter(content_block::Column::OrganizationId.eq(org))
        .select_only()
        .column(content_block::Column::Content)
        .into_tuple()
        .all(db)
        .await?;
    for value in blocks {
        if let Ok(content) = serde_json::from_value::<BlockContent>(value) {
            used.extend(image_ids(&content).into_iter().map(str::to_owned));
        }
    }
    for template in portal_template::Entity::find()
        .filter(portal_template::Column::OrganizationId.eq(org))
        .all(db)
        .await?
    {
        for block in templates::blocks_of(&template) {
            used.extend(image_ids(&block.content).into_iter().map(str::to_owned));
        }
    }
    let unused: Vec<String> = candidates
        .into_iter()
        .filter(|id| !used.contains(id))
        .collect();
    if !unused.is_empty() {
        upload::Entity::delete_many()
            .filter(upload::Column::OrganizationId.eq(org))
            .filter(upload::Column::Id.is_in(unused.clone()))
            .exec(db)
            .await?;
        tracing::info!(
            organization = org,
            deleted = unused.len(),
            "unused content images deleted"
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(id: i64, greenhouse: &[i64]) -> portal_stage::Model {
        portal_stage::Model {
            id,
            organization_id: 1,
            portal_id: 1,
            position: 0,
            name: format!("S{id}"),
            hidden: false,
            greenhouse_stage_ids: serde_json::json!(greenhouse),
        }
    }

    #[test]
    fn stage_names_are_checked_and_trimmed() {
        assert_eq!(
            check_stage_name(3, "  Onsite  ").ok().as_deref(),
            Some("Onsite")
        );
        let error = check_stage_name(3, "   ").err();
        assert_eq!(error.as_ref().and_then(|e| e.field()), Some("stage-3-name"));
        assert!(check_stage_name(3, &"x".repeat(81)).is_err());
        assert!(check_stage_name(3, &"é".repeat(80)).is_ok());
        assert!(check_stage_name(3, "a\nb").is_err());
    }

    #[test]
    fn moving_swaps_with_the_neighbour_and_stops_at_the_ends() {
        assert_eq!(moved(&[1, 2, 3], 1, true), Some(vec![2, 1, 3]));
        assert_eq!(moved(&[1, 2, 3], 1, false), Some(vec![1, 3, 2]));
        assert_eq!(moved(&[1, 2, 3], 0, true), None);
        assert_eq!(moved(&[1, 2, 3], 2, false), None);
        assert!(direction_is_up("sideways").is_err());
    }

    #[test]
    fn grouping_merges_splits_and_reports_emptied_stages() {
        let stages = vec![stage(10, &[1]), stage(11, &[2]), stage(12, &[3, 99])];
        let active = [1, 2, 3];
        // Greenhouse stage 2 joins stage 10: stage 11 is emptied into 10.
        let merged = regroup(&stages, &active, &HashMap::from([(2, Target::Stage(10))]));
        assert_eq!(
            merged.order,
            vec![(Some(10), vec![1, 2]), (Some(12), vec![3, 99])]
        );
        assert_eq!(merged.emptied, vec![(11, Target::Stage(10))]);
        // Split back out: a new stage right after the one it left.
        let grouped = vec![stage(10, &[1, 2]), stage(12, &[3])];
        let split = regroup(&grouped, &active, &HashMap::from([(2, Target::New(2))]));
        assert_eq!(
            split.order,
            vec![(Some(10), vec![1]), (None, vec![2]), (Some(12), vec![3])]
        );
        assert!(split.emptied.is_empty());
        // Nothing listed: nothing changes.
        let same = regroup(&stages, &active, &HashMap::new());
        assert_eq!(same.order.len(), 3);
        assert!(same.emptied.is_empty());
    }

    #[test]
    fn forms_become_blocks_of_their_kind() {
        let form = BlockForm {
            title: "  Welcome ".into(),
            markdown: "Hi **there**\n\n".into(),
            links: "Office | https://example.com/office".into(),
            greenhouse_user_id: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            content_from_form("markdown", &form).ok(),
            Some(BlockContent::Markdown {
                title: "Welcome".into(),
                markdown: "Hi **there**".into()
            })
        );
        assert!(matches!(
            content_from_form("links", &form),
            Ok(BlockContent::Links { links, .. }) if links.len() == 1
        ));
        let bad_links = BlockForm {
            links: "Bad | javascript:alert(1)".into(),
            ..Default::default()
        };
        assert_eq!(
            content_from_form("links", &bad_links)
                .err()
                .as_ref()
                .and_then(|e| e.field()),
            Some("links")
        );
        assert_eq!(
            content_from_form("spotlight", &form)
                .err()
                .as_ref()
                .and_then(|e| e.field()),
            Some("greenhouse_user_id")
        );
        assert!(content_from_form("script", &form).is_err());
    }

    #[test]
    fn options_are_checked_per_field() {
        let ok = OptionsInput {
            rejected_access_days: "30".into(),
            offer_message: "  ".into(),
            ..Default::default()
        };
        assert_eq!(
            check_options(&ok).ok(),
            Some(CheckedOptions {
                offer: None,
                hired: None,
                rejected: None,
                rejected_access_days: 30
            })
        );
        for days in ["-1", "366", "ten", ""] {
            let input = OptionsInput {
                rejected_access_days: days.into(),
                ..Default::default()
            };
            assert_eq!(
                check_options(&input).err().as_ref().and_then(|e| e.field()),
                Some("rejected_access_days"),
                "{days}"
            );
        }
    }
}
