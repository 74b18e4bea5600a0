//! Portal content blocks: what recruiters write (stored as JSON in
//! `content_blocks.content`) and what candidates see once the server has
//! rendered it ([`BlockView`]). Validation lives here so the editor's forms
//! and the server check alike.

use serde::{Deserialize, Serialize};

/// Longest Markdown text, FAQ answer or bio a block may hold.
pub const MAX_TEXT: usize = 20_000;
/// Longest title, label, name or other one-line field.
pub const MAX_LINE: usize = 200;
/// Most links one links block may hold.
pub const MAX_LINKS: usize = 20;

/// A block as the recruiter wrote it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockContent {
    /// Markdown text, rendered with pulldown-cmark and cleaned by ammonia.
    Markdown {
        #[serde(default)]
        title: String,
        markdown: String,
    },
    /// A YouTube, Vimeo or Loom video (see [`VideoLink`]).
    Video {
        #[serde(default)]
        title: String,
        url: String,
    },
    /// One question and its answer (Markdown). Consecutive FAQ blocks show
    /// as one list.
    Faq { question: String, answer: String },
    /// A titled list of links.
    Links {
        #[serde(default)]
        title: String,
        links: Vec<LinkItem>,
    },
    /// An uploaded image (`/uploads/<id>`).
    Image {
        upload_id: String,
        alt: String,
        #[serde(default)]
        caption: String,
    },
    /// A person the candidate will meet. When `greenhouse_user_id` is set,
    /// the portal also shows these details next to that interviewer.
    Spotlight {
        #[serde(default)]
        greenhouse_user_id: Option<i64>,
        name: String,
        #[serde(default)]
        title: String,
        #[serde(default)]
        bio: String,
        #[serde(default)]
        pronouns: String,
        #[serde(default)]
        linkedin_url: String,
        #[serde(default)]
        photo_upload_id: Option<String>,
    },
}

/// The kinds of block, in the order the editor offers them.
pub const BLOCK_KINDS: [(&str, &str); 6] = [
    ("markdown", "Text"),
    ("video", "Video"),
    ("faq", "FAQ"),
    ("links", "Links"),
    ("image", "Image"),
    ("spotlight", "Interviewer spotlight"),
];

impl BlockContent {
    /// `markdown`, `video`, … (the JSON `kind`).
    pub fn kind(&self) -> &'static str {
        match self {
            BlockContent::Markdown { .. } => "markdown",
            BlockContent::Video { .. } => "video",
            BlockContent::Faq { .. } => "faq",
            BlockContent::Links { .. } => "links",
            BlockContent::Image { .. } => "image",
            BlockContent::Spotlight { .. } => "spotlight",
        }
    }

    /// Checks every field; the error names the field (`markdown`, `url`, …)
    /// and says what is wrong, for the editor to show next to it.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        fn line(
            field: &'static str,
            value: &str,
            required: bool,
        ) -> Result<(), (&'static str, String)> {
            if required && value.trim().is_empty() {
                return Err((field, "This field is required.".to_owned()));
            }
            if value.chars().count() > MAX_LINE {
                return Err((field, format!("Keep this under {MAX_LINE} characters.")));
            }
            if value.contains(['\n', '\r']) {
                return Err((field, "This field is a single line.".to_owned()));
            }
            Ok(())
        }
        fn text(
            field: &'static str,
            value: &str,
            required: bool,
        ) -> Result<(), (&'static str, String)> {
            if required && value.trim().is_empty() {
                return Err((field, "This field is required.".to_owned()));
            }
            if value.chars().count() > MAX_TEXT {
                return Err((field, format!("Keep this under {MAX_TEXT} characters.")));
            }
            Ok(())
        }
        match self {
            BlockContent::Markdown { title, markdown } => {
                line("title", title, false)?;
                text("markdown", markdown, true)
            }
            BlockContent::Video { title, url } => {
                line("title", title, false)?;
                VideoLink::parse(url)
                    .map(|_| ())
                    .map_err(|m| ("url", m.to_owned()))
            }
            BlockContent::Faq { question, answer } => {
                line("question", question, true)?;
                text("answer", answer, true)
            }
            BlockContent::Links { title, links } => {
                line("title", title, false)?;
                if links.is_empty() {
                    return Err(("links", "Add at least one link.".to_owned()));
                }
                if links.len() > MAX_LINKS {
                    return Err(("links", format!("A block holds at most {MAX_LINKS} links.")));
                }
                for link in links {
                    line("links", &link.label, true)?;
                    web_url(&link.url).map_err(|m| ("links", format!("{}: {m}", link.label)))?;
                }
                Ok(())
            }
            BlockContent::Image {
                upload_id,
                alt,
                caption,
            } => {
                if upload_id.is_empty() {
                    return Err(("image", "Choose an image.".to_owned()));
                }
                line("alt", alt, true)?;
                line("caption", caption, false)
            }
            BlockContent::Spotlight {
                name,
                title,
                bio,
                pronouns,
                linkedin_url,
                ..
            } => {
                line("name", name, true)?;
                line("title", title, false)?;
                line("pronouns", pronouns, false)?;
                if bio.chars().count() > 1_000 {
                    return Err(("bio", "Keep the bio under 1000 characters.".to_owned()));
                }
                if !linkedin_url.is_empty() {
                    linkedin(linkedin_url).map_err(|m| ("linkedin_url", m.to_owned()))?;
                }
                Ok(())
            }
        }
    }
}

/// A link in a links block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkItem {
    pub label: String,
    pub url: String,
}

/// A block of a template, keyed by the name of the stage it belongs to
/// (`None`: all stages), so it fits any job with a stage of that name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateBlock {
    pub stage_name: Option<String>,
    pub content: BlockContent,
}

/// An `http(s)` URL with a host, or why not.
pub fn web_url(input: &str) -> Result<String, &'static str> {
    let trimmed = input.trim();
    let lower = trimmed.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err("Links must start with https:// or http://.");
    }
    let rest = &trimmed[trimmed.find("://").map_or(0, |i| i + 3)..];
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || host.contains(['@', ' ', '<', '>', '"', '\\'])
        || rest.contains(char::is_whitespace)
    {
        return Err("This is not a valid web address.");
    }
    if trimmed.chars().count() > 2_000 {
        return Err("This address is too long.");
    }
    Ok(trimmed.to_owned())
}

fn linkedin(input: &str) -> Result<(), &'static str> {
    let url =
        web_url(input).map_err(|_| "Enter a LinkedIn address (https://www.linkedin.com/in/…).")?;
    let host = host_of(&url);
    if host == "linkedin.com" || host.ends_with(".linkedin.com") {
        Ok(())
    } else {
        Err("Enter a LinkedIn address (https://www.linkedin.com/in/…).")
    }
}

/// The lowercase host of a URL that passed [`web_url`], without a port.
fn host_of(url: &str) -> String {
    let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    authority
        .rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(authority, |(host, _)| host)
        .to_ascii_lowercase()
}

/// Parses the links textarea: one `Label | https://…` per line; blank
/// lines are skipped. The error names the line.
pub fn parse_links(text: &str) -> Result<Vec<LinkItem>, String> {
    let mut links = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let Some((label, url)) = line.rsplit_once('|') else {
            return Err(format!(
                "Line {}: write the label, a | and the address, like “Our office | https://…”.",
                number + 1
            ));
        };
        let label = label.trim();
        if label.is_empty() {
            return Err(format!("Line {}: the label is missing.", number + 1));
        }
        let url = web_url(url).map_err(|m| format!("Line {}: {m}", number + 1))?;
        links.push(LinkItem {
            label: label.to_owned(),
            url,
        });
    }
    Ok(links)
}

/// The links textarea's text for a list of links (the inverse of [`parse_links`]).
pub fn format_links(links: &[LinkItem]) -> String {
    links
        .iter()
        .map(|l| format!("{} | {}", l.label, l.url))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A video on an allowed host, reduced to its provider and id, so the page
/// builds the embed address itself (nothing of the pasted URL but the id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum VideoLink {
    YouTube(String),
    Vimeo(String),
    Loom(String),
}

impl VideoLink {
    /// Accepts `youtube.com/watch?v=`, `youtu.be/`, `youtube.com/embed/`,
    /// `youtube.com/shorts/`, `vimeo.com/<n>`, `player.vimeo.com/video/<n>`,
    /// `loom.com/share/<id>` and `loom.com/embed/<id>`.
    pub fn parse(input: &str) -> Result<VideoLink, &'static str> {
        const NOT_ALLOWED: &str = "Paste a YouTube, Vimeo or Loom link (https://…).";
        let url = web_url(input).map_err(|_| NOT_ALLOWED)?;
        let host = host_of(&url);
        let host = host.strip_prefix("www.").unwrap_or(&host).to_owned();
        let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
        let path_and_query = rest.find('/').map_or("", |i| &rest[i..]);
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let path = path.split('#').next().unwrap_or_default();
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let id_ok = |id: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&id.len())
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        match host.as_str() {
            "youtube.com" | "m.youtube.com" | "youtube-nocookie.com" => {
                let id = match segments.as_slice() {
                    ["watch"] => query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("v="))
                        .unwrap_or_default(),
                    ["embed" | "shorts" | "live", id] => id,
                    _ => "",
                };
                if id_ok(id, 11..=11) {
                    Ok(VideoLink::YouTube(id.to_owned()))
                } else {
                    Err("This YouTube link does not name a video.")
                }
            }
            "youtu.be" => match segments.as_slice() {
                [id] if id_ok(id, 11..=11) => Ok(VideoLink::YouTube((*id).to_owned())),
                _ => Err("This YouTube link does not name a video."),
            },
            "vimeo.com" | "player.vimeo.com" => {
                let id = match segments.as_slice() {
                    ["video", id, ..] => id,
                    [id, ..] => id,
                    _ => "",
                };
                if !id.is_empty() && id.len() <= 12 && id.chars().all(|c| c.is_ascii_digit()) {
                    Ok(VideoLink::Vimeo(id.to_owned()))
                } else {
                    Err("This Vimeo link does not name a video.")
                }
            }
            "loom.com" => match segments.as_slice() {
                ["share" | "embed", id] if id_ok(id, 10..=64) => {
                    Ok(VideoLink::Loom((*id).to_owned()))
                }
                _ => Err("This Loom link does not name a video."),
            },
            _ => Err(NOT_ALLOWED),
        }
    }

    pub fn provider(&self) -> &'static str {
        match self {
            VideoLink::YouTube(_) => "YouTube",
            VideoLink::Vimeo(_) => "Vimeo",
            VideoLink::Loom(_) => "Loom",
        }
    }

    /// The privacy-friendly player: YouTube's no-cookie host, Vimeo with
    /// do-not-track. Loaded only when the candidate presses play.
    pub fn embed_url(&self) -> String {
        match self {
            VideoLink::YouTube(id) => {
                format!("https://www.youtube-nocookie.com/embed/{id}?autoplay=1")
            }
            VideoLink::Vimeo(id) => format!("https://player.vimeo.com/video/{id}?dnt=1&autoplay=1"),
            VideoLink::Loom(id) => format!("https://www.loom.com/embed/{id}?autoplay=1"),
        }
    }

    /// The video's page on its provider's site (the link without JavaScript).
    pub fn watch_url(&self) -> String {
        match self {
            VideoLink::YouTube(id) => format!("https://www.youtube.com/watch?v={id}"),
            VideoLink::Vimeo(id) => format!("https://vimeo.com/{id}"),
            VideoLink::Loom(id) => format!("https://www.loom.com/share/{id}"),
        }
    }
}

/// Where the portal's CSP lets video players be framed from.
pub const VIDEO_FRAME_SOURCES: &str =
    "https://www.youtube-nocookie.com https://player.vimeo.com https://www.loom.com";

/// A block as the candidate sees it: rendered and cleaned on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockView {
    /// `html` is sanitized (ammonia) and safe to insert.
    Markdown {
        title: String,
        html: String,
    },
    Video {
        title: String,
        provider: String,
        embed_url: String,
        watch_url: String,
    },
    /// `answer_html` is sanitized.
    Faq {
        question: String,
        answer_html: String,
    },
    Links {
        title: String,
        links: Vec<LinkItem>,
    },
    Image {
        url: String,
        alt: String,
        caption: String,
    },
    Spotlight(SpotlightView),
}

/// An interviewer spotlight, as shown in a block or next to an interviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpotlightView {
    pub greenhouse_user_id: Option<i64>,
    pub name: String,
    pub title: String,
    pub bio: String,
    pub pronouns: String,
    pub linkedin_url: String,
    pub photo_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn video_links_from_the_three_providers_are_recognised() {
        let cases = [
            (
                "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                VideoLink::YouTube("dQw4w9WgXcQ".into()),
            ),
            (
                "https://youtu.be/dQw4w9WgXcQ?t=3",
                VideoLink::YouTube("dQw4w9WgXcQ".into()),
            ),
            (
                "https://youtube.com/embed/dQw4w9WgXcQ",
                VideoLink::YouTube("dQw4w9WgXcQ".into()),
            ),
            (
                "https://vimeo.com/76979871",
                VideoLink::Vimeo("76979871".into()),
            ),
            (
                "https://player.vimeo.com/video/76979871?h=1",
                VideoLink::Vimeo("76979871".into()),
            ),
            (
                "https://www.loom.com/share/0281766fa2d04bb788eaf19e65135184",
                VideoLink::Loom("0281766fa2d04bb788eaf19e65135184".into()),
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(VideoLink::parse(url), Ok(expected), "{url}");
        }
    }

    #[test]
    fn other_hosts_and_schemes_are_refused() {
        for url in [
            "javascript:alert(1)//youtube.com/watch?v=dQw4w9WgXcQ",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=short",
            "https://vimeo.com/abc",
            "data:text/html,hi",
            "https://user@youtube.com/watch?v=dQw4w9WgXcQ",
        ] {
            assert!(VideoLink::parse(url).is_err(), "{url}");
        }
    }

    #[test]
    fn links_round_trip_through_the_textarea_format() {
        let links =
            parse_links("Our office | https://example.com/office\n\n Map|http://maps.example/x ")
                .unwrap_or_default();
        assert_eq!(links.len(), 2);
        assert_eq!(links[1].label, "Map");
        assert_eq!(parse_links(&format_links(&links)), Ok(links));
        assert!(parse_links("no separator").is_err());
        assert!(parse_links("Bad | javascript:alert(1)").is_err());
    }

    use proptest::prelude::*;

    /// The hosts [`VideoLink::parse`] may accept (after `www.`).
    const VIDEO_HOSTS: [&str; 7] = [
        "youtube.com",
        "m.youtube.com",
        "youtube-nocookie.com",
        "youtu.be",
        "vimeo.com",
        "player.vimeo.com",
        "loom.com",
    ];

    /// A label as the editor keeps it: one trimmed, non-empty line (any
    /// characters, `|` included).
    fn label() -> impl Strategy<Value = String> {
        "[^\\r\\n]{1,40}"
            .prop_map(|label| label.trim().to_owned())
            .prop_filter("a label is not blank", |label| !label.is_empty())
    }

    /// A web address [`web_url`] accepts and that has no `|`.
    fn url() -> impl Strategy<Value = String> {
        (
            prop_oneof!["https", "http", "HTTPS"],
            "[a-z0-9][a-z0-9.-]{0,30}(:[0-9]{1,5})?",
            "(/[A-Za-z0-9._~%!$&'()*+,;=:@?#/-]{0,40})?",
        )
            .prop_map(|(scheme, host, path)| format!("{scheme}://{host}{path}"))
    }

    /// Strings that look like video links to an allowed host, a lookalike
    /// or anything else, with odd schemes, user info, ports and paths.
    fn video_like() -> impl Strategy<Value = String> {
        let host = prop_oneof![
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(str::to_owned),
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(|h| format!("www.{h}")),
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(|h| format!("{h}.evil.example")),
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(|h| format!("evil{h}")),
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(|h| format!("user@{h}")),
            prop::sample::select(VIDEO_HOSTS.to_vec()).prop_map(|h| format!("{h}@evil.example")),
            "[a-zA-Z0-9.@:-]{0,30}",
        ];
        (
            prop_oneof![
                "https://",
                "http://",
                "HtTpS://",
                "javascript:",
                "data:",
                "//",
                " https://",
                ""
            ],
            host,
            prop_oneof![
                "/watch\\?v=[A-Za-z0-9_-]{11}",
                "/(embed|shorts|live|share|video)/[A-Za-z0-9_-]{8,20}",
                "/[0-9]{1,12}",
                "/[^ ]{0,30}",
                "",
            ],
        )
            .prop_map(|(scheme, host, path)| format!("{scheme}{host}{path}"))
    }

    proptest! {
        #[test]
        fn valid_links_round_trip_through_the_textarea(
            links in prop::collection::vec((label(), url()), 0..8)
        ) {
            let links: Vec<LinkItem> = links
                .into_iter()
                .map(|(label, url)| LinkItem { label, url })
                .collect();
            prop_assert_eq!(parse_links(&format_links(&links)), Ok(links));
        }

        #[test]
        fn video_links_never_panic_and_accept_only_allowed_hosts(
            input in prop_oneof![video_like(), any::<String>()]
        ) {
            if let Ok(video) = VideoLink::parse(&input) {
                let url = web_url(&input).unwrap_or_default();
                let host = host_of(&url);
                let host = host.strip_prefix("www.").unwrap_or(&host);
                prop_assert!(VIDEO_HOSTS.contains(&host), "{input} → {video:?}");
                prop_assert!(
                    VIDEO_FRAME_SOURCES
                        .split(' ')
                        .any(|source| video.embed_url().starts_with(&format!("{source}/"))),
                    "{input} → {}", video.embed_url()
                );
                let id = match &video {
                    VideoLink::YouTube(id) | VideoLink::Vimeo(id) | VideoLink::Loom(id) => id,
                };
                prop_assert!(
                    id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
                    "{input} → {id}"
                );
            }
        }

        #[test]
        fn accepted_web_addresses_are_http_without_spaces(input in any::<String>()) {
            if let Ok(url) = web_url(&input) {
                let lower = url.to_ascii_lowercase();
                prop_assert!(lower.starts_with("https://") || lower.starts_with("http://"));
                prop_assert!(!url.contains(char::is_whitespace));
                prop_assert!(!host_of(&url).is_empty());
            }
        }
    }
}
