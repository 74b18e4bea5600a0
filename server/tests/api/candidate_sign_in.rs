//! Candidate sign-in to an organization's portal by magic link and code:
//! SECURITY.md checklist items 1–17 for candidates, and tokens of one
//! organization never signing in to another (item 10), through the real
//! router and database.

use crate::helpers::{Browser, PUBLIC_URL, TestApp, spawn_app, text};
use crate::sign_in::{code, comparable, link_token, location, mail_count, mail_to, session_count};
use app::ssr::auth::{
    Audience, resume_candidate,
    secrets::sha256_hex,
    sessions,
    sign_in::{self, Outcome, Scope},
};
use app::ssr::entities::dashboard::{portal, session, sign_in_request, sign_in_token};
use app::ssr::entities::greenhouse::{applications, candidates, not_yet_synced};
use app::ssr::entities::organization;
use base64::Engine;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::json;
use std::time::Duration;

const ADA: &str = "ada@example.com";
/// A job whose portal is active, and one whose portal is not.
const ACTIVE_JOB: i64 = 11;
const INACTIVE_JOB: i64 = 12;

/// Acme (`acme`) and Beta (`beta`), each with an active portal and a
/// candidate Ada (the same address, different Greenhouse ids); in Acme also
/// people whose address must not open the portal.
struct Portals {
    app: TestApp,
    acme: organization::Model,
    beta: organization::Model,
}

async fn portals() -> Portals {
    let app = spawn_app().await;
    let acme = app::ssr::services::organizations::create(&app.db, "acme", "Acme Robotics")
        .await
        .expect("acme");
    let beta = app::ssr::services::organizations::create(&app.db, "beta", "Beta Labs")
        .await
        .expect("beta");
    open_portal(&app, acme.id, ACTIVE_JOB, true).await;
    open_portal(&app, acme.id, INACTIVE_JOB, false).await;
    open_portal(&app, beta.id, 21, true).await;
    // Greenhouse keeps addresses as typed.
    candidate(
        &app,
        acme.id,
        101,
        &["Ada@Example.com", "ada.work@acme.example"],
    )
    .await;
    application(&app, acme.id, 1001, 101, ACTIVE_JOB, false, "in_process").await;
    candidate(&app, acme.id, 102, &["prospect@example.com"]).await;
    application(&app, acme.id, 1002, 102, ACTIVE_JOB, true, "in_process").await;
    candidate(&app, acme.id, 103, &["inactive@example.com"]).await;
    application(&app, acme.id, 1003, 103, INACTIVE_JOB, false, "in_process").await;
    candidate(&app, acme.id, 104, &["converted@example.com"]).await;
    application(&app, acme.id, 1004, 104, ACTIVE_JOB, false, "converted").await;
    candidate(&app, beta.id, 201, &[ADA]).await;
    application(&app, beta.id, 2001, 201, 21, false, "in_process").await;
    Portals { app, acme, beta }
}

async fn open_portal(app: &TestApp, organization_id: i64, job_id: i64, active: bool) {
    let now = chrono::Utc::now();
    portal::ActiveModel {
        organization_id: Set(organization_id),
        job_id: Set(job_id),
        active: Set(active),
        created_at: Set(now),
        updated_at: Set(now),
        activated_at: Set(now),
        deactivated_at: Set((!active).then_some(now)),
        invite_enabled: Set(false),
        rejected_access_days: Set(30),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("a portal");
}

async fn candidate(app: &TestApp, organization_id: i64, id: i64, emails: &[&str]) {
    let addresses: Vec<_> = emails
        .iter()
        .map(|e| json!({"value": e, "type": "personal"}))
        .collect();
    let mut model: candidates::Model = serde_json::from_value(json!({
        "id": id,
        "first_name": "Test",
        "last_name": format!("Candidate {id}"),
        "can_email": true,
        "tags": [], "linked_user_ids": [], "phone_numbers": [], "addresses": [],
        "email_addresses": addresses,
        "website_addresses": [], "social_media_addresses": [],
    }))
    .expect("a candidate record");
    model.organization_id = organization_id;
    model.synced_at = chrono::Utc::now();
    model
        .into_active_model()
        .insert(&app.db)
        .await
        .expect("insert a candidate");
}

async fn application(
    app: &TestApp,
    organization_id: i64,
    id: i64,
    candidate_id: i64,
    job_id: i64,
    prospect: bool,
    status: &str,
) {
    applied_at(
        app,
        organization_id,
        id,
        candidate_id,
        job_id,
        prospect,
        status,
        30,
    )
    .await;
}

#[allow(clippy::too_many_arguments)]
async fn applied_at(
    app: &TestApp,
    organization_id: i64,
    id: i64,
    candidate_id: i64,
    job_id: i64,
    prospect: bool,
    status: &str,
    days_ago: i64,
) {
    let mut model: applications::Model = serde_json::from_value(json!({
        "id": id,
        "candidate_id": candidate_id,
        "prospect": prospect,
        "status": status,
        "job_id": job_id,
        "created_at": chrono::Utc::now() - chrono::Duration::days(days_ago),
    }))
    .expect("an application record");
    model.organization_id = organization_id;
    model.synced_at = not_yet_synced();
    model
        .into_active_model()
        .insert(&app.db)
        .await
        .expect("insert an application");
}

async fn ask(browser: &Browser, subdomain: &str, email: &str) -> reqwest::Response {
    browser
        .post_form(
            "/api/request_candidate_sign_in",
            &[("subdomain", subdomain), ("email", email)],
        )
        .await
}

async fn confirm(browser: &Browser, subdomain: &str, token: &str) -> reqwest::Response {
    browser
        .post_form(
            "/api/confirm_candidate_sign_in",
            &[("subdomain", subdomain), ("token", token)],
        )
        .await
}

async fn with_code(browser: &Browser, subdomain: &str, code: &str) -> reqwest::Response {
    browser
        .call(
            "candidate_sign_in_with_code",
            &[("subdomain", subdomain), ("code", code)],
        )
        .await
}

/// Who the browser's portal cookie signs in, as the session middleware sees it.
async fn signed_in_as(app: &TestApp, browser: &Browser) -> Option<(i64, i64)> {
    let raw = browser.cookie(Audience::Candidate.cookie_name())?;
    resume_candidate(&app.db, &raw, chrono::Utc::now())
        .await
        .expect("read the session")
        .map(|me| (me.organization_id(), me.candidate_id()))
}

/// The newest link emailed to `to` (after `after` earlier messages).
async fn emailed_token(app: &TestApp, to: &str, after: usize) -> String {
    link_token(&mail_to(app, to, after).await.body_text)
}

/// Moves every recorded request an amount of time into the past.
async fn age_requests(app: &TestApp, by: chrono::Duration) {
    let requests = sign_in_request::Entity::find()
        .all(&app.db)
        .await
        .expect("requests");
    for request in requests {
        let created = request.created_at - by;
        let mut aged = request.into_active_model();
        aged.created_at = Set(created);
        aged.update(&app.db).await.expect("age a request");
    }
}

/// A client that shows redirects instead of following them, for requests
/// with hand-made headers (sent through a `Browser` for its cookies).
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

fn set_cookies(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn a_candidate_signs_in_with_the_emailed_link_and_a_button() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    let asked = ask(&browser, "acme", " ADA@example.com ").await;
    assert_eq!(asked.status(), 303);
    assert_eq!(location(&asked), "/p/acme/check-email");
    let attempt = set_cookies(&asked);
    assert!(
        attempt.iter().any(|c| c.starts_with("__Host-ml_attempt=")
            && c.contains("SameSite=Strict")
            && c.contains("Max-Age=900")),
        "{attempt:?}"
    );

    let mail = mail_to(&app, ADA, 0).await;
    assert_eq!(
        mail.subject,
        "Your sign-in link for the Acme Robotics candidate portal"
    );
    assert!(mail.body_text.contains("your application at Acme Robotics"));
    assert_eq!(mail.organization_id, Some(acme.id));
    let token = link_token(&mail.body_text);
    assert!(
        mail.body_text
            .contains(&format!("{PUBLIC_URL}/p/acme/sign-in/link?token={token}"))
    );
    let typed = code(&mail.body_text);
    assert_eq!(typed.len(), 9, "XXXX-XXXX: {typed}");

    // Opening the link (twice, and HEAD) changes nothing.
    let path = format!("/p/acme/sign-in/link?token={token}");
    for _ in 0..2 {
        let page = browser.get(&path).await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert_eq!(page.headers()["cache-control"], "no-store");
        let html = text(page).await;
        assert!(html.contains(r#"method="post""#), "{html}");
        assert!(html.contains("a…@example.com"), "{html}");
        assert!(
            html.contains("Acme Robotics"),
            "the portal's branding: {html}"
        );
        assert!(!html.contains(".submit()"), "nothing submits by itself");
    }
    let head = raw_client()
        .head(format!("{}{path}", app.address))
        .send()
        .await
        .expect("HEAD");
    assert!(head.status().is_success());
    assert_eq!(session_count(&app).await, 0);

    let signed_in = confirm(&browser, "acme", &token).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/p/acme", "a token-free address");
    assert_eq!(signed_in.headers()["cache-control"], "no-store");
    let cookies = set_cookies(&signed_in);
    let session_cookie = cookies
        .iter()
        .find(|c| c.starts_with("__Host-cs="))
        .expect("a portal session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session_cookie.contains(attribute), "{session_cookie}");
    }
    assert!(!session_cookie.to_lowercase().contains("domain"));
    assert!(!cookies.iter().any(|c| c.starts_with("__Host-rs=")));
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-ml_attempt=;")),
        "the attempt cookie is removed: {cookies:?}"
    );
    let raw = browser.cookie("__Host-cs").expect("kept");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&raw)
        .expect("base64url");
    assert!(bytes.len() * 8 >= 128);
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 101)));
    let row = session::Entity::find_by_id(sha256_hex(&raw))
        .one(&app.db)
        .await
        .expect("read")
        .expect("a session row");
    assert_eq!(row.audience, "candidate");
    // A portal session opens no dashboard.
    assert_eq!(browser.get("/admin").await.status(), 303);

    // Used once: the page says so, and another post signs nobody in.
    let again = text(browser.get(&path).await).await;
    assert!(
        again.contains("This sign-in link cannot be used"),
        "{again}"
    );
    let replay = confirm(&browser, "acme", &token).await;
    assert_eq!(location(&replay), "/p/acme?problem=invalid-link");
    assert_eq!(session_count(&app).await, 1);
}

#[tokio::test]
async fn only_the_tokens_hash_is_stored_and_the_token_is_256_bits() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let mail = mail_to(&app, ADA, 0).await;
    let token = link_token(&mail.body_text);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&token)
        .expect("base64url");
    assert_eq!(bytes.len(), 32);
    let rows = sign_in_token::Entity::find()
        .all(&app.db)
        .await
        .expect("tokens");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, sha256_hex(&token));
    assert_eq!(rows[0].audience, "candidate");
    assert_eq!(rows[0].organization_id, acme.id);
    assert_eq!(rows[0].subject_id, 101);
    assert_eq!(
        rows[0].expires_at - rows[0].created_at,
        chrono::Duration::minutes(15)
    );
    let attempt = browser.cookie(sign_in::ATTEMPT_COOKIE).expect("attempt");
    assert_eq!(rows[0].attempt_hash, sha256_hex(&attempt));
    let requests = sign_in_request::Entity::find()
        .all(&app.db)
        .await
        .expect("requests");
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].organization_id, Some(acme.id));
    let stored = format!("{rows:?}{requests:?}");
    let typed = code(&mail.body_text).replace('-', "");
    for secret in [&token, &typed, &attempt] {
        assert!(
            !stored.contains(secret.as_str()),
            "{secret} stored in clear"
        );
    }
}

#[tokio::test]
async fn the_answer_is_the_same_for_every_address_and_only_candidates_get_mail() {
    let Portals { app, .. } = portals().await;
    let mut answers = Vec::new();
    for email in [
        ADA,
        "nobody@example.com",
        "prospect@example.com",
        "inactive@example.com",
        "converted@example.com",
    ] {
        for hydrated in [false, true] {
            let browser = Browser::new(&app);
            let response = if hydrated {
                browser
                    .call(
                        "request_candidate_sign_in",
                        &[("subdomain", "acme"), ("email", email)],
                    )
                    .await
            } else {
                ask(&browser, "acme", email).await
            };
            answers.push((email, hydrated, comparable(response).await));
        }
    }
    for (email, hydrated, answer) in &answers {
        let first = answers
            .iter()
            .find(|(_, h, _)| h == hydrated)
            .map(|(_, _, a)| a)
            .expect("an answer");
        assert_eq!(answer, first, "{email} (hydrated: {hydrated})");
    }
    mail_to(&app, ADA, 0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mail_count(&app).await,
        1,
        "only Ada gets mail (once a minute)"
    );
}

#[tokio::test]
async fn known_and_unknown_addresses_take_the_same_time() {
    let Portals { app, acme, .. } = portals().await;
    let (state, _mail) = app_state(&app);
    let mut medians = Vec::new();
    for email in [ADA, "nobody@example.com"] {
        let mut times = Vec::new();
        for round in 0..50 {
            sign_in_request::Entity::delete_many()
                .exec(&app.db)
                .await
                .expect("clear the limits");
            let started = std::time::Instant::now();
            sign_in::request_candidate_link(
                &state,
                &acme,
                email,
                &format!("10.0.0.{round}"),
                false,
                chrono::Utc::now(),
            )
            .await
            .expect("request a link");
            times.push(started.elapsed());
        }
        times.sort();
        medians.push(times[times.len() / 2]);
    }
    let gap = medians[0].abs_diff(medians[1]);
    assert!(gap < Duration::from_millis(20), "medians {medians:?}");
}

/// The application's state over the test database, with the outbox's
/// receiving end (the emails) in hand.
fn app_state(
    app: &TestApp,
) -> (
    app::ssr::AppState,
    tokio::sync::mpsc::UnboundedReceiver<app::ssr::mail::OutgoingEmail>,
) {
    let (outbox, queue) = app::ssr::mail::Outbox::channel();
    let state = app::ssr::AppState {
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("trellis")
            .build(),
        db: app.db.clone(),
        public_url: url::Url::parse(PUBLIC_URL).expect("URL"),
        outbox,
        sign_in_key: std::sync::Arc::new([7; 32]),
        dev_mailbox: true,
        demo_admin_email: None,
        greenhouse: server::integrations::Integrations::shared(
            app.db.clone(),
            std::sync::Arc::new(app.master_key.clone()),
        ),
        portal_content: Default::default(),
    };
    (state, queue)
}

#[tokio::test]
async fn a_link_works_at_fourteen_fifty_nine_and_not_at_fifteen_oh_one() {
    let Portals { app, acme, .. } = portals().await;
    let (state, mut mail) = app_state(&app);
    let scope = Scope::Portal {
        organization_id: acme.id,
    };
    let issued_at = chrono::Utc::now();
    let mut issue = async |minute: i64| {
        let at = issued_at + chrono::Duration::minutes(minute);
        let attempt = sign_in::request_candidate_link(&state, &acme, ADA, "10.9.9.9", false, at)
            .await
            .expect("request a link");
        let email = mail.try_recv().expect("an email");
        (at, attempt, link_token(&email.text))
    };
    let (at, attempt, token) = issue(0).await;
    let late = at + chrono::Duration::minutes(15) + chrono::Duration::seconds(1);
    assert_eq!(
        sign_in::use_link(&app.db, scope, &token, Some(&attempt), late)
            .await
            .expect("use"),
        Outcome::Invalid
    );
    assert_eq!(
        sign_in::use_code(&app.db, &[7; 32], scope, Some(&attempt), "anything", late)
            .await
            .expect("use"),
        Outcome::Invalid
    );
    // A new link (past the one-a-minute limit) in time.
    let (at, attempt, token) = issue(2).await;
    let in_time = at + chrono::Duration::minutes(14) + chrono::Duration::seconds(59);
    assert_eq!(
        sign_in::use_link(&app.db, scope, &token, Some(&attempt), in_time)
            .await
            .expect("use"),
        Outcome::SignedIn {
            organization_id: acme.id,
            subject_id: 101
        }
    );
    // Through the router, an expired link signs nobody in.
    sign_in_request::Entity::delete_many()
        .exec(&app.db)
        .await
        .expect("clear the limits");
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let token = emailed_token(&app, ADA, 0).await;
    sign_in_token::Entity::update_many()
        .col_expr(
            sign_in_token::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(60)),
        )
        .exec(&app.db)
        .await
        .expect("age the links");
    let response = confirm(&browser, "acme", &token).await;
    assert_eq!(location(&response), "/p/acme?problem=invalid-link");
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn two_concurrent_uses_of_one_link_make_exactly_one_session() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let token = emailed_token(&app, ADA, 0).await;
    let attempt = browser.cookie(sign_in::ATTEMPT_COOKIE).expect("attempt");
    let browsers: Vec<Browser> = (0..4)
        .map(|_| {
            let b = Browser::new(&app);
            b.set_cookie(sign_in::ATTEMPT_COOKIE, &attempt);
            b
        })
        .collect();
    let results =
        futures_util::future::join_all(browsers.iter().map(|b| confirm(b, "acme", &token))).await;
    let winners = results.iter().filter(|r| location(r) == "/p/acme").count();
    assert_eq!(
        winners,
        1,
        "{:?}",
        results.iter().map(location).collect::<Vec<_>>()
    );
    assert_eq!(session_count(&app).await, 1);
    // A third try after the success fails too.
    let third = confirm(&browser, "acme", &token).await;
    assert_eq!(location(&third), "/p/acme?problem=invalid-link");
    assert_eq!(session_count(&app).await, 1);
}

#[tokio::test]
async fn a_link_opened_in_another_browser_needs_the_code_in_the_first_one() {
    let Portals { app, acme, .. } = portals().await;
    let asking = Browser::new(&app);
    ask(&asking, "acme", ADA).await;
    let mail = mail_to(&app, ADA, 0).await;
    let token = link_token(&mail.body_text);
    let phone = Browser::new(&app);
    let response = confirm(&phone, "acme", &token).await;
    assert_eq!(
        location(&response),
        "/p/acme/check-email?problem=other-browser"
    );
    assert_eq!(session_count(&app).await, 0);
    let page = text(phone.get(&location(&response)).await).await;
    assert!(page.contains("opened in a different browser"), "{page}");
    assert!(page.contains(r#"name="code""#), "the code form: {page}");

    let typed = code(&mail.body_text);
    assert_eq!(with_code(&phone, "acme", &typed).await.status(), 422);
    assert_eq!(session_count(&app).await, 0);
    // In the asking browser, typed loosely and without JavaScript, it works.
    let loose = typed.to_lowercase().replace('-', " ");
    let ok = asking
        .post_form(
            "/api/candidate_sign_in_with_code",
            &[("subdomain", "acme"), ("code", loose.as_str())],
        )
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/p/acme");
    assert_eq!(signed_in_as(&app, &asking).await, Some((acme.id, 101)));
    assert_eq!(signed_in_as(&app, &phone).await, None);
}

#[tokio::test]
async fn five_wrong_codes_kill_both_the_code_and_the_link() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let mail = mail_to(&app, ADA, 0).await;
    let right = code(&mail.body_text);
    let wrong = if right.starts_with('Z') {
        "YYYY-YYYY"
    } else {
        "ZZZZ-ZZZZ"
    };
    for left in (1..=4).rev() {
        let response = with_code(&browser, "acme", wrong).await;
        assert_eq!(response.status(), 422);
        let error: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(error["field"], "code");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains(&format!("{left} tr")),
            "{error}"
        );
    }
    let fifth = with_code(&browser, "acme", wrong).await;
    assert_eq!(fifth.status(), 422);
    let error: serde_json::Value = fifth.json().await.expect("JSON");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Ask for a new")
    );
    assert_eq!(with_code(&browser, "acme", &right).await.status(), 422);
    let link = confirm(&browser, "acme", &link_token(&mail.body_text)).await;
    assert_eq!(location(&link), "/p/acme?problem=invalid-link");
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn without_javascript_a_wrong_code_comes_back_to_its_field() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let right = code(&mail_to(&app, ADA, 0).await.body_text);
    let wrong = if right.starts_with('Z') {
        "YYYY-YYYY"
    } else {
        "ZZZZ-ZZZZ"
    };
    let response = browser
        .send(
            raw_client()
                .post(format!("{}/api/candidate_sign_in_with_code", app.address))
                .header("sec-fetch-site", "same-origin")
                .header(reqwest::header::ACCEPT, "text/html")
                .header(
                    reqwest::header::REFERER,
                    format!("{}/p/acme/check-email", app.address),
                )
                .form(&[("subdomain", "acme"), ("code", wrong)]),
        )
        .await;
    assert!(response.status().is_redirection());
    let back = location(&response);
    assert!(back.contains("/p/acme/check-email?"), "{back}");
    let query = back.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let page = text(browser.get(&format!("/p/acme/check-email?{query}")).await).await;
    assert!(
        page.contains("That code is not right. 4 tries left."),
        "{page}"
    );
    assert!(page.contains(r#"aria-invalid="true""#), "{page}");
}

#[tokio::test]
async fn a_new_link_ends_the_earlier_unused_one() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let first = emailed_token(&app, ADA, 0).await;
    age_requests(&app, chrono::Duration::seconds(61)).await;
    ask(&browser, "acme", ADA).await;
    let second = emailed_token(&app, ADA, 1).await;
    assert_ne!(first, second);
    assert_eq!(
        location(&confirm(&browser, "acme", &first).await),
        "/p/acme?problem=invalid-link"
    );
    assert_eq!(
        location(&confirm(&browser, "acme", &second).await),
        "/p/acme"
    );
}

#[tokio::test]
async fn one_email_a_minute_and_five_an_hour_per_address_and_organization() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    assert_eq!(ask(&browser, "acme", ADA).await.status(), 303);
    mail_to(&app, ADA, 0).await;
    assert_eq!(
        ask(&browser, "acme", ADA).await.status(),
        303,
        "the same answer…"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mail_count(&app).await,
        1,
        "…but no second email within a minute"
    );
    // Another organization's portal counts on its own.
    assert_eq!(ask(&browser, "beta", ADA).await.status(), 303);
    let beta_mail = mail_to(&app, ADA, 1).await;
    assert!(beta_mail.subject.contains("Beta Labs"));

    // Five an hour: four more sent over the past hour, then a sixth.
    age_requests(&app, chrono::Duration::minutes(50)).await;
    for minutes in [10, 20, 30, 40] {
        sign_in_request::ActiveModel {
            audience: Set("candidate".into()),
            organization_id: Set(Some(acme.id)),
            email_hash: Set(sha256_hex(ADA)),
            ip: Set("10.1.1.1".into()),
            sent: Set(true),
            created_at: Set(chrono::Utc::now() - chrono::Duration::minutes(minutes)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an earlier request");
    }
    assert_eq!(ask(&browser, "acme", ADA).await.status(), 303);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mail_count(&app).await,
        2,
        "the sixth in an hour is not sent"
    );
    // Beta's limit is untouched by Acme's.
    age_requests(&app, chrono::Duration::seconds(61)).await;
    assert_eq!(ask(&browser, "beta", ADA).await.status(), 303);
    mail_to(&app, ADA, 2).await;
}

#[tokio::test]
async fn more_than_twenty_requests_an_hour_from_one_address_get_429() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    for n in 0..20 {
        let response = ask(&browser, "acme", &format!("person{n}@elsewhere.example")).await;
        assert_eq!(response.status(), 303, "request {n}");
    }
    let refused = browser
        .call(
            "request_candidate_sign_in",
            &[("subdomain", "acme"), ("email", ADA)],
        )
        .await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap_or_default()
        .parse()
        .expect("seconds");
    assert!((3000..=3600).contains(&retry), "{retry}");
    // Another portal, or a spoofed forwarding header, is the same address.
    let spoofed = browser
        .send(
            raw_client()
                .post(format!("{}/api/request_candidate_sign_in", app.address))
                .header("x-forwarded-for", "203.0.113.9")
                .header("sec-fetch-site", "same-origin")
                .form(&[("subdomain", "beta"), ("email", ADA)]),
        )
        .await;
    assert_eq!(spoofed.status(), 429);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(mail_count(&app).await, 0);
}

#[tokio::test]
async fn links_are_built_from_the_public_url_whatever_the_request_says() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    let spoofed = browser
        .send(
            raw_client()
                .post(format!("{}/api/request_candidate_sign_in", app.address))
                .header("host", "evil.example")
                .header("origin", "http://evil.example")
                .header("x-forwarded-host", "evil.example")
                .header("x-forwarded-proto", "https")
                .header("sec-fetch-site", "same-origin")
                .form(&[("subdomain", "acme"), ("email", ADA)]),
        )
        .await;
    assert_eq!(location(&spoofed), "/p/acme/check-email");
    let mail = mail_to(&app, ADA, 0).await;
    assert!(
        mail.body_text
            .contains("http://localhost:3000/p/acme/sign-in/link?token="),
        "{}",
        mail.body_text
    );
    assert!(!mail.body_text.contains("evil"));

    // Asked on the portal's own host, the link opens there (where the
    // attempt cookie lives), still under the configured public host.
    age_requests(&app, chrono::Duration::seconds(61)).await;
    let on_host = Browser::new(&app);
    let asked = on_host
        .send(
            raw_client()
                .post(format!("{}/api/request_candidate_sign_in", app.address))
                .header("host", "acme.localhost:3000")
                .header("x-forwarded-host", "evil.example")
                .header("sec-fetch-site", "same-origin")
                .form(&[("subdomain", "acme"), ("email", ADA)]),
        )
        .await;
    assert_eq!(location(&asked), "/check-email");
    let mail = mail_to(&app, ADA, 1).await;
    assert!(
        mail.body_text
            .contains("http://acme.localhost:3000/sign-in/link?token="),
        "{}",
        mail.body_text
    );
    // On Acme's host, the portal asked for must be Acme's own.
    let elsewhere = on_host
        .send(
            raw_client()
                .post(format!("{}/api/request_candidate_sign_in", app.address))
                .header("host", "beta.localhost:3000")
                .header("sec-fetch-site", "same-origin")
                .form(&[("subdomain", "acme"), ("email", ADA)]),
        )
        .await;
    assert_eq!(elsewhere.status(), 404);
}

#[tokio::test]
async fn a_token_of_one_organization_signs_no_one_in_to_another() {
    let Portals { app, acme, beta } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let mail = mail_to(&app, ADA, 0).await;
    let token = link_token(&mail.body_text);

    // Beta's confirm page does not know Acme's link…
    let page = text(
        browser
            .get(&format!("/p/beta/sign-in/link?token={token}"))
            .await,
    )
    .await;
    assert!(page.contains("This sign-in link cannot be used"), "{page}");
    let preview = browser
        .call(
            "preview_candidate_sign_in_link",
            &[("subdomain", "beta"), ("token", token.as_str())],
        )
        .await;
    assert_eq!(preview.status(), 404);
    // …nor does its button, or its code form, in the very browser that asked.
    let posted = confirm(&browser, "beta", &token).await;
    assert_eq!(location(&posted), "/p/beta?problem=invalid-link");
    assert_eq!(
        with_code(&browser, "beta", &code(&mail.body_text))
            .await
            .status(),
        422
    );
    assert_eq!(session_count(&app).await, 0);
    assert_eq!(signed_in_as(&app, &browser).await, None);
    // A recruiter's confirm does not take it either.
    let dashboard = browser
        .post_form("/api/confirm_sign_in", &[("token", token.as_str())])
        .await;
    assert!(location(&dashboard).contains("problem=invalid-link"));
    assert_eq!(session_count(&app).await, 0);

    // It still works where it belongs, for Acme's Ada only.
    assert_eq!(
        location(&confirm(&browser, "acme", &token).await),
        "/p/acme"
    );
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 101)));
    assert_ne!(acme.id, beta.id);
}

#[tokio::test]
async fn the_candidate_who_applied_last_is_the_one_signed_in() {
    let Portals { app, acme, .. } = portals().await;
    // Two Greenhouse people share an address; the newer application wins.
    candidate(&app, acme.id, 105, &["shared@example.com"]).await;
    applied_at(
        &app,
        acme.id,
        1005,
        105,
        ACTIVE_JOB,
        false,
        "in_process",
        40,
    )
    .await;
    candidate(&app, acme.id, 106, &["Shared@Example.com"]).await;
    applied_at(&app, acme.id, 1006, 106, ACTIVE_JOB, false, "rejected", 2).await;
    // A newer application that does not open the portal does not count.
    candidate(&app, acme.id, 107, &["shared@example.com"]).await;
    applied_at(
        &app,
        acme.id,
        1007,
        107,
        INACTIVE_JOB,
        false,
        "in_process",
        1,
    )
    .await;
    // Nor does a longer address that contains this one.
    candidate(&app, acme.id, 108, &["shared@example.com.org"]).await;
    applied_at(&app, acme.id, 1008, 108, ACTIVE_JOB, false, "in_process", 0).await;
    for (email, expected) in [
        ("shared@example.com", Some(106)),
        ("ada.work@acme.example", Some(101)),
        ("ada@example.co", None),
        ("da@example.com", None),
        // LIKE's wildcards in an address are taken literally.
        ("sh_red@example.com", None),
        ("%@example.com", None),
        ("prospect@example.com", None),
        ("inactive@example.com", None),
        ("converted@example.com", None),
    ] {
        assert_eq!(
            sign_in::portal_candidate(&app.db, acme.id, email)
                .await
                .expect("look up"),
            expected,
            "{email}"
        );
    }
    let browser = Browser::new(&app);
    ask(&browser, "acme", "shared@example.com").await;
    let token = emailed_token(&app, "shared@example.com", 0).await;
    confirm(&browser, "acme", &token).await;
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 106)));
}

#[tokio::test]
async fn signing_in_again_changes_the_session_id_and_kills_the_old_one() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    let before = sessions::start(&app.db, Audience::Candidate, acme.id, 102, None)
        .await
        .expect("a session");
    browser.set_cookie("__Host-cs", &before);
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 102)));
    ask(&browser, "acme", ADA).await;
    let token = emailed_token(&app, ADA, 0).await;
    assert_eq!(
        location(&confirm(&browser, "acme", &token).await),
        "/p/acme"
    );
    let after = browser.cookie("__Host-cs").expect("a session");
    assert_ne!(before, after);
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 101)));
    let stale = Browser::new(&app);
    stale.set_cookie("__Host-cs", &before);
    assert_eq!(
        signed_in_as(&app, &stale).await,
        None,
        "the pre-login id is rejected"
    );
    assert_eq!(session_count(&app).await, 1);
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    ask(&browser, "acme", ADA).await;
    let token = emailed_token(&app, ADA, 0).await;
    confirm(&browser, "acme", &token).await;
    let raw = browser.cookie("__Host-cs").expect("signed in");
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 101)));

    let response = browser
        .post_form("/api/candidate_sign_out", &[("subdomain", "acme")])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/p/acme?signed_out=1");
    assert!(
        set_cookies(&response)
            .iter()
            .any(|c| c.starts_with("__Host-cs=;") && c.contains("Max-Age=0"))
    );
    assert!(browser.cookie("__Host-cs").is_none());
    assert_eq!(session_count(&app).await, 0);
    let replay = Browser::new(&app);
    replay.set_cookie("__Host-cs", &raw);
    assert_eq!(signed_in_as(&app, &replay).await, None);
}

#[tokio::test]
async fn portal_host_pages_live_on_portal_hosts_only() {
    let Portals { app, .. } = portals().await;
    let browser = Browser::new(&app);
    let on_host = |path: &str, host: &str| {
        browser.send(
            raw_client()
                .get(format!("{}{path}", app.address))
                .header("host", host.to_owned()),
        )
    };
    let check = on_host("/check-email", "acme.localhost:3000").await;
    assert_eq!(check.status(), 200);
    assert_eq!(check.headers()["cache-control"], "no-store");
    let html = text(check).await;
    assert!(html.contains("Check your email"), "{html}");
    assert!(html.contains("Acme Robotics"), "{html}");
    assert!(html.contains(r#"name="code""#), "{html}");
    assert!(
        html.contains(r#"href="/""#),
        "links stay on the portal host: {html}"
    );

    // An unknown link's page says so (and answers 404, as the dashboard's).
    let link = on_host("/sign-in/link?token=nonsense", "acme.localhost:3000").await;
    assert_eq!(link.status(), 404);
    assert_eq!(link.headers()["referrer-policy"], "no-referrer");
    assert_eq!(link.headers()["cache-control"], "no-store");
    assert!(
        text(link)
            .await
            .contains("This sign-in link cannot be used")
    );

    for path in ["/check-email", "/sign-in/link?token=x"] {
        assert_eq!(
            browser.get(path).await.status(),
            404,
            "{path} on the public host"
        );
    }
    let path_form = browser.get("/p/acme/check-email").await;
    assert_eq!(path_form.status(), 200);
    assert!(text(path_form).await.contains(r#"href="/p/acme""#));
    let unknown = text(browser.get("/p/nobody/check-email").await).await;
    assert!(unknown.contains("Portal not found"), "{unknown}");
}

#[tokio::test]
async fn a_link_asked_for_on_the_portal_host_signs_in_there() {
    let Portals { app, acme, .. } = portals().await;
    let browser = Browser::new(&app);
    let post = |endpoint: &str, form: Vec<(&'static str, String)>| {
        browser.send(
            raw_client()
                .post(format!("{}/api/{endpoint}", app.address))
                .header("host", "acme.localhost:3000")
                .header("sec-fetch-site", "same-origin")
                .header(reqwest::header::ACCEPT, "text/html")
                .form(&form),
        )
    };
    let asked = post(
        "request_candidate_sign_in",
        vec![("subdomain", "acme".into()), ("email", ADA.into())],
    )
    .await;
    assert_eq!(location(&asked), "/check-email");
    let token = emailed_token(&app, ADA, 0).await;
    let signed_in = post(
        "confirm_candidate_sign_in",
        vec![("subdomain", "acme".into()), ("token", token)],
    )
    .await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/");
    assert_eq!(signed_in_as(&app, &browser).await, Some((acme.id, 101)));
    let out = post("candidate_sign_out", vec![("subdomain", "acme".into())]).await;
    assert_eq!(location(&out), "/?signed_out=1");
}

#[tokio::test]
async fn candidate_sign_in_functions_refuse_cross_site_posts() {
    let Portals { app, .. } = portals().await;
    for endpoint in [
        "request_candidate_sign_in",
        "confirm_candidate_sign_in",
        "candidate_sign_in_with_code",
        "candidate_sign_out",
    ] {
        for site in ["cross-site", "same-site"] {
            let response = app
                .call(
                    endpoint,
                    &[("subdomain", "acme"), ("email", ADA)],
                    &[("sec-fetch-site", site)],
                )
                .await;
            assert_eq!(response.status(), 403, "{endpoint} {site}");
        }
    }
    assert_eq!(mail_count(&app).await, 0);
    assert_eq!(
        app.call(
            "request_candidate_sign_in",
            &[("subdomain", "nobody"), ("email", ADA)],
            &[]
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn demo_mode_suggests_a_candidate_address_that_opens_the_portal() {
    let Portals { app, acme, beta } = portals().await;
    assert_eq!(
        sign_in::demo_candidate_email(&app.db, acme.id)
            .await
            .expect("look up")
            .as_deref(),
        Some(ADA),
        "normalised, and from an application that opens the portal"
    );
    // Outside demo mode, no address is suggested: on a portal, nor on the
    // dashboard's sign-in pages (which ask without one).
    for form in [&[("subdomain", "beta")][..], &[]] {
        let hints: serde_json::Value = app
            .call("get_sign_in_hints", form, &[])
            .await
            .json()
            .await
            .expect("JSON");
        assert!(hints["demo_email"].is_null(), "{hints}");
        assert_eq!(hints["dev_mailbox"], true);
    }
    // An unknown portal has no hints.
    let unknown = app
        .call("get_sign_in_hints", &[("subdomain", "no-such-portal")], &[])
        .await;
    assert_eq!(unknown.status(), 404);
    portal::Entity::update_many()
        .col_expr(
            portal::Column::Active,
            sea_orm::sea_query::Expr::value(false),
        )
        .filter(portal::Column::OrganizationId.eq(beta.id))
        .exec(&app.db)
        .await
        .expect("close Beta's portal");
    assert_eq!(
        sign_in::demo_candidate_email(&app.db, beta.id)
            .await
            .expect("look up"),
        None
    );
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_portal_sessions_on_the_server() {
    let Portals { app, acme, .. } = portals().await;
    for (idle, age, live) in [(31, 60, false), (1, 24 * 60, false), (29, 23 * 60, true)] {
        let raw = sessions::start(&app.db, Audience::Candidate, acme.id, 101, None)
            .await
            .expect("a session");
        let now = chrono::Utc::now();
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now - chrono::Duration::minutes(idle)),
            )
            .col_expr(
                session::Column::CreatedAt,
                sea_orm::sea_query::Expr::value(now - chrono::Duration::minutes(age)),
            )
            .filter(session::Column::IdHash.eq(sha256_hex(&raw)))
            .exec(&app.db)
            .await
            .expect("age the session");
        let browser = Browser::new(&app);
        browser.set_cookie("__Host-cs", &raw);
        // Any request reads the session; a dead one's cookie is removed.
        browser.get("/p/acme/check-email").await;
        assert_eq!(
            browser.cookie("__Host-cs").is_some(),
            live,
            "idle {idle} min, age {age} min"
        );
        let row = session::Entity::find_by_id(sha256_hex(&raw))
            .one(&app.db)
            .await
            .expect("read");
        assert_eq!(row.is_some(), live, "idle {idle} min, age {age} min");
    }
}
