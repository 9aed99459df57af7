//! Both authentication schemes over loopback, and OAuth2 tokens that expire while calls go on.

use std::time::{Duration, Instant};

use serde_json::json;
use sinch_contacts_e2e::loopback::{Loopback, fast_retries};
use sinch_contacts_emulator::Emulator;
use sinch_contacts_port::{Auth, Error};

use crate::support::{api_status, create_request, id_of};

fn a_contact(number: &str) -> sinch_contacts_model::ContactCreateRequest {
    create_request(json!({
        "channel_identities": [{"channel": "SMS", "identity": number}],
        "language": "EN_US",
    }))
}

#[tokio::test]
async fn basic_auth_needs_no_token_and_a_wrong_secret_is_refused() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let client = loopback.basic_client().expect("client");
    let created = client
        .create(&a_contact("+46700000100"))
        .await
        .expect("create");
    assert_eq!(client.get(&id_of(&created)).await.expect("get"), created);
    assert_eq!(loopback.emulator().tokens_issued(), 0);

    let wrong = loopback
        .client(
            Auth::basic("emulator-key", "not-the-secret"),
            fast_retries(3),
        )
        .expect("client");
    let error = wrong.get(&id_of(&created)).await.expect_err("refused");
    assert_eq!(api_status(&error), Some(401), "{error}");
    loopback.shutdown().await;
}

#[tokio::test]
async fn oauth2_fetches_one_token_for_many_calls() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let client = loopback
        .client(loopback.oauth2_auth(), fast_retries(3))
        .expect("client");
    let created = client
        .create(&a_contact("+46700000101"))
        .await
        .expect("create");
    for _ in 0..5 {
        assert_eq!(client.get(&id_of(&created)).await.expect("get"), created);
    }
    assert_eq!(loopback.emulator().tokens_issued(), 1);

    let wrong = loopback
        .client(
            Auth::oauth2("emulator-key", "not-the-secret").with_token_url(loopback.token_url()),
            fast_retries(3),
        )
        .expect("client");
    let error = wrong.get(&id_of(&created)).await.expect_err("refused");
    assert!(
        matches!(&error, Error::Auth(auth) if auth.status().map(|s| s.as_u16()) == Some(401)),
        "{error:?}"
    );
    assert_eq!(loopback.emulator().tokens_issued(), 1);
    loopback.shutdown().await;
}

#[tokio::test]
async fn a_token_the_server_expired_is_replaced_once_and_the_call_succeeds() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let client = loopback
        .client(loopback.oauth2_auth(), fast_retries(1))
        .expect("client");
    let created = client
        .create(&a_contact("+46700000102"))
        .await
        .expect("create");
    assert_eq!(loopback.emulator().tokens_issued(), 1);
    loopback.emulator().expire_tokens();
    // Even with retries disabled the expired-token answer leads to one new token and one resend.
    assert_eq!(client.get(&id_of(&created)).await.expect("get"), created);
    assert_eq!(loopback.emulator().tokens_issued(), 2);
    loopback.shutdown().await;
}

#[tokio::test]
async fn tokens_living_one_second_are_renewed_while_calls_go_on() {
    let emulator = Emulator::builder()
        .token_lifetime(Duration::from_secs(1))
        .build();
    let loopback = Loopback::start(emulator).await.expect("serving");
    // No refresh margin: the client keeps a token until its full lifetime has passed, so calls
    // near the end of a lifetime meet the server's expiry too.
    let client = loopback
        .client(
            loopback.oauth2_auth().with_refresh_margin(Duration::ZERO),
            fast_retries(1),
        )
        .expect("client");
    let created = client
        .create(&a_contact("+46700000103"))
        .await
        .expect("create");
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < Duration::from_millis(2_500) {
        let got = client.get(&id_of(&created)).await;
        assert_eq!(got.expect("every call succeeds"), created);
        calls += 1;
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    // Calls succeeded across 2.5 s and the server honours a token for 1 s only: at least three
    // tokens were needed (one per started second), each used for many calls.
    let issued = loopback.emulator().tokens_issued();
    assert!(issued >= 3, "{issued} tokens for {calls} calls");
    assert!(issued < calls, "{issued} tokens for {calls} calls");
    loopback.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_first_calls_share_one_token_request() {
    let loopback = Loopback::start(Emulator::new()).await.expect("serving");
    let seeded = loopback
        .emulator()
        .seed_contacts(vec![a_contact("+46700000104")])
        .expect("seed");
    let id = id_of(&seeded[0]);
    let client = loopback
        .client(loopback.oauth2_auth(), fast_retries(1))
        .expect("client");
    let calls = (0..50).map(|_| {
        let client = client.clone();
        let id = id.clone();
        tokio::spawn(async move { client.get(&id).await })
    });
    for call in futures_util::future::join_all(calls).await {
        assert_eq!(call.expect("task").expect("get"), seeded[0]);
    }
    assert_eq!(loopback.emulator().tokens_issued(), 1);
    loopback.shutdown().await;
}

/// Whether the emulator's next API requests, from the start of its fault sequence, are
/// answered 503, 200, 503, 200 (probed in process, then the sequence is restarted).
async fn first_draws_alternate(emulator: &Emulator, contact_id: &str) -> bool {
    let probe =
        sinch_contacts_port::ContactsClient::builder(emulator.transport(), "emulator-project")
            .base_url("http://emulator.invalid")
            .auth(Auth::basic("emulator-key", "emulator-secret"))
            .retry_policy(sinch_contacts_port::RetryPolicy::disabled())
            .build()
            .expect("probe client");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(match probe.get(contact_id).await {
            Ok(_) => 200,
            Err(error) => api_status(&error).unwrap_or(0),
        });
    }
    emulator.set_faults(emulator.faults());
    statuses == [503, 200, 503, 200]
}

/// Reproduces a defect of the port: the client takes the OAuth2 credential once per call and
/// sends the same token on every retry attempt, even when the back-off outlived it. A call whose
/// retries outlive two tokens fails with 401 although the client could have fetched a fresh one.
///
/// Timeline with 1 s tokens and a fixed 1.5 s back-off: token 1 at t=0; 503; at t=1.5 the
/// retry carries the expired token 1: 401 expired; the one refresh gives token 2; 503; at t=3
/// the retry carries the expired token 2: 401 expired, returned to the caller.
#[tokio::test]
async fn retries_after_a_long_back_off_send_a_fresh_token() {
    let mut chosen = None;
    for seed in 0..1_000 {
        let emulator = Emulator::builder()
            .token_lifetime(Duration::from_secs(1))
            .faults("5xx=0.5".parse().expect("spec"))
            .seed(seed)
            .build();
        let seeded = emulator
            .seed_contacts(vec![a_contact("+46700000105")])
            .expect("seed");
        if first_draws_alternate(&emulator, &id_of(&seeded[0])).await {
            chosen = Some((emulator, seeded[0].clone()));
            break;
        }
    }
    let (emulator, contact) = chosen.expect("a seed whose first draws alternate");
    let loopback = Loopback::start(emulator).await.expect("serving");
    let retries = sinch_contacts_port::RetryPolicy::default()
        .with_max_attempts(2)
        .with_initial_backoff(Duration::from_millis(1_500))
        .with_max_backoff(Duration::from_millis(1_500));
    let client = sinch_contacts_port::ContactsClient::builder(
        sinch_contacts_reqwest::ReqwestTransport::new().expect("transport"),
        "emulator-project",
    )
    .base_url(loopback.base_url())
    .auth(loopback.oauth2_auth().with_refresh_margin(Duration::ZERO))
    .retry_policy(retries)
    .jitter(std::sync::Arc::new(sinch_contacts_port::FixedJitter::new(
        1.0,
    )))
    .build()
    .expect("client");
    let got = client.get(&id_of(&contact)).await;
    loopback.shutdown().await;
    assert_eq!(got.expect("the retry should carry a fresh token"), contact);
}
