//! Laws of `merge_contacts` (documented rules 3 to 6 and the decisions of `docs/merge-rules.md`),
//! checked against `naive_merge`: the rules restated in the plainest way, field by field, from
//! the documentation and not from the crate's code.

use std::collections::BTreeSet;

use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ConversationChannel, MergeError, merge_contacts,
};

use crate::strategies::{contact, contact_with_id};

/// What a merge should give, by the documented rules read naively.
struct Expected {
    contact: Contact,
    moved: Vec<ChannelIdentity>,
    copied: Vec<String>,
}

fn text_is_empty(value: &Option<String>) -> bool {
    match value {
        None => true,
        Some(text) => text.is_empty(),
    }
}

fn language_is_empty(value: &Option<ContactLanguage>) -> bool {
    match value {
        None => true,
        Some(language) => language.as_str() == "UNSPECIFIED",
    }
}

fn naive_merge(destination: &Contact, source: &Contact) -> Expected {
    let mut contact = destination.clone();
    let mut copied = Vec::new();

    // Rule 3: per channel, an identity moves iff the destination has none on that channel.
    let mut moved = Vec::new();
    for identity in &source.channel_identities {
        let mut destination_has_channel = false;
        for own in &destination.channel_identities {
            if own.channel == identity.channel {
                destination_has_channel = true;
            }
        }
        if !destination_has_channel {
            moved.push(identity.clone());
        }
    }
    for identity in &moved {
        contact.channel_identities.push(identity.clone());
    }

    // Rule 4: moved channels are appended to the destination's list, once, unless listed.
    for identity in &moved {
        let mut listed = false;
        for channel in &contact.channel_priority {
            if *channel == identity.channel {
                listed = true;
            }
        }
        if !listed {
            contact.channel_priority.push(identity.channel.clone());
        }
    }

    // Rule 5: each optional field is copied iff the destination's is empty (and the source's
    // is not: copying an empty value changes nothing).
    if text_is_empty(&destination.display_name) && !text_is_empty(&source.display_name) {
        contact.display_name = source.display_name.clone();
        copied.push("display_name".to_owned());
    }
    if text_is_empty(&destination.email) && !text_is_empty(&source.email) {
        contact.email = source.email.clone();
        copied.push("email".to_owned());
    }
    if text_is_empty(&destination.external_id) && !text_is_empty(&source.external_id) {
        contact.external_id = source.external_id.clone();
        copied.push("external_id".to_owned());
    }
    if text_is_empty(&destination.metadata) && !text_is_empty(&source.metadata) {
        contact.metadata = source.metadata.clone();
        copied.push("metadata".to_owned());
    }
    if language_is_empty(&destination.language) && !language_is_empty(&source.language) {
        contact.language = source.language.clone();
        copied.push("language".to_owned());
    }
    // Unknown members: empty when absent, `null` or `""`; in name order.
    let raw_is_empty = |text: &str| text == "null" || text == "\"\"";
    for (name, value) in &source.additional_properties {
        let destination_empty = match destination.additional_properties.get(name) {
            None => true,
            Some(own) => raw_is_empty(own.as_str()),
        };
        if destination_empty && !raw_is_empty(value.as_str()) {
            contact
                .additional_properties
                .insert(name.clone(), value.clone());
            copied.push(name.clone());
        }
    }
    Expected {
        contact,
        moved,
        copied,
    }
}

fn channels(identities: &[ChannelIdentity]) -> BTreeSet<ConversationChannel> {
    identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect()
}

proptest! {
    #[test]
    fn a_merge_is_the_documented_rules_applied_field_by_field(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let expected = naive_merge(&destination, &source);
        let merged = merge_contacts(destination, source).unwrap();
        prop_assert_eq!(&merged.contact, &expected.contact);
        prop_assert_eq!(&merged.moved_identities, &expected.moved);
        prop_assert_eq!(&merged.copied_fields, &expected.copied);
        prop_assert_eq!(merged.removed_source_id.as_deref(), Some("s"));
    }

    #[test]
    fn merge_loses_no_channel(destination in contact_with_id("d"), source in contact_with_id("s")) {
        let mut union = channels(&destination.channel_identities);
        union.extend(channels(&source.channel_identities));
        let merged = merge_contacts(destination, source).unwrap();
        prop_assert_eq!(channels(&merged.contact.channel_identities), union);
    }

    #[test]
    fn the_destinations_priority_list_is_a_prefix_of_the_merged_one(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let own = destination.channel_priority.clone();
        let merged = merge_contacts(destination, source).unwrap().contact.channel_priority;
        prop_assert_eq!(&merged[..own.len()], &own[..]);
    }

    #[test]
    fn merging_the_same_source_twice_changes_nothing_more(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let once = merge_contacts(destination, source.clone()).unwrap();
        let twice = merge_contacts(once.contact.clone(), source).unwrap();
        prop_assert_eq!(&twice.contact, &once.contact);
        prop_assert!(twice.moved_identities.is_empty());
        prop_assert!(twice.copied_fields.is_empty());
    }

    #[test]
    fn merge_reports_the_source_id_removed(
        destination in contact_with_id("d"),
        source in contact(),
        source_id in proptest::option::of("s[0-9]{0,3}"),
    ) {
        let mut source = source;
        source.id = source_id.clone();
        let merged = merge_contacts(destination, source).unwrap();
        prop_assert_eq!(merged.removed_source_id, source_id);
    }

    #[test]
    fn merging_a_contact_into_itself_is_refused(
        destination in contact(),
        source in contact(),
        id in "[a-z0-9]{0,8}",
    ) {
        let mut destination = destination;
        let mut source = source;
        destination.id = Some(id.clone());
        source.id = Some(id.clone());
        prop_assert_eq!(merge_contacts(destination, source), Err(MergeError::IntoItself { id }));
    }
}

/// The oracle itself, on a hand-worked example, so that a mistake in it cannot hide one in the
/// code.
#[test]
fn the_naive_merge_gives_the_hand_worked_answer() {
    let identity = |channel: ConversationChannel, value: &str| ChannelIdentity::new(channel, value);
    let mut destination = Contact::default();
    destination.id = Some("d".to_owned());
    destination.channel_identities = vec![identity(ConversationChannel::Sms, "+1")];
    destination.channel_priority = vec![ConversationChannel::Rcs, ConversationChannel::Sms];
    destination.email = Some(String::new());
    destination.display_name = Some("Kept".to_owned());
    let mut source = Contact::default();
    source.id = Some("s".to_owned());
    source.channel_identities = vec![
        identity(ConversationChannel::Whatsapp, "+2"),
        identity(ConversationChannel::Sms, "+2"),
        identity(ConversationChannel::Rcs, "+2"),
    ];
    source.email = Some("e@example.com".to_owned());
    source.display_name = Some("Lost".to_owned());
    source.language = Some(ContactLanguage::Fr);

    let mut expected = destination.clone();
    expected.channel_identities = vec![
        identity(ConversationChannel::Sms, "+1"),
        identity(ConversationChannel::Whatsapp, "+2"),
        identity(ConversationChannel::Rcs, "+2"),
    ];
    expected.channel_priority = vec![
        ConversationChannel::Rcs,
        ConversationChannel::Sms,
        ConversationChannel::Whatsapp,
    ];
    expected.email = Some("e@example.com".to_owned());
    expected.language = Some(ContactLanguage::Fr);

    let naive = naive_merge(&destination, &source);
    assert_eq!(naive.contact, expected);
    assert_eq!(naive.copied, ["email", "language"]);
    let merged = merge_contacts(destination, source).unwrap();
    assert_eq!(merged.contact, expected);
    assert_eq!(merged.copied_fields, ["email", "language"]);
}
