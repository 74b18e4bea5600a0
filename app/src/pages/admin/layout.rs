use leptos::prelude::*;
use leptos_router::components::{A, Outlet};

/// The dashboard frame: navigation on the left (on top on phones), the page
/// on the right.
#[component]
pub fn AdminLayout() -> impl IntoView {
    view! {
        <div class="admin">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <aside class="admin-sidebar">
                <a class="admin-brand" href="/admin">"Trellis"</a>
                <nav class="admin-nav" aria-label="Dashboard">
                    <A href="/admin" exact=true>"Overview"</A>
                    <A href="/admin/jobs">"Jobs"</A>
                    <A href="/admin/settings">"Settings"</A>
                    <A href="/admin/integrations">"Integrations"</A>
                </nav>
            </aside>
            <main id="main" class="admin-main" tabindex="-1">
                <p class="notice notice-warning preview-banner">
                    "Preview: recruiter sign-in is not built yet, so this dashboard is read-only and visible to anyone who can reach this server."
                </p>
                <Outlet />
            </main>
        </div>
    }
}
