//! `callbacks trigger`: the built-in bodies, `--set`, `--list`, and a trigger received by a real
//! `callbacks listen`.

use std::time::Duration;

use base64::Engine as _;
use hmac::Mac as _;

use crate::stub::{Stub, response};
use crate::support::{Running, bin, bin_std, url_in, write};

/// The value of header `name` in a request head (as the stub keeps it).
fn header<'h>(head: &'h str, name: &str) -> &'h str {
    head.lines()
        .find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
        .unwrap_or_else(|| panic!("no {name} in {head}"))
}

#[test]
fn the_list_has_one_line_per_trigger_the_callbacks_crate_types() {
    let output = bin()
        .args(["--json", "callbacks", "trigger", "--list"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let listed: Vec<serde_json::Value> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // The 22 values of WebhookTrigger but UNSPECIFIED_TRIGGER, which no callback carries.
    assert_eq!(listed.len(), 21);
    for name in [
        "CONTACT_CREATE",
        "CONTACT_DELETE",
        "CONTACT_MERGE",
        "CONTACT_UPDATE",
        "CONTACT_IDENTITIES_DUPLICATION",
        "MESSAGE_INBOUND",
        "OPT_IN",
        "OPT_OUT",
        "CAPABILITY",
        "RECORD_NOTIFICATION",
    ] {
        let entry = listed
            .iter()
            .find(|entry| entry["trigger"] == name)
            .unwrap_or_else(|| panic!("{name} is not listed"));
        assert!(!entry["description"].as_str().unwrap().is_empty());
    }

    let output = bin()
        .args(["callbacks", "trigger", "--list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.lines().count(), 22, "{text}");
    assert!(
        text.lines()
            .any(|line| line.starts_with("MESSAGE_INBOUND ") && line.contains("STOP")),
        "{text}"
    );
}

#[test]
fn the_body_sent_is_signed_and_set_changes_its_fields() {
    let stub = Stub::start(vec![response(200, &[], "{}")]);
    let output = bin()
        .args([
            "callbacks",
            "trigger",
            "contact_create",
            "--to",
            &format!("{}/hooks", stub.url),
            "--set",
            "contact.display_name=Grace Hopper",
            "--set",
            "contact.channel_identities.1.identity=46700000002",
            "--set",
            "project_id=other-project",
        ])
        .env("SINCH_WEBHOOK_SECRET", "hook-secret")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("sent CONTACT_CREATE to "), "{stdout}");
    assert!(stdout.contains("HTTP 200"), "{stdout}");

    let head = &stub.heads()[0];
    assert!(head.starts_with("POST /hooks HTTP/1.1"), "{head}");
    let body = &stub.bodies()[0];
    let nonce = header(head, "x-sinch-webhook-signature-nonce");
    let timestamp = header(head, "x-sinch-webhook-signature-timestamp");
    assert_eq!(
        header(head, "x-sinch-webhook-signature-algorithm"),
        "HmacSHA256"
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(b"hook-secret").unwrap();
    mac.update(body);
    mac.update(format!(".{nonce}.{timestamp}").as_bytes());
    let expected = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    assert_eq!(header(head, "x-sinch-webhook-signature"), expected);

    let sent: serde_json::Value = serde_json::from_slice(body).unwrap();
    let contact = &sent["contact_create_notification"]["contact"];
    assert_eq!(contact["display_name"], "Grace Hopper");
    // The field was a string and stays one, digits or not.
    assert_eq!(contact["channel_identities"][1]["identity"], "46700000002");
    assert_eq!(contact["channel_identities"][0]["identity"], "46732001122");
    assert_eq!(sent["project_id"], "other-project");
    assert_eq!(contact["email"], "ada@example.com");
}

#[test]
fn a_path_that_is_not_in_the_body_is_a_usage_error_naming_it() {
    let output = bin()
        .args([
            "callbacks",
            "trigger",
            "CONTACT_CREATE",
            "--print",
            "--set",
            "contact.nickname=Ada",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no field `nickname` in `contact_create_notification.contact`")
            && stderr.contains("display_name"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());

    // A boolean field takes true or false only; an unknown trigger is refused by name.
    let output = bin()
        .args([
            "callbacks",
            "trigger",
            "MESSAGE_INBOUND",
            "--print",
            "--set",
            "message.injected=maybe",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = bin()
        .args(["callbacks", "trigger", "CONTACT_EXPLODE", "--print"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("CONTACT_CREATE"));
}

#[test]
fn sending_needs_a_secret_and_a_url() {
    let output = bin()
        .args([
            "callbacks",
            "trigger",
            "OPT_OUT",
            "--to",
            "http://127.0.0.1:9/",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SINCH_WEBHOOK_SECRET"));
    let output = bin()
        .args(["callbacks", "trigger", "OPT_OUT", "--secret", "s"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--to"));
}

#[test]
fn triggers_sent_to_listen_are_verified_and_printed() {
    let dir = tempfile::tempdir().unwrap();
    let secret = write(dir.path(), "secret", "hook-secret\n");
    let mut command = bin_std();
    command
        .args(["callbacks", "listen", "--port", "0", "--secret-file"])
        .arg(&secret);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(Duration::from_secs(20)));

    let trigger = |name: &str, set: &[&str], secret_file: &std::path::Path| {
        let mut command = bin();
        command
            .args(["callbacks", "trigger", name, "--to", &url, "--secret-file"])
            .arg(secret_file);
        for assignment in set {
            command.args(["--set", assignment]);
        }
        command.output().unwrap()
    };
    let sent = trigger("CONTACT_CREATE", &["contact.display_name=Grace"], &secret);
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let line = listener.line_containing("CONTACT_CREATE", Duration::from_secs(10));
    assert!(
        line.contains("\"Grace\"") && line.contains("mirror: inserted 01J5X6C3R9M2VB7K0QWE4TYH8D"),
        "{line}"
    );

    let sent = trigger("MESSAGE_INBOUND", &[], &secret);
    assert_eq!(sent.status.code(), Some(0));
    let line = listener.line_containing("MESSAGE_INBOUND", Duration::from_secs(10));
    assert!(
        line.contains("\"STOP\"") && line.contains("suppression: opted out SMS:46732001122"),
        "{line}"
    );

    // Signed with another secret: the receiver answers 401 and the command exits 1.
    let wrong = write(dir.path(), "wrong", "not-the-secret");
    let refused = trigger("OPT_OUT", &[], &wrong);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("401"));
}
