//! Laws of request validation and of the list query parser.

use proptest::collection::vec;
use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactField, ContactLanguage, ContactPatch,
    ConversationChannel, GetChannelProfileRequest, ListContactsQuery, METADATA_MAX_CHARS,
    QueryCapabilityRequest, Recipient, UpdateMask, ValidationError, ViolationKind,
    validate_capability_query, validate_channel_profile_request, validate_contact, validate_create,
    validate_page_size, validate_patch,
};

use crate::strategies::{app_scoped_channel, channel_identity, identity_value, unscoped_channel};

fn valid_identity() -> impl Strategy<Value = ChannelIdentity> {
    (unscoped_channel(), identity_value())
        .prop_map(|(channel, identity)| ChannelIdentity::new(channel, identity))
}

/// Text of exactly `n` characters mixing one- to four-byte characters.
fn text_of_chars(lengths: std::ops::Range<usize>) -> impl Strategy<Value = (usize, String)> {
    lengths.prop_flat_map(|n| {
        vec(prop::sample::select(vec!['a', 'é', '日', '🙂']), n)
            .prop_map(move |chars| (n, chars.into_iter().collect::<String>()))
    })
}

fn parameter() -> impl Strategy<Value = Option<String>> {
    prop::sample::select(vec![None, Some(""), Some("SMS"), Some("x")])
        .prop_map(|value| value.map(str::to_owned))
}

proptest! {
    #[test]
    fn an_app_scoped_identity_without_app_id_always_fails_naming_it(
        before in vec(valid_identity(), 0..3),
        after in vec(valid_identity(), 0..3),
        channel in app_scoped_channel(),
        app_id in prop::sample::select(vec![None, Some(String::new())]),
        metadata in proptest::option::of("[a-z]{0,8}"),
    ) {
        let index = before.len();
        let mut scoped = ChannelIdentity::new(channel.clone(), "psid");
        scoped.app_id = app_id;
        let mut identities = before;
        identities.push(scoped);
        identities.extend(after);
        // Distinct values, so that no entry repeats another.
        for (position, identity) in identities.iter_mut().enumerate() {
            if position != index {
                identity.identity = format!("+{position}");
            }
        }
        let mut request = ContactCreateRequest::new(identities, ContactLanguage::En);
        request.metadata = metadata;
        let error = validate_create(&request).unwrap_err();
        prop_assert_eq!(error.violations().len(), 1);
        let violation = &error.violations()[0];
        let expected_field = format!("channel_identities[{index}].app_id");
        prop_assert_eq!(violation.field(), expected_field.as_str());
        prop_assert_eq!(violation.kind(), &ViolationKind::AppIdRequired { channel: channel.as_str().to_owned() });
    }

    #[test]
    fn an_app_scoped_identity_with_an_app_id_passes(channel in app_scoped_channel(), app_id in "[a-z0-9]{1,6}") {
        let mut identity = ChannelIdentity::new(channel, "psid");
        identity.app_id = Some(app_id);
        prop_assert!(validate_create(&ContactCreateRequest::new(vec![identity], ContactLanguage::En)).is_ok());
    }

    #[test]
    fn metadata_fails_iff_longer_than_1024_characters(
        (n, metadata) in prop_oneof![text_of_chars(0..8), text_of_chars(1015..1035)],
    ) {
        let mut request = ContactCreateRequest::new(
            vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")],
            ContactLanguage::En,
        );
        request.metadata = Some(metadata);
        let result = validate_create(&request);
        prop_assert_eq!(result.is_err(), n > METADATA_MAX_CHARS);
        if let Err(error) = result {
            prop_assert_eq!(error.violations()[0].field(), "metadata");
            prop_assert_eq!(error.violations()[0].kind(), &ViolationKind::TooLong { max: 1024, actual: n });
        }
    }

    #[test]
    fn a_page_size_is_valid_iff_between_1_and_20(page_size in prop_oneof![0u32..25, any::<u32>()]) {
        prop_assert_eq!(validate_page_size(page_size).is_ok(), (1..=20).contains(&page_size));
        let query = ListContactsQuery::new().page_size(page_size);
        prop_assert_eq!(query.validate().is_ok(), (1..=20).contains(&page_size));
    }

    #[test]
    fn list_parameters_fail_iff_external_id_meets_channel_or_identity_or_only_one_of_them_is_given(
        page_size in proptest::option::of(1u32..=20),
        external_id in parameter(),
        channel in parameter(),
        identity in parameter(),
    ) {
        let given = |value: &Option<String>| value.as_deref().is_some_and(|value| !value.is_empty());
        let (has_external_id, has_channel, has_identity) = (given(&external_id), given(&channel), given(&identity));
        let should_fail = (has_external_id && (has_channel || has_identity)) || (has_channel != has_identity);
        let result = ListContactsQuery::from_params(
            page_size,
            None,
            external_id.as_deref(),
            channel.as_deref(),
            identity.as_deref(),
        );
        prop_assert_eq!(result.is_err(), should_fail, "{:?}", result);
        if let Ok(query) = result {
            prop_assert_eq!(query.page_size, page_size);
            prop_assert_eq!(query.filter.is_some(), has_external_id || has_channel);
        }
    }
}

#[test]
fn the_documented_example_query_is_refused() {
    // The reference's example: `?page_size=0&page_token=string&external_id=string&channel=WHATSAPP&identity=string`.
    let error = ListContactsQuery::from_params(
        Some(0),
        Some("string"),
        Some("string"),
        Some("WHATSAPP"),
        Some("string"),
    )
    .unwrap_err();
    let fields: Vec<_> = error
        .violations()
        .iter()
        .map(|violation| violation.field())
        .collect();
    assert_eq!(fields, ["page_size", "external_id", "external_id"]);
}

/// The duplicates a naive reading of the rule finds: entry `j` repeats the first earlier entry
/// `i` with the same channel and identity and, on app-scoped channels, the same `app_id`.
fn naive_duplicates(identities: &[ChannelIdentity]) -> Vec<(String, ViolationKind)> {
    let app_scoped = [
        ConversationChannel::Messenger,
        ConversationChannel::Instagram,
        ConversationChannel::Line,
        ConversationChannel::Wechat,
    ];
    let mut found = Vec::new();
    for j in 0..identities.len() {
        for i in 0..j {
            let (a, b) = (&identities[i], &identities[j]);
            let same_app = !app_scoped.contains(&a.channel) || a.app_id == b.app_id;
            if a.channel == b.channel && a.identity == b.identity && same_app {
                found.push((
                    format!("channel_identities[{j}].identity"),
                    ViolationKind::DuplicateIdentity {
                        first: format!("channel_identities[{i}]"),
                    },
                ));
                break;
            }
        }
    }
    found
}

fn duplicate_violations(result: Result<(), ValidationError>) -> Vec<(String, ViolationKind)> {
    result
        .err()
        .map(|error| {
            error
                .violations()
                .iter()
                .filter(|violation| {
                    matches!(violation.kind(), ViolationKind::DuplicateIdentity { .. })
                })
                .map(|violation| (violation.field().to_owned(), violation.kind().clone()))
                .collect()
        })
        .unwrap_or_default()
}

proptest! {
    #[test]
    fn duplicated_identities_are_refused_naming_the_later_entry_and_the_first(
        identities in vec(channel_identity(), 1..6),
    ) {
        let expected = naive_duplicates(&identities);
        let request = ContactCreateRequest::new(identities.clone(), ContactLanguage::En);
        prop_assert_eq!(duplicate_violations(validate_create(&request)), expected.clone());
        prop_assert_eq!(
            duplicate_violations(validate_patch(&ContactPatch::new().channel_identities(identities))),
            expected
        );
    }
}

fn create(identities: Vec<ChannelIdentity>) -> ContactCreateRequest {
    ContactCreateRequest::new(identities, ContactLanguage::En)
}

fn violations(result: Result<(), ValidationError>) -> Vec<(String, ViolationKind)> {
    result
        .unwrap_err()
        .violations()
        .iter()
        .map(|violation| (violation.field().to_owned(), violation.kind().clone()))
        .collect()
}

#[test]
fn the_same_identity_twice_is_refused_with_app_id_counting_only_on_app_scoped_channels() {
    let sms = |app: Option<&str>| {
        let mut identity = ChannelIdentity::new(ConversationChannel::Sms, "+1");
        identity.app_id = app.map(str::to_owned);
        identity
    };
    let messenger = |app: &str| {
        let mut identity = ChannelIdentity::new(ConversationChannel::Messenger, "psid");
        identity.app_id = Some(app.to_owned());
        identity
    };
    assert_eq!(
        violations(validate_create(&create(vec![
            sms(None),
            ChannelIdentity::new(ConversationChannel::Mms, "+1"),
            sms(Some("other-app")),
        ]))),
        [(
            "channel_identities[2].identity".to_owned(),
            ViolationKind::DuplicateIdentity {
                first: "channel_identities[0]".to_owned()
            }
        )]
    );
    // The same PSID in two apps is two identities; in one app it is one.
    assert!(validate_create(&create(vec![messenger("a1"), messenger("a2")])).is_ok());
    assert_eq!(
        violations(validate_create(&create(vec![
            messenger("a1"),
            messenger("a1")
        ])))[0]
            .0,
        "channel_identities[1].identity"
    );
    // Identities compare exactly.
    assert!(
        validate_create(&create(vec![
            sms(None),
            ChannelIdentity::new(ConversationChannel::Sms, "1")
        ]))
        .is_ok()
    );
}

#[test]
fn an_unspecified_or_empty_channel_is_refused() {
    for channel in [
        ConversationChannel::ChannelUnspecified,
        ConversationChannel::from(""),
        ConversationChannel::from("  "),
    ] {
        let request = create(vec![
            ChannelIdentity::new(ConversationChannel::Sms, "+1"),
            ChannelIdentity::new(channel.clone(), "+1"),
        ]);
        assert_eq!(
            violations(validate_create(&request)),
            [(
                "channel_identities[1].channel".to_owned(),
                ViolationKind::Unspecified
            )],
            "{channel:?}"
        );
    }
    // A channel this version does not know is a channel: it passes.
    assert!(validate_create(&create(vec![ChannelIdentity::new("NEW_CHANNEL", "x")])).is_ok());
}

#[test]
fn a_blank_identity_is_refused_and_an_empty_one_still_reads_as_empty() {
    for (identity, kind) in [
        (" ", ViolationKind::Blank),
        ("\t\n", ViolationKind::Blank),
        ("\u{3000}", ViolationKind::Blank),
        ("", ViolationKind::Empty),
    ] {
        let request = create(vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            identity,
        )]);
        assert_eq!(
            violations(validate_create(&request)),
            [("channel_identities[0].identity".to_owned(), kind)],
            "{identity:?}"
        );
    }
    // Surrounding whitespace is not blank: the value is kept as given.
    assert!(
        validate_create(&create(vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            " +1"
        )]))
        .is_ok()
    );
}

#[test]
fn a_create_with_an_unspecified_language_is_refused_but_a_stored_contact_may_carry_one() {
    for language in [ContactLanguage::Unspecified, ContactLanguage::from("")] {
        let request = ContactCreateRequest::new(
            vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")],
            language.clone(),
        );
        assert_eq!(
            violations(validate_create(&request)),
            [("language".to_owned(), ViolationKind::Unspecified)]
        );
        let mut contact = Contact::default();
        contact.channel_identities = request.channel_identities.clone();
        contact.language = Some(language);
        assert!(validate_contact(&contact).is_ok());
    }
    let request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")],
        ContactLanguage::from("xx_NEW"),
    );
    assert!(validate_create(&request).is_ok());
}

#[test]
fn a_patch_masking_channel_identities_without_a_value_is_refused() {
    let masked = |patch: ContactPatch| {
        patch.with_mask(UpdateMask::new().with(ContactField::ChannelIdentities))
    };
    assert_eq!(
        violations(validate_patch(&masked(ContactPatch::new()))),
        [(
            "channel_identities".to_owned(),
            ViolationKind::MaskedWithoutValue
        )]
    );
    assert_eq!(
        violations(validate_patch(&masked(
            ContactPatch::new().display_name("x")
        )))[0]
            .0,
        "channel_identities"
    );
    // With a value, or without the mask naming it, the identities are not touched wrongly.
    let one = vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")];
    assert!(validate_patch(&masked(ContactPatch::new().channel_identities(one))).is_ok());
    assert!(validate_patch(&ContactPatch::new().display_name("x")).is_ok());
    assert!(
        validate_patch(
            &ContactPatch::new().with_mask(UpdateMask::new().with(ContactField::DisplayName))
        )
        .is_ok()
    );
}

#[test]
fn a_stored_contact_is_checked_by_the_create_rules() {
    let mut contact = Contact::default();
    contact.metadata = Some("x".repeat(METADATA_MAX_CHARS + 1));
    assert_eq!(
        violations(validate_contact(&contact)),
        [
            (
                "channel_identities".to_owned(),
                ViolationKind::NoChannelIdentities
            ),
            (
                "metadata".to_owned(),
                ViolationKind::TooLong {
                    max: METADATA_MAX_CHARS,
                    actual: METADATA_MAX_CHARS + 1
                }
            ),
        ]
    );
    contact.metadata = None;
    contact.channel_identities = vec![ChannelIdentity::new(ConversationChannel::Sms, "+1")];
    assert!(validate_contact(&contact).is_ok());
}

#[test]
fn a_channel_profile_request_needs_an_app_and_a_well_formed_recipient() {
    use sinch_contacts_model::GetChannelProfileConversationChannel as Channel;
    assert!(
        validate_channel_profile_request(&GetChannelProfileRequest::for_contact(
            "app",
            Channel::Messenger,
            "c"
        ))
        .is_ok()
    );
    assert_eq!(
        violations(validate_channel_profile_request(
            &GetChannelProfileRequest::for_contact("", Channel::Messenger, "")
        )),
        [
            ("app_id".to_owned(), ViolationKind::Empty),
            ("recipient.contact_id".to_owned(), ViolationKind::Empty),
        ]
    );
    assert_eq!(
        violations(validate_channel_profile_request(
            &GetChannelProfileRequest::for_channel_identity("app", Channel::Line, "")
        )),
        [(
            "recipient.identified_by.channel_identities[0].identity".to_owned(),
            ViolationKind::Empty
        )]
    );
    assert!(
        validate_channel_profile_request(&GetChannelProfileRequest::for_channel_identity(
            "app",
            Channel::Line,
            "u1"
        ))
        .is_ok()
    );
}

#[test]
fn a_capability_query_needs_an_app_and_a_well_formed_recipient() {
    assert!(validate_capability_query(&QueryCapabilityRequest::for_contact("app", "c")).is_ok());
    assert_eq!(
        violations(validate_capability_query(
            &QueryCapabilityRequest::for_contact("", "c")
        )),
        [("app_id".to_owned(), ViolationKind::Empty)]
    );
    assert_eq!(
        violations(validate_capability_query(&QueryCapabilityRequest::new(
            "app",
            Recipient::channel_identities([])
        ))),
        [(
            "recipient.identified_by.channel_identities".to_owned(),
            ViolationKind::Empty
        )]
    );
    assert_eq!(
        violations(validate_capability_query(&QueryCapabilityRequest::new(
            "app",
            Recipient::channel_identity(ConversationChannel::Sms, "")
        ))),
        [(
            "recipient.identified_by.channel_identities[0].identity".to_owned(),
            ViolationKind::Empty
        )]
    );
    assert!(
        validate_capability_query(&QueryCapabilityRequest::new(
            "app",
            Recipient::channel_identity(ConversationChannel::Sms, "+1")
        ))
        .is_ok()
    );
}
