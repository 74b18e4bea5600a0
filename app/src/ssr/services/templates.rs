//! Portal templates: the organization's default and one per Greenhouse
//! department, each a list of blocks keyed by stage name. A portal created
//! by activating a job starts from its department's template (or the
//! nearest parent department's), else the organization default; the editor
//! says when a portal has drifted from its template and can reset it.
//!
//! A template block's stage name fits the stage of a portal grouping a
//! Greenhouse stage of that name, or else a stage carrying that name itself
//! (case-insensitive). Saving stores, for each stage, the name of its
//! first Greenhouse stage, so a template saved from one job fits other jobs
//! whose interview plans share stage names, whatever the stages were
//! renamed to for candidates.

use crate::domain::blocks::{BlockContent, TemplateBlock};
use crate::error::AppError;
use crate::ssr::auth::CurrentRecruiter;
use crate::ssr::entities::dashboard::portal;
use crate::ssr::entities::greenhouse::{departments, job_interview_stages};
use crate::ssr::entities::portal_content::{content_block, portal_stage, portal_template};
use crate::ssr::services::portal_content;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set, TransactionTrait,
};
use std::collections::{BTreeMap, HashSet};

/// `scope` of the organization's default template.
pub const ORGANIZATION_SCOPE: &str = "organization";
/// `scope` of the job's department's template.
pub const DEPARTMENT_SCOPE: &str = "department";

/// Blocks grouped by stage (`None`: all stages), each group in order: what
/// "the portal's content" means when comparing with a template.
pub type Grouped = BTreeMap<Option<i64>, Vec<BlockContent>>;

/// The name a stage is saved under: its first Greenhouse stage's (in
/// interview-plan order), else its own.
pub fn template_stage_name(
    stage: &portal_stage::Model,
    greenhouse: &[job_interview_stages::Model],
) -> String {
    let ids = stage.greenhouse_ids();
    greenhouse
        .iter()
        .find(|g| ids.contains(&g.id))
        .map_or_else(|| stage.name.clone(), |g| g.name.clone())
}

/// The stage a template block's stage name fits: the one grouping a
/// Greenhouse stage named so (what [`template_stage_name`] saves), else one
/// named so itself; the earliest on the timeline.
pub fn stage_for_name(
    name: &str,
    stages: &[portal_stage::Model],
    greenhouse: &[job_interview_stages::Model],
) -> Option<i64> {
    let name = name.trim();
    let ids: HashSet<i64> = greenhouse
        .iter()
        .filter(|g| g.name.trim().eq_ignore_ascii_case(name))
        .map(|g| g.id)
        .collect();
    stages
        .iter()
        .find(|s| s.greenhouse_ids().iter().any(|id| ids.contains(id)))
        .or_else(|| {
            stages
                .iter()
                .find(|s| s.name.trim().eq_ignore_ascii_case(name))
        })
        .map(|s| s.id)
}

/// A portal's blocks as template blocks (blocks of a stage that no longer
/// exists, or that no longer parse, are left out).
pub fn to_template(
    stages: &[portal_stage::Model],
    greenhouse: &[job_interview_stages::Model],
    blocks: &[content_block::Model],
) -> Vec<TemplateBlock> {
    let mut out = Vec::new();
    // All-stages blocks first, then the stages in timeline order.
    let mut order: Vec<Option<&portal_stage::Model>> = vec![None];
    order.extend(stages.iter().map(Some));
    for stage in order {
        let stage_id = stage.map(|s| s.id);
        let stage_name = stage.map(|s| template_stage_name(s, greenhouse));
        for block in blocks.iter().filter(|b| b.portal_stage_id == stage_id) {
            if let Some(content) = block.block() {
                out.push(TemplateBlock {
                    stage_name: stage_name.clone(),
                    content,
                });
            }
        }
    }
    out
}

/// What a template gives a portal with these stages: each block in the
/// stage its name fits (all-stages blocks stay so; blocks for a stage the
/// portal lacks are skipped), in template order.
pub fn apply(
    template: &[TemplateBlock],
    stages: &[portal_stage::Model],
    greenhouse: &[job_interview_stages::Model],
) -> Vec<(Option<i64>, BlockContent)> {
    template
        .iter()
        .filter_map(|block| match &block.stage_name {
            None => Some((None, block.content.clone())),
            Some(name) => stage_for_name(name, stages, greenhouse)
                .map(|stage| (Some(stage), block.content.clone())),
        })
        .collect()
}

/// Blocks grouped by stage, each group in its order.
pub fn grouped(blocks: impl IntoIterator<Item = (Option<i64>, BlockContent)>) -> Grouped {
    let mut out = Grouped::new();
    for (stage, content) in blocks {
        out.entry(stage).or_default().push(content);
    }
    out
}

/// A portal's current blocks, grouped.
pub fn grouped_blocks(blocks: &[content_block::Model]) -> Grouped {
    grouped(
        blocks
            .iter()
            .filter_map(|b| b.block().map(|content| (b.portal_stage_id, content))),
    )
}

/// A template's blocks (an unreadable list counts as empty).
pub fn blocks_of(template: &portal_template::Model) -> Vec<TemplateBlock> {
    serde_json::from_value(template.blocks.clone()).unwrap_or_default()
}

pub async fn find<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    template_id: i64,
) -> Result<Option<portal_template::Model>, AppError> {
    Ok(portal_template::Entity::find_by_id(template_id)
        .filter(portal_template::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?)
}

/// The template of exactly this department (`ORGANIZATION_DEFAULT` for the
/// organization's).
pub async fn of_department<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    department_id: i64,
) -> Result<Option<portal_template::Model>, AppError> {
    Ok(portal_template::Entity::find()
        .filter(portal_template::Column::OrganizationId.eq(organization_id))
        .filter(portal_template::Column::DepartmentId.eq(department_id))
        .one(db)
        .await?)
}

/// The template a new portal of a job in `department_id` starts from: the
/// department's, else the nearest parent department's, else the
/// organization default.
pub async fn for_new_portal<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    department_id: Option<i64>,
) -> Result<Option<portal_template::Model>, AppError> {
    let mut seen = HashSet::new();
    let mut next = department_id;
    while let Some(department) = next {
        if !seen.insert(department) {
            break;
        }
        if let Some(template) = of_department(db, organization_id, department).await? {
            return Ok(Some(template));
        }
        next = departments::Entity::find_by_id((organization_id, department))
            .one(db)
            .await?
            .and_then(|d| d.parent_id);
    }
    of_department(db, organization_id, portal_template::ORGANIZATION_DEFAULT).await
}

/// Replaces all of a portal's blocks with `blocks`, numbering each stage's.
pub async fn replace_blocks<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    blocks: Vec<(Option<i64>, BlockContent)>,
) -> Result<(), AppError> {
    content_block::Entity::delete_many()
        .filter(content_block::Column::OrganizationId.eq(portal.organization_id))
        .filter(content_block::Column::PortalId.eq(portal.id))
        .exec(db)
        .await?;
    let now = chrono::Utc::now();
    let mut positions: BTreeMap<Option<i64>, i32> = BTreeMap::new();
    for (stage, content) in blocks {
        let position = positions.entry(stage).or_default();
        content_block::ActiveModel {
            organization_id: Set(portal.organization_id),
            portal_id: Set(portal.id),
            portal_stage_id: Set(stage),
            position: Set(*position),
            content: Set(serde_json::to_value(&content).map_err(|_| internal("a block"))?),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        *position += 1;
    }
    Ok(())
}

fn internal(what: &str) -> AppError {
    let reference = crate::ssr::error_reference();
    tracing::error!(%reference, "{what} could not be serialized");
    AppError::Internal { reference }
}

/// A new portal's first content: every Greenhouse stage gets its stage,
/// then the template's blocks go where their stage names fit. Called once,
/// when activating a job creates its portal.
pub async fn start_new_portal<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    department_id: Option<i64>,
) -> Result<(), AppError> {
    let stages = portal_content::ensure_stages(db, portal).await?;
    let Some(template) = for_new_portal(db, portal.organization_id, department_id).await? else {
        return Ok(());
    };
    let greenhouse =
        portal_content::greenhouse_stages(db, portal.organization_id, portal.job_id).await?;
    let blocks = apply(&blocks_of(&template), &stages, &greenhouse);
    replace_blocks(db, portal, blocks).await?;
    portal::Entity::update_many()
        .col_expr(
            portal::Column::TemplateId,
            sea_orm::sea_query::Expr::value(Some(template.id)),
        )
        .filter(portal::Column::OrganizationId.eq(portal.organization_id))
        .filter(portal::Column::Id.eq(portal.id))
        .exec(db)
        .await?;
    tracing::info!(
        organization = portal.organization_id,
        portal = portal.id,
        template = template.id,
        "new portal started from a template"
    );
    Ok(())
}

/// The portal's template, and whether its blocks differ from what that
/// template gives now.
pub async fn state<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
    stages: &[portal_stage::Model],
    greenhouse: &[job_interview_stages::Model],
    blocks: &[content_block::Model],
) -> Result<Option<crate::api::portal_editor::TemplateState>, AppError> {
    let Some(template_id) = portal.template_id else {
        return Ok(None);
    };
    let template = find(db, portal.organization_id, template_id).await?;
    let expected = template
        .as_ref()
        .map(|t| apply(&blocks_of(t), stages, greenhouse))
        .unwrap_or_default();
    let template_blocks = expected.len();
    Ok(Some(crate::api::portal_editor::TemplateState {
        id: template_id,
        name: template.map(|t| t.name),
        differs: grouped(expected) != grouped_blocks(blocks),
        template_blocks,
    }))
}

/// The organization's default template and the department's, for the
/// editor's "Save as …" buttons.
pub async fn saved<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    department_id: Option<i64>,
) -> Result<
    (
        Option<crate::api::portal_editor::SavedTemplate>,
        Option<crate::api::portal_editor::SavedTemplate>,
    ),
    AppError,
> {
    let summary = |t: portal_template::Model| crate::api::portal_editor::SavedTemplate {
        blocks: blocks_of(&t).len(),
        name: t.name,
        updated_at: t.updated_at,
    };
    let organization = of_department(db, organization_id, portal_template::ORGANIZATION_DEFAULT)
        .await?
        .map(summary);
    let department = match department_id {
        Some(id) => of_department(db, organization_id, id).await?.map(summary),
        None => None,
    };
    Ok((organization, department))
}

/// Saves the portal of `job_id` as the organization's default template or
/// its department's, replacing the one there; the portal now counts as
/// started from it. Returns the template's name.
pub async fn save_from_job(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
    scope: &str,
) -> Result<String, AppError> {
    let org = me.organization_id();
    let (job, portal) = super::portal_editor::editable(db, me, job_id).await?;
    let (department_id, name) = match scope {
        ORGANIZATION_SCOPE => (
            portal_template::ORGANIZATION_DEFAULT,
            "Organization default".to_owned(),
        ),
        DEPARTMENT_SCOPE => {
            let department = match job.department_id {
                Some(id) => departments::Entity::find_by_id((org, id)).one(db).await?,
                None => None,
            };
            let department = department.ok_or_else(|| {
                AppError::invalid(
                    "scope",
                    "This job has no department in Greenhouse, so it can only be saved as the organization default.",
                )
            })?;
            (department.id, format!("{} department", department.name))
        }
        _ => {
            return Err(AppError::invalid(
                "scope",
                "Choose the organization default or the job's department.",
            ));
        }
    };
    let txn = db.begin().await?;
    let stages = portal_content::ensure_stages(&txn, &portal).await?;
    let greenhouse = portal_content::greenhouse_stages(&txn, org, job.id).await?;
    let blocks = portal_content::blocks(&txn, &portal).await?;
    let template_blocks = to_template(&stages, &greenhouse, &blocks);
    let json = serde_json::to_value(&template_blocks).map_err(|_| internal("a template"))?;
    let now = chrono::Utc::now();
    let saved = match of_department(&txn, org, department_id).await? {
        Some(existing) => {
            let mut change: portal_template::ActiveModel = existing.into();
            change.name = Set(name.clone());
            change.blocks = Set(json);
            change.source_job_id = Set(Some(job.id));
            change.updated_at = Set(now);
            change.update(&txn).await?
        }
        None => {
            portal_template::ActiveModel {
                organization_id: Set(org),
                department_id: Set(department_id),
                name: Set(name.clone()),
                blocks: Set(json),
                source_job_id: Set(Some(job.id)),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    let mut change: portal::ActiveModel = portal.into();
    change.template_id = Set(Some(saved.id));
    change.updated_at = Set(now);
    change.update(&txn).await?;
    txn.commit().await?;
    tracing::info!(
        organization = org,
        job = job.id,
        template = saved.id,
        department = department_id,
        blocks = template_blocks.len(),
        "portal template saved"
    );
    Ok(name)
}

/// Puts back what the portal's template gives: its blocks replace the
/// portal's.
pub async fn reset_job(
    db: &DatabaseConnection,
    me: &CurrentRecruiter,
    job_id: i64,
) -> Result<(), AppError> {
    let org = me.organization_id();
    let (job, portal) = super::portal_editor::editable(db, me, job_id).await?;
    let no_template = || {
        AppError::invalid(
            "reset",
            "This portal did not start from a template (or its template was removed), so there is nothing to reset to.",
        )
    };
    let template_id = portal.template_id.ok_or_else(no_template)?;
    let template = find(db, org, template_id).await?.ok_or_else(no_template)?;
    let txn = db.begin().await?;
    let stages = portal_content::ensure_stages(&txn, &portal).await?;
    let greenhouse = portal_content::greenhouse_stages(&txn, org, job.id).await?;
    replace_blocks(
        &txn,
        &portal,
        apply(&blocks_of(&template), &stages, &greenhouse),
    )
    .await?;
    txn.commit().await?;
    super::portal_editor::prune_images(db, org).await?;
    tracing::info!(
        organization = org,
        job = job.id,
        template = template.id,
        "portal reset to its template"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(id: i64, name: &str, greenhouse: &[i64]) -> portal_stage::Model {
        portal_stage::Model {
            id,
            organization_id: 1,
            portal_id: 1,
            position: id as i32,
            name: name.to_owned(),
            hidden: false,
            greenhouse_stage_ids: serde_json::json!(greenhouse),
        }
    }

    fn greenhouse(id: i64, name: &str) -> job_interview_stages::Model {
        job_interview_stages::Model {
            organization_id: 1,
            id,
            created_at: None,
            updated_at: None,
            job_id: 9,
            sort_order: id,
            name: name.to_owned(),
            active: true,
            synced_at: chrono::Utc::now(),
        }
    }

    fn text(markdown: &str) -> BlockContent {
        BlockContent::Markdown {
            title: String::new(),
            markdown: markdown.to_owned(),
        }
    }

    #[test]
    fn template_names_fit_stages_by_name_or_by_their_greenhouse_stages() {
        let gh = vec![
            greenhouse(1, "Application Review"),
            greenhouse(2, "Phone Screen"),
        ];
        let stages = vec![
            stage(10, "We read it", &[1]),
            stage(11, "phone screen", &[]),
        ];
        assert_eq!(stage_for_name("PHONE SCREEN", &stages, &gh), Some(11));
        assert_eq!(stage_for_name("application review", &stages, &gh), Some(10));
        assert_eq!(stage_for_name("Offer", &stages, &gh), None);
        assert_eq!(template_stage_name(&stages[0], &gh), "Application Review");
        assert_eq!(template_stage_name(&stages[1], &gh), "phone screen");
    }

    #[test]
    fn applying_keeps_all_stage_blocks_and_skips_missing_stages() {
        let gh = vec![greenhouse(1, "Onsite")];
        let stages = vec![stage(10, "Onsite", &[1])];
        let template = vec![
            TemplateBlock {
                stage_name: None,
                content: text("everyone"),
            },
            TemplateBlock {
                stage_name: Some("onsite".into()),
                content: text("onsite"),
            },
            TemplateBlock {
                stage_name: Some("Take-home".into()),
                content: text("skipped"),
            },
        ];
        let applied = apply(&template, &stages, &gh);
        assert_eq!(
            applied,
            vec![(None, text("everyone")), (Some(10), text("onsite"))]
        );
        let mut g = grouped(applied.clone());
        assert_eq!(g, grouped(applied));
        g.entry(Some(10)).or_default().push(text("more"));
        assert_ne!(g, grouped(apply(&template, &stages, &gh)));
    }
}
