//! Signature verification, a step of its own before parsing.
//!
//! The API signs `body + "." + nonce + "." + timestamp` with HMAC-SHA256 keyed with the
//! webhook secret and sends the standard-Base64 result in `x-sinch-webhook-signature`.
//! [`Verifier`] checks that, in constant time, and adds what the official SDKs lack: a
//! timestamp tolerance, several secrets for rotation and an optional replay guard.

mod ascii_case;
mod error;
mod headers;
mod mac_base64;
mod nonce;
mod replay;
mod sign;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub use error::VerifyError;
pub use headers::{HeaderSource, SignatureHeader};
pub use nonce::{NONCE_MAX_LEN, NonceProblem};
pub use replay::ReplayGuard;
pub use sign::{sign, signature_headers};

use crate::timestamp::Timestamp;

/// The only algorithm accepted in `x-sinch-webhook-signature-algorithm`.
pub const ALGORITHM: &str = "HmacSHA256";

/// The default timestamp tolerance: five minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

type HmacSha256 = Hmac<Sha256>;

/// A clock, injected so verification is testable.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// Verifies callback signatures. Cheap to clone; clones share the replay guard.
///
/// ```
/// use sinch_contacts_callbacks::{Verifier, VerifyError, signature_headers};
/// use std::time::{Duration, UNIX_EPOCH};
///
/// let body = br#"{"app_id":"a","project_id":"p"}"#;
/// let headers = signature_headers(b"secret", body, "nonce-1", 1_700_000_000);
/// let verifier = Verifier::new("old-secret")
///     .with_secret("secret")
///     .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_700_000_060));
/// let verified = verifier.verify(&headers, body).unwrap();
/// assert_eq!(verified.nonce(), "nonce-1");
/// assert_eq!(verified.secret_index(), 1);
///
/// let tampered = br#"{"app_id":"b","project_id":"p"}"#;
/// assert_eq!(verifier.verify(&headers, tampered).unwrap_err(), VerifyError::SignatureMismatch);
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<HmacSha256>,
    tolerance: Option<Duration>,
    replay: Option<Arc<ReplayGuard>>,
    clock: Clock,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &format_args!("<{} redacted>", self.keys.len()))
            .field("tolerance", &self.tolerance)
            .field("replay", &self.replay)
            .finish_non_exhaustive()
    }
}

/// A body whose signature was checked; the input of [`crate::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPayload<'b> {
    body: &'b [u8],
    nonce: nonce::AcceptedNonce,
    timestamp: Timestamp,
    secret_index: usize,
}

impl<'b> VerifiedPayload<'b> {
    /// The verified body bytes.
    pub fn body(&self) -> &'b [u8] {
        self.body
    }

    /// The signature nonce.
    pub fn nonce(&self) -> &str {
        self.nonce.as_str()
    }

    /// The signed timestamp.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }

    /// Which secret matched, in the order they were added (0 for the one given to
    /// [`Verifier::new`]); useful to see when the old secret of a rotation stops being used.
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }
}

impl Verifier {
    /// A verifier for one secret (its UTF-8 bytes are the HMAC key, used as-is), with the
    /// default tolerance, no replay guard and the system clock. An empty secret is ignored.
    pub fn new(secret: impl AsRef<[u8]>) -> Self {
        Self {
            keys: Vec::new(),
            tolerance: Some(DEFAULT_TOLERANCE),
            replay: None,
            clock: Arc::new(SystemTime::now),
        }
        .with_secret(secret)
    }

    /// Also accepts signatures made with `secret` (for rotation: keep the old secret until the
    /// new one is active on every webhook). An empty secret is ignored.
    pub fn with_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        let secret = secret.as_ref();
        if !secret.is_empty() {
            // HMAC accepts keys of any length.
            if let Ok(key) = HmacSha256::new_from_slice(secret) {
                self.keys.push(key);
            }
        }
        self
    }

    /// Accepts timestamps at most `tolerance` away from the clock, either way.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// Accepts any timestamp (like the official SDKs). Replays are then refused only if a
    /// replay guard is set, for [`DEFAULT_TOLERANCE`] after the signed timestamp.
    pub fn without_timestamp_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// Refuses a nonce seen within the tolerance window, remembering at most `capacity`
    /// nonces.
    pub fn with_replay_guard(mut self, capacity: usize) -> Self {
        self.replay = Some(Arc::new(ReplayGuard::new(capacity)));
        self
    }

    /// Uses `clock` instead of the system clock.
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The replay guard, if any.
    pub fn replay_guard(&self) -> Option<&ReplayGuard> {
        self.replay.as_deref()
    }

    /// Forgets a nonce accepted earlier, so a redelivery with the same signature passes the
    /// replay guard (call it when the callback was not processed). No-op without a guard.
    pub fn release_nonce(&self, nonce: &str) {
        if let Some(guard) = &self.replay {
            guard.forget(nonce);
        }
    }

    /// Checks the signature headers against the raw `body`, at the clock's current time.
    ///
    /// Steps: the signature, nonce and timestamp headers must each be present exactly once;
    /// the algorithm header, when present, must be `HmacSHA256`; the nonce must be 1 to
    /// [`NONCE_MAX_LEN`] ASCII letters, digits, `-` or `_` (no `.`, so the signed text
    /// `body.nonce.timestamp` splits one way only); the timestamp must be Unix
    /// seconds within the tolerance; the Base64 signature must match an HMAC-SHA256 made with
    /// one of the secrets (constant-time comparison); finally the replay guard, if any, must
    /// not know the nonce.
    ///
    /// # Errors
    /// [`VerifyError`] naming the first failed step.
    pub fn verify<'b>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &'b [u8],
    ) -> Result<VerifiedPayload<'b>, VerifyError> {
        self.verify_at(headers, body, (self.clock)())
    }

    /// [`Verifier::verify`] at a given time.
    ///
    /// # Errors
    /// [`VerifyError`] naming the first failed step.
    pub fn verify_at<'b>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: &'b [u8],
        now: SystemTime,
    ) -> Result<VerifiedPayload<'b>, VerifyError> {
        let signature = single(headers, SignatureHeader::Signature)?;
        let nonce = single(headers, SignatureHeader::Nonce)?;
        let timestamp_text = single(headers, SignatureHeader::Timestamp)?;
        if let Some(algorithm) = optional(headers, SignatureHeader::Algorithm)?
            && !ascii_case::equal_ignoring_ascii_case(algorithm, ALGORITHM.as_bytes())
        {
            return Err(VerifyError::UnsupportedAlgorithm {
                algorithm: crate::excerpt::excerpt(&String::from_utf8_lossy(algorithm))
                    .into_owned(),
            });
        }
        let nonce = nonce::check_nonce(nonce).map_err(VerifyError::UnacceptableNonce)?;
        let timestamp_seconds = parse_unix_seconds(timestamp_text)?;
        let now = Timestamp::from_system_time(now);
        if let Some(tolerance) = self.tolerance {
            check_tolerance(timestamp_seconds, now, tolerance)?;
        }
        let mut expected = [0; 32];
        if !mac_base64::decode_mac(signature, &mut expected) {
            return Err(VerifyError::MalformedHeader {
                header: SignatureHeader::Signature,
                reason: "expected the standard Base64 of 32 bytes",
            });
        }
        if self.keys.is_empty() {
            return Err(VerifyError::NoSecret);
        }
        // Copied now rather than into the result: the copy's writes then complete while the
        // MAC is computed, instead of stalling the reads that move it into the result.
        let kept_nonce = nonce.keep();
        let secret_index = self
            .keys
            .iter()
            .position(|key| {
                let mut mac = key.clone();
                mac.update(body);
                mac.update(b".");
                mac.update(nonce.as_bytes());
                mac.update(b".");
                mac.update(timestamp_text);
                mac.verify_slice(&expected).is_ok()
            })
            .ok_or(VerifyError::SignatureMismatch)?;
        if let Some(guard) = &self.replay {
            let window = self.tolerance.unwrap_or(DEFAULT_TOLERANCE).as_secs();
            let expires_at = timestamp_seconds.saturating_add_unsigned(window);
            if !guard.check_and_remember(nonce.as_str(), expires_at, now.unix_seconds()) {
                return Err(VerifyError::ReplayedNonce {
                    nonce: nonce.as_str().to_owned(),
                });
            }
        }
        Ok(VerifiedPayload {
            body,
            nonce: kept_nonce,
            timestamp: Timestamp::from_unix(timestamp_seconds, 0),
            secret_index,
        })
    }
}

#[inline(always)]
fn optional(
    headers: &(impl HeaderSource + ?Sized),
    header: SignatureHeader,
) -> Result<Option<&[u8]>, VerifyError> {
    let mut values = headers.header_values(header.name());
    let first = values.next();
    if first.is_some() && values.next().is_some() {
        return Err(VerifyError::MalformedHeader {
            header,
            reason: "present more than once",
        });
    }
    Ok(first.map(<[u8]>::trim_ascii))
}

#[inline(always)]
fn single(
    headers: &(impl HeaderSource + ?Sized),
    header: SignatureHeader,
) -> Result<&[u8], VerifyError> {
    optional(headers, header)?.ok_or(VerifyError::MissingHeader(header))
}

fn parse_unix_seconds(text: &[u8]) -> Result<i64, VerifyError> {
    let malformed = || VerifyError::MalformedHeader {
        header: SignatureHeader::Timestamp,
        reason: "expected Unix seconds (1 to 18 digits)",
    };
    if text.is_empty() || text.len() > 18 {
        return Err(malformed());
    }
    // Eight digits at a time, then one at a time, without an early exit; the value is kept only
    // when every byte was a digit (at most 18 digits: no overflow then).
    let (mut seconds, mut digits_only) = (0u64, true);
    let mut rest = text;
    while let Some((eight, tail)) = rest.split_first_chunk::<8>() {
        let (value, digits) = eight_digits(*eight);
        seconds = seconds.wrapping_mul(100_000_000).wrapping_add(value);
        digits_only &= digits;
        rest = tail;
    }
    for byte in rest {
        let digit = byte.wrapping_sub(b'0');
        seconds = seconds.wrapping_mul(10).wrapping_add(u64::from(digit));
        digits_only &= digit < 10;
    }
    match i64::try_from(seconds) {
        Ok(seconds) if digits_only => Ok(seconds),
        _ => Err(malformed()),
    }
}

/// The number written by eight ASCII bytes, and whether they all are digits (the number is
/// meaningless otherwise).
fn eight_digits(bytes: [u8; 8]) -> (u64, bool) {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH_NIBBLES: u64 = 0xf0f0_f0f0_f0f0_f0f0;
    // The first digit is the lowest byte.
    let word = u64::from_le_bytes(bytes);
    // A digit is 0x30..=0x39: high nibble 3, and still 3 after adding 6. (When every high
    // nibble is 3, adding 6 carries into no other byte.)
    let digits = word & HIGH_NIBBLES == ZEROS
        && word.wrapping_add(0x0606_0606_0606_0606) & HIGH_NIBBLES == ZEROS;
    let values = word.wrapping_sub(ZEROS);
    // Each even byte becomes a two-digit number (first digit × 10 + second), ...
    let pairs = values.wrapping_mul(10).wrapping_add(values >> 8);
    // ... then the four pairs are weighted 10^6, 10^4, 10^2 and 1 into the upper half.
    let low = pairs & 0x0000_00ff_0000_00ff;
    let high = (pairs >> 16) & 0x0000_00ff_0000_00ff;
    let number = low
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(high.wrapping_mul(1 + (10_000 << 32)))
        >> 32;
    (number, digits)
}

fn check_tolerance(timestamp: i64, now: Timestamp, tolerance: Duration) -> Result<(), VerifyError> {
    let now_seconds = now.unix_seconds();
    // Less than the tolerance's whole seconds apart (counting whole seconds of the clock): within
    // it, whatever the clock's fraction of a second.
    if timestamp.abs_diff(now_seconds) < tolerance.as_secs() {
        return Ok(());
    }
    if timestamp <= now_seconds {
        let age = Duration::new((now_seconds - timestamp).unsigned_abs(), now.nanos());
        if age > tolerance {
            return Err(VerifyError::StaleTimestamp { age, tolerance });
        }
    } else {
        let ahead = Duration::from_secs((timestamp - now_seconds).unsigned_abs())
            .saturating_sub(Duration::from_nanos(u64::from(now.nanos())));
        if ahead > tolerance {
            return Err(VerifyError::FutureTimestamp { ahead, tolerance });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The documented rule restated: 1 to 18 ASCII digits, read by the standard library.
    fn documented(text: &[u8]) -> Option<i64> {
        let digits = (1..=18).contains(&text.len()) && text.iter().all(u8::is_ascii_digit);
        digits.then(|| std::str::from_utf8(text).ok()?.parse().ok())?
    }

    #[test]
    fn unix_seconds_are_one_to_eighteen_digits() {
        for text in [
            &b"1634579353"[..],
            b"0",
            b"000000000000000001",
            b"999999999999999999",
            b"1000000000000000000",
            b"",
            b"+1",
            b"-1",
            b"1.5",
            b"1e9",
            b"12345678901234567890123",
            b"1634579353/",
            b":1634579353",
            b"\xff1",
            // Bytes just outside the digits, inside the eight-digit words and after them.
            b"16345:9353",
            b"1634579/53",
            b"1634579353?",
            b"163457935;",
            b"12345678901234567>",
            b"\x3f\x3f\x3f\x3f\x3f\x3f\x3f\x3f",
            b"\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7",
            b"12345678",
            b"123456789012345678",
        ] {
            assert_eq!(parse_unix_seconds(text).ok(), documented(text), "{text:?}");
        }
    }

    /// The tolerance rule restated in nanoseconds: at most `tolerance` between the clock and
    /// the signed second, either way.
    fn within_tolerance(timestamp: i64, now: Timestamp, tolerance: Duration) -> bool {
        let now = i128::from(now.unix_seconds()) * 1_000_000_000 + i128::from(now.nanos());
        let signed = i128::from(timestamp) * 1_000_000_000;
        (now - signed).unsigned_abs() <= tolerance.as_nanos()
    }

    #[test]
    fn tolerance_edges_with_fractions_of_a_second() {
        let tolerance = Duration::from_secs(300);
        for (timestamp, seconds, nanos) in [
            (1_000, 1_300, 0),
            (1_000, 1_300, 1),
            (1_000, 1_299, 999_999_999),
            (1_000, 700, 0),
            (1_000, 699, 999_999_999),
            (1_000, 699, 0),
            (1_000, 1_000, 500),
        ] {
            let now = Timestamp::from_unix(seconds, nanos);
            assert_eq!(
                check_tolerance(timestamp, now, tolerance).is_ok(),
                within_tolerance(timestamp, now, tolerance),
                "{timestamp} at {seconds}.{nanos:09}"
            );
        }
        assert_eq!(
            check_tolerance(1_000, Timestamp::from_unix(1_300, 1), tolerance),
            Err(VerifyError::StaleTimestamp {
                age: Duration::new(300, 1),
                tolerance
            })
        );
        assert_eq!(
            check_tolerance(1_000, Timestamp::from_unix(699, 0), tolerance),
            Err(VerifyError::FutureTimestamp {
                ahead: Duration::from_secs(301),
                tolerance
            })
        );
    }

    proptest! {
        #[test]
        fn tolerance_agrees_with_the_rule_in_nanoseconds(
            timestamp in 0i64..4_000,
            seconds in 0i64..4_000,
            nanos in prop_oneof![Just(0u32), Just(999_999_999u32), 0u32..1_000_000_000],
            tolerance_seconds in 0u64..1_500,
            tolerance_nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
        ) {
            let now = Timestamp::from_unix(seconds, nanos);
            let tolerance = Duration::new(tolerance_seconds, tolerance_nanos);
            let checked = check_tolerance(timestamp, now, tolerance);
            prop_assert_eq!(checked.is_ok(), within_tolerance(timestamp, now, tolerance));
            let now_nanos = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
            let off = (now_nanos - i128::from(timestamp) * 1_000_000_000).unsigned_abs();
            let off = Duration::new((off / 1_000_000_000) as u64, (off % 1_000_000_000) as u32);
            match checked {
                Ok(()) => {}
                Err(VerifyError::StaleTimestamp { age, .. }) => prop_assert_eq!(age, off),
                Err(VerifyError::FutureTimestamp { ahead, .. }) => prop_assert_eq!(ahead, off),
                Err(other) => prop_assert!(false, "{other:?}"),
            }
        }

        #[test]
        fn unix_seconds_agree_with_the_documented_rule(
            text in proptest::collection::vec(
                prop_oneof![4 => proptest::sample::select(b"0123456789".to_vec()), 1 => any::<u8>()],
                0..22,
            )
        ) {
            prop_assert_eq!(parse_unix_seconds(&text).ok(), documented(&text));
        }
    }
}
