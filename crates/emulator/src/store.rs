//! The contact store: contacts in a hash map by id (a lookup costs the same whatever the number
//! of contacts), the ids in order (ids increase with creation) for paging, plus indexes by
//! external id and by channel identity, so get, update, merge and filtered lists cost the same
//! whatever the number of contacts stored.

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use sinch_contacts_model::{Contact, ContactFilter};

/// The key of the channel-identity index: channel name and identity.
type IdentityKey = (String, String);

/// Contacts with their indexes.
#[derive(Debug, Default)]
pub(crate) struct ContactStore {
    by_id: HashMap<String, Contact>,
    in_order: BTreeSet<String>,
    by_external_id: HashMap<String, BTreeSet<String>>,
    by_identity: HashMap<IdentityKey, BTreeSet<String>>,
}

/// One page of a listing.
#[derive(Debug)]
pub(crate) struct Page<T> {
    pub(crate) items: Vec<T>,
    /// The key of the last item when more items follow it.
    pub(crate) continue_after: Option<String>,
}

impl ContactStore {
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }

    pub(crate) fn clear(&mut self) {
        *self = Self::default();
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Contact> {
        self.by_id.get(id)
    }

    /// Stores `contact` (which must carry its id), replacing the one with the same id. A
    /// replacement keeps its place in the id order untouched.
    pub(crate) fn put(&mut self, contact: Contact) {
        let Some(id) = contact.id.clone() else {
            return;
        };
        match self.by_id.remove(&id) {
            Some(old) => self.unindex(&id, &old),
            None => {
                self.in_order.insert(id.clone());
            }
        }
        if let Some(external_id) = contact
            .external_id
            .as_ref()
            .filter(|value| !value.is_empty())
        {
            self.by_external_id
                .entry(external_id.clone())
                .or_default()
                .insert(id.clone());
        }
        for key in identity_keys(&contact) {
            self.by_identity.entry(key).or_default().insert(id.clone());
        }
        self.by_id.insert(id, contact);
    }

    /// Removes and returns the contact with this id.
    pub(crate) fn remove(&mut self, id: &str) -> Option<Contact> {
        let contact = self.by_id.remove(id)?;
        self.in_order.remove(id);
        self.unindex(id, &contact);
        Some(contact)
    }

    /// Removes `contact` from the external-id and identity indexes.
    fn unindex(&mut self, id: &str, contact: &Contact) {
        if let Some(external_id) = contact.external_id.as_ref()
            && let Some(ids) = self.by_external_id.get_mut(external_id)
        {
            ids.remove(id);
            if ids.is_empty() {
                self.by_external_id.remove(external_id);
            }
        }
        for key in identity_keys(contact) {
            if let Some(ids) = self.by_identity.get_mut(&key) {
                ids.remove(id);
                if ids.is_empty() {
                    self.by_identity.remove(&key);
                }
            }
        }
    }

    /// The ids of the contacts with this identity on this channel, in id order.
    pub(crate) fn ids_with_identity(&self, channel: &str, identity: &str) -> Vec<String> {
        self.by_identity
            .get(&(channel.to_owned(), identity.to_owned()))
            .map(|ids| ids.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Every contact that shares a channel identity with `contact` (itself included if stored).
    pub(crate) fn sharing_identities_with(&self, contact: &Contact) -> Vec<Contact> {
        let mut ids = BTreeSet::new();
        for key in identity_keys(contact) {
            if let Some(found) = self.by_identity.get(&key) {
                ids.extend(found.iter().cloned());
            }
        }
        ids.iter()
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect()
    }

    /// Every contact, in id order.
    pub(crate) fn all(&self) -> impl Iterator<Item = &Contact> {
        self.in_order.iter().filter_map(|id| self.by_id.get(id))
    }

    /// Up to `size` contacts matching `filter` whose id comes after `after`, in id order.
    pub(crate) fn page(
        &self,
        filter: Option<&ContactFilter>,
        after: Option<&str>,
        size: usize,
    ) -> Page<Contact> {
        let lower = after.map_or(Bound::Unbounded, |id| Bound::Excluded(id.to_owned()));
        let range = (lower, Bound::Unbounded);
        let ids: Vec<&String> = match filter {
            None => self.in_order.range(range).take(size + 1).collect(),
            Some(ContactFilter::ExternalId(external_id)) => self
                .by_external_id
                .get(external_id)
                .map(|ids| ids.range(range).take(size + 1).collect())
                .unwrap_or_default(),
            Some(ContactFilter::ChannelIdentity { channel, identity }) => self
                .by_identity
                .get(&(channel.as_str().to_owned(), identity.clone()))
                .map(|ids| ids.range(range).take(size + 1).collect())
                .unwrap_or_default(),
        };
        let more = ids.len() > size;
        let items: Vec<Contact> = ids
            .into_iter()
            .take(size)
            .filter_map(|id| self.by_id.get(id).cloned())
            .collect();
        let continue_after = if more {
            items.last().and_then(|contact| contact.id.clone())
        } else {
            None
        };
        Page {
            items,
            continue_after,
        }
    }
}

fn identity_keys(contact: &Contact) -> BTreeSet<IdentityKey> {
    contact
        .channel_identities
        .iter()
        .map(|identity| {
            (
                identity.channel.as_str().to_owned(),
                identity.identity.clone(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_contacts_model::{ChannelIdentity, ConversationChannel};

    fn contact(id: &str, external_id: Option<&str>, phone: &str) -> Contact {
        let mut contact = Contact::default();
        contact.id = Some(id.to_owned());
        contact.external_id = external_id.map(str::to_owned);
        contact.channel_identities = vec![ChannelIdentity::new(ConversationChannel::Sms, phone)];
        contact
    }

    fn ids(page: &Page<Contact>) -> Vec<&str> {
        page.items.iter().filter_map(|c| c.id.as_deref()).collect()
    }

    #[test]
    fn indexes_follow_replacements_and_removals() {
        let mut store = ContactStore::default();
        store.put(contact("a", Some("x"), "+1"));
        store.put(contact("b", Some("x"), "+1"));
        store.put(contact("a", Some("y"), "+2"));
        let by_x = store.page(Some(&ContactFilter::external_id("x")), None, 10);
        assert_eq!(ids(&by_x), ["b"]);
        assert_eq!(store.ids_with_identity("SMS", "+2"), ["a"]);
        store.remove("b");
        assert!(store.ids_with_identity("SMS", "+1").is_empty());
        assert!(store.by_external_id.is_empty() || !store.by_external_id.contains_key("x"));
    }

    #[test]
    fn pages_continue_after_the_last_id() {
        let mut store = ContactStore::default();
        for id in ["a", "b", "c", "d", "e"] {
            store.put(contact(id, None, id));
        }
        let first = store.page(None, None, 2);
        assert_eq!(ids(&first), ["a", "b"]);
        assert_eq!(first.continue_after.as_deref(), Some("b"));
        store.remove("b");
        let second = store.page(None, Some("b"), 2);
        assert_eq!(ids(&second), ["c", "d"]);
        let last = store.page(None, Some("d"), 2);
        assert_eq!(ids(&last), ["e"]);
        assert_eq!(last.continue_after, None);
    }
}
