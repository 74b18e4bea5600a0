//! The simulator's data: one vector of v3 models per resource, each sorted by
//! id ascending (lists page through them backwards, v3 order is id
//! descending). Generic code reaches the 22 tables through [`Visit`] and
//! [`VisitMut`], dispatched by one macro over the shared resource list.

use app::{
    domain::Resource,
    ssr::entities::greenhouse::{self as gh, Records},
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::HashSet;

/// What generic code needs from a row of any resource.
pub trait Row: Serialize + Clone + Send + Sync + 'static {
    fn id(&self) -> i64;
    fn created_at(&self) -> Option<DateTime<Utc>>;
    fn updated_at(&self) -> Option<DateTime<Utc>>;

    /// A timestamp field by its v3 name. `created_at` and `updated_at` are
    /// read directly; other fields (`last_activity_at`, …) through the row's
    /// JSON, `None` when the row has no such field.
    fn time(&self, field: &str) -> Option<DateTime<Utc>> {
        match field {
            "created_at" => self.created_at(),
            "updated_at" => self.updated_at(),
            other => {
                let json = serde_json::to_value(self).ok()?;
                json.get(other)?.as_str()?.parse().ok()
            }
        }
    }
}

/// A computation over the rows of one resource, whatever its type.
pub trait Visit {
    type Output;
    fn visit<R: Row>(self, rows: &[R]) -> Self::Output;
}

/// A change to the rows of one resource, whatever its type.
pub trait VisitMut {
    type Output;
    fn visit<R: Row>(self, rows: &mut Vec<R>) -> Self::Output;
}

macro_rules! tables {
    (() $($variant:ident => $module:ident),* $(,)?) => {
        /// Every resource's rows, each table sorted by id.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Tables {
            $(pub $module: Vec<gh::$module::Model>,)*
        }

        impl Tables {
            /// A copy of `resource`'s rows.
            pub fn records(&self, resource: Resource) -> Records {
                match resource {
                    $(Resource::$variant => Records::$variant(self.$module.clone()),)*
                }
            }

            /// Runs `visitor` over `resource`'s rows.
            pub fn visit<V: Visit>(&self, resource: Resource, visitor: V) -> V::Output {
                match resource {
                    $(Resource::$variant => visitor.visit(&self.$module),)*
                }
            }

            /// Runs `visitor` over `resource`'s rows, mutably.
            pub fn visit_mut<V: VisitMut>(&mut self, resource: Resource, visitor: V) -> V::Output {
                match resource {
                    $(Resource::$variant => visitor.visit(&mut self.$module),)*
                }
            }
        }

        $(
            impl Row for gh::$module::Model {
                fn id(&self) -> i64 {
                    self.id
                }
                fn created_at(&self) -> Option<DateTime<Utc>> {
                    self.created_at
                }
                fn updated_at(&self) -> Option<DateTime<Utc>> {
                    self.updated_at
                }
            }
        )*
    };
}
app::greenhouse_resource_list!(tables!());

struct Len;
impl Visit for Len {
    type Output = usize;
    fn visit<R: Row>(self, rows: &[R]) -> usize {
        rows.len()
    }
}

struct MaxId;
impl Visit for MaxId {
    type Output = i64;
    fn visit<R: Row>(self, rows: &[R]) -> i64 {
        rows.last().map_or(0, Row::id)
    }
}

struct SortById;
impl VisitMut for SortById {
    type Output = ();
    fn visit<R: Row>(self, rows: &mut Vec<R>) {
        rows.sort_by_key(Row::id);
    }
}

/// Removes the rows whose id is in the set; returns the removed ids.
struct RemoveIds<'a>(&'a HashSet<i64>);
impl VisitMut for RemoveIds<'_> {
    type Output = Vec<i64>;
    fn visit<R: Row>(self, rows: &mut Vec<R>) -> Vec<i64> {
        let mut removed = Vec::new();
        rows.retain(|row| {
            let gone = self.0.contains(&row.id());
            if gone {
                removed.push(row.id());
            }
            !gone
        });
        removed
    }
}

impl Tables {
    /// How many rows `resource` has.
    pub fn len(&self, resource: Resource) -> usize {
        self.visit(resource, Len)
    }

    /// The largest id of `resource` (0 when empty).
    pub fn max_id(&self, resource: Resource) -> i64 {
        self.visit(resource, MaxId)
    }

    /// Restores the id order of every table.
    pub fn sort(&mut self) {
        for resource in Resource::ALL {
            self.visit_mut(resource, SortById);
        }
    }

    /// Deletes the rows of `resource` with these ids; returns those that existed.
    pub fn remove(&mut self, resource: Resource, ids: &HashSet<i64>) -> Vec<i64> {
        if ids.is_empty() {
            return Vec::new();
        }
        self.visit_mut(resource, RemoveIds(ids))
    }

    /// Every resource's rows, in [`Resource::ALL`] order.
    pub fn truth(&self) -> Vec<Records> {
        Resource::ALL.iter().map(|r| self.records(*r)).collect()
    }
}

/// The row with `id` in an id-sorted table.
pub fn find<R: Row>(rows: &[R], id: i64) -> Option<&R> {
    rows.binary_search_by_key(&id, Row::id)
        .ok()
        .map(|i| &rows[i])
}

/// The row with `id` in an id-sorted table, mutably.
pub fn find_mut<R: Row>(rows: &mut [R], id: i64) -> Option<&mut R> {
    match rows.binary_search_by_key(&id, Row::id) {
        Ok(i) => Some(&mut rows[i]),
        Err(_) => None,
    }
}

/// Where rows with an id below `id` end in an id-sorted table.
pub fn position_below<R: Row>(rows: &[R], id: i64) -> usize {
    rows.partition_point(|row| row.id() < id)
}
