//! The behaviour suite, one body per rule, run on every backend (memory, SQLite, PostgreSQL).
//! Expected values are worked out by hand from the documented rules.

use futures_util::TryStreamExt as _;
use sinch_contacts_callbacks::mirror::MirrorChange;
use sinch_contacts_callbacks::optout::{Consent, ConsentSource, IdentityKey, SuppressionOutcome};
use sinch_contacts_callbacks::store::{Applied, CallbackStore, ContactState};
use sinch_contacts_callbacks::{ConversationChannel, Timestamp};

use crate::support::*;

fn ts(second: u32) -> Option<Timestamp> {
    Some(at(second).parse().expect("a hand-written timestamp parses"))
}

fn name_of(state: Option<ContactState>) -> Option<String> {
    match state {
        Some(ContactState::Live(entry)) => entry.contact.display_name,
        _ => None,
    }
}

pub async fn a_stop_keyword_suppresses_the_identity_on_its_channel_only<S: CallbackStore>(
    store: &S,
) {
    let (id, callback) = text(Some(10), "SMS", "46700000001", " Stop! ");
    let applied = store.apply(&id, &callback).await.unwrap();
    let key = IdentityKey::new(ConversationChannel::Sms, "46700000001");
    assert_eq!(
        applied,
        Applied::Fresh {
            suppression: SuppressionOutcome::OptedOut(key.clone()),
            mirror: MirrorChange::NotApplicable
        }
    );
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "46700000001")
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Whatsapp, "46700000001")
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Sms, "46700000002")
            .await
            .unwrap()
    );
    let record = store.consent(&key).await.unwrap().unwrap();
    assert_eq!(record.consent, Consent::OptedOut);
    assert_eq!(record.source, ConsentSource::Keyword);
    assert_eq!(record.changed_at, ts(10));
}

pub async fn a_redelivered_delivery_is_applied_once<S: CallbackStore>(store: &S) {
    // Without times, changes apply in arrival order: only the ledger keeps the redelivered
    // STOP from undoing the later START.
    let stop = text(None, "SMS", "1", "STOP");
    let start = text(None, "SMS", "1", "START");
    apply_all(store, &[stop.clone(), start]).await;
    assert_eq!(
        store.apply(&stop.0, &stop.1).await.unwrap(),
        Applied::AlreadyApplied
    );
    assert!(store.is_applied(&stop.0).await.unwrap());
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Sms, "1")
            .await
            .unwrap()
    );
}

pub async fn a_batch_applies_in_order_and_skips_repeats<S: CallbackStore>(store: &S) {
    let stop = text(Some(1), "SMS", "7", "STOP");
    let create = upsert(Some(2), true, "c1", "Ada");
    let results = store
        .apply_batch(&[stop.clone(), stop.clone(), create])
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    assert!(matches!(results[0], Applied::Fresh { .. }));
    assert_eq!(results[1], Applied::AlreadyApplied);
    assert!(matches!(results[2], Applied::Fresh { .. }));
    assert!(
        store
            .is_suppressed(&ConversationChannel::Sms, "7")
            .await
            .unwrap()
    );
    assert_eq!(
        name_of(store.contact_state("c1").await.unwrap()).as_deref(),
        Some("Ada")
    );
}

pub async fn an_older_consent_change_does_not_undo_a_newer_one<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            text(Some(20), "SMS", "5", "START"),
            text(Some(10), "SMS", "5", "STOP"),
        ],
    )
    .await;
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Sms, "5")
            .await
            .unwrap()
    );
    let record = store
        .consent(&IdentityKey::new(ConversationChannel::Sms, "5"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (record.consent, record.changed_at),
        (Consent::OptedIn, ts(20))
    );
}

pub async fn opt_callbacks_change_consent_only_when_succeeded<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            opt(Some(1), true, "VIBERBM", "a", "SUCCEEDED"),
            opt(Some(2), true, "VIBERBM", "b", "FAILED"),
        ],
    )
    .await;
    assert!(
        store
            .is_suppressed(&ConversationChannel::Viberbm, "a")
            .await
            .unwrap()
    );
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Viberbm, "b")
            .await
            .unwrap()
    );
    let record = store
        .consent(&IdentityKey::new(ConversationChannel::Viberbm, "a"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.source, ConsentSource::OptCallback);
    apply_all(store, &[opt(Some(3), false, "VIBERBM", "a", "SUCCEEDED")]).await;
    assert!(
        !store
            .is_suppressed(&ConversationChannel::Viberbm, "a")
            .await
            .unwrap()
    );
}

pub async fn suppressed_identities_stream_one_channel_in_order<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            text(Some(1), "SMS", "300", "STOP"),
            text(Some(2), "SMS", "100", "STOP"),
            text(Some(3), "SMS", "200", "STOP"),
            text(Some(4), "SMS", "200", "START"),
            text(Some(5), "WHATSAPP", "400", "STOP"),
        ],
    )
    .await;
    let sms: Vec<String> = store
        .suppressed_identities(&ConversationChannel::Sms)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(sms, ["100", "300"]);
    let whatsapp: Vec<String> = store
        .suppressed_identities(&ConversationChannel::Whatsapp)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(whatsapp, ["400"]);
}

pub async fn an_update_before_its_create_ends_as_in_order<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            upsert(Some(20), false, "c1", "New"),
            upsert(Some(10), true, "c1", "Old"),
        ],
    )
    .await;
    match store.contact_state("c1").await.unwrap() {
        Some(ContactState::Live(entry)) => {
            assert_eq!(entry.contact.display_name.as_deref(), Some("New"));
            assert_eq!(entry.as_of, ts(20));
        }
        other => panic!("expected a live contact, got {other:?}"),
    }
}

pub async fn a_late_update_after_a_delete_is_ignored<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            upsert(Some(10), true, "c1", "Ada"),
            delete(Some(30), "c1"),
            upsert(Some(20), false, "c1", "Late"),
        ],
    )
    .await;
    match store.contact_state("c1").await.unwrap() {
        Some(ContactState::Removed(removal)) => {
            assert_eq!(removal.at, ts(30));
            assert_eq!(removal.merged_into, None);
        }
        other => panic!("expected a removal, got {other:?}"),
    }
    assert_eq!(store.resolve("c1").await.unwrap(), None);
}

pub async fn events_naming_a_merged_away_id_leave_the_merge_in_place<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            merge(Some(20), "keep", "Kept", "gone"),
            upsert(Some(30), false, "gone", "Ghost"),
            upsert(Some(5), true, "gone", "Early"),
        ],
    )
    .await;
    match store.contact_state("gone").await.unwrap() {
        Some(ContactState::Removed(removal)) => {
            assert_eq!(removal.merged_into.as_deref(), Some("keep"));
            assert_eq!(removal.at, ts(20));
        }
        other => panic!("expected a merge alias, got {other:?}"),
    }
    let resolved = store.resolve("gone").await.unwrap().unwrap();
    assert_eq!(resolved.display_name.as_deref(), Some("Kept"));
}

pub async fn merge_chains_resolve_in_any_arrival_order<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            merge(Some(20), "c", "C", "b"),
            merge(Some(10), "b", "B", "a"),
        ],
    )
    .await;
    let resolved = store.resolve("a").await.unwrap().unwrap();
    assert_eq!(resolved.id.as_deref(), Some("c"));
    assert_eq!(name_of(store.contact_state("b").await.unwrap()), None);
}

pub async fn a_duplication_is_recorded_once_with_its_first_time<S: CallbackStore>(store: &S) {
    apply_all(
        store,
        &[
            duplication(Some(1), "46", &["x", "y"]),
            duplication(Some(2), "46", &["x", "y"]),
            duplication(Some(3), "47", &["x", "z"]),
        ],
    )
    .await;
    let dump = store.dump().await.unwrap();
    let recorded: Vec<(Option<String>, Vec<String>, Option<Timestamp>)> = dump
        .duplications
        .iter()
        .map(|r| {
            (
                r.duplicate.identity.clone(),
                r.duplicate.contact_ids.clone(),
                r.reported_at,
            )
        })
        .collect();
    assert_eq!(
        recorded,
        [
            (
                Some("46".to_owned()),
                vec!["x".to_owned(), "y".to_owned()],
                ts(1)
            ),
            (
                Some("47".to_owned()),
                vec!["x".to_owned(), "z".to_owned()],
                ts(3)
            ),
        ]
    );
    assert_eq!(dump.deliveries.len(), 3);
}

/// Generates one `#[tokio::test]` per suite function for a backend.
macro_rules! suite_for {
    ($backend:ident) => {
        mod $backend {
            suite_for!(@tests $backend,
                a_stop_keyword_suppresses_the_identity_on_its_channel_only,
                a_redelivered_delivery_is_applied_once,
                a_batch_applies_in_order_and_skips_repeats,
                an_older_consent_change_does_not_undo_a_newer_one,
                opt_callbacks_change_consent_only_when_succeeded,
                suppressed_identities_stream_one_channel_in_order,
                an_update_before_its_create_ends_as_in_order,
                a_late_update_after_a_delete_is_ignored,
                events_naming_a_merged_away_id_leave_the_merge_in_place,
                merge_chains_resolve_in_any_arrival_order,
                a_duplication_is_recorded_once_with_its_first_time
            );
        }
    };
    (@tests $backend:ident, $($name:ident),*) => {
        $(
            #[tokio::test]
            async fn $name() {
                let Some(backend) = crate::support::$backend().await else { return };
                super::$name(&backend.store).await;
            }
        )*
    };
}

suite_for!(memory);
suite_for!(sqlite);
suite_for!(postgres);
