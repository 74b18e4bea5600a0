//! Settings: the portal's subdomain, display name, brand colour, logo and
//! cover image, who may change them, and the portal showing them.

use crate::helpers::{Browser, TestApp, TestDatabase, nonce_of, spawn_app, text};
use app::domain::{Role, SubdomainError};
use app::ssr::entities::{
    dashboard::upload,
    organization::{self, Entity as Organization},
};
use image::{DynamicImage, ImageBuffer, ImageFormat, Rgba};
use reqwest::{StatusCode, header};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::io::Cursor;

// ---- helpers -------------------------------------------------------------

async fn org(app: &TestApp, slug: &str) -> organization::Model {
    Organization::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("read the organization")
        .expect("the organization exists")
}

fn save_form<'a>(subdomain: &'a str, name: &'a str, color: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("subdomain", subdomain),
        ("display_name", name),
        ("brand_color", color),
    ]
}

fn sample_image(width: u32, height: u32) -> DynamicImage {
    DynamicImage::ImageRgba8(ImageBuffer::from_fn(width, height, |x, y| {
        Rgba([(x * 7 % 256) as u8, (y * 3 % 256) as u8, 90, 255])
    }))
}

fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_to(&mut out, format)
            .expect("encode JPEG"),
        ImageFormat::WebP => image
            .write_with_encoder(image::codecs::webp::WebPEncoder::new_lossless(&mut out))
            .expect("encode WebP"),
        _ => image.write_to(&mut out, format).expect("encode"),
    }
    out.into_inner()
}

/// `bytes` as an editor would save them: with metadata (a PNG text chunk
/// after the header; EXIF in a WebP), which re-encoding drops.
fn with_metadata(bytes: Vec<u8>, format: ImageFormat, image: &DynamicImage) -> Vec<u8> {
    use image::ImageEncoder;
    match format {
        ImageFormat::Png => {
            let ihdr_end = 8 + 12 + 13;
            let mut text = b"tEXt".to_vec();
            text.extend_from_slice(b"Comment\0<script>alert(1)</script>");
            let mut out = bytes[..ihdr_end].to_vec();
            out.extend_from_slice(&((text.len() - 4) as u32).to_be_bytes());
            out.extend_from_slice(&text);
            out.extend_from_slice(&crc32(&text).to_be_bytes());
            out.extend_from_slice(&bytes[ihdr_end..]);
            out
        }
        ImageFormat::WebP => {
            let rgba = image.to_rgba8();
            let mut out = Cursor::new(Vec::new());
            let mut encoder = image::codecs::webp::WebPEncoder::new_lossless(&mut out);
            encoder
                .set_exif_metadata(b"Exif\0\0MM\0*\0\0\0\x08\0\0".to_vec())
                .expect("WebP takes EXIF");
            encoder
                .write_image(
                    &rgba,
                    rgba.width(),
                    rgba.height(),
                    image::ExtendedColorType::Rgba8,
                )
                .expect("encode WebP");
            out.into_inner()
        }
        _ => bytes,
    }
}

fn png(width: u32, height: u32) -> Vec<u8> {
    encoded(&sample_image(width, height), ImageFormat::Png)
}

/// A 72-byte PNG: signature, an IHDR claiming `w` × `h`, a tiny IDAT and
/// IEND, all with valid CRCs. Decoding it for real would need 40 GB.
fn png_bomb(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream holding one stored block of four zero bytes.
    chunk(
        &mut png,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x04, 0x00, 0x01,
        ],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffff_u32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

const BOUNDARY: &str = "----trellis-test-7d9f2c";

/// A `multipart/form-data` body with one file field, built by hand so the
/// bytes, name and declared type are exactly what the test says.
fn multipart(field: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// Uploads as the hydrated page does (`fetch`, asking for JSON).
async fn upload(
    browser: &Browser,
    purpose: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> reqwest::Response {
    browser
        .send(
            http()
                .post(format!(
                    "{}/admin/settings/images/{purpose}",
                    browser.address
                ))
                .header("sec-fetch-site", "same-origin")
                .header(header::ACCEPT, "application/json")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart("image", file_name, content_type, bytes)),
        )
        .await
}

/// Uploads as a browser without JavaScript does (a form post).
async fn upload_without_js(browser: &Browser, purpose: &str, bytes: &[u8]) -> reqwest::Response {
    browser
        .send(
            http()
                .post(format!(
                    "{}/admin/settings/images/{purpose}",
                    browser.address
                ))
                .header("sec-fetch-site", "same-origin")
                .header(header::ACCEPT, "text/html,application/xhtml+xml")
                .header(
                    header::REFERER,
                    format!("{}/admin/settings", browser.address),
                )
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart("image", "picture.png", "image/png", bytes)),
        )
        .await
}

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("a JSON body")
}

async fn upload_count(app: &TestApp) -> u64 {
    upload::Entity::find()
        .count(&app.db)
        .await
        .expect("count uploads")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

// ---- the settings form ---------------------------------------------------

#[tokio::test]
async fn every_role_sees_the_settings_and_only_admins_get_the_controls() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let acme = org(&app, "acme").await;
    let viewer_model = app
        .recruiter(acme.id, "viewer@acme.example", Role::Viewer)
        .await;
    let viewer = app.browser_signed_in_as(&viewer_model).await;

    let page = admin.get("/admin/settings").await;
    assert_eq!(page.status(), 200);
    let html = text(page).await;
    assert!(html.contains(r#"name="subdomain""#), "{html}");
    assert!(html.contains(r#"value="acme""#));
    assert!(html.contains("Save settings"));
    assert!(html.contains("http://acme.localhost:3000/"));
    assert!(html.contains("Upload logo"));

    let page = viewer.get("/admin/settings").await;
    assert_eq!(page.status(), 200);
    let html = text(page).await;
    assert!(html.contains(r#"value="acme""#));
    assert!(html.contains("Only admins can change these settings"));
    assert!(
        !html.contains("Save settings"),
        "no save button for a viewer"
    );
    assert!(!html.contains("Upload logo"), "no upload form for a viewer");

    let read = viewer.call("get_portal_settings", &[]).await;
    assert_eq!(read.status(), 200);
    let body = json(read).await;
    assert_eq!(body["subdomain"], "acme");
    assert_eq!(body["can_edit"], false);
    assert_eq!(body["portal_url"], "http://acme.localhost:3000/");
    assert_eq!(body["portal_path_url"], "http://localhost:3000/p/acme");
}

#[tokio::test]
async fn an_admin_saves_subdomain_display_name_and_a_normalised_colour() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;

    let response = admin
        .call(
            "save_portal_settings",
            &save_form(" acme-careers ", "  Acme Careers ", "#ABC"),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["subdomain"], "acme-careers");
    assert_eq!(body["display_name"], "Acme Careers");
    assert_eq!(body["brand_color"], "#aabbcc");
    assert_eq!(body["portal_url"], "http://acme-careers.localhost:3000/");

    let stored = org(&app, "acme").await;
    assert_eq!(stored.subdomain, "acme-careers");
    assert_eq!(stored.display_name.as_deref(), Some("Acme Careers"));
    assert_eq!(stored.brand_color.as_deref(), Some("#aabbcc"));

    // Empty optional fields go back to the defaults.
    let response = admin
        .call("save_portal_settings", &save_form("acme-careers", "", " "))
        .await;
    assert_eq!(response.status(), 200);
    let stored = org(&app, "acme").await;
    assert_eq!(stored.display_name, None);
    assert_eq!(stored.brand_color, None);
}

#[tokio::test]
async fn each_subdomain_rule_is_refused_with_its_own_message() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let too_long = "a".repeat(64);
    let cases: Vec<(&str, SubdomainError)> = vec![
        ("ab", SubdomainError::TooShort),
        ("", SubdomainError::TooShort),
        (&too_long, SubdomainError::TooLong),
        ("Acme", SubdomainError::InvalidCharacter('A')),
        ("acme_jobs", SubdomainError::InvalidCharacter('_')),
        ("acme.jobs", SubdomainError::InvalidCharacter('.')),
        ("-acme", SubdomainError::EdgeHyphen),
        ("acme-", SubdomainError::EdgeHyphen),
        ("xn--acme", SubdomainError::Punycode),
        ("admin", SubdomainError::Reserved("admin".into())),
        ("www", SubdomainError::Reserved("www".into())),
        ("api", SubdomainError::Reserved("api".into())),
    ];
    let mut messages = std::collections::HashSet::new();
    for (input, expected) in cases {
        let response = admin
            .call("save_portal_settings", &save_form(input, "", ""))
            .await;
        assert_eq!(response.status(), 422, "{input:?}");
        let error = json(response).await;
        assert_eq!(error["kind"], "invalid", "{input:?}");
        assert_eq!(error["field"], "subdomain", "{input:?}");
        assert_eq!(error["message"], expected.to_string(), "{input:?}");
        messages.insert(std::mem::discriminant(&expected));
    }
    assert_eq!(messages.len(), 6, "six rules, six messages");
    assert_eq!(org(&app, "acme").await.subdomain, "acme");
}

#[tokio::test]
async fn a_subdomain_another_organization_uses_is_a_conflict() {
    let app = spawn_app().await;
    app.create_org("zeta", "Zeta Labs").await;
    let admin = app.signed_in("acme", Role::Admin).await;

    let response = admin
        .call("save_portal_settings", &save_form("zeta", "Acme", ""))
        .await;
    assert_eq!(response.status(), 409);
    let error = json(response).await;
    assert_eq!(error["kind"], "conflict");
    assert_eq!(error["field"], "subdomain");
    assert_eq!(
        error["message"],
        "“zeta” is already the address of another organization's portal; choose another name."
    );
    let acme = org(&app, "acme").await;
    assert_eq!(acme.subdomain, "acme");
    assert_eq!(acme.display_name, None, "nothing was saved");
    assert_eq!(org(&app, "zeta").await.subdomain, "zeta");

    // Keeping one's own subdomain is no conflict.
    let response = admin
        .call("save_portal_settings", &save_form("acme", "Acme", ""))
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn colour_and_display_name_mistakes_name_their_field() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    for (form, field, message) in [
        (
            save_form("acme", "", "red"),
            "brand_color",
            "Use only the hex digits 0–9 and a–f after “#”, as in #1f6f4a (found “r”).",
        ),
        (
            save_form("acme", "", "#12345"),
            "brand_color",
            "Use 6 hex digits after “#” (or the 3-digit short form, as in #fa0); found 5.",
        ),
        (
            save_form("acme", "Acme\nCareers", ""),
            "display_name",
            "Remove line breaks and other control characters.",
        ),
    ] {
        let response = admin.call("save_portal_settings", &form).await;
        assert_eq!(response.status(), 422);
        let error = json(response).await;
        assert_eq!(error["field"], field);
        assert_eq!(error["message"], message);
    }
    let too_long = "x".repeat(121);
    let response = admin
        .call("save_portal_settings", &save_form("acme", &too_long, ""))
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(json(response).await["field"], "display_name");
    let acme = org(&app, "acme").await;
    assert_eq!((acme.display_name, acme.brand_color), (None, None));
}

#[tokio::test]
async fn viewers_and_editors_are_refused_and_nothing_changes() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let logo = upload(&admin, "logo", "logo.png", "image/png", &png(32, 32)).await;
    assert_eq!(logo.status(), 200);
    let before = org(&app, "acme").await;

    for role in [Role::Viewer, Role::Editor] {
        let model = app
            .recruiter(before.id, &format!("{role}@acme.example"), role)
            .await;
        let browser = app.browser_signed_in_as(&model).await;

        let response = browser
            .call(
                "save_portal_settings",
                &save_form("hijacked", "Evil", "#000"),
            )
            .await;
        assert_eq!(response.status(), 403, "{role}");
        let error = json(response).await;
        assert_eq!(error["kind"], "forbidden");
        assert_eq!(
            error["action"], "changing the portal settings",
            "{role}: {error}"
        );

        let response = browser
            .call("remove_portal_image", &[("purpose", "logo")])
            .await;
        assert_eq!(response.status(), 403, "{role}");

        let response = upload(&browser, "cover", "c.png", "image/png", &png(20, 20)).await;
        assert_eq!(response.status(), 403, "{role}");
        assert_eq!(json(response).await["kind"], "forbidden");

        // A forced form post without JavaScript is refused too.
        let response = browser
            .post_form(
                "/api/save_portal_settings",
                &save_form("hijacked", "Evil", "#000"),
            )
            .await;
        assert_eq!(response.status(), 302);
        assert!(location(&response).contains("__err="), "{role}");
    }
    let after = org(&app, "acme").await;
    assert_eq!(after, before, "the organization is untouched");
    assert_eq!(upload_count(&app).await, 1);
}

#[tokio::test]
async fn signed_out_requests_are_refused() {
    let app = spawn_app().await;
    app.create_org("acme", "Acme").await;
    for (endpoint, form) in [
        ("get_portal_settings", vec![]),
        ("save_portal_settings", save_form("acme-x", "", "").to_vec()),
        ("remove_portal_image", vec![("purpose", "logo")]),
    ] {
        let response = app.call(endpoint, &form, &[]).await;
        assert_eq!(response.status(), 401, "{endpoint}");
    }
    let anonymous = Browser::new(&app);
    let response = upload(&anonymous, "logo", "l.png", "image/png", &png(8, 8)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(upload_count(&app).await, 0);
}

#[tokio::test]
async fn without_javascript_a_save_comes_back_confirmed_and_an_error_shows_by_its_field() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;

    let response = admin
        .post_form(
            "/api/save_portal_settings",
            &save_form("acme-jobs", "Acme Jobs", "#0b5394"),
        )
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/admin/settings?saved=settings");
    let page = text(admin.get("/admin/settings?saved=settings").await).await;
    assert!(page.contains("Settings saved."), "{page}");
    assert!(page.contains(r#"value="acme-jobs""#));
    assert!(page.contains(r#"value="Acme Jobs""#));

    // A refused save goes back to the Settings page with the error.
    let response = admin
        .send(
            http()
                .post(format!("{}/api/save_portal_settings", admin.address))
                .header("sec-fetch-site", "same-origin")
                .header(header::ACCEPT, "text/html")
                .header(
                    header::REFERER,
                    format!("{}/admin/settings?saved=settings", admin.address),
                )
                .form(&save_form("admin", "Acme Jobs", "#0b5394")),
        )
        .await;
    assert_eq!(response.status(), 302);
    let back = location(&response);
    assert!(back.contains("/admin/settings?"), "{back}");
    let path = back.trim_start_matches(&admin.address);
    let page = text(admin.get(path).await).await;
    assert!(
        page.contains("“admin” is reserved; choose another name."),
        "{page}"
    );
    assert!(
        !page.contains("Settings saved."),
        "no confirmation next to an error"
    );
    assert_eq!(org(&app, "acme").await.subdomain, "acme-jobs");
}

#[tokio::test]
async fn the_contrast_warning_shows_for_a_pale_colour() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let response = admin
        .call("save_portal_settings", &save_form("acme", "", "#ffeb3b"))
        .await;
    assert_eq!(response.status(), 200);
    let page = text(admin.get("/admin/settings").await).await;
    assert!(page.contains("Low contrast."), "{page}");
    assert!(page.contains("Black text on #ffeb3b"), "{page}");
    assert!(page.contains("#ffeb3b as text on white: 1.2"), "{page}");

    let response = admin
        .call("save_portal_settings", &save_form("acme", "", "#1f6f4a"))
        .await;
    assert_eq!(response.status(), 200);
    let page = text(admin.get("/admin/settings").await).await;
    assert!(!page.contains("Low contrast."));
    assert!(page.contains("White text on #1f6f4a"));
}

// ---- uploads -------------------------------------------------------------

#[tokio::test]
async fn png_jpeg_and_webp_are_re_encoded_and_served_with_our_headers() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let image = sample_image(120, 80);
    for (format, name, declared, served_type, ext, purpose) in [
        (
            ImageFormat::Png,
            "logo.png",
            "image/png",
            "image/png",
            "png",
            "logo",
        ),
        (
            ImageFormat::Jpeg,
            "cover.jpg",
            "image/jpeg",
            "image/jpeg",
            "jpg",
            "cover",
        ),
        // The declared type and name are ignored: the bytes decide.
        (
            ImageFormat::WebP,
            "logo.gif",
            "text/plain",
            "image/webp",
            "webp",
            "logo",
        ),
    ] {
        let bytes = with_metadata(encoded(&image, format), format, &image);
        assert!(
            image::load_from_memory(&bytes).is_ok(),
            "{format:?} test file"
        );
        let response = upload(&admin, purpose, name, declared, &bytes).await;
        assert_eq!(response.status(), 200, "{format:?}");
        let body = json(response).await;
        let url = body[format!("{purpose}_url")]
            .as_str()
            .expect("the image's URL")
            .to_owned();
        assert!(url.starts_with("/uploads/"), "{url}");
        let id = url.trim_start_matches("/uploads/").to_owned();
        assert!(id.len() >= 40, "an unguessable id: {id}");

        // Served even to a signed-in browser with long caching.
        let served = admin.get(&url).await;
        assert_eq!(served.status(), 200);
        let h = served.headers().clone();
        let get = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert_eq!(get("content-type"), served_type);
        assert_eq!(get("x-content-type-options"), "nosniff");
        assert_eq!(
            get("content-security-policy"),
            "default-src 'none'; sandbox"
        );
        assert_eq!(
            get("content-disposition"),
            format!("inline; filename=\"{id}.{ext}\"")
        );
        assert_eq!(get("cross-origin-resource-policy"), "same-site");
        assert_eq!(get("cache-control"), "public, max-age=31536000, immutable");
        let stored = served.bytes().await.expect("image bytes").to_vec();
        assert_ne!(stored, bytes, "{format:?} was re-encoded");
        assert!(!stored.windows(7).any(|w| w == b"<script"), "{format:?}");
        assert!(!stored.windows(4).any(|w| w == b"EXIF"), "{format:?}");
        let decoded = image::load_from_memory(&stored).expect("the stored image decodes");
        assert_eq!((decoded.width(), decoded.height()), (120, 80));
        assert_eq!(
            image::guess_format(&stored).expect("a known format"),
            format
        );
    }
    let acme = org(&app, "acme").await;
    assert!(acme.logo_upload_id.is_some() && acme.cover_upload_id.is_some());
    // The first logo was replaced by the WebP one and deleted.
    assert_eq!(upload_count(&app).await, 2);
}

#[tokio::test]
async fn anything_but_png_jpeg_or_webp_is_refused_with_415() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let mut gif_polyglot = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;".to_vec();
    gif_polyglot.extend_from_slice(b"<html><script>alert(document.domain)</script></html>");
    let full_png = png(64, 64);
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "logo.svg",
            "image/svg+xml",
            br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>"#.to_vec(),
            "Only PNG, JPEG and WebP",
        ),
        (
            "logo.png",
            "image/png",
            b"<!doctype html><html><body><script>alert(1)</script></body></html>".to_vec(),
            "Only PNG, JPEG and WebP",
        ),
        ("logo.gif", "image/gif", gif_polyglot, "Only PNG, JPEG and WebP"),
        (
            "notes.txt",
            "text/plain",
            b"just some text, not an image".to_vec(),
            "Only PNG, JPEG and WebP",
        ),
        (
            "broken.png",
            "image/png",
            full_png[..full_png.len() / 2].to_vec(),
            "could not be read",
        ),
    ];
    for (name, declared, bytes, message) in cases {
        let response = upload(&admin, "logo", name, declared, &bytes).await;
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{name}"
        );
        let error = json(response).await;
        assert_eq!(error["kind"], "invalid", "{name}");
        assert_eq!(error["field"], "logo", "{name}");
        assert!(
            error["message"]
                .as_str()
                .unwrap_or_default()
                .contains(message),
            "{name}: {error}"
        );
    }
    assert_eq!(upload_count(&app).await, 0);
    assert_eq!(org(&app, "acme").await.logo_upload_id, None);

    // A PNG with HTML hidden after its data is accepted, and the re-encoded
    // copy no longer carries the HTML.
    let mut png_polyglot = png(16, 16);
    png_polyglot.extend_from_slice(b"<script>alert(1)</script>");
    let response = upload(&admin, "logo", "logo.png", "image/png", &png_polyglot).await;
    assert_eq!(response.status(), 200);
    let url = json(response).await["logo_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let served = admin.get(&url).await.bytes().await.expect("bytes");
    assert!(!served.windows(7).any(|w| w == b"<script"));
}

#[tokio::test]
async fn bodies_over_five_mib_get_413() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let mut big = png(16, 16);
    big.resize(5 * 1024 * 1024 + 1, 0);
    let response = upload(&admin, "cover", "big.png", "image/png", &big).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let error = json(response).await;
    assert_eq!(error["field"], "cover");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("larger than 5 MB")
    );

    // Without a Content-Length (chunked), the limit holds while reading.
    let body = multipart("image", "big.png", "image/png", &big);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    let response = admin
        .send(
            http()
                .post(format!("{}/admin/settings/images/cover", admin.address))
                .header("sec-fetch-site", "same-origin")
                .header(header::ACCEPT, "application/json")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(reqwest::Body::wrap_stream(futures_util::stream::iter(
                    chunks,
                ))),
        )
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(upload_count(&app).await, 0);
}

fn proc_status_kib(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("/proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a memory figure")
}

#[tokio::test]
async fn a_pixel_flood_is_refused_without_the_server_growing() {
    let bomb = png_bomb(100_000, 100_000);
    assert_eq!(bomb.len(), 72);

    // A server process of its own, so its memory is measured alone.
    let database = TestDatabase::fresh().await;
    let db = server::db::connect(&database.url).await.expect("connect");
    server::db::migrate(&db).await.expect("migrate");
    let acme = app::ssr::services::organizations::create(&db, "acme", "Acme")
        .await
        .expect("organization");
    let admin = app::ssr::services::recruiters::create(
        &db,
        app::ssr::services::recruiters::NewRecruiter {
            organization_id: acme.id,
            email: "admin@acme.example".into(),
            name: None,
            role: Role::Admin,
            greenhouse_user_id: None,
        },
    )
    .await
    .expect("recruiter");
    let session = app::ssr::auth::sessions::start(
        &db,
        app::ssr::auth::Audience::Recruiter,
        acme.id,
        admin.id,
        None,
    )
    .await
    .expect("session");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("address").port()
    };
    let bind = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_trellis"))
        .arg("serve")
        .env_remove("TRELLIS_DEMO")
        .env_remove("TRELLIS_SMTP_URL")
        .env("DATABASE_URL", database.url.url())
        .env("TRELLIS_BIND_ADDR", &bind)
        .env("TRELLIS_PUBLIC_URL", format!("http://localhost:{port}"))
        .env(
            "TRELLIS_MASTER_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start trellis serve");
    let pid = child.id();

    let client = http();
    let mut up = false;
    for _ in 0..150 {
        if let Ok(response) = client.get(format!("http://{bind}/healthz")).send().await {
            up = response.status() == 200;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "trellis serve answered /healthz");
    let cookie = format!(
        "{}={session}",
        app::ssr::auth::Audience::Recruiter.cookie_name()
    );
    let post = |bytes: Vec<u8>| {
        client
            .post(format!("http://{bind}/admin/settings/images/cover"))
            .header("sec-fetch-site", "same-origin")
            .header(header::ACCEPT, "application/json")
            .header(header::COOKIE, &cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart("image", "bomb.png", "image/png", &bytes))
            .send()
    };
    // Warm the decoder's code paths with a real image first.
    let warm = post(png(200, 100)).await.expect("warm-up upload");
    assert_eq!(warm.status(), 200);
    let peak_before = proc_status_kib(pid, "VmHWM:");
    let rss_before = proc_status_kib(pid, "VmRSS:");

    let started = std::time::Instant::now();
    let response = post(bomb).await.expect("bomb upload");
    let elapsed = started.elapsed();
    let status = response.status();
    let error: Value = response.json().await.expect("JSON error");
    let peak_after = proc_status_kib(pid, "VmHWM:");
    let rss_after = proc_status_kib(pid, "VmRSS:");
    let _ = child.kill();
    let _ = child.wait();

    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(error["field"], "cover");
    assert!(
        error["message"]
            .as_str()
            .unwrap_or_default()
            .contains("larger than 4096 × 4096 pixels"),
        "{error}"
    );
    assert!(elapsed < std::time::Duration::from_secs(5), "{elapsed:?}");
    let limit_kib = 64 * 1024;
    assert!(
        peak_after.saturating_sub(peak_before) < limit_kib,
        "peak RSS grew from {peak_before} KiB to {peak_after} KiB"
    );
    assert!(
        rss_after.saturating_sub(rss_before) < limit_kib,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    let stored = Organization::find_by_id(acme.id)
        .one(&db)
        .await
        .expect("read")
        .expect("organization");
    assert!(stored.cover_upload_id.is_some(), "the warm-up cover stays");
}

#[tokio::test]
async fn replacing_and_removing_images_stays_within_the_organization() {
    let app = spawn_app().await;
    let acme_admin = app.signed_in("acme", Role::Admin).await;
    let zeta_admin = app.signed_in("zeta", Role::Admin).await;

    let first = json(upload(&acme_admin, "logo", "a.png", "image/png", &png(30, 30)).await).await;
    let first_url = first["logo_url"].as_str().expect("url").to_owned();
    let second = json(upload(&acme_admin, "logo", "b.png", "image/png", &png(40, 40)).await).await;
    let second_url = second["logo_url"].as_str().expect("url").to_owned();
    assert_ne!(first_url, second_url);
    assert_eq!(acme_admin.get(&first_url).await.status(), 404, "replaced");
    assert_eq!(acme_admin.get(&second_url).await.status(), 200);

    // Zeta uploads and removes its own logo: Acme's stays.
    let zeta_logo = upload(&zeta_admin, "logo", "z.png", "image/png", &png(10, 10)).await;
    assert_eq!(zeta_logo.status(), 200);
    let removed = zeta_admin
        .call("remove_portal_image", &[("purpose", "logo")])
        .await;
    assert_eq!(removed.status(), 200);
    assert!(json(removed).await["logo_url"].is_null());
    let acme = org(&app, "acme").await;
    let second_id = second_url.trim_start_matches("/uploads/");
    assert_eq!(acme.logo_upload_id.as_deref(), Some(second_id));
    assert_eq!(acme_admin.get(&second_url).await.status(), 200);
    assert_eq!(org(&app, "zeta").await.logo_upload_id, None);
    assert_eq!(upload_count(&app).await, 1);

    // Acme removes its logo.
    let removed = acme_admin
        .call("remove_portal_image", &[("purpose", "logo")])
        .await;
    assert_eq!(removed.status(), 200);
    assert_eq!(org(&app, "acme").await.logo_upload_id, None);
    assert_eq!(acme_admin.get(&second_url).await.status(), 404);
    assert_eq!(upload_count(&app).await, 0);

    let unknown = acme_admin
        .call("remove_portal_image", &[("purpose", "favicon")])
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn unknown_upload_ids_are_404() {
    let app = spawn_app().await;
    let unknown = app::ssr::auth::secrets::random_token();
    for path in [
        format!("/uploads/{unknown}"),
        "/uploads/short".to_owned(),
        "/uploads/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/uploads/{}", "a".repeat(200)),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    let response = app.get("/admin/settings/images/favicon").await;
    assert_ne!(response.status(), 200);
}

#[tokio::test]
async fn without_javascript_an_upload_comes_back_to_the_settings_page() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;

    let response = upload_without_js(&admin, "cover", &png(300, 100)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/admin/settings?saved=cover-uploaded#cover-heading"
    );
    let page = text(admin.get("/admin/settings?saved=cover-uploaded").await).await;
    assert!(page.contains("Cover image uploaded."), "{page}");
    let cover = org(&app, "acme").await.cover_upload_id.expect("a cover");
    assert!(page.contains(&format!("/uploads/{cover}")));

    let response = upload_without_js(&admin, "logo", b"<svg onload=alert(1)>").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&response),
        "/admin/settings?logo_error=not_an_image#logo-heading"
    );
    let page = text(admin.get("/admin/settings?logo_error=not_an_image").await).await;
    assert!(
        page.contains("Only PNG, JPEG and WebP images can be uploaded"),
        "{page}"
    );
    // Unknown codes show nothing (the page never echoes the URL).
    let page = text(admin.get("/admin/settings?logo_error=%3Cb%3Ehi").await).await;
    assert!(!page.contains("<b>hi"));
}

#[tokio::test]
async fn a_cross_site_upload_is_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let response = admin
        .send(
            http()
                .post(format!("{}/admin/settings/images/logo", admin.address))
                .header("sec-fetch-site", "cross-site")
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart("image", "l.png", "image/png", &png(8, 8))),
        )
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(upload_count(&app).await, 0);
}

// ---- the portal ----------------------------------------------------------

#[tokio::test]
async fn the_portal_shows_the_saved_branding_by_path_and_by_host() {
    let app = spawn_app().await;
    let admin = app.signed_in("acme", Role::Admin).await;
    let saved = admin
        .call(
            "save_portal_settings",
            &save_form("acme-careers", "Acme Careers", "#FFEB3B"),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let logo = json(upload(&admin, "logo", "l.png", "image/png", &png(64, 64)).await).await;
    let logo_url = logo["logo_url"].as_str().expect("logo").to_owned();
    let cover = json(
        upload(
            &admin,
            "cover",
            "c.jpg",
            "image/jpeg",
            &encoded(&sample_image(600, 200), ImageFormat::Jpeg),
        )
        .await,
    )
    .await;
    let cover_url = cover["cover_url"].as_str().expect("cover").to_owned();

    for response in [
        app.get("/p/acme-careers").await,
        app.get_with_host("/", "acme-careers.localhost:3000").await,
    ] {
        assert_eq!(response.status(), 200);
        let csp = response
            .headers()
            .get(header::CONTENT_SECURITY_POLICY)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let nonce = nonce_of(&csp);
        let html = text(response).await;
        assert!(html.contains("Acme Careers"), "{html}");
        assert!(html.contains(&format!(r#"src="{logo_url}""#)));
        assert!(html.contains(&format!(r#"src="{cover_url}""#)));
        assert!(html.contains(r#"alt="Acme Careers logo""#));
        // The colour arrives in a nonce'd <style>, never a style attribute.
        assert!(
            html.contains(&format!(
                r#"<style nonce="{nonce}">.portal{{--brand:#ffeb3b;"#
            )),
            "{html}"
        );
        assert!(html.contains("--on-brand:#000000;"), "black text on yellow");
        assert!(!html.contains(" style=\""), "no inline style attributes");
    }

    // The old address is gone, the slug is not an alias.
    assert_eq!(app.get("/p/acme").await.status(), 404);
    assert_eq!(
        app.get_with_host("/", "acme.localhost:3000").await.status(),
        404
    );
    // An unbranded portal still gets Trellis's green.
    app.create_org("zeta", "Zeta Labs").await;
    let html = text(app.get("/p/zeta").await).await;
    assert!(html.contains(".portal{--brand:#1f6f4a;--brand-strong:"));
    assert!(html.contains("Zeta Labs"));
}
