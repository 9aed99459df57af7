//! `contacts sync --apply` at volume against an emulator served by the test: 10,000 rows
//! against a state holding creates, updates (identity moves, a chain and swaps among them),
//! deletes and conflicts, applied under the fault mix then again without faults; and a run
//! killed with SIGKILL, then rerun. The expected end state is built here from the generated
//! rows, by the rules restated (never by the planner).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sinch_contacts_emulator::{Emulator, FaultSpec};
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::support::{Running, bin, bin_std, write};

/// One row of the source, in the file's columns.
#[derive(Debug, Clone)]
struct Row {
    key: String,
    name: String,
    email: Option<String>,
    language: ContactLanguage,
    identities: Vec<ChannelIdentity>,
    priority: Vec<ConversationChannel>,
}

/// A generated world: the state to seed, the source, and what Sinch should hold afterwards.
struct World {
    seed: Vec<ContactCreateRequest>,
    rows: Vec<Row>,
    /// External id → the fields each contact with it should have (two for a shared key).
    expected: BTreeMap<String, Vec<Fields>>,
    /// The fields of the contacts without an external id (left alone).
    unkeyed: Vec<Fields>,
    /// Conflicts the plan after the sync still lists.
    conflicts: usize,
}

/// What the test compares of a contact: the columns as the rules compare them, and metadata,
/// which the source has no column for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Fields {
    name: Option<String>,
    email: Option<String>,
    language: Option<String>,
    identities: BTreeSet<(String, String)>,
    priority: Vec<String>,
    metadata: Option<String>,
}

fn sms(number: String) -> ChannelIdentity {
    ChannelIdentity::new(ConversationChannel::Sms, number)
}

fn whatsapp(number: String) -> ChannelIdentity {
    ChannelIdentity::new(ConversationChannel::Whatsapp, number)
}

/// The row's own number, a fresh one, a number of a contact to delete, one for an unkeyed
/// contact and those of the contacts sharing a key.
fn own(n: usize) -> String {
    format!("+4670{n:07}")
}
fn fresh(n: usize) -> String {
    format!("+4671{n:07}")
}
fn old(k: usize) -> String {
    format!("+4672{k:07}")
}
fn spare(k: usize) -> String {
    format!("+4673{k:07}")
}
fn shared(n: usize, copy: usize) -> String {
    format!("+467{}{n:07}", 4 + copy)
}

fn request_of(row: &Row, metadata: Option<String>) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(row.identities.clone(), row.language.clone());
    request.external_id = Some(row.key.clone());
    request.display_name = Some(row.name.clone());
    request.email = row.email.clone();
    request.channel_priority = row.priority.clone();
    request.metadata = metadata;
    request
}

fn fields_of_request(request: &ContactCreateRequest) -> Fields {
    Fields {
        name: request.display_name.clone().filter(|text| !text.is_empty()),
        email: request.email.clone().filter(|text| !text.is_empty()),
        language: Some(request.language.as_str().to_owned()),
        identities: identity_set(&request.channel_identities),
        priority: request
            .channel_priority
            .iter()
            .map(|channel| channel.as_str().to_owned())
            .collect(),
        metadata: request.metadata.clone(),
    }
}

fn fields_of(contact: &Contact) -> Fields {
    Fields {
        name: contact.display_name.clone().filter(|text| !text.is_empty()),
        email: contact.email.clone().filter(|text| !text.is_empty()),
        language: contact
            .language
            .as_ref()
            .map(|language| language.as_str().to_owned())
            .filter(|language| language != "UNSPECIFIED"),
        identities: identity_set(&contact.channel_identities),
        priority: contact
            .channel_priority
            .iter()
            .map(|channel| channel.as_str().to_owned())
            .collect(),
        metadata: contact.metadata.clone(),
    }
}

fn identity_set(identities: &[ChannelIdentity]) -> BTreeSet<(String, String)> {
    identities
        .iter()
        .map(|identity| {
            (
                identity.channel.as_str().to_owned(),
                identity.identity.clone(),
            )
        })
        .collect()
}

/// The world of `size` rows: 60 % unchanged, 20 % updated (among them a chain of identity
/// moves and swaps), 15 % created (some taking the identity of a contact deleted), 5 % in
/// conflict (half a key shared by two contacts, half an identity held by a contact without a
/// key); plus `size / 10` contacts whose key the source lacks (deleted) and `size / 50`
/// contacts without a key (left alone).
fn world(size: usize) -> World {
    let unchanged_end = size * 60 / 100;
    let updated_end = size * 80 / 100;
    let created_end = size * 95 / 100;
    let shared_end = size * 975 / 1000;
    let deleted = size / 10;
    let chain = (size / 100).min(100);
    let swaps = chain / 2;
    let mut seed = Vec::new();
    let mut rows = Vec::new();
    let mut expected: BTreeMap<String, Vec<Fields>> = BTreeMap::new();
    let mut unkeyed = Vec::new();
    let mut conflicts = 0;
    for n in 0..size {
        let mut row = Row {
            key: format!("r-{n}"),
            name: format!("Person {n}"),
            email: (n % 2 == 0).then(|| format!("p{n}@example.com")),
            language: if n % 3 == 0 {
                ContactLanguage::De
            } else {
                ContactLanguage::EnUs
            },
            identities: vec![sms(own(n))],
            priority: if n % 5 == 0 {
                vec![ConversationChannel::Sms]
            } else {
                Vec::new()
            },
        };
        let metadata = Some(format!("crm {n}"));
        if n < unchanged_end {
            seed.push(request_of(&row, metadata.clone()));
        } else if n < updated_end {
            // The contact as it is now: the row with one column changed.
            let mut now = row.clone();
            let offset = n - unchanged_end;
            if offset < chain {
                // r-n takes the number of r-(n+chain), which takes a fresh one.
                row.identities = vec![sms(own(n + chain))];
            } else if offset < 2 * chain {
                row.identities = vec![sms(fresh(n))];
            } else if offset < 2 * chain + swaps {
                row.identities = vec![sms(own(n + swaps))];
            } else if offset < 2 * chain + 2 * swaps {
                row.identities = vec![sms(own(n - swaps))];
            } else {
                match n % 4 {
                    0 => now.name = format!("Old name {n}"),
                    1 => now.email = Some(format!("old{n}@example.com")),
                    2 => row.identities.push(whatsapp(own(n))),
                    _ => {
                        now.language = ContactLanguage::Sv;
                        now.priority = vec![ConversationChannel::Whatsapp];
                    }
                }
            }
            seed.push(request_of(&now, metadata.clone()));
        } else if n < created_end {
            let offset = n - updated_end;
            if offset < chain {
                // Takes the number of a contact to delete.
                row.identities = vec![sms(old(offset))];
            }
        } else if n < shared_end {
            for copy in 0..2 {
                let mut twin = row.clone();
                twin.name = format!("Twin {copy} of {n}");
                twin.identities = vec![sms(shared(n, copy))];
                let request = request_of(&twin, None);
                expected
                    .entry(row.key.clone())
                    .or_default()
                    .push(fields_of_request(&request));
                seed.push(request);
            }
            conflicts += 1;
        } else {
            // A contact without a key holds the row's number.
            let mut holder = request_of(&row, None);
            holder.external_id = None;
            holder.display_name = Some(format!("Holder of {n}"));
            unkeyed.push(fields_of_request(&holder));
            seed.push(holder);
            conflicts += 1;
        }
        if n < created_end {
            let mut want = request_of(&row, (n < updated_end).then_some(metadata).flatten());
            want.external_id = Some(row.key.clone());
            expected
                .entry(row.key.clone())
                .or_default()
                .push(fields_of_request(&want));
        }
        rows.push(row);
    }
    for k in 0..deleted {
        let mut gone = ContactCreateRequest::new(vec![sms(old(k))], ContactLanguage::EnUs);
        gone.external_id = Some(format!("old-{k}"));
        gone.display_name = Some(format!("Gone {k}"));
        seed.push(gone);
    }
    for k in 0..size / 50 {
        let mut alone = ContactCreateRequest::new(vec![sms(spare(k))], ContactLanguage::EnUs);
        alone.display_name = Some(format!("No key {k}"));
        unkeyed.push(fields_of_request(&alone));
        seed.push(alone);
    }
    World {
        seed,
        rows,
        expected,
        unkeyed,
        conflicts,
    }
}

/// The source as CSV, in an order of columns of its own.
fn csv(rows: &[Row]) -> String {
    let mut text = String::from(
        "display_name,external_id,email,language,channel_identities,channel_priority\n",
    );
    for row in rows {
        let identities: Vec<String> = row
            .identities
            .iter()
            .map(|identity| format!("{}:{}", identity.channel.as_str(), identity.identity))
            .collect();
        let priority: Vec<&str> = row
            .priority
            .iter()
            .map(|channel| channel.as_str())
            .collect();
        text.push_str(&format!(
            "{},{},{},{},{},{}\n",
            row.name,
            row.key,
            row.email.as_deref().unwrap_or_default(),
            row.language.as_str(),
            identities.join(";"),
            priority.join(";")
        ));
    }
    text
}

/// Sinch holds what the world expects: every key's contacts field by field (the row's for a
/// row applied, unchanged for a conflict), no key of a deleted contact, the contacts without a
/// key untouched, nothing twice.
fn assert_end_state(live: &LiveEmulator, world: &World) {
    let mut by_key: BTreeMap<String, Vec<Fields>> = BTreeMap::new();
    let mut unkeyed = Vec::new();
    for contact in live.contacts() {
        match contact.external_id.clone().filter(|key| !key.is_empty()) {
            Some(key) => by_key.entry(key).or_default().push(fields_of(&contact)),
            None => unkeyed.push(fields_of(&contact)),
        }
    }
    for contacts in by_key.values_mut() {
        contacts.sort();
    }
    let mut expected = world.expected.clone();
    for contacts in expected.values_mut() {
        contacts.sort();
    }
    let missing: Vec<&String> = expected
        .keys()
        .filter(|key| !by_key.contains_key(*key))
        .collect();
    let extra: Vec<&String> = by_key
        .keys()
        .filter(|key| !expected.contains_key(*key))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing keys {missing:?}, unexpected keys {extra:?}"
    );
    let wrong: Vec<(&String, &Vec<Fields>, &Vec<Fields>)> = expected
        .iter()
        .filter(|(key, fields)| by_key.get(*key) != Some(*fields))
        .map(|(key, fields)| (key, fields, &by_key[key]))
        .take(3)
        .collect();
    assert!(wrong.is_empty(), "(key, expected, found): {wrong:#?}");
    unkeyed.sort();
    let mut expected_unkeyed = world.unkeyed.clone();
    expected_unkeyed.sort();
    assert_eq!(unkeyed, expected_unkeyed);
}

/// `sync --json FILE flags`: the exit code, the document (`Null` without one), standard error.
fn json_sync(live: &LiveEmulator, file: &Path, flags: &[&str]) -> (Option<i32>, Value, String) {
    let output = bin()
        .args(live.base())
        .args(["--json", "sync", "--delete-missing"])
        .args(flags)
        .arg(file)
        .output()
        .unwrap();
    let document = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (
        output.status.code(),
        document,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The plan now holds no change, only the world's conflicts.
fn assert_nothing_left(live: &LiveEmulator, file: &Path, world: &World) {
    let writes = live.emulator.api_request_counts().writes();
    let (code, plan, stderr) = json_sync(live, file, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let summary = &plan["summary"];
    assert_eq!(
        (
            summary["create"].as_u64(),
            summary["update"].as_u64(),
            summary["delete"].as_u64(),
            summary["conflicts"].as_u64(),
        ),
        (Some(0), Some(0), Some(0), Some(world.conflicts as u64)),
        "{summary}"
    );
    assert_eq!(live.emulator.api_request_counts().writes(), writes);
}

#[test]
fn ten_thousand_rows_under_faults_then_again_reach_the_source() {
    const SIZE: usize = 10_000;
    let world = world(SIZE);
    let live = LiveEmulator::with(Emulator::builder().seed(20).build());
    live.seed(world.seed.clone());
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", &csv(&world.rows));

    live.emulator.set_faults(
        "5xx=0.10,429=0.05,drop-before=0.01,drop-after=0.01"
            .parse::<FaultSpec>()
            .unwrap(),
    );
    let (code, first, stderr) = json_sync(&live, &file, &["--apply"]);
    assert!(matches!(code, Some(0 | 1)), "{stderr}");
    let planned = &first["summary"];
    assert_eq!(
        (
            planned["create"].as_u64(),
            planned["update"].as_u64(),
            planned["delete"].as_u64(),
            planned["conflicts"].as_u64(),
            planned["unchanged"].as_u64()
        ),
        (
            Some((SIZE * 15 / 100) as u64),
            Some((SIZE * 20 / 100) as u64),
            Some((SIZE / 10) as u64),
            Some(world.conflicts as u64),
            Some((SIZE * 60 / 100) as u64)
        ),
        "the plan counts what the world was built with"
    );
    let faults = live.emulator.fault_counts();
    assert!(faults.total() > 100, "faults were injected: {faults:?}");

    live.emulator.set_faults(FaultSpec::none());
    let (code, _, stderr) = json_sync(&live, &file, &["--apply"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_nothing_left(&live, &file, &world);
    assert_end_state(&live, &world);
}

fn done_records(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|text| {
            text.lines()
                .filter(|line| line.starts_with("{\"done\""))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn a_sync_killed_while_applying_reruns_to_the_same_end_state() {
    const SIZE: usize = 3_000;
    let world = world(SIZE);
    let emulator = Emulator::builder()
        .faults("latency=2ms".parse::<FaultSpec>().unwrap())
        .build();
    let live = LiveEmulator::with(emulator);
    live.seed(world.seed.clone());
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", &csv(&world.rows));
    let journal = dir.path().join("crm.csv.sync-state");

    let mut command = bin_std();
    command
        .args(live.base())
        .args(["sync", "--apply", "--delete-missing", "--concurrency", "4"])
        .arg(&file);
    let mut first = Running::spawn(command);
    // Past the deletes (300) and into the updates.
    let deadline = Instant::now() + Duration::from_secs(60);
    while done_records(&journal) < 400 {
        assert!(
            first.try_exit_code().is_none(),
            "the sync ended before it could be killed"
        );
        assert!(Instant::now() < deadline, "the sync made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    first.kill();
    let started = std::fs::read_to_string(&journal)
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("{\"started\""))
        .count();
    assert!(started >= 400, "{started}");

    live.emulator.set_faults(FaultSpec::none());
    let (code, rerun, stderr) = json_sync(&live, &file, &["--apply"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        rerun["applied"]["in_doubt_from_earlier_runs"]
            .as_u64()
            .is_some(),
        "{rerun}"
    );
    let planned = rerun["summary"]["create"].as_u64().unwrap()
        + rerun["summary"]["update"].as_u64().unwrap()
        + rerun["summary"]["delete"].as_u64().unwrap();
    assert!(
        planned < (SIZE * 45 / 100) as u64,
        "the rerun planned only what the killed run had not done: {planned}"
    );
    assert_nothing_left(&live, &file, &world);
    assert_end_state(&live, &world);
}

#[test]
fn ctrl_c_finishes_the_changes_in_flight_and_a_rerun_completes_the_sync() {
    const SIZE: usize = 2_000;
    let world = world(SIZE);
    let emulator = Emulator::builder()
        .faults("latency=2ms".parse::<FaultSpec>().unwrap())
        .build();
    let live = LiveEmulator::with(emulator);
    live.seed(world.seed.clone());
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "crm.csv", &csv(&world.rows));
    let journal = dir.path().join("crm.csv.sync-state");

    let mut command = bin_std();
    command
        .args(live.base())
        .args(["sync", "--apply", "--delete-missing", "--concurrency", "4"])
        .arg(&file);
    let mut first = Running::spawn(command);
    let deadline = Instant::now() + Duration::from_secs(60);
    while done_records(&journal) < 100 {
        assert!(
            first.try_exit_code().is_none(),
            "the sync ended before Ctrl-C"
        );
        assert!(Instant::now() < deadline, "the sync made no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(first.interrupt(Duration::from_secs(30)), Some(1));
    let stderr = first.stderr();
    assert!(
        stderr.contains("interrupted: finishing the changes in flight"),
        "{stderr}"
    );
    assert!(stderr.contains("error: interrupted with "), "{stderr}");
    assert!(
        stderr.contains("rerun the same command to continue"),
        "{stderr}"
    );
    // Every change started was settled: nothing is left in doubt.
    let text = std::fs::read_to_string(&journal).unwrap();
    let started = text
        .lines()
        .filter(|line| line.starts_with("{\"started\""))
        .count();
    assert_eq!(started, done_records(&journal), "{text}");

    live.emulator.set_faults(FaultSpec::none());
    let (code, rerun, stderr) = json_sync(&live, &file, &["--apply"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(rerun["applied"]["in_doubt_from_earlier_runs"], 0);
    assert_nothing_left(&live, &file, &world);
    assert_end_state(&live, &world);
}
