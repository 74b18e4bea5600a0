use super::hydration::use_hydrated;
use leptos::prelude::*;

/// Copies `text` to the clipboard. It needs JavaScript, so it is disabled
/// until the page has hydrated; the text itself is always shown beside it.
#[component]
pub fn CopyButton(
    #[prop(into)] text: String,
    /// What is copied, for screen readers: "Copy portal link".
    #[prop(into)]
    label: String,
) -> impl IntoView {
    let hydrated = use_hydrated();
    let (status, set_status) = signal(String::new());
    let copy = move |_| {
        let text = text.clone();
        leptos::task::spawn_local(async move {
            let outcome = write_to_clipboard(&text).await;
            set_status.set(match outcome {
                Ok(()) => "Copied".to_owned(),
                Err(()) => "Copy failed: select the link and copy it by hand".to_owned(),
            });
        });
    };
    view! {
        <span class="copy">
            <button
                type="button"
                class="button button-small"
                aria-label=label
                disabled=move || !hydrated.get()
                title=move || (!hydrated.get()).then_some("Needs JavaScript")
                on:click=copy
            >
                "Copy"
            </button>
            <span class="copy-status" role="status" aria-live="polite">
                {move || status.get()}
            </span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
async fn write_to_clipboard(text: &str) -> Result<(), ()> {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map(|_| ())
        .map_err(|_| ())
}

#[cfg(not(feature = "hydrate"))]
async fn write_to_clipboard(_text: &str) -> Result<(), ()> {
    // The button is disabled until hydration, so this is never reached.
    Err(())
}
