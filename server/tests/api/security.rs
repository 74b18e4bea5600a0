use crate::helpers::{nonce_of, spawn_app, text};

#[tokio::test]
async fn html_pages_carry_a_fresh_nonce_based_csp() {
    let app = spawn_app().await;
    let first = app.get("/admin/sign-in").await;
    let csp = first.headers()["content-security-policy"]
        .to_str()
        .unwrap_or_default()
        .to_owned();
    for directive in [
        "'strict-dynamic'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"));
    let nonce = nonce_of(&csp);
    assert!(nonce.len() >= 22, "a nonce of at least 128 bits: {nonce}");
    let html = text(first).await;
    assert!(html.contains(&format!(r#"<script type="module" nonce="{nonce}">"#)));
    assert!(
        !html.contains("<script>"),
        "every inline script carries the nonce"
    );

    let second = app.get("/admin/sign-in").await;
    let again = nonce_of(
        second.headers()["content-security-policy"]
            .to_str()
            .unwrap_or_default(),
    );
    assert_ne!(nonce, again);
}

#[tokio::test]
async fn every_response_carries_the_common_security_headers() {
    let app = spawn_app().await;
    for path in ["/healthz", "/admin", "/admin/sign-in", "/nope"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        // Plain HTTP: no HSTS.
        assert!(headers.get("strict-transport-security").is_none(), "{path}");
    }
}

#[tokio::test]
async fn cross_origin_posts_to_server_functions_are_refused() {
    let app = spawn_app().await;
    app.create_org("acme", "Acme Robotics").await;
    for headers in [
        [("sec-fetch-site", "cross-site")],
        [("sec-fetch-site", "same-site")],
        [("origin", "https://evil.example")],
        [("origin", "http://localhost:4000")],
    ] {
        let response = app
            .call("get_portal_home", &[("subdomain", "acme")], &headers)
            .await;
        assert_eq!(response.status(), 403, "{headers:?}");
    }
    for headers in [
        [("sec-fetch-site", "same-origin")],
        [("origin", "http://localhost:3000")],
        [("origin", "http://acme.localhost:3000")],
    ] {
        let response = app
            .call("get_portal_home", &[("subdomain", "acme")], &headers)
            .await;
        assert_eq!(response.status(), 200, "{headers:?}");
    }
}

/// The wasm bundle, scripts and styles go gzipped to browsers that accept
/// it; pages never do (BREACH: personal data next to reflected text).
#[tokio::test]
async fn static_assets_are_gzipped_for_browsers_and_pages_never_are() {
    let app = spawn_app().await;
    // Test applications serve their site from the temporary folder.
    let pkg = std::env::temp_dir().join("pkg");
    std::fs::create_dir_all(&pkg).expect("a pkg folder");
    let name = format!("compression-{:016x}", rand::random::<u64>());
    let repetitive = "function hydrate() { return 42; }\n".repeat(2_000);
    for extension in ["wasm", "js", "css"] {
        std::fs::write(pkg.join(format!("{name}.{extension}")), &repetitive).expect("write");
    }
    let get = |path: String, gzip: bool| {
        let request = app.client.get(format!("{}{path}", app.address));
        let request = if gzip {
            request.header("accept-encoding", "gzip")
        } else {
            request
        };
        request.send()
    };
    for extension in ["wasm", "js", "css"] {
        let path = format!("/pkg/{name}.{extension}");
        let response = get(path.clone(), true).await.expect("GET");
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["content-encoding"], "gzip", "{path}");
        let body = response.bytes().await.expect("body");
        assert_eq!(&body[..2], &[0x1f, 0x8b], "{path} is gzip");
        assert!(
            body.len() < repetitive.len() / 10,
            "{path}: {} bytes",
            body.len()
        );
        // A client that does not ask for gzip gets the file as it is.
        let response = get(path.clone(), false).await.expect("GET");
        assert!(response.headers().get("content-encoding").is_none());
        assert_eq!(
            response.bytes().await.expect("body").len(),
            repetitive.len()
        );
    }
    for extension in ["wasm", "js", "css"] {
        std::fs::remove_file(pkg.join(format!("{name}.{extension}"))).ok();
    }
    for page in ["/admin/sign-in", "/p/no-such-portal"] {
        let response = get(page.to_owned(), true).await.expect("GET");
        assert!(
            response.headers().get("content-encoding").is_none(),
            "{page} was compressed"
        );
        assert!(text(response).await.contains("</html>"));
    }
}
