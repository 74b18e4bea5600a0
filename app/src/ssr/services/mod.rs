//! Services: the application's logic over the database, called by server
//! functions and the CLI, and unit-tested without HTTP.

pub mod candidate_portal;
pub mod dev_mailbox;
pub mod integrations;
pub mod jobs;
pub mod organizations;
pub mod portal;
pub mod portal_content;
pub mod portal_editor;
pub mod portal_invites;
pub mod recruiters;
pub mod settings;
pub mod templates;
pub mod uploads;
