//! Forms that work with and without JavaScript.
//!
//! Every mutating form is an `ActionForm` posting to a server function.
//! Hydrated, it submits with `fetch` and the page updates in place. Without
//! JavaScript the browser posts the form; the server function redirects back
//! (to the `Referer`, or to where it calls `leptos_axum::redirect`), and an
//! error travels in the query string (`__path`, `__err`) so the page can
//! show it next to its field. `provide_form_errors` puts that error where
//! `ServerAction::new` finds it, on the server and in the browser alike.

use crate::error::AppError;
use leptos::prelude::*;
use leptos::server::ServerActionError;
use leptos::server_fn::ServerFn;

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
    error: Signal<Option<AppError>>,
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
    error: Signal<Option<AppError>>,
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
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let failed = |message: &str| AppError::Transport {
        message: message.to_owned(),
    };
    let data =
        web_sys::FormData::new_with_form(form).map_err(|_| failed("the form could not be read"))?;
    let headers = web_sys::Headers::new().map_err(|_| failed("the request could not be built"))?;
    headers
        .set("Accept", "application/json")
        .map_err(|_| failed("the request could not be built"))?;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&data);
    init.set_headers(&headers);
    let response = JsFuture::from(window().fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| failed("the upload did not reach the server; check your connection"))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| failed("the server's answer was unreadable"))?;
    let status = response.status();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default(),
        Err(_) => String::new(),
    };
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|_| failed("the server's answer was unreadable"))
    } else {
        Err(serde_json::from_str::<AppError>(&text).unwrap_or_else(|_| {
            if status == 413 {
                too_large()
            } else {
                failed(&format!("the server answered {status}"))
            }
        }))
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
