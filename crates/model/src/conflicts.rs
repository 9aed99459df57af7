//! Identities shared by several contacts: what the CONTACT_IDENTITIES_DUPLICATION callback
//! reports, and what `contacts:identityConflicts` lists.

use std::collections::BTreeMap;

use crate::{Contact, ConversationChannel, IdentityConflict};

/// One channel identity found on several contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DuplicatedIdentity {
    /// The channel.
    pub channel: ConversationChannel,
    /// The identity on that channel.
    pub identity: String,
    /// The app, for app-scoped channels (where the same identity in different apps is different).
    pub app_id: Option<String>,
    /// The contacts that carry it, in the order given.
    pub contact_ids: Vec<String>,
}

/// The channel identities carried by more than one contact, sorted by channel, identity and app.
/// Identities compare exactly (no number normalization); `app_id` counts only on app-scoped
/// channels. Contacts without an id are skipped: they cannot be named in a report.
///
/// ```
/// use sinch_contacts_model::{find_duplicated_identities, ChannelIdentity, Contact, ConversationChannel};
///
/// let mut a = Contact::default();
/// a.id = Some("a".to_owned());
/// a.channel_identities = vec![ChannelIdentity::new(ConversationChannel::Sms, "+1555")];
/// let mut b = a.clone();
/// b.id = Some("b".to_owned());
/// let duplicates = find_duplicated_identities(&[a, b]);
/// assert_eq!(duplicates[0].contact_ids, ["a", "b"]);
/// ```
pub fn find_duplicated_identities(contacts: &[Contact]) -> Vec<DuplicatedIdentity> {
    let mut groups: BTreeMap<(ConversationChannel, String, Option<String>), Vec<String>> =
        BTreeMap::new();
    for contact in contacts {
        let Some(id) = contact.id.as_ref().filter(|id| !id.is_empty()) else {
            continue;
        };
        for identity in &contact.channel_identities {
            let app_id = identity
                .app_id
                .clone()
                .filter(|app_id| identity.channel.is_app_scoped() && !app_id.is_empty());
            let ids = groups
                .entry((identity.channel.clone(), identity.identity.clone(), app_id))
                .or_default();
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    groups
        .into_iter()
        .filter(|(_, contact_ids)| contact_ids.len() > 1)
        .map(
            |((channel, identity, app_id), contact_ids)| DuplicatedIdentity {
                channel,
                identity,
                app_id,
                contact_ids,
            },
        )
        .collect()
}

/// Identity values (for example a phone number) that several contacts carry across the
/// SIM-based channels SMS, MMS and RCS, sorted by identity; each lists the channels it occurs
/// on (in channel order) and the contacts (in the order given).
pub fn find_identity_conflicts(contacts: &[Contact]) -> Vec<IdentityConflict> {
    let mut groups: BTreeMap<String, (Vec<ConversationChannel>, Vec<String>)> = BTreeMap::new();
    for contact in contacts {
        let Some(id) = contact.id.as_ref().filter(|id| !id.is_empty()) else {
            continue;
        };
        for identity in contact
            .channel_identities
            .iter()
            .filter(|identity| identity.channel.is_sim_based())
        {
            let (channels, ids) = groups.entry(identity.identity.clone()).or_default();
            if !channels.contains(&identity.channel) {
                channels.push(identity.channel.clone());
            }
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
    }
    groups
        .into_iter()
        .filter(|(_, (_, contact_ids))| contact_ids.len() > 1)
        .map(|(identity, (mut channels, contact_ids))| {
            channels.sort();
            IdentityConflict {
                identity: Some(identity),
                channels,
                contact_ids,
            }
        })
        .collect()
}
