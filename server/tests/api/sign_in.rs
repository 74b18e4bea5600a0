//! Recruiter sign-in by magic link and code: SECURITY.md checklist items
//! 1–17, through the real router and database.

use crate::helpers::{Browser, TestApp, spawn_app, test_config, text};
use app::domain::Role;
use app::ssr::auth::{secrets::sha256_hex, sign_in};
use app::ssr::entities::dashboard::{dev_mail, recruiter, session, sign_in_request, sign_in_token};
use base64::Engine;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use std::time::{Duration, Instant};

const EMAIL: &str = "ada@acme.example";

async fn app_with_recruiter(role: Role) -> (TestApp, recruiter::Model) {
    let app = spawn_app().await;
    let org = app::ssr::services::organizations::create(&app.db, "acme", "Acme Robotics")
        .await
        .expect("organization");
    let recruiter = app.recruiter(org.id, EMAIL, role).await;
    (app, recruiter)
}

async fn ask(browser: &Browser, email: &str) -> reqwest::Response {
    browser
        .post_form("/api/request_sign_in", &[("email", email)])
        .await
}

/// The newest message to `to` in the dev mailbox, waiting for the outbox.
pub(crate) async fn mail_to(app: &TestApp, to: &str, after: usize) -> dev_mail::Model {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mails = dev_mail::Entity::find()
            .filter(dev_mail::Column::ToAddress.eq(to))
            .order_by_asc(dev_mail::Column::Id)
            .all(&app.db)
            .await
            .expect("read the mailbox");
        if mails.len() > after {
            return mails.into_iter().next_back().expect("a message");
        }
        assert!(Instant::now() < deadline, "no mail to {to} arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn mail_count(app: &TestApp) -> u64 {
    dev_mail::Entity::find()
        .count(&app.db)
        .await
        .expect("count mail")
}

pub(crate) fn link_token(text: &str) -> String {
    let start = text.find("token=").expect("a link in the email") + "token=".len();
    text[start..]
        .split(char::is_whitespace)
        .next()
        .unwrap_or_default()
        .to_owned()
}

pub(crate) fn code(text: &str) -> String {
    let start = text.find("sign-in page: ").expect("a code in the email") + "sign-in page: ".len();
    text[start..start + 9].to_owned()
}

async fn confirm(browser: &Browser, token: &str) -> reqwest::Response {
    browser
        .post_form("/api/confirm_sign_in", &[("token", token)])
        .await
}

pub(crate) async fn session_count(app: &TestApp) -> u64 {
    session::Entity::find()
        .count(&app.db)
        .await
        .expect("count sessions")
}

pub(crate) fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A signed-in dashboard answers 200 for `/admin`; signed out it redirects.
async fn is_signed_in(browser: &Browser) -> bool {
    browser.get("/admin").await.status() == 200
}

#[tokio::test]
async fn a_recruiter_signs_in_with_the_emailed_link_in_the_same_browser() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    let asked = ask(&browser, " Ada@ACME.example ").await;
    assert_eq!(asked.status(), 303);
    assert!(location(&asked).starts_with("/admin/sign-in/check-email"));
    let mail = mail_to(&app, EMAIL, 0).await;
    assert_eq!(mail.subject, "Your Trellis sign-in link");
    let token = link_token(&mail.body_text);
    // The link uses the configured public URL.
    assert!(mail.body_text.contains(&format!(
        "http://localhost:3000/admin/sign-in/link?token={token}"
    )));

    let signed_in = confirm(&browser, &token).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/admin", "a token-free address");
    assert!(is_signed_in(&browser).await);
    let me: serde_json::Value = browser
        .call("get_me", &[])
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["email"], EMAIL);
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn tokens_are_256_bit_and_only_their_hashes_are_stored() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let mail = mail_to(&app, EMAIL, 0).await;
    let token = link_token(&mail.body_text);
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&token)
        .expect("base64url");
    assert_eq!(bytes.len(), 32);
    let typed_code = code(&mail.body_text).replace('-', "");

    let rows = sign_in_token::Entity::find()
        .all(&app.db)
        .await
        .expect("tokens");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].token_hash, sha256_hex(&token));
    let attempt = browser
        .cookie(sign_in::ATTEMPT_COOKIE)
        .expect("attempt cookie");
    assert_eq!(rows[0].attempt_hash, sha256_hex(&attempt));
    // Nothing outside the mailbox holds the token, the code or the attempt.
    let stored = format!(
        "{:?}{:?}",
        rows,
        sign_in_request::Entity::find()
            .all(&app.db)
            .await
            .expect("requests")
    );
    for secret in [&token, &typed_code, &attempt] {
        assert!(
            !stored.contains(secret.as_str()),
            "{secret} stored in clear"
        );
    }
}

#[tokio::test]
async fn opening_a_link_changes_nothing_until_the_button_is_pressed() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let token = link_token(&mail_to(&app, EMAIL, 0).await.body_text);
    let path = format!("/admin/sign-in/link?token={token}");

    for _ in 0..2 {
        let page = browser.get(&path).await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
        assert_eq!(page.headers()["cache-control"], "no-store");
        let html = text(page).await;
        assert!(html.contains(r#"method="post""#), "{html}");
        assert!(html.contains("a…@acme.example"), "{html}");
        assert!(!html.contains(".submit()"), "nothing submits by itself");
    }
    let head = reqwest::Client::new()
        .head(format!("{}{path}", app.address))
        .send()
        .await
        .expect("HEAD");
    assert!(head.status().is_success() || head.status().is_redirection());
    assert_eq!(session_count(&app).await, 0);
    assert!(!is_signed_in(&browser).await);

    assert_eq!(confirm(&browser, &token).await.status(), 303);
    assert!(is_signed_in(&browser).await);
    // Used once: the page now says so, and a second post signs nobody in.
    let again = text(browser.get(&path).await).await;
    assert!(again.contains("This sign-in link cannot be used"));
    let other = Browser::new(&app);
    other.set_cookie(
        sign_in::ATTEMPT_COOKIE,
        &browser.cookie(sign_in::ATTEMPT_COOKIE).unwrap_or_default(),
    );
    let replay = confirm(&other, &token).await;
    assert!(location(&replay).contains("problem=invalid-link"));
    assert!(!is_signed_in(&other).await);
}

#[tokio::test]
async fn a_link_expires_after_fifteen_minutes() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let token = link_token(&mail_to(&app, EMAIL, 0).await.body_text);
    let row = sign_in_token::Entity::find()
        .one(&app.db)
        .await
        .expect("token")
        .expect("a token row");
    assert_eq!(
        row.expires_at - row.created_at,
        chrono::Duration::minutes(15)
    );

    // At 15:01 the link is dead: move the clock by moving the row.
    let mut expired = row.into_active_model();
    expired.expires_at = Set(chrono::Utc::now() - chrono::Duration::seconds(60));
    expired.update(&app.db).await.expect("age the token");
    let response = confirm(&browser, &token).await;
    assert!(location(&response).contains("problem=invalid-link"));
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn two_concurrent_uses_of_one_link_make_exactly_one_session() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let token = link_token(&mail_to(&app, EMAIL, 0).await.body_text);
    let attempt = browser.cookie(sign_in::ATTEMPT_COOKIE).expect("attempt");
    let browsers: Vec<Browser> = (0..4)
        .map(|_| {
            let b = Browser::new(&app);
            b.set_cookie(sign_in::ATTEMPT_COOKIE, &attempt);
            b
        })
        .collect();
    let results = futures_util::future::join_all(browsers.iter().map(|b| confirm(b, &token))).await;
    let winners = results.iter().filter(|r| location(r) == "/admin").count();
    assert_eq!(
        winners,
        1,
        "{:?}",
        results.iter().map(location).collect::<Vec<_>>()
    );
    assert_eq!(session_count(&app).await, 1);
}

#[tokio::test]
async fn a_link_opened_in_another_browser_needs_the_code_in_the_first_one() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let asking = Browser::new(&app);
    ask(&asking, EMAIL).await;
    let mail = mail_to(&app, EMAIL, 0).await;
    let token = link_token(&mail.body_text);
    let phone = Browser::new(&app);
    let response = confirm(&phone, &token).await;
    assert_eq!(
        location(&response),
        "/admin/sign-in/check-email?problem=other-browser"
    );
    assert!(!is_signed_in(&phone).await);
    assert_eq!(session_count(&app).await, 0);

    // The code does not work in the other browser either…
    let typed = code(&mail.body_text);
    let elsewhere = phone
        .call("sign_in_with_code", &[("code", typed.as_str())])
        .await;
    assert_eq!(elsewhere.status(), 422);
    // …but does in the asking one, typed loosely.
    let loose = typed.to_lowercase().replace('-', " ");
    let ok = asking
        .post_form("/api/sign_in_with_code", &[("code", loose.as_str())])
        .await;
    assert_eq!(ok.status(), 303);
    assert_eq!(location(&ok), "/admin");
    assert!(is_signed_in(&asking).await);
}

#[tokio::test]
async fn five_wrong_codes_kill_both_the_code_and_the_link() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let mail = mail_to(&app, EMAIL, 0).await;
    let right = code(&mail.body_text);
    let wrong = if right.starts_with('Z') {
        "YYYY-YYYY"
    } else {
        "ZZZZ-ZZZZ"
    };
    for left in (1..=4).rev() {
        let response = browser.call("sign_in_with_code", &[("code", wrong)]).await;
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
    let fifth = browser.call("sign_in_with_code", &[("code", wrong)]).await;
    assert_eq!(fifth.status(), 422);
    let now_right = browser
        .call("sign_in_with_code", &[("code", right.as_str())])
        .await;
    assert_eq!(now_right.status(), 422, "the right code is dead too");
    let link = confirm(&browser, &link_token(&mail.body_text)).await;
    assert!(location(&link).contains("problem=invalid-link"));
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn a_new_link_ends_the_earlier_unused_one() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    ask(&browser, EMAIL).await;
    let first = link_token(&mail_to(&app, EMAIL, 0).await.body_text);
    // Past the one-a-minute limit.
    sign_in_request::Entity::update_many()
        .col_expr(
            sign_in_request::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::seconds(61)),
        )
        .exec(&app.db)
        .await
        .expect("age the request");
    ask(&browser, EMAIL).await;
    let second = link_token(&mail_to(&app, EMAIL, 1).await.body_text);
    assert_ne!(first, second);
    assert!(location(&confirm(&browser, &first).await).contains("problem=invalid-link"));
    assert_eq!(location(&confirm(&browser, &second).await), "/admin");
}

/// Status, headers (but cookie values, date and CSP nonce) and body.
pub(crate) async fn comparable(
    response: reqwest::Response,
) -> (u16, Vec<(String, String)>, String) {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "content-security-policy"))
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or_default();
            let value = match value.split_once('=') {
                Some((cookie, rest)) if name == "set-cookie" => {
                    format!(
                        "{cookie}=…;{}",
                        rest.split_once(';').map(|r| r.1).unwrap_or("")
                    )
                }
                _ => value.to_owned(),
            };
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    (status, headers, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn the_answer_is_the_same_for_known_unknown_and_disabled_emails() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let org = app::ssr::services::organizations::find_by_slug(&app.db, "acme")
        .await
        .expect("read")
        .expect("acme");
    let disabled = app
        .recruiter(org.id, "gone@acme.example", Role::Viewer)
        .await;
    // The only admin stays; the viewer is disabled.
    app::ssr::services::recruiters::set_disabled(&app.db, org.id, disabled.id, true)
        .await
        .expect("disable");
    let mut answers = Vec::new();
    for email in [EMAIL, "nobody@acme.example", "gone@acme.example"] {
        for hydrated in [false, true] {
            let browser = Browser::new(&app);
            let response = if hydrated {
                browser.call("request_sign_in", &[("email", email)]).await
            } else {
                ask(&browser, email).await
            };
            answers.push((hydrated, comparable(response).await));
        }
    }
    for (hydrated, answer) in &answers {
        let first = answers
            .iter()
            .find(|(h, _)| h == hydrated)
            .map(|(_, a)| a)
            .expect("an answer");
        assert_eq!(answer, first);
    }
    mail_to(&app, EMAIL, 0).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        mail_count(&app).await,
        1,
        "only the known, enabled address gets mail"
    );
}

#[tokio::test]
async fn known_and_unknown_emails_take_the_same_time() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let state = app_state(&app);
    let mut medians = Vec::new();
    for email in [EMAIL, "nobody@acme.example"] {
        let mut times = Vec::new();
        for round in 0..50 {
            // Each request from its own address, each past the per-email limit.
            sign_in_request::Entity::delete_many()
                .exec(&app.db)
                .await
                .expect("clear the limits");
            let started = Instant::now();
            sign_in::request_link(
                &state,
                email,
                &format!("10.0.0.{round}"),
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

fn app_state(app: &TestApp) -> app::ssr::AppState {
    let (outbox, _queue) = app::ssr::mail::Outbox::channel();
    app::ssr::AppState {
        leptos_options: leptos::config::LeptosOptions::builder()
            .output_name("trellis")
            .build(),
        db: app.db.clone(),
        public_url: url::Url::parse(crate::helpers::PUBLIC_URL).expect("URL"),
        outbox,
        sign_in_key: std::sync::Arc::new([7; 32]),
        dev_mailbox: true,
        demo_admin_email: None,
        greenhouse: server::integrations::Integrations::shared(
            app.db.clone(),
            std::sync::Arc::new(app.master_key.clone()),
        ),
        portal_content: Default::default(),
    }
}

#[tokio::test]
async fn one_email_a_minute_and_five_an_hour_across_two_servers() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    // A second server process over the same database.
    let config = test_config(&app.database);
    let db = server::db::connect(&app.database.url).await.expect("db");
    let second = server::startup::Application::build(&config, db)
        .await
        .expect("second instance");
    let second_address = format!("http://127.0.0.1:{}", second.local_addr().port());
    tokio::spawn(second.run_until(std::future::pending()));

    let browser = Browser::new(&app);
    assert_eq!(ask(&browser, EMAIL).await.status(), 303);
    mail_to(&app, EMAIL, 0).await;
    let mut other = Browser::new(&app);
    other.address = second_address;
    assert_eq!(ask(&other, EMAIL).await.status(), 303, "the same answer…");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mail_count(&app).await,
        1,
        "…but no second email within a minute"
    );

    // Five an hour: pretend the earlier ones were sent over the past hour.
    for minutes in [10, 20, 30, 40] {
        sign_in_request::ActiveModel {
            audience: Set("recruiter".into()),
            organization_id: Set(None),
            email_hash: Set(sha256_hex(EMAIL)),
            ip: Set("10.1.1.1".into()),
            sent: Set(true),
            created_at: Set(chrono::Utc::now() - chrono::Duration::minutes(minutes)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("an earlier request");
    }
    sign_in_request::Entity::update_many()
        .col_expr(
            sign_in_request::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(50)),
        )
        .filter(sign_in_request::Column::Ip.ne("10.1.1.1"))
        .exec(&app.db)
        .await
        .expect("age");
    assert_eq!(ask(&browser, EMAIL).await.status(), 303);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        mail_count(&app).await,
        1,
        "the sixth in an hour is not sent"
    );
}

#[tokio::test]
async fn more_than_twenty_requests_an_hour_from_one_address_get_429() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    for n in 0..20 {
        let response = ask(&browser, &format!("person{n}@elsewhere.example")).await;
        assert_eq!(response.status(), 303, "request {n}");
    }
    let refused = browser
        .call(
            "request_sign_in",
            &[("email", "one-more@elsewhere.example")],
        )
        .await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap_or_default()
        .parse()
        .expect("seconds");
    assert!((3000..=3600).contains(&retry), "{retry}");
    // A spoofed forwarding header does not change the key.
    let spoofed = browser
        .send(
            reqwest::Client::new()
                .post(format!("{}/api/request_sign_in", app.address))
                .header("x-forwarded-for", "203.0.113.9")
                .header("sec-fetch-site", "same-origin")
                .form(&[("email", "spoof@elsewhere.example")]),
        )
        .await;
    assert_eq!(spoofed.status(), 429);
}

#[tokio::test]
async fn links_are_built_from_the_public_url_whatever_the_request_says() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    browser
        .send(
            reqwest::Client::new()
                .post(format!("{}/api/request_sign_in", app.address))
                .header("host", "evil.example")
                .header("x-forwarded-host", "evil.example")
                .header("sec-fetch-site", "same-origin")
                .form(&[("email", EMAIL)]),
        )
        .await;
    let mail = mail_to(&app, EMAIL, 0).await;
    assert!(
        mail.body_text
            .contains("http://localhost:3000/admin/sign-in/link?token=")
    );
    assert!(!mail.body_text.contains("evil"));
}

#[tokio::test]
async fn session_cookies_are_host_only_secure_and_random() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    let asked = ask(&browser, EMAIL).await;
    let attempt_cookie = asked.headers()["set-cookie"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    assert!(attempt_cookie.starts_with("__Host-ml_attempt="));
    for attribute in [
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=900",
    ] {
        assert!(attempt_cookie.contains(attribute), "{attempt_cookie}");
    }
    let token = link_token(&mail_to(&app, EMAIL, 0).await.body_text);
    let signed_in = confirm(&browser, &token).await;
    let cookies: Vec<String> = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap_or_default().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("__Host-rs="))
        .expect("a session cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.to_lowercase().contains("domain"));
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-ml_attempt=;")),
        "the attempt cookie is removed: {cookies:?}"
    );
    let value = browser.cookie("__Host-rs").expect("kept");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&value)
        .expect("base64url");
    assert!(bytes.len() * 8 >= 128);
    assert_eq!(signed_in.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn signing_in_again_changes_the_session_id_and_kills_the_old_one() {
    let (app, first) = app_with_recruiter(Role::Admin).await;
    let browser = app.browser_signed_in_as(&first).await;
    let before = browser.cookie("__Host-rs").expect("a session");
    let second = app
        .recruiter(first.organization_id, "grace@acme.example", Role::Viewer)
        .await;
    ask(&browser, &second.email).await;
    let token = link_token(&mail_to(&app, &second.email, 0).await.body_text);
    assert_eq!(location(&confirm(&browser, &token).await), "/admin");
    let after = browser.cookie("__Host-rs").expect("a session");
    assert_ne!(before, after);
    let me: serde_json::Value = browser
        .call("get_me", &[])
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(me["email"], "grace@acme.example");
    let stale = Browser::new(&app);
    stale.set_cookie("__Host-rs", &before);
    assert!(!is_signed_in(&stale).await, "the pre-login id is rejected");
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions_on_the_server() {
    let (app, recruiter) = app_with_recruiter(Role::Admin).await;
    for (idle, age) in [(31, 60), (1, 12 * 60)] {
        let browser = app.browser_signed_in_as(&recruiter).await;
        assert!(is_signed_in(&browser).await);
        let raw = browser.cookie("__Host-rs").expect("cookie");
        let row = session::Entity::find_by_id(sha256_hex(&raw))
            .one(&app.db)
            .await
            .expect("read")
            .expect("row");
        let mut aged = row.into_active_model();
        let now = chrono::Utc::now();
        aged.last_seen_at = Set(now - chrono::Duration::minutes(idle));
        aged.created_at = Set(now - chrono::Duration::minutes(age));
        aged.update(&app.db).await.expect("age the session");
        let response = browser.get("/admin").await;
        assert_eq!(response.status(), 303, "idle {idle} min, age {age} min");
        assert!(
            session::Entity::find_by_id(sha256_hex(&raw))
                .one(&app.db)
                .await
                .expect("read")
                .is_none(),
            "the row is deleted"
        );
        // The server also tells the browser to drop the cookie.
        assert!(browser.cookie("__Host-rs").is_none());
    }
    // 29 minutes idle, 11 hours old: still signed in.
    let browser = app.browser_signed_in_as(&recruiter).await;
    let raw = browser.cookie("__Host-rs").expect("cookie");
    session::Entity::update_many()
        .col_expr(
            session::Column::LastSeenAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::minutes(29)),
        )
        .col_expr(
            session::Column::CreatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now() - chrono::Duration::hours(11)),
        )
        .filter(session::Column::IdHash.eq(sha256_hex(&raw)))
        .exec(&app.db)
        .await
        .expect("age");
    assert!(is_signed_in(&browser).await);
}

#[tokio::test]
async fn signing_out_ends_the_session_for_good() {
    let (app, recruiter) = app_with_recruiter(Role::Admin).await;
    let browser = app.browser_signed_in_as(&recruiter).await;
    let raw = browser.cookie("__Host-rs").expect("cookie");
    let response = browser.post_form("/api/sign_out", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin/sign-in?signed_out=1");
    assert!(browser.cookie("__Host-rs").is_none());
    let replay = Browser::new(&app);
    replay.set_cookie("__Host-rs", &raw);
    assert!(!is_signed_in(&replay).await);
    assert_eq!(session_count(&app).await, 0);
}

#[tokio::test]
async fn disabling_a_recruiter_ends_all_their_sessions_at_once() {
    let (app, admin) = app_with_recruiter(Role::Admin).await;
    let viewer = app
        .recruiter(admin.organization_id, "v@acme.example", Role::Viewer)
        .await;
    let laptop = app.browser_signed_in_as(&viewer).await;
    let phone = app.browser_signed_in_as(&viewer).await;
    assert!(is_signed_in(&laptop).await && is_signed_in(&phone).await);
    app::ssr::services::recruiters::set_disabled(&app.db, admin.organization_id, viewer.id, true)
        .await
        .expect("disable");
    assert!(!is_signed_in(&laptop).await);
    assert!(!is_signed_in(&phone).await);
}

#[tokio::test]
async fn sign_in_functions_refuse_cross_site_posts() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    for endpoint in [
        "request_sign_in",
        "confirm_sign_in",
        "sign_in_with_code",
        "sign_out",
    ] {
        let response = app
            .call(
                endpoint,
                &[("email", EMAIL)],
                &[("sec-fetch-site", "cross-site")],
            )
            .await;
        assert_eq!(response.status(), 403, "{endpoint}");
    }
    assert_eq!(mail_count(&app).await, 0);
}

#[tokio::test]
async fn without_javascript_an_error_comes_back_to_the_form() {
    let (app, _) = app_with_recruiter(Role::Admin).await;
    let browser = Browser::new(&app);
    let response = ask(&browser, "ada@localhost").await;
    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert!(
        back.starts_with(&format!("{}/admin?", app.address)),
        "{back}"
    );
    assert!(back.contains("__path=%2Fapi%2Frequest_sign_in"), "{back}");
    assert!(back.contains("__err="), "{back}");
    // The sign-in page, reached the same way, shows the message by its field.
    let query = back.split_once('?').map(|(_, q)| q).unwrap_or_default();
    let page = text(browser.get(&format!("/admin/sign-in?{query}")).await).await;
    assert!(
        page.contains("Enter an email address like name@example.com."),
        "{page}"
    );
}
