//! Markdown from recruiters to HTML for candidates (SECURITY.md 25):
//! pulldown-cmark renders (raw HTML in the source is escaped, never passed
//! through), then ammonia keeps only a safe subset: no scripts, event
//! handlers, styles, frames or SVG; links only to `http`, `https` and
//! `mailto` with `rel="noopener noreferrer nofollow"`; images only from
//! this site's own `/uploads/`.

use ammonia::Builder;
use pulldown_cmark::{Event, Options, Parser, html};
use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut builder = Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"))
        .rm_tags(["img"])
        .add_tags(["img"])
        .attribute_filter(|element, attribute, value| {
            if element == "img" && attribute == "src" && !value.starts_with("/uploads/") {
                None
            } else {
                Some(value.into())
            }
        });
    builder
});

/// Safe HTML for `markdown`.
pub fn to_safe_html(markdown: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    // Raw HTML in the Markdown is shown as text, not interpreted.
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    CLEANER.clean(&unsafe_html).to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn formatting_survives_and_links_are_marked() {
        let html = to_safe_html("**Bring** your ID. See [the map](https://example.com/map).");
        assert!(html.contains("<strong>Bring</strong>"), "{html}");
        assert!(
            html.contains(
                r#"<a href="https://example.com/map" rel="noopener noreferrer nofollow">"#
            ),
            "{html}"
        );
    }

    #[test]
    fn scripts_and_dangerous_links_are_removed() {
        let html = to_safe_html(
            "<script>alert(1)</script>\n\n[x](javascript:alert(1)) ![y](https://evil.example/p.png) <img src=x onerror=alert(1)>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("evil.example"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
    }
}
