//! `contacts import` and `contacts export` against emulators served by the test.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use sinch_contacts_emulator::{Emulator, FaultSpec};
use sinch_contacts_model::{
    ChannelIdentity, Contact, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::support::{Running, bin, bin_std, external_id_counts, jsonl_rows, write};

fn summary(output: &std::process::Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_else(|| {
        panic!(
            "no summary; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    serde_json::from_str(last).unwrap()
}

#[test]
fn bad_rows_are_reported_by_line_and_the_rest_imported() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "people.csv",
        "external_id,display_name,email,language,channel_identities,channel_priority,metadata\n\
         p-1,Ada,ada@example.com,EN_GB,SMS:+46700000001;WHATSAPP:+46700000001,SMS;WHATSAPP,\"likes, commas\"\n\
         p-2,No Language,,,SMS:+46700000002,,\n\
         ,No External Id,,EN_US,SMS:+46700000003,,\n\
         p-4,Grace,,EN_US,SMS:+46700000004,,\n\
         p-5,Bad Identity,,EN_US,SMS+46700000005,,\n\
         p-4,Grace Again,,EN_US,SMS:+46700000006,,\n\
         p-7,Katherine,,sv,MESSENGER@emulator-app:psid-7,,\n",
    );
    let output = bin()
        .args(live.base())
        .args(["import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "line 3: refused (p-2): language: missing",
        "line 4: refused: external_id: missing",
        "line 6: refused (p-5): channel_identities: identity `SMS+46700000005` is not CHANNEL:IDENTITY",
        "line 7: refused (p-4): external_id already used on line 5",
    ] {
        assert!(
            stderr.contains(expected),
            "{expected:?} missing from:\n{stderr}"
        );
    }
    assert!(
        stderr.contains("error: 4 of 7 rows were not imported (4 refused, 0 failed)"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("created          3"), "{stdout}");

    let stored = live.contacts();
    let by_external: BTreeMap<_, _> = stored
        .iter()
        .map(|c| (c.external_id.clone().unwrap(), c))
        .collect();
    assert_eq!(
        by_external.keys().collect::<Vec<_>>(),
        ["p-1", "p-4", "p-7"]
    );
    let ada = by_external["p-1"];
    assert_eq!(ada.metadata.as_deref(), Some("likes, commas"));
    assert_eq!(
        ada.channel_priority,
        [ConversationChannel::Sms, ConversationChannel::Whatsapp]
    );
    assert_eq!(ada.email.as_deref(), Some("ada@example.com"));
    assert_eq!(by_external["p-7"].language, Some(ContactLanguage::Sv));

    // A rerun sends nothing for what is done (the journal says so) and reports the same rows.
    let rerun = bin()
        .args(live.base())
        .args(["--json", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(rerun.status.code(), Some(1));
    let summary = summary(&rerun);
    assert_eq!(summary["created"], 0);
    assert_eq!(summary["already_present"], 3);
    assert_eq!(summary["refused"], 4);
    let lines: Vec<u64> = summary["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 4, 6, 7]);
    assert_eq!(live.contacts().len(), 3);
}

#[test]
fn a_file_that_is_not_an_import_fails_before_anything_is_sent() {
    let live = LiveEmulator::start();
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "x.csv", "name,phone\nAda,+1\n");
    let output = bin()
        .args(live.base())
        .args(["import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 1: unknown column `name`"), "{stderr}");
    let unknown = write(dir.path(), "x.txt", "");
    let output = bin()
        .args(live.base())
        .args(["import"])
        .arg(&unknown)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--format"));
    assert_eq!(live.emulator.contact_count(), 0);
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
fn a_killed_import_reruns_without_creating_anything_twice() {
    const ROWS: usize = 3000;
    let emulator = Emulator::builder()
        .faults("latency=2ms".parse::<FaultSpec>().unwrap())
        .build();
    let live = LiveEmulator::with(emulator);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let journal = dir.path().join("people.jsonl.import-state");

    let mut command = bin_std();
    command
        .args(live.base())
        .args(["import", "--concurrency", "4"])
        .arg(&file);
    let mut first = Running::spawn(command);
    let deadline = Instant::now() + Duration::from_secs(30);
    while done_records(&journal) < 200 {
        assert!(
            first.try_exit_code().is_none(),
            "the import ended before it could be killed"
        );
        assert!(Instant::now() < deadline, "the import made no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    first.kill();
    // Requests the killed import had sent may still be served (the faults add latency): count
    // once the emulator's contacts stop changing.
    let mut created_before_rerun = live.emulator.contact_count();
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let now = live.emulator.contact_count();
        if now == created_before_rerun {
            break;
        }
        created_before_rerun = now;
    }
    assert!(
        (200..ROWS).contains(&created_before_rerun),
        "{created_before_rerun}"
    );

    live.emulator.set_faults(FaultSpec::none());
    let rerun = bin()
        .args(live.base())
        .args(["--json", "import", "--concurrency", "8"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let summary = summary(&rerun);
    let created = summary["created"].as_u64().unwrap() as usize;
    let present = summary["already_present"].as_u64().unwrap() as usize;
    assert_eq!(created + present, ROWS);
    assert_eq!(
        created,
        ROWS - created_before_rerun,
        "the rerun created only what was missing"
    );

    let counts = external_id_counts(&live.contacts());
    assert_eq!(counts.len(), ROWS, "nothing missing");
    assert!(
        counts.values().all(|count| *count == 1),
        "nothing created twice"
    );
}

#[test]
fn ctrl_c_finishes_the_rows_in_flight_and_a_rerun_completes_the_import() {
    const ROWS: usize = 2000;
    let emulator = Emulator::builder()
        .faults("latency=2ms".parse::<FaultSpec>().unwrap())
        .build();
    let live = LiveEmulator::with(emulator);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let journal = dir.path().join("people.jsonl.import-state");
    let mut command = bin_std();
    command.args(live.base()).args(["import"]).arg(&file);
    let mut first = Running::spawn(command);
    let deadline = Instant::now() + Duration::from_secs(30);
    while done_records(&journal) < 100 {
        assert!(
            first.try_exit_code().is_none(),
            "the import ended before Ctrl-C"
        );
        assert!(Instant::now() < deadline, "the import made no progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(first.interrupt(Duration::from_secs(20)), Some(1));
    let stderr = first.stderr();
    assert!(
        stderr.contains("interrupted: finishing the rows in flight"),
        "{stderr}"
    );
    assert!(
        stderr.contains("rerun the same command to resume"),
        "{stderr}"
    );
    // Every row that was started was finished: the journal holds no row in doubt.
    let text = std::fs::read_to_string(&journal).unwrap();
    let started = text
        .lines()
        .filter(|l| l.starts_with("{\"started\""))
        .count();
    assert_eq!(started, done_records(&journal));
    assert_eq!(live.emulator.contact_count(), started);

    live.emulator.set_faults(FaultSpec::none());
    let rerun = bin()
        .args(live.base())
        .args(["--json", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(rerun.status.code(), Some(0));
    assert_eq!(
        summary(&rerun)["already_present"].as_u64().unwrap() as usize,
        started
    );
    let counts = external_id_counts(&live.contacts());
    assert_eq!(counts.len(), ROWS);
    assert!(counts.values().all(|count| *count == 1));
}

#[test]
fn a_row_in_flight_when_the_process_died_is_looked_up_before_it_is_created() {
    let live = LiveEmulator::start();
    let mut existing = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46710000000",
        )],
        ContactLanguage::EnUs,
    );
    existing.external_id = Some("row-0".to_owned());
    live.seed(vec![existing]);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(2));
    // The journal of a run killed after sending row-0's create but before its answer.
    write(
        dir.path(),
        "people.jsonl.import-state",
        &format!(
            "{{\"journal\":\"sinch-contacts import\",\"version\":1,\"base_url\":\"{}\",\"project_id\":\"emulator-project\"}}\n{{\"started\":\"row-0\"}}\n{{\"started\":\"row-",
            live.base_url
        ),
    );
    let output = bin()
        .args(live.base())
        .args(["--json", "import"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let summary = summary(&output);
    assert_eq!(summary["already_present"], 1);
    assert_eq!(summary["created"], 1);
    let counts = external_id_counts(&live.contacts());
    assert_eq!(
        counts,
        BTreeMap::from([("row-0".to_owned(), 1), ("row-1".to_owned(), 1)])
    );
}

#[test]
fn under_faults_reruns_converge_to_every_row_exactly_once() {
    const ROWS: usize = 300;
    let emulator = Emulator::builder()
        .faults(
            "5xx=0.10,429=0.05,drop-before=0.03,drop-after=0.05"
                .parse::<FaultSpec>()
                .unwrap(),
        )
        .seed(11)
        .build();
    let live = LiveEmulator::with(emulator);
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "people.jsonl", &jsonl_rows(ROWS));
    let mut runs = 0;
    loop {
        runs += 1;
        let output = bin()
            .args(live.base())
            .args(["--backoff-ms", "5", "--json", "import"])
            .arg(&file)
            .output()
            .unwrap();
        if output.status.code() == Some(0) {
            break;
        }
        let summary = summary(&output);
        assert_eq!(summary["refused"], 0, "{summary}");
        assert!(runs < 5, "still failing after {runs} runs: {summary}");
    }
    let counts = external_id_counts(&live.contacts());
    assert_eq!(counts.len(), ROWS, "nothing missing");
    assert!(
        counts.values().all(|count| *count == 1),
        "nothing created twice"
    );
    assert!(
        live.emulator.fault_counts().drop_after > 0,
        "the faults were exercised"
    );
}

/// A contact without its id, for comparing two emulators.
fn without_id(contact: &Contact) -> Value {
    let mut value = serde_json::to_value(contact).unwrap();
    value.as_object_mut().unwrap().remove("id");
    value
}

#[test]
fn export_round_trips_into_import_on_a_fresh_emulator() {
    let source = LiveEmulator::start();
    let app = source.emulator.app_id().to_owned();
    let mut requests = Vec::new();
    for n in 0..27 {
        let mut identities = vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            format!("+4672{n:07}"),
        )];
        if n % 3 == 0 {
            let mut messenger =
                ChannelIdentity::new(ConversationChannel::Messenger, format!("psid-{n}"));
            messenger.app_id = Some(app.clone());
            identities.push(messenger);
        }
        let mut request = ContactCreateRequest::new(
            identities,
            if n % 2 == 0 {
                ContactLanguage::EnUs
            } else {
                ContactLanguage::De
            },
        );
        request.external_id = Some(format!("x-{n}"));
        request.display_name = Some(format!("Name \"{n}\", Jr."));
        if n % 4 == 0 {
            request.email = Some(format!("p{n}@example.com"));
            request.metadata = Some("{\"tier\":\"gold\"}\nsecond line".to_owned());
            request.channel_priority = vec![ConversationChannel::Sms];
        }
        requests.push(request);
    }
    let seeded = source.seed(requests);
    let mut expected: Vec<Value> = seeded.iter().map(without_id).collect();
    expected.sort_by_key(|v| v["external_id"].as_str().unwrap().to_owned());

    let dir = tempfile::tempdir().unwrap();
    for name in ["all.jsonl", "all.csv"] {
        let out = dir.path().join(name);
        let exported = bin()
            .args(source.base())
            .args(["export", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            exported.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&exported.stderr)
        );
        assert!(String::from_utf8_lossy(&exported.stdout).contains("exported 27 contacts"));

        let target = LiveEmulator::start();
        let imported = bin()
            .args(target.base())
            .args(["import"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&imported.stderr)
        );
        let mut actual: Vec<Value> = target.contacts().iter().map(without_id).collect();
        actual.sort_by_key(|v| v["external_id"].as_str().unwrap().to_owned());
        assert_eq!(actual, expected, "{name}");
    }
}

#[test]
fn export_to_standard_output_can_fill_missing_external_ids() {
    let live = LiveEmulator::start();
    let mut anonymous = ContactCreateRequest::new(
        vec![ChannelIdentity::new(
            ConversationChannel::Sms,
            "+46730000001",
        )],
        ContactLanguage::EnUs,
    );
    anonymous.display_name = Some("Anon".to_owned());
    let id = live.seed(vec![anonymous])[0].id.clone().unwrap();
    let plain = bin()
        .args(live.base())
        .args(["export", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(plain.status.code(), Some(0));
    let csv = String::from_utf8_lossy(&plain.stdout);
    assert!(csv.starts_with("id,external_id,display_name,email,language,channel_identities,channel_priority,metadata\n"), "{csv}");
    assert!(String::from_utf8_lossy(&plain.stderr).contains("1 without external id"));

    let filled = bin()
        .args(live.base())
        .args(["export", "--fill-external-id"])
        .output()
        .unwrap();
    let line: Value = serde_json::from_slice(&filled.stdout).unwrap();
    assert_eq!(line["external_id"], id.as_str());
}
