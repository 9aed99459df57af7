//! Shared fixtures.

use std::sync::Arc;
use std::time::Duration;

use sinch_contacts_port::test_util::{FakeTransport, ManualClock, RecordingSleep, json_response};
use sinch_contacts_port::{Auth, ContactsClient, FixedJitter, HttpResponse, Region, RetryPolicy};

pub const KEY_ID: &str = "key-id-1234";
pub const KEY_SECRET: &str = "super-secret-value-9876";
pub const TOKEN_URL: &str = "http://127.0.0.1:9/oauth2/token";

/// A contact as the API returns it.
pub const CONTACT_JSON: &str = r#"{
  "id": "01CONTACT",
  "channel_identities": [{"channel": "SMS", "identity": "+46701234567", "app_id": ""}],
  "channel_priority": ["SMS"],
  "display_name": "Ada",
  "email": "ada@example.com",
  "external_id": "ext-1",
  "language": "EN_US",
  "metadata": "m"
}"#;

/// Test time: a manual clock and a sleeper that advances it.
pub struct Time {
    pub clock: ManualClock,
    pub sleep: RecordingSleep,
}

impl Time {
    pub fn new() -> Self {
        let clock = ManualClock::new();
        let sleep = RecordingSleep::advancing(clock.clone());
        Self { clock, sleep }
    }
}

fn builder(
    fake: &FakeTransport,
    auth: Auth,
    time: &Time,
) -> sinch_contacts_port::ContactsClientBuilder {
    ContactsClient::builder(fake.clone(), "project-1")
        .region(Region::Eu)
        .auth(auth)
        .clock(Arc::new(time.clock.clone()))
        .sleep(Arc::new(time.sleep.clone()))
        .jitter(Arc::new(FixedJitter::new(1.0)))
}

/// Basic auth, no retries.
pub fn basic_client(fake: &FakeTransport) -> ContactsClient {
    builder(fake, Auth::basic(KEY_ID, KEY_SECRET), &Time::new())
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Basic auth, default retries (3 attempts, 1 s ×4, no jitter randomness).
pub fn retrying_client(fake: &FakeTransport, time: &Time) -> ContactsClient {
    builder(fake, Auth::basic(KEY_ID, KEY_SECRET), time)
        .build()
        .unwrap()
}

/// OAuth2 against `TOKEN_URL`, default retries.
pub fn oauth_client(fake: &FakeTransport, time: &Time) -> ContactsClient {
    builder(
        fake,
        Auth::oauth2(KEY_ID, KEY_SECRET).with_token_url(TOKEN_URL),
        time,
    )
    .build()
    .unwrap()
}

pub fn token_response(token: &str, expires_in: u64) -> HttpResponse {
    json_response(
        200,
        &format!(
            r#"{{"access_token":"{token}","expires_in":{expires_in},"scope":"","token_type":"bearer"}}"#
        ),
    )
}

pub fn with_header(mut response: HttpResponse, name: &'static str, value: &str) -> HttpResponse {
    response.headers_mut().insert(name, value.parse().unwrap());
    response
}

pub fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}
