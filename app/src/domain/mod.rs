//! Domain types shared by the server and the browser, so both validate alike.

pub mod blocks;
pub mod color;
pub mod email;
pub mod host;
pub mod resource;
pub mod role;
pub mod subdomain;
pub mod time_zones;

pub use email::normalize_email;
pub use host::portal_subdomain_of;
pub use resource::Resource;
pub use role::Role;
pub use subdomain::{Subdomain, SubdomainError};
