//! Properties of the stateful parts: the mirror and the suppression list end in the same state
//! whatever the delivery order (with distinct `accepted_time`s) and however often a callback is
//! redelivered; timestamps format and parse back to the same instant.

use proptest::prelude::*;
use sinch_contacts_callbacks::mirror::ContactMirror;
use sinch_contacts_callbacks::optout::SuppressionList;
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

    #[test]
    fn mirror_state_does_not_depend_on_delivery_order(
        (events, order) in schedule((0u8..3, 0u8..5))
    ) {
        let callbacks: Vec<Callback> = events
            .iter()
            .enumerate()
            .map(|(second, (id, name))| contact_update(second as u32, *id, *name))
            .collect();
        let mut in_order = ContactMirror::new();
        for callback in &callbacks {
            in_order.apply(callback);
        }
        let mut shuffled = ContactMirror::new();
        for index in &order {
            shuffled.apply(&callbacks[*index]);
        }
        for id in 0..3u8 {
            let id = format!("c{id}");
            prop_assert_eq!(in_order.entry(&id), shuffled.entry(&id));
        }
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
        for identity in 0..3u8 {
            let latest = events.iter().rev().find(|(i, _)| *i == identity).map(|(_, stop)| *stop);
            let expected = !latest.unwrap_or(false);
            prop_assert_eq!(list.may_message(&ConversationChannel::Sms, &identity.to_string()), expected);
        }
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
