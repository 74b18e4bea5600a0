//! The Users page: only admins manage accounts, within their organization.

use crate::helpers::{Browser, TestApp, spawn_app, text};
use app::domain::Role;
use app::ssr::entities::dashboard::{dev_mail, recruiter};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::time::{Duration, Instant};

async fn org_id(app: &TestApp, slug: &str) -> i64 {
    app::ssr::services::organizations::find_by_slug(&app.db, slug)
        .await
        .expect("read")
        .expect("organization")
        .id
}

async fn account(app: &TestApp, email: &str) -> Option<recruiter::Model> {
    recruiter::Entity::find()
        .filter(recruiter::Column::Email.eq(email))
        .one(&app.db)
        .await
        .expect("read recruiters")
}

async fn invite(browser: &Browser, email: &str, role: &str) -> reqwest::Response {
    browser
        .call(
            "invite_user",
            &[
                ("email", email),
                ("name", "Grace Hopper"),
                ("role", role),
                ("greenhouse_user_id", ""),
            ],
        )
        .await
}

#[tokio::test]
async fn an_admin_invites_a_recruiter_who_gets_an_email() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let response = invite(&admin, "Grace@Acme.example", "editor").await;
    assert_eq!(response.status(), 200, "{}", text(response).await);
    let created = account(&app, "grace@acme.example").await.expect("created");
    assert_eq!(created.role, "editor");
    assert_eq!(created.organization_id, org_id(&app, "acme").await);

    let deadline = Instant::now() + Duration::from_secs(10);
    let mail = loop {
        if let Some(mail) = dev_mail::Entity::find()
            .filter(dev_mail::Column::ToAddress.eq("grace@acme.example"))
            .one(&app.db)
            .await
            .expect("mailbox")
        {
            break mail;
        }
        assert!(Instant::now() < deadline, "no invitation arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(mail.subject, "You are invited to acme Inc. on Trellis");
    assert!(
        mail.body_text
            .contains("http://localhost:3000/admin/sign-in")
    );
    assert!(mail.body_text.contains("as editor"));

    let users: Value = admin
        .call("get_users", &[])
        .await
        .json()
        .await
        .expect("JSON");
    let emails: Vec<&str> = users["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, ["admin.acme@example.com", "grace@acme.example"]);
}

#[tokio::test]
async fn bad_and_duplicate_invitations_are_refused_with_a_reason() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let bad = invite(&admin, "not-an-email", "viewer").await;
    assert_eq!(bad.status(), 422);
    let error: Value = bad.json().await.expect("JSON");
    assert_eq!(error["field"], "email");

    let role = invite(&admin, "x@acme.example", "owner").await;
    assert_eq!(role.status(), 422);
    assert_eq!(role.json::<Value>().await.expect("JSON")["field"], "role");

    // Taken in another organization: one account per email per instance.
    app.signed_in("globex", Role::Viewer).await;
    let taken = invite(&admin, "viewer.globex@example.com", "viewer").await;
    assert_eq!(taken.status(), 409);
    assert_eq!(
        recruiter::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        2
    );
}

#[tokio::test]
async fn editors_and_viewers_cannot_manage_users() {
    let app = spawn_app().await;
    app.signed_in("acme", Role::Admin).await;
    let acme = org_id(&app, "acme").await;
    let target = app.recruiter(acme, "t@acme.example", Role::Viewer).await;
    let target_id = target.id.to_string();
    for role in [Role::Editor, Role::Viewer] {
        let email = format!("{role}@acme.example");
        let recruiter = app.recruiter(acme, &email, role).await;
        let browser = app.browser_signed_in_as(&recruiter).await;
        for (endpoint, form) in [
            ("get_users", vec![]),
            (
                "invite_user",
                vec![
                    ("email", "new@acme.example"),
                    ("name", ""),
                    ("role", "admin"),
                    ("greenhouse_user_id", ""),
                ],
            ),
            (
                "update_user",
                vec![
                    ("recruiter_id", target_id.as_str()),
                    ("role", "admin"),
                    ("greenhouse_user_id", ""),
                ],
            ),
            (
                "set_user_disabled",
                vec![("recruiter_id", target_id.as_str()), ("disabled", "true")],
            ),
            (
                "end_user_sessions",
                vec![("recruiter_id", target_id.as_str())],
            ),
        ] {
            let response = browser.call(endpoint, &form).await;
            assert_eq!(response.status(), 403, "{role} {endpoint}");
            let error: Value = response.json().await.expect("JSON");
            assert_eq!(error["kind"], "forbidden");
        }
        // The page says so too.
        let html = text(browser.get("/admin/users").await).await;
        assert!(html.contains("Your role does not allow this: managing users"));
    }
    let unchanged = account(&app, "t@acme.example").await.expect("target");
    assert_eq!(unchanged.role, "viewer");
    assert!(unchanged.disabled_at.is_none());
    assert!(account(&app, "new@acme.example").await.is_none());
}

#[tokio::test]
async fn a_role_change_applies_at_once_and_the_last_admin_stays() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let acme = org_id(&app, "acme").await;
    let me = account(&app, "admin.acme@example.com")
        .await
        .expect("admin");
    let demote_me = admin
        .call(
            "update_user",
            &[
                ("recruiter_id", &me.id.to_string()),
                ("role", "viewer"),
                ("greenhouse_user_id", ""),
            ],
        )
        .await;
    assert_eq!(demote_me.status(), 422, "the only admin");

    let viewer = app.recruiter(acme, "v@acme.example", Role::Viewer).await;
    let viewer_browser = app.browser_signed_in_as(&viewer).await;
    assert_eq!(viewer_browser.call("get_users", &[]).await.status(), 403);
    let promote = admin
        .call(
            "update_user",
            &[
                ("recruiter_id", &viewer.id.to_string()),
                ("role", "admin"),
                ("greenhouse_user_id", "4242"),
            ],
        )
        .await;
    assert_eq!(promote.status(), 200);
    let promoted = account(&app, "v@acme.example").await.expect("viewer");
    assert_eq!(promoted.greenhouse_user_id, Some(4242));
    assert_eq!(viewer_browser.call("get_users", &[]).await.status(), 200);
}

#[tokio::test]
async fn another_organizations_recruiters_are_not_found() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    app.signed_in("globex", Role::Admin).await;
    let theirs = account(&app, "admin.globex@example.com")
        .await
        .expect("globex admin");
    let id = theirs.id.to_string();
    for (endpoint, form) in [
        (
            "update_user",
            vec![
                ("recruiter_id", id.as_str()),
                ("role", "viewer"),
                ("greenhouse_user_id", ""),
            ],
        ),
        (
            "set_user_disabled",
            vec![("recruiter_id", id.as_str()), ("disabled", "true")],
        ),
        ("end_user_sessions", vec![("recruiter_id", id.as_str())]),
    ] {
        let response = admin.call(endpoint, &form).await;
        assert_eq!(response.status(), 404, "{endpoint}");
    }
    let unchanged = account(&app, "admin.globex@example.com")
        .await
        .expect("still");
    assert_eq!(unchanged.role, "admin");
    assert!(unchanged.disabled_at.is_none());
}

#[tokio::test]
async fn disabling_signs_the_person_out_and_admins_cannot_lock_themselves_out() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let acme = org_id(&app, "acme").await;
    let me = account(&app, "admin.acme@example.com")
        .await
        .expect("admin");
    let myself = admin
        .call(
            "set_user_disabled",
            &[("recruiter_id", &me.id.to_string()), ("disabled", "true")],
        )
        .await;
    assert_eq!(myself.status(), 422);

    let editor = app.recruiter(acme, "e@acme.example", Role::Editor).await;
    let editor_browser = app.browser_signed_in_as(&editor).await;
    assert_eq!(editor_browser.get("/admin").await.status(), 200);
    // Without JavaScript: a form post, then back to the page.
    let response = admin
        .post_form(
            "/api/set_user_disabled",
            &[
                ("recruiter_id", &editor.id.to_string()),
                ("disabled", "true"),
            ],
        )
        .await;
    assert_eq!(response.status(), 302);
    assert_eq!(editor_browser.get("/admin").await.status(), 303);
    let html = text(admin.get("/admin/users").await).await;
    assert!(html.contains("Disabled"), "{html}");
    assert!(html.contains("Enable"));

    let enable = admin
        .call(
            "set_user_disabled",
            &[
                ("recruiter_id", &editor.id.to_string()),
                ("disabled", "false"),
            ],
        )
        .await;
    assert_eq!(enable.status(), 200);
    assert!(
        account(&app, "e@acme.example")
            .await
            .expect("editor")
            .disabled_at
            .is_none()
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session_of_that_person() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let acme = org_id(&app, "acme").await;
    let viewer = app.recruiter(acme, "v@acme.example", Role::Viewer).await;
    let a = app.browser_signed_in_as(&viewer).await;
    let b = app.browser_signed_in_as(&viewer).await;
    let response = admin
        .call(
            "end_user_sessions",
            &[("recruiter_id", &viewer.id.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(a.get("/admin").await.status(), 303);
    assert_eq!(b.get("/admin").await.status(), 303);
    assert_eq!(
        admin.get("/admin").await.status(),
        200,
        "others stay signed in"
    );
}
