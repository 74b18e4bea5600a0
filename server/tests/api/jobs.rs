//! Jobs: the ATS tab against data synced from the simulator (counts, search,
//! filters, pages), activation and the Active tab, roles, organizations,
//! Greenhouse job permissions, and 5,000 jobs.

use crate::helpers::{Browser, TestApp, spawn_app, text};
use crate::sync::{client, quick_options, small, start_simulator, sync, v3_credentials};
use app::domain::Role;
use app::ssr::entities::dashboard::portal;
use app::ssr::entities::greenhouse::{applications, jobs, openings, user_job_permissions, users};
use app::ssr::services::organizations;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use server::sync::runner::SyncKind;
use std::collections::{BTreeSet, HashMap};

/// An app whose organization "acme" holds the small simulator's data.
pub async fn synced_app() -> (TestApp, i64) {
    let app = spawn_app().await;
    let greenhouse = start_simulator(small()).await;
    let org = organizations::create(&app.db, "acme", "Acme")
        .await
        .expect("organization")
        .id;
    let harvest = client(&greenhouse, v3_credentials(&greenhouse), quick_options(100));
    sync(&app.db, &harvest, org, SyncKind::Full).await;
    (app, org)
}

pub async fn browser(app: &TestApp, org: i64, email: &str, role: Role) -> Browser {
    let recruiter = app.recruiter(org, email, role).await;
    app.browser_signed_in_as(&recruiter).await
}

async fn ats(browser: &Browser, pairs: &[(&str, &str)]) -> Value {
    let form: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (format!("query[{k}]"), (*v).to_owned()))
        .collect();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let response = browser.call("get_ats_jobs", &form).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON")
}

async fn all_jobs(app: &TestApp, org: i64) -> Vec<jobs::Model> {
    jobs::Entity::find()
        .filter(jobs::Column::OrganizationId.eq(org))
        .order_by_asc(jobs::Column::Name)
        .order_by_asc(jobs::Column::Id)
        .all(&app.db)
        .await
        .expect("jobs")
}

fn ids(page: &Value) -> Vec<i64> {
    page["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .filter_map(|j| j["id"].as_i64())
        .collect()
}

#[tokio::test]
async fn the_ats_tab_lists_every_synced_job_with_its_counts() {
    let (app, org) = synced_app().await;
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    let expected = all_jobs(&app, org).await;
    assert!(expected.len() > 5, "the simulator has jobs");

    let mut open_openings: HashMap<i64, u64> = HashMap::new();
    for opening in openings::Entity::find()
        .all(&app.db)
        .await
        .expect("openings")
    {
        if opening.open && opening.organization_id == org {
            *open_openings.entry(opening.job_id).or_default() += 1;
        }
    }
    let mut active: HashMap<i64, u64> = HashMap::new();
    for application in applications::Entity::find()
        .all(&app.db)
        .await
        .expect("applications")
    {
        if application.status == "in_process"
            && !application.prospect
            && let Some(job) = application.job_id
        {
            *active.entry(job).or_default() += 1;
        }
    }

    let first = ats(&viewer, &[]).await;
    assert_eq!(first["total"].as_u64(), Some(expected.len() as u64));
    let mut seen = Vec::new();
    for page in 1..=first["pages"].as_u64().expect("pages") {
        let body = ats(&viewer, &[("page", &page.to_string())]).await;
        for job in body["jobs"].as_array().expect("jobs") {
            let id = job["id"].as_i64().expect("id");
            let model = expected.iter().find(|j| j.id == id).expect("a synced job");
            assert_eq!(job["name"], model.name.as_str());
            assert_eq!(job["status"], model.status.as_str());
            assert_eq!(
                job["requisition_id"].as_str(),
                model.requisition_id.as_deref()
            );
            assert_eq!(
                job["open_openings"].as_u64(),
                Some(open_openings.get(&id).copied().unwrap_or(0))
            );
            assert_eq!(
                job["active_candidates"].as_u64(),
                Some(active.get(&id).copied().unwrap_or(0))
            );
            assert_eq!(job["department"].is_null(), model.department_id.is_none());
            seen.push(id);
        }
    }
    assert_eq!(
        seen,
        expected.iter().map(|j| j.id).collect::<Vec<_>>(),
        "every job once, by name"
    );
    assert!(
        !first["can_activate"].as_bool().expect("flag"),
        "a viewer cannot activate"
    );

    let html = text(viewer.get("/admin/jobs").await).await;
    assert!(
        html.contains(
            &expected[0]
                .name
                .replace('&', "&amp;")
                .replace('\'', "&#39;")
        ) || html.contains(&expected[0].name)
    );
    assert!(html.contains(r#"aria-current="page">ATS"#), "{html}");
}

#[tokio::test]
async fn search_and_filters_narrow_the_list() {
    let (app, org) = synced_app().await;
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    let all = all_jobs(&app, org).await;

    let word = all[0]
        .name
        .split_whitespace()
        .next()
        .expect("a word")
        .to_uppercase();
    let found = ats(&viewer, &[("q", &word)]).await;
    let expected: Vec<i64> = all
        .iter()
        .filter(|j| {
            j.name.to_lowercase().contains(&word.to_lowercase())
                || j.requisition_id
                    .as_deref()
                    .is_some_and(|r| r.to_lowercase().contains(&word.to_lowercase()))
        })
        .map(|j| j.id)
        .collect();
    assert_eq!(ids(&found), expected);

    for status in ["open", "closed", "draft"] {
        let body = ats(&viewer, &[("status", status)]).await;
        let want = all.iter().filter(|j| j.status == status).count() as u64;
        assert_eq!(body["total"].as_u64(), Some(want), "{status}");
    }

    let department = all
        .iter()
        .find_map(|j| j.department_id)
        .expect("a department");
    let body = ats(&viewer, &[("department", &department.to_string())]).await;
    let want: Vec<i64> = all
        .iter()
        .filter(|j| j.department_id == Some(department))
        .map(|j| j.id)
        .collect();
    assert_eq!(ids(&body), want);

    let office = all
        .iter()
        .find_map(|j| j.office_ids.as_ref()?.as_array()?.first()?.as_i64())
        .expect("an office");
    let body = ats(&viewer, &[("office", &office.to_string())]).await;
    let want: Vec<i64> = all
        .iter()
        .filter(|j| {
            j.office_ids
                .as_ref()
                .and_then(|v| v.as_array())
                .is_some_and(|ids| ids.iter().any(|id| id.as_i64() == Some(office)))
        })
        .map(|j| j.id)
        .collect();
    assert_eq!(ids(&body), want);

    // Wildcards are text, and nothing matches nonsense.
    assert_eq!(ats(&viewer, &[("q", "%")]).await["total"].as_u64(), Some(0));
    assert_eq!(
        ats(&viewer, &[("q", "zzzz-no-such-job")]).await["total"].as_u64(),
        Some(0)
    );

    // Without JavaScript the same search is a plain GET.
    let html = text(viewer.get("/admin/jobs?status=draft").await).await;
    let drafts = all.iter().filter(|j| j.status == "draft").count();
    assert!(html.contains(&format!("{drafts} job")), "{html}");
}

#[tokio::test]
async fn an_editor_activates_a_job_which_moves_to_the_active_tab_and_back() {
    let (app, org) = synced_app().await;
    let editor = browser(&app, org, "e@acme.example", Role::Editor).await;
    let job = all_jobs(&app, org).await.into_iter().next().expect("a job");
    let id = job.id.to_string();

    let empty: Value = editor
        .call("get_active_jobs", &[])
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(empty["jobs"].as_array().map(Vec::len), Some(0));

    let response = editor.call("activate_job", &[("job_id", &id)]).await;
    assert_eq!(response.status(), 200);
    let active: Value = editor
        .call("get_active_jobs", &[])
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(ids(&active), vec![job.id]);
    assert_eq!(active["portal_url"], "http://localhost:3000/p/acme");
    let html = text(editor.get("/admin/jobs/active").await).await;
    assert!(
        html.contains(&format!(r#"href="/admin/jobs/{}/portal""#, job.id)),
        "{html}"
    );
    assert!(html.contains("Edit the portal of"));
    // Activating twice changes nothing.
    assert_eq!(
        editor
            .call("activate_job", &[("job_id", &id)])
            .await
            .status(),
        200
    );
    assert_eq!(
        portal::Entity::find()
            .all(&app.db)
            .await
            .expect("portals")
            .len(),
        1
    );

    let page = text(editor.get(&format!("/admin/jobs/{}/portal", job.id)).await).await;
    assert!(
        page.contains("This job&#39;s portal is active")
            || page.contains("This job's portal is active"),
        "{page}"
    );

    // Without JavaScript: a form post, then back to the page.
    let response = editor
        .post_form("/api/deactivate_job", &[("job_id", &id)])
        .await;
    assert_eq!(response.status(), 302);
    let rows = portal::Entity::find().all(&app.db).await.expect("portals");
    assert!(!rows[0].active);
    assert!(rows[0].deactivated_at.is_some());
    let after: Value = editor
        .call("get_active_jobs", &[])
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(after["jobs"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_viewer_cannot_activate_and_other_organizations_jobs_are_not_found() {
    let (app, org) = synced_app().await;
    let job = all_jobs(&app, org).await.into_iter().next().expect("a job");
    let id = job.id.to_string();
    let viewer = browser(&app, org, "v@acme.example", Role::Viewer).await;
    for endpoint in ["activate_job", "deactivate_job"] {
        let response = viewer.call(endpoint, &[("job_id", &id)]).await;
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    assert!(
        portal::Entity::find()
            .all(&app.db)
            .await
            .expect("portals")
            .is_empty()
    );

    // Another organization's admin: acme's job ids do not exist there.
    let other = app.signed_in("globex", Role::Admin).await;
    for endpoint in ["activate_job", "get_portal_editor"] {
        let response = other.call(endpoint, &[("job_id", &id)]).await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    assert_eq!(ats(&other, &[]).await["total"].as_u64(), Some(0));
    assert_eq!(
        other
            .get(&format!("/admin/jobs/{id}/portal"))
            .await
            .status(),
        404
    );
    assert!(
        portal::Entity::find()
            .all(&app.db)
            .await
            .expect("portals")
            .is_empty()
    );
}

#[tokio::test]
async fn a_recruiter_linked_to_a_greenhouse_user_sees_only_that_users_jobs() {
    let (app, org) = synced_app().await;
    let permissions = user_job_permissions::Entity::find()
        .filter(user_job_permissions::Column::OrganizationId.eq(org))
        .all(&app.db)
        .await
        .expect("permissions");
    let gh_users = users::Entity::find()
        .filter(users::Column::OrganizationId.eq(org))
        .all(&app.db)
        .await
        .expect("users");
    let user = gh_users
        .iter()
        .filter(|u| !u.site_admin)
        .find(|u| permissions.iter().any(|p| p.user_id == u.id))
        .expect("a Greenhouse user with job permissions");
    let allowed: BTreeSet<i64> = permissions
        .iter()
        .filter(|p| p.user_id == user.id)
        .map(|p| p.job_id)
        .collect();

    let admin = app.signed_in("acme", Role::Admin).await;
    let recruiter = app
        .recruiter(org, "linked@acme.example", Role::Editor)
        .await;
    let update = admin
        .call(
            "update_user",
            &[
                ("recruiter_id", &recruiter.id.to_string()),
                ("role", "editor"),
                ("greenhouse_user_id", &user.id.to_string()),
            ],
        )
        .await;
    assert_eq!(update.status(), 200);
    let linked = app.browser_signed_in_as(&recruiter).await;
    let body = ats(&linked, &[]).await;
    let mut seen = BTreeSet::new();
    for page in 1..=body["pages"].as_u64().expect("pages") {
        seen.extend(ids(&ats(&linked, &[("page", &page.to_string())]).await));
    }
    let existing: BTreeSet<i64> = all_jobs(&app, org).await.iter().map(|j| j.id).collect();
    assert_eq!(
        seen,
        allowed
            .intersection(&existing)
            .copied()
            .collect::<BTreeSet<_>>()
    );
    assert!(
        body["restriction"]
            .as_str()
            .is_some_and(|r| r.contains("job permissions"))
    );

    let hidden = existing
        .iter()
        .find(|id| !allowed.contains(id))
        .expect("a hidden job");
    let refused = linked
        .call("activate_job", &[("job_id", &hidden.to_string())])
        .await;
    assert_eq!(refused.status(), 404);

    // A site admin sees everything; an unknown user sees nothing, with a reason.
    if let Some(site_admin) = gh_users.iter().find(|u| u.site_admin) {
        let a = app.recruiter(org, "sa@acme.example", Role::Viewer).await;
        app::ssr::services::recruiters::update(
            &app.db,
            org,
            a.id,
            Role::Viewer,
            Some(site_admin.id),
        )
        .await
        .expect("link");
        let b = app.browser_signed_in_as(&a).await;
        assert_eq!(
            ats(&b, &[]).await["total"].as_u64(),
            Some(existing.len() as u64)
        );
    }
    let ghost = app.recruiter(org, "ghost@acme.example", Role::Viewer).await;
    app::ssr::services::recruiters::update(&app.db, org, ghost.id, Role::Viewer, Some(999_999_999))
        .await
        .expect("link");
    let ghost = app.browser_signed_in_as(&ghost).await;
    let body = ats(&ghost, &[]).await;
    assert_eq!(body["total"].as_u64(), Some(0));
    assert!(
        body["restriction"]
            .as_str()
            .is_some_and(|r| r.contains("999999999"))
    );
}

#[tokio::test]
async fn five_thousand_jobs_page_correctly() {
    let app = spawn_app().await;
    let org = organizations::create(&app.db, "big", "Big Co")
        .await
        .expect("org")
        .id;
    let now = chrono::Utc::now();
    let models: Vec<jobs::ActiveModel> = (1..=5000_i64)
        .map(|n| {
            jobs::ActiveModel::from(jobs::Model {
                organization_id: org,
                id: n,
                created_at: Some(now),
                updated_at: Some(now),
                name: format!("Job {n:05}"),
                requisition_id: Some(format!("REQ-{n}")),
                notes: None,
                confidential: false,
                status: if n % 3 == 0 {
                    "closed".into()
                } else {
                    "open".into()
                },
                opened_at: None,
                closed_at: None,
                is_template: None,
                copied_from_id: None,
                department_id: None,
                office_ids: None,
                custom_fields: None,
                synced_at: now,
            })
        })
        .collect();
    for chunk in models.chunks(500) {
        jobs::Entity::insert_many(chunk.to_vec())
            .exec(&app.db)
            .await
            .expect("insert jobs");
    }
    let viewer = browser(&app, org, "v@big.example", Role::Viewer).await;
    let started = std::time::Instant::now();
    let first = ats(&viewer, &[]).await;
    let first_time = started.elapsed();
    assert_eq!(first["total"].as_u64(), Some(5000));
    assert_eq!(first["pages"].as_u64(), Some(100));
    assert_eq!(ids(&first), (1..=50).collect::<Vec<_>>());
    let last = ats(&viewer, &[("page", "100")]).await;
    assert_eq!(ids(&last), (4951..=5000).collect::<Vec<_>>());
    let beyond = ats(&viewer, &[("page", "999")]).await;
    assert_eq!(
        beyond["page"].as_u64(),
        Some(100),
        "clamped to the last page"
    );
    let closed = ats(&viewer, &[("status", "closed"), ("q", "job 04")]).await;
    assert_eq!(closed["total"].as_u64(), Some(333));
    // Warm: the middle page, filtered and unfiltered (printed for docs/benchmarks.md).
    let started = std::time::Instant::now();
    for _ in 0..10 {
        ats(&viewer, &[("page", "50")]).await;
    }
    let warm = started.elapsed() / 10;
    println!("ATS with 5,000 jobs: first page {first_time:?}, page 50 warm {warm:?} per request");
}
