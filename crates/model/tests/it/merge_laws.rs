//! Laws of `merge_contacts` (documented rules 3 to 6 and the decisions of `docs/merge-rules.md`).

use std::collections::BTreeSet;

use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactLanguage, ConversationChannel, MergeError, merge_contacts,
};

use crate::strategies::{contact, contact_with_id};

fn channels(identities: &[ChannelIdentity]) -> BTreeSet<ConversationChannel> {
    identities
        .iter()
        .map(|identity| identity.channel.clone())
        .collect()
}

fn text_is_empty(value: Option<&String>) -> bool {
    value.is_none_or(|text| text.is_empty())
}

fn expected_moves(destination: &Contact, source: &Contact) -> Vec<ChannelIdentity> {
    let own = channels(&destination.channel_identities);
    source
        .channel_identities
        .iter()
        .filter(|identity| !own.contains(&identity.channel))
        .cloned()
        .collect()
}

proptest! {
    #[test]
    fn merge_loses_no_channel(destination in contact_with_id("d"), source in contact_with_id("s")) {
        let mut union = channels(&destination.channel_identities);
        union.extend(channels(&source.channel_identities));
        let merged = merge_contacts(destination, source).unwrap();
        prop_assert_eq!(channels(&merged.contact.channel_identities), union);
    }

    #[test]
    fn merge_keeps_the_destinations_identities_as_a_prefix_and_its_non_empty_fields(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let merged = merge_contacts(destination.clone(), source).unwrap().contact;
        let own = destination.channel_identities.len();
        prop_assert_eq!(&merged.channel_identities[..own], &destination.channel_identities[..]);
        prop_assert_eq!(&merged.id, &destination.id);
        for (before, after) in [
            (&destination.display_name, &merged.display_name),
            (&destination.email, &merged.email),
            (&destination.external_id, &merged.external_id),
            (&destination.metadata, &merged.metadata),
        ] {
            if !text_is_empty(before.as_ref()) {
                prop_assert_eq!(before, after);
            }
        }
        if destination.language.as_ref().is_some_and(|language| *language != ContactLanguage::Unspecified) {
            prop_assert_eq!(&destination.language, &merged.language);
        }
        for (name, value) in &destination.additional_properties {
            let empty = matches!(value.as_str(), "null" | "\"\"");
            if !empty {
                prop_assert_eq!(Some(value), merged.additional_properties.get(name));
            }
        }
    }

    #[test]
    fn merge_moves_exactly_the_sources_identities_on_channels_the_destination_lacks_in_source_order(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let expected = expected_moves(&destination, &source);
        let own = destination.channel_identities.len();
        let merged = merge_contacts(destination, source).unwrap();
        prop_assert_eq!(&merged.moved_identities, &expected);
        prop_assert_eq!(&merged.contact.channel_identities[own..], &expected[..]);
    }

    #[test]
    fn merge_fills_only_empty_fields_from_the_source(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let merged = merge_contacts(destination.clone(), source.clone()).unwrap();
        for (name, before, from, after) in [
            ("display_name", &destination.display_name, &source.display_name, &merged.contact.display_name),
            ("email", &destination.email, &source.email, &merged.contact.email),
            ("external_id", &destination.external_id, &source.external_id, &merged.contact.external_id),
            ("metadata", &destination.metadata, &source.metadata, &merged.contact.metadata),
        ] {
            let copied = text_is_empty(before.as_ref()) && !text_is_empty(from.as_ref());
            prop_assert_eq!(after, if copied { from } else { before });
            prop_assert_eq!(merged.copied_fields.iter().any(|field| field == name), copied);
        }
    }

    #[test]
    fn merged_priority_list_has_no_duplicates(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let priority = merge_contacts(destination, source).unwrap().contact.channel_priority;
        let distinct: BTreeSet<_> = priority.iter().collect();
        prop_assert_eq!(distinct.len(), priority.len());
    }

    #[test]
    fn moved_channels_rank_below_every_destination_channel(
        destination in contact_with_id("d"),
        source in contact_with_id("s"),
    ) {
        let own = channels(&destination.channel_identities);
        let merged = merge_contacts(destination, source).unwrap();
        let priority = &merged.contact.channel_priority;
        let position = |channel: &ConversationChannel| priority.iter().position(|listed| listed == channel);
        let moved: Vec<_> = merged.moved_identities.iter().map(|identity| identity.channel.clone()).collect();
        for channel in &moved {
            prop_assert!(position(channel).is_some(), "moved {channel} is not in {priority:?}");
        }
        if !moved.is_empty() {
            for channel in &own {
                prop_assert!(position(channel).is_some(), "own {channel} is not in {priority:?}");
            }
        }
        for channel in &moved {
            for own_channel in &own {
                prop_assert!(position(channel) > position(own_channel), "{channel} above {own_channel} in {priority:?}");
            }
        }
        // Moved channels appear in source order.
        let mut seen = BTreeSet::new();
        let order: Vec<_> = moved
            .iter()
            .filter(|channel| seen.insert((*channel).clone()))
            .map(position)
            .collect();
        prop_assert!(order.windows(2).all(|pair| pair[0] < pair[1]), "{priority:?}");
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
