//! Fuzzes `Verifier::verify` with arbitrary headers and bodies: it must never panic, must
//! accept what `signature_headers` signs with any configured secret (and say which), must
//! refuse any body that differs from the signed one, a repeated header, an unknown secret
//! and a replay across calls (one verifier with a replay guard lives for the whole run).
#![no_main]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use sinch_contacts_callbacks::{SignatureHeader, Verifier, VerifyError, signature_headers};

const NOW: u64 = 1_634_579_353;
const SECRETS: [&[u8]; 3] = [b"fuzz-secret-0", b"fuzz-secret-1", b"not-configured"];

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        Verifier::new(SECRETS[0])
            .with_secret(SECRETS[1])
            .with_replay_guard(4096)
            .with_clock(|| UNIX_EPOCH + Duration::from_secs(NOW))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, data)) = data.split_first() else {
        return;
    };
    // Layout: flags, then 4 header values separated by 0xFF, then the body.
    let mut parts = data.splitn(5, |b| *b == 0xFF);
    let values: Vec<&[u8]> = (0..4).map(|_| parts.next().unwrap_or_default()).collect();
    let body = parts.next().unwrap_or_default();
    let names = [
        "x-sinch-webhook-signature",
        "X-Sinch-Webhook-Signature-Nonce",
        "x-sinch-webhook-signature-timestamp",
        "X-SINCH-WEBHOOK-SIGNATURE-ALGORITHM",
    ];
    let headers: Vec<(&str, &[u8])> = names.iter().copied().zip(values.iter().copied()).collect();
    let _ = verifier().verify(&headers, body);

    // A correctly signed body passes with the secret that signed it; the same headers over
    // another body fail; a repeated header fails; an unknown secret fails; a replay fails.
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nonce: String = values[1]
        .iter()
        .filter(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b'_')
        .take(100)
        .map(|b| char::from(*b))
        .collect();
    let nonce = format!("{nonce}-{}", COUNTER.fetch_add(1, Ordering::Relaxed));
    let secret = usize::from(flags % 3);
    let signed = signature_headers(SECRETS[secret], body, &nonce, NOW as i64);
    let shouted: Vec<(String, String)> = signed
        .iter()
        .map(|(name, value)| {
            let name = if flags & 0x80 != 0 {
                name.to_uppercase()
            } else {
                (*name).to_owned()
            };
            (name, value.clone())
        })
        .collect();
    let mut other = body.to_vec();
    other.push(b' ');
    assert_eq!(
        verifier().verify(&shouted, &other),
        Err(VerifyError::SignatureMismatch)
    );
    let mut repeated = shouted.clone();
    repeated.push((
        SignatureHeader::Timestamp.name().to_owned(),
        NOW.to_string(),
    ));
    assert!(matches!(
        verifier().verify(&repeated, body),
        Err(VerifyError::MalformedHeader {
            header: SignatureHeader::Timestamp,
            ..
        })
    ));
    match verifier().verify(&shouted, body) {
        Ok(verified) => {
            assert!(secret < 2, "accepted with an unknown secret");
            assert_eq!(verified.secret_index(), secret);
            assert_eq!(
                verifier().verify(&shouted, body),
                Err(VerifyError::ReplayedNonce {
                    nonce: nonce.clone()
                })
            );
        }
        Err(error) => {
            assert_eq!(secret, 2, "refused with a configured secret: {error}");
            assert_eq!(error, VerifyError::SignatureMismatch);
        }
    }
});
