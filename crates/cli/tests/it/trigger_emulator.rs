//! `callbacks trigger --emulator URL`: the built-in body given to a real `sinch-contacts
//! emulator`, which delivers it, signed with its webhook's secret, to a real `callbacks listen`.

use std::time::Duration;

use crate::support::{Running, bin, bin_std, http_get, url_in};

const SECRET: &str = "emulator-hook-secret";
const WAIT: Duration = Duration::from_secs(20);

/// `callbacks listen` verifying with [`SECRET`]; its URL.
fn listener() -> (Running, String) {
    let mut command = bin_std();
    command.args(["callbacks", "listen", "--port", "0", "--secret", SECRET]);
    let listener = Running::spawn(command);
    let url = url_in(&listener.next_line(WAIT));
    (listener, url)
}

/// `sinch-contacts emulator` with these extra flags; its base URL.
fn emulator(flags: &[&str]) -> (Running, String) {
    let mut command = bin_std();
    command.args(["emulator", "--port", "0"]).args(flags);
    let emulator = Running::spawn(command);
    let url = url_in(&emulator.next_line(WAIT));
    (emulator, url)
}

fn trigger(args: &[&str]) -> std::process::Output {
    bin()
        .args(["callbacks", "trigger"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_trigger_given_to_the_emulator_reaches_its_webhook_signed_with_the_webhook_secret() {
    let (listener, listen_url) = listener();
    let (_emulator, emulator_url) = emulator(&["--webhook", &listen_url, "--secret", SECRET]);

    let sent = trigger(&[
        "CONTACT_CREATE",
        "--emulator",
        &emulator_url,
        "--set",
        "contact.display_name=Grace Hopper",
    ]);
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    // One webhook: the one `emulator --webhook` registered, by the id the emulator lists.
    let (status, webhooks) = http_get(&emulator_url, "/_emulator/webhooks");
    assert_eq!(status, 200);
    let webhooks: serde_json::Value = serde_json::from_str(&webhooks).unwrap();
    let id = webhooks["webhooks"][0]["id"].as_str().unwrap();
    assert_eq!(
        stdout,
        format!("queued CONTACT_CREATE for 1 webhook at {emulator_url}: {id}\n")
    );
    // The receiver verified the emulator's signature (it answers 401 otherwise and prints no
    // callback line), parsed the body with the --set change, and applied it to its mirror.
    let line = listener.line_containing("CONTACT_CREATE", WAIT);
    assert!(
        line.contains("\"Grace Hopper\"")
            && line.contains("mirror: inserted 01J5X6C3R9M2VB7K0QWE4TYH8D"),
        "{line}"
    );

    // With --json: the emulator's answer, and where it went.
    let sent = bin()
        .args([
            "--json",
            "callbacks",
            "trigger",
            "MESSAGE_INBOUND",
            "--emulator",
            &emulator_url,
        ])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(0));
    let answer: serde_json::Value = serde_json::from_slice(&sent.stdout).unwrap();
    assert_eq!(answer["emulator"], emulator_url.as_str());
    assert_eq!(answer["trigger"], "MESSAGE_INBOUND");
    assert_eq!(answer["queued"], 1);
    assert_eq!(answer["webhook_ids"].as_array().unwrap().len(), 1);
    assert_eq!(answer["not_queued"], serde_json::json!([]));
    let line = listener.line_containing("MESSAGE_INBOUND", WAIT);
    assert!(
        line.contains("\"STOP\"") && line.contains("suppression: opted out SMS:46732001122"),
        "{line}"
    );
}

#[test]
fn a_body_the_emulator_refuses_exits_1_with_its_reason() {
    let (_emulator, emulator_url) = emulator(&[]);
    // A contact that is a number is no CONTACT_CREATE the callbacks crate types.
    let refused = trigger(&[
        "CONTACT_CREATE",
        "--emulator",
        &emulator_url,
        "--set",
        "contact:=5",
    ]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("the emulator answered HTTP 400: Invalid argument: contact_create_notification.contact: "),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());

    // No webhook subscribed: not an error, and the line says so.
    let sent = trigger(&["OPT_OUT", "--emulator", &emulator_url]);
    assert_eq!(sent.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&sent.stdout),
        format!(
            "queued OPT_OUT for 0 webhooks at {emulator_url}: no registered webhook is \
             subscribed to OPT_OUT: the callback was not queued\n"
        )
    );

    // A URL that is not the emulator's base: its 404, with a hint.
    let refused = trigger(&["OPT_OUT", "--emulator", &format!("{emulator_url}/nowhere")]);
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("HTTP 404") && stderr.contains("base URL"),
        "{stderr}"
    );
}

#[test]
fn the_emulator_takes_no_secret_and_excludes_to() {
    let both = trigger(&[
        "OPT_OUT",
        "--emulator",
        "http://127.0.0.1:9",
        "--to",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("--to"));

    let secret = trigger(&[
        "OPT_OUT",
        "--emulator",
        "http://127.0.0.1:9",
        "--secret",
        "s",
    ]);
    assert_eq!(secret.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&secret.stderr).contains("each webhook's own secret"),
        "{}",
        String::from_utf8_lossy(&secret.stderr)
    );

    // The variable is no flag: it is not used, and not refused. Port 9 refuses connections.
    let unreachable = bin()
        .args([
            "callbacks",
            "trigger",
            "OPT_OUT",
            "--emulator",
            "http://127.0.0.1:9",
        ])
        .env("SINCH_WEBHOOK_SECRET", "s")
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unreachable.stderr).contains("sinch-contacts emulator"),
        "{}",
        String::from_utf8_lossy(&unreachable.stderr)
    );
}
