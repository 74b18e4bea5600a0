//! `/admin/jobs/:job_id/portal`: a job's portal editor. Candidate-facing
//! stages (rename, hide, reorder, group Greenhouse stages), content blocks
//! per stage or for all stages (add, edit, reorder, delete, with a preview
//! of what candidates see), portal options, templates, a "preview as a
//! candidate" form and the job's candidates with the stage each one sees.
//!
//! What the page shows besides the data lives in the URL: which stage's
//! blocks (`stage`), the open add or edit form (`add`, `edit`), a delete or
//! reset waiting for confirmation (`delete`, `confirm=reset`), an image just
//! uploaded (`upload_id`, `photo_upload_id`) and what was just saved
//! (`saved`). So everything works without JavaScript: links open forms,
//! forms post and the server redirects back here. Hydrated, the same links
//! and forms work in place.

use crate::api::jobs::ActivateJob;
use crate::api::portal_editor::{
    BlockForm, Change, DeleteContentBlock, EditorBlock, EditorPortal, EditorStage,
    GroupPortalStages, MAX_REJECTED_ACCESS_DAYS, MAX_STAGE_NAME, MoveContentBlock, MovePortalStage,
    PersonOption, PortalCandidates, PortalEditor, PortalOptions, RenamePortalStage,
    ResetPortalToTemplate, SaveContentBlock, SavePortalOptions, SavePortalTemplate,
    SetPortalStageHidden, TemplateState, UploadedImage, editor_href, get_portal_candidates,
    get_portal_editor, image_upload_path, landing, preview_path, stage_name_field, stage_param,
};
use crate::api::settings::{MAX_IMAGE_SIDE, MAX_UPLOAD_BYTES, UploadRefusal};
use crate::components::blocks::BlockList;
use crate::components::error_panel::ErrorPanel;
use crate::components::forms::{FieldError, FormError, action_error, form_of, post_form_for_json};
use crate::components::page_header::PageHeader;
use crate::components::time::{format_date, format_utc};
use crate::domain::blocks::{BLOCK_KINDS, BlockContent, BlockView, MAX_LINE, format_links};
use crate::error::AppError;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

/// The page's state in the URL (see the module comment).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct UrlState {
    /// `all` or a stage id.
    stage: String,
    add: String,
    edit: Option<i64>,
    delete: Option<i64>,
    confirm_reset: bool,
    upload_id: String,
    photo_upload_id: String,
    /// `image` or `photo`: which upload `image_error` concerns.
    image_for: String,
    image_error: Option<UploadRefusal>,
    saved: Option<Change>,
    page: u64,
}

/// An upload id as the server makes them; anything else in the URL is ignored.
fn upload_id_param(text: Option<String>) -> String {
    text.filter(|id| {
        (16..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    })
    .unwrap_or_default()
}

fn url_state() -> Memo<UrlState> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let get = |name: &str| query.get(name).unwrap_or_default();
        let id = |name: &str| get(name).parse::<i64>().ok();
        let stage = get("stage");
        UrlState {
            stage: if stage.is_empty() {
                "all".to_owned()
            } else {
                stage
            },
            add: get("add"),
            edit: id("edit"),
            delete: id("delete"),
            confirm_reset: get("confirm") == "reset",
            upload_id: upload_id_param(query.get("upload_id")),
            photo_upload_id: upload_id_param(query.get("photo_upload_id")),
            image_for: get("image_for"),
            image_error: UploadRefusal::from_code(&get("image_error")),
            saved: Change::parse(&get("saved")),
            page: get("page").parse().unwrap_or(1),
        }
    })
}

impl UrlState {
    /// The stage whose blocks are shown: `None` for all stages.
    fn stage_id(&self) -> Option<i64> {
        self.stage.parse().ok()
    }

    /// This page with the stage kept and `pairs` added.
    fn href(&self, job_id: i64, pairs: &[(&str, &str)], anchor: &str) -> String {
        let mut all = vec![("stage", self.stage.as_str())];
        all.extend_from_slice(pairs);
        editor_href(job_id, &all, anchor)
    }
}

/// Every form of the page, made once so their results outlive re-renders.
#[derive(Clone, Copy)]
struct Actions {
    rename: ServerAction<RenamePortalStage>,
    hide: ServerAction<SetPortalStageHidden>,
    move_stage: ServerAction<MovePortalStage>,
    group: ServerAction<GroupPortalStages>,
    save_block: ServerAction<SaveContentBlock>,
    move_block: ServerAction<MoveContentBlock>,
    delete_block: ServerAction<DeleteContentBlock>,
    options: ServerAction<SavePortalOptions>,
    template: ServerAction<SavePortalTemplate>,
    reset: ServerAction<ResetPortalToTemplate>,
    activate: ServerAction<ActivateJob>,
}

impl Actions {
    fn new() -> Self {
        Self {
            rename: ServerAction::new(),
            hide: ServerAction::new(),
            move_stage: ServerAction::new(),
            group: ServerAction::new(),
            save_block: ServerAction::new(),
            move_block: ServerAction::new(),
            delete_block: ServerAction::new(),
            options: ServerAction::new(),
            template: ServerAction::new(),
            reset: ServerAction::new(),
            activate: ServerAction::new(),
        }
    }

    /// Changes whenever any form finished: the page's data is read again.
    fn version(&self) -> usize {
        [
            self.rename.version().get(),
            self.hide.version().get(),
            self.move_stage.version().get(),
            self.group.version().get(),
            self.save_block.version().get(),
            self.move_block.version().get(),
            self.delete_block.version().get(),
            self.options.version().get(),
            self.template.version().get(),
            self.reset.version().get(),
            self.activate.version().get(),
        ]
        .iter()
        .sum()
    }

    /// Hydrated: after a form succeeded, go where the server would have
    /// redirected a plain post (closing the form, saying what was saved).
    fn follow(self, job_id: Memo<i64>, url: Memo<UrlState>) {
        let stay = move |change: Change| {
            let stage = url.with_untracked(|u| u.stage.clone());
            landing(job_id.get_untracked(), change, Some(stage), None)
        };
        follow(self.rename, move |_| stay(Change::StageRenamed));
        follow(self.hide, move |_| stay(Change::StageHidden));
        follow(self.move_stage, move |_| stay(Change::StageMoved));
        follow(self.group, move |done| {
            stay(if done.notes.is_empty() {
                Change::Grouping
            } else {
                Change::GroupingMerged
            })
        });
        let block = move |change: Change, saved: &crate::api::portal_editor::SavedBlock| {
            landing(
                job_id.get_untracked(),
                change,
                Some(stage_param(saved.stage_id)),
                Some(saved.id),
            )
        };
        follow(self.save_block, move |saved| block(Change::Block, saved));
        follow(self.move_block, move |saved| {
            block(Change::BlockMoved, saved)
        });
        follow(self.delete_block, move |saved| {
            landing(
                job_id.get_untracked(),
                Change::BlockDeleted,
                Some(stage_param(saved.stage_id)),
                None,
            )
        });
        follow(self.options, move |_| stay(Change::Options));
        follow(self.template, move |_| stay(Change::Template));
        follow(self.reset, move |_| stay(Change::Reset));
    }
}

fn follow<S>(action: ServerAction<S>, to: impl Fn(&S::Output) -> String + 'static)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(output)) = action.value().get() {
            navigate(&to(&output), NavigateOptions::default());
        }
    });
}

#[component]
pub fn PortalEditorPage() -> impl IntoView {
    let params = use_params_map();
    let job_id = Memo::new(move |_| {
        params
            .read()
            .get("job_id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let url = url_state();
    let actions = Actions::new();
    actions.follow(job_id, url);
    let editor = Resource::new(
        move || (job_id.get(), actions.version()),
        |(id, _)| get_portal_editor(id),
    );
    let candidates = Resource::new(
        move || (job_id.get(), url.with(|u| u.page), actions.version()),
        |(id, page, _)| get_portal_candidates(id, page),
    );
    view! {
        <Transition fallback=|| view! { <p class="muted">"Loading the portal…"</p> }>
            {move || Suspend::new(async move {
                match editor.await {
                    Ok(editor) => view! { <Editor editor actions url candidates /> }.into_any(),
                    Err(error) => view! {
                        <PageHeader title="Portal" />
                        <ErrorPanel error />
                        <p><a href="/admin/jobs/active">"Back to the Active tab"</a></p>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Editor(
    editor: PortalEditor,
    actions: Actions,
    url: Memo<UrlState>,
    candidates: Resource<Result<PortalCandidates, AppError>>,
) -> impl IntoView {
    let job_id = editor.job.id;
    let can_edit = editor.can_edit;
    let description = match &editor.portal {
        Some(portal) if portal.active => "This job's portal is active: its candidates can sign in.",
        Some(_) => {
            "This job's portal is not active; activate the job on the ATS tab. What you write here is kept."
        }
        None => "This job has no portal yet: activate it to write content for its candidates.",
    };
    let body = match editor.portal {
        None => view! { <NoPortal job_id can_edit activate=actions.activate /> }.into_any(),
        Some(portal) => {
            let portal = StoredValue::new(portal);
            view! {
                <PreviewForm job_id portal />
                <StagesSection job_id portal can_edit actions url />
                <ContentSection job_id portal can_edit actions url />
                <TemplateSection
                    job_id
                    portal
                    can_edit
                    department=editor.department.map(|d| d.name)
                    actions
                    url
                />
                <OptionsSection job_id options=portal.with_value(|p| p.options.clone()) can_edit action=actions.options url />
            }
            .into_any()
        }
    };
    view! {
        <PageHeader title=format!("Portal: {}", editor.job.name) description>
            <a class="button button-secondary" href=editor.portal_url rel="external">"Candidate view"</a>
        </PageHeader>
        <p><a href="/admin/jobs/active">"Back to the Active tab"</a></p>
        {(!can_edit).then(|| view! {
            <p class="notice notice-info">"You can look at this portal; only editors and admins can change it."</p>
        })}
        <div class="portal-editor">
            {body}
            <CandidatesSection job_id candidates url />
        </div>
    }
}

#[component]
fn NoPortal(job_id: i64, can_edit: bool, activate: ServerAction<ActivateJob>) -> impl IntoView {
    let error = action_error(activate);
    view! {
        <section class="card empty-state" aria-labelledby="no-portal-heading">
            <h2 id="no-portal-heading">"No portal yet"</h2>
            <p>"Activating the job gives its candidates a portal, which starts from your department's or organization's template when there is one."</p>
            {can_edit.then(|| view! {
                <ActionForm action=activate>
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <button type="submit" class="button">"Activate this job"</button>
                </ActionForm>
            })}
            <FormError error />
        </section>
    }
}

/// A quiet confirmation of what `section`'s last change did.
#[component]
fn Saved(url: Memo<UrlState>, section: &'static str) -> impl IntoView {
    let message = move || {
        url.with(|u| u.saved)
            .filter(|change| change.section() == section)
            .map(Change::message)
    };
    view! {
        <p class="status-line status-success" role="status" aria-live="polite">{message}</p>
    }
}

/// The message for `field` (a field name made at run time, unlike
/// `FieldError`'s), under its input.
#[component]
fn FieldMessage(error: Signal<Option<AppError>>, field: String, id: String) -> impl IntoView {
    let message = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.field() == Some(field.as_str()))
            .map(|e| e.to_string())
    });
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message.get().is_none()>{message}</p>
    }
}

/// An error not shown next to a field (`inline` says which fields are).
#[component]
fn Problem(error: Signal<Option<AppError>>, inline: fn(&str) -> bool) -> impl IntoView {
    let shown = move || error.get().filter(|e| e.field().is_none_or(|f| !inline(f)));
    view! { {move || shown().map(|error| view! { <ErrorPanel error /> })} }
}

fn invalid(error: Signal<Option<AppError>>, field: String) -> impl Fn() -> &'static str {
    move || {
        if error
            .get()
            .is_some_and(|e| e.field() == Some(field.as_str()))
        {
            "true"
        } else {
            "false"
        }
    }
}

#[component]
fn PreviewForm(job_id: i64, portal: StoredValue<EditorPortal>) -> impl IntoView {
    let stages = portal.with_value(|p| p.stages.clone());
    view! {
        <section class="card editor-preview" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            {if stages.is_empty() {
                view! { <p class="muted">"The job has no stages in Greenhouse yet, so there is nothing to preview."</p> }.into_any()
            } else {
                view! {
                    <form method="get" action=preview_path(job_id) class="inline-form">
                        <label for="preview-stage">"Preview as a candidate at stage"</label>
                        <select id="preview-stage" name="stage">
                            {stages.into_iter().map(|stage| {
                                let label = if stage.hidden {
                                    format!("{} (hidden)", stage.name)
                                } else {
                                    stage.name.clone()
                                };
                                view! { <option value=stage.id.to_string()>{label}</option> }
                            }).collect_view()}
                        </select>
                        <button type="submit" class="button button-secondary">"Preview"</button>
                    </form>
                }.into_any()
            }}
        </section>
    }
}

// ---- stages -------------------------------------------------------------

fn is_stage_name_field(field: &str) -> bool {
    field.starts_with("stage-") && field.ends_with("-name")
}

#[component]
fn StagesSection(
    job_id: i64,
    portal: StoredValue<EditorPortal>,
    can_edit: bool,
    actions: Actions,
    url: Memo<UrlState>,
) -> impl IntoView {
    let stages = portal.with_value(|p| p.stages.clone());
    let count = stages.len();
    let rename_error = action_error(actions.rename);
    let hide_error = action_error(actions.hide);
    let move_error = action_error(actions.move_stage);
    let rows = stages
        .into_iter()
        .enumerate()
        .map(|(index, stage)| {
            view! {
                <StageRow
                    job_id
                    stage
                    number=index + 1
                    last=index + 1 == count
                    can_edit
                    actions
                    rename_error
                />
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="stages-heading">
            <h2 id="stages-heading">"Candidate-facing stages"</h2>
            <p class="form-hint">"The stages on candidates' timelines, in order. Each groups one or more of the job's Greenhouse stages; rename them in words candidates understand, or hide internal ones."</p>
            <Saved url section="stages" />
            <Problem error=rename_error inline=is_stage_name_field />
            <FormError error=hide_error />
            <FormError error=move_error />
            {if count == 0 {
                view! { <p>"Greenhouse has no interview stages for this job yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table stage-table">
                            <caption class="visually-hidden">"Candidate-facing stages"</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Stage"</th>
                                    <th scope="col">"Greenhouse stages"</th>
                                    <th scope="col">"On the timeline"</th>
                                    <th scope="col">"Order"</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {can_edit.then(|| view! { <GroupingForm job_id portal action=actions.group url /> })}
        </section>
    }
}

#[component]
fn StageRow(
    job_id: i64,
    stage: EditorStage,
    number: usize,
    last: bool,
    can_edit: bool,
    actions: Actions,
    rename_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field = stage_name_field(stage.id);
    let error_id = format!("{field}-error");
    let stage_name = stage.name.clone();
    let blocks = match stage.blocks {
        0 => String::new(),
        1 => " · 1 block".to_owned(),
        n => format!(" · {n} blocks"),
    };
    let name_cell = if can_edit {
        view! {
            <ActionForm action=actions.rename attr:class="inline-form">
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="stage_id" value=stage.id.to_string() />
                <label class="visually-hidden" for=field.clone()>{format!("Name of stage {number}")}</label>
                <input
                    type="text"
                    class="input stage-name"
                    id=field.clone()
                    name="name"
                    value=stage_name
                    required
                    maxlength=MAX_STAGE_NAME.to_string()
                    aria-describedby=error_id.clone()
                    aria-invalid=invalid(rename_error, field.clone())
                />
                <button type="submit" class="button button-small">
                    "Rename"<span class="visually-hidden">{format!(" stage {number}")}</span>
                </button>
                <FieldMessage error=rename_error field=field.clone() id=error_id />
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <span>{stage.name.clone()}</span> }.into_any()
    };
    let visibility = if stage.hidden {
        view! { <span class="badge badge-warning">"Hidden"</span> }.into_any()
    } else {
        view! { <span class="badge badge-ok">"Shown"</span> }.into_any()
    };
    let toggle = can_edit.then(|| {
        let (label, value) = if stage.hidden {
            ("Show", "false")
        } else {
            ("Hide", "true")
        };
        view! {
            <ActionForm action=actions.hide>
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="stage_id" value=stage.id.to_string() />
                <input type="hidden" name="hidden" value=value />
                <button type="submit" class="button button-small">
                    {label}<span class="visually-hidden">{format!(" {}", stage.name)}</span>
                </button>
            </ActionForm>
        }
    });
    let mover = move |direction: &'static str, label: &'static str| {
        view! {
            <ActionForm action=actions.move_stage>
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="stage_id" value=stage.id.to_string() />
                <input type="hidden" name="direction" value=direction />
                <button type="submit" class="button button-small">
                    {label}<span class="visually-hidden">{format!(": stage {number}")}</span>
                </button>
            </ActionForm>
        }
    };
    view! {
        <tr>
            <th scope="row">{name_cell}</th>
            <td>{stage.greenhouse.join(", ")}<span class="muted small">{blocks}</span></td>
            <td><div class="form-actions">{visibility}{toggle}</div></td>
            <td>
                {can_edit.then(|| view! {
                    <div class="form-actions">
                        {(number > 1).then(|| mover("up", "Move up"))}
                        {(!last).then(|| mover("down", "Move down"))}
                    </div>
                })}
            </td>
        </tr>
    }
}

#[component]
fn GroupingForm(
    job_id: i64,
    portal: StoredValue<EditorPortal>,
    action: ServerAction<GroupPortalStages>,
    url: Memo<UrlState>,
) -> impl IntoView {
    let (stages, greenhouse) =
        portal.with_value(|p| (p.stages.clone(), p.greenhouse_stages.clone()));
    if greenhouse.is_empty() {
        return ().into_any();
    }
    let error = action_error(action);
    let notes = move || match action.value().get() {
        Some(Ok(done)) => done.notes,
        _ => Vec::new(),
    };
    let sizes: std::collections::HashMap<i64, usize> =
        stages.iter().map(|s| (s.id, s.greenhouse.len())).collect();
    let rows = greenhouse
        .into_iter()
        .map(|g| {
            let select_id = format!("assign-{}", g.id);
            let name = format!("assign[{}]", g.id);
            let shared = g
                .portal_stage_id
                .and_then(|id| sizes.get(&id))
                .is_some_and(|n| *n > 1);
            let options = stages
                .iter()
                .map(|stage| {
                    let selected = g.portal_stage_id == Some(stage.id);
                    view! { <option value=stage.id.to_string() selected=selected>{stage.name.clone()}</option> }
                })
                .collect_view();
            view! {
                <tr>
                    <th scope="row">{g.name.clone()}</th>
                    <td>
                        <label class="visually-hidden" for=select_id.clone()>{format!("Candidate-facing stage for {}", g.name)}</label>
                        <select id=select_id name=name>
                            {options}
                            {shared.then(|| view! { <option value="new">"A stage of its own"</option> })}
                        </select>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 id="grouping-heading">"Grouping"</h3>
        <p class="form-hint">"Choose the candidate-facing stage each Greenhouse stage belongs to; several can share one. A stage left without Greenhouse stages is removed, and its blocks move to the stage that takes its first Greenhouse stage."</p>
        <Saved url section="grouping" />
        <ul class="status-line">{move || notes().into_iter().map(|note| view! { <li>{note}</li> }).collect_view()}</ul>
        <FormError error />
        <ActionForm action attr:class="form">
            <input type="hidden" name="job_id" value=job_id.to_string() />
            <div class="table-wrap">
                <table class="table">
                    <caption class="visually-hidden">"Greenhouse stages and the candidate-facing stage each belongs to"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Greenhouse stage"</th>
                            <th scope="col">"Shown to candidates as"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <div class="form-actions">
                <button type="submit" class="button button-secondary">"Save grouping"</button>
            </div>
        </ActionForm>
    }
    .into_any()
}

// ---- content ------------------------------------------------------------

fn kind_label(kind: &str) -> &'static str {
    BLOCK_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("Block", |(_, label)| label)
}

#[component]
fn ContentSection(
    job_id: i64,
    portal: StoredValue<EditorPortal>,
    can_edit: bool,
    actions: Actions,
    url: Memo<UrlState>,
) -> impl IntoView {
    let move_error = action_error(actions.move_block);
    let delete_error = action_error(actions.delete_block);
    let chooser = move || {
        let u = url.get();
        portal.with_value(|p| {
            let all = p.blocks.iter().filter(|b| b.stage_id.is_none()).count();
            let mut tabs = vec![(None, "All stages".to_owned(), all)];
            tabs.extend(
                p.stages
                    .iter()
                    .map(|s| (Some(s.id), s.name.clone(), s.blocks)),
            );
            tabs.into_iter()
                .map(|(id, name, n)| {
                    let current = (u.stage_id() == id).then_some("page");
                    let href =
                        editor_href(job_id, &[("stage", &stage_param(id))], "content-heading");
                    view! {
                        <li>
                            <a href=href aria-current=current>
                                {name}<span class="count">{format!(" ({n})")}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let body = move || {
        let u = url.get();
        let stage_id = u.stage_id();
        portal.with_value(|p| {
            let stage = stage_id.and_then(|id| p.stages.iter().find(|s| s.id == id));
            if stage_id.is_some() && stage.is_none() {
                return view! {
                    <p class="notice notice-warning">"That stage is not part of this portal any more. "<a href=editor_href(job_id, &[], "content-heading")>"Show all stages"</a></p>
                }
                .into_any();
            }
            let heading = stage.map_or_else(|| "All stages".to_owned(), |s| s.name.clone());
            let hint = match stage {
                None => "Shown to every candidate, at every stage, before their stage's own blocks.",
                Some(s) if s.hidden => "This stage is hidden from the timeline; its blocks are shown to candidates in it all the same.",
                Some(_) => "Shown to candidates while they are in this stage.",
            };
            let blocks: Vec<EditorBlock> = p
                .blocks
                .iter()
                .filter(|b| b.stage_id == stage_id)
                .cloned()
                .collect();
            let count = blocks.len();
            let editing = u.edit.filter(|id| blocks.iter().any(|b| b.id == *id));
            let items = blocks
                .into_iter()
                .enumerate()
                .map(|(index, block)| {
                    let editor = (can_edit && editing == Some(block.id)).then(|| {
                        view! {
                            <BlockEditor
                                job_id
                                kind=block.content.kind().to_owned()
                                existing=Some(block.clone())
                                stage=u.stage.clone()
                                stages=p.stages.clone()
                                people=p.people.clone()
                                action=actions.save_block
                                url
                            />
                        }
                    });
                    view! {
                        <BlockItem
                            job_id
                            block
                            first=index == 0
                            last=index + 1 == count
                            can_edit
                            actions
                            url=u.clone()
                        />
                        {editor}
                    }
                })
                .collect_view();
            let adding = (can_edit && editing.is_none())
                .then(|| {
                    if BLOCK_KINDS.iter().any(|(k, _)| *k == u.add) {
                        view! {
                            <BlockEditor
                                job_id
                                kind=u.add.clone()
                                existing=None
                                stage=u.stage.clone()
                                stages=p.stages.clone()
                                people=p.people.clone()
                                action=actions.save_block
                                url
                            />
                        }
                        .into_any()
                    } else {
                        view! { <KindChooser job_id url=u.clone() /> }.into_any()
                    }
                });
            view! {
                <h3 id="stage-blocks-heading">{heading}</h3>
                <p class="form-hint">{hint}</p>
                {if count == 0 {
                    view! { <p class="muted">"No blocks here yet."</p> }.into_any()
                } else {
                    view! { <ol class="block-list" aria-labelledby="stage-blocks-heading">{items}</ol> }.into_any()
                }}
                {adding}
            }
            .into_any()
        })
    };
    view! {
        <section class="card" aria-labelledby="content-heading">
            <h2 id="content-heading">"Content for candidates"</h2>
            <Saved url section="content" />
            <FormError error=move_error />
            <FormError error=delete_error />
            <nav class="stage-chooser" aria-label="Content of">
                <ul>{chooser}</ul>
            </nav>
            {body}
        </section>
    }
}

#[component]
fn KindChooser(job_id: i64, url: UrlState) -> impl IntoView {
    view! {
        <div class="add-block">
            <h3 id="add-block-heading">"Add a block"</h3>
            <ul class="kind-chooser" aria-labelledby="add-block-heading">
                {BLOCK_KINDS.iter().map(|(kind, label)| {
                    let href = url.href(job_id, &[("add", kind)], "block-form");
                    view! { <li><a class="button button-small" href=href>{*label}</a></li> }
                }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn BlockItem(
    job_id: i64,
    block: EditorBlock,
    first: bool,
    last: bool,
    can_edit: bool,
    actions: Actions,
    url: UrlState,
) -> impl IntoView {
    let id = block.id;
    let kind = kind_label(block.content.kind());
    let what = block_summary(&block.content);
    let confirm = (url.delete == Some(id) && can_edit).then(|| {
        let cancel = url.href(job_id, &[], &format!("block-{id}"));
        view! {
            <div class="notice notice-warning confirm" role="group" aria-label="Confirm deleting">
                <p>{format!("Delete this {} block? Candidates will no longer see it. This cannot be undone.", kind.to_lowercase())}</p>
                <ActionForm action=actions.delete_block attr:class="form-actions">
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <input type="hidden" name="block_id" value=id.to_string() />
                    <button type="submit" class="button button-danger">"Delete block"</button>
                    <a href=cancel>"Cancel"</a>
                </ActionForm>
            </div>
        }
    });
    let controls = can_edit.then(|| {
        let edit = url.href(job_id, &[("edit", &id.to_string())], "block-form");
        let delete = url.href(job_id, &[("delete", &id.to_string())], &format!("block-{id}"));
        let suffix = format!(": {what}");
        let mover = |direction: &'static str, label: &'static str, suffix: String| {
            view! {
                <ActionForm action=actions.move_block>
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <input type="hidden" name="block_id" value=id.to_string() />
                    <input type="hidden" name="direction" value=direction />
                    <button type="submit" class="button button-small">
                        {label}<span class="visually-hidden">{suffix}</span>
                    </button>
                </ActionForm>
            }
        };
        let up = (!first).then(|| mover("up", "Move up", suffix.clone()));
        let down = (!last).then(|| mover("down", "Move down", suffix.clone()));
        view! {
            <div class="form-actions block-actions">
                <a class="button button-small" href=edit>"Edit"<span class="visually-hidden">{suffix.clone()}</span></a>
                {up}
                {down}
                <a class="button button-small" href=delete>"Delete"<span class="visually-hidden">{suffix.clone()}</span></a>
            </div>
        }
    });
    view! {
        <li class="block-item" id=format!("block-{id}")>
            <p class="block-kind"><span class="badge badge-neutral">{kind}</span></p>
            <div class="block-preview">
                <BlockPreview view=block.view />
            </div>
            {controls}
            {confirm}
        </li>
    }
}

/// A few words naming a block, for screen-reader labels of its buttons.
fn block_summary(content: &BlockContent) -> String {
    let text = match content {
        BlockContent::Markdown { title, markdown } => {
            if title.is_empty() {
                markdown.as_str()
            } else {
                title.as_str()
            }
        }
        BlockContent::Video { title, url } => {
            if title.is_empty() {
                url.as_str()
            } else {
                title.as_str()
            }
        }
        BlockContent::Faq { question, .. } => question.as_str(),
        BlockContent::Links { title, .. } => title.as_str(),
        BlockContent::Image { alt, .. } => alt.as_str(),
        BlockContent::Spotlight { name, .. } => name.as_str(),
    };
    let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = words.chars().take(40).collect();
    let kind = kind_label(content.kind());
    if short.is_empty() {
        kind.to_owned()
    } else if short.len() < words.len() {
        format!("{kind} “{short}…”")
    } else {
        format!("{kind} “{short}”")
    }
}

/// What candidates see of a block. Videos show as a link here: the
/// dashboard loads nothing from video providers.
#[component]
fn BlockPreview(view: Option<BlockView>) -> impl IntoView {
    match view {
        None => view! {
            <p class="notice notice-warning">"This block no longer passes the checks, so candidates do not see it. Edit it to fix it."</p>
        }
        .into_any(),
        Some(BlockView::Video {
            title,
            provider,
            watch_url,
            ..
        }) => view! {
            <div class="block block-video">
                {(!title.is_empty()).then(|| view! { <p class="block-title">{title}</p> })}
                <p>{format!("{provider} video: ")}<a href=watch_url.clone() rel="noopener noreferrer">{watch_url.clone()}</a></p>
            </div>
        }
        .into_any(),
        Some(other) => view! { <BlockList blocks=vec![other] /> }.into_any(),
    }
}

/// What the block form starts with: the block's fields, or empty ones.
fn initial_form(existing: Option<&EditorBlock>) -> BlockForm {
    let mut form = BlockForm::default();
    let Some(block) = existing else {
        return form;
    };
    form.block_id = block.id.to_string();
    match &block.content {
        BlockContent::Markdown { title, markdown } => {
            form.title = title.clone();
            form.markdown = markdown.clone();
        }
        BlockContent::Video { title, url } => {
            form.title = title.clone();
            form.url = url.clone();
        }
        BlockContent::Faq { question, answer } => {
            form.question = question.clone();
            form.answer = answer.clone();
        }
        BlockContent::Links { title, links } => {
            form.title = title.clone();
            form.links = format_links(links);
        }
        BlockContent::Image {
            upload_id,
            alt,
            caption,
        } => {
            form.upload_id = upload_id.clone();
            form.alt = alt.clone();
            form.caption = caption.clone();
        }
        BlockContent::Spotlight {
            greenhouse_user_id,
            name,
            title,
            bio,
            pronouns,
            linkedin_url,
            photo_upload_id,
        } => {
            form.greenhouse_user_id = greenhouse_user_id
                .map(|id| id.to_string())
                .unwrap_or_default();
            form.name = name.clone();
            form.title = title.clone();
            form.bio = bio.clone();
            form.pronouns = pronouns.clone();
            form.linkedin_url = linkedin_url.clone();
            form.photo_upload_id = photo_upload_id.clone().unwrap_or_default();
        }
    }
    form
}

/// Every field the block form shows errors next to.
const BLOCK_FIELDS: &[&str] = &[
    "title",
    "markdown",
    "url",
    "question",
    "answer",
    "links",
    "image",
    "alt",
    "caption",
    "greenhouse_user_id",
    "name",
    "bio",
    "pronouns",
    "linkedin_url",
    "photo",
];

#[component]
fn BlockEditor(
    job_id: i64,
    kind: String,
    existing: Option<EditorBlock>,
    stage: String,
    stages: Vec<EditorStage>,
    people: Vec<PersonOption>,
    action: ServerAction<SaveContentBlock>,
    url: Memo<UrlState>,
) -> impl IntoView {
    let error = action_error(action);
    let form = initial_form(existing.as_ref());
    let returned = url.get_untracked();
    // An image uploaded without JavaScript comes back in the URL.
    let image = RwSignal::new(if returned.upload_id.is_empty() {
        form.upload_id.clone()
    } else {
        returned.upload_id.clone()
    });
    let photo = RwSignal::new(if returned.photo_upload_id.is_empty() {
        form.photo_upload_id.clone()
    } else {
        returned.photo_upload_id.clone()
    });
    let label = kind_label(&kind);
    let heading = match &existing {
        Some(_) => format!("Edit {} block", label.to_lowercase()),
        None => format!("Add a {} block", label.to_lowercase()),
    };
    let block_stage = existing
        .as_ref()
        .map_or_else(|| stage.clone(), |b| stage_param(b.stage_id));
    let cancel = url.with_untracked(|u| match &existing {
        Some(block) => u.href(job_id, &[], &format!("block-{}", block.id)),
        None => u.href(job_id, &[], "content-heading"),
    });
    let submit = if existing.is_some() {
        "Save block"
    } else {
        "Add block"
    };
    let upload = match kind.as_str() {
        "image" => Some(view! { <ImageUpload job_id which="image" current=image url /> }),
        "spotlight" => Some(view! { <ImageUpload job_id which="photo" current=photo url /> }),
        _ => None,
    };
    let fields = match kind.as_str() {
        "markdown" => view! {
            <Field field="title" label="Title (optional)" value=form.title.clone() error />
            <Field field="markdown" label="Text" value=form.markdown.clone() error rows=10 required=true
                hint="Markdown: **bold**, *italic*, lists, [links](https://…) and headings. Scripts, frames and images from other sites are removed." />
        }
        .into_any(),
        "video" => view! {
            <Field field="title" label="Title (optional)" value=form.title.clone() error />
            <Field field="url" label="Video link" value=form.url.clone() error required=true input_type="url"
                hint="A YouTube, Vimeo or Loom link. Candidates load the video only when they press play." />
        }
        .into_any(),
        "faq" => view! {
            <Field field="question" label="Question" value=form.question.clone() error required=true />
            <Field field="answer" label="Answer" value=form.answer.clone() error rows=5 required=true hint="Markdown." />
        }
        .into_any(),
        "links" => view! {
            <Field field="title" label="Title (optional)" value=form.title.clone() error />
            <Field field="links" label="Links" value=form.links.clone() error rows=5 required=true
                hint="One per line: the label, a | and the address, like “Our office | https://example.com/office”." />
        }
        .into_any(),
        "image" => view! {
            <input type="hidden" name="block[upload_id]" prop:value=move || image.get() value=image.get_untracked() />
            <FieldError error field="image" id="block-image-error" />
            <Field field="alt" label="Description for people who cannot see the image" value=form.alt.clone() error required=true
                hint="Say what the image shows, in a sentence." />
            <Field field="caption" label="Caption (optional)" value=form.caption.clone() error />
        }
        .into_any(),
        _ => view! {
            <PersonSelect people selected=form.greenhouse_user_id.clone() error />
            <Field field="name" label="Name" value=form.name.clone() error
                hint="Leave empty to use the Greenhouse user's name." />
            <Field field="title" label="Job title" value=form.title.clone() error />
            <Field field="pronouns" label="Pronouns (optional)" value=form.pronouns.clone() error />
            <Field field="bio" label="Short bio (optional)" value=form.bio.clone() error rows=4 maxlength=1000 />
            <Field field="linkedin_url" label="LinkedIn (optional)" value=form.linkedin_url.clone() error input_type="url"
                hint="https://www.linkedin.com/in/…" />
            <input type="hidden" name="block[photo_upload_id]" prop:value=move || photo.get() value=photo.get_untracked() />
            <FieldError error field="photo" id="block-photo-error" />
            {move || (!photo.get().is_empty()).then(|| view! {
                <div class="form-field checkbox-field">
                    <input type="checkbox" id="block-remove_photo" name="block[remove_photo]" value="on" />
                    <label for="block-remove_photo">"Remove the photo"</label>
                </div>
            })}
        }
        .into_any(),
    };
    view! {
        <div class="block-editor" id="block-form">
            <h3 id="block-form-heading">{heading}</h3>
            {upload}
            <ActionForm action attr:class="form" attr:aria-labelledby="block-form-heading">
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="block[block_id]" value=form.block_id.clone() />
                <input type="hidden" name="block[kind]" value=kind.clone() />
                <StageSelect stages selected=block_stage />
                {fields}
                <FormError error fields=BLOCK_FIELDS />
                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || action.pending().get()>{submit}</button>
                    <a href=cancel>"Cancel"</a>
                </div>
            </ActionForm>
        </div>
    }
}

#[component]
fn StageSelect(stages: Vec<EditorStage>, selected: String) -> impl IntoView {
    view! {
        <div class="form-field">
            <label for="block-stage">"Shown at"</label>
            <select id="block-stage" name="block[stage]">
                <option value="all" selected=selected == "all">"All stages"</option>
                {stages.into_iter().map(|stage| {
                    let value = stage.id.to_string();
                    let chosen = value == selected;
                    view! { <option value=value selected=chosen>{stage.name}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// One field of the block form (`block[<field>]`), with its hint and error.
#[component]
fn Field(
    field: &'static str,
    label: &'static str,
    value: String,
    error: Signal<Option<AppError>>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional)] required: bool,
    /// A textarea of this many rows; an input when 0.
    #[prop(optional)]
    rows: u32,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = format!("block-{field}");
    let name = format!("block[{field}]");
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    let aria_invalid = invalid(error, field.to_owned());
    let input = if rows > 0 {
        let max = maxlength
            .unwrap_or(crate::domain::blocks::MAX_TEXT)
            .to_string();
        view! {
            <textarea id=id.clone() name=name rows=rows.to_string() required=required maxlength=max
                aria-describedby=described aria-invalid=aria_invalid>{value}</textarea>
        }
        .into_any()
    } else {
        let max = maxlength
            .unwrap_or(if input_type == Some("url") {
                2000
            } else {
                MAX_LINE
            })
            .to_string();
        view! {
            <input type=input_type.unwrap_or("text") id=id.clone() name=name value=value required=required
                maxlength=max aria-describedby=described aria-invalid=aria_invalid />
        }
        .into_any()
    };
    view! {
        <div class="form-field">
            <label for=id>{label}</label>
            {hint.map(|text| view! { <p class="form-hint" id=hint_id>{text}</p> })}
            {input}
            <FieldMessage error field=field.to_owned() id=error_id />
        </div>
    }
}

#[component]
fn PersonSelect(
    people: Vec<PersonOption>,
    selected: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let (on_job, others): (Vec<PersonOption>, Vec<PersonOption>) =
        people.into_iter().partition(|p| p.on_job);
    let options = |people: Vec<PersonOption>| {
        people
            .into_iter()
            .map(|person| {
                let value = person.id.to_string();
                let chosen = value == selected;
                view! { <option value=value selected=chosen>{person.label()}</option> }
            })
            .collect_view()
    };
    let on_job = (!on_job.is_empty()).then(|| {
        let options = options(on_job);
        view! { <optgroup label="This job's hiring team and interviewers">{options}</optgroup> }
    });
    let others = (!others.is_empty()).then(|| {
        let options = options(others);
        view! { <optgroup label="Everyone else in Greenhouse">{options}</optgroup> }
    });
    view! {
        <div class="form-field">
            <label for="block-greenhouse_user_id">"Greenhouse user (optional)"</label>
            <p class="form-hint" id="block-greenhouse_user_id-hint">"Link the spotlight to an interviewer: candidates then see it next to that interviewer too."</p>
            <select id="block-greenhouse_user_id" name="block[greenhouse_user_id]"
                aria-describedby="block-greenhouse_user_id-hint block-greenhouse_user_id-error"
                aria-invalid=invalid(error, "greenhouse_user_id".to_owned())>
                <option value="" selected=selected.is_empty()>"Nobody in Greenhouse"</option>
                {on_job}
                {others}
            </select>
            <FieldError error field="greenhouse_user_id" id="block-greenhouse_user_id-error" />
        </div>
    }
}

/// Uploads the picture of an image block (`slot` = `image`) or a
/// spotlight's photo (`photo`) and puts its id into the block form.
#[component]
fn ImageUpload(
    job_id: i64,
    /// `image` or `photo`.
    which: &'static str,
    current: RwSignal<String>,
    url: Memo<UrlState>,
) -> impl IntoView {
    let returned = url.get_untracked();
    let slot = which;
    let refused = (returned.image_for == slot)
        .then_some(returned.image_error)
        .flatten();
    let error = RwSignal::new(refused.map(UploadRefusal::message));
    let status = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let (label, noun) = if slot == "photo" {
        ("Photo (optional)", "photo")
    } else {
        ("Image", "image")
    };
    let rules = format!(
        "PNG, JPEG or WebP, up to {} MB and {MAX_IMAGE_SIDE} × {MAX_IMAGE_SIDE} pixels. Upload it first, then fill in the rest and save the block.",
        MAX_UPLOAD_BYTES / (1024 * 1024)
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(form) = form_of(&ev) else {
            return;
        };
        busy.set(true);
        error.set(None);
        status.set(Some(format!("Uploading the {noun}…")));
        leptos::task::spawn_local(async move {
            match upload_image(&form, job_id).await {
                Ok(uploaded) => {
                    current.set(uploaded.upload_id);
                    status.set(Some(format!(
                        "Uploaded. Save the block to show the new {noun}."
                    )));
                    form.reset();
                }
                Err(problem) => {
                    status.set(None);
                    error.set(Some(problem.to_string()));
                }
            }
            busy.set(false);
        });
    };
    let input_id = format!("upload-{slot}");
    let hint_id = format!("upload-{slot}-hint");
    let error_id = format!("upload-{slot}-error");
    let described = format!("{hint_id} {error_id}");
    let state = url.with_untracked(|u| {
        (
            u.stage.clone(),
            u.add.clone(),
            u.edit.map(|id| id.to_string()).unwrap_or_default(),
        )
    });
    view! {
        <form
            class="form upload-form"
            method="post"
            action=image_upload_path(job_id)
            enctype="multipart/form-data"
            on:submit=on_submit
        >
            <input type="hidden" name="for" value=slot />
            <input type="hidden" name="stage" value=state.0 />
            <input type="hidden" name="add" value=state.1 />
            <input type="hidden" name="edit" value=state.2 />
            <div class="form-field">
                <label for=input_id.clone()>{label}</label>
                <p class="form-hint" id=hint_id>{rules}</p>
                {move || {
                    let id = current.get();
                    (!id.is_empty()).then(|| view! {
                        <img class="upload-preview" src=format!("/uploads/{id}") alt=format!("The {noun} this block shows") />
                    })
                }}
                <input
                    type="file"
                    id=input_id
                    name="image"
                    accept="image/png,image/jpeg,image/webp"
                    required
                    aria-describedby=described
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                />
                <p class="field-error" id=error_id role="alert" hidden=move || error.get().is_none()>
                    {move || error.get()}
                </p>
            </div>
            <div class="form-actions">
                <button type="submit" class="button button-secondary" disabled=move || busy.get()>
                    {format!("Upload {noun}")}
                </button>
                <span class="status-line" role="status" aria-live="polite">{move || status.get()}</span>
            </div>
        </form>
    }
}

/// Uploads the form's image for this job's blocks.
async fn upload_image(
    form: &web_sys::HtmlFormElement,
    job_id: i64,
) -> Result<UploadedImage, AppError> {
    post_form_for_json(form, &image_upload_path(job_id), || {
        AppError::invalid("image", UploadRefusal::TooLarge.message())
    })
    .await
}

// ---- templates ----------------------------------------------------------

#[component]
fn TemplateSection(
    job_id: i64,
    portal: StoredValue<EditorPortal>,
    can_edit: bool,
    department: Option<String>,
    actions: Actions,
    url: Memo<UrlState>,
) -> impl IntoView {
    let (template, organization, department_template, blocks) = portal.with_value(|p| {
        (
            p.template.clone(),
            p.organization_template.clone(),
            p.department_template.clone(),
            p.blocks.len(),
        )
    });
    let template_error = action_error(actions.template);
    let reset_error = action_error(actions.reset);
    let state = template.map(|t| {
        view! { <TemplateStatus job_id template=t blocks can_edit action=actions.reset url /> }
            .into_any()
    });
    let state = state.unwrap_or_else(|| {
        view! { <p>"This portal did not start from a template."</p> }.into_any()
    });
    let replaces = |saved: Option<crate::api::portal_editor::SavedTemplate>| {
        saved.map(|t| {
            format!(
                "Replaces “{}” ({} blocks, saved {}).",
                t.name,
                t.blocks,
                format_date(&t.updated_at)
            )
        })
    };
    let organization_note = replaces(organization);
    let department_note = replaces(department_template);
    let save = can_edit.then(|| {
        let department_form = department.map(|name| {
            view! {
                <ActionForm action=actions.template attr:class="inline-form">
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <input type="hidden" name="scope" value="department" />
                    <button type="submit" class="button button-secondary">
                        {format!("Save as template for department {name}")}
                    </button>
                    {department_note.map(|note| view! { <span class="form-hint">{note}</span> })}
                </ActionForm>
            }
        });
        view! {
            <p class="form-hint">"Save this portal's blocks as a template: jobs activated later start from their department's template, or else the organization default. Blocks go to the stages with the same Greenhouse stage names."</p>
            <ActionForm action=actions.template attr:class="inline-form">
                <input type="hidden" name="job_id" value=job_id.to_string() />
                <input type="hidden" name="scope" value="organization" />
                <button type="submit" class="button button-secondary">"Save as organization default template"</button>
                {organization_note.map(|note| view! { <span class="form-hint">{note}</span> })}
            </ActionForm>
            {department_form}
        }
    });
    view! {
        <section class="card" aria-labelledby="template-heading">
            <h2 id="template-heading">"Template"</h2>
            <Saved url section="template" />
            <FormError error=template_error />
            <FormError error=reset_error />
            {state}
            {save}
        </section>
    }
}

#[component]
fn TemplateStatus(
    job_id: i64,
    template: TemplateState,
    blocks: usize,
    can_edit: bool,
    action: ServerAction<ResetPortalToTemplate>,
    url: Memo<UrlState>,
) -> impl IntoView {
    let Some(name) = template.name.clone() else {
        return view! {
            <p>"This portal started from a template that has since been removed."</p>
        }
        .into_any();
    };
    let differs = template.differs.then(|| {
        let template_blocks = template.template_blocks;
        let reset = can_edit.then_some(move || {
                let u = url.get();
                if u.confirm_reset {
                    let cancel = u.href(job_id, &[], "template-heading");
                    view! {
                        <div class="notice notice-warning confirm" role="group" aria-label="Confirm reset">
                            <p>{format!(
                                "Reset to template “{name}”? This portal's {blocks} {} will be replaced by the template's {} {}. This cannot be undone.",
                                if blocks == 1 { "block" } else { "blocks" },
                                template_blocks,
                                if template_blocks == 1 { "block" } else { "blocks" },
                            )}</p>
                            <ActionForm action attr:class="form-actions">
                                <input type="hidden" name="job_id" value=job_id.to_string() />
                                <button type="submit" class="button button-danger">"Reset to template"</button>
                                <a href=cancel>"Cancel"</a>
                            </ActionForm>
                        </div>
                    }
                    .into_any()
                } else {
                    let confirm = u.href(job_id, &[("confirm", "reset")], "template-heading");
                    view! { <a class="button button-small" href=confirm>"Reset to template…"</a> }.into_any()
                }
        });
        view! {
            <div class="notice notice-info template-differs">
                <p><strong>"Differs from template."</strong>" This portal's blocks are not what the template gives now."</p>
                {reset}
            </div>
        }
    });
    view! {
        <p>"Started from template "<strong>{template.name.clone()}</strong>"."</p>
        {differs}
    }
    .into_any()
}

// ---- options ------------------------------------------------------------

#[component]
fn OptionsSection(
    job_id: i64,
    options: PortalOptions,
    can_edit: bool,
    action: ServerAction<SavePortalOptions>,
    url: Memo<UrlState>,
) -> impl IntoView {
    let error = action_error(action);
    let since = options
        .invite_enabled_at
        .filter(|_| options.invite_enabled)
        .map(|at| format!("On since {}.", format_utc(&at)));
    view! {
        <section class="card" aria-labelledby="options-heading">
            <h2 id="options-heading">"Options"</h2>
            <Saved url section="options" />
            <ActionForm action attr:class="form">
                <fieldset class="settings-fields" disabled=!can_edit>
                    <legend class="visually-hidden">"Portal options"</legend>
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    <div class="form-field checkbox-field">
                        <input type="checkbox" id="invite_enabled" name="invite_enabled" value="on"
                            checked=options.invite_enabled aria-describedby="invite_enabled-hint" />
                        <label for="invite_enabled">"Email candidates an invitation to the portal"</label>
                        <p class="form-hint" id="invite_enabled-hint">
                            "Sent once per application, after a sync, when a candidate first enters a stage shown on the timeline. Candidates already in a shown stage when you switch this on are not emailed. "
                            {since}
                        </p>
                    </div>
                    <MessageField field="offer_message" label="Message when an offer is out" value=options.offer_message placeholder=options.default_offer_message error />
                    <MessageField field="hired_message" label="Message when hired" value=options.hired_message placeholder=options.default_hired_message error />
                    <MessageField field="rejected_message" label="Message when rejected" value=options.rejected_message placeholder=options.default_rejected_message error />
                    <div class="form-field">
                        <label for="rejected_access_days">"Days a rejected candidate can still open the portal"</label>
                        <p class="form-hint" id="rejected_access_days-hint">{format!("From 0 to {MAX_REJECTED_ACCESS_DAYS}.")}</p>
                        <input type="number" id="rejected_access_days" name="rejected_access_days" class="input input-short"
                            min="0" max=MAX_REJECTED_ACCESS_DAYS.to_string() step="1" required
                            value=options.rejected_access_days.to_string()
                            aria-describedby="rejected_access_days-hint rejected_access_days-error"
                            aria-invalid=invalid(error, "rejected_access_days".to_owned()) />
                        <FieldError error field="rejected_access_days" id="rejected_access_days-error" />
                    </div>
                    <FormError error fields=&["offer_message", "hired_message", "rejected_message", "rejected_access_days"] />
                    {can_edit.then(|| view! {
                        <div class="form-actions">
                            <button type="submit" class="button">"Save options"</button>
                        </div>
                    })}
                </fieldset>
            </ActionForm>
        </section>
    }
}

#[component]
fn MessageField(
    field: &'static str,
    label: &'static str,
    value: String,
    placeholder: String,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let hint_id = format!("{field}-hint");
    let error_id = format!("{field}-error");
    view! {
        <div class="form-field">
            <label for=field>{label}</label>
            <p class="form-hint" id=hint_id.clone()>"Markdown. Leave empty for the default text shown in grey."</p>
            <textarea id=field name=field rows="3" placeholder=placeholder
                maxlength=crate::domain::blocks::MAX_TEXT.to_string()
                aria-describedby=format!("{hint_id} {error_id}")
                aria-invalid=invalid(error, field.to_owned())>{value}</textarea>
            <FieldMessage error field=field.to_owned() id=error_id />
        </div>
    }
}

// ---- candidates ---------------------------------------------------------

fn status_label(status: &str) -> &str {
    match status {
        "in_process" => "In process",
        "rejected" => "Rejected",
        "hired" => "Hired",
        "converted" => "Converted",
        other => other,
    }
}

#[component]
fn CandidatesSection(
    job_id: i64,
    candidates: Resource<Result<PortalCandidates, AppError>>,
    url: Memo<UrlState>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="candidates-heading">
            <h2 id="candidates-heading">"Candidates"</h2>
            <p class="form-hint">"Who sees what: everyone with an application to this job, their stage in Greenhouse and the stage the portal shows them."</p>
            <Transition fallback=|| view! { <p class="muted">"Loading candidates…"</p> }>
                {move || Suspend::new(async move {
                    match candidates.await {
                        Ok(list) => view! { <CandidateTable job_id list url=url.get_untracked() /> }.into_any(),
                        Err(error) => view! { <ErrorPanel error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn CandidateTable(job_id: i64, list: PortalCandidates, url: UrlState) -> impl IntoView {
    if list.total == 0 {
        return view! { <p class="muted">"No candidates have applied to this job yet."</p> }
            .into_any();
    }
    let summary = format!(
        "{} {} · page {} of {}",
        list.total,
        if list.total == 1 {
            "candidate"
        } else {
            "candidates"
        },
        list.page,
        list.pages
    );
    let page_href =
        |page: u64| url.href(job_id, &[("page", &page.to_string())], "candidates-heading");
    let previous = (list.page > 1).then(|| page_href(list.page - 1));
    let next = (list.page < list.pages).then(|| page_href(list.page + 1));
    view! {
        <p class="status-line">{summary}</p>
        <div class="table-wrap">
            <table class="table">
                <caption class="visually-hidden">"Candidates and the stage each one sees"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Candidate"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Greenhouse stage"</th>
                        <th scope="col">"Candidate-facing stage"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.candidates.into_iter().map(|row| {
                        let portal_stage = match (row.portal_stage, row.hidden) {
                            (Some(name), true) => view! { <span>{name}" "<span class="badge badge-warning">"hidden"</span></span> }.into_any(),
                            (Some(name), false) => view! { <span>{name}</span> }.into_any(),
                            (None, _) => view! { <span class="muted">"—"</span> }.into_any(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{row.name}</th>
                                <td>{row.email.unwrap_or_default()}</td>
                                <td>{status_label(&row.status).to_owned()}</td>
                                <td>{row.greenhouse_stage.unwrap_or_default()}</td>
                                <td>{portal_stage}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pagination" aria-label="Candidate pages">
            {previous.map(|href| view! { <a href=href rel="prev">"Previous page"</a> })}
            {next.map(|href| view! { <a href=href rel="next">"Next page"</a> })}
        </nav>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_upload_ids_are_taken_from_the_url() {
        assert_eq!(upload_id_param(Some("abc".into())), "");
        assert_eq!(upload_id_param(Some("\"><script>aaaaaaaaaaaa".into())), "");
        let id = "A".repeat(43);
        assert_eq!(upload_id_param(Some(id.clone())), id);
        assert_eq!(upload_id_param(None), "");
    }

    #[test]
    fn summaries_name_the_block_briefly() {
        let long = BlockContent::Markdown {
            title: String::new(),
            markdown: "word ".repeat(30),
        };
        assert!(block_summary(&long).ends_with("…”"));
        let faq = BlockContent::Faq {
            question: "Dress code?".into(),
            answer: "None".into(),
        };
        assert_eq!(block_summary(&faq), "FAQ “Dress code?”");
    }
}
