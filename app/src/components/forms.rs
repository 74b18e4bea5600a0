//! Forms that work with and without JavaScript.
//!
//! Every mutating form posts to a server function. Without JavaScript the
//! browser posts the form; the server function redirects back (to the
//! `Referer`, or to where it calls `leptos_axum::redirect`), and an error
//! travels in the query string (`__path`, `__err`) so the page can show it
//! next to its field. `provide_form_errors` puts that error where
//! `ServerAction::new` and [`form_error`] find it, on the server and in the
//! browser alike.
//!
//! Hydrated, a form submits with `fetch` and the page updates in place:
//! the dashboard's forms are `ActionForm`s (typed results); the sign-in,
//! sign-out and time-zone forms that every portal page carries are
//! [`PostForm`]s, which need no code per server function in the wasm.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;
use leptos::server_fn::error::ServerFnUrlError;

/// Reads `__path`/`__err` from the current URL and provides them to the
/// server actions of this page (call once, at the root of the app).
pub fn provide_form_errors() {
    let query = current_query();
    let mut path = None;
    let mut err = None;
    for (key, value) in url_pairs(&query) {
        match key.as_str() {
            "__path" => path = Some(value),
            "__err" => err = Some(value),
            _ => {}
        }
    }
    if let (Some(path), Some(err)) = (path, err) {
        provide_context(ServerActionError::new(&path, &err));
    }
}

fn current_query() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.uri.query().map(str::to_owned))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window()
            .location()
            .search()
            .ok()
            .map(|s| s.trim_start_matches('?').to_owned())
            .unwrap_or_default()
    }
}

/// `a=1&b=%20x` → `[("a","1"), ("b"," x")]`.
pub fn url_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect()
}

/// Percent-encodes a query-string value (everything but unreserved bytes).
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Decodes `%xx` escapes and `+` as space; leaves malformed escapes as they are.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The error a plain post to the server function at `path` came back
/// with (see [`provide_form_errors`]); [`PostForm`] replaces it with the
/// outcome of each submission.
pub fn form_error(path: &'static str) -> RwSignal<Option<AppError>> {
    let refused = use_context::<ServerActionError>()
        .filter(|error| error.path() == path)
        .map(|error| ServerFnUrlError::<AppError>::decode_err(error.err()));
    RwSignal::new(refused)
}

/// A form posting to the server function at `path`
/// (`<SomeFn as ServerFn>::PATH`), with or without JavaScript.
///
/// Hydrated, it posts with `fetch` and stays on the page: a refusal lands in
/// `error` (the typed text stays), a success that redirects opens where it
/// points, and any other success runs `on_success`. While a post is under
/// way the form is `aria-busy` and ignores further submits.
#[component]
pub fn PostForm(
    path: &'static str,
    error: RwSignal<Option<AppError>>,
    #[prop(optional)] class: &'static str,
    #[prop(optional, into)] on_success: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        let Some(form) = form_of(&ev) else {
            return;
        };
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        leptos::task::spawn_local(async move {
            match post_form(&form, path).await {
                Ok(Some(location)) => {
                    // Off to the page the function chose. Not left busy: a
                    // page restored from the back-forward cache keeps this
                    // state, and its form must work again.
                    busy.set(false);
                    let _ = window().location().set_href(&location);
                }
                Ok(None) => {
                    error.set(None);
                    busy.set(false);
                    if let Some(done) = on_success {
                        done.run(());
                    }
                }
                Err(refused) => {
                    error.set(Some(refused));
                    busy.set(false);
                }
            }
        });
    };
    view! {
        <form method="post" action=path class=class aria-busy=move || busy.get().then_some("true") on:submit=submit>
            {children()}
        </form>
    }
}

/// Posts `form`'s fields to the server function at `path` as the browser
/// would, but asking for JSON: `Some(location)` when the function
/// redirects, `None` for another success, or the error it refused with.
#[cfg(feature = "hydrate")]
async fn post_form(
    form: &web_sys::HtmlFormElement,
    path: &str,
) -> Result<Option<String>, AppError> {
    let data = web_sys::FormData::new_with_form(form).map_err(|_| unreadable_form())?;
    let fields = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data)
        .map_err(|_| unreadable_form())?;
    post_fields(path, &String::from(fields.to_string())).await
}

#[cfg(feature = "hydrate")]
fn unreadable_form() -> AppError {
    AppError::Transport {
        message: "the form could not be read".to_owned(),
    }
}

/// Posts `body` (`application/x-www-form-urlencoded`) to the server
/// function at `path`, asking for JSON; see [`post_form`].
#[cfg(feature = "hydrate")]
pub async fn post_fields(path: &str, body: &str) -> Result<Option<String>, AppError> {
    let body = wasm_bindgen::JsValue::from_str(body);
    let response = fetch::post(path, &body, Some("application/x-www-form-urlencoded")).await?;
    if fetch::succeeded(&response) {
        return Ok(response.headers().get("Location").ok().flatten());
    }
    Err(fetch::refusal(
        &response,
        fetch::text(&response).await,
        || None,
    ))
}

/// Effects never run on the server.
#[cfg(not(feature = "hydrate"))]
pub async fn post_fields(_path: &str, _body: &str) -> Result<Option<String>, AppError> {
    Err(AppError::Transport {
        message: "posting in place needs the browser".to_owned(),
    })
}

/// On the server the submit handlers that call this never run.
#[cfg(not(feature = "hydrate"))]
async fn post_form(
    _form: &web_sys::HtmlFormElement,
    _path: &str,
) -> Result<Option<String>, AppError> {
    Err(AppError::Transport {
        message: "posting in place needs the browser".to_owned(),
    })
}

/// The error of the latest submission of `action`, if it failed.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || action.value().get().and_then(Result::err))
}

/// Whether the latest submission of `action` succeeded.
pub fn action_succeeded<S>(action: ServerAction<S>) -> Signal<bool>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || matches!(action.value().get(), Some(Ok(_))))
}

/// The message for `field`, shown under its input and tied to it with
/// `aria-describedby="<id>"`; empty when the error concerns another field.
#[component]
pub fn FieldError(
    #[prop(into)] error: Signal<Option<AppError>>,
    field: &'static str,
    /// The element id the input points at with `aria-describedby`.
    id: &'static str,
) -> impl IntoView {
    let message = move || {
        error
            .get()
            .filter(|e| e.field() == Some(field))
            .map(|e| e.to_string())
    };
    view! {
        <p class="field-error" id=id role="alert" hidden=move || message().is_none()>
            {message}
        </p>
    }
}

/// A form-level error (one without a field, or one whose field is not
/// on this form, listed in `fields`).
#[component]
pub fn FormError(
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    let shown = move || {
        error
            .get()
            .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
    };
    view! {
        {move || shown().map(|error| view! { <crate::components::error_panel::ErrorPanel error /> })}
    }
}

/// A quiet confirmation that screen readers announce.
#[component]
pub fn SavedNotice(#[prop(into)] shown: Signal<bool>, message: &'static str) -> impl IntoView {
    view! {
        <p class="status-line status-success" role="status" aria-live="polite">
            {move || shown.get().then_some(message)}
        </p>
    }
}

/// The form a submit event came from.
pub fn form_of(ev: &leptos::ev::SubmitEvent) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|target| target.dyn_into::<web_sys::HtmlFormElement>().ok())
}

/// Posts `form` (with its files) to `path` as the hydrated page does, asking
/// for JSON: the value the route answered, or the error it refused with.
/// `too_large` stands for a 413 that came without a JSON body (from the
/// body-size limit in front of the route).
#[cfg(feature = "hydrate")]
pub async fn post_form_for_json<T: serde::de::DeserializeOwned>(
    form: &web_sys::HtmlFormElement,
    path: &str,
    too_large: impl FnOnce() -> AppError,
) -> Result<T, AppError> {
    let data = web_sys::FormData::new_with_form(form).map_err(|_| unreadable_form())?;
    let response = fetch::post(path, &data, None).await?;
    let text = fetch::text(&response).await;
    if fetch::succeeded(&response) {
        serde_json::from_str(&text).map_err(|_| fetch::failed("the server's answer was unreadable"))
    } else {
        let too_large = (response.status() == 413).then(too_large);
        Err(fetch::refusal(&response, text, || too_large))
    }
}

/// The `fetch` calls behind [`post_fields`] and [`post_form_for_json`].
#[cfg(feature = "hydrate")]
mod fetch {
    use crate::error::AppError;
    use leptos::prelude::window;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    pub fn failed(message: &str) -> AppError {
        AppError::Transport {
            message: message.to_owned(),
        }
    }

    /// POSTs `body` to `path` asking for JSON (`content_type`: none for
    /// `FormData`, which sets its own).
    pub async fn post(
        path: &str,
        body: &JsValue,
        content_type: Option<&str>,
    ) -> Result<web_sys::Response, AppError> {
        let unbuilt = |_| failed("the request could not be built");
        let headers = web_sys::Headers::new().map_err(unbuilt)?;
        headers.set("Accept", "application/json").map_err(unbuilt)?;
        if let Some(content_type) = content_type {
            headers.set("Content-Type", content_type).map_err(unbuilt)?;
        }
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(body);
        init.set_headers(&headers);
        JsFuture::from(window().fetch_with_str_and_init(path, &init))
            .await
            .map_err(|_| failed("the form did not reach the server; check your connection"))?
            .dyn_into()
            .map_err(|_| failed("the server's answer was unreadable"))
    }

    pub fn succeeded(response: &web_sys::Response) -> bool {
        (200..300).contains(&response.status())
    }

    /// The response's body as text (empty when unreadable).
    pub async fn text(response: &web_sys::Response) -> String {
        match response.text() {
            Ok(promise) => JsFuture::from(promise)
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// The error a refused post answered with: its JSON body, else
    /// `otherwise`'s, else one naming the status.
    pub fn refusal(
        response: &web_sys::Response,
        text: String,
        otherwise: impl FnOnce() -> Option<AppError>,
    ) -> AppError {
        serde_json::from_str::<AppError>(&text)
            .ok()
            .or_else(otherwise)
            .unwrap_or_else(|| failed(&format!("the server answered {}", response.status())))
    }
}

/// On the server the submit handlers that call this never run.
#[cfg(not(feature = "hydrate"))]
pub async fn post_form_for_json<T>(
    _form: &web_sys::HtmlFormElement,
    _path: &str,
    _too_large: impl FnOnce() -> AppError,
) -> Result<T, AppError> {
    Err(AppError::Transport {
        message: "uploading needs the browser".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_pairs_are_decoded() {
        assert_eq!(
            url_pairs("a=1&b=%20x+y&c&__err=%7B%22k%22%7D"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), " x y".into()),
                ("c".into(), "".into()),
                ("__err".into(), "{\"k\"}".into()),
            ]
        );
    }

    #[test]
    fn malformed_escapes_survive() {
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_encode("a b&é/"), "a%20b%26%C3%A9%2F");
        assert_eq!(percent_decode(&percent_encode("a b&é/")), "a b&é/");
    }
}
