//! Properties that hold for any input: encoding cannot be escaped, parsing
//! never panics, back-off stays within its bounds.

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use sinch_contacts_model::{ContactFilter, ConversationChannel, ListContactsQuery};
use sinch_contacts_port::operations::{GetContact, ListContacts, Operation};
use sinch_contacts_port::test_util::server_input;
use sinch_contacts_port::{ApiError, Endpoint, Error, Region, RetryPolicy};

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8().unwrap().into_owned()
}

fn response(status: u16, body: Vec<u8>) -> sinch_contacts_port::HttpResponse {
    http::Response::builder()
        .status(status)
        .body(Bytes::from(body))
        .unwrap()
}

proptest! {
    #[test]
    fn query_values_round_trip_and_cannot_inject(identity in "\\PC+", token in any::<String>()) {
        prop_assume!(!token.is_empty());
        let query = ListContactsQuery::new()
            .page_token(token.clone())
            .filter(ContactFilter::channel_identity(ConversationChannel::Sms, identity.clone()));
        let endpoint = Endpoint::for_region(Region::Eu, "p");
        let request = ListContacts::new(query).build(&endpoint).unwrap();
        let raw = request.uri().query().unwrap();
        let pairs: Vec<(String, String)> = raw
            .split('&')
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap();
                (name.to_owned(), decode(value))
            })
            .collect();
        prop_assert_eq!(
            pairs,
            vec![
                ("page_token".to_owned(), token),
                ("channel".to_owned(), "SMS".to_owned()),
                ("identity".to_owned(), identity),
            ]
        );
        prop_assert!(!raw.contains('+') && !raw.contains(' ') && !raw.contains('#'));
    }

    #[test]
    fn ids_stay_one_path_segment(id in any::<String>()) {
        prop_assume!(!id.trim().is_empty());
        let endpoint = Endpoint::for_region(Region::Us, "p");
        let built = GetContact::new(&id).build(&endpoint);
        if id == "." || id == ".." {
            // A dot segment would be resolved away: refused, never sent.
            prop_assert!(matches!(built, Err(Error::InvalidId(_))));
            return Ok(());
        }
        let request = built.unwrap();
        prop_assert_eq!(request.uri().query(), None);
        let path = request.uri().path();
        let segments: Vec<&str> = path.split('/').collect();
        prop_assert_eq!(segments.len(), 6, "{}", path);
        prop_assert_eq!(&segments[..5], &["", "v1", "projects", "p", "contacts"]);
        prop_assert!(segments[5] != "." && segments[5] != "..");
        prop_assert_eq!(decode(segments[5]), id);
    }

    #[test]
    fn error_bodies_never_panic_and_are_kept(status in 400u16..600, body in any::<Vec<u8>>()) {
        let error = ApiError::from_response(response(status, body.clone()));
        prop_assert_eq!(error.status().as_u16(), status);
        prop_assert_eq!(error.raw_body().as_ref(), body.as_slice());
        let _ = error.to_string();
    }

    #[test]
    fn success_bodies_decode_or_fail_with_the_body(body in any::<Vec<u8>>()) {
        match GetContact::parse(response(200, body.clone())) {
            Ok(_) => {}
            Err(Error::Decode(decode)) => prop_assert_eq!(decode.raw_body().as_ref(), body.as_slice()),
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
    }

    #[test]
    fn backoff_ceilings_grow_and_stay_capped(
        initial_ms in 0u64..10_000,
        multiplier in 1u32..10,
        max_ms in 0u64..100_000,
        retry in 1u32..64,
    ) {
        let policy = RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(initial_ms))
            .with_multiplier(multiplier)
            .with_max_backoff(Duration::from_millis(max_ms));
        let ceiling = policy.backoff_ceiling(retry);
        prop_assert!(ceiling <= policy.max_backoff());
        prop_assert!(ceiling <= policy.backoff_ceiling(retry + 1));
    }
}

// What a server sends, through the real client: the same checks the fuzz
// targets run (see `test_util::server_input` and docs/fuzzing.md).
proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_token_response_is_handled(code in 100u16..1000, body in token_body()) {
        server_input::token_response(code, &body);
    }

    #[test]
    fn any_retry_after_is_handled(value in retry_after_value()) {
        server_input::retry_after(&value);
    }

    #[test]
    fn any_error_body_is_handled(code in any::<u16>(), body in error_body()) {
        server_input::error_body(code, &body);
    }

    #[test]
    fn any_list_pages_end(pages in prop::collection::vec(list_page(), 1..8)) {
        let pages: Vec<&[u8]> = pages.iter().map(Vec::as_slice).collect();
        server_input::list_pages(&pages);
    }
}

/// Arbitrary bytes, or a token answer with an arbitrary `expires_in`.
fn token_body() -> impl Strategy<Value = Vec<u8>> {
    let lifetime = prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| format!("{n:e}")),
        "\"[0-9 .e+-]{0,25}\"",
        Just("18446744073709551615".to_owned()),
        Just("null".to_owned()),
    ];
    prop_oneof![
        any::<Vec<u8>>(),
        (lifetime, "[ -~]{0,20}").prop_map(|(lifetime, token)| {
            let token = serde_json::to_string(&token).unwrap();
            format!(r#"{{"access_token":{token},"expires_in":{lifetime}}}"#).into_bytes()
        }),
    ]
}

/// Arbitrary bytes, numbers of any size, or dates of any shape.
fn retry_after_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        any::<Vec<u8>>(),
        any::<u64>().prop_map(|n| n.to_string().into_bytes()),
        "[0-9]{18,30}".prop_map(String::into_bytes),
        (
            "(Mon|Tue|Wed|Thu|Fri|Sat|Sun),",
            0u32..40,
            "(Jan|Feb|Dec|Foo)",
            0u32..10_000,
            0u32..30,
            0u32..70,
        )
            .prop_map(|(day, date, month, year, hour, minute)| {
                format!("{day} {date:02} {month} {year:04} {hour:02}:{minute:02}:00 GMT")
                    .into_bytes()
            }),
    ]
}

/// Arbitrary bytes or JSON objects shaped like either error form.
fn error_body() -> impl Strategy<Value = Vec<u8>> {
    let member = prop_oneof![
        Just("1".to_owned()),
        Just("\"400\"".to_owned()),
        Just("null".to_owned()),
        Just("[{\"@type\":\"t\"},3]".to_owned()),
        "\"[ -~]{0,10}\"",
    ];
    prop_oneof![
        any::<Vec<u8>>(),
        (member.clone(), member.clone(), member).prop_map(|(code, message, details)| {
            format!(r#"{{"error":{{"code":{code},"message":{message},"details":{details}}}}}"#)
                .into_bytes()
        }),
    ]
}

/// Arbitrary bytes or a page with 0..3 contacts and a token from a small
/// alphabet (so cycles are common).
fn list_page() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => any::<Vec<u8>>(),
        4 => (0usize..3, prop::option::of("[ABC]{0,1}"), any::<bool>()).prop_map(
            |(count, token, conflicts)| {
                let items: Vec<String> = (0..count)
                    .map(|n| {
                        if conflicts {
                            format!(r#"{{"identity":"+{n}","contact_ids":["a","b"]}}"#)
                        } else {
                            format!(r#"{{"id":"c{n}"}}"#)
                        }
                    })
                    .collect();
                let key = if conflicts { "conflicts" } else { "contacts" };
                let token = token
                    .map(|token| format!(r#","next_page_token":"{token}""#))
                    .unwrap_or_default();
                format!(r#"{{"{key}":[{}]{token}}}"#, items.join(",")).into_bytes()
            }
        ),
    ]
}
