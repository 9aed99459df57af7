//! The planner on hand-worked groups: what each delivery did, and the rows written once each.

use sinch_contacts_callbacks::mirror::MirrorChange;
use sinch_contacts_callbacks::optout::{Consent, IdentityKey, SuppressionOutcome};
use sinch_contacts_callbacks::store::{Applied, ConsentRules, ContactState, DeliveryId};
use sinch_contacts_callbacks::{Callback, ConversationChannel, parse_unverified};

use super::*;

fn delivery(body: &str) -> (DeliveryId, Callback) {
    (
        DeliveryId::of_body(body.as_bytes()),
        parse_unverified(body.as_bytes()).expect("the test body parses"),
    )
}

fn text(second: u32, identity: &str, word: &str) -> (DeliveryId, Callback) {
    delivery(&format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:{second:02}Z","message":{{"channel_identity":{{"channel":"SMS","identity":"{identity}"}},"contact_message":{{"text_message":{{"text":"{word}"}}}}}}}}"#
    ))
}

fn upsert(second: u32, create: bool, id: &str, name: &str) -> (DeliveryId, Callback) {
    let key = if create {
        "contact_create_notification"
    } else {
        "contact_update_notification"
    };
    delivery(&format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:{second:02}Z","{key}":{{"contact":{{"id":"{id}","display_name":"{name}"}}}}}}"#
    ))
}

fn delete(second: u32, id: &str) -> (DeliveryId, Callback) {
    delivery(&format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:{second:02}Z","contact_delete_notification":{{"contact_id":"{id}"}}}}"#
    ))
}

fn duplication(second: u32, identity: &str) -> (DeliveryId, Callback) {
    delivery(&format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:{second:02}Z","duplicated_contact_identities_notification":{{"duplicated_identities":[{{"channel":"SMS","identity":"{identity}","contact_ids":["c1","c2"]}}]}}}}"#
    ))
}

fn capability(second: u32) -> (DeliveryId, Callback) {
    delivery(&format!(
        r#"{{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:{second:02}Z","capability_notification":{{"contact_id":"c1","identity":"46700000001","channel":"WHATSAPP","capability_status":"CAPABILITY_FULL"}}}}"#
    ))
}

fn sms(identity: &str) -> IdentityKey {
    IdentityKey::new(ConversationChannel::Sms, identity)
}

fn run(units: &[Vec<(DeliveryId, Callback)>], loaded: Loaded) -> Planned {
    let group: Vec<&Unit> = units.iter().map(Vec::as_slice).collect();
    let keys = GroupKeys::of(&group).expect("keys");
    plan(&ConsentRules::default(), &group, &keys, loaded)
}

fn live_name(state: &ContactState) -> Option<&str> {
    match state {
        ContactState::Live(entry) => entry.contact.display_name.as_deref(),
        _ => None,
    }
}

#[test]
fn the_keys_of_a_group_are_the_union_of_each_deliverys_rows() {
    let units = [
        vec![text(1, "461", "STOP"), upsert(2, true, "c2", "Bo")],
        vec![delete(3, "c1"), duplication(4, "462"), capability(5)],
    ];
    let group: Vec<&Unit> = units.iter().map(Vec::as_slice).collect();
    let keys = GroupKeys::of(&group).expect("keys");
    assert_eq!(keys.deliveries.len(), 5);
    assert_eq!(
        keys.identities.iter().collect::<Vec<_>>(),
        vec![&sms("461")]
    );
    assert_eq!(
        keys.contact_ids
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        vec!["c1", "c2"]
    );
    assert_eq!(keys.duplications.len(), 1);
    assert!(keys.duplications.iter().next().unwrap().contains("\"462\""));
    assert!(keys.reports_duplications());
}

#[test]
fn a_group_without_a_duplication_report_reports_none() {
    let units = [vec![text(1, "461", "STOP")]];
    let group: Vec<&Unit> = units.iter().map(Vec::as_slice).collect();
    assert!(!GroupKeys::of(&group).unwrap().reports_duplications());
}

#[test]
fn a_delivery_in_the_ledger_or_earlier_in_the_group_is_already_applied() {
    let stop = text(1, "461", "STOP");
    let again = stop.clone();
    let known = upsert(2, true, "c1", "Ann");
    let mut loaded = Loaded::default();
    loaded.applied.insert(known.0.as_str().to_owned());
    let planned = run(&[vec![stop.clone(), known], vec![again]], loaded);
    assert!(matches!(planned.results[0][0], Applied::Fresh { .. }));
    assert_eq!(planned.results[0][1], Applied::AlreadyApplied);
    assert_eq!(planned.results[1], vec![Applied::AlreadyApplied]);
    // One ledger entry: the STOP's, with its trigger.
    assert_eq!(
        planned.writes.ledger,
        vec![(stop.0.as_str().to_owned(), "MESSAGE_INBOUND".to_owned())]
    );
    assert!(planned.writes.contacts.is_empty());
    assert_eq!(planned.writes.consents.len(), 1);
}

#[test]
fn later_deliveries_see_earlier_ones_and_each_row_is_written_once() {
    // Create c1 at 1 s, rename at 2 s, STOP at 3 s and START at 4 s: c1 is "Bea", 461 opted in.
    let planned = run(
        &[
            vec![upsert(1, true, "c1", "Ann")],
            vec![upsert(2, false, "c1", "Bea"), text(3, "461", "STOP")],
            vec![text(4, "461", "START")],
        ],
        Loaded::default(),
    );
    assert_eq!(
        planned.results,
        vec![
            vec![Applied::Fresh {
                suppression: SuppressionOutcome::Ignored(
                    sinch_contacts_callbacks::optout::IgnoredReason::NotConsentRelated
                ),
                mirror: MirrorChange::Inserted("c1".to_owned()),
            }],
            vec![
                Applied::Fresh {
                    suppression: SuppressionOutcome::Ignored(
                        sinch_contacts_callbacks::optout::IgnoredReason::NotConsentRelated
                    ),
                    mirror: MirrorChange::Updated("c1".to_owned()),
                },
                Applied::Fresh {
                    suppression: SuppressionOutcome::OptedOut(sms("461")),
                    mirror: MirrorChange::NotApplicable,
                },
            ],
            vec![Applied::Fresh {
                suppression: SuppressionOutcome::OptedIn(sms("461")),
                mirror: MirrorChange::NotApplicable,
            }],
        ]
    );
    assert_eq!(planned.writes.contacts.len(), 1);
    assert_eq!(live_name(&planned.writes.contacts["c1"]), Some("Bea"));
    assert_eq!(planned.writes.consents.len(), 1);
    assert_eq!(
        planned.writes.consents[&sms("461")].consent,
        Consent::OptedIn
    );
    assert_eq!(planned.writes.ledger.len(), 4);
}

#[test]
fn what_was_loaded_is_the_starting_point() {
    // The database holds 461 opted out at 5 s: a START at 4 s is stale, and nothing is written
    // for it but its ledger entry. It holds c1 deleted: an update of c1 is stale.
    let mut loaded = Loaded::default();
    let stop = text(5, "461", "STOP");
    let first = run(&[vec![stop, delete(6, "c1")]], Loaded::default());
    loaded.consents.extend(first.writes.consents.clone());
    loaded.contacts.extend(first.writes.contacts.clone());
    let planned = run(
        &[vec![
            text(4, "461", "START"),
            upsert(7, false, "c1", "Late"),
        ]],
        loaded,
    );
    assert_eq!(
        planned.results[0][0],
        Applied::Fresh {
            suppression: SuppressionOutcome::Stale(sms("461")),
            mirror: MirrorChange::NotApplicable,
        }
    );
    assert!(matches!(
        &planned.results[0][1],
        Applied::Fresh { mirror: MirrorChange::Stale(id), .. } if id == "c1"
    ));
    assert!(planned.writes.consents.is_empty());
    assert!(planned.writes.contacts.is_empty());
    assert_eq!(planned.writes.ledger.len(), 2);
}

#[test]
fn a_duplication_is_recorded_once_per_group_and_never_again_once_loaded() {
    let planned = run(
        &[vec![duplication(1, "462")], vec![duplication(2, "462")]],
        Loaded::default(),
    );
    assert!(matches!(
        planned.results[0][0],
        Applied::Fresh {
            mirror: MirrorChange::DuplicationsRecorded(1),
            ..
        }
    ));
    // The second report of the same identity adds nothing.
    assert!(!matches!(
        planned.results[1][0],
        Applied::Fresh {
            mirror: MirrorChange::DuplicationsRecorded(_),
            ..
        }
    ));
    assert_eq!(planned.writes.duplications.len(), 1);

    let mut loaded = Loaded::default();
    loaded
        .duplications
        .insert(planned.writes.duplications[0].0.clone());
    let again = run(&[vec![duplication(3, "462")]], loaded);
    assert!(again.writes.duplications.is_empty());
    assert_eq!(again.writes.ledger.len(), 1);
}

#[test]
fn a_callback_touching_no_state_writes_only_its_ledger_entry() {
    let planned = run(&[vec![capability(1)]], Loaded::default());
    assert_eq!(planned.writes.ledger.len(), 1);
    assert_eq!(planned.writes.ledger[0].1, "CAPABILITY");
    assert!(planned.writes.consents.is_empty());
    assert!(planned.writes.contacts.is_empty());
    assert!(planned.writes.duplications.is_empty());
}
