//! The behaviour every store shares: which rows a callback reads, and what it writes.
//!
//! A store loads the rows named by [`StateKeys::of`] into a [`StateSlice`], calls
//! [`compute_effect`], and persists the [`Effect`] (with its ledger entry) in one transaction.
//! The effect is computed by the in-memory [`SuppressionList`] and [`ContactMirror`] seeded with
//! the slice, so every backend follows the same rules as memory.

use crate::contact_types::ConversationChannel;
use crate::events::{Callback, DuplicatedIdentity, Event};
use crate::mirror::{ContactMirror, DuplicationRecord, MirrorChange, MirroredContact, Removal};
use crate::optout::{
    ConsentRecord, IdentityKey, KeywordClassifier, SuppressionList, SuppressionOutcome,
};

/// The consent rules of a store: the keyword classifier and the channels whose inbound texts
/// are classified (as [`SuppressionList::new`] and [`SuppressionList::with_text_channels`]).
#[derive(Debug, Clone, Default)]
pub struct ConsentRules {
    template: SuppressionList,
}

impl ConsentRules {
    /// Rules classifying inbound texts on SMS, MMS, RCS and WhatsApp with `classifier`.
    pub fn new(classifier: KeywordClassifier) -> Self {
        Self {
            template: SuppressionList::new(classifier),
        }
    }

    /// Replaces the channels whose inbound texts are classified.
    pub fn with_text_channels(
        self,
        channels: impl IntoIterator<Item = ConversationChannel>,
    ) -> Self {
        Self {
            template: self.template.with_text_channels(channels),
        }
    }

    /// An empty suppression list following these rules.
    pub fn empty_list(&self) -> SuppressionList {
        self.template.rules_only()
    }
}

/// The state of one contact id in a mirror.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ContactState {
    /// A live contact.
    Live(MirroredContact),
    /// Deleted or merged away (final: the API never reuses ids).
    Removed(Removal),
}

/// The rows a callback may read or write.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct StateKeys {
    /// The channel identity whose consent the callback may change.
    pub identity: Option<IdentityKey>,
    /// The contact ids it may change (sorted, without repeats).
    pub contact_ids: Vec<String>,
    /// The duplicated identities it reports.
    pub duplications: Vec<DuplicatedIdentity>,
}

impl StateKeys {
    /// The rows `callback` may touch.
    pub fn of(callback: &Callback) -> Self {
        let mut keys = StateKeys::default();
        match &callback.event {
            Event::MessageInbound(message) => {
                if let Some(identity) = &message.channel_identity {
                    keys.identity = Some(IdentityKey::new(
                        identity.channel.clone(),
                        identity.identity.clone(),
                    ));
                }
            }
            Event::OptIn(notification) => {
                keys.identity = opt_key(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                );
            }
            Event::OptOut(notification) => {
                keys.identity = opt_key(
                    notification.channel.as_ref(),
                    notification.identity.as_deref(),
                );
            }
            Event::ContactCreate(notification) | Event::ContactUpdate(notification) => {
                keys.contact_ids.extend(notification.contact.id.clone());
            }
            Event::ContactDelete(notification) => {
                keys.contact_ids
                    .extend(notification.contact_id().map(str::to_owned));
            }
            Event::ContactMerge(notification) => {
                keys.contact_ids
                    .extend(notification.preserved_contact.id.clone());
                keys.contact_ids
                    .extend(notification.deleted_contact_id().map(str::to_owned));
            }
            Event::ContactIdentitiesDuplication(notification) => {
                keys.duplications = notification.duplicated_identities.clone();
            }
            _ => {}
        }
        keys.contact_ids.sort();
        keys.contact_ids.dedup();
        keys
    }

    /// Whether the callback touches no state (only its ledger entry is written).
    pub fn is_empty(&self) -> bool {
        self.identity.is_none() && self.contact_ids.is_empty() && self.duplications.is_empty()
    }
}

fn opt_key(channel: Option<&ConversationChannel>, identity: Option<&str>) -> Option<IdentityKey> {
    match (channel, identity) {
        (Some(channel), Some(identity)) => Some(IdentityKey::new(channel.clone(), identity)),
        _ => None,
    }
}

/// What a store holds for the [`StateKeys`] of a callback, before applying it.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct StateSlice {
    /// The consent record of [`StateKeys::identity`], if the store has one.
    pub consent: Option<ConsentRecord>,
    /// The state of each of [`StateKeys::contact_ids`] the store knows.
    pub contacts: Vec<(String, ContactState)>,
    /// Those of [`StateKeys::duplications`] already recorded.
    pub recorded_duplications: Vec<DuplicatedIdentity>,
}

impl StateSlice {
    /// An empty slice (the store holds none of the rows).
    pub fn new() -> Self {
        Self::default()
    }
}

/// The rows to write for one callback, and what it did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Effect {
    /// The consent record to write (insert or replace), when it changed.
    pub consent: Option<(IdentityKey, ConsentRecord)>,
    /// The contact rows to write (insert or replace), when they changed.
    pub contacts: Vec<(String, ContactState)>,
    /// Duplication records to add.
    pub new_duplications: Vec<DuplicationRecord>,
    /// What the suppression list did.
    pub suppression: SuppressionOutcome,
    /// What the mirror did.
    pub mirror: MirrorChange,
}

impl Effect {
    /// Whether nothing is to be written besides the ledger entry.
    pub fn writes_nothing(&self) -> bool {
        self.consent.is_none() && self.contacts.is_empty() && self.new_duplications.is_empty()
    }
}

/// Computes what `callback` changes in the rows `slice` holds for `keys` (which must be
/// [`StateKeys::of`] this callback), with the in-memory rules.
pub fn compute_effect(
    rules: &ConsentRules,
    keys: &StateKeys,
    slice: &StateSlice,
    callback: &Callback,
) -> Effect {
    let mut list = rules.empty_list();
    if let (Some(key), Some(record)) = (&keys.identity, &slice.consent) {
        list.seed(key.clone(), record.clone());
    }
    let suppression = list.apply(callback);
    let consent = keys.identity.as_ref().and_then(|key| {
        let after = list.record_of(key)?;
        (Some(after) != slice.consent.as_ref()).then(|| (key.clone(), after.clone()))
    });

    let mut mirror = ContactMirror::new();
    for (id, state) in &slice.contacts {
        match state {
            ContactState::Live(entry) => mirror.seed_live(id.clone(), entry.clone()),
            ContactState::Removed(removal) => mirror.seed_removed(id.clone(), removal.clone()),
        }
    }
    for duplicate in &slice.recorded_duplications {
        mirror.seed_duplication(DuplicationRecord::new(duplicate.clone(), None));
    }
    let seeded_duplications = mirror.duplications().len();
    let change = mirror.apply(callback);
    let mut contacts = Vec::new();
    for id in &keys.contact_ids {
        let after = match (mirror.entry(id), mirror.removal(id)) {
            (Some(entry), _) => ContactState::Live(entry.clone()),
            (None, Some(removal)) => ContactState::Removed(removal.clone()),
            (None, None) => continue,
        };
        let before = slice
            .contacts
            .iter()
            .find(|(known, _)| known == id)
            .map(|(_, s)| s);
        if before != Some(&after) {
            contacts.push((id.clone(), after));
        }
    }
    let new_duplications = mirror.duplications()[seeded_duplications..].to_vec();
    Effect {
        consent,
        contacts,
        new_duplications,
        suppression,
        mirror: change,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::DuplicatedIdentity;
    use crate::mirror::{MirrorChange, Removal};
    use crate::optout::{Consent, ConsentSource, IgnoredReason};
    use crate::parse::parse_unverified;

    fn callback(event: &str) -> Callback {
        let body = format!(r#"{{"app_id":"a","project_id":"p",{event}}}"#);
        parse_unverified(body.as_bytes()).expect("the test body parses")
    }

    fn sms(identity: &str) -> IdentityKey {
        IdentityKey::new(ConversationChannel::Sms, identity)
    }

    fn duplicated(identity: &str) -> DuplicatedIdentity {
        serde_json::from_str(&format!(
            r#"{{"channel":"SMS","identity":"{identity}","contact_ids":["c1","c2"]}}"#
        ))
        .expect("a duplicated identity")
    }

    #[test]
    fn each_trigger_names_the_rows_the_documented_rules_touch() {
        let inbound = callback(
            r#""message":{"channel_identity":{"channel":"SMS","identity":"461"},"contact_message":{"text_message":{"text":"hi"}}}"#,
        );
        assert_eq!(StateKeys::of(&inbound).identity, Some(sms("461")));
        let opt_out = callback(
            r#""opt_out_notification":{"channel":"SMS","identity":"462","status":"OPT_OUT_SUCCEEDED"}"#,
        );
        assert_eq!(StateKeys::of(&opt_out).identity, Some(sms("462")));
        let opt_in = callback(
            r#""opt_in_notification":{"channel":"SMS","identity":"463","status":"OPT_IN_SUCCEEDED"}"#,
        );
        assert_eq!(StateKeys::of(&opt_in).identity, Some(sms("463")));
        // An opt notification without its identity names no row.
        let opt_without = callback(r#""opt_out_notification":{"channel":"SMS"}"#);
        assert!(StateKeys::of(&opt_without).is_empty());
        let create = callback(r#""contact_create_notification":{"contact":{"id":"c9"}}"#);
        assert_eq!(StateKeys::of(&create).contact_ids, ["c9"]);
        let update = callback(r#""contact_update_notification":{"contact":{"id":"c8"}}"#);
        assert_eq!(StateKeys::of(&update).contact_ids, ["c8"]);
        let delete = callback(r#""contact_delete_notification":{"contact_id":"c7"}"#);
        assert_eq!(StateKeys::of(&delete).contact_ids, ["c7"]);
        // Sorted, once each: the merge of b into a, and of a into a.
        let merge = callback(
            r#""contact_merge_notification":{"deleted_contact_id":"b","preserved_contact":{"id":"a"}}"#,
        );
        assert_eq!(StateKeys::of(&merge).contact_ids, ["a", "b"]);
        let self_merge = callback(
            r#""contact_merge_notification":{"deleted_contact_id":"a","preserved_contact":{"id":"a"}}"#,
        );
        assert_eq!(StateKeys::of(&self_merge).contact_ids, ["a"]);
        let duplication = callback(
            r#""duplicated_contact_identities_notification":{"duplicated_identities":[{"channel":"SMS","identity":"464","contact_ids":["c1","c2"]}]}"#,
        );
        let keys = StateKeys::of(&duplication);
        assert_eq!(keys.duplications, [duplicated("464")]);
        assert!(keys.identity.is_none() && keys.contact_ids.is_empty());
        let capability = callback(
            r#""capability_notification":{"contact_id":"c1","identity":"465","channel":"WHATSAPP","capability_status":"CAPABILITY_FULL"}"#,
        );
        assert_eq!(StateKeys::of(&capability), StateKeys::default());
    }

    #[test]
    fn keys_are_empty_only_when_no_kind_of_row_is_named() {
        assert!(StateKeys::default().is_empty());
        let only_identity = StateKeys {
            identity: Some(sms("1")),
            ..StateKeys::default()
        };
        let only_contact = StateKeys {
            contact_ids: vec!["c1".to_owned()],
            ..StateKeys::default()
        };
        let only_duplication = StateKeys {
            duplications: vec![duplicated("2")],
            ..StateKeys::default()
        };
        for keys in [only_identity, only_contact, only_duplication] {
            assert!(!keys.is_empty(), "{keys:?}");
        }
    }

    fn nothing_written() -> Effect {
        Effect {
            consent: None,
            contacts: Vec::new(),
            new_duplications: Vec::new(),
            suppression: SuppressionOutcome::Ignored(IgnoredReason::NotConsentRelated),
            mirror: MirrorChange::NotApplicable,
        }
    }

    #[test]
    fn an_effect_writes_nothing_only_when_no_kind_of_row_changed() {
        assert!(nothing_written().writes_nothing());
        let consent = Effect {
            consent: Some((
                sms("1"),
                ConsentRecord::new(Consent::OptedOut, None, ConsentSource::Keyword),
            )),
            ..nothing_written()
        };
        let contact = Effect {
            contacts: vec![(
                "c1".to_owned(),
                ContactState::Removed(Removal::new(None, None)),
            )],
            ..nothing_written()
        };
        let duplication = Effect {
            new_duplications: vec![DuplicationRecord::new(duplicated("3"), None)],
            ..nothing_written()
        };
        for effect in [consent, contact, duplication] {
            assert!(!effect.writes_nothing(), "{effect:?}");
        }
    }

    #[test]
    fn a_duplication_already_recorded_is_not_recorded_again() {
        let report = callback(
            r#""duplicated_contact_identities_notification":{"duplicated_identities":[{"channel":"SMS","identity":"466","contact_ids":["c1","c2"]}]}"#,
        );
        let keys = StateKeys::of(&report);
        let fresh = compute_effect(&ConsentRules::default(), &keys, &StateSlice::new(), &report);
        assert_eq!(fresh.new_duplications.len(), 1);
        assert_eq!(fresh.mirror, MirrorChange::DuplicationsRecorded(1));
        let mut slice = StateSlice::new();
        slice.recorded_duplications = vec![duplicated("466")];
        let again = compute_effect(&ConsentRules::default(), &keys, &slice, &report);
        assert!(again.writes_nothing(), "{again:?}");
    }

    #[test]
    fn the_rules_own_keywords_decide_and_an_empty_list_follows_them() {
        let classifier =
            crate::optout::KeywordClassifier::default().with_opt_out_keywords(["ARRET"]);
        let rules = ConsentRules::new(classifier);
        let stop = callback(
            r#""message":{"channel_identity":{"channel":"SMS","identity":"467"},"contact_message":{"text_message":{"text":"ARRET"}}}"#,
        );
        let effect = compute_effect(&rules, &StateKeys::of(&stop), &StateSlice::new(), &stop);
        assert_eq!(effect.suppression, SuppressionOutcome::OptedOut(sms("467")));
        let mut list = rules.empty_list();
        assert_eq!(list.apply(&stop), SuppressionOutcome::OptedOut(sms("467")));
        // Only SMS texts are classified when the rules say so.
        let whatsapp_only =
            ConsentRules::default().with_text_channels([ConversationChannel::Whatsapp]);
        let ignored = compute_effect(
            &whatsapp_only,
            &StateKeys::of(&stop),
            &StateSlice::new(),
            &stop,
        );
        assert_eq!(
            ignored.suppression,
            SuppressionOutcome::Ignored(IgnoredReason::NotATextChannel)
        );
    }
}
