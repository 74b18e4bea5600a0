//! Domain types shared by the server and the browser, so both validate alike.

pub mod host;
pub mod subdomain;

pub use host::portal_subdomain_of;
pub use subdomain::{Subdomain, SubdomainError};
