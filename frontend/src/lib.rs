//! The browser entry point: hydrates the server-rendered page (waiting for
//! the wasm chunk of a lazy-loaded route first).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
