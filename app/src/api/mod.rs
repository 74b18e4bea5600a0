//! Server functions (thin glue over `ssr::services`) and the plain DTOs they
//! return, which both the server and the browser compile.

pub mod candidate_portal;
pub mod candidate_sign_in;
pub mod dev_mailbox;
pub mod integrations;
pub mod jobs;
pub mod organizations;
pub mod portal;
pub mod portal_editor;
pub mod session;
pub mod settings;
pub mod sign_in;
pub mod users;
