//! The two servers, `emulator` and `callbacks listen`, against clients that misbehave: a
//! webhook flag the emulator cannot use.

use crate::support::bin;

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
