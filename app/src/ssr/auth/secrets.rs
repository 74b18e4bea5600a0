//! Random secrets for links, codes and sessions, and how they are kept:
//! links and session ids as SHA-256, codes as HMAC-SHA-256 under a server key.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ring::rand::{SecureRandom, SystemRandom};

/// Bytes straight from the operating system's CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        // The OS has no randomness to give: nothing secret may be issued.
        panic!("the operating system's random number generator failed");
    }
    bytes
}

/// 32 bytes from the OS CSPRNG, base64url without padding (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// Crockford's base32: no I, L, O or U, so a code copied from a phone is
/// unambiguous. 32 symbols = 5 bits each.
pub const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const CODE_LEN: usize = 8;

/// An 8-symbol code (40 bits); attempts at it are limited per link.
pub fn random_code() -> String {
    // 256 is a multiple of 32, so masking keeps every symbol equally likely.
    random_bytes::<CODE_LEN>()
        .iter()
        .map(|b| CODE_ALPHABET[usize::from(b & 31)] as char)
        .collect()
}

/// The code as a person may have typed it: spaces and dashes dropped,
/// lower case raised, and the look-alikes O, I and L read as 0, 1 and 1.
pub fn normalize_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()))
}

/// Lower-case hex HMAC-SHA-256 under `key`.
pub fn hmac_hex(key: &[u8], text: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    hex::encode(ring::hmac::sign(&key, text.as_bytes()))
}

/// Compares two hex digests in constant time.
pub fn digests_equal(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0_u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_carry_256_bits_in_base64url() {
        let token = random_token();
        assert_eq!(token.len(), 43);
        assert_eq!(
            URL_SAFE_NO_PAD.decode(&token).map(|b| b.len()).ok(),
            Some(32)
        );
        assert_ne!(token, random_token());
    }

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn codes_use_the_unambiguous_alphabet() {
        for _ in 0..100 {
            let code = random_code();
            assert_eq!(code.len(), CODE_LEN);
            assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        }
    }

    proptest! {
        #[test]
        fn typed_codes_normalize_to_the_issued_one(sep in "[ -]{0,2}", lower in any::<bool>()) {
            let code = random_code();
            let mut typed = format!("{}{sep}{}", &code[..4], &code[4..]);
            if lower {
                typed = typed.to_lowercase();
            }
            prop_assert_eq!(normalize_code(&typed), code);
        }

        #[test]
        fn equal_digests_compare_equal(a in "[0-9a-f]{64}", b in "[0-9a-f]{64}") {
            prop_assert!(digests_equal(&a, &a));
            prop_assert_eq!(digests_equal(&a, &b), a == b);
        }
    }
}
