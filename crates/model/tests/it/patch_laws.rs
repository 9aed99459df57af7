//! Laws of `ContactPatch`, `UpdateMask` and `apply_patch`.

use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::Value;
use sinch_contacts_model::{Contact, ContactField, ContactPatch, Patch, UpdateMask, apply_patch};

use crate::strategies::{channel, channel_identity, contact, language};

fn patch_of<T: std::fmt::Debug + Clone>(
    value: impl Strategy<Value = T>,
) -> impl Strategy<Value = Patch<T>> {
    prop_oneof![
        Just(Patch::Keep),
        Just(Patch::Clear),
        value.prop_map(Patch::Set)
    ]
}

fn text() -> impl Strategy<Value = String> {
    "[a-z ]{0,4}"
}

/// A patch with the derived mask.
fn patch() -> impl Strategy<Value = ContactPatch> {
    (
        patch_of(vec(channel_identity(), 0..3)),
        patch_of(vec(channel(), 0..3)),
        patch_of(text()),
        patch_of(text()),
        patch_of(text()),
        patch_of(language().prop_filter_map("a language", |language| language)),
        patch_of(text()),
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
            )| {
                let mut patch = ContactPatch::new();
                patch.channel_identities = channel_identities;
                patch.channel_priority = channel_priority;
                patch.display_name = display_name;
                patch.email = email;
                patch.external_id = external_id;
                patch.language = language;
                patch.metadata = metadata;
                patch
            },
        )
}

fn mask() -> impl Strategy<Value = UpdateMask> {
    prop::sample::subsequence(ContactField::ALL.to_vec(), 0..=ContactField::ALL.len())
        .prop_map(|fields| fields.into_iter().collect())
}

/// A patch, with an explicit mask half of the time.
fn patch_maybe_masked() -> impl Strategy<Value = ContactPatch> {
    (patch(), proptest::option::of(mask())).prop_map(|(patch, mask)| match mask {
        Some(mask) => patch.with_mask(mask),
        None => patch,
    })
}

/// The JSON value of one field of a contact (`null` when empty).
fn field_value(contact: &Contact, field: ContactField) -> Value {
    let value = serde_json::to_value(contact).unwrap();
    value.get(field.as_str()).cloned().unwrap_or(Value::Null)
}

/// The JSON value a patch sets for a field (`null` when it does not set one).
fn patch_value(patch: &ContactPatch, field: ContactField) -> Value {
    let body = patch.to_body();
    match body.get(field.as_str()) {
        // An empty list is not written by a contact: it reads as empty.
        Some(Value::Array(items)) if items.is_empty() => Value::Null,
        Some(value) => value.clone(),
        None => Value::Null,
    }
}

fn is_set(patch: &ContactPatch, field: ContactField) -> bool {
    match field {
        ContactField::ChannelIdentities => patch.channel_identities.value().is_some(),
        ContactField::ChannelPriority => patch.channel_priority.value().is_some(),
        ContactField::DisplayName => patch.display_name.value().is_some(),
        ContactField::Email => patch.email.value().is_some(),
        ContactField::ExternalId => patch.external_id.value().is_some(),
        ContactField::Language => patch.language.value().is_some(),
        ContactField::Metadata => patch.metadata.value().is_some(),
    }
}

fn is_keep(patch: &ContactPatch, field: ContactField) -> bool {
    match field {
        ContactField::ChannelIdentities => patch.channel_identities.is_keep(),
        ContactField::ChannelPriority => patch.channel_priority.is_keep(),
        ContactField::DisplayName => patch.display_name.is_keep(),
        ContactField::Email => patch.email.is_keep(),
        ContactField::ExternalId => patch.external_id.is_keep(),
        ContactField::Language => patch.language.is_keep(),
        ContactField::Metadata => patch.metadata.is_keep(),
    }
}

proptest! {
    #[test]
    fn a_patch_with_an_empty_mask_changes_nothing(contact in contact(), patch in patch()) {
        let patch = patch.with_mask(UpdateMask::new());
        prop_assert_eq!(apply_patch(&contact, &patch), contact);
    }

    #[test]
    fn applying_a_patch_touches_only_masked_fields(
        contact in contact(),
        id in proptest::option::of("[a-z0-9]{1,6}"),
        patch in patch_maybe_masked(),
    ) {
        let mut contact = contact;
        contact.id = id;
        let updated = apply_patch(&contact, &patch);
        let mask = patch.mask();
        prop_assert_eq!(&updated.id, &contact.id);
        prop_assert_eq!(&updated.additional_properties, &contact.additional_properties);
        for field in ContactField::ALL.into_iter().filter(|field| !mask.contains(*field)) {
            prop_assert_eq!(field_value(&updated, field), field_value(&contact, field), "{}", field);
        }
    }

    #[test]
    fn masked_fields_take_the_patch_value_or_are_emptied(contact in contact(), patch in patch_maybe_masked()) {
        let updated = apply_patch(&contact, &patch);
        for field in patch.mask().iter() {
            let expected = if is_set(&patch, field) { patch_value(&patch, field) } else { Value::Null };
            prop_assert_eq!(field_value(&updated, field), expected, "{}", field);
        }
    }

    #[test]
    fn a_patch_body_reads_back_as_the_same_patch(patch in patch()) {
        let Value::Object(body) = patch.to_body() else {
            return Err(TestCaseError::fail("a patch body is an object"));
        };
        prop_assert_eq!(ContactPatch::from_body(&body).unwrap(), patch);
    }

    #[test]
    fn the_derived_mask_is_the_set_of_fields_not_kept(patch in patch()) {
        let mask = patch.mask();
        for field in ContactField::ALL {
            prop_assert_eq!(mask.contains(field), !is_keep(&patch, field), "{}", field);
        }
        prop_assert!(!mask.to_query_value().split(',').any(|name| name == "id"));
        prop_assert_eq!(UpdateMask::parse([mask.to_query_value().as_str()]).unwrap(), mask);
    }

    #[test]
    fn applying_a_patch_twice_equals_applying_it_once(contact in contact(), patch in patch_maybe_masked()) {
        let once = apply_patch(&contact, &patch);
        prop_assert_eq!(apply_patch(&once, &patch), once);
    }
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
