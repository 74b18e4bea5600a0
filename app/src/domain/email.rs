//! Email addresses as Trellis compares them: trimmed and lower-cased.

/// The longest address SMTP can carry (RFC 5321 path limit less brackets).
pub const MAX_LEN: usize = 254;

/// A normalised address, or a sentence saying what is wrong with it.
pub fn normalize_email(input: &str) -> Result<String, &'static str> {
    let email = input.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter an email address.");
    }
    if email.len() > MAX_LEN {
        return Err("That email address is too long.");
    }
    if email
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
    {
        return Err("An email address has no spaces, commas or quotes.");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err("Enter an email address like name@example.com.");
    };
    let domain_ok = !domain.contains('@')
        && domain.contains('.')
        && domain
            .split('.')
            .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
    if local.is_empty() || local.len() > 64 || !domain_ok {
        return Err("Enter an email address like name@example.com.");
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            normalize_email("  Ada.Lovelace@Example.COM ").as_deref(),
            Ok("ada.lovelace@example.com")
        );
    }

    #[test]
    fn malformed_addresses_are_refused_with_a_reason() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "ada@@example.com",
            "ada@ex..com",
            "a da@example.com",
            "ada@-example.com",
            "\"ada\"@example.com",
            "ada@example.com\r\nBcc: x@y.z",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn normalising_is_idempotent(input in "\\PC{0,80}") {
            if let Ok(once) = normalize_email(&input) {
                prop_assert_eq!(normalize_email(&once), Ok(once.clone()));
            }
        }

        #[test]
        fn plain_addresses_are_accepted(local in "[a-z0-9._+-]{1,30}", domain in "[a-z0-9]{1,20}\\.[a-z]{2,6}") {
            let address = format!("{local}@{domain}");
            prop_assert_eq!(normalize_email(&address), Ok(address.clone()));
        }
    }
}
