//! Laws of request validation and of the list query parser.

use proptest::collection::vec;
use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel, ListContactsQuery,
    METADATA_MAX_CHARS, ViolationKind, validate_create, validate_page_size,
};

use crate::strategies::{app_scoped_channel, identity_value, unscoped_channel};

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
