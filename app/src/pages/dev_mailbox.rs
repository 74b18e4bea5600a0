//! `/dev/mailbox`: the emails Trellis sent, newest first (demo and
//! development set-ups, where no SMTP server is configured).

use crate::api::dev_mailbox::{DevMail, get_dev_mailbox};
use crate::components::{error_panel::ErrorPanel, time::format_utc};
use crate::error::AppError;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::Title;

/// A piece of an email body: text, or a link to follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(String),
}

/// Splits a plain-text body into text and `http(s)://` links.
pub fn linkify(body: &str) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    for (index, word) in body.split(' ').enumerate() {
        if index > 0 {
            text.push(' ');
        }
        // A word may start a line: keep what precedes the URL as text.
        let start = ["https://", "http://"]
            .iter()
            .filter_map(|scheme| word.find(scheme))
            .min();
        match start {
            Some(at) => {
                let (before, url) = word.split_at(at);
                let end = url.find(char::is_whitespace).unwrap_or(url.len());
                let (url, after) = url.split_at(end);
                text.push_str(before);
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Link(url.to_owned()));
                text.push_str(after);
            }
            None => text.push_str(word),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

#[component]
pub fn DevMailboxPage() -> impl IntoView {
    let refreshes = RwSignal::new(0_u32);
    let mail = Resource::new(move || refreshes.get(), |_| get_dev_mailbox());
    let refresh = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        refreshes.update(|n| *n += 1);
    };
    view! {
        <Title text="Dev mailbox" />
        <Transition fallback=|| view! { <p class="muted">"Loading mail…"</p> }>
            {move || Suspend::new(async move {
                match mail.await {
                    Ok(messages) => view! {
                        <main id="main" class="mailbox">
                            <header class="page-header">
                                <div>
                                    <h1>"Dev mailbox"</h1>
                                    <p class="page-description">
                                        "No SMTP server is configured (TRELLIS_SMTP_URL), so the emails Trellis sends appear here instead. Only this machine can open this page."
                                    </p>
                                </div>
                                <div class="page-actions">
                                    <a class="button button-secondary" href="/dev/mailbox" on:click=refresh>"Refresh"</a>
                                </div>
                            </header>
                            <Messages messages />
                        </main>
                    }.into_any(),
                    Err(AppError::NotFound { .. }) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <main id="main" class="mailbox"><ErrorPanel error /></main> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Messages(messages: Vec<DevMail>) -> impl IntoView {
    if messages.is_empty() {
        return view! {
            <div class="card empty-state">
                <h2>"No mail yet"</h2>
                <p>"Ask for a sign-in link on the "<a href="/admin/sign-in">"sign-in page"</a>", then refresh."</p>
            </div>
        }
        .into_any();
    }
    view! {
        <ol class="mail-list">
            {messages.into_iter().map(|mail| view! { <Message mail /> }).collect_view()}
        </ol>
    }
    .into_any()
}

#[component]
fn Message(mail: DevMail) -> impl IntoView {
    let heading_id = format!("mail-{}", mail.id);
    let labelled_by = heading_id.clone();
    let body = linkify(&mail.text)
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => view! { <span>{text}</span> }.into_any(),
            Piece::Link(url) => view! { <a href=url.clone()>{url.clone()}</a> }.into_any(),
        })
        .collect_view();
    view! {
        <li class="card mail" aria-labelledby=labelled_by>
            <h2 id=heading_id>{mail.subject}</h2>
            <p class="muted small">"To "{mail.to}" · "{format_utc(&mail.sent_at)}</p>
            <div class="mail-body">{body}</div>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_found_in_plain_text() {
        let pieces = linkify(
            "Open this:\nhttp://localhost:3000/admin/sign-in/link?token=a-b_c\n\nOr the code ABCD.",
        );
        assert_eq!(
            pieces,
            vec![
                Piece::Text("Open this:\n".into()),
                Piece::Link("http://localhost:3000/admin/sign-in/link?token=a-b_c".into()),
                Piece::Text("\n\nOr the code ABCD.".into()),
            ]
        );
    }

    #[test]
    fn text_without_links_is_one_piece() {
        assert_eq!(
            linkify("no links here"),
            vec![Piece::Text("no links here".into())]
        );
        assert_eq!(linkify(""), vec![]);
    }
}
