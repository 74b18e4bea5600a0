//! SeaORM entities. Every table but `organizations` carries `organization_id`.

pub mod organization;
