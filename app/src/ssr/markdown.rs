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

    use proptest::prelude::*;

    /// Markdown assembled from the pieces attacks are made of: tags,
    /// handlers, schemes (plain, mixed case, entity-encoded), link and image
    /// syntax, quotes, entities and line breaks, in any order.
    fn hostile_markdown() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<script>".to_owned()),
            Just("</script>".to_owned()),
            Just("<SCRIPT".to_owned()),
            Just("<scr".to_owned()),
            Just("ipt>".to_owned()),
            Just("<img src=x onerror=alert(1)>".to_owned()),
            Just("<svg/onload=alert(1)>".to_owned()),
            Just("<iframe src=".to_owned()),
            Just("<style>".to_owned()),
            Just(" style=\"".to_owned()),
            Just("javascript:".to_owned()),
            Just("JaVaScRiPt:".to_owned()),
            Just("&#106;avascript:".to_owned()),
            Just("&#x6A;".to_owned()),
            Just("java&#09;script:".to_owned()),
            Just("data:text/html,".to_owned()),
            Just("alert(1)".to_owned()),
            Just("[".to_owned()),
            Just("](".to_owned()),
            Just("![".to_owned()),
            Just(")".to_owned()),
            Just("<".to_owned()),
            Just(">".to_owned()),
            Just("\"".to_owned()),
            Just("'".to_owned()),
            Just("`".to_owned()),
            Just("```".to_owned()),
            Just("&".to_owned()),
            Just("&lt;".to_owned()),
            Just("\\".to_owned()),
            Just("\n".to_owned()),
            Just("\n\n".to_owned()),
            Just("    ".to_owned()),
            Just("| a |\n|---|\n".to_owned()),
            Just("[r]: ".to_owned()),
            Just("https://ok.example/".to_owned()),
            Just("/uploads/abcdefghijklmnop".to_owned()),
            "[a-zA-Z0-9 ]{0,8}",
            any::<char>().prop_map(String::from),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    /// No element of the kinds SECURITY.md 25 bans, in any case. (A
    /// substring test is exact here: ammonia's serializer escapes `<` in
    /// text and in attribute values alike, so `<` only ever opens a tag.
    /// Attributes and URLs are checked as markup in the server's XSS tests.)
    fn assert_no_banned_element(html: &str) -> Result<(), TestCaseError> {
        let lower = html.to_ascii_lowercase();
        for banned in [
            "<script", "<iframe", "<svg", "<style", "<math", "<object", "<embed", "<form",
        ] {
            prop_assert!(!lower.contains(banned), "{banned} in {html}");
        }
        Ok(())
    }

    #[test]
    fn angle_brackets_in_attribute_values_are_escaped_too() {
        let html = to_safe_html(
            r#"[x](https://a.example "<script>") ![<svg>](/uploads/abcdefghijklmnop)"#,
        );
        assert!(html.contains(r#"title="&lt;script&gt;""#), "{html}");
        assert!(html.contains(r#"alt="&lt;svg&gt;""#), "{html}");
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics_or_yields_a_script(input in any::<String>()) {
            assert_no_banned_element(&to_safe_html(&input))?;
        }

        #[test]
        fn hostile_markdown_never_yields_a_banned_element(input in hostile_markdown()) {
            assert_no_banned_element(&to_safe_html(&input))?;
        }
    }
}
