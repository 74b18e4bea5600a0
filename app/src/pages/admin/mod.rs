//! The recruiter dashboard under `/admin`.

mod layout;
mod overview;
mod planned;

pub use layout::AdminLayout;
pub use overview::OverviewPage;
pub use planned::{INTEGRATIONS, JOBS, PlannedPage, SETTINGS};
