//! The fault run: 2,000 safe creates with bounded concurrency through the reqwest adapter while
//! the emulator answers 10% 503, 5% 429, drops 1% of connections before and 1% after applying
//! the request; then a listing with the faults still on finds every contact exactly once. A
//! second run does the same for 600 contacts with OAuth2 tokens that expire mid-run, and
//! checks the mirror built from the create callbacks against the stored contacts.
//!
//! The seed is printed at the start; `SINCH_E2E_SEED=<seed>` replays the same fault draws (the
//! order requests reach the emulator still varies with scheduling).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::json;
use sinch_contacts_e2e::loopback::{Loopback, fast_retries};
use sinch_contacts_e2e::receiver::CallbackReceiver;
use sinch_contacts_e2e::seed::seed_from_env;
use sinch_contacts_emulator::{Emulator, FaultSpec, Webhook};
use sinch_contacts_model::{Contact, ContactCreateRequest, ListContactsQuery, WebhookTrigger};
use sinch_contacts_port::{ContactsClient, Error, SafeCreateOptions, SafeCreated};

use crate::support::create_request;

const CONTACTS: usize = 2_000;
const IN_FLIGHT: usize = 16;
const WEBHOOK_SECRET: &str = "fault-run-webhook-secret";
const FAULTS: &str = "5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01";
/// Application-level passes over creates that still failed (each a safe create that looks the
/// contact up first).
const APPLICATION_PASSES: usize = 3;

fn request(index: usize) -> ContactCreateRequest {
    create_request(json!({
        "channel_identities": [{"channel": "SMS", "identity": format!("+4671{index:07}")}],
        "language": "EN_US",
        "external_id": external_id(index),
    }))
}

fn external_id(index: usize) -> String {
    format!("fault-run-{index:04}")
}

/// A label per kind of error the caller saw.
fn error_kind(error: &Error) -> String {
    match error {
        Error::Api(api) => format!("api {}", api.status().as_u16()),
        Error::Transport(transport) => format!("transport {:?}", transport.kind()),
        Error::Auth(_) => "auth".to_owned(),
        Error::Decode(_) => "decode".to_owned(),
        Error::Validation(_) => "validation".to_owned(),
        Error::Pagination(_) => "pagination".to_owned(),
        other => format!("other: {other}"),
    }
}

/// One pass of safe creates, `IN_FLIGHT` at a time.
async fn create_all(
    client: &ContactsClient,
    indexes: Vec<usize>,
    options: &SafeCreateOptions,
) -> Vec<(usize, Result<SafeCreated, Error>)> {
    stream::iter(indexes)
        .map(|index| {
            let client = client.clone();
            let options = options.clone();
            async move {
                let result = client.create_safe_with(&request(index), options).await;
                (index, result)
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await
}

/// Expires every token when the emulator's contact count first reaches each of `thresholds`
/// (ascending, each below the run's total); stops when `done` is set. Returns how many times.
async fn expire_tokens_at(
    emulator: Emulator,
    thresholds: Vec<usize>,
    done: Arc<AtomicBool>,
) -> u64 {
    let mut expired = 0;
    for threshold in thresholds {
        while emulator.contact_count() < threshold {
            if done.load(Ordering::SeqCst) {
                return expired;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        emulator.expire_tokens();
        expired += 1;
    }
    expired
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn safe_creates_under_faults_store_every_contact_exactly_once() {
    fault_run(Credentials::Basic, CONTACTS).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn safe_creates_under_faults_with_oauth2_tokens_living_one_second() {
    fault_run(Credentials::ShortLivedTokens, 600).await;
}

/// How the fault run's client authenticates.
#[derive(Debug, Clone, Copy)]
enum Credentials {
    Basic,
    /// OAuth2 with tokens the emulator honours for one second (the client replaces them at half
    /// their life), and that the emulator also expires at fixed points of the run.
    ShortLivedTokens,
}

async fn fault_run(credentials: Credentials, contacts: usize) {
    let (seed, source) = seed_from_env().expect("a usable SINCH_E2E_SEED");
    println!(
        "fault run ({credentials:?}, {contacts} contacts): seed {seed} ({source:?}); replay with SINCH_E2E_SEED={seed}"
    );
    let faults: FaultSpec = FAULTS.parse().expect("the fault spec");
    let emulator = Emulator::builder()
        .faults(faults)
        .seed(seed)
        .token_lifetime(Duration::from_secs(1))
        .build();
    let loopback = Loopback::start(emulator).await.expect("serving");
    // With OAuth2, the contact callbacks also go to a receiver whose mirror must end up equal
    // to what is stored: creates applied before a dropped answer are called back too.
    let receiver = match credentials {
        Credentials::Basic => None,
        Credentials::ShortLivedTokens => {
            let receiver = CallbackReceiver::start(WEBHOOK_SECRET)
                .await
                .expect("receiver");
            loopback.emulator().register_webhook(Webhook {
                target: receiver.url(),
                secret: WEBHOOK_SECRET.to_owned(),
                triggers: vec![WebhookTrigger::ContactCreate],
            });
            Some(receiver)
        }
    };
    let auth = match credentials {
        Credentials::Basic => loopback.basic_auth(),
        // The default refresh margin (60 s): a token living 1 s is replaced at half its life.
        // Every attempt takes its token from the cache, so a retry after a 1 s Retry-After
        // carries a new token, not the one that expired while it waited.
        Credentials::ShortLivedTokens => loopback.oauth2_auth(),
    };
    // Eight attempts per request: a GET or a throttled POST fails only after eight faults in a
    // row; short back-off keeps the run to seconds (a 429's Retry-After of 0 or 1 s is obeyed).
    let retries = fast_retries(8);
    let client = loopback.client(auth, retries).expect("client");
    let options = SafeCreateOptions::new()
        .with_max_rounds(8)
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(20));
    // A failed safe create may have created the contact (an ambiguous create, then a failed
    // lookup): an application-level retry looks it up before creating.
    let retry_options = options.clone().lookup_first(true);

    // With OAuth2, tokens are also expired by the server at fixed points of the run (after a
    // quarter, half and three quarters of the contacts are stored), so that expiry mid-run
    // does not depend on how fast the run goes.
    let done = Arc::new(AtomicBool::new(false));
    let expirer = match credentials {
        Credentials::Basic => None,
        Credentials::ShortLivedTokens => Some(tokio::spawn(expire_tokens_at(
            loopback.emulator().clone(),
            vec![contacts / 4, contacts / 2, contacts * 3 / 4],
            done.clone(),
        ))),
    };
    let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    let mut created: HashMap<usize, Contact> = HashMap::new();
    let mut unactionable = Vec::new();
    let mut failed = Vec::new();
    for (index, result) in create_all(&client, (0..contacts).collect(), &options).await {
        match result {
            Ok(safe) => {
                *outcomes.entry(format!("{:?}", safe.outcome)).or_default() += 1;
                created.insert(index, safe.contact);
            }
            Err(error) => {
                *errors.entry(error_kind(&error)).or_default() += 1;
                if error.is_retryable() {
                    failed.push(index);
                } else {
                    unactionable.push(format!("{}: {error}", external_id(index)));
                }
            }
        }
    }
    for pass in 1..=APPLICATION_PASSES {
        if failed.is_empty() {
            break;
        }
        println!("application pass {pass}: retrying {} creates", failed.len());
        let mut still_failed = Vec::new();
        for index in failed {
            match client
                .create_safe_with(&request(index), retry_options.clone())
                .await
            {
                Ok(safe) => {
                    *outcomes
                        .entry(format!("{:?} (application retry)", safe.outcome))
                        .or_default() += 1;
                    created.insert(index, safe.contact);
                }
                Err(error) => {
                    *errors.entry(error_kind(&error)).or_default() += 1;
                    if error.is_retryable() {
                        still_failed.push(index);
                    } else {
                        unactionable.push(format!("{}: {error}", external_id(index)));
                    }
                }
            }
        }
        failed = still_failed;
    }

    done.store(true, Ordering::SeqCst);
    let expiries = match expirer {
        Some(expirer) => expirer.await.expect("the expirer task"),
        None => 0,
    };
    // Listing with the faults still on.
    let listed: Vec<Contact> = client
        .list_all(ListContactsQuery::new().page_size(20))
        .try_collect()
        .await
        .expect("listing every contact with faults on");

    let counts = loopback.emulator().fault_counts();
    println!(
        "faults injected: 503 {}, 429 {}, drop-before {}, drop-after {} (total {})",
        counts.server_error,
        counts.too_many_requests,
        counts.drop_before,
        counts.drop_after,
        counts.total()
    );
    println!("outcomes: {outcomes:?}");
    println!("errors seen by the caller, by kind: {errors:?}");
    let tokens = loopback.emulator().tokens_issued();
    println!("tokens issued: {tokens}, tokens expired by the server mid-run: {expiries} times");

    assert!(
        unactionable.is_empty(),
        "errors the caller cannot act on: {unactionable:#?}"
    );
    assert!(
        failed.is_empty(),
        "still failing after {APPLICATION_PASSES} passes: {failed:?}"
    );
    assert_eq!(created.len(), contacts);

    if let Credentials::ShortLivedTokens = credentials {
        // Every expiry happened with creates still to come, each of which needed a new token.
        assert_eq!(expiries, 3);
        assert!(tokens > expiries, "{tokens} tokens for {expiries} expiries");
    }
    // Exactly one contact per external id, none missing, none twice.
    let mut per_external_id: BTreeMap<String, Vec<&Contact>> = BTreeMap::new();
    for contact in &listed {
        let key = contact.external_id.clone().unwrap_or_default();
        per_external_id.entry(key).or_default().push(contact);
    }
    let duplicated: Vec<_> = per_external_id
        .iter()
        .filter(|(_, contacts)| contacts.len() > 1)
        .map(|(key, contacts)| (key.clone(), contacts.len()))
        .collect();
    assert!(duplicated.is_empty(), "created twice: {duplicated:?}");
    let expected_ids: Vec<String> = (0..contacts).map(external_id).collect();
    let listed_ids: Vec<String> = per_external_id.keys().cloned().collect();
    assert_eq!(listed_ids, expected_ids);
    assert_eq!(listed.len(), contacts);
    assert_eq!(loopback.emulator().contact_count(), contacts);
    // What each create returned is what is stored.
    for (index, contact) in &created {
        let stored = per_external_id[&external_id(*index)][0];
        assert_eq!(contact, stored, "{}", external_id(*index));
    }
    // The run met every kind of fault it was meant to survive.
    assert!(counts.server_error > 0 && counts.too_many_requests > 0);
    assert!(
        counts.drop_before > 0 && counts.drop_after > 0,
        "{counts:?}"
    );
    if let Some(receiver) = receiver {
        assert!(
            loopback
                .emulator()
                .wait_for_deliveries(Duration::from_secs(30))
                .await
        );
        let mut mirrored: Vec<Contact> = receiver.mirror().contacts().cloned().collect();
        mirrored.sort_by(|a, b| a.id.cmp(&b.id));
        let mut stored = listed.clone();
        stored.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(mirrored.len(), contacts);
        assert!(
            mirrored == stored,
            "the mirror differs from the stored contacts"
        );
        receiver.shutdown().await;
    }
    loopback.shutdown().await;
}
