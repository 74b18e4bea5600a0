//! The recruiter dashboard under `/admin`.

mod layout;
mod overview;
mod planned;

pub use layout::{AdminLayout, CurrentMe, use_can, use_me};
pub use overview::OverviewPage;
pub use planned::{INTEGRATIONS, JOBS, PlannedPage, SETTINGS};
