//! Fuzzes `Verifier::verify` with arbitrary headers and bodies: it must never panic, must
//! accept what `signature_headers` signs, and must refuse any body that differs from the
//! signed one.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use sinch_contacts_callbacks::{Verifier, VerifyError, signature_headers};

const NOW: u64 = 1_634_579_353;

fuzz_target!(|data: &[u8]| {
    // Layout: 4 header values separated by 0xFF, then the body.
    let mut parts = data.splitn(5, |b| *b == 0xFF);
    let values: Vec<&[u8]> = (0..4).map(|_| parts.next().unwrap_or_default()).collect();
    let body = parts.next().unwrap_or_default();
    let names = [
        "x-sinch-webhook-signature",
        "X-Sinch-Webhook-Signature-Nonce",
        "x-sinch-webhook-signature-timestamp",
        "x-sinch-webhook-signature-algorithm",
    ];
    let headers: Vec<(&str, &[u8])> = names.iter().copied().zip(values.iter().copied()).collect();
    let verifier = Verifier::new("fuzz-secret")
        .with_replay_guard(8)
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    let _ = verifier.verify(&headers, body);

    // A correctly signed body passes; the same headers over another body fail.
    // Keep the bytes a nonce may hold (ASCII letters, digits, `-`, `_`), at most 128 of them.
    let nonce: String = values[1]
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
        .take(128)
        .map(|b| char::from(*b))
        .collect();
    let nonce = if nonce.is_empty() { "n".to_owned() } else { nonce };
    let signed = signature_headers(b"fuzz-secret", body, &nonce, NOW as i64);
    let fresh = Verifier::new("fuzz-secret").with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW));
    fresh.verify(&signed, body).expect("a signed body verifies");
    let mut other = body.to_vec();
    other.push(b' ');
    assert_eq!(fresh.verify(&signed, &other), Err(VerifyError::SignatureMismatch));
});
