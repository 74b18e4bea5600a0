//! The `trellis` binary as an operator runs it.

use crate::helpers::TestDatabase;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn trellis(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_trellis"));
    command
        .args(args)
        .env_remove("TRELLIS_DEMO")
        .env("RUST_LOG", "warn");
    for var in [
        "DATABASE_URL",
        "TRELLIS_PUBLIC_URL",
        "TRELLIS_BIND_ADDR",
        "TRELLIS_LOG_FORMAT",
        "TRELLIS_SMTP_URL",
    ] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied());
    command.output().expect("run trellis")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn invalid_configuration_stops_start_up_naming_the_variable() {
    for (variable, value) in [
        ("DATABASE_URL", "nonsense"),
        ("TRELLIS_PUBLIC_URL", "ftp://example.com"),
        ("TRELLIS_BIND_ADDR", "everywhere"),
        ("TRELLIS_DEMO", "perhaps"),
    ] {
        let output = trellis(&["serve"], &[(variable, value)]);
        assert_eq!(output.status.code(), Some(2), "{variable}={value}");
        let message = stderr(&output);
        assert!(
            message.starts_with(&format!("trellis: {variable} is invalid")),
            "{message}"
        );
        assert!(message.contains("Expected"), "{message}");
    }
}

#[test]
fn an_unreachable_database_is_reported_without_its_password() {
    let output = trellis(
        &["migrate"],
        &[(
            "DATABASE_URL",
            "postgres://trellis:hunter2@127.0.0.1:1/trellis",
        )],
    );
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("cannot open the database at postgres://trellis:***@127.0.0.1:1/trellis"),
        "{message}"
    );
    assert!(!message.contains("hunter2"));
}

#[tokio::test]
async fn migrate_then_create_organizations() {
    let database = TestDatabase::fresh().await;
    let url = database.url.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];

    let migrated = trellis(&["migrate"], &env);
    assert!(migrated.status.success(), "{}", stderr(&migrated));
    assert!(stdout(&migrated).contains("is up to date"));

    let created = trellis(
        &["org", "create", "--slug", "acme", "--name", "Acme Robotics"],
        &env,
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let said = stdout(&created);
    assert!(
        said.contains("Created organization “Acme Robotics” (slug acme)."),
        "{said}"
    );
    assert!(said.contains("http://acme.localhost:3000/"), "{said}");

    let duplicate = trellis(
        &["org", "create", "--slug", "acme", "--name", "Other"],
        &env,
    );
    assert_eq!(duplicate.status.code(), Some(1));
    assert!(stderr(&duplicate).contains("An organization with the slug “acme” already exists."));

    let reserved = trellis(
        &["org", "create", "--slug", "admin", "--name", "Admin"],
        &env,
    );
    assert_eq!(reserved.status.code(), Some(2));
    assert!(stderr(&reserved).contains("“admin” is reserved"));

    let empty_name = trellis(&["org", "create", "--slug", "blank", "--name", "  "], &env);
    assert_eq!(empty_name.status.code(), Some(2));
    assert!(stderr(&empty_name).contains("Enter the organization's name."));
}

#[tokio::test]
async fn admin_create_makes_the_first_dashboard_account() {
    let database = TestDatabase::fresh().await;
    let url = database.url.url().to_owned();
    let env = [("DATABASE_URL", url.as_str())];
    let org = trellis(&["org", "create", "--slug", "acme", "--name", "Acme"], &env);
    assert!(org.status.success(), "{}", stderr(&org));

    let created = trellis(
        &[
            "admin",
            "create",
            "--org",
            "acme",
            "--email",
            "Ada@Acme.example",
        ],
        &env,
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let said = stdout(&created);
    assert!(
        said.contains("Created admin ada@acme.example for “Acme”."),
        "{said}"
    );
    assert!(
        said.contains("http://localhost:3000/admin/sign-in"),
        "{said}"
    );

    let viewer = trellis(
        &[
            "admin",
            "create",
            "--org",
            "acme",
            "--email",
            "v@acme.example",
            "--role",
            "viewer",
        ],
        &env,
    );
    assert!(stdout(&viewer).contains("Created viewer v@acme.example"));

    for (args, message) in [
        (
            vec![
                "admin",
                "create",
                "--org",
                "acme",
                "--email",
                "ada@acme.example",
            ],
            "ada@acme.example already has a Trellis account",
        ),
        (
            vec![
                "admin",
                "create",
                "--org",
                "nope",
                "--email",
                "x@acme.example",
            ],
            "no organization has the slug “nope”",
        ),
        (
            vec![
                "admin",
                "create",
                "--org",
                "acme",
                "--email",
                "not an email",
            ],
            "An email address has no spaces",
        ),
        (
            vec![
                "admin",
                "create",
                "--org",
                "acme",
                "--email",
                "o@acme.example",
                "--role",
                "owner",
            ],
            "use admin, editor or viewer",
        ),
    ] {
        let refused = trellis(&args, &env);
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&refused)
        );
        assert!(stderr(&refused).contains(message), "{}", stderr(&refused));
    }
}

#[test]
fn a_public_server_without_smtp_is_refused_so_the_dev_mailbox_stays_local() {
    let output = trellis(
        &["serve"],
        &[("TRELLIS_PUBLIC_URL", "https://jobs.example.com")],
    );
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.starts_with("trellis: TRELLIS_SMTP_URL is invalid"),
        "{message}"
    );
    let smtp = trellis(
        &["serve"],
        &[
            ("TRELLIS_PUBLIC_URL", "https://jobs.example.com"),
            ("TRELLIS_SMTP_URL", "http://mail.example.com"),
        ],
    );
    assert_eq!(smtp.status.code(), Some(2));
    assert!(stderr(&smtp).contains("the scheme must be smtp or smtps"));
}

#[tokio::test]
async fn serve_answers_health_checks_and_stops_on_sigterm() {
    let database = TestDatabase::fresh().await;
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("address").port()
    };
    let bind = format!("127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_trellis"))
        .arg("serve")
        .env("DATABASE_URL", database.url.url())
        .env("TRELLIS_BIND_ADDR", &bind)
        .env("TRELLIS_DEMO", "1")
        .env(
            "TRELLIS_MASTER_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start trellis serve");

    let client = reqwest::Client::new();
    let mut healthy = false;
    for _ in 0..100 {
        if let Ok(response) = client.get(format!("http://{bind}/healthz")).send().await {
            healthy = response.status() == 200;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(healthy, "trellis serve answered /healthz");
    // Demo mode seeded its organization.
    let portal = client
        .get(format!("http://{bind}/p/demo"))
        .send()
        .await
        .expect("portal");
    assert_eq!(portal.status(), 200);

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("send SIGTERM");
    assert!(killed.success());
    let output = child.wait_with_output().expect("trellis exits");
    assert!(output.status.success(), "graceful shutdown exits 0");
    assert!(stdout(&output).contains(&format!(
        "Trellis is running: open http://localhost:{port}/admin"
    )));
}
