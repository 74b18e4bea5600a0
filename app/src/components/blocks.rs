//! Portal content blocks as candidates see them (`BlockView`s the server
//! rendered), and the person card shared by spotlight blocks and the
//! interviewers of an interview.
//!
//! Only the Markdown and FAQ HTML is inserted as HTML: the server rendered
//! it with pulldown-cmark and cleaned it with ammonia. Everything else is
//! text, and links and images are checked again here before use.
//!
//! Videos are a facade: nothing loads from the video's provider until the
//! candidate presses play. With JavaScript the player's frame (the
//! provider's privacy-friendly embed, allowed by the page's `frame-src`)
//! replaces the button; without it the button is a link to the video's page.

use crate::domain::blocks::{BlockView, LinkItem, SpotlightView, web_url};
use leptos::html::Iframe;
use leptos::prelude::*;

/// Consecutive FAQ blocks show as one list.
enum Item {
    Block(BlockView),
    Faq(Vec<(String, String)>),
}

fn grouped(blocks: Vec<BlockView>) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    for block in blocks {
        match (block, items.last_mut()) {
            (
                BlockView::Faq {
                    question,
                    answer_html,
                },
                Some(Item::Faq(entries)),
            ) => entries.push((question, answer_html)),
            (
                BlockView::Faq {
                    question,
                    answer_html,
                },
                _,
            ) => items.push(Item::Faq(vec![(question, answer_html)])),
            (other, _) => items.push(Item::Block(other)),
        }
    }
    items
}

/// A list of blocks, in order.
#[component]
pub fn BlockList(blocks: Vec<BlockView>) -> impl IntoView {
    view! {
        <div class="blocks">
            {grouped(blocks)
                .into_iter()
                .map(|item| match item {
                    Item::Faq(entries) => view! { <FaqBlock entries /> }.into_any(),
                    Item::Block(block) => view! { <Block block /> }.into_any(),
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn Block(block: BlockView) -> impl IntoView {
    match block {
        BlockView::Markdown { title, html } => view! {
            <section class="block block-markdown">
                <BlockTitle title />
                <div class="prose" inner_html=html></div>
            </section>
        }
        .into_any(),
        BlockView::Video {
            title,
            provider,
            embed_url,
            watch_url,
        } => view! { <VideoBlock title provider embed_url watch_url /> }.into_any(),
        BlockView::Faq {
            question,
            answer_html,
        } => view! { <FaqBlock entries=vec![(question, answer_html)] /> }.into_any(),
        BlockView::Links { title, links } => view! { <LinksBlock title links /> }.into_any(),
        BlockView::Image { url, alt, caption } => {
            // Only our own uploads are ever shown.
            url.starts_with("/uploads/")
                .then(|| {
                    view! {
                        <figure class="block block-image">
                            <img src=url alt=alt loading="lazy" />
                            {(!caption.is_empty()).then(|| view! { <figcaption>{caption}</figcaption> })}
                        </figure>
                    }
                })
                .into_any()
        }
        BlockView::Spotlight(spotlight) => view! {
            <section class="block block-spotlight">
                <PersonCard
                    name=spotlight.name.clone()
                    title=Some(spotlight.title.clone()).filter(|t| !t.is_empty())
                    spotlight=Some(spotlight)
                />
            </section>
        }
        .into_any(),
    }
}

#[component]
fn BlockTitle(title: String) -> impl IntoView {
    (!title.trim().is_empty()).then(|| view! { <h3>{title}</h3> })
}

#[component]
fn FaqBlock(entries: Vec<(String, String)>) -> impl IntoView {
    view! {
        <section class="block block-faq">
            <h3>"Questions and answers"</h3>
            {entries
                .into_iter()
                .map(|(question, answer_html)| view! {
                    <details class="faq">
                        <summary>{question}</summary>
                        <div class="prose" inner_html=answer_html></div>
                    </details>
                })
                .collect_view()}
        </section>
    }
}

#[component]
fn LinksBlock(title: String, links: Vec<LinkItem>) -> impl IntoView {
    let links: Vec<LinkItem> = links
        .into_iter()
        .filter(|link| web_url(&link.url).is_ok())
        .collect();
    view! {
        <section class="block block-links">
            <BlockTitle title />
            <ul>
                {links
                    .into_iter()
                    .map(|link| view! {
                        <li><a href=link.url rel="noopener noreferrer nofollow">{link.label}</a></li>
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn VideoBlock(
    title: String,
    provider: String,
    embed_url: String,
    watch_url: String,
) -> impl IntoView {
    let (playing, set_playing) = signal(false);
    let frame = NodeRef::<Iframe>::new();
    // Keyboard users land in the player they asked for.
    Effect::new(move |_| {
        if playing.get()
            && let Some(frame) = frame.get()
        {
            let _ = frame.focus();
        }
    });
    let label = format!("Play video (loads {provider})");
    let frame_title = if title.trim().is_empty() {
        format!("Video ({provider})")
    } else {
        format!("{title} ({provider})")
    };
    let note = format!("Nothing is loaded from {provider} until you press play.");
    view! {
        <section class="block block-video">
            <BlockTitle title />
            <div class="video-frame">
                {move || {
                    if playing.get() {
                        view! {
                            <iframe
                                node_ref=frame
                                src=embed_url.clone()
                                title=frame_title.clone()
                                allow="autoplay; fullscreen; picture-in-picture; encrypted-media"
                                allowfullscreen=true
                                sandbox="allow-scripts allow-same-origin allow-presentation allow-popups allow-popups-to-escape-sandbox"
                                referrerpolicy="strict-origin-when-cross-origin"
                            ></iframe>
                        }
                        .into_any()
                    } else {
                        view! {
                            <a
                                class="video-facade"
                                href=watch_url.clone()
                                rel="noopener noreferrer"
                                on:click=move |event| {
                                    event.prevent_default();
                                    set_playing.set(true);
                                }
                            >
                                <span class="video-play" aria-hidden="true"></span>
                                <span class="video-label">{label.clone()}</span>
                            </a>
                        }
                        .into_any()
                    }
                }}
            </div>
            <p class="form-hint">{note}</p>
        </section>
    }
}

/// "AB" for "Ada Byron": the avatar of someone without a photo.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A person: photo (or initials), name, pronouns, title, and what a
/// spotlight says about them.
#[component]
pub fn PersonCard(
    name: String,
    title: Option<String>,
    spotlight: Option<SpotlightView>,
) -> impl IntoView {
    let photo = spotlight
        .as_ref()
        .and_then(|s| s.photo_url.clone())
        .filter(|url| url.starts_with("/uploads/"));
    let pronouns = spotlight
        .as_ref()
        .map(|s| s.pronouns.clone())
        .filter(|p| !p.trim().is_empty());
    let bio = spotlight
        .as_ref()
        .map(|s| s.bio.clone())
        .filter(|b| !b.trim().is_empty());
    let linkedin = spotlight
        .as_ref()
        .and_then(|s| web_url(&s.linkedin_url).ok());
    let avatar = match photo {
        Some(src) => view! { <img class="avatar" src=src alt="" loading="lazy" /> }.into_any(),
        None => view! { <span class="avatar avatar-initials" aria-hidden="true">{initials(&name)}</span> }
            .into_any(),
    };
    let linkedin_label = format!("{name} on LinkedIn");
    view! {
        <div class="person">
            {avatar}
            <div class="person-text">
                <p class="person-name">
                    <strong>{name}</strong>
                    {pronouns.map(|p| view! { <span class="person-pronouns">{format!(" ({p})")}</span> })}
                </p>
                {title.map(|t| view! { <p class="person-title">{t}</p> })}
                {bio.map(|b| view! { <p class="person-bio">{b}</p> })}
                {linkedin.map(|href| view! {
                    <p class="person-link">
                        <a href=href rel="noopener noreferrer nofollow">{linkedin_label}</a>
                    </p>
                })}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("Ada Byron King"), "AB");
        assert_eq!(initials("émile zola"), "ÉZ");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn consecutive_faqs_form_one_group() {
        let faq = |q: &str| BlockView::Faq {
            question: q.into(),
            answer_html: "<p>a</p>".into(),
        };
        let text = BlockView::Markdown {
            title: String::new(),
            html: String::new(),
        };
        let items = grouped(vec![faq("1"), faq("2"), text, faq("3")]);
        let shape: Vec<usize> = items
            .iter()
            .map(|item| match item {
                Item::Faq(entries) => entries.len(),
                Item::Block(_) => 0,
            })
            .collect();
        assert_eq!(shape, vec![2, 0, 1]);
    }
}
