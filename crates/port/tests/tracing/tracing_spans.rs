//! The `tracing` feature: one span per operation with its outcome, and no
//! secret in any span or event. A small `Subscriber` records every span's
//! and event's fields as text.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};
use sinch_contacts_port::test_util::{FakeTransport, json_response};
use sinch_contacts_port::{Error, TransportError};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use crate::support::{
    CONTACT_JSON, KEY_SECRET, Time, basic_client, oauth_client, retrying_client, token_response,
    with_header,
};

#[derive(Debug, Clone, Default)]
struct Captured {
    name: String,
    /// The name of the span this one was created in, if any.
    parent: Option<String>,
    fields: BTreeMap<String, String>,
}

#[derive(Clone, Default)]
struct Recorder {
    next_id: Arc<AtomicU64>,
    spans: Arc<Mutex<BTreeMap<u64, Captured>>>,
    events: Arc<Mutex<Vec<Captured>>>,
    /// The spans entered and not yet exited, innermost last.
    entered: Arc<Mutex<Vec<u64>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, attributes: &Attributes<'_>) -> Id {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let parent = match attributes.parent() {
            Some(parent) => Some(parent.into_u64()),
            None if attributes.is_contextual() => self.entered.lock().unwrap().last().copied(),
            None => None,
        };
        let parent = parent.and_then(|parent| {
            let spans = self.spans.lock().unwrap();
            spans.get(&parent).map(|span| span.name.clone())
        });
        let mut captured = Captured {
            name: attributes.metadata().name().to_owned(),
            parent,
            fields: BTreeMap::new(),
        };
        attributes.record(&mut Fields(&mut captured.fields));
        self.spans.lock().unwrap().insert(id, captured);
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        if let Some(captured) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
            values.record(&mut Fields(&mut captured.fields));
        }
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut captured = Captured {
            name: event.metadata().name().to_owned(),
            parent: None,
            fields: BTreeMap::new(),
        };
        event.record(&mut Fields(&mut captured.fields));
        self.events.lock().unwrap().push(captured);
    }

    fn enter(&self, span: &Id) {
        self.entered.lock().unwrap().push(span.into_u64());
    }

    fn exit(&self, span: &Id) {
        let mut entered = self.entered.lock().unwrap();
        if let Some(position) = entered.iter().rposition(|id| *id == span.into_u64()) {
            entered.remove(position);
        }
    }
}

impl Recorder {
    fn spans(&self, name: &str) -> Vec<BTreeMap<String, String>> {
        self.spans
            .lock()
            .unwrap()
            .values()
            .filter(|span| span.name == name)
            .map(|span| span.fields.clone())
            .collect()
    }

    /// The parent's name of every span called `name`.
    fn parents(&self, name: &str) -> Vec<Option<String>> {
        self.spans
            .lock()
            .unwrap()
            .values()
            .filter(|span| span.name == name)
            .map(|span| span.parent.clone())
            .collect()
    }

    /// Everything recorded, as one text.
    fn dump(&self) -> String {
        format!(
            "{:?}{:?}",
            self.spans.lock().unwrap(),
            self.events.lock().unwrap()
        )
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn each_operation_is_a_span_with_its_outcome() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = FakeTransport::new();
    let time = Time::new();
    let client = retrying_client(&fake, &time);
    fake.push_response(with_header(json_response(429, "{}"), "retry-after", "2"));
    fake.push_json(503, "{}");
    fake.push_json(200, CONTACT_JSON);
    client.get("c1").await.unwrap();
    fake.push_json(404, r#"{"error":{"message":"Contact not found"}}"#);
    client.delete("c2").await.unwrap_err();
    fake.push_error(TransportError::timeout("slow"));
    let request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    );
    client.create(&request).await.unwrap_err();
    client.merge("..", "c1").await.unwrap_err();

    assert_eq!(
        recorder.spans("sinch_contacts.operation"),
        [
            fields(&[
                ("operation", "get_contact"),
                ("project_id", "project-1"),
                ("attempts", "3"),
                ("http.status", "200"),
                ("retry_reasons", "429,503"),
            ]),
            fields(&[
                ("operation", "delete_contact"),
                ("project_id", "project-1"),
                ("attempts", "1"),
                ("http.status", "404"),
                ("error", "api"),
            ]),
            fields(&[
                ("operation", "create_contact"),
                ("project_id", "project-1"),
                ("attempts", "1"),
                ("error", "transport"),
            ]),
            fields(&[
                ("operation", "merge_contacts"),
                ("project_id", "project-1"),
                ("attempts", "0"),
                ("error", "invalid_id"),
            ]),
        ]
    );
    let retries: Vec<_> = recorder
        .events
        .lock()
        .unwrap()
        .iter()
        .map(|event| event.fields.get("reason").cloned().unwrap_or_default())
        .collect();
    assert_eq!(retries, ["429", "503"]);
}

#[tokio::test(flavor = "current_thread")]
async fn token_requests_and_refreshes_are_traced_without_secrets() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = FakeTransport::new();
    let client = oauth_client(&fake, &Time::new());
    fake.push_response(token_response("tok-SECRET-1", 3600));
    fake.push_response(with_header(
        json_response(401, r#"{"error":{"message":"expired"}}"#),
        "www-authenticate",
        "Bearer error=\"expired\"",
    ));
    fake.push_response(token_response("tok-SECRET-2", 3600));
    fake.push_json(200, CONTACT_JSON);
    client.get("c1").await.unwrap();

    let operations = recorder.spans("sinch_contacts.operation");
    assert_eq!(operations.len(), 1);
    assert_eq!(operations[0]["attempts"], "2");
    assert_eq!(operations[0]["retry_reasons"], "token_expired");
    assert_eq!(operations[0]["http.status"], "200");
    let tokens = recorder.spans("sinch_contacts.token");
    assert_eq!(tokens.len(), 2);
    assert!(
        tokens
            .iter()
            .all(|token| token["attempts"] == "1" && token["http.status"] == "200")
    );
    let inside = Some("sinch_contacts.operation".to_owned());
    assert_eq!(
        recorder.parents("sinch_contacts.token"),
        [inside.clone(), inside],
        "token requests are traced inside the operation that needed them"
    );
    assert_eq!(recorder.parents("sinch_contacts.operation"), [None]);

    let everything = recorder.dump();
    for secret in [
        "tok-SECRET",
        KEY_SECRET,
        // base64 of "key-id-1234:super-secret-value-9876", the Basic credential.
        "a2V5LWlkLTEyMzQ6c3VwZXItc2VjcmV0LXZhbHVlLTk4NzY",
        "Bearer",
        "Basic",
        "Ada", // from the contact body
        "expired\\\"",
    ] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn no_body_of_an_error_reaches_a_span() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = FakeTransport::new();
    fake.push_json(
        400,
        r#"{"error":{"message":"phone +46700000000 is invalid"}}"#,
    );
    let error = basic_client(&fake).get("c1").await.unwrap_err();
    assert!(matches!(error, Error::Api(_)));
    let everything = recorder.dump();
    assert!(everything.contains("\"400\""), "{everything}");
    assert!(!everything.contains("+46700000000"), "{everything}");
}

#[tokio::test(flavor = "current_thread")]
async fn a_token_answer_that_is_not_a_token_is_an_auth_error_on_the_token_span() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = FakeTransport::new();
    fake.push_json(
        200,
        r#"{"access_token":"tok-SECRET-3","expires_in":"soon"}"#,
    );
    let client = oauth_client(&fake, &Time::new());
    assert!(matches!(client.get("c1").await, Err(Error::Auth(_))));
    let tokens = recorder.spans("sinch_contacts.token");
    assert_eq!(
        tokens,
        [fields(&[
            ("attempts", "1"),
            ("http.status", "200"),
            ("error", "auth")
        ])]
    );
    let operations = recorder.spans("sinch_contacts.operation");
    assert_eq!(operations[0]["error"], "auth");
    assert_eq!(
        operations[0]["attempts"], "0",
        "the API itself was never called"
    );
    assert!(!recorder.dump().contains("tok-SECRET"));
}

#[tokio::test(flavor = "current_thread")]
async fn create_safe_is_one_span_around_its_creates_and_lookups() {
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let fake = FakeTransport::new();
    fake.push_error(TransportError::io("reset after the request was written"));
    fake.push_json(
        200,
        r#"{"contacts":[{"id":"c1","external_id":"ext-1"}],"next_page_token":""}"#,
    );
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46701234567",
        )],
        ContactLanguage::EnUs,
    );
    request.external_id = Some("ext-1".to_owned());
    let created = basic_client(&fake).create_safe(&request).await.unwrap();
    assert_eq!(created.contact.id.as_deref(), Some("c1"));

    assert_eq!(
        recorder.spans("sinch_contacts.create_safe"),
        [fields(&[
            ("project_id", "project-1"),
            ("rounds", "1"),
            ("outcome", "recovered"),
        ])]
    );
    let operations: Vec<String> = recorder
        .spans("sinch_contacts.operation")
        .iter()
        .map(|span| span["operation"].clone())
        .collect();
    assert_eq!(operations, ["create_contact", "list_contacts"]);
    let inside = Some("sinch_contacts.create_safe".to_owned());
    assert_eq!(
        recorder.parents("sinch_contacts.operation"),
        [inside.clone(), inside]
    );
    assert!(
        !recorder.dump().contains("ext-1"),
        "no external id in a span"
    );
}
