//! The suppression list fed by inbound keywords and OPT_IN / OPT_OUT callbacks.

use sinch_contacts_callbacks::optout::{
    Consent, IdentityKey, IgnoredReason, KeywordClassifier, SuppressionList, SuppressionOutcome,
};
use sinch_contacts_callbacks::{Callback, ConversationChannel, parse_unverified};

use crate::support::fixture;

fn inbound(channel: &str, identity: &str, text: &str, accepted: &str) -> Callback {
    let body = serde_json::json!({
        "app_id": "a", "project_id": "p", "accepted_time": accepted,
        "message": {
            "channel_identity": {"channel": channel, "identity": identity, "app_id": ""},
            "contact_message": {"text_message": {"text": text}}
        }
    });
    parse_unverified(&serde_json::to_vec(&body).unwrap()).unwrap()
}

fn opt(kind: &str, status: &str, identity: Option<&str>, accepted: &str) -> Callback {
    let mut notification =
        serde_json::json!({"channel": "VIBERBM", "status": status, "contact_id": "c1"});
    if let Some(identity) = identity {
        notification["identity"] = identity.into();
    }
    let body = serde_json::json!({
        "app_id": "a", "project_id": "p", "accepted_time": accepted,
        format!("{kind}_notification"): notification,
    });
    parse_unverified(&serde_json::to_vec(&body).unwrap()).unwrap()
}

const SMS: ConversationChannel = ConversationChannel::Sms;

#[test]
fn stop_then_start_on_a_text_channel() {
    let mut list = SuppressionList::default();
    let key = IdentityKey::new(SMS, "4670");
    assert!(list.may_message(&SMS, "4670"));
    assert_eq!(
        list.apply(&inbound("SMS", "4670", " stop! ", "2024-01-01T00:00:01Z")),
        SuppressionOutcome::OptedOut(key.clone())
    );
    assert!(!list.may_message(&SMS, "4670"));
    assert!(
        list.may_message(&ConversationChannel::Mms, "4670"),
        "keyed by channel too"
    );
    // Redelivery changes nothing.
    assert_eq!(
        list.apply(&inbound("SMS", "4670", " stop! ", "2024-01-01T00:00:01Z")),
        SuppressionOutcome::OptedOut(key.clone())
    );
    assert!(!list.may_message(&SMS, "4670"));
    assert_eq!(
        list.apply(&inbound("SMS", "4670", "help", "2024-01-01T00:00:02Z")),
        SuppressionOutcome::HelpRequested(key.clone())
    );
    assert!(!list.may_message(&SMS, "4670"), "help changes nothing");
    assert_eq!(
        list.apply(&inbound("SMS", "4670", "START", "2024-01-01T00:00:03Z")),
        SuppressionOutcome::OptedIn(key.clone())
    );
    assert!(list.may_message(&SMS, "4670"));
    // An older STOP arriving late is ignored.
    assert_eq!(
        list.apply(&inbound("SMS", "4670", "STOP", "2024-01-01T00:00:02Z")),
        SuppressionOutcome::Stale(key.clone())
    );
    assert!(list.may_message(&SMS, "4670"));
    assert_eq!(list.record_of(&key).unwrap().consent, Consent::OptedIn);
}

#[test]
fn only_text_channels_and_whole_keywords_count() {
    let mut list = SuppressionList::default();
    assert_eq!(
        list.apply(&inbound(
            "MESSENGER",
            "psid",
            "STOP",
            "2024-01-01T00:00:01Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::NotATextChannel)
    );
    assert!(list.may_message(&ConversationChannel::Messenger, "psid"));
    assert_eq!(
        list.apply(&inbound(
            "WHATSAPP",
            "4670",
            "please don't stop",
            "2024-01-01T00:00:01Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::NoKeyword)
    );
    for channel in ["SMS", "MMS", "RCS", "WHATSAPP"] {
        assert!(
            matches!(
                list.apply(&inbound(
                    channel,
                    "1",
                    "Unsubscribe",
                    "2024-01-01T00:00:01Z"
                )),
                SuppressionOutcome::OptedOut(_)
            ),
            "{channel}"
        );
    }
    let media = parse_unverified(&fixture("official/message_inbound_media.json")).unwrap();
    assert_eq!(
        list.apply(&media),
        SuppressionOutcome::Ignored(IgnoredReason::NotAText)
    );
    let mut custom =
        SuppressionList::new(KeywordClassifier::default().with_opt_out_keywords(["ARRET"]))
            .with_text_channels([ConversationChannel::Sms]);
    assert!(matches!(
        custom.apply(&inbound("SMS", "2", "arret", "2024-01-01T00:00:01Z")),
        SuppressionOutcome::OptedOut(_)
    ));
    assert_eq!(
        custom.apply(&inbound("RCS", "2", "arret", "2024-01-01T00:00:01Z")),
        SuppressionOutcome::Ignored(IgnoredReason::NotATextChannel)
    );
}

#[test]
fn fixture_stop_message_opts_out() {
    let mut list = SuppressionList::default();
    let stop = parse_unverified(&fixture("official/message_inbound_text_stop.json")).unwrap();
    assert!(matches!(list.apply(&stop), SuppressionOutcome::OptedOut(_)));
    assert!(!list.may_message(&SMS, "46732001122"));
    assert_eq!(list.opted_out().count(), 1);
}

#[test]
fn opt_callbacks_change_state_only_when_succeeded() {
    let mut list = SuppressionList::default();
    let viber = ConversationChannel::Viberbm;
    assert_eq!(
        list.apply(&opt(
            "opt_out",
            "OPT_OUT_FAILED",
            Some("4670"),
            "2024-01-01T00:00:01Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded)
    );
    assert_eq!(
        list.apply(&opt(
            "opt_out",
            "OPT_OUT_STATUS_UNSPECIFIED",
            Some("4670"),
            "2024-01-01T00:00:01Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded)
    );
    assert_eq!(
        list.apply(&opt(
            "opt_out",
            "SOMETHING_NEW",
            Some("4670"),
            "2024-01-01T00:00:01Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded)
    );
    assert!(list.may_message(&viber, "4670"));
    assert!(matches!(
        list.apply(&opt(
            "opt_out",
            "OPT_OUT_SUCCEEDED",
            Some("4670"),
            "2024-01-01T00:00:05Z"
        )),
        SuppressionOutcome::OptedOut(_)
    ));
    assert!(!list.may_message(&viber, "4670"));
    assert!(matches!(
        list.apply(&opt(
            "opt_in",
            "OPT_IN_SUCCEEDED",
            Some("4670"),
            "2024-01-01T00:00:04Z"
        )),
        SuppressionOutcome::Stale(_)
    ));
    assert!(!list.may_message(&viber, "4670"));
    assert!(matches!(
        list.apply(&opt(
            "opt_in",
            "OPT_IN_SUCCEEDED",
            Some("4670"),
            "2024-01-01T00:00:06Z"
        )),
        SuppressionOutcome::OptedIn(_)
    ));
    assert!(list.may_message(&viber, "4670"));
    assert_eq!(
        list.apply(&opt(
            "opt_out",
            "OPT_OUT_SUCCEEDED",
            None,
            "2024-01-01T00:00:07Z"
        )),
        SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity)
    );
    let seed = parse_unverified(&fixture("seeds/opt_out.json")).unwrap();
    assert!(matches!(list.apply(&seed), SuppressionOutcome::OptedOut(_)));
    assert!(!list.may_message(&ConversationChannel::Viber, "46732001122"));
}

#[test]
fn callbacks_without_accepted_time_apply_in_arrival_order() {
    let mut list = SuppressionList::default();
    let mut stop = inbound("SMS", "9", "STOP", "2024-01-01T00:00:10Z");
    assert!(matches!(list.apply(&stop), SuppressionOutcome::OptedOut(_)));
    let mut start = inbound("SMS", "9", "START", "2024-01-01T00:00:00Z");
    start.accepted_time = None;
    assert!(matches!(list.apply(&start), SuppressionOutcome::OptedIn(_)));
    stop.accepted_time =
        Some(sinch_contacts_callbacks::Timestamp::parse("2024-01-01T00:00:09Z").unwrap());
    assert!(
        matches!(list.apply(&stop), SuppressionOutcome::Stale(_)),
        "the recorded time is still 00:10"
    );
}

#[test]
fn yes_does_not_resubscribe_an_opted_out_number_by_default() {
    let mut list = SuppressionList::default();
    let key = IdentityKey::new(SMS, "4671");
    list.apply(&inbound("SMS", "4671", "STOP", "2024-01-01T00:00:01Z"));
    // "Yes" answers any question; it is no opt-in unless the program configures it.
    assert_eq!(
        list.apply(&inbound("SMS", "4671", "Yes!", "2024-01-01T00:00:02Z")),
        SuppressionOutcome::Ignored(IgnoredReason::NoKeyword)
    );
    assert!(!list.may_message(&SMS, "4671"));
    let mut with_yes = SuppressionList::new(
        KeywordClassifier::default().with_opt_in_keywords(
            sinch_contacts_callbacks::optout::DEFAULT_OPT_IN
                .iter()
                .copied()
                .chain(["YES"]),
        ),
    );
    with_yes.apply(&inbound("SMS", "4671", "STOP", "2024-01-01T00:00:01Z"));
    assert_eq!(
        with_yes.apply(&inbound("SMS", "4671", "Yes!", "2024-01-01T00:00:02Z")),
        SuppressionOutcome::OptedIn(key)
    );
    assert!(with_yes.may_message(&SMS, "4671"));
}

#[test]
fn an_opt_callback_with_an_empty_identity_records_nothing() {
    let mut list = SuppressionList::default();
    for kind in ["opt_out", "opt_in"] {
        let status = if kind == "opt_out" {
            "OPT_OUT_SUCCEEDED"
        } else {
            "OPT_IN_SUCCEEDED"
        };
        assert_eq!(
            list.apply(&opt(kind, status, Some(""), "2024-01-01T00:00:01Z")),
            SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity),
            "{kind}"
        );
    }
    let viber = ConversationChannel::Viberbm;
    assert!(
        list.record_of(&IdentityKey::new(viber.clone(), ""))
            .is_none()
    );
    assert_eq!(list.opted_out().count(), 0);
    assert!(list.may_message(&viber, ""));
}

#[test]
fn equal_accepted_times_apply_in_arrival_order() {
    let mut list = SuppressionList::default();
    let key = IdentityKey::new(SMS, "77");
    let stop = inbound("SMS", "77", "STOP", "2024-01-01T00:00:05Z");
    let start = inbound("SMS", "77", "START", "2024-01-01T00:00:05Z");
    assert_eq!(list.apply(&stop), SuppressionOutcome::OptedOut(key.clone()));
    assert_eq!(list.apply(&start), SuppressionOutcome::OptedIn(key.clone()));
    assert!(list.may_message(&SMS, "77"));
    assert_eq!(list.apply(&stop), SuppressionOutcome::OptedOut(key.clone()));
    assert!(!list.may_message(&SMS, "77"));
}

#[test]
fn records_say_what_set_them_and_when() {
    use sinch_contacts_callbacks::Timestamp;
    use sinch_contacts_callbacks::optout::ConsentSource;
    let mut list = SuppressionList::default();
    let sms = IdentityKey::new(SMS, "1");
    list.apply(&inbound("SMS", "1", "stop", "2024-01-01T00:00:03Z"));
    let record = list.record_of(&sms).unwrap();
    assert_eq!(record.consent, Consent::OptedOut);
    assert_eq!(record.source, ConsentSource::Keyword);
    assert_eq!(
        record.changed_at,
        Some(Timestamp::parse("2024-01-01T00:00:03Z").unwrap())
    );
    let viber = IdentityKey::new(ConversationChannel::Viberbm, "2");
    list.apply(&opt(
        "opt_out",
        "OPT_OUT_SUCCEEDED",
        Some("2"),
        "2024-01-01T00:00:04Z",
    ));
    assert_eq!(
        list.record_of(&viber).unwrap().source,
        ConsentSource::OptCallback
    );
    assert_eq!(
        list.record(viber.clone(), Consent::OptedIn, None),
        SuppressionOutcome::OptedIn(viber.clone())
    );
    let manual = list.record_of(&viber).unwrap();
    assert_eq!(manual.source, ConsentSource::Manual);
    assert_eq!(manual.consent, Consent::OptedIn);
    assert_eq!(
        manual.changed_at,
        Some(Timestamp::parse("2024-01-01T00:00:04Z").unwrap()),
        "a change without a time keeps the recorded time"
    );
    // A first record without a time has none.
    let fresh = IdentityKey::new(SMS, "3");
    list.record(fresh.clone(), Consent::OptedOut, None);
    assert_eq!(list.record_of(&fresh).unwrap().changed_at, None);
    let mut opted_out: Vec<_> = list.opted_out().cloned().collect();
    opted_out.sort();
    assert_eq!(opted_out, [sms, fresh]);
}

#[test]
fn callbacks_unrelated_to_consent_and_inbound_without_identity_are_ignored() {
    let mut list = SuppressionList::default();
    let create = parse_unverified(&fixture("seeds/contact_create.json")).unwrap();
    assert_eq!(
        list.apply(&create),
        SuppressionOutcome::Ignored(IgnoredReason::NotConsentRelated)
    );
    let anonymous = parse_unverified(
        br#"{"app_id":"a","project_id":"p","message":{"contact_message":{"text_message":{"text":"STOP"}}}}"#,
    )
    .unwrap();
    assert_eq!(
        list.apply(&anonymous),
        SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity)
    );
    let failed_in = opt("opt_in", "OPT_IN_FAILED", Some("5"), "2024-01-01T00:00:01Z");
    assert_eq!(
        list.apply(&failed_in),
        SuppressionOutcome::Ignored(IgnoredReason::NotSucceeded)
    );
    let no_identity_in = opt("opt_in", "OPT_IN_SUCCEEDED", None, "2024-01-01T00:00:01Z");
    assert_eq!(
        list.apply(&no_identity_in),
        SuppressionOutcome::Ignored(IgnoredReason::MissingIdentity)
    );
    assert_eq!(list.opted_out().count(), 0);
}
