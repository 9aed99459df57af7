//! Secrets off the command line: `SINCH_WEBHOOK_SECRET` and `--secret-file` for the webhook
//! secret, `SINCH_KEY_SECRET` with `--base-url`; an empty webhook secret refused at start-up.

use std::time::Duration;

use sinch_contacts_emulator::Emulator;

use crate::live::LiveEmulator;
use crate::support::{Running, bin, bin_std, url_in, write};

const CREATE: &str = r#"{"app_id":"app","project_id":"proj","accepted_time":"2026-01-01T10:00:00Z","contact_create_notification":{"contact":{"id":"01HCREATED","display_name":"Ada","channel_identities":[{"channel":"SMS","identity":"+46700000001"}]}}}"#;

#[test]
fn listen_and_send_take_the_webhook_secret_from_the_variable_or_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let body = write(dir.path(), "create.json", CREATE);
    let file = write(dir.path(), "secret", "from-the-env\n");
    let crlf = write(dir.path(), "secret-crlf", "from-the-env\r\n");
    let mut command = bin_std();
    command
        .args(["callbacks", "listen", "--port", "0"])
        .env("SINCH_WEBHOOK_SECRET", "from-the-env");
    let mut listener = Running::spawn(command);
    let url = url_in(&listener.line_containing("listening on", Duration::from_secs(20)));

    let send = |secret_args: &[&str], env: Option<&str>| {
        let mut command = bin();
        command
            .args(["callbacks", "send", "--to", &url])
            .args(secret_args)
            .arg(&body);
        if let Some(value) = env {
            command.env("SINCH_WEBHOOK_SECRET", value);
        }
        command.output().unwrap()
    };
    let file_arg = file.to_str().unwrap();
    let crlf_arg = crlf.to_str().unwrap();
    for (args, env) in [
        (&["--secret-file", file_arg][..], None),
        (&["--secret-file", crlf_arg], None),
        (&[], Some("from-the-env")),
        // A flag beats the variable.
        (&["--secret-file", file_arg], Some("wrong")),
        (&["--secret", "from-the-env"], Some("wrong")),
    ] {
        let output = send(args, env);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?} {env:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let refused = send(&["--secret", "wrong"], Some("from-the-env"));
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("HTTP 401"));

    assert_eq!(listener.terminate(Duration::from_secs(20)), Some(0));
    let stderr = listener.stderr();
    assert_eq!(
        stderr.matches("refused (401 unauthorized)").count(),
        1,
        "{stderr}"
    );
}

#[test]
fn an_empty_webhook_secret_is_refused_at_start_up_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty", "");
    let newline_only = write(dir.path(), "newline", "\n");
    let body = write(dir.path(), "create.json", CREATE);
    let listen = ["callbacks", "listen", "--port", "0"];
    let cases: Vec<(Vec<&str>, Option<&str>, &str)> = vec![
        (vec!["--secret", ""], None, "--secret"),
        (vec![], Some(""), "SINCH_WEBHOOK_SECRET"),
        (
            vec!["--secret-file", empty.to_str().unwrap()],
            None,
            "--secret-file",
        ),
        (
            vec![
                "--secret",
                "ok",
                "--secret-file",
                newline_only.to_str().unwrap(),
            ],
            None,
            "--secret-file",
        ),
    ];
    for (args, env, named) in cases {
        let mut command = bin();
        command.args(listen).args(&args);
        if let Some(value) = env {
            command.env("SINCH_WEBHOOK_SECRET", value);
        }
        let output = command.timeout(Duration::from_secs(60)).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}");
        assert!(output.stdout.is_empty(), "{args:?}: it started listening");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("is empty"), "{stderr}");
        assert!(stderr.contains(named), "{stderr}");
    }
    let output = bin()
        .args([
            "callbacks",
            "send",
            "--to",
            "http://127.0.0.1:9/",
            "--secret",
            "",
        ])
        .arg(&body)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // Without any secret, clap says which flag is missing.
    let output = bin().args(listen).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--secret"));
}

#[test]
fn help_names_the_secret_variable_but_never_its_value() {
    for command in ["listen", "send", "verify"] {
        let output = bin()
            .args(["callbacks", command, "--help"])
            .env("SINCH_WEBHOOK_SECRET", "hunter2-do-not-show")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        let help = String::from_utf8_lossy(&output.stdout);
        assert!(help.contains("[env: SINCH_WEBHOOK_SECRET]"), "{help}");
        assert!(help.contains("--secret-file"), "{help}");
        assert!(!help.contains("hunter2"), "{help}");
    }
}

#[test]
fn the_key_secret_variable_applies_with_base_url_after_the_flag() {
    let live = LiveEmulator::with(
        Emulator::builder()
            .key("emulator-key", "rotated-key-secret")
            .build(),
    );
    for auth in ["oauth2", "basic"] {
        let list = |flags: &[&str], env: Option<&str>| {
            let mut command = bin();
            command
                .args(live.base())
                .args(["--auth", auth])
                .args(flags)
                .arg("list");
            if let Some(value) = env {
                command.env("SINCH_KEY_SECRET", value);
            }
            command.output().unwrap()
        };
        let ok = list(&[], Some("rotated-key-secret"));
        assert_eq!(
            ok.status.code(),
            Some(0),
            "{auth}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let flag_first = list(&["--key-secret", "rotated-key-secret"], Some("wrong"));
        assert_eq!(flag_first.status.code(), Some(0), "{auth}");
        // Without either, the emulator's default secret is sent and refused; the hint names
        // the variable that would have been read.
        for refused in [list(&[], None), list(&[], Some("wrong"))] {
            assert_eq!(refused.status.code(), Some(1), "{auth}");
            let stderr = String::from_utf8_lossy(&refused.stderr);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.contains("401"), "{stderr}");
            assert!(
                stderr.contains("with --base-url --key-id") && stderr.contains("SINCH_KEY_SECRET"),
                "{auth}: {stderr}"
            );
            assert!(!stderr.contains("rotated-key-secret"), "{stderr}");
        }
    }
}
