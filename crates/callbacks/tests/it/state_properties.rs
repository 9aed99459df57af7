//! Properties of the stateful parts: the mirror and the suppression list end in the same state
//! whatever the delivery order (with distinct `accepted_time`s) and however often a callback is
//! redelivered; timestamps format and parse back to the same instant.

use proptest::prelude::*;
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::{Consent, ConsentSource, IdentityKey, SuppressionList};
use sinch_contacts_callbacks::{Callback, ConversationChannel, Timestamp, parse_unverified};

fn at(second: u32) -> String {
    Timestamp::from_unix(1_700_000_000 + i64::from(second), 0).to_string()
}

fn contact_update(second: u32, id: u8, name: u8) -> Callback {
    let body = serde_json::json!({
        "app_id": "a", "project_id": "p", "accepted_time": at(second),
        "contact_update_notification": {"contact": {"id": format!("c{id}"), "display_name": format!("n{name}")}}
    });
    parse_unverified(&serde_json::to_vec(&body).unwrap()).unwrap()
}

fn contact_delete(second: u32, id: u8) -> Callback {
    let body = serde_json::json!({
        "app_id": "a", "project_id": "p", "accepted_time": at(second),
        "contact_delete_notification": {"contact_id": format!("c{id}")}
    });
    parse_unverified(&serde_json::to_vec(&body).unwrap()).unwrap()
}

/// A mirror event of the generated schedules: an update of contact `c{id}` to the name
/// `n{name}`, or (name `None`) a delete of `c{id}`.
type MirrorEvent = (u8, Option<u8>);

fn keyword(second: u32, identity: u8, stop: bool) -> Callback {
    let body = serde_json::json!({
        "app_id": "a", "project_id": "p", "accepted_time": at(second),
        "message": {
            "channel_identity": {"channel": "SMS", "identity": format!("{identity}")},
            "contact_message": {"text_message": {"text": if stop { "STOP" } else { "START" }}}
        }
    });
    parse_unverified(&serde_json::to_vec(&body).unwrap()).unwrap()
}

/// Events with distinct seconds (their index), random targets, and a random delivery order
/// with random redeliveries.
fn schedule<T: std::fmt::Debug + Clone>(
    target: impl Strategy<Value = T>,
) -> impl Strategy<Value = (Vec<T>, Vec<usize>)> {
    prop::collection::vec(target, 1..12).prop_flat_map(|events| {
        let n = events.len();
        let order = Just((0..n).collect::<Vec<_>>()).prop_shuffle();
        let extra = prop::collection::vec(0..n, 0..6);
        (Just(events), order, extra).prop_map(|(events, mut order, extra)| {
            order.extend(extra);
            (events, order)
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The expected state comes from the documented rules restated naively, not from the
    /// mirror: a contact with a delete anywhere in the schedule is gone (deletes are final,
    /// whatever their time); otherwise it holds the update with the latest `accepted_time`, and
    /// that time. Every event is delivered at least once, in a random order, some twice.
    #[test]
    fn mirror_state_follows_the_documented_rules_in_any_delivery_order(
        (events, order) in schedule((0u8..3, prop::option::weighted(0.8, 0u8..5)))
    ) {
        let callbacks: Vec<Callback> = events
            .iter()
            .enumerate()
            .map(|(second, (id, name))| match name {
                Some(name) => contact_update(second as u32, *id, *name),
                None => contact_delete(second as u32, *id),
            })
            .collect();
        let mut mirror = ContactMirror::new();
        for index in &order {
            mirror.apply(&callbacks[*index]);
        }
        let events: &[MirrorEvent] = &events;
        let mut live = 0;
        for id in 0..3u8 {
            let key = format!("c{id}");
            let deleted = events.iter().any(|(i, name)| *i == id && name.is_none());
            let latest = events
                .iter()
                .enumerate()
                .filter(|(_, (i, name))| *i == id && name.is_some())
                .max_by_key(|(second, _)| *second);
            match (deleted, latest) {
                (false, Some((second, (_, Some(name))))) => {
                    live += 1;
                    let entry = mirror.entry(&key).expect("a live contact has an entry");
                    prop_assert_eq!(entry.contact.display_name.clone(), Some(format!("n{name}")));
                    prop_assert_eq!(entry.as_of, Some(Timestamp::parse(&at(second as u32)).unwrap()));
                    prop_assert_eq!(mirror.get(&key), Some(&entry.contact));
                    prop_assert!(mirror.removal(&key).is_none());
                }
                (true, _) => {
                    prop_assert!(mirror.entry(&key).is_none());
                    prop_assert!(mirror.get(&key).is_none());
                    let removal = mirror.removal(&key).expect("a deleted contact is remembered");
                    prop_assert_eq!(&removal.merged_into, &None);
                    prop_assert_eq!(mirror.resolve_id(&key), None);
                }
                _ => {
                    prop_assert!(mirror.entry(&key).is_none());
                    prop_assert!(mirror.removal(&key).is_none());
                }
            }
        }
        prop_assert_eq!(mirror.len(), live);
        prop_assert_eq!(mirror.is_empty(), live == 0);
        prop_assert_eq!(mirror.contacts().count(), live);
    }

    #[test]
    fn suppression_state_follows_the_latest_keyword(
        (events, order) in schedule((0u8..3, any::<bool>()))
    ) {
        let callbacks: Vec<Callback> = events
            .iter()
            .enumerate()
            .map(|(second, (identity, stop))| keyword(second as u32, *identity, *stop))
            .collect();
        let mut list = SuppressionList::default();
        for index in &order {
            list.apply(&callbacks[*index]);
        }
        let mut opted_out = Vec::new();
        for identity in 0..3u8 {
            let latest = events
                .iter()
                .enumerate()
                .rev()
                .find(|(_, (i, _))| *i == identity);
            let expected = !latest.is_some_and(|(_, (_, stop))| *stop);
            prop_assert_eq!(list.may_message(&ConversationChannel::Sms, &identity.to_string()), expected);
            let key = IdentityKey::new(ConversationChannel::Sms, identity.to_string());
            match latest {
                Some((second, (_, stop))) => {
                    let record = list.record_of(&key).expect("a keyword leaves a record");
                    let consent = if *stop { Consent::OptedOut } else { Consent::OptedIn };
                    prop_assert_eq!(record.consent, consent);
                    prop_assert_eq!(record.changed_at, Some(Timestamp::parse(&at(second as u32)).unwrap()));
                    prop_assert_eq!(record.source, ConsentSource::Keyword);
                    if *stop {
                        opted_out.push(key);
                    }
                }
                None => prop_assert!(list.record_of(&key).is_none()),
            }
        }
        let mut listed: Vec<IdentityKey> = list.opted_out().cloned().collect();
        listed.sort();
        prop_assert_eq!(listed, opted_out);
    }

    #[test]
    fn timestamps_format_and_parse_back(seconds in -62_135_596_800i64..253_402_300_799, nanos in 0u32..1_000_000_000) {
        let timestamp = Timestamp::from_unix(seconds, nanos);
        let text = timestamp.to_string();
        prop_assert_eq!(Timestamp::parse(&text).unwrap(), timestamp, "{}", text);
        prop_assert_eq!(Timestamp::from_system_time(timestamp.to_system_time()), timestamp);
    }

    #[test]
    fn timestamp_parse_never_panics(text in "\\PC{0,40}") {
        let _ = Timestamp::parse(&text);
    }
}
