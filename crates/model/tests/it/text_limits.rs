//! Every string of a request has a limit: `metadata` the documented 1024 characters, the others
//! (no limit documented) the emulator's request body limit, 1 MiB = 1,048,576 characters.

use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ContactPatch,
    ConversationChannel, QueryCapabilityRequest, Recipient, TEXT_MAX_CHARS, ViolationKind,
    validate_capability_query, validate_contact, validate_create, validate_patch,
};

/// 1 MiB, written out.
const LIMIT: usize = 1_048_576;

fn sms() -> Vec<ChannelIdentity> {
    vec![ChannelIdentity::new(
        ConversationChannel::Sms,
        "+46700000001",
    )]
}

fn too_long(actual: usize) -> ViolationKind {
    ViolationKind::TooLong { max: LIMIT, actual }
}

fn fields(
    result: Result<(), sinch_contacts_model::ValidationError>,
) -> Vec<(String, ViolationKind)> {
    result
        .err()
        .map(|error| {
            error
                .violations()
                .iter()
                .map(|violation| (violation.field().to_owned(), violation.kind().clone()))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_limit_is_one_mib_of_characters() {
    assert_eq!(TEXT_MAX_CHARS, LIMIT);
}

#[test]
fn a_display_name_over_one_mib_is_refused_like_metadata_over_1024() {
    let mut request = ContactCreateRequest::new(sms(), ContactLanguage::EnUs);
    request.display_name = Some("x".repeat(LIMIT));
    assert_eq!(validate_create(&request), Ok(()));
    request.display_name = Some("x".repeat(LIMIT + 1));
    request.metadata = Some("m".repeat(1025));
    assert_eq!(
        fields(validate_create(&request)),
        [
            (
                "metadata".to_owned(),
                ViolationKind::TooLong {
                    max: 1024,
                    actual: 1025
                }
            ),
            ("display_name".to_owned(), too_long(LIMIT + 1)),
        ]
    );
}

#[test]
fn characters_are_counted_not_bytes() {
    // 1,048,576 × "é" is 2 MiB of UTF-8 but 1,048,576 characters: within the limit.
    let mut request = ContactCreateRequest::new(sms(), ContactLanguage::EnUs);
    request.email = Some("é".repeat(LIMIT));
    assert_eq!(validate_create(&request), Ok(()));
    request.email = Some("é".repeat(LIMIT + 2));
    assert_eq!(
        fields(validate_create(&request)),
        [("email".to_owned(), too_long(LIMIT + 2))]
    );
}

#[test]
fn every_string_of_a_create_request_is_checked() {
    let long = "y".repeat(LIMIT + 1);
    let mut identity = ChannelIdentity::new(ConversationChannel::Messenger, long.clone());
    identity.app_id = Some(long.clone());
    let mut request = ContactCreateRequest::new(
        vec![
            identity,
            ChannelIdentity::new(ConversationChannel::from(long.as_str()), "+1"),
        ],
        ContactLanguage::from(long.as_str()),
    );
    request.channel_priority = vec![
        ConversationChannel::Sms,
        ConversationChannel::from(long.as_str()),
    ];
    request.display_name = Some(long.clone());
    request.email = Some(long.clone());
    request.external_id = Some(long.clone());
    let expected: Vec<(String, ViolationKind)> = [
        "channel_identities[0].identity",
        "channel_identities[0].app_id",
        "channel_identities[1].channel",
        "channel_priority[1]",
        "display_name",
        "email",
        "external_id",
        "language",
    ]
    .into_iter()
    .map(|field| (field.to_owned(), too_long(LIMIT + 1)))
    .collect();
    assert_eq!(fields(validate_create(&request)), expected);
}

#[test]
fn patches_and_stored_contacts_are_checked_alike() {
    let long = "z".repeat(LIMIT + 1);
    let patch = ContactPatch::new()
        .display_name(long.clone())
        .external_id("fine");
    assert_eq!(
        fields(validate_patch(&patch)),
        [("display_name".to_owned(), too_long(LIMIT + 1))]
    );
    let mut contact = Contact::default();
    contact.channel_identities = sms();
    contact.external_id = Some(long);
    assert_eq!(
        fields(validate_contact(&contact)),
        [("external_id".to_owned(), too_long(LIMIT + 1))]
    );
}

#[test]
fn a_capability_query_has_its_strings_checked() {
    let long = "q".repeat(LIMIT + 1);
    let mut query = QueryCapabilityRequest::new("app", Recipient::contact(long.clone()));
    query.request_id = Some(long);
    assert_eq!(
        fields(validate_capability_query(&query)),
        [
            ("request_id".to_owned(), too_long(LIMIT + 1)),
            ("recipient.contact_id".to_owned(), too_long(LIMIT + 1)),
        ]
    );
}
