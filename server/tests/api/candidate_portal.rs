//! The candidate portal's pages through the real router and database: the
//! applications list, an application's stage, content, interviews (in the
//! candidate's time zone), interviewers and outcome, the calendar file, the
//! recruiter's preview, and tenant isolation for every id they take.
//! Greenhouse mirror rows are inserted directly, so times are exact.

use crate::helpers::{Browser, TestApp, spawn_app, text};
use app::domain::Role;
use app::domain::time_zones::TIME_ZONES;
use app::ssr::entities::dashboard::portal;
use app::ssr::entities::greenhouse::{
    GreenhouseEntity, applications, candidates, interviewers, interviews, job_interview_stages,
    job_interviews, jobs, offers, users,
};
use app::ssr::entities::organization;
use app::ssr::entities::portal_content::{content_block, portal_stage};
use app::ssr::entities::sync::sync_run;
use app::ssr::services::{organizations, portal_content};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use reqwest::StatusCode;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{Value, json};

// Acme's jobs: one per case of the applications list.
const PLATFORM: i64 = 11;
const DESIGN: i64 = 12; // inactive portal
const DATA: i64 = 13; // a prospect application
const SALES: i64 = 14; // a converted application
const SUPPORT: i64 = 15; // rejected 5 days ago
const OFFICE: i64 = 16; // rejected 40 days ago
const HIRING: i64 = 17; // the outcome pages

// Acme's candidates and applications.
const ADA: i64 = 101;
const BOB: i64 = 102;
const CAROL: i64 = 103; // outcomes
const ADA_PLATFORM: i64 = 1001;
const BOB_PLATFORM: i64 = 1101;
const CAROL_OFFER: i64 = 1301;
const CAROL_HIRED: i64 = 1302;
const CAROL_REJECTED: i64 = 1303;
const CAROL_UNSENT: i64 = 1304;

// Ada's interviews.
const TIMED: i64 = 9001;
const ALL_DAY: i64 = 9002;
const CANCELLED: i64 = 9003;
const PAST: i64 = 9004;
const BOB_INTERVIEW: i64 = 9101;

// Beta: another organization with a candidate of its own.
const BETA_JOB: i64 = 21;
const BETA_CANDIDATE: i64 = 201;
const BETA_APPLICATION: i64 = 2001;
const BETA_INTERVIEW: i64 = 9201;

/// Acme's interview plan for the platform job: Greenhouse stage ids.
const REVIEW: i64 = 111;
const SCREEN: i64 = 112;
const TECHNICAL: i64 = 113;
const REFERENCES: i64 = 114; // hidden from candidates
const OFFER_STAGE: i64 = 115;

struct World {
    app: TestApp,
    acme: organization::Model,
    beta: organization::Model,
    platform: portal::Model,
}

/// 13:00 UTC on 15 January next year: winter in both Berlin (14:00 CET)
/// and New York (08:00 EST), and always ahead.
fn january() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(Utc::now().year() + 1, 1, 15, 13, 0, 0)
        .single()
        .expect("a valid time")
}

fn utc_stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

async fn insert<E: GreenhouseEntity>(app: &TestApp, org: i64, record: Value) {
    let mut model: E::Model = serde_json::from_value(record).expect("a mirror record");
    E::stamp(&mut model, org, Utc::now());
    E::insert(model.into_active_model())
        .exec_without_returning(&app.db)
        .await
        .expect("insert a mirror row");
}

async fn job(app: &TestApp, org: i64, id: i64, name: &str) {
    insert::<jobs::Entity>(
        app,
        org,
        json!({"id": id, "name": name, "confidential": false, "status": "open"}),
    )
    .await;
}

async fn open_portal(app: &TestApp, org: i64, job_id: i64, active: bool) -> portal::Model {
    let now = Utc::now();
    portal::ActiveModel {
        organization_id: Set(org),
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
    .expect("a portal")
}

async fn candidate(app: &TestApp, org: i64, id: i64, first_name: &str, time_zone: Option<&str>) {
    insert::<candidates::Entity>(
        app,
        org,
        json!({
            "id": id,
            "first_name": first_name,
            "last_name": "Example",
            "can_email": true,
            "time_zone": time_zone,
            "tags": [], "linked_user_ids": [], "phone_numbers": [], "addresses": [],
            "email_addresses": [{"value": format!("{}@example.com", first_name.to_lowercase()), "type": "personal"}],
            "website_addresses": [], "social_media_addresses": [],
        }),
    )
    .await;
}

/// An application; `extra` adds or overrides fields.
async fn application(
    app: &TestApp,
    org: i64,
    id: i64,
    candidate_id: i64,
    job_id: i64,
    extra: Value,
) {
    let mut record = json!({
        "id": id,
        "candidate_id": candidate_id,
        "prospect": false,
        "status": "in_process",
        "job_id": job_id,
        "created_at": Utc::now() - Duration::days(30) + Duration::minutes(id),
    });
    if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            record.insert(key.clone(), value.clone());
        }
    }
    insert::<applications::Entity>(app, org, record).await;
}

async fn interview(
    app: &TestApp,
    org: i64,
    id: i64,
    application_id: i64,
    job_id: i64,
    extra: Value,
) {
    let mut record = json!({
        "id": id,
        "job_id": job_id,
        "application_id": application_id,
        "job_interview_id": 7001,
        "status": "scheduled",
    });
    if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
        for (key, value) in extra {
            record.insert(key.clone(), value.clone());
        }
    }
    insert::<interviews::Entity>(app, org, record).await;
}

async fn user(app: &TestApp, org: i64, id: i64, name: &str, title: &str) {
    insert::<users::Entity>(
        app,
        org,
        json!({
            "id": id, "name": name, "primary_email": format!("{id}@acme.example"),
            "job_title": title, "deactivated": false, "site_admin": false,
            "linked_candidate_ids": [], "office_ids": [], "department_ids": [], "interviewer_tags": [],
        }),
    )
    .await;
}

async fn panel_member(
    app: &TestApp,
    org: i64,
    id: i64,
    interview_id: i64,
    user_id: Option<i64>,
    email: &str,
) {
    insert::<interviewers::Entity>(
        app,
        org,
        json!({"id": id, "interview_id": interview_id, "user_id": user_id, "email": email}),
    )
    .await;
}

async fn block(
    app: &TestApp,
    portal: &portal::Model,
    stage: Option<i64>,
    position: i32,
    content: Value,
) {
    let now = Utc::now();
    content_block::ActiveModel {
        organization_id: Set(portal.organization_id),
        portal_id: Set(portal.id),
        portal_stage_id: Set(stage),
        position: Set(position),
        content: Set(content),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("a block");
}

/// The portal stage that maps Greenhouse stage `greenhouse`.
async fn stage_id(app: &TestApp, portal: &portal::Model, greenhouse: i64) -> i64 {
    portal_content::ensure_stages(&app.db, portal)
        .await
        .expect("stages")
        .into_iter()
        .find(|stage| stage.greenhouse_ids().contains(&greenhouse))
        .map(|stage| stage.id)
        .expect("a mapped stage")
}

async fn set_application(
    app: &TestApp,
    org: i64,
    id: i64,
    change: impl FnOnce(&mut applications::ActiveModel),
) {
    let row = applications::Entity::find_by_id((org, id))
        .one(&app.db)
        .await
        .expect("read")
        .expect("the application");
    let mut active = row.into_active_model();
    change(&mut active);
    active
        .update(&app.db)
        .await
        .expect("update the application");
}

async fn set_portal(
    app: &TestApp,
    portal: &portal::Model,
    change: impl FnOnce(&mut portal::ActiveModel),
) {
    let mut active: portal::ActiveModel = portal.clone().into();
    change(&mut active);
    active.update(&app.db).await.expect("update the portal");
}

async fn world() -> World {
    let app = spawn_app().await;
    let acme = organizations::create(&app.db, "acme", "Acme Robotics")
        .await
        .expect("acme");
    let beta = organizations::create(&app.db, "beta", "Beta Labs")
        .await
        .expect("beta");
    let org = acme.id;

    for (id, name) in [
        (PLATFORM, "Platform Engineer"),
        (DESIGN, "Product Designer"),
        (DATA, "Data Scientist"),
        (SALES, "Sales Lead"),
        (SUPPORT, "Support Agent"),
        (OFFICE, "Office Manager"),
        (HIRING, "Hiring Partner"),
    ] {
        job(&app, org, id, name).await;
    }
    for (id, sort, name) in [
        (REVIEW, 0, "Application Review"),
        (SCREEN, 1, "Phone Screen"),
        (TECHNICAL, 2, "Technical Interview"),
        (REFERENCES, 3, "Reference Check"),
        (OFFER_STAGE, 4, "Offer"),
    ] {
        insert::<job_interview_stages::Entity>(
            &app,
            org,
            json!({"id": id, "job_id": PLATFORM, "sort_order": sort, "name": name, "active": true}),
        )
        .await;
    }
    insert::<job_interviews::Entity>(
        &app,
        org,
        json!({"id": 7001, "job_interview_stage_id": TECHNICAL, "job_id": PLATFORM, "sort_order": 0, "name": "Pairing session", "active": true, "duration": 90}),
    )
    .await;
    let platform = open_portal(&app, org, PLATFORM, true).await;
    open_portal(&app, org, DESIGN, false).await;
    for job_id in [DATA, SALES, SUPPORT, OFFICE, HIRING] {
        open_portal(&app, org, job_id, true).await;
    }
    // The reference check is hidden from candidates.
    for stage in portal_content::ensure_stages(&app.db, &platform)
        .await
        .expect("stages")
    {
        if stage.greenhouse_ids() == vec![REFERENCES] {
            let mut hidden: portal_stage::ActiveModel = stage.into();
            hidden.hidden = Set(true);
            hidden.update(&app.db).await.expect("hide");
        }
    }
    let screen = stage_id(&app, &platform, SCREEN).await;
    let technical = stage_id(&app, &platform, TECHNICAL).await;
    block(&app, &platform, None, 0, json!({"kind": "markdown", "title": "Welcome", "markdown": "Welcome to **Acme**, glad you are here."})).await;
    block(
        &app,
        &platform,
        Some(screen),
        0,
        json!({"kind": "markdown", "markdown": "Phone tips for the screen."}),
    )
    .await;
    block(&app, &platform, Some(technical), 0, json!({"kind": "markdown", "title": "Prepare", "markdown": "Bring a laptop with Rust installed."})).await;
    block(&app, &platform, Some(technical), 1, json!({"kind": "spotlight", "greenhouse_user_id": 501, "name": "Grace Hopper", "title": "Staff Engineer", "bio": "Loves compilers and clear error messages.", "pronouns": "she/her", "linkedin_url": "https://www.linkedin.com/in/grace"})).await;
    block(&app, &platform, Some(technical), 2, json!({"kind": "video", "title": "Meet the team", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})).await;
    block(
        &app,
        &platform,
        Some(technical),
        3,
        json!({"kind": "faq", "question": "Can I use Python?", "answer": "Yes, *any* language."}),
    )
    .await;

    user(&app, org, 501, "Grace Hopper", "Rear Admiral").await;
    user(&app, org, 502, "Linus Torvalds", "Engineering Manager").await;

    // Ada: New York, in the technical interview of the platform job.
    candidate(&app, org, ADA, "Ada", Some("America/New_York")).await;
    application(
        &app,
        org,
        ADA_PLATFORM,
        ADA,
        PLATFORM,
        json!({"job_interview_stage_id": TECHNICAL, "stage_name": "Technical Interview"}),
    )
    .await;
    application(&app, org, 1002, ADA, DESIGN, json!({})).await;
    application(&app, org, 1003, ADA, DATA, json!({"prospect": true})).await;
    application(&app, org, 1004, ADA, SALES, json!({"status": "converted"})).await;
    application(
        &app,
        org,
        1005,
        ADA,
        SUPPORT,
        json!({"status": "rejected", "rejected_at": Utc::now() - Duration::days(5)}),
    )
    .await;
    application(
        &app,
        org,
        1006,
        ADA,
        OFFICE,
        json!({"status": "rejected", "rejected_at": Utc::now() - Duration::days(40)}),
    )
    .await;
    let start = january();
    interview(
        &app,
        org,
        TIMED,
        ADA_PLATFORM,
        PLATFORM,
        json!({
            "starts_at": start, "ends_at": start + Duration::hours(1),
            "location": "Big Conference Room, Floor 2",
            "video_conferencing_url": "https://meet.example.com/9001",
        }),
    )
    .await;
    let day = Utc::now().date_naive() + Duration::days(5);
    interview(
        &app,
        org,
        ALL_DAY,
        ADA_PLATFORM,
        PLATFORM,
        json!({
            "all_day_start_on": day, "all_day_end_on": day + Duration::days(1),
            "video_conferencing_url": "javascript:alert(1)",
        }),
    )
    .await;
    interview(&app, org, CANCELLED, ADA_PLATFORM, PLATFORM, json!({
        "starts_at": start + Duration::days(1), "ends_at": start + Duration::days(1) + Duration::hours(1),
        "status": "cancelled", "location": "Cancelled Room",
    })).await;
    interview(&app, org, PAST, ADA_PLATFORM, PLATFORM, json!({
        "starts_at": Utc::now() - Duration::days(3), "ends_at": Utc::now() - Duration::days(3) + Duration::hours(1),
        "status": "complete", "location": "Past Room",
    })).await;
    panel_member(&app, org, 1, TIMED, Some(501), "grace@acme.example").await;
    panel_member(&app, org, 2, TIMED, Some(502), "linus@acme.example").await;
    panel_member(
        &app,
        org,
        3,
        TIMED,
        None,
        "outside.expert@contractor.example",
    )
    .await;

    // Bob: no time zone, same job, his own interview.
    candidate(&app, org, BOB, "Bob", None).await;
    application(
        &app,
        org,
        BOB_PLATFORM,
        BOB,
        PLATFORM,
        json!({"job_interview_stage_id": SCREEN, "stage_name": "Phone Screen"}),
    )
    .await;
    interview(&app, org, BOB_INTERVIEW, BOB_PLATFORM, PLATFORM, json!({
        "starts_at": start, "ends_at": start + Duration::hours(1), "location": "Bobs Private Room",
    })).await;

    // Carol: outcomes.
    candidate(&app, org, CAROL, "Carol", Some("Europe/Berlin")).await;
    application(
        &app,
        org,
        CAROL_OFFER,
        CAROL,
        PLATFORM,
        json!({"job_interview_stage_id": OFFER_STAGE}),
    )
    .await;
    application(
        &app,
        org,
        CAROL_HIRED,
        CAROL,
        HIRING,
        json!({"status": "hired"}),
    )
    .await;
    application(
        &app,
        org,
        CAROL_REJECTED,
        CAROL,
        SUPPORT,
        json!({"status": "rejected", "rejected_at": Utc::now() - Duration::days(2)}),
    )
    .await;
    application(&app, org, CAROL_UNSENT, CAROL, DATA, json!({})).await;
    insert::<offers::Entity>(&app, org, json!({"id": 1, "version": 1, "application_id": CAROL_OFFER, "job_id": PLATFORM, "candidate_id": CAROL, "status": "Deprecated", "sent_on": "2024-01-02"})).await;
    insert::<offers::Entity>(&app, org, json!({"id": 2, "version": 2, "application_id": CAROL_OFFER, "job_id": PLATFORM, "candidate_id": CAROL, "status": "Created", "sent_on": "2024-01-09"})).await;
    insert::<offers::Entity>(&app, org, json!({"id": 3, "version": 1, "application_id": CAROL_UNSENT, "job_id": DATA, "candidate_id": CAROL, "status": "Created"})).await;

    // Beta's candidate, application and interview.
    job(&app, beta.id, BETA_JOB, "Beta Secret Job").await;
    open_portal(&app, beta.id, BETA_JOB, true).await;
    candidate(&app, beta.id, BETA_CANDIDATE, "Betty", None).await;
    application(
        &app,
        beta.id,
        BETA_APPLICATION,
        BETA_CANDIDATE,
        BETA_JOB,
        json!({}),
    )
    .await;
    interview(&app, beta.id, BETA_INTERVIEW, BETA_APPLICATION, BETA_JOB, json!({
        "starts_at": start, "ends_at": start + Duration::hours(1), "location": "Beta Private Lab",
    })).await;

    World {
        app,
        acme,
        beta,
        platform,
    }
}

/// A page's status and HTML, without Leptos's hydration markers (`<!>`).
async fn page(browser: &Browser, path: &str) -> (StatusCode, String) {
    let response = browser.get(path).await;
    (response.status(), text(response).await.replace("<!>", ""))
}

async fn call(browser: &Browser, endpoint: &str, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = browser.call(endpoint, form).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ics_path(application: i64, interview: i64) -> String {
    format!("/p/acme/applications/{application}/interviews/{interview}/calendar.ics")
}

#[tokio::test]
async fn the_home_page_lists_the_applications_the_portal_shows() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;

    let (status, home) = call(&ada, "get_candidate_home", &[("subdomain", "acme")]).await;
    assert_eq!(status, 200);
    let listed: Vec<i64> = home["SignedIn"]["applications"]
        .as_array()
        .expect("signed in")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .collect();
    // Active portals only; no prospect, no converted; rejected only within 30 days.
    assert_eq!(listed, vec![1005, ADA_PLATFORM], "newest first");

    let (status, html) = page(&ada, "/p/acme").await;
    assert_eq!(status, 200);
    assert!(html.contains("Hello, Ada"), "{html}");
    assert!(html.contains("Platform Engineer"));
    assert!(html.contains("Technical Interview"), "the current stage");
    assert!(html.contains("Support Agent"));
    assert!(html.contains("Not moving forward"));
    assert!(html.contains(r#"href="/p/acme/applications/1001""#));
    for hidden in [
        "Product Designer",
        "Data Scientist",
        "Sales Lead",
        "Office Manager",
    ] {
        assert!(!html.contains(hidden), "{hidden} is not listed");
    }
    assert!(html.contains("Signed in as"));
    assert!(html.contains("Sign out"));
    assert!(html.contains("Status as of"));

    // A longer access window brings the older rejection back.
    let office = portal_content::portal_of_job(&w.app.db, w.acme.id, OFFICE)
        .await
        .unwrap()
        .unwrap();
    set_portal(&w.app, &office, |p| p.rejected_access_days = Set(50)).await;
    let (_, html) = page(&ada, "/p/acme").await;
    assert!(html.contains("Office Manager"));
    // Deactivating a job's portal takes its application off the list.
    set_portal(&w.app, &w.platform, |p| p.active = Set(false)).await;
    let (_, html) = page(&ada, "/p/acme").await;
    assert!(!html.contains("Platform Engineer"));
    let (status, _) = page(&ada, "/p/acme/applications/1001").await;
    assert_eq!(status, 404, "an inactive job's application is not found");

    // Signed out: the sign-in form, with a 200.
    let visitor = Browser::new(&w.app);
    let (status, html) = page(&visitor, "/p/acme").await;
    assert_eq!(status, 200);
    assert!(html.contains("Email me a sign-in link"));
    assert!(!html.contains("Ada"));
    let (status, home) = call(&visitor, "get_candidate_home", &[("subdomain", "acme")]).await;
    assert_eq!(status, 200);
    assert!(home.get("SignedOut").is_some(), "{home}");
}

#[tokio::test]
async fn an_application_shows_its_stage_and_that_stages_content() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let finished = Utc
        .with_ymd_and_hms(2024, 1, 15, 12, 0, 0)
        .single()
        .unwrap();
    sync_run::ActiveModel {
        organization_id: Set(w.acme.id),
        kind: Set("full".into()),
        trigger: Set("cli".into()),
        status: Set("completed".into()),
        holder: Set("test".into()),
        started_at: Set(finished - Duration::minutes(1)),
        finished_at: Set(Some(finished)),
        requests: Set(1),
        records: Set(1),
        resources: Set(json!({})),
        ..Default::default()
    }
    .insert(&w.app.db)
    .await
    .unwrap();

    let (status, html) = page(&ada, "/p/acme/applications/1001").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<h1 id=\"application-title\">Platform Engineer</h1>"),
        "{html}"
    );
    assert!(html.contains("Current stage: <strong>Technical Interview</strong>"));
    assert!(
        html.contains("Bring a laptop with Rust installed."),
        "this stage's block"
    );
    assert!(
        html.contains("Welcome to <strong>Acme</strong>"),
        "the all-stages block"
    );
    assert!(!html.contains("Phone tips"), "another stage's block");
    assert!(html.contains("Can I use Python?"));
    assert!(html.contains("<em>any</em> language"));
    // The timeline: hidden stages left out, past / current / upcoming marked.
    assert!(!html.contains("Reference Check"));
    let order: Vec<usize> = [
        "Application Review",
        "Phone Screen",
        "Technical Interview",
        "Offer",
    ]
    .iter()
    .map(|name| {
        html.find(&format!("<span class=\"timeline-name\">{name}</span>"))
            .expect(name)
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in order");
    assert_eq!(html.matches("timeline-stage timeline-past").count(), 2);
    assert!(html.contains(r#"<li aria-current="step" class="timeline-stage timeline-current">"#));
    assert_eq!(html.matches("timeline-stage timeline-upcoming").count(), 1);
    // The sync time in the candidate's zone (New York).
    assert!(
        html.contains("Status as of Mon 15 Jan 2024, 07:00 EST"),
        "{html}"
    );

    // The video is a facade: a link to the video's page, no frame yet;
    // the page's CSP allows the players' frames.
    assert!(html.contains(r#"href="https://www.youtube.com/watch?v=dQw4w9WgXcQ""#));
    assert!(html.contains("Play video (loads YouTube)"));
    assert!(!html.contains("<iframe"));
    let response = ada.get("/p/acme/applications/1001").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-src https://www.youtube-nocookie.com https://player.vimeo.com https://www.loom.com;"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"));

    // In a hidden stage, the last visible stage before it stays current.
    set_application(&w.app, w.acme.id, ADA_PLATFORM, |a| {
        a.job_interview_stage_id = Set(Some(REFERENCES));
        a.stage_name = Set(Some("Reference Check".into()));
    })
    .await;
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("Current stage: <strong>Technical Interview</strong>"));
    assert!(html.contains("Bring a laptop with Rust installed."));
    assert!(!html.contains("Reference Check"));

    // Moved on: the next stage is current, and the technical content goes.
    set_application(&w.app, w.acme.id, ADA_PLATFORM, |a| {
        a.job_interview_stage_id = Set(Some(OFFER_STAGE));
    })
    .await;
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("Current stage: <strong>Offer</strong>"));
    assert!(!html.contains("Bring a laptop"));
    assert_eq!(html.matches("timeline-stage timeline-past").count(), 3);

    // Without a stage id, Greenhouse's stage name finds the stage.
    set_application(&w.app, w.acme.id, ADA_PLATFORM, |a| {
        a.job_interview_stage_id = Set(None);
        a.stage_name = Set(Some("phone screen".into()));
    })
    .await;
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("Current stage: <strong>Phone Screen</strong>"));
    assert!(html.contains("Phone tips for the screen."));
}

#[tokio::test]
async fn interview_times_follow_the_chosen_time_zone() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let day = january().format("%a %-d %b").to_string();

    // No cookie: Greenhouse's zone for Ada (New York).
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(
        html.contains("Times in <strong>America/New_York</strong>"),
        "{html}"
    );
    assert!(html.contains(&day));
    assert!(html.contains("08:00 – 09:00 EST"), "{html}");
    assert!(html.contains(&format!(
        r#"<time datetime="{}">"#,
        january().format("%Y-%m-%dT%H:%M:%SZ")
    )));
    // All-day interviews are dates.
    let all_day = (Utc::now().date_naive() + Duration::days(5))
        .format("%a %-d %b")
        .to_string();
    assert!(html.contains(&format!("All day, {all_day}")), "{html}");
    // Cancelled and past interviews are not listed; only http(s) video links.
    assert!(!html.contains("Cancelled Room"));
    assert!(!html.contains("Past Room"));
    assert!(html.contains(r#"href="https://meet.example.com/9001""#));
    assert!(!html.contains("javascript:alert"));
    assert!(html.contains("Big Conference Room, Floor 2"));

    // The browser's choice wins.
    ada.set_cookie("tz", "Europe/Berlin");
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("Times in <strong>Europe/Berlin</strong>"));
    assert!(html.contains("14:00 – 15:00 CET"), "{html}");
    assert!(!html.contains("08:00 – 09:00 EST"));
    // The select offers the listed zones; a valid zone off the list (as a
    // browser may report) is offered too, first.
    let options = |html: &str| html.matches("<option").count();
    assert_eq!(options(&html), TIME_ZONES.len());
    ada.set_cookie("tz", "Asia/Thimphu");
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("Times in <strong>Asia/Thimphu</strong>"));
    assert_eq!(options(&html), TIME_ZONES.len() + 1);
    let first = html.find("<option").expect("an option");
    assert!(
        html[first..].starts_with("<option selected>Asia/Thimphu</option>"),
        "{}",
        &html[first..first + 80]
    );
    ada.set_cookie("tz", "Europe/Berlin");

    // The form without JavaScript: sets the cookie and comes back.
    let response = ada
        .post_form(
            "/api/set_time_zone",
            &[
                ("time_zone", "America/New_York"),
                ("back", "/p/acme/applications/1001"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/p/acme/applications/1001");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("tz=America/New_York;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"));
    assert_eq!(ada.cookie("tz").as_deref(), Some("America/New_York"));
    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("08:00 – 09:00 EST"));
    // Only this site's paths; a zone from the list.
    let response = ada
        .post_form(
            "/api/set_time_zone",
            &[
                ("time_zone", "Asia/Tokyo"),
                ("back", "https://evil.example/"),
            ],
        )
        .await;
    assert_eq!(response.headers()["location"], "/");
    let (status, error) = call(
        &ada,
        "set_time_zone",
        &[("time_zone", "Mars/Olympus"), ("back", "/")],
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error["field"], "time_zone");
    assert_eq!(ada.cookie("tz").as_deref(), Some("Asia/Tokyo"));

    // A candidate without a zone in Greenhouse and no cookie: UTC.
    let bob = w.app.candidate_browser(w.acme.id, BOB).await;
    let (_, html) = page(&bob, "/p/acme/applications/1101").await;
    assert!(html.contains("Times in <strong>UTC</strong>"));
    assert!(html.contains("13:00 – 14:00 UTC"), "{html}");
    // A bad cookie falls back too.
    bob.set_cookie("tz", "Not/AZone");
    let (_, html) = page(&bob, "/p/acme/applications/1101").await;
    assert!(html.contains("13:00 – 14:00 UTC"));
}

#[tokio::test]
async fn interviewers_show_with_their_spotlight() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let (status, body) = call(
        &ada,
        "get_candidate_application",
        &[("subdomain", "acme"), ("application_id", "1001")],
    )
    .await;
    assert_eq!(status, 200);
    let interviews = body["view"]["interviews"].as_array().unwrap();
    let ids: Vec<i64> = interviews
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&TIMED) && ids.contains(&ALL_DAY));
    let timed = interviews.iter().find(|i| i["id"] == TIMED).unwrap();
    assert_eq!(timed["title"], "Pairing session");
    let panel = timed["interviewers"].as_array().unwrap();
    assert_eq!(panel.len(), 3);
    assert_eq!(panel[0]["name"], "Grace Hopper");
    assert_eq!(panel[0]["title"], "Staff Engineer", "the spotlight's title");
    assert_eq!(panel[0]["spotlight"]["pronouns"], "she/her");
    assert_eq!(panel[1]["name"], "Linus Torvalds");
    assert_eq!(panel[1]["title"], "Engineering Manager");
    assert!(panel[1]["spotlight"].is_null());
    assert_eq!(panel[2]["name"], "Guest interviewer");

    let (_, html) = page(&ada, "/p/acme/applications/1001").await;
    assert!(html.contains("You will meet"));
    assert!(html.contains("Loves compilers and clear error messages."));
    assert!(html.contains(r#"href="https://www.linkedin.com/in/grace""#));
    assert!(html.contains("Engineering Manager"));
    assert!(
        !html.contains("outside.expert@contractor.example"),
        "guests' addresses stay private"
    );
    assert!(html.contains(r#"href="/p/acme/applications/1001/interviews/9001/calendar.ics""#));
}

#[tokio::test]
async fn the_calendar_file_follows_rfc_5545() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let response = ada.get(&ics_path(ADA_PLATFORM, TIMED)).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"interview-9001.ics\""
    );
    assert_eq!(headers["cache-control"], "no-store");
    let body = text(response).await;
    assert!(
        body.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"),
        "{body}"
    );
    assert!(body.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
    assert!(
        !body.replace("\r\n", "").contains('\n'),
        "CRLF line ends only"
    );
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let unfolded = body.replace("\r\n ", "");
    let start = january();
    assert!(
        unfolded.contains(&format!("DTSTART:{}\r\n", utc_stamp(start))),
        "{unfolded}"
    );
    assert!(unfolded.contains(&format!(
        "DTEND:{}\r\n",
        utc_stamp(start + Duration::hours(1))
    )));
    assert!(unfolded.contains(&format!("UID:interview-{}-9001@localhost\r\n", w.acme.id)));
    assert!(unfolded.contains("DTSTAMP:"));
    assert!(unfolded.contains("SUMMARY:Pairing session: Platform Engineer at Acme Robotics\r\n"));
    assert!(
        unfolded.contains("LOCATION:Big Conference Room\\, Floor 2\r\n"),
        "escaped comma"
    );
    assert!(unfolded.contains("URL:https://meet.example.com/9001\r\n"));
    assert!(unfolded.contains("DESCRIPTION:Video call: https://meet.example.com/9001\\nInterviewers: Grace Hopper (Staff Engineer)\\, Linus Torvalds (Engineering Manager)\\, Guest interviewer\\nYour application: http://localhost:3000/p/acme/applications/1001\r\n"), "{unfolded}");

    // All day: dates.
    let body = text(ada.get(&ics_path(ADA_PLATFORM, ALL_DAY)).await).await;
    let day = Utc::now().date_naive() + Duration::days(5);
    assert!(
        body.contains(&format!("DTSTART;VALUE=DATE:{}\r\n", day.format("%Y%m%d"))),
        "{body}"
    );
    assert!(body.contains(&format!(
        "DTEND;VALUE=DATE:{}\r\n",
        (day + Duration::days(1)).format("%Y%m%d")
    )));
    assert!(!body.contains("javascript"));

    // On the portal host, without the /p/acme prefix.
    let on_host = ada
        .send(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(format!(
                    "{}/applications/1001/interviews/9001/calendar.ics",
                    w.app.address
                ))
                .header(reqwest::header::HOST, "acme.localhost:3000"),
        )
        .await;
    assert_eq!(on_host.status(), 200);
    // …and not on the public host.
    let (status, _) = page(&ada, "/applications/1001/interviews/9001/calendar.ics").await;
    assert_eq!(status, 404);
    // Cancelled interviews have no calendar file.
    let (status, _) = page(&ada, &ics_path(ADA_PLATFORM, CANCELLED)).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn outcome_pages_show_the_portals_messages() {
    let w = world().await;
    set_portal(&w.app, &w.platform, |p| {
        p.offer_message = Set(Some("**Congratulations!** Check your inbox.".into()));
    })
    .await;
    let support = portal_content::portal_of_job(&w.app.db, w.acme.id, SUPPORT)
        .await
        .unwrap()
        .unwrap();
    set_portal(&w.app, &support, |p| {
        p.rejected_message = Set(Some(
            "We went another way. <script>alert(1)</script>".into(),
        ));
    })
    .await;
    let carol = w.app.candidate_browser(w.acme.id, CAROL).await;

    let (status, html) = page(&carol, &format!("/p/acme/applications/{CAROL_OFFER}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("You have an offer"));
    assert!(
        html.contains("<strong>Congratulations!</strong> Check your inbox."),
        "{html}"
    );
    assert!(html.contains("Current stage: <strong>Offer</strong>"));

    let (_, html) = page(&carol, &format!("/p/acme/applications/{CAROL_HIRED}")).await;
    assert!(html.contains("Welcome aboard"));
    assert!(
        html.contains("You have accepted Acme Robotics"),
        "the default message"
    );

    let (_, html) = page(&carol, &format!("/p/acme/applications/{CAROL_REJECTED}")).await;
    assert!(html.contains("An update on your application"));
    assert!(html.contains("We went another way."));
    assert!(!html.contains("<script>alert(1)"), "Markdown is cleaned");
    assert!(
        !html.contains("Upcoming interviews"),
        "no interviews after a rejection"
    );

    // An offer that was not sent yet is not shown.
    let (_, html) = page(&carol, &format!("/p/acme/applications/{CAROL_UNSENT}")).await;
    assert!(!html.contains("You have an offer"));

    // The list says where each stands.
    let (_, html) = page(&carol, "/p/acme").await;
    for label in ["Offer", "Hired", "Not moving forward"] {
        assert!(
            html.contains(&format!(
                "<span class=\"application-status\">{label}</span>"
            )),
            "{label}"
        );
    }
}

#[tokio::test]
async fn every_id_of_someone_else_is_not_found_and_shows_nothing_of_theirs() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let secrets = [
        "Bobs Private Room",
        "Beta Secret Job",
        "Beta Private Lab",
        "Betty",
        "Bob",
    ];
    let assert_nothing_of_theirs = |body: &str, what: &str| {
        for secret in secrets {
            assert!(!body.contains(secret), "{what} shows {secret}");
        }
    };

    // Application pages: Bob's (same organization), Beta's, one that does not exist.
    for id in [BOB_PLATFORM, BETA_APPLICATION, 999_999] {
        let (status, html) = page(&ada, &format!("/p/acme/applications/{id}")).await;
        assert_eq!(status, 404, "application {id}");
        assert!(html.contains("Application not found"));
        assert_nothing_of_theirs(&html, "the application page");
        let (status, body) = call(
            &ada,
            "get_candidate_application",
            &[("subdomain", "acme"), ("application_id", &id.to_string())],
        )
        .await;
        assert_eq!(status, 404, "get_candidate_application {id}");
        assert_nothing_of_theirs(&body.to_string(), "get_candidate_application");
    }
    // Acme's session does not open Beta's portal.
    let (status, html) = page(&ada, &format!("/p/beta/applications/{BETA_APPLICATION}")).await;
    assert_eq!(status, 401);
    assert_nothing_of_theirs(&html, "Beta's application page");
    let (status, _) = call(
        &ada,
        "get_candidate_application",
        &[
            ("subdomain", "beta"),
            ("application_id", &BETA_APPLICATION.to_string()),
        ],
    )
    .await;
    assert_eq!(status, 401);

    // Calendar files: another candidate's interview on Ada's own
    // application, Bob's application, Beta's, and Beta's portal.
    for path in [
        ics_path(ADA_PLATFORM, BOB_INTERVIEW),
        ics_path(ADA_PLATFORM, BETA_INTERVIEW),
        ics_path(BOB_PLATFORM, BOB_INTERVIEW),
        ics_path(BETA_APPLICATION, BETA_INTERVIEW),
        ics_path(ADA_PLATFORM, 999_999),
        format!("/p/beta/applications/{BETA_APPLICATION}/interviews/{BETA_INTERVIEW}/calendar.ics"),
        "/p/acme/applications/x/interviews/9001/calendar.ics".to_owned(),
    ] {
        let (status, body) = page(&ada, &path).await;
        assert_eq!(status, 404, "{path}");
        assert_nothing_of_theirs(&body, &path);
        assert!(!body.contains("BEGIN:VCALENDAR"));
    }
    // Beta's own candidate gets Beta's file, and not Acme's.
    let betty = w.app.candidate_browser(w.beta.id, BETA_CANDIDATE).await;
    let (status, _) = page(
        &betty,
        &format!(
            "/p/beta/applications/{BETA_APPLICATION}/interviews/{BETA_INTERVIEW}/calendar.ics"
        ),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = page(&betty, &ics_path(ADA_PLATFORM, TIMED)).await;
    assert_eq!(status, 404);
    let (status, _) = page(&betty, &format!("/p/acme/applications/{ADA_PLATFORM}")).await;
    assert_eq!(status, 401);

    // Signed out: the sign-in form (401), the server function's 401, no file.
    let visitor = Browser::new(&w.app);
    let (status, html) = page(&visitor, "/p/acme/applications/1001").await;
    assert_eq!(status, 401);
    assert!(html.contains("Email me a sign-in link"));
    assert!(!html.contains("Platform Engineer"));
    let (status, _) = call(
        &visitor,
        "get_candidate_application",
        &[("subdomain", "acme"), ("application_id", "1001")],
    )
    .await;
    assert_eq!(status, 401);
    let (status, body) = page(&visitor, &ics_path(ADA_PLATFORM, TIMED)).await;
    assert_eq!(status, 404);
    assert!(!body.contains("BEGIN:VCALENDAR"));

    // Application pages live on portal hosts, not on the public host.
    let (status, _) = page(&ada, "/applications/1001").await;
    assert_eq!(status, 404);
    let on_host = ada
        .send(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .get(format!("{}/applications/1001", w.app.address))
                .header(reqwest::header::HOST, "acme.localhost:3000"),
        )
        .await;
    assert_eq!(on_host.status(), 200);
    let html = text(on_host).await.replace("<!>", "");
    assert!(html.contains("Bring a laptop"));
    assert!(
        html.contains(r#"href="/applications/1001/interviews/9001/calendar.ics""#),
        "host-mode links"
    );
}

#[tokio::test]
async fn recruiters_preview_the_portal_as_a_candidate_at_a_stage() {
    let w = world().await;
    let viewer = {
        let recruiter = w
            .app
            .recruiter(w.acme.id, "viewer@acme.example", Role::Viewer)
            .await;
        w.app.browser_signed_in_as(&recruiter).await
    };
    let technical = stage_id(&w.app, &w.platform, TECHNICAL).await;
    let references = stage_id(&w.app, &w.platform, REFERENCES).await;

    let path = format!("/admin/jobs/{PLATFORM}/portal/preview?stage={technical}");
    let (status, html) = page(&viewer, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("Preview: Platform Engineer"), "{html}");
    assert!(html.contains("Current stage: <strong>Technical Interview</strong>"));
    assert!(html.contains("Bring a laptop with Rust installed."));
    assert!(html.contains("Welcome to <strong>Acme</strong>"));
    assert!(!html.contains("Phone tips"));
    assert!(html.contains("Sample interviews"));
    assert!(
        html.contains("Pairing session"),
        "the stage's interview step"
    );
    assert!(html.contains("Grace Hopper"), "the spotlighted interviewer");
    assert!(
        html.contains("Reference Check (hidden from candidates)"),
        "the stage picker"
    );
    assert!(
        !html.contains("calendar.ics"),
        "samples have no calendar file"
    );
    assert!(
        html.contains("Sample candidate&#39;s application")
            || html.contains("Sample candidate's application")
    );
    assert!(
        !html.contains("Signed in as"),
        "no real candidate, no session"
    );

    // A hidden stage shows what such a candidate sees.
    let (_, body) = call(
        &viewer,
        "get_portal_preview",
        &[
            ("job_id", &PLATFORM.to_string()),
            ("stage", &references.to_string()),
        ],
    )
    .await;
    assert_eq!(body["view"]["current_stage"], "Technical Interview");
    assert_eq!(body["view"]["sample"], true);
    // Outcomes.
    let (_, body) = call(
        &viewer,
        "get_portal_preview",
        &[("job_id", "11"), ("stage", "rejected")],
    )
    .await;
    assert_eq!(body["view"]["outcome"]["kind"], "Rejected");
    assert!(body["view"]["interviews"].as_array().unwrap().is_empty());
    // The default: the first visible stage.
    let (_, body) = call(
        &viewer,
        "get_portal_preview",
        &[("job_id", "11"), ("stage", "")],
    )
    .await;
    assert_eq!(body["view"]["current_stage"], "Application Review");

    // Another organization's job, a stage of another portal, a job without a portal.
    let (status, _) = call(
        &viewer,
        "get_portal_preview",
        &[("job_id", &BETA_JOB.to_string()), ("stage", "")],
    )
    .await;
    assert_eq!(status, 404);
    let (status, html) = page(&viewer, &format!("/admin/jobs/{BETA_JOB}/portal/preview")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("Beta Secret Job"));
    let beta_portal = portal_content::portal_of_job(&w.app.db, w.beta.id, BETA_JOB)
        .await
        .unwrap()
        .unwrap();
    let beta_stage = portal_stage::ActiveModel {
        organization_id: Set(w.beta.id),
        portal_id: Set(beta_portal.id),
        position: Set(0),
        name: Set("Beta Stage".into()),
        hidden: Set(false),
        greenhouse_stage_ids: Set(json!([])),
        ..Default::default()
    }
    .insert(&w.app.db)
    .await
    .unwrap();
    let (status, body) = call(
        &viewer,
        "get_portal_preview",
        &[("job_id", "11"), ("stage", &beta_stage.id.to_string())],
    )
    .await;
    assert_eq!(status, 404);
    assert!(!body.to_string().contains("Beta Stage"));
    job(&w.app, w.acme.id, 18, "No Portal Yet").await;
    let (status, _) = call(
        &viewer,
        "get_portal_preview",
        &[("job_id", "18"), ("stage", "")],
    )
    .await;
    assert_eq!(status, 404);
    // Signed out.
    let (status, _) = call(
        &Browser::new(&w.app),
        "get_portal_preview",
        &[("job_id", "11"), ("stage", "")],
    )
    .await;
    assert_eq!(status, 401);
    // A candidate's session is no recruiter's.
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let (status, _) = call(
        &ada,
        "get_portal_preview",
        &[("job_id", "11"), ("stage", "")],
    )
    .await;
    assert_eq!(status, 401);
}

/// Every shape of data the simulator makes (all-day interviews, outside
/// interviewers, offers in each state, rejections…) renders: the home
/// page, each application, each calendar file, each job's preview.
#[tokio::test]
async fn synced_simulator_data_renders_for_every_candidate() {
    let (app, org) = crate::jobs::synced_app().await;
    let all_jobs = jobs::Entity::find()
        .filter(jobs::Column::OrganizationId.eq(org))
        .all(&app.db)
        .await
        .unwrap();
    for job in &all_jobs {
        open_portal(&app, org, job.id, true).await;
    }
    let viewer = {
        let recruiter = app
            .recruiter(org, "viewer@acme.example", Role::Viewer)
            .await;
        app.browser_signed_in_as(&recruiter).await
    };
    for job in all_jobs.iter().take(10) {
        let (status, body) = call(
            &viewer,
            "get_portal_preview",
            &[("job_id", &job.id.to_string()), ("stage", "")],
        )
        .await;
        assert_eq!(status, 200, "preview of job {}: {body}", job.id);
        assert_eq!(body["job_name"], job.name.as_str());
    }
    let shown: Vec<applications::Model> = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(org))
        .filter(applications::Column::Prospect.eq(false))
        .filter(applications::Column::Status.is_in(["in_process", "hired"]))
        .order_by_asc(applications::Column::Id)
        .limit(25)
        .all(&app.db)
        .await
        .unwrap();
    assert!(shown.len() >= 10, "the small dataset has applications");
    let mut calendars = 0;
    for application in shown {
        let browser = app.candidate_browser(org, application.candidate_id).await;
        let (status, home) = page(&browser, "/p/acme").await;
        assert_eq!(status, 200);
        assert!(home.contains(&format!("/p/acme/applications/{}", application.id)));
        let path = format!("/p/acme/applications/{}", application.id);
        let (status, html) = page(&browser, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("Status as of"), "{path}");
        let interviews = interviews::Entity::find()
            .filter(interviews::Column::OrganizationId.eq(org))
            .filter(interviews::Column::ApplicationId.eq(application.id))
            .all(&app.db)
            .await
            .unwrap();
        for interview in interviews {
            let (status, body) = page(&browser, &ics_path(application.id, interview.id)).await;
            assert_eq!(status, 200, "interview {}", interview.id);
            assert!(body.starts_with("BEGIN:VCALENDAR\r\n"));
            calendars += 1;
        }
    }
    assert!(calendars > 0, "some applications have interviews");
}

/// Candidate pages keep a portal's content in memory while its version is
/// current. Whoever changes it — here plain SQL writes, as another process
/// or a sync would make them, not the editor's services — the next page
/// shows the change: the stages, the blocks and the job's Greenhouse stages.
#[tokio::test]
async fn content_changes_show_on_the_next_page_whoever_writes_them() {
    let w = world().await;
    let ada = w.app.candidate_browser(w.acme.id, ADA).await;
    let path = "/p/acme/applications/1001";
    let (_, html) = page(&ada, path).await;
    assert!(html.contains("Bring a laptop with Rust installed."));
    assert!(html.contains("Current stage: <strong>Technical Interview</strong>"));
    // The same page again (now from memory) is the same.
    assert_eq!(page(&ada, path).await.1.len(), html.len());

    // A block's text.
    let db = &w.app.db;
    let laptop = content_block::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .find(|b| b.content.to_string().contains("Bring a laptop"))
        .expect("the technical stage's block");
    let mut edited: content_block::ActiveModel = laptop.clone().into();
    edited.content =
        Set(json!({"kind": "markdown", "title": "Prepare", "markdown": "Bring a tablet instead."}));
    edited.update(db).await.unwrap();
    let (_, html) = page(&ada, path).await;
    assert!(html.contains("Bring a tablet instead."), "an edited block");
    assert!(!html.contains("Bring a laptop"));

    // A stage's name.
    let technical = stage_id(&w.app, &w.platform, TECHNICAL).await;
    portal_stage::Entity::update_many()
        .col_expr(portal_stage::Column::Name, Expr::value("Pairing day"))
        .filter(portal_stage::Column::Id.eq(technical))
        .exec(db)
        .await
        .unwrap();
    let (_, html) = page(&ada, path).await;
    assert!(
        html.contains("Current stage: <strong>Pairing day</strong>"),
        "a renamed stage"
    );

    // A Greenhouse stage added to the job: the timeline gets it.
    insert::<job_interview_stages::Entity>(
        &w.app,
        w.acme.id,
        json!({"id": 9999, "job_id": PLATFORM, "sort_order": 5, "name": "Team Lunch", "active": true}),
    )
    .await;
    let (_, html) = page(&ada, path).await;
    assert!(html.contains("Team Lunch"), "a new Greenhouse stage");

    // A block deleted.
    content_block::Entity::delete_by_id(laptop.id)
        .exec(db)
        .await
        .unwrap();
    let (_, html) = page(&ada, path).await;
    assert!(!html.contains("Bring a tablet instead."), "a deleted block");
}
