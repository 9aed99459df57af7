//! Laws of `find_duplicated_identities` and `find_identity_conflicts`, against naive versions.

use std::collections::BTreeSet;

use proptest::collection::vec;
use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ConversationChannel, find_duplicated_identities,
    find_identity_conflicts,
};

use crate::strategies::contact;

/// Contacts with distinct ids; some have no id or an empty one.
fn contacts() -> impl Strategy<Value = Vec<Contact>> {
    vec((contact(), 0..5u8), 0..6).prop_map(|contacts| {
        contacts
            .into_iter()
            .enumerate()
            .map(|(index, (mut contact, kind))| {
                contact.id = match kind {
                    0 => None,
                    1 => Some(String::new()),
                    _ => Some(format!("c{index}")),
                };
                contact
            })
            .collect()
    })
}

type Key = (ConversationChannel, String, Option<String>);

fn key(identity: &ChannelIdentity) -> Key {
    let app_id = identity
        .app_id
        .clone()
        .filter(|app_id| identity.channel.is_app_scoped() && !app_id.is_empty());
    (identity.channel.clone(), identity.identity.clone(), app_id)
}

fn named(contacts: &[Contact]) -> impl Iterator<Item = (&str, &Contact)> {
    contacts.iter().filter_map(|contact| {
        contact
            .id
            .as_deref()
            .filter(|id| !id.is_empty())
            .map(|id| (id, contact))
    })
}

/// Every (channel, identity, scoped app) carried by two or more named contacts, with those contacts.
fn naive_duplicates(contacts: &[Contact]) -> Vec<(Key, Vec<String>)> {
    let keys: BTreeSet<Key> = named(contacts)
        .flat_map(|(_, contact)| contact.channel_identities.iter().map(key))
        .collect();
    keys.into_iter()
        .map(|candidate| {
            let ids: Vec<String> = named(contacts)
                .filter(|(_, contact)| {
                    contact
                        .channel_identities
                        .iter()
                        .any(|identity| key(identity) == candidate)
                })
                .map(|(id, _)| id.to_owned())
                .collect();
            (candidate, ids)
        })
        .filter(|(_, ids)| ids.len() > 1)
        .collect()
}

/// Every identity value carried on SMS, MMS or RCS by two or more named contacts.
fn naive_conflicts(contacts: &[Contact]) -> Vec<(String, Vec<ConversationChannel>, Vec<String>)> {
    let sim = |contact: &Contact| -> Vec<ChannelIdentity> {
        contact
            .channel_identities
            .iter()
            .filter(|identity| {
                matches!(
                    identity.channel,
                    ConversationChannel::Sms | ConversationChannel::Mms | ConversationChannel::Rcs
                )
            })
            .cloned()
            .collect()
    };
    let values: BTreeSet<String> = named(contacts)
        .flat_map(|(_, contact)| sim(contact).into_iter().map(|identity| identity.identity))
        .collect();
    values
        .into_iter()
        .map(|value| {
            let mut channels = BTreeSet::new();
            let mut ids = Vec::new();
            for (id, contact) in named(contacts) {
                let on: Vec<_> = sim(contact)
                    .into_iter()
                    .filter(|identity| identity.identity == value)
                    .collect();
                if !on.is_empty() {
                    ids.push(id.to_owned());
                    channels.extend(on.into_iter().map(|identity| identity.channel));
                }
            }
            (value, channels.into_iter().collect(), ids)
        })
        .filter(|(_, _, ids)| ids.len() > 1)
        .collect()
}

proptest! {
    #[test]
    fn every_reported_duplicate_is_on_every_listed_contact_and_none_is_missed(contacts in contacts()) {
        let found = find_duplicated_identities(&contacts);
        for duplicate in &found {
            prop_assert!(duplicate.contact_ids.len() >= 2);
            let wanted = (duplicate.channel.clone(), duplicate.identity.clone(), duplicate.app_id.clone());
            for id in &duplicate.contact_ids {
                let (_, contact) = named(&contacts).find(|(named_id, _)| named_id == id).unwrap();
                prop_assert!(contact.channel_identities.iter().any(|identity| key(identity) == wanted));
            }
        }
        let found: Vec<(Key, Vec<String>)> = found
            .into_iter()
            .map(|duplicate| ((duplicate.channel, duplicate.identity, duplicate.app_id), duplicate.contact_ids))
            .collect();
        prop_assert_eq!(found, naive_duplicates(&contacts));
    }

    #[test]
    fn every_reported_conflict_is_shared_on_sim_channels_and_none_is_missed(contacts in contacts()) {
        let found = find_identity_conflicts(&contacts);
        for conflict in &found {
            prop_assert!(conflict.contact_ids.len() >= 2);
            prop_assert!(conflict.channels.iter().all(ConversationChannel::is_sim_based));
        }
        let found: Vec<_> = found
            .into_iter()
            .map(|conflict| (conflict.identity.unwrap_or_default(), conflict.channels, conflict.contact_ids))
            .collect();
        prop_assert_eq!(found, naive_conflicts(&contacts));
    }
}

#[test]
fn app_id_separates_identities_only_on_app_scoped_channels() {
    let contact = |id: &str, channel: ConversationChannel, app_id: &str| {
        let mut identity = ChannelIdentity::new(channel, "same");
        identity.app_id = Some(app_id.to_owned());
        let mut contact = Contact::default();
        contact.id = Some(id.to_owned());
        contact.channel_identities = vec![identity];
        contact
    };
    let scoped = [
        contact("a", ConversationChannel::Messenger, "app1"),
        contact("b", ConversationChannel::Messenger, "app2"),
    ];
    assert!(find_duplicated_identities(&scoped).is_empty());
    let unscoped = [
        contact("a", ConversationChannel::Sms, "app1"),
        contact("b", ConversationChannel::Sms, "app2"),
    ];
    let duplicates = find_duplicated_identities(&unscoped);
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].app_id, None);
    assert_eq!(duplicates[0].contact_ids, ["a", "b"]);
}

#[test]
fn identities_compare_exactly_and_contacts_without_id_are_skipped() {
    let contact = |id: Option<&str>, identity: &str| {
        let mut contact = Contact::default();
        contact.id = id.map(str::to_owned);
        contact.channel_identities = vec![ChannelIdentity::new(ConversationChannel::Sms, identity)];
        contact
    };
    let contacts = [
        contact(Some("a"), "+46700"),
        contact(Some("b"), "46700"),
        contact(None, "+46700"),
    ];
    assert!(find_duplicated_identities(&contacts).is_empty());
    assert!(find_identity_conflicts(&contacts).is_empty());
}
