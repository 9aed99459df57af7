//! [`VerifyError`]: why a callback was refused before parsing.

use std::time::Duration;

use crate::verify::headers::SignatureHeader;
use crate::verify::nonce::NonceProblem;

/// Why a callback's signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// A required header is absent.
    #[error("missing header {0}")]
    MissingHeader(SignatureHeader),
    /// A header is present but unusable.
    #[error("malformed header {header}: {reason}")]
    MalformedHeader {
        /// Which header.
        header: SignatureHeader,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The nonce header holds a value the API never sends: empty, longer than
    /// [`crate::verify::NONCE_MAX_LEN`] bytes, or with a byte outside ASCII letters, digits,
    /// `-` and `_`. Refused before the MAC is computed, because a nonce holding `.` makes the
    /// signed text `body.nonce.timestamp` ambiguous.
    #[error("unacceptable header x-sinch-webhook-signature-nonce: {0}")]
    UnacceptableNonce(NonceProblem),
    /// The algorithm header names something other than `HmacSHA256`.
    #[error("unsupported signature algorithm {algorithm:?} (only HmacSHA256 is accepted)")]
    UnsupportedAlgorithm {
        /// The algorithm named by the header (cut to 64 characters, with a marker, when
        /// longer).
        algorithm: String,
    },
    /// The signed timestamp is older than the tolerance allows.
    #[error("stale timestamp: signed {}s ago, tolerance is {}s", age.as_secs(), tolerance.as_secs())]
    StaleTimestamp {
        /// How old the timestamp is.
        age: Duration,
        /// The configured tolerance.
        tolerance: Duration,
    },
    /// The signed timestamp is further in the future than the tolerance allows.
    #[error("timestamp {}s in the future, tolerance is {}s", ahead.as_secs(), tolerance.as_secs())]
    FutureTimestamp {
        /// How far ahead the timestamp is.
        ahead: Duration,
        /// The configured tolerance.
        tolerance: Duration,
    },
    /// The signature does not match the body with any configured secret.
    #[error(
        "signature mismatch: the body, nonce or timestamp was not signed with a configured secret"
    )]
    SignatureMismatch,
    /// The nonce was already seen within the tolerance window.
    #[error("replayed nonce {nonce:?}")]
    ReplayedNonce {
        /// The nonce.
        nonce: String,
    },
    /// The verifier has no non-empty secret.
    #[error("no non-empty webhook secret configured")]
    NoSecret,
}
