//! Retry policy and its safety rules, with injected time.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ContactPatch, ConversationChannel,
};
use sinch_contacts_port::test_util::{FakeTransport, ManualClock, RecordingSleep, json_response};
use sinch_contacts_port::{
    Auth, ContactsClient, Error, FixedJitter, RandomJitter, Region, RetryPolicy, TransportError,
    TransportErrorKind,
};

use crate::support::{CONTACT_JSON, KEY_ID, KEY_SECRET, Time, retrying_client, secs, with_header};

fn create_request() -> ContactCreateRequest {
    ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    )
}

#[tokio::test]
async fn get_retries_server_errors_with_exponential_backoff() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_json(503, "{}")
        .push_json(502, "{}")
        .push_json(200, CONTACT_JSON);
    retrying_client(&fake, &time).get("x").await.unwrap();
    assert_eq!(fake.request_count(), 3);
    assert_eq!(time.sleep.delays(), vec![secs(1), secs(4)]);
}

#[tokio::test]
async fn get_gives_up_after_the_last_attempt() {
    let fake = FakeTransport::new();
    let time = Time::new();
    for _ in 0..3 {
        fake.push_json(
            500,
            r#"{"error":{"code":500,"message":"boom","status":"INTERNAL"}}"#,
        );
    }
    let error = retrying_client(&fake, &time).get("x").await.unwrap_err();
    assert_eq!(
        error.status(),
        Some(http::StatusCode::INTERNAL_SERVER_ERROR)
    );
    assert!(error.is_retryable());
    assert_eq!(fake.request_count(), 3);
    assert_eq!(time.sleep.delays().len(), 2);
}

#[tokio::test]
async fn retry_after_seconds_replace_the_backoff() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(with_header(json_response(429, "{}"), "retry-after", "7"));
    fake.push_json(200, CONTACT_JSON);
    retrying_client(&fake, &time).get("x").await.unwrap();
    assert_eq!(time.sleep.delays(), vec![secs(7)]);
}

#[tokio::test]
async fn retry_after_longer_than_the_limit_returns_the_429() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(with_header(
        json_response(
            429,
            r#"{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED"}}"#,
        ),
        "retry-after",
        "120",
    ));
    let error = retrying_client(&fake, &time).get("x").await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}");
    };
    assert_eq!(api.retry_after(), Some(secs(120)));
    assert_eq!(api.api_status(), Some("RESOURCE_EXHAUSTED"));
    assert!(time.sleep.delays().is_empty());
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn http_date_retry_after_waits_until_that_time() {
    let fake = FakeTransport::new();
    // 2015-10-21 07:27:50 UTC.
    let clock = ManualClock::at_wall_time(UNIX_EPOCH + secs(1_445_412_470));
    let sleep = RecordingSleep::advancing(clock.clone());
    let client = ContactsClient::builder(fake.clone(), "p")
        .region(Region::Eu)
        .auth(Auth::basic(KEY_ID, KEY_SECRET))
        .clock(Arc::new(clock))
        .sleep(Arc::new(sleep.clone()))
        .build()
        .unwrap();
    let busy = |date: &str| with_header(json_response(503, "{}"), "retry-after", date);
    fake.push_response(busy("Wed, 21 Oct 2015 07:28:00 GMT"));
    // The clock is now 07:28:00: a date already reached means no wait.
    fake.push_response(busy("Wed, 21 Oct 2015 07:27:00 GMT"));
    fake.push_json(200, CONTACT_JSON);
    client.get("x").await.unwrap();
    assert_eq!(sleep.delays(), vec![secs(10), Duration::ZERO]);
}

#[tokio::test]
async fn unreadable_retry_after_falls_back_to_backoff() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_response(with_header(
        json_response(503, "{}"),
        "retry-after",
        "Wednesday, 21-Oct-15 07:28:00 GMT",
    ));
    fake.push_json(200, CONTACT_JSON);
    retrying_client(&fake, &time).get("x").await.unwrap();
    assert_eq!(time.sleep.delays(), vec![secs(1)]);
}

#[tokio::test]
async fn get_and_delete_retry_timeouts_and_io_errors() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = retrying_client(&fake, &time);
    fake.push_error(TransportError::timeout("no answer"));
    fake.push_json(200, CONTACT_JSON);
    client.get("x").await.unwrap();
    fake.push_error(TransportError::io("connection reset"));
    fake.push_error(TransportError::connect("refused"));
    fake.push_json(200, "{}");
    client.delete("x").await.unwrap();
    assert_eq!(fake.request_count(), 5);
}

#[tokio::test]
async fn create_is_not_retried_after_a_server_error() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_json(503, "{}");
    fake.push_json(200, CONTACT_JSON);
    let error = retrying_client(&fake, &time)
        .create(&create_request())
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn create_is_not_retried_after_a_timeout_or_io_error() {
    for failure in [TransportError::timeout("t"), TransportError::io("reset")] {
        let fake = FakeTransport::new();
        let time = Time::new();
        fake.push_error(failure);
        fake.push_json(200, CONTACT_JSON);
        let error = retrying_client(&fake, &time)
            .create(&create_request())
            .await
            .unwrap_err();
        let Error::Transport(transport) = &error else {
            panic!("expected a transport error, got {error:?}");
        };
        assert!(transport.may_have_been_sent());
        assert_eq!(fake.request_count(), 1);
    }
}

#[tokio::test]
async fn create_is_retried_when_nothing_was_sent_or_it_was_throttled() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_error(TransportError::connect("refused"));
    fake.push_response(with_header(json_response(429, "{}"), "retry-after", "3"));
    fake.push_json(200, CONTACT_JSON);
    retrying_client(&fake, &time)
        .create(&create_request())
        .await
        .unwrap();
    assert_eq!(fake.request_count(), 3);
    assert_eq!(time.sleep.delays(), vec![secs(1), secs(3)]);
}

#[tokio::test]
async fn update_and_merge_follow_the_post_rules() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = retrying_client(&fake, &time);
    fake.push_json(500, "{}");
    let patch = ContactPatch::new().display_name("x");
    assert!(client.update("x", &patch).await.is_err());
    assert_eq!(fake.request_count(), 1);

    fake.push_json(429, "{}").push_json(200, CONTACT_JSON);
    client.update("x", &patch).await.unwrap();
    assert_eq!(fake.request_count(), 3);

    fake.push_error(TransportError::io("reset"));
    assert!(client.merge("a", "b").await.is_err());
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test]
async fn other_transport_errors_are_never_retried() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_error(TransportError::other("worker panicked"));
    let error = retrying_client(&fake, &time).get("x").await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Other);
    assert!(!error.is_retryable());
    assert_eq!(fake.request_count(), 1);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let fake = FakeTransport::new();
    let time = Time::new();
    fake.push_json(
        404,
        r#"{"error":{"code":404,"message":"Contact not found","status":"NOT_FOUND"}}"#,
    );
    let error = retrying_client(&fake, &time).get("x").await.unwrap_err();
    assert!(!error.is_retryable());
    assert_eq!(fake.request_count(), 1);
}

fn client_with(
    fake: &FakeTransport,
    policy: RetryPolicy,
    sleep: &RecordingSleep,
    jitter: Arc<dyn sinch_contacts_port::Jitter>,
) -> ContactsClient {
    ContactsClient::builder(fake.clone(), "p")
        .region(Region::Us)
        .auth(Auth::basic(KEY_ID, KEY_SECRET))
        .retry_policy(policy)
        .sleep(Arc::new(sleep.clone()))
        .jitter(jitter)
        .build()
        .unwrap()
}

#[tokio::test]
async fn disabled_policy_makes_one_attempt() {
    let fake = FakeTransport::new();
    let sleep = RecordingSleep::new();
    fake.push_json(503, "{}");
    let client = client_with(
        &fake,
        RetryPolicy::disabled(),
        &sleep,
        Arc::new(FixedJitter::new(1.0)),
    );
    assert!(client.get("x").await.is_err());
    assert_eq!(fake.request_count(), 1);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn tuned_policy_and_jitter_shape_the_delays() {
    let fake = FakeTransport::new();
    let sleep = RecordingSleep::new();
    for _ in 0..5 {
        fake.push_json(503, "{}");
    }
    let policy = RetryPolicy::default()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(100))
        .with_multiplier(2)
        .with_max_backoff(Duration::from_millis(500));
    let client = client_with(&fake, policy, &sleep, Arc::new(FixedJitter::new(0.5)));
    assert!(client.get("x").await.is_err());
    let millis: Vec<u128> = sleep.delays().iter().map(Duration::as_millis).collect();
    assert_eq!(millis, vec![50, 100, 200, 250]);
}

#[tokio::test]
async fn random_jitter_stays_within_the_ceiling() {
    let fake = FakeTransport::new();
    let sleep = RecordingSleep::new();
    for _ in 0..8 {
        fake.push_json(503, "{}");
    }
    let policy = RetryPolicy::default().with_max_attempts(8);
    let client = client_with(
        &fake,
        policy.clone(),
        &sleep,
        Arc::new(RandomJitter::with_seed(42)),
    );
    assert!(client.get("x").await.is_err());
    let delays = sleep.delays();
    assert_eq!(delays.len(), 7);
    for (index, delay) in delays.iter().enumerate() {
        assert!(
            *delay <= policy.backoff_ceiling(index as u32 + 1),
            "{index}: {delay:?}"
        );
    }
    // Full jitter: not every delay sits on its ceiling.
    assert!(
        delays
            .iter()
            .enumerate()
            .any(|(index, delay)| *delay < policy.backoff_ceiling(index as u32 + 1))
    );
}

/// A clone with another policy changes only its own calls; the original
/// keeps retrying, and both share the transport.
#[tokio::test]
async fn a_clone_with_retries_disabled_makes_one_attempt_per_call() {
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = retrying_client(&fake, &time);
    let once = client.with_retry_policy(RetryPolicy::disabled());
    fake.push_json(503, "{}");
    let error = once.get("x").await.unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(fake.request_count(), 1);
    assert!(time.sleep.delays().is_empty());

    fake.push_json(503, "{}").push_json(200, CONTACT_JSON);
    client.get("x").await.unwrap();
    assert_eq!(fake.request_count(), 3);
    assert_eq!(time.sleep.delays(), vec![secs(1)]);
    assert_eq!(client.retry_policy(), &RetryPolicy::default());
}
