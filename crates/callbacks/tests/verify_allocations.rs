//! A verify without a replay guard allocates nothing, accepted or refused for a mismatch, with
//! one secret or several (a test binary of its own: the allocation counter is global to the
//! process).

use std::time::{Duration, UNIX_EPOCH};

use sinch_contacts_callbacks::{Verifier, VerifyError, signature_headers};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

#[test]
fn verify_allocates_nothing() {
    let body = br#"{"app_id":"a","project_id":"p","opt_out_notification":{}}"#;
    let longest_nonce = "N".repeat(128);
    let verifier =
        Verifier::new("s3cret").with_clock(|| UNIX_EPOCH + Duration::from_secs(1_634_579_360));
    for nonce in ["01FJA8B4A7BM43YGWSG9GBV067", longest_nonce.as_str()] {
        let headers = signature_headers(b"s3cret", body, nonce, 1_634_579_353);
        let forged = signature_headers(b"other", body, nonce, 1_634_579_353);

        let region = Region::new(GLOBAL);
        let verified = verifier.verify(&headers, body);
        let refused = verifier.verify(&forged, body);
        let allocations = region.change().allocations;

        assert_eq!(verified.map(|v| v.nonce().to_owned()).as_deref(), Ok(nonce));
        assert_eq!(refused.unwrap_err(), VerifyError::SignatureMismatch);
        assert_eq!(allocations, 0, "nonce of {} bytes", nonce.len());
    }

    // Rotation: the second secret matches.
    let rotating = Verifier::new("old")
        .with_secret("s3cret")
        .with_clock(|| UNIX_EPOCH + Duration::from_secs(1_634_579_360));
    let headers = signature_headers(b"s3cret", body, "n1", 1_634_579_353);
    let region = Region::new(GLOBAL);
    let verified = rotating.verify(&headers, body);
    let allocations = region.change().allocations;
    assert_eq!(verified.map(|v| v.secret_index()), Ok(1));
    assert_eq!(allocations, 0, "two secrets");
}
