//! The recruiter dashboard under `/admin`.

mod integrations;
mod jobs;
mod layout;
pub mod lazy;
mod overview;
mod portal_editor;
mod portal_preview;
mod settings;
mod sign_in;
mod users;

pub use integrations::IntegrationsPage;
pub use jobs::{ActiveJobsPage, AtsJobsPage};
pub use layout::AdminLayout;
pub use overview::OverviewPage;
pub use portal_editor::PortalEditorPage;
pub use portal_preview::PortalPreviewPage;
pub use settings::SettingsPage;
pub use sign_in::{CheckEmailPage, SignInLinkPage, SignInPage};
pub use users::UsersPage;
