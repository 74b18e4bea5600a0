//! The sync worker against the built-in Greenhouse simulator over real HTTP:
//! every resource ends equal to the simulator's truth, whatever goes wrong on
//! the way (faults, a killed run, rate limits, expiring tokens, changes).

use crate::helpers::{TestApp, spawn_app};
use app::{
    domain::Resource,
    ssr::{entities::greenhouse::Records, services::organizations},
    with_greenhouse_entity,
};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use server::{
    harvest::{ClientOptions, Credentials, Secret},
    simulator::{ChangeSet, RateLimit, RunningSimulator, Simulator, SimulatorConfig, Size},
    sync::{
        runner::{self, Progress, RunReport, SyncKind, SyncOptions, Trigger},
        store,
    },
};
use std::time::Duration;

pub struct Greenhouse {
    pub simulator: Simulator,
    pub running: RunningSimulator,
}

pub async fn start_simulator(config: SimulatorConfig) -> Greenhouse {
    let simulator = Simulator::new(config);
    let running = simulator
        .spawn("127.0.0.1:0".parse().unwrap())
        .await
        .expect("start the simulator");
    Greenhouse { simulator, running }
}

pub fn small() -> SimulatorConfig {
    SimulatorConfig {
        size: Size::Small,
        ..SimulatorConfig::default()
    }
}

/// Options that keep the tests quick: short waits, small pages.
pub fn quick_options(per_page: u32) -> ClientOptions {
    ClientOptions {
        per_page,
        backoff_base: Duration::from_millis(5),
        backoff_cap: Duration::from_millis(50),
        max_attempts: 8,
        request_timeout: Duration::from_secs(10),
        ..ClientOptions::default()
    }
}

pub fn v3_credentials(greenhouse: &Greenhouse) -> Credentials {
    let config = SimulatorConfig::default();
    Credentials::V3 {
        client_id: config.client_id,
        client_secret: Secret::new(config.client_secret),
        user_id: Some(greenhouse.simulator.site_admin_user_id()),
        token_url: greenhouse.running.token_url.clone(),
    }
}

pub fn v1_credentials() -> Credentials {
    Credentials::V1 {
        api_key: Secret::new(SimulatorConfig::default().api_key),
    }
}

pub fn client(
    greenhouse: &Greenhouse,
    credentials: Credentials,
    options: ClientOptions,
) -> server::harvest::Client {
    server::harvest::Client::new(credentials, greenhouse.running.base_url.clone(), options)
        .expect("a Harvest client")
}

pub async fn organization(app: &TestApp, slug: &str) -> i64 {
    organizations::create(&app.db, slug, "Test Co")
        .await
        .expect("create an organization")
        .id
}

pub fn options(kind: SyncKind) -> SyncOptions {
    SyncOptions {
        lease_ttl: Duration::from_secs(2),
        ..SyncOptions::new(kind, Trigger::Cli)
    }
}

pub async fn sync(
    db: &DatabaseConnection,
    client: &server::harvest::Client,
    organization_id: i64,
    kind: SyncKind,
) -> RunReport {
    runner::run(
        db,
        client,
        organization_id,
        &options(kind),
        &mut |_: Progress| {},
    )
    .await
    .expect("the sync completes")
}

/// A row as JSON, with timestamps at millisecond precision (PostgreSQL keeps
/// microseconds, SQLite keeps what it is given).
fn normalized(value: Value) -> Value {
    match value {
        Value::String(text) => match chrono::DateTime::parse_from_rfc3339(&text) {
            Ok(at) => Value::String(
                at.with_timezone(&chrono::Utc)
                    .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                    .to_string(),
            ),
            Err(_) => Value::String(text),
        },
        Value::Array(items) => Value::Array(items.into_iter().map(normalized).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .map(|(key, value)| (key, normalized(value)))
                .collect(),
        ),
        other => other,
    }
}

fn rows_as_json(records: Records) -> Vec<Value> {
    let mut rows: Vec<Value> = with_greenhouse_entity!(records.resource(), E => {
        records
            .into_rows::<E>()
            .unwrap_or_default()
            .into_iter()
            .map(|row| normalized(serde_json::to_value(row).unwrap()))
            .collect()
    });
    rows.sort_by_key(|row| row["id"].as_i64());
    rows
}

/// What Trellis holds for one resource, as v3 JSON rows sorted by id.
pub async fn stored(
    db: &DatabaseConnection,
    organization_id: i64,
    resource: Resource,
) -> Vec<Value> {
    with_greenhouse_entity!(resource, E => {
        let rows = store::all::<E>(db, organization_id).await.unwrap();
        let mut json: Vec<Value> = rows.into_iter().map(|row| normalized(serde_json::to_value(row).unwrap())).collect();
        json.sort_by_key(|row| row["id"].as_i64());
        json
    })
}

/// Every resource Trellis holds equals the simulator's truth, row for row and
/// field for field.
pub async fn assert_equals_truth(
    db: &DatabaseConnection,
    organization_id: i64,
    simulator: &Simulator,
) {
    for records in simulator.truth() {
        let resource = records.resource();
        let truth = rows_as_json(records);
        let ours = stored(db, organization_id, resource).await;
        assert_eq!(ours.len(), truth.len(), "{resource}: row count");
        for (ours, truth) in ours.iter().zip(&truth) {
            assert_eq!(ours, truth, "{resource}: row {}", truth["id"]);
        }
    }
}

#[tokio::test]
async fn a_full_v3_sync_equals_the_simulator() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(small()).await;
    let org = organization(&app, "acme").await;
    let client = client(&greenhouse, v3_credentials(&greenhouse), quick_options(50));

    let report = sync(&app.db, &client, org, SyncKind::Full).await;

    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
    let truth_rows: usize = Resource::ALL
        .iter()
        .map(|r| greenhouse.simulator.count(*r))
        .sum();
    assert_eq!(
        report.records as usize, truth_rows,
        "every row read exactly once"
    );
    assert!(report.requests > Resource::ALL.len() as u64);
    assert!(greenhouse.simulator.count(Resource::Candidates) > 0);

    // A second full sync changes nothing and duplicates nothing.
    sync(&app.db, &client, org, SyncKind::Full).await;
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
}

#[tokio::test]
async fn a_sync_survives_faults_and_a_killed_run_without_duplicates() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(SimulatorConfig {
        fault_rate: 0.05,
        ..small()
    })
    .await;
    let org = organization(&app, "acme").await;
    let client = client(&greenhouse, v3_credentials(&greenhouse), quick_options(10));

    // Kill a run part-way, as a crash would: its lease stays held until it expires.
    let db = app.db.clone();
    let killed_client = client.clone();
    let (pages_tx, mut pages_rx) = tokio::sync::mpsc::unbounded_channel();
    let killed = tokio::spawn(async move {
        let mut progress = move |event: Progress| {
            if let Progress::PageStored { .. } = event {
                let _ = pages_tx.send(());
            }
        };
        runner::run(
            &db,
            &killed_client,
            org,
            &options(SyncKind::Full),
            &mut progress,
        )
        .await
    });
    for _ in 0..25 {
        pages_rx
            .recv()
            .await
            .expect("pages are stored before the kill");
    }
    killed.abort();
    let _ = killed.await;

    // While the dead run's lease lasts, nobody else may sync.
    let busy = runner::run(&app.db, &client, org, &options(SyncKind::Full), &mut |_| {}).await;
    assert!(
        matches!(busy, Err(runner::SyncError::Busy { .. })),
        "{busy:?}"
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    sync(&app.db, &client, org, SyncKind::Full).await;
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
    assert!(
        greenhouse.simulator.stats().faults_injected > 0,
        "faults were injected"
    );
    let runs = server::sync::status::last_run(&app.db, org)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(runs.status, "completed");
}

#[tokio::test]
async fn retry_after_is_observed_and_the_sync_completes() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(SimulatorConfig {
        rate_limit: Some(RateLimit {
            requests: 8,
            window: Duration::from_secs(2),
        }),
        ..small()
    })
    .await;
    let org = organization(&app, "acme").await;
    // Another integration spends the window's budget first.
    let other = reqwest::Client::new();
    let base = greenhouse.running.base_url.clone();
    let mut limited = false;
    for _ in 0..12 {
        let response = other
            .get(base.join("/v1/sources").unwrap())
            .basic_auth(SimulatorConfig::default().api_key, Some(""))
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
            limited = true;
            break;
        }
    }
    assert!(limited, "the simulator limits requests");
    let client = client(&greenhouse, v1_credentials(), quick_options(100));
    let started = std::time::Instant::now();
    sync(&app.db, &client, org, SyncKind::Full).await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "waited for the window to reset"
    );
    assert!(greenhouse.simulator.stats().rate_limited >= 1);
    let departments = stored(&app.db, org, Resource::Departments).await;
    assert_eq!(
        departments.len(),
        greenhouse.simulator.count(Resource::Departments)
    );
}

#[tokio::test]
async fn a_token_that_expires_mid_sync_is_refreshed() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(SimulatorConfig {
        token_ttl: Duration::from_secs(1),
        single_active_token: true,
        rate_limit: Some(RateLimit {
            requests: 40,
            window: Duration::from_secs(1),
        }),
        ..small()
    })
    .await;
    let org = organization(&app, "acme").await;
    let client = client(&greenhouse, v3_credentials(&greenhouse), quick_options(20));
    sync(&app.db, &client, org, SyncKind::Full).await;
    assert!(
        greenhouse.simulator.stats().tokens_issued >= 2,
        "{:?}",
        greenhouse.simulator.stats()
    );
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
}

#[tokio::test]
async fn an_incremental_sync_reflects_updates_and_a_full_sync_deletions() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(small()).await;
    let org = organization(&app, "acme").await;
    let client = client(&greenhouse, v3_credentials(&greenhouse), quick_options(500));
    sync(&app.db, &client, org, SyncKind::Full).await;

    let report = greenhouse
        .simulator
        .apply_changes(&ChangeSet {
            update: 6,
            stage_changes: 3,
            new_candidates: 1,
            ..ChangeSet::default()
        })
        .expect("the changes apply");
    assert!(!report.updated.is_empty());
    let incremental = sync(&app.db, &client, org, SyncKind::Incremental).await;
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
    assert!(
        incremental.requests <= Resource::ALL.len() as u64 + 10,
        "an incremental sync made {} requests",
        incremental.requests
    );

    // Hard deletions leave no trace in v3 lists: a full sync reconciles ids.
    greenhouse
        .simulator
        .apply_changes(&ChangeSet {
            delete_candidates: 2,
            delete_interviews: 2,
            ..ChangeSet::default()
        })
        .expect("the changes apply");
    let full = sync(&app.db, &client, org, SyncKind::Full).await;
    assert!(full.resources[&Resource::Candidates].deleted >= 2);
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
}

/// The fields Harvest v1 carries for each resource (v3 names). Resources v1
/// gives no ids for are compared by their natural keys instead.
fn v1_fields(resource: Resource) -> &'static [&'static str] {
    use Resource::*;
    match resource {
        UserRoles | Sources | CloseReasons | RejectionReasons | CandidateTags => &["id", "name"],
        Departments => &["id", "name", "parent_id", "external_id"],
        Offices => &[
            "id",
            "name",
            "parent_id",
            "external_id",
            "location",
            "primary_in_house_contact_user_id",
        ],
        Users => &[
            "id",
            "name",
            "first_name",
            "last_name",
            "primary_email",
            "deactivated",
            "site_admin",
            "employee_id",
            "office_ids",
            "department_ids",
            "created_at",
            "updated_at",
        ],
        Jobs => &[
            "id",
            "name",
            "requisition_id",
            "confidential",
            "status",
            "opened_at",
            "closed_at",
            "department_id",
            "office_ids",
            "created_at",
            "updated_at",
        ],
        JobHiringManagers => &["job_id", "user_id"],
        JobOwners => &["job_id", "user_id", "type", "responsible"],
        Openings => &[
            "id",
            "job_id",
            "open",
            "opening_id",
            "opened_at",
            "closed_at",
            "application_id",
            "close_reason_id",
        ],
        JobPosts => &[
            "id",
            "title",
            "job_id",
            "internal",
            "active",
            "live",
            "first_published_at",
            "content",
            "created_at",
            "updated_at",
        ],
        JobInterviewStages => &[
            "id",
            "job_id",
            "name",
            "sort_order",
            "created_at",
            "updated_at",
        ],
        JobInterviews => &["id", "job_interview_stage_id", "job_id", "name"],
        UserJobPermissions => &["id", "job_id", "user_id", "role_id"],
        Candidates => &[
            "id",
            "first_name",
            "last_name",
            "company",
            "title",
            "can_email",
            "tags",
            "email_addresses",
            "phone_numbers",
            "created_at",
            "updated_at",
        ],
        AppliedCandidateTags => &["candidate_id", "candidate_tag_id"],
        Applications => &[
            "id",
            "candidate_id",
            "prospect",
            "status",
            "job_id",
            "stage_name",
            "source_id",
            "recruiter_id",
            "coordinator_id",
            "rejected_at",
            "last_activity_at",
            "created_at",
        ],
        Offers => &[
            "id",
            "version",
            "application_id",
            "job_id",
            "candidate_id",
            "opening_id",
            "status",
            "starts_on",
            "sent_on",
            "resolved_at",
        ],
        Interviews => &[
            "id",
            "application_id",
            "job_id",
            "job_interview_id",
            "starts_at",
            "ends_at",
            "all_day_start_on",
            "all_day_end_on",
            "location",
            "organizer_id",
            "external_event_id",
            "video_conferencing_url",
        ],
        Interviewers => &[
            "interview_id",
            "user_id",
            "email",
            "response_status",
            "scorecard_id",
        ],
    }
}

fn projected(rows: Vec<Value>, fields: &[&str]) -> Vec<Value> {
    let mut rows: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            Value::Object(
                fields
                    .iter()
                    .map(|f| ((*f).to_owned(), row[*f].clone()))
                    .collect(),
            )
        })
        .collect();
    rows.sort_by_key(|row| row.to_string());
    rows
}

#[tokio::test]
async fn a_full_v1_sync_equals_what_v1_shows_of_the_simulator() {
    let app = spawn_app().await;
    let greenhouse = start_simulator(small()).await;
    let org = organization(&app, "acme").await;
    let client = client(&greenhouse, v1_credentials(), quick_options(25));
    sync(&app.db, &client, org, SyncKind::Full).await;

    for records in greenhouse.simulator.truth() {
        let resource = records.resource();
        let fields = v1_fields(resource);
        let truth = projected(rows_as_json(records), fields);
        let ours = projected(stored(&app.db, org, resource).await, fields);
        assert_eq!(ours.len(), truth.len(), "{resource}: row count");
        for (ours, truth) in ours.iter().zip(&truth) {
            assert_eq!(ours, truth, "{resource}");
        }
    }
    // Unchanged data synced again through v1 changes nothing.
    sync(&app.db, &client, org, SyncKind::Full).await;
    let candidates = stored(&app.db, org, Resource::Candidates).await;
    assert_eq!(
        candidates.len(),
        greenhouse.simulator.count(Resource::Candidates)
    );
}

#[tokio::test]
async fn one_holder_at_a_time_holds_the_lease_across_processes() {
    use server::sync::lease;
    let app = spawn_app().await;
    let org = organization(&app, "acme").await;
    // A second connection pool stands for a second server process.
    let other_process = server::db::connect(&app.database.url).await.unwrap();
    let ttl = Duration::from_millis(800);

    let (first, second) = tokio::join!(
        lease::acquire(&app.db, org, "process-a", ttl),
        lease::acquire(&other_process, org, "process-b", ttl),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    assert!(
        first ^ second,
        "exactly one process wins the lease ({first}, {second})"
    );
    let (winner, loser, loser_db) = if first {
        ("process-a", "process-b", &other_process)
    } else {
        ("process-b", "process-a", &app.db)
    };
    assert!(!lease::renew(loser_db, org, loser, None, ttl).await.unwrap());
    assert!(
        lease::renew(&app.db, org, winner, Some(1), ttl)
            .await
            .unwrap()
    );
    assert!(!lease::acquire(loser_db, org, loser, ttl).await.unwrap());

    // The winner dies (stops renewing): the lease is taken over once it expires.
    tokio::time::sleep(ttl + Duration::from_millis(300)).await;
    assert!(lease::acquire(loser_db, org, loser, ttl).await.unwrap());
    assert!(
        !lease::renew(&app.db, org, winner, None, ttl).await.unwrap(),
        "the old holder lost it"
    );
    lease::release(loser_db, org, loser).await.unwrap();
    assert!(lease::acquire(&app.db, org, winner, ttl).await.unwrap());
}

#[tokio::test]
async fn webhooks_bring_deletions_that_an_incremental_sync_cannot_see() {
    use server::{
        connections::{self, NewConnection},
        simulator::WebhookTarget,
    };
    let app = spawn_app().await;
    let org = organization(&app, "acme").await;
    let secret = "a-webhook-secret-of-some-length";
    let greenhouse = start_simulator(SimulatorConfig {
        webhook: Some(WebhookTarget {
            url: format!("{}/webhooks/greenhouse/acme", app.address),
            secret: secret.to_owned(),
        }),
        ..small()
    })
    .await;
    connections::save(
        &app.db,
        &app.master_key,
        org,
        &NewConnection {
            credentials: v3_credentials(&greenhouse),
            base_url: greenhouse.running.base_url.clone(),
            webhook_secret: Secret::new(secret),
        },
    )
    .await
    .unwrap();
    let client = client(&greenhouse, v3_credentials(&greenhouse), quick_options(500));
    sync(&app.db, &client, org, SyncKind::Full).await;

    let report = greenhouse
        .simulator
        .apply_changes(&ChangeSet {
            update: 3,
            stage_changes: 2,
            delete_candidates: 2,
            delete_applications: 1,
            delete_interviews: 2,
            ..ChangeSet::default()
        })
        .expect("the changes apply");
    assert!(report.webhooks >= 5, "{report:?}");
    for _ in 0..100 {
        if greenhouse.simulator.stats().webhooks_sent >= report.webhooks as u64 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        greenhouse.simulator.stats().webhooks_sent,
        report.webhooks as u64
    );
    // The stage changes asked the scheduler for a sync.
    assert!(app.sync_requests.take().contains(&org));

    sync(&app.db, &client, org, SyncKind::Incremental).await;
    assert_equals_truth(&app.db, org, &greenhouse.simulator).await;
}
