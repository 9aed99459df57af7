//! Types generated from the published description's shape with `openapi/overlays/published-fixes.yaml`
//! applied take the bodies the API really exchanges: create, update, merge, recipient,
//! channel-profile and identity-conflict bodies written from the fact sheet (api-facts 1.2, 1.5,
//! 1.6, 1.7, 1.8, 2.4), and the shared conformance callbacks that carry contacts (read from
//! `SINCH_CONFORMANCE_DIR`; skipped with a message when it is unset).
//!
//! Round trip: written back, a body is the JSON received, except that `null` members and empty
//! arrays are left out (the generator's documented rule: absent, `null` and empty are the same).

use std::path::PathBuf;

use codegen_golden::published_fixed::{
    Contact, ContactCreateEvent, ContactCreateRequest, ContactDeleteEvent,
    ContactIdentitiesDuplicationEvent, ContactLanguage, ContactMergeEvent, ContactUpdateEvent,
    ConversationChannel, GetChannelProfileConversationChannel, GetChannelProfileRequest,
    GetChannelProfileResponse, ListIdentityConflictsResponse, MergeContactRequest, Recipient,
};
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// The JSON with `null` members and empty arrays removed, at every depth.
fn without_empty(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, member)| {
                    !member.is_null() && member.as_array().is_none_or(|items| !items.is_empty())
                })
                .map(|(name, member)| (name.clone(), without_empty(member)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_empty).collect()),
        other => other.clone(),
    }
}

/// Parses `json` as `T`, writes it back and checks the written JSON is the one received.
fn round_trip<T: DeserializeOwned + Serialize>(json: &str) -> T {
    let parsed: T =
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{error}\nwhile parsing {json}"));
    let written = serde_json::to_value(&parsed).unwrap();
    let received: Value = serde_json::from_str(json).unwrap();
    assert_eq!(written, without_empty(&received), "round trip of {json}");
    parsed
}

const CREATE_BODY: &str = r#"{
    "channel_identities": [
        {"channel": "WHATSAPP", "identity": "+46732000000"},
        {"channel": "MESSENGER", "identity": "6536947852300289", "app_id": "01EB37HMH1M6SV18ASNS3G135H"}
    ],
    "channel_priority": ["WHATSAPP", "MESSENGER"],
    "language": "EN_US",
    "display_name": "New Contact",
    "email": "new.contact@email.com",
    "external_id": "crm-42",
    "metadata": "{\"tier\":\"gold\"}"
}"#;

#[test]
fn a_create_body_parses_as_the_create_request_and_as_a_contact_without_id() {
    let request: ContactCreateRequest = round_trip(CREATE_BODY);
    assert_eq!(request.language, ContactLanguage::EnUs);
    assert_eq!(request.channel_identities.len(), 2);
    assert_eq!(
        request.channel_identities[1].app_id.as_deref(),
        Some("01EB37HMH1M6SV18ASNS3G135H")
    );
    // The published description required `id` on Contact; with the overlay it is optional.
    let contact: Contact = round_trip(CREATE_BODY);
    assert_eq!(contact.id, None);
    assert_eq!(contact.external_id.as_deref(), Some("crm-42"));
}

#[test]
fn a_create_body_without_its_required_members_is_refused() {
    // api-facts 1.2: channel_identities and language are required on create.
    let error = serde_json::from_str::<ContactCreateRequest>(
        r#"{"channel_identities": [{"channel": "SMS", "identity": "+46732000000"}]}"#,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("missing field `language`"),
        "{error}"
    );
    let error = serde_json::from_str::<ContactCreateRequest>(r#"{"language": "EN"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("missing field `channel_identities`"),
        "{error}"
    );
}

#[test]
fn an_update_body_with_any_subset_of_fields_parses_as_a_contact() {
    // api-facts 1.5: the update body is a Contact with any subset of its fields, no id.
    let contact: Contact = round_trip(r#"{"display_name": "Jane Doe", "metadata": "vip"}"#);
    assert_eq!(contact.id, None);
    assert_eq!(contact.language, None);
    assert_eq!(contact.display_name.as_deref(), Some("Jane Doe"));
    let contact: Contact = round_trip(r#"{"language": "FR"}"#);
    assert_eq!(contact.language, Some(ContactLanguage::Fr));
    let _: Contact = round_trip("{}");
}

#[test]
fn a_contact_keeps_members_the_description_does_not_know() {
    let json = r#"{"id":"01FJA8B466Y0R2GNXD78MD9SM1","language":"EN","new_field":{"a":[1,2]},"channel_identities":[{"channel":"SMS","identity":"+1","since":"2026"}]}"#;
    let contact: Contact = round_trip(json);
    assert_eq!(
        contact.additional_properties["new_field"].as_str(),
        r#"{"a":[1,2]}"#
    );
    assert_eq!(
        contact.channel_identities[0].additional_properties["since"].as_str(),
        r#""2026""#
    );
}

#[test]
fn a_merge_body_parses_with_source_and_strategy() {
    // api-facts 1.6 (Java fixture ContactMergeRequestDto.json shape).
    let merge: MergeContactRequest =
        round_trip(r#"{"source_id": "01FJA8B4A7BM43YGWSG9GBV067", "strategy": "MERGE"}"#);
    assert_eq!(merge.source_id, "01FJA8B4A7BM43YGWSG9GBV067");
    let merge: MergeContactRequest = round_trip(r#"{"source_id": "s"}"#);
    assert_eq!(merge.strategy, None);
    let error =
        serde_json::from_str::<MergeContactRequest>(r#"{"strategy": "MERGE"}"#).unwrap_err();
    assert!(
        error.to_string().contains("missing field `source_id`"),
        "{error}"
    );
}

const BY_CONTACT: &str = r#"{"contact_id": "01FJA8B466Y0R2GNXD78MD9SM1"}"#;
const BY_IDENTITIES: &str = r#"{"identified_by": {"channel_identities": [
    {"channel": "MESSENGER", "identity": "6536947852300289"},
    {"channel": "SMS", "identity": "+46732000000"}
]}}"#;

#[test]
fn a_recipient_is_a_contact_id_or_channel_identities_alone() {
    // api-facts 2.4: each arm alone is a whole recipient (the published file required both).
    let Recipient::ContactId(by_contact) = round_trip::<Recipient>(BY_CONTACT) else {
        panic!("a contact id recipient read as another arm");
    };
    assert_eq!(by_contact.contact_id, "01FJA8B466Y0R2GNXD78MD9SM1");
    let Recipient::IdentifiedBy(by_identities) = round_trip::<Recipient>(BY_IDENTITIES) else {
        panic!("a channel identities recipient read as another arm");
    };
    let identities = &by_identities.identified_by.channel_identities;
    assert_eq!(identities.len(), 2);
    assert_eq!(identities[0].channel, ConversationChannel::Messenger);
    assert_eq!(identities[1].identity, "+46732000000");
}

#[test]
fn channel_profile_requests_and_answers_parse() {
    // api-facts 1.7 (Java fixtures ContactGetChannelProfileBy{Contact,Channel}RequestDto.json).
    for (recipient, by_contact) in [(BY_CONTACT, true), (BY_IDENTITIES, false)] {
        let json = format!(
            r#"{{"app_id": "01EB37HMH1M6SV18ASNS3G135H", "recipient": {recipient}, "channel": "MESSENGER"}}"#
        );
        let request: GetChannelProfileRequest = round_trip(&json);
        assert_eq!(
            request.channel,
            GetChannelProfileConversationChannel::Messenger
        );
        assert_eq!(
            matches!(request.recipient, Recipient::ContactId(_)),
            by_contact
        );
    }
    let request: GetChannelProfileRequest =
        round_trip(r#"{"app_id": "a", "recipient": {"contact_id": "c"}, "channel": "VIBER"}"#);
    assert_eq!(request.channel, GetChannelProfileConversationChannel::Viber);
    let error = serde_json::from_str::<GetChannelProfileRequest>(
        r#"{"app_id": "a", "recipient": {"contact_id": "c"}}"#,
    )
    .unwrap_err();
    assert!(
        error.to_string().contains("missing field `channel`"),
        "{error}"
    );
    let response: GetChannelProfileResponse = round_trip(r#"{"profile_name": "John Doe"}"#);
    assert_eq!(response.profile_name.as_deref(), Some("John Doe"));
}

#[test]
fn identity_conflict_pages_parse() {
    // api-facts 1.8.
    let page: ListIdentityConflictsResponse = round_trip(
        r#"{"conflicts": [{"identity": "+46732000000", "channels": ["SMS", "RCS"],
            "contact_ids": ["01FJA8B466Y0R2GNXD78MD9SM1", "01FJA8B4A7BM43YGWSG9GBV067"]}],
            "next_page_token": "CgwKATISBwiAgICAgA=="}"#,
    );
    assert_eq!(
        page.conflicts[0].channels,
        [ConversationChannel::Sms, ConversationChannel::Rcs]
    );
    assert_eq!(page.conflicts[0].contact_ids.len(), 2);
    let last: ListIdentityConflictsResponse =
        round_trip(r#"{"conflicts": [], "next_page_token": ""}"#);
    assert!(last.conflicts.is_empty());
}

fn conformance_dir() -> Option<PathBuf> {
    match std::env::var_os("SINCH_CONFORMANCE_DIR") {
        Some(dir) => Some(PathBuf::from(dir)),
        None => {
            eprintln!(
                "skipped: SINCH_CONFORMANCE_DIR is not set, so the shared conformance payloads \
                 were not read (the hand-written bodies above still ran)"
            );
            None
        }
    }
}

fn read(dir: &std::path::Path, name: &str) -> String {
    let path = dir.join("dotnet-hooks").join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

#[test]
fn the_shared_contact_callbacks_parse_and_round_trip() {
    let Some(dir) = conformance_dir() else {
        return;
    };
    let event: ContactCreateEvent = round_trip(&read(&dir, "ContactCreateEvent.json"));
    assert!(event.contact_create_notification.contact.is_some());
    let event: ContactUpdateEvent = round_trip(&read(&dir, "ContactUpdateEvent.json"));
    assert!(event.contact_update_notification.contact.is_some());
    let event: ContactDeleteEvent = round_trip(&read(&dir, "ContactDeleteEvent.json"));
    assert!(event.contact_delete_notification.contact.is_some());
    let event: ContactMergeEvent = round_trip(&read(&dir, "ContactMergeEvent.json"));
    let merge = event.contact_merge_notification;
    let (Some(preserved), Some(deleted)) = (merge.preserved_contact, merge.deleted_contact) else {
        panic!("a merge callback without both contacts");
    };
    assert_eq!(preserved.id.as_deref(), Some("a contact id"));
    assert_eq!(deleted.id.as_deref(), Some("my created contact ID"));
    assert_eq!(preserved.language, Some(ContactLanguage::Unspecified));
    let event: ContactIdentitiesDuplicationEvent =
        round_trip(&read(&dir, "ContactIdentitiesDuplicationEvent.json"));
    let duplicated = &event
        .duplicated_contact_identities_notification
        .duplicated_identities;
    assert_eq!(duplicated.len(), 1);
    assert_eq!(duplicated[0].channel, Some(ConversationChannel::Messenger));
    assert_eq!(duplicated[0].contact_ids.len(), 2);
}
