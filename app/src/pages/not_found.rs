use leptos::prelude::*;
use leptos_meta::Title;

/// Any path no route matches; answers with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main id="main" class="centered-page">
            <div class="card narrow">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address. Check the link, or start again from the home page."</p>
                <p><a class="button" href="/">"Go to the home page"</a></p>
            </div>
        </main>
    }
}
