//! The portal editor of one job (`/admin/jobs/:job_id/portal`): its
//! candidate-facing stages, content blocks, options and templates, and who
//! of the job's candidates sees which stage. Everyone signed in may look;
//! editors and admins may change, and the server checks it on every write.
//!
//! Every write is a form: hydrated it posts with `fetch` and the page
//! follows in place; without JavaScript it posts, and the server answers
//! `303` to the editor (`landing`), or sends the error back to the form.

use crate::api::jobs::{FilterOption, JobRow};
use crate::domain::blocks::{BlockContent, BlockView};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Candidates per page in the editor's candidate list.
pub const CANDIDATES_PAGE_SIZE: u64 = 50;
/// The longest candidate-facing stage name.
pub const MAX_STAGE_NAME: usize = 80;
/// The longest a rejected candidate may keep access, in days.
pub const MAX_REJECTED_ACCESS_DAYS: i32 = 365;

/// What candidates read when an offer is out and the portal has no message
/// of its own (the candidate portal's text; the editor shows it as the
/// placeholder).
pub fn default_offer_message(organization: &str) -> String {
    format!(
        "Good news: {organization} has made you an offer. The details are in your email; your recruiter is happy to answer any questions."
    )
}

/// What hired candidates read by default.
pub fn default_hired_message(organization: &str) -> String {
    format!(
        "You have accepted {organization}'s offer. Congratulations! Your recruiter will be in touch about your first day."
    )
}

/// What rejected candidates read by default.
pub fn default_rejected_message(organization: &str) -> String {
    format!(
        "Thank you for your time and interest in {organization}. After careful consideration, the team has decided not to move forward with your application for this role. We wish you all the best in your search."
    )
}

/// The editor page's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalEditor {
    pub job: JobRow,
    /// The job's Greenhouse department, for "Save as template for department …".
    pub department: Option<FilterOption>,
    /// The organization's portal, where candidates sign in.
    pub portal_url: String,
    /// Whether the signed-in recruiter may change anything (editors and admins).
    pub can_edit: bool,
    /// `None` until the job is activated for the first time.
    pub portal: Option<EditorPortal>,
}

/// A job's portal as the editor shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorPortal {
    pub active: bool,
    /// Candidate-facing stages in timeline order.
    pub stages: Vec<EditorStage>,
    /// The job's Greenhouse stages in interview-plan order, each with the
    /// candidate-facing stage it belongs to.
    pub greenhouse_stages: Vec<GreenhouseStage>,
    /// All-stages blocks first, then each stage's, each group in order.
    pub blocks: Vec<EditorBlock>,
    pub options: PortalOptions,
    /// The template this portal started from.
    pub template: Option<TemplateState>,
    /// The organization's default template, if one was saved.
    pub organization_template: Option<SavedTemplate>,
    /// The template of the job's department, if one was saved.
    pub department_template: Option<SavedTemplate>,
    /// Who a spotlight may be about: the job's hiring team and interviewers
    /// first, then everyone else in Greenhouse.
    pub people: Vec<PersonOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorStage {
    pub id: i64,
    pub name: String,
    pub hidden: bool,
    /// Names of the Greenhouse stages it groups, in interview-plan order.
    pub greenhouse: Vec<String>,
    /// How many content blocks it has.
    pub blocks: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GreenhouseStage {
    pub id: i64,
    pub name: String,
    /// The candidate-facing stage it belongs to.
    pub portal_stage_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorBlock {
    pub id: i64,
    /// `None`: shown at every stage.
    pub stage_id: Option<i64>,
    pub content: BlockContent,
    /// What candidates see (`None` when the block no longer validates).
    pub view: Option<BlockView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalOptions {
    pub invite_enabled: bool,
    pub invite_enabled_at: Option<DateTime<Utc>>,
    /// Empty: Trellis's default text.
    pub offer_message: String,
    pub hired_message: String,
    pub rejected_message: String,
    pub rejected_access_days: i32,
    /// What candidates read when a message is empty.
    pub default_offer_message: String,
    pub default_hired_message: String,
    pub default_rejected_message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateState {
    pub id: i64,
    /// `None` when the template was removed since.
    pub name: Option<String>,
    /// Whether the portal's blocks differ from what the template gives now.
    pub differs: bool,
    /// How many blocks a reset would put in place.
    pub template_blocks: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedTemplate {
    pub name: String,
    pub blocks: usize,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOption {
    pub id: i64,
    pub name: String,
    pub title: Option<String>,
    /// On the job's hiring team or among its interviewers.
    pub on_job: bool,
}

impl PersonOption {
    /// "Ada Lovelace, Staff Engineer".
    pub fn label(&self) -> String {
        match &self.title {
            Some(title) if !title.is_empty() => format!("{}, {title}", self.name),
            _ => self.name.clone(),
        }
    }
}

/// One page of the job's candidates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalCandidates {
    pub candidates: Vec<CandidateRow>,
    pub total: u64,
    pub page: u64,
    pub pages: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRow {
    pub application_id: i64,
    pub name: String,
    pub email: Option<String>,
    /// `in_process`, `rejected`, `hired`, …
    pub status: String,
    pub greenhouse_stage: Option<String>,
    /// The candidate-facing stage, `None` when unmapped (or no portal yet).
    pub portal_stage: Option<String>,
    /// The candidate-facing stage is hidden from the timeline.
    pub hidden: bool,
}

/// The block form's fields, as posted (`block[title]`, …). Which of them
/// count depends on the kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BlockForm {
    /// Empty to add a block.
    pub block_id: String,
    /// `all` or a candidate-facing stage id.
    pub stage: String,
    /// One of `BLOCK_KINDS` (only read when adding).
    pub kind: String,
    pub title: String,
    pub markdown: String,
    pub url: String,
    pub question: String,
    pub answer: String,
    /// One `Label | https://…` per line.
    pub links: String,
    pub upload_id: String,
    pub alt: String,
    pub caption: String,
    pub greenhouse_user_id: String,
    pub name: String,
    pub bio: String,
    pub pronouns: String,
    pub linkedin_url: String,
    pub photo_upload_id: String,
    /// `on` to take the spotlight's photo away.
    pub remove_photo: String,
}

/// A saved block, for the page to go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedBlock {
    pub id: i64,
    pub stage_id: Option<i64>,
}

/// What regrouping did, in sentences for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regrouped {
    pub notes: Vec<String>,
}

/// An image stored by the block image route, for the block form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedImage {
    pub upload_id: String,
    pub url: String,
}

/// `all` or a stage id, as the `stage` query parameter carries it.
pub fn stage_param(stage_id: Option<i64>) -> String {
    stage_id.map_or_else(|| "all".to_owned(), |id| id.to_string())
}

/// `/admin/jobs/<id>/portal?<pairs>#<anchor>`, leaving out empty values.
pub fn editor_href(job_id: i64, pairs: &[(&str, &str)], anchor: &str) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", crate::components::forms::percent_encode(value)))
        .collect();
    let mut href = format!("/admin/jobs/{job_id}/portal");
    if !query.is_empty() {
        href.push('?');
        href.push_str(&query.join("&"));
    }
    if !anchor.is_empty() {
        href.push('#');
        href.push_str(anchor);
    }
    href
}

/// What a form changed, for the status line after it (`saved=<code>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    StageRenamed,
    StageHidden,
    StageShown,
    StageMoved,
    Grouping,
    /// Regrouping removed stages (and moved their blocks).
    GroupingMerged,
    Block,
    BlockMoved,
    BlockDeleted,
    Options,
    Template,
    Reset,
}

impl Change {
    pub const ALL: [Change; 12] = [
        Change::StageRenamed,
        Change::StageHidden,
        Change::StageShown,
        Change::StageMoved,
        Change::Grouping,
        Change::GroupingMerged,
        Change::Block,
        Change::BlockMoved,
        Change::BlockDeleted,
        Change::Options,
        Change::Template,
        Change::Reset,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Change::StageRenamed => "stage-renamed",
            Change::StageHidden => "stage-hidden",
            Change::StageShown => "stage-shown",
            Change::StageMoved => "stage-moved",
            Change::Grouping => "grouping",
            Change::GroupingMerged => "grouping-merged",
            Change::Block => "block",
            Change::BlockMoved => "block-moved",
            Change::BlockDeleted => "block-deleted",
            Change::Options => "options",
            Change::Template => "template",
            Change::Reset => "reset",
        }
    }

    pub fn parse(code: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The page section whose status line reports it.
    pub fn section(self) -> &'static str {
        match self {
            Change::StageRenamed
            | Change::StageHidden
            | Change::StageShown
            | Change::StageMoved => "stages",
            Change::Grouping | Change::GroupingMerged => "grouping",
            Change::Block | Change::BlockMoved | Change::BlockDeleted => "content",
            Change::Options => "options",
            Change::Template | Change::Reset => "template",
        }
    }

    /// Where the page scrolls to afterwards (a block's own id when known).
    pub fn anchor(self) -> &'static str {
        match self.section() {
            "stages" => "stages-heading",
            "grouping" => "grouping-heading",
            "content" => "content-heading",
            "options" => "options-heading",
            _ => "template-heading",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Change::StageRenamed => "Stage renamed.",
            Change::StageHidden => "Stage hidden from candidates' timelines.",
            Change::StageShown => "Stage shown on candidates' timelines again.",
            Change::StageMoved => "Stage moved.",
            Change::Grouping => "Grouping saved.",
            Change::GroupingMerged => {
                "Grouping saved. Stages left without Greenhouse stages were removed; their blocks moved to the stage that took their first Greenhouse stage."
            }
            Change::Block => "Block saved.",
            Change::BlockMoved => "Block moved.",
            Change::BlockDeleted => "Block deleted.",
            Change::Options => "Options saved.",
            Change::Template => "Template saved: jobs activated from now on start from it.",
            Change::Reset => "The portal's blocks are the template's again.",
        }
    }
}

/// Where the editor goes after `change`: the same stage's blocks (`stage`,
/// when known), the status line saying what happened, and the block or
/// section concerned in view.
pub fn landing(job_id: i64, change: Change, stage: Option<String>, block: Option<i64>) -> String {
    let anchor = block.map_or_else(|| change.anchor().to_owned(), |id| format!("block-{id}"));
    let stage = stage.unwrap_or_default();
    editor_href(
        job_id,
        &[("stage", stage.as_str()), ("saved", change.code())],
        &anchor,
    )
}

/// The field a stage's name is reported under (`stage-<id>-name`).
pub fn stage_name_field(stage_id: i64) -> String {
    format!("stage-{stage_id}-name")
}

/// Where the block image upload form posts (multipart, field `image`).
pub fn image_upload_path(job_id: i64) -> String {
    format!("/admin/jobs/{job_id}/portal/images")
}

/// Where "Preview as a candidate" goes (`?stage=<portal stage id>`).
pub fn preview_path(job_id: i64) -> String {
    format!("/admin/jobs/{job_id}/portal/preview")
}

/// The editor's landing after a plain (no-JavaScript) form post.
#[cfg(feature = "ssr")]
fn land<T>(result: &Result<T, AppError>, landing: impl FnOnce(&T) -> String) {
    crate::ssr::context::after_plain_form_post(result, landing);
}

/// The editor page's data (anyone signed in who may see the job).
#[server(endpoint = "get_portal_editor")]
pub async fn get_portal_editor(job_id: i64) -> Result<PortalEditor, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    with_recruiter(Role::Viewer, "viewing portals", |state, me| async move {
        portal_editor::load(&state, &me, job_id).await
    })
    .await
}

/// One page of the job's candidates, with the stage each one sees.
#[server(endpoint = "get_portal_candidates")]
pub async fn get_portal_candidates(
    job_id: i64,
    #[server(default)] page: u64,
) -> Result<PortalCandidates, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    with_recruiter(Role::Viewer, "viewing portals", |state, me| async move {
        portal_editor::candidates(&state.db, &me, job_id, page).await
    })
    .await
}

/// Renames a candidate-facing stage (1–80 characters).
#[server(endpoint = "rename_portal_stage")]
pub async fn rename_portal_stage(
    job_id: i64,
    stage_id: i64,
    #[server(default)] name: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::rename_stage(&state.db, &me, job_id, stage_id, &name).await
    })
    .await;
    land(&result, |_| {
        landing(job_id, Change::StageRenamed, None, None)
    });
    result
}

/// Hides a stage from candidates' timelines, or shows it again.
#[server(endpoint = "set_portal_stage_hidden")]
pub async fn set_portal_stage_hidden(
    job_id: i64,
    stage_id: i64,
    hidden: bool,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::set_stage_hidden(&state.db, &me, job_id, stage_id, hidden).await
    })
    .await;
    let change = if hidden {
        Change::StageHidden
    } else {
        Change::StageShown
    };
    land(&result, |_| landing(job_id, change, None, None));
    result
}

/// Moves a stage one place `up` or `down` on the timeline.
#[server(endpoint = "move_portal_stage")]
pub async fn move_portal_stage(
    job_id: i64,
    stage_id: i64,
    direction: String,
) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::move_stage(&state.db, &me, job_id, stage_id, &direction).await
    })
    .await;
    land(&result, |_| landing(job_id, Change::StageMoved, None, None));
    result
}

/// Puts each Greenhouse stage (`assign[<greenhouse stage id>]`) into a
/// candidate-facing stage (its id, or `new` for a stage of its own).
#[server(endpoint = "group_portal_stages")]
pub async fn group_portal_stages(
    job_id: i64,
    #[server(default)] assign: HashMap<String, String>,
) -> Result<Regrouped, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::group_stages(&state.db, &me, job_id, &assign).await
    })
    .await;
    land(&result, |done| {
        let change = if done.notes.is_empty() {
            Change::Grouping
        } else {
            Change::GroupingMerged
        };
        landing(job_id, change, None, None)
    });
    result
}

/// Adds a block (`block[block_id]` empty) or saves one.
#[server(endpoint = "save_content_block")]
pub async fn save_content_block(job_id: i64, block: BlockForm) -> Result<SavedBlock, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::save_block(&state.db, &me, job_id, &block).await
    })
    .await;
    land(&result, |saved| {
        landing(
            job_id,
            Change::Block,
            Some(stage_param(saved.stage_id)),
            Some(saved.id),
        )
    });
    result
}

/// Moves a block one place `up` or `down` among its stage's blocks.
#[server(endpoint = "move_content_block")]
pub async fn move_content_block(
    job_id: i64,
    block_id: i64,
    direction: String,
) -> Result<SavedBlock, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::move_block(&state.db, &me, job_id, block_id, &direction).await
    })
    .await;
    land(&result, |saved| {
        landing(
            job_id,
            Change::BlockMoved,
            Some(stage_param(saved.stage_id)),
            Some(saved.id),
        )
    });
    result
}

/// Deletes a block.
#[server(endpoint = "delete_content_block")]
pub async fn delete_content_block(job_id: i64, block_id: i64) -> Result<SavedBlock, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::portal_editor, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        portal_editor::delete_block(&state.db, &me, job_id, block_id).await
    })
    .await;
    land(&result, |saved| {
        landing(
            job_id,
            Change::BlockDeleted,
            Some(stage_param(saved.stage_id)),
            None,
        )
    });
    result
}

/// Saves the invite email toggle, the outcome messages and how long
/// rejected candidates keep access.
#[server(endpoint = "save_portal_options")]
pub async fn save_portal_options(
    job_id: i64,
    #[server(default)] invite_enabled: String,
    #[server(default)] offer_message: String,
    #[server(default)] hired_message: String,
    #[server(default)] rejected_message: String,
    #[server(default)] rejected_access_days: String,
) -> Result<PortalOptions, AppError> {
    use crate::domain::Role;
    use crate::ssr::services::portal_editor::{self, OptionsInput};
    use crate::ssr::with_recruiter;
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        let input = OptionsInput {
            invite_enabled: !invite_enabled.is_empty() && invite_enabled != "false",
            offer_message,
            hired_message,
            rejected_message,
            rejected_access_days,
        };
        portal_editor::save_options(&state.db, &me, job_id, &input).await
    })
    .await;
    land(&result, |_| landing(job_id, Change::Options, None, None));
    result
}

/// Saves this portal's blocks as the organization's default template
/// (`scope` = `organization`) or its department's (`department`).
#[server(endpoint = "save_portal_template")]
pub async fn save_portal_template(job_id: i64, scope: String) -> Result<String, AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::templates, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        templates::save_from_job(&state.db, &me, job_id, &scope).await
    })
    .await;
    land(&result, |_| landing(job_id, Change::Template, None, None));
    result
}

/// Replaces the portal's blocks with what its template gives.
#[server(endpoint = "reset_portal_to_template")]
pub async fn reset_portal_to_template(job_id: i64) -> Result<(), AppError> {
    use crate::domain::Role;
    use crate::ssr::{services::templates, with_recruiter};
    let result = with_recruiter(Role::Editor, "editing portals", |state, me| async move {
        templates::reset_job(&state.db, &me, job_id).await
    })
    .await;
    land(&result, |_| landing(job_id, Change::Reset, None, None));
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_links_skip_empty_values_and_encode_the_rest() {
        assert_eq!(editor_href(7, &[], ""), "/admin/jobs/7/portal");
        assert_eq!(
            editor_href(
                7,
                &[("stage", "all"), ("add", ""), ("saved", "a b")],
                "block-3"
            ),
            "/admin/jobs/7/portal?stage=all&saved=a%20b#block-3"
        );
        assert_eq!(stage_param(None), "all");
        assert_eq!(stage_param(Some(12)), "12");
    }

    #[test]
    fn changes_round_trip_and_land_where_they_belong() {
        for change in Change::ALL {
            assert_eq!(Change::parse(change.code()), Some(change));
            assert!(!change.message().is_empty());
        }
        assert_eq!(Change::parse("<script>"), None);
        assert_eq!(
            landing(4, Change::Block, Some("9".into()), Some(31)),
            "/admin/jobs/4/portal?stage=9&saved=block#block-31"
        );
        assert_eq!(
            landing(4, Change::StageRenamed, None, None),
            "/admin/jobs/4/portal?saved=stage-renamed#stages-heading"
        );
        assert_eq!(stage_name_field(5), "stage-5-name");
    }

    #[test]
    fn people_are_labelled_with_their_title() {
        let mut person = PersonOption {
            id: 1,
            name: "Ada".into(),
            title: Some("Engineer".into()),
            on_job: true,
        };
        assert_eq!(person.label(), "Ada, Engineer");
        person.title = None;
        assert_eq!(person.label(), "Ada");
    }
}
