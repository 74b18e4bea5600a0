use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn healthz_answers_200_when_the_database_answers() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn healthz_answers_503_once_the_database_is_gone() {
    let app = spawn_app().await;
    app.db.close_by_ref().await.expect("close the pool");
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.expect("JSON body");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["database"], "unreachable");
}

/// Leptos generates the route list by rendering the app with resource
/// loading switched off process-wide; a page whose resource first loads in
/// that window used to wait forever (leptos-rs/leptos#4773). Routers are
/// built while pages render here, as when tests or a restart overlap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_finish_while_other_applications_start_in_the_same_process() {
    use crate::helpers::test_config;
    use server::startup::Application;
    use std::time::Duration;

    let app = spawn_app().await;
    let config = test_config(&app.database);
    let db = app.db.clone();
    let builds = tokio::spawn(async move {
        for _ in 0..40 {
            Application::build(&config, db.clone())
                .await
                .expect("build another application");
        }
    });
    for _ in 0..40 {
        // A portal page waits on a resource before it can answer.
        let response = tokio::time::timeout(Duration::from_secs(10), async {
            let response = app.get("/p/no-such-portal").await;
            let status = response.status();
            (status, response.text().await.expect("a whole body"))
        })
        .await
        .expect("the page finished while other applications were being built");
        assert_eq!(response.0, 404);
        assert!(response.1.contains("</html>"));
    }
    builds.await.expect("builds finished");
}
