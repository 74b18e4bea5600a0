//! What every portal page is built from: a portal's candidate-facing
//! stages (kept in step with the job's Greenhouse stages) and its content
//! blocks, rendered for candidates. Used by the portal editor, the
//! candidate portal and the invite email alike.

use crate::domain::blocks::{BlockContent, BlockView, SpotlightView, VideoLink};
use crate::error::AppError;
use crate::ssr::entities::dashboard::portal;
use crate::ssr::entities::greenhouse::{applications, job_interview_stages};
use crate::ssr::entities::portal_content::{content_block, portal_stage};
use crate::ssr::markdown::to_safe_html;
use crate::ssr::services::uploads;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

/// The portal of a job in an organization, active or not.
pub async fn portal_of_job<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    job_id: i64,
) -> Result<Option<portal::Model>, AppError> {
    Ok(portal::Entity::find()
        .filter(portal::Column::OrganizationId.eq(organization_id))
        .filter(portal::Column::JobId.eq(job_id))
        .one(db)
        .await?)
}

/// The job's active Greenhouse stages in interview-plan order.
pub async fn greenhouse_stages<C: ConnectionTrait>(
    db: &C,
    organization_id: i64,
    job_id: i64,
) -> Result<Vec<job_interview_stages::Model>, AppError> {
    Ok(job_interview_stages::Entity::find()
        .filter(job_interview_stages::Column::OrganizationId.eq(organization_id))
        .filter(job_interview_stages::Column::JobId.eq(job_id))
        .filter(job_interview_stages::Column::Active.eq(true))
        .order_by_asc(job_interview_stages::Column::SortOrder)
        .order_by_asc(job_interview_stages::Column::Id)
        .all(db)
        .await?)
}

/// The portal's candidate-facing stages in timeline order, as stored.
pub async fn stored_stages<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
) -> Result<Vec<portal_stage::Model>, AppError> {
    Ok(portal_stage::Entity::find()
        .filter(portal_stage::Column::OrganizationId.eq(portal.organization_id))
        .filter(portal_stage::Column::PortalId.eq(portal.id))
        .order_by_asc(portal_stage::Column::Position)
        .order_by_asc(portal_stage::Column::Id)
        .all(db)
        .await?)
}

/// The portal's candidate-facing stages, first giving every Greenhouse
/// stage that no stage maps yet a stage of its own (by default one
/// candidate-facing stage per Greenhouse stage, same name, same order).
pub async fn ensure_stages<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
) -> Result<Vec<portal_stage::Model>, AppError> {
    Ok(ensure_stages_with_greenhouse(db, portal).await?.0)
}

/// [`ensure_stages`], with the job's active Greenhouse stages it read on
/// the way (two queries; a write only when Greenhouse added a stage).
pub async fn ensure_stages_with_greenhouse<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
) -> Result<(Vec<portal_stage::Model>, Vec<job_interview_stages::Model>), AppError> {
    let (mut stages, greenhouse) = tokio::try_join!(
        stored_stages(db, portal),
        greenhouse_stages(db, portal.organization_id, portal.job_id),
    )?;
    let mapped: HashSet<i64> = stages.iter().flat_map(|s| s.greenhouse_ids()).collect();
    let first_free = stages.iter().map(|s| s.position + 1).max().unwrap_or(0);
    let unmapped = greenhouse.iter().filter(|g| !mapped.contains(&g.id));
    for (position, unmapped) in (first_free..).zip(unmapped) {
        let created = portal_stage::ActiveModel {
            organization_id: Set(portal.organization_id),
            portal_id: Set(portal.id),
            position: Set(position),
            name: Set(unmapped.name.clone()),
            hidden: Set(false),
            greenhouse_stage_ids: Set(serde_json::json!([unmapped.id])),
            ..Default::default()
        }
        .insert(db)
        .await?;
        stages.push(created);
    }
    Ok((stages, greenhouse))
}

/// What a portal's candidate pages are built from, as read when the
/// portal's `content_version` was `version`, with its blocks rendered once
/// for every page that shows them.
pub struct PortalContent {
    pub version: i64,
    /// The candidate-facing stages (see [`ensure_stages`]).
    pub stages: Vec<portal_stage::Model>,
    /// The job's active Greenhouse stages.
    pub greenhouse: Vec<job_interview_stages::Model>,
    /// The blocks as candidates see them (see [`render`]), in the order of
    /// [`blocks`], each with its stage (`None`: shown at every stage);
    /// blocks that no longer validate are left out.
    rendered: Vec<(Option<i64>, BlockView)>,
    /// What the spotlight blocks say about Greenhouse users, by user id
    /// (the first block naming a user wins).
    pub spotlights: HashMap<i64, SpotlightView>,
}

impl PortalContent {
    pub fn new(
        version: i64,
        stages: Vec<portal_stage::Model>,
        greenhouse: Vec<job_interview_stages::Model>,
        blocks: &[content_block::Model],
    ) -> Self {
        let parsed: Vec<(Option<i64>, BlockContent)> = blocks
            .iter()
            .filter_map(|block| Some((block.portal_stage_id, block.block()?)))
            .collect();
        let mut spotlights = HashMap::new();
        for (_, block) in &parsed {
            if let Some(view) = spotlight(block)
                && let Some(user_id) = view.greenhouse_user_id
            {
                spotlights.entry(user_id).or_insert(view);
            }
        }
        let rendered = parsed
            .iter()
            .filter_map(|(stage, block)| Some((*stage, render(block)?)))
            .collect();
        PortalContent {
            version,
            stages,
            greenhouse,
            rendered,
            spotlights,
        }
    }

    /// The rendered blocks of one stage (`None`: the all-stages blocks).
    pub fn blocks_of(&self, stage: Option<i64>) -> Vec<BlockView> {
        self.rendered
            .iter()
            .filter(|(of, _)| *of == stage)
            .map(|(_, view)| view.clone())
            .collect()
    }
}

/// Portals' content as last read, by portal id. An entry serves a page only
/// while the portal row the page just read still has the entry's
/// `content_version`: database triggers change that number with every
/// change to the portal's stages and blocks and its job's Greenhouse stages,
/// whichever process makes it, so a stale entry is never shown. The content
/// is read after the portal row, so it is at least as new as the version it
/// is filed under.
#[derive(Clone, Default)]
pub struct ContentCache(Arc<Mutex<HashMap<i64, Arc<PortalContent>>>>);

impl ContentCache {
    /// Portals kept; past that, the cache starts over.
    const PORTALS: usize = 1024;

    fn current(&self, portal: &portal::Model) -> Option<Arc<PortalContent>> {
        let entries = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&portal.id)
            .filter(|content| content.version == portal.content_version)
            .cloned()
    }

    fn keep(&self, portal_id: i64, content: Arc<PortalContent>) {
        let mut entries = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= Self::PORTALS && !entries.contains_key(&portal_id) {
            entries.clear();
        }
        entries.insert(portal_id, content);
    }
}

/// The content of `portal` (a row just read): from `cache` when its
/// version is current, else read (stages kept in step with Greenhouse) and
/// kept.
pub async fn content<C: ConnectionTrait>(
    db: &C,
    cache: &ContentCache,
    portal: &portal::Model,
) -> Result<Arc<PortalContent>, AppError> {
    if let Some(content) = cache.current(portal) {
        return Ok(content);
    }
    let ((stages, greenhouse), blocks) = tokio::try_join!(
        ensure_stages_with_greenhouse(db, portal),
        blocks(db, portal)
    )?;
    let content = Arc::new(PortalContent::new(
        portal.content_version,
        stages,
        greenhouse,
        &blocks,
    ));
    cache.keep(portal.id, content.clone());
    Ok(content)
}

/// The Greenhouse stage (`job_interview_stages.id`) an application is in:
/// the id Greenhouse sent, or else the job's stage with the same name.
pub fn current_greenhouse_stage(
    application: &applications::Model,
    greenhouse: &[job_interview_stages::Model],
) -> Option<i64> {
    application.job_interview_stage_id.or_else(|| {
        let name = application.stage_name.as_deref()?;
        greenhouse
            .iter()
            .find(|stage| stage.name.eq_ignore_ascii_case(name))
            .map(|stage| stage.id)
    })
}

/// The candidate-facing stage that maps a Greenhouse stage.
pub fn stage_of(
    stages: &[portal_stage::Model],
    greenhouse_stage_id: i64,
) -> Option<&portal_stage::Model> {
    stages
        .iter()
        .find(|stage| stage.greenhouse_ids().contains(&greenhouse_stage_id))
}

/// The portal's blocks: all-stages ones and every stage's, each group in
/// its order.
pub async fn blocks<C: ConnectionTrait>(
    db: &C,
    portal: &portal::Model,
) -> Result<Vec<content_block::Model>, AppError> {
    Ok(content_block::Entity::find()
        .filter(content_block::Column::OrganizationId.eq(portal.organization_id))
        .filter(content_block::Column::PortalId.eq(portal.id))
        .order_by_asc(content_block::Column::PortalStageId)
        .order_by_asc(content_block::Column::Position)
        .order_by_asc(content_block::Column::Id)
        .all(db)
        .await?)
}

/// A block as candidates see it: Markdown rendered and cleaned, video links
/// reduced to their embed, images to our own upload URLs. `None` for a block
/// that no longer validates (never shown half-broken): a stored block is
/// checked again here, so a link or LinkedIn address that is not `http(s)`
/// or an image id that is not ours never reaches a page, whatever wrote it.
pub fn render(block: &BlockContent) -> Option<BlockView> {
    block.validate().ok()?;
    Some(match block {
        BlockContent::Markdown { title, markdown } => BlockView::Markdown {
            title: title.clone(),
            html: to_safe_html(markdown),
        },
        BlockContent::Video { title, url } => {
            let video = VideoLink::parse(url).ok()?;
            BlockView::Video {
                title: title.clone(),
                provider: video.provider().to_owned(),
                embed_url: video.embed_url(),
                watch_url: video.watch_url(),
            }
        }
        BlockContent::Faq { question, answer } => BlockView::Faq {
            question: question.clone(),
            answer_html: to_safe_html(answer),
        },
        BlockContent::Links { title, links } => BlockView::Links {
            title: title.clone(),
            links: links.clone(),
        },
        BlockContent::Image {
            upload_id,
            alt,
            caption,
        } => BlockView::Image {
            url: uploads::is_well_formed_id(upload_id).then(|| uploads::url(upload_id))?,
            alt: alt.clone(),
            caption: caption.clone(),
        },
        BlockContent::Spotlight { .. } => BlockView::Spotlight(spotlight(block)?),
    })
}

/// The spotlight details of a spotlight block (`None` when it does not
/// validate).
pub fn spotlight(block: &BlockContent) -> Option<SpotlightView> {
    block.validate().ok()?;
    match block {
        BlockContent::Spotlight {
            greenhouse_user_id,
            name,
            title,
            bio,
            pronouns,
            linkedin_url,
            photo_upload_id,
        } => Some(SpotlightView {
            greenhouse_user_id: *greenhouse_user_id,
            name: name.clone(),
            title: title.clone(),
            bio: bio.clone(),
            pronouns: pronouns.clone(),
            linkedin_url: linkedin_url.clone(),
            photo_url: photo_upload_id
                .as_deref()
                .filter(|id| uploads::is_well_formed_id(id))
                .map(uploads::url),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn block(id: i64, stage: Option<i64>, content: serde_json::Value) -> content_block::Model {
        content_block::Model {
            id,
            organization_id: 1,
            portal_id: 1,
            portal_stage_id: stage,
            position: 0,
            content,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn spotlight_of(user: i64, name: &str) -> serde_json::Value {
        serde_json::json!({"kind": "spotlight", "greenhouse_user_id": user, "name": name,
            "title": "Engineer", "bio": "", "pronouns": "", "linkedin_url": ""})
    }

    #[test]
    fn content_is_rendered_once_per_stage_and_spotlights_are_found() {
        let blocks = [
            block(
                1,
                None,
                serde_json::json!({"kind": "markdown", "title": "Hi", "markdown": "**Welcome**"}),
            ),
            block(
                2,
                Some(7),
                serde_json::json!({"kind": "markdown", "title": "", "markdown": "Stage *seven*"}),
            ),
            block(3, Some(7), spotlight_of(501, "Grace Hopper")),
            block(4, Some(8), spotlight_of(501, "Someone Else")),
            // Stored by an older version, or edited by hand: never shown.
            block(
                5,
                Some(7),
                serde_json::json!({"kind": "links", "title": "", "links": [{"label": "x", "url": "javascript:alert(1)"}]}),
            ),
            block(6, None, serde_json::json!({"kind": "no such kind"})),
        ];
        let content = PortalContent::new(3, Vec::new(), Vec::new(), &blocks);
        assert_eq!(content.version, 3);
        let general = content.blocks_of(None);
        assert_eq!(general.len(), 1);
        assert!(
            matches!(&general[0], BlockView::Markdown { html, .. } if html.contains("<strong>Welcome</strong>"))
        );
        let seven = content.blocks_of(Some(7));
        assert_eq!(seven.len(), 2, "the invalid links block is left out");
        assert!(
            matches!(&seven[0], BlockView::Markdown { html, .. } if html.contains("<em>seven</em>"))
        );
        assert!(matches!(&seven[1], BlockView::Spotlight(s) if s.name == "Grace Hopper"));
        assert_eq!(content.blocks_of(Some(9)), Vec::new());
        // The first block naming a user speaks for them.
        assert_eq!(content.spotlights.len(), 1);
        assert_eq!(content.spotlights[&501].name, "Grace Hopper");
    }
}
