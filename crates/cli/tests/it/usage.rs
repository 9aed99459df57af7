//! Exit codes and one-line errors for bad usage and bad input.

use crate::support::bin;

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_unknown_flag_is_a_usage_error_with_exit_code_2() {
    let output = bin().args(["contacts", "--bogus"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("unexpected argument '--bogus'"));
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["contacts", "--help"],
        &["contacts", "list", "--help"],
        &["contacts", "import", "--help"],
        &["contacts", "export", "--help"],
        &["contacts", "merge", "--help"],
        &["callbacks", "listen", "--help"],
        &["callbacks", "send", "--help"],
        &["completions", "--help"],
    ] {
        let output = bin().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
}

#[test]
fn missing_credentials_say_which_variable_and_how_to_fix_it() {
    let output = bin()
        .args(["contacts", "list"])
        .env_remove("SINCH_PROJECT_ID")
        .env_remove("SINCH_KEY_ID")
        .env_remove("SINCH_KEY_SECRET")
        .env_remove("SINCH_REGION")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: missing or invalid credentials"),
        "{stderr}"
    );
    assert!(stderr.contains("--base-url"), "{stderr}");
}

#[test]
fn an_unreachable_base_url_is_one_line_with_a_hint() {
    // Bind a port, then free it, so nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "get",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("could not connect") || stderr.contains("connect"),
        "{stderr}"
    );
    assert!(stderr.contains("is the server running?"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_bad_identity_flag_names_the_value_and_the_channels() {
    let output = bin()
        .args([
            "contacts",
            "--base-url",
            "http://127.0.0.1:9",
            "create",
            "--identity",
            "PIGEON:1",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("unknown channel `PIGEON`"));
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete"),
        ("zsh", "#compdef"),
        ("fish", "complete -c sinch-contacts"),
    ] {
        let output = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(marker), "{shell}");
        assert!(
            script.contains("import"),
            "{shell}: subcommands are completed"
        );
    }
}

#[test]
fn usage_errors_come_before_credentials_are_needed() {
    let output = bin()
        .args(["contacts", "update", "some-id"])
        .env_remove("SINCH_PROJECT_ID")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("nothing to update"));
    let output = bin()
        .args(["contacts", "merge", "a", "a"])
        .env_remove("SINCH_PROJECT_ID")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("cannot be merged into itself"));
}
