//! SECURITY.md item 25: a payload corpus (`tests/fixtures/xss/payloads.txt`:
//! script tags, event handlers, `javascript:`/`data:` links plain, mixed-case
//! and entity-encoded, iframes, inline SVG and MathML, `style`, the OWASP
//! filter-evasion list) through the Markdown renderer and through every
//! field of every content block as candidates get them.
//!
//! The HTML is checked as markup, with a small tokenizer: the payloads'
//! characters may well survive as *text* (`&lt;script&gt;` is shown, not
//! run), so what must not exist is an element, an attribute or a URL.

use app::domain::blocks::{BlockContent, BlockView, LinkItem, SpotlightView, VIDEO_FRAME_SOURCES};
use app::ssr::{markdown::to_safe_html, services::portal_content};
use proptest::prelude::*;
use sea_orm::EntityTrait;

/// The corpus, one payload per entry (see the fixture's header).
fn payloads() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/xss/payloads.txt"
    );
    let text = std::fs::read_to_string(path).expect("the XSS corpus");
    let payloads: Vec<String> = text
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with(";;"))
        .map(|line| {
            line.replace("\\n", "\n")
                .replace("\\t", "\t")
                .replace("\\0", "\0")
        })
        .collect();
    assert!(payloads.len() > 150, "the corpus is read whole");
    payloads
}

/// A start tag: its lowercase name and attributes (names lowercase,
/// values with character references decoded).
#[derive(Debug)]
struct Tag {
    name: String,
    attributes: Vec<(String, String)>,
}

impl Tag {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The start tags of `html`, read as a browser's tokenizer would (quoted
/// and unquoted attribute values, comments skipped).
fn start_tags(html: &str) -> Vec<Tag> {
    let chars: Vec<char> = html.chars().collect();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' {
            i += 1;
            continue;
        }
        i += 1;
        match chars.get(i) {
            Some('!') | Some('?') => {
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
                continue;
            }
            Some('/') => {
                while i < chars.len() && chars[i] != '>' {
                    i += 1;
                }
                continue;
            }
            Some(c) if c.is_ascii_alphabetic() => {}
            _ => continue,
        }
        let mut name = String::new();
        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '/' && chars[i] != '>' {
            name.push(chars[i].to_ascii_lowercase());
            i += 1;
        }
        let mut attributes = Vec::new();
        loop {
            while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '/') {
                i += 1;
            }
            if i >= chars.len() || chars[i] == '>' {
                i += 1;
                break;
            }
            let mut attribute = String::new();
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '=' | '>' | '/')
            {
                attribute.push(chars[i].to_ascii_lowercase());
                i += 1;
            }
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let mut value = String::new();
            if chars.get(i) == Some(&'=') {
                i += 1;
                while i < chars.len() && chars[i].is_whitespace() {
                    i += 1;
                }
                match chars.get(i) {
                    Some(&quote @ ('"' | '\'')) => {
                        i += 1;
                        while i < chars.len() && chars[i] != quote {
                            value.push(chars[i]);
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < chars.len() && !chars[i].is_whitespace() && chars[i] != '>' {
                            value.push(chars[i]);
                            i += 1;
                        }
                    }
                }
            }
            attributes.push((attribute, decode(&value)));
        }
        // Raw text: a script's or style's content is not markup.
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let rest: String = chars[i.min(chars.len())..].iter().collect();
            let end = rest
                .to_ascii_lowercase()
                .find(&format!("</{name}"))
                .unwrap_or(rest.len());
            i += rest[..end].chars().count();
        }
        tags.push(Tag { name, attributes });
    }
    tags
}

/// Decodes the character references a serializer writes (numeric, and the
/// few named ones), as a browser reads an attribute value.
fn decode(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').filter(|end| *end <= 12);
        let Some(end) = end else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "nbsp" => Some('\u{a0}'),
            "colon" => Some(':'),
            "Tab" => Some('\t'),
            "NewLine" => Some('\n'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The scheme a browser would see in a URL attribute, lowercased; `None`
/// for a relative URL. Stricter than a browser: every whitespace and
/// control character is dropped first (browsers drop tabs and line breaks
/// anywhere, and other controls and spaces at the ends).
fn scheme_of(url: &str) -> Option<String> {
    let squeezed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    let (scheme, _) = squeezed.split_once(':')?;
    let mut chars = scheme.chars();
    let syntax = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    syntax.then(|| scheme.to_owned())
}

/// Elements sanitized HTML may contain: text formatting, lists, tables,
/// links and (our own) images.
const ALLOWED_ELEMENTS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Attributes that hold a URL a browser may load or navigate to.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "cite",
    "action",
    "formaction",
    "background",
    "poster",
    "data",
    "dynsrc",
    "lowsrc",
    "xlink:href",
    "longdesc",
    "usemap",
];

/// Everything SECURITY.md 25 asks of sanitized HTML; `what` names the case.
fn assert_safe_html(html: &str, what: &str) {
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script", "<iframe", "<svg", "<style", "<math", "<object", "<embed",
    ] {
        assert!(!lower.contains(needle), "{what}: {needle} in {html}");
    }
    for tag in start_tags(html) {
        assert!(
            ALLOWED_ELEMENTS.contains(&tag.name.as_str()),
            "{what}: element <{}> in {html}",
            tag.name
        );
        for (name, value) in &tag.attributes {
            assert!(!name.starts_with("on"), "{what}: handler {name}= in {html}");
            assert!(name != "style", "{what}: style= in {html}");
            assert!(name != "srcdoc", "{what}: srcdoc= in {html}");
            if URL_ATTRIBUTES.contains(&name.as_str()) {
                let scheme = scheme_of(value);
                assert!(
                    matches!(scheme.as_deref(), None | Some("http" | "https" | "mailto")),
                    "{what}: {name}={value:?} in {html}"
                );
            }
        }
        if tag.name == "a" && tag.attribute("href").is_some() {
            assert_eq!(
                tag.attribute("rel"),
                Some("noopener noreferrer nofollow"),
                "{what}: a link without rel in {html}"
            );
        }
        if tag.name == "img" {
            if let Some(src) = tag.attribute("src") {
                assert!(
                    src.starts_with("/uploads/"),
                    "{what}: an image from elsewhere ({src}) in {html}"
                );
            }
            assert!(
                tag.attribute("srcset").is_none(),
                "{what}: srcset in {html}"
            );
        }
    }
}

/// A URL a candidate's browser would follow from a block: `http(s)` only.
fn assert_web_url(url: &str, what: &str) {
    assert!(
        matches!(scheme_of(url).as_deref(), Some("http" | "https")),
        "{what}: {url:?}"
    );
    assert!(!url.contains(char::is_whitespace), "{what}: {url:?}");
}

/// The path of one of our uploads.
fn assert_upload_url(url: &str, what: &str) {
    let id = url.strip_prefix("/uploads/").unwrap_or_default();
    assert!(
        app::ssr::services::uploads::is_well_formed_id(id),
        "{what}: image {url:?}"
    );
}

fn assert_safe_spotlight(spotlight: &SpotlightView, what: &str) {
    if !spotlight.linkedin_url.is_empty() {
        assert_web_url(&spotlight.linkedin_url, what);
    }
    if let Some(photo) = &spotlight.photo_url {
        assert_upload_url(photo, what);
    }
}

/// Every URL and HTML field of a rendered block. (Titles, labels, names,
/// alt text and the like are plain text: the page inserts them as text
/// nodes and attribute values, which Leptos escapes.)
fn assert_safe_view(view: &BlockView, what: &str) {
    match view {
        BlockView::Markdown { html, .. } => assert_safe_html(html, what),
        BlockView::Faq { answer_html, .. } => assert_safe_html(answer_html, what),
        BlockView::Video {
            embed_url,
            watch_url,
            ..
        } => {
            assert!(
                VIDEO_FRAME_SOURCES
                    .split(' ')
                    .any(|source| embed_url.starts_with(&format!("{source}/"))),
                "{what}: embed {embed_url}"
            );
            assert_web_url(watch_url, what);
        }
        BlockView::Links { links, .. } => {
            for link in links {
                assert_web_url(&link.url, what);
            }
        }
        BlockView::Image { url, .. } => assert_upload_url(url, what),
        BlockView::Spotlight(spotlight) => assert_safe_spotlight(spotlight, what),
    }
}

#[test]
fn the_corpus_through_markdown_yields_nothing_executable() {
    for payload in payloads() {
        let html = to_safe_html(&payload);
        assert_safe_html(&html, &format!("markdown {payload:?}"));
    }
}

/// Markdown spliced from pieces of the corpus: a payload's head joined to
/// another's tail, several in a row, so that half-open tags, quotes and
/// link syntax meet in combinations the corpus does not list.
fn spliced_payloads() -> impl Strategy<Value = String> {
    let corpus = payloads();
    let piece = (
        prop::sample::select(corpus),
        any::<prop::sample::Index>(),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(payload, from, to)| {
            let chars: Vec<char> = payload.chars().collect();
            let (a, b) = (from.index(chars.len() + 1), to.index(chars.len() + 1));
            chars[a.min(b)..a.max(b)].iter().collect::<String>()
        });
    prop::collection::vec(piece, 1..6).prop_map(|pieces| pieces.concat())
}

proptest! {
    #[test]
    fn spliced_payloads_through_markdown_yield_nothing_executable(input in spliced_payloads()) {
        assert_safe_html(&to_safe_html(&input), &format!("spliced {input:?}"));
    }
}

#[test]
fn the_checks_catch_what_they_are_meant_to_catch() {
    for unsafe_html in [
        "<script>alert(1)</script>",
        "<p><img src=x onerror=alert(1)></p>",
        r#"<a href="jav&#x09;ascript:alert(1)" rel="noopener noreferrer nofollow">x</a>"#,
        r#"<a href="https://ok.example/">no rel</a>"#,
        r#"<a href=" DATA:text/html,x" rel="noopener noreferrer nofollow">x</a>"#,
        r#"<img src="https://evil.example/x.png">"#,
        r#"<p style="color:red">x</p>"#,
        "<SVG/onload=alert(1)>",
        "<details open ontoggle=alert(1)>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_safe_html(unsafe_html, "probe"));
        assert!(caught.is_err(), "the checks miss {unsafe_html}");
    }
    assert_safe_html(
        r#"<p>&lt;script&gt; <a href="https://ok.example/?a=1&amp;b=2" rel="noopener noreferrer nofollow">ok</a> <img src="/uploads/abcdefghijklmnop" alt="x"></p>"#,
        "safe",
    );
}

#[test]
fn known_good_content_keeps_its_links_and_images() {
    let html = to_safe_html(
        "[ok link](https://ok.example/page) [mail](mailto:jobs@ok.example) ![our photo](/uploads/abcdefghijklmnop) ![theirs](https://evil.example/x.png)",
    );
    assert!(
        html.contains(
            r#"<a href="https://ok.example/page" rel="noopener noreferrer nofollow">ok link</a>"#
        ),
        "{html}"
    );
    assert!(html.contains(r#"href="mailto:jobs@ok.example""#), "{html}");
    assert!(
        html.contains(r#"src="/uploads/abcdefghijklmnop""#),
        "{html}"
    );
    assert!(!html.contains("evil.example"), "{html}");
}

/// Blocks with `payload` in every field (and, for URL fields, also a valid
/// address next to it, so that blocks that pass validation are rendered too).
fn blocks_carrying(payload: &str) -> Vec<BlockContent> {
    let p = payload.to_owned();
    let upload = "abcdefghijklmnop".to_owned();
    vec![
        BlockContent::Markdown {
            title: p.clone(),
            markdown: p.clone(),
        },
        BlockContent::Video {
            title: p.clone(),
            url: p.clone(),
        },
        BlockContent::Video {
            title: p.clone(),
            url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ".to_owned(),
        },
        BlockContent::Faq {
            question: p.clone(),
            answer: p.clone(),
        },
        BlockContent::Links {
            title: p.clone(),
            links: vec![
                LinkItem {
                    label: p.clone(),
                    url: p.clone(),
                },
                LinkItem {
                    label: p.clone(),
                    url: "https://ok.example/page".to_owned(),
                },
            ],
        },
        BlockContent::Links {
            title: p.clone(),
            links: vec![LinkItem {
                label: p.clone(),
                url: format!("https://ok.example/{p}"),
            }],
        },
        BlockContent::Image {
            upload_id: p.clone(),
            alt: p.clone(),
            caption: p.clone(),
        },
        BlockContent::Image {
            upload_id: upload.clone(),
            alt: p.clone(),
            caption: p.clone(),
        },
        BlockContent::Spotlight {
            greenhouse_user_id: Some(1),
            name: p.clone(),
            title: p.clone(),
            bio: p.clone(),
            pronouns: p.clone(),
            linkedin_url: p.clone(),
            photo_upload_id: Some(p.clone()),
        },
        BlockContent::Spotlight {
            greenhouse_user_id: None,
            name: p.clone(),
            title: p.clone(),
            bio: p.clone(),
            pronouns: p.clone(),
            linkedin_url: "https://www.linkedin.com/in/someone".to_owned(),
            photo_upload_id: Some(upload),
        },
    ]
}

#[test]
fn the_corpus_in_every_block_field_yields_nothing_executable() {
    let mut rendered = 0;
    for payload in payloads() {
        for block in blocks_carrying(&payload) {
            let what = format!("{} block with {payload:?}", block.kind());
            if let Some(view) = portal_content::render(&block) {
                rendered += 1;
                assert_safe_view(&view, &what);
            }
            if let Some(spotlight) = portal_content::spotlight(&block) {
                assert_safe_spotlight(&spotlight, &what);
            }
        }
    }
    assert!(rendered > 500, "most blocks render ({rendered})");
}

#[test]
fn plain_text_fields_reach_the_candidate_as_the_recruiter_wrote_them() {
    // Not HTML: the page escapes them. A payload in a title stays a title.
    let payload = r#"<img src=x onerror=alert(1)> & "quotes""#;
    let view = portal_content::render(&BlockContent::Faq {
        question: payload.to_owned(),
        answer: "Yes.".to_owned(),
    });
    assert_eq!(
        view,
        Some(BlockView::Faq {
            question: payload.to_owned(),
            answer_html: "<p>Yes.</p>\n".to_owned(),
        })
    );
}

/// One line (at most 200 characters, so every one-line field accepts it)
/// that tries each way in, every attempt calling `XSS_MARK`.
const PAGE_PAYLOAD: &str = r#""'><script>XSS_MARK()</script><img src=x onerror=XSS_MARK()><svg onload=XSS_MARK()><iframe src=javascript:XSS_MARK()><style>*{}</style>[m](javascript:XSS_MARK())"#;

/// Puts `text` in everything of the target's application page that a
/// recruiter or Greenhouse writes: every field of every kind of block, the
/// candidate-facing stage's name, the job's and the candidate's names and
/// the organization's display name.
async fn fill_page(
    db: &sea_orm::DatabaseConnection,
    portal: &app::ssr::entities::dashboard::portal::Model,
    target: &crate::portal_invites::Target,
    candidate_id: i64,
    text: &str,
) {
    use app::ssr::entities::{
        greenhouse::{candidates, jobs},
        organization,
        portal_content::content_block,
    };
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Set};
    let org = portal.organization_id;
    content_block::Entity::delete_many()
        .filter(content_block::Column::OrganizationId.eq(org))
        .filter(content_block::Column::PortalId.eq(portal.id))
        .exec(db)
        .await
        .unwrap();
    let t = text.to_owned();
    let blocks = [
        BlockContent::Markdown {
            title: t.clone(),
            markdown: format!("{t}\n\n[our site](https://ok.example/about)"),
        },
        BlockContent::Video {
            title: t.clone(),
            url: "https://www.youtube.com/watch?v=dQw4w9WgXcQ".to_owned(),
        },
        BlockContent::Faq {
            question: t.clone(),
            answer: t.clone(),
        },
        BlockContent::Links {
            title: t.clone(),
            links: vec![LinkItem {
                label: t.clone(),
                url: "https://ok.example/page".to_owned(),
            }],
        },
        BlockContent::Image {
            upload_id: "abcdefghijklmnop".to_owned(),
            alt: t.clone(),
            caption: t.clone(),
        },
        BlockContent::Spotlight {
            greenhouse_user_id: None,
            name: t.clone(),
            title: t.clone(),
            bio: t.clone(),
            pronouns: t.clone(),
            linkedin_url: "https://www.linkedin.com/in/someone".to_owned(),
            photo_upload_id: Some("abcdefghijklmnop".to_owned()),
        },
    ];
    let now = chrono::Utc::now();
    for (position, block) in blocks.iter().enumerate() {
        assert!(block.validate().is_ok(), "{block:?}");
        content_block::ActiveModel {
            organization_id: Set(org),
            portal_id: Set(portal.id),
            portal_stage_id: Set(None),
            position: Set(position as i32),
            content: Set(serde_json::to_value(block).unwrap()),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
    }
    for stage in portal_content::ensure_stages(db, portal).await.unwrap() {
        if stage.greenhouse_ids().contains(&target.stages[0].id) {
            let mut renamed: app::ssr::entities::portal_content::portal_stage::ActiveModel =
                stage.into();
            renamed.name = Set(t.clone());
            renamed.update(db).await.unwrap();
        }
    }
    let mut job: jobs::ActiveModel = target.job.clone().into();
    job.name = Set(t.clone());
    job.update(db).await.unwrap();
    let candidate = candidates::Entity::find_by_id((org, candidate_id))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut candidate: candidates::ActiveModel = candidate.into();
    candidate.first_name = Set(Some(t.clone()));
    candidate.update(db).await.unwrap();
    let organization = organization::Entity::find_by_id(org)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut organization: organization::ActiveModel = organization.into();
    organization.display_name = Set(Some(t));
    organization.update(db).await.unwrap();
}

/// How many start tags of each name, handlers and dangerous URLs a page has.
fn inventory(html: &str) -> (std::collections::BTreeMap<String, usize>, Vec<String>) {
    let mut elements = std::collections::BTreeMap::new();
    let mut dangerous = Vec::new();
    for tag in start_tags(html) {
        *elements.entry(tag.name.clone()).or_default() += 1;
        for (name, value) in &tag.attributes {
            let url = URL_ATTRIBUTES.contains(&name.as_str())
                && !matches!(
                    scheme_of(value).as_deref(),
                    None | Some("http" | "https" | "mailto")
                );
            if name.starts_with("on") || name == "srcdoc" || url {
                dangerous.push(format!("<{} {name}={value:?}>", tag.name));
            }
        }
    }
    (elements, dangerous)
}

#[tokio::test]
async fn payloads_everywhere_on_the_application_page_execute_nothing() {
    let world = crate::portal_invites::World::new().await;
    let db = world.db();
    let target = crate::portal_invites::target(db, world.org).await;
    let portal =
        crate::portal_invites::create_portal(db, world.org, target.job.id, true, None).await;
    let application = app::ssr::entities::greenhouse::applications::Entity::find_by_id((
        world.org,
        target.application_id,
    ))
    .one(db)
    .await
    .unwrap()
    .unwrap();
    let candidate = world
        .app
        .candidate_browser(world.org, application.candidate_id)
        .await;
    let path = format!("/p/acme/applications/{}", target.application_id);
    let page = |text: &'static str| {
        let (candidate, path, portal, target) = (&candidate, &path, &portal, &target);
        async move {
            fill_page(db, portal, target, application.candidate_id, text).await;
            let response = candidate.get(path).await;
            assert_eq!(response.status(), 200, "{text}");
            response.text().await.unwrap()
        }
    };
    let baseline = page("Plain words").await;
    let attacked = page(PAGE_PAYLOAD).await;
    assert!(
        baseline.contains("Plain words"),
        "the page shows the content"
    );

    // The payload is shown, as text, in many places.
    assert!(
        attacked.matches("XSS_MARK").count() >= 10,
        "the payloads reach the page: {attacked}"
    );
    assert!(attacked.contains("&lt;script&gt;XSS_MARK()"), "{attacked}");

    // Not one element, handler or URL more than the same page holds with
    // plain words in the same places.
    let (base_elements, base_dangerous) = inventory(&baseline);
    let (elements, dangerous) = inventory(&attacked);
    for name in [
        "script", "iframe", "svg", "style", "object", "embed", "math", "frame", "base", "meta",
        "link", "form", "input", "button",
    ] {
        assert_eq!(
            elements.get(name),
            base_elements.get(name),
            "<{name}> elements differ: {attacked}"
        );
    }
    assert_eq!(
        dangerous, base_dangerous,
        "handlers or script URLs were added"
    );
    for tag in start_tags(&attacked) {
        for (name, value) in &tag.attributes {
            if name.starts_with("on") || name == "style" || URL_ATTRIBUTES.contains(&name.as_str())
            {
                assert!(
                    !value.contains("XSS_MARK"),
                    "<{} {name}={value:?}> carries the payload",
                    tag.name
                );
            }
        }
        if tag.name == "img"
            && let Some(src) = tag.attribute("src")
        {
            assert!(
                src.starts_with('/') && !src.starts_with("//"),
                "an image from another origin: {src}"
            );
        }
        if tag.name == "a"
            && tag
                .attribute("href")
                .is_some_and(|href| href.contains("ok.example"))
        {
            let rel = tag.attribute("rel").unwrap_or_default();
            assert!(
                rel.contains("noopener") && rel.contains("noreferrer"),
                "a link without rel: {:?}",
                tag.attributes
            );
        }
    }
}
