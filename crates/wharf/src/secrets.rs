//! Secrets at rest: client secrets and access tokens are sealed with XChaCha20-Poly1305 before
//! they reach the database, and opened only in memory, as `SecretString`, when a request needs them.
//!
//! The key comes from `WHARF_SECRET_KEY` (32 bytes, base64) or from a key file that wharf creates
//! with mode 0600 on first run. Losing the key means re-entering the stores' credentials; the
//! database alone never reveals them.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use secrecy::{ExposeSecret, SecretString};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// A version prefix, so a later key rotation can tell old ciphertexts from new.
const SEALED_PREFIX: &str = "v1:";

#[derive(Debug, thiserror::Error)]
pub enum SecretKeyError {
    #[error(
        "WHARF_SECRET_KEY must be 32 bytes encoded as base64 (generate one with: openssl rand -base64 32)"
    )]
    BadEnvKey,
    #[error("secret key file {path} is not a base64-encoded 32-byte key")]
    BadKeyFile { path: PathBuf },
    #[error("cannot read or create the secret key file {path}: {source}")]
    KeyFileIo {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "a stored secret could not be decrypted: was the database used with another secret key?"
    )]
    Undecryptable,
}

/// Where the sealing key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A base64 key given directly (WHARF_SECRET_KEY).
    Inline(SecretString),
    /// A key file, created with mode 0600 when absent.
    File(PathBuf),
}

#[derive(Clone)]
pub struct SecretCipher {
    aead: XChaCha20Poly1305,
}

impl fmt::Debug for SecretCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretCipher(..)")
    }
}

impl SecretCipher {
    pub fn load(source: &KeySource) -> Result<Self, SecretKeyError> {
        let key = match source {
            KeySource::Inline(encoded) => {
                decode_key(encoded.expose_secret()).ok_or(SecretKeyError::BadEnvKey)?
            }
            KeySource::File(path) => load_or_create_key_file(path)?,
        };
        Ok(Self::from_key(&key))
    }

    pub fn from_key(key: &[u8; KEY_LEN]) -> Self {
        SecretCipher {
            aead: XChaCha20Poly1305::new(key.into()),
        }
    }

    /// Seals `plaintext` for one purpose (e.g. "stores.access_token"); the purpose is bound as
    /// associated data, so a ciphertext copied into another column will not open there.
    pub fn seal(&self, purpose: &str, plaintext: &SecretString) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ciphertext = self
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.expose_secret().as_bytes(),
                    aad: purpose.as_bytes(),
                },
            )
            .expect("XChaCha20-Poly1305 encryption of an in-memory buffer cannot fail");
        let mut sealed = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        sealed.extend_from_slice(&nonce);
        sealed.extend_from_slice(&ciphertext);
        format!("{SEALED_PREFIX}{}", BASE64.encode(sealed))
    }

    pub fn open(&self, purpose: &str, sealed: &str) -> Result<SecretString, SecretKeyError> {
        let encoded = sealed
            .strip_prefix(SEALED_PREFIX)
            .ok_or(SecretKeyError::Undecryptable)?;
        let bytes = BASE64
            .decode(encoded)
            .map_err(|_| SecretKeyError::Undecryptable)?;
        if bytes.len() < NONCE_LEN {
            return Err(SecretKeyError::Undecryptable);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let plaintext = self
            .aead
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| SecretKeyError::Undecryptable)?;
        let plaintext = String::from_utf8(plaintext).map_err(|_| SecretKeyError::Undecryptable)?;
        Ok(SecretString::from(plaintext))
    }
}

fn decode_key(encoded: &str) -> Option<[u8; KEY_LEN]> {
    BASE64.decode(encoded.trim()).ok()?.try_into().ok()
}

fn load_or_create_key_file(path: &Path) -> Result<[u8; KEY_LEN], SecretKeyError> {
    let io_error = |source| SecretKeyError::KeyFileIo {
        path: path.to_owned(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(contents) => decode_key(&contents).ok_or_else(|| SecretKeyError::BadKeyFile {
            path: path.to_owned(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key: [u8; KEY_LEN] = XChaCha20Poly1305::generate_key(&mut OsRng).into();
            let mut options = std::fs::OpenOptions::new();
            // create_new: two processes starting at once must not each write a different key.
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            match options.open(path) {
                Ok(mut file) => {
                    writeln!(file, "{}", BASE64.encode(key)).map_err(io_error)?;
                    file.sync_all().map_err(io_error)?;
                    tracing::info!(path = %path.display(), "created a new secret key file");
                    Ok(key)
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    load_or_create_key_file(path)
                }
                Err(e) => Err(io_error(e)),
            }
        }
        Err(e) => Err(io_error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> SecretCipher {
        SecretCipher::from_key(&[7; KEY_LEN])
    }

    #[test]
    fn sealed_secrets_open_to_the_same_text_and_never_contain_it() {
        let secret = SecretString::from("tok_live_123456");
        let sealed = cipher().seal("stores.access_token", &secret);
        assert!(!sealed.contains("tok_live_123456"));
        let opened = cipher().open("stores.access_token", &sealed).unwrap();
        assert_eq!(opened.expose_secret(), "tok_live_123456");
    }

    #[test]
    fn a_ciphertext_does_not_open_for_another_purpose_or_key() {
        let sealed = cipher().seal("stores.access_token", &SecretString::from("x"));
        assert!(cipher().open("stores.client_secret", &sealed).is_err());
        assert!(
            SecretCipher::from_key(&[8; KEY_LEN])
                .open("stores.access_token", &sealed)
                .is_err()
        );
    }

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wharf.key");
        let first = SecretCipher::load(&KeySource::File(path.clone())).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sealed = first.seal("p", &SecretString::from("s"));
        let second = SecretCipher::load(&KeySource::File(path)).unwrap();
        assert_eq!(second.open("p", &sealed).unwrap().expose_secret(), "s");
    }

    #[test]
    fn a_malformed_inline_key_is_refused() {
        let err = SecretCipher::load(&KeySource::Inline(SecretString::from("short"))).unwrap_err();
        assert!(matches!(err, SecretKeyError::BadEnvKey));
    }
}
