//! [`DeliveryId`]: the identity of a delivery in a store's ledger.

use sha2::{Digest, Sha256};

/// The identity of one delivery, the key of a store's ledger of applied deliveries.
///
/// [`DeliveryId::of_body`] is the SHA-256 of the raw body (64 lower-case hex digits): the API
/// re-sends the same body when it retries (with a new nonce and timestamp, which are not
/// part of the body), so a redelivery has the same id, while two different events never share
/// a body (each carries its own times and ids). The signature nonce is not used: it is not
/// documented to stay the same across retries.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId(String);

impl DeliveryId {
    /// The id of a delivery with this raw body (SHA-256, hex).
    pub fn of_body(body: &[u8]) -> Self {
        let digest = Sha256::digest(body);
        let mut hex = String::with_capacity(64);
        for byte in digest {
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            hex.push(char::from(b"0123456789abcdef"[usize::from(byte & 0x0f)]));
        }
        Self(hex)
    }

    /// An id chosen by the caller (e.g. a queue's message id).
    pub fn from_key(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
