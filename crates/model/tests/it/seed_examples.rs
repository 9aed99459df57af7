//! Every contact and error JSON example of the source documents (copied under
//! `tests/fixtures/seeds/`), read as the model type it documents.

use serde::de::DeserializeOwned;
use serde_json::Value;
use sinch_contacts_model::{
    Contact, ContactCreateRequest, ContactLanguage, ConversationChannel, ConversationMergeStrategy,
    GetChannelProfileConversationChannel, GetChannelProfileRequest, GetChannelProfileResponse,
    ListContactsResponse, MergeContactRequest, Recipient,
};

macro_rules! seed {
    ($name:literal) => {
        include_str!(concat!("../fixtures/seeds/", $name, ".json"))
    };
}

fn parse<T: DeserializeOwned>(
    json: &str,
) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(json))
}

/// The path and the message of a parse that must fail.
fn failure<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (String, String) {
    let error = parse::<T>(json).unwrap_err();
    (error.path().to_string(), error.inner().to_string())
}

fn contact_at(callback: &str, pointer: &str) -> Contact {
    let value: Value = serde_json::from_str(callback).unwrap();
    let member = value
        .pointer(pointer)
        .unwrap_or_else(|| panic!("no {pointer}"));
    serde_json::from_value(member.clone()).unwrap()
}

#[test]
fn list_contacts_response_holds_one_default_contact() {
    let response: ListContactsResponse = parse(seed!("list_contacts_response")).unwrap();
    assert_eq!(response.contacts, [Contact::default()]);
    assert_eq!(response.next_page_token.as_deref(), Some("string"));
}

#[test]
fn create_contact_request_reads_as_a_create_request() {
    let request: ContactCreateRequest = parse(seed!("create_contact_request")).unwrap();
    assert_eq!(request.language, ContactLanguage::EnUs);
    assert_eq!(request.channel_identities.len(), 1);
    assert_eq!(
        request.channel_identities[0].channel,
        ConversationChannel::Whatsapp
    );
    assert_eq!(
        request.channel_identities[0].identity,
        "{{WHATSAPP_PHONE_NUMBER}}"
    );
    assert_eq!(request.channel_identities[0].app_id, None);
    assert_eq!(request.display_name.as_deref(), Some("New Contact"));
    assert_eq!(request.email.as_deref(), Some("new.contact@email.com"));
    assert_eq!(request.external_id, None);
    assert_eq!(request.metadata, None);
    assert!(request.channel_priority.is_empty());
}

#[test]
fn update_contact_request_reads_as_a_contact_with_viber() {
    let update: Contact = parse(seed!("update_contact_request")).unwrap();
    let channels: Vec<_> = update
        .channel_identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect();
    assert_eq!(
        channels,
        [ConversationChannel::Messenger, ConversationChannel::Viber]
    );
    assert_eq!(update.channel_identities[1].identity, "{{PHONE_NUMBER}}");
    assert_eq!(
        update.channel_identities[1].app_id.as_deref(),
        Some("{{APP_ID}}")
    );
    assert_eq!(
        update.channel_priority,
        [ConversationChannel::Messenger, ConversationChannel::Viber]
    );
    assert_eq!(update.language, Some(ContactLanguage::Fr));
    assert_eq!(update.email.as_deref(), Some("string"));
    assert_eq!(update.metadata.as_deref(), Some("string"));
    assert_eq!(update.display_name, None);
    assert!(update.additional_properties.is_empty());
}

/// The response examples write channel identities as `{}`, which lack the required `channel`:
/// the parse fails and names where.
#[test]
fn response_examples_with_empty_identity_placeholders_fail_naming_the_missing_field() {
    for json in [
        seed!("create_contact_response"),
        seed!("get_contact_response"),
        seed!("update_contact_response"),
        seed!("merge_contact_response"),
    ] {
        let (path, message) = failure::<Contact>(json);
        assert_eq!(path, "channel_identities[0]");
        assert!(message.starts_with("missing field `channel`"), "{message}");
    }
}

#[test]
fn an_identity_with_a_channel_but_no_identity_names_identity() {
    let (path, message) = failure::<Contact>(
        r#"{"channel_identities":[{"channel":"SMS","identity":"+1"},{"channel":"SMS"}]}"#,
    );
    assert_eq!(path, "channel_identities[1]");
    assert!(message.starts_with("missing field `identity`"), "{message}");
}

/// Without the `{}` placeholders, the rest of each response example reads as documented.
fn without_identities(json: &str) -> Contact {
    let mut value: Value = serde_json::from_str(json).unwrap();
    let removed = value.as_object_mut().unwrap().remove("channel_identities");
    assert!(removed.is_some_and(|identities| {
        identities
            .as_array()
            .unwrap()
            .iter()
            .all(|item| item == &serde_json::json!({}))
    }));
    serde_json::from_value(value).unwrap()
}

#[test]
fn merge_contact_response_otherwise_reads_with_language_zu_and_its_priority() {
    let contact = without_identities(seed!("merge_contact_response"));
    assert_eq!(contact.id.as_deref(), Some("ID_of_target_contact"));
    assert_eq!(contact.language, Some(ContactLanguage::Zu));
    assert_eq!(
        contact.channel_priority,
        [ConversationChannel::Telegram, ConversationChannel::Whatsapp]
    );
    assert_eq!(
        contact.display_name.as_deref(),
        Some("{CONTACT_DISPLAY_NAME}")
    );
    assert_eq!(contact.email.as_deref(), Some(""));
    assert_eq!(contact.external_id.as_deref(), Some(""));
    assert_eq!(contact.metadata.as_deref(), Some(""));
}

#[test]
fn update_and_get_contact_responses_otherwise_read_as_documented() {
    let updated = without_identities(seed!("update_contact_response"));
    assert_eq!(updated.id, None);
    assert_eq!(updated.language, Some(ContactLanguage::EnUs));
    assert_eq!(
        updated.channel_priority,
        [ConversationChannel::Messenger, ConversationChannel::Viber]
    );
    for json in [
        seed!("create_contact_response"),
        seed!("get_contact_response"),
    ] {
        let contact = without_identities(json);
        assert_eq!(contact.id.as_deref(), Some("{CONTACT_ID}"));
        assert_eq!(contact.language, Some(ContactLanguage::Af));
        assert_eq!(contact.channel_priority, [ConversationChannel::Whatsapp]);
        assert_eq!(contact.external_id.as_deref(), Some("string"));
    }
}

#[test]
fn merge_contact_request_reads_with_its_strategy() {
    let request: MergeContactRequest = parse(seed!("merge_contact_request")).unwrap();
    assert_eq!(request.source_id, "string");
    assert_eq!(request.strategy, Some(ConversationMergeStrategy::Merge));
}

#[test]
fn get_channel_profile_request_names_the_recipient_by_contact_id() {
    let request: GetChannelProfileRequest = parse(seed!("get_channel_profile_request")).unwrap();
    assert_eq!(request.app_id, "{APP_ID}");
    assert_eq!(
        request.channel,
        GetChannelProfileConversationChannel::Messenger
    );
    let Recipient::ContactId(recipient) = &request.recipient else {
        panic!(
            "expected a contact id recipient, got {:?}",
            request.recipient
        );
    };
    assert_eq!(recipient.contact_id, "{CONTACT_ID}");
}

#[test]
fn get_channel_profile_response_holds_the_profile_name() {
    let response: GetChannelProfileResponse = parse(seed!("get_channel_profile_response")).unwrap();
    assert_eq!(response.profile_name.as_deref(), Some("John Doe"));
}

#[test]
fn the_contact_of_the_create_callback_reads_as_a_contact() {
    let contact = contact_at(
        seed!("contact_create_callback"),
        "/contact_create_notification/contact",
    );
    assert_eq!(contact.id.as_deref(), Some("01H3333333..."));
    assert_eq!(contact.channel_identities.len(), 1);
    assert_eq!(
        contact.channel_identities[0].channel,
        ConversationChannel::Whatsapp
    );
    assert_eq!(contact.channel_identities[0].identity, "46732001122");
    assert_eq!(
        contact.channel_identities[0].app_id.as_deref(),
        Some("01H1234567...")
    );
    assert_eq!(contact.display_name.as_deref(), Some("John Doe"));
    assert_eq!(contact.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(contact.external_id.as_deref(), Some("customer_12345"));
    assert_eq!(contact.metadata.as_deref(), Some(""));
    assert_eq!(contact.language, Some(ContactLanguage::En));
    assert!(contact.additional_properties.is_empty());
}

#[test]
fn the_contact_of_the_update_callback_reads_as_a_contact() {
    let contact = contact_at(
        seed!("contact_update_callback"),
        "/contact_update_notification/contact",
    );
    let channels: Vec<_> = contact
        .channel_identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect();
    assert_eq!(
        channels,
        [ConversationChannel::Whatsapp, ConversationChannel::Sms]
    );
    assert_eq!(
        contact.email.as_deref(),
        Some("john.doe+updated@example.com")
    );
    assert_eq!(
        contact.metadata.as_deref(),
        Some(r#"{"tier":"premium","last_purchase":"2024-06-10"}"#)
    );
}

#[test]
fn the_preserved_contact_of_the_merge_callback_reads_as_a_contact() {
    let callback = seed!("contact_merge_callback");
    let contact = contact_at(callback, "/contact_merge_notification/preserved_contact");
    assert_eq!(contact.id.as_deref(), Some("01H3333333..."));
    assert_eq!(contact.channel_identities.len(), 2);
    assert_eq!(contact.channel_identities[1].identity, "15551234567");
    let value: Value = serde_json::from_str(callback).unwrap();
    assert_eq!(
        value.pointer("/contact_merge_notification/deleted_contact_id"),
        Some(&Value::from("01H4444444..."))
    );
}

#[test]
fn the_delete_and_duplication_callbacks_carry_contact_ids_and_channels() {
    let delete: Value = serde_json::from_str(seed!("contact_delete_callback")).unwrap();
    assert_eq!(
        delete.pointer("/contact_delete_notification/contact_id"),
        Some(&Value::from("01H3333333..."))
    );
    let duplication: Value =
        serde_json::from_str(seed!("contact_identities_duplication_callback")).unwrap();
    let entry = duplication
        .pointer("/duplicated_identities_notification/duplicated_channel_identities/0")
        .unwrap();
    let channel: ConversationChannel = serde_json::from_value(entry["channel"].clone()).unwrap();
    assert_eq!(channel, ConversationChannel::Sms);
    let contact_ids: Vec<String> = serde_json::from_value(entry["contact_ids"].clone()).unwrap();
    assert_eq!(contact_ids, ["01H3333333...", "01H4444444..."]);
}

#[test]
fn every_seed_contact_written_back_loses_nothing() {
    for (callback, pointer) in [
        (
            seed!("contact_create_callback"),
            "/contact_create_notification/contact",
        ),
        (
            seed!("contact_update_callback"),
            "/contact_update_notification/contact",
        ),
        (
            seed!("contact_merge_callback"),
            "/contact_merge_notification/preserved_contact",
        ),
    ] {
        let value: Value = serde_json::from_str(callback).unwrap();
        let original = value.pointer(pointer).unwrap();
        let contact: Contact = serde_json::from_value(original.clone()).unwrap();
        assert_eq!(&serde_json::to_value(&contact).unwrap(), original);
    }
}
