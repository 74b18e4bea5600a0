use chrono::{DateTime, Utc};

/// "28 Nov 2026, 13:45:02 UTC": identical on the server and in the browser,
/// so hydration never disagrees about it.
pub fn format_utc(at: &DateTime<Utc>) -> String {
    at.format("%-d %b %Y, %H:%M:%S UTC").to_string()
}

/// "28 Nov 2026".
pub fn format_date(at: &DateTime<Utc>) -> String {
    at.format("%-d %b %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn formats_are_fixed_and_carry_the_zone() {
        let at = Utc
            .with_ymd_and_hms(2026, 11, 8, 9, 5, 7)
            .single()
            .unwrap_or_default();
        assert_eq!(format_utc(&at), "8 Nov 2026, 09:05:07 UTC");
        assert_eq!(format_date(&at), "8 Nov 2026");
    }
}
