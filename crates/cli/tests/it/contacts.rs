//! Every `contacts` command against an emulator served by the test.

use serde_json::Value;
use sinch_contacts_model::{
    ChannelIdentity, ContactCreateRequest, ContactLanguage, ConversationChannel,
};

use crate::live::LiveEmulator;
use crate::support::bin;

fn json(output: &std::process::Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

fn request(name: &str, external_id: &str, phone: &str) -> ContactCreateRequest {
    let mut request = ContactCreateRequest::new(
        vec![ChannelIdentity::new(ConversationChannel::Sms, phone)],
        ContactLanguage::EnUs,
    );
    request.display_name = Some(name.to_owned());
    request.external_id = Some(external_id.to_owned());
    request
}

#[test]
fn create_get_update_list_and_delete() {
    let live = LiveEmulator::start();
    let created = json(
        &bin()
            .args(live.base())
            .args([
                "--json",
                "create",
                "--identity",
                "SMS:+46700000001",
                "--identity",
                "WHATSAPP:+46700000001",
            ])
            .args([
                "--display-name",
                "Ada",
                "--email",
                "ada@example.com",
                "--external-id",
                "crm-1",
                "--language",
                "en-gb",
            ])
            .output()
            .unwrap(),
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["display_name"], "Ada");
    assert_eq!(created["language"], "EN_GB");
    assert_eq!(created["channel_identities"][1]["channel"], "WHATSAPP");
    assert_eq!(
        live.emulator.contact(&id).unwrap().email.as_deref(),
        Some("ada@example.com")
    );

    // A second create with the same external id finds the first instead of duplicating it.
    let again = bin()
        .args(live.base())
        .args([
            "create",
            "--identity",
            "SMS:+46700000001",
            "--external-id",
            "crm-1",
        ])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(&format!("found existing contact {id}"))
    );
    assert_eq!(live.emulator.contact_count(), 1);

    let got = json(
        &bin()
            .args(live.base())
            .args(["--json", "get", &id])
            .output()
            .unwrap(),
    );
    assert_eq!(got, created);
    let table = bin().args(live.base()).args(["get", &id]).output().unwrap();
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains("channel_identities  SMS:+46700000001, WHATSAPP:+46700000001"),
        "{text}"
    );

    let updated = json(
        &bin()
            .args(live.base())
            .args([
                "--json",
                "update",
                &id,
                "--display-name",
                "Ada Lovelace",
                "--clear-email",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(updated["update_mask"], "display_name,email");
    assert_eq!(updated["contact"]["display_name"], "Ada Lovelace");
    assert!(updated["contact"].get("email").is_none_or(Value::is_null));
    assert_eq!(
        updated["contact"]["external_id"], "crm-1",
        "outside the mask, untouched"
    );

    let nothing = bin()
        .args(live.base())
        .args(["update", &id])
        .output()
        .unwrap();
    assert_eq!(nothing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("nothing to update"));

    let listed = bin().args(live.base()).args(["list"]).output().unwrap();
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(
        text.contains("Ada Lovelace") && text.contains("(last page)"),
        "{text}"
    );
    let filtered = json(
        &bin()
            .args(live.base())
            .args(["--json", "list", "--external-id", "crm-1"])
            .output()
            .unwrap(),
    );
    assert_eq!(filtered["contacts"][0]["id"], id.as_str());

    let deleted = bin()
        .args(live.base())
        .args(["delete", &id])
        .output()
        .unwrap();
    assert_eq!(deleted.status.code(), Some(0));
    assert_eq!(live.emulator.contact_count(), 0);
    let gone = bin().args(live.base()).args(["get", &id]).output().unwrap();
    assert_eq!(gone.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&gone.stderr);
    assert!(
        stderr.contains("404") && stderr.contains("check the id"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
}

#[test]
fn list_all_follows_every_page() {
    let live = LiveEmulator::start();
    live.seed(
        (0..45)
            .map(|n| {
                request(
                    &format!("P{n}"),
                    &format!("e{n}"),
                    &format!("+4670000{n:04}"),
                )
            })
            .collect(),
    );
    let output = bin()
        .args(live.base())
        .args(["--json", "list", "--all"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let lines: Vec<Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 45);
    let mut external: Vec<String> = lines
        .iter()
        .map(|c| c["external_id"].as_str().unwrap().to_owned())
        .collect();
    external.sort();
    external.dedup();
    assert_eq!(external.len(), 45);

    let page = json(
        &bin()
            .args(live.base())
            .args(["--json", "list", "--page-size", "20"])
            .output()
            .unwrap(),
    );
    assert_eq!(page["contacts"].as_array().unwrap().len(), 20);
    let token = page["next_page_token"].as_str().unwrap();
    let next = json(
        &bin()
            .args(live.base())
            .args(["--json", "list", "--page-size", "20", "--page-token", token])
            .output()
            .unwrap(),
    );
    assert_eq!(next["contacts"].as_array().unwrap().len(), 20);
    assert_ne!(next["contacts"][0]["id"], page["contacts"][0]["id"]);

    let bad = bin()
        .args(live.base())
        .args(["list", "--page-size", "50"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn merge_explains_what_moved_and_conflicts_show_the_shared_number() {
    let live = LiveEmulator::start();
    let mut destination = request("Ada", "crm-ada", "+46700000001");
    destination.channel_priority = vec![ConversationChannel::Sms];
    let mut source = request("A. Lovelace", "shop-ada", "+46700000001");
    source.channel_identities.push(ChannelIdentity::new(
        ConversationChannel::Whatsapp,
        "+46700000009",
    ));
    source.email = Some("ada@example.com".to_owned());
    let seeded = live.seed(vec![destination, source]);
    let (ada, dup) = (seeded[0].id.clone().unwrap(), seeded[1].id.clone().unwrap());

    let conflicts = bin()
        .args(live.base())
        .args(["conflicts"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&conflicts.stdout);
    assert!(
        text.contains("+46700000001") && text.contains(&ada) && text.contains(&dup),
        "{text}"
    );

    let merged = bin()
        .args(live.base())
        .args(["merge", &ada, &dup])
        .output()
        .unwrap();
    assert_eq!(
        merged.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let text = String::from_utf8_lossy(&merged.stdout);
    let line_of = |subject: &str| {
        text.lines()
            .find(|line| line.contains(subject))
            .unwrap_or_else(|| panic!("no line for {subject} in {text}"))
            .to_owned()
    };
    assert!(line_of("WHATSAPP:+46700000009").contains("moved"));
    assert!(line_of("identity  SMS:+46700000001").contains("stayed"));
    assert!(line_of("field     email").contains("copied"));
    assert!(line_of("field     display_name").contains("kept"));
    assert!(line_of("field     external_id").contains("kept"));
    assert!(!text.contains("not explained"), "{text}");
    // Checked against the stored contact, by the rules restated: WhatsApp moved and was
    // appended to the priority, the email was copied, the name and external id kept.
    let stored = live.emulator.contact(&ada).unwrap();
    assert_eq!(
        stored.channel_priority,
        [ConversationChannel::Sms, ConversationChannel::Whatsapp]
    );
    assert_eq!(stored.email.as_deref(), Some("ada@example.com"));
    assert_eq!(stored.display_name.as_deref(), Some("Ada"));
    assert!(live.emulator.contact(&dup).is_none());

    let itself = bin()
        .args(live.base())
        .args(["merge", &ada, &ada])
        .output()
        .unwrap();
    assert_eq!(itself.status.code(), Some(2));
}

#[test]
fn profile_and_capability_reach_the_api() {
    let live = LiveEmulator::start();
    let app = live.emulator.app_id().to_owned();
    let mut messenger = ContactCreateRequest::new(
        vec![{
            let mut identity = ChannelIdentity::new(ConversationChannel::Messenger, "psid-1");
            identity.app_id = Some(app.clone());
            identity
        }],
        ContactLanguage::EnUs,
    );
    messenger.display_name = Some("Kat".to_owned());
    let id = live.seed(vec![messenger])[0].id.clone().unwrap();

    let capability = json(
        &bin()
            .args(live.base())
            .args([
                "--json",
                "capability",
                "--app-id",
                &app,
                "--contact",
                &id,
                "--request-id",
                "req-7",
            ])
            .output()
            .unwrap(),
    );
    assert_eq!(capability["request_id"], "req-7");
    assert_eq!(capability["app_id"], app.as_str());

    let profile = bin()
        .args(live.base())
        .args([
            "--json",
            "profile",
            "--app-id",
            &app,
            "--channel",
            "messenger",
            "--contact",
            &id,
        ])
        .output()
        .unwrap();
    assert_eq!(
        profile.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&profile.stderr)
    );
    let profile: Value = serde_json::from_slice(&profile.stdout).unwrap();
    assert!(profile.is_object());

    let wrong_app = bin()
        .args(live.base())
        .args(["capability", "--app-id", "no-such-app", "--contact", &id])
        .output()
        .unwrap();
    assert_eq!(wrong_app.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&wrong_app.stderr).lines().count(),
        1
    );

    let sms_profile = bin()
        .args(live.base())
        .args([
            "profile",
            "--app-id",
            &app,
            "--channel",
            "sms",
            "--contact",
            &id,
        ])
        .output()
        .unwrap();
    assert_eq!(sms_profile.status.code(), Some(2));
}

#[test]
fn wrong_credentials_are_reported_with_a_hint() {
    let live = LiveEmulator::start();
    let output = bin()
        .args(live.base())
        .args(["--key-secret", "wrong", "list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--key-secret"), "{stderr}");
    let basic = bin()
        .args(live.base())
        .args(["--auth", "basic", "list"])
        .output()
        .unwrap();
    assert_eq!(
        basic.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&basic.stderr)
    );
}
