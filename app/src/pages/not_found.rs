use leptos::prelude::*;
use leptos_meta::Title;

/// A short message on a page of its own: not found, gone, sent.
#[component]
pub fn MessagePage(#[prop(into)] title: String, children: Children) -> impl IntoView {
    view! {
        <Title text=title.clone() />
        <main id="main" class="centered-page">
            <div class="card narrow">
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}

/// Any path no route matches; answers with status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <MessagePage title="Page not found">
            <p>"There is nothing at this address. Check the link, or start again from the home page."</p>
            <p><a class="button" href="/">"Go to the home page"</a></p>
        </MessagePage>
    }
}
