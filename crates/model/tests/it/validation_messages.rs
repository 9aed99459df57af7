//! The wording of validation errors, as users read them.

use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactField, ContactLanguage, ContactPatch,
    ConversationChannel, ListContactsQuery, UpdateMask, validate_create, validate_merge,
    validate_patch,
};

fn messages() -> String {
    let mut messenger = ChannelIdentity::new(ConversationChannel::Messenger, "psid");
    messenger.app_id = Some(String::new());
    let mut too_long = ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, "")],
        ContactLanguage::En,
    );
    too_long.metadata = Some("日".repeat(1025));
    let cases = [
        (
            "create without identities",
            validate_create(&ContactCreateRequest::new(Vec::new(), ContactLanguage::En)),
        ),
        (
            "create with messenger and empty app_id",
            validate_create(&ContactCreateRequest::new(
                vec![messenger],
                ContactLanguage::En,
            )),
        ),
        (
            "create with empty identity and long metadata",
            validate_create(&too_long),
        ),
        (
            "create with a duplicate, an unspecified channel, a blank identity and no language",
            validate_create(&ContactCreateRequest::new(
                vec![
                    ChannelIdentity::new(ConversationChannel::Sms, "+1"),
                    ChannelIdentity::new(ConversationChannel::Sms, "+1"),
                    ChannelIdentity::new(ConversationChannel::ChannelUnspecified, " "),
                ],
                ContactLanguage::Unspecified,
            )),
        ),
        (
            "patch masking identities without a value",
            validate_patch(
                &ContactPatch::new()
                    .with_mask(UpdateMask::new().with(ContactField::ChannelIdentities)),
            ),
        ),
        (
            "patch clearing identities",
            validate_patch(&ContactPatch::new().clear_channel_identities()),
        ),
        ("merge into itself", validate_merge("01H", "01H")),
        ("merge without ids", validate_merge("", "")),
        (
            "list with page size 0, external id and channel",
            ListContactsQuery::from_params(Some(0), None, Some("e"), Some("SMS"), None).map(|_| ()),
        ),
        (
            "list with identity only",
            ListContactsQuery::from_params(None, None, None, None, Some("+1")).map(|_| ()),
        ),
    ];
    cases
        .into_iter()
        .map(|(name, result)| format!("{name}:\n  {}\n", result.unwrap_err()))
        .collect()
}

#[test]
fn validation_error_messages() {
    insta::assert_snapshot!(messages());
}
