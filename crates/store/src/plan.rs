//! The plan of one group of deliveries, with no I/O: which rows the group reads (and, on
//! PostgreSQL, locks), and, from the rows read, what each delivery did and which rows to write.
//!
//! Deliveries are applied in order on an in-memory overlay of the rows read, with the callbacks
//! crate's [`compute_effect`], so a delivery sees the effect of every delivery before it in the
//! group exactly as if each had been committed alone. A delivery id already in the ledger, or
//! met earlier in the group, is [`Applied::AlreadyApplied`]. The writes are the final value of
//! each row changed, once per row (a multi-row upsert may not name a row twice), the new
//! duplication reports in the order they were first recorded, and one ledger entry per fresh
//! delivery.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use sinch_contacts_callbacks::Callback;
use sinch_contacts_callbacks::mirror::DuplicationRecord;
use sinch_contacts_callbacks::optout::{ConsentRecord, IdentityKey};
use sinch_contacts_callbacks::store::{
    Applied, ConsentRules, ContactState, DeliveryId, StateKeys, StateSlice, StoreError,
    compute_effect,
};

use crate::rows;

/// One unit of work: the deliveries of one `apply` (one) or one `apply_batch` (several), which
/// are committed together or not at all.
pub(crate) type Unit = [(DeliveryId, Callback)];

/// The rows a group of deliveries may read or write.
#[derive(Debug, Default)]
pub(crate) struct GroupKeys {
    /// Per delivery, in group order: its keys and the JSON keys of its duplications.
    per_delivery: Vec<(StateKeys, Vec<String>)>,
    /// Every delivery id of the group.
    pub(crate) deliveries: BTreeSet<String>,
    /// Every channel identity whose consent a delivery may change.
    pub(crate) identities: BTreeSet<IdentityKey>,
    /// Every contact id a delivery may change.
    pub(crate) contact_ids: BTreeSet<String>,
    /// The JSON keys of every duplicated identity reported.
    pub(crate) duplications: BTreeSet<String>,
}

impl GroupKeys {
    /// The keys of every delivery of `group`, in order.
    pub(crate) fn of(group: &[&Unit]) -> Result<Self, StoreError> {
        let mut all = GroupKeys::default();
        for (delivery, callback) in group.iter().flat_map(|unit| unit.iter()) {
            all.deliveries.insert(delivery.as_str().to_owned());
            let keys = StateKeys::of(callback);
            let mut duplications = Vec::new();
            if !keys.is_empty() {
                all.identities.extend(keys.identity.iter().cloned());
                all.contact_ids.extend(keys.contact_ids.iter().cloned());
                for duplicate in &keys.duplications {
                    let json = rows::duplication_key(duplicate)?;
                    all.duplications.insert(json.clone());
                    duplications.push(json);
                }
            }
            all.per_delivery.push((keys, duplications));
        }
        Ok(all)
    }

    /// Whether some delivery of the group reports duplicated identities (PostgreSQL then locks
    /// the duplication list).
    #[cfg_attr(not(feature = "postgres"), allow(dead_code))]
    pub(crate) fn reports_duplications(&self) -> bool {
        !self.duplications.is_empty()
    }
}

/// What the database holds for a group's keys, before the group.
#[derive(Debug, Default)]
pub(crate) struct Loaded {
    /// The group's delivery ids already in the ledger.
    pub(crate) applied: HashSet<String>,
    /// The consent records held, by identity.
    pub(crate) consents: HashMap<IdentityKey, ConsentRecord>,
    /// The contact rows held, by id.
    pub(crate) contacts: HashMap<String, ContactState>,
    /// The duplication keys already recorded.
    pub(crate) duplications: HashSet<String>,
}

/// The rows a group writes.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Writes {
    /// Consent records to insert or replace, once per identity.
    pub(crate) consents: BTreeMap<IdentityKey, ConsentRecord>,
    /// Contact rows to insert or replace, once per id.
    pub(crate) contacts: BTreeMap<String, ContactState>,
    /// New duplication reports (JSON key and record), in the order they were first recorded.
    pub(crate) duplications: Vec<(String, DuplicationRecord)>,
    /// Ledger entries: delivery id and trigger name, one per fresh delivery.
    pub(crate) ledger: Vec<(String, String)>,
}

/// What each unit of a group did (one [`Applied`] per delivery), and the rows to write.
#[derive(Debug)]
pub(crate) struct Planned {
    /// Per unit, per delivery.
    pub(crate) results: Vec<Vec<Applied>>,
    /// The rows to write.
    pub(crate) writes: Writes,
}

/// Applies `group` in order to `loaded`, the rows the database holds for `keys` (which must be
/// [`GroupKeys::of`] this group).
pub(crate) fn plan(
    rules: &ConsentRules,
    group: &[&Unit],
    keys: &GroupKeys,
    loaded: Loaded,
) -> Planned {
    let Loaded {
        mut applied,
        mut consents,
        mut contacts,
        mut duplications,
    } = loaded;
    let mut writes = Writes::default();
    // The rows changed; their final values are moved out of the overlay at the end.
    let mut changed_consents = BTreeSet::new();
    let mut changed_contacts = BTreeSet::new();
    let mut per_delivery = keys.per_delivery.iter();
    let mut results = Vec::with_capacity(group.len());
    for unit in group {
        let mut unit_results = Vec::with_capacity(unit.len());
        for (delivery, callback) in unit.iter() {
            let Some((keys, duplication_keys)) = per_delivery.next() else {
                unreachable!("GroupKeys::of names every delivery of the group");
            };
            if !applied.insert(delivery.as_str().to_owned()) {
                unit_results.push(Applied::AlreadyApplied);
                continue;
            }
            let mut slice = StateSlice::new();
            slice.consent = keys
                .identity
                .as_ref()
                .and_then(|key| consents.get(key).cloned());
            // Lent to the slice, and given back below: no copy of the contacts.
            slice.contacts = keys
                .contact_ids
                .iter()
                .filter_map(|id| contacts.remove_entry(id))
                .collect();
            slice.recorded_duplications = keys
                .duplications
                .iter()
                .zip(duplication_keys)
                .filter(|(_, json)| duplications.contains(json.as_str()))
                .map(|(duplicate, _)| duplicate.clone())
                .collect();
            let effect = compute_effect(rules, keys, &slice, callback);
            contacts.extend(slice.contacts);
            if !effect.writes_nothing() {
                if let Some((key, record)) = effect.consent {
                    changed_consents.insert(key.clone());
                    consents.insert(key, record);
                }
                for (id, state) in effect.contacts {
                    changed_contacts.insert(id.clone());
                    contacts.insert(id, state);
                }
                for record in effect.new_duplications {
                    // The effect only reports duplications of this callback's keys.
                    let position = keys
                        .duplications
                        .iter()
                        .position(|duplicate| *duplicate == record.duplicate);
                    if let Some(json) = position.map(|index| &duplication_keys[index])
                        && duplications.insert(json.clone())
                    {
                        writes.duplications.push((json.clone(), record));
                    }
                }
            }
            writes.ledger.push((
                delivery.as_str().to_owned(),
                callback.trigger().as_str().to_owned(),
            ));
            unit_results.push(Applied::Fresh {
                suppression: effect.suppression,
                mirror: effect.mirror,
            });
        }
        results.push(unit_results);
    }
    for key in changed_consents {
        if let Some(record) = consents.remove(&key) {
            writes.consents.insert(key, record);
        }
    }
    for id in changed_contacts {
        if let Some(state) = contacts.remove(&id) {
            writes.contacts.insert(id, state);
        }
    }
    Planned { results, writes }
}

#[cfg(test)]
mod tests;
