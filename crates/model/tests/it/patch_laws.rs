//! Laws of `ContactPatch`, `UpdateMask` and `apply_patch`, checked against `naive_apply`: the
//! documented rule (set → the value, clear → empty, keep → the old value; with an explicit mask,
//! a masked field takes the value or is emptied and an unmasked one keeps its old value)
//! restated in the test from a description of the patch that the test itself holds, never from
//! the crate's `Patch::value`, `is_keep` or mask.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactField, ContactLanguage, ContactPatch, ConversationChannel,
    Patch, UpdateMask, apply_patch,
};

use crate::strategies::{channel, channel_identity, contact, language};

/// What the test wants done to one field.
#[derive(Debug, Clone, PartialEq)]
enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    fn is_keep(&self) -> bool {
        matches!(self, Change::Keep)
    }
}

/// A patch as the test describes it: a change per field and, maybe, an explicit mask (field
/// names).
#[derive(Debug, Clone)]
struct Changes {
    channel_identities: Change<Vec<ChannelIdentity>>,
    channel_priority: Change<Vec<ConversationChannel>>,
    display_name: Change<String>,
    email: Change<String>,
    external_id: Change<String>,
    language: Change<ContactLanguage>,
    metadata: Change<String>,
    mask: Option<Vec<&'static str>>,
}

/// The mask-able fields, in schema order, with the test's own name for each.
const FIELDS: [(&str, ContactField); 7] = [
    ("channel_identities", ContactField::ChannelIdentities),
    ("channel_priority", ContactField::ChannelPriority),
    ("display_name", ContactField::DisplayName),
    ("email", ContactField::Email),
    ("external_id", ContactField::ExternalId),
    ("language", ContactField::Language),
    ("metadata", ContactField::Metadata),
];

impl Changes {
    fn keeps(&self, name: &str) -> bool {
        match name {
            "channel_identities" => self.channel_identities.is_keep(),
            "channel_priority" => self.channel_priority.is_keep(),
            "display_name" => self.display_name.is_keep(),
            "email" => self.email.is_keep(),
            "external_id" => self.external_id.is_keep(),
            "language" => self.language.is_keep(),
            "metadata" => self.metadata.is_keep(),
            other => unreachable!("{other} is not a field"),
        }
    }

    /// Whether the update names the field: the explicit mask, or every field not kept.
    fn names(&self, name: &str) -> bool {
        match &self.mask {
            Some(mask) => mask.contains(&name),
            None => !self.keeps(name),
        }
    }

    /// The patch, built with the public setters.
    fn patch(&self) -> ContactPatch {
        let mut patch = ContactPatch::new();
        patch = match &self.channel_identities {
            Change::Keep => patch,
            Change::Clear => patch.clear_channel_identities(),
            Change::Set(value) => patch.channel_identities(value.clone()),
        };
        patch = match &self.channel_priority {
            Change::Keep => patch,
            Change::Clear => patch.clear_channel_priority(),
            Change::Set(value) => patch.channel_priority(value.clone()),
        };
        patch = match &self.display_name {
            Change::Keep => patch,
            Change::Clear => patch.clear_display_name(),
            Change::Set(value) => patch.display_name(value.clone()),
        };
        patch = match &self.email {
            Change::Keep => patch,
            Change::Clear => patch.clear_email(),
            Change::Set(value) => patch.email(value.clone()),
        };
        patch = match &self.external_id {
            Change::Keep => patch,
            Change::Clear => patch.clear_external_id(),
            Change::Set(value) => patch.external_id(value.clone()),
        };
        patch = match &self.language {
            Change::Keep => patch,
            Change::Clear => patch.clear_language(),
            Change::Set(value) => patch.language(value.clone()),
        };
        patch = match &self.metadata {
            Change::Keep => patch,
            Change::Clear => patch.clear_metadata(),
            Change::Set(value) => patch.metadata(value.clone()),
        };
        if let Some(names) = &self.mask {
            let mut mask = UpdateMask::new();
            for (name, field) in FIELDS {
                if names.contains(&name) {
                    mask = mask.with(field);
                }
            }
            patch = patch.with_mask(mask);
        }
        patch
    }
}

fn text_after(change: &Change<String>) -> Option<String> {
    match change {
        Change::Set(value) => Some(value.clone()),
        Change::Clear | Change::Keep => None,
    }
}

/// The documented rule, restated: a named field takes the value the patch sets, or is emptied;
/// a field not named keeps its old value; `id` and unknown members never change.
fn naive_apply(contact: &Contact, changes: &Changes) -> Contact {
    let mut expected = contact.clone();
    if changes.names("channel_identities") {
        expected.channel_identities = match &changes.channel_identities {
            Change::Set(value) => value.clone(),
            Change::Clear | Change::Keep => Vec::new(),
        };
    }
    if changes.names("channel_priority") {
        expected.channel_priority = match &changes.channel_priority {
            Change::Set(value) => value.clone(),
            Change::Clear | Change::Keep => Vec::new(),
        };
    }
    if changes.names("display_name") {
        expected.display_name = text_after(&changes.display_name);
    }
    if changes.names("email") {
        expected.email = text_after(&changes.email);
    }
    if changes.names("external_id") {
        expected.external_id = text_after(&changes.external_id);
    }
    if changes.names("language") {
        expected.language = match &changes.language {
            Change::Set(value) => Some(value.clone()),
            Change::Clear | Change::Keep => None,
        };
    }
    if changes.names("metadata") {
        expected.metadata = text_after(&changes.metadata);
    }
    expected
}

/// The body the documentation describes: set fields with their JSON value, cleared ones `null`,
/// kept ones absent.
fn naive_body(changes: &Changes) -> Value {
    fn put<T: serde::Serialize>(body: &mut Map<String, Value>, name: &str, change: &Change<T>) {
        match change {
            Change::Keep => {}
            Change::Clear => {
                body.insert(name.to_owned(), Value::Null);
            }
            Change::Set(value) => {
                body.insert(name.to_owned(), serde_json::to_value(value).unwrap());
            }
        }
    }
    let mut body = Map::new();
    put(&mut body, "channel_identities", &changes.channel_identities);
    put(&mut body, "channel_priority", &changes.channel_priority);
    put(&mut body, "display_name", &changes.display_name);
    put(&mut body, "email", &changes.email);
    put(&mut body, "external_id", &changes.external_id);
    put(&mut body, "language", &changes.language);
    put(&mut body, "metadata", &changes.metadata);
    Value::Object(body)
}

fn change_of<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Change<T>> {
    prop_oneof![
        Just(Change::Keep),
        Just(Change::Clear),
        value.prop_map(Change::Set)
    ]
}

fn text() -> impl Strategy<Value = String> {
    "[a-z ]{0,4}"
}

fn mask_names() -> impl Strategy<Value = Vec<&'static str>> {
    prop::sample::subsequence(FIELDS.map(|(name, _)| name).to_vec(), 0..=FIELDS.len())
}

/// Changes with no explicit mask (`masked` false) or, half of the time, with one.
fn changes(masked: bool) -> impl Strategy<Value = Changes> {
    let mask = if masked {
        proptest::option::of(mask_names()).boxed()
    } else {
        Just(None).boxed()
    };
    (
        change_of(vec(channel_identity(), 0..3)),
        change_of(vec(channel(), 0..3)),
        change_of(text()),
        change_of(text()),
        change_of(text()),
        change_of(language().prop_filter_map("a language", |language| language)),
        change_of(text()),
        mask,
    )
        .prop_map(
            |(
                channel_identities,
                channel_priority,
                display_name,
                email,
                external_id,
                language,
                metadata,
                mask,
            )| Changes {
                channel_identities,
                channel_priority,
                display_name,
                email,
                external_id,
                language,
                metadata,
                mask,
            },
        )
}

fn contact_with_maybe_id() -> impl Strategy<Value = Contact> {
    (contact(), proptest::option::of("[a-z0-9]{1,6}")).prop_map(|(mut contact, id)| {
        contact.id = id;
        contact
    })
}

proptest! {
    #[test]
    fn applying_a_patch_is_the_documented_rule_field_by_field(
        contact in contact_with_maybe_id(),
        changes in changes(true),
    ) {
        let updated = apply_patch(&contact, &changes.patch());
        prop_assert_eq!(updated, naive_apply(&contact, &changes));
    }

    #[test]
    fn the_mask_names_the_fields_not_kept_or_the_explicit_ones_in_schema_order(changes in changes(true)) {
        let patch = changes.patch();
        let expected: Vec<&str> = FIELDS
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| changes.names(name))
            .collect();
        prop_assert_eq!(patch.mask().to_query_value(), expected.join(","));
        prop_assert_eq!(UpdateMask::parse([expected.join(",").as_str()]).unwrap(), patch.mask());
        prop_assert_eq!(patch.mask().is_empty(), expected.is_empty());
        prop_assert_eq!(patch.mask().iter().count(), expected.len());
        prop_assert_eq!(patch.has_mask_override(), changes.mask.is_some());
        for (name, field) in FIELDS {
            prop_assert_eq!(patch.mask().contains(field), changes.names(name), "{}", name);
        }
    }

    #[test]
    fn each_field_holds_the_change_the_setters_made(changes in changes(true)) {
        let patch = changes.patch();
        let expected_text = |change: &Change<String>| match change {
            Change::Keep => Patch::Keep,
            Change::Clear => Patch::Clear,
            Change::Set(value) => Patch::Set(value.clone()),
        };
        prop_assert_eq!(&patch.display_name, &expected_text(&changes.display_name));
        prop_assert_eq!(&patch.email, &expected_text(&changes.email));
        prop_assert_eq!(&patch.external_id, &expected_text(&changes.external_id));
        prop_assert_eq!(&patch.metadata, &expected_text(&changes.metadata));
        prop_assert_eq!(patch.display_name.is_keep(), changes.display_name == Change::Keep);
        let value = match &changes.display_name {
            Change::Set(value) => Some(value),
            Change::Clear | Change::Keep => None,
        };
        prop_assert_eq!(patch.display_name.value(), value);
    }

    #[test]
    fn the_body_holds_set_values_and_nulls_for_cleared_fields(changes in changes(true)) {
        prop_assert_eq!(changes.patch().to_body(), naive_body(&changes));
    }

    #[test]
    fn a_patch_body_reads_back_as_the_same_patch(changes in changes(false)) {
        let Value::Object(body) = naive_body(&changes) else {
            return Err(TestCaseError::fail("a patch body is an object"));
        };
        prop_assert_eq!(ContactPatch::from_body(&body).unwrap(), changes.patch());
    }

    #[test]
    fn a_patch_with_an_empty_mask_changes_nothing(contact in contact(), changes in changes(false)) {
        let patch = changes.patch().with_mask(UpdateMask::new());
        prop_assert!(patch.has_mask_override());
        prop_assert_eq!(apply_patch(&contact, &patch), contact);
    }

    #[test]
    fn applying_a_patch_twice_equals_applying_it_once(contact in contact(), changes in changes(true)) {
        let patch = changes.patch();
        let once = apply_patch(&contact, &patch);
        prop_assert_eq!(apply_patch(&once, &patch), once);
    }

    #[test]
    fn from_option_sets_a_value_and_clears_on_none(value in proptest::option::of("[a-z]{0,3}")) {
        let expected = match &value {
            Some(text) => Patch::Set(text.clone()),
            None => Patch::Clear,
        };
        prop_assert_eq!(Patch::from_option(value), expected);
    }
}

/// The oracle on a hand-worked example: a set, a clear, a kept field, and a masked field the
/// patch does not set.
#[test]
fn the_naive_apply_gives_the_hand_worked_answer() {
    let mut contact = Contact::default();
    contact.id = Some("01H".to_owned());
    contact.display_name = Some("Old".to_owned());
    contact.email = Some("old@example.com".to_owned());
    contact.external_id = Some("ext".to_owned());
    contact.metadata = Some("m".to_owned());
    let changes = Changes {
        channel_identities: Change::Keep,
        channel_priority: Change::Keep,
        display_name: Change::Set("New".to_owned()),
        email: Change::Clear,
        external_id: Change::Keep,
        language: Change::Set(ContactLanguage::Fr),
        metadata: Change::Keep,
        mask: Some(vec!["display_name", "email", "language", "metadata"]),
    };
    let mut expected = contact.clone();
    expected.display_name = Some("New".to_owned());
    expected.email = None;
    expected.language = Some(ContactLanguage::Fr);
    expected.metadata = None;
    assert_eq!(naive_apply(&contact, &changes), expected);
    assert_eq!(apply_patch(&contact, &changes.patch()), expected);
    assert_eq!(
        naive_body(&changes),
        json!({"display_name": "New", "email": null, "language": "FR"})
    );
}

#[test]
fn id_and_nested_paths_are_refused_in_a_mask() {
    assert_eq!(
        UpdateMask::parse(["display_name,id"])
            .unwrap_err()
            .to_string(),
        "`id` cannot be part of an update mask: the path names the contact"
    );
    assert_eq!(
        UpdateMask::parse(["channel_identities.app_id"])
            .unwrap_err()
            .to_string(),
        "`channel_identities.app_id` is a nested path; update masks name top-level contact fields only"
    );
}

#[test]
fn a_body_member_id_is_ignored_when_reading_a_patch() {
    let body = serde_json::json!({"id": "01H", "display_name": "Ada", "nickname": 1});
    let patch = ContactPatch::from_body(body.as_object().unwrap()).unwrap();
    assert_eq!(patch, ContactPatch::new().display_name("Ada"));
    assert_eq!(patch.mask().to_query_value(), "display_name");
}
