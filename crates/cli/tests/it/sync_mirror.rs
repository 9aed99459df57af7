//! `contacts sync --mirror`: the current contacts read from the mirror `callbacks listen
//! --state` keeps. Fed by the emulator's callbacks, it gives the same plan as listing; a mirror
//! that lags behind makes a change fail, which is reported, holds back what waits for it, and
//! is picked up by a rerun.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use sinch_contacts_callbacks::parse_unverified;
use sinch_contacts_callbacks::store::{CallbackStore, DeliveryId};
use sinch_contacts_emulator::Webhook;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel, WebhookTrigger,
};
use sinch_contacts_store::SqliteStore;

use crate::live::LiveEmulator;
use crate::support::{bin, external_id_counts, listen_with_state, write};

const SECRET: &str = "mirror-secret";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sync(live: &LiveEmulator, file: &Path, flags: &[&str]) -> Output {
    bin()
        .args(live.base())
        .arg("sync")
        .args(flags)
        .arg(file)
        .output()
        .unwrap()
}

fn json_sync(live: &LiveEmulator, file: &Path, flags: &[&str]) -> Value {
    let output = bin()
        .args(live.base())
        .args(["--json", "sync"])
        .args(flags)
        .arg(file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A CSV source of people `range`, each with `name(n)` and SMS `+4671NNNNNNN`.
fn people(range: std::ops::Range<usize>, name: impl Fn(usize) -> String) -> String {
    let mut text = String::from("external_id,display_name,language,channel_identities\n");
    for n in range {
        text.push_str(&format!("p-{n},{},EN_US,SMS:+4671{n:07}\n", name(n)));
    }
    text
}

#[test]
fn a_mirror_fed_by_callbacks_gives_the_same_plan_as_listing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("mirror.db");
    let (_listener, url) = listen_with_state(SECRET, &state, false);

    let live = LiveEmulator::start();
    live.emulator.register_webhook(Webhook {
        target: url,
        secret: SECRET.to_owned(),
        triggers: vec![
            WebhookTrigger::ContactCreate,
            WebhookTrigger::ContactUpdate,
            WebhookTrigger::ContactDelete,
        ],
    });
    // Creates, then renames, deletes and more creates: every change reaches the mirror as a
    // callback.
    let first = write(
        dir.path(),
        "first.csv",
        &people(0..40, |n| format!("P {n}")),
    );
    let second = write(
        dir.path(),
        "second.csv",
        &people(10..50, |n| {
            if n % 3 == 0 {
                format!("Renamed {n}")
            } else {
                format!("P {n}")
            }
        }),
    );
    for file in [&first, &second] {
        let output = sync(&live, file, &["--apply", "--delete-missing"]);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    }
    // A contact without an external id: never deleted, it holds an identity the next source
    // wants.
    let created = bin()
        .args(live.base())
        .args([
            "create",
            "--identity",
            "SMS:+46719999999",
            "--language",
            "EN_US",
        ])
        .output()
        .unwrap();
    assert_eq!(created.status.code(), Some(0), "{}", text(&created.stderr));
    assert!(live.wait_for_deliveries(Duration::from_secs(30)));
    let stats = &live.emulator.delivery_stats()[0];
    assert_eq!(
        (stats.failed, stats.dropped),
        (0, 0),
        "every callback delivered: {stats:?}"
    );

    // A third source: renames, deletes, creates and a conflict, planned both ways.
    let mut third = people(20..60, |n| {
        if n % 4 == 0 {
            format!("Again {n}")
        } else {
            format!("P {n}")
        }
    });
    third.push_str("x,X,EN_US,SMS:+46719999999\n");
    let third = write(dir.path(), "third.csv", &third);
    let listed = json_sync(&live, &third, &["--delete-missing"]);
    let mirrored = json_sync(
        &live,
        &third,
        &["--delete-missing", "--mirror", state.to_str().unwrap()],
    );
    assert_eq!(listed["current"]["from"], "listing");
    assert_eq!(mirrored["current"]["from"], "mirror");
    assert_eq!(listed["current"]["contacts"], 41);
    assert_eq!(mirrored["current"]["contacts"], 41);
    for member in ["summary", "creates", "updates", "deletes", "conflicts"] {
        assert_eq!(listed[member], mirrored[member], "{member}");
    }
    let summary = &listed["summary"];
    assert_eq!(
        (
            &summary["create"],
            &summary["update"],
            &summary["delete"],
            &summary["conflicts"]
        ),
        // p-50..59 new; of p-20..49, the 8 multiples of 4 renamed again and the 7 other
        // multiples of 3 renamed back; p-10..19 gone; x's identity held by the contact without
        // a key.
        (
            &Value::from(10),
            &Value::from(15),
            &Value::from(10),
            &Value::from(1)
        ),
        "{summary}"
    );
}

/// A CONTACT_CREATE delivery of `contact` (as JSON).
fn created(contact: Value) -> (DeliveryId, sinch_contacts_callbacks::Callback) {
    let body = serde_json::json!({
        "app_id": "app",
        "project_id": "emulator-project",
        "accepted_time": "2026-01-01T10:00:00Z",
        "contact_create_notification": {"contact": contact}
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    (
        DeliveryId::of_body(&bytes),
        parse_unverified(&bytes).unwrap(),
    )
}

#[test]
fn a_mirror_behind_the_server_fails_a_change_which_a_rerun_picks_up() {
    let live = LiveEmulator::start();
    let mut ada = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46700000001",
        )],
        ContactLanguage::EnUs,
    );
    ada.external_id = Some("a".to_owned());
    ada.display_name = Some("Ada".to_owned());
    let ada = live.seed(vec![ada]).remove(0);

    // The mirror knows Ada, and a contact `g` deleted since (its callback has not come yet).
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("mirror.db");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = SqliteStore::open(&state).await.unwrap();
        for (id, callback) in [
            created(serde_json::to_value(&ada).unwrap()),
            created(serde_json::json!({
                "id": "01GHOST00000000000000000000",
                "external_id": "g",
                "display_name": "Old",
                "language": "EN_US",
                "channel_identities": [{"channel": "SMS", "identity": "+46700000009"}]
            })),
        ] {
            store.apply(&id, &callback).await.unwrap();
        }
        store.close().await;
    });

    // `g` renamed and moved to +8; `h` new, taking +9 from `g`: it waits for g's update.
    let file = write(
        dir.path(),
        "crm.csv",
        "external_id,display_name,language,channel_identities\n\
         a,Ada,EN_US,SMS:+46700000001\n\
         g,New,EN_US,SMS:+46700000008\n\
         h,Hal,EN_US,SMS:+46700000009\n",
    );
    let mirror = ["--apply", "--mirror", state.to_str().unwrap()];
    let output = sync(&live, &file, &mirror);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("update g (01GHOST00000000000000000000): failed: "),
        "{stderr}"
    );
    assert!(stderr.contains("404"), "{stderr}");
    assert!(
        stderr.contains(
            "create h: held back: a change releasing an identity it takes did not succeed"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "error: 2 changes were not applied (1 failed, 1 held back, 0 not started) (a rerun plans again against the live state and retries them)"
        ),
        "{stderr}"
    );
    assert!(
        text(&output.stdout)
            .ends_with("+0 created, ~0 updated, -0 deleted, !0 conflicts, 1 unchanged\n"),
        "{}",
        text(&output.stdout)
    );
    // The failed update was journalled as settled (a 404 changed nothing); h never started.
    let journal = std::fs::read_to_string(dir.path().join("crm.csv.sync-state")).unwrap();
    let records: Vec<&str> = journal.lines().skip(1).collect();
    assert_eq!(
        records,
        [
            r#"{"started":"update","external_id":"g","contact_id":"01GHOST00000000000000000000"}"#,
            r#"{"done":"update","external_id":"g","contact_id":"01GHOST00000000000000000000","outcome":"failed"}"#
        ]
    );
    assert_eq!(
        live.emulator.api_request_counts().writes(),
        1,
        "only g's update"
    );

    // The same with --json: the problems, by change.
    let output = bin()
        .args(live.base())
        .args(["--json", "sync"])
        .args(mirror)
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    let applied = &document["applied"];
    assert_eq!(
        (
            &applied["failed"],
            &applied["held_back"],
            &applied["not_started"]
        ),
        (&Value::from(1), &Value::from(1), &Value::from(0))
    );
    assert_eq!(applied["problems"][0]["change"], "update");
    assert_eq!(applied["problems"][0]["status"], "failed");
    assert_eq!(applied["problems"][1]["change"], "create");
    assert_eq!(applied["problems"][1]["status"], "held back");

    // A rerun listing the live state creates g and h.
    let output = sync(&live, &file, &["--apply"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout)
            .ends_with("+2 created, ~0 updated, -0 deleted, !0 conflicts, 1 unchanged\n"),
        "{}",
        text(&output.stdout)
    );
    let counts = external_id_counts(&live.contacts());
    assert_eq!(counts.len(), 3);
    assert!(counts.values().all(|count| *count == 1), "{counts:?}");
}
