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
