//! The shared effect computation: which rows a callback names, and that only changed rows are
//! written (hand-worked cases).

use sinch_contacts_callbacks::mirror::{MirrorChange, MirroredContact};
use sinch_contacts_callbacks::optout::{Consent, ConsentRecord, ConsentSource, IdentityKey};
use sinch_contacts_callbacks::store::{
    ConsentRules, ContactState, DeliveryId, StateKeys, StateSlice, compute_effect,
};
use sinch_contacts_callbacks::{Callback, ConversationChannel, parse_unverified};

fn callback(json: &str) -> Callback {
    parse_unverified(json.as_bytes()).unwrap()
}

const MERGE: &str = r#"{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:10Z",
  "contact_merge_notification":{"deleted_contact_id":"b","preserved_contact":{"id":"a","display_name":"A"}}}"#;
const STOP: &str = r#"{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:10Z",
  "message":{"channel_identity":{"channel":"SMS","identity":"46"},"contact_message":{"text_message":{"text":"STOP"}}}}"#;

#[test]
fn a_merge_names_both_contacts_and_writes_both_rows_on_an_empty_store() {
    let merge = callback(MERGE);
    let keys = StateKeys::of(&merge);
    assert_eq!(keys.contact_ids, ["a", "b"]);
    assert_eq!(keys.identity, None);
    let effect = compute_effect(&ConsentRules::default(), &keys, &StateSlice::new(), &merge);
    assert_eq!(
        effect.mirror,
        MirrorChange::Merged {
            preserved: "a".into(),
            deleted: "b".into()
        }
    );
    let written: Vec<(&str, bool)> = effect
        .contacts
        .iter()
        .map(|(id, state)| (id.as_str(), matches!(state, ContactState::Live(_))))
        .collect();
    assert_eq!(written, [("a", true), ("b", false)]);
}

#[test]
fn a_stop_already_recorded_writes_nothing() {
    let stop = callback(STOP);
    let keys = StateKeys::of(&stop);
    assert_eq!(
        keys.identity,
        Some(IdentityKey::new(ConversationChannel::Sms, "46"))
    );
    let mut slice = StateSlice::new();
    slice.consent = Some(ConsentRecord::new(
        Consent::OptedOut,
        Some("2024-01-01T00:00:10Z".parse().unwrap()),
        ConsentSource::Keyword,
    ));
    let effect = compute_effect(&ConsentRules::default(), &keys, &slice, &stop);
    assert!(effect.writes_nothing(), "{effect:?}");
}

#[test]
fn a_create_matching_the_stored_contact_writes_nothing() {
    let create = callback(
        r#"{"app_id":"a","project_id":"p","accepted_time":"2024-01-01T00:00:10Z",
        "contact_create_notification":{"contact":{"id":"c","display_name":"C"}}}"#,
    );
    let keys = StateKeys::of(&create);
    let mut contact = sinch_contacts_callbacks::Contact::default();
    contact.id = Some("c".into());
    contact.display_name = Some("C".into());
    let mut slice = StateSlice::new();
    slice.contacts.push((
        "c".into(),
        ContactState::Live(MirroredContact::new(
            contact,
            Some("2024-01-01T00:00:10Z".parse().unwrap()),
        )),
    ));
    let effect = compute_effect(&ConsentRules::default(), &keys, &slice, &create);
    assert_eq!(effect.mirror, MirrorChange::Unchanged);
    assert!(effect.writes_nothing(), "{effect:?}");
}

#[test]
fn the_delivery_id_is_the_sha256_of_the_body() {
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    assert_eq!(
        DeliveryId::of_body(b"abc").as_str(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}
