//! Secrets at rest: the master key and the sealed (encrypted and
//! authenticated) form of the Greenhouse credentials and webhook secrets.
//!
//! A sealed value is `version (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag
//! (16 bytes)` under AES-256-GCM with a random nonce. The associated data
//! `trellis/v1/org/<organization id>/<purpose>` binds it to one organization
//! and one use: a value copied to another organization's row, or into another
//! column, does not open.

use base64::Engine;
use ring::{
    aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey},
    rand::{SecureRandom, SystemRandom},
};
use std::{
    fmt,
    io::{self, Write},
    path::Path,
};

/// The length of a master key in bytes (AES-256).
pub const KEY_LEN: usize = 32;
/// The first byte of every value sealed by this version of Trellis.
const FORMAT_VERSION: u8 = 1;
const TAG_LEN: usize = 16;

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Shorter than the smallest possible sealed value.
    #[error("the sealed value is truncated")]
    Truncated,
    /// Sealed by a format this version of Trellis does not know.
    #[error("the sealed value has an unknown format version {0}")]
    UnknownVersion(u8),
    /// Another key, organization or purpose, or the bytes were altered.
    #[error(
        "the sealed value does not open with this key for this organization and purpose (or it was altered)"
    )]
    Undecryptable,
}

/// The 32-byte key every stored secret is sealed with. Its `Debug` output
/// never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct MasterKey([u8; KEY_LEN]);

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey(…)")
    }
}

impl MasterKey {
    /// A key from its raw bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> MasterKey {
        MasterKey(bytes)
    }

    /// A key from the standard base64 of exactly 32 bytes (surrounding
    /// whitespace ignored). The error describes the problem without
    /// repeating the value.
    pub fn from_base64(value: &str) -> Result<MasterKey, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .map_err(|_| "it is not standard base64".to_owned())?;
        let bytes: [u8; KEY_LEN] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            format!("it decodes to {} bytes instead of {KEY_LEN}", bytes.len())
        })?;
        Ok(MasterKey(bytes))
    }

    /// A new random key from the operating system's generator.
    pub fn generate() -> MasterKey {
        MasterKey(random_bytes())
    }

    /// The key as standard base64 (what `TRELLIS_MASTER_KEY` holds).
    /// A 32-byte key for one purpose (HMAC-SHA-256 of the purpose), so the
    /// master key itself only seals.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &self.0);
        let mut out = [0_u8; 32];
        out.copy_from_slice(ring::hmac::sign(&key, purpose.as_bytes()).as_ref());
        out
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }

    /// Encrypts `plaintext` for `organization_id` and `purpose`; sealing the
    /// same value twice gives different bytes.
    pub fn seal(&self, organization_id: i64, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce: [u8; NONCE_LEN] = random_bytes();
        let mut in_out = plaintext.to_vec();
        // Sealing fails only for inputs larger than AES-GCM allows (~64 GiB).
        let tag = self
            .aead_key()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(associated_data(organization_id, purpose)),
                &mut in_out,
            )
            .map(|tag| tag.as_ref().to_vec())
            .unwrap_or_default();
        let mut sealed = Vec::with_capacity(1 + NONCE_LEN + in_out.len() + TAG_LEN);
        sealed.push(FORMAT_VERSION);
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&in_out);
        sealed.extend_from_slice(&tag);
        sealed
    }

    /// Decrypts a value [`MasterKey::seal`] produced with the same key,
    /// organization and purpose.
    pub fn open(
        &self,
        organization_id: i64,
        purpose: &str,
        sealed: &[u8],
    ) -> Result<Vec<u8>, SecretError> {
        let (&version, rest) = sealed.split_first().ok_or(SecretError::Truncated)?;
        if version != FORMAT_VERSION {
            return Err(SecretError::UnknownVersion(version));
        }
        if rest.len() < NONCE_LEN + TAG_LEN {
            return Err(SecretError::Truncated);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SecretError::Truncated)?;
        let mut in_out = ciphertext.to_vec();
        let plaintext = self
            .aead_key()
            .open_in_place(
                nonce,
                Aad::from(associated_data(organization_id, purpose)),
                &mut in_out,
            )
            .map_err(|_| SecretError::Undecryptable)?;
        Ok(plaintext.to_vec())
    }

    fn aead_key(&self) -> LessSafeKey {
        // A 32-byte key is always valid for AES-256-GCM.
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).unwrap_or_else(|_| unreachable!()))
    }
}

fn associated_data(organization_id: i64, purpose: &str) -> Vec<u8> {
    format!("trellis/v1/org/{organization_id}/{purpose}").into_bytes()
}

/// Random bytes from the operating system (ring's `SystemRandom`).
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        // Only when the OS generator is unavailable: rand's CSPRNG then
        // fails loudly rather than handing out a predictable value.
        bytes = rand::random();
    }
    bytes
}

/// The development key kept in `path`: read when the file exists, otherwise
/// generated and written with mode 0600. Returns the key and whether it was
/// just created. Two processes starting at once agree on one key (the file
/// appears atomically and is never overwritten).
pub fn load_or_generate_key_file(path: &Path) -> io::Result<(MasterKey, bool)> {
    match read_key_file(path) {
        Ok(key) => return Ok((key, false)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(error) => return Err(error),
    }
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    let key = MasterKey::generate();
    let temporary = path.with_extension(format!("{:016x}.tmp", rand::random::<u64>()));
    let written = write_private_file(&temporary, format!("{}\n", key.to_base64()).as_bytes())
        .and_then(|()| std::fs::hard_link(&temporary, path));
    let _ = std::fs::remove_file(&temporary);
    match written {
        Ok(()) => Ok((key, true)),
        // Another process won the race: use its key.
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            read_key_file(path).map(|key| (key, false))
        }
        Err(error) => Err(error),
    }
}

/// Reads a file holding the base64 of a key; a malformed one is an
/// `InvalidData` error that names the problem, never the content.
pub fn read_key_file(path: &Path) -> io::Result<MasterKey> {
    let text = std::fs::read_to_string(path)?;
    MasterKey::from_base64(&text)
        .map_err(|problem| io::Error::new(io::ErrorKind::InvalidData, problem))
}

fn write_private_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PURPOSE: &str = "greenhouse-secret";

    fn key(byte: u8) -> MasterKey {
        MasterKey::from_bytes([byte; KEY_LEN])
    }

    #[test]
    fn a_sealed_value_opens_with_the_same_key_organization_and_purpose() {
        let sealed = key(1).seal(7, PURPOSE, b"hunter2");
        assert_eq!(key(1).open(7, PURPOSE, &sealed), Ok(b"hunter2".to_vec()));
        assert_eq!(sealed[0], FORMAT_VERSION);
        assert_eq!(sealed.len(), 1 + NONCE_LEN + 7 + TAG_LEN);
    }

    #[test]
    fn sealing_twice_gives_different_bytes_without_the_plaintext() {
        let first = key(1).seal(7, PURPOSE, b"a fairly long secret value");
        let second = key(1).seal(7, PURPOSE, b"a fairly long secret value");
        assert_ne!(first, second);
        assert!(
            !first
                .windows(6)
                .any(|window| window == b"fairly".as_slice())
        );
    }

    #[test]
    fn another_key_organization_or_purpose_does_not_open() {
        let sealed = key(1).seal(7, PURPOSE, b"hunter2");
        assert_eq!(
            key(2).open(7, PURPOSE, &sealed),
            Err(SecretError::Undecryptable)
        );
        assert_eq!(
            key(1).open(8, PURPOSE, &sealed),
            Err(SecretError::Undecryptable)
        );
        assert_eq!(
            key(1).open(7, "webhook-secret", &sealed),
            Err(SecretError::Undecryptable)
        );
    }

    #[test]
    fn truncated_or_altered_values_do_not_open() {
        let sealed = key(1).seal(7, PURPOSE, b"hunter2");
        assert_eq!(key(1).open(7, PURPOSE, &[]), Err(SecretError::Truncated));
        assert_eq!(
            key(1).open(7, PURPOSE, &sealed[..1 + NONCE_LEN + TAG_LEN - 1]),
            Err(SecretError::Truncated)
        );
        assert_eq!(
            key(1).open(7, PURPOSE, &sealed[..sealed.len() - 1]),
            Err(SecretError::Undecryptable)
        );
        for index in 1..sealed.len() {
            let mut altered = sealed.clone();
            altered[index] ^= 0x01;
            assert_eq!(
                key(1).open(7, PURPOSE, &altered),
                Err(SecretError::Undecryptable),
                "byte {index} flipped"
            );
        }
        let mut other_version = sealed;
        other_version[0] = 2;
        assert_eq!(
            key(1).open(7, PURPOSE, &other_version),
            Err(SecretError::UnknownVersion(2))
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = key(0xab);
        let shown = format!("{key:?}");
        assert_eq!(shown, "MasterKey(…)");
        assert!(!shown.contains(&key.to_base64()));
    }

    #[test]
    fn base64_keys_must_hold_exactly_32_bytes() {
        let key = MasterKey::generate();
        assert_eq!(
            MasterKey::from_base64(&format!(" {}\n", key.to_base64())),
            Ok(key)
        );
        let short = base64::engine::general_purpose::STANDARD.encode([0u8; 16]);
        let problem = MasterKey::from_base64(&short).err().unwrap_or_default();
        assert!(problem.contains("16 bytes"), "{problem}");
        assert!(!problem.contains(&short), "{problem}");
        assert!(MasterKey::from_base64("not base64!").is_err());
        assert_ne!(MasterKey::generate(), MasterKey::generate());
    }

    #[test]
    fn the_development_key_file_is_created_private_once_then_reused() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("data").join("master.key");
        let (first, created) = load_or_generate_key_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(created);
        let (second, created) = load_or_generate_key_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(!created);
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or_default();
            assert_eq!(mode, 0o600);
        }
        let leftovers = std::fs::read_dir(dir.path().join("data"))
            .map(|entries| entries.count())
            .unwrap_or_default();
        assert_eq!(leftovers, 1, "no temporary file is left behind");
    }

    #[test]
    fn a_malformed_key_file_is_an_error_not_replaced() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("master.key");
        std::fs::write(&path, "too short").unwrap_or_else(|e| panic!("{e}"));
        let error = load_or_generate_key_file(&path).err();
        assert_eq!(error.map(|e| e.kind()), Some(io::ErrorKind::InvalidData));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            "too short"
        );
    }

    proptest! {
        #[test]
        fn every_value_round_trips(
            bytes in proptest::array::uniform32(any::<u8>()),
            organization_id in any::<i64>(),
            purpose in "[a-z-]{1,20}",
            plaintext in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let key = MasterKey::from_bytes(bytes);
            let sealed = key.seal(organization_id, &purpose, &plaintext);
            prop_assert_eq!(key.open(organization_id, &purpose, &sealed), Ok(plaintext));
        }
    }
}
