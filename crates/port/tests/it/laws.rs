//! Properties that hold for any input: encoding cannot be escaped, parsing
//! never panics, back-off stays within its bounds.

use std::time::Duration;

use bytes::Bytes;
use percent_encoding::percent_decode_str;
use proptest::prelude::*;
use sinch_contacts_model::{ContactFilter, ConversationChannel, ListContactsQuery};
use sinch_contacts_port::operations::{GetContact, ListContacts, Operation};
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
