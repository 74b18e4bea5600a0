//! The Greenhouse resources Trellis mirrors, named as Harvest v3 names them
//! (each is a `/v3/<name>` list endpoint). Both Harvest versions fill the
//! same tables.

use serde::{Deserialize, Serialize};

macro_rules! resources {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// One mirrored Greenhouse resource (one table, one v3 list endpoint).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Resource { $($variant),* }

        impl Resource {
            /// Every resource, in the order a sync fetches them (reference
            /// lists first, so that a run stopped early still has them).
            pub const ALL: [Resource; [$($name),*].len()] = [$(Resource::$variant),*];

            /// The v3 name: the path under `/v3/`, the key in `sync status --json`.
            pub const fn name(self) -> &'static str {
                match self { $(Resource::$variant => $name),* }
            }
        }
    };
}

resources! {
    UserRoles => "user_roles",
    Departments => "departments",
    Offices => "offices",
    Sources => "sources",
    CloseReasons => "close_reasons",
    RejectionReasons => "rejection_reasons",
    CandidateTags => "candidate_tags",
    Users => "users",
    Jobs => "jobs",
    JobHiringManagers => "job_hiring_managers",
    JobOwners => "job_owners",
    Openings => "openings",
    JobPosts => "job_posts",
    JobInterviewStages => "job_interview_stages",
    JobInterviews => "job_interviews",
    UserJobPermissions => "user_job_permissions",
    Candidates => "candidates",
    AppliedCandidateTags => "applied_candidate_tags",
    Applications => "applications",
    Offers => "offers",
    Interviews => "interviews",
    Interviewers => "interviewers",
}

impl Resource {
    /// Parses a v3 resource name (`"job_posts"`).
    pub fn from_name(name: &str) -> Option<Resource> {
        Resource::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The OAuth scope a v3 credential needs to list this resource.
    pub fn v3_scope(self) -> String {
        format!("harvest:{}:list", self.name())
    }
}

impl std::fmt::Display for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names: Vec<_> = Resource::ALL.iter().map(|r| r.name()).collect();
        for r in Resource::ALL {
            assert_eq!(Resource::from_name(r.name()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.name());
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Resource::ALL.len());
        assert_eq!(Resource::from_name("scorecards"), None);
        assert_eq!(Resource::Jobs.v3_scope(), "harvest:jobs:list");
    }
}
