//! The recruiter dashboard under `/admin`.

mod integrations;
mod layout;
mod overview;
mod planned;
mod settings;
mod sign_in;
mod users;

pub use integrations::IntegrationsPage;
pub use layout::{AdminLayout, CurrentMe, use_can, use_me};
pub use overview::OverviewPage;
pub use sign_in::{CheckEmailPage, SignInLinkPage, SignInPage};
pub use users::UsersPage;
pub use planned::{JOBS, PlannedPage};
pub use settings::SettingsPage;
