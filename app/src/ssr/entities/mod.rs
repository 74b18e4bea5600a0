//! SeaORM entities. Every table but `organizations` carries `organization_id`.

pub mod dashboard;
pub mod greenhouse;
pub mod joined;
pub mod organization;
pub mod portal_content;
pub mod sync;
