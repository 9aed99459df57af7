//! Merge follows the documented rules; the expected contacts are worked out by hand.

use sinch_contacts_emulator::Emulator;
use sinch_contacts_model::{ChannelIdentity, ContactLanguage, ConversationChannel};

use crate::support::{client, id, with_identities};

#[tokio::test]
async fn merge_moves_identities_for_missing_channels_and_fills_empty_fields() {
    let emulator = Emulator::new();
    let client = client(&emulator);

    let mut destination = with_identities(&[
        (ConversationChannel::Sms, "+1"),
        (ConversationChannel::Whatsapp, "+1"),
    ]);
    destination.channel_priority = vec![ConversationChannel::Whatsapp];
    destination.display_name = Some("Dest".to_owned());
    destination.metadata = Some(String::new());
    let destination_id = id(&client.create(&destination).await.unwrap());

    let mut source = with_identities(&[
        (ConversationChannel::Sms, "+2"),
        (ConversationChannel::Rcs, "+2"),
    ]);
    let mut messenger = ChannelIdentity::new(ConversationChannel::Messenger, "psid-2");
    messenger.app_id = Some("app-1".to_owned());
    source.channel_identities.push(messenger.clone());
    source.display_name = Some("Src".to_owned());
    source.email = Some("s@example.com".to_owned());
    source.external_id = Some("ext-s".to_owned());
    source.metadata = Some("meta-s".to_owned());
    source.language = ContactLanguage::Fr;
    let source_id = id(&client.create(&source).await.unwrap());

    let merged = client.merge(&destination_id, &source_id).await.unwrap();

    // Rule 3: SMS stays the destination's (+1); RCS and MESSENGER move, in source order.
    assert_eq!(
        merged.channel_identities,
        [
            ChannelIdentity::new(ConversationChannel::Sms, "+1"),
            ChannelIdentity::new(ConversationChannel::Whatsapp, "+1"),
            ChannelIdentity::new(ConversationChannel::Rcs, "+2"),
            messenger,
        ]
    );
    // Rule 4: the destination's list [WHATSAPP], its unlisted own channel SMS, then the moved ones.
    assert_eq!(
        merged.channel_priority,
        [
            ConversationChannel::Whatsapp,
            ConversationChannel::Sms,
            ConversationChannel::Rcs,
            ConversationChannel::Messenger,
        ]
    );
    // Rule 5: only empty fields are filled ("" counts as empty); the language was set.
    assert_eq!(merged.id.as_deref(), Some(destination_id.as_str()));
    assert_eq!(merged.display_name.as_deref(), Some("Dest"));
    assert_eq!(merged.email.as_deref(), Some("s@example.com"));
    assert_eq!(merged.external_id.as_deref(), Some("ext-s"));
    assert_eq!(merged.metadata.as_deref(), Some("meta-s"));
    assert_eq!(merged.language, Some(ContactLanguage::EnUs));

    // Rule 6: the source is gone; the destination is stored as answered.
    assert_eq!(emulator.contact_count(), 1);
    let gone = client.get(&source_id).await.unwrap_err();
    assert_eq!(gone.status().map(|status| status.as_u16()), Some(404));
    assert_eq!(client.get(&destination_id).await.unwrap(), merged);
    let again = client.merge(&destination_id, &source_id).await.unwrap_err();
    assert_eq!(again.status().map(|status| status.as_u16()), Some(404));
}

#[tokio::test]
async fn the_moved_identities_are_findable_by_the_channel_identity_filter() {
    use sinch_contacts_model::{ContactFilter, ListContactsQuery};
    let emulator = Emulator::new();
    let client = client(&emulator);
    let destination_id = id(&client
        .create(&with_identities(&[(ConversationChannel::Sms, "+10")]))
        .await
        .unwrap());
    let source_id = id(&client
        .create(&with_identities(&[(ConversationChannel::Whatsapp, "+20")]))
        .await
        .unwrap());
    client.merge(&destination_id, &source_id).await.unwrap();
    let found = client
        .list(
            ListContactsQuery::new().filter(ContactFilter::channel_identity(
                ConversationChannel::Whatsapp,
                "+20",
            )),
        )
        .await
        .unwrap();
    let ids: Vec<_> = found.contacts.iter().map(id).collect();
    assert_eq!(ids, [destination_id]);
}

#[tokio::test]
async fn merging_an_unknown_destination_is_not_found() {
    let emulator = Emulator::new();
    let client = client(&emulator);
    let source_id = id(&client
        .create(&with_identities(&[(ConversationChannel::Sms, "+3")]))
        .await
        .unwrap());
    let error = client
        .merge("01UNKNOWNDESTINATION000000", &source_id)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(404));
    assert_eq!(emulator.contact_count(), 1, "nothing changed");
}
