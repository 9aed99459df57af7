//! Hand-worked examples of each rule.

use serde_json::json;

use super::*;
use crate::{
    ChannelIdentity, Contact, ContactField, ContactLanguage, ConversationChannel, ViolationKind,
};

fn sms(number: &str) -> ChannelIdentity {
    ChannelIdentity::new(ConversationChannel::Sms, number)
}

fn messenger(psid: &str, app_id: &str) -> ChannelIdentity {
    let mut identity = ChannelIdentity::new(ConversationChannel::Messenger, psid);
    identity.app_id = Some(app_id.to_owned());
    identity
}

fn contact(id: &str, external_id: Option<&str>, identities: Vec<ChannelIdentity>) -> Contact {
    Contact {
        id: Some(id.to_owned()),
        external_id: external_id.map(str::to_owned),
        channel_identities: identities,
        language: Some(ContactLanguage::EnUs),
        ..Contact::default()
    }
}

fn row(key: &str, identities: Vec<ChannelIdentity>) -> DesiredContact {
    DesiredContact {
        channel_identities: identities,
        ..DesiredContact::new(key).with_language(ContactLanguage::EnUs)
    }
}

fn columns() -> Columns {
    Columns::new([
        ContactField::ChannelIdentities,
        ContactField::Language,
        ContactField::Email,
    ])
}

fn keep() -> PlanOptions {
    PlanOptions::default()
}

fn delete_missing() -> PlanOptions {
    PlanOptions {
        delete_missing: true,
    }
}

#[test]
fn a_key_sinch_does_not_have_is_created_with_the_columns_and_the_key() {
    let rows = [row("a", vec![sms("+1")])
        .with_email("a@example.com")
        .with_metadata("no column")];
    let plan = plan(&rows, &columns(), &[], &keep()).unwrap();
    assert_eq!(plan.creates.len(), 1);
    let create = &plan.creates[0];
    assert_eq!(create.external_id.as_deref(), Some("a"));
    assert_eq!(create.email.as_deref(), Some("a@example.com"));
    assert_eq!(create.metadata, None);
    assert_eq!(create.channel_identities, [sms("+1")]);
    assert!(plan.updates.is_empty() && plan.deletes.is_empty() && plan.conflicts.is_empty());
}

#[test]
fn one_differing_field_makes_a_one_field_patch() {
    let mut current = contact("01A", Some("a"), vec![sms("+1")]);
    current.email = Some("old@example.com".to_owned());
    current.metadata = Some("not a column".to_owned());
    let rows = [row("a", vec![sms("+1")]).with_email("new@example.com")];
    let plan = plan(&rows, &columns(), &[current], &keep()).unwrap();
    assert_eq!(plan.updates.len(), 1);
    let update = &plan.updates[0];
    assert_eq!(update.contact_id, "01A");
    assert_eq!(update.external_id, "a");
    assert_eq!(update.patch.mask().to_query_value(), "email");
    assert_eq!(
        update.changes,
        [FieldChange {
            field: ContactField::Email,
            old: json!("old@example.com"),
            new: json!("new@example.com"),
        }]
    );
}

#[test]
fn an_emptied_column_clears_the_field() {
    let mut current = contact("01A", Some("a"), vec![sms("+1")]);
    current.email = Some("old@example.com".to_owned());
    let rows = [row("a", vec![sms("+1")])];
    let plan = plan(&rows, &columns(), &[current], &keep()).unwrap();
    assert_eq!(plan.updates[0].patch.email, crate::Patch::Clear);
    assert_eq!(plan.updates[0].changes[0].new, json!(null));
}

#[test]
fn an_equal_row_is_counted_unchanged_whatever_is_outside_the_columns() {
    let mut current = contact("01A", Some("a"), vec![sms("+1"), sms("+2")]);
    current.display_name = Some("Ada".to_owned());
    current.email = Some(String::new());
    let rows = [row("a", vec![sms("+2"), sms("+1")]).with_display_name("someone else")];
    let plan = plan(&rows, &columns(), &[current], &keep()).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.unchanged, 1);
}

#[test]
fn identities_compare_as_a_set_and_priority_as_a_list() {
    let mut current = contact("01A", Some("a"), vec![sms("+1"), sms("+2")]);
    current.channel_priority = vec![ConversationChannel::Sms, ConversationChannel::Whatsapp];
    let rows = [row("a", vec![sms("+2"), sms("+1")])
        .with_priority([ConversationChannel::Whatsapp, ConversationChannel::Sms])];
    let columns = columns().with(ContactField::ChannelPriority);
    let plan = plan(&rows, &columns, &[current], &keep()).unwrap();
    assert_eq!(
        plan.updates[0].patch.mask().to_query_value(),
        "channel_priority"
    );
}

#[test]
fn a_missing_key_is_deleted_only_with_the_opt_in_and_never_without_a_key() {
    let current = [
        contact("01G", Some("gone"), vec![sms("+1")]),
        contact("01N", None, vec![sms("+2")]),
        contact("01E", Some(""), vec![sms("+3")]),
    ];
    let without = plan(&[], &columns(), &current, &keep()).unwrap();
    assert!(without.deletes.is_empty());
    let with = plan(&[], &columns(), &current, &delete_missing()).unwrap();
    assert_eq!(
        with.deletes,
        [Delete {
            contact_id: "01G".to_owned(),
            external_id: "gone".to_owned(),
        }]
    );
}

#[test]
fn contacts_sharing_a_key_are_a_conflict_and_left_alone() {
    let current = [
        contact("01A", Some("a"), vec![sms("+1")]),
        contact("01B", Some("a"), vec![sms("+2")]),
        contact("01C", Some("gone"), vec![sms("+3")]),
        contact("01D", Some("gone"), vec![sms("+4")]),
    ];
    let rows = [row("a", vec![sms("+9")])];
    let plan = plan(&rows, &columns(), &current, &delete_missing()).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.unchanged, 0);
    assert_eq!(
        plan.conflicts,
        [
            Conflict::SharedExternalId {
                external_id: "a".to_owned(),
                contact_ids: vec!["01A".to_owned(), "01B".to_owned()],
            },
            Conflict::SharedExternalId {
                external_id: "gone".to_owned(),
                contact_ids: vec!["01C".to_owned(), "01D".to_owned()],
            },
        ]
    );
}

#[test]
fn an_identity_held_by_another_contact_is_a_conflict_and_the_row_is_left_alone() {
    let current = [
        contact("01A", Some("a"), vec![sms("+1")]),
        contact("01X", None, vec![sms("+2")]),
    ];
    let rows = [
        row("a", vec![sms("+1"), sms("+2")]).with_email("changed@example.com"),
        row("b", vec![sms("+2")]),
    ];
    // Two rows cannot want one identity; take them one at a time (an update, then a create).
    for rows in [&rows[..1], &rows[1..]] {
        let plan = plan(rows, &columns(), &current, &keep()).unwrap();
        assert!(plan.is_empty(), "{plan:?}");
        assert_eq!(
            plan.conflicts,
            [Conflict::IdentityHeld {
                row: 0,
                external_id: rows[0].external_id.clone().unwrap(),
                identity: sms("+2"),
                holder_id: "01X".to_owned(),
                holder_external_id: None,
            }]
        );
    }
}

#[test]
fn an_identity_the_plan_takes_from_its_holder_is_no_conflict() {
    // `+2` moves from `a` to `b`: `a`'s update frees it.
    let current = [
        contact("01A", Some("a"), vec![sms("+1"), sms("+2")]),
        contact("01B", Some("b"), vec![sms("+3")]),
        contact("01G", Some("gone"), vec![sms("+4")]),
    ];
    let rows = [
        row("a", vec![sms("+1")]),
        row("b", vec![sms("+2"), sms("+3"), sms("+4")]),
    ];
    let plan = plan(&rows, &columns(), &current, &delete_missing()).unwrap();
    assert!(plan.conflicts.is_empty(), "{plan:?}");
    assert_eq!(plan.updates.len(), 2);
    assert_eq!(plan.deletes.len(), 1);
    // Without the delete, `gone` keeps `+4`; `b` is then left alone, and `a` is still updated.
    let plan = super::plan(&rows, &columns(), &current, &keep()).unwrap();
    assert_eq!(plan.updates.len(), 1);
    assert_eq!(plan.updates[0].external_id, "a");
    assert!(matches!(
        &plan.conflicts[..],
        [Conflict::IdentityHeld { holder_id, .. }] if holder_id == "01G"
    ));
}

#[test]
fn a_conflict_that_keeps_an_identity_in_place_spreads() {
    // `a` wants `+9` (held by `x`, not in the source), so `a` keeps `+2`, which `b` wants.
    let current = [
        contact("01A", Some("a"), vec![sms("+2")]),
        contact("01X", Some("x"), vec![sms("+9")]),
    ];
    let rows = [row("a", vec![sms("+9")]), row("b", vec![sms("+2")])];
    let plan = plan(&rows, &columns(), &current, &keep()).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.conflicts.len(), 2);
}

#[test]
fn the_same_identity_in_another_app_is_another_identity() {
    let current = [contact("01X", None, vec![messenger("p1", "app-1")])];
    let rows = [row("a", vec![messenger("p1", "app-2")])];
    let plan = plan(&rows, &columns(), &current, &keep()).unwrap();
    assert_eq!(plan.creates.len(), 1);
    assert!(plan.conflicts.is_empty());
}

#[test]
fn a_row_without_a_key_is_refused() {
    let rows = [row("a", vec![sms("+1")]), DesiredContact::default()];
    let error = plan(&rows, &columns(), &[], &keep()).unwrap_err();
    assert_eq!(error, PlanError::MissingExternalId { row: 1 });
    assert_eq!(error.to_string(), "row 1: no external_id");
}

#[test]
fn a_duplicate_key_is_refused() {
    let rows = [row("a", vec![sms("+1")]), row("a", vec![sms("+2")])];
    let error = plan(&rows, &columns(), &[], &keep()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "row 1: external_id `a` is already the key of row 0"
    );
}

#[test]
fn an_identity_in_two_rows_is_refused() {
    let rows = [row("a", vec![sms("+1")]), row("b", vec![sms("+1")])];
    let error = plan(&rows, &columns(), &[], &keep()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "row 1 (external_id `b`): the channel identity SMS `+1` is also in row 0 (external_id `a`)"
    );
}

#[test]
fn an_invalid_identity_is_refused_with_the_crates_validation() {
    let mut identity = messenger("p1", "");
    identity.app_id = None;
    let rows = [row("a", vec![sms("+1")]), row("b", vec![identity])];
    let current = [contact("01B", Some("b"), vec![])];
    let error = plan(&rows, &columns(), &current, &keep()).unwrap_err();
    let PlanError::Invalid {
        row,
        external_id,
        error,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*row, external_id.as_str()), (1, "b"));
    assert_eq!(
        error.violations()[0].field(),
        "channel_identities[0].app_id"
    );
}

#[test]
fn a_row_to_create_needs_identities_and_a_language() {
    let rows = [DesiredContact::new("a").with_email("a@example.com")];
    let columns = Columns::new([ContactField::Email]);
    let error = plan(&rows, &columns, &[], &keep()).unwrap_err();
    let PlanError::Invalid { error, .. } = &error else {
        panic!("{error:?}")
    };
    let kinds: Vec<_> = error
        .violations()
        .iter()
        .map(|v| v.kind().clone())
        .collect();
    assert_eq!(
        kinds,
        [
            ViolationKind::NoChannelIdentities,
            ViolationKind::Unspecified
        ]
    );
    // The same row only updates a contact that exists: no identity or language needed.
    let current = [contact("01A", Some("a"), vec![sms("+1")])];
    let plan = plan(&rows, &columns, &current, &keep()).unwrap();
    assert_eq!(plan.updates[0].patch.mask().to_query_value(), "email");
}

#[test]
fn three_contacts_sharing_a_key_are_all_named_in_its_conflict() {
    let current = [
        contact("01A", Some("k"), vec![sms("+1")]),
        contact("01B", Some("k"), vec![sms("+2")]),
        contact("01C", Some("k"), vec![sms("+3")]),
    ];
    let plan = plan(&[row("k", vec![sms("+4")])], &columns(), &current, &keep()).unwrap();
    assert_eq!(
        plan.conflicts,
        [Conflict::SharedExternalId {
            external_id: "k".to_owned(),
            contact_ids: vec!["01A".to_owned(), "01B".to_owned(), "01C".to_owned()]
        }]
    );
}

#[test]
fn a_holder_listing_an_identity_twice_is_one_conflict() {
    // Two contacts hold +1, the second listing it twice: one conflict per holder.
    let current = [
        contact("01A", None, vec![sms("+1")]),
        contact("01B", None, vec![sms("+1"), sms("+1")]),
        contact("01C", None, vec![sms("+2"), sms("+2")]),
    ];
    let rows = [row("n", vec![sms("+1")]), row("m", vec![sms("+2")])];
    let plan = plan(&rows, &columns(), &current, &keep()).unwrap();
    let holders: Vec<(&str, &str)> = plan
        .conflicts
        .iter()
        .map(|conflict| match conflict {
            Conflict::IdentityHeld {
                external_id,
                holder_id,
                ..
            } => (external_id.as_str(), holder_id.as_str()),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(holders, [("n", "01A"), ("n", "01B"), ("m", "01C")]);
}

#[test]
fn long_identity_lists_compare_as_sets_too() {
    let numbers: Vec<ChannelIdentity> = (0..40).map(|n| sms(&format!("+{n}"))).collect();
    let mut reversed = numbers.clone();
    reversed.reverse();
    reversed.push(sms("+0"));
    assert!(super::compare::same_identities(&numbers, &reversed));
    let mut other = numbers.clone();
    other[39] = sms("+99");
    assert!(!super::compare::same_identities(&numbers, &other));
    assert!(!super::compare::same_identities(&numbers, &numbers[..39]));
    assert!(!super::compare::same_identities(
        &numbers[..2],
        &numbers[..3]
    ));
}

#[test]
fn an_app_id_on_a_channel_that_is_not_app_scoped_is_no_part_of_the_identity() {
    let mut with_app = sms("+1");
    with_app.app_id = Some("app-1".to_owned());
    let current = [contact("01A", Some("a"), vec![sms("+1")])];
    let plan = plan(&[row("a", vec![with_app])], &columns(), &current, &keep()).unwrap();
    assert!(plan.is_empty(), "{plan:?}");
    assert_eq!(plan.unchanged, 1);
}

#[test]
fn a_checked_source_plans_as_plan_does_without_checking_again() {
    let rows = [
        row("a", vec![sms("+1")]).with_email("a@example.com"),
        row("n", vec![sms("+2")]),
    ];
    let current = [contact("01A", Some("a"), vec![sms("+1")])];
    let columns = columns();
    let checked = check_source(&rows, &columns).unwrap();
    assert_eq!(checked.rows().len(), 2);
    assert_eq!(checked.columns(), &columns);
    let planned = checked.plan(&current, &keep()).unwrap();
    assert_eq!(planned, plan(&rows, &columns, &current, &keep()).unwrap());
    assert_eq!((planned.creates.len(), planned.updates.len()), (1, 1));
    // The check that needs the current contacts: a row to create without a language.
    let no_language = [DesiredContact::new("x").with_identity(sms("+3"))];
    let checked = check_source(&no_language, &columns).unwrap();
    assert!(matches!(
        checked.plan(&[], &keep()),
        Err(PlanError::Invalid { row: 0, .. })
    ));
}
