//! `trellis greenhouse connect`, `trellis sync` and `trellis sync status`, run
//! as an operator would, against the built-in simulator on loopback.

use crate::helpers::TestDatabase;
use crate::sync::{Greenhouse, small, start_simulator};
use app::domain::Resource;
use server::simulator::SimulatorConfig;
use std::process::Output;

/// A database and a master key shared by a sequence of `trellis` commands.
pub struct Operator {
    pub database: TestDatabase,
    pub master_key: String,
}

impl Operator {
    pub async fn new() -> Operator {
        use base64::Engine;
        Operator {
            database: TestDatabase::fresh().await,
            master_key: base64::engine::general_purpose::STANDARD
                .encode(rand::random::<[u8; 32]>()),
        }
    }

    pub async fn trellis(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_trellis"));
        command
            .args(args)
            .env_remove("TRELLIS_DEMO")
            .env_remove("TRELLIS_MASTER_KEY_FILE")
            .env("RUST_LOG", "warn")
            .env("DATABASE_URL", self.database.url.url())
            .env("TRELLIS_MASTER_KEY", &self.master_key);
        command.output().await.expect("run trellis")
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn base(greenhouse: &Greenhouse) -> String {
    greenhouse
        .running
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_owned()
}

pub async fn connect_v3(operator: &Operator, greenhouse: &Greenhouse, secret: &str) -> Output {
    let config = SimulatorConfig::default();
    let user_id = greenhouse.simulator.site_admin_user_id().to_string();
    operator
        .trellis(&[
            "greenhouse",
            "connect",
            "--org",
            "acme",
            "--v3",
            "--client-id",
            &config.client_id,
            "--client-secret",
            secret,
            "--user-id",
            &user_id,
            "--base-url",
            &base(greenhouse),
            "--token-url",
            greenhouse.running.token_url.as_str(),
        ])
        .await
}

/// `sync status --json` counts equal the simulator's, resource by resource.
async fn assert_status_counts_match(operator: &Operator, greenhouse: &Greenhouse) {
    let status = operator
        .trellis(&["sync", "status", "--org", "acme", "--json"])
        .await;
    assert!(status.status.success(), "{}", stderr(&status));
    let json: serde_json::Value = serde_json::from_slice(&status.stdout).expect("JSON status");
    assert_eq!(json["organization"]["slug"], "acme");
    assert_eq!(json["last_run"]["status"], "completed");
    for resource in Resource::ALL {
        assert_eq!(
            json["resources"][resource.name()].as_u64(),
            Some(greenhouse.simulator.count(resource) as u64),
            "{resource}"
        );
    }
}

#[tokio::test]
async fn an_operator_connects_with_v3_syncs_and_reads_the_status() {
    let greenhouse = start_simulator(small()).await;
    let operator = Operator::new().await;
    let created = operator
        .trellis(&["org", "create", "--slug", "acme", "--name", "Acme"])
        .await;
    assert!(created.status.success(), "{}", stderr(&created));

    let wrong = connect_v3(&operator, &greenhouse, "not-the-secret").await;
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("client id or secret"),
        "{}",
        stderr(&wrong)
    );
    assert!(
        !stderr(&wrong).contains("not-the-secret"),
        "the secret is never printed"
    );

    let secret = SimulatorConfig::default().client_secret;
    let connected = connect_v3(&operator, &greenhouse, &secret).await;
    assert!(connected.status.success(), "{}", stderr(&connected));
    let printed = format!("{}{}", stdout(&connected), stderr(&connected));
    assert!(printed.contains("Connected Acme"), "{printed}");
    assert!(
        !printed.contains(&secret),
        "the client secret is never printed"
    );

    let synced = operator.trellis(&["sync", "--org", "acme", "--full"]).await;
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert!(
        stderr(&synced).contains("candidates"),
        "progress per resource: {}",
        stderr(&synced)
    );
    assert!(
        stdout(&synced).contains("Sync completed"),
        "{}",
        stdout(&synced)
    );
    assert_status_counts_match(&operator, &greenhouse).await;
}

#[tokio::test]
async fn an_operator_connects_with_v1_and_syncs() {
    let greenhouse = start_simulator(small()).await;
    let operator = Operator::new().await;
    operator
        .trellis(&["org", "create", "--slug", "acme", "--name", "Acme"])
        .await;
    let api_key = SimulatorConfig::default().api_key;
    let connected = operator
        .trellis(&[
            "greenhouse",
            "connect",
            "--org",
            "acme",
            "--v1",
            "--api-key",
            &api_key,
            "--base-url",
            &base(&greenhouse),
        ])
        .await;
    assert!(connected.status.success(), "{}", stderr(&connected));
    assert!(!stdout(&connected).contains(&api_key));

    let synced = operator.trellis(&["sync", "--org", "acme"]).await;
    assert!(synced.status.success(), "{}", stderr(&synced));
    assert_status_counts_match(&operator, &greenhouse).await;
}

#[tokio::test]
async fn connect_names_a_missing_scope_and_an_unreachable_host() {
    let scopes = Resource::ALL
        .iter()
        .filter(|r| **r != Resource::Offers)
        .map(|r| r.v3_scope())
        .collect();
    let greenhouse = start_simulator(SimulatorConfig {
        granted_scopes: Some(scopes),
        ..small()
    })
    .await;
    let operator = Operator::new().await;
    operator
        .trellis(&["org", "create", "--slug", "acme", "--name", "Acme"])
        .await;
    let missing = connect_v3(
        &operator,
        &greenhouse,
        &SimulatorConfig::default().client_secret,
    )
    .await;
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("harvest:offers:list"),
        "{}",
        stderr(&missing)
    );

    let unreachable = operator
        .trellis(&[
            "greenhouse",
            "connect",
            "--org",
            "acme",
            "--v1",
            "--api-key",
            "k",
            "--base-url",
            "http://127.0.0.1:1",
        ])
        .await;
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        stderr(&unreachable).contains("127.0.0.1:1"),
        "{}",
        stderr(&unreachable)
    );

    let unknown = operator.trellis(&["sync", "--org", "nobody"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    let not_connected = operator.trellis(&["sync", "--org", "acme"]).await;
    assert_eq!(not_connected.status.code(), Some(1));
    assert!(
        stderr(&not_connected).contains("not connected"),
        "{}",
        stderr(&not_connected)
    );
}
