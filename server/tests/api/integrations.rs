//! The Integrations page against the built-in Greenhouse simulator: testing
//! and saving a connection (the secret never comes back), "Sync now" with
//! live progress and history, roles, organizations, and forms without
//! JavaScript.

use crate::helpers::{Browser, TestApp, spawn_app, text};
use crate::sync::{Greenhouse, small, start_simulator};
use app::domain::{Resource, Role};
use app::ssr::entities::sync::{greenhouse_connection, sync_run};
use app::ssr::services::organizations;
use reqwest::Response;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use server::{
    connections::GREENHOUSE_SECRET,
    simulator::{ExtraClient, RateLimit, SimulatorConfig},
};
use std::time::{Duration, Instant};

/// A client secret distinctive enough to grep every response for.
const SECRET: &str = "gh-v3-Zq81xVt0Pq-trellis-7c2e";
const SECRET_HINT: &str = "••••7c2e";

fn simulator_config() -> SimulatorConfig {
    SimulatorConfig {
        client_secret: SECRET.to_owned(),
        ..small()
    }
}

/// The v3 form for the simulator, with `secret`.
fn v3_form(greenhouse: &Greenhouse, secret: &str, intent: &'static str) -> Vec<(String, String)> {
    let mut form = vec![
        ("form[api_version]", "v3".to_owned()),
        (
            "form[client_id]",
            SimulatorConfig::default().client_id.clone(),
        ),
        ("form[client_secret]", secret.to_owned()),
        (
            "form[user_id]",
            greenhouse.simulator.site_admin_user_id().to_string(),
        ),
        ("form[base_url]", greenhouse.running.base_url.to_string()),
        ("form[token_url]", greenhouse.running.token_url.to_string()),
    ];
    form.push(("intent", intent.to_owned()));
    form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn with(form: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    form.iter()
        .map(|(k, v)| {
            if k == key {
                (k.clone(), value.to_owned())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

async fn json(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    let value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("JSON: {body}"));
    (status, value)
}

async fn org_id(app: &TestApp, slug: &str) -> i64 {
    organizations::find_by_slug(&app.db, slug)
        .await
        .expect("read")
        .expect("organization")
        .id
}

async fn connection_row(app: &TestApp, org: i64) -> Option<greenhouse_connection::Model> {
    greenhouse_connection::Entity::find_by_id(org)
        .one(&app.db)
        .await
        .expect("read the connection")
}

async fn runs(app: &TestApp, org: i64) -> u64 {
    sync_run::Entity::find()
        .filter(sync_run::Column::OrganizationId.eq(org))
        .count(&app.db)
        .await
        .expect("count runs")
}

/// Saves the simulator's v3 connection as `browser`'s organization.
async fn save(browser: &Browser, greenhouse: &Greenhouse) -> Value {
    let form = v3_form(greenhouse, SECRET, "save");
    let (status, body) = json(browser.call("connect_greenhouse", &pairs(&form)).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Polls the progress function until the latest run is no longer running.
async fn wait_for_finish(browser: &Browser) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, progress) = json(browser.call("get_sync_progress", &[]).await).await;
        assert_eq!(status, 200, "{progress}");
        if progress["latest"]["status"] != "running" {
            return progress;
        }
        assert!(
            Instant::now() < deadline,
            "the sync did not finish: {progress}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn testing_good_credentials_answers_ok_and_stores_nothing() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;

    let form = v3_form(&greenhouse, SECRET, "test");
    let (status, body) = json(admin.call("connect_greenhouse", &pairs(&form)).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["saved"], false);
    assert_eq!(body["api_version"], "v3");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("all 22 lists Trellis reads answered"),
        "{body}"
    );
    assert!(
        connection_row(&app, org).await.is_none(),
        "a test saves nothing"
    );
    // A token and one page of each of the 22 lists (job posts read once).
    assert!(greenhouse.simulator.stats().tokens_issued >= 1);

    // v1 works the same way.
    let v1 = [
        ("form[api_version]", "v1"),
        ("form[api_key]", "simulator-api-key"),
        ("form[base_url]", greenhouse.running.base_url.as_str()),
        ("intent", "test"),
    ];
    let (status, body) = json(admin.call("connect_greenhouse", &v1).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["api_version"], "v1");
    assert!(connection_row(&app, org).await.is_none());
}

#[tokio::test]
async fn a_wrong_secret_an_unknown_user_and_an_unreachable_host_are_named_on_their_fields() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;
    let good = v3_form(&greenhouse, SECRET, "save");

    let wrong = with(&good, "form[client_secret]", "not-the-secret");
    let (status, error) = json(admin.call("connect_greenhouse", &pairs(&wrong)).await).await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["field"], "client_secret");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("client id or secret is wrong"),
        "{message}"
    );
    assert!(
        message.contains("invalid_client"),
        "Greenhouse's words: {message}"
    );

    let unknown_user = with(&good, "form[user_id]", "999999999");
    let (status, error) = json(
        admin
            .call("connect_greenhouse", &pairs(&unknown_user))
            .await,
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["field"], "user_id", "{error}");

    let not_a_number = with(&good, "form[user_id]", "four");
    let (_, error) = json(
        admin
            .call("connect_greenhouse", &pairs(&not_a_number))
            .await,
    )
    .await;
    assert_eq!(error["field"], "user_id", "{error}");

    let unreachable = with(
        &with(&good, "form[base_url]", "http://127.0.0.1:1/"),
        "form[token_url]",
        "http://127.0.0.1:1/token",
    );
    let started = Instant::now();
    let (status, error) = json(admin.call("connect_greenhouse", &pairs(&unreachable)).await).await;
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["field"], "token_url", "{error}");
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("could not be reached"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");

    let not_a_url = with(&good, "form[base_url]", "harvest.greenhouse.io");
    let (_, error) = json(admin.call("connect_greenhouse", &pairs(&not_a_url)).await).await;
    assert_eq!(error["field"], "base_url", "{error}");

    let no_client = with(&good, "form[client_id]", "  ");
    let (_, error) = json(admin.call("connect_greenhouse", &pairs(&no_client)).await).await;
    assert_eq!(error["field"], "client_id", "{error}");
    let no_secret = with(&good, "form[client_secret]", "");
    let (_, error) = json(admin.call("connect_greenhouse", &pairs(&no_secret)).await).await;
    assert_eq!(error["field"], "client_secret", "{error}");
    let bad_intent = with(&good, "intent", "delete");
    let (status, _) = json(admin.call("connect_greenhouse", &pairs(&bad_intent)).await).await;
    assert_eq!(status, 422);

    let wrong_key = [
        ("form[api_version]", "v1"),
        ("form[api_key]", "not-the-key"),
        ("form[base_url]", greenhouse.running.base_url.as_str()),
        ("intent", "test"),
    ];
    let (status, error) = json(admin.call("connect_greenhouse", &wrong_key).await).await;
    assert_eq!(status, 422, "{error}");
    assert_eq!(error["field"], "api_key", "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("wrong or revoked"),
        "{error}"
    );

    assert!(
        connection_row(&app, org).await.is_none(),
        "nothing failed was saved"
    );
}

#[tokio::test]
async fn missing_scopes_are_listed_by_name_and_nothing_is_saved() {
    let app = spawn_app().await;
    let scopes = Resource::ALL
        .iter()
        .filter(|r| !matches!(r, Resource::Offers | Resource::Candidates))
        .map(|r| r.v3_scope())
        .collect();
    let greenhouse = start_simulator(SimulatorConfig {
        granted_scopes: Some(scopes),
        ..simulator_config()
    })
    .await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;

    for intent in ["test", "save"] {
        let form = v3_form(&greenhouse, SECRET, intent);
        let (status, error) = json(admin.call("connect_greenhouse", &pairs(&form)).await).await;
        assert_eq!(status, 422, "{error}");
        assert_eq!(error["field"], "access", "{error}");
        let message = error["message"].as_str().unwrap();
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(
            &lines[1..],
            ["harvest:candidates:list", "harvest:offers:list"],
            "{message}"
        );
        assert!(lines[0].contains("Greenhouse refused 2 lists"), "{message}");
        assert!(
            lines[0].contains("Missing OAuth scope harvest:candidates:list"),
            "quotes Greenhouse: {message}"
        );
    }
    assert!(connection_row(&app, org).await.is_none());

    // The simulator's second credential lacks two scopes too.
    let limited = with(
        &v3_form(&greenhouse, "simulator-secret", "test"),
        "form[client_id]",
        ExtraClient::LIMITED_ID,
    );
    let (status, error) = json(admin.call("connect_greenhouse", &pairs(&limited)).await).await;
    assert_eq!(status, 422, "{error}");
    let message = error["message"].as_str().unwrap();
    assert_eq!(
        message.lines().skip(1).collect::<Vec<_>>(),
        ExtraClient::LIMITED_MISSING.map(|r| r.v3_scope()),
        "{message}"
    );
}

#[tokio::test]
async fn a_saved_secret_is_sealed_and_never_sent_back_only_its_last_four_characters() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;
    let mut bodies = Vec::new();

    let saved = save(&admin, &greenhouse).await;
    assert_eq!(saved["saved"], true);
    bodies.push(saved.to_string());

    // The database holds ciphertexts only, which open to the secrets.
    let row = connection_row(&app, org).await.expect("saved");
    assert_eq!(row.status, "ok");
    assert_eq!(row.api_version, "v3");
    assert!(
        !row.secret_ciphertext
            .windows(SECRET.len())
            .any(|w| w == SECRET.as_bytes())
    );
    let opened = app
        .master_key
        .open(org, GREENHOUSE_SECRET, &row.secret_ciphertext)
        .expect("opens with the master key");
    assert_eq!(opened, SECRET.as_bytes());
    let webhook_secret = String::from_utf8(
        app.master_key
            .open(
                org,
                server::connections::WEBHOOK_SECRET,
                &row.webhook_secret_ciphertext,
            )
            .expect("webhook secret"),
    )
    .unwrap();
    assert!(webhook_secret.len() >= 32);

    // What the admin's page gets: the hint, the webhook, no secret.
    let (status, view) = json(admin.call("get_integrations", &[]).await).await;
    assert_eq!(status, 200);
    assert_eq!(view["can_manage"], true);
    assert_eq!(view["connection"]["secret_hint"], SECRET_HINT);
    assert_eq!(view["connection"]["status"], "ok");
    assert_eq!(view["connection"]["client_id"], "trellis-simulator");
    assert_eq!(
        view["webhook_url"],
        "http://localhost:3000/webhooks/greenhouse/acme"
    );
    assert_eq!(view["webhook_secret"], webhook_secret.as_str());
    bodies.push(view.to_string());
    let page = text(admin.get("/admin/integrations").await).await;
    assert!(page.contains(SECRET_HINT), "the page shows the hint");
    assert!(page.contains("/webhooks/greenhouse/acme"));
    assert!(
        page.contains(&webhook_secret),
        "admins see the webhook secret"
    );
    assert!(page.contains("Change the Greenhouse connection"));
    bodies.push(page);
    bodies.push(
        json(admin.call("get_sync_progress", &[]).await)
            .await
            .1
            .to_string(),
    );

    // Saving again with the secret left empty keeps it (and the webhook secret).
    let keep = with(
        &v3_form(&greenhouse, "", "save"),
        "form[user_id]",
        &greenhouse.simulator.site_admin_user_id().to_string(),
    );
    let (status, again) = json(admin.call("connect_greenhouse", &pairs(&keep)).await).await;
    assert_eq!(status, 200, "{again}");
    bodies.push(again.to_string());
    let row = connection_row(&app, org).await.expect("still saved");
    assert_eq!(
        app.master_key
            .open(org, GREENHOUSE_SECRET, &row.secret_ciphertext)
            .unwrap(),
        SECRET.as_bytes()
    );
    let (_, view) = json(admin.call("get_integrations", &[]).await).await;
    assert_eq!(view["webhook_secret"], webhook_secret.as_str());
    // An empty secret also tests with the stored one.
    let test_stored = with(&keep, "intent", "test");
    let (status, tested) = json(admin.call("connect_greenhouse", &pairs(&test_stored)).await).await;
    assert_eq!(status, 200, "{tested}");
    bodies.push(tested.to_string());

    // Viewers and editors see the status but neither hint nor webhook.
    for role in [Role::Viewer, Role::Editor] {
        let other = app
            .recruiter(org, &format!("{role}@acme.example"), role)
            .await;
        let browser = app.browser_signed_in_as(&other).await;
        let (status, view) = json(browser.call("get_integrations", &[]).await).await;
        assert_eq!(status, 200);
        assert_eq!(view["can_manage"], false);
        assert_eq!(view["connection"]["status"], "ok");
        assert!(view["connection"]["secret_hint"].is_null(), "{view}");
        assert!(view["connection"]["client_id"].is_null(), "{view}");
        assert!(view["webhook_secret"].is_null(), "{view}");
        assert!(view["webhook_url"].is_null(), "{view}");
        let page = text(browser.get("/admin/integrations").await).await;
        assert!(page.contains("Connected"), "{role}: {page}");
        assert!(!page.contains(&webhook_secret), "{role}");
        assert!(!page.contains("••••"), "{role}");
        assert!(!page.contains("Test connection"), "{role}");
        assert!(!page.contains("Sync now"), "{role}");
        bodies.push(view.to_string());
        bodies.push(page);
    }

    for body in &bodies {
        assert!(!body.contains(SECRET), "the secret leaked: {body}");
        assert!(!body.contains("Zq81xVt0Pq"), "part of the secret leaked");
    }
}

#[tokio::test]
async fn sync_now_runs_at_once_shows_progress_per_resource_and_lands_in_the_history() {
    let app = spawn_app().await;
    // A tight rate limit stretches the sync over a few seconds.
    let greenhouse = start_simulator(SimulatorConfig {
        rate_limit: Some(RateLimit {
            requests: 5,
            window: Duration::from_secs(1),
        }),
        ..simulator_config()
    })
    .await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;

    let (status, error) = json(
        admin
            .call("sync_greenhouse", &[("kind", "incremental")])
            .await,
    )
    .await;
    assert_eq!(status, 422, "nothing to sync before connecting: {error}");
    save(&admin, &greenhouse).await;
    assert_eq!(runs(&app, org).await, 0, "saving does not sync");

    let (status, started) = json(
        admin
            .call("sync_greenhouse", &[("kind", "incremental")])
            .await,
    )
    .await;
    assert_eq!(status, 200, "{started}");
    let run_id = started["run_id"].as_i64().expect("the run has started");
    assert_eq!(started["kind"], "incremental");

    // A second click while it runs is refused.
    let (status, busy) = json(admin.call("sync_greenhouse", &[("kind", "full")]).await).await;
    assert_eq!(status, 409, "{busy}");
    assert!(
        busy["message"]
            .as_str()
            .unwrap()
            .contains("already running")
    );

    // The progress function shows per-resource counts while it runs, and
    // the admin's page lists every resource.
    let viewer = app
        .browser_signed_in_as(
            &app.recruiter(org, "viewer@acme.example", Role::Viewer)
                .await,
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mid_run = loop {
        let (status, progress) = json(viewer.call("get_sync_progress", &[]).await).await;
        assert_eq!(status, 200);
        let latest = &progress["latest"];
        assert_eq!(latest["id"], run_id);
        assert_eq!(latest["status"], "running", "{progress}");
        let done: Vec<&Value> = latest["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["state"] == "done")
            .collect();
        if done.len() >= 2 && latest["current_resource"].is_string() {
            break progress;
        }
        assert!(Instant::now() < deadline, "no progress: {progress}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let latest = &mid_run["latest"];
    let resources = latest["resources"].as_array().unwrap();
    assert_eq!(resources.len(), Resource::ALL.len());
    assert_eq!(resources[0]["resource"], "user_roles");
    assert_eq!(resources[0]["state"], "done");
    assert_eq!(
        resources[0]["fetched"].as_u64(),
        Some(greenhouse.simulator.count(Resource::UserRoles) as u64)
    );
    let current = latest["current_resource"].as_str().unwrap();
    assert!(
        resources
            .iter()
            .any(|r| r["resource"] == current && r["state"] == "current"),
        "{latest}"
    );
    assert!(
        resources.iter().any(|r| r["state"] == "pending"),
        "{latest}"
    );
    assert!(latest["records"].as_i64().unwrap() > 0, "{latest}");
    assert!(latest["requests"].as_i64().unwrap() > 0, "{latest}");
    let page = text(admin.get("/admin/integrations").await).await;
    assert!(
        page.contains("Sync in progress"),
        "the page shows the running sync"
    );
    assert!(page.contains("resource-current"));

    let finished = wait_for_finish(&admin).await;
    assert_eq!(finished["latest"]["status"], "completed", "{finished}");

    // The history shows it with its counts, and the data is now dated.
    let total_rows: usize = Resource::ALL
        .iter()
        .map(|r| greenhouse.simulator.count(*r))
        .sum();
    let (_, view) = json(viewer.call("get_integrations", &[]).await).await;
    let run = &view["history"][0];
    assert_eq!(run["id"], run_id);
    assert_eq!(run["status"], "completed");
    assert_eq!(run["trigger"], "dashboard");
    assert_eq!(run["kind"], "incremental");
    assert_eq!(run["records"].as_u64(), Some(total_rows as u64));
    assert!(run["requests"].as_i64().unwrap() >= 23, "{run}");
    assert!(run["duration_ms"].as_i64().unwrap() > 0);
    assert!(run["error"].is_null());
    assert_eq!(view["total_runs"], 1);
    assert_eq!(view["data_as_of"], run["finished_at"]);
    let page = text(viewer.get("/admin/integrations").await).await;
    assert!(page.contains("Data as of"), "{page}");
    assert!(page.contains("Completed"));
    assert!(page.contains(&format!("{total_rows} fetched")));
    assert!(!page.contains("Sync in progress"));
}

#[tokio::test]
async fn viewers_and_editors_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;
    for role in [Role::Viewer, Role::Editor] {
        let recruiter = app
            .recruiter(org, &format!("{role}@acme.example"), role)
            .await;
        let browser = app.browser_signed_in_as(&recruiter).await;
        for intent in ["test", "save"] {
            let form = v3_form(&greenhouse, SECRET, intent);
            let (status, error) =
                json(browser.call("connect_greenhouse", &pairs(&form)).await).await;
            assert_eq!(status, 403, "{role} {intent}: {error}");
            assert_eq!(error["kind"], "forbidden");
        }
        assert!(connection_row(&app, org).await.is_none());
    }
    // Connected by the admin, the others still cannot sync.
    save(&admin, &greenhouse).await;
    let before = connection_row(&app, org).await.expect("saved");
    for role in [Role::Viewer, Role::Editor] {
        let recruiter = app
            .recruiter(org, &format!("{role}2@acme.example"), role)
            .await;
        let browser = app.browser_signed_in_as(&recruiter).await;
        let (status, _) = json(browser.call("sync_greenhouse", &[("kind", "full")]).await).await;
        assert_eq!(status, 403, "{role}");
        let replace = with(
            &v3_form(&greenhouse, "other", "save"),
            "form[client_id]",
            "x",
        );
        let (status, _) = json(browser.call("connect_greenhouse", &pairs(&replace)).await).await;
        assert_eq!(status, 403, "{role}");
        // Without JavaScript too.
        let response = browser
            .post_form("/api/sync_greenhouse", &[("kind", "incremental")])
            .await;
        assert_ne!(response.status(), 303, "{role}");
        assert_ne!(response.status(), 200, "{role}");
    }
    assert_eq!(runs(&app, org).await, 0);
    assert_eq!(connection_row(&app, org).await, Some(before));
    // Signed out: 401.
    let stranger = Browser::new(&app);
    let (status, _) = json(stranger.call("get_integrations", &[]).await).await;
    assert_eq!(status, 401);
    let (status, _) = json(stranger.call("sync_greenhouse", &[("kind", "full")]).await).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn another_organization_sees_and_syncs_none_of_it() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let acme_admin = app.signed_in("acme", Role::Admin).await;
    let acme = org_id(&app, "acme").await;
    save(&acme_admin, &greenhouse).await;
    let (status, _) = json(
        acme_admin
            .call("sync_greenhouse", &[("kind", "full")])
            .await,
    )
    .await;
    assert_eq!(status, 200);
    wait_for_finish(&acme_admin).await;

    let zeta_admin = app.signed_in("zeta", Role::Admin).await;
    let (status, view) = json(zeta_admin.call("get_integrations", &[]).await).await;
    assert_eq!(status, 200);
    assert!(view["connection"].is_null(), "{view}");
    assert_eq!(view["history"].as_array().unwrap().len(), 0);
    assert!(view["webhook_secret"].is_null());
    assert_eq!(
        view["webhook_url"],
        "http://localhost:3000/webhooks/greenhouse/zeta"
    );
    let (_, progress) = json(zeta_admin.call("get_sync_progress", &[]).await).await;
    assert!(progress["latest"].is_null(), "{progress}");
    assert!(progress["data_as_of"].is_null());
    let (status, _) = json(
        zeta_admin
            .call("sync_greenhouse", &[("kind", "full")])
            .await,
    )
    .await;
    assert_eq!(status, 422, "zeta is not connected");
    let zeta = org_id(&app, "zeta").await;
    assert_eq!(runs(&app, zeta).await, 0);
    assert_eq!(runs(&app, acme).await, 1);
    let page = text(zeta_admin.get("/admin/integrations").await).await;
    assert!(page.contains("Not connected"));
    assert!(page.contains("Connect Greenhouse"));
    assert!(!page.contains(SECRET_HINT));
}

/// A plain form post from the Integrations page (JavaScript off).
async fn post_from_page(browser: &Browser, path: &str, form: &[(&str, &str)]) -> Response {
    browser
        .send(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(format!("{}{path}", browser.address))
                .header("sec-fetch-site", "same-origin")
                .header(reqwest::header::ACCEPT, "text/html")
                .header(
                    reqwest::header::REFERER,
                    format!("{}/admin/integrations", browser.address),
                )
                .form(form),
        )
        .await
}

fn location(response: &Response) -> String {
    response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn without_javascript_the_forms_post_and_the_page_shows_the_result() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;

    let page = text(admin.get("/admin/integrations").await).await;
    assert!(
        page.contains("action=\"/api/connect_greenhouse\""),
        "{page}"
    );
    assert!(page.contains("name=\"form[client_secret]\""));
    assert!(page.contains("Not connected"));

    // A failed test comes back to the page with the message on its field.
    let wrong = v3_form(&greenhouse, "not-the-secret", "test");
    let response = post_from_page(&admin, "/api/connect_greenhouse", &pairs(&wrong)).await;
    assert!(
        response.status().is_redirection(),
        "{} {:?}",
        response.status(),
        response.headers()
    );
    let back = location(&response);
    assert!(
        back.starts_with(&format!("{}/admin/integrations", admin.address)),
        "{back}"
    );
    let page = text(admin.get(back.trim_start_matches(&admin.address)).await).await;
    assert!(page.contains("client id or secret is wrong"), "{page}");
    assert!(page.contains("aria-invalid=\"true\""));
    assert!(connection_row(&app, org).await.is_none());

    // Saving lands on the page, which now shows the connection.
    let good = v3_form(&greenhouse, SECRET, "save");
    let response = post_from_page(&admin, "/api/connect_greenhouse", &pairs(&good)).await;
    assert_eq!(response.status(), 303);
    let landed = location(&response);
    assert_eq!(
        landed,
        "/admin/integrations?connection=saved&api=v3#connection"
    );
    let page = text(admin.get(&landed).await).await;
    assert!(
        page.contains("Saved. Greenhouse accepted the credentials."),
        "{page}"
    );
    assert!(page.contains("Connected"));
    assert!(page.contains(SECRET_HINT));
    assert!(!page.contains(SECRET));
    assert!(connection_row(&app, org).await.is_some());

    // Sync now, then the page (refreshed by hand) shows the run.
    let response = post_from_page(&admin, "/api/sync_greenhouse", &[("kind", "incremental")]).await;
    assert_eq!(response.status(), 303);
    let landed = location(&response);
    assert_eq!(landed, "/admin/integrations?sync=started#sync");
    let page = text(admin.get(&landed).await).await;
    assert!(page.contains("Sync started."), "{page}");
    assert!(
        page.contains("href=\"/admin/integrations\""),
        "a Refresh link"
    );
    wait_for_finish(&admin).await;
    let page = text(admin.get("/admin/integrations").await).await;
    assert!(
        page.contains("Sync now</td>") || page.contains(">Sync now<"),
        "{page}"
    );
    assert!(page.contains("Completed"), "{page}");
    assert!(page.contains("Data as of"));
    assert_eq!(runs(&app, org).await, 1);
}

#[tokio::test]
async fn a_credential_refused_during_a_sync_marks_the_connection_invalid() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(simulator_config()).await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let org = org_id(&app, "acme").await;
    save(&admin, &greenhouse).await;
    // The stored secret stops working (rotated in Greenhouse, say).
    let moved = start_simulator(SimulatorConfig {
        client_secret: "rotated-secret-value".to_owned(),
        ..small()
    })
    .await;
    let mut row: greenhouse_connection::ActiveModel =
        connection_row(&app, org).await.unwrap().into();
    use sea_orm::{ActiveModelTrait, Set};
    row.base_url = Set(moved.running.base_url.to_string());
    row.token_url = Set(Some(moved.running.token_url.to_string()));
    row.update(&app.db).await.unwrap();

    let (status, body) = json(
        admin
            .call("sync_greenhouse", &[("kind", "incremental")])
            .await,
    )
    .await;
    // The token is refused before the first page: either answer is fine, but
    // the run is recorded as failed and the connection as invalid.
    assert!(status == 200 || status == 422, "{status} {body}");
    wait_for_finish(&admin).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let view = loop {
        let (_, view) = json(admin.call("get_integrations", &[]).await).await;
        if view["connection"]["status"] == "invalid" {
            break view;
        }
        assert!(Instant::now() < deadline, "{view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        view["connection"]["status_message"]
            .as_str()
            .unwrap()
            .contains("client id or secret is wrong"),
        "{view}"
    );
    assert_eq!(view["history"][0]["status"], "failed");
    let page = text(admin.get("/admin/integrations").await).await;
    assert!(
        page.contains("Greenhouse refused the stored credentials"),
        "{page}"
    );
}
