use crate::helpers::{spawn_app, text};

#[tokio::test]
async fn the_overview_is_rendered_on_the_server_from_the_database() {
    let app = spawn_app().await;
    app.create_org("globex", "Globex Corporation").await;
    app.create_org("initech", "Initech").await;

    let response = app.get("/admin").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/html")
    );
    let html = text(response).await;
    assert!(html.contains(r#"<nav aria-label="Dashboard""#), "{html}");
    for link in ["/admin/jobs", "/admin/settings", "/admin/integrations"] {
        assert!(html.contains(&format!(r#"href="{link}""#)), "{link}");
    }
    let backend = app.database.backend_name();
    assert!(html.contains(&format!("Read from {backend} at ")), "{html}");
    let globex = html.find("Globex Corporation").expect("Globex is listed");
    let initech = html.find("Initech<").expect("Initech is listed");
    assert!(globex < initech, "sorted by name");
    assert!(html.contains("http://globex.localhost:3000/"));
    // The data is also serialised for hydration.
    assert!(html.contains("__RESOLVED_RESOURCES"));
}

#[tokio::test]
async fn an_empty_instance_says_how_to_create_an_organization() {
    let app = spawn_app().await;
    let html = text(app.get("/admin").await).await;
    assert!(html.contains("No organizations yet"));
    assert!(html.contains("trellis org create --slug acme"));
}

#[tokio::test]
async fn each_dashboard_section_is_a_real_page_that_says_what_is_missing() {
    let app = spawn_app().await;
    for (path, heading, missing) in [
        (
            "/admin/jobs",
            "Jobs",
            "Connecting Greenhouse is not available in this version",
        ),
        (
            "/admin/settings",
            "Settings",
            "Portal settings are not available yet",
        ),
        (
            "/admin/integrations",
            "Integrations",
            "Greenhouse is not connected",
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = text(response).await;
        assert!(html.contains(&format!("<h1>{heading}")), "{path}");
        assert!(html.contains(missing), "{path}");
        assert!(
            html.contains(&format!("<title>{heading} · Trellis</title>")),
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_portal_is_served_at_p_slash_subdomain() {
    let app = spawn_app().await;
    app.create_org("globex", "Globex Corporation").await;
    let response = app.get("/p/globex").await;
    assert_eq!(response.status(), 200);
    let html = text(response).await;
    assert!(html.contains("Your application at Globex Corporation"));
    assert!(html.contains("Sign-in is not open yet"));
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
    for path in ["/nope", "/admin/nope", "/p/globex/nope"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(text(response).await.contains("Page not found"), "{path}");
    }
}

#[tokio::test]
async fn names_are_escaped_and_unicode_survives() {
    let app = spawn_app().await;
    app.create_org("evil", "<script>alert(1)</script> & Co")
        .await;
    app.create_org("rtl", "شركة أكمي").await;
    let html = text(app.get("/admin").await).await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    let portal = text(app.get("/p/rtl").await).await;
    assert!(portal.contains("Your application at شركة أكمي"));
}
