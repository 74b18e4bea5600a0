//! The dashboard's routes, lazy-loaded: `cargo leptos build --split` (every
//! build in the Makefile) puts each page's code in a wasm chunk of its own
//! that the browser fetches when a dashboard page is shown, so candidate
//! portal pages never download the dashboard. A build without `--split`
//! does not hydrate: its script imports a placeholder module. On the server
//! they are ordinary routes.
//!
//! The routes have no data of their own (the pages load theirs with
//! resources): `view` renders the page component.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// `lazy_page!(Route => Page)`: a lazy route that renders `<Page />`.
macro_rules! lazy_page {
    ($($(#[$doc:meta])* $route:ident => $($page:ident)::+;)+) => {$(
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                view! { <$($page)::+ /> }.into_any()
            }
        }
    )+};
}

lazy_page! {
    /// The dashboard frame around every page under `/admin`.
    AdminLayoutRoute => super::AdminLayout;
    OverviewRoute => super::OverviewPage;
    UsersRoute => super::UsersPage;
    AtsJobsRoute => super::AtsJobsPage;
    ActiveJobsRoute => super::ActiveJobsPage;
    PortalEditorRoute => super::PortalEditorPage;
    PortalPreviewRoute => super::PortalPreviewPage;
    SettingsRoute => super::SettingsPage;
    IntegrationsRoute => super::IntegrationsPage;
    /// The dev mailbox (demo and development only).
    DevMailboxRoute => crate::pages::dev_mailbox::DevMailboxPage;
}
