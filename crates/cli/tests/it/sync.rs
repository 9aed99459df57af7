//! `contacts sync` against an emulator served by the test: the plan as text and as JSON for a
//! hand-worked example, no write without `--apply`, bad input refused before any request, a
//! second `--apply` that sends no write, and a change that fails reported and picked up by a
//! rerun.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use sinch_contacts_emulator::ApiRequestCounts;
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::support::{bin, external_id_counts, write};

/// A create request: SMS `number`, EN_US, and the fields given.
fn request(
    key: Option<&str>,
    number: &str,
    name: &str,
    email: Option<&str>,
) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, number)],
        ContactLanguage::EnUs,
    );
    request.external_id = key.map(str::to_owned);
    request.display_name = Some(name.to_owned());
    request.email = email.map(str::to_owned);
    request
}

/// Runs `contacts sync FILE` with `flags`.
fn sync(live: &LiveEmulator, file: &Path, flags: &[&str]) -> Output {
    bin()
        .args(live.base())
        .arg("sync")
        .args(flags)
        .arg(file)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn id(contact: &Contact) -> &str {
    contact.id.as_deref().unwrap()
}

/// The state of the hand-worked example, and the seeded contacts by name.
struct Example {
    live: LiveEmulator,
    ada: Contact,
    gone: Contact,
    dup_first: Contact,
    dup_second: Contact,
    holder: Contact,
}

/// Seeds: `a` (Ada, old email), `b` (Bob), `gone` (holds +9), two contacts sharing the key
/// `dup`, and a contact without a key holding +7.
fn example() -> Example {
    let live = LiveEmulator::start();
    let mut ada = request(Some("a"), "+46700000001", "Ada", Some("ada@old.example"));
    ada.metadata = Some("no column for me".to_owned());
    let seeded = live.seed(vec![
        ada,
        request(Some("b"), "+46700000002", "Bob", None),
        request(Some("gone"), "+46700000009", "Gone", None),
        request(Some("dup"), "+46700000005", "Dup 1", None),
        request(Some("dup"), "+46700000006", "Dup 2", None),
        request(None, "+46700000007", "Holder", None),
    ]);
    Example {
        ada: seeded[0].clone(),
        gone: seeded[2].clone(),
        dup_first: seeded[3].clone(),
        dup_second: seeded[4].clone(),
        holder: seeded[5].clone(),
        live,
    }
}

/// The source of the example: `a` renamed with a new email, `b` as it is, `c` new (taking
/// `gone`'s +9), `d` new with +7 (held by the contact without a key), `dup` (shared key).
const SOURCE: &str = "external_id,display_name,email,language,channel_identities\n\
                      a,Ada L.,ada@new.example,EN_US,SMS:+46700000001\n\
                      b,Bob,,EN_US,SMS:+46700000002\n\
                      c,Cy,,EN_US,SMS:+46700000009\n\
                      d,Di,,EN_US,SMS:+46700000007\n\
                      dup,Dup,,EN_US,SMS:+46700000008\n";

#[test]
fn the_plan_of_a_hand_worked_example_line_by_line_and_no_write_sent() {
    let example = example();
    let live = &example.live;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", SOURCE);
    let output = sync(live, &file, &["--delete-missing"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let expected = format!(
        "+1 to create, ~1 to update, -1 to delete, !2 conflicts, 1 unchanged\n\
         + c: channel_identities: [SMS:+46700000009]; display_name: \"Cy\"; language: EN_US\n\
         ~ a ({ada}): display_name: \"Ada\" → \"Ada L.\"; email: \"ada@old.example\" → \"ada@new.example\"\n\
         - gone ({gone})\n\
         ! dup: 2 contacts share this external_id: {dup1}, {dup2}\n\
         ! d (line 5): SMS:+46700000007 is held by {holder} (no external_id)\n",
        ada = id(&example.ada),
        gone = id(&example.gone),
        dup1 = id(&example.dup_first),
        dup2 = id(&example.dup_second),
        holder = id(&example.holder),
    );
    assert_eq!(text(&output.stdout), expected);
    assert_eq!(text(&output.stderr), "");

    // `--plan` says the same. Without --delete-missing nothing is deleted, so `gone` keeps
    // +9 and `c` is in conflict instead of created.
    let planned = sync(live, &file, &["--plan", "--delete-missing"]);
    assert_eq!(text(&planned.stdout), expected);
    let kept = sync(live, &file, &[]);
    let kept = text(&kept.stdout);
    assert!(
        kept.starts_with("+0 to create, ~1 to update, -0 to delete, !3 conflicts, 1 unchanged\n"),
        "{kept}"
    );
    assert!(
        kept.contains(&format!(
            "! c (line 4): SMS:+46700000009 is held by {} (external_id gone)\n",
            id(&example.gone)
        )),
        "{kept}"
    );
    assert!(!kept.contains("- gone"), "{kept}");

    let counts = live.emulator.api_request_counts();
    assert_eq!(counts.writes(), 0, "a plan sends no write: {counts:?}");
    assert!(counts.get >= 3, "each plan listed the contacts: {counts:?}");
    assert_eq!(live.contacts().len(), 6);
    assert!(
        !dir.path().join("crm.csv.sync-state").exists(),
        "a plan keeps no journal"
    );
}

#[test]
fn the_json_plan_is_one_document_of_a_stable_shape() {
    let example = example();
    let live = &example.live;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", SOURCE);
    let output = bin()
        .args(live.base())
        .args(["--json", "sync", "--delete-missing"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "one document: {stdout}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    let keys: BTreeSet<&str> = document
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "mode",
            "file",
            "rows",
            "columns",
            "current",
            "delete_missing",
            "summary",
            "creates",
            "updates",
            "deletes",
            "conflicts",
            "timings"
        ])
    );
    assert_eq!(document["mode"], "plan");
    assert_eq!(document["file"], file.display().to_string());
    assert_eq!(document["rows"], 5);
    assert_eq!(
        document["columns"],
        json!(["channel_identities", "display_name", "email", "language"])
    );
    assert_eq!(
        document["current"],
        json!({"from": "listing", "contacts": 6})
    );
    assert_eq!(document["delete_missing"], true);
    assert_eq!(
        document["summary"],
        json!({"create": 1, "update": 1, "delete": 1, "conflicts": 2, "unchanged": 1})
    );
    assert_eq!(
        document["creates"],
        json!([{
            "external_id": "c",
            "line": 4,
            "contact": {
                "channel_identities": [{"channel": "SMS", "identity": "+46700000009"}],
                "language": "EN_US",
                "display_name": "Cy",
                "external_id": "c"
            }
        }])
    );
    assert_eq!(
        document["updates"],
        json!([{
            "external_id": "a",
            "line": 2,
            "contact_id": id(&example.ada),
            "update_mask": "display_name,email",
            "changes": [
                {"field": "display_name", "old": "Ada", "new": "Ada L."},
                {"field": "email", "old": "ada@old.example", "new": "ada@new.example"}
            ]
        }])
    );
    assert_eq!(
        document["deletes"],
        json!([{"external_id": "gone", "contact_id": id(&example.gone)}])
    );
    assert_eq!(
        document["conflicts"],
        json!([
            {
                "kind": "shared_external_id",
                "external_id": "dup",
                "contact_ids": [id(&example.dup_first), id(&example.dup_second)]
            },
            {
                "kind": "identity_held",
                "external_id": "d",
                "line": 5,
                "identity": {"channel": "SMS", "identity": "+46700000007"},
                "holder_id": id(&example.holder),
                "holder_external_id": null
            }
        ])
    );
    let timings: BTreeSet<&str> = document["timings"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        timings,
        BTreeSet::from(["current_seconds", "plan_seconds", "read_seconds"])
    );
    assert_eq!(live.emulator.api_request_counts().writes(), 0);
}

#[test]
fn bad_input_is_refused_with_its_line_before_any_request() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let header = "external_id,display_name,language,channel_identities\n";
    let cases = [
        (
            "a,A,EN_US,SMS:+1\nb,B,EN_US,SMS:+2\na,A again,EN_US,SMS:+3\n",
            "line 4: external_id `a` is already the key of line 2",
        ),
        (
            "a,A,EN_US,SMS:+1\n,Nobody,EN_US,SMS:+2\n",
            "line 3: no external_id",
        ),
        (
            "a,A,EN_US,SMS:+1\nm,M,EN_US,MESSENGER:psid-1\n",
            "line 3 (m): channel_identities[0].app_id",
        ),
        (
            "a,A,EN_US,SMS:+1\nb,B,EN_US,SMS:+1\n",
            "line 3 (b): the channel identity SMS:+1 is also in line 2 (a)",
        ),
        ("a,A,EN_US,SMS+1\n", "line 2: (a) channel_identities:"),
    ];
    for (rows, expected) in cases {
        let file = write(dir.path(), "crm.csv", &format!("{header}{rows}"));
        for flags in [&[][..], &["--apply"][..]] {
            let output = sync(&live, &file, flags);
            assert_eq!(output.status.code(), Some(1), "{rows}");
            let stderr = text(&output.stderr);
            assert!(stderr.contains(expected), "{expected:?} not in {stderr}");
            assert!(stderr.contains("nothing was sent"), "{stderr}");
            assert_eq!(text(&output.stdout), "");
        }
    }
    assert_eq!(
        live.emulator.api_request_counts(),
        ApiRequestCounts::default(),
        "not even a listing"
    );
    assert!(!dir.path().join("crm.csv.sync-state").exists());

    let empty = write(dir.path(), "empty.csv", header);
    let output = sync(&live, &empty, &["--apply", "--delete-missing"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("holds no rows: nothing to sync"));
    let unknown = write(dir.path(), "crm.txt", header);
    assert_eq!(sync(&live, &unknown, &[]).status.code(), Some(2));
    assert_eq!(live.emulator.api_request_counts().get, 0);
}

#[test]
fn a_second_apply_finds_nothing_to_change_and_sends_no_write() {
    let example = example();
    let live = &example.live;
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", SOURCE);
    let first = sync(live, &file, &["--apply", "--delete-missing"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let stdout = text(&first.stdout);
    assert!(
        stdout.ends_with("+1 created, ~1 updated, -1 deleted, !2 conflicts, 1 unchanged\n"),
        "{stdout}"
    );
    let after_first = live.emulator.api_request_counts();
    assert_eq!(
        (after_first.post, after_first.patch, after_first.delete),
        (1, 1, 1)
    );

    let second = sync(live, &file, &["--apply", "--delete-missing"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert_eq!(
        text(&second.stdout),
        "+0 to create, ~0 to update, -0 to delete, !2 conflicts, 3 unchanged\n\
         nothing to change\n\
         ! dup: 2 contacts share this external_id: {dup1}, {dup2}\n\
         ! d (line 5): SMS:+46700000007 is held by {holder} (no external_id)\n\
         +0 created, ~0 updated, -0 deleted, !2 conflicts, 3 unchanged\n"
            .replace("{dup1}", id(&example.dup_first))
            .replace("{dup2}", id(&example.dup_second))
            .replace("{holder}", id(&example.holder))
    );
    let after_second = live.emulator.api_request_counts();
    assert_eq!(
        after_second.writes(),
        after_first.writes(),
        "no write: {after_second:?}"
    );
    assert!(after_second.get > after_first.get, "it listed again");

    // The end state: the source's rows (but the conflicts), the metadata no column names kept.
    let contacts = live.contacts();
    let ada = contacts
        .iter()
        .find(|contact| contact.external_id.as_deref() == Some("a"))
        .unwrap();
    assert_eq!(ada.display_name.as_deref(), Some("Ada L."));
    assert_eq!(ada.metadata.as_deref(), Some("no column for me"));
    let counts = external_id_counts(&contacts);
    assert_eq!(
        counts,
        [("", 1), ("a", 1), ("b", 1), ("c", 1), ("dup", 2)]
            .into_iter()
            .map(|(key, count)| (key.to_owned(), count))
            .collect()
    );
}

#[test]
fn control_characters_of_the_source_and_of_sinch_are_escaped() {
    let live = LiveEmulator::start();
    live.seed(vec![request(
        Some("e"),
        "+46700000001",
        "Eve\u{9b}2J",
        None,
    )]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "crm.jsonl",
        "{\"external_id\":\"e\",\"display_name\":\"Eve\\u001b[31m\",\"language\":\"EN_US\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"+46700000001\"}]}\n\
         {\"external_id\":\"f\\u001b]0;x\\u0007\",\"display_name\":\"F\",\"language\":\"EN_US\",\"channel_identities\":[{\"channel\":\"SMS\",\"identity\":\"+46700000002\"}]}\n",
    );
    let output = sync(&live, &file, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("display_name: \"Eve\\u{9b}2J\" → \"Eve\\u001b[31m\""),
        "{stdout}"
    );
    assert!(stdout.contains("+ f\\u{1b}]0;x\\u{7}: "), "{stdout}");
}
