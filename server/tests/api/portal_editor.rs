//! The portal editor against data synced from the simulator: stages
//! (rename, hide, reorder, group), every kind of block (add, edit, reorder,
//! delete, refused input per field), options, templates (a new portal
//! starts from one; differs; reset), images, the candidate list, roles, and
//! other organizations' ids.

use crate::helpers::{Browser, TestApp, text};
use crate::jobs::{browser, synced_app};
use crate::sync::{client, quick_options, small, start_simulator, sync, v3_credentials};
use app::domain::Role;
use app::ssr::entities::dashboard::{portal, upload};
use app::ssr::entities::greenhouse::{applications, job_interview_stages, jobs, users};
use app::ssr::entities::portal_content::{content_block, portal_stage, portal_template};
use app::ssr::services::organizations;
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgba};
use reqwest::header;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use server::sync::runner::SyncKind;
use std::collections::{BTreeMap, HashSet};

/// The job's active Greenhouse stages, in order.
async fn greenhouse_stages(app: &TestApp, org: i64, job: i64) -> Vec<job_interview_stages::Model> {
    job_interview_stages::Entity::find()
        .filter(job_interview_stages::Column::OrganizationId.eq(org))
        .filter(job_interview_stages::Column::JobId.eq(job))
        .filter(job_interview_stages::Column::Active.eq(true))
        .order_by_asc(job_interview_stages::Column::SortOrder)
        .order_by_asc(job_interview_stages::Column::Id)
        .all(&app.db)
        .await
        .expect("stages")
}

/// Jobs with at least three Greenhouse stages, by id.
async fn jobs_with_stages(app: &TestApp, org: i64) -> Vec<jobs::Model> {
    let mut out = Vec::new();
    for job in jobs::Entity::find()
        .filter(jobs::Column::OrganizationId.eq(org))
        .order_by_asc(jobs::Column::Id)
        .all(&app.db)
        .await
        .expect("jobs")
    {
        if greenhouse_stages(app, org, job.id).await.len() >= 3 {
            out.push(job);
        }
    }
    assert!(!out.is_empty(), "the simulator has jobs with stages");
    out
}

async fn editor(browser: &Browser, job: i64) -> Value {
    let response = browser
        .call("get_portal_editor", &[("job_id", &job.to_string())])
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

async fn activate(browser: &Browser, job: i64) {
    let response = browser
        .call("activate_job", &[("job_id", &job.to_string())])
        .await;
    assert_eq!(response.status(), 200, "{}", text(response).await);
}

fn stage_ids(editor: &Value) -> Vec<i64> {
    editor["portal"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["id"].as_i64())
        .collect()
}

fn stage_names(editor: &Value) -> Vec<String> {
    editor["portal"]["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .filter_map(|s| s["name"].as_str().map(str::to_owned))
        .collect()
}

fn blocks(editor: &Value) -> Vec<Value> {
    editor["portal"]["blocks"]
        .as_array()
        .expect("blocks")
        .clone()
}

/// Posts a server function and expects `status`; returns the JSON answer.
async fn post(browser: &Browser, endpoint: &str, form: &[(&str, &str)], status: u16) -> Value {
    let response = browser.call(endpoint, form).await;
    let code = response.status().as_u16();
    let body = text(response).await;
    assert_eq!(code, status, "{endpoint} {form:?}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// Adds or saves a block: `fields` are the block form's (`kind`, `title`, …).
async fn save_block(browser: &Browser, job: i64, fields: &[(&str, &str)], status: u16) -> Value {
    let job = job.to_string();
    let keys: Vec<String> = fields.iter().map(|(k, _)| format!("block[{k}]")).collect();
    let mut form: Vec<(&str, &str)> = vec![("job_id", job.as_str())];
    form.extend(
        keys.iter()
            .map(String::as_str)
            .zip(fields.iter().map(|(_, v)| *v)),
    );
    post(browser, "save_content_block", &form, status).await
}

fn field_of(error: &Value) -> &str {
    error["field"].as_str().unwrap_or_default()
}

/// Every block row, as stored (to check that refused input changed nothing).
async fn stored_blocks(app: &TestApp) -> Vec<(i64, Option<i64>, i32, Value)> {
    content_block::Entity::find()
        .order_by_asc(content_block::Column::Id)
        .all(&app.db)
        .await
        .expect("blocks")
        .into_iter()
        .map(|b| (b.id, b.portal_stage_id, b.position, b.content))
        .collect()
}

fn png() -> Vec<u8> {
    let image = DynamicImage::ImageRgba8(ImageBuffer::from_fn(48, 32, |x, y| {
        Rgba([(x * 5) as u8, (y * 7) as u8, 90, 255])
    }));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, ImageFormat::Png).expect("encode");
    out.into_inner()
}

const BOUNDARY: &str = "----trellis-portal-3b1e";

/// A multipart body: text fields, then the file in field `image`.
fn multipart(fields: &[(&str, &str)], bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Uploads a block image; `html` posts as a browser without JavaScript.
async fn upload_image(
    browser: &Browser,
    job: i64,
    fields: &[(&str, &str)],
    bytes: &[u8],
    html: bool,
) -> reqwest::Response {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client");
    browser
        .send(
            http.post(format!(
                "{}/admin/jobs/{job}/portal/images",
                browser.address
            ))
            .header("sec-fetch-site", "same-origin")
            .header(
                header::ACCEPT,
                if html {
                    "text/html,application/xhtml+xml"
                } else {
                    "application/json"
                },
            )
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(fields, bytes)),
        )
        .await
}

async fn uploaded_id(browser: &Browser, job: i64, slot: &str) -> String {
    let response = upload_image(browser, job, &[("for", slot)], &png(), false).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    let id = body["upload_id"].as_str().expect("an id").to_owned();
    assert_eq!(body["url"], format!("/uploads/{id}"));
    id
}

#[tokio::test]
async fn stages_are_renamed_hidden_reordered_and_grouped() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    let greenhouse = greenhouse_stages(&app, org, job.id).await;
    let id = job.id.to_string();

    // Before activation there is no portal, and nothing to edit.
    let before = editor(&editor_browser, job.id).await;
    assert!(before["portal"].is_null());
    post(
        &editor_browser,
        "rename_portal_stage",
        &[("job_id", &id), ("stage_id", "1"), ("name", "x")],
        404,
    )
    .await;

    // Activated: one stage per Greenhouse stage, same names, same order.
    activate(&editor_browser, job.id).await;
    let view = editor(&editor_browser, job.id).await;
    let names: Vec<String> = greenhouse.iter().map(|g| g.name.clone()).collect();
    assert_eq!(stage_names(&view), names);
    let ids = stage_ids(&view);

    // Rename: trimmed; empty, too long or multi-line names are refused
    // with the stage's own field, and nothing changes.
    post(
        &editor_browser,
        "rename_portal_stage",
        &[
            ("job_id", &id),
            ("stage_id", &ids[1].to_string()),
            ("name", "  Talk with us "),
        ],
        200,
    )
    .await;
    for bad in ["   ", &"x".repeat(81), "two\nlines"] {
        let error = post(
            &editor_browser,
            "rename_portal_stage",
            &[
                ("job_id", &id),
                ("stage_id", &ids[1].to_string()),
                ("name", bad),
            ],
            422,
        )
        .await;
        assert_eq!(field_of(&error), format!("stage-{}-name", ids[1]));
    }
    let view = editor(&editor_browser, job.id).await;
    assert_eq!(stage_names(&view)[1], "Talk with us");

    // Hide, then show.
    for hidden in ["true", "false"] {
        post(
            &editor_browser,
            "set_portal_stage_hidden",
            &[
                ("job_id", &id),
                ("stage_id", &ids[0].to_string()),
                ("hidden", hidden),
            ],
            200,
        )
        .await;
        let view = editor(&editor_browser, job.id).await;
        assert_eq!(
            view["portal"]["stages"][0]["hidden"].as_bool(),
            Some(hidden == "true")
        );
    }

    // Move the third stage up; the first cannot go further up.
    post(
        &editor_browser,
        "move_portal_stage",
        &[
            ("job_id", &id),
            ("stage_id", &ids[2].to_string()),
            ("direction", "up"),
        ],
        200,
    )
    .await;
    post(
        &editor_browser,
        "move_portal_stage",
        &[
            ("job_id", &id),
            ("stage_id", &ids[0].to_string()),
            ("direction", "up"),
        ],
        200,
    )
    .await;
    let moved = stage_ids(&editor(&editor_browser, job.id).await);
    let mut want = ids.clone();
    want.swap(1, 2);
    assert_eq!(moved, want);
    post(
        &editor_browser,
        "move_portal_stage",
        &[
            ("job_id", &id),
            ("stage_id", &ids[2].to_string()),
            ("direction", "down"),
        ],
        200,
    )
    .await;
    assert_eq!(stage_ids(&editor(&editor_browser, job.id).await), ids);

    // Group: the third Greenhouse stage joins the second stage. The third
    // stage, left without Greenhouse stages, goes; its block moves along.
    let kept = save_block(
        &editor_browser,
        job.id,
        &[
            ("stage", &ids[1].to_string()),
            ("kind", "markdown"),
            ("markdown", "first"),
        ],
        200,
    )
    .await;
    let moving = save_block(
        &editor_browser,
        job.id,
        &[
            ("stage", &ids[2].to_string()),
            ("kind", "markdown"),
            ("markdown", "moves"),
        ],
        200,
    )
    .await;
    let assign_key = format!("assign[{}]", greenhouse[2].id);
    let done = post(
        &editor_browser,
        "group_portal_stages",
        &[("job_id", &id), (&assign_key, &ids[1].to_string())],
        200,
    )
    .await;
    assert_eq!(done["notes"].as_array().map(Vec::len), Some(1), "{done}");
    let view = editor(&editor_browser, job.id).await;
    assert_eq!(stage_ids(&view).len(), ids.len() - 1);
    assert!(!stage_ids(&view).contains(&ids[2]));
    assert_eq!(
        view["portal"]["stages"][1]["greenhouse"],
        json!([greenhouse[1].name, greenhouse[2].name])
    );
    let second: Vec<i64> = blocks(&view)
        .iter()
        .filter(|b| b["stage_id"].as_i64() == Some(ids[1]))
        .filter_map(|b| b["id"].as_i64())
        .collect();
    assert_eq!(
        second,
        vec![kept["id"].as_i64().unwrap(), moving["id"].as_i64().unwrap()]
    );
    let grouped = view["portal"]["greenhouse_stages"].as_array().unwrap();
    assert_eq!(grouped[2]["portal_stage_id"].as_i64(), Some(ids[1]));

    // And split back out into a stage of its own, right after.
    post(
        &editor_browser,
        "group_portal_stages",
        &[("job_id", &id), (&assign_key, "new")],
        200,
    )
    .await;
    let view = editor(&editor_browser, job.id).await;
    assert_eq!(stage_ids(&view).len(), ids.len());
    assert_eq!(stage_names(&view)[2], greenhouse[2].name);
    assert_eq!(
        view["portal"]["stages"][2]["greenhouse"],
        json!([greenhouse[2].name])
    );

    // A stage or Greenhouse stage that is not this portal's: not found.
    post(
        &editor_browser,
        "group_portal_stages",
        &[("job_id", &id), (&assign_key, "999999999")],
        404,
    )
    .await;
    post(
        &editor_browser,
        "group_portal_stages",
        &[("job_id", &id), ("assign[999999999]", &ids[0].to_string())],
        404,
    )
    .await;

    // Without JavaScript: a form post, then 303 back to the editor.
    let response = editor_browser
        .post_form(
            "/api/rename_portal_stage",
            &[
                ("job_id", &id),
                ("stage_id", &ids[0].to_string()),
                ("name", "Applied"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("/admin/jobs/{id}/portal?saved=stage-renamed#stages-heading").as_str()
    );
    let html = text(
        editor_browser
            .get(&format!("/admin/jobs/{id}/portal?saved=stage-renamed"))
            .await,
    )
    .await;
    assert!(html.contains("Stage renamed."), "{html}");
    assert!(html.contains(r#"value="Applied""#));
}

#[tokio::test]
async fn every_kind_of_block_is_added_edited_moved_and_deleted() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    activate(&editor_browser, job.id).await;
    let stage = stage_ids(&editor(&editor_browser, job.id).await)[0].to_string();
    let image = uploaded_id(&editor_browser, job.id, "image").await;
    let photo = uploaded_id(&editor_browser, job.id, "photo").await;
    let person = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(org))
        .filter(users::Column::Deactivated.eq(false))
        .one(&app.db)
        .await
        .expect("users")
        .expect("a Greenhouse user");
    let person_id = person.id.to_string();

    // (kind, good fields, edited fields, refused fields with the field named)
    type Fields<'a> = Vec<(&'a str, &'a str)>;
    type Case<'a> = (&'a str, Fields<'a>, Fields<'a>, Vec<(Fields<'a>, &'a str)>);
    let cases: Vec<Case> = vec![
        (
            "markdown",
            vec![
                ("title", "Welcome"),
                ("markdown", "Hello **there** <script>alert(1)</script>"),
            ],
            vec![("title", "Welcome!"), ("markdown", "Updated")],
            vec![
                (vec![("markdown", "   ")], "markdown"),
                (vec![("title", "a\nb"), ("markdown", "x")], "title"),
            ],
        ),
        (
            "video",
            vec![("url", "https://www.youtube.com/watch?v=dQw4w9WgXcQ")],
            vec![
                ("title", "Our office"),
                ("url", "https://vimeo.com/76979871"),
            ],
            vec![
                (
                    vec![("url", "https://evil.example/watch?v=dQw4w9WgXcQ")],
                    "url",
                ),
                (vec![("url", "javascript:alert(1)")], "url"),
            ],
        ),
        (
            "faq",
            vec![
                ("question", "Dress code?"),
                ("answer", "Whatever you like."),
            ],
            vec![("question", "Parking?"), ("answer", "Yes, free.")],
            vec![
                (vec![("question", ""), ("answer", "x")], "question"),
                (vec![("question", "q"), ("answer", "")], "answer"),
            ],
        ),
        (
            "links",
            vec![
                ("title", "Read more"),
                (
                    "links",
                    "Blog | https://example.com/blog\nMap | https://maps.example/x",
                ),
            ],
            vec![("links", "Only one | https://example.com/one")],
            vec![
                (vec![("links", "Bad | javascript:alert(1)")], "links"),
                (vec![("links", "no separator here")], "links"),
                (vec![("links", "")], "links"),
            ],
        ),
        (
            "image",
            vec![
                ("upload_id", &image),
                ("alt", "Our office"),
                ("caption", "Level 3"),
            ],
            vec![("upload_id", &image), ("alt", "The office kitchen")],
            vec![
                (vec![("upload_id", ""), ("alt", "x")], "image"),
                (
                    vec![
                        ("upload_id", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                        ("alt", "x"),
                    ],
                    "image",
                ),
                (vec![("upload_id", &image), ("alt", "")], "alt"),
            ],
        ),
        (
            "spotlight",
            vec![
                ("greenhouse_user_id", &person_id),
                ("pronouns", "she/her"),
                ("photo_upload_id", &photo),
            ],
            vec![
                ("name", "Ada"),
                ("title", "CTO"),
                ("bio", "Builds things."),
                ("linkedin_url", "https://www.linkedin.com/in/ada"),
            ],
            vec![
                (
                    vec![
                        ("name", "Ada"),
                        ("linkedin_url", "https://evil.example/in/ada"),
                    ],
                    "linkedin_url",
                ),
                (
                    vec![("greenhouse_user_id", "999999999")],
                    "greenhouse_user_id",
                ),
                (vec![("name", "")], "name"),
                (
                    vec![
                        ("name", "Ada"),
                        (
                            "photo_upload_id",
                            "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
                        ),
                    ],
                    "photo",
                ),
            ],
        ),
    ];

    let mut added = Vec::new();
    for (kind, good, edited, refused) in &cases {
        // Refused input, when adding: nothing is written.
        let before = stored_blocks(&app).await;
        for (fields, field) in refused {
            let mut form = vec![("stage", stage.as_str()), ("kind", *kind)];
            form.extend(fields.iter().copied());
            let error = save_block(&editor_browser, job.id, &form, 422).await;
            assert_eq!(field_of(&error), *field, "{kind}: {fields:?} → {error}");
        }
        assert_eq!(stored_blocks(&app).await, before, "{kind}");

        let mut form = vec![("stage", stage.as_str()), ("kind", *kind)];
        form.extend(good.iter().copied());
        let saved = save_block(&editor_browser, job.id, &form, 200).await;
        let block_id = saved["id"].as_i64().expect("an id");
        assert_eq!(
            saved["stage_id"].as_i64().map(|s| s.to_string()),
            Some(stage.clone())
        );
        added.push(block_id);
        if *kind == "spotlight" {
            // Named after the Greenhouse user it links to.
            let stored = content_block::Entity::find_by_id(block_id)
                .one(&app.db)
                .await
                .expect("blocks")
                .expect("the block");
            assert_eq!(stored.content["greenhouse_user_id"], person.id);
            assert!(
                !stored.content["name"]
                    .as_str()
                    .unwrap_or_default()
                    .is_empty()
            );
            assert_eq!(stored.content["photo_upload_id"], photo.as_str());
        }

        // Refused input, when editing: the block stays as it was.
        let before = stored_blocks(&app).await;
        let block = block_id.to_string();
        for (fields, field) in refused {
            let mut form = vec![("block_id", block.as_str()), ("stage", stage.as_str())];
            form.extend(fields.iter().copied());
            let error = save_block(&editor_browser, job.id, &form, 422).await;
            assert_eq!(field_of(&error), *field, "{kind} edit: {fields:?}");
        }
        assert_eq!(stored_blocks(&app).await, before, "{kind}");

        let mut form = vec![("block_id", block.as_str()), ("stage", stage.as_str())];
        form.extend(edited.iter().copied());
        save_block(&editor_browser, job.id, &form, 200).await;
    }

    let view = editor(&editor_browser, job.id).await;
    let listed = blocks(&view);
    assert_eq!(
        listed
            .iter()
            .filter_map(|b| b["id"].as_i64())
            .collect::<Vec<_>>(),
        added
    );
    let content = |i: usize| listed[i]["content"].clone();
    assert_eq!(
        content(0),
        json!({"kind": "markdown", "title": "Welcome!", "markdown": "Updated"})
    );
    assert_eq!(content(1)["url"], "https://vimeo.com/76979871");
    assert_eq!(listed[1]["view"]["provider"], "Vimeo");
    assert_eq!(content(2)["question"], "Parking?");
    assert_eq!(
        content(3)["links"],
        json!([{"label": "Only one", "url": "https://example.com/one"}])
    );
    assert_eq!(content(4)["alt"], "The office kitchen");
    assert_eq!(listed[4]["view"]["url"], format!("/uploads/{image}"));
    // The spotlight took its name and title from Greenhouse when added,
    // then the edit replaced them; editing without a photo id drops it.
    assert_eq!(content(5)["name"], "Ada");
    assert_eq!(content(5)["title"], "CTO");
    assert_eq!(content(5)["greenhouse_user_id"], Value::Null);

    // The preview is rendered and cleaned on the server.
    let html = listed[0]["view"]["html"].as_str().unwrap_or_default();
    assert!(
        html.contains("Updated") && !html.contains("<script"),
        "{html}"
    );

    // Reorder: the last block up, the first down, the first up is a no-op.
    let id = job.id.to_string();
    let move_block = |block: i64, direction: &'static str| {
        let id = id.clone();
        let editor_browser = &editor_browser;
        async move {
            post(
                editor_browser,
                "move_content_block",
                &[
                    ("job_id", &id),
                    ("block_id", &block.to_string()),
                    ("direction", direction),
                ],
                200,
            )
            .await
        }
    };
    move_block(added[5], "up").await;
    move_block(added[0], "down").await;
    move_block(added[1], "up").await;
    let order: Vec<i64> = blocks(&editor(&editor_browser, job.id).await)
        .iter()
        .filter_map(|b| b["id"].as_i64())
        .collect();
    assert_eq!(
        order,
        vec![added[1], added[0], added[2], added[3], added[5], added[4]]
    );

    // Move a block to "all stages" by saving it with that stage.
    save_block(
        &editor_browser,
        job.id,
        &[
            ("block_id", &added[2].to_string()),
            ("stage", "all"),
            ("question", "Parking?"),
            ("answer", "Yes."),
        ],
        200,
    )
    .await;
    let view = editor(&editor_browser, job.id).await;
    assert_eq!(blocks(&view)[0]["id"].as_i64(), Some(added[2]));
    assert!(blocks(&view)[0]["stage_id"].is_null());

    // Delete; the rest close ranks.
    post(
        &editor_browser,
        "delete_content_block",
        &[("job_id", &id), ("block_id", &added[0].to_string())],
        200,
    )
    .await;
    post(
        &editor_browser,
        "delete_content_block",
        &[("job_id", &id), ("block_id", &added[0].to_string())],
        404,
    )
    .await;
    let mut positions: Vec<i32> = stored_blocks(&app)
        .await
        .into_iter()
        .filter(|b| b.1.is_some())
        .map(|b| b.2)
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, vec![0, 1, 2, 3]);

    // An unknown kind is refused.
    let error = save_block(
        &editor_browser,
        job.id,
        &[("kind", "script"), ("markdown", "x")],
        422,
    )
    .await;
    assert_eq!(field_of(&error), "kind");
}

#[tokio::test]
async fn the_editor_works_without_javascript() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    let id = job.id.to_string();
    activate(&editor_browser, job.id).await;
    let stages = stage_ids(&editor(&editor_browser, job.id).await);
    let base = format!("/admin/jobs/{id}/portal");

    let html = text(editor_browser.get(&base).await).await;
    assert!(
        html.contains("This job&#39;s portal is active")
            || html.contains("This job's portal is active")
    );
    assert!(html.contains("Candidate-facing stages"));
    assert!(
        html.contains(&format!(r#"action="/admin/jobs/{id}/portal/preview""#)),
        "{html}"
    );
    assert!(html.contains("Preview as a candidate at stage"));
    assert!(
        html.contains("?stage=all&amp;add=markdown#block-form")
            || html.contains("?stage=all&add=markdown#block-form")
    );

    // The add form is a link away; the post lands on the new block.
    let stage = stages[1].to_string();
    let form = text(
        editor_browser
            .get(&format!("{base}?stage={stage}&add=markdown"))
            .await,
    )
    .await;
    assert!(form.contains(r#"name="block[markdown]""#), "{form}");
    assert!(form.contains(r#"action="/api/save_content_block""#));
    let response = editor_browser
        .post_form(
            "/api/save_content_block",
            &[
                ("job_id", &id),
                ("block[kind]", "markdown"),
                ("block[stage]", &stage),
                ("block[markdown]", "Bring a laptop."),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let block = content_block::Entity::find()
        .one(&app.db)
        .await
        .expect("blocks")
        .expect("the block");
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("{base}?stage={stage}&saved=block#block-{}", block.id).as_str()
    );
    let page = text(
        editor_browser
            .get(&format!("{base}?stage={stage}&saved=block"))
            .await,
    )
    .await;
    assert!(page.contains("Bring a laptop."));
    assert!(page.contains("Block saved."));
    assert!(page.contains(&format!(r#"id="block-{}""#, block.id)));

    // A refused post goes back to the form with the error by its field.
    let response = editor_browser
        .post_form(
            "/api/save_content_block",
            &[
                ("job_id", &id),
                ("block[kind]", "video"),
                ("block[stage]", &stage),
                ("block[url]", "https://evil.example/v"),
            ],
        )
        .await;
    assert!(response.status().is_redirection());
    let back = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(back.contains("__err="), "{back}");
    let path = back.trim_start_matches(&editor_browser.address);
    let query = path.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let with_error = text(
        editor_browser
            .get(&format!("{base}?stage={stage}&add=video&{query}"))
            .await,
    )
    .await;
    assert!(
        with_error.contains("Paste a YouTube, Vimeo or Loom link"),
        "{with_error}"
    );

    // Delete asks first.
    let confirm = text(
        editor_browser
            .get(&format!("{base}?stage={stage}&delete={}", block.id))
            .await,
    )
    .await;
    assert!(confirm.contains("Delete this text block?"), "{confirm}");
    assert!(confirm.contains(r#"action="/api/delete_content_block""#));

    // Image without JavaScript: back to the block form with the upload's id.
    let response = upload_image(
        &editor_browser,
        job.id,
        &[("for", "image"), ("stage", &stage), ("add", "image")],
        &png(),
        true,
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let stored = upload::Entity::find()
        .filter(upload::Column::Purpose.eq("block_image"))
        .one(&app.db)
        .await
        .expect("uploads")
        .expect("the image");
    assert_eq!(
        location,
        format!(
            "{base}?stage={stage}&add=image&upload_id={}#block-form",
            stored.id
        )
    );
    let form = text(
        editor_browser
            .get(location.split('#').next().unwrap())
            .await,
    )
    .await;
    assert!(
        form.contains(&format!(r#"src="/uploads/{}""#, stored.id)),
        "{form}"
    );
    assert!(form.contains(&format!(r#"value="{}""#, stored.id)));
    // A file that is not an image comes back as a message code.
    let response = upload_image(
        &editor_browser,
        job.id,
        &[("for", "photo"), ("stage", "../../x"), ("add", "spotlight")],
        b"<svg onload=alert(1)>",
        true,
    )
    .await;
    assert_eq!(
        response.headers()[header::LOCATION],
        format!("{base}?add=spotlight&image_for=photo&image_error=not_an_image#block-form")
            .as_str()
    );
}

#[tokio::test]
async fn images_are_checked_and_stored_for_the_organization() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    activate(&editor_browser, job.id).await;
    let id = uploaded_id(&editor_browser, job.id, "photo").await;
    let stored = upload::Entity::find_by_id(id.clone())
        .one(&app.db)
        .await
        .expect("uploads")
        .expect("stored");
    assert_eq!(stored.organization_id, org);
    assert_eq!(stored.purpose, "spotlight_photo");
    let served = editor_browser.get(&format!("/uploads/{id}")).await;
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()[header::CONTENT_TYPE], "image/png");

    let svg = upload_image(
        &editor_browser,
        job.id,
        &[],
        b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        false,
    )
    .await;
    assert_eq!(svg.status(), 415);
    let missing = upload_image(&editor_browser, job.id, &[], b"", false).await;
    assert_eq!(missing.status(), 422);
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    assert_eq!(
        upload_image(&viewer, job.id, &[], &png(), false)
            .await
            .status(),
        403
    );
    let other = app.signed_in("globex", Role::Admin).await;
    assert_eq!(
        upload_image(&other, job.id, &[], &png(), false)
            .await
            .status(),
        404
    );
    assert_eq!(
        upload::Entity::find().count(&app.db).await.expect("count"),
        1
    );
}

#[tokio::test]
async fn options_are_saved_and_checked() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    let id = job.id.to_string();
    activate(&editor_browser, job.id).await;
    let portal_row = || async {
        portal::Entity::find()
            .one(&app.db)
            .await
            .expect("portals")
            .expect("the portal")
    };
    assert!(!portal_row().await.invite_enabled);

    let saved = post(
        &editor_browser,
        "save_portal_options",
        &[
            ("job_id", &id),
            ("invite_enabled", "on"),
            ("offer_message", "  We would love to have you.  "),
            ("hired_message", ""),
            ("rejected_message", "Thank you."),
            ("rejected_access_days", "14"),
        ],
        200,
    )
    .await;
    assert_eq!(saved["invite_enabled"], true);
    let row = portal_row().await;
    assert!(row.invite_enabled);
    let switched_on = row.invite_enabled_at.expect("switched on at");
    assert_eq!(
        row.offer_message.as_deref(),
        Some("We would love to have you.")
    );
    assert_eq!(row.hired_message, None);
    assert_eq!(row.rejected_access_days, 14);
    let html = text(
        editor_browser
            .get(&format!("/admin/jobs/{id}/portal"))
            .await,
    )
    .await;
    assert!(
        html.contains(">We would love to have you.</textarea>"),
        "{html}"
    );
    // Empty messages show what candidates read instead.
    let hired = app::api::portal_editor::default_hired_message("Acme");
    assert!(
        html.contains(&hired.replace('\'', "&#39;")) || html.contains(&hired),
        "{hired}"
    );
    let toggle = html
        .split(r#"id="invite_enabled""#)
        .nth(1)
        .and_then(|rest| rest.split('>').next())
        .unwrap_or_default();
    assert!(toggle.contains("checked"), "{toggle}");

    // Saving again keeps the time it was switched on; off, then on, moves it.
    post(
        &editor_browser,
        "save_portal_options",
        &[
            ("job_id", &id),
            ("invite_enabled", "on"),
            ("rejected_access_days", "14"),
        ],
        200,
    )
    .await;
    assert_eq!(portal_row().await.invite_enabled_at, Some(switched_on));
    post(
        &editor_browser,
        "save_portal_options",
        &[("job_id", &id), ("rejected_access_days", "14")],
        200,
    )
    .await;
    assert!(!portal_row().await.invite_enabled);
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    post(
        &editor_browser,
        "save_portal_options",
        &[
            ("job_id", &id),
            ("invite_enabled", "on"),
            ("rejected_access_days", "14"),
        ],
        200,
    )
    .await;
    assert!(portal_row().await.invite_enabled_at.expect("on") > switched_on);

    // Refused per field, nothing changed.
    let before = portal_row().await;
    for (field, value) in [
        ("rejected_access_days", "366"),
        ("rejected_access_days", "-1"),
        ("rejected_access_days", "soon"),
    ] {
        let error = post(
            &editor_browser,
            "save_portal_options",
            &[
                ("job_id", &id),
                ("offer_message", "changed"),
                (field, value),
            ],
            422,
        )
        .await;
        assert_eq!(field_of(&error), field);
    }
    let long = "x".repeat(20_001);
    let error = post(
        &editor_browser,
        "save_portal_options",
        &[
            ("job_id", &id),
            ("rejected_message", &long),
            ("rejected_access_days", "5"),
        ],
        422,
    )
    .await;
    assert_eq!(field_of(&error), "rejected_message");
    assert_eq!(portal_row().await, before);
}

/// Whether `department` is `ancestor` or below it.
async fn in_department(
    app: &TestApp,
    org: i64,
    department: Option<i64>,
    ancestor: Option<i64>,
) -> bool {
    use app::ssr::entities::greenhouse::departments;
    let mut next = department;
    let mut seen = HashSet::new();
    while let Some(id) = next {
        if Some(id) == ancestor {
            return true;
        }
        if !seen.insert(id) {
            break;
        }
        next = departments::Entity::find_by_id((org, id))
            .one(&app.db)
            .await
            .expect("departments")
            .and_then(|d| d.parent_id);
    }
    false
}

#[tokio::test]
async fn a_saved_template_starts_the_next_portal_and_can_be_reset_to() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let all = jobs_with_stages(&app, org).await;
    // Two jobs of one department, and one of another (or of none).
    let (first, second) = all
        .iter()
        .find_map(|a| {
            let b = all.iter().find(|b| {
                b.id != a.id && a.department_id.is_some() && b.department_id == a.department_id
            })?;
            Some((a.clone(), b.clone()))
        })
        .expect("two jobs of one department");
    // Not in the first's department, nor in one below it (a department
    // without a template of its own takes its parent's).
    let mut third = None;
    for job in &all {
        if !in_department(&app, org, job.department_id, first.department_id).await {
            third = Some(job.clone());
            break;
        }
    }
    let third = third.expect("a job of another department");
    let first_id = first.id.to_string();

    activate(&editor_browser, first.id).await;
    let view = editor(&editor_browser, first.id).await;
    let stages = stage_ids(&view);
    let names = stage_names(&view);
    save_block(
        &editor_browser,
        first.id,
        &[
            ("stage", "all"),
            ("kind", "markdown"),
            ("markdown", "Everyone"),
        ],
        200,
    )
    .await;
    save_block(
        &editor_browser,
        first.id,
        &[
            ("stage", &stages[0].to_string()),
            ("kind", "faq"),
            ("question", "When?"),
            ("answer", "Soon."),
        ],
        200,
    )
    .await;
    // Renaming the stage for candidates does not stop the template fitting
    // other jobs' stage of the same Greenhouse name.
    post(
        &editor_browser,
        "rename_portal_stage",
        &[
            ("job_id", &first_id),
            ("stage_id", &stages[0].to_string()),
            ("name", "We read it"),
        ],
        200,
    )
    .await;
    let template_name = post(
        &editor_browser,
        "save_portal_template",
        &[("job_id", &first_id), ("scope", "department")],
        200,
    )
    .await;
    assert!(
        template_name
            .as_str()
            .unwrap_or_default()
            .ends_with(" department")
    );
    let stored: Vec<portal_template::Model> = portal_template::Entity::find()
        .all(&app.db)
        .await
        .expect("templates");
    assert_eq!(stored.len(), 1);
    assert_eq!(Some(stored[0].department_id), first.department_id);
    assert_eq!(
        stored[0].blocks,
        json!([
            {"stage_name": null, "content": {"kind": "markdown", "title": "", "markdown": "Everyone"}},
            {"stage_name": names[0], "content": {"kind": "faq", "question": "When?", "answer": "Soon."}},
        ])
    );
    // The source portal now counts as started from it, and matches it.
    let view = editor(&editor_browser, first.id).await;
    assert_eq!(view["portal"]["template"]["differs"], false);

    // The organization default, from the same portal with one block less.
    let only_all = blocks(&view)
        .iter()
        .find(|b| b["stage_id"].as_i64().is_some())
        .and_then(|b| b["id"].as_i64())
        .unwrap();
    post(
        &editor_browser,
        "delete_content_block",
        &[("job_id", &first_id), ("block_id", &only_all.to_string())],
        200,
    )
    .await;
    post(
        &editor_browser,
        "save_portal_template",
        &[("job_id", &first_id), ("scope", "organization")],
        200,
    )
    .await;
    // Saving again replaces (upsert), never duplicates.
    post(
        &editor_browser,
        "save_portal_template",
        &[("job_id", &first_id), ("scope", "organization")],
        200,
    )
    .await;
    assert_eq!(
        portal_template::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2
    );

    // A job of the same department starts from the department template:
    // the all-stages block and the block of its stage with that name.
    activate(&editor_browser, second.id).await;
    let view = editor(&editor_browser, second.id).await;
    let got = blocks(&view);
    let second_stages = greenhouse_stages(&app, org, second.id).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0]["stage_id"].is_null());
    assert_eq!(got[0]["content"]["markdown"], "Everyone");
    let faq_stage = got[1]["stage_id"].as_i64().unwrap();
    let stage_name = view["portal"]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_i64() == Some(faq_stage))
        .unwrap()["name"]
        .clone();
    assert_eq!(
        stage_name.as_str().unwrap().to_lowercase(),
        names[0].to_lowercase()
    );
    assert!(
        second_stages
            .iter()
            .any(|g| g.name.eq_ignore_ascii_case(&names[0]))
    );
    let template = &view["portal"]["template"];
    assert_eq!(template["name"], template_name);
    assert_eq!(template["differs"], false);

    // A job of another department starts from the organization default.
    activate(&editor_browser, third.id).await;
    let view = editor(&editor_browser, third.id).await;
    assert_eq!(view["portal"]["template"]["name"], "Organization default");
    let contents: Vec<Value> = blocks(&view).iter().map(|b| b["content"].clone()).collect();
    assert_eq!(
        contents,
        vec![json!({"kind": "markdown", "title": "", "markdown": "Everyone"})]
    );

    // Deactivating and activating again keeps what is there.
    let second_id = second.id.to_string();
    post(
        &editor_browser,
        "deactivate_job",
        &[("job_id", &second_id)],
        200,
    )
    .await;
    activate(&editor_browser, second.id).await;
    assert_eq!(blocks(&editor(&editor_browser, second.id).await).len(), 2);

    // Edit the second portal: it differs; reset (after a confirm step, a
    // form post without JavaScript) puts the template's blocks back.
    let faq = got[1]["id"].as_i64().unwrap().to_string();
    save_block(
        &editor_browser,
        second.id,
        &[
            ("block_id", &faq),
            ("stage", &faq_stage.to_string()),
            ("question", "When?"),
            ("answer", "Later."),
        ],
        200,
    )
    .await;
    save_block(
        &editor_browser,
        second.id,
        &[
            ("stage", "all"),
            ("kind", "markdown"),
            ("markdown", "Extra"),
        ],
        200,
    )
    .await;
    let view = editor(&editor_browser, second.id).await;
    assert_eq!(view["portal"]["template"]["differs"], true);
    let base = format!("/admin/jobs/{second_id}/portal");
    let html = text(editor_browser.get(&base).await).await;
    assert!(html.contains("Differs from template."));
    assert!(html.contains("confirm=reset"));
    assert!(!html.contains(r#"action="/api/reset_portal_to_template""#));
    let confirm = text(editor_browser.get(&format!("{base}?confirm=reset")).await).await;
    assert!(
        confirm.contains(r#"action="/api/reset_portal_to_template""#),
        "{confirm}"
    );
    let response = editor_browser
        .post_form("/api/reset_portal_to_template", &[("job_id", &second_id)])
        .await;
    assert_eq!(response.status(), 303);
    let view = editor(&editor_browser, second.id).await;
    assert_eq!(view["portal"]["template"]["differs"], false);
    let contents: Vec<Value> = blocks(&view).iter().map(|b| b["content"].clone()).collect();
    assert_eq!(
        contents,
        vec![
            json!({"kind": "markdown", "title": "", "markdown": "Everyone"}),
            json!({"kind": "faq", "question": "When?", "answer": "Soon."}),
        ]
    );

    // A portal without a template has nothing to reset to.
    let fourth = all
        .iter()
        .find(|j| ![first.id, second.id, third.id].contains(&j.id))
        .expect("a fourth job");
    portal_template::Entity::delete_many()
        .exec(&app.db)
        .await
        .unwrap();
    activate(&editor_browser, fourth.id).await;
    let view = editor(&editor_browser, fourth.id).await;
    assert!(view["portal"]["template"].is_null());
    assert!(blocks(&view).is_empty());
    post(
        &editor_browser,
        "reset_portal_to_template",
        &[("job_id", &fourth.id.to_string())],
        422,
    )
    .await;
    // A job without a department cannot be saved as a department template.
    if let Some(no_department) = all.iter().find(|j| j.department_id.is_none()) {
        activate(&editor_browser, no_department.id).await;
        let error = post(
            &editor_browser,
            "save_portal_template",
            &[
                ("job_id", &no_department.id.to_string()),
                ("scope", "department"),
            ],
            422,
        )
        .await;
        assert_eq!(field_of(&error), "scope");
    }
}

#[tokio::test]
async fn the_candidate_list_shows_the_stage_each_candidate_sees() {
    let (app, org) = synced_app().await;
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    // The job with the most candidates.
    let applications = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(org))
        .filter(applications::Column::Prospect.eq(false))
        .all(&app.db)
        .await
        .expect("applications");
    let mut per_job: BTreeMap<i64, usize> = BTreeMap::new();
    for a in &applications {
        if let Some(job) = a.job_id {
            *per_job.entry(job).or_default() += 1;
        }
    }
    let (&job, &count) = per_job
        .iter()
        .max_by_key(|(_, n)| **n)
        .expect("a job with candidates");
    activate(&editor_browser, job).await;
    let view = editor(&editor_browser, job).await;
    // Group the job's first two Greenhouse stages into one.
    let greenhouse = greenhouse_stages(&app, org, job).await;
    let first_stage = stage_ids(&view)[0];
    post(
        &editor_browser,
        "group_portal_stages",
        &[
            ("job_id", &job.to_string()),
            (
                &format!("assign[{}]", greenhouse[1].id),
                &first_stage.to_string(),
            ),
        ],
        200,
    )
    .await;
    let first_name = stage_names(&view)[0].clone();

    let list: Value = viewer
        .call(
            "get_portal_candidates",
            &[("job_id", &job.to_string()), ("page", "1")],
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(list["total"].as_u64(), Some(count as u64));
    let rows = list["candidates"].as_array().expect("rows");
    assert_eq!(rows.len(), count.min(50));
    for row in rows {
        let application = applications
            .iter()
            .find(|a| a.id == row["application_id"].as_i64().unwrap())
            .expect("one of the job's applications");
        assert_eq!(application.job_id, Some(job));
        let greenhouse_id = application.job_interview_stage_id.or_else(|| {
            greenhouse
                .iter()
                .find(|g| {
                    Some(g.name.to_lowercase())
                        == application.stage_name.as_ref().map(|n| n.to_lowercase())
                })
                .map(|g| g.id)
        });
        if greenhouse_id == Some(greenhouse[0].id) || greenhouse_id == Some(greenhouse[1].id) {
            assert_eq!(row["portal_stage"], first_name.as_str(), "{row}");
        }
        assert!(!row["name"].as_str().unwrap_or_default().is_empty());
    }
    // Beyond the last page: clamped.
    let last: Value = viewer
        .call(
            "get_portal_candidates",
            &[("job_id", &job.to_string()), ("page", "999")],
        )
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(last["page"], last["pages"]);
    let html = text(viewer.get(&format!("/admin/jobs/{job}/portal")).await).await;
    assert!(html.contains(&format!("{count} candidate")), "{html}");
}

#[tokio::test]
async fn viewers_look_but_cannot_change_anything() {
    let (app, org) = synced_app().await;
    let editor_browser = browser(&app, org, "e@acme.example", Role::Editor).await;
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    let job = jobs_with_stages(&app, org).await.remove(0);
    let id = job.id.to_string();
    activate(&editor_browser, job.id).await;
    let stage = stage_ids(&editor(&editor_browser, job.id).await)[0].to_string();
    let block = save_block(
        &editor_browser,
        job.id,
        &[("stage", "all"), ("kind", "markdown"), ("markdown", "Hi")],
        200,
    )
    .await;
    let block = block["id"].as_i64().unwrap().to_string();
    let before = stored_blocks(&app).await;

    let view = editor(&viewer, job.id).await;
    assert_eq!(view["can_edit"], false);
    for (endpoint, form) in writes(&id, &stage, &block) {
        let response = viewer.call(endpoint, &form).await;
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    assert_eq!(stored_blocks(&app).await, before);
    assert_eq!(
        portal_template::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let html = text(
        viewer
            .get(&format!(
                "/admin/jobs/{id}/portal?stage=all&add=markdown&edit={block}"
            ))
            .await,
    )
    .await;
    assert!(html.contains("only editors and admins can change it"));
    assert!(!html.contains(r#"action="/api/save_content_block""#));
    assert!(!html.contains(r#"action="/api/rename_portal_stage""#));
    assert!(!html.contains(r#"action="/api/group_portal_stages""#));
    assert!(html.contains("Candidate-facing stages"));
}

/// Every writing server function with valid-looking input.
fn writes<'a>(
    job: &'a str,
    stage: &'a str,
    block: &'a str,
) -> Vec<(&'static str, Vec<(&'a str, &'a str)>)> {
    vec![
        (
            "rename_portal_stage",
            vec![("job_id", job), ("stage_id", stage), ("name", "Hacked")],
        ),
        (
            "set_portal_stage_hidden",
            vec![("job_id", job), ("stage_id", stage), ("hidden", "true")],
        ),
        (
            "move_portal_stage",
            vec![("job_id", job), ("stage_id", stage), ("direction", "down")],
        ),
        ("group_portal_stages", vec![("job_id", job)]),
        (
            "save_content_block",
            vec![
                ("job_id", job),
                ("block[block_id]", block),
                ("block[stage]", "all"),
                ("block[markdown]", "Hacked"),
            ],
        ),
        (
            "save_content_block",
            vec![
                ("job_id", job),
                ("block[stage]", stage),
                ("block[kind]", "markdown"),
                ("block[markdown]", "New"),
            ],
        ),
        (
            "move_content_block",
            vec![("job_id", job), ("block_id", block), ("direction", "down")],
        ),
        (
            "delete_content_block",
            vec![("job_id", job), ("block_id", block)],
        ),
        (
            "save_portal_options",
            vec![
                ("job_id", job),
                ("invite_enabled", "on"),
                ("rejected_access_days", "3"),
            ],
        ),
        (
            "save_portal_template",
            vec![("job_id", job), ("scope", "organization")],
        ),
        ("reset_portal_to_template", vec![("job_id", job)]),
    ]
}

#[tokio::test]
async fn another_organizations_jobs_stages_and_blocks_are_not_found() {
    // Two organizations synced from the same simulator: the same job ids.
    let (app, acme) = synced_app().await;
    let greenhouse = start_simulator(small()).await;
    let globex = organizations::create(&app.db, "globex", "Globex")
        .await
        .expect("organization")
        .id;
    let harvest = client(&greenhouse, v3_credentials(&greenhouse), quick_options(100));
    sync(&app.db, &harvest, globex, SyncKind::Full).await;

    let job = jobs_with_stages(&app, acme).await.remove(0);
    let id = job.id.to_string();
    let acme_editor = browser(&app, acme, "e@acme.example", Role::Admin).await;
    let globex_editor = browser(&app, globex, "e@globex.example", Role::Admin).await;
    activate(&acme_editor, job.id).await;
    activate(&globex_editor, job.id).await;
    let acme_stage = stage_ids(&editor(&acme_editor, job.id).await)[0];
    let acme_block = save_block(
        &acme_editor,
        job.id,
        &[
            ("stage", &acme_stage.to_string()),
            ("kind", "markdown"),
            ("markdown", "Acme only"),
        ],
        200,
    )
    .await;
    let acme_block = acme_block["id"].as_i64().unwrap().to_string();
    let acme_image = uploaded_id(&acme_editor, job.id, "image").await;
    let globex_stage = stage_ids(&editor(&globex_editor, job.id).await)[0];
    let globex_block = save_block(
        &globex_editor,
        job.id,
        &[
            ("stage", "all"),
            ("kind", "markdown"),
            ("markdown", "Globex"),
        ],
        200,
    )
    .await;
    let globex_block = globex_block["id"].as_i64().unwrap();
    let before = stored_blocks(&app).await;
    let stages_before = portal_stage::Entity::find().all(&app.db).await.unwrap();

    // Globex's admin, on Globex's own portal of the same job id, with Acme's
    // stage and block ids: not found, nothing changed.
    let acme_stage = acme_stage.to_string();
    for (endpoint, form) in writes(&id, &acme_stage, &acme_block) {
        if [
            "group_portal_stages",
            "save_portal_options",
            "save_portal_template",
            "reset_portal_to_template",
        ]
        .contains(&endpoint)
        {
            continue; // no stage or block id to pass
        }
        let response = globex_editor.call(endpoint, &form).await;
        assert_eq!(response.status(), 404, "{endpoint} {form:?}");
    }
    let assign = format!(
        "assign[{}]",
        greenhouse_stages(&app, globex, job.id).await[0].id
    );
    post(
        &globex_editor,
        "group_portal_stages",
        &[("job_id", &id), (&assign, &acme_stage)],
        404,
    )
    .await;
    // Acme's image in a Globex block: refused as unavailable.
    let error = save_block(
        &globex_editor,
        job.id,
        &[
            ("stage", "all"),
            ("kind", "image"),
            ("upload_id", &acme_image),
            ("alt", "x"),
        ],
        422,
    )
    .await;
    assert_eq!(field_of(&error), "image");
    assert_eq!(stored_blocks(&app).await, before);
    assert_eq!(
        portal_stage::Entity::find().all(&app.db).await.unwrap(),
        stages_before
    );

    // Globex reads only Globex's content.
    let view = editor(&globex_editor, job.id).await;
    let ids: HashSet<i64> = blocks(&view)
        .iter()
        .filter_map(|b| b["id"].as_i64())
        .collect();
    assert_eq!(ids, HashSet::from([globex_block]));
    assert!(stage_ids(&view).contains(&globex_stage));

    // A third organization without these jobs: every job id is unknown.
    let initech = app.signed_in("initech", Role::Admin).await;
    for (endpoint, form) in writes(&id, &acme_stage, &acme_block) {
        let response = initech.call(endpoint, &form).await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    for endpoint in ["get_portal_editor", "get_portal_candidates"] {
        let response = initech.call(endpoint, &[("job_id", &id)]).await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    assert_eq!(
        initech
            .get(&format!("/admin/jobs/{id}/portal"))
            .await
            .status(),
        404
    );
    assert_eq!(
        upload_image(&initech, job.id, &[], &png(), false)
            .await
            .status(),
        404
    );
    assert_eq!(stored_blocks(&app).await, before);
}
