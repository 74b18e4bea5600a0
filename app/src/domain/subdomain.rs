//! A portal subdomain (also an organization's slug): `acme` in `acme.example.com`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Names that Trellis keeps for itself or that would confuse candidates.
pub const RESERVED: &[&str] = &[
    "admin",
    "api",
    "app",
    "assets",
    "auth",
    "blog",
    "dashboard",
    "docs",
    "ftp",
    "help",
    "imap",
    "localhost",
    "login",
    "mail",
    "pkg",
    "pop",
    "portal",
    "smtp",
    "static",
    "status",
    "support",
    "trellis",
    "webhooks",
    "www",
];

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 63;

/// A validated subdomain label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Subdomain(String);

/// Why a subdomain was refused; each rule has its own message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubdomainError {
    #[error("Use at least {MIN_LEN} characters.")]
    TooShort,
    #[error("Use at most {MAX_LEN} characters.")]
    TooLong,
    #[error("Use only lowercase letters a–z, digits and hyphens (found “{0}”).")]
    InvalidCharacter(char),
    #[error("Start and end with a letter or a digit, not a hyphen.")]
    EdgeHyphen,
    #[error("Names that start with “xn--” are reserved for internationalised domains.")]
    Punycode,
    #[error("“{0}” is reserved; choose another name.")]
    Reserved(String),
}

impl Subdomain {
    /// Checks every rule, in the order a person would fix them.
    pub fn parse(input: &str) -> Result<Self, SubdomainError> {
        if let Some(bad) = input
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(SubdomainError::InvalidCharacter(bad));
        }
        if input.len() < MIN_LEN {
            return Err(SubdomainError::TooShort);
        }
        if input.len() > MAX_LEN {
            return Err(SubdomainError::TooLong);
        }
        if input.starts_with('-') || input.ends_with('-') {
            return Err(SubdomainError::EdgeHyphen);
        }
        if input.starts_with("xn--") {
            return Err(SubdomainError::Punycode);
        }
        if RESERVED.contains(&input) {
            return Err(SubdomainError::Reserved(input.to_owned()));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subdomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Subdomain {
    type Error = SubdomainError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Subdomain> for String {
    fn from(value: Subdomain) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_ordinary_names() {
        for name in ["acme", "acme-robotics", "a1b", "123", &"a".repeat(63)] {
            assert_eq!(
                Subdomain::parse(name).map(|s| s.to_string()).ok(),
                Some(name.to_string())
            );
        }
    }

    #[test]
    fn each_rule_has_its_own_error() {
        assert_eq!(Subdomain::parse("ab"), Err(SubdomainError::TooShort));
        assert_eq!(Subdomain::parse(""), Err(SubdomainError::TooShort));
        assert_eq!(
            Subdomain::parse(&"a".repeat(64)),
            Err(SubdomainError::TooLong)
        );
        assert_eq!(
            Subdomain::parse("Acme"),
            Err(SubdomainError::InvalidCharacter('A'))
        );
        assert_eq!(
            Subdomain::parse("ac_me"),
            Err(SubdomainError::InvalidCharacter('_'))
        );
        assert_eq!(
            Subdomain::parse("acmé"),
            Err(SubdomainError::InvalidCharacter('é'))
        );
        assert_eq!(Subdomain::parse("-acme"), Err(SubdomainError::EdgeHyphen));
        assert_eq!(Subdomain::parse("acme-"), Err(SubdomainError::EdgeHyphen));
        assert_eq!(
            Subdomain::parse("xn--80ak6aa92e"),
            Err(SubdomainError::Punycode)
        );
        assert_eq!(
            Subdomain::parse("admin"),
            Err(SubdomainError::Reserved("admin".into()))
        );
        assert_eq!(
            Subdomain::parse("www").map_err(|e| e.to_string()),
            Err("“www” is reserved; choose another name.".into())
        );
    }

    #[test]
    fn deserialising_validates() {
        let ok: Result<Subdomain, _> = serde_json::from_str(r#""acme""#);
        assert!(ok.is_ok());
        let bad: Result<Subdomain, _> = serde_json::from_str(r#""API""#);
        assert!(bad.is_err());
    }

    proptest! {
        #[test]
        fn anything_accepted_follows_every_rule(input in "\\PC{0,70}") {
            if let Ok(sub) = Subdomain::parse(&input) {
                let s = sub.as_str();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&s.len()));
                prop_assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                prop_assert!(!s.starts_with('-') && !s.ends_with('-'));
                prop_assert!(!RESERVED.contains(&s));
            }
        }

        #[test]
        fn well_formed_names_are_accepted(input in "[a-z0-9][a-z0-9-]{1,61}[a-z0-9]") {
            prop_assume!(!RESERVED.contains(&input.as_str()) && !input.starts_with("xn--"));
            prop_assert!(Subdomain::parse(&input).is_ok());
        }
    }
}
