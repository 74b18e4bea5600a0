//! Building blocks of the dataset: the fixed epoch, id ranges, time and
//! value helpers, and names turned into email addresses.

use super::{Size, rng::Rng, tables::Tables};
use app::domain::Resource;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The generated data's "now": 2026-01-05T09:00:00Z.
const EPOCH_SECS: i64 = 1_767_603_600;

pub fn epoch() -> DateTime<Utc> {
    DateTime::from_timestamp(EPOCH_SECS, 0).unwrap_or_default()
}

/// How much of everything a size makes.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub candidates: usize,
    pub jobs: usize,
    pub users: usize,
    pub departments: usize,
    pub offices: usize,
}

impl Size {
    pub fn shape(self) -> Shape {
        match self {
            Size::Small => Shape {
                candidates: 60,
                jobs: 8,
                users: 25,
                departments: 4,
                offices: 3,
            },
            Size::Medium => Shape {
                candidates: 2_000,
                jobs: 60,
                users: 150,
                departments: 12,
                offices: 8,
            },
            Size::Large => Shape {
                candidates: 50_000,
                jobs: 400,
                users: 1_500,
                departments: 30,
                offices: 20,
            },
        }
    }
}

/// Where each resource's ids start: distinct, realistic-looking ranges.
fn first_id(resource: Resource) -> i64 {
    use Resource::*;
    match resource {
        UserRoles => 4_729,
        Departments => 25_907,
        Offices => 47_012,
        Sources => 632,
        CloseReasons => 365,
        RejectionReasons => 262,
        CandidateTags => 12_001,
        Users => 4_080_000,
        Jobs => 107_761,
        JobHiringManagers => 5_100_000,
        JobOwners => 5_300_000,
        Openings => 2_586_842,
        JobPosts => 3_100_000,
        JobInterviewStages => 6_001_000,
        JobInterviews => 7_001_000,
        UserJobPermissions => 7_879_576,
        Candidates => 40_000_000,
        AppliedCandidateTags => 23_975_900,
        Applications => 69_306_314,
        Offers => 1_142_765,
        Interviews => 9_128_481,
        Interviewers => 11_274_000,
    }
}

/// The next id of every resource. Ids grow by 1–3, as in a busy account.
pub struct Ids(BTreeMap<Resource, i64>);

impl Ids {
    pub fn fresh() -> Ids {
        Ids(Resource::ALL.iter().map(|r| (*r, first_id(*r))).collect())
    }

    /// Ids above everything `tables` holds (for rows made by changes).
    pub fn after(tables: &Tables) -> Ids {
        Ids(Resource::ALL
            .iter()
            .map(|r| (*r, tables.max_id(*r).max(first_id(*r)) + 1))
            .collect())
    }

    pub fn take(&mut self, resource: Resource, rng: &mut Rng) -> i64 {
        let next = self.0.entry(resource).or_insert_with(|| first_id(resource));
        let id = *next;
        *next += 1 + rng.below(3) as i64;
        id
    }
}

/// Truncates to milliseconds, the precision Greenhouse sends.
pub fn millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap_or(at)
}

/// A time between `from` and `to` (either order), at millisecond precision.
pub fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let (a, b) = if from <= to { (from, to) } else { (to, from) };
    let span = (b - a).num_milliseconds().max(0);
    millis(a + TimeDelta::milliseconds(rng.range(0, span)))
}

/// A time between `max_days` and `min_days` before the epoch.
pub fn days_ago(rng: &mut Rng, max_days: i64, min_days: i64) -> DateTime<Utc> {
    let e = epoch();
    between(
        rng,
        e - TimeDelta::days(max_days),
        e - TimeDelta::days(min_days),
    )
}

/// `at` plus up to `max_days` days, never past the epoch.
pub fn later(rng: &mut Rng, at: DateTime<Utc>, max_days: i64) -> DateTime<Utc> {
    between(
        rng,
        at,
        (at + TimeDelta::days(max_days)).min(epoch()).max(at),
    )
}

pub fn date(at: DateTime<Utc>) -> NaiveDate {
    at.date_naive()
}

/// `Some(value)` with probability `p`.
pub fn maybe<T>(rng: &mut Rng, p: f64, value: impl FnOnce(&mut Rng) -> T) -> Option<T> {
    if rng.chance(p) {
        Some(value(rng))
    } else {
        None
    }
}

/// A v3 custom-field map: `{key: {name, type, value}}`.
pub fn custom_fields(fields: &[(&str, &str, &str, Value)]) -> Value {
    Value::Object(
        fields
            .iter()
            .map(|(key, name, kind, value)| {
                (
                    (*key).to_owned(),
                    json!({"name": name, "type": kind, "value": value}),
                )
            })
            .collect(),
    )
}

/// A lowercase ASCII slug of a name, `None` when nothing ASCII is left.
pub fn slug(text: &str) -> Option<String> {
    let slug: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (!slug.is_empty() && text.is_ascii()).then_some(slug)
}

/// `first.last@domain`, or an id-based address for names that are not ASCII.
pub fn email(first: Option<&str>, last: Option<&str>, id: i64, domain: &str) -> String {
    match (first.and_then(slug), last.and_then(slug)) {
        (Some(first), Some(last)) => format!("{first}.{last}.{}@{domain}", id % 10_000),
        (Some(first), None) => format!("{first}.{}@{domain}", id % 10_000),
        _ => format!("person{id}@{domain}"),
    }
}

/// "First Last" (or whichever part exists).
pub fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(n), None) | (None, Some(n)) => Some(n.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_epoch_is_the_documented_instant() {
        assert_eq!(epoch().to_rfc3339(), "2026-01-05T09:00:00+00:00");
    }

    #[test]
    fn emails_are_ascii_even_for_other_scripts() {
        assert_eq!(
            email(Some("John"), Some("O'Brien"), 12, "x.example"),
            "john.obrien.12@x.example"
        );
        assert_eq!(
            email(Some("محمد"), Some("Locke"), 12, "x.example"),
            "person12@x.example"
        );
        assert_eq!(
            email(Some("Zoë"), None, 7, "x.example"),
            "person7@x.example"
        );
        assert_eq!(full_name(Some("a"), None).as_deref(), Some("a"));
    }
}
