//! Portal invite emails: after a completed sync, one email per application
//! that has entered a visible candidate-facing stage of a job whose portal
//! has invites switched on; never twice, never retroactively, never for a
//! hidden stage, never across organizations. Driven through real syncs from
//! the built-in simulator, whose `move` change set moves a candidate.

use crate::cli_greenhouse::{Operator, connect_v3};
use crate::helpers::{PUBLIC_URL, TestApp, spawn_app};
use crate::sync::{
    Greenhouse, client, options, organization, small, start_simulator, v3_credentials,
};
use app::ssr::{
    entities::{
        dashboard::{dev_mail, portal},
        greenhouse::{applications, candidates, job_interview_stages, jobs},
        portal_content::{portal_invite, portal_stage},
    },
    mail::{Outbox, OutgoingEmail},
    services::{portal_content, portal_invites},
};
use chrono::{DateTime, TimeDelta, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use server::{
    connections::{self, NewConnection},
    harvest::Secret,
    simulator::{ChangeSet, SimulatorConfig, StageMove},
    sync::{
        PortalInvites,
        runner::{self, SyncKind, SyncOptions, Trigger},
        scheduler::Scheduler,
    },
};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use url::Url;

/// A test application whose organization `acme` has synced the simulator
/// once (without invites), and an outbox whose mail the test reads.
pub struct World {
    pub app: TestApp,
    greenhouse: Greenhouse,
    client: server::harvest::Client,
    pub org: i64,
    outbox: Outbox,
    mail: UnboundedReceiver<OutgoingEmail>,
}

impl World {
    pub async fn new() -> World {
        let app = spawn_app().await;
        let greenhouse = start_simulator(small()).await;
        let org = organization(&app, "acme").await;
        let client = client(
            &greenhouse,
            v3_credentials(&greenhouse),
            crate::sync::quick_options(500),
        );
        let (outbox, mail) = Outbox::channel();
        let world = World {
            app,
            greenhouse,
            client,
            org,
            outbox,
            mail,
        };
        world.sync(org, SyncKind::Full, false).await;
        world
    }

    pub fn db(&self) -> &DatabaseConnection {
        &self.app.db
    }

    fn invites(&self) -> PortalInvites {
        PortalInvites {
            outbox: self.outbox.clone(),
            public_url: Url::parse(PUBLIC_URL).unwrap(),
        }
    }

    /// One completed sync of `org`, sending invites when `invites`.
    async fn sync(&self, org: i64, kind: SyncKind, invites: bool) {
        let options = SyncOptions {
            invites: invites.then(|| self.invites()),
            ..options(kind)
        };
        runner::run(self.db(), &self.client, org, &options, &mut |_| {})
            .await
            .expect("the sync completes");
    }

    /// An incremental sync of `acme` with invites, and the mail it sent.
    async fn sync_and_read_mail(&mut self) -> Vec<OutgoingEmail> {
        self.sync(self.org, SyncKind::Incremental, true).await;
        self.read_mail()
    }

    fn read_mail(&mut self) -> Vec<OutgoingEmail> {
        let mut mail = Vec::new();
        while let Ok(message) = self.mail.try_recv() {
            mail.push(message);
        }
        mail
    }

    /// Moves an application in the simulator (as a recruiter in Greenhouse).
    fn move_to(&self, application_id: i64, stage: &str) {
        self.greenhouse
            .simulator
            .apply_changes(&ChangeSet {
                moves: vec![StageMove {
                    application_id,
                    stage: stage.to_owned(),
                }],
                ..ChangeSet::default()
            })
            .expect("the move applies");
    }
}

/// A candidate's application at the first stage of a job with at least
/// four stages, and whom Greenhouse lets us email.
pub struct Target {
    pub job: jobs::Model,
    pub application_id: i64,
    email: String,
    /// The job's active stages in plan order.
    pub stages: Vec<job_interview_stages::Model>,
}

impl Target {
    fn stage(&self, index: usize) -> &str {
        &self.stages[index].name
    }
}

pub async fn target(db: &DatabaseConnection, org: i64) -> Target {
    let applications = applications::Entity::find()
        .filter(applications::Column::OrganizationId.eq(org))
        .filter(applications::Column::Status.eq("in_process"))
        .filter(applications::Column::Prospect.eq(false))
        .order_by_asc(applications::Column::Id)
        .all(db)
        .await
        .unwrap();
    for application in applications {
        let Some(job_id) = application.job_id else {
            continue;
        };
        let stages = portal_content::greenhouse_stages(db, org, job_id)
            .await
            .unwrap();
        if stages.len() < 4
            || portal_content::current_greenhouse_stage(&application, &stages) != Some(stages[0].id)
        {
            continue;
        }
        let Some(candidate) = candidates::Entity::find_by_id((org, application.candidate_id))
            .one(db)
            .await
            .unwrap()
        else {
            continue;
        };
        let Some(email) = portal_invites::reachable_address(&candidate) else {
            continue;
        };
        let job = jobs::Entity::find_by_id((org, job_id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        return Target {
            job,
            application_id: application.id,
            email,
            stages,
        };
    }
    panic!("the small dataset has an emailable candidate at a first stage");
}

/// The job's portal, active or not, with invites switched on at `enabled_at`
/// (or off when `None`).
pub async fn create_portal(
    db: &DatabaseConnection,
    org: i64,
    job_id: i64,
    active: bool,
    enabled_at: Option<DateTime<Utc>>,
) -> portal::Model {
    let now = Utc::now();
    portal::ActiveModel {
        organization_id: Set(org),
        job_id: Set(job_id),
        active: Set(active),
        created_at: Set(now),
        updated_at: Set(now),
        activated_at: Set(now),
        deactivated_at: Set(None),
        invite_enabled: Set(enabled_at.is_some()),
        invite_enabled_at: Set(enabled_at),
        template_id: Set(None),
        offer_message: Set(None),
        hired_message: Set(None),
        rejected_message: Set(None),
        rejected_access_days: Set(30),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
}

/// Hides the candidate-facing stages of these Greenhouse stage names.
async fn hide(db: &DatabaseConnection, portal: &portal::Model, target: &Target, names: &[usize]) {
    let ids: Vec<i64> = names.iter().map(|i| target.stages[*i].id).collect();
    for stage in portal_content::ensure_stages(db, portal).await.unwrap() {
        if stage.greenhouse_ids().iter().any(|id| ids.contains(id)) {
            let mut hidden: portal_stage::ActiveModel = stage.into();
            hidden.hidden = Set(true);
            hidden.update(db).await.unwrap();
        }
    }
}

async fn invite_rows(db: &DatabaseConnection, org: i64) -> Vec<portal_invite::Model> {
    portal_invite::Entity::find()
        .filter(portal_invite::Column::OrganizationId.eq(org))
        .all(db)
        .await
        .unwrap()
}

fn row_of(rows: &[portal_invite::Model], application_id: i64) -> Option<&portal_invite::Model> {
    rows.iter().find(|row| row.application_id == application_id)
}

fn assert_is_invite(mail: &OutgoingEmail, org: i64, target: &Target) {
    assert_eq!(mail.organization_id, Some(org));
    assert_eq!(mail.to, target.email);
    assert_eq!(
        mail.subject,
        format!("Follow your application for {} at Test Co", target.job.name)
    );
    assert!(
        mail.text.contains("http://localhost:3000/p/acme\n"),
        "the portal link, from the public URL: {}",
        mail.text
    );
    assert!(
        mail.text
            .contains("enter the email address you applied with"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains(&target.job.name), "{}", mail.text);
}

#[tokio::test]
async fn a_candidate_who_enters_a_visible_stage_gets_exactly_one_invite() {
    let mut world = World::new().await;
    let target = target(world.db(), world.org).await;
    let portal = create_portal(world.db(), world.org, target.job.id, true, Some(Utc::now())).await;
    hide(world.db(), &portal, &target, &[0, 1]).await;

    // Everyone already in a visible stage is recorded, not mailed; the
    // target, in a hidden stage, is neither.
    assert_eq!(world.sync_and_read_mail().await, []);
    let rows = invite_rows(world.db(), world.org).await;
    assert!(!rows.is_empty(), "the job has candidates in visible stages");
    assert!(
        rows.iter()
            .all(|row| !row.sent && row.portal_id == portal.id)
    );
    assert!(row_of(&rows, target.application_id).is_none());

    // From one hidden stage to another: still nothing.
    world.move_to(target.application_id, target.stage(1));
    assert_eq!(world.sync_and_read_mail().await, []);
    assert!(
        row_of(
            &invite_rows(world.db(), world.org).await,
            target.application_id
        )
        .is_none()
    );

    // Into a visible stage: one invite.
    world.move_to(target.application_id, target.stage(2));
    let mail = world.sync_and_read_mail().await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_is_invite(&mail[0], world.org, &target);
    let rows = invite_rows(world.db(), world.org).await;
    let row = row_of(&rows, target.application_id).expect("the invite is recorded");
    assert!(row.sent);
    assert_eq!(rows.iter().filter(|row| row.sent).count(), 1);

    // Later syncs, and later visible stages, send nothing more.
    assert_eq!(world.sync_and_read_mail().await, []);
    world.sync(world.org, SyncKind::Full, true).await;
    assert_eq!(world.read_mail(), []);
    world.move_to(target.application_id, target.stage(3));
    assert_eq!(world.sync_and_read_mail().await, []);
    assert_eq!(invite_rows(world.db(), world.org).await.len(), rows.len());
}

#[tokio::test]
async fn no_invites_while_the_toggle_is_off_or_the_portal_inactive() {
    let mut world = World::new().await;
    let target = target(world.db(), world.org).await;
    let portal = create_portal(world.db(), world.org, target.job.id, true, None).await;
    world.move_to(target.application_id, target.stage(1));
    assert_eq!(world.sync_and_read_mail().await, []);
    assert_eq!(invite_rows(world.db(), world.org).await, []);

    // Switched on, but the job's portal is not active.
    let enabled_at = Utc::now();
    let mut change: portal::ActiveModel = portal.into();
    change.active = Set(false);
    change.invite_enabled = Set(true);
    change.invite_enabled_at = Set(Some(enabled_at));
    let portal = change.update(world.db()).await.unwrap();
    world.move_to(target.application_id, target.stage(2));
    assert_eq!(world.sync_and_read_mail().await, []);
    assert_eq!(invite_rows(world.db(), world.org).await, []);

    // Activated: the candidate, who moved after invites were switched on,
    // is invited now; the others were already there and are not.
    let mut change: portal::ActiveModel = portal.into();
    change.active = Set(true);
    change.update(world.db()).await.unwrap();
    let mail = world.sync_and_read_mail().await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_is_invite(&mail[0], world.org, &target);
}

#[tokio::test]
async fn another_organization_with_the_same_greenhouse_ids_is_unaffected() {
    let mut world = World::new().await;
    // A second organization mirrors the same account: the same ids.
    let other = organization(&world.app, "other").await;
    world.sync(other, SyncKind::Full, false).await;
    let target = target(world.db(), world.org).await;
    create_portal(world.db(), world.org, target.job.id, true, Some(Utc::now())).await;
    let theirs = create_portal(world.db(), other, target.job.id, true, None).await;

    world.move_to(target.application_id, target.stage(1));
    world.sync(other, SyncKind::Incremental, true).await;
    assert_eq!(
        world.read_mail(),
        [],
        "the other organization's invites are off"
    );
    let mail = world.sync_and_read_mail().await;
    assert_eq!(mail.len(), 1);
    assert_is_invite(&mail[0], world.org, &target);
    assert_eq!(invite_rows(world.db(), other).await, []);

    // Switched on in the other organization after the move: its candidate
    // was already in a visible stage there, so it is recorded, not mailed,
    // next to acme's row for the same application id.
    let mut change: portal::ActiveModel = theirs.into();
    // (A second later: the times compare to the second.)
    change.invite_enabled = Set(true);
    change.invite_enabled_at = Set(Some(Utc::now() + TimeDelta::seconds(1)));
    change.update(world.db()).await.unwrap();
    world.sync(other, SyncKind::Incremental, true).await;
    assert_eq!(world.read_mail(), []);
    let rows = invite_rows(world.db(), other).await;
    let row = row_of(&rows, target.application_id).expect("recorded in the other organization");
    assert!(!row.sent);
    assert!(
        row_of(
            &invite_rows(world.db(), world.org).await,
            target.application_id
        )
        .unwrap()
        .sent
    );
}

#[tokio::test]
async fn two_passes_at_once_send_each_invite_once() {
    let mut world = World::new().await;
    let target = target(world.db(), world.org).await;
    // Switched on long ago: every candidate in a visible stage is due.
    create_portal(
        world.db(),
        world.org,
        target.job.id,
        true,
        Some(Utc::now() - TimeDelta::days(3650)),
    )
    .await;
    let public_url = Url::parse(PUBLIC_URL).unwrap();
    let now = Utc::now();
    let (first, second) = tokio::join!(
        portal_invites::send_due(world.db(), &world.outbox, &public_url, world.org, now),
        portal_invites::send_due(world.db(), &world.outbox, &public_url, world.org, now),
    );
    let (first, second) = (first.unwrap(), second.unwrap());
    let mail = world.read_mail();
    let sent_rows = invite_rows(world.db(), world.org)
        .await
        .into_iter()
        .filter(|row| row.sent)
        .count();
    assert!(sent_rows >= 1);
    assert_eq!(mail.len(), sent_rows, "one mail per recorded invite");
    assert_eq!(first.sent + second.sent, sent_rows);
    assert!(mail.iter().any(|m| m.to == target.email));
    // A third pass finds nothing left to send.
    let third = portal_invites::send_due(world.db(), &world.outbox, &public_url, world.org, now)
        .await
        .unwrap();
    assert_eq!(third.sent, 0);
    assert_eq!(world.read_mail(), []);
}

#[tokio::test]
async fn a_candidate_without_permission_to_email_is_invited_once_it_is_given() {
    let mut world = World::new().await;
    let target = target(world.db(), world.org).await;
    create_portal(world.db(), world.org, target.job.id, true, Some(Utc::now())).await;
    let application = applications::Entity::find_by_id((world.org, target.application_id))
        .one(world.db())
        .await
        .unwrap()
        .unwrap();
    let key = (world.org, application.candidate_id);
    set_can_email(world.db(), key, false).await;
    world.move_to(target.application_id, target.stage(1));
    assert_eq!(world.sync_and_read_mail().await, []);
    assert!(
        row_of(
            &invite_rows(world.db(), world.org).await,
            target.application_id
        )
        .is_none()
    );

    set_can_email(world.db(), key, true).await;
    let mail = world.sync_and_read_mail().await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_is_invite(&mail[0], world.org, &target);
}

/// Sets the mirrored candidate's `can_email`, as Greenhouse would report it.
async fn set_can_email(db: &DatabaseConnection, key: (i64, i64), can_email: bool) {
    let candidate = candidates::Entity::find_by_id(key)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut change: candidates::ActiveModel = candidate.into();
    change.can_email = Set(can_email);
    change.update(db).await.unwrap();
}

#[tokio::test]
async fn the_scheduler_sends_invites_after_its_syncs() {
    let mut world = World::new().await;
    let target = target(world.db(), world.org).await;
    create_portal(world.db(), world.org, target.job.id, true, Some(Utc::now())).await;
    save_connection(&world.app, &world.greenhouse, world.org).await;
    world.move_to(target.application_id, target.stage(2));
    let scheduler = Scheduler {
        db: world.db().clone(),
        master_key: std::sync::Arc::new(world.app.master_key.clone()),
        requests: world.app.sync_requests.clone(),
        interval: Duration::from_secs(300),
        full_interval: Duration::from_secs(86_400),
        holder: "scheduler-test".to_owned(),
        invites: Some(world.invites()),
    };
    scheduler
        .sync_organization(world.org, Trigger::Schedule)
        .await;
    let mail = world.read_mail();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_is_invite(&mail[0], world.org, &target);
}

/// Stores the simulator's v3 connection for `org`, as the demo does.
async fn save_connection(app: &TestApp, greenhouse: &Greenhouse, org: i64) {
    let config = SimulatorConfig::default();
    let connection = NewConnection {
        credentials: server::harvest::Credentials::V3 {
            client_id: config.client_id,
            client_secret: Secret::new(config.client_secret),
            user_id: Some(greenhouse.simulator.site_admin_user_id()),
            token_url: greenhouse.running.token_url.clone(),
        },
        base_url: greenhouse.running.base_url.clone(),
        webhook_secret: Secret::new("webhook-secret-for-tests"),
    };
    connections::save(&app.db, &app.master_key, org, &connection)
        .await
        .unwrap();
}

/// The dev mailbox's messages of `org`, oldest first.
async fn dev_mailbox(db: &DatabaseConnection, org: i64) -> Vec<dev_mail::Model> {
    dev_mail::Entity::find()
        .filter(dev_mail::Column::OrganizationId.eq(org))
        .order_by_asc(dev_mail::Column::Id)
        .all(db)
        .await
        .unwrap()
}

/// Waits for the dev mailbox of `org` to hold a message to `to`.
async fn wait_for_mail_to(db: &DatabaseConnection, org: i64, to: &str) -> Vec<dev_mail::Model> {
    for _ in 0..100 {
        let mail: Vec<_> = dev_mailbox(db, org)
            .await
            .into_iter()
            .filter(|m| m.to_address == to)
            .collect();
        if !mail.is_empty() {
            return mail;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no mail to {to} arrived");
}

#[tokio::test]
async fn sync_now_on_the_dashboard_sends_invites_to_the_mailbox() {
    let world = World::new().await;
    let target = target(world.db(), world.org).await;
    create_portal(world.db(), world.org, target.job.id, true, Some(Utc::now())).await;
    save_connection(&world.app, &world.greenhouse, world.org).await;
    let admin = world.app.signed_in("acme", app::domain::Role::Admin).await;
    world.move_to(target.application_id, target.stage(2));
    let started = admin
        .call("sync_greenhouse", &[("kind", "incremental")])
        .await;
    assert_eq!(started.status(), 200);
    let mail = wait_for_mail_to(world.db(), world.org, &target.email).await;
    assert_eq!(mail.len(), 1);
    assert!(mail[0].subject.contains(&target.job.name));
    assert!(mail[0].body_text.contains("http://localhost:3000/p/acme"));
    // Only that one: the others were in their stages before invites began.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(dev_mailbox(world.db(), world.org).await.len(), 1);
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn an_operator_moves_a_candidate_in_the_simulator_syncs_and_the_invite_arrives() {
    let greenhouse = start_simulator(small()).await;
    let operator = Operator::new().await;
    let created = operator
        .trellis(&["org", "create", "--slug", "acme", "--name", "Acme"])
        .await;
    assert!(created.status.success(), "{}", text(&created.stderr));
    let connected = connect_v3(
        &operator,
        &greenhouse,
        &SimulatorConfig::default().client_secret,
    )
    .await;
    assert!(connected.status.success(), "{}", text(&connected.stderr));
    let synced = operator.trellis(&["sync", "--org", "acme", "--full"]).await;
    assert!(synced.status.success(), "{}", text(&synced.stderr));

    let db = sea_orm::Database::connect(operator.database.url.url())
        .await
        .unwrap();
    let org = app::ssr::services::organizations::find_by_slug(&db, "acme")
        .await
        .unwrap()
        .unwrap()
        .id;
    let target = target(&db, org).await;
    create_portal(&db, org, target.job.id, true, Some(Utc::now())).await;
    let application = target.application_id.to_string();

    // A stage the job does not have: refused, with the job's stages listed.
    let refused = operator
        .trellis(&[
            "simulator",
            "move",
            "--org",
            "acme",
            "--application",
            &application,
            "--stage",
            "Juggling",
        ])
        .await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    let message = text(&refused.stderr);
    assert!(message.contains("has no stage “Juggling”"), "{message}");
    assert!(message.contains(target.stage(2)), "{message}");

    let stage = target.stage(2).to_lowercase();
    let moved = operator
        .trellis(&[
            "simulator",
            "move",
            "--application",
            &application,
            "--stage",
            &stage,
            "--org",
            "acme",
        ])
        .await;
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    assert!(
        text(&moved.stdout).contains(&format!("Moved application {application}")),
        "{}",
        text(&moved.stdout)
    );

    let synced = operator.trellis(&["sync", "--org", "acme"]).await;
    assert!(synced.status.success(), "{}", text(&synced.stderr));
    // The mirror follows the move, and the invite is in the dev mailbox.
    let mirrored = applications::Entity::find_by_id((org, target.application_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mirrored.stage_name.as_deref(), Some(target.stage(2)));
    let mail = dev_mailbox(&db, org).await;
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].to_address, target.email);
    assert!(
        mail[0].body_text.contains("/p/acme"),
        "{}",
        mail[0].body_text
    );
}

/// The newcomer's path in demo mode: `trellis serve` prints where its
/// simulator is; `trellis simulator move` (no address needed) moves a
/// candidate there; a sync brings the move to Trellis.
#[tokio::test]
async fn in_demo_mode_a_candidate_moved_in_the_simulator_is_followed_after_a_sync() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let operator = Operator::new().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut serve = tokio::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .arg("serve")
        .env_remove("TRELLIS_MASTER_KEY_FILE")
        .env("DATABASE_URL", operator.database.url.url())
        .env("TRELLIS_MASTER_KEY", &operator.master_key)
        .env("TRELLIS_BIND_ADDR", format!("127.0.0.1:{port}"))
        .env("TRELLIS_DEMO", "1")
        .env("TRELLIS_SYNC_INTERVAL", "3600")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stdout.take().unwrap()).lines();
    let announced = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.starts_with("Demo Greenhouse simulator at http://127.0.0.1:") {
                return line;
            }
        }
        panic!("trellis serve ended without naming its simulator");
    })
    .await
    .expect("trellis serve starts");
    assert!(
        announced.contains("trellis simulator move --application <id> --stage <name>"),
        "{announced}"
    );

    // The first scheduled sync fills the demo organization's tables.
    let db = sea_orm::Database::connect(operator.database.url.url())
        .await
        .unwrap();
    let org = app::ssr::services::organizations::find_by_slug(&db, "demo")
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut completed = false;
    for _ in 0..300 {
        completed = app::ssr::entities::sync::sync_run::Entity::find()
            .filter(app::ssr::entities::sync::sync_run::Column::OrganizationId.eq(org))
            .filter(app::ssr::entities::sync::sync_run::Column::Status.eq("completed"))
            .one(&db)
            .await
            .unwrap()
            .is_some();
        if completed {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(completed, "the demo organization synced");
    let target = target(&db, org).await;
    let application = target.application_id.to_string();

    let moved = operator
        .trellis(&[
            "simulator",
            "move",
            "--application",
            &application,
            "--stage",
            target.stage(2),
        ])
        .await;
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    let synced = operator.trellis(&["sync", "--org", "demo"]).await;
    assert!(synced.status.success(), "{}", text(&synced.stderr));
    let mirrored = applications::Entity::find_by_id((org, target.application_id))
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mirrored.stage_name.as_deref(), Some(target.stage(2)));
    serve.start_kill().unwrap();
}
