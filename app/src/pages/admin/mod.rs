//! The recruiter dashboard under `/admin`.

mod layout;
mod overview;
mod planned;
mod sign_in;

pub use layout::{AdminLayout, CurrentMe, use_can, use_me};
pub use overview::OverviewPage;
pub use sign_in::{CheckEmailPage, SignInLinkPage, SignInPage};
pub use planned::{INTEGRATIONS, JOBS, PlannedPage, SETTINGS};
