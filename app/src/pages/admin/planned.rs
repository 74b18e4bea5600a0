//! Dashboard sections whose features are not built yet. Each says plainly
//! what it will do, so nothing pretends to work.

use crate::components::page_header::{NotYetAvailable, PageHeader};
use leptos::prelude::*;

/// What a section will offer, in the words its page uses.
pub struct PlannedSection {
    pub title: &'static str,
    pub description: &'static str,
    pub heading: &'static str,
    pub summary: &'static str,
    pub plans: &'static [&'static str],
}

pub const JOBS: PlannedSection = PlannedSection {
    title: "Jobs",
    description: "Every Greenhouse job, and the ones with a candidate portal.",
    heading: "No jobs to show yet",
    summary: "Jobs appear here once Greenhouse is connected and synced. Connecting Greenhouse is not available in this version.",
    plans: &[
        "ATS tab: every Greenhouse job with its department, office, status and active candidates.",
        "Search and filter by status, department and office.",
        "Activate a job to give its candidates a portal; the Active tab lists those jobs.",
    ],
};

#[component]
pub fn PlannedPage(section: &'static PlannedSection) -> impl IntoView {
    view! {
        <PageHeader title=section.title description=section.description />
        <NotYetAvailable heading=section.heading summary=section.summary plans=section.plans />
    }
}
