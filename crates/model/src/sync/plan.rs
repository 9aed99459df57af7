//! The planning function.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::compare::{IdentityKey, diff, identity_key};
use super::{Columns, Conflict, Delete, DesiredContact, SyncPlan, Update};
use crate::validate::{FieldValues, validate_values};
use crate::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactField, ContactLanguage, ValidationError,
    validate_create,
};

/// Options of [`plan`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PlanOptions {
    /// Delete contacts whose `external_id` the source does not have. Off by default: without it
    /// a plan never deletes.
    pub delete_missing: bool,
}

/// Bad input: the source cannot be planned at all. Rows are counted from 0.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A row without `external_id` (or with an empty one).
    #[error("row {row}: no external_id")]
    MissingExternalId {
        /// The row.
        row: usize,
    },
    /// Two rows with one `external_id`.
    #[error("row {row}: external_id `{external_id}` is already the key of row {first_row}")]
    DuplicateExternalId {
        /// The later row.
        row: usize,
        /// The earlier row.
        first_row: usize,
        /// The key.
        external_id: String,
    },
    /// Two rows with one channel identity: whichever is applied, the other conflicts.
    #[error(
        "row {row} (external_id `{external_id}`): the channel identity {channel} `{identity}` is also in row {first_row} (external_id `{first_external_id}`)",
        channel = identity.channel.as_str(),
        identity = identity.identity
    )]
    SharedIdentity {
        /// The later row.
        row: usize,
        /// Its key.
        external_id: String,
        /// The earlier row.
        first_row: usize,
        /// Its key.
        first_external_id: String,
        /// The identity.
        identity: Box<ChannelIdentity>,
    },
    /// A row whose values (within the columns) the API would refuse, or a row to create that
    /// does not make a valid create (for example without a channel identity or a language).
    #[error("row {row} (external_id `{external_id}`): {error}")]
    Invalid {
        /// The row.
        row: usize,
        /// Its key.
        external_id: String,
        /// What is wrong, field by field.
        error: ValidationError,
    },
}

/// The contacts (by index) holding one key or one identity: most hold it alone, so one index
/// needs no allocation.
#[derive(Debug, Clone)]
enum Indices {
    One(usize),
    Many(Vec<usize>),
}

impl Indices {
    /// Adds `index`, unless it is the last one added (a contact listing an identity twice).
    fn push(&mut self, index: usize) {
        match self {
            Self::One(first) if *first == index => {}
            Self::One(first) => *self = Self::Many(vec![*first, index]),
            Self::Many(indices) if indices.last() == Some(&index) => {}
            Self::Many(indices) => indices.push(index),
        }
    }

    fn as_slice(&self) -> &[usize] {
        match self {
            Self::One(index) => std::slice::from_ref(index),
            Self::Many(indices) => indices,
        }
    }
}

/// Adds `index` under `key`.
fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Indices>, key: K, index: usize) {
    map.entry(key)
        .and_modify(|indices| indices.push(index))
        .or_insert(Indices::One(index));
}

/// How a row pairs with the current contacts.
enum Pairing {
    /// No contact has the key.
    New,
    /// One contact (its index) has it.
    One(usize),
    /// Several have it.
    Shared,
}

/// Plans how to make Sinch's contacts (`current`) equal to the source (`desired`, within its
/// `columns`).
///
/// - **create** for a row whose `external_id` no contact has: a create request with the row's
///   columns and the key;
/// - **update** for a row whose contact differs in a column: a patch naming exactly the
///   differing fields;
/// - **delete** for a contact with an `external_id` no row has, only with
///   [`PlanOptions::delete_missing`]; a contact without `external_id` is never deleted;
/// - **conflicts**, left alone: several contacts with one `external_id`
///   ([`Conflict::SharedExternalId`]); a row's identity held by another contact that keeps it
///   after the plan ([`Conflict::IdentityHeld`]);
/// - **unchanged**: rows equal to their contact.
///
/// Comparison: `channel_identities` as a set of (channel, identity, and `app_id` on app-scoped
/// channels), since the API gives their order no meaning; `channel_priority` as a list, since
/// its order is the order channels are tried; strings and the language with empty meaning
/// absent. `external_id` is the key and never changes; fields outside `columns` are never read
/// nor written.
///
/// # Errors
///
/// [`PlanError`] for bad input, before anything is planned: a row without `external_id`, a
/// duplicate `external_id`, an identity in two rows, a row the crate's validation refuses.
///
/// # Example
///
/// ```
/// use sinch_contacts_model::{
///     plan, ChannelIdentity, Columns, Contact, ContactField, ConversationChannel,
///     DesiredContact, PlanOptions,
/// };
///
/// let mut ada = Contact::default();
/// ada.id = Some("01A".to_owned());
/// ada.external_id = Some("crm-1".to_owned());
/// ada.display_name = Some("Ada".to_owned());
/// ada.metadata = Some("kept: no column".to_owned());
/// let mut gone = Contact::default();
/// gone.id = Some("01G".to_owned());
/// gone.external_id = Some("crm-9".to_owned());
///
/// let columns = Columns::new([ContactField::DisplayName, ContactField::ChannelIdentities]);
/// let sms = |number: &str| ChannelIdentity::new(ConversationChannel::Sms, number);
/// let rows = [
///     DesiredContact::new("crm-1").with_display_name("Ada L.").with_identity(sms("+1555")),
///     DesiredContact::new("crm-2").with_display_name("Bob").with_identity(sms("+1666")),
/// ];
/// let options = PlanOptions { delete_missing: true };
/// // `crm-2` would be created but has no language: the source needs that column to create.
/// assert!(plan(&rows, &columns, &[ada.clone(), gone.clone()], &options).is_err());
///
/// let columns = columns.with(ContactField::Language);
/// let rows = rows.map(|row| row.with_language(sinch_contacts_model::ContactLanguage::EnUs));
/// let plan = plan(&rows, &columns, &[ada, gone], &options).unwrap();
/// assert_eq!(plan.creates[0].external_id.as_deref(), Some("crm-2"));
/// assert_eq!(plan.updates[0].contact_id, "01A");
/// assert_eq!(
///     plan.updates[0].patch.mask().to_query_value(),
///     "channel_identities,display_name,language"
/// );
/// assert_eq!(plan.deletes[0].contact_id, "01G");
/// assert!(plan.conflicts.is_empty());
/// ```
pub fn plan(
    desired: &[DesiredContact],
    columns: &Columns,
    current: &[Contact],
    options: &PlanOptions,
) -> Result<SyncPlan, PlanError> {
    check_source(desired, columns)?.plan(current, options)
}

/// A source whose rows passed [`check_source`]: it plans against the current contacts without
/// checking its rows again.
#[derive(Debug, Clone)]
pub struct CheckedSource<'a> {
    desired: &'a [DesiredContact],
    columns: &'a Columns,
    keys: Vec<&'a str>,
    rows_by_key: HashMap<&'a str, usize>,
}

impl<'a> CheckedSource<'a> {
    /// The rows.
    pub fn rows(&self) -> &'a [DesiredContact] {
        self.desired
    }

    /// The columns.
    pub fn columns(&self) -> &'a Columns {
        self.columns
    }

    /// [`plan`] of these rows against `current`.
    ///
    /// # Errors
    ///
    /// [`PlanError::Invalid`] for a row to create that does not make a valid create (the one
    /// check that needs the current contacts).
    pub fn plan(&self, current: &[Contact], options: &PlanOptions) -> Result<SyncPlan, PlanError> {
        plan_checked(self, current, options)
    }
}

fn plan_checked(
    source: &CheckedSource<'_>,
    current: &[Contact],
    options: &PlanOptions,
) -> Result<SyncPlan, PlanError> {
    let CheckedSource {
        desired,
        columns,
        keys,
        rows_by_key,
    } = source;
    let (desired, columns) = (*desired, *columns);

    let mut by_key: HashMap<&str, Indices> = HashMap::with_capacity(current.len());
    for (index, contact) in current.iter().enumerate() {
        if let Some(key) = external_id(contact) {
            add(&mut by_key, key, index);
        }
    }
    let pairings: Vec<Pairing> = keys
        .iter()
        .map(|key| match by_key.get(key).map(Indices::as_slice) {
            None | Some([]) => Pairing::New,
            Some([index]) => Pairing::One(*index),
            Some(_) => Pairing::Shared,
        })
        .collect();

    let mut creates_by_row = BTreeMap::new();
    for (row, pairing) in pairings.iter().enumerate() {
        if matches!(pairing, Pairing::New) {
            let request = create_request(&desired[row], columns, keys[row]);
            validate_create(&request).map_err(|error| PlanError::Invalid {
                row,
                external_id: keys[row].to_owned(),
                error,
            })?;
            creates_by_row.insert(row, request);
        }
    }

    let deleted: BTreeSet<usize> = if options.delete_missing {
        by_key
            .iter()
            .filter_map(|(key, holders)| match holders {
                Indices::One(index) if !rows_by_key.contains_key(key) => Some(*index),
                _ => None,
            })
            .collect()
    } else {
        BTreeSet::new()
    };

    let held = identity_conflicts(desired, columns, current, keys, &pairings, &deleted);

    let mut plan = SyncPlan::default();
    // Shared keys in key order.
    let mut shared: Vec<(&str, &[usize])> = by_key
        .iter()
        .filter_map(|(key, holders)| match holders {
            Indices::Many(indices) => Some((*key, indices.as_slice())),
            Indices::One(_) => None,
        })
        .collect();
    shared.sort_unstable();
    for (key, holders) in shared {
        plan.conflicts.push(Conflict::SharedExternalId {
            external_id: key.to_owned(),
            contact_ids: holders
                .iter()
                .map(|&index| contact_id(&current[index]))
                .collect(),
        });
    }
    for (row, pairing) in pairings.iter().enumerate() {
        if let Some(conflicts) = held.get(&row) {
            plan.conflicts.extend(conflicts.iter().cloned());
            continue;
        }
        match pairing {
            Pairing::Shared => {}
            Pairing::New => {
                if let Some(request) = creates_by_row.remove(&row) {
                    plan.creates.push(request);
                }
            }
            Pairing::One(index) => {
                let contact = &current[*index];
                let (patch, changes) = diff(&desired[row], columns, contact);
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.updates.push(Update {
                        contact_id: contact_id(contact),
                        external_id: keys[row].to_owned(),
                        patch,
                        changes,
                    });
                }
            }
        }
    }
    plan.deletes = deleted
        .iter()
        .map(|&index| Delete {
            contact_id: contact_id(&current[index]),
            external_id: external_id(&current[index]).unwrap_or_default().to_owned(),
        })
        .collect();
    Ok(plan)
}

/// Checks the source alone, as [`plan`] does before looking at the current contacts: every row
/// has an `external_id`, no key and no channel identity is in two rows, and each row's values
/// (within `columns`) pass the crate's validation of an update. So bad input can be refused
/// before the current contacts are read.
///
/// What it cannot check without them: whether a row to create makes a valid create (a
/// language, an identity); [`CheckedSource::plan`] does, without checking the rest again.
///
/// # Errors
///
/// The first bad row, as [`plan`] would report it.
///
/// ```
/// use sinch_contacts_model::{check_source, Columns, ContactField, DesiredContact, PlanError};
///
/// let columns = Columns::new([ContactField::DisplayName]);
/// let rows = [DesiredContact::new("a"), DesiredContact::new("a")];
/// assert!(matches!(
///     check_source(&rows, &columns),
///     Err(PlanError::DuplicateExternalId { row: 1, first_row: 0, .. })
/// ));
/// ```
pub fn check_source<'a>(
    desired: &'a [DesiredContact],
    columns: &'a Columns,
) -> Result<CheckedSource<'a>, PlanError> {
    let (keys, rows_by_key) = check_rows(desired, columns)?;
    Ok(CheckedSource {
        desired,
        columns,
        keys,
        rows_by_key,
    })
}

/// The key of a contact: its `external_id`, unless empty.
fn external_id(contact: &Contact) -> Option<&str> {
    contact.external_id.as_deref().filter(|key| !key.is_empty())
}

/// Contacts read from the API always carry an id; one without is named by an empty string.
fn contact_id(contact: &Contact) -> String {
    contact.id.clone().unwrap_or_default()
}

/// The keys of the rows, in row order, and the row of each key.
type CheckedRows<'a> = (Vec<&'a str>, HashMap<&'a str, usize>);

/// Every row has a key, no key or identity is in two rows, and each row's values (within the
/// columns) pass the crate's validation of an update. Returns the keys.
fn check_rows<'a>(
    desired: &'a [DesiredContact],
    columns: &Columns,
) -> Result<CheckedRows<'a>, PlanError> {
    let mut keys: Vec<&'a str> = Vec::with_capacity(desired.len());
    let mut rows_by_key: HashMap<&str, usize> = HashMap::with_capacity(desired.len());
    let mut rows_by_identity: HashMap<IdentityKey<'_>, usize> = HashMap::new();
    for (row, contact) in desired.iter().enumerate() {
        let Some(key) = contact.external_id.as_deref().filter(|key| !key.is_empty()) else {
            return Err(PlanError::MissingExternalId { row });
        };
        if let Some(&first_row) = rows_by_key.get(key) {
            return Err(PlanError::DuplicateExternalId {
                row,
                first_row,
                external_id: key.to_owned(),
            });
        }
        rows_by_key.insert(key, row);
        validate_values(&column_values(contact, columns)).map_err(|error| PlanError::Invalid {
            row,
            external_id: key.to_owned(),
            error,
        })?;
        if columns.contains(ContactField::ChannelIdentities) {
            for identity in &contact.channel_identities {
                let first_row = *rows_by_identity
                    .entry(identity_key(identity))
                    .or_insert(row);
                if first_row != row {
                    return Err(PlanError::SharedIdentity {
                        row,
                        external_id: key.to_owned(),
                        first_row,
                        first_external_id: keys[first_row].to_owned(),
                        identity: Box::new(identity.clone()),
                    });
                }
            }
        }
        keys.push(key);
    }
    Ok((keys, rows_by_key))
}

/// The values of every column of the row, as a patch setting them would hold them (for
/// validation only, without copying the row).
fn column_values<'a>(row: &'a DesiredContact, columns: &Columns) -> FieldValues<'a> {
    let has = |field| columns.contains(field);
    let text = |field, value: &'a Option<String>| value.as_deref().filter(|_| has(field));
    FieldValues {
        identities: has(ContactField::ChannelIdentities).then_some(&row.channel_identities[..]),
        priority: if has(ContactField::ChannelPriority) {
            &row.channel_priority
        } else {
            &[]
        },
        display_name: text(ContactField::DisplayName, &row.display_name),
        email: text(ContactField::Email, &row.email),
        external_id: text(ContactField::ExternalId, &row.external_id),
        language: row
            .language
            .as_ref()
            .filter(|_| has(ContactField::Language)),
        metadata: text(ContactField::Metadata, &row.metadata),
    }
}

/// The create request of a row: its columns and its key; a language only if it has that column.
fn create_request(row: &DesiredContact, columns: &Columns, key: &str) -> ContactCreateRequest {
    let has = |field| columns.contains(field);
    let text = |field, value: &Option<String>| {
        value
            .clone()
            .filter(|value| has(field) && !value.is_empty())
    };
    let identities = if has(ContactField::ChannelIdentities) {
        row.channel_identities.clone()
    } else {
        Vec::new()
    };
    let language = row
        .language
        .clone()
        .filter(|_| has(ContactField::Language))
        .unwrap_or(ContactLanguage::Unspecified);
    let mut request = ContactCreateRequest::new(identities, language);
    if has(ContactField::ChannelPriority) {
        request.channel_priority = row.channel_priority.clone();
    }
    request.display_name = text(ContactField::DisplayName, &row.display_name);
    request.email = text(ContactField::Email, &row.email);
    request.metadata = text(ContactField::Metadata, &row.metadata);
    request.external_id = Some(key.to_owned());
    request
}

/// The rows (by index) whose identities another contact holds after the plan, with their
/// conflicts.
///
/// After the plan a contact holds the row's identities when its row is applied and the source
/// has the identity column, nothing when it is deleted, and its current identities otherwise.
/// A row in conflict is not applied, so its contact keeps its current identities, which may put
/// other rows in conflict: this repeats until no new row is in conflict. (Conflicts only grow:
/// an identity two rows want is refused earlier, so a contact can hold a row's identity after
/// the plan only by keeping one it has now.)
fn identity_conflicts(
    desired: &[DesiredContact],
    columns: &Columns,
    current: &[Contact],
    keys: &[&str],
    pairings: &[Pairing],
    deleted: &BTreeSet<usize>,
) -> BTreeMap<usize, Vec<Conflict>> {
    let mut conflicts: BTreeMap<usize, Vec<Conflict>> = BTreeMap::new();
    if !columns.contains(ContactField::ChannelIdentities) {
        return conflicts;
    }
    // The row of each current contact, and whether it is deleted, by the contact's index.
    let mut row_of: Vec<Option<usize>> = vec![None; current.len()];
    for (row, pairing) in pairings.iter().enumerate() {
        if let Pairing::One(index) = pairing {
            row_of[*index] = Some(row);
        }
    }
    let mut is_deleted = vec![false; current.len()];
    for &index in deleted {
        is_deleted[index] = true;
    }
    loop {
        let mut holders: HashMap<IdentityKey<'_>, Indices> = HashMap::with_capacity(current.len());
        for (index, contact) in current.iter().enumerate() {
            if is_deleted[index] {
                continue;
            }
            let after = match row_of[index] {
                Some(row) if !conflicts.contains_key(&row) => &desired[row].channel_identities,
                _ => &contact.channel_identities,
            };
            for identity in after {
                add(&mut holders, identity_key(identity), index);
            }
        }
        let mut found: BTreeMap<usize, Vec<Conflict>> = BTreeMap::new();
        for (row, pairing) in pairings.iter().enumerate() {
            let own = match pairing {
                Pairing::Shared => continue,
                Pairing::New => None,
                Pairing::One(index) => Some(*index),
            };
            for identity in &desired[row].channel_identities {
                let others = holders
                    .get(&identity_key(identity))
                    .map_or(&[][..], Indices::as_slice)
                    .iter()
                    .filter(|&&holder| Some(holder) != own);
                for &holder in others {
                    found.entry(row).or_default().push(Conflict::IdentityHeld {
                        row,
                        external_id: keys[row].to_owned(),
                        identity: identity.clone(),
                        holder_id: contact_id(&current[holder]),
                        holder_external_id: external_id(&current[holder]).map(str::to_owned),
                    });
                }
            }
        }
        let settled = found.keys().eq(conflicts.keys());
        conflicts = found;
        if settled {
            return conflicts;
        }
    }
}
