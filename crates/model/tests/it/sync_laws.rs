//! Laws of sync planning, checked against a naive restatement of the rules written here (not
//! the module's helpers): applying a plan and planning again writes nothing; a plan touches no
//! field outside the source's columns; it deletes only with the opt-in, only contacts with a key
//! the source does not have, and never one without a key; applied in its apply order, stage by
//! stage and in any order within a stage, no identity is ever held by two contacts that was not
//! before (but inside a swap).

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::vec;
use proptest::prelude::*;
use sinch_contacts_model::{
    ChannelIdentity, Columns, Conflict, Contact, ContactField, ContactLanguage, ContactPatch,
    ConversationChannel, DesiredContact, Patch, PlanOptions, Step, SyncPlan, apply_order, plan,
};

const KEYS: [&str; 5] = ["a", "b", "c", "d", "e"];

/// A small pool, so that rows and contacts share identities often. The Messenger ones differ
/// only by app.
fn identity() -> impl Strategy<Value = ChannelIdentity> {
    prop::sample::select(vec![
        (ConversationChannel::Sms, "+1", None),
        (ConversationChannel::Sms, "+2", None),
        (ConversationChannel::Sms, "+3", Some("")),
        (ConversationChannel::Whatsapp, "+1", None),
        (ConversationChannel::Messenger, "p1", Some("app-1")),
        (ConversationChannel::Messenger, "p1", Some("app-2")),
    ])
    .prop_map(|(channel, number, app_id)| {
        let mut identity = ChannelIdentity::new(channel, number);
        identity.app_id = app_id.map(str::to_owned);
        identity
    })
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop::sample::select(vec!["", "x", "y"]).prop_map(str::to_owned))
}

fn language() -> impl Strategy<Value = Option<ContactLanguage>> {
    prop::option::of(prop::sample::select(vec![
        ContactLanguage::EnUs,
        ContactLanguage::De,
        ContactLanguage::Unspecified,
    ]))
}

fn priority() -> impl Strategy<Value = Vec<ConversationChannel>> {
    vec(
        prop::sample::select(vec![
            ConversationChannel::Sms,
            ConversationChannel::Whatsapp,
        ]),
        0..3,
    )
}

fn key() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        1 => Just(Some(String::new())),
        6 => prop::sample::select(KEYS.to_vec()).prop_map(|key| Some(key.to_owned())),
    ]
}

fn current() -> impl Strategy<Value = Vec<Contact>> {
    vec(
        (
            key(),
            vec(identity(), 0..3),
            priority(),
            text(),
            text(),
            language(),
            text(),
        ),
        0..7,
    )
    .prop_map(|contacts| {
        contacts
            .into_iter()
            .enumerate()
            .map(
                |(index, (key, identities, priority, name, email, language, metadata))| {
                    let mut contact = Contact::default();
                    contact.id = Some(format!("c{index}"));
                    contact.external_id = key;
                    contact.channel_identities = identities;
                    contact.channel_priority = priority;
                    contact.display_name = name;
                    contact.email = email;
                    contact.language = language;
                    contact.metadata = metadata;
                    contact
                },
            )
            .collect()
    })
}

fn rows() -> impl Strategy<Value = Vec<DesiredContact>> {
    vec(
        (
            prop::sample::select(KEYS.to_vec()),
            vec(identity(), 1..3),
            priority(),
            text(),
            text(),
            language(),
            text(),
        ),
        0..6,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .map(
                |(key, identities, priority, name, email, language, metadata)| {
                    let mut row = DesiredContact::new(key);
                    row.channel_identities = identities;
                    row.channel_priority = priority;
                    row.display_name = name;
                    row.email = email;
                    row.language = language;
                    row.metadata = metadata;
                    row
                },
            )
            .collect()
    })
}

fn columns() -> impl Strategy<Value = Columns> {
    prop::sample::subsequence(ContactField::ALL.to_vec(), 0..=ContactField::ALL.len())
        .prop_map(Columns::new)
}

/// Makes generated rows valid input: one row per key, one row per identity, and a row to
/// create only when the columns can make a create (identities and a language).
fn valid(rows: Vec<DesiredContact>, columns: &Columns, current: &[Contact]) -> Vec<DesiredContact> {
    let can_create = columns.contains(ContactField::ChannelIdentities)
        && columns.contains(ContactField::Language);
    let mut keys = BTreeSet::new();
    let mut taken = BTreeSet::new();
    let mut valid = Vec::new();
    for mut row in rows {
        let key = row.external_id.clone().unwrap();
        if !keys.insert(key.clone()) {
            continue;
        }
        let exists = current
            .iter()
            .any(|contact| contact.external_id.as_deref() == Some(key.as_str()));
        if !exists && !can_create {
            continue;
        }
        if columns.contains(ContactField::ChannelIdentities) {
            let mut own = BTreeSet::new();
            row.channel_identities
                .retain(|identity| own.insert(same(identity)) && !taken.contains(&same(identity)));
            if row.channel_identities.is_empty() {
                continue;
            }
            taken.extend(own);
        }
        if !exists && naive_language(&row.language).is_none() {
            row.language = Some(ContactLanguage::EnUs);
        }
        valid.push(row);
    }
    valid
}

/// What makes two identities the same, restated: channel, identity, and the app only on
/// Messenger (the only app-scoped channel in the pool), an empty app being none.
fn same(identity: &ChannelIdentity) -> (String, String, Option<String>) {
    let app = if identity.channel == ConversationChannel::Messenger {
        identity.app_id.clone().filter(|app| !app.is_empty())
    } else {
        None
    };
    (
        identity.channel.as_str().to_owned(),
        identity.identity.clone(),
        app,
    )
}

fn naive_text(value: &Option<String>) -> Option<String> {
    value.clone().filter(|value| !value.is_empty())
}

fn naive_language(value: &Option<ContactLanguage>) -> Option<ContactLanguage> {
    value
        .clone()
        .filter(|language| *language != ContactLanguage::Unspecified)
}

/// Whether `row` and `contact` differ on `field`, restated.
fn differs(field: ContactField, row: &DesiredContact, contact: &Contact) -> bool {
    match field {
        ContactField::ChannelIdentities => {
            let set = |identities: &[ChannelIdentity]| -> BTreeSet<_> {
                identities.iter().map(same).collect()
            };
            set(&row.channel_identities) != set(&contact.channel_identities)
        }
        ContactField::ChannelPriority => row.channel_priority != contact.channel_priority,
        ContactField::DisplayName => {
            naive_text(&row.display_name) != naive_text(&contact.display_name)
        }
        ContactField::Email => naive_text(&row.email) != naive_text(&contact.email),
        ContactField::Metadata => naive_text(&row.metadata) != naive_text(&contact.metadata),
        ContactField::Language => {
            naive_language(&row.language) != naive_language(&contact.language)
        }
        ContactField::ExternalId => false,
    }
}

fn set<T: Clone>(target: &mut Option<T>, patch: &Patch<T>) {
    match patch {
        Patch::Keep => {}
        Patch::Clear => *target = None,
        Patch::Set(value) => *target = Some(value.clone()),
    }
}

fn set_list<T: Clone>(target: &mut Vec<T>, patch: &Patch<Vec<T>>) {
    match patch {
        Patch::Keep => {}
        Patch::Clear => target.clear(),
        Patch::Set(value) => target.clone_from(value),
    }
}

fn patch_contact(contact: &mut Contact, patch: &ContactPatch) {
    set_list(&mut contact.channel_identities, &patch.channel_identities);
    set_list(&mut contact.channel_priority, &patch.channel_priority);
    set(&mut contact.display_name, &patch.display_name);
    set(&mut contact.email, &patch.email);
    set(&mut contact.external_id, &patch.external_id);
    set(&mut contact.language, &patch.language);
    set(&mut contact.metadata, &patch.metadata);
}

/// The state after `plan`: creates add contacts, updates set the patch's fields, deletes remove.
fn apply(current: &[Contact], plan: &SyncPlan) -> Vec<Contact> {
    let deleted: BTreeSet<&str> = plan
        .deletes
        .iter()
        .map(|delete| delete.contact_id.as_str())
        .collect();
    let mut state: Vec<Contact> = current
        .iter()
        .filter(|contact| !deleted.contains(contact.id.as_deref().unwrap()))
        .cloned()
        .collect();
    for update in &plan.updates {
        let contact = state
            .iter_mut()
            .find(|contact| contact.id.as_deref() == Some(update.contact_id.as_str()))
            .expect("an update names a current contact");
        patch_contact(contact, &update.patch);
    }
    for (index, create) in plan.creates.iter().enumerate() {
        let mut contact = Contact::default();
        contact.id = Some(format!("new{index}"));
        contact.channel_identities = create.channel_identities.clone();
        contact.channel_priority = create.channel_priority.clone();
        contact.display_name = create.display_name.clone();
        contact.email = create.email.clone();
        contact.external_id = create.external_id.clone();
        contact.language = Some(create.language.clone());
        contact.metadata = create.metadata.clone();
        state.push(contact);
    }
    state
}

/// The value of `field` of a contact, for comparing before and after.
fn field_value(contact: &Contact, field: ContactField) -> String {
    match field {
        ContactField::ChannelIdentities => format!("{:?}", contact.channel_identities),
        ContactField::ChannelPriority => format!("{:?}", contact.channel_priority),
        ContactField::DisplayName => format!("{:?}", contact.display_name),
        ContactField::Email => format!("{:?}", contact.email),
        ContactField::ExternalId => format!("{:?}", contact.external_id),
        ContactField::Language => format!("{:?}", contact.language),
        ContactField::Metadata => format!("{:?}", contact.metadata),
    }
}

/// Applies one change of `plan` to `state`.
fn apply_step(state: &mut Vec<Contact>, plan: &SyncPlan, step: Step) {
    match step {
        Step::Delete(index) => {
            let id = plan.deletes[index].contact_id.as_str();
            state.retain(|contact| contact.id.as_deref() != Some(id));
        }
        Step::Update(index) => {
            let update = &plan.updates[index];
            let contact = state
                .iter_mut()
                .find(|contact| contact.id.as_deref() == Some(update.contact_id.as_str()))
                .expect("an update names a contact still there");
            patch_contact(contact, &update.patch);
        }
        Step::Create(index) => {
            let create = &plan.creates[index];
            let mut contact = Contact::default();
            contact.id = Some(format!("new{index}"));
            contact.channel_identities = create.channel_identities.clone();
            contact.external_id = create.external_id.clone();
            state.push(contact);
        }
    }
}

/// The identities (restated) held by more than one contact of `state`.
fn doubled(state: &[Contact]) -> BTreeSet<(String, String, Option<String>)> {
    let mut holders: BTreeMap<(String, String, Option<String>), BTreeSet<&str>> = BTreeMap::new();
    for contact in state {
        for identity in &contact.channel_identities {
            holders
                .entry(same(identity))
                .or_default()
                .insert(contact.id.as_deref().unwrap_or_default());
        }
    }
    holders
        .into_iter()
        .filter(|(_, ids)| ids.len() > 1)
        .map(|(key, _)| key)
        .collect()
}

fn key_of(contact: &Contact) -> Option<&str> {
    contact.external_id.as_deref().filter(|key| !key.is_empty())
}

proptest! {
    #[test]
    fn applying_a_plan_then_planning_again_writes_nothing(
        current in current(),
        rows in rows(),
        columns in columns(),
        delete_missing in any::<bool>(),
    ) {
        let rows = valid(rows, &columns, &current);
        let options = PlanOptions { delete_missing };
        let first = plan(&rows, &columns, &current, &options).unwrap();
        let after = apply(&current, &first);
        let second = plan(&rows, &columns, &after, &options).unwrap();
        prop_assert!(second.is_empty(), "first {:#?}\nsecond {:#?}", first, second);
        // Every row is accounted for once: created, updated, unchanged, or in conflict.
        let in_conflict: BTreeSet<&str> = first
            .conflicts
            .iter()
            .filter_map(|conflict| match conflict {
                Conflict::IdentityHeld { external_id, .. } => Some(external_id.as_str()),
                Conflict::SharedExternalId { external_id, contact_ids } => rows
                    .iter()
                    .any(|row| row.external_id.as_deref() == Some(external_id))
                    .then(|| {
                        assert!(contact_ids.len() > 1);
                        external_id.as_str()
                    }),
                _ => None,
            })
            .collect();
        prop_assert_eq!(
            first.creates.len() + first.updates.len() + first.unchanged + in_conflict.len(),
            rows.len()
        );
    }

    #[test]
    fn a_plan_touches_no_field_outside_the_columns_and_only_fields_that_differ(
        current in current(),
        rows in rows(),
        columns in columns(),
        delete_missing in any::<bool>(),
    ) {
        let rows = valid(rows, &columns, &current);
        let options = PlanOptions { delete_missing };
        let plan = plan(&rows, &columns, &current, &options).unwrap();
        for update in &plan.updates {
            let contact = current
                .iter()
                .find(|contact| contact.id.as_deref() == Some(update.contact_id.as_str()))
                .unwrap();
            let row = rows
                .iter()
                .find(|row| row.external_id.as_deref() == Some(update.external_id.as_str()))
                .unwrap();
            prop_assert_eq!(key_of(contact), Some(update.external_id.as_str()));
            let masked: Vec<ContactField> = update.patch.mask().iter().collect();
            let changed: Vec<ContactField> = update.changes.iter().map(|change| change.field).collect();
            prop_assert_eq!(&masked, &changed);
            prop_assert!(!masked.is_empty());
            for field in masked {
                prop_assert!(columns.contains(field) && field != ContactField::ExternalId);
                prop_assert!(differs(field, row, contact), "{field} does not differ");
            }
        }
        for create in &plan.creates {
            prop_assert!(columns.contains(ContactField::ChannelPriority) || create.channel_priority.is_empty());
            prop_assert!(columns.contains(ContactField::DisplayName) || create.display_name.is_none());
            prop_assert!(columns.contains(ContactField::Email) || create.email.is_none());
            prop_assert!(columns.contains(ContactField::Metadata) || create.metadata.is_none());
        }
        // A contact that is still there afterwards is equal outside the columns.
        let after = apply(&current, &plan);
        for contact in &current {
            let Some(later) = after.iter().find(|later| later.id == contact.id) else { continue };
            for field in ContactField::ALL {
                if !columns.contains(field) || field == ContactField::ExternalId {
                    prop_assert_eq!(field_value(contact, field), field_value(later, field));
                }
            }
        }
    }

    #[test]
    fn a_plan_deletes_only_with_the_opt_in_and_only_keys_the_source_lacks(
        current in current(),
        rows in rows(),
        columns in columns(),
        delete_missing in any::<bool>(),
    ) {
        let rows = valid(rows, &columns, &current);
        let options = PlanOptions { delete_missing };
        let plan = plan(&rows, &columns, &current, &options).unwrap();
        // Restated: with the opt-in, the contacts whose key no row has and no other contact shares.
        let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
        for contact in &current {
            if let Some(key) = key_of(contact) {
                *holders.entry(key).or_default() += 1;
            }
        }
        let expected: Vec<&str> = if delete_missing {
            current
                .iter()
                .filter(|contact| key_of(contact).is_some_and(|key| {
                    holders[key] == 1
                        && !rows.iter().any(|row| row.external_id.as_deref() == Some(key))
                }))
                .map(|contact| contact.id.as_deref().unwrap())
                .collect()
        } else {
            Vec::new()
        };
        let deleted: Vec<&str> = plan.deletes.iter().map(|delete| delete.contact_id.as_str()).collect();
        prop_assert_eq!(deleted, expected);
        for delete in &plan.deletes {
            prop_assert!(!delete.external_id.is_empty());
        }
        // Keys shared by several contacts are each one conflict.
        let shared: Vec<&str> = holders.iter().filter(|(_, count)| **count > 1).map(|(key, _)| *key).collect();
        let listed: Vec<&str> = plan
            .conflicts
            .iter()
            .filter_map(|conflict| match conflict {
                Conflict::SharedExternalId { external_id, .. } => Some(external_id.as_str()),
                _ => None,
            })
            .collect();
        prop_assert_eq!(listed, shared);
    }

    #[test]
    fn applied_in_its_order_a_plan_never_puts_an_identity_on_two_contacts_on_the_way(
        current in current(),
        rows in rows(),
        columns in columns(),
        delete_missing in any::<bool>(),
    ) {
        let rows = valid(rows, &columns, &current);
        let plan = plan(&rows, &columns, &current, &PlanOptions { delete_missing }).unwrap();
        let order = apply_order(&plan, &current);
        // Every change once, in a stage of its own kind.
        let mut seen: Vec<Step> = order.stages.iter().flat_map(|stage| stage.steps.clone()).collect();
        seen.sort();
        let mut expected: Vec<Step> = (0..plan.deletes.len()).map(Step::Delete).collect();
        expected.extend((0..plan.updates.len()).map(Step::Update));
        expected.extend((0..plan.creates.len()).map(Step::Create));
        prop_assert_eq!(seen, expected);
        // What a change waits for is in an earlier stage.
        let stage_of = |step: Step| order.stages.iter().position(|stage| stage.steps.contains(&step)).unwrap();
        for stage in &order.stages {
            for &step in &stage.steps {
                for &waited in order.depends_on(step) {
                    prop_assert!(stage_of(waited) < stage_of(step), "{:?} waits for {:?}", step, waited);
                }
            }
        }
        // Stage by stage, each stage's changes one by one in plan order and in reverse: no
        // identity is doubled that was not doubled before (checked after every change but
        // inside a cycle, where only the stage's end is checked).
        let before = doubled(&current);
        for reverse in [false, true] {
            let mut state = current.clone();
            for stage in &order.stages {
                let mut steps = stage.steps.clone();
                if reverse {
                    steps.reverse();
                }
                for step in steps {
                    apply_step(&mut state, &plan, step);
                    if !stage.cycle {
                        prop_assert!(doubled(&state).is_subset(&before), "after {:?}: {:?}", step, doubled(&state));
                    }
                }
                prop_assert!(doubled(&state).is_subset(&before), "after a stage: {:?}", doubled(&state));
            }
        }
    }
}
