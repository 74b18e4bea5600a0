//! Domain types shared by the server and the browser, so both validate alike.

pub mod host;
pub mod resource;
pub mod subdomain;

pub use host::portal_subdomain_of;
pub use resource::Resource;
pub use subdomain::{Subdomain, SubdomainError};
