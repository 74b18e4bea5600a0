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
