//! Signing, so handlers can be tested with callbacks signed like the API signs them.

use base64::Engine;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::verify::ALGORITHM;
use crate::verify::headers::SignatureHeader;

/// The `x-sinch-webhook-signature` value for `body`, `nonce` and `timestamp` (Unix seconds):
/// standard Base64 of HMAC-SHA256 over `body.nonce.timestamp`, keyed with `secret`.
///
/// Any nonce is signed as given, but [`crate::Verifier`] accepts only 1 to
/// [`crate::verify::NONCE_MAX_LEN`] ASCII letters, digits, `-` and `_`.
///
/// ```
/// use sinch_contacts_callbacks::sign;
/// assert_eq!(sign(b"secret", b"{}", "n", 1).len(), 44);
/// ```
pub fn sign(secret: &[u8], body: &[u8], nonce: &str, timestamp: i64) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac.update(b".");
    mac.update(nonce.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// The four signature headers for `body`, ready to send or to pass to
/// [`crate::Verifier::verify`] (an array of pairs is a [`crate::HeaderSource`]).
pub fn signature_headers(
    secret: &[u8],
    body: &[u8],
    nonce: &str,
    timestamp: i64,
) -> [(&'static str, String); 4] {
    [
        (
            SignatureHeader::Signature.name(),
            sign(secret, body, nonce, timestamp),
        ),
        (SignatureHeader::Nonce.name(), nonce.to_owned()),
        (SignatureHeader::Timestamp.name(), timestamp.to_string()),
        (SignatureHeader::Algorithm.name(), ALGORITHM.to_owned()),
    ]
}
