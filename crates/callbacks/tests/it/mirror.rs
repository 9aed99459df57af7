//! The contact mirror: idempotent, order-tolerant, merge-aware.

use sinch_contacts_callbacks::mirror::{ContactMirror, MirrorChange};
use sinch_contacts_callbacks::{Callback, Event, parse_unverified};

use crate::support::{conformance_callbacks, conformance_dir, fixture, json_files};

fn callback(accepted: &str, key: &str, body: serde_json::Value) -> Callback {
    let value =
        serde_json::json!({"app_id": "a", "project_id": "p", "accepted_time": accepted, key: body});
    parse_unverified(&serde_json::to_vec(&value).unwrap()).unwrap()
}

fn upsert(kind: &str, accepted: &str, id: &str, name: &str) -> Callback {
    callback(
        accepted,
        &format!("contact_{kind}_notification"),
        serde_json::json!({"contact": {"id": id, "display_name": name}}),
    )
}

fn name<'a>(mirror: &'a ContactMirror, id: &str) -> Option<&'a str> {
    mirror.get(id).and_then(|c| c.display_name.as_deref())
}

#[test]
fn create_update_idempotent_and_order_tolerant() {
    let mut mirror = ContactMirror::new();
    let create = upsert("create", "2024-01-01T00:00:01Z", "c1", "Ada");
    let update = upsert("update", "2024-01-01T00:00:03Z", "c1", "Ada L.");
    let older = upsert("update", "2024-01-01T00:00:02Z", "c1", "Ada (old)");
    assert_eq!(mirror.apply(&create), MirrorChange::Inserted("c1".into()));
    assert_eq!(mirror.apply(&create), MirrorChange::Unchanged);
    assert_eq!(mirror.apply(&update), MirrorChange::Updated("c1".into()));
    assert_eq!(mirror.apply(&update), MirrorChange::Unchanged);
    assert_eq!(mirror.apply(&older), MirrorChange::Stale("c1".into()));
    assert_eq!(mirror.apply(&create), MirrorChange::Stale("c1".into()));
    assert_eq!(name(&mirror, "c1"), Some("Ada L."));

    // Same callbacks in another order end in the same state.
    let mut reordered = ContactMirror::new();
    for c in [&update, &older, &create, &update] {
        reordered.apply(c);
    }
    assert_eq!(name(&reordered, "c1"), Some("Ada L."));
    // The state is the newest update's, with its time (not merely what the other mirror says).
    let newest = sinch_contacts_callbacks::Timestamp::parse("2024-01-01T00:00:03Z").unwrap();
    let entry = reordered.entry("c1").expect("c1 is mirrored");
    assert_eq!(entry.as_of, Some(newest));
    assert_eq!(entry.contact.display_name.as_deref(), Some("Ada L."));
    assert_eq!(reordered.entry("c1"), mirror.entry("c1"));
    assert_eq!((reordered.len(), reordered.is_empty()), (1, false));
    assert!(ContactMirror::new().is_empty());
}

#[test]
fn deletes_are_final_in_both_shapes() {
    let mut mirror = ContactMirror::new();
    mirror.apply(&upsert("create", "2024-01-01T00:00:01Z", "c1", "Ada"));
    mirror.apply(&upsert("create", "2024-01-01T00:00:01Z", "c2", "Bob"));
    let by_id = callback(
        "2024-01-01T00:00:05Z",
        "contact_delete_notification",
        serde_json::json!({"contact_id": "c1"}),
    );
    let full = callback(
        "2024-01-01T00:00:05Z",
        "contact_delete_notification",
        serde_json::json!({"contact": {"id": "c2", "display_name": "Bob"}}),
    );
    assert_eq!(mirror.apply(&by_id), MirrorChange::Deleted("c1".into()));
    assert_eq!(mirror.apply(&full), MirrorChange::Deleted("c2".into()));
    assert_eq!(mirror.apply(&by_id), MirrorChange::Unchanged);
    assert!(mirror.is_empty());
    // An update that arrives after the delete is ignored.
    assert_eq!(
        mirror.apply(&upsert("update", "2024-01-01T00:00:04Z", "c1", "late")),
        MirrorChange::Stale("c1".into())
    );
    assert!(mirror.get("c1").is_none());
    assert!(mirror.resolve("c1").is_none());
}

#[test]
fn merges_alias_the_deleted_id_and_chains_resolve() {
    let merge = |at: &str, preserved: &str, deleted: &str| {
        callback(
            at,
            "contact_merge_notification",
            serde_json::json!({
                "preserved_contact": {"id": preserved, "display_name": format!("kept {preserved}")},
                "deleted_contact_id": deleted,
            }),
        )
    };
    let mut mirror = ContactMirror::new();
    mirror.apply(&upsert("create", "2024-01-01T00:00:01Z", "a", "A"));
    mirror.apply(&upsert("create", "2024-01-01T00:00:01Z", "b", "B"));
    let a_into_b = merge("2024-01-01T00:00:02Z", "b", "a");
    assert_eq!(
        mirror.apply(&a_into_b),
        MirrorChange::Merged {
            preserved: "b".into(),
            deleted: "a".into()
        }
    );
    assert_eq!(mirror.apply(&a_into_b), MirrorChange::Unchanged);
    assert_eq!(mirror.resolve_id("a"), Some("b"));
    assert_eq!(
        mirror.resolve("a").unwrap().display_name.as_deref(),
        Some("kept b")
    );
    // b then merged into c, with the official full-contact shape.
    let b_into_c = callback(
        "2024-01-01T00:00:03Z",
        "contact_merge_notification",
        serde_json::json!({
            "preserved_contact": {"id": "c", "display_name": "C"},
            "deleted_contact": {"id": "b", "display_name": "kept b"},
        }),
    );
    mirror.apply(&b_into_c);
    assert_eq!(mirror.resolve_id("a"), Some("c"));
    assert_eq!(
        mirror.resolve("a").unwrap().display_name.as_deref(),
        Some("C")
    );
    assert_eq!(mirror.len(), 1);

    // The same two merges arriving in reverse order resolve the same way.
    let mut reversed = ContactMirror::new();
    reversed.apply(&b_into_c);
    reversed.apply(&a_into_b);
    assert_eq!(reversed.resolve_id("a"), Some("c"));
    assert!(
        reversed.get("b").is_none(),
        "b was merged away; the older merge must not revive it"
    );
}

#[test]
fn duplication_reports_are_kept_once() {
    let mut mirror = ContactMirror::new();
    let seed = parse_unverified(&fixture("seeds/duplicated_identities_notification.json")).unwrap();
    assert_eq!(mirror.apply(&seed), MirrorChange::DuplicationsRecorded(1));
    assert_eq!(mirror.apply(&seed), MirrorChange::Unchanged);
    let report = &mirror.duplications()[0];
    assert_eq!(report.duplicate.identity.as_deref(), Some("15551234567"));
    assert_eq!(report.duplicate.contact_ids.len(), 2);
    mirror.clear_duplications();
    assert!(mirror.duplications().is_empty());
}

#[test]
fn seed_fixtures_apply_in_sequence() {
    let mut mirror = ContactMirror::new();
    for (name, body) in json_files(&crate::support::fixtures_dir().join("seeds")) {
        let callback = parse_unverified(&body).unwrap();
        let change = mirror.apply(&callback);
        if name.starts_with("opt") {
            assert_eq!(change, MirrorChange::NotApplicable, "{name}");
        }
    }
    // In file order: create (14:00), delete (16:00), merge (17:00, preserving the deleted
    // contact, so only the alias is recorded), update (15:30, after the delete: ignored).
    assert!(mirror.get("01H3333333...").is_none());
    assert_eq!(
        mirror
            .removal("01H4444444...")
            .unwrap()
            .merged_into
            .as_deref(),
        Some("01H3333333...")
    );
    assert!(
        mirror.resolve("01H4444444...").is_none(),
        "the chain ends in a deleted contact"
    );
    assert_eq!(mirror.duplications().len(), 1);
}

#[test]
fn conformance_contact_callbacks_apply() {
    let Some(dir) = conformance_dir("conformance_contact_callbacks_apply") else {
        return;
    };
    let mut mirror = ContactMirror::new();
    let mut merged_away = Vec::new();
    let mut duplications = 0;
    for (name, body) in conformance_callbacks(&dir) {
        let callback = parse_unverified(&body).unwrap_or_else(|e| panic!("{name}: {e}"));
        let contact_trigger = callback.trigger().as_str().starts_with("CONTACT_");
        let change = mirror.apply(&callback);
        assert_eq!(
            change != MirrorChange::NotApplicable,
            contact_trigger,
            "{name}: {change:?}"
        );
        match &callback.event {
            Event::ContactMerge(merge) => {
                merged_away.extend(merge.deleted_contact_id().map(str::to_owned))
            }
            Event::ContactIdentitiesDuplication(_) => duplications += 1,
            _ => {}
        }
    }
    for id in &merged_away {
        assert!(
            mirror.removal(id).is_some(),
            "merged-away {id} is not recorded as removed"
        );
    }
    assert_eq!(mirror.duplications().is_empty(), duplications == 0);
}

#[test]
fn local_duplicates_use_the_model_rules() {
    let mut mirror = ContactMirror::new();
    for (id, channel, identity) in [
        ("b", "SMS", "+1555"),
        ("a", "SMS", "+1555"),
        ("c", "WHATSAPP", "+1555"),
    ] {
        mirror.apply(&callback(
            "2024-01-01T00:00:01Z",
            "contact_create_notification",
            serde_json::json!({"contact": {"id": id, "channel_identities": [{"channel": channel, "identity": identity}]}}),
        ));
    }
    let duplicates = mirror.local_duplicates();
    assert_eq!(duplicates.len(), 1);
    assert_eq!(duplicates[0].identity, "+1555");
    assert_eq!(duplicates[0].contact_ids, ["a", "b"]);
}
