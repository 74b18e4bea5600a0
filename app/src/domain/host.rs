//! Which organization's portal a `Host` header asks for.

use super::Subdomain;

/// The host part of a `Host` header or URL authority, lowercased, without
/// port, brackets or a trailing dot.
fn bare_host(authority: &str) -> String {
    let authority = authority.trim();
    let host = if let Some(rest) = authority.strip_prefix('[') {
        // IPv6 literal: "[::1]:3000"
        rest.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

/// `Some("acme")` when `host` is `acme.<public host>` (any port) and `acme`
/// is a valid, unreserved subdomain; `None` for the public host itself and
/// for anything else.
pub fn portal_subdomain_of(host: &str, public_host: &str) -> Option<String> {
    let host = bare_host(host);
    let public_host = bare_host(public_host);
    if public_host.is_empty() {
        return None;
    }
    let label = host.strip_suffix(&public_host)?.strip_suffix('.')?;
    if label.contains('.') {
        return None;
    }
    Subdomain::parse(label).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_the_label_in_front_of_the_public_host() {
        assert_eq!(
            portal_subdomain_of("acme.localhost:3000", "localhost"),
            Some("acme".into())
        );
        assert_eq!(
            portal_subdomain_of("ACME.Example.com", "example.com:443"),
            Some("acme".into())
        );
        assert_eq!(
            portal_subdomain_of("acme.example.com.", "example.com"),
            Some("acme".into())
        );
    }

    #[test]
    fn ignores_other_hosts() {
        assert_eq!(portal_subdomain_of("localhost:3000", "localhost"), None);
        assert_eq!(portal_subdomain_of("www.example.com", "example.com"), None);
        assert_eq!(portal_subdomain_of("a.b.example.com", "example.com"), None);
        assert_eq!(portal_subdomain_of("acme.evil.com", "example.com"), None);
        assert_eq!(portal_subdomain_of("acmeexample.com", "example.com"), None);
        assert_eq!(portal_subdomain_of("127.0.0.1:3000", "127.0.0.1"), None);
        assert_eq!(portal_subdomain_of("[::1]:3000", "localhost"), None);
        assert_eq!(portal_subdomain_of("acme.localhost", ""), None);
    }

    proptest! {
        #[test]
        fn never_panics(host in "\\PC{0,80}", public in "\\PC{0,40}") {
            let _ = portal_subdomain_of(&host, &public);
        }

        #[test]
        fn round_trips_valid_labels(
            label in "[a-z][a-z0-9-]{1,20}[a-z0-9]",
            public in "[a-z]{2,10}(\\.[a-z]{2,5})?",
            port in proptest::option::of(1u16..),
        ) {
            prop_assume!(Subdomain::parse(&label).is_ok());
            let host = match port {
                Some(port) => format!("{label}.{public}:{port}"),
                None => format!("{label}.{public}"),
            };
            prop_assert_eq!(portal_subdomain_of(&host, &public), Some(label));
        }
    }
}
