use crate::helpers::spawn_app;
use app::domain::Role;
use serde_json::Value;

#[tokio::test]
async fn get_overview_shows_only_the_signed_in_recruiters_organization() {
    let app = spawn_app().await;
    app.create_org("zeta", "Zeta Labs").await;
    let browser = app.signed_in("acme", Role::Viewer).await;
    let response = browser.call("get_overview", &[]).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(body["name"], "acme Inc.");
    assert_eq!(body["portal_path_url"], "http://localhost:3000/p/acme");
    assert_eq!(body["portal_url"], "http://acme.localhost:3000/");
    assert_eq!(body["recruiters"], 1);
    assert_eq!(body["jobs"], 0);
    assert!(body["greenhouse_api"].is_null());
    assert!(!body.to_string().contains("Zeta"), "{body}");
}

#[tokio::test]
async fn signed_out_calls_to_dashboard_functions_answer_401() {
    let app = spawn_app().await;
    app.create_org("acme", "Acme Robotics").await;
    for endpoint in ["get_overview", "get_me"] {
        let response = app.call(endpoint, &[], &[]).await;
        assert_eq!(response.status(), 401, "{endpoint}");
        let error: Value = response.json().await.expect("JSON error");
        assert_eq!(error["kind"], "unauthenticated", "{endpoint}");
    }
}

#[tokio::test]
async fn get_portal_home_answers_404_with_a_typed_error_for_unknown_portals() {
    let app = spawn_app().await;
    app.create_org("acme", "Acme Robotics").await;

    let found = app
        .call("get_portal_home", &[("subdomain", "acme")], &[])
        .await;
    assert_eq!(found.status(), 200);
    let body: Value = found.json().await.expect("JSON");
    assert_eq!(body["name"], "Acme Robotics");

    let missing = app
        .call("get_portal_home", &[("subdomain", "nobody")], &[])
        .await;
    assert_eq!(missing.status(), 404);
    let error: Value = missing.json().await.expect("JSON error");
    assert_eq!(error["kind"], "not_found");
}

#[tokio::test]
async fn a_server_function_without_a_database_answers_503() {
    let app = spawn_app().await;
    app.db.close_by_ref().await.expect("close");
    let response = app
        .call("get_portal_home", &[("subdomain", "acme")], &[])
        .await;
    assert_eq!(response.status(), 503);
    let error: Value = response.json().await.expect("JSON error");
    assert_eq!(error["kind"], "unavailable");
}

#[tokio::test]
async fn server_functions_are_post_only_so_a_cross_site_link_cannot_call_them() {
    // Enumerate every registered server function: none may answer GET, the
    // method a cross-site `<img>` or top-level link would use.
    let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, method)| (path.to_owned(), method.to_string()))
        .collect();
    for expected in [
        "/api/get_overview",
        "/api/get_portal_home",
        "/api/confirm_sign_in",
    ] {
        assert!(
            registered.iter().any(|(path, _)| path == expected),
            "{expected} in {registered:?}"
        );
    }
    assert!(
        registered.iter().all(|(_, method)| method == "POST"),
        "{registered:?}"
    );

    let app = spawn_app().await;
    let response = app.get("/api/get_overview").await;
    assert_eq!(response.status(), 405);
}
