use leptos::prelude::*;
use leptos_meta::Title;

/// A dashboard page's title row, with its main action on the right.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] description: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=title.clone() />
        <header class="page-header">
            <div>
                <h1>{title}</h1>
                {description.map(|text| view! { <p class="page-description">{text}</p> })}
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </header>
    }
}

/// A feature that is planned but not built yet, said plainly.
#[component]
pub fn NotYetAvailable(
    #[prop(into)] heading: String,
    /// One sentence on what this page will do.
    #[prop(into)]
    summary: String,
    /// What a user will be able to do here, one line each.
    plans: &'static [&'static str],
) -> impl IntoView {
    view! {
        <section class="card empty-state" aria-labelledby="not-yet">
            <h2 id="not-yet">{heading}</h2>
            <p>{summary}</p>
            <ul class="plan-list">{plans.iter().map(|line| view! { <li>{*line}</li> }).collect_view()}</ul>
        </section>
    }
}
