//! SeaORM entities. Every table but `organizations` carries `organization_id`.

pub mod greenhouse;
pub mod organization;
pub mod sync;
