//! With TRELLIS_SMTP_URL set, mail leaves through SMTP (lettre) and the dev
//! mailbox is closed. A minimal SMTP server on loopback receives it.

use crate::helpers::{Browser, TestDatabase, test_config};
use app::domain::Role;
use server::{db, startup::Application};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts SMTP sessions and keeps each message's DATA.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().expect("store").push(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn sign_in_mail_goes_through_smtp_when_configured() {
    let (port, received) = smtp_sink().await;
    let database = TestDatabase::fresh().await;
    let mut config = test_config(&database);
    config.smtp_url = Some(url::Url::parse(&format!("smtp://127.0.0.1:{port}")).expect("URL"));
    let connection = db::connect(&database.url).await.expect("db");
    db::migrate(&connection).await.expect("migrate");
    let application = Application::build(&config, connection.clone())
        .await
        .expect("build");
    let address = format!("http://127.0.0.1:{}", application.local_addr().port());
    tokio::spawn(application.run_until(std::future::pending()));

    let org = app::ssr::services::organizations::create(&connection, "acme", "Acme")
        .await
        .expect("organization");
    app::ssr::services::recruiters::create(
        &connection,
        app::ssr::services::recruiters::NewRecruiter {
            organization_id: org.id,
            email: "ada@acme.example".into(),
            name: None,
            role: Role::Admin,
            greenhouse_user_id: None,
        },
    )
    .await
    .expect("recruiter");

    let browser = Browser::at(&address);
    let response = browser
        .post_form("/api/request_sign_in", &[("email", "ada@acme.example")])
        .await;
    assert_eq!(response.status(), 303);
    let deadline = Instant::now() + Duration::from_secs(10);
    let message = loop {
        if let Some(message) = received.lock().expect("store").first().cloned() {
            break message;
        }
        assert!(
            Instant::now() < deadline,
            "no message reached the SMTP server"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(message.contains("To: ada@acme.example"), "{message}");
    assert!(
        message.contains("Subject: Your Trellis sign-in link"),
        "{message}"
    );
    assert!(message.contains("/admin/sign-in/link?token="), "{message}");

    // No dev mailbox when a mail server is configured.
    use sea_orm::{EntityTrait, PaginatorTrait};
    let stored = app::ssr::entities::dashboard::dev_mail::Entity::find()
        .count(&connection)
        .await
        .expect("count");
    assert_eq!(stored, 0);
    assert_eq!(
        browser.call("get_dev_mailbox", &[]).await.status(),
        404,
        "the dev mailbox is closed"
    );
}
