//! The two servers, `emulator` and `callbacks listen`, against clients that misbehave: a
//! webhook flag the emulator cannot use, a string longer than any request the emulator takes.

use std::time::Duration;

use crate::support::{Running, bin, bin_std, url_in, write};

/// `sinch-contacts emulator` on a free port, with these extra flags; its base URL.
fn emulator(extra: &[&str]) -> (Running, String) {
    let mut command = bin_std();
    command.args(["emulator", "--port", "0"]).args(extra);
    let running = Running::spawn(command);
    let first = running.next_line(Duration::from_secs(20));
    assert!(first.starts_with("emulator listening on"), "{first}");
    let url = url_in(&first);
    (running, url)
}

#[test]
fn the_emulator_command_refuses_a_webhook_it_cannot_sign_or_send_to() {
    for (target, secret, expected) in [
        (
            "http://127.0.0.1:9/hooks",
            "",
            "--secret must not be empty: every callback is signed with it",
        ),
        (
            "file:///etc/passwd",
            "s",
            "--webhook not an absolute http:// or https:// URL",
        ),
        (
            "https://127.0.0.1:9/hooks",
            "s",
            "the emulator posts to http:// URLs only",
        ),
    ] {
        let output = bin()
            .args([
                "emulator",
                "--port",
                "0",
                "--webhook",
                target,
                "--secret",
                secret,
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{target}: {stderr}");
        assert!(stderr.contains(expected), "{target}: {stderr}");
        assert!(output.stdout.is_empty(), "{target}: nothing is served");
    }
}

#[test]
fn a_display_name_over_one_mib_is_refused_before_it_is_sent() {
    let (mut emulator, base_url) = emulator(&[]);
    let dir = tempfile::tempdir().unwrap();
    // 1,048,577 characters: one over the limit. Sent, the body would be over the emulator's
    // 1 MiB and answered 413; the model's message shows it was refused before.
    let csv = format!(
        "external_id,display_name,language,channel_identities\n\
         ext-1,{},EN_US,SMS:+46700000001\n\
         ext-2,Short,EN_US,SMS:+46700000002\n",
        "x".repeat(1_048_577)
    );
    let file = write(dir.path(), "long.csv", &csv);
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            &base_url,
            "--json",
            "import",
            "--no-journal",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(output.stdout.trim_ascii_end()).unwrap();
    assert_eq!(summary["created"], 1, "{summary}");
    assert_eq!(summary["refused"], 1, "{summary}");
    assert_eq!(
        summary["problems"][0]["error"],
        "display_name: 1048577 characters, at most 1048576 allowed"
    );
    assert_eq!(emulator.terminate(Duration::from_secs(10)), Some(0));
}
