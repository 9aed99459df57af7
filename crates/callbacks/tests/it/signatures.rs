//! Signature vectors, tampering, tolerance, rotation, replay and header errors.

use std::time::{Duration, UNIX_EPOCH};

use sinch_contacts_callbacks::{
    NonceProblem, SignatureHeader, Verifier, VerifyError, parse, sign, signature_headers,
};

use crate::support::conformance_dir;

const VECTOR_TIME: u64 = 1_634_579_353;

fn at(seconds: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// One vector of a signature-vector file, read leniently: the body from `body_file` (relative to
/// the folder) or inline `body`; the secret from `secret` or `secrets`; the clock from `now`
/// (Unix seconds) when given, else just after the signed timestamp.
struct Vector {
    name: String,
    body: Vec<u8>,
    secrets: Vec<String>,
    headers: Vec<(String, String)>,
    now: Option<u64>,
    valid: bool,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

fn read_vectors(dir: &std::path::Path) -> Vec<Vector> {
    let path = dir.join("signatures.json");
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{}: not present, signature vectors skipped", path.display());
        return Vec::new();
    };
    let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let vectors = file
        .get("vectors")
        .unwrap_or(&file)
        .as_array()
        .expect("a list of vectors");
    vectors
        .iter()
        .enumerate()
        .map(|(index, vector)| {
            let name = vector["name"]
                .as_str()
                .map_or_else(|| format!("vector {index}"), str::to_owned);
            let body = match (vector["body_file"].as_str(), vector["body"].as_str()) {
                (Some(file), _) => {
                    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{name}: {e}"))
                }
                (None, Some(body)) => body.as_bytes().to_vec(),
                (None, None) => panic!("{name}: no body_file or body"),
            };
            let secrets = match (&vector["secret"], &vector["secrets"]) {
                (serde_json::Value::String(secret), _) => vec![secret.clone()],
                (_, serde_json::Value::Array(secrets)) => secrets
                    .iter()
                    .filter_map(|secret| secret.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            let headers = vector["headers"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(key, value)| {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_owned);
                    (key.clone(), value)
                })
                .collect();
            let now = vector["now"]
                .as_u64()
                .or_else(|| vector["now"].as_str().and_then(|now| now.parse().ok()));
            let valid = vector["valid"]
                .as_bool()
                .unwrap_or_else(|| panic!("{name}: no `valid`"));
            Vector {
                name,
                body,
                secrets,
                headers,
                now,
                valid,
            }
        })
        .collect()
}

fn verifier_for(secrets: &[String]) -> Verifier {
    let mut secrets = secrets.iter();
    let mut verifier = Verifier::new(secrets.next().map_or("", String::as_str));
    for secret in secrets {
        verifier = verifier.with_secret(secret.as_str());
    }
    verifier
}

/// `value` with its last character changed (a digit stays a digit).
fn change_last(value: &str) -> String {
    let mut bytes = value.as_bytes().to_vec();
    if let Some(last) = bytes.last_mut() {
        *last = match *last {
            b'1' => b'2',
            b'0'..=b'9' => b'1',
            b'a' => b'b',
            _ => b'a',
        };
    }
    String::from_utf8(bytes).unwrap()
}

#[test]
fn conformance_signature_vectors_pass_and_fail_as_stated() {
    let Some(dir) = conformance_dir("conformance_signature_vectors_pass_and_fail_as_stated") else {
        return;
    };
    for vector in read_vectors(&dir) {
        let Vector {
            name,
            body,
            secrets,
            headers,
            now,
            valid,
        } = vector;
        let signed_at = header(&headers, SignatureHeader::Timestamp.name())
            .and_then(|ts| ts.parse::<u64>().ok());
        let now = now
            .or(signed_at.map(|ts| ts + 10))
            .map_or_else(std::time::SystemTime::now, at);
        let verifier = verifier_for(&secrets);
        let result = verifier.verify_at(&headers, &body, now);
        assert_eq!(result.is_ok(), valid, "{name}: {result:?}");
        if !valid {
            continue;
        }
        // `sign` reproduces the header with the secret that matched.
        let matched = &secrets[result.unwrap().secret_index()];
        let nonce = header(&headers, SignatureHeader::Nonce.name()).unwrap();
        let timestamp = signed_at.expect("a valid vector has a numeric timestamp");
        assert_eq!(
            sign(matched.as_bytes(), &body, nonce, timestamp as i64),
            header(&headers, SignatureHeader::Signature.name()).unwrap(),
            "{name}: sign"
        );
        // A one-byte change of the body, the nonce or the timestamp fails.
        let relaxed = verifier_for(&secrets).without_timestamp_check();
        if !body.is_empty() {
            let mut flipped = body.clone();
            flipped[body.len() / 2] ^= 1;
            assert_eq!(
                relaxed.verify_at(&headers, &flipped, now).unwrap_err(),
                VerifyError::SignatureMismatch,
                "{name}: body byte"
            );
            let mut shortened = body.clone();
            shortened.pop();
            assert_eq!(
                relaxed.verify_at(&headers, &shortened, now).unwrap_err(),
                VerifyError::SignatureMismatch,
                "{name}: last body byte removed"
            );
        }
        for changed_header in [SignatureHeader::Nonce, SignatureHeader::Timestamp] {
            let changed: Vec<(String, String)> = headers
                .iter()
                .map(|(key, value)| {
                    if key.eq_ignore_ascii_case(changed_header.name()) {
                        (key.clone(), change_last(value))
                    } else {
                        (key.clone(), value.clone())
                    }
                })
                .collect();
            assert_eq!(
                relaxed.verify_at(&changed, &body, now).unwrap_err(),
                VerifyError::SignatureMismatch,
                "{name}: {}",
                changed_header.name()
            );
        }
    }
}

#[test]
fn one_byte_changes_fail_with_signed_test_bodies() {
    let body = br#"{"app_id":"a","project_id":"p","opt_out_notification":{}}"#.to_vec();
    let verifier = Verifier::new("s3cret").with_clock(|| at(VECTOR_TIME));
    let headers = signature_headers(b"s3cret", &body, "nonce-abc", VECTOR_TIME as i64);
    assert!(verifier.verify(&headers, &body).is_ok());
    for index in 0..body.len() {
        let mut tampered = body.clone();
        tampered[index] = tampered[index].wrapping_add(1);
        assert_eq!(
            verifier.verify(&headers, &tampered).unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }
    let other_nonce = signature_headers(b"s3cret", &body, "nonce-abc", VECTOR_TIME as i64);
    let mut swapped = other_nonce.clone();
    swapped[1].1 = "nonce-abd".to_owned();
    assert_eq!(
        verifier.verify(&swapped, &body).unwrap_err(),
        VerifyError::SignatureMismatch
    );
    let mut moved = other_nonce;
    moved[2].1 = (VECTOR_TIME + 1).to_string();
    assert_eq!(
        verifier.verify(&moved, &body).unwrap_err(),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn header_names_are_case_insensitive_and_problems_are_named() {
    let body = b"{}";
    let signed = signature_headers(b"k", body, "n", VECTOR_TIME as i64);
    let shouting: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| (k.to_uppercase(), v.clone()))
        .collect();
    let verifier = Verifier::new("k").with_clock(|| at(VECTOR_TIME));
    assert!(verifier.verify(&shouting, body).is_ok());

    for (index, header) in [
        SignatureHeader::Signature,
        SignatureHeader::Nonce,
        SignatureHeader::Timestamp,
    ]
    .into_iter()
    .enumerate()
    {
        let missing: Vec<_> = signed
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != index)
            .map(|(_, h)| h.clone())
            .collect();
        assert_eq!(
            verifier.verify(&missing, body).unwrap_err(),
            VerifyError::MissingHeader(header)
        );
    }
    let without_algorithm = &signed[..3];
    assert!(
        verifier.verify(without_algorithm, body).is_ok(),
        "algorithm header is optional"
    );

    let mut sha1 = signed.clone();
    sha1[3].1 = "HmacSHA1".to_owned();
    assert_eq!(
        verifier.verify(&sha1, body).unwrap_err(),
        VerifyError::UnsupportedAlgorithm {
            algorithm: "HmacSHA1".to_owned()
        }
    );

    let mut bad_time = signed.clone();
    bad_time[2].1 = "16345793.53".to_owned();
    assert!(matches!(
        verifier.verify(&bad_time, body).unwrap_err(),
        VerifyError::MalformedHeader {
            header: SignatureHeader::Timestamp,
            ..
        }
    ));

    let mut bad_signature = signed.clone();
    bad_signature[0].1 = "not base64!".to_owned();
    assert!(matches!(
        verifier.verify(&bad_signature, body).unwrap_err(),
        VerifyError::MalformedHeader {
            header: SignatureHeader::Signature,
            ..
        }
    ));

    let mut twice: Vec<(String, String)> = signed
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    twice.push((
        "X-Sinch-Webhook-Signature-Nonce".to_owned(),
        "other".to_owned(),
    ));
    assert!(matches!(
        verifier.verify(&twice, body).unwrap_err(),
        VerifyError::MalformedHeader {
            header: SignatureHeader::Nonce,
            ..
        }
    ));

    let messages: Vec<String> = [
        VerifyError::MissingHeader(SignatureHeader::Nonce),
        verifier.verify(&bad_time, body).unwrap_err(),
        verifier.verify(&sha1, body).unwrap_err(),
        Verifier::new("k")
            .with_clock(|| at(VECTOR_TIME + 301))
            .verify(&signed, body)
            .unwrap_err(),
        Verifier::new("k")
            .with_clock(|| at(VECTOR_TIME - 400))
            .verify(&signed, body)
            .unwrap_err(),
        Verifier::new("other")
            .with_clock(|| at(VECTOR_TIME))
            .verify(&signed, body)
            .unwrap_err(),
        Verifier::new("")
            .with_clock(|| at(VECTOR_TIME))
            .verify(&signed, body)
            .unwrap_err(),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    insta::assert_snapshot!(messages.join("\n"));
}

#[test]
fn tolerance_is_checked_both_ways_and_configurable() {
    let body = b"{}";
    let headers = signature_headers(b"k", body, "n", VECTOR_TIME as i64);
    let verifier = Verifier::new("k");
    assert!(
        verifier
            .verify_at(&headers, body, at(VECTOR_TIME + 300))
            .is_ok()
    );
    assert_eq!(
        verifier
            .verify_at(&headers, body, at(VECTOR_TIME + 301))
            .unwrap_err(),
        VerifyError::StaleTimestamp {
            age: Duration::from_secs(301),
            tolerance: Duration::from_secs(300)
        }
    );
    assert!(
        verifier
            .verify_at(&headers, body, at(VECTOR_TIME - 300))
            .is_ok()
    );
    assert!(matches!(
        verifier
            .verify_at(&headers, body, at(VECTOR_TIME - 301))
            .unwrap_err(),
        VerifyError::FutureTimestamp { .. }
    ));
    let wide = Verifier::new("k").with_tolerance(Duration::from_secs(3600));
    assert!(
        wide.verify_at(&headers, body, at(VECTOR_TIME + 3000))
            .is_ok()
    );
    let any = Verifier::new("k").without_timestamp_check();
    assert!(
        any.verify_at(&headers, body, at(VECTOR_TIME + 10_000_000))
            .is_ok()
    );
}

#[test]
fn several_secrets_allow_rotation() {
    let body = b"{}";
    let verifier = Verifier::new("old")
        .with_secret("new")
        .with_clock(|| at(VECTOR_TIME));
    let old = signature_headers(b"old", body, "n1", VECTOR_TIME as i64);
    let new = signature_headers(b"new", body, "n2", VECTOR_TIME as i64);
    assert_eq!(verifier.verify(&old, body).unwrap().secret_index(), 0);
    assert_eq!(verifier.verify(&new, body).unwrap().secret_index(), 1);
    let third = signature_headers(b"third", body, "n3", VECTOR_TIME as i64);
    assert_eq!(
        verifier.verify(&third, body).unwrap_err(),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn replay_guard_refuses_a_nonce_within_the_window_only() {
    let body = b"{}";
    let now = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(VECTOR_TIME));
    let clock = now.clone();
    let verifier = Verifier::new("k")
        .with_replay_guard(100)
        .with_clock(move || at(clock.load(std::sync::atomic::Ordering::SeqCst)));
    let headers = signature_headers(b"k", body, "n1", VECTOR_TIME as i64);
    assert!(verifier.verify(&headers, body).is_ok());
    assert_eq!(
        verifier.verify(&headers, body).unwrap_err(),
        VerifyError::ReplayedNonce {
            nonce: "n1".to_owned()
        }
    );
    // A refused signature does not consume the nonce.
    let fresh = signature_headers(b"k", body, "n2", VECTOR_TIME as i64);
    assert!(verifier.verify(&fresh, b"[]").is_err());
    assert!(verifier.verify(&fresh, body).is_ok());
    // Releasing the nonce lets a redelivery through.
    verifier.release_nonce("n1");
    assert!(verifier.verify(&headers, body).is_ok());
    // Past the window, the timestamp check refuses it and the guard has forgotten it.
    now.store(VECTOR_TIME + 301, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(
        verifier.verify(&headers, body).unwrap_err(),
        VerifyError::StaleTimestamp { .. }
    ));
    let later = signature_headers(b"k", body, "n3", (VECTOR_TIME + 301) as i64);
    assert!(verifier.verify(&later, body).is_ok());
    assert_eq!(
        verifier.replay_guard().unwrap().len(),
        1,
        "expired nonces are evicted"
    );
}

#[test]
fn sign_and_verify_agree_with_an_independent_implementation() {
    // Expected value computed with Python's `hmac` module over the fixture's raw bytes
    // (trailing newline included): base64(HMAC-SHA256(secret, body + ".nonce.timestamp")).
    let body = crate::support::fixture("seeds/opt_in.json");
    let expected = "nVAsPvvn/l5Uumg5gpPAY3oGRbp+6tCUNWqiusNhpgc=";
    assert_eq!(
        sign(
            b"foo_secret1234",
            &body,
            "01FJA8B4A7BM43YGWSG9GBV067",
            VECTOR_TIME as i64
        ),
        expected
    );
    let headers = [
        ("X-Sinch-Webhook-Signature", expected),
        (
            "X-Sinch-Webhook-Signature-Nonce",
            "01FJA8B4A7BM43YGWSG9GBV067",
        ),
        ("X-Sinch-Webhook-Signature-Timestamp", "1634579353"),
        ("X-Sinch-Webhook-Signature-Algorithm", "HmacSHA256"),
    ];
    let verified = Verifier::new("foo_secret1234")
        .verify_at(&headers, &body, at(VECTOR_TIME))
        .unwrap();
    assert_eq!(verified.timestamp().unix_seconds(), VECTOR_TIME as i64);
    assert!(parse(&verified).is_ok());
}

#[test]
fn maps_are_header_sources() {
    let body = b"{}";
    let signed = signature_headers(b"k", body, "n", VECTOR_TIME as i64);
    let verifier = Verifier::new("k").with_clock(|| at(VECTOR_TIME));
    let hash: std::collections::HashMap<String, String> = signed
        .iter()
        .map(|(k, v)| (k.to_uppercase(), v.clone()))
        .collect();
    assert!(verifier.verify(&hash, body).is_ok());
    let tree: std::collections::BTreeMap<&str, &[u8]> =
        signed.iter().map(|(k, v)| (*k, v.as_bytes())).collect();
    assert!(verifier.verify(&tree, body).is_ok());
    let non_utf8_nonce: Vec<(&str, &[u8])> = signed
        .iter()
        .map(|(k, v)| {
            (
                *k,
                if k.ends_with("nonce") {
                    b"\xff".as_slice()
                } else {
                    v.as_bytes()
                },
            )
        })
        .collect();
    assert_eq!(
        verifier.verify(&non_utf8_nonce, body).unwrap_err(),
        VerifyError::UnacceptableNonce(NonceProblem::ForbiddenByte {
            byte: 0xff,
            offset: 0
        })
    );
}

/// The signed text is `body.nonce.timestamp`. If nonces could hold a `.`, a captured request
/// whose body holds a dot could be replayed with the body cut at that dot and the rest moved
/// into the nonce: the signed text, and so the signature, stay the same.
#[test]
fn a_body_cut_at_a_dot_and_moved_into_the_nonce_is_refused() {
    let secret = b"replay-secret";
    let body = br#"{"app_id":"a","project_id":"p","accepted_time":"2024-06-15T14:00:00.5Z","opt_out_notification":{}}"#;
    let nonce = "01FJA8B4A7BM43YGWSG9GBV067";
    let captured = signature_headers(secret, body, nonce, VECTOR_TIME as i64);
    let verifier = Verifier::new(secret)
        .with_replay_guard(16)
        .with_clock(|| at(VECTOR_TIME));
    assert!(verifier.verify(&captured, body).is_ok());

    // Build the shifted request by hand: body = text before the first dot, nonce = the rest of
    // the body, a dot, and the original nonce; same timestamp and signature header.
    let dot = body.iter().position(|b| *b == b'.').unwrap();
    let (cut_body, rest) = (&body[..dot], &body[dot + 1..]);
    let shifted_nonce = format!("{}.{nonce}", std::str::from_utf8(rest).unwrap());
    // The attack is real: the signed text is byte for byte the same, so is the signature.
    let mut signed_text = body.to_vec();
    signed_text.extend_from_slice(format!(".{nonce}.{VECTOR_TIME}").as_bytes());
    let mut shifted_text = cut_body.to_vec();
    shifted_text.extend_from_slice(format!(".{shifted_nonce}.{VECTOR_TIME}").as_bytes());
    assert_eq!(signed_text, shifted_text);
    assert_eq!(
        sign(secret, cut_body, &shifted_nonce, VECTOR_TIME as i64),
        captured[0].1
    );

    let shifted = [
        (SignatureHeader::Signature.name(), captured[0].1.clone()),
        (SignatureHeader::Nonce.name(), shifted_nonce),
        (SignatureHeader::Timestamp.name(), captured[2].1.clone()),
        (SignatureHeader::Algorithm.name(), captured[3].1.clone()),
    ];
    let error = verifier.verify(&shifted, cut_body).unwrap_err();
    assert!(
        matches!(
            error,
            VerifyError::UnacceptableNonce(NonceProblem::ForbiddenByte {
                byte: b'.' | b'"',
                ..
            })
        ),
        "{error:?}"
    );
    // Also for a body whose tail after the dot is plain text (only the `.` is refused).
    let plain = b"{}.tail";
    let captured = signature_headers(secret, plain, "n1", VECTOR_TIME as i64);
    let shifted = [
        (SignatureHeader::Signature.name(), captured[0].1.clone()),
        (SignatureHeader::Nonce.name(), "tail.n1".to_owned()),
        (SignatureHeader::Timestamp.name(), captured[2].1.clone()),
    ];
    assert_eq!(
        verifier.verify(&shifted, b"{}").unwrap_err(),
        VerifyError::UnacceptableNonce(NonceProblem::ForbiddenByte {
            byte: b'.',
            offset: 4
        })
    );
}

#[test]
fn nonces_outside_the_accepted_form_are_refused_before_the_mac() {
    let body = b"{}";
    let verifier = Verifier::new("k").with_clock(|| at(VECTOR_TIME));
    for (nonce, problem) in [
        (
            "a".repeat(129),
            NonceProblem::TooLong {
                length: 129,
                max: 128,
            },
        ),
        (
            "a b".to_owned(),
            NonceProblem::ForbiddenByte {
                byte: b' ',
                offset: 1,
            },
        ),
        ("   ".to_owned(), NonceProblem::Empty),
    ] {
        // Correctly signed with that nonce: the nonce alone is the reason.
        let headers = signature_headers(b"k", body, &nonce, VECTOR_TIME as i64);
        assert_eq!(
            verifier.verify(&headers, body).unwrap_err(),
            VerifyError::UnacceptableNonce(problem),
            "{nonce:?}"
        );
    }
    let longest = "Z".repeat(128);
    let headers = signature_headers(b"k", body, &longest, VECTOR_TIME as i64);
    assert!(verifier.verify(&headers, body).is_ok());
}

#[test]
fn the_verified_payload_shows_and_compares_its_nonce_as_text() {
    let body = b"{}";
    let verifier = Verifier::new("k").with_clock(|| at(VECTOR_TIME));
    let headers = signature_headers(b"k", body, "01FJA8B4A7BM43YGWSG9GBV067", VECTOR_TIME as i64);
    let verified = verifier.verify(&headers, body).unwrap();
    assert_eq!(verified.nonce(), "01FJA8B4A7BM43YGWSG9GBV067");
    let shown = format!("{verified:?}");
    assert!(
        shown.contains(r#"nonce: "01FJA8B4A7BM43YGWSG9GBV067""#),
        "{shown}"
    );
    assert_eq!(verified.clone(), verified);
    let other = signature_headers(b"k", body, "01FJA8B4A7BM43YGWSG9GBV068", VECTOR_TIME as i64);
    assert_ne!(verifier.verify(&other, body).unwrap(), verified);
}
