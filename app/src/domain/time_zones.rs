//! The time zones the portal's "Change time zone" select offers.
//!
//! Not every IANA zone: 140 well-known ones, with at least one for
//! every UTC offset in use (a test checks this against the tz database), so
//! each candidate finds their zone or a city that keeps the same time. The
//! list is compiled into both the server and the browser bundle, so pages
//! need not carry it in their data. Any valid IANA zone still works: the
//! browser's own zone (detected with JavaScript) is accepted and shown even
//! when it is not listed.

/// UTC first, then by name.
pub const TIME_ZONES: &[&str] = &[
    "UTC",
    "Africa/Abidjan",
    "Africa/Accra",
    "Africa/Algiers",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Africa/Johannesburg",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Africa/Tunis",
    "America/Adak",
    "America/Anchorage",
    "America/Argentina/Buenos_Aires",
    "America/Asuncion",
    "America/Bogota",
    "America/Caracas",
    "America/Chicago",
    "America/Costa_Rica",
    "America/Denver",
    "America/Edmonton",
    "America/Guatemala",
    "America/Halifax",
    "America/Havana",
    "America/La_Paz",
    "America/Lima",
    "America/Los_Angeles",
    "America/Mexico_City",
    "America/Miquelon",
    "America/Montevideo",
    "America/New_York",
    "America/Noronha",
    "America/Nuuk",
    "America/Panama",
    "America/Phoenix",
    "America/Puerto_Rico",
    "America/Santiago",
    "America/Santo_Domingo",
    "America/Sao_Paulo",
    "America/Scoresbysund",
    "America/St_Johns",
    "America/Tijuana",
    "America/Toronto",
    "America/Vancouver",
    "America/Winnipeg",
    "Asia/Almaty",
    "Asia/Amman",
    "Asia/Baghdad",
    "Asia/Baku",
    "Asia/Bangkok",
    "Asia/Beirut",
    "Asia/Colombo",
    "Asia/Dhaka",
    "Asia/Dubai",
    "Asia/Ho_Chi_Minh",
    "Asia/Hong_Kong",
    "Asia/Jakarta",
    "Asia/Jerusalem",
    "Asia/Kabul",
    "Asia/Kamchatka",
    "Asia/Karachi",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Asia/Kuala_Lumpur",
    "Asia/Magadan",
    "Asia/Manila",
    "Asia/Novosibirsk",
    "Asia/Qatar",
    "Asia/Riyadh",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Taipei",
    "Asia/Tashkent",
    "Asia/Tbilisi",
    "Asia/Tehran",
    "Asia/Tokyo",
    "Asia/Vladivostok",
    "Asia/Yangon",
    "Asia/Yekaterinburg",
    "Asia/Yerevan",
    "Atlantic/Azores",
    "Atlantic/Cape_Verde",
    "Atlantic/Reykjavik",
    "Atlantic/South_Georgia",
    "Australia/Adelaide",
    "Australia/Brisbane",
    "Australia/Darwin",
    "Australia/Eucla",
    "Australia/Hobart",
    "Australia/Lord_Howe",
    "Australia/Melbourne",
    "Australia/Perth",
    "Australia/Sydney",
    "Europe/Amsterdam",
    "Europe/Athens",
    "Europe/Belgrade",
    "Europe/Berlin",
    "Europe/Brussels",
    "Europe/Bucharest",
    "Europe/Budapest",
    "Europe/Copenhagen",
    "Europe/Dublin",
    "Europe/Helsinki",
    "Europe/Istanbul",
    "Europe/Kyiv",
    "Europe/Lisbon",
    "Europe/London",
    "Europe/Madrid",
    "Europe/Minsk",
    "Europe/Moscow",
    "Europe/Oslo",
    "Europe/Paris",
    "Europe/Prague",
    "Europe/Riga",
    "Europe/Rome",
    "Europe/Samara",
    "Europe/Sofia",
    "Europe/Stockholm",
    "Europe/Tallinn",
    "Europe/Vienna",
    "Europe/Vilnius",
    "Europe/Warsaw",
    "Europe/Zurich",
    "Indian/Maldives",
    "Indian/Mauritius",
    "Pacific/Apia",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Pacific/Fiji",
    "Pacific/Gambier",
    "Pacific/Guadalcanal",
    "Pacific/Guam",
    "Pacific/Honolulu",
    "Pacific/Kiritimati",
    "Pacific/Marquesas",
    "Pacific/Niue",
    "Pacific/Noumea",
    "Pacific/Pitcairn",
    "Pacific/Port_Moresby",
    "Pacific/Tongatapu",
];

/// The select's options for a page showing times in `current`: the list,
/// with `current` first when it is not in it.
pub fn options_for(current: &str) -> Vec<&str> {
    let listed = TIME_ZONES.contains(&current);
    (!listed)
        .then_some(current)
        .into_iter()
        .chain(TIME_ZONES.iter().copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_comes_first_then_names_in_order_once_each() {
        assert_eq!(TIME_ZONES[0], "UTC");
        assert!(TIME_ZONES[1..].windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn an_unlisted_zone_leads_the_options_and_a_listed_one_keeps_its_place() {
        let options = options_for("Asia/Thimphu");
        assert_eq!(options[0], "Asia/Thimphu");
        assert_eq!(options.len(), TIME_ZONES.len() + 1);
        assert_eq!(options_for("Europe/Berlin"), TIME_ZONES);
    }
}
