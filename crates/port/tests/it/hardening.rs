//! Whatever a server sends (lifetimes, delays, page tokens) and whatever ids
//! a caller passes, the client answers with a value or a typed error, never a
//! panic or an endless loop.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use http::header::AUTHORIZATION;
use sinch_contacts_model::{ContactPatch, ListContactsQuery, ViolationKind};
use sinch_contacts_port::operations::{GetContact, ListContacts, Operation};
use sinch_contacts_port::test_util::{FakeTransport, ManualClock, RecordingSleep, json_response};
use sinch_contacts_port::{
    Auth, ConfigError, ContactsClient, Endpoint, Error, Region, RetryPolicy,
};

use crate::support::{
    CONTACT_JSON, KEY_ID, KEY_SECRET, TOKEN_URL, Time, basic_client, oauth_client, retrying_client,
    secs, with_header,
};

fn raw_token(expires_in: &str) -> sinch_contacts_port::HttpResponse {
    json_response(
        200,
        &format!(r#"{{"access_token":"tok","expires_in":{expires_in}}}"#),
    )
}

#[tokio::test]
async fn a_huge_token_lifetime_is_capped_at_a_day_instead_of_panicking() {
    for expires_in in ["18446744073709551615", "9.3e18", "9300000000000000000"] {
        let fake = FakeTransport::new();
        let time = Time::new();
        let client = oauth_client(&fake, &time);
        fake.push_response(raw_token(expires_in));
        fake.push_json(200, CONTACT_JSON);
        fake.push_json(200, CONTACT_JSON);
        client.get("a").await.unwrap();
        client.get("b").await.unwrap();
        assert_eq!(fake.request_count(), 3, "{expires_in}: token reused");

        // 24 h minus the 60 s margin: the capped token is replaced.
        time.clock.advance(secs(24 * 3600 - 60));
        fake.push_response(raw_token("3600"));
        fake.push_json(200, CONTACT_JSON);
        client.get("c").await.unwrap();
        let requests = fake.requests();
        assert_eq!(requests.len(), 5, "{expires_in}");
        assert_eq!(requests[3].uri(), TOKEN_URL, "{expires_in}");
        assert_eq!(requests[4].headers()[AUTHORIZATION], "Bearer tok");
    }
}

#[tokio::test]
async fn a_negative_token_lifetime_is_an_auth_error() {
    let fake = FakeTransport::new();
    let client = oauth_client(&fake, &Time::new());
    fake.push_response(raw_token("-5"));
    let Err(Error::Auth(error)) = client.get("a").await else {
        panic!("expected an auth error");
    };
    assert_eq!(error.decode_path(), Some("expires_in"));
    assert_eq!(fake.request_count(), 1, "the API is not called");
}

fn throttled(retry_after: &str) -> sinch_contacts_port::HttpResponse {
    with_header(json_response(429, "{}"), "retry-after", retry_after)
}

#[tokio::test]
async fn an_enormous_retry_after_is_reported_not_waited_for() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(throttled("18446744073709551615"));
    let Err(Error::Api(error)) = retrying_client(&fake, &time).get("x").await else {
        panic!("expected the 429");
    };
    assert_eq!(error.retry_after(), Some(secs(u64::MAX)));
    assert!(time.sleep.delays().is_empty());

    fake.push_response(throttled("Fri, 31 Dec 9999 23:59:59 GMT"));
    let Err(Error::Api(error)) = retrying_client(&fake, &time).get("x").await else {
        panic!("expected the 429");
    };
    assert_eq!(
        error.retry_at(),
        Some(UNIX_EPOCH + secs(253_402_300_799)) // 9999-12-31T23:59:59Z
    );
    assert!(time.sleep.delays().is_empty());
}

#[tokio::test]
async fn a_retry_after_beyond_u64_falls_back_to_the_backoff() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(throttled("99999999999999999999999"));
    fake.push_json(200, CONTACT_JSON);
    retrying_client(&fake, &time).get("x").await.unwrap();
    assert_eq!(time.sleep.delays(), vec![secs(1)]);
}

#[tokio::test]
async fn waiting_for_any_retry_after_never_overflows_the_clock() {
    let fake = FakeTransport::new();
    let clock = ManualClock::new();
    let sleep = RecordingSleep::advancing(clock.clone());
    let client = ContactsClient::builder(fake.clone(), "p")
        .region(Region::Eu)
        .auth(Auth::oauth2(KEY_ID, KEY_SECRET).with_token_url(TOKEN_URL))
        .retry_policy(
            RetryPolicy::default()
                .with_max_attempts(4)
                .with_max_retry_after(Duration::MAX),
        )
        .clock(Arc::new(clock))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    // Each attempt takes its credential from the token cache. After the
    // first wait the clock is at the end of time, where a token's refresh
    // instant cannot be represented: such a token is used once, not cached,
    // so every later attempt fetches its own.
    fake.push_response(raw_token("3600"));
    fake.push_response(throttled("18446744073709551615"));
    fake.push_response(raw_token("3600"));
    fake.push_response(throttled("18446744073709551615"));
    fake.push_response(raw_token("3600"));
    fake.push_response(throttled("Fri, 31 Dec 9999 23:59:59 GMT"));
    fake.push_response(raw_token("3600"));
    fake.push_json(200, CONTACT_JSON);
    client.get("x").await.unwrap();
    assert_eq!(fake.remaining(), 0);
    assert_eq!(
        sleep.delays()[..2],
        [secs(u64::MAX), secs(u64::MAX)],
        "the requested delays are passed on as they are"
    );
    assert_eq!(sleep.delays()[2], Duration::ZERO, "a date already passed");
}

fn refused_id(error: Error) -> (String, String) {
    match error {
        Error::InvalidId(error) => (error.field().to_owned(), error.value().to_owned()),
        Error::Validation(error) => {
            let violation = &error.violations()[0];
            assert_eq!(violation.kind(), &ViolationKind::Empty, "{error}");
            (violation.field().to_owned(), "<blank>".to_owned())
        }
        other => panic!("expected a refused id, got {other:?}"),
    }
}

#[tokio::test]
async fn dot_segment_contact_ids_are_refused_before_sending() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    let patch = ContactPatch::new().display_name("x");
    for id in [".", ".."] {
        let expected = ("contact_id".to_owned(), id.to_owned());
        assert_eq!(refused_id(client.get(id).await.unwrap_err()), expected);
        assert_eq!(refused_id(client.delete(id).await.unwrap_err()), expected);
        assert_eq!(
            refused_id(client.update(id, &patch).await.unwrap_err()),
            expected
        );
    }
    assert_eq!(fake.request_count(), 0);
}

#[tokio::test]
async fn merge_refuses_blank_and_dot_segment_ids_on_both_sides() {
    let fake = FakeTransport::new();
    let client = basic_client(&fake);
    let cases = [
        ("   ", "c1", "destination_id", "<blank>"),
        ("c1", " \t", "source_id", "<blank>"),
        ("..", "c1", "destination_id", ".."),
        ("c1", ".", "source_id", "."),
    ];
    for (destination, source, field, value) in cases {
        let error = client.merge(destination, source).await.unwrap_err();
        assert_eq!(
            refused_id(error),
            (field.to_owned(), value.to_owned()),
            "merge({destination:?}, {source:?})"
        );
    }
    assert_eq!(fake.request_count(), 0);
}

#[test]
fn a_dot_segment_project_id_is_a_config_error() {
    for project in [".", ".."] {
        let error = ContactsClient::builder(FakeTransport::new(), project)
            .region(Region::Eu)
            .auth(Auth::basic(KEY_ID, KEY_SECRET))
            .build()
            .unwrap_err();
        assert_eq!(error, ConfigError::InvalidProjectId(project.to_owned()));
        assert_eq!(
            error.to_string(),
            format!("invalid project id {project:?}: `.` and `..` are path dot segments, not ids")
        );
    }
    let blank = ContactsClient::builder(FakeTransport::new(), " ")
        .region(Region::Eu)
        .auth(Auth::basic(KEY_ID, KEY_SECRET))
        .build()
        .unwrap_err();
    assert_eq!(blank, ConfigError::EmptyProjectId);
}

#[test]
fn operations_built_against_a_hand_made_endpoint_check_the_project_id_too() {
    let endpoint = Endpoint::for_region(Region::Eu, "..");
    let list = ListContacts::new(ListContactsQuery::new()).build(&endpoint);
    assert_eq!(
        refused_id(list.unwrap_err()),
        ("project_id".to_owned(), "..".to_owned())
    );
    let get = GetContact::new("c1").build(&Endpoint::for_region(Region::Eu, " "));
    assert_eq!(
        refused_id(get.unwrap_err()),
        ("project_id".to_owned(), "<blank>".to_owned())
    );
}
