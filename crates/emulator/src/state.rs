//! The mutable state behind one emulator, and the write operations shared by the API and the
//! emulator-only routes (so both fire the same callbacks).

use serde_json::json;
use sinch_contacts_model::{
    Contact, ContactCreateRequest, WebhookTrigger, find_duplicated_identities,
};

use crate::event_clock::EventClock;
use crate::ids::IdGenerator;
use crate::store::ContactStore;
use crate::tokens::Tokens;
use crate::webhooks::Notification;

/// Contacts, id generator, issued tokens and the clock of callback times.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) store: ContactStore,
    pub(crate) ids: IdGenerator,
    pub(crate) tokens: Tokens,
    /// The callbacks' `accepted_time`s; kept across [`reset`](crate::Emulator::reset) so they
    /// increase for the emulator's whole life.
    pub(crate) events: EventClock,
}

impl State {
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            store: ContactStore::default(),
            ids: IdGenerator::new(seed),
            tokens: Tokens::new(seed),
            events: EventClock::default(),
        }
    }

    /// Gives each notification its accepted time, in order: called with the state lock held, so
    /// the times increase in the order the changes were made.
    pub(crate) fn stamp(&mut self, notifications: &mut [Notification]) {
        for notification in notifications {
            notification.stamp(self.events.next(std::time::SystemTime::now()));
        }
    }

    /// Stores a new contact under a fresh id; returns it with the callbacks it causes.
    pub(crate) fn insert_new(&mut self, contact: Contact) -> (Contact, Vec<Notification>) {
        let contact = self.insert_quietly(contact);
        let mut notifications = vec![Notification::new(
            WebhookTrigger::ContactCreate,
            json!({ "contact": contact }),
        )];
        notifications.extend(self.new_duplications(None, &contact));
        (contact, notifications)
    }

    /// Stores a new contact under a fresh id, without callbacks (seeding); returns it.
    pub(crate) fn insert_quietly(&mut self, mut contact: Contact) -> Contact {
        contact.id = Some(self.ids.next_id());
        self.store.put(contact.clone());
        contact
    }

    /// CONTACT_IDENTITIES_DUPLICATION when `after` (just stored) shares a channel identity with
    /// another contact and did not share it, with the same contacts, as `before`. The model
    /// decides what counts as a duplicate ([`find_duplicated_identities`]).
    pub(crate) fn new_duplications(
        &self,
        before: Option<&[sinch_contacts_model::DuplicatedIdentity]>,
        after: &Contact,
    ) -> Option<Notification> {
        let current = self.duplications_of(after);
        let fresh: Vec<_> = current
            .into_iter()
            .filter(|duplicate| before.is_none_or(|known| !known.contains(duplicate)))
            .collect();
        if fresh.is_empty() {
            return None;
        }
        Some(duplication_notification(&fresh))
    }

    /// The duplicated identities that involve `contact`, as the store holds them now.
    pub(crate) fn duplications_of(
        &self,
        contact: &Contact,
    ) -> Vec<sinch_contacts_model::DuplicatedIdentity> {
        let Some(id) = contact.id.as_deref() else {
            return Vec::new();
        };
        let candidates = self.store.sharing_identities_with(contact);
        find_duplicated_identities(&candidates)
            .into_iter()
            .filter(|duplicate| duplicate.contact_ids.iter().any(|other| other == id))
            .collect()
    }
}

/// The contact a create request describes (without an id yet).
pub(crate) fn contact_from(request: ContactCreateRequest) -> Contact {
    let mut contact = Contact::default();
    contact.channel_identities = request.channel_identities;
    contact.channel_priority = request.channel_priority;
    contact.display_name = request.display_name;
    contact.email = request.email;
    contact.external_id = request.external_id;
    contact.language = Some(request.language);
    contact.metadata = request.metadata;
    contact
}

/// The official CONTACT_IDENTITIES_DUPLICATION shape: `duplicated_identities[{channel, contact_ids}]`.
pub(crate) fn duplication_notification(
    duplicates: &[sinch_contacts_model::DuplicatedIdentity],
) -> Notification {
    let listed: Vec<_> = duplicates
        .iter()
        .map(|duplicate| {
            json!({
                "channel": duplicate.channel,
                "contact_ids": duplicate.contact_ids,
            })
        })
        .collect();
    Notification::new(
        WebhookTrigger::ContactIdentitiesDuplication,
        json!({ "duplicated_identities": listed }),
    )
}
