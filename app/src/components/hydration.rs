//! What differs between the server render and the hydrated page.

use leptos::prelude::*;

/// `true` once the browser has hydrated the page; controls that need
/// JavaScript stay disabled until then.
pub fn use_hydrated() -> ReadSignal<bool> {
    let (hydrated, set_hydrated) = signal(false);
    // Effects never run on the server, only after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    hydrated
}

/// Sets `data-hydrated="true"` on `<html>` once the app is interactive, so
/// people (and end-to-end tests) can tell a hydrated page from a static one.
pub fn mark_document_hydrated() {
    Effect::new(move |_| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
}

/// The organization whose portal this host serves (`acme` on
/// `acme.localhost:3000`), read from the request on the server and from the
/// `<meta name="trellis-portal">` the server wrote, in the browser.
pub fn current_portal_subdomain() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        crate::ssr::context::request_portal_subdomain()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .query_selector("meta[name=trellis-portal]")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
    }
}
