//! `create_safe` against a small in-memory server whose create can fail
//! before or after applying, so the number of contacts that exist afterwards
//! is the oracle.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use http::Method;
use serde_json::{Value, json};
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel, ViolationKind,
};
use sinch_contacts_port::test_util::{RecordingSleep, json_response};
use sinch_contacts_port::{
    Auth, ContactsClient, Error, FixedJitter, HttpRequest, HttpResponse, Region, RetryPolicy,
    SafeCreateOptions, SafeCreateOutcome, TransportError, TransportErrorKind, transport_fn,
};

use crate::support::secs;

/// What the server does with the next create.
#[derive(Debug, Clone, Copy)]
enum Create {
    /// Creates and answers 200.
    Apply,
    /// Creates, then the connection drops before the answer (I/O error).
    ApplyThenDrop,
    /// Creates, then a gateway answers 502.
    ApplyThen502,
    /// Creates and answers 200 with a body that is not a contact.
    ApplyThenGarbage,
    /// Times out before creating anything.
    TimeoutBeforeApply,
    /// Answers this status without creating anything.
    Refuse(u16),
}

/// What the server does with the next list.
#[derive(Debug, Clone, Copy)]
enum Lookup {
    Normal,
    IgnoreFilter,
    Refuse(u16),
}

#[derive(Default)]
struct State {
    contacts: Vec<Value>,
    creates: VecDeque<Create>,
    lookups: VecDeque<Lookup>,
    log: Vec<String>,
}

#[derive(Clone, Default)]
struct Server {
    state: Arc<Mutex<State>>,
}

impl Server {
    fn with_creates(creates: &[Create]) -> Self {
        let server = Self::default();
        server.state.lock().unwrap().creates = creates.iter().copied().collect();
        server
    }

    fn lookups(self, lookups: &[Lookup]) -> Self {
        self.state.lock().unwrap().lookups = lookups.iter().copied().collect();
        self
    }

    fn seed(&self, contact: Value) {
        self.state.lock().unwrap().contacts.push(contact);
    }

    fn contacts_with(&self, external_id: &str) -> usize {
        let state = self.state.lock().unwrap();
        state
            .contacts
            .iter()
            .filter(|contact| contact["external_id"] == external_id)
            .count()
    }

    fn log(&self) -> Vec<String> {
        self.state.lock().unwrap().log.clone()
    }

    fn handle(&self, request: &HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut state = self.state.lock().unwrap();
        let path = request.uri().path().to_owned();
        let query = request.uri().query().unwrap_or("").to_owned();
        state.log.push(format!("{} {path}", request.method()));
        match *request.method() {
            Method::POST => {
                let plan = state.creates.pop_front().unwrap_or(Create::Apply);
                let apply = |state: &mut State| {
                    let mut contact: Value = serde_json::from_slice(request.body()).unwrap();
                    contact["id"] = json!(format!("c{}", state.contacts.len() + 1));
                    state.contacts.push(contact.clone());
                    contact
                };
                match plan {
                    Create::Apply => Ok(json_response(200, &apply(&mut state).to_string())),
                    Create::ApplyThenDrop => {
                        apply(&mut state);
                        Err(TransportError::io("connection reset by peer"))
                    }
                    Create::ApplyThen502 => {
                        apply(&mut state);
                        Ok(json_response(502, "<html>bad gateway</html>"))
                    }
                    Create::ApplyThenGarbage => {
                        apply(&mut state);
                        Ok(json_response(200, "{\"id\": 42"))
                    }
                    Create::TimeoutBeforeApply => Err(TransportError::timeout("no answer in 10 s")),
                    Create::Refuse(status) => Ok(json_response(
                        status,
                        &json!({"error": {"code": status, "message": "refused"}}).to_string(),
                    )),
                }
            }
            Method::GET => {
                let wanted = query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("external_id="))
                    .unwrap_or("")
                    .to_owned();
                let plan = state.lookups.pop_front().unwrap_or(Lookup::Normal);
                let contacts: Vec<Value> = match plan {
                    Lookup::Refuse(status) => {
                        return Ok(json_response(status, r#"{"error":{"message":"no"}}"#));
                    }
                    Lookup::IgnoreFilter => state.contacts.clone(),
                    Lookup::Normal => state
                        .contacts
                        .iter()
                        .filter(|contact| contact["external_id"] == wanted.as_str())
                        .cloned()
                        .collect(),
                };
                let page = json!({"contacts": contacts, "next_page_token": ""});
                Ok(json_response(200, &page.to_string()))
            }
            _ => Ok(json_response(405, "{}")),
        }
    }
}

fn client(server: &Server, retry: RetryPolicy, sleep: &RecordingSleep) -> ContactsClient {
    let handler = server.clone();
    ContactsClient::builder(
        transport_fn(move |request| {
            let outcome = handler.handle(&request);
            async move { outcome }
        }),
        "p",
    )
    .region(Region::Eu)
    .auth(Auth::basic("k", "s"))
    .retry_policy(retry)
    .sleep(Arc::new(sleep.clone()))
    .jitter(Arc::new(FixedJitter::new(1.0)))
    .build()
    .unwrap()
}

fn request(external_id: Option<&str>) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    );
    request.external_id = external_id.map(str::to_owned);
    request
}

const CREATE: &str = "POST /v1/projects/p/contacts";
const LIST: &str = "GET /v1/projects/p/contacts";

#[tokio::test]
async fn an_answer_lost_after_the_create_recovers_the_one_contact() {
    for lost in [
        Create::ApplyThenDrop,
        Create::ApplyThen502,
        Create::ApplyThenGarbage,
    ] {
        let server = Server::with_creates(&[lost]);
        let sleep = RecordingSleep::new();
        let created = client(&server, RetryPolicy::disabled(), &sleep)
            .create_safe(&request(Some("ext-1")))
            .await
            .unwrap();
        assert_eq!(created.outcome, SafeCreateOutcome::Recovered, "{lost:?}");
        assert_eq!(created.contact.id.as_deref(), Some("c1"));
        assert_eq!(server.contacts_with("ext-1"), 1, "{lost:?}");
        assert_eq!(server.log(), [CREATE, LIST], "{lost:?}");
        assert_eq!(sleep.delays(), [secs(1)], "one pause before the lookup");
    }
}

#[tokio::test]
async fn a_failure_before_the_create_creates_on_the_next_round() {
    for before in [Create::TimeoutBeforeApply, Create::Refuse(503)] {
        let server = Server::with_creates(&[before]);
        let sleep = RecordingSleep::new();
        let created = client(&server, RetryPolicy::disabled(), &sleep)
            .create_safe(&request(Some("ext-1")))
            .await
            .unwrap();
        assert_eq!(created.outcome, SafeCreateOutcome::Created, "{before:?}");
        assert_eq!(server.contacts_with("ext-1"), 1, "{before:?}");
        assert_eq!(server.log(), [CREATE, LIST, CREATE], "{before:?}");
    }
}

#[tokio::test]
async fn a_first_answer_is_created_without_lookup() {
    let server = Server::default();
    let sleep = RecordingSleep::new();
    let created = client(&server, RetryPolicy::disabled(), &sleep)
        .create_safe(&request(Some("ext-1")))
        .await
        .unwrap();
    assert_eq!(created.outcome, SafeCreateOutcome::Created);
    assert_eq!(server.log(), [CREATE]);
    assert!(sleep.delays().is_empty());
}

#[tokio::test]
async fn a_request_without_external_id_is_refused_before_sending() {
    let server = Server::default();
    let client = client(&server, RetryPolicy::disabled(), &RecordingSleep::new());
    for (external_id, kind) in [
        (None, ViolationKind::Missing),
        (Some(""), ViolationKind::Empty),
        (Some("  "), ViolationKind::Empty),
    ] {
        let Err(Error::Validation(error)) = client.create_safe(&request(external_id)).await else {
            panic!("{external_id:?} accepted");
        };
        assert_eq!(error.violations()[0].field(), "external_id");
        assert_eq!(error.violations()[0].kind(), &kind);
    }
    assert!(server.log().is_empty());
}

#[tokio::test]
async fn certain_failures_are_returned_at_once() {
    for status in [400, 401, 403, 409, 429, 501] {
        let server = Server::with_creates(&[Create::Refuse(status)]);
        let sleep = RecordingSleep::new();
        let error = client(&server, RetryPolicy::disabled(), &sleep)
            .create_safe(&request(Some("ext-1")))
            .await
            .unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.log(), [CREATE], "{status}: no lookup");
        assert!(sleep.delays().is_empty());
    }
}

#[tokio::test]
async fn a_429_that_outlasts_the_clients_retries_is_not_ambiguous() {
    let server = Server::with_creates(&[Create::Refuse(429); 3]);
    let sleep = RecordingSleep::new();
    let error = client(&server, RetryPolicy::default(), &sleep)
        .create_safe(&request(Some("ext-1")))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(server.log(), [CREATE, CREATE, CREATE]);
    assert_eq!(
        sleep.delays(),
        [secs(1), secs(4)],
        "the client's own back-off"
    );
    assert_eq!(server.contacts_with("ext-1"), 0);
}

#[tokio::test]
async fn rounds_are_bounded_and_the_last_create_error_is_returned() {
    let server = Server::with_creates(&[Create::TimeoutBeforeApply; 10]);
    let sleep = RecordingSleep::new();
    let error = client(&server, RetryPolicy::disabled(), &sleep)
        .create_safe_with(
            &request(Some("ext-1")),
            SafeCreateOptions::new().with_max_rounds(4),
        )
        .await
        .unwrap_err();
    let Error::Transport(error) = error else {
        panic!("expected the timeout");
    };
    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert_eq!(
        server.log(),
        [CREATE, LIST, CREATE, LIST, CREATE, LIST, CREATE, LIST],
        "every ambiguous create is followed by a lookup"
    );
    assert_eq!(sleep.delays(), [secs(1), secs(2), secs(4), secs(8)]);
    assert_eq!(server.contacts_with("ext-1"), 0);
}

#[tokio::test]
async fn a_failing_lookup_is_returned_and_nothing_is_created_again() {
    let server = Server::with_creates(&[Create::Refuse(500)]).lookups(&[Lookup::Refuse(403)]);
    let error = client(&server, RetryPolicy::disabled(), &RecordingSleep::new())
        .create_safe(&request(Some("ext-1")))
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(server.log(), [CREATE, LIST]);
}

#[tokio::test]
async fn a_server_ignoring_the_filter_cannot_pass_off_another_contact() {
    let server =
        Server::with_creates(&[Create::TimeoutBeforeApply]).lookups(&[Lookup::IgnoreFilter]);
    server.seed(json!({"id": "other", "external_id": "ext-other"}));
    let created = client(&server, RetryPolicy::disabled(), &RecordingSleep::new())
        .create_safe(&request(Some("ext-1")))
        .await
        .unwrap();
    assert_eq!(created.outcome, SafeCreateOutcome::Created);
    assert_eq!(created.contact.id.as_deref(), Some("c2"));
    assert_eq!(server.contacts_with("ext-1"), 1);
}

#[tokio::test]
async fn find_by_external_id_filters_and_encodes() {
    let server = Server::default();
    server.seed(json!({"id": "a", "external_id": "x"}));
    server.seed(json!({"id": "b", "external_id": "y"}));
    let client = client(&server, RetryPolicy::disabled(), &RecordingSleep::new());
    let found = client.find_by_external_id("y").await.unwrap().unwrap();
    assert_eq!(found.id.as_deref(), Some("b"));
    assert_eq!(client.find_by_external_id("z").await.unwrap(), None);
    assert!(matches!(
        client.find_by_external_id(" ").await,
        Err(Error::Validation(_))
    ));
    assert_eq!(server.log().len(), 2);
}

#[tokio::test]
async fn find_by_external_id_sends_the_filter_on_the_query() {
    let fake = sinch_contacts_port::test_util::FakeTransport::new();
    fake.push_json(200, r#"{"contacts":[],"next_page_token":""}"#);
    crate::support::basic_client(&fake)
        .find_by_external_id("a b+c")
        .await
        .unwrap();
    assert_eq!(
        fake.requests()[0].uri().query(),
        Some("page_size=20&external_id=a%20b%2Bc")
    );
}

/// The failure `lookup_first` exists for: a create applied but its answer
/// lost, then the lookup failed, so the call returned an error although the
/// contact exists. Called again with `lookup_first`, the call finds it and
/// creates nothing; without it, the call would create a second contact.
#[tokio::test]
async fn a_repeated_call_that_looks_up_first_does_not_duplicate() {
    let server = Server::with_creates(&[Create::ApplyThenDrop]).lookups(&[Lookup::Refuse(503)]);
    let sleep = RecordingSleep::new();
    let client = client(&server, RetryPolicy::disabled(), &sleep);
    let first = client.create_safe(&request(Some("ext-1"))).await;
    assert_eq!(first.unwrap_err().status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.contacts_with("ext-1"), 1);

    let options = SafeCreateOptions::default().lookup_first(true);
    let again = client
        .create_safe_with(&request(Some("ext-1")), options)
        .await
        .unwrap();
    assert_eq!(again.outcome, SafeCreateOutcome::AlreadyExisted);
    assert_eq!(again.contact.id.as_deref(), Some("c1"));
    assert_eq!(server.contacts_with("ext-1"), 1);
    assert_eq!(server.log(), [CREATE, LIST, LIST]);
}

#[tokio::test]
async fn without_lookup_first_a_repeated_call_creates_again() {
    let server = Server::default();
    server.seed(json!({"id": "c0", "external_id": "ext-1"}));
    let created = client(&server, RetryPolicy::disabled(), &RecordingSleep::new())
        .create_safe(&request(Some("ext-1")))
        .await
        .unwrap();
    assert_eq!(created.outcome, SafeCreateOutcome::Created);
    assert_eq!(
        server.contacts_with("ext-1"),
        2,
        "the default does not look up"
    );
    assert_eq!(server.log(), [CREATE]);
}

#[tokio::test]
async fn lookup_first_that_finds_nothing_runs_the_rounds() {
    let server = Server::with_creates(&[Create::ApplyThen502]);
    let sleep = RecordingSleep::new();
    let options = SafeCreateOptions::default().lookup_first(true);
    let created = client(&server, RetryPolicy::disabled(), &sleep)
        .create_safe_with(&request(Some("ext-1")), options)
        .await
        .unwrap();
    assert_eq!(created.outcome, SafeCreateOutcome::Recovered);
    assert_eq!(server.contacts_with("ext-1"), 1);
    assert_eq!(server.log(), [LIST, CREATE, LIST]);
    assert_eq!(
        sleep.delays(),
        [secs(1)],
        "no pause before the first lookup"
    );
}

#[tokio::test]
async fn lookup_first_that_fails_creates_nothing() {
    let server = Server::default().lookups(&[Lookup::Refuse(403)]);
    let options = SafeCreateOptions::default().lookup_first(true);
    let error = client(&server, RetryPolicy::disabled(), &RecordingSleep::new())
        .create_safe_with(&request(Some("ext-1")), options)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(server.log(), [LIST]);
    assert_eq!(server.contacts_with("ext-1"), 0);
}

#[tokio::test]
async fn lookup_first_is_off_by_default() {
    assert!(!SafeCreateOptions::default().looks_up_first());
    assert!(SafeCreateOptions::new().lookup_first(true).looks_up_first());
}
