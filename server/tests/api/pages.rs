use crate::helpers::{spawn_app, text};
use app::domain::Role;

#[tokio::test]
async fn the_overview_is_rendered_on_the_server_for_the_signed_in_recruiter() {
    let app = spawn_app().await;
    app.create_org("initech", "Initech").await;
    let browser = app.signed_in("globex", Role::Viewer).await;

    let response = browser.get("/admin").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = text(response).await;
    assert!(html.contains(r#"<nav aria-label="Dashboard""#), "{html}");
    for link in [
        "/admin/jobs",
        "/admin/settings",
        "/admin/integrations",
        "/admin/users",
    ] {
        assert!(html.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    assert!(html.contains("globex Inc."), "{html}");
    assert!(html.contains("viewer.globex@example.com"), "{html}");
    assert!(html.contains("http://globex.localhost:3000/"));
    assert!(!html.contains("Initech"), "another organization leaked");
    // The data is also serialised for hydration.
    assert!(html.contains("__RESOLVED_RESOURCES"));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_the_sign_in_page() {
    let app = spawn_app().await;
    for (path, next) in [
        ("/admin", "%2Fadmin"),
        ("/admin/jobs", "%2Fadmin%2Fjobs"),
        ("/admin/users", "%2Fadmin%2Fusers"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response.headers()["location"],
            format!("/admin/sign-in?next={next}").as_str(),
            "{path}"
        );
    }
    let sign_in = app.get("/admin/sign-in").await;
    assert_eq!(sign_in.status(), 200);
    assert!(text(sign_in).await.contains("Email me a sign-in link"));
}

#[tokio::test]
async fn the_portal_is_served_at_p_slash_subdomain() {
    let app = spawn_app().await;
    app.create_org("globex", "Globex Corporation").await;
    let response = app.get("/p/globex").await;
    assert_eq!(response.status(), 200);
    let html = text(response).await;
    assert!(html.contains("Your application at Globex Corporation"));
    assert!(html.contains("Email me a sign-in link"));
}

#[tokio::test]
async fn the_portal_is_served_at_the_subdomain_of_the_public_host() {
    let app = spawn_app().await;
    app.create_org("globex", "Globex Corporation").await;
    let host = format!("globex.localhost:{}", app.port);

    let html = text(app.get_with_host("/", &host).await).await;
    assert!(html.contains("Your application at Globex Corporation"));
    assert!(html.contains(r#"<meta name="trellis-portal" content="globex">"#));

    // The public host itself shows the landing page.
    let landing = text(
        app.get_with_host("/", &format!("localhost:{}", app.port))
            .await,
    )
    .await;
    assert!(landing.contains("Open the dashboard"));
    assert!(!landing.contains("trellis-portal"));

    // A host outside the public domain is never treated as a portal.
    let other = text(app.get_with_host("/", "globex.evil.example").await).await;
    assert!(other.contains("Open the dashboard"));
}

#[tokio::test]
async fn unknown_and_malformed_portals_answer_404() {
    let app = spawn_app().await;
    app.create_org("globex", "Globex Corporation").await;
    for path in [
        "/p/nobody",
        "/p/GLOBEX",
        "/p/admin",
        "/p/a",
        "/p/%3Cscript%3E",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(text(response).await.contains("Portal not found"), "{path}");
    }
    let response = app
        .get_with_host("/", &format!("nobody.localhost:{}", app.port))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn unknown_paths_answer_404_with_a_page() {
    let app = spawn_app().await;
    let browser = app.signed_in("globex", Role::Viewer).await;
    for path in ["/nope", "/admin/nope", "/p/globex/nope"] {
        let response = browser.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(text(response).await.contains("Page not found"), "{path}");
    }
}

#[tokio::test]
async fn names_are_escaped_and_unicode_survives() {
    let app = spawn_app().await;
    let evil = app::ssr::services::organizations::create(
        &app.db,
        "evil",
        "<script>alert(1)</script> & Co",
    )
    .await
    .expect("organization");
    app.create_org("rtl", "شركة أكمي").await;
    let recruiter = app.recruiter(evil.id, "a@evil.example", Role::Viewer).await;
    let browser = app.browser_signed_in_as(&recruiter).await;
    let html = text(browser.get("/admin").await).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    let portal = text(app.get("/p/rtl").await).await;
    assert!(portal.contains("Your application at شركة أكمي"));
}

#[tokio::test]
async fn the_dashboard_on_a_portal_host_moves_to_the_public_host() {
    let app = spawn_app().await;
    app.create_org("acme", "Acme Robotics").await;
    for path in ["/admin", "/admin/jobs", "/dev/mailbox"] {
        let response = app.get_with_host(path, "acme.localhost:3000").await;
        assert_eq!(response.status(), 308, "{path}");
        assert_eq!(
            response.headers()["location"],
            format!("http://localhost:3000{path}").as_str()
        );
    }
    // The portal itself stays.
    let portal = app.get_with_host("/", "acme.localhost:3000").await;
    assert_eq!(portal.status(), 200);
}
