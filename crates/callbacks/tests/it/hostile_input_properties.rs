//! Properties over hostile input, the stable counterparts of the fuzz targets: duplicated
//! members are found wherever they are (checked against a naive search over the generated
//! tree), error texts stay bounded whatever the body holds, and verification keeps its rules
//! across calls with several secrets.

use std::time::{Duration, UNIX_EPOCH};

use proptest::prelude::*;
use sinch_contacts_callbacks::{
    ParseErrorKind, SignatureHeader, Verifier, VerifyError, parse_unverified, signature_headers,
};

/// A JSON tree whose objects may repeat member names (which `serde_json::Value` cannot hold).
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Number(i64),
    Text(String),
    Array(Vec<Node>),
    Object(Vec<(String, bool, Node)>),
}

pub(crate) fn node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        any::<i64>().prop_map(Node::Number),
        "[a-z.\" ]{0,6}".prop_map(Node::Text),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Node::Array),
            prop::collection::vec(
                (
                    prop::sample::select(vec!["a", "b", "app_id", "message", "t\"x", "é"]),
                    any::<bool>(),
                    inner
                ),
                0..5
            )
            .prop_map(|members| Node::Object(
                members
                    .into_iter()
                    .map(|(name, escape, value)| (name.to_owned(), escape, value))
                    .collect()
            )),
        ]
    })
}

/// Writes a member name, each character as a `\u` escape when `escape` is set.
fn write_name(out: &mut String, name: &str, escape: bool) {
    if escape {
        out.push('"');
        for unit in name.encode_utf16() {
            out.push_str(&format!("\\u{unit:04x}"));
        }
        out.push('"');
    } else {
        out.push_str(&serde_json::to_string(name).unwrap());
    }
}

pub(crate) fn write(out: &mut String, node: &Node) {
    match node {
        Node::Number(n) => out.push_str(&n.to_string()),
        Node::Text(t) => out.push_str(&serde_json::to_string(t).unwrap()),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item);
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            for (i, (name, escape, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_name(out, name, *escape);
                out.push(':');
                write(out, value);
            }
            out.push('}');
        }
    }
}

/// The naive search: in document order, the first member whose name an earlier member of
/// the same object already had.
fn first_duplicate(node: &Node) -> Option<String> {
    match node {
        Node::Number(_) | Node::Text(_) => None,
        Node::Array(items) => items.iter().find_map(first_duplicate),
        Node::Object(members) => {
            for (i, (name, _, value)) in members.iter().enumerate() {
                if members[..i].iter().any(|(earlier, _, _)| earlier == name) {
                    return Some(name.clone());
                }
                if let Some(found) = first_duplicate(value) {
                    return Some(found);
                }
            }
            None
        }
    }
}

const NOW: u64 = 1_700_000_000;

fn at(seconds: u64) -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_duplicated_member_is_refused_wherever_it_is(tree in node()) {
        let mut body = String::new();
        write(&mut body, &tree);
        let result = parse_unverified(body.as_bytes());
        match first_duplicate(&tree) {
            Some(name) => {
                let error = result.expect_err("a body with a duplicated member is refused");
                prop_assert_eq!(error.kind(), ParseErrorKind::DuplicateKey, "{}", body);
                prop_assert_eq!(error.duplicate_key(), Some(name.as_str()), "{}", body);
            }
            None => {
                if let Err(error) = result {
                    prop_assert_ne!(error.kind(), ParseErrorKind::DuplicateKey, "{}", body);
                }
            }
        }
    }

    #[test]
    fn error_texts_stay_bounded_whatever_the_body_holds(
        field in prop::sample::select(vec![
            "app_id", "accepted_time", "event_time", "message", "opt_in_notification",
        ]),
        inner in prop::sample::select(vec!["", "injected", "channel_identity", "accept_time"]),
        name_len in 0usize..3000,
        value_len in 0usize..50_000,
        filler in "[a-z\"\\\\ é\n]{1,3}",
    ) {
        let value = filler.repeat(value_len / filler.len() + 1);
        let name = "K".repeat(name_len);
        let string = serde_json::to_string(&value).unwrap();
        let body = if inner.is_empty() {
            format!(r#"{{"{field}":{string},"{name}":5,"{name}":[{string}]}}"#)
        } else {
            format!(r#"{{"project_id":7,"{field}":{{"{inner}":{string}}},"{name}":{string}}}"#)
        };
        if let Err(error) = parse_unverified(body.as_bytes()) {
            let text = error.to_string();
            prop_assert!(text.chars().count() <= 900, "{} chars: {}", text.chars().count(), text);
            prop_assert!(error.brief().chars().count() <= 400, "{}", error.brief());
            // The answer the endpoint sends quotes nothing of the value.
            let probe: String = value.chars().take(16).collect();
            if probe.chars().count() == 16 {
                prop_assert!(!error.brief().contains(&probe), "{}", error.brief());
            }
            let debug = format!("{error:?}");
            prop_assert!(debug.chars().count() <= 1300, "{}", debug);
            prop_assert_eq!(error.body(), body.as_bytes());
        }
    }

    #[test]
    fn error_texts_stay_bounded_on_arbitrary_bytes(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        if let Err(error) = parse_unverified(&bytes) {
            prop_assert!(error.to_string().chars().count() <= 900);
            let debug = format!("{error:?}");
            prop_assert!(debug.chars().count() <= 1300, "{}", debug);
        }
    }

    /// Several secrets, replays across calls, header names in any case, repeated headers.
    #[test]
    fn verification_rules_hold_across_calls(
        deliveries in prop::collection::vec(
            (0usize..3, any::<bool>(), any::<bool>(), "[A-Za-z0-9_-]{1,40}", prop::collection::vec(any::<u8>(), 0..300)),
            1..8,
        ),
    ) {
        let secrets = [b"old-secret".as_slice(), b"new-secret".as_slice(), b"unknown".as_slice()];
        let verifier = Verifier::new(secrets[0])
            .with_secret(secrets[1])
            .with_replay_guard(64)
            .with_clock(|| at(NOW));
        let mut accepted: Vec<String> = Vec::new();
        for (secret, shout, repeat, nonce, body) in deliveries {
            let signed = signature_headers(secrets[secret], &body, &nonce, NOW as i64);
            let mut headers: Vec<(String, String)> = signed
                .iter()
                .map(|(name, value)| {
                    let name = if shout { name.to_uppercase() } else { (*name).to_owned() };
                    (name, value.clone())
                })
                .collect();
            if repeat {
                headers.push((SignatureHeader::Signature.name().to_owned(), signed[0].1.clone()));
            }
            let result = verifier.verify(&headers, &body);
            if repeat {
                prop_assert_eq!(
                    result.unwrap_err(),
                    VerifyError::MalformedHeader {
                        header: SignatureHeader::Signature,
                        reason: "present more than once"
                    }
                );
            } else if secret == 2 {
                prop_assert_eq!(result.unwrap_err(), VerifyError::SignatureMismatch);
            } else if accepted.contains(&nonce) {
                prop_assert_eq!(result.unwrap_err(), VerifyError::ReplayedNonce { nonce: nonce.clone() });
            } else {
                let verified = result.expect("signed with a configured secret");
                prop_assert_eq!(verified.secret_index(), secret);
                prop_assert_eq!(verified.body(), body.as_slice());
                accepted.push(nonce.clone());
                // The same delivery again is a replay.
                prop_assert_eq!(
                    verifier.verify(&headers, &body).unwrap_err(),
                    VerifyError::ReplayedNonce { nonce: nonce.clone() }
                );
            }
        }
    }
}
