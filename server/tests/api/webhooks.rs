//! `POST /webhooks/greenhouse/{org}`: signed deliveries change the mirror
//! once, everything else changes nothing.

use crate::helpers::{TestApp, spawn_app};
use app::ssr::{
    entities::{
        greenhouse::{
            GreenhouseEntity, applications, applied_candidate_tags, candidates, interviewers,
            interviews, offers,
        },
        sync::{greenhouse_connection, webhook_event},
    },
    services::organizations,
};
use chrono::Utc;
use reqwest::Response;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::{Value, json};
use server::{
    connections::{self, ConnectionError, NewConnection},
    harvest::{Credentials, Secret},
    routes::webhooks::signature_for,
    secrets::MasterKey,
};
use url::Url;

/// Greenhouse's documented `delete_candidate` example, verbatim; the test
/// rows use its ids.
const DELETE_CANDIDATE: &str = r#"{
  "action": "delete_candidate",
  "payload": {
    "person": {
        "id": 37031511,
        "first_name": "Jack",
        "last_name": "Sparrow",
        "company": "Pirate Shipping",
        "title": "Captain",
        "created_at": "2013-03-22T00:00:00Z",
        "headline": "Eager to find a new commission",
        "is_private": false,
        "recruiter_user_id": 123,
        "coordinator_user_id": 456,
        "can_email": false,
        "deleted_application_ids": [
                46196263,
                46196258
            ]
        }
    }
}
"#;
const DELETED_CANDIDATE: i64 = 37031511;
const KEPT_CANDIDATE: i64 = 2;
const KEPT_APPLICATION: i64 = 3;

/// Two organizations with identical Greenhouse rows, each connected with
/// its own webhook secret.
struct Fixture {
    app: TestApp,
    acme: i64,
    other: i64,
}

impl Fixture {
    async fn new() -> Fixture {
        let app = spawn_app().await;
        let acme = connected_org(&app, "acme", "acme-webhook-secret-0123").await;
        let other = connected_org(&app, "other", "other-webhook-secret-456").await;
        for org in [acme, other] {
            seed(&app.db, org).await;
        }
        Fixture { app, acme, other }
    }

    async fn post(&self, slug: &str, body: &[u8], headers: &[(&str, &str)]) -> Response {
        let mut request = self
            .app
            .client
            .post(format!("{}/webhooks/greenhouse/{slug}", self.app.address))
            .header("content-type", "application/json")
            .header("user-agent", "Greenhouse webhooks")
            .body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("POST a webhook")
    }

    /// A delivery as Greenhouse sends it: signed, with an event id.
    async fn deliver(&self, slug: &str, secret: &str, event_id: &str, body: &str) -> Response {
        let signature = signature_for(secret.as_bytes(), body.as_bytes());
        self.post(
            slug,
            body.as_bytes(),
            &[("signature", &signature), ("greenhouse-event-id", event_id)],
        )
        .await
    }
}

async fn connected_org(app: &TestApp, slug: &str, webhook_secret: &str) -> i64 {
    let org = organizations::create(&app.db, slug, "Test Co")
        .await
        .expect("create an organization");
    connections::save(
        &app.db,
        &app.master_key,
        org.id,
        &NewConnection {
            credentials: Credentials::V1 {
                api_key: Secret::new(format!("{slug}-harvest-api-key")),
            },
            base_url: Url::parse("https://harvest.greenhouse.io").unwrap(),
            webhook_secret: Secret::new(webhook_secret),
        },
    )
    .await
    .expect("store the connection");
    org.id
}

async fn insert<E: GreenhouseEntity>(db: &DatabaseConnection, org: i64, record: Value) {
    let mut model: E::Model = serde_json::from_value(record).expect("a v3 record");
    E::stamp(&mut model, org, Utc::now());
    E::insert(model.into_active_model())
        .exec_without_returning(db)
        .await
        .expect("insert a row");
}

fn candidate(id: i64) -> Value {
    json!({
        "id": id, "first_name": "Jack", "last_name": "Sparrow", "company": "Pirate Shipping",
        "title": "Captain", "can_email": true, "tags": ["pirate"], "linked_user_ids": [],
        "phone_numbers": [{"value": "555-0100", "type": "mobile"}], "addresses": [],
        "email_addresses": [{"value": "jack@example.com", "type": "personal"}],
        "website_addresses": [], "social_media_addresses": []
    })
}

fn application(id: i64, candidate_id: i64) -> Value {
    json!({
        "id": id, "candidate_id": candidate_id, "prospect": false, "status": "in_process",
        "job_id": 371417, "stage_id": 500, "stage_name": "Application Review",
        "job_interview_stage_id": 711020
    })
}

async fn seed(db: &DatabaseConnection, org: i64) {
    for id in [DELETED_CANDIDATE, KEPT_CANDIDATE] {
        insert::<candidates::Entity>(db, org, candidate(id)).await;
    }
    for (id, candidate_id) in [
        (46196263, DELETED_CANDIDATE),
        (46196258, DELETED_CANDIDATE),
        (KEPT_APPLICATION, KEPT_CANDIDATE),
    ] {
        insert::<applications::Entity>(db, org, application(id, candidate_id)).await;
    }
    for (id, application_id) in [(10, 46196263), (11, KEPT_APPLICATION)] {
        insert::<interviews::Entity>(
            db,
            org,
            json!({"id": id, "job_id": 371417, "application_id": application_id,
                   "job_interview_id": 1, "status": "scheduled"}),
        )
        .await;
    }
    for (id, interview_id) in [(20, 10), (21, 11)] {
        insert::<interviewers::Entity>(db, org, json!({"id": id, "interview_id": interview_id}))
            .await;
    }
    for (id, application_id, candidate_id) in [
        (30, 46196258, DELETED_CANDIDATE),
        (31, KEPT_APPLICATION, KEPT_CANDIDATE),
    ] {
        insert::<offers::Entity>(
            db,
            org,
            json!({"id": id, "version": 1, "application_id": application_id, "job_id": 371417,
                   "candidate_id": candidate_id, "status": "Created"}),
        )
        .await;
    }
    for (id, candidate_id) in [(40, DELETED_CANDIDATE), (41, KEPT_CANDIDATE)] {
        insert::<applied_candidate_tags::Entity>(
            db,
            org,
            json!({"id": id, "candidate_tag_id": 1, "candidate_id": candidate_id}),
        )
        .await;
    }
}

async fn ids<E: GreenhouseEntity>(db: &DatabaseConnection, org: i64) -> Vec<i64> {
    E::find()
        .select_only()
        .column(E::ID)
        .filter(E::ORGANIZATION.eq(org))
        .order_by_asc(E::ID)
        .into_tuple::<i64>()
        .all(db)
        .await
        .expect("read ids")
}

/// The ids held per table for one organization.
async fn snapshot(db: &DatabaseConnection, org: i64) -> Vec<(&'static str, Vec<i64>)> {
    vec![
        ("candidates", ids::<candidates::Entity>(db, org).await),
        ("applications", ids::<applications::Entity>(db, org).await),
        ("interviews", ids::<interviews::Entity>(db, org).await),
        ("interviewers", ids::<interviewers::Entity>(db, org).await),
        ("offers", ids::<offers::Entity>(db, org).await),
        (
            "applied_candidate_tags",
            ids::<applied_candidate_tags::Entity>(db, org).await,
        ),
    ]
}

fn seeded() -> Vec<(&'static str, Vec<i64>)> {
    vec![
        ("candidates", vec![KEPT_CANDIDATE, DELETED_CANDIDATE]),
        ("applications", vec![KEPT_APPLICATION, 46196258, 46196263]),
        ("interviews", vec![10, 11]),
        ("interviewers", vec![20, 21]),
        ("offers", vec![30, 31]),
        ("applied_candidate_tags", vec![40, 41]),
    ]
}

async fn recorded_events(db: &DatabaseConnection) -> u64 {
    webhook_event::Entity::find()
        .count(db)
        .await
        .expect("count webhook events")
}

async fn status_of(response: Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn a_signed_delete_candidate_removes_the_candidate_and_everything_hanging_off_it_once() {
    let f = Fixture::new().await;
    assert_eq!(snapshot(&f.app.db, f.acme).await, seeded());

    let response = f
        .deliver(
            "acme",
            "acme-webhook-secret-0123",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "applied"})),
        "{}",
        f.app.database.backend_name()
    );
    assert_eq!(
        snapshot(&f.app.db, f.acme).await,
        vec![
            ("candidates", vec![KEPT_CANDIDATE]),
            ("applications", vec![KEPT_APPLICATION]),
            ("interviews", vec![11]),
            ("interviewers", vec![21]),
            ("offers", vec![31]),
            ("applied_candidate_tags", vec![41]),
        ]
    );
    // The other organization holds the same Greenhouse ids, untouched.
    assert_eq!(snapshot(&f.app.db, f.other).await, seeded());
    assert!(
        f.app.sync_requests.take().is_empty(),
        "a deletion needs no sync"
    );

    // A replay changes nothing, even though the candidate is back by now.
    insert::<candidates::Entity>(&f.app.db, f.acme, candidate(DELETED_CANDIDATE)).await;
    let replay = f
        .deliver(
            "acme",
            "acme-webhook-secret-0123",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(
        status_of(replay).await,
        (200, json!({"status": "duplicate"}))
    );
    assert_eq!(
        ids::<candidates::Entity>(&f.app.db, f.acme).await,
        vec![KEPT_CANDIDATE, DELETED_CANDIDATE]
    );
    assert_eq!(recorded_events(&f.app.db).await, 1);

    // The same event id is another delivery for another organization.
    let other = f
        .deliver(
            "other",
            "other-webhook-secret-456",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(status_of(other).await, (200, json!({"status": "applied"})));
    assert_eq!(
        ids::<candidates::Entity>(&f.app.db, f.other).await,
        vec![KEPT_CANDIDATE]
    );
}

#[tokio::test]
async fn unsigned_or_wrongly_signed_deliveries_get_401_and_change_nothing() {
    let f = Fixture::new().await;
    let body = DELETE_CANDIDATE.as_bytes();
    let good = signature_for(b"acme-webhook-secret-0123", body);
    let other_secret = signature_for(b"other-webhook-secret-456", body);
    let other_body = signature_for(b"acme-webhook-secret-0123", b"{}");
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("signature", &other_secret)],
        vec![("signature", &other_body)],
        vec![("signature", "sha256 not-hex")],
        vec![("signature", "sha1 0123456789abcdef")],
        vec![("signature", &good[7..])],
    ];
    for mut headers in cases {
        headers.push(("greenhouse-event-id", "evt-1"));
        let response = f.post("acme", body, &headers).await;
        let (status, reply) = status_of(response).await;
        assert_eq!(status, 401, "{headers:?}");
        assert!(reply["error"].is_string(), "{reply}");
    }
    assert_eq!(snapshot(&f.app.db, f.acme).await, seeded());
    assert_eq!(recorded_events(&f.app.db).await, 0);

    // Correctly signed, but with the secret of the organization in the URL only.
    let response = f
        .deliver(
            "other",
            "acme-webhook-secret-0123",
            "evt-2",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_eq!(snapshot(&f.app.db, f.other).await, seeded());
}

#[tokio::test]
async fn unknown_or_unconnected_organizations_get_401() {
    let f = Fixture::new().await;
    let unknown = f
        .deliver(
            "nobody",
            "acme-webhook-secret-0123",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(unknown.status(), 401);
    f.app.create_org("bare", "Not connected").await;
    let bare = f
        .deliver(
            "bare",
            "acme-webhook-secret-0123",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(bare.status(), 401);
    assert_eq!(snapshot(&f.app.db, f.acme).await, seeded());
    assert_eq!(recorded_events(&f.app.db).await, 0);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_get_413() {
    let f = Fixture::new().await;
    let padding = "x".repeat(1024 * 1024);
    let body = format!(r#"{{"action": "ping", "payload": {{"padding": "{padding}"}}}}"#);
    let response = f
        .deliver("acme", "acme-webhook-secret-0123", "evt-big", &body)
        .await;
    assert_eq!(response.status(), 413);
    assert_eq!(recorded_events(&f.app.db).await, 0);
}

#[tokio::test]
async fn a_stage_change_patches_the_application_and_asks_for_a_sync() {
    let f = Fixture::new().await;
    assert!(f.app.sync_requests.take().is_empty());
    let body = json!({
        "action": "candidate_stage_change",
        "payload": {"application": {
            "id": KEPT_APPLICATION, "status": "rejected", "prospect": false,
            "current_stage": {"id": 71416, "name": "Assessment", "interviews": []},
            "candidate": {"id": KEPT_CANDIDATE}
        }}
    })
    .to_string();
    let response = f
        .deliver("acme", "acme-webhook-secret-0123", "evt-stage", &body)
        .await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "applied"}))
    );

    let row = |org: i64| applications::Entity::find_by_id((org, KEPT_APPLICATION)).one(&f.app.db);
    let patched = row(f.acme).await.unwrap().expect("the application");
    assert_eq!(patched.stage_name.as_deref(), Some("Assessment"));
    assert_eq!(patched.job_interview_stage_id, Some(71416));
    assert_eq!(patched.status, "rejected");
    assert_eq!(f.app.sync_requests.take(), vec![f.acme]);

    let untouched = row(f.other).await.unwrap().expect("the application");
    assert_eq!(untouched.stage_name.as_deref(), Some("Application Review"));
    assert_eq!(untouched.status, "in_process");
}

#[tokio::test]
async fn event_ids_are_required_pings_and_unknown_actions_are_answered() {
    let f = Fixture::new().await;
    let secret = b"acme-webhook-secret-0123";
    let body = DELETE_CANDIDATE.as_bytes();
    let signature = signature_for(secret, body);
    let response = f.post("acme", body, &[("signature", &signature)]).await;
    assert_eq!(response.status(), 400);
    assert_eq!(snapshot(&f.app.db, f.acme).await, seeded());

    // Greenhouse's ping when a hook is saved carries no event of ours.
    let ping = r#"{"action": "ping", "payload": {"web_hook_id": 1}}"#;
    let signature = signature_for(secret, ping.as_bytes());
    let response = f
        .post("acme", ping.as_bytes(), &[("signature", &signature)])
        .await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "ignored"}))
    );

    let unknown = r#"{"action": "brand_new_event", "payload": {}}"#;
    let response = f
        .deliver("acme", "acme-webhook-secret-0123", "evt-new", unknown)
        .await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "ignored"}))
    );
    assert!(f.app.sync_requests.take().is_empty());
    assert_eq!(recorded_events(&f.app.db).await, 1);
}

#[tokio::test]
async fn cross_origin_protection_lets_server_to_server_deliveries_through() {
    let f = Fixture::new().await;
    // Greenhouse sends neither Origin nor Sec-Fetch-Site: it passes.
    let response = f
        .deliver(
            "acme",
            "acme-webhook-secret-0123",
            "evt-1",
            DELETE_CANDIDATE,
        )
        .await;
    assert_eq!(response.status(), 200);
    // A browser page elsewhere is still refused before anything runs.
    let body = r#"{"action": "offer_deleted", "payload": {"offer": {"id": 31}}}"#;
    let signature = signature_for(b"acme-webhook-secret-0123", body.as_bytes());
    let response = f
        .post(
            "acme",
            body.as_bytes(),
            &[
                ("signature", &signature),
                ("greenhouse-event-id", "evt-2"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(ids::<offers::Entity>(&f.app.db, f.acme).await, vec![31]);
}

#[tokio::test]
async fn stored_secrets_are_sealed_for_their_organization() {
    let f = Fixture::new().await;
    let row = greenhouse_connection::Entity::find_by_id(f.acme)
        .one(&f.app.db)
        .await
        .unwrap()
        .expect("the connection row");
    for (sealed, plaintext) in [
        (&row.secret_ciphertext, "acme-harvest-api-key"),
        (&row.webhook_secret_ciphertext, "acme-webhook-secret-0123"),
    ] {
        assert!(
            !sealed
                .windows(plaintext.len())
                .any(|window| window == plaintext.as_bytes()),
            "{plaintext} is stored in the clear"
        );
    }
    assert_eq!(row.api_version, "v1");
    assert_eq!(row.status, "ok");

    let loaded = connections::load(&f.app.db, &f.app.master_key, f.acme)
        .await
        .unwrap()
        .expect("a connection");
    assert_eq!(loaded.webhook_secret.expose(), "acme-webhook-secret-0123");
    assert!(!format!("{loaded:?}").contains("acme-webhook-secret-0123"));

    // Another key cannot open it, and says what to do.
    let error = connections::load(&f.app.db, &MasterKey::generate(), f.acme)
        .await
        .err();
    assert!(matches!(
        error,
        Some(ConnectionError::Undecryptable { organization_id }) if organization_id == f.acme
    ));
    // Sealed for acme, the row does not open as another organization's.
    let moved = greenhouse_connection::ActiveModel {
        organization_id: sea_orm::ActiveValue::Unchanged(f.other),
        secret_ciphertext: sea_orm::ActiveValue::Set(row.secret_ciphertext.clone()),
        ..Default::default()
    };
    greenhouse_connection::Entity::update(moved)
        .exec(&f.app.db)
        .await
        .unwrap();
    assert!(matches!(
        connections::load(&f.app.db, &f.app.master_key, f.other).await,
        Err(ConnectionError::Undecryptable { .. })
    ));
    assert_eq!(
        connections::organizations_with_connection(&f.app.db)
            .await
            .unwrap(),
        vec![f.acme, f.other]
    );
    connections::mark_invalid(&f.app.db, f.acme, "Greenhouse refused the credential")
        .await
        .unwrap();
    let invalid = connections::load(&f.app.db, &f.app.master_key, f.acme)
        .await
        .unwrap()
        .expect("a connection");
    assert_eq!(invalid.status, "invalid");
    assert_eq!(
        invalid.status_message.as_deref(),
        Some("Greenhouse refused the credential")
    );
    connections::mark_ok(&f.app.db, f.acme).await.unwrap();
    let ok = greenhouse_connection::Entity::find_by_id(f.acme)
        .one(&f.app.db)
        .await
        .unwrap()
        .expect("the connection row");
    assert_eq!((ok.status.as_str(), ok.status_message), ("ok", None));
}

#[tokio::test]
async fn a_merge_moves_the_applications_and_an_anonymization_scrubs_the_candidate() {
    let f = Fixture::new().await;
    let secret = "acme-webhook-secret-0123";
    let merge = json!({
        "action": "merge_candidate",
        "payload": {"person": {"id": DELETED_CANDIDATE, "new_candidate_id": KEPT_CANDIDATE}}
    })
    .to_string();
    let response = f.deliver("acme", secret, "evt-merge", &merge).await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "applied"}))
    );
    let acme = snapshot(&f.app.db, f.acme).await;
    assert_eq!(acme[0], ("candidates", vec![KEPT_CANDIDATE]));
    assert_eq!(
        acme[1],
        ("applications", vec![KEPT_APPLICATION, 46196258, 46196263])
    );
    assert_eq!(acme[5], ("applied_candidate_tags", vec![41]));
    let owners = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(f.acme))
        .all(&f.app.db)
        .await
        .unwrap();
    assert!(owners.iter().all(|a| a.candidate_id == KEPT_CANDIDATE));
    let offer = offers::Entity::find_by_id((f.acme, 30))
        .one(&f.app.db)
        .await
        .unwrap();
    assert_eq!(offer.map(|o| o.candidate_id), Some(KEPT_CANDIDATE));
    assert_eq!(f.app.sync_requests.take(), vec![f.acme]);

    let anonymize = json!({
        "action": "candidate_anonymized",
        "payload": {"candidate_id": KEPT_CANDIDATE, "anonymized_fields": ["full_name", "current_title"]}
    })
    .to_string();
    let response = f.deliver("acme", secret, "evt-anon", &anonymize).await;
    assert_eq!(
        status_of(response).await,
        (200, json!({"status": "applied"}))
    );
    let candidate = |org: i64| candidates::Entity::find_by_id((org, KEPT_CANDIDATE)).one(&f.app.db);
    let scrubbed = candidate(f.acme).await.unwrap().expect("the candidate");
    assert_eq!(
        (scrubbed.first_name, scrubbed.last_name, scrubbed.title),
        (None, None, None)
    );
    // Only the listed fields: the rest waits for the requested sync.
    assert_eq!(scrubbed.company.as_deref(), Some("Pirate Shipping"));
    assert_eq!(scrubbed.email_addresses[0]["value"], "jack@example.com");
    assert_eq!(f.app.sync_requests.take(), vec![f.acme]);

    let untouched = candidate(f.other).await.unwrap().expect("the candidate");
    assert_eq!(untouched.first_name.as_deref(), Some("Jack"));
    assert_eq!(snapshot(&f.app.db, f.other).await, seeded());
}
